//! The StatefulSet `NAME` and its pod template.
//!
//! - `serviceName` is the master Service, the selector is [`crate::naming::cluster_labels`],
//!   `updateStrategy` is `OnDelete` (the operator replaces pods itself, replicas first, with a
//!   switchover before the primary), `podManagementPolicy` and
//!   `persistentVolumeClaimRetentionPolicy` come from the configuration.
//! - The volume claim template `pgdata` holds `spec.volume` (size, storage class, selector).
//! - The `postgres` container runs `spec.dockerImage` or `docker_image` with the Spilo
//!   environment ([`env()`]), ports 8008 (Patroni), 5432 (PostgreSQL) and 8080, resources from
//!   [`super::resources`], `pgdata` at `/home/postgres/pgdata`, `/dev/shm` when the shm volume is
//!   on, the TLS Secrets at `/tls` (and `/tlsca`) with `spec.tls`, and `spec.additionalVolumes`.
//! - Sidecars get `POD_NAME`, `POD_NAMESPACE`, `POSTGRES_USER` and `POSTGRES_PASSWORD` and the
//!   `pgdata` mount; init containers are taken as written.
//! - The pod template carries [`super::TEMPLATE_HASH_ANNOTATION`] = [`template_hash`] of its
//!   spec, and the resource's [`super::RESTARTED_AT_ANNOTATION`] (`pgctl rollout restart`),
//!   which then counts in the hash too ([`restart_hash`]). The StatefulSet carries
//!   [`super::INPUTS_HASH_ANNOTATION`] = [`inputs_hash`], and the plan adds the template hashes
//!   of earlier builds that count as current ([`carry_equivalent_hashes`]).
//!
//! The pieces live in submodules, re-exported here: `env` (the environment), `volumes`,
//! `scheduling` (tolerations, affinity, topology spread) and `hash` (the template hash; its
//! documentation says exactly what the hash covers).

mod env;
mod hash;
mod scheduling;
mod volumes;

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{
    StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, HTTPGetAction,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::naming;

use super::{
    BuildError, ClusterContext, INPUTS_HASH_ANNOTATION, OPERATOR_PORT, PATRONI_PORT, POSTGRES_PORT,
    RESTARTED_AT_ANNOTATION, TEMPLATE_HASH_ANNOTATION, resources,
};
pub(in crate::build) use env::value;
use env::{env_from, push_absent, secret_ref, tls_env};
use scheduling::{affinity, topology_spread_constraints};
pub(in crate::build) use scheduling::{affinity_among, node_affinity, tolerations};
use volumes::{add_additional_volumes, data_volume_mount, volume_claim_template};

pub use env::env;
pub(in crate::build) use env::{field_ref, secret_key_ref, tls_files};
pub use hash::{
    MAX_EQUIVALENT_HASHES, carry_equivalent_hashes, equivalent_hashes, hash_with_image,
    inputs_hash, restart_hash, template_hash,
};
pub(in crate::build) use volumes::tls_secret_volumes;

/// Name of the Spilo container.
pub const CONTAINER_NAME: &str = "postgres";
/// Name of the data volume claim template (and volume).
pub const DATA_VOLUME_NAME: &str = "pgdata";
/// Where the data volume is mounted.
pub const DATA_MOUNT_PATH: &str = "/home/postgres/pgdata";
/// `PGROOT` of Spilo, inside the data volume.
pub const PGROOT: &str = "/home/postgres/pgdata/pgroot";
/// Name of the memory-backed volume at `/dev/shm`.
pub const SHM_VOLUME_NAME: &str = "dshm";
/// Mount path of the shm volume.
pub const SHM_MOUNT_PATH: &str = "/dev/shm";
/// The Unix socket directory shared with the sidecars (`share_pgsocket_with_sidecars`).
pub const RUN_VOLUME_NAME: &str = "postgresql-run";
pub const RUN_MOUNT_PATH: &str = "/var/run/postgresql";
/// Mount path of the TLS Secret.
pub const TLS_MOUNT_PATH: &str = "/tls";
/// Mount path of the CA Secret (`spec.tls.caSecretName`).
pub const TLS_CA_MOUNT_PATH: &str = "/tlsca";

/// The StatefulSet of the cluster.
pub fn statefulset(ctx: &ClusterContext<'_>) -> Result<StatefulSet, BuildError> {
    let name = naming::statefulset(ctx.name());
    let object = format!("StatefulSet {name}");
    let config = ctx.config;
    let retention = config.persistent_volume_claim_retention_policy;
    let mut metadata = ctx.metadata(name);
    // The inherited annotations and those of `downscaler_annotations` (not on the pods).
    let mut annotations = ctx.downscaler_annotations();
    annotations.insert(INPUTS_HASH_ANNOTATION.to_string(), inputs_hash(ctx));
    metadata.annotations = Some(annotations);
    Ok(StatefulSet {
        metadata,
        spec: Some(StatefulSetSpec {
            replicas: Some(instances(ctx)),
            selector: LabelSelector {
                match_labels: Some(ctx.selector_labels()),
                ..LabelSelector::default()
            },
            service_name: Some(naming::master_service(ctx.name())),
            template: pod_template(ctx)?,
            volume_claim_templates: Some(vec![volume_claim_template(ctx, &object)?]),
            update_strategy: Some(StatefulSetUpdateStrategy {
                type_: Some("OnDelete".to_string()),
                ..StatefulSetUpdateStrategy::default()
            }),
            pod_management_policy: Some(config.pod_management_policy.as_k8s_str().to_string()),
            persistent_volume_claim_retention_policy: Some(
                StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: Some(retention.when_deleted.as_k8s_str().to_string()),
                    when_scaled: Some(retention.when_scaled.as_k8s_str().to_string()),
                },
            ),
            ..StatefulSetSpec::default()
        }),
        status: None,
    })
}

/// `spec.numberOfInstances` bounded by `min_instances` / `max_instances`; a standby cluster of
/// one instance stays at one (as in the reference operator).
pub fn instances(ctx: &ClusterContext<'_>) -> i32 {
    let spec = &ctx.pg.spec;
    if ctx.annotation_is_true(ctx.config.ignore_instance_limits_annotation_key.as_deref()) {
        return spec.number_of_instances;
    }
    if spec.standby.is_some() && spec.number_of_instances == 1 {
        return 1;
    }
    ctx.config.clamp_instances(spec.number_of_instances)
}

/// The Spilo image: `spec.dockerImage`, else `docker_image`.
pub fn docker_image<'a>(ctx: &ClusterContext<'a>) -> &'a str {
    ctx.pg
        .spec
        .docker_image
        .as_deref()
        .filter(|i| !i.is_empty())
        .unwrap_or(&ctx.config.docker_image)
}

/// The pod template, with [`TEMPLATE_HASH_ANNOTATION`].
pub fn pod_template(ctx: &ClusterContext<'_>) -> Result<PodTemplateSpec, BuildError> {
    let object = format!("StatefulSet {}", naming::statefulset(ctx.name()));
    let spec = pod_spec(ctx, &object)?;
    let mut hash = template_hash(&spec).map_err(|e| {
        ctx.invalid(
            &object,
            "spec.template",
            format!("cannot serialise the pod spec: {e}"),
        )
    })?;

    let mut annotations = ctx.config.custom_pod_annotations.clone();
    annotations.extend(ctx.pg.spec.pod_annotations.clone().unwrap_or_default());
    annotations.extend(ctx.inherited_annotations());
    if !ctx.config.kube_iam_role.is_empty() {
        annotations.insert(
            KUBE_IAM_ANNOTATION.to_string(),
            ctx.config.kube_iam_role.clone(),
        );
    }
    let restarted_at = ctx
        .pg
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(RESTARTED_AT_ANNOTATION))
        .filter(|v| !v.is_empty());
    if let Some(at) = restarted_at {
        hash = restart_hash(&hash, at);
        annotations.insert(RESTARTED_AT_ANNOTATION.to_string(), at.clone());
    }
    annotations.insert(TEMPLATE_HASH_ANNOTATION.to_string(), hash);

    Ok(PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(ctx.labels()),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(spec),
    })
}

fn pod_spec(ctx: &ClusterContext<'_>, object: &str) -> Result<PodSpec, BuildError> {
    let spec = &ctx.pg.spec;
    let config = ctx.config;

    let data_mount = data_volume_mount(ctx);
    let mut postgres = postgres_container(ctx, object, &data_mount)?;
    let mut containers = vec![];
    let mut names = BTreeSet::from([CONTAINER_NAME.to_string()]);
    let sidecars = spec.sidecars.as_deref().unwrap_or_default();
    if !sidecars.is_empty() && !config.enable_sidecars {
        return Err(ctx.invalid(
            object,
            "spec.sidecars",
            "sidecars are turned off in the operator configuration (enable_sidecars: false)",
        ));
    }
    if spec.init_containers.as_ref().is_some_and(|c| !c.is_empty())
        && !config.enable_init_containers
    {
        return Err(ctx.invalid(
            object,
            "spec.initContainers",
            "init containers are turned off in the operator configuration (enable_init_containers: false)",
        ));
    }
    for (i, sidecar) in sidecars.iter().enumerate() {
        let field = format!("spec.sidecars[{i}]");
        let default_name = format!("sidecar-{i}");
        let container =
            sidecar_container(ctx, object, &field, &default_name, sidecar, &data_mount)?;
        if !names.insert(container.name.clone()) {
            return Err(ctx.invalid(
                object,
                format!("{field}.name"),
                format!("container name {:?} is used twice", container.name),
            ));
        }
        containers.push(container);
    }
    // The configuration's sidecars, by name, after the manifest's; a manifest sidecar of the
    // same name wins, as in the reference.
    for (name, image) in &config.sidecar_docker_images {
        if names.contains(name) {
            continue;
        }
        let sidecar = crate::crd::Sidecar {
            name: Some(name.clone()),
            image: Some(image.clone()),
            ..crate::crd::Sidecar::default()
        };
        let field = format!("sidecar_docker_images[{name}]");
        containers.push(sidecar_container(
            ctx,
            object,
            &field,
            name,
            &sidecar,
            &data_mount,
        )?);
        names.insert(name.clone());
    }

    let mut volumes = Vec::new();
    if spec.enable_shm_volume.unwrap_or(config.enable_shm_volume) {
        volumes.push(Volume {
            name: SHM_VOLUME_NAME.to_string(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: Some("Memory".to_string()),
                ..EmptyDirVolumeSource::default()
            }),
            ..Volume::default()
        });
        postgres
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .push(VolumeMount {
                name: SHM_VOLUME_NAME.to_string(),
                mount_path: SHM_MOUNT_PATH.to_string(),
                ..VolumeMount::default()
            });
    }
    containers.insert(0, postgres);
    if config.share_pgsocket_with_sidecars {
        // The Unix socket directory, in memory, shared by every container (not the init
        // containers), so that sidecars reach Postgres without the network.
        volumes.push(Volume {
            name: RUN_VOLUME_NAME.to_string(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: Some("Memory".to_string()),
                ..EmptyDirVolumeSource::default()
            }),
            ..Volume::default()
        });
        for container in &mut containers {
            container
                .volume_mounts
                .get_or_insert_with(Vec::new)
                .push(VolumeMount {
                    name: RUN_VOLUME_NAME.to_string(),
                    mount_path: RUN_MOUNT_PATH.to_string(),
                    ..VolumeMount::default()
                });
        }
    }
    if let Some((volume, mount)) = secret_mount(ctx, object)? {
        volumes.push(volume);
        for container in &mut containers {
            container
                .volume_mounts
                .get_or_insert_with(Vec::new)
                .push(mount.clone());
        }
    }
    add_additional_volumes(ctx, object, &mut volumes, &mut containers)?;

    let security_context = PodSecurityContext {
        run_as_user: spec.spilo_run_as_user.or(config.spilo_runasuser),
        run_as_group: spec.spilo_run_as_group.or(config.spilo_runasgroup),
        fs_group: spec.spilo_fs_group.or(config.spilo_fsgroup),
        ..PodSecurityContext::default()
    };

    let priority_class = spec
        .pod_priority_class_name
        .as_ref()
        .or(spec.pod_priority_class_name_old.as_ref())
        .or(config.pod_priority_class_name.as_ref())
        .filter(|p| !p.is_empty())
        .cloned();

    Ok(PodSpec {
        service_account_name: Some(config.pod_service_account_name.clone()),
        termination_grace_period_seconds: Some(
            i64::try_from(config.pod_terminate_grace_period.as_secs()).unwrap_or(i64::MAX),
        ),
        containers,
        init_containers: spec.init_containers.clone().filter(|c| !c.is_empty()),
        tolerations: tolerations(ctx),
        security_context: Some(security_context),
        scheduler_name: spec.scheduler_name.clone().filter(|s| !s.is_empty()),
        affinity: affinity(ctx),
        topology_spread_constraints: topology_spread_constraints(ctx),
        priority_class_name: priority_class,
        volumes: (!volumes.is_empty()).then_some(volumes),
        ..PodSpec::default()
    })
}

fn postgres_container(
    ctx: &ClusterContext<'_>,
    object: &str,
    data_mount: &VolumeMount,
) -> Result<Container, BuildError> {
    let config = ctx.config;
    let spec = &ctx.pg.spec;
    let mut env = env(ctx);
    for var in tls_env(ctx) {
        push_absent(&mut env, var);
    }
    let tcp = |port: i32| ContainerPort {
        container_port: port,
        protocol: Some("TCP".to_string()),
        ..ContainerPort::default()
    };
    Ok(Container {
        name: CONTAINER_NAME.to_string(),
        image: Some(docker_image(ctx).to_string()),
        image_pull_policy: Some("IfNotPresent".to_string()),
        resources: Some(resources::postgres(ctx, object)?),
        ports: Some(vec![
            tcp(PATRONI_PORT),
            tcp(POSTGRES_PORT),
            tcp(OPERATOR_PORT),
        ]),
        volume_mounts: Some(vec![data_mount.clone()]),
        env: Some(env),
        env_from: env_from(ctx, object)?,
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(config.spilo_allow_privilege_escalation),
            privileged: Some(config.spilo_privileged),
            read_only_root_filesystem: Some(false),
            capabilities: (!config.additional_pod_capabilities.is_empty()).then(|| Capabilities {
                add: Some(config.additional_pod_capabilities.clone()),
                ..Capabilities::default()
            }),
            ..SecurityContext::default()
        }),
        readiness_probe: config.enable_readiness_probe.then(readiness_probe),
        liveness_probe: spec.liveness_probe.clone(),
        ..Container::default()
    })
}

/// `additional_secret_mount` (cloud credentials) as a volume named after the Secret, and its
/// mount at `additional_secret_mount_path`, for every container of the pod (not the init
/// containers), as the reference adds it.
pub fn secret_mount(
    ctx: &ClusterContext<'_>,
    object: &str,
) -> Result<Option<(Volume, VolumeMount)>, BuildError> {
    let config = ctx.config;
    let Some(secret) = config.additional_secret_mount.as_ref() else {
        return Ok(None);
    };
    let path = &config.additional_secret_mount_path;
    if !path.starts_with('/') {
        return Err(ctx.invalid(
            object,
            "additional_secret_mount_path",
            format!("{path:?} is not an absolute path"),
        ));
    }
    let volume = Volume {
        name: secret.clone(),
        secret: Some(k8s_openapi::api::core::v1::SecretVolumeSource {
            secret_name: Some(secret.clone()),
            ..Default::default()
        }),
        ..Volume::default()
    };
    let mount = VolumeMount {
        name: secret.clone(),
        mount_path: path.clone(),
        ..VolumeMount::default()
    };
    Ok(Some((volume, mount)))
}

/// The pod annotation kube2iam reads (`kube_iam_role`).
pub const KUBE_IAM_ANNOTATION: &str = "iam.amazonaws.com/role";

/// Patroni answers `/readiness` with 200 when it holds the leader lock or PostgreSQL runs and
/// the DCS is reachable.
fn readiness_probe() -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some("/readiness".to_string()),
            port: IntOrString::Int(PATRONI_PORT),
            scheme: Some("HTTP".to_string()),
            ..HTTPGetAction::default()
        }),
        initial_delay_seconds: Some(6),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        success_threshold: Some(1),
        failure_threshold: Some(3),
        ..Probe::default()
    }
}

/// A sidecar container: a manifest's (`field` is its path) or one of `sidecar_docker_images`.
fn sidecar_container(
    ctx: &ClusterContext<'_>,
    object: &str,
    field: &str,
    default_name: &str,
    sidecar: &crate::crd::Sidecar,
    data_mount: &VolumeMount,
) -> Result<Container, BuildError> {
    let config = ctx.config;
    let name = sidecar
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| default_name.to_string());
    let image = sidecar
        .image
        .clone()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| ctx.invalid(object, format!("{field}.image"), "an image is required"))?;
    let mut env = vec![
        field_ref("POD_NAME", "metadata.name"),
        field_ref("POD_NAMESPACE", "metadata.namespace"),
        value("POSTGRES_USER", &config.super_username),
        secret_ref(
            "POSTGRES_PASSWORD",
            config.secret_name(&config.super_username, ctx.name()),
        ),
    ];
    for var in sidecar.env.iter().flatten() {
        push_absent(&mut env, var.clone());
    }
    Ok(Container {
        name,
        image: Some(image),
        image_pull_policy: Some("IfNotPresent".to_string()),
        resources: Some(resources::sidecar(
            ctx,
            object,
            sidecar.resources.as_ref(),
            &format!("{field}.resources"),
        )?),
        env: Some(env),
        ports: sidecar.ports.clone().filter(|p| !p.is_empty()),
        command: sidecar.command.clone().filter(|c| !c.is_empty()),
        volume_mounts: Some(vec![data_mount.clone()]),
        ..Container::default()
    })
}
