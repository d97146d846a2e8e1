//! One module per command.

mod completions;
mod crd;
mod reference;
mod validate;

use crate::args::{Cli, Command};
use crate::exit::Code;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<Code> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Crd => crd::run(),
        Command::Completions(args) => completions::run(&args),
        Command::ReferenceMarkdown => reference::run(),
    }
}
