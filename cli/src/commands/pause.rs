//! `pgctl pause NAME` and `pgctl resume NAME`: the controller leaves a cluster alone (for
//! incident work) until it is resumed. Both set or remove the annotation
//! `pgctl.acid.zalan.do/reconcile: paused` (`shared::requests::PAUSE_ANNOTATION`). With
//! `--patroni`, Patroni's maintenance mode instead (`PATCH /config {"pause": …}`): Patroni
//! stops managing PostgreSQL (no automatic failover) while the controller goes on.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::requests::{PAUSE_ANNOTATION, PAUSED};
use serde_json::{Value, json};

use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;
use crate::patroni;

pub const PAUSE_EXAMPLES: &str = "Examples:
  pgctl pause acid-foo     # the controller changes nothing in acid-foo (condition Paused)
  pgctl resume acid-foo    # it reconciles acid-foo again, applying what changed meanwhile
  pgctl pause acid-foo --patroni    # Patroni's maintenance mode: no automatic failover";

#[derive(Debug, Args)]
pub struct PauseArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Patroni's maintenance mode instead: Patroni stops managing PostgreSQL (no automatic
    /// failover, no restarts) while the controller keeps reconciling.
    #[arg(long)]
    pub patroni: bool,
}

/// Pauses (`paused` true) or resumes the cluster.
pub async fn run(args: PauseArgs, global: &GlobalArgs, paused: bool) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    if args.patroni {
        return maintenance(&kube, &args.name, paused).await;
    }
    let value = if paused {
        Value::String(PAUSED.to_string())
    } else {
        Value::Null
    };
    let what = if paused { "pausing" } else { "resuming" };
    kube.annotate_cluster(&args.name, json!({PAUSE_ANNOTATION: value}), what)
        .await?;
    if paused {
        println!(
            "{} paused ({PAUSE_ANNOTATION}={PAUSED}): the controller changes nothing in it until `pgctl resume {}`",
            output::pg_name(&args.name),
            args.name
        );
    } else {
        println!(
            "{} resumed: the controller reconciles it again",
            output::pg_name(&args.name)
        );
    }
    Ok(Code::Success)
}

/// Switches Patroni's maintenance mode of cluster `name`, and waits until Patroni reports it.
async fn maintenance(kube: &k8s::Kube, name: &str, paused: bool) -> anyhow::Result<Code> {
    let config = kube.operator_config().await;
    kube.get_cluster(name).await?;
    let pods = patroni::pods(kube, &config, name).await?;
    let pod = pods
        .iter()
        .filter_map(|p| p.metadata.name.as_deref())
        .next()
        .ok_or_else(|| anyhow::anyhow!("{name} has no pods"))?;
    patroni::call(
        kube,
        pod,
        "PATCH",
        "config",
        Some(&json!({"pause": paused})),
    )
    .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let cluster = patroni::cluster(kube, &pods).await?;
        if cluster.paused == paused {
            break;
        }
        if std::time::Instant::now() > deadline {
            return Err(crate::exit::timeout(format!(
                "Patroni of {name} took the change but does not report it after 30s"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    if paused {
        println!(
            "{}: Patroni is in maintenance mode (no automatic failover) until `pgctl resume {name} --patroni`",
            output::pg_name(name)
        );
    } else {
        println!(
            "{}: Patroni manages PostgreSQL again",
            output::pg_name(name)
        );
    }
    Ok(Code::Success)
}
