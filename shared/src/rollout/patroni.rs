//! Patroni's view of the cluster (`GET /cluster`): its members, their roles, state and lag,
//! and whether Patroni is paused. Read from JSON; the plans decide from it.

use serde_json::Value;

/// Role of a Patroni member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberRole {
    /// Holds the leader key: the master (`leader`, formerly `master`).
    Leader,
    /// The leader of a standby cluster.
    StandbyLeader,
    /// A synchronous standby.
    SyncStandby,
    Replica,
    Other(String),
}

impl MemberRole {
    pub(super) fn parse(role: &str) -> Self {
        match role {
            "leader" | "master" | "primary" => MemberRole::Leader,
            "standby_leader" | "standby-leader" => MemberRole::StandbyLeader,
            "sync_standby" | "sync-standby" => MemberRole::SyncStandby,
            "replica" => MemberRole::Replica,
            other => MemberRole::Other(other.to_string()),
        }
    }

    pub fn is_leader(&self) -> bool {
        matches!(self, MemberRole::Leader | MemberRole::StandbyLeader)
    }

    pub fn is_replica(&self) -> bool {
        matches!(self, MemberRole::Replica | MemberRole::SyncStandby)
    }
}

/// One member of Patroni's `GET /cluster`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member name: the pod's name.
    pub name: String,
    pub role: MemberRole,
    /// `running`, `streaming`, `starting`, `stopped`, `crashed`, …
    pub state: String,
    /// Replication lag in bytes; `None` when Patroni reports it `unknown` (or for the leader).
    pub lag: Option<u64>,
    pub timeline: Option<u64>,
    /// Tagged `nofailover`: never a switchover candidate.
    pub nofailover: bool,
    /// PostgreSQL must restart to apply a changed parameter.
    pub pending_restart: bool,
}

impl Member {
    /// PostgreSQL runs and (for a replica) replicates.
    pub fn is_running(&self) -> bool {
        matches!(self.state.as_str(), "running" | "streaming")
    }

    /// A replica receives WAL from the leader right now (Patroni 3+ reports `streaming`; a
    /// replica that only runs may still be at its base backup or restoring from the archive).
    pub fn is_streaming(&self) -> bool {
        self.state == "streaming"
    }

    /// A replica that could take the master role without losing writes: streaming, within
    /// [`MAX_LAG_BYTES`](super::MAX_LAG_BYTES), not tagged `nofailover`.
    pub fn can_take_over(&self) -> bool {
        self.role.is_replica()
            && self.is_streaming()
            && !self.nofailover
            && self.lag.is_some_and(|l| l <= super::MAX_LAG_BYTES)
    }

    /// Order among candidates, best first: a synchronous standby, then the least lag, then the
    /// name.
    pub fn handover_rank(&self) -> (bool, u64, &str) {
        (
            self.role != MemberRole::SyncStandby,
            self.lag.unwrap_or(u64::MAX),
            self.name.as_str(),
        )
    }
}

/// Patroni's view of the cluster (`GET /cluster`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatroniCluster {
    pub members: Vec<Member>,
    /// Maintenance mode (`patronictl pause`): Patroni does nothing automatically, and neither
    /// does the rollout.
    pub paused: bool,
}

impl PatroniCluster {
    /// Reads the JSON of `GET /cluster`.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let members = value
            .get("members")
            .and_then(Value::as_array)
            .ok_or_else(|| "no \"members\" list in Patroni's /cluster answer".to_string())?;
        let members = members
            .iter()
            .map(|m| {
                let name = m
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| "a member without \"name\" in /cluster".to_string())?;
                Ok(Member {
                    name: name.to_string(),
                    role: MemberRole::parse(m.get("role").and_then(Value::as_str).unwrap_or("")),
                    state: m
                        .get("state")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown")
                        .to_string(),
                    lag: m.get("lag").and_then(Value::as_u64),
                    timeline: m.get("timeline").and_then(Value::as_u64),
                    nofailover: m
                        .get("tags")
                        .and_then(|t| t.get("nofailover"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    pending_restart: m
                        .get("pending_restart")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(PatroniCluster {
            members,
            paused: value.get("pause").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// The member holding the leader key, if any.
    pub fn leader(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.role.is_leader())
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_patroni_cluster_json() {
        let view = PatroniCluster::from_json(&json!({"members": [
            {"name": "a-0", "role": "leader", "state": "running", "timeline": 2},
            {"name": "a-1", "role": "sync_standby", "state": "streaming", "timeline": 2, "lag": 0,
             "tags": {"nofailover": true}},
            {"name": "a-2", "role": "replica", "state": "running", "lag": "unknown",
             "pending_restart": true},
        ], "pause": true}))
        .expect("valid");
        assert!(view.paused);
        assert_eq!(view.leader().map(|m| m.name.as_str()), Some("a-0"));
        let a1 = view.member("a-1").expect("a-1");
        assert_eq!(
            (&a1.role, a1.lag, a1.nofailover, a1.is_running()),
            (&MemberRole::SyncStandby, Some(0), true, true)
        );
        assert_eq!(view.member("a-2").and_then(|m| m.lag), None);
        assert!(view.member("a-2").is_some_and(|m| m.pending_restart));
        assert!(!a1.pending_restart);
        assert_eq!(view.members[0].timeline, Some(2));
        assert!(PatroniCluster::from_json(&json!({"x": 1})).is_err());
        assert!(PatroniCluster::from_json(&json!({"members": [{"role": "leader"}]})).is_err());
    }
}
