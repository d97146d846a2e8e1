//! Writing desired objects: server-side apply under one field manager, skipped when the live
//! object already holds every desired value, so an unchanged cluster costs no write.

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
pub const FIELD_MANAGER: &str = "pgctl-controller";

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

    /// Applies `desired` unless `live` already matches it.
    pub async fn apply<K>(&self, desired: &K, live: Option<&K>) -> Result<Applied, Error>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>
            + k8s_openapi::Resource
            + Serialize
            + DeserializeOwned
            + Clone
            + Debug,
    {
        if let Some(live) = live
            && let (Ok(want), Ok(have)) =
                (serde_json::to_value(desired), serde_json::to_value(live))
            && pgctl_shared::diff::is_subset(&want, &have)
        {
            return Ok(Applied::Unchanged);
        }
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
