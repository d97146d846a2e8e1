//! Tests of `pgctl_shared::build`: snapshots of every builder for the fixture manifests and for
//! configuration variants, plus the rules the snapshots alone would not pin down.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Container, EnvVar, PodSpec, Service};
use pgctl_shared::build::{
    self, BuildError, ClusterContext, TEMPLATE_HASH_ANNOTATION, pdb, rbac, secret, service, spilo,
    statefulset,
};
use pgctl_shared::config::{NodeReadinessLabelMerge, OperatorConfig, Toleration};
use pgctl_shared::crd::{Postgresql, Tls};

mod common;
use common::{NAMESPACE, UID};

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// A fixture manifest as the API server would hand it over: with namespace and uid.
fn fixture(name: &str) -> Postgresql {
    common::load(&common::root().join("tests/fixtures").join(name))
}

fn minimal() -> Postgresql {
    fixture("minimal.yaml")
}

fn complete() -> Postgresql {
    fixture("complete.yaml")
}

fn standby() -> Postgresql {
    fixture("standby.yaml")
}

fn config() -> OperatorConfig {
    OperatorConfig::default()
}

/// The configuration of `configmap-custom.yaml` (every key changed from its default).
fn custom_config() -> OperatorConfig {
    let value: serde_yaml::Value =
        serde_yaml::from_str(&fixture_text("configmap-custom.yaml")).expect("yaml");
    let data: BTreeMap<String, String> =
        serde_yaml::from_value(value.get("data").cloned().expect("data")).expect("string map");
    OperatorConfig::from_config_map_data(&data)
        .expect("custom config parses")
        .config
}

fn sts(pg: &Postgresql, config: &OperatorConfig) -> StatefulSet {
    let ctx = ClusterContext::new(pg, config).expect("context");
    statefulset::statefulset(&ctx).expect("statefulset")
}

fn pod_spec(s: &StatefulSet) -> &PodSpec {
    s.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .expect("pod spec")
}

fn container<'a>(s: &'a StatefulSet, name: &str) -> &'a Container {
    pod_spec(s)
        .containers
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("container {name}"))
}

fn env<'a>(c: &'a Container, name: &str) -> Option<&'a EnvVar> {
    c.env.iter().flatten().find(|e| e.name == name)
}

fn env_value(c: &Container, name: &str) -> Option<String> {
    env(c, name).and_then(|e| e.value.clone())
}

fn hash(s: &StatefulSet) -> String {
    s.spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(TEMPLATE_HASH_ANNOTATION))
        .cloned()
        .expect("template hash annotation")
}

fn services(pg: &Postgresql, config: &OperatorConfig) -> (Service, Service) {
    let ctx = ClusterContext::new(pg, config).expect("context");
    (
        service::master_service(&ctx),
        service::replica_service(&ctx),
    )
}

fn limits(c: &Container) -> BTreeMap<String, String> {
    quantities(c.resources.as_ref().and_then(|r| r.limits.as_ref()))
}

fn requests(c: &Container) -> BTreeMap<String, String> {
    quantities(c.resources.as_ref().and_then(|r| r.requests.as_ref()))
}

fn quantities(
    list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> BTreeMap<String, String> {
    list.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.0.clone()))
        .collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Snapshots: fixtures with the default configuration

#[test]
fn snapshot_minimal() {
    let objects = build::desired(&minimal(), &config()).expect("desired");
    insta::assert_yaml_snapshot!("minimal_statefulset", objects.statefulset);
    insta::assert_yaml_snapshot!("minimal_master_service", objects.master_service);
    insta::assert_yaml_snapshot!("minimal_replica_service", objects.replica_service);
    insta::assert_yaml_snapshot!("minimal_master_endpoints", objects.master_endpoints);
    insta::assert_yaml_snapshot!("minimal_pdb", objects.pod_disruption_budget);
    insta::assert_yaml_snapshot!("minimal_service_account", objects.service_account);
    insta::assert_yaml_snapshot!("minimal_role_binding", objects.role_binding);
    let secrets: Vec<String> = objects
        .secrets
        .iter()
        .map(|s| format!("{}/{} ({})", s.namespace, s.name, s.username))
        .collect();
    insta::assert_yaml_snapshot!("minimal_required_secrets", secrets);
    insta::assert_json_snapshot!(
        "minimal_spilo_configuration",
        spilo::configuration(&minimal().spec, &config())
    );
}

#[test]
fn snapshot_complete() {
    let pg = complete();
    let objects = build::desired(&pg, &config()).expect("desired");
    insta::assert_yaml_snapshot!("complete_statefulset", objects.statefulset);
    insta::assert_yaml_snapshot!("complete_master_service", objects.master_service);
    insta::assert_yaml_snapshot!("complete_replica_service", objects.replica_service);
    insta::assert_yaml_snapshot!("complete_pdb", objects.pod_disruption_budget);
    let secrets: Vec<String> = objects
        .secrets
        .iter()
        .map(|s| format!("{}/{} ({})", s.namespace, s.name, s.username))
        .collect();
    insta::assert_yaml_snapshot!("complete_required_secrets", secrets);
    insta::assert_json_snapshot!(
        "complete_spilo_configuration",
        spilo::configuration(&pg.spec, &config())
    );
    let secret = secret::credentials(&pg, &config(), "foo_user", "test-password-not-secret")
        .expect("secret");
    insta::assert_yaml_snapshot!("complete_secret_foo_user", secret);
}

#[test]
fn snapshot_standby_env() {
    let s = sts(&standby(), &config());
    insta::assert_yaml_snapshot!("standby_postgres_env", container(&s, "postgres").env);
}

#[test]
fn snapshot_pod_cluster_role() {
    insta::assert_yaml_snapshot!("pod_cluster_role", rbac::pod_cluster_role(&config()));
}

// ---------------------------------------------------------------------------------------------
// Snapshots: configuration variants

/// Every key of the configuration changed: pod management, retention, run-as ids, readiness
/// probe, toleration, node readiness label (AND), preferred anti-affinity, no owner references,
/// no shm, etcd, custom labels, limits and thresholds.
#[test]
fn snapshot_custom_config() {
    let config = custom_config();
    let objects = build::desired(&minimal(), &config).expect("desired");
    insta::assert_yaml_snapshot!("custom_config_statefulset", objects.statefulset);
    insta::assert_yaml_snapshot!("custom_config_master_service", objects.master_service);
    insta::assert_yaml_snapshot!("custom_config_pdb", objects.pod_disruption_budget);
}

#[test]
fn snapshot_load_balancer() {
    let mut config = config();
    config.enable_master_load_balancer = true;
    config.enable_replica_load_balancer = true;
    config.custom_service_annotations = map(&[(
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        "true",
    )]);
    // The cluster name starts with the team, so the legacy DNS name is announced too.
    let (master, replica) = services(&minimal(), &config);
    insta::assert_yaml_snapshot!("load_balancer_master_service", master);
    insta::assert_yaml_snapshot!("load_balancer_replica_service", replica);
}

#[test]
fn snapshot_configmaps_dcs() {
    let mut config = config();
    config.kubernetes_use_configmaps = true;
    let objects = build::desired(&minimal(), &config).expect("desired");
    assert_eq!(objects.master_endpoints, None, "Patroni uses ConfigMaps");
    insta::assert_yaml_snapshot!("configmaps_master_service", objects.master_service);
    let postgres = container(&objects.statefulset, "postgres");
    assert_eq!(
        env_value(postgres, "KUBERNETES_USE_CONFIGMAPS").as_deref(),
        Some("true")
    );
}

#[test]
fn snapshot_anti_affinity() {
    let mut config = config();
    config.enable_pod_antiaffinity = true;
    config.node_readiness_label = map(&[("lifecycle-status", "ready")]);
    let required = sts(&complete(), &config);
    insta::assert_yaml_snapshot!(
        "anti_affinity_required_with_node_affinity",
        pod_spec(&required).affinity
    );
    config.pod_antiaffinity_preferred_during_scheduling = true;
    config.node_readiness_label_merge = NodeReadinessLabelMerge::And;
    let preferred = sts(&complete(), &config);
    insta::assert_yaml_snapshot!(
        "anti_affinity_preferred_node_affinity_and",
        pod_spec(&preferred).affinity
    );
}

#[test]
fn snapshot_tolerations() {
    let mut config = config();
    config.toleration = Some(Toleration {
        key: Some("db-only".to_string()),
        operator: Some("Exists".to_string()),
        value: None,
        effect: Some("NoSchedule".to_string()),
    });
    let from_config = sts(&minimal(), &config);
    insta::assert_yaml_snapshot!(
        "tolerations_from_config",
        pod_spec(&from_config).tolerations
    );
    // The manifest's tolerations replace the configured one.
    let from_manifest = sts(&complete(), &config);
    insta::assert_yaml_snapshot!(
        "tolerations_from_manifest",
        pod_spec(&from_manifest).tolerations
    );
}

#[test]
fn snapshot_tls() {
    let mut pg = minimal();
    pg.spec.tls = Some(Tls {
        secret_name: "pg-tls".to_string(),
        certificate_file: None,
        private_key_file: Some("/custom/key.pem".to_string()),
        ca_file: Some("ca.crt".to_string()),
        ca_secret_name: None,
    });
    let s = sts(&pg, &config());
    let postgres = container(&s, "postgres");
    insta::assert_yaml_snapshot!("tls_volumes", pod_spec(&s).volumes);
    insta::assert_yaml_snapshot!("tls_postgres_volume_mounts", postgres.volume_mounts);
    let tls_env: Vec<&EnvVar> = postgres
        .env
        .iter()
        .flatten()
        .filter(|e| e.name.starts_with("SSL_"))
        .collect();
    insta::assert_yaml_snapshot!("tls_env", tls_env);
}

#[test]
fn snapshot_sidecars() {
    let s = sts(&complete(), &config());
    let sidecars: Vec<&Container> = pod_spec(&s)
        .containers
        .iter()
        .filter(|c| c.name != "postgres")
        .collect();
    insta::assert_yaml_snapshot!("sidecars_containers", sidecars);
    insta::assert_yaml_snapshot!("sidecars_init_containers", pod_spec(&s).init_containers);
}

/// Each of the reference operator's example manifests: the `postgres` container's env and
/// volume mounts and the pod's volumes, as the default configuration builds them (what a side by
/// side diff with the reference compares; differences are listed in docs/objects.md).
#[test]
fn snapshot_reference_manifests() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    for name in [
        "minimal-postgres-manifest.yaml",
        "minimal-postgres-lowest-version-manifest.yaml",
        "complete-postgres-manifest.yaml",
        "standby-manifest.yaml",
    ] {
        let pg = common::load(&dir.join(name));
        let s = sts(&pg, &config());
        let postgres = container(&s, "postgres");
        let pinned = serde_json::json!({
            "env": postgres.env,
            "volumeMounts": postgres.volume_mounts,
            "volumes": pod_spec(&s).volumes,
        });
        let snapshot = format!("reference_{}", name.trim_end_matches(".yaml"));
        insta::assert_yaml_snapshot!(snapshot, pinned);
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism and the template hash

#[test]
fn building_twice_gives_identical_objects_and_hash() {
    for pg in [minimal(), complete(), standby()] {
        let first = build::desired(&pg, &config()).expect("desired");
        let second = build::desired(&pg, &config()).expect("desired");
        assert_eq!(first, second);
        assert_eq!(hash(&first.statefulset), hash(&second.statefulset));
        let first_json = serde_json::to_string(&first.to_json().expect("json")).expect("text");
        let second_json = serde_json::to_string(&second.to_json().expect("json")).expect("text");
        assert_eq!(first_json, second_json);
    }
}

#[test]
fn template_hash_is_the_hash_of_the_pod_spec() {
    let s = sts(&complete(), &config());
    let expected = statefulset::template_hash(pod_spec(&s)).expect("hash");
    assert_eq!(hash(&s), expected);
    assert_eq!(expected.len(), 64);
    assert!(expected.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn changing_the_image_changes_the_template_hash() {
    let pg = complete();
    let before = sts(&pg, &config());
    let mut changed = pg.clone();
    changed.spec.docker_image = Some("ghcr.io/zalando/spilo-18:4.1-p3".to_string());
    let after = sts(&changed, &config());
    assert_ne!(hash(&before), hash(&after));

    // The configured image counts when the manifest has none.
    let mut config = config();
    let default_image = hash(&sts(&minimal(), &config));
    config.docker_image = "registry.example.com/spilo:other".to_string();
    assert_ne!(default_image, hash(&sts(&minimal(), &config)));
}

#[test]
fn the_dynamic_configuration_is_read_back_from_the_template() {
    let mut pg = complete();
    pg.spec
        .postgresql
        .parameters
        .get_or_insert_with(BTreeMap::new)
        .insert("work_mem".to_string(), "64MB".to_string());
    let s = sts(&pg, &config());
    let template = &s.spec.as_ref().expect("spec").template;
    let dynamic = spilo::dynamic_part_of(template).expect("SPILO_CONFIGURATION");
    assert_eq!(dynamic["postgresql"]["parameters"]["work_mem"], "64MB");
    let configuration: serde_json::Value = serde_json::from_str(
        &env_value(container(&s, "postgres"), "SPILO_CONFIGURATION").expect("env"),
    )
    .expect("json");
    assert_eq!(spilo::dynamic_part(&configuration), dynamic);
    assert_eq!(
        spilo::static_part(&configuration)["bootstrap"]["dcs"],
        serde_json::json!({})
    );
    assert_eq!(
        spilo::static_part(&configuration)["bootstrap"]["initdb"],
        configuration["bootstrap"]["initdb"]
    );
    let hash = spilo::dynamic_hash(&dynamic);
    assert_eq!(hash.len(), 32);
    assert_eq!(hash, spilo::dynamic_hash(&dynamic.clone()));
    assert_ne!(hash, spilo::dynamic_hash(&serde_json::json!({})));
}

#[test]
fn the_configured_image_does_not_count_when_the_manifest_names_one() {
    let mut pg = minimal();
    pg.spec.docker_image = Some("ghcr.io/zalando/spilo-18:4.1-p3".to_string());
    let mut config = config();
    let before = hash(&sts(&pg, &config));
    config.docker_image = "registry.example.com/spilo:other".to_string();
    assert_eq!(before, hash(&sts(&pg, &config)));
}

#[test]
fn a_restart_request_changes_the_template_hash_and_reaches_the_pods() {
    let pg = complete();
    let before = sts(&pg, &config());
    let mut restarted = pg.clone();
    restarted
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(
            build::RESTARTED_AT_ANNOTATION.to_string(),
            "2026-01-01T00:00:00Z".to_string(),
        );
    let first = sts(&restarted, &config());
    assert_ne!(hash(&before), hash(&first));
    assert_eq!(
        hash(&first),
        statefulset::restart_hash(&hash(&before), "2026-01-01T00:00:00Z")
    );
    let template_annotations = first
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .expect("template annotations");
    assert_eq!(
        template_annotations
            .get(build::RESTARTED_AT_ANNOTATION)
            .map(String::as_str),
        Some("2026-01-01T00:00:00Z")
    );
    // The same request again changes nothing; a new one changes the hash again.
    assert_eq!(hash(&first), hash(&sts(&restarted, &config())));
    restarted
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(
            build::RESTARTED_AT_ANNOTATION.to_string(),
            "2026-01-02T00:00:00Z".to_string(),
        );
    assert_ne!(hash(&first), hash(&sts(&restarted, &config())));
}

#[test]
fn changing_the_number_of_instances_keeps_the_template_hash() {
    let pg = complete();
    let before = sts(&pg, &config());
    let mut scaled = pg.clone();
    scaled.spec.number_of_instances = 5;
    let after = sts(&scaled, &config());
    assert_eq!(hash(&before), hash(&after));
    assert_eq!(after.spec.as_ref().and_then(|s| s.replicas), Some(5));
    assert_eq!(before.spec.as_ref().and_then(|s| s.replicas), Some(2));
}

#[test]
fn pod_annotations_and_dcs_parameters_keep_the_template_hash_local_parameters_do_not() {
    let pg = complete();
    let before = sts(&pg, &config());
    let mut annotated = pg.clone();
    annotated
        .spec
        .pod_annotations
        .get_or_insert_with(BTreeMap::new)
        .insert("new.key".to_string(), "x".to_string());
    let after = sts(&annotated, &config());
    assert_eq!(hash(&before), hash(&after));
    let annotations = after
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .expect("annotations");
    assert_eq!(annotations.get("new.key").map(String::as_str), Some("x"));

    // A parameter Patroni keeps in the DCS is applied live (PATCH /config): same hash, but the
    // StatefulSet carries it (for pods of a new cluster).
    let mut tuned = pg.clone();
    tuned
        .spec
        .postgresql
        .parameters
        .get_or_insert_with(BTreeMap::new)
        .insert("work_mem".to_string(), "64MB".to_string());
    let tuned_sts = sts(&tuned, &config());
    assert_eq!(hash(&before), hash(&tuned_sts));
    let spilo = env_value(container(&tuned_sts, "postgres"), "SPILO_CONFIGURATION")
        .expect("SPILO_CONFIGURATION");
    assert!(spilo.contains("\"work_mem\":\"64MB\""), "{spilo}");
    let mut ttl = pg.clone();
    ttl.spec.patroni.get_or_insert_with(Default::default).ttl = Some(45);
    assert_eq!(hash(&before), hash(&sts(&ttl, &config())));

    // A parameter of the local configuration (here shared_buffers) needs new pods.
    let mut local = pg.clone();
    local
        .spec
        .postgresql
        .parameters
        .get_or_insert_with(BTreeMap::new)
        .insert("shared_buffers".to_string(), "1GB".to_string());
    assert_ne!(hash(&before), hash(&sts(&local, &config())));
}

// ---------------------------------------------------------------------------------------------
// Metadata, labels and owner references

#[test]
fn the_critical_operation_budget_keeps_every_pod_labelled_for_it() {
    let pg = complete();
    let defaults = config();
    let ctx = ClusterContext::new(&pg, &defaults).expect("context");
    let budget = pdb::critical_op_pod_disruption_budget(&ctx);
    let name = pg.metadata.name.clone().expect("name");
    assert_eq!(
        budget.metadata.name,
        Some(format!("postgres-{name}-critical-op-pdb"))
    );
    let spec = budget.spec.expect("spec");
    assert_eq!(
        spec.min_available,
        Some(
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(
                pg.spec.number_of_instances
            )
        )
    );
    let selector = spec.selector.and_then(|s| s.match_labels).expect("labels");
    assert_eq!(selector["critical-operation"], "true");
    assert_eq!(selector["cluster-name"], name);
    assert!(!selector.contains_key("spilo-role"));
    // Off, or no instances: it blocks nothing.
    let off = OperatorConfig {
        enable_pod_disruption_budget: false,
        ..config()
    };
    let ctx = ClusterContext::new(&pg, &off).expect("context");
    let spec = pdb::critical_op_pod_disruption_budget(&ctx)
        .spec
        .expect("spec");
    assert_eq!(
        spec.min_available,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(0))
    );
}

#[test]
fn every_child_has_labels_and_an_owner_reference() {
    let mut pg = complete();
    pg.metadata
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert("application".to_string(), "not-spilo".to_string());
    let mut config = config();
    config.inherited_labels = vec!["environment".to_string(), "application".to_string()];
    config.inherited_annotations = vec!["delete-date".to_string()];
    let objects = build::desired(&pg, &config).expect("desired");
    let expected = map(&[
        ("application", "spilo"),
        ("cluster-name", "acid-test-cluster"),
        ("environment", "demo"),
        ("team", "acid"),
    ]);
    let metas = [
        &objects.statefulset.metadata,
        &objects.master_service.metadata,
        &objects.replica_service.metadata,
        &objects.pod_disruption_budget.metadata,
        &objects
            .master_endpoints
            .as_ref()
            .expect("endpoints")
            .metadata,
    ];
    for meta in metas {
        let labels = meta.labels.as_ref().expect("labels");
        for (k, v) in &expected {
            assert_eq!(labels.get(k), Some(v), "{:?}: label {k}", meta.name);
        }
        assert_eq!(
            meta.annotations
                .as_ref()
                .and_then(|a| a.get("delete-date"))
                .map(String::as_str),
            Some("2030-08-31"),
            "{:?}",
            meta.name
        );
        assert_eq!(meta.namespace.as_deref(), Some(NAMESPACE));
        let owners = meta.owner_references.as_ref().expect("owner references");
        assert_eq!(owners.len(), 1);
        let owner = &owners[0];
        assert_eq!(owner.api_version, "acid.zalan.do/v1");
        assert_eq!(owner.kind, "postgresql");
        assert_eq!(owner.name, "acid-test-cluster");
        assert_eq!(owner.uid, UID);
        assert_eq!(owner.controller, Some(true));
        assert_eq!(owner.block_owner_deletion, Some(true));
    }
    // The inherited `application` label cannot replace the selector's.
    let spec = objects.statefulset.spec.as_ref().expect("spec");
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .expect("template labels");
    for (k, v) in spec.selector.match_labels.as_ref().expect("selector") {
        assert_eq!(template_labels.get(k), Some(v), "selector label {k}");
    }
    // Shared per-namespace objects carry no owner reference.
    assert_eq!(objects.service_account.metadata.owner_references, None);
    assert_eq!(objects.role_binding.metadata.owner_references, None);
}

#[test]
fn pod_annotations_merge_config_manifest_and_inherited() {
    let mut config = config();
    config.custom_pod_annotations = map(&[("keya", "valuea"), ("annotation.key", "config")]);
    config.inherited_annotations = vec!["delete-clustername".to_string()];
    let s = sts(&complete(), &config);
    let annotations = s
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.clone())
        .expect("annotations");
    assert_eq!(annotations.get("keya").map(String::as_str), Some("valuea"));
    // The manifest's podAnnotations win over custom_pod_annotations.
    assert_eq!(
        annotations.get("annotation.key").map(String::as_str),
        Some("value")
    );
    assert_eq!(
        annotations.get("delete-clustername").map(String::as_str),
        Some("acid-test-cluster")
    );
}

#[test]
fn missing_uid_is_an_error_only_with_owner_references() {
    let mut pg = minimal();
    pg.metadata.uid = None;
    let err = build::desired(&pg, &config()).expect_err("uid is needed");
    assert!(
        matches!(
            err,
            BuildError::MissingMetadata {
                field: "metadata.uid",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "postgresql default/acid-minimal-cluster: metadata.uid is required for owner references \
         (enable_owner_references is on)"
    );

    let mut config = config();
    config.enable_owner_references = false;
    let objects = build::desired(&pg, &config).expect("no owner references needed");
    assert_eq!(objects.statefulset.metadata.owner_references, None);
    assert_eq!(objects.master_service.metadata.owner_references, None);
}

#[test]
fn missing_namespace_is_an_error() {
    let mut pg = minimal();
    pg.metadata.namespace = None;
    let err = build::desired(&pg, &config()).expect_err("namespace is needed");
    assert!(
        matches!(
            err,
            BuildError::MissingMetadata {
                field: "metadata.namespace",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_team_id_that_is_no_label_value_is_an_error() {
    let mut pg = minimal();
    pg.spec.team_id = "ACID team".to_string();
    let err = build::desired(&pg, &config()).expect_err("invalid label value");
    assert!(err.to_string().contains("spec.teamId"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// StatefulSet

#[test]
fn statefulset_basics_follow_the_reference() {
    let s = sts(&minimal(), &config());
    let spec = s.spec.as_ref().expect("spec");
    assert_eq!(spec.service_name.as_deref(), Some("acid-minimal-cluster"));
    assert_eq!(
        spec.update_strategy
            .as_ref()
            .and_then(|u| u.type_.as_deref()),
        Some("OnDelete")
    );
    assert_eq!(spec.pod_management_policy.as_deref(), Some("OrderedReady"));
    assert_eq!(
        spec.selector.match_labels,
        Some(map(&[
            ("application", "spilo"),
            ("cluster-name", "acid-minimal-cluster")
        ]))
    );
    let postgres = container(&s, "postgres");
    assert_eq!(
        postgres.image.as_deref(),
        Some(config().docker_image.as_str())
    );
    let ports: Vec<i32> = postgres
        .ports
        .iter()
        .flatten()
        .map(|p| p.container_port)
        .collect();
    assert_eq!(ports, vec![8008, 5432, 8080]);
    let pod = pod_spec(&s);
    assert_eq!(pod.service_account_name.as_deref(), Some("postgres-pod"));
    assert_eq!(pod.termination_grace_period_seconds, Some(300));
}

#[test]
fn instances_are_bounded_by_the_configuration() {
    let mut config = config();
    config.min_instances = 3;
    config.max_instances = 4;
    let replicas = |pg: &Postgresql, config: &OperatorConfig| {
        sts(pg, config).spec.as_ref().and_then(|s| s.replicas)
    };
    assert_eq!(replicas(&minimal(), &config), Some(3));
    let mut big = minimal();
    big.spec.number_of_instances = 9;
    assert_eq!(replicas(&big, &config), Some(4));
    // A standby cluster of one pod stays at one.
    assert_eq!(replicas(&standby(), &config), Some(1));
}

#[test]
fn spilo_env_has_the_operator_variables_first() {
    let mut pg = minimal();
    pg.spec.env = Some(vec![
        EnvVar {
            name: "scope".to_string(),
            value: Some("hijacked".to_string()),
            value_from: None,
        },
        EnvVar {
            name: "WAL_S3_BUCKET".to_string(),
            value: Some("bucket".to_string()),
            value_from: None,
        },
    ]);
    let s = sts(&pg, &config());
    let postgres = container(&s, "postgres");
    let names: Vec<&str> = postgres
        .env
        .iter()
        .flatten()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "SCOPE",
            "PGROOT",
            "POD_IP",
            "POD_NAMESPACE",
            "PGUSER_SUPERUSER",
            "KUBERNETES_SCOPE_LABEL",
            "KUBERNETES_ROLE_LABEL",
            "PGPASSWORD_SUPERUSER",
            "PGUSER_STANDBY",
            "PGPASSWORD_STANDBY",
            "PAM_OAUTH2",
            "HUMAN_ROLE",
            "ENABLE_WAL_PATH_COMPAT",
            "PGVERSION",
            "KUBERNETES_LABELS",
            "SPILO_CONFIGURATION",
            "DCS_ENABLE_KUBERNETES_API",
            "KUBERNETES_BOOTSTRAP_LABELS",
            "WAL_S3_BUCKET",
        ]
    );
    assert_eq!(
        env_value(postgres, "HUMAN_ROLE").as_deref(),
        Some("zalandos")
    );
    assert_eq!(
        env_value(postgres, "PAM_OAUTH2").as_deref(),
        Some("https://info.example.com/oauth2/tokeninfo?access_token= uid realm=/employees")
    );
    assert_eq!(
        env_value(postgres, "KUBERNETES_BOOTSTRAP_LABELS").as_deref(),
        Some(r#"{"critical-operation":"true"}"#)
    );
    // Without a PodDisruptionBudget, no bootstrap labels.
    let mut no_pdb = config();
    no_pdb.enable_pod_disruption_budget = false;
    assert_eq!(
        env_value(
            container(&sts(&pg, &no_pdb), "postgres"),
            "KUBERNETES_BOOTSTRAP_LABELS"
        ),
        None
    );
    assert_eq!(
        env_value(postgres, "SCOPE").as_deref(),
        Some("acid-minimal-cluster")
    );
    assert_eq!(env_value(postgres, "PGVERSION").as_deref(), Some("17"));
    assert_eq!(
        env_value(postgres, "KUBERNETES_LABELS").as_deref(),
        Some(r#"{"application":"spilo"}"#)
    );
    let password = env(postgres, "PGPASSWORD_SUPERUSER")
        .and_then(|e| e.value_from.as_ref())
        .and_then(|v| v.secret_key_ref.as_ref())
        .expect("secret ref");
    assert_eq!(
        password.name,
        "postgres.acid-minimal-cluster.credentials.postgresql.acid.zalan.do"
    );
    assert_eq!(password.key, "password");

    // With etcd, Patroni gets ETCD_HOST instead of the Kubernetes API.
    let mut config = config();
    config.etcd_host = "etcd:2379".to_string();
    config.kubernetes_use_configmaps = true;
    let s = sts(&minimal(), &config);
    let postgres = container(&s, "postgres");
    assert_eq!(
        env_value(postgres, "ETCD_HOST").as_deref(),
        Some("etcd:2379")
    );
    assert_eq!(env(postgres, "DCS_ENABLE_KUBERNETES_API"), None);
    assert_eq!(env(postgres, "KUBERNETES_USE_CONFIGMAPS"), None);
}

#[test]
fn spilo_configuration_splits_parameters_like_the_reference() {
    let pg = complete();
    let value = spilo::configuration(&pg.spec, &config());
    assert_eq!(
        value.pointer("/postgresql/parameters"),
        Some(&serde_json::json!({"shared_buffers": "32MB"}))
    );
    assert_eq!(
        value.pointer("/bootstrap/dcs/postgresql/parameters"),
        Some(&serde_json::json!({"log_statement": "all", "max_connections": "10"}))
    );
    assert_eq!(
        value.pointer("/bootstrap/initdb"),
        Some(&serde_json::json!([
            {"auth-host": "scram-sha-256"},
            {"auth-local": "trust"},
            "data-checksums",
            {"encoding": "UTF8"},
            {"locale": "en_US.UTF-8"}
        ]))
    );
    assert_eq!(
        value.pointer("/postgresql/pg_hba/0"),
        Some(&serde_json::json!("hostssl all all 0.0.0.0/0 md5"))
    );
    assert_eq!(value.pointer("/postgresql/bin_dir"), None);

    // The env value is the same configuration with sorted keys.
    let s = sts(&pg, &config());
    let text = env_value(container(&s, "postgres"), "SPILO_CONFIGURATION").expect("env");
    let parsed: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(parsed, value);
    assert!(
        text.starts_with(r#"{"bootstrap":{"dcs":{"failsafe_mode":false,"#),
        "{text}"
    );

    // Without PGVERSION, the binaries are chosen with bin_dir.
    let mut config = config();
    config.enable_pgversion_env_var = false;
    let value = spilo::configuration(&pg.spec, &config);
    assert_eq!(
        value.pointer("/postgresql/bin_dir"),
        Some(&serde_json::json!("/usr/lib/postgresql/18/bin"))
    );
    assert!(spilo::is_bootstrap_parameter("max_connections"));
    assert!(!spilo::is_bootstrap_parameter("shared_preload_libraries"));
}

#[test]
fn initdb_options_of_the_manifest_replace_the_defaults() {
    let mut pg = minimal();
    let patroni = pg.spec.patroni.get_or_insert_with(Default::default);
    patroni.initdb = Some(map(&[("auth-host", "scram-sha-256"), ("nosync", "false")]));
    let value = spilo::configuration(&pg.spec, &config());
    assert_eq!(
        value.pointer("/bootstrap/initdb"),
        Some(&serde_json::json!([
            {"auth-host": "scram-sha-256"},
            {"auth-local": "trust"},
            {"nosync": "false"}
        ]))
    );
}

#[test]
fn resources_use_defaults_and_enforce_the_minimum_limits() {
    // Minimal has no resources: the defaults, limits above the minimums.
    let s = sts(&minimal(), &config());
    let postgres = container(&s, "postgres");
    assert_eq!(
        requests(postgres),
        map(&[("cpu", "100m"), ("memory", "100Mi")])
    );
    assert_eq!(limits(postgres), map(&[("cpu", "1"), ("memory", "500Mi")]));

    // Limits below the minimums are raised; a limit below the request is raised to it.
    let mut pg = minimal();
    pg.spec.resources = Some(pgctl_shared::crd::Resources {
        requests: Some(pgctl_shared::crd::ResourceDescription {
            cpu: Some("300m".to_string()),
            memory: Some("200Mi".to_string()),
            ..Default::default()
        }),
        limits: Some(pgctl_shared::crd::ResourceDescription {
            cpu: Some("100m".to_string()),
            memory: Some("100Mi".to_string()),
            ..Default::default()
        }),
    });
    let s = sts(&pg, &config());
    let postgres = container(&s, "postgres");
    assert_eq!(
        limits(postgres),
        map(&[("cpu", "300m"), ("memory", "250Mi")])
    );

    // set_memory_request_to_limit and the maximum requests.
    let mut config = config();
    config.set_memory_request_to_limit = true;
    config.max_cpu_request = Some("200m".to_string());
    let s = sts(&pg, &config);
    let postgres = container(&s, "postgres");
    assert_eq!(
        requests(postgres),
        map(&[("cpu", "200m"), ("memory", "250Mi")])
    );

    // Sidecars get the defaults but not the thresholds.
    let s = sts(&complete(), &build_config_with_min_limit("2"));
    let telegraf = container(&s, "telegraf-sidecar");
    assert_eq!(
        limits(telegraf),
        map(&[("cpu", "500m"), ("memory", "500Mi")])
    );
    let postgres = container(&s, "postgres");
    assert_eq!(limits(postgres).get("cpu").map(String::as_str), Some("2"));
    assert_eq!(
        limits(postgres).get("hugepages-2Mi").map(String::as_str),
        Some("128Mi")
    );
}

fn build_config_with_min_limit(cpu: &str) -> OperatorConfig {
    let mut config = config();
    config.min_cpu_limit = Some(cpu.to_string());
    config
}

#[test]
fn an_invalid_quantity_names_its_field() {
    let mut pg = minimal();
    pg.spec.resources = Some(pgctl_shared::crd::Resources {
        requests: None,
        limits: Some(pgctl_shared::crd::ResourceDescription {
            cpu: Some("2 cores".to_string()),
            ..Default::default()
        }),
    });
    let err = build::desired(&pg, &config()).expect_err("invalid quantity");
    assert_eq!(
        err.to_string(),
        "postgresql default/acid-minimal-cluster: StatefulSet acid-minimal-cluster: \
         spec.resources.limits.cpu: \"2 cores\" is not a valid CPU quantity"
    );

    let mut pg = minimal();
    pg.spec.volume.size = "lots".to_string();
    let err = build::desired(&pg, &config()).expect_err("invalid size");
    assert!(err.to_string().contains("spec.volume.size"), "{err}");
}

#[test]
fn volumes_and_mounts() {
    let s = sts(&complete(), &config());
    let pod = pod_spec(&s);
    let volume_names: Vec<&str> = pod
        .volumes
        .iter()
        .flatten()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(
        volume_names,
        vec!["dshm", "empty", "conf", "pg-tls", "pg-tls-ca"]
    );
    let mounts = |c: &Container| -> Vec<String> {
        c.volume_mounts
            .iter()
            .flatten()
            .map(|m| format!("{}:{}", m.name, m.mount_path))
            .collect()
    };
    assert_eq!(
        mounts(container(&s, "postgres")),
        vec![
            "pgdata:/home/postgres/pgdata",
            "dshm:/dev/shm",
            "empty:/opt/empty",
            "pg-tls:/tls",
            "pg-tls-ca:/tlsca"
        ]
    );
    assert_eq!(
        mounts(container(&s, "telegraf-sidecar")),
        vec![
            "pgdata:/home/postgres/pgdata",
            "empty:/opt/empty",
            "conf:/etc/telegraf"
        ]
    );
    let data = &container(&s, "postgres")
        .volume_mounts
        .as_ref()
        .expect("mounts")[0];
    assert_eq!(
        data.sub_path_expr.as_deref(),
        Some("$(NODE_NAME)/$(POD_NAME)")
    );
    assert_eq!(data.sub_path, None);

    // The manifest turns the shm volume off even when the configuration has it on.
    let mut pg = minimal();
    pg.spec.enable_shm_volume = Some(false);
    let s = sts(&pg, &config());
    assert_eq!(pod_spec(&s).volumes, None);

    let claim = &s
        .spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.as_ref())
        .expect("claim templates")[0];
    assert_eq!(claim.metadata.name.as_deref(), Some("pgdata"));
    let claim_spec = claim.spec.as_ref().expect("claim spec");
    assert_eq!(
        claim_spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map(|q| q.0.as_str()),
        Some("1Gi")
    );
}

#[test]
fn conflicting_additional_volumes_are_errors() {
    let mut pg = complete();
    if let Some(volumes) = pg.spec.additional_volumes.as_mut() {
        volumes[1].mount_path = "/opt/empty".to_string();
    }
    let err = build::desired(&pg, &config()).expect_err("same mount path");
    assert!(
        err.to_string()
            .contains("spec.additionalVolumes[1].mountPath"),
        "{err}"
    );

    let mut pg = complete();
    if let Some(volumes) = pg.spec.additional_volumes.as_mut() {
        volumes[0].mount_path = "/home/postgres/pgdata".to_string();
    }
    let err = build::desired(&pg, &config()).expect_err("over PGDATA");
    assert!(
        err.to_string()
            .contains("spec.additionalVolumes[0].mountPath"),
        "{err}"
    );

    let mut pg = complete();
    if let Some(volumes) = pg.spec.additional_volumes.as_mut() {
        volumes[0].volume_source = serde_json::json!({"emptyDir": "big"});
    }
    let err = build::desired(&pg, &config()).expect_err("bad source");
    assert!(
        err.to_string()
            .contains("spec.additionalVolumes[0].volumeSource"),
        "{err}"
    );
}

#[test]
fn a_sidecar_needs_an_image_and_a_unique_name() {
    let mut pg = complete();
    if let Some(sidecars) = pg.spec.sidecars.as_mut() {
        sidecars[0].image = None;
    }
    let err = build::desired(&pg, &config()).expect_err("no image");
    assert!(err.to_string().contains("spec.sidecars[0].image"), "{err}");

    let mut pg = complete();
    if let Some(sidecars) = pg.spec.sidecars.as_mut() {
        sidecars[0].name = Some("postgres".to_string());
    }
    let err = build::desired(&pg, &config()).expect_err("duplicate name");
    assert!(err.to_string().contains("spec.sidecars[0].name"), "{err}");
}

#[test]
fn pod_environment_configmap_must_be_in_the_cluster_namespace() {
    let mut config = config();
    config.pod_environment_configmap = Some("default/pod-env".to_string());
    config.pod_environment_secret = Some("pod-env-secret".to_string());
    let s = sts(&complete(), &config);
    let sources = container(&s, "postgres").env_from.clone().expect("envFrom");
    let names: Vec<String> = sources
        .iter()
        .map(|s| {
            s.config_map_ref
                .as_ref()
                .map(|c| format!("configmap {}", c.name))
                .or_else(|| s.secret_ref.as_ref().map(|c| format!("secret {}", c.name)))
                .unwrap_or_default()
        })
        .collect();
    // The manifest's envFrom comes last, so it wins.
    assert_eq!(
        names,
        vec![
            "configmap pod-env",
            "secret pod-env-secret",
            "configmap extra-env"
        ]
    );

    config.pod_environment_configmap = Some("elsewhere/pod-env".to_string());
    let err = build::desired(&complete(), &config).expect_err("other namespace");
    assert!(
        err.to_string().contains("pod_environment_configmap"),
        "{err}"
    );
}

#[test]
fn clone_env_follows_the_method() {
    // complete.yaml clones from a WAL archive up to a timestamp.
    let s = sts(&complete(), &config());
    let postgres = container(&s, "postgres");
    assert_eq!(
        env_value(postgres, "CLONE_METHOD").as_deref(),
        Some("CLONE_WITH_WALE")
    );
    assert_eq!(
        env_value(postgres, "CLONE_WALE_S3_PREFIX").as_deref(),
        Some("s3://custom/path/to/bucket")
    );
    assert_eq!(
        env_value(postgres, "CLONE_AWS_S3_FORCE_PATH_STYLE").as_deref(),
        Some("1")
    );

    // Without a timestamp: pg_basebackup from the running cluster.
    let mut pg = complete();
    if let Some(clone) = pg.spec.clone.as_mut() {
        clone.timestamp = None;
    }
    let s = sts(&pg, &config());
    let postgres = container(&s, "postgres");
    assert_eq!(
        env_value(postgres, "CLONE_METHOD").as_deref(),
        Some("CLONE_WITH_BASEBACKUP")
    );
    assert_eq!(
        env_value(postgres, "CLONE_HOST").as_deref(),
        Some("acid-minimal-cluster")
    );
    let password = env(postgres, "CLONE_PASSWORD")
        .and_then(|e| e.value_from.as_ref())
        .and_then(|v| v.secret_key_ref.as_ref())
        .expect("secret ref");
    assert_eq!(
        password.name,
        "standby.acid-minimal-cluster.credentials.postgresql.acid.zalan.do"
    );
}

#[test]
fn node_readiness_label_is_its_own_term_or_joins_every_term() {
    let mut config = config();
    config.node_readiness_label = map(&[("lifecycle-status", "ready")]);
    let terms = |config: &OperatorConfig| {
        let s = sts(&complete(), config);
        pod_spec(&s)
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|n| {
                n.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|s| s.node_selector_terms.clone())
            .expect("terms")
    };
    let or_terms = terms(&config);
    assert_eq!(or_terms.len(), 2);
    config.node_readiness_label_merge = NodeReadinessLabelMerge::And;
    let and_terms = terms(&config);
    assert_eq!(and_terms.len(), 1);
    let keys: Vec<&str> = and_terms[0]
        .match_expressions
        .iter()
        .flatten()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(keys, vec!["postgres-operator", "lifecycle-status"]);
    // Without anything to say there is no affinity at all.
    assert_eq!(
        pod_spec(&sts(&minimal(), &OperatorConfig::default())).affinity,
        None
    );
}

#[test]
fn security_context_prefers_the_manifest() {
    let mut config = config();
    config.spilo_runasuser = Some(1000);
    config.spilo_fsgroup = Some(2000);
    let s = sts(&complete(), &config);
    let ctx = pod_spec(&s)
        .security_context
        .as_ref()
        .expect("security context");
    assert_eq!(ctx.run_as_user, Some(101));
    assert_eq!(ctx.run_as_group, Some(103));
    assert_eq!(ctx.fs_group, Some(103));
    let s = sts(&minimal(), &config);
    let ctx = pod_spec(&s)
        .security_context
        .as_ref()
        .expect("security context");
    assert_eq!(ctx.run_as_user, Some(1000));
    assert_eq!(ctx.run_as_group, None);
    assert_eq!(ctx.fs_group, Some(2000));
}

// ---------------------------------------------------------------------------------------------
// Services, Endpoints, PDB

#[test]
fn master_service_has_no_selector_unless_patroni_uses_configmaps() {
    let (master, replica) = services(&minimal(), &config());
    let master_spec = master.spec.as_ref().expect("spec");
    assert_eq!(master_spec.selector, None);
    assert_eq!(master_spec.type_.as_deref(), Some("ClusterIP"));
    let port = &master_spec.ports.as_ref().expect("ports")[0];
    assert_eq!(
        (port.name.as_deref(), port.port),
        (Some("postgresql"), 5432)
    );
    assert_eq!(
        replica.spec.as_ref().and_then(|s| s.selector.clone()),
        Some(map(&[
            ("application", "spilo"),
            ("cluster-name", "acid-minimal-cluster"),
            ("spilo-role", "replica")
        ]))
    );
    assert_eq!(
        master
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("spilo-role"))
            .map(String::as_str),
        Some("master")
    );
    assert_eq!(
        replica.metadata.name.as_deref(),
        Some("acid-minimal-cluster-repl")
    );

    let mut config = config();
    config.kubernetes_use_configmaps = true;
    let (master, _) = services(&minimal(), &config);
    assert_eq!(
        master.spec.as_ref().and_then(|s| s.selector.clone()),
        Some(map(&[
            ("application", "spilo"),
            ("cluster-name", "acid-minimal-cluster"),
            ("spilo-role", "master")
        ]))
    );
}

#[test]
fn load_balancer_settings_of_the_manifest_win() {
    let mut config = config();
    config.enable_master_load_balancer = true;
    // complete.yaml turns both load balancers off explicitly.
    let (master, _) = services(&complete(), &config);
    assert_eq!(
        master.spec.as_ref().and_then(|s| s.type_.as_deref()),
        Some("ClusterIP")
    );
    // The deprecated alias counts when the new field is absent.
    let mut pg = minimal();
    pg.spec.use_load_balancer = Some(true);
    pg.spec.allowed_source_ranges = Some(vec!["10.0.0.0/8".to_string()]);
    let (master, replica) = services(&pg, &OperatorConfig::default());
    let spec = master.spec.as_ref().expect("spec");
    assert_eq!(spec.type_.as_deref(), Some("LoadBalancer"));
    assert_eq!(
        spec.load_balancer_source_ranges,
        Some(vec!["10.0.0.0/8".to_string()])
    );
    assert_eq!(spec.external_traffic_policy.as_deref(), Some("Cluster"));
    assert_eq!(
        replica.spec.as_ref().and_then(|s| s.type_.as_deref()),
        Some("ClusterIP")
    );
    // Service annotations: the role-specific ones win over the general ones.
    let (master, replica) = services(&complete(), &OperatorConfig::default());
    let annotations = |s: &Service| s.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations(&master),
        map(&[("annotation.key", "value"), ("master.key", "value")])
    );
    assert_eq!(
        annotations(&replica),
        map(&[("annotation.key", "value"), ("replica.key", "value")])
    );
}

#[test]
fn pdb_protects_the_master_unless_disabled_or_empty() {
    let min_available = |pg: &Postgresql, config: &OperatorConfig| {
        let ctx = ClusterContext::new(pg, config).expect("context");
        pdb::pod_disruption_budget(&ctx)
            .spec
            .and_then(|s| s.min_available)
    };
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    assert_eq!(
        min_available(&minimal(), &config()),
        Some(IntOrString::Int(1))
    );
    let mut empty = minimal();
    empty.spec.number_of_instances = 0;
    assert_eq!(min_available(&empty, &config()), Some(IntOrString::Int(0)));
    let mut config = config();
    config.enable_pod_disruption_budget = false;
    assert_eq!(
        min_available(&minimal(), &config),
        Some(IntOrString::Int(0))
    );

    let ctx_config = OperatorConfig::default();
    let pg = minimal();
    let ctx = ClusterContext::new(&pg, &ctx_config).expect("context");
    let budget = pdb::pod_disruption_budget(&ctx);
    assert_eq!(
        budget.metadata.name.as_deref(),
        Some("postgres-acid-minimal-cluster-pdb")
    );
    assert_eq!(
        budget
            .spec
            .and_then(|s| s.selector)
            .and_then(|s| s.match_labels)
            .and_then(|l| l.get("spilo-role").cloned())
            .as_deref(),
        Some("master")
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets and RBAC

#[test]
fn required_users_are_system_users_then_login_roles() {
    assert_eq!(
        secret::required_users(&minimal(), &config()),
        vec!["postgres", "standby", "foo_user", "zalando"]
    );
    assert_eq!(
        secret::required_users(&complete(), &config()),
        vec![
            "postgres",
            "standby",
            "bar_owner_user",
            "bar_reader_user",
            "bar_writer_user",
            "flyway",
            "foo_user",
            "pooler",
            "zalando"
        ]
    );
    // NOLOGIN users get no Secret.
    let mut pg = minimal();
    pg.spec
        .users
        .get_or_insert_with(BTreeMap::new)
        .insert("group_role".to_string(), vec!["NOLOGIN".to_string()]);
    assert!(!secret::required_users(&pg, &config()).contains(&"group_role".to_string()));
}

#[test]
fn credentials_secret_holds_the_given_password() {
    let pg = minimal();
    let s = secret::credentials(&pg, &config(), "foo_user", "s3cr3t-value").expect("secret");
    assert_eq!(
        s.metadata.name.as_deref(),
        Some("foo-user.acid-minimal-cluster.credentials.postgresql.acid.zalan.do")
    );
    assert_eq!(s.type_.as_deref(), Some("Opaque"));
    let data = s.data.as_ref().expect("data");
    assert_eq!(
        data.get("username").map(|b| b.0.as_slice()),
        Some(&b"foo_user"[..])
    );
    assert_eq!(
        data.get("password").map(|b| b.0.as_slice()),
        Some(&b"s3cr3t-value"[..])
    );
    assert!(s.metadata.owner_references.is_some());
    // Without secret deletion the Secret outlives the cluster: no owner reference.
    let mut config = config();
    config.enable_secrets_deletion = false;
    let s = secret::credentials(&pg, &config, "foo_user", "x").expect("secret");
    assert_eq!(s.metadata.owner_references, None);
    // Rotation: the Secret of a role may hold another user name.
    let s =
        secret::credentials_for(&pg, &config, "foo_user", "foo_user250101", "x").expect("secret");
    assert_eq!(
        s.metadata.name.as_deref(),
        Some("foo-user.acid-minimal-cluster.credentials.postgresql.acid.zalan.do")
    );
    assert_eq!(
        s.data
            .as_ref()
            .and_then(|d| d.get("username"))
            .map(|b| b.0.as_slice()),
        Some(&b"foo_user250101"[..])
    );
}

#[test]
fn secrets_whose_names_collide_are_an_error() {
    let mut pg = minimal();
    let users = pg.spec.users.get_or_insert_with(BTreeMap::new);
    users.insert("foo-user".to_string(), Vec::new());
    let err = secret::required_secrets(&pg, &config()).expect_err("collision");
    assert!(err.to_string().contains("spec.users"), "{err}");
}

#[test]
fn secret_names_follow_the_template() {
    let config = custom_config();
    let mut pg = minimal();
    pg.metadata.uid = None;
    let secrets = secret::required_secrets(&pg, &config).expect("secrets");
    let names: Vec<&str> = secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "root-admin.acid-minimal-cluster.credentials",
            "replicator.acid-minimal-cluster.credentials",
            "foo-user.acid-minimal-cluster.credentials",
            "zalando.acid-minimal-cluster.credentials"
        ]
    );
}

#[test]
fn rbac_binds_the_pod_service_account_to_its_cluster_role() {
    let config = config();
    let binding = rbac::role_binding(&config, "team-a");
    assert_eq!(binding.metadata.namespace.as_deref(), Some("team-a"));
    assert_eq!(binding.role_ref.kind, "ClusterRole");
    assert_eq!(binding.role_ref.name, "postgres-pod");
    let subject = &binding.subjects.as_ref().expect("subjects")[0];
    assert_eq!(
        (
            subject.kind.as_str(),
            subject.name.as_str(),
            subject.namespace.as_deref()
        ),
        ("ServiceAccount", "postgres-pod", Some("team-a"))
    );
    let role = rbac::pod_cluster_role(&config);
    let resources: Vec<String> = role
        .rules
        .iter()
        .flatten()
        .flat_map(|r| r.resources.clone().unwrap_or_default())
        .collect();
    for needed in ["endpoints", "configmaps", "pods", "services"] {
        assert!(resources.iter().any(|r| r == needed), "{needed}");
    }
}

#[test]
fn pod_labels_always_match_the_selector() {
    // cluster_labels of the custom configuration hold `team: acid`; a different teamId and an
    // inherited label of the same key must not break the selector.
    let mut config = custom_config();
    config.inherited_labels.push("team".to_string());
    // The complete manifest has sidecars and init containers, which the custom configuration
    // turns off.
    config.enable_sidecars = true;
    config.enable_init_containers = true;
    let mut pg = complete();
    pg.spec.team_id = "other".to_string();
    pg.metadata
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert("team".to_string(), "inherited".to_string());
    for (pg, config) in [(pg, config), (minimal(), OperatorConfig::default())] {
        let s = sts(&pg, &config);
        let spec = s.spec.as_ref().expect("spec");
        let labels = spec
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .expect("labels");
        let selector = spec.selector.match_labels.clone().expect("selector");
        assert!(!selector.is_empty());
        for (k, v) in &selector {
            assert_eq!(labels.get(k), Some(v), "selector label {k}");
        }
    }
}

#[test]
fn patroni_failsafe_mode_follows_the_configuration_unless_the_manifest_says() {
    let failsafe = |pg: &Postgresql, config: &OperatorConfig| {
        spilo::configuration(&pg.spec, config)
            .pointer("/bootstrap/dcs/failsafe_mode")
            .cloned()
    };
    let mut pg = minimal();
    // Always written, as the reference does: false by default.
    assert_eq!(failsafe(&pg, &config()), Some(serde_json::json!(false)));
    let on = OperatorConfig {
        enable_patroni_failsafe_mode: true,
        ..OperatorConfig::default()
    };
    assert_eq!(failsafe(&pg, &on), Some(serde_json::json!(true)));
    pg.spec
        .patroni
        .get_or_insert_with(Default::default)
        .failsafe_mode = Some(false);
    assert_eq!(failsafe(&pg, &on), Some(serde_json::json!(false)));
}

#[test]
fn wal_archive_env_comes_from_the_configuration_as_in_the_reference() {
    // Without a bucket: no archive variables.
    let s = sts(&minimal(), &config());
    assert_eq!(env_value(container(&s, "postgres"), "WAL_S3_BUCKET"), None);

    let mut with_bucket = config();
    with_bucket.wal_s3_bucket = "acid-wal".into();
    with_bucket.log_s3_bucket = "acid-logs".into();
    let s = sts(&minimal(), &with_bucket);
    let postgres = container(&s, "postgres");
    assert_eq!(
        env_value(postgres, "WAL_S3_BUCKET").as_deref(),
        Some("acid-wal")
    );
    // Scoped by the resource's uid, so that a cluster made again under the same name never
    // shares its archive with the earlier one.
    assert_eq!(
        env_value(postgres, "WAL_BUCKET_SCOPE_SUFFIX"),
        Some(format!("/{UID}"))
    );
    assert_eq!(
        env_value(postgres, "WAL_BUCKET_SCOPE_PREFIX").as_deref(),
        Some("")
    );
    assert_eq!(
        env_value(postgres, "LOG_BUCKET_SCOPE_SUFFIX"),
        Some(format!("/{UID}"))
    );

    // spec.env wins over the configuration.
    let mut own = minimal();
    own.spec.env = Some(vec![EnvVar {
        name: "WAL_S3_BUCKET".into(),
        value: Some("team-bucket".into()),
        value_from: None,
    }]);
    let s = sts(&own, &with_bucket);
    let postgres = container(&s, "postgres");
    let buckets: Vec<_> = postgres
        .env
        .iter()
        .flatten()
        .filter(|e| e.name == "WAL_S3_BUCKET")
        .collect();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].value.as_deref(), Some("team-bucket"));

    // A clone from the archive without s3_wal_path reads this operator's bucket, under the
    // source's uid.
    let mut pg = complete();
    if let Some(clone) = pg.spec.clone.as_mut() {
        clone.s3_wal_path = None;
        clone.uid = Some("0000-source".into());
    }
    let s = sts(&pg, &with_bucket);
    let postgres = container(&s, "postgres");
    assert_eq!(
        env_value(postgres, "CLONE_WAL_S3_BUCKET").as_deref(),
        Some("acid-wal")
    );
    assert_eq!(
        env_value(postgres, "CLONE_WAL_BUCKET_SCOPE_SUFFIX").as_deref(),
        Some("/0000-source")
    );
}

// ---------------------------------------------------------------------------------------------
// Sidecars, init containers and the pod-template keys of the configuration

fn names(containers: &[Container]) -> Vec<&str> {
    containers.iter().map(|c| c.name.as_str()).collect()
}

fn mount_paths(c: &Container) -> Vec<(&str, &str)> {
    c.volume_mounts
        .iter()
        .flatten()
        .map(|m| (m.name.as_str(), m.mount_path.as_str()))
        .collect()
}

#[test]
fn global_sidecars_follow_the_manifests_which_win_a_name() {
    let mut config = config();
    config.sidecar_docker_images = BTreeMap::from([
        (
            "telegraf-sidecar".to_string(),
            "registry.example/telegraf:9".to_string(),
        ),
        ("audit".to_string(), "registry.example/audit:2".to_string()),
        (
            "exporter".to_string(),
            "registry.example/exporter:1".to_string(),
        ),
    ]);
    let s = sts(&complete(), &config);
    assert_eq!(
        names(&pod_spec(&s).containers),
        vec!["postgres", "telegraf-sidecar", "audit", "exporter"]
    );
    // The manifest's sidecar of the same name, not the configuration's.
    assert_eq!(
        container(&s, "telegraf-sidecar").image.as_deref(),
        Some("telegraf:latest")
    );
    let audit = container(&s, "audit");
    assert_eq!(audit.image.as_deref(), Some("registry.example/audit:2"));
    let env_names: Vec<&str> = audit
        .env
        .iter()
        .flatten()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        env_names,
        vec![
            "POD_NAME",
            "POD_NAMESPACE",
            "POSTGRES_USER",
            "POSTGRES_PASSWORD"
        ]
    );
    // The data directory, and the manifest's volume mounted into every container.
    assert_eq!(
        mount_paths(audit),
        vec![("pgdata", "/home/postgres/pgdata"), ("empty", "/opt/empty")]
    );
    assert_eq!(requests(audit).get("cpu").map(String::as_str), Some("100m"));

    // A manifest without sidecars gets the configuration's alone, sorted by name.
    let s = sts(&minimal(), &config);
    assert_eq!(
        names(&pod_spec(&s).containers),
        vec!["postgres", "audit", "exporter", "telegraf-sidecar"]
    );
}

#[test]
fn sidecars_and_init_containers_can_be_turned_off() {
    let mut config = config();
    config.enable_sidecars = false;
    let err = build::desired(&complete(), &config).expect_err("sidecars are off");
    assert!(
        err.to_string().contains("spec.sidecars") && err.to_string().contains("enable_sidecars"),
        "{err}"
    );
    // The configuration's own sidecars are not held back.
    config.sidecar_docker_images = BTreeMap::from([(
        "exporter".to_string(),
        "registry.example/exporter:1".to_string(),
    )]);
    let s = sts(&minimal(), &config);
    assert_eq!(
        names(&pod_spec(&s).containers),
        vec!["postgres", "exporter"]
    );

    let mut config = self::config();
    config.enable_init_containers = false;
    let mut pg = complete();
    pg.spec.sidecars = None;
    let err = build::desired(&pg, &config).expect_err("init containers are off");
    assert!(
        err.to_string().contains("spec.initContainers")
            && err.to_string().contains("enable_init_containers"),
        "{err}"
    );
    pg.spec.init_containers = None;
    build::desired(&pg, &config).expect("without init containers");
}

#[test]
fn the_socket_directory_is_shared_with_the_sidecars_only_when_asked() {
    let s = sts(&complete(), &config());
    assert!(
        !pod_spec(&s)
            .volumes
            .iter()
            .flatten()
            .any(|v| v.name == "postgresql-run")
    );
    let mut config = config();
    config.share_pgsocket_with_sidecars = true;
    let s = sts(&complete(), &config);
    let volume = pod_spec(&s)
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == "postgresql-run")
        .expect("the socket volume");
    assert_eq!(
        volume.empty_dir.as_ref().and_then(|e| e.medium.as_deref()),
        Some("Memory")
    );
    for c in &pod_spec(&s).containers {
        assert!(
            mount_paths(c).contains(&("postgresql-run", "/var/run/postgresql")),
            "{}: {:?}",
            c.name,
            mount_paths(c)
        );
    }
    for c in pod_spec(&s).init_containers.iter().flatten() {
        assert!(
            !mount_paths(c).iter().any(|(n, _)| *n == "postgresql-run"),
            "init container {}",
            c.name
        );
    }
}

#[test]
fn additional_capabilities_go_to_the_postgres_container_only() {
    let s = sts(&complete(), &config());
    let context = container(&s, "postgres").security_context.clone();
    assert!(context.and_then(|c| c.capabilities).is_none());
    let config = OperatorConfig::from_config_map_data(&BTreeMap::from([(
        "additional_pod_capabilities".to_string(),
        "sys_nice, CAP_CHOWN".to_string(),
    )]))
    .expect("valid")
    .config;
    let s = sts(&complete(), &config);
    let added = container(&s, "postgres")
        .security_context
        .as_ref()
        .and_then(|c| c.capabilities.as_ref())
        .and_then(|c| c.add.clone());
    assert_eq!(
        added,
        Some(vec!["SYS_NICE".to_string(), "CHOWN".to_string()])
    );
    assert!(
        container(&s, "telegraf-sidecar")
            .security_context
            .as_ref()
            .and_then(|c| c.capabilities.as_ref())
            .is_none()
    );
}

#[test]
fn downscaler_annotations_reach_the_statefulset_and_the_pooler_not_the_pods() {
    let mut pg = minimal();
    pg.metadata.annotations = Some(BTreeMap::from([
        (
            "downscaler/downtime".to_string(),
            "Sat-Sun 00:00-24:00 UTC".to_string(),
        ),
        ("deployment-time".to_string(), "2026-12-05".to_string()),
        ("unrelated".to_string(), "x".to_string()),
    ]));
    pg.spec.enable_connection_pooler = Some(true);
    let mut config = config();
    config.downscaler_annotations = vec!["deployment-time".to_string(), "downscaler/*".to_string()];
    let s = sts(&pg, &config);
    let annotations = s.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations.get("downscaler/downtime").map(String::as_str),
        Some("Sat-Sun 00:00-24:00 UTC")
    );
    assert!(annotations.contains_key("deployment-time"));
    assert!(!annotations.contains_key("unrelated"));
    let pod_annotations = s
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    assert!(!pod_annotations.contains_key("deployment-time"));

    let ctx = ClusterContext::new(&pg, &config).expect("context");
    let pooler =
        build::pooler::deployment(&ctx, pgctl_shared::pooler::Role::Master).expect("pooler");
    let pooler_annotations = pooler.metadata.annotations.unwrap_or_default();
    assert!(pooler_annotations.contains_key("downscaler/downtime"));
    assert!(!pooler_annotations.contains_key("unrelated"));

    // An invalid pattern is refused with the configuration.
    let err = OperatorConfig::from_config_map_data(&BTreeMap::from([(
        "downscaler_annotations".to_string(),
        "downscaler/(".to_string(),
    )]))
    .expect_err("invalid pattern");
    assert!(err.to_string().contains("downscaler_annotations"), "{err}");
}

#[test]
fn an_annotation_lifts_the_instance_and_resource_limits_of_one_cluster() {
    let mut config = config();
    config.max_instances = 2;
    config.min_memory_limit = Some("1Gi".to_string());
    config.ignore_instance_limits_annotation_key = Some("example.com/no-instance-limits".into());
    config.ignore_resources_limits_annotation_key = Some("example.com/no-resource-limits".into());
    let mut pg = minimal();
    pg.spec.number_of_instances = 5;
    pg.spec.resources = Some(pgctl_shared::crd::Resources {
        limits: Some(pgctl_shared::crd::ResourceDescription {
            memory: Some("256Mi".to_string()),
            ..Default::default()
        }),
        ..Default::default()
    });
    let replicas = |pg: &Postgresql| sts(pg, &config).spec.and_then(|s| s.replicas);
    let memory_limit = |pg: &Postgresql| {
        limits(container(&sts(pg, &config), "postgres"))
            .get("memory")
            .cloned()
    };
    assert_eq!(replicas(&pg), Some(2));
    assert_eq!(memory_limit(&pg).as_deref(), Some("1Gi"));

    // Only the value `true` lifts them.
    pg.metadata.annotations = Some(BTreeMap::from([
        (
            "example.com/no-instance-limits".to_string(),
            "yes".to_string(),
        ),
        (
            "example.com/no-resource-limits".to_string(),
            "1".to_string(),
        ),
    ]));
    assert_eq!(replicas(&pg), Some(2));
    assert_eq!(memory_limit(&pg).as_deref(), Some("1Gi"));

    pg.metadata.annotations = Some(BTreeMap::from([
        (
            "example.com/no-instance-limits".to_string(),
            "true".to_string(),
        ),
        (
            "example.com/no-resource-limits".to_string(),
            "true".to_string(),
        ),
    ]));
    assert_eq!(replicas(&pg), Some(5));
    assert_eq!(memory_limit(&pg).as_deref(), Some("256Mi"));
}

#[test]
fn cloud_credentials_are_mounted_in_every_container_and_the_role_annotated() {
    let mut config = config();
    config.additional_secret_mount = Some("aws-credentials".to_string());
    config.additional_secret_mount_path = "/var/secrets/cloud".to_string();
    config.kube_iam_role = "arn:aws:iam::123456789012:role/postgres".to_string();
    let s = sts(&complete(), &config);
    assert!(
        pod_spec(&s)
            .volumes
            .iter()
            .flatten()
            .any(|v| v.name == "aws-credentials"
                && v.secret.as_ref().and_then(|s| s.secret_name.as_deref())
                    == Some("aws-credentials"))
    );
    for c in &pod_spec(&s).containers {
        assert!(
            mount_paths(c).contains(&("aws-credentials", "/var/secrets/cloud")),
            "{}: {:?}",
            c.name,
            mount_paths(c)
        );
    }
    for c in pod_spec(&s).init_containers.iter().flatten() {
        assert!(!mount_paths(c).iter().any(|(n, _)| *n == "aws-credentials"));
    }
    let annotations = s
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    assert_eq!(
        annotations
            .get("iam.amazonaws.com/role")
            .map(String::as_str),
        Some("arn:aws:iam::123456789012:role/postgres")
    );
    // A relative path is refused, naming the key.
    config.additional_secret_mount_path = "meta/credentials".to_string();
    let err = build::desired(&complete(), &config).expect_err("relative path");
    assert!(
        err.to_string().contains("additional_secret_mount_path"),
        "{err}"
    );
    // A Secret name with a dot cannot name a volume: refused with the configuration.
    let err = OperatorConfig::from_config_map_data(&BTreeMap::from([(
        "additional_secret_mount".to_string(),
        "aws.credentials".to_string(),
    )]))
    .expect_err("dotted name");
    assert!(err.to_string().contains("additional_secret_mount"), "{err}");
}
