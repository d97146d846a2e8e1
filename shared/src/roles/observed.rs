//! What the executor read from the server. Filled by `pgctl_controller::sql::observe`, or built
//! by hand in tests.
//!
//! Contract: `databases` lists every database; `per_database` holds an entry for every existing
//! database that the desired state prepares (see [`super::Desired::databases_to_inspect`]).
//! The planner skips (and reports) a prepared database that exists but was not inspected.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{DefaultPrivilege, RoleAttributes, SchemaGrant};
use crate::password::Verifier;

/// The observed server state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// Roles by name (`pg_authid`, without the `pg_*` built-in roles).
    pub roles: BTreeMap<String, ObservedRole>,
    /// Memberships: `(group, member)` → whether the member has the ADMIN OPTION.
    pub memberships: BTreeMap<(String, String), bool>,
    /// Databases by name → owner.
    pub databases: BTreeMap<String, String>,
    /// Extensions the server can install (`pg_available_extensions`); `None` when unknown, in
    /// which case every extension is assumed available.
    pub available_extensions: Option<BTreeSet<String>>,
    /// Objects inside individual databases.
    pub per_database: BTreeMap<String, ObservedDatabase>,
}

/// One role as read from `pg_authid`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRole {
    pub attributes: RoleAttributes,
    /// `rolpassword` (a SCRAM verifier, an md5 hash, or `None`).
    pub password: Option<Verifier>,
    /// The role's comment (`shobj_description`).
    pub comment: Option<String>,
    /// `search_path` set with `ALTER ROLE … SET` for all databases, parsed into its elements.
    pub search_path: Option<Vec<String>>,
}

impl ObservedRole {
    /// A role with the given attributes and nothing else.
    pub fn with_attributes(attributes: RoleAttributes) -> Self {
        Self {
            attributes,
            password: None,
            comment: None,
            search_path: None,
        }
    }
}

/// Objects inside one database.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservedDatabase {
    /// Schemas by name → owner (without `pg_*` and `information_schema`).
    pub schemas: BTreeMap<String, String>,
    /// Privileges granted on schemas (from `nspacl`).
    pub schema_grants: BTreeSet<SchemaGrant>,
    /// Installed extensions → the schema they live in.
    pub extensions: BTreeMap<String, String>,
    /// Default privileges (from `pg_default_acl`).
    pub default_privileges: BTreeSet<DefaultPrivilege>,
}
