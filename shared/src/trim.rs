//! What the controller keeps of the objects it caches: only the fields it reads, so that a
//! watch of a thousand pods does not hold a thousand full pod specs (environment with the
//! Spilo configuration, volumes, probes …).

use k8s_openapi::api::core::v1::{
    Container, ContainerStatus, Endpoints, Node, Pod, PodSpec, PodStatus,
};

/// Reduces a cached pod to its metadata, its node, the name and image of each container, and
/// the status the controller reads (phase, conditions, IP, container readiness).
pub fn pod(pod: &mut Pod) {
    pod.metadata.managed_fields = None;
    if let Some(spec) = pod.spec.take() {
        pod.spec = Some(PodSpec {
            node_name: spec.node_name,
            containers: spec
                .containers
                .into_iter()
                .map(|c| Container {
                    name: c.name,
                    image: c.image,
                    ..Container::default()
                })
                .collect(),
            ..PodSpec::default()
        });
    }
    if let Some(status) = pod.status.take() {
        pod.status = Some(PodStatus {
            phase: status.phase,
            conditions: status.conditions,
            pod_ip: status.pod_ip,
            container_statuses: status.container_statuses.map(|statuses| {
                statuses
                    .into_iter()
                    .map(|s| ContainerStatus {
                        name: s.name,
                        ready: s.ready,
                        restart_count: s.restart_count,
                        image: s.image,
                        ..ContainerStatus::default()
                    })
                    .collect()
            }),
            ..PodStatus::default()
        });
    }
}

/// Reduces a cached Endpoints object to its metadata without annotations: the controller only
/// needs to know that the master Endpoints exist, while Patroni rewrites their addresses and
/// leader annotations all the time.
pub fn endpoints(endpoints: &mut Endpoints) {
    endpoints.metadata.managed_fields = None;
    endpoints.metadata.annotations = None;
    endpoints.subsets = None;
}

/// Reduces a cached node to what drains are decided from: its labels and `spec`
/// (`unschedulable`), without the status that its heartbeats rewrite.
pub fn node(node: &mut Node) {
    node.metadata.managed_fields = None;
    node.metadata.annotations = None;
    node.status = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_endpoints_keep_name_and_labels_only() {
        let mut full: Endpoints = serde_json::from_value(serde_json::json!({
            "metadata": {
                "name": "acid-a", "namespace": "ns", "uid": "u1",
                "labels": {"cluster-name": "acid-a"},
                "annotations": {"leader": "acid-a-0", "renewTime": "2026-11-26T03:00:00Z"},
                "managedFields": [{"manager": "patroni"}],
            },
            "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 5432}]}],
        }))
        .expect("endpoints");
        endpoints(&mut full);
        assert_eq!(full.metadata.name.as_deref(), Some("acid-a"));
        assert_eq!(full.metadata.labels.as_ref().map(|l| l.len()), Some(1));
        assert!(full.metadata.annotations.is_none() && full.metadata.managed_fields.is_none());
        assert!(full.subsets.is_none());
    }

    #[test]
    fn a_trimmed_pod_keeps_what_the_controller_reads() {
        let mut full: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {
                "name": "acid-a-0", "namespace": "ns", "uid": "u1",
                "labels": {"spilo-role": "master"},
                "annotations": {"pgctl.acid.zalan.do/template-hash": "h"},
                "managedFields": [{"manager": "kubectl"}],
            },
            "spec": {
                "nodeName": "n1",
                "containers": [{"name": "postgres", "image": "spilo:1",
                    "env": [{"name": "SPILO_CONFIGURATION", "value": "{…}"}]}],
                "volumes": [{"name": "pgdata", "emptyDir": {}}],
            },
            "status": {
                "phase": "Running", "podIP": "10.0.0.1", "hostIP": "10.1.0.1",
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "postgres", "ready": true, "restartCount": 2,
                    "image": "spilo:1", "imageID": "sha", "state": {"running": {}}}],
            },
        }))
        .expect("a pod");
        pod(&mut full);
        let spec = full.spec.as_ref().expect("spec");
        assert_eq!(spec.node_name.as_deref(), Some("n1"));
        assert_eq!(spec.containers[0].image.as_deref(), Some("spilo:1"));
        assert!(spec.containers[0].env.is_none() && spec.volumes.is_none());
        let status = full.status.as_ref().expect("status");
        assert_eq!(status.pod_ip.as_deref(), Some("10.0.0.1"));
        assert!(status.host_ip.is_none());
        let container = &status.container_statuses.as_ref().expect("statuses")[0];
        assert!(container.ready && container.restart_count == 2 && container.state.is_none());
        assert!(full.metadata.managed_fields.is_none());
        assert_eq!(full.metadata.labels.as_ref().map(|l| l.len()), Some(1));
        assert_eq!(full.metadata.uid.as_deref(), Some("u1"));
    }
}
