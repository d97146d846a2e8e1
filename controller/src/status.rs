//! The status stage: computes the status from the caches and what the other stages report
//! ([`pgctl_shared::status`]) and writes it only when it changed; the status of an invalid or
//! paused cluster; when to look again.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use kube::core::DynamicObject;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use pgctl_shared::build;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::PostgresStatus;
use pgctl_shared::requests;
use pgctl_shared::rollout;
use pgctl_shared::status::{
    self, ArchiveOutcome, Observed, OriginOutcome, PodView, RolesOutcome, RolloutReport,
    SyncOutcome, UpgradeOutcome,
};
use serde_json::json;

use crate::apply::FIELD_MANAGER;
use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::events::{Reason, publish};

/// The cluster a reconcile is about, and the status it had.
pub(crate) struct Target<'a> {
    pub(crate) object: &'a DynamicObject,
    pub(crate) namespace: &'a str,
    pub(crate) name: &'a str,
    pub(crate) previous: Option<PostgresStatus>,
    pub(crate) generation: Option<i64>,
    /// `status.acknowledged` to write: the previous one until this pass takes the requests up.
    pub(crate) acknowledged: BTreeMap<String, String>,
}

/// When to look again ([`pgctl_shared::requeue::next_check`]). A recheck of a settled cluster
/// reads the caches and, once it has a master, the roles and databases of the server; it
/// writes nothing when nothing changed.
pub(crate) fn next_check(status: &PostgresStatus, config: &OperatorConfig) -> std::time::Duration {
    pgctl_shared::requeue::next_check(
        status,
        config.resync_period,
        config.ready_wait_interval,
        k8s_openapi::jiff::Timestamp::now(),
    )
}

/// Status `Invalid` with the messages, an Event once per generation, and no retry until the
/// resource changes (the watch filters on generation).
pub(crate) async fn report_invalid(
    target: &Target<'_>,
    ctx: &Context,
    config: &OperatorConfig,
    desired_instances: i32,
    messages: Vec<String>,
) -> Result<Action, Error> {
    tracing::warn!(problems = ?messages, "invalid manifest; waiting for a change");
    let outcome = SyncOutcome::Invalid(messages.clone());
    write_outcome(target, ctx, config, desired_instances, outcome).await?;
    let previous = target.previous.as_ref();
    let already_reported = previous.map(|s| s.postgres_cluster_status.as_str())
        == Some(pgctl_shared::crd::cluster_status::INVALID)
        && previous.and_then(|s| s.observed_generation) == target.generation;
    if !already_reported {
        let note = format!("the manifest is invalid: {}", messages.join("; "));
        publish(
            ctx,
            target.object,
            EventType::Warning,
            Reason::Invalid,
            &note,
        )
        .await;
    }
    Ok(Action::await_change())
}

/// A paused cluster ([`requests::PAUSE_ANNOTATION`]): nothing is written but the condition
/// `Paused` (and an Event when it appears); the next change of the resource looks again.
pub(crate) async fn report_paused(target: &Target<'_>, ctx: &Context) -> Result<Action, Error> {
    let previous = target.previous.as_ref();
    let now = Time(Timestamp::now());
    let new = status::paused(previous, requests::PAUSE_ANNOTATION, &now);
    if previous == Some(&new) {
        return Ok(Action::await_change());
    }
    patch_status(ctx, target.namespace, target.name, &new).await?;
    if previous.is_none_or(|p| status::condition(p, status::PAUSED).is_none()) {
        tracing::info!("reconciliation paused");
        let note = format!(
            "annotation {}={} is set: the controller changes nothing in this cluster until it is removed",
            requests::PAUSE_ANNOTATION,
            requests::PAUSED
        );
        publish(ctx, target.object, EventType::Normal, Reason::Paused, &note).await;
    }
    Ok(Action::await_change())
}

/// Writes the status by server-side apply under the controller's field manager.
async fn patch_status(
    ctx: &Context,
    namespace: &str,
    name: &str,
    status: &PostgresStatus,
) -> Result<(), Error> {
    let api: Api<DynamicObject> =
        Api::namespaced_with(ctx.applier.client().clone(), namespace, &ctx.resource);
    let patch = json!({
        "apiVersion": ctx.resource.api_version,
        "kind": ctx.resource.kind,
        "status": status,
    });
    api.patch_status(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&patch),
    )
    .await
    .map_err(kube_error(
        "write status of",
        format!("postgresql {namespace}/{name}"),
    ))?;
    ctx.metrics.mutation("apply", "postgresql/status");
    Ok(())
}

fn pod_view(pod: &Pod, config: &OperatorConfig, template: Option<&PodTemplateSpec>) -> PodView {
    let ready = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    let outdated = rollout::pod_outdated(pod, template, config.enable_lazy_spilo_upgrade);
    PodView {
        name: pod.name_any(),
        ready,
        role: pod.labels().get(&config.pod_role_label).cloned(),
        outdated,
        terminating: pod.metadata.deletion_timestamp.is_some(),
    }
}

/// [`write_status`] of a pass that applied nothing (an invalid manifest, a failed sync).
pub(crate) async fn write_outcome(
    target: &Target<'_>,
    ctx: &Context,
    config: &OperatorConfig,
    desired_instances: i32,
    outcome: SyncOutcome,
) -> Result<PostgresStatus, Error> {
    write_status(
        target,
        ctx,
        config,
        desired_instances,
        None,
        outcome,
        RolesOutcome::NotAttempted,
        None,
        None,
        None,
        OriginOutcome::NotObserved,
        UpgradeOutcome::NotObserved,
        ArchiveOutcome::NotObserved,
    )
    .await
}

/// Computes the status from the caches and writes it only when it changed. `template` is the
/// desired pod template when this reconcile built it (else the cached StatefulSet's counts);
/// `rollout` what the rollout executor reported, `patroni_config` the `status.patroniConfig` it
/// confirmed (else the previous one stays).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_status(
    target: &Target<'_>,
    ctx: &Context,
    config: &OperatorConfig,
    desired_instances: i32,
    image: Option<String>,
    outcome: SyncOutcome,
    roles: RolesOutcome,
    template: Option<&PodTemplateSpec>,
    rollout: Option<RolloutReport>,
    patroni_config: Option<(String, Vec<String>)>,
    origin: OriginOutcome,
    upgrade: UpgradeOutcome,
    archive: ArchiveOutcome,
) -> Result<PostgresStatus, Error> {
    let (object, namespace, name) = (target.object, target.namespace, target.name);
    let previous = target.previous.as_ref();
    let generation = target.generation;
    let cached = template.is_none().then(|| {
        ctx.stores
            .statefulsets
            .get(&ObjectRef::new(name).within(namespace))
    });
    let template = template.or_else(|| {
        cached
            .as_ref()?
            .as_ref()?
            .spec
            .as_ref()
            .map(|s| &s.template)
    });
    let pods: Vec<PodView> = ctx
        .stores
        .pods
        .of_cluster(config, namespace, name)
        .iter()
        .map(|p| pod_view(p, config, template))
        .collect();
    let observed = Observed {
        generation,
        desired_instances,
        pods: &pods,
        image: image.or_else(|| previous.and_then(|p| p.image.clone())),
        outcome,
        master_role: build::MASTER_ROLE,
        roles,
        rollout,
        patroni_parameters: match &patroni_config {
            Some((_, parameters)) => parameters.clone(),
            None => previous
                .map(|p| p.patroni_parameters.clone())
                .unwrap_or_default(),
        },
        patroni_config: patroni_config
            .map(|(hash, _)| hash)
            .or_else(|| previous.and_then(|p| p.patroni_config.clone())),
        acknowledged: target.acknowledged.clone(),
        origin,
        upgrade,
        archive,
    };
    let now = Time(Timestamp::now());
    let new = status::compute(&observed, previous, &now);
    ctx.metrics.set_cluster_status(
        &format!("{namespace}/{name}"),
        Some(&new.postgres_cluster_status),
    );
    let gauges = status::gauges(&new, desired_instances);
    let pooler_ready = |role: pgctl_shared::pooler::Role| {
        ctx.stores
            .deployments
            .get(&ObjectRef::new(&role.name(name)).within(namespace))
            .map(|d| {
                i64::from(
                    d.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0),
                )
            })
    };
    ctx.metrics.set_cluster(
        namespace,
        name,
        &gauges,
        [
            pooler_ready(pgctl_shared::pooler::Role::Master),
            pooler_ready(pgctl_shared::pooler::Role::Replica),
        ],
        (gauges.synced == 1).then(|| now.0.as_second()),
    );
    if previous == Some(&new) {
        return Ok(new);
    }
    patch_status(ctx, namespace, name, &new).await?;
    if previous.is_some_and(|p| status::condition(p, status::PAUSED).is_some()) {
        tracing::info!("reconciliation resumed");
        publish(
            ctx,
            object,
            EventType::Normal,
            Reason::Resumed,
            &format!(
                "annotation {} is gone: the controller reconciles the cluster again",
                requests::PAUSE_ANNOTATION
            ),
        )
        .await;
    }
    if previous.map(|p| p.postgres_cluster_status.as_str())
        != Some(new.postgres_cluster_status.as_str())
    {
        tracing::info!(status = %new.postgres_cluster_status, "status changed");
        publish(
            ctx,
            object,
            EventType::Normal,
            Reason::StatusChanged,
            &format!("status is now {}", new.postgres_cluster_status),
        )
        .await;
    }
    Ok(new)
}
