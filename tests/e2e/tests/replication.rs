//! Data moved between real clusters: a clone copies a running cluster (`pgctl clone`), a
//! standby cluster streams from its source (`pgctl create --standby-of`) under load and is
//! promoted (`pgctl promote`), and the failures a user meets (a source that does not exist, a
//! source that goes away) are reported by condition and Event. Real Patroni and PostgreSQL in
//! the local data plane; needs the pod runner (skipped elsewhere, failing under `CI=true`).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ListParams};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, psql, restarts};
use pgctl_e2e::db::{BOOT, Cluster, SQL, apply_one_instance};
use pgctl_e2e::load::Writers;
use pgctl_e2e::{wait_for, wait_until};
use serde_json::Value;

/// The controller's configuration for these tests: quick re-checks.
const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

fn skip() -> bool {
    data_plane::skip_without_real_pods()
}

fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
}

/// Waits until the cluster's condition `type_` has `reason`; returns its message.
async fn wait_condition(cluster: &Cluster<'_>, type_: &str, reasons: &[&str]) -> Result<String> {
    wait_until(
        &format!("{} to report {type_} {reasons:?}", cluster.name),
        BOOT,
        || async {
            let status = cluster.status().await?;
            let found = condition(&status, type_)
                .filter(|c| reasons.iter().any(|r| c["reason"].as_str() == Some(*r)));
            Ok(found.map(|c| c["message"].as_str().unwrap_or_default().to_string()))
        },
    )
    .await
}

/// Whether an Event of the cluster has `reason`.
async fn has_event(cluster: &Cluster<'_>, reason: &str) -> Result<bool> {
    let events: Api<Event> = Api::namespaced(cluster.client().clone(), cluster.ns());
    let list = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={}", cluster.name)))
        .await?;
    Ok(list
        .items
        .iter()
        .any(|e| e.reason.as_deref() == Some(reason)))
}

/// `pgctl clone` of a running cluster (Spilo's `CLONE_WITH_BASEBACKUP`): the clone's first
/// member is a base backup of the source, taken over its Service by name; it holds the
/// source's 100,000 rows and none written afterwards, logs in with its own Secrets, reports
/// `Cloned`, and the source keeps its master and timeline.
#[tokio::test]
async fn a_clone_of_a_running_cluster_holds_its_rows_and_goes_its_own_way() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("rpc", CONFIG).await?;
    env.create_cluster("acid-src", 1, &[])?;
    let source = Cluster {
        env: &env,
        name: "acid-src".to_string(),
    };
    let (source_master, source_ip, _) = source.topology(1).await?;
    let source_password = source.superuser().await?;
    let sql = |ip: &str, password: &str, sql: &str| psql(ip, "postgres", password, "postgres", sql);
    sql(
        &source_ip,
        &source_password,
        "create table rows as select g from generate_series(1, 100000) g",
    )?;
    let timeline = "select timeline_id from pg_control_checkpoint()";
    let source_timeline = sql(&source_ip, &source_password, timeline)?;

    // The manifest first (the source is read, nothing is created), then the clone.
    let manifest = env
        .pgctl(&[
            "clone",
            "acid-src",
            "acid-copy",
            "--instances",
            "1",
            "--dry-run=client",
            "-o",
            "yaml",
        ])
        .expect_code(0)?;
    ensure!(
        manifest.stdout.contains("cluster: acid-src"),
        "{}",
        manifest.stdout
    );
    let started = Instant::now();
    env.pgctl(&[
        "clone",
        "acid-src",
        "acid-copy",
        "--instances",
        "1",
        "--wait",
        "--timeout",
        "5m",
    ])
    .expect_code(0)?;
    eprintln!(
        "the clone was Running {} ms after pgctl clone",
        started.elapsed().as_millis()
    );
    let clone = Cluster {
        env: &env,
        name: "acid-copy".to_string(),
    };
    let (_, clone_ip, _) = clone.topology(1).await?;
    // The clone's own superuser password (its Secret, not the source's) logs in.
    let clone_password = clone.superuser().await?;
    ensure!(clone_password != source_password);
    wait_for("the clone to hold the source's rows", SQL, || async {
        Ok(sql(&clone_ip, &clone_password, "select count(*) from rows")
            .is_ok_and(|n| n == "100000"))
    })
    .await?;
    let message = wait_condition(&clone, "Cloned", &["Cloned"]).await?;
    ensure!(message.contains("acid-src"), "{message}");
    let status = clone.status().await?;
    ensure!(status["origin"]["mode"] == "clone", "{status}");
    ensure!(status["origin"]["source"] == "acid-src", "{status}");
    let shown = env.pgctl(&["status", "acid-copy"]).expect_code(0)?;
    ensure!(
        shown.stdout.contains("clone of acid-src"),
        "{}",
        shown.stdout
    );

    sql(
        &source_ip,
        &source_password,
        "insert into rows select 0 from generate_series(1, 10)",
    )?;
    ensure!(sql(&source_ip, &source_password, "select count(*) from rows")? == "100010");
    ensure!(sql(&clone_ip, &clone_password, "select count(*) from rows")? == "100000");
    // The source is untouched: same master, same timeline.
    let (master_after, _, _) = source.topology(1).await?;
    ensure!(master_after == source_master);
    ensure!(sql(&source_ip, &source_password, timeline)? == source_timeline);
    Ok(())
}

/// Inserts rows into `ticks` at `ip`, 20 a second from four writers (a psql each time); counts
/// the inserts the server acknowledged.
fn write_load(ip: String, password: String) -> Writers {
    Writers::start(4, Duration::from_millis(200), move || {
        psql(
            &ip,
            "postgres",
            &password,
            "postgres",
            "insert into ticks default values",
        )
        .is_ok()
    })
}

/// `pgctl create --standby-of` (the source's Secrets copied, as the reference requires): a
/// standby leader streams from the source and a replica cascades from it; under 20 writes/s
/// the standby's replay lag stays under 5 s; once the writes stop and the standby has replayed
/// the source's last WAL position, `pgctl promote --yes --wait` promotes it: it takes writes,
/// holds every acknowledged row, and its users log in with their Secrets.
#[tokio::test]
async fn a_standby_follows_its_source_under_load_and_is_promoted() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("rps", CONFIG).await?;
    env.create_cluster("acid-main", 1, &[])?;
    let source = Cluster {
        env: &env,
        name: "acid-main".to_string(),
    };
    let (source_master, source_ip, _) = source.topology(1).await?;
    let password = source.superuser().await?;
    let sql = |ip: &str, sql: &str| psql(ip, "postgres", &password, "postgres", sql);
    sql(
        &source_ip,
        "create table ticks (id bigserial primary key, at timestamptz not null default clock_timestamp())",
    )?;

    env.pgctl(&[
        "create",
        "acid-stby",
        "--standby-of",
        "acid-main",
        "--instances",
        "2",
        "--size",
        "1Gi",
        "--user",
        "app:login",
    ])
    .expect_code(0)?;
    let standby = Cluster {
        env: &env,
        name: "acid-stby".to_string(),
    };
    ensure!(
        standby.superuser().await? == password,
        "the superuser Secret was not copied"
    );
    let (leader, standby_ip, _) = standby.topology(2).await?;
    let patroni = data_plane::patroni_get(&standby_ip, "/patroni").await?;
    ensure!(patroni["role"] == "standby_leader", "{leader}: {patroni}");
    // The standby's replica cascades from its leader.
    wait_for(
        "a replica streaming from the standby leader",
        SQL,
        || async {
            Ok(
                sql(&standby_ip, "select count(*) from pg_stat_replication")
                    .is_ok_and(|n| n == "1"),
            )
        },
    )
    .await?;
    let message = wait_condition(&standby, "Standby", &["Streaming"]).await?;
    ensure!(message.contains("acid-main"), "{message}");
    ensure!(
        sql(&standby_ip, "insert into ticks default values").is_err(),
        "the standby accepted a write"
    );

    // 20 writes/s on the source for 15 s; the standby's lag sampled twice a second.
    let load = write_load(source_ip.clone(), password.clone());
    let lag_sql = "select coalesce(extract(epoch from clock_timestamp() - max(at)), 0) from ticks";
    let mut worst = 0.0_f64;
    let mut samples = 0;
    let load_started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    while load_started.elapsed() < Duration::from_secs(15) {
        ticker.tick().await;
        if load.acknowledged() == 0 {
            continue;
        }
        let lag: f64 = sql(&standby_ip, lag_sql)?.parse().context("lag")?;
        worst = worst.max(lag);
        samples += 1;
    }
    let status = standby.status().await?;
    let written = load.stop()?.acknowledged;
    eprintln!(
        "{written} writes in {:.1} s; worst standby lag {worst:.2} s over {samples} samples",
        load_started.elapsed().as_secs_f64()
    );
    ensure!(written >= 270, "only {written} writes acknowledged in 15 s");
    ensure!(worst < 5.0, "the standby lagged {worst:.2} s behind");
    ensure!(status["origin"]["mode"] == "standby", "{status}");
    ensure!(status["origin"]["source"] == "acid-main:5432", "{status}");
    let shown = env.pgctl(&["status", "acid-stby"]).expect_code(0)?;
    ensure!(
        shown.stdout.contains("standby of acid-main:5432"),
        "{}",
        shown.stdout
    );
    let listed = env.pgctl(&["list", "-o", "wide"]).expect_code(0)?;
    ensure!(
        listed
            .stdout
            .lines()
            .any(|l| l.starts_with("acid-stby") && l.contains(" standby ")),
        "{}",
        listed.stdout
    );

    // The writes stopped: the standby replays up to the source's current position.
    ensure!(sql(&source_ip, "select count(*) from ticks")? == written.to_string());
    let head = sql(&source_ip, "select pg_current_wal_lsn()")?;
    wait_for(
        "the standby to replay the source's last WAL",
        SQL,
        || async {
            Ok(sql(
                &standby_ip,
                &format!("select pg_last_wal_replay_lsn() >= '{head}'"),
            )
            .is_ok_and(|t| t == "t"))
        },
    )
    .await?;

    // Promotion: `pgctl promote --yes --wait` in the background; the time to the first
    // accepted write is measured from the command's start.
    let started = Instant::now();
    let promote = env
        .command(&["promote", "acid-stby", "--yes", "--wait", "--timeout", "3m"])
        .spawn()
        .context("starting pgctl promote")?;
    wait_for("the promoted standby to accept a write", SQL, || async {
        Ok(sql(&standby_ip, "insert into ticks default values").is_ok())
    })
    .await?;
    eprintln!(
        "promotion: first write accepted {} ms after pgctl promote",
        started.elapsed().as_millis()
    );
    let out = tokio::task::spawn_blocking(move || promote.wait_with_output()).await??;
    let stdout = String::from_utf8_lossy(&out.stdout);
    ensure!(
        out.status.success() && stdout.contains("promoted"),
        "pgctl promote: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "pgctl promote --wait returned after {} ms",
        started.elapsed().as_millis()
    );

    // Every acknowledged row is there, plus the first write of the promoted cluster.
    ensure!(sql(&standby_ip, "select count(*) from ticks")? == (written + 1).to_string());
    ensure!(sql(&standby_ip, "select pg_is_in_recovery()")? == "f");
    let status = standby.status().await?;
    ensure!(
        condition(&status, "Standby").is_some_and(|c| c["reason"] == "Promoted"),
        "{status}"
    );
    // Its users log in with their Secrets (roles are provisioned once it takes writes).
    let app = data_plane::password(standby.client(), standby.ns(), "acid-stby", "app").await?;
    wait_for("app to log in to the promoted cluster", SQL, || async {
        Ok(psql(&standby_ip, "app", &app, "postgres", "select 1").is_ok_and(|o| o == "1"))
    })
    .await?;
    let listed = env.pgctl(&["list", "-o", "wide"]).expect_code(0)?;
    ensure!(
        listed
            .stdout
            .lines()
            .any(|l| l.starts_with("acid-stby") && l.contains(" primary ")),
        "{}",
        listed.stdout
    );
    // The source went on as it was.
    let (master_after, _, _) = source.topology(1).await?;
    ensure!(master_after == source_master);
    ensure!(sql(&source_ip, "select count(*) from ticks")? == written.to_string());
    Ok(())
}

/// The failures of a standby a user meets: a standby with credentials that are not its
/// source's (condition `Standby` False, `CredentialsMismatch`); a replication slot of the
/// source set on a running standby (`standby_primary_slot_name`, applied through Patroni's
/// configuration, without new pods); and a source that is deleted (condition `Standby` False,
/// an Event) while the standby leader keeps running: nothing crashes, the controller included.
#[tokio::test]
async fn a_standby_whose_source_goes_away_says_so() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("rpg", CONFIG).await?;
    // The source keeps a permanent physical slot for its standby (Patroni drops others).
    apply_one_instance(
        &env,
        "acid-gone",
        "  patroni: {slots: {dr_slot: {type: physical}}}\n",
    )?;
    let source = Cluster {
        env: &env,
        name: "acid-gone".to_string(),
    };
    let (_, source_ip, _) = source.topology(1).await?;
    let password = source.superuser().await?;
    // A standby whose Secrets the controller made: not the source's credentials.
    apply_one_instance(&env, "acid-wrong", "  standby: {standby_host: acid-gone}\n")?;
    let wrong = Cluster {
        env: &env,
        name: "acid-wrong".to_string(),
    };
    let message = wait_condition(&wrong, "Standby", &["CredentialsMismatch"]).await?;
    eprintln!("the standby with other credentials reports: {message}");
    env.pgctl(&["delete", "acid-wrong", "--yes"])
        .expect_code(0)?;
    env.pgctl(&[
        "create",
        "acid-left",
        "--standby-of",
        "acid-gone",
        "--instances",
        "1",
        "--size",
        "1Gi",
    ])
    .expect_code(0)?;
    let standby = Cluster {
        env: &env,
        name: "acid-left".to_string(),
    };
    let (leader, standby_ip, _) = standby.topology(1).await?;
    wait_condition(&standby, "Standby", &["Streaming"]).await?;
    let pods_before = data_plane::pods(standby.client(), standby.ns(), "acid-left").await?;

    // The slot, set on the running standby: it streams from it, and no pod is replaced.
    data_plane::kubectl_ok(&[
        "-n",
        standby.ns(),
        "patch",
        "postgresql",
        "acid-left",
        "--type=merge",
        "-p",
        r#"{"spec":{"standby":{"standby_primary_slot_name":"dr_slot"}}}"#,
    ])?;
    wait_for("the standby to stream from dr_slot", SQL, || async {
        let active = psql(
            &source_ip,
            "postgres",
            &password,
            "postgres",
            "select active from pg_replication_slots where slot_name = 'dr_slot'",
        )?;
        Ok(active == "t")
    })
    .await?;
    let pods_after = data_plane::pods(standby.client(), standby.ns(), "acid-left").await?;
    ensure!(
        pods_before
            .iter()
            .map(|p| p.metadata.uid.clone())
            .collect::<Vec<_>>()
            == pods_after
                .iter()
                .map(|p| p.metadata.uid.clone())
                .collect::<Vec<_>>(),
        "the slot change replaced pods"
    );

    env.pgctl(&["delete", "acid-gone", "--yes"])
        .expect_code(0)?;
    let message = wait_condition(
        &standby,
        "Standby",
        &["SourceNotFound", "SourceNotReady", "NotStreaming"],
    )
    .await?;
    eprintln!("the standby reports: {message}");
    ensure!(message.contains("acid-gone"), "{message}");
    wait_for("a warning Event about the source", SQL, || async {
        Ok(has_event(&standby, "SourceNotFound").await?
            || has_event(&standby, "SourceNotReady").await?)
    })
    .await?;
    let patroni = data_plane::patroni_get(&standby_ip, "/patroni").await?;
    ensure!(patroni["role"] == "standby_leader", "{leader}: {patroni}");
    let pods = data_plane::pods(standby.client(), standby.ns(), "acid-left").await?;
    ensure!(
        pods.iter().all(|p| restarts(p) == 0),
        "a standby pod restarted"
    );
    let log = std::fs::read_to_string(env.controller_log()).unwrap_or_default();
    ensure!(!log.contains("panicked"), "the controller panicked:\n{log}");
    Ok(())
}

/// A clone of a cluster that does not exist: condition `Cloned` False with reason
/// `SourceNotFound` and an Event, instead of pods that fail without a word.
#[tokio::test]
async fn a_clone_of_a_missing_source_says_so() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("rpm", CONFIG).await?;
    apply_one_instance(&env, "acid-orphan", "  clone: {cluster: acid-nowhere}\n")?;
    let clone = Cluster {
        env: &env,
        name: "acid-orphan".to_string(),
    };
    let message = wait_condition(&clone, "Cloned", &["SourceNotFound"]).await?;
    ensure!(message.contains("acid-nowhere"), "{message}");
    wait_for("a warning Event SourceNotFound", SQL, || async {
        has_event(&clone, "SourceNotFound").await
    })
    .await?;
    let status = clone.status().await?;
    ensure!(
        status["origin"]["state"] == "waiting for the source",
        "{status}"
    );
    Ok(())
}
