//! End-to-end tests of the `pgctl` command line against the local control plane, with the
//! controller running as a child process watching only the test namespace. Pods are fake, so
//! the tests play Patroni's part where a cluster must be Running (see `make_pods_ready`).
//! `pgctl` runs as a script would: stdin is not a terminal.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, Patch, PatchParams};
use pgctl_e2e::cli::CliEnv;
use pgctl_e2e::{unique_name, wait_for};
use pgctl_shared::crd::Postgresql;

const FLAG: &str = "zalando-postgres-operator-rolling-update-required";

fn clusters(env: &CliEnv) -> Api<Postgresql> {
    Api::namespaced(env.client.clone(), env.namespace.name())
}

fn manifest(name: &str, instances: i32, labels: &str) -> String {
    format!(
        "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nspec:\n  teamId: acid\n  numberOfInstances: {instances}\n  volume: {{size: 1Gi}}\n  postgresql: {{version: \"17\"}}\n"
    )
}

/// These tests run one at a time: run side by side, each with its own controller, the
/// `edit` step of the first test was seen to fail with a 409 conflict on a merge patch, which
/// points to a status-write storm that is not yet understood (see the closing note).
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn create_list_status_scale_update_delete() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-crud", &[], true).await?;
    let ns = env.namespace.name().to_string();

    // create from flags
    let out = env
        .pgctl(&[
            "create",
            "acid-a",
            "--team",
            "acid",
            "--instances",
            "1",
            "--size",
            "2Gi",
            "--user",
            "app:createdb",
            "--database",
            "app:app",
            "--param",
            "max_connections=50",
            "--label",
            "tier=gold",
        ])
        .expect_code(0)?;
    assert_eq!(out.stdout, "postgresql.acid.zalan.do/acid-a created\n");
    let a = clusters(&env).get("acid-a").await?;
    assert_eq!(a.spec.volume.size, "2Gi");
    assert_eq!(
        a.spec
            .databases
            .as_ref()
            .and_then(|d| d.get("app"))
            .map(String::as_str),
        Some("app")
    );

    // create from a file (stdin), with a label to select by
    env.pgctl_with_stdin(&["create", "-f", "-"], &manifest("acid-b", 1, "env: test"))
        .expect_code(0)?;
    assert!(clusters(&env).get_opt("acid-b").await?.is_some());

    // dry runs create nothing
    let out = env
        .pgctl(&[
            "create",
            "acid-dry",
            "--team",
            "acid",
            "--dry-run=client",
            "-o",
            "json",
        ])
        .expect_code(0)?;
    let value: serde_json::Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(value["metadata"]["namespace"], ns.as_str());
    let out = env
        .pgctl(&["create", "acid-dry", "--team", "acid", "--dry-run=server"])
        .expect_code(0)?;
    assert!(out.stdout.contains("(server dry run)"), "{}", out.stdout);
    assert!(clusters(&env).get_opt("acid-dry").await?.is_none());

    // validation runs before anything is sent
    let out = env
        .pgctl(&[
            "create",
            "acid-bad",
            "--team",
            "acid",
            "--user",
            "x:login,nologin",
        ])
        .expect_code(1)?;
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(clusters(&env).get_opt("acid-bad").await?.is_none());
    // an existing name says what to do
    let out = env
        .pgctl(&["create", "acid-a", "--team", "acid"])
        .expect_code(1)?;
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);

    // list: table, selector, all namespaces, name, json
    env.wait_status("acid-a", "Creating").await?;
    let out = env.pgctl(&["list"]).expect_code(0)?;
    let header = out.stdout.lines().next().unwrap_or_default().to_string();
    assert!(header.starts_with("NAME"), "{}", out.stdout);
    for column in ["TEAM", "VERSION", "INSTANCES", "VOLUME", "STATUS", "AGE"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(
        out.stdout.contains("acid-a") && out.stdout.contains("acid-b"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\x1b'), "no colour off a terminal");
    let out = env
        .pgctl(&["list", "-l", "env=test", "-o", "name"])
        .expect_code(0)?;
    assert_eq!(out.stdout, "postgresql.acid.zalan.do/acid-b\n");
    let out = env.pgctl(&["get", "-A", "-o", "wide"]).expect_code(0)?;
    assert!(out.stdout.starts_with("NAMESPACE"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&ns) && out.stdout.contains("PRIMARY"),
        "{}",
        out.stdout
    );
    let out = env.pgctl(&["list", "-o", "json"]).expect_code(0)?;
    let list: serde_json::Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));

    // status in every format, once the cluster runs
    env.make_pods_ready("acid-a", 1).await?;
    env.wait_status("acid-a", "Running").await?;
    let out = env.pgctl(&["status", "acid-a"]).expect_code(0)?;
    for section in [
        "Cluster",
        "Status",
        "Instances",
        "Services",
        "Secrets",
        "Events",
        "acid-a-0",
        "master",
        "Running",
    ] {
        assert!(
            out.stdout.contains(section),
            "{section:?} missing:\n{}",
            out.stdout
        );
    }
    let out = env
        .pgctl(&["describe", "acid-a", "-o", "json"])
        .expect_code(0)?;
    let status: serde_json::Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(status["status"]["primary"], "acid-a-0");
    assert_eq!(status["instances"][0]["role"], "master");
    assert!(status["secrets"].as_array().is_some_and(|s| !s.is_empty()));
    let out = env
        .pgctl(&["status", "acid-a", "-o", "yaml"])
        .expect_code(0)?;
    let status: serde_yaml::Value = serde_yaml::from_str(&out.stdout)?;
    assert_eq!(status["name"].as_str(), Some("acid-a"));
    let out = env
        .pgctl(&["status", "acid-a", "-o", "name"])
        .expect_code(0)?;
    assert_eq!(out.stdout, "postgresql.acid.zalan.do/acid-a\n");
    let out = env.pgctl(&["status", "acid-nope"]).expect_code(1)?;
    assert!(
        out.stderr.contains(&format!(
            "postgresql \"acid-nope\" not found in namespace \"{ns}\""
        )),
        "{}",
        out.stderr
    );

    // scale, and scaling to 0 needs --yes off a terminal
    env.pgctl(&["scale", "acid-a", "--instances", "2"])
        .expect_code(0)?;
    assert_eq!(
        clusters(&env).get("acid-a").await?.spec.number_of_instances,
        2
    );
    let out = env
        .pgctl(&["scale", "acid-b", "--instances", "0"])
        .expect_code(2)?;
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(
        clusters(&env).get("acid-b").await?.spec.number_of_instances,
        1
    );
    env.pgctl(&["scale", "acid-b", "--instances", "0", "--yes"])
        .expect_code(0)?;
    assert_eq!(
        clusters(&env).get("acid-b").await?.spec.number_of_instances,
        0
    );
    // Without pods it is reported stopped, not Running.
    env.wait_status("acid-b", "Stopped").await?;
    let out = env.pgctl(&["status", "acid-b"]).expect_code(0)?;
    assert!(out.stdout.contains("Stopped"), "{}", out.stdout);
    let stopped = clusters(&env)
        .get("acid-b")
        .await?
        .status
        .unwrap_or_default();
    assert!(
        stopped
            .conditions
            .iter()
            .any(|c| c.type_ == "Stopped" && c.status == "True"),
        "{:?}",
        stopped.conditions
    );

    // update: a patch of the named fields
    let out = env
        .pgctl(&[
            "update",
            "acid-a",
            "--memory",
            "512Mi",
            "--add-user",
            "ro:nologin",
            "--add-database",
            "reports:ro",
            "--remove-param",
            "max_connections",
            "--param",
            "work_mem=16MB",
        ])
        .expect_code(0)?;
    assert!(
        out.stdout
            .contains("spec.resources.requests.memory: (none) -> 512Mi"),
        "{}",
        out.stdout
    );
    let a = clusters(&env).get("acid-a").await?;
    assert_eq!(a.spec.number_of_instances, 2, "untouched fields stay");
    assert!(
        a.spec
            .users
            .as_ref()
            .is_some_and(|u| u.contains_key("ro") && u.contains_key("app"))
    );
    let params = a.spec.postgresql.parameters.clone().unwrap_or_default();
    assert_eq!(params.get("work_mem").map(String::as_str), Some("16MB"));
    assert!(!params.contains_key("max_connections"));
    env.pgctl(&["update", "acid-a", "--add-user", "ro"])
        .expect_code(2)?;

    // apply: several documents, server-side
    let docs = format!(
        "{}---\n{}",
        manifest("acid-c", 1, ""),
        manifest("acid-b", 1, "env: test")
    );
    // acid-b was scaled meanwhile: taking numberOfInstances back is a conflict to force.
    let out = env
        .pgctl_with_stdin(&["apply", "-f", "-"], &docs)
        .expect_code(1)?;
    assert!(out.stderr.contains("--force-conflicts"), "{}", out.stderr);
    let out = env
        .pgctl_with_stdin(&["apply", "-f", "-", "--force-conflicts"], &docs)
        .expect_code(0)?;
    assert!(
        out.stdout
            .contains("postgresql.acid.zalan.do/acid-c serverside-applied"),
        "{}",
        out.stdout
    );
    assert_eq!(
        clusters(&env).get("acid-b").await?.spec.number_of_instances,
        1
    );

    // edit with a scripted editor
    let editor = std::env::temp_dir().join(format!("{}-editor.sh", unique_name("pgctl")));
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/numberOfInstances: 1/numberOfInstances: 2/' \"$1\"\n",
    )?;
    make_executable(&editor)?;
    let out = env
        .command(&["edit", "acid-c"])
        .env("KUBE_EDITOR", &editor)
        .stdin(std::process::Stdio::null())
        .output()?;
    let _ = std::fs::remove_file(&editor);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        clusters(&env).get("acid-c").await?.spec.number_of_instances,
        2
    );

    // delete: refused without --yes off a terminal, then done with --yes --wait
    let out = env.pgctl(&["delete", "acid-b"]).expect_code(2)?;
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert!(
        out.stderr.contains("goes:"),
        "the plan is shown: {}",
        out.stderr
    );
    assert!(clusters(&env).get_opt("acid-b").await?.is_some());
    let out = env
        .pgctl(&[
            "delete",
            "acid-b",
            "acid-c",
            "--yes",
            "--wait",
            "--timeout",
            "90s",
        ])
        .expect_code(0)?;
    assert!(
        out.stdout
            .contains("postgresql.acid.zalan.do/acid-b deleted"),
        "{}",
        out.stdout
    );
    assert!(clusters(&env).get_opt("acid-b").await?.is_none());
    assert!(clusters(&env).get_opt("acid-c").await?.is_none());
    Ok(())
}

fn make_executable(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions)?;
    Ok(())
}

#[tokio::test]
async fn create_wait_and_rollout_status_of_flagged_pods() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-roll", &[], true).await?;
    // create --wait blocks until the cluster is Running.
    let waiting = env
        .command(&[
            "create",
            "acid-r",
            "--team",
            "acid",
            "--instances",
            "2",
            "--wait",
            "--timeout",
            "120s",
        ])
        .stdin(std::process::Stdio::null())
        .spawn()?;
    env.make_pods_ready("acid-r", 2).await?;
    let out = tokio::task::spawn_blocking(move || waiting.wait_with_output()).await??;
    assert!(
        out.status.success(),
        "create --wait: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    env.pgctl(&["rollout", "status", "acid-r", "--timeout", "30s"])
        .expect_code(0)?;

    // Flag a pod as the controller does when its template is outdated.
    let pods: Api<Pod> = Api::namespaced(env.client.clone(), env.namespace.name());
    let flag = serde_json::json!({"metadata": {"annotations": {FLAG: "true"}}});
    pods.patch("acid-r-1", &PatchParams::default(), &Patch::Merge(&flag))
        .await?;
    env.wait_status("acid-r", "Updating").await?;
    let out = env
        .pgctl(&["rollout", "status", "acid-r", "--watch=false"])
        .expect_code(0)?;
    assert!(out.stdout.contains("1 of 2 pods updated"), "{}", out.stdout);
    let out = env
        .pgctl(&["rollout", "status", "acid-r", "--timeout", "3s"])
        .expect_code(3)?;
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
    assert!(
        out.stdout.contains("1 of 2 pods updated"),
        "progress is printed: {}",
        out.stdout
    );
    let out = env.pgctl(&["status", "acid-r"]).expect_code(0)?;
    assert!(out.stdout.contains("Rollout"), "{}", out.stdout);

    // The pod is replaced (here: the flag goes away): the rollout completes.
    let following = env
        .command(&["rollout", "status", "acid-r", "--timeout", "90s"])
        .stdin(std::process::Stdio::null())
        .spawn()?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let unflag = serde_json::json!({"metadata": {"annotations": {FLAG: null}}});
    pods.patch("acid-r-1", &PatchParams::default(), &Patch::Merge(&unflag))
        .await?;
    let out = tokio::task::spawn_blocking(move || following.wait_with_output()).await??;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date: 2/2"));

    // rollout restart sets the annotation the controller reacts to.
    let out = env
        .pgctl(&["rollout", "restart", "acid-r"])
        .expect_code(0)?;
    assert!(out.stdout.contains("restart requested"), "{}", out.stdout);
    let pg = clusters(&env).get("acid-r").await?;
    let annotations = pg.metadata.annotations.unwrap_or_default();
    assert!(
        annotations.contains_key("pgctl.acid.zalan.do/restartedAt"),
        "{annotations:?}"
    );
    Ok(())
}

#[tokio::test]
async fn delete_protection_annotations() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start(
        "cli-protect",
        &[
            ("delete_annotation_date_key", "delete-date"),
            ("delete_annotation_name_key", "delete-clustername"),
        ],
        false,
    )
    .await?;
    env.pgctl_with_stdin(&["apply", "-f", "-"], &manifest("acid-p", 1, ""))
        .expect_code(0)?;
    let out = env.pgctl(&["delete", "acid-p", "--yes"]).expect_code(2)?;
    assert!(out.stderr.contains("--confirm-protected"), "{}", out.stderr);
    assert!(clusters(&env).get_opt("acid-p").await?.is_some());
    // Watch the annotations being set on the way out.
    env.pgctl(&["delete", "acid-p", "--yes", "--confirm-protected"])
        .expect_code(0)?;
    wait_for("acid-p to be gone", Duration::from_secs(30), || async {
        Ok(clusters(&env).get_opt("acid-p").await?.is_none())
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn no_command_prints_a_password_without_show_password() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-secret", &[], true).await?;
    env.pgctl(&[
        "create",
        "acid-s",
        "--team",
        "acid",
        "--instances",
        "1",
        "--user",
        "app:login",
    ])
    .expect_code(0)?;
    env.make_pods_ready("acid-s", 1).await?;
    env.wait_status("acid-s", "Running").await?;
    let secrets: Api<Secret> = Api::namespaced(env.client.clone(), env.namespace.name());
    let mut passwords = Vec::new();
    for user in ["postgres", "app"] {
        let name = format!("{user}.acid-s.credentials.postgresql.acid.zalan.do");
        let secret = secrets
            .get(&name)
            .await
            .with_context(|| format!("Secret {name}"))?;
        let password = secret
            .data
            .and_then(|d| d.get("password").cloned())
            .context("password key")?;
        passwords.push(String::from_utf8(password.0)?);
    }
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "-o", "json"],
        vec!["list", "-o", "yaml"],
        vec!["list", "-o", "wide"],
        vec!["status", "acid-s"],
        vec!["status", "acid-s", "-o", "json"],
        vec!["status", "acid-s", "-o", "yaml"],
        vec!["connect", "acid-s"],
        vec!["connect", "acid-s", "--user", "app"],
        vec!["plan", "acid-s"],
        vec!["plan", "acid-s", "-o", "json"],
        vec!["plan", "acid-s", "-o", "yaml"],
        vec!["rollout", "status", "acid-s", "--watch=false"],
        vec![
            "update",
            "acid-s",
            "--param",
            "work_mem=8MB",
            "--dry-run",
            "-o",
            "yaml",
        ],
        vec!["delete", "acid-s"],
    ];
    for args in &commands {
        let out = env.pgctl(args);
        for password in &passwords {
            assert!(
                !out.all().contains(password.as_str()),
                "pgctl {args:?} printed a password"
            );
        }
    }
    let out = env
        .pgctl(&["connect", "acid-s", "--user", "app", "--show-password"])
        .expect_code(0)?;
    let encoded: String = passwords[1]
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        out.stdout.contains(&format!("app:{encoded}@acid-s.")),
        "the URI holds the password"
    );
    Ok(())
}

#[tokio::test]
async fn plan_shows_creations_then_changes() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-plan", &[], true).await?;
    let file = std::env::temp_dir().join(format!("{}.yaml", unique_name("pgctl-plan")));
    std::fs::write(&file, manifest("acid-q", 1, ""))?;
    let path = file.to_string_lossy().to_string();
    let out = env.pgctl(&["plan", "-f", &path]).expect_code(0)?;
    assert!(
        out.stdout.contains("+ create    StatefulSet acid-q"),
        "{}",
        out.stdout
    );
    env.pgctl(&["apply", "-f", &path]).expect_code(0)?;
    env.wait_status("acid-q", "Creating").await?;
    std::fs::write(&file, manifest("acid-q", 3, ""))?;
    let out = env
        .pgctl(&["plan", "-f", &path, "-o", "json"])
        .expect_code(0)?;
    let _ = std::fs::remove_file(&file);
    let plan: serde_json::Value = serde_json::from_str(&out.stdout)?;
    let sts = plan["actions"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["kind"] == "StatefulSet"))
        .context("StatefulSet action")?;
    assert_eq!(sts["action"], "update", "{sts}");
    assert!(
        sts["changes"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["path"] == "spec.replicas" && c["desired"] == 3)),
        "{sts}"
    );
    Ok(())
}

#[tokio::test]
async fn install_and_uninstall() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-install", &[], false).await?;
    let system = unique_name("e2e-pgctl-system");
    let out = env
        .command_in(
            &system,
            &[
                "install",
                "--watch-namespace",
                env.namespace.name(),
                "--replicas",
                "1",
                "--image",
                "example.invalid/pgctl-controller:e2e",
                "--timeout",
                "120s",
            ],
        )
        .stdin(std::process::Stdio::null())
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let cleanup = |client: kube::Client, system: String| async move {
        let _ = Api::<Namespace>::all(client)
            .delete(&system, &Default::default())
            .await;
    };
    if !out.status.success() {
        cleanup(env.client.clone(), system.clone()).await;
        bail!("install failed:\n{stdout}\n{stderr}");
    }
    assert!(stdout.contains("the controller is ready"), "{stdout}");
    let deployment = Api::<Deployment>::namespaced(env.client.clone(), &system)
        .get("pgctl-controller")
        .await?;
    let container = deployment
        .spec
        .and_then(|s| s.template.spec)
        .and_then(|s| s.containers.into_iter().next())
        .context("container")?;
    assert_eq!(
        container.image.as_deref(),
        Some("example.invalid/pgctl-controller:e2e")
    );
    let env_vars: BTreeMap<String, String> = container
        .env
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.value.map(|v| (e.name, v)))
        .collect();
    assert_eq!(
        env_vars.get("WATCHED_NAMESPACE").map(String::as_str),
        Some(env.namespace.name())
    );

    let out = env
        .command_in(&system, &["uninstall"])
        .stdin(std::process::Stdio::null())
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("customresourcedefinition/postgresqls.acid.zalan.do kept"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deployment/pgctl-controller deleted"),
        "{stdout}"
    );
    assert!(
        Api::<CustomResourceDefinition>::all(env.client.clone())
            .get_opt("postgresqls.acid.zalan.do")
            .await?
            .is_some(),
        "the CRD (and so every cluster) stays"
    );
    wait_for(
        "the controller Deployment to be gone",
        Duration::from_secs(30),
        || async {
            Ok(Api::<Deployment>::namespaced(env.client.clone(), &system)
                .get_opt("pgctl-controller")
                .await?
                .is_none())
        },
    )
    .await?;
    cleanup(env.client.clone(), system).await;
    Ok(())
}

#[tokio::test]
async fn kubectl_pg_list_through_the_real_kubectl() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-kubectl", &[], false).await?;
    env.pgctl_with_stdin(&["apply", "-f", "-"], &manifest("acid-k", 1, ""))
        .expect_code(0)?;
    let dir = std::env::temp_dir().join(unique_name("pgctl-plugin"));
    std::fs::create_dir_all(&dir)?;
    std::os::unix::fs::symlink(&env.pgctl, dir.join("kubectl-pg"))?;
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("kubectl")
        .args(["pg", "list", "-n", env.namespace.name()])
        .env("PATH", &path)
        .env("KUBECONFIG", &env.kubeconfig)
        .env(
            "PGCTL_CONTROLLER_NAMESPACE",
            env.controller_namespace.name(),
        )
        .stdin(std::process::Stdio::null())
        .output()
        .context("running kubectl")?;
    let help = std::process::Command::new("kubectl")
        .args(["pg", "status", "--help"])
        .env("PATH", &path)
        .output()?;
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("NAME"), "{stdout}");
    assert!(stdout.contains("acid-k"), "{stdout}");
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: kubectl pg status"));
    Ok(())
}

#[tokio::test]
async fn the_wizard_creates_a_cluster_through_a_pseudo_terminal() -> Result<()> {
    let _serial = SERIAL.lock().await;
    // `script` (util-linux) gives pgctl a pseudo-terminal for stdin, stdout and stderr.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: script(1) is not installed");
        return Ok(());
    }
    let env = CliEnv::start("cli-wizard", &[], false).await?;
    let pgctl = env.command(&["create", "--color", "never"]);
    let mut line = shell_quote(&pgctl.get_program().to_string_lossy());
    for arg in pgctl.get_args() {
        line.push(' ');
        line.push_str(&shell_quote(&arg.to_string_lossy()));
    }
    let mut child = std::process::Command::new("script")
        .args([
            "-qfec",
            &format!(
                "PGCTL_CONTROLLER_NAMESPACE={} {line}",
                env.controller_namespace.name()
            ),
            "/dev/null",
        ])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut input = child.stdin.take().context("stdin")?;
    // One answer at a time, as a person types: name, team, instances, version, size,
    // storage class, memory, database, confirmation.
    for answer in [
        "acid-w\r", "\r", "1\r", "\r", "3Gi\r", "\r", "\r", "\r", "y",
    ] {
        tokio::time::sleep(Duration::from_millis(700)).await;
        input.write_all(answer.as_bytes())?;
        input.flush()?;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(input);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    let pg = clusters(&env)
        .get_opt("acid-w")
        .await?
        .with_context(|| format!("the wizard created nothing:\n{printed}"))?;
    assert_eq!(pg.spec.team_id, "acid");
    assert_eq!(pg.spec.number_of_instances, 1);
    assert_eq!(pg.spec.volume.size, "3Gi");
    assert!(
        printed.contains("postgresql.acid.zalan.do/acid-w created"),
        "{printed}"
    );
    Ok(())
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[tokio::test]
async fn pause_and_resume() -> Result<()> {
    let _serial = SERIAL.lock().await;
    let env = CliEnv::start("cli-pause", &[], true).await?;
    env.pgctl_with_stdin(&["apply", "-f", "-"], &manifest("acid-pz", 0, ""))
        .expect_code(0)?;
    env.wait_status("acid-pz", "Stopped").await?;
    let paused = || async {
        let pg = clusters(&env).get("acid-pz").await?;
        Ok::<_, anyhow::Error>(pg.status.is_some_and(|s| {
            pgctl_shared::status::condition(&s, pgctl_shared::status::PAUSED).is_some()
        }))
    };
    let out = env.pgctl(&["pause", "acid-pz"]).expect_code(0)?;
    assert!(out.stdout.contains("paused"), "{}", out.all());
    wait_for("condition Paused", Duration::from_secs(30), &paused).await?;
    let out = env
        .pgctl(&["rollout", "status", "acid-pz", "--watch=false"])
        .expect_code(0)?;
    assert!(out.stdout.contains("paused"), "{}", out.all());
    let out = env.pgctl(&["status", "acid-pz"]).expect_code(0)?;
    assert!(out.stdout.contains("Paused"), "{}", out.all());
    env.pgctl(&["resume", "acid-pz"]).expect_code(0)?;
    wait_for("condition Paused gone", Duration::from_secs(30), || async {
        Ok(!paused().await?)
    })
    .await?;
    // A missing cluster is named.
    let out = env.pgctl(&["pause", "acid-missing"]);
    assert_ne!(out.code, 0, "{}", out.all());
    assert!(out.stderr.contains("acid-missing"), "{}", out.all());
    Ok(())
}
