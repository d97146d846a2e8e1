//! The command line, declared once (docs and completions are generated from it), and one
//! module per command, which declares that command's arguments next to its code.

mod apply;
mod backup;
mod clone;
mod completions;
mod connect;
mod crd;
mod create;
mod delete;
mod edit;
mod install;
mod label;
mod list;
mod logs;
mod members;
mod pause;
mod plan;
mod policy;
mod promote;
mod reference;
mod report;
mod restart;
mod restore;
mod resync;
mod rollout;
mod scale;
mod show;
mod status;
mod switchover;
mod test;
mod update;
mod upgrade;
mod validate;
mod version;

use clap::{Parser, Subcommand};

use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::ui::Ui;

use rollout::RolloutCommand;

/// Manage PostgreSQL clusters on Kubernetes (postgresql resources, acid.zalan.do/v1).
///
/// Works as `pgctl` and, installed as `kubectl-pg`, as `kubectl pg`. Exit codes: 0 success,
/// 1 failure, 2 usage error, 3 a wait ran out of time.
#[derive(Debug, Parser)]
#[command(
    name = "pgctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The clap command; as `kubectl-pg` it calls itself `kubectl pg` in help and usage.
pub fn command(plugin: bool) -> clap::Command {
    use clap::CommandFactory;
    let command = Cli::command();
    if plugin {
        command
            .name("kubectl-pg")
            .bin_name("kubectl pg")
            .display_name("kubectl pg")
    } else {
        command
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a cluster from flags, from a file (-f), or with a wizard at a terminal.
    #[command(after_help = create::EXAMPLES)]
    Create(create::CreateArgs),
    /// Create a cluster that starts as a copy of a running one (same namespace).
    #[command(after_help = clone::EXAMPLES)]
    Clone(clone::CloneArgs),
    /// Take a base backup of a cluster now, into its WAL archive.
    #[command(after_help = backup::EXAMPLES)]
    Backup(backup::BackupArgs),
    /// Create a cluster restored from another's WAL archive to a moment (point-in-time restore).
    #[command(after_help = restore::EXAMPLES)]
    Restore(restore::RestoreArgs),
    /// Promote a standby cluster: it stops following its source and takes writes.
    #[command(after_help = promote::EXAMPLES)]
    Promote(promote::PromoteArgs),
    /// Upgrade a cluster to a new PostgreSQL major in place (pg_upgrade), after a preflight.
    #[command(after_help = upgrade::EXAMPLES)]
    Upgrade(upgrade::UpgradeArgs),
    /// Apply manifests with server-side apply (several documents, `-` for stdin).
    #[command(after_help = apply::EXAMPLES)]
    Apply(apply::ApplyArgs),
    /// List clusters: name, team, version, instances, volume, status, age.
    #[command(visible_alias = "get", after_help = list::EXAMPLES)]
    List(list::ListArgs),
    /// Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events.
    #[command(visible_alias = "describe", after_help = status::EXAMPLES)]
    Status(status::StatusArgs),
    /// Change the number of instances.
    #[command(after_help = scale::EXAMPLES)]
    Scale(scale::ScaleArgs),
    /// Change a cluster's spec with flags (a patch of the fields named).
    #[command(after_help = update::EXAMPLES)]
    Update(update::UpdateArgs),
    /// Edit a cluster's manifest in $EDITOR; it is validated before it is sent.
    Edit(edit::EditArgs),
    /// Delete clusters, showing what goes and what stays first.
    #[command(after_help = delete::EXAMPLES)]
    Delete(delete::DeleteArgs),
    /// Follow or trigger rolling updates.
    #[command(subcommand)]
    Rollout(rollout::RolloutCommand),
    /// Hand the master role to a replica (Patroni switchover), now or at a time.
    #[command(after_help = switchover::SWITCHOVER_EXAMPLES)]
    Switchover(switchover::SwitchoverArgs),
    /// Promote a member when the master is gone or must go now (Patroni failover).
    #[command(after_help = switchover::FAILOVER_EXAMPLES)]
    Failover(switchover::FailoverArgs),
    /// Restart PostgreSQL in place through Patroni (pods stay), replicas first.
    #[command(after_help = restart::RESTART_EXAMPLES)]
    Restart(restart::RestartArgs),
    /// Rebuild a replica from the master: its data directory is wiped (Patroni reinitialize).
    #[command(after_help = members::REINIT_EXAMPLES)]
    Reinit(members::ReinitArgs),
    /// Show the cluster's timeline switches (switchovers, failovers), from Patroni.
    #[command(after_help = members::HISTORY_EXAMPLES)]
    History(members::HistoryArgs),
    /// Make PostgreSQL reread its configuration on every instance (Patroni reload).
    #[command(after_help = restart::RELOAD_EXAMPLES)]
    Reload(restart::ReloadArgs),
    /// Connect to every instance and Service of clusters: up, role as labelled, latency, lag.
    #[command(after_help = test::EXAMPLES)]
    Test(test::TestArgs),
    /// Store SQL policies and run them on the masters of selected clusters, once per version.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Set or remove labels of clusters (`key=value`, `key-`).
    #[command(after_help = label::EXAMPLES)]
    Label(label::LabelArgs),
    /// Show details of a cluster's parts (`show pvc`: its volume claims and their use).
    #[command(subcommand)]
    Show(show::ShowCommand),
    /// Print the logs of a cluster's pods (all of them, or one), or follow them.
    #[command(after_help = logs::EXAMPLES)]
    Logs(logs::LogsArgs),
    /// Write a diagnostic bundle of a cluster (objects, Events, Patroni, logs; no credentials).
    #[command(after_help = report::EXAMPLES)]
    Report(report::ReportArgs),
    /// Ask the controller to reconcile clusters now, and wait until it did.
    #[command(after_help = resync::EXAMPLES)]
    Resync(resync::ResyncArgs),
    /// Make the controller leave a cluster alone (condition Paused) until `resume`.
    #[command(after_help = pause::PAUSE_EXAMPLES)]
    Pause(pause::PauseArgs),
    /// Let the controller reconcile a paused cluster again.
    #[command(after_help = pause::PAUSE_EXAMPLES)]
    Resume(pause::PauseArgs),
    /// Show what the controller will create or change for a cluster (a diff against the live objects).
    #[command(after_help = plan::EXAMPLES)]
    Plan(plan::PlanArgs),
    /// Print a connection URI for a cluster, or open psql on it.
    #[command(after_help = connect::EXAMPLES)]
    Connect(connect::ConnectArgs),
    /// Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready.
    #[command(after_help = install::EXAMPLES)]
    Install(install::InstallArgs),
    /// Remove the controller; the clusters and their data stay unless --delete-crd is given.
    Uninstall(install::UninstallArgs),
    /// Check postgresql manifests offline, without a cluster.
    Validate(validate::ValidateArgs),
    /// Print the CustomResourceDefinition of the postgresql resource.
    Crd,
    /// Print the client version and, when reachable, the controller's and the API server's.
    Version(version::VersionArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),
    /// Print the command reference as Markdown (for docs/cli.md).
    #[command(hide = true)]
    ReferenceMarkdown,
}

/// Runs the command the user asked for. Only commands that need the API build a runtime.
pub fn run(cli: Cli) -> anyhow::Result<Code> {
    let ui = Ui::detect(cli.global.color);
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Crd => crd::run(),
        Command::Completions(args) => completions::run(&args),
        Command::ReferenceMarkdown => reference::run(),
        command => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(run_async(command, &cli.global, &ui))
        }
    }
}

async fn run_async(command: Command, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    match command {
        Command::Create(args) => create::run(args, global, ui).await,
        Command::Clone(args) => clone::run(args, global, ui).await,
        Command::Restore(args) => restore::run(args, global, ui).await,
        Command::Backup(args) => backup::run(args, global, ui).await,
        Command::Promote(args) => promote::run(args, global, ui).await,
        Command::Upgrade(args) => upgrade::run(args, global, ui).await,
        Command::Apply(args) => apply::run(args, global, ui).await,
        Command::List(args) => list::run(args, global, ui).await,
        Command::Status(args) => status::run(args, global, ui).await,
        Command::Scale(args) => scale::run(args, global, ui).await,
        Command::Update(args) => update::run(args, global, ui).await,
        Command::Edit(args) => edit::run(args, global, ui).await,
        Command::Delete(args) => delete::run(args, global, ui).await,
        Command::Rollout(RolloutCommand::Status(args)) => rollout::status(args, global, ui).await,
        Command::Rollout(RolloutCommand::Restart(args)) => rollout::restart(args, global, ui).await,
        Command::Switchover(args) => switchover::switchover(args, global, ui).await,
        Command::Failover(args) => switchover::failover(args, global, ui).await,
        Command::Restart(args) => restart::restart(args, global, ui).await,
        Command::Reload(args) => restart::reload(args, global, ui).await,
        Command::Reinit(args) => members::reinit(args, global, ui).await,
        Command::History(args) => members::history(args, global, ui).await,
        Command::Resync(args) => resync::run(args, global).await,
        Command::Report(args) => report::run(args, global).await,
        Command::Label(args) => label::run(args, global).await,
        Command::Policy(command) => policy::run(command, global, ui).await,
        Command::Test(args) => test::run(args, global, ui).await,
        Command::Logs(args) => logs::run(args, global).await,
        Command::Show(command) => show::run(command, global, ui).await,
        Command::Pause(args) => pause::run(args, global, true).await,
        Command::Resume(args) => pause::run(args, global, false).await,
        Command::Plan(args) => plan::run(args, global, ui).await,
        Command::Connect(args) => connect::run(args, global, ui).await,
        Command::Install(args) => install::install(args, global, ui).await,
        Command::Uninstall(args) => install::uninstall(args, global, ui).await,
        Command::Version(args) => version::run(args, global).await,
        Command::Validate(_)
        | Command::Crd
        | Command::Completions(_)
        | Command::ReferenceMarkdown => {
            unreachable!("handled without a runtime")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::time::Duration;

    use crate::args::{DryRun, OutputFormat};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("pgctl").chain(args.iter().copied()))
    }

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli = parse(&[
            "list",
            "-n",
            "team-a",
            "--context",
            "prod",
            "-A",
            "-o",
            "wide",
        ])
        .expect("parses");
        assert_eq!(cli.global.namespace.as_deref(), Some("team-a"));
        assert_eq!(cli.global.context.as_deref(), Some("prod"));
        let Command::List(list) = cli.command else {
            panic!("list")
        };
        assert!(list.all_namespaces);
        assert_eq!(list.output, OutputFormat::Wide);
        let cli = parse(&["--request-timeout", "5s", "get", "-l", "team=acid"]).expect("parses");
        assert_eq!(cli.global.request_timeout, Duration::from_secs(5));
    }

    #[test]
    fn create_flags() {
        let cli = parse(&[
            "create",
            "acid-foo",
            "--team",
            "acid",
            "--instances",
            "3",
            "--pg-version",
            "16",
            "--user",
            "app:createdb,login",
            "--user",
            "ro",
            "--database",
            "app:app",
            "--param",
            "max_connections=200",
            "--load-balancer",
            "--dry-run",
            "-o",
            "json",
        ])
        .expect("parses");
        let Command::Create(create) = cli.command else {
            panic!("create")
        };
        assert_eq!(create.name.as_deref(), Some("acid-foo"));
        assert_eq!(create.spec.instances, Some(3));
        assert_eq!(create.spec.users, vec!["app:createdb,login", "ro"]);
        assert_eq!(create.spec.load_balancer, Some(true));
        assert_eq!(create.dry_run, DryRun::Client);
        assert_eq!(create.output, Some(OutputFormat::Json));
        let cli = parse(&["create", "x", "--dry-run=server"]).expect("parses");
        let Command::Create(create) = cli.command else {
            panic!("create")
        };
        assert_eq!(create.dry_run, DryRun::Server);
    }

    #[test]
    fn usage_errors() {
        assert!(parse(&["create", "x", "--pg-version", "9"]).is_err());
        assert!(parse(&["create", "x", "-f", "a.yaml"]).is_err());
        assert!(parse(&["scale", "x"]).is_err());
        assert!(parse(&["delete"]).is_err());
        assert!(parse(&["list", "-o", "xml"]).is_err());
    }

    #[test]
    fn rollout_watch_false_and_aliases() {
        let cli = parse(&["rollout", "status", "acid-foo", "--watch=false"]).expect("parses");
        let Command::Rollout(RolloutCommand::Status(status)) = cli.command else {
            panic!("rollout status")
        };
        assert!(!status.watch);
        assert!(matches!(
            parse(&["get"]).expect("parses").command,
            Command::List(_)
        ));
        assert!(matches!(
            parse(&["describe", "x"]).expect("parses").command,
            Command::Status(_)
        ));
    }
}
