//! The `postgresql` custom resource (group `acid.zalan.do`, version `v1`), field for field
//! compatible with the Zalando Postgres Operator, plus a richer status.
//!
//! The CRD that the API server validates manifests against is generated from these types
//! (see [`crd_yaml`]); the schema attributes below carry the same patterns and enums as the
//! reference CRD.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvFromSource, EnvVar, NodeAffinity, Probe, Toleration,
    TopologySpreadConstraint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use kube::{CustomResource, CustomResourceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// API group of the resource.
pub const GROUP: &str = "acid.zalan.do";
/// API version of the resource.
pub const VERSION: &str = "v1";
/// Kind of the resource (lower case, as the reference operator spells it).
pub const KIND: &str = "postgresql";
/// Plural resource name.
pub const PLURAL: &str = "postgresqls";

/// Kubernetes quantity for memory, storage and hugepages (the reference CRD's pattern).
pub const QUANTITY_PATTERN: &str = r"^(\d+(e\d+)?|\d+(\.\d+)?(e\d+)?[EPTGMK]i?)$";
/// CPU quantity: millicores or a decimal with at most three fractional digits.
pub const CPU_PATTERN: &str = r"^(\d+m|\d+(\.\d{1,3})?)$";
/// Maintenance window: `[Ddd:]HH:MM-[Ddd:]HH:MM`.
pub const MAINTENANCE_WINDOW_PATTERN: &str = r"^\ *((Mon|Tue|Wed|Thu|Fri|Sat|Sun):(2[0-3]|[01]?\d):([0-5]?\d)|(2[0-3]|[01]?\d):([0-5]?\d))-((Mon|Tue|Wed|Thu|Fri|Sat|Sun):(2[0-3]|[01]?\d):([0-5]?\d)|(2[0-3]|[01]?\d):([0-5]?\d))\ *$";
/// Five-field cron schedule of numbers, `*` and steps.
pub const CRON_PATTERN: &str = r"^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$";
/// RFC 3339 timestamp with a mandatory UTC offset.
pub const TIMESTAMP_PATTERN: &str = r"^([0-9]+)-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?(([+-]([01][0-9]|2[0-3]):[0-5][0-9]))$";
/// An IPv4 or IPv6 CIDR, as load balancer source ranges are written.
pub const CIDR_PATTERN: &str = r"^((\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])\.(\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])\.(\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])\.(\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])\/(\d|[1-2]\d|3[0-2])|(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$";

/// PostgreSQL major versions this operator supports.
pub const SUPPORTED_VERSIONS: [&str; 5] = ["14", "15", "16", "17", "18"];

/// Role flags allowed in `spec.users`, in both spellings the reference accepts.
pub const USER_FLAGS: [&str; 14] = [
    "bypassrls",
    "nobypassrls",
    "createdb",
    "nocreatedb",
    "createrole",
    "nocreaterole",
    "inherit",
    "noinherit",
    "login",
    "nologin",
    "replication",
    "noreplication",
    "superuser",
    "nosuperuser",
];

/// Specification of a PostgreSQL cluster run by Spilo and Patroni.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "acid.zalan.do",
    version = "v1",
    kind = "postgresql",
    root = "Postgresql",
    plural = "postgresqls",
    singular = "postgresql",
    shortname = "pg",
    category = "all",
    namespaced,
    status = "PostgresStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "A PostgreSQL cluster managed by pgctl (compatible with the Zalando Postgres Operator).",
    printcolumn = r#"{"name":"Team","type":"string","jsonPath":".spec.teamId","description":"Team responsible for the cluster"}"#,
    printcolumn = r#"{"name":"Version","type":"string","jsonPath":".spec.postgresql.version","description":"PostgreSQL major version"}"#,
    printcolumn = r#"{"name":"Pods","type":"integer","jsonPath":".spec.numberOfInstances","description":"Desired number of pods"}"#,
    printcolumn = r#"{"name":"Volume","type":"string","jsonPath":".spec.volume.size","description":"Size of each data volume"}"#,
    printcolumn = r#"{"name":"CPU-Request","type":"string","jsonPath":".spec.resources.requests.cpu","description":"Requested CPU of the postgres container"}"#,
    printcolumn = r#"{"name":"Memory-Request","type":"string","jsonPath":".spec.resources.requests.memory","description":"Requested memory of the postgres container"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp","description":"Age of the cluster"}"#,
    printcolumn = r#"{"name":"Status","type":"string","jsonPath":".status.PostgresClusterStatus","description":"Sync status of the cluster"}"#,
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status","description":"All instances ready and a primary known"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct PostgresSpec {
    /// Team that owns the cluster; with `enable_team_id_clustername_prefix` the name must start with it.
    pub team_id: String,
    /// Number of pods (PostgreSQL instances) of the cluster.
    #[schemars(range(min = 0))]
    pub number_of_instances: i32,
    /// PostgreSQL major version and server parameters.
    pub postgresql: PostgresqlParam,
    /// Persistent volume of each instance.
    pub volume: Volume,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,

    /// Patroni settings that end up in the bootstrap DCS configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patroni: Option<Patroni>,
    /// Requests and limits of the postgres container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,

    /// Application roles and their flags (`name: [superuser, createdb]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "users_schema")]
    pub users: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_with_secret_rotation: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_with_in_place_secret_rotation: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_ignoring_secret_rotation: Option<Vec<String>>,
    /// Databases and their owners (`dbname: owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub databases: Option<BTreeMap<String, String>>,
    /// Databases with a prepared set of roles, schemas and extensions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared_databases: Option<BTreeMap<String, PreparedDatabase>>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_master_load_balancer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_master_pooler_load_balancer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_replica_load_balancer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_replica_pooler_load_balancer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_master_node_port: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_master_pooler_node_port: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_replica_node_port: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_replica_pooler_node_port: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_node_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_pooler_node_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_node_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_pooler_node_port: Option<i32>,
    /// Deprecated alias of `enableMasterLoadBalancer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_load_balancer: Option<bool>,
    /// Deprecated alias of `enableReplicaLoadBalancer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_load_balancer: Option<bool>,
    /// Source ranges allowed to reach the load balancers of both services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(regex(pattern = CIDR_PATTERN)))]
    pub allowed_source_ranges: Option<Vec<String>>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_connection_pooler: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_replica_connection_pooler: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_pooler: Option<ConnectionPooler>,

    /// Windows in which disruptive maintenance is allowed (`Sat:01:00-06:00`, `01:00-06:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(regex(pattern = MAINTENANCE_WINDOW_PATTERN)))]
    pub maintenance_windows: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone: Option<CloneDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby: Option<StandbyDescription>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<Vec<Sidecar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_volumes: Option<Vec<AdditionalVolume>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_annotations: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_annotations: Option<BTreeMap<String, String>>,
    /// Annotations of the master service; they take precedence over `serviceAnnotations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_service_annotations: Option<BTreeMap<String, String>>,
    /// Annotations of the replica service; they take precedence over `serviceAnnotations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_service_annotations: Option<BTreeMap<String, String>>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_from: Option<Vec<EnvFromSource>>,

    #[serde(
        default,
        rename = "spiloRunAsUser",
        skip_serializing_if = "Option::is_none"
    )]
    pub spilo_run_as_user: Option<i64>,
    #[serde(
        default,
        rename = "spiloRunAsGroup",
        skip_serializing_if = "Option::is_none"
    )]
    pub spilo_run_as_group: Option<i64>,
    #[serde(
        default,
        rename = "spiloFSGroup",
        skip_serializing_if = "Option::is_none"
    )]
    pub spilo_fs_group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_priority_class_name: Option<String>,
    /// Deprecated alias of `podPriorityClassName`.
    #[serde(
        default,
        rename = "pod_priority_class_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub pod_priority_class_name_old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_shm_volume: Option<bool>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_logical_backup: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = CRON_PATTERN))]
    pub logical_backup_schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical_backup_retention: Option<String>,

    /// Change-data-capture streams (FabricEventStreams in the reference operator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streams: Option<Vec<Stream>>,
}

/// `spec.postgresql`: major version and server parameters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PostgresqlParam {
    /// PostgreSQL major version.
    #[schemars(extend("enum" = ["14", "15", "16", "17", "18"]))]
    pub version: String,
    /// Server parameters (`postgresql.conf` settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<String, String>>,
}

/// `spec.volume`: the data volume of each instance.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// Size of the volume, as a Kubernetes quantity (`1Gi`).
    #[schemars(regex(pattern = QUANTITY_PATTERN))]
    pub size: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sub_path_expr: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// Provisioned IOPS (for storage classes that support it, e.g. AWS gp3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 80000))]
    pub iops: Option<i32>,
    /// Provisioned throughput in MB/s (for storage classes that support it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 2000))]
    pub throughput: Option<i32>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<String>,
}

/// `spec.patroni`: settings for Patroni's bootstrap and DCS configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Patroni {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initdb: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_hba: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_wait: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_timeout: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_lag_on_failover: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<BTreeMap<String, BTreeMap<String, String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synchronous_mode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synchronous_mode_strict: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synchronous_node_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failsafe_mode: Option<bool>,
}

/// Requests and limits (`spec.resources`, `spec.connectionPooler.resources`, sidecars).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Resources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceDescription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceDescription>,
}

/// CPU, memory and hugepages of one side (requests or limits).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct ResourceDescription {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = CPU_PATTERN))]
    pub cpu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = QUANTITY_PATTERN))]
    pub memory: Option<String>,
    #[serde(
        default,
        rename = "hugepages-2Mi",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(regex(pattern = QUANTITY_PATTERN))]
    pub hugepages_2mi: Option<String>,
    #[serde(
        default,
        rename = "hugepages-1Gi",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(regex(pattern = QUANTITY_PATTERN))]
    pub hugepages_1gi: Option<String>,
}

/// One entry of `spec.preparedDatabases`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreparedDatabase {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schemas: Option<BTreeMap<String, PreparedSchema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_users: Option<bool>,
    /// Extensions to create, each in the given schema (`pg_partman: public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_namespace: Option<String>,
}

/// One schema of a prepared database.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreparedSchema {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_users: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_roles: Option<bool>,
}

/// `spec.connectionPooler`: pgbouncer settings.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionPooler {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub number_of_instances: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["session", "transaction"]))]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image: Option<String>,
    #[serde(
        default,
        rename = "maxDBConnections",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_db_connections: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// `spec.clone`: which cluster to clone from and up to which point in time.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CloneDescription {
    pub cluster: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "uuid"))]
    pub uid: Option<String>,
    /// Point in time to recover to (RFC 3339 with a UTC offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = TIMESTAMP_PATTERN))]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_wal_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_secret_access_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_force_path_style: Option<bool>,
}

/// `spec.standby`: replicate from a remote primary and/or a WAL archive.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[schemars(extend(
    "anyOf" = [{"required": ["s3_wal_path"]}, {"required": ["gs_wal_path"]}, {"required": ["standby_host"]}],
    "not" = {"required": ["s3_wal_path", "gs_wal_path"]}
))]
pub struct StandbyDescription {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_wal_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gs_wal_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_port: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_primary_slot_name: Option<String>,
}

/// `spec.tls`: a custom certificate for PostgreSQL.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tls {
    /// Secret holding the certificate and key; TLS is off while this is empty.
    pub secret_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_secret_name: Option<String>,
}

/// A container run beside `postgres` in every pod of the cluster.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Sidecar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ContainerPort>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
}

/// A volume added to the pods and mounted into the named containers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalVolume {
    pub name: String,
    pub mount_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sub_path_expr: Option<bool>,
    /// Containers to mount into; `all` means every container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_containers: Option<Vec<String>>,
    /// A Kubernetes volume source (`emptyDir: {}`, `configMap: {name: …}`, …).
    #[schemars(schema_with = "preserve_unknown_object")]
    pub volume_source: serde_json::Value,
}

/// One change-data-capture stream.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stream {
    pub application_id: String,
    pub database: String,
    pub tables: BTreeMap<String, StreamTable>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = CPU_PATTERN))]
    pub cpu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = QUANTITY_PATTERN))]
    pub memory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_recovery: Option<bool>,
}

/// One table of a stream.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamTable {
    pub event_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_event_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_recovery: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_column: Option<String>,
}

/// The compatible status string of the reference operator.
pub mod cluster_status {
    pub const CREATING: &str = "Creating";
    pub const UPDATING: &str = "Updating";
    pub const UPDATE_FAILED: &str = "UpdateFailed";
    pub const SYNC_FAILED: &str = "SyncFailed";
    pub const CREATE_FAILED: &str = "CreateFailed";
    pub const RUNNING: &str = "Running";
    pub const INVALID: &str = "Invalid";
    /// pgctl's own: `numberOfInstances` is 0 and no pod is left (the reference says `Running`).
    pub const STOPPED: &str = "Stopped";
}

/// Status of a cluster: the reference operator's string plus conditions and details.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostgresStatus {
    /// Creating, Updating, UpdateFailed, SyncFailed, CreateFailed, Running, Invalid or Stopped.
    #[serde(rename = "PostgresClusterStatus")]
    pub postgres_cluster_status: String,
    /// The `metadata.generation` this status was computed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready, Progressing, Degraded and RolesSynced conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Pods that exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instances: Option<i32>,
    /// Pods that are ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_instances: Option<i32>,
    /// Name of the pod that currently holds the master role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Image of the postgres container the cluster is meant to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// A rolling update in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<RolloutStatus>,
    /// Hash of the dynamic Patroni configuration (`bootstrap.dcs` of `SPILO_CONFIGURATION`:
    /// DCS PostgreSQL parameters, `ttl`, `loop_wait` …) last found in Patroni's DCS with no
    /// restart pending; a different desired hash makes the controller apply it through
    /// Patroni's REST API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patroni_config: Option<String>,
    /// The `postgresql.parameters` the controller set in Patroni's dynamic configuration (with
    /// `status.patroniConfig`): one removed from the manifest is removed from Patroni's
    /// configuration, while a parameter set by hand (`patronictl edit-config`) is left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patroni_parameters: Vec<String>,
    /// Problems found by validation, the last error, or the warnings of role provisioning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    /// Requests made through annotations (`pgctl.acid.zalan.do/restartedAt`) that the
    /// controller has carried into the cluster's objects: annotation → the value acted on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub acknowledged: BTreeMap<String, String>,
    /// Where the data comes from: a clone's or a standby's source, and how the copy or the
    /// stream is going (with the condition `Cloned` or `Standby`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<OriginStatus>,
    /// The PostgreSQL major version the master runs, as last seen (Patroni's `server_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major_version: Option<u32>,
    /// The in-place major version upgrade in progress, or the last one (with the condition
    /// `MajorUpgrade`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<UpgradeStatus>,
}

/// `status.upgrade`: an in-place major version upgrade (`pg_upgrade --link` on the master,
/// replicas rebuilt from it).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeStatus {
    /// The major upgraded from.
    pub from: u32,
    /// The major upgraded to.
    pub to: u32,
    /// `Preflight`, `Upgrading`, `Restarting`, `Rebuilding` (in progress); `Succeeded`,
    /// `Blocked` (a preflight check failed; nothing was stopped), `RolledBack` (back on `from`).
    pub phase: String,
    /// Names this attempt's files in the master's data volume.
    pub attempt: String,
    /// The `metadata.generation` the attempt was made for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// The master pod the upgrade runs on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pod: String,
    /// When the attempt started, the master stopped, the data directories were switched (the
    /// point of no return), and it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switched_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Seconds from the master's stop until it accepted writes on `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtime_seconds: Option<u64>,
    /// The new cluster's system identifier (Patroni's `initialize` key is set to it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub system_id: String,
    /// The preflight's checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<UpgradeCheck>,
    /// The pods whose Spilo container was restarted onto the new major.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restarted: Vec<String>,
    /// What happened last, or why it stopped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// One preflight check of a major version upgrade.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeCheck {
    pub name: String,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// `status.origin`: a clone, a standby cluster, or a promoted one.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginStatus {
    /// `clone`, `standby` or `promoted`.
    pub mode: String,
    /// The source: a cluster's name, `host:port`, or a WAL archive's path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// `copying`, `bootstrapping`, `streaming`, `in archive recovery`, `promoting` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Bytes of WAL the standby leader has still to replay: the source master's position (or,
    /// for a source outside the Kubernetes cluster, the last position received) minus the
    /// position replayed, when last observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lag_bytes: Option<i64>,
    /// Commit time of the last transaction the standby replayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replayed_at: Option<String>,
}

/// Progress of a rolling update.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RolloutStatus {
    /// Pods that run the current pod template.
    pub updated: i32,
    /// Pods of the cluster.
    pub total: i32,
    /// What the operator is doing now, e.g. `replacing replica acid-foo-2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// A Patroni operation the controller started and has not seen finish yet. It is kept
    /// here, not in the controller's memory, so that a restarted controller observes the same
    /// operation (and its deadline) instead of starting a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<PatroniIntent>,
    /// Since when the master has been waiting to leave a drained node (for
    /// `master_pod_move_timeout`); kept here so that a restarted controller keeps the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_move: Option<MasterMove>,
}

/// A master waiting to leave a drained node ([`RolloutStatus::master_move`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MasterMove {
    /// The master pod.
    pub master: String,
    /// Since when, in seconds since the epoch.
    pub since: i64,
}

/// A Patroni operation in progress ([`RolloutStatus::intent`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatroniIntent {
    /// `switchover`, `restart` or `configure`.
    pub action: String,
    /// The member the action is about: the switchover candidate, or the member restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// The master a switchover starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// When it was started, in seconds since the epoch.
    pub since: i64,
    /// Why, when it is not the rolling update itself (e.g. `to move the master off node n1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn users_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut flags: Vec<String> = Vec::with_capacity(USER_FLAGS.len() * 2);
    for flag in USER_FLAGS {
        flags.push(flag.to_string());
        flags.push(flag.to_uppercase());
    }
    schemars::json_schema!({
        "type": "object",
        "description": "Roles and their flags, e.g. `app_user: [createdb]`.",
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string", "enum": flags}
        }
    })
}

fn preserve_unknown_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true
    })
}

/// The generated CustomResourceDefinition.
///
/// `apiVersion`, `kind` and `metadata` are added to the schema as the reference CRD has them,
/// so that every property path of the reference exists in ours.
pub fn crd()
-> k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaProps;
    let mut crd = Postgresql::crd();
    for version in &mut crd.spec.versions {
        let Some(schema) = version
            .schema
            .as_mut()
            .and_then(|s| s.open_api_v3_schema.as_mut())
        else {
            continue;
        };
        let properties = schema.properties.get_or_insert_with(Default::default);
        for (name, type_) in [
            ("apiVersion", "string"),
            ("kind", "string"),
            ("metadata", "object"),
        ] {
            properties
                .entry(name.to_string())
                .or_insert_with(|| JSONSchemaProps {
                    type_: Some(type_.to_string()),
                    ..Default::default()
                });
        }
    }
    crd
}

/// The generated CustomResourceDefinition as YAML, exactly as committed in
/// `manifests/crd/postgresql.yaml`.
pub fn crd_yaml() -> Result<String, serde_yaml::Error> {
    Ok(format!(
        "# Generated by `pgctl crd` from shared/src/crd.rs; do not edit by hand.\n{}",
        serde_yaml::to_string(&crd())?
    ))
}
