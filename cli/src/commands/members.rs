//! `pgctl history NAME` (the cluster's timeline switches, Patroni's `GET /history`) and
//! `pgctl reinit NAME POD` (a replica rebuilt from the master, Patroni's `POST /reinitialize`),
//! through the API server's pod proxy.

use std::time::{Duration, Instant};

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::operate;
use serde_json::json;

use crate::args::OutputFormat;
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output::{self, Styled};
use crate::patroni;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Output format.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

pub const HISTORY_EXAMPLES: &str = "Examples:
  pgctl history acid-foo
  pgctl history acid-foo -o json | jq '.[-1]'";

#[derive(Debug, Args)]
pub struct ReinitArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// The replica to rebuild.
    pub pod: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How long to wait until the replica streams again (0: do not wait).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = crate::global::parse_duration)]
    pub timeout: Duration,
}

pub const REINIT_EXAMPLES: &str = "Examples:
  pgctl reinit acid-foo acid-foo-1 --yes     # wipe acid-foo-1's data and copy it from the master";

pub async fn history(args: HistoryArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    kube.get_cluster(&args.name).await?;
    let pods = patroni::pods(&kube, &config, &args.name).await?;
    let answer = patroni::get_from_any(&kube, &pods, "history").await?;
    let value: serde_json::Value = serde_json::from_str(&answer)
        .map_err(|e| anyhow::anyhow!("Patroni's /history answer is not JSON: {e}"))?;
    let switches = operate::history(&value).map_err(|e| anyhow::anyhow!(e))?;
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&switches)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&switches)?),
        OutputFormat::Name => {
            for s in &switches {
                println!("{}", s.timeline);
            }
        }
        OutputFormat::Table | OutputFormat::Wide => {
            if switches.is_empty() {
                println!(
                    "{} is on its first timeline: no switchover or failover yet",
                    output::pg_name(&args.name)
                );
                return Ok(Code::Success);
            }
            let rows: Vec<Vec<Styled>> = switches
                .iter()
                .map(|s| {
                    vec![
                        Styled::from(s.timeline.to_string()),
                        Styled::from(s.lsn.as_str()),
                        Styled::from(s.at.clone().unwrap_or_else(|| "-".into())),
                        Styled::from(s.new_leader.clone().unwrap_or_else(|| "-".into())),
                        Styled::from(s.reason.as_str()),
                    ]
                })
                .collect();
            print!(
                "{}",
                output::table(
                    ui,
                    &["TIMELINE", "ENDED AT LSN", "TIME", "NEW LEADER", "REASON"],
                    &rows
                )
            );
        }
    }
    Ok(Code::Success)
}

pub async fn reinit(args: ReinitArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    let observed = patroni::observe(&kube, name).await?;
    let pod = operate::reinit(&observed.cluster, &args.pod)
        .map_err(|r| anyhow::anyhow!("no reinit of {name}: {r}"))?;
    if !args.yes {
        ui.require_interactive(
            &format!("rebuilding {pod} (its data directory is wiped) needs confirmation"),
            "--yes",
        )?;
        let prompt = format!("Wipe the data of {pod} and copy it again from the master of {name}?");
        if !ui.confirm_by_name(&prompt, &pod)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    patroni::call(
        &kube,
        &pod,
        "POST",
        "reinitialize",
        Some(&json!({"force": true})),
    )
    .await?;
    println!(
        "{} {pod}: reinitializing from the master",
        output::pg_name(name)
    );
    if args.timeout.is_zero() {
        return Ok(Code::Success);
    }
    let config = observed.config;
    let pods = patroni::pods(&kube, &config, name).await?;
    let started = Instant::now();
    // Patroni reports the member as reinitializing, then as streaming once it caught up.
    let mut seen_other = false;
    loop {
        if let Ok(cluster) = patroni::cluster(&kube, &pods).await
            && let Some(member) = cluster.member(&pod)
        {
            if member.state != "streaming" {
                seen_other = true;
            } else if seen_other || started.elapsed() > Duration::from_secs(10) {
                println!(
                    "{} {pod}: streaming again after {}s",
                    output::pg_name(name),
                    started.elapsed().as_secs()
                );
                return Ok(Code::Success);
            }
        }
        if started.elapsed() > args.timeout {
            return Err(exit::timeout(format!(
                "{pod} does not stream after {}s (pgctl status {name})",
                args.timeout.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
