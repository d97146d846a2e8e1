//! The driver of one reconcile of one cluster. The stages, each in its own module:
//! 1. read and validate the resource (here; a paused cluster stops at
//!    [`crate::status::report_paused`], an invalid one at [`crate::status::report_invalid`]);
//! 2. objects ([`crate::objects`]): the plan of the Kubernetes objects
//!    ([`pgctl_shared::plan`]) executed in order, orphans deleted, outdated pods flagged;
//! 3. rollout ([`crate::rollout`]): one step of the rolling update, Patroni operations recorded
//!    as intents and never waited for;
//! 4. side by side: Patroni's dynamic configuration ([`crate::rollout::sync_config`]) and roles
//!    and databases over SQL ([`crate::provision`]);
//! 5. status ([`crate::status`]), written only when it changed; Events ([`crate::events`]).
//!
//! A cluster being deleted goes to [`crate::finalize`]. Every decision is made by
//! `pgctl_shared`; the stages only do I/O.

use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Secret};
use kube::ResourceExt;
use kube::core::DynamicObject;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use pgctl_shared::crd::{PostgresStatus, Postgresql};
use pgctl_shared::manifest::{self, DocumentContent};
use pgctl_shared::requests;
use pgctl_shared::status::SyncOutcome;
use pgctl_shared::validate;
use serde_json::json;
use tracing::Instrument;

use crate::context::Context;
use crate::error::Error;
use crate::events::{Reason, publish};
use crate::status::{
    Target, next_check, report_invalid, report_paused, write_outcome, write_status,
};

pub async fn reconcile(object: Arc<DynamicObject>, ctx: Arc<Context>) -> Result<Action, Error> {
    let namespace = object
        .namespace()
        .ok_or(Error::Incomplete("metadata.namespace"))?;
    let name = object.name_any();
    let key = format!("{namespace}/{name}");
    let span = tracing::info_span!("reconcile", cluster = %key);
    let started = Instant::now();
    let result = reconcile_cluster(&object, &namespace, &name, &ctx)
        .instrument(span)
        .await;
    ctx.metrics
        .reconcile_duration
        .observe(started.elapsed().as_secs_f64());
    let label = match &result {
        Ok(_) => "success",
        Err(_) => "error",
    };
    ctx.metrics
        .reconciles
        .get_or_create(&crate::metrics::ResultLabels { result: label })
        .inc();
    if result.is_ok() {
        ctx.reset_backoff(&key);
    }
    result
}

pub fn error_policy(object: Arc<DynamicObject>, error: &Error, ctx: Arc<Context>) -> Action {
    let key = format!(
        "{}/{}",
        object.namespace().unwrap_or_default(),
        object.name_any()
    );
    ctx.metrics
        .api_errors
        .get_or_create(&crate::metrics::ErrorLabels {
            reason: error.label(),
        })
        .inc();
    let delay = ctx.next_backoff(&key);
    tracing::warn!(cluster = %key, %error, retry_in = ?delay, "reconcile failed");
    Action::requeue(delay)
}

async fn reconcile_cluster(
    object: &DynamicObject,
    namespace: &str,
    name: &str,
    ctx: &Context,
) -> Result<Action, Error> {
    let config = ctx.config();
    if object.metadata.deletion_timestamp.is_some() {
        // Nothing is applied to a cluster being deleted; only what the garbage collector
        // cannot reach is cleaned up.
        return crate::finalize::finalize(object, namespace, name, ctx, &config).await;
    }
    let previous: Option<PostgresStatus> = object
        .data
        .get("status")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let mut target = Target {
        object,
        namespace,
        name,
        acknowledged: previous
            .as_ref()
            .map(|s| s.acknowledged.clone())
            .unwrap_or_default(),
        previous,
        generation: object.metadata.generation,
    };

    let pg = match read(object, ctx) {
        Ok(pg) => pg,
        Err(problems) => return report_invalid(&target, ctx, &config, 0, problems).await,
    };
    if requests::paused(&pg) {
        return report_paused(&target, ctx).await;
    }

    // Validation compares with the live claims to refuse a shrink.
    let claims = ctx.stores.claims.of_cluster(&config, namespace, name);
    let claims: Vec<&PersistentVolumeClaim> = claims.iter().map(|c| &**c).collect();
    let live = pgctl_shared::plan::live_spec(&pg.spec, &claims);
    let problems = validate::validate(&pg, &[], live.as_ref(), &config);
    for warning in problems
        .iter()
        .filter(|p| p.severity == validate::Severity::Warning)
    {
        tracing::info!(field = %warning.field, "{}", warning.message);
    }
    if validate::has_errors(&problems) {
        let messages = problems
            .iter()
            .filter(|p| p.severity == validate::Severity::Error)
            .map(ToString::to_string)
            .collect();
        return report_invalid(&target, ctx, &config, pg.spec.number_of_instances, messages).await;
    }

    let instances = pg.spec.number_of_instances;
    match crate::objects::sync(&pg, object, ctx, &config).await {
        Ok(mut report) => {
            // The objects carry every request of the resource now.
            target.acknowledged = requests::acknowledged(&pg, target.previous.as_ref(), true);
            // Secrets that could not be created in other namespaces: the cluster goes on (the
            // roles lack those passwords), and the sync is reported as failed and retried.
            let problems = std::mem::take(&mut report.problems);
            let cross_namespace_secrets = std::mem::take(&mut report.cross_namespace_secrets);
            if !report.written.is_empty() {
                tracing::info!(changes = ?report.written, "applied");
                let note = format!("applied {}", report.written.join(", "));
                publish(ctx, object, EventType::Normal, Reason::Synced, &note).await;
            }
            // One step of the rolling update, if pods run an older template.
            let cluster = crate::rollout::Cluster {
                object,
                namespace,
                name,
                template: report.template.as_ref(),
                instances: report.replicas,
                previous: target.previous.as_ref(),
            };
            let mut rollout = crate::rollout::run(ctx, &config, &cluster).await;
            // A major version upgrade: one step, once the pods run the current template.
            let upgrade = crate::upgrade::run(
                ctx,
                &config,
                &pg,
                object,
                target.previous.as_ref(),
                rollout.current,
            )
            .await;
            // Then, side by side (both wait on the master): Patroni's dynamic configuration once
            // every pod is current, and roles and databases once the Kubernetes objects are in
            // place. A provisioning failure leaves the objects applied: it is reported and
            // retried with the cluster's backoff. Neither runs while the rollout has just
            // moved the master or deleted a pod: the next pass does it on a settled cluster.
            let provision = async {
                if rollout.acted || upgrade.busy {
                    return crate::provision::Provisioned::not_attempted();
                }
                let pods = ctx.stores.pods.of_cluster(&config, namespace, name);
                let secrets = ctx
                    .stores
                    .secrets
                    .of_cluster(&config, namespace, name)
                    .iter()
                    .map(|s| Secret::clone(s))
                    .chain(cross_namespace_secrets)
                    .collect();
                crate::provision::provision(
                    ctx,
                    &pg,
                    &config,
                    &pods,
                    secrets,
                    target.previous.as_ref(),
                )
                .await
            };
            let configure = async {
                if rollout.current && !upgrade.busy {
                    Some(crate::rollout::sync_config(ctx, &config, &cluster).await)
                } else {
                    None
                }
            };
            let observe_origin =
                crate::origin::observe(ctx, &pg, object, &config, target.previous.as_ref());
            let (provisioned, configured, origin) =
                tokio::join!(provision, configure, observe_origin);
            if let Some(mut configured) = configured {
                // A master waiting to leave a drained node (its pods current) keeps its report
                // and its time to look again, unless the configuration stage has its own.
                if configured.report.is_none() {
                    configured.report = rollout.report.take();
                }
                configured.requeue = match (configured.requeue, rollout.requeue) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                rollout = configured;
            }
            crate::rollout::note_done(ctx, &cluster, &rollout).await;
            for note in &provisioned.summary.events {
                let type_ = if note.warning {
                    EventType::Warning
                } else {
                    EventType::Normal
                };
                if note.warning {
                    tracing::warn!(reason = note.reason, "{}", note.message);
                } else {
                    tracing::info!(reason = note.reason, "{}", note.message);
                }
                publish(
                    ctx,
                    object,
                    type_,
                    Reason::Provisioning(note.reason),
                    &note.message,
                )
                .await;
            }
            for problem in &problems {
                tracing::warn!(%problem, "credential Secret not created");
                publish(
                    ctx,
                    object,
                    EventType::Warning,
                    Reason::Failed(problem.label()),
                    &problem.to_string(),
                )
                .await;
            }
            let outcome = if problems.is_empty() {
                SyncOutcome::Synced
            } else {
                SyncOutcome::Failed(
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            };
            let status = write_status(
                &target,
                ctx,
                &config,
                instances,
                report.image,
                outcome,
                provisioned.summary.outcome,
                report.template.as_ref(),
                rollout.report,
                rollout.patroni_config,
                origin.outcome,
                upgrade.outcome,
                provisioned.archive,
            )
            .await?;
            if let Some(error) = problems.into_iter().next() {
                return Err(error);
            }
            if let Some(error) = provisioned.error {
                return Err(error);
            }
            if let Some(error) = rollout.error {
                return Err(Error::Rollout(error));
            }
            let next = next_check(&status, &config);
            let next = [rollout.requeue, origin.requeue, upgrade.requeue]
                .into_iter()
                .flatten()
                .fold(next, Duration::min);
            Ok(Action::requeue(next))
        }
        Err(error) => {
            let message = error.to_string();
            let outcome = SyncOutcome::Failed(message.clone());
            write_outcome(&target, ctx, &config, instances, outcome).await?;
            publish(
                ctx,
                object,
                EventType::Warning,
                Reason::Failed(error.label()),
                &message,
            )
            .await;
            Err(error)
        }
    }
}

/// Reads the object strictly; the messages say what is wrong.
fn read(object: &DynamicObject, ctx: &Context) -> Result<Postgresql, Vec<String>> {
    let mut value = serde_json::to_value(object).map_err(|e| vec![e.to_string()])?;
    if let Some(map) = value.as_object_mut() {
        map.insert("apiVersion".into(), json!(ctx.resource.api_version));
        map.insert("kind".into(), json!(ctx.resource.kind));
    }
    match manifest::parse_value(value) {
        DocumentContent::Postgresql(parsed) => {
            let problems: Vec<String> = parsed
                .unknown_fields
                .iter()
                .filter(|f| !f.starts_with("metadata."))
                .map(|f| format!("{f}: error: unknown field"))
                .collect();
            if problems.is_empty() {
                Ok(parsed.resource)
            } else {
                Err(problems)
            }
        }
        DocumentContent::Invalid { error, .. } => Err(vec![error.to_string()]),
        _ => Err(vec!["not a postgresql resource".to_string()]),
    }
}
