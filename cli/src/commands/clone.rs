//! `pgctl clone SOURCE NEW`: a new cluster that starts as a copy of a running one (pgo's
//! `clone`). The manifest is the source's spec with `clone: {cluster: SOURCE}` (Spilo's
//! `CLONE_WITH_BASEBACKUP`: the first member copies SOURCE's master with `pg_basebackup`), and
//! without a `standby` section; spec flags override what they name. The clone gets its own
//! Secrets and is independent of SOURCE once it runs.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use pgctl_shared::crd::{CloneDescription, Postgresql};

use crate::args::{DryRun, OutputFormat, SpecArgs, WaitArgs};
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::k8s;
use crate::spec;
use crate::ui::Ui;

use super::create;

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The running cluster to copy (same namespace).
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub source: String,
    /// Name of the new cluster.
    pub name: String,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `client` prints the clone's manifest (the source is read, nothing is created);
    /// `server` has the API server validate it without creating it.
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", default_value = "none")]
    pub dry_run: DryRun,
    /// Output format of --dry-run (yaml or json) or of the created resource.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl clone acid-foo acid-foo-copy --wait                # copy acid-foo, wait until it runs
  pgctl clone acid-foo acid-foo-test --instances 1 --size 20Gi
  pgctl clone acid-foo acid-foo-copy --dry-run=client -o yaml > acid-foo-copy.yaml";

/// The clone's manifest: SOURCE's spec, cloning SOURCE, without a standby section, with the
/// spec flags applied.
pub fn manifest(source: &Postgresql, name: &str, args: &SpecArgs) -> anyhow::Result<Postgresql> {
    let mut spec = source.spec.clone();
    spec.standby = None;
    spec.clone = Some(CloneDescription {
        cluster: source.metadata.name.clone().unwrap_or_default(),
        ..CloneDescription::default()
    });
    let mut pg = Postgresql::new(name, spec);
    pg.metadata.namespace = source.metadata.namespace.clone();
    spec::apply_spec_args(&mut pg, args)?;
    Ok(pg)
}

pub async fn run(args: CloneArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    let kube = k8s::connect(global).await?;
    let source = kube.get_cluster(&args.source).await?;
    let pg = manifest(&source, &args.name, &args.spec)?;
    create::submit_built(kube, pg, args.output, args.dry_run, &args.wait, ui).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgctl_shared::crd::{PostgresSpec, StandbyDescription};

    #[test]
    fn a_clone_copies_the_spec_clones_the_source_and_is_no_standby() {
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
        source.metadata.namespace = Some("team-a".into());
        let args = SpecArgs {
            instances: Some(1),
            ..SpecArgs::default()
        };
        let pg = manifest(&source, "acid-copy", &args).expect("manifest");
        assert_eq!(pg.metadata.name.as_deref(), Some("acid-copy"));
        assert_eq!(pg.metadata.namespace.as_deref(), Some("team-a"));
        assert_eq!(pg.spec.number_of_instances, 1);
        assert_eq!(pg.spec.postgresql.version, "16");
        assert_eq!(pg.spec.team_id, "acid");
        assert_eq!(pg.spec.standby, None);
        let clone = pg.spec.clone.expect("clone section");
        assert_eq!(clone.cluster, "acid-src");
        assert_eq!(clone.timestamp, None);
    }
}
