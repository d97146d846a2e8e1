//! The major version upgrade stage: one step per pass, the phase recorded in
//! `status.upgrade` ([`pgctl_shared::upgrade`] decides; this module only does the I/O). The
//! long parts run in the pods in the background (`pods/exec` starts them, later passes poll
//! them), so no worker waits for `pg_upgrade`. Every step is idempotent, so a controller
//! restarted mid-upgrade carries on from the recorded phase: before the point of no return a
//! dead attempt is rolled back (`recover`), after it only forward.

use std::time::Duration;

use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Pod};
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use kube::core::DynamicObject;
use kube::runtime::events::EventType;
use pgctl_shared::build::statefulset::{CONTAINER_NAME, PGROOT};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{PostgresStatus, Postgresql, UpgradeStatus};
use pgctl_shared::provision::ready_master;
use pgctl_shared::rollout::PatroniCluster;
use pgctl_shared::status::UpgradeOutcome;
use pgctl_shared::upgrade::{self, Action, Outcome, Poll, Request, Run, Verdict, phase, reason};
use serde_json::{Value, json};

use crate::context::Context;
use crate::events::{Reason, publish};
use crate::patroni;

/// What the stage found and did.
pub struct Observed {
    pub outcome: UpgradeOutcome,
    pub requeue: Option<Duration>,
    /// An upgrade is in progress: the other stages leave the cluster alone.
    pub busy: bool,
}

/// How often an upgrade in progress is looked at.
const STEP: Duration = Duration::from_secs(2);
/// How often a cluster not ready for its upgrade is looked at again.
const NOT_READY_RECHECK: Duration = Duration::from_secs(30);

struct Cluster<'a> {
    ctx: &'a Context,
    config: &'a OperatorConfig,
    object: &'a DynamicObject,
    namespace: &'a str,
    name: &'a str,
    pods: Vec<std::sync::Arc<Pod>>,
}

pub async fn run(
    ctx: &Context,
    config: &OperatorConfig,
    pg: &Postgresql,
    object: &DynamicObject,
    previous: Option<&PostgresStatus>,
    pods_current: bool,
) -> Observed {
    let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let cluster = Cluster {
        ctx,
        config,
        object,
        namespace,
        name,
        pods: ctx.stores.pods.of_cluster(config, namespace, name),
    };
    let not_observed = Observed {
        outcome: UpgradeOutcome::NotObserved,
        requeue: None,
        busy: false,
    };
    let Some(desired) = upgrade::desired_major(&pg.spec, config) else {
        return not_observed;
    };
    let last = previous.and_then(|p| p.upgrade.clone());
    let known = previous.and_then(|p| p.major_version);
    if let Some(current) = last.as_ref().filter(|u| upgrade::in_progress(&u.phase)) {
        return cluster.step(current.clone(), known).await;
    }
    // What the master runs: asked only when it may differ from what the manifest wants.
    let running = match known {
        Some(major) if major == desired => Some(major),
        _ => cluster.master_major().await,
    };
    let Some(running) = running else {
        return Observed {
            outcome: UpgradeOutcome::Observed {
                major: None,
                upgrade: last.clone().map(Box::new),
                condition: previous
                    .and_then(|p| pgctl_shared::status::condition(p, upgrade::CONDITION))
                    .map(|c| {
                        (
                            static_status(&c.status),
                            static_reason(&c.reason),
                            c.message.clone(),
                        )
                    }),
            },
            requeue: None,
            busy: false,
        };
    };
    let failure = pg
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(upgrade::FAILURE_ANNOTATION))
        .map(String::as_str);
    let windows = config.maintenance_windows_of(pg.spec.maintenance_windows.as_deref());
    let now = k8s_openapi::jiff::Timestamp::now();
    let request = Request {
        mode: config.major_version_upgrade_mode,
        team_allow_list: &config.major_version_upgrade_team_allow_list,
        team: &pg.spec.team_id,
        desired,
        running,
        standby: pg.spec.standby.is_some(),
        failure,
        pods_current,
        window: windows.state(now.as_second()),
        window_field: windows.source.field(),
    };
    let verdict = upgrade::decide(&request);
    let settled = |condition, requeue| Observed {
        outcome: UpgradeOutcome::Observed {
            major: Some(running),
            upgrade: last.clone().map(Box::new),
            condition,
        },
        requeue,
        busy: false,
    };
    match verdict {
        Verdict::UpToDate => {
            let condition = last
                .as_ref()
                .filter(|u| u.phase == phase::SUCCEEDED && u.to == running)
                .map(upgrade::condition);
            settled(condition, None)
        }
        Verdict::Refused { reason, message } => {
            cluster
                .announce(previous, EventType::Warning, reason, &message)
                .await;
            settled(Some(("False", reason, message)), None)
        }
        Verdict::Waiting { reason, message } => {
            settled(Some(("Unknown", reason, message)), Some(NOT_READY_RECHECK))
        }
        Verdict::Start { from, to } => {
            // A blocked preflight of the same upgrade is not rerun at every pass.
            if let Some(blocked) = last
                .as_ref()
                .filter(|u| u.phase == phase::BLOCKED && u.from == from && u.to == to)
            {
                let elapsed = blocked
                    .finished_at
                    .as_deref()
                    .and_then(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok())
                    .map(|t| (now.as_second() - t.as_second()).max(0) as u64)
                    .unwrap_or(u64::MAX);
                if !upgrade::may_retry(blocked, object.metadata.generation, elapsed) {
                    let wait = upgrade::retry_seconds(blocked)
                        .saturating_sub(elapsed)
                        .max(1);
                    return settled(
                        Some(upgrade::condition(blocked)),
                        Some(Duration::from_secs(wait)),
                    );
                }
            }
            cluster.begin(from, to, running).await
        }
    }
}

impl Cluster<'_> {
    fn timeout(&self) -> Duration {
        self.config.patroni_api_check_timeout
    }

    fn master(&self) -> Option<pgctl_shared::provision::SqlTarget> {
        ready_master(self.config, &self.pods).ok()
    }

    fn pod(&self, name: &str) -> Option<&Pod> {
        self.pods
            .iter()
            .map(|p| &**p)
            .find(|p| p.name_any() == name && p.metadata.deletion_timestamp.is_none())
    }

    fn pod_ip(&self, name: &str) -> Option<String> {
        self.pod(name)?.status.as_ref()?.pod_ip.clone()
    }

    /// The master's major, from Patroni's `server_version`.
    async fn master_major(&self) -> Option<u32> {
        let master = self.master()?;
        let member = patroni::member(&master.host, self.timeout()).await.ok()?;
        member
            .get("server_version")
            .and_then(Value::as_u64)
            .map(upgrade::server_major)
    }

    async fn announce(
        &self,
        previous: Option<&PostgresStatus>,
        type_: EventType,
        reason: &'static str,
        message: &str,
    ) {
        let same = previous
            .and_then(|p| pgctl_shared::status::condition(p, upgrade::CONDITION))
            .is_some_and(|c| c.reason == reason);
        if !same {
            self.event(type_, reason, message).await;
        }
    }

    async fn event(&self, type_: EventType, reason: &'static str, message: &str) {
        match type_ {
            EventType::Warning => tracing::warn!(reason, "{message}"),
            EventType::Normal => tracing::info!(reason, "{message}"),
        }
        publish(
            self.ctx,
            self.object,
            type_,
            Reason::Upgrade(reason),
            message,
        )
        .await;
    }

    /// Runs the script in `pod` and returns its output (stdout, then stderr).
    async fn exec(&self, pod: &str, run: Run, u: &UpgradeStatus) -> Result<String, String> {
        let argv = upgrade::command(run, u.from, u.to, PGROOT, &u.attempt);
        tracing::debug!(pod, ?run, "upgrade script");
        let ran = crate::exec::run(
            self.ctx.applier.client(),
            self.namespace,
            pod,
            CONTAINER_NAME,
            &argv,
        )
        .await?;
        self.ctx.metrics.mutation("exec", "pod");
        if ran.code.is_some_and(|c| c != 0) && ran.stdout.trim().is_empty() {
            return Err(format!(
                "exec in {pod} exited {}: {}",
                ran.code.unwrap_or(-1),
                ran.stderr.trim()
            ));
        }
        Ok(ran.stdout)
    }

    /// The preflight's first part here (Patroni's members), the rest started in the master.
    async fn begin(&self, from: u32, to: u32, running: u32) -> Observed {
        let now = k8s_openapi::jiff::Timestamp::now();
        let waiting = |reason, message: String| Observed {
            outcome: UpgradeOutcome::Observed {
                major: Some(running),
                upgrade: None,
                condition: Some(("Unknown", reason, message)),
            },
            requeue: Some(NOT_READY_RECHECK),
            busy: false,
        };
        let Some(master) = self.master() else {
            return waiting(
                reason::CLUSTER_NOT_READY,
                format!("upgrade {from} → {to} waits for a ready master"),
            );
        };
        let members = match patroni::cluster(&master.host, self.timeout()).await {
            Ok(c) => c,
            Err(e) => {
                return waiting(
                    reason::CLUSTER_NOT_READY,
                    format!("upgrade {from} → {to} waits: Patroni's cluster: {e}"),
                );
            }
        };
        let instances = self.pods.len() as i32;
        let check = upgrade::members_check(&members, instances);
        if !check.passed {
            return waiting(
                reason::CLUSTER_NOT_READY,
                format!("upgrade {from} → {to} waits: {}", check.message),
            );
        }
        let status = UpgradeStatus {
            from,
            to,
            phase: phase::PREFLIGHT.to_string(),
            attempt: now.strftime("%Y%m%dT%H%M%S").to_string(),
            generation: self.object.metadata.generation,
            pod: master.pod.clone(),
            started_at: Some(now.to_string()),
            checks: vec![check],
            message: "checking".to_string(),
            ..UpgradeStatus::default()
        };
        self.event(
            EventType::Normal,
            reason::PREFLIGHT_STARTED,
            &format!("upgrade {from} → {to}: preflight on {}", master.pod),
        )
        .await;
        let status = match self
            .exec(&master.pod, Run::Start(Action::Check), &status)
            .await
        {
            Ok(_) => status,
            Err(e) => UpgradeStatus {
                message: e,
                ..status
            },
        };
        self.progress(status, Some(running))
    }

    fn progress(&self, status: UpgradeStatus, major: Option<u32>) -> Observed {
        let condition = upgrade::condition(&status);
        let busy = upgrade::in_progress(&status.phase);
        Observed {
            outcome: UpgradeOutcome::Observed {
                major,
                upgrade: Some(Box::new(status)),
                condition: Some(condition),
            },
            requeue: busy.then_some(STEP),
            busy,
        }
    }

    /// One step of the upgrade in progress.
    async fn step(&self, u: UpgradeStatus, known: Option<u32>) -> Observed {
        let result = match u.phase.as_str() {
            phase::PREFLIGHT => self.preflight(u.clone()).await,
            phase::UPGRADING => self.upgrading(u.clone()).await,
            phase::RESTARTING => self.restarting(u.clone()).await,
            _ => self.rebuilding(u.clone()).await,
        };
        let next = match result {
            Ok(next) => next,
            Err(message) => {
                tracing::warn!(phase = %u.phase, "upgrade step: {message}");
                UpgradeStatus { message, ..u }
            }
        };
        let major = if next.phase == phase::SUCCEEDED {
            Some(next.to)
        } else {
            known
        };
        self.progress(next, major)
    }

    async fn preflight(&self, u: UpgradeStatus) -> Result<UpgradeStatus, String> {
        let text = self.exec(&u.pod, Run::Poll(Action::Check), &u).await?;
        match upgrade::parse_poll(&text) {
            Poll::NotStarted | Poll::Died { .. } => {
                self.exec(&u.pod, Run::Start(Action::Check), &u).await?;
                Ok(u)
            }
            Poll::Running { .. } => Ok(u),
            Poll::Done { code, output } => {
                let mut checks = u.checks.clone();
                checks.extend(upgrade::finished_checks(code, &output));
                if let Some(failed) = upgrade::failed_checks(&checks) {
                    let u = UpgradeStatus {
                        phase: phase::BLOCKED.to_string(),
                        checks,
                        finished_at: Some(k8s_openapi::jiff::Timestamp::now().to_string()),
                        message: "a preflight check failed; nothing was stopped".to_string(),
                        ..u
                    };
                    self.event(
                        EventType::Warning,
                        reason::PREFLIGHT_FAILED,
                        &format!("upgrade {} → {} refused: {failed}", u.from, u.to),
                    )
                    .await;
                    return Ok(u);
                }
                // Patroni must not fail over while the master is down.
                let master = self.pod_ip(&u.pod).ok_or("the master pod has no address")?;
                patroni::patch_config(&master, &json!({"pause": true}), self.timeout())
                    .await
                    .map_err(|e| format!("pausing Patroni: {e}"))?;
                self.label_pods(true).await;
                self.exec(&u.pod, Run::Start(Action::Upgrade), &u).await?;
                self.event(
                    EventType::Normal,
                    reason::STARTED,
                    &format!(
                        "upgrade {} → {}: preflight passed, Patroni paused, pg_upgrade starts on {}",
                        u.from, u.to, u.pod
                    ),
                )
                .await;
                Ok(UpgradeStatus {
                    phase: phase::UPGRADING.to_string(),
                    checks,
                    stopped_at: Some(k8s_openapi::jiff::Timestamp::now().to_string()),
                    message: "stopping the master".to_string(),
                    ..u
                })
            }
        }
    }

    async fn upgrading(&self, u: UpgradeStatus) -> Result<UpgradeStatus, String> {
        let text = self.exec(&u.pod, Run::Poll(Action::Upgrade), &u).await?;
        let output = match upgrade::parse_poll(&text) {
            Poll::NotStarted => {
                self.exec(&u.pod, Run::Start(Action::Upgrade), &u).await?;
                return Ok(u);
            }
            Poll::Running { output } => {
                let message = upgrade::last_phase(&output)
                    .map(|p| format!("running: {p}"))
                    .unwrap_or_else(|| "running".to_string());
                return Ok(UpgradeStatus { message, ..u });
            }
            // Killed with its pod: the disk tells how far it got.
            Poll::Died { .. } => self.exec(&u.pod, Run::Now(Action::Recover), &u).await?,
            Poll::Done { output, .. } => output,
        };
        let outcome = match upgrade::parse_outcome(&output) {
            Some(o) => o,
            None => {
                let recovered = self.exec(&u.pod, Run::Now(Action::Recover), &u).await?;
                upgrade::parse_outcome(&recovered)
                    .unwrap_or(Outcome::Other("the upgrade printed no result".to_string()))
            }
        };
        match outcome {
            Outcome::Switched { system_id } => {
                self.event(
                    EventType::Normal,
                    reason::SWITCHED,
                    &format!(
                        "upgrade {} → {}: data directory upgraded on {} (point of no return); restarting the pods",
                        u.from, u.to, u.pod
                    ),
                )
                .await;
                Ok(UpgradeStatus {
                    phase: phase::RESTARTING.to_string(),
                    switched_at: Some(k8s_openapi::jiff::Timestamp::now().to_string()),
                    system_id,
                    message: "restarting the pods on the new major".to_string(),
                    ..u
                })
            }
            Outcome::Blocked => {
                self.resume().await?;
                let mut checks = u.checks.clone();
                checks.extend(upgrade::parse_checks(&output));
                Ok(UpgradeStatus {
                    phase: phase::BLOCKED.to_string(),
                    checks,
                    finished_at: Some(k8s_openapi::jiff::Timestamp::now().to_string()),
                    message: "a preflight check failed; nothing was stopped".to_string(),
                    ..u
                })
            }
            Outcome::RolledBack { phase: at, message } => {
                self.rolled_back(u, &format!("{at}: {message}")).await
            }
            other => {
                self.rolled_back(u, &format!("interrupted ({other:?})"))
                    .await
            }
        }
    }

    /// Back on the old major: Patroni resumed (it starts PostgreSQL again), the labels gone,
    /// the failure annotated so that no new attempt starts by itself.
    async fn rolled_back(&self, u: UpgradeStatus, why: &str) -> Result<UpgradeStatus, String> {
        self.resume().await?;
        let now = k8s_openapi::jiff::Timestamp::now().to_string();
        let api: Api<DynamicObject> = Api::namespaced_with(
            self.ctx.applier.client().clone(),
            self.namespace,
            &self.ctx.resource,
        );
        let patch = json!({"metadata": {"annotations": {upgrade::FAILURE_ANNOTATION: now}}});
        api.patch(self.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map_err(|e| format!("annotating the failure: {e}"))?;
        self.ctx.metrics.mutation("patch", "postgresql");
        let message = format!(
            "upgrade {} → {} rolled back to {} ({why}); remove the annotation {} to try again",
            u.from,
            u.to,
            u.from,
            upgrade::FAILURE_ANNOTATION
        );
        self.event(EventType::Warning, reason::ROLLED_BACK, &message)
            .await;
        Ok(UpgradeStatus {
            phase: phase::ROLLED_BACK.to_string(),
            finished_at: Some(now),
            message: why.to_string(),
            ..u
        })
    }

    async fn resume(&self) -> Result<(), String> {
        let ip = self
            .pod_ip(self.master().map(|m| m.pod).as_deref().unwrap_or_default())
            .or_else(|| {
                self.pods
                    .iter()
                    .find_map(|p| p.status.as_ref()?.pod_ip.clone())
            })
            .ok_or("no pod with an address to resume Patroni through")?;
        patroni::patch_config(&ip, &json!({"pause": null}), self.timeout())
            .await
            .map_err(|e| format!("resuming Patroni: {e}"))?;
        self.label_pods(false).await;
        Ok(())
    }

    /// After the switch: the replicas' old data removed, Patroni's `initialize` key set to the
    /// new system identifier, every Spilo container restarted (Spilo then runs the data
    /// directory's major, and the replicas' empty directories the new `PGVERSION`'s), and
    /// Patroni resumed once the master's answers with the new system identifier. Pods are not
    /// deleted: a StatefulSet with `OrderedReady` would wait for a lower ordinal that cannot
    /// get ready while Patroni is paused.
    async fn restarting(&self, u: UpgradeStatus) -> Result<UpgradeStatus, String> {
        let mut u = u;
        let live = |p: &&std::sync::Arc<Pod>| p.metadata.deletion_timestamp.is_none();
        for pod in self.pods.iter().filter(live) {
            let name = pod.name_any();
            if name == u.pod || u.restarted.contains(&name) {
                continue;
            }
            let out = self.exec(&name, Run::Now(Action::Wipe), &u).await?;
            match upgrade::parse_outcome(&out) {
                Some(Outcome::Wiped) => {}
                other => return Err(format!("replica {name} not wiped: {other:?}")),
            }
        }
        self.set_initialize(&u.system_id).await?;
        for pod in self.pods.iter().filter(live) {
            let name = pod.name_any();
            if u.restarted.contains(&name) {
                continue;
            }
            // Patroni is the container's main process: on SIGTERM it exits (paused, it leaves
            // PostgreSQL alone) and the container restarts.
            let argv = ["kill", "-TERM", "1"].map(String::from);
            let ran = crate::exec::run(
                self.ctx.applier.client(),
                self.namespace,
                &name,
                CONTAINER_NAME,
                &argv,
            )
            .await?;
            if ran.code.is_some_and(|c| c != 0) {
                return Err(format!(
                    "restarting the Spilo container of {name}: {}",
                    ran.stderr.trim()
                ));
            }
            self.ctx.metrics.mutation("exec", "pod");
            u.restarted.push(name);
        }
        // The master's Patroni back, with the new data directory: resume.
        let Some(ip) = self.pod_ip(&u.pod) else {
            return Ok(UpgradeStatus {
                message: "waiting for the master pod's address".to_string(),
                ..u
            });
        };
        let member = patroni::member(&ip, self.timeout()).await.ok();
        let system_id = member
            .as_ref()
            .and_then(|m| m.get("database_system_identifier"))
            .and_then(Value::as_str);
        if system_id != Some(u.system_id.as_str()) {
            return Ok(UpgradeStatus {
                message: "waiting for Patroni to restart on the new data directory".to_string(),
                ..u
            });
        }
        self.label_pods(true).await;
        patroni::patch_config(&ip, &json!({"pause": null}), self.timeout())
            .await
            .map_err(|e| format!("resuming Patroni: {e}"))?;
        Ok(UpgradeStatus {
            phase: phase::REBUILDING.to_string(),
            message: "the master starts on the new major; replicas rebuild from it".to_string(),
            ..u
        })
    }

    /// Patroni's `initialize` key (the system identifier every member must have).
    async fn set_initialize(&self, system_id: &str) -> Result<(), String> {
        if system_id.is_empty() {
            return Err("the upgrade reported no system identifier".to_string());
        }
        let object = format!("{}-config", self.name);
        let patch = json!({"metadata": {"annotations": {"initialize": system_id}}});
        let client = self.ctx.applier.client().clone();
        let result = if self.config.kubernetes_use_configmaps {
            Api::<ConfigMap>::namespaced(client, self.namespace)
                .patch(&object, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .map(|_| ())
        } else {
            Api::<Endpoints>::namespaced(client, self.namespace)
                .patch(&object, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .map(|_| ())
        };
        result.map_err(|e| format!("setting Patroni's initialize key on {object}: {e}"))?;
        self.ctx.metrics.mutation("patch", "endpoints");
        Ok(())
    }

    async fn rebuilding(&self, u: UpgradeStatus) -> Result<UpgradeStatus, String> {
        let Some(master) = self.master() else {
            return Ok(UpgradeStatus {
                message: "waiting for the master".to_string(),
                ..u
            });
        };
        let member = patroni::member(&master.host, self.timeout())
            .await
            .map_err(|e| e.to_string())?;
        let major = member
            .get("server_version")
            .and_then(Value::as_u64)
            .map(upgrade::server_major);
        if major != Some(u.to) {
            return Ok(UpgradeStatus {
                message: format!("the master runs {major:?}, waiting for {}", u.to),
                ..u
            });
        }
        let now = k8s_openapi::jiff::Timestamp::now();
        let downtime = u.downtime_seconds.or_else(|| {
            let stopped = u
                .stopped_at
                .as_deref()?
                .parse::<k8s_openapi::jiff::Timestamp>()
                .ok()?;
            Some((now.as_second() - stopped.as_second()).max(0) as u64)
        });
        let cluster: PatroniCluster = patroni::cluster(&master.host, self.timeout())
            .await
            .map_err(|e| e.to_string())?;
        let check = upgrade::members_check(&cluster, self.pods.len() as i32);
        if !check.passed {
            return Ok(UpgradeStatus {
                downtime_seconds: downtime,
                message: format!("the master runs {}; {}", u.to, check.message),
                ..u
            });
        }
        self.label_pods(false).await;
        let u = UpgradeStatus {
            phase: phase::SUCCEEDED.to_string(),
            downtime_seconds: downtime,
            finished_at: Some(now.to_string()),
            message: format!("{}; ANALYZE runs in the background", check.message),
            ..u
        };
        if let Err(e) = self.exec(&master.pod, Run::Start(Action::Finish), &u).await {
            tracing::warn!("starting ANALYZE after the upgrade: {e}");
        }
        let (_, _, message) = upgrade::condition(&u);
        self.event(EventType::Normal, reason::UPGRADED, &message)
            .await;
        Ok(u)
    }

    /// Sets or removes the critical-operation label on the cluster's pods.
    async fn label_pods(&self, on: bool) {
        let api: Api<Pod> = Api::namespaced(self.ctx.applier.client().clone(), self.namespace);
        let value = if on { json!("true") } else { Value::Null };
        let patch = json!({"metadata": {"labels": {upgrade::CRITICAL_OPERATION_LABEL: value}}});
        for pod in self
            .pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
        {
            let has = pod.labels().contains_key(upgrade::CRITICAL_OPERATION_LABEL);
            if has == on {
                continue;
            }
            match api
                .patch(
                    &pod.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
            {
                Ok(_) => self.ctx.metrics.mutation("patch", "pod"),
                Err(e) => tracing::warn!(pod = %pod.name_any(), "critical-operation label: {e}"),
            }
        }
    }
}

fn static_status(status: &str) -> &'static str {
    match status {
        "True" => "True",
        "False" => "False",
        _ => "Unknown",
    }
}

/// The reason of a condition written earlier, as one of the known reasons.
fn static_reason(text: &str) -> &'static str {
    [
        reason::UPGRADED,
        reason::IN_PROGRESS,
        reason::DISABLED,
        reason::TEAM_NOT_ALLOWED,
        reason::DOWNGRADE_REFUSED,
        reason::STANDBY_CLUSTER,
        reason::PREVIOUS_FAILED,
        reason::OUTSIDE_WINDOW,
        reason::WAITING_FOR_ROLLOUT,
        reason::CLUSTER_NOT_READY,
        reason::PREFLIGHT_FAILED,
        reason::ROLLED_BACK,
    ]
    .into_iter()
    .find(|r| *r == text)
    .unwrap_or(reason::IN_PROGRESS)
}
