//! `pgctl promote NAME`: a standby cluster stops following its source and takes writes. It
//! removes the `standby` section (what a user of the reference operator does by hand); the
//! controller then removes `standby_cluster` from Patroni's configuration, the standby leader
//! promotes in place, and roles and databases are provisioned. This cannot be undone: the
//! promoted cluster's timeline leaves its source's.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::origin;
use pgctl_shared::status;
use serde_json::json;

use crate::args::WaitArgs;
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::output;
use crate::ui::Ui;
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The standby cluster to promote.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl promote acid-foo-dr               # at a terminal: asks for the name to confirm
  pgctl promote acid-foo-dr --yes --wait  # in scripts: until the cluster takes writes";

pub async fn run(args: PromoteArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    // A script that cannot confirm learns it before anything is contacted.
    if !args.yes && !ui.interactive() {
        return Err(exit::usage(format!(
            "promoting {} needs confirmation: pass --yes",
            args.name
        )));
    }
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    let pg = kube.get_cluster(name).await?;
    let Some(standby) = &pg.spec.standby else {
        anyhow::bail!(
            "postgresql {name:?} has no standby section: it is not a standby cluster, nothing to promote"
        );
    };
    let source = standby
        .standby_host
        .clone()
        .or_else(|| standby.s3_wal_path.clone())
        .or_else(|| standby.gs_wal_path.clone())
        .unwrap_or_default();
    if !args.yes {
        let prompt = format!(
            "Promote postgresql {name}? It stops following {source} and takes writes; this cannot be undone."
        );
        if !ui.confirm_by_name(&prompt, name)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    let patch = json!({"spec": {"standby": null}});
    let patched = kube
        .patch_cluster(name, &patch, "promoting the cluster")
        .await?;
    println!(
        "{} promoting: the standby section is removed, it no longer follows {source}",
        output::pg_name(name)
    );
    if !args.wait.wait {
        return Ok(Code::Success);
    }
    let generation = patched.metadata.generation;
    let line = wait::until(
        &format!("postgresql {name:?} to be promoted"),
        args.wait.timeout,
        || async {
            let pg = kube.get_cluster(name).await?;
            let Some(status) = pg.status.as_ref() else {
                return Ok(Poll::Pending("no status yet".to_string()));
            };
            if status.observed_generation < generation {
                return Ok(Poll::Pending(
                    "the controller has not seen the change yet".into(),
                ));
            }
            let standby = status::condition(status, origin::STANDBY);
            let ready =
                status::condition(status, status::READY).is_some_and(|c| c.status == "True");
            match standby {
                Some(c) if c.reason == origin::reason::PROMOTED && ready => Ok(Poll::Done(
                    format!("{} promoted: {}", output::pg_name(name), c.message),
                )),
                Some(c) => Ok(Poll::Pending(format!("{}: {}", c.reason, c.message))),
                None => Ok(Poll::Pending("waiting for the controller".to_string())),
            }
        },
    )
    .await?;
    println!("{line}");
    Ok(Code::Success)
}
