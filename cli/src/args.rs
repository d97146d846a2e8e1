//! The command line, declared once; docs and completions are generated from it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Manage PostgreSQL clusters on Kubernetes (postgresql resources, acid.zalan.do/v1).
#[derive(Debug, Parser)]
#[command(name = "pgctl", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check postgresql manifests offline, without a cluster.
    Validate(ValidateArgs),
    /// Print the CustomResourceDefinition of the postgresql resource.
    Crd,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the command reference as Markdown (for docs/cli.md).
    #[command(hide = true)]
    ReferenceMarkdown,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Manifest file to check, or `-` for standard input; repeat for several files.
    #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Treat warnings as errors (exit 1 when there is any).
    #[arg(long)]
    pub strict: bool,
    /// Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise.
    #[arg(long, value_name = "FILE")]
    pub operator_config: Option<PathBuf>,
}
