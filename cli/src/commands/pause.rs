//! `pgctl pause NAME` and `pgctl resume NAME`: the controller leaves a cluster alone (for
//! incident work) until it is resumed. Both set or remove the annotation
//! `pgctl.acid.zalan.do/reconcile: paused` (`shared::requests::PAUSE_ANNOTATION`).

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::requests::{PAUSE_ANNOTATION, PAUSED};
use serde_json::{Value, json};

use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;

pub const PAUSE_EXAMPLES: &str = "Examples:
  pgctl pause acid-foo     # the controller changes nothing in acid-foo (condition Paused)
  pgctl resume acid-foo    # it reconciles acid-foo again, applying what changed meanwhile";

#[derive(Debug, Args)]
pub struct PauseArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
}

/// Pauses (`paused` true) or resumes the cluster.
pub async fn run(args: PauseArgs, global: &GlobalArgs, paused: bool) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
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
