//! The volumes: the `pgdata` mount and volume claim template, and `spec.additionalVolumes`
//! and the TLS Secrets, added to the pod and mounted in the containers they target (names and
//! mount paths checked for clashes).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Container, PersistentVolumeClaim, PersistentVolumeClaimSpec, SecretVolumeSource, Volume,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use crate::build::{BuildError, ClusterContext, non_empty_map};
use crate::crd::AdditionalVolume;
use crate::quantity;

use super::{CONTAINER_NAME, DATA_MOUNT_PATH, DATA_VOLUME_NAME, TLS_CA_MOUNT_PATH, TLS_MOUNT_PATH};

/// File mode of the TLS files (readable by the pod's fsGroup).
const TLS_FILE_MODE: i32 = 0o640;
/// `targetContainers` value meaning every container.
const ALL_CONTAINERS: &str = "all";

pub(super) fn data_volume_mount(ctx: &ClusterContext<'_>) -> VolumeMount {
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

/// One volume to add and mount, from `spec.additionalVolumes` or `spec.tls`.
struct ExtraVolume {
    field: String,
    volume: Volume,
    mount: VolumeMount,
    /// Container names; empty means `postgres`; `all` means every container.
    targets: Vec<String>,
}

pub(super) fn add_additional_volumes(
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

/// The Secret volumes of `spec.tls` and their mounts (for containers other than Spilo's).
pub(in crate::build) fn tls_secret_volumes(ctx: &ClusterContext<'_>) -> Vec<(Volume, VolumeMount)> {
    tls_volumes(ctx)
        .into_iter()
        .map(|v| (v.volume, v.mount))
        .collect()
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

pub(super) fn volume_claim_template(
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
