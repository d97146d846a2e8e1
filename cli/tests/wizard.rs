//! The `create` wizard, driven through a pseudo-terminal (stdin, stdout and stderr are a TTY).

use std::process::Command;

use rexpect::session::spawn_command;

#[test]
fn the_wizard_asks_for_the_essentials_and_prints_the_manifest() {
    let kubeconfig =
        std::env::temp_dir().join(format!("pgctl-wizard-{}.kubeconfig", std::process::id()));
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: team-a}\nusers:\n- name: u\n  user: {token: t}\n",
    )
    .expect("kubeconfig");
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgctl"));
    command
        .args(["create", "--dry-run=client", "--color", "never"])
        .env("KUBECONFIG", &kubeconfig)
        .env("TERM", "xterm");
    let mut session = spawn_command(command, Some(20_000)).expect("pgctl starts in a pty");
    session.exp_string("namespace \"team-a\"").expect("intro");
    session.exp_string("Cluster name").expect("name prompt");
    session.send_line("acid-wiz").expect("name");
    session.exp_string("Team").expect("team prompt");
    session.send_line("").expect("default team");
    session.exp_string("Instances").expect("instances prompt");
    session.send_line("3").expect("instances");
    session
        .exp_string("PostgreSQL version")
        .expect("version prompt");
    session.send_line("").expect("default version");
    session.exp_string("Volume size").expect("size prompt");
    session.send_line("5Gi").expect("size");
    session
        .exp_string("Storage class")
        .expect("storage class prompt");
    session.send_line("").expect("no storage class");
    session.exp_string("Memory request").expect("memory prompt");
    session.send_line("").expect("no memory");
    session
        .exp_string("Application database")
        .expect("database prompt");
    session.send_line("app:app_owner").expect("database");
    session
        .exp_string("Create acid-wiz?")
        .expect("confirmation");
    session.send("y").expect("yes");
    session.flush().expect("flush");
    let rest = session.exp_eof().expect("pgctl ends");
    let _ = std::fs::remove_file(&kubeconfig);
    for expected in [
        "name: acid-wiz",
        "namespace: team-a",
        "teamId: acid",
        "numberOfInstances: 3",
        "version: '17'",
        "size: 5Gi",
        "app: app_owner",
        "app_owner: []",
    ] {
        assert!(rest.contains(expected), "{expected:?} missing in:\n{rest}");
    }
}
