//! Errors of the SQL executor. They name the statement kind, the object and the database, and
//! never carry a password or a password verifier.

use std::time::Duration;

use pgctl_shared::roles::{ObjectRef, StatementKind};

/// A connection the server (or the network) refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("connecting to {host}:{port} (database {database:?}, user {user:?}): {message}")]
pub struct ConnectFailure {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub message: String,
    pub code: Option<String>,
}

/// A planned statement the server refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} of {object} in database {database:?}: {message}")]
pub struct StatementFailure {
    pub kind: StatementKind,
    pub object: ObjectRef,
    pub database: String,
    pub message: String,
    pub code: Option<String>,
}

/// Everything that can go wrong while talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error(transparent)]
    Connect(Box<ConnectFailure>),
    #[error("connecting to {host}:{port} (database {database:?}): no answer within {timeout:?}")]
    ConnectTimeout {
        host: String,
        port: u16,
        database: String,
        timeout: Duration,
    },
    #[error("reading {what} from database {database:?}: {message}")]
    Observe {
        what: &'static str,
        database: String,
        message: String,
        code: Option<String>,
    },
    #[error(transparent)]
    Statement(Box<StatementFailure>),
    #[error("{what} in database {database:?}: no answer within {timeout:?}")]
    Timeout {
        what: String,
        database: String,
        timeout: Duration,
    },
    #[error("setting up TLS: {0}")]
    Tls(String),
}

impl SqlError {
    /// A static label for metrics and Event reasons.
    pub fn label(&self) -> &'static str {
        match self {
            SqlError::Connect(_) => "connect",
            SqlError::ConnectTimeout { .. } => "connect_timeout",
            SqlError::Observe { .. } => "observe",
            SqlError::Statement(_) => "statement",
            SqlError::Timeout { .. } => "timeout",
            SqlError::Tls(_) => "tls",
        }
    }

    /// The SQLSTATE of a server error, if any.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            SqlError::Connect(f) => f.code.as_deref(),
            SqlError::Statement(f) => f.code.as_deref(),
            SqlError::Observe { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// A message and SQLSTATE from a driver error, with anything that looks like a SCRAM verifier
/// removed (server messages do not echo statements, but this keeps it certain).
pub(crate) fn describe(err: &tokio_postgres::Error) -> (String, Option<String>) {
    let (message, code) = match err.as_db_error() {
        Some(db) => {
            let mut m = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                m.push_str(" (");
                m.push_str(detail);
                m.push(')');
            }
            (m, Some(db.code().code().to_string()))
        }
        None => {
            let mut m = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(s) = source {
                let text = s.to_string();
                if !m.contains(&text) {
                    m.push_str(": ");
                    m.push_str(&text);
                }
                source = s.source();
            }
            (m, err.code().map(|c| c.code().to_string()))
        }
    };
    (redact_verifiers(&message), code)
}

/// Replaces every `SCRAM-SHA-256$…` token with `<redacted>`.
pub(crate) fn redact_verifiers(text: &str) -> String {
    const MARK: &str = "SCRAM-SHA-256$";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        out.push_str("<redacted>");
        let after = &rest[i + MARK.len()..];
        let end = after
            .find(|c: char| c == '\'' || c == '"' || c.is_whitespace())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifiers_are_redacted() {
        assert_eq!(
            redact_verifiers("x 'SCRAM-SHA-256$4096:abc$def:ghi' y"),
            "x '<redacted>' y"
        );
        assert_eq!(redact_verifiers("nothing"), "nothing");
    }
}
