//! What the pods need from the Kubernetes API, per namespace that has clusters.
//!
//! - ServiceAccount `pod_service_account_name` (`postgres-pod`) in the namespace.
//! - RoleBinding of the same name in the namespace, binding it to the ClusterRole of the same
//!   name, as the reference operator does (an existing binding keeps working; its `roleRef`
//!   cannot change).
//! - That ClusterRole ([`pod_cluster_role`]) is installed once per Kubernetes cluster with the
//!   operator. It lets Patroni keep its leader state in Endpoints (or ConfigMaps), label the
//!   pods with their role, and create the `NAME-config` Service.
//!
//! These objects are shared by every cluster of the namespace, so they carry no owner
//! reference.

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, PolicyRule, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::config::OperatorConfig;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The pods' ServiceAccount in `namespace`.
pub fn service_account(config: &OperatorConfig, namespace: &str) -> ServiceAccount {
    ServiceAccount {
        metadata: ObjectMeta {
            name: Some(config.pod_service_account_name.clone()),
            namespace: Some(namespace.to_string()),
            // Shared by the namespace's clusters: the cluster labels without a cluster name,
            // so that the controller's label-selected cache sees it.
            labels: Some(config.cluster_labels.clone()),
            ..ObjectMeta::default()
        },
        ..ServiceAccount::default()
    }
}

/// The RoleBinding of the pods' ServiceAccount to the ClusterRole [`pod_cluster_role`].
pub fn role_binding(config: &OperatorConfig, namespace: &str) -> RoleBinding {
    let name = &config.pod_service_account_name;
    RoleBinding {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace.to_string()),
            labels: Some(config.cluster_labels.clone()),
            ..ObjectMeta::default()
        },
        role_ref: RoleRef {
            api_group: RBAC_GROUP.to_string(),
            kind: "ClusterRole".to_string(),
            name: name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_string(),
            name: name.clone(),
            namespace: Some(namespace.to_string()),
            api_group: None,
        }]),
    }
}

/// The ClusterRole the pods are bound to, named like their ServiceAccount. It covers both
/// DCS modes (Endpoints and ConfigMaps), so that changing `kubernetes_use_configmaps` needs no
/// RBAC change.
pub fn pod_cluster_role(config: &OperatorConfig) -> ClusterRole {
    let rule = |resources: &[&str], verbs: &[&str]| PolicyRule {
        api_groups: Some(vec![String::new()]),
        resources: Some(resources.iter().map(|s| s.to_string()).collect()),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
        ..PolicyRule::default()
    };
    let leader_state = [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];
    ClusterRole {
        metadata: ObjectMeta {
            name: Some(config.pod_service_account_name.clone()),
            ..ObjectMeta::default()
        },
        rules: Some(vec![
            // Leader lock, member list and configuration (Endpoints or ConfigMaps DCS).
            rule(&["endpoints"], &leader_state),
            rule(&["configmaps"], &leader_state),
            // Patroni labels its pod with the role and reads the other members.
            rule(&["pods"], &["get", "list", "patch", "update", "watch"]),
            // Patroni creates the `NAME-config` Service.
            rule(&["services"], &["create"]),
        ]),
        aggregation_rule: None,
    }
}
