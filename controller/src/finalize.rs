//! The finalizer stage: what the garbage collector cannot reach when a cluster is deleted.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, Preconditions};
use kube::core::DynamicObject;
use kube::runtime::controller::Action;
use kube::runtime::events::EventType;
use pgctl_shared::build;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::naming;

use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::events::{Reason, publish};

/// A cluster being deleted: with the finalizer [`naming::SECRETS_FINALIZER`], delete the
/// credential Secrets it keeps in other namespaces (`enable_cross_namespace_secret`; owner
/// references cannot reach them), then remove the finalizer. They are listed from the API
/// server, not a cache, so that none is missed. A failure is retried with the cluster's backoff;
/// the resource stays until the Secrets are gone.
pub(crate) async fn finalize(
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
