//! The command reference of docs/cli.md, rendered from the clap definitions so it cannot drift.

use std::fmt::Write as _;
use std::io::Write;

use clap::CommandFactory;

use crate::exit::Code;

use super::Cli;

pub fn run() -> anyhow::Result<Code> {
    std::io::stdout().lock().write_all(render().as_bytes())?;
    Ok(Code::Success)
}

/// Markdown: one section per visible command with its `--help` text.
pub fn render() -> String {
    let mut root = Cli::command().term_width(100);
    root.build();
    let mut out = String::new();
    section(&mut out, &mut root, "pgctl");
    out
}

fn section(out: &mut String, command: &mut clap::Command, path: &str) {
    let help = command.render_long_help().to_string();
    let _ = write!(out, "### `{path}`\n\n```text\n{}\n```\n\n", help.trim_end());
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        if let Some(sub) = command.find_subcommand_mut(&name) {
            section(out, sub, &format!("{path} {name}"));
        }
    }
}
