//! Benchmark (ignored by default; `bench/roles.sh` runs it in release mode): 100 users and 100
//! databases provisioned on an empty server, then a re-sync of that state.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use pgctl_controller::sql::testing::{TestServer, TestServerOptions, ddl_statements};
use pgctl_controller::sql::{self, ConnectOptions, Connector, TlsMode};
use pgctl_shared::crd::PostgresSpec;
use pgctl_shared::password;
use pgctl_shared::roles::{self, Credential, Credentials, RoleSettings};

const USERS: usize = 100;
const DATABASES: usize = 100;

fn spec() -> PostgresSpec {
    PostgresSpec {
        users: Some(
            (0..USERS)
                .map(|i| {
                    (
                        format!("user_{i:03}"),
                        if i % 2 == 0 {
                            vec![]
                        } else {
                            vec!["createdb".to_string()]
                        },
                    )
                })
                .collect(),
        ),
        databases: Some(
            (0..DATABASES)
                .map(|i| (format!("db_{i:03}"), format!("user_{:03}", i % USERS)))
                .collect(),
        ),
        ..Default::default()
    }
}

fn concurrency() -> usize {
    std::env::var("PGCTL_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ConnectOptions::default().create_database_concurrency)
}

async fn timed_sync(
    server: &TestServer,
    spec: &PostgresSpec,
    settings: &RoleSettings,
    creds: &Credentials,
) -> (Duration, sql::SyncReport) {
    let started = Instant::now();
    let connector = Connector::connect(
        server.endpoint(),
        ConnectOptions {
            tls: TlsMode::Disable,
            create_database_concurrency: concurrency(),
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let desired = roles::from_spec("bench", spec, settings, creds, Timestamp::now());
    let report = sql::sync(&connector, &desired, settings)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (started.elapsed(), report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run bench/roles.sh"]
async fn hundred_users_and_hundred_databases() {
    let fsync = std::env::var("PGCTL_BENCH_FSYNC")
        .map(|v| v != "off")
        .unwrap_or(true);
    // PostgreSQL's default shared_buffers (the test default is smaller).
    let server = TestServer::start_with(TestServerOptions {
        fsync,
        extra_conf: vec!["shared_buffers = '128MB'".into()],
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let spec = spec();
    let settings = RoleSettings::default();
    let mut rng = rand::rng();
    let creds: Credentials = roles::login_secrets("bench", &spec, &settings)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        .filter(|s| s.origin != roles::credentials::SecretOrigin::System)
        .map(|s| {
            (
                s.role.clone(),
                Credential::new(s.role, password::generate(&mut rng)),
            )
        })
        .collect();
    assert_eq!(creds.len(), USERS);

    let (first, report) = timed_sync(&server, &spec, &settings, &creds).await;
    let counts = report.plan.counts();
    let mark = server.log_len();
    let mut resyncs = Vec::new();
    for _ in 0..5 {
        let (t, again) = timed_sync(&server, &spec, &settings, &creds).await;
        assert!(again.plan.is_empty());
        resyncs.push(t);
    }
    // Where a re-sync spends its time.
    let t = Instant::now();
    let connector = Connector::connect(
        server.endpoint(),
        ConnectOptions {
            tls: TlsMode::Disable,
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let t_connect = t.elapsed();
    let desired = roles::from_spec("bench", &spec, &settings, &creds, Timestamp::now());
    let t = Instant::now();
    let observed = sql::observe(&connector, &desired)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let t_observe = t.elapsed();
    let t = Instant::now();
    let plan = roles::plan(&desired, &observed, &settings, &mut rand::rng());
    let t_plan = t.elapsed();
    assert!(plan.is_empty());
    println!(
        "BENCH resync breakdown: connect_ms={} observe_ms={} plan_without_cache_ms={}",
        t_connect.as_millis(),
        t_observe.as_millis(),
        t_plan.as_millis()
    );
    let ddl = ddl_statements(&server.log_since(mark));
    resyncs.sort();
    let median = resyncs[resyncs.len() / 2];
    println!(
        "BENCH users={USERS} databases={DATABASES} fsync={} concurrency={} statements={} first_sync_ms={} apply_ms={} resync_median_ms={} resync_max_ms={} resync_ddl={}",
        if fsync { "on" } else { "off" },
        concurrency(),
        report.applied.executed,
        first.as_millis(),
        report.applied.elapsed.as_millis(),
        median.as_millis(),
        resyncs.last().map(|d| d.as_millis()).unwrap_or_default(),
        ddl.len()
    );
    println!("BENCH statements by kind: {counts:?}");
    assert!(ddl.is_empty(), "{ddl:?}");
    if !cfg!(debug_assertions) {
        assert!(first < Duration::from_secs(5), "first sync took {first:?}");
        assert!(
            median < Duration::from_millis(200),
            "re-sync took {median:?}"
        );
    }
}
