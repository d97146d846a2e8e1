//! Completion beyond the static scripts: cluster names from the cluster, for shells with
//! dynamic completion (`source <(COMPLETE=bash pgctl)`) and for kubectl's plugin completion
//! (`kubectl_complete-pg`, which runs `kubectl-pg __complete WORDS...`).

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::time::Duration;

use clap_complete::engine::CompletionCandidate;
use kube::api::ListParams;

use crate::global::{ColorChoice, GlobalArgs};

/// The hidden first argument kubectl's plugin completion calls the binary with.
pub const KUBECTL_COMPLETE: &str = "__complete";

/// Cobra's "do not complete file names" directive, the last line kubectl expects.
const NO_FILE_COMPLETION: &str = ":4";

/// Whether the binary was called as `kubectl-pg` (by kubectl, or by that name).
pub fn called_as_plugin(argv0: Option<&OsString>) -> bool {
    argv0
        .and_then(|a| {
            std::path::Path::new(a)
                .file_stem()
                .map(|s| s.to_os_string())
        })
        .is_some_and(|name| name == "kubectl-pg")
}

/// Answers kubectl's plugin completion for `command` (the command line as `kubectl pg`): the
/// words typed after `kubectl pg`, the last being the one to complete; prints one candidate a
/// line, then Cobra's directive.
pub fn kubectl_plugin(mut command: clap::Command, words: &[OsString]) -> std::process::ExitCode {
    let mut args: Vec<OsString> = vec![OsString::from("kubectl-pg")];
    args.extend(words.iter().cloned());
    if words.is_empty() {
        args.push(OsString::new());
    }
    let index = args.len() - 1;
    let current_dir = std::env::current_dir().ok();
    let candidates =
        clap_complete::engine::complete(&mut command, args, index, current_dir.as_deref())
            .unwrap_or_default();
    let mut out = std::io::stdout().lock();
    for candidate in candidates {
        if candidate.is_hide_set() {
            continue;
        }
        let value = candidate.get_value().to_string_lossy().to_string();
        let _ = match candidate.get_help() {
            Some(help) => writeln!(out, "{value}\t{help}"),
            None => writeln!(out, "{value}"),
        };
    }
    let _ = writeln!(out, "{NO_FILE_COMPLETION}");
    std::process::ExitCode::SUCCESS
}

/// Names of the clusters in the namespace of the command line being completed (`-n`), or of
/// the kubeconfig context; nothing when the cluster cannot be reached within two seconds.
pub fn cluster_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy().to_string();
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let global = words_to_global(std::env::args().collect());
    let names = runtime.block_on(async {
        let kube = crate::k8s::connect(&global).await.ok()?;
        let list = tokio::time::timeout(
            Duration::from_secs(2),
            kube.clusters(&kube.namespace)
                .list_metadata(&ListParams::default()),
        )
        .await
        .ok()?
        .ok()?;
        Some(
            list.items
                .into_iter()
                .filter_map(|m| m.metadata.name)
                .collect::<Vec<_>>(),
        )
    });
    names
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .map(CompletionCandidate::new)
        .collect()
}

/// The global flags found among the words of the command line being completed.
fn words_to_global(words: Vec<String>) -> GlobalArgs {
    let mut global = GlobalArgs {
        kubeconfig: None,
        context: None,
        namespace: None,
        request_timeout: Duration::from_secs(2),
        color: ColorChoice::Never,
        controller_namespace: "pgctl-system".to_string(),
    };
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (word.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| words.next());
        match flag.as_str() {
            "-n" | "--namespace" => global.namespace = value(),
            "--context" => global.context = value(),
            "--kubeconfig" => global.kubeconfig = value().map(Into::into),
            _ => {}
        }
    }
    global
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_name_is_detected() {
        assert!(called_as_plugin(Some(&OsString::from(
            "/usr/local/bin/kubectl-pg"
        ))));
        assert!(!called_as_plugin(Some(&OsString::from("pgctl"))));
        assert!(!called_as_plugin(None));
    }

    #[test]
    fn global_flags_are_read_from_the_words() {
        let words = ["pgctl", "status", "-n", "team-a", "--context=prod", "acid-"]
            .map(String::from)
            .to_vec();
        let global = words_to_global(words);
        assert_eq!(global.namespace.as_deref(), Some("team-a"));
        assert_eq!(global.context.as_deref(), Some("prod"));
    }
}
