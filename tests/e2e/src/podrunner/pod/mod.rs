//! The life of one pod on a fake node, played as a kubelet would: claim it (run it, leave it
//! to kwok, or only remove it for tests that play Patroni), set up its network and volumes,
//! run its init containers then its containers, report its status from what really runs,
//! restart what dies as `restartPolicy` says, keep Secret and ConfigMap volumes current, and
//! on deletion stop it within the grace period and remove the pod object.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use k8s_openapi::api::core::v1::{ConfigMap, Container, Namespace, Pod, Secret};
use kube::api::{Api, DeleteParams, Patch, PatchParams, Preconditions};
use kube::runtime::reflector::Store;
use kube::{Client, ResourceExt};
use tokio::process::Child;
use tokio::sync::{Mutex, mpsc, oneshot, watch};
use tokio::time::Instant;

mod setup;

use super::image;
use super::logs;
use super::net::{PodNetns, PodNetwork};
use super::probe::{self, Probe};
use super::process::{self, Launch};
use super::status::{self, Observed, Phase, Termination};
use super::volume::TokenKey;

/// How often readiness is probed.
const PROBE_INTERVAL: Duration = Duration::from_secs(2);
/// How often volumes are checked even without a change event (tokens are renewed then).
const VOLUME_RESYNC: Duration = Duration::from_secs(30);
/// The longest wait between restarts of a crashing container, as the kubelet's back-off.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long the token of a Patroni container's kubeconfig lives.
const TOKEN_SECONDS: i64 = 7 * 24 * 3600;
/// The annotation by which the runner hands a pod to kwok (images it does not know); kwok's
/// pod stages select on it (tests/cluster/kwok-stages.yaml).
pub const KUBELET_ANNOTATION: &str = "pgctl.test/kubelet";

/// The Secrets and ConfigMaps of the cluster, as the runner's watches see them.
#[derive(Clone)]
pub struct Stores {
    pub secrets: Store<Secret>,
    pub config_maps: Store<ConfigMap>,
    /// Bumped on every change of either.
    pub changes: watch::Receiver<u64>,
}

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
    /// Barman's cloud tools, for WAL archives (`--backup-tools`).
    pub backup_tools: Option<PathBuf>,
    /// PostgreSQL's binaries by major.
    pub pg_bins: crate::podrunner::binaries::PgBinaries,
    /// Pods labelled `application=spilo` in namespaces with this label (`key=value`) are not
    /// run, only removed on deletion.
    pub simulated_label: (String, String),
    /// Addresses this runner handed out, by node.
    pub addresses: Mutex<BTreeMap<String, BTreeSet<Ipv4Addr>>>,
    pub stores: Stores,
    /// Images already reported as unknown (each is logged once).
    pub unknown_images: std::sync::Mutex<BTreeSet<String>>,
    /// Set when the runner stops: every pod's processes are killed, the pods stay.
    pub shutdown: watch::Receiver<bool>,
}

fn now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

/// Who plays a pod's kubelet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The runner runs its containers of known images.
    Run,
    /// A database pod of a test that plays Patroni itself: only removed once deleted.
    Simulated,
    /// No image the runner knows: kwok's fake lifecycle.
    Kwok,
}

/// Whether the runner runs `pod` (pure; `simulated_namespace`: its namespace carries the
/// simulated label).
pub fn claim(pod: &Pod, simulated_namespace: bool) -> Claim {
    if simulated_namespace && pod.labels().get("application").map(String::as_str) == Some("spilo") {
        return Claim::Simulated;
    }
    let known = pod.spec.iter().any(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| c.image.as_deref().and_then(image::family).is_some())
    });
    if known { Claim::Run } else { Claim::Kwok }
}

/// Whether the pod was handed to kwok.
pub fn handed_to_kwok(pod: &Pod) -> bool {
    pod.annotations()
        .get(KUBELET_ANNOTATION)
        .map(String::as_str)
        == Some("kwok")
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
            tracing::warn!(pod = %name, %namespace, "cannot read the namespace, taking it as not simulated: {error:#}");
            false
        }
    };
    let result = match claim(&pod, simulated) {
        Claim::Simulated => run_simulated(&shared, updates).await,
        Claim::Kwok => hand_to_kwok(&shared, &pod).await,
        Claim::Run => RealPod::new(shared.clone(), pod).run(updates).await,
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

/// Marks the pod for kwok (which then plays its whole lifecycle), and logs each unknown
/// image once.
async fn hand_to_kwok(shared: &Shared, pod: &Pod) -> Result<()> {
    for image in pod
        .spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .filter_map(|c| c.image.clone())
    {
        let first = shared
            .unknown_images
            .lock()
            .map(|mut seen| seen.insert(image.clone()))
            .unwrap_or(false);
        if first {
            tracing::info!(
                %image,
                "image not known to pgctl-pod-runner: its pods get kwok's fake lifecycle (nothing runs)"
            );
        }
    }
    let api: Api<Pod> =
        Api::namespaced(shared.client.clone(), &pod.namespace().unwrap_or_default());
    let patch = serde_json::json!({"metadata": {"annotations": {KUBELET_ANNOTATION: "kwok"}}});
    match api
        .patch(
            &pod.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.is_not_found() => Ok(()),
        Err(e) => Err(e).context("handing the pod to kwok"),
    }
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
pub async fn finalize(client: &Client, pod: &Pod) -> Result<()> {
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

/// A container of a known image, ready to start.
struct Prepared {
    launch: Launch,
    env: BTreeMap<String, String>,
    probe: Probe,
}

/// A container process that runs.
struct Running {
    /// Ask it to stop within the grace period; dropped: killed at once.
    stop: Option<oneshot::Sender<Duration>>,
    started: String,
}

/// A container process ended.
struct Exit {
    name: String,
    status: Option<std::process::ExitStatus>,
    finished: String,
}

/// What woke the pod's loop.
enum Event {
    Exit(Option<Exit>),
    Restart,
    Shutdown,
    /// The pod changed (false: its channel closed).
    Pod(bool),
    Probe,
    Volumes,
}

/// The pod loop's own receivers and timers (kept across its turns, so that a change is seen
/// once and a timer is not restarted by every other event).
struct Ticks {
    shutdown: watch::Receiver<bool>,
    changes: watch::Receiver<u64>,
    probe: tokio::time::Interval,
    resync: tokio::time::Interval,
}

impl Ticks {
    fn new(shared: &Shared) -> Self {
        let mut changes = shared.stores.changes.clone();
        changes.mark_unchanged();
        let interval = |period| {
            let mut i = tokio::time::interval_at(Instant::now() + period, period);
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        };
        Self {
            shutdown: shared.shutdown.clone(),
            changes,
            probe: interval(PROBE_INTERVAL),
            resync: interval(VOLUME_RESYNC),
        }
    }
}

/// What ended the pod's loop.
enum End {
    /// Deleted: processes stopped within the grace period; remove the object.
    Deleted,
    /// Gone from the API, or the runner stops: processes killed.
    Gone,
}

/// A pod whose processes run here.
struct RealPod {
    shared: Arc<Shared>,
    pod: Pod,
    name: String,
    namespace: String,
    uid: String,
    node: String,
    dir: PathBuf,
    netns: PodNetns,
    address: Option<Ipv4Addr>,
    observed: Option<Observed>,
    /// Volume name → its directory (or file) on the host.
    volumes: BTreeMap<String, PathBuf>,
    /// Service-account tokens of projected volumes: token and when it was issued.
    tokens: BTreeMap<TokenKey, (String, Instant)>,
    prepared: BTreeMap<String, Prepared>,
    running: BTreeMap<String, Running>,
    /// Host PIDs of running containers (PID 1 of their PID namespace), for pod.json.
    pids: BTreeMap<String, i32>,
    backoff: BTreeMap<String, Duration>,
    restart_at: BTreeMap<String, Instant>,
    exits: (mpsc::UnboundedSender<Exit>, mpsc::UnboundedReceiver<Exit>),
    ticks: Ticks,
}

impl RealPod {
    fn new(shared: Arc<Shared>, pod: Pod) -> Self {
        let ticks = Ticks::new(&shared);
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
            uid,
            node,
            dir,
            netns,
            address: None,
            observed: None,
            volumes: BTreeMap::new(),
            tokens: BTreeMap::new(),
            prepared: BTreeMap::new(),
            running: BTreeMap::new(),
            pids: BTreeMap::new(),
            backoff: BTreeMap::new(),
            restart_at: BTreeMap::new(),
            exits: mpsc::unbounded_channel(),
            ticks,
        }
    }

    fn pods(&self) -> Api<Pod> {
        Api::namespaced(self.shared.client.clone(), &self.namespace)
    }

    fn spec_containers(&self) -> (Vec<Container>, Vec<Container>) {
        let spec = self.pod.spec.clone().unwrap_or_default();
        (spec.init_containers.unwrap_or_default(), spec.containers)
    }

    fn restart_policy(&self) -> String {
        self.pod
            .spec
            .as_ref()
            .and_then(|s| s.restart_policy.clone())
            .unwrap_or_else(|| "Always".to_string())
    }

    fn log_dir(&self, container: &str) -> PathBuf {
        logs::container_dir(
            &self.shared.log_dir,
            &self.namespace,
            &self.name,
            &self.uid,
            container,
        )
    }

    async fn run(mut self, mut updates: watch::Receiver<Option<Pod>>) -> Result<()> {
        let result = self.lifecycle(&mut updates).await;
        self.kill_all().await;
        self.cleanup().await;
        result
    }

    async fn lifecycle(&mut self, updates: &mut watch::Receiver<Option<Pod>>) -> Result<()> {
        let mut shutdown = self.shared.shutdown.clone();
        // Set up until it works (a Secret or a claim may come later), unless deleted first.
        let mut attempt = 0u32;
        loop {
            if let Some(pod) = updates.borrow_and_update().clone() {
                self.pod = pod;
            } else {
                return Ok(());
            }
            if self.pod.metadata.deletion_timestamp.is_some() {
                return finalize(&self.shared.client, &self.pod).await;
            }
            match self.set_up().await {
                Ok(()) => break,
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
        }
        let (init, _) = self.spec_containers();
        // Init containers, one after the other, each to success.
        for container in &init {
            if !self.prepared.contains_key(&container.name) {
                continue;
            }
            self.start(&container.name).await;
            loop {
                if let Err(end) = self.wait(updates).await {
                    return self.end(end).await;
                }
                let done = self.observed.as_ref().is_some_and(|o| {
                    o.init.iter().any(|c| {
                        c.name == container.name
                            && c.terminated.as_ref().is_some_and(|t| t.exit_code == 0)
                    })
                });
                if done {
                    break;
                }
                if self
                    .observed
                    .as_ref()
                    .is_some_and(|o| o.phase == Phase::Failed)
                {
                    return self.wait_for_deletion(updates).await;
                }
            }
        }
        if let Some(o) = self.observed.as_mut() {
            o.initialized = true;
            o.phase = Phase::Running;
        }
        let (_, containers) = self.spec_containers();
        for c in &containers {
            if self.prepared.contains_key(&c.name) {
                self.start(&c.name).await;
            }
        }
        self.report().await;
        loop {
            if let Err(end) = self.wait(updates).await {
                return self.end(end).await;
            }
            if self
                .observed
                .as_ref()
                .is_some_and(|o| matches!(o.phase, Phase::Succeeded | Phase::Failed))
            {
                return self.wait_for_deletion(updates).await;
            }
        }
    }

    async fn end(&mut self, end: End) -> Result<()> {
        match end {
            End::Deleted => finalize(&self.shared.client, &self.pod).await,
            End::Gone => Ok(()),
        }
    }

    /// A finished pod (Succeeded or Failed) stays until deleted.
    async fn wait_for_deletion(
        &mut self,
        updates: &mut watch::Receiver<Option<Pod>>,
    ) -> Result<()> {
        let mut shutdown = self.shared.shutdown.clone();
        loop {
            tokio::select! {
                _ = shutdown.changed() => return Ok(()),
                changed = updates.changed() => {
                    let pod = if changed.is_ok() { updates.borrow_and_update().clone() } else { None };
                    let Some(pod) = pod else { return Ok(()) };
                    self.pod = pod;
                    if self.pod.metadata.deletion_timestamp.is_some() {
                        return finalize(&self.shared.client, &self.pod).await;
                    }
                }
            }
        }
    }

    /// Handles one event: a container's exit (with the restart policy), a due restart, a
    /// change of the pod, a probe or a volume update. `Err`: the pod ends.
    async fn wait(&mut self, updates: &mut watch::Receiver<Option<Pod>>) -> Result<(), End> {
        let next_restart = self.restart_at.values().min().copied();
        let due = async {
            match next_restart {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let ticks = &mut self.ticks;
        let event = tokio::select! {
            exit = self.exits.1.recv() => Event::Exit(exit),
            _ = due => Event::Restart,
            _ = ticks.shutdown.changed() => Event::Shutdown,
            changed = updates.changed() => Event::Pod(changed.is_ok()),
            _ = ticks.probe.tick() => Event::Probe,
            _ = ticks.changes.changed() => Event::Volumes,
            _ = ticks.resync.tick() => Event::Volumes,
        };
        match event {
            Event::Exit(Some(exit)) => self.exited(exit).await,
            Event::Exit(None) => {}
            Event::Restart => {
                let now = Instant::now();
                let due: Vec<String> = self
                    .restart_at
                    .iter()
                    .filter(|(_, at)| **at <= now)
                    .map(|(n, _)| n.clone())
                    .collect();
                for name in due {
                    self.restart_at.remove(&name);
                    self.prepare_again(&name).await;
                    self.start(&name).await;
                }
            }
            Event::Shutdown => return Err(End::Gone),
            Event::Pod(changed) => {
                let pod = if changed {
                    updates.borrow_and_update().clone()
                } else {
                    None
                };
                let Some(pod) = pod else {
                    return Err(End::Gone);
                };
                self.pod = pod;
                if self.pod.metadata.deletion_timestamp.is_some() {
                    let grace = self
                        .pod
                        .metadata
                        .deletion_grace_period_seconds
                        .unwrap_or(30)
                        .max(0);
                    tracing::info!(pod = %self.name, namespace = %self.namespace, "deleted; stopping its containers (grace {grace}s)");
                    self.stop_all(Duration::from_secs(grace.unsigned_abs()))
                        .await;
                    return Err(End::Deleted);
                }
            }
            Event::Probe => self.probe().await,
            Event::Volumes => self.sync_volumes_logged().await,
        }
        Ok(())
    }

    /// Starts container `name` (prepared): a fresh writable layer, a new log file.
    async fn start(&mut self, name: &str) {
        let Some(prepared) = self.prepared.get(name) else {
            return;
        };
        let launch = &prepared.launch;
        let restart_count = self
            .observed
            .as_ref()
            .and_then(|o| {
                o.init
                    .iter()
                    .chain(o.containers.iter())
                    .find(|c| c.name == name)
            })
            .map_or(0, |c| c.restart_count);
        let result: Result<Child> = async {
            for sub in ["upper", "work"] {
                let _ = tokio::fs::remove_dir_all(launch.dir.join(sub)).await;
                tokio::fs::create_dir_all(launch.dir.join(sub)).await?;
            }
            tokio::fs::create_dir_all(launch.dir.join("root")).await?;
            let script = launch.dir.join("start.sh");
            tokio::fs::write(&script, process::start_script(launch)).await?;
            process::start(&self.netns.name, &script, &prepared.env)
        }
        .await;
        let started = now();
        let mut child = match result {
            Ok(child) => child,
            Err(error) => {
                let message = format!("{error:#}");
                tracing::warn!(pod = %self.name, namespace = %self.namespace, container = name, "cannot start: {message}");
                let _ = self.exits.0.send(Exit {
                    name: name.to_string(),
                    status: None,
                    finished: started,
                });
                return;
            }
        };
        let sink = match logs::open(&self.log_dir(name), restart_count).await {
            Ok(sink) => Some(sink),
            Err(error) => {
                tracing::warn!(pod = %self.name, container = name, "cannot open the log: {error}");
                None
            }
        };
        if let Some(sink) = sink {
            if let Some(out) = child.stdout.take() {
                tokio::spawn(logs::copy(out, "stdout", sink.clone()));
            }
            if let Some(err) = child.stderr.take() {
                tokio::spawn(logs::copy(err, "stderr", sink));
            }
        }
        // PID 1 of the container's PID namespace appears once `unshare` has forked.
        if let Some(outer) = child.id() {
            for _ in 0..50 {
                if let Some(inner) = process::inner_pid(outer) {
                    self.pids.insert(name.to_string(), inner);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        let (stop_tx, stop_rx) = oneshot::channel::<Duration>();
        let exits = self.exits.0.clone();
        let container = name.to_string();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status.ok(),
                grace = stop_rx => match grace {
                    Ok(grace) => process::stop(&mut child, grace).await,
                    Err(_) => process::kill_now(&mut child).await,
                },
            };
            let _ = exits.send(Exit {
                name: container,
                status,
                finished: now(),
            });
        });
        self.running.insert(
            name.to_string(),
            Running {
                stop: Some(stop_tx),
                started: started.clone(),
            },
        );
        tracing::info!(pod = %self.name, namespace = %self.namespace, container = name, ip = ?self.address, restart_count, "started");
        if let Some(c) = self.observed.as_mut().and_then(|o| o.container_mut(name)) {
            c.running_since = Some(started);
            c.waiting = None;
            c.terminated = None;
            c.ready = false;
        }
        self.report().await;
    }

    /// Records a container's end and applies the restart policy.
    async fn exited(&mut self, exit: Exit) {
        let started = self
            .running
            .remove(&exit.name)
            .map(|r| r.started)
            .unwrap_or_else(|| exit.finished.clone());
        self.pids.remove(&exit.name);
        let code = exit.status.and_then(|s| s.code()).unwrap_or(137);
        let signal = exit
            .status
            .and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
        let exit_code = signal.map_or(code, |s| 128 + s);
        let termination = Termination {
            exit_code,
            signal,
            started_at: started,
            finished_at: exit.finished.clone(),
        };
        let is_init = self
            .observed
            .as_ref()
            .is_some_and(|o| o.init.iter().any(|c| c.name == exit.name));
        let policy = self.restart_policy();
        let restart = match policy.as_str() {
            "Never" => false,
            "OnFailure" => exit_code != 0,
            _ => !is_init || exit_code != 0,
        };
        tracing::info!(pod = %self.name, namespace = %self.namespace, container = %exit.name, exit_code, ?signal, restart, "exited");
        let backoff = *self
            .backoff
            .get(&exit.name)
            .unwrap_or(&Duration::from_secs(1));
        if let Some(c) = self
            .observed
            .as_mut()
            .and_then(|o| o.container_mut(&exit.name))
        {
            c.running_since = None;
            c.ready = false;
            if restart {
                c.restart_count += 1;
                c.last_termination = Some(termination);
                c.waiting = Some((
                    "CrashLoopBackOff".to_string(),
                    format!(
                        "back-off {}s restarting failed container",
                        backoff.as_secs()
                    ),
                ));
            } else {
                c.terminated = Some(termination);
            }
        }
        if restart {
            self.restart_at
                .insert(exit.name.clone(), Instant::now() + backoff);
            self.backoff
                .insert(exit.name.clone(), (backoff * 2).min(MAX_BACKOFF));
        }
        if let Some(o) = self.observed.as_mut() {
            if is_init && !restart && exit_code != 0 {
                o.phase = Phase::Failed;
            } else if !is_init {
                let all_done = o
                    .containers
                    .iter()
                    .filter(|c| c.run)
                    .all(|c| c.terminated.is_some());
                if all_done && o.containers.iter().any(|c| c.run) {
                    let failed = o
                        .containers
                        .iter()
                        .filter_map(|c| c.terminated.as_ref())
                        .any(|t| t.exit_code != 0);
                    o.phase = if failed {
                        Phase::Failed
                    } else {
                        Phase::Succeeded
                    };
                }
            }
            o.ready_since = now();
        }
        self.report().await;
    }

    /// Probes the running containers' readiness; reports a change.
    async fn probe(&mut self) {
        let Some(ip) = self.address else { return };
        let mut changed = false;
        let names: Vec<String> = self.running.keys().cloned().collect();
        for name in names {
            let Some(probe) = self.prepared.get(&name).map(|p| p.probe.clone()) else {
                continue;
            };
            let ready = probe::check(&probe, ip).await;
            if let Some(c) = self.observed.as_mut().and_then(|o| o.container_mut(&name))
                && c.ready != ready
                && c.running_since.is_some()
            {
                c.ready = ready;
                changed = true;
                tracing::info!(pod = %self.name, namespace = %self.namespace, container = %name, ready, "readiness changed");
            }
        }
        if changed {
            if let Some(o) = self.observed.as_mut() {
                o.ready_since = now();
            }
            self.report().await;
        }
    }

    async fn stop_all(&mut self, grace: Duration) {
        for running in self.running.values_mut() {
            if let Some(stop) = running.stop.take() {
                let _ = stop.send(grace);
            }
        }
        while !self.running.is_empty() {
            match self.exits.1.recv().await {
                Some(exit) => {
                    tracing::info!(pod = %self.name, namespace = %self.namespace, container = %exit.name, status = ?exit.status, "stopped");
                    self.running.remove(&exit.name);
                }
                None => break,
            }
        }
    }

    async fn kill_all(&mut self) {
        // Dropping the stop channels kills at once.
        for running in self.running.values_mut() {
            running.stop.take();
        }
        while !self.running.is_empty() {
            match tokio::time::timeout(Duration::from_secs(10), self.exits.1.recv()).await {
                Ok(Some(exit)) => {
                    self.running.remove(&exit.name);
                }
                _ => break,
            }
        }
    }

    /// Writes the observed status (errors are logged; the next change writes again), and
    /// the pod's record for pgctl-kubelet.
    async fn report(&self) {
        let Some(observed) = &self.observed else {
            return;
        };
        self.write_record(observed).await;
        let body = status::pod_status(&self.pod, observed);
        if let Err(error) = self
            .pods()
            .patch_status(&self.name, &PatchParams::default(), &Patch::Strategic(body))
            .await
        {
            tracing::warn!(pod = %self.name, namespace = %self.namespace, "writing the status: {error}");
        }
    }

    /// `pod.json`, what pgctl-kubelet reads to exec into, forward to and read the logs of
    /// this pod's containers (replaced whole).
    async fn write_record(&self, observed: &Observed) {
        let containers: serde_json::Map<String, serde_json::Value> = observed
            .init
            .iter()
            .chain(observed.containers.iter())
            .filter(|c| c.run)
            .map(|c| {
                let mut v = serde_json::json!({
                    "running": c.running_since.is_some(),
                    "restartCount": c.restart_count,
                    "logDir": self.log_dir(&c.name).display().to_string(),
                });
                if let Some(pid) = self.pids.get(&c.name).filter(|_| c.running_since.is_some()) {
                    v["pid"] = serde_json::json!(pid);
                }
                (c.name.clone(), v)
            })
            .collect();
        let record = serde_json::json!({
            "namespace": self.namespace,
            "name": self.name,
            "uid": self.uid,
            "netns": self.netns.name,
            "ip": observed.pod_ip,
            "containers": containers,
        });
        let tmp = self.dir.join("pod.json.tmp");
        let result = async {
            tokio::fs::write(&tmp, serde_json::to_vec_pretty(&record)?).await?;
            tokio::fs::rename(&tmp, self.dir.join("pod.json")).await?;
            Ok::<(), anyhow::Error>(())
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(pod = %self.name, "writing pod.json: {error:#}");
        }
    }

    async fn report_waiting(&mut self, reason: &str, message: &str) {
        if let Some(o) = self.observed.as_mut() {
            for c in o.init.iter_mut().chain(o.containers.iter_mut()) {
                if c.run && c.running_since.is_none() {
                    c.waiting = Some((reason.to_string(), message.to_string()));
                }
            }
            self.report().await;
        }
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
        let _ = tokio::fs::remove_file(self.dir.join("pod.json")).await;
        let _ = tokio::fs::remove_dir_all(&self.dir).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn pods_are_claimed_by_their_images() {
        let spilo = pod(
            serde_json::json!({"metadata": {"name": "a-0", "labels": {"application": "spilo"}},
            "spec": {"containers": [{"name": "postgres", "image": "ghcr.io/zalando/spilo-17:4.0-p2"}]}}),
        );
        assert_eq!(claim(&spilo, false), Claim::Run);
        assert_eq!(claim(&spilo, true), Claim::Simulated);
        let job = pod(serde_json::json!({"metadata": {"name": "j"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}],
                     "initContainers": [{"name": "i", "image": "spilo-16:3"}]}}));
        assert_eq!(claim(&job, true), Claim::Run);
        let other = pod(
            serde_json::json!({"metadata": {"name": "x", "annotations": {KUBELET_ANNOTATION: "kwok"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
        );
        assert_eq!(claim(&other, false), Claim::Kwok);
        assert!(handed_to_kwok(&other));
        assert!(!handed_to_kwok(&spilo));
    }
}
