//! `pgctl-controller`: watches postgresql resources and keeps their clusters in sync.

use std::process::ExitCode;

use clap::Parser;
use pgctl_controller::{args::Args, run, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    telemetry::init(args.log_format);
    match run::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("pgctl-controller: {error:#}");
            ExitCode::FAILURE
        }
    }
}
