//! `pgctl upgrade NAME --to N`: an in-place major version upgrade. `--check` runs the
//! preflight the controller runs (Patroni's members, then the checks of the upgrade script in
//! the master pod: binaries, extensions, prepared transactions, logical slots, disk space,
//! `pg_upgrade --check`) and stops nothing. Without it, the manifest's
//! `spec.postgresql.version` is raised, which is what starts the controller's upgrade
//! (as with the reference operator); `--wait` follows `status.upgrade` to its end.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;
use k8s_openapi::api::core::v1::Pod;
use kube::api::AttachParams;
use pgctl_shared::build::statefulset::{CONTAINER_NAME, PGROOT};
use pgctl_shared::crd::UpgradeCheck;
use pgctl_shared::upgrade::{self, Action, Run, phase};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use crate::args::{OutputFormat, WaitArgs};
use crate::complete::cluster_names;
use crate::exit::{self, Code};
use crate::global::GlobalArgs;
use crate::k8s::{self, Kube};
use crate::output::{self, Styled};
use crate::patroni;
use crate::ui::{Tone, Ui};
use crate::wait::{self, Poll};

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names))]
    pub name: String,
    /// The major version to upgrade to (e.g. 17).
    #[arg(long, value_name = "MAJOR")]
    pub to: u32,
    /// Run the preflight checks only; nothing is changed or stopped. Exit 1 when one fails.
    #[arg(long)]
    pub check: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Output format of `--check`.
    #[arg(short = 'o', long, value_enum, value_name = "FORMAT", default_value_t)]
    pub output: OutputFormat,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl upgrade acid-foo --to 17 --check         # the preflight only: nothing stops
  pgctl upgrade acid-foo --to 17                 # at a terminal: asks for the name to confirm
  pgctl upgrade acid-foo --to 17 --yes --wait    # in scripts: until the replicas stream on 17";

pub async fn run(args: UpgradeArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    if !args.check && !args.yes && !ui.interactive() {
        return Err(exit::usage(format!(
            "upgrading {} needs confirmation: pass --yes (or --check to only check)",
            args.name
        )));
    }
    let kube = k8s::connect(global).await?;
    let name = args.name.as_str();
    let pg = kube.get_cluster(name).await?;
    let config = kube.operator_config().await;
    let pods = patroni::pods(&kube, &config, name).await?;
    let master = crate::cluster::with_role(&pods, &config, pgctl_shared::build::MASTER_ROLE)
        .and_then(|p| p.metadata.name.clone())
        .ok_or_else(|| anyhow::anyhow!("{name} has no pod labelled master"))?;
    let member = patroni::member(&kube, &master).await?;
    let from = member
        .get("server_version")
        .and_then(Value::as_u64)
        .map(upgrade::server_major)
        .ok_or_else(|| anyhow::anyhow!("{master}'s Patroni reports no server_version"))?;
    if args.to <= from {
        return Err(exit::usage(format!(
            "--to {}: {name} runs PostgreSQL {from}; the target must be a higher major",
            args.to
        )));
    }
    if args.check {
        return check(&kube, ui, &args, &pods, &master, from).await;
    }
    if pg.spec.standby.is_some() {
        anyhow::bail!(
            "{name} is a standby cluster: it is not upgraded in place (promote it first)"
        );
    }
    if !args.yes {
        let prompt = format!(
            "Upgrade postgresql {name} from PostgreSQL {from} to {}? The master stops for pg_upgrade and the replicas are rebuilt; after the data directories are switched there is no way back.",
            args.to
        );
        if !ui.confirm_by_name(&prompt, name)? {
            anyhow::bail!("not confirmed; nothing was changed");
        }
    }
    let patch = json!({"spec": {"postgresql": {"version": args.to.to_string()}}});
    kube.patch_cluster(name, &patch, "raising spec.postgresql.version")
        .await?;
    println!(
        "{} upgrading: spec.postgresql.version is {}; the controller checks, then runs pg_upgrade",
        output::pg_name(name),
        args.to
    );
    if !args.wait.wait {
        return Ok(Code::Success);
    }
    let to = args.to;
    let line = wait::until(
        &format!("postgresql {name:?} to run PostgreSQL {to}"),
        args.wait.timeout,
        || async {
            let pg = kube.get_cluster(name).await?;
            let status = pg.status.as_ref();
            let condition = status
                .and_then(|s| pgctl_shared::status::condition(s, upgrade::CONDITION))
                .map(|c| format!("{}: {}", c.reason, c.message))
                .unwrap_or_else(|| "waiting for the controller".to_string());
            match status
                .and_then(|s| s.upgrade.as_ref())
                .filter(|u| u.to == to)
            {
                Some(u) if u.phase == phase::SUCCEEDED => Ok(Poll::Done(format!(
                    "{} upgraded: {condition}",
                    output::pg_name(name)
                ))),
                Some(u) if u.phase == phase::BLOCKED || u.phase == phase::ROLLED_BACK => {
                    anyhow::bail!("{name}: {condition}")
                }
                _ => Ok(Poll::Pending(condition)),
            }
        },
    )
    .await?;
    println!("{line}");
    Ok(Code::Success)
}

/// The preflight: Patroni's members, then the script's checks in the master pod.
async fn check(
    kube: &Kube,
    ui: &Ui,
    args: &UpgradeArgs,
    pods: &[Pod],
    master: &str,
    from: u32,
) -> anyhow::Result<Code> {
    let cluster = patroni::cluster(kube, pods).await?;
    let mut checks = vec![upgrade::members_check(&cluster, pods.len() as i32)];
    let attempt = format!(
        "check-{}",
        k8s_openapi::jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S")
    );
    let argv = upgrade::command(Run::Now(Action::Check), from, args.to, PGROOT, &attempt);
    let params = AttachParams::default()
        .container(CONTAINER_NAME)
        .stdin(false)
        .stdout(true)
        .stderr(false);
    let what = format!("the preflight in {master}");
    let mut process = kube
        .api::<Pod>()
        .exec(master, argv.iter().map(String::as_str), &params)
        .await
        .map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    let mut out = String::new();
    if let Some(mut stdout) = process.stdout() {
        stdout.read_to_string(&mut out).await?;
    }
    let _ = process.join().await;
    checks.extend(upgrade::parse_checks(&out));
    if checks.len() == 1 {
        anyhow::bail!("{what} printed no check: {}", out.trim());
    }
    let failed = checks.iter().any(|c| !c.passed);
    print_checks(ui, args, from, &checks)?;
    Ok(if failed { Code::Failure } else { Code::Success })
}

fn print_checks(
    ui: &Ui,
    args: &UpgradeArgs,
    from: u32,
    checks: &[UpgradeCheck],
) -> anyhow::Result<()> {
    match args.output {
        OutputFormat::Json => print!("{}", output::json(&checks)?),
        OutputFormat::Yaml => print!("{}", output::yaml(&checks)?),
        OutputFormat::Name => {
            for c in checks.iter().filter(|c| !c.passed) {
                println!("{}", c.name);
            }
        }
        OutputFormat::Table | OutputFormat::Wide => {
            let rows: Vec<Vec<Styled>> = checks
                .iter()
                .map(|c| {
                    vec![
                        Styled::from(c.name.as_str()),
                        if c.passed {
                            Styled::new("pass", Tone::Good)
                        } else {
                            Styled::new("FAIL", Tone::Bad)
                        },
                        Styled::from(c.message.as_str()),
                    ]
                })
                .collect();
            print!(
                "{}",
                output::table(ui, &["CHECK", "RESULT", "MESSAGE"], &rows)
            );
            let failed = checks.iter().filter(|c| !c.passed).count();
            if failed == 0 {
                println!(
                    "{} can be upgraded from {from} to {}",
                    output::pg_name(&args.name),
                    args.to
                );
            } else {
                println!(
                    "{} cannot be upgraded from {from} to {} now: {failed} check(s) failed",
                    output::pg_name(&args.name),
                    args.to
                );
            }
        }
    }
    Ok(())
}
