//! `pgctl validate` as a script sees it: lines on stdout and the exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pgctl"))
        .args(args)
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

#[test]
fn accepts_every_fixture_with_one_ok_line_each() {
    let files = [
        "minimal.yaml",
        "complete.yaml",
        "standby.yaml",
        "lowest-version.yaml",
    ]
    .map(fixture);
    let mut args = vec!["validate"];
    for f in &files {
        args.extend(["-f", f.as_str()]);
    }
    let (code, stdout, _) = run(&args, "");
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "ok  postgresql/acid-minimal-cluster\nok  postgresql/acid-test-cluster\nok  postgresql/acid-standby-cluster\nok  postgresql/acid-upgrade-test\n"
    );
}

const BROKEN: &str = "apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: acid-ok}
spec: {teamId: acid, numberOfInstances: 1, volume: {size: 1Gi}, postgresql: {version: \"17\"}}
---
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata: {name: acid-bad}
spec:
  teamId: acid
  numberOfInstances: 1
  volume: {size: 1Gi}
  postgresql: {version: \"17\"}
  users: {app: [login, nologin]}
";

#[test]
fn reports_errors_with_file_document_and_field_and_exits_1() {
    let (code, stdout, _) = run(&["validate", "-f", "-"], BROKEN);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "ok  postgresql/acid-ok\n-:2: postgresql/acid-bad: spec.users.app: error: contradictory flags \"login\" and \"nologin\"\n"
    );
}

#[test]
fn warnings_pass_unless_strict() {
    let doc = "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: acid-w}\nspec: {teamId: acid, numberOfInstances: 1, volume: {size: 1Gi}, postgresql: {version: \"17\"}, databases: {db: nobody}}\n";
    let (code, stdout, _) = run(&["validate", "-f", "-"], doc);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("-:1: postgresql/acid-w: spec.databases.db: warning: owner \"nobody\""),
        "{stdout}"
    );
    assert!(stdout.ends_with("ok  postgresql/acid-w\n"), "{stdout}");
    let (strict, _, _) = run(&["validate", "--strict", "-f", "-"], doc);
    assert_eq!(strict, 1);
}

#[test]
fn type_errors_name_the_field() {
    let doc = "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: acid-t}\nspec: {teamId: acid, numberOfInstances: two, volume: {size: 1Gi}, postgresql: {version: \"17\"}}\n";
    let (code, stdout, _) = run(&["validate", "-f", "-"], doc);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("-:1: postgresql/acid-t: spec.numberOfInstances: error: invalid type"),
        "{stdout}"
    );
}

#[test]
fn operator_config_settings_apply() {
    let config = std::env::temp_dir().join(format!("pgctl-config-{}.yaml", std::process::id()));
    std::fs::write(&config, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: postgres-operator}\ndata:\n  max_instances: \"1\"\n").expect("write config");
    let doc = std::fs::read_to_string(fixture("minimal.yaml")).expect("fixture");
    let (code, stdout, _) = run(
        &[
            "validate",
            "--operator-config",
            config.to_str().expect("path"),
            "-f",
            "-",
        ],
        &doc,
    );
    let _ = std::fs::remove_file(&config);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("spec.numberOfInstances: error: 2 is above max_instances (1)"),
        "{stdout}"
    );
}

#[test]
fn missing_file_is_a_failure_that_names_it() {
    let (code, _, stderr) = run(&["validate", "-f", "/nonexistent/x.yaml"], "");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot read /nonexistent/x.yaml"),
        "{stderr}"
    );
}

#[test]
fn no_filename_is_a_usage_error() {
    let (code, _, stderr) = run(&["validate"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("--filename"), "{stderr}");
}
