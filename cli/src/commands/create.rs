//! `pgctl create`: a cluster from flags, from files, or from the wizard.

use std::path::PathBuf;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use kube::api::PostParams;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{Postgresql, StandbyDescription};
use pgctl_shared::manifest::DocumentContent;

use crate::args::{DryRun, OutputFormat, SpecArgs, WaitArgs};
use crate::complete::cluster_names;
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
    /// Make the cluster a standby of SOURCE, a cluster of the same namespace: it streams from
    /// SOURCE's master Service, and SOURCE's `standby` and `postgres` Secrets are copied under
    /// the new cluster's names (the version and team default to SOURCE's).
    #[arg(long, value_name = "SOURCE", conflicts_with = "standby_host", add = ArgValueCompleter::new(cluster_names))]
    pub standby_of: Option<String>,
    /// Make the cluster a standby of a primary elsewhere (`spec.standby.standby_host`); its
    /// replication and superuser credentials must be in the new cluster's Secrets first.
    #[arg(long, value_name = "HOST")]
    pub standby_host: Option<String>,
    /// Port of --standby-host (default 5432).
    #[arg(long, value_name = "PORT", requires = "standby_host")]
    pub standby_port: Option<u16>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl create acid-foo --team acid --instances 2 --size 10Gi --pg-version 17
  pgctl create acid-foo --team acid --user app:createdb --database app:app --param max_connections=200
  pgctl create acid-foo --team acid --dry-run=client -o yaml > acid-foo.yaml
  pgctl create -f acid-foo.yaml --wait --timeout 15m
  pgctl create acid-foo-dr --standby-of acid-foo --wait    # a standby cluster of acid-foo
  pgctl create                      # at a terminal: a wizard asks for the essentials";

/// A resource to create and the unknown fields its file had.
pub(crate) struct Candidate {
    pub(crate) pg: Postgresql,
    pub(crate) unknown_fields: Vec<String>,
}

pub async fn run(mut args: CreateArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let offline = args.dry_run == DryRun::Client;
    let standby = args.standby_of.is_some() || args.standby_host.is_some();
    if standby && !args.files.is_empty() {
        return Err(exit::usage(
            "--standby-of/--standby-host and -f do not mix: put spec.standby into the file",
        ));
    }
    // A standby of a cluster reads its source even for --dry-run=client.
    let kube = if offline && args.standby_of.is_none() {
        None
    } else {
        Some(k8s::connect(global).await?)
    };
    let namespace = match &kube {
        Some(kube) => kube.namespace.clone(),
        None => k8s::namespace_offline(global).await,
    };
    if let (Some(source), Some(kube)) = (&args.standby_of, &kube) {
        let source = kube.get_cluster(source).await?;
        // The standby runs its source's major version, in the source's team by default.
        args.spec.team.get_or_insert(source.spec.team_id.clone());
        args.spec
            .pg_version
            .get_or_insert(source.spec.postgresql.version.clone());
    }
    let candidates = if args.files.is_empty() {
        let mut candidate = from_flags(&mut args, &namespace, ui)?;
        if standby {
            candidate.pg.spec.standby = Some(StandbyDescription {
                standby_host: args
                    .standby_of
                    .clone()
                    .or_else(|| args.standby_host.clone()),
                standby_port: args.standby_port.map(|p| p.to_string()),
                ..StandbyDescription::default()
            });
        }
        vec![candidate]
    } else {
        if !args.spec.is_empty() {
            return Err(exit::usage(
                "-f and spec flags (--team, --instances, …) do not mix: put the settings into the file",
            ));
        }
        from_files(&args, global, &namespace)?
    };

    let standby = args
        .standby_of
        .clone()
        .map(|source| StandbySource { source });
    let kube = if offline { None } else { kube };
    submit(
        kube,
        candidates,
        args.output,
        args.dry_run,
        &args.wait,
        ui,
        standby,
    )
    .await
}

/// [`submit`] of one cluster the command built itself (`clone`, `restore`): with `kube`
/// unless `--dry-run=client`.
pub(crate) async fn submit_built(
    kube: k8s::Kube,
    pg: Postgresql,
    format: Option<OutputFormat>,
    dry_run: DryRun,
    wait: &WaitArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    let candidate = Candidate {
        pg,
        unknown_fields: Vec::new(),
    };
    let kube = (dry_run != DryRun::Client).then_some(kube);
    submit(kube, vec![candidate], format, dry_run, wait, ui, None).await
}

/// Validates every candidate, then creates them (or prints them for `--dry-run=client`,
/// `kube` being `None`), prints each result, and waits with `--wait`. A standby's source
/// credentials are copied first ([`StandbySource`]).
pub(crate) async fn submit(
    kube: Option<k8s::Kube>,
    candidates: Vec<Candidate>,
    format: Option<OutputFormat>,
    dry_run: DryRun,
    wait: &WaitArgs,
    ui: &Ui,
    standby: Option<StandbySource>,
) -> anyhow::Result<Code> {
    let Some(kube) = kube else {
        let config = OperatorConfig::default();
        for candidate in &candidates {
            spec::check(&candidate.pg, &candidate.unknown_fields, None, &config)?;
        }
        let values = candidates
            .iter()
            .map(|c| spec::manifest_value(&c.pg))
            .collect::<anyhow::Result<Vec<_>>>()?;
        print_manifests(&values, format.unwrap_or(OutputFormat::Yaml), &candidates)?;
        return Ok(Code::Success);
    };

    let config = kube.operator_config().await;
    // Everything is validated before anything is sent.
    for candidate in &candidates {
        spec::check(&candidate.pg, &candidate.unknown_fields, None, &config)?;
    }
    let server_dry_run = dry_run == DryRun::Server;
    let params = PostParams {
        dry_run: server_dry_run,
        field_manager: Some(k8s::FIELD_MANAGER.to_string()),
    };
    if let Some(standby) = &standby
        && !server_dry_run
    {
        for candidate in &candidates {
            standby
                .copy_credentials(&kube, &config, &candidate.pg)
                .await?;
        }
    }
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
        if let Some(standby) = &standby
            && !server_dry_run
        {
            standby.adopt_credentials(&kube, &config, &result).await?;
        }
        match format {
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
    if wait.wait && !server_dry_run {
        for (name, ns) in created {
            let mut scoped = kube.clone();
            scoped.namespace = ns;
            rollout::wait_done(&scoped, &name, &config, wait.timeout, ui, "to be Running").await?;
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

/// The cluster a new standby copies its credentials from (`--standby-of`): its replication
/// and superuser Secrets, under the new cluster's names and with its labels, as the reference
/// operator requires them. They are created before the cluster, so the controller finds them
/// and never makes its own; once the cluster exists, they get its owner reference.
pub(crate) struct StandbySource {
    pub(crate) source: String,
}

impl StandbySource {
    fn users(config: &OperatorConfig) -> [&str; 2] {
        [
            config.replication_username.as_str(),
            config.super_username.as_str(),
        ]
    }

    async fn copy_credentials(
        &self,
        kube: &k8s::Kube,
        config: &OperatorConfig,
        pg: &Postgresql,
    ) -> anyhow::Result<()> {
        use k8s_openapi::api::core::v1::Secret;
        use pgctl_shared::build::secret::{self, PASSWORD_KEY, RequiredSecret};

        let namespace = pg.metadata.namespace.clone().unwrap_or_default();
        let name = pg.metadata.name.clone().unwrap_or_default();
        let api: kube::Api<Secret> = kube::Api::namespaced(kube.client.clone(), &namespace);
        for user in Self::users(config) {
            let from = config.secret_name(user, &self.source);
            let to = config.secret_name(user, &name);
            let found = api
                .get_opt(&from)
                .await
                .map_err(|e| anyhow::anyhow!("reading Secret {namespace}/{from}: {e}"))?;
            let Some(found) = found else {
                anyhow::bail!(
                    "--standby-of {}: Secret {namespace}/{from} does not exist (is {} a cluster of namespace {namespace}?); nothing was created",
                    self.source,
                    self.source
                );
            };
            let password = found
                .data
                .as_ref()
                .and_then(|d| d.get(PASSWORD_KEY))
                .map(|p| p.0.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!("Secret {namespace}/{from} has no {PASSWORD_KEY}")
                })?;
            if let Some(existing) = api
                .get_opt(&to)
                .await
                .map_err(|e| anyhow::anyhow!("reading Secret {namespace}/{to}: {e}"))?
            {
                let same = existing
                    .data
                    .as_ref()
                    .and_then(|d| d.get(PASSWORD_KEY))
                    .is_some_and(|p| p.0 == password);
                if same {
                    continue;
                }
                anyhow::bail!(
                    "Secret {namespace}/{to} exists with other credentials than {from}: delete it, or create the standby under another name; nothing was created"
                );
            }
            let password = String::from_utf8(password).map_err(|_| {
                anyhow::anyhow!("Secret {namespace}/{from}: the password is not UTF-8")
            })?;
            let required = RequiredSecret {
                username: user.to_string(),
                name: to.clone(),
                namespace: namespace.clone(),
                cross_namespace: false,
            };
            // The cluster does not exist yet: no owner reference until it does.
            let before_the_cluster = OperatorConfig {
                enable_owner_references: false,
                ..config.clone()
            };
            let copy = secret::secret(pg, &before_the_cluster, &required, user, &password)?;
            api.create(&kube::api::PostParams::default(), &copy)
                .await
                .map_err(|e| anyhow::anyhow!("creating Secret {namespace}/{to}: {e}"))?;
            eprintln!("copied Secret {from} to {to}");
        }
        Ok(())
    }

    /// Gives the copied Secrets the new cluster's owner reference (when the operator
    /// configuration asks for owner references), as the controller's own Secrets have.
    async fn adopt_credentials(
        &self,
        kube: &k8s::Kube,
        config: &OperatorConfig,
        created: &Postgresql,
    ) -> anyhow::Result<()> {
        use k8s_openapi::api::core::v1::Secret;
        use pgctl_shared::build::ClusterContext;

        if !config.enable_secrets_deletion {
            return Ok(());
        }
        let Some(owners) = ClusterContext::new(created, config)?.owner_references() else {
            return Ok(());
        };
        let namespace = created.metadata.namespace.clone().unwrap_or_default();
        let name = created.metadata.name.clone().unwrap_or_default();
        let api: kube::Api<Secret> = kube::Api::namespaced(kube.client.clone(), &namespace);
        for user in Self::users(config) {
            let to = config.secret_name(user, &name);
            let patch = serde_json::json!({"metadata": {"ownerReferences": owners}});
            api.patch(
                &to,
                &kube::api::PatchParams::default(),
                &kube::api::Patch::Merge(&patch),
            )
            .await
            .map_err(|e| anyhow::anyhow!("setting the owner of Secret {namespace}/{to}: {e}"))?;
        }
        Ok(())
    }
}
