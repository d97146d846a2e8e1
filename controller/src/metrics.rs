//! Prometheus metrics: reconciles by result, reconcile duration, clusters by status, API
//! errors and the mutating requests the controller sends.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub verb: &'static str,
    pub kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub reason: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub reconciles: Family<ResultLabels, Counter>,
    pub reconcile_duration: Histogram,
    pub clusters: Family<StatusLabels, Gauge>,
    pub mutations: Family<RequestLabels, Counter>,
    pub api_errors: Family<ErrorLabels, Counter>,
    pub leader: Gauge,
    cluster_status: Mutex<std::collections::HashMap<String, String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("pgctl");
        let reconciles = Family::<ResultLabels, Counter>::default();
        let reconcile_duration = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        let clusters = Family::<StatusLabels, Gauge>::default();
        let mutations = Family::<RequestLabels, Counter>::default();
        let api_errors = Family::<ErrorLabels, Counter>::default();
        let leader = Gauge::default();
        registry.register("reconciles", "Reconciles by result", reconciles.clone());
        registry.register(
            "reconcile_duration_seconds",
            "Duration of reconciles",
            reconcile_duration.clone(),
        );
        registry.register(
            "clusters",
            "Clusters by PostgresClusterStatus",
            clusters.clone(),
        );
        registry.register(
            "mutating_requests",
            "Mutating API requests sent, by verb and kind",
            mutations.clone(),
        );
        registry.register("errors", "Reconcile errors by reason", api_errors.clone());
        registry.register(
            "leader",
            "1 while this replica holds the leader lease",
            leader.clone(),
        );
        Metrics {
            registry,
            reconciles,
            reconcile_duration,
            clusters,
            mutations,
            api_errors,
            leader,
            cluster_status: Mutex::new(Default::default()),
        }
    }
}

impl Metrics {
    /// Records the status of one cluster (`None` when it is gone) for the clusters gauge.
    pub fn set_cluster_status(&self, key: &str, status: Option<&str>) {
        let Ok(mut map) = self.cluster_status.lock() else {
            return;
        };
        if let Some(old) = map.remove(key) {
            self.clusters
                .get_or_create(&StatusLabels { status: old })
                .dec();
        }
        if let Some(new) = status {
            self.clusters
                .get_or_create(&StatusLabels {
                    status: new.to_string(),
                })
                .inc();
            map.insert(key.to_string(), new.to_string());
        }
    }

    pub fn mutation(&self, verb: &'static str, kind: &'static str) {
        self.mutations
            .get_or_create(&RequestLabels { verb, kind })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
