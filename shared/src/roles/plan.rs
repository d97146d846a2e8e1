//! The diff: desired state + observed state → an ordered list of statements, empty when the
//! server is already there.
//!
//! Order: roles are created, then altered (attributes, passwords, comments, `search_path`),
//! then memberships are granted, then databases are created or re-owned, then the objects of
//! each prepared database (schemas, extensions, schema privileges, default privileges) are
//! created in that database, and last expired rotation users are dropped. Nothing else is ever
//! dropped or revoked; roles the manifest does not name and protected roles are never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rand_core::CryptoRng;

use super::desired::{Desired, RoleOrigin};
use super::model::{ObjectKind, Privilege};
use super::observed::{Observed, ObservedDatabase};
use super::rotation;
use super::settings::RoleSettings;
use super::skip::{ObjectRef, Skip, SkipReason};
use super::sql::{quote_ident, quote_ident_list, quote_literal};
use crate::password::{self, Password, VerifierCache};

/// Comment the planner puts on roles it manages, so that a role later removed from the
/// manifest can be recognised and reported (never dropped). A role with another comment keeps
/// it; such a role is then not reported when it leaves the manifest.
pub const MANAGED_COMMENT: &str = "managed by pgctl";

/// What a statement does (a static label for errors, metrics and Events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatementKind {
    CreateRole,
    AlterRole,
    SetPassword,
    SetSearchPath,
    CommentRole,
    GrantMembership,
    CreateDatabase,
    AlterDatabaseOwner,
    CreateSchema,
    AlterSchemaOwner,
    CreateExtension,
    AlterExtensionSchema,
    GrantSchemaPrivileges,
    AlterDefaultPrivileges,
    DropRotationUser,
}

impl StatementKind {
    /// A stable snake_case label.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::CreateRole => "create_role",
            StatementKind::AlterRole => "alter_role",
            StatementKind::SetPassword => "set_password",
            StatementKind::SetSearchPath => "set_search_path",
            StatementKind::CommentRole => "comment_role",
            StatementKind::GrantMembership => "grant_membership",
            StatementKind::CreateDatabase => "create_database",
            StatementKind::AlterDatabaseOwner => "alter_database_owner",
            StatementKind::CreateSchema => "create_schema",
            StatementKind::AlterSchemaOwner => "alter_schema_owner",
            StatementKind::CreateExtension => "create_extension",
            StatementKind::AlterExtensionSchema => "alter_extension_schema",
            StatementKind::GrantSchemaPrivileges => "grant_schema_privileges",
            StatementKind::AlterDefaultPrivileges => "alter_default_privileges",
            StatementKind::DropRotationUser => "drop_rotation_user",
        }
    }
}

impl fmt::Display for StatementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One statement of a plan.
#[derive(Clone, PartialEq, Eq)]
pub struct PlannedStatement {
    pub kind: StatementKind,
    /// The object the statement is about, for messages (`role "x"`, `database "y"`, …).
    pub object: ObjectRef,
    /// The database to run in; `None` is the maintenance database (`postgres`).
    pub database: Option<String>,
    /// Whether the statement may run inside a transaction (`CREATE DATABASE` may not).
    pub transactional: bool,
    sql: String,
    /// The SQL with the password verifier replaced, when the statement carries one.
    redacted: Option<String>,
}

impl PlannedStatement {
    fn new(kind: StatementKind, object: ObjectRef, database: Option<&str>, sql: String) -> Self {
        Self {
            kind,
            object,
            database: database.map(str::to_string),
            transactional: true,
            sql,
            redacted: None,
        }
    }

    /// The SQL to execute. It may contain a password verifier: never log it, use
    /// [`Self::display_sql`] for that.
    pub fn expose_sql(&self) -> &str {
        &self.sql
    }

    /// The SQL with any password verifier replaced by `<redacted>`, for logs and dry runs.
    pub fn display_sql(&self) -> &str {
        self.redacted.as_deref().unwrap_or(&self.sql)
    }

    /// Whether the statement carries a password verifier.
    pub fn has_secret(&self) -> bool {
        self.redacted.is_some()
    }
}

impl fmt::Debug for PlannedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlannedStatement")
            .field("kind", &self.kind)
            .field("object", &self.object)
            .field("database", &self.database)
            .field("transactional", &self.transactional)
            .field("sql", &self.display_sql())
            .finish()
    }
}

/// The output of [`plan`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Statements to execute, in order.
    pub statements: Vec<PlannedStatement>,
    /// Objects left out, with the reason (for status messages and warning Events).
    pub skipped: Vec<Skip>,
    /// Roles this operator manages (by their comment) that are no longer desired; they are
    /// left in place and reported.
    pub orphans: Vec<String>,
}

impl Plan {
    /// Whether the server is already in the desired state.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Number of statements per kind.
    pub fn counts(&self) -> BTreeMap<StatementKind, usize> {
        let mut m = BTreeMap::new();
        for s in &self.statements {
            *m.entry(s.kind).or_insert(0) += 1;
        }
        m
    }
}

/// Plans the statements that bring `observed` to `desired`. `rng` provides the salts of new
/// password verifiers (it is drawn from only when a password must be set).
pub fn plan<R: CryptoRng + ?Sized>(
    desired: &Desired,
    observed: &Observed,
    settings: &RoleSettings,
    rng: &mut R,
) -> Plan {
    plan_with_cache(
        desired,
        observed,
        settings,
        rng,
        &VerifierCache::with_capacity(1),
    )
}

/// [`plan`], checking passwords through `cache` (and remembering the verifiers it creates), so
/// that a re-sync with unchanged passwords costs no PBKDF2. The result is the same as
/// [`plan`]'s.
pub fn plan_with_cache<R: CryptoRng + ?Sized>(
    desired: &Desired,
    observed: &Observed,
    settings: &RoleSettings,
    rng: &mut R,
    cache: &VerifierCache,
) -> Plan {
    let mut out = Plan {
        skipped: desired.skipped.clone(),
        ..Plan::default()
    };
    let mut creates = Vec::new();
    let mut alters = Vec::new();

    for (name, role) in &desired.roles {
        if settings.is_reserved(name) {
            continue;
        }
        let q = quote_ident(name);
        let object = || ObjectRef::Role(name.clone());
        let password = role.password.as_ref().filter(|p| !p.is_empty());
        match observed.roles.get(name) {
            None => {
                let base = format!("CREATE ROLE {q} WITH {}", role.attributes.to_sql());
                creates.push(with_password(
                    StatementKind::CreateRole,
                    object(),
                    &base,
                    password,
                    rng,
                    cache,
                ));
                if !matches!(role.origin, RoleOrigin::Rotation { .. }) {
                    alters.push(comment(name));
                }
                if let Some(path) = &role.search_path {
                    alters.push(search_path(name, path));
                }
            }
            Some(current) => {
                if let Some(diff) = role.attributes.diff_sql(&current.attributes) {
                    alters.push(PlannedStatement::new(
                        StatementKind::AlterRole,
                        object(),
                        None,
                        format!("ALTER ROLE {q} WITH {diff}"),
                    ));
                }
                if let Some(p) = password {
                    let matches = current
                        .password
                        .as_ref()
                        .is_some_and(|v| cache.matches(p.expose(), v.expose()));
                    if !matches {
                        alters.push(with_password(
                            StatementKind::SetPassword,
                            object(),
                            &format!("ALTER ROLE {q}"),
                            Some(p),
                            rng,
                            cache,
                        ));
                    }
                }
                if current.comment.is_none() && !matches!(role.origin, RoleOrigin::Rotation { .. })
                {
                    alters.push(comment(name));
                }
                if let Some(path) = &role.search_path
                    && current.search_path.as_ref() != Some(path)
                {
                    alters.push(search_path(name, path));
                }
            }
        }
    }
    out.statements.append(&mut creates);
    out.statements.append(&mut alters);

    // Memberships: both roles must exist or be created by this plan (the admin role, for
    // instance, exists only in Spilo).
    let role_exists = |r: &str| {
        observed.roles.contains_key(r)
            || (desired.roles.contains_key(r) && !settings.is_reserved(r))
    };
    // PostgreSQL's predefined roles (`pg_monitor`, …), which the observation leaves out, as
    // groups of infrastructure roles.
    let group_exists = |r: &str| role_exists(r) || r.starts_with("pg_");
    let mut wanted: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for m in &desired.memberships {
        *wanted.entry((&m.group, &m.member)).or_insert(false) |= m.admin;
    }
    for ((group, member), admin) in wanted {
        if !group_exists(group) || !role_exists(member) || group == member {
            continue;
        }
        let have = observed
            .memberships
            .get(&(group.to_string(), member.to_string()))
            .copied();
        let needed = match have {
            None => true,
            Some(have_admin) => admin && !have_admin,
        };
        if needed {
            let suffix = if admin { " WITH ADMIN OPTION" } else { "" };
            out.statements.push(PlannedStatement::new(
                StatementKind::GrantMembership,
                ObjectRef::Role(member.to_string()),
                None,
                format!(
                    "GRANT {} TO {}{suffix}",
                    quote_ident(group),
                    quote_ident(member)
                ),
            ));
        }
    }

    // Databases, then the objects inside prepared ones.
    let empty = ObservedDatabase::default();
    let mut inside = Vec::new();
    for (name, db) in &desired.databases {
        let object = || ObjectRef::Database(name.clone());
        if !role_exists(&db.owner) {
            out.skipped.push(Skip {
                object: object(),
                reason: SkipReason::UnknownOwner(db.owner.clone()),
            });
            continue;
        }
        let q = quote_ident(name);
        let owner = quote_ident(&db.owner);
        let existing = observed.databases.get(name);
        match existing {
            None => {
                let mut s = PlannedStatement::new(
                    StatementKind::CreateDatabase,
                    object(),
                    None,
                    format!("CREATE DATABASE {q} OWNER {owner}"),
                );
                s.transactional = false;
                out.statements.push(s);
            }
            Some(current) if current != &db.owner => {
                out.statements.push(PlannedStatement::new(
                    StatementKind::AlterDatabaseOwner,
                    object(),
                    None,
                    format!("ALTER DATABASE {q} OWNER TO {owner}"),
                ));
            }
            Some(_) => {}
        }
        let Some(prepared) = &db.prepared else {
            continue;
        };
        let current = match (existing, observed.per_database.get(name)) {
            (None, _) => &empty,
            (Some(_), Some(d)) => d,
            (Some(_), None) => {
                out.skipped.push(Skip {
                    object: object(),
                    reason: SkipReason::DatabaseNotInspected,
                });
                continue;
            }
        };
        let in_db = Some(name.as_str());
        let schema_ref = |schema: &str| ObjectRef::Schema {
            database: name.clone(),
            schema: schema.to_string(),
        };

        for (schema, schema_owner) in &prepared.schemas {
            let qs = quote_ident(schema);
            let qo = quote_ident(schema_owner);
            match current.schemas.get(schema) {
                None => inside.push(PlannedStatement::new(
                    StatementKind::CreateSchema,
                    schema_ref(schema),
                    in_db,
                    format!("CREATE SCHEMA {qs} AUTHORIZATION {qo}"),
                )),
                Some(o) if o != schema_owner => inside.push(PlannedStatement::new(
                    StatementKind::AlterSchemaOwner,
                    schema_ref(schema),
                    in_db,
                    format!("ALTER SCHEMA {qs} OWNER TO {qo}"),
                )),
                Some(_) => {}
            }
        }

        let mut extra_schemas = BTreeSet::new();
        for (extension, schema) in &prepared.extensions {
            let ext_ref = || ObjectRef::Extension {
                database: name.clone(),
                extension: extension.clone(),
            };
            let available = observed
                .available_extensions
                .as_ref()
                .is_none_or(|a| a.contains(extension));
            let installed = current.extensions.get(extension);
            if !available && installed.is_none() {
                out.skipped.push(Skip {
                    object: ext_ref(),
                    reason: SkipReason::ExtensionUnavailable,
                });
                continue;
            }
            if installed == Some(schema) {
                continue;
            }
            if !current.schemas.contains_key(schema)
                && !prepared.schemas.contains_key(schema)
                && extra_schemas.insert(schema.clone())
            {
                inside.push(PlannedStatement::new(
                    StatementKind::CreateSchema,
                    schema_ref(schema),
                    in_db,
                    format!(
                        "CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {owner}",
                        quote_ident(schema)
                    ),
                ));
            }
            let (qe, qs) = (quote_ident(extension), quote_ident(schema));
            inside.push(match installed {
                None => PlannedStatement::new(
                    StatementKind::CreateExtension,
                    ext_ref(),
                    in_db,
                    format!("CREATE EXTENSION IF NOT EXISTS {qe} SCHEMA {qs}"),
                ),
                Some(_) => PlannedStatement::new(
                    StatementKind::AlterExtensionSchema,
                    ext_ref(),
                    in_db,
                    format!("ALTER EXTENSION {qe} SET SCHEMA {qs}"),
                ),
            });
        }

        let mut grants: BTreeMap<(&str, &str), Vec<Privilege>> = BTreeMap::new();
        for g in prepared.schema_grants.difference(&current.schema_grants) {
            grants
                .entry((&g.schema, &g.grantee))
                .or_default()
                .push(g.privilege);
        }
        for ((schema, grantee), privileges) in grants {
            inside.push(PlannedStatement::new(
                StatementKind::GrantSchemaPrivileges,
                schema_ref(schema),
                in_db,
                format!(
                    "GRANT {} ON SCHEMA {} TO {}",
                    privilege_list(&privileges),
                    quote_ident(schema),
                    quote_ident(grantee)
                ),
            ));
        }

        type Key<'a> = (&'a str, Option<&'a str>, ObjectKind, &'a str);
        let mut defaults: BTreeMap<Key<'_>, Vec<Privilege>> = BTreeMap::new();
        for d in prepared
            .default_privileges
            .difference(&current.default_privileges)
        {
            defaults
                .entry((&d.owner, d.schema.as_deref(), d.kind, &d.grantee))
                .or_default()
                .push(d.privilege);
        }
        for ((owner_role, schema, kind, grantee), privileges) in defaults {
            let in_schema = schema
                .map(|s| format!(" IN SCHEMA {}", quote_ident(s)))
                .unwrap_or_default();
            inside.push(PlannedStatement::new(
                StatementKind::AlterDefaultPrivileges,
                match schema {
                    Some(s) => schema_ref(s),
                    None => object(),
                },
                in_db,
                format!(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {}{in_schema} GRANT {} ON {} TO {}",
                    quote_ident(owner_role),
                    privilege_list(&privileges),
                    kind.as_sql(),
                    quote_ident(grantee)
                ),
            ));
        }
    }
    out.statements.append(&mut inside);

    // Expired rotation users: the only roles ever dropped.
    for (base, family) in &desired.rotation_families {
        for name in observed.roles.keys() {
            let Some(date) = rotation::rotation_user_date(base, name) else {
                continue;
            };
            if desired.roles.contains_key(name)
                || settings.is_reserved(name)
                || !rotation::is_expired(date, family.expire_before)
            {
                continue;
            }
            out.statements.push(PlannedStatement::new(
                StatementKind::DropRotationUser,
                ObjectRef::Role(name.clone()),
                None,
                format!("DROP ROLE IF EXISTS {}", quote_ident(name)),
            ));
        }
    }

    out.orphans = observed
        .roles
        .iter()
        .filter(|(name, role)| {
            role.comment.as_deref() == Some(MANAGED_COMMENT)
                && !desired.roles.contains_key(*name)
                && !settings.is_reserved(name)
        })
        .map(|(name, _)| name.clone())
        .collect();
    out
}

fn privilege_list(privileges: &[Privilege]) -> String {
    privileges
        .iter()
        .map(|p| p.as_sql())
        .collect::<Vec<_>>()
        .join(", ")
}

fn comment(role: &str) -> PlannedStatement {
    PlannedStatement::new(
        StatementKind::CommentRole,
        ObjectRef::Role(role.to_string()),
        None,
        format!(
            "COMMENT ON ROLE {} IS {}",
            quote_ident(role),
            quote_literal(MANAGED_COMMENT)
        ),
    )
}

fn search_path(role: &str, path: &[String]) -> PlannedStatement {
    PlannedStatement::new(
        StatementKind::SetSearchPath,
        ObjectRef::Role(role.to_string()),
        None,
        format!(
            "ALTER ROLE {} SET search_path TO {}",
            quote_ident(role),
            quote_ident_list(path)
        ),
    )
}

/// `base` followed by ` PASSWORD '<verifier>'` when a password is given, with a redacted twin.
fn with_password<R: CryptoRng + ?Sized>(
    kind: StatementKind,
    object: ObjectRef,
    base: &str,
    password: Option<&Password>,
    rng: &mut R,
    cache: &VerifierCache,
) -> PlannedStatement {
    let Some(p) = password else {
        return PlannedStatement::new(kind, object, None, base.to_string());
    };
    let salt = password::generate_salt(rng);
    match password::scram_verifier(p.expose(), &salt) {
        Ok(v) => {
            cache.remember(p.expose(), v.expose());
            let mut s = PlannedStatement::new(
                kind,
                object,
                None,
                format!("{base} PASSWORD {}", quote_literal(v.expose())),
            );
            s.redacted = Some(format!("{base} PASSWORD '<redacted>'"));
            s
        }
        // Unreachable with a fixed-size salt; fall back to not setting the password.
        Err(_) => PlannedStatement::new(kind, object, None, base.to_string()),
    }
}
