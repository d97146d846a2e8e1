//! The day-2 verbs on real Patroni and PostgreSQL: `pgctl resync` makes the controller
//! reconcile now; `pgctl logs` prints the pods' logs; `pgctl label` sets, refuses to change
//! without `--overwrite`, changes (the inherited label reaches the StatefulSet at once) and
//! removes a label; `pgctl test` sees every instance and Service up with its role, and a
//! hanging replica down (exit 1); `pgctl delete -l` refuses without `--yes`;
//! `pgctl switchover` moves the master (timeline + 1) while a client writes,
//! losing no acknowledged write; `pgctl restart` restarts PostgreSQL in place (new postmaster
//! start time, same pod); `pgctl reload`; `pgctl history` shows the switchover's timeline;
//! `pgctl reinit` rebuilds a replica; refusals. Needs the pod runner.

use std::time::Duration;

use anyhow::{Result, ensure};
use kube::ResourceExt;
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane;
use pgctl_e2e::db::{BOOT, Cluster, SQL, apply_manifest};
use pgctl_e2e::load::Writers;
use pgctl_e2e::wait_for;

const CONFIG: &[(&str, &str)] = &[
    ("resync_period", "30m"),
    ("repair_period", "30m"),
    ("inherited_labels", "env"),
];

#[tokio::test]
async fn the_day_2_verbs_act_on_the_real_cluster() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("operate", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    apply_manifest(
        &env,
        "acid-op",
        concat!(
            "  numberOfInstances: 2\n",
            "  volume: {size: 1Gi}\n",
            "  postgresql: {version: \"17\"}\n",
            "  users: {app: [login]}\n",
            "  databases: {appdb: app}\n",
        ),
    )?;
    let cluster = Cluster {
        env: &env,
        name: "acid-op".to_string(),
    };
    let (master, master_ip, replicas) = cluster.topology(2).await?;
    let replica_ip = replicas.first().cloned().unwrap_or_default();
    env.wait_status("acid-op", "Running").await?;

    // resync: with 30 min periods, only the request makes the controller look now.
    let resync = env
        .pgctl(&["resync", "acid-op", "--timeout", "30s"])
        .expect_code(0)?;
    eprintln!("{}", resync.stdout.trim());
    ensure!(resync.stdout.contains("reconciled"), "{}", resync.all());

    // logs: every pod's, prefixed; one pod's as they are.
    let logs = env
        .pgctl(&["logs", "acid-op", "--tail", "5"])
        .expect_code(0)?;
    ensure!(
        logs.stdout.contains("[acid-op-0] ") && logs.stdout.contains("[acid-op-1] "),
        "{}",
        logs.all()
    );
    let one = env
        .pgctl(&["logs", "acid-op", "acid-op-0", "--tail", "3"])
        .expect_code(0)?;
    let lines: Vec<&str> = one.stdout.lines().collect();
    ensure!(
        !lines.is_empty() && lines.len() <= 3 && !one.stdout.contains("[acid-op-0]"),
        "{}",
        one.all()
    );

    // label: set, refuse a change without --overwrite, change, and the inherited label reaches
    // the StatefulSet without a resync (30-minute periods here).
    env.pgctl(&["label", "acid-op", "env=test"])
        .expect_code(0)?;
    let listed = env
        .pgctl(&["list", "-l", "env=test", "-o", "name"])
        .expect_code(0)?;
    ensure!(listed.stdout.contains("acid-op"), "{}", listed.all());
    let clash = env.pgctl(&["label", "acid-op", "env=prod"]);
    ensure!(
        clash.code == 1 && clash.stderr.contains("--overwrite"),
        "{}",
        clash.all()
    );
    env.pgctl(&["label", "acid-op", "env=prod", "--overwrite"])
        .expect_code(0)?;
    let statefulsets: kube::Api<k8s_openapi::api::apps::v1::StatefulSet> =
        kube::Api::namespaced(env.client.clone(), &ns);
    wait_for("the inherited label on the StatefulSet", SQL, || async {
        let sts = statefulsets.get("acid-op").await?;
        Ok(sts.labels().get("env").map(String::as_str) == Some("prod"))
    })
    .await?;
    env.pgctl(&["label", "acid-op", "env-"]).expect_code(0)?;
    let pg = env
        .pgctl(&["list", "-l", "env", "-o", "name"])
        .expect_code(0)?;
    ensure!(!pg.stdout.contains("acid-op"), "{}", pg.all());

    // Refusals: a pod that is no member; a master restart without a terminal or --yes.
    let refused = env.pgctl(&["switchover", "acid-op", "--to", "acid-op-9", "--yes"]);
    ensure!(
        refused.code == 1 && refused.stderr.contains("not a member"),
        "{}",
        refused.all()
    );
    let refused = env.pgctl(&["restart", "acid-op"]);
    ensure!(
        refused.code == 2 && refused.stderr.contains("--yes"),
        "{}",
        refused.all()
    );

    // restart of the replica: in place.
    let replica = data_plane::pods(&env.client, &ns, "acid-op")
        .await?
        .into_iter()
        .find(|p| p.name_any() != master)
        .ok_or_else(|| anyhow::anyhow!("no replica"))?;
    let replica_name = replica.name_any();
    let started = |value: &serde_json::Value| {
        value["postmaster_start_time"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let before = started(&data_plane::patroni_get(&replica_ip, "/patroni").await?);
    let restarted = env
        .pgctl(&["restart", "acid-op", &replica_name])
        .expect_code(0)?;
    ensure!(
        restarted.stdout.contains("restarted in place"),
        "{}",
        restarted.all()
    );
    let after = data_plane::patroni_get(&replica_ip, "/patroni").await?;
    ensure!(
        !before.is_empty() && started(&after) != before,
        "postmaster start time {before} → {}",
        started(&after)
    );
    let same = data_plane::pods(&env.client, &ns, "acid-op")
        .await?
        .into_iter()
        .find(|p| p.name_any() == replica_name)
        .ok_or_else(|| anyhow::anyhow!("the replica's pod is gone"))?;
    ensure!(
        same.uid() == replica.uid(),
        "the replica's pod was replaced"
    );

    env.pgctl(&["reload", "acid-op"]).expect_code(0)?;

    // switchover under a write loop through the master Service.
    let app = data_plane::password(&env.client, &ns, "acid-op", "app").await?;
    let write = {
        let (ns, app, from) = (ns.clone(), app.clone(), master.clone());
        move |sql: &str| {
            data_plane::psql_in_pod_db(&ns, &from, "acid-op", "app", &app, "appdb", sql)
        }
    };
    write("create table w (id bigserial primary key)")?;
    let timeline_before = data_plane::patroni_get(&master_ip, "/patroni").await?["timeline"]
        .as_u64()
        .unwrap_or_default();
    let writers = Writers::start(1, Duration::from_millis(100), {
        let write = write.clone();
        move || write("insert into w default values").is_ok()
    });
    writers
        .wait_more("the writer to get going", 10, SQL)
        .await?;
    // The replica streams (the CLI refuses a replica that does not).
    wait_for("the replica to stream", BOOT, || async {
        let cluster = data_plane::patroni_get(&master_ip, "/cluster").await?;
        Ok(cluster["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["state"] == "streaming")))
    })
    .await?;
    let switched = env
        .pgctl(&["switchover", "acid-op", "--yes"])
        .expect_code(0)?;
    eprintln!("{}", switched.stdout.trim());
    let expected = format!(
        "from {master} to {replica_name} (timeline {timeline_before} → {})",
        timeline_before + 1
    );
    ensure!(switched.stdout.contains(&expected), "{}", switched.all());
    writers
        .wait_more("ten more writes on the new master", 10, SQL)
        .await?;
    let written = writers.stop()?.acknowledged;
    let rows = write("select count(*) from w")?;
    ensure!(
        rows == written.to_string(),
        "{rows} rows, {written} acknowledged"
    );
    let (now_master, _, _) = cluster.topology(2).await?;
    ensure!(now_master == replica_name, "the master is {now_master}");

    // history: the switchover ended the old timeline (and names the new leader).
    let history = env
        .pgctl(&["history", "acid-op", "-o", "json"])
        .expect_code(0)?;
    let switches: Vec<serde_json::Value> = serde_json::from_str(&history.stdout)?;
    ensure!(
        switches
            .last()
            .is_some_and(|s| s["timeline"] == timeline_before
                && (s["newLeader"].is_null() || s["newLeader"] == replica_name.as_str())),
        "{}",
        history.stdout
    );
    // reinit: the master is refused; the old master, now a replica, is rebuilt and streams.
    let refused = env.pgctl(&["reinit", "acid-op", &replica_name, "--yes"]);
    ensure!(
        refused.code == 1 && refused.stderr.contains("is the master"),
        "{}",
        refused.all()
    );
    let rebuilt = env
        .pgctl(&["reinit", "acid-op", &master, "--yes", "--timeout", "2m"])
        .expect_code(0)?;
    ensure!(
        rebuilt.stdout.contains("streaming again"),
        "{}",
        rebuilt.all()
    );

    // test: both instances and both Services answer with the roles they are labelled with.
    let checks = |out: &pgctl_e2e::cli::CliOutput| -> Result<Vec<serde_json::Value>> {
        let all: Vec<serde_json::Value> = serde_json::from_str(&out.stdout)?;
        Ok(all
            .into_iter()
            .filter(|c| c["namespace"] == ns.as_str() && c["cluster"] == "acid-op")
            .collect())
    };
    // (The old master rejoins as a replica first.)
    wait_for("pgctl test to find every connection up", SQL, || async {
        Ok(env.pgctl(&["test", "acid-op", "-o", "json"]).code == 0)
    })
    .await?;
    let tested = env
        .pgctl(&["test", "acid-op", "-o", "json"])
        .expect_code(0)?;
    let rows = checks(&tested)?;
    ensure!(rows.len() == 4, "{}", tested.stdout);
    ensure!(
        rows.iter()
            .all(|c| c["up"] == true && c["problem"].is_null()),
        "{}",
        tested.stdout
    );
    let service = |name: &str| rows.iter().find(|c| c["target"] == name).cloned();
    ensure!(service("acid-op").is_some_and(|c| c["role"] == "master"));
    ensure!(service("acid-op-repl").is_some_and(|c| c["role"] == "replica"));
    let table = env.pgctl(&["test", "-A"]);
    eprintln!("{}", table.stdout);
    ensure!(
        table.stdout.contains(&format!("{ns}/acid-op")) && table.stdout.contains("connection"),
        "{}",
        table.all()
    );
    // A replica that hangs is down, and the command fails.
    let frozen = data_plane::pod_processes(&ns, &master);
    ensure!(!frozen.is_empty(), "no processes of {master}");
    data_plane::signal_all(&frozen, nix::sys::signal::Signal::SIGSTOP);
    let thaw = data_plane::thaw_on_drop(frozen);
    let tested = env.pgctl(&["test", "acid-op", "--connect-timeout", "2s", "-o", "json"]);
    drop(thaw);
    ensure!(tested.code == 1, "{}", tested.all());
    let rows = checks(&tested)?;
    let frozen_row = rows.iter().find(|c| c["target"] == master.as_str());
    ensure!(
        frozen_row.is_some_and(|c| c["up"] == false),
        "{}",
        tested.stdout
    );
    ensure!(
        rows.iter()
            .filter(|c| c["target"] != master.as_str() && c["target"] != "acid-op-repl")
            .all(|c| c["up"] == true),
        "{}",
        tested.stdout
    );

    // delete over a selector: without a terminal and --yes it refuses and deletes nothing; an
    // empty selector is refused.
    env.pgctl(&["label", "acid-op", "doomed=yes"])
        .expect_code(0)?;
    let refused = env.pgctl(&["delete", "-l", "doomed=yes"]);
    ensure!(
        refused.code == 2 && refused.stderr.contains("--yes"),
        "{}",
        refused.all()
    );
    let refused = env.pgctl(&["delete", "-l", ""]);
    ensure!(refused.code == 2, "{}", refused.all());
    let none = env.pgctl(&["delete", "-l", "doomed=no", "--yes"]);
    ensure!(
        none.code == 1 && none.stderr.contains("nothing was done"),
        "{}",
        none.all()
    );
    let still = env.pgctl(&["list", "-o", "name"]).expect_code(0)?;
    ensure!(still.stdout.contains("acid-op"), "{}", still.all());
    Ok(())
}
