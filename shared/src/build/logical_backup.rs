//! The logical backup CronJob of a cluster (`enableLogicalBackup`), as the reference operator
//! makes it:
//!
//! - **CronJob** `{logical_backup_job_prefix}NAME` (cut to 52 characters, trailing `-`
//!   removed), with the cluster's labels and inherited annotations; schedule
//!   `spec.logicalBackupSchedule`, else `logical_backup_schedule`; `concurrencyPolicy: Forbid`;
//!   the reference's default history limits (3) and `ttlSecondsAfterFinished` (a day).
//! - **Pod template**: the cluster's labels with `application: spilo-logical-backup` (so the
//!   database's selectors skip it), the pods' annotations, the pods' ServiceAccount (the dump
//!   script lists the cluster's pods to pick a replica), `restartPolicy: Never`, the pods'
//!   tolerations and node affinity, and a preferred pod affinity to its own kind on the same
//!   node. One container `logical-backup` with the env contract of the reference's image:
//!   `SCOPE`, `CLUSTER_NAME_LABEL`, `POD_NAMESPACE`, `PG_VERSION`, `PGPORT`, `PGUSER`,
//!   `PGDATABASE`, `PGSSLMODE`, `PGPASSWORD` (from the superuser's Secret), then the
//!   provider's bucket settings (`LOGICAL_BACKUP_*`), and the entries of
//!   `logical_backup_cronjob_environment_secret`.
//!
//! One difference: the reference reads that Secret and lists each of its keys as a variable;
//! this builder is pure and takes the whole Secret with `envFrom`, which gives the container
//! the same variables.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Affinity, Container, ContainerPort, EnvFromSource, EnvVar, PodAffinity, PodAffinityTerm,
    PodSecurityContext, PodSpec, PodTemplateSpec, SecretEnvSource, SecurityContext,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::config::LogicalBackupProvider;
use crate::crd::{ResourceDescription, Resources};
use crate::naming;

use super::statefulset::{field_ref, node_affinity, secret_key_ref, tolerations, value};
use super::{BuildError, ClusterContext, OPERATOR_PORT, PATRONI_PORT, POSTGRES_PORT, resources};

/// Name of the Job's container.
pub const CONTAINER_NAME: &str = "logical-backup";
/// `application` label of the Job's pods.
pub const APPLICATION: &str = "spilo-logical-backup";
/// Finished and failed Jobs the CronJob keeps: the default of the reference's
/// `logical_backup_successful_jobs_history_limit` / `_failed_jobs_history_limit`, which exist
/// only in its OperatorConfiguration resource, not in its ConfigMap.
pub const JOBS_HISTORY_LIMIT: i32 = 3;
/// Seconds a finished Job (with its pod's output) stays: the default of the reference's
/// `logical_backup_ttl_seconds_after_finished` (likewise).
pub const TTL_SECONDS_AFTER_FINISHED: i32 = 86_400;
/// Longest CronJob name: the Jobs it creates get an 11-character suffix, and a Job's name
/// becomes a label value (at most 63 characters).
pub const MAX_NAME_LENGTH: usize = 52;

/// The CronJob's name: `logical_backup_job_prefix` and the cluster name, cut to
/// [`MAX_NAME_LENGTH`] without a trailing `-`.
pub fn cron_job_name(prefix: &str, cluster: &str) -> String {
    let mut name = format!("{prefix}{cluster}");
    if name.len() > MAX_NAME_LENGTH {
        // Names are ASCII (a DNS label and a prefix checked alike), so any index is a boundary.
        name.truncate(MAX_NAME_LENGTH);
        while name.ends_with('-') {
            name.pop();
        }
    }
    name
}

/// A DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, starting and ending with a
/// letter or digit.
fn is_object_name(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    name.chars().next().is_some_and(alnum)
        && name.chars().last().is_some_and(alnum)
        && name.chars().all(|c| alnum(c) || c == '-' || c == '.')
}

/// Whether the cluster wants a logical backup CronJob.
pub fn enabled(ctx: &ClusterContext<'_>) -> bool {
    ctx.pg.spec.enable_logical_backup == Some(true)
}

/// The schedule of the cluster's logical backups: the manifest's, else the configuration's.
pub fn schedule<'a>(ctx: &ClusterContext<'a>) -> &'a str {
    ctx.pg
        .spec
        .logical_backup_schedule
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&ctx.config.logical_backup_schedule)
}

/// The CronJob, or `None` when `enableLogicalBackup` is not true.
pub fn cron_job(ctx: &ClusterContext<'_>) -> Result<Option<CronJob>, BuildError> {
    if !enabled(ctx) {
        return Ok(None);
    }
    let config = ctx.config;
    let name = cron_job_name(&config.logical_backup_job_prefix, ctx.name());
    let object = format!("CronJob {name}");
    if !is_object_name(&name) {
        return Err(ctx.invalid(
            &object,
            "logical_backup_job_prefix",
            format!(
                "{:?} with the cluster name gives {name:?}, which is not a valid object name",
                config.logical_backup_job_prefix
            ),
        ));
    }
    let schedule = schedule(ctx);
    if !crate::validate::is_cron_schedule(schedule) {
        let field = if ctx.pg.spec.logical_backup_schedule.is_some() {
            "spec.logicalBackupSchedule"
        } else {
            "logical_backup_schedule"
        };
        return Err(ctx.invalid(
            &object,
            field,
            format!("{schedule:?} is not a five-field cron schedule (e.g. \"30 00 * * *\")"),
        ));
    }

    let mut labels = ctx.labels();
    labels.insert("application".to_string(), APPLICATION.to_string());

    let mut annotations = config.custom_pod_annotations.clone();
    annotations.extend(ctx.pg.spec.pod_annotations.clone().unwrap_or_default());
    annotations.extend(ctx.inherited_annotations());
    if !config.kube_iam_role.is_empty() {
        annotations.insert(
            super::statefulset::KUBE_IAM_ANNOTATION.to_string(),
            config.kube_iam_role.clone(),
        );
    }

    let mut container = container(ctx, &object)?;
    let secret_mount = super::statefulset::secret_mount(ctx, &object)?;
    if let Some((_, mount)) = &secret_mount {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .push(mount.clone());
    }
    let affinity = Affinity {
        node_affinity: node_affinity(ctx),
        pod_affinity: Some(PodAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 1,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(LabelSelector {
                            match_labels: Some(labels.clone()),
                            ..LabelSelector::default()
                        }),
                        topology_key: "kubernetes.io/hostname".to_string(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAffinity::default()
        }),
        ..Affinity::default()
    };
    let pod = PodSpec {
        service_account_name: Some(config.pod_service_account_name.clone()),
        termination_grace_period_seconds: Some(
            i64::try_from(config.pod_terminate_grace_period.as_secs()).unwrap_or(i64::MAX),
        ),
        containers: vec![container],
        tolerations: tolerations(ctx),
        security_context: Some(PodSecurityContext::default()),
        affinity: Some(affinity),
        restart_policy: Some("Never".to_string()),
        volumes: secret_mount.map(|(volume, _)| vec![volume]),
        ..PodSpec::default()
    };

    Ok(Some(CronJob {
        metadata: ctx.metadata(name),
        spec: Some(CronJobSpec {
            schedule: schedule.to_string(),
            concurrency_policy: Some("Forbid".to_string()),
            successful_jobs_history_limit: Some(JOBS_HISTORY_LIMIT),
            failed_jobs_history_limit: Some(JOBS_HISTORY_LIMIT),
            job_template: JobTemplateSpec {
                metadata: None,
                spec: Some(JobSpec {
                    ttl_seconds_after_finished: Some(TTL_SECONDS_AFTER_FINISHED),
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(labels),
                            annotations: (!annotations.is_empty()).then_some(annotations),
                            ..ObjectMeta::default()
                        }),
                        spec: Some(pod),
                    },
                    ..JobSpec::default()
                }),
            },
            ..CronJobSpec::default()
        }),
        status: None,
    }))
}

fn container(ctx: &ClusterContext<'_>, object: &str) -> Result<Container, BuildError> {
    let config = ctx.config;
    let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let resources = Resources {
        requests: Some(ResourceDescription {
            cpu: set(&config.logical_backup_cpu_request),
            memory: set(&config.logical_backup_memory_request),
            ..ResourceDescription::default()
        }),
        limits: Some(ResourceDescription {
            cpu: set(&config.logical_backup_cpu_limit),
            memory: set(&config.logical_backup_memory_limit),
            ..ResourceDescription::default()
        }),
    };
    let tcp = |port: i32| ContainerPort {
        container_port: port,
        protocol: Some("TCP".to_string()),
        ..ContainerPort::default()
    };
    let env_from = config
        .logical_backup_cronjob_environment_secret
        .as_ref()
        .filter(|s| !s.is_empty())
        .map(|secret| {
            vec![EnvFromSource {
                secret_ref: Some(SecretEnvSource {
                    name: secret.clone(),
                    optional: None,
                }),
                ..EnvFromSource::default()
            }]
        });
    Ok(Container {
        name: CONTAINER_NAME.to_string(),
        image: Some(config.logical_backup_docker_image.clone()),
        image_pull_policy: Some("IfNotPresent".to_string()),
        resources: Some(resources::sidecar(
            ctx,
            object,
            Some(&resources),
            "logical_backup",
        )?),
        ports: Some(vec![
            tcp(PATRONI_PORT),
            tcp(POSTGRES_PORT),
            tcp(OPERATOR_PORT),
        ]),
        env: Some(env(ctx)),
        env_from,
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(config.spilo_allow_privilege_escalation),
            privileged: Some(config.spilo_privileged),
            read_only_root_filesystem: Some(false),
            ..SecurityContext::default()
        }),
        ..Container::default()
    })
}

/// The env contract of the reference's logical backup image.
pub fn env(ctx: &ClusterContext<'_>) -> Vec<EnvVar> {
    let config = ctx.config;
    let uid = ctx.pg.metadata.uid.as_deref().filter(|u| !u.is_empty());
    let mut env = vec![
        value("SCOPE", ctx.name()),
        value("CLUSTER_NAME_LABEL", &config.cluster_name_label),
        field_ref("POD_NAMESPACE", "metadata.namespace"),
        value("PG_VERSION", &ctx.pg.spec.postgresql.version),
        value("PGPORT", &POSTGRES_PORT.to_string()),
        value("PGUSER", &config.super_username),
        value("PGDATABASE", &config.super_username),
        value("PGSSLMODE", "require"),
        secret_key_ref(
            "PGPASSWORD",
            config.secret_name(&config.super_username, ctx.name()),
            "password",
        ),
        value(
            "LOGICAL_BACKUP_PROVIDER",
            config.logical_backup_provider.config_value(),
        ),
        value("LOGICAL_BACKUP_S3_BUCKET", &config.logical_backup_s3_bucket),
        value(
            "LOGICAL_BACKUP_S3_BUCKET_PREFIX",
            &config.logical_backup_s3_bucket_prefix,
        ),
        value(
            "LOGICAL_BACKUP_S3_BUCKET_SCOPE_SUFFIX",
            &uid.map(|u| format!("/{u}")).unwrap_or_default(),
        ),
    ];
    let non_empty = |name: &str, v: &str| (!v.is_empty()).then(|| value(name, v));
    match config.logical_backup_provider {
        LogicalBackupProvider::S3 => {
            let retention = ctx
                .pg
                .spec
                .logical_backup_retention
                .as_deref()
                .filter(|r| !r.is_empty())
                .unwrap_or(&config.logical_backup_s3_retention_time);
            env.push(value(
                "LOGICAL_BACKUP_S3_REGION",
                &config.logical_backup_s3_region,
            ));
            env.push(value(
                "LOGICAL_BACKUP_S3_ENDPOINT",
                &config.logical_backup_s3_endpoint,
            ));
            env.push(value(
                "LOGICAL_BACKUP_S3_SSE",
                &config.logical_backup_s3_sse,
            ));
            env.push(value("LOGICAL_BACKUP_S3_RETENTION_TIME", retention));
            env.extend(non_empty(
                "AWS_ACCESS_KEY_ID",
                &config.logical_backup_s3_access_key_id,
            ));
            env.extend(non_empty(
                "AWS_SECRET_ACCESS_KEY",
                &config.logical_backup_s3_secret_access_key,
            ));
        }
        LogicalBackupProvider::Gcs => {
            env.extend(non_empty(
                "LOGICAL_BACKUP_GOOGLE_APPLICATION_CREDENTIALS",
                &config.logical_backup_google_application_credentials,
            ));
        }
        LogicalBackupProvider::Az => {
            env.push(value(
                "LOGICAL_BACKUP_AZURE_STORAGE_ACCOUNT_NAME",
                &config.logical_backup_azure_storage_account_name,
            ));
            env.push(value(
                "LOGICAL_BACKUP_AZURE_STORAGE_CONTAINER",
                &config.logical_backup_azure_storage_container,
            ));
            env.extend(non_empty(
                "LOGICAL_BACKUP_AZURE_STORAGE_ACCOUNT_KEY",
                &config.logical_backup_azure_storage_account_key,
            ));
        }
    }
    env
}

/// The labels of the Job pods of cluster `cluster` (for `pgctl` to find them).
pub fn pod_labels(
    config: &crate::config::OperatorConfig,
    cluster: &str,
) -> BTreeMap<String, String> {
    let mut labels = naming::cluster_labels(config, cluster);
    labels.insert("application".to_string(), APPLICATION.to_string());
    labels
}
