//! The rolling-update executor: one step of [`pgctl_shared::rollout::plan`] per reconcile,
//! and only the I/O around it.
//!
//! 1. Observe: the cluster's pods (cache), their nodes (cordoned or lacking
//!    `node_readiness_label`), whether the StatefulSet controller has seen the latest template,
//!    and Patroni's `GET /cluster` (asked of every pod at once, the master's answer preferred,
//!    each within `patroni_api_check_timeout`).
//! 2. Decide: [`rollout::plan`].
//! 3. Act, at most once:
//!    - replace a pod: read it live first (same uid, not terminating, still outdated — so a
//!      stale cache can never make a replaced pod go again), then delete it with a uid
//!      precondition; the StatefulSet re-creates it from the new template;
//!    - switch over: `POST /switchover` to the master's Patroni with leader and candidate, sent
//!      in the background; the pass records the switchover in `status.rollout.intent` and
//!      requeues. Later passes (of this process or of the next one) observe it: done when the
//!      candidate carries the master role label, failed when Patroni refused it or it is not
//!      done within `PATRONI_ACTION_TIMEOUT` plus `patroni_api_check_timeout`;
//!    - wait: report why; a wait that outlasts `pod_label_wait_timeout` (a replacement not
//!      running, ready, labelled or caught up) or `pod_deletion_wait_timeout` (a pod still
//!      terminating) becomes the rollout's last error and a warning Event, and keeps waiting.
//!
//! The state of a rollout lives on the pods (their template hash and the rolling-update flag)
//! and in the status (the Patroni operation under way, since when a master waits to leave a
//! drained node), so a restarted controller decides again from what it sees, continuing what
//! was started. Only the refusal of a background request and the rollout slots are kept in
//! memory (the slots are rebuilt from the status: rollouts half done go first).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, Preconditions};
use kube::core::DynamicObject;
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::{Api, ResourceExt};
use pgctl_shared::build;
use pgctl_shared::build::spilo;
use pgctl_shared::build::statefulset::CONTAINER_NAME;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::PostgresStatus;
use pgctl_shared::crd::{MasterMove, PatroniIntent};
use pgctl_shared::origin;
use pgctl_shared::rollout::{
    self, Input, PatroniCluster, PodState, RestartStep, Step, Wait, intent,
};
use pgctl_shared::status::RolloutReport;
use serde_json::{Value, json};

use crate::context::Context;
use crate::events::Reason;
use crate::patroni::{self, PatroniError};

/// How long Patroni may take to answer `POST /switchover` or `POST /restart`: it answers once
/// the candidate has taken over (a few of its loop cycles, `loop_wait` 10 s in Spilo) or
/// PostgreSQL is back.
pub const PATRONI_ACTION_TIMEOUT: Duration = Duration::from_secs(60);

pub use crate::error::RolloutError;

/// What one rollout pass did.
#[derive(Debug, Default)]
pub struct Pass {
    /// The rollout section for the status; `None` when nothing is outdated.
    pub report: Option<RolloutReport>,
    /// A pod was deleted or the master moved: the cluster is in flux.
    pub acted: bool,
    /// When to look again while the rollout goes on.
    pub requeue: Option<Duration>,
    /// The step failed: the reconcile returns it, for the backoff.
    pub error: Option<RolloutError>,
    /// `status.patroniConfig` to record: the dynamic configuration is in the DCS and no
    /// restart is pending. `None`: keep the previous value.
    pub patroni_config: Option<(String, Vec<String>)>,
    /// No pod is outdated: [`sync_config`] may run.
    pub current: bool,
}

impl Pass {
    /// A pass that took (`acted`) or waited on `step`, to look again after `requeue`.
    fn stepped(step: String, acted: bool, requeue: Duration) -> Self {
        Self {
            report: Some(RolloutReport {
                step,
                ..RolloutReport::default()
            }),
            acted,
            requeue: Some(requeue),
            ..Self::default()
        }
    }
}

/// What the executor needs to know about the cluster.
pub struct Cluster<'a> {
    pub object: &'a DynamicObject,
    pub namespace: &'a str,
    pub name: &'a str,
    /// The desired pod template (the StatefulSet's).
    pub template: Option<&'a PodTemplateSpec>,
    /// The StatefulSet's replicas.
    pub instances: i32,
    pub previous: Option<&'a PostgresStatus>,
}

/// The maintenance windows of the cluster: its `spec.maintenanceWindows`, else the
/// configuration's.
pub fn maintenance_windows(
    object: &DynamicObject,
    config: &OperatorConfig,
) -> pgctl_shared::window::Effective {
    let spec: Vec<String> = object
        .data
        .pointer("/spec/maintenanceWindows")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    config.maintenance_windows_of(Some(&spec))
}

/// Runs one step of the rolling update of `cluster`.
pub async fn run(ctx: &Context, config: &OperatorConfig, cluster: &Cluster<'_>) -> Pass {
    let pods: Vec<Arc<Pod>> = ctx
        .stores
        .pods
        .of_cluster(config, cluster.namespace, cluster.name);
    let lazy = config.enable_lazy_spilo_upgrade;
    let is_outdated = |pod: &Pod| rollout::pod_outdated(pod, cluster.template, lazy);
    let outdated = pods.iter().any(|p| is_outdated(p));
    let previous_rollout = cluster.previous.and_then(|s| s.rollout.as_ref());
    let key = format!("{}/{}", cluster.namespace, cluster.name);
    let quick = config
        .patroni_api_check_interval
        .max(Duration::from_secs(1));
    // A switchover asked earlier (by this process or one before it) is observed, never asked
    // again while it may still happen.
    if let Some(intent) = previous_rollout
        .and_then(|r| r.intent.as_ref())
        .filter(|i| i.action == intent::SWITCHOVER)
        && let Some(pass) =
            observe_switchover(ctx, config, cluster, &key, &pods, intent, quick).await
    {
        return pass;
    }
    let unschedulable = unschedulable_nodes(ctx, config, &pods);
    let master_node = pods
        .iter()
        .find(|p| is_master(p, config) && p.metadata.deletion_timestamp.is_none())
        .and_then(|p| p.spec.as_ref()?.node_name.as_deref());
    let stranded = master_node.is_some_and(|n| unschedulable.contains(n));
    if !outdated {
        ctx.with_slots(|slots| slots.release(&key));
    }
    if !outdated && !stranded {
        return Pass {
            current: true,
            ..Pass::default()
        };
    }

    let now = Timestamp::now().as_second();
    let states: Vec<PodState> = pods
        .iter()
        .map(|p| {
            let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
            PodState::from_pod(
                p,
                &config.pod_role_label,
                is_outdated(p),
                node.is_some_and(|n| unschedulable.contains(n)),
                now,
            )
        })
        .collect();
    let statefulset_current = ctx
        .stores
        .statefulsets
        .get(&crate::objects::at(
            cluster.namespace,
            &pgctl_shared::naming::statefulset(cluster.name),
        ))
        .is_some_and(|sts| observed_current(&sts));
    let (patroni, patroni_error) = patroni_view(config, &pods).await;
    let window = maintenance_windows(cluster.object, config).state(now);
    let input = Input {
        desired_instances: cluster.instances,
        pods: &states,
        patroni: patroni.as_ref(),
        statefulset_current,
        master_role: build::MASTER_ROLE,
        spare_node: spare_node(ctx, config, master_node),
        window,
    };
    // A drain does not wait for a rollout, nor for a slot: pods are replaced in
    // max_concurrent_rollouts clusters at a time.
    let started = previous_rollout.is_some_and(|r| r.updated > 0 && r.updated < r.total);
    let step = ctx.with_slots(|slots| {
        slots.gate(
            &key,
            rollout::next_step(&input, outdated),
            started,
            stranded,
            ctx.max_concurrent_rollouts,
            std::time::Instant::now(),
        )
    });
    tracing::debug!(%step, "rollout step");
    let previous_step = previous_rollout.and_then(|r| r.current_step.as_deref());
    let previous_error = previous_rollout.and_then(|r| r.last_error.as_deref());

    match step {
        Step::Done => Pass {
            current: true,
            ..Pass::default()
        },
        Step::Wait(wait) => {
            let overdue = rollout::overdue(
                &wait,
                &states,
                config.pod_label_wait_timeout,
                config.pod_deletion_wait_timeout,
            );
            // A pod that is not up within its timeout blocks the rollout as much as a missing
            // leader: the cluster is degraded until it is.
            let stuck = overdue.is_some();
            // Since when the master waits to leave its node: from the status, so that a
            // restarted controller keeps the deadline.
            let master_move = match &wait {
                Wait::MasterStranded { master, .. } | Wait::NoSpareNode { master, .. } => {
                    let since = previous_rollout
                        .and_then(|r| r.master_move.as_ref())
                        .filter(|m| &m.master == master)
                        .map_or(now, |m| m.since);
                    Some(MasterMove {
                        master: master.clone(),
                        since,
                    })
                }
                _ => None,
            };
            let stranded_for = master_move.as_ref().map_or(Duration::ZERO, |m| {
                Duration::from_secs(now.saturating_sub(m.since).max(0).unsigned_abs())
            });
            let error = overdue
                .or_else(|| {
                    rollout::move_overdue(&wait, stranded_for, config.master_pod_move_timeout)
                })
                .or_else(|| {
                    (wait == Wait::PatroniUnavailable)
                        .then(|| patroni_error.map(|e| e.to_string()))
                        .flatten()
                });
            let text = wait.to_string();
            if wait.degraded() && previous_step != Some(text.as_str()) {
                tracing::warn!("{text}");
                crate::events::publish(
                    ctx,
                    cluster.object,
                    EventType::Warning,
                    Reason::RolloutBlocked,
                    &text,
                )
                .await;
            }
            if matches!(wait, Wait::OutsideMaintenanceWindow { .. })
                && previous_step != Some(text.as_str())
            {
                tracing::info!("{text}");
                crate::events::publish(
                    ctx,
                    cluster.object,
                    EventType::Normal,
                    Reason::MaintenanceWindow,
                    &text,
                )
                .await;
            }
            if let Some(error) = &error
                && previous_error != Some(error.as_str())
                && wait != Wait::PatroniUnavailable
            {
                tracing::warn!("{error}");
                crate::events::publish(
                    ctx,
                    cluster.object,
                    EventType::Warning,
                    Reason::RolloutStalled,
                    error,
                )
                .await;
            }
            Pass {
                report: Some(RolloutReport {
                    step: text.clone(),
                    error,
                    blocked: (wait.degraded() || stuck).then_some(text),
                    intent: None,
                    master_move,
                }),
                acted: false,
                requeue: Some(if let Wait::OutsideMaintenanceWindow { next, .. } = &wait {
                    // Look again when the window opens (a resync comes earlier anyway).
                    let until = next.map_or(config.resync_period, |t| {
                        Duration::from_secs(t.saturating_sub(now).max(0).unsigned_abs() + 1)
                    });
                    until.min(config.resync_period)
                } else if matches!(wait, Wait::Queued { .. }) {
                    // Hundreds of clusters may queue: look again now and then.
                    config.ready_wait_interval.max(Duration::from_secs(5))
                } else if wait.degraded() || wait == Wait::PatroniUnavailable {
                    config.ready_wait_interval.max(quick)
                } else {
                    quick
                }),
                error: None,
                current: !outdated,
                ..Pass::default()
            }
        }
        Step::ReplaceReplica { ref pod } | Step::ReplaceMaster { ref pod } => {
            let master = matches!(step, Step::ReplaceMaster { .. });
            // The only instance leaves a drained node whether or not it is outdated.
            let moving = master && stranded;
            let text = if moving {
                format!(
                    "moving the only instance {pod} off node {} (no replica: down until it is ready elsewhere)",
                    master_node.unwrap_or("unknown")
                )
            } else {
                step.to_string()
            };
            match replace(ctx, cluster, pod, lazy, moving).await {
                Ok(true) => {
                    let (type_, reason, note) = if moving {
                        (
                            EventType::Warning,
                            Reason::MovingOnlyInstance,
                            format!(
                                "deleting pod {pod}, the only instance, so that it starts on another node than {}: the cluster is down until it is ready",
                                master_node.unwrap_or("unknown")
                            ),
                        )
                    } else if master {
                        (
                            EventType::Warning,
                            Reason::RestartingOnlyInstance,
                            format!(
                                "deleting pod {pod}, the only instance, to re-create it from the new template: the cluster is down until it is ready"
                            ),
                        )
                    } else {
                        (
                            EventType::Normal,
                            Reason::ReplacingPod,
                            format!(
                                "deleting replica pod {pod} to re-create it from the new template"
                            ),
                        )
                    };
                    tracing::info!(pod = %pod, "{note}");
                    crate::events::publish_about(
                        ctx,
                        cluster.object,
                        type_,
                        reason,
                        &note,
                        Some(pod_reference(cluster.namespace, pod)),
                    )
                    .await;
                    Pass::stepped(text, true, quick)
                }
                Ok(false) => Pass::stepped(text, false, quick),
                Err(error) => failed(ctx, cluster, text, error, quick).await,
            }
        }
        Step::Switchover { ref from, ref to } => {
            let why = if stranded {
                format!(
                    " to move the master off node {}",
                    master_node.unwrap_or("unknown")
                )
            } else {
                String::new()
            };
            let text = format!("{step}{why}");
            match start_switchover(ctx, config, &key, &pods, from, to) {
                Ok(mut intent) => {
                    intent.reason = (!why.is_empty()).then(|| why.trim().to_string());
                    tracing::info!(from, to, "switchover requested{why}");
                    Pass {
                        report: Some(RolloutReport {
                            step: text,
                            intent: Some(intent),
                            ..RolloutReport::default()
                        }),
                        acted: true,
                        requeue: Some(quick),
                        ..Pass::default()
                    }
                }
                Err(error) => failed(ctx, cluster, text, error, quick).await,
            }
        }
    }
}

/// How long a switchover may take from the request to the candidate leading: Patroni's own
/// time to answer, then `patroni_api_check_timeout`.
fn switchover_limit(config: &OperatorConfig) -> Duration {
    PATRONI_ACTION_TIMEOUT + config.patroni_api_check_timeout
}

/// Observes a switchover asked before: `None` once it is over (confirmed by the pods' role
/// labels, with an Event), so that the rollout decides its next step; else the pass that
/// waits for it, or reports it failed (refused by Patroni, or overdue: then the intent is
/// dropped and a later pass may decide to ask again).
async fn observe_switchover(
    ctx: &Context,
    config: &OperatorConfig,
    cluster: &Cluster<'_>,
    key: &str,
    pods: &[Arc<Pod>],
    intent: &PatroniIntent,
    quick: Duration,
) -> Option<Pass> {
    let from = intent.from.clone().unwrap_or_default();
    let to = intent.member.clone().unwrap_or_default();
    let text = format!("switching over from {from} to {to}");
    if let Some(error) = ctx.take_background_failure(key) {
        return Some(failed(ctx, cluster, text, error, quick).await);
    }
    // The pod labelled master (Patroni sets the label) leads; while two carry the label for a
    // moment, the candidate counts.
    let masters: Vec<String> = pods
        .iter()
        .filter(|p| is_master(p, config) && p.metadata.deletion_timestamp.is_none())
        .map(|p| p.name_any())
        .collect();
    let leader = masters
        .iter()
        .find(|m| **m == to)
        .or(masters.first())
        .cloned();
    let limit = switchover_limit(config).as_secs() as i64;
    let now = Timestamp::now().as_second();
    let waited = match intent::switchover_progress(intent, leader.as_deref(), now, limit) {
        intent::Progress::Done => {
            let why = intent
                .reason
                .as_deref()
                .map(|r| format!(" {r}"))
                .unwrap_or_default();
            let note = format!("switched over from {from} to {to}{why}");
            tracing::info!("{note}");
            crate::events::publish_about(
                ctx,
                cluster.object,
                EventType::Normal,
                Reason::Switchover,
                &note,
                Some(pod_reference(cluster.namespace, &to)),
            )
            .await;
            return None;
        }
        intent::Progress::Waiting { waited } => {
            return Some(Pass {
                report: Some(RolloutReport {
                    step: format!("{text}: asked {waited}s ago, waiting for Patroni"),
                    intent: Some(intent.clone()),
                    ..RolloutReport::default()
                }),
                acted: true,
                requeue: Some(quick),
                ..Pass::default()
            });
        }
        intent::Progress::Overdue { waited } => waited,
    };
    let leader = leader.unwrap_or_else(|| "unknown".to_string());
    let error = RolloutError::Unconfirmed {
        from,
        to,
        leader,
        waited: Duration::from_secs(waited.unsigned_abs()),
    };
    Some(failed(ctx, cluster, text, error, quick).await)
}

/// Asks the master's Patroni for a switchover from `from` to `to` in the background and
/// returns the intent to record. Patroni answers only once the candidate has taken over (or
/// not): a refusal (4xx) is kept for the next pass; anything else (no answer, the connection
/// lost while the master demotes) is settled by observing the pods' roles.
fn start_switchover(
    ctx: &Context,
    config: &OperatorConfig,
    key: &str,
    pods: &[Arc<Pod>],
    from: &str,
    to: &str,
) -> Result<PatroniIntent, RolloutError> {
    let ip = pods
        .iter()
        .find(|p| p.name_any() == from)
        .and_then(|p| pod_ip(p))
        .ok_or_else(|| RolloutError::NoMasterAddress {
            from: from.to_string(),
            to: to.to_string(),
        })?
        .to_string();
    let timeout = PATRONI_ACTION_TIMEOUT.max(config.patroni_api_check_timeout);
    let failures = ctx.background_failures.clone();
    let (key, from_name, to_name) = (key.to_string(), from.to_string(), to.to_string());
    ctx.metrics.mutation("switchover", "Patroni");
    tokio::spawn(async move {
        match patroni::switchover(&ip, &from_name, &to_name, timeout).await {
            Ok(text) => tracing::info!(cluster = %key, answer = %text, "Patroni switched over"),
            Err(
                source @ PatroniError::Status {
                    status: 400..=499, ..
                },
            ) => {
                tracing::warn!(cluster = %key, error = %source, "Patroni refused the switchover");
                let error = RolloutError::Switchover {
                    from: from_name,
                    to: to_name,
                    source,
                };
                match failures.lock() {
                    Ok(mut map) => map.insert(key, error),
                    Err(poisoned) => poisoned.into_inner().insert(key, error),
                };
            }
            Err(error) => {
                tracing::info!(cluster = %key, %error, "no answer to the switchover; the pods' roles will tell");
            }
        }
    });
    Ok(PatroniIntent::switchover(
        from,
        to,
        Timestamp::now().as_second(),
    ))
}

async fn failed(
    ctx: &Context,
    cluster: &Cluster<'_>,
    step: String,
    error: RolloutError,
    requeue: Duration,
) -> Pass {
    let message = error.to_string();
    tracing::warn!(error = %message, "rollout step failed");
    crate::events::publish(
        ctx,
        cluster.object,
        EventType::Warning,
        Reason::Failed(error.label()),
        &message,
    )
    .await;
    Pass {
        report: Some(RolloutReport {
            step,
            error: Some(message),
            blocked: None,
            intent: None,
            master_move: None,
        }),
        acted: false,
        requeue: Some(requeue),
        error: Some(error),
        ..Pass::default()
    }
}

/// Publishes `RolloutDone` when the previous status showed a rollout (or configuration change)
/// and this pass has nothing more to report.
pub async fn note_done(ctx: &Context, cluster: &Cluster<'_>, pass: &Pass) {
    let previous = cluster.previous.and_then(|s| s.rollout.as_ref());
    if previous.is_some() && pass.report.is_none() && pass.error.is_none() {
        crate::events::publish(
            ctx,
            cluster.object,
            EventType::Normal,
            Reason::RolloutDone,
            "every pod runs the current pod template and configuration",
        )
        .await;
    }
}

/// Once every pod runs the current template: brings Patroni's dynamic configuration (the
/// DCS parameters, `ttl`, `loop_wait` … of `SPILO_CONFIGURATION`'s `bootstrap.dcs`, which a
/// running cluster does not read from the environment) to what the manifest says, then
/// restarts the members that need it for a changed parameter, replicas first, the master last
/// — in place, without re-creating pods. Nothing is asked of Patroni while `status.patroniConfig`
/// already holds the desired configuration's hash.
pub async fn sync_config(ctx: &Context, config: &OperatorConfig, cluster: &Cluster<'_>) -> Pass {
    let pods: Vec<Arc<Pod>> = ctx
        .stores
        .pods
        .of_cluster(config, cluster.namespace, cluster.name);
    let pods = pods.as_slice();
    let Some(template) = cluster.template else {
        return Pass::default();
    };
    let Some(desired) = spilo::dynamic_part_of(template) else {
        return Pass::default();
    };
    // Spilo writes `STANDBY_*` into the same dynamic configuration (`standby_cluster`); it is
    // compared on its own terms ([`origin::standby_patch`]: never added to a primary).
    let standby = origin::dcs_standby_cluster_of(template, CONTAINER_NAME);
    let hash = if standby.is_null() {
        spilo::dynamic_hash(&desired)
    } else {
        spilo::dynamic_hash(&json!({"dcs": desired, "standby_cluster": standby}))
    };
    if cluster.previous.and_then(|s| s.patroni_config.as_deref()) == Some(hash.as_str()) {
        return Pass::default();
    }
    let quick = config
        .patroni_api_check_interval
        .max(Duration::from_secs(1));
    // While the master cannot be asked (a restart in progress makes it unready), an operation
    // started before stays recorded: the next pass observes it.
    let previous_intent = cluster
        .previous
        .and_then(|s| s.rollout.as_ref()?.intent.clone());
    let unavailable = |why: &str| match &previous_intent {
        Some(intent) => Pass {
            report: Some(RolloutReport {
                step: format!("waiting for the master's Patroni ({why})"),
                intent: Some(intent.clone()),
                ..RolloutReport::default()
            }),
            acted: true,
            requeue: Some(quick),
            ..Pass::default()
        },
        None => Pass::default(),
    };
    // The same master the roles are provisioned on: running, ready, its container ready.
    let Ok(master) = pgctl_shared::provision::ready_master(config, pods) else {
        return unavailable("the master is not ready");
    };
    let master_ip = master.host.as_str();
    let timeout = config.patroni_api_check_timeout;
    let live = match patroni::config(master_ip, timeout).await {
        Ok(live) => live,
        Err(error) => {
            // Patroni not there (yet): the next reconcile tries again.
            tracing::debug!(%error, "cannot read Patroni's configuration");
            return unavailable("its REST API does not answer");
        }
    };
    let previously_set = cluster
        .previous
        .map(|s| s.patroni_parameters.as_slice())
        .unwrap_or_default();
    let mut patch = rollout::config_patch(&desired, &live, previously_set);
    let standby_patch = origin::standby_patch(&standby, live.get("standby_cluster"));
    let promotes = standby_patch.as_ref().is_some_and(Value::is_null);
    if let Some(standby_patch) = standby_patch {
        let root = patch.get_or_insert_with(|| json!({}));
        root["standby_cluster"] = standby_patch;
    }
    if let Some(patch) = patch {
        let changed = rollout::patch_paths(&patch).join(", ");
        let step = if promotes {
            "promoting the standby leader (standby_cluster removed from Patroni's configuration)"
                .to_string()
        } else {
            format!("applying the Patroni configuration ({changed})")
        };
        if let Err(source) = patroni::patch_config(master_ip, &patch, timeout).await {
            return failed(ctx, cluster, step, RolloutError::Config { source }, quick).await;
        }
        ctx.metrics.mutation("patch", "PatroniConfig");
        let note = if promotes {
            "promoting: removed standby_cluster from Patroni's configuration; the standby leader becomes the master".to_string()
        } else {
            format!("changed {changed} in Patroni's configuration")
        };
        tracing::info!("{note}");
        crate::events::publish(
            ctx,
            cluster.object,
            EventType::Normal,
            Reason::PatroniConfigChanged,
            &note,
        )
        .await;
        // Every member applies it in its next cycle (within loop_wait) and flags a restart the
        // cycle after: recorded, so that the next passes wait for that before deciding the
        // restarts (without holding a worker).
        return Pass {
            report: Some(RolloutReport {
                step,
                intent: Some(PatroniIntent::configure(Timestamp::now().as_second())),
                ..RolloutReport::default()
            }),
            acted: true,
            requeue: Some(quick),
            error: None,
            ..Pass::default()
        };
    }

    // The DCS holds the desired configuration: restarts, if a parameter needs one, once the
    // members have applied it and a restart started earlier is over.
    let (view, _) = patroni_view(config, pods).await;
    let now = Timestamp::now().as_second();
    let loop_wait = desired
        .get("loop_wait")
        .or_else(|| live.get("loop_wait"))
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .unwrap_or(10);
    if let Some(intent) = cluster
        .previous
        .and_then(|s| s.rollout.as_ref()?.intent.as_ref())
        .filter(|i| matches!(i.action.as_str(), intent::CONFIGURE | intent::RESTART))
    {
        let (limit, what) = match intent.action.as_str() {
            intent::CONFIGURE => (
                2 * loop_wait as i64 + 2,
                "waiting for the members to apply the Patroni configuration".to_string(),
            ),
            _ => (
                PATRONI_ACTION_TIMEOUT.max(timeout).as_secs() as i64,
                format!(
                    "waiting for PostgreSQL of {} to restart",
                    intent.member.as_deref().unwrap_or("a member")
                ),
            ),
        };
        let key = format!("{}/{}", cluster.namespace, cluster.name);
        if intent.action == intent::RESTART
            && let Some(error) = ctx.take_background_failure(&key)
        {
            return failed(ctx, cluster, what, error, quick).await;
        }
        match intent::progress(intent, view.as_ref(), now, limit) {
            intent::Progress::Waiting { waited } => {
                return Pass {
                    report: Some(RolloutReport {
                        step: format!("{what} ({waited}s)"),
                        intent: Some(intent.clone()),
                        ..RolloutReport::default()
                    }),
                    acted: true,
                    requeue: Some(quick),
                    ..Pass::default()
                };
            }
            intent::Progress::Done if intent.action == intent::RESTART => {
                let pod = intent.member.clone().unwrap_or_default();
                let note = format!("restarted PostgreSQL of pod {pod} in place");
                crate::events::publish_about(
                    ctx,
                    cluster.object,
                    EventType::Normal,
                    Reason::RestartedPostgres,
                    &note,
                    Some(pod_reference(cluster.namespace, &pod)),
                )
                .await;
            }
            _ => {}
        }
    }
    let states: Vec<PodState> = pods
        .iter()
        .map(|p| PodState::from_pod(p, &config.pod_role_label, false, false, now))
        .collect();
    let input = Input {
        desired_instances: cluster.instances,
        pods: &states,
        patroni: view.as_ref(),
        statefulset_current: true,
        master_role: build::MASTER_ROLE,
        spare_node: false,
        window: Default::default(),
    };
    match rollout::plan_restart(&input) {
        RestartStep::Done => Pass {
            patroni_config: Some((hash, spilo_parameters(&desired))),
            ..Pass::default()
        },
        RestartStep::Wait(wait) => Pass {
            report: Some(RolloutReport {
                step: format!("restarts for changed parameters: {wait}"),
                ..RolloutReport::default()
            }),
            requeue: Some(quick),
            ..Pass::default()
        },
        RestartStep::Restart { pod, master } => {
            let step = if master {
                format!("restarting PostgreSQL of the master {pod} for changed parameters")
            } else {
                format!("restarting PostgreSQL of replica {pod} for changed parameters")
            };
            let Some(ip) = pods
                .iter()
                .find(|p| p.name_any() == pod)
                .and_then(|p| pod_ip(p))
            else {
                return Pass::default();
            };
            tracing::info!("{step}");
            start_restart(ctx, cluster, &pod, ip, PATRONI_ACTION_TIMEOUT.max(timeout));
            Pass {
                report: Some(RolloutReport {
                    step,
                    intent: Some(PatroniIntent::restart(&pod, now)),
                    ..RolloutReport::default()
                }),
                acted: true,
                requeue: Some(quick),
                ..Pass::default()
            }
        }
    }
}

/// Asks Patroni of pod `pod` at `ip` to restart PostgreSQL (if a restart is pending) in the
/// background; the outcome is observed by later passes ([`intent::progress`]), which publish
/// the Event once it is done, or report the failure Patroni answered.
fn start_restart(ctx: &Context, cluster: &Cluster<'_>, pod: &str, ip: &str, limit: Duration) {
    ctx.metrics.mutation("restart", "PostgreSQL");
    let (pod, ip) = (pod.to_string(), ip.to_string());
    let key = format!("{}/{}", cluster.namespace, cluster.name);
    let failures = ctx.background_failures.clone();
    tokio::spawn(async move {
        match patroni::restart(&ip, limit).await {
            Ok(answer) => {
                tracing::info!(cluster = %key, pod = %pod, %answer, "restarted PostgreSQL in place");
            }
            // Patroni checks the pending restart itself: "conditions are not satisfied" means
            // it has none any more (its member data lags a cycle behind a restart just done).
            Err(PatroniError::Status {
                status: 503, body, ..
            }) if body.contains("conditions are not satisfied") => {
                tracing::debug!(cluster = %key, pod = %pod, "no restart pending any more");
            }
            Err(source) => {
                tracing::warn!(cluster = %key, pod = %pod, error = %source, "restarting PostgreSQL failed");
                let error = RolloutError::Restart { pod, source };
                match failures.lock() {
                    Ok(mut map) => map.insert(key, error),
                    Err(poisoned) => poisoned.into_inner().insert(key, error),
                };
            }
        }
    });
}

/// The names of the `postgresql.parameters` of a dynamic configuration.
fn spilo_parameters(dynamic: &serde_json::Value) -> Vec<String> {
    dynamic
        .pointer("/postgresql/parameters")
        .and_then(serde_json::Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// A reference to a pod of the cluster, for Events about it.
fn pod_reference(namespace: &str, name: &str) -> k8s_openapi::api::core::v1::ObjectReference {
    k8s_openapi::api::core::v1::ObjectReference {
        api_version: Some("v1".to_string()),
        kind: Some("Pod".to_string()),
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        ..Default::default()
    }
}

/// Whether the StatefulSet controller has seen the StatefulSet's latest spec.
fn observed_current(sts: &StatefulSet) -> bool {
    let generation = sts.metadata.generation;
    let observed = sts.status.as_ref().and_then(|s| s.observed_generation);
    match (generation, observed) {
        (Some(g), Some(o)) => o >= g,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// Names of the nodes of `pods` on which no master should be placed, from the node cache. A
/// node the cache does not hold (not listed yet, or gone) counts as schedulable: a pod's
/// readiness still counts, and nothing is moved on a guess.
fn unschedulable_nodes(
    ctx: &Context,
    config: &OperatorConfig,
    pods: &[Arc<Pod>],
) -> BTreeSet<String> {
    pods.iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.as_deref())
        .filter(|name| {
            ctx.stores
                .nodes
                .get(&ObjectRef::new(name))
                .is_some_and(|node| {
                    rollout::node_unschedulable(&node, &config.node_readiness_label)
                })
        })
        .map(str::to_string)
        .collect()
}

/// Whether a node other than `master_node` accepts Postgres pods (not cordoned, carrying
/// `node_readiness_label`).
fn spare_node(ctx: &Context, config: &OperatorConfig, master_node: Option<&str>) -> bool {
    ctx.stores.nodes.state().iter().any(|node| {
        Some(node.name_any().as_str()) != master_node
            && !rollout::node_unschedulable(node, &config.node_readiness_label)
    })
}

fn pod_ip(pod: &Pod) -> Option<&str> {
    pod.status
        .as_ref()?
        .pod_ip
        .as_deref()
        .filter(|ip| !ip.is_empty())
}

fn is_master(pod: &Pod, config: &OperatorConfig) -> bool {
    pod.labels().get(&config.pod_role_label).map(String::as_str) == Some(build::MASTER_ROLE)
}

/// Patroni's view, asked of every pod with an IP at once: the master's answer if it gave one,
/// else any; with none, the first error.
async fn patroni_view(
    config: &OperatorConfig,
    pods: &[Arc<Pod>],
) -> (Option<PatroniCluster>, Option<PatroniError>) {
    let mut targets: Vec<(bool, &str)> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| Some((is_master(p, config), pod_ip(p)?)))
        .collect();
    // The master first.
    targets.sort_by_key(|(master, _)| !master);
    let timeout = config.patroni_api_check_timeout;
    let answers =
        futures::future::join_all(targets.iter().map(|(_, ip)| patroni::cluster(ip, timeout)))
            .await;
    let mut first_error = None;
    for answer in answers {
        match answer {
            Ok(view) => return (Some(view), None),
            Err(error) => {
                tracing::debug!(%error, "Patroni did not answer");
                first_error.get_or_insert(error);
            }
        }
    }
    (None, first_error)
}

/// Deletes `name` if it is still the outdated pod the cache showed: read live first, then
/// deleted with its uid as precondition. `Ok(false)` when it is gone, already terminating or
/// no longer outdated (a replaced pod is never deleted again).
async fn replace(
    ctx: &Context,
    cluster: &Cluster<'_>,
    name: &str,
    lazy: bool,
    even_if_current: bool,
) -> Result<bool, RolloutError> {
    let api: Api<Pod> = Api::namespaced(ctx.applier.client().clone(), cluster.namespace);
    let error = |source| RolloutError::Delete {
        pod: name.to_string(),
        source,
    };
    let Some(live) = api.get_opt(name).await.map_err(error)? else {
        return Ok(false);
    };
    if live.metadata.deletion_timestamp.is_some()
        || !(even_if_current || rollout::pod_outdated(&live, cluster.template, lazy))
    {
        return Ok(false);
    }
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: live.metadata.uid.clone(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api.delete(name, &params).await {
        Ok(_) => {
            ctx.metrics.mutation("delete", "Pod");
            Ok(true)
        }
        // Gone or re-created meanwhile: nothing to do.
        Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => Ok(false),
        Err(source) => Err(error(source)),
    }
}
