//! Errors and warnings of the configuration loader.

use std::fmt;

/// Where a rejected value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueOrigin {
    /// A key of the operator ConfigMap.
    ConfigMap,
    /// An environment variable (only `WATCHED_NAMESPACE`).
    Environment,
}

impl fmt::Display for ValueOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueOrigin::ConfigMap => "config key",
            ValueOrigin::Environment => "environment variable",
        })
    }
}

/// A configuration that cannot be used. Every message names the key, the offending value and
/// what is expected, e.g. `config key "resync_period": invalid duration "30 minutes" (expected
/// e.g. "30m", "10s", "1h30m")`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// One value does not parse or is out of range.
    #[error(transparent)]
    InvalidValue(Box<InvalidValue>),
    /// Values that parse on their own but contradict each other.
    #[error("config key {key:?}: value {value:?} {problem}")]
    Inconsistent {
        key: String,
        value: String,
        problem: String,
    },
    /// More than one key is wrong; the errors are in key order.
    #[error("{} invalid configuration values: {}", .0.len(), join(.0))]
    Multiple(Vec<ConfigError>),
}

/// The details of [`ConfigError::InvalidValue`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin} {key:?}: invalid {what} {value:?}{} (expected {expected})", reason_suffix(.reason))]
pub struct InvalidValue {
    pub origin: ValueOrigin,
    /// The key, or the environment variable.
    pub key: String,
    /// The value as given (surrounding whitespace removed).
    pub value: String,
    /// What kind of value the key takes (`duration`, `boolean`, …).
    pub what: String,
    /// Why the value was rejected, when the kind alone does not say it.
    pub reason: Option<String>,
    /// What would have been accepted.
    pub expected: String,
}

impl ConfigError {
    /// The individual errors: this one, or each of [`ConfigError::Multiple`].
    pub fn errors(&self) -> Vec<&ConfigError> {
        match self {
            ConfigError::Multiple(all) => all.iter().flat_map(ConfigError::errors).collect(),
            single => vec![single],
        }
    }

    /// The key (or environment variable) at fault; `None` for [`ConfigError::Multiple`].
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::InvalidValue(invalid) => Some(&invalid.key),
            ConfigError::Inconsistent { key, .. } => Some(key),
            ConfigError::Multiple(_) => None,
        }
    }
}

fn reason_suffix(reason: &Option<String>) -> String {
    reason
        .as_ref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default()
}

fn join(errors: &[ConfigError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A problem that does not stop the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigWarning {
    /// A key of the reference operator that pgctl accepts but ignores.
    NotImplemented { key: String },
    /// A key nobody knows, probably a typo; `suggestion` is the closest known key.
    UnknownKey {
        key: String,
        suggestion: Option<String>,
    },
    /// A value that was replaced by the nearest usable one, as the reference operator does.
    Adjusted {
        key: String,
        value: String,
        adjusted: String,
        reason: String,
    },
}

impl ConfigWarning {
    /// The key the warning is about.
    pub fn key(&self) -> &str {
        match self {
            ConfigWarning::NotImplemented { key }
            | ConfigWarning::UnknownKey { key, .. }
            | ConfigWarning::Adjusted { key, .. } => key,
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigWarning::NotImplemented { key } => {
                write!(
                    f,
                    "config key {key:?} is not implemented by pgctl and has no effect"
                )
            }
            ConfigWarning::UnknownKey { key, suggestion } => {
                write!(f, "config key {key:?} is unknown and has no effect")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean {s:?}?)"),
                    None => Ok(()),
                }
            }
            ConfigWarning::Adjusted {
                key,
                value,
                adjusted,
                reason,
            } => write!(
                f,
                "config key {key:?}: value {value:?} raised to {adjusted:?} ({reason})"
            ),
        }
    }
}

/// Why a codec rejected a value; the loader adds the origin, key and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub what: String,
    pub reason: Option<String>,
    pub expected: String,
}

impl Invalid {
    pub fn new(what: impl Into<String>, expected: impl Into<String>) -> Self {
        Invalid {
            what: what.into(),
            reason: None,
            expected: expected.into(),
        }
    }

    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn into_error(self, origin: ValueOrigin, key: &str, value: &str) -> ConfigError {
        ConfigError::InvalidValue(Box::new(InvalidValue {
            origin,
            key: key.to_string(),
            value: value.to_string(),
            what: self.what,
            reason: self.reason,
            expected: self.expected,
        }))
    }
}
