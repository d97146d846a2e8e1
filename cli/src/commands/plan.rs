//! `pgctl plan NAME | -f FILE`: what the controller will create or change for a manifest,
//! rendered by the controller's own builders (`shared::build`) and compared with the live
//! objects (`shared::diff`).

use std::fmt::Write as _;

use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::DocumentContent;
use pgctl_shared::{diff, validate};
use serde::Serialize;
use serde_json::Value;

use crate::args::{GlobalArgs, OutputFormat, PlanArgs};
use crate::exit::Code;
use crate::k8s::{self, Kube};
use crate::output;
use crate::spec;
use crate::ui::{Tone, Ui};

use super::create::resolve_namespace;

/// Owner UID used when planning a cluster that does not exist yet.
const PLACEHOLDER_UID: &str = "00000000-0000-0000-0000-000000000000";

/// What the controller would build: the objects it applies, and the Secrets that must exist.
pub struct Desired {
    pub objects: Vec<Value>,
    /// `(name, username, namespace)` of each credential Secret; the namespace only when it is
    /// not the cluster's (`enable_cross_namespace_secret`).
    pub secrets: Vec<(String, String, Option<String>)>,
}

/// The controller's desired objects, from the shared builders.
pub fn desired(pg: &Postgresql, config: &OperatorConfig) -> anyhow::Result<Desired> {
    let objects = pgctl_shared::build::desired(pg, config)?;
    Ok(Desired {
        objects: objects.to_json()?,
        secrets: objects
            .secrets
            .iter()
            .map(|s| {
                let namespace = s.cross_namespace.then(|| s.namespace.clone());
                (s.name.clone(), s.username.clone(), namespace)
            })
            .collect(),
    })
}

/// One planned action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// `create`, `update`, `unchanged`, or for Secrets `keep`.
    pub action: String,
    pub kind: String,
    pub name: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    pub live: Value,
    pub desired: Value,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Plan {
    cluster: String,
    namespace: String,
    operator_config: String,
    actions: Vec<Action>,
    objects: Vec<Value>,
}

pub async fn run(args: PlanArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = if args.offline {
        None
    } else {
        Some(k8s::connect(global).await?)
    };
    let namespace = match &kube {
        Some(kube) => kube.namespace.clone(),
        None => k8s::namespace_offline(global).await,
    };
    let (config, config_source) = match (&args.operator_config, &kube) {
        (Some(file), _) => (
            super::validate::load_operator_config(file)?,
            file.display().to_string(),
        ),
        (None, Some(kube)) => (
            kube.operator_config().await,
            format!("{}/{}", kube.controller_namespace, k8s::OPERATOR_CONFIG_MAP),
        ),
        (None, None) => (OperatorConfig::default(), "defaults".to_string()),
    };
    let (mut pg, unknown_fields) = match (&args.name, &args.file) {
        (Some(name), _) => {
            let Some(kube) = &kube else {
                anyhow::bail!(
                    "planning a live cluster needs the cluster: drop --offline or use -f FILE"
                );
            };
            (kube.get_cluster(name).await?, Vec::new())
        }
        (None, Some(file)) => read_manifest(file, global, &namespace)?,
        (None, None) => return Err(crate::exit::usage("pass a cluster NAME or -f FILE")),
    };
    let name = pg.metadata.name.clone().unwrap_or_default();
    let ns = pg.metadata.namespace.clone().unwrap_or(namespace);
    pg.metadata.namespace = Some(ns.clone());
    if pg.metadata.uid.is_none() {
        let live_uid = match &kube {
            Some(kube) => kube
                .clusters(&ns)
                .get_opt(&name)
                .await
                .ok()
                .flatten()
                .and_then(|live| live.metadata.uid),
            None => None,
        };
        pg.metadata.uid = Some(live_uid.unwrap_or_else(|| PLACEHOLDER_UID.to_string()));
    }
    let problems = validate::validate(&pg, &unknown_fields, None, &config);
    for problem in &problems {
        eprintln!("{}: postgresql {ns}/{name}: {problem}", problem.severity);
    }
    if validate::has_errors(&problems) {
        anyhow::bail!(
            "postgresql {ns}/{name} is invalid: the controller would set status Invalid and change nothing"
        );
    }
    let desired = desired(&pg, &config)?;
    let mut actions = Vec::new();
    for object in &desired.objects {
        let live = match &kube {
            Some(kube) => live_object(kube, object, &ns).await?,
            None => None,
        };
        actions.push(action_for(object, live.as_ref()));
    }
    for (secret, username, secret_namespace) in &desired.secrets {
        let secret_ns = secret_namespace.as_deref().unwrap_or(&ns);
        let exists = match &kube {
            Some(kube) => live_object(kube, &serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": secret, "namespace": secret_ns}}), &ns)
                .await?
                .is_some(),
            None => false,
        };
        actions.push(Action {
            action: if exists { "keep" } else { "create" }.to_string(),
            kind: "Secret".to_string(),
            // A Secret in another namespace is named with it.
            name: match secret_namespace {
                Some(other) => format!("{other}/{secret}"),
                None => secret.clone(),
            },
            changes: vec![Change {
                path: "data.username".into(),
                live: Value::Null,
                desired: Value::String(username.clone()),
            }]
            .into_iter()
            .filter(|_| !exists)
            .collect(),
        });
    }
    let plan = Plan {
        cluster: name,
        namespace: ns,
        operator_config: config_source,
        actions,
        objects: desired.objects,
    };
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&plan)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&plan)?),
        OutputFormat::Name => {
            for action in &plan.actions {
                println!("{}/{}", action.kind.to_lowercase(), action.name);
            }
        }
        OutputFormat::Table | OutputFormat::Wide => print!("{}", render(&plan, ui)),
    }
    Ok(Code::Success)
}

fn read_manifest(
    file: &std::path::Path,
    global: &GlobalArgs,
    namespace: &str,
) -> anyhow::Result<(Postgresql, Vec<String>)> {
    let text = spec::read_input(file)?;
    let mut found = None;
    for document in spec::documents(&file.display().to_string(), &text)? {
        match document.content {
            DocumentContent::Postgresql(parsed) if found.is_none() => {
                let mut pg = parsed.resource;
                pg.metadata.namespace = Some(resolve_namespace(
                    &document.at,
                    pg.metadata.namespace.as_deref(),
                    global,
                    namespace,
                )?);
                found = Some((pg, parsed.unknown_fields));
            }
            DocumentContent::Postgresql(_) => {
                anyhow::bail!(
                    "{}: plan takes one postgresql resource per file",
                    document.at
                )
            }
            DocumentContent::Invalid { error, .. } => anyhow::bail!("{}: {error}", document.at),
            _ => {}
        }
    }
    found.ok_or_else(|| anyhow::anyhow!("{}: no postgresql resource", file.display()))
}

async fn live_object(
    kube: &Kube,
    object: &Value,
    namespace: &str,
) -> anyhow::Result<Option<Value>> {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let ns = object["metadata"]["namespace"]
        .as_str()
        .unwrap_or(namespace);
    let api = k8s::dynamic_api(kube, api_version, kind, ns).await?;
    let what = format!("reading {kind} {name}");
    let live = api
        .get_opt(name)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?;
    Ok(live.map(serde_json::to_value).transpose()?)
}

/// The action for one desired object given the live one.
pub fn action_for(desired: &Value, live: Option<&Value>) -> Action {
    let kind = desired["kind"].as_str().unwrap_or_default().to_string();
    let name = desired["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(live) = live else {
        return Action {
            action: "create".into(),
            kind,
            name,
            changes: Vec::new(),
        };
    };
    let changes: Vec<Change> = diff::changed_paths(desired, live)
        .into_iter()
        .map(|path| Change {
            live: lookup(live, &path).cloned().unwrap_or(Value::Null),
            desired: lookup(desired, &path).cloned().unwrap_or(Value::Null),
            path,
        })
        .collect();
    Action {
        action: if changes.is_empty() {
            "unchanged"
        } else {
            "update"
        }
        .into(),
        kind,
        name,
        changes,
    }
}

/// The value at a path of [`diff::changed_paths`] (`a.b[2].c`); keys with dots are found too.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => {
            // The longest key that prefixes the path wins, so `app.kubernetes.io/name` works.
            let mut keys: Vec<&String> = map
                .keys()
                .filter(|k| {
                    path == k.as_str()
                        || path.starts_with(&format!("{k}."))
                        || path.starts_with(&format!("{k}["))
                })
                .collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
            keys.into_iter().find_map(|k| {
                let rest = path[k.len()..].trim_start_matches('.');
                lookup(&map[k], rest)
            })
        }
        Value::Array(items) => {
            let rest = path.strip_prefix('[')?;
            let (index, rest) = rest.split_once(']')?;
            let item = items.get(index.parse::<usize>().ok()?)?;
            lookup(item, rest.trim_start_matches('.'))
        }
        _ => None,
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::Null => "(none)".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

fn render(plan: &Plan, ui: &Ui) -> String {
    let mut out = format!(
        "{} postgresql {}/{} (operator configuration: {})\n",
        ui.paint("Plan for", Tone::Bold),
        plan.namespace,
        plan.cluster,
        plan.operator_config
    );
    let (mut create, mut update, mut same) = (0, 0, 0);
    for action in &plan.actions {
        let (mark, tone) = match action.action.as_str() {
            "create" => {
                create += 1;
                ("+ create   ", Tone::Good)
            }
            "update" => {
                update += 1;
                ("~ update   ", Tone::Warn)
            }
            _ => {
                same += 1;
                ("  unchanged", Tone::Dim)
            }
        };
        let note = match (action.kind.as_str(), action.action.as_str()) {
            ("Secret", "create") => " (the controller generates the password)",
            ("Secret", "keep") => " (exists; its password is never regenerated)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{} {} {}{note}",
            ui.paint(mark, tone),
            action.kind,
            action.name
        );
        if action.action == "update" {
            for change in &action.changes {
                let _ = writeln!(
                    out,
                    "      {}: {} -> {}",
                    change.path,
                    short(&change.live),
                    short(&change.desired)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "{create} to create, {update} to change, {same} unchanged"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_update_unchanged() {
        let desired = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "acid-foo", "labels": {"app.kubernetes.io/name": "x"}}, "spec": {"ports": [{"port": 5432}], "type": "ClusterIP"}});
        assert_eq!(action_for(&desired, None).action, "create");
        let live = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "acid-foo", "uid": "1", "labels": {"app.kubernetes.io/name": "y"}}, "spec": {"ports": [{"port": 5433, "protocol": "TCP"}], "type": "ClusterIP"}});
        let action = action_for(&desired, Some(&live));
        assert_eq!(action.action, "update");
        assert_eq!(
            action.changes,
            vec![
                Change {
                    path: "metadata.labels.app.kubernetes.io/name".into(),
                    live: json!("y"),
                    desired: json!("x")
                },
                Change {
                    path: "spec.ports[0].port".into(),
                    live: json!(5433),
                    desired: json!(5432)
                },
            ]
        );
        assert_eq!(action_for(&desired, Some(&desired)).action, "unchanged");
    }

    #[test]
    fn desired_objects_come_from_the_shared_builders() {
        let spec = crate::args::SpecArgs {
            team: Some("acid".into()),
            ..Default::default()
        };
        let mut pg = spec::new_cluster("acid-foo", "ns", &spec).expect("built");
        pg.metadata.uid = Some(PLACEHOLDER_UID.into());
        let desired = desired(&pg, &OperatorConfig::default()).expect("built");
        let kinds: Vec<&str> = desired
            .objects
            .iter()
            .filter_map(|o| o["kind"].as_str())
            .collect();
        assert!(kinds.contains(&"StatefulSet"), "{kinds:?}");
        assert!(!desired.secrets.is_empty());
    }
}
