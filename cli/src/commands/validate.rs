//! `pgctl validate`: offline checks of manifests with the same rules as the controller.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::manifest::{self, DocumentContent};
use pgctl_shared::validate::{self, Severity};

use crate::exit::Code;

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

pub fn run(args: &ValidateArgs) -> anyhow::Result<Code> {
    let config = match &args.operator_config {
        Some(path) => load_operator_config(path)?,
        None => OperatorConfig::default(),
    };
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for file in &args.files {
        let text = crate::spec::read_input(file)?;
        let label = file.display().to_string();
        let outcome = check_text(&label, &text, &config, &mut out)?;
        failed |= outcome.errors > 0 || (args.strict && outcome.warnings > 0);
    }
    Ok(if failed { Code::Failure } else { Code::Success })
}

/// Counts of what one input held.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub errors: usize,
    pub warnings: usize,
}

/// Validates every document of one input and writes one line per finding.
pub fn check_text(
    label: &str,
    text: &str,
    config: &OperatorConfig,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    for document in manifest::parse_stream(text) {
        let at = format!("{label}:{}", document.index);
        match document.content {
            DocumentContent::Postgresql(parsed) => {
                let name = parsed.resource.metadata.name.clone().unwrap_or_default();
                let problems =
                    validate::validate(&parsed.resource, &parsed.unknown_fields, None, config);
                for problem in &problems {
                    match problem.severity {
                        Severity::Error => outcome.errors += 1,
                        Severity::Warning => outcome.warnings += 1,
                    }
                    writeln!(out, "{at}: postgresql/{name}: {problem}")?;
                }
                if !validate::has_errors(&problems) {
                    writeln!(out, "ok  postgresql/{name}")?;
                }
            }
            DocumentContent::Invalid { name, error } => {
                outcome.errors += 1;
                let name = name.unwrap_or_else(|| "?".to_string());
                match error {
                    manifest::ManifestError::Field { path, message } => {
                        writeln!(out, "{at}: postgresql/{name}: {path}: error: {message}")?
                    }
                    other => writeln!(out, "{at}: postgresql/{name}: error: {other}")?,
                }
            }
            DocumentContent::Other { api_version, kind } => {
                eprintln!("{at}: skipped {api_version}/{kind} (not a postgresql resource)");
            }
            DocumentContent::Empty => {}
        }
    }
    Ok(outcome)
}

/// Reads an operator ConfigMap manifest and builds the configuration from its `data`.
pub fn load_operator_config(path: &Path) -> anyhow::Result<OperatorConfig> {
    let text = crate::spec::read_input(path)?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text)
        .with_context(|| format!("{}: not valid YAML", path.display()))?;
    let data: std::collections::BTreeMap<String, String> = match value.get("data") {
        Some(data) => serde_yaml::from_value(data.clone())
            .with_context(|| format!("{}: data must map keys to strings", path.display()))?,
        None => Default::default(),
    };
    let loaded = OperatorConfig::from_config_map_data(&data)
        .with_context(|| format!("{}: invalid operator configuration", path.display()))?;
    for warning in &loaded.warnings {
        eprintln!("{}: warning: {warning}", path.display());
    }
    Ok(loaded.config)
}
