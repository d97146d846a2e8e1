//! The connection pooler on real PgBouncer: a manifest written for the reference with
//! `enableConnectionPooler` gets the Deployment and Service `NAME-pooler`, whose pods (the
//! machine's PgBouncer, configured from the reference image's environment) let an
//! application user in through `auth_query` on the `user_lookup` function; disabling it
//! removes the pooler's objects and leaves the cluster as it was. Needs the pod runner.

use anyhow::{Result, ensure};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Secret, Service};
use kube::api::Api;
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, psql_in_pod};
use pgctl_e2e::db::{BOOT, Cluster, PGBENCH, SQL, apply_manifest, pgbench_init};
use pgctl_e2e::load::{Writers, Written};
use pgctl_e2e::{wait_for, wait_until};

const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

#[tokio::test]
async fn a_pooler_lets_users_in_through_pgbouncer_and_goes_when_disabled() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("pool", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    // One PgBouncer in front of a server that takes 50 connections; the pooler uses 20.
    apply_manifest(
        &env,
        "acid-pool",
        concat!(
            "  numberOfInstances: 1\n",
            "  volume: {size: 1Gi}\n",
            "  postgresql: {version: \"17\", parameters: {max_connections: \"50\"}}\n",
            "  users: {app: [login]}\n",
            "  databases: {appdb: app}\n",
            "  enableConnectionPooler: true\n",
            "  connectionPooler: {numberOfInstances: 1, maxDBConnections: 20, mode: transaction}\n",
        ),
    )?;
    let cluster = Cluster {
        env: &env,
        name: "acid-pool".to_string(),
    };
    let (master, _, _) = cluster.topology(1).await?;
    cluster.wait_pooler("acid-pool-pooler", 1).await?;
    let deployments: Api<Deployment> = Api::namespaced(env.client.clone(), &ns);

    // An application user through the pooler Service, by name, as a pod reaches it.
    let app = data_plane::password(&env.client, &ns, "acid-pool", "app").await?;
    wait_for("app to log in through the pooler", SQL, || async {
        Ok(psql_in_pod(
            &ns,
            &master,
            "acid-pool-pooler",
            "app",
            &app,
            "select current_user",
        )
        .is_ok_and(|u| u == "app"))
    })
    .await?;
    let server_side = psql_in_pod(
        &ns,
        &master,
        "acid-pool-pooler",
        "app",
        &app,
        "select count(*) from pg_stat_activity where usename = 'app' and application_name = ''",
    );
    ensure!(server_side.is_ok(), "{server_side:?}");
    // `pgctl status` asks PgBouncer's console (as the pooler role) for its pools: app has one.
    let pools = || -> Result<serde_json::Value> {
        let shown = env
            .pgctl(&["status", "acid-pool", "-o", "json"])
            .expect_code(0)?;
        let report: serde_json::Value = serde_json::from_str(&shown.stdout)?;
        Ok(report["poolers"][0].clone())
    };
    let pooler_password = data_plane::password(&env.client, &ns, "acid-pool", "pooler").await?;
    let pooler = pools()?;
    ensure!(
        pooler["name"] == "acid-pool-pooler" && pooler["mode"] == "transaction",
        "{pooler}"
    );
    let app_pool = pooler["pools"].as_array().and_then(|p| {
        p.iter()
            .find(|p| p["database"] == "postgres" && p["user"] == "app")
    });
    ensure!(app_pool.is_some(), "no pool of app in {pooler}");
    let screen = env.pgctl(&["status", "acid-pool"]).expect_code(0)?;
    ensure!(
        screen.stdout.contains("POOLER") && screen.stdout.contains("MAXWAIT"),
        "{}",
        screen.stdout
    );

    // 300 clients at once through the one PgBouncer, in transaction mode, against a server
    // that takes 50 connections.
    let (_, master_ip, _) = cluster.topology(1).await?;
    pgbench_init(&master_ip, "app", &app, "appdb", 1)?;
    let run = data_plane::in_pod(&ns, &master, PGBENCH)?
        .args(["-c", "300", "-j", "4", "-T", "5", "-S", "-n"])
        .arg("host=acid-pool-pooler user=app dbname=appdb sslmode=require")
        .env("PGPASSWORD", &app)
        .output()?;
    let report = String::from_utf8_lossy(&run.stdout);
    eprintln!("{report}");
    ensure!(
        run.status.success() && report.contains("number of clients: 300"),
        "pgbench through the pooler: {report}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    ensure!(
        report.contains("number of failed transactions: 0"),
        "{report}"
    );

    // Mode and instances roll the Deployment: two pods in session mode, serving.
    cluster.patch(r#"{"spec":{"connectionPooler":{"numberOfInstances":2,"mode":"session"}}}"#)?;
    wait_for("two pooler pods in session mode", BOOT, || async {
        let deployment = deployments.get("acid-pool-pooler").await?;
        let status = deployment.status.unwrap_or_default();
        let settled = status.ready_replicas == Some(2)
            && status.updated_replicas == Some(2)
            && status.replicas == Some(2);
        Ok(settled && pools().is_ok_and(|p| p["mode"] == "session" && p["ready"] == 2))
    })
    .await?;
    // (The Service may still send a connection to a replaced pod until its endpoints follow,
    // as in any cluster: the client retries.)
    wait_for("app through the session-mode pooler", SQL, || async {
        Ok(
            psql_in_pod(&ns, &master, "acid-pool-pooler", "app", &app, "select 1")
                .is_ok_and(|one| one == "1"),
        )
    })
    .await?;

    // Rotation of the pooler role's password, in place when the manifest lists it: a new
    // password in its Secret and in PostgreSQL, and the pooler's pods restart onto it.
    let secret_name =
        pgctl_shared::config::OperatorConfig::default().secret_name("pooler", "acid-pool");
    let secrets: Api<Secret> = Api::namespaced(env.client.clone(), &ns);
    let mark = |deployment: &Deployment| {
        deployment
            .spec
            .as_ref()
            .and_then(|s| s.template.metadata.as_ref())
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(pgctl_shared::pooler::CREDENTIALS_ANNOTATION).cloned())
    };
    let next_rotation = |secret: &Secret| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get("nextRotation"))
            .map(|v| String::from_utf8_lossy(&v.0).to_string())
    };
    let generation = |secret: &Secret| {
        secret
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(pgctl_shared::roles::rotation::PASSWORD_ROTATED_ANNOTATION))
            .cloned()
    };
    cluster.patch(r#"{"spec":{"usersWithInPlaceSecretRotation":["pooler"]}}"#)?;
    wait_for(
        "the pooler's Secret to get its first rotation date",
        BOOT,
        || async { Ok(next_rotation(&secrets.get(&secret_name).await?).is_some()) },
    )
    .await?;
    // Due now, twice: each new password restarts the pods onto it, once (they follow the
    // password's generation; the rotation date, to the second, could repeat).
    for round in 1..=2 {
        let before = generation(&secrets.get(&secret_name).await?);
        data_plane::kubectl_ok(&[
            "-n",
            &ns,
            "patch",
            "secret",
            &secret_name,
            "--type=merge",
            "-p",
            r#"{"stringData":{"nextRotation":"2020-01-01T00:00:00Z"}}"#,
        ])?;
        wait_until(
            &format!("rotation {round} of the pooler's password, and its pods to follow"),
            BOOT,
            || async {
                let secret = secrets.get(&secret_name).await?;
                let deployment = deployments.get("acid-pool-pooler").await?;
                let now = generation(&secret);
                let rotated = next_rotation(&secret).is_some_and(|n| !n.starts_with("2020"))
                    && now.is_some()
                    && now != before;
                ensure!(
                    rotated && mark(&deployment) == now,
                    "Secret at {now:?}, pods at {:?}",
                    mark(&deployment)
                );
                Ok(Some(()))
            },
        )
        .await?;
    }
    let rotated = data_plane::password(&env.client, &ns, "acid-pool", "pooler").await?;
    ensure!(
        rotated != pooler_password,
        "the pooler's password did not change"
    );
    cluster.wait_pooler("acid-pool-pooler", 2).await?;
    // The new pods log in with it: to the server (app's lookup) and to the console.
    wait_until(
        "app to log in through the restarted pooler, and its pools to show",
        SQL,
        || async {
            psql_in_pod(&ns, &master, "acid-pool-pooler", "app", &app, "select 1")?;
            let pooler = pools()?;
            ensure!(
                pooler["pools"].is_array(),
                "no pools: {}",
                pooler["poolsError"]
            );
            Ok(Some(()))
        },
    )
    .await?;

    // Off: the Deployment, the Service and the pooler's Secret go; the cluster stays.
    env.pgctl(&["update", "acid-pool", "--pooler=false"])
        .expect_code(0)?;
    let services: Api<Service> = Api::namespaced(env.client.clone(), &ns);
    wait_for("the pooler's objects to go", BOOT, || async {
        Ok(deployments.get_opt("acid-pool-pooler").await?.is_none()
            && services.get_opt("acid-pool-pooler").await?.is_none()
            && secrets.get_opt(&secret_name).await?.is_none())
    })
    .await?;
    let (after, _, _) = cluster.topology(1).await?;
    ensure!(after == master, "the cluster's master changed");
    ensure!(services.get_opt("acid-pool").await?.is_some());
    Ok(())
}

/// Both poolers of a two-instance cluster: the replica pooler reaches the replica only; a
/// client writing through the master pooler once every 100 ms goes on after a switchover
/// within 10 s, and every write the pooler acknowledged is on the new master.
#[tokio::test]
async fn the_poolers_follow_their_services_through_a_switchover() -> Result<()> {
    use std::time::Duration;

    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("poolsw", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    apply_manifest(
        &env,
        "acid-sw",
        concat!(
            "  numberOfInstances: 2\n",
            "  volume: {size: 1Gi}\n",
            "  postgresql: {version: \"17\"}\n",
            "  users: {app: [login]}\n",
            "  databases: {appdb: app}\n",
            "  enableConnectionPooler: true\n",
            "  enableReplicaConnectionPooler: true\n",
            "  connectionPooler: {numberOfInstances: 1}\n",
        ),
    )?;
    let cluster = Cluster {
        env: &env,
        name: "acid-sw".to_string(),
    };
    let (master, master_ip, replicas) = cluster.topology(2).await?;
    for name in ["acid-sw-pooler", "acid-sw-pooler-repl"] {
        cluster.wait_pooler(name, 1).await?;
    }
    let app = data_plane::password(&env.client, &ns, "acid-sw", "app").await?;
    let through = |pooler: &str, sql: &str| {
        pgctl_e2e::data_plane::psql_in_pod_db(&ns, &master, pooler, "app", &app, "appdb", sql)
    };
    wait_for("app to log in through both poolers", SQL, || async {
        Ok(through("acid-sw-pooler", "select 1").is_ok()
            && through("acid-sw-pooler-repl", "select 1").is_ok())
    })
    .await?;
    let served_by = |pooler: &str| through(pooler, "select host(inet_server_addr())");
    // A few connections each, PgBouncer may open more than one server connection.
    for _ in 0..5 {
        let replica = served_by("acid-sw-pooler-repl")?;
        ensure!(
            replicas.contains(&replica),
            "the replica pooler reached {replica}, not a replica ({replicas:?})"
        );
        ensure!(served_by("acid-sw-pooler")? == master_ip);
    }
    through(
        "acid-sw-pooler",
        "create table w (id bigserial primary key)",
    )?;

    // A writer through the master pooler, from the first master's pod: its network namespace
    // stays through the switchover.
    let writers = Writers::start(1, Duration::from_millis(100), {
        let (ns, app, from) = (ns.clone(), app.clone(), master.clone());
        move || {
            pgctl_e2e::data_plane::psql_in_pod_db(
                &ns,
                &from,
                "acid-sw-pooler",
                "app",
                &app,
                "appdb",
                "insert into w default values",
            )
            .is_ok()
        }
    });
    writers
        .wait_more("the writer to get going", 10, SQL)
        .await?;
    // The replica streams what the writer wrote (Patroni hands over to a replica that is
    // merely running too, and the old master would then be rewound).
    wait_for("the replica to stream the writes", BOOT, || async {
        let seen = through("acid-sw-pooler-repl", "select count(*) from w")
            .ok()
            .and_then(|n| n.parse::<u64>().ok());
        Ok(seen.is_some_and(|n| n >= 10))
    })
    .await?;
    let candidate = data_plane::pods(&env.client, &ns, "acid-sw")
        .await?
        .into_iter()
        .map(|p| kube::ResourceExt::name_any(&p))
        .find(|n| n != &master)
        .ok_or_else(|| anyhow::anyhow!("no replica"))?;
    data_plane::patroni_switchover(&master_ip, &master, &candidate).await?;
    wait_for("the candidate to be labelled master", BOOT, || async {
        Ok(cluster.topology(2).await?.0 == candidate)
    })
    .await?;
    writers
        .wait_more("ten more writes through the pooler", 10, SQL)
        .await?;
    let Written {
        acknowledged: written,
        longest_gap: gap,
    } = writers.stop()?;
    eprintln!(
        "{written} writes through the pooler; the longest gap between two was {} ms",
        gap.as_millis()
    );
    ensure!(gap < Duration::from_secs(10), "writes stopped for {gap:?}");
    let rows = through("acid-sw-pooler", "select count(*) from w")?;
    ensure!(
        rows == written.to_string(),
        "{rows} rows, {written} acknowledged"
    );
    Ok(())
}
