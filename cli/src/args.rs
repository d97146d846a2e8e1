//! The command line, declared once; docs and completions are generated from it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::complete::cluster_names;
use crate::global::{GlobalArgs, parse_duration};

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

/// Output formats (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// A table (or a screen of sections) for people.
    #[default]
    Table,
    /// The table with more columns.
    Wide,
    /// JSON.
    Json,
    /// YAML.
    Yaml,
    /// `postgresql.acid.zalan.do/NAME`, one a line.
    Name,
}

/// `--dry-run` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Send the request.
    None,
    /// Print what would be sent without contacting a cluster.
    Client,
    /// Ask the API server to validate the request without persisting it.
    Server,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a cluster from flags, from a file (-f), or with a wizard at a terminal.
    #[command(after_help = CREATE_EXAMPLES)]
    Create(CreateArgs),
    /// Apply manifests with server-side apply (several documents, `-` for stdin).
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// List clusters: name, team, version, instances, volume, status, age.
    #[command(visible_alias = "get", after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Show one cluster on one screen: spec, status, pods, services, secrets, rollout, events.
    #[command(visible_alias = "describe", after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Change the number of instances.
    #[command(after_help = SCALE_EXAMPLES)]
    Scale(ScaleArgs),
    /// Change a cluster's spec with flags (a patch of the fields named).
    #[command(after_help = UPDATE_EXAMPLES)]
    Update(UpdateArgs),
    /// Edit a cluster's manifest in $EDITOR; it is validated before it is sent.
    Edit(EditArgs),
    /// Delete clusters, showing what goes and what stays first.
    #[command(after_help = DELETE_EXAMPLES)]
    Delete(DeleteArgs),
    /// Follow or trigger rolling updates.
    #[command(subcommand)]
    Rollout(RolloutCommand),
    /// Show what the controller will create or change for a cluster (a diff against the live objects).
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Print a connection URI for a cluster, or open psql on it.
    #[command(after_help = CONNECT_EXAMPLES)]
    Connect(ConnectArgs),
    /// Install the CRD, RBAC, ConfigMap and controller Deployment, and wait until it is ready.
    #[command(after_help = INSTALL_EXAMPLES)]
    Install(InstallArgs),
    /// Remove the controller; the clusters and their data stay unless --delete-crd is given.
    Uninstall(UninstallArgs),
    /// Check postgresql manifests offline, without a cluster.
    Validate(ValidateArgs),
    /// Print the CustomResourceDefinition of the postgresql resource.
    Crd,
    /// Print the client version and, when reachable, the controller's and the API server's.
    Version(VersionArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the command reference as Markdown (for docs/cli.md).
    #[command(hide = true)]
    ReferenceMarkdown,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Manifest file to check, or `-` for standard input; repeat for several files.
    #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    pub strict: bool,
    /// Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise.
    #[arg(long, value_name = "FILE")]
    pub operator_config: Option<PathBuf>,
}

/// The fields of a cluster's spec that `create` and `update` set.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Spec")]
pub struct SpecArgs {
    /// Team that owns the cluster (`spec.teamId`).
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,
    /// Number of instances (pods) (`spec.numberOfInstances`).
    #[arg(long, value_name = "N")]
    pub instances: Option<i32>,
    /// PostgreSQL major version (`spec.postgresql.version`).
    #[arg(long, value_name = "VERSION", value_parser = clap::builder::PossibleValuesParser::new(pgctl_shared::crd::SUPPORTED_VERSIONS))]
    pub pg_version: Option<String>,
    /// Size of each data volume, e.g. `10Gi` (`spec.volume.size`).
    #[arg(long, value_name = "QUANTITY")]
    pub size: Option<String>,
    /// Storage class of the data volumes (`spec.volume.storageClass`).
    #[arg(long, value_name = "NAME")]
    pub storage_class: Option<String>,
    /// CPU request of the postgres container, e.g. `500m`.
    #[arg(long, value_name = "CPU")]
    pub cpu: Option<String>,
    /// Memory request of the postgres container, e.g. `1Gi`.
    #[arg(long, value_name = "QUANTITY")]
    pub memory: Option<String>,
    /// CPU limit of the postgres container.
    #[arg(long, value_name = "CPU")]
    pub cpu_limit: Option<String>,
    /// Memory limit of the postgres container.
    #[arg(long, value_name = "QUANTITY")]
    pub memory_limit: Option<String>,
    /// A role and its flags, e.g. `app:createdb,login`; repeat for several (sets the role's flags).
    #[arg(long = "user", value_name = "NAME[:FLAG,...]")]
    pub users: Vec<String>,
    /// A database and its owner, e.g. `app:app`; repeat for several.
    #[arg(long = "database", value_name = "NAME:OWNER")]
    pub databases: Vec<String>,
    /// A PostgreSQL parameter, e.g. `max_connections=200`; repeat for several.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// A label of the postgresql resource, `key=value`; repeat for several.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// An annotation of the postgresql resource, `key=value`; repeat for several.
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// Spilo image of the cluster (`spec.dockerImage`; default: the controller's `docker_image`).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Give the master Service a load balancer (`spec.enableMasterLoadBalancer`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub load_balancer: Option<bool>,
}

impl SpecArgs {
    /// Whether no spec flag was given at all.
    pub fn is_empty(&self) -> bool {
        self.team.is_none()
            && self.instances.is_none()
            && self.pg_version.is_none()
            && self.size.is_none()
            && self.storage_class.is_none()
            && self.cpu.is_none()
            && self.memory.is_none()
            && self.cpu_limit.is_none()
            && self.memory_limit.is_none()
            && self.users.is_empty()
            && self.databases.is_empty()
            && self.params.is_empty()
            && self.labels.is_empty()
            && self.annotations.is_empty()
            && self.image.is_none()
            && self.load_balancer.is_none()
    }
}

/// `--wait` and `--timeout`.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Wait until the change is done (the cluster Running, or gone for delete).
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits before giving up with exit code 3.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the cluster, e.g. `acid-foo` (asked for by the wizard when omitted at a terminal).
    pub name: Option<String>,
    /// Create from a manifest file instead of flags (`-` for standard input).
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE",
        conflicts_with = "name"
    )]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `client` prints the manifest without contacting a cluster; `server` has the API server
    /// validate it without creating it.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json) or of the created resource.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Never start the wizard, even at a terminal without flags.
    #[arg(long)]
    pub no_wizard: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Manifest file (`-` for standard input); repeat for several; each may hold several documents.
    #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// `client` prints the objects that would be applied; `server` has the API server check them.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Take over fields another field manager owns.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Output format: name (default) prints one line per object; json or yaml the applied objects.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these clusters (all when none is given).
    #[arg(value_name = "NAME", add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// List clusters of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Label selector, e.g. `team=acid,env!=prod`.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Output format: table (a screen for people), json or yaml (the same information as data).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
    /// Refresh every two seconds until interrupted.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// How many of the latest events to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub events: usize,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// The new number of instances.
    #[arg(long, value_name = "N", required = true)]
    pub instances: i32,
    /// Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Add a role, `NAME[:FLAG,...]`; fails if it exists.
    #[arg(long = "add-user", value_name = "NAME[:FLAG,...]")]
    pub add_users: Vec<String>,
    /// Add a database, `NAME:OWNER`; fails if it exists.
    #[arg(long = "add-database", value_name = "NAME:OWNER")]
    pub add_databases: Vec<String>,
    /// Remove a role from spec.users (the role stays in PostgreSQL).
    #[arg(long = "remove-user", value_name = "NAME")]
    pub remove_users: Vec<String>,
    /// Remove a PostgreSQL parameter.
    #[arg(long = "remove-param", value_name = "KEY")]
    pub remove_params: Vec<String>,
    /// `client` prints the updated manifest; `server` has the API server check the patch.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Names of the clusters.
    #[arg(required = true, add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Set the delete-protection annotations the operator configuration requires, then delete.
    #[arg(long)]
    pub confirm_protected: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

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
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
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
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Name of a live cluster.
    #[arg(required_unless_present = "file", conflicts_with = "file", add = ArgValueCompleter::new(cluster_names))]
    pub name: Option<String>,
    /// A manifest to plan instead (`-` for standard input).
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Operator ConfigMap (YAML) to plan with, instead of the cluster's.
    #[arg(long, value_name = "FILE")]
    pub operator_config: Option<PathBuf>,
    /// Plan without contacting a cluster (everything is a creation).
    #[arg(long)]
    pub offline: bool,
    /// Output format: table (a readable plan), json or yaml (the plan with the desired objects).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Connect to the replicas' Service instead of the master's.
    #[arg(long)]
    pub replica: bool,
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

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Namespaces whose clusters the controller manages (`*` for all, or `a,b`).
    #[arg(long, value_name = "NAMESPACES", default_value = "*")]
    pub watch_namespace: String,
    /// Replicas of the controller Deployment.
    #[arg(long, value_name = "N")]
    pub replicas: Option<i32>,
    /// Image of the controller.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// `client` prints the manifests (with -o yaml or json) without contacting a cluster.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Do not wait for the controller to be ready.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controller.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Also delete the CRD, which deletes every cluster and, by their retention policy, their data.
    #[arg(long)]
    pub delete_crd: bool,
    /// Do not ask for confirmation (required with --delete-crd when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print only the client version, without contacting a cluster.
    #[arg(long)]
    pub client: bool,
    /// Output format: table, json or yaml.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

const CREATE_EXAMPLES: &str = "Examples:
  pgctl create acid-foo --team acid --instances 2 --size 10Gi --pg-version 17
  pgctl create acid-foo --team acid --user app:createdb --database app:app --param max_connections=200
  pgctl create acid-foo --team acid --dry-run=client -o yaml > acid-foo.yaml
  pgctl create -f acid-foo.yaml --wait --timeout 15m
  pgctl create                      # at a terminal: a wizard asks for the essentials";

const APPLY_EXAMPLES: &str = "Examples:
  pgctl apply -f clusters.yaml
  kustomize build overlays/prod | pgctl apply -f -
  pgctl apply -f acid-foo.yaml --dry-run=server";

const LIST_EXAMPLES: &str = "Examples:
  pgctl list
  pgctl get -A -o wide
  pgctl list -l team=acid -o name";

const STATUS_EXAMPLES: &str = "Examples:
  pgctl status acid-foo
  pgctl describe acid-foo -o json | jq .instances
  pgctl status acid-foo --watch";

const SCALE_EXAMPLES: &str = "Examples:
  pgctl scale acid-foo --instances 3 --wait
  pgctl scale acid-foo --instances 0 --yes";

const UPDATE_EXAMPLES: &str = "Examples:
  pgctl update acid-foo --memory 2Gi --memory-limit 2Gi
  pgctl update acid-foo --add-user reporting:nologin --add-database reports:reporting
  pgctl update acid-foo --param work_mem=64MB --remove-param max_connections --dry-run";

const DELETE_EXAMPLES: &str = "Examples:
  pgctl delete acid-foo                       # at a terminal: shows what goes, asks for the name
  pgctl delete acid-foo acid-bar --yes --wait
  pgctl delete acid-foo --yes --confirm-protected";

const PLAN_EXAMPLES: &str = "Examples:
  pgctl plan acid-foo
  pgctl plan -f acid-foo.yaml
  pgctl plan -f acid-foo.yaml --offline -o yaml";

const CONNECT_EXAMPLES: &str = "Examples:
  pgctl connect acid-foo
  psql \"$(pgctl connect acid-foo --user app --database app --show-password)\"
  pgctl connect acid-foo --psql";

const INSTALL_EXAMPLES: &str = "Examples:
  pgctl install
  pgctl install -n pgctl-system --watch-namespace 'team-a,team-b' --replicas 1
  pgctl install --dry-run=client -o yaml > pgctl.yaml";

const COMPLETIONS_EXAMPLES: &str = "Examples:
  pgctl completions bash > /etc/bash_completion.d/pgctl
  pgctl completions zsh > \"${fpath[1]}/_pgctl\"
  source <(COMPLETE=bash pgctl)     # dynamic completion, including cluster names";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

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
