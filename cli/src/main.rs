//! `pgctl`: the command line for PostgreSQL clusters on Kubernetes (also `kubectl pg`).
//!
//! Parsing comes first and builds nothing: `pgctl --version` and `pgctl --help` never start a
//! runtime or read a kubeconfig. Commands that talk to the API build a tokio runtime then.

mod archive;
mod args;
mod cluster;
mod commands;
mod complete;
mod exit;
mod fleet;
mod global;
mod k8s;
mod output;
mod patroni;
mod pg;
mod pgbouncer;
mod s3;
mod spec;
mod ui;
mod wait;
mod wizard;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::FromArgMatches;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let plugin = complete::called_as_plugin(argv.first());
    if argv.get(1).is_some_and(|a| a == complete::KUBECTL_COMPLETE) {
        return complete::kubectl_plugin(commands::command(true), &argv[2..]);
    }
    // Dynamic completion (`source <(COMPLETE=bash pgctl)`): returns at once unless $COMPLETE is set.
    clap_complete::CompleteEnv::with_factory(move || commands::command(plugin)).complete();
    let matches = match commands::command(plugin).try_get_matches_from(&argv) {
        Ok(matches) => matches,
        Err(error) => error.exit(),
    };
    let cli = match commands::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::code_of(&error).into()
        }
    }
}
