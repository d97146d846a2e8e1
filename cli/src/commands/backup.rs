//! `pgctl backup NAME`: a base backup of the cluster now, into its WAL archive — Spilo's own
//! backup script run in the master pod (as its crontab runs it on `BACKUP_SCHEDULE`), so that it
//! lands where the scheduled ones do and counts for `BACKUP_NUM_TO_RETAIN`. Waits for the backup
//! to end unless `--wait=false`.

use std::time::Instant;

use clap::{ArgAction, Args};
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::core::v1::Pod;
use kube::api::AttachParams;
use pgctl_shared::build::statefulset::CONTAINER_NAME;
use tokio::io::AsyncReadExt;

use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::patroni;
use crate::ui::{Tone, Ui};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Wait for the base backup to end (`--wait=false`: start it and return; its output goes
    /// to the master's log).
    #[arg(long, value_name = "BOOL", action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = true, default_missing_value = "true")]
    pub wait: bool,
}

pub const EXAMPLES: &str = "Examples:
  pgctl backup acid-foo                 # a base backup now, into the cluster's archive
  pgctl backup acid-foo --wait=false    # start it and return";

pub async fn run(args: BackupArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    kube.get_cluster(name).await?;
    let config = kube.operator_config().await;
    let pods = patroni::pods(&kube, &config, name).await?;
    let master = crate::cluster::with_role(&pods, &config, pgctl_shared::build::MASTER_ROLE)
        .and_then(|p| p.metadata.name.clone())
        .ok_or_else(|| anyhow::anyhow!("{name} has no pod labelled master: no base backup"))?;
    let argv = pgctl_shared::backup::backup_command(!args.wait);
    let params = AttachParams::default()
        .container(CONTAINER_NAME)
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let started = Instant::now();
    let mut process = kube
        .api::<Pod>()
        .exec(&master, argv.iter().map(String::as_str), &params)
        .await
        .map_err(|e| anyhow::anyhow!("the base backup in {master}: {e}"))?;
    let (mut out, mut err) = (String::new(), String::new());
    let stdout = process.stdout();
    let stderr = process.stderr();
    let read_out = async {
        if let Some(mut s) = stdout {
            let _ = s.read_to_string(&mut out).await;
        }
    };
    let read_err = async {
        if let Some(mut s) = stderr {
            let _ = s.read_to_string(&mut err).await;
        }
    };
    tokio::join!(read_out, read_err);
    let status = process.take_status();
    let _ = process.join().await;
    let failed = match status {
        Some(status) => status
            .await
            .is_some_and(|s| s.status.as_deref() == Some("Failure")),
        None => false,
    };
    if failed {
        eprint!("{err}");
        eprintln!(
            "{} the base backup of {name} in {master} failed (its output is above)",
            ui.paint("error:", Tone::Bad)
        );
        return Ok(Code::Failure);
    }
    if args.wait {
        println!(
            "{name}: base backup taken in {:.1} s ({master})",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("{name}: base backup started in {master} (its output goes to the pod's log)");
    }
    Ok(Code::Success)
}
