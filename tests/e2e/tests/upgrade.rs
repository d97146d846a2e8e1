//! In-place major version upgrades on real clusters: PostgreSQL 16 → 17 with the real
//! `pg_upgrade --link` in the master pod, Patroni 4 paused and resumed, replicas rebuilt; a
//! preflight that refuses an extension the new major lacks; a `pg_upgrade` killed before the
//! point of no return rolled back; mode `full` upgrading a cluster below the minimal major.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use kube::ResourceExt;
use kube::api::Api;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, pod_processes, psql};
use pgctl_e2e::db::{BOOT, Cluster, WriteLoop, apply_manifest};
use pgctl_e2e::object_store;
use pgctl_e2e::{wait_for, wait_until};
use serde_json::Value;

const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];
/// An upgrade of a small cluster, from the version bump to the replicas streaming.
const UPGRADE: Duration = Duration::from_secs(420);

fn skip() -> bool {
    data_plane::skip_without_real_pods()
}

async fn upgrade_status(cluster: &Cluster<'_>) -> Result<Value> {
    Ok(cluster.status().await?["upgrade"].clone())
}

/// Waits until `status.upgrade.phase` is `phase` (fails at once on another final phase).
async fn wait_phase(cluster: &Cluster<'_>, phase: &str) -> Result<Value> {
    wait_until(
        &format!("{} to reach upgrade phase {phase}", cluster.name),
        UPGRADE,
        || async {
            let upgrade = upgrade_status(cluster).await?;
            let now = upgrade["phase"].as_str().unwrap_or_default().to_string();
            if now == phase {
                return Ok(Some(upgrade));
            }
            if ["Succeeded", "Blocked", "RolledBack"].contains(&now.as_str()) {
                bail!("upgrade ended {now} instead of {phase}: {upgrade}");
            }
            Ok(None)
        },
    )
    .await
}

async fn condition(cluster: &Cluster<'_>, type_: &str) -> Result<Value> {
    let status = cluster.status().await?;
    Ok(status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == type_)
        .cloned()
        .unwrap_or(Value::Null))
}

fn major_of(version: &str) -> &str {
    version.split('.').next().unwrap_or_default()
}

/// `show server_version` on every instance, once all `instances` are ready.
async fn versions(cluster: &Cluster<'_>, instances: usize) -> Result<Vec<String>> {
    let (_, master, replicas) = cluster.topology(instances).await?;
    let password = cluster.superuser().await?;
    std::iter::once(master)
        .chain(replicas)
        .map(|ip| {
            psql(
                &ip,
                "postgres",
                &password,
                "postgres",
                "show server_version",
            )
        })
        .collect()
}

/// A 3-instance cluster on PostgreSQL 16 with rows, an extension and a user goes to 17 when
/// its manifest asks: every instance runs 17, rows, roles, passwords and the extension are
/// intact, the replicas stream from the master, and every write acknowledged during the
/// upgrade is there; the write downtime is measured and reported.
#[tokio::test]
async fn a_three_instance_cluster_goes_from_16_to_17_in_place() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("upg", CONFIG).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-upg".to_string(),
    };
    apply_manifest(
        &env,
        &cluster.name,
        "  numberOfInstances: 3\n  volume: {size: 1Gi}\n  postgresql: {version: \"16\"}\n  users:\n    app_owner: []\n  databases:\n    appdb: app_owner\n",
    )?;
    let (_, master, _) = cluster.topology(3).await?;
    let superuser = cluster.superuser().await?;
    let app = data_plane::password(&env.client, cluster.ns(), &cluster.name, "app_owner").await?;
    wait_for("app_owner to log in", BOOT, || async {
        Ok(psql(&master, "app_owner", &app, "appdb", "select 1").is_ok())
    })
    .await?;
    psql(
        &master,
        "postgres",
        &superuser,
        "appdb",
        "create extension pg_stat_statements; create table t (id bigint primary key, note text) ; \
         insert into t select g, md5(g::text) from generate_series(1, 20000) g; \
         alter table t owner to app_owner; create table w (id bigint primary key); alter table w owner to app_owner",
    )?;
    cluster.wait_streaming(&master, 2).await?;

    // Writes through whichever pod the master Endpoints name, all along.
    let writer = WriteLoop::start(&cluster, "app_owner", &app, "appdb", "w");

    let started = Instant::now();
    cluster.patch(r#"{"spec":{"postgresql":{"version":"17"}}}"#)?;
    let done = wait_phase(&cluster, "Succeeded").await?;
    let took = started.elapsed();
    let versions = versions(&cluster, 3).await?;
    ensure!(
        versions.iter().all(|v| major_of(v) == "17"),
        "versions after the upgrade: {versions:?}"
    );
    let (master_name, master, replicas) = cluster.topology(3).await?;
    cluster.wait_streaming(&master, 2).await?;
    let (acknowledged, gap) = writer.stop().await?;
    ensure!(!acknowledged.is_empty(), "no write succeeded");

    // Rows, the extension and the user's password, on the master and on each replica.
    let rows = psql(
        &master,
        "app_owner",
        &app,
        "appdb",
        "select count(*) from t",
    )?;
    ensure!(rows == "20000", "{rows} rows in t");
    let present: BTreeSet<u64> = psql(&master, "app_owner", &app, "appdb", "select id from w")?
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    let lost: Vec<&u64> = acknowledged
        .iter()
        .filter(|id| !present.contains(id))
        .collect();
    ensure!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    let extension = psql(
        &master,
        "postgres",
        &superuser,
        "appdb",
        "select extname from pg_extension where extname = 'pg_stat_statements'",
    )?;
    ensure!(
        extension == "pg_stat_statements",
        "extension: {extension:?}"
    );
    for replica in &replicas {
        wait_for(&format!("the rows on replica {replica}"), BOOT, || async {
            Ok(psql(
                replica,
                "app_owner",
                &app,
                "appdb",
                "select count(*) from t",
            )
            .is_ok_and(|n| n == "20000"))
        })
        .await?;
    }
    let status = cluster.status().await?;
    ensure!(
        status["majorVersion"] == 17,
        "status.majorVersion: {}",
        status["majorVersion"]
    );
    let condition = condition(&cluster, "MajorUpgrade").await?;
    ensure!(
        condition["status"] == "True" && condition["reason"] == "Upgraded",
        "condition: {condition}"
    );
    wait_for("the cluster to be Running", BOOT, || async {
        Ok(cluster.status().await?["PostgresClusterStatus"] == "Running")
    })
    .await?;
    let pods = data_plane::pods(&env.client, cluster.ns(), &cluster.name).await?;
    ensure!(
        pods.iter()
            .all(|p| !p.labels().contains_key("critical-operation")),
        "critical-operation labels left on the pods"
    );
    println!(
        "upgrade 16 → 17 of 3 instances: {:.1} s from the manifest change to Succeeded; longest gap between acknowledged writes {:.1} s; status.upgrade.downtimeSeconds {}; master {master_name}; {} writes acknowledged",
        took.as_secs_f64(),
        gap.as_secs_f64(),
        done["downtimeSeconds"],
        acknowledged.len()
    );
    Ok(())
}

/// The extension directory of the machine's PostgreSQL `major` build.
fn extension_dir(major: &str) -> Result<std::path::PathBuf> {
    let root = std::env::var_os("PGCTL_POSTGRES_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/opt/pgctl".into());
    let build = std::fs::read_dir(&root)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("postgresql-{major}.")))
        })
        .max()
        .with_context(|| format!("no PostgreSQL {major} under {}", root.display()))?;
    Ok(build.join("share/extension"))
}

/// A preflight that fails leaves the cluster on 16 and Running, the condition naming the
/// extension 17 lacks; once fixed, a `pg_upgrade` killed mid-way is rolled back to 16 with the
/// data intact, the phase named, and no further attempt until the failure annotation goes.
#[tokio::test]
async fn a_failing_preflight_refuses_and_a_killed_pg_upgrade_rolls_back() -> Result<()> {
    if skip() {
        return Ok(());
    }
    // A SQL-only extension installed for PostgreSQL 16 only.
    let dir = extension_dir("16")?;
    std::fs::write(
        dir.join("pgctl_only16.control"),
        "comment = 'pgctl test: exists for 16 only'\ndefault_version = '1.0'\nrelocatable = true\n",
    )?;
    std::fs::write(
        dir.join("pgctl_only16--1.0.sql"),
        "create function pgctl_only16() returns int language sql as 'select 16';\n",
    )?;
    let env = CliEnv::start_real("upgfail", CONFIG).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-upgfail".to_string(),
    };
    apply_manifest(
        &env,
        &cluster.name,
        "  numberOfInstances: 1\n  volume: {size: 1Gi}\n  postgresql: {version: \"16\"}\n",
    )?;
    let (pod, master, _) = cluster.topology(1).await?;
    let superuser = cluster.superuser().await?;
    // Some schema, so that pg_upgrade runs long enough to be caught.
    let mut ddl = String::from("create extension pgctl_only16;");
    for i in 0..300 {
        ddl.push_str(&format!(
            "create table t{i} (id int primary key, a text, b int unique); insert into t{i} values (1, 'x', 1);"
        ));
    }
    psql(&master, "postgres", &superuser, "postgres", &ddl)?;

    cluster.patch(r#"{"spec":{"postgresql":{"version":"17"}}}"#)?;
    let blocked = wait_phase(&cluster, "Blocked").await?;
    let condition_now = condition(&cluster, "MajorUpgrade").await?;
    ensure!(
        condition_now["status"] == "False"
            && condition_now["reason"] == "PreflightFailed"
            && condition_now["message"]
                .as_str()
                .is_some_and(|m| m.contains("pgctl_only16")),
        "condition: {condition_now}; status.upgrade: {blocked}"
    );
    let (_, master, _) = cluster.topology(1).await?;
    let version = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "show server_version",
    )?;
    ensure!(major_of(&version) == "16", "after the refusal: {version}");
    ensure!(
        cluster.status().await?["PostgresClusterStatus"] == "Running",
        "not Running after the refusal"
    );
    // `pgctl upgrade --check` shows the same failed check.
    let check = env
        .pgctl(&["upgrade", &cluster.name, "--to", "17", "--check"])
        .expect_code(1)?;
    ensure!(
        check.stdout.contains("extensions") && check.stdout.contains("pgctl_only16"),
        "upgrade --check: {}",
        check.stdout
    );

    // Fixed, and the manifest changed: a new attempt, whose pg_upgrade is killed.
    psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "drop extension pgctl_only16",
    )?;
    cluster.patch(r#"{"spec":{"maintenanceWindows":["00:00-23:59"]}}"#)?;
    let killed = wait_until("pg_upgrade to run in the master pod", UPGRADE, || async {
        let found = pod_processes(cluster.ns(), &pod).into_iter().find(|p| {
            p.cmdline.contains("pg_upgrade")
                && p.cmdline.contains("--link")
                && !p.cmdline.contains("--check")
        });
        if let Some(p) = &found {
            kill(Pid::from_raw(p.pid), Signal::SIGKILL)?;
        }
        Ok(found)
    })
    .await?;
    println!("killed {} ({})", killed.pid, killed.cmdline);
    let rolled_back = wait_phase(&cluster, "RolledBack").await?;
    ensure!(
        rolled_back["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("pg_upgrade")),
        "the failed phase is not named: {rolled_back}"
    );
    let (_, master, _) = cluster.topology(1).await?;
    let version = wait_until("the master to answer again", BOOT, || async {
        Ok(psql(
            &master,
            "postgres",
            &superuser,
            "postgres",
            "show server_version",
        )
        .ok())
    })
    .await?;
    ensure!(major_of(&version) == "16", "after the rollback: {version}");
    let rows = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "select count(*) from t299",
    )?;
    ensure!(rows == "1", "t299 holds {rows} rows");
    let pg: Api<pgctl_shared::crd::Postgresql> = Api::namespaced(env.client.clone(), cluster.ns());
    ensure!(
        pg.get(&cluster.name)
            .await?
            .metadata
            .annotations
            .unwrap_or_default()
            .contains_key("last-major-upgrade-failure"),
        "no failure annotation"
    );
    wait_for("the cluster to be Running on 16", BOOT, || async {
        let status = cluster.status().await?;
        Ok(status["PostgresClusterStatus"] == "Running"
            && condition(&cluster, "MajorUpgrade").await?["reason"] == "PreviousUpgradeFailed")
    })
    .await?;
    Ok(())
}

/// `major_version_upgrade_mode: full` with `minimal_major_version: 17`, set in the running
/// controller's ConfigMap: a cluster whose manifest says 16 gets `PGVERSION` 17, is rolled and
/// upgraded in place, while its manifest keeps saying 16.
#[tokio::test]
async fn mode_full_upgrades_a_cluster_below_the_minimal_major() -> Result<()> {
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::api::{Patch, PatchParams};

    if skip() {
        return Ok(());
    }
    // The cluster archives to the local store: an upgrade changes the archive's path
    // (wal/16 to wal/17), which `pgctl backup list` shows and `pgctl restore` follows.
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .chain(object_store::ARCHIVING)
        .copied()
        .collect();
    let env = CliEnv::start_real("upgfull", &config).await?;
    object_store::object_store(&env).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-upgfull".to_string(),
    };
    apply_manifest(
        &env,
        &cluster.name,
        "  numberOfInstances: 1\n  volume: {size: 1Gi}\n  postgresql: {version: \"16\"}\n",
    )?;
    let (_, master, _) = cluster.topology(1).await?;
    let superuser = cluster.superuser().await?;
    psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "create table kept as select 42 as answer",
    )?;
    // A base backup and a moment in 16's archive, with a later commit archived after it.
    env.pgctl(&["backup", &cluster.name]).expect_code(0)?;
    object_store::archive_now(&master, &superuser).await?;
    let on_16 = object_store::now(&master, &superuser)?;
    psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "create table later as select 1 as x",
    )?;
    object_store::archive_now(&master, &superuser).await?;
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), env.controller_namespace.name());
    cms.patch(
        "postgres-operator",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"data": {
            "major_version_upgrade_mode": "full",
            "minimal_major_version": "17",
            "target_major_version": "17",
        }})),
    )
    .await?;
    let done = wait_phase(&cluster, "Succeeded").await?;
    ensure!(
        done["from"] == 16 && done["to"] == 17,
        "status.upgrade: {done}"
    );
    let (_, master, _) = cluster.topology(1).await?;
    let version = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "show server_version",
    )?;
    ensure!(major_of(&version) == "17", "after mode full: {version}");
    let kept = psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "select answer from kept",
    )?;
    ensure!(kept == "42", "kept: {kept}");
    let pg: Api<pgctl_shared::crd::Postgresql> = Api::namespaced(env.client.clone(), cluster.ns());
    let spec_version = pg.get(&cluster.name).await?.spec.postgresql.version;
    ensure!(
        spec_version == "16",
        "the manifest was changed: {spec_version}"
    );

    // 17 archives to a new path: a base backup and a moment there too.
    env.pgctl(&["backup", &cluster.name]).expect_code(0)?;
    object_store::archive_now(&master, &superuser).await?;
    let on_17 = object_store::now(&master, &superuser)?;
    psql(
        &master,
        "postgres",
        &superuser,
        "postgres",
        "create table latest as select 1 as x",
    )?;
    object_store::archive_now(&master, &superuser).await?;
    let endpoint = object_store::host_endpoint()?;
    let listed = env
        .pgctl(&[
            "backup",
            "list",
            &cluster.name,
            "--endpoint",
            &endpoint,
            "-o",
            "json",
        ])
        .expect_code(0)?
        .stdout;
    let catalog: Value = serde_json::from_str(&listed).context("backup list -o json")?;
    let majors: Vec<&str> = catalog["archives"]
        .as_array()
        .context("archives")?
        .iter()
        .filter(|a| a["windows"].as_array().is_some_and(|w| !w.is_empty()))
        .filter_map(|a| a["major"].as_str())
        .collect();
    ensure!(
        majors == ["16", "17"],
        "restorable archives {majors:?}: {listed}"
    );
    let table = env
        .pgctl(&["backup", "list", &cluster.name, "--endpoint", &endpoint])
        .expect_code(0)?
        .stdout;
    ensure!(
        table.contains("A major upgrade starts a new archive"),
        "{table}"
    );
    // A restore to each moment runs the major whose archive holds it (the manifest still says 16).
    for (time, major) in [(&on_16, "16"), (&on_17, "17")] {
        let manifest = env
            .pgctl(&[
                "restore",
                "acid-upgfull-pitr",
                "--from",
                &cluster.name,
                "--time",
                time,
                "--endpoint",
                &endpoint,
                "--dry-run=client",
                "-o",
                "yaml",
            ])
            .expect_code(0)?
            .stdout;
        ensure!(
            manifest.contains(&format!("version: '{major}'"))
                || manifest.contains(&format!("version: \"{major}\"")),
            "a restore to {time} must run {major}:\n{manifest}"
        );
    }
    Ok(())
}

/// Waits until `status.upgrade.phase` is one of `phases`; returns it.
async fn wait_any_phase(cluster: &Cluster<'_>, phases: &[&str]) -> Result<String> {
    wait_until(
        &format!("{} to reach one of {phases:?}", cluster.name),
        UPGRADE,
        || async {
            let upgrade = upgrade_status(cluster).await?;
            let now = upgrade["phase"].as_str().unwrap_or_default().to_string();
            if phases.contains(&now.as_str()) {
                return Ok(Some(now));
            }
            if ["Succeeded", "Blocked", "RolledBack"].contains(&now.as_str()) {
                bail!("upgrade ended {now}: {upgrade}");
            }
            Ok(None)
        },
    )
    .await
}

/// The controller killed while `pg_upgrade` runs and again after the point of no return: each
/// new controller carries on from the recorded phase, so `pg_upgrade` ran once, the switch
/// happened once, and the cluster ends on 17 with its rows.
#[tokio::test]
async fn a_controller_killed_mid_upgrade_carries_on_from_its_phase() -> Result<()> {
    use k8s_openapi::api::core::v1::Event;

    if skip() {
        return Ok(());
    }
    let mut env = CliEnv::start_real("upgkill", CONFIG).await?;
    let name = "acid-upgkill";
    apply_manifest(
        &env,
        name,
        "  numberOfInstances: 2\n  volume: {size: 1Gi}\n  postgresql: {version: \"16\"}\n",
    )?;
    let superuser = {
        let cluster = Cluster {
            env: &env,
            name: name.to_string(),
        };
        let (_, master, _) = cluster.topology(2).await?;
        let superuser = cluster.superuser().await?;
        psql(
            &master,
            "postgres",
            &superuser,
            "postgres",
            "create table kept as select generate_series(1, 1000) as n",
        )?;
        cluster.wait_streaming(&master, 1).await?;
        cluster.patch(r#"{"spec":{"postgresql":{"version":"17"}}}"#)?;
        superuser
    };
    let first = wait_any_phase(
        &Cluster {
            env: &env,
            name: name.to_string(),
        },
        &["Upgrading", "Restarting"],
    )
    .await?;
    env.kill_controller();
    env.restart_controller().await?;
    let second = wait_any_phase(
        &Cluster {
            env: &env,
            name: name.to_string(),
        },
        &["Restarting", "Rebuilding"],
    )
    .await?;
    env.kill_controller();
    env.restart_controller().await?;
    let cluster = Cluster {
        env: &env,
        name: name.to_string(),
    };
    wait_phase(&cluster, "Succeeded").await?;
    println!("controller killed in phase {first}, then in phase {second}");
    for version in versions(&cluster, 2).await? {
        ensure!(major_of(&version) == "17", "an instance runs {version}");
    }
    let (_, master, replicas) = cluster.topology(2).await?;
    for ip in std::iter::once(&master).chain(&replicas) {
        wait_for(&format!("the rows on {ip}"), BOOT, || async {
            Ok(psql(
                ip,
                "postgres",
                &superuser,
                "postgres",
                "select count(*) from kept",
            )
            .is_ok_and(|n| n == "1000"))
        })
        .await?;
    }
    let events: Api<Event> = Api::namespaced(env.client.clone(), cluster.ns());
    // The recorder folds Events of one reason into one object with a count.
    let list = events.list(&Default::default()).await?.items;
    let count = |reason: &str| -> i32 {
        list.iter()
            .filter(|e| e.reason.as_deref() == Some(reason))
            .map(|e| {
                e.series
                    .as_ref()
                    .and_then(|s| s.count)
                    .or(e.count)
                    .unwrap_or(1)
            })
            .sum()
    };
    ensure!(
        count("UpgradeStarted") == 1,
        "pg_upgrade started {} times",
        count("UpgradeStarted")
    );
    ensure!(
        count("UpgradeSwitched") == 1,
        "switched {} times",
        count("UpgradeSwitched")
    );
    Ok(())
}
