//! Command line and environment of `pgctl-controller`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Turns postgresql resources (acid.zalan.do/v1) into Spilo/Patroni clusters and keeps them in sync.
#[derive(Debug, Clone, Parser)]
#[command(name = "pgctl-controller", version)]
pub struct Args {
    /// Kubeconfig to use; in-cluster configuration (or $KUBECONFIG) when absent.
    #[arg(long, env = "KUBECONFIG", value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Namespace of the controller itself (its ConfigMap and its leader Lease live there).
    #[arg(long, env = "POD_NAMESPACE", default_value = "pgctl-system")]
    pub namespace: String,
    /// Name of the operator ConfigMap in the controller's namespace.
    #[arg(
        long = "config-map",
        env = "CONFIG_MAP_NAME",
        default_value = "postgres-operator"
    )]
    pub config_map: String,
    /// Namespaces to watch: `*` for all, or a comma-separated list; overrides `watched_namespace`.
    #[arg(long, env = "WATCHED_NAMESPACE")]
    pub watched_namespace: Option<String>,
    /// Address of the /healthz, /readyz and /metrics endpoints.
    #[arg(long, env = "METRICS_ADDR", default_value = "0.0.0.0:8080")]
    pub metrics_addr: SocketAddr,
    /// Log format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Name of the Lease used for leader election.
    #[arg(
        long,
        env = "LEADER_ELECTION_LEASE",
        default_value = "pgctl-controller"
    )]
    pub lease_name: String,
    /// Identity of this replica in the Lease (defaults to the host name and process id).
    #[arg(long, env = "POD_NAME")]
    pub identity: Option<String>,
    /// Clusters whose pods are replaced at the same time (after a `docker_image` change, many
    /// roll together); the others wait their turn. Moving a master off a drained node never
    /// waits.
    #[arg(
        long,
        env = "MAX_CONCURRENT_ROLLOUTS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_concurrent_rollouts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
