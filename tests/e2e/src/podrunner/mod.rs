//! `pgctl-pod-runner`: plays the kubelet of the fake nodes for every pod with an image it
//! knows (Spilo: real Patroni and PostgreSQL, or the command a Job gives), and hands the
//! others to kwok (see docs/testing.md, "Real pods").
//!
//! - [`image`]: the images it knows and what they run (pure).
//! - [`patroni`]: the Patroni configuration of a pod, as Spilo makes it (pure).
//! - [`env`]: a container's environment as the kubelet resolves it (pure).
//! - [`volume`]: Secret, ConfigMap, downward API and projected volumes (pure, and the
//!   kubelet's atomic writer).
//! - [`status`]: the pod status from what runs (pure).
//! - [`probe`]: readiness probes.
//! - [`ipam`]: pod addresses from the node's podCIDR (pure).
//! - [`net`]: the bridge and the pods' network namespaces.
//! - [`process`]: a container's root file system and process tree.
//! - [`logs`]: container logs in the kubelet's layout and format.
//! - [`pod`]: the life of one pod.
//! - [`forward`]: the API server on the pod network's gateway.

pub mod backup;
pub mod binaries;
pub mod env;
pub mod forward;
pub mod image;
pub mod ipam;
pub mod logical_backup;
pub mod logs;
pub mod net;
pub mod patroni;
pub mod pod;
pub mod probe;
pub mod process;
pub mod status;
pub mod volume;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use pod::Shared;

/// A running pod task and the channel of the pod's updates.
struct PodTask {
    updates: watch::Sender<Option<Pod>>,
    task: JoinHandle<()>,
}

/// Kills the processes and removes the directories that an earlier runner left behind (it
/// was killed), so that the pods start afresh; their data is on their volumes.
pub async fn clean_up_stale(shared: &Shared) -> Result<()> {
    let mut entries = match tokio::fs::read_dir(&shared.state_dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    while let Some(entry) = entries.next_entry().await? {
        let dir = entry.path();
        if let Ok(pid) = tokio::fs::read_to_string(dir.join("pid")).await
            && let Ok(pid) = pid.trim().parse::<i32>()
        {
            process::kill_stale(pid, &dir.display().to_string());
        }
        let _ = tokio::fs::remove_dir_all(&dir).await;
    }
    for name in shared.network.namespaces().await? {
        shared
            .network
            .delete(&net::PodNetns::named(&shared.network, &name))
            .await;
    }
    Ok(())
}

/// Watches the pods of all nodes, and plays the kubelet of each scheduled one until it is
/// deleted or `shared.shutdown` fires (or hands it to kwok).
pub async fn run(shared: Arc<Shared>) -> Result<()> {
    tokio::fs::create_dir_all(&shared.state_dir)
        .await
        .with_context(|| format!("creating {}", shared.state_dir.display()))?;
    let api: Api<Pod> = Api::all(shared.client.clone());
    let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
    let mut stream = std::pin::pin!(stream);
    let mut tasks: HashMap<String, PodTask> = HashMap::new();
    let mut shutdown = shared.shutdown.clone();
    loop {
        let event = tokio::select! {
            event = stream.next() => event,
            _ = shutdown.changed() => break,
        };
        let Some(event) = event else { break };
        let event = match event {
            Ok(e) => e,
            Err(error) => {
                tracing::warn!("watching pods: {error}");
                continue;
            }
        };
        tasks.retain(|_, t| !t.task.is_finished());
        match event {
            Event::Apply(pod) | Event::InitApply(pod) => dispatch(&shared, &mut tasks, pod),
            Event::Delete(pod) => {
                if let Some(uid) = pod.metadata.uid.as_ref()
                    && let Some(task) = tasks.get(uid)
                {
                    let _ = task.updates.send(None);
                }
            }
            Event::Init | Event::InitDone => {}
        }
    }
    // Let every pod task kill its processes and remove its network.
    for (_, task) in tasks {
        let _ = task.task.await;
    }
    Ok(())
}

fn dispatch(shared: &Arc<Shared>, tasks: &mut HashMap<String, PodTask>, pod: Pod) {
    let Some(uid) = pod.metadata.uid.clone() else {
        return;
    };
    let scheduled = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_ref())
        .is_some_and(|n| !n.is_empty());
    let finished = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_some_and(|p| p == "Succeeded" || p == "Failed");
    if let Some(task) = tasks.get(&uid) {
        let _ = task.updates.send(Some(pod));
        return;
    }
    if !scheduled || pod::handed_to_kwok(&pod) {
        return;
    }
    if finished {
        // Ended before this runner saw it (a restart): nothing runs, only removal remains.
        if pod.metadata.deletion_timestamp.is_some() {
            let client = shared.client.clone();
            tokio::spawn(async move {
                if let Err(error) = pod::finalize(&client, &pod).await {
                    tracing::warn!("removing a finished pod: {error:#}");
                }
            });
        }
        return;
    }
    let (updates, receiver) = watch::channel(Some(pod));
    let task = tokio::spawn(pod::run(shared.clone(), receiver));
    tasks.insert(uid, PodTask { updates, task });
}
