//! The desired state: what the manifest, the operator configuration and the credential Secrets
//! ask for, independent of what the server has.
//!
//! - `spec.users`: one role each, with the attributes its flags give and PostgreSQL's defaults
//!   for the others (LOGIN unless NOLOGIN). Removing a flag from the manifest reverts the
//!   attribute.
//! - `spec.databases`: `name: owner`.
//! - `spec.preparedDatabases`: per database the NOLOGIN roles `<db>_owner`, `<db>_reader` and
//!   `<db>_writer` (and the LOGIN roles `<db>_owner_user`, `<db>_reader_user`,
//!   `<db>_writer_user` with `defaultUsers`), per schema (default: `data`) the same set prefixed
//!   `<db>_<schema>` unless `defaultRoles: false`, the schemas, the extensions and the default
//!   privileges, as the reference operator lays them out.
//! - The credentials: the password of each login role, from its Secret; a Secret holding a
//!   dated rotation user (`<role>YYMMDD`) adds that user as a LOGIN member of the role.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use super::model::{
    DefaultPrivilege, Membership, ObjectKind, Privilege, RoleAttributes, SchemaGrant,
};
use super::observed::Observed;
use super::rotation::{self, RotationMode};
use super::settings::RoleSettings;
use super::skip::{ObjectRef, Skip, SkipReason};
use super::sql::check_identifier;
use crate::crd::{PostgresSpec, Postgresql};
use crate::password::Password;

/// Suffix of the role that owns a prepared database or schema.
pub const OWNER_SUFFIX: &str = "_owner";
/// Suffix of the read-only group role.
pub const READER_SUFFIX: &str = "_reader";
/// Suffix of the read-write group role.
pub const WRITER_SUFFIX: &str = "_writer";
/// Suffix of the LOGIN variants of the three group roles.
pub const USER_SUFFIX: &str = "_user";
/// The schema a prepared database gets when it lists none.
pub const DEFAULT_PREPARED_SCHEMA: &str = "data";
/// First element of the `search_path` of prepared roles.
pub const SEARCH_PATH_USER: &str = "$user";

/// The desired state of one cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    /// Roles by name.
    pub roles: BTreeMap<String, DesiredRole>,
    /// Memberships to grant (never revoked).
    pub memberships: BTreeSet<Membership>,
    /// Databases by name.
    pub databases: BTreeMap<String, DesiredDatabase>,
    /// Base roles whose dated rotation users (`<role>YYMMDD`) are dropped once older than the
    /// retention.
    pub rotation_families: BTreeMap<String, RotationFamily>,
    /// What the manifest asks for but cannot be provisioned.
    pub skipped: Vec<Skip>,
}

/// One role.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRole {
    pub attributes: RoleAttributes,
    /// The password from the role's Secret; `None` means the password is not managed (group
    /// roles, or a base role whose Secret now holds a rotation user).
    pub password: Option<Password>,
    /// `search_path` to set on the role (prepared roles only).
    pub search_path: Option<Vec<String>>,
    pub origin: RoleOrigin,
    /// Whether the role owns a database of the manifest (excluded from global rotation, as in
    /// the reference operator).
    pub owns_database: bool,
    /// Namespace of the role's Secret when it is not the cluster's (cross-namespace Secrets).
    pub secret_namespace: Option<String>,
}

/// Where a desired role comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleOrigin {
    /// `spec.users`.
    Manifest,
    /// Default roles and users of `spec.preparedDatabases.<database>`.
    Prepared { database: String },
    /// A dated rotation user of `base`.
    Rotation { base: String },
    /// The connection pooler's role (while a pooler runs; [`crate::pooler`]).
    Pooler,
    /// An infrastructure role ([`super::infrastructure`]): its password comes from its own
    /// Secret, never rotated.
    Infrastructure,
}

/// One database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredDatabase {
    pub owner: String,
    /// Schemas, extensions and privileges of a prepared database.
    pub prepared: Option<PreparedObjects>,
}

/// Objects inside a prepared database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreparedObjects {
    /// Schema → owner.
    pub schemas: BTreeMap<String, String>,
    pub schema_grants: BTreeSet<SchemaGrant>,
    /// Extension → schema.
    pub extensions: BTreeMap<String, String>,
    pub default_privileges: BTreeSet<DefaultPrivilege>,
}

/// Retention of the rotation users of one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationFamily {
    /// Rotation users created (by their date suffix, midnight UTC) before this are dropped.
    pub expire_before: Timestamp,
}

/// The content of a role's Secret: the user it names and that user's password.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    pub username: String,
    pub password: Password,
}

impl Credential {
    /// A Secret naming the role itself.
    pub fn new(username: impl Into<String>, password: Password) -> Self {
        Self {
            username: username.into(),
            password,
        }
    }
}

/// Credentials by role name (the role as the manifest or the prepared layout names it).
pub type Credentials = BTreeMap<String, Credential>;

impl Desired {
    /// Login roles that need a credential Secret (manifest and prepared roles, not rotation
    /// users), in name order.
    pub fn login_roles(&self) -> impl Iterator<Item = (&str, &DesiredRole)> {
        self.roles
            .iter()
            .filter(|(_, r)| r.attributes.login && !matches!(r.origin, RoleOrigin::Rotation { .. }))
            .map(|(n, r)| (n.as_str(), r))
    }

    /// Existing databases whose contents the executor must read (prepared databases that exist).
    pub fn databases_to_inspect(&self, observed: &Observed) -> Vec<String> {
        self.databases
            .iter()
            .filter(|(name, db)| db.prepared.is_some() && observed.databases.contains_key(*name))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// [`from_spec`] for a whole resource (its `metadata.name` is the cluster name).
pub fn from_manifest(
    pg: &Postgresql,
    settings: &RoleSettings,
    credentials: &Credentials,
    now: Timestamp,
) -> Desired {
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    from_spec(name, &pg.spec, settings, credentials, now)
}

/// The desired state of cluster `cluster_name`: [`layout`] plus passwords, rotation users and
/// rotation retention.
pub fn from_spec(
    cluster_name: &str,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    credentials: &Credentials,
    now: Timestamp,
) -> Desired {
    let mut desired = layout(cluster_name, spec, settings);
    let retention = SignedDuration::from_hours(24 * i64::from(settings.rotation.retention_days));
    let expire_before = now.checked_sub(retention).unwrap_or(Timestamp::MIN);

    // Infrastructure roles have their password already, from their own Secret.
    let login: Vec<String> = desired
        .login_roles()
        .filter(|(_, r)| r.origin != RoleOrigin::Infrastructure)
        .map(|(n, _)| n.to_string())
        .collect();
    for role in login {
        let mode = desired
            .roles
            .get(&role)
            .map(|r| rotation::mode(&role, spec, settings, r.owns_database))
            .unwrap_or(RotationMode::Off);
        let Some(credential) = credentials.get(&role).filter(|c| !c.password.is_empty()) else {
            desired.skipped.push(Skip {
                object: ObjectRef::Role(role.clone()),
                reason: SkipReason::MissingPassword,
            });
            continue;
        };
        let mut rotated_into = None;
        if credential.username == role {
            if let Some(r) = desired.roles.get_mut(&role) {
                r.password = Some(credential.password.clone());
            }
        } else if rotation::rotation_user_date(&role, &credential.username).is_some() {
            rotated_into = Some(credential.username.clone());
        } else {
            desired.skipped.push(Skip {
                object: ObjectRef::Role(role.clone()),
                reason: SkipReason::SecretUsernameMismatch(credential.username.clone()),
            });
        }
        if mode == RotationMode::NewUsers || rotated_into.is_some() {
            desired
                .rotation_families
                .insert(role.clone(), RotationFamily { expire_before });
        }
        if let Some(user) = rotated_into {
            let secret_namespace = desired
                .roles
                .get(&role)
                .and_then(|r| r.secret_namespace.clone());
            desired.roles.insert(
                user.clone(),
                DesiredRole {
                    attributes: RoleAttributes::LOGIN,
                    password: Some(credential.password.clone()),
                    search_path: None,
                    origin: RoleOrigin::Rotation { base: role.clone() },
                    owns_database: false,
                    secret_namespace,
                },
            );
            desired.memberships.insert(Membership {
                group: role.clone(),
                member: user,
                admin: false,
            });
        }
    }
    desired
}

/// The roles, memberships, databases and prepared objects of the manifest, without passwords.
/// Used by [`from_spec`], and by the Secret builder through
/// [`super::credentials::login_secrets`] (which needs no passwords).
pub fn layout(cluster_name: &str, spec: &PostgresSpec, settings: &RoleSettings) -> Desired {
    let mut desired = Desired::default();
    let owners: BTreeSet<&str> = spec
        .databases
        .iter()
        .flatten()
        .map(|(_, owner)| owner.as_str())
        .collect();

    // Prepared databases first, so that manifest users of the same name override the flags.
    let prepared = prepared_databases(cluster_name, spec);
    for (db, prepared_db) in &prepared {
        add_prepared_database(&mut desired, spec, settings, db, prepared_db);
    }

    for (name, flags) in spec.users.iter().flatten() {
        let Some(attributes) =
            checked_attributes(&mut desired, name, flags, role_name_problem(name, settings))
        else {
            continue;
        };
        let secret_namespace = if settings.enable_cross_namespace_secret {
            name.split_once('.').map(|(ns, _)| ns.to_string())
        } else {
            None
        };
        let owns_database = owners.contains(name.as_str());
        match desired.roles.get_mut(name) {
            Some(existing) => {
                existing.attributes = attributes;
                existing.origin = RoleOrigin::Manifest;
                existing.owns_database |= owns_database;
                if secret_namespace.is_some() {
                    existing.secret_namespace = secret_namespace;
                }
            }
            None => {
                desired.roles.insert(
                    name.clone(),
                    DesiredRole {
                        attributes,
                        password: None,
                        search_path: None,
                        origin: RoleOrigin::Manifest,
                        owns_database,
                        secret_namespace,
                    },
                );
            }
        }
    }

    let pooler_user = (!crate::pooler::wanted(spec).is_empty()).then(|| {
        crate::pooler::user_of(
            spec,
            &settings.super_username,
            &settings.replication_username,
            &settings.pooler_user,
        )
    });
    add_infrastructure_roles(&mut desired, settings, &owners, pooler_user.as_deref());

    // The pooler's role: login only. A manifest user of the same name keeps its flags.
    if let Some(user) = pooler_user {
        desired.roles.entry(user).or_insert_with(|| DesiredRole {
            attributes: RoleAttributes::LOGIN,
            password: None,
            search_path: None,
            origin: RoleOrigin::Pooler,
            owns_database: false,
            secret_namespace: None,
        });
    }

    for (db, owner) in spec.databases.iter().flatten() {
        if let Err(e) = check_identifier(db) {
            desired.skipped.push(Skip {
                object: ObjectRef::Database(db.clone()),
                reason: SkipReason::InvalidName(e),
            });
            continue;
        }
        if let Err(e) = check_identifier(owner) {
            desired.skipped.push(Skip {
                object: ObjectRef::Database(db.clone()),
                reason: SkipReason::UnknownOwner(format!("{owner} ({e})")),
            });
            continue;
        }
        match desired.databases.get_mut(db) {
            // Listed in both: the explicit owner of spec.databases wins.
            Some(existing) => existing.owner = owner.clone(),
            None => {
                desired.databases.insert(
                    db.clone(),
                    DesiredDatabase {
                        owner: owner.clone(),
                        prepared: None,
                    },
                );
            }
        }
    }
    add_owner_memberships(&mut desired, settings);
    desired
}

/// The infrastructure roles: each replaces a manifest user of the same name (as in the
/// reference); the system users, protected roles and the pooler's role are left out.
fn add_infrastructure_roles(
    desired: &mut Desired,
    settings: &RoleSettings,
    owners: &BTreeSet<&str>,
    pooler_user: Option<&str>,
) {
    desired
        .skipped
        .extend(settings.infrastructure.problems.iter().cloned());
    for role in &settings.infrastructure.roles {
        let name = &role.name;
        let problem = if pooler_user == Some(name.as_str()) {
            Some(SkipReason::SystemRole)
        } else {
            role_name_problem(name, settings)
        };
        let Some(attributes) = checked_attributes(desired, name, &role.flags, problem) else {
            continue;
        };
        if !role.parameters.is_empty() {
            desired.skipped.push(Skip {
                object: ObjectRef::Role(name.clone()),
                reason: SkipReason::Other(
                    "has db_parameters in its infrastructure roles ConfigMap, which pgctl does not apply"
                        .to_string(),
                ),
            });
        }
        let owns_database = owners.contains(name.as_str());
        desired.roles.insert(
            name.clone(),
            DesiredRole {
                attributes,
                password: Some(role.password.clone()),
                search_path: None,
                origin: RoleOrigin::Infrastructure,
                owns_database,
                secret_namespace: None,
            },
        );
        for group in &role.member_of {
            desired.memberships.insert(Membership {
                group: group.clone(),
                member: name.clone(),
                admin: false,
            });
        }
    }
}

/// `additional_owner_roles`: every database owner (of `spec.databases`, and the owner roles of
/// prepared databases) becomes a member of each; the plan grants it once the group exists.
fn add_owner_memberships(desired: &mut Desired, settings: &RoleSettings) {
    if settings.additional_owner_roles.is_empty() {
        return;
    }
    let owners: Vec<String> = desired
        .roles
        .iter()
        .filter(|(name, role)| {
            role.owns_database
                || (matches!(role.origin, RoleOrigin::Prepared { .. })
                    && (name.ends_with("_owner") || name.ends_with("_owner_user")))
        })
        .map(|(name, _)| name.clone())
        .collect();
    for owner in owners {
        for group in &settings.additional_owner_roles {
            if *group != owner {
                desired.memberships.insert(Membership {
                    group: group.clone(),
                    member: owner.clone(),
                    admin: false,
                });
            }
        }
    }
}

/// The attributes of role `name` from its `flags`; `None` (and a [`Skip`] in `desired`) when
/// `problem` says the role cannot be planned or a flag is unknown.
fn checked_attributes(
    desired: &mut Desired,
    name: &str,
    flags: &[String],
    problem: Option<SkipReason>,
) -> Option<RoleAttributes> {
    let skip = |desired: &mut Desired, reason| {
        desired.skipped.push(Skip {
            object: ObjectRef::Role(name.to_string()),
            reason,
        });
        None
    };
    if let Some(reason) = problem {
        return skip(desired, reason);
    }
    match attributes_from_flags(flags) {
        Ok(a) => Some(a),
        Err(flag) => skip(desired, SkipReason::UnknownFlag(flag)),
    }
}

/// Why a manifest user cannot be planned, if it cannot.
fn role_name_problem(name: &str, settings: &RoleSettings) -> Option<SkipReason> {
    if name == settings.super_username || name == settings.replication_username {
        return Some(SkipReason::SystemRole);
    }
    if settings.is_reserved(name) {
        return Some(SkipReason::ProtectedRole);
    }
    check_identifier(name).err().map(SkipReason::InvalidName)
}

/// Attributes from `spec.users` flags (case-insensitive): PostgreSQL's defaults, then each
/// flag; LOGIN unless NOLOGIN. When both forms of a flag are given, the negative one wins.
/// Returns the first unknown flag as the error.
pub fn attributes_from_flags(flags: &[String]) -> Result<RoleAttributes, String> {
    let mut a = RoleAttributes::LOGIN;
    let mut negated = BTreeSet::new();
    for flag in flags {
        let lower = flag.trim().to_ascii_lowercase();
        let (negative, base) = match lower.strip_prefix("no") {
            // `nologin` etc.; but not a hypothetical flag that merely starts with "no".
            Some(rest) if is_attribute(rest) => (true, rest.to_string()),
            _ => (false, lower.clone()),
        };
        if !is_attribute(&base) {
            return Err(flag.clone());
        }
        if negative {
            negated.insert(base.clone());
        } else if negated.contains(&base) {
            continue;
        }
        let value = !negative;
        match base.as_str() {
            "superuser" => a.superuser = value,
            "inherit" => a.inherit = value,
            "createrole" => a.createrole = value,
            "createdb" => a.createdb = value,
            "login" => a.login = value,
            "replication" => a.replication = value,
            "bypassrls" => a.bypassrls = value,
            _ => return Err(flag.clone()),
        }
    }
    Ok(a)
}

fn is_attribute(s: &str) -> bool {
    matches!(
        s,
        "superuser" | "inherit" | "createrole" | "createdb" | "login" | "replication" | "bypassrls"
    )
}

/// `spec.preparedDatabases`, with the reference default: an empty map means one database named
/// after the cluster (`-` replaced by `_`).
fn prepared_databases(
    cluster_name: &str,
    spec: &PostgresSpec,
) -> BTreeMap<String, crate::crd::PreparedDatabase> {
    match &spec.prepared_databases {
        None => BTreeMap::new(),
        Some(map) if map.is_empty() => {
            let mut m = BTreeMap::new();
            m.insert(cluster_name.replace('-', "_"), Default::default());
            m
        }
        Some(map) => map.clone(),
    }
}

/// Roles of one prefix (`<db>` or `<db>_<schema>`).
struct RoleSet {
    owner: String,
    reader: String,
    writer: String,
    owner_user: Option<String>,
}

impl RoleSet {
    fn new(prefix: &str, with_users: bool) -> Self {
        let owner = format!("{prefix}{OWNER_SUFFIX}");
        Self {
            owner_user: with_users.then(|| format!("{owner}{USER_SUFFIX}")),
            reader: format!("{prefix}{READER_SUFFIX}"),
            writer: format!("{prefix}{WRITER_SUFFIX}"),
            owner,
        }
    }

    /// Owner roles whose new objects get default privileges.
    fn owners(&self) -> Vec<String> {
        let mut v = vec![self.owner.clone()];
        v.extend(self.owner_user.clone());
        v
    }

    /// All role names of the set, to check them before adding anything.
    fn all_names(&self, with_users: bool) -> Vec<String> {
        let mut v = vec![self.owner.clone(), self.reader.clone(), self.writer.clone()];
        if with_users {
            for r in [&self.owner, &self.reader, &self.writer] {
                v.push(format!("{r}{USER_SUFFIX}"));
            }
        }
        v
    }
}

/// Adds the roles of one prefix: owner (administered by `admin`), reader and writer (both
/// administered by the owner; the writer is a member of the reader), and with `with_users`
/// the `_user` LOGIN member of each.
#[allow(clippy::too_many_arguments)]
fn add_role_set(
    desired: &mut Desired,
    set: &RoleSet,
    admin: Option<&str>,
    with_users: bool,
    database: &str,
    search_path: &[String],
    secret_namespace: Option<&str>,
    owns_database: bool,
) {
    let add = |desired: &mut Desired, name: &str, login: bool, owner: bool| {
        desired
            .roles
            .entry(name.to_string())
            .or_insert_with(|| DesiredRole {
                attributes: if login {
                    RoleAttributes::LOGIN
                } else {
                    RoleAttributes::NOLOGIN
                },
                password: None,
                search_path: Some(search_path.to_vec()),
                origin: RoleOrigin::Prepared {
                    database: database.to_string(),
                },
                owns_database: owner && owns_database,
                secret_namespace: secret_namespace.map(str::to_string),
            });
    };
    let grant = |desired: &mut Desired, group: &str, member: &str, admin: bool| {
        desired.memberships.insert(Membership {
            group: group.to_string(),
            member: member.to_string(),
            admin,
        });
    };

    add(desired, &set.owner, false, true);
    add(desired, &set.reader, false, false);
    add(desired, &set.writer, false, false);
    if let Some(a) = admin {
        grant(desired, &set.owner, a, true);
    }
    grant(desired, &set.reader, &set.owner, true);
    grant(desired, &set.writer, &set.owner, true);
    grant(desired, &set.reader, &set.writer, false);
    if with_users {
        for (group, is_owner) in [
            (&set.owner, true),
            (&set.reader, false),
            (&set.writer, false),
        ] {
            let user = format!("{group}{USER_SUFFIX}");
            add(desired, &user, true, is_owner);
            grant(desired, group, &user, false);
            if is_owner {
                if let Some(a) = admin {
                    grant(desired, &user, a, true);
                }
            } else {
                grant(desired, &user, &set.owner, true);
            }
        }
    }
}

/// Default privileges so that objects created by `owner` (in `schema`, or anywhere) are
/// readable by `reader` and writable by `writer`; plus USAGE on new schemas when global.
fn reader_writer_defaults(
    out: &mut BTreeSet<DefaultPrivilege>,
    owner: &str,
    schema: Option<&str>,
    reader: &str,
    writer: &str,
) {
    let mut add = |kind: ObjectKind, grantee: &str, privileges: &[Privilege]| {
        for &privilege in privileges {
            out.insert(DefaultPrivilege {
                owner: owner.to_string(),
                schema: schema.map(str::to_string),
                kind,
                grantee: grantee.to_string(),
                privilege,
            });
        }
    };
    if schema.is_none() {
        add(ObjectKind::Schemas, reader, &[Privilege::Usage]);
        add(ObjectKind::Schemas, writer, &[Privilege::Usage]);
    }
    add(ObjectKind::Tables, reader, &[Privilege::Select]);
    add(
        ObjectKind::Tables,
        writer,
        &[Privilege::Insert, Privilege::Update, Privilege::Delete],
    );
    add(ObjectKind::Sequences, reader, &[Privilege::Select]);
    add(
        ObjectKind::Sequences,
        writer,
        &[Privilege::Usage, Privilege::Update],
    );
    add(ObjectKind::Functions, reader, &[Privilege::Execute]);
    add(ObjectKind::Functions, writer, &[Privilege::Execute]);
    add(ObjectKind::Types, reader, &[Privilege::Usage]);
    add(ObjectKind::Types, writer, &[Privilege::Usage]);
}

fn schema_usage(out: &mut BTreeSet<SchemaGrant>, schema: &str, reader: &str, writer: &str) {
    for (grantee, privilege) in [
        (reader, Privilege::Usage),
        (writer, Privilege::Usage),
        (writer, Privilege::Create),
    ] {
        out.insert(SchemaGrant {
            schema: schema.to_string(),
            grantee: grantee.to_string(),
            privilege,
        });
    }
}

fn add_prepared_database(
    desired: &mut Desired,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    db: &str,
    prepared: &crate::crd::PreparedDatabase,
) {
    let db_ref = || ObjectRef::Database(db.to_string());
    if let Err(e) = check_identifier(db) {
        desired.skipped.push(Skip {
            object: db_ref(),
            reason: SkipReason::InvalidName(e),
        });
        return;
    }
    let db_users = prepared.default_users.unwrap_or(false);
    let db_set = RoleSet::new(db, db_users);
    for name in db_set.all_names(db_users) {
        if let Some(reason) = generated_name_problem(&name, settings) {
            desired.skipped.push(Skip {
                object: db_ref(),
                reason: prefixed(reason, &format!("role {name:?}")),
            });
            return;
        }
    }

    let schemas: BTreeMap<String, crate::crd::PreparedSchema> = match &prepared.schemas {
        Some(s) if !s.is_empty() => s.clone(),
        _ => {
            let mut m = BTreeMap::new();
            m.insert(
                DEFAULT_PREPARED_SCHEMA.to_string(),
                crate::crd::PreparedSchema {
                    default_users: None,
                    default_roles: Some(true),
                },
            );
            m
        }
    };
    let secret_namespace = if settings.enable_cross_namespace_secret {
        prepared
            .secret_namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
    } else {
        None
    };
    let admin = settings.admin_role.as_deref();

    let mut objects = PreparedObjects::default();
    let mut valid_schemas = Vec::new();
    for (schema, opts) in &schemas {
        let schema_ref = || ObjectRef::Schema {
            database: db.to_string(),
            schema: schema.clone(),
        };
        if let Err(e) = check_identifier(schema) {
            desired.skipped.push(Skip {
                object: schema_ref(),
                reason: SkipReason::InvalidName(e),
            });
            continue;
        }
        let default_roles = opts.default_roles.unwrap_or(true);
        let schema_users = opts.default_users.unwrap_or(false);
        if default_roles {
            let set = RoleSet::new(&format!("{db}_{schema}"), schema_users);
            let problem = set
                .all_names(schema_users)
                .into_iter()
                .find_map(|n| generated_name_problem(&n, settings).map(|r| (n, r)));
            if let Some((name, reason)) = problem {
                desired.skipped.push(Skip {
                    object: schema_ref(),
                    reason: prefixed(reason, &format!("role {name:?}")),
                });
                continue;
            }
        }
        valid_schemas.push((schema.clone(), default_roles, schema_users));
    }

    let mut db_search_path = vec![SEARCH_PATH_USER.to_string()];
    db_search_path.extend(valid_schemas.iter().map(|(s, _, _)| s.clone()));
    add_role_set(
        desired,
        &db_set,
        admin,
        db_users,
        db,
        &db_search_path,
        secret_namespace,
        true,
    );
    for owner in db_set.owners() {
        reader_writer_defaults(
            &mut objects.default_privileges,
            &owner,
            None,
            &db_set.reader,
            &db_set.writer,
        );
    }

    for (schema, default_roles, schema_users) in &valid_schemas {
        let schema_owner = if *default_roles {
            let set = RoleSet::new(&format!("{db}_{schema}"), *schema_users);
            let search_path = vec![SEARCH_PATH_USER.to_string(), schema.clone()];
            add_role_set(
                desired,
                &set,
                Some(&db_set.owner),
                *schema_users,
                db,
                &search_path,
                secret_namespace,
                false,
            );
            // Objects the schema owner (and its user) creates are readable and writable by the
            // database-wide reader and writer; objects any owner creates in the schema also by
            // the schema's reader and writer.
            for owner in set.owners() {
                reader_writer_defaults(
                    &mut objects.default_privileges,
                    &owner,
                    Some(schema),
                    &db_set.reader,
                    &db_set.writer,
                );
            }
            for owner in db_set.owners().into_iter().chain(set.owners()) {
                reader_writer_defaults(
                    &mut objects.default_privileges,
                    &owner,
                    Some(schema),
                    &set.reader,
                    &set.writer,
                );
            }
            schema_usage(&mut objects.schema_grants, schema, &set.reader, &set.writer);
            set.owner
        } else {
            for owner in db_set.owners() {
                reader_writer_defaults(
                    &mut objects.default_privileges,
                    &owner,
                    Some(schema),
                    &db_set.reader,
                    &db_set.writer,
                );
            }
            db_set.owner.clone()
        };
        schema_usage(
            &mut objects.schema_grants,
            schema,
            &db_set.reader,
            &db_set.writer,
        );
        objects.schemas.insert(schema.clone(), schema_owner);
    }

    for (extension, schema) in prepared.extensions.iter().flatten() {
        let problem = check_identifier(extension)
            .err()
            .or_else(|| check_identifier(schema).err());
        if let Some(e) = problem {
            desired.skipped.push(Skip {
                object: ObjectRef::Extension {
                    database: db.to_string(),
                    extension: extension.clone(),
                },
                reason: SkipReason::InvalidName(e),
            });
            continue;
        }
        objects.extensions.insert(extension.clone(), schema.clone());
    }

    let owner = spec
        .databases
        .as_ref()
        .and_then(|d| d.get(db))
        .cloned()
        .unwrap_or_else(|| db_set.owner.clone());
    desired.databases.insert(
        db.to_string(),
        DesiredDatabase {
            owner,
            prepared: Some(objects),
        },
    );
}

fn generated_name_problem(name: &str, settings: &RoleSettings) -> Option<SkipReason> {
    if let Err(e) = check_identifier(name) {
        return Some(SkipReason::InvalidName(e));
    }
    if settings.is_reserved(name) {
        return Some(SkipReason::ProtectedRole);
    }
    None
}

fn prefixed(reason: SkipReason, what: &str) -> SkipReason {
    match reason {
        SkipReason::InvalidName(e) => {
            SkipReason::Other(format!("needs {what}, which is invalid: {e}"))
        }
        SkipReason::ProtectedRole => SkipReason::Other(format!("needs {what}, which is protected")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_default_to_login_and_negative_wins() {
        assert_eq!(attributes_from_flags(&[]), Ok(RoleAttributes::LOGIN));
        let a = attributes_from_flags(&flags(&["SUPERUSER", "createdb", "nologin"]));
        assert_eq!(
            a,
            Ok(RoleAttributes {
                superuser: true,
                createdb: true,
                login: false,
                ..RoleAttributes::LOGIN
            })
        );
        assert_eq!(
            attributes_from_flags(&flags(&["nologin", "login"])).map(|a| a.login),
            Ok(false)
        );
        assert_eq!(
            attributes_from_flags(&flags(&["noinherit"])).map(|a| a.inherit),
            Ok(false)
        );
        assert_eq!(
            attributes_from_flags(&flags(&["create"])),
            Err("create".to_string())
        );
    }
}
