//! Unit tests of the role planner: each statement kind, the empty plan, skips and orphans.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use pgctl_shared::crd::{PostgresSpec, Postgresql, PreparedDatabase, PreparedSchema};
use pgctl_shared::password::{self, Password, Verifier};
use pgctl_shared::roles::desired::RoleOrigin;
use pgctl_shared::roles::model::{ObjectKind, Privilege, RoleAttributes};
use pgctl_shared::roles::{
    self, Credential, Credentials, Desired, MANAGED_COMMENT, Observed, ObservedDatabase,
    ObservedRole, Plan, RoleSettings, SkipReason, StatementKind,
};

/// Deterministic byte source (the planner only needs salts from it).
struct TestRng(u64);
impl rand_core::TryRng for TestRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Ok(self.0 >> 11)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for TestRng {}

fn now() -> Timestamp {
    "2025-06-15T12:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn fixture(name: &str) -> Postgresql {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn users(list: &[(&str, &[&str])]) -> Option<BTreeMap<String, Vec<String>>> {
    Some(
        list.iter()
            .map(|(n, f)| (n.to_string(), f.iter().map(|s| s.to_string()).collect()))
            .collect(),
    )
}

fn spec_with(users_: &[(&str, &[&str])], dbs: &[(&str, &str)]) -> PostgresSpec {
    PostgresSpec {
        users: users(users_),
        databases: Some(
            dbs.iter()
                .map(|(d, o)| (d.to_string(), o.to_string()))
                .collect(),
        ),
        ..Default::default()
    }
}

fn creds(roles_: &[&str]) -> Credentials {
    roles_
        .iter()
        .map(|r| {
            (
                r.to_string(),
                Credential::new(*r, Password::new(format!("pw-of-{r}-0123456789"))),
            )
        })
        .collect()
}

fn run(desired: &Desired, observed: &Observed) -> Plan {
    roles::plan(desired, observed, &RoleSettings::default(), &mut TestRng(7))
}

fn sqls(plan: &Plan) -> Vec<String> {
    plan.statements
        .iter()
        .map(|s| s.display_sql().to_string())
        .collect()
}

fn kinds(plan: &Plan) -> BTreeSet<StatementKind> {
    plan.statements.iter().map(|s| s.kind).collect()
}

/// The server state a correct apply of `desired` leaves (what the executor would observe).
fn converged(desired: &Desired) -> Observed {
    let mut o = Observed::default();
    for (name, role) in &desired.roles {
        let password = role.password.as_ref().and_then(|p| {
            password::scram_verifier(p.expose(), b"fixed-salt-16byt")
                .ok()
                .map(|v| Verifier::from_stored(v.expose()))
        });
        o.roles.insert(
            name.clone(),
            ObservedRole {
                attributes: role.attributes,
                password,
                comment: match role.origin {
                    RoleOrigin::Rotation { .. } => None,
                    _ => Some(MANAGED_COMMENT.to_string()),
                },
                search_path: role.search_path.clone(),
            },
        );
    }
    for m in &desired.memberships {
        // Grants to roles outside the desired state (the admin role) need that role to exist.
        if !desired.roles.contains_key(&m.member) || !desired.roles.contains_key(&m.group) {
            continue;
        }
        o.memberships
            .insert((m.group.clone(), m.member.clone()), m.admin);
    }
    for (name, db) in &desired.databases {
        o.databases.insert(name.clone(), db.owner.clone());
        if let Some(p) = &db.prepared {
            let mut od = ObservedDatabase {
                schemas: p.schemas.clone(),
                schema_grants: p.schema_grants.clone(),
                default_privileges: p.default_privileges.clone(),
                ..Default::default()
            };
            od.schemas
                .insert("public".into(), "pg_database_owner".into());
            od.extensions = p.extensions.clone();
            o.per_database.insert(name.clone(), od);
        }
    }
    o
}

#[test]
fn a_converged_server_gets_an_empty_plan() {
    for file in ["minimal.yaml", "complete.yaml"] {
        let pg = fixture(file);
        let layout = roles::layout("acid-test", &pg.spec, &RoleSettings::default());
        let names: Vec<&str> = layout.login_roles().map(|(n, _)| n).collect();
        let desired = roles::from_manifest(&pg, &RoleSettings::default(), &creds(&names), now());
        let plan = run(&desired, &converged(&desired));
        assert!(plan.is_empty(), "{file}: {:#?}", plan.statements);
        assert!(plan.orphans.is_empty());
    }
}

#[test]
fn an_empty_server_gets_everything_in_order() {
    let pg = fixture("minimal.yaml");
    let desired = roles::from_manifest(
        &pg,
        &RoleSettings::default(),
        &creds(&["zalando", "foo_user"]),
        now(),
    );
    let plan = run(&desired, &Observed::default());
    let order: Vec<StatementKind> = plan.statements.iter().map(|s| s.kind).collect();
    let first = |k| order.iter().position(|x| *x == k).unwrap_or(usize::MAX);
    let last = |k| order.iter().rposition(|x| *x == k).unwrap_or(0);
    assert!(last(StatementKind::CreateRole) < first(StatementKind::GrantMembership));
    assert!(last(StatementKind::GrantMembership) < first(StatementKind::CreateDatabase));
    assert!(last(StatementKind::CreateDatabase) < first(StatementKind::CreateSchema));
    assert!(last(StatementKind::CreateSchema) < first(StatementKind::AlterDefaultPrivileges));
    let all = sqls(&plan);
    assert!(all.contains(&r#"CREATE DATABASE "foo" OWNER "zalando""#.to_string()));
    assert!(all.contains(&r#"CREATE DATABASE "bar" OWNER "bar_owner""#.to_string()));
    assert!(all.contains(
        &r#"CREATE ROLE "zalando" WITH SUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD '<redacted>'"#
            .to_string()
    ));
    assert!(all.contains(
        &r#"CREATE ROLE "bar_owner" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS"#
            .to_string()
    ));
    assert!(all.contains(&r#"CREATE SCHEMA "data" AUTHORIZATION "bar_data_owner""#.to_string()));
    assert!(all.contains(&r#"GRANT "bar_reader" TO "bar_writer""#.to_string()));
    assert!(all.contains(&r#"GRANT "bar_reader" TO "bar_owner" WITH ADMIN OPTION"#.to_string()));
    assert!(all.contains(
        &r#"ALTER DEFAULT PRIVILEGES FOR ROLE "bar_owner" GRANT SELECT ON TABLES TO "bar_reader""#
            .to_string()
    ));
    assert!(all.contains(
        &r#"ALTER DEFAULT PRIVILEGES FOR ROLE "bar_data_owner" IN SCHEMA "data" GRANT INSERT, UPDATE, DELETE ON TABLES TO "bar_writer""#
            .to_string()
    ));
    assert!(
        all.contains(&r#"GRANT USAGE, CREATE ON SCHEMA "data" TO "bar_data_writer""#.to_string())
    );
    assert!(
        all.contains(&r#"ALTER ROLE "bar_reader" SET search_path TO "$user", "data""#.to_string())
    );
    // The admin role does not exist on this server: no grant to it.
    assert!(!all.iter().any(|s| s.contains(r#"TO "admin""#)));
    // CREATE DATABASE runs outside transactions, in the maintenance database; the schema in bar.
    for s in &plan.statements {
        match s.kind {
            StatementKind::CreateDatabase => assert!(!s.transactional && s.database.is_none()),
            StatementKind::CreateSchema => assert_eq!(s.database.as_deref(), Some("bar")),
            _ => assert!(s.transactional),
        }
    }
}

#[test]
fn create_role_carries_a_verifier_of_the_secret_password_and_never_prints_it() {
    let desired = roles::from_spec(
        "c",
        &spec_with(&[("app", &["createdb"])], &[]),
        &RoleSettings::default(),
        &creds(&["app"]),
        now(),
    );
    let plan = run(&desired, &Observed::default());
    let create = plan
        .statements
        .iter()
        .find(|s| s.kind == StatementKind::CreateRole)
        .map(|s| s.expose_sql().to_string())
        .unwrap_or_default();
    let verifier = create.split('\'').nth(1).unwrap_or_default().to_string();
    assert!(verifier.starts_with("SCRAM-SHA-256$4096:"));
    assert!(password::verifier_matches(
        "pw-of-app-0123456789",
        &verifier
    ));
    let debug = format!("{plan:?} {desired:?}");
    assert!(!debug.contains("pw-of-app"), "{debug}");
    assert!(!debug.contains(&verifier));
    assert!(!create.contains("pw-of-app"));
}

#[test]
fn changed_flags_give_alter_role_with_only_the_differences() {
    let desired = roles::from_spec(
        "c",
        &spec_with(&[("app", &["createdb", "nologin"])], &[]),
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    let mut observed = converged(&desired);
    if let Some(r) = observed.roles.get_mut("app") {
        r.attributes = RoleAttributes {
            superuser: true,
            ..RoleAttributes::NOLOGIN
        };
    }
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![r#"ALTER ROLE "app" WITH NOSUPERUSER CREATEDB"#]
    );
    assert_eq!(plan.statements[0].kind, StatementKind::AlterRole);
}

#[test]
fn a_changed_secret_password_gives_set_password_and_a_matching_one_nothing() {
    let spec = spec_with(&[("app", &[])], &[]);
    let desired = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &creds(&["app"]),
        now(),
    );
    let observed = converged(&desired);
    assert!(run(&desired, &observed).is_empty());

    let mut edited = creds(&["app"]);
    edited.insert(
        "app".into(),
        Credential::new("app", Password::new("edited-in-the-secret")),
    );
    let desired2 = roles::from_spec("c", &spec, &RoleSettings::default(), &edited, now());
    let plan = run(&desired2, &observed);
    assert_eq!(kinds(&plan), [StatementKind::SetPassword].into());
    assert_eq!(
        sqls(&plan),
        vec![r#"ALTER ROLE "app" PASSWORD '<redacted>'"#]
    );
    assert!(plan.statements[0].has_secret());

    // An md5 hash is replaced by a SCRAM verifier.
    let mut md5 = observed.clone();
    if let Some(r) = md5.roles.get_mut("app") {
        r.password = Some(Verifier::from_stored("md5abcdefabcdefabcdefabcdefabcdefab"));
    }
    assert_eq!(
        kinds(&run(&desired, &md5)),
        [StatementKind::SetPassword].into()
    );
}

#[test]
fn comment_and_search_path_are_restored() {
    let pg = fixture("minimal.yaml");
    let desired = roles::from_manifest(&pg, &RoleSettings::default(), &Credentials::new(), now());
    let mut observed = converged(&desired);
    if let Some(r) = observed.roles.get_mut("bar_writer") {
        r.comment = None;
        r.search_path = Some(vec!["public".into()]);
    }
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![
            r#"COMMENT ON ROLE "bar_writer" IS 'managed by pgctl'"#.to_string(),
            r#"ALTER ROLE "bar_writer" SET search_path TO "$user", "data""#.to_string(),
        ]
    );
    // A comment somebody else set is kept.
    if let Some(r) = observed.roles.get_mut("bar_writer") {
        r.comment = Some("owned by team x".into());
        r.search_path = Some(vec!["$user".into(), "data".into()]);
    }
    assert!(run(&desired, &observed).is_empty());
}

#[test]
fn memberships_are_granted_and_upgraded_to_admin_but_never_revoked() {
    let pg = fixture("minimal.yaml");
    let desired = roles::from_manifest(&pg, &RoleSettings::default(), &Credentials::new(), now());
    let mut observed = converged(&desired);
    observed
        .memberships
        .remove(&("bar_reader".to_string(), "bar_writer".to_string()));
    observed
        .memberships
        .insert(("bar_reader".into(), "bar_owner".into()), false);
    observed
        .memberships
        .insert(("bar_reader".into(), "foo_user".into()), false);
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![
            r#"GRANT "bar_reader" TO "bar_owner" WITH ADMIN OPTION"#.to_string(),
            r#"GRANT "bar_reader" TO "bar_writer""#.to_string(),
        ]
    );
    assert_eq!(kinds(&plan), [StatementKind::GrantMembership].into());
}

#[test]
fn the_admin_role_gets_admin_option_when_it_exists() {
    let pg = fixture("minimal.yaml");
    let desired = roles::from_manifest(&pg, &RoleSettings::default(), &Credentials::new(), now());
    let mut observed = converged(&desired);
    observed.roles.insert(
        "admin".into(),
        ObservedRole::with_attributes(RoleAttributes::NOLOGIN),
    );
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![r#"GRANT "bar_owner" TO "admin" WITH ADMIN OPTION"#.to_string()]
    );
}

#[test]
fn databases_are_created_reowned_or_skipped_for_an_unknown_owner() {
    let spec = spec_with(
        &[("app", &[])],
        &[
            ("new", "app"),
            ("moved", "app"),
            ("orphaned", "ghost"),
            ("legacy", "dba"),
        ],
    );
    let desired = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    let mut observed = converged(&desired);
    observed.databases.remove("new");
    observed.databases.insert("moved".into(), "postgres".into());
    observed.databases.remove("legacy");
    observed.roles.insert(
        "dba".into(),
        ObservedRole::with_attributes(RoleAttributes::LOGIN),
    );
    observed.databases.remove("orphaned");
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![
            r#"CREATE DATABASE "legacy" OWNER "dba""#.to_string(),
            r#"ALTER DATABASE "moved" OWNER TO "app""#.to_string(),
            r#"CREATE DATABASE "new" OWNER "app""#.to_string(),
        ]
    );
    let unknown: Vec<String> = plan
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::UnknownOwner(_)))
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        unknown,
        vec![
            r#"database "orphaned" has owner "ghost", which is neither in spec.users nor an existing role; it will be created once the role exists"#
        ]
    );
    // The role the server does not know is not altered (it is "dba", not in the manifest).
    assert!(!sqls(&plan).iter().any(|s| s.contains("ROLE \"dba\"")));
}

#[test]
fn prepared_objects_schemas_extensions_and_privileges() {
    let pg = fixture("complete.yaml");
    let names = ["bar_owner_user", "bar_reader_user", "bar_writer_user"];
    let desired = roles::from_manifest(&pg, &RoleSettings::default(), &creds(&names), now());
    let mut observed = converged(&desired);
    let mut available: BTreeSet<String> = ["pgcrypto".to_string()].into();
    available.insert("plpgsql".into());
    observed.available_extensions = Some(available);
    if let Some(db) = observed.per_database.get_mut("bar") {
        db.schemas.remove("history");
        db.schemas.insert("data".into(), "postgres".into());
        db.extensions.clear();
        db.extensions.insert("pgcrypto".into(), "data".into());
        db.schema_grants
            .retain(|g| !(g.schema == "data" && g.grantee == "bar_writer"));
        db.default_privileges.retain(|d| {
            !(d.owner == "bar_owner_user" && d.schema.is_none() && d.kind == ObjectKind::Sequences)
        });
    }
    let plan = run(&desired, &observed);
    let all = sqls(&plan);
    assert_eq!(
        all,
        vec![
            r#"ALTER SCHEMA "data" OWNER TO "bar_data_owner""#.to_string(),
            r#"CREATE SCHEMA "history" AUTHORIZATION "bar_history_owner""#.to_string(),
            r#"ALTER EXTENSION "pgcrypto" SET SCHEMA "public""#.to_string(),
            r#"GRANT USAGE, CREATE ON SCHEMA "data" TO "bar_writer""#.to_string(),
            r#"ALTER DEFAULT PRIVILEGES FOR ROLE "bar_owner_user" GRANT SELECT ON SEQUENCES TO "bar_reader""#.to_string(),
            r#"ALTER DEFAULT PRIVILEGES FOR ROLE "bar_owner_user" GRANT UPDATE, USAGE ON SEQUENCES TO "bar_writer""#.to_string(),
        ]
    );
    assert!(
        plan.statements
            .iter()
            .all(|s| s.database.as_deref() == Some("bar"))
    );
    // pg_partman is not available: skipped, reported.
    assert!(
        plan.skipped
            .iter()
            .any(|s| s.reason == SkipReason::ExtensionUnavailable
                && s.to_string().contains("pg_partman"))
    );

    // A missing extension in a schema nobody plans is created with its schema.
    if let Some(db) = observed.per_database.get_mut("bar") {
        db.extensions.clear();
        db.schemas.remove("public");
    }
    let plan = run(&desired, &observed);
    let all = sqls(&plan);
    assert!(all.contains(
        &r#"CREATE SCHEMA IF NOT EXISTS "public" AUTHORIZATION "bar_owner""#.to_string()
    ));
    assert!(
        all.contains(&r#"CREATE EXTENSION IF NOT EXISTS "pgcrypto" SCHEMA "public""#.to_string())
    );
    assert!(kinds(&plan).contains(&StatementKind::CreateExtension));
}

#[test]
fn a_prepared_database_that_was_not_inspected_is_skipped() {
    let pg = fixture("minimal.yaml");
    let desired = roles::from_manifest(&pg, &RoleSettings::default(), &Credentials::new(), now());
    let mut observed = converged(&desired);
    observed.per_database.clear();
    let plan = run(&desired, &observed);
    assert!(plan.is_empty());
    assert!(
        plan.skipped
            .iter()
            .any(|s| s.reason == SkipReason::DatabaseNotInspected)
    );
    assert_eq!(
        desired.databases_to_inspect(&observed),
        vec!["bar".to_string()]
    );
}

#[test]
fn awkward_names_are_quoted() {
    let name = "My \"Shop\"-Ünïcode db";
    let schema = "Sales Data";
    let mut prepared = BTreeMap::new();
    prepared.insert(
        name.to_string(),
        PreparedDatabase {
            schemas: Some([(schema.to_string(), PreparedSchema::default())].into()),
            default_users: Some(false),
            extensions: None,
            secret_namespace: None,
        },
    );
    let spec = PostgresSpec {
        prepared_databases: Some(prepared),
        ..Default::default()
    };
    let desired = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    // "My "Shop"-Ünïcode db_Sales Data_owner" is 42 bytes: fine.
    let plan = run(&desired, &Observed::default());
    let all = sqls(&plan);
    assert!(
        all.contains(
            &r#"CREATE DATABASE "My ""Shop""-Ünïcode db" OWNER "My ""Shop""-Ünïcode db_owner""#
                .to_string()
        ),
        "{all:#?}"
    );
    assert!(all.contains(
        &r#"CREATE SCHEMA "Sales Data" AUTHORIZATION "My ""Shop""-Ünïcode db_Sales Data_owner""#.to_string()
    ));
    assert!(all.contains(
        &r#"ALTER ROLE "My ""Shop""-Ünïcode db_reader" SET search_path TO "$user", "Sales Data""#.to_string()
    ));
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
}

#[test]
fn names_postgres_would_truncate_are_skipped() {
    let long = "d".repeat(60);
    let spec = spec_with(&[("app", &[])], &[(long.as_str(), "app")]);
    let mut spec = spec;
    spec.prepared_databases = Some([(long.clone(), PreparedDatabase::default())].into());
    let desired = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    assert!(!desired.roles.keys().any(|r| r.starts_with("ddd")));
    assert!(
        desired
            .skipped
            .iter()
            .any(|s| s.to_string().contains("at most 63"))
    );
    // The plain database entry (60 bytes) is still created.
    assert!(desired.databases.contains_key(&long));
}

#[test]
fn protected_system_and_unnamed_roles_are_never_touched() {
    let spec = spec_with(
        &[
            ("postgres", &["nologin"]),
            ("admin", &[]),
            ("standby", &[]),
            ("app", &["bogus"]),
        ],
        &[],
    );
    let desired = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    assert!(desired.roles.is_empty());
    let reasons: Vec<String> = desired.skipped.iter().map(|s| s.to_string()).collect();
    assert!(reasons.contains(&r#"role "postgres" is a system role managed by Spilo"#.to_string()));
    assert!(reasons.contains(&r#"role "admin" is a protected role"#.to_string()));
    assert!(reasons.contains(&r#"role "app" has unknown flag "bogus""#.to_string()));
    let mut observed = Observed::default();
    for r in ["postgres", "admin", "standby", "someone_else"] {
        observed.roles.insert(
            r.into(),
            ObservedRole::with_attributes(RoleAttributes::NOLOGIN),
        );
    }
    let plan = run(&desired, &observed);
    assert!(plan.is_empty());
    assert!(plan.orphans.is_empty());
}

#[test]
fn roles_removed_from_the_manifest_are_reported_not_dropped() {
    let before = roles::from_spec(
        "c",
        &spec_with(&[("app", &[]), ("old", &[])], &[]),
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    let observed = converged(&before);
    let after = roles::from_spec(
        "c",
        &spec_with(&[("app", &[])], &[]),
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    let plan = run(&after, &observed);
    assert!(plan.is_empty());
    assert_eq!(plan.orphans, vec!["old".to_string()]);
}

#[test]
fn rotation_users_are_created_as_members_and_expired_ones_dropped() {
    let mut spec = spec_with(&[("app", &[]), ("other", &[])], &[]);
    spec.users_with_secret_rotation = Some(vec!["app".into()]);
    let mut credentials = creds(&["other"]);
    credentials.insert(
        "app".into(),
        Credential::new("app250601", Password::new("rotated-password-1")),
    );
    let settings = RoleSettings::default(); // retention 180 days
    let desired = roles::from_spec("c", &spec, &settings, &credentials, now());
    assert!(matches!(
        desired.roles.get("app250601").map(|r| &r.origin),
        Some(RoleOrigin::Rotation { base }) if base == "app"
    ));
    assert!(
        desired
            .roles
            .get("app")
            .is_some_and(|r| r.password.is_none())
    );

    let mut observed = converged(&roles::from_spec(
        "c",
        &spec_with(&[("app", &[]), ("other", &[])], &[]),
        &settings,
        &creds(&["app", "other"]),
        now(),
    ));
    for old in ["app241201", "app250101", "app991301x", "other241201"] {
        observed.roles.insert(
            old.into(),
            ObservedRole::with_attributes(RoleAttributes::LOGIN),
        );
    }
    let plan = run(&desired, &observed);
    assert_eq!(
        sqls(&plan),
        vec![
            r#"CREATE ROLE "app250601" WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS PASSWORD '<redacted>'"#.to_string(),
            r#"GRANT "app" TO "app250601""#.to_string(),
            // 2024-12-01 is more than 180 days before 2025-06-15; 2025-01-01 is not.
            r#"DROP ROLE IF EXISTS "app241201""#.to_string(),
        ]
    );
    assert_eq!(
        plan.statements.last().map(|s| s.kind),
        Some(StatementKind::DropRotationUser)
    );
}

#[test]
fn in_place_rotation_is_a_password_change() {
    let mut spec = spec_with(&[("app", &[])], &[]);
    spec.users_with_in_place_secret_rotation = Some(vec!["app".into()]);
    let old = roles::from_spec(
        "c",
        &spec,
        &RoleSettings::default(),
        &creds(&["app"]),
        now(),
    );
    let observed = converged(&old);
    let mut rotated = Credentials::new();
    rotated.insert(
        "app".into(),
        Credential::new("app", Password::new("brand-new")),
    );
    let new = roles::from_spec("c", &spec, &RoleSettings::default(), &rotated, now());
    let plan = run(&new, &observed);
    assert_eq!(kinds(&plan), [StatementKind::SetPassword].into());
}

#[test]
fn missing_or_mismatched_secrets_are_reported() {
    let spec = spec_with(&[("app", &[]), ("svc", &[])], &[]);
    let mut credentials = Credentials::new();
    credentials.insert("svc".into(), Credential::new("someone", Password::new("x")));
    let desired = roles::from_spec("c", &spec, &RoleSettings::default(), &credentials, now());
    let text: Vec<String> = desired.skipped.iter().map(|s| s.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with(r#"role "app" has no password yet"#))
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with(r#"role "svc" has a Secret for user "someone""#))
    );
    assert!(desired.roles.values().all(|r| r.password.is_none()));
}

#[test]
fn secrets_of_login_roles_with_names_and_namespaces() {
    let pg = fixture("complete.yaml");
    let mut settings = RoleSettings {
        enable_cross_namespace_secret: true,
        ..RoleSettings::default()
    };
    let secrets = roles::login_secrets("acid-test", &pg.spec, &settings).unwrap_or_default();
    let by_role: BTreeMap<&str, (&str, Option<&str>)> = secrets
        .iter()
        .map(|s| {
            (
                s.role.as_str(),
                (s.secret_name.as_str(), s.namespace.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        by_role.get("foo_user"),
        Some(&(
            "foo-user.acid-test.credentials.postgresql.acid.zalan.do",
            None
        ))
    );
    assert_eq!(
        by_role.get("bar_reader_user"),
        Some(&(
            "bar-reader-user.acid-test.credentials.postgresql.acid.zalan.do",
            Some("default")
        ))
    );
    assert!(by_role.contains_key("postgres") && by_role.contains_key("standby"));
    // Group roles have no Secret.
    assert!(!by_role.contains_key("bar_reader"));

    // namespace.user gets its Secret in that namespace.
    let spec = spec_with(&[("team-a.app_user", &[])], &[]);
    let secrets = roles::login_secrets("acid-test", &spec, &settings).unwrap_or_default();
    let s = secrets.iter().find(|s| s.role == "team-a.app_user");
    assert_eq!(s.and_then(|s| s.namespace.as_deref()), Some("team-a"));
    assert_eq!(
        s.map(|s| s.secret_name.as_str()),
        Some("team-a.app-user.acid-test.credentials.postgresql.acid.zalan.do")
    );
    settings.enable_cross_namespace_secret = false;
    let secrets = roles::login_secrets("acid-test", &spec, &settings).unwrap_or_default();
    assert_eq!(
        secrets
            .iter()
            .find(|s| s.role == "team-a.app_user")
            .map(|s| s.namespace.clone()),
        Some(None)
    );
}

#[test]
fn two_users_sharing_a_secret_name_are_an_error_naming_both() {
    let spec = spec_with(&[("foo_user", &[]), ("foo-user", &[])], &[]);
    let err = roles::login_secrets("c", &spec, &RoleSettings::default()).err();
    let text: Vec<String> = err.iter().flatten().map(|c| c.to_string()).collect();
    assert_eq!(
        text,
        vec![
            r#"spec.users: users "foo-user" and "foo_user" would share the Secret "foo-user.c.credentials.postgresql.acid.zalan.do""#
                .to_string()
        ]
    );
}

#[test]
fn empty_prepared_databases_means_one_named_after_the_cluster() {
    let spec = PostgresSpec {
        prepared_databases: Some(BTreeMap::new()),
        ..Default::default()
    };
    let desired = roles::from_spec(
        "acid-minimal",
        &spec,
        &RoleSettings::default(),
        &Credentials::new(),
        now(),
    );
    assert_eq!(
        desired
            .databases
            .get("acid_minimal")
            .map(|d| d.owner.as_str()),
        Some("acid_minimal_owner")
    );
    let p = desired
        .databases
        .get("acid_minimal")
        .and_then(|d| d.prepared.clone())
        .unwrap_or_default();
    assert_eq!(
        p.schemas.get("data").map(String::as_str),
        Some("acid_minimal_data_owner")
    );
    assert!(
        p.default_privileges
            .iter()
            .any(|d| d.owner == "acid_minimal_owner"
                && d.schema.is_none()
                && d.kind == ObjectKind::Schemas
                && d.privilege == Privilege::Usage
                && d.grantee == "acid_minimal_reader")
    );
}

#[test]
fn the_verifier_cache_gives_the_same_plans() {
    let spec = spec_with(&[("app", &[]), ("svc", &[])], &[]);
    let settings = RoleSettings::default();
    let cache = password::VerifierCache::default();
    let desired = roles::from_spec("c", &spec, &settings, &creds(&["app", "svc"]), now());
    // Creating the roles remembers the verifiers it made.
    let created = roles::plan_with_cache(
        &desired,
        &Observed::default(),
        &settings,
        &mut TestRng(1),
        &cache,
    );
    assert_eq!(created.counts().get(&StatementKind::CreateRole), Some(&2));
    assert_eq!(cache.len(), 2);
    let observed = converged(&desired);
    for _ in 0..2 {
        let p = roles::plan_with_cache(&desired, &observed, &settings, &mut TestRng(2), &cache);
        assert!(p.is_empty(), "{:?}", p.statements);
    }
    assert_eq!(cache.len(), 4);
    let mut edited = creds(&["app", "svc"]);
    edited.insert(
        "svc".into(),
        Credential::new("svc", Password::new("changed")),
    );
    let changed = roles::from_spec("c", &spec, &settings, &edited, now());
    let p = roles::plan_with_cache(&changed, &observed, &settings, &mut TestRng(3), &cache);
    assert_eq!(
        sqls(&p),
        vec![r#"ALTER ROLE "svc" PASSWORD '<redacted>'"#.to_string()]
    );
}

fn infra(name: &str, password: &str, groups: &[&str]) -> roles::infrastructure::InfraRole {
    roles::infrastructure::InfraRole {
        name: name.to_string(),
        password: Password::new(password),
        member_of: groups.iter().map(|g| g.to_string()).collect(),
        flags: Vec::new(),
        parameters: BTreeMap::new(),
    }
}

#[test]
fn infrastructure_roles_log_in_with_their_own_password_and_win_a_manifest_name() {
    let spec = spec_with(&[("monitor", &["createdb"]), ("app", &[])], &[]);
    let settings = RoleSettings {
        infrastructure: roles::infrastructure::Loaded {
            roles: vec![
                infra("monitor", "from-the-infrastructure-secret", &["pg_monitor"]),
                infra("postgres", "never", &[]),
                infra("admin", "never", &[]),
            ],
            problems: Vec::new(),
        },
        ..RoleSettings::default()
    };
    // The manifest's `app` has its Secret; `monitor` needs none.
    let desired = roles::from_spec("acid-test", &spec, &settings, &creds(&["app"]), now());
    let monitor = desired.roles.get("monitor").expect("monitor");
    assert_eq!(monitor.origin, RoleOrigin::Infrastructure);
    assert_eq!(
        monitor.attributes,
        RoleAttributes::LOGIN,
        "not the manifest's createdb"
    );
    assert_eq!(
        monitor.password.as_ref().map(|p| p.expose()),
        Some("from-the-infrastructure-secret")
    );
    // The superuser and a protected role are left out, with their reasons.
    let skipped: Vec<(String, SkipReason)> = desired
        .skipped
        .iter()
        .filter_map(|s| match &s.object {
            roles::ObjectRef::Role(r) => Some((r.clone(), s.reason.clone())),
            _ => None,
        })
        .collect();
    assert!(
        skipped.contains(&("postgres".into(), SkipReason::SystemRole)),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("admin".into(), SkipReason::ProtectedRole)),
        "{skipped:?}"
    );
    assert!(!desired.roles.contains_key("postgres") && !desired.roles.contains_key("admin"));

    // An empty server: the role is created with its password and joins pg_monitor, a
    // predefined role the observation leaves out.
    let plan = run(&desired, &Observed::default());
    let sql = sqls(&plan);
    assert!(
        sql.iter()
            .any(|s| s.starts_with(r#"CREATE ROLE "monitor""#)),
        "{sql:?}"
    );
    assert!(
        sql.contains(&r#"GRANT "pg_monitor" TO "monitor""#.to_string()),
        "{sql:?}"
    );
    assert!(
        !sql.iter()
            .any(|s| s.contains("from-the-infrastructure-secret"))
    );
    // Converged: nothing more.
    let mut observed = converged(&desired);
    observed
        .memberships
        .insert(("pg_monitor".into(), "monitor".into()), false);
    assert!(run(&desired, &observed).is_empty());

    // No credential Secret is made for it.
    let secrets = roles::login_secrets("acid-test", &spec, &settings).expect("secrets");
    assert!(!secrets.iter().any(|s| s.role == "monitor"), "{secrets:?}");
}

#[test]
fn additional_owner_roles_take_in_every_database_owner() {
    let pg = fixture("minimal.yaml");
    let settings = RoleSettings {
        additional_owner_roles: vec!["cron_admin".to_string()],
        ..RoleSettings::default()
    };
    let desired = roles::from_manifest(&pg, &settings, &Credentials::new(), now());
    let members: BTreeSet<String> = desired
        .memberships
        .iter()
        .filter(|m| m.group == "cron_admin")
        .map(|m| m.member.clone())
        .collect();
    assert!(members.contains("zalando"), "{members:?}");
    assert!(members.contains("bar_owner"), "{members:?}");
    assert!(!members.contains("foo_user"), "{members:?}");
    // Granted only once the group exists on the server.
    let observed = converged(&desired);
    assert!(run(&desired, &observed).is_empty());
    let mut observed = observed;
    observed.roles.insert(
        "cron_admin".into(),
        ObservedRole::with_attributes(RoleAttributes::NOLOGIN),
    );
    let sql = sqls(&run(&desired, &observed));
    assert!(
        sql.contains(&r#"GRANT "cron_admin" TO "zalando""#.to_string()),
        "{sql:?}"
    );
}
