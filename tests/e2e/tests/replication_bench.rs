//! Benchmark of clone, standby and promotion (issue 18), run by `bench/replication.sh`, never
//! by `make test` (ignored): a 1 GiB source (`pgbench -i -s 70`), a bare `pg_basebackup` of it
//! with the flags of the pod runner's clone method (TLS, `--wal-method=stream`,
//! `--checkpoint=fast`) side by side with `pgctl clone`, then a standby's replay lag under a
//! steady pgbench load and the promotion time. Prints BENCH lines for docs/performance.md.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, psql};
use pgctl_e2e::db::{Cluster, SQL};
use pgctl_e2e::{wait_for, wait_until};

const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];
const COPY: Duration = Duration::from_secs(900);

fn bin(name: &str) -> String {
    format!("/usr/lib/postgresql/15/bin/{name}")
}

/// How long the source at `ip` served a `pg_basebackup` that starts now or soon: from the
/// first sight of its session (polled every 250 ms) to its end. The client's final fsync of the
/// copy is after that.
async fn basebackup_session(ip: &str, password: &str) -> Result<Duration> {
    let session = "select count(*) from pg_stat_activity where application_name = 'pg_basebackup'";
    let started = wait_until("a pg_basebackup session on the source", COPY, || async {
        let n = psql(ip, "postgres", password, "postgres", session)?;
        Ok((n != "0").then(Instant::now))
    })
    .await?;
    wait_for("the pg_basebackup session to end", COPY, || async {
        Ok(psql(ip, "postgres", password, "postgres", session)? == "0")
    })
    .await?;
    Ok(started.elapsed())
}

/// A bare `pg_basebackup` of the master at `ip` into a fresh directory: its wall time, and the
/// life of its session on the source ([`basebackup_session`]).
async fn bare_basebackup(
    ip: &str,
    password: &str,
    user: &str,
    user_password: &str,
    into: &std::path::Path,
) -> Result<(Duration, Duration)> {
    let _ = std::fs::remove_dir_all(into);
    let started = Instant::now();
    let child = Command::new(bin("pg_basebackup"))
        .arg(format!("--pgdata={}", into.display()))
        .args(["--wal-method=stream", "--checkpoint=fast", "--no-password"])
        .arg(format!("--host={ip}"))
        .args(["--port=5432", &format!("--username={user}")])
        .env("PGPASSWORD", user_password)
        .env("PGSSLMODE", "require")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("running pg_basebackup")?;
    let session = basebackup_session(ip, password).await?;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
    let took = started.elapsed();
    if !out.status.success() {
        bail!("pg_basebackup: {}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(into);
    Ok((took, session))
}

#[tokio::test]
#[ignore = "benchmark: bench/replication.sh"]
async fn bench_clone_standby_and_promotion() -> Result<()> {
    ensure!(data_plane::real_pods_available(), "needs the pod runner");
    let env = CliEnv::start_real("bench", CONFIG).await?;
    env.pgctl(&[
        "create",
        "acid-big",
        "--team",
        "acid",
        "--instances",
        "1",
        "--size",
        "5Gi",
    ])
    .expect_code(0)?;
    let source = Cluster {
        env: &env,
        name: "acid-big".to_string(),
    };
    let (_, ip, _) = source.topology(1).await?;
    let password = source.superuser().await?;
    let standby_password =
        data_plane::password(source.client(), source.ns(), "acid-big", "standby").await?;

    let started = Instant::now();
    let out = Command::new(bin("pgbench"))
        .args(["-i", "-s", "70", "-q"])
        .arg(format!(
            "host={ip} user=postgres dbname=postgres sslmode=require"
        ))
        .env("PGPASSWORD", &password)
        .output()?;
    ensure!(
        out.status.success(),
        "pgbench -i: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = psql(
        &ip,
        "postgres",
        &password,
        "postgres",
        "select pg_database_size('postgres')",
    )?;
    println!(
        "BENCH source: pgbench -i -s 70 in {:.1} s, database {} MiB",
        started.elapsed().as_secs_f64(),
        size.parse::<u64>().unwrap_or(0) / (1 << 20)
    );

    let scratch = std::env::temp_dir().join("pgctl-bench-basebackup");
    let (wall, bare_before) =
        bare_basebackup(&ip, &password, "standby", &standby_password, &scratch).await?;
    println!(
        "BENCH bare pg_basebackup: {:.1} s wall, {:.1} s served by the source",
        wall.as_secs_f64(),
        bare_before.as_secs_f64()
    );

    // pgctl clone: the copy phase as the source sees it (the pg_basebackup session's life),
    // and the time to Running.
    let started = Instant::now();
    env.pgctl(&["clone", "acid-big", "acid-big-copy", "--instances", "1"])
        .expect_code(0)?;
    let copy = basebackup_session(&ip, &password).await?;
    println!(
        "BENCH pgctl clone: {:.1} s served by the source",
        copy.as_secs_f64()
    );
    env.wait_status("acid-big-copy", "Running").await?;
    println!(
        "BENCH pgctl clone: Running after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (wall, bare_after) =
        bare_basebackup(&ip, &password, "standby", &standby_password, &scratch).await?;
    println!(
        "BENCH bare pg_basebackup again: {:.1} s wall, {:.1} s served by the source",
        wall.as_secs_f64(),
        bare_after.as_secs_f64()
    );
    let bare = (bare_before + bare_after) / 2;
    println!(
        "BENCH clone copy / bare mean (source side): {:.2}",
        copy.as_secs_f64() / bare.as_secs_f64()
    );
    env.pgctl(&["delete", "acid-big-copy", "--yes", "--wait"])
        .expect_code(0)?;

    // A standby under a steady pgbench load (200 transactions/s), its lag sampled each
    // second, then the promotion.
    env.pgctl(&[
        "create",
        "acid-big-dr",
        "--standby-of",
        "acid-big",
        "--instances",
        "1",
        "--size",
        "5Gi",
    ])
    .expect_code(0)?;
    let standby = Cluster {
        env: &env,
        name: "acid-big-dr".to_string(),
    };
    let (_, standby_ip, _) = standby.topology(1).await?;
    let load = Command::new(bin("pgbench"))
        .args(["-c", "2", "-T", "30", "-R", "200", "-n"])
        .arg(format!(
            "host={ip} user=postgres dbname=postgres sslmode=require"
        ))
        .env("PGPASSWORD", &password)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let lag = "select pg_wal_lsn_diff(pg_current_wal_lsn(), '{pos}')";
    let mut bytes = Vec::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    for _ in 0..28 {
        ticker.tick().await;
        let replayed = psql(
            &standby_ip,
            "postgres",
            &password,
            "postgres",
            "select pg_last_wal_replay_lsn()",
        )?;
        let behind = psql(
            &ip,
            "postgres",
            &password,
            "postgres",
            &lag.replace("{pos}", &replayed),
        )?;
        bytes.push(behind.parse::<f64>().unwrap_or(f64::NAN));
    }
    let out = load.wait_with_output()?;
    let summary = String::from_utf8_lossy(&out.stdout);
    let tps = summary
        .lines()
        .find(|l| l.starts_with("tps"))
        .unwrap_or("tps ?");
    bytes.sort_by(f64::total_cmp);
    println!(
        "BENCH standby lag under pgbench -R 200 ({tps}): median {:.0} bytes, max {:.0} bytes over {} samples",
        bytes[bytes.len() / 2],
        bytes[bytes.len() - 1],
        bytes.len()
    );
    let status = standby.status().await?;
    println!("BENCH standby status.origin: {}", status["origin"]);

    let head = psql(
        &ip,
        "postgres",
        &password,
        "postgres",
        "select pg_current_wal_lsn()",
    )?;
    wait_for("the standby to catch up", SQL, || async {
        Ok(psql(
            &standby_ip,
            "postgres",
            &password,
            "postgres",
            &format!("select pg_last_wal_replay_lsn() >= '{head}'"),
        )? == "t")
    })
    .await?;
    let started = Instant::now();
    env.pgctl(&["promote", "acid-big-dr", "--yes"])
        .expect_code(0)?;
    wait_for("the promoted cluster to take a write", SQL, || async {
        Ok(psql(
            &standby_ip,
            "postgres",
            &password,
            "postgres",
            "create table promoted (x int)",
        )
        .is_ok())
    })
    .await?;
    println!(
        "BENCH promotion: first write accepted {:.2} s after the manifest change",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
