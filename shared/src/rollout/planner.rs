//! The plans: the next step of a rolling update ([`plan`], and [`next_step`] which puts a
//! drain first), the healthiest replica to switch over to ([`switchover_candidate`]), the next
//! in-place restart for parameters that need one ([`plan_restart`]), and when a wait has lasted
//! too long ([`overdue`]). See the documentation of [`crate::rollout`] for the order.

use std::fmt;
use std::time::Duration;

use super::drain::evacuate;
use super::outdated::PodState;
use super::patroni::{Member, PatroniCluster};

/// Largest replication lag (bytes) at which a replica counts as caught up: a replacement must
/// be within it before the next pod goes, and a switchover candidate too. Patroni's own default
/// of `maximum_lag_on_failover`.
pub const MAX_LAG_BYTES: u64 = 1024 * 1024;

/// Everything a step is decided from.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The StatefulSet's replicas.
    pub desired_instances: i32,
    pub pods: &'a [PodState],
    /// `None` when no pod's Patroni API answered.
    pub patroni: Option<&'a PatroniCluster>,
    /// The StatefulSet controller has seen the StatefulSet's latest spec
    /// (`status.observedGeneration` ≥ `metadata.generation`), so a deleted pod is re-created
    /// from the new template.
    pub statefulset_current: bool,
    /// Value of the role label on the master pod (`master`).
    pub master_role: &'a str,
    /// A node other than the master's accepts Postgres pods (it is not cordoned and carries
    /// `node_readiness_label`): where a single instance can go when its node is drained.
    pub spare_node: bool,
    /// The cluster's maintenance windows now ([`crate::window`]): a master leaves a drained
    /// node only while one is open.
    pub window: crate::window::State,
}

/// The next step of a rolling update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing is outdated.
    Done,
    /// Delete this pod (not the master); the StatefulSet re-creates it from the new template.
    ReplaceReplica { pod: String },
    /// Move the master role from `from` to `to` through Patroni.
    Switchover { from: String, to: String },
    /// Delete the master pod of a single-instance cluster: there is no replica to switch over
    /// to, so the cluster is down until the pod is back.
    ReplaceMaster { pod: String },
    /// Nothing can be done safely now.
    Wait(Wait),
}

/// Why a rolling update waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// A pod is being deleted.
    Terminating { pod: String },
    /// Fewer or more pods than instances (a replacement not created yet, or scaling).
    PodCount { pods: usize, desired: i32 },
    /// The StatefulSet controller has not seen the new template yet.
    StatefulSetPending,
    /// A pod that runs the new template is not running, ready and labelled yet.
    NotReady { pod: String, what: &'static str },
    /// No Patroni API answered.
    PatroniUnavailable,
    /// Patroni is in maintenance mode.
    Paused,
    /// A pod has no member in Patroni's view, or its member does not run.
    MemberNotRunning { pod: String, state: String },
    /// A replica has not caught up with the master.
    Lagging { pod: String, lag: Option<u64> },
    /// No member holds the leader key.
    NoLeader,
    /// The leader is not a pod of this cluster.
    LeaderUnknown { leader: String },
    /// The master pod is not ready: replacing a replica now could leave no failover target.
    LeaderNotReady { pod: String },
    /// The role label of a pod does not match Patroni's view yet (right after a switchover).
    LabelsSettling { pod: String },
    /// The master must move but no replica is healthy enough to take over.
    NoHealthyReplica { master: String },
    /// The master sits on a node that is cordoned or lost `node_readiness_label`, and no
    /// healthy replica on another node can take over.
    MasterStranded { master: String, node: String },
    /// The only instance sits on such a node and no other node would take its pod.
    NoSpareNode { master: String, node: String },
    /// The master sits on such a node and a replica could take over, but no maintenance window
    /// is open: the switchover waits for the next one (as the reference schedules it then).
    OutsideMaintenanceWindow {
        master: String,
        node: String,
        /// When the next window opens (seconds since the epoch).
        next: Option<i64>,
    },
    /// `max_concurrent_rollouts` clusters are rolling already
    /// ([`crate::rollout_slots`]).
    Queued { rolling: usize, limit: u32 },
}

impl Wait {
    /// Waits that mean the cluster cannot complete its rollout on its own: condition
    /// `Degraded`.
    pub fn degraded(&self) -> bool {
        matches!(
            self,
            Wait::NoLeader
                | Wait::LeaderNotReady { .. }
                | Wait::NoHealthyReplica { .. }
                | Wait::MasterStranded { .. }
                | Wait::NoSpareNode { .. }
        )
    }

    /// The pod whose progress is awaited, if any.
    pub fn pod(&self) -> Option<&str> {
        match self {
            Wait::Terminating { pod }
            | Wait::NotReady { pod, .. }
            | Wait::MemberNotRunning { pod, .. }
            | Wait::Lagging { pod, .. }
            | Wait::LeaderNotReady { pod }
            | Wait::LabelsSettling { pod } => Some(pod),
            _ => None,
        }
    }
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wait::Terminating { pod } => write!(f, "waiting for pod {pod} to terminate"),
            Wait::PodCount { pods, desired } => {
                write!(f, "waiting for {desired} pods (now {pods})")
            }
            Wait::StatefulSetPending => {
                write!(
                    f,
                    "waiting for the StatefulSet controller to see the new template"
                )
            }
            Wait::NotReady { pod, what } => write!(f, "waiting for pod {pod} to be {what}"),
            Wait::PatroniUnavailable => write!(f, "waiting for Patroni's REST API to answer"),
            Wait::Paused => write!(f, "Patroni is paused (maintenance mode); waiting"),
            Wait::MemberNotRunning { pod, state } => {
                write!(f, "waiting for Patroni member {pod} to run (now {state})")
            }
            // No number: the text stays the same while the replica catches up.
            Wait::Lagging { pod, .. } => write!(
                f,
                "waiting for replica {pod} to catch up with the master (lag above {} KiB or unknown)",
                MAX_LAG_BYTES / 1024
            ),
            Wait::NoLeader => write!(f, "waiting: no Patroni member holds the leader key"),
            Wait::LeaderUnknown { leader } => {
                write!(
                    f,
                    "waiting: the Patroni leader {leader} is not a pod of this cluster"
                )
            }
            Wait::LeaderNotReady { pod } => {
                write!(f, "waiting for the master pod {pod} to be ready")
            }
            Wait::LabelsSettling { pod } => {
                write!(
                    f,
                    "waiting for the role label of pod {pod} to follow Patroni"
                )
            }
            Wait::NoHealthyReplica { master } => write!(
                f,
                "waiting: no healthy replica to switch over to, so master {master} is kept"
            ),
            Wait::MasterStranded { master, node } => write!(
                f,
                "waiting: master {master} must leave node {node} (cordoned or not ready) but no healthy replica on another node can take over"
            ),
            Wait::OutsideMaintenanceWindow { master, node, next } => write!(
                f,
                "master {master} stays on node {node}, which is being drained, until the next maintenance window opens{}",
                next.map(|t| format!(" at {}", crate::window::utc(t)))
                    .unwrap_or_default()
            ),
            Wait::NoSpareNode { master, node } => write!(
                f,
                "waiting: the only instance {master} must leave node {node} (cordoned or not ready) but no other node accepts Postgres pods"
            ),
            Wait::Queued { rolling, limit } => write!(
                f,
                "waiting for its turn: {rolling} clusters are rolling (max_concurrent_rollouts {limit})"
            ),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Done => write!(f, "done"),
            Step::ReplaceReplica { pod } => write!(f, "replacing replica {pod}"),
            Step::Switchover { from, to } => write!(f, "switching over from {from} to {to}"),
            Step::ReplaceMaster { pod } => write!(
                f,
                "restarting the only instance {pod} (no replica: down until it is ready)"
            ),
            Step::Wait(wait) => wait.fmt(f),
        }
    }
}

/// Decides the next step (see the module documentation).
pub fn plan(input: &Input<'_>) -> Step {
    let pods = input.pods;
    if !pods.iter().any(|p| p.outdated) {
        return Step::Done;
    }
    if let Some(pod) = pods.iter().find(|p| p.terminating) {
        return wait(Wait::Terminating {
            pod: pod.name.clone(),
        });
    }
    if pods.len() != usize::try_from(input.desired_instances).unwrap_or(0) {
        return wait(Wait::PodCount {
            pods: pods.len(),
            desired: input.desired_instances,
        });
    }
    if !input.statefulset_current {
        return wait(Wait::StatefulSetPending);
    }
    // Pods that run the new template must be up before anything else goes.
    for pod in pods.iter().filter(|p| !p.outdated) {
        let missing = if !pod.running {
            Some("running")
        } else if !pod.ready {
            Some("ready")
        } else if pod.role.is_none() {
            Some("labelled with its role")
        } else {
            None
        };
        if let Some(what) = missing {
            return wait(Wait::NotReady {
                pod: pod.name.clone(),
                what,
            });
        }
    }

    let Some(patroni) = input.patroni else {
        // A single instance that is not ready serves nothing: replacing it costs nothing, and
        // may be what repairs it (a broken image).
        if let [only] = pods
            && input.desired_instances == 1
            && !only.ready
        {
            return Step::ReplaceMaster {
                pod: only.name.clone(),
            };
        }
        return wait(Wait::PatroniUnavailable);
    };
    if patroni.paused {
        return wait(Wait::Paused);
    }
    for pod in pods.iter().filter(|p| !p.outdated) {
        let Some(member) = patroni.member(&pod.name).filter(|m| m.is_running()) else {
            return wait(Wait::MemberNotRunning {
                pod: pod.name.clone(),
                state: patroni
                    .member(&pod.name)
                    .map_or_else(|| "not a member".to_string(), |m| m.state.clone()),
            });
        };
        if member.role.is_replica() && member.lag.is_none_or(|l| l > MAX_LAG_BYTES) {
            return wait(Wait::Lagging {
                pod: pod.name.clone(),
                lag: member.lag,
            });
        }
    }

    let Some(leader) = patroni.leader() else {
        return wait(Wait::NoLeader);
    };
    let Some(master) = pods.iter().find(|p| p.name == leader.name) else {
        return wait(Wait::LeaderUnknown {
            leader: leader.name.clone(),
        });
    };

    // Outdated replicas first, those that serve nothing (not ready) before the others.
    let mut replicas: Vec<&PodState> = pods
        .iter()
        .filter(|p| p.outdated && p.name != master.name)
        .collect();
    replicas.sort_by_key(|p| (p.ready, p.name.as_str()));
    if let Some(replica) = replicas.first() {
        if replica.role.as_deref() == Some(input.master_role) {
            return wait(Wait::LabelsSettling {
                pod: replica.name.clone(),
            });
        }
        if replica.ready && !(master.ready && leader.is_running()) {
            return wait(Wait::LeaderNotReady {
                pod: master.name.clone(),
            });
        }
        return Step::ReplaceReplica {
            pod: replica.name.clone(),
        };
    }

    // Only the master is outdated.
    if pods.len() == 1 {
        return Step::ReplaceMaster {
            pod: master.name.clone(),
        };
    }
    match switchover_candidate(input, patroni, &master.name, false) {
        Some(candidate) => Step::Switchover {
            from: master.name.clone(),
            to: candidate.to_string(),
        },
        None => wait(Wait::NoHealthyReplica {
            master: master.name.clone(),
        }),
    }
}

pub(super) fn wait(reason: Wait) -> Step {
    Step::Wait(reason)
}

/// The next step of a cluster: moving the master off a drained node ([`evacuate`]) comes
/// before the rolling update ([`plan`]), unless that move must wait while `outdated` pods
/// could be replaced meanwhile.
pub fn next_step(input: &Input<'_>, outdated: bool) -> Step {
    match evacuate(input) {
        Some(Step::Wait(wait)) if outdated => match plan(input) {
            Step::Wait(_) | Step::Done => Step::Wait(wait),
            step => step,
        },
        Some(step) => step,
        None => plan(input),
    }
}

/// The replica to hand the master role to: a streaming, caught-up Patroni replica (not tagged
/// `nofailover`) whose pod is ready, labelled replica, runs the new template (unless
/// `allow_outdated`) and sits on a schedulable node; a synchronous standby first, then the
/// least lag, then by name.
pub fn switchover_candidate<'a>(
    input: &Input<'_>,
    patroni: &'a PatroniCluster,
    master: &str,
    allow_outdated: bool,
) -> Option<&'a str> {
    let mut candidates: Vec<&Member> = patroni
        .members
        .iter()
        .filter(|m| m.name != master && m.can_take_over())
        .filter(|m| {
            input.pods.iter().any(|p| {
                p.name == m.name
                    && p.ready
                    && p.running
                    && (allow_outdated || !p.outdated)
                    && !p.terminating
                    && !p.node_unschedulable
                    && p.role.as_deref() != Some(input.master_role)
            })
        })
        .collect();
    candidates.sort_by_key(|m| m.handover_rank());
    candidates.first().map(|m| m.name.as_str())
}

/// The next restart for parameters that need one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestartStep {
    /// No member has a restart pending.
    Done,
    /// Restart PostgreSQL of this pod through Patroni (`POST /restart`), in place.
    Restart {
        pod: String,
        master: bool,
    },
    Wait(Wait),
}

/// Decides the next restart once every pod runs the current template: the members with a
/// restart pending, replicas first (by name), the master last, one at a time and only while
/// every pod is running, ready, labelled and a running Patroni member.
pub fn plan_restart(input: &Input<'_>) -> RestartStep {
    let Some(patroni) = input.patroni else {
        return RestartStep::Wait(Wait::PatroniUnavailable);
    };
    let pending: Vec<&Member> = patroni
        .members
        .iter()
        .filter(|m| m.pending_restart)
        .collect();
    if pending.is_empty() {
        return RestartStep::Done;
    }
    if patroni.paused {
        return RestartStep::Wait(Wait::Paused);
    }
    let pods = input.pods;
    if let Some(pod) = pods.iter().find(|p| p.terminating) {
        return RestartStep::Wait(Wait::Terminating {
            pod: pod.name.clone(),
        });
    }
    if pods.len() != usize::try_from(input.desired_instances).unwrap_or(0) {
        return RestartStep::Wait(Wait::PodCount {
            pods: pods.len(),
            desired: input.desired_instances,
        });
    }
    for pod in pods {
        let missing = if !pod.running {
            Some("running")
        } else if !pod.ready {
            Some("ready")
        } else if pod.role.is_none() {
            Some("labelled with its role")
        } else {
            None
        };
        if let Some(what) = missing {
            return RestartStep::Wait(Wait::NotReady {
                pod: pod.name.clone(),
                what,
            });
        }
        if let Some(member) = patroni.member(&pod.name).filter(|m| !m.is_running()) {
            return RestartStep::Wait(Wait::MemberNotRunning {
                pod: pod.name.clone(),
                state: member.state.clone(),
            });
        }
    }
    let Some(leader) = patroni.leader() else {
        return RestartStep::Wait(Wait::NoLeader);
    };
    let mut replicas: Vec<&&Member> = pending.iter().filter(|m| m.name != leader.name).collect();
    replicas.sort_by_key(|m| m.name.as_str());
    match replicas.first() {
        Some(replica) => RestartStep::Restart {
            pod: replica.name.clone(),
            master: false,
        },
        None => RestartStep::Restart {
            pod: leader.name.clone(),
            master: true,
        },
    }
}

/// How long a wait may last before it is reported as an error (it keeps waiting: nothing is
/// forced). `label_timeout` is `pod_label_wait_timeout`, `deletion_timeout`
/// `pod_deletion_wait_timeout`. The message holds no elapsed time, so that it stays the same
/// from one reconcile to the next (no status write, no repeated Event).
pub fn overdue(
    wait: &Wait,
    pods: &[PodState],
    label_timeout: Duration,
    deletion_timeout: Duration,
) -> Option<String> {
    let pod = pods.iter().find(|p| Some(p.name.as_str()) == wait.pod())?;
    match wait {
        Wait::Terminating { .. } => {
            pod.terminating_for
                .filter(|t| *t > deletion_timeout)
                .map(|_| {
                    format!(
                        "pod {} is still terminating after pod_deletion_wait_timeout ({}s)",
                        pod.name,
                        deletion_timeout.as_secs()
                    )
                })
        }
        Wait::NotReady { .. } | Wait::MemberNotRunning { .. } | Wait::Lagging { .. } => {
            pod.age.filter(|t| *t > label_timeout).map(|_| {
                format!(
                    "pod {} is not up pod_label_wait_timeout ({}s) after it was created: {wait}",
                    pod.name,
                    label_timeout.as_secs()
                )
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::MemberRole;
    use crate::rollout::testing::{cluster, member, patroni, pod};

    fn decide(pods: &[PodState], patroni: Option<&PatroniCluster>) -> Step {
        plan(&Input {
            desired_instances: i32::try_from(pods.len()).unwrap_or(0),
            pods,
            patroni,
            statefulset_current: true,
            master_role: "master",
            spare_node: true,
            window: Default::default(),
        })
    }

    #[test]
    fn nothing_outdated_is_done_even_without_patroni() {
        assert_eq!(decide(&cluster([false; 3]), None), Step::Done);
    }

    #[test]
    fn replicas_go_first_one_at_a_time_in_name_order() {
        let p = patroni();
        assert_eq!(
            decide(&cluster([true; 3]), Some(&p)),
            Step::ReplaceReplica { pod: "a-1".into() }
        );
        assert_eq!(
            decide(&cluster([true, false, true]), Some(&p)),
            Step::ReplaceReplica { pod: "a-2".into() }
        );
    }

    #[test]
    fn a_not_ready_outdated_replica_goes_before_healthy_ones() {
        let p = patroni();
        let mut pods = cluster([true; 3]);
        pods[2].ready = false;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::ReplaceReplica { pod: "a-2".into() }
        );
    }

    #[test]
    fn the_master_moves_once_every_replica_is_updated() {
        let p = patroni();
        assert_eq!(
            decide(&cluster([true, false, false]), Some(&p)),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-1".into()
            }
        );
    }

    #[test]
    fn the_candidate_is_the_healthiest_replica() {
        let pods = cluster([true, false, false]);
        // Least lag wins.
        let mut p = patroni();
        p.members[1].lag = Some(500);
        p.members[2].lag = Some(10);
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-2".into()
            }
        );
        // A synchronous standby wins over less lag.
        let mut p = patroni();
        p.members[1].role = MemberRole::SyncStandby;
        p.members[1].lag = Some(100);
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-1".into()
            }
        );
        // Not on an unschedulable node.
        let mut cordoned = pods.clone();
        cordoned[1].node_unschedulable = true;
        assert_eq!(
            decide(&cordoned, Some(&patroni())),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-2".into()
            }
        );
        // Not tagged nofailover.
        let mut p = patroni();
        p.members[1].nofailover = true;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-2".into()
            }
        );
        // Streaming: a replica that runs without receiving WAL (still at its base backup, or
        // restoring from the archive) would lose what the master wrote since, even at a small lag.
        let mut p = patroni();
        p.members[1].state = "running".into();
        p.members[1].lag = Some(0);
        p.members[2].lag = Some(100);
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Switchover {
                from: "a-0".into(),
                to: "a-2".into()
            }
        );
    }

    #[test]
    fn without_a_healthy_replica_the_master_stays_and_the_wait_is_degraded() {
        let pods = cluster([true, false, false]);
        let mut p = patroni();
        p.members[1].nofailover = true;
        p.members[2].lag = Some(MAX_LAG_BYTES * 10);
        // a-2 lags: it is a replacement that has not caught up, so the rollout waits for it.
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::Lagging {
                pod: "a-2".into(),
                lag: Some(MAX_LAG_BYTES * 10)
            })
        );
        // Every replica healthy but none eligible (cordoned nodes): degraded, master kept.
        let mut cordoned = pods.clone();
        cordoned[1].node_unschedulable = true;
        cordoned[2].node_unschedulable = true;
        let step = decide(&cordoned, Some(&patroni()));
        assert_eq!(
            step,
            Step::Wait(Wait::NoHealthyReplica {
                master: "a-0".into()
            })
        );
        let Step::Wait(wait) = step else {
            unreachable!()
        };
        assert!(wait.degraded());
        assert!(wait.to_string().contains("master a-0 is kept"));
    }

    #[test]
    fn a_single_instance_restarts_in_place() {
        let pods = vec![pod("a-0", "master", true)];
        let p = PatroniCluster {
            members: vec![member("a-0", "leader", None)],
            paused: false,
        };
        let step = decide(&pods, Some(&p));
        assert_eq!(step, Step::ReplaceMaster { pod: "a-0".into() });
        assert!(step.to_string().contains("down until it is ready"));
        // Without Patroni only when the pod is not ready anyway.
        assert_eq!(decide(&pods, None), Step::Wait(Wait::PatroniUnavailable));
        let mut broken = pods.clone();
        broken[0].ready = false;
        assert_eq!(
            decide(&broken, None),
            Step::ReplaceMaster { pod: "a-0".into() }
        );
    }

    #[test]
    fn without_patroni_nothing_is_deleted() {
        let mut pods = cluster([true; 3]);
        pods[1].ready = false;
        assert_eq!(decide(&pods, None), Step::Wait(Wait::PatroniUnavailable));
    }

    #[test]
    fn a_paused_patroni_pauses_the_rollout() {
        let mut p = patroni();
        p.paused = true;
        assert_eq!(
            decide(&cluster([true; 3]), Some(&p)),
            Step::Wait(Wait::Paused)
        );
    }

    #[test]
    fn waits_while_a_pod_terminates_or_is_missing() {
        let p = patroni();
        let mut pods = cluster([true; 3]);
        pods[1].terminating = true;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::Terminating { pod: "a-1".into() })
        );
        let pods = cluster([true; 3]);
        let step = plan(&Input {
            desired_instances: 3,
            pods: &pods[..2],
            patroni: Some(&p),
            statefulset_current: true,
            master_role: "master",
            spare_node: true,
            window: Default::default(),
        });
        assert_eq!(
            step,
            Step::Wait(Wait::PodCount {
                pods: 2,
                desired: 3
            })
        );
        let step = plan(&Input {
            desired_instances: 3,
            pods: &pods,
            patroni: Some(&p),
            statefulset_current: false,
            master_role: "master",
            spare_node: true,
            window: Default::default(),
        });
        assert_eq!(step, Step::Wait(Wait::StatefulSetPending));
    }

    #[test]
    fn a_replacement_must_be_running_ready_labelled_and_caught_up() {
        let p = patroni();
        let mut pods = cluster([true, false, true]);
        pods[1].running = false;
        pods[1].ready = false;
        pods[1].role = None;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::NotReady {
                pod: "a-1".into(),
                what: "running"
            })
        );
        pods[1].running = true;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::NotReady {
                pod: "a-1".into(),
                what: "ready"
            })
        );
        pods[1].ready = true;
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::NotReady {
                pod: "a-1".into(),
                what: "labelled with its role"
            })
        );
        pods[1].role = Some("replica".into());
        let mut starting = patroni();
        starting.members[1].state = "starting".into();
        assert_eq!(
            decide(&pods, Some(&starting)),
            Step::Wait(Wait::MemberNotRunning {
                pod: "a-1".into(),
                state: "starting".into()
            })
        );
        let mut unknown_lag = patroni();
        unknown_lag.members[1].lag = None;
        assert_eq!(
            decide(&pods, Some(&unknown_lag)),
            Step::Wait(Wait::Lagging {
                pod: "a-1".into(),
                lag: None
            })
        );
        let mut gone = patroni();
        gone.members.remove(1);
        assert_eq!(
            decide(&pods, Some(&gone)),
            Step::Wait(Wait::MemberNotRunning {
                pod: "a-1".into(),
                state: "not a member".into()
            })
        );
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::ReplaceReplica { pod: "a-2".into() }
        );
    }

    #[test]
    fn after_the_switchover_the_old_master_is_replaced_once_its_label_follows() {
        // a-1 became the leader; a-0 still carries the master label for a moment.
        let p = PatroniCluster {
            members: vec![
                member("a-0", "replica", Some(0)),
                member("a-1", "leader", None),
                member("a-2", "replica", Some(0)),
            ],
            paused: false,
        };
        let mut pods = cluster([true, false, false]);
        pods[1].role = Some("replica".into());
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::Wait(Wait::LabelsSettling { pod: "a-0".into() })
        );
        pods[0].role = Some("replica".into());
        pods[1].role = Some("master".into());
        assert_eq!(
            decide(&pods, Some(&p)),
            Step::ReplaceReplica { pod: "a-0".into() }
        );
    }

    #[test]
    fn no_leader_or_a_sick_leader_stops_the_rollout_as_degraded() {
        let pods = cluster([true; 3]);
        let mut p = patroni();
        p.members[0].role = MemberRole::Replica;
        let step = decide(&pods, Some(&p));
        assert_eq!(step, Step::Wait(Wait::NoLeader));
        let mut sick = cluster([true; 3]);
        sick[0].ready = false;
        let step = decide(&sick, Some(&patroni()));
        assert_eq!(step, Step::Wait(Wait::LeaderNotReady { pod: "a-0".into() }));
        let Step::Wait(wait) = step else {
            unreachable!()
        };
        assert!(wait.degraded());
        // The leader is someone else's pod.
        let mut foreign = patroni();
        foreign.members[0].name = "b-0".into();
        assert_eq!(
            decide(&pods, Some(&foreign)),
            Step::Wait(Wait::LeaderUnknown {
                leader: "b-0".into()
            })
        );
    }

    #[test]
    fn an_updated_master_with_outdated_replicas_replaces_the_replicas() {
        // E.g. after a failover to an already replaced pod.
        let mut pods = cluster([false, true, true]);
        pods[0].role = Some("master".into());
        assert_eq!(
            decide(&pods, Some(&patroni())),
            Step::ReplaceReplica { pod: "a-1".into() }
        );
    }

    #[test]
    fn restarts_go_replicas_first_one_at_a_time_and_only_on_a_settled_cluster() {
        let pods = cluster([false; 3]);
        let decide = |patroni: &PatroniCluster, pods: &[PodState]| {
            plan_restart(&Input {
                desired_instances: 3,
                pods,
                patroni: Some(patroni),
                statefulset_current: true,
                master_role: "master",
                spare_node: true,
                window: Default::default(),
            })
        };
        let mut p = patroni();
        assert_eq!(decide(&p, &pods), RestartStep::Done);
        for m in &mut p.members {
            m.pending_restart = true;
        }
        assert_eq!(
            decide(&p, &pods),
            RestartStep::Restart {
                pod: "a-1".into(),
                master: false
            }
        );
        p.members[1].pending_restart = false;
        assert_eq!(
            decide(&p, &pods),
            RestartStep::Restart {
                pod: "a-2".into(),
                master: false
            }
        );
        p.members[2].pending_restart = false;
        assert_eq!(
            decide(&p, &pods),
            RestartStep::Restart {
                pod: "a-0".into(),
                master: true
            }
        );
        // A member restarting, a pod not ready, a pause: wait.
        let mut restarting = p.clone();
        restarting.members[1].state = "restarting".into();
        assert_eq!(
            decide(&restarting, &pods),
            RestartStep::Wait(Wait::MemberNotRunning {
                pod: "a-1".into(),
                state: "restarting".into()
            })
        );
        let mut sick = pods.clone();
        sick[2].ready = false;
        assert_eq!(
            decide(&p, &sick),
            RestartStep::Wait(Wait::NotReady {
                pod: "a-2".into(),
                what: "ready"
            })
        );
        let mut paused = p.clone();
        paused.paused = true;
        assert_eq!(decide(&paused, &pods), RestartStep::Wait(Wait::Paused));
        assert_eq!(
            plan_restart(&Input {
                desired_instances: 3,
                pods: &pods,
                patroni: None,
                statefulset_current: true,
                master_role: "master",
                spare_node: true,
                window: Default::default(),
            }),
            RestartStep::Wait(Wait::PatroniUnavailable)
        );
    }
    #[test]
    fn overdue_waits_are_named_with_their_timeout() {
        let mut pods = cluster([true, false, true]);
        pods[1].ready = false;
        pods[1].age = Some(Duration::from_secs(700));
        let wait = Wait::NotReady {
            pod: "a-1".into(),
            what: "ready",
        };
        let ten_min = Duration::from_secs(600);
        let message = overdue(&wait, &pods, ten_min, ten_min).expect("overdue");
        assert!(
            message.contains("pod_label_wait_timeout (600s)"),
            "{message}"
        );
        pods[1].age = Some(Duration::from_secs(900));
        assert_eq!(
            overdue(&wait, &pods, ten_min, ten_min).as_deref(),
            Some(message.as_str()),
            "the message does not change while the wait goes on"
        );
        pods[1].age = Some(Duration::from_secs(700));
        assert_eq!(
            overdue(&wait, &pods, Duration::from_secs(800), ten_min),
            None
        );
        pods[2].terminating = true;
        pods[2].terminating_for = Some(Duration::from_secs(601));
        let message = overdue(
            &Wait::Terminating { pod: "a-2".into() },
            &pods,
            ten_min,
            ten_min,
        )
        .expect("overdue");
        assert!(message.contains("pod_deletion_wait_timeout"), "{message}");
        assert_eq!(overdue(&Wait::NoLeader, &pods, ten_min, ten_min), None);
    }
}
