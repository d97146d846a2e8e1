//! The Services `NAME` (master) and `NAME-repl` (replicas).
//!
//! - Port `postgresql` 5432 → 5432.
//! - The master Service has no selector: Patroni keeps its Endpoints `NAME` pointing at the
//!   primary. When Patroni uses ConfigMaps it does not, so the Service selects the pod labelled
//!   `spilo-role=master` instead. The replica Service selects `spilo-role=replica`.
//! - Labels: the object labels plus the role label (`spilo-role: master|replica`).
//! - Annotations: `custom_service_annotations`, then `spec.serviceAnnotations`, then
//!   `spec.masterServiceAnnotations` / `spec.replicaServiceAnnotations`, then the inherited
//!   annotations. A load balancer adds the external-dns host name and, unless set, the AWS ELB
//!   idle timeout.
//! - Type `LoadBalancer` when enabled (`spec.enableMasterLoadBalancer`, its deprecated alias
//!   `useLoadBalancer`, else `enable_master_load_balancer`; likewise for replicas), with
//!   `spec.allowedSourceRanges` (default `127.0.0.1/32`) and `external_traffic_policy`; else
//!   `NodePort` when `spec.enableMasterNodePort` / `enableReplicaNodePort`; else `ClusterIP`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::naming;

use super::{ClusterContext, MASTER_ROLE, POSTGRES_PORT, POSTGRES_PORT_NAME, REPLICA_ROLE};

/// Annotation with the DNS name(s) of a load balancer, for external-dns.
pub const DNS_NAME_ANNOTATION: &str = "external-dns.alpha.kubernetes.io/hostname";
/// AWS ELB idle timeout annotation.
pub const ELB_TIMEOUT_ANNOTATION: &str =
    "service.beta.kubernetes.io/aws-load-balancer-connection-idle-timeout";
/// Default of [`ELB_TIMEOUT_ANNOTATION`] (seconds).
pub const ELB_TIMEOUT_DEFAULT: &str = "3600";
/// Source range of a load balancer when the manifest allows none.
pub const DEFAULT_SOURCE_RANGE: &str = "127.0.0.1/32";

/// Which of the two Services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Master,
    Replica,
}

impl Role {
    /// The value of `pod_role_label` of the pods the Service is for.
    pub fn label_value(self) -> &'static str {
        match self {
            Role::Master => MASTER_ROLE,
            Role::Replica => REPLICA_ROLE,
        }
    }

    /// The Service name.
    pub fn service_name(self, cluster: &str) -> String {
        match self {
            Role::Master => naming::master_service(cluster),
            Role::Replica => naming::replica_service(cluster),
        }
    }
}

/// Service `NAME`.
pub fn master_service(ctx: &ClusterContext<'_>) -> Service {
    service(ctx, Role::Master)
}

/// Service `NAME-repl`.
pub fn replica_service(ctx: &ClusterContext<'_>) -> Service {
    service(ctx, Role::Replica)
}

/// Whether the Service of `role` is a load balancer.
pub fn load_balancer_enabled(ctx: &ClusterContext<'_>, role: Role) -> bool {
    let spec = &ctx.pg.spec;
    match role {
        Role::Master => spec
            .enable_master_load_balancer
            .or(spec.use_load_balancer)
            .unwrap_or(ctx.config.enable_master_load_balancer),
        Role::Replica => spec
            .enable_replica_load_balancer
            .or(spec.replica_load_balancer)
            .unwrap_or(ctx.config.enable_replica_load_balancer),
    }
}

/// The Service of `role`.
pub fn service(ctx: &ClusterContext<'_>, role: Role) -> Service {
    let spec = &ctx.pg.spec;
    let config = ctx.config;
    let load_balancer = load_balancer_enabled(ctx, role);
    let node_port_enabled = match role {
        Role::Master => spec.enable_master_node_port,
        Role::Replica => spec.enable_replica_node_port,
    };
    let node_port = !load_balancer && node_port_enabled == Some(true);

    let mut service_spec = ServiceSpec {
        ports: Some(vec![ServicePort {
            name: Some(POSTGRES_PORT_NAME.to_string()),
            port: POSTGRES_PORT,
            target_port: Some(IntOrString::Int(POSTGRES_PORT)),
            node_port: if node_port {
                node_port_value(role, ctx)
            } else {
                None
            },
            ..ServicePort::default()
        }]),
        type_: Some("ClusterIP".to_string()),
        ..ServiceSpec::default()
    };
    if role == Role::Replica || ctx.uses_configmaps() {
        service_spec.selector = Some(naming::role_labels(config, ctx.name(), role.label_value()));
    }
    if load_balancer {
        make_load_balancer(ctx, &mut service_spec);
    } else if node_port {
        service_spec.type_ = Some("NodePort".to_string());
    }

    let mut metadata = ctx.metadata(role.service_name(ctx.name()));
    metadata.labels.get_or_insert_with(BTreeMap::new).insert(
        config.pod_role_label.clone(),
        role.label_value().to_string(),
    );
    let annotations = annotations(ctx, role, load_balancer.then(|| dns_names(ctx, role)));
    metadata.annotations = (!annotations.is_empty()).then_some(annotations);

    Service {
        metadata,
        spec: Some(service_spec),
        status: None,
    }
}

fn node_port_value(role: Role, ctx: &ClusterContext<'_>) -> Option<i32> {
    let spec = &ctx.pg.spec;
    match role {
        Role::Master => spec.master_node_port,
        Role::Replica => spec.replica_node_port,
    }
    .filter(|p| *p > 0)
}

/// Type `LoadBalancer` with `spec.allowedSourceRanges` (default [`DEFAULT_SOURCE_RANGE`]) and
/// `external_traffic_policy`.
pub(super) fn make_load_balancer(ctx: &ClusterContext<'_>, service_spec: &mut ServiceSpec) {
    let ranges = ctx
        .pg
        .spec
        .allowed_source_ranges
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| vec![DEFAULT_SOURCE_RANGE.to_string()]);
    service_spec.load_balancer_source_ranges = Some(ranges);
    service_spec.external_traffic_policy =
        Some(ctx.config.external_traffic_policy.as_k8s_str().to_string());
    service_spec.type_ = Some("LoadBalancer".to_string());
}

/// The annotations of a Service of `role`; `load_balancer_dns` (the external-dns host name)
/// when it is a load balancer, which also gets the ELB idle timeout unless set.
pub(super) fn annotations(
    ctx: &ClusterContext<'_>,
    role: Role,
    load_balancer_dns: Option<String>,
) -> BTreeMap<String, String> {
    let spec = &ctx.pg.spec;
    let mut out = ctx.config.custom_service_annotations.clone();
    out.extend(spec.service_annotations.clone().unwrap_or_default());
    let per_role = match role {
        Role::Master => &spec.master_service_annotations,
        Role::Replica => &spec.replica_service_annotations,
    };
    out.extend(per_role.clone().unwrap_or_default());
    if let Some(dns) = load_balancer_dns {
        out.entry(ELB_TIMEOUT_ANNOTATION.to_string())
            .or_insert_with(|| ELB_TIMEOUT_DEFAULT.to_string());
        out.insert(DNS_NAME_ANNOTATION.to_string(), dns);
    }
    out.extend(ctx.inherited_annotations());
    out
}

/// The DNS name of the load balancer, plus the legacy name when the cluster name starts with
/// `<teamId>-` (as the reference operator announces both).
pub fn dns_names(ctx: &ClusterContext<'_>, role: Role) -> String {
    let config = ctx.config;
    let team = ctx.pg.spec.team_id.to_lowercase();
    let (name, namespace) = (ctx.name(), ctx.namespace());
    let current = match role {
        Role::Master => config.master_dns_name(name, namespace, &team),
        Role::Replica => config.replica_dns_name(name, namespace, &team),
    };
    let prefix = format!("{team}-");
    let without_team = name
        .to_lowercase()
        .strip_prefix(&prefix)
        .filter(|rest| !rest.is_empty())
        .map(str::to_string);
    match without_team {
        Some(short) => {
            let legacy = match role {
                Role::Master => config.master_legacy_dns_name(&short, namespace, &team),
                Role::Replica => config.replica_legacy_dns_name(&short, namespace, &team),
            };
            format!("{current},{legacy}")
        }
        None => current,
    }
}
