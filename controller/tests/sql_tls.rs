//! TLS is preferred: encrypted when the server offers it, plain otherwise.

use pgctl_controller::sql::testing::{TestServer, TestServerOptions};
use pgctl_controller::sql::{self, ConnectOptions, Connector, TlsMode};
use pgctl_shared::crd::PostgresSpec;
use pgctl_shared::roles::{self, RoleSettings};
use tokio_postgres::Client;

async fn uses_ssl(c: &Client) -> bool {
    c.query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .get(0)
}

fn opts(tls: TlsMode) -> ConnectOptions {
    ConnectOptions {
        tls,
        ..Default::default()
    }
}

#[tokio::test]
async fn prefer_uses_tls_when_the_server_offers_it() {
    let server = TestServer::start_with(TestServerOptions {
        ssl: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let tls = sql::connect(&server.endpoint(), "postgres", &opts(TlsMode::Prefer))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(uses_ssl(&tls).await);
    let plain = sql::connect(&server.endpoint(), "postgres", &opts(TlsMode::Disable))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!uses_ssl(&plain).await);

    // A whole sync over TLS, including a connection to a prepared database.
    let spec = PostgresSpec {
        prepared_databases: Some([("shop".to_string(), Default::default())].into()),
        ..Default::default()
    };
    let settings = RoleSettings::default();
    let desired = roles::from_spec(
        "c",
        &spec,
        &settings,
        &Default::default(),
        jiff::Timestamp::now(),
    );
    let connector = Connector::connect(server.endpoint(), opts(TlsMode::Prefer))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = sql::sync(&connector, &desired, &settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.applied.executed > 0);
    let again = sql::sync(&connector, &desired, &settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.plan.is_empty());
    // log_connections shows how each connection was made.
    let log = server.log();
    let shop: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("connection authorized") && l.contains("database=shop"))
        .collect();
    assert!(
        !shop.is_empty(),
        "no connection to the prepared database in the log"
    );
    assert!(shop.iter().all(|l| l.contains("SSL enabled")), "{shop:#?}");
}

#[tokio::test]
async fn prefer_falls_back_to_plain_and_require_refuses() {
    let server = TestServer::start().unwrap_or_else(|e| panic!("{e}"));
    let c = sql::connect(&server.endpoint(), "postgres", &opts(TlsMode::Prefer))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!uses_ssl(&c).await);
    let refused = sql::connect(&server.endpoint(), "postgres", &opts(TlsMode::Require)).await;
    let err = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("connecting to 127.0.0.1:"), "{err}");
    assert!(!err.contains(server.superuser_password().expose()));
}
