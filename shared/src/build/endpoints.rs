//! The Endpoints `NAME` of the master Service.
//!
//! The master Service has no selector; Patroni writes the primary's address into these
//! Endpoints (and its leader lock into their annotations). The operator only creates them, with
//! the cluster's labels and the role label `master`, and never sets `subsets`: applied with
//! server-side apply, the subsets stay Patroni's. When Patroni uses ConfigMaps there are none.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Endpoints;

use crate::naming;

use super::{ClusterContext, MASTER_ROLE};

/// The master Endpoints, or `None` when Patroni uses ConfigMaps.
pub fn master_endpoints(ctx: &ClusterContext<'_>) -> Option<Endpoints> {
    if ctx.uses_configmaps() {
        return None;
    }
    let mut metadata = ctx.metadata(naming::master_service(ctx.name()));
    metadata
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert(ctx.config.pod_role_label.clone(), MASTER_ROLE.to_string());
    Some(Endpoints {
        metadata,
        subsets: None,
    })
}
