//! The PodDisruptionBudget `postgres-NAME-pdb` (`pdb_name_format`).
//!
//! It keeps the primary from being evicted voluntarily (node drains): `minAvailable: 1` over
//! the pods labelled `spilo-role=master` (all pods of the cluster without
//! `pdb_master_label_selector`). It is 0 when `enable_pod_disruption_budget` is off or the
//! cluster has no instances, so that it never blocks a drain for nothing.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{ClusterContext, MASTER_ROLE};

/// The PodDisruptionBudget of the cluster.
pub fn pod_disruption_budget(ctx: &ClusterContext<'_>) -> PodDisruptionBudget {
    let config = ctx.config;
    let min_available =
        if !config.enable_pod_disruption_budget || ctx.pg.spec.number_of_instances <= 0 {
            0
        } else {
            1
        };
    let mut selector = ctx.selector_labels();
    if config.pdb_master_label_selector {
        selector.insert(config.pod_role_label.clone(), MASTER_ROLE.to_string());
    }
    PodDisruptionBudget {
        metadata: ctx.metadata(config.pdb_name(ctx.name())),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(IntOrString::Int(min_available)),
            selector: Some(LabelSelector {
                match_labels: Some(selector),
                ..LabelSelector::default()
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }
}
