//! The committed CRD is the generated one, and it covers the reference CRD's fields.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("shared/ has a parent")
        .to_path_buf()
}

#[test]
fn committed_crd_matches_the_generated_one() {
    let path = workspace_root().join("manifests/crd/postgresql.yaml");
    let committed = std::fs::read_to_string(&path).expect("manifests/crd/postgresql.yaml exists");
    let generated = pgctl_shared::crd::crd_yaml().expect("CRD serialises");
    assert!(
        committed == generated,
        "{} is out of date: run `cargo run -p pgctl -- crd > manifests/crd/postgresql.yaml`",
        path.display()
    );
}

/// Every property path of an OpenAPI schema, with `[]` for array items and `{}` for map values.
fn property_paths(schema: &serde_json::Value) -> BTreeSet<String> {
    fn walk(node: &serde_json::Value, path: String, out: &mut BTreeSet<String>) {
        if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
            for (name, child) in props {
                walk(child, format!("{path}.{name}"), out);
            }
        }
        if let Some(items) = node.get("items") {
            walk(items, format!("{path}[]"), out);
        }
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            walk(values, format!("{path}{{}}"), out);
        }
        out.insert(path);
    }
    let mut out = BTreeSet::new();
    walk(schema, String::new(), &mut out);
    out
}

fn schema_of(crd_yaml: &str) -> serde_json::Value {
    let doc = serde_yaml::Deserializer::from_str(crd_yaml)
        .map(|d| serde::Deserialize::deserialize(d).expect("YAML document"))
        .find(|v: &serde_json::Value| !v.is_null())
        .expect("a CRD document");
    doc.pointer("/spec/versions/0/schema/openAPIV3Schema")
        .cloned()
        .expect("an openAPIV3Schema")
}

#[test]
fn every_reference_property_path_exists_in_ours() {
    let reference = workspace_root().join("../shared/reference/zalando/postgresql.crd.yaml");
    let Ok(text) = std::fs::read_to_string(&reference) else {
        eprintln!(
            "SKIP: {} is absent (a clone without ../shared); reference coverage not checked",
            reference.display()
        );
        return;
    };
    let theirs = property_paths(&schema_of(&text));
    let generated = pgctl_shared::crd::crd_yaml().expect("CRD serialises");
    let ours = property_paths(&schema_of(&generated));
    let missing: Vec<_> = theirs.difference(&ours).collect();
    assert!(
        theirs.len() > 500,
        "reference parsed: {} paths",
        theirs.len()
    );
    assert!(
        missing.is_empty(),
        "paths missing from our CRD: {missing:#?}"
    );
}

#[test]
fn crd_has_the_reference_names_and_a_status_subresource() {
    let crd = pgctl_shared::crd::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("postgresqls.acid.zalan.do")
    );
    assert_eq!(crd.spec.names.kind, "postgresql");
    assert_eq!(crd.spec.names.short_names, Some(vec!["pg".to_string()]));
    assert_eq!(crd.spec.names.categories, Some(vec!["all".to_string()]));
    assert_eq!(crd.spec.scope, "Namespaced");
    let version = &crd.spec.versions[0];
    assert!(
        version
            .subresources
            .as_ref()
            .and_then(|s| s.status.as_ref())
            .is_some()
    );
    let columns: Vec<_> = version
        .additional_printer_columns
        .iter()
        .flatten()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        columns,
        [
            "Team",
            "Version",
            "Pods",
            "Volume",
            "CPU-Request",
            "Memory-Request",
            "Age",
            "Status",
            "Ready"
        ]
    );
}

#[test]
fn schema_carries_the_strict_validation() {
    let generated = pgctl_shared::crd::crd_yaml().expect("CRD serialises");
    let schema = schema_of(&generated);
    let spec = &schema["properties"]["spec"];
    let required: Vec<_> = spec["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for field in ["teamId", "numberOfInstances", "postgresql", "volume"] {
        assert!(
            required.contains(&field),
            "{field} is not required: {required:?}"
        );
    }
    assert_eq!(spec["properties"]["numberOfInstances"]["minimum"], 0.0);
    assert_eq!(
        spec["properties"]["postgresql"]["properties"]["version"]["enum"],
        serde_json::json!(["14", "15", "16", "17", "18"])
    );
    assert_eq!(
        spec["properties"]["volume"]["properties"]["size"]["pattern"],
        pgctl_shared::crd::QUANTITY_PATTERN
    );
    assert_eq!(
        spec["properties"]["connectionPooler"]["properties"]["mode"]["enum"],
        serde_json::json!(["session", "transaction"])
    );
    let flags = spec["properties"]["users"]["additionalProperties"]["items"]["enum"]
        .as_array()
        .expect("flag enum");
    assert_eq!(flags.len(), 28);
    assert!(spec["properties"]["maintenanceWindows"]["items"]["pattern"].is_string());
    assert!(spec["properties"]["logicalBackupSchedule"]["pattern"].is_string());
    assert!(spec["properties"]["clone"]["properties"]["timestamp"]["pattern"].is_string());
}
