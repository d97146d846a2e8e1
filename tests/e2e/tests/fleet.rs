//! The fleet verbs over several real clusters: `pgctl policy` stores SQL and runs it on the
//! masters a selector picks, once per version of the SQL (recorded on each cluster), again with
//! `--force`; a policy that fails on one cluster reports it, exits 1, and leaves that cluster's
//! data as it was (one transaction) and the others applied; a policy outside a transaction
//! creates a database. Then the other fleet verbs on the same clusters: `status -l`,
//! `reload -l`, `restart -l` refused without `--yes`, `show pvc`, Patroni's maintenance mode,
//! and `report`, whose bundle holds the resource, Events and logs and no credential of any
//! Secret of the namespace. Needs the pod runner.

use anyhow::{Result, ensure};
use pgctl_e2e::cli::{CliEnv, CliOutput};
use pgctl_e2e::data_plane::{self, psql_in_pod};
use pgctl_e2e::db::{Cluster, apply_one_instance};

const CONFIG: &[(&str, &str)] = &[("resync_period", "30m"), ("repair_period", "30m")];

/// How many rows `policy_marks` has on a cluster's master (`None`: no such table).
async fn marks(cluster: &Cluster<'_>) -> Result<Option<u64>> {
    let (master, ip, _) = cluster.topology(1).await?;
    let password = cluster.superuser().await?;
    let run = |sql: &str| psql_in_pod(cluster.ns(), &master, &ip, "postgres", &password, sql);
    if run("select to_regclass('policy_marks') is null")?.trim() == "t" {
        return Ok(None);
    }
    Ok(Some(
        run("select count(*) from policy_marks")?.trim().parse()?,
    ))
}

fn outcomes(out: &CliOutput) -> Result<Vec<serde_json::Value>> {
    let value: serde_json::Value =
        serde_json::from_str(&out.stdout).map_err(|e| anyhow::anyhow!("{e}: {}", out.all()))?;
    Ok(value.as_array().cloned().unwrap_or_default())
}

fn result_of(rows: &[serde_json::Value], cluster: &str) -> String {
    rows.iter()
        .find(|r| r["cluster"] == cluster)
        .map(|r| r["result"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| "absent".to_string())
}

#[tokio::test]
async fn policies_run_once_per_version_on_the_selected_masters() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let env = CliEnv::start_real("fleet", CONFIG).await?;
    for name in ["acid-pa", "acid-pb", "acid-pc"] {
        apply_one_instance(&env, name, "")?;
    }
    env.pgctl(&["label", "acid-pa", "acid-pb", "tier=gold"])
        .expect_code(0)?;
    env.pgctl(&["label", "acid-pc", "tier=silver"])
        .expect_code(0)?;
    let cluster = |name: &str| Cluster {
        env: &env,
        name: name.to_string(),
    };
    let (pa, pb, pc) = (cluster("acid-pa"), cluster("acid-pb"), cluster("acid-pc"));
    for c in [&pa, &pb, &pc] {
        c.topology(1).await?;
        env.wait_status(&c.name, "Running").await?;
    }

    let sql = "create table if not exists policy_marks (at timestamptz default now());\n\
               do $$ begin if to_regclass('blocker') is not null then raise exception 'blocked on this cluster'; end if; end $$;\n\
               insert into policy_marks default values;\n";
    env.pgctl_with_stdin(&["policy", "create", "marks", "-f", "-"], sql)
        .expect_code(0)?;
    let again = env.pgctl_with_stdin(&["policy", "create", "marks", "-f", "-"], sql);
    ensure!(
        again.code == 2 && again.stderr.contains("--overwrite"),
        "{}",
        again.all()
    );
    let listed = env.pgctl(&["policy", "list"]).expect_code(0)?;
    ensure!(listed.stdout.contains("marks"), "{}", listed.all());

    // Over a selector, without a terminal: only with --yes.
    let refused = env.pgctl(&["policy", "apply", "marks", "-l", "tier=gold"]);
    ensure!(
        refused.code == 2 && refused.stderr.contains("--yes"),
        "{}",
        refused.all()
    );
    ensure!(marks(&pa).await?.is_none(), "ran without confirmation");

    // The two gold masters run it; silver does not; each records it.
    let apply_gold = || {
        env.pgctl(&[
            "policy",
            "apply",
            "marks",
            "-l",
            "tier=gold",
            "--yes",
            "-o",
            "json",
        ])
        .expect_code(0)
    };
    let first = apply_gold()?;
    let rows = outcomes(&first)?;
    ensure!(rows.len() == 2, "{}", first.stdout);
    ensure!(
        result_of(&rows, "acid-pa") == "applied" && result_of(&rows, "acid-pb") == "applied",
        "{}",
        first.stdout
    );
    ensure!(marks(&pa).await? == Some(1) && marks(&pb).await? == Some(1));
    ensure!(marks(&pc).await?.is_none(), "the unselected cluster ran it");
    let recorded = |name: &str| {
        let out = env.pgctl(&["list", name, "-o", "wide"]);
        out.stdout.contains("marks")
    };
    ensure!(recorded("acid-pa") && recorded("acid-pb") && !recorded("acid-pc"));

    // Again: nothing runs. --force: it runs again.
    let second = apply_gold()?;
    let rows = outcomes(&second)?;
    ensure!(
        result_of(&rows, "acid-pa") == "unchanged" && result_of(&rows, "acid-pb") == "unchanged",
        "{}",
        second.stdout
    );
    ensure!(marks(&pa).await? == Some(1));
    let forced = env
        .pgctl(&["policy", "apply", "marks", "acid-pa", "--force"])
        .expect_code(0)?;
    ensure!(forced.stdout.contains("applied"), "{}", forced.all());
    ensure!(marks(&pa).await? == Some(2));

    // A failure on one cluster: that cluster is reported and keeps its data (one transaction),
    // the other applies, the command exits 1.
    let (pb_master, pb_ip, _) = pb.topology(1).await?;
    let pb_password = pb.superuser().await?;
    psql_in_pod(
        pb.ns(),
        &pb_master,
        &pb_ip,
        "postgres",
        &pb_password,
        "create table blocker ()",
    )?;
    let failing = env.pgctl(&[
        "policy",
        "apply",
        "marks",
        "-l",
        "tier=gold",
        "--force",
        "--yes",
        "-o",
        "json",
    ]);
    ensure!(failing.code == 1, "{}", failing.all());
    let rows = outcomes(&failing)?;
    ensure!(
        result_of(&rows, "acid-pa") == "applied" && result_of(&rows, "acid-pb") == "failed",
        "{}",
        failing.stdout
    );
    let detail = rows
        .iter()
        .find(|r| r["cluster"] == "acid-pb")
        .map(|r| r["detail"].to_string())
        .unwrap_or_default();
    ensure!(
        detail.contains("blocked on this cluster"),
        "{}",
        failing.stdout
    );
    ensure!(marks(&pa).await? == Some(3) && marks(&pb).await? == Some(1));

    // Outside a transaction: CREATE DATABASE runs.
    env.pgctl_with_stdin(
        &[
            "policy",
            "create",
            "reporting-db",
            "--no-transaction",
            "-f",
            "-",
        ],
        "create database reporting;\nvacuum analyze;\n",
    )
    .expect_code(0)?;
    env.pgctl(&["policy", "apply", "reporting-db", "acid-pc"])
        .expect_code(0)?;
    let (pc_master, pc_ip, _) = pc.topology(1).await?;
    let databases = psql_in_pod(
        pc.ns(),
        &pc_master,
        &pc_ip,
        "postgres",
        &pc.superuser().await?,
        "select count(*) from pg_database where datname = 'reporting'",
    )?;
    ensure!(databases.trim() == "1", "{databases}");

    let shown = env
        .pgctl(&["policy", "show", "marks", "-o", "json"])
        .expect_code(0)?;
    let shown: serde_json::Value = serde_json::from_str(&shown.stdout)?;
    ensure!(
        shown["ranOn"].as_array().map(Vec::len) == Some(2),
        "{shown}"
    );
    env.pgctl(&["policy", "delete", "marks", "reporting-db"])
        .expect_code(0)?;
    let gone = env.pgctl(&["policy", "show", "marks"]);
    ensure!(gone.code == 1, "{}", gone.all());

    // status -l: the selected clusters' reports, as a list.
    let statuses = env
        .pgctl(&["status", "-l", "tier=gold", "-o", "json"])
        .expect_code(0)?;
    let statuses: Vec<serde_json::Value> = serde_json::from_str(&statuses.stdout)?;
    let names: Vec<&str> = statuses.iter().filter_map(|s| s["name"].as_str()).collect();
    ensure!(names == ["acid-pa", "acid-pb"], "{names:?}");
    // reload -l: each cluster, and a summary; restart -l asks first.
    let reloaded = env.pgctl(&["reload", "-l", "tier=gold"]).expect_code(0)?;
    ensure!(
        reloaded.stdout.contains("acid-pa-0 reloaded")
            && reloaded.stdout.contains("acid-pb-0 reloaded")
            && reloaded.stderr.contains("2 clusters: 2 done, 0 failed"),
        "{}",
        reloaded.all()
    );
    let refused = env.pgctl(&["restart", "-l", "tier=gold"]);
    ensure!(
        refused.code == 2 && refused.stderr.contains("--yes"),
        "{}",
        refused.all()
    );
    let refused = env.pgctl(&["scale", "-l", "", "--instances", "2", "--yes"]);
    ensure!(refused.code == 2, "{}", refused.all());

    // show pvc: the claim, bound, and the space PostgreSQL uses on it.
    let claims = env
        .pgctl(&["show", "pvc", "acid-pa", "-o", "json"])
        .expect_code(0)?;
    let claims: Vec<serde_json::Value> = serde_json::from_str(&claims.stdout)?;
    ensure!(
        claims.len() == 1
            && claims[0]["name"] == "pgdata-acid-pa-0"
            && claims[0]["phase"] == "Bound"
            && claims[0]["pod"] == "acid-pa-0"
            && claims[0]["usedBytes"]
                .as_u64()
                .is_some_and(|u| u > 1_000_000)
            && claims[0]["sizeBytes"].as_u64() >= claims[0]["usedBytes"].as_u64(),
        "{claims:?}"
    );

    // Patroni's maintenance mode, on and off.
    let (_, pa_ip, _) = pa.topology(1).await?;
    env.pgctl(&["pause", "acid-pa", "--patroni"])
        .expect_code(0)?;
    let paused = data_plane::patroni_get(&pa_ip, "/cluster").await?;
    ensure!(paused["pause"] == true, "{paused}");
    env.pgctl(&["resume", "acid-pa", "--patroni"])
        .expect_code(0)?;
    let resumed = data_plane::patroni_get(&pa_ip, "/cluster").await?;
    ensure!(resumed["pause"] != true, "{resumed}");

    report_has_no_credentials(&env).await
}

/// `pgctl report`: the bundle holds the resource, status, Events, Patroni's view and the
/// logs, is readable by its owner only, and contains no credential of any Secret of the
/// namespace.
async fn report_has_no_credentials(env: &CliEnv) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::temp_dir().join(format!("{}-report.tar.gz", env.namespace.name()));
    let path_text = path.to_string_lossy().to_string();
    let made = env
        .pgctl(&["report", "acid-pa", "-o", &path_text, "--tail", "2000"])
        .expect_code(0)?;
    let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
    ensure!(mode == 0o600, "the bundle's mode is {mode:o}");
    let tar = |flags: &str| -> Result<String> {
        let out = std::process::Command::new("tar")
            .args([flags, &path_text])
            .output()?;
        ensure!(
            out.status.success(),
            "tar {flags}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let listing = tar("-tzf")?;
    for file in [
        "acid-pa-report/README.txt",
        "acid-pa-report/postgresql.yaml",
        "acid-pa-report/status.json",
        "acid-pa-report/events.yaml",
        "acid-pa-report/statefulsets/acid-pa.yaml",
        "acid-pa-report/patroni/cluster.json",
        "acid-pa-report/patroni/history.json",
        "acid-pa-report/logs/acid-pa-0/postgres.log",
        "acid-pa-report/secrets/postgres.acid-pa.credentials.postgresql.acid.zalan.do.yaml",
    ] {
        ensure!(
            listing.lines().any(|l| l == file),
            "{file} missing: {listing}\n{}",
            made.all()
        );
    }
    let contents = tar("-xzOf")?;
    ensure!(
        contents.contains("kind: postgresql") && contents.contains("involvedObject"),
        "no resource or no Events in the bundle"
    );
    ensure!(
        contents.contains("<redacted>"),
        "the Secrets are not in the bundle as redacted"
    );
    // Every credential of every Secret of the namespace: none in any file.
    let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(env.client.clone(), env.namespace.name());
    let mut searched = 0;
    for secret in secrets.list(&Default::default()).await? {
        for (key, value) in secret.data.unwrap_or_default() {
            let value = String::from_utf8_lossy(&value.0).to_string();
            if key == "password" {
                searched += 1;
                ensure!(
                    !contents.contains(&value),
                    "the password of Secret {:?} is in the bundle",
                    secret.metadata.name
                );
            }
        }
    }
    ensure!(searched >= 3, "only {searched} passwords searched for");
    std::fs::remove_file(&path)?;
    Ok(())
}
