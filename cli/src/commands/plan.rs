//! `pgctl plan NAME | -f FILE`: what the controller will create, change or delete for a
//! manifest: the controller's own plan (`shared::plan`), computed against the live objects read
//! from the API server instead of the controller's caches.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::DocumentContent;
use pgctl_shared::plan::{self, Live, Snapshot};
use pgctl_shared::validate;
use serde::Serialize;
use serde_json::Value;

use crate::args::OutputFormat;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube};
use crate::ui::{Tone, Ui};
use crate::{output, spec};

use super::create::resolve_namespace;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Name of a live cluster.
    #[arg(required_unless_present = "file", conflicts_with = "file", add = ArgValueCompleter::new(cluster_names))]
    pub name: Option<String>,
    /// A manifest to plan instead (`-` for standard input).
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Operator ConfigMap (YAML) to plan with, instead of the cluster's.
    #[arg(long, value_name = "FILE")]
    pub operator_config: Option<PathBuf>,
    /// Plan without contacting a cluster (everything is a creation).
    #[arg(long)]
    pub offline: bool,
    /// Output format: table (a readable plan), json or yaml (the plan with the desired objects).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

pub const EXAMPLES: &str = "Examples:
  pgctl plan acid-foo
  pgctl plan -f acid-foo.yaml
  pgctl plan -f acid-foo.yaml --offline -o yaml";

/// Owner UID used when planning a cluster that does not exist yet.
const PLACEHOLDER_UID: &str = "00000000-0000-0000-0000-000000000000";

/// One planned action, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// `create`, `update`, `unchanged`, `delete`, `resize`, `flag`, or for Secrets `keep`.
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
    // A manifest from a file is planned as it will be once applied; a live one as it is.
    if args.file.is_some() {
        let live = match &kube {
            Some(kube) => kube.clusters(&ns).get_opt(&name).await.ok().flatten(),
            None => None,
        };
        as_applied(&mut pg, live.as_ref());
    }
    let live = match &kube {
        Some(kube) => observe(kube, &pg, &config, &ns).await?,
        None => Snapshot::default(),
    };
    let claims: Vec<_> = live.claims.iter().collect();
    let live_spec = plan::live_spec(&pg.spec, &claims);
    let problems = validate::validate(&pg, &unknown_fields, live_spec.as_ref(), &config);
    for problem in &problems {
        eprintln!("{}: postgresql {ns}/{name}: {problem}", problem.severity);
    }
    if validate::has_errors(&problems) {
        anyhow::bail!(
            "postgresql {ns}/{name} is invalid: the controller would set status Invalid and change nothing"
        );
    }
    let planned = plan::plan(&pg, &config, &live)?;
    let objects = planned
        .actions
        .iter()
        .filter_map(|a| match a {
            plan::Action::Apply { object, .. } | plan::Action::CreateIfAbsent { object, .. } => {
                Some(with_type(object))
            }
            _ => None,
        })
        .collect();
    let actions = planned
        .actions
        .iter()
        .map(|a| shown(a, &live, &ns, &name))
        .collect();
    let plan = Plan {
        cluster: name,
        namespace: ns,
        operator_config: config_source,
        actions,
        objects,
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

/// Gives a manifest read from a file the uid and `metadata.generation` the resource will have
/// once applied over `live` (they count in the StatefulSet's inputs hash), whatever the file
/// says: the live uid, and the live generation, plus one when the spec differs; a new resource
/// gets generation 1 (and the uid written in the file, if any, else a placeholder).
fn as_applied(pg: &mut Postgresql, live: Option<&Postgresql>) {
    let spec_of = |pg: &Postgresql| serde_json::to_value(&pg.spec).ok();
    let (uid, generation) = match live {
        Some(live) => {
            let generation = live.metadata.generation.unwrap_or(1);
            let changed = spec_of(pg) != spec_of(live);
            (
                live.metadata.uid.clone(),
                Some(generation + i64::from(changed)),
            )
        }
        None => (pg.metadata.uid.clone(), Some(1)),
    };
    pg.metadata.uid = Some(uid.unwrap_or_else(|| PLACEHOLDER_UID.to_string()));
    pg.metadata.generation = generation;
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

/// What the controller's caches would hold for this cluster, read from the API server: the
/// objects the plan names, the cluster's objects of the kinds it prunes, its Secrets, pods and
/// claims.
async fn observe(
    kube: &Kube,
    pg: &Postgresql,
    config: &OperatorConfig,
    namespace: &str,
) -> anyhow::Result<Snapshot> {
    let mut live = Snapshot::default();
    let name = pg.metadata.name.clone().unwrap_or_default();
    let Ok(desired) = pgctl_shared::build::desired(pg, config) else {
        // The plan reports the build error itself.
        return Ok(live);
    };
    for object in desired.to_json()? {
        if let Some(kind) = object["kind"].as_str().and_then(plan::Kind::parse)
            && let Some(found) = live_object(kube, &object, namespace).await?
        {
            live.insert(kind, found, false);
        }
    }
    let selector =
        pgctl_shared::naming::selector(&pgctl_shared::naming::cluster_labels(config, &name));
    let params = kube::api::ListParams::default().labels(&selector);
    for &kind in plan::Kind::PRUNABLE {
        let api = k8s::dynamic_api(kube, kind.api_version(), kind.as_str(), namespace).await?;
        let what = format!("listing the {kind}s of {name}");
        let listed = api
            .list(&params)
            .await
            .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?;
        for object in listed.items {
            live.insert(kind, serde_json::to_value(object)?, true);
        }
    }
    // The pooler's objects carry the cluster's labels with another `application`.
    let pooler_selector =
        pgctl_shared::naming::selector(&pgctl_shared::naming::pooler_labels(config, &name));
    let pooler_params = kube::api::ListParams::default().labels(&pooler_selector);
    for kind in [plan::Kind::Service, plan::Kind::Deployment] {
        let api = k8s::dynamic_api(kube, kind.api_version(), kind.as_str(), namespace).await?;
        let what = format!("listing the pooler {kind}s of {name}");
        let listed = api
            .list(&pooler_params)
            .await
            .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?;
        for object in listed.items {
            live.insert(kind, serde_json::to_value(object)?, true);
        }
    }
    // The pooler role's Secret, which the plan deletes once no pooler is left.
    let pooler_secret = config.secret_name(&pgctl_shared::pooler::user(&pg.spec, config), &name);
    let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(kube.client.clone(), namespace);
    let what = format!("reading Secret {namespace}/{pooler_secret}");
    if let Some(found) = secrets
        .get_metadata_opt(&pooler_secret)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
    {
        live.insert(plan::Kind::Secret, serde_json::to_value(found)?, false);
    }
    for secret in &desired.secrets {
        let api: kube::Api<k8s_openapi::api::core::v1::Secret> =
            kube::Api::namespaced(kube.client.clone(), &secret.namespace);
        let what = format!("reading Secret {}/{}", secret.namespace, secret.name);
        if api
            .get_metadata_opt(&secret.name)
            .await
            .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
            .is_some()
        {
            live.secrets
                .insert((secret.namespace.clone(), secret.name.clone()));
        }
    }
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(kube.client.clone(), namespace);
    let what = format!("listing the pods of {name}");
    live.pods = pods
        .list(&params)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
        .items;
    let claims: kube::Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
        kube::Api::namespaced(kube.client.clone(), namespace);
    let what = format!("listing the volume claims of {name}");
    live.claims = claims
        .list(&params)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
        .items;
    Ok(live)
}

/// A planned object as JSON with its `apiVersion` and `kind`.
fn with_type(object: &plan::Object) -> Value {
    let mut value = object.to_json();
    let kind = object.kind();
    value["apiVersion"] = Value::String(kind.api_version().to_string());
    value["kind"] = Value::String(kind.as_str().to_string());
    // Credentials written literally into an env list (`spec.env`, the logical backup's
    // `logical_backup_s3_secret_access_key`) are not shown.
    pgctl_shared::report::redact_env_json(&mut value);
    value
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

/// How a planned action is shown.
fn shown(action: &plan::Action, live: &Snapshot, namespace: &str, cluster: &str) -> Action {
    let (kind, name) = action.target();
    let show = |verb: &str, name: String, changes: Vec<Change>| Action {
        action: verb.to_string(),
        kind: kind.as_str().to_string(),
        name,
        changes,
    };
    match action {
        plan::Action::Apply { object, change } => {
            let desired = with_type(object);
            let current = live.get(kind, &name);
            match change {
                plan::Change::Create => show("create", name, Vec::new()),
                plan::Change::Unchanged => show("unchanged", name, Vec::new()),
                plan::Change::Update { changed, removed } => {
                    let mut current = current.unwrap_or(Value::Null);
                    pgctl_shared::report::redact_env_json(&mut current);
                    let mut changes: Vec<Change> = changed
                        .iter()
                        .map(|path| Change {
                            live: lookup(&current, path).cloned().unwrap_or(Value::Null),
                            desired: lookup(&desired, path).cloned().unwrap_or(Value::Null),
                            path: path.clone(),
                        })
                        .collect();
                    changes.extend(removed.iter().map(|path| Change {
                        live: lookup(&current, path).cloned().unwrap_or(Value::Null),
                        desired: Value::Null,
                        path: path.clone(),
                    }));
                    show("update", name, changes)
                }
            }
        }
        plan::Action::CreateIfAbsent { exists, .. } => {
            show(if *exists { "keep" } else { "create" }, name, Vec::new())
        }
        plan::Action::EnsureSecret { secret, exists } => {
            // A Secret in another namespace is named with it.
            let shown_name = if secret.cross_namespace {
                format!("{}/{}", secret.namespace, secret.name)
            } else {
                secret.name.clone()
            };
            let changes = if *exists {
                Vec::new()
            } else {
                vec![Change {
                    path: "data.username".into(),
                    live: Value::Null,
                    desired: Value::String(secret.username.clone()),
                }]
            };
            show(if *exists { "keep" } else { "create" }, shown_name, changes)
        }
        plan::Action::SetFinalizers { patch } => Action {
            action: "update".into(),
            kind: "postgresql".into(),
            name: format!("{namespace}/{cluster}"),
            changes: vec![Change {
                path: "metadata.finalizers".into(),
                live: Value::Null,
                desired: patch["metadata"]["finalizers"].clone(),
            }],
        },
        plan::Action::Delete(_) => show("delete", name, Vec::new()),
        plan::Action::ResizeClaim { size, .. } => show(
            "resize",
            name,
            vec![Change {
                path: "spec.resources.requests.storage".into(),
                live: Value::Null,
                desired: Value::String(size.clone()),
            }],
        ),
        plan::Action::FlagOutdatedPod { .. } => show("flag", name, Vec::new()),
    }
}

/// The value at a path of `shared::diff::changed_paths` (`a.b[2].c`); keys with dots are found too.
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
    let (mut create, mut update, mut delete, mut same) = (0, 0, 0, 0);
    for action in &plan.actions {
        let (mark, tone) = match action.action.as_str() {
            "create" => {
                create += 1;
                ("+ create   ", Tone::Good)
            }
            "update" | "resize" | "flag" => {
                update += 1;
                match action.action.as_str() {
                    "resize" => ("~ resize   ", Tone::Warn),
                    "flag" => ("~ roll     ", Tone::Warn),
                    _ => ("~ update   ", Tone::Warn),
                }
            }
            "delete" => {
                delete += 1;
                ("- delete   ", Tone::Bad)
            }
            _ => {
                same += 1;
                ("  unchanged", Tone::Dim)
            }
        };
        let note = match (action.kind.as_str(), action.action.as_str()) {
            ("Secret", "create") => " (the controller generates the password)",
            ("Secret", "keep") => " (exists; its password is never regenerated)",
            ("Endpoints", "keep") => " (exists; Patroni keeps it)",
            (_, "delete") => " (the manifest no longer asks for it)",
            ("Pod", "flag") => " (runs an older pod template; the rolling update replaces it)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{} {} {}{note}",
            ui.paint(mark, tone),
            action.kind,
            action.name
        );
        if action.action == "update" || action.action == "resize" {
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
        "{create} to create, {update} to change, {delete} to delete, {same} unchanged"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_manifest_is_planned_with_the_uid_and_generation_it_will_have() {
        let pg = |instances: i32, uid: Option<&str>, generation: Option<i64>| {
            let mut pg: Postgresql = serde_json::from_value(json!({
                "apiVersion": "acid.zalan.do/v1",
                "kind": "postgresql",
                "metadata": {"name": "acid-a"},
                "spec": {"teamId": "acid", "numberOfInstances": instances,
                         "volume": {"size": "1Gi"}, "postgresql": {"version": "17"}}
            }))
            .expect("manifest");
            pg.metadata.uid = uid.map(str::to_string);
            pg.metadata.generation = generation;
            pg
        };
        let live = pg(2, Some("live-uid"), Some(4));
        // The same spec: no new generation, even if the file says another.
        let mut same = pg(2, Some("stale"), Some(1));
        as_applied(&mut same, Some(&live));
        assert_eq!(same.metadata.uid.as_deref(), Some("live-uid"));
        assert_eq!(same.metadata.generation, Some(4));
        let mut changed = pg(3, None, Some(4));
        as_applied(&mut changed, Some(&live));
        assert_eq!(changed.metadata.generation, Some(5));
        let mut new = pg(3, None, None);
        as_applied(&mut new, None);
        assert_eq!(new.metadata.uid.as_deref(), Some(PLACEHOLDER_UID));
        assert_eq!(new.metadata.generation, Some(1));
    }

    #[test]
    fn a_removed_field_is_shown_as_going_to_none() {
        let object = plan::Object::Service(Default::default());
        let action = plan::Action::Apply {
            object: Box::new(object),
            change: plan::Change::Update {
                changed: vec![],
                removed: vec!["metadata.annotations.b".into()],
            },
        };
        let mut live = Snapshot::default();
        live.insert(
            plan::Kind::Service,
            json!({"metadata": {"name": "", "annotations": {"b": "2"}}}),
            false,
        );
        let shown = shown(&action, &live, "ns", "acid-foo");
        assert_eq!(shown.action, "update");
        assert_eq!(
            shown.changes,
            vec![Change {
                path: "metadata.annotations.b".into(),
                live: json!("2"),
                desired: Value::Null
            }]
        );
    }

    #[test]
    fn a_new_cluster_is_planned_by_the_shared_plan() {
        let spec = crate::args::SpecArgs {
            team: Some("acid".into()),
            ..Default::default()
        };
        let mut pg = spec::new_cluster("acid-foo", "ns", &spec).expect("built");
        pg.metadata.uid = Some(PLACEHOLDER_UID.into());
        let planned =
            plan::plan(&pg, &OperatorConfig::default(), &Snapshot::default()).expect("planned");
        let shown: Vec<Action> = planned
            .actions
            .iter()
            .map(|a| shown(a, &Snapshot::default(), "ns", "acid-foo"))
            .collect();
        assert!(
            shown
                .iter()
                .any(|a| a.kind == "StatefulSet" && a.action == "create"),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|a| a.kind == "Secret" && a.action == "create")
        );
    }
}
