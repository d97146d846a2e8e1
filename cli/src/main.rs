//! `pgctl`: the command line for PostgreSQL clusters on Kubernetes (also `kubectl pg`).

mod args;
mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::Code::Failure.into()
        }
    }
}
