//! The environment of the containers: the Spilo variables of the `postgres` container
//! ([`env()`]), its `envFrom` sources, the clone, standby and TLS variables, and the helpers that
//! build variables (a value, a field reference, a password Secret reference) and add them
//! unless a variable of that name is already there.

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, EnvFromSource, EnvVar, EnvVarSource, ObjectFieldSelector, SecretEnvSource,
    SecretKeySelector,
};
use serde_json::Value;

use crate::build::{BuildError, ClusterContext, POSTGRES_PORT, canonical_json, spilo};

use super::{PGROOT, TLS_CA_MOUNT_PATH, TLS_MOUNT_PATH};

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
        // Spilo's PAM authentication of human users (a `pg_hba` rule for members of
        // `HUMAN_ROLE`); set even when empty, as the reference does.
        value("PAM_OAUTH2", &config.pam_configuration),
        value("HUMAN_ROLE", &config.pam_role_name),
    ];
    if config.enable_spilo_wal_path_compat {
        env.push(value("ENABLE_WAL_PATH_COMPAT", "true"));
    }
    if config.enable_pgversion_env_var {
        // In mode `full`, a manifest below `minimal_major_version` gets the target major.
        let version = crate::major::pgversion(spec, config);
        env.push(value("PGVERSION", &version));
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
        if config.enable_pod_disruption_budget {
            // Patroni 4 labels a pod with these while it bootstraps (initdb, a clone, a
            // replica's copy), so that the critical-operation PodDisruptionBudget protects it.
            let labels = serde_json::json!({ crate::naming::CRITICAL_OPERATION_LABEL: "true" });
            env.push(value(
                "KUBERNETES_BOOTSTRAP_LABELS",
                &canonical_json(&labels),
            ));
        }
    } else {
        env.push(value("ETCD_HOST", &config.etcd_host));
    }
    if ctx.uses_configmaps() {
        env.push(value("KUBERNETES_USE_CONFIGMAPS", "true"));
    }
    for var in spec.env.iter().flatten() {
        push_absent(&mut env, var.clone());
    }
    for var in clone_env(ctx)
        .into_iter()
        .chain(standby_env(ctx))
        .chain(archive_env(ctx))
    {
        push_absent(&mut env, var);
    }
    env
}

/// The WAL archive and log shipping of the configuration (`wal_s3_bucket`, `wal_gs_bucket`,
/// `wal_az_storage_account`, `gcp_credentials`, `log_s3_bucket`), as the reference sets them:
/// last, so that `spec.env` can replace them. The bucket's path is scoped by the cluster's
/// name and uid (`WAL_BUCKET_SCOPE_SUFFIX=/UID`), so that a cluster deleted and created again
/// under the same name never mixes its WAL with the earlier one's.
fn archive_env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let config = ctx.config;
    let suffix = scope_suffix(ctx.pg.metadata.uid.as_deref());
    let mut env = Vec::new();
    for (name, bucket) in [
        ("WAL_S3_BUCKET", &config.wal_s3_bucket),
        ("WAL_GS_BUCKET", &config.wal_gs_bucket),
        ("AZURE_STORAGE_ACCOUNT", &config.wal_az_storage_account),
    ] {
        if !bucket.is_empty() {
            env.push(value(name, bucket));
            env.push(value("WAL_BUCKET_SCOPE_SUFFIX", &suffix));
            env.push(value("WAL_BUCKET_SCOPE_PREFIX", ""));
        }
    }
    if !config.gcp_credentials.is_empty() {
        env.push(value(
            "GOOGLE_APPLICATION_CREDENTIALS",
            &config.gcp_credentials,
        ));
    }
    if !config.log_s3_bucket.is_empty() {
        env.push(value("LOG_S3_BUCKET", &config.log_s3_bucket));
        env.push(value("LOG_BUCKET_SCOPE_SUFFIX", &suffix));
        env.push(value("LOG_BUCKET_SCOPE_PREFIX", ""));
    }
    env
}

/// `/UID`, or empty without a uid: the scope suffix of the reference's bucket paths.
fn scope_suffix(uid: Option<&str>) -> String {
    uid.filter(|u| !u.is_empty())
        .map(|u| format!("/{u}"))
        .unwrap_or_default()
}

/// `envFrom` of the `postgres` container: `pod_environment_configmap`, then
/// `pod_environment_secret`, then `spec.envFrom`; a later source wins over an earlier one, and
/// `env` over all of them.
pub(super) fn env_from(
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
                    // The bucket of this operator's archive.
                    if !config.wal_s3_bucket.is_empty() {
                        env.push(value("CLONE_WAL_S3_BUCKET", &config.wal_s3_bucket));
                    } else if !config.wal_gs_bucket.is_empty() {
                        env.push(value("CLONE_WAL_GS_BUCKET", &config.wal_gs_bucket));
                        if !config.gcp_credentials.is_empty() {
                            env.push(value(
                                "CLONE_GOOGLE_APPLICATION_CREDENTIALS",
                                &config.gcp_credentials,
                            ));
                        }
                    } else if !config.wal_az_storage_account.is_empty() {
                        env.push(value(
                            "CLONE_AZURE_STORAGE_ACCOUNT",
                            &config.wal_az_storage_account,
                        ));
                    }
                    let suffix = scope_suffix(set(&clone.uid).as_deref());
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

/// Where the files of `spec.tls` are in a container that mounts its Secrets
/// (`TLS_MOUNT_PATH`, and `TLS_CA_MOUNT_PATH` for `caSecretName`).
pub(in crate::build) struct TlsFiles {
    pub certificate: String,
    pub private_key: String,
    pub ca: Option<String>,
}

/// The paths of `spec.tls`'s files, when it names a Secret.
pub(in crate::build) fn tls_files(ctx: &ClusterContext<'_>) -> Option<TlsFiles> {
    let tls = ctx
        .pg
        .spec
        .tls
        .as_ref()
        .filter(|t| !t.secret_name.is_empty())?;
    let file = |f: &Option<String>| f.clone().unwrap_or_default();
    let ca_file = file(&tls.ca_file);
    let ca = (!ca_file.is_empty()).then(|| {
        let dir = if file(&tls.ca_secret_name).is_empty() {
            TLS_MOUNT_PATH
        } else {
            TLS_CA_MOUNT_PATH
        };
        tls_path(&ca_file, dir, "")
    });
    Some(TlsFiles {
        certificate: tls_path(&file(&tls.certificate_file), TLS_MOUNT_PATH, "tls.crt"),
        private_key: tls_path(&file(&tls.private_key_file), TLS_MOUNT_PATH, "tls.key"),
        ca,
    })
}

/// `SSL_CERTIFICATE_FILE`, `SSL_PRIVATE_KEY_FILE` and `SSL_CA_FILE` for `spec.tls`.
pub(super) fn tls_env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let Some(files) = tls_files(ctx) else {
        return Vec::new();
    };
    let mut env = vec![
        value("SSL_CERTIFICATE_FILE", &files.certificate),
        value("SSL_PRIVATE_KEY_FILE", &files.private_key),
    ];
    env.extend(files.ca.map(|ca| value("SSL_CA_FILE", &ca)));
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

pub(in crate::build) fn value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.to_string()),
        value_from: None,
    }
}

pub(in crate::build) fn field_ref(name: &str, path: &str) -> EnvVar {
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

pub(super) fn secret_ref(name: &str, secret: String) -> EnvVar {
    secret_key_ref(name, secret, "password")
}

/// `name` from key `key` of Secret `secret`.
pub(in crate::build) fn secret_key_ref(name: &str, secret: String, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret,
                key: key.to_string(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }),
    }
}

/// Appends `var` unless a variable of that name (case-insensitively) is already there.
pub(super) fn push_absent(env: &mut Vec<EnvVar>, var: EnvVar) {
    if !env.iter().any(|e| e.name.eq_ignore_ascii_case(&var.name)) {
        env.push(var);
    }
}
