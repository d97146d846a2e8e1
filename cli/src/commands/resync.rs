//! `pgctl resync NAME… | -l SELECTOR`: asks the controller to reconcile the clusters now instead
//! of at its next periodic sync, by a new value of `shared::requests::RESYNC_ANNOTATION`, and
//! waits until each pass acknowledged it (`status.acknowledged`).

use std::time::{Duration, Instant};

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::jiff::Timestamp;
use pgctl_shared::requests::RESYNC_ANNOTATION;
use serde_json::json;

use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct ResyncArgs {
    /// Names of the clusters.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// Every cluster of the namespace matching this label selector, e.g. `team=acid`.
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
    pub selector: Option<String>,
    /// Do not wait for the controller to acknowledge.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for each acknowledgement before giving up with exit code 3.
    #[arg(long, value_name = "DURATION", default_value = "1m", value_parser = crate::global::parse_duration)]
    pub timeout: Duration,
}

pub const EXAMPLES: &str = "Examples:
  pgctl resync acid-foo            # reconcile now, and wait until the controller did
  pgctl resync -l team=acid --no-wait";

pub async fn run(args: ResyncArgs, global: &GlobalArgs) -> anyhow::Result<Code> {
    if args.names.is_empty() && args.selector.is_none() {
        return Err(exit::usage(
            "name the clusters to resync, or select them with -l",
        ));
    }
    let kube = k8s::connect(global).await?;
    let names = match &args.selector {
        Some(selector) => kube.select_cluster_names(selector).await?,
        None => args.names.clone(),
    };
    let mut asked = Vec::new();
    let mut failed = 0;
    for name in &names {
        let value = Timestamp::now().to_string();
        match kube
            .annotate_cluster(
                name,
                json!({RESYNC_ANNOTATION: value}),
                "asking for a resync",
            )
            .await
        {
            Ok(()) => asked.push((name.clone(), value, Instant::now())),
            Err(e) => {
                failed += 1;
                eprintln!("{} {e:#}", output::pg_name(name));
            }
        }
    }
    for (name, value, since) in asked {
        if args.no_wait {
            println!("{} resync asked", output::pg_name(&name));
            continue;
        }
        let waited = wait::until(
            &format!("the controller to reconcile {name}"),
            args.timeout,
            || async {
                let pg = kube.get_cluster(&name).await?;
                let seen = pg
                    .status
                    .as_ref()
                    .and_then(|s| s.acknowledged.get(RESYNC_ANNOTATION))
                    .is_some_and(|v| *v == value);
                Ok(if seen {
                    Poll::Done(())
                } else {
                    Poll::Pending("not acknowledged yet".to_string())
                })
            },
        )
        .await;
        match waited {
            Ok(()) => println!(
                "{} reconciled ({:.1} s after the request)",
                output::pg_name(&name),
                since.elapsed().as_secs_f64()
            ),
            Err(e) => {
                failed += 1;
                eprintln!("{} {e:#}", output::pg_name(&name));
            }
        }
    }
    Ok(Code::of_failures(failed))
}
