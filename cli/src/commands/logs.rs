//! `pgctl logs NAME [POD] [-c CONTAINER] [-f] [--since DURATION] [--tail N]`: the logs of a
//! cluster's pods from the kubelet through the API server, one pod's as they are, several
//! pods' each line prefixed with `[pod]` (followed together with `-f`).

use std::time::Duration;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;

use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, Subject};
use crate::patroni;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// One pod of the cluster (default: all of them, each line prefixed with its pod).
    #[arg(value_name = "POD")]
    pub pod: Option<String>,
    /// The container (default: the pod's only one, `postgres` in Spilo pods).
    #[arg(short = 'c', long, value_name = "CONTAINER")]
    pub container: Option<String>,
    /// Keep streaming new lines until interrupted.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only lines newer than this (e.g. 10m, 1h).
    #[arg(long, value_name = "DURATION", value_parser = crate::global::parse_duration)]
    pub since: Option<Duration>,
    /// Only the last N lines of each pod.
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,
}

pub const EXAMPLES: &str = "Examples:
  pgctl logs acid-foo --tail 20            # every pod's last 20 lines, prefixed with the pod
  pgctl logs acid-foo acid-foo-0 -f        # follow one pod
  pgctl logs acid-foo --since 10m -f";

pub async fn run(args: LogsArgs, global: &GlobalArgs) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    kube.get_cluster(&args.name).await?;
    let pods: Vec<String> = patroni::pods(&kube, &config, &args.name)
        .await?
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    let chosen = match &args.pod {
        Some(pod) if !pods.contains(pod) => anyhow::bail!(
            "{pod:?} is not a pod of {} (pods: {})",
            args.name,
            pods.join(", ")
        ),
        Some(pod) => vec![pod.clone()],
        None if pods.is_empty() => anyhow::bail!("{} has no pods", args.name),
        None => pods,
    };
    let params = LogParams {
        container: args.container.clone(),
        follow: args.follow,
        since_seconds: args.since.map(|d| d.as_secs().max(1) as i64),
        tail_lines: args.tail,
        ..LogParams::default()
    };
    let prefixed = chosen.len() > 1;
    let api = kube.api::<Pod>();
    // Each pod's lines as a stream; several are merged as they come.
    let streams = futures::future::try_join_all(chosen.iter().map(|pod| {
        let (api, params, kube) = (api.clone(), params.clone(), &kube);
        async move {
            let what = format!("reading the log of {pod}");
            let reader = api
                .log_stream(pod, &params)
                .await
                .map_err(|e| kube.explain(e, Subject::Other(&what)))?;
            let prefix = if prefixed {
                format!("[{pod}] ")
            } else {
                String::new()
            };
            anyhow::Ok(reader.lines().map(move |line| (prefix.clone(), line)))
        }
    }))
    .await?;
    let mut merged = futures::stream::select_all(streams.into_iter().map(Box::pin));
    while let Some((prefix, line)) = merged.next().await {
        match line {
            Ok(line) => println!("{prefix}{line}"),
            Err(e) => {
                eprintln!("{prefix}the log stream broke: {e}");
                return Ok(Code::Failure);
            }
        }
    }
    Ok(Code::Success)
}
