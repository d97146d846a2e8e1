//! `pgctl apply -f`: server-side apply of manifests, for GitOps and scripts. Every postgresql
//! resource is validated before anything is sent.

use std::path::PathBuf;

use clap::Args;
use pgctl_shared::manifest::DocumentContent;
use serde_json::Value;

use crate::args::{DryRun, OutputFormat};
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s::{self, ApplyOptions};
use crate::ui::Ui;
use crate::{output, spec};

use super::create::resolve_namespace;

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Manifest file (`-` for standard input); repeat for several; each may hold several documents.
    #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// `client` prints the objects that would be applied; `server` has the API server check them.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Take over fields another field manager owns.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Output format: name (default) prints one line per object; json or yaml the applied objects.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

pub const EXAMPLES: &str = "Examples:
  pgctl apply -f clusters.yaml
  kustomize build overlays/prod | pgctl apply -f -
  pgctl apply -f acid-foo.yaml --dry-run=server";

pub async fn run(args: ApplyArgs, global: &GlobalArgs, _ui: &Ui) -> anyhow::Result<Code> {
    let offline = args.dry_run == DryRun::Client;
    let kube = if offline {
        None
    } else {
        Some(k8s::connect(global).await?)
    };
    let namespace = match &kube {
        Some(kube) => kube.namespace.clone(),
        None => k8s::namespace_offline(global).await,
    };
    let config = match &kube {
        Some(kube) => kube.operator_config().await,
        None => Default::default(),
    };

    // Read and check everything first.
    let mut objects: Vec<Value> = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let text = spec::read_input(file)?;
        for document in spec::documents(&file.display().to_string(), &text)? {
            let mut json = document.json;
            match document.content {
                DocumentContent::Postgresql(parsed) => {
                    let mut pg = parsed.resource;
                    let ns = resolve_namespace(
                        &document.at,
                        pg.metadata.namespace.as_deref(),
                        global,
                        &namespace,
                    )?;
                    pg.metadata.namespace = Some(ns.clone());
                    json["metadata"]["namespace"] = Value::String(ns);
                    if let Err(error) = spec::check(&pg, &parsed.unknown_fields, None, &config) {
                        eprintln!("{}: {error}", document.at);
                        failed = true;
                    }
                }
                DocumentContent::Invalid { name, error } => {
                    eprintln!(
                        "{}: postgresql/{}: error: {error}",
                        document.at,
                        name.unwrap_or_else(|| "?".into())
                    );
                    failed = true;
                }
                // Namespaced kinds without a namespace get the default one when applied.
                DocumentContent::Other { .. } => {}
                DocumentContent::Empty => continue,
            }
            if let Some(object) = json.as_object_mut() {
                object.remove("status");
            }
            objects.push(json);
        }
    }
    if failed {
        anyhow::bail!("invalid manifests; nothing was applied");
    }
    if objects.is_empty() {
        anyhow::bail!("no objects in the files given");
    }

    let format = args.output.unwrap_or(OutputFormat::Name);
    let Some(kube) = kube else {
        return print_objects(&objects, format, "(client dry run)");
    };
    let options = ApplyOptions {
        dry_run: args.dry_run == DryRun::Server,
        force: args.force_conflicts,
    };
    let mut applied = Vec::new();
    for object in &objects {
        let result = k8s::bounded(
            kube.timeout,
            "applying",
            k8s::apply_object(&kube, object, &namespace, options),
        )
        .await?;
        if matches!(
            format,
            OutputFormat::Name | OutputFormat::Table | OutputFormat::Wide
        ) {
            println!(
                "{} serverside-applied{}",
                object_name(object),
                if options.dry_run {
                    " (server dry run)"
                } else {
                    ""
                }
            );
        }
        applied.push(output::clean_object(result));
    }
    if matches!(format, OutputFormat::Json | OutputFormat::Yaml) {
        print_objects(&applied, format, "")?;
    }
    Ok(Code::Success)
}

/// `kind.group/name`, as kubectl prints it (`postgresql.acid.zalan.do/acid-foo`).
fn object_name(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or_default().to_lowercase();
    let group = object["apiVersion"]
        .as_str()
        .and_then(|v| v.split_once('/'))
        .map(|(group, _)| format!(".{group}"))
        .unwrap_or_default();
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    format!("{kind}{group}/{name}")
}

fn print_objects(objects: &[Value], format: OutputFormat, note: &str) -> anyhow::Result<Code> {
    match format {
        OutputFormat::Json => print!("{}", output::json(&output::list_of(objects.to_vec()))?),
        OutputFormat::Yaml => {
            for (i, object) in objects.iter().enumerate() {
                if i > 0 {
                    println!("---");
                }
                print!("{}", output::yaml(object)?);
            }
        }
        _ => {
            for object in objects {
                println!("{} serverside-applied {note}", object_name(object));
            }
        }
    }
    Ok(Code::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kubectl_like() {
        let pg = serde_json::json!({"apiVersion": "acid.zalan.do/v1", "kind": "postgresql", "metadata": {"name": "acid-a"}});
        assert_eq!(object_name(&pg), "postgresql.acid.zalan.do/acid-a");
        let cm =
            serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert_eq!(object_name(&cm), "configmap/c");
    }
}
