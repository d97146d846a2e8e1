//! Typed values of the operator configuration that are more than a string, a number or a flag.

use k8s_openapi::api::core::v1::Toleration as K8sToleration;

/// The namespaces whose `postgresql` resources the operator manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchedNamespaces {
    /// Every namespace (`*`).
    All,
    /// Only these namespaces (never empty, no duplicates, in the order given).
    Some(Vec<String>),
}

impl WatchedNamespaces {
    /// Whether objects in `namespace` are managed.
    pub fn contains(&self, namespace: &str) -> bool {
        match self {
            WatchedNamespaces::All => true,
            WatchedNamespaces::Some(list) => list.iter().any(|n| n == namespace),
        }
    }
}

/// A value of a closed set, spelled in the ConfigMap as in `CHOICES` (matched
/// case-insensitively).
pub(crate) trait ConfigEnum: Sized + Copy + PartialEq + 'static {
    /// What the value is, for error messages.
    const WHAT: &'static str;
    const CHOICES: &'static [(&'static str, Self)];

    fn spelling(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(s, _)| *s)
            .unwrap_or_default()
    }
}

macro_rules! config_enum {
    ($ty:ident, $what:literal, [$($spelling:literal => $variant:ident),+ $(,)?]) => {
        impl ConfigEnum for $ty {
            const WHAT: &'static str = $what;
            const CHOICES: &'static [(&'static str, Self)] = &[$(($spelling, $ty::$variant)),+];
        }

        impl $ty {
            /// The value as written in the ConfigMap.
            pub fn config_value(self) -> &'static str {
                self.spelling()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.spelling())
            }
        }
    };
}

/// StatefulSet pod management policy (`pod_management_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PodManagementPolicy {
    #[default]
    OrderedReady,
    Parallel,
}
config_enum!(PodManagementPolicy, "pod management policy", [
    "ordered_ready" => OrderedReady,
    "parallel" => Parallel,
]);

impl PodManagementPolicy {
    /// The StatefulSet `spec.podManagementPolicy` value.
    pub fn as_k8s_str(self) -> &'static str {
        match self {
            PodManagementPolicy::OrderedReady => "OrderedReady",
            PodManagementPolicy::Parallel => "Parallel",
        }
    }
}

/// How a change of `spec.volume.size` is carried out (`storage_resize_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StorageResizeMode {
    /// Patch the PersistentVolumeClaims and let the storage driver expand the volumes.
    #[default]
    Pvc,
    /// Resize the AWS EBS volumes directly.
    Ebs,
    /// Resize EBS volumes and patch the claims.
    Mixed,
    /// Never resize volumes.
    Off,
}
config_enum!(StorageResizeMode, "storage resize mode", [
    "pvc" => Pvc,
    "ebs" => Ebs,
    "mixed" => Mixed,
    "off" => Off,
]);

/// Service `spec.externalTrafficPolicy` of load balancers (`external_traffic_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExternalTrafficPolicy {
    #[default]
    Cluster,
    Local,
}
config_enum!(ExternalTrafficPolicy, "external traffic policy", [
    "Cluster" => Cluster,
    "Local" => Local,
]);

impl ExternalTrafficPolicy {
    /// The Service `spec.externalTrafficPolicy` value.
    pub fn as_k8s_str(self) -> &'static str {
        self.spelling()
    }
}

/// Where the logical backup Job uploads its dump (`logical_backup_provider`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogicalBackupProvider {
    /// An S3 bucket (`logical_backup_s3_*`).
    #[default]
    S3,
    /// A Google Cloud Storage bucket (`logical_backup_google_application_credentials`).
    Gcs,
    /// An Azure storage container (`logical_backup_azure_*`).
    Az,
}
config_enum!(LogicalBackupProvider, "logical backup provider", [
    "s3" => S3,
    "gcs" => Gcs,
    "az" => Az,
]);

/// PgBouncer's `pool_mode` (`connection_pooler_mode`, `spec.connectionPooler.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PoolerMode {
    /// A server connection per transaction.
    #[default]
    Transaction,
    /// A server connection per client session.
    Session,
}
config_enum!(PoolerMode, "pooler mode", [
    "transaction" => Transaction,
    "session" => Session,
]);

impl PoolerMode {
    pub fn as_str(self) -> &'static str {
        self.spelling()
    }
}

/// How a raised major version is handled (`major_version_upgrade_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MajorUpgradeMode {
    /// Never upgraded in place: a raised `spec.postgresql.version` only gets a warning.
    Off,
    /// Upgraded in place when `spec.postgresql.version` is raised.
    #[default]
    Manual,
    /// As `manual`, and clusters below `minimal_major_version` go to `target_major_version`.
    Full,
}
config_enum!(MajorUpgradeMode, "major version upgrade mode", [
    "off" => Off,
    "manual" => Manual,
    "full" => Full,
]);

/// How `node_readiness_label` combines with node affinity from the manifest
/// (`node_readiness_label_merge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeReadinessLabelMerge {
    /// A separate node selector term: either the manifest's terms or the readiness labels.
    #[default]
    Or,
    /// The readiness labels are added to every node selector term of the manifest.
    And,
}
config_enum!(NodeReadinessLabelMerge, "node readiness label merge mode", [
    "OR" => Or,
    "AND" => And,
]);

/// What happens to the PersistentVolumeClaims of a StatefulSet in one situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PvcRetention {
    #[default]
    Retain,
    Delete,
}
config_enum!(PvcRetention, "retention", [
    "retain" => Retain,
    "delete" => Delete,
]);

impl PvcRetention {
    /// The StatefulSet `persistentVolumeClaimRetentionPolicy` value.
    pub fn as_k8s_str(self) -> &'static str {
        match self {
            PvcRetention::Retain => "Retain",
            PvcRetention::Delete => "Delete",
        }
    }
}

/// StatefulSet `persistentVolumeClaimRetentionPolicy`
/// (`persistent_volume_claim_retention_policy: when_deleted:retain,when_scaled:retain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PvcRetentionPolicy {
    /// When the StatefulSet is deleted.
    pub when_deleted: PvcRetention,
    /// When the StatefulSet is scaled down.
    pub when_scaled: PvcRetention,
}

/// The toleration added to every Postgres pod (`toleration:
/// key:db-only,operator:Exists,effect:NoSchedule`). Absent fields are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Toleration {
    pub key: Option<String>,
    /// `Exists` or `Equal`.
    pub operator: Option<String>,
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: Option<String>,
}

impl Toleration {
    /// The Kubernetes toleration.
    pub fn to_k8s(&self) -> K8sToleration {
        K8sToleration {
            key: self.key.clone(),
            operator: self.operator.clone(),
            value: self.value.clone(),
            effect: self.effect.clone(),
            toleration_seconds: None,
        }
    }
}

/// `infrastructure_roles_secrets`: the Secret that holds infrastructure roles, and its keys
/// (the reference's ConfigMap syntax, one definition:
/// `secretname:monitoring-roles,userkey:user,passwordkey:password,rolekey:inrole`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfrastructureRolesSecret {
    /// `namespace/name` of the Secret; a bare name is in namespace `default`, as the reference
    /// reads this key.
    pub secret: String,
    /// Key of the role's name (else `default_user`).
    pub user_key: String,
    /// Key of the role's password.
    pub password_key: String,
    /// Key of the group role the role becomes a member of (else `default_role`).
    pub role_key: String,
    /// The role's name when the Secret has no `user_key`.
    pub default_user: String,
    /// The group role when the Secret has no `role_key`.
    pub default_role: String,
}

impl InfrastructureRolesSecret {
    /// The Secret's namespace and name.
    pub fn namespace_and_name(&self) -> (&str, &str) {
        self.secret
            .split_once('/')
            .unwrap_or(("default", &self.secret))
    }
}
