//! Backups to a real object store (the local cluster's versitygw, Service `s3.object-store`):
//! continuous WAL archiving and base backups configured the reference's way (`wal_s3_bucket`,
//! endpoint and credentials through `pod_environment_configmap` / `pod_environment_secret`),
//! and point-in-time restores with `spec.clone.timestamp`, run by the pods with Barman's cloud
//! tools where a Spilo image runs WAL-G (docs/backups.md).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, kubectl_ok, psql};
use pgctl_e2e::db::{BOOT, Cluster, apply_one_instance};
use pgctl_e2e::object_store::{
    BUCKET, ENV_CONFIGMAP, ENV_SECRET, archive_now, host_endpoint, now, object_store,
};
use pgctl_e2e::{is_harness, wait_for, wait_until};
use serde_json::Value;
use tokio::sync::RwLock;

/// Held for reading by tests that need the object store, for writing by the one that stops it.
static STORE: RwLock<()> = RwLock::const_new(());

/// A short resync: the archive's health is read at each sync, and the failure test waits for it.
const CONFIG: &[(&str, &str)] = &[
    ("resync_period", "15s"),
    ("repair_period", "10s"),
    ("wal_s3_bucket", BUCKET),
    ("pod_environment_secret", ENV_SECRET),
    ("pod_environment_configmap", ENV_CONFIGMAP),
];

fn skip() -> bool {
    data_plane::skip_without_real_pods()
}

fn batch(ip: &str, password: &str, n: u32) -> Result<()> {
    psql(
        ip,
        "postgres",
        password,
        "postgres",
        &format!("insert into t select {n}, g from generate_series(1, 1000) g"),
    )?;
    Ok(())
}

/// A one-instance cluster `name` that archives, with table `t` holding batch 1 in an archived
/// segment: the cluster, its master pod, the master's address and the superuser's password.
async fn archiving_cluster<'e>(
    env: &'e CliEnv,
    name: &str,
) -> Result<(Cluster<'e>, String, String, String)> {
    let cluster = Cluster {
        env,
        name: name.to_string(),
    };
    apply_one_instance(env, name, "")?;
    let (pod, master, _) = cluster.topology(1).await?;
    let password = cluster.superuser().await?;
    psql(
        &master,
        "postgres",
        &password,
        "postgres",
        "create table t (batch int, id int)",
    )?;
    batch(&master, &password, 1)?;
    archive_now(&master, &password).await?;
    Ok((cluster, pod, master, password))
}

/// A base backup now, as an operator's `kubectl exec` (or Spilo's crontab) takes one.
fn take_base_backup(namespace: &str, pod: &str) -> Result<()> {
    kubectl_ok(&[
        "exec",
        "-n",
        namespace,
        pod,
        "-c",
        "postgres",
        "--",
        "su",
        "postgres",
        "-c",
        "/scripts/postgres_backup.sh /home/postgres/pgdata/pgroot/data",
    ])?;
    Ok(())
}

/// The resource's uid (the scope suffix of its archive).
fn uid(cluster: &Cluster<'_>) -> Result<String> {
    kubectl_ok(&[
        "get",
        "postgresql",
        "-n",
        cluster.ns(),
        &cluster.name,
        "-o",
        "jsonpath={.metadata.uid}",
    ])
}

/// `batch, count(*)` of table `t`, one line per batch.
async fn batches(cluster: &Cluster<'_>) -> Result<String> {
    let (_, master, _) = cluster.topology(1).await?;
    let password = cluster.superuser().await?;
    psql(
        &master,
        "postgres",
        &password,
        "postgres",
        "select string_agg(batch || ':' || n, ',' order by batch) from (select batch, count(*) n from t group by batch) b",
    )
}

/// Three batches of rows with a recorded time between the second and the third, a base backup
/// after the first; a clone restored to that time has batches 1 and 2 exactly. Then the source
/// is deleted, and a restore to a time between batches 3 and 4 still works from the bucket
/// alone.
#[tokio::test]
async fn a_point_in_time_restore_has_exactly_the_rows_before_the_time() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let _store = STORE.read().await;
    let env = CliEnv::start_real("pitr", CONFIG).await?;
    object_store(&env).await?;
    let (source, master_pod, master, password) = archiving_cluster(&env, "acid-src").await?;
    // Before any base backup: no restore can reach it.
    let before_backup = now(&master, &password)?;
    // A base backup now, with pgctl (Spilo's script in the master pod).
    let taken = env.pgctl(&["backup", &source.name]).expect_code(0)?;
    ensure!(
        taken.stdout.contains("base backup taken") && taken.stdout.contains(&master_pod),
        "{}",
        taken.all()
    );
    batch(&master, &password, 2)?;
    archive_now(&master, &password).await?;
    let between = now(&master, &password)?;
    batch(&master, &password, 3)?;
    archive_now(&master, &password).await?;
    let after = now(&master, &password)?;
    // Recovery to a time stops at the first commit after it: without one in the archive it
    // ends before its target, and PostgreSQL refuses to open (as for a time past the window).
    batch(&master, &password, 4)?;
    archive_now(&master, &password).await?;

    let uid = uid(&source)?;
    let restored = Cluster {
        env: &env,
        name: "acid-pitr".to_string(),
    };
    // Patroni labels a pod from one loop to the next while it bootstraps: a loop of 1 s sees
    // the restore running.
    let critical = data_plane::pods_seen_critical(restored.client(), restored.ns(), &restored.name);
    apply_one_instance(
        &env,
        &restored.name,
        &format!(
            "  clone:\n    cluster: {}\n    uid: {uid}\n    timestamp: \"{between}\"\n  patroni:\n    loop_wait: 1\n",
            source.name
        ),
    )?;
    let rows = batches(&restored).await?;
    // Patroni labelled the pod while it restored (KUBERNETES_BOOTSTRAP_LABELS), so that the
    // critical-operation PodDisruptionBudget covered it, and took the label off afterwards.
    let first = format!("{}-0", restored.name);
    let seen = critical.lock().unwrap_or_else(|e| e.into_inner()).clone();
    ensure!(
        seen.contains(&first),
        "{first} was never seen with critical-operation=true while it restored"
    );
    let labels = kube::Api::<k8s_openapi::api::core::v1::Pod>::namespaced(
        restored.client().clone(),
        restored.ns(),
    )
    .get(&first)
    .await?
    .metadata
    .labels
    .unwrap_or_default();
    ensure!(
        !labels.contains_key("critical-operation"),
        "{first} still carries the critical-operation label"
    );
    ensure!(
        rows == "1:1000,2:1000",
        "restored to {between}: batches {rows}, expected 1 and 2 only"
    );

    // The source gone, its archive is all there is.
    env.pgctl(&["delete", &source.name, "--yes"])
        .expect_code(0)?;
    let late = Cluster {
        env: &env,
        name: "acid-late".to_string(),
    };
    // With `pgctl restore`: the source is gone, so its uid and major are named.
    let refused = env
        .pgctl(&[
            "restore",
            &late.name,
            "--from",
            &source.name,
            "--time",
            &after,
            "--team",
            "acid",
        ])
        .expect_code(2)?;
    ensure!(refused.stderr.contains("--uid"), "{}", refused.all());
    let future = env
        .pgctl(&[
            "restore",
            &late.name,
            "--from",
            &source.name,
            "--time",
            "2099-01-01T00:00:00Z",
        ])
        .expect_code(2)?;
    ensure!(future.stderr.contains("future"), "{}", future.all());
    let taken = env
        .pgctl(&[
            "restore",
            &restored.name,
            "--from",
            &source.name,
            "--time",
            &after,
            "--uid",
            &uid,
        ])
        .expect_code(2)?;
    ensure!(taken.stderr.contains("already exists"), "{}", taken.all());
    // The archive as pgctl lists it, from this machine (the pods' endpoint is in-cluster).
    let endpoint = host_endpoint()?;
    let listed = env
        .pgctl(&[
            "backup",
            "list",
            &source.name,
            "--uid",
            &uid,
            "--endpoint",
            &endpoint,
            "-o",
            "json",
        ])
        .expect_code(0)?
        .stdout;
    let catalog: Value = serde_json::from_str(&listed).context("backup list -o json")?;
    let archives = catalog["archives"].as_array().context("archives")?;
    ensure!(archives.len() == 1, "one archive expected: {listed}");
    let archive = &archives[0];
    ensure!(
        archive["major"] == "17" && archive["prefix"].as_str().is_some_and(|p| p.contains(&uid)),
        "{listed}"
    );
    let restorable: Vec<&Value> = archive["backups"]
        .as_array()
        .context("backups")?
        .iter()
        .filter(|b| b["restorable"] == true)
        .collect();
    ensure!(
        restorable.len() == 1,
        "one restorable base backup: {listed}"
    );
    let window = &archive["windows"][0];
    let moment = |t: &str| t.parse::<k8s_openapi::jiff::Timestamp>();
    let (start, end) = (
        moment(window["start"].as_str().context("window start")?)?,
        moment(window["end"].as_str().context("window end")?)?,
    );
    ensure!(
        start > moment(&before_backup)? && start <= moment(&between)? && end >= moment(&after)?,
        "the window {start}..{end} must hold {between} and {after}, not {before_backup}"
    );
    let table = env
        .pgctl(&[
            "backup",
            "list",
            &source.name,
            "--uid",
            &uid,
            "--endpoint",
            &endpoint,
        ])
        .expect_code(0)?
        .stdout;
    ensure!(
        table.contains("restorable:") && table.contains("BACKUP"),
        "{table}"
    );
    // A time before the first base backup is refused, naming the window's start.
    let early = env
        .pgctl(&[
            "restore",
            &late.name,
            "--from",
            &source.name,
            "--uid",
            &uid,
            "--time",
            &before_backup,
            "--team",
            "acid",
            "--endpoint",
            &endpoint,
        ])
        .expect_code(2)?;
    ensure!(
        early.stderr.contains("before the earliest moment"),
        "{}",
        early.all()
    );
    // No --pg-version: the archive that holds the time says the major.
    let restore = [
        "restore",
        &late.name,
        "--from",
        &source.name,
        "--uid",
        &uid,
        "--time",
        &after,
        "--team",
        "acid",
        "--endpoint",
        &endpoint,
        "--instances",
        "1",
        "--size",
        "1Gi",
    ];
    let manifest = env
        .pgctl(&[&restore[..], &["--dry-run=client", "-o", "yaml"]].concat())
        .expect_code(0)?
        .stdout;
    // The time, in UTC with an explicit offset (written shorter, the same moment).
    let written = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("timestamp:"))
        .map(|t| t.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
        .with_context(|| format!("no timestamp in the manifest:\n{manifest}"))?;
    ensure!(
        written.ends_with("+00:00") && moment(&written)? == moment(&after)?,
        "the manifest restores to {written}, not {after}"
    );
    ensure!(
        manifest.contains("version: '17'") || manifest.contains("version: \"17\""),
        "the manifest's major is not the archive's 17:\n{manifest}"
    );
    env.pgctl(&[&restore[..], &["--wait", "--timeout", "5m"]].concat())
        .expect_code(0)?;
    let rows = batches(&late).await?;
    ensure!(
        rows == "1:1000,2:1000,3:1000",
        "restored after the source's deletion to {after}: batches {rows}"
    );
    Ok(())
}

/// Whether a test that needs the harness's own object store (its directory, its process) is
/// skipped: without real pods, or against another cluster; an error under `CI=true`.
fn skip_without_the_store(what: &str) -> Result<bool> {
    if skip() {
        return Ok(true);
    }
    if !is_harness() {
        ensure!(
            std::env::var("CI").is_err(),
            "{what} needs the local test cluster (tests/cluster)"
        );
        return Ok(true);
    }
    Ok(false)
}

/// The local cluster's state directory (where `tests/cluster/up` keeps the object store).
fn cluster_dir() -> Result<PathBuf> {
    let kubeconfig = std::env::var_os(pgctl_e2e::KUBECONFIG_ENV)
        .map(PathBuf::from)
        .context("PGCTL_E2E_KUBECONFIG")?;
    Ok(kubeconfig
        .parent()
        .context("the kubeconfig's directory")?
        .to_path_buf())
}

async fn backups_condition(cluster: &Cluster<'_>) -> Result<Value> {
    let status = cluster.status().await?;
    Ok(status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "BackupsHealthy")
        .cloned()
        .unwrap_or(Value::Null))
}

async fn wait_backups(cluster: &Cluster<'_>, status: &str, within: Duration) -> Result<Value> {
    wait_until(
        &format!(
            "condition BackupsHealthy of {} to be {status}",
            cluster.name
        ),
        within,
        || async {
            let c = backups_condition(cluster).await?;
            Ok((c["status"] == status).then_some(c))
        },
    )
    .await
}

/// The WAL segments of timeline 1 in the cluster's archive, as numbers (`log * 256 + seg`).
fn archived_segments(bucket_dir: &std::path::Path) -> Result<BTreeSet<u64>> {
    let mut out = BTreeSet::new();
    for dir in std::fs::read_dir(bucket_dir)? {
        let dir = dir?.path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir)? {
            let name = file?.file_name().to_string_lossy().to_string();
            let name = name.trim_end_matches(".gz");
            if name.len() == 24 && name.starts_with("00000001") {
                let log = u64::from_str_radix(&name[8..16], 16)?;
                let seg = u64::from_str_radix(&name[16..24], 16)?;
                out.insert(log * 256 + seg);
            }
        }
    }
    Ok(out)
}

/// The archiver's health in status: `BackupsHealthy` is True while WAL reaches the store,
/// turns False (reason ArchiveFailing) once the store is gone and a segment fails, and True
/// again after the store returns, with no segment missing from the bucket.
#[tokio::test]
async fn a_failing_archive_is_visible_and_recovers_without_a_gap() -> Result<()> {
    // Stopping the store is possible only on the harness's own cluster.
    if skip_without_the_store("the archive failure test")? {
        return Ok(());
    }
    let _store = STORE.write().await;
    let env = CliEnv::start_real("arch", CONFIG).await?;
    object_store(&env).await?;
    let (cluster, _, master, password) = archiving_cluster(&env, "acid-arch").await?;
    let healthy = wait_backups(&cluster, "True", BOOT).await?;
    println!("healthy: {healthy}");

    // The store goes away: the next segment cannot be archived.
    let dir = cluster_dir()?;
    let pid: i32 = std::fs::read_to_string(dir.join("run/versitygw.pid"))?
        .trim()
        .parse()?;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )?;
    let restart = || -> Result<()> {
        let out = std::process::Command::new(pgctl_e2e::workspace_root().join("tests/cluster/up"))
            .output()?;
        ensure!(
            out.status.success(),
            "tests/cluster/up: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    };
    let result = async {
        batch(&master, &password, 2)?;
        psql(
            &master,
            "postgres",
            &password,
            "postgres",
            "select pg_switch_wal()",
        )?;
        let failing = wait_backups(&cluster, "False", Duration::from_secs(180)).await?;
        ensure!(
            failing["reason"] == "ArchiveFailing",
            "condition while the store is gone: {failing}"
        );
        println!("failing: {failing}");
        Ok(())
    }
    .await;
    // The store comes back whatever happened.
    restart()?;
    result?;
    batch(&master, &password, 3)?;
    archive_now(&master, &password).await?;
    let back = wait_backups(&cluster, "True", Duration::from_secs(180)).await?;
    println!("recovered: {back}");

    let uid = uid(&cluster)?;
    let wals = dir.join(format!(
        "s3/data/{BUCKET}/spilo/{}/{uid}/wal/17/wals",
        cluster.name
    ));
    let segments = archived_segments(&wals)?;
    let (first, last) = (
        segments.first().copied().unwrap_or_default(),
        segments.last().copied().unwrap_or_default(),
    );
    let missing: Vec<u64> = (first..=last).filter(|s| !segments.contains(s)).collect();
    ensure!(
        missing.is_empty() && segments.len() >= 3,
        "segments in the archive: {segments:?}, missing {missing:?}"
    );
    Ok(())
}

/// The complete base backups (with their `backup.info`) in the archive directory `base`.
fn complete_backups(base: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(base)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("backup.info").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// Spilo's schedule: with `BACKUP_SCHEDULE` every minute and `BACKUP_NUM_TO_RETAIN` 1 (from
/// `spec.env`), a base backup taken by hand is followed within a minute by one the schedule
/// takes, which deletes it.
#[tokio::test]
async fn scheduled_base_backups_are_taken_and_pruned_to_the_retention() -> Result<()> {
    // The bucket is read as the store's directory, which only the harness's cluster has.
    if skip_without_the_store("the backup schedule test")? {
        return Ok(());
    }
    let _store = STORE.read().await;
    let env = CliEnv::start_real("sched", CONFIG).await?;
    object_store(&env).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-sched".to_string(),
    };
    apply_one_instance(
        &env,
        &cluster.name,
        "  env:\n  - {name: BACKUP_SCHEDULE, value: \"* * * * *\"}\n  - {name: BACKUP_NUM_TO_RETAIN, value: \"1\"}\n",
    )?;
    let (pod, _, _) = cluster.topology(1).await?;
    let base = cluster_dir()?.join(format!(
        "s3/data/{BUCKET}/spilo/{}/{}/wal/17/base",
        cluster.name,
        uid(&cluster)?
    ));
    // One backup by hand (the schedule may have taken one already)...
    take_base_backup(cluster.ns(), &pod)?;
    let by_hand = complete_backups(&base);
    ensure!(!by_hand.is_empty(), "no base backup in {}", base.display());
    // ...then the schedule's next one (within a minute) replaces it.
    let kept = wait_until(
        "a scheduled base backup after the one by hand, and only it kept",
        Duration::from_secs(150),
        || {
            let now = complete_backups(&base);
            let done = now.len() == 1 && now.is_disjoint(&by_hand);
            async move { Ok(done.then_some(now)) }
        },
    )
    .await?;
    println!("base backups: {by_hand:?} by hand, then {kept:?} by the schedule");
    // The condition knows the last base backup (its history file in the master's pg_wal).
    let condition = wait_until(
        "BackupsHealthy to name the last base backup",
        Duration::from_secs(60),
        || async {
            let c = backups_condition(&cluster).await?;
            let named = c["status"] == "True"
                && c["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("last base backup ended at"));
            Ok(named.then_some(c))
        },
    )
    .await?;
    println!("{}", condition["message"]);
    Ok(())
}

/// A standby cluster that replays another's archive (`spec.standby.s3_wal_path`): made from the
/// source's base backup, it shows what the source archives later, and once promoted it takes
/// writes.
#[tokio::test]
async fn a_standby_replays_the_archive_and_is_promoted() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let _store = STORE.read().await;
    let env = CliEnv::start_real("wstb", CONFIG).await?;
    object_store(&env).await?;
    let (source, _, master, password) = archiving_cluster(&env, "acid-wsrc").await?;
    env.pgctl(&["backup", &source.name]).expect_code(0)?;
    let path = format!(
        "s3://{BUCKET}/spilo/{}/{}/wal/17",
        source.name,
        uid(&source)?
    );
    let standby = Cluster {
        env: &env,
        name: "acid-wstb".to_string(),
    };
    apply_one_instance(
        &env,
        &standby.name,
        &format!("  standby:\n    s3_wal_path: \"{path}\"\n"),
    )?;
    let (_, standby_ip, _) = standby.topology(1).await?;
    // The data are the source's, its passwords too.
    let count = |batch: u32| {
        psql(
            &standby_ip,
            "postgres",
            &password,
            "postgres",
            &format!("select count(*) from t where batch = {batch}"),
        )
    };
    wait_for("the standby to hold batch 1", BOOT, || async {
        Ok(count(1).is_ok_and(|n| n == "1000"))
    })
    .await?;
    batch(&master, &password, 2)?;
    archive_now(&master, &password).await?;
    wait_for(
        "the standby to replay batch 2 from the archive",
        BOOT,
        || async { Ok(count(2).is_ok_and(|n| n == "1000")) },
    )
    .await?;
    env.pgctl(&[
        "promote",
        &standby.name,
        "--yes",
        "--wait",
        "--timeout",
        "3m",
    ])
    .expect_code(0)?;
    wait_for("the promoted standby to take a write", BOOT, || async {
        let (_, ip, _) = standby.topology(1).await?;
        Ok(psql(
            &ip,
            "postgres",
            &password,
            "postgres",
            "insert into t values (9, 1)",
        )
        .is_ok())
    })
    .await?;
    Ok(())
}

/// `enableLogicalBackup` makes the reference's CronJob; `pgctl backup --logical` runs its Job,
/// whose pod (the logical backup image's contract, run by the pod runner) dumps the cluster
/// with `pg_dumpall` into the real bucket; `psql` loads that dump into a fresh cluster, which
/// then has the same rows. Turning the feature off deletes the CronJob.
#[tokio::test]
async fn a_logical_backup_loads_into_a_fresh_cluster() -> Result<()> {
    if skip_without_the_store("the logical backup test")? {
        return Ok(());
    }
    let _store = STORE.read().await;
    // The pods' address of the store.
    let endpoint = pgctl_e2e::object_store::setting("AWS_ENDPOINT")?;
    let mut config: Vec<(&str, &str)> = CONFIG.to_vec();
    config.extend([
        ("logical_backup_s3_bucket", BUCKET),
        ("logical_backup_s3_endpoint", endpoint.as_str()),
        ("logical_backup_cronjob_environment_secret", ENV_SECRET),
    ]);
    let env = CliEnv::start_real("logical", &config).await?;
    store_failures_are_named_without_credentials(&env)?;
    object_store(&env).await?;
    let source = Cluster {
        env: &env,
        name: "acid-dumped".to_string(),
    };
    apply_one_instance(&env, &source.name, "  enableLogicalBackup: true\n")?;
    let (_, master, _) = source.topology(1).await?;
    let password = source.superuser().await?;
    psql(
        &master,
        "postgres",
        &password,
        "postgres",
        "create database shop",
    )?;
    psql(
        &master,
        "postgres",
        &password,
        "shop",
        "create table items (id int primary key, name text); \
         insert into items select i, 'item ' || i from generate_series(1, 2500) i",
    )?;

    // The CronJob, as the reference names and schedules it.
    let cron_job = format!("logical-backup-{}", source.name);
    let schedule = wait_for_value(&format!("CronJob {cron_job}"), || {
        kubectl_ok(&[
            "get",
            "cronjob",
            "-n",
            source.ns(),
            &cron_job,
            "-o",
            "jsonpath={.spec.schedule}",
        ])
    })
    .await?;
    ensure!(schedule == "30 00 * * *", "CronJob schedule {schedule:?}");

    let taken = env
        .pgctl(&["backup", &source.name, "--logical", "--timeout", "5m"])
        .expect_code(0)?
        .stdout;
    println!("{taken}");
    let dumps = cluster_dir()?.join(format!(
        "s3/data/{BUCKET}/spilo/{}/{}/logical_backups",
        source.name,
        uid(&source)?
    ));
    let dump = std::fs::read_dir(&dumps)
        .with_context(|| format!("the dumps in {}", dumps.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".sql.gz"))
        .with_context(|| format!("no .sql.gz in {}", dumps.display()))?;
    ensure!(
        taken.contains(
            &dump
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string()
        ),
        "pgctl names another dump than {}: {taken}",
        dump.display()
    );

    // A fresh cluster, and the dump loaded with psql.
    let fresh = Cluster {
        env: &env,
        name: "acid-loaded".to_string(),
    };
    apply_one_instance(&env, &fresh.name, "")?;
    let (_, fresh_master, _) = fresh.topology(1).await?;
    let fresh_password = fresh.superuser().await?;
    let unzipped = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(&dump)
        .output()?;
    ensure!(unzipped.status.success(), "gzip -dc {}", dump.display());
    let sql = String::from_utf8(unzipped.stdout)?;
    // The operator's own roles (the superuser's and the replication role's) exist in the
    // fresh cluster with its own passwords; the dump would set the source's (docs/backups.md).
    let sql: String = sql
        .lines()
        .filter(|l| {
            !["postgres", "standby"].iter().any(|role| {
                l.starts_with(&format!("CREATE ROLE {role};"))
                    || l.starts_with(&format!("ALTER ROLE {role} "))
            })
        })
        .map(|l| format!("{l}\n"))
        .collect();
    ensure!(
        sql.contains("PostgreSQL database cluster dump"),
        "not a pg_dumpall dump"
    );
    let mut loaded = std::process::Command::new("psql");
    loaded
        .env("PGPASSWORD", &fresh_password)
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &format!("host={fresh_master} user=postgres dbname=postgres sslmode=require"),
        ])
        .stdout(std::process::Stdio::null());
    let loaded = with_stdin(&mut loaded, sql.as_bytes())?;
    ensure!(
        loaded.status.success(),
        "psql failed loading the dump ({}): {}",
        loaded.status,
        String::from_utf8_lossy(&loaded.stderr)
    );
    let rows = psql(
        &fresh_master,
        "postgres",
        &fresh_password,
        "shop",
        "select count(*) || ':' || sum(id) || ':' || max(name) from items",
    )?;
    let expected = psql(
        &master,
        "postgres",
        &password,
        "shop",
        "select count(*) || ':' || sum(id) || ':' || max(name) from items",
    )?;
    ensure!(rows == expected, "loaded {rows}, dumped {expected}");
    ensure!(rows.starts_with("2500:"), "loaded {rows}");

    // Off: the CronJob goes.
    apply_one_instance(&env, &source.name, "  enableLogicalBackup: false\n")?;
    wait_for(
        &format!("CronJob {cron_job} to be deleted"),
        BOOT,
        || async {
            Ok(kubectl_ok(&["get", "cronjob", "-n", source.ns(), "-o", "name"])?.is_empty())
        },
    )
    .await?;
    Ok(())
}

/// `pgctl backup list` against the real store with wrong credentials (from the shell, as the
/// namespace has no pods' Secret yet), and against no store at all: exit 1, an error naming
/// the store's answer or address, the secret nowhere in the output.
fn store_failures_are_named_without_credentials(env: &CliEnv) -> Result<()> {
    const SECRET: &str = "pgctl-e2e-not-the-secret";
    let host = host_endpoint()?;
    // The right key id with a wrong secret: the signature does not match (403).
    let key_id = kubectl_ok(&[
        "get",
        "secret",
        "-n",
        "object-store",
        "s3-credentials",
        "-o",
        "jsonpath={.data.AWS_ACCESS_KEY_ID}",
    ])?;
    let mut decode = std::process::Command::new("base64");
    decode.arg("-d").stdout(std::process::Stdio::piped());
    let key_id = String::from_utf8(with_stdin(&mut decode, key_id.as_bytes())?.stdout)?;
    let list = |endpoint: &str| {
        env.command(&[
            "backup",
            "list",
            "acid-none",
            "--bucket",
            BUCKET,
            "--endpoint",
            endpoint,
        ])
        .env("AWS_ACCESS_KEY_ID", &key_id)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .output()
    };
    let wrong = list(&host)?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&wrong.stdout),
        String::from_utf8_lossy(&wrong.stderr)
    );
    ensure!(
        wrong.status.code() == Some(1) && text.contains("the store answered 403"),
        "wrong credentials: {:?} {text}",
        wrong.status
    );
    ensure!(
        !text.contains(SECRET),
        "the secret is in the output: {text}"
    );
    let nowhere = list("http://127.0.0.1:9")?;
    let text = String::from_utf8_lossy(&nowhere.stderr).to_string();
    ensure!(
        nowhere.status.code() == Some(1) && text.contains("127.0.0.1:9"),
        "no store: {:?} {text}",
        nowhere.status
    );
    ensure!(
        !text.contains(SECRET),
        "the secret is in the output: {text}"
    );
    Ok(())
}

/// Runs `command` with `input` on its standard input and its standard error captured (its
/// standard output as the caller set it).
fn with_stdin(command: &mut std::process::Command, input: &[u8]) -> Result<std::process::Output> {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input)?;
    }
    Ok(child.wait_with_output()?)
}

/// The first non-empty output of `read` (retried until [`BOOT`]).
async fn wait_for_value(what: &str, read: impl Fn() -> Result<String>) -> Result<String> {
    wait_until(what, BOOT, || {
        let value = read().ok().filter(|v| !v.is_empty());
        async move { Ok(value) }
    })
    .await
}
