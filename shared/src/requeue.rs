//! When the controller looks at a cluster again, from its status (pure).
//!
//! A settled cluster (Ready, not Progressing) is looked at every `resync_period`. A settling
//! one (creating, scaling, rolling, or not ready) more often, so that its status never waits
//! for a missed event: every `ready_wait_interval` at first, then less often the longer it has
//! been settling (a tenth of that time, at most [`MAX_SETTLING_RECHECK`]). Watch events still
//! trigger a reconcile at once; the periodic check is the safety net, and a cluster that stays
//! unready for hours (a broken data plane, a node gone) does not cost a reconcile every few
//! seconds, which with hundreds of such clusters would starve the others.

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

use crate::crd::PostgresStatus;
use crate::status::condition;

/// The longest interval between checks of a settling cluster.
pub const MAX_SETTLING_RECHECK: Duration = Duration::from_secs(60);

/// How often a cluster whose WAL archive fails is looked at.
pub const ARCHIVE_FAILING_RECHECK: Duration = Duration::from_secs(60);

/// How long to wait before the next periodic reconcile of a cluster with `status`.
pub fn next_check(
    status: &PostgresStatus,
    resync_period: Duration,
    ready_wait_interval: Duration,
    now: Timestamp,
) -> Duration {
    let ready = condition(status, "Ready");
    let progressing = condition(status, "Progressing");
    let settled = ready.is_some_and(|c| c.status == "True")
        && progressing.is_some_and(|c| c.status == "False");
    if settled {
        // A failing WAL archive is looked at again soon, to see it recover.
        if condition(status, crate::backup::CONDITION).is_some_and(|c| c.status == "False") {
            return resync_period.min(ARCHIVE_FAILING_RECHECK);
        }
        return resync_period;
    }
    let since = [ready, progressing]
        .into_iter()
        .flatten()
        .map(|c| c.last_transition_time.0)
        .max();
    let settling_for = since
        .and_then(|t| now.duration_since(t).try_into().ok())
        .unwrap_or(Duration::ZERO);
    (settling_for / 10)
        .clamp(
            ready_wait_interval,
            MAX_SETTLING_RECHECK.max(ready_wait_interval),
        )
        .min(resync_period)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn status(ready: &str, progressing: &str, since: &str) -> PostgresStatus {
        let condition = |type_: &str, status: &str| Condition {
            type_: type_.into(),
            status: status.into(),
            last_transition_time: Time(at(since)),
            message: String::new(),
            reason: "R".into(),
            observed_generation: None,
        };
        PostgresStatus {
            conditions: vec![
                condition("Ready", ready),
                condition("Progressing", progressing),
            ],
            ..PostgresStatus::default()
        }
    }

    const RESYNC: Duration = Duration::from_secs(1800);
    const WAIT: Duration = Duration::from_secs(3);

    #[test]
    fn settled_clusters_wait_for_the_resync_period() {
        let s = status("True", "False", "2026-01-01T00:00:00Z");
        assert_eq!(
            next_check(&s, RESYNC, WAIT, at("2026-01-01T05:00:00Z")),
            RESYNC
        );
    }

    #[test]
    fn settling_clusters_are_checked_less_often_the_longer_they_settle() {
        let s = status("False", "True", "2026-01-01T00:00:00Z");
        let after = |t: &str| next_check(&s, RESYNC, WAIT, at(t));
        assert_eq!(after("2026-01-01T00:00:05Z"), WAIT);
        assert_eq!(after("2026-01-01T00:01:00Z"), Duration::from_secs(6));
        assert_eq!(after("2026-01-01T00:05:00Z"), Duration::from_secs(30));
        assert_eq!(after("2026-01-01T03:00:00Z"), MAX_SETTLING_RECHECK);
        // Never beyond the resync period, nor below the ready wait interval.
        assert_eq!(
            next_check(
                &s,
                Duration::from_secs(20),
                WAIT,
                at("2026-01-01T03:00:00Z")
            ),
            Duration::from_secs(20)
        );
        assert_eq!(
            next_check(&s, RESYNC, WAIT, at("2025-12-31T00:00:00Z")),
            WAIT
        );
    }

    #[test]
    fn a_status_without_conditions_is_checked_soon() {
        let s = PostgresStatus::default();
        assert_eq!(
            next_check(&s, RESYNC, WAIT, at("2026-01-01T00:00:00Z")),
            WAIT
        );
    }
}
