//! `pgctl backup NAME`: a base backup of the cluster now, into its WAL archive — Spilo's own
//! backup script run in the master pod (as its crontab runs it on `BACKUP_SCHEDULE`), so that it
//! lands where the scheduled ones do and counts for `BACKUP_NUM_TO_RETAIN`. Waits for the backup
//! to end unless `--wait=false`.
//!
//! `pgctl backup list NAME`: the base backups, WAL and restorable windows of the cluster's
//! archive, read from the object store ([`crate::archive`]).
//!
//! `pgctl backup NAME --logical`: a logical backup now — a Job made from the cluster's logical
//! backup CronJob (`enableLogicalBackup`), as `kubectl create job --from=cronjob/…` makes one,
//! so that the dump lands where the scheduled ones do.

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
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required = true)]
    pub name: Option<String>,
    /// Wait for the base backup to end (`--wait=false`: start it and return; its output goes
    /// to the master's log).
    #[arg(long, value_name = "BOOL", action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = true, default_missing_value = "true")]
    pub wait: bool,
    /// A logical backup (`pg_dumpall` to the bucket) instead: a Job from the cluster's logical
    /// backup CronJob, which `spec.enableLogicalBackup: true` makes.
    #[arg(long)]
    pub logical: bool,
    /// With --logical: how long to wait for the Job before giving up with exit code 3.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = crate::global::parse_duration)]
    pub timeout: std::time::Duration,
}

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// List the base backups, the archived WAL and the restorable time of the cluster's archive.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Name of the cluster (it may have been deleted: its archive stays).
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// Only this incarnation's archive (the `metadata.uid` the cluster had); default: the
    /// existing cluster's, or every incarnation's when it is gone.
    #[arg(long, value_name = "UID")]
    pub uid: Option<String>,
    #[command(flatten)]
    pub store: crate::archive::StoreArgs,
    /// Output format: table, or json / yaml (the whole catalog as data).
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: crate::args::OutputFormat,
}

pub const EXAMPLES: &str = "Examples:
  pgctl backup acid-foo                 # a base backup now, into the cluster's archive
  pgctl backup acid-foo --wait=false    # start it and return
  pgctl backup acid-foo --logical       # a pg_dumpall to the bucket now (enableLogicalBackup)
  pgctl backup list acid-foo            # base backups, WAL and the restorable window
  pgctl backup list acid-foo -o json --endpoint http://127.0.0.1:27070";

pub async fn run(args: BackupArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    if let Some(BackupCommand::List(list_args)) = args.command {
        return list(list_args, global, ui).await;
    }
    let kube = k8s::connect(global).await?;
    let name = args
        .name
        .as_deref()
        .ok_or_else(|| crate::exit::usage("the cluster's name is required"))?;
    kube.get_cluster(name).await?;
    let config = kube.operator_config().await;
    if args.logical {
        return logical(&kube, &config, name, &args, ui).await;
    }
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

/// `pgctl backup list`.
async fn list(args: ListArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    use crate::args::OutputFormat;
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let cluster = kube.find_cluster(&args.name).await?;
    let uid = args
        .uid
        .clone()
        .or_else(|| cluster.as_ref().and_then(|c| c.metadata.uid.clone()));
    let store = crate::archive::open(&kube, &config, cluster.as_ref(), &args.store).await?;
    let place = store.place(&args.name, uid.as_deref());
    let catalog = store
        .catalog(&args.name, uid.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("reading the archive at {place}: {e:#}"))?;
    match args.output {
        OutputFormat::Json => print!("{}", crate::output::json(&catalog)?),
        OutputFormat::Yaml => print!("{}", crate::output::yaml(&catalog)?),
        _ => print!("{}", render_catalog(&catalog, &place, ui)),
    }
    Ok(Code::Success)
}

/// The catalog for people: per archive a table of base backups, the WAL, gaps and windows.
fn render_catalog(
    catalog: &pgctl_shared::backup::catalog::Catalog,
    place: &str,
    ui: &Ui,
) -> String {
    use crate::output::{Styled, table};
    use std::fmt::Write as _;
    let time = |t: &Option<k8s_openapi::jiff::Timestamp>| {
        t.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| "-".to_string())
    };
    let mut out = String::new();
    if catalog.archives.is_empty() {
        let _ = writeln!(out, "no archive at {place}");
        return out;
    }
    let majors: std::collections::BTreeSet<&str> =
        catalog.archives.iter().map(|a| a.major.as_str()).collect();
    for (i, archive) in catalog.archives.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} PostgreSQL {} ({} layout){}",
            ui.paint(&format!("ARCHIVE {}", archive.prefix), Tone::Bold),
            archive.major,
            archive.layout,
            archive
                .uid
                .as_deref()
                .map(|u| format!(", uid {u}"))
                .unwrap_or_default()
        );
        if archive.backups.is_empty() {
            out.push_str("no base backup\n");
        } else {
            let rows: Vec<Vec<Styled>> = archive
                .backups
                .iter()
                .map(|b| {
                    let tone = if b.restorable { Tone::Good } else { Tone::Warn };
                    vec![
                        b.name.clone().into(),
                        time(&b.start_time).into(),
                        time(&b.end_time).into(),
                        crate::output::human_bytes(b.data_bytes.unwrap_or(b.stored_bytes)).into(),
                        format!(
                            "{}..{}",
                            b.start_segment
                                .map(|s| s.to_string())
                                .unwrap_or_else(|| "-".into()),
                            b.end_segment
                                .map(|s| s.to_string())
                                .unwrap_or_else(|| "-".into())
                        )
                        .into(),
                        Styled::new(
                            if b.restorable {
                                b.status.to_string()
                            } else {
                                format!("{} (not restorable)", b.status)
                            },
                            tone,
                        ),
                    ]
                })
                .collect();
            out.push_str(&table(
                ui,
                &["BACKUP", "STARTED", "FINISHED", "SIZE", "WAL", "STATUS"],
                &rows,
            ));
        }
        match &archive.wal {
            Some(wal) => {
                let _ = writeln!(
                    out,
                    "WAL: {}..{} ({} segments), last stored {}",
                    wal.first,
                    wal.last,
                    wal.segments,
                    time(&Some(wal.last_time))
                );
            }
            None => out.push_str("WAL: none archived\n"),
        }
        for gap in &archive.gaps {
            let _ = writeln!(
                out,
                "{} {}..{} ({} segments missing, after {})",
                ui.paint("gap:", Tone::Bad),
                gap.first_missing,
                gap.last_missing,
                gap.missing,
                time(&Some(gap.after_time))
            );
        }
        if archive.windows.is_empty() {
            let _ = writeln!(
                out,
                "{} nothing (no finished base backup with all its WAL)",
                ui.paint("restorable:", Tone::Warn)
            );
        }
        for window in &archive.windows {
            let _ = writeln!(
                out,
                "{} {} .. {} (from {})",
                ui.paint("restorable:", Tone::Good),
                time(&Some(window.start)),
                time(&Some(window.end)),
                window.backups.join(", ")
            );
        }
    }
    if majors.len() > 1 {
        let _ = writeln!(
            out,
            "\nA major upgrade starts a new archive (one per major above): a restore to a time uses the archive of the major that ran then, and pgctl restore picks it."
        );
    }
    out
}

/// A Job from the cluster's logical backup CronJob, followed to its end unless `--wait=false`.
async fn logical(
    kube: &k8s::Kube,
    config: &pgctl_shared::config::OperatorConfig,
    name: &str,
    args: &BackupArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    use k8s_openapi::api::batch::v1::{CronJob, Job};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
    use kube::api::{ListParams, LogParams, PostParams};
    use pgctl_shared::build::logical_backup;

    let cron_name = logical_backup::cron_job_name(&config.logical_backup_job_prefix, name);
    let cron_jobs = kube.api::<CronJob>();
    let what = format!("reading CronJob {cron_name}");
    let cron_job = cron_jobs
        .get_opt(&cron_name)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{name} has no logical backup CronJob {cron_name}: set spec.enableLogicalBackup: true (pgctl edit {name})"
            )
        })?;
    let template = cron_job
        .spec
        .as_ref()
        .map(|s| s.job_template.clone())
        .ok_or_else(|| anyhow::anyhow!("CronJob {cron_name} has no spec"))?;
    let mut job = Job {
        metadata: template.metadata.clone().unwrap_or_default(),
        spec: template.spec.clone(),
        status: None,
    };
    job.metadata.name = None;
    job.metadata.generate_name = Some(format!("{cron_name}-"));
    job.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(
            "cronjob.kubernetes.io/instantiate".to_string(),
            "manual".to_string(),
        );
    if let Some(uid) = cron_job.metadata.uid.clone() {
        job.metadata.owner_references = Some(vec![OwnerReference {
            api_version: "batch/v1".to_string(),
            kind: "CronJob".to_string(),
            name: cron_name.clone(),
            uid,
            controller: Some(true),
            block_owner_deletion: None,
        }]);
    }
    let jobs = kube.api::<Job>();
    let what = format!("creating a Job from CronJob {cron_name}");
    let created = jobs
        .create(&PostParams::default(), &job)
        .await
        .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?;
    let job_name = created.metadata.name.clone().unwrap_or_default();
    if !args.wait {
        println!("{name}: logical backup started: Job {job_name}");
        return Ok(Code::Success);
    }
    let started = Instant::now();
    let spinner = ui.spinner(format!("{name}: logical backup (Job {job_name})"));
    let outcome = crate::wait::until(&format!("Job {job_name}"), args.timeout, || {
        let jobs = jobs.clone();
        let job_name = job_name.clone();
        async move {
            let job = jobs.get(&job_name).await?;
            let condition = |kind: &str| {
                job.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == kind && c.status == "True"))
            };
            Ok(if condition("Complete") {
                crate::wait::Poll::Done(true)
            } else if condition("Failed") {
                crate::wait::Poll::Done(false)
            } else {
                let active = job.status.as_ref().and_then(|s| s.active).unwrap_or(0);
                crate::wait::Poll::Pending(format!("{active} pod(s) running"))
            })
        }
    })
    .await;
    spinner.finish_and_clear();
    let succeeded = outcome?;
    // The Job's pod's output: where the dump went, or why it failed.
    let pods = kube.api::<Pod>();
    let selector = format!("job-name={job_name}");
    let log = match pods.list(&ListParams::default().labels(&selector)).await {
        Ok(list) => match list.items.last().and_then(|p| p.metadata.name.clone()) {
            Some(pod) => pods
                .logs(
                    &pod,
                    &LogParams {
                        tail_lines: Some(20),
                        ..LogParams::default()
                    },
                )
                .await
                .unwrap_or_default(),
            None => String::new(),
        },
        Err(_) => String::new(),
    };
    if !succeeded {
        eprint!("{log}");
        eprintln!(
            "{} the logical backup of {name} failed (Job {job_name}; its pod's output is above)",
            ui.paint("error:", Tone::Bad)
        );
        return Ok(Code::Failure);
    }
    let destination = log
        .lines()
        .find_map(|l| {
            l.split_once(" to s3://")
                .map(|(_, to)| format!(" to s3://{to}"))
        })
        .unwrap_or_default();
    println!(
        "{name}: logical backup taken in {:.1} s{destination} (Job {job_name})",
        started.elapsed().as_secs_f64()
    );
    Ok(Code::Success)
}
