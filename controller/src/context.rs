//! What every reconcile shares: the client, the configuration, caches of the owned objects,
//! metrics, the Event recorder and per-cluster backoff.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    Node, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::core::ApiResource;
use kube::runtime::events::Recorder;
use kube::runtime::reflector::Store;
use pgctl_shared::config::OperatorConfig;

use crate::apply::Applier;
use crate::metrics::Metrics;

/// Read-only caches of the objects the controller owns, fed by label-selected watches.
#[derive(Clone)]
pub struct Stores {
    pub statefulsets: Store<StatefulSet>,
    pub services: Store<Service>,
    pub secrets: Store<Secret>,
    pub pdbs: Store<PodDisruptionBudget>,
    pub pods: Store<Pod>,
    pub service_accounts: Store<ServiceAccount>,
    pub role_bindings: Store<RoleBinding>,
    pub claims: Store<PersistentVolumeClaim>,
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
    /// Since when a cluster's master has been waiting to leave a drained node, by cluster key
    /// and master pod (for `master_pod_move_timeout`). Kept in memory: a restarted controller
    /// starts counting again.
    stranded: Mutex<HashMap<String, (String, Instant)>>,
}

impl Context {
    pub fn new(
        applier: Applier,
        config: OperatorConfig,
        stores: Stores,
        metrics: Arc<Metrics>,
        recorder: Recorder,
        resource: ApiResource,
    ) -> Self {
        Context {
            applier,
            config: RwLock::new(Arc::new(config)),
            stores,
            metrics,
            recorder,
            resource,
            backoff: Mutex::new(HashMap::new()),
            stranded: Mutex::new(HashMap::new()),
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

    /// How long the master `pod` of cluster `key` has been waiting to leave its drained node
    /// (zero the first time it is asked).
    pub fn stranded_for(&self, key: &str, pod: &str) -> Duration {
        let Ok(mut map) = self.stranded.lock() else {
            return Duration::ZERO;
        };
        let entry = map
            .entry(key.to_string())
            .or_insert_with(|| (pod.to_string(), Instant::now()));
        if entry.0 != pod {
            *entry = (pod.to_string(), Instant::now());
        }
        entry.1.elapsed()
    }

    /// The master of cluster `key` no longer waits to leave a drained node.
    pub fn not_stranded(&self, key: &str) {
        if let Ok(mut map) = self.stranded.lock() {
            map.remove(key);
        }
    }
}
