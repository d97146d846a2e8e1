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

/// Runs `sql` on pod `pod` as `login`; each row as column → text. The error is the server's
/// message when there is one.
pub async fn query_pod(
    kube: &Kube,
    pod: &Pod,
    login: &Login<'_>,
    sql: &str,
) -> Result<Vec<BTreeMap<String, String>>, String> {
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
            return query(&config, stream, ip, sql).await;
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
    let rows = query(&config, stream, "localhost", sql).await;
    forwarder.abort();
    rows
}

async fn query<S>(
    config: &tokio_postgres::Config,
    stream: S,
    host: &str,
    sql: &str,
) -> Result<Vec<BTreeMap<String, String>>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut tls = pgwire::unverified_connector()?;
    let tls = MakeTlsConnect::<S>::make_tls_connect(&mut tls, host).map_err(|e| e.to_string())?;
    let (client, connection) = config
        .connect_raw(stream, tls)
        .await
        .map_err(|e| describe(&e))?;
    let connection = tokio::spawn(connection);
    let messages = client.simple_query(sql).await.map_err(|e| describe(&e));
    drop(client);
    connection.abort();
    Ok(messages?
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
fn describe(error: &tokio_postgres::Error) -> String {
    error
        .as_db_error()
        .map(|db| db.message().to_string())
        .unwrap_or_else(|| error.to_string())
}
