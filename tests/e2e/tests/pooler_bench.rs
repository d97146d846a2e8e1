//! Benchmark of the connection pooler (issue 21), run by `bench/pooler.sh`, never by
//! `make test` (ignored): `pgbench -M simple`, read-only (`-S`) and write (`-N`), at 10 and 200
//! clients, with and without a new connection per transaction (`-C`), through the pooler
//! Service against the master Service directly, both from a database pod's network (the same
//! kube-proxy path). The server takes 250 connections, so the direct runs are not refused.
//! Prints BENCH lines for docs/performance.md.

use anyhow::{Result, ensure};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::data_plane;
use pgctl_e2e::db::{BOOT, Cluster, PGBENCH, apply_manifest, pgbench_init};
use pgctl_e2e::wait_for;

const CONFIG: &[(&str, &str)] = &[("resync_period", "1m"), ("repair_period", "10s")];

fn tps(report: &str) -> f64 {
    report
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

#[tokio::test]
#[ignore = "benchmark: bench/pooler.sh"]
async fn bench_pooler_against_direct_connections() -> Result<()> {
    ensure!(data_plane::real_pods_available(), "needs the pod runner");
    let env = CliEnv::start_real("benchpool", CONFIG).await?;
    let ns = env.namespace.name().to_string();
    apply_manifest(
        &env,
        "acid-bp",
        concat!(
            "  numberOfInstances: 1\n",
            "  volume: {size: 2Gi}\n",
            "  postgresql: {version: \"17\", parameters: {max_connections: \"250\"}}\n",
            "  users: {app: [login]}\n",
            "  databases: {appdb: app}\n",
            "  enableConnectionPooler: true\n",
            "  connectionPooler: {numberOfInstances: 1, maxDBConnections: 40}\n",
        ),
    )?;
    let cluster = Cluster {
        env: &env,
        name: "acid-bp".to_string(),
    };
    let (master, master_ip, _) = cluster.topology(1).await?;
    cluster.wait_pooler("acid-bp-pooler", 1).await?;
    let app = data_plane::password(&env.client, &ns, "acid-bp", "app").await?;
    wait_for("app to log in through the pooler", BOOT, || async {
        Ok(data_plane::psql_in_pod_db(
            &ns,
            &master,
            "acid-bp-pooler",
            "app",
            &app,
            "appdb",
            "select 1",
        )
        .is_ok())
    })
    .await?;
    pgbench_init(&master_ip, "app", &app, "appdb", 10)?;

    // One PgBouncer, then the configuration's default of two (each pair side by side).
    for instances in [1, 2] {
        if instances > 1 {
            cluster.patch(&format!(
                r#"{{"spec":{{"connectionPooler":{{"numberOfInstances":{instances}}}}}}}"#
            ))?;
            let deployments: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
                kube::Api::namespaced(env.client.clone(), &ns);
            wait_for("the pooler's pods to be replaced", BOOT, || async {
                let status = deployments
                    .get("acid-bp-pooler")
                    .await?
                    .status
                    .unwrap_or_default();
                Ok([
                    status.replicas,
                    status.updated_replicas,
                    status.ready_replicas,
                ]
                .iter()
                .all(|n| *n == Some(instances)))
            })
            .await?;
        }
        for workload in ["-S", "-N"] {
            for clients in ["10", "200"] {
                for reconnect in [false, true] {
                    let mut results = Vec::new();
                    for host in ["acid-bp", "acid-bp-pooler"] {
                        let mut command = data_plane::in_pod(&ns, &master, PGBENCH)?;
                        command
                            .args([
                                "-M", "simple", workload, "-n", "-T", "10", "-j", "2", "-c",
                                clients,
                            ])
                            .arg(format!("host={host} user=app dbname=appdb sslmode=require"))
                            .env("PGPASSWORD", &app);
                        if reconnect {
                            command.arg("-C");
                        }
                        let out = command.output()?;
                        let report = String::from_utf8_lossy(&out.stdout).to_string();
                        ensure!(
                            out.status.success(),
                            "pgbench {workload} -c {clients} to {host}: {report}{}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        results.push(tps(&report));
                    }
                    println!(
                        "BENCH pooler x{instances} pgbench {workload} -c {clients}{}: direct {:.0} tps, pooler {:.0} tps, pooler/direct {:.2}",
                        if reconnect { " -C" } else { "" },
                        results[0],
                        results[1],
                        results[1] / results[0]
                    );
                }
            }
        }
    }
    Ok(())
}
