//! Test fixtures shared by the tests of the rollout modules: pods and Patroni members of a
//! healthy cluster.

use std::time::Duration;

use super::{Member, MemberRole, PatroniCluster, PodState};

pub(super) fn pod(name: &str, role: &str, outdated: bool) -> PodState {
    PodState {
        name: name.into(),
        role: Some(role.into()).filter(|r: &String| !r.is_empty()),
        running: true,
        ready: true,
        outdated,
        terminating: false,
        node: None,
        node_unschedulable: false,
        age: Some(Duration::from_secs(60)),
        terminating_for: None,
    }
}

pub(super) fn member(name: &str, role: &str, lag: Option<u64>) -> Member {
    Member {
        name: name.into(),
        role: MemberRole::parse(role),
        state: if role == "leader" {
            "running"
        } else {
            "streaming"
        }
        .into(),
        lag,
        timeline: Some(1),
        nofailover: false,
        pending_restart: false,
    }
}

/// A healthy 3-instance cluster: a-0 master, a-1 and a-2 replicas.
pub(super) fn patroni() -> PatroniCluster {
    PatroniCluster {
        members: vec![
            member("a-0", "leader", None),
            member("a-1", "replica", Some(0)),
            member("a-2", "replica", Some(0)),
        ],
        paused: false,
    }
}

pub(super) fn cluster(outdated: [bool; 3]) -> Vec<PodState> {
    vec![
        pod("a-0", "master", outdated[0]),
        pod("a-1", "replica", outdated[1]),
        pod("a-2", "replica", outdated[2]),
    ]
}
