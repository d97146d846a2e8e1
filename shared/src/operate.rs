//! Day-2 operations a person asks of Patroni through `pgctl` (switchover, failover, restart,
//! reload, reinit, history): which members, in which order, checked against Patroni's view (`GET /cluster`)
//! before anything is sent. Pure; the CLI does the requests.

use std::fmt;

use crate::rollout::{MAX_LAG_BYTES, Member, PatroniCluster};

/// Why an operation is refused before it is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Patroni is paused (maintenance mode): it would not act.
    Paused,
    /// No member holds the leader key.
    NoLeader,
    /// `--to` names no member of the cluster.
    NotAMember { pod: String, members: Vec<String> },
    /// `--to` names the leader itself.
    AlreadyLeader { pod: String },
    /// The candidate does not stream from the leader (or lags): promoting it would lose writes.
    NotCaughtUp {
        pod: String,
        state: String,
        lag: Option<u64>,
    },
    /// The candidate is tagged `nofailover`.
    NoFailover { pod: String },
    /// No replica could take over.
    NoCandidate,
    /// A pod named for a restart is not a member.
    Unknown { pod: String, members: Vec<String> },
    /// A reinit names the leader: its data is the cluster's.
    ReinitLeader { pod: String },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Paused => write!(
                f,
                "Patroni is paused (maintenance mode): resume it first ('patronictl resume')"
            ),
            Refusal::NoLeader => write!(f, "no member holds the leader key"),
            Refusal::NotAMember { pod, members } | Refusal::Unknown { pod, members } => write!(
                f,
                "{pod:?} is not a member of the cluster (members: {})",
                members.join(", ")
            ),
            Refusal::AlreadyLeader { pod } => write!(f, "{pod} is already the master"),
            Refusal::NotCaughtUp { pod, state, lag } => write!(
                f,
                "{pod} is not a caught-up streaming replica (state {state}, lag {}): promoting it would lose writes",
                lag.map_or_else(|| "unknown".to_string(), |l| format!("{l} bytes"))
            ),
            Refusal::NoFailover { pod } => write!(f, "{pod} is tagged nofailover"),
            Refusal::ReinitLeader { pod } => write!(
                f,
                "{pod} is the master: only a replica is rebuilt from it (switch over first)"
            ),
            Refusal::NoCandidate => write!(
                f,
                "no replica streams from the master within {} MiB: nothing can take over without losing writes",
                MAX_LAG_BYTES / (1024 * 1024)
            ),
        }
    }
}

fn names(cluster: &PatroniCluster) -> Vec<String> {
    cluster.members.iter().map(|m| m.name.clone()).collect()
}

/// A switchover: the leader and the candidate to hand over to. With `to`, that member, if it is
/// a caught-up streaming replica not tagged `nofailover`; without, the best such replica (a
/// synchronous standby first, then the least lag, then by name) — named explicitly, so that
/// Patroni never picks a replica that merely runs.
pub fn switchover(cluster: &PatroniCluster, to: Option<&str>) -> Result<(String, String), Refusal> {
    if cluster.paused {
        return Err(Refusal::Paused);
    }
    let leader = cluster.leader().ok_or(Refusal::NoLeader)?;
    let candidate = match to {
        Some(pod) => {
            let member = cluster.member(pod).ok_or_else(|| Refusal::NotAMember {
                pod: pod.to_string(),
                members: names(cluster),
            })?;
            if member.role.is_leader() {
                return Err(Refusal::AlreadyLeader {
                    pod: pod.to_string(),
                });
            }
            if member.nofailover {
                return Err(Refusal::NoFailover {
                    pod: pod.to_string(),
                });
            }
            if !member.can_take_over() {
                return Err(Refusal::NotCaughtUp {
                    pod: pod.to_string(),
                    state: member.state.clone(),
                    lag: member.lag,
                });
            }
            member
        }
        None => cluster
            .members
            .iter()
            .filter(|m| m.can_take_over())
            .min_by_key(|m| m.handover_rank())
            .ok_or(Refusal::NoCandidate)?,
    };
    Ok((leader.name.clone(), candidate.name.clone()))
}

/// A failover to `to`: for when the leader is gone or unhealthy, so only membership, the
/// leader and `nofailover` are checked (Patroni itself refuses a candidate that does not run).
pub fn failover(cluster: &PatroniCluster, to: &str) -> Result<String, Refusal> {
    if cluster.paused {
        return Err(Refusal::Paused);
    }
    let member = cluster.member(to).ok_or_else(|| Refusal::NotAMember {
        pod: to.to_string(),
        members: names(cluster),
    })?;
    if member.role.is_leader() {
        return Err(Refusal::AlreadyLeader {
            pod: to.to_string(),
        });
    }
    if member.nofailover {
        return Err(Refusal::NoFailover {
            pod: to.to_string(),
        });
    }
    Ok(member.name.clone())
}

/// The members to restart (or reload), `pods` or all of them, replicas before the leader so
/// that the master restarts last, each once.
pub fn restart_order(cluster: &PatroniCluster, pods: &[String]) -> Result<Vec<String>, Refusal> {
    for pod in pods {
        if cluster.member(pod).is_none() {
            return Err(Refusal::Unknown {
                pod: pod.clone(),
                members: names(cluster),
            });
        }
    }
    let mut chosen: Vec<&Member> = cluster
        .members
        .iter()
        .filter(|m| pods.is_empty() || pods.contains(&m.name))
        .collect();
    chosen.sort_by_key(|m| (m.role.is_leader(), m.name.clone()));
    Ok(chosen.into_iter().map(|m| m.name.clone()).collect())
}

/// The member to rebuild from the leader (`POST /reinitialize`): a replica of the cluster.
pub fn reinit(cluster: &PatroniCluster, pod: &str) -> Result<String, Refusal> {
    let member = cluster.member(pod).ok_or_else(|| Refusal::Unknown {
        pod: pod.to_string(),
        members: names(cluster),
    })?;
    if member.role.is_leader() {
        return Err(Refusal::ReinitLeader {
            pod: pod.to_string(),
        });
    }
    if cluster.leader().is_none() {
        return Err(Refusal::NoLeader);
    }
    Ok(member.name.clone())
}

/// One timeline switch of the cluster, from Patroni's `GET /history`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineSwitch {
    /// The timeline that ended.
    pub timeline: u64,
    /// Where it ended (WAL position, `X/Y`).
    pub lsn: String,
    pub reason: String,
    /// When (Patroni's time, RFC 3339), when it recorded it.
    pub at: Option<String>,
    /// The member that became leader, when Patroni recorded it.
    pub new_leader: Option<String>,
}

/// Reads Patroni's `GET /history`: a list of `[timeline, lsn, reason, timestamp, new_leader]`
/// (the last two since Patroni 1.6/2.1), the LSN as a number.
pub fn history(value: &serde_json::Value) -> Result<Vec<TimelineSwitch>, String> {
    let rows = value
        .as_array()
        .ok_or_else(|| "Patroni's /history answer is not a list".to_string())?;
    rows.iter()
        .map(|row| {
            let field = |i: usize| row.as_array().and_then(|r| r.get(i));
            let timeline = field(0)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("a /history row without a timeline: {row}"))?;
            let lsn = field(1)
                .and_then(serde_json::Value::as_u64)
                .map(|l| format!("{:X}/{:X}", l >> 32, l & 0xFFFF_FFFF))
                .unwrap_or_else(|| "?".to_string());
            let text = |i: usize| {
                field(i)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string)
            };
            Ok(TimelineSwitch {
                timeline,
                lsn,
                reason: text(2).unwrap_or_default(),
                at: text(3),
                new_leader: text(4),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn history_rows_read_with_or_without_their_newer_fields() {
        let value = json!([
            [1, 50331808u64, "no recovery target specified"],
            [
                2,
                0x1_0000_0028u64,
                "no recovery target specified",
                "2026-12-05T02:00:00+00:00",
                "a-1"
            ],
        ]);
        let switches = history(&value).expect("rows");
        assert_eq!(switches[0].timeline, 1);
        assert_eq!(switches[0].lsn, "0/30000A0");
        assert_eq!(switches[0].new_leader, None);
        assert_eq!(switches[1].lsn, "1/28");
        assert_eq!(switches[1].new_leader.as_deref(), Some("a-1"));
        assert!(history(&json!({"x": 1})).is_err());
        assert!(history(&json!([["x"]])).is_err());
    }

    #[test]
    fn reinit_takes_a_replica_only() {
        let c = cluster();
        assert_eq!(reinit(&c, "a-1"), Ok("a-1".into()));
        assert_eq!(
            reinit(&c, "a-0"),
            Err(Refusal::ReinitLeader { pod: "a-0".into() })
        );
        assert!(matches!(reinit(&c, "a-9"), Err(Refusal::Unknown { .. })));
    }

    fn cluster() -> PatroniCluster {
        let value = json!({"members": [
            {"name": "a-0", "role": "leader", "state": "running", "timeline": 2},
            {"name": "a-1", "role": "replica", "state": "streaming", "timeline": 2, "lag": 40},
            {"name": "a-2", "role": "replica", "state": "streaming", "timeline": 2, "lag": 0},
        ]});
        PatroniCluster::from_json(&value).unwrap_or_default()
    }

    #[test]
    fn a_switchover_goes_to_the_best_caught_up_replica_or_the_one_named() {
        let c = cluster();
        assert_eq!(switchover(&c, None), Ok(("a-0".into(), "a-2".into())));
        assert_eq!(
            switchover(&c, Some("a-1")),
            Ok(("a-0".into(), "a-1".into()))
        );
        assert_eq!(
            switchover(&c, Some("a-0")),
            Err(Refusal::AlreadyLeader { pod: "a-0".into() })
        );
        assert!(matches!(
            switchover(&c, Some("b-9")),
            Err(Refusal::NotAMember { ref members, .. }) if members.len() == 3
        ));
    }

    #[test]
    fn a_switchover_never_promotes_a_replica_that_does_not_stream() {
        let mut c = cluster();
        c.members[1].state = "running".into();
        c.members[2].lag = Some(MAX_LAG_BYTES + 1);
        assert_eq!(switchover(&c, None), Err(Refusal::NoCandidate));
        let refused = switchover(&c, Some("a-1"));
        assert!(
            matches!(refused, Err(Refusal::NotCaughtUp { ref state, .. }) if state == "running")
        );
        assert!(
            refused
                .err()
                .is_some_and(|r| r.to_string().contains("would lose writes"))
        );
        c.paused = true;
        assert_eq!(switchover(&c, None), Err(Refusal::Paused));
    }

    #[test]
    fn a_failover_checks_membership_and_nofailover_only() {
        let mut c = cluster();
        c.members[1].state = "running".into();
        assert_eq!(failover(&c, "a-1"), Ok("a-1".into()));
        c.members[1].nofailover = true;
        assert_eq!(
            failover(&c, "a-1"),
            Err(Refusal::NoFailover { pod: "a-1".into() })
        );
    }

    #[test]
    fn restarts_go_replicas_first_and_the_master_last() {
        let c = cluster();
        assert_eq!(
            restart_order(&c, &[]),
            Ok(vec!["a-1".into(), "a-2".into(), "a-0".into()])
        );
        assert_eq!(
            restart_order(&c, &["a-0".into(), "a-2".into()]),
            Ok(vec!["a-2".into(), "a-0".into()])
        );
        assert!(matches!(
            restart_order(&c, &["x".into()]),
            Err(Refusal::Unknown { .. })
        ));
    }
}
