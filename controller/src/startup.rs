//! Start-up: load the operator configuration, check permissions, register the CRD.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, bail};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use pgctl_shared::config::{LoadedConfig, OperatorConfig};

use crate::apply::FIELD_MANAGER;

/// Reads the operator ConfigMap; a missing one means the defaults.
pub async fn load_config(
    client: &Client,
    namespace: &str,
    name: &str,
    watched_override: Option<&str>,
) -> anyhow::Result<OperatorConfig> {
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let data = match api
        .get_opt(name)
        .await
        .with_context(|| format!("cannot read ConfigMap {namespace}/{name}"))?
    {
        Some(cm) => cm.data.unwrap_or_default(),
        None => {
            tracing::warn!(configmap = %format!("{namespace}/{name}"), "operator ConfigMap not found; using the defaults");
            BTreeMap::new()
        }
    };
    config_from_data(&data, watched_override)
        .with_context(|| format!("ConfigMap {namespace}/{name}"))
}

/// Builds the configuration from ConfigMap data, logging warnings for unimplemented keys.
pub fn config_from_data(
    data: &BTreeMap<String, String>,
    watched_override: Option<&str>,
) -> anyhow::Result<OperatorConfig> {
    let LoadedConfig { config, warnings } = OperatorConfig::from_config_map_data(data)?;
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    Ok(config.with_watched_namespace_override(watched_override)?)
}

/// One permission the controller needs.
struct Need {
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    /// In every namespace, whatever the watched ones are.
    everywhere: bool,
}

const fn need(verb: &'static str, group: &'static str, resource: &'static str) -> Need {
    Need {
        verb,
        group,
        resource,
        everywhere: false,
    }
}

const fn need_everywhere(verb: &'static str, group: &'static str, resource: &'static str) -> Need {
    Need {
        verb,
        group,
        resource,
        everywhere: true,
    }
}

/// What the configuration adds to the permissions every controller needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// `enable_crd_registration`: writing the CRD.
    pub crd_registration: bool,
    /// `enable_cross_namespace_secret`: Secrets in any namespace (created, watched, rotated
    /// and deleted with the cluster), and the finalizer on `postgresql` resources.
    pub cross_namespace_secrets: bool,
}

impl Features {
    pub fn of(config: &OperatorConfig) -> Self {
        Features {
            crd_registration: config.enable_crd_registration,
            cross_namespace_secrets: config.enable_cross_namespace_secret,
        }
    }

    pub fn any(&self) -> bool {
        self.crd_registration || self.cross_namespace_secrets
    }
}

/// Asks the API server whether this identity may do what the controller does; fails naming
/// the first verb and resource that is denied.
pub async fn check_permissions(
    client: &Client,
    watched: Option<&str>,
    features: Features,
) -> anyhow::Result<()> {
    let mut needs = vec![
        need("list", "acid.zalan.do", "postgresqls"),
        need("watch", "acid.zalan.do", "postgresqls"),
        need("patch", "acid.zalan.do", "postgresqls/status"),
        need("list", "apps", "statefulsets"),
        need("watch", "apps", "statefulsets"),
        need("patch", "apps", "statefulsets"),
        need("create", "apps", "statefulsets"),
        need("patch", "", "services"),
        // Orphans of the kinds the plan prunes (shared::plan::Kind::PRUNABLE).
        need("delete", "", "services"),
        need("create", "", "secrets"),
        need("list", "", "secrets"),
        need("patch", "", "secrets"),
        need("list", "", "pods"),
        need("watch", "", "pods"),
        // Major version upgrades run their steps in the pods.
        need("create", "", "pods/exec"),
        need("list", "", "nodes"),
        need("watch", "", "nodes"),
        need("patch", "", "endpoints"),
        need("list", "", "endpoints"),
        need("watch", "", "endpoints"),
        need("patch", "policy", "poddisruptionbudgets"),
        need("delete", "policy", "poddisruptionbudgets"),
        // The logical backup CronJobs (enableLogicalBackup).
        need("list", "batch", "cronjobs"),
        need("watch", "batch", "cronjobs"),
        need("patch", "batch", "cronjobs"),
        need("delete", "batch", "cronjobs"),
        need("patch", "", "serviceaccounts"),
        need("patch", "rbac.authorization.k8s.io", "rolebindings"),
        need("create", "", "events"),
        need("patch", "coordination.k8s.io", "leases"),
        need(
            "patch",
            "admissionregistration.k8s.io",
            "validatingadmissionpolicies",
        ),
    ];
    if features.crd_registration {
        needs.push(need(
            "patch",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
        ));
    }
    if features.cross_namespace_secrets {
        needs.push(need("patch", "acid.zalan.do", "postgresqls"));
        for verb in ["get", "list", "watch", "create", "patch", "delete"] {
            needs.push(need_everywhere(verb, "", "secrets"));
        }
    }
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    for n in needs {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(n.verb.to_string()),
                    group: Some(n.group.to_string()),
                    resource: Some(
                        n.resource
                            .split('/')
                            .next()
                            .unwrap_or(n.resource)
                            .to_string(),
                    ),
                    subresource: n.resource.split('/').nth(1).map(str::to_string),
                    namespace: if n.everywhere {
                        None
                    } else {
                        watched.map(str::to_string)
                    },
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .context("cannot ask the API server for access reviews")?;
        if !answer.status.map(|s| s.allowed).unwrap_or(false) {
            let resource = if n.group.is_empty() {
                n.resource.to_string()
            } else {
                format!("{}.{}", n.resource, n.group)
            };
            let scope = if n.everywhere {
                " in every namespace (enable_cross_namespace_secret)"
            } else {
                ""
            };
            bail!(
                "missing permission: cannot {} {resource}{scope}; grant it in the controller's ClusterRole (manifests/rbac.yaml)",
                n.verb
            );
        }
    }
    Ok(())
}

/// Creates or updates the CRD with server-side apply and waits until it is Established.
pub async fn register_crd(client: &Client) -> anyhow::Result<()> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd = pgctl_shared::crd::crd();
    let name = crd.metadata.name.clone().unwrap_or_default();
    api.patch(
        &name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&crd),
    )
    .await
    .with_context(|| format!("cannot register the CRD {name}"))?;
    let established = kube::runtime::wait::await_condition(
        api,
        &name,
        kube::runtime::wait::conditions::is_crd_established(),
    );
    tokio::time::timeout(Duration::from_secs(60), established)
        .await
        .with_context(|| format!("the CRD {name} did not become Established within 60s"))??;
    tracing::info!(crd = %name, "CRD registered and established");
    Ok(())
}

/// Installs (or removes) the ValidatingAdmissionPolicy that refuses deleting a postgresql
/// without the configured delete annotations.
pub async fn sync_delete_protection(
    client: &Client,
    config: &pgctl_shared::config::OperatorConfig,
    controller_namespace: &str,
) -> anyhow::Result<()> {
    use k8s_openapi::api::admissionregistration::v1::{
        ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    };
    use kube::api::DeleteParams;
    let policies: Api<ValidatingAdmissionPolicy> = Api::all(client.clone());
    let bindings: Api<ValidatingAdmissionPolicyBinding> = Api::all(client.clone());
    let name = pgctl_shared::build::protection::policy_name(controller_namespace);
    match pgctl_shared::build::protection::delete_protection(config, controller_namespace) {
        Some((policy, binding)) => {
            let params = PatchParams::apply(FIELD_MANAGER).force();
            policies
                .patch(&name, &params, &Patch::Apply(&policy))
                .await
                .with_context(|| format!("cannot apply ValidatingAdmissionPolicy {name}"))?;
            bindings
                .patch(&name, &params, &Patch::Apply(&binding))
                .await
                .with_context(|| format!("cannot apply ValidatingAdmissionPolicyBinding {name}"))?;
            tracing::info!(policy = %name, "delete protection enforced by the API server");
        }
        None => {
            for result in [
                bindings
                    .delete(&name, &DeleteParams::default())
                    .await
                    .map(|_| ()),
                policies
                    .delete(&name, &DeleteParams::default())
                    .await
                    .map(|_| ()),
            ] {
                match result {
                    Ok(()) => tracing::info!(policy = %name, "delete protection removed"),
                    Err(kube::Error::Api(e)) if e.code == 404 => {}
                    Err(e) => {
                        return Err(e)
                            .with_context(|| format!("cannot remove delete protection {name}"));
                    }
                }
            }
        }
    }
    Ok(())
}
