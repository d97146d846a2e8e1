use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::manifest::{self, DocumentContent};

const MANIFEST: &str = r#"
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: acid-plan
  namespace: ns
  uid: 11111111-2222-3333-4444-555555555555
spec:
  teamId: acid
  volume:
    size: 1Gi
  numberOfInstances: 2
  users:
    app: []
  serviceAnnotations:
    a: "1"
    b: "2"
  postgresql:
    version: "17"
"#;

fn pg(text: &str) -> Postgresql {
    let mut docs = manifest::parse_stream(text);
    match std::mem::replace(&mut docs[0].content, DocumentContent::Empty) {
        DocumentContent::Postgresql(parsed) => parsed.resource,
        other => panic!("not a postgresql: {other:?}"),
    }
}

fn config() -> OperatorConfig {
    OperatorConfig::default()
}

/// What the API server holds after the controller applied every object of `plan`: the applied
/// JSON with our field manager, plus fields the server adds.
fn live_after(plan: &Plan) -> Snapshot {
    let mut live = Snapshot::default();
    for action in &plan.actions {
        match action {
            Action::Apply { object, .. } | Action::CreateIfAbsent { object, .. } => {
                let mut value = object.to_json();
                value["metadata"]["uid"] = json!(format!("uid-{}", object.name()));
                value["metadata"]["resourceVersion"] = json!("7");
                value["metadata"]["managedFields"] = json!([
                    {"manager": CONTROLLER_FIELD_MANAGER, "operation": "Apply", "fieldsV1": {}}
                ]);
                let kind = object.kind();
                live.insert(kind, value, true);
            }
            Action::EnsureSecret { secret, .. } => {
                live.secrets
                    .insert((secret.namespace.clone(), secret.name.clone()));
            }
            _ => {}
        }
    }
    live
}

fn writes(plan: &Plan) -> Vec<(Kind, String)> {
    plan.writes().map(Action::target).collect()
}

#[test]
fn a_new_cluster_creates_everything_in_order() {
    let plan = plan(&pg(MANIFEST), &config(), &Snapshot::default()).expect("plan");
    let kinds: Vec<Kind> = plan.writes().map(|a| a.target().0).collect();
    assert_eq!(
        kinds,
        vec![
            Kind::ServiceAccount,
            Kind::RoleBinding,
            Kind::Secret,
            Kind::Secret,
            Kind::Secret,
            Kind::Service,
            Kind::Service,
            Kind::Endpoints,
            Kind::PodDisruptionBudget,
            Kind::PodDisruptionBudget,
            Kind::StatefulSet,
        ]
    );
    for action in &plan.actions {
        if let Action::Apply { object, change } = action {
            assert_eq!(change, &Change::Create);
            let hash = object
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(APPLIED_HASH_ANNOTATION));
            assert_eq!(hash.map(String::len), Some(64), "{}", object.name());
        }
    }
}

#[test]
fn an_applied_cluster_needs_no_write() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let live = live_after(&first);
    let again = plan(&pg, &config(), &live).expect("plan");
    assert_eq!(writes(&again), vec![]);
}

#[test]
fn a_removed_annotation_makes_the_service_apply_again() {
    let before = pg(MANIFEST);
    let first = plan(&before, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    // The server reports which fields the controller owns.
    let master = live
        .objects
        .get_mut(&(Kind::Service, "acid-plan".to_string()))
        .expect("master service");
    master["metadata"]["managedFields"][0]["fieldsV1"] =
        json!({"f:metadata": {"f:annotations": {"f:a": {}, "f:b": {}}}});

    let after = pg(&MANIFEST.replace("    b: \"2\"\n", ""));
    let second = plan(&after, &config(), &live).expect("plan");
    assert_eq!(
        writes(&second),
        vec![
            (Kind::Service, "acid-plan".to_string()),
            (Kind::Service, "acid-plan-repl".to_string()),
        ]
    );
    let change = second
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Apply { object, change } if object.name() == "acid-plan" => Some(change),
            _ => None,
        })
        .expect("the master service");
    assert_eq!(
        change,
        &Change::Update {
            changed: vec![],
            removed: vec!["metadata.annotations.b".to_string()]
        }
    );
}

#[test]
fn a_live_copy_without_its_type_is_unchanged() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    // A dynamic client's copy may lack apiVersion and kind.
    for object in live.objects.values_mut() {
        if let Some(map) = object.as_object_mut() {
            map.remove("apiVersion");
            map.remove("kind");
        }
    }
    let again = plan(&pg, &config(), &live).expect("plan");
    assert_eq!(writes(&again), vec![]);
}

#[test]
fn drift_by_someone_else_is_repaired() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    live.objects
        .get_mut(&(Kind::Service, "acid-plan".to_string()))
        .expect("service")["metadata"]["annotations"]["a"] = json!("changed");
    let again = plan(&pg, &config(), &live).expect("plan");
    assert_eq!(
        writes(&again),
        vec![(Kind::Service, "acid-plan".to_string())]
    );
}

#[test]
fn orphans_of_prunable_kinds_applied_by_the_controller_are_deleted() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    live.of_cluster.push(LiveObject {
        kind: Kind::Service,
        name: "acid-plan-old".into(),
        uid: Some("u-old".into()),
        applied_by_controller: true,
    });
    // Patroni's config Service carries the labels too, but another manager.
    live.of_cluster.push(LiveObject {
        kind: Kind::Service,
        name: "acid-plan-config".into(),
        uid: Some("u-config".into()),
        applied_by_controller: false,
    });
    let again = plan(&pg, &config(), &live).expect("plan");
    let deletions: Vec<&Action> = again
        .actions
        .iter()
        .filter(|a| matches!(a, Action::Delete(_)))
        .collect();
    assert_eq!(
        deletions,
        vec![&Action::Delete(Orphan {
            kind: Kind::Service,
            name: "acid-plan-old".into(),
            uid: Some("u-old".into())
        })]
    );
}

#[test]
fn the_logical_backup_cron_job_comes_and_goes_with_enable_logical_backup() {
    let enabled = pg(&MANIFEST.replace(
        "  teamId: acid\n",
        "  teamId: acid\n  enableLogicalBackup: true\n",
    ));
    let first = plan(&enabled, &config(), &Snapshot::default()).expect("plan");
    assert!(
        writes(&first).contains(&(Kind::CronJob, "logical-backup-acid-plan".to_string())),
        "{:?}",
        writes(&first)
    );
    // Unchanged: no write.
    let live = live_after(&first);
    let again = plan(&enabled, &config(), &live).expect("plan");
    assert!(
        !writes(&again)
            .iter()
            .any(|(kind, _)| *kind == Kind::CronJob)
    );
    // Turned off: the CronJob the controller applied is deleted.
    let mut live = live;
    live.of_cluster.push(LiveObject {
        kind: Kind::CronJob,
        name: "logical-backup-acid-plan".into(),
        uid: Some("u-cron".into()),
        applied_by_controller: true,
    });
    let off = plan(&pg(MANIFEST), &config(), &live).expect("plan");
    assert!(off.actions.contains(&Action::Delete(Orphan {
        kind: Kind::CronJob,
        name: "logical-backup-acid-plan".into(),
        uid: Some("u-cron".into()),
    })));
}

#[test]
fn only_services_and_pdbs_are_prunable() {
    for kind in [
        Kind::Endpoints,
        Kind::Secret,
        Kind::PersistentVolumeClaim,
        Kind::StatefulSet,
        Kind::ServiceAccount,
        Kind::RoleBinding,
        Kind::Pod,
    ] {
        assert!(!kind.prunable(), "{kind}");
    }
}

#[test]
fn live_claim_templates_are_kept_and_count_in_the_hash() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    let sts = live
        .objects
        .get_mut(&(Kind::StatefulSet, "acid-plan".to_string()))
        .expect("sts");
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] =
        json!("5Gi");
    // A resize is not applied through the template: the live one stays, so the StatefulSet is
    // unchanged as soon as it carries the hash of the object with the live templates.
    let second = plan(&pg, &config(), &live).expect("plan");
    let sts_change = second
        .actions
        .iter()
        .find_map(|a| match a {
            Action::Apply { object, change } if object.kind() == Kind::StatefulSet => {
                Some((object.clone(), change.clone()))
            }
            _ => None,
        })
        .expect("sts");
    let Object::StatefulSet(sts) = *sts_change.0 else {
        panic!("not a statefulset");
    };
    let templates = sts
        .spec
        .and_then(|s| s.volume_claim_templates)
        .expect("templates");
    let requests = templates[0]
        .spec
        .as_ref()
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.clone())
        .unwrap_or_default();
    assert_eq!(requests.get("storage").map(|q| q.0.as_str()), Some("5Gi"));
}

#[test]
fn the_statefulset_is_not_written_again_for_the_server_defaults_of_its_claim_templates() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    let sts = live
        .objects
        .get_mut(&(Kind::StatefulSet, "acid-plan".to_string()))
        .expect("sts");
    // What the API server adds to a claim template.
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["volumeMode"] = json!("Filesystem");
    sts["spec"]["volumeClaimTemplates"][0]["status"] = json!({"phase": "Pending"});
    let again = plan(&pg, &config(), &live).expect("plan");
    assert_eq!(writes(&again), vec![]);
}

#[test]
fn outdated_unflagged_pods_are_flagged() {
    let pg = pg(MANIFEST);
    let first = plan(&pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    let pod = |name: &str, hash: &str, flagged: bool| {
        let mut annotations = BTreeMap::new();
        annotations.insert(
            crate::build::TEMPLATE_HASH_ANNOTATION.to_string(),
            hash.to_string(),
        );
        if flagged {
            annotations.insert(ROLLING_UPDATE_FLAG.to_string(), "true".to_string());
        }
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                annotations: Some(annotations),
                ..ObjectMeta::default()
            },
            ..Pod::default()
        }
    };
    let current = rollout::template_hash_of(first.template.as_ref().expect("template"))
        .expect("hash")
        .to_string();
    live.pods = vec![
        pod("acid-plan-0", &current, false),
        pod("acid-plan-1", "old", false),
        pod("acid-plan-2", "old", true),
    ];
    let again = plan(&pg, &config(), &live).expect("plan");
    assert_eq!(writes(&again), vec![(Kind::Pod, "acid-plan-1".to_string())]);
}

fn pod_with_hash(name: &str, hash: &str) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            annotations: Some(BTreeMap::from([(
                crate::build::TEMPLATE_HASH_ANNOTATION.to_string(),
                hash.to_string(),
            )])),
            ..ObjectMeta::default()
        },
        ..Pod::default()
    }
}

/// The live objects of `pg` as an earlier build left them: its template hashed `older`, and
/// its pods made from it.
fn made_by_an_older_build(pg: &Postgresql) -> Snapshot {
    let first = plan(pg, &config(), &Snapshot::default()).expect("plan");
    let mut live = live_after(&first);
    let sts = live
        .objects
        .get_mut(&(Kind::StatefulSet, "acid-plan".to_string()))
        .expect("sts");
    let annotations = &mut sts["spec"]["template"]["metadata"]["annotations"];
    annotations[crate::build::TEMPLATE_HASH_ANNOTATION] = json!("older");
    // The older build set an env variable this one does not.
    sts["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array_mut()
        .expect("env")
        .push(json!({"name": "OLDER_BUILD", "value": "1"}));
    live.pods = vec![
        pod_with_hash("acid-plan-0", "older"),
        pod_with_hash("acid-plan-1", "older"),
    ];
    live
}

/// How many pods `plan` flags for replacement.
fn flagged_pods(plan: &Plan) -> usize {
    plan.writes().filter(|a| a.target().0 == Kind::Pod).count()
}

fn equivalent(plan: &Plan) -> Vec<&str> {
    crate::build::statefulset::equivalent_hashes(plan.template.as_ref().expect("template"))
        .collect()
}

#[test]
fn a_template_changed_by_the_build_alone_keeps_the_pods() {
    let mut pg = pg(MANIFEST);
    pg.metadata.generation = Some(1);
    let live = made_by_an_older_build(&pg);
    let again = plan(&pg, &config(), &live).expect("plan");
    // The template is brought to this build's (the env variable goes), the pods stay.
    assert_eq!(
        writes(&again),
        vec![(Kind::StatefulSet, "acid-plan".to_string())]
    );
    assert_eq!(equivalent(&again), vec!["older"]);
    for pod in &live.pods {
        assert!(!rollout::pod_outdated(pod, again.template.as_ref(), false));
    }

    // Settled: the next pass writes nothing, and the list stays.
    let mut settled = live_after(&again);
    settled.pods = live.pods.clone();
    let third = plan(&pg, &config(), &settled).expect("plan");
    assert_eq!(writes(&third), vec![]);
    assert_eq!(equivalent(&third), vec!["older"]);

    // A change of the manifest that leaves the template as it is keeps the list…
    let mut users = pg.clone();
    users.metadata.generation = Some(2);
    users
        .spec
        .users
        .get_or_insert_with(Default::default)
        .insert("other".to_string(), Vec::new());
    let neutral = plan(&users, &config(), &settled).expect("plan");
    assert_eq!(equivalent(&neutral), vec!["older"]);
    assert_eq!(flagged_pods(&neutral), 0);

    // …one that changes it rolls every pod not on the new template.
    let mut image = pg.clone();
    image.metadata.generation = Some(2);
    image.spec.docker_image = Some("spilo:new".to_string());
    let real = plan(&image, &config(), &settled).expect("plan");
    assert!(equivalent(&real).is_empty());
    assert_eq!(flagged_pods(&real), 2);
}

#[test]
fn a_new_configuration_or_restart_request_with_a_new_template_rolls_the_pods() {
    let mut pg = pg(MANIFEST);
    pg.metadata.generation = Some(1);
    let live = made_by_an_older_build(&pg);
    // Another ConfigMap that changes the template: other inputs, another template.
    let data = BTreeMap::from([("docker_image".to_string(), "spilo:other".to_string())]);
    let other = OperatorConfig::from_config_map_data(&data)
        .expect("config")
        .config;
    let planned = plan(&pg, &other, &live).expect("plan");
    assert!(equivalent(&planned).is_empty());
    assert_eq!(flagged_pods(&planned), 2);

    // A restart request.
    let mut restarted = pg.clone();
    restarted.metadata.annotations = Some(BTreeMap::from([(
        crate::build::RESTARTED_AT_ANNOTATION.to_string(),
        "2026-12-04T00:00:00Z".to_string(),
    )]));
    let planned = plan(&restarted, &config(), &live).expect("plan");
    assert!(equivalent(&planned).is_empty());
    assert_eq!(flagged_pods(&planned), 2);

    // A live StatefulSet without inputs hash (a build before this rule) is taken at its word:
    // another template hash is an outdated template.
    let mut unmarked = live.clone();
    let sts = unmarked
        .objects
        .get_mut(&(Kind::StatefulSet, "acid-plan".to_string()))
        .expect("sts");
    sts["metadata"]["annotations"]
        .as_object_mut()
        .expect("annotations")
        .remove(crate::build::INPUTS_HASH_ANNOTATION);
    let planned = plan(&pg, &config(), &unmarked).expect("plan");
    assert!(equivalent(&planned).is_empty());
    assert_eq!(flagged_pods(&planned), 2);
}

#[test]
fn the_equivalent_hashes_are_bounded() {
    let mut pg = pg(MANIFEST);
    pg.metadata.generation = Some(1);
    let mut live = made_by_an_older_build(&pg);
    let list: Vec<String> = (0..20).map(|i| format!("b{i}")).collect();
    live.objects
        .get_mut(&(Kind::StatefulSet, "acid-plan".to_string()))
        .expect("sts")["spec"]["template"]["metadata"]["annotations"]
        [crate::build::EQUIVALENT_HASHES_ANNOTATION] = json!(list.join(","));
    let planned = plan(&pg, &config(), &live).expect("plan");
    let kept = equivalent(&planned);
    assert_eq!(kept.len(), crate::build::statefulset::MAX_EQUIVALENT_HASHES);
    // The newest: the live template's own hash last.
    assert_eq!(kept.last(), Some(&"older"));
    assert_eq!(kept.first(), Some(&"b13"));
}

#[test]
fn the_hash_ignores_its_own_annotation() {
    let service = |annotations: &[(&str, &str)]| {
        let mut service = Service::default();
        service.metadata.name = Some("x".into());
        if !annotations.is_empty() {
            service.metadata.annotations = Some(
                annotations
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            );
        }
        Object::Service(service)
    };
    let without = service(&[]);
    assert_eq!(
        applied_hash(&without),
        applied_hash(&service(&[(APPLIED_HASH_ANNOTATION, "h")]))
    );
    assert_ne!(
        applied_hash(&without),
        applied_hash(&service(&[("k", "v")]))
    );
    // The same object, the same hash.
    assert_eq!(applied_hash(&without), applied_hash(&service(&[])));
}

#[test]
fn kinds_parse_back_from_their_names() {
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
    }
    assert_eq!(Kind::parse("ConfigMap"), None);
}
