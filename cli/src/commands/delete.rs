//! `pgctl delete NAME...`: shows what goes and what stays, asks at a terminal (type the name),
//! refuses without `--yes` otherwise, and knows the delete-protection annotations.

use std::collections::BTreeMap;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use pgctl_shared::config::{OperatorConfig, PvcRetention};
use pgctl_shared::crd::Postgresql;
use pgctl_shared::naming;

use crate::args::WaitArgs;
use crate::cluster::{self, Observed};
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube, Subject};
use crate::output;
use crate::ui::{Tone, Ui};
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Names of the clusters.
    #[arg(required_unless_present = "selector", add = ArgValueCompleter::new(cluster_names))]
    pub names: Vec<String>,
    /// Every cluster of the namespace matching this label selector (listed first; at a
    /// terminal you type the selector to confirm).
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "names")]
    pub selector: Option<String>,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Set the delete-protection annotations the operator configuration requires, then delete.
    #[arg(long)]
    pub confirm_protected: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl delete acid-foo                       # at a terminal: shows what goes, asks for the name
  pgctl delete acid-foo acid-bar --yes --wait
  pgctl delete acid-foo --yes --confirm-protected
  pgctl delete -l team=scratch                # lists them, asks for the selector";

pub async fn run(args: DeleteArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let names = match &args.selector {
        None => args.names.clone(),
        Some(selector) => kube.select_cluster_names(selector).await?,
    };
    let mut clusters = Vec::new();
    for name in &names {
        let observed = k8s::bounded(
            kube.timeout,
            "reading the cluster",
            cluster::observe(&kube, name, config.clone(), false),
        )
        .await?;
        clusters.push(observed);
    }
    let today = Timestamp::now().strftime("%Y-%m-%d").to_string();
    for observed in &clusters {
        eprint!("{}", describe_plan(observed, ui));
    }
    if !args.yes {
        ui.require_interactive(
            &format!("deleting {} needs confirmation", names.join(", ")),
            "--yes",
        )?;
        match &args.selector {
            Some(selector) => {
                let prompt = format!(
                    "Delete the {} postgresql resources that {selector:?} selects ({})?",
                    names.len(),
                    names.join(", ")
                );
                if !ui.confirm_by_name(&prompt, selector)? {
                    anyhow::bail!("not confirmed; nothing was deleted");
                }
            }
            None => {
                for name in &names {
                    if !ui.confirm_by_name(&format!("Delete postgresql {name}?"), name)? {
                        anyhow::bail!("not confirmed; nothing was deleted");
                    }
                }
            }
        }
    }
    for observed in &clusters {
        let name = observed.pg.metadata.name.clone().unwrap_or_default();
        let missing = missing_protection(&observed.pg, &config, &today);
        if missing.is_empty() {
            continue;
        }
        if !args.confirm_protected {
            let wanted: Vec<String> = missing.iter().map(|(k, v)| format!("{k}={v}")).collect();
            return Err(exit::usage(format!(
                "postgresql {name:?} is delete-protected: the operator configuration requires the annotations {}; pass --confirm-protected (with --yes) to set them and delete",
                wanted.join(", ")
            )));
        }
        let patch = serde_json::json!({"metadata": {"annotations": missing}});
        let params = PatchParams {
            field_manager: Some(k8s::FIELD_MANAGER.to_string()),
            ..PatchParams::default()
        };
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
            })?;
        eprintln!("set the delete-protection annotations on {name}");
    }
    for name in &names {
        k8s::bounded(kube.timeout, "deleting the cluster", async {
            kube.clusters(&kube.namespace)
                .delete(name, &DeleteParams::background())
                .await
                .map_err(|e| {
                    kube.explain(
                        e,
                        Subject::Cluster {
                            name,
                            namespace: &kube.namespace,
                        },
                    )
                })
        })
        .await?;
        println!("{} deleted", output::pg_name(name));
    }
    if args.wait.wait {
        for observed in &clusters {
            wait_gone(&kube, observed, args.wait.timeout).await?;
        }
    }
    Ok(Code::Success)
}

/// The annotations the operator configuration wants before a delete, which the resource lacks.
pub fn missing_protection(
    pg: &Postgresql,
    config: &OperatorConfig,
    today: &str,
) -> BTreeMap<String, String> {
    let name = pg.metadata.name.clone().unwrap_or_default();
    let annotations = pg.metadata.annotations.clone().unwrap_or_default();
    let mut missing = BTreeMap::new();
    for (key, value) in [
        (
            config.delete_annotation_date_key.as_ref(),
            today.to_string(),
        ),
        (config.delete_annotation_name_key.as_ref(), name),
    ] {
        if let Some(key) = key.filter(|k| !k.is_empty())
            && annotations.get(key) != Some(&value)
        {
            missing.insert(key.clone(), value);
        }
    }
    missing
}

/// What goes and what stays.
pub fn describe_plan(observed: &Observed, ui: &Ui) -> String {
    let pg = &observed.pg;
    let config = &observed.config;
    let name = pg.metadata.name.clone().unwrap_or_default();
    let namespace = pg.metadata.namespace.clone().unwrap_or_default();
    let mut goes = vec![format!("postgresql {name}")];
    let mut stays = Vec::new();
    let owned = config.enable_owner_references;
    let mut push = |owned_by_cluster: bool, what: String| {
        if owned_by_cluster {
            goes.push(what);
        } else {
            stays.push(what);
        }
    };
    if let Some(sts) = &observed.statefulset {
        push(
            owned,
            format!(
                "statefulset {}",
                sts.metadata.name.clone().unwrap_or_default()
            ),
        );
    }
    if !observed.pods.is_empty() {
        let pods: Vec<String> = observed
            .pods
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        push(
            owned,
            format!(
                "{} pod{} ({})",
                pods.len(),
                if pods.len() == 1 { "" } else { "s" },
                pods.join(", ")
            ),
        );
    }
    for service in &observed.services {
        push(
            owned,
            format!(
                "service {}",
                service.metadata.name.clone().unwrap_or_default()
            ),
        );
    }
    for endpoints in &observed.endpoints {
        push(
            owned,
            format!(
                "endpoints {}",
                endpoints.metadata.name.clone().unwrap_or_default()
            ),
        );
    }
    for pdb in &observed.pdbs {
        push(owned, format!("poddisruptionbudget {pdb}"));
    }
    let secrets_go = owned && config.enable_secrets_deletion;
    for secret in &observed.secrets {
        push(secrets_go, format!("secret {secret}"));
    }
    // No owner reference across namespaces: the controller deletes these itself (finalizer)
    // when enable_secrets_deletion is on, whatever enable_owner_references says.
    for secret in &observed.other_namespace_secrets {
        push(config.enable_secrets_deletion, format!("secret {secret}"));
    }
    let pvcs_go =
        config.persistent_volume_claim_retention_policy.when_deleted == PvcRetention::Delete;
    for pvc in &observed.pvcs {
        push(pvcs_go, format!("persistentvolumeclaim {pvc} (data)"));
    }
    let mut out = format!(
        "{} {namespace}/{name}\n",
        ui.paint("Deleting postgresql", Tone::Bold)
    );
    out.push_str(&format!("  {}\n", ui.paint("goes:", Tone::Bad)));
    for item in &goes {
        out.push_str(&format!("    {item}\n"));
    }
    if !stays.is_empty() {
        out.push_str(&format!("  {}\n", ui.paint("stays:", Tone::Good)));
        for item in &stays {
            out.push_str(&format!("    {item}\n"));
        }
    }
    if observed.pvcs.is_empty() {
        out.push_str("  no data volumes found\n");
    } else if pvcs_go {
        out.push_str("  the data volumes are deleted (persistent_volume_claim_retention_policy when_deleted:delete)\n");
    } else {
        out.push_str("  the data volumes are kept (persistent_volume_claim_retention_policy when_deleted:retain)\n");
    }
    out
}

async fn wait_gone(
    kube: &Kube,
    observed: &Observed,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let name = observed.pg.metadata.name.clone().unwrap_or_default();
    let labels = naming::selector(&naming::cluster_labels(&observed.config, &name));
    let pods: Api<Pod> = kube.api();
    let statefulsets: Api<StatefulSet> = kube.api();
    let clusters = kube.clusters(&kube.namespace);
    let owned = observed.config.enable_owner_references;
    wait::until(&format!("postgresql {name:?} to be gone"), timeout, || {
        let (pods, statefulsets, clusters, labels, name) =
            (&pods, &statefulsets, &clusters, &labels, &name);
        async move {
            let what = format!("waiting for {name} to be deleted");
            let err = |e| kube.explain(e, Subject::Other(&what));
            if clusters.get_opt(name).await.map_err(err)?.is_some() {
                return Ok(Poll::Pending("the postgresql resource still exists".into()));
            }
            if !owned {
                return Ok(Poll::Done(()));
            }
            if statefulsets.get_opt(name).await.map_err(err)?.is_some() {
                return Ok(Poll::Pending("the statefulset still exists".into()));
            }
            let left = pods
                .list_metadata(&ListParams::default().labels(labels))
                .await
                .map_err(err)?
                .items
                .len();
            if left > 0 {
                return Ok(Poll::Pending(format!("{left} pods left")));
            }
            Ok(Poll::Done(()))
        }
    })
    .await?;
    println!("{} is gone", output::pg_name(&name));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgctl_shared::crd::PostgresSpec;

    #[test]
    fn protection_annotations() {
        let mut pg = Postgresql::new("acid-foo", PostgresSpec::default());
        let mut config = OperatorConfig::default();
        assert!(missing_protection(&pg, &config, "2026-01-02").is_empty());
        config.delete_annotation_date_key = Some("delete-date".into());
        config.delete_annotation_name_key = Some("delete-clustername".into());
        let missing = missing_protection(&pg, &config, "2026-01-02");
        assert_eq!(
            missing.get("delete-date").map(String::as_str),
            Some("2026-01-02")
        );
        assert_eq!(
            missing.get("delete-clustername").map(String::as_str),
            Some("acid-foo")
        );
        pg.metadata.annotations = Some(missing);
        assert!(missing_protection(&pg, &config, "2026-01-02").is_empty());
        assert_eq!(missing_protection(&pg, &config, "2026-01-03").len(), 1);
    }

    #[test]
    fn secrets_in_other_namespaces_follow_enable_secrets_deletion_only() {
        let mut pg = Postgresql::new("acid-foo", PostgresSpec::default());
        pg.metadata.namespace = Some("ns".into());
        let mut observed = Observed {
            pg,
            config: OperatorConfig {
                enable_owner_references: false,
                enable_secrets_deletion: true,
                ..OperatorConfig::default()
            },
            pods: vec![],
            statefulset: None,
            services: vec![],
            endpoints: vec![],
            secrets: vec!["own".into()],
            other_namespace_secrets: vec!["apps/theirs".into()],
            pvcs: vec![],
            pdbs: vec![],
            events: vec![],
            poolers: vec![],
        };
        let plan = describe_plan(&observed, &Ui::plain());
        let (goes, stays) = plan.split_once("stays:").expect("a stays section");
        assert!(goes.contains("secret apps/theirs"), "{plan}");
        assert!(stays.contains("secret own"), "{plan}");
        observed.config.enable_secrets_deletion = false;
        let plan = describe_plan(&observed, &Ui::plain());
        let (_, stays) = plan.split_once("stays:").expect("a stays section");
        assert!(stays.contains("secret apps/theirs"), "{plan}");
    }

    #[test]
    fn plan_says_what_stays() {
        let mut pg = Postgresql::new("acid-foo", PostgresSpec::default());
        pg.metadata.namespace = Some("ns".into());
        let observed = Observed {
            pg,
            config: OperatorConfig::default(),
            pods: vec![],
            statefulset: None,
            services: vec![],
            endpoints: vec![],
            secrets: vec!["postgres.acid-foo.credentials.postgresql.acid.zalan.do".into()],
            other_namespace_secrets: vec![
                "apps/apps.app.acid-foo.credentials.postgresql.acid.zalan.do".into(),
            ],
            pvcs: vec!["pgdata-acid-foo-0".into()],
            pdbs: vec![],
            events: vec![],
            poolers: vec![],
        };
        let plan = describe_plan(&observed, &Ui::plain());
        assert!(
            plan.starts_with("Deleting postgresql ns/acid-foo\n  goes:\n    postgresql acid-foo\n"),
            "{plan}"
        );
        assert!(
            plan.contains("persistentvolumeclaim pgdata-acid-foo-0"),
            "{plan}"
        );
    }
}
