//! `pgctl connect NAME`: a connection URI (with the password only on `--show-password`), or
//! psql on the cluster (`--psql`), through the pod IP or a port-forward.

use std::time::Duration;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use pgctl_shared::naming;
use tokio::net::{TcpListener, TcpStream};

use crate::cluster;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube, Subject};
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Connect to the replicas' Service instead of the master's.
    #[arg(long)]
    pub replica: bool,
    /// Connect through the cluster's connection pooler (`NAME-pooler`, with --replica
    /// `NAME-pooler-repl`).
    #[arg(long)]
    pub pooler: bool,
    /// Role to connect as (default: the superuser of the operator configuration).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Database to connect to.
    #[arg(long, value_name = "DATABASE", default_value = "postgres")]
    pub database: String,
    /// Put the password from the role's Secret into the URI.
    #[arg(long)]
    pub show_password: bool,
    /// Open psql on the cluster (through the pod IP, or a port-forward when it is unreachable).
    #[arg(long)]
    pub psql: bool,
    /// With --psql: always use a port-forward.
    #[arg(long, requires = "psql")]
    pub port_forward: bool,
}

pub const EXAMPLES: &str = "Examples:
  pgctl connect acid-foo
  psql \"$(pgctl connect acid-foo --user app --database app --show-password)\"
  pgctl connect acid-foo --psql
  pgctl connect acid-foo --pooler --user app --database app --psql   # through PgBouncer";

/// Port of PostgreSQL in the pods and Services.
const POSTGRES_PORT: u16 = 5432;

pub async fn run(args: ConnectArgs, global: &GlobalArgs, _ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let pg = kube.get_cluster(&args.name).await?;
    let user = args
        .user
        .clone()
        .unwrap_or_else(|| config.super_username.clone());
    // The user's Secret: in another namespace for a user `namespace.user` with
    // enable_cross_namespace_secret, else in the cluster's.
    let (secret_namespace, secret_name) = pgctl_shared::build::secret::locate(&pg, &config, &user)
        .map(|s| (s.namespace, s.name))
        .unwrap_or_else(|_| {
            (
                kube.namespace.clone(),
                config.secret_name(&user, &args.name),
            )
        });
    let service = match (args.pooler, args.replica) {
        (true, true) => naming::replica_pooler(&args.name),
        (true, false) => naming::master_pooler(&args.name),
        (false, true) => naming::replica_service(&args.name),
        (false, false) => naming::master_service(&args.name),
    };
    if args.pooler {
        let role = if args.replica {
            pgctl_shared::pooler::Role::Replica
        } else {
            pgctl_shared::pooler::Role::Master
        };
        if !pgctl_shared::pooler::wanted(&pg.spec).contains(&role) {
            anyhow::bail!(
                "postgresql {:?} has no {} pooler: enable it with 'pgctl update {} --{}pooler'",
                args.name,
                if args.replica { "replica" } else { "master" },
                args.name,
                if args.replica { "replica-" } else { "" },
            );
        }
    }
    let host = format!("{service}.{}.svc.{}", kube.namespace, config.cluster_domain);
    let needs_password = args.show_password || args.psql;
    let password = if needs_password {
        Some(
            kube.secret_password(&secret_namespace, &secret_name)
                .await?,
        )
    } else {
        None
    };
    if !args.psql {
        let shown = if args.show_password {
            password.as_deref()
        } else {
            None
        };
        println!(
            "{}",
            uri(&user, shown, &host, POSTGRES_PORT, &args.database)
        );
        if !args.show_password {
            eprintln!(
                "The password is in Secret {secret_name:?} of namespace {secret_namespace:?} (key \"password\"); add --show-password to put it into the URI."
            );
        }
        return Ok(Code::Success);
    }

    // psql: to a pod of the wanted role (or of the pooler), directly or through a
    // port-forward.
    let pod = if args.pooler {
        let pods: Api<Pod> = kube.api();
        let selector = format!("{}={service}", pgctl_shared::pooler::POOLER_LABEL);
        let what = format!("listing the pods of {service}");
        pods.list(&kube::api::ListParams::default().labels(&selector))
            .await
            .map_err(|e| kube.explain(e, Subject::Other(&what)))?
            .items
            .into_iter()
            .find(cluster::is_ready)
            .ok_or_else(|| anyhow::anyhow!("no pod of {service} is ready"))?
    } else {
        let observed = cluster::observe_objects(&kube, pg, config.clone(), false).await?;
        let role = if args.replica { "replica" } else { "master" };
        cluster::with_role(&observed.pods, &config, role)
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no pod of {:?} has the role {role} (see 'pgctl status {}')",
                    args.name,
                    args.name
                )
            })?
    };
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let pod_ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
    let direct = match (&pod_ip, args.port_forward) {
        (Some(ip), false) => tokio::time::timeout(
            Duration::from_secs(1),
            TcpStream::connect((ip.as_str(), POSTGRES_PORT)),
        )
        .await
        .is_ok_and(|r| r.is_ok()),
        _ => false,
    };
    let (psql_host, psql_port) = if direct {
        (pod_ip.unwrap_or_default(), POSTGRES_PORT)
    } else {
        let port = port_forward(&kube, &pod_name).await?;
        eprintln!("Forwarding 127.0.0.1:{port} to {pod_name}:{POSTGRES_PORT}");
        ("127.0.0.1".to_string(), port)
    };
    let status = tokio::process::Command::new("psql")
        .arg(format!(
            "host={psql_host} port={psql_port} user={user} dbname={} sslmode={}",
            args.database,
            // PgBouncer of the reference's image requires TLS from clients.
            if args.pooler { "require" } else { "prefer" }
        ))
        .env("PGPASSWORD", password.unwrap_or_default())
        .status()
        .await
        .map_err(|e| anyhow::anyhow!("cannot run psql: {e} (install the PostgreSQL client)"))?;
    Ok(if status.success() {
        Code::Success
    } else {
        Code::Failure
    })
}

/// Listens on a free local port and forwards each connection to the pod's PostgreSQL port.
async fn port_forward(kube: &Kube, pod: &str) -> anyhow::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    let pods: Api<Pod> = kube.api();
    let pod = pod.to_string();
    tokio::spawn(async move {
        while let Ok((mut local, _)) = listener.accept().await {
            let pods = pods.clone();
            let pod = pod.clone();
            tokio::spawn(async move {
                let Ok(mut forwarder) = pods.portforward(&pod, &[POSTGRES_PORT]).await else {
                    eprintln!("port-forward to {pod} failed");
                    return;
                };
                if let Some(mut upstream) = forwarder.take_stream(POSTGRES_PORT) {
                    let _ = tokio::io::copy_bidirectional(&mut local, &mut upstream).await;
                }
                forwarder.abort();
            });
        }
    });
    Ok(port)
}

/// `postgresql://user[:password]@host:port/database?sslmode=require`, with the parts
/// percent-encoded.
pub fn uri(user: &str, password: Option<&str>, host: &str, port: u16, database: &str) -> String {
    let credentials = match password {
        Some(password) => format!("{}:{}", encode(user), encode(password)),
        None => encode(user),
    };
    format!(
        "postgresql://{credentials}@{host}:{port}/{}?sslmode=require",
        encode(database)
    )
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            uri(
                "postgres",
                None,
                "acid-foo.default.svc.cluster.local",
                5432,
                "postgres"
            ),
            "postgresql://postgres@acid-foo.default.svc.cluster.local:5432/postgres?sslmode=require"
        );
        assert_eq!(
            uri("app", Some("p@ss/w:rd"), "h", 5432, "my db"),
            "postgresql://app:p%40ss%2Fw%3Ard@h:5432/my%20db?sslmode=require"
        );
    }
}
