use super::*;
use crate::crd::{ConnectionPooler, PostgresSpec};

#[test]
fn the_manifest_asks_for_poolers_as_the_reference_reads_it() {
    assert_eq!(wanted(&PostgresSpec::default()), vec![]);
    let section = PostgresSpec {
        connection_pooler: Some(ConnectionPooler::default()),
        ..PostgresSpec::default()
    };
    assert_eq!(wanted(&section), vec![Role::Master]);
    let off = PostgresSpec {
        enable_connection_pooler: Some(false),
        ..section.clone()
    };
    assert_eq!(wanted(&off), vec![]);
    let both = PostgresSpec {
        enable_connection_pooler: Some(true),
        enable_replica_connection_pooler: Some(true),
        ..PostgresSpec::default()
    };
    assert_eq!(wanted(&both), vec![Role::Master, Role::Replica]);
}

#[test]
fn settings_divide_the_connections_among_the_pods() {
    let config = OperatorConfig::default();
    let s = Settings::of(&PostgresSpec::default(), &config);
    assert_eq!(
        (
            s.instances,
            s.max_db_connections,
            s.default_pool_size,
            s.min_pool_size
        ),
        (2, 30, 15, 7)
    );
    assert_eq!(
        (s.user.as_str(), s.schema.as_str(), s.mode.as_str()),
        ("pooler", "pooler", "transaction")
    );
    let spec = PostgresSpec {
        connection_pooler: Some(ConnectionPooler {
            number_of_instances: Some(1),
            max_db_connections: Some(40),
            mode: Some("session".into()),
            user: Some("postgres".into()),
            ..ConnectionPooler::default()
        }),
        ..PostgresSpec::default()
    };
    let s = Settings::of(&spec, &config);
    assert_eq!(
        (s.instances, s.max_db_connections, s.default_pool_size),
        (1, 40, 20)
    );
    assert_eq!(s.mode, "session");
    // The superuser is never the pooler's role.
    assert_eq!(s.user, "pooler");
}

#[test]
fn the_lookup_function_quotes_its_identifiers() {
    let sql = lookup_function_sql("pooler", "pooler");
    assert!(sql.contains("CREATE OR REPLACE FUNCTION \"pooler\".user_lookup("));
    assert!(sql.contains("SECURITY DEFINER"));
    assert!(sql.contains("GRANT EXECUTE ON FUNCTION \"pooler\".user_lookup(text) TO \"pooler\""));
    assert!(lookup_function_sql("a\"b", "u").contains("\"a\"\"b\""));
}

#[test]
fn pooler_pods_restart_when_their_roles_password_rotated() {
    // Never rotated, never restarted: nothing to do.
    assert_eq!(credentials_restart(None, None), None);
    assert_eq!(credentials_restart(Some(""), None), None);
    // A new password comes with a new generation: the pods restart onto it, once.
    let first = "2026-01-31T00:00:00.100000000Z";
    assert_eq!(
        credentials_restart(None, Some(first)),
        Some(
            serde_json::json!({"spec": {"template": {"metadata": {"annotations": {
                CREDENTIALS_ANNOTATION: first
            }}}}})
        )
    );
    assert_eq!(credentials_restart(Some(first), Some(first)), None);
    // A second rotation within the same second is another generation.
    assert!(credentials_restart(Some(first), Some("2026-01-31T00:00:00.900000000Z")).is_some());
}
