//! The StatefulSet `NAME` and its pod template.
//!
//! - `serviceName` is the master Service, the selector is [`crate::naming::cluster_labels`],
//!   `updateStrategy` is `OnDelete` (the operator replaces pods itself, replicas first, with a
//!   switchover before the primary), `podManagementPolicy` and
//!   `persistentVolumeClaimRetentionPolicy` come from the configuration.
//! - The volume claim template `pgdata` holds `spec.volume` (size, storage class, selector).
//! - The `postgres` container runs `spec.dockerImage` or `docker_image` with the Spilo
//!   environment ([`env`]), ports 8008 (Patroni), 5432 (PostgreSQL) and 8080, resources from
//!   [`super::resources`], `pgdata` at `/home/postgres/pgdata`, `/dev/shm` when the shm volume is
//!   on, the TLS Secrets at `/tls` (and `/tlsca`) with `spec.tls`, and `spec.additionalVolumes`.
//! - Sidecars get `POD_NAME`, `POD_NAMESPACE`, `POSTGRES_USER` and `POSTGRES_PASSWORD` and the
//!   `pgdata` mount; init containers are taken as written.
//! - The pod template carries [`super::TEMPLATE_HASH_ANNOTATION`] = [`template_hash`] of its
//!   spec, and the resource's [`super::RESTARTED_AT_ANNOTATION`] (`pgctl rollout restart`),
//!   which then counts in the hash too ([`restart_hash`]).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{
    StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMapEnvSource, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource,
    EnvVar, EnvVarSource, HTTPGetAction, NodeAffinity, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, ObjectFieldSelector, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PodAffinityTerm, PodAntiAffinity, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    SecretEnvSource, SecretKeySelector, SecretVolumeSource, SecurityContext, Toleration,
    TopologySpreadConstraint, Volume, VolumeMount, VolumeResourceRequirements,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::NodeReadinessLabelMerge;
use crate::crd::AdditionalVolume;
use crate::naming;
use crate::quantity;

use super::{
    BuildError, ClusterContext, OPERATOR_PORT, PATRONI_PORT, POSTGRES_PORT,
    RESTARTED_AT_ANNOTATION, TEMPLATE_HASH_ANNOTATION, canonical_json, non_empty_map, resources,
    spilo,
};

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
/// Mount path of the TLS Secret.
pub const TLS_MOUNT_PATH: &str = "/tls";
/// Mount path of the CA Secret (`spec.tls.caSecretName`).
pub const TLS_CA_MOUNT_PATH: &str = "/tlsca";
/// File mode of the TLS files (readable by the pod's fsGroup).
const TLS_FILE_MODE: i32 = 0o640;
/// `targetContainers` value meaning every container.
const ALL_CONTAINERS: &str = "all";

/// The StatefulSet of the cluster.
pub fn statefulset(ctx: &ClusterContext<'_>) -> Result<StatefulSet, BuildError> {
    let name = naming::statefulset(ctx.name());
    let object = format!("StatefulSet {name}");
    let config = ctx.config;
    let retention = config.persistent_volume_claim_retention_policy;
    Ok(StatefulSet {
        metadata: ctx.metadata(name),
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

/// Stable hash of a pod spec: the SHA-256 (hex) of its JSON with sorted keys.
///
/// Only what needs a new pod counts. Labels and annotations of pods can be patched in place,
/// so a change of them alone (e.g. `podAnnotations`) is no reason to replace pods; and the
/// dynamic part of `SPILO_CONFIGURATION` (`bootstrap.dcs`: the DCS PostgreSQL parameters,
/// `ttl`, `loop_wait` …) reaches running clusters through Patroni's `PATCH /config`, so it is
/// left out ([`spilo::static_part`]).
pub fn template_hash(spec: &PodSpec) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(spec)?;
    let postgres = value
        .get_mut("containers")
        .and_then(Value::as_array_mut)
        .and_then(|c| c.iter_mut().find(|c| c["name"] == CONTAINER_NAME));
    let env = postgres
        .and_then(|c| c.get_mut("env"))
        .and_then(Value::as_array_mut);
    for var in env.into_iter().flatten() {
        if var["name"] != spilo::ENV_NAME {
            continue;
        }
        let parsed = var["value"]
            .as_str()
            .and_then(|text| serde_json::from_str::<Value>(text).ok());
        if let Some(configuration) = parsed {
            var["value"] = Value::String(canonical_json(&spilo::static_part(&configuration)));
        }
    }
    let json = canonical_json(&value);
    let digest = Sha256::digest(json.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// The template hash of a pod spec restarted at `restarted_at` (the value of
/// [`RESTARTED_AT_ANNOTATION`]): the SHA-256 of the spec's hash and that value, so each restart
/// request gives a new hash. Without a restart request the hash is [`template_hash`], so
/// clusters that never asked for one keep their hash.
pub fn restart_hash(spec_hash: &str, restarted_at: &str) -> String {
    let digest = Sha256::digest(format!(
        "{spec_hash}\n{RESTARTED_AT_ANNOTATION}={restarted_at}"
    ));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The template hash a pod made from `template` would carry if its `postgres` container ran
/// `image` instead: how `enable_lazy_spilo_upgrade` recognises a pod that differs from the
/// template only by its image. `None` when the template has no spec.
pub fn hash_with_image(template: &PodTemplateSpec, image: &str) -> Option<String> {
    let mut spec = template.spec.clone()?;
    for container in spec
        .containers
        .iter_mut()
        .filter(|c| c.name == CONTAINER_NAME)
    {
        container.image = Some(image.to_string());
    }
    let hash = template_hash(&spec).ok()?;
    let restarted_at = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(RESTARTED_AT_ANNOTATION));
    Some(match restarted_at {
        Some(at) => restart_hash(&hash, at),
        None => hash,
    })
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
    for (i, sidecar) in spec.sidecars.iter().flatten().enumerate() {
        let container = sidecar_container(ctx, object, i, sidecar, &data_mount)?;
        if !names.insert(container.name.clone()) {
            return Err(ctx.invalid(
                object,
                format!("spec.sidecars[{i}].name"),
                format!("container name {:?} is used twice", container.name),
            ));
        }
        containers.push(container);
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

fn data_volume_mount(ctx: &ClusterContext<'_>) -> VolumeMount {
    let volume = &ctx.pg.spec.volume;
    let sub_path = volume.sub_path.clone().filter(|s| !s.is_empty());
    let expr = volume.is_sub_path_expr == Some(true);
    VolumeMount {
        name: DATA_VOLUME_NAME.to_string(),
        mount_path: DATA_MOUNT_PATH.to_string(),
        sub_path: if expr { None } else { sub_path.clone() },
        sub_path_expr: if expr { sub_path } else { None },
        ..VolumeMount::default()
    }
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
            ..SecurityContext::default()
        }),
        readiness_probe: config.enable_readiness_probe.then(readiness_probe),
        liveness_probe: spec.liveness_probe.clone(),
        ..Container::default()
    })
}

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

/// The environment of the `postgres` container, in the reference operator's order. Variables of
/// `spec.env`, the clone and the standby settings are added only when not already present
/// (names compared case-insensitively), so they cannot replace the operator's.
pub fn env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let config = ctx.config;
    let spec = &ctx.pg.spec;
    let name = ctx.name();
    let mut env = vec![
        value("SCOPE", name),
        value("PGROOT", PGROOT),
        field_ref("POD_IP", "status.podIP"),
        field_ref("POD_NAMESPACE", "metadata.namespace"),
        value("PGUSER_SUPERUSER", &config.super_username),
        value("KUBERNETES_SCOPE_LABEL", &config.cluster_name_label),
        value("KUBERNETES_ROLE_LABEL", &config.pod_role_label),
        secret_ref(
            "PGPASSWORD_SUPERUSER",
            config.secret_name(&config.super_username, name),
        ),
        value("PGUSER_STANDBY", &config.replication_username),
        secret_ref(
            "PGPASSWORD_STANDBY",
            config.secret_name(&config.replication_username, name),
        ),
    ];
    if config.enable_spilo_wal_path_compat {
        env.push(value("ENABLE_WAL_PATH_COMPAT", "true"));
    }
    if config.enable_pgversion_env_var {
        env.push(value("PGVERSION", &spec.postgresql.version));
    }
    let cluster_labels: serde_json::Map<String, Value> = config
        .cluster_labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    env.push(value(
        "KUBERNETES_LABELS",
        &canonical_json(&Value::Object(cluster_labels)),
    ));
    env.push(value(
        spilo::ENV_NAME,
        &spilo::configuration_json(spec, config),
    ));
    if config.etcd_host.is_empty() {
        env.push(value("DCS_ENABLE_KUBERNETES_API", "true"));
    } else {
        env.push(value("ETCD_HOST", &config.etcd_host));
    }
    if ctx.uses_configmaps() {
        env.push(value("KUBERNETES_USE_CONFIGMAPS", "true"));
    }
    for var in spec.env.iter().flatten() {
        push_absent(&mut env, var.clone());
    }
    for var in clone_env(ctx).into_iter().chain(standby_env(ctx)) {
        push_absent(&mut env, var);
    }
    env
}

/// `envFrom` of the `postgres` container: `pod_environment_configmap`, then
/// `pod_environment_secret`, then `spec.envFrom`; a later source wins over an earlier one, and
/// `env` over all of them.
fn env_from(
    ctx: &ClusterContext<'_>,
    object: &str,
) -> Result<Option<Vec<EnvFromSource>>, BuildError> {
    let config = ctx.config;
    let mut sources = Vec::new();
    if let Some(reference) = config.pod_environment_configmap.as_deref() {
        let name = match reference.split_once('/') {
            Some((namespace, name)) if namespace == ctx.namespace() => name,
            Some((namespace, _)) => {
                return Err(ctx.invalid(
                    object,
                    "pod_environment_configmap",
                    format!(
                        "the ConfigMap {reference:?} is in namespace {namespace:?}; pods can only \
                         read ConfigMaps of their own namespace {:?}",
                        ctx.namespace()
                    ),
                ));
            }
            None => reference,
        };
        sources.push(EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: name.to_string(),
                optional: None,
            }),
            ..EnvFromSource::default()
        });
    }
    if let Some(secret) = config.pod_environment_secret.as_deref() {
        sources.push(EnvFromSource {
            secret_ref: Some(SecretEnvSource {
                name: secret.to_string(),
                optional: None,
            }),
            ..EnvFromSource::default()
        });
    }
    sources.extend(ctx.pg.spec.env_from.iter().flatten().cloned());
    Ok((!sources.is_empty()).then_some(sources))
}

/// Clone settings (`spec.clone`): from a running cluster with `pg_basebackup`, or from a WAL
/// archive up to `timestamp`.
fn clone_env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let Some(clone) = ctx.pg.spec.clone.as_ref().filter(|c| !c.cluster.is_empty()) else {
        return Vec::new();
    };
    let config = ctx.config;
    let mut env = vec![value("CLONE_SCOPE", &clone.cluster)];
    let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    match set(&clone.timestamp) {
        None => {
            env.push(value("CLONE_METHOD", "CLONE_WITH_BASEBACKUP"));
            env.push(value("CLONE_HOST", &clone.cluster));
            env.push(value("CLONE_PORT", &POSTGRES_PORT.to_string()));
            env.push(value("CLONE_USER", &config.replication_username));
            env.push(secret_ref(
                "CLONE_PASSWORD",
                config.secret_name(&config.replication_username, &clone.cluster),
            ));
        }
        Some(timestamp) => {
            match set(&clone.s3_wal_path) {
                Some(path) => env.push(value("CLONE_WALE_S3_PREFIX", &path)),
                None => {
                    let suffix = set(&clone.uid).map(|u| format!("/{u}")).unwrap_or_default();
                    env.push(value("CLONE_WAL_BUCKET_SCOPE_SUFFIX", &suffix));
                }
            }
            env.push(value("CLONE_METHOD", "CLONE_WITH_WALE"));
            env.push(value("CLONE_TARGET_TIME", &timestamp));
            env.push(value("CLONE_WAL_BUCKET_SCOPE_PREFIX", ""));
            if let Some(endpoint) = set(&clone.s3_endpoint) {
                env.push(value("CLONE_AWS_ENDPOINT", &endpoint));
                env.push(value("CLONE_WALE_S3_ENDPOINT", &endpoint));
            }
            if let Some(key) = set(&clone.s3_access_key_id) {
                env.push(value("CLONE_AWS_ACCESS_KEY_ID", &key));
            }
            if let Some(secret) = set(&clone.s3_secret_access_key) {
                env.push(value("CLONE_AWS_SECRET_ACCESS_KEY", &secret));
            }
            if let Some(force) = clone.s3_force_path_style {
                env.push(value(
                    "CLONE_AWS_S3_FORCE_PATH_STYLE",
                    if force { "1" } else { "0" },
                ));
            }
        }
    }
    env
}

/// Standby settings (`spec.standby`): stream from a remote primary and/or restore from a WAL
/// archive.
fn standby_env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let Some(standby) = ctx.pg.spec.standby.as_ref() else {
        return Vec::new();
    };
    let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let mut env = Vec::new();
    if let Some(host) = set(&standby.standby_host) {
        env.push(value("STANDBY_HOST", &host));
        if let Some(port) = set(&standby.standby_port) {
            env.push(value("STANDBY_PORT", &port));
        }
        if let Some(slot) = set(&standby.standby_primary_slot_name) {
            env.push(value("STANDBY_PRIMARY_SLOT_NAME", &slot));
        }
    }
    if let Some(path) = set(&standby.s3_wal_path) {
        env.push(value("STANDBY_WALE_S3_PREFIX", &path));
        env.push(value("STANDBY_METHOD", "STANDBY_WITH_WALE"));
        env.push(value("STANDBY_WAL_BUCKET_SCOPE_PREFIX", ""));
    } else if let Some(path) = set(&standby.gs_wal_path) {
        env.push(value("STANDBY_WALE_GS_PREFIX", &path));
        env.push(value("STANDBY_METHOD", "STANDBY_WITH_WALE"));
        env.push(value("STANDBY_WAL_BUCKET_SCOPE_PREFIX", ""));
    }
    env
}

/// `SSL_CERTIFICATE_FILE`, `SSL_PRIVATE_KEY_FILE` and `SSL_CA_FILE` for `spec.tls`.
fn tls_env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let Some(tls) = ctx
        .pg
        .spec
        .tls
        .as_ref()
        .filter(|t| !t.secret_name.is_empty())
    else {
        return Vec::new();
    };
    let file = |f: &Option<String>| f.clone().unwrap_or_default();
    let mut env = vec![
        value(
            "SSL_CERTIFICATE_FILE",
            &tls_path(&file(&tls.certificate_file), TLS_MOUNT_PATH, "tls.crt"),
        ),
        value(
            "SSL_PRIVATE_KEY_FILE",
            &tls_path(&file(&tls.private_key_file), TLS_MOUNT_PATH, "tls.key"),
        ),
    ];
    let ca_file = file(&tls.ca_file);
    if !ca_file.is_empty() {
        let dir = if file(&tls.ca_secret_name).is_empty() {
            TLS_MOUNT_PATH
        } else {
            TLS_CA_MOUNT_PATH
        };
        env.push(value("SSL_CA_FILE", &tls_path(&ca_file, dir, "")));
    }
    env
}

/// `file` inside `dir` unless absolute; `default` inside `dir` when empty.
fn tls_path(file: &str, dir: &str, default: &str) -> String {
    if file.is_empty() {
        format!("{dir}/{default}")
    } else if file.starts_with('/') {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

fn sidecar_container(
    ctx: &ClusterContext<'_>,
    object: &str,
    index: usize,
    sidecar: &crate::crd::Sidecar,
    data_mount: &VolumeMount,
) -> Result<Container, BuildError> {
    let config = ctx.config;
    let field = format!("spec.sidecars[{index}]");
    let name = sidecar
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("sidecar-{index}"));
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

/// One volume to add and mount, from `spec.additionalVolumes` or `spec.tls`.
struct ExtraVolume {
    field: String,
    volume: Volume,
    mount: VolumeMount,
    /// Container names; empty means `postgres`; `all` means every container.
    targets: Vec<String>,
}

fn add_additional_volumes(
    ctx: &ClusterContext<'_>,
    object: &str,
    volumes: &mut Vec<Volume>,
    containers: &mut [Container],
) -> Result<(), BuildError> {
    let mut extra = Vec::new();
    for (i, v) in ctx.pg.spec.additional_volumes.iter().flatten().enumerate() {
        extra.push(additional_volume(ctx, object, i, v)?);
    }
    extra.extend(tls_volumes(ctx));

    let mut names: BTreeSet<String> = volumes.iter().map(|v| v.name.clone()).collect();
    names.insert(DATA_VOLUME_NAME.to_string());
    let mut paths: BTreeSet<String> = containers
        .iter()
        .flat_map(|c| c.volume_mounts.iter().flatten())
        .map(|m| m.mount_path.clone())
        .collect();
    for e in &extra {
        if !names.insert(e.volume.name.clone()) {
            return Err(ctx.invalid(
                object,
                format!("{}.name", e.field),
                format!("volume name {:?} is used twice", e.volume.name),
            ));
        }
        if !paths.insert(e.mount.mount_path.clone()) {
            return Err(ctx.invalid(
                object,
                format!("{}.mountPath", e.field),
                format!("{:?} is already a mount path", e.mount.mount_path),
            ));
        }
        if e.targets.iter().any(|t| t == ALL_CONTAINERS) && e.targets.len() > 1 {
            return Err(ctx.invalid(
                object,
                format!("{}.targetContainers", e.field),
                "either \"all\" or a list of containers, not both",
            ));
        }
        volumes.push(e.volume.clone());
    }
    for container in containers.iter_mut() {
        for e in &extra {
            let wanted = if e.targets.is_empty() {
                container.name == CONTAINER_NAME
            } else {
                e.targets
                    .iter()
                    .any(|t| t == ALL_CONTAINERS || *t == container.name)
            };
            if wanted {
                container
                    .volume_mounts
                    .get_or_insert_with(Vec::new)
                    .push(e.mount.clone());
            }
        }
    }
    Ok(())
}

fn additional_volume(
    ctx: &ClusterContext<'_>,
    object: &str,
    index: usize,
    v: &AdditionalVolume,
) -> Result<ExtraVolume, BuildError> {
    let field = format!("spec.additionalVolumes[{index}]");
    if v.mount_path.trim_end_matches('/') == DATA_MOUNT_PATH {
        return Err(ctx.invalid(
            object,
            format!("{field}.mountPath"),
            format!("cannot mount a volume over the data directory {DATA_MOUNT_PATH}"),
        ));
    }
    let mut source = match &v.volume_source {
        Value::Object(map) => map.clone(),
        _ => {
            return Err(ctx.invalid(
                object,
                format!("{field}.volumeSource"),
                "must be an object such as {emptyDir: {}}",
            ));
        }
    };
    source.insert("name".to_string(), Value::String(v.name.clone()));
    let volume: Volume = serde_json::from_value(Value::Object(source)).map_err(|e| {
        ctx.invalid(
            object,
            format!("{field}.volumeSource"),
            format!("not a volume source: {e}"),
        )
    })?;
    let sub_path = v.sub_path.clone().filter(|s| !s.is_empty());
    let expr = v.is_sub_path_expr == Some(true);
    Ok(ExtraVolume {
        field,
        volume,
        mount: VolumeMount {
            name: v.name.clone(),
            mount_path: v.mount_path.clone(),
            sub_path: if expr { None } else { sub_path.clone() },
            sub_path_expr: if expr { sub_path } else { None },
            ..VolumeMount::default()
        },
        targets: v.target_containers.clone().unwrap_or_default(),
    })
}

fn tls_volumes(ctx: &ClusterContext<'_>) -> Vec<ExtraVolume> {
    let Some(tls) = ctx
        .pg
        .spec
        .tls
        .as_ref()
        .filter(|t| !t.secret_name.is_empty())
    else {
        return Vec::new();
    };
    let secret_volume = |secret: &str, path: &str, field: &str| ExtraVolume {
        field: field.to_string(),
        volume: Volume {
            name: secret.to_string(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(secret.to_string()),
                default_mode: Some(TLS_FILE_MODE),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        },
        mount: VolumeMount {
            name: secret.to_string(),
            mount_path: path.to_string(),
            ..VolumeMount::default()
        },
        targets: Vec::new(),
    };
    let mut out = vec![secret_volume(
        &tls.secret_name,
        TLS_MOUNT_PATH,
        "spec.tls.secretName",
    )];
    let ca_file = tls.ca_file.as_deref().unwrap_or_default();
    if let Some(ca_secret) = tls.ca_secret_name.as_deref().filter(|s| !s.is_empty())
        && !ca_file.is_empty()
    {
        out.push(secret_volume(
            ca_secret,
            TLS_CA_MOUNT_PATH,
            "spec.tls.caSecretName",
        ));
    }
    out
}

/// `spec.tolerations` when given, else the configured `toleration`.
fn tolerations(ctx: &ClusterContext<'_>) -> Option<Vec<Toleration>> {
    if let Some(t) = ctx.pg.spec.tolerations.as_ref().filter(|t| !t.is_empty()) {
        return Some(t.clone());
    }
    ctx.config.toleration.as_ref().map(|t| vec![t.to_k8s()])
}

/// Node affinity of the manifest combined with `node_readiness_label`
/// (`node_readiness_label_merge`), plus the pod anti-affinity when enabled.
fn affinity(ctx: &ClusterContext<'_>) -> Option<Affinity> {
    let config = ctx.config;
    let node_affinity = node_affinity(ctx);
    let pod_anti_affinity = config.enable_pod_antiaffinity.then(|| {
        let term = PodAffinityTerm {
            label_selector: Some(LabelSelector {
                match_labels: Some(ctx.selector_labels()),
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

fn node_affinity(ctx: &ClusterContext<'_>) -> Option<NodeAffinity> {
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
fn topology_spread_constraints(ctx: &ClusterContext<'_>) -> Option<Vec<TopologySpreadConstraint>> {
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

fn volume_claim_template(
    ctx: &ClusterContext<'_>,
    object: &str,
) -> Result<PersistentVolumeClaim, BuildError> {
    let volume = &ctx.pg.spec.volume;
    if quantity::parse_bytes(&volume.size).is_none() {
        return Err(ctx.invalid(
            object,
            "spec.volume.size",
            format!("{:?} is not a valid quantity", volume.size),
        ));
    }
    Ok(PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(DATA_VOLUME_NAME.to_string()),
            labels: Some(ctx.labels()),
            annotations: non_empty_map(ctx.inherited_annotations()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_string()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(volume.size.clone()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            storage_class_name: volume.storage_class.clone().filter(|s| !s.is_empty()),
            volume_mode: Some("Filesystem".to_string()),
            selector: volume.selector.clone(),
            ..PersistentVolumeClaimSpec::default()
        }),
        status: None,
    })
}

fn value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.to_string()),
        value_from: None,
    }
}

fn field_ref(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: Some("v1".to_string()),
                field_path: path.to_string(),
            }),
            ..EnvVarSource::default()
        }),
    }
}

fn secret_ref(name: &str, secret: String) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret,
                key: "password".to_string(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }),
    }
}

/// Appends `var` unless a variable of that name (case-insensitively) is already there.
fn push_absent(env: &mut Vec<EnvVar>, var: EnvVar) {
    if !env.iter().any(|e| e.name.eq_ignore_ascii_case(&var.name)) {
        env.push(var);
    }
}
