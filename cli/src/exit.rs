//! Documented exit codes (see docs/cli.md).

use std::process::ExitCode;

/// What a command's exit status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Everything worked (for `validate`: no errors).
    Success = 0,
    /// The command failed (for `validate`: a resource has errors).
    Failure = 1,
    /// The command line was wrong (clap uses this too).
    #[allow(dead_code)]
    Usage = 2,
    /// A wait ran out of time.
    #[allow(dead_code)]
    Timeout = 3,
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> Self {
        ExitCode::from(code as u8)
    }
}
