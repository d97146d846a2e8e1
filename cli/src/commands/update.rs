//! `pgctl update NAME`: the spec flags of `create` as a patch of the live resource; `-l` patches
//! every matching cluster the same way.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use kube::api::{Patch, PatchParams};
use pgctl_shared::crd::Postgresql;

use crate::args::{DryRun, OutputFormat, SpecArgs, WaitArgs};
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube, Subject};
use crate::ui::Ui;
use crate::{output, spec};

use super::rollout;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// Do not ask before changing the clusters a selector chose (required without a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Add a role, `NAME[:FLAG,...]`; fails if it exists.
    #[arg(long = "add-user", value_name = "NAME[:FLAG,...]")]
    pub add_users: Vec<String>,
    /// Add a database, `NAME:OWNER`; fails if it exists.
    #[arg(long = "add-database", value_name = "NAME:OWNER")]
    pub add_databases: Vec<String>,
    /// Remove a role from spec.users (the role stays in PostgreSQL).
    #[arg(long = "remove-user", value_name = "NAME")]
    pub remove_users: Vec<String>,
    /// Remove a PostgreSQL parameter.
    #[arg(long = "remove-param", value_name = "KEY")]
    pub remove_params: Vec<String>,
    /// `client` prints the updated manifest; `server` has the API server check the patch.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl update acid-foo --memory 2Gi --memory-limit 2Gi
  pgctl update acid-foo --add-user reporting:nologin --add-database reports:reporting
  pgctl update acid-foo --param work_mem=64MB --remove-param max_connections --dry-run
  pgctl update -l team=acid --param log_min_duration_statement=500 --yes";

pub async fn run(args: UpdateArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let (config, args) = (&config, &args);
    let verb = (args.dry_run == DryRun::None).then_some(("Update", args.yes));
    crate::fleet::one_or_each(
        &kube,
        &args.select,
        args.name.as_deref(),
        verb,
        ui,
        |kube, name| async move { one(&kube, config, &name, args, ui).await },
    )
    .await
}

async fn one(
    kube: &Kube,
    config: &pgctl_shared::config::OperatorConfig,
    name: &str,
    args: &UpdateArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    let old = kube.get_cluster(name).await?;
    let new = updated(&old, args)?;
    spec::check(&new, &[], Some(&old.spec), config)?;
    let changes = spec::describe_changes(&old, &new)?;

    if args.dry_run == DryRun::Client {
        let value = spec::manifest_value(&new)?;
        match args.output.unwrap_or(OutputFormat::Yaml) {
            OutputFormat::Json => print!("{}", output::json(&value)?),
            OutputFormat::Name => println!("{}", output::pg_name(name)),
            _ => print!("{}", output::yaml(&value)?),
        }
        for change in &changes {
            eprintln!("  {change}");
        }
        return Ok(Code::Success);
    }
    if changes.is_empty() {
        println!("{} unchanged", output::pg_name(name));
        return Ok(Code::Success);
    }
    let server_dry_run = args.dry_run == DryRun::Server;
    let result = send_patch(kube, &old, &new, server_dry_run).await?;
    match args.output {
        Some(OutputFormat::Json) => print!(
            "{}",
            output::json(&output::clean_object(serde_json::to_value(&result)?))?
        ),
        Some(OutputFormat::Yaml) => print!(
            "{}",
            output::yaml(&output::clean_object(serde_json::to_value(&result)?))?
        ),
        Some(OutputFormat::Name) => println!("{}", output::pg_name(name)),
        _ => {
            println!(
                "{} updated{}",
                output::pg_name(name),
                if server_dry_run {
                    " (server dry run)"
                } else {
                    ""
                }
            );
            for change in &changes {
                println!("  {change}");
            }
        }
    }
    if args.wait.wait && !server_dry_run {
        rollout::wait_done(kube, name, config, args.wait.timeout, ui, "to be updated").await?;
    }
    Ok(Code::Success)
}

/// The resource with the flags applied.
pub fn updated(old: &Postgresql, args: &UpdateArgs) -> anyhow::Result<Postgresql> {
    let mut new = old.clone();
    spec::apply_spec_args(&mut new, &args.spec)?;
    for user in &args.add_users {
        let (name, flags) = spec::parse_user(user)?;
        let users = new.spec.users.get_or_insert_with(Default::default);
        if users.contains_key(&name) {
            return Err(exit::usage(format!(
                "--add-user {name}: the role exists already; use --user {user} to change its flags"
            )));
        }
        users.insert(name, flags);
    }
    for database in &args.add_databases {
        let (name, owner) = spec::parse_database(database)?;
        let databases = new.spec.databases.get_or_insert_with(Default::default);
        if databases.contains_key(&name) {
            return Err(exit::usage(format!(
                "--add-database {name}: the database exists already; use --database {database} to change its owner"
            )));
        }
        databases.insert(name, owner);
    }
    for user in &args.remove_users {
        let removed = new.spec.users.as_mut().and_then(|u| u.remove(user));
        if removed.is_none() {
            return Err(exit::usage(format!(
                "--remove-user {user}: no such role in spec.users"
            )));
        }
    }
    for key in &args.remove_params {
        let removed = new
            .spec
            .postgresql
            .parameters
            .as_mut()
            .and_then(|p| p.remove(key));
        if removed.is_none() {
            return Err(exit::usage(format!(
                "--remove-param {key}: no such parameter in spec.postgresql.parameters"
            )));
        }
    }
    for map in [&mut new.spec.users] {
        if map.as_ref().is_some_and(|m| m.is_empty()) {
            *map = None;
        }
    }
    if new
        .spec
        .postgresql
        .parameters
        .as_ref()
        .is_some_and(|m| m.is_empty())
    {
        new.spec.postgresql.parameters = None;
    }
    Ok(new)
}

/// Sends the merge patch from `old` to `new` (only the changed fields).
pub async fn send_patch(
    kube: &Kube,
    old: &Postgresql,
    new: &Postgresql,
    dry_run: bool,
) -> anyhow::Result<Postgresql> {
    let name = old.metadata.name.clone().unwrap_or_default();
    let Some(patch) = spec::patch_between(old, new)? else {
        return Ok(old.clone());
    };
    let params = PatchParams {
        dry_run,
        field_manager: Some(k8s::FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    k8s::bounded(kube.timeout, "patching the cluster", async {
        kube.clusters(&kube.namespace)
            .patch(&name, &params, &Patch::Merge(&patch))
            .await
            .map_err(|e| {
                kube.explain(
                    e,
                    Subject::Cluster {
                        name: &name,
                        namespace: &kube.namespace,
                    },
                )
            })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> UpdateArgs {
        UpdateArgs {
            name: Some("acid-foo".into()),
            select: crate::fleet::Selection {
                selector: None,
                all_namespaces: false,
                concurrency: 8,
            },
            yes: false,
            spec: SpecArgs::default(),
            add_users: vec![],
            add_databases: vec![],
            remove_users: vec![],
            remove_params: vec![],
            dry_run: DryRun::None,
            output: None,
            wait: WaitArgs {
                wait: false,
                timeout: std::time::Duration::from_secs(1),
            },
        }
    }

    fn live() -> Postgresql {
        let spec = SpecArgs {
            team: Some("acid".into()),
            users: vec!["app:login".into()],
            params: vec!["max_connections=100".into()],
            ..SpecArgs::default()
        };
        spec::new_cluster("acid-foo", "ns", &spec).expect("built")
    }

    #[test]
    fn add_and_remove() {
        let mut a = args();
        a.add_users = vec!["ro:nologin".into()];
        a.add_databases = vec!["reports:ro".into()];
        a.remove_params = vec!["max_connections".into()];
        a.spec.memory = Some("2Gi".into());
        let new = updated(&live(), &a).expect("updated");
        assert_eq!(new.spec.users.as_ref().map(|u| u.len()), Some(2));
        assert_eq!(
            new.spec
                .databases
                .as_ref()
                .and_then(|d| d.get("reports"))
                .map(String::as_str),
            Some("ro")
        );
        assert!(new.spec.postgresql.parameters.is_none());
        let patch = spec::patch_between(&live(), &new)
            .expect("ok")
            .expect("changed");
        assert_eq!(
            patch["spec"]["postgresql"]["parameters"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn adding_what_exists_is_a_usage_error() {
        let mut a = args();
        a.add_users = vec!["app".into()];
        let error = updated(&live(), &a).expect_err("exists");
        assert_eq!(exit::code_of(&error), exit::Code::Usage);
        let mut a = args();
        a.remove_params = vec!["nope".into()];
        assert!(updated(&live(), &a).is_err());
    }
}
