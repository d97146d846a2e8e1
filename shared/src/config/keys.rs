//! The registry of every known key: the implemented ones (with their codec, section and
//! meaning) and the reference keys that pgctl accepts without effect.

use std::marker::PhantomData;
use std::sync::LazyLock;

use super::OperatorConfig;
use super::codec::{
    Bool, Capabilities, Choice, Codec, Definition, Dur, Images, InfraRoles, Int, List, Map, Name,
    NameRule, Namespaces, Opt, Patterns, Quantity, Required, Retention, Template, Text,
    TolerationCodec, Windows,
};
use super::error::Invalid;

/// How one implemented key is read into and written from [`OperatorConfig`].
pub(crate) struct Field {
    pub key: &'static str,
    pub section: &'static str,
    pub doc: &'static str,
    pub parse: fn(&mut OperatorConfig, &str) -> Result<(), Invalid>,
    pub render: fn(&OperatorConfig) -> String,
}

const fn choice<T>() -> Choice<T> {
    Choice(PhantomData)
}

const SECRET_NAME: Template = Template {
    what: "name template",
    placeholders: &[
        ("username", "user"),
        ("cluster", "cluster"),
        ("tprkind", super::SECRET_TEMPLATE_KIND),
        ("tprgroup", super::SECRET_TEMPLATE_GROUP),
    ],
    required: &["username", "cluster"],
    object_name: true,
};

const PDB_NAME: Template = Template {
    what: "name template",
    placeholders: &[("cluster", "cluster")],
    required: &["cluster"],
    object_name: true,
};

const DNS_NAME: Template = Template {
    what: "DNS name template",
    placeholders: &[
        ("cluster", "cluster"),
        ("namespace", "default"),
        ("team", "acid"),
        ("hostedzone", "db.example.com"),
    ],
    required: &["cluster"],
    object_name: false,
};

const POSITIVE: Dur = Dur { allow_zero: false };

/// Declares the implemented keys; each field of [`OperatorConfig`] is named after its key.
macro_rules! registry {
    ($( $section:literal { $( $field:ident : $codec:expr => $doc:literal ; )* } )*) => {
        static FIELDS: &[Field] = &[ $( $( Field {
            key: stringify!($field),
            section: $section,
            doc: $doc,
            parse: |config, raw| {
                config.$field = Codec::parse(&$codec, raw)?;
                Ok(())
            },
            render: |config| Codec::render(&$codec, &config.$field),
        }, )* )* ];
    };
}

registry! {
    "General" {
        docker_image: Required {
            what: "image",
            expected: r#"a container image such as "ghcr.io/zalando/spilo-18:4.1-p2""#,
        } => "Spilo image of the Postgres pods.";
        workers: Int::<u32> { min: 1 } => "Number of clusters reconciled concurrently.";
        resync_period: POSITIVE => "Period of the full resync of every cluster.";
        repair_period: POSITIVE => "Period of the retry of clusters whose last sync failed.";
        watched_namespace: Namespaces => "Namespaces whose `postgresql` resources are managed: `*` for all, or a comma-separated list. The `WATCHED_NAMESPACE` environment variable overrides it.";
        enable_crd_registration: Bool => "Whether the operator creates or updates the `postgresql` CRD at startup.";
        crd_categories: List(NameRule::Category) => "Categories of the registered CRD (as in `kubectl get all`).";
        enable_lazy_spilo_upgrade: Bool => "Whether a new Spilo image is only written to the StatefulSet and waits for the next pod restart instead of a rolling update.";
        enable_shm_volume: Bool => "Whether pods get a memory-backed `/dev/shm`; a cluster can override it with `enableShmVolume`.";
        enable_pgversion_env_var: Bool => "Whether Spilo gets the major version in `PGVERSION` (otherwise in `SPILO_CONFIGURATION`).";
        enable_spilo_wal_path_compat: Bool => "Whether Spilo keeps the WAL archive path of old Spilo images (`ENABLE_WAL_PATH_COMPAT`).";
        enable_patroni_failsafe_mode: Bool => "Patroni's `failsafe_mode` written into the bootstrap DCS configuration of new clusters (`spec.patroni.failsafe_mode` overrides it): the master keeps running while the Kubernetes API is unreachable if every member confirms it.";
        etcd_host: Text => "`host:port` of etcd for Patroni; empty means Kubernetes is the DCS.";
        kubernetes_use_configmaps: Bool => "Whether Patroni keeps its leader lock in ConfigMaps instead of Endpoints.";
        min_instances: Int::<i32> { min: -1 } => "Lower bound of `numberOfInstances`; `-1` means no bound.";
        max_instances: Int::<i32> { min: -1 } => "Upper bound of `numberOfInstances`; `-1` means no bound.";
        set_memory_request_to_limit: Bool => "Whether memory requests are raised to the memory limits.";
        enable_database_access: Bool => "Whether the operator connects to Postgres to create roles and databases.";
        enable_team_id_clustername_prefix: Bool => "Whether cluster names must start with the team id and a dash.";
    }
    "Users and passwords" {
        super_username: Name(NameRule::RoleName) => "Superuser created by Spilo; its credentials Secret is managed by the operator.";
        replication_username: Name(NameRule::RoleName) => "Replication user created by Spilo; must differ from `super_username`.";
        protected_role_names: List(NameRule::RoleName) => "Roles that a manifest may not define.";
        enable_password_rotation: Bool => "Whether the passwords of manifest users are rotated.";
        password_rotation_interval: Int::<u32> { min: 1 } => "Days between password rotations.";
        password_rotation_user_retention: Int::<u32> { min: 0 } => "Days after which the users created by rotation are dropped; raised to twice `password_rotation_interval` (with a warning) when lower.";
        infrastructure_roles_secret_name: Opt(Name(NameRule::NamespacedName)) => "Secret (`name` in the operator's namespace, or `namespace/name`) of infrastructure roles in the reference's legacy layout: `user1`, `password1`, `inrole1`, `user2`, …; created in every cluster (see docs/roles.md).";
        infrastructure_roles_secrets: InfraRoles => "One Secret of infrastructure roles and its keys, e.g. `secretname:monitoring-roles,userkey:user,passwordkey:password,rolekey:inrole` (a bare Secret name is in namespace `default`, as in the reference).";
        additional_owner_roles: List(NameRule::RoleName) => "Existing roles every database owner becomes a member of (e.g. `cron_admin`); a role missing on the server is left out.";
        pam_role_name: Text => "Role whose members Spilo lets in through PAM (`HUMAN_ROLE`); the role itself comes from the Teams API, which pgctl does not implement.";
        pam_configuration: Text => "Spilo's PAM OAuth2 configuration (`PAM_OAUTH2`): the token info URL and its options.";
        enable_cross_namespace_secret: Bool => "Whether a user named `namespace.user` gets its credentials Secret in namespace `namespace` (the role keeps the full name); with `enable_secrets_deletion` the controller deletes those Secrets when the cluster is deleted.";
    }
    "Kubernetes objects" {
        cluster_domain: Required {
            what: "domain",
            expected: r#"a DNS domain such as "cluster.local""#,
        } => "DNS domain of the Kubernetes cluster, used to reach the Postgres services.";
        cluster_labels: Map { labels: true } => "Labels set on every object of a cluster (`key:value,key2:value2`).";
        cluster_name_label: Name(NameRule::LabelKey) => "Label whose value is the cluster name.";
        pod_role_label: Name(NameRule::LabelKey) => "Label whose value is the role of a pod (`master` or `replica`).";
        inherited_labels: List(NameRule::LabelKey) => "Labels copied from the `postgresql` resource to its children.";
        inherited_annotations: List(NameRule::AnnotationKey) => "Annotations copied from the `postgresql` resource to its children.";
        custom_pod_annotations: Map { labels: false } => "Annotations set on every Postgres pod (`key:value,key2:value2`).";
        delete_annotation_date_key: Opt(Name(NameRule::AnnotationKey)) => "Annotation that must hold today's date (`YYYY-MM-DD`) before a cluster may be deleted; empty disables the check.";
        delete_annotation_name_key: Opt(Name(NameRule::AnnotationKey)) => "Annotation that must hold the cluster name before a cluster may be deleted; empty disables the check.";
        enable_finalizers: Bool => "Whether each `postgresql` carries the reference's finalizer `postgres-operator.acid.zalan.do`: on deletion the controller deletes the cluster's objects, then removes it. When off, the controller removes that finalizer from live clusters (one adopted from the reference can still be deleted).";
        enable_owner_references: Bool => "Whether children carry an owner reference to their `postgresql`, so that the garbage collector deletes them (pgctl default: `true`).";
        enable_secrets_deletion: Bool => "Whether the user Secrets are deleted with the cluster.";
        enable_persistent_volume_claim_deletion: Bool => "Whether the PersistentVolumeClaims are deleted with the cluster.";
        persistent_volume_claim_retention_policy: Retention => "StatefulSet `persistentVolumeClaimRetentionPolicy`: `when_deleted:retain|delete,when_scaled:retain|delete`.";
        storage_resize_mode: choice::<super::StorageResizeMode>() => "How volume size changes are carried out: `pvc`, `ebs`, `mixed` or `off`.";
        secret_name_template: SECRET_NAME => "Name of user Secrets, from `{username}`, `{cluster}`, `{tprkind}` (`postgresql`) and `{tprgroup}` (`acid.zalan.do`).";
        pod_service_account_name: Name(NameRule::ResourceName) => "ServiceAccount of the Postgres pods.";
        pod_service_account_definition: Definition { kind: "ServiceAccount" } => "The pods' ServiceAccount in YAML or JSON (e.g. with `imagePullSecrets`); its name is always `pod_service_account_name`. Empty: a bare ServiceAccount.";
        pod_service_account_role_binding_definition: Definition { kind: "RoleBinding" } => "The RoleBinding of the pods' ServiceAccount in YAML or JSON; subjects without a namespace get the cluster's. Empty: a binding named like the ServiceAccount to the ClusterRole of that name.";
        pod_management_policy: choice::<super::PodManagementPolicy>() => "StatefulSet pod management policy: `ordered_ready` or `parallel`.";
        pod_terminate_grace_period: Dur { allow_zero: true } => "Grace period of a Postgres pod before it is killed.";
        pod_priority_class_name: Opt(Name(NameRule::ResourceName)) => "PriorityClass of the Postgres pods; empty for none.";
        pod_environment_configmap: Opt(Name(NameRule::NamespacedName)) => "ConfigMap (`name` or `namespace/name`) whose entries become environment variables of the Postgres pods.";
        pod_environment_secret: Opt(Name(NameRule::ResourceName)) => "Secret whose entries become environment variables of the Postgres pods.";
        spilo_privileged: Bool => "Whether the Spilo container runs privileged.";
        spilo_allow_privilege_escalation: Bool => "`allowPrivilegeEscalation` of the Spilo container.";
        spilo_runasuser: Opt(Int::<i64> { min: 0 }) => "`runAsUser` of the Postgres pods; empty for the image default.";
        spilo_runasgroup: Opt(Int::<i64> { min: 0 }) => "`runAsGroup` of the Postgres pods; empty for the image default.";
        spilo_fsgroup: Opt(Int::<i64> { min: 0 }) => "`fsGroup` of the Postgres pods; empty for none.";
        enable_readiness_probe: Bool => "Whether the Spilo container gets a readiness probe.";
        additional_secret_mount: Opt(Name(NameRule::SecretVolume)) => "Secret (cloud credentials) mounted into every container of the Postgres and logical backup pods, at `additional_secret_mount_path`; empty: none.";
        additional_secret_mount_path: Required { what: "path", expected: r#"an absolute path such as "/meta/credentials""# } => "Where `additional_secret_mount` is mounted.";
        kube_iam_role: Text => "AWS IAM role in the `iam.amazonaws.com/role` annotation of the Postgres and logical backup pods (kube2iam); empty: none.";
        additional_pod_capabilities: Capabilities => "Linux capabilities added to the Spilo container (`securityContext.capabilities.add`), e.g. `SYS_NICE`.";
        downscaler_annotations: Patterns => "Regular expressions (matched anywhere in the key, e.g. `downscaler/*`) of the `postgresql` resource's annotations copied to its StatefulSet and pooler Deployments.";
        ignore_instance_limits_annotation_key: Opt(Name(NameRule::AnnotationKey)) => "Annotation that, set to `true` on a `postgresql`, lifts `min_instances`/`max_instances` (and the one-instance rule of standbys) for that cluster; empty: none.";
        ignore_resources_limits_annotation_key: Opt(Name(NameRule::AnnotationKey)) => "Annotation that, set to `true` on a `postgresql`, lifts `min_cpu_limit`/`min_memory_limit` and `max_cpu_request`/`max_memory_request` for that cluster; empty: none.";
        enable_sidecars: Bool => "Whether a manifest may have `sidecars`; when off, such a manifest is invalid. The global `sidecar_docker_images` are always added.";
        sidecar_docker_images: Images => "Sidecars of every Postgres pod, `name:image,…`, after the manifest's (a manifest sidecar of the same name wins).";
        share_pgsocket_with_sidecars: Bool => "Whether the Spilo container and the sidecars share `/var/run/postgresql` (memory-backed), so sidecars reach Postgres by its Unix socket.";
        enable_init_containers: Bool => "Whether a manifest may have `initContainers`; when off, such a manifest is invalid.";
    }
    "Pod scheduling" {
        toleration: Opt(TolerationCodec) => "Toleration of every Postgres pod, e.g. `key:db-only,operator:Exists,effect:NoSchedule`; a manifest's tolerations replace it.";
        node_readiness_label: Map { labels: true } => "Labels a node must have to run Postgres pods (node affinity), e.g. `status:ready`.";
        node_readiness_label_merge: choice::<super::NodeReadinessLabelMerge>() => "How `node_readiness_label` combines with the manifest's node affinity: `OR` or `AND`.";
        enable_pod_antiaffinity: Bool => "Whether the pods of a cluster avoid each other's topology domain.";
        pod_antiaffinity_topology_key: Name(NameRule::LabelKey) => "Topology key of the pod anti-affinity.";
        pod_antiaffinity_preferred_during_scheduling: Bool => "Whether the anti-affinity is only preferred instead of required.";
        enable_pod_disruption_budget: Bool => "Whether a PodDisruptionBudget protects each cluster.";
        pdb_name_format: PDB_NAME => "Name of the PodDisruptionBudget, from `{cluster}`.";
        pdb_master_label_selector: Bool => "Whether the PodDisruptionBudget selects only the master pod.";
        master_pod_move_timeout: POSITIVE => "Time allowed to move master pods off a node being drained.";
    }
    "Resources" {
        default_cpu_request: Opt(Quantity) => "CPU request of the Postgres container when the manifest sets none.";
        default_cpu_limit: Opt(Quantity) => "CPU limit of the Postgres container when the manifest sets none.";
        default_memory_request: Opt(Quantity) => "Memory request of the Postgres container when the manifest sets none.";
        default_memory_limit: Opt(Quantity) => "Memory limit of the Postgres container when the manifest sets none.";
        min_cpu_limit: Opt(Quantity) => "Smallest CPU limit; lower limits are raised to it.";
        min_memory_limit: Opt(Quantity) => "Smallest memory limit; lower limits are raised to it.";
        max_cpu_request: Opt(Quantity) => "Largest CPU request; higher requests are lowered to it. Empty for no bound.";
        max_memory_request: Opt(Quantity) => "Largest memory request; higher requests are lowered to it. Empty for no bound.";
    }
    "Timeouts" {
        patroni_api_check_interval: POSITIVE => "Interval between calls to the Patroni REST API while waiting.";
        patroni_api_check_timeout: POSITIVE => "Time allowed for the Patroni REST API to answer.";
        pod_label_wait_timeout: POSITIVE => "Time allowed for Patroni to label a pod with its role.";
        pod_deletion_wait_timeout: POSITIVE => "Time allowed for a pod to be deleted.";
        ready_wait_interval: POSITIVE => "Interval between checks that the CRD is established.";
        ready_wait_timeout: POSITIVE => "Time allowed for the CRD to be established.";
        resource_check_interval: POSITIVE => "Interval between checks that an object exists.";
        resource_check_timeout: POSITIVE => "Time allowed for an object to exist.";
    }
    "Connection pooler" {
        connection_pooler_image: Required {
            what: "image",
            expected: r#"a container image such as "ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1""#,
        } => "PgBouncer image of the pooler pods when the manifest names none.";
        connection_pooler_mode: choice::<super::PoolerMode>() => "PgBouncer's `pool_mode`: `transaction` or `session`.";
        connection_pooler_number_of_instances: Int::<i32> { min: 1 } => "Pods of each pooler Deployment when the manifest sets none.";
        connection_pooler_max_db_connections: Int::<i32> { min: 1 } => "Server connections per database of all pods of a pooler together (each pod gets its share).";
        connection_pooler_schema: Name(NameRule::RoleName) => "Schema of the `user_lookup` function PgBouncer's `auth_query` calls, in each database.";
        connection_pooler_user: Name(NameRule::RoleName) => "Role of the pooler (login, credentials Secret `pooler.NAME…`); must differ from `super_username`.";
        connection_pooler_default_cpu_request: Opt(Quantity) => "CPU request of a pooler pod when the manifest sets none.";
        connection_pooler_default_memory_request: Opt(Quantity) => "Memory request of a pooler pod when the manifest sets none.";
        connection_pooler_default_cpu_limit: Opt(Quantity) => "CPU limit of a pooler pod when the manifest sets none.";
        connection_pooler_default_memory_limit: Opt(Quantity) => "Memory limit of a pooler pod when the manifest sets none.";
    }
    "Major version upgrades" {
        major_version_upgrade_mode: choice::<super::MajorUpgradeMode>() => "`off`: a raised `spec.postgresql.version` is not acted on (condition `MajorUpgrade` says so); `manual`: it is upgraded in place with `pg_upgrade`; `full`: also clusters below `minimal_major_version` are upgraded to `target_major_version`.";
        major_version_upgrade_team_allow_list: List(NameRule::RoleName) => "Teams (`spec.teamId`) whose clusters are upgraded in place; empty: every team.";
        enable_maintenance_windows: Bool => "Whether maintenance windows hold back major version upgrades and the move of a master off a drained node; off: always open.";
        maintenance_windows: Windows => "Maintenance windows (UTC) of the clusters without `spec.maintenanceWindows`, e.g. `Sat:22:00-23:59,Sun:00:00-01:00`; empty: always open.";
        minimal_major_version: Int::<u32> { min: 9 } => "In mode `full`, clusters on a lower major are upgraded to `target_major_version`.";
        target_major_version: Int::<u32> { min: 9 } => "The major version clusters below `minimal_major_version` are upgraded to in mode `full`.";
    }
    "Backups and WAL archiving" {
        wal_s3_bucket: Text => "S3 bucket Spilo archives WAL and base backups to (`WAL_S3_BUCKET`, under `spilo/{cluster}/{uid}/wal/{major}`); endpoint and credentials come through `pod_environment_configmap`/`pod_environment_secret` or `spec.env`. Empty: no archiving.";
        wal_gs_bucket: Text => "Google Cloud Storage bucket of the WAL archive (`WAL_GS_BUCKET`); not tested here.";
        wal_az_storage_account: Text => "Azure storage account of the WAL archive (`AZURE_STORAGE_ACCOUNT`); not tested here.";
        gcp_credentials: Text => "Path of the Google credentials file in the pods (`GOOGLE_APPLICATION_CREDENTIALS`).";
        log_s3_bucket: Text => "S3 bucket Spilo ships PostgreSQL's CSV logs to (`LOG_S3_BUCKET`); not done by the local data plane.";
    }
    "Logical backups" {
        logical_backup_docker_image: Required {
            what: "image",
            expected: r#"a container image such as "ghcr.io/zalando/postgres-operator/logical-backup:v2.0.1""#,
        } => "Image of the logical backup Job (`pg_dumpall` of a replica, compressed, uploaded).";
        logical_backup_job_prefix: Text => "Prefix of the CronJob's name: `{prefix}{cluster}`, cut to 52 characters.";
        logical_backup_provider: choice::<super::LogicalBackupProvider>() => "Where the dumps go: `s3`, `gcs` (not tested here) or `az` (not tested here).";
        logical_backup_schedule: Text => "Cron schedule (UTC) of the clusters without `spec.logicalBackupSchedule`.";
        logical_backup_s3_bucket: Text => "S3 bucket of the dumps, under `{prefix}/{cluster}/{uid}/logical_backups/`.";
        logical_backup_s3_bucket_prefix: Text => "First path component of the dumps in the bucket.";
        logical_backup_s3_endpoint: Text => "S3 endpoint URL; empty: AWS.";
        logical_backup_s3_region: Text => "S3 region.";
        logical_backup_s3_sse: Text => "Server-side encryption of the uploads (`AES256`); empty: none.";
        logical_backup_s3_retention_time: Text => "Age past which the Job deletes dumps (`date -d` syntax such as `1 week`; `spec.logicalBackupRetention` overrides it); empty: keep them all.";
        logical_backup_s3_access_key_id: Text => "`AWS_ACCESS_KEY_ID` of the Job, written into the CronJob as the reference does; prefer `logical_backup_cronjob_environment_secret`.";
        logical_backup_s3_secret_access_key: Text => "`AWS_SECRET_ACCESS_KEY` of the Job, written into the CronJob as the reference does; prefer `logical_backup_cronjob_environment_secret`.";
        logical_backup_google_application_credentials: Text => "Path of the Google credentials file of the Job (provider `gcs`).";
        logical_backup_azure_storage_account_name: Text => "Azure storage account of the dumps (provider `az`).";
        logical_backup_azure_storage_container: Text => "Azure storage container of the dumps (provider `az`).";
        logical_backup_azure_storage_account_key: Text => "Azure storage key of the Job (provider `az`), written into the CronJob as the reference does.";
        logical_backup_cpu_request: Opt(Quantity) => "CPU request of the Job's container; else `default_cpu_request`.";
        logical_backup_cpu_limit: Opt(Quantity) => "CPU limit of the Job's container; else `default_cpu_limit`.";
        logical_backup_memory_request: Opt(Quantity) => "Memory request of the Job's container; else `default_memory_request`.";
        logical_backup_memory_limit: Opt(Quantity) => "Memory limit of the Job's container; else `default_memory_limit`.";
        logical_backup_cronjob_environment_secret: Opt(Name(NameRule::ResourceName)) => "Secret (in the cluster's namespace) whose entries become environment variables of the Job: the place for its bucket credentials.";
    }
    "Load balancers and DNS" {
        custom_service_annotations: Map { labels: false } => "Annotations set on every Service of a cluster.";
        db_hosted_zone: Text => "DNS zone of the load balancer names (`{hostedzone}`).";
        enable_master_load_balancer: Bool => "Whether the master Service is a LoadBalancer; a cluster can override it.";
        enable_replica_load_balancer: Bool => "Whether the replica Service is a LoadBalancer; a cluster can override it.";
        enable_master_pooler_load_balancer: Bool => "Whether the master pooler's Service is a LoadBalancer; a cluster can override it.";
        enable_replica_pooler_load_balancer: Bool => "Whether the replica pooler's Service is a LoadBalancer; a cluster can override it.";
        external_traffic_policy: choice::<super::ExternalTrafficPolicy>() => "`externalTrafficPolicy` of LoadBalancer Services: `Cluster` or `Local`.";
        master_dns_name_format: DNS_NAME => "DNS name of the master load balancer, from `{cluster}`, `{namespace}`, `{team}` and `{hostedzone}`.";
        replica_dns_name_format: DNS_NAME => "DNS name of the replica load balancer, with the same placeholders.";
        master_legacy_dns_name_format: DNS_NAME => "Additional, legacy DNS name of the master load balancer of clusters named `<team>-<name>`.";
        replica_legacy_dns_name_format: DNS_NAME => "Additional, legacy DNS name of the replica load balancer of clusters named `<team>-<name>`.";
    }
}

/// Reference keys pgctl accepts without effect, by area.
static NOT_IMPLEMENTED: &[(&str, &str, &[&str])] = &[
    (
        "Teams API, PAM and team roles",
        "They serve the reference's own company; the env the reference derives from them, `HUMAN_ROLE` and `PAM_OAUTH2`, is set from `pam_role_name` and `pam_configuration`.",
        &[
            "enable_admin_role_for_users",
            "enable_postgres_team_crd",
            "enable_postgres_team_crd_superusers",
            "enable_team_member_deprecation",
            "enable_team_superuser",
            "enable_teams_api",
            "oauth_token_secret_name",
            "postgres_superuser_teams",
            "role_deletion_suffix",
            "team_admin_role",
            "team_api_role_configuration",
            "teams_api_url",
        ],
    ),
    (
        "Cloud credentials",
        "The reference uses `aws_region` only for its own EC2 calls (EBS resizing through the EC2 API, which pgctl does not do); `irsa_role_arn` is in no released reference configuration (give the ServiceAccount its `eks.amazonaws.com/role-arn` annotation through `pod_service_account_definition`).",
        &["aws_region", "irsa_role_arn"],
    ),
    (
        "REST API and logging of the reference operator",
        "They configure the reference operator's own REST API, in-memory log and log level; pgctl's controller has `--metrics-addr` and `RUST_LOG`.",
        &[
            "api_port",
            "cluster_history_entries",
            "debug_logging",
            "ring_log_lines",
        ],
    ),
    (
        "Annotations others write",
        "Not needed: pgctl applies its objects server-side and compares only the fields it owns, so annotations other controllers write never cause an update or a rolling update.",
        &["ignored_annotations"],
    ),
];

/// What the registry says about one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    pub key: &'static str,
    /// Whether the key has an effect in pgctl.
    pub implemented: bool,
    /// The section of `docs/config.md` (implemented keys) or the area (other keys).
    pub section: &'static str,
    /// The meaning of an implemented key; empty for the others.
    pub doc: &'static str,
}

impl KeyInfo {
    /// What the registry says about `key`, if it is known.
    pub fn of(key: &str) -> Option<KeyInfo> {
        if let Some(field) = FIELDS.iter().find(|f| f.key == key) {
            return Some(KeyInfo {
                key: field.key,
                implemented: true,
                section: field.section,
                doc: field.doc,
            });
        }
        NOT_IMPLEMENTED.iter().find_map(|(area, _, keys)| {
            keys.iter().find(|k| **k == key).map(|k| KeyInfo {
                key: k,
                implemented: false,
                section: area,
                doc: "",
            })
        })
    }
}

pub(crate) enum Known {
    Implemented(&'static Field),
    NotImplemented,
}

pub(crate) fn fields() -> &'static [Field] {
    FIELDS
}

pub(crate) fn lookup(key: &str) -> Option<Known> {
    if let Some(field) = FIELDS.iter().find(|f| f.key == key) {
        return Some(Known::Implemented(field));
    }
    NOT_IMPLEMENTED
        .iter()
        .any(|(_, _, keys)| keys.contains(&key))
        .then_some(Known::NotImplemented)
}

static IMPLEMENTED_KEYS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| FIELDS.iter().map(|f| f.key).collect());

static NOT_IMPLEMENTED_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys: Vec<&'static str> = NOT_IMPLEMENTED
        .iter()
        .flat_map(|(_, _, keys)| keys.iter().copied())
        .collect();
    keys.sort_unstable();
    keys
});

static ALL_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys: Vec<&'static str> = IMPLEMENTED_KEYS
        .iter()
        .chain(NOT_IMPLEMENTED_KEYS.iter())
        .copied()
        .collect();
    keys.sort_unstable();
    keys
});

/// Every key pgctl knows, implemented or not, sorted.
pub fn reference_keys() -> &'static [&'static str] {
    &ALL_KEYS
}

/// The keys with an effect, in the order of `docs/config.md`.
pub fn implemented_keys() -> &'static [&'static str] {
    &IMPLEMENTED_KEYS
}

/// The reference keys accepted without effect (each produces a warning), sorted.
pub fn not_implemented_keys() -> &'static [&'static str] {
    &NOT_IMPLEMENTED_KEYS
}

/// The known key closest to an unknown one, when it is close enough to be a typo.
pub(crate) fn closest(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    let limit = (key.chars().count() / 4).clamp(1, 3);
    ALL_KEYS
        .iter()
        .map(|known| (levenshtein(&key, known), *known))
        .min()
        .filter(|(distance, _)| *distance <= limit)
        .map(|(_, known)| known)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Escapes `|`, which would end a Markdown table cell even inside a code span.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The key tables of `docs/config.md`: one table per section of implemented keys (key,
/// default, meaning), then the accepted but not implemented keys by area.
pub fn key_docs_markdown() -> String {
    let defaults = OperatorConfig::default();
    let mut out = String::new();
    let mut section = "";
    for field in FIELDS {
        if field.section != section {
            section = field.section;
            out.push_str(&format!(
                "\n#### {section}\n\n| Key | Default | Meaning |\n| --- | --- | --- |\n"
            ));
        }
        let default = (field.render)(&defaults);
        let default = if default.is_empty() {
            "*(empty)*".to_string()
        } else {
            format!("`{}`", table_cell(&default))
        };
        out.push_str(&format!(
            "| `{}` | {default} | {} |\n",
            field.key,
            table_cell(field.doc)
        ));
    }
    out.push_str(
        "\n#### Accepted but not implemented\n\n| Area | Keys | Why |\n| --- | --- | --- |\n",
    );
    for (area, why, keys) in NOT_IMPLEMENTED {
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!(
            "| {area} | {} | {} |\n",
            keys.join(", "),
            table_cell(why)
        ));
    }
    out.trim_start().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_disjoint() {
        let mut all: Vec<&str> = implemented_keys()
            .iter()
            .chain(not_implemented_keys())
            .copied()
            .collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "a key is listed twice");
    }

    #[test]
    fn distance() {
        assert_eq!(levenshtein("resync_perod", "resync_period"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
