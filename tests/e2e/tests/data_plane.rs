//! Real database clusters: pgctl creates them, the controller makes the objects, the local
//! test cluster's pod runner runs Patroni and PostgreSQL in each pod, Patroni elects the
//! leader, the controller provisions roles and databases. Needs the pod runner (skipped
//! elsewhere).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use kube::ResourceExt;
use kube::api::Api;
use nix::sys::signal::Signal;
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane::{self, PodProcess, alive, pod_ip, pod_processes, psql, restarts, role};
use pgctl_e2e::db::{BOOT, Cluster, SQL, apply_manifest, apply_one_instance};
use pgctl_e2e::{wait_for, wait_until};
use serde_json::Value;

const FAILOVER: Duration = Duration::from_secs(180);

/// The controller's configuration for these tests: quick re-checks.
const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

fn skip() -> bool {
    data_plane::skip_without_real_pods()
}

/// Waits until every host in `hosts` has `rows` rows in table `t` of `appdb`.
async fn wait_rows(hosts: &[String], password: &str, rows: u32) -> Result<()> {
    for host in hosts {
        wait_for(&format!("{rows} rows on {host}"), SQL, || async {
            Ok(psql(
                host,
                "app_owner",
                password,
                "appdb",
                "select count(*) from t",
            )? == rows.to_string())
        })
        .await?;
    }
    Ok(())
}

/// All processes of all pods of the cluster now.
async fn cluster_processes(cluster: &Cluster<'_>) -> Result<Vec<PodProcess>> {
    let pods = data_plane::pods(cluster.client(), cluster.ns(), &cluster.name).await?;
    Ok(pods
        .iter()
        .flat_map(|p| pod_processes(cluster.ns(), &p.name_any()))
        .collect())
}

/// The whole path with one 3-instance cluster: create with pgctl, leader election and
/// streaming replication, roles and databases, a row from master to replica, a failover that
/// loses no committed row, scale 3 → 2 → 3, and deletion that leaves no process behind.
#[tokio::test]
async fn a_real_cluster_from_create_to_delete() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("dp", CONFIG).await?;
    let cluster = Cluster {
        env: &env,
        name: "acid-dp".to_string(),
    };
    env.pgctl(&[
        "create",
        &cluster.name,
        "--team",
        "acid",
        "--instances",
        "3",
        "--size",
        "1Gi",
        "--user",
        "app_owner:createdb",
        "--user",
        "reader",
        "--database",
        "appdb:app_owner",
    ])
    .expect_code(0)?;

    // Patroni elected one master; two replicas stream from it; the master Service's
    // Endpoints (Patroni's) hold the master's address; the controller reports it.
    let (master, master_ip, replicas) = cluster.topology(3).await?;
    cluster.wait_streaming(&master_ip, 2).await?;
    // Every pod runs Patroni 4 (from PyPI: tests/patroni/ensure), which calls its leader
    // `primary` in its API while the pod keeps Spilo's `master` label.
    for pod in data_plane::pods(cluster.client(), cluster.ns(), &cluster.name).await? {
        let ip = pod_ip(&pod).context("a pod IP")?;
        let patroni = data_plane::patroni_get(&ip, "/patroni").await?;
        let version = patroni["patroni"]["version"].as_str().unwrap_or_default();
        ensure!(
            version.starts_with("4."),
            "{} runs Patroni {version:?}",
            pod.name_any()
        );
        if role(&pod) == Some("master") {
            ensure!(patroni["role"] == "primary", "{patroni}");
        }
    }
    ensure!(
        cluster.master_endpoints().await? == vec![master_ip.clone()],
        "the master Endpoints should hold {master_ip} only"
    );
    // Patroni 4 took off the labels it puts on a pod while it bootstraps
    // (KUBERNETES_BOOTSTRAP_LABELS; seen on in the point-in-time restore test, whose bootstrap
    // lasts long enough for Patroni's loop to label the pod).
    for pod in data_plane::pods(cluster.client(), cluster.ns(), &cluster.name).await? {
        ensure!(
            !pod.labels().contains_key("critical-operation"),
            "{} still carries the critical-operation label",
            pod.name_any()
        );
    }
    wait_for(
        "the status to be Running with the primary",
        BOOT,
        || async {
            let status = cluster.status().await?;
            Ok(
                status["PostgresClusterStatus"] == "Running"
                    && status["primary"] == master.as_str(),
            )
        },
    )
    .await?;

    // The controller's per-cluster gauges say what the status says (both come from one
    // computation).
    let controller = env.controller().context("the controller")?;
    let this = |l: &str| l.contains("cluster=\"acid-dp\"");
    wait_for("the cluster's gauges on /metrics", SQL, || async {
        Ok(
            controller.counter("pgctl_cluster_instances{", this).await? == 3.0
                && controller
                    .counter("pgctl_cluster_instances_ready{", this)
                    .await?
                    == 3.0
                && controller.counter("pgctl_cluster_primary{", this).await? == 1.0
                && controller
                    .counter("pgctl_cluster_roles_synced{", this)
                    .await?
                    == 1.0
                && controller
                    .counter("pgctl_cluster_last_sync_timestamp_seconds{", this)
                    .await?
                    > 0.0,
        )
    })
    .await?;

    // Services by address and by name, from inside a pod (kube-proxy routes the ClusterIPs,
    // CoreDNS answers, the pod's resolv.conf has the cluster's search path): the master
    // Service by its short name reaches the master, the replica Service by its full name a
    // replica.
    let superuser = cluster.superuser().await?;
    let ns = cluster.ns().to_string();
    let in_pod = |pod: &str, host: &str, sql: &str| {
        data_plane::psql_in_pod(&ns, pod, host, "postgres", &superuser, sql)
    };
    let role_sql = "select case when pg_is_in_recovery() then 'replica' else 'master' end";
    wait_for("the master Service by its short name", SQL, || async {
        Ok(in_pod(&master, &cluster.name, role_sql).is_ok_and(|r| r == "master"))
    })
    .await?;
    let replica_fqdn = format!("{}-repl.{ns}.svc.cluster.local", cluster.name);
    wait_for("the replica Service by its full name", SQL, || async {
        Ok(in_pod(&master, &replica_fqdn, role_sql).is_ok_and(|r| r == "replica"))
    })
    .await?;
    ensure!(
        in_pod(&master, &format!("{}.{ns}", cluster.name), role_sql)? == "master",
        "NAME.NAMESPACE should reach the master"
    );

    // Roles and databases: every user logs in with its Secret's password; the database has
    // its owner.
    for user in ["app_owner", "reader"] {
        let password =
            data_plane::password(cluster.client(), cluster.ns(), &cluster.name, user).await?;
        wait_for(&format!("{user} to log in"), SQL, || async {
            Ok(psql(
                &master_ip,
                user,
                &password,
                "postgres",
                "select current_user",
            )? == user)
        })
        .await?;
    }
    wait_for("appdb owned by app_owner", SQL, || async {
        Ok(psql(
            &master_ip,
            "postgres",
            &superuser,
            "postgres",
            "select pg_get_userbyid(datdba) from pg_database where datname = 'appdb'",
        )? == "app_owner")
    })
    .await?;

    wait_for("the RolesSynced condition", SQL, || async {
        let status = cluster.status().await?;
        Ok(status["conditions"].as_array().is_some_and(|c| {
            c.iter().any(|c| {
                c["type"] == "RolesSynced" && c["status"] == "True" && c["reason"] == "Synced"
            })
        }))
    })
    .await?;

    // pgctl connect --psql reaches the master with the user's password from its Secret,
    // without printing it.
    let out = env
        .pgctl_with_stdin(
            &[
                "connect",
                &cluster.name,
                "--user",
                "app_owner",
                "--database",
                "appdb",
                "--psql",
            ],
            "select 'user=' || current_user || ' primary=' || not pg_is_in_recovery();\n",
        )
        .expect_code(0)?;
    let owner_password =
        data_plane::password(cluster.client(), cluster.ns(), &cluster.name, "app_owner").await?;
    ensure!(
        out.stdout.contains("user=app_owner primary=true"),
        "pgctl connect --psql: {}",
        out.all()
    );
    ensure!(
        !out.all().contains(&owner_password),
        "pgctl connect printed the password"
    );

    // A row written on the master is read on a replica.
    let owner =
        data_plane::password(cluster.client(), cluster.ns(), &cluster.name, "app_owner").await?;
    psql(
        &master_ip,
        "app_owner",
        &owner,
        "appdb",
        "create table t (id int primary key); insert into t select generate_series(1, 100)",
    )?;
    wait_rows(&replicas, &owner, 100).await?;

    // The master's processes hang (SIGSTOP), then die: Patroni fails over to a replica, the
    // Endpoints and status.primary follow, the old master comes back (restarted by the
    // runner) as a replica, and no committed row is lost.
    let frozen = pod_processes(cluster.ns(), &master);
    ensure!(!frozen.is_empty(), "found no processes of {master}");
    data_plane::signal_all(&frozen, Signal::SIGSTOP);
    let new_master_ip = wait_until("a new master in the Endpoints", FAILOVER, || async {
        let ips = cluster.master_endpoints().await?;
        Ok(match ips.as_slice() {
            [ip] if ip != &master_ip && replicas.contains(ip) => Some(ip.clone()),
            _ => None,
        })
    })
    .await;
    data_plane::signal_all(&frozen, Signal::SIGKILL);
    let new_master_ip = new_master_ip?;
    // The master Service's name follows: from the moment Patroni's Endpoints name the new
    // master, until a connection by that name (kube-proxy's rules) reaches it.
    let followed = Instant::now();
    let new_master_pod = data_plane::pods(cluster.client(), cluster.ns(), &cluster.name)
        .await?
        .into_iter()
        .find(|p| pod_ip(p).as_deref() == Some(new_master_ip.as_str()))
        .map(|p| p.name_any())
        .context("the pod of the new master")?;
    wait_for(
        "the master Service name to reach the new master",
        FAILOVER,
        || async {
            Ok(in_pod(
                &new_master_pod,
                &cluster.name,
                "select host(inet_server_addr()) where not pg_is_in_recovery()",
            )
            .is_ok_and(|ip| ip == new_master_ip))
        },
    )
    .await?;
    eprintln!(
        "the master Service name reached the new master {:?} after its Endpoints did",
        followed.elapsed()
    );
    ensure!(
        psql(
            &new_master_ip,
            "app_owner",
            &owner,
            "appdb",
            "select count(*) from t"
        )? == "100",
        "rows were lost in the failover"
    );
    psql(
        &new_master_ip,
        "app_owner",
        &owner,
        "appdb",
        "insert into t values (101)",
    )?;
    let (new_master, ip, _) = cluster.topology(3).await?;
    ensure!(
        ip == new_master_ip,
        "the master label should follow Patroni's leader"
    );
    wait_for("status.primary to follow", FAILOVER, || async {
        Ok(cluster.status().await?["primary"] == new_master.as_str())
    })
    .await?;
    let old = data_plane::pods(cluster.client(), cluster.ns(), &cluster.name)
        .await?
        .into_iter()
        .find(|p| p.name_any() == master)
        .context("the old master's pod")?;
    ensure!(restarts(&old) >= 1, "the killed pod should count a restart");
    let old_ip = pod_ip(&old).context("the old master's IP")?;
    wait_for(
        "the old master to rejoin with every row",
        FAILOVER,
        || async {
            Ok(psql(
                &old_ip,
                "app_owner",
                &owner,
                "appdb",
                "select count(*) from t",
            )? == "101")
        },
    )
    .await?;
    cluster.wait_streaming(&new_master_ip, 2).await?;

    // Scale 3 → 2 → 3: writable throughout; the returning member rejoins as a replica.
    // `pgctl status --watch` (stdout not a terminal) prints a new document as things change:
    // 3 instances first, then 2 once the scale-down is done.
    let mut watch = env
        .command(&["status", &cluster.name, "--watch", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting pgctl status --watch")?;
    let stdout = watch.stdout.take().context("the watch's stdout")?;
    let (counts_tx, counts) = std::sync::mpsc::channel::<usize>();
    std::thread::spawn(move || {
        for document in serde_json::Deserializer::from_reader(stdout).into_iter::<Value>() {
            let Ok(document) = document else { break };
            if let Some(n) = document["instances"].as_array().map(Vec::len)
                && counts_tx.send(n).is_err()
            {
                break;
            }
        }
    });
    let first = counts.recv_timeout(Duration::from_secs(30));
    ensure!(
        first == Ok(3),
        "pgctl status --watch showed first {first:?}, not 3 instances"
    );
    env.pgctl(&["scale", &cluster.name, "--instances", "2"])
        .expect_code(0)?;
    let (_, ip, _) = cluster.topology(2).await?;
    let deadline = Instant::now() + BOOT;
    let mut seen = vec![3];
    while seen.last() != Some(&2) {
        let left = deadline.saturating_duration_since(Instant::now());
        match counts.recv_timeout(left) {
            Ok(n) => seen.push(n),
            Err(_) => {
                let _ = watch.kill();
                anyhow::bail!(
                    "pgctl status --watch should show 3 then 2 instances, showed {seen:?}"
                );
            }
        }
    }
    let _ = watch.kill();
    let _ = watch.wait();
    wait_for("a write after scaling down", FAILOVER, || async {
        Ok(psql(
            &ip,
            "app_owner",
            &owner,
            "appdb",
            "insert into t values (102) on conflict do nothing",
        )
        .is_ok())
    })
    .await?;
    env.pgctl(&["scale", &cluster.name, "--instances", "3"])
        .expect_code(0)?;
    let (_, ip, replicas) = cluster.topology(3).await?;
    cluster.wait_streaming(&ip, 2).await?;
    wait_rows(&replicas, &owner, 102).await?;

    // Delete: every process of every pod stops.
    let processes = cluster_processes(&cluster).await?;
    ensure!(
        processes.len() >= 6,
        "expected the processes of 3 pods, found {processes:?}"
    );
    env.pgctl(&["delete", &cluster.name, "--yes"])
        .expect_code(0)?;
    wait_for(
        "the pods and their processes to be gone",
        FAILOVER,
        || async {
            let pods = data_plane::pods(cluster.client(), cluster.ns(), &cluster.name).await?;
            Ok(pods.is_empty() && !processes.iter().any(alive))
        },
    )
    .await?;
    Ok(())
}

/// Three clusters of two instances each at once on this machine; prints their memory and
/// CPU use (recorded in docs/testing.md).
#[tokio::test]
async fn three_clusters_run_at_once() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([
            ("pod_terminate_grace_period", "60s"),
            // A global sidecar: every pod of every cluster gets it (the runner does not know
            // its image, so it plays the container as running without a process).
            (
                "sidecar_docker_images",
                "exporter:registry.example/postgres-exporter:1.0",
            ),
        ])
        .collect();
    let env = CliEnv::start_real("dp3", &config).await?;
    let names = ["acid-one", "acid-two", "acid-three"];
    for name in names {
        env.create_cluster(name, 2, &[])?;
    }
    let mut all = Vec::new();
    for name in names {
        let cluster = Cluster {
            env: &env,
            name: name.to_string(),
        };
        let (_, ip, _) = cluster.topology(2).await?;
        cluster.wait_streaming(&ip, 1).await?;
        all.extend(cluster_processes(&cluster).await?);
        for pod in data_plane::pods(cluster.client(), cluster.ns(), name).await? {
            let spec = pod.spec.clone().unwrap_or_default();
            let containers: Vec<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
            ensure!(
                containers == ["postgres", "exporter"],
                "{}: containers {containers:?}",
                pod.name_any()
            );
            let exporter = &spec.containers[1];
            ensure!(
                exporter.image.as_deref() == Some("registry.example/postgres-exporter:1.0")
                    && exporter
                        .env
                        .iter()
                        .flatten()
                        .any(|e| e.name == "POSTGRES_PASSWORD"),
                "{}: the exporter sidecar {exporter:?}",
                pod.name_any()
            );
        }
    }
    let before = data_plane::cpu_ticks(&all);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let ticks = data_plane::cpu_ticks(&all).saturating_sub(before);
    eprintln!(
        "three clusters of two instances: {} processes, {} MiB (proportional set size), {:.1}% of one core idle (over 10 s)",
        all.len(),
        data_plane::proportional_kib(&all) / 1024,
        ticks as f64 / 10.0 // clock ticks of 10 ms over 10 s
    );
    for name in names {
        env.pgctl(&["delete", name, "--yes"]).expect_code(0)?;
    }
    // Within the pods' grace period, which the test configuration shortens to 60 s (the
    // default is 5 min): a member whose shutdown hangs is killed then, and named if it lives.
    // How long the stop took is printed (a slow shutdown shows there).
    let stopping = Instant::now();
    wait_until(
        "every process of the three clusters to stop",
        FAILOVER,
        || async {
            let living: Vec<&str> = all
                .iter()
                .filter(|p| alive(p))
                .map(|p| p.cmdline.as_str())
                .collect();
            if living.is_empty() {
                Ok(Some(()))
            } else {
                Err(anyhow::anyhow!("still running: {living:?}"))
            }
        },
    )
    .await?;
    eprintln!(
        "every process of the three clusters stopped {:.1} s after the deletes",
        stopping.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `SHOW server_version` on the cluster's master, once it has one ready pod.
async fn server_version(cluster: &Cluster<'_>) -> Result<String> {
    let (_, ip, _) = cluster.topology(1).await?;
    let password = cluster.superuser().await?;
    psql(
        &ip,
        "postgres",
        &password,
        "postgres",
        "show server_version",
    )
}

/// Each cluster runs the major its manifest asks for (16 and 17, as a Spilo image bundles
/// several); raising the version of a running cluster with `major_version_upgrade_mode: off`
/// rolls its pods onto the new `PGVERSION`, they keep running the major of their data
/// directory, as Spilo does, and condition `MajorUpgrade` says why.
#[tokio::test]
async fn each_cluster_runs_the_major_its_data_asks_for() -> Result<()> {
    if skip() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("major_version_upgrade_mode", "off")])
        .collect();
    let env = CliEnv::start_real("dpmajor", &config).await?;
    for (name, version) in [("acid-v16", "16"), ("acid-v17", "17")] {
        apply_manifest(
            &env,
            name,
            &format!(
                "  numberOfInstances: 1\n  volume: {{size: 1Gi}}\n  postgresql: {{version: \"{version}\"}}\n"
            ),
        )?;
    }
    let v16 = Cluster {
        env: &env,
        name: "acid-v16".to_string(),
    };
    let v17 = Cluster {
        env: &env,
        name: "acid-v17".to_string(),
    };
    let first = server_version(&v16).await?;
    ensure!(first.starts_with("16."), "acid-v16 runs {first}");
    let second = server_version(&v17).await?;
    ensure!(second.starts_with("17."), "acid-v17 runs {second}");

    // 16 → 17 in the manifest, no upgrade: new pods, still 16 (the data directory's).
    let pods: Api<k8s_openapi::api::core::v1::Pod> =
        Api::namespaced(env.client.clone(), env.namespace.name());
    let old_uid = pods.get("acid-v16-0").await?.uid();
    v16.patch(r#"{"spec":{"postgresql":{"version":"17"}}}"#)?;
    wait_for("acid-v16-0 to be replaced", BOOT, || async {
        Ok(pods
            .get_opt("acid-v16-0")
            .await?
            .is_some_and(|p| p.uid() != old_uid))
    })
    .await?;
    let pgversion = pods
        .get("acid-v16-0")
        .await?
        .spec
        .and_then(|s| s.containers.into_iter().next())
        .and_then(|c| c.env)
        .and_then(|env| env.into_iter().find(|e| e.name == "PGVERSION"))
        .and_then(|e| e.value);
    ensure!(
        pgversion.as_deref() == Some("17"),
        "PGVERSION {pgversion:?}"
    );
    let after = wait_until("acid-v16 to answer on its new pod", BOOT, || async {
        Ok(server_version(&v16).await.ok())
    })
    .await?;
    ensure!(
        after.starts_with("16."),
        "acid-v16 runs {after} after the roll"
    );
    let condition = wait_until("condition MajorUpgrade on acid-v16", BOOT, || async {
        let status = v16.status().await?;
        Ok(status["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "MajorUpgrade")
            .cloned())
    })
    .await?;
    ensure!(
        condition["status"] == "False" && condition["reason"] == "UpgradeDisabled",
        "condition: {condition}"
    );
    let still = server_version(&v16).await?;
    ensure!(
        still.starts_with("16."),
        "acid-v16 runs {still} with upgrades off"
    );
    Ok(())
}

/// `enable_cross_namespace_secret`: a user named `OTHERNS.app_user` gets its Secret in OTHERNS
/// (named from the full role name, without owner reference, with the finalizer on the cluster),
/// the role keeps the full name and logs in with that Secret's password, an edit of that
/// password converges, and deleting the cluster deletes the Secret. With the option off (turned
/// off in the running controller's ConfigMap) the same dotted name is an ordinary role whose
/// Secret lives in the cluster's namespace.
#[tokio::test]
async fn cross_namespace_secrets_follow_the_user_namespace() -> Result<()> {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret};
    use kube::api::{Patch, PatchParams};
    use pgctl_shared::config::OperatorConfig;
    use pgctl_shared::naming::{CLUSTER_NAMESPACE_LABEL, SECRETS_FINALIZER};

    if skip() {
        return Ok(());
    }
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([("enable_cross_namespace_secret", "true")])
        .collect();
    let env = CliEnv::start_real("xns", &config).await?;
    // The namespace of the application that gets the Secret (deleted with the test).
    let apps = pgctl_e2e::TestNamespace::create(&env.client, "xns-apps").await?;
    let user = format!("{}.app_user", apps.name());
    let secret_name = OperatorConfig::default().secret_name(&user, "acid-xns");
    ensure!(
        secret_name
            == format!(
                "{}.app-user.acid-xns.credentials.postgresql.acid.zalan.do",
                apps.name()
            ),
        "the Secret name follows the reference operator: {secret_name}"
    );
    let in_apps: Api<Secret> = Api::namespaced(env.client.clone(), apps.name());
    let in_cluster_ns: Api<Secret> = Api::namespaced(env.client.clone(), env.namespace.name());
    let superuser_sql = |cluster: &Cluster<'_>, ip: String, sql: String| {
        let cluster_name = cluster.name.clone();
        let client = cluster.client().clone();
        let ns = cluster.ns().to_string();
        async move {
            let password = data_plane::password(&client, &ns, &cluster_name, "postgres").await?;
            psql(&ip, "postgres", &password, "postgres", &sql)
        }
    };
    let secret_password = |secret: &Secret| -> Result<String> {
        let bytes = secret
            .data
            .as_ref()
            .and_then(|d| d.get("password"))
            .context("the Secret has no password")?;
        Ok(String::from_utf8(bytes.0.clone())?)
    };

    // A namespace that does not exist yet, for a second user.
    let late_namespace = pgctl_e2e::unique_name("e2e-xns-late");
    let late_user = format!("{late_namespace}.late_user");
    let late_secret = OperatorConfig::default().secret_name(&late_user, "acid-xns");
    let in_late: Api<Secret> = Api::namespaced(env.client.clone(), &late_namespace);

    // --- On: the Secret lives in the user's namespace.
    env.pgctl(&[
        "create",
        "acid-xns",
        "--team",
        "acid",
        "--instances",
        "1",
        "--size",
        "1Gi",
        "--user",
        &user,
        "--user",
        &late_user,
        "--database",
        &format!("xnsdb:{user}"),
    ])
    .expect_code(0)?;
    let cluster = Cluster {
        env: &env,
        name: "acid-xns".to_string(),
    };
    let (_, ip, _) = cluster.topology(1).await?;
    let secret = wait_until("the user's Secret in its namespace", BOOT, || async {
        Ok(in_apps.get_opt(&secret_name).await?)
    })
    .await?;
    let labels = secret.metadata.labels.clone().unwrap_or_default();
    ensure!(
        labels.get(CLUSTER_NAMESPACE_LABEL).map(String::as_str) == Some(env.namespace.name())
            && labels.get("cluster-name").map(String::as_str) == Some("acid-xns"),
        "the Secret names its cluster by labels: {labels:?}"
    );
    ensure!(
        secret.metadata.owner_references.is_none(),
        "an owner reference cannot cross namespaces"
    );
    ensure!(
        secret
            .data
            .as_ref()
            .and_then(|d| d.get("username"))
            .map(|b| b.0.as_slice())
            == Some(user.as_bytes()),
        "the Secret's username is the full role name"
    );
    ensure!(
        in_cluster_ns.get_opt(&secret_name).await?.is_none(),
        "no Secret of the user in the cluster's namespace"
    );
    let pg: Api<pgctl_shared::crd::Postgresql> =
        Api::namespaced(env.client.clone(), env.namespace.name());
    ensure!(
        pg.get("acid-xns")
            .await?
            .metadata
            .finalizers
            .unwrap_or_default()
            .contains(&SECRETS_FINALIZER.to_string()),
        "the cluster carries the finalizer that deletes the Secret"
    );
    // The CLI shows that Secret, and that it goes with the cluster.
    let shown = format!("{}/{secret_name}", apps.name());
    let out = env
        .pgctl(&["status", "acid-xns", "-o", "json"])
        .expect_code(0)?;
    let status: serde_json::Value = serde_json::from_str(&out.stdout)?;
    ensure!(
        status["secrets"]
            .as_array()
            .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(shown.as_str()))),
        "pgctl status lists {shown}: {}",
        out.stdout
    );
    let out = env.pgctl(&["delete", "acid-xns"]).expect_code(2)?;
    let goes = out.stderr.split("stays:").next().unwrap_or("");
    ensure!(
        goes.contains(&format!("secret {shown}")),
        "pgctl delete's plan deletes {shown}:\n{}",
        out.stderr
    );
    let password = secret_password(&secret)?;
    wait_for(&format!("{user} to log in"), SQL, || async {
        Ok(psql(&ip, &user, &password, "postgres", "select current_user").is_ok_and(|u| u == user))
    })
    .await?;
    wait_for("xnsdb owned by the dotted role", SQL, || async {
        Ok(superuser_sql(
            &cluster,
            ip.clone(),
            "select pg_get_userbyid(datdba) from pg_database where datname = 'xnsdb'".into(),
        )
        .await
        .is_ok_and(|owner| owner == user))
    })
    .await?;

    // The user whose namespace is missing: the cluster runs, the sync is reported as failed
    // naming the namespace; once the namespace exists, the Secret follows.
    let missing = format!("namespace \"{late_namespace}\" does not exist");
    wait_for("the missing namespace in the status", SQL, || async {
        let status = cluster.status().await?;
        // CreateFailed: the cluster never ran without a failure.
        Ok(status["PostgresClusterStatus"] == "CreateFailed"
            && status["messages"].as_array().is_some_and(|m| {
                m.iter()
                    .any(|m| m.as_str().is_some_and(|m| m.contains(&missing)))
            }))
    })
    .await?;
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(env.client.clone());
    namespaces
        .create(
            &Default::default(),
            &serde_json::from_value(serde_json::json!({
                "metadata": {
                    "name": late_namespace,
                    "labels": {pgctl_e2e::TEST_NAMESPACE_LABEL: "true"},
                },
            }))?,
        )
        .await?;
    let late = wait_until("the Secret in the namespace made later", BOOT, || async {
        Ok(in_late.get_opt(&late_secret).await?)
    })
    .await;
    let late_password = match late.and_then(|s| secret_password(&s)) {
        Ok(p) => p,
        Err(e) => {
            pgctl_e2e::controller::delete_namespace(&env.client, &late_namespace).await;
            return Err(e);
        }
    };
    let logged_in = wait_for(&format!("{late_user} to log in"), SQL, || async {
        Ok(psql(
            &ip,
            &late_user,
            &late_password,
            "postgres",
            "select current_user",
        )
        .is_ok_and(|u| u == late_user))
    })
    .await;
    let running = wait_for("the status to be Running again", SQL, || async {
        Ok(cluster.status().await?["PostgresClusterStatus"] == "Running")
    })
    .await;
    if let Err(e) = logged_in.and(running) {
        pgctl_e2e::controller::delete_namespace(&env.client, &late_namespace).await;
        return Err(e);
    }

    // The Secret in the other namespace is the source of truth: a new password there
    // reaches the role (the controller watches that Secret).
    let edited = "edited-Password-for-xns-0123456789";
    in_apps
        .patch(
            &secret_name,
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"stringData": {"password": edited}})),
        )
        .await?;
    wait_for("the edited password to work", SQL, || async {
        Ok(psql(&ip, &user, edited, "postgres", "select 1").is_ok())
    })
    .await?;

    // Deleting the cluster deletes the Secret in the other namespace, then the resource goes.
    env.pgctl(&["delete", "acid-xns", "--yes"]).expect_code(0)?;
    let deleted = async {
        pgctl_e2e::wait_deleted(&in_apps, &secret_name, FAILOVER).await?;
        pgctl_e2e::wait_deleted(&in_late, &late_secret, FAILOVER).await?;
        pgctl_e2e::wait_deleted(&pg, "acid-xns", FAILOVER).await
    }
    .await;
    pgctl_e2e::controller::delete_namespace(&env.client, &late_namespace).await;
    deleted?;
    let log = std::fs::read_to_string(env.controller_log()).unwrap_or_default();
    ensure!(
        !log.contains(&password) && !log.contains(edited) && !log.contains(&late_password),
        "the controller log holds a password"
    );

    // --- Off (changed while the controller runs): the dotted name is an ordinary role.
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), env.controller_namespace.name());
    cms.patch(
        "postgres-operator",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"data": {"enable_cross_namespace_secret": "false"}})),
    )
    .await?;
    wait_for(
        "the controller to take the new configuration",
        SQL,
        || async {
            let log = std::fs::read_to_string(env.controller_log()).unwrap_or_default();
            Ok(log.contains("operator configuration changed"))
        },
    )
    .await?;
    let off_secret = OperatorConfig::default().secret_name(&user, "acid-xns-off");
    env.pgctl(&[
        "create",
        "acid-xns-off",
        "--team",
        "acid",
        "--instances",
        "1",
        "--size",
        "1Gi",
        "--user",
        &user,
    ])
    .expect_code(0)?;
    let off = Cluster {
        env: &env,
        name: "acid-xns-off".to_string(),
    };
    let (_, ip, _) = off.topology(1).await?;
    let secret = wait_until(
        "the user's Secret in the cluster's namespace",
        BOOT,
        || async { Ok(in_cluster_ns.get_opt(&off_secret).await?) },
    )
    .await?;
    ensure!(
        secret.metadata.owner_references.is_some(),
        "an ordinary Secret has its owner reference"
    );
    ensure!(
        in_apps.get_opt(&off_secret).await?.is_none(),
        "no Secret in the other namespace with the option off"
    );
    let password = secret_password(&secret)?;
    wait_for(
        &format!("{user} to log in to acid-xns-off"),
        SQL,
        || async {
            Ok(
                psql(&ip, &user, &password, "postgres", "select current_user")
                    .is_ok_and(|u| u == user),
            )
        },
    )
    .await?;
    ensure!(
        !pg.get("acid-xns-off")
            .await?
            .metadata
            .finalizers
            .unwrap_or_default()
            .contains(&SECRETS_FINALIZER.to_string()),
        "no finalizer without Secrets in other namespaces"
    );
    env.pgctl(&["delete", "acid-xns-off", "--yes"])
        .expect_code(0)?;
    pgctl_e2e::wait_deleted(&pg, "acid-xns-off", FAILOVER).await?;
    Ok(())
}

/// A database pod as a user reaches it through the API server (pgctl-kubelet): `kubectl
/// exec` runs psql and patronictl in the container, `kubectl logs` shows Patroni's log,
/// `kubectl port-forward` reaches PostgreSQL; a Secret of `additionalVolumes` is mounted at its
/// path and follows the Secret.
#[tokio::test]
async fn a_database_pod_is_exec_d_into_logged_and_forwarded_to() -> Result<()> {
    use k8s_openapi::api::core::v1::Secret;
    use kube::api::{Patch, PatchParams, PostParams};
    use pgctl_e2e::data_plane::{kubectl_command, kubectl_ok};

    if skip() {
        return Ok(());
    }
    let env = CliEnv::start_real("dpk", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    let secrets: Api<Secret> = Api::namespaced(env.client.clone(), &ns);
    let secret: Secret = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "extra"}, "stringData": {"greeting": "hello"},
    }))?;
    secrets.create(&PostParams::default(), &secret).await?;
    apply_one_instance(
        &env,
        "acid-kx",
        "  additionalVolumes:\n  - name: extra\n    mountPath: /etc/extra\n    volumeSource:\n      secret: {secretName: extra}\n",
    )?;
    let cluster = Cluster {
        env: &env,
        name: "acid-kx".to_string(),
    };
    let (master, master_ip, _) = cluster.topology(1).await?;

    let exec = |args: &[&str]| {
        let mut all = vec!["exec", "-n", &ns, &master, "-c", "postgres", "--"];
        all.extend_from_slice(args);
        kubectl_ok(&all)
    };
    let one = exec(&["psql", "-U", "postgres", "-tAc", "select 1"])?;
    ensure!(one.trim() == "1", "{one}");
    let version = exec(&["patronictl", "version"])?;
    ensure!(version.contains("patronictl version 4."), "{version}");
    ensure!(exec(&["cat", "/etc/extra/greeting"])? == "hello");
    secrets
        .patch(
            "extra",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"stringData": {"greeting": "bonjour"}})),
        )
        .await?;
    wait_for("the mounted Secret to change", SQL, || async {
        Ok(exec(&["cat", "/etc/extra/greeting"]).is_ok_and(|g| g == "bonjour"))
    })
    .await?;

    let logs = kubectl_ok(&[
        "logs", "-n", &ns, &master, "-c", "postgres", "--tail", "200",
    ])?;
    // Patroni's lines and PostgreSQL's (which Patroni runs), as the container printed them.
    ensure!(
        logs.contains("INFO: Lock owner") && logs.contains("I am acid-kx-0"),
        "Patroni's log: {logs}"
    );
    ensure!(
        logs.contains("database system is ready to accept connections"),
        "PostgreSQL's log: {logs}"
    );

    // port-forward: kubectl prints the local port it chose; psql reaches the master through it.
    let mut forward =
        kubectl_command(&["port-forward", "-n", &ns, &format!("pod/{master}"), ":5432"])?
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting kubectl port-forward")?;
    let stdout = forward.stdout.take().context("port-forward's stdout")?;
    // kubectl prints a line per connection: its output is read to the end, or it would die
    // writing to a closed pipe.
    let (found, port) = std::sync::mpsc::channel::<u16>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        // "Forwarding from 127.0.0.1:PORT -> 5432"
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(p) = line
                .strip_prefix("Forwarding from 127.0.0.1:")
                .and_then(|r| r.split_whitespace().next())
                .and_then(|p| p.parse::<u16>().ok())
            {
                let _ = found.send(p);
            }
        }
    });
    let port = tokio::task::spawn_blocking(move || port.recv_timeout(SQL))
        .await?
        .context("port-forward printed no local port")?;
    let superuser = cluster.superuser().await?;
    let through = data_plane::psql_at(
        "127.0.0.1",
        port,
        "postgres",
        &superuser,
        "postgres",
        "select inet_server_addr()",
    );
    let _ = forward.kill();
    let _ = forward.wait();
    let through = through?;
    // Inside the pod, the forwarded connection arrives on its loopback, as a kubelet's does.
    ensure!(
        through.trim() == "127.0.0.1",
        "port-forward reached {through} (master {master_ip})"
    );
    env.pgctl(&["delete", "acid-kx", "--yes"]).expect_code(0)?;
    Ok(())
}

/// Infrastructure roles: the legacy Secret (`user1`, `password1`, `inrole1`) in the operator's
/// namespace, with a ConfigMap of the same name adding a role with flags; a second definition
/// names a Secret that does not exist, which the status reports while the first one's roles
/// still log in.
#[tokio::test]
async fn infrastructure_roles_from_a_secret_log_in() -> Result<()> {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret};
    use kube::api::PostParams;

    if skip() {
        return Ok(());
    }
    let missing = pgctl_e2e::unique_name("e2e-missing-roles");
    let definition = format!("secretname:default/{missing},userkey:user,passwordkey:password");
    let config: Vec<(&str, &str)> = CONFIG
        .iter()
        .copied()
        .chain([
            (
                "infrastructure_roles_secret_name",
                "postgresql-infrastructure-roles",
            ),
            ("infrastructure_roles_secrets", definition.as_str()),
        ])
        .collect();
    let env = CliEnv::start_real("infra", &config).await?;
    let monitor_password = pgctl_e2e::unique_name("monitor-pw");
    let reporter_password = pgctl_e2e::unique_name("reporter-pw");
    let secret: Secret = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "postgresql-infrastructure-roles"},
        "stringData": {
            "user1": "monitor",
            "password1": monitor_password,
            "inrole1": "pg_monitor",
            "reporter": reporter_password,
        },
    }))?;
    let options: ConfigMap = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "postgresql-infrastructure-roles"},
        "data": {"reporter": "user_flags: [createdb]\ninrole: [pg_read_all_data]"},
    }))?;
    let operator_ns = env.controller_namespace.name().to_string();
    Api::<Secret>::namespaced(env.client.clone(), &operator_ns)
        .create(&PostParams::default(), &secret)
        .await?;
    Api::<ConfigMap>::namespaced(env.client.clone(), &operator_ns)
        .create(&PostParams::default(), &options)
        .await?;

    env.pgctl(&[
        "create",
        "acid-infra",
        "--team",
        "acid",
        "--instances",
        "1",
        "--size",
        "1Gi",
    ])
    .expect_code(0)?;
    let cluster = Cluster {
        env: &env,
        name: "acid-infra".to_string(),
    };
    let (_, ip, _) = cluster.topology(1).await?;
    wait_for(
        "the monitoring role to log in, a member of pg_monitor",
        BOOT,
        || async {
            Ok(psql(
                &ip,
                "monitor",
                &monitor_password,
                "postgres",
                "select pg_has_role('monitor', 'pg_monitor', 'member')",
            )
            .is_ok_and(|r| r == "t"))
        },
    )
    .await?;
    let reporter = psql(
        &ip,
        "reporter",
        &reporter_password,
        "postgres",
        "select rolcreatedb::text || ',' || pg_has_role('reporter', 'pg_read_all_data', 'member')::text from pg_roles where rolname = 'reporter'",
    )?;
    ensure!(reporter == "true,true", "reporter: {reporter}");

    // The missing Secret is reported; its name, not a password.
    let messages = wait_until("the missing Secret in the status", SQL, || async {
        let status = cluster.status().await?;
        let messages = status["messages"].to_string();
        Ok(messages.contains(&missing).then_some(messages))
    })
    .await?;
    ensure!(messages.contains("does not exist"), "{messages}");
    // No copy of the infrastructure passwords in the cluster's namespace, none in the log.
    let copies = Api::<Secret>::namespaced(env.client.clone(), cluster.ns())
        .list(&Default::default())
        .await?;
    for s in &copies.items {
        let values: Vec<String> = s
            .data
            .iter()
            .flatten()
            .map(|(_, v)| String::from_utf8_lossy(&v.0).into_owned())
            .collect();
        ensure!(
            !values.contains(&monitor_password),
            "{} holds the monitoring role's password",
            s.name_any()
        );
    }
    let log = std::fs::read_to_string(env.controller_log())?;
    ensure!(
        !log.contains(&monitor_password) && !log.contains(&reporter_password),
        "the controller's log holds an infrastructure password"
    );
    Ok(())
}
