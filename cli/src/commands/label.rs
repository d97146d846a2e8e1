//! `pgctl label NAME… key=value… key-… [-l SELECTOR] [--overwrite]`: sets or removes labels of
//! postgresql resources, as `kubectl label` does (a changed value needs `--overwrite`). The
//! controller copies the keys named in `inherited_labels` to the cluster's objects.

use std::collections::BTreeMap;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::label_syntax;
use serde_json::{Value, json};

use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Cluster names, then `key=value` to set and `key-` to remove.
    #[arg(value_name = "NAME|KEY=VALUE|KEY-", required = true, add = ArgValueCompleter::new(cluster_names))]
    pub items: Vec<String>,
    /// Every cluster of the namespace matching this label selector instead of names.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Allow changing the value of a label the cluster already has.
    #[arg(long)]
    pub overwrite: bool,
}

pub const EXAMPLES: &str = "Examples:
  pgctl label acid-foo acid-bar env=prod tier=gold
  pgctl label -l team=acid env=staging --overwrite
  pgctl label acid-foo tier-                 # removes the label tier";

/// Label changes by key: the new value, or `None` to remove the label.
type Changes = BTreeMap<String, Option<String>>;

/// What the arguments ask: clusters by name, and label changes.
fn parse(items: &[String]) -> anyhow::Result<(Vec<String>, Changes)> {
    let mut names = Vec::new();
    let mut changes = BTreeMap::new();
    for item in items {
        if let Some((key, value)) = item.split_once('=') {
            let problem =
                label_syntax::key_problem(key).or_else(|| label_syntax::value_problem(value));
            if let Some(problem) = problem {
                return Err(exit::usage(format!("{item:?}: {problem}")));
            }
            changes.insert(key.to_string(), Some(value.to_string()));
        } else if let Some(key) = item.strip_suffix('-') {
            // A cluster name never ends with '-' (a DNS label), so this is a removal.
            if let Some(problem) = label_syntax::key_problem(key) {
                return Err(exit::usage(format!("{item:?}: {problem}")));
            }
            changes.insert(key.to_string(), None);
        } else {
            if !changes.is_empty() {
                return Err(exit::usage(format!(
                    "{item:?}: cluster names come before the labels"
                )));
            }
            names.push(item.clone());
        }
    }
    if changes.is_empty() {
        return Err(exit::usage("no label to set (key=value) or remove (key-)"));
    }
    Ok((names, changes))
}

pub async fn run(args: LabelArgs, global: &GlobalArgs) -> anyhow::Result<Code> {
    let (names, changes) = parse(&args.items)?;
    let kube = k8s::connect(global).await?;
    let clusters = match (&args.selector, names.is_empty()) {
        (Some(_), false) => {
            return Err(exit::usage(
                "name clusters or select them with -l, not both",
            ));
        }
        (None, true) => {
            return Err(exit::usage(
                "name the clusters to label, or select them with -l",
            ));
        }
        (Some(selector), true) => kube.select_clusters(selector).await?,
        (None, false) => {
            let mut found = Vec::new();
            for name in &names {
                found.push(kube.get_cluster(name).await?);
            }
            found
        }
    };
    let mut failed = 0;
    for pg in clusters {
        let name = pg.metadata.name.clone().unwrap_or_default();
        let current = pg.metadata.labels.clone().unwrap_or_default();
        let clash = changes.iter().find_map(|(key, value)| {
            let now = current.get(key)?;
            value
                .as_ref()
                .filter(|v| *v != now && !args.overwrite)
                .map(|_| key.clone())
        });
        if let Some(key) = clash {
            failed += 1;
            eprintln!(
                "{} already has label {key}={}; pass --overwrite to change it",
                output::pg_name(&name),
                current.get(&key).map(String::as_str).unwrap_or_default()
            );
            continue;
        }
        let labels: serde_json::Map<String, Value> = changes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
            .collect();
        match kube
            .patch_cluster(
                &name,
                &json!({"metadata": {"labels": labels}}),
                "labelling the cluster",
            )
            .await
        {
            Ok(_) => println!("{} labeled", output::pg_name(&name)),
            Err(e) => {
                failed += 1;
                eprintln!("{} {e:#}", output::pg_name(&name));
            }
        }
    }
    Ok(Code::of_failures(failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_then_changes() {
        let (names, changes) =
            parse(&items(&["acid-a", "acid-b", "env=prod", "tier-"])).expect("parses");
        assert_eq!(names, ["acid-a", "acid-b"]);
        assert_eq!(changes.get("env"), Some(&Some("prod".to_string())));
        assert_eq!(changes.get("tier"), Some(&None));
        assert!(parse(&items(&["acid-a"])).is_err());
        assert!(parse(&items(&["acid-a", "bad key=x"])).is_err());
        assert!(parse(&items(&["acid-a", "env=a b"])).is_err());
        assert!(parse(&items(&["env=prod", "acid-a"])).is_err());
    }
}
