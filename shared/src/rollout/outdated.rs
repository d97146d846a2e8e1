//! Which pods must be replaced: a pod is outdated when it carries [`ROLLING_UPDATE_FLAG`] or
//! its template hash differs from the StatefulSet's ([`is_outdated`], [`pod_outdated`], with
//! the `enable_lazy_spilo_upgrade` exception), and [`PodState`], a pod as the plans see it.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};

use crate::build::TEMPLATE_HASH_ANNOTATION;
use crate::build::statefulset::{CONTAINER_NAME, equivalent_hashes, hash_with_image};
use crate::naming::ROLLING_UPDATE_FLAG;

/// Whether a pod must be replaced: it carries the rolling-update flag, or its template hash
/// differs from `desired_hash` (the StatefulSet's). Without a desired hash only the flag
/// counts.
pub fn is_outdated(annotations: &BTreeMap<String, String>, desired_hash: Option<&str>) -> bool {
    annotations.get(ROLLING_UPDATE_FLAG).map(String::as_str) == Some("true")
        || desired_hash.is_some_and(|h| {
            annotations
                .get(TEMPLATE_HASH_ANNOTATION)
                .map(String::as_str)
                != Some(h)
        })
}

/// The template hash of a pod template.
pub fn template_hash_of(template: &PodTemplateSpec) -> Option<&str> {
    template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(TEMPLATE_HASH_ANNOTATION)
        .map(String::as_str)
}

/// Whether `pod` must be replaced to run `desired`, the StatefulSet's pod template
/// ([`is_outdated`]). Two exceptions, for pods not flagged: a pod whose hash the template lists
/// as equivalent (made by an earlier controller build from the same inputs,
/// [`equivalent_hashes`]) is not; and with `lazy_image` (`enable_lazy_spilo_upgrade`) a pod that
/// differs from the template only by the image of its `postgres` container is not. Both pick
/// the new template up whenever they are re-created for another reason.
pub fn pod_outdated(pod: &Pod, desired: Option<&PodTemplateSpec>, lazy_image: bool) -> bool {
    let empty = BTreeMap::new();
    let annotations = pod.metadata.annotations.as_ref().unwrap_or(&empty);
    let desired_hash = desired.and_then(template_hash_of);
    if !is_outdated(annotations, desired_hash) {
        return false;
    }
    let flagged = annotations.get(ROLLING_UPDATE_FLAG).map(String::as_str) == Some("true");
    if flagged {
        return true;
    }
    let pod_hash = annotations.get(TEMPLATE_HASH_ANNOTATION);
    if let (Some(desired), Some(pod_hash)) = (desired, pod_hash)
        && equivalent_hashes(desired).any(|h| h == pod_hash)
    {
        return false;
    }
    if !lazy_image {
        return true;
    }
    let image = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == CONTAINER_NAME))
        .and_then(|c| c.image.as_deref());
    let only_the_image = match (desired, image, pod_hash) {
        (Some(desired), Some(image), Some(pod_hash)) => {
            hash_with_image(desired, image).as_ref() == Some(pod_hash)
        }
        _ => false,
    };
    !only_the_image
}

/// One pod of the cluster, as the plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodState {
    pub name: String,
    /// Value of the role label (`master`, `replica`) that Patroni sets.
    pub role: Option<String>,
    /// `status.phase` is `Running`.
    pub running: bool,
    /// The `Ready` condition is true.
    pub ready: bool,
    /// See [`is_outdated`].
    pub outdated: bool,
    /// The pod is being deleted.
    pub terminating: bool,
    /// The node the pod is bound to.
    pub node: Option<String>,
    /// The pod's node is cordoned or lacks `node_readiness_label`.
    pub node_unschedulable: bool,
    /// Time since the pod was created (for the wait timeouts).
    pub age: Option<Duration>,
    /// Time since the pod's deletion began.
    pub terminating_for: Option<Duration>,
}

impl PodState {
    /// Reads a pod: `role_label` is `pod_role_label`, `outdated` says [`pod_outdated`], `now`
    /// is the time in seconds since the epoch.
    pub fn from_pod(
        pod: &Pod,
        role_label: &str,
        outdated: bool,
        node_unschedulable: bool,
        now: i64,
    ) -> Self {
        let status = pod.status.as_ref();
        let since = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            t.map(|t| Duration::from_secs(u64::try_from(now - t.0.as_second()).unwrap_or(0)))
        };
        PodState {
            name: pod.metadata.name.clone().unwrap_or_default(),
            role: pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(role_label))
                .cloned(),
            running: status.and_then(|s| s.phase.as_deref()) == Some("Running"),
            ready: status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
            outdated,
            terminating: pod.metadata.deletion_timestamp.is_some(),
            node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
            node_unschedulable,
            age: since(pod.metadata.creation_timestamp.as_ref()),
            terminating_for: since(pod.metadata.deletion_timestamp.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outdated_means_flagged_or_another_hash() {
        let annotations = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let current = annotations(&[(TEMPLATE_HASH_ANNOTATION, "h1")]);
        assert!(!is_outdated(&current, Some("h1")));
        assert!(is_outdated(&current, Some("h2")));
        assert!(!is_outdated(&current, None));
        let flagged = annotations(&[
            (TEMPLATE_HASH_ANNOTATION, "h1"),
            (ROLLING_UPDATE_FLAG, "true"),
        ]);
        assert!(is_outdated(&flagged, Some("h1")));
        assert!(is_outdated(&annotations(&[]), Some("h1")));
    }

    #[test]
    fn a_lazy_upgrade_leaves_pods_that_differ_only_by_the_image() {
        let template = |image: &str, cpu: &str| -> PodTemplateSpec {
            let mut t: PodTemplateSpec = serde_json::from_value(json!({
                "spec": {"containers": [
                    {"name": "postgres", "image": image, "resources": {"requests": {"cpu": cpu}}}
                ]}
            }))
            .expect("template");
            let hash = crate::build::statefulset::template_hash(t.spec.as_ref().expect("spec"))
                .expect("hash");
            t.metadata = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                annotations: Some(BTreeMap::from([(
                    TEMPLATE_HASH_ANNOTATION.to_string(),
                    hash,
                )])),
                ..Default::default()
            });
            t
        };
        let pod_of = |t: &PodTemplateSpec| Pod {
            metadata: t.metadata.clone().unwrap_or_default(),
            spec: t.spec.clone(),
            status: None,
        };
        let old = pod_of(&template("spilo:1", "100m"));
        let new_image = template("spilo:2", "100m");
        let new_cpu = template("spilo:2", "200m");
        assert!(pod_outdated(&old, Some(&new_image), false));
        assert!(!pod_outdated(&old, Some(&new_image), true));
        assert!(pod_outdated(&old, Some(&new_cpu), true));
        assert!(!pod_outdated(
            &old,
            Some(&template("spilo:1", "100m")),
            false
        ));
        // A flag always counts.
        let mut flagged = old.clone();
        flagged
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(ROLLING_UPDATE_FLAG.to_string(), "true".to_string());
        assert!(pod_outdated(&flagged, Some(&new_image), true));
    }

    #[test]
    fn reads_pods() {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {
                "name": "a-1",
                "labels": {"spilo-role": "replica"},
                "annotations": {TEMPLATE_HASH_ANNOTATION: "old"},
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "deletionTimestamp": "2026-01-01T00:01:00Z"
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .expect("pod");
        let now = "2026-01-01T00:02:00Z"
            .parse::<k8s_openapi::jiff::Timestamp>()
            .expect("time")
            .as_second();
        let desired: PodTemplateSpec = serde_json::from_value(json!({
            "metadata": {"annotations": {TEMPLATE_HASH_ANNOTATION: "new"}}
        }))
        .expect("template");
        let outdated = pod_outdated(&pod, Some(&desired), false);
        let state = PodState::from_pod(&pod, "spilo-role", outdated, false, now);
        assert_eq!(state.role.as_deref(), Some("replica"));
        assert!(state.running && state.ready && state.outdated && state.terminating);
        assert_eq!(state.age, Some(Duration::from_secs(120)));
        assert_eq!(state.terminating_for, Some(Duration::from_secs(60)));
    }
}
