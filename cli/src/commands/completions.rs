//! `pgctl completions SHELL`: print a completion script generated from the clap definitions.

use clap::{Args, CommandFactory};

use crate::exit::Code;

use super::Cli;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub const EXAMPLES: &str = "Examples:
  pgctl completions bash > /etc/bash_completion.d/pgctl
  pgctl completions zsh > \"${fpath[1]}/_pgctl\"
  source <(COMPLETE=bash pgctl)     # dynamic completion, including cluster names";

pub fn run(args: &CompletionsArgs) -> anyhow::Result<Code> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "pgctl", &mut std::io::stdout());
    Ok(Code::Success)
}
