//! Draining a node: whether a node takes no new master ([`node_unschedulable`]), the step that
//! moves the master off a drained node before its eviction ([`evacuate`]), and when that move
//! has waited too long ([`move_overdue`]).

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Node;

use super::planner::{Input, Step, Wait, switchover_candidate, wait};

/// Whether no new master should be placed on `node`: it is cordoned, or it lacks one of the
/// `node_readiness_label` labels.
pub fn node_unschedulable(node: &Node, readiness_labels: &BTreeMap<String, String>) -> bool {
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    let labels = node.metadata.labels.as_ref();
    let not_ready = readiness_labels
        .iter()
        .any(|(k, v)| labels.and_then(|l| l.get(k)) != Some(v));
    cordoned || not_ready
}

/// The step that moves the master off a node being drained (cordoned, or without
/// `node_readiness_label`) before its pods are evicted — the PodDisruptionBudget holds the
/// master's eviction until then. `None` when the master's node is fine or no master is known.
///
/// - With other instances: while a maintenance window is open ([`Wait::OutsideMaintenanceWindow`]
///   otherwise: the master stays until the next one, as in the reference, whose drains
///   schedule the switchover then), a switchover to the healthiest replica on a schedulable node
///   ([`switchover_candidate`]; one that still runs an older template will do, a drain does
///   not wait for a rollout). With none, wait ([`Wait::MasterStranded`], degraded): replicas
///   on the drained node are left to the eviction, and their replacements on other nodes
///   become candidates.
/// - A single instance has no replica: its pod is deleted so that it starts again on another
///   node ([`Step::ReplaceMaster`], downtime reported) — but only when another node would take
///   it ([`Wait::NoSpareNode`] otherwise).
pub fn evacuate(input: &Input<'_>) -> Option<Step> {
    let pods = input.pods;
    let master = pods
        .iter()
        .find(|p| p.role.as_deref() == Some(input.master_role) && !p.terminating)?;
    if !master.node_unschedulable {
        return None;
    }
    let node = master.node.clone().unwrap_or_else(|| "unknown".to_string());
    if pods.len() == 1 && input.desired_instances <= 1 {
        return Some(if input.spare_node {
            Step::ReplaceMaster {
                pod: master.name.clone(),
            }
        } else {
            wait(Wait::NoSpareNode {
                master: master.name.clone(),
                node,
            })
        });
    }
    let Some(patroni) = input.patroni else {
        return Some(wait(Wait::PatroniUnavailable));
    };
    if patroni.paused {
        return Some(wait(Wait::Paused));
    }
    match patroni.leader() {
        Some(leader) if leader.name == master.name => {}
        Some(_) => {
            return Some(wait(Wait::LabelsSettling {
                pod: master.name.clone(),
            }));
        }
        None => return Some(wait(Wait::NoLeader)),
    }
    Some(
        match switchover_candidate(input, patroni, &master.name, true) {
            Some(_) if !input.window.open => wait(Wait::OutsideMaintenanceWindow {
                master: master.name.clone(),
                node,
                next: input.window.next,
            }),
            Some(candidate) => Step::Switchover {
                from: master.name.clone(),
                to: candidate.to_string(),
            },
            None => wait(Wait::MasterStranded {
                master: master.name.clone(),
                node,
            }),
        },
    )
}

/// The rollout's error once a master has waited longer than `master_pod_move_timeout` to
/// leave a drained node ([`Wait::MasterStranded`], [`Wait::NoSpareNode`]); `None` for other
/// waits or while there is time. The message stays the same while the wait goes on.
pub fn move_overdue(wait: &Wait, waited: Duration, timeout: Duration) -> Option<String> {
    let (Wait::MasterStranded { master, node } | Wait::NoSpareNode { master, node }) = wait else {
        return None;
    };
    (waited > timeout).then(|| {
        format!(
            "master {master} has not left node {node} within master_pod_move_timeout ({}s): the PodDisruptionBudget keeps blocking its eviction; add a replica on a ready node, or uncordon the node",
            timeout.as_secs()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::testing::{cluster, patroni, pod};
    use crate::rollout::{MemberRole, PatroniCluster, PodState};
    use serde_json::json;

    fn drain(
        pods: &[PodState],
        patroni: Option<&PatroniCluster>,
        spare_node: bool,
    ) -> Option<Step> {
        evacuate(&Input {
            desired_instances: i32::try_from(pods.len()).unwrap_or(0),
            pods,
            patroni,
            statefulset_current: true,
            master_role: "master",
            spare_node,
            window: Default::default(),
        })
    }

    fn cordoned(mut pod: PodState, node: &str) -> PodState {
        pod.node = Some(node.into());
        pod.node_unschedulable = true;
        pod
    }

    #[test]
    fn a_master_on_a_schedulable_node_stays() {
        let p = patroni();
        assert_eq!(drain(&cluster([false; 3]), Some(&p), true), None);
        // Replicas on a cordoned node are left to the eviction.
        let mut pods = cluster([false; 3]);
        pods[1] = cordoned(pods[1].clone(), "n1");
        assert_eq!(drain(&pods, Some(&p), true), None);
    }

    #[test]
    fn a_master_on_a_cordoned_node_switches_over_to_a_replica_elsewhere() {
        let mut p = patroni();
        p.members[1].lag = Some(4096);
        let mut pods = cluster([false; 3]);
        pods[0] = cordoned(pods[0].clone(), "n0");
        // The least lag wins.
        assert_eq!(
            drain(&pods, Some(&p), true),
            Some(Step::Switchover {
                from: "a-0".into(),
                to: "a-2".into()
            })
        );
        // A replica on the same drained node is no candidate.
        pods[2] = cordoned(pods[2].clone(), "n0");
        assert_eq!(
            drain(&pods, Some(&p), true),
            Some(Step::Switchover {
                from: "a-0".into(),
                to: "a-1".into()
            })
        );
    }

    #[test]
    fn outside_a_maintenance_window_the_master_waits_for_the_next_one() {
        let p = patroni();
        let mut pods = cluster([false; 3]);
        pods[0] = cordoned(pods[0].clone(), "n0");
        let closed = crate::window::State {
            open: false,
            next: Some(1_796_457_600),
        };
        let step = evacuate(&Input {
            desired_instances: 3,
            pods: &pods,
            patroni: Some(&p),
            statefulset_current: true,
            master_role: "master",
            spare_node: true,
            window: closed,
        })
        .expect("a step");
        let Step::Wait(wait) = step else {
            panic!("expected a wait, got {step:?}")
        };
        assert!(!wait.degraded(), "waiting for a window is no fault");
        assert!(
            wait.to_string()
                .contains("until the next maintenance window opens at 2026-12-05T08:00:00Z"),
            "{wait}"
        );
        // The move timeout does not run while the master waits for a window.
        assert_eq!(
            move_overdue(&wait, Duration::from_secs(86_400), Duration::from_secs(60)),
            None
        );
        // A single instance is replaced at once, as in the reference.
        let single = [cordoned(pods[0].clone(), "n0")];
        let step = evacuate(&Input {
            desired_instances: 1,
            pods: &single,
            patroni: Some(&p),
            statefulset_current: true,
            master_role: "master",
            spare_node: true,
            window: closed,
        });
        assert_eq!(step, Some(Step::ReplaceMaster { pod: "a-0".into() }));
    }

    #[test]
    fn a_drain_takes_a_replica_that_still_runs_an_older_template() {
        let p = patroni();
        let mut pods = cluster([true, true, true]);
        pods[0] = cordoned(pods[0].clone(), "n0");
        assert_eq!(
            drain(&pods, Some(&p), true),
            Some(Step::Switchover {
                from: "a-0".into(),
                to: "a-1".into()
            })
        );
    }

    #[test]
    fn without_a_healthy_replica_elsewhere_the_master_stays_and_the_cluster_is_degraded() {
        let mut p = patroni();
        let mut pods = cluster([false; 3]);
        pods[0] = cordoned(pods[0].clone(), "n0");
        pods[1] = cordoned(pods[1].clone(), "n0");
        p.members[2].state = "starting".into();
        let step = drain(&pods, Some(&p), true).expect("a step");
        let Step::Wait(wait) = step else {
            panic!("expected a wait, got {step:?}")
        };
        assert_eq!(
            wait,
            Wait::MasterStranded {
                master: "a-0".into(),
                node: "n0".into()
            }
        );
        assert!(wait.degraded());
        assert!(wait.to_string().contains("node n0"), "{wait}");
        // A replica tagged nofailover is never a candidate either.
        p.members[2].state = "running".into();
        p.members[2].nofailover = true;
        assert!(matches!(
            drain(&pods, Some(&p), true),
            Some(Step::Wait(Wait::MasterStranded { .. }))
        ));
    }

    #[test]
    fn a_drain_waits_for_patroni_and_for_labels_to_follow_it() {
        let mut pods = cluster([false; 3]);
        pods[0] = cordoned(pods[0].clone(), "n0");
        assert_eq!(
            drain(&pods, None, true),
            Some(Step::Wait(Wait::PatroniUnavailable))
        );
        let mut p = patroni();
        p.paused = true;
        assert_eq!(drain(&pods, Some(&p), true), Some(Step::Wait(Wait::Paused)));
        // Right after a switchover the old master still carries the master label.
        let mut p = patroni();
        p.members[0].role = MemberRole::Replica;
        p.members[1].role = MemberRole::Leader;
        assert_eq!(
            drain(&pods, Some(&p), true),
            Some(Step::Wait(Wait::LabelsSettling { pod: "a-0".into() }))
        );
    }

    #[test]
    fn a_single_instance_moves_with_downtime_only_when_another_node_takes_it() {
        let pods = vec![cordoned(pod("a-0", "master", false), "n0")];
        assert_eq!(
            drain(&pods, None, true),
            Some(Step::ReplaceMaster { pod: "a-0".into() })
        );
        let step = drain(&pods, None, false);
        assert_eq!(
            step,
            Some(Step::Wait(Wait::NoSpareNode {
                master: "a-0".into(),
                node: "n0".into()
            }))
        );
    }

    #[test]
    fn a_stranded_master_is_an_error_after_master_pod_move_timeout() {
        let wait = Wait::MasterStranded {
            master: "a-0".into(),
            node: "n0".into(),
        };
        let limit = Duration::from_secs(1200);
        assert_eq!(move_overdue(&wait, Duration::from_secs(60), limit), None);
        let message = move_overdue(&wait, Duration::from_secs(1201), limit).expect("overdue");
        assert!(
            message.contains("master_pod_move_timeout (1200s)"),
            "{message}"
        );
        assert!(message.contains("node n0"), "{message}");
        assert_eq!(
            move_overdue(&Wait::NoLeader, Duration::from_secs(9999), limit),
            None
        );
    }

    #[test]
    fn reads_nodes() {
        let node: Node = serde_json::from_value(json!({
            "metadata": {"name": "n", "labels": {"ready": "yes"}},
            "spec": {"unschedulable": false}
        }))
        .expect("node");
        let wanted = BTreeMap::from([("ready".to_string(), "yes".to_string())]);
        assert!(!node_unschedulable(&node, &wanted));
        let other = BTreeMap::from([("ready".to_string(), "no".to_string())]);
        assert!(node_unschedulable(&node, &other));
        let mut cordoned = node.clone();
        cordoned.spec.get_or_insert_default().unschedulable = Some(true);
        assert!(node_unschedulable(&cordoned, &BTreeMap::new()));
    }
}
