//! Running `pgctl-controller` as a process for a test, and playing Patroni's part for pods
//! where no real Patroni runs (labels and readiness).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;

use crate::{KUBECONFIG_ENV, TestNamespace, wait_for};

/// A binary of the workspace, built by `make test-e2e` before the tests run.
pub fn workspace_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("target"));
    target.join("debug").join(name)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A controller process watching one namespace, with its own namespace for the operator
/// ConfigMap and the leader Lease. Killed when dropped.
pub struct ControllerProcess {
    child: Option<Child>,
    pub metrics_port: u16,
    pub log: PathBuf,
    pub home: String,
    /// The namespace of `--watched-namespace`; for a controller that reads it from its
    /// ConfigMap, its own namespace (this names its log and its Lease).
    pub watched: String,
    pub identity: String,
}

impl ControllerProcess {
    /// Creates the controller's namespace with the given operator configuration.
    pub async fn prepare_home(
        client: &Client,
        home: &TestNamespace,
        config: BTreeMap<String, String>,
    ) -> Result<()> {
        let cm: ConfigMap = serde_json::from_value(json!({
            "metadata": {"name": "postgres-operator"},
            "data": config,
        }))?;
        Api::<ConfigMap>::namespaced(client.clone(), home.name())
            .create(&PostParams::default(), &cm)
            .await
            .context("creating the operator ConfigMap")?;
        Ok(())
    }

    /// Starts a controller watching `watched` (`--watched-namespace`); `identity`
    /// distinguishes replicas.
    pub fn start(home: &str, watched: &str, identity: &str) -> Result<Self> {
        Self::spawn(home, Some(watched), identity)
    }

    /// Starts a controller that takes the namespaces it watches from the `watched_namespace`
    /// key of its ConfigMap.
    pub fn start_watching_per_config(home: &str, identity: &str) -> Result<Self> {
        Self::spawn(home, None, identity)
    }

    fn spawn(home: &str, watched: Option<&str>, identity: &str) -> Result<Self> {
        let binary = workspace_binary("pgctl-controller");
        let kubeconfig =
            std::env::var(KUBECONFIG_ENV).map_err(|_| anyhow!("{KUBECONFIG_ENV} is not set"))?;
        let metrics_port = free_port()?;
        // Names (log, lease) follow the watched namespace, else the controller's own.
        let scope = watched.unwrap_or(home);
        let log = std::env::temp_dir().join(format!("pgctl-controller-{scope}-{identity}.log"));
        let log_file = std::fs::File::create(&log)?;
        let child = Command::new(&binary)
            .args([
                "--kubeconfig",
                &kubeconfig,
                "--namespace",
                home,
                "--config-map",
                "postgres-operator",
            ])
            .args(
                watched
                    .map(|ns| ["--watched-namespace", ns])
                    .into_iter()
                    .flatten(),
            )
            .args([
                "--identity",
                identity,
                "--lease-name",
                &format!("pgctl-{scope}"),
            ])
            .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
            .env_remove("WATCHED_NAMESPACE")
            .env("RUST_LOG", "info,pgctl_controller=debug")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting {} (built by `make test-e2e`)", binary.display()))?;
        Ok(ControllerProcess {
            child: Some(child),
            metrics_port,
            log,
            home: home.to_string(),
            watched: scope.to_string(),
            identity: identity.to_string(),
        })
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// True while the process runs.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// The controller's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Scrapes /metrics.
    pub async fn metrics(&self) -> Result<String> {
        crate::scrape_metrics(self.metrics_port).await
    }

    /// Sum of a counter family in /metrics, filtered by a label substring.
    pub async fn counter(&self, family: &str, label_filter: impl Fn(&str) -> bool) -> Result<f64> {
        Ok(crate::counter_sum(
            &self.metrics().await?,
            family,
            label_filter,
        ))
    }
}

impl Drop for ControllerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Deletes a namespace that is not a [`TestNamespace`].
pub async fn delete_namespace(client: &Client, name: &str) {
    let _ = Api::<Namespace>::all(client.clone())
        .delete(name, &DeleteParams::background())
        .await;
}

/// Plays Patroni where none runs: labels pod 0 master and the others replica, and marks
/// every pod Running and Ready through the status subresource.
pub async fn act_as_patroni(client: &Client, namespace: &str, cluster: &str) -> Result<usize> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let list = pods
        .list(&ListParams::default().labels(&format!("cluster-name={cluster}")))
        .await?;
    for pod in list
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        let name = pod.name_any();
        let role = if name.ends_with("-0") {
            "master"
        } else {
            "replica"
        };
        pods.patch(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"spilo-role": role}}})),
        )
        .await?;
        let now = k8s_openapi::jiff::Timestamp::now().to_string();
        let status = json!({"status": {
            "phase": "Running",
            "podIP": "10.244.0.10",
            "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": now},
                {"type": "ContainersReady", "status": "True", "lastTransitionTime": now},
            ],
        }});
        pods.patch_status(&name, &PatchParams::default(), &Patch::Merge(status))
            .await?;
    }
    Ok(list.items.len())
}

/// Waits until a cluster's pods exist in the expected number, playing Patroni meanwhile
/// (the StatefulSet creates pod N+1 only once pod N is ready).
pub async fn wait_for_pods(
    client: &Client,
    namespace: &str,
    cluster: &str,
    count: usize,
    timeout: Duration,
) -> Result<()> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    wait_for(&format!("{count} pods of {cluster}"), timeout, || async {
        act_as_patroni(client, namespace, cluster).await?;
        let list = pods
            .list(&ListParams::default().labels(&format!("cluster-name={cluster}")))
            .await?;
        Ok(list
            .items
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .count()
            == count)
    })
    .await
}
