use serde_json::json;

use super::*;
use crate::config::OperatorConfig;
use crate::rollout::PatroniCluster;

fn request(desired: u32, running: u32) -> Request<'static> {
    Request {
        mode: MajorUpgradeMode::Manual,
        team_allow_list: &[],
        team: "acid",
        desired,
        running,
        standby: false,
        failure: None,
        pods_current: true,
        window: Default::default(),
        window_field: "spec.maintenanceWindows",
    }
}

#[test]
fn a_raised_version_starts_an_upgrade_and_an_equal_one_does_nothing() {
    assert_eq!(decide(&request(17, 17)), Verdict::UpToDate);
    assert_eq!(
        decide(&request(17, 16)),
        Verdict::Start { from: 16, to: 17 }
    );
}

#[test]
fn each_refusal_names_its_reason() {
    let reason_of = |r: &Request<'_>| match decide(r) {
        Verdict::Refused { reason, .. } | Verdict::Waiting { reason, .. } => reason,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(reason_of(&request(16, 17)), reason::DOWNGRADE_REFUSED);
    let off = Request {
        mode: MajorUpgradeMode::Off,
        ..request(17, 16)
    };
    assert_eq!(reason_of(&off), reason::DISABLED);
    let teams = ["other".to_string()];
    let team = Request {
        team_allow_list: &teams,
        ..request(17, 16)
    };
    assert_eq!(reason_of(&team), reason::TEAM_NOT_ALLOWED);
    let allowed = ["acid".to_string()];
    let team = Request {
        team_allow_list: &allowed,
        ..request(17, 16)
    };
    assert_eq!(decide(&team), Verdict::Start { from: 16, to: 17 });
    let standby = Request {
        standby: true,
        ..request(17, 16)
    };
    assert_eq!(reason_of(&standby), reason::STANDBY_CLUSTER);
    let failed = Request {
        failure: Some("2026-12-05T06:00:00Z"),
        ..request(17, 16)
    };
    assert_eq!(reason_of(&failed), reason::PREVIOUS_FAILED);
    let rolling = Request {
        pods_current: false,
        ..request(17, 16)
    };
    assert_eq!(reason_of(&rolling), reason::WAITING_FOR_ROLLOUT);
    let closed = Request {
        window: crate::window::State {
            open: false,
            next: Some(1_796_457_600),
        },
        window_field: "maintenance_windows",
        ..request(17, 16)
    };
    assert_eq!(reason_of(&closed), reason::OUTSIDE_WINDOW);
    let Verdict::Waiting { message, .. } = decide(&closed) else {
        panic!("waiting expected")
    };
    assert!(
        message.contains("(maintenance_windows); the next opens at 2026-12-05T08:00:00Z"),
        "{message}"
    );
}

#[test]
fn mode_full_raises_clusters_below_the_minimal_major_to_the_target() {
    let mut spec: crate::crd::PostgresSpec = serde_json::from_value(json!({
        "teamId": "acid", "numberOfInstances": 1,
        "postgresql": {"version": "16"}, "volume": {"size": "1Gi"}
    }))
    .expect("spec");
    let mut config = OperatorConfig {
        minimal_major_version: 17,
        target_major_version: 17,
        ..OperatorConfig::default()
    };
    assert_eq!(
        desired_major(&spec, &config),
        Some(16),
        "manual keeps the manifest's"
    );
    config.major_version_upgrade_mode = MajorUpgradeMode::Full;
    assert_eq!(desired_major(&spec, &config), Some(17));
    spec.postgresql.version = "18".into();
    assert_eq!(desired_major(&spec, &config), Some(18), "never lowered");
    assert_eq!(spec_major("9.6"), Some(9));
    assert_eq!(server_major(170_011), 17);
    assert_eq!(server_major(90_624), 9);
}

fn cluster(members: serde_json::Value) -> PatroniCluster {
    PatroniCluster::from_json(&json!({ "members": members })).expect("cluster")
}

#[test]
fn the_members_check_wants_one_leader_and_caught_up_streaming_replicas() {
    let good = cluster(json!([
        {"name": "a-0", "role": "leader", "state": "running"},
        {"name": "a-1", "role": "replica", "state": "streaming", "lag": 0},
    ]));
    assert!(members_check(&good, 2).passed);
    assert!(!members_check(&good, 3).passed, "a member missing");
    let behind = cluster(json!([
        {"name": "a-0", "role": "leader", "state": "running"},
        {"name": "a-1", "role": "replica", "state": "streaming", "lag": MAX_LAG_BYTES + 1},
    ]));
    let check = members_check(&behind, 2);
    assert!(!check.passed);
    assert!(check.message.contains("a-1"), "{}", check.message);
    let starting = cluster(json!([
        {"name": "a-0", "role": "leader", "state": "running"},
        {"name": "a-1", "role": "replica", "state": "starting"},
    ]));
    assert!(
        members_check(&starting, 2)
            .message
            .contains("not streaming")
    );
    let mut paused = good.clone();
    paused.paused = true;
    assert!(!members_check(&paused, 2).passed);
}

#[test]
fn the_scripts_lines_are_read_into_checks_outcomes_and_polls() {
    let out = "PHASE preflight\nCHECK binaries pass PostgreSQL 17 in /usr/lib/postgresql/17/bin\nCHECK extensions fail not available for PostgreSQL 17: only16(postgres)\nnoise\n";
    let checks = parse_checks(out);
    assert_eq!(checks.len(), 2);
    assert!(checks[0].passed);
    assert_eq!(checks[1].name, "extensions");
    assert_eq!(
        failed_checks(&checks).as_deref(),
        Some("extensions: not available for PostgreSQL 17: only16(postgres)")
    );
    assert_eq!(last_phase(out), Some("preflight"));
    assert_eq!(
        parse_outcome("PHASE switch\nRESULT switched 7412345678901234567\n"),
        Some(Outcome::Switched {
            system_id: "7412345678901234567".into()
        })
    );
    assert_eq!(
        parse_outcome("RESULT rolled-back pg_upgrade Killed\n"),
        Some(Outcome::RolledBack {
            phase: "pg_upgrade".into(),
            message: "Killed".into()
        })
    );
    assert_eq!(parse_outcome("RESULT blocked"), Some(Outcome::Blocked));
    assert_eq!(parse_outcome("no result"), None);
    assert_eq!(parse_poll("NOTSTARTED\n"), Poll::NotStarted);
    assert_eq!(
        parse_poll("RUNNING\nPHASE stop\n"),
        Poll::Running {
            output: "PHASE stop\n".into()
        }
    );
    assert_eq!(
        parse_poll("DONE 2\nRESULT rolled-back initdb x\n"),
        Poll::Done {
            code: 2,
            output: "RESULT rolled-back initdb x\n".into()
        }
    );
    assert!(matches!(parse_poll("garbage"), Poll::Died { .. }));
}

#[test]
fn the_command_writes_the_script_and_names_the_attempt() {
    let argv = command(
        Run::Start(Action::Upgrade),
        16,
        17,
        "/home/postgres/pgdata/pgroot",
        "a1",
    );
    assert_eq!(argv[0], "sh");
    assert_eq!(argv[4], SCRIPT);
    assert_eq!(
        &argv[5..],
        [
            "start",
            "16",
            "17",
            "/home/postgres/pgdata/pgroot",
            "a1",
            "upgrade"
        ]
    );
    let argv = command(Run::Now(Action::Check), 16, 17, "/r", "a1");
    assert_eq!(&argv[5..], ["check", "16", "17", "/r", "a1"]);
}

#[test]
fn the_condition_follows_the_phase() {
    let mut status = UpgradeStatus {
        from: 16,
        to: 17,
        phase: phase::UPGRADING.into(),
        ..UpgradeStatus::default()
    };
    assert_eq!(condition(&status).0, "Unknown");
    status.phase = phase::BLOCKED.into();
    status.checks = parse_checks("CHECK extensions fail not available: x(db)\n");
    let (s, r, m) = condition(&status);
    assert_eq!((s, r), ("False", reason::PREFLIGHT_FAILED));
    assert!(m.contains("x(db)"), "{m}");
    status.phase = phase::SUCCEEDED.into();
    status.downtime_seconds = Some(12);
    assert!(condition(&status).2.contains("12 s"));
    assert!(past_point_of_no_return(phase::RESTARTING));
    assert!(!past_point_of_no_return(phase::UPGRADING));
}

#[test]
fn a_blocked_preflight_runs_again_after_a_manifest_change_or_ten_minutes() {
    let status = UpgradeStatus {
        phase: phase::BLOCKED.into(),
        generation: Some(3),
        ..UpgradeStatus::default()
    };
    assert!(!may_retry(&status, Some(3), 10));
    assert!(may_retry(&status, Some(4), 10));
    assert!(may_retry(&status, Some(3), BLOCKED_RETRY_SECONDS));
}

#[test]
fn a_preflight_blocked_by_a_master_still_in_recovery_runs_again_soon() {
    let check = |name: &str, passed: bool, message: &str| UpgradeCheck {
        name: name.into(),
        passed,
        message: message.into(),
    };
    let mut status = UpgradeStatus {
        phase: phase::BLOCKED.into(),
        generation: Some(3),
        checks: vec![
            check(
                "binaries",
                true,
                "PostgreSQL 17 in /usr/lib/postgresql/17/bin",
            ),
            check(
                "server",
                false,
                "PostgreSQL here is in recovery: not the master",
            ),
        ],
        ..UpgradeStatus::default()
    };
    assert_eq!(retry_seconds(&status), TRANSIENT_RETRY_SECONDS);
    assert!(may_retry(&status, Some(3), TRANSIENT_RETRY_SECONDS));
    assert!(!may_retry(&status, Some(3), TRANSIENT_RETRY_SECONDS - 1));
    // Anything else failing as well: the long wait.
    status
        .checks
        .push(check("extensions", false, "postgis has no 17 build"));
    assert_eq!(retry_seconds(&status), BLOCKED_RETRY_SECONDS);
    status.checks = vec![check("binaries", false, "PostgreSQL 17 is not installed")];
    assert_eq!(retry_seconds(&status), BLOCKED_RETRY_SECONDS);
}

#[test]
fn maintenance_windows_are_read_in_utc_by_day_and_time() {
    // 2026-12-05 was a Saturday; 05:30 UTC.
    let saturday_0530 = 1_796_448_600;
    assert!(in_window(&[], saturday_0530));
    assert!(in_window(&["05:00-06:00".into()], saturday_0530));
    assert!(!in_window(&["06:00-07:00".into()], saturday_0530));
    assert!(in_window(&["Sat:05:00-Sat:06:00".into()], saturday_0530));
    assert!(!in_window(&["Sun:05:00-06:00".into()], saturday_0530));
    assert!(
        in_window(&["23:00-06:00".into()], saturday_0530),
        "over midnight"
    );
    assert!(
        in_window(&["Fri:22:00-Sat:06:00".into()], saturday_0530),
        "over a day"
    );
    assert!(
        in_window(&["Sun:22:00-Sat:06:00".into()], saturday_0530),
        "over the week"
    );
    assert!(parse_window("Sat:25:00-26:00").is_err());
    assert!(parse_window("05:00-Sat:06:00").is_err());
}

#[test]
fn a_check_run_that_stops_early_fails_the_preflight() {
    let early = "CHECK binaries pass x\nsh: 131: Illegal number: 1.5\n";
    let checks = finished_checks(2, early);
    let last = checks.last().expect("a check");
    assert!(!last.passed && last.name == "preflight");
    assert!(last.message.contains("Illegal number"), "{}", last.message);
    let full = "CHECK binaries pass x\nCHECK pg_upgrade pass ok\n";
    assert!(finished_checks(0, full).iter().all(|c| c.passed));
    let refused = "CHECK binaries fail missing\n";
    assert_eq!(
        finished_checks(0, refused).len(),
        1,
        "a failed check explains itself"
    );
}
