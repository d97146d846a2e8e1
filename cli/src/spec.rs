//! Building and changing a cluster's manifest from flags, reading manifests, validating them,
//! and computing the patch between two versions.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{
    PostgresSpec, Postgresql, PostgresqlParam, ResourceDescription, Resources, USER_FLAGS, Volume,
};
use pgctl_shared::manifest::{self, DocumentContent};
use pgctl_shared::validate::{self, Severity};
use serde::Deserialize;
use serde_json::Value;

use crate::args::SpecArgs;
use crate::exit;

/// Defaults of `create` (and of the wizard).
pub const DEFAULT_INSTANCES: i32 = 2;
pub const DEFAULT_VERSION: &str = "17";
pub const DEFAULT_SIZE: &str = "1Gi";

/// `NAME[:flag,flag]` of `--user`.
pub fn parse_user(text: &str) -> anyhow::Result<(String, Vec<String>)> {
    let (name, flags) = match text.split_once(':') {
        Some((name, flags)) => (name, flags),
        None => (text, ""),
    };
    let name = name.trim();
    if name.is_empty() {
        bail!("--user {text:?}: the role name is missing (NAME[:FLAG,...], e.g. app:createdb)");
    }
    let mut list = Vec::new();
    for flag in flags.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let lower = flag.to_lowercase();
        if !USER_FLAGS.contains(&lower.as_str()) {
            bail!(
                "--user {text:?}: unknown role flag {flag:?} (one of {})",
                USER_FLAGS.join(", ")
            );
        }
        list.push(lower);
    }
    Ok((name.to_string(), list))
}

/// `NAME:OWNER` of `--database`.
pub fn parse_database(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once(':') {
        Some((name, owner)) if !name.trim().is_empty() && !owner.trim().is_empty() => {
            Ok((name.trim().to_string(), owner.trim().to_string()))
        }
        _ => bail!("--database {text:?}: expected NAME:OWNER, e.g. app:app_owner"),
    }
}

/// `KEY=VALUE` of `--param`, `--label`, `--annotation`.
pub fn parse_key_value(text: &str, flag: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => bail!("{flag} {text:?}: expected KEY=VALUE"),
    }
}

/// A new cluster from flags, with defaults for what is not given. `--team` is required.
pub fn new_cluster(name: &str, namespace: &str, args: &SpecArgs) -> anyhow::Result<Postgresql> {
    let Some(team) = args.team.clone() else {
        return Err(exit::usage(format!(
            "creating {name:?} needs a team: pass --team (e.g. --team {})",
            name.split('-').next().unwrap_or("acid")
        )));
    };
    let spec = PostgresSpec {
        team_id: team,
        number_of_instances: DEFAULT_INSTANCES,
        postgresql: PostgresqlParam {
            version: DEFAULT_VERSION.to_string(),
            parameters: None,
        },
        volume: Volume {
            size: DEFAULT_SIZE.to_string(),
            ..Volume::default()
        },
        ..PostgresSpec::default()
    };
    let mut pg = Postgresql::new(name, spec);
    pg.metadata.namespace = Some(namespace.to_string());
    apply_spec_args(&mut pg, args)?;
    Ok(pg)
}

/// Sets every field a flag names; the others stay as they are. `--user` sets a role's flags,
/// `--database` a database's owner, `--param` a parameter, `--label`/`--annotation` one each.
pub fn apply_spec_args(pg: &mut Postgresql, args: &SpecArgs) -> anyhow::Result<()> {
    let spec = &mut pg.spec;
    if let Some(team) = &args.team {
        spec.team_id = team.clone();
    }
    if let Some(n) = args.instances {
        if n < 0 {
            return Err(exit::usage(format!("--instances {n}: must be 0 or more")));
        }
        spec.number_of_instances = n;
    }
    if let Some(version) = &args.pg_version {
        spec.postgresql.version = version.clone();
    }
    if let Some(size) = &args.size {
        spec.volume.size = size.clone();
    }
    if let Some(class) = &args.storage_class {
        spec.volume.storage_class = (!class.is_empty()).then(|| class.clone());
    }
    let set =
        |side: &mut Option<ResourceDescription>, cpu: &Option<String>, memory: &Option<String>| {
            if cpu.is_none() && memory.is_none() {
                return;
            }
            let side = side.get_or_insert_with(ResourceDescription::default);
            if let Some(cpu) = cpu {
                side.cpu = Some(cpu.clone());
            }
            if let Some(memory) = memory {
                side.memory = Some(memory.clone());
            }
        };
    if args.cpu.is_some()
        || args.memory.is_some()
        || args.cpu_limit.is_some()
        || args.memory_limit.is_some()
    {
        let resources = spec.resources.get_or_insert_with(Resources::default);
        set(&mut resources.requests, &args.cpu, &args.memory);
        set(&mut resources.limits, &args.cpu_limit, &args.memory_limit);
    }
    for user in &args.users {
        let (name, flags) = parse_user(user)?;
        spec.users
            .get_or_insert_with(BTreeMap::new)
            .insert(name, flags);
    }
    for database in &args.databases {
        let (name, owner) = parse_database(database)?;
        spec.databases
            .get_or_insert_with(BTreeMap::new)
            .insert(name, owner);
    }
    for param in &args.params {
        let (key, value) = parse_key_value(param, "--param")?;
        spec.postgresql
            .parameters
            .get_or_insert_with(BTreeMap::new)
            .insert(key, value);
    }
    if let Some(image) = &args.image {
        spec.docker_image = (!image.is_empty()).then(|| image.clone());
    }
    if let Some(on) = args.pooler {
        spec.enable_connection_pooler = Some(on);
    }
    if let Some(on) = args.replica_pooler {
        spec.enable_replica_connection_pooler = Some(on);
    }
    if let Some(on) = args.load_balancer {
        spec.enable_master_load_balancer = Some(on);
    }
    for label in &args.labels {
        let (key, value) = parse_key_value(label, "--label")?;
        pg.metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key, value);
    }
    for annotation in &args.annotations {
        let (key, value) = parse_key_value(annotation, "--annotation")?;
        pg.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(key, value);
    }
    Ok(())
}

/// Validation findings of a resource, printed to stderr; fails (exit 1) on any error, saying
/// that nothing was sent.
pub fn check(
    pg: &Postgresql,
    unknown_fields: &[String],
    old: Option<&PostgresSpec>,
    config: &OperatorConfig,
) -> anyhow::Result<()> {
    let problems = validate::validate(pg, unknown_fields, old, config);
    let name = pg.metadata.name.as_deref().unwrap_or("?");
    let namespace = pg.metadata.namespace.as_deref().unwrap_or("?");
    for problem in &problems {
        eprintln!(
            "{}: postgresql {namespace}/{name}: {problem}",
            problem.severity
        );
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if errors > 0 {
        bail!(
            "postgresql {namespace}/{name} is invalid ({errors} error{}); nothing was sent",
            if errors == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// Reads a file, or standard input for `-`.
pub fn read_input(file: &Path) -> anyhow::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    }
}

/// One document of a manifest file: where it is, its JSON, and what it is.
pub struct Document {
    /// `FILE:N`, for messages.
    pub at: String,
    pub json: Value,
    pub content: DocumentContent,
}

/// Splits a YAML stream into documents (empty ones dropped); a syntax error fails.
pub fn documents(label: &str, text: &str) -> anyhow::Result<Vec<Document>> {
    let mut out = Vec::new();
    for (i, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let at = format!("{label}:{}", i + 1);
        let value =
            serde_yaml::Value::deserialize(de).with_context(|| format!("{at}: invalid YAML"))?;
        if value.is_null() {
            continue;
        }
        let json = manifest::yaml_to_json(value)
            .with_context(|| format!("{at}: not a Kubernetes object"))?;
        let content = manifest::parse_value(json.clone());
        out.push(Document { at, json, content });
    }
    Ok(out)
}

/// The JSON merge patch (RFC 7386) that turns `old` into `new`: changed keys with their new
/// value, removed keys as `null`, arrays replaced whole. `None` when nothing changed.
pub fn merge_patch(old: &Value, new: &Value) -> Option<Value> {
    match (old, new) {
        (Value::Object(before), Value::Object(after)) => {
            let mut patch = serde_json::Map::new();
            for (key, value) in after {
                match before.get(key) {
                    Some(previous) => {
                        if let Some(inner) = merge_patch(previous, value) {
                            patch.insert(key.clone(), inner);
                        }
                    }
                    None => {
                        patch.insert(key.clone(), value.clone());
                    }
                }
            }
            for key in before.keys() {
                if !after.contains_key(key) {
                    patch.insert(key.clone(), Value::Null);
                }
            }
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (a, b) if a == b => None,
        (_, b) => Some(b.clone()),
    }
}

/// The parts of a resource a person changes: labels, annotations, spec.
pub fn editable(pg: &Postgresql) -> anyhow::Result<Value> {
    Ok(serde_json::json!({
        "metadata": {
            "labels": pg.metadata.labels.clone().unwrap_or_default(),
            "annotations": pg.metadata.annotations.clone().unwrap_or_default(),
        },
        "spec": serde_json::to_value(&pg.spec)?,
    }))
}

/// The merge patch from `old` to `new` (labels, annotations, spec). Like `kubectl patch` and
/// `kubectl edit`, it carries no resourceVersion: it touches only the fields that changed, so
/// the controller's status writes (which move the resourceVersion) do not make it fail.
pub fn patch_between(old: &Postgresql, new: &Postgresql) -> anyhow::Result<Option<Value>> {
    Ok(merge_patch(&editable(old)?, &editable(new)?))
}

/// The changed leaf fields between two resources, as `path: old -> new` lines.
pub fn describe_changes(old: &Postgresql, new: &Postgresql) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    walk(&editable(old)?, &editable(new)?, String::new(), &mut out);
    Ok(out)
}

fn walk(old: &Value, new: &Value, path: String, out: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in b {
                walk(a.get(key).unwrap_or(&Value::Null), value, join(key), out);
            }
            for (key, value) in a {
                if !b.contains_key(key) {
                    walk(value, &Value::Null, join(key), out);
                }
            }
        }
        (Value::Null, Value::Object(b)) => {
            for (key, value) in b {
                walk(&Value::Null, value, join(key), out);
            }
        }
        (Value::Object(a), Value::Null) => {
            for (key, value) in a {
                walk(value, &Value::Null, join(key), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {} -> {}", short(a), short(b))),
    }
}

fn short(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A resource as a person or a file sees it: no status, no server-set metadata.
pub fn manifest_value(pg: &Postgresql) -> anyhow::Result<Value> {
    let mut value = serde_json::to_value(pg)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("status");
    }
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "managedFields",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "selfLink",
        ] {
            metadata.remove(key);
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn users_databases_and_pairs() {
        assert_eq!(
            parse_user("app:createdb,LOGIN").expect("ok"),
            (
                "app".to_string(),
                vec!["createdb".to_string(), "login".to_string()]
            )
        );
        assert_eq!(parse_user("ro").expect("ok"), ("ro".to_string(), vec![]));
        assert!(parse_user("app:fly").is_err());
        assert!(parse_user(":login").is_err());
        assert_eq!(
            parse_database("app:app").expect("ok"),
            ("app".to_string(), "app".to_string())
        );
        assert!(parse_database("app").is_err());
        assert_eq!(
            parse_key_value("a=b=c", "--param").expect("ok"),
            ("a".to_string(), "b=c".to_string())
        );
        assert!(parse_key_value("a", "--label").is_err());
    }

    #[test]
    fn a_new_cluster_has_defaults_and_the_flags() {
        let args = SpecArgs {
            team: Some("acid".into()),
            memory: Some("1Gi".into()),
            users: vec!["app:createdb".into()],
            databases: vec!["app:app".into()],
            params: vec!["max_connections=200".into()],
            labels: vec!["env=test".into()],
            ..SpecArgs::default()
        };
        let pg = new_cluster("acid-foo", "ns", &args).expect("built");
        let value = manifest_value(&pg).expect("json");
        assert_eq!(
            value,
            json!({
                "apiVersion": "acid.zalan.do/v1",
                "kind": "postgresql",
                "metadata": {"name": "acid-foo", "namespace": "ns", "labels": {"env": "test"}},
                "spec": {
                    "teamId": "acid",
                    "numberOfInstances": 2,
                    "postgresql": {"version": "17", "parameters": {"max_connections": "200"}},
                    "volume": {"size": "1Gi"},
                    "resources": {"requests": {"memory": "1Gi"}},
                    "users": {"app": ["createdb"]},
                    "databases": {"app": "app"}
                }
            })
        );
        check(&pg, &[], None, &OperatorConfig::default()).expect("valid");
    }

    #[test]
    fn team_is_required_as_a_usage_error() {
        let error = new_cluster("acid-foo", "ns", &SpecArgs::default()).expect_err("no team");
        assert_eq!(exit::code_of(&error), exit::Code::Usage);
        assert!(error.to_string().contains("--team acid"), "{error}");
    }

    #[test]
    fn merge_patches() {
        let old = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        let new = json!({"a": 1, "b": {"c": 5}, "e": [1, 2], "f": "x"});
        assert_eq!(
            merge_patch(&old, &new),
            Some(json!({"b": {"c": 5, "d": null}, "e": [1, 2], "f": "x"}))
        );
        assert_eq!(merge_patch(&old, &old), None);
    }

    #[test]
    fn patches_carry_the_resource_version_and_describe_changes() {
        let args = SpecArgs {
            team: Some("acid".into()),
            ..SpecArgs::default()
        };
        let mut old = new_cluster("acid-foo", "ns", &args).expect("built");
        old.metadata.resource_version = Some("42".into());
        let mut new = old.clone();
        apply_spec_args(
            &mut new,
            &SpecArgs {
                instances: Some(3),
                params: vec!["work_mem=64MB".into()],
                ..SpecArgs::default()
            },
        )
        .expect("applied");
        let patch = patch_between(&old, &new).expect("ok").expect("a change");
        assert_eq!(
            patch,
            json!({"spec": {"numberOfInstances": 3, "postgresql": {"parameters": {"work_mem": "64MB"}}}})
        );
        assert_eq!(
            describe_changes(&old, &new).expect("ok"),
            vec![
                "spec.numberOfInstances: 2 -> 3".to_string(),
                "spec.postgresql.parameters.work_mem: (none) -> 64MB".to_string()
            ]
        );
        assert_eq!(patch_between(&old, &old).expect("ok"), None);
    }

    #[test]
    fn documents_are_split_and_classified() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n---\napiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: acid-a}\nspec: {teamId: acid, numberOfInstances: 1, volume: {size: 1Gi}, postgresql: {version: \"17\"}}\n";
        let docs = documents("f.yaml", text).expect("parsed");
        assert_eq!(docs.len(), 2);
        assert!(matches!(docs[0].content, DocumentContent::Other { .. }));
        assert!(matches!(docs[1].content, DocumentContent::Postgresql(_)));
        assert_eq!(docs[1].at, "f.yaml:3");
    }
}
