//! `pgctl scale NAME --instances N`, or `-l SELECTOR` for every matching cluster.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use crate::args::WaitArgs;
use crate::complete::cluster_names;
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::ui::Ui;
use crate::{k8s, output};

use super::rollout;
use super::update::send_patch;

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Name of the cluster.
    #[arg(add = ArgValueCompleter::new(cluster_names), required_unless_present = "selector")]
    pub name: Option<String>,
    #[command(flatten)]
    pub select: crate::fleet::Selection,
    /// The new number of instances.
    #[arg(long, value_name = "N", required = true)]
    pub instances: i32,
    /// Do not ask for confirmation (needed to scale to 0 when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub const EXAMPLES: &str = "Examples:
  pgctl scale acid-foo --instances 3 --wait
  pgctl scale acid-foo --instances 0 --yes
  pgctl scale -l env=test --instances 1 --yes";

pub async fn run(args: ScaleArgs, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    if args.instances < 0 {
        return Err(crate::exit::usage(format!(
            "--instances {}: must be 0 or more",
            args.instances
        )));
    }
    let kube = k8s::connect(global).await?;
    let config = kube.operator_config().await;
    let (config, args) = (&config, &args);
    let verb = Some(("Scale", args.yes));
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
    kube: &k8s::Kube,
    config: &pgctl_shared::config::OperatorConfig,
    name: &str,
    args: &ScaleArgs,
    ui: &Ui,
) -> anyhow::Result<Code> {
    let old = kube.get_cluster(name).await?;
    let n = args.instances;
    if config.min_instances >= 0 && n < config.min_instances {
        anyhow::bail!(
            "{n} instances is below min_instances ({}) of the operator configuration {}/{}; nothing was changed",
            config.min_instances,
            kube.controller_namespace,
            k8s::OPERATOR_CONFIG_MAP
        );
    }
    if config.max_instances >= 0 && n > config.max_instances {
        anyhow::bail!(
            "{n} instances is above max_instances ({}) of the operator configuration {}/{}; nothing was changed",
            config.max_instances,
            kube.controller_namespace,
            k8s::OPERATOR_CONFIG_MAP
        );
    }
    if old.spec.number_of_instances == n {
        println!("{} already has {n} instances", output::pg_name(name));
    } else {
        if n == 0 && !args.yes {
            ui.require_interactive(
                &format!(
                    "scaling {:?} to 0 stops PostgreSQL and needs confirmation",
                    name
                ),
                "--yes",
            )?;
            let confirmed = ui.confirm_by_name(
                &format!("Scaling {} to 0 stops every PostgreSQL instance.", name),
                name,
            )?;
            if !confirmed {
                anyhow::bail!("not confirmed; nothing was changed");
            }
        }
        let mut new = old.clone();
        new.spec.number_of_instances = n;
        crate::spec::check(&new, &[], Some(&old.spec), config)?;
        send_patch(kube, &old, &new, false).await?;
        println!(
            "{} scaled from {} to {n} instances",
            output::pg_name(name),
            old.spec.number_of_instances
        );
    }
    if args.wait.wait {
        rollout::wait_done(kube, name, config, args.wait.timeout, ui, "to be scaled").await?;
    }
    Ok(Code::Success)
}
