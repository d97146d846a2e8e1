//! Connections to the cluster's master: by IP (or host name) and port, as the superuser, with
//! connect and statement timeouts, TLS preferred.

use std::fmt;
use std::time::Duration;

use pgctl_shared::password::Password;
use tokio_postgres::config::SslMode;
use tokio_postgres::{Client, NoTls};

use super::error::{ConnectFailure, SqlError, describe};

/// Where and as whom to connect.
#[derive(Clone)]
pub struct Endpoint {
    /// IP address (or host name) of the master.
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Password,
}

impl Endpoint {
    pub fn new(
        host: impl Into<String>,
        port: u16,
        user: impl Into<String>,
        password: Password,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            user: user.into(),
            password,
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// TLS policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Plain connections only.
    Disable,
    /// TLS when the server offers it, plain otherwise (libpq `prefer`); no certificate check.
    #[default]
    Prefer,
    /// TLS or nothing (libpq `require`); no certificate check.
    Require,
}

/// Timeouts and TLS.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub connect_timeout: Duration,
    /// Server-side `statement_timeout`; the client also gives up on a statement after this
    /// plus [`Self::client_grace`].
    pub statement_timeout: Duration,
    /// Server-side `lock_timeout`.
    pub lock_timeout: Duration,
    /// Extra time the client waits beyond the server-side timeout.
    pub client_grace: Duration,
    pub tls: TlsMode,
    /// Database for cluster-wide statements.
    pub maintenance_database: String,
    pub application_name: String,
    /// How many `CREATE DATABASE` statements of a plan may run at once (each on its own
    /// connection); 1 runs them one after the other. Copying the template is mostly waiting
    /// for WAL writes, which overlap well: on the 2-core test machine 40 databases took
    /// 5.7 s one at a time, 4.0 s two at a time and 2.1 s eight at a time (bench/roles.sh).
    pub create_database_concurrency: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(60),
            lock_timeout: Duration::from_secs(15),
            client_grace: Duration::from_secs(5),
            tls: TlsMode::Prefer,
            maintenance_database: "postgres".into(),
            application_name: "pgctl".into(),
            create_database_concurrency: 8,
        }
    }
}

impl ConnectOptions {
    /// How long the client waits for one statement or query.
    pub fn client_timeout(&self) -> Duration {
        self.statement_timeout + self.client_grace
    }
}

/// Opens one connection to `database`. The connection task runs on the Tokio runtime and ends
/// when the returned client is dropped.
pub async fn connect(
    endpoint: &Endpoint,
    database: &str,
    opts: &ConnectOptions,
) -> Result<Client, SqlError> {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host(&endpoint.host)
        .port(endpoint.port)
        .user(&endpoint.user)
        .password(endpoint.password.expose())
        .dbname(database)
        .application_name(&opts.application_name)
        .connect_timeout(opts.connect_timeout)
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .options(format!(
            "-c statement_timeout={} -c lock_timeout={} -c synchronous_commit=local",
            opts.statement_timeout.as_millis(),
            opts.lock_timeout.as_millis()
        ));
    let connect_error = |e: tokio_postgres::Error| {
        let (message, code) = describe(&e);
        SqlError::Connect(Box::new(ConnectFailure {
            host: endpoint.host.clone(),
            port: endpoint.port,
            database: database.to_string(),
            user: endpoint.user.clone(),
            message,
            code,
        }))
    };
    let timeout_error = || SqlError::ConnectTimeout {
        host: endpoint.host.clone(),
        port: endpoint.port,
        database: database.to_string(),
        timeout: opts.connect_timeout,
    };
    // The driver's own connect timeout covers TCP; this one also covers TLS and authentication.
    let limit = opts.connect_timeout + opts.client_grace;
    match opts.tls {
        TlsMode::Disable => {
            cfg.ssl_mode(SslMode::Disable);
            let (client, connection) = tokio::time::timeout(limit, cfg.connect(NoTls))
                .await
                .map_err(|_| timeout_error())?
                .map_err(connect_error)?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!(error = %describe(&e).0, "postgres connection ended");
                }
            });
            Ok(client)
        }
        TlsMode::Prefer | TlsMode::Require => {
            cfg.ssl_mode(if opts.tls == TlsMode::Require {
                SslMode::Require
            } else {
                SslMode::Prefer
            });
            let tls = pgctl_shared::pgwire::unverified_connector().map_err(SqlError::Tls)?;
            let (client, connection) = tokio::time::timeout(limit, cfg.connect(tls))
                .await
                .map_err(|_| timeout_error())?
                .map_err(connect_error)?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!(error = %describe(&e).0, "postgres connection ended");
                }
            });
            Ok(client)
        }
    }
}

/// A connection to the maintenance database plus what it takes to open connections to the
/// cluster's other databases.
pub struct Connector {
    endpoint: Endpoint,
    opts: ConnectOptions,
    client: Client,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("endpoint", &self.endpoint)
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Connects to the maintenance database.
    pub async fn connect(endpoint: Endpoint, opts: ConnectOptions) -> Result<Self, SqlError> {
        let client = connect(&endpoint, &opts.maintenance_database, &opts).await?;
        Ok(Self {
            endpoint,
            opts,
            client,
        })
    }

    /// The maintenance connection.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.opts
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Opens a connection to `database` with the same endpoint and options.
    pub async fn connect_database(&self, database: &str) -> Result<Client, SqlError> {
        connect(&self.endpoint, database, &self.opts).await
    }
}
