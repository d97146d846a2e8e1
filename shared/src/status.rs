//! The status of a cluster, computed from what was observed. Pure: the time is passed in, and
//! a condition's `lastTransitionTime` only moves when the condition's status flips, so an
//! unchanged cluster computes an identical status and no write is needed.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::crd::{PostgresStatus, RolloutStatus, cluster_status};

/// Condition types.
pub const READY: &str = "Ready";
pub const PROGRESSING: &str = "Progressing";
pub const DEGRADED: &str = "Degraded";
/// Whether the roles and databases of the manifest are provisioned in PostgreSQL.
pub const ROLES_SYNCED: &str = "RolesSynced";
/// Condition present (True) only while the cluster is paused
/// ([`crate::requests::PAUSE_ANNOTATION`]).
pub const PAUSED: &str = "Paused";
/// Condition present (True) only while the cluster is stopped: `numberOfInstances` is 0 and no
/// pod is left.
pub const STOPPED: &str = "Stopped";

/// One pod of the cluster as the status needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    pub ready: bool,
    /// Value of the role label (`master`, `replica`), if any.
    pub role: Option<String>,
    /// The pod runs an older pod template (or carries the rolling-update flag).
    pub outdated: bool,
    /// The pod is being deleted.
    pub terminating: bool,
}

/// How the last sync went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Every object was applied.
    Synced,
    /// The resource failed validation; the messages say why.
    Invalid(Vec<String>),
    /// Applying failed; the message says why (never containing a secret).
    Failed(String),
}

/// How role and database provisioning went in this reconcile: the `RolesSynced` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolesOutcome {
    /// Provisioning did not run in this reconcile (the manifest is invalid, or applying the
    /// Kubernetes objects failed): the previous `RolesSynced` condition stays as it was.
    NotAttempted,
    /// Provisioning does not apply to this cluster (standby cluster, database access turned
    /// off): condition `False` with this reason.
    Skipped { reason: String, message: String },
    /// Provisioning waits for the cluster (no ready master yet, no superuser Secret yet):
    /// condition `Unknown` with this reason.
    Waiting { reason: String, message: String },
    /// The server holds what the manifest asks for. `warnings` (skipped objects, roles no longer
    /// in the manifest) go to `status.messages`.
    Synced {
        message: String,
        warnings: Vec<String>,
    },
    /// Provisioning failed (never a secret in the message): condition `False`, and the cluster
    /// status becomes `SyncFailed`/`CreateFailed`/`UpdateFailed` as for any failed sync.
    Failed { reason: String, message: String },
}

/// A rolling update in progress, as the executor reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RolloutReport {
    /// What it is doing or waiting for, e.g. `replacing replica acid-foo-2`.
    pub step: String,
    /// The last step's failure, or a wait that took longer than its timeout.
    pub error: Option<String>,
    /// Set when the rollout cannot go on by itself (no healthy replica to switch over to, no
    /// leader): condition `Degraded` with reason `RolloutBlocked` and this message.
    pub blocked: Option<String>,
    /// A Patroni operation started and not yet seen to finish (`status.rollout.intent`).
    pub intent: Option<crate::crd::PatroniIntent>,
    /// A master waiting to leave a drained node (`status.rollout.masterMove`).
    pub master_move: Option<crate::crd::MasterMove>,
}

/// Everything the status is computed from.
#[derive(Debug, Clone)]
pub struct Observed<'a> {
    pub generation: Option<i64>,
    pub desired_instances: i32,
    pub pods: &'a [PodView],
    pub image: Option<String>,
    pub outcome: SyncOutcome,
    /// Label value that marks the master (`master`).
    pub master_role: &'a str,
    /// What the rollout executor reported in this reconcile (`None`: nothing to roll, or the
    /// rollout did not run; a step of the previous status is then kept while pods are
    /// outdated).
    pub rollout: Option<RolloutReport>,
    /// Role and database provisioning.
    pub roles: RolesOutcome,
    /// `status.patroniConfig` to write (the executor's, else the previous one).
    pub patroni_config: Option<String>,
    /// `status.patroniParameters` to write, with `patroni_config`.
    pub patroni_parameters: Vec<String>,
    /// `status.acknowledged` ([`crate::requests::acknowledged`]).
    pub acknowledged: std::collections::BTreeMap<String, String>,
    /// The clone or standby source and how it is going ([`crate::origin::assess`]).
    pub origin: OriginOutcome,
    /// The running major and the major version upgrade ([`crate::upgrade`]).
    pub upgrade: UpgradeOutcome,
    /// The health of the WAL archive ([`crate::backup::assess`]).
    pub archive: ArchiveOutcome,
}

/// What the master's archiver counters said in this reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArchiveOutcome {
    /// Not read (no connection to the master in this pass): the previous condition stays.
    #[default]
    NotObserved,
    /// Read: condition [`crate::backup::CONDITION`] (status, reason, message), or none when
    /// the cluster does not archive.
    Observed(Option<(&'static str, &'static str, String)>),
}

/// What the upgrade stage found in this reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UpgradeOutcome {
    /// Not observed: `status.majorVersion`, `status.upgrade` and the condition stay.
    #[default]
    NotObserved,
    Observed {
        /// The master's major (`None`: not known, the previous value stays).
        major: Option<u32>,
        /// `status.upgrade` to write.
        upgrade: Option<Box<crate::crd::UpgradeStatus>>,
        /// Condition `MajorUpgrade` (status, reason, message); `None`: none.
        condition: Option<(&'static str, &'static str, String)>,
    },
}

/// Whether the origin of the cluster ([`crate::origin`]) was assessed in this reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OriginOutcome {
    /// Not observed (the sync failed before): the previous condition and `status.origin` stay.
    #[default]
    NotObserved,
    /// Assessed; `None` for a cluster without origin.
    Observed(Option<crate::origin::Assessment>),
}

/// Computes the new status from the observation and the previous status.
pub fn compute(
    observed: &Observed<'_>,
    previous: Option<&PostgresStatus>,
    now: &Time,
) -> PostgresStatus {
    let pods: Vec<&PodView> = observed.pods.iter().filter(|p| !p.terminating).collect();
    let instances = pods.len() as i32;
    let ready = pods.iter().filter(|p| p.ready).count() as i32;
    let primary = pods
        .iter()
        .find(|p| p.role.as_deref() == Some(observed.master_role))
        .map(|p| p.name.clone());
    let outdated = pods.iter().filter(|p| p.outdated).count() as i32;
    let desired = observed.desired_instances;
    let stopped = desired == 0 && instances == 0;
    let all_ready = ready == desired && instances == desired && (desired == 0 || primary.is_some());
    let previous_string = previous.map(|s| s.postgres_cluster_status.as_str());
    let was_running = matches!(
        previous_string,
        Some(
            cluster_status::RUNNING
                | cluster_status::UPDATING
                | cluster_status::UPDATE_FAILED
                | cluster_status::SYNC_FAILED
                | cluster_status::STOPPED
        )
    );
    let new_generation = previous.and_then(|s| s.observed_generation) != observed.generation;
    let upgrading = match &observed.upgrade {
        UpgradeOutcome::Observed {
            upgrade: Some(u), ..
        } => crate::upgrade::in_progress(&u.phase)
            .then(|| format!("upgrade {} → {}: {}", u.from, u.to, u.phase)),
        _ => None,
    };
    // A failed sync: of the Kubernetes objects, or else of the roles and databases.
    let failure = match (&observed.outcome, &observed.roles) {
        (SyncOutcome::Failed(message), _) => Some(message),
        (SyncOutcome::Synced, RolesOutcome::Failed { message, .. }) => Some(message),
        _ => None,
    };

    let mut messages = Vec::new();
    let string = match (&observed.outcome, failure) {
        (SyncOutcome::Invalid(problems), _) => {
            messages.extend(problems.iter().cloned());
            cluster_status::INVALID
        }
        (_, Some(message)) => {
            messages.push(message.clone());
            if !was_running {
                cluster_status::CREATE_FAILED
            } else if new_generation || previous_string == Some(cluster_status::UPDATE_FAILED) {
                cluster_status::UPDATE_FAILED
            } else {
                cluster_status::SYNC_FAILED
            }
        }
        (_, None) => {
            if let RolesOutcome::Synced { warnings, .. } = &observed.roles {
                messages.extend(warnings.iter().cloned());
            }
            if stopped {
                cluster_status::STOPPED
            } else if all_ready
                && outdated == 0
                && observed.rollout.is_none()
                && upgrading.is_none()
            {
                cluster_status::RUNNING
            } else if was_running
                && (outdated > 0
                    || instances != desired
                    || observed.rollout.is_some()
                    || upgrading.is_some())
            {
                cluster_status::UPDATING
            } else if was_running {
                // Running but not healthy: the string tells how the operator is doing,
                // the conditions tell how the cluster is doing.
                cluster_status::RUNNING
            } else {
                cluster_status::CREATING
            }
        }
    };

    let (ready_status, ready_reason, ready_message) = match &observed.outcome {
        SyncOutcome::Invalid(_) => (
            "False",
            "Invalid",
            "the manifest is invalid; see status.messages".to_string(),
        ),
        _ if stopped => (
            "False",
            "Stopped",
            "numberOfInstances is 0: no instance runs; scale up to start the cluster".to_string(),
        ),
        _ if desired == 0 => (
            "False",
            "Stopping",
            format!("numberOfInstances is 0: {instances} pods still to stop"),
        ),
        _ if all_ready => (
            "True",
            "AllInstancesReady",
            format!(
                "{ready}/{desired} instances ready, primary {}",
                primary.as_deref().unwrap_or("-")
            ),
        ),
        _ if primary.is_none() && instances > 0 => (
            "False",
            "NoPrimary",
            format!("{ready}/{desired} instances ready, no pod holds the master role"),
        ),
        _ => (
            "False",
            "InstancesNotReady",
            format!("{ready}/{desired} instances ready"),
        ),
    };
    let (progressing_status, progressing_reason, progressing_message) =
        if matches!(observed.outcome, SyncOutcome::Invalid(_)) {
            (
                "False",
                "Invalid",
                "nothing is applied while the manifest is invalid".to_string(),
            )
        } else if let Some(step) = &upgrading {
            ("True", "MajorUpgrade", step.clone())
        } else if outdated > 0 {
            (
                "True",
                "RollingUpdate",
                format!("{outdated} of {instances} pods still run an older pod template"),
            )
        } else if let Some(report) = &observed.rollout {
            ("True", "RollingUpdate", report.step.clone())
        } else if instances != desired {
            (
                "True",
                "Scaling",
                format!("{instances} pods, {desired} desired"),
            )
        } else if !all_ready && !was_running {
            (
                "True",
                "Creating",
                format!("{ready}/{desired} instances ready"),
            )
        } else {
            ("False", "Stable", "no change in progress".to_string())
        };
    let blocked = observed.rollout.as_ref().and_then(|r| r.blocked.clone());
    let degraded = match failure {
        Some(message) => Some(("SyncFailed", message.clone())),
        _ if blocked.is_some() => Some(("RolloutBlocked", blocked.unwrap_or_default())),
        _ if was_running && desired > 0 && primary.is_none() => {
            Some(("NoPrimary", "no pod holds the master role".to_string()))
        }
        _ if was_running && ready < instances.min(desired) => Some((
            "InstancesNotReady",
            format!("{} of {} pods are not ready", instances - ready, instances),
        )),
        _ => None,
    };
    let (degraded_status, degraded_reason, degraded_message) = match degraded {
        Some((reason, message)) => ("True", reason, message),
        None => ("False", "Healthy", "no problem found".to_string()),
    };

    let previous_conditions = previous
        .map(|s| s.conditions.as_slice())
        .unwrap_or_default();
    let condition = |type_: &str, status: &str, reason: &str, message: String| {
        let last_transition_time = previous_conditions
            .iter()
            .find(|c| c.type_ == type_ && c.status == status)
            .map(|c| c.last_transition_time.clone())
            .unwrap_or_else(|| now.clone());
        Condition {
            type_: type_.to_string(),
            status: status.to_string(),
            reason: reason.to_string(),
            message,
            observed_generation: observed.generation,
            last_transition_time,
        }
    };
    let mut conditions = vec![
        condition(READY, ready_status, ready_reason, ready_message),
        condition(
            PROGRESSING,
            progressing_status,
            progressing_reason,
            progressing_message,
        ),
        condition(DEGRADED, degraded_status, degraded_reason, degraded_message),
    ];
    let roles = match &observed.roles {
        RolesOutcome::NotAttempted => previous_conditions
            .iter()
            .find(|c| c.type_ == ROLES_SYNCED)
            .cloned(),
        RolesOutcome::Skipped { reason, message } => {
            Some(condition(ROLES_SYNCED, "False", reason, message.clone()))
        }
        RolesOutcome::Waiting { reason, message } => {
            Some(condition(ROLES_SYNCED, "Unknown", reason, message.clone()))
        }
        RolesOutcome::Synced { message, .. } => {
            Some(condition(ROLES_SYNCED, "True", "Synced", message.clone()))
        }
        RolesOutcome::Failed { reason, message } => {
            Some(condition(ROLES_SYNCED, "False", reason, message.clone()))
        }
    };
    conditions.extend(roles);
    if string == cluster_status::STOPPED {
        conditions.push(condition(
            STOPPED,
            "True",
            "ScaledToZero",
            "numberOfInstances is 0 and no pod is left".to_string(),
        ));
    }
    let origin = match &observed.origin {
        OriginOutcome::NotObserved => {
            conditions.extend(
                previous_conditions
                    .iter()
                    .find(|c| c.type_ == crate::origin::CLONED || c.type_ == crate::origin::STANDBY)
                    .cloned(),
            );
            previous.and_then(|p| p.origin.clone())
        }
        OriginOutcome::Observed(None) => None,
        OriginOutcome::Observed(Some(a)) => {
            conditions.push(condition(a.type_, a.status, a.reason, a.message.clone()));
            Some(a.origin.clone())
        }
    };

    let (major_version, upgrade) = match &observed.upgrade {
        UpgradeOutcome::NotObserved => {
            conditions.extend(
                previous_conditions
                    .iter()
                    .find(|c| c.type_ == crate::upgrade::CONDITION)
                    .cloned(),
            );
            (
                previous.and_then(|p| p.major_version),
                previous.and_then(|p| p.upgrade.clone()),
            )
        }
        UpgradeOutcome::Observed {
            major,
            upgrade,
            condition: upgrade_condition,
        } => {
            if let Some((status, reason, message)) = upgrade_condition {
                conditions.push(condition(
                    crate::upgrade::CONDITION,
                    status,
                    reason,
                    message.clone(),
                ));
            }
            (
                major.or_else(|| previous.and_then(|p| p.major_version)),
                upgrade.as_deref().cloned(),
            )
        }
    };

    match &observed.archive {
        ArchiveOutcome::NotObserved => conditions.extend(
            previous_conditions
                .iter()
                .find(|c| c.type_ == crate::backup::CONDITION)
                .cloned(),
        ),
        ArchiveOutcome::Observed(None) => {}
        ArchiveOutcome::Observed(Some((status, reason, message))) => conditions.push(condition(
            crate::backup::CONDITION,
            status,
            reason,
            message.clone(),
        )),
    }

    let previous_rollout = previous.and_then(|p| p.rollout.as_ref());
    let rollout = match &observed.rollout {
        Some(report) => Some(RolloutStatus {
            updated: instances - outdated,
            total: instances.max(desired),
            current_step: Some(report.step.clone()),
            last_error: report.error.clone().or_else(|| failure.cloned()),
            intent: report.intent.clone(),
            master_move: report.master_move.clone(),
        }),
        None if outdated > 0 => Some(RolloutStatus {
            updated: instances - outdated,
            total: instances.max(desired),
            current_step: previous_rollout.and_then(|r| r.current_step.clone()),
            last_error: failure
                .cloned()
                .or_else(|| previous_rollout.and_then(|r| r.last_error.clone())),
            // The executor did not run: what it had started is still to be observed.
            intent: previous_rollout.and_then(|r| r.intent.clone()),
            master_move: previous_rollout.and_then(|r| r.master_move.clone()),
        }),
        None => None,
    };

    PostgresStatus {
        postgres_cluster_status: string.to_string(),
        observed_generation: observed.generation,
        conditions,
        instances: Some(instances),
        ready_instances: Some(ready),
        primary,
        image: observed.image.clone(),
        rollout,
        patroni_config: observed.patroni_config.clone(),
        patroni_parameters: observed.patroni_parameters.clone(),
        messages,
        acknowledged: observed.acknowledged.clone(),
        origin,
        major_version,
        upgrade,
    }
}

/// The per-cluster gauges of the controller's `/metrics`, from a status it computed (one
/// source for what `pgctl status` shows and what Prometheus scrapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gauges {
    /// `numberOfInstances` as the StatefulSet runs it.
    pub instances: i64,
    pub ready: i64,
    /// 1 when a pod holds the master role.
    pub primary: i64,
    /// 1 while pods are replaced or the controller waits to (`status.rollout`).
    pub rollout: i64,
    /// 1 when condition `RolesSynced` is True.
    pub roles_synced: i64,
    /// 1 or 0 from condition `BackupsHealthy`; `None` for a cluster that does not archive.
    pub backups_healthy: Option<i64>,
    /// 1 when the manifest is valid and the last sync applied it.
    pub synced: i64,
}

/// The gauges of `status` for a cluster of `desired` instances.
pub fn gauges(status: &PostgresStatus, desired: i32) -> Gauges {
    let is_true = |type_: &str| condition(status, type_).map(|c| i64::from(c.status == "True"));
    let failed = matches!(
        status.postgres_cluster_status.as_str(),
        cluster_status::INVALID
            | cluster_status::SYNC_FAILED
            | cluster_status::CREATE_FAILED
            | cluster_status::UPDATE_FAILED
    );
    Gauges {
        instances: i64::from(desired),
        ready: i64::from(status.ready_instances.unwrap_or(0)),
        primary: i64::from(status.primary.is_some()),
        rollout: i64::from(status.rollout.is_some()),
        roles_synced: is_true(ROLES_SYNCED).unwrap_or(0),
        backups_healthy: is_true(crate::backup::CONDITION),
        synced: i64::from(!failed),
    }
}

/// The status of a paused cluster ([`crate::requests::PAUSE_ANNOTATION`]): the previous status
/// as it was (the controller observed nothing new, so `observedGeneration` stays), plus
/// condition `Paused`.
pub fn paused(previous: Option<&PostgresStatus>, annotation: &str, now: &Time) -> PostgresStatus {
    let mut status = previous.cloned().unwrap_or_else(|| PostgresStatus {
        postgres_cluster_status: cluster_status::CREATING.to_string(),
        ..PostgresStatus::default()
    });
    let already = status
        .conditions
        .iter()
        .find(|c| c.type_ == PAUSED && c.status == "True")
        .map(|c| c.last_transition_time.clone());
    status.conditions.retain(|c| c.type_ != PAUSED);
    status.conditions.push(Condition {
        type_: PAUSED.to_string(),
        status: "True".to_string(),
        reason: "ReconcilePaused".to_string(),
        message: format!(
            "annotation {annotation} is set: the controller changes nothing in this cluster until it is removed"
        ),
        observed_generation: status.observed_generation,
        last_transition_time: already.unwrap_or_else(|| now.clone()),
    });
    status
}

/// The condition of a type, if present.
pub fn condition<'a>(status: &'a PostgresStatus, type_: &str) -> Option<&'a Condition> {
    status.conditions.iter().find(|c| c.type_ == type_)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(s: &str) -> Time {
        Time(s.parse().expect("timestamp"))
    }

    fn pod(name: &str, ready: bool, role: Option<&str>) -> PodView {
        PodView {
            name: name.into(),
            ready,
            role: role.map(str::to_string),
            outdated: false,
            terminating: false,
        }
    }

    fn observe<'a>(pods: &'a [PodView], desired: i32, outcome: SyncOutcome) -> Observed<'a> {
        Observed {
            generation: Some(1),
            desired_instances: desired,
            pods,
            image: Some("spilo:1".into()),
            outcome,
            master_role: "master",
            rollout: None,
            patroni_config: None,
            patroni_parameters: Vec::new(),
            roles: RolesOutcome::NotAttempted,
            acknowledged: Default::default(),
            origin: OriginOutcome::NotObserved,
            upgrade: UpgradeOutcome::NotObserved,
            archive: ArchiveOutcome::NotObserved,
        }
    }

    #[test]
    fn pausing_keeps_the_status_and_adds_one_condition() {
        let pods = [pod("a-0", true, Some("master"))];
        let now = time("2026-12-01T00:00:00Z");
        let running = compute(&observe(&pods, 1, SyncOutcome::Synced), None, &now);
        let later = time("2026-12-01T01:00:00Z");
        let paused_status = paused(Some(&running), "pgctl.acid.zalan.do/reconcile", &later);
        assert_eq!(
            paused_status.postgres_cluster_status,
            running.postgres_cluster_status
        );
        assert_eq!(
            paused_status.observed_generation,
            running.observed_generation
        );
        let found = condition(&paused_status, PAUSED).expect("Paused");
        assert_eq!(
            (found.status.as_str(), &found.last_transition_time),
            ("True", &later)
        );
        // Paused again later: nothing changes, so nothing is written.
        let again = paused(
            Some(&paused_status),
            "pgctl.acid.zalan.do/reconcile",
            &time("2026-12-01T02:00:00Z"),
        );
        assert_eq!(again, paused_status);
        // Resumed: the computed status has no Paused condition.
        let resumed = compute(
            &observe(&pods, 1, SyncOutcome::Synced),
            Some(&paused_status),
            &later,
        );
        assert!(condition(&resumed, PAUSED).is_none());
    }

    #[test]
    fn scaled_to_zero_is_stopping_then_stopped_and_starts_again() {
        let now = time("2026-12-01T00:00:00Z");
        let pods = [pod("a-0", true, Some("master"))];
        let running = compute(&observe(&pods, 1, SyncOutcome::Synced), None, &now);
        assert_eq!(running.postgres_cluster_status, "Running");

        // The pod is still there: stopping, not yet stopped.
        let stopping = compute(
            &observe(&pods, 0, SyncOutcome::Synced),
            Some(&running),
            &now,
        );
        assert_eq!(stopping.postgres_cluster_status, "Updating");
        assert_eq!(
            condition(&stopping, READY).map(|c| c.reason.as_str()),
            Some("Stopping")
        );
        assert!(condition(&stopping, STOPPED).is_none());

        let stopped = compute(&observe(&[], 0, SyncOutcome::Synced), Some(&stopping), &now);
        assert_eq!(stopped.postgres_cluster_status, "Stopped");
        assert_eq!(
            condition(&stopped, READY).map(|c| (c.status.as_str(), c.reason.as_str())),
            Some(("False", "Stopped"))
        );
        assert_eq!(
            condition(&stopped, STOPPED).map(|c| c.status.as_str()),
            Some("True")
        );
        assert_eq!(
            condition(&stopped, DEGRADED).map(|c| c.status.as_str()),
            Some("False")
        );
        // Nothing changed: the same status, nothing to write.
        let again = compute(
            &observe(&[], 0, SyncOutcome::Synced),
            Some(&stopped),
            &time("2026-12-01T01:00:00Z"),
        );
        assert_eq!(again, stopped);

        // Scaled up again: updating (not creating), and the condition goes.
        let starting = compute(&observe(&[], 1, SyncOutcome::Synced), Some(&stopped), &now);
        assert_eq!(starting.postgres_cluster_status, "Updating");
        assert!(condition(&starting, STOPPED).is_none());
        // A failed sync of a stopped cluster is a failure, not Stopped.
        let failed = compute(
            &observe(&[], 0, SyncOutcome::Failed("boom".into())),
            Some(&stopped),
            &now,
        );
        assert_eq!(failed.postgres_cluster_status, "SyncFailed");
        assert!(condition(&failed, STOPPED).is_none());
    }

    #[test]
    fn gauges_follow_the_status() {
        let now = time("2026-12-01T00:00:00Z");
        let pods = [
            pod("a-0", true, Some("master")),
            pod("a-1", false, Some("replica")),
        ];
        let s = compute(&observe(&pods, 2, SyncOutcome::Synced), None, &now);
        let g = gauges(&s, 2);
        assert_eq!((g.instances, g.ready, g.primary, g.synced), (2, 1, 1, 1));
        assert_eq!(g.backups_healthy, None, "no archive, no gauge");
        let invalid = compute(
            &observe(
                &[],
                2,
                SyncOutcome::Invalid(vec!["spec.teamId: missing".into()]),
            ),
            None,
            &now,
        );
        let g = gauges(&invalid, 2);
        assert_eq!((g.ready, g.primary, g.synced), (0, 0, 0));
    }

    #[test]
    fn new_cluster_without_pods_is_creating() {
        let s = compute(
            &observe(&[], 2, SyncOutcome::Synced),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        assert_eq!(s.postgres_cluster_status, "Creating");
        assert_eq!(
            condition(&s, READY).map(|c| c.status.as_str()),
            Some("False")
        );
        assert_eq!(
            condition(&s, PROGRESSING).map(|c| c.reason.as_str()),
            Some("Scaling")
        );
        assert_eq!(s.observed_generation, Some(1));
    }

    #[test]
    fn all_ready_with_master_is_running_and_ready() {
        let pods = [
            pod("a-0", true, Some("master")),
            pod("a-1", true, Some("replica")),
        ];
        let s = compute(
            &observe(&pods, 2, SyncOutcome::Synced),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        assert_eq!(s.postgres_cluster_status, "Running");
        assert_eq!(s.primary.as_deref(), Some("a-0"));
        assert_eq!((s.instances, s.ready_instances), (Some(2), Some(2)));
        assert_eq!(
            condition(&s, READY).map(|c| c.status.as_str()),
            Some("True")
        );
        assert_eq!(
            condition(&s, DEGRADED).map(|c| c.status.as_str()),
            Some("False")
        );
    }

    #[test]
    fn ready_pods_without_master_are_not_ready() {
        let pods = [pod("a-0", true, None), pod("a-1", true, None)];
        let s = compute(
            &observe(&pods, 2, SyncOutcome::Synced),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        assert_eq!(s.postgres_cluster_status, "Creating");
        assert_eq!(
            condition(&s, READY).map(|c| c.reason.as_str()),
            Some("NoPrimary")
        );
    }

    #[test]
    fn unchanged_observation_gives_an_identical_status() {
        let pods = [pod("a-0", true, Some("master"))];
        let first = compute(
            &observe(&pods, 1, SyncOutcome::Synced),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        let second = compute(
            &observe(&pods, 1, SyncOutcome::Synced),
            Some(&first),
            &time("2026-01-01T01:00:00Z"),
        );
        assert_eq!(first, second);
    }

    #[test]
    fn transition_time_moves_only_when_a_condition_flips() {
        let healthy = [
            pod("a-0", true, Some("master")),
            pod("a-1", true, Some("replica")),
        ];
        let first = compute(
            &observe(&healthy, 2, SyncOutcome::Synced),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        let sick = [
            pod("a-0", true, Some("master")),
            pod("a-1", false, Some("replica")),
        ];
        let later = time("2026-01-01T02:00:00Z");
        let second = compute(
            &observe(&sick, 2, SyncOutcome::Synced),
            Some(&first),
            &later,
        );
        assert_eq!(second.postgres_cluster_status, "Running");
        let degraded = condition(&second, DEGRADED).expect("degraded");
        assert_eq!(
            (degraded.status.as_str(), degraded.reason.as_str()),
            ("True", "InstancesNotReady")
        );
        assert_eq!(degraded.last_transition_time, later);
        let progressing = condition(&second, PROGRESSING).expect("progressing");
        assert_eq!(
            progressing.last_transition_time,
            time("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn invalid_manifest_reports_messages() {
        let s = compute(
            &observe(
                &[],
                2,
                SyncOutcome::Invalid(vec!["spec.users.x: error: bad".into()]),
            ),
            None,
            &time("2026-01-01T00:00:00Z"),
        );
        assert_eq!(s.postgres_cluster_status, "Invalid");
        assert_eq!(s.messages, vec!["spec.users.x: error: bad".to_string()]);
        assert_eq!(
            condition(&s, READY).map(|c| c.reason.as_str()),
            Some("Invalid")
        );
    }

    #[test]
    fn failures_are_create_update_or_sync_failed() {
        let t = time("2026-01-01T00:00:00Z");
        let failed = || SyncOutcome::Failed("boom".into());
        let created = compute(&observe(&[], 1, failed()), None, &t);
        assert_eq!(created.postgres_cluster_status, "CreateFailed");
        let pods = [pod("a-0", true, Some("master"))];
        let running = compute(&observe(&pods, 1, SyncOutcome::Synced), None, &t);
        let same_generation = compute(&observe(&pods, 1, failed()), Some(&running), &t);
        assert_eq!(same_generation.postgres_cluster_status, "SyncFailed");
        let mut next = observe(&pods, 1, failed());
        next.generation = Some(2);
        assert_eq!(
            compute(&next, Some(&running), &t).postgres_cluster_status,
            "UpdateFailed"
        );
    }

    #[test]
    fn outdated_pods_are_a_rollout_in_progress() {
        let t = time("2026-01-01T00:00:00Z");
        let pods = [
            pod("a-0", true, Some("master")),
            pod("a-1", true, Some("replica")),
        ];
        let running = compute(&observe(&pods, 2, SyncOutcome::Synced), None, &t);
        let mut flagged = pods.clone();
        flagged[1].outdated = true;
        let s = compute(
            &observe(&flagged, 2, SyncOutcome::Synced),
            Some(&running),
            &t,
        );
        assert_eq!(s.postgres_cluster_status, "Updating");
        let rollout = s.rollout.clone().expect("rollout");
        assert_eq!((rollout.updated, rollout.total), (1, 2));
        assert_eq!(
            condition(&s, PROGRESSING).map(|c| c.reason.as_str()),
            Some("RollingUpdate")
        );
    }

    #[test]
    fn the_executor_report_is_the_rollout_section_and_a_block_is_degraded() {
        let t = time("2026-01-01T00:00:00Z");
        let pods = [
            pod("a-0", true, Some("master")),
            pod("a-1", true, Some("replica")),
        ];
        let running = compute(&observe(&pods, 2, SyncOutcome::Synced), None, &t);
        let mut flagged = pods.clone();
        flagged[0].outdated = true;
        let mut observed = observe(&flagged, 2, SyncOutcome::Synced);
        observed.rollout = Some(RolloutReport {
            step: "waiting: no healthy replica".into(),
            error: Some("pod a-1 lags".into()),
            blocked: Some("no healthy replica to switch over to".into()),
            intent: None,
            master_move: None,
        });
        let s = compute(&observed, Some(&running), &t);
        let rollout = s.rollout.clone().expect("rollout");
        assert_eq!((rollout.updated, rollout.total), (1, 2));
        assert_eq!(
            rollout.current_step.as_deref(),
            Some("waiting: no healthy replica")
        );
        assert_eq!(rollout.last_error.as_deref(), Some("pod a-1 lags"));
        let degraded = condition(&s, DEGRADED).expect("Degraded");
        assert_eq!(
            (degraded.status.as_str(), degraded.reason.as_str()),
            ("True", "RolloutBlocked")
        );

        // The last outdated pod is gone and its replacement not there yet: still rolling.
        let one = [pod("a-1", true, Some("master"))];
        let mut observed = observe(&one, 2, SyncOutcome::Synced);
        observed.rollout = Some(RolloutReport {
            step: "waiting for 2 pods (now 1)".into(),
            ..RolloutReport::default()
        });
        let s = compute(&observed, Some(&running), &t);
        assert_eq!(s.postgres_cluster_status, "Updating");
        assert_eq!(
            s.rollout.as_ref().map(|r| (r.updated, r.total)),
            Some((1, 2))
        );
        assert_eq!(
            condition(&s, PROGRESSING).map(|c| c.reason.as_str()),
            Some("RollingUpdate")
        );

        // No report (the rollout did not run): the previous step stays while pods are outdated.
        let mut observed = observe(&flagged, 2, SyncOutcome::Synced);
        observed.rollout = Some(RolloutReport {
            step: "replacing replica a-1".into(),
            ..RolloutReport::default()
        });
        let with_step = compute(&observed, Some(&running), &t);
        let kept = compute(
            &observe(&flagged, 2, SyncOutcome::Synced),
            Some(&with_step),
            &t,
        );
        assert_eq!(
            kept.rollout.and_then(|r| r.current_step).as_deref(),
            Some("replacing replica a-1")
        );

        // Restarts for parameters: every pod current and ready, still Updating until done.
        let mut restarting = observe(&pods, 2, SyncOutcome::Synced);
        restarting.rollout = Some(RolloutReport {
            step: "restarting PostgreSQL of replica a-1 for changed parameters".into(),
            ..RolloutReport::default()
        });
        let s = compute(&restarting, Some(&running), &t);
        assert_eq!(s.postgres_cluster_status, "Updating");
        assert_eq!(
            s.rollout.clone().map(|r| (r.updated, r.total)),
            Some((2, 2))
        );
        let done = compute(&observe(&pods, 2, SyncOutcome::Synced), Some(&s), &t);
        assert_eq!(done.postgres_cluster_status, "Running");
    }

    fn synced(warnings: &[&str]) -> RolesOutcome {
        RolesOutcome::Synced {
            message: "2 roles and 1 database in sync".into(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn roles_condition_follows_the_outcome() {
        let t = time("2026-01-01T00:00:00Z");
        let pods = [pod("a-0", true, Some("master"))];
        let without = compute(&observe(&pods, 1, SyncOutcome::Synced), None, &t);
        assert_eq!(condition(&without, ROLES_SYNCED), None);

        let mut waiting = observe(&pods, 1, SyncOutcome::Synced);
        waiting.roles = RolesOutcome::Waiting {
            reason: "NoMaster".into(),
            message: "no master".into(),
        };
        let s = compute(&waiting, None, &t);
        let c = condition(&s, ROLES_SYNCED).expect("RolesSynced");
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("Unknown", "NoMaster")
        );

        let mut standby = observe(&pods, 1, SyncOutcome::Synced);
        standby.roles = RolesOutcome::Skipped {
            reason: "StandbyCluster".into(),
            message: "standby".into(),
        };
        let s = compute(&standby, None, &t);
        assert_eq!(s.postgres_cluster_status, "Running");
        let c = condition(&s, ROLES_SYNCED).expect("RolesSynced");
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", "StandbyCluster")
        );

        let mut ok = observe(&pods, 1, SyncOutcome::Synced);
        ok.roles = synced(&["database \"x\" skipped"]);
        let s = compute(&ok, None, &t);
        assert_eq!(s.postgres_cluster_status, "Running");
        assert_eq!(s.messages, vec!["database \"x\" skipped".to_string()]);
        let c = condition(&s, ROLES_SYNCED).expect("RolesSynced");
        assert_eq!((c.status.as_str(), c.reason.as_str()), ("True", "Synced"));
        assert_eq!(
            condition(&s, DEGRADED).map(|c| c.status.as_str()),
            Some("False")
        );
    }

    #[test]
    fn a_roles_failure_is_a_failed_sync_and_the_condition_survives_a_skipped_run() {
        let t0 = time("2026-01-01T00:00:00Z");
        let t1 = time("2026-01-01T01:00:00Z");
        let pods = [pod("a-0", true, Some("master"))];
        let mut ok = observe(&pods, 1, SyncOutcome::Synced);
        ok.roles = synced(&[]);
        let running = compute(&ok, None, &t0);

        let mut failing = observe(&pods, 1, SyncOutcome::Synced);
        failing.roles = RolesOutcome::Failed {
            reason: "ConnectFailed".into(),
            message: "provisioning roles and databases: refused".into(),
        };
        let failed = compute(&failing, Some(&running), &t1);
        assert_eq!(failed.postgres_cluster_status, "SyncFailed");
        assert_eq!(
            failed.messages,
            vec!["provisioning roles and databases: refused".to_string()]
        );
        let c = condition(&failed, ROLES_SYNCED).expect("RolesSynced");
        assert_eq!(
            (c.status.as_str(), c.reason.as_str()),
            ("False", "ConnectFailed")
        );
        assert_eq!(c.last_transition_time, t1);
        let degraded = condition(&failed, DEGRADED).expect("Degraded");
        assert_eq!(
            (degraded.status.as_str(), degraded.reason.as_str()),
            ("True", "SyncFailed")
        );

        // A reconcile that does not get to provisioning keeps the condition as it was.
        let k8s_failed = observe(&pods, 1, SyncOutcome::Failed("apply failed".into()));
        let s = compute(&k8s_failed, Some(&failed), &time("2026-01-01T02:00:00Z"));
        assert_eq!(condition(&s, ROLES_SYNCED), Some(c));

        // Synced again: True, with a new transition time; then an identical status.
        let recovered = compute(&ok, Some(&failed), &time("2026-01-01T03:00:00Z"));
        assert_eq!(recovered.postgres_cluster_status, "Running");
        let again = compute(&ok, Some(&recovered), &time("2026-01-01T04:00:00Z"));
        assert_eq!(recovered, again);
    }
}
