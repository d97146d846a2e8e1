//! Where the pods may run: tolerations, node affinity (with `node_readiness_label`), pod
//! anti-affinity and topology spread constraints.

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PodAffinityTerm, PodAntiAffinity, Toleration, TopologySpreadConstraint,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::build::ClusterContext;
use crate::config::NodeReadinessLabelMerge;

/// `spec.tolerations` when given, else the configured `toleration`.
pub(in crate::build) fn tolerations(ctx: &ClusterContext<'_>) -> Option<Vec<Toleration>> {
    if let Some(t) = ctx.pg.spec.tolerations.as_ref().filter(|t| !t.is_empty()) {
        return Some(t.clone());
    }
    ctx.config.toleration.as_ref().map(|t| vec![t.to_k8s()])
}

/// Node affinity of the manifest combined with `node_readiness_label`
/// (`node_readiness_label_merge`), plus the pod anti-affinity among the cluster's pods when
/// enabled.
pub(super) fn affinity(ctx: &ClusterContext<'_>) -> Option<Affinity> {
    affinity_among(ctx, ctx.selector_labels())
}

/// [`affinity`] with the anti-affinity among the pods of `selector` (a pooler's pods keep
/// apart from each other, as the reference's do).
pub(in crate::build) fn affinity_among(
    ctx: &ClusterContext<'_>,
    selector: std::collections::BTreeMap<String, String>,
) -> Option<Affinity> {
    let config = ctx.config;
    let node_affinity = node_affinity(ctx);
    let pod_anti_affinity = config.enable_pod_antiaffinity.then(|| {
        let term = PodAffinityTerm {
            label_selector: Some(LabelSelector {
                match_labels: Some(selector),
                ..LabelSelector::default()
            }),
            topology_key: config.pod_antiaffinity_topology_key.clone(),
            ..PodAffinityTerm::default()
        };
        if config.pod_antiaffinity_preferred_during_scheduling {
            PodAntiAffinity {
                preferred_during_scheduling_ignored_during_execution: Some(vec![
                    WeightedPodAffinityTerm {
                        pod_affinity_term: term,
                        weight: 1,
                    },
                ]),
                ..PodAntiAffinity::default()
            }
        } else {
            PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: Some(vec![term]),
                ..PodAntiAffinity::default()
            }
        }
    });
    if node_affinity.is_none() && pod_anti_affinity.is_none() {
        return None;
    }
    Some(Affinity {
        node_affinity,
        pod_anti_affinity,
        ..Affinity::default()
    })
}

pub(in crate::build) fn node_affinity(ctx: &ClusterContext<'_>) -> Option<NodeAffinity> {
    let readiness = &ctx.config.node_readiness_label;
    let manifest = ctx.pg.spec.node_affinity.clone();
    if readiness.is_empty() {
        return manifest;
    }
    let expressions: Vec<NodeSelectorRequirement> = readiness
        .iter()
        .map(|(key, value)| NodeSelectorRequirement {
            key: key.clone(),
            operator: "In".to_string(),
            values: Some(vec![value.clone()]),
        })
        .collect();
    let readiness_term = NodeSelectorTerm {
        match_expressions: Some(expressions.clone()),
        ..NodeSelectorTerm::default()
    };
    let mut affinity = manifest.unwrap_or_default();
    match affinity
        .required_during_scheduling_ignored_during_execution
        .as_mut()
        .filter(|s| !s.node_selector_terms.is_empty())
    {
        None => {
            affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
                node_selector_terms: vec![readiness_term],
            });
        }
        Some(selector) => match ctx.config.node_readiness_label_merge {
            NodeReadinessLabelMerge::Or => selector.node_selector_terms.push(readiness_term),
            NodeReadinessLabelMerge::And => {
                for term in &mut selector.node_selector_terms {
                    term.match_expressions
                        .get_or_insert_with(Vec::new)
                        .extend(expressions.iter().cloned());
                }
            }
        },
    }
    Some(affinity)
}

/// `spec.topologySpreadConstraints`; a constraint without label selector selects the pods of
/// the cluster.
pub(super) fn topology_spread_constraints(
    ctx: &ClusterContext<'_>,
) -> Option<Vec<TopologySpreadConstraint>> {
    let constraints = ctx.pg.spec.topology_spread_constraints.as_ref()?;
    if constraints.is_empty() {
        return None;
    }
    Some(
        constraints
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if c.label_selector.is_none() {
                    c.label_selector = Some(LabelSelector {
                        match_labels: Some(ctx.selector_labels()),
                        ..LabelSelector::default()
                    });
                }
                c
            })
            .collect(),
    )
}
