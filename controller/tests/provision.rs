//! The reconciler's provisioning glue (`pgctl_controller::provision::sync_roles`) against a real
//! PostgreSQL server started by the test, with TLS as Spilo serves it: credentials from the
//! cluster's Secrets as the Secret builder makes them, the summary that becomes the
//! `RolesSynced` condition, `status.messages` and Events, and a second run that sends no DDL,
//! publishes no Event and computes an identical status.

use jiff::Timestamp;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use pgctl_controller::provision::{self, RolesRun, connect_options, sync_roles};
use pgctl_controller::sql::testing::{TestServer, TestServerOptions, capture_logs, ddl_statements};
use pgctl_controller::sql::{Connector, Endpoint};
use pgctl_shared::build::secret::{self as secret_builder, PASSWORD_KEY};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{PostgresStatus, Postgresql};
use pgctl_shared::password::{self, Password};
use pgctl_shared::provision::{SecretUpdate, event, orphan_message, secret_updates};
use pgctl_shared::roles::rotation::SecretAction;
use pgctl_shared::status::{self, Observed, PodView, RolesOutcome, SyncOutcome};
use serde_json::json;

fn manifest(users: serde_json::Value, databases: serde_json::Value) -> Postgresql {
    serde_json::from_value(json!({
        "apiVersion": "acid.zalan.do/v1",
        "kind": "postgresql",
        "metadata": {"name": "acid-glue", "namespace": "ns", "uid": "u-1"},
        "spec": {
            "teamId": "acid",
            "numberOfInstances": 1,
            "volume": {"size": "1Gi"},
            "postgresql": {"version": "17"},
            "users": users,
            "databases": databases,
            "preparedDatabases": {"shop": {"defaultUsers": true}},
        }
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn base_manifest() -> Postgresql {
    manifest(
        json!({"app": ["createdb"], "foo_user": [], "reporting": ["nologin"]}),
        json!({"foo": "app", "Sales Data": "foo_user"}),
    )
}

/// The Secrets the controller creates: one per login role, with a fresh password.
fn secrets_for(pg: &Postgresql, config: &OperatorConfig) -> Vec<Secret> {
    let mut rng = rand::rng();
    secret_builder::required_secrets(pg, config)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|required| {
            let pw = password::generate(&mut rng);
            let mut s = secret_builder::credentials(pg, config, &required.username, pw.expose())
                .unwrap_or_else(|e| panic!("{e}"));
            s.metadata.resource_version = Some("1".into());
            s
        })
        .collect()
}

fn password_of(secrets: &[Secret], secret_name: &str) -> Password {
    secrets
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some(secret_name))
        .and_then(|s| s.data.as_ref()?.get(PASSWORD_KEY).cloned())
        .and_then(|b| String::from_utf8(b.0).ok())
        .map(Password::new)
        .unwrap_or_else(|| panic!("no password in {secret_name}"))
}

async fn connect(server: &TestServer, config: &OperatorConfig) -> Connector {
    Connector::connect(server.endpoint(), connect_options(config))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn run(
    server: &TestServer,
    pg: &Postgresql,
    config: &OperatorConfig,
    secrets: &[Secret],
    previous: Option<&PostgresStatus>,
) -> RolesRun {
    let connector = connect(server, config).await;
    sync_roles(
        &connector,
        pg,
        config,
        &Default::default(),
        secrets,
        Timestamp::now(),
        previous,
    )
    .await
    .unwrap_or_else(|e| panic!("sync failed: {e}"))
}

/// The status the reconciler would write for this outcome (one ready master).
fn status_after(outcome: &RolesOutcome, previous: Option<&PostgresStatus>) -> PostgresStatus {
    let pods = [PodView {
        name: "acid-glue-0".into(),
        ready: true,
        role: Some("master".into()),
        outdated: false,
        terminating: false,
    }];
    let observed = Observed {
        generation: Some(1),
        desired_instances: 1,
        pods: &pods,
        image: None,
        outcome: SyncOutcome::Synced,
        master_role: "master",
        rollout: None,
        patroni_config: None,
        patroni_parameters: Vec::new(),
        roles: outcome.clone(),
        acknowledged: Default::default(),
        origin: pgctl_shared::status::OriginOutcome::NotObserved,
        upgrade: pgctl_shared::status::UpgradeOutcome::NotObserved,
        archive: pgctl_shared::status::ArchiveOutcome::NotObserved,
    };
    status::compute(
        &observed,
        previous,
        &Time(k8s_openapi::jiff::Timestamp::now()),
    )
}

#[tokio::test]
async fn provisions_over_tls_then_a_resync_changes_nothing() {
    let (_guard, logs) = capture_logs();
    let server = TestServer::start_with(TestServerOptions {
        ssl: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"));
    let config = OperatorConfig::default();
    let pg = base_manifest();
    let secrets = secrets_for(&pg, &config);

    let first = run(&server, &pg, &config, &secrets, None).await;
    assert!(
        first.report.applied.executed > 0,
        "{:?}",
        first.report.applied
    );
    let RolesOutcome::Synced { message, warnings } = &first.summary.outcome else {
        panic!("{:?}", first.summary.outcome);
    };
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(
        message.starts_with(&format!(
            "{} roles and 3 databases provisioned",
            first.desired.roles.len()
        )),
        "{message}"
    );
    let reasons: Vec<&str> = first.summary.events.iter().map(|e| e.reason).collect();
    assert_eq!(reasons, vec![event::ROLES_PROVISIONED]);
    assert!(
        first.summary.events[0]
            .message
            .contains("create_database 3")
    );

    // What the server holds now.
    let c = connect(&server, &config).await;
    let client = c.client();
    let ssl: bool = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .map(|r| r.get(0))
        .unwrap_or(false);
    assert!(ssl, "TLS is preferred and the server offers it");
    for (db, owner) in [
        ("foo", "app"),
        ("Sales Data", "foo_user"),
        ("shop", "shop_owner"),
    ] {
        let got: Option<String> = client
            .query_opt(
                "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1",
                &[&db],
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|r| r.get(0));
        assert_eq!(got.as_deref(), Some(owner), "owner of {db}");
    }
    let createdb: bool = client
        .query_one(
            "SELECT rolcreatedb FROM pg_roles WHERE rolname = 'app'",
            &[],
        )
        .await
        .map(|r| r.get(0))
        .unwrap_or(false);
    assert!(createdb);
    for (role, db) in [
        ("app", "foo"),
        ("foo_user", "Sales Data"),
        ("shop_owner_user", "shop"),
    ] {
        let secret_name = config.secret_name(role, "acid-glue");
        let pw = password_of(&secrets, &secret_name);
        assert_eq!(
            server.login(role, &pw, db).await.ok().as_deref(),
            Some(role),
            "{role} logs in with the password of {secret_name}"
        );
    }

    // The resync: no DDL, no Event, the same status.
    let status1 = status_after(&first.summary.outcome, None);
    assert_eq!(
        status::condition(&status1, status::ROLES_SYNCED)
            .map(|c| (c.status.as_str(), c.reason.as_str())),
        Some(("True", "Synced"))
    );
    let mark = server.log_len();
    let second = run(&server, &pg, &config, &secrets, Some(&status1)).await;
    assert!(
        second.report.plan.is_empty(),
        "{:#?}",
        second.report.plan.statements
    );
    assert_eq!(second.report.applied.executed, 0);
    let ddl = ddl_statements(&server.log_since(mark));
    assert!(ddl.is_empty(), "the resync sent DDL: {ddl:#?}");
    assert_eq!(second.summary.events, Vec::new());
    assert_eq!(second.summary.outcome, first.summary.outcome);
    let status2 = status_after(&second.summary.outcome, Some(&status1));
    assert_eq!(status2, status1, "an unchanged cluster writes no status");

    // No password reached the server log or the controller's log.
    let server_log = server.log();
    let controller_log = logs
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    assert!(!controller_log.is_empty());
    for s in &secrets {
        let name = s.metadata.name.clone().unwrap_or_default();
        let pw = password_of(&secrets, &name);
        assert!(
            !server_log.contains(pw.expose()),
            "server log has the password of {name}"
        );
        assert!(
            !controller_log.contains(pw.expose()),
            "controller log has the password of {name}"
        );
    }
    assert!(!controller_log.contains(server.superuser_password().expose()));
}

#[tokio::test]
async fn skipped_objects_and_orphans_are_reported_once_and_never_dropped() {
    // Every test of this binary installs a subscriber, so that no thread caches a callsite
    // as uninteresting while another captures the log.
    let (_guard, _logs) = capture_logs();
    let server = TestServer::start().unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"));
    let config = OperatorConfig::default();
    let pg = base_manifest();
    let secrets = secrets_for(&pg, &config);
    let first = run(&server, &pg, &config, &secrets, None).await;
    let status1 = status_after(&first.summary.outcome, None);

    // `reporting` leaves the manifest; `audit` wants an owner that does not exist.
    let changed = manifest(
        json!({"app": ["createdb"], "foo_user": []}),
        json!({"foo": "app", "Sales Data": "foo_user", "audit": "nobody"}),
    );
    let second = run(&server, &changed, &config, &secrets, Some(&status1)).await;
    let RolesOutcome::Synced { warnings, .. } = &second.summary.outcome else {
        panic!("{:?}", second.summary.outcome);
    };
    assert!(
        warnings.contains(&orphan_message("reporting")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"audit\"") && w.contains("\"nobody\"")),
        "{warnings:?}"
    );
    let reasons: Vec<&str> = second.summary.events.iter().map(|e| e.reason).collect();
    assert_eq!(reasons, vec![event::ROLES_SKIPPED, event::ORPHAN_ROLES]);
    let status2 = status_after(&second.summary.outcome, Some(&status1));
    assert_eq!(&status2.messages, warnings);

    let c = connect(&server, &config).await;
    let kept = c
        .client()
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = 'reporting'", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(kept.is_some(), "an orphan role is never dropped");

    // Reported once: the next resync publishes nothing and changes no status.
    let third = run(&server, &changed, &config, &secrets, Some(&status2)).await;
    assert!(third.report.plan.is_empty());
    assert_eq!(third.summary.events, Vec::new());
    assert_eq!(
        status_after(&third.summary.outcome, Some(&status2)),
        status2
    );
}

/// What the controller's Secret write does to its local copy (the API server answers with the
/// same content).
fn apply_rotation(secrets: &mut [Secret], update: &SecretUpdate, new_password: &Password) {
    let Some(s) = secrets
        .iter_mut()
        .find(|s| s.metadata.name.as_deref() == Some(update.secret_name.as_str()))
    else {
        panic!("no Secret {}", update.secret_name);
    };
    let data = s.data.get_or_insert_with(Default::default);
    let bytes = |v: &str| ByteString(v.as_bytes().to_vec());
    match &update.action {
        SecretAction::Keep => {}
        SecretAction::SetNextRotation { next_rotation } => {
            data.insert("nextRotation".into(), bytes(next_rotation));
        }
        SecretAction::Rotate {
            username,
            next_rotation,
        } => {
            data.insert("username".into(), bytes(username));
            data.insert("password".into(), bytes(new_password.expose()));
            if let Some(n) = next_rotation {
                data.insert("nextRotation".into(), bytes(n));
            }
        }
    }
}

#[tokio::test]
async fn an_in_place_rotation_written_to_the_secret_converges_in_one_run() {
    // Every test of this binary installs a subscriber, so that no thread caches a callsite
    // as uninteresting while another captures the log.
    let (_guard, _logs) = capture_logs();
    let server = TestServer::start().unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"));
    let config = OperatorConfig::default();
    let mut pg = base_manifest();
    pg.spec.users_with_in_place_secret_rotation = Some(vec!["foo_user".into()]);
    let mut secrets = secrets_for(&pg, &config);
    run(&server, &pg, &config, &secrets, None).await;
    let name = config.secret_name("foo_user", "acid-glue");
    let old = password_of(&secrets, &name);

    // First the next rotation time is recorded; then, once it is due, a new password.
    let now = Timestamp::now();
    let updates = secret_updates(&pg, &config, &secrets, now);
    assert!(
        matches!(&updates[..], [u] if matches!(u.action, SecretAction::SetNextRotation { .. })),
        "{updates:?}"
    );
    apply_rotation(&mut secrets, &updates[0], &old);
    let later = now + jiff::SignedDuration::from_hours(24 * 91);
    let updates = secret_updates(&pg, &config, &secrets, later);
    assert!(
        matches!(&updates[..], [u] if matches!(u.action, SecretAction::Rotate { .. })),
        "{updates:?}"
    );
    let new = password::generate(&mut rand::rng());
    apply_rotation(&mut secrets, &updates[0], &new);

    let rotated = run(&server, &pg, &config, &secrets, None).await;
    let kinds: Vec<String> = rotated
        .report
        .plan
        .statements
        .iter()
        .map(|s| s.kind.to_string())
        .collect();
    assert_eq!(kinds, vec!["set_password"]);
    assert!(
        server.login("foo_user", &old, "postgres").await.is_err(),
        "the old password is refused"
    );
    assert_eq!(
        server
            .login("foo_user", &new, "postgres")
            .await
            .ok()
            .as_deref(),
        Some("foo_user")
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_server_and_not_the_password() {
    // Every test of this binary installs a subscriber, so that no thread caches a callsite
    // as uninteresting while another captures the log.
    let (_guard, _logs) = capture_logs();
    let server = TestServer::start().unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"));
    let config = OperatorConfig::default();
    let wrong = Password::new("not-the-superuser-password-0123456789");
    let endpoint = Endpoint::new("127.0.0.1", server.port, "postgres", wrong.clone());
    let error = Connector::connect(endpoint, connect_options(&config))
        .await
        .err()
        .unwrap_or_else(|| panic!("connected with a wrong password"));
    assert_eq!(provision::failure_reason(&error), "ConnectFailed");
    let message = error.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{}", server.port)),
        "{message}"
    );
    assert!(!message.contains(wrong.expose()), "{message}");
}
