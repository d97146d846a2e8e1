//! One reconcile of one cluster, in stages: read and validate → build → apply in a fixed order
//! (service account and RBAC, Secrets, Services and Endpoints, PDB, StatefulSet last) → flag
//! outdated pods → one step of the rolling update ([`crate::rollout`]) → side by side, Patroni's
//! dynamic configuration ([`crate::rollout::sync_config`]) and roles and databases over SQL
//! ([`crate::provision`]) → status.
//! Every decision is made by `pgctl_shared`; this module only does I/O.

use std::sync::Arc;
use std::time::Instant;

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodTemplateSpec, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, Preconditions};
use kube::core::DynamicObject;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::{Api, ResourceExt};
use pgctl_shared::build;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{PostgresStatus, Postgresql};
use pgctl_shared::manifest::{self, DocumentContent};
use pgctl_shared::naming;
use pgctl_shared::requests;
use pgctl_shared::rollout;
use pgctl_shared::status::{self, Observed, PodView, RolesOutcome, RolloutReport, SyncOutcome};
use pgctl_shared::validate;
use serde_json::json;
use tracing::Instrument;

use crate::apply::FIELD_MANAGER;
use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::events::{Reason, publish};

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

/// The cluster a reconcile is about, and the status it had.
struct Target<'a> {
    object: &'a DynamicObject,
    namespace: &'a str,
    name: &'a str,
    previous: Option<PostgresStatus>,
    generation: Option<i64>,
    /// `status.acknowledged` to write: the previous one until this pass takes the requests up.
    acknowledged: std::collections::BTreeMap<String, String>,
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
        return finalize(object, namespace, name, ctx, &config).await;
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
            // Then, side by side (both wait on the master): Patroni's dynamic configuration once
            // every pod is current, and roles and databases once the Kubernetes objects are in
            // place. A provisioning failure leaves the objects applied: it is reported and
            // retried with the cluster's backoff. Neither runs while the rollout has just
            // moved the master or deleted a pod: the next pass does it on a settled cluster.
            let provision = async {
                if rollout.acted {
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
                if rollout.current {
                    Some(crate::rollout::sync_config(ctx, &config, &cluster).await)
                } else {
                    None
                }
            };
            let (provisioned, configured) = tokio::join!(provision, configure);
            if let Some(configured) = configured {
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
            Ok(Action::requeue(
                rollout.requeue.map_or(next, |r| r.min(next)),
            ))
        }
        Err(error) => {
            let message = error.to_string();
            let outcome = SyncOutcome::Failed(message.clone());
            write_status(
                &target,
                ctx,
                &config,
                instances,
                None,
                outcome,
                RolesOutcome::NotAttempted,
                None,
                None,
                None,
            )
            .await?;
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

/// When to look again ([`pgctl_shared::requeue::next_check`]). A recheck of a settled cluster
/// reads the caches and, once it has a master, the roles and databases of the server; it
/// writes nothing when nothing changed.
fn next_check(status: &PostgresStatus, config: &OperatorConfig) -> std::time::Duration {
    pgctl_shared::requeue::next_check(
        status,
        config.resync_period,
        config.ready_wait_interval,
        k8s_openapi::jiff::Timestamp::now(),
    )
}

/// Status `Invalid` with the messages, an Event once per generation, and no retry until the
/// resource changes (the watch filters on generation).
async fn report_invalid(
    target: &Target<'_>,
    ctx: &Context,
    config: &OperatorConfig,
    desired_instances: i32,
    messages: Vec<String>,
) -> Result<Action, Error> {
    tracing::warn!(problems = ?messages, "invalid manifest; waiting for a change");
    let outcome = SyncOutcome::Invalid(messages.clone());
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
    )
    .await?;
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
async fn report_paused(target: &Target<'_>, ctx: &Context) -> Result<Action, Error> {
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

/// A cluster being deleted: with the finalizer [`naming::SECRETS_FINALIZER`], delete the
/// credential Secrets it keeps in other namespaces (`enable_cross_namespace_secret`; owner
/// references cannot reach them), then remove the finalizer. They are listed from the API
/// server, not a cache, so that none is missed. A failure is retried with the cluster's backoff;
/// the resource stays until the Secrets are gone.
async fn finalize(
    object: &DynamicObject,
    namespace: &str,
    name: &str,
    ctx: &Context,
    config: &OperatorConfig,
) -> Result<Action, Error> {
    let Some(patch) = build::secret::remove_finalizer_patch(
        object.metadata.finalizers.as_deref(),
        object.metadata.resource_version.as_deref(),
    ) else {
        return Ok(Action::await_change());
    };
    let client = ctx.applier.client();
    let labels = naming::cross_namespace_secret_labels(config, namespace, name);
    let listed = Api::<Secret>::all(client.clone())
        .list(&ListParams::default().labels(&naming::selector(&labels)))
        .await
        .map_err(kube_error(
            "list",
            format!("the Secrets of postgresql {namespace}/{name} in other namespaces"),
        ))?;
    let cluster = build::secret::ClusterRef {
        namespace,
        name,
        uid: object.metadata.uid.as_deref(),
    };
    let mut deleted = Vec::new();
    for secret in build::secret::deletable_secrets(cluster, config, &listed.items) {
        let api: Api<Secret> = Api::namespaced(client.clone(), &secret.namespace);
        let params = DeleteParams {
            preconditions: secret.uid.clone().map(|uid| Preconditions {
                uid: Some(uid),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        let what = format!("Secret {}/{}", secret.namespace, secret.name);
        match api.delete(&secret.name, &params).await {
            Ok(_) => {
                ctx.metrics.mutation("delete", "Secret");
                deleted.push(what);
            }
            // Gone already, or replaced by another Secret of that name: nothing of ours left.
            Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => {}
            Err(error) => return Err(kube_error("delete", what)(error)),
        }
    }
    if !deleted.is_empty() {
        tracing::info!(secrets = ?deleted, "deleted the cluster's Secrets in other namespaces");
        let note = format!("deleted {}", deleted.join(", "));
        publish(
            ctx,
            object,
            EventType::Normal,
            Reason::SecretsDeleted,
            &note,
        )
        .await;
    }
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &ctx.resource);
    match api
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => ctx.metrics.mutation("patch", "postgresql"),
        Err(kube::Error::Api(status)) if status.code == 404 => {}
        Err(error) => {
            return Err(kube_error(
                "remove the finalizer from",
                format!("postgresql {namespace}/{name}"),
            )(error));
        }
    }
    Ok(Action::await_change())
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

/// Computes the status from the caches and writes it only when it changed. `template` is the
/// desired pod template when this reconcile built it (else the cached StatefulSet's counts);
/// `rollout` what the rollout executor reported, `patroni_config` the `status.patroniConfig` it
/// confirmed (else the previous one stays).
#[allow(clippy::too_many_arguments)]
async fn write_status(
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
    };
    let now = Time(Timestamp::now());
    let new = status::compute(&observed, previous, &now);
    ctx.metrics.set_cluster_status(
        &format!("{namespace}/{name}"),
        Some(&new.postgres_cluster_status),
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
