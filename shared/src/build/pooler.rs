//! The pooler's objects, as the reference operator makes them (compared object by object):
//!
//! - **Deployment** `NAME-pooler` / `NAME-pooler-repl`: labels of the cluster with
//!   `application: db-connection-pooler`, `connection-pooler: <name>` and the role label; the
//!   selector without team and role. One container `connection-pooler` (port 5432, a TCP
//!   readiness probe, no privilege escalation), running as user 100 / group 101, with the
//!   env contract of the reference's PgBouncer image: `PGHOST` (the cluster Service of the
//!   role), `PGPORT`, `PGUSER`/`PGPASSWORD` from the pooler role's Secret, `PGSCHEMA`, then
//!   `CONNECTION_POOLER_PORT`, `_MODE`, `_DEFAULT_SIZE`, `_MIN_SIZE`, `_RESERVE_SIZE`,
//!   `_MAX_CLIENT_CONN` and `_MAX_DB_CONN`, and the `spec.tls` files (`_CLIENT_TLS_CRT`,
//!   `_CLIENT_TLS_KEY`, `_CLIENT_CA_FILE`, mounted at `/tls`, `/tlsca`).
//! - **Service** of the same name: port `<name>` 5432, selector `connection-pooler: <name>`;
//!   a load balancer when `enableMasterPoolerLoadBalancer` / `enableReplicaPoolerLoadBalancer`
//!   (else `enable_master_pooler_load_balancer` / `enable_replica_pooler_load_balancer`), with
//!   the database Service's annotations of the role and the DNS name `NAME-pooler…`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    SecurityContext, Service, ServicePort, ServiceSpec, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::config::OperatorConfig;
use crate::pooler::{
    APPLICATION, CONTAINER_NAME, MAX_CLIENT_CONNECTIONS, POOLER_LABEL, PORT, Role, Settings,
};

use super::secret::{PASSWORD_KEY, USERNAME_KEY};
use super::statefulset::{
    affinity_among, secret_key_ref, tls_files, tls_secret_volumes, tolerations, value,
};
use super::{
    BuildError, ClusterContext, MASTER_ROLE, POSTGRES_PORT, REPLICA_ROLE, resources, service,
};

/// Value of `pod_role_label` on the pods of the pooler of `role`.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Master => MASTER_ROLE,
        Role::Replica => REPLICA_ROLE,
    }
}

/// The Deployment and the Service of each pooler the manifest asks for.
pub fn objects(ctx: &ClusterContext<'_>) -> Result<Vec<(Deployment, Service)>, BuildError> {
    crate::pooler::wanted(&ctx.pg.spec)
        .into_iter()
        .map(|role| Ok((deployment(ctx, role)?, pooler_service(ctx, role))))
        .collect()
}

/// Labels of the pooler's objects: the cluster's labels with `application` set to
/// [`APPLICATION`] and [`POOLER_LABEL`]; `extra` adds the team, inherited labels and the role
/// label (Deployment and pods, not the selector).
pub fn labels(ctx: &ClusterContext<'_>, role: Role, extra: bool) -> BTreeMap<String, String> {
    let mut labels = if extra {
        ctx.labels()
    } else {
        ctx.selector_labels()
    };
    labels.insert("application".to_string(), APPLICATION.to_string());
    labels.insert(POOLER_LABEL.to_string(), role.name(ctx.name()));
    if extra {
        labels.insert(
            ctx.config.pod_role_label.clone(),
            role_label(role).to_string(),
        );
    }
    labels
}

fn metadata(ctx: &ClusterContext<'_>, role: Role, extra: bool) -> ObjectMeta {
    let mut metadata = ctx.metadata(role.name(ctx.name()));
    metadata.labels = Some(labels(ctx, role, extra));
    metadata
}

/// The pooler container's environment ([module documentation](self)).
pub fn env(ctx: &ClusterContext<'_>, role: Role, settings: &Settings) -> Vec<EnvVar> {
    let secret = ctx.config.secret_name(&settings.user, ctx.name());
    let count = |n: i32| n.to_string();
    let mut env = vec![
        value("PGHOST", &role.target_service(ctx.name())),
        value("PGPORT", &POSTGRES_PORT.to_string()),
        secret_key_ref("PGUSER", secret.clone(), USERNAME_KEY),
        value("PGSCHEMA", &settings.schema),
        secret_key_ref("PGPASSWORD", secret, PASSWORD_KEY),
        value("CONNECTION_POOLER_PORT", &count(PORT)),
        value("CONNECTION_POOLER_MODE", &settings.mode),
        value(
            "CONNECTION_POOLER_DEFAULT_SIZE",
            &count(settings.default_pool_size),
        ),
        value("CONNECTION_POOLER_MIN_SIZE", &count(settings.min_pool_size)),
        value(
            "CONNECTION_POOLER_RESERVE_SIZE",
            &count(settings.min_pool_size),
        ),
        value(
            "CONNECTION_POOLER_MAX_CLIENT_CONN",
            &count(MAX_CLIENT_CONNECTIONS),
        ),
        value(
            "CONNECTION_POOLER_MAX_DB_CONN",
            &count(settings.max_db_connections),
        ),
    ];
    if let Some(files) = tls_files(ctx) {
        env.push(value(
            "CONNECTION_POOLER_CLIENT_TLS_CRT",
            &files.certificate,
        ));
        env.push(value(
            "CONNECTION_POOLER_CLIENT_TLS_KEY",
            &files.private_key,
        ));
        env.extend(
            files
                .ca
                .map(|ca| value("CONNECTION_POOLER_CLIENT_CA_FILE", &ca)),
        );
    }
    env
}

/// The pooler's resources: `spec.connectionPooler.resources`, else the
/// `connection_pooler_default_*` keys.
fn pooler_resources(
    ctx: &ClusterContext<'_>,
    name: &str,
) -> Result<k8s_openapi::api::core::v1::ResourceRequirements, BuildError> {
    let config = ctx.config;
    let defaults = OperatorConfig {
        default_cpu_request: config.connection_pooler_default_cpu_request.clone(),
        default_memory_request: config.connection_pooler_default_memory_request.clone(),
        default_cpu_limit: config.connection_pooler_default_cpu_limit.clone(),
        default_memory_limit: config.connection_pooler_default_memory_limit.clone(),
        ..config.clone()
    };
    let pooler_ctx = ClusterContext::new(ctx.pg, &defaults)?;
    resources::sidecar(
        &pooler_ctx,
        &format!("Deployment {name}"),
        ctx.pg
            .spec
            .connection_pooler
            .as_ref()
            .and_then(|p| p.resources.as_ref()),
        "spec.connectionPooler.resources",
    )
}

/// Deployment `NAME-pooler` or `NAME-pooler-repl`.
pub fn deployment(ctx: &ClusterContext<'_>, role: Role) -> Result<Deployment, BuildError> {
    let config = ctx.config;
    let spec = &ctx.pg.spec;
    let settings = Settings::of(spec, config);
    let name = role.name(ctx.name());
    let (volumes, mounts): (Vec<_>, Vec<_>) = tls_secret_volumes(ctx).into_iter().unzip();
    let container = Container {
        name: CONTAINER_NAME.to_string(),
        image: Some(settings.image.clone()),
        image_pull_policy: Some("IfNotPresent".to_string()),
        ports: Some(vec![ContainerPort {
            container_port: PORT,
            protocol: Some("TCP".to_string()),
            ..ContainerPort::default()
        }]),
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(PORT),
                host: None,
            }),
            ..Probe::default()
        }),
        resources: Some(pooler_resources(ctx, &name)?),
        env: Some(env(ctx, role, &settings)),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            ..SecurityContext::default()
        }),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        ..Container::default()
    };
    let mut pod_annotations = config.custom_pod_annotations.clone();
    pod_annotations.extend(spec.pod_annotations.clone().unwrap_or_default());
    pod_annotations.extend(ctx.inherited_annotations());
    let fs_group = spec.spilo_fs_group.or(config.spilo_fsgroup);
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels(ctx, role, true)),
            annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container],
            service_account_name: Some(config.pod_service_account_name.clone()),
            termination_grace_period_seconds: Some(
                config.pod_terminate_grace_period.as_secs() as i64
            ),
            security_context: Some(PodSecurityContext {
                run_as_user: Some(100),
                run_as_group: Some(101),
                fs_group,
                ..PodSecurityContext::default()
            }),
            tolerations: tolerations(ctx),
            affinity: affinity_among(ctx, labels(ctx, role, false)),
            volumes: (!volumes.is_empty()).then_some(volumes),
            ..PodSpec::default()
        }),
    };
    let mut deployment_metadata = metadata(ctx, role, true);
    deployment_metadata.annotations = super::non_empty_map(ctx.downscaler_annotations());
    Ok(Deployment {
        metadata: deployment_metadata,
        spec: Some(DeploymentSpec {
            replicas: Some(settings.instances),
            selector: LabelSelector {
                match_labels: Some(labels(ctx, role, false)),
                match_expressions: None,
            },
            template,
            ..DeploymentSpec::default()
        }),
        status: None,
    })
}

/// Whether the pooler Service of `role` is a load balancer.
pub fn load_balancer_enabled(ctx: &ClusterContext<'_>, role: Role) -> bool {
    let spec = &ctx.pg.spec;
    match role {
        Role::Master => spec
            .enable_master_pooler_load_balancer
            .unwrap_or(ctx.config.enable_master_pooler_load_balancer),
        Role::Replica => spec
            .enable_replica_pooler_load_balancer
            .unwrap_or(ctx.config.enable_replica_pooler_load_balancer),
    }
}

/// The database Service's role of the pooler of `role` (its annotations are that Service's).
fn service_role(role: Role) -> service::Role {
    match role {
        Role::Master => service::Role::Master,
        Role::Replica => service::Role::Replica,
    }
}

/// Service `NAME-pooler` or `NAME-pooler-repl`.
pub fn pooler_service(ctx: &ClusterContext<'_>, role: Role) -> Service {
    let config = ctx.config;
    let name = role.name(ctx.name());
    let mut service_spec = ServiceSpec {
        ports: Some(vec![ServicePort {
            name: Some(name.clone()),
            port: PORT,
            target_port: Some(IntOrString::Int(POSTGRES_PORT)),
            ..ServicePort::default()
        }]),
        type_: Some("ClusterIP".to_string()),
        selector: Some(BTreeMap::from([(POOLER_LABEL.to_string(), name)])),
        ..ServiceSpec::default()
    };
    let load_balancer_dns = load_balancer_enabled(ctx, role).then(|| {
        service::make_load_balancer(ctx, &mut service_spec);
        // The name formats apply to `NAME-pooler` as to a cluster name (`{cluster}-repl…`).
        let base = Role::Master.name(ctx.name());
        let team = ctx.pg.spec.team_id.to_lowercase();
        match role {
            Role::Master => config.master_dns_name(&base, ctx.namespace(), &team),
            Role::Replica => config.replica_dns_name(&base, ctx.namespace(), &team),
        }
    });
    let annotations = service::annotations(ctx, service_role(role), load_balancer_dns);
    let mut metadata = metadata(ctx, role, false);
    metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    Service {
        metadata,
        spec: Some(service_spec),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{PostgresSpec, Postgresql};

    fn cluster(spec: PostgresSpec) -> Postgresql {
        let mut pg = Postgresql::new(
            "acid-pool",
            PostgresSpec {
                team_id: "acid".into(),
                number_of_instances: 2,
                ..spec
            },
        );
        pg.metadata.namespace = Some("team-a".into());
        pg.metadata.uid = Some("uid-1".into());
        pg.spec.postgresql.version = "17".into();
        pg.spec.volume.size = "1Gi".into();
        pg
    }

    #[test]
    fn deployment_and_service_carry_the_references_names_labels_and_env() {
        let config = OperatorConfig::default();
        let pg = cluster(PostgresSpec {
            enable_connection_pooler: Some(true),
            enable_replica_connection_pooler: Some(true),
            ..PostgresSpec::default()
        });
        let ctx = ClusterContext::new(&pg, &config).expect("context");
        let objects = objects(&ctx).expect("objects");
        assert_eq!(objects.len(), 2);
        let (deployment, service) = &objects[1];
        assert_eq!(
            deployment.metadata.name.as_deref(),
            Some("acid-pool-pooler-repl")
        );
        let labels = deployment.metadata.labels.clone().unwrap_or_default();
        assert_eq!(
            labels.get("application").map(String::as_str),
            Some("db-connection-pooler")
        );
        assert_eq!(
            labels.get("connection-pooler").map(String::as_str),
            Some("acid-pool-pooler-repl")
        );
        assert_eq!(
            labels.get("spilo-role").map(String::as_str),
            Some("replica")
        );
        let spec = deployment.spec.as_ref().expect("spec");
        let selector = spec.selector.match_labels.clone().unwrap_or_default();
        assert!(!selector.contains_key("spilo-role") && !selector.contains_key("team"));
        assert_eq!(spec.replicas, Some(2));
        let pod = spec.template.spec.as_ref().expect("pod");
        let container = &pod.containers[0];
        assert_eq!(container.name, "connection-pooler");
        let env: Vec<(String, Option<String>)> = container
            .env
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.name, e.value))
            .collect();
        let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "PGHOST",
                "PGPORT",
                "PGUSER",
                "PGSCHEMA",
                "PGPASSWORD",
                "CONNECTION_POOLER_PORT",
                "CONNECTION_POOLER_MODE",
                "CONNECTION_POOLER_DEFAULT_SIZE",
                "CONNECTION_POOLER_MIN_SIZE",
                "CONNECTION_POOLER_RESERVE_SIZE",
                "CONNECTION_POOLER_MAX_CLIENT_CONN",
                "CONNECTION_POOLER_MAX_DB_CONN",
            ]
        );
        assert_eq!(env[0].1.as_deref(), Some("acid-pool-repl"));
        assert_eq!(
            pod.security_context.as_ref().and_then(|s| s.run_as_user),
            Some(100)
        );
        let resources = container.resources.as_ref().expect("resources");
        assert_eq!(
            resources
                .requests
                .as_ref()
                .and_then(|r| r.get("cpu"))
                .map(|q| q.0.as_str()),
            Some("500m")
        );
        let service_spec = service.spec.as_ref().expect("service spec");
        assert_eq!(
            service_spec.selector.clone().unwrap_or_default(),
            std::collections::BTreeMap::from([(
                "connection-pooler".to_string(),
                "acid-pool-pooler-repl".to_string()
            )])
        );
        assert_eq!(service_spec.type_.as_deref(), Some("ClusterIP"));
    }

    #[test]
    fn pooler_pods_keep_apart_and_to_ready_nodes_as_the_clusters_do() {
        let config = OperatorConfig {
            enable_pod_antiaffinity: true,
            node_readiness_label: [("ready".to_string(), "yes".to_string())].into(),
            ..OperatorConfig::default()
        };
        let pg = cluster(PostgresSpec {
            enable_connection_pooler: Some(true),
            ..PostgresSpec::default()
        });
        let ctx = ClusterContext::new(&pg, &config).expect("context");
        let built = objects(&ctx).expect("objects");
        let spec = built[0].0.spec.as_ref().expect("spec");
        let affinity = spec
            .template
            .spec
            .as_ref()
            .and_then(|p| p.affinity.clone())
            .expect("affinity");
        let terms = affinity
            .pod_anti_affinity
            .and_then(|a| a.required_during_scheduling_ignored_during_execution)
            .expect("required anti-affinity");
        // Among the pods of this pooler (its Deployment's selector), not the database's.
        assert_eq!(
            terms[0]
                .label_selector
                .as_ref()
                .and_then(|s| s.match_labels.clone()),
            spec.selector.match_labels
        );
        assert_eq!(terms[0].topology_key, "kubernetes.io/hostname");
        let node = affinity
            .node_affinity
            .and_then(|n| n.required_during_scheduling_ignored_during_execution)
            .expect("node affinity");
        assert_eq!(node.node_selector_terms.len(), 1);
        // Without either setting, no affinity.
        let plain = OperatorConfig::default();
        let ctx = ClusterContext::new(&pg, &plain).expect("context");
        let built = objects(&ctx).expect("objects");
        let pod = built[0]
            .0
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.clone());
        assert!(pod.is_some_and(|p| p.affinity.is_none()));
    }
}
