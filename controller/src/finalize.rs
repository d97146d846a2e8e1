//! The finalizer stage: what the garbage collector cannot reach when a cluster is deleted
//! ([`pgctl_shared::build::finalizers`]).

use std::sync::Arc;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, Preconditions};
use kube::core::DynamicObject;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use kube::{Resource, ResourceExt};
use pgctl_shared::build;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::naming;

use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::events::{Reason, publish};

/// A cluster being deleted, carrying pgctl's finalizers: with [`naming::SECRETS_FINALIZER`],
/// delete the credential Secrets it keeps in other namespaces (`enable_cross_namespace_secret`;
/// owner references cannot reach them); with [`naming::REFERENCE_FINALIZER`] and
/// `enable_finalizers`, delete the cluster's objects (as the reference does, so that nothing
/// is left when owner references are off); then remove the finalizers. Without the option the
/// reference's finalizer is only removed (a cluster adopted from the reference). A failure is
/// retried with the cluster's backoff; the resource stays until the work is done.
pub(crate) async fn finalize(
    object: &DynamicObject,
    namespace: &str,
    name: &str,
    ctx: &Context,
    config: &OperatorConfig,
) -> Result<Action, Error> {
    let current = object.metadata.finalizers.as_deref();
    let Some(patch) =
        build::finalizers::release_patch(current, object.metadata.resource_version.as_deref())
    else {
        return Ok(Action::await_change());
    };
    let ours = build::finalizers::ours(current);
    if ours.contains(&naming::SECRETS_FINALIZER) {
        delete_secrets_elsewhere(object, namespace, name, ctx, config).await?;
    }
    if ours.contains(&naming::REFERENCE_FINALIZER) && config.enable_finalizers {
        delete_objects(object, namespace, name, ctx, config).await?;
    }
    let api: Api<DynamicObject> =
        Api::namespaced_with(ctx.applier.client().clone(), namespace, &ctx.resource);
    match api
        .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => ctx.metrics.mutation("patch", "postgresql"),
        Err(kube::Error::Api(status)) if status.code == 404 => {}
        Err(error) => {
            return Err(kube_error(
                "remove the finalizers from",
                format!("postgresql {namespace}/{name}"),
            )(error));
        }
    }
    Ok(Action::await_change())
}

/// The cluster's objects, from the caches: the StatefulSet, Services, Endpoints,
/// PodDisruptionBudgets, pooler Deployments and Services, the logical backup CronJob, and with
/// `enable_secrets_deletion` its credential Secrets. The claims follow the StatefulSet's
/// retention policy, as without the finalizer.
async fn delete_objects(
    object: &DynamicObject,
    namespace: &str,
    name: &str,
    ctx: &Context,
    config: &OperatorConfig,
) -> Result<(), Error> {
    let stores = &ctx.stores;
    let selector = naming::cluster_labels(config, name);
    let labelled = |labels: &std::collections::BTreeMap<String, String>| {
        selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    };
    let mut deleted = Vec::new();
    let statefulsets = stores
        .statefulsets
        .state()
        .into_iter()
        .filter(|s| s.namespace().as_deref() == Some(namespace) && labelled(s.labels()));
    delete_each(ctx, namespace, "StatefulSet", statefulsets, &mut deleted).await?;
    let pooler = naming::pooler_labels(config, name);
    let services = stores
        .services
        .of_cluster(config, namespace, name)
        .into_iter()
        .chain(
            stores
                .pooler_services
                .of_cluster_labelled(namespace, name, &pooler),
        );
    delete_each(ctx, namespace, "Service", services, &mut deleted).await?;
    let endpoints = stores
        .endpoints
        .state()
        .into_iter()
        .filter(|e| e.namespace().as_deref() == Some(namespace) && labelled(e.labels()));
    delete_each(ctx, namespace, "Endpoints", endpoints, &mut deleted).await?;
    let pdbs = stores.pdbs.of_cluster(config, namespace, name);
    delete_each(ctx, namespace, "PodDisruptionBudget", pdbs, &mut deleted).await?;
    let deployments = stores
        .deployments
        .of_cluster_labelled(namespace, name, &pooler);
    delete_each(ctx, namespace, "Deployment", deployments, &mut deleted).await?;
    let cron_jobs = stores.cron_jobs.of_cluster(config, namespace, name);
    delete_each(ctx, namespace, "CronJob", cron_jobs, &mut deleted).await?;
    if config.enable_secrets_deletion {
        let cluster = build::secret::ClusterRef {
            namespace,
            name,
            uid: object.metadata.uid.as_deref(),
        };
        let secrets = stores
            .secrets
            .of_cluster(config, namespace, name)
            .into_iter()
            .filter(|s| build::secret::is_managed(s, cluster, config));
        delete_each(ctx, namespace, "Secret", secrets, &mut deleted).await?;
    }
    report_deleted(ctx, object, &deleted, Reason::ObjectsDeleted).await;
    Ok(())
}

/// Deletes each of `objects` (kind `kind`) with a uid precondition; one gone already, or
/// replaced by another of its name, is not ours to delete.
async fn delete_each<K>(
    ctx: &Context,
    namespace: &str,
    kind: &'static str,
    objects: impl IntoIterator<Item = Arc<K>>,
    deleted: &mut Vec<String>,
) -> Result<(), Error>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(ctx.applier.client().clone(), namespace);
    for object in objects {
        let name = object.name_any();
        let params = DeleteParams {
            preconditions: object.meta().uid.clone().map(|uid| Preconditions {
                uid: Some(uid),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        match api.delete(&name, &params).await {
            Ok(_) => {
                ctx.metrics.mutation("delete", kind);
                deleted.push(format!("{kind} {name}"));
            }
            Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => {}
            Err(error) => {
                return Err(kube_error("delete", format!("{kind} {namespace}/{name}"))(
                    error,
                ));
            }
        }
    }
    Ok(())
}

/// The credential Secrets of the cluster in other namespaces, listed from the API server (not
/// a cache), so that none is missed.
async fn delete_secrets_elsewhere(
    object: &DynamicObject,
    namespace: &str,
    name: &str,
    ctx: &Context,
    config: &OperatorConfig,
) -> Result<(), Error> {
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
    report_deleted(ctx, object, &deleted, Reason::SecretsDeleted).await;
    Ok(())
}

/// The log line and Event of what the finalizer stage deleted, if anything.
async fn report_deleted(ctx: &Context, object: &DynamicObject, deleted: &[String], reason: Reason) {
    if deleted.is_empty() {
        return;
    }
    tracing::info!(objects = ?deleted, "deleted objects of a deleted cluster");
    let note = format!("deleted {}", deleted.join(", "));
    publish(ctx, object, EventType::Normal, reason, &note).await;
}
