//! Provisioning against a real PostgreSQL server started by the test (see
//! `pgctl_controller::sql::testing`): fixtures on an empty server, idempotence (no DDL in the
//! server log on the second run), convergence of changes, awkward names, orphans, and that no
//! password reaches the server log or the controller log.

use std::collections::BTreeMap;

use jiff::Timestamp;
use pgctl_controller::sql::testing::{CapturedLogs, TestServer, capture_logs, ddl_statements};
use pgctl_controller::sql::{self, ConnectOptions, Connector, SyncReport, TlsMode};
use pgctl_shared::crd::{PostgresSpec, Postgresql, PreparedDatabase, PreparedSchema};
use pgctl_shared::password::{self, Password};
use pgctl_shared::roles::{self, Credential, Credentials, RoleSettings, SkipReason, StatementKind};
use tokio_postgres::Client;

fn fixture(name: &str) -> Postgresql {
    let shared = format!(
        "{}/../shared/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&shared).unwrap_or_else(|e| panic!("{shared}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{shared}: {e}"))
}

fn server() -> TestServer {
    TestServer::start().unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"))
}

/// What the Secret builder and the controller would do: one generated password per login role.
fn secrets_for(cluster: &str, spec: &PostgresSpec, settings: &RoleSettings) -> Credentials {
    let mut rng = rand::rng();
    roles::login_secrets(cluster, spec, settings)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        // Spilo sets the superuser's and the replication user's passwords.
        .filter(|s| s.role != settings.super_username && s.role != settings.replication_username)
        .map(|s| {
            let pw = password::generate(&mut rng);
            (s.role.clone(), Credential::new(s.role, pw))
        })
        .collect()
}

async fn connector(server: &TestServer) -> Connector {
    let opts = ConnectOptions {
        tls: TlsMode::Disable,
        ..Default::default()
    };
    Connector::connect(server.endpoint(), opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn sync(
    server: &TestServer,
    name: &str,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    credentials: &Credentials,
) -> SyncReport {
    let desired = roles::from_spec(name, spec, settings, credentials, Timestamp::now());
    let c = connector(server).await;
    sql::sync(&c, &desired, settings)
        .await
        .unwrap_or_else(|e| panic!("sync failed: {e}"))
}

async fn client(server: &TestServer, db: &str) -> Client {
    let opts = ConnectOptions {
        tls: TlsMode::Disable,
        ..Default::default()
    };
    sql::connect(&server.endpoint(), db, &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn one_bool(c: &Client, sql: &str, params: &[&str]) -> bool {
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    c.query_one(sql, &params)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

async fn one_text(c: &Client, sql: &str, params: &[&str]) -> Option<String> {
    let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect();
    c.query_opt(sql, &params)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .map(|r| r.get(0))
}

/// `[super, inherit, createrole, createdb, login, replication, bypassrls]` of a role.
async fn flags(c: &Client, role: &str) -> Option<[bool; 7]> {
    let row = c
        .query_opt(
            "SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, \
             rolbypassrls FROM pg_roles WHERE rolname = $1",
            &[&role],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    Some([0, 1, 2, 3, 4, 5, 6].map(|i| row.get(i)))
}

async fn db_owner(c: &Client, db: &str) -> Option<String> {
    one_text(
        c,
        "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1",
        &[db],
    )
    .await
}

fn captured(buf: &CapturedLogs) -> String {
    buf.lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

fn assert_no_password(what: &str, text: &str, credentials: &Credentials, extra: &[&Password]) {
    assert!(!text.is_empty(), "{what} is empty: nothing was checked");
    for (role, c) in credentials {
        assert!(
            !text.contains(c.password.expose()),
            "{what} contains the password of {role}"
        );
    }
    for p in extra {
        assert!(!text.contains(p.expose()), "{what} contains a password");
    }
}

/// Sync again: the plan must be empty and the server log must show no DDL.
async fn assert_second_run_is_silent(
    server: &TestServer,
    name: &str,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    credentials: &Credentials,
) {
    let mark = server.log_len();
    let again = sync(server, name, spec, settings, credentials).await;
    assert!(
        again.plan.is_empty(),
        "second run planned: {:#?}",
        again.plan.statements
    );
    assert_eq!(again.applied.executed, 0);
    let log = server.log_since(mark);
    assert!(
        log.contains("pg_authid"),
        "the observe queries are not in the log:\n{log}"
    );
    let ddl = ddl_statements(&log);
    assert!(ddl.is_empty(), "second run sent DDL: {ddl:#?}");
}

#[tokio::test]
async fn minimal_fixture_on_an_empty_server() {
    let (_guard, logs) = capture_logs();
    let server = server();
    let pg = fixture("minimal.yaml");
    let settings = RoleSettings::default();
    let name = "acid-minimal-cluster";
    let creds = secrets_for(name, &pg.spec, &settings);
    assert_eq!(creds.keys().collect::<Vec<_>>(), ["foo_user", "zalando"]);

    let report = sync(&server, name, &pg.spec, &settings, &creds).await;
    assert!(report.applied.executed > 20, "{:?}", report.applied);
    assert!(report.plan.skipped.is_empty(), "{:?}", report.plan.skipped);

    let c = client(&server, "postgres").await;
    //                                  super  inherit crole  cdb    login  repl   bypass
    assert_eq!(
        flags(&c, "zalando").await,
        Some([true, true, false, true, true, false, false])
    );
    assert_eq!(
        flags(&c, "foo_user").await,
        Some([false, true, false, false, true, false, false])
    );
    for group in [
        "bar_owner",
        "bar_reader",
        "bar_writer",
        "bar_data_owner",
        "bar_data_reader",
        "bar_data_writer",
    ] {
        assert_eq!(
            flags(&c, group).await,
            Some([false, true, false, false, false, false, false]),
            "{group}"
        );
    }
    assert_eq!(
        flags(&c, "bar_owner_user").await,
        None,
        "no default users in minimal"
    );
    assert!(
        one_bool(
            &c,
            "SELECT pg_has_role('bar_writer', 'bar_reader', 'MEMBER')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &c,
            "SELECT pg_has_role('bar_data_writer', 'bar_data_reader', 'MEMBER')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &c,
            "SELECT bool_or(admin_option) FROM pg_auth_members \
             WHERE roleid = 'bar_reader'::regrole AND member = 'bar_owner'::regrole",
            &[]
        )
        .await
    );
    assert_eq!(db_owner(&c, "foo").await.as_deref(), Some("zalando"));
    assert_eq!(db_owner(&c, "bar").await.as_deref(), Some("bar_owner"));
    assert_eq!(
        one_text(&c, "SELECT array_to_string(setconfig, ';') FROM pg_db_role_setting WHERE setrole = 'bar_reader'::regrole", &[]).await.as_deref(),
        Some("search_path=\"$user\", data")
    );

    for (role, cred) in &creds {
        let who = server.login(role, &cred.password, "foo").await;
        assert_eq!(
            who.ok().as_deref(),
            Some(role.as_str()),
            "{role} cannot log in"
        );
    }
    assert!(
        server
            .login("foo_user", &Password::new("wrong"), "foo")
            .await
            .is_err()
    );

    assert_second_run_is_silent(&server, name, &pg.spec, &settings, &creds).await;

    // Default privileges, checked by what they do.
    let bar = client(&server, "bar").await;
    assert_eq!(
        one_text(
            &bar,
            "SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'data'",
            &[]
        )
        .await
        .as_deref(),
        Some("bar_data_owner")
    );
    bar.batch_execute(
        "SET ROLE bar_data_owner; CREATE TABLE data.t (id serial PRIMARY KEY, v text); \
         CREATE FUNCTION data.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; RESET ROLE; \
         SET ROLE bar_owner; CREATE TABLE public.g (x int); RESET ROLE;",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    for (role, object, privilege, expected) in [
        ("bar_reader", "data.t", "SELECT", true),
        ("bar_reader", "data.t", "INSERT", false),
        ("bar_writer", "data.t", "INSERT", true),
        ("bar_writer", "data.t", "DELETE", true),
        ("bar_data_reader", "data.t", "SELECT", true),
        ("bar_data_writer", "data.t", "UPDATE", true),
        ("bar_data_reader", "data.t", "UPDATE", false),
        ("bar_reader", "public.g", "SELECT", true),
        ("bar_writer", "public.g", "INSERT", true),
    ] {
        let got = one_bool(
            &bar,
            "SELECT has_table_privilege($1, $2, $3)",
            &[role, object, privilege],
        )
        .await;
        assert_eq!(got, expected, "{role} {privilege} on {object}");
    }
    assert!(
        one_bool(
            &bar,
            "SELECT has_sequence_privilege('bar_writer', 'data.t_id_seq', 'USAGE')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &bar,
            "SELECT has_schema_privilege('bar_reader', 'data', 'USAGE')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &bar,
            "SELECT has_schema_privilege('bar_data_writer', 'data', 'CREATE')",
            &[]
        )
        .await
    );
    assert!(
        !one_bool(
            &bar,
            "SELECT has_schema_privilege('bar_data_reader', 'data', 'CREATE')",
            &[]
        )
        .await
    );

    let log = server.log();
    assert!(
        log.contains("CREATE ROLE \"zalando\""),
        "log_statement=all is not on"
    );
    assert_no_password("server log", &log, &creds, &[]);
    let controller_log = format!("{}{report:?}", captured(&logs));
    assert!(controller_log.contains("applied role and database plan"));
    assert_no_password(
        "controller log",
        &controller_log,
        &creds,
        &[server.superuser_password()],
    );
}

#[tokio::test]
async fn complete_fixture_on_an_empty_server() {
    let (_guard, logs) = capture_logs();
    let server = server();
    let pg = fixture("complete.yaml");
    let settings = RoleSettings::default();
    let name = "acid-test-cluster";
    let creds = secrets_for(name, &pg.spec, &settings);
    let report = sync(&server, name, &pg.spec, &settings, &creds).await;
    // Debian's server has no pg_partman: reported, the rest goes on.
    let skipped: Vec<String> = report.plan.skipped.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        skipped,
        vec![r#"extension "pg_partman" in database "bar" is not available on the server (pg_available_extensions)"#.to_string()]
    );

    let c = client(&server, "postgres").await;
    assert_eq!(
        flags(&c, "flyway").await,
        Some([false, true, false, false, true, false, false])
    );
    // A manifest user that is also a prepared default user keeps the manifest's flags.
    assert_eq!(
        flags(&c, "bar_owner_user").await,
        Some([false, true, true, false, true, false, false])
    );
    for user in ["bar_reader_user", "bar_writer_user"] {
        assert_eq!(
            flags(&c, user).await,
            Some([false, true, false, false, true, false, false]),
            "{user}"
        );
    }
    for group in [
        "bar_history_owner",
        "bar_history_reader",
        "bar_history_writer",
    ] {
        assert_eq!(flags(&c, group).await.map(|f| f[4]), Some(false), "{group}");
    }
    assert_eq!(flags(&c, "bar_history_owner_user").await, None);
    assert!(
        one_bool(
            &c,
            "SELECT pg_has_role('bar_owner_user', 'bar_owner', 'MEMBER')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &c,
            "SELECT pg_has_role('bar_writer_user', 'bar_reader', 'MEMBER')",
            &[]
        )
        .await
    );
    assert!(
        !one_bool(
            &c,
            "SELECT pg_has_role('bar_reader_user', 'bar_writer', 'MEMBER')",
            &[]
        )
        .await
    );
    assert_eq!(db_owner(&c, "foo").await.as_deref(), Some("zalando"));
    assert_eq!(db_owner(&c, "bar").await.as_deref(), Some("bar_owner"));

    let bar = client(&server, "bar").await;
    let schemas: BTreeMap<String, String> = bar
        .query("SELECT nspname::text, pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname IN ('data', 'history')", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        schemas.get("data").map(String::as_str),
        Some("bar_data_owner")
    );
    assert_eq!(
        schemas.get("history").map(String::as_str),
        Some("bar_history_owner")
    );
    assert_eq!(
        one_text(&bar, "SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgcrypto'", &[]).await.as_deref(),
        Some("public")
    );
    // Tables the database owner's login user creates are readable by the reader role.
    bar.batch_execute("SET ROLE bar_owner_user; CREATE TABLE history.h (x int); RESET ROLE;")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        one_bool(
            &bar,
            "SELECT has_table_privilege('bar_reader_user', 'history.h', 'SELECT')",
            &[]
        )
        .await
    );
    assert!(
        one_bool(
            &bar,
            "SELECT has_table_privilege('bar_history_writer', 'history.h', 'INSERT')",
            &[]
        )
        .await
    );

    for (role, cred) in &creds {
        let who = server.login(role, &cred.password, "bar").await;
        assert_eq!(
            who.ok().as_deref(),
            Some(role.as_str()),
            "{role} cannot log in"
        );
    }
    assert_eq!(creds.len(), 7, "{:?}", creds.keys().collect::<Vec<_>>());

    assert_second_run_is_silent(&server, name, &pg.spec, &settings, &creds).await;
    assert_no_password("server log", &server.log(), &creds, &[]);
    assert_no_password(
        "controller log",
        &format!("{}{report:?}", captured(&logs)),
        &creds,
        &[],
    );
}

#[tokio::test]
async fn changed_flags_owner_and_secret_password_converge_in_one_run() {
    let server = server();
    let pg = fixture("minimal.yaml");
    let settings = RoleSettings::default();
    let name = "acid-minimal-cluster";
    let mut creds = secrets_for(name, &pg.spec, &settings);
    sync(&server, name, &pg.spec, &settings, &creds).await;
    let old_password = creds
        .get("foo_user")
        .map(|c| c.password.clone())
        .unwrap_or_else(|| Password::new("x"));

    let mut spec = pg.spec.clone();
    if let Some(users) = spec.users.as_mut() {
        users.insert(
            "zalando".into(),
            vec!["createdb".into(), "createrole".into()],
        );
    }
    if let Some(dbs) = spec.databases.as_mut() {
        dbs.insert("foo".into(), "foo_user".into());
    }
    let new_password =
        Password::new("edited by hand in the Secret 'with' \"quotes\" \\ and ünïcode");
    creds.insert(
        "foo_user".into(),
        Credential::new("foo_user", new_password.clone()),
    );

    let report = sync(&server, name, &spec, &settings, &creds).await;
    let kinds: Vec<(StatementKind, String)> = report
        .plan
        .statements
        .iter()
        .map(|s| (s.kind, s.object.to_string()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StatementKind::SetPassword, r#"role "foo_user""#.to_string()),
            (StatementKind::AlterRole, r#"role "zalando""#.to_string()),
            (
                StatementKind::AlterDatabaseOwner,
                r#"database "foo""#.to_string()
            ),
        ]
    );
    let c = client(&server, "postgres").await;
    assert_eq!(
        flags(&c, "zalando").await,
        Some([false, true, true, true, true, false, false])
    );
    assert_eq!(db_owner(&c, "foo").await.as_deref(), Some("foo_user"));
    assert_eq!(
        server
            .login("foo_user", &new_password, "foo")
            .await
            .ok()
            .as_deref(),
        Some("foo_user")
    );
    let refused = server.login("foo_user", &old_password, "foo").await;
    assert_eq!(
        refused
            .err()
            .and_then(|e| e.sqlstate().map(str::to_string))
            .as_deref(),
        Some("28P01")
    );

    assert_second_run_is_silent(&server, name, &spec, &settings, &creds).await;
    let log = server.log();
    assert!(!log.contains(new_password.expose()) && !log.contains(old_password.expose()));
}

#[tokio::test]
async fn awkward_database_schema_and_user_names() {
    let server = server();
    let settings = RoleSettings {
        enable_cross_namespace_secret: true,
        ..RoleSettings::default()
    };
    let shop = "Shop-Ä \"1\"";
    let spec = PostgresSpec {
        users: Some(
            [
                ("team-a.app_user", vec![]),
                ("owner_x", vec!["createdb".to_string()]),
            ]
            .into_iter()
            .map(|(u, f)| (u.to_string(), f))
            .collect(),
        ),
        databases: Some(
            [
                ("Weird-DB \"quoted\" ñ", "owner_x"),
                ("Spaces In Name", "team-a.app_user"),
                ("日本語", "owner_x"),
            ]
            .into_iter()
            .map(|(d, o)| (d.to_string(), o.to_string()))
            .collect(),
        ),
        prepared_databases: Some(
            [(
                shop.to_string(),
                PreparedDatabase {
                    schemas: Some(
                        [
                            ("Sales Data".to_string(), PreparedSchema::default()),
                            (
                                "x-Y'z".to_string(),
                                PreparedSchema {
                                    default_roles: Some(false),
                                    default_users: None,
                                },
                            ),
                        ]
                        .into(),
                    ),
                    default_users: Some(true),
                    extensions: Some([("pgcrypto".to_string(), "Sales Data".to_string())].into()),
                    secret_namespace: Some("shop-ns".into()),
                },
            )]
            .into(),
        ),
        ..Default::default()
    };
    let name = "acid-awkward";
    let secrets = roles::login_secrets(name, &spec, &settings).unwrap_or_default();
    let app = secrets.iter().find(|s| s.role == "team-a.app_user");
    assert_eq!(app.and_then(|s| s.namespace.as_deref()), Some("team-a"));
    assert_eq!(
        app.map(|s| s.secret_name.as_str()),
        Some("team-a.app-user.acid-awkward.credentials.postgresql.acid.zalan.do")
    );
    let shop_user = secrets
        .iter()
        .find(|s| s.role == format!("{shop}_reader_user"));
    assert_eq!(
        shop_user.and_then(|s| s.namespace.as_deref()),
        Some("shop-ns")
    );
    assert_eq!(
        shop_user.map(|s| s.secret_name.as_str()),
        Some("shop----1--reader-user.acid-awkward.credentials.postgresql.acid.zalan.do")
    );

    let creds = secrets_for(name, &spec, &settings);
    let report = sync(&server, name, &spec, &settings, &creds).await;
    assert!(report.plan.skipped.is_empty(), "{:?}", report.plan.skipped);

    let c = client(&server, "postgres").await;
    assert_eq!(
        db_owner(&c, "Weird-DB \"quoted\" ñ").await.as_deref(),
        Some("owner_x")
    );
    assert_eq!(
        db_owner(&c, "Spaces In Name").await.as_deref(),
        Some("team-a.app_user")
    );
    assert_eq!(db_owner(&c, "日本語").await.as_deref(), Some("owner_x"));
    assert_eq!(db_owner(&c, shop).await, Some(format!("{shop}_owner")));
    let shop_db = client(&server, shop).await;
    let owners: BTreeMap<String, String> = shop_db
        .query(
            "SELECT nspname::text, pg_get_userbyid(nspowner)::text FROM pg_namespace",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        owners.get("Sales Data"),
        Some(&format!("{shop}_Sales Data_owner"))
    );
    assert_eq!(owners.get("x-Y'z"), Some(&format!("{shop}_owner")));
    assert_eq!(
        one_text(&shop_db, "SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgcrypto'", &[]).await.as_deref(),
        Some("Sales Data")
    );
    for (role, db) in [("team-a.app_user", "Spaces In Name"), ("owner_x", "日本語")] {
        let pw = creds
            .get(role)
            .map(|c| c.password.clone())
            .unwrap_or_else(|| Password::new("-"));
        assert_eq!(
            server.login(role, &pw, db).await.ok().as_deref(),
            Some(role)
        );
    }
    let reader_user = format!("{shop}_reader_user");
    let pw = creds
        .get(&reader_user)
        .map(|c| c.password.clone())
        .unwrap_or_else(|| Password::new("-"));
    assert_eq!(
        server.login(&reader_user, &pw, shop).await.ok(),
        Some(reader_user.clone())
    );

    assert_second_run_is_silent(&server, name, &spec, &settings, &creds).await;
    assert_no_password("server log", &server.log(), &creds, &[]);
}

#[tokio::test]
async fn a_role_removed_from_the_manifest_is_reported_not_dropped() {
    let server = server();
    let settings = RoleSettings::default();
    let mut spec = PostgresSpec {
        users: Some(
            [("keep", vec![]), ("gone", vec!["createdb".to_string()])]
                .into_iter()
                .map(|(u, f)| (u.to_string(), f))
                .collect(),
        ),
        ..Default::default()
    };
    let creds = secrets_for("c", &spec, &settings);
    let first = sync(&server, "c", &spec, &settings, &creds).await;
    assert!(first.plan.orphans.is_empty());
    if let Some(u) = spec.users.as_mut() {
        u.remove("gone");
    }
    let mark = server.log_len();
    let second = sync(&server, "c", &spec, &settings, &creds).await;
    assert_eq!(second.plan.orphans, vec!["gone".to_string()]);
    assert!(second.plan.is_empty());
    assert!(ddl_statements(&server.log_since(mark)).is_empty());
    let c = client(&server, "postgres").await;
    assert_eq!(
        flags(&c, "gone").await,
        Some([false, true, false, true, true, false, false])
    );
    let pw = creds
        .get("gone")
        .map(|c| c.password.clone())
        .unwrap_or_else(|| Password::new("-"));
    assert_eq!(
        server.login("gone", &pw, "postgres").await.ok().as_deref(),
        Some("gone")
    );
}

#[tokio::test]
async fn a_database_with_an_unknown_owner_waits_for_the_role() {
    let server = server();
    let settings = RoleSettings::default();
    let mut spec = PostgresSpec {
        users: Some([("app".to_string(), vec![])].into()),
        databases: Some(
            [
                ("later_db".to_string(), "later_user".to_string()),
                ("app_db".to_string(), "app".to_string()),
            ]
            .into(),
        ),
        ..Default::default()
    };
    let creds = secrets_for("c", &spec, &settings);
    let first = sync(&server, "c", &spec, &settings, &creds).await;
    assert!(
        first
            .plan
            .skipped
            .iter()
            .any(|s| s.reason == SkipReason::UnknownOwner("later_user".into()))
    );
    let c = client(&server, "postgres").await;
    assert_eq!(db_owner(&c, "later_db").await, None);
    assert_eq!(db_owner(&c, "app_db").await.as_deref(), Some("app"));

    // Once the role exists on the server (created by hand here), the database is created.
    c.batch_execute("CREATE ROLE later_user NOLOGIN")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let second = sync(&server, "c", &spec, &settings, &creds).await;
    assert!(second.plan.skipped.is_empty(), "{:?}", second.plan.skipped);
    assert_eq!(
        db_owner(&c, "later_db").await.as_deref(),
        Some("later_user")
    );
    // later_user is not in the manifest: it is left as it is (no comment, no flags change).
    assert_eq!(
        flags(&c, "later_user").await,
        Some([false, true, false, false, false, false, false])
    );
    assert_eq!(
        one_text(
            &c,
            "SELECT coalesce(shobj_description('later_user'::regrole, 'pg_authid'), '-')",
            &[]
        )
        .await
        .as_deref(),
        Some("-")
    );

    spec.users
        .get_or_insert_with(Default::default)
        .insert("later_user".into(), vec![]);
    let creds = secrets_for("c", &spec, &settings);
    sync(&server, "c", &spec, &settings, &creds).await;
    assert_eq!(flags(&c, "later_user").await.map(|f| f[4]), Some(true));
}

#[tokio::test]
async fn protected_and_unnamed_roles_are_left_alone() {
    let server = server();
    let c = client(&server, "postgres").await;
    c.batch_execute("CREATE ROLE admin NOLOGIN CREATEDB; CREATE ROLE dba_by_hand LOGIN SUPERUSER")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let settings = RoleSettings::default();
    let spec = PostgresSpec {
        users: Some(
            [
                ("admin", vec!["superuser".to_string()]),
                ("postgres", vec!["nologin".to_string()]),
                ("app", vec![]),
            ]
            .into_iter()
            .map(|(u, f)| (u.to_string(), f))
            .collect(),
        ),
        ..Default::default()
    };
    let creds = secrets_for("c", &spec, &settings);
    let report = sync(&server, "c", &spec, &settings, &creds).await;
    assert!(
        report
            .plan
            .statements
            .iter()
            .all(|s| s.display_sql().contains("\"app\""))
    );
    assert_eq!(
        flags(&c, "admin").await,
        Some([false, true, false, true, false, false, false])
    );
    assert_eq!(
        flags(&c, "dba_by_hand").await,
        Some([true, true, false, false, true, false, false])
    );
    assert_eq!(flags(&c, "postgres").await.map(|f| f[4]), Some(true));
}

#[tokio::test]
async fn our_verifier_is_the_one_the_server_computes() {
    let server = server();
    let c = client(&server, "postgres").await;
    let pw = "Zürich-Ⅸ p@ss w0rd";
    c.batch_execute(&format!(
        "SET password_encryption = 'scram-sha-256'; CREATE ROLE v LOGIN PASSWORD {}",
        roles::sql::quote_literal(pw)
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let stored = one_text(
        &c,
        "SELECT rolpassword FROM pg_authid WHERE rolname = 'v'",
        &[],
    )
    .await
    .unwrap_or_default();
    let salt_b64 = stored
        .split('$')
        .nth(1)
        .and_then(|s| s.split(':').nth(1))
        .unwrap_or_default();
    use base64::Engine as _;
    let salt = base64::engine::general_purpose::STANDARD
        .decode(salt_b64)
        .unwrap_or_default();
    let ours = password::scram_verifier(pw, &salt).map(|v| v.expose().to_string());
    assert_eq!(ours.as_deref(), Ok(stored.as_str()));
    assert!(password::verifier_matches(pw, &stored));
    assert!(!password::verifier_matches("Zürich", &stored));

    // And a verifier we compute is accepted for logins.
    let mine = password::scram_verifier("client-side", b"0123456789abcdef")
        .map(|v| v.expose().to_string())
        .unwrap_or_default();
    c.batch_execute(&format!(
        "CREATE ROLE w LOGIN PASSWORD {}",
        roles::sql::quote_literal(&mine)
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        server
            .login("w", &Password::new("client-side"), "postgres")
            .await
            .ok()
            .as_deref(),
        Some("w")
    );
}
