//! Tests of the logical backup CronJob (`pgctl_shared::build::logical_backup`): the whole object
//! for the minimal fixture (a snapshot), and the rules a snapshot would not pin down.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{Container, EnvVar};
use pgctl_shared::build::{self, BuildError, ClusterContext, logical_backup};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;

mod common;

fn minimal() -> Postgresql {
    common::load(&common::root().join("tests/fixtures/minimal.yaml"))
}

fn enabled() -> Postgresql {
    let mut pg = minimal();
    pg.spec.enable_logical_backup = Some(true);
    pg
}

fn config(pairs: &[(&str, &str)]) -> OperatorConfig {
    let data: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    OperatorConfig::from_config_map_data(&data)
        .expect("valid configuration")
        .config
}

fn cron_job(pg: &Postgresql, config: &OperatorConfig) -> Result<Option<CronJob>, BuildError> {
    let ctx = ClusterContext::new(pg, config).expect("context");
    logical_backup::cron_job(&ctx)
}

fn built(pg: &Postgresql, config: &OperatorConfig) -> CronJob {
    cron_job(pg, config).expect("builds").expect("enabled")
}

fn container(job: &CronJob) -> &Container {
    &job.spec
        .as_ref()
        .expect("spec")
        .job_template
        .spec
        .as_ref()
        .expect("job spec")
        .template
        .spec
        .as_ref()
        .expect("pod spec")
        .containers[0]
}

fn env<'a>(job: &'a CronJob, name: &str) -> Option<&'a EnvVar> {
    container(job).env.iter().flatten().find(|e| e.name == name)
}

fn env_value(job: &CronJob, name: &str) -> Option<String> {
    env(job, name).and_then(|e| e.value.clone())
}

#[test]
fn snapshot_minimal_with_logical_backup() {
    let job = built(
        &enabled(),
        &config(&[
            ("logical_backup_s3_bucket", "dumps"),
            ("logical_backup_s3_endpoint", "http://s3.example"),
        ]),
    );
    insta::assert_yaml_snapshot!("logical_backup_cron_job", job);
}

#[test]
fn there_is_no_cron_job_unless_enabled() {
    assert_eq!(cron_job(&minimal(), &config(&[])), Ok(None));
    let mut off = enabled();
    off.spec.enable_logical_backup = Some(false);
    assert_eq!(cron_job(&off, &config(&[])), Ok(None));
    // And it is part of the desired objects exactly when enabled.
    let objects = build::desired(&enabled(), &config(&[])).expect("desired");
    assert!(objects.logical_backup.is_some());
    let objects = build::desired(&minimal(), &config(&[])).expect("desired");
    assert!(objects.logical_backup.is_none());
}

#[test]
fn the_name_is_the_prefix_and_the_cluster_cut_to_52_characters() {
    assert_eq!(
        logical_backup::cron_job_name("logical-backup-", "acid-minimal-cluster"),
        "logical-backup-acid-minimal-cluster"
    );
    // 52 characters would end on a "-": it is dropped.
    let cluster = format!("{}-{}", "a".repeat(36), "b".repeat(20));
    let name = logical_backup::cron_job_name("logical-backup-", &cluster);
    assert_eq!(name, format!("logical-backup-{}", "a".repeat(36)));
    assert!(name.len() <= logical_backup::MAX_NAME_LENGTH);
    let job = built(
        &enabled(),
        &config(&[("logical_backup_job_prefix", "dump-")]),
    );
    assert_eq!(
        job.metadata.name.as_deref(),
        Some("dump-acid-minimal-cluster")
    );
}

#[test]
fn a_prefix_that_makes_no_object_name_is_an_error_naming_the_key() {
    let error = cron_job(
        &enabled(),
        &config(&[("logical_backup_job_prefix", "Dump_")]),
    )
    .expect_err("invalid name");
    assert!(
        error.to_string().contains("logical_backup_job_prefix"),
        "{error}"
    );
}

#[test]
fn the_manifest_schedule_wins_and_a_bad_one_names_its_field() {
    let job = built(&enabled(), &config(&[]));
    assert_eq!(job.spec.as_ref().expect("spec").schedule, "30 00 * * *");
    let job = built(
        &enabled(),
        &config(&[("logical_backup_schedule", "0 */6 * * *")]),
    );
    assert_eq!(job.spec.as_ref().expect("spec").schedule, "0 */6 * * *");
    let mut pg = enabled();
    pg.spec.logical_backup_schedule = Some("15 2 * * 1".into());
    let job = built(&pg, &config(&[("logical_backup_schedule", "0 */6 * * *")]));
    assert_eq!(job.spec.as_ref().expect("spec").schedule, "15 2 * * 1");

    pg.spec.logical_backup_schedule = Some("every night".into());
    let error = cron_job(&pg, &config(&[])).expect_err("bad schedule");
    assert!(
        error.to_string().contains("spec.logicalBackupSchedule"),
        "{error}"
    );
    let error = cron_job(
        &enabled(),
        &config(&[("logical_backup_schedule", "nightly")]),
    )
    .expect_err("bad schedule");
    assert!(
        error.to_string().contains("logical_backup_schedule"),
        "{error}"
    );
}

#[test]
fn the_env_contract_of_the_image() {
    let job = built(
        &enabled(),
        &config(&[("logical_backup_s3_bucket", "dumps")]),
    );
    assert_eq!(
        env_value(&job, "SCOPE").as_deref(),
        Some("acid-minimal-cluster")
    );
    assert_eq!(
        env_value(&job, "CLUSTER_NAME_LABEL").as_deref(),
        Some("cluster-name")
    );
    assert_eq!(env_value(&job, "PG_VERSION").as_deref(), Some("17"));
    assert_eq!(env_value(&job, "PGUSER").as_deref(), Some("postgres"));
    assert_eq!(env_value(&job, "PGSSLMODE").as_deref(), Some("require"));
    assert_eq!(
        env_value(&job, "LOGICAL_BACKUP_S3_BUCKET_SCOPE_SUFFIX"),
        Some(format!("/{}", common::UID))
    );
    let password = env(&job, "PGPASSWORD")
        .and_then(|e| e.value_from.as_ref())
        .and_then(|f| f.secret_key_ref.as_ref())
        .expect("PGPASSWORD from a Secret");
    assert_eq!(
        password.name,
        "postgres.acid-minimal-cluster.credentials.postgresql.acid.zalan.do"
    );
    let namespace = env(&job, "POD_NAMESPACE")
        .and_then(|e| e.value_from.as_ref())
        .and_then(|f| f.field_ref.as_ref())
        .expect("POD_NAMESPACE from the pod");
    assert_eq!(namespace.field_path, "metadata.namespace");
    // No credentials unless configured; retention from the manifest over the configuration.
    assert_eq!(env(&job, "AWS_ACCESS_KEY_ID"), None);
    assert_eq!(env(&job, "AWS_SECRET_ACCESS_KEY"), None);
    let mut pg = enabled();
    pg.spec.logical_backup_retention = Some("3 months".into());
    let job = built(
        &pg,
        &config(&[
            ("logical_backup_s3_retention_time", "1 week"),
            ("logical_backup_s3_access_key_id", "AKIAEXAMPLE"),
        ]),
    );
    assert_eq!(
        env_value(&job, "LOGICAL_BACKUP_S3_RETENTION_TIME").as_deref(),
        Some("3 months")
    );
    assert_eq!(
        env_value(&job, "AWS_ACCESS_KEY_ID").as_deref(),
        Some("AKIAEXAMPLE")
    );
}

#[test]
fn other_providers_get_their_own_variables() {
    let job = built(
        &enabled(),
        &config(&[
            ("logical_backup_provider", "gcs"),
            (
                "logical_backup_google_application_credentials",
                "/var/g.json",
            ),
        ]),
    );
    assert_eq!(
        env_value(&job, "LOGICAL_BACKUP_PROVIDER").as_deref(),
        Some("gcs")
    );
    assert_eq!(
        env_value(&job, "LOGICAL_BACKUP_GOOGLE_APPLICATION_CREDENTIALS").as_deref(),
        Some("/var/g.json")
    );
    assert_eq!(env(&job, "LOGICAL_BACKUP_S3_REGION"), None);
    let job = built(
        &enabled(),
        &config(&[
            ("logical_backup_provider", "az"),
            ("logical_backup_azure_storage_account_name", "acct"),
            ("logical_backup_azure_storage_container", "dumps"),
        ]),
    );
    assert_eq!(
        env_value(&job, "LOGICAL_BACKUP_AZURE_STORAGE_ACCOUNT_NAME").as_deref(),
        Some("acct")
    );
    assert_eq!(env(&job, "LOGICAL_BACKUP_AZURE_STORAGE_ACCOUNT_KEY"), None);
}

#[test]
fn resources_and_the_environment_secret_come_from_the_configuration() {
    let job = built(
        &enabled(),
        &config(&[
            ("logical_backup_cpu_request", "50m"),
            ("logical_backup_memory_limit", "1Gi"),
            (
                "logical_backup_cronjob_environment_secret",
                "dump-credentials",
            ),
        ]),
    );
    let resources = container(&job).resources.as_ref().expect("resources");
    let requests = resources.requests.as_ref().expect("requests");
    let limits = resources.limits.as_ref().expect("limits");
    assert_eq!(requests["cpu"].0, "50m");
    // Unset ones take the pods' defaults.
    assert_eq!(requests["memory"].0, "100Mi");
    assert_eq!(limits["memory"].0, "1Gi");
    assert_eq!(limits["cpu"].0, "1");
    let env_from = container(&job).env_from.as_ref().expect("envFrom");
    assert_eq!(
        env_from[0].secret_ref.as_ref().map(|s| s.name.as_str()),
        Some("dump-credentials")
    );
}

#[test]
fn the_jobs_pods_are_not_the_databases() {
    let job = built(&enabled(), &config(&[]));
    let labels = job
        .spec
        .as_ref()
        .and_then(|s| s.job_template.spec.as_ref())
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .expect("labels");
    assert_eq!(labels["application"], "spilo-logical-backup");
    assert_eq!(labels["cluster-name"], "acid-minimal-cluster");
    // The CronJob itself carries the cluster's labels (its watch and prune find it).
    let own = job.metadata.labels.clone().expect("labels");
    assert_eq!(own["application"], "spilo");
    assert_eq!(
        logical_backup::pod_labels(&config(&[]), "acid-minimal-cluster"),
        labels
            .into_iter()
            .filter(|(k, _)| k != "team")
            .collect::<BTreeMap<_, _>>()
    );
}

#[test]
fn cloud_credentials_reach_the_backup_pod() {
    let config = config(&[
        ("additional_secret_mount", "aws-credentials"),
        ("kube_iam_role", "postgres-backups"),
    ]);
    let job = built(&enabled(), &config);
    let template = job
        .spec
        .and_then(|s| s.job_template.spec)
        .map(|s| s.template)
        .expect("pod template");
    let annotations = template
        .metadata
        .and_then(|m| m.annotations)
        .unwrap_or_default();
    assert_eq!(
        annotations
            .get("iam.amazonaws.com/role")
            .map(String::as_str),
        Some("postgres-backups")
    );
    let pod = template.spec.expect("pod spec");
    let volume = pod.volumes.unwrap_or_default().remove(0);
    assert_eq!(volume.name, "aws-credentials");
    assert_eq!(
        volume.secret.and_then(|s| s.secret_name).as_deref(),
        Some("aws-credentials")
    );
    let mounts = pod.containers[0].volume_mounts.clone().unwrap_or_default();
    assert!(
        mounts
            .iter()
            .any(|m| m.name == "aws-credentials" && m.mount_path == "/meta/credentials"),
        "{mounts:?}"
    );
}
