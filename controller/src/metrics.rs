//! Prometheus metrics: reconciles by result, reconcile duration, clusters by status, API
//! errors and the mutating requests the controller sends; and per cluster (labels
//! `namespace` and `cluster` only, so the series stay bounded) the gauges of
//! [`pgctl_shared::status::gauges`], the pooler's ready pods and the time of the last
//! successful sync.

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
pub struct ClusterLabels {
    pub namespace: String,
    pub cluster: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolerLabels {
    pub namespace: String,
    pub cluster: String,
    /// `master` or `replica`.
    pub role: &'static str,
}

/// The per-cluster gauges.
#[derive(Default)]
struct ClusterGauges {
    instances: Family<ClusterLabels, Gauge>,
    ready: Family<ClusterLabels, Gauge>,
    primary: Family<ClusterLabels, Gauge>,
    rollout: Family<ClusterLabels, Gauge>,
    roles_synced: Family<ClusterLabels, Gauge>,
    backups_healthy: Family<ClusterLabels, Gauge>,
    synced: Family<ClusterLabels, Gauge>,
    last_sync: Family<ClusterLabels, Gauge>,
    pooler_ready: Family<PoolerLabels, Gauge>,
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
    cluster: ClusterGauges,
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
        let cluster = ClusterGauges::default();
        for (name, help, family) in [
            (
                "cluster_instances",
                "Instances the cluster's StatefulSet runs",
                &cluster.instances,
            ),
            ("cluster_instances_ready", "Ready instances", &cluster.ready),
            (
                "cluster_primary",
                "1 while a pod holds the master role",
                &cluster.primary,
            ),
            (
                "cluster_rollout",
                "1 while pods are replaced (or wait to be)",
                &cluster.rollout,
            ),
            (
                "cluster_roles_synced",
                "1 while condition RolesSynced is True",
                &cluster.roles_synced,
            ),
            (
                "cluster_backups_healthy",
                "1 while condition BackupsHealthy is True, 0 while False (absent without archiving)",
                &cluster.backups_healthy,
            ),
            (
                "cluster_synced",
                "1 while the manifest is valid and its last sync applied",
                &cluster.synced,
            ),
            (
                "cluster_last_sync_timestamp_seconds",
                "When the cluster's last successful sync ended (seconds since the epoch)",
                &cluster.last_sync,
            ),
        ] {
            registry.register(name, help, family.clone());
        }
        registry.register(
            "cluster_pooler_instances_ready",
            "Ready pods of the cluster's pooler Deployment, by role",
            cluster.pooler_ready.clone(),
        );
        Metrics {
            registry,
            cluster,
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

    /// Records the gauges of cluster `namespace/name`, its poolers' ready pods (master and
    /// replica; `None`: no such pooler), and, when `synced_at` is given, the end of a
    /// successful sync.
    pub fn set_cluster(
        &self,
        namespace: &str,
        name: &str,
        gauges: &pgctl_shared::status::Gauges,
        poolers: [Option<i64>; 2],
        synced_at: Option<i64>,
    ) {
        let labels = ClusterLabels {
            namespace: namespace.to_string(),
            cluster: name.to_string(),
        };
        let c = &self.cluster;
        c.instances.get_or_create(&labels).set(gauges.instances);
        c.ready.get_or_create(&labels).set(gauges.ready);
        c.primary.get_or_create(&labels).set(gauges.primary);
        c.rollout.get_or_create(&labels).set(gauges.rollout);
        c.roles_synced
            .get_or_create(&labels)
            .set(gauges.roles_synced);
        c.synced.get_or_create(&labels).set(gauges.synced);
        match gauges.backups_healthy {
            Some(v) => {
                c.backups_healthy.get_or_create(&labels).set(v);
            }
            None => {
                c.backups_healthy.remove(&labels);
            }
        }
        if let Some(at) = synced_at {
            c.last_sync.get_or_create(&labels).set(at);
        }
        for (role, ready) in ["master", "replica"].into_iter().zip(poolers) {
            let labels = PoolerLabels {
                namespace: namespace.to_string(),
                cluster: name.to_string(),
                role,
            };
            match ready {
                Some(n) => {
                    c.pooler_ready.get_or_create(&labels).set(n);
                }
                None => {
                    c.pooler_ready.remove(&labels);
                }
            }
        }
    }

    /// Forgets every cluster of `namespace` (`None`: of every namespace) for which `keep`
    /// (given `namespace/name`) is false: the series of deleted clusters go.
    pub fn retain_clusters(&self, namespace: Option<&str>, keep: impl Fn(&str) -> bool) {
        let Ok(mut map) = self.cluster_status.lock() else {
            return;
        };
        let gone: Vec<String> = map
            .keys()
            .filter(|key| {
                let in_scope = namespace.is_none_or(|ns| key.split('/').next() == Some(ns));
                in_scope && !keep(key)
            })
            .cloned()
            .collect();
        for key in gone {
            if let Some(old) = map.remove(&key) {
                self.clusters
                    .get_or_create(&StatusLabels { status: old })
                    .dec();
            }
            let Some((namespace, cluster)) = key.split_once('/') else {
                continue;
            };
            let labels = ClusterLabels {
                namespace: namespace.to_string(),
                cluster: cluster.to_string(),
            };
            let c = &self.cluster;
            for family in [
                &c.instances,
                &c.ready,
                &c.primary,
                &c.rollout,
                &c.roles_synced,
                &c.backups_healthy,
                &c.synced,
                &c.last_sync,
            ] {
                family.remove(&labels);
            }
            for role in ["master", "replica"] {
                c.pooler_ready.remove(&PoolerLabels {
                    namespace: namespace.to_string(),
                    cluster: cluster.to_string(),
                    role,
                });
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_series_come_and_go_with_the_cluster() {
        let m = Metrics::default();
        m.set_cluster_status("db/acid-a", Some("Running"));
        m.set_cluster_status("db/acid-b", Some("Running"));
        let gauges = pgctl_shared::status::Gauges {
            instances: 2,
            ready: 2,
            primary: 1,
            rollout: 0,
            roles_synced: 1,
            backups_healthy: Some(1),
            synced: 1,
        };
        m.set_cluster(
            "db",
            "acid-a",
            &gauges,
            [Some(2), None],
            Some(1_796_448_600),
        );
        m.set_cluster("db", "acid-b", &gauges, [None, None], None);
        let text = m.render();
        assert!(
            text.contains(r#"pgctl_cluster_instances_ready{namespace="db",cluster="acid-a"} 2"#),
            "{text}"
        );
        assert!(text.contains(
            r#"pgctl_cluster_pooler_instances_ready{namespace="db",cluster="acid-a",role="master"} 2"#
        ));
        assert!(text.contains(
            r#"pgctl_cluster_last_sync_timestamp_seconds{namespace="db",cluster="acid-a"} 1796448600"#
        ));
        assert!(
            text.contains(r#"pgctl_clusters{status="Running"} 2"#),
            "{text}"
        );
        // acid-b was deleted.
        m.retain_clusters(Some("db"), |key| key == "db/acid-a");
        let text = m.render();
        assert!(!text.contains(r#"cluster="acid-b""#), "{text}");
        assert!(text.contains(r#"cluster="acid-a""#));
        assert!(
            text.contains(r#"pgctl_clusters{status="Running"} 1"#),
            "{text}"
        );
        // Another namespace's loop leaves it alone.
        m.retain_clusters(Some("other"), |_| false);
        assert!(m.render().contains(r#"cluster="acid-a""#));
    }
}
