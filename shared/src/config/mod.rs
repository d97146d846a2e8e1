//! The operator configuration: the ConfigMap of the reference (Zalando) operator, with its keys
//! and defaults.
//!
//! - [`OperatorConfig::from_config_map_data`] parses the ConfigMap `data` into typed fields,
//!   each named exactly like its key. Keys of the reference that pgctl does not implement, and
//!   unknown keys, become [`ConfigWarning`]s, never errors.
//! - [`OperatorConfig::with_watched_namespace_override`] applies the `WATCHED_NAMESPACE`
//!   environment variable; the caller reads the environment, parsing never does.
//! - [`OperatorConfig::default`] is the reference defaults, except for the keys in
//!   [`DEFAULT_DEVIATIONS`].
//! - [`OperatorConfig::to_config_map_data`] renders a configuration back into ConfigMap data.
//! - [`reference_keys`], [`implemented_keys`] and [`not_implemented_keys`] list the keys, and
//!   [`key_docs_markdown`] renders the tables of `docs/config.md`.

pub(crate) mod codec;
mod duration;
mod error;
mod keys;
mod types;

use std::collections::BTreeMap;
use std::time::Duration;

pub use error::{ConfigError, ConfigWarning, InvalidValue, ValueOrigin};
pub use keys::{
    KeyInfo, implemented_keys, key_docs_markdown, not_implemented_keys, reference_keys,
};
pub use types::{
    ExternalTrafficPolicy, InfrastructureRolesSecret, LogicalBackupProvider, MajorUpgradeMode,
    NodeReadinessLabelMerge, PodManagementPolicy, PoolerMode, PvcRetention, PvcRetentionPolicy,
    StorageResizeMode, Toleration, WatchedNamespaces,
};

use codec::Codec;

/// The environment variable that overrides `watched_namespace`.
pub const WATCHED_NAMESPACE_ENV: &str = "WATCHED_NAMESPACE";

/// Where pgctl's defaults differ from the reference ConfigMap on purpose: (key, reference
/// value, pgctl value).
///
/// - `enable_owner_references`: children carry owner references to their `postgresql`, so the
///   garbage collector removes them; the reference keeps `false` only for backward
///   compatibility.
/// - `logical_backup_s3_bucket`: the reference ConfigMap's `my-bucket-url` is a placeholder (its
///   operator's own default is empty); a cluster with `enableLogicalBackup` would upload there.
pub const DEFAULT_DEVIATIONS: &[(&str, &str, &str)] = &[
    ("enable_owner_references", "false", "true"),
    ("logical_backup_s3_bucket", "my-bucket-url", ""),
];

/// `{tprkind}` in `secret_name_template`.
pub const SECRET_TEMPLATE_KIND: &str = "postgresql";
/// `{tprgroup}` in `secret_name_template`.
pub const SECRET_TEMPLATE_GROUP: &str = "acid.zalan.do";

/// The parsed configuration and what was worth a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    pub config: OperatorConfig,
    pub warnings: Vec<ConfigWarning>,
}

/// The operator configuration. Every field is named after its ConfigMap key; `docs/config.md`
/// (or [`KeyInfo::doc`]) explains each one. Optional values are `None` when the key is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorConfig {
    // General
    /// Spilo image of the Postgres pods.
    pub docker_image: String,
    /// Clusters reconciled concurrently (at least 1).
    pub workers: u32,
    /// Period of the full resync of every cluster.
    pub resync_period: Duration,
    /// Period of the retry of clusters in a failed state.
    pub repair_period: Duration,
    /// Namespaces whose `postgresql` resources are managed (`WATCHED_NAMESPACE` overrides).
    pub watched_namespace: WatchedNamespaces,
    /// Whether the operator creates or updates the `postgresql` CRD at startup.
    pub enable_crd_registration: bool,
    /// Categories of the registered CRD (`kubectl get all`).
    pub crd_categories: Vec<String>,
    /// Whether a new Spilo image waits for the next pod restart instead of rolling the pods.
    pub enable_lazy_spilo_upgrade: bool,
    /// Whether pods get a memory-backed `/dev/shm` (overridable per cluster).
    pub enable_shm_volume: bool,
    /// Patroni's `failsafe_mode` in the bootstrap DCS configuration (overridable per cluster).
    pub enable_patroni_failsafe_mode: bool,
    /// Whether the Spilo container gets `PGVERSION` (else the version is in `SPILO_CONFIGURATION`).
    pub enable_pgversion_env_var: bool,
    /// Whether Spilo keeps the WAL path of old Spilo images (`ENABLE_WAL_PATH_COMPAT`).
    pub enable_spilo_wal_path_compat: bool,
    /// `host:port` of etcd for Patroni; empty means Kubernetes is the DCS.
    pub etcd_host: String,
    /// Whether Patroni keeps leader state in ConfigMaps instead of Endpoints.
    pub kubernetes_use_configmaps: bool,
    /// Lower bound of `numberOfInstances`; `-1` means none.
    pub min_instances: i32,
    /// Upper bound of `numberOfInstances`; `-1` means none.
    pub max_instances: i32,
    /// Whether memory requests are raised to the memory limits.
    pub set_memory_request_to_limit: bool,
    /// Whether the operator connects to Postgres to create roles and databases.
    pub enable_database_access: bool,
    /// Whether cluster names must start with `<teamId>-`.
    pub enable_team_id_clustername_prefix: bool,

    // Users
    /// Superuser created by Spilo.
    pub super_username: String,
    /// Replication user created by Spilo.
    pub replication_username: String,
    /// Roles that manifests may not define.
    pub protected_role_names: Vec<String>,
    /// Whether passwords of manifest users are rotated.
    pub enable_password_rotation: bool,
    /// Days between password rotations (at least 1).
    pub password_rotation_interval: u32,
    /// Days after which rotated users are dropped; at least twice the interval.
    pub password_rotation_user_retention: u32,
    /// Whether a user named `namespace.user` gets its credential Secret in `namespace`.
    pub enable_cross_namespace_secret: bool,
    /// Secret of infrastructure roles in the legacy layout (`name` or `namespace/name`).
    pub infrastructure_roles_secret_name: Option<String>,
    /// One Secret of infrastructure roles and its keys.
    pub infrastructure_roles_secrets: Option<InfrastructureRolesSecret>,
    /// Roles every database owner becomes a member of.
    pub additional_owner_roles: Vec<String>,
    /// Role whose members Spilo lets in through PAM (`HUMAN_ROLE`).
    pub pam_role_name: String,
    /// Spilo's PAM OAuth2 configuration (`PAM_OAUTH2`).
    pub pam_configuration: String,

    // Kubernetes objects
    /// DNS domain of the Kubernetes cluster.
    pub cluster_domain: String,
    /// Labels on every object of a cluster.
    pub cluster_labels: BTreeMap<String, String>,
    /// Label whose value is the cluster name.
    pub cluster_name_label: String,
    /// Label whose value is the pod role (`master`, `replica`).
    pub pod_role_label: String,
    /// Labels copied from the `postgresql` resource to its children.
    pub inherited_labels: Vec<String>,
    /// Annotations copied from the `postgresql` resource to its children.
    pub inherited_annotations: Vec<String>,
    /// Annotations on every Postgres pod.
    pub custom_pod_annotations: BTreeMap<String, String>,
    /// Annotation that must hold today's date (`YYYY-MM-DD`) before a cluster may be deleted.
    pub delete_annotation_date_key: Option<String>,
    /// Annotation that must hold the cluster name before a cluster may be deleted.
    pub delete_annotation_name_key: Option<String>,
    /// Whether children carry an owner reference to their `postgresql` (pgctl default `true`).
    pub enable_owner_references: bool,
    /// Whether each cluster carries the reference's finalizer.
    pub enable_finalizers: bool,
    /// Whether user Secrets are deleted with the cluster.
    pub enable_secrets_deletion: bool,
    /// Whether PersistentVolumeClaims are deleted with the cluster.
    pub enable_persistent_volume_claim_deletion: bool,
    /// StatefulSet `persistentVolumeClaimRetentionPolicy`.
    pub persistent_volume_claim_retention_policy: PvcRetentionPolicy,
    /// How volume size changes are carried out.
    pub storage_resize_mode: StorageResizeMode,
    /// Template of user Secret names; see [`OperatorConfig::secret_name`].
    pub secret_name_template: String,
    /// ServiceAccount of the Postgres pods.
    pub pod_service_account_name: String,
    /// The pods' ServiceAccount in YAML or JSON; empty: a bare one.
    pub pod_service_account_definition: String,
    /// The RoleBinding of the pods' ServiceAccount in YAML or JSON; empty: the default one.
    pub pod_service_account_role_binding_definition: String,
    /// StatefulSet `podManagementPolicy`.
    pub pod_management_policy: PodManagementPolicy,
    /// Pod `terminationGracePeriodSeconds`.
    pub pod_terminate_grace_period: Duration,
    /// PriorityClass of the Postgres pods.
    pub pod_priority_class_name: Option<String>,
    /// ConfigMap (`name` or `namespace/name`) whose entries become pod environment variables.
    pub pod_environment_configmap: Option<String>,
    /// Secret whose entries become pod environment variables.
    pub pod_environment_secret: Option<String>,
    /// Whether the Spilo container is privileged.
    pub spilo_privileged: bool,
    /// Container `allowPrivilegeEscalation` of Spilo.
    pub spilo_allow_privilege_escalation: bool,
    /// Pod `runAsUser`.
    pub spilo_runasuser: Option<i64>,
    /// Pod `runAsGroup`.
    pub spilo_runasgroup: Option<i64>,
    /// Pod `fsGroup`.
    pub spilo_fsgroup: Option<i64>,
    /// Whether the Spilo container gets a readiness probe.
    pub enable_readiness_probe: bool,
    /// Secret mounted into every container of the Postgres pods.
    pub additional_secret_mount: Option<String>,
    /// Where additional_secret_mount is mounted.
    pub additional_secret_mount_path: String,
    /// kube2iam role of the Postgres pods.
    pub kube_iam_role: String,
    /// Linux capabilities added to the Spilo container.
    pub additional_pod_capabilities: Vec<String>,
    /// Patterns of the annotations copied to the StatefulSet and pooler Deployments.
    pub downscaler_annotations: Vec<String>,
    /// Annotation lifting the instance limits of a cluster.
    pub ignore_instance_limits_annotation_key: Option<String>,
    /// Annotation lifting the resource limits of a cluster.
    pub ignore_resources_limits_annotation_key: Option<String>,
    /// Whether a manifest may have sidecars.
    pub enable_sidecars: bool,
    /// Sidecars of every Postgres pod, by name.
    pub sidecar_docker_images: BTreeMap<String, String>,
    /// Whether the sidecars share the Unix socket directory.
    pub share_pgsocket_with_sidecars: bool,
    /// Whether a manifest may have init containers.
    pub enable_init_containers: bool,
    /// Toleration of every Postgres pod (the manifest's tolerations replace it).
    pub toleration: Option<Toleration>,
    /// Labels a node must have to run Postgres pods (node affinity).
    pub node_readiness_label: BTreeMap<String, String>,
    /// How `node_readiness_label` combines with the manifest's node affinity.
    pub node_readiness_label_merge: NodeReadinessLabelMerge,
    /// Whether pods of a cluster repel each other.
    pub enable_pod_antiaffinity: bool,
    /// Topology key of the anti-affinity.
    pub pod_antiaffinity_topology_key: String,
    /// Whether the anti-affinity is preferred instead of required.
    pub pod_antiaffinity_preferred_during_scheduling: bool,
    /// Whether a PodDisruptionBudget protects each cluster.
    pub enable_pod_disruption_budget: bool,
    /// Template of PodDisruptionBudget names; see [`OperatorConfig::pdb_name`].
    pub pdb_name_format: String,
    /// Whether the PodDisruptionBudget selects only the master pod.
    pub pdb_master_label_selector: bool,
    /// Time allowed to move master pods off a node that is drained.
    pub master_pod_move_timeout: Duration,

    // Resources (Kubernetes quantities)
    /// CPU request when the manifest has none.
    pub default_cpu_request: Option<String>,
    /// CPU limit when the manifest has none.
    pub default_cpu_limit: Option<String>,
    /// Memory request when the manifest has none.
    pub default_memory_request: Option<String>,
    /// Memory limit when the manifest has none.
    pub default_memory_limit: Option<String>,
    /// Smallest CPU limit; lower limits are raised.
    pub min_cpu_limit: Option<String>,
    /// Smallest memory limit; lower limits are raised.
    pub min_memory_limit: Option<String>,
    /// Largest CPU request; higher requests are lowered.
    pub max_cpu_request: Option<String>,
    /// Largest memory request; higher requests are lowered.
    pub max_memory_request: Option<String>,

    // Timeouts
    /// Interval between Patroni REST API checks.
    pub patroni_api_check_interval: Duration,
    /// Time allowed for the Patroni REST API to answer.
    pub patroni_api_check_timeout: Duration,
    /// Time allowed for Patroni to label a pod with its role.
    pub pod_label_wait_timeout: Duration,
    /// Time allowed for a pod to be deleted.
    pub pod_deletion_wait_timeout: Duration,
    /// Interval between checks that the CRD is established.
    pub ready_wait_interval: Duration,
    /// Time allowed for the CRD to be established.
    pub ready_wait_timeout: Duration,
    /// Interval between checks that an object exists.
    pub resource_check_interval: Duration,
    /// Time allowed for an object to exist.
    pub resource_check_timeout: Duration,

    // Connection pooler
    /// Image of the pooler pods (PgBouncer) when the manifest names none.
    pub connection_pooler_image: String,
    /// PgBouncer's `pool_mode`: `transaction` or `session`.
    pub connection_pooler_mode: PoolerMode,
    /// Pods of each pooler Deployment when the manifest sets none.
    pub connection_pooler_number_of_instances: i32,
    /// Server connections of all pooler pods of a Deployment together, per database.
    pub connection_pooler_max_db_connections: i32,
    /// Schema of the `user_lookup` function in each database.
    pub connection_pooler_schema: String,
    /// Role PgBouncer logs in as (and looks users up with).
    pub connection_pooler_user: String,
    pub connection_pooler_default_cpu_request: Option<String>,
    pub connection_pooler_default_memory_request: Option<String>,
    pub connection_pooler_default_cpu_limit: Option<String>,
    pub connection_pooler_default_memory_limit: Option<String>,
    /// Whether the master pooler's Service is a LoadBalancer (overridable per cluster).
    pub enable_master_pooler_load_balancer: bool,
    /// Whether the replica pooler's Service is a LoadBalancer (overridable per cluster).
    pub enable_replica_pooler_load_balancer: bool,

    // Backups and WAL archiving
    /// `WAL_S3_BUCKET` of the pods; empty: none.
    pub wal_s3_bucket: String,
    /// `WAL_GS_BUCKET` of the pods; empty: none.
    pub wal_gs_bucket: String,
    /// `AZURE_STORAGE_ACCOUNT` of the pods; empty: none.
    pub wal_az_storage_account: String,
    /// `GOOGLE_APPLICATION_CREDENTIALS` of the pods; empty: none.
    pub gcp_credentials: String,
    /// `LOG_S3_BUCKET` of the pods; empty: none.
    pub log_s3_bucket: String,

    // Logical backups
    /// Image of the logical backup Job.
    pub logical_backup_docker_image: String,
    /// Prefix of the CronJob's name (`logical-backup-`).
    pub logical_backup_job_prefix: String,
    /// Where the dump goes: `s3`, `gcs` or `az`.
    pub logical_backup_provider: LogicalBackupProvider,
    /// Cron schedule of clusters without `spec.logicalBackupSchedule`.
    pub logical_backup_schedule: String,
    pub logical_backup_s3_bucket: String,
    /// First path component of the dumps in the bucket (`spilo`).
    pub logical_backup_s3_bucket_prefix: String,
    pub logical_backup_s3_endpoint: String,
    pub logical_backup_s3_region: String,
    /// Server-side encryption of the uploads (`AES256`).
    pub logical_backup_s3_sse: String,
    /// Age of the dumps the Job deletes (`1 week`); empty: keeps them all.
    pub logical_backup_s3_retention_time: String,
    /// `AWS_ACCESS_KEY_ID` of the Job (in the CronJob in clear, as the reference does; prefer
    /// `logical_backup_cronjob_environment_secret`).
    pub logical_backup_s3_access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY` of the Job (likewise).
    pub logical_backup_s3_secret_access_key: String,
    pub logical_backup_google_application_credentials: String,
    pub logical_backup_azure_storage_account_name: String,
    pub logical_backup_azure_storage_container: String,
    pub logical_backup_azure_storage_account_key: String,
    pub logical_backup_cpu_request: Option<String>,
    pub logical_backup_cpu_limit: Option<String>,
    pub logical_backup_memory_request: Option<String>,
    pub logical_backup_memory_limit: Option<String>,
    /// Secret whose entries become environment variables of the Job.
    pub logical_backup_cronjob_environment_secret: Option<String>,

    // Load balancers and DNS
    /// Annotations on every Service of a cluster.
    pub custom_service_annotations: BTreeMap<String, String>,
    /// `{hostedzone}` of the DNS name formats.
    pub db_hosted_zone: String,
    /// Whether the master Service is a LoadBalancer (overridable per cluster).
    pub enable_master_load_balancer: bool,
    /// Whether the replica Service is a LoadBalancer (overridable per cluster).
    pub enable_replica_load_balancer: bool,
    /// `externalTrafficPolicy` of LoadBalancer Services.
    pub external_traffic_policy: ExternalTrafficPolicy,
    /// DNS name of the master load balancer; see [`OperatorConfig::master_dns_name`].
    pub master_dns_name_format: String,
    /// DNS name of the replica load balancer; see [`OperatorConfig::replica_dns_name`].
    pub replica_dns_name_format: String,
    /// Legacy DNS name of the master load balancer (team-prefixed clusters).
    pub master_legacy_dns_name_format: String,
    /// Legacy DNS name of the replica load balancer (team-prefixed clusters).
    pub replica_legacy_dns_name_format: String,

    // Major version upgrades
    /// How a raised major version is handled: `off`, `manual` or `full`.
    pub major_version_upgrade_mode: MajorUpgradeMode,
    /// Teams whose clusters are upgraded; empty: every team.
    pub major_version_upgrade_team_allow_list: Vec<String>,
    /// Whether maintenance windows hold anything back.
    pub enable_maintenance_windows: bool,
    /// Maintenance windows of clusters without their own.
    pub maintenance_windows: Vec<String>,
    /// In mode `full`, clusters below this major are upgraded to `target_major_version`.
    pub minimal_major_version: u32,
    /// The major clusters below `minimal_major_version` go to in mode `full`.
    pub target_major_version: u32,

    /// Not a key: [`data_digest`] of the ConfigMap data this configuration was read from (of
    /// no data for the defaults). Unlike the parsed fields it does not change when a build
    /// changes a default, so the StatefulSet's inputs hash can tell a new build from a new
    /// configuration (`build::statefulset::inputs_hash`).
    pub data_digest: String,
}

/// The SHA-256 (hex) of ConfigMap data: for every pair, in key order, the key and the value,
/// each as its length in bytes (decimal), `:`, and its bytes, so no two data give one text.
pub fn data_digest(data: &BTreeMap<String, String>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for text in data.iter().flat_map(|(key, value)| [key, value]) {
        hasher.update(format!("{}:", text.len()));
        hasher.update(text.as_bytes());
    }
    crate::digest::hex(&hasher.finalize())
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

impl Default for OperatorConfig {
    /// The reference defaults (what an empty ConfigMap means), except [`DEFAULT_DEVIATIONS`].
    fn default() -> Self {
        OperatorConfig {
            docker_image: "ghcr.io/zalando/spilo-18:4.1-p2".to_string(),
            workers: 8,
            resync_period: minutes(30),
            repair_period: minutes(5),
            watched_namespace: WatchedNamespaces::All,
            enable_crd_registration: true,
            crd_categories: strings(&["all"]),
            enable_lazy_spilo_upgrade: false,
            enable_shm_volume: true,
            enable_patroni_failsafe_mode: false,
            enable_pgversion_env_var: true,
            enable_spilo_wal_path_compat: true,
            etcd_host: String::new(),
            kubernetes_use_configmaps: false,
            min_instances: -1,
            max_instances: -1,
            set_memory_request_to_limit: false,
            enable_database_access: true,
            enable_team_id_clustername_prefix: false,

            super_username: "postgres".to_string(),
            replication_username: "standby".to_string(),
            protected_role_names: strings(&["admin", "cron_admin"]),
            enable_password_rotation: false,
            password_rotation_interval: 90,
            password_rotation_user_retention: 180,
            enable_cross_namespace_secret: false,
            infrastructure_roles_secret_name: None,
            infrastructure_roles_secrets: None,
            additional_owner_roles: Vec::new(),
            pam_role_name: "zalandos".to_string(),
            pam_configuration:
                "https://info.example.com/oauth2/tokeninfo?access_token= uid realm=/employees"
                    .to_string(),

            cluster_domain: "cluster.local".to_string(),
            cluster_labels: labels(&[("application", "spilo")]),
            cluster_name_label: "cluster-name".to_string(),
            pod_role_label: "spilo-role".to_string(),
            inherited_labels: Vec::new(),
            inherited_annotations: Vec::new(),
            custom_pod_annotations: BTreeMap::new(),
            delete_annotation_date_key: None,
            delete_annotation_name_key: None,
            enable_owner_references: true,
            enable_finalizers: false,
            enable_secrets_deletion: true,
            enable_persistent_volume_claim_deletion: true,
            persistent_volume_claim_retention_policy: PvcRetentionPolicy::default(),
            storage_resize_mode: StorageResizeMode::Pvc,
            secret_name_template: "{username}.{cluster}.credentials.{tprkind}.{tprgroup}"
                .to_string(),
            pod_service_account_name: "postgres-pod".to_string(),
            pod_service_account_definition: String::new(),
            pod_service_account_role_binding_definition: String::new(),
            pod_management_policy: PodManagementPolicy::OrderedReady,
            pod_terminate_grace_period: minutes(5),
            pod_priority_class_name: None,
            pod_environment_configmap: None,
            pod_environment_secret: None,
            spilo_privileged: false,
            spilo_allow_privilege_escalation: true,
            spilo_runasuser: None,
            spilo_runasgroup: None,
            spilo_fsgroup: None,
            enable_readiness_probe: false,
            additional_secret_mount: None,
            additional_secret_mount_path: "/meta/credentials".to_string(),
            kube_iam_role: String::new(),
            additional_pod_capabilities: Vec::new(),
            downscaler_annotations: Vec::new(),
            ignore_instance_limits_annotation_key: None,
            ignore_resources_limits_annotation_key: None,
            enable_sidecars: true,
            sidecar_docker_images: BTreeMap::new(),
            share_pgsocket_with_sidecars: false,
            enable_init_containers: true,
            toleration: None,
            node_readiness_label: BTreeMap::new(),
            node_readiness_label_merge: NodeReadinessLabelMerge::Or,
            enable_pod_antiaffinity: false,
            pod_antiaffinity_topology_key: "kubernetes.io/hostname".to_string(),
            pod_antiaffinity_preferred_during_scheduling: false,
            enable_pod_disruption_budget: true,
            pdb_name_format: "postgres-{cluster}-pdb".to_string(),
            pdb_master_label_selector: true,
            master_pod_move_timeout: minutes(20),

            default_cpu_request: Some("100m".to_string()),
            default_cpu_limit: Some("1".to_string()),
            default_memory_request: Some("100Mi".to_string()),
            default_memory_limit: Some("500Mi".to_string()),
            min_cpu_limit: Some("250m".to_string()),
            min_memory_limit: Some("250Mi".to_string()),
            max_cpu_request: None,
            max_memory_request: None,

            patroni_api_check_interval: Duration::from_secs(1),
            patroni_api_check_timeout: Duration::from_secs(5),
            pod_label_wait_timeout: minutes(10),
            pod_deletion_wait_timeout: minutes(10),
            ready_wait_interval: Duration::from_secs(3),
            ready_wait_timeout: Duration::from_secs(30),
            resource_check_interval: Duration::from_secs(3),
            resource_check_timeout: minutes(10),

            connection_pooler_image: "ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1"
                .to_string(),
            connection_pooler_mode: PoolerMode::Transaction,
            major_version_upgrade_mode: MajorUpgradeMode::Manual,
            major_version_upgrade_team_allow_list: Vec::new(),
            enable_maintenance_windows: true,
            maintenance_windows: Vec::new(),
            minimal_major_version: 14,
            target_major_version: 18,
            connection_pooler_number_of_instances: 2,
            connection_pooler_max_db_connections: 60,
            connection_pooler_schema: "pooler".to_string(),
            connection_pooler_user: "pooler".to_string(),
            connection_pooler_default_cpu_request: Some("500m".to_string()),
            connection_pooler_default_memory_request: Some("100Mi".to_string()),
            connection_pooler_default_cpu_limit: Some("1".to_string()),
            connection_pooler_default_memory_limit: Some("100Mi".to_string()),
            enable_master_pooler_load_balancer: false,
            enable_replica_pooler_load_balancer: false,
            wal_s3_bucket: String::new(),
            wal_gs_bucket: String::new(),
            wal_az_storage_account: String::new(),
            gcp_credentials: String::new(),
            log_s3_bucket: String::new(),
            logical_backup_docker_image: "ghcr.io/zalando/postgres-operator/logical-backup:v2.0.1"
                .to_string(),
            logical_backup_job_prefix: "logical-backup-".to_string(),
            logical_backup_provider: LogicalBackupProvider::S3,
            logical_backup_schedule: "30 00 * * *".to_string(),
            logical_backup_s3_bucket: String::new(),
            logical_backup_s3_bucket_prefix: "spilo".to_string(),
            logical_backup_s3_endpoint: String::new(),
            logical_backup_s3_region: String::new(),
            logical_backup_s3_sse: "AES256".to_string(),
            logical_backup_s3_retention_time: String::new(),
            logical_backup_s3_access_key_id: String::new(),
            logical_backup_s3_secret_access_key: String::new(),
            logical_backup_google_application_credentials: String::new(),
            logical_backup_azure_storage_account_name: String::new(),
            logical_backup_azure_storage_container: String::new(),
            logical_backup_azure_storage_account_key: String::new(),
            logical_backup_cpu_request: None,
            logical_backup_cpu_limit: None,
            logical_backup_memory_request: None,
            logical_backup_memory_limit: None,
            logical_backup_cronjob_environment_secret: None,
            custom_service_annotations: BTreeMap::new(),
            db_hosted_zone: "db.example.com".to_string(),
            enable_master_load_balancer: false,
            enable_replica_load_balancer: false,
            external_traffic_policy: ExternalTrafficPolicy::Cluster,
            master_dns_name_format: "{cluster}.{namespace}.{hostedzone}".to_string(),
            replica_dns_name_format: "{cluster}-repl.{namespace}.{hostedzone}".to_string(),
            master_legacy_dns_name_format: "{cluster}.{team}.{hostedzone}".to_string(),
            replica_legacy_dns_name_format: "{cluster}-repl.{team}.{hostedzone}".to_string(),

            data_digest: data_digest(&BTreeMap::new()),
        }
    }
}

impl OperatorConfig {
    /// The maintenance windows of a cluster whose manifest has `spec` (its
    /// `spec.maintenanceWindows`), under `maintenance_windows` and `enable_maintenance_windows`.
    pub fn maintenance_windows_of(&self, spec: Option<&[String]>) -> crate::window::Effective {
        crate::window::effective(
            spec,
            &self.maintenance_windows,
            self.enable_maintenance_windows,
        )
    }

    /// Whether going from `self` to `new` changes what the controller's watches cover or how
    /// it runs them: the watched namespaces, the labels that select the operator's objects,
    /// the cluster-name label, the watch of Secrets in other namespaces, or `workers`. Such a
    /// change restarts the watches; any other is applied in place.
    pub fn changes_watches(&self, new: &OperatorConfig) -> bool {
        self.watched_namespace != new.watched_namespace
            || self.cluster_labels != new.cluster_labels
            || self.cluster_name_label != new.cluster_name_label
            || self.enable_cross_namespace_secret != new.enable_cross_namespace_secret
            || self.workers != new.workers
    }

    /// Parses ConfigMap `data`. Keys that are absent keep their default; values are trimmed;
    /// an empty value of an optional key means "none".
    ///
    /// Every invalid value is reported: one error is returned as is, several as
    /// [`ConfigError::Multiple`] in key order. Checks across keys (`min_instances` against
    /// `max_instances`, …) run only when every value parsed.
    pub fn from_config_map_data(
        data: &BTreeMap<String, String>,
    ) -> Result<LoadedConfig, ConfigError> {
        let mut config = OperatorConfig {
            data_digest: data_digest(data),
            ..OperatorConfig::default()
        };
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for (key, raw) in data {
            match keys::lookup(key) {
                Some(keys::Known::Implemented(field)) => {
                    if let Err(error) = (field.parse)(&mut config, raw.trim()) {
                        errors.push(error.into_error(ValueOrigin::ConfigMap, key, raw.trim()));
                    }
                }
                Some(keys::Known::NotImplemented) => {
                    warnings.push(ConfigWarning::NotImplemented { key: key.clone() });
                }
                None => warnings.push(ConfigWarning::UnknownKey {
                    key: key.clone(),
                    suggestion: keys::closest(key).map(str::to_string),
                }),
            }
        }
        if errors.is_empty() {
            config.check_across_keys(&mut errors, &mut warnings);
        }
        match errors.len() {
            0 => Ok(LoadedConfig { config, warnings }),
            1 => Err(errors.remove(0)),
            _ => Err(ConfigError::Multiple(errors)),
        }
    }

    fn check_across_keys(
        &mut self,
        errors: &mut Vec<ConfigError>,
        warnings: &mut Vec<ConfigWarning>,
    ) {
        if self.min_instances >= 0
            && self.max_instances >= 0
            && self.min_instances > self.max_instances
        {
            errors.push(ConfigError::Inconsistent {
                key: "min_instances".to_string(),
                value: self.min_instances.to_string(),
                problem: format!(
                    "is greater than max_instances {:?}",
                    self.max_instances.to_string()
                ),
            });
        }
        if self.super_username == self.replication_username {
            errors.push(ConfigError::Inconsistent {
                key: "replication_username".to_string(),
                value: self.replication_username.clone(),
                problem: "is also super_username; the two roles must differ".to_string(),
            });
        }
        for other in [&self.super_username, &self.replication_username] {
            if &self.connection_pooler_user == other {
                errors.push(ConfigError::Inconsistent {
                    key: "connection_pooler_user".to_string(),
                    value: self.connection_pooler_user.clone(),
                    problem: format!(
                        "is also {}; the pooler needs a role of its own",
                        if other == &self.super_username {
                            "super_username"
                        } else {
                            "replication_username"
                        }
                    ),
                });
            }
        }
        // As the reference operator: retention is at least twice the rotation interval.
        let minimum = self.password_rotation_interval.saturating_mul(2);
        if self.password_rotation_user_retention < minimum {
            warnings.push(ConfigWarning::Adjusted {
                key: "password_rotation_user_retention".to_string(),
                value: self.password_rotation_user_retention.to_string(),
                adjusted: minimum.to_string(),
                reason: "must be at least twice password_rotation_interval".to_string(),
            });
            self.password_rotation_user_retention = minimum;
        }
    }

    /// Applies the `WATCHED_NAMESPACE` environment variable, read by the caller: `None` (unset)
    /// keeps `watched_namespace`; `*` means all namespaces; `a,b` means those namespaces. An
    /// empty value is an error (the reference would watch the operator's own namespace; pgctl
    /// wants it named).
    pub fn with_watched_namespace_override(
        mut self,
        value: Option<&str>,
    ) -> Result<Self, ConfigError> {
        if let Some(raw) = value {
            let raw = raw.trim();
            self.watched_namespace = codec::Namespaces
                .parse(raw)
                .map_err(|e| e.into_error(ValueOrigin::Environment, WATCHED_NAMESPACE_ENV, raw))?;
        }
        Ok(self)
    }

    /// Renders every implemented key (optional ones as empty strings), so that
    /// `from_config_map_data(&c.to_config_map_data())` gives `c` back.
    pub fn to_config_map_data(&self) -> BTreeMap<String, String> {
        keys::fields()
            .iter()
            .map(|field| (field.key.to_string(), (field.render)(self)))
            .collect()
    }

    /// Name of the Secret with the credentials of `username` in `cluster`, from
    /// `secret_name_template`. The username is lower-cased and each character that a
    /// Kubernetes name cannot hold (anything but `a-z`, `0-9`, `.` and `-`) becomes `-`:
    /// `foo_user` in `acid-x` gives `foo-user.acid-x.credentials.postgresql.acid.zalan.do`.
    pub fn secret_name(&self, username: &str, cluster: &str) -> String {
        let username: String = username
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        codec::expand(
            &self.secret_name_template,
            &[
                ("username", &username),
                ("cluster", cluster),
                ("tprkind", SECRET_TEMPLATE_KIND),
                ("tprgroup", SECRET_TEMPLATE_GROUP),
            ],
        )
    }

    /// Name of the PodDisruptionBudget of `cluster`, from `pdb_name_format`.
    pub fn pdb_name(&self, cluster: &str) -> String {
        codec::expand(&self.pdb_name_format, &[("cluster", cluster)])
    }

    /// DNS name of the master load balancer, from `master_dns_name_format` (lower-cased).
    pub fn master_dns_name(&self, cluster: &str, namespace: &str, team: &str) -> String {
        self.dns_name(&self.master_dns_name_format, cluster, namespace, team)
    }

    /// DNS name of the replica load balancer, from `replica_dns_name_format` (lower-cased).
    pub fn replica_dns_name(&self, cluster: &str, namespace: &str, team: &str) -> String {
        self.dns_name(&self.replica_dns_name_format, cluster, namespace, team)
    }

    /// Legacy DNS name of the master load balancer, from `master_legacy_dns_name_format`. The
    /// reference passes the cluster name without its `<team>-` prefix here.
    pub fn master_legacy_dns_name(&self, cluster: &str, namespace: &str, team: &str) -> String {
        self.dns_name(
            &self.master_legacy_dns_name_format,
            cluster,
            namespace,
            team,
        )
    }

    /// Legacy DNS name of the replica load balancer, from `replica_legacy_dns_name_format`.
    pub fn replica_legacy_dns_name(&self, cluster: &str, namespace: &str, team: &str) -> String {
        self.dns_name(
            &self.replica_legacy_dns_name_format,
            cluster,
            namespace,
            team,
        )
    }

    fn dns_name(&self, template: &str, cluster: &str, namespace: &str, team: &str) -> String {
        codec::expand(
            template,
            &[
                ("cluster", cluster),
                ("namespace", namespace),
                ("team", team),
                ("hostedzone", &self.db_hosted_zone),
            ],
        )
        .to_lowercase()
    }

    /// `requested` instances bounded by `min_instances` and `max_instances` (`-1` = no bound).
    pub fn clamp_instances(&self, requested: i32) -> i32 {
        let mut n = requested;
        if self.max_instances >= 0 && n > self.max_instances {
            n = self.max_instances;
        }
        if self.min_instances >= 0 && n < self.min_instances {
            n = self.min_instances;
        }
        n
    }
}
