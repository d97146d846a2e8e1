//! One short SQL exchange with a pod's PostgreSQL or PgBouncer, for `status` and `test`: over
//! TLS (Spilo and the pooler image require it off loopback), to the pod's IP when this machine
//! reaches it and through a port-forward stream otherwise; simple-query protocol (PgBouncer's
//! console speaks nothing else).

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use pgctl_shared::pgwire;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_postgres::SimpleQueryMessage;
use tokio_postgres::config::SslMode;
use tokio_postgres::tls::MakeTlsConnect;

use crate::k8s::Kube;

/// Who to log in as, and where.
pub struct Login<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub database: &'a str,
    pub port: u16,
}

/// An open connection to a pod's server; dropping it closes the connection (and the
/// port-forward it runs through).
pub struct Session {
    pub client: tokio_postgres::Client,
    connection: tokio::task::JoinHandle<()>,
    forwarder: Option<kube::api::Portforwarder>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.connection.abort();
        if let Some(forwarder) = self.forwarder.take() {
            forwarder.abort();
        }
    }
}

/// Connects to pod `pod` as `login`: to its IP when this machine reaches it (within 1 s),
/// else through a port-forward. The error is the server's message when there is one.
pub async fn connect_pod(kube: &Kube, pod: &Pod, login: &Login<'_>) -> Result<Session, String> {
    let mut config = tokio_postgres::Config::new();
    config
        .user(login.user)
        .password(login.password)
        .dbname(login.database)
        .application_name("pgctl")
        .ssl_mode(SslMode::Require);
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
    if let Some(ip) = ip.as_deref() {
        let direct =
            tokio::time::timeout(Duration::from_secs(1), TcpStream::connect((ip, login.port)))
                .await
                .ok()
                .and_then(Result::ok);
        if let Some(stream) = direct {
            return open(&config, stream, ip, None).await;
        }
    }
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let namespace = pod
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| kube.namespace.clone());
    let pods: Api<Pod> = Api::namespaced(kube.client.clone(), &namespace);
    let mut forwarder = pods
        .portforward(name, &[login.port])
        .await
        .map_err(|e| format!("port-forward: {e}"))?;
    let stream = forwarder
        .take_stream(login.port)
        .ok_or_else(|| "port-forward: no stream".to_string())?;
    open(&config, stream, "localhost", Some(forwarder)).await
}

async fn open<S>(
    config: &tokio_postgres::Config,
    stream: S,
    host: &str,
    forwarder: Option<kube::api::Portforwarder>,
) -> Result<Session, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut tls = pgwire::unverified_connector()?;
    let tls = MakeTlsConnect::<S>::make_tls_connect(&mut tls, host).map_err(|e| e.to_string())?;
    let (client, connection) = config
        .connect_raw(stream, tls)
        .await
        .map_err(|e| describe(&e))?;
    let connection = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(Session {
        client,
        connection,
        forwarder,
    })
}

/// Runs `sql` on pod `pod` as `login`; each row as column → text. The error is the server's
/// message when there is one.
pub async fn query_pod(
    kube: &Kube,
    pod: &Pod,
    login: &Login<'_>,
    sql: &str,
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let session = connect_pod(kube, pod, login).await?;
    let messages = session
        .client
        .simple_query(sql)
        .await
        .map_err(|e| describe(&e))?;
    Ok(messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(
                row.columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        (
                            c.name().to_string(),
                            row.get(i).unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

/// The server's message when there is one (`password authentication failed…`), else the
/// client's.
pub fn describe(error: &tokio_postgres::Error) -> String {
    error
        .as_db_error()
        .map(|db| db.message().to_string())
        .unwrap_or_else(|| error.to_string())
}
