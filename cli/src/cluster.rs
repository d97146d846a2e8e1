//! What a cluster looks like right now: its resource, pods, StatefulSet, Services, Secrets
//! (names only) and events, and the views `status`, `rollout status` and `delete` show.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Endpoints, Event, PersistentVolumeClaim, Pod, Secret, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{Postgresql, cluster_status};
use pgctl_shared::{build, naming};
use serde::Serialize;

use crate::k8s::{Kube, Subject};
use crate::output;

/// Label the StatefulSet controller puts on pods: the revision they were made from.
const REVISION_LABEL: &str = "controller-revision-hash";

/// Everything observed about one cluster.
pub struct Observed {
    pub pg: Postgresql,
    pub config: OperatorConfig,
    pub pods: Vec<Pod>,
    pub statefulset: Option<StatefulSet>,
    pub services: Vec<Service>,
    pub endpoints: Vec<Endpoints>,
    /// Names only: a Secret's contents are never read.
    pub secrets: Vec<String>,
    /// Credential Secrets kept in other namespaces (`enable_cross_namespace_secret`, users
    /// named `namespace.user`), as `namespace/name`. They have no owner reference: only
    /// `enable_secrets_deletion` decides whether they go with the cluster.
    pub other_namespace_secrets: Vec<String>,
    pub pvcs: Vec<String>,
    pub pdbs: Vec<String>,
    pub events: Vec<Event>,
    /// The connection poolers' Deployments (their Services are in `services`).
    pub poolers: Vec<k8s_openapi::api::apps::v1::Deployment>,
}

/// Reads a cluster and its objects. `events` also reads the namespace's events.
pub async fn observe(
    kube: &Kube,
    name: &str,
    config: OperatorConfig,
    events: bool,
) -> anyhow::Result<Observed> {
    let pg = kube.get_cluster(name).await?;
    observe_objects(kube, pg, config, events).await
}

/// Reads the objects of a cluster already read.
pub async fn observe_objects(
    kube: &Kube,
    pg: Postgresql,
    config: OperatorConfig,
    events: bool,
) -> anyhow::Result<Observed> {
    let name = pg.metadata.name.clone().unwrap_or_default();
    let ns = kube.namespace.clone();
    let labels =
        ListParams::default().labels(&naming::selector(&naming::cluster_labels(&config, &name)));
    let what = format!("reading the objects of {name}");
    let err = |e| kube.explain(e, Subject::Other(&what));
    let pods: Api<Pod> = Api::namespaced(kube.client.clone(), &ns);
    let statefulsets: Api<StatefulSet> = Api::namespaced(kube.client.clone(), &ns);
    let services: Api<Service> = Api::namespaced(kube.client.clone(), &ns);
    let endpoints: Api<Endpoints> = Api::namespaced(kube.client.clone(), &ns);
    let secrets: Api<Secret> = Api::namespaced(kube.client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(kube.client.clone(), &ns);
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(kube.client.clone(), &ns);
    let sts_name = naming::statefulset(&name);
    let (pod_list, sts, service_list, secret_list, pvc_list, pdb_list) = futures::try_join!(
        pods.list(&labels),
        statefulsets.get_opt(&sts_name),
        services.list(&labels),
        secrets.list_metadata(&labels),
        pvcs.list_metadata(&labels),
        pdbs.list_metadata(&labels),
    )
    .map_err(err)?;
    // The pooler's objects carry the cluster's labels with another `application`.
    let pooler_labels =
        ListParams::default().labels(&naming::selector(&naming::pooler_labels(&config, &name)));
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(kube.client.clone(), &ns);
    let (pooler_deployments, pooler_services) = futures::try_join!(
        deployments.list(&pooler_labels),
        services.list(&pooler_labels),
    )
    .map_err(err)?;
    let mut poolers = pooler_deployments.items;
    poolers.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut pod_list = pod_list.items;
    pod_list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut service_list = service_list.items;
    service_list.extend(pooler_services.items);
    service_list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let mut endpoint_list = Vec::new();
    for service in &service_list {
        if let Some(service_name) = &service.metadata.name
            && let Ok(Some(ep)) = endpoints.get_opt(service_name).await
        {
            endpoint_list.push(ep);
        }
    }
    let secret_names = names(secret_list.items);
    let other_namespace_secrets = other_namespace_secrets(kube, &pg, &config).await;
    let pvc_names = names(pvc_list.items);
    let pdb_names = names(pdb_list.items);
    let event_list = if events {
        let api: Api<Event> = Api::namespaced(kube.client.clone(), &ns);
        match api.list(&ListParams::default()).await {
            Ok(list) => cluster_events(list.items, &name),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(Observed {
        pg,
        config,
        pods: pod_list,
        statefulset: sts,
        services: service_list,
        endpoints: endpoint_list,
        secrets: secret_names,
        other_namespace_secrets,
        pvcs: pvc_names,
        pdbs: pdb_names,
        events: event_list,
        poolers,
    })
}

/// The cluster's credential Secrets in other namespaces, as `namespace/name`: listed by their
/// labels in each namespace the manifest's `namespace.user` names point to. A namespace that
/// cannot be read (no permission there) is left out, not an error of the whole command.
async fn other_namespace_secrets(
    kube: &Kube,
    pg: &Postgresql,
    config: &OperatorConfig,
) -> Vec<String> {
    let (Some(name), Some(ns)) = (
        pg.metadata.name.as_deref(),
        pg.metadata.namespace.as_deref(),
    ) else {
        return Vec::new();
    };
    let mut namespaces: Vec<String> = build::secret::required_secrets(pg, config)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.cross_namespace)
        .map(|s| s.namespace)
        .collect();
    namespaces.sort();
    namespaces.dedup();
    let labels = ListParams::default().labels(&naming::selector(
        &naming::cross_namespace_secret_labels(config, ns, name),
    ));
    let mut found = Vec::new();
    for other in namespaces {
        let api: Api<Secret> = Api::namespaced(kube.client.clone(), &other);
        if let Ok(list) = api.list_metadata(&labels).await {
            found.extend(
                names(list.items)
                    .into_iter()
                    .map(|n| format!("{other}/{n}")),
            );
        }
    }
    found
}

fn names<K>(items: Vec<kube::core::PartialObjectMeta<K>>) -> Vec<String> {
    let mut names: Vec<String> = items.into_iter().filter_map(|m| m.metadata.name).collect();
    names.sort();
    names
}

/// Events about the cluster or any object named after it, oldest first.
pub fn cluster_events(events: Vec<Event>, name: &str) -> Vec<Event> {
    let prefix = format!("{name}-");
    let mut ours: Vec<Event> = events
        .into_iter()
        .filter(|e| {
            let object = e.involved_object.name.as_deref().unwrap_or_default();
            object == name || object.starts_with(&prefix)
        })
        .collect();
    ours.sort_by_key(event_time);
    ours
}

fn event_time(event: &Event) -> Option<Timestamp> {
    event
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| event.event_time.as_ref().map(|t| t.0))
        .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// One pod as `status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    pub pod: String,
    pub node: String,
    pub role: String,
    pub ready: bool,
    pub phase: String,
    pub image: String,
    pub up_to_date: bool,
    pub restarts: i32,
    pub age: String,
    pub ip: String,
    /// The PostgreSQL major it runs (Patroni's `server_version`), once asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major: Option<u32>,
}

/// Whether the pod carries the controller's rolling-update flag.
pub fn is_flagged(pod: &Pod) -> bool {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(naming::ROLLING_UPDATE_FLAG))
        .is_some_and(|v| v == "true")
}

/// Whether a pod runs the current pod template, as the controller decides it
/// (`shared::rollout::pod_outdated`): not flagged, and with the template hash of the
/// StatefulSet's pod template (with `lazy`, `enable_lazy_spilo_upgrade`, a pod that differs
/// only by its image counts as current). Pods without a hash (not made by pgctl) count by the
/// StatefulSet's update revision, when that is known.
pub fn is_up_to_date(pod: &Pod, sts: Option<&StatefulSet>, lazy: bool) -> bool {
    if is_flagged(pod) {
        return false;
    }
    let has_hash = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(pgctl_shared::build::TEMPLATE_HASH_ANNOTATION));
    if has_hash && template_hash(sts).is_some() {
        let template = sts.and_then(|s| s.spec.as_ref()).map(|s| &s.template);
        return !pgctl_shared::rollout::pod_outdated(pod, template, lazy);
    }
    match update_revision(sts) {
        Some(revision) => pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(REVISION_LABEL))
            .is_none_or(|r| r == revision),
        None => true,
    }
}

/// The first of `pods` labelled with `role` (`pod_role_label`: `master`, `replica`).
pub fn with_role<'a>(pods: &'a [Pod], config: &OperatorConfig, role: &str) -> Option<&'a Pod> {
    pods.iter().find(|p| {
        p.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(&config.pod_role_label))
            .is_some_and(|r| r == role)
    })
}

/// Whether a pod's Ready condition is true.
pub fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The template hash of the StatefulSet's pod template, if known.
pub fn template_hash(sts: Option<&StatefulSet>) -> Option<&str> {
    sts?.spec
        .as_ref()?
        .template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(pgctl_shared::build::TEMPLATE_HASH_ANNOTATION)
        .map(String::as_str)
}

/// The update revision of the StatefulSet, if known.
pub fn update_revision(sts: Option<&StatefulSet>) -> Option<&str> {
    sts.and_then(|s| s.status.as_ref())
        .and_then(|s| s.update_revision.as_deref())
}

/// The view of one pod.
pub fn instance_view(
    pod: &Pod,
    config: &OperatorConfig,
    sts: Option<&StatefulSet>,
    now: Timestamp,
) -> InstanceView {
    let status = pod.status.as_ref();
    let postgres = pod.spec.as_ref().and_then(|s| {
        s.containers
            .iter()
            .find(|c| c.name == "postgres")
            .or(s.containers.first())
    });
    let restarts = status
        .and_then(|s| s.container_statuses.as_ref())
        .map(|c| c.iter().map(|c| c.restart_count).sum())
        .unwrap_or(0);
    InstanceView {
        pod: pod.metadata.name.clone().unwrap_or_default(),
        node: pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_else(|| "-".to_string()),
        role: pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(&config.pod_role_label))
            .cloned()
            .unwrap_or_else(|| "-".to_string()),
        ready: is_ready(pod),
        phase: if pod.metadata.deletion_timestamp.is_some() {
            "Terminating".to_string()
        } else {
            status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Unknown".to_string())
        },
        image: postgres
            .and_then(|c| c.image.clone())
            .unwrap_or_else(|| "-".to_string()),
        up_to_date: is_up_to_date(pod, sts, config.enable_lazy_spilo_upgrade),
        restarts,
        age: output::age(pod.metadata.creation_timestamp.as_ref().map(|t| &t.0), now),
        ip: status
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_else(|| "-".to_string()),
        major: None,
    }
}

/// Where a rolling update stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutState {
    pub status: String,
    pub updated: i32,
    pub total: i32,
    pub ready: i32,
    pub desired: i32,
    pub current_step: Option<String>,
    pub last_error: Option<String>,
    /// Whether the controller has seen the latest spec.
    pub observed: bool,
    pub done: bool,
    /// Why the rollout failed, when it did.
    pub failed: Option<String>,
}

/// Computes where the rollout stands from the resource and its pods (`lazy`:
/// `enable_lazy_spilo_upgrade`).
pub fn rollout_state(
    pg: &Postgresql,
    pods: &[Pod],
    sts: Option<&StatefulSet>,
    lazy: bool,
) -> RolloutState {
    let status = pg.status.clone().unwrap_or_default();
    let live: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    let desired = pg.spec.number_of_instances;
    let total = (live.len() as i32).max(desired);
    let updated = live.iter().filter(|p| is_up_to_date(p, sts, lazy)).count() as i32;
    let ready = live.iter().filter(|p| is_ready(p)).count() as i32;
    let generation_seen = match (pg.metadata.generation, status.observed_generation) {
        (Some(generation), Some(seen)) => seen >= generation,
        (Some(_), None) => false,
        (None, _) => true,
    };
    // A request made through an annotation (a restart) counts once the controller has
    // acknowledged it: before that, the pods still look up to date.
    let pending = pgctl_shared::requests::pending(pg);
    let paused = pgctl_shared::requests::paused(pg);
    let observed = generation_seen && pending.is_empty() && !paused;
    let rollout = status.rollout.clone();
    let last_error = rollout
        .as_ref()
        .and_then(|r| r.last_error.clone())
        .or_else(|| {
            status
                .messages
                .first()
                .cloned()
                .filter(|_| failed_status(&status.postgres_cluster_status))
        });
    let failed = match status.postgres_cluster_status.as_str() {
        cluster_status::INVALID => Some(format!(
            "the manifest is invalid: {}",
            if status.messages.is_empty() {
                "see 'pgctl status'".to_string()
            } else {
                status.messages.join("; ")
            }
        )),
        cluster_status::UPDATE_FAILED | cluster_status::CREATE_FAILED if observed => Some(format!(
            "{}: {}",
            status.postgres_cluster_status,
            last_error
                .clone()
                .unwrap_or_else(|| "see 'pgctl status'".to_string())
        )),
        _ => None,
    };
    let done = failed.is_none()
        && observed
        && (status.postgres_cluster_status == cluster_status::RUNNING
            || (desired == 0 && status.postgres_cluster_status == cluster_status::STOPPED))
        && live.len() as i32 == desired
        && updated == desired
        && ready == desired
        && (desired == 0 || status.primary.is_some());
    let current_step = rollout.and_then(|r| r.current_step).or_else(|| {
        if done {
            None
        } else if paused {
            Some(format!(
                "reconciliation is paused ({}={}); remove the annotation to go on",
                pgctl_shared::requests::PAUSE_ANNOTATION,
                pgctl_shared::requests::PAUSED
            ))
        } else if !generation_seen {
            Some("waiting for the controller to see the change".to_string())
        } else if !observed {
            Some(format!(
                "waiting for the controller to take up the request {}",
                pending
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else if (live.len() as i32) < desired {
            Some(format!("creating pods ({} of {desired})", live.len()))
        } else if (live.len() as i32) > desired {
            Some(format!("removing pods ({} of {desired})", live.len()))
        } else if updated < desired {
            Some(format!("{} pods to replace", desired - updated))
        } else if ready < desired {
            Some(format!(
                "waiting for pods to be ready ({ready} of {desired})"
            ))
        } else {
            Some(format!(
                "waiting for status Running (now {})",
                or_dash(&status.postgres_cluster_status)
            ))
        }
    });
    RolloutState {
        status: status.postgres_cluster_status,
        updated,
        total,
        ready,
        desired,
        current_step,
        last_error,
        observed,
        done,
        failed,
    }
}

fn failed_status(status: &str) -> bool {
    matches!(
        status,
        cluster_status::UPDATE_FAILED | cluster_status::CREATE_FAILED | cluster_status::SYNC_FAILED
    )
}

/// `-` for an empty string.
pub fn or_dash(text: &str) -> &str {
    if text.is_empty() { "-" } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgctl_shared::crd::{PostgresSpec, PostgresStatus, RolloutStatus};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn pod(name: &str, ready: bool, flagged: bool) -> Pod {
        let mut annotations = BTreeMap::new();
        if flagged {
            annotations.insert(naming::ROLLING_UPDATE_FLAG.to_string(), "true".to_string());
        }
        serde_json::from_value(json!({
            "metadata": {"name": name, "annotations": annotations, "labels": {"spilo-role": if name.ends_with("-0") {"master"} else {"replica"}}},
            "spec": {"nodeName": "n1", "containers": [{"name": "postgres", "image": "spilo:1"}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}],
                "containerStatuses": [{"name": "postgres", "image": "spilo:1", "imageID": "", "ready": ready, "restartCount": 2}]}
        }))
        .expect("pod")
    }

    fn cluster(status: &str, primary: Option<&str>, generation: i64, observed: i64) -> Postgresql {
        let mut pg = Postgresql::new(
            "acid-foo",
            PostgresSpec {
                number_of_instances: 2,
                ..PostgresSpec::default()
            },
        );
        pg.metadata.generation = Some(generation);
        pg.status = Some(PostgresStatus {
            postgres_cluster_status: status.to_string(),
            observed_generation: Some(observed),
            primary: primary.map(str::to_string),
            ..PostgresStatus::default()
        });
        pg
    }

    #[test]
    fn a_flagged_pod_is_outdated() {
        assert!(!is_up_to_date(&pod("acid-foo-1", true, true), None, false));
        assert!(is_up_to_date(&pod("acid-foo-1", true, false), None, false));
        let view = instance_view(
            &pod("acid-foo-0", true, false),
            &OperatorConfig::default(),
            None,
            Timestamp::now(),
        );
        assert_eq!(view.role, "master");
        assert_eq!(view.restarts, 2);
        assert!(view.ready && view.up_to_date);
    }

    #[test]
    fn the_template_hash_decides_like_the_controller() {
        let hash = pgctl_shared::build::TEMPLATE_HASH_ANNOTATION;
        let sts: StatefulSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "acid-foo"},
            "spec": {
                "selector": {},
                "serviceName": "acid-foo",
                "template": {"metadata": {"annotations": {hash: "new"}}},
            },
            "status": {"replicas": 2, "updateRevision": "acid-foo-2"},
        }))
        .expect("sts");
        let mut current = pod("acid-foo-0", true, false);
        let mut annotations = BTreeMap::from([(hash.to_string(), "new".to_string())]);
        current.metadata.annotations = Some(annotations.clone());
        // Another revision (e.g. only pod annotations changed) but the same hash: up to date.
        current
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(REVISION_LABEL.to_string(), "acid-foo-1".to_string());
        assert!(is_up_to_date(&current, Some(&sts), false));
        annotations.insert(hash.to_string(), "old".to_string());
        current.metadata.annotations = Some(annotations);
        assert!(!is_up_to_date(&current, Some(&sts), false));
        // Without a hash on the pod, the revision counts.
        current.metadata.annotations = None;
        assert!(!is_up_to_date(&current, Some(&sts), false));
    }

    #[test]
    fn rollout_in_progress_done_and_failed() {
        let pods = [
            pod("acid-foo-0", true, false),
            pod("acid-foo-1", true, true),
        ];
        let mut pg = cluster("Updating", Some("acid-foo-0"), 2, 2);
        if let Some(status) = pg.status.as_mut() {
            status.rollout = Some(RolloutStatus {
                updated: 1,
                total: 2,
                current_step: Some("replacing replica acid-foo-1".into()),
                last_error: None,
                intent: None,
                master_move: None,
            });
        }
        let state = rollout_state(&pg, &pods, None, false);
        assert_eq!((state.updated, state.total, state.done), (1, 2, false));
        assert_eq!(
            state.current_step.as_deref(),
            Some("replacing replica acid-foo-1")
        );

        let pods = [
            pod("acid-foo-0", true, false),
            pod("acid-foo-1", true, false),
        ];
        let state = rollout_state(
            &cluster("Running", Some("acid-foo-0"), 2, 2),
            &pods,
            None,
            false,
        );
        assert!(state.done, "{state:?}");
        let state = rollout_state(
            &cluster("Running", Some("acid-foo-0"), 3, 2),
            &pods,
            None,
            false,
        );
        assert!(!state.done);
        assert!(!state.observed);

        let state = rollout_state(&cluster("UpdateFailed", None, 2, 2), &pods, None, false);
        assert!(state.failed.is_some());
        let state = rollout_state(&cluster("Invalid", None, 2, 2), &pods, None, false);
        assert!(state.failed.expect("failed").contains("invalid"));
    }

    #[test]
    fn a_restart_not_yet_acknowledged_is_not_done() {
        use pgctl_shared::requests::{PAUSE_ANNOTATION, PAUSED, RESTARTED_AT_ANNOTATION};
        let pods = [
            pod("acid-foo-0", true, false),
            pod("acid-foo-1", true, false),
        ];
        let mut pg = cluster("Running", Some("acid-foo-0"), 2, 2);
        pg.metadata.annotations = Some(
            [(RESTARTED_AT_ANNOTATION.to_string(), "t1".to_string())]
                .into_iter()
                .collect(),
        );
        let state = rollout_state(&pg, &pods, None, false);
        assert!(!state.done && !state.observed, "{state:?}");
        assert!(
            state
                .current_step
                .as_deref()
                .is_some_and(|s| s.contains("take up the request") && s.contains("t1")),
            "{state:?}"
        );
        if let Some(status) = pg.status.as_mut() {
            status
                .acknowledged
                .insert(RESTARTED_AT_ANNOTATION.to_string(), "t1".to_string());
        }
        assert!(rollout_state(&pg, &pods, None, false).done);

        if let Some(annotations) = pg.metadata.annotations.as_mut() {
            annotations.insert(PAUSE_ANNOTATION.to_string(), PAUSED.to_string());
        }
        let state = rollout_state(&pg, &pods, None, false);
        assert!(
            !state.done,
            "a paused cluster is not judged done: {state:?}"
        );
        assert!(state.current_step.is_some_and(|s| s.contains("paused")));
    }
}
