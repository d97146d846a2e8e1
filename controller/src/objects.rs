//! The objects stage: plans a cluster's Kubernetes objects ([`pgctl_shared::plan`]) against the
//! watch caches and executes the plan's actions in order. Every decision is the plan's; this
//! module only reads the caches and sends the writes.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodTemplateSpec, Secret};
use kube::api::{DeleteParams, Patch, PatchParams, Preconditions};
use kube::core::DynamicObject;
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use kube::{Api, Resource};
use pgctl_shared::build;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::naming::ROLLING_UPDATE_FLAG;
use pgctl_shared::plan::{self, Action, Kind, Live, LiveObject, Orphan};
use serde_json::{Value, json};

use crate::apply::{Applied, FIELD_MANAGER};
use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::events::Reason;

/// What the stage wrote, and what the later stages need of the plan.
#[derive(Default)]
pub struct Report {
    pub written: Vec<String>,
    pub image: Option<String>,
    /// The desired pod template.
    pub template: Option<PodTemplateSpec>,
    /// The StatefulSet's desired replicas.
    pub replicas: i32,
    /// The cluster's credential Secrets in other namespaces that exist (for provisioning).
    pub cross_namespace_secrets: Vec<Secret>,
    /// Secrets in other namespaces that could not be created; the rest was applied.
    pub problems: Vec<Error>,
}

impl Report {
    fn note(&mut self, applied: Applied, what: String) {
        if applied == Applied::Written {
            self.written.push(what);
        }
    }
}

/// The caches, seen from one cluster.
pub struct Cached<'a> {
    ctx: &'a Context,
    config: &'a OperatorConfig,
    namespace: &'a str,
    name: &'a str,
    pods: Vec<Arc<Pod>>,
    claims: Vec<Arc<PersistentVolumeClaim>>,
}

impl<'a> Cached<'a> {
    pub fn new(
        ctx: &'a Context,
        config: &'a OperatorConfig,
        namespace: &'a str,
        name: &'a str,
    ) -> Self {
        Cached {
            ctx,
            config,
            namespace,
            name,
            pods: ctx.stores.pods.of_cluster(config, namespace, name),
            claims: ctx.stores.claims.of_cluster(config, namespace, name),
        }
    }

    fn json<K: serde::Serialize>(object: Option<Arc<K>>) -> Option<Value> {
        object.and_then(|o| serde_json::to_value(&*o).ok())
    }

    fn live_objects<K: Resource<DynamicType = ()>>(
        kind: Kind,
        objects: Vec<Arc<K>>,
    ) -> Vec<LiveObject> {
        objects
            .iter()
            .map(|o| LiveObject {
                kind,
                name: o.meta().name.clone().unwrap_or_default(),
                uid: o.meta().uid.clone(),
                applied_by_controller: o.meta().managed_fields.as_ref().is_some_and(|m| {
                    m.iter()
                        .any(|e| e.manager.as_deref() == Some(FIELD_MANAGER))
                }),
            })
            .collect()
    }
}

impl Live for Cached<'_> {
    fn get(&self, kind: Kind, name: &str) -> Option<Value> {
        let stores = &self.ctx.stores;
        let namespace = self.namespace;
        match kind {
            Kind::ServiceAccount => Self::json(stores.service_accounts.get(&at(namespace, name))),
            Kind::RoleBinding => Self::json(stores.role_bindings.get(&at(namespace, name))),
            Kind::Service => Self::json(
                stores
                    .services
                    .get(&at(namespace, name))
                    .or_else(|| stores.pooler_services.get(&at(namespace, name))),
            ),
            Kind::Deployment => Self::json(stores.deployments.get(&at(namespace, name))),
            Kind::CronJob => Self::json(stores.cron_jobs.get(&at(namespace, name))),
            Kind::Endpoints => Self::json(stores.endpoints.get(&at(namespace, name))),
            Kind::PodDisruptionBudget => Self::json(stores.pdbs.get(&at(namespace, name))),
            Kind::StatefulSet => Self::json(stores.statefulsets.get(&at(namespace, name))),
            Kind::Secret => Self::json(stores.secrets.get(&at(namespace, name))),
            Kind::Pod | Kind::PersistentVolumeClaim => None,
        }
    }

    fn of_cluster(&self, kind: Kind) -> Vec<LiveObject> {
        let stores = &self.ctx.stores;
        match kind {
            Kind::Service => {
                let pooler = pgctl_shared::naming::pooler_labels(self.config, self.name);
                let mut services =
                    stores
                        .services
                        .of_cluster(self.config, self.namespace, self.name);
                services.extend(stores.pooler_services.of_cluster_labelled(
                    self.namespace,
                    self.name,
                    &pooler,
                ));
                Self::live_objects(kind, services)
            }
            Kind::Deployment => {
                let pooler = pgctl_shared::naming::pooler_labels(self.config, self.name);
                Self::live_objects(
                    kind,
                    stores
                        .deployments
                        .of_cluster_labelled(self.namespace, self.name, &pooler),
                )
            }
            Kind::PodDisruptionBudget => Self::live_objects(
                kind,
                stores
                    .pdbs
                    .of_cluster(self.config, self.namespace, self.name),
            ),
            Kind::CronJob => Self::live_objects(
                kind,
                stores
                    .cron_jobs
                    .of_cluster(self.config, self.namespace, self.name),
            ),
            _ => Vec::new(),
        }
    }

    fn secret_exists(&self, namespace: &str, name: &str) -> bool {
        let key = at(namespace, name);
        self.ctx.stores.secrets.get(&key).is_some()
            || self
                .ctx
                .stores
                .cross_namespace_secrets
                .as_ref()
                .is_some_and(|store| store.get(&key).is_some())
    }

    fn pods(&self) -> Vec<&Pod> {
        self.pods.iter().map(|p| &**p).collect()
    }

    fn claims(&self) -> Vec<&PersistentVolumeClaim> {
        self.claims.iter().map(|c| &**c).collect()
    }
}

/// Plans the cluster's objects against the caches and executes the plan.
pub async fn sync(
    pg: &Postgresql,
    object: &DynamicObject,
    ctx: &Context,
    config: &OperatorConfig,
) -> Result<Report, Error> {
    let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let live = Cached::new(ctx, config, namespace, name);
    let planned = plan::plan(pg, config, &live)?;
    let mut report = Report {
        image: planned.image.clone(),
        template: planned.template.clone(),
        replicas: planned.replicas,
        ..Report::default()
    };
    for action in &planned.actions {
        execute(action, pg, object, ctx, config, &mut report).await?;
    }
    Ok(report)
}

async fn execute(
    action: &Action,
    pg: &Postgresql,
    object: &DynamicObject,
    ctx: &Context,
    config: &OperatorConfig,
    report: &mut Report,
) -> Result<(), Error> {
    let applier = &ctx.applier;
    let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    match action {
        Action::Apply { change, .. } if *change == plan::Change::Unchanged => {}
        Action::Apply { object, .. } => {
            let applied = applier.apply_object(object).await?;
            report.note(applied, format!("{} {}", object.kind(), object.name()));
        }
        Action::CreateIfAbsent { object, exists } => {
            let applied = applier.create_object(object, *exists).await?;
            report.note(applied, format!("{} {}", object.kind(), object.name()));
        }
        Action::SetFinalizers { patch } => {
            let api: Api<DynamicObject> =
                Api::namespaced_with(applier.client().clone(), namespace, &ctx.resource);
            api.patch(name, &PatchParams::default(), &Patch::Merge(patch))
                .await
                .map_err(kube_error(
                    "set the finalizers of",
                    format!("postgresql {namespace}/{name}"),
                ))?;
            ctx.metrics.mutation("patch", "postgresql");
            let list = patch["metadata"]["finalizers"].to_string();
            report.written.push(format!("finalizers {list}"));
        }
        Action::EnsureSecret {
            secret: required, ..
        } => {
            let what = if required.cross_namespace {
                format!("Secret {}/{}", required.namespace, required.name)
            } else {
                format!("Secret {}", required.name)
            };
            let created = async {
                if let Some(found) = ctx.secret(&required.namespace, &required.name).await? {
                    return Ok((Applied::Unchanged, Some(found)));
                }
                let password = pgctl_shared::password::generate(&mut rand::rng());
                let secret = build::secret::secret(
                    pg,
                    config,
                    required,
                    &required.username,
                    password.expose(),
                )?;
                Ok::<_, Error>((applier.create_if_absent(&secret, false).await?, None))
            };
            match created.await {
                Ok((applied, found)) => {
                    report.note(applied, what);
                    if required.cross_namespace {
                        report
                            .cross_namespace_secrets
                            .extend(found.map(|s| Secret::clone(&s)));
                    }
                }
                Err(error) if required.cross_namespace => {
                    report
                        .problems
                        .push(cross_namespace_problem(required, error));
                }
                Err(error) => return Err(error),
            }
        }
        Action::Delete(orphan) => {
            if delete_orphan(ctx, namespace, orphan).await? {
                let what = format!("{} {}", orphan.kind, orphan.name);
                crate::events::publish(
                    ctx,
                    object,
                    EventType::Normal,
                    Reason::Deleted,
                    &format!("deleted {what}: the manifest no longer asks for it"),
                )
                .await;
                report.written.push(format!("deleted {what}"));
            }
        }
        Action::ResizeClaim { name: claim, size } => {
            let api: Api<PersistentVolumeClaim> =
                Api::namespaced(applier.client().clone(), namespace);
            let patch = json!({"spec": {"resources": {"requests": {"storage": size}}}});
            api.patch(claim, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .map_err(kube_error(
                    "resize",
                    format!("PersistentVolumeClaim {claim}"),
                ))?;
            ctx.metrics.mutation("patch", "PersistentVolumeClaim");
            report
                .written
                .push(format!("PersistentVolumeClaim {claim} resized to {size}"));
        }
        Action::FlagOutdatedPod { name: pod } => {
            let api: Api<Pod> = Api::namespaced(applier.client().clone(), namespace);
            let patch = json!({"metadata": {"annotations": {ROLLING_UPDATE_FLAG: "true"}}});
            api.patch(pod, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .map_err(kube_error("flag", format!("Pod {pod}")))?;
            ctx.metrics.mutation("patch", "Pod");
            report
                .written
                .push(format!("rolling-update flag on Pod {pod}"));
        }
    }
    Ok(())
}

/// Deletes an object the plan no longer contains, with a uid precondition so that an object
/// re-created under the same name meanwhile is left alone. False when it was gone already.
async fn delete_orphan(ctx: &Context, namespace: &str, orphan: &Orphan) -> Result<bool, Error> {
    let params = DeleteParams {
        preconditions: orphan.uid.clone().map(|uid| Preconditions {
            uid: Some(uid),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    let client = ctx.applier.client().clone();
    let result = match orphan.kind {
        Kind::Service => Api::<k8s_openapi::api::core::v1::Service>::namespaced(client, namespace)
            .delete(&orphan.name, &params)
            .await
            .map(|_| ()),
        Kind::PodDisruptionBudget => {
            Api::<k8s_openapi::api::policy::v1::PodDisruptionBudget>::namespaced(client, namespace)
                .delete(&orphan.name, &params)
                .await
                .map(|_| ())
        }
        Kind::Deployment => {
            // Foreground: the pods go before the Deployment does.
            let params = DeleteParams {
                propagation_policy: Some(kube::api::PropagationPolicy::Foreground),
                ..params.clone()
            };
            Api::<k8s_openapi::api::apps::v1::Deployment>::namespaced(client, namespace)
                .delete(&orphan.name, &params)
                .await
                .map(|_| ())
        }
        // Background: the Jobs and their pods go after the CronJob (a running dump finishes
        // or is stopped by the garbage collector).
        Kind::CronJob => {
            let params = DeleteParams {
                propagation_policy: Some(kube::api::PropagationPolicy::Background),
                ..params.clone()
            };
            Api::<k8s_openapi::api::batch::v1::CronJob>::namespaced(client, namespace)
                .delete(&orphan.name, &params)
                .await
                .map(|_| ())
        }
        // The pooler role's Secret, once no pooler is left.
        Kind::Secret => Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client, namespace)
            .delete(&orphan.name, &params)
            .await
            .map(|_| ()),
        // The plan deletes only prunable kinds, and that Secret.
        _ => return Ok(false),
    };
    match result {
        Ok(()) => {
            ctx.metrics.mutation("delete", orphan.kind.as_str());
            Ok(true)
        }
        Err(kube::Error::Api(status)) if status.code == 404 || status.code == 409 => Ok(false),
        Err(error) => Err(kube_error(
            "delete",
            format!("{} {}", orphan.kind, orphan.name),
        )(error)),
    }
}

/// What a failure to create a Secret in another namespace means: a missing namespace is named
/// as such; anything else is the API's error.
fn cross_namespace_problem(required: &build::secret::RequiredSecret, error: Error) -> Error {
    match error {
        Error::Kube {
            source: kube::Error::Api(status),
            ..
        } if status.code == 404 => Error::SecretNamespaceMissing {
            secret: required.name.clone(),
            role: required.username.clone(),
            namespace: required.namespace.clone(),
        },
        other => other,
    }
}

/// Where a named object of a namespace sits in a cache.
pub(crate) fn at<K: Resource<DynamicType = ()>>(namespace: &str, name: &str) -> ObjectRef<K> {
    ObjectRef::new(name).within(namespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required() -> build::secret::RequiredSecret {
        build::secret::RequiredSecret {
            username: "apps.app_user".into(),
            name: "apps.app-user.acid-x.credentials.postgresql.acid.zalan.do".into(),
            namespace: "apps".into(),
            cross_namespace: true,
        }
    }

    fn api_error(code: u16) -> Error {
        let status = kube::core::Status::failure("boom", "NotFound").with_code(code);
        kube_error("create", "Secret x")(kube::Error::Api(Box::new(status)))
    }

    #[test]
    fn a_missing_namespace_is_named_as_such() {
        let problem = cross_namespace_problem(&required(), api_error(404));
        assert_eq!(problem.label(), "SecretNamespaceMissing");
        let text = problem.to_string();
        assert!(
            text.contains(r#"namespace "apps" does not exist"#)
                && text.contains("apps.app-user.acid-x.credentials.postgresql.acid.zalan.do")
                && text.contains(r#"role "apps.app_user""#),
            "{text}"
        );
        let other = cross_namespace_problem(&required(), api_error(403));
        assert_eq!(other.label(), "ApiError");
    }
}
