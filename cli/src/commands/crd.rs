//! `pgctl crd`: print the generated CustomResourceDefinition.

use std::io::Write;

use crate::exit::Code;

pub fn run() -> anyhow::Result<Code> {
    let yaml = pgctl_shared::crd::crd_yaml()?;
    std::io::stdout().lock().write_all(yaml.as_bytes())?;
    Ok(Code::Success)
}
