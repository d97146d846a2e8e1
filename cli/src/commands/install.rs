//! `pgctl install` and `pgctl uninstall`: the manifests of `manifests/`, embedded in the binary.

use std::time::Duration;

use clap::Args;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{DryRun, OutputFormat};
use crate::exit::Code;
use crate::global::{GlobalArgs, parse_duration};
use crate::k8s::{self, ApplyOptions, Kube, Subject};
use crate::output;
use crate::ui::Ui;
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Namespaces whose clusters the controller manages (`*` for all, or `a,b`).
    #[arg(long, value_name = "NAMESPACES", default_value = "*")]
    pub watch_namespace: String,
    /// Replicas of the controller Deployment.
    #[arg(long, value_name = "N")]
    pub replicas: Option<i32>,
    /// Image of the controller.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// `client` prints the manifests (with -o yaml or json) without contacting a cluster.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Do not wait for the controller to be ready.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the controller.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

pub const EXAMPLES: &str = "Examples:
  pgctl install
  pgctl install -n pgctl-system --watch-namespace 'team-a,team-b' --replicas 1
  pgctl install --dry-run=client -o yaml > pgctl.yaml";

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Also delete the CRD, which deletes every cluster and, by their retention policy, their data.
    #[arg(long)]
    pub delete_crd: bool,
    /// Do not ask for confirmation (required with --delete-crd when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// The manifests in apply order, as committed in `manifests/`.
const MANIFESTS: [(&str, &str); 5] = [
    (
        "namespace.yaml",
        include_str!("../../../manifests/namespace.yaml"),
    ),
    (
        "crd/postgresql.yaml",
        include_str!("../../../manifests/crd/postgresql.yaml"),
    ),
    ("rbac.yaml", include_str!("../../../manifests/rbac.yaml")),
    (
        "configmap.yaml",
        include_str!("../../../manifests/configmap.yaml"),
    ),
    (
        "deployment.yaml",
        include_str!("../../../manifests/deployment.yaml"),
    ),
];

/// The namespace the manifests are written for.
const DEFAULT_NAMESPACE: &str = "pgctl-system";
/// Name of the controller Deployment.
const DEPLOYMENT: &str = "pgctl-controller";
/// Label of the namespace `install` creates, so that `uninstall` deletes only that one.
const NAMESPACE_LABEL: (&str, &str) = ("app.kubernetes.io/name", "pgctl-controller");

/// Settings of an installation.
#[derive(Debug, Clone)]
pub struct Settings {
    pub namespace: String,
    pub watch_namespace: String,
    pub replicas: Option<i32>,
    pub image: Option<String>,
}

/// The objects to apply, adjusted to the settings.
pub fn objects(settings: &Settings) -> anyhow::Result<Vec<Value>> {
    let mut out = Vec::new();
    for (file, text) in MANIFESTS {
        for document in serde_yaml::Deserializer::from_str(text) {
            let value = serde_yaml::Value::deserialize(document)
                .map_err(|e| anyhow::anyhow!("embedded manifests/{file}: {e}"))?;
            if value.is_null() {
                continue;
            }
            let mut object: Value = serde_json::to_value(value)?;
            adjust(&mut object, settings);
            out.push(object);
        }
    }
    Ok(out)
}

fn adjust(object: &mut Value, settings: &Settings) {
    let ns = settings.namespace.as_str();
    let kind = object["kind"].as_str().unwrap_or_default().to_string();
    if kind == "Namespace" {
        object["metadata"]["name"] = json!(ns);
        return;
    }
    if object["metadata"].get("namespace").is_some() {
        object["metadata"]["namespace"] = json!(ns);
    }
    if let Some(subjects) = object.get_mut("subjects").and_then(Value::as_array_mut) {
        for subject in subjects {
            if subject.get("namespace").is_some() {
                subject["namespace"] = json!(ns);
            }
        }
    }
    if kind == "Deployment" {
        if let Some(replicas) = settings.replicas {
            object["spec"]["replicas"] = json!(replicas);
        }
        if let Some(containers) = object["spec"]["template"]["spec"]["containers"].as_array_mut() {
            for container in containers {
                if let Some(image) = &settings.image {
                    container["image"] = json!(image);
                }
                let env = container
                    .as_object_mut()
                    .map(|c| c.entry("env").or_insert_with(|| json!([])));
                if let Some(env) = env.and_then(Value::as_array_mut) {
                    env.retain(|e| e["name"] != "WATCHED_NAMESPACE");
                    env.push(
                        json!({"name": "WATCHED_NAMESPACE", "value": settings.watch_namespace}),
                    );
                }
            }
        }
    }
}

pub async fn install(args: InstallArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let settings = Settings {
        namespace: global
            .namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
        watch_namespace: args.watch_namespace.clone(),
        replicas: args.replicas,
        image: args.image.clone(),
    };
    let objects = objects(&settings)?;
    if args.dry_run == DryRun::Client {
        match args.output.unwrap_or(OutputFormat::Yaml) {
            OutputFormat::Json => print!("{}", output::json(&output::list_of(objects))?),
            OutputFormat::Name => {
                for object in &objects {
                    println!("{}", describe(object));
                }
            }
            _ => {
                for (i, object) in objects.iter().enumerate() {
                    if i > 0 {
                        println!("---");
                    }
                    print!("{}", output::yaml(object)?);
                }
            }
        }
        return Ok(Code::Success);
    }
    let mut kube = k8s::connect(global).await?;
    kube.namespace = settings.namespace.clone();
    let options = ApplyOptions {
        dry_run: args.dry_run == DryRun::Server,
        force: true,
    };
    for object in &objects {
        k8s::bounded(
            kube.timeout,
            "applying",
            k8s::apply_object(&kube, object, &settings.namespace, options),
        )
        .await?;
        println!(
            "{} applied{}",
            describe(object),
            if options.dry_run {
                " (server dry run)"
            } else {
                ""
            }
        );
        if object["kind"] == "CustomResourceDefinition" && !options.dry_run {
            wait_established(
                &kube,
                object["metadata"]["name"].as_str().unwrap_or_default(),
                args.timeout,
            )
            .await?;
        }
    }
    if args.no_wait || options.dry_run {
        return Ok(Code::Success);
    }
    let spinner = ui.spinner("waiting for the controller to be ready");
    let deployments: Api<Deployment> = Api::namespaced(kube.client.clone(), &settings.namespace);
    let result = wait::until("the controller to be ready", args.timeout, || async {
        let what = "reading the controller Deployment";
        let deployment = deployments
            .get(DEPLOYMENT)
            .await
            .map_err(|e| kube.explain(e, Subject::Other(what)))?;
        let status = deployment.status.unwrap_or_default();
        let ready = status.ready_replicas.unwrap_or(0);
        let wanted = deployment.spec.and_then(|s| s.replicas).unwrap_or(1);
        Ok(
            if ready >= 1.min(wanted)
                && status.observed_generation >= deployment.metadata.generation
            {
                Poll::Done(ready)
            } else {
                Poll::Pending(format!("{ready}/{wanted} replicas ready"))
            },
        )
    })
    .await;
    spinner.finish_and_clear();
    let ready = result?;
    println!(
        "the controller is ready in namespace {:?} ({ready} replica{} ready)",
        settings.namespace,
        if ready == 1 { "" } else { "s" }
    );
    Ok(Code::Success)
}

async fn wait_established(
    kube: &Kube,
    name: &str,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let crds: Api<CustomResourceDefinition> = Api::all(kube.client.clone());
    wait::until(
        &format!("CRD {name} to be established"),
        timeout,
        || async {
            let crd = crds
                .get(name)
                .await
                .map_err(|e| kube.explain(e, Subject::Other("reading the CRD")))?;
            let established = crd
                .status
                .and_then(|s| s.conditions)
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "Established" && c.status == "True");
            Ok(if established {
                Poll::Done(())
            } else {
                Poll::Pending("not established".into())
            })
        },
    )
    .await
}

/// `kind/name`.
fn describe(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap_or_default().to_lowercase(),
        object["metadata"]["name"].as_str().unwrap_or_default()
    )
}

pub async fn uninstall(args: UninstallArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let settings = Settings {
        namespace: global
            .namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
        watch_namespace: "*".to_string(),
        replicas: None,
        image: None,
    };
    if args.delete_crd && !args.yes {
        ui.require_interactive(
            "--delete-crd deletes every postgresql cluster and needs confirmation",
            "--yes",
        )?;
        if !ui.confirm_by_name(
            "Deleting the CRD deletes EVERY postgresql cluster of this Kubernetes cluster, and by their retention policy their data.",
            "delete all clusters",
        )? {
            anyhow::bail!("not confirmed; nothing was removed");
        }
    }
    let kube = k8s::connect(global).await?;
    let mut objects = objects(&settings)?;
    objects.reverse();
    for object in &objects {
        let kind = object["kind"].as_str().unwrap_or_default();
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        match kind {
            "CustomResourceDefinition" if !args.delete_crd => {
                println!(
                    "{} kept (pass --delete-crd to delete it and every cluster)",
                    describe(object)
                );
                continue;
            }
            // Bound to the pods of running clusters: removing it would break them.
            "ClusterRole" if name == "postgres-pod" && !args.delete_crd => {
                println!("{} kept (the clusters' pods use it)", describe(object));
                continue;
            }
            "Namespace" => {
                let namespaces: Api<Namespace> = Api::all(kube.client.clone());
                let ours = namespaces
                    .get_opt(name)
                    .await
                    .map_err(|e| kube.explain(e, Subject::Other("reading the namespace")))?
                    .and_then(|n| n.metadata.labels)
                    .is_some_and(|l| {
                        l.get(NAMESPACE_LABEL.0)
                            .is_some_and(|v| v == NAMESPACE_LABEL.1)
                    });
                if !ours {
                    println!("namespace/{name} kept (pgctl install did not create it)");
                    continue;
                }
            }
            _ => {}
        }
        let ns = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or(&settings.namespace);
        let api = k8s::dynamic_api(
            &kube,
            object["apiVersion"].as_str().unwrap_or_default(),
            kind,
            ns,
        )
        .await?;
        let what = format!("deleting {kind} {name}");
        match api.delete(name, &DeleteParams::background()).await {
            Ok(_) => println!("{} deleted", describe(object)),
            Err(kube::Error::Api(status)) if status.code == 404 => {
                println!("{} not found", describe(object))
            }
            Err(e) => return Err(kube.explain(e, Subject::Other(&what))),
        }
    }
    Ok(Code::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_follow_the_settings() {
        let settings = Settings {
            namespace: "db-system".into(),
            watch_namespace: "team-a".into(),
            replicas: Some(1),
            image: Some("example/pgctl-controller:dev".into()),
        };
        let objects = objects(&settings).expect("objects");
        let kinds: Vec<&str> = objects.iter().filter_map(|o| o["kind"].as_str()).collect();
        assert_eq!(kinds.first(), Some(&"Namespace"));
        assert_eq!(kinds.last(), Some(&"Deployment"));
        assert!(kinds.contains(&"CustomResourceDefinition"));
        assert!(kinds.contains(&"ConfigMap"));
        for object in &objects {
            if let Some(ns) = object["metadata"]["namespace"].as_str() {
                assert_eq!(ns, "db-system", "{object}");
            }
        }
        assert_eq!(objects[0]["metadata"]["name"], "db-system");
        let deployment = objects.last().expect("deployment");
        assert_eq!(deployment["spec"]["replicas"], 1);
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["image"], "example/pgctl-controller:dev");
        let env = container["env"].as_array().expect("env");
        assert!(
            env.iter()
                .any(|e| e["name"] == "WATCHED_NAMESPACE" && e["value"] == "team-a")
        );
        let binding = objects
            .iter()
            .find(|o| o["kind"] == "ClusterRoleBinding")
            .expect("binding");
        assert_eq!(binding["subjects"][0]["namespace"], "db-system");
    }
}
