//! Benchmark of an in-place major version upgrade (issue 20), run by `bench/upgrade.sh`:
//! a three-instance PostgreSQL 16 cluster holding about 1 GiB (`pgbench -i -s 70`) goes to 17
//! under a write loop. Prints the write downtime (the longest gap between acknowledged
//! writes, and `status.upgrade.downtimeSeconds`), the master's stop-to-switch time
//! (`pg_upgrade --link` and its checks), and the time until every replica streams again.

use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, psql};
use pgctl_e2e::db::{Cluster, WriteLoop, apply_manifest, pgbench_init};
use pgctl_e2e::wait_until;

const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

fn seconds(status: &serde_json::Value, from: &str, to: &str) -> Option<i64> {
    let at = |k: &str| {
        status[k]
            .as_str()?
            .parse::<k8s_openapi::jiff::Timestamp>()
            .ok()
    };
    Some(at(to)?.as_second() - at(from)?.as_second())
}

#[tokio::test]
#[ignore = "benchmark: bench/upgrade.sh"]
async fn upgrade_of_one_gib_three_instances() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let scale: u32 = std::env::var("PGCTL_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(70);
    let env = CliEnv::start_real("upgbench", CONFIG).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-upgbench".to_string(),
    };
    apply_manifest(
        &env,
        &cluster.name,
        "  numberOfInstances: 3\n  volume: {size: 5Gi}\n  postgresql: {version: \"16\"}\n",
    )?;
    let (_, master, _) = cluster.topology(3).await?;
    let superuser = cluster.superuser().await?;
    pgbench_init(&master, "postgres", &superuser, "postgres", scale)?;
    psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "create table w (id bigint primary key)",
    )?;
    let size = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "select pg_size_pretty(pg_database_size('postgres'))",
    )?;
    cluster.wait_streaming(&master, 2).await?;
    let writer = WriteLoop::start(&cluster, "postgres", &superuser, "postgres", "w");
    let started = Instant::now();
    cluster.patch(r#"{"spec":{"postgresql":{"version":"17"}}}"#)?;
    let status = wait_until("the upgrade to end", Duration::from_secs(900), || async {
        let upgrade = cluster.status().await?["upgrade"].clone();
        match upgrade["phase"].as_str() {
            Some("Succeeded") => Ok(Some(upgrade)),
            Some("Blocked" | "RolledBack") => bail!("upgrade failed: {upgrade}"),
            _ => Ok(None),
        }
    })
    .await?;
    let total = started.elapsed();
    let (acknowledged, gap) = writer.stop().await?;
    let (_, master, _) = cluster.topology(3).await?;
    let version = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "show server_version",
    )?;
    ensure!(version.starts_with("17."), "after the upgrade: {version}");
    let accounts = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "select count(*) from pgbench_accounts",
    )?;
    ensure!(
        accounts == (scale * 100_000).to_string(),
        "{accounts} accounts"
    );
    println!(
        "BENCH upgrade 16→17, 3 instances, {size}: manifest change → Succeeded (replicas streaming) {:.1} s; longest gap between acknowledged writes {:.1} s ({} writes); status downtimeSeconds {}; master stop → switch {} s; switch → replicas streaming {} s",
        total.as_secs_f64(),
        gap.as_secs_f64(),
        acknowledged.len(),
        status["downtimeSeconds"],
        seconds(&status, "stoppedAt", "switchedAt").unwrap_or(-1),
        seconds(&status, "switchedAt", "finishedAt").unwrap_or(-1),
    );
    Ok(())
}
