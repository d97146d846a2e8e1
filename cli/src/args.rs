//! Argument groups and values shared by several commands. Each command's own arguments are
//! declared next to it, in `commands/`; the global flags are in `global`.

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::global::parse_duration;

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
    /// Run a connection pooler (PgBouncer) in front of the master (`spec.enableConnectionPooler`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub pooler: Option<bool>,
    /// Run a connection pooler in front of the replicas (`spec.enableReplicaConnectionPooler`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub replica_pooler: Option<bool>,
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
            && self.pooler.is_none()
            && self.replica_pooler.is_none()
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
