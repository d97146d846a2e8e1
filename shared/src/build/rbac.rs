//! What the pods need from the Kubernetes API, per namespace that has clusters.
//!
//! - ServiceAccount `pod_service_account_name` (`postgres-pod`) in the namespace, from
//!   `pod_service_account_definition` when set (e.g. with `imagePullSecrets`).
//! - RoleBinding of the same name in the namespace, binding it to the ClusterRole of the same
//!   name, as the reference operator does (an existing binding keeps working; its `roleRef`
//!   cannot change), or `pod_service_account_role_binding_definition`. Unlike the reference,
//!   which creates them once and never updates them, the controller applies them like its
//!   other objects, so a changed definition reaches every namespace.
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

/// The pods' ServiceAccount in `namespace`: `pod_service_account_definition` (else a bare
/// one), named `pod_service_account_name` whatever the definition says (as the reference does),
/// with the cluster labels added.
pub fn service_account(config: &OperatorConfig, namespace: &str) -> ServiceAccount {
    let mut account: ServiceAccount =
        definition(&config.pod_service_account_definition).unwrap_or_default();
    account.metadata = own_metadata(
        account.metadata,
        config.pod_service_account_name.clone(),
        namespace,
        config,
    );
    account
}

/// The RoleBinding of the pods' ServiceAccount: `pod_service_account_role_binding_definition`
/// (its name, `roleRef` and subjects; a subject without a namespace gets `namespace`), else
/// one named like the ServiceAccount binding it to the ClusterRole [`pod_cluster_role`].
pub fn role_binding(config: &OperatorConfig, namespace: &str) -> RoleBinding {
    let name = &config.pod_service_account_name;
    if let Some(mut binding) =
        definition::<RoleBinding>(&config.pod_service_account_role_binding_definition)
    {
        let binding_name = binding
            .metadata
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| name.clone());
        binding.metadata = own_metadata(binding.metadata, binding_name, namespace, config);
        for subject in binding.subjects.iter_mut().flatten() {
            if subject.kind == "ServiceAccount" && subject.namespace.is_none() {
                subject.namespace = Some(namespace.to_string());
            }
        }
        return binding;
    }
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

/// An object of a configuration definition (checked when the configuration was read);
/// `None` when there is none.
fn definition<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    if text.trim().is_empty() {
        return None;
    }
    serde_yaml::from_str(text).ok()
}

/// The metadata of a definition as the controller applies it: its labels and annotations, the
/// given name and namespace, the cluster labels (so that the controller's label-selected cache
/// sees the object; they win a key), nothing the API server owns.
fn own_metadata(
    defined: ObjectMeta,
    name: String,
    namespace: &str,
    config: &OperatorConfig,
) -> ObjectMeta {
    let mut labels = defined.labels.unwrap_or_default();
    labels.extend(config.cluster_labels.clone());
    ObjectMeta {
        name: Some(name),
        namespace: Some(namespace.to_string()),
        labels: Some(labels),
        annotations: defined.annotations.filter(|a| !a.is_empty()),
        ..ObjectMeta::default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_keep_their_fields_and_take_the_configured_name() {
        let mut config = OperatorConfig {
            pod_service_account_definition: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: other\n  namespace: elsewhere\n  uid: abc\n  labels: {tier: db}\n  annotations: {eks.amazonaws.com/role-arn: arn}\nimagePullSecrets: [{name: registry}]\n".to_string(),
            ..OperatorConfig::default()
        };
        let account = service_account(&config, "team-a");
        assert_eq!(account.metadata.name.as_deref(), Some("postgres-pod"));
        assert_eq!(account.metadata.namespace.as_deref(), Some("team-a"));
        assert!(account.metadata.uid.is_none());
        let labels = account.metadata.labels.clone().unwrap_or_default();
        assert_eq!(labels.get("tier").map(String::as_str), Some("db"));
        assert_eq!(labels.get("application").map(String::as_str), Some("spilo"));
        assert_eq!(
            account
                .image_pull_secrets
                .as_ref()
                .map(|s| s[0].name.clone()),
            Some("registry".to_string())
        );

        config.pod_service_account_role_binding_definition = r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "pods-binding"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "custom-pod-role"}, "subjects": [{"kind": "ServiceAccount", "name": "postgres-pod"}, {"kind": "ServiceAccount", "name": "agent", "namespace": "ops"}]}"#.to_string();
        let binding = role_binding(&config, "team-a");
        assert_eq!(binding.metadata.name.as_deref(), Some("pods-binding"));
        assert_eq!(binding.role_ref.name, "custom-pod-role");
        let namespaces: Vec<Option<&str>> = binding
            .subjects
            .iter()
            .flatten()
            .map(|s| s.namespace.as_deref())
            .collect();
        assert_eq!(namespaces, vec![Some("team-a"), Some("ops")]);

        // Without definitions: the bare defaults.
        let plain = role_binding(&OperatorConfig::default(), "team-a");
        assert_eq!(plain.metadata.name.as_deref(), Some("postgres-pod"));
        assert!(
            service_account(&OperatorConfig::default(), "team-a")
                .image_pull_secrets
                .is_none()
        );
    }
}
