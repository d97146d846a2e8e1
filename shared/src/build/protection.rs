//! Delete protection: with `delete_annotation_date_key` and/or `delete_annotation_name_key`
//! configured, a `postgresql` can only be deleted once it carries those annotations — enforced
//! by the API server through a ValidatingAdmissionPolicy, so `kubectl delete` is refused too.
//!
//! The name annotation must equal the cluster name. The date annotation must be a date
//! (`YYYY-MM-DD`); CEL in admission policies has no clock, so unlike the reference operator
//! the date is not compared with today.

use k8s_openapi::api::admissionregistration::v1::{
    MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicyBindingSpec,
    ValidatingAdmissionPolicySpec, Validation,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta,
};

use crate::config::{OperatorConfig, WatchedNamespaces};
use crate::crd::{GROUP, PLURAL, VERSION};

/// The policy and its binding, named after the controller's namespace so that several
/// installations do not overwrite each other. `None` when no key is configured.
pub fn delete_protection(
    config: &OperatorConfig,
    controller_namespace: &str,
) -> Option<(ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding)> {
    let date_key = config
        .delete_annotation_date_key
        .as_deref()
        .filter(|k| !k.is_empty());
    let name_key = config
        .delete_annotation_name_key
        .as_deref()
        .filter(|k| !k.is_empty());
    if date_key.is_none() && name_key.is_none() {
        return None;
    }
    let name = policy_name(controller_namespace);
    let mut validations = Vec::new();
    if let Some(key) = name_key {
        let key = cel_string(key);
        validations.push(Validation {
            expression: format!(
                "has(oldObject.metadata.annotations) && {key} in oldObject.metadata.annotations && oldObject.metadata.annotations[{key}] == oldObject.metadata.name"
            ),
            message_expression: Some(format!(
                "'postgresql ' + oldObject.metadata.name + ' is protected: annotate it with ' + {key} + '=' + oldObject.metadata.name + ' before deleting it'"
            )),
            ..Validation::default()
        });
    }
    if let Some(key) = date_key {
        let key = cel_string(key);
        validations.push(Validation {
            expression: format!(
                "has(oldObject.metadata.annotations) && {key} in oldObject.metadata.annotations && oldObject.metadata.annotations[{key}].matches('^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$')"
            ),
            message_expression: Some(format!(
                "'postgresql ' + oldObject.metadata.name + ' is protected: annotate it with ' + {key} + '=YYYY-MM-DD (today) before deleting it'"
            )),
            ..Validation::default()
        });
    }
    let policy = ValidatingAdmissionPolicy {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(ValidatingAdmissionPolicySpec {
            failure_policy: Some("Fail".to_string()),
            match_constraints: Some(MatchResources {
                resource_rules: Some(vec![NamedRuleWithOperations {
                    api_groups: Some(vec![GROUP.to_string()]),
                    api_versions: Some(vec![VERSION.to_string()]),
                    operations: Some(vec!["DELETE".to_string()]),
                    resources: Some(vec![PLURAL.to_string()]),
                    ..NamedRuleWithOperations::default()
                }]),
                ..MatchResources::default()
            }),
            validations: Some(validations),
            ..ValidatingAdmissionPolicySpec::default()
        }),
        ..ValidatingAdmissionPolicy::default()
    };
    let namespace_selector = match &config.watched_namespace {
        WatchedNamespaces::All => None,
        WatchedNamespaces::Some(list) => Some(LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "kubernetes.io/metadata.name".to_string(),
                operator: "In".to_string(),
                values: Some(list.clone()),
            }]),
            ..LabelSelector::default()
        }),
    };
    let binding = ValidatingAdmissionPolicyBinding {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(ValidatingAdmissionPolicyBindingSpec {
            policy_name: Some(name),
            validation_actions: Some(vec!["Deny".to_string()]),
            match_resources: namespace_selector.map(|selector| MatchResources {
                namespace_selector: Some(selector),
                ..MatchResources::default()
            }),
            ..ValidatingAdmissionPolicyBindingSpec::default()
        }),
    };
    Some((policy, binding))
}

/// Name of the policy and binding of a controller installation.
pub fn policy_name(controller_namespace: &str) -> String {
    format!("pgctl-delete-protection.{controller_namespace}")
}

/// A CEL string literal (single-quoted, with `\` and `'` escaped).
fn cel_string(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_without_keys() {
        assert!(delete_protection(&OperatorConfig::default(), "pgctl-system").is_none());
    }

    #[test]
    fn both_keys_give_two_validations_bound_to_the_watched_namespaces() {
        let config = OperatorConfig {
            delete_annotation_date_key: Some("delete-date".into()),
            delete_annotation_name_key: Some("delete-clustername".into()),
            watched_namespace: WatchedNamespaces::Some(vec!["team-a".into()]),
            ..OperatorConfig::default()
        };
        let (policy, binding) = delete_protection(&config, "pgctl-system").expect("policy");
        let validations = policy
            .spec
            .and_then(|s| s.validations)
            .expect("validations");
        assert_eq!(validations.len(), 2);
        assert!(validations[0].expression.contains(
            "oldObject.metadata.annotations['delete-clustername'] == oldObject.metadata.name"
        ));
        assert!(
            validations[1]
                .expression
                .contains("['delete-date'].matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}$')")
        );
        let spec = binding.spec.expect("binding spec");
        assert_eq!(
            spec.policy_name.as_deref(),
            Some("pgctl-delete-protection.pgctl-system")
        );
        let selector = spec
            .match_resources
            .and_then(|m| m.namespace_selector)
            .expect("selector");
        assert_eq!(
            selector.match_expressions.expect("expressions")[0].values,
            Some(vec!["team-a".to_string()])
        );
    }

    #[test]
    fn keys_are_escaped_as_cel_strings() {
        assert_eq!(cel_string("it's"), "'it\\'s'");
    }
}
