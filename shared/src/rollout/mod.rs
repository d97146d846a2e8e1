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
//!
//! The decisions live in submodules, re-exported here: `outdated` (which pods must be
//! replaced), `patroni` (Patroni's view of the cluster), `planner` (the rolling update, the
//! restarts, the wait timeouts), `drain` (moving the master off a drained node) and
//! `dynamic_config` (the `PATCH /config` of Patroni's dynamic configuration); [`intent`] says
//! what became of a Patroni operation the controller started and does not wait for.

mod drain;
mod dynamic_config;
pub mod intent;
mod outdated;
mod patroni;
mod planner;
#[cfg(test)]
mod testing;

pub use drain::{evacuate, move_overdue, node_unschedulable};
pub use dynamic_config::{config_patch, patch_paths};
pub use outdated::{PodState, is_outdated, pod_outdated, template_hash_of};
pub use patroni::{Member, MemberRole, PatroniCluster};
pub use planner::{
    Input, MAX_LAG_BYTES, RestartStep, Step, Wait, next_step, overdue, plan, plan_restart,
    switchover_candidate,
};

pub use crate::naming::ROLLING_UPDATE_FLAG;
