use super::*;

fn policy() -> Policy {
    Policy::new(
        "audit",
        "create extension if not exists pg_stat_statements;",
        true,
    )
    .expect("test value")
}

#[test]
fn names_fit_an_annotation_key_and_an_object_name() {
    assert!(check_name("audit-2").is_ok());
    for bad in ["", "Audit", "-a", "a-", "a_b", "a.b", &"a".repeat(64)] {
        assert_eq!(
            check_name(bad),
            Err(PolicyError::Name(bad.to_string())),
            "{bad}"
        );
    }
    assert_eq!(
        Policy::new("x", "-- nothing\n  ;", true),
        Err(PolicyError::Empty("x".into()))
    );
    assert!(matches!(
        Policy::new(
            "x",
            &format!("select '{}'", "a".repeat(MAX_SQL_BYTES)),
            true
        ),
        Err(PolicyError::TooLarge { .. })
    ));
}

#[test]
fn a_policy_round_trips_through_its_config_map() {
    let p = Policy::new("vacuum", "vacuum analyze;", false).expect("test value");
    let cm = to_config_map(&p, "ns");
    assert_eq!(cm.metadata.name.as_deref(), Some("pgctl-policy-vacuum"));
    assert_eq!(
        cm.metadata.labels.as_ref().expect("test value")[POLICY_LABEL],
        "vacuum"
    );
    assert_eq!(from_config_map(&cm), Ok(p));

    let mut broken = cm.clone();
    broken
        .data
        .as_mut()
        .expect("test value")
        .insert(TRANSACTION_KEY.into(), "yes".into());
    assert!(matches!(
        from_config_map(&broken),
        Err(PolicyError::Transaction { .. })
    ));
    let mut foreign = cm;
    foreign.metadata.labels = None;
    assert_eq!(
        from_config_map(&foreign),
        Err(PolicyError::NotAPolicy("pgctl-policy-vacuum".into()))
    );
}

#[test]
fn the_sql_digest_decides_whether_a_policy_runs_again() {
    let p = policy();
    let record = Record {
        sha256: p.sha256(),
        applied_at: "2026-12-05T00:00:00Z".into(),
        database: "postgres".into(),
    };
    assert_eq!(decide(&p, "postgres", None, false, false), Decision::Apply);
    assert_eq!(
        decide(&p, "postgres", Some(&record), false, false),
        Decision::Unchanged
    );
    assert_eq!(
        decide(&p, "postgres", Some(&record), false, true),
        Decision::Apply
    );
    // Another database, or changed SQL: runs again.
    assert_eq!(
        decide(&p, "app", Some(&record), false, false),
        Decision::Apply
    );
    let changed = Policy::new("audit", "select 2;", true).expect("test value");
    assert_eq!(
        decide(&changed, "postgres", Some(&record), false, false),
        Decision::Apply
    );
    assert_eq!(
        decide(&p, "postgres", None, true, true),
        Decision::SkipStandby
    );
    // SHA-256 of the SQL's bytes, hex (the test vector of FIPS 180-2).
    assert_eq!(
        Policy::new("x", "abc", true).expect("test value").sha256(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn records_are_read_back_from_the_annotations() {
    let p = policy();
    let record = Record {
        sha256: p.sha256(),
        applied_at: "2026-12-05T00:00:00Z".into(),
        database: "postgres".into(),
    };
    let patch = record_patch("audit", &record);
    let annotations: BTreeMap<String, String> =
        serde_json::from_value(patch["metadata"]["annotations"].clone()).expect("test value");
    let mut all = annotations.clone();
    all.insert("other/x".into(), "y".into());
    all.insert(record_key("broken"), "not json".into());
    let read = records(Some(&all));
    assert_eq!(read.len(), 1);
    assert_eq!(read["audit"], record);
}
