//! Helpers for the end-to-end tests of the `pgctl` command line: the binaries, a controller
//! child process watching one test namespace, running `pgctl` as a script would (stdin not a
//! terminal), and playing Patroni's part for the fake pods (Ready, `spilo-role`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};

use crate::{KUBECONFIG_ENV, TestNamespace, wait_for, workspace_root};

/// The cargo target directory the binaries are built into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds `pgctl` and `pgctl-controller` once per test process (a failed build is reported
/// to every test without building again), and returns their paths. `PGCTL_BIN` and
/// `PGCTL_CONTROLLER_BIN` name prebuilt binaries instead.
pub fn binaries() -> Result<(PathBuf, PathBuf)> {
    type Built = std::result::Result<(PathBuf, PathBuf), String>;
    static BUILT: Mutex<Option<Built>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if built.is_none() {
        *built = Some(build().map_err(|e| format!("{e:#}")));
    }
    match built.as_ref() {
        Some(Ok(paths)) => Ok(paths.clone()),
        Some(Err(error)) => bail!("{error}"),
        None => bail!("the binaries were not built"),
    }
}

fn build() -> Result<(PathBuf, PathBuf)> {
    if let (Some(cli), Some(controller)) = (
        std::env::var_os("PGCTL_BIN"),
        std::env::var_os("PGCTL_CONTROLLER_BIN"),
    ) {
        return Ok((PathBuf::from(cli), PathBuf::from(controller)));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["build", "-q", "-p", "pgctl", "-p", "pgctl-controller"])
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .context("running cargo build for pgctl and pgctl-controller")?;
    if !output.status.success() {
        bail!(
            "cargo build -p pgctl -p pgctl-controller failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let debug = target_dir().join("debug");
    Ok((debug.join("pgctl"), debug.join("pgctl-controller")))
}

/// The kubeconfig of the cluster under test.
pub fn kubeconfig() -> Result<PathBuf> {
    std::env::var_os(KUBECONFIG_ENV)
        .map(PathBuf::from)
        .with_context(|| {
            format!("{KUBECONFIG_ENV} is not set: run the tests with tests/cluster/e2e")
        })
}

/// What one run of `pgctl` did.
#[derive(Debug, Clone)]
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// Fails with everything printed unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Result<Self> {
        if self.code != code {
            bail!(
                "expected exit code {code}, got {}\nstdout:\n{}\nstderr:\n{}",
                self.code,
                self.stdout,
                self.stderr
            );
        }
        Ok(self)
    }

    /// Both streams together, for "never printed" checks.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A `pgctl-controller` child process, stopped when dropped.
pub struct ControllerProcess {
    child: Child,
    metrics_port: u16,
}

impl ControllerProcess {
    /// Sum of a counter family in the controller's /metrics, filtered by a label substring.
    pub async fn counter(&self, family: &str, label_filter: impl Fn(&str) -> bool) -> Result<f64> {
        let text = crate::scrape_metrics(self.metrics_port).await?;
        Ok(crate::counter_sum(&text, family, label_filter))
    }
}

impl Drop for ControllerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test setting: a namespace for clusters, one for the controller's ConfigMap and Lease,
/// and optionally a controller watching only the first.
pub struct CliEnv {
    pub client: Client,
    pub namespace: TestNamespace,
    pub controller_namespace: TestNamespace,
    pub kubeconfig: PathBuf,
    pub pgctl: PathBuf,
    // Dropped before the namespaces, so the controller stops first.
    controller: Option<ControllerProcess>,
}

impl Drop for CliEnv {
    fn drop(&mut self) {
        self.controller.take();
    }
}

impl CliEnv {
    /// Creates the namespaces and the operator ConfigMap with `config` as its data, and starts
    /// a controller when `controller` is true.
    pub async fn start(prefix: &str, config: &[(&str, &str)], controller: bool) -> Result<Self> {
        Self::start_with(prefix, config, controller, false).await
    }

    /// Like [`Self::start`] with a controller, in a namespace whose database pods run Patroni
    /// and PostgreSQL for real; installs the ClusterRole Patroni's ServiceAccount is bound to.
    pub async fn start_real(prefix: &str, config: &[(&str, &str)]) -> Result<Self> {
        Self::start_with(prefix, config, true, true).await
    }

    async fn start_with(
        prefix: &str,
        config: &[(&str, &str)],
        controller: bool,
        real_pods: bool,
    ) -> Result<Self> {
        let (pgctl, controller_bin) = binaries()?;
        let client = crate::client().await?;
        crate::install_crd(&client, &pgctl_shared::crd::crd(), Duration::from_secs(60)).await?;
        let namespace = if real_pods {
            crate::data_plane::install_pod_cluster_role(&client).await?;
            TestNamespace::create_with_real_pods(&client, prefix).await?
        } else {
            TestNamespace::create(&client, prefix).await?
        };
        let controller_namespace = TestNamespace::create(&client, &format!("{prefix}-ctl")).await?;
        let data: BTreeMap<String, String> = config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config_map: ConfigMap = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "postgres-operator"},
            "data": data,
        }))?;
        Api::<ConfigMap>::namespaced(client.clone(), controller_namespace.name())
            .create(&PostParams::default(), &config_map)
            .await
            .context("creating the operator ConfigMap")?;
        let kubeconfig = kubeconfig()?;
        let mut env = CliEnv {
            client,
            namespace,
            controller_namespace,
            kubeconfig,
            pgctl,
            controller: None,
        };
        if controller {
            env.controller = Some(env.start_controller(&controller_bin).await?);
        }
        Ok(env)
    }

    /// Kills the controller at once (SIGKILL), as a crash would.
    pub fn kill_controller(&mut self) {
        self.controller.take();
    }

    /// The running controller, if any.
    pub fn controller(&self) -> Option<&ControllerProcess> {
        self.controller.as_ref()
    }

    /// Starts a controller again after [`Self::kill_controller`] (it takes over the leader
    /// Lease once the killed one's expires).
    pub async fn restart_controller(&mut self) -> Result<()> {
        let (_, binary) = binaries()?;
        self.controller = Some(self.start_controller(&binary).await?);
        Ok(())
    }

    /// The controller's log (every controller of this setting appends to it).
    pub fn controller_log(&self) -> PathBuf {
        std::env::temp_dir().join(format!(
            "pgctl-e2e-controller-{}.log",
            self.namespace.name()
        ))
    }

    async fn start_controller(&self, binary: &Path) -> Result<ControllerProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.controller_log())?;
        let child = Command::new(binary)
            .args(["--kubeconfig"])
            .arg(&self.kubeconfig)
            .args([
                "--namespace",
                self.controller_namespace.name(),
                "--config-map",
                "postgres-operator",
                "--watched-namespace",
                self.namespace.name(),
                "--metrics-addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting pgctl-controller")?;
        let process = ControllerProcess {
            child,
            metrics_port: port,
        };
        let url = format!("127.0.0.1:{port}");
        wait_for(
            "the controller to serve /readyz",
            Duration::from_secs(60),
            || {
                let url = url.clone();
                async move { Ok(http_ok(&url, "/readyz")) }
            },
        )
        .await?;
        Ok(process)
    }

    /// Runs `pgctl` with `-n` of the test namespace, the test kubeconfig and the controller's
    /// namespace, stdin empty and not a terminal.
    pub fn pgctl(&self, args: &[&str]) -> CliOutput {
        self.pgctl_with_stdin(args, "")
    }

    /// `pgctl create NAME --team acid --instances N --size 1Gi EXTRA...`, which must succeed.
    pub fn create_cluster(
        &self,
        name: &str,
        instances: usize,
        extra: &[&str],
    ) -> Result<CliOutput> {
        let instances = instances.to_string();
        let mut args = vec![
            "create",
            name,
            "--team",
            "acid",
            "--instances",
            &instances,
            "--size",
            "1Gi",
        ];
        args.extend_from_slice(extra);
        self.pgctl(&args).expect_code(0)
    }

    /// Like [`Self::pgctl`], with `stdin` as standard input.
    pub fn pgctl_with_stdin(&self, args: &[&str], stdin: &str) -> CliOutput {
        let mut child = match self.command(args).stdin(Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(error) => {
                return CliOutput {
                    code: -1,
                    stdout: String::new(),
                    stderr: format!("cannot start pgctl: {error}"),
                };
            }
        };
        if let Some(mut input) = child.stdin.take() {
            use std::io::Write;
            let _ = input.write_all(stdin.as_bytes());
        }
        match child.wait_with_output() {
            Ok(out) => CliOutput {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            },
            Err(error) => CliOutput {
                code: -1,
                stdout: String::new(),
                stderr: format!("pgctl did not finish: {error}"),
            },
        }
    }

    /// The command [`Self::pgctl`] runs, for running it in the background.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_in(self.namespace.name(), args)
    }

    /// Like [`Self::command`] with another `-n`.
    pub fn command_in(&self, namespace: &str, args: &[&str]) -> Command {
        let mut command = Command::new(&self.pgctl);
        command
            .args(args)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["-n", namespace])
            .env(
                "PGCTL_CONTROLLER_NAMESPACE",
                self.controller_namespace.name(),
            )
            .env_remove("KUBECONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Plays Patroni for the fake pods of a cluster: waits until `count` pods exist and marks
    /// them Running and Ready, the first (by name) `spilo-role=master`, the others `replica`.
    pub async fn make_pods_ready(&self, cluster: &str, count: usize) -> Result<()> {
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), self.namespace.name());
        let selector = format!("cluster-name={cluster}");
        wait_for(
            &format!("{count} ready pods of {cluster}"),
            Duration::from_secs(90),
            || {
                let pods = pods.clone();
                let selector = selector.clone();
                async move {
                    let mut list = pods
                        .list(&ListParams::default().labels(&selector))
                        .await?
                        .items;
                    list.retain(|p| p.metadata.deletion_timestamp.is_none());
                    list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
                    let mut ready = 0;
                    for (i, pod) in list.iter().enumerate() {
                        let name = pod.metadata.name.clone().unwrap_or_default();
                        let role = if i == 0 { "master" } else { "replica" };
                        let has_role = pod
                            .metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get("spilo-role"))
                            .is_some_and(|r| r == role);
                        if !has_role {
                            let patch =
                                serde_json::json!({"metadata": {"labels": {"spilo-role": role}}});
                            pods.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                                .await?;
                        }
                        let is_ready = pod
                            .status
                            .as_ref()
                            .and_then(|s| s.conditions.as_ref())
                            .is_some_and(|c| {
                                c.iter().any(|c| c.type_ == "Ready" && c.status == "True")
                            });
                        if !is_ready {
                            let status = serde_json::json!({"status": {
                                "phase": "Running",
                                "podIP": format!("10.244.250.{}", 10 + i),
                                "conditions": [
                                    {"type": "Ready", "status": "True"},
                                    {"type": "ContainersReady", "status": "True"},
                                ],
                            }});
                            pods.patch_status(
                                &name,
                                &PatchParams::default(),
                                &Patch::Merge(&status),
                            )
                            .await?;
                        }
                        ready += 1;
                    }
                    Ok(ready >= count)
                }
            },
        )
        .await
    }

    /// Waits until the cluster's status string is `status`.
    pub async fn wait_status(&self, cluster: &str, status: &str) -> Result<()> {
        let api: Api<pgctl_shared::crd::Postgresql> =
            Api::namespaced(self.client.clone(), self.namespace.name());
        wait_for(
            &format!("postgresql {cluster} to be {status}"),
            Duration::from_secs(90),
            || {
                let api = api.clone();
                async move {
                    Ok(api
                        .get_opt(cluster)
                        .await?
                        .and_then(|pg| pg.status)
                        .is_some_and(|s| s.postgres_cluster_status == status))
                }
            },
        )
        .await
    }
}

/// A bare HTTP/1.0 GET: true on a 200 answer.
fn http_ok(addr: &str, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(address) = addr.parse() else {
        return false;
    };
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
}
