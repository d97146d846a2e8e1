//! The `create` wizard: at a terminal, without flags, it asks for the essentials with
//! sensible defaults (dialoguer, on stderr).

use dialoguer::{Confirm, Input, Select};
use pgctl_shared::crd::SUPPORTED_VERSIONS;

use crate::args::SpecArgs;
use crate::spec;

/// Asks for a name (unless given) and the spec essentials.
pub fn run(name: Option<String>, namespace: &str) -> anyhow::Result<(String, SpecArgs)> {
    eprintln!("Creating a PostgreSQL cluster in namespace {namespace:?} (Ctrl-C aborts).");
    let name = match name {
        Some(name) => name,
        None => Input::<String>::new()
            .with_prompt("Cluster name (team prefix, e.g. acid-foo)")
            .validate_with(|n: &String| -> Result<(), String> {
                let ok = !n.is_empty()
                    && n.len() <= 53
                    && n.starts_with(|c: char| c.is_ascii_lowercase())
                    && n.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !n.ends_with('-');
                if ok {
                    Ok(())
                } else {
                    Err("lower-case letters, digits and '-', starting with a letter".into())
                }
            })
            .interact_text()?,
    };
    let team = ask_team(&name)?;
    let instances: i32 = Input::new()
        .with_prompt("Instances")
        .default(spec::DEFAULT_INSTANCES)
        .interact_text()?;
    let versions: Vec<&str> = SUPPORTED_VERSIONS.iter().rev().copied().collect();
    let default_version = versions
        .iter()
        .position(|v| *v == spec::DEFAULT_VERSION)
        .unwrap_or(0);
    let version = Select::new()
        .with_prompt("PostgreSQL version")
        .items(&versions)
        .default(default_version)
        .interact()?;
    let size: String = Input::new()
        .with_prompt("Volume size")
        .default(spec::DEFAULT_SIZE.to_string())
        .interact_text()?;
    let storage_class: String = Input::new()
        .with_prompt("Storage class (empty: the cluster's default)")
        .allow_empty(true)
        .interact_text()?;
    let memory: String = Input::new()
        .with_prompt("Memory request (empty: the operator's default)")
        .allow_empty(true)
        .interact_text()?;
    let owner: String = Input::new()
        .with_prompt("Application database, as NAME:OWNER (empty: none)")
        .allow_empty(true)
        .validate_with(|d: &String| -> Result<(), String> {
            if d.is_empty() {
                Ok(())
            } else {
                spec::parse_database(d)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        })
        .interact_text()?;
    let mut args = SpecArgs {
        team: Some(team),
        instances: Some(instances),
        pg_version: Some(versions[version].to_string()),
        size: Some(size),
        storage_class: (!storage_class.is_empty()).then_some(storage_class),
        memory: (!memory.is_empty()).then_some(memory),
        ..SpecArgs::default()
    };
    if let Ok((database, owner)) = spec::parse_database(&owner) {
        args.users.push(owner.clone());
        args.databases.push(format!("{database}:{owner}"));
    }
    if !Confirm::new()
        .with_prompt(format!("Create {name}?"))
        .default(true)
        .interact()?
    {
        anyhow::bail!("cancelled; nothing was created");
    }
    Ok((name, args))
}

/// Asks for the team, defaulting to the name's prefix.
pub fn ask_team(name: &str) -> anyhow::Result<String> {
    let prefix = name.split('-').next().unwrap_or(name).to_string();
    Ok(Input::new()
        .with_prompt("Team")
        .default(prefix)
        .interact_text()?)
}
