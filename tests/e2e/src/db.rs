//! A database cluster as the data-plane tests handle it: its status, its topology once
//! Patroni has elected a master, its superuser password, its streaming replicas and the master
//! Service's Endpoints; and a one-instance manifest applied as a user of the reference writes
//! it.

use std::time::Duration;

use anyhow::Result;
use k8s_openapi::api::core::v1::Endpoints;
use kube::api::Api;
use kube::{Client, ResourceExt};
use serde_json::Value;

use crate::cli::CliEnv;
use crate::data_plane::{self, pod_ip, psql, role};
use crate::{wait_for, wait_until};

/// How long a cluster may take to boot.
pub const BOOT: Duration = Duration::from_secs(300);
/// How long SQL results may take to show (replication, provisioning).
pub const SQL: Duration = Duration::from_secs(120);

/// A database cluster of a test, by name, in the test's namespace.
pub struct Cluster<'a> {
    pub env: &'a CliEnv,
    pub name: String,
}

impl Cluster<'_> {
    pub fn ns(&self) -> &str {
        self.env.namespace.name()
    }

    pub fn client(&self) -> &Client {
        &self.env.client
    }

    pub async fn status(&self) -> Result<Value> {
        let api: Api<pgctl_shared::crd::Postgresql> =
            Api::namespaced(self.client().clone(), self.ns());
        let pg = api.get(&self.name).await?;
        Ok(serde_json::to_value(pg.status)?)
    }

    /// A JSON merge patch of the cluster's resource, as `kubectl patch --type=merge` sends it.
    pub fn patch(&self, patch: &str) -> Result<()> {
        data_plane::kubectl_ok(&[
            "-n",
            self.ns(),
            "patch",
            "postgresql",
            &self.name,
            "--type=merge",
            "-p",
            patch,
        ])?;
        Ok(())
    }

    /// The one pod labelled master, its IP, and the others' IPs, once there is exactly one
    /// master and `instances` ready pods.
    pub async fn topology(&self, instances: usize) -> Result<(String, String, Vec<String>)> {
        wait_until(
            &format!(
                "{} to have {instances} ready pods, one of them master",
                self.name
            ),
            BOOT,
            || async {
                let pods = data_plane::pods(self.client(), self.ns(), &self.name).await?;
                let ready = pods.iter().filter(|p| is_ready(p)).count();
                let masters: Vec<_> = pods.iter().filter(|p| role(p) == Some("master")).collect();
                if pods.len() != instances || ready != instances || masters.len() != 1 {
                    return Ok(None);
                }
                let master = masters[0];
                let Some(master_ip) = pod_ip(master) else {
                    return Ok(None);
                };
                let replicas = pods
                    .iter()
                    .filter(|p| p.name_any() != master.name_any())
                    .filter_map(pod_ip)
                    .collect();
                Ok(Some((master.name_any(), master_ip, replicas)))
            },
        )
        .await
    }

    pub async fn superuser(&self) -> Result<String> {
        data_plane::password(self.client(), self.ns(), &self.name, "postgres").await
    }

    /// Replicas streaming from the master at `ip`.
    pub async fn wait_streaming(&self, ip: &str, count: usize) -> Result<()> {
        let password = self.superuser().await?;
        wait_for(
            &format!("{count} streaming replicas on {ip}"),
            SQL,
            || async {
                let n = psql(
                    ip,
                    "postgres",
                    &password,
                    "postgres",
                    "select count(*) from pg_stat_replication where state = 'streaming'",
                )?;
                Ok(n == count.to_string())
            },
        )
        .await
    }

    pub async fn master_endpoints(&self) -> Result<Vec<String>> {
        let endpoints = Api::<Endpoints>::namespaced(self.client().clone(), self.ns())
            .get(&self.name)
            .await?;
        Ok(endpoints
            .subsets
            .unwrap_or_default()
            .into_iter()
            .flat_map(|s| s.addresses.unwrap_or_default())
            .map(|a| a.ip)
            .collect())
    }
}

/// The pod's Ready condition is True.
pub fn is_ready(pod: &k8s_openapi::api::core::v1::Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Applies, through `pgctl apply -f -`, a manifest as a user writes it for the reference:
/// cluster `name` of team `acid` in the test namespace, with `spec_lines` (indented as under
/// `spec:`) as the rest of its spec.
pub fn apply_manifest(env: &CliEnv, name: &str, spec_lines: &str) -> Result<()> {
    let manifest = format!(
        "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: {name}\n  namespace: {}\n\
         spec:\n  teamId: acid\n{spec_lines}",
        env.namespace.name()
    );
    env.pgctl_with_stdin(&["apply", "-f", "-"], &manifest)
        .expect_code(0)?;
    Ok(())
}

/// [`apply_manifest`] of one instance with a 1Gi volume and PostgreSQL 17, with `spec_lines`
/// added.
pub fn apply_one_instance(env: &CliEnv, name: &str, spec_lines: &str) -> Result<()> {
    apply_manifest(
        env,
        name,
        &format!(
            "  numberOfInstances: 1\n  volume: {{size: 1Gi}}\n  postgresql: {{version: \"17\"}}\n{spec_lines}"
        ),
    )
}

/// `pgbench` of the machine's PostgreSQL.
pub const PGBENCH: &str = "/usr/lib/postgresql/15/bin/pgbench";

impl Cluster<'_> {
    /// Waits until the pooler Deployment `deployment` of this cluster has `pods` ready pods.
    pub async fn wait_pooler(&self, deployment: &str, pods: i32) -> Result<()> {
        let api: Api<k8s_openapi::api::apps::v1::Deployment> =
            Api::namespaced(self.client().clone(), self.ns());
        wait_for(
            &format!("{deployment} to have {pods} ready pods"),
            BOOT,
            || async {
                Ok(api
                    .get_opt(deployment)
                    .await?
                    .and_then(|d| d.status)
                    .and_then(|s| s.ready_replicas)
                    == Some(pods))
            },
        )
        .await
    }
}

/// `pgbench -i -s SCALE` of `database` on the server at `ip`, as `user` over TLS.
pub fn pgbench_init(
    ip: &str,
    user: &str,
    password: &str,
    database: &str,
    scale: u32,
) -> Result<()> {
    let out = std::process::Command::new(PGBENCH)
        .args(["-i", "-s", &scale.to_string(), "-q"])
        .arg(format!(
            "host={ip} user={user} dbname={database} sslmode=require"
        ))
        .env("PGPASSWORD", password)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "pgbench -i: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Inserts `1, 2, 3, …` into table `table` (one `bigint` column) of `database`, as `user`,
/// through whichever pod the cluster's master Endpoints name, until stopped: which inserts
/// were acknowledged, and the longest time between two acknowledged ones (the write downtime
/// seen by a client that reconnects at once).
pub struct WriteLoop {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<(Vec<u64>, Duration)>,
}

impl WriteLoop {
    pub fn start(
        cluster: &Cluster<'_>,
        user: &str,
        password: &str,
        database: &str,
        table: &str,
    ) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let endpoints: Api<Endpoints> = Api::namespaced(cluster.client().clone(), cluster.ns());
        let (name, user, password, database, table) = (
            cluster.name.clone(),
            user.to_string(),
            password.to_string(),
            database.to_string(),
            table.to_string(),
        );
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut longest = Duration::ZERO;
            let mut last_ok = std::time::Instant::now();
            let mut id = 0u64;
            while !flag.load(Ordering::Relaxed) {
                id += 1;
                let ip = endpoints
                    .get_opt(&name)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|e| e.subsets?.into_iter().next()?.addresses?.into_iter().next())
                    .map(|a| a.ip);
                let ok = ip.is_some_and(|ip| {
                    data_plane::psql(
                        &ip,
                        &user,
                        &password,
                        &database,
                        &format!("insert into {table} values ({id})"),
                    )
                    .is_ok()
                });
                if ok {
                    acknowledged.push(id);
                    longest = longest.max(last_ok.elapsed());
                    last_ok = std::time::Instant::now();
                } else {
                    // Not a wait for a condition: the pace of a client retrying while the
                    // master is down (a refused connection fails at once), so the loop does
                    // not spin; the gap it measures is between acknowledged writes.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            (acknowledged, longest)
        });
        WriteLoop { stop, task }
    }

    /// Stops the loop: the acknowledged ids and the longest gap.
    pub async fn stop(self) -> Result<(Vec<u64>, Duration)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(self.task.await?)
    }
}
