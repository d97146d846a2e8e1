//! `pgctl completions SHELL`: print a completion script generated from the clap definitions.

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};
use crate::exit::Code;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<Code> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "pgctl", &mut std::io::stdout());
    Ok(Code::Success)
}
