//! Benchmark of the fleet command line (issue 22), run by `bench/fleet.sh`, never by
//! `make test` (ignored). Side by side in one run:
//! - `pgctl list` over 500 postgresql resources against `kubectl get postgresql` (no controller,
//!   no pods: the list is what is timed);
//! - `pgctl status -l` over 100 of them at `--concurrency` 8 and 32;
//! - `pgctl test -l` and `pgctl status -l` over N real single-instance clusters
//!   (`PGCTL_BENCH_CLUSTERS`, default 10) at concurrency 8.
//!
//! Each command runs several times; the median and the fastest are printed as BENCH lines
//! for docs/performance.md.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use pgctl_e2e::cli::{CliEnv, CliOutput};
use pgctl_e2e::data_plane;
use pgctl_e2e::db::{Cluster, apply_one_instance};

const CONFIG: &[(&str, &str)] = &[("resync_period", "30m"), ("repair_period", "30m")];

/// Runs `run` `runs` times; the median and the fastest duration, in milliseconds.
fn timed(runs: usize, mut run: impl FnMut() -> Result<()>) -> Result<(u128, u128)> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        run()?;
        times.push(started.elapsed().as_millis());
    }
    times.sort_unstable();
    Ok((times[times.len() / 2], times[0]))
}

fn ok(out: CliOutput) -> Result<()> {
    ensure!(out.code == 0, "{}", out.all());
    Ok(())
}

#[tokio::test]
#[ignore = "benchmark: bench/fleet.sh"]
async fn bench_fleet_commands() -> Result<()> {
    // 500 resources, no controller.
    let env = CliEnv::start("benchlist", CONFIG, false).await?;
    let ns = env.namespace.name().to_string();
    let mut manifest = String::new();
    for i in 1..=500 {
        let group = if i <= 100 { "a" } else { "b" };
        manifest.push_str(&format!(
            "---\napiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {{name: bench-{i:04}, labels: {{group: {group}}}}}\n\
             spec: {{teamId: bench, numberOfInstances: 1, volume: {{size: 1Gi}}, postgresql: {{version: \"17\"}}}}\n"
        ));
    }
    let path = std::env::temp_dir().join(format!("{ns}.yaml"));
    std::fs::write(&path, &manifest)?;
    data_plane::kubectl_ok(&["-n", &ns, "create", "-f", &path.to_string_lossy()])?;
    std::fs::remove_file(&path)?;
    let listed = env.pgctl(&["list", "-o", "name"]);
    ensure!(listed.stdout.lines().count() == 500, "{}", listed.all());

    let (kubectl_median, kubectl_min) = timed(11, || {
        data_plane::kubectl_ok(&["-n", &ns, "get", "postgresql"]).map(|_| ())
    })?;
    let (median, min) = timed(11, || ok(env.pgctl(&["list"])))?;
    println!(
        "BENCH list 500 clusters: pgctl list median {median} ms (min {min}); kubectl get postgresql median {kubectl_median} ms (min {kubectl_min})"
    );
    let (median, min) = timed(11, || ok(env.pgctl(&["list", "-o", "json"])))?;
    println!("BENCH list 500 clusters -o json: median {median} ms (min {min})");
    for concurrency in ["8", "32"] {
        let (median, min) = timed(5, || {
            let out = env.pgctl(&[
                "status",
                "-l",
                "group=a",
                "-o",
                "json",
                "--concurrency",
                concurrency,
            ]);
            let reports: Vec<serde_json::Value> = serde_json::from_str(&out.stdout)?;
            ensure!(reports.len() == 100, "{} reports", reports.len());
            Ok(())
        })?;
        println!(
            "BENCH status -l over 100 clusters (no pods), concurrency {concurrency}: median {median} ms (min {min})"
        );
    }
    drop(env);

    // Real clusters.
    let count: usize = std::env::var("PGCTL_BENCH_CLUSTERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let env = CliEnv::start_real("benchfleet", CONFIG).await?;
    let started = Instant::now();
    let names: Vec<String> = (1..=count).map(|i| format!("acid-b{i:03}")).collect();
    for name in &names {
        apply_one_instance(&env, name, "")?;
    }
    data_plane::kubectl_ok(&[
        "-n",
        env.namespace.name(),
        "label",
        "postgresql",
        "--all",
        "bench=real",
    ])?;
    for name in &names {
        Cluster {
            env: &env,
            name: name.clone(),
        }
        .topology(1)
        .await?;
    }
    println!(
        "BENCH {count} real clusters running after {} s",
        started.elapsed().as_secs()
    );
    // Every one answers before the timing starts.
    pgctl_e2e::wait_for(
        "every cluster to pass pgctl test",
        Duration::from_secs(120),
        || async { Ok(env.pgctl(&["test", "-l", "bench=real"]).code == 0) },
    )
    .await?;
    let (median, min) = timed(5, || {
        let out = env.pgctl(&["test", "-l", "bench=real", "-o", "json"]);
        let checks: Vec<serde_json::Value> = serde_json::from_str(&out.stdout)?;
        ensure!(out.code == 0 && checks.len() == 2 * count, "{}", out.all());
        Ok(())
    })?;
    println!(
        "BENCH test -l over {count} real clusters ({} connections), concurrency 8: median {median} ms (min {min})",
        2 * count
    );
    let (median, min) = timed(5, || {
        ok(env.pgctl(&["status", "-l", "bench=real", "-o", "json"]))
    })?;
    println!(
        "BENCH status -l over {count} real clusters, concurrency 8: median {median} ms (min {min})"
    );
    Ok(())
}
