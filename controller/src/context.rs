//! What every reconcile shares: the client, the configuration, caches of the owned objects,
//! metrics, the Event recorder and per-cluster backoff.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    Endpoints, Node, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::Api;
use kube::core::ApiResource;
use kube::runtime::events::Recorder;
use kube::runtime::reflector::{ObjectRef, Store};
use pgctl_shared::config::OperatorConfig;

use crate::apply::Applier;
use crate::cluster_store::ClusterStore;
use crate::error::{Error, kube as kube_error};
use crate::metrics::Metrics;

impl Stores {
    /// Whether a Secret `namespace/name` that is in no cache does not exist (or lacks the
    /// labels the operator gives its Secrets): the caches cover that namespace.
    fn covers(&self, namespace: &str) -> bool {
        covers(
            self.namespace.as_deref(),
            self.cross_namespace_secrets.is_some(),
            namespace,
        )
    }
}

/// Whether Secret caches of the watched namespace `watched` (`None`: all), plus the cache of
/// cross-namespace Secrets when `cross_namespace_cache`, hold every Secret of `namespace` that
/// the operator could have made.
fn covers(watched: Option<&str>, cross_namespace_cache: bool, namespace: &str) -> bool {
    cross_namespace_cache || watched.is_none_or(|ns| ns == namespace)
}

impl Context {
    /// The Secret `namespace/name`: from the caches, or read from the API server when no cache
    /// covers its namespace (a cross-namespace Secret while the cache for them is not running,
    /// because `enable_cross_namespace_secret` was turned on after start-up).
    pub async fn secret(&self, namespace: &str, name: &str) -> Result<Option<Arc<Secret>>, Error> {
        let key = ObjectRef::new(name).within(namespace);
        if let Some(found) = self.stores.secrets.get(&key) {
            return Ok(Some(found));
        }
        if let Some(found) = self
            .stores
            .cross_namespace_secrets
            .as_ref()
            .and_then(|store| store.get(&key))
        {
            return Ok(Some(found));
        }
        if self.stores.covers(namespace) {
            return Ok(None);
        }
        let api: Api<Secret> = Api::namespaced(self.applier.client().clone(), namespace);
        let found = api
            .get_opt(name)
            .await
            .map_err(kube_error("read", format!("Secret {namespace}/{name}")))?;
        Ok(found.map(|mut secret| {
            secret.metadata.managed_fields = None;
            Arc::new(secret)
        }))
    }
}

/// Read-only caches of the objects the controller owns, fed by label-selected watches.
#[derive(Clone)]
pub struct Stores {
    /// The namespace the caches below cover (`None`: every namespace).
    pub namespace: Option<String>,
    /// The credential Secrets that clusters of [`Self::namespace`] keep in other namespaces
    /// (`enable_cross_namespace_secret`), watched in every namespace by their labels (see
    /// `naming::cross_namespace_secret_selector`). `None` when the option was off at start-up
    /// or every namespace is watched (then [`Self::secrets`] holds them).
    pub cross_namespace_secrets: Option<Store<Secret>>,
    pub statefulsets: Store<StatefulSet>,
    /// Services and PodDisruptionBudgets keep of their managed fields only the controller's
    /// entry, without the fields (whether the controller applied them: orphans are deleted
    /// only then).
    pub services: ClusterStore<Service>,
    /// The pooler Services (`NAME-pooler`, `NAME-pooler-repl`), whose labels differ from the
    /// cluster's in `application` ([`pgctl_shared::naming::pooler_labels`]).
    pub pooler_services: ClusterStore<Service>,
    /// The pooler Deployments, likewise.
    pub deployments: ClusterStore<k8s_openapi::api::apps::v1::Deployment>,
    /// The logical backup CronJobs (`enableLogicalBackup`), with the cluster's labels.
    pub cron_jobs: ClusterStore<k8s_openapi::api::batch::v1::CronJob>,
    /// Endpoints by name and labels only (`shared::trim::endpoints`): whether the master
    /// Endpoints that the operator creates for Patroni exist.
    pub endpoints: Store<Endpoints>,
    pub secrets: ClusterStore<Secret>,
    pub pdbs: ClusterStore<PodDisruptionBudget>,
    pub pods: ClusterStore<Pod>,
    pub service_accounts: Store<ServiceAccount>,
    pub role_bindings: Store<RoleBinding>,
    pub claims: ClusterStore<PersistentVolumeClaim>,
    /// Every node, reduced to its labels and spec (for drains: cordoned, or lacking
    /// `node_readiness_label`).
    pub nodes: Store<Node>,
}

pub struct Context {
    pub applier: Applier,
    pub config: RwLock<Arc<OperatorConfig>>,
    pub stores: Stores,
    pub metrics: Arc<Metrics>,
    pub recorder: Recorder,
    pub resource: ApiResource,
    backoff: Mutex<HashMap<String, u32>>,
    /// The clusters replacing pods now, at most `max_concurrent_rollouts` of them.
    /// Shared by the loops of every watched namespace.
    pub rollout_slots: Arc<Mutex<pgctl_shared::rollout_slots::RolloutSlots>>,
    /// `--max-concurrent-rollouts`.
    pub max_concurrent_rollouts: u32,
    /// Failures of Patroni requests sent in the background (a refused switchover), by cluster
    /// key, for the next pass to report. The intent itself lives in the cluster's status.
    pub background_failures: Arc<Mutex<HashMap<String, crate::error::RolloutError>>>,
    /// Databases seen to have the pooler's lookup function, as `uid|schema|user|database` of
    /// their cluster: not checked again until the controller restarts (as the reference
    /// operator's flag), so that a resync opens no connection per database.
    pub pooler_lookups: Mutex<std::collections::HashSet<String>>,
    /// The infrastructure roles, read from their Secrets; shared by the namespace loops.
    pub infrastructure: Arc<crate::infrastructure::InfraRoles>,
}

impl Context {
    pub fn new(
        applier: Applier,
        config: OperatorConfig,
        stores: Stores,
        metrics: Arc<Metrics>,
        recorder: Recorder,
        resource: ApiResource,
        infrastructure: Arc<crate::infrastructure::InfraRoles>,
    ) -> Self {
        Context {
            applier,
            config: RwLock::new(Arc::new(config)),
            stores,
            metrics,
            recorder,
            resource,
            backoff: Mutex::new(HashMap::new()),
            rollout_slots: Arc::default(),
            max_concurrent_rollouts: 1,
            background_failures: Arc::default(),
            pooler_lookups: Mutex::default(),
            infrastructure,
        }
    }

    /// The configuration in force now.
    pub fn config(&self) -> Arc<OperatorConfig> {
        match self.config.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set_config(&self, config: OperatorConfig) {
        match self.config.write() {
            Ok(mut guard) => *guard = Arc::new(config),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(config),
        }
    }

    /// Next retry delay for a failing cluster: 1s, 2s, 4s … capped at `repair_period`.
    pub fn next_backoff(&self, key: &str) -> Duration {
        let cap = self.config().repair_period.max(Duration::from_secs(1));
        let Ok(mut map) = self.backoff.lock() else {
            return cap;
        };
        let attempts = map.entry(key.to_string()).or_insert(0);
        *attempts = attempts.saturating_add(1);
        Duration::from_secs(1u64 << (*attempts - 1).min(16)).min(cap)
    }

    pub fn reset_backoff(&self, key: &str) {
        if let Ok(mut map) = self.backoff.lock() {
            map.remove(key);
        }
    }

    /// At most `limit` clusters replace pods at once, counted in `slots` (shared with the
    /// loops of the other watched namespaces).
    pub fn with_rollout_slots(
        mut self,
        slots: Arc<Mutex<pgctl_shared::rollout_slots::RolloutSlots>>,
        limit: u32,
    ) -> Self {
        self.rollout_slots = slots;
        self.max_concurrent_rollouts = limit.max(1);
        self
    }

    /// Runs `f` on the rollout slots (a poisoned lock is taken over: the slots stay usable).
    pub fn with_slots<T>(
        &self,
        f: impl FnOnce(&mut pgctl_shared::rollout_slots::RolloutSlots) -> T,
    ) -> T {
        match self.rollout_slots.lock() {
            Ok(mut slots) => f(&mut slots),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The failure of a background Patroni request of cluster `key`, if one was recorded.
    pub fn take_background_failure(&self, key: &str) -> Option<crate::error::RolloutError> {
        match self.background_failures.lock() {
            Ok(mut map) => map.remove(key),
            Err(poisoned) => poisoned.into_inner().remove(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn secrets_outside_the_caches_are_read_from_the_api_server() {
        // Every namespace watched: the one cache holds every labelled Secret.
        assert!(covers(None, false, "apps"));
        // One namespace watched: its own Secrets are cached…
        assert!(covers(Some("dbs"), false, "dbs"));
        // …and those elsewhere only with the cache of cross-namespace Secrets.
        assert!(covers(Some("dbs"), true, "apps"));
        assert!(!covers(Some("dbs"), false, "apps"));
    }
}
