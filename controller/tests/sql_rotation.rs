//! Password rotation against a real PostgreSQL server: the controller's part (deciding,
//! writing the Secret) is simulated with `roles::rotation::decide` and a map standing in for
//! the Secrets.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use pgctl_controller::sql::testing::TestServer;
use pgctl_controller::sql::{self, ConnectOptions, Connector, SyncReport, TlsMode};
use pgctl_shared::crd::PostgresSpec;
use pgctl_shared::password::{self, Password};
use pgctl_shared::roles::rotation::{self, SecretAction, SecretState};
use pgctl_shared::roles::{self, Credential, Credentials, RoleSettings, RotationSettings};

/// A credential Secret as the controller keeps it.
#[derive(Clone)]
struct Secret {
    username: String,
    password: Password,
    next_rotation: Option<String>,
}

fn server() -> TestServer {
    TestServer::start().unwrap_or_else(|e| panic!("starting PostgreSQL: {e}"))
}

fn settings() -> RoleSettings {
    RoleSettings {
        rotation: RotationSettings {
            enabled: false,
            interval_days: 30,
            retention_days: 60,
        },
        ..RoleSettings::default()
    }
}

fn credentials(secrets: &BTreeMap<String, Secret>) -> Credentials {
    secrets
        .iter()
        .map(|(role, s)| {
            (
                role.clone(),
                Credential::new(s.username.clone(), s.password.clone()),
            )
        })
        .collect()
}

/// What the controller does before provisioning: apply rotation decisions to the Secrets.
fn rotate_secrets(
    spec: &PostgresSpec,
    settings: &RoleSettings,
    secrets: &mut BTreeMap<String, Secret>,
    now: Timestamp,
) -> Vec<(String, SecretAction)> {
    let layout = roles::layout("c", spec, settings);
    let mut actions = Vec::new();
    let mut rng = rand::rng();
    for (role, r) in layout.login_roles() {
        let Some(secret) = secrets.get_mut(role) else {
            continue;
        };
        let mode = rotation::mode(role, spec, settings, r.owns_database);
        let state = SecretState {
            username: &secret.username,
            next_rotation: secret.next_rotation.as_deref(),
        };
        let action = rotation::decide(role, mode, state, now, &settings.rotation);
        match &action {
            SecretAction::Keep => {}
            SecretAction::SetNextRotation { next_rotation } => {
                secret.next_rotation = Some(next_rotation.clone());
            }
            SecretAction::Rotate {
                username,
                next_rotation,
            } => {
                secret.username = username.clone();
                secret.password = password::generate(&mut rng);
                secret.next_rotation = next_rotation.clone();
            }
        }
        actions.push((role.to_string(), action));
    }
    actions
}

async fn sync(
    server: &TestServer,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    secrets: &BTreeMap<String, Secret>,
    now: Timestamp,
) -> SyncReport {
    let opts = ConnectOptions {
        tls: TlsMode::Disable,
        ..Default::default()
    };
    let connector = Connector::connect(server.endpoint(), opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let desired = roles::from_spec("c", spec, settings, &credentials(secrets), now);
    sql::sync(&connector, &desired, settings)
        .await
        .unwrap_or_else(|e| panic!("sync failed: {e}"))
}

fn initial_secrets(roles_: &[&str]) -> BTreeMap<String, Secret> {
    let mut rng = rand::rng();
    roles_
        .iter()
        .map(|r| {
            (
                r.to_string(),
                Secret {
                    username: r.to_string(),
                    password: password::generate(&mut rng),
                    next_rotation: None,
                },
            )
        })
        .collect()
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[tokio::test]
async fn in_place_rotation_refuses_the_old_password_and_accepts_the_new() {
    let server = server();
    let settings = settings();
    let spec = PostgresSpec {
        users: Some([("app".to_string(), vec![]), ("steady".to_string(), vec![])].into()),
        users_with_in_place_secret_rotation: Some(vec!["app".into()]),
        ..Default::default()
    };
    let mut secrets = initial_secrets(&["app", "steady"]);
    let t0 = Timestamp::now();
    let actions = rotate_secrets(&spec, &settings, &mut secrets, t0);
    assert!(
        matches!(actions[0].1, SecretAction::SetNextRotation { .. }),
        "{actions:?}"
    );
    assert_eq!(actions[1].1, SecretAction::Keep, "steady is not rotated");
    sync(&server, &spec, &settings, &secrets, t0).await;
    let old = secrets
        .get("app")
        .map(|s| s.password.clone())
        .unwrap_or_else(|| Password::new("-"));
    assert_eq!(
        server.login("app", &old, "postgres").await.ok().as_deref(),
        Some("app")
    );

    // 31 days later the rotation is due.
    let t1 = t0 + days(31);
    let actions = rotate_secrets(&spec, &settings, &mut secrets, t1);
    assert!(
        matches!(&actions[0].1, SecretAction::Rotate { username, .. } if username == "app"),
        "{actions:?}"
    );
    let new = secrets
        .get("app")
        .map(|s| s.password.clone())
        .unwrap_or_else(|| Password::new("-"));
    assert_ne!(old, new);
    let report = sync(&server, &spec, &settings, &secrets, t1).await;
    assert_eq!(report.applied.executed, 1, "{:?}", report.plan);

    let refused = server.login("app", &old, "postgres").await;
    assert_eq!(
        refused
            .err()
            .and_then(|e| e.sqlstate().map(str::to_string))
            .as_deref(),
        Some("28P01")
    );
    assert_eq!(
        server.login("app", &new, "postgres").await.ok().as_deref(),
        Some("app")
    );
    let next = secrets
        .get("app")
        .and_then(|s| s.next_rotation.clone())
        .unwrap_or_default();
    assert_eq!(next, rotation::format_time(t1 + days(30)));

    let log = server.log();
    assert!(!log.contains(old.expose()) && !log.contains(new.expose()));
}

#[tokio::test]
async fn rotation_users_log_in_and_expired_ones_are_dropped() {
    let server = server();
    let settings = settings();
    let spec = PostgresSpec {
        users: Some([("app".to_string(), vec!["createdb".to_string()])].into()),
        users_with_secret_rotation: Some(vec!["app".into()]),
        databases: Some([("appdb".to_string(), "app".to_string())].into()),
        ..Default::default()
    };
    let mut secrets = initial_secrets(&["app"]);
    let t0 = Timestamp::now();
    rotate_secrets(&spec, &settings, &mut secrets, t0);
    sync(&server, &spec, &settings, &secrets, t0).await;

    // Rotation users from earlier rotations: one past the 60-day retention, one within it.
    let t1 = t0 + days(31);
    let expired = rotation::rotation_user_name("app", t1 - days(90));
    let recent = rotation::rotation_user_name("app", t1 - days(20));
    let admin = sql::connect(
        &server.endpoint(),
        "postgres",
        &ConnectOptions {
            tls: TlsMode::Disable,
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    admin
        .batch_execute(&format!(
            "CREATE ROLE {} LOGIN IN ROLE app; CREATE ROLE {} LOGIN IN ROLE app",
            roles::sql::quote_ident(&expired),
            roles::sql::quote_ident(&recent)
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let actions = rotate_secrets(&spec, &settings, &mut secrets, t1);
    let dated = rotation::rotation_user_name("app", t1);
    assert!(
        matches!(&actions[0].1, SecretAction::Rotate { username, .. } if *username == dated),
        "{actions:?}"
    );
    let report = sync(&server, &spec, &settings, &secrets, t1).await;
    let dropped: Vec<String> = report
        .plan
        .statements
        .iter()
        .filter(|s| s.kind == roles::StatementKind::DropRotationUser)
        .map(|s| s.display_sql().to_string())
        .collect();
    assert_eq!(dropped, vec![format!("DROP ROLE IF EXISTS \"{expired}\"")]);

    let secret = secrets.get("app").cloned().unwrap_or_else(|| Secret {
        username: String::new(),
        password: Password::new("-"),
        next_rotation: None,
    });
    assert_eq!(secret.username, dated);
    assert_eq!(
        server.login(&dated, &secret.password, "appdb").await.ok(),
        Some(dated.clone())
    );
    let rows = admin
        .query(
            "SELECT rolname::text, pg_has_role(rolname, 'app', 'MEMBER') FROM pg_roles WHERE rolname LIKE 'app%' ORDER BY 1",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let roles_now: BTreeMap<String, bool> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert!(!roles_now.contains_key(&expired), "{roles_now:?}");
    assert_eq!(roles_now.get(&recent), Some(&true));
    assert_eq!(roles_now.get(&dated), Some(&true));
    // The dated user works with the base role's privileges: it can use appdb's objects.
    assert_eq!(roles_now.get("app"), Some(&true));

    // Nothing more to do until the next rotation.
    let again = sync(&server, &spec, &settings, &secrets, t1).await;
    assert!(again.plan.is_empty(), "{:?}", again.plan.statements);
    assert!(!server.log().contains(secret.password.expose()));
}
