//! Documented exit codes (see docs/cli.md).

use std::process::ExitCode;

/// What a command's exit status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Everything worked (for `validate`: no errors).
    Success = 0,
    /// The command failed (for `validate`: a resource has errors).
    Failure = 1,
    /// The command line was wrong (clap uses this too), or an answer was needed that only a
    /// flag can give when stdin is not a terminal.
    Usage = 2,
    /// A wait ran out of time.
    Timeout = 3,
}

impl Code {
    /// Success when nothing of a command over several clusters failed, else failure.
    pub fn of_failures(failed: usize) -> Code {
        if failed == 0 {
            Code::Success
        } else {
            Code::Failure
        }
    }
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> Self {
        ExitCode::from(code as u8)
    }
}

/// An error that ends the command with a specific exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: Code,
    pub message: String,
}

/// A usage error (exit 2): the message should name the flag that fixes it.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Exit {
        code: Code::Usage,
        message: message.into(),
    }
    .into()
}

/// A wait that ran out of time (exit 3).
pub fn timeout(message: impl Into<String>) -> anyhow::Error {
    Exit {
        code: Code::Timeout,
        message: message.into(),
    }
    .into()
}

/// The exit code an error ends the command with.
pub fn code_of(error: &anyhow::Error) -> Code {
    error
        .downcast_ref::<Exit>()
        .map(|exit| exit.code)
        .unwrap_or(Code::Failure)
}
