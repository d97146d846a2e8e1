//! Generated files in the repository match what the binary generates.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pgctl(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_pgctl"))
        .args(args)
        .output()
        .expect("pgctl runs");
    assert!(
        output.status.success(),
        "pgctl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

#[test]
fn committed_completions_match_the_generated_ones() {
    for (shell, file) in [
        ("bash", "pgctl.bash"),
        ("zsh", "_pgctl"),
        ("fish", "pgctl.fish"),
        ("powershell", "_pgctl.ps1"),
        ("elvish", "pgctl.elv"),
    ] {
        let path = root().join("completions").join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == pgctl(&["completions", shell]),
            "{} is out of date: run `make completions`",
            path.display()
        );
    }
}

#[test]
fn docs_cli_reference_matches_the_clap_definitions() {
    let path = root().join("docs/cli.md");
    let doc = std::fs::read_to_string(&path).expect("docs/cli.md exists");
    let begin = "<!-- BEGIN GENERATED REFERENCE -->\n";
    let end = "<!-- END GENERATED REFERENCE -->";
    let start = doc.find(begin).expect("begin marker") + begin.len();
    let stop = doc.find(end).expect("end marker");
    assert!(
        doc[start..stop] == pgctl(&["reference-markdown"]),
        "{} is out of date: run `make docs`",
        path.display()
    );
}

#[test]
fn committed_crd_matches_pgctl_crd() {
    let committed =
        std::fs::read_to_string(root().join("manifests/crd/postgresql.yaml")).expect("CRD file");
    assert!(
        committed == pgctl(&["crd"]),
        "manifests/crd/postgresql.yaml is out of date: run `make crd`"
    );
}
