//! Rolling updates, decided purely: given the cluster's pods and Patroni's view of its members,
//! [`plan`] says what to do next — one step at a time, so that a controller that restarts
//! half-way decides again from what it observes and never repeats a finished step.
//!
//! The order is the reference operator's, made safe:
//! 1. wait while anything is in flux (a pod terminating or missing, a replacement not yet
//!    running, ready, labelled and a running Patroni member that caught up);
//! 2. replace the outdated replicas one at a time (not-ready ones first: they serve nothing);
//! 3. then switch the master role over to the healthiest replica (running, caught up, least
//!    lag, not on an unschedulable node, a synchronous standby preferred) — the old master is
//!    now an outdated replica and step 2 replaces it;
//! 4. a single-instance cluster has no replica to switch to: its pod is restarted in place,
//!    with downtime, and the step says so.
//!
//! The master is never deleted without a switchover when the cluster has other instances: with
//! no healthy replica the rollout waits and reports itself degraded. Without Patroni's view
//! nothing is deleted at all (apart from the single pod of a one-instance cluster that is not
//! ready anyway).
//!
//! A pod is outdated when it carries [`ROLLING_UPDATE_FLAG`] or its template hash differs from
//! the StatefulSet's ([`is_outdated`]). Both live on the pod, so they are the persistent state
//! of a rollout: a re-created pod carries the new hash and no flag and is never rolled again.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod, PodTemplateSpec};
use serde_json::Value;

use crate::build::TEMPLATE_HASH_ANNOTATION;
use crate::build::statefulset::{CONTAINER_NAME, hash_with_image};
pub use crate::naming::ROLLING_UPDATE_FLAG;

/// Largest replication lag (bytes) at which a replica counts as caught up: a replacement must
/// be within it before the next pod goes, and a switchover candidate too. Patroni's own default
/// of `maximum_lag_on_failover`.
pub const MAX_LAG_BYTES: u64 = 1024 * 1024;

/// Whether a pod must be replaced: it carries the rolling-update flag, or its template hash
/// differs from `desired_hash` (the StatefulSet's). Without a desired hash only the flag
/// counts.
pub fn is_outdated(annotations: &BTreeMap<String, String>, desired_hash: Option<&str>) -> bool {
    annotations.get(ROLLING_UPDATE_FLAG).map(String::as_str) == Some("true")
        || desired_hash.is_some_and(|h| {
            annotations
                .get(TEMPLATE_HASH_ANNOTATION)
                .map(String::as_str)
                != Some(h)
        })
}

/// The template hash of a pod template.
pub fn template_hash_of(template: &PodTemplateSpec) -> Option<&str> {
    template
        .metadata
        .as_ref()?
        .annotations
        .as_ref()?
        .get(TEMPLATE_HASH_ANNOTATION)
        .map(String::as_str)
}

/// Whether `pod` must be replaced to run `desired`, the StatefulSet's pod template
/// ([`is_outdated`]). With `lazy_image` (`enable_lazy_spilo_upgrade`) a pod that differs from
/// the template only by the image of its `postgres` container is not: it picks the new image
/// up whenever it is re-created for another reason.
pub fn pod_outdated(pod: &Pod, desired: Option<&PodTemplateSpec>, lazy_image: bool) -> bool {
    let empty = BTreeMap::new();
    let annotations = pod.metadata.annotations.as_ref().unwrap_or(&empty);
    let desired_hash = desired.and_then(template_hash_of);
    if !is_outdated(annotations, desired_hash) {
        return false;
    }
    let flagged = annotations.get(ROLLING_UPDATE_FLAG).map(String::as_str) == Some("true");
    if flagged || !lazy_image {
        return true;
    }
    let image = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == CONTAINER_NAME))
        .and_then(|c| c.image.as_deref());
    let pod_hash = annotations.get(TEMPLATE_HASH_ANNOTATION);
    let only_the_image = match (desired, image, pod_hash) {
        (Some(desired), Some(image), Some(pod_hash)) => {
            hash_with_image(desired, image).as_ref() == Some(pod_hash)
        }
        _ => false,
    };
    !only_the_image
}

/// One pod of the cluster, as the plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodState {
    pub name: String,
    /// Value of the role label (`master`, `replica`) that Patroni sets.
    pub role: Option<String>,
    /// `status.phase` is `Running`.
    pub running: bool,
    /// The `Ready` condition is true.
    pub ready: bool,
    /// See [`is_outdated`].
    pub outdated: bool,
    /// The pod is being deleted.
    pub terminating: bool,
    /// The node the pod is bound to.
    pub node: Option<String>,
    /// The pod's node is cordoned or lacks `node_readiness_label`.
    pub node_unschedulable: bool,
    /// Time since the pod was created (for the wait timeouts).
    pub age: Option<Duration>,
    /// Time since the pod's deletion began.
    pub terminating_for: Option<Duration>,
}

impl PodState {
    /// Reads a pod: `role_label` is `pod_role_label`, `outdated` says [`pod_outdated`], `now`
    /// is the time in seconds since the epoch.
    pub fn from_pod(
        pod: &Pod,
        role_label: &str,
        outdated: bool,
        node_unschedulable: bool,
        now: i64,
    ) -> Self {
        let status = pod.status.as_ref();
        let since = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
            t.map(|t| Duration::from_secs(u64::try_from(now - t.0.as_second()).unwrap_or(0)))
        };
        PodState {
            name: pod.metadata.name.clone().unwrap_or_default(),
            role: pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(role_label))
                .cloned(),
            running: status.and_then(|s| s.phase.as_deref()) == Some("Running"),
            ready: status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
            outdated,
            terminating: pod.metadata.deletion_timestamp.is_some(),
            node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
            node_unschedulable,
            age: since(pod.metadata.creation_timestamp.as_ref()),
            terminating_for: since(pod.metadata.deletion_timestamp.as_ref()),
        }
    }
}

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
    fn parse(role: &str) -> Self {
        match role {
            "leader" | "master" | "primary" => MemberRole::Leader,
            "standby_leader" | "standby-leader" => MemberRole::StandbyLeader,
            "sync_standby" | "sync-standby" => MemberRole::SyncStandby,
            "replica" => MemberRole::Replica,
            other => MemberRole::Other(other.to_string()),
        }
    }

    fn is_leader(&self) -> bool {
        matches!(self, MemberRole::Leader | MemberRole::StandbyLeader)
    }

    fn is_replica(&self) -> bool {
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

fn wait(reason: Wait) -> Step {
    Step::Wait(reason)
}

/// The step that moves the master off a node being drained (cordoned, or without
/// `node_readiness_label`) before its pods are evicted — the PodDisruptionBudget holds the
/// master's eviction until then. `None` when the master's node is fine or no master is known.
///
/// - With other instances: a switchover to the healthiest replica on a schedulable node
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

/// The replica to hand the master role to: a running, caught-up Patroni replica (not tagged
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
        .filter(|m| m.name != master && m.role.is_replica() && m.is_running() && !m.nofailover)
        .filter(|m| m.lag.is_some_and(|l| l <= MAX_LAG_BYTES))
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
    candidates.sort_by_key(|m| {
        (
            m.role != MemberRole::SyncStandby,
            m.lag.unwrap_or(u64::MAX),
            m.name.as_str(),
        )
    });
    candidates.first().map(|m| m.name.as_str())
}

/// The part of `desired` (Patroni's dynamic configuration, `bootstrap.dcs`) that `live`
/// (`GET /config`) lacks or holds otherwise, as a JSON merge patch for `PATCH /config`; `None`
/// when `live` holds all of it. Objects compare key by key, scalars by their text (`"100"`
/// matches `100`). Settings that are only in `live` are left alone.
pub fn config_patch(desired: &Value, live: &Value) -> Option<Value> {
    match (desired, live) {
        (Value::Object(want), Value::Object(have)) => {
            let patch: serde_json::Map<String, Value> = want
                .iter()
                .filter_map(|(key, value)| {
                    let patch = match have.get(key) {
                        Some(current) => config_patch(value, current)?,
                        None if value.is_null() => return None,
                        None => value.clone(),
                    };
                    Some((key.clone(), patch))
                })
                .collect();
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (Value::Object(_), _) => Some(desired.clone()),
        (want, have) if scalar_text(want) == scalar_text(have) => None,
        (want, _) => Some(want.clone()),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The settings a patch changes, as dotted paths (`postgresql.parameters.work_mem`).
pub fn patch_paths(patch: &Value) -> Vec<String> {
    fn walk(value: &Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, value) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(value, &path, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let mut out = Vec::new();
    walk(patch, "", &mut out);
    out
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
    use serde_json::json;

    fn pod(name: &str, role: &str, outdated: bool) -> PodState {
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

    fn member(name: &str, role: &str, lag: Option<u64>) -> Member {
        Member {
            name: name.into(),
            role: MemberRole::parse(role),
            state: "running".into(),
            lag,
            timeline: Some(1),
            nofailover: false,
            pending_restart: false,
        }
    }

    /// A healthy 3-instance cluster: a-0 master, a-1 and a-2 replicas.
    fn patroni() -> PatroniCluster {
        PatroniCluster {
            members: vec![
                member("a-0", "leader", None),
                member("a-1", "replica", Some(0)),
                member("a-2", "replica", Some(0)),
            ],
            paused: false,
        }
    }

    fn decide(pods: &[PodState], patroni: Option<&PatroniCluster>) -> Step {
        plan(&Input {
            desired_instances: i32::try_from(pods.len()).unwrap_or(0),
            pods,
            patroni,
            statefulset_current: true,
            master_role: "master",
            spare_node: true,
        })
    }

    fn cluster(outdated: [bool; 3]) -> Vec<PodState> {
        vec![
            pod("a-0", "master", outdated[0]),
            pod("a-1", "replica", outdated[1]),
            pod("a-2", "replica", outdated[2]),
        ]
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
    fn outdated_means_flagged_or_another_hash() {
        let annotations = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let current = annotations(&[(TEMPLATE_HASH_ANNOTATION, "h1")]);
        assert!(!is_outdated(&current, Some("h1")));
        assert!(is_outdated(&current, Some("h2")));
        assert!(!is_outdated(&current, None));
        let flagged = annotations(&[
            (TEMPLATE_HASH_ANNOTATION, "h1"),
            (ROLLING_UPDATE_FLAG, "true"),
        ]);
        assert!(is_outdated(&flagged, Some("h1")));
        assert!(is_outdated(&annotations(&[]), Some("h1")));
    }

    #[test]
    fn a_lazy_upgrade_leaves_pods_that_differ_only_by_the_image() {
        let template = |image: &str, cpu: &str| -> PodTemplateSpec {
            let mut t: PodTemplateSpec = serde_json::from_value(json!({
                "spec": {"containers": [
                    {"name": "postgres", "image": image, "resources": {"requests": {"cpu": cpu}}}
                ]}
            }))
            .expect("template");
            let hash = crate::build::statefulset::template_hash(t.spec.as_ref().expect("spec"))
                .expect("hash");
            t.metadata = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                annotations: Some(BTreeMap::from([(
                    TEMPLATE_HASH_ANNOTATION.to_string(),
                    hash,
                )])),
                ..Default::default()
            });
            t
        };
        let pod_of = |t: &PodTemplateSpec| Pod {
            metadata: t.metadata.clone().unwrap_or_default(),
            spec: t.spec.clone(),
            status: None,
        };
        let old = pod_of(&template("spilo:1", "100m"));
        let new_image = template("spilo:2", "100m");
        let new_cpu = template("spilo:2", "200m");
        assert!(pod_outdated(&old, Some(&new_image), false));
        assert!(!pod_outdated(&old, Some(&new_image), true));
        assert!(pod_outdated(&old, Some(&new_cpu), true));
        assert!(!pod_outdated(
            &old,
            Some(&template("spilo:1", "100m")),
            false
        ));
        // A flag always counts.
        let mut flagged = old.clone();
        flagged
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(ROLLING_UPDATE_FLAG.to_string(), "true".to_string());
        assert!(pod_outdated(&flagged, Some(&new_image), true));
    }

    #[test]
    fn the_config_patch_holds_what_differs_and_nothing_else() {
        let desired = json!({
            "ttl": 30,
            "postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}},
        });
        let live = json!({
            "ttl": "30",
            "loop_wait": 10,
            "postgresql": {
                "parameters": {"work_mem": "4MB", "max_connections": 100, "other": "x"},
                "use_pg_rewind": true,
            },
        });
        let patch = config_patch(&desired, &live).expect("a patch");
        assert_eq!(
            patch,
            json!({"postgresql": {"parameters": {"work_mem": "8MB"}}})
        );
        assert_eq!(patch_paths(&patch), vec!["postgresql.parameters.work_mem"]);
        assert_eq!(
            config_patch(
                &desired,
                &json!({"ttl": 30, "postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}}})
            ),
            None
        );
        // Missing sections come whole.
        assert_eq!(
            config_patch(&desired, &json!({"ttl": 30})),
            Some(
                json!({"postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}}})
            )
        );
        assert_eq!(config_patch(&json!({}), &live), None);
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
            }),
            RestartStep::Wait(Wait::PatroniUnavailable)
        );
    }

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

    #[test]
    fn reads_pods_and_nodes() {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {
                "name": "a-1",
                "labels": {"spilo-role": "replica"},
                "annotations": {TEMPLATE_HASH_ANNOTATION: "old"},
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "deletionTimestamp": "2026-01-01T00:01:00Z"
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .expect("pod");
        let now = "2026-01-01T00:02:00Z"
            .parse::<k8s_openapi::jiff::Timestamp>()
            .expect("time")
            .as_second();
        let desired: PodTemplateSpec = serde_json::from_value(json!({
            "metadata": {"annotations": {TEMPLATE_HASH_ANNOTATION: "new"}}
        }))
        .expect("template");
        let outdated = pod_outdated(&pod, Some(&desired), false);
        let state = PodState::from_pod(&pod, "spilo-role", outdated, false, now);
        assert_eq!(state.role.as_deref(), Some("replica"));
        assert!(state.running && state.ready && state.outdated && state.terminating);
        assert_eq!(state.age, Some(Duration::from_secs(120)));
        assert_eq!(state.terminating_for, Some(Duration::from_secs(60)));

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
}
