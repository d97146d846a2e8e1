//! Helpers for tests of real database pods (the local test cluster's pod runner): SQL with
//! psql over the pod network, the processes of a pod, and the RBAC Patroni needs.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use k8s_openapi::api::core::v1::{Pod, Secret};
use k8s_openapi::api::rbac::v1::ClusterRole;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, ResourceExt};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::cli::CliOutput;
use crate::{SPILO_PODS_ENV, is_harness};

/// Whether database pods run for real here (the local test cluster with its pod runner).
pub fn real_pods_available() -> bool {
    is_harness() && std::env::var(SPILO_PODS_ENV).as_deref() == Ok("runner")
}

/// For a test that needs real pods: true (and a note on stderr) when it must skip.
pub fn skip_without_real_pods() -> bool {
    if real_pods_available() {
        return false;
    }
    // CI runs the local harness, which has the pod runner: a skip there would hide failures.
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the pod runner is missing (PGCTL_SPILO_PODS=runner), and CI=true does not allow skipping"
    );
    eprintln!("skipped: needs the local test cluster's pod runner (PGCTL_SPILO_PODS=runner)");
    true
}

/// Applies the ClusterRole that the controller binds Patroni's ServiceAccount to (installed
/// once per cluster by `manifests/rbac.yaml` or `pgctl install`).
pub async fn install_pod_cluster_role(client: &Client) -> Result<()> {
    let role = pgctl_shared::build::rbac::pod_cluster_role(
        &pgctl_shared::config::OperatorConfig::default(),
    );
    Api::<ClusterRole>::all(client.clone())
        .patch(
            &role.name_any(),
            &PatchParams::apply("pgctl-e2e").force(),
            &Patch::Apply(&role),
        )
        .await
        .context("applying the postgres-pod ClusterRole")?;
    Ok(())
}

/// Runs `sql` with psql on `host` as `user` over TLS (Spilo's pg_hba requires it off
/// loopback); returns the unaligned, tuples-only output.
pub fn psql(host: &str, user: &str, password: &str, database: &str, sql: &str) -> Result<String> {
    psql_at(host, 5432, user, password, database, sql)
}

/// [`psql`] on another port than 5432 (a `kubectl port-forward`).
pub fn psql_at(
    host: &str,
    port: u16,
    user: &str,
    password: &str,
    database: &str,
    sql: &str,
) -> Result<String> {
    run_psql(
        Command::new("psql"),
        host,
        port,
        user,
        password,
        database,
        sql,
    )
    .with_context(|| format!("psql as {user}@{host}:{port}/{database}"))
}

/// Runs `command` (psql, or a prefix that ends by running it) with the connection string and
/// `sql`; the unaligned, tuples-only output.
fn run_psql(
    mut command: Command,
    host: &str,
    port: u16,
    user: &str,
    password: &str,
    database: &str,
    sql: &str,
) -> Result<String> {
    let out = command
        .arg(format!(
            "host={host} port={port} user={user} dbname={database} sslmode=require connect_timeout=5"
        ))
        .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .env("PGPASSWORD", password)
        .env_remove("PGSERVICE")
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// [`psql`] run inside pod `namespace/pod`: in its network namespace, with its
/// `/etc/resolv.conf` (the cluster DNS; `ip netns exec` mounts the pod's), so `host` may be a
/// Service name as a pod sees it (`NAME`, `NAME.NAMESPACE`, `NAME.NAMESPACE.svc.cluster.local`).
pub fn psql_in_pod(
    namespace: &str,
    pod: &str,
    host: &str,
    user: &str,
    password: &str,
    sql: &str,
) -> Result<String> {
    psql_in_pod_db(namespace, pod, host, user, password, "postgres", sql)
}

/// [`psql_in_pod`] to `database`.
pub fn psql_in_pod_db(
    namespace: &str,
    pod: &str,
    host: &str,
    user: &str,
    password: &str,
    database: &str,
    sql: &str,
) -> Result<String> {
    let command = in_pod(namespace, pod, "psql")?;
    run_psql(command, host, 5432, user, password, database, sql)
        .with_context(|| format!("psql from {pod} to {user}@{host}/{database}"))
}

/// `program` to run in pod `namespace/pod`'s network namespace, with its `/etc/resolv.conf`
/// (`ip netns exec`), so that Service names resolve as the pod sees them.
pub fn in_pod(namespace: &str, pod: &str, program: &str) -> Result<Command> {
    let processes = pod_processes(namespace, pod);
    let netns = processes
        .iter()
        .find_map(|p| {
            let out = Command::new("ip")
                .args(["netns", "identify", &p.pid.to_string()])
                .output()
                .ok()?;
            let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (!name.is_empty()).then_some(name)
        })
        .with_context(|| format!("the network namespace of pod {namespace}/{pod}"))?;
    let mut command = Command::new("ip");
    command.args(["netns", "exec", &netns, program]);
    Ok(command)
}

/// The password in the credentials Secret of `user` of `cluster` (named by the default
/// `secret_name_template`).
pub async fn password(
    client: &Client,
    namespace: &str,
    cluster: &str,
    user: &str,
) -> Result<String> {
    let name = pgctl_shared::config::OperatorConfig::default().secret_name(user, cluster);
    let secret = Api::<Secret>::namespaced(client.clone(), namespace)
        .get(&name)
        .await
        .with_context(|| format!("reading Secret {name}"))?;
    let bytes = secret
        .data
        .and_then(|d| d.get("password").cloned())
        .with_context(|| format!("Secret {name} has no password"))?;
    Ok(String::from_utf8(bytes.0)?)
}

/// `GET path` of the Patroni REST API of the pod at `ip` (port 8008), as JSON.
/// `PATCH /config` of the Patroni at `ip` with `patch`, as `patronictl edit-config` does.
pub async fn patroni_patch_config(ip: &str, patch: &serde_json::Value) -> Result<()> {
    patroni_send(ip, "PATCH", "/config", patch).await
}

/// `POST /switchover` to the Patroni at `ip`: `leader` hands over to `candidate`.
pub async fn patroni_switchover(ip: &str, leader: &str, candidate: &str) -> Result<()> {
    let body = serde_json::json!({"leader": leader, "candidate": candidate});
    patroni_send(ip, "POST", "/switchover", &body).await
}

/// One request with a JSON body to the Patroni at `ip`, which must answer 200.
async fn patroni_send(ip: &str, method: &str, path: &str, body: &serde_json::Value) -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.to_string();
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect((ip, 8008)).await?;
        stream
            .write_all(
                format!(
                    "{method} {path} HTTP/1.0\r\nHost: {ip}:8008\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let answer = tokio::time::timeout(std::time::Duration::from_secs(60), exchange)
        .await
        .with_context(|| format!("{method} http://{ip}:8008{path}: no answer"))??;
    let status = answer.lines().next().unwrap_or_default();
    if !status.contains(" 200") {
        bail!("{method} http://{ip}:8008{path}: {status}");
    }
    Ok(())
}

pub async fn patroni_get(ip: &str, path: &str) -> Result<serde_json::Value> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect((ip, 8008)).await?;
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\nHost: {ip}:8008\r\n\r\n").as_bytes())
            .await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let answer = tokio::time::timeout(std::time::Duration::from_secs(5), exchange)
        .await
        .with_context(|| format!("GET http://{ip}:8008{path}: no answer"))??;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .with_context(|| format!("GET http://{ip}:8008{path}: bad answer {answer:?}"))?;
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        bail!(
            "GET http://{ip}:8008{path}: {}",
            head.lines().next().unwrap_or(head)
        );
    }
    serde_json::from_str(body).with_context(|| format!("GET http://{ip}:8008{path}: {body:?}"))
}

/// The cluster's pods that are not being deleted.
pub async fn pods(client: &Client, namespace: &str, cluster: &str) -> Result<Vec<Pod>> {
    Ok(Api::<Pod>::namespaced(client.clone(), namespace)
        .list(&ListParams::default().labels(&format!("application=spilo,cluster-name={cluster}")))
        .await?
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect())
}

pub fn role(pod: &Pod) -> Option<&str> {
    pod.labels().get("spilo-role").map(String::as_str)
}

pub fn pod_ip(pod: &Pod) -> Option<String> {
    pod.status.as_ref()?.pod_ip.clone()
}

pub fn restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|c| c.iter().find(|c| c.name == "postgres"))
        .map_or(0, |c| c.restart_count)
}

fn cmdline(pid: i32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(String::from_utf8_lossy(&raw).replace('\0', " "))
}

fn pid_namespace(pid: i32) -> Option<std::path::PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok()
}

fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A process of a pod: its pid and command line (to tell a recycled pid apart).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PodProcess {
    pub pid: i32,
    pub cmdline: String,
}

/// The processes of pod `namespace/name` run by the pod runner: its `unshare` process (whose
/// command line names the pod's directory) and everything in the PID namespace below it
/// (Patroni, PostgreSQL).
pub fn pod_processes(namespace: &str, name: &str) -> Vec<PodProcess> {
    let marker = format!("/{namespace}_{name}_");
    let pids = all_pids();
    let mut out = BTreeSet::new();
    for pid in &pids {
        let Some(line) = cmdline(*pid) else { continue };
        if !(line.contains(&marker) && line.contains("unshare")) {
            continue;
        }
        out.insert(PodProcess {
            pid: *pid,
            cmdline: line,
        });
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        let Some(inner) = children
            .split_whitespace()
            .next()
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let Some(namespace) = pid_namespace(inner) else {
            continue;
        };
        for other in &pids {
            if pid_namespace(*other).as_ref() == Some(&namespace)
                && let Some(line) = cmdline(*other)
            {
                out.insert(PodProcess {
                    pid: *other,
                    cmdline: line,
                });
            }
        }
    }
    out.into_iter().collect()
}

/// Whether `process` still runs (same pid, same command line, not a zombie).
pub fn alive(process: &PodProcess) -> bool {
    let state = std::fs::read_to_string(format!("/proc/{}/stat", process.pid))
        .ok()
        .and_then(|s| s.rsplit(')').next().map(|r| r.trim().chars().next()))
        .flatten();
    matches!(state, Some(s) if s != 'Z') && cmdline(process.pid).as_ref() == Some(&process.cmdline)
}

/// A guard that continues (`SIGCONT`) the processes a test stopped, when it drops: also when
/// the test fails on the way.
pub fn thaw_on_drop(frozen: Vec<PodProcess>) -> impl Drop {
    struct Thaw(Vec<PodProcess>);
    impl Drop for Thaw {
        fn drop(&mut self) {
            signal_all(&self.0, Signal::SIGCONT);
        }
    }
    Thaw(frozen)
}

/// Sends `signal` to every process of the list.
pub fn signal_all(processes: &[PodProcess], signal: Signal) {
    for p in processes {
        let _ = kill(Pid::from_raw(p.pid), signal);
    }
}

/// Memory of the processes, in KiB: the proportional set size (`Pss` of
/// /proc/PID/smaps_rollup), which counts pages shared between processes (PostgreSQL's shared
/// buffers, libraries) once in all, unlike the resident sizes added up.
pub fn proportional_kib(processes: &[PodProcess]) -> u64 {
    processes
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{}/smaps_rollup", p.pid)).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum()
}

/// CPU time (user + system) of the processes so far, in clock ticks.
pub fn cpu_ticks(processes: &[PodProcess]) -> u64 {
    processes
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{}/stat", p.pid)).ok())
        .filter_map(|s| {
            let rest = s.rsplit(')').next()?.split_whitespace().collect::<Vec<_>>();
            // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the command.
            Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

/// The variable naming the kubectl of the cluster under test (`tests/cluster/e2e` sets it).
pub const KUBECTL_ENV: &str = "PGCTL_E2E_KUBECTL";

/// A kubectl command against the cluster under test (`PGCTL_E2E_KUBECTL`, else `kubectl`
/// on the PATH), not yet run.
pub fn kubectl_command(args: &[&str]) -> Result<Command> {
    let program = std::env::var(KUBECTL_ENV).unwrap_or_else(|_| "kubectl".to_string());
    let kubeconfig = std::env::var(crate::KUBECONFIG_ENV)
        .with_context(|| format!("{} is not set", crate::KUBECONFIG_ENV))?;
    let mut command = Command::new(program);
    command.arg("--kubeconfig").arg(kubeconfig).args(args);
    Ok(command)
}

/// Runs kubectl with `args`, whatever its exit code (-1: killed by a signal).
pub fn kubectl(args: &[&str]) -> Result<CliOutput> {
    let out = kubectl_command(args)?
        .output()
        .with_context(|| format!("running kubectl {}", args.join(" ")))?;
    Ok(CliOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Runs kubectl with `args` and returns its output; fails unless it exits 0.
pub fn kubectl_ok(args: &[&str]) -> Result<String> {
    let out = kubectl(args)?
        .expect_code(0)
        .with_context(|| format!("kubectl {}", args.join(" ")))?;
    Ok(out.stdout)
}

/// The names of the pods of `cluster` seen carrying the label `critical-operation: "true"`
/// (Patroni's bootstrap labels, the major upgrade), collected by a watch in the background
/// from now on.
pub fn pods_seen_critical(
    client: &Client,
    ns: &str,
    cluster: &str,
) -> Arc<Mutex<BTreeSet<String>>> {
    use futures::StreamExt;
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let config = watcher::Config::default().labels(&format!("cluster-name={cluster}"));
    let shared = seen.clone();
    tokio::spawn(async move {
        let mut stream = watcher(api, config)
            .default_backoff()
            .touched_objects()
            .boxed();
        while let Some(event) = stream.next().await {
            let Ok(pod) = event else { continue };
            if pod.labels().get("critical-operation").map(String::as_str) == Some("true") {
                let mut seen = shared.lock().unwrap_or_else(|e| e.into_inner());
                seen.insert(pod.name_any());
            }
        }
    });
    seen
}
