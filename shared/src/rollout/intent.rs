//! Patroni operations that take seconds to minutes (a switchover, a restart, members applying a
//! new dynamic configuration) are never waited for by a worker: the controller records the
//! operation as an intent in `status.rollout.intent`, starts it, and requeues; each later pass
//! asks [`progress`] what became of it. Because the intent lives in the API, a restarted
//! controller observes the same operation, with the same deadline, instead of starting another.

use crate::crd::PatroniIntent;

use super::patroni::PatroniCluster;

pub const SWITCHOVER: &str = "switchover";
pub const RESTART: &str = "restart";
pub const CONFIGURE: &str = "configure";

impl PatroniIntent {
    pub fn switchover(from: &str, to: &str, now: i64) -> Self {
        PatroniIntent {
            action: SWITCHOVER.to_string(),
            member: Some(to.to_string()),
            from: Some(from.to_string()),
            since: now,
            reason: None,
        }
    }

    pub fn restart(member: &str, now: i64) -> Self {
        PatroniIntent {
            action: RESTART.to_string(),
            member: Some(member.to_string()),
            from: None,
            since: now,
            reason: None,
        }
    }

    pub fn configure(now: i64) -> Self {
        PatroniIntent {
            action: CONFIGURE.to_string(),
            member: None,
            from: None,
            since: now,
            reason: None,
        }
    }

    /// Whether this is the switchover from `from` to `to`.
    pub fn is_switchover(&self, from: &str, to: &str) -> bool {
        self.action == SWITCHOVER
            && self.from.as_deref() == Some(from)
            && self.member.as_deref() == Some(to)
    }
}

/// What became of an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Done, as Patroni reports it.
    Done,
    /// Still under way, within its time.
    Waiting { waited: i64 },
    /// Not done within `limit` seconds: the step may be decided (and started) again.
    Overdue { waited: i64 },
}

/// What became of a switchover at `now` (seconds), allowed `limit` seconds, given the member
/// that leads now (by Patroni's view, or by the pods' role labels, which Patroni sets): done
/// when it is the candidate.
pub fn switchover_progress(
    intent: &PatroniIntent,
    leader: Option<&str>,
    now: i64,
    limit: i64,
) -> Progress {
    let waited = now.saturating_sub(intent.since).max(0);
    if leader.is_some() && leader == intent.member.as_deref() {
        Progress::Done
    } else if waited >= limit {
        Progress::Overdue { waited }
    } else {
        Progress::Waiting { waited }
    }
}

/// What became of `intent` at `now` (seconds), given Patroni's view, allowed `limit` seconds.
/// - a switchover is done when its candidate is the running leader;
/// - a restart is done when its member runs without a restart pending;
/// - a configuration is applied by every member when all of them flag the restart it needs,
///   or when `limit` (two Patroni cycles) has passed, as some changes need no restart.
pub fn progress(
    intent: &PatroniIntent,
    patroni: Option<&PatroniCluster>,
    now: i64,
    limit: i64,
) -> Progress {
    let waited = now.saturating_sub(intent.since).max(0);
    let member = intent.member.as_deref();
    let done = match intent.action.as_str() {
        SWITCHOVER => {
            let leader = patroni
                .and_then(PatroniCluster::leader)
                .filter(|l| l.is_running())
                .map(|l| l.name.as_str());
            return switchover_progress(intent, leader, now, limit);
        }
        RESTART => patroni
            .and_then(|p| p.member(member?))
            .is_some_and(|m| m.is_running() && !m.pending_restart),
        CONFIGURE => {
            if waited >= limit {
                return Progress::Done;
            }
            patroni.is_some_and(|p| {
                !p.members.is_empty() && p.members.iter().all(|m| m.pending_restart)
            })
        }
        // An intent of a newer controller: nothing this one waits for.
        _ => true,
    };
    if done {
        Progress::Done
    } else if waited >= limit {
        Progress::Overdue { waited }
    } else {
        Progress::Waiting { waited }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::{Member, MemberRole};

    fn member(name: &str, role: MemberRole, state: &str, pending: bool) -> Member {
        Member {
            name: name.into(),
            role,
            state: state.into(),
            lag: Some(0),
            timeline: Some(1),
            nofailover: false,
            pending_restart: pending,
        }
    }

    fn cluster(members: Vec<Member>) -> PatroniCluster {
        PatroniCluster {
            members,
            ..PatroniCluster::default()
        }
    }

    #[test]
    fn a_switchover_is_done_when_the_candidate_leads() {
        let intent = PatroniIntent::switchover("a-0", "a-1", 100);
        let before = cluster(vec![
            member("a-0", MemberRole::Leader, "running", false),
            member("a-1", MemberRole::Replica, "streaming", false),
        ]);
        assert_eq!(
            progress(&intent, Some(&before), 110, 60),
            Progress::Waiting { waited: 10 }
        );
        assert_eq!(
            progress(&intent, Some(&before), 161, 60),
            Progress::Overdue { waited: 61 }
        );
        assert_eq!(
            progress(&intent, None, 110, 60),
            Progress::Waiting { waited: 10 }
        );
        let after = cluster(vec![
            member("a-0", MemberRole::Replica, "streaming", false),
            member("a-1", MemberRole::Leader, "running", false),
        ]);
        assert_eq!(progress(&intent, Some(&after), 161, 60), Progress::Done);
        assert!(intent.is_switchover("a-0", "a-1"));
        assert!(!intent.is_switchover("a-0", "a-2"));
    }

    #[test]
    fn a_restart_is_done_when_nothing_is_pending() {
        let intent = PatroniIntent::restart("a-1", 100);
        let pending = cluster(vec![member("a-1", MemberRole::Replica, "streaming", true)]);
        let restarting = cluster(vec![member("a-1", MemberRole::Replica, "starting", false)]);
        let done = cluster(vec![member("a-1", MemberRole::Replica, "streaming", false)]);
        assert!(matches!(
            progress(&intent, Some(&pending), 105, 60),
            Progress::Waiting { .. }
        ));
        assert!(matches!(
            progress(&intent, Some(&restarting), 105, 60),
            Progress::Waiting { .. }
        ));
        assert_eq!(progress(&intent, Some(&done), 105, 60), Progress::Done);
    }

    #[test]
    fn a_configuration_waits_for_every_member_or_its_limit() {
        let intent = PatroniIntent::configure(100);
        let some = cluster(vec![
            member("a-0", MemberRole::Leader, "running", true),
            member("a-1", MemberRole::Replica, "streaming", false),
        ]);
        let all = cluster(vec![
            member("a-0", MemberRole::Leader, "running", true),
            member("a-1", MemberRole::Replica, "streaming", true),
        ]);
        assert!(matches!(
            progress(&intent, Some(&some), 110, 22),
            Progress::Waiting { .. }
        ));
        assert_eq!(progress(&intent, Some(&all), 110, 22), Progress::Done);
        assert_eq!(progress(&intent, Some(&some), 122, 22), Progress::Done);
    }
}
