//! Things the planner left out, with the reason: for status messages and warning Events.

use std::fmt;

use super::sql::IdentifierError;

/// The object a [`Skip`] is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectRef {
    Role(String),
    Database(String),
    Schema {
        database: String,
        schema: String,
    },
    Extension {
        database: String,
        extension: String,
    },
    /// A Secret of infrastructure roles (`namespace/name`).
    InfrastructureSecret(String),
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectRef::Role(r) => write!(f, "role {r:?}"),
            ObjectRef::Database(d) => write!(f, "database {d:?}"),
            ObjectRef::Schema { database, schema } => {
                write!(f, "schema {schema:?} in database {database:?}")
            }
            ObjectRef::Extension {
                database,
                extension,
            } => write!(f, "extension {extension:?} in database {database:?}"),
            ObjectRef::InfrastructureSecret(s) => write!(f, "infrastructure roles Secret {s:?}"),
        }
    }
}

/// Why an object was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The manifest names the superuser or the replication user.
    SystemRole,
    /// The manifest names a protected role (`protected_role_names`) or a `pg_*` role.
    ProtectedRole,
    /// A flag that is not a PostgreSQL role attribute.
    UnknownFlag(String),
    /// The name cannot be a PostgreSQL identifier.
    InvalidName(IdentifierError),
    /// The database owner is neither a role of the manifest nor a role on the server; the
    /// database is created on a later sync, once the role exists.
    UnknownOwner(String),
    /// The server does not ship the extension.
    ExtensionUnavailable,
    /// The database exists but the executor did not inspect it.
    DatabaseNotInspected,
    /// No password for a login role yet (its Secret is missing): the role is created without
    /// a password and gets one on a later sync.
    MissingPassword,
    /// The Secret names a user that is neither the role nor one of its rotation users.
    SecretUsernameMismatch(String),
    /// Any other reason, as a sentence fragment.
    Other(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::SystemRole => f.write_str("is a system role managed by Spilo"),
            SkipReason::ProtectedRole => f.write_str("is a protected role"),
            SkipReason::UnknownFlag(flag) => write!(f, "has unknown flag {flag:?}"),
            SkipReason::InvalidName(e) => write!(f, "has an invalid name: {e}"),
            SkipReason::UnknownOwner(owner) => write!(
                f,
                "has owner {owner:?}, which is neither in spec.users nor an existing role; \
                 it will be created once the role exists"
            ),
            SkipReason::ExtensionUnavailable => {
                f.write_str("is not available on the server (pg_available_extensions)")
            }
            SkipReason::DatabaseNotInspected => {
                f.write_str("exists but its schemas and privileges were not read")
            }
            SkipReason::MissingPassword => f.write_str(
                "has no password yet (its Secret is missing or empty); it is created without one",
            ),
            SkipReason::SecretUsernameMismatch(u) => write!(
                f,
                "has a Secret for user {u:?}, which is neither the role nor a rotation user of it; \
                 its password is left as it is"
            ),
            SkipReason::Other(s) => f.write_str(s),
        }
    }
}

/// An object the plan does not (fully) provision, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub object: ObjectRef,
    pub reason: SkipReason,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.object, self.reason)
    }
}
