//! The PodDisruptionBudgets of a cluster, as the reference operator makes them:
//!
//! - `postgres-NAME-pdb` (`pdb_name_format`) keeps the primary from being evicted voluntarily
//!   (node drains): `minAvailable: 1` over the pods labelled `spilo-role=master` (all pods of
//!   the cluster without `pdb_master_label_selector`).
//! - `postgres-NAME-critical-op-pdb` keeps every pod during a critical operation (a major
//!   version upgrade labels the pods `critical-operation: "true"` while it runs):
//!   `minAvailable: numberOfInstances` over the cluster's pods with that label, so it selects
//!   nothing the rest of the time.
//!
//! Both are 0 when `enable_pod_disruption_budget` is off or the cluster has no instances, so
//! that they never block a drain for nothing.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{ClusterContext, MASTER_ROLE};

/// The name of the critical-operation PodDisruptionBudget.
pub fn critical_op_pdb_name(cluster: &str) -> String {
    format!("postgres-{cluster}-critical-op-pdb")
}

/// The PodDisruptionBudget of the pods under a critical operation.
pub fn critical_op_pod_disruption_budget(ctx: &ClusterContext<'_>) -> PodDisruptionBudget {
    let instances = ctx.pg.spec.number_of_instances;
    let min_available = if !ctx.config.enable_pod_disruption_budget || instances <= 0 {
        0
    } else {
        instances
    };
    let mut selector = ctx.selector_labels();
    selector.insert(
        crate::naming::CRITICAL_OPERATION_LABEL.to_string(),
        "true".to_string(),
    );
    budget(
        ctx,
        critical_op_pdb_name(ctx.name()),
        min_available,
        selector,
    )
}

fn budget(
    ctx: &ClusterContext<'_>,
    name: String,
    min_available: i32,
    selector: std::collections::BTreeMap<String, String>,
) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: ctx.metadata(name),
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

/// The PodDisruptionBudget of the cluster's primary.
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
    budget(ctx, config.pdb_name(ctx.name()), min_available, selector)
}
