//! `pgctl edit NAME`: the manifest in $EDITOR (`KUBE_EDITOR`, `VISUAL`, `EDITOR`, else `vi`),
//! validated before it is sent as a patch of labels, annotations and spec.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::DocumentContent;
use pgctl_shared::validate;

use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::ui::Ui;
use crate::{k8s, output, spec};

use super::update::send_patch;

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
}

pub async fn run(args: EditArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let old = kube.get_cluster(&args.name).await?;
    let original = format!(
        "# Edit postgresql {}/{}; lines starting with '#' are ignored.\n# Only labels, annotations and spec are sent; an invalid manifest is never sent.\n{}",
        kube.namespace,
        args.name,
        output::yaml(&spec::manifest_value(&old)?)?
    );
    let mut text = original.clone();
    loop {
        let edited = dialoguer::Editor::new()
            .executable(editor())
            .extension(".yaml")
            .require_save(false)
            .trim_newlines(false)
            .edit(&text)?;
        let Some(edited) = edited else {
            anyhow::bail!("the editor failed; nothing was changed");
        };
        if edited == original || edited.trim().is_empty() {
            println!("Edit cancelled, no changes made.");
            return Ok(Code::Success);
        }
        match parse(&edited, &old, &config) {
            Ok(new) => {
                let changes = spec::describe_changes(&old, &new)?;
                if changes.is_empty() {
                    println!("{} unchanged", output::pg_name(&args.name));
                    return Ok(Code::Success);
                }
                send_patch(&kube, &old, &new, false).await?;
                println!("{} edited", output::pg_name(&args.name));
                for change in changes {
                    println!("  {change}");
                }
                return Ok(Code::Success);
            }
            Err(problems) => {
                for line in &problems {
                    eprintln!("{line}");
                }
                let again = ui.interactive()
                    && dialoguer::Confirm::new()
                        .with_prompt("The manifest is invalid. Edit it again?")
                        .default(true)
                        .interact()?;
                if !again {
                    anyhow::bail!("the edited manifest is invalid; nothing was changed");
                }
                let comments: String = problems.iter().map(|p| format!("# ! {p}\n")).collect();
                let body: String = edited
                    .lines()
                    .filter(|l| !l.starts_with("# ! "))
                    .map(|l| format!("{l}\n"))
                    .collect();
                text = format!("{comments}{body}");
            }
        }
    }
}

fn editor() -> String {
    ["KUBE_EDITOR", "VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// The edited resource, or the problems that stop it (one line each).
fn parse(text: &str, old: &Postgresql, config: &OperatorConfig) -> Result<Postgresql, Vec<String>> {
    let documents = spec::documents("edited", text).map_err(|e| vec![format!("error: {e:#}")])?;
    let [document] = documents.as_slice() else {
        return Err(vec![
            "error: the file must hold exactly one postgresql resource".into(),
        ]);
    };
    let parsed = match &document.content {
        DocumentContent::Postgresql(parsed) => parsed,
        DocumentContent::Invalid { error, .. } => return Err(vec![format!("error: {error}")]),
        _ => {
            return Err(vec![
                "error: the file must hold a postgresql resource".into(),
            ]);
        }
    };
    let mut new = parsed.resource.clone();
    if new.metadata.name != old.metadata.name {
        return Err(vec!["error: metadata.name cannot be changed".into()]);
    }
    if new.metadata.namespace.is_some() && new.metadata.namespace != old.metadata.namespace {
        return Err(vec!["error: metadata.namespace cannot be changed".into()]);
    }
    new.metadata.namespace = old.metadata.namespace.clone();
    let problems = validate::validate(&new, &parsed.unknown_fields, Some(&old.spec), config);
    if validate::has_errors(&problems) {
        return Err(problems.iter().map(ToString::to_string).collect());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    let mut merged = old.clone();
    merged.metadata.labels = new.metadata.labels;
    merged.metadata.annotations = new.metadata.annotations;
    merged.spec = new.spec;
    Ok(merged)
}
