//! `pgctl create`: a cluster from flags, from files, or from the wizard.

use std::path::PathBuf;

use clap::Args;
use kube::api::PostParams;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::DocumentContent;

use crate::args::{DryRun, OutputFormat, SpecArgs, WaitArgs};
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s::{self, Subject};
use crate::spec::{self, Document};
use crate::ui::Ui;
use crate::{output, wizard};

use super::rollout;

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the cluster, e.g. `acid-foo` (asked for by the wizard when omitted at a terminal).
    pub name: Option<String>,
    /// Create from a manifest file instead of flags (`-` for standard input).
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE",
        conflicts_with = "name"
    )]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `client` prints the manifest without contacting a cluster; `server` has the API server
    /// validate it without creating it.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json) or of the created resource.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Never start the wizard, even at a terminal without flags.
    #[arg(long)]
    pub no_wizard: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl create acid-foo --team acid --instances 2 --size 10Gi --pg-version 17
  pgctl create acid-foo --team acid --user app:createdb --database app:app --param max_connections=200
  pgctl create acid-foo --team acid --dry-run=client -o yaml > acid-foo.yaml
  pgctl create -f acid-foo.yaml --wait --timeout 15m
  pgctl create                      # at a terminal: a wizard asks for the essentials";

/// A resource to create and the unknown fields its file had.
struct Candidate {
    pg: Postgresql,
    unknown_fields: Vec<String>,
}

pub async fn run(mut args: CreateArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
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
    let candidates = if args.files.is_empty() {
        vec![from_flags(&mut args, &namespace, ui)?]
    } else {
        if !args.spec.is_empty() {
            return Err(exit::usage(
                "-f and spec flags (--team, --instances, …) do not mix: put the settings into the file",
            ));
        }
        from_files(&args, global, &namespace)?
    };

    let Some(kube) = kube else {
        let config = OperatorConfig::default();
        for candidate in &candidates {
            spec::check(&candidate.pg, &candidate.unknown_fields, None, &config)?;
        }
        let values = candidates
            .iter()
            .map(|c| spec::manifest_value(&c.pg))
            .collect::<anyhow::Result<Vec<_>>>()?;
        print_manifests(
            &values,
            args.output.unwrap_or(OutputFormat::Yaml),
            &candidates,
        )?;
        return Ok(Code::Success);
    };

    let config = kube.operator_config().await;
    // Everything is validated before anything is sent.
    for candidate in &candidates {
        spec::check(&candidate.pg, &candidate.unknown_fields, None, &config)?;
    }
    let server_dry_run = args.dry_run == DryRun::Server;
    let params = PostParams {
        dry_run: server_dry_run,
        field_manager: Some(k8s::FIELD_MANAGER.to_string()),
    };
    let mut created = Vec::new();
    for candidate in &candidates {
        let name = candidate.pg.metadata.name.clone().unwrap_or_default();
        let ns = candidate
            .pg
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| kube.namespace.clone());
        let result = k8s::bounded(kube.timeout, "creating the cluster", async {
            kube.clusters(&ns)
                .create(&params, &candidate.pg)
                .await
                .map_err(|e| {
                    kube.explain(
                        e,
                        Subject::Cluster {
                            name: &name,
                            namespace: &ns,
                        },
                    )
                })
        })
        .await?;
        match args.output {
            Some(OutputFormat::Json) => print!(
                "{}",
                output::json(&output::clean_object(serde_json::to_value(&result)?))?
            ),
            Some(OutputFormat::Yaml) => print!(
                "{}",
                output::yaml(&output::clean_object(serde_json::to_value(&result)?))?
            ),
            Some(OutputFormat::Name) => println!("{}", output::pg_name(&name)),
            _ => println!(
                "{} created{}",
                output::pg_name(&name),
                if server_dry_run {
                    " (server dry run)"
                } else {
                    ""
                }
            ),
        }
        created.push((name, ns));
    }
    if args.wait.wait && !server_dry_run {
        for (name, ns) in created {
            let mut scoped = kube.clone();
            scoped.namespace = ns;
            rollout::wait_done(
                &scoped,
                &name,
                &config,
                args.wait.timeout,
                ui,
                "to be Running",
            )
            .await?;
        }
    }
    Ok(Code::Success)
}

fn from_flags(args: &mut CreateArgs, namespace: &str, ui: &Ui) -> anyhow::Result<Candidate> {
    let wizard = ui.interactive() && args.spec.is_empty() && !args.no_wizard;
    if wizard {
        let (name, spec_args) = wizard::run(args.name.clone(), namespace)?;
        args.name = Some(name);
        args.spec = spec_args;
    }
    let Some(name) = args.name.clone() else {
        return Err(exit::usage(
            "a cluster name is needed: pgctl create NAME --team TEAM (or -f FILE)",
        ));
    };
    if args.spec.team.is_none() && ui.interactive() {
        args.spec.team = Some(wizard::ask_team(&name)?);
    }
    let pg = spec::new_cluster(&name, namespace, &args.spec)?;
    Ok(Candidate {
        pg,
        unknown_fields: Vec::new(),
    })
}

fn from_files(
    args: &CreateArgs,
    global: &GlobalArgs,
    namespace: &str,
) -> anyhow::Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for file in &args.files {
        let text = spec::read_input(file)?;
        for Document { at, content, .. } in spec::documents(&file.display().to_string(), &text)? {
            match content {
                DocumentContent::Postgresql(parsed) => {
                    let mut pg = parsed.resource;
                    pg.metadata.namespace = Some(resolve_namespace(
                        &at,
                        pg.metadata.namespace.as_deref(),
                        global,
                        namespace,
                    )?);
                    out.push(Candidate {
                        pg,
                        unknown_fields: parsed.unknown_fields,
                    });
                }
                DocumentContent::Invalid { name, error } => anyhow::bail!(
                    "{at}: postgresql/{}: {error}; nothing was sent",
                    name.unwrap_or_else(|| "?".into())
                ),
                DocumentContent::Other { api_version, kind } => anyhow::bail!(
                    "{at}: {api_version}/{kind} is not a postgresql resource: use 'pgctl apply -f' for other kinds"
                ),
                DocumentContent::Empty => {}
            }
        }
    }
    if out.is_empty() {
        anyhow::bail!("no postgresql resource in the files given");
    }
    Ok(out)
}

/// The namespace of a resource from a file: its own, which must agree with an explicit `-n`.
pub fn resolve_namespace(
    at: &str,
    own: Option<&str>,
    global: &GlobalArgs,
    default: &str,
) -> anyhow::Result<String> {
    match (own.filter(|n| !n.is_empty()), global.namespace.as_deref()) {
        (Some(own), Some(flag)) if own != flag => Err(exit::usage(format!(
            "{at}: the resource is in namespace {own:?} but -n says {flag:?}: pass -n {own} or remove metadata.namespace"
        ))),
        (Some(own), _) => Ok(own.to_string()),
        (None, _) => Ok(default.to_string()),
    }
}

fn print_manifests(
    values: &[serde_json::Value],
    format: OutputFormat,
    candidates: &[Candidate],
) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => {
            if let [one] = values {
                print!("{}", output::json(one)?);
            } else {
                print!("{}", output::json(&output::list_of(values.to_vec()))?);
            }
        }
        OutputFormat::Name => {
            for c in candidates {
                println!(
                    "{}",
                    output::pg_name(c.pg.metadata.name.as_deref().unwrap_or_default())
                );
            }
        }
        _ => {
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    println!("---");
                }
                print!("{}", output::yaml(value)?);
            }
        }
    }
    Ok(())
}
