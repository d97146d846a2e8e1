//! `pgctl switchover NAME [--to POD] [--at TIME]` and `pgctl failover NAME --to POD`: Patroni
//! hands the master role over, asked through the API server's pod proxy after the target was
//! checked against Patroni's view (`shared::operate`). Confirmation at a terminal, `--yes`
//! otherwise.

use std::time::Duration;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::jiff::Timestamp;
use pgctl_shared::operate;
use serde_json::{Value, json};

use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;
use crate::patroni;
use crate::ui::Ui;
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct SwitchoverArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// The replica to hand over to (default: the best caught-up streaming replica).
    #[arg(long, value_name = "POD")]
    pub to: Option<String>,
    /// Schedule the switchover at this time (RFC 3339, e.g. 2026-12-05T03:00:00Z) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct FailoverArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// The member to promote (also when the master is gone).
    #[arg(long, value_name = "POD", required = true)]
    pub to: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

pub const SWITCHOVER_EXAMPLES: &str = "Examples:
  pgctl switchover acid-foo                     # to the best caught-up replica, after confirmation
  pgctl switchover acid-foo --to acid-foo-2 --yes
  pgctl switchover acid-foo --at 2026-12-05T03:00:00Z --yes   # Patroni runs it then";

pub const FAILOVER_EXAMPLES: &str = "Examples:
  pgctl failover acid-foo --to acid-foo-1 --yes   # also when the master does not answer";

/// How long the new master may take to carry the master label after Patroni's answer.
const LABEL_WAIT: Duration = Duration::from_secs(30);

pub async fn switchover(
    args: SwitchoverArgs,
    global: &GlobalArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    if !args.yes && !ui.interactive() {
        return Err(exit::usage(format!(
            "a switchover of {} needs confirmation: pass --yes",
            args.name
        )));
    }
    let scheduled = match args.at.as_deref() {
        Some(at) => Some(at.parse::<Timestamp>().map_err(|e| {
            exit::usage(format!(
                "--at {at:?} is not an RFC 3339 time such as 2026-12-05T03:00:00Z: {e}"
            ))
        })?),
        None => None,
    };
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    let patroni::Observed {
        config, cluster, ..
    } = patroni::observe(&kube, name).await?;
    let (leader, candidate) = operate::switchover(&cluster, args.to.as_deref())
        .map_err(|r| anyhow::anyhow!("no switchover of {name}: {r}"))?;
    let timeline = cluster.leader().and_then(|l| l.timeline);
    if !args.yes {
        let when = scheduled.map_or_else(|| "now".to_string(), |t| format!("at {t}"));
        let prompt = format!(
            "Switch the master of {name} over from {leader} to {candidate} {when}? Clients of the master reconnect."
        );
        if !ui.confirm_by_name(&prompt, name)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    let mut body = json!({"leader": leader, "candidate": candidate});
    if let Some(at) = scheduled {
        body["scheduled_at"] = Value::String(at.to_string());
    }
    let answer = patroni::call(&kube, &leader, "POST", "switchover", Some(&body)).await?;
    if scheduled.is_some() {
        println!(
            "{} switchover from {leader} to {candidate} scheduled: {}",
            output::pg_name(name),
            answer.trim()
        );
        return Ok(Code::Success);
    }
    follow(&kube, &config, name, &leader, &candidate, timeline).await
}

pub async fn failover(args: FailoverArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    if !args.yes && !ui.interactive() {
        return Err(exit::usage(format!(
            "a failover of {} needs confirmation: pass --yes",
            args.name
        )));
    }
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    let patroni::Observed {
        config, cluster, ..
    } = patroni::observe(&kube, name).await?;
    let candidate = operate::failover(&cluster, &args.to)
        .map_err(|r| anyhow::anyhow!("no failover of {name}: {r}"))?;
    let leader = cluster.leader().map(|l| l.name.clone());
    let timeline = cluster.leader().and_then(|l| l.timeline);
    if !args.yes {
        let prompt = format!(
            "Fail {name} over to {candidate}? Writes the master took that {candidate} has not received are lost."
        );
        if !ui.confirm_by_name(&prompt, name)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    // Asked of the candidate: the master may be the member that does not answer.
    let body = json!({"candidate": candidate});
    patroni::call(&kube, &candidate, "POST", "failover", Some(&body)).await?;
    let from = leader.unwrap_or_else(|| "no master".to_string());
    follow(&kube, &config, name, &from, &candidate, timeline).await
}

/// Waits until `candidate` leads (Patroni's view) on a new timeline and carries the master
/// label, and says so with the timelines.
async fn follow(
    kube: &k8s::Kube,
    config: &pgctl_shared::config::OperatorConfig,
    name: &str,
    from: &str,
    candidate: &str,
    timeline: Option<u64>,
) -> anyhow::Result<Code> {
    let line = wait::until(
        &format!("{candidate} to lead {name}"),
        LABEL_WAIT,
        || async {
            let pods = patroni::pods(kube, config, name).await?;
            let labelled = pods.iter().any(|p| {
                p.metadata.name.as_deref() == Some(candidate)
                    && p.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(&config.pod_role_label))
                        .is_some_and(|r| r == "master")
            });
            let Ok(cluster) = patroni::cluster(kube, &pods).await else {
                return Ok(Poll::Pending("Patroni does not answer yet".to_string()));
            };
            let leader = cluster.leader();
            let now = leader.and_then(|l| l.timeline);
            // Promoted: the new leader's timeline is past the old one's (when both are known).
            let promoted = match (timeline, now) {
                (Some(before), Some(after)) => after > before,
                _ => true,
            };
            if labelled && promoted && leader.is_some_and(|l| l.name == candidate) {
                let timelines = match (timeline, now) {
                    (Some(before), Some(after)) => format!(" (timeline {before} → {after})"),
                    _ => String::new(),
                };
                return Ok(Poll::Done(format!(
                    "{} switched over from {from} to {candidate}{timelines}",
                    output::pg_name(name)
                )));
            }
            Ok(Poll::Pending(format!(
                "Patroni's leader: {}",
                leader.map_or("none", |l| l.name.as_str())
            )))
        },
    )
    .await?;
    println!("{line}");
    Ok(Code::Success)
}
