//! `pgctl report NAME [-o FILE]`: a diagnostic bundle (tar.gz) of one cluster for a bug report
//! or an incident: the resource, `status`, its objects, the namespace's Events about them,
//! Patroni's view (cluster, history, dynamic configuration), the pods' logs, and the
//! controller's logs when it runs as a pod. Secrets keep their keys and lose their values, and
//! every file is scrubbed of the credentials the namespace's Secrets hold
//! (`pgctl_shared::report`). The archive is written readable by its owner only.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, PersistentVolumeClaim, Pod, Secret, Service,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams, LogParams};
use pgctl_shared::naming;
use pgctl_shared::report::{self, Scrubber};
use serde::Serialize;

use crate::cluster;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube};
use crate::patroni;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Where to write the bundle (default: NAME-report-<UTC time>.tar.gz here).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lines of each container's log to include.
    #[arg(long, value_name = "N", default_value_t = 5000)]
    pub tail: i64,
}

pub const EXAMPLES: &str = "Examples:
  pgctl report acid-foo
  pgctl report acid-foo -o /tmp/acid-foo.tar.gz --tail 20000";

/// The bundle being put together: file name → content, and what could not be collected.
#[derive(Default)]
struct Bundle {
    files: BTreeMap<String, Vec<u8>>,
    missing: Vec<String>,
}

impl Bundle {
    fn yaml<T: Serialize>(&mut self, path: &str, value: &T) {
        match serde_json::to_value(value)
            .map(crate::output::clean_object)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_yaml::to_string(&v).map_err(|e| e.to_string()))
        {
            Ok(text) => {
                self.files.insert(path.to_string(), text.into_bytes());
            }
            Err(e) => self.missing.push(format!("{path}: {e}")),
        }
    }

    fn text(&mut self, path: &str, text: String) {
        self.files.insert(path.to_string(), text.into_bytes());
    }

    fn miss(&mut self, what: &str, error: impl std::fmt::Display) {
        self.missing.push(format!("{what}: {error}"));
    }
}

pub async fn run(args: ReportArgs, global: &GlobalArgs) -> anyhow::Result<Code> {
    if args.tail < 1 {
        return Err(crate::exit::usage("--tail must be at least 1"));
    }
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let name = args.name.clone();
    let pg = kube.get_cluster(&name).await?;
    let now = Timestamp::now();
    let mut bundle = Bundle::default();

    let mut resource = pg.clone();
    if let Some(annotations) = resource.metadata.annotations.as_mut() {
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    bundle.yaml("postgresql.yaml", &resource);
    match cluster::observe_objects(&kube, pg.clone(), config.clone(), true).await {
        Ok(observed) => {
            let status = super::status::build(&observed, usize::MAX, now);
            match crate::output::json(&status) {
                Ok(json) => bundle.text("status.json", json),
                Err(e) => bundle.miss("status.json", e),
            }
        }
        Err(e) => bundle.miss("status.json", e),
    }

    // The objects: the database's and the poolers' (same cluster labels, another application).
    let ns = kube.namespace.clone();
    let selectors = [
        naming::selector(&naming::cluster_labels(&config, &name)),
        naming::selector(&naming::pooler_labels(&config, &name)),
    ];
    let mut pods: Vec<Pod> = Vec::new();
    for selector in &selectors {
        let params = ListParams::default().labels(selector);
        collect::<StatefulSet>(&kube, &params, "statefulsets", &mut bundle).await;
        collect::<Service>(&kube, &params, "services", &mut bundle).await;
        collect::<Endpoints>(&kube, &params, "endpoints", &mut bundle).await;
        collect::<PersistentVolumeClaim>(&kube, &params, "pvcs", &mut bundle).await;
        collect::<PodDisruptionBudget>(&kube, &params, "pdbs", &mut bundle).await;
        collect::<Deployment>(&kube, &params, "deployments", &mut bundle).await;
        collect::<ConfigMap>(&kube, &params, "configmaps", &mut bundle).await;
        match kube.api::<Pod>().list(&params).await {
            Ok(list) => pods.extend(list.items),
            Err(e) => bundle.miss("pods", e),
        }
    }
    // Every Secret of the namespace the person may read: the cluster's go into the bundle
    // without values; all of them teach the scrubber what to look for.
    let secrets: Vec<Secret> = match kube.api::<Secret>().list(&ListParams::default()).await {
        Ok(list) => list.items,
        Err(e) => {
            bundle.miss("secrets (their values are not in the bundle either way)", e);
            Vec::new()
        }
    };
    for mut pod in pods.clone() {
        if let Some(spec) = pod.spec.as_mut() {
            report::redact_pod_spec(spec);
        }
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        bundle.yaml(&format!("pods/{pod_name}.yaml"), &pod);
    }
    let cluster_label = &config.cluster_name_label;
    for secret in &secrets {
        let ours = secret
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(cluster_label))
            .is_some_and(|c| *c == name);
        if ours {
            let secret_name = secret.metadata.name.clone().unwrap_or_default();
            bundle.yaml(
                &format!("secrets/{secret_name}.yaml"),
                &report::redact_secret(secret.clone()),
            );
        }
    }

    // Events about the cluster and its objects.
    match kube.api::<Event>().list(&ListParams::default()).await {
        Ok(list) => bundle.yaml("events.yaml", &cluster::cluster_events(list.items, &name)),
        Err(e) => bundle.miss("events", e),
    }

    // Patroni's view, from the first database pod that answers.
    let database_pods = patroni::pods(&kube, &config, &name)
        .await
        .unwrap_or_default();
    for (path, file) in [
        ("cluster", "patroni/cluster.json"),
        ("history", "patroni/history.json"),
        ("config", "patroni/config.json"),
    ] {
        match patroni::get_from_any(&kube, &database_pods, path).await {
            Ok(text) => bundle.text(file, text),
            Err(e) => bundle.miss(file, format!("{e:#}")),
        }
    }

    // Logs: every container of every pod, the last --tail lines.
    for pod in &pods {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let containers = pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
            .collect::<Vec<_>>();
        for container in containers {
            let file = format!("logs/{pod_name}/{container}.log");
            match log(&kube, &ns, &pod_name, &container, args.tail).await {
                Ok(text) => bundle.text(&file, text),
                Err(e) => bundle.miss(&file, e),
            }
        }
    }
    controller_logs(&kube, args.tail, &mut bundle).await;

    // The last pass: no credential of any Secret in any file.
    let scrubber = Scrubber::from_secrets(&secrets);
    let mut index = format!(
        "pgctl report of postgresql {ns}/{name}, {now}\n\
         pgctl {}\n\
         Secrets: keys only. Credentials searched for and replaced by {}: {} (from {} Secrets).\n",
        env!("CARGO_PKG_VERSION"),
        report::REDACTED,
        scrubber.len(),
        secrets.len()
    );
    if !bundle.missing.is_empty() {
        index.push_str("\nNot collected:\n");
        for missing in &bundle.missing {
            index.push_str(&format!("- {missing}\n"));
        }
    }
    index.push_str("\nFiles:\n");
    for (path, content) in &bundle.files {
        index.push_str(&format!("- {path} ({} bytes)\n", content.len()));
    }
    bundle.text("README.txt", index);

    let path = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "{name}-report-{}.tar.gz",
            now.strftime("%Y%m%dT%H%M%SZ")
        ))
    });
    let folder = format!("{name}-report");
    write_archive(&path, &folder, &bundle.files, &scrubber)
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    println!("{}", path.display());
    eprintln!(
        "{} files{}",
        bundle.files.len(),
        if bundle.missing.is_empty() {
            String::new()
        } else {
            format!("; not collected: {} (see README.txt)", bundle.missing.len())
        }
    );
    Ok(Code::Success)
}

/// The objects of kind `K` that `params` selects, one YAML file each under `folder/`.
async fn collect<K>(kube: &Kube, params: &ListParams, folder: &str, bundle: &mut Bundle)
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + Serialize
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    match kube.api::<K>().list(params).await {
        Ok(list) => {
            for object in list.items {
                let object_name = object.meta().name.clone().unwrap_or_default();
                bundle.yaml(&format!("{folder}/{object_name}.yaml"), &object);
            }
        }
        Err(e) => bundle.miss(folder, e),
    }
}

async fn log(
    kube: &Kube,
    namespace: &str,
    pod: &str,
    container: &str,
    tail: i64,
) -> Result<String, kube::Error> {
    let api: Api<Pod> = Api::namespaced(kube.client.clone(), namespace);
    api.logs(
        pod,
        &LogParams {
            container: Some(container.to_string()),
            tail_lines: Some(tail),
            timestamps: true,
            ..LogParams::default()
        },
    )
    .await
}

/// The controller's logs, when it runs as a pod (`pgctl install`): its pods carry
/// `app.kubernetes.io/name=pgctl-controller` in any namespace.
async fn controller_logs(kube: &Kube, tail: i64, bundle: &mut Bundle) {
    let api: Api<Pod> = Api::all(kube.client.clone());
    let params = ListParams::default().labels("app.kubernetes.io/name=pgctl-controller");
    match api.list(&params).await {
        Ok(list) if list.items.is_empty() => bundle.miss(
            "controller logs",
            "no pod labelled app.kubernetes.io/name=pgctl-controller (the controller does not run as a pod, or another label)",
        ),
        Ok(list) => {
            for pod in list.items {
                let pod_name = pod.metadata.name.clone().unwrap_or_default();
                let namespace = pod.metadata.namespace.clone().unwrap_or_default();
                let file = format!("controller/{pod_name}.log");
                let container = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.containers.first())
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                match log(kube, &namespace, &pod_name, &container, tail).await {
                    Ok(text) => bundle.text(&file, text),
                    Err(e) => bundle.miss(&file, e),
                }
            }
        }
        Err(e) => bundle.miss("controller logs", e),
    }
}

/// Writes `files` under `folder/` into a gzip'd tar at `path`, scrubbed, mode 0600.
fn write_archive(
    path: &std::path::Path,
    folder: &str,
    files: &BTreeMap<String, Vec<u8>>,
    scrubber: &Scrubber,
) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    let encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut archive = tar::Builder::new(encoder);
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    for (name, content) in files {
        let text = String::from_utf8_lossy(content);
        let clean = scrubber.scrub(&text).into_bytes();
        let mut header = tar::Header::new_gnu();
        header.set_size(clean.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(mtime);
        header.set_cksum();
        archive.append_data(&mut header, format!("{folder}/{name}"), clean.as_slice())?;
    }
    let mut encoder = archive.into_inner()?;
    encoder.flush()?;
    encoder.finish()?.sync_all()
}
