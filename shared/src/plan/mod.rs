//! The plan of one cluster's Kubernetes objects: from the resource, the operator configuration
//! and what is observed live, the ordered list of typed actions the controller executes and
//! `pgctl plan` shows. Nothing else decides what is written to the Kubernetes objects of a
//! cluster.
//!
//! - **Apply** an object (server-side apply under [`CONTROLLER_FIELD_MANAGER`]). The decision
//!   "unchanged, skip" compares the desired object with the one last applied, by a hash kept in
//!   [`APPLIED_HASH_ANNOTATION`], and with the live values (drift by others is repaired). An
//!   entry removed from the manifest changes the hash, so the object is applied and server-side
//!   apply prunes the removed fields. An unchanged cluster costs no write.
//! - **Create if absent**: the master Endpoints of Patroni (Patroni owns them afterwards) and
//!   the credential Secrets (a fresh password, never regenerated).
//! - **Delete** an object the plan no longer contains: only of the kinds in
//!   [`Kind::prunable`], carrying the cluster's labels and applied by the controller's field
//!   manager. Never Patroni's objects (Endpoints, ConfigMaps), never claims, never Secrets.
//! - **Flag** pods that run an older template (the rolling update replaces them), and **resize**
//!   data volume claims (`storage_resize_mode: pvc`).
//!
//! Features (a pooler, backups …) add their objects to [`crate::build::DesiredObjects`] and, if
//! they come and go, their kind to [`Kind::prunable`]; this module then creates, updates and
//! deletes them.

pub mod fields;

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{
    Endpoints, PersistentVolumeClaim, Pod, PodTemplateSpec, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::RoleBinding;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::build::secret::RequiredSecret;
use crate::build::{self, BuildError, DesiredObjects};
use crate::config::{OperatorConfig, StorageResizeMode};
use crate::crd::{PostgresSpec, Postgresql};
use crate::naming::ROLLING_UPDATE_FLAG;
use crate::{diff, quantity, rollout};

/// The field manager of everything the controller writes.
pub const CONTROLLER_FIELD_MANAGER: &str = "pgctl-controller";

/// Annotation of every applied object: the hash of the object as the controller last applied
/// it ([`applied_hash`]). A desired object with another hash is applied again, which is how a
/// removed entry gets removed.
pub const APPLIED_HASH_ANNOTATION: &str = "pgctl.acid.zalan.do/applied-hash";

/// The kinds of object the plan writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    ServiceAccount,
    RoleBinding,
    Secret,
    Service,
    Endpoints,
    PodDisruptionBudget,
    StatefulSet,
    Deployment,
    CronJob,
    Pod,
    PersistentVolumeClaim,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ServiceAccount => "ServiceAccount",
            Kind::RoleBinding => "RoleBinding",
            Kind::Secret => "Secret",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::StatefulSet => "StatefulSet",
            Kind::Deployment => "Deployment",
            Kind::CronJob => "CronJob",
            Kind::Pod => "Pod",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
        }
    }

    /// The kind named `name` (its `kind` field), of those the plan writes.
    pub fn parse(name: &str) -> Option<Kind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    const ALL: &'static [Kind] = &[
        Kind::ServiceAccount,
        Kind::RoleBinding,
        Kind::Secret,
        Kind::Service,
        Kind::Endpoints,
        Kind::PodDisruptionBudget,
        Kind::StatefulSet,
        Kind::Deployment,
        Kind::CronJob,
        Kind::Pod,
        Kind::PersistentVolumeClaim,
    ];

    /// The `apiVersion` of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::RoleBinding => "rbac.authorization.k8s.io/v1",
            Kind::PodDisruptionBudget => "policy/v1",
            Kind::StatefulSet | Kind::Deployment => "apps/v1",
            Kind::CronJob => "batch/v1",
            Kind::ServiceAccount
            | Kind::Secret
            | Kind::Service
            | Kind::Endpoints
            | Kind::Pod
            | Kind::PersistentVolumeClaim => "v1",
        }
    }

    /// Kinds whose objects of a cluster are deleted when the plan no longer contains them.
    /// ServiceAccount and RoleBinding are shared by a namespace's clusters; Endpoints and
    /// ConfigMaps of a cluster are Patroni's; claims follow
    /// `persistent_volume_claim_retention_policy`; Secrets of removed users are kept (as the
    /// reference operator does) until the cluster is deleted, but for the pooler's; the
    /// StatefulSet always exists. The pooler's Deployments come and go with it, the logical
    /// backup CronJob with `enableLogicalBackup`.
    pub const PRUNABLE: &'static [Kind] = &[
        Kind::Service,
        Kind::PodDisruptionBudget,
        Kind::Deployment,
        Kind::CronJob,
    ];

    pub fn prunable(self) -> bool {
        Self::PRUNABLE.contains(&self)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A desired object, typed. (Boxed where it is held: the StatefulSet dwarfs the rest.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Object {
    ServiceAccount(ServiceAccount),
    RoleBinding(RoleBinding),
    Service(Service),
    Endpoints(Endpoints),
    PodDisruptionBudget(PodDisruptionBudget),
    StatefulSet(StatefulSet),
    Deployment(Deployment),
    CronJob(CronJob),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::RoleBinding(_) => Kind::RoleBinding,
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::Deployment(_) => Kind::Deployment,
            Object::CronJob(_) => Kind::CronJob,
        }
    }

    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::ServiceAccount(o) => &o.metadata,
            Object::RoleBinding(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Endpoints(o) => &o.metadata,
            Object::PodDisruptionBudget(o) => &o.metadata,
            Object::StatefulSet(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::CronJob(o) => &o.metadata,
        }
    }

    fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::ServiceAccount(o) => &mut o.metadata,
            Object::RoleBinding(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::Endpoints(o) => &mut o.metadata,
            Object::PodDisruptionBudget(o) => &mut o.metadata,
            Object::StatefulSet(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::CronJob(o) => &mut o.metadata,
        }
    }

    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or_default()
    }

    /// The object as JSON, with `apiVersion` and `kind`.
    pub fn to_json(&self) -> Value {
        let value = match self {
            Object::ServiceAccount(o) => serde_json::to_value(o),
            Object::RoleBinding(o) => serde_json::to_value(o),
            Object::Service(o) => serde_json::to_value(o),
            Object::Endpoints(o) => serde_json::to_value(o),
            Object::PodDisruptionBudget(o) => serde_json::to_value(o),
            Object::StatefulSet(o) => serde_json::to_value(o),
            Object::Deployment(o) => serde_json::to_value(o),
            Object::CronJob(o) => serde_json::to_value(o),
        };
        // Serializing these types cannot fail: they hold no maps with non-string keys.
        value.unwrap_or(Value::Null)
    }
}

/// What applying an object changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Change {
    /// The object does not exist.
    Create,
    /// The object differs from the desired one: `changed` fields have other values live,
    /// `removed` fields were set by the controller and are no longer desired (known when the
    /// live object carries its managed fields; the controller's caches do not).
    Update {
        changed: Vec<String>,
        removed: Vec<String>,
    },
    /// Nothing to write.
    Unchanged,
}

/// One action of the plan, in the order of execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Set the resource's finalizers ([`build::finalizers::live_patch`], a merge patch): the
    /// one that deletes the credential Secrets in other namespaces before the first of them
    /// is created, the reference's with `enable_finalizers` (removed without it).
    SetFinalizers { patch: Value },
    /// Server-side apply of `object` (which carries [`APPLIED_HASH_ANNOTATION`]); nothing is
    /// sent when `change` is [`Change::Unchanged`].
    Apply { object: Box<Object>, change: Change },
    /// Create `object` unless an object of its name exists; never touch an existing one.
    CreateIfAbsent { object: Box<Object>, exists: bool },
    /// Create the credential Secret with a fresh password unless it exists.
    EnsureSecret {
        secret: RequiredSecret,
        exists: bool,
    },
    /// Delete an object of the cluster that the plan no longer contains (uid precondition).
    Delete(Orphan),
    /// Grow a data volume claim to `size`.
    ResizeClaim { name: String, size: String },
    /// Mark a pod that runs an older pod template for the rolling update.
    FlagOutdatedPod { name: String },
}

impl Action {
    /// The kind and name of the object the action is about.
    pub fn target(&self) -> (Kind, String) {
        match self {
            Action::SetFinalizers { .. } => (Kind::Secret, String::new()),
            Action::Apply { object, .. } | Action::CreateIfAbsent { object, .. } => {
                (object.kind(), object.name().to_string())
            }
            Action::EnsureSecret { secret, .. } => (Kind::Secret, secret.name.clone()),
            Action::Delete(orphan) => (orphan.kind, orphan.name.clone()),
            Action::ResizeClaim { name, .. } => (Kind::PersistentVolumeClaim, name.clone()),
            Action::FlagOutdatedPod { name } => (Kind::Pod, name.clone()),
        }
    }

    /// Whether executing the action writes anything.
    pub fn writes(&self) -> bool {
        match self {
            Action::Apply { change, .. } => *change != Change::Unchanged,
            Action::CreateIfAbsent { exists, .. } | Action::EnsureSecret { exists, .. } => !exists,
            _ => true,
        }
    }
}

/// A live object of a prunable kind that carries the cluster's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Orphan {
    pub kind: Kind,
    pub name: String,
    pub uid: Option<String>,
}

/// A live object of the cluster, as the caller found it, for orphan detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveObject {
    pub kind: Kind,
    pub name: String,
    pub uid: Option<String>,
    /// The controller's field manager is among its managers.
    pub applied_by_controller: bool,
}

/// What the plan reads of the live state. The controller answers from its watch caches, the
/// CLI from the API server.
pub trait Live {
    /// The live object of `kind` named `name` in the cluster's namespace, as JSON.
    fn get(&self, kind: Kind, name: &str) -> Option<Value>;
    /// The live objects of a [`Kind::prunable`] kind that carry the cluster's labels.
    fn of_cluster(&self, kind: Kind) -> Vec<LiveObject>;
    /// Whether the Secret `namespace/name` exists.
    fn secret_exists(&self, namespace: &str, name: &str) -> bool;
    /// The cluster's pods.
    fn pods(&self) -> Vec<&Pod>;
    /// The cluster's volume claims.
    fn claims(&self) -> Vec<&PersistentVolumeClaim>;
}

/// The plan of a cluster's objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub actions: Vec<Action>,
    /// The desired pod template (with the live volume-claim templates kept).
    pub template: Option<PodTemplateSpec>,
    /// The StatefulSet's desired replicas.
    pub replicas: i32,
    /// The image of the `postgres` container.
    pub image: Option<String>,
}

impl Plan {
    /// The actions that write something.
    pub fn writes(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.writes())
    }
}

/// Builds the plan of `pg`'s objects against what `live` holds.
pub fn plan(pg: &Postgresql, config: &OperatorConfig, live: &dyn Live) -> Result<Plan, BuildError> {
    let desired = build::desired(pg, config)?;
    Ok(plan_desired(pg, config, desired, live))
}

/// [`plan`] from objects already built.
pub fn plan_desired(
    pg: &Postgresql,
    config: &OperatorConfig,
    desired: DesiredObjects,
    live: &dyn Live,
) -> Plan {
    let DesiredObjects {
        service_account,
        role_binding,
        secrets,
        master_service,
        replica_service,
        master_endpoints,
        pod_disruption_budget,
        critical_op_pod_disruption_budget,
        mut statefulset,
        poolers,
        logical_backup,
    } = desired;
    let pooler_wanted = !poolers.is_empty();
    let mut actions = Vec::new();

    actions.push(apply(Object::ServiceAccount(service_account), live));
    actions.push(apply(Object::RoleBinding(role_binding), live));

    if let Some(patch) = build::finalizers::live_patch(
        pg.metadata.finalizers.as_deref(),
        pg.metadata.resource_version.as_deref(),
        build::secret::needs_finalizer(&secrets, config),
        config.enable_finalizers,
    ) {
        actions.push(Action::SetFinalizers { patch });
    }
    for secret in secrets {
        let exists = live.secret_exists(&secret.namespace, &secret.name);
        actions.push(Action::EnsureSecret { secret, exists });
    }

    let mut wanted: BTreeSet<(Kind, String)> = BTreeSet::new();
    for service in [master_service, replica_service] {
        let object = Object::Service(service);
        wanted.insert((object.kind(), object.name().to_string()));
        actions.push(apply(object, live));
    }
    if let Some(endpoints) = master_endpoints {
        let object = Object::Endpoints(endpoints);
        let exists = live.get(Kind::Endpoints, object.name()).is_some();
        actions.push(Action::CreateIfAbsent {
            object: Box::new(object),
            exists,
        });
    }
    for budget in [pod_disruption_budget, critical_op_pod_disruption_budget] {
        let pdb = Object::PodDisruptionBudget(budget);
        wanted.insert((pdb.kind(), pdb.name().to_string()));
        actions.push(apply(pdb, live));
    }

    // The StatefulSet last. Kubernetes forbids changing volume claim templates, so the live
    // ones are kept; a larger volume is applied to the claims themselves.
    let sts_name = statefulset.metadata.name.clone().unwrap_or_default();
    let live_sts = live.get(Kind::StatefulSet, &sts_name);
    // Pods made by an earlier build from the same inputs stay current (see
    // `build::statefulset::carry_equivalent_hashes`).
    if let Some(live) = &live_sts {
        build::statefulset::carry_equivalent_hashes(&mut statefulset, live);
    }
    // Hashed as built, before the live templates replace the built ones: the live ones carry
    // server defaults, and would make the first pass after the creation write it again.
    // (A built object never carries the annotation: no need to take it out.)
    let sts_hash = hash_typed(&statefulset);
    if let (Some(spec), Some(templates)) = (
        statefulset.spec.as_mut(),
        live_sts
            .as_ref()
            .and_then(|s| s.pointer("/spec/volumeClaimTemplates")),
    ) {
        spec.volume_claim_templates = serde_json::from_value(templates.clone()).ok();
    }
    let spec = statefulset.spec.as_ref();
    let template = spec.map(|s| s.template.clone());
    let replicas = spec.and_then(|s| s.replicas).unwrap_or(0);
    let image = template
        .as_ref()
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers.iter().find(|c| c.name == "postgres"))
        .and_then(|c| c.image.clone());
    actions.push(apply_hashed(
        Object::StatefulSet(statefulset),
        sts_hash,
        live,
    ));

    // The poolers after the database they connect to.
    for (deployment, service) in poolers {
        for object in [Object::Deployment(deployment), Object::Service(service)] {
            wanted.insert((object.kind(), object.name().to_string()));
            actions.push(apply(object, live));
        }
    }
    if let Some(cron_job) = logical_backup {
        let object = Object::CronJob(cron_job);
        wanted.insert((object.kind(), object.name().to_string()));
        actions.push(apply(object, live));
    }
    // The pooler role's Secret goes with the last pooler (its role stays, as in the
    // reference).
    if !pooler_wanted {
        let name = config.secret_name(&crate::pooler::user(&pg.spec, config), pg_name(pg));
        if let Some(secret) = live.get(Kind::Secret, &name)
            && secret
                .pointer("/metadata/deletionTimestamp")
                .is_none_or(Value::is_null)
            && is_pooler_secret(&secret, pg, config)
        {
            actions.push(Action::Delete(Orphan {
                kind: Kind::Secret,
                name,
                uid: secret
                    .pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }));
        }
    }

    // What the plan no longer contains.
    for &kind in Kind::PRUNABLE {
        for object in live.of_cluster(kind) {
            if object.applied_by_controller && !wanted.contains(&(kind, object.name.clone())) {
                actions.push(Action::Delete(Orphan {
                    kind,
                    name: object.name,
                    uid: object.uid,
                }));
            }
        }
    }

    if live_sts.is_some() {
        for (name, size) in claims_to_grow(config, &pg.spec.volume.size, &live.claims()) {
            actions.push(Action::ResizeClaim { name, size });
        }
    }

    for pod in live.pods() {
        let flagged = pod
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ROLLING_UPDATE_FLAG))
            .map(String::as_str)
            == Some("true");
        if !flagged
            && pod.metadata.deletion_timestamp.is_none()
            && rollout::pod_outdated(pod, template.as_ref(), config.enable_lazy_spilo_upgrade)
        {
            actions.push(Action::FlagOutdatedPod {
                name: pod.metadata.name.clone().unwrap_or_default(),
            });
        }
    }

    Plan {
        actions,
        template,
        replicas,
        image,
    }
}

fn pg_name(pg: &Postgresql) -> &str {
    pg.metadata.name.as_deref().unwrap_or_default()
}

/// Whether the live Secret is the pooler role's that the controller made for this cluster: it
/// carries the cluster's labels, and no manifest user has the pooler role's name (that user's
/// Secret is left alone).
fn is_pooler_secret(secret: &Value, pg: &Postgresql, config: &OperatorConfig) -> bool {
    let user = crate::pooler::user(&pg.spec, config);
    if pg
        .spec
        .users
        .as_ref()
        .is_some_and(|u| u.contains_key(&user))
    {
        return false;
    }
    let labels = secret.pointer("/metadata/labels");
    crate::naming::cluster_labels(config, pg_name(pg))
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v.as_str()))
}

/// The apply action of `object`: stamped with its [`applied_hash`], and compared with the live
/// object of its name.
fn apply(object: Object, live: &dyn Live) -> Action {
    let hash = applied_hash(&object);
    apply_hashed(object, hash, live)
}

/// [`apply`] with the hash given.
fn apply_hashed(mut object: Object, hash: String, live: &dyn Live) -> Action {
    object
        .meta_mut()
        .annotations
        .get_or_insert_with(Default::default)
        .insert(APPLIED_HASH_ANNOTATION.to_string(), hash);
    let desired = object.to_json();
    let change = change(&desired, live.get(object.kind(), object.name()).as_ref());
    Action::Apply {
        object: Box::new(object),
        change,
    }
}

/// The hash of a desired object (without its own [`APPLIED_HASH_ANNOTATION`]): SHA-256 of its
/// JSON as the typed object serialises it, streamed into the hash (the types' fields have a
/// fixed order and their maps are sorted, so the same object always gives the same text).
pub fn applied_hash(object: &Object) -> String {
    let stamped = object
        .meta()
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(APPLIED_HASH_ANNOTATION));
    if stamped {
        let mut unstamped = object.clone();
        if let Some(annotations) = unstamped.meta_mut().annotations.as_mut() {
            annotations.remove(APPLIED_HASH_ANNOTATION);
            if annotations.is_empty() {
                unstamped.meta_mut().annotations = None;
            }
        }
        return applied_hash(&unstamped);
    }
    match object {
        Object::ServiceAccount(o) => hash_typed(o),
        Object::RoleBinding(o) => hash_typed(o),
        Object::Service(o) => hash_typed(o),
        Object::Endpoints(o) => hash_typed(o),
        Object::PodDisruptionBudget(o) => hash_typed(o),
        Object::StatefulSet(o) => hash_typed(o),
        Object::Deployment(o) => hash_typed(o),
        Object::CronJob(o) => hash_typed(o),
    }
}

/// SHA-256 of the JSON of `value`, streamed into the hasher.
fn hash_typed<T: Serialize>(value: &T) -> String {
    let mut hasher = HashWriter(Sha256::new());
    // Writing into a hasher cannot fail, nor can serialising the Kubernetes types.
    let written = serde_json::to_writer(&mut hasher, value);
    debug_assert!(written.is_ok());
    crate::digest::hex(&hasher.0.finalize())
}

/// An `io::Write` into a SHA-256 hasher.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What applying `desired` (stamped with its hash) changes on `live`.
pub fn change(desired: &Value, live: Option<&Value>) -> Change {
    let Some(live) = live else {
        return Change::Create;
    };
    // The type is the object's, whether or not a client's copy of the live object spells it.
    const TYPE: &[&str] = &["apiVersion", "kind"];
    let stamp = |v: &Value| {
        v.pointer("/metadata/annotations")
            .and_then(|a| a.get(APPLIED_HASH_ANNOTATION))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let same_as_applied = stamp(desired).is_some() && stamp(desired) == stamp(live);
    if same_as_applied && diff::is_subset_except(desired, live, TYPE) {
        return Change::Unchanged;
    }
    // Something is written: name what (copies are fine on this path).
    let untyped = |v: &Value| {
        let mut v = v.clone();
        if let Some(map) = v.as_object_mut() {
            for key in TYPE {
                map.remove(*key);
            }
        }
        v
    };
    let (desired, live) = (&untyped(desired), &untyped(live));
    let removed: Vec<String> = fields::owned_by(live, CONTROLLER_FIELD_MANAGER)
        .into_iter()
        .flat_map(|owned| fields::removed(owned, desired))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let changed = diff::changed_paths(desired, live)
        .into_iter()
        .filter(|p| p != &format!("metadata.annotations.{APPLIED_HASH_ANNOTATION}"))
        .collect();
    Change::Update { changed, removed }
}

/// The data claims to grow to `size` (`storage_resize_mode: pvc`): bound ones that are smaller.
/// Claims are never shrunk (validation refuses that earlier); Kubernetes only lets bound claims
/// grow, so a pending one is resized on a later sync.
fn claims_to_grow(
    config: &OperatorConfig,
    size: &str,
    claims: &[&PersistentVolumeClaim],
) -> Vec<(String, String)> {
    if config.storage_resize_mode != StorageResizeMode::Pvc {
        return Vec::new();
    }
    let Some(wanted) = quantity::parse_bytes(size) else {
        return Vec::new();
    };
    claims
        .iter()
        .filter(|claim| {
            let name = claim.metadata.name.as_deref().unwrap_or_default();
            let bound = claim.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
            let current = claim_size(claim);
            bound && current.is_some_and(|c| c < wanted) && name.starts_with("pgdata-")
        })
        .map(|claim| {
            (
                claim.metadata.name.clone().unwrap_or_default(),
                size.to_string(),
            )
        })
        .collect()
}

fn claim_size(claim: &PersistentVolumeClaim) -> Option<u64> {
    claim
        .spec
        .as_ref()
        .and_then(|s| s.resources.as_ref()?.requests.as_ref()?.get("storage"))
        .and_then(|q| quantity::parse_bytes(&q.0))
}

/// The spec as it is live, for the checks between old and new in validation: the volume size
/// in force is that of the largest data claim (the StatefulSet's claim template never changes).
pub fn live_spec(spec: &PostgresSpec, claims: &[&PersistentVolumeClaim]) -> Option<PostgresSpec> {
    let size = claims
        .iter()
        .filter(|c| {
            c.metadata
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("pgdata-"))
        })
        .filter_map(|c| {
            c.spec
                .as_ref()?
                .resources
                .as_ref()?
                .requests
                .as_ref()?
                .get("storage")
                .cloned()
        })
        .max_by_key(|q| quantity::parse_bytes(&q.0).unwrap_or(0))?
        .0;
    let mut old = spec.clone();
    old.volume.size = size;
    Some(old)
}

/// A [`Live`] from objects read beforehand: what `pgctl plan` fetches from the API server, and
/// what tests construct.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub objects: std::collections::BTreeMap<(Kind, String), Value>,
    pub of_cluster: Vec<LiveObject>,
    /// `(namespace, name)` of the Secrets that exist.
    pub secrets: BTreeSet<(String, String)>,
    pub pods: Vec<Pod>,
    pub claims: Vec<PersistentVolumeClaim>,
}

impl Snapshot {
    /// Records a live object of the cluster's namespace; one of a prunable kind that carries
    /// the cluster's labels is also a candidate orphan.
    pub fn insert(&mut self, kind: Kind, live: Value, of_cluster: bool) {
        let name = live
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if of_cluster && kind.prunable() {
            self.of_cluster.push(LiveObject {
                kind,
                name: name.clone(),
                uid: live
                    .pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                applied_by_controller: fields::managed_by(&live, CONTROLLER_FIELD_MANAGER),
            });
        }
        self.objects.insert((kind, name), live);
    }
}

impl Live for Snapshot {
    fn get(&self, kind: Kind, name: &str) -> Option<Value> {
        self.objects.get(&(kind, name.to_string())).cloned()
    }

    fn of_cluster(&self, kind: Kind) -> Vec<LiveObject> {
        self.of_cluster
            .iter()
            .filter(|o| o.kind == kind)
            .cloned()
            .collect()
    }

    fn secret_exists(&self, namespace: &str, name: &str) -> bool {
        self.secrets
            .contains(&(namespace.to_string(), name.to_string()))
    }

    fn pods(&self) -> Vec<&Pod> {
        self.pods.iter().collect()
    }

    fn claims(&self) -> Vec<&PersistentVolumeClaim> {
        self.claims.iter().collect()
    }
}

#[cfg(test)]
mod tests;
