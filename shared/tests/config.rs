//! Tests of `pgctl_shared::config`: the operator ConfigMap.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use pgctl_shared::config::{
    ConfigError, ConfigWarning, DEFAULT_DEVIATIONS, ExternalTrafficPolicy,
    InfrastructureRolesSecret, KeyInfo, LogicalBackupProvider, NodeReadinessLabelMerge,
    OperatorConfig, PodManagementPolicy, PvcRetention, PvcRetentionPolicy, StorageResizeMode,
    Toleration, WatchedNamespaces, implemented_keys, key_docs_markdown, not_implemented_keys,
    reference_keys,
};

const REFERENCE_CONFIGMAP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/reference/zalando/configmap.yaml"
);
const DEFAULTS_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/configmap-defaults.yaml"
);
const CUSTOM_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/configmap-custom.yaml"
);
const DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/config.md");

// ---------------------------------------------------------------------------------------------
// Helpers

/// The text of the reference ConfigMap, or `None` (with a message) when the reference folder
/// is not there.
fn reference_text() -> Option<String> {
    if !Path::new(REFERENCE_CONFIGMAP).exists() {
        println!(
            "SKIPPED: the reference ConfigMap {REFERENCE_CONFIGMAP} is absent; \
             the project fixture {DEFAULTS_FIXTURE} covers the same comparison"
        );
        return None;
    }
    Some(std::fs::read_to_string(REFERENCE_CONFIGMAP).expect("read the reference ConfigMap"))
}

fn fixture_text(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The `data` of a ConfigMap manifest, scalars turned into strings.
fn config_map_data(text: &str) -> BTreeMap<String, String> {
    let manifest: serde_yaml::Value = serde_yaml::from_str(text).expect("valid YAML");
    let data = manifest
        .get("data")
        .and_then(serde_yaml::Value::as_mapping)
        .expect("a data mapping");
    data.iter()
        .map(|(key, value)| {
            let key = key.as_str().expect("string key").to_string();
            let value = match value {
                serde_yaml::Value::String(s) => s.clone(),
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::Bool(b) => b.to_string(),
                serde_yaml::Value::Null => String::new(),
                other => panic!("{key}: not a scalar: {other:?}"),
            };
            (key, value)
        })
        .collect()
}

/// Every key under `data:`, including the commented-out `# key: value` lines.
fn all_data_keys(text: &str) -> Vec<String> {
    let key_line = regex::Regex::new(r"^\s+(?:#\s*)?([a-z][a-z0-9_]*):").expect("regex");
    let mut in_data = false;
    let mut keys = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') {
            in_data = line.trim_end() == "data:";
            continue;
        }
        if in_data && let Some(found) = key_line.captures(line) {
            keys.push(found[1].to_string());
        }
    }
    keys
}

fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn parse(pairs: &[(&str, &str)]) -> Result<OperatorConfig, ConfigError> {
    OperatorConfig::from_config_map_data(&data(pairs)).map(|loaded| loaded.config)
}

fn error_message(pairs: &[(&str, &str)]) -> String {
    match parse(pairs) {
        Ok(_) => panic!("{pairs:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

fn warnings(pairs: &[(&str, &str)]) -> Vec<String> {
    OperatorConfig::from_config_map_data(&data(pairs))
        .expect("valid configuration")
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Parsing `source_data` (the reference values) gives the defaults, key by key, except the
/// deviations, which differ exactly as documented.
fn assert_same_as_empty_config_map(source: &str, source_data: &BTreeMap<String, String>) {
    let loaded = OperatorConfig::from_config_map_data(source_data)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    for warning in &loaded.warnings {
        match warning {
            ConfigWarning::NotImplemented { key } => {
                assert!(not_implemented_keys().contains(&key.as_str()), "{key}")
            }
            other => panic!("{source}: unexpected warning: {other}"),
        }
    }

    let empty = OperatorConfig::from_config_map_data(&BTreeMap::new())
        .expect("an empty ConfigMap is valid");
    assert!(empty.warnings.is_empty(), "{:?}", empty.warnings);
    assert_eq!(settings(empty.config.clone()), OperatorConfig::default());

    let parsed = loaded.config.to_config_map_data();
    let defaults = empty.config.to_config_map_data();
    let mut compared = 0;
    for key in implemented_keys() {
        let deviation = DEFAULT_DEVIATIONS.iter().find(|(k, _, _)| k == key);
        match deviation {
            Some((_, reference_value, our_value)) => {
                assert_eq!(
                    parsed[*key], *reference_value,
                    "{source}: {key} must parse to the reference value"
                );
                assert_eq!(
                    defaults[*key], *our_value,
                    "{key}: the pgctl default must be the documented deviation"
                );
                assert_ne!(
                    parsed[*key], defaults[*key],
                    "{key}: listed but not a deviation"
                );
            }
            None => assert_eq!(
                parsed[*key], defaults[*key],
                "{source}: {key} differs from the empty ConfigMap"
            ),
        }
        compared += 1;
    }
    assert_eq!(compared, implemented_keys().len());

    // The same as whole structs once the deviations take pgctl's values.
    let mut with_our_values = source_data.clone();
    for (key, _, ours) in DEFAULT_DEVIATIONS {
        with_our_values.insert(key.to_string(), ours.to_string());
    }
    let patched = OperatorConfig::from_config_map_data(&with_our_values).expect("valid");
    assert_eq!(
        settings(patched.config),
        OperatorConfig::default(),
        "{source}"
    );
}

// ---------------------------------------------------------------------------------------------
// Reference defaults

#[test]
fn reference_config_map_gives_the_same_config_as_an_empty_one() {
    let Some(text) = reference_text() else { return };
    assert_same_as_empty_config_map(REFERENCE_CONFIGMAP, &config_map_data(&text));
}

#[test]
fn defaults_fixture_gives_the_same_config_as_an_empty_one() {
    let text = fixture_text(DEFAULTS_FIXTURE);
    assert_same_as_empty_config_map(DEFAULTS_FIXTURE, &config_map_data(&text));
}

#[test]
fn every_reference_key_is_known() {
    let Some(text) = reference_text() else { return };
    let keys = all_data_keys(&text);
    assert!(keys.len() > 150, "only {} keys found", keys.len());
    for key in &keys {
        assert!(
            reference_keys().contains(&key.as_str()),
            "reference key {key:?} is neither implemented nor listed as not implemented"
        );
    }
}

#[test]
fn defaults_fixture_has_every_known_key_and_matches_the_reference() {
    let text = fixture_text(DEFAULTS_FIXTURE);
    let mut fixture_keys = all_data_keys(&text);
    fixture_keys.sort();
    let known: Vec<String> = reference_keys().iter().map(|k| k.to_string()).collect();
    assert_eq!(
        fixture_keys, known,
        "the fixture and the registry list different keys"
    );

    let Some(reference) = reference_text() else {
        return;
    };
    let mut reference_keys_found = all_data_keys(&reference);
    reference_keys_found.sort();
    assert_eq!(
        fixture_keys, reference_keys_found,
        "the fixture drifted from the reference"
    );
    assert_eq!(
        config_map_data(&text),
        config_map_data(&reference),
        "the fixture's values drifted from the reference"
    );
}

#[test]
fn registry_lists_implemented_and_not_implemented_keys() {
    assert_eq!(
        reference_keys().len(),
        implemented_keys().len() + not_implemented_keys().len()
    );
    let info = KeyInfo::of("resync_period").expect("known");
    assert!(info.implemented);
    assert_eq!(info.section, "General");
    assert!(!info.doc.is_empty());
    let info = KeyInfo::of("connection_pooler_image").expect("known");
    assert!(info.implemented);
    assert_eq!(info.section, "Connection pooler");
    let info = KeyInfo::of("enable_teams_api").expect("known");
    assert!(!info.implemented);
    assert_eq!(info.section, "Teams API, PAM and team roles");
    assert_eq!(KeyInfo::of("no_such_key"), None);
}

#[test]
fn deviations_are_exactly_the_documented_ones() {
    assert_eq!(
        DEFAULT_DEVIATIONS,
        &[
            ("enable_owner_references", "false", "true"),
            ("logical_backup_s3_bucket", "my-bucket-url", ""),
        ]
    );
    let defaults = OperatorConfig::default();
    assert!(defaults.enable_owner_references);
    for (key, reference, ours) in DEFAULT_DEVIATIONS {
        assert!(implemented_keys().contains(key), "{key}");
        assert_eq!(defaults.to_config_map_data()[*key], *ours);
        let parsed = parse(&[(key, reference)]).expect("the reference value is valid");
        assert_eq!(parsed.to_config_map_data()[*key], *reference);
    }
}

#[test]
fn defaults_are_the_reference_values() {
    let c = OperatorConfig::default();
    assert_eq!(c.docker_image, "ghcr.io/zalando/spilo-18:4.1-p2");
    assert_eq!(c.workers, 8);
    assert_eq!(c.resync_period, Duration::from_secs(30 * 60));
    assert_eq!(c.repair_period, Duration::from_secs(5 * 60));
    assert_eq!(c.watched_namespace, WatchedNamespaces::All);
    assert_eq!(
        c.cluster_labels,
        BTreeMap::from([("application".to_string(), "spilo".to_string())])
    );
    assert_eq!(c.protected_role_names, ["admin", "cron_admin"]);
    assert_eq!(c.pod_management_policy, PodManagementPolicy::OrderedReady);
    assert_eq!(c.storage_resize_mode, StorageResizeMode::Pvc);
    assert_eq!(c.external_traffic_policy, ExternalTrafficPolicy::Cluster);
    assert_eq!(
        c.persistent_volume_claim_retention_policy,
        PvcRetentionPolicy {
            when_deleted: PvcRetention::Retain,
            when_scaled: PvcRetention::Retain
        }
    );
    assert_eq!(c.ready_wait_interval, Duration::from_secs(3));
    assert_eq!(c.password_rotation_interval, 90);
    assert_eq!(c.password_rotation_user_retention, 180);
    assert_eq!(c.default_cpu_limit.as_deref(), Some("1"));
    assert_eq!(c.max_memory_request, None);
    assert_eq!(c.toleration, None);
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn default_config_round_trips() {
    let defaults = OperatorConfig::default();
    let rendered = defaults.to_config_map_data();
    assert_eq!(rendered.len(), implemented_keys().len());
    let loaded = OperatorConfig::from_config_map_data(&rendered).expect("valid");
    assert_eq!(settings(loaded.config), defaults);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(rendered["resync_period"], "30m");
    assert_eq!(rendered["watched_namespace"], "*");
    assert_eq!(rendered["cluster_labels"], "application:spilo");
    assert_eq!(
        rendered["persistent_volume_claim_retention_policy"],
        "when_deleted:retain,when_scaled:retain"
    );
    assert_eq!(rendered["max_cpu_request"], "");
}

/// The settings of a configuration, without the digest of the data it was read from (which
/// only equals for the same text): the defaults' digest, of no data.
fn settings(config: OperatorConfig) -> OperatorConfig {
    OperatorConfig {
        data_digest: OperatorConfig::default().data_digest,
        ..config
    }
}

#[test]
fn the_data_digest_follows_the_text_of_the_data() {
    let a = parse(&[("workers", "4")]).expect("valid");
    let b = parse(&[("workers", "4 ")]).expect("valid");
    let c = parse(&[("workers", "5")]).expect("valid");
    assert_eq!(parse(&[]).expect("valid"), OperatorConfig::default());
    assert_eq!(settings(a.clone()), settings(b.clone()));
    assert_ne!(a.data_digest, b.data_digest);
    assert_ne!(a.data_digest, c.data_digest);
    assert_eq!(
        a.data_digest,
        parse(&[("workers", "4")]).expect("valid").data_digest
    );
    // A key and its value cannot be shifted into each other.
    assert_ne!(
        pgctl_shared::config::data_digest(&data(&[("a", "b=c")])),
        pgctl_shared::config::data_digest(&data(&[("a=b", "c")]))
    );
}

fn custom_config() -> OperatorConfig {
    let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> { data(pairs) };
    let strings = |items: &[&str]| -> Vec<String> { items.iter().map(|s| s.to_string()).collect() };
    let some = |s: &str| Some(s.to_string());
    OperatorConfig {
        docker_image: "registry.example.com/spilo-17:4.0-p3".to_string(),
        workers: 3,
        resync_period: Duration::from_secs(90 * 60),
        repair_period: Duration::from_secs(150),
        watched_namespace: WatchedNamespaces::Some(strings(&["team-a", "team-b"])),
        enable_crd_registration: false,
        crd_categories: strings(&["all", "databases"]),
        enable_lazy_spilo_upgrade: true,
        enable_shm_volume: false,
        enable_patroni_failsafe_mode: true,
        enable_pgversion_env_var: false,
        enable_spilo_wal_path_compat: false,
        etcd_host: "etcd.example.com:2379".to_string(),
        kubernetes_use_configmaps: true,
        min_instances: 2,
        max_instances: 5,
        set_memory_request_to_limit: true,
        enable_database_access: false,
        enable_team_id_clustername_prefix: true,
        super_username: "root_admin".to_string(),
        replication_username: "replicator".to_string(),
        protected_role_names: strings(&["admin", "cron_admin", "robot_zmon"]),
        enable_password_rotation: true,
        password_rotation_interval: 30,
        password_rotation_user_retention: 90,
        enable_cross_namespace_secret: true,
        infrastructure_roles_secret_name: Some(
            "operators/postgresql-infrastructure-roles".to_string(),
        ),
        infrastructure_roles_secrets: Some(InfrastructureRolesSecret {
            secret: "monitoring/monitoring-roles".to_string(),
            user_key: "user".to_string(),
            password_key: "password".to_string(),
            role_key: "inrole".to_string(),
            ..InfrastructureRolesSecret::default()
        }),
        additional_owner_roles: strings(&["cron_admin"]),
        pam_role_name: "humans".to_string(),
        pam_configuration: "https://auth.example.com/tokeninfo?access_token= uid realm=/staff"
            .to_string(),
        cluster_domain: "k8s.example.com".to_string(),
        cluster_labels: map(&[("application", "spilo"), ("team", "acid")]),
        cluster_name_label: "example.com/cluster".to_string(),
        pod_role_label: "role".to_string(),
        inherited_labels: strings(&["application", "environment"]),
        inherited_annotations: strings(&["owned-by"]),
        custom_pod_annotations: map(&[
            ("keya", "valuea"),
            ("example.com/url", "https://x.example.com"),
        ]),
        delete_annotation_date_key: some("delete-date"),
        delete_annotation_name_key: some("delete-clustername"),
        enable_owner_references: false,
        enable_finalizers: true,
        enable_secrets_deletion: false,
        enable_persistent_volume_claim_deletion: false,
        persistent_volume_claim_retention_policy: PvcRetentionPolicy {
            when_deleted: PvcRetention::Delete,
            when_scaled: PvcRetention::Retain,
        },
        storage_resize_mode: StorageResizeMode::Off,
        secret_name_template: "{username}.{cluster}.credentials".to_string(),
        pod_service_account_name: "postgres-sa".to_string(),
        pod_service_account_definition: "{\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"postgres-pod\"}, \"imagePullSecrets\": [{\"name\": \"registry\"}]}".to_string(),
        pod_service_account_role_binding_definition: "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"RoleBinding\", \"metadata\": {\"name\": \"postgres-pod-binding\"}, \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"postgres-pod\"}, \"subjects\": [{\"kind\": \"ServiceAccount\", \"name\": \"postgres-pod\"}]}".to_string(),
        pod_management_policy: PodManagementPolicy::Parallel,
        pod_terminate_grace_period: Duration::ZERO,
        pod_priority_class_name: some("postgres-pod-priority"),
        pod_environment_configmap: some("default/pod-env"),
        pod_environment_secret: some("pod-env-secret"),
        spilo_privileged: true,
        spilo_allow_privilege_escalation: false,
        spilo_runasuser: Some(101),
        spilo_runasgroup: Some(103),
        spilo_fsgroup: Some(103),
        enable_readiness_probe: true,
        additional_secret_mount: Some("aws-credentials".to_string()),
        additional_secret_mount_path: "/var/secrets/cloud".to_string(),
        kube_iam_role: "arn:aws:iam::123456789012:role/postgres".to_string(),
        additional_pod_capabilities: strings(&["SYS_NICE", "CHOWN"]),
        downscaler_annotations: strings(&["deployment-time", "downscaler/*"]),
        ignore_instance_limits_annotation_key: Some(
            "example.com/ignore-instance-limits".to_string(),
        ),
        ignore_resources_limits_annotation_key: Some(
            "example.com/ignore-resources-limits".to_string(),
        ),
        enable_sidecars: false,
        sidecar_docker_images: map(&[
            ("exporter", "registry.example/exporter:1.0"),
            ("audit", "registry.example/audit:2"),
        ]),
        share_pgsocket_with_sidecars: true,
        enable_init_containers: false,
        toleration: Some(Toleration {
            key: some("db-only"),
            operator: some("Exists"),
            value: None,
            effect: some("NoSchedule"),
        }),
        node_readiness_label: map(&[("status", "ready")]),
        node_readiness_label_merge: NodeReadinessLabelMerge::And,
        enable_pod_antiaffinity: true,
        pod_antiaffinity_topology_key: "topology.kubernetes.io/zone".to_string(),
        pod_antiaffinity_preferred_during_scheduling: true,
        enable_pod_disruption_budget: false,
        pdb_name_format: "{cluster}-pdb".to_string(),
        pdb_master_label_selector: false,
        master_pod_move_timeout: Duration::from_secs(30 * 60),
        default_cpu_request: some("200m"),
        default_cpu_limit: some("2"),
        default_memory_request: some("200Mi"),
        default_memory_limit: some("1Gi"),
        min_cpu_limit: some("500m"),
        min_memory_limit: some("512Mi"),
        max_cpu_request: some("4"),
        max_memory_request: some("8Gi"),
        patroni_api_check_interval: Duration::from_millis(500),
        patroni_api_check_timeout: Duration::from_secs(10),
        pod_label_wait_timeout: Duration::from_secs(5 * 60),
        pod_deletion_wait_timeout: Duration::from_secs(15 * 60),
        ready_wait_interval: Duration::from_secs(4),
        ready_wait_timeout: Duration::from_secs(60),
        resource_check_interval: Duration::from_secs(2),
        resource_check_timeout: Duration::from_secs(90 * 60),
        connection_pooler_image: "registry.example.com/pgbouncer:1.23".to_string(),
        connection_pooler_mode: pgctl_shared::config::PoolerMode::Session,
        major_version_upgrade_mode: pgctl_shared::config::MajorUpgradeMode::Full,
        major_version_upgrade_team_allow_list: strings(&["acid", "data"]),
        enable_maintenance_windows: false,
        maintenance_windows: strings(&["Sat:22:00-23:59", "Sun:00:00-01:00"]),
        minimal_major_version: 15,
        target_major_version: 17,
        connection_pooler_number_of_instances: 3,
        connection_pooler_max_db_connections: 90,
        connection_pooler_schema: "pgbouncer_auth".to_string(),
        connection_pooler_user: "bouncer".to_string(),
        connection_pooler_default_cpu_request: some("250m"),
        connection_pooler_default_memory_request: some("64Mi"),
        connection_pooler_default_cpu_limit: some("2"),
        connection_pooler_default_memory_limit: some("128Mi"),
        enable_master_pooler_load_balancer: true,
        enable_replica_pooler_load_balancer: true,
        custom_service_annotations: map(&[(
            "service.beta.kubernetes.io/aws-load-balancer-internal",
            "true",
        )]),
        wal_s3_bucket: "acid-wal".to_string(),
        wal_gs_bucket: "acid-wal-gs".to_string(),
        wal_az_storage_account: "acidwal".to_string(),
        gcp_credentials: "/var/secrets/google/key.json".to_string(),
        log_s3_bucket: "acid-logs".to_string(),
        logical_backup_docker_image: "registry.example.com/logical-backup:v2".to_string(),
        logical_backup_job_prefix: "dump-".to_string(),
        logical_backup_provider: LogicalBackupProvider::Gcs,
        logical_backup_schedule: "15 3 * * *".to_string(),
        logical_backup_s3_bucket: "acid-dumps".to_string(),
        logical_backup_s3_bucket_prefix: "dumps".to_string(),
        logical_backup_s3_endpoint: "https://s3.example.com".to_string(),
        logical_backup_s3_region: "eu-central-1".to_string(),
        logical_backup_s3_sse: "aws:kms".to_string(),
        logical_backup_s3_retention_time: "2 weeks".to_string(),
        logical_backup_s3_access_key_id: "AKIAEXAMPLE".to_string(),
        logical_backup_s3_secret_access_key: "not-a-real-secret".to_string(),
        logical_backup_google_application_credentials: "/var/secrets/google/dump.json".to_string(),
        logical_backup_azure_storage_account_name: "acidstore".to_string(),
        logical_backup_azure_storage_container: "dumps".to_string(),
        logical_backup_azure_storage_account_key: "not-a-real-key".to_string(),
        logical_backup_cpu_request: some("50m"),
        logical_backup_cpu_limit: some("1"),
        logical_backup_memory_request: some("64Mi"),
        logical_backup_memory_limit: some("512Mi"),
        logical_backup_cronjob_environment_secret: some("dump-credentials"),
        db_hosted_zone: "db.internal.example.com".to_string(),
        enable_master_load_balancer: true,
        enable_replica_load_balancer: true,
        external_traffic_policy: ExternalTrafficPolicy::Local,
        master_dns_name_format: "{cluster}.{team}.{hostedzone}".to_string(),
        replica_dns_name_format: "{cluster}-repl.{team}.{hostedzone}".to_string(),
        master_legacy_dns_name_format: "{cluster}.{namespace}.legacy.{hostedzone}".to_string(),
        replica_legacy_dns_name_format: "{cluster}-repl.{namespace}.legacy.{hostedzone}"
            .to_string(),
        data_digest: String::new(),
    }
}

#[test]
fn custom_fixture_parses_to_the_expected_config() {
    let loaded =
        OperatorConfig::from_config_map_data(&config_map_data(&fixture_text(CUSTOM_FIXTURE)))
            .expect("valid");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(settings(loaded.config), settings(custom_config()));
}

#[test]
fn custom_fixture_sets_every_implemented_key_to_a_non_default() {
    let fixture = config_map_data(&fixture_text(CUSTOM_FIXTURE));
    let custom = custom_config().to_config_map_data();
    let defaults = OperatorConfig::default().to_config_map_data();
    for key in implemented_keys() {
        assert!(
            fixture.contains_key(*key),
            "{key} is missing from the custom fixture"
        );
        assert_ne!(custom[*key], defaults[*key], "{key} has its default value");
    }
}

#[test]
fn custom_config_round_trips() {
    let custom = custom_config();
    let rendered = custom.to_config_map_data();
    let loaded = OperatorConfig::from_config_map_data(&rendered).expect("valid");
    assert_eq!(settings(loaded.config), settings(custom));
    assert!(loaded.warnings.is_empty());
    assert_eq!(rendered["resync_period"], "1h30m");
    assert_eq!(rendered["patroni_api_check_interval"], "500ms");
    assert_eq!(rendered["pod_terminate_grace_period"], "0s");
    assert_eq!(rendered["watched_namespace"], "team-a,team-b");
    assert_eq!(
        rendered["toleration"],
        "key:db-only,operator:Exists,effect:NoSchedule"
    );
    assert_eq!(
        rendered["persistent_volume_claim_retention_policy"],
        "when_deleted:delete,when_scaled:retain"
    );
}

// ---------------------------------------------------------------------------------------------
// Accepted spellings

#[test]
fn durations_booleans_and_lists_in_their_usual_spellings() {
    let c = parse(&[
        ("resync_period", " 5m0s "),
        ("repair_period", "1.5h"),
        ("ready_wait_timeout", "500ms"),
        ("pod_terminate_grace_period", "90s"),
        ("enable_shm_volume", "FALSE"),
        ("enable_pod_antiaffinity", " True "),
        ("cluster_labels", " application : spilo , team:acid ,"),
        ("protected_role_names", "admin,,cron_admin, admin"),
        ("inherited_labels", ""),
        ("storage_resize_mode", "EBS"),
        ("external_traffic_policy", "local"),
        ("max_instances", "+3"),
    ])
    .expect("valid");
    assert_eq!(c.resync_period, Duration::from_secs(300));
    assert_eq!(c.repair_period, Duration::from_secs(5400));
    assert_eq!(c.ready_wait_timeout, Duration::from_millis(500));
    assert_eq!(c.pod_terminate_grace_period, Duration::from_secs(90));
    assert!(!c.enable_shm_volume);
    assert!(c.enable_pod_antiaffinity);
    assert_eq!(
        c.cluster_labels,
        data(&[("application", "spilo"), ("team", "acid")])
    );
    assert_eq!(c.protected_role_names, ["admin", "cron_admin"]);
    assert!(c.inherited_labels.is_empty());
    assert_eq!(c.storage_resize_mode, StorageResizeMode::Ebs);
    assert_eq!(c.external_traffic_policy, ExternalTrafficPolicy::Local);
    assert_eq!(c.max_instances, 3);
}

#[test]
fn empty_optional_values_mean_none() {
    let c = parse(&[
        ("default_cpu_limit", ""),
        ("toleration", ""),
        ("delete_annotation_date_key", "  "),
        ("etcd_host", ""),
    ])
    .expect("valid");
    assert_eq!(c.default_cpu_limit, None);
    assert_eq!(c.toleration, None);
    assert_eq!(c.delete_annotation_date_key, None);
    assert_eq!(c.etcd_host, "");
}

#[test]
fn toleration_parses_into_a_kubernetes_toleration() {
    let c = parse(&[(
        "toleration",
        "key:dedicated,operator:Equal,value:postgres,effect:NoExecute",
    )])
    .expect("valid");
    let toleration = c.toleration.expect("set").to_k8s();
    assert_eq!(toleration.key.as_deref(), Some("dedicated"));
    assert_eq!(toleration.operator.as_deref(), Some("Equal"));
    assert_eq!(toleration.value.as_deref(), Some("postgres"));
    assert_eq!(toleration.effect.as_deref(), Some("NoExecute"));
    assert_eq!(toleration.toleration_seconds, None);
}

// ---------------------------------------------------------------------------------------------
// Errors: each message names the key, the value and what is expected

#[test]
fn bad_duration() {
    assert_eq!(
        error_message(&[("resync_period", "30 minutes")]),
        r#"config key "resync_period": invalid duration "30 minutes" (expected e.g. "30m", "10s", "1h30m")"#
    );
    assert_eq!(
        error_message(&[("patroni_api_check_timeout", "5")]),
        r#"config key "patroni_api_check_timeout": invalid duration "5" (expected e.g. "30m", "10s", "1h30m")"#
    );
}

#[test]
fn zero_and_negative_durations() {
    assert_eq!(
        error_message(&[("repair_period", "0s")]),
        r#"config key "repair_period": invalid duration "0s": must be greater than zero (expected e.g. "30m", "10s", "1h30m")"#
    );
    assert_eq!(
        error_message(&[("ready_wait_timeout", "-5s")]),
        r#"config key "ready_wait_timeout": invalid duration "-5s": must not be negative (expected e.g. "30m", "10s", "1h30m")"#
    );
}

#[test]
fn bad_boolean() {
    assert_eq!(
        error_message(&[("enable_shm_volume", "yes")]),
        r#"config key "enable_shm_volume": invalid boolean "yes" (expected "true" or "false")"#
    );
}

#[test]
fn bad_integers() {
    assert_eq!(
        error_message(&[("workers", "eight")]),
        r#"config key "workers": invalid integer "eight" (expected a whole number >= 1)"#
    );
    assert_eq!(
        error_message(&[("workers", "0")]),
        r#"config key "workers": invalid integer "0": too small (expected a whole number >= 1)"#
    );
    assert_eq!(
        error_message(&[("min_instances", "-2")]),
        r#"config key "min_instances": invalid integer "-2": too small (expected a whole number >= -1)"#
    );
}

#[test]
fn bad_label_maps() {
    assert_eq!(
        error_message(&[("cluster_labels", "application=spilo")]),
        r#"config key "cluster_labels": invalid label map "application=spilo": entry "application=spilo" has no ":" (expected comma-separated key:value pairs, e.g. "application:spilo,team:acid")"#
    );
    assert_eq!(
        error_message(&[("cluster_labels", "application:spilo,Bad Key:x")]),
        r#"config key "cluster_labels": invalid label map "application:spilo,Bad Key:x": "Bad Key" is not a valid label key (expected comma-separated key:value pairs, e.g. "application:spilo,team:acid")"#
    );
    assert_eq!(
        error_message(&[("node_readiness_label", "status:ready,status:up")]),
        r#"config key "node_readiness_label": invalid label map "status:ready,status:up": key "status" appears more than once (expected comma-separated key:value pairs, e.g. "application:spilo,team:acid")"#
    );
    assert_eq!(
        error_message(&[("cluster_labels", "team:a b")]),
        r#"config key "cluster_labels": invalid label map "team:a b": "a b" (of "team") is not a valid label value (expected comma-separated key:value pairs, e.g. "application:spilo,team:acid")"#
    );
}

#[test]
fn bad_label_key_and_list() {
    assert_eq!(
        error_message(&[("cluster_name_label", "Cluster Name")]),
        r#"config key "cluster_name_label": invalid label key "Cluster Name" (expected a Kubernetes label key such as "cluster-name" or "example.com/team")"#
    );
    assert_eq!(
        error_message(&[("inherited_labels", "environment,Bad Key")]),
        r#"config key "inherited_labels": invalid label key list "environment,Bad Key": "Bad Key" is not a valid label key (expected comma-separated label keys, e.g. "application,environment")"#
    );
}

#[test]
fn bad_quantity() {
    assert_eq!(
        error_message(&[("default_memory_limit", "1 GB")]),
        r#"config key "default_memory_limit": invalid quantity "1 GB" (expected a Kubernetes quantity such as "100m", "1", "500Mi", "2Gi")"#
    );
}

#[test]
fn bad_policy_values() {
    assert_eq!(
        error_message(&[("pod_management_policy", "OrderedReady")]),
        r#"config key "pod_management_policy": invalid pod management policy "OrderedReady" (expected one of "ordered_ready", "parallel")"#
    );
    assert_eq!(
        error_message(&[("storage_resize_mode", "resize")]),
        r#"config key "storage_resize_mode": invalid storage resize mode "resize" (expected one of "pvc", "ebs", "mixed", "off")"#
    );
    assert_eq!(
        error_message(&[("external_traffic_policy", "Everywhere")]),
        r#"config key "external_traffic_policy": invalid external traffic policy "Everywhere" (expected one of "Cluster", "Local")"#
    );
}

#[test]
fn bad_retention_policy() {
    assert_eq!(
        error_message(&[(
            "persistent_volume_claim_retention_policy",
            "when_deleted:keep"
        )]),
        r#"config key "persistent_volume_claim_retention_policy": invalid retention policy "when_deleted:keep": when_deleted must be "retain" or "delete", not "keep" (expected "when_deleted:retain|delete,when_scaled:retain|delete")"#
    );
    assert_eq!(
        error_message(&[(
            "persistent_volume_claim_retention_policy",
            "when_removed:retain"
        )]),
        r#"config key "persistent_volume_claim_retention_policy": invalid retention policy "when_removed:retain": unknown field "when_removed", only "when_deleted" and "when_scaled" exist (expected "when_deleted:retain|delete,when_scaled:retain|delete")"#
    );
}

#[test]
fn bad_toleration() {
    let expected = r#"(expected key:value pairs of the fields key, operator, value and effect, e.g. "key:db-only,operator:Exists,effect:NoSchedule")"#;
    assert_eq!(
        error_message(&[("toleration", "key:db-only,operator:Exist")]),
        format!(
            r#"config key "toleration": invalid toleration "key:db-only,operator:Exist": operator must be one of "Exists", "Equal", not "Exist" {expected}"#
        )
    );
    assert_eq!(
        error_message(&[("toleration", "key:db-only,operator:Exists,value:yes")]),
        format!(
            r#"config key "toleration": invalid toleration "key:db-only,operator:Exists,value:yes": operator "Exists" takes no value {expected}"#
        )
    );
    assert_eq!(
        error_message(&[("toleration", "keys:db-only")]),
        format!(
            r#"config key "toleration": invalid toleration "keys:db-only": unknown field "keys" {expected}"#
        )
    );
}

#[test]
fn bad_templates() {
    assert_eq!(
        error_message(&[("secret_name_template", "{username}.{clustr}.credentials")]),
        r#"config key "secret_name_template": invalid name template "{username}.{clustr}.credentials": unknown placeholder {clustr} (expected a template with {username} and {cluster} and optionally {tprkind}, {tprgroup})"#
    );
    assert_eq!(
        error_message(&[("secret_name_template", "{username}_{cluster}")]),
        r#"config key "secret_name_template": invalid name template "{username}_{cluster}": names made from it, such as "user_cluster", are not valid Kubernetes names (expected a template with {username} and {cluster} and optionally {tprkind}, {tprgroup})"#
    );
    assert_eq!(
        error_message(&[("pdb_name_format", "postgres-pdb")]),
        r#"config key "pdb_name_format": invalid name template "postgres-pdb": placeholder {cluster} is missing (expected a template with {cluster} and no other placeholder)"#
    );
    assert_eq!(
        error_message(&[("master_dns_name_format", "{cluster.{hostedzone}")]),
        r#"config key "master_dns_name_format": invalid DNS name template "{cluster.{hostedzone}": a "{" is not closed (expected a template with {cluster} and optionally {namespace}, {team}, {hostedzone})"#
    );
}

#[test]
fn bad_watched_namespace() {
    let expected = r#"(expected "*" for all namespaces or comma-separated namespace names, e.g. "default,team-a")"#;
    assert_eq!(
        error_message(&[("watched_namespace", "team-a,Team_B")]),
        format!(
            r#"config key "watched_namespace": invalid namespace list "team-a,Team_B": "Team_B" is not a valid namespace name {expected}"#
        )
    );
    assert_eq!(
        error_message(&[("watched_namespace", "")]),
        format!(
            r#"config key "watched_namespace": invalid namespace list "": empty; pgctl does not fall back to its own namespace, name the namespaces or use "*" {expected}"#
        )
    );
    assert_eq!(
        error_message(&[("watched_namespace", "*,default")]),
        format!(
            r#"config key "watched_namespace": invalid namespace list "*,default": "*" cannot be combined with namespace names {expected}"#
        )
    );
}

#[test]
fn empty_required_value() {
    assert_eq!(
        error_message(&[("docker_image", " ")]),
        r#"config key "docker_image": invalid image "": must not be empty (expected a container image such as "ghcr.io/zalando/spilo-18:4.1-p2")"#
    );
}

#[test]
fn inconsistent_values() {
    assert_eq!(
        error_message(&[("min_instances", "5"), ("max_instances", "3")]),
        r#"config key "min_instances": value "5" is greater than max_instances "3""#
    );
    assert_eq!(
        error_message(&[("replication_username", "postgres")]),
        r#"config key "replication_username": value "postgres" is also super_username; the two roles must differ"#
    );
    // -1 switches a bound off.
    assert!(parse(&[("min_instances", "5"), ("max_instances", "-1")]).is_ok());
}

#[test]
fn every_bad_value_is_reported_in_key_order() {
    let error = parse(&[
        ("workers", "many"),
        ("enable_shm_volume", "yes"),
        ("resync_period", "soon"),
        ("docker_image", "ok"),
    ])
    .expect_err("invalid");
    assert_eq!(
        error.to_string(),
        concat!(
            r#"3 invalid configuration values: "#,
            r#"config key "enable_shm_volume": invalid boolean "yes" (expected "true" or "false"); "#,
            r#"config key "resync_period": invalid duration "soon" (expected e.g. "30m", "10s", "1h30m"); "#,
            r#"config key "workers": invalid integer "many" (expected a whole number >= 1)"#
        )
    );
    let keys: Vec<&str> = error.errors().iter().filter_map(|e| e.key()).collect();
    assert_eq!(keys, ["enable_shm_volume", "resync_period", "workers"]);
    // A single error is not wrapped.
    let single = parse(&[("workers", "many")]).expect_err("invalid");
    assert!(matches!(single, ConfigError::InvalidValue(_)));
    assert_eq!(single.key(), Some("workers"));
}

// ---------------------------------------------------------------------------------------------
// Warnings

#[test]
fn unknown_key_warns_with_a_suggestion() {
    assert_eq!(
        warnings(&[("resync_perod", "30m")]),
        [
            r#"config key "resync_perod" is unknown and has no effect (did you mean "resync_period"?)"#
        ]
    );
    assert_eq!(
        warnings(&[("enable-owner-references", "true")]),
        [
            r#"config key "enable-owner-references" is unknown and has no effect (did you mean "enable_owner_references"?)"#
        ]
    );
    assert_eq!(
        warnings(&[("WORKERS", "4")]),
        [r#"config key "WORKERS" is unknown and has no effect (did you mean "workers"?)"#]
    );
}

#[test]
fn unknown_key_far_from_any_known_key_warns_without_suggestion() {
    assert_eq!(
        warnings(&[("favourite_colour", "blue")]),
        [r#"config key "favourite_colour" is unknown and has no effect"#]
    );
}

#[test]
fn not_implemented_key_warns_and_never_fails() {
    let loaded = OperatorConfig::from_config_map_data(&data(&[
        ("teams_api_url", "anything at all: even {this}"),
        ("api_port", "not a number"),
    ]))
    .expect("not implemented keys are never errors");
    assert_eq!(settings(loaded.config), OperatorConfig::default());
    let messages: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            r#"config key "api_port" is not implemented by pgctl and has no effect"#,
            r#"config key "teams_api_url" is not implemented by pgctl and has no effect"#,
        ]
    );
    assert_eq!(loaded.warnings[0].key(), "api_port");
}

#[test]
fn short_password_retention_is_raised_with_a_warning() {
    let loaded = OperatorConfig::from_config_map_data(&data(&[
        ("password_rotation_interval", "30"),
        ("password_rotation_user_retention", "30"),
    ]))
    .expect("valid");
    assert_eq!(loaded.config.password_rotation_user_retention, 60);
    assert_eq!(
        loaded.warnings,
        [ConfigWarning::Adjusted {
            key: "password_rotation_user_retention".to_string(),
            value: "30".to_string(),
            adjusted: "60".to_string(),
            reason: "must be at least twice password_rotation_interval".to_string(),
        }]
    );
    assert_eq!(
        loaded.warnings[0].to_string(),
        r#"config key "password_rotation_user_retention": value "30" raised to "60" (must be at least twice password_rotation_interval)"#
    );
}

// ---------------------------------------------------------------------------------------------
// WATCHED_NAMESPACE

#[test]
fn watched_namespace_override() {
    let from_map = parse(&[("watched_namespace", "team-a")]).expect("valid");
    assert_eq!(
        from_map.watched_namespace,
        WatchedNamespaces::Some(vec!["team-a".to_string()])
    );

    let unset = from_map
        .clone()
        .with_watched_namespace_override(None)
        .expect("valid");
    assert_eq!(unset.watched_namespace, from_map.watched_namespace);

    let all = from_map
        .clone()
        .with_watched_namespace_override(Some("*"))
        .expect("valid");
    assert_eq!(all.watched_namespace, WatchedNamespaces::All);
    assert!(all.watched_namespace.contains("anything"));

    let some = OperatorConfig::default()
        .with_watched_namespace_override(Some(" a, b ,a "))
        .expect("valid");
    assert_eq!(
        some.watched_namespace,
        WatchedNamespaces::Some(vec!["a".to_string(), "b".to_string()])
    );
    assert!(some.watched_namespace.contains("b"));
    assert!(!some.watched_namespace.contains("c"));
}

#[test]
fn bad_watched_namespace_override_names_the_variable() {
    let error = OperatorConfig::default()
        .with_watched_namespace_override(Some("Prod"))
        .expect_err("invalid");
    assert_eq!(
        error.to_string(),
        r#"environment variable "WATCHED_NAMESPACE": invalid namespace list "Prod": "Prod" is not a valid namespace name (expected "*" for all namespaces or comma-separated namespace names, e.g. "default,team-a")"#
    );
    let error = OperatorConfig::default()
        .with_watched_namespace_override(Some(""))
        .expect_err("invalid");
    assert!(
        error.to_string().starts_with(
            r#"environment variable "WATCHED_NAMESPACE": invalid namespace list "": empty"#
        ),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers for the builders

#[test]
fn secret_names() {
    let c = OperatorConfig::default();
    assert_eq!(
        c.secret_name("foo_user", "acid-x"),
        "foo-user.acid-x.credentials.postgresql.acid.zalan.do"
    );
    assert_eq!(
        c.secret_name("Zalando$Robot", "acid-x"),
        "zalando-robot.acid-x.credentials.postgresql.acid.zalan.do"
    );
    assert_eq!(
        c.secret_name("postgres", "acid-minimal-cluster"),
        "postgres.acid-minimal-cluster.credentials.postgresql.acid.zalan.do"
    );
    let custom =
        parse(&[("secret_name_template", "{cluster}-{username}-{tprkind}")]).expect("valid");
    assert_eq!(
        custom.secret_name("app_user", "acid-x"),
        "acid-x-app-user-postgresql"
    );
}

#[test]
fn pdb_and_dns_names() {
    let c = OperatorConfig::default();
    assert_eq!(c.pdb_name("acid-x"), "postgres-acid-x-pdb");
    assert_eq!(
        c.master_dns_name("acid-x", "default", "acid"),
        "acid-x.default.db.example.com"
    );
    assert_eq!(
        c.replica_dns_name("acid-x", "default", "acid"),
        "acid-x-repl.default.db.example.com"
    );
    assert_eq!(
        c.master_legacy_dns_name("x", "default", "ACID"),
        "x.acid.db.example.com"
    );
    assert_eq!(
        c.replica_legacy_dns_name("x", "default", "acid"),
        "x-repl.acid.db.example.com"
    );
}

#[test]
fn instance_bounds() {
    let c = parse(&[("min_instances", "2"), ("max_instances", "4")]).expect("valid");
    assert_eq!(c.clamp_instances(1), 2);
    assert_eq!(c.clamp_instances(3), 3);
    assert_eq!(c.clamp_instances(7), 4);
    assert_eq!(OperatorConfig::default().clamp_instances(9), 9);
}

// ---------------------------------------------------------------------------------------------
// Documentation

const BEGIN_GENERATED: &str = "<!-- BEGIN GENERATED: config keys (shared/tests/config.rs) -->";
const END_GENERATED: &str = "<!-- END GENERATED: config keys -->";

/// `docs/config.md` carries the generated key tables. Run with `PGCTL_BLESS_DOCS=1` to rewrite
/// them after changing the registry.
#[test]
fn docs_list_every_key_as_the_code_does() {
    let Ok(mut docs) = std::fs::read_to_string(DOCS) else {
        println!("SKIPPED: {DOCS} is absent");
        return;
    };
    let begin = docs
        .find(BEGIN_GENERATED)
        .expect("begin marker in docs/config.md");
    let end = docs
        .find(END_GENERATED)
        .expect("end marker in docs/config.md");
    let generated = format!("\n{}\n", key_docs_markdown());
    let current = &docs[begin + BEGIN_GENERATED.len()..end];
    if current != generated {
        if std::env::var_os("PGCTL_BLESS_DOCS").is_some() {
            let updated = format!(
                "{}{generated}{}",
                &docs[..begin + BEGIN_GENERATED.len()],
                &docs[end..]
            );
            std::fs::write(DOCS, &updated).expect("write docs/config.md");
            docs = updated;
        } else {
            panic!(
                "docs/config.md is out of date with the key registry; \
                 rerun with PGCTL_BLESS_DOCS=1 to regenerate the tables"
            );
        }
    }
    for key in reference_keys() {
        assert!(
            docs.contains(&format!("`{key}`")),
            "{key} is not documented"
        );
    }
    for (key, reference, ours) in DEFAULT_DEVIATIONS {
        assert!(
            docs.contains(&format!("| `{key}` | `{reference}` | `{ours}` |")),
            "the deviation of {key} is not documented"
        );
    }
    assert!(docs.contains("WATCHED_NAMESPACE"));
}

#[test]
fn only_keys_that_shape_the_watches_restart_them() {
    let base = parse(&[("watched_namespace", "team-a")]).expect("valid");
    for (key, value) in [
        ("watched_namespace", "team-a,team-b"),
        ("cluster_labels", "application:spilo,environment:test"),
        ("cluster_name_label", "cluster"),
        ("enable_cross_namespace_secret", "true"),
        ("workers", "16"),
    ] {
        let new = parse(&[("watched_namespace", "team-a"), (key, value)]).expect("valid");
        assert!(base.changes_watches(&new), "{key}: {value}");
    }
    for (key, value) in [
        ("docker_image", "registry.example/spilo:next"),
        ("resync_period", "10m"),
        ("enable_pod_antiaffinity", "true"),
    ] {
        let new = parse(&[("watched_namespace", "team-a"), (key, value)]).expect("valid");
        assert!(!base.changes_watches(&new), "{key}: {value}");
    }
    assert!(!base.changes_watches(&base.clone()));
}

#[test]
fn an_infrastructure_roles_definition_is_checked_field_by_field() {
    let c = parse(&[(
        "infrastructure_roles_secrets",
        "secretname:monitoring-roles, userkey:user, passwordkey:password, rolekey:inrole",
    )])
    .expect("valid");
    let def = c.infrastructure_roles_secrets.expect("a definition");
    // A bare name is in namespace `default`, as the reference reads this key.
    assert_eq!(def.namespace_and_name(), ("default", "monitoring-roles"));
    assert_eq!(
        (
            def.user_key.as_str(),
            def.password_key.as_str(),
            def.role_key.as_str()
        ),
        ("user", "password", "inrole")
    );
    for (value, problem) in [
        ("userkey:user,passwordkey:password", "secretname is missing"),
        ("secretname:r,userkey:user", "passwordkey is missing"),
        ("secretname:r,passwordkey:p", "userkey or defaultuservalue"),
        (
            "secretname:r,userkey:u,passwordkey:p,details:x",
            "unknown field \"details\"",
        ),
        (
            "secretname:Bad_Name,userkey:u,passwordkey:p",
            "is not a Secret name",
        ),
    ] {
        let message = error_message(&[("infrastructure_roles_secrets", value)]);
        assert!(
            message.contains("infrastructure_roles_secrets") && message.contains(problem),
            "{value}: {message}"
        );
    }
    let message = error_message(&[("infrastructure_roles_secret_name", "a/b/c")]);
    assert!(
        message.contains("infrastructure_roles_secret_name"),
        "{message}"
    );
}

#[test]
fn object_definitions_must_decode_as_their_kind() {
    let c = parse(&[(
        "pod_service_account_definition",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: postgres-pod}\nimagePullSecrets: [{name: registry}]",
    )])
    .expect("valid");
    assert!(
        c.pod_service_account_definition
            .contains("imagePullSecrets")
    );
    for (key, value, problem) in [
        (
            "pod_service_account_definition",
            r#"{"apiVersion": "v1", "kind": "Secret"}"#,
            "its kind is \"Secret\", not ServiceAccount",
        ),
        (
            "pod_service_account_role_binding_definition",
            "kind: RoleBinding\nroleRef: 3",
            "RoleBinding definition",
        ),
        (
            "pod_service_account_definition",
            "{not yaml",
            "ServiceAccount definition",
        ),
    ] {
        let message = error_message(&[(key, value)]);
        assert!(
            message.contains(key) && message.contains(problem),
            "{value}: {message}"
        );
    }
}
