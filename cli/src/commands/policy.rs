//! `pgctl policy create|list|show|delete|apply`: SQL policies (see `pgctl_shared::policy`),
//! stored as ConfigMaps of the namespace and applied to the masters of selected clusters, each
//! cluster recording what it ran in an annotation of its `postgresql` resource.

use std::time::Instant;

use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;
use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::policy::{self, Decision, Policy, Record};
use serde::Serialize;

use crate::args::OutputFormat;
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::fleet::Fleet;
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube, Subject};
use crate::output::{self, Styled};
use crate::pg;
use crate::ui::{Tone, Ui};

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Store a policy: SQL from a file (`-` for stdin), run in one transaction unless
    /// --no-transaction.
    #[command(after_help = CREATE_EXAMPLES)]
    Create(CreateArgs),
    /// List the policies of the namespace, and on how many clusters each ran as it is now.
    List(ListArgs),
    /// Print a policy's SQL and where it ran (-o json|yaml for all of it as data).
    Show(ShowArgs),
    /// Delete policies (the clusters' records of them stay).
    Delete(DeleteArgs),
    /// Run a policy on the masters of clusters, unless it ran there as it is now.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name of the policy (lowercase letters, digits, '-').
    pub name: String,
    /// File with the SQL; `-` reads stdin.
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: String,
    /// Run the statements one by one, outside a transaction (for CREATE DATABASE, VACUUM,
    /// CREATE INDEX CONCURRENTLY).
    #[arg(long)]
    pub no_transaction: bool,
    /// Replace the policy if it exists.
    #[arg(long)]
    pub overwrite: bool,
}

const CREATE_EXAMPLES: &str = "Examples:
  pgctl policy create audit -f audit.sql
  pgctl policy create nightly-vacuum --no-transaction -f - <<< 'vacuum analyze;'";

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    pub name: String,
    /// Output format: table prints the SQL after a short header.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The policy.
    pub policy: String,
    /// Clusters by name (or select them with -l or -A).
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub clusters: Vec<String>,
    /// The clusters matching this label selector, e.g. `team=acid`.
    #[arg(
        short = 'l',
        long,
        value_name = "SELECTOR",
        conflicts_with = "clusters"
    )]
    pub selector: Option<String>,
    /// Clusters of every namespace (with -l: those of every namespace it selects).
    #[arg(short = 'A', long, conflicts_with = "clusters")]
    pub all_namespaces: bool,
    /// The database the SQL runs in.
    #[arg(long, value_name = "DB", default_value = "postgres")]
    pub database: String,
    /// Run it even where it ran as it is now.
    #[arg(long)]
    pub force: bool,
    /// Do not ask before running it on the clusters a selector chose (required without a
    /// terminal when -l or -A selects them).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How many clusters run it at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// Output format: table, or json for scripts.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
}

const APPLY_EXAMPLES: &str = "Examples:
  pgctl policy apply audit acid-foo acid-bar
  pgctl policy apply audit -l team=acid --yes
  pgctl policy apply audit -l env=prod --database app --force --yes -o json";

pub async fn run(command: PolicyCommand, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    match command {
        PolicyCommand::Create(args) => create(&kube, args).await,
        PolicyCommand::List(args) => list(&kube, args, ui).await,
        PolicyCommand::Show(args) => show(&kube, args).await,
        PolicyCommand::Delete(args) => delete(&kube, args).await,
        PolicyCommand::Apply(args) => apply(&kube, args, ui).await,
    }
}

fn config_maps(kube: &Kube) -> Api<ConfigMap> {
    Api::namespaced(kube.client.clone(), &kube.namespace)
}

fn read_sql(file: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let mut sql = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut sql)
            .map_err(|e| exit::usage(format!("-f -: reading stdin: {e}")))?;
    } else {
        sql = std::fs::read_to_string(file).map_err(|e| exit::usage(format!("-f {file}: {e}")))?;
    }
    Ok(sql)
}

async fn create(kube: &Kube, args: CreateArgs) -> anyhow::Result<Code> {
    let sql = read_sql(&args.file)?;
    let policy = Policy::new(&args.name, &sql, !args.no_transaction)
        .map_err(|e| exit::usage(e.to_string()))?;
    let object = policy::to_config_map(&policy, &kube.namespace);
    let api = config_maps(kube);
    let name = policy::config_map_name(&policy.name);
    let what = format!("storing policy {} (ConfigMap {name})", policy.name);
    let stored = k8s::bounded(kube.timeout, &what, async {
        if args.overwrite {
            let params = PatchParams::apply("pgctl").force();
            api.patch(&name, &params, &Patch::Apply(&object)).await
        } else {
            api.create(&PostParams::default(), &object).await
        }
        .map_err(|e| match &e {
            kube::Error::Api(s) if s.code == 409 => exit::usage(format!(
                "policy {:?} exists in namespace {:?}; pass --overwrite to replace it",
                policy.name, kube.namespace
            )),
            _ => kube.explain(e, Subject::Other(&what)),
        })
    })
    .await?;
    let _ = stored;
    println!(
        "policy/{} {} ({} statement{}, {}, sha256 {})",
        policy.name,
        if args.overwrite { "stored" } else { "created" },
        policy.statements().len(),
        if policy.statements().len() == 1 {
            ""
        } else {
            "s"
        },
        if policy.transaction {
            "one transaction"
        } else {
            "statement by statement"
        },
        &policy.sha256()[..12]
    );
    Ok(Code::Success)
}

/// The policies of the namespace (a ConfigMap that is not a readable policy is named on
/// stderr and skipped).
async fn policies(kube: &Kube) -> anyhow::Result<Vec<Policy>> {
    let what = "listing the policies (ConfigMaps)";
    let listed = k8s::bounded(kube.timeout, what, async {
        config_maps(kube)
            .list(&ListParams::default().labels(policy::POLICY_LABEL))
            .await
            .map_err(|e| kube.explain(e, Subject::Other(what)))
    })
    .await?;
    let mut policies = Vec::new();
    for config_map in &listed.items {
        match policy::from_config_map(config_map) {
            Ok(p) => policies.push(p),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(policies)
}

async fn get_policy(kube: &Kube, name: &str) -> anyhow::Result<Policy> {
    policy::check_name(name).map_err(|e| exit::usage(e.to_string()))?;
    let object = policy::config_map_name(name);
    let what = format!("reading policy {name} (ConfigMap {object})");
    let found = k8s::bounded(kube.timeout, &what, async {
        config_maps(kube)
            .get_opt(&object)
            .await
            .map_err(|e| kube.explain(e, Subject::Other(&what)))
    })
    .await?
    .ok_or_else(|| {
        anyhow::anyhow!(
            "policy {name:?} not found in namespace {:?} (pgctl policy list)",
            kube.namespace
        )
    })?;
    Ok(policy::from_config_map(&found)?)
}

/// Where a policy ran.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Ran {
    cluster: String,
    database: String,
    applied_at: String,
    /// Whether it ran with the policy's SQL as it is now.
    current: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    name: String,
    transaction: bool,
    sha256: String,
    statements: usize,
    ran_on: Vec<Ran>,
    sql: String,
}

fn shown(policy: &Policy, clusters: &[Postgresql]) -> Shown {
    let sha = policy.sha256();
    let ran_on = clusters
        .iter()
        .filter_map(|pg| {
            let record = policy::records(pg.metadata.annotations.as_ref()).remove(&policy.name)?;
            Some(Ran {
                cluster: pg.metadata.name.clone().unwrap_or_default(),
                database: record.database,
                applied_at: record.applied_at,
                current: record.sha256 == sha,
            })
        })
        .collect();
    Shown {
        name: policy.name.clone(),
        transaction: policy.transaction,
        sha256: sha,
        statements: policy.statements().len(),
        ran_on,
        sql: policy.sql.clone(),
    }
}

async fn list(kube: &Kube, args: ListArgs, ui: &Ui) -> anyhow::Result<Code> {
    let policies = policies(kube).await?;
    let clusters = kube.list_clusters(false, None).await?;
    let shown: Vec<Shown> = policies.iter().map(|p| shown(p, &clusters)).collect();
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&shown)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&shown)?),
        OutputFormat::Name => {
            for s in &shown {
                println!("policy/{}", s.name);
            }
        }
        OutputFormat::Table | OutputFormat::Wide => {
            if shown.is_empty() {
                eprintln!("No policies in namespace {}.", kube.namespace);
                return Ok(Code::Success);
            }
            let rows: Vec<Vec<Styled>> = shown
                .iter()
                .map(|s| {
                    let current = s.ran_on.iter().filter(|r| r.current).count();
                    vec![
                        Styled::from(s.name.as_str()),
                        Styled::from(if s.transaction { "yes" } else { "no" }),
                        Styled::from(s.statements.to_string()),
                        Styled::from(&s.sha256[..12]),
                        Styled::from(format!("{current}/{}", s.ran_on.len())),
                    ]
                })
                .collect();
            print!(
                "{}",
                output::table(
                    ui,
                    &["NAME", "TRANSACTION", "STATEMENTS", "SHA256", "CURRENT/RAN"],
                    &rows
                )
            );
        }
    }
    Ok(Code::Success)
}

async fn show(kube: &Kube, args: ShowArgs) -> anyhow::Result<Code> {
    let policy = get_policy(kube, &args.name).await?;
    let clusters = kube.list_clusters(false, None).await?;
    let shown = shown(&policy, &clusters);
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&shown)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&shown)?),
        OutputFormat::Name => println!("policy/{}", shown.name),
        OutputFormat::Table | OutputFormat::Wide => {
            println!("-- policy {}", shown.name);
            println!(
                "-- {} statement(s), {}, sha256 {}",
                shown.statements,
                if shown.transaction {
                    "one transaction"
                } else {
                    "statement by statement"
                },
                shown.sha256
            );
            for ran in &shown.ran_on {
                println!(
                    "-- ran on {} ({}) at {}{}",
                    ran.cluster,
                    ran.database,
                    ran.applied_at,
                    if ran.current {
                        ""
                    } else {
                        ", an older version"
                    }
                );
            }
            print!("{}", shown.sql);
            if !shown.sql.ends_with('\n') {
                println!();
            }
        }
    }
    Ok(Code::Success)
}

async fn delete(kube: &Kube, args: DeleteArgs) -> anyhow::Result<Code> {
    let api = config_maps(kube);
    let mut failed = 0;
    for name in &args.names {
        if let Err(e) = policy::check_name(name) {
            eprintln!("error: {e}");
            failed += 1;
            continue;
        }
        let object = policy::config_map_name(name);
        // Only a policy's ConfigMap: check its label before deleting.
        match api.get_opt(&object).await {
            Ok(Some(cm)) if policy::from_config_map(&cm).is_ok() => {
                match api.delete(&object, &DeleteParams::default()).await {
                    Ok(_) => println!("policy/{name} deleted"),
                    Err(e) => {
                        eprintln!("error: policy {name}: {e}");
                        failed += 1;
                    }
                }
            }
            Ok(_) => {
                eprintln!(
                    "error: policy {name:?} not found in namespace {:?}",
                    kube.namespace
                );
                failed += 1;
            }
            Err(e) => {
                eprintln!("error: policy {name}: {e}");
                failed += 1;
            }
        }
    }
    Ok(Code::of_failures(failed))
}

/// The result of one cluster.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub namespace: String,
    pub cluster: String,
    /// `applied`, `unchanged`, `skipped` (standby) or `failed`.
    pub result: &'static str,
    /// The error, or why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

async fn apply(kube: &Kube, args: ApplyArgs, ui: &Ui) -> anyhow::Result<Code> {
    if args.clusters.is_empty() && args.selector.is_none() && !args.all_namespaces {
        return Err(exit::usage(
            "name the clusters to apply the policy to, or select them with -l or -A",
        ));
    }
    let policy = get_policy(kube, &args.policy).await?;
    let clusters = match &args.selector {
        Some(selector) if !args.all_namespaces => kube.select_clusters(selector).await?,
        _ if args.all_namespaces => {
            if args
                .selector
                .as_deref()
                .is_some_and(|s| s.trim().is_empty())
            {
                return Err(exit::usage("-l needs a label selector, e.g. -l team=acid"));
            }
            let listed = kube.list_clusters(true, args.selector.as_deref()).await?;
            if listed.is_empty() {
                anyhow::bail!("no cluster matches; nothing was done");
            }
            listed
        }
        _ => {
            let mut found = Vec::new();
            for name in &args.clusters {
                found.push(kube.get_cluster(name).await?);
            }
            found
        }
    };
    let selected = args.selector.is_some() || args.all_namespaces;
    if selected && !args.yes {
        let names: Vec<String> = clusters.iter().map(qualified).collect();
        ui.require_interactive(
            &format!(
                "running policy {} on {} selected clusters needs confirmation",
                policy.name,
                names.len()
            ),
            "--yes",
        )?;
        let prompt = format!(
            "Run policy {} on the masters of {} ({})?",
            policy.name,
            if names.len() == 1 {
                "1 cluster".to_string()
            } else {
                format!("{} clusters", names.len())
            },
            names.join(", ")
        );
        if !ui.confirm_by_name(&prompt, &policy.name)? {
            anyhow::bail!("not confirmed; nothing was run");
        }
    }
    let config = kube.operator_config().await;
    let fleet = Fleet::load(
        kube,
        &config,
        clusters
            .iter()
            .filter_map(|pg| pg.metadata.namespace.as_deref()),
    )
    .await?;
    let (policy, fleet, config, args) = (&policy, &fleet, &config, &args);
    let mut outcomes: Vec<Outcome> = futures::stream::iter(clusters.iter())
        .map(|pg| async move { apply_one(kube, config, fleet, policy, pg, args).await })
        .buffer_unordered(usize::from(args.concurrency))
        .collect()
        .await;
    outcomes.sort_by(|a, b| (&a.namespace, &a.cluster).cmp(&(&b.namespace, &b.cluster)));
    let failed = outcomes.iter().filter(|o| o.result == "failed").count();
    match args.output {
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name => {
            print!("{}", output::json(&outcomes)?);
        }
        OutputFormat::Table | OutputFormat::Wide => {
            print!("{}", render(&outcomes, ui));
            let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
            println!(
                "\npolicy {}: {} applied, {} unchanged, {} skipped, {failed} failed",
                policy.name,
                count("applied"),
                count("unchanged"),
                count("skipped")
            );
        }
    }
    Ok(Code::of_failures(failed))
}

fn qualified(pg: &Postgresql) -> String {
    format!(
        "{}/{}",
        pg.metadata.namespace.as_deref().unwrap_or_default(),
        pg.metadata.name.as_deref().unwrap_or_default()
    )
}

async fn apply_one(
    kube: &Kube,
    config: &OperatorConfig,
    fleet: &Fleet,
    policy: &Policy,
    pg: &Postgresql,
    args: &ApplyArgs,
) -> Outcome {
    let namespace = pg.metadata.namespace.clone().unwrap_or_default();
    let cluster = pg.metadata.name.clone().unwrap_or_default();
    let mut outcome = Outcome {
        namespace: namespace.clone(),
        cluster: cluster.clone(),
        result: "failed",
        detail: None,
        duration_ms: None,
    };
    let record = policy::records(pg.metadata.annotations.as_ref()).remove(&policy.name);
    match policy::decide(
        policy,
        &args.database,
        record.as_ref(),
        pg.spec.standby.is_some(),
        args.force,
    ) {
        Decision::SkipStandby => {
            outcome.result = "skipped";
            outcome.detail = Some("a standby cluster takes no writes".into());
            return outcome;
        }
        Decision::Unchanged => {
            outcome.result = "unchanged";
            outcome.detail = record.map(|r| format!("ran at {}", r.applied_at));
            return outcome;
        }
        Decision::Apply => {}
    }
    let started = Instant::now();
    match run_sql(
        kube,
        config,
        fleet,
        policy,
        &namespace,
        &cluster,
        &args.database,
    )
    .await
    {
        Ok(()) => {}
        Err(e) => {
            outcome.detail = Some(e);
            return outcome;
        }
    }
    outcome.duration_ms = Some(started.elapsed().as_millis() as u64);
    let record = Record {
        sha256: policy.sha256(),
        applied_at: Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        database: args.database.clone(),
    };
    let patch = policy::record_patch(&policy.name, &record);
    match kube
        .clusters(&namespace)
        .patch(&cluster, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => outcome.result = "applied",
        Err(e) => {
            outcome.detail = Some(format!(
                "the SQL ran, but recording it on the cluster failed: {e}"
            ))
        }
    }
    outcome
}

/// Runs the policy on the cluster's master as the superuser: in one transaction, or statement
/// by statement (each its own, so CREATE DATABASE and VACUUM can run). The error names the
/// statement that failed.
async fn run_sql(
    kube: &Kube,
    config: &OperatorConfig,
    fleet: &Fleet,
    policy: &Policy,
    namespace: &str,
    cluster: &str,
    database: &str,
) -> Result<(), String> {
    let master = fleet
        .master(config, namespace, cluster)
        .ok_or_else(|| "no pod is labelled master".to_string())?;
    let password = fleet.password(config, namespace, cluster, &config.super_username)?;
    let login = pg::Login {
        user: &config.super_username,
        password: &password,
        database,
        port: 5432,
    };
    let mut session = pg::connect_pod(kube, master, &login).await?;
    let in_recovery = session
        .client
        .simple_query("select pg_is_in_recovery()::text")
        .await
        .map_err(|e| pg::describe(&e))?
        .iter()
        .any(
            |m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("true")),
        );
    if in_recovery {
        return Err("the pod labelled master is in recovery; try again after the failover".into());
    }
    if policy.transaction {
        let transaction = session
            .client
            .transaction()
            .await
            .map_err(|e| pg::describe(&e))?;
        transaction
            .batch_execute(&policy.sql)
            .await
            .map_err(|e| pg::describe(&e))?;
        transaction.commit().await.map_err(|e| pg::describe(&e))?;
    } else {
        let statements = policy.statements();
        let total = statements.len();
        for (n, statement) in statements.iter().enumerate() {
            session.client.batch_execute(statement).await.map_err(|e| {
                format!(
                    "statement {} of {total} ({} ran): {}",
                    n + 1,
                    n,
                    pg::describe(&e)
                )
            })?;
        }
    }
    Ok(())
}

fn render(outcomes: &[Outcome], ui: &Ui) -> String {
    let rows: Vec<Vec<Styled>> = outcomes
        .iter()
        .map(|o| {
            let tone = match o.result {
                "applied" => Tone::Good,
                "failed" => Tone::Bad,
                _ => Tone::Plain,
            };
            vec![
                Styled::from(format!("{}/{}", o.namespace, o.cluster)),
                Styled::new(o.result, tone),
                Styled::from(
                    o.duration_ms
                        .map_or_else(|| "-".into(), |d| format!("{d}ms")),
                ),
                Styled::from(o.detail.clone().unwrap_or_default()),
            ]
        })
        .collect();
    output::table(ui, &["CLUSTER", "RESULT", "TIME", "DETAIL"], &rows)
}
