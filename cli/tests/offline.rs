//! The command line as scripts see it, without a cluster: dry runs, usage errors, the plugin
//! name, completion, colour off a terminal, and errors for an unreachable API server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pgctl() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pgctl"))
}

/// Runs a binary with a kubeconfig that points at a closed port, stdin piped (not a terminal).
fn run_with(binary: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(binary)
        .args(args)
        .env("KUBECONFIG", unreachable_kubeconfig())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pgctl starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let out = child.wait_with_output().expect("pgctl ends");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with(&pgctl(), args, "")
}

/// A kubeconfig whose server refuses connections (port 1 on localhost).
fn unreachable_kubeconfig() -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("pgctl-offline-{}.kubeconfig", std::process::id()));
    if !path.exists() {
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: team-a}\nusers:\n- name: u\n  user: {token: t}\n",
        )
        .expect("kubeconfig written");
    }
    path
}

#[test]
fn create_dry_run_client_prints_yaml_or_json_without_a_cluster() {
    let (code, stdout, stderr) = run(&[
        "create",
        "acid-foo",
        "--team",
        "acid",
        "--instances",
        "3",
        "--user",
        "app:createdb",
        "--database",
        "app:app",
        "--param",
        "max_connections=200",
        "--dry-run=client",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: acid-foo\n  namespace: team-a\n"), "{stdout}");
    assert!(stdout.contains("numberOfInstances: 3"), "{stdout}");
    assert!(!stdout.contains('\x1b'));
    let (code, stdout, _) = run(&[
        "create",
        "acid-foo",
        "--team",
        "acid",
        "--dry-run",
        "-o",
        "json",
        "-n",
        "x",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(value["metadata"]["namespace"], "x");
    assert_eq!(value["spec"]["teamId"], "acid");
}

#[test]
fn invalid_flags_fail_validation_before_anything_is_sent() {
    let (code, _, stderr) = run(&[
        "create",
        "acid-foo",
        "--team",
        "acid",
        "--user",
        "a:login,nologin",
        "--dry-run",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("contradictory flags"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
}

#[test]
fn a_missing_answer_off_a_terminal_names_the_flag() {
    let (code, _, stderr) = run(&["create", "acid-foo", "--dry-run"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--team"), "{stderr}");
    let (code, _, stderr) = run(&["create", "--dry-run"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("pgctl create NAME"), "{stderr}");
}

#[test]
fn an_unreachable_api_server_is_named_with_a_failure_code() {
    let started = Instant::now();
    let (code, stdout, stderr) = run(&["list"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("cannot reach the API server at https://127.0.0.1:1: connection refused"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["list", "-o", "xml"][..],
        &["scale", "acid-foo"],
        &["delete"],
        &["rollout", "status"],
        &["create", "x", "--pg-version", "9"],
        &["create", "x", "--standby-port", "5433"],
        &["create", "x", "--standby-of", "a", "--standby-host", "b"],
        &["clone", "acid-foo"],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
}

#[test]
fn promote_without_a_terminal_needs_yes_before_contacting_anything() {
    let (code, _, stderr) = run(&["promote", "acid-foo"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
}

#[test]
fn install_dry_run_prints_the_embedded_manifests() {
    let (code, stdout, stderr) = run(&[
        "install",
        "--dry-run=client",
        "-o",
        "yaml",
        "-n",
        "db-system",
        "--replicas",
        "1",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("apiVersion: v1\nkind: Namespace\nmetadata:\n"),
        "{stdout}"
    );
    assert!(stdout.contains("kind: CustomResourceDefinition"));
    assert!(stdout.contains("kind: Deployment"));
    assert!(stdout.contains("namespace: db-system"));
    assert!(!stdout.contains("namespace: pgctl-system"));
}

#[test]
fn version_is_fast_and_needs_no_cluster() {
    let started = Instant::now();
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("pgctl {}\n", env!("CARGO_PKG_VERSION")));
    // Debug builds are slower than release; the budget here is generous on purpose.
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let (code, stdout, _) = run(&["version", "--client", "-o", "json"]);
    assert_eq!(code, 0);
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")));
}

/// A copy of the binary named `kubectl-pg` (a symlink where possible).
fn plugin_binary() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pgctl-plugin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let link = dir.join("kubectl-pg");
    if !link.exists() {
        #[cfg(unix)]
        std::os::unix::fs::symlink(pgctl(), &link).expect("symlink");
    }
    link
}

#[test]
fn as_kubectl_pg_the_help_says_kubectl_pg() {
    let (code, stdout, _) = run_with(&plugin_binary(), &["list", "--help"], "");
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage: kubectl pg list"), "{stdout}");
}

#[test]
fn kubectl_plugin_completion_completes_commands_and_flags() {
    let (code, stdout, _) = run_with(&plugin_binary(), &["__complete", "sta"], "");
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("status")), "{stdout}");
    assert_eq!(lines.last(), Some(&":4"), "{stdout}");
    let (_, stdout, _) = run_with(&plugin_binary(), &["__complete", "list", "--all-n"], "");
    assert!(stdout.contains("--all-namespaces"), "{stdout}");
}

#[test]
fn the_krew_manifest_installs_kubectl_pg_of_this_version() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../manifests/krew/pg.yaml");
    let text = std::fs::read_to_string(path).expect("krew manifest");
    let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("yaml");
    assert_eq!(value["kind"].as_str(), Some("Plugin"));
    assert_eq!(value["metadata"]["name"].as_str(), Some("pg"));
    assert_eq!(
        value["spec"]["version"].as_str(),
        Some(format!("v{}", env!("CARGO_PKG_VERSION")).as_str())
    );
    let platforms = value["spec"]["platforms"].as_sequence().expect("platforms");
    assert!(!platforms.is_empty());
    for platform in platforms {
        assert_eq!(platform["bin"].as_str(), Some("kubectl-pg"));
    }
}

#[test]
fn the_plugin_completion_script_calls_the_plugin() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../completions/kubectl_complete-pg");
    let text = std::fs::read_to_string(path).expect("script");
    assert!(text.contains("exec kubectl-pg __complete \"$@\""));
}
