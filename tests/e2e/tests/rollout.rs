//! Rolling updates on real Patroni clusters: the controller replaces pods one at a time,
//! replicas first, switches the master over once, loses no acknowledged write, and resumes
//! after being killed half-way without replacing a pod twice; a new `docker_image` in the
//! operator ConfigMap rolls only the clusters without their own image (a single instance
//! restarts in place); parameters reach Patroni through its REST API, live or by restarts in
//! place, without new pods. Needs the pod runner (skipped elsewhere).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Endpoints, Event, Pod};
use kube::api::{Api, ListParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, ResourceExt};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, patroni_get, pod_ip, psql, role};
use pgctl_e2e::{wait_for, wait_until};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const BOOT: Duration = Duration::from_secs(300);
const ROLLOUT: Duration = Duration::from_secs(600);
const SQL: Duration = Duration::from_secs(120);
const FLAG: &str = "zalando-postgres-operator-rolling-update-required";
const HASH: &str = "pgctl.acid.zalan.do/template-hash";

/// Quick re-checks, as in the data-plane tests.
const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Creates a cluster of `instances` with pgctl and waits until Patroni runs it: one master,
/// the replicas streaming, status Running. Returns the master's name and IP.
async fn create_cluster(env: &CliEnv, name: &str, instances: usize) -> Result<(String, String)> {
    create_cluster_with(env, name, instances, &[]).await
}

/// Like [`create_cluster`], with more arguments to `pgctl create`.
async fn create_cluster_with(
    env: &CliEnv,
    name: &str,
    instances: usize,
    extra: &[&str],
) -> Result<(String, String)> {
    env.create_cluster(name, instances, extra)?;
    running_cluster(env, name, instances).await
}

/// Waits until Patroni runs cluster `name`: one master, the replicas streaming, status
/// Running. Returns the master's name and IP.
async fn running_cluster(env: &CliEnv, name: &str, instances: usize) -> Result<(String, String)> {
    let (master, ip) = topology(&env.client, env.namespace.name(), name, instances).await?;
    let password = superuser(env, name).await?;
    wait_for(
        &format!("{} streaming replicas", instances - 1),
        SQL,
        || async {
            Ok(psql(
                &ip,
                "postgres",
                &password,
                "postgres",
                "select count(*) from pg_stat_replication where state = 'streaming'",
            )? == (instances - 1).to_string())
        },
    )
    .await?;
    env.wait_status(name, "Running").await?;
    Ok((master, ip))
}

async fn superuser(env: &CliEnv, name: &str) -> Result<String> {
    data_plane::password(&env.client, env.namespace.name(), name, "postgres").await
}

/// Once `instances` pods are ready and exactly one is labelled master: its name and IP.
async fn topology(
    client: &Client,
    ns: &str,
    name: &str,
    instances: usize,
) -> Result<(String, String)> {
    wait_until(
        &format!("{name} to have {instances} ready pods, one of them master"),
        BOOT,
        || async {
            let pods = data_plane::pods(client, ns, name).await?;
            let masters: Vec<&Pod> = pods.iter().filter(|p| role(p) == Some("master")).collect();
            if pods.len() != instances || !pods.iter().all(is_ready) || masters.len() != 1 {
                return Ok(None);
            }
            Ok(pod_ip(masters[0]).map(|ip| (masters[0].name_any(), ip)))
        },
    )
    .await
}

/// The leader's timeline and the length of Patroni's history, asked of the master.
async fn timeline(ip: &str) -> Result<(u64, usize)> {
    let cluster = patroni_get(ip, "/cluster").await?;
    let leader = cluster["members"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "leader"))
        .context("no leader in /cluster")?;
    let timeline = leader["timeline"]
        .as_u64()
        .context("the leader's timeline")?;
    let history = patroni_get(ip, "/history").await?;
    Ok((timeline, history.as_array().map_or(0, Vec::len)))
}

/// What a watch of the cluster's pods saw.
#[derive(Debug, Default)]
struct PodLog {
    /// Every uid seen per pod name, in order.
    uids: BTreeMap<String, Vec<String>>,
    /// Each uid whose deletion was seen, with its pod's name and role label then, in order.
    deletions: Vec<(String, String, Option<String>)>,
    /// Uids seen Ready.
    ready: BTreeSet<String>,
}

/// Watches the pods of `cluster` in the background.
fn watch_pods(client: &Client, ns: &str, cluster: &str) -> Arc<Mutex<PodLog>> {
    let log = Arc::new(Mutex::new(PodLog::default()));
    let api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let config = watcher::Config::default().labels(&format!("cluster-name={cluster}"));
    let shared = log.clone();
    tokio::spawn(async move {
        let mut stream = watcher(api, config)
            .default_backoff()
            .touched_objects()
            .boxed();
        while let Some(event) = stream.next().await {
            let Ok(pod) = event else { continue };
            let (Some(name), Some(uid)) = (pod.metadata.name.clone(), pod.metadata.uid.clone())
            else {
                continue;
            };
            let mut log = shared.lock().unwrap_or_else(|e| e.into_inner());
            let uids = log.uids.entry(name.clone()).or_default();
            if !uids.contains(&uid) {
                uids.push(uid.clone());
            }
            if is_ready(&pod) {
                log.ready.insert(uid.clone());
            }
            if pod.metadata.deletion_timestamp.is_some()
                && !log.deletions.iter().any(|(u, _, _)| *u == uid)
            {
                let role = role(&pod).map(str::to_string);
                log.deletions.push((uid, name, role));
            }
        }
    });
    log
}

async fn master_endpoint(client: &Client, ns: &str, cluster: &str) -> Option<String> {
    let endpoints = Api::<Endpoints>::namespaced(client.clone(), ns)
        .get(cluster)
        .await
        .ok()?;
    endpoints
        .subsets?
        .into_iter()
        .flat_map(|s| s.addresses.unwrap_or_default())
        .map(|a| a.ip)
        .next()
}

/// What the writing client saw.
#[derive(Debug, Default)]
struct Writes {
    /// Ids whose INSERT was acknowledged, with the time of the acknowledgement.
    acked: Vec<(u64, Instant)>,
    sent: u64,
    /// Sessions opened (the first plus every reconnect).
    sessions: usize,
    /// Why sessions ended (psql's last error line, or a hang), with the time.
    ended: Vec<(Instant, String)>,
}

impl Writes {
    /// The longest time without an acknowledged write between `from` and `to`.
    fn longest_gap(&self, from: Instant, to: Instant) -> Duration {
        let mut last = from;
        let mut gap = Duration::ZERO;
        for (_, at) in self.acked.iter().filter(|(_, at)| *at >= from && *at <= to) {
            gap = gap.max(at.duration_since(last));
            last = *at;
        }
        gap.max(to.saturating_duration_since(last))
    }
}

/// A client that inserts one row every 50 ms into `w` on the master (the master Endpoints'
/// address), through one psql session that it re-opens (re-reading the Endpoints) whenever the
/// session ends or an insert goes unanswered for 3 s. Runs until `stop` turns true.
fn start_writer(
    client: Client,
    ns: String,
    cluster: String,
    password: String,
    stop: tokio::sync::watch::Receiver<bool>,
) -> (Arc<Mutex<Writes>>, tokio::task::JoinHandle<()>) {
    let writes = Arc::new(Mutex::new(Writes::default()));
    let shared = writes.clone();
    let handle = tokio::spawn(async move {
        let mut next_id: u64 = 1;
        while !*stop.borrow() {
            let Some(ip) = master_endpoint(&client, &ns, &cluster).await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let conninfo = format!(
                "host={ip} port=5432 user=postgres dbname=postgres sslmode=require \
                 connect_timeout=2 keepalives_idle=1 keepalives_interval=1 keepalives_count=2 \
                 tcp_user_timeout=2000"
            );
            let child = tokio::process::Command::new("stdbuf")
                .args([
                    "-oL",
                    "psql",
                    &conninfo,
                    "-X",
                    "-q",
                    "-At",
                    "-v",
                    "ON_ERROR_STOP=1",
                ])
                .env("PGPASSWORD", &password)
                .env_remove("PGSERVICE")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn();
            let Ok(mut child) = child else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            shared.lock().unwrap_or_else(|e| e.into_inner()).sessions += 1;
            let (Some(mut stdin), Some(stdout), Some(stderr)) =
                (child.stdin.take(), child.stdout.take(), child.stderr.take())
            else {
                continue;
            };
            let errors = tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                let mut last = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    last = line;
                }
                last
            });
            // Acknowledgements: psql prints each id returned by a committed INSERT.
            let acks = shared.clone();
            let reader = tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Ok(id) = line.trim().parse::<u64>() {
                        acks.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .acked
                            .push((id, Instant::now()));
                    }
                }
            });
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            let mut pending: Option<(u64, Instant)> = None;
            let mut why = String::from("psql ended");
            loop {
                tick.tick().await;
                if *stop.borrow() || reader.is_finished() {
                    break;
                }
                let last_acked = shared
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .acked
                    .last()
                    .map(|(id, _)| *id);
                if let Some((id, since)) = pending {
                    if last_acked.is_some_and(|a| a >= id) {
                        pending = None;
                    } else if since.elapsed() > Duration::from_secs(3) {
                        why = format!("no answer for 3 s from {ip}");
                        break; // the session hangs: open another
                    }
                }
                let id = next_id;
                next_id += 1;
                let sql = format!("insert into w(id) values ({id}) returning id;\n");
                if stdin.write_all(sql.as_bytes()).await.is_err() {
                    break;
                }
                shared.lock().unwrap_or_else(|e| e.into_inner()).sent += 1;
                pending.get_or_insert((id, Instant::now()));
            }
            drop(stdin);
            let _ = child.start_kill();
            let _ = child.wait().await;
            let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
            if let Ok(Ok(last)) = tokio::time::timeout(Duration::from_secs(1), errors).await
                && !last.is_empty()
            {
                why = format!("{why}: {last}");
            }
            shared
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .ended
                .push((Instant::now(), why));
            if !*stop.borrow() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    });
    (writes, handle)
}

/// Events of `reason` about the cluster.
async fn events(client: &Client, ns: &str, cluster: &str, reason: &str) -> Result<Vec<String>> {
    let list = Api::<Event>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await?;
    Ok(list
        .items
        .into_iter()
        .filter(|e| {
            e.reason.as_deref() == Some(reason)
                && e.involved_object.name.as_deref() == Some(cluster)
        })
        .map(|e| e.message.unwrap_or_default())
        .collect())
}

/// Every pod runs the StatefulSet's template hash and carries no flag.
async fn all_current(client: &Client, ns: &str, cluster: &str) -> Result<()> {
    let sts = Api::<k8s_openapi::api::apps::v1::StatefulSet>::namespaced(client.clone(), ns)
        .get(cluster)
        .await?;
    let want = sts
        .spec
        .and_then(|s| s.template.metadata?.annotations?.get(HASH).cloned())
        .context("the StatefulSet's template hash")?;
    for pod in data_plane::pods(client, ns, cluster).await? {
        let annotations = pod.annotations();
        ensure!(
            annotations.get(HASH) == Some(&want) && !annotations.contains_key(FLAG),
            "pod {} is not current: {annotations:?}",
            pod.name_any()
        );
    }
    Ok(())
}

/// Each original pod was deleted exactly once and came back exactly once.
fn replaced_once(log: &PodLog, originals: &BTreeMap<String, String>) -> Result<()> {
    for (name, uid) in originals {
        let uids = log.uids.get(name).cloned().unwrap_or_default();
        ensure!(
            uids.len() == 2 && uids[0] == *uid,
            "pod {name} should have been replaced exactly once; uids seen: {uids:?}"
        );
    }
    let deleted: Vec<&String> = log.deletions.iter().map(|(u, _, _)| u).collect();
    ensure!(
        deleted.len() == originals.len() && originals.values().all(|u| deleted.contains(&u)),
        "exactly the original pods should have been deleted: {:?}",
        log.deletions
    );
    Ok(())
}

/// A new `spec.dockerImage` on a 3-instance cluster while a client writes every 50 ms: each
/// pod is replaced once, replicas first, with one switchover (the timeline advances by one), and
/// every acknowledged row survives. `pgctl rollout status` times out with exit code 3 on a
/// short --timeout and exits 0 once the rollout is done.
#[tokio::test]
async fn an_image_change_rolls_every_pod_once_replicas_first_without_losing_a_write() -> Result<()>
{
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("roll", CONFIG).await?;
    let name = "acid-roll";
    let ns = env.namespace.name().to_string();
    let (master, master_ip) = create_cluster(&env, name, 3).await?;
    let password = superuser(&env, name).await?;
    psql(
        &master_ip,
        "postgres",
        &password,
        "postgres",
        "create table w (id bigint primary key, at timestamptz not null default now())",
    )?;
    let (timeline_before, history_before) = timeline(&master_ip).await?;
    let originals: BTreeMap<String, String> = data_plane::pods(&env.client, &ns, name)
        .await?
        .iter()
        .map(|p| (p.name_any(), p.metadata.uid.clone().unwrap_or_default()))
        .collect();
    let log = watch_pods(&env.client, &ns, name);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (writes, writer) = start_writer(
        env.client.clone(),
        ns.clone(),
        name.to_string(),
        password.clone(),
        stop_rx,
    );
    wait_for("the writer's first rows", SQL, || async {
        Ok(writes.lock().unwrap_or_else(|e| e.into_inner()).acked.len() >= 20)
    })
    .await?;

    let started = Instant::now();
    env.pgctl(&["update", name, "--image", "ghcr.io/zalando/spilo-17:4.0-p3"])
        .expect_code(0)?;
    // A too-short wait ends with the timeout code, and says how far the rollout got.
    let short = env
        .pgctl(&["rollout", "status", name, "--timeout", "2s"])
        .expect_code(3)?;
    ensure!(short.stderr.contains("timed out"), "{}", short.stderr);
    let follow = env
        .command(&["rollout", "status", name, "--timeout", "10m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    let finished = Instant::now();
    let rollout_time = finished.duration_since(started);
    ensure!(
        followed.status.success(),
        "rollout status: {}\n{}\ncontroller log:\n{}",
        String::from_utf8_lossy(&followed.stdout),
        String::from_utf8_lossy(&followed.stderr),
        std::fs::read_to_string(env.controller_log()).unwrap_or_default()
    );
    ensure!(
        String::from_utf8_lossy(&followed.stdout).contains("is up to date: 3/3"),
        "{}",
        String::from_utf8_lossy(&followed.stdout)
    );
    // Keep writing a moment on the new master, then stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop_tx.send(true);
    let _ = writer.await;

    all_current(&env.client, &ns, name).await?;
    let log_now = {
        let log = log.lock().unwrap_or_else(|e| e.into_inner());
        replaced_once(&log, &originals)?;
        // Replicas first: the original master went last, after the switchover made it a
        // replica.
        let last = log.deletions.last().context("deletions")?;
        ensure!(
            last.1 == master,
            "the master {master} should go last: {:?}",
            log.deletions
        );
        ensure!(
            last.2.as_deref() != Some("master"),
            "the old master should no longer be labelled master when it goes: {:?}",
            log.deletions
        );
        format!("{:?}", log.deletions)
    };

    // One switchover, no failover: the timeline advanced by exactly one.
    let (new_master, new_ip) = topology(&env.client, &ns, name, 3).await?;
    ensure!(new_master != master, "the master should have moved");
    let (timeline_after, history_after) = timeline(&new_ip).await?;
    ensure!(
        (timeline_after, history_after) == (timeline_before + 1, history_before + 1),
        "timeline {timeline_before} → {timeline_after}, history {history_before} → {history_after}"
    );
    let switchovers = events(&env.client, &ns, name, "Switchover").await?;
    ensure!(
        switchovers.len() == 1,
        "one Switchover event expected: {switchovers:?}"
    );

    // Every acknowledged row is there.
    let writes = writes.lock().unwrap_or_else(|e| e.into_inner());
    let present: BTreeSet<u64> = psql(
        &new_ip,
        "postgres",
        &password,
        "postgres",
        "select id from w",
    )?
    .lines()
    .filter_map(|l| l.trim().parse().ok())
    .collect();
    let lost: Vec<u64> = writes
        .acked
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !present.contains(id))
        .collect();
    ensure!(lost.is_empty(), "acknowledged rows lost: {lost:?}");
    let after_rollout = writes.acked.iter().filter(|(_, at)| *at > finished).count();
    ensure!(
        after_rollout > 0,
        "the client should write again after the rollout"
    );
    for (at, why) in &writes.ended {
        eprintln!(
            "  session ended at +{:.2}s: {why}",
            at.saturating_duration_since(started).as_secs_f64()
        );
    }
    eprintln!(
        "rollout of 3 pods in {:.1}s; {} inserts sent, {} acknowledged (all present), {} sessions; \
         longest write-unavailable window {:.2}s; deletions {log_now}; switchover: {}",
        rollout_time.as_secs_f64(),
        writes.sent,
        writes.acked.len(),
        writes.sessions,
        writes.longest_gap(started, finished).as_secs_f64(),
        switchovers.join("; ")
    );
    Ok(())
}

/// `pgctl rollout restart` rolls every pod; the controller is killed as soon as the first
/// replica was replaced (its new pod exists), and a new controller finishes the rollout without
/// replacing that replica again.
#[tokio::test]
async fn a_controller_killed_mid_rollout_resumes_without_replacing_a_pod_twice() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let mut env = CliEnv::start_real("resume", CONFIG).await?;
    let name = "acid-resume";
    let ns = env.namespace.name().to_string();
    let (master, _) = create_cluster(&env, name, 3).await?;
    let originals: BTreeMap<String, String> = data_plane::pods(&env.client, &ns, name)
        .await?
        .iter()
        .map(|p| (p.name_any(), p.metadata.uid.clone().unwrap_or_default()))
        .collect();
    let log = watch_pods(&env.client, &ns, name);

    let out = env.pgctl(&["rollout", "restart", name]).expect_code(0)?;
    ensure!(out.stdout.contains("restart requested"), "{}", out.stdout);

    // The first replacement exists: kill the controller right then, before it can take the
    // next step (which needs that pod running, ready and caught up).
    let (first, first_uid) = wait_until("the first replacement pod", ROLLOUT, || {
        let log = log.clone();
        let originals = originals.clone();
        async move {
            let log = log.lock().unwrap_or_else(|e| e.into_inner());
            Ok(log.uids.iter().find_map(|(name, uids)| {
                let new = uids.iter().find(|u| !originals.values().any(|o| o == *u))?;
                Some((name.clone(), new.clone()))
            }))
        }
    })
    .await?;
    env.kill_controller();
    ensure!(
        first != master,
        "a replica goes first, not the master {master}"
    );
    let deleted_before_kill = log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .deletions
        .len();

    // Nothing moves without a controller.
    let deletions = log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .deletions
        .len();
    tokio::time::sleep(Duration::from_secs(5)).await;
    ensure!(
        log.lock()
            .unwrap_or_else(|e| e.into_inner())
            .deletions
            .len()
            == deletions,
        "a pod was deleted while no controller ran"
    );

    env.restart_controller().await?;
    let follow = env
        .command(&["rollout", "status", name, "--timeout", "10m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    ensure!(
        followed.status.success(),
        "rollout status: {}\n{}\ncontroller log:\n{}",
        String::from_utf8_lossy(&followed.stdout),
        String::from_utf8_lossy(&followed.stderr),
        std::fs::read_to_string(env.controller_log()).unwrap_or_default()
    );

    all_current(&env.client, &ns, name).await?;
    // The restart request reached every pod.
    for pod in data_plane::pods(&env.client, &ns, name).await? {
        ensure!(
            pod.annotations()
                .contains_key("pgctl.acid.zalan.do/restartedAt"),
            "pod {} lacks the restart annotation",
            pod.name_any()
        );
    }
    let log = log.lock().unwrap_or_else(|e| e.into_inner());
    replaced_once(&log, &originals)?;
    ensure!(
        log.uids.get(&first).and_then(|u| u.last()) == Some(&first_uid),
        "{first} was replaced again after the restart: {:?}",
        log.uids.get(&first)
    );
    ensure!(
        log.deletions.last().map(|d| d.1.as_str()) == Some(master.as_str()),
        "the master {master} should go last: {:?}",
        log.deletions
    );
    eprintln!(
        "{deleted_before_kill} pod(s) deleted before the controller was killed; deletions: {:?}",
        log.deletions
    );
    Ok(())
}

/// A new `docker_image` in the operator ConfigMap rolls the clusters that have no
/// `spec.dockerImage` — single instances here, restarted in place with a warning — one cluster
/// at a time (`max_concurrent_rollouts` 1, the default), and leaves the one that names its
/// image alone.
#[tokio::test]
async fn a_new_docker_image_in_the_configmap_rolls_only_clusters_without_their_own() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("cmimg", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    let own_image = "ghcr.io/zalando/spilo-17:4.0-p3";
    let (own_pod, _) = create_cluster_with(&env, "acid-own", 1, &["--image", own_image]).await?;
    let (default_pod, _) = create_cluster(&env, "acid-default", 1).await?;
    create_cluster(&env, "acid-second", 1).await?;
    let uid = |pods: Vec<Pod>| pods.first().and_then(|p| p.metadata.uid.clone());
    let own_uid = uid(data_plane::pods(&env.client, &ns, "acid-own").await?);
    let default_uid = uid(data_plane::pods(&env.client, &ns, "acid-default").await?);

    let new_image = "registry.example.com/spilo:e2e";
    let config_maps: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(env.client.clone(), env.controller_namespace.name());
    config_maps
        .patch(
            "postgres-operator",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({"data": {"docker_image": new_image}})),
        )
        .await?;
    let statefulsets: Api<k8s_openapi::api::apps::v1::StatefulSet> =
        Api::namespaced(env.client.clone(), &ns);
    wait_for("the new image in StatefulSet acid-default", SQL, || async {
        let sts = statefulsets.get("acid-default").await?;
        Ok(sts
            .spec
            .and_then(|s| s.template.spec)
            .is_some_and(|s| s.containers[0].image.as_deref() == Some(new_image)))
    })
    .await?;
    let follow = env
        .command(&["rollout", "status", "acid-default", "--timeout", "5m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    ensure!(
        followed.status.success(),
        "rollout status: {}\n{}",
        String::from_utf8_lossy(&followed.stdout),
        String::from_utf8_lossy(&followed.stderr)
    );
    let pods = data_plane::pods(&env.client, &ns, "acid-default").await?;
    ensure!(
        uid(pods.clone()) != default_uid && pods.len() == 1,
        "{default_pod} should have been re-created"
    );
    let image = pods[0]
        .spec
        .as_ref()
        .and_then(|s| s.containers[0].image.clone());
    ensure!(image.as_deref() == Some(new_image), "{image:?}");
    all_current(&env.client, &ns, "acid-default").await?;
    let warnings = events(&env.client, &ns, "acid-default", "RestartingOnlyInstance").await?;
    ensure!(
        warnings.len() == 1 && warnings[0].contains("down until it is ready"),
        "{warnings:?}"
    );

    // The second cluster rolls too, but only once the first is done: its new pod was created
    // no earlier than the other's new pod was ready.
    let follow = env
        .command(&["rollout", "status", "acid-second", "--timeout", "5m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    ensure!(followed.status.success(), "rollout status acid-second");
    all_current(&env.client, &ns, "acid-second").await?;
    let mut rolled = Vec::new();
    for cluster in ["acid-default", "acid-second"] {
        let pod = data_plane::pods(&env.client, &ns, cluster)
            .await?
            .pop()
            .context("a pod")?;
        let created = pod.metadata.creation_timestamp.clone().context("created")?;
        let ready = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready" && c.status == "True"))
            .and_then(|c| c.last_transition_time.clone())
            .context("ready since")?;
        rolled.push((created.0, ready.0, cluster));
    }
    rolled.sort();
    ensure!(
        rolled[1].0 >= rolled[0].1,
        "{} was re-created at {} before {} was ready again at {}: the rollouts overlapped",
        rolled[1].2,
        rolled[1].0,
        rolled[0].2,
        rolled[0].1
    );

    // The cluster with its own image keeps its pod.
    tokio::time::sleep(Duration::from_secs(5)).await;
    ensure!(
        uid(data_plane::pods(&env.client, &ns, "acid-own").await?) == own_uid,
        "{own_pod} must not be replaced: it names its image"
    );
    all_current(&env.client, &ns, "acid-own").await?;
    Ok(())
}

/// `pg_postmaster_start_time()` and `SHOW name` of every pod of the cluster, by pod name.
async fn settings(
    client: &Client,
    ns: &str,
    cluster: &str,
    password: &str,
    name: &str,
) -> Result<BTreeMap<String, (String, String)>> {
    let mut out = BTreeMap::new();
    for pod in data_plane::pods(client, ns, cluster).await? {
        let ip = pod_ip(&pod).context("pod IP")?;
        let row = psql(
            &ip,
            "postgres",
            password,
            "postgres",
            &format!("select pg_postmaster_start_time() || '|' || current_setting('{name}')"),
        )?;
        let (started, value) = row.split_once('|').context("a row")?;
        out.insert(pod.name_any(), (started.to_string(), value.to_string()));
    }
    Ok(out)
}

/// A parameter Patroni applies live (`work_mem`) reaches every member through `PATCH /config`
/// with no restart and no new pod; one that needs a restart (`max_connections`) restarts
/// PostgreSQL in place on every member, replicas first, and no pod is re-created.
#[tokio::test]
async fn parameters_apply_live_or_by_restarts_in_place_without_new_pods() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("param", CONFIG).await?;
    let name = "acid-param";
    let ns = env.namespace.name().to_string();
    let (master, _) = create_cluster(&env, name, 3).await?;
    let password = superuser(&env, name).await?;
    let uids = |pods: Vec<Pod>| -> BTreeSet<String> {
        pods.iter().filter_map(|p| p.metadata.uid.clone()).collect()
    };
    let original = uids(data_plane::pods(&env.client, &ns, name).await?);
    let before = settings(&env.client, &ns, name, &password, "work_mem").await?;

    // Live: every member shows the new value, nothing restarted.
    env.pgctl(&["update", name, "--param", "work_mem=8MB"])
        .expect_code(0)?;
    wait_for("work_mem 8MB on every member", ROLLOUT, || async {
        let now = settings(&env.client, &ns, name, &password, "work_mem").await?;
        Ok(now.len() == 3 && now.values().all(|(_, v)| v == "8MB"))
    })
    .await?;
    env.pgctl(&["rollout", "status", name, "--timeout", "5m"])
        .expect_code(0)?;
    let live = settings(&env.client, &ns, name, &password, "work_mem").await?;
    for (pod, (started, _)) in &live {
        ensure!(
            before.get(pod).map(|(s, _)| s) == Some(started),
            "{pod} restarted for a parameter that applies live"
        );
    }
    ensure!(
        events(&env.client, &ns, name, "RestartedPostgres")
            .await?
            .is_empty(),
        "no restart expected"
    );

    // Restart: every member restarts in place, the master last.
    env.pgctl(&["update", name, "--param", "max_connections=150"])
        .expect_code(0)?;
    wait_for("max_connections 150 on every member", ROLLOUT, || async {
        let now = settings(&env.client, &ns, name, &password, "max_connections").await?;
        Ok(now.len() == 3 && now.values().all(|(_, v)| v == "150"))
    })
    .await?;
    let out = env
        .pgctl(&["rollout", "status", name, "--timeout", "5m"])
        .expect_code(0)?;
    let restarted = settings(&env.client, &ns, name, &password, "max_connections").await?;
    for (pod, (started, _)) in &restarted {
        ensure!(
            before.get(pod).map(|(s, _)| s) != Some(started),
            "{pod} should have restarted"
        );
    }
    let master_started = &restarted.get(&master).context("the master")?.0;
    ensure!(
        restarted
            .iter()
            .filter(|(pod, _)| **pod != master)
            .all(|(_, (started, _))| started < master_started),
        "replicas restart before the master: {restarted:?}"
    );
    let restarts = events(&env.client, &ns, name, "RestartedPostgres").await?;
    ensure!(restarts.len() == 3, "{restarts:?}");
    ensure!(
        uids(data_plane::pods(&env.client, &ns, name).await?) == original,
        "no pod may be re-created for parameters"
    );
    let status = Api::<pgctl_shared::crd::Postgresql>::namespaced(env.client.clone(), &ns)
        .get(name)
        .await?
        .status
        .context("status")?;
    ensure!(
        status.patroni_config.is_some() && status.rollout.is_none(),
        "{status:?}"
    );
    eprintln!("{}", out.stdout.trim());

    // Removed from the manifest: removed from Patroni's configuration, and PostgreSQL shows
    // the value it had without it; a parameter set by hand in Patroni stays.
    let (_, master_ip) = topology(&env.client, &ns, name, 3).await?;
    data_plane::patroni_patch_config(
        &master_ip,
        &serde_json::json!({"postgresql": {"parameters": {"log_min_duration_statement": "1234"}}}),
    )
    .await?;
    env.pgctl(&["update", name, "--remove-param", "work_mem"])
        .expect_code(0)?;
    let original_work_mem = before.values().next().context("a member")?.1.clone();
    wait_for(
        "work_mem back to its value without the parameter",
        ROLLOUT,
        || async {
            let now = settings(&env.client, &ns, name, &password, "work_mem").await?;
            Ok(now.len() == 3 && now.values().all(|(_, v)| *v == original_work_mem))
        },
    )
    .await?;
    let config = patroni_get(&master_ip, "/config").await?;
    let parameters = &config["postgresql"]["parameters"];
    ensure!(parameters.get("work_mem").is_none(), "{config}");
    ensure!(
        parameters["log_min_duration_statement"] == "1234",
        "{config}"
    );
    ensure!(
        parameters["max_connections"] == "150" || parameters["max_connections"] == 150,
        "{config}"
    );
    Ok(())
}

/// The node a pod is bound to.
fn node_of(pod: &Pod) -> Option<String> {
    pod.spec.as_ref()?.node_name.clone()
}

/// Cordons node `name` (`unschedulable`), or uncordons it.
async fn cordon(client: &Client, name: &str, unschedulable: bool) -> Result<()> {
    Api::<k8s_openapi::api::core::v1::Node>::all(client.clone())
        .patch(
            name,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({"spec": {"unschedulable": unschedulable}})),
        )
        .await?;
    Ok(())
}

/// Evicts `pod` through the Eviction API, as `kubectl drain` does, once: `Ok(true)` once
/// granted, `Ok(false)` when a PodDisruptionBudget refuses it (429). The client does not retry
/// a 429 itself (kube's default would, for minutes).
async fn evict(ns: &str, pod: &str) -> Result<bool> {
    let mut config = pgctl_e2e::config().await?;
    config.default_retry = false;
    match Api::<Pod>::namespaced(Client::try_from(config)?, ns)
        .evict(pod, &kube::api::EvictParams::default())
        .await
    {
        Ok(_) => Ok(true),
        Err(kube::Error::Api(status)) if status.code == 429 => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Cordoning the master's node, as `kubectl drain` does first: the PodDisruptionBudget refuses
/// the master's eviction while the master is there (checked with no controller running), then
/// the controller switches over to the replica on another node — one switchover, timeline + 1,
/// no committed row lost — and the old master, now a replica, can be evicted. The nodes are the
/// test's own, so the cordon disturbs no other test.
#[tokio::test]
async fn cordoning_the_masters_node_moves_the_master_before_its_eviction() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("enable_pod_antiaffinity", "true")])
        .collect();
    let started = Instant::now();
    let mut env = CliEnv::start_real("drain", &config).await?;
    let ns = env.namespace.name().to_string();
    let pool = pgctl_e2e::nodes::TestNodes::create(&env.client, &ns, 3).await?;
    let name = "acid-drain";
    let manifest = format!(
        "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: {name}\nspec:\n  teamId: acid\n  numberOfInstances: 2\n  volume:\n    size: 1Gi\n  postgresql:\n    version: \"15\"\n{}",
        pool.placement_yaml()
    );
    env.pgctl_with_stdin(&["create", "-f", "-"], &manifest)
        .expect_code(0)?;
    let (master, ip) = running_cluster(&env, name, 2).await?;
    eprintln!("{:?} cluster running", started.elapsed());
    let password = superuser(&env, name).await?;
    psql(
        &ip,
        "postgres",
        &password,
        "postgres",
        "create table kept (n int); insert into kept values (1)",
    )?;
    let (timeline_before, _) = timeline(&ip).await?;
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let node_of_pod = |pod: &str| {
        pods.iter()
            .find(|p| p.name_any() == pod)
            .and_then(node_of)
            .with_context(|| format!("the node of {pod}"))
    };
    let drained = node_of_pod(&master)?;
    ensure!(
        pool.names.contains(&drained),
        "the master runs on {drained}, outside the test's pool {:?}",
        pool.names
    );

    // Without a controller, the PDB holds the master where it is.
    env.kill_controller();
    cordon(&env.client, &drained, true).await?;
    // The disruption controller may not have counted the PDB yet: wait for its verdict.
    wait_for(
        "the PDB to count the master as the one pod it keeps",
        Duration::from_secs(60),
        || async {
            let pdb = Api::<k8s_openapi::api::policy::v1::PodDisruptionBudget>::namespaced(
                env.client.clone(),
                &ns,
            )
            .get(&format!("postgres-{name}-pdb"))
            .await?;
            Ok(pdb
                .status
                .is_some_and(|s| s.current_healthy == 1 && s.disruptions_allowed == 0))
        },
    )
    .await?;
    ensure!(
        !evict(&ns, &master).await?,
        "the eviction of master {master} was granted while it was the master"
    );
    eprintln!("{:?} eviction refused", started.elapsed());

    // The controller moves the master to the replica on another node. It is killed as soon as
    // it has asked Patroni for the switchover (the intent is in the status): the next process
    // continues that move, with the same deadline, and asks for no second switchover.
    env.restart_controller().await?;
    let pgs = Api::<pgctl_shared::crd::Postgresql>::namespaced(env.client.clone(), &ns);
    let intent = wait_until("the switchover intent in the status", ROLLOUT, || async {
        Ok(pgs
            .get(name)
            .await?
            .status
            .and_then(|s| s.rollout?.intent)
            .filter(|i| i.action == "switchover"))
    })
    .await?;
    env.kill_controller();
    env.restart_controller().await?;
    eprintln!("{:?} controller restarted mid-move", started.elapsed());
    let new_master = wait_until("the master to leave the cordoned node", ROLLOUT, || async {
        let pods = data_plane::pods(&env.client, &ns, name).await?;
        Ok(pods
            .iter()
            .find(|p| role(p) == Some("master") && node_of(p).as_deref() != Some(&drained))
            .map(ResourceExt::name_any))
    })
    .await?;
    ensure!(new_master != master, "{master} is still the master");
    eprintln!("{:?} master moved", started.elapsed());
    let switchovers = wait_until("the Switchover event", Duration::from_secs(60), || async {
        let found = events(&env.client, &ns, name, "Switchover").await?;
        Ok((!found.is_empty()).then_some(found))
    })
    .await?;
    ensure!(
        switchovers.len() == 1 && switchovers[0].contains(&format!("off node {drained}")),
        "one Switchover event naming the drained node: {switchovers:?}"
    );
    let asked_again = env
        .controller()
        .context("the second controller")?
        .counter("pgctl_mutating_requests_total", |l| {
            l.contains("verb=\"switchover\"")
        })
        .await?;
    ensure!(
        asked_again == 0.0,
        "the restarted controller asked for another switchover (intent {intent:?})"
    );

    // The old master is a replica now: its eviction goes through once the disruption
    // controller saw the labels change. Its volume is bound to the drained node (the test
    // cluster's volumes are node-local), so it comes back when the node is uncordoned.
    wait_for(
        "the eviction of the old master",
        Duration::from_secs(120),
        || evict(&ns, &master),
    )
    .await?;
    eprintln!("{:?} old master evicted", started.elapsed());
    cordon(&env.client, &drained, false).await?;
    let (_, ip) = running_cluster(&env, name, 2).await?;
    eprintln!("{:?} old master back as a replica", started.elapsed());
    let (timeline_after, _) = timeline(&ip).await?;
    ensure!(
        timeline_after == timeline_before + 1,
        "one switchover and no failover: timeline {timeline_before} → {timeline_after}"
    );
    ensure!(
        psql(&ip, "postgres", &password, "postgres", "select n from kept")? == "1",
        "the row written before the drain is gone"
    );
    drop(pool);
    Ok(())
}

/// `HH:MM` of `unix` seconds, UTC.
fn hh_mm(unix: i64) -> String {
    let minutes = unix.div_euclid(60).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Maintenance windows: a pod roll is not held back by a closed one, and a master on a
/// cordoned node stays there, the status saying until when, and switches over once the window
/// (set to open a minute or two later) opens.
#[tokio::test]
async fn a_drained_master_waits_for_the_maintenance_window_and_a_roll_does_not() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("enable_pod_antiaffinity", "true")])
        .collect();
    let env = CliEnv::start_real("window", &config).await?;
    let ns = env.namespace.name().to_string();
    let pool = pgctl_e2e::nodes::TestNodes::create(&env.client, &ns, 3).await?;
    let name = "acid-window";
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    };
    // First a window twelve hours away (closed now), for the roll.
    let far = now() + 12 * 3600;
    let window = format!("{}-{}", hh_mm(far), hh_mm(far + 30 * 60));
    let manifest = format!(
        "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: {name}\nspec:\n  teamId: acid\n  numberOfInstances: 2\n  maintenanceWindows: [\"{window}\"]\n  volume:\n    size: 1Gi\n  postgresql:\n    version: \"17\"\n{}",
        pool.placement_yaml()
    );
    env.pgctl_with_stdin(&["create", "-f", "-"], &manifest)
        .expect_code(0)?;
    running_cluster(&env, name, 2).await?;

    // A roll is not held back by the closed window.
    env.pgctl(&["rollout", "restart", name]).expect_code(0)?;
    let follow = env
        .command(&["rollout", "status", name, "--timeout", "5m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    ensure!(
        followed.status.success(),
        "rollout status: {}\n{}",
        String::from_utf8_lossy(&followed.stdout),
        String::from_utf8_lossy(&followed.stderr)
    );
    all_current(&env.client, &ns, name).await?;
    let (master, _) = running_cluster(&env, name, 2).await?;

    // Now a window that opens at the next whole minute but one (60 to 120 s away).
    let opens = (now() / 60 + 2) * 60;
    let window = format!("{}-{}", hh_mm(opens), hh_mm(opens + 30 * 60));
    let pgs = Api::<pgctl_shared::crd::Postgresql>::namespaced(env.client.clone(), &ns);
    pgs.patch(
        name,
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(serde_json::json!({"spec": {"maintenanceWindows": [window]}})),
    )
    .await?;

    // The master's node is drained: it stays until the window opens, and says so.
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let drained = pods
        .iter()
        .find(|p| p.name_any() == master)
        .and_then(node_of)
        .context("the master's node")?;
    cordon(&env.client, &drained, true).await?;
    let step = wait_until("the status to say the master waits", SQL, || async {
        Ok(pgs
            .get(name)
            .await?
            .status
            .and_then(|s| s.rollout?.current_step)
            .filter(|s| s.contains("maintenance window")))
    })
    .await?;
    let opens_text = pgctl_shared::window::utc(opens);
    ensure!(now() < opens, "the window opened before the wait was seen");
    ensure!(
        step.contains(&master) && step.contains(&drained) && step.contains(&opens_text),
        "step {step:?} should name {master}, {drained} and {opens_text}"
    );
    let noted = events(&env.client, &ns, name, "MaintenanceWindow").await?;
    ensure!(!noted.is_empty(), "no MaintenanceWindow event");
    let degraded = degraded(&env, name).await?;
    ensure!(
        degraded
            .as_ref()
            .is_none_or(|(status, _, _)| status == "False"),
        "waiting for a window is not degraded: {degraded:?}"
    );

    // It moves once the window opens, not before.
    let moved = wait_until(
        "the master to leave the drained node",
        Duration::from_secs(300),
        || async {
            let pods = data_plane::pods(&env.client, &ns, name).await?;
            let master_now = pods
                .iter()
                .find(|p| role(p) == Some("master"))
                .map(ResourceExt::name_any);
            Ok(master_now.filter(|m| *m != master).map(|m| (m, now())))
        },
    )
    .await?;
    ensure!(
        moved.1 >= opens,
        "the master moved to {} at {}, before the window opened at {opens_text}",
        moved.0,
        pgctl_shared::window::utc(moved.1)
    );
    cordon(&env.client, &drained, false).await?;
    drop(pool);
    Ok(())
}

/// The `Degraded` condition of the cluster: its status, reason and message.
async fn degraded(env: &CliEnv, name: &str) -> Result<Option<(String, String, String)>> {
    let cluster =
        Api::<pgctl_shared::crd::Postgresql>::namespaced(env.client.clone(), env.namespace.name())
            .get(name)
            .await?;
    Ok(cluster.status.as_ref().and_then(|status| {
        pgctl_shared::status::condition(status, pgctl_shared::status::DEGRADED)
            .map(|c| (c.status.clone(), c.reason.clone(), c.message.clone()))
    }))
}

/// A rollout whose only candidate is unhealthy keeps the master: the master is flagged for
/// replacement while its replica hangs (SIGSTOP). The rollout waits, reports `Degraded`
/// (`RolloutBlocked`) once the replica is not up within `pod_label_wait_timeout`, and neither
/// deletes nor switches the master over. Once the replica runs again, the rollout completes
/// with one switchover.
#[tokio::test]
async fn a_rollout_keeps_the_master_while_no_replica_is_healthy_and_reports_degraded() -> Result<()>
{
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("pod_label_wait_timeout", "15s")])
        .collect();
    let env = CliEnv::start_real("stuck", &config).await?;
    let ns = env.namespace.name().to_string();
    let name = "acid-stuck";
    let (master, ip) = create_cluster(&env, name, 2).await?;
    let (timeline_before, _) = timeline(&ip).await?;
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let master_uid = pods
        .iter()
        .find(|p| p.name_any() == master)
        .and_then(|p| p.metadata.uid.clone())
        .context("the master's uid")?;
    let replica = pods
        .iter()
        .map(ResourceExt::name_any)
        .find(|n| *n != master)
        .context("a replica")?;

    // The replica hangs, and the master alone is flagged for replacement.
    let frozen = data_plane::pod_processes(&ns, &replica);
    ensure!(!frozen.is_empty(), "no processes of {replica}");
    data_plane::signal_all(&frozen, nix::sys::signal::Signal::SIGSTOP);
    let thaw = data_plane::thaw_on_drop(frozen);
    wait_for(&format!("{replica} to be not ready"), SQL, || async {
        let pods = data_plane::pods(&env.client, &ns, name).await?;
        Ok(pods.iter().any(|p| p.name_any() == replica && !is_ready(p)))
    })
    .await?;
    Api::<Pod>::namespaced(env.client.clone(), &ns)
        .patch(
            &master,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({
                "metadata": {"annotations": {FLAG: "true"}}
            })),
        )
        .await?;

    let (_, reason, message) = wait_until("Degraded", ROLLOUT, || async {
        Ok(degraded(&env, name)
            .await?
            .filter(|(status, reason, _)| status == "True" && reason == "RolloutBlocked"))
    })
    .await?;
    ensure!(message.contains(&replica), "{reason}: {message}");
    // It stays that way: the master is neither deleted nor moved.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let kept = pods
        .iter()
        .find(|p| p.name_any() == master)
        .context("the master pod")?;
    ensure!(
        kept.metadata.uid.as_deref() == Some(master_uid.as_str())
            && kept.metadata.deletion_timestamp.is_none()
            && role(kept) == Some("master"),
        "the master {master} was touched while no replica was healthy"
    );
    ensure!(
        timeline(&ip).await?.0 == timeline_before,
        "the timeline moved while no replica was healthy"
    );
    ensure!(
        env.pgctl(&["rollout", "status", name, "--timeout", "2s"])
            .code
            == 3,
        "rollout status must time out while the rollout is blocked"
    );

    // The replica comes back: one switchover, and the old master is replaced.
    drop(thaw);
    let follow = env
        .command(&["rollout", "status", name, "--timeout", "5m"])
        .stdin(Stdio::null())
        .spawn()?;
    let followed = tokio::task::spawn_blocking(move || follow.wait_with_output()).await??;
    ensure!(
        followed.status.success(),
        "rollout status: {}",
        String::from_utf8_lossy(&followed.stdout)
    );
    let (new_master, ip) = topology(&env.client, &ns, name, 2).await?;
    ensure!(new_master == replica, "the replica {replica} took over");
    ensure!(
        timeline(&ip).await?.0 == timeline_before + 1,
        "one switchover, no failover"
    );
    wait_until("Degraded to clear", SQL, || async {
        Ok(degraded(&env, name)
            .await?
            .filter(|(status, _, _)| status == "False"))
    })
    .await?;
    Ok(())
}

/// `pgctl rollout restart X` and right after it `pgctl rollout status X`: the status follows the
/// restart (which changes no generation) to its end, every pod replaced once, and only then
/// exits 0. Then upgrades of the controller keep every pod of the settled cluster: a restart
/// with a hash-neutral setting, and the takeover of a cluster an older build made (another
/// template hash from the same inputs).
#[tokio::test]
async fn rollout_status_right_after_rollout_restart_follows_the_restart_to_its_end() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("restart", CONFIG).await?;
    let name = "acid-restart";
    let ns = env.namespace.name().to_string();
    create_cluster(&env, name, 2).await?;
    let uids = || async {
        let pods = data_plane::pods(&env.client, &ns, name).await?;
        Ok::<_, anyhow::Error>(
            pods.iter()
                .map(|p| (p.name_any(), p.uid().unwrap_or_default()))
                .collect::<BTreeMap<String, String>>(),
        )
    };
    let before = uids().await?;
    env.pgctl(&["rollout", "restart", name]).expect_code(0)?;
    let out = env
        .pgctl(&["rollout", "status", name, "--timeout", "600s"])
        .expect_code(0)?;
    let after = uids().await?;
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{}",
        out.all()
    );
    for (pod, uid) in &before {
        assert_ne!(
            after.get(pod),
            Some(uid),
            "pod {pod} was not replaced before rollout status exited 0:\n{}",
            out.all()
        );
    }
    assert!(out.stdout.contains("is up to date: 2/2"), "{}", out.all());

    // A controller restarted with another, hash-neutral setting (repair_period) reconciles the
    // settled cluster and keeps every pod.
    let mut env = env;
    env.kill_controller();
    Api::<k8s_openapi::api::core::v1::ConfigMap>::namespaced(
        env.client.clone(),
        env.controller_namespace.name(),
    )
    .patch(
        "postgres-operator",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(serde_json::json!({"data": {"repair_period": "20s"}})),
    )
    .await?;
    env.restart_controller().await?;
    wait_for(
        "the restarted controller to reconcile the cluster",
        BOOT,
        || async {
            let controller = env.controller().context("controller")?;
            Ok(controller
                .counter("pgctl_reconciles_total", |l| l.contains("success"))
                .await?
                >= 2.0)
        },
    )
    .await?;
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let kept: BTreeMap<String, String> = pods
        .iter()
        .map(|p| (p.name_any(), p.uid().unwrap_or_default()))
        .collect();
    assert_eq!(kept, after, "pods were replaced after a controller restart");
    assert!(
        pods.iter().all(|p| !p.annotations().contains_key(FLAG)),
        "a pod was flagged for a rolling update"
    );

    // An older build made this cluster: its template had another hash (and an env variable
    // this build does not set), its pods were made from it, the inputs were the same. Written
    // as that build would have, by server-side apply with the controller's field manager.
    env.kill_controller();
    let sts_api = Api::<StatefulSet>::namespaced(env.client.clone(), &ns);
    let mut sts = sts_api.get(name).await?;
    let hash = sts
        .spec
        .as_ref()
        .and_then(|s| {
            s.template
                .metadata
                .as_ref()?
                .annotations
                .as_ref()?
                .get(HASH)
        })
        .cloned()
        .context("the template hash")?;
    sts.metadata.managed_fields = None;
    sts.metadata.resource_version = None;
    sts.status = None;
    let template = &mut sts.spec.as_mut().context("spec")?.template;
    template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(Default::default)
        .insert(HASH.to_string(), OLDER_BUILD.to_string());
    template
        .spec
        .as_mut()
        .and_then(|s| s.containers.iter_mut().find(|c| c.name == "postgres"))
        .context("the postgres container")?
        .env
        .get_or_insert_with(Vec::new)
        .push(k8s_openapi::api::core::v1::EnvVar {
            name: "PGCTL_OLDER_BUILD".to_string(),
            value: Some("1".to_string()),
            ..Default::default()
        });
    sts_api
        .patch(
            name,
            &kube::api::PatchParams::apply("pgctl-controller").force(),
            &kube::api::Patch::Apply(&sts),
        )
        .await?;
    for pod in kept.keys() {
        Api::<Pod>::namespaced(env.client.clone(), &ns)
            .patch(
                pod,
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(serde_json::json!({
                    "metadata": {"annotations": {HASH: OLDER_BUILD}}
                })),
            )
            .await?;
    }

    // This build takes over: the template becomes this build's again, the older hash counts
    // as current, and no pod is flagged or replaced.
    env.restart_controller().await?;
    wait_for(
        "this build's template, the older hash kept as current",
        BOOT,
        || async {
            let sts = sts_api.get(name).await?;
            let Some(template) = sts.spec.map(|s| s.template) else {
                return Ok(false);
            };
            let annotations = template
                .metadata
                .and_then(|m| m.annotations)
                .unwrap_or_default();
            let env_gone = template.spec.is_some_and(|s| {
                s.containers
                    .iter()
                    .flat_map(|c| c.env.iter().flatten())
                    .all(|e| e.name != "PGCTL_OLDER_BUILD")
            });
            Ok(annotations.get(HASH) == Some(&hash)
                && annotations.get(EQUIVALENT).map(String::as_str) == Some(OLDER_BUILD)
                && env_gone)
        },
    )
    .await?;
    let reconciles = env
        .controller()
        .context("controller")?
        .counter("pgctl_reconciles_total", |l| l.contains("success"))
        .await?;
    wait_for("two more reconciles of the cluster", BOOT, || async {
        let controller = env.controller().context("controller")?;
        Ok(controller
            .counter("pgctl_reconciles_total", |l| l.contains("success"))
            .await?
            >= reconciles + 2.0)
    })
    .await?;
    let pods = data_plane::pods(&env.client, &ns, name).await?;
    let now: BTreeMap<String, String> = pods
        .iter()
        .map(|p| (p.name_any(), p.uid().unwrap_or_default()))
        .collect();
    assert_eq!(now, after, "a pod made by the older build was replaced");
    assert!(
        pods.iter().all(|p| !p.annotations().contains_key(FLAG)),
        "a pod made by the older build was flagged"
    );
    let out = env
        .pgctl(&["rollout", "status", name, "--timeout", "30s"])
        .expect_code(0)?;
    assert!(out.stdout.contains("is up to date: 2/2"), "{}", out.all());
    Ok(())
}

/// The template hash the test gives an "older build".
const OLDER_BUILD: &str = "0000older0build0000";
const EQUIVALENT: &str = "pgctl.acid.zalan.do/equivalent-template-hashes";

/// While eight clusters wait on a switchover that cannot happen (each master flagged for
/// replacement, the candidate's Patroni stopped with SIGSTOP) and the controller has eight
/// workers, a ninth new cluster gets its StatefulSet within 5 s of its creation: no worker is
/// held by Patroni. (A worker held per stuck cluster would leave none for the ninth.)
#[tokio::test]
async fn a_new_cluster_gets_its_statefulset_while_eight_wait_on_a_stalled_switchover() -> Result<()>
{
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("workers", "8"), ("pod_label_wait_timeout", "15s")])
        .collect();
    let env = CliEnv::start_real("stall", &config).await?;
    let ns = env.namespace.name().to_string();
    let names: Vec<String> = (1..=8).map(|i| format!("acid-stall{i}")).collect();
    for name in &names {
        env.create_cluster(name, 2, &[])?;
    }
    let mut masters = BTreeMap::new();
    for name in &names {
        let (master, _) = running_cluster(&env, name, 2).await?;
        masters.insert(name.clone(), master);
    }

    // Each candidate's Patroni stops; then its master is flagged for replacement.
    let mut frozen = Vec::new();
    for (name, master) in &masters {
        let replica = data_plane::pods(&env.client, &ns, name)
            .await?
            .iter()
            .map(ResourceExt::name_any)
            .find(|n| n != master)
            .context("a replica")?;
        let patroni: Vec<_> = data_plane::pod_processes(&ns, &replica)
            .into_iter()
            .filter(|p| p.cmdline.contains("patroni.yml") && !p.cmdline.contains("unshare"))
            .collect();
        // Patroni as the pod's PID 1 forks: a parent that reaps orphans, a child that works.
        ensure!(!patroni.is_empty(), "no Patroni process of {replica}");
        data_plane::signal_all(&patroni, nix::sys::signal::Signal::SIGSTOP);
        frozen.extend(patroni);
    }
    let thaw = data_plane::thaw_on_drop(frozen);
    for master in masters.values() {
        Api::<Pod>::namespaced(env.client.clone(), &ns)
            .patch(
                master,
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(serde_json::json!({
                    "metadata": {"annotations": {FLAG: "true"}}
                })),
            )
            .await?;
    }
    // The controller has taken every one of them up, and each waits for its switchover.
    for name in &names {
        wait_until(
            &format!("{name} to report its blocked rollout"),
            ROLLOUT,
            || async {
                Ok(degraded(&env, name)
                    .await?
                    .filter(|(status, reason, _)| status == "True" && reason == "RolloutBlocked"))
            },
        )
        .await?;
    }

    // The ninth, created through the API while a watch of its StatefulSet runs.
    let ninth = "acid-ninth";
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<Instant>();
    let sts_api = Api::<StatefulSet>::namespaced(env.client.clone(), &ns);
    let watch = watcher(
        sts_api.clone(),
        watcher::Config::default().fields(&format!("metadata.name={ninth}")),
    );
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
    let watching = tokio::spawn(async move {
        let mut stream = watch.boxed();
        let mut ready_tx = Some(ready_tx);
        let mut seen_tx = Some(seen_tx);
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::InitDone) => {
                    if let Some(tx) = ready_tx.take() {
                        let _ = tx.send(());
                    }
                }
                Ok(watcher::Event::Apply(_) | watcher::Event::InitApply(_)) => {
                    if let Some(tx) = seen_tx.take() {
                        let _ = tx.send(Instant::now());
                    }
                    return;
                }
                _ => {}
            }
        }
    });
    ready_rx.await.context("the StatefulSet watch started")?;
    let resource: pgctl_shared::crd::Postgresql = serde_json::from_value(serde_json::json!({
        "apiVersion": "acid.zalan.do/v1",
        "kind": "postgresql",
        "metadata": {"name": ninth},
        "spec": {
            "teamId": "acid",
            "numberOfInstances": 1,
            "volume": {"size": "1Gi"},
            "postgresql": {"version": "17"}
        }
    }))?;
    let created = Instant::now();
    Api::<pgctl_shared::crd::Postgresql>::namespaced(env.client.clone(), &ns)
        .create(&kube::api::PostParams::default(), &resource)
        .await?;
    let seen = tokio::time::timeout(Duration::from_secs(60), seen_rx)
        .await
        .context("no StatefulSet of the ninth cluster within 60 s")??;
    watching.abort();
    let took = seen.duration_since(created);
    eprintln!("the ninth cluster's StatefulSet appeared {took:?} after its creation");
    // A worker held by a stalled switchover would be held for Patroni's action timeout (60 s):
    // well under that proves none was; not a speed target (5 s was once missed by 23 ms on a
    // loaded CI machine).
    ensure!(
        took < Duration::from_secs(20),
        "the ninth cluster's StatefulSet took {took:?} (more than 20 s) while eight clusters wait"
    );

    // And the eight were still waiting all along: same masters, still flagged.
    for (name, master) in &masters {
        let pods = data_plane::pods(&env.client, &ns, name).await?;
        let pod = pods
            .iter()
            .find(|p| p.name_any() == *master)
            .with_context(|| format!("the master {master} of {name}"))?;
        ensure!(
            role(pod) == Some("master") && pod.annotations().contains_key(FLAG),
            "{name}: the master {master} moved while its candidate was stopped"
        );
    }
    drop(thaw);
    Ok(())
}
