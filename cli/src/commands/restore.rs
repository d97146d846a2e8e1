//! `pgctl restore NEW --from SOURCE --time TIME`: a new cluster restored from SOURCE's WAL
//! archive to a moment, the reference's way: `spec.clone` with `cluster`, `uid` and
//! `timestamp` (Spilo's `CLONE_WITH_WALE`: the newest base backup before the time, then the
//! archived WAL up to it). SOURCE need not exist any more: its archive is enough, found by its
//! name and uid. Credentials of another store go by Secret (`pod_environment_secret`), never
//! into the manifest.
//!
//! Before it writes anything, it reads SOURCE's archive ([`crate::archive`]) when it can: a
//! time outside the restorable window is refused with the window's bounds, and the major is
//! the one whose archive holds the time (after a major upgrade the archive's path changes, and a
//! restore to a time before it runs the old major). When the store cannot be read from here
//! (an in-cluster endpoint without `--endpoint`, no credentials), it says so and goes on.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::crd::{CloneDescription, Postgresql};

use crate::args::{DryRun, OutputFormat, SpecArgs, WaitArgs};
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s;
use crate::spec;
use crate::ui::Ui;

use super::create;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Name of the new cluster.
    pub name: String,
    /// The cluster whose archive is restored (same namespace); it may have been deleted.
    #[arg(long, value_name = "CLUSTER", add = ArgValueCompleter::new(cluster_names))]
    pub from: String,
    /// The moment to restore to: RFC 3339 with an offset, e.g. 2026-12-04T10:15:00+00:00. The
    /// archive must hold a commit after it (a quiet cluster archives every 30 minutes).
    #[arg(long, value_name = "TIME")]
    pub time: String,
    /// The uid (`metadata.uid`) of the incarnation of SOURCE whose archive is read; default:
    /// the existing SOURCE's. Required when SOURCE no longer exists.
    #[arg(long, value_name = "UID")]
    pub uid: Option<String>,
    /// Where SOURCE's archive is, when not in the controller's `wal_s3_bucket`
    /// (`spec.clone.s3_wal_path`, e.g. s3://bucket/spilo/acid-src/UID/wal/17).
    #[arg(long, value_name = "URL")]
    pub s3_wal_path: Option<String>,
    #[command(flatten)]
    pub store: crate::archive::StoreArgs,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `client` prints the new cluster's manifest (nothing is created); `server` has the API
    /// server validate it without creating it.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json) or of the created resource.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl restore acid-foo-pitr --from acid-foo --time 2026-12-04T10:15:00+00:00 --wait
  pgctl restore acid-foo-pitr --from acid-foo --time 2026-12-04T10:15:00Z --dry-run=client -o yaml
  # acid-foo was deleted: name the incarnation, the team and the major of its archive
  pgctl restore acid-foo-back --from acid-foo --uid 4254b100-1e7e-4759-9008-3dd77296284e \\
      --time 2026-12-04T10:15:00Z --team acid --pg-version 17 --size 10Gi";

/// The restored cluster's manifest. With SOURCE still there (`source`), its spec (without a
/// standby section) and its uid unless `--uid` names another; without it, a new cluster from
/// the flags (`--team` and `--pg-version` required: the archive's path holds the major).
pub fn manifest(
    args: &RestoreArgs,
    namespace: &str,
    source: Option<&Postgresql>,
    time: String,
) -> anyhow::Result<Postgresql> {
    let (mut pg, uid) = match source {
        Some(source) => {
            let mut spec = source.spec.clone();
            spec.standby = None;
            let mut pg = Postgresql::new(&args.name, spec);
            pg.metadata.namespace = Some(namespace.to_string());
            spec::apply_spec_args(&mut pg, &args.spec)?;
            let uid = args.uid.clone().or_else(|| source.metadata.uid.clone());
            (pg, uid)
        }
        None => {
            let Some(uid) = args.uid.clone() else {
                return Err(exit::usage(format!(
                    "cluster {:?} does not exist in namespace {namespace:?}: pass --uid with the metadata.uid it had (its archive is spilo/{}/UID/...)",
                    args.from, args.from
                )));
            };
            if args.spec.pg_version.is_none() {
                return Err(exit::usage(format!(
                    "cluster {:?} does not exist: pass --pg-version with the major it ran (its archive's path holds it)",
                    args.from
                )));
            }
            let pg = spec::new_cluster(&args.name, namespace, &args.spec)?;
            (pg, Some(uid))
        }
    };
    pg.spec.clone = Some(CloneDescription {
        cluster: args.from.clone(),
        uid,
        timestamp: Some(time),
        s3_wal_path: args.s3_wal_path.clone(),
        ..CloneDescription::default()
    });
    Ok(pg)
}

pub async fn run(mut args: RestoreArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let time = pgctl_shared::backup::target_time(&args.time, k8s_openapi::jiff::Timestamp::now())
        .map_err(|e| exit::usage(format!("--time {e}")))?;
    let kube = k8s::connect(global).await?;
    let namespace = kube.namespace.clone();
    if args.name == args.from {
        return Err(exit::usage(format!(
            "restore into a new cluster: {:?} is the source's name",
            args.name
        )));
    }
    // A restore never touches an existing cluster.
    if kube.find_cluster(&args.name).await?.is_some() {
        return Err(exit::usage(format!(
            "cluster {:?} already exists in namespace {namespace:?}: a restore creates a new cluster; pick another name",
            args.name
        )));
    }
    let source = kube.find_cluster(&args.from).await?;
    let uid = args
        .uid
        .clone()
        .or_else(|| source.as_ref().and_then(|s| s.metadata.uid.clone()));
    if let Some(uid) = uid.as_deref()
        && args.s3_wal_path.is_none()
    {
        check_window(&kube, &mut args, source.as_ref(), uid, &time, ui).await?;
    }
    let pg = manifest(&args, &namespace, source.as_ref(), time)?;
    create::submit_built(kube, pg, args.output, args.dry_run, &args.wait, ui).await
}

/// Refuses a time the archive of SOURCE (incarnation `uid`) cannot restore, and sets the major
/// to the one whose archive holds it; warns and goes on when the archive cannot be read.
async fn check_window(
    kube: &k8s::Kube,
    args: &mut RestoreArgs,
    source: Option<&Postgresql>,
    uid: &str,
    time: &str,
    ui: &Ui,
) -> anyhow::Result<()> {
    let warn = |what: String| {
        eprintln!(
            "{} cannot check the restorable window: {what}",
            ui.paint("warning:", crate::ui::Tone::Warn)
        );
    };
    let moment: k8s_openapi::jiff::Timestamp = time
        .parse()
        .map_err(|e| exit::usage(format!("--time {time}: {e}")))?;
    let config = kube.operator_config().await;
    let store = match crate::archive::open(kube, &config, source, &args.store).await {
        Ok(store) => store,
        Err(error) => {
            warn(format!("{error:#}"));
            return Ok(());
        }
    };
    let place = store.place(&args.from, Some(uid));
    let catalog = match store.catalog(&args.from, Some(uid)).await {
        Ok(catalog) => catalog,
        Err(error) => {
            warn(format!(
                "reading {place}: {error:#} (--endpoint names the store as this machine reaches it)"
            ));
            return Ok(());
        }
    };
    let covered = catalog.covering(moment).map_err(|outside| {
        exit::usage(format!(
            "--time {time}: {outside} (archive {place}; pgctl backup list {} shows it)",
            args.from
        ))
    })?;
    let major = covered.archive.major.clone();
    match &args.spec.pg_version {
        Some(version) if *version != major => {
            return Err(exit::usage(format!(
                "--pg-version {version}: {time} is in PostgreSQL {major}'s archive ({}); a restore runs that major (upgrade it afterwards with pgctl upgrade)",
                covered.archive.prefix
            )));
        }
        Some(_) => {}
        None => {
            if source.is_some_and(|s| s.spec.postgresql.version != major) {
                eprintln!(
                    "note: {time} is in PostgreSQL {major}'s archive: the restored cluster runs {major} (upgrade it afterwards with pgctl upgrade)"
                );
            }
            args.spec.pg_version = Some(major);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use pgctl_shared::crd::{PostgresSpec, StandbyDescription};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        restore: RestoreArgs,
    }

    fn args(argv: &[&str]) -> RestoreArgs {
        Cli::try_parse_from(std::iter::once("restore").chain(argv.iter().copied()))
            .map(|c| c.restore)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn source() -> Postgresql {
        let mut source = Postgresql::new(
            "acid-src",
            PostgresSpec {
                team_id: "acid".into(),
                number_of_instances: 3,
                standby: Some(StandbyDescription {
                    standby_host: Some("far".into()),
                    ..StandbyDescription::default()
                }),
                ..PostgresSpec::default()
            },
        );
        source.spec.postgresql.version = "16".into();
        source.metadata.uid = Some("u-1".into());
        source
    }

    #[test]
    fn a_restore_copies_the_source_and_names_its_archive_and_time() {
        let a = args(&[
            "acid-pitr",
            "--from",
            "acid-src",
            "--time",
            "x",
            "--instances",
            "1",
        ]);
        let pg = manifest(&a, "team-a", Some(&source()), "T".into()).expect("manifest");
        assert_eq!(pg.metadata.namespace.as_deref(), Some("team-a"));
        assert_eq!(pg.spec.number_of_instances, 1);
        assert_eq!(pg.spec.postgresql.version, "16");
        assert_eq!(pg.spec.standby, None);
        let clone = pg.spec.clone.expect("clone");
        assert_eq!(clone.cluster, "acid-src");
        assert_eq!(clone.uid.as_deref(), Some("u-1"));
        assert_eq!(clone.timestamp.as_deref(), Some("T"));
        // No credential ever goes into the manifest.
        assert_eq!(clone.s3_access_key_id, None);
        assert_eq!(clone.s3_secret_access_key, None);
    }

    #[test]
    fn without_the_source_uid_and_major_are_required() {
        let a = args(&[
            "acid-back",
            "--from",
            "acid-gone",
            "--time",
            "x",
            "--team",
            "acid",
        ]);
        let err = manifest(&a, "ns", None, "T".into()).expect_err("no uid");
        assert!(err.to_string().contains("--uid"), "{err}");
        let a = args(&[
            "acid-back",
            "--from",
            "acid-gone",
            "--time",
            "x",
            "--team",
            "acid",
            "--uid",
            "u-0",
        ]);
        let err = manifest(&a, "ns", None, "T".into()).expect_err("no major");
        assert!(err.to_string().contains("--pg-version"), "{err}");
        let a = args(&[
            "acid-back",
            "--from",
            "acid-gone",
            "--time",
            "x",
            "--team",
            "acid",
            "--uid",
            "u-0",
            "--pg-version",
            "16",
        ]);
        let pg = manifest(&a, "ns", None, "2026-12-04T10:15:00+00:00".into()).expect("manifest");
        assert_eq!(pg.spec.postgresql.version, "16");
        let clone = pg.spec.clone.as_ref().expect("clone");
        assert_eq!(clone.uid.as_deref(), Some("u-0"));
        // The manifest passes the validation the controller applies.
        let problems = pgctl_shared::validate::validate(
            &pg,
            &[],
            None,
            &pgctl_shared::config::OperatorConfig::default(),
        );
        assert!(
            !pgctl_shared::validate::has_errors(&problems),
            "{problems:?}"
        );
    }
}
