//! `pgctl restart NAME [POD…]` and `pgctl reload NAME`: PostgreSQL restarted in place by
//! Patroni (`POST /restart`: the pod and its uid stay), replicas before the master; or its
//! configuration reloaded (`POST /reload`) on every member. Through the API server's pod proxy.
//! `-l` does either on every matching cluster.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::operate;
use serde_json::{Value, json};

use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;
use crate::patroni;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    /// The pods to restart (default: all, replicas first, the master last).
    #[arg(value_name = "POD", conflicts_with = "selector")]
    pub pods: Vec<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// Do not ask for confirmation before restarting the master (required when stdin is not
    /// a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ReloadArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
}

pub const RESTART_EXAMPLES: &str = "Examples:
  pgctl restart acid-foo --yes          # every instance in place, replicas first, the master last
  pgctl restart acid-foo acid-foo-1     # one replica (no confirmation needed)
  pgctl restart -l env=test --yes       # every matching cluster, 8 at a time";

pub const RELOAD_EXAMPLES: &str = "Examples:
  pgctl reload acid-foo                 # PostgreSQL rereads its configuration on every instance
  pgctl reload -l team=acid";

pub async fn restart(args: RestartArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    // Over a selector the clusters were confirmed at once: no question per master.
    let (pods, yes) = (&args.pods, args.yes || args.select.is_selecting());
    let verb = Some(("Restart PostgreSQL of", args.yes));
    crate::fleet::one_or_each(
        &kube,
        &args.select,
        args.name.as_deref(),
        verb,
        ui,
        |kube, name| async move { restart_one(&kube, &name, pods, yes, ui).await },
    )
    .await
}

async fn restart_one(
    kube: &k8s::Kube,
    name: &str,
    pods: &[String],
    yes: bool,
    ui: &Ui,
) -> anyhow::Result<Code> {
    let cluster = patroni::observe(kube, name).await?.cluster;
    let order = operate::restart_order(&cluster, pods)
        .map_err(|r| anyhow::anyhow!("no restart of {name}: {r}"))?;
    let master = cluster.leader().map(|l| l.name.clone());
    if let Some(master) = master.as_ref().filter(|m| order.contains(m) && !yes) {
        if !ui.interactive() {
            return Err(exit::usage(format!(
                "restarting {master}, the master of {name}, needs confirmation: pass --yes"
            )));
        }
        let prompt = format!(
            "Restart PostgreSQL on {master}, the master of {name}? Its clients are disconnected for the restart."
        );
        if !ui.confirm_by_name(&prompt, name)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    Ok(each_member(name, &order, |pod| async move {
        let before = started_at(kube, &pod).await;
        patroni::call(kube, &pod, "POST", "restart", Some(&json!({}))).await?;
        let after = started_at(kube, &pod).await;
        Ok(format!(
            "{pod} restarted in place (postmaster started {} → {})",
            before.as_deref().unwrap_or("?"),
            after.as_deref().unwrap_or("?")
        ))
    })
    .await)
}

/// Runs `act` on each member of `order` in turn, printing its line or its error; a failure
/// when any failed.
async fn each_member<F, Fut>(name: &str, order: &[String], act: F) -> Code
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<String>>,
{
    let mut failed = 0;
    for pod in order {
        match act(pod.clone()).await {
            Ok(line) => println!("{} {line}", output::pg_name(name)),
            Err(e) => {
                failed += 1;
                eprintln!("{} {pod}: {e:#}", output::pg_name(name));
            }
        }
    }
    Code::of_failures(failed)
}

/// `postmaster_start_time` of `pod`'s PostgreSQL, as Patroni reports it.
async fn started_at(kube: &k8s::Kube, pod: &str) -> Option<String> {
    patroni::member(kube, pod)
        .await
        .ok()?
        .get("postmaster_start_time")
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub async fn reload(args: ReloadArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    crate::fleet::one_or_each(
        &kube,
        &args.select,
        args.name.as_deref(),
        None,
        ui,
        |kube, name| async move { reload_one(&kube, &name).await },
    )
    .await
}

async fn reload_one(kube: &k8s::Kube, name: &str) -> anyhow::Result<Code> {
    let cluster = patroni::observe(kube, name).await?.cluster;
    let order = operate::restart_order(&cluster, &[])
        .map_err(|r| anyhow::anyhow!("no reload of {name}: {r}"))?;
    Ok(each_member(name, &order, |pod| async move {
        patroni::call(kube, &pod, "POST", "reload", None).await?;
        Ok(format!("{pod} reloaded its configuration"))
    })
    .await)
}
