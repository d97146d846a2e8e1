//! The deployment manifests in manifests/ are well-formed and agree with the code.

use std::path::PathBuf;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::api::rbac::v1::ClusterRole;
use pgctl_shared::config::OperatorConfig;

fn manifests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../manifests")
}

fn documents(file: &str) -> Vec<serde_yaml::Value> {
    let text = std::fs::read_to_string(manifests().join(file)).expect("manifest readable");
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .filter(|v: &serde_yaml::Value| !v.is_null())
        .collect()
}

fn render_configmap() -> String {
    let data = OperatorConfig::default().to_config_map_data();
    let mut out = String::from(
        "# The operator configuration with pgctl's defaults (generated; see docs/config.md).\n\
         # Edit values here or with kubectl; the controller picks changes up without a restart.\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: postgres-operator\n  namespace: pgctl-system\ndata:\n",
    );
    for (key, value) in data {
        out.push_str(&format!(
            "  {key}: {}\n",
            serde_json::to_string(&value).expect("string")
        ));
    }
    out
}

#[test]
fn configmap_holds_the_defaults() {
    let path = manifests().join("configmap.yaml");
    if std::env::var_os("PGCTL_BLESS").is_some() {
        std::fs::write(&path, render_configmap()).expect("write configmap.yaml");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == render_configmap(),
        "manifests/configmap.yaml drifted: run PGCTL_BLESS=1 cargo test -p pgctl-controller --test manifests"
    );
    let cm: ConfigMap =
        serde_yaml::from_value(documents("configmap.yaml").remove(0)).expect("a ConfigMap");
    let loaded =
        OperatorConfig::from_config_map_data(&cm.data.unwrap_or_default()).expect("valid config");
    // The settings are the defaults (the digest is of this text, not of no data).
    let settings = OperatorConfig {
        data_digest: OperatorConfig::default().data_digest,
        ..loaded.config
    };
    assert_eq!(settings, OperatorConfig::default());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn cluster_role_is_least_privilege() {
    let docs = documents("rbac.yaml");
    let roles: Vec<ClusterRole> = docs
        .iter()
        .filter(|d| d["kind"] == "ClusterRole")
        .map(|d| serde_yaml::from_value(d.clone()).expect("ClusterRole"))
        .collect();
    assert_eq!(roles.len(), 2);
    for role in &roles {
        for rule in role.rules.iter().flatten() {
            for list in [
                &rule.verbs,
                rule.resources.as_ref().unwrap_or(&vec![]),
                rule.api_groups.as_ref().unwrap_or(&vec![]),
            ] {
                assert!(
                    !list.iter().any(|v| v.contains('*')),
                    "wildcard in {:?}",
                    rule
                );
            }
        }
    }
}

#[test]
fn deployment_runs_two_replicas_with_probes() {
    let deployment: Deployment =
        serde_yaml::from_value(documents("deployment.yaml").remove(0)).expect("Deployment");
    let spec = deployment.spec.expect("spec");
    assert_eq!(spec.replicas, Some(2));
    let container = &spec.template.spec.expect("pod spec").containers[0];
    assert!(container.liveness_probe.is_some() && container.readiness_probe.is_some());
    assert_eq!(
        container
            .security_context
            .as_ref()
            .and_then(|s| s.read_only_root_filesystem),
        Some(true)
    );
}

#[test]
fn kustomization_lists_existing_files() {
    let kustomization = documents("kustomization.yaml").remove(0);
    let resources = kustomization["resources"].as_sequence().expect("resources");
    assert_eq!(resources.len(), 5);
    for resource in resources {
        let file = resource.as_str().expect("path");
        assert!(manifests().join(file).is_file(), "{file} is missing");
    }
}

#[test]
fn shipped_pod_cluster_role_is_the_built_one() {
    let shipped: ClusterRole = documents("rbac.yaml")
        .into_iter()
        .filter(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == "postgres-pod")
        .map(|d| serde_yaml::from_value(d).expect("ClusterRole"))
        .next()
        .expect("the postgres-pod ClusterRole is shipped");
    let built = pgctl_shared::build::rbac::pod_cluster_role(&OperatorConfig::default());
    let normalise = |role: &ClusterRole| {
        let mut rules: Vec<(Vec<String>, Vec<String>, Vec<String>)> = role
            .rules
            .iter()
            .flatten()
            .flat_map(|r| {
                r.resources.iter().flatten().map(move |res| {
                    let mut verbs = r.verbs.clone();
                    verbs.sort();
                    (
                        r.api_groups.clone().unwrap_or_default(),
                        vec![res.clone()],
                        verbs,
                    )
                })
            })
            .collect();
        rules.sort();
        rules
    };
    assert_eq!(normalise(&shipped), normalise(&built));
}
