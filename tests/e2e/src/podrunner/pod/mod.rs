//! The life of one pod on a fake node, played as a kubelet would: set up its network and
//! volumes, start its processes, report its status from what really runs, restart what dies,
//! and on deletion stop it within the grace period and remove the pod object.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use k8s_openapi::api::authentication::v1::{BoundObjectReference, TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret,
    ServiceAccount,
};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions};
use kube::{Client, ResourceExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::Child;
use tokio::sync::{Mutex, watch};

use super::env::{self, Objects, Source};
use super::ipam::{self, Cidr};
use super::net::{PodNetns, PodNetwork};
use super::patroni::{self, PodPaths};
use super::process;
use super::status::{self, MAIN_CONTAINER, Observed, Termination};

/// Where Spilo mounts the data volume and keeps `PGROOT`, when the env does not say.
const DEFAULT_PGROOT: &str = "/home/postgres/pgdata/pgroot";
/// How often readiness is probed (Patroni's `GET /health`).
const PROBE_INTERVAL: Duration = Duration::from_secs(2);
/// The longest wait between restarts of a crashing pod, as the kubelet's back-off.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long the pod's service-account token lives.
const TOKEN_SECONDS: i64 = 7 * 24 * 3600;

/// What every pod task shares.
pub struct Shared {
    pub client: Client,
    pub network: PodNetwork,
    /// The API server as pods reach it (through the runner's forwarder on the gateway).
    pub api_server_for_pods: String,
    /// The cluster's CA certificate (PEM), for the pods' kubeconfigs.
    pub ca_pem: String,
    pub state_dir: PathBuf,
    pub log_dir: PathBuf,
    pub patroni: PathBuf,
    pub pg_bin_dir: PathBuf,
    /// Pods in namespaces with this label (`key=value`) are not run, only removed on deletion.
    pub simulated_label: (String, String),
    /// Addresses this runner handed out, by node.
    pub addresses: Mutex<BTreeMap<String, BTreeSet<Ipv4Addr>>>,
    /// Set when the runner stops: every pod's processes are killed, the pods stay.
    pub shutdown: watch::Receiver<bool>,
}

fn now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

/// Runs one pod until it is deleted (or the runner stops). `updates` carries the pod's latest
/// version, `None` once it is gone from the API.
pub async fn run(shared: Arc<Shared>, updates: watch::Receiver<Option<Pod>>) {
    let Some(pod) = updates.borrow().clone() else {
        return;
    };
    let namespace = pod.namespace().unwrap_or_default();
    let name = pod.name_any();
    let simulated = match is_simulated(&shared, &namespace).await {
        Ok(s) => s,
        Err(error) => {
            tracing::warn!(pod = %name, %namespace, "cannot read the namespace, running the pod: {error:#}");
            false
        }
    };
    let result = if simulated {
        run_simulated(&shared, updates).await
    } else {
        RealPod::new(shared.clone(), pod).run(updates).await
    };
    if let Err(error) = result {
        tracing::error!(pod = %name, %namespace, "{error:#}");
    }
}

async fn is_simulated(shared: &Shared, namespace: &str) -> Result<bool> {
    let ns = Api::<Namespace>::all(shared.client.clone())
        .get(namespace)
        .await?;
    let (key, value) = &shared.simulated_label;
    Ok(ns.labels().get(key) == Some(value))
}

/// A pod of a test that plays Patroni itself: only removed once deleted, as kwok does.
async fn run_simulated(shared: &Shared, mut updates: watch::Receiver<Option<Pod>>) -> Result<()> {
    loop {
        let pod = updates.borrow_and_update().clone();
        let Some(pod) = pod else { return Ok(()) };
        if pod.metadata.deletion_timestamp.is_some() {
            return finalize(&shared.client, &pod).await;
        }
        if updates.changed().await.is_err() {
            return Ok(());
        }
    }
}

/// Removes a deleted pod's object, as the kubelet does once its containers have stopped.
async fn finalize(client: &Client, pod: &Pod) -> Result<()> {
    let api: Api<Pod> = Api::namespaced(client.clone(), &pod.namespace().unwrap_or_default());
    let params = DeleteParams {
        grace_period_seconds: Some(0),
        preconditions: Some(Preconditions {
            uid: pod.metadata.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api.delete(&pod.name_any(), &params).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.is_not_found() || s.code == 409 => Ok(()),
        Err(e) => Err(e).context("removing the pod"),
    }
}

/// A pod whose processes run here.
struct RealPod {
    shared: Arc<Shared>,
    pod: Pod,
    name: String,
    namespace: String,
    node: String,
    dir: PathBuf,
    netns: PodNetns,
    address: Option<Ipv4Addr>,
    observed: Option<Observed>,
}

/// How one round of running the process ended.
enum Outcome {
    /// The pod was deleted and its processes stopped.
    Deleted,
    /// The pod vanished from the API, or the runner stops: processes killed.
    Gone,
    /// The process exited on its own.
    Exited(Option<std::process::ExitStatus>, String),
}

impl RealPod {
    fn new(shared: Arc<Shared>, pod: Pod) -> Self {
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        let netns = PodNetns::for_pod(&shared.network, &uid);
        let name = pod.name_any();
        let namespace = pod.namespace().unwrap_or_default();
        let dir = shared
            .state_dir
            .join(format!("{namespace}_{name}_{}", &uid[..uid.len().min(8)]));
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        Self {
            shared,
            pod,
            name,
            namespace,
            node,
            dir,
            netns,
            address: None,
            observed: None,
        }
    }

    fn pods(&self) -> Api<Pod> {
        Api::namespaced(self.shared.client.clone(), &self.namespace)
    }

    fn log_path(&self) -> PathBuf {
        self.shared
            .log_dir
            .join(&self.namespace)
            .join(format!("{}.log", self.name))
    }

    async fn run(mut self, mut updates: watch::Receiver<Option<Pod>>) -> Result<()> {
        let result = self.lifecycle(&mut updates).await;
        self.cleanup().await;
        result
    }

    async fn lifecycle(&mut self, updates: &mut watch::Receiver<Option<Pod>>) -> Result<()> {
        let mut shutdown = self.shared.shutdown.clone();
        // Set up until it works (a Secret or a claim may come later), unless deleted first.
        let mut attempt = 0u32;
        let (config_path, env) = loop {
            if let Some(pod) = updates.borrow_and_update().clone() {
                self.pod = pod;
            } else {
                return Ok(());
            }
            if self.pod.metadata.deletion_timestamp.is_some() {
                return finalize(&self.shared.client, &self.pod).await;
            }
            match self.set_up().await {
                Ok(ready) => break ready,
                Err(error) => {
                    attempt += 1;
                    let message = format!("{error:#}");
                    tracing::warn!(pod = %self.name, namespace = %self.namespace, "setting up (attempt {attempt}): {message}");
                    self.report_waiting("CreateContainerConfigError", &message)
                        .await;
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(3)) => {}
                        _ = updates.changed() => {}
                        _ = shutdown.changed() => return Ok(()),
                    }
                }
            }
        };
        let mut backoff = Duration::from_secs(1);
        loop {
            let started = now();
            let mut child = process::start(&self.netns.name, &config_path, &env, &self.log_path())?;
            if let Some(pid) = child.id() {
                let _ = tokio::fs::write(self.dir.join("pid"), pid.to_string()).await;
            }
            tracing::info!(pod = %self.name, namespace = %self.namespace, ip = ?self.address, "started patroni");
            if let Some(o) = self.observed.as_mut() {
                o.running_since = Some(started.clone());
                o.waiting = None;
                o.ready = false;
                o.ready_since = started.clone();
            }
            self.report().await;
            match self.supervise(&mut child, updates).await {
                Outcome::Deleted => return finalize(&self.shared.client, &self.pod).await,
                Outcome::Gone => return Ok(()),
                Outcome::Exited(status, finished) => {
                    let code = status.and_then(|s| s.code()).unwrap_or(137);
                    let signal =
                        status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
                    tracing::warn!(pod = %self.name, namespace = %self.namespace, code, ?signal, "patroni exited; restarting in {backoff:?}");
                    if let Some(o) = self.observed.as_mut() {
                        o.restart_count += 1;
                        o.running_since = None;
                        o.ready = false;
                        o.ready_since = finished.clone();
                        o.last_termination = Some(Termination {
                            exit_code: if signal.is_some() {
                                128 + signal.unwrap_or(0)
                            } else {
                                code
                            },
                            signal,
                            started_at: started,
                            finished_at: finished,
                        });
                        o.waiting = Some((
                            "CrashLoopBackOff".to_string(),
                            format!(
                                "back-off {}s restarting failed container",
                                backoff.as_secs()
                            ),
                        ));
                    }
                    self.report().await;
                    if !self.back_off(backoff, updates).await? {
                        return Ok(());
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Waits `backoff` before a restart. Returns false when the pod is gone (or deleted and
    /// removed) or the runner stops.
    async fn back_off(
        &mut self,
        backoff: Duration,
        updates: &mut watch::Receiver<Option<Pod>>,
    ) -> Result<bool> {
        let mut shutdown = self.shared.shutdown.clone();
        let deadline = tokio::time::Instant::now() + backoff;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return Ok(true),
                _ = shutdown.changed() => return Ok(false),
                changed = updates.changed() => {
                    if changed.is_err() {
                        return Ok(false);
                    }
                    let latest = updates.borrow_and_update().clone();
                    let Some(pod) = latest else { return Ok(false) };
                    self.pod = pod;
                    if self.pod.metadata.deletion_timestamp.is_some() {
                        finalize(&self.shared.client, &self.pod).await?;
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Watches the running process: probes readiness, restarts nothing itself, and stops the
    /// processes when the pod is deleted or the runner stops.
    async fn supervise(
        &mut self,
        child: &mut Child,
        updates: &mut watch::Receiver<Option<Pod>>,
    ) -> Outcome {
        let mut shutdown = self.shared.shutdown.clone();
        let mut probe = tokio::time::interval(PROBE_INTERVAL);
        loop {
            tokio::select! {
                status = child.wait() => return Outcome::Exited(status.ok(), now()),
                _ = shutdown.changed() => {
                    process::kill_now(child).await;
                    return Outcome::Gone;
                }
                changed = updates.changed() => {
                    let pod = if changed.is_ok() { updates.borrow_and_update().clone() } else { None };
                    let Some(pod) = pod else {
                        process::kill_now(child).await;
                        return Outcome::Gone;
                    };
                    self.pod = pod;
                    if self.pod.metadata.deletion_timestamp.is_some() {
                        let grace = self.pod.metadata.deletion_grace_period_seconds.unwrap_or(30).max(0);
                        tracing::info!(pod = %self.name, namespace = %self.namespace, "deleted; stopping patroni (grace {grace}s)");
                        let status = process::stop(child, Duration::from_secs(grace.unsigned_abs())).await;
                        tracing::info!(pod = %self.name, namespace = %self.namespace, ?status, "stopped");
                        return Outcome::Deleted;
                    }
                }
                _ = probe.tick() => {
                    let ready = match self.address {
                        Some(ip) => healthy(ip).await,
                        None => false,
                    };
                    if let Some(o) = self.observed.as_mut()
                        && o.ready != ready
                    {
                        o.ready = ready;
                        o.ready_since = now();
                        tracing::info!(pod = %self.name, namespace = %self.namespace, ready, "readiness changed");
                        self.report().await;
                    }
                }
            }
        }
    }

    /// Writes the observed status (errors are logged; the next change writes again).
    async fn report(&self) {
        let Some(observed) = &self.observed else {
            return;
        };
        let body = status::pod_status(&self.pod, observed);
        if let Err(error) = self
            .pods()
            .patch_status(&self.name, &PatchParams::default(), &Patch::Strategic(body))
            .await
        {
            tracing::warn!(pod = %self.name, namespace = %self.namespace, "writing the status: {error}");
        }
    }

    async fn report_waiting(&mut self, reason: &str, message: &str) {
        if let Some(o) = self.observed.as_mut() {
            o.waiting = Some((reason.to_string(), message.to_string()));
            self.report().await;
        }
    }

    /// Network, volumes, credentials and configuration. Returns the Patroni configuration file
    /// and the process environment.
    async fn set_up(&mut self) -> Result<(PathBuf, BTreeMap<String, String>)> {
        let container = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.containers.iter().find(|c| c.name == MAIN_CONTAINER))
            .cloned()
            .ok_or_else(|| anyhow!("the pod has no container named {MAIN_CONTAINER}"))?;
        let node: Node = Api::all(self.shared.client.clone())
            .get(&self.node)
            .await
            .with_context(|| format!("reading node {}", self.node))?;
        if self.address.is_none() {
            self.address = Some(self.allocate(&node).await?);
        }
        let address = self.address.ok_or_else(|| anyhow!("no address"))?;
        let host_ip = node.status.as_ref().and_then(|s| {
            s.addresses
                .iter()
                .flatten()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone())
        });
        if self.observed.is_none() {
            let t = now();
            self.observed = Some(Observed {
                pod_ip: address.to_string(),
                host_ip,
                start_time: t.clone(),
                running_since: None,
                ready: false,
                ready_since: t,
                restart_count: 0,
                last_termination: None,
                waiting: None,
            });
        }

        let run_dir = self.dir.join("run");
        tokio::fs::create_dir_all(&run_dir).await?;
        if let Some(parent) = self.log_path().parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let (uid, gid) = database_user()?;
        own(&self.dir, uid, gid, 0o700)?;
        own(&run_dir, uid, gid, 0o700)?;

        let mut mounts = self.mounts(&container).await?;
        let pgroot = self.pgroot(&container, &mounts, uid, gid).await?;

        let objects = self.fetch_objects(&container).await?;
        let env = env::resolve(&self.pod, &container, &address.to_string(), &objects)?;

        make_certificate(&run_dir, &self.name, uid, gid).await?;
        let inside_run = PathBuf::from(process::CONTAINER_RUN_DIR);
        let token = self.token().await?;
        std::fs::write(run_dir.join("ca.crt"), &self.shared.ca_pem)?;
        write_private(
            &run_dir.join("kubeconfig"),
            &self.kubeconfig(&token, &inside_run.join("ca.crt")),
            uid,
            gid,
        )?;

        let config = patroni::config(
            &self.name,
            &address.to_string(),
            &env,
            &PodPaths {
                pgroot: &pgroot,
                run_dir: &inside_run,
                bin_dir: &self.shared.pg_bin_dir,
                kubeconfig: &inside_run.join("kubeconfig"),
            },
        )?;
        write_private(
            &run_dir.join("patroni.yml"),
            &serde_yaml::to_string(&config)?,
            uid,
            gid,
        )?;
        mounts.insert(0, (inside_run.clone(), run_dir.clone()));
        let script = self.dir.join("start.sh");
        std::fs::write(
            &script,
            process::start_script(&mounts, &self.shared.patroni),
        )?;

        self.shared
            .network
            .add(&self.netns, address, &self.name, &self.namespace)
            .await
            .context("setting up the pod's network")?;

        let mut process_env: BTreeMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| !k.starts_with("KUBERNETES_SERVICE") && !k.starts_with("PATRONI_"))
            .collect();
        process_env.insert("PATH".into(), "/usr/bin:/bin".into());
        process_env.insert("HOME".into(), process::CONTAINER_RUN_DIR.into());
        process_env.insert(
            "KUBECONFIG".into(),
            inside_run.join("kubeconfig").display().to_string(),
        );
        process_env.insert("LANG".into(), "C.UTF-8".into());
        process_env.insert("LC_ALL".into(), "C.UTF-8".into());
        Ok((script, process_env))
    }

    /// An address from the node's podCIDR: the one the pod already had (a runner restart),
    /// else the highest one neither this runner nor another pod on the node uses.
    async fn allocate(&self, node: &Node) -> Result<Ipv4Addr> {
        let cidr: Cidr = node
            .spec
            .as_ref()
            .and_then(|s| s.pod_cidr.clone())
            .ok_or_else(|| anyhow!("node {} has no podCIDR", self.node))?
            .parse()
            .map_err(|e: String| anyhow!(e))?;
        let others = Api::<Pod>::all(self.shared.client.clone())
            .list(&ListParams::default().fields(&format!("spec.nodeName={}", self.node)))
            .await?;
        let mut addresses = self.shared.addresses.lock().await;
        let ours = addresses.entry(self.node.clone()).or_default();
        let mut in_use = ours.clone();
        for other in &others.items {
            if other.metadata.uid == self.pod.metadata.uid {
                continue;
            }
            if let Some(ip) = other.status.as_ref().and_then(|s| s.pod_ip.as_ref())
                && let Ok(ip) = ip.parse()
            {
                in_use.insert(ip);
            }
        }
        let previous = self
            .pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.as_ref())
            .and_then(|ip| ip.parse::<Ipv4Addr>().ok())
            .filter(|ip| cidr.contains(*ip) && !in_use.contains(ip));
        let ip = previous
            .or_else(|| ipam::allocate(&cidr, &in_use))
            .ok_or_else(|| anyhow!("no free address left in {}'s podCIDR", self.node))?;
        ours.insert(ip);
        Ok(ip)
    }

    /// The container's mounts that have storage here and lie under `/home` (where the pod has
    /// a file system of its own): mount path → host directory.
    async fn mounts(&self, container: &Container) -> Result<Vec<(PathBuf, PathBuf)>> {
        let volumes = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.volumes.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        for mount in container.volume_mounts.iter().flatten() {
            if !mount.mount_path.starts_with("/home/") {
                tracing::debug!(pod = %self.name, "volume {} at {} is not mounted (outside /home)", mount.name, mount.mount_path);
                continue;
            }
            let Some(volume) = volumes.iter().find(|v| v.name == mount.name) else {
                continue;
            };
            let host = if let Some(claim) = &volume.persistent_volume_claim {
                self.claim_path(&claim.claim_name).await?
            } else if volume.empty_dir.is_some() {
                let dir = self.dir.join("volumes").join(&volume.name);
                tokio::fs::create_dir_all(&dir).await?;
                dir
            } else {
                continue;
            };
            let host = match &mount.sub_path {
                Some(sub) if !sub.is_empty() => host.join(sub),
                _ => host,
            };
            out.push((PathBuf::from(&mount.mount_path), host));
        }
        Ok(out)
    }

    /// The host directory of a bound claim's hostPath volume.
    async fn claim_path(&self, claim: &str) -> Result<PathBuf> {
        let pvc: PersistentVolumeClaim =
            Api::namespaced(self.shared.client.clone(), &self.namespace)
                .get(claim)
                .await
                .with_context(|| format!("reading claim {claim}"))?;
        let volume = pvc
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.clone())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| anyhow!("claim {claim} is not bound yet"))?;
        let pv: PersistentVolume = Api::all(self.shared.client.clone())
            .get(&volume)
            .await
            .with_context(|| format!("reading volume {volume}"))?;
        let spec = pv.spec.unwrap_or_default();
        let path = spec
            .host_path
            .map(|h| h.path)
            .or_else(|| spec.local.map(|l| l.path))
            .ok_or_else(|| anyhow!("volume {volume} is neither hostPath nor local"))?;
        tokio::fs::create_dir_all(&path).await?;
        Ok(PathBuf::from(path))
    }

    /// `PGROOT` as the pod sees it; on the host, it and its volume's root are made the
    /// database user's (as `fsGroup` would make them usable).
    async fn pgroot(
        &self,
        container: &Container,
        mounts: &[(PathBuf, PathBuf)],
        uid: u32,
        gid: u32,
    ) -> Result<PathBuf> {
        let pgroot = container
            .env
            .iter()
            .flatten()
            .find(|e| e.name == "PGROOT")
            .and_then(|e| e.value.clone())
            .unwrap_or_else(|| DEFAULT_PGROOT.to_string());
        let Some(host) = translate(Path::new(&pgroot), mounts) else {
            bail!("PGROOT {pgroot} is on no volume mounted under /home");
        };
        for (_, root) in mounts {
            if host.starts_with(root) {
                own(root, uid, gid, 0o755)?;
            }
        }
        tokio::fs::create_dir_all(&host).await?;
        own(&host, uid, gid, 0o700)?;
        Ok(PathBuf::from(pgroot))
    }

    async fn fetch_objects(&self, container: &Container) -> Result<Objects> {
        let mut objects = Objects::new();
        for (source, name) in env::references(container) {
            let data = match source {
                Source::Secret => {
                    let api: Api<Secret> =
                        Api::namespaced(self.shared.client.clone(), &self.namespace);
                    api.get_opt(&name).await?.map(|s| {
                        s.data
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
                            .collect::<BTreeMap<_, _>>()
                    })
                }
                Source::ConfigMap => {
                    let api: Api<ConfigMap> =
                        Api::namespaced(self.shared.client.clone(), &self.namespace);
                    api.get_opt(&name)
                        .await?
                        .map(|c| c.data.unwrap_or_default().into_iter().collect())
                }
            };
            if let Some(data) = data {
                objects.insert((source, name), data);
            }
        }
        Ok(objects)
    }

    /// A token of the pod's service account, bound to the pod (invalid once it is gone).
    async fn token(&self) -> Result<String> {
        let account = self
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".to_string());
        let request = TokenRequest {
            spec: TokenRequestSpec {
                audiences: Vec::new(),
                expiration_seconds: Some(TOKEN_SECONDS),
                bound_object_ref: Some(BoundObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("Pod".into()),
                    name: Some(self.name.clone()),
                    uid: self.pod.metadata.uid.clone(),
                }),
            },
            ..TokenRequest::default()
        };
        let api: Api<ServiceAccount> = Api::namespaced(self.shared.client.clone(), &self.namespace);
        let response = api
            .create_token_request(&account, &PostParams::default(), &request)
            .await
            .with_context(|| format!("requesting a token of service account {account}"))?;
        response
            .status
            .map(|s| s.token)
            .ok_or_else(|| anyhow!("the token request of {account} returned no token"))
    }

    fn kubeconfig(&self, token: &str, ca: &Path) -> String {
        let config = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": patroni::KUBE_CONTEXT,
            "clusters": [{"name": "pgctl", "cluster": {
                "server": self.shared.api_server_for_pods,
                "certificate-authority": ca.display().to_string(),
            }}],
            "users": [{"name": "pod", "user": {"token": token}}],
            "contexts": [{"name": patroni::KUBE_CONTEXT, "context": {
                "cluster": "pgctl", "user": "pod", "namespace": self.namespace,
            }}],
        });
        serde_yaml::to_string(&config).unwrap_or_default()
    }

    /// Removes what the pod had here: network, address, private directory. Data on volumes
    /// stays; logs stay.
    async fn cleanup(&mut self) {
        self.shared.network.delete(&self.netns).await;
        if let Some(ip) = self.address.take() {
            let mut addresses = self.shared.addresses.lock().await;
            if let Some(set) = addresses.get_mut(&self.node) {
                set.remove(&ip);
            }
        }
        let _ = tokio::fs::remove_dir_all(&self.dir).await;
    }
}

/// Where `path` of the container is on the host, by the longest mount that holds it.
pub fn translate(path: &Path, mounts: &[(PathBuf, PathBuf)]) -> Option<PathBuf> {
    mounts
        .iter()
        .filter_map(|(mount, host)| {
            path.strip_prefix(mount)
                .ok()
                .map(|rest| (mount, host.join(rest)))
        })
        .max_by_key(|(mount, _)| mount.as_os_str().len())
        .map(|(_, host)| host)
}

/// Patroni's `GET /health`: 200 while PostgreSQL runs.
async fn healthy(ip: Ipv4Addr) -> bool {
    let check = async {
        let mut stream = TcpStream::connect((ip, 8008)).await?;
        stream
            .write_all(b"GET /health HTTP/1.0\r\nHost: pod\r\n\r\n")
            .await?;
        // Read the whole answer (HTTP/1.0: until the server closes), so that Patroni does not
        // log a reset connection.
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        let status_line = answer.split(|b| *b == b'\n').next().unwrap_or_default();
        Ok::<bool, std::io::Error>(String::from_utf8_lossy(status_line).contains(" 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), check).await,
        Ok(Ok(true))
    )
}

/// The uid and gid of the database user, from /etc/passwd.
fn database_user() -> Result<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd")?;
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.first() == Some(&process::DATABASE_USER) && fields.len() > 3 {
            return Ok((fields[2].parse()?, fields[3].parse()?));
        }
    }
    bail!(
        "no user {} on this machine (install Debian's postgresql package: tests/postgres/ensure)",
        process::DATABASE_USER
    )
}

fn own(path: &Path, uid: u32, gid: u32, mode: u32) -> Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .with_context(|| format!("chown {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("chmod {}", path.display()))
}

fn write_private(path: &Path, contents: &str, uid: u32, gid: u32) -> Result<()> {
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    own(path, uid, gid, 0o600)
}

/// A self-signed server certificate, as Spilo makes one at start when none is given.
async fn make_certificate(run_dir: &Path, name: &str, uid: u32, gid: u32) -> Result<()> {
    let key = run_dir.join("server.key");
    let crt = run_dir.join("server.crt");
    if key.exists() && crt.exists() {
        return Ok(());
    }
    let out = tokio::process::Command::new("openssl")
        .args(["req", "-x509", "-nodes", "-days", "3650", "-newkey", "ec"])
        .args(["-pkeyopt", "ec_paramgen_curve:prime256v1"])
        .arg("-subj")
        .arg(format!("/CN={name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .await
        .context("running openssl")?;
    if !out.status.success() {
        bail!("openssl: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    own(&key, uid, gid, 0o600)?;
    own(&crt, uid, gid, 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_translate_through_the_longest_mount() {
        let mounts = vec![
            (
                PathBuf::from("/home/postgres/pgdata"),
                PathBuf::from("/v/pv1"),
            ),
            (PathBuf::from("/home/postgres"), PathBuf::from("/e/home")),
        ];
        assert_eq!(
            translate(Path::new("/home/postgres/pgdata/pgroot"), &mounts),
            Some(PathBuf::from("/v/pv1/pgroot"))
        );
        assert_eq!(
            translate(Path::new("/home/postgres/x"), &mounts),
            Some(PathBuf::from("/e/home/x"))
        );
        assert_eq!(translate(Path::new("/srv"), &mounts), None);
    }
}
