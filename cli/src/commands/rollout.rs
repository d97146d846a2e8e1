//! `pgctl rollout status|restart` (one cluster, or `-l` for every matching one), and the wait
//! behind every `--wait`.

use std::time::Duration;

use clap::{ArgAction, Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::jiff::Timestamp;
use pgctl_shared::config::OperatorConfig;

use crate::cluster::{self, RolloutState};
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::{GlobalArgs, parse_duration};
use crate::k8s::{self, Kube};
use crate::output;
use crate::ui::Ui;
use crate::wait::{self, Poll};

/// Annotation `rollout restart` sets on the postgresql resource; the controller copies it into
/// the pod template, whose hash then changes, and rolls every pod of the cluster.
pub use pgctl_shared::build::RESTARTED_AT_ANNOTATION;

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Follow a rolling update until it is done (exit 0), fails (1) or --timeout passes (3).
    Status(RolloutStatusArgs),
    /// Ask the controller for a rolling restart of a cluster's pods.
    Restart(RolloutRestartArgs),
}

#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// Follow until done; `--watch=false` prints the state once.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub watch: bool,
    /// Give up after this long, with exit code 3.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct RolloutRestartArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// Do not ask before restarting the clusters a selector chose (required without a
    /// terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

pub async fn status(args: RolloutStatusArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    // Several clusters: a line each time one changes, no progress bars.
    let shown = if args.select.is_selecting() {
        &Ui::plain()
    } else {
        ui
    };
    let (config, args) = (&config, &args);
    crate::fleet::one_or_each(
        &kube,
        &args.select,
        args.name.as_deref(),
        None,
        ui,
        |kube, name| async move { status_of(&kube, config, &name, args, shown).await },
    )
    .await
}

async fn status_of(
    kube: &Kube,
    config: &OperatorConfig,
    name: &str,
    args: &RolloutStatusArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    if !args.watch {
        let state = current(kube, name, config).await?;
        println!("{}", describe(name, &state));
        return Ok(if state.failed.is_some() {
            Code::Failure
        } else {
            Code::Success
        });
    }
    wait_done(kube, name, config, args.timeout, ui, "its rollout").await?;
    Ok(Code::Success)
}

async fn current(kube: &Kube, name: &str, config: &OperatorConfig) -> anyhow::Result<RolloutState> {
    let observed = k8s::bounded(
        kube.timeout,
        "reading the cluster",
        cluster::observe(kube, name, config.clone(), false),
    )
    .await?;
    Ok(cluster::rollout_state(
        &observed.pg,
        &observed.pods,
        observed.statefulset.as_ref(),
        config.enable_lazy_spilo_upgrade,
    ))
}

/// One line about the state.
pub fn describe(name: &str, state: &RolloutState) -> String {
    if let Some(failed) = &state.failed {
        return format!("postgresql {name:?} rollout failed: {failed}");
    }
    if state.done {
        return format!(
            "postgresql {name:?} is up to date: {}/{} pods updated and ready",
            state.updated, state.desired
        );
    }
    let mut line = format!(
        "postgresql {name:?}: {} of {} pods updated, {} ready",
        state.updated, state.total, state.ready
    );
    if let Some(step) = &state.current_step {
        line.push_str(&format!(", {step}"));
    }
    if let Some(error) = &state.last_error {
        line.push_str(&format!(" (last error: {error})"));
    }
    line
}

/// Waits until the cluster is done (exit 0), has failed (exit 1), or `timeout` passed (exit
/// 3). At a terminal a progress bar shows the updated pods and the current step; otherwise a
/// line is printed each time the state changes.
pub async fn wait_done(
    kube: &Kube,
    name: &str,
    config: &OperatorConfig,
    timeout: Duration,
    ui: &Ui,
    what: &str,
) -> anyhow::Result<()> {
    let bar = ui.bar(0);
    let last_line = std::cell::RefCell::new(String::new());
    let result = wait::until(&format!("postgresql {name:?} {what}"), timeout, || {
        let bar = bar.clone();
        let last_line = &last_line;
        async move {
            let state = current(kube, name, config).await?;
            let line = describe(name, &state);
            if let Some(failed) = state.failed {
                bar.abandon();
                anyhow::bail!("postgresql {name:?} rollout failed: {failed}");
            }
            if ui.progress() {
                bar.set_length(state.total.max(1) as u64);
                bar.set_position(state.updated.max(0) as u64);
                bar.set_message(state.current_step.clone().unwrap_or_default());
            } else if line != *last_line.borrow() {
                println!("{line}");
            }
            last_line.replace(line.clone());
            if state.done {
                bar.finish_and_clear();
                return Ok(Poll::Done(line));
            }
            Ok(Poll::Pending(line))
        }
    })
    .await;
    match result {
        Ok(line) => {
            if ui.progress() {
                println!("{line}");
            }
            Ok(())
        }
        Err(error) => {
            bar.abandon();
            Err(error)
        }
    }
}

pub async fn restart(
    args: RolloutRestartArgs,
    global: &GlobalArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let verb = Some(("Restart (rolling)", args.yes));
    let code = crate::fleet::one_or_each(
        &kube,
        &args.select,
        args.name.as_deref(),
        verb,
        ui,
        |kube, name| async move {
            restart_one(&kube, &name).await?;
            Ok(Code::Success)
        },
    )
    .await?;
    match (&args.select.selector, &args.name) {
        (Some(selector), _) => println!("follow them with: pgctl rollout status -l {selector}"),
        (None, Some(name)) => println!("follow it with: pgctl rollout status {name}"),
        (None, None) => {}
    }
    Ok(code)
}

async fn restart_one(kube: &Kube, name: &str) -> anyhow::Result<()> {
    let now = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    kube.annotate_cluster(
        name,
        serde_json::json!({RESTARTED_AT_ANNOTATION: now}),
        "asking for a restart",
    )
    .await?;
    println!(
        "{} restart requested ({RESTARTED_AT_ANNOTATION}={now})",
        output::pg_name(name)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> RolloutState {
        RolloutState {
            status: "Updating".into(),
            updated: 1,
            total: 3,
            ready: 3,
            desired: 3,
            current_step: Some("replacing replica acid-foo-2".into()),
            last_error: None,
            observed: true,
            done: false,
            failed: None,
        }
    }

    #[test]
    fn lines() {
        assert_eq!(
            describe("acid-foo", &state()),
            "postgresql \"acid-foo\": 1 of 3 pods updated, 3 ready, replacing replica acid-foo-2"
        );
        let done = RolloutState {
            done: true,
            updated: 3,
            ..state()
        };
        assert_eq!(
            describe("acid-foo", &done),
            "postgresql \"acid-foo\" is up to date: 3/3 pods updated and ready"
        );
        let failed = RolloutState {
            failed: Some("UpdateFailed: boom".into()),
            ..state()
        };
        assert!(describe("acid-foo", &failed).contains("rollout failed: UpdateFailed: boom"));
    }
}
