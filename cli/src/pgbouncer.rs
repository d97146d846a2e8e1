//! PgBouncer's admin console, for `pgctl status`: `SHOW POOLS` of each ready pod of a pooler,
//! as the pooler user (the reference's image makes it `admin_users`) over TLS (the image
//! requires it from clients), to the pod's IP when this machine reaches it and through a
//! port-forward otherwise.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use pgctl_shared::pgwire;
use pgctl_shared::pooler::pools::{self, Pool};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_postgres::SimpleQueryMessage;
use tokio_postgres::config::SslMode;
use tokio_postgres::tls::MakeTlsConnect;

use crate::k8s::Kube;

/// The port PgBouncer listens on in the pooler pods.
const PORT: u16 = pgctl_shared::pooler::PORT as u16;
/// How long one pod may take to answer, connection included.
const LIMIT: Duration = Duration::from_secs(3);

/// The pools of `pods` (the ready pods of one pooler), summed over the pods; the error names the
/// pod that did not answer.
pub async fn show_pools(
    kube: &Kube,
    pods: &[Pod],
    user: &str,
    password: &str,
) -> Result<Vec<Pool>, String> {
    let mut instances = Vec::new();
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let rows = tokio::time::timeout(LIMIT, pod_pools(kube, pod, &name, user, password))
            .await
            .map_err(|_| format!("{name}: no answer within {}s", LIMIT.as_secs()))?
            .map_err(|e| format!("{name}: {e}"))?;
        instances.push(pools::from_rows(&rows));
    }
    Ok(pools::merge(instances))
}

/// `SHOW POOLS` of one pod, each row as column → value.
async fn pod_pools(
    kube: &Kube,
    pod: &Pod,
    name: &str,
    user: &str,
    password: &str,
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut config = tokio_postgres::Config::new();
    config
        .user(user)
        .password(password)
        .dbname("pgbouncer")
        .ssl_mode(SslMode::Require);
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
    if let Some(ip) = ip.as_deref() {
        let direct = tokio::time::timeout(Duration::from_secs(1), TcpStream::connect((ip, PORT)))
            .await
            .ok()
            .and_then(Result::ok);
        if let Some(stream) = direct {
            return query(&config, stream, ip).await;
        }
    }
    let mut forwarder = kube
        .api::<Pod>()
        .portforward(name, &[PORT])
        .await
        .map_err(|e| format!("port-forward: {e}"))?;
    let stream = forwarder
        .take_stream(PORT)
        .ok_or_else(|| "port-forward: no stream".to_string())?;
    let rows = query(&config, stream, "localhost").await;
    forwarder.abort();
    rows
}

async fn query<S>(
    config: &tokio_postgres::Config,
    stream: S,
    host: &str,
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
    // The admin console speaks the simple query protocol only.
    let messages = client
        .simple_query("SHOW POOLS")
        .await
        .map_err(|e| describe(&e))?;
    drop(client);
    connection.abort();
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
fn describe(error: &tokio_postgres::Error) -> String {
    error
        .as_db_error()
        .map(|db| db.message().to_string())
        .unwrap_or_else(|| error.to_string())
}
