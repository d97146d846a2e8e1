use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use serde_json::json;

use super::*;
use crate::crd::{PostgresSpec, StandbyDescription};
use crate::roles::Observed;
use crate::status::RolesOutcome;

use crate::test_rng::Counter;

fn cluster(spec: PostgresSpec) -> Postgresql {
    let mut pg = Postgresql::new("acid-x", spec);
    pg.metadata.namespace = Some("ns".into());
    pg.metadata.uid = Some("uid-1".into());
    pg
}

fn spec(users: &[&str]) -> PostgresSpec {
    PostgresSpec {
        users: Some(
            users
                .iter()
                .map(|u| (u.to_string(), Vec::new()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..Default::default()
    }
}

fn pod(name: &str, role: Option<&str>, ip: Option<&str>, postgres_ready: bool) -> Pod {
    let mut labels = json!({"application": "spilo", "cluster-name": "acid-x"});
    if let Some(role) = role {
        labels["spilo-role"] = json!(role);
    }
    let mut status = json!({
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{
            "name": "postgres", "image": "spilo", "imageID": "", "ready": postgres_ready,
            "restartCount": 0,
        }],
    });
    if let Some(ip) = ip {
        status["podIP"] = json!(ip);
    }
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "ns", "labels": labels},
        "status": status,
    }))
    .unwrap_or_default()
}

fn waiting_reason(r: Result<SqlTarget, RolesOutcome>) -> Option<String> {
    match r {
        Err(RolesOutcome::Waiting { reason, .. }) | Err(RolesOutcome::Skipped { reason, .. }) => {
            Some(reason)
        }
        _ => None,
    }
}

#[test]
fn the_target_is_the_one_ready_master_with_an_ip() {
    let config = OperatorConfig::default();
    let pg = cluster(spec(&["app"]));
    let pods = [
        pod("acid-x-0", Some("replica"), Some("10.0.0.1"), true),
        pod("acid-x-1", Some("master"), Some("10.0.0.2"), true),
    ];
    assert_eq!(
        sql_target(&pg, &config, &pods),
        Ok(SqlTarget {
            pod: "acid-x-1".into(),
            host: "10.0.0.2".into(),
            port: 5432,
        })
    );
}

#[test]
fn no_target_says_why() {
    let config = OperatorConfig::default();
    let pg = cluster(spec(&[]));
    let none: [Pod; 0] = [];
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &none)).as_deref(),
        Some(reason::NO_MASTER)
    );
    let two = [
        pod("a-0", Some("master"), Some("10.0.0.1"), true),
        pod("a-1", Some("master"), Some("10.0.0.2"), true),
    ];
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &two)).as_deref(),
        Some(reason::NO_MASTER)
    );
    // A terminating master does not count.
    let mut old = pod("a-1", Some("master"), Some("10.0.0.2"), true);
    old.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        Timestamp::UNIX_EPOCH,
    ));
    let one = [pod("a-0", Some("master"), Some("10.0.0.1"), true), old];
    assert_eq!(
        sql_target(&pg, &config, &one).map(|t| t.host),
        Ok("10.0.0.1".to_string())
    );
    let no_ip = [pod("a-0", Some("master"), None, true)];
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &no_ip)).as_deref(),
        Some(reason::MASTER_NOT_READY)
    );
    let container_not_ready = [pod("a-0", Some("master"), Some("10.0.0.1"), false)];
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &container_not_ready)).as_deref(),
        Some(reason::MASTER_NOT_READY)
    );
    let mut pending = pod("a-0", Some("master"), Some("10.0.0.1"), true);
    if let Some(s) = pending.status.as_mut() {
        s.phase = Some("Pending".into());
    }
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &[pending])).as_deref(),
        Some(reason::MASTER_NOT_READY)
    );
    // Pods that say Ready without any container status (as the old e2e fakes do) wait.
    let mut fake = pod("a-0", Some("master"), Some("10.0.0.1"), true);
    if let Some(s) = fake.status.as_mut() {
        s.container_statuses = None;
    }
    assert_eq!(
        waiting_reason(sql_target(&pg, &config, &[fake])).as_deref(),
        Some(reason::MASTER_NOT_READY)
    );
}

#[test]
fn standby_clusters_and_disabled_access_are_skipped() {
    let pods = [pod("a-0", Some("master"), Some("10.0.0.1"), true)];
    let mut standby = spec(&["app"]);
    standby.standby = Some(StandbyDescription {
        standby_host: Some("elsewhere".into()),
        ..Default::default()
    });
    let config = OperatorConfig::default();
    assert!(matches!(
        sql_target(&cluster(standby), &config, &pods),
        Err(RolesOutcome::Skipped { ref reason, .. }) if reason == reason::STANDBY_CLUSTER
    ));
    let off = OperatorConfig {
        enable_database_access: false,
        ..OperatorConfig::default()
    };
    assert!(matches!(
        sql_target(&cluster(spec(&[])), &off, &pods),
        Err(RolesOutcome::Skipped { ref reason, .. }) if reason == reason::DATABASE_ACCESS_DISABLED
    ));
}

fn secret(name: &str, data: &[(&str, &str)], labelled: bool) -> Secret {
    let mut s = Secret {
        data: Some(
            data.iter()
                .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
                .collect(),
        ),
        ..Secret::default()
    };
    s.metadata.name = Some(name.into());
    s.metadata.namespace = Some("ns".into());
    s.metadata.resource_version = Some("7".into());
    if labelled {
        s.metadata.labels = Some(
            [("application", "spilo"), ("cluster-name", "acid-x")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
    }
    s
}

fn secret_name(user: &str) -> String {
    OperatorConfig::default().secret_name(user, "acid-x")
}

#[test]
fn superuser_password_and_credentials_come_from_the_secrets() {
    let config = OperatorConfig::default();
    let pg = cluster(spec(&["app", "foo_user", "nopw"]));
    let secrets = vec![
        secret(
            &secret_name("postgres"),
            &[("username", "postgres"), ("password", "su")],
            true,
        ),
        secret(
            &secret_name("app"),
            &[("username", "app250301"), ("password", "a")],
            true,
        ),
        // No username key: the role itself.
        secret(&secret_name("foo_user"), &[("password", "f")], false),
        secret(&secret_name("nopw"), &[("username", "nopw")], true),
    ];
    assert_eq!(
        superuser_password(&pg, &config, &secrets).map(|p| p.expose().to_string()),
        Ok("su".to_string())
    );
    assert!(matches!(
        superuser_password(&pg, &config, &secrets[1..]),
        Err(RolesOutcome::Waiting { ref reason, .. }) if reason == reason::NO_SUPERUSER_SECRET
    ));
    let creds = credentials(&pg, &config, &secrets);
    let view: Vec<(&str, &str, &str)> = creds
        .iter()
        .map(|(r, c)| (r.as_str(), c.username.as_str(), c.password.expose()))
        .collect();
    assert_eq!(
        view,
        vec![("app", "app250301", "a"), ("foo_user", "foo_user", "f")]
    );
}

#[test]
fn only_secrets_with_the_cluster_labels_and_no_foreign_owner_are_managed() {
    let config = OperatorConfig::default();
    let pg = cluster(spec(&[]));
    let name = secret_name("app");
    assert!(is_managed_secret(&secret(&name, &[], true), &pg, &config));
    assert!(!is_managed_secret(&secret(&name, &[], false), &pg, &config));
    let owned_by = |kind: &str, owner: &str, uid: &str| {
        let mut s = secret(&name, &[], true);
        s.metadata.owner_references = Some(vec![
            k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference {
                api_version: "acid.zalan.do/v1".into(),
                kind: kind.into(),
                name: owner.into(),
                uid: uid.into(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            },
        ]);
        s
    };
    assert!(is_managed_secret(
        &owned_by("postgresql", "acid-x", "uid-1"),
        &pg,
        &config
    ));
    assert!(!is_managed_secret(
        &owned_by("postgresql", "acid-y", "uid-2"),
        &pg,
        &config
    ));
    assert!(!is_managed_secret(
        &owned_by("postgresql", "acid-x", "uid-old"),
        &pg,
        &config
    ));
    assert!(!is_managed_secret(
        &owned_by("SealedSecret", "acid-x", "uid-1"),
        &pg,
        &config
    ));
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

#[test]
fn rotation_rewrites_only_managed_secrets_of_rotating_users() {
    let config = OperatorConfig::default();
    let mut s = spec(&["app", "steady", "foreign"]);
    s.users_with_in_place_secret_rotation = Some(vec!["app".into(), "foreign".into()]);
    let pg = cluster(s);
    let now = ts("2025-03-07T10:00:00Z");
    let fresh = vec![
        secret(
            &secret_name("app"),
            &[("username", "app"), ("password", "a")],
            true,
        ),
        secret(
            &secret_name("steady"),
            &[("username", "steady"), ("password", "s")],
            true,
        ),
        secret(
            &secret_name("foreign"),
            &[("username", "foreign"), ("password", "x")],
            false,
        ),
    ];
    let updates = secret_updates(&pg, &config, &fresh, now);
    assert_eq!(
        updates,
        vec![SecretUpdate {
            role: "app".into(),
            secret_name: secret_name("app"),
            namespace: "ns".into(),
            resource_version: Some("7".into()),
            action: SecretAction::SetNextRotation {
                next_rotation: "2025-06-05T10:00:00Z".into()
            },
        }]
    );
    assert_eq!(rotation_event(&updates[0]), None);

    let due = vec![secret(
        &secret_name("app"),
        &[
            ("username", "app"),
            ("password", "a"),
            ("nextRotation", "2025-03-01T00:00:00Z"),
        ],
        true,
    )];
    let updates = secret_updates(&pg, &config, &due, now);
    assert!(
        matches!(
            &updates[..],
            [SecretUpdate { action: SecretAction::Rotate { username, .. }, .. }] if username == "app"
        ),
        "{updates:?}"
    );
    let note = rotation_event(&updates[0]).map(|e| e.message);
    assert_eq!(
        note.as_deref(),
        Some(
            format!(
                "new password for role \"app\" in Secret {}",
                secret_name("app")
            )
            .as_str()
        )
    );

    // Without any rotation setting nothing is written.
    let plain = cluster(spec(&["app"]));
    assert_eq!(secret_updates(&plain, &config, &fresh, now), Vec::new());
}

/// A Secret in namespace `namespace` of cluster `acid-x`, whose cross-namespace label (when
/// given) names the cluster's namespace.
fn secret_in(namespace: &str, name: &str, cluster_namespace: Option<&str>) -> Secret {
    let mut s = secret(
        name,
        &[("username", "appspace.app_user"), ("password", "pw")],
        true,
    );
    s.metadata.namespace = Some(namespace.into());
    if let (Some(ns), Some(labels)) = (cluster_namespace, s.metadata.labels.as_mut()) {
        labels.insert(naming_label().into(), ns.into());
    }
    s
}

fn naming_label() -> &'static str {
    crate::naming::CLUSTER_NAMESPACE_LABEL
}

#[test]
fn cross_namespace_credentials_come_from_the_clusters_own_secret_in_that_namespace() {
    let on = OperatorConfig {
        enable_cross_namespace_secret: true,
        ..OperatorConfig::default()
    };
    let mut s = spec(&["appspace.app_user"]);
    s.users_with_in_place_secret_rotation = Some(vec!["appspace.app_user".into()]);
    let pg = cluster(s);
    let name = secret_name("appspace.app_user");
    let roles = |creds: &Credentials| creds.keys().cloned().collect::<Vec<_>>();

    // The cluster's own Secret in appspace feeds the role and is rotated there.
    let ours = vec![secret_in("appspace", &name, Some("ns"))];
    assert_eq!(
        roles(&credentials(&pg, &on, &ours)),
        vec!["appspace.app_user"]
    );
    let updates = secret_updates(&pg, &on, &ours, ts("2025-03-07T10:00:00Z"));
    assert_eq!(
        updates
            .iter()
            .map(|u| (u.namespace.as_str(), u.secret_name.as_str()))
            .collect::<Vec<_>>(),
        vec![("appspace", name.as_str())]
    );

    // A Secret of that name made for acid-x of another namespace is neither read nor written.
    let theirs = vec![secret_in("appspace", &name, Some("elsewhere"))];
    assert!(credentials(&pg, &on, &theirs).is_empty());
    assert!(secret_updates(&pg, &on, &theirs, ts("2025-03-07T10:00:00Z")).is_empty());

    // A Secret in the cluster's namespace is not the one of a cross-namespace user…
    let home = vec![secret_in("ns", &name, None)];
    assert!(credentials(&pg, &on, &home).is_empty());
    // …but it is with the option off, where the dotted name is an ordinary role.
    let off = OperatorConfig::default();
    assert_eq!(
        roles(&credentials(&pg, &off, &home)),
        vec!["appspace.app_user"]
    );
    assert!(credentials(&pg, &off, &ours).is_empty());
    assert!(role_settings(&on).enable_cross_namespace_secret);
    assert!(!role_settings(&off).enable_cross_namespace_secret);
}

fn plan_for(pg: &Postgresql, observed: &Observed) -> (Desired, Plan) {
    let settings = role_settings(&OperatorConfig::default());
    let desired = roles::from_manifest(pg, &settings, &Credentials::new(), Timestamp::UNIX_EPOCH);
    let plan = roles::plan(&desired, observed, &settings, &mut Counter(1));
    (desired, plan)
}

#[test]
fn a_sync_reports_counts_once_and_new_warnings_once() {
    let mut s = spec(&["app"]);
    s.databases = Some([("shop".to_string(), "nobody".to_string())].into());
    let pg = cluster(s);
    let (desired, plan) = plan_for(&pg, &Observed::default());
    let first = summarize(&desired, &plan, None);
    let RolesOutcome::Synced { message, warnings } = &first.outcome else {
        panic!("{first:?}");
    };
    assert_eq!(
        message,
        "1 role and 0 databases provisioned; 2 warnings in status.messages"
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("\"shop\"")),
        "{warnings:?}"
    );
    let reasons: Vec<&str> = first.events.iter().map(|e| e.reason).collect();
    assert_eq!(
        reasons,
        vec![event::ROLES_PROVISIONED, event::ROLES_SKIPPED]
    );
    let applied = &first.events[0].message;
    assert!(
        applied.starts_with("applied ") && applied.contains("create_role 1"),
        "{applied}"
    );
    assert!(!first.events[1].message.is_empty());

    // The same warnings already in status: no Event, and the same outcome.
    let previous = PostgresStatus {
        messages: warnings.clone(),
        ..PostgresStatus::default()
    };
    let again = summarize(&desired, &Plan::default_with(&plan), Some(&previous));
    assert_eq!(again.outcome, first.outcome);
    assert_eq!(again.events, Vec::new());
}

#[test]
fn orphans_are_reported_not_dropped() {
    let pg = cluster(spec(&[]));
    let (desired, mut plan) = plan_for(&pg, &Observed::default());
    plan.orphans = vec!["gone".into()];
    let s = summarize(&desired, &plan, None);
    assert_eq!(
        s.outcome,
        RolesOutcome::Synced {
            message: "0 roles and 0 databases provisioned; 1 warning in status.messages".into(),
            warnings: vec![orphan_message("gone")],
        }
    );
    assert_eq!(
        s.events,
        vec![EventNote {
            warning: true,
            reason: event::ORPHAN_ROLES,
            message:
                "role is no longer in the manifest and kept (roles are never dropped): \"gone\""
                    .into(),
        }]
    );
}

#[test]
fn a_failure_is_an_event_and_a_false_condition() {
    let s = failed(
        "ConnectFailed",
        "provisioning roles and databases: refused".into(),
    );
    assert_eq!(s.events.len(), 1);
    assert!(s.events[0].warning);
    assert!(
        matches!(s.outcome, RolesOutcome::Failed { ref reason, .. } if reason == "ConnectFailed")
    );
}

/// A plan with the same skips and orphans and no statements: what a resync of an unchanged
/// server plans.
trait DefaultWith {
    fn default_with(plan: &Plan) -> Plan;
}
impl DefaultWith for Plan {
    fn default_with(plan: &Plan) -> Plan {
        Plan {
            statements: Vec::new(),
            skipped: plan.skipped.clone(),
            orphans: plan.orphans.clone(),
        }
    }
}

#[test]
fn the_pooler_roles_secret_rotates_when_the_manifest_lists_it() {
    let config = OperatorConfig::default();
    let mut s = spec(&["app"]);
    s.enable_connection_pooler = Some(true);
    s.users_with_in_place_secret_rotation = Some(vec!["pooler".into()]);
    let pg = cluster(s);
    let now = ts("2025-03-07T10:00:00Z");
    let secrets = vec![secret(
        &secret_name("pooler"),
        &[("username", "pooler"), ("password", "p")],
        true,
    )];
    let updates = secret_updates(&pg, &config, &secrets, now);
    assert!(
        matches!(
            &updates[..],
            [SecretUpdate { role, action: SecretAction::SetNextRotation { .. }, .. }] if role == "pooler"
        ),
        "{updates:?}"
    );
}
