//! The desired Kubernetes objects of a cluster, built purely from the `postgresql` resource and
//! the operator configuration, compatible with what the reference operator creates and with
//! what Spilo images expect.
//!
//! - [`desired`] builds everything the controller applies for one cluster, except the
//!   passwords of the credential Secrets.
//! - [`secret::credentials`] builds one credential Secret from a password the caller generated
//!   (with a CSPRNG, and only when the Secret does not exist yet).
//! - [`rbac`] builds the per-namespace ServiceAccount and RoleBinding of the pods, and the
//!   ClusterRole they are bound to.
//!
//! One module per object kind: [`statefulset`] (with [`spilo`] for `SPILO_CONFIGURATION` and
//! [`resources`] for container resources), [`service`], [`endpoints`], [`secret`], [`pdb`],
//! [`rbac`]. Names and labels come from [`crate::naming`].
//!
//! Every builder is deterministic: maps are ordered, and JSON held in strings
//! (`SPILO_CONFIGURATION`) or hashed ([`TEMPLATE_HASH_ANNOTATION`]) is written with sorted keys.

pub mod endpoints;
pub mod finalizers;
pub mod logical_backup;
pub mod pdb;
pub mod pooler;
pub mod protection;
pub mod rbac;
pub mod resources;
pub mod secret;
pub mod service;
pub mod spilo;
pub mod statefulset;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Endpoints, Service, ServiceAccount};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::RoleBinding;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde_json::Value;

use crate::config::OperatorConfig;
use crate::crd::{GROUP, KIND, Postgresql, VERSION};
use crate::naming;

/// Value of `pod_role_label` on the pod that runs the primary (set by Patroni).
pub const MASTER_ROLE: &str = "master";
/// Value of `pod_role_label` on the pods that run replicas (set by Patroni).
pub const REPLICA_ROLE: &str = "replica";
/// Port of PostgreSQL in the pods and in the Services.
pub const POSTGRES_PORT: i32 = 5432;
/// Name of the Service port.
pub const POSTGRES_PORT_NAME: &str = "postgresql";
/// Port of Patroni's REST API in the pods.
pub const PATRONI_PORT: i32 = 8008;
/// Port the reference operator's sidecar API used; Spilo images still expose it.
pub const OPERATOR_PORT: i32 = 8080;

/// Annotation of the pod template holding [`statefulset::template_hash`]: pods whose value
/// differs from the StatefulSet's run an outdated template and need to be replaced.
pub const TEMPLATE_HASH_ANNOTATION: &str = "pgctl.acid.zalan.do/template-hash";

/// Annotation of the StatefulSet holding [`statefulset::inputs_hash`]: what its pod template
/// was built from (the resource's uid and generation, the restart request, the operator
/// ConfigMap's data).
pub const INPUTS_HASH_ANNOTATION: &str = "pgctl.acid.zalan.do/inputs-hash";

/// Annotation of the pod template listing, comma-separated, template hashes that count as
/// current ([`statefulset::carry_equivalent_hashes`]): those of templates an earlier controller
/// build made from the same inputs. Pods made by that build are not replaced for it.
pub const EQUIVALENT_HASHES_ANNOTATION: &str = "pgctl.acid.zalan.do/equivalent-template-hashes";

/// Annotation of the `postgresql` resource that `pgctl rollout restart` sets to the time of the
/// request. Its value is copied to the pod template and counts in the template hash, so a new
/// value makes every pod outdated and the rolling update restarts them all.
pub const RESTARTED_AT_ANNOTATION: &str = "pgctl.acid.zalan.do/restartedAt";

/// Why the objects of a cluster cannot be built. Each error names the resource, the object and
/// the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The resource lacks metadata that the objects need.
    #[error("postgresql {resource}: {field} is required {reason}")]
    MissingMetadata {
        resource: String,
        field: &'static str,
        reason: &'static str,
    },
    /// A value of the resource or of the configuration cannot be turned into the object.
    #[error("postgresql {resource}: {object}: {field}: {problem}")]
    Invalid {
        resource: String,
        /// The object being built, e.g. `StatefulSet acid-foo`.
        object: String,
        /// The field of the manifest (`spec.volume.size`) or the configuration key.
        field: String,
        problem: String,
    },
}

/// A `postgresql` resource with the configuration it is built with, plus the metadata every
/// builder needs, checked once.
#[derive(Debug, Clone, Copy)]
pub struct ClusterContext<'a> {
    pub pg: &'a Postgresql,
    pub config: &'a OperatorConfig,
    name: &'a str,
    namespace: &'a str,
    uid: Option<&'a str>,
}

impl<'a> ClusterContext<'a> {
    /// Checks that the resource has a name and a namespace, a `uid` when owner references are
    /// on (`enable_owner_references`), and a `teamId` usable as a label value.
    pub fn new(pg: &'a Postgresql, config: &'a OperatorConfig) -> Result<Self, BuildError> {
        let resource = resource_id(pg);
        let missing = |field, reason| BuildError::MissingMetadata {
            resource: resource.clone(),
            field,
            reason,
        };
        let name = non_empty(pg.metadata.name.as_deref())
            .ok_or_else(|| missing("metadata.name", "to name the objects"))?;
        let namespace = non_empty(pg.metadata.namespace.as_deref())
            .ok_or_else(|| missing("metadata.namespace", "to place the objects"))?;
        let uid = non_empty(pg.metadata.uid.as_deref());
        if config.enable_owner_references && uid.is_none() {
            return Err(missing(
                "metadata.uid",
                "for owner references (enable_owner_references is on)",
            ));
        }
        if let Err(problem) = check_label_value(&pg.spec.team_id) {
            return Err(BuildError::Invalid {
                resource,
                object: "labels".to_string(),
                field: "spec.teamId".to_string(),
                problem: format!(
                    "{:?} is the value of the {:?} label and {problem}",
                    pg.spec.team_id,
                    naming::team_label()
                ),
            });
        }
        Ok(Self {
            pg,
            config,
            name,
            namespace,
            uid,
        })
    }

    /// The cluster name (`metadata.name`).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The namespace of the cluster and of its objects.
    pub fn namespace(&self) -> &'a str {
        self.namespace
    }

    /// `namespace/name`, for messages.
    pub fn resource_id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Labels of every object: [`naming::object_labels`].
    pub fn labels(&self) -> BTreeMap<String, String> {
        naming::object_labels(
            self.config,
            self.name,
            &self.pg.spec.team_id,
            self.pg.metadata.labels.as_ref(),
        )
    }

    /// Labels that select every pod of the cluster: [`naming::cluster_labels`].
    pub fn selector_labels(&self) -> BTreeMap<String, String> {
        naming::cluster_labels(self.config, self.name)
    }

    /// Annotations copied from the resource for the keys in `inherited_annotations`.
    pub fn inherited_annotations(&self) -> BTreeMap<String, String> {
        let Some(annotations) = self.pg.metadata.annotations.as_ref() else {
            return BTreeMap::new();
        };
        self.config
            .inherited_annotations
            .iter()
            .filter_map(|key| annotations.get(key).map(|v| (key.clone(), v.clone())))
            .collect()
    }

    /// The resource's annotations whose keys match one of `downscaler_annotations` (regular
    /// expressions matched anywhere in the key), for the StatefulSet and the pooler
    /// Deployments, on top of the inherited ones.
    pub fn downscaler_annotations(&self) -> BTreeMap<String, String> {
        let mut out = self.inherited_annotations();
        let Some(annotations) = self.pg.metadata.annotations.as_ref() else {
            return out;
        };
        // The configuration checked every pattern; one that does not compile matches nothing.
        let patterns: Vec<regex::Regex> = self
            .config
            .downscaler_annotations
            .iter()
            .filter_map(|p| regex::Regex::new(p).ok())
            .collect();
        if patterns.is_empty() {
            return out;
        }
        for (key, value) in annotations {
            if patterns.iter().any(|p| p.is_match(key)) {
                out.insert(key.clone(), value.clone());
            }
        }
        out
    }

    /// Whether the resource carries annotation `key` with the value `true` (the reference's
    /// `ignore_*_limits_annotation_key`); `None` (the key not configured) is false.
    pub fn annotation_is_true(&self, key: Option<&str>) -> bool {
        key.and_then(|k| self.pg.metadata.annotations.as_ref()?.get(k))
            .is_some_and(|v| v == "true")
    }

    /// The owner reference to the `postgresql` resource, when `enable_owner_references` is on.
    pub fn owner_references(&self) -> Option<Vec<OwnerReference>> {
        if !self.config.enable_owner_references {
            return None;
        }
        Some(vec![OwnerReference {
            api_version: format!("{GROUP}/{VERSION}"),
            kind: KIND.to_string(),
            name: self.name.to_string(),
            uid: self.uid.unwrap_or_default().to_string(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }])
    }

    /// Metadata of a child object: name, namespace, [`Self::labels`], the inherited
    /// annotations and the owner reference.
    pub fn metadata(&self, name: impl Into<String>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some(self.namespace.to_string()),
            labels: Some(self.labels()),
            annotations: non_empty_map(self.inherited_annotations()),
            owner_references: self.owner_references(),
            ..ObjectMeta::default()
        }
    }

    /// Whether Patroni keeps its leader state in ConfigMaps (`kubernetes_use_configmaps`,
    /// effective only when Kubernetes is the DCS, i.e. `etcd_host` is empty).
    pub fn uses_configmaps(&self) -> bool {
        self.config.etcd_host.is_empty() && self.config.kubernetes_use_configmaps
    }

    /// An [`BuildError::Invalid`] about `object`.
    pub fn invalid(
        &self,
        object: impl Into<String>,
        field: impl Into<String>,
        problem: impl Into<String>,
    ) -> BuildError {
        BuildError::Invalid {
            resource: self.resource_id(),
            object: object.into(),
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Everything the operator applies for one cluster, except the passwords of the Secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObjects {
    /// ServiceAccount of the pods in the cluster's namespace (shared by the namespace's
    /// clusters, so without owner reference).
    pub service_account: ServiceAccount,
    /// RoleBinding of that ServiceAccount to the pods' ClusterRole (shared likewise).
    pub role_binding: RoleBinding,
    /// The credential Secrets that must exist; the caller creates missing ones with
    /// [`secret::credentials`] and a fresh password, and never regenerates existing ones.
    pub secrets: Vec<secret::RequiredSecret>,
    /// Service `NAME`.
    pub master_service: Service,
    /// Service `NAME-repl`.
    pub replica_service: Service,
    /// Endpoints `NAME` that Patroni keeps pointing at the primary; `None` when Patroni uses
    /// ConfigMaps (then the master Service has a selector).
    pub master_endpoints: Option<Endpoints>,
    /// PodDisruptionBudget `postgres-NAME-pdb`.
    pub pod_disruption_budget: PodDisruptionBudget,
    /// PodDisruptionBudget `postgres-NAME-critical-op-pdb`.
    pub critical_op_pod_disruption_budget: PodDisruptionBudget,
    /// StatefulSet `NAME`, applied last.
    pub statefulset: StatefulSet,
    /// Deployment and Service of each connection pooler the manifest asks for
    /// ([`crate::pooler`], [`pooler`]), applied after the StatefulSet.
    pub poolers: Vec<(k8s_openapi::api::apps::v1::Deployment, Service)>,
    /// The logical backup CronJob (`enableLogicalBackup`, [`logical_backup`]).
    pub logical_backup: Option<k8s_openapi::api::batch::v1::CronJob>,
}

impl DesiredObjects {
    /// The objects (without Secrets) as JSON in apply order: ServiceAccount, RoleBinding,
    /// Services, Endpoints, PodDisruptionBudgets, StatefulSet, then each pooler's Deployment and
    /// Service, and the logical backup CronJob. Each carries `apiVersion` and `kind`.
    pub fn to_json(&self) -> Result<Vec<Value>, serde_json::Error> {
        let mut out = vec![
            serde_json::to_value(&self.service_account)?,
            serde_json::to_value(&self.role_binding)?,
            serde_json::to_value(&self.master_service)?,
            serde_json::to_value(&self.replica_service)?,
        ];
        if let Some(endpoints) = &self.master_endpoints {
            out.push(serde_json::to_value(endpoints)?);
        }
        out.push(serde_json::to_value(&self.pod_disruption_budget)?);
        out.push(serde_json::to_value(
            &self.critical_op_pod_disruption_budget,
        )?);
        out.push(serde_json::to_value(&self.statefulset)?);
        for (deployment, service) in &self.poolers {
            out.push(serde_json::to_value(deployment)?);
            out.push(serde_json::to_value(service)?);
        }
        if let Some(cron_job) = &self.logical_backup {
            out.push(serde_json::to_value(cron_job)?);
        }
        Ok(out)
    }
}

/// Builds every object of the cluster except the Secrets' contents.
pub fn desired(pg: &Postgresql, config: &OperatorConfig) -> Result<DesiredObjects, BuildError> {
    let ctx = ClusterContext::new(pg, config)?;
    Ok(DesiredObjects {
        service_account: rbac::service_account(config, ctx.namespace()),
        role_binding: rbac::role_binding(config, ctx.namespace()),
        secrets: secret::required_secrets(pg, config)?,
        master_service: service::master_service(&ctx),
        replica_service: service::replica_service(&ctx),
        master_endpoints: endpoints::master_endpoints(&ctx),
        pod_disruption_budget: pdb::pod_disruption_budget(&ctx),
        critical_op_pod_disruption_budget: pdb::critical_op_pod_disruption_budget(&ctx),
        statefulset: statefulset::statefulset(&ctx)?,
        poolers: pooler::objects(&ctx)?,
        logical_backup: logical_backup::cron_job(&ctx)?,
    })
}

/// JSON with object keys sorted at every level and no whitespace: the same value always gives
/// the same text, whatever the map implementation of `serde_json`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // Display of a JSON string value is its quoted, escaped form.
                let _ = write!(out, "{}", Value::String(key.clone()));
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

fn resource_id(pg: &Postgresql) -> String {
    let name = pg.metadata.name.as_deref().unwrap_or("<unnamed>");
    match pg.metadata.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_string(),
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

pub(crate) fn non_empty_map(map: BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!map.is_empty()).then_some(map)
}

/// Kubernetes' rule for label values: at most 63 characters, alphanumerics, `-`, `_` and `.`,
/// beginning and ending with an alphanumeric (or empty).
fn check_label_value(value: &str) -> Result<(), &'static str> {
    if value.len() > naming::MAX_LABEL {
        return Err("is longer than 63 characters");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !value.chars().all(allowed) {
        return Err("may only hold letters, digits, '-', '_' and '.'");
    }
    let alnum_ends = value
        .chars()
        .next()
        .zip(value.chars().last())
        .is_none_or(|(first, last)| first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric());
    if !alnum_ends {
        return Err("must begin and end with a letter or digit");
    }
    Ok(())
}
