//! Writing desired objects: server-side apply under one field manager. Whether to write at all
//! is the plan's decision (`pgctl_shared::plan`), not this module's.

use std::fmt::Debug;
use std::sync::Arc;

use k8s_openapi::NamespaceResourceScope;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, kube as kube_error};
use crate::metrics::Metrics;

/// The one field manager of everything the controller writes.
pub use pgctl_shared::plan::CONTROLLER_FIELD_MANAGER as FIELD_MANAGER;
use pgctl_shared::plan::Object;

#[derive(Clone)]
pub struct Applier {
    client: Client,
    metrics: Arc<Metrics>,
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Unchanged,
    Written,
}

impl Applier {
    pub fn new(client: Client, metrics: Arc<Metrics>) -> Self {
        Applier { client, metrics }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn api<K>(&self, object: &K) -> Result<(Api<K>, String), Error>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
    {
        let namespace = object
            .meta()
            .namespace
            .clone()
            .ok_or(Error::Incomplete("metadata.namespace on a desired object"))?;
        let name = object
            .meta()
            .name
            .clone()
            .ok_or(Error::Incomplete("metadata.name on a desired object"))?;
        Ok((Api::namespaced(self.client.clone(), &namespace), name))
    }

    /// Server-side apply of `desired`, forcing ownership of its fields: fields this manager
    /// set before and `desired` lacks are removed by the API server.
    pub async fn apply<K>(&self, desired: &K) -> Result<Applied, Error>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + k8s_openapi::Resource
            + Serialize
            + DeserializeOwned
            + Clone
            + Debug,
    {
        let (api, name) = self.api(desired)?;
        api.patch(
            &name,
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(desired),
        )
        .await
        .map_err(kube_error(
            "apply",
            format!("{} {name}", <K as k8s_openapi::Resource>::KIND),
        ))?;
        self.metrics
            .mutation("apply", <K as k8s_openapi::Resource>::KIND);
        Ok(Applied::Written)
    }

    /// [`Self::apply`] of a planned object.
    pub async fn apply_object(&self, object: &Object) -> Result<Applied, Error> {
        match object {
            Object::ServiceAccount(o) => self.apply(o).await,
            Object::RoleBinding(o) => self.apply(o).await,
            Object::Service(o) => self.apply(o).await,
            Object::Endpoints(o) => self.apply(o).await,
            Object::PodDisruptionBudget(o) => self.apply(o).await,
            Object::StatefulSet(o) => self.apply(o).await,
            Object::Deployment(o) => self.apply(o).await,
            Object::CronJob(o) => self.apply(o).await,
        }
    }

    /// [`Self::create_if_absent`] of a planned object.
    pub async fn create_object(&self, object: &Object, exists: bool) -> Result<Applied, Error> {
        match object {
            Object::ServiceAccount(o) => self.create_if_absent(o, exists).await,
            Object::RoleBinding(o) => self.create_if_absent(o, exists).await,
            Object::Service(o) => self.create_if_absent(o, exists).await,
            Object::Endpoints(o) => self.create_if_absent(o, exists).await,
            Object::PodDisruptionBudget(o) => self.create_if_absent(o, exists).await,
            Object::StatefulSet(o) => self.create_if_absent(o, exists).await,
            Object::Deployment(o) => self.create_if_absent(o, exists).await,
            Object::CronJob(o) => self.create_if_absent(o, exists).await,
        }
    }

    /// Creates `desired` unless an object of that name exists; an existing one is never touched.
    pub async fn create_if_absent<K>(&self, desired: &K, exists: bool) -> Result<Applied, Error>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + k8s_openapi::Resource
            + Serialize
            + DeserializeOwned
            + Clone
            + Debug,
    {
        if exists {
            return Ok(Applied::Unchanged);
        }
        let (api, name) = self.api(desired)?;
        match api
            .create(
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.to_string()),
                    ..Default::default()
                },
                desired,
            )
            .await
        {
            Ok(_) => {
                self.metrics
                    .mutation("create", <K as k8s_openapi::Resource>::KIND);
                Ok(Applied::Written)
            }
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(Applied::Unchanged),
            Err(e) => Err(kube_error(
                "create",
                format!("{} {name}", <K as k8s_openapi::Resource>::KIND),
            )(e)),
        }
    }
}
