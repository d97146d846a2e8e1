//! Names and labels of everything the operator derives from a cluster name.
//! They are the reference operator's, so existing clusters keep their objects.

use std::collections::BTreeMap;

use crate::config::OperatorConfig;
use crate::crd::PostgresSpec;

/// Longest DNS-1123/1035 label (Service names, pod host names, label values).
pub const MAX_LABEL: usize = 63;
/// Longest DNS-1123 subdomain (names of most other objects).
pub const MAX_SUBDOMAIN: usize = 253;
/// Annotation the controller sets to `"true"` on pods that must be replaced by a rolling update
/// (the reference operator's name, so that a migration keeps pending rolls).
pub const ROLLING_UPDATE_FLAG: &str = "zalando-postgres-operator-rolling-update-required";
/// Label of a credential Secret that lives outside its cluster's namespace
/// (`enable_cross_namespace_secret`): the namespace of the `postgresql` it belongs to. With
/// `cluster_labels` and `cluster_name_label` it names the cluster, since owner references
/// cannot cross namespaces.
pub const CLUSTER_NAMESPACE_LABEL: &str = "pgctl.acid.zalan.do/cluster-namespace";
/// Finalizer the controller puts on a `postgresql` whose credential Secrets live in other
/// namespaces: it deletes them when the cluster is deleted, then removes the finalizer.
pub const SECRETS_FINALIZER: &str = "pgctl.acid.zalan.do/cross-namespace-secrets";
/// The reference operator's finalizer (`enable_finalizers`): the controller deletes the
/// cluster's objects, then removes it. Removed from live clusters while the option is off, so
/// that a cluster adopted from the reference can still be deleted.
pub const REFERENCE_FINALIZER: &str = "postgres-operator.acid.zalan.do";
/// Length of the hash the StatefulSet controller appends in `controller-revision-hash`.
const REVISION_HASH_LEN: usize = 10;

/// StatefulSet of the cluster (and the prefix of its pods).
pub fn statefulset(cluster: &str) -> String {
    cluster.to_string()
}

/// Service (and Endpoints) of the master.
pub fn master_service(cluster: &str) -> String {
    cluster.to_string()
}

/// Service of the replicas.
pub fn replica_service(cluster: &str) -> String {
    format!("{cluster}-repl")
}

/// Deployment and Service of the master's connection pooler.
pub fn master_pooler(cluster: &str) -> String {
    format!("{cluster}-pooler")
}

/// Deployment and Service of the replicas' connection pooler.
pub fn replica_pooler(cluster: &str) -> String {
    format!("{cluster}-pooler-repl")
}

/// Labels that select every pod of a cluster: `cluster_labels` plus `cluster_name_label`.
pub fn cluster_labels(config: &OperatorConfig, cluster: &str) -> BTreeMap<String, String> {
    let mut labels = config.cluster_labels.clone();
    labels.insert(config.cluster_name_label.clone(), cluster.to_string());
    labels
}

/// The label the reference puts on pods during critical operations (a major version upgrade);
/// the critical-operation PodDisruptionBudget selects it.
pub const CRITICAL_OPERATION_LABEL: &str = "critical-operation";

/// `application` label value of the connection pooler's objects (so the database's selectors
/// skip them), as the reference operator sets it.
pub const POOLER_APPLICATION: &str = "db-connection-pooler";

/// The labels every pooler object of any cluster carries: [`cluster_labels`]' configured
/// `cluster_labels` with `application` set to the pooler's (as the reference), for the
/// controller's watches.
pub fn pooler_selector_labels(config: &OperatorConfig) -> BTreeMap<String, String> {
    let mut labels = config.cluster_labels.clone();
    labels.insert("application".to_string(), POOLER_APPLICATION.to_string());
    labels
}

/// The labels of the pooler objects of cluster `cluster`.
pub fn pooler_labels(config: &OperatorConfig, cluster: &str) -> BTreeMap<String, String> {
    let mut labels = cluster_labels(config, cluster);
    labels.insert("application".to_string(), POOLER_APPLICATION.to_string());
    labels
}

/// Label selector (`k=v,…`) of a set of labels.
pub fn selector(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Labels of the credential Secrets of cluster `namespace/cluster` that live in other
/// namespaces: [`cluster_labels`] plus [`CLUSTER_NAMESPACE_LABEL`].
pub fn cross_namespace_secret_labels(
    config: &OperatorConfig,
    namespace: &str,
    cluster: &str,
) -> BTreeMap<String, String> {
    let mut labels = cluster_labels(config, cluster);
    labels.insert(CLUSTER_NAMESPACE_LABEL.to_string(), namespace.to_string());
    labels
}

/// Label selector of the cross-namespace credential Secrets of the clusters of one watched
/// namespace (`Some`), or of every namespace (`None`): `cluster_labels` and
/// [`CLUSTER_NAMESPACE_LABEL`] (its value, or that it exists).
pub fn cross_namespace_secret_selector(config: &OperatorConfig, namespace: Option<&str>) -> String {
    let namespace = match namespace {
        Some(ns) => format!("{CLUSTER_NAMESPACE_LABEL}={ns}"),
        None => CLUSTER_NAMESPACE_LABEL.to_string(),
    };
    [selector(&config.cluster_labels), namespace]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// A name the operator derives from the cluster name, with the limit Kubernetes puts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedName {
    /// What kind of name it is, for messages.
    pub what: &'static str,
    pub name: String,
    pub limit: usize,
}

/// Every derived name of a cluster that has a length limit, for validation.
pub fn derived_names(
    cluster: &str,
    spec: &PostgresSpec,
    config: &OperatorConfig,
) -> Vec<DerivedName> {
    let label = |what, name| DerivedName {
        what,
        name,
        limit: MAX_LABEL,
    };
    let subdomain = |what, name| DerivedName {
        what,
        name,
        limit: MAX_SUBDOMAIN,
    };
    let mut names = vec![
        label(
            "pod revision label",
            format!("{}-{}", statefulset(cluster), "h".repeat(REVISION_HASH_LEN)),
        ),
        label("master Service", master_service(cluster)),
        label("replica Service", replica_service(cluster)),
        subdomain("PodDisruptionBudget", config.pdb_name(cluster)),
        subdomain(
            "superuser Secret",
            config.secret_name(&config.super_username, cluster),
        ),
        subdomain(
            "replication Secret",
            config.secret_name(&config.replication_username, cluster),
        ),
    ];
    if spec.enable_connection_pooler == Some(true) {
        names.push(label("pooler Service", master_pooler(cluster)));
    }
    if spec.enable_replica_connection_pooler == Some(true) {
        names.push(label("replica pooler Service", replica_pooler(cluster)));
    }
    names
}

/// Label whose value is the cluster's `teamId`, on every object the operator creates (as the
/// reference operator sets it; tools filter clusters by team with it).
pub fn team_label() -> &'static str {
    "team"
}

/// Labels of every object the operator creates for a cluster: [`cluster_labels`], the
/// [`team_label`], and the resource's own labels whose keys are listed in `inherited_labels`.
/// Neither the team label nor an inherited label replaces a label of `cluster_labels`: the pods
/// must keep matching the StatefulSet's selector.
pub fn object_labels(
    config: &OperatorConfig,
    cluster: &str,
    team: &str,
    resource_labels: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut labels = cluster_labels(config, cluster);
    labels
        .entry(team_label().to_string())
        .or_insert_with(|| team.to_string());
    if let Some(resource_labels) = resource_labels {
        for key in &config.inherited_labels {
            if let Some(value) = resource_labels.get(key) {
                labels.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    labels
}

/// Labels that select the pods of one Patroni role (`master`, `replica`): [`cluster_labels`]
/// plus `pod_role_label`.
pub fn role_labels(config: &OperatorConfig, cluster: &str, role: &str) -> BTreeMap<String, String> {
    let mut labels = cluster_labels(config, cluster);
    labels.insert(config.pod_role_label.clone(), role.to_string());
    labels
}
