//! One module per command.

mod apply;
mod completions;
mod connect;
mod crd;
mod create;
mod delete;
mod edit;
mod install;
mod list;
mod plan;
mod reference;
mod rollout;
mod scale;
mod status;
mod update;
mod validate;
mod version;

use crate::args::{Cli, Command, RolloutCommand};
use crate::exit::Code;
use crate::global::GlobalArgs;
use crate::ui::Ui;

/// Runs the command the user asked for. Only commands that need the API build a runtime.
pub fn run(cli: Cli) -> anyhow::Result<Code> {
    let ui = Ui::detect(cli.global.color);
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Crd => crd::run(),
        Command::Completions(args) => completions::run(&args),
        Command::ReferenceMarkdown => reference::run(),
        command => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(run_async(command, &cli.global, &ui))
        }
    }
}

async fn run_async(command: Command, global: &GlobalArgs, ui: &Ui) -> anyhow::Result<Code> {
    match command {
        Command::Create(args) => create::run(args, global, ui).await,
        Command::Apply(args) => apply::run(args, global, ui).await,
        Command::List(args) => list::run(args, global, ui).await,
        Command::Status(args) => status::run(args, global, ui).await,
        Command::Scale(args) => scale::run(args, global, ui).await,
        Command::Update(args) => update::run(args, global, ui).await,
        Command::Edit(args) => edit::run(args, global, ui).await,
        Command::Delete(args) => delete::run(args, global, ui).await,
        Command::Rollout(RolloutCommand::Status(args)) => rollout::status(args, global, ui).await,
        Command::Rollout(RolloutCommand::Restart(args)) => rollout::restart(args, global).await,
        Command::Plan(args) => plan::run(args, global, ui).await,
        Command::Connect(args) => connect::run(args, global, ui).await,
        Command::Install(args) => install::install(args, global, ui).await,
        Command::Uninstall(args) => install::uninstall(args, global, ui).await,
        Command::Version(args) => version::run(args, global).await,
        Command::Validate(_)
        | Command::Crd
        | Command::Completions(_)
        | Command::ReferenceMarkdown => {
            unreachable!("handled without a runtime")
        }
    }
}
