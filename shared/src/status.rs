//! The status of a cluster, computed from what was observed. Pure: the time is passed in, and
//! a condition's `lastTransitionTime` only moves when the condition's status flips, so an
//! unchanged cluster computes an identical status and no write is needed.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::crd::{PostgresStatus, RolloutStatus, cluster_status};

/// Condition types.
pub const READY: &str = "Ready";
pub const PROGRESSING: &str = "Progressing";
pub const DEGRADED: &str = "Degraded";

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
    /// Step of a rolling update in progress, if the rollout executor reported one.
    pub rollout_step: Option<String>,
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
    let all_ready = ready == desired && instances == desired && (desired == 0 || primary.is_some());
    let previous_string = previous.map(|s| s.postgres_cluster_status.as_str());
    let was_running = matches!(
        previous_string,
        Some(
            cluster_status::RUNNING
                | cluster_status::UPDATING
                | cluster_status::UPDATE_FAILED
                | cluster_status::SYNC_FAILED
        )
    );
    let new_generation = previous.and_then(|s| s.observed_generation) != observed.generation;

    let mut messages = Vec::new();
    let string = match &observed.outcome {
        SyncOutcome::Invalid(problems) => {
            messages.extend(problems.iter().cloned());
            cluster_status::INVALID
        }
        SyncOutcome::Failed(message) => {
            messages.push(message.clone());
            if !was_running {
                cluster_status::CREATE_FAILED
            } else if new_generation || previous_string == Some(cluster_status::UPDATE_FAILED) {
                cluster_status::UPDATE_FAILED
            } else {
                cluster_status::SYNC_FAILED
            }
        }
        SyncOutcome::Synced => {
            if all_ready && outdated == 0 {
                cluster_status::RUNNING
            } else if was_running && (outdated > 0 || instances != desired) {
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
        _ if desired == 0 => (
            "False",
            "ScaledToZero",
            "numberOfInstances is 0".to_string(),
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
        } else if outdated > 0 {
            (
                "True",
                "RollingUpdate",
                format!("{outdated} of {instances} pods still run an older pod template"),
            )
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
    let degraded = match &observed.outcome {
        SyncOutcome::Failed(message) => Some(("SyncFailed", message.clone())),
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
    let conditions = vec![
        condition(READY, ready_status, ready_reason, ready_message),
        condition(
            PROGRESSING,
            progressing_status,
            progressing_reason,
            progressing_message,
        ),
        condition(DEGRADED, degraded_status, degraded_reason, degraded_message),
    ];

    let rollout = (outdated > 0).then(|| RolloutStatus {
        updated: instances - outdated,
        total: instances,
        current_step: observed.rollout_step.clone(),
        last_error: match &observed.outcome {
            SyncOutcome::Failed(message) => Some(message.clone()),
            _ => None,
        },
    });

    PostgresStatus {
        postgres_cluster_status: string.to_string(),
        observed_generation: observed.generation,
        conditions,
        instances: Some(instances),
        ready_instances: Some(ready),
        primary,
        image: observed.image.clone(),
        rollout,
        messages,
    }
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
            rollout_step: None,
        }
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
}
