use super::*;

fn var(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.to_string()),
        value_from: None,
    }
}

fn standby(host: &str) -> Origin {
    Origin::Standby {
        host: Some(host.to_string()),
        port: None,
        wal_path: None,
    }
}

fn observation<'a>(origin: &'a Origin) -> Observation<'a> {
    Observation {
        origin,
        version: "17",
        source: None,
        leader: None,
        live_standby: None,
        previous: None,
        restarts: 0,
    }
}

fn running_source() -> SourceView {
    SourceView {
        exists: true,
        version: Some("17".into()),
        master_ready: true,
        wal_position: Some(5000),
        credentials_match: Some(true),
    }
}

#[test]
fn wal_positions_parse_as_postgres_writes_them() {
    assert_eq!(parse_lsn("0/3000060"), Some(0x0300_0060));
    assert_eq!(parse_lsn("1/0"), Some(1 << 32));
    assert_eq!(parse_lsn("nonsense"), None);
    assert_eq!(parse_lsn("0/xyz"), None);
}

#[test]
fn a_standby_host_names_a_cluster_only_as_a_service_name() {
    assert_eq!(
        standby("acid-main").source_cluster("default"),
        Some(("default".into(), "acid-main".into()))
    );
    assert_eq!(
        standby("acid-main.prod").source_cluster("default"),
        Some(("prod".into(), "acid-main".into()))
    );
    assert_eq!(
        standby("acid-main.prod.svc.cluster.local").source_cluster("default"),
        Some(("prod".into(), "acid-main".into()))
    );
    assert_eq!(standby("10.0.0.7").source_cluster("default"), None);
    assert_eq!(standby("db.example.com").source_cluster("default"), None);
    let restore = Origin::Clone {
        cluster: "acid-src".into(),
        timestamp: Some("2026-12-01T00:00:00+00:00".into()),
    };
    assert_eq!(restore.source_cluster("default"), None);
}

#[test]
fn the_standby_environment_is_the_standby_cluster_setting() {
    assert_eq!(dcs_standby_cluster(&[var("PGVERSION", "17")]), Value::Null);
    let setting = dcs_standby_cluster(&[
        var("STANDBY_HOST", "acid-main"),
        var("STANDBY_PRIMARY_SLOT_NAME", "standby_slot"),
    ]);
    assert_eq!(
        setting,
        json!({"host": "acid-main", "port": "5432", "primary_slot_name": "standby_slot"})
    );
    assert!(is_bootstrap_only_env("STANDBY_HOST"));
    assert!(is_bootstrap_only_env("CLONE_PASSWORD"));
    assert!(!is_bootstrap_only_env("PGPASSWORD_STANDBY"));
}

#[test]
fn removing_the_standby_section_promotes_and_adding_one_never_demotes() {
    let live = json!({"host": "acid-main", "port": 5432, "create_replica_methods": ["basebackup"]});
    // Promotion: the whole setting goes.
    assert_eq!(standby_patch(&Value::Null, Some(&live)), Some(Value::Null));
    // Nothing to do for a primary, and never a standby_cluster for one.
    assert_eq!(standby_patch(&Value::Null, Some(&Value::Null)), None);
    assert_eq!(standby_patch(&Value::Null, None), None);
    let desired = json!({"host": "acid-other", "port": "5432", "primary_slot_name": null});
    assert_eq!(standby_patch(&desired, None), None);
    assert_eq!(standby_patch(&desired, Some(&Value::Null)), None);
    // A moved source: only the changed key (5432 matches "5432"; Spilo's methods stay).
    assert_eq!(
        standby_patch(&desired, Some(&live)),
        Some(json!({"host": "acid-other"}))
    );
    let same = json!({"host": "acid-main", "port": "5432", "primary_slot_name": null});
    assert_eq!(standby_patch(&same, Some(&live)), None);
}

#[test]
fn a_clone_of_a_missing_source_says_so_and_a_cloned_cluster_forgets_its_source() {
    let origin = Origin::Clone {
        cluster: "acid-src".into(),
        timestamp: None,
    };
    let missing = SourceView::default();
    let o = Observation {
        source: Some(&missing),
        ..observation(&origin)
    };
    let a = assess(&o).expect("a clone has a condition");
    assert_eq!(
        (a.type_, a.status, a.reason),
        (CLONED, "False", reason::SOURCE_NOT_FOUND)
    );
    assert!(a.problem && a.message.contains("acid-src"), "{}", a.message);

    let old = SourceView {
        version: Some("16".into()),
        ..running_source()
    };
    let o = Observation {
        source: Some(&old),
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!(a.reason, reason::SOURCE_VERSION_MISMATCH);

    let source = running_source();
    let o = Observation {
        source: Some(&source),
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!((a.status, a.reason), ("Unknown", reason::CLONING));
    assert!(a.watch && !a.problem);
    // The source is fine but the copy failed (a network cut mid-copy): the restarts say so.
    let o = Observation {
        source: Some(&source),
        restarts: 2,
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!((a.status, a.reason), ("False", reason::COPY_FAILED));
    assert!(
        a.problem && a.message.contains("2 time(s)"),
        "{}",
        a.message
    );

    let leader = LeaderView {
        role: "primary".into(),
        ..LeaderView::default()
    };
    let o = Observation {
        source: Some(&missing),
        leader: Some(&leader),
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!((a.status, a.reason), ("True", reason::CLONED));
    assert_eq!(a.origin.mode, mode::CLONE);
    assert_eq!(a.origin.source, "acid-src");
}

#[test]
fn a_streaming_standby_reports_its_lag_behind_the_source_master() {
    let origin = standby("acid-main");
    let source = running_source();
    let leader = LeaderView {
        role: STANDBY_LEADER_ROLE.into(),
        replication_state: Some("streaming".into()),
        received: Some(4900),
        replayed: Some(4800),
        replayed_at: Some("2026-12-04 10:00:00+00".into()),
    };
    let o = Observation {
        source: Some(&source),
        leader: Some(&leader),
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!(
        (a.type_, a.status, a.reason),
        (STANDBY, "True", reason::STREAMING)
    );
    assert_eq!(a.origin.lag_bytes, Some(200));
    assert_eq!(a.origin.source, "acid-main:5432");
    assert_eq!(a.origin.state.as_deref(), Some("streaming"));

    // The source stopped: the standby leader no longer streams, and the reason says why.
    let stopped = SourceView {
        master_ready: false,
        wal_position: None,
        ..running_source()
    };
    let cut = LeaderView {
        replication_state: None,
        ..leader.clone()
    };
    let o = Observation {
        source: Some(&stopped),
        leader: Some(&cut),
        ..observation(&origin)
    };
    let a = assess(&o).expect("condition");
    assert_eq!((a.status, a.reason), ("False", reason::SOURCE_NOT_READY));
    assert!(a.problem);

    // Wrong credentials keep a new standby from copying.
    let foreign = SourceView {
        credentials_match: Some(false),
        ..running_source()
    };
    let o = Observation {
        source: Some(&foreign),
        ..observation(&origin)
    };
    assert_eq!(
        assess(&o).map(|a| a.reason),
        Some(reason::CREDENTIALS_MISMATCH)
    );
}

#[test]
fn a_promotion_is_reported_until_the_leader_runs_as_primary() {
    let none = Origin::None;
    assert_eq!(assess(&observation(&none)), None);
    let live = json!({"host": "acid-main"});
    let o = Observation {
        live_standby: Some(&live),
        ..observation(&none)
    };
    let a = assess(&o).expect("promoting");
    assert_eq!((a.type_, a.reason), (STANDBY, reason::PROMOTING));
    assert_eq!(a.origin.mode, mode::PROMOTED);

    let streaming = Condition {
        type_: STANDBY.into(),
        status: "True".into(),
        reason: reason::STREAMING.into(),
        message: String::new(),
        observed_generation: None,
        last_transition_time: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
        ),
    };
    let primary = LeaderView {
        role: "primary".into(),
        ..LeaderView::default()
    };
    let o = Observation {
        leader: Some(&primary),
        live_standby: Some(&Value::Null),
        previous: Some(&streaming),
        ..observation(&none)
    };
    let a = assess(&o).expect("promoted");
    assert_eq!((a.status, a.reason), ("False", reason::PROMOTED));
    assert!(!a.watch);
    assert!(!settled(&none, Some(&streaming)));
    let promoted = Condition {
        reason: reason::PROMOTED.into(),
        status: "False".into(),
        ..streaming
    };
    assert!(settled(&none, Some(&promoted)));
    // And without anything observed, the promoted condition stays as it was.
    let o = Observation {
        previous: Some(&promoted),
        ..observation(&none)
    };
    assert_eq!(assess(&o).map(|a| a.reason), Some(reason::PROMOTED));
}
