//! Real manifests parse, validate and round-trip; broken ones are reported precisely.

use std::path::{Path, PathBuf};

mod common;

use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::{self, DocumentContent, ParsedPostgresql};
use pgctl_shared::validate::{self, Problem, Severity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse_one(text: &str) -> ParsedPostgresql {
    let mut docs = manifest::parse_stream(text);
    let doc = docs
        .iter_mut()
        .find(|d| !matches!(d.content, DocumentContent::Empty))
        .expect("a document");
    match std::mem::replace(&mut doc.content, DocumentContent::Empty) {
        DocumentContent::Postgresql(parsed) => *parsed,
        other => panic!("not a postgresql: {other:?}"),
    }
}

/// Parse → validate (no errors, no unknown fields) → serialise → parse gives the same value.
fn check_accepted(path: &Path) {
    let text = std::fs::read_to_string(path).expect("readable manifest");
    let parsed = parse_one(&text);
    assert!(
        parsed.unknown_fields.is_empty(),
        "{}: {:?}",
        path.display(),
        parsed.unknown_fields
    );
    let problems = validate::validate(&parsed.resource, &[], None, &OperatorConfig::default());
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    let yaml = serde_yaml::to_string(&parsed.resource).expect("serialises");
    let again = parse_one(&yaml);
    assert_eq!(
        parsed.resource,
        again.resource,
        "{} does not round-trip",
        path.display()
    );
    assert!(again.unknown_fields.is_empty());
}

#[test]
fn project_fixtures_are_accepted_and_round_trip() {
    for name in ["minimal", "complete", "standby", "lowest-version"] {
        check_accepted(&root().join(format!("tests/fixtures/{name}.yaml")));
    }
}

#[test]
fn reference_manifests_are_accepted_and_round_trip() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let mut seen = 0;
    for name in [
        "minimal-postgres-manifest.yaml",
        "minimal-postgres-lowest-version-manifest.yaml",
        "complete-postgres-manifest.yaml",
        "standby-manifest.yaml",
    ] {
        check_accepted(&dir.join(name));
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn complete_fixture_sets_every_spec_field() {
    // Serialising skips unset options, so every top-level field of the spec shows up only
    // when the fixture sets it; compare against the CRD's list of spec properties.
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/complete.yaml")).expect("fixture");
    let parsed = parse_one(&text);
    let json = serde_json::to_value(&parsed.resource.spec).expect("serialises");
    let set: Vec<&String> = json.as_object().expect("object").keys().collect();
    let crd = pgctl_shared::crd::crd();
    let schema = crd.spec.versions[0]
        .schema
        .as_ref()
        .and_then(|s| s.open_api_v3_schema.as_ref())
        .expect("schema");
    let spec = &schema.properties.as_ref().expect("properties")["spec"];
    let deprecated = [
        "useLoadBalancer",
        "replicaLoadBalancer",
        "pod_priority_class_name",
        "standby",
    ];
    for field in spec.properties.as_ref().expect("spec properties").keys() {
        if deprecated.contains(&field.as_str()) {
            continue;
        }
        assert!(
            set.contains(&field),
            "complete.yaml does not set spec.{field}"
        );
    }
}

// ----- negative cases: each asserts the exact path, severity and message -----

const BASE: &str = r#"
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: acid-test
spec:
  teamId: acid
  numberOfInstances: 2
  volume:
    size: 1Gi
  postgresql:
    version: "17"
  users:
    app: [createdb]
  databases:
    appdb: app
"#;

/// Replaces `from` with `to` in the base manifest and returns the problems.
fn problems_after(from: &str, to: &str) -> Vec<Problem> {
    problems_with(from, to, &OperatorConfig::default())
}

fn problems_with(from: &str, to: &str, config: &OperatorConfig) -> Vec<Problem> {
    assert!(BASE.contains(from), "base manifest lacks {from:?}");
    let text = BASE.replacen(from, to, 1);
    let parsed = parse_one(&text);
    validate::validate(&parsed.resource, &parsed.unknown_fields, None, config)
}

fn expect(problems: &[Problem], field: &str, severity: Severity, message: &str) {
    let found = problems
        .iter()
        .any(|p| p.field == field && p.severity == severity && p.message == message);
    assert!(
        found,
        "expected {field}: {severity}: {message}\n got: {:#?}",
        problems
    );
}

#[test]
fn base_manifest_is_clean() {
    assert_eq!(problems_after("app", "app"), vec![]);
}

#[test]
fn contradictory_login_flags() {
    let p = problems_after("app: [createdb]", "app: [login, NOLOGIN]");
    expect(
        &p,
        "spec.users.app",
        Severity::Error,
        "contradictory flags \"login\" and \"nologin\"",
    );
}

#[test]
fn contradictory_superuser_flags() {
    let p = problems_after("app: [createdb]", "app: [superuser, nosuperuser]");
    expect(
        &p,
        "spec.users.app",
        Severity::Error,
        "contradictory flags \"superuser\" and \"nosuperuser\"",
    );
}

#[test]
fn unknown_role_flag() {
    let p = problems_after("app: [createdb]", "app: [createdb, admin]");
    expect(
        &p,
        "spec.users.app[1]",
        Severity::Error,
        "unknown role flag \"admin\" (allowed: bypassrls, nobypassrls, createdb, nocreatedb, createrole, nocreaterole, inherit, noinherit, login, nologin, replication, noreplication, superuser, nosuperuser)",
    );
}

#[test]
fn user_name_with_capitals() {
    let p = problems_after("app: [createdb]", "App: []");
    expect(
        &p,
        "spec.users.App",
        Severity::Error,
        "invalid user name \"App\": use lower-case letters, digits, '-' and '_', starting and ending with a letter or digit (\"namespace.user\" for a user in another namespace)",
    );
}

#[test]
fn user_name_ending_with_underscore() {
    let p = problems_after("app: [createdb]", "app_: []");
    assert!(
        p.iter()
            .any(|p| p.field == "spec.users.app_" && p.severity == Severity::Error)
    );
}

#[test]
fn dotted_user_name_is_accepted() {
    let p = problems_after("app: [createdb]", "app: []\n    other-ns.app: []");
    assert!(!validate::has_errors(&p), "{p:#?}");
}

fn cross_namespace() -> OperatorConfig {
    OperatorConfig {
        enable_cross_namespace_secret: true,
        ..OperatorConfig::default()
    }
}

#[test]
fn cross_namespace_user_needs_a_valid_namespace() {
    let config = cross_namespace();
    let p = problems_with("app: [createdb]", "app: []\n    other_ns.app: []", &config);
    expect(
        &p,
        "spec.users.other_ns.app",
        Severity::Error,
        "\"other_ns\" is not a valid namespace name, and enable_cross_namespace_secret puts the Secret of user \"other_ns.app\" in the namespace named before the first '.': use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    );
    let long = format!("app: []\n    {}.app: []", "n".repeat(64));
    let p = problems_with("app: [createdb]", &long, &config);
    assert!(validate::has_errors(&p), "{p:#?}");
    let p = problems_with(
        "app: [createdb]",
        "app: []\n    other-ns.app_user: []",
        &config,
    );
    assert!(!validate::has_errors(&p), "{p:#?}");
    // With the option off the dotted name is an ordinary role name.
    let p = problems_after("app: [createdb]", "app: []\n    other_ns.app: []");
    assert!(!validate::has_errors(&p), "{p:#?}");
}

#[test]
fn prepared_secret_namespace_is_checked() {
    let prepared = "app: [createdb]\n  preparedDatabases:\n    shop:\n      secretNamespace: Shop_NS\n      defaultUsers: true";
    let p = problems_with("app: [createdb]", prepared, &cross_namespace());
    expect(
        &p,
        "spec.preparedDatabases.shop.secretNamespace",
        Severity::Error,
        "\"Shop_NS\" is not a valid namespace name: use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    );
    // Without the option the field has no effect and is not checked.
    let p = problems_after("app: [createdb]", prepared);
    assert!(
        !p.iter().any(|p| p.field.contains("secretNamespace")),
        "{p:#?}"
    );
}

#[test]
fn user_named_like_the_superuser() {
    let p = problems_after("app: [createdb]", "app: []\n    postgres: []");
    expect(
        &p,
        "spec.users.postgres",
        Severity::Error,
        "user \"postgres\" collides with the superuser (super_username) of the operator",
    );
}

#[test]
fn user_named_like_the_replication_user() {
    let p = problems_after("app: [createdb]", "app: []\n    standby: []");
    expect(
        &p,
        "spec.users.standby",
        Severity::Error,
        "user \"standby\" collides with the replication user (replication_username) of the operator",
    );
}

#[test]
fn user_named_like_a_protected_role() {
    let p = problems_after("app: [createdb]", "app: []\n    admin: []");
    expect(
        &p,
        "spec.users.admin",
        Severity::Error,
        "user \"admin\" collides with a protected role (protected_role_names) of the operator",
    );
}

#[test]
fn users_sharing_a_secret_name() {
    let p = problems_after(
        "app: [createdb]",
        "app: []\n    foo_user: []\n    foo-user: []",
    );
    expect(
        &p,
        "spec.users.foo_user",
        Severity::Error,
        "users \"foo-user\" and \"foo_user\" would share the Secret \"foo-user.acid-test.credentials.postgresql.acid.zalan.do\"; rename one of them",
    );
}

#[test]
fn cluster_name_not_dns_1035() {
    let p = problems_after("name: acid-test", "name: Acid_Test");
    expect(
        &p,
        "metadata.name",
        Severity::Error,
        "\"Acid_Test\" is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit)",
    );
}

#[test]
fn cluster_name_too_long_for_derived_names() {
    let long = format!("acid-{}", "x".repeat(50));
    let p = problems_after("name: acid-test", &format!("name: {long}"));
    expect(
        &p,
        "metadata.name",
        Severity::Error,
        &format!(
            "name is too long: the pod revision label \"{long}-hhhhhhhhhh\" would have 66 characters, more than the 63 allowed; shorten the name to at most 52 characters"
        ),
    );
}

#[test]
fn team_prefix_required_when_configured() {
    let config = OperatorConfig {
        enable_team_id_clustername_prefix: true,
        ..OperatorConfig::default()
    };
    let p = problems_with("name: acid-test", "name: other-test", &config);
    expect(
        &p,
        "metadata.name",
        Severity::Error,
        "name must start with the team id and a dash (\"acid-\") because enable_team_id_clustername_prefix is on",
    );
    assert!(!validate::has_errors(&problems_with("app", "app", &config)));
}

#[test]
fn instances_above_max_instances() {
    let config = OperatorConfig {
        max_instances: 3,
        ..OperatorConfig::default()
    };
    let p = problems_with("numberOfInstances: 2", "numberOfInstances: 5", &config);
    expect(
        &p,
        "spec.numberOfInstances",
        Severity::Error,
        "5 is above max_instances (3) of the operator configuration",
    );
}

#[test]
fn instances_below_min_instances() {
    let config = OperatorConfig {
        min_instances: 2,
        ..OperatorConfig::default()
    };
    let p = problems_with("numberOfInstances: 2", "numberOfInstances: 1", &config);
    expect(
        &p,
        "spec.numberOfInstances",
        Severity::Error,
        "1 is below min_instances (2) of the operator configuration",
    );
}

#[test]
fn negative_instances() {
    let p = problems_after("numberOfInstances: 2", "numberOfInstances: -1");
    expect(
        &p,
        "spec.numberOfInstances",
        Severity::Error,
        "must be 0 or more, got -1",
    );
}

#[test]
fn volume_shrink_is_refused() {
    let old = parse_one(BASE).resource;
    let new = parse_one(&BASE.replacen("size: 1Gi", "size: 500Mi", 1)).resource;
    let p = validate::validate(&new, &[], Some(&old.spec), &OperatorConfig::default());
    expect(
        &p,
        "spec.volume.size",
        Severity::Error,
        "cannot shrink the volume from 1Gi to 500Mi: persistent volumes only grow",
    );
    let grown = parse_one(&BASE.replacen("size: 1Gi", "size: 2Gi", 1)).resource;
    assert!(!validate::has_errors(&validate::validate(
        &grown,
        &[],
        Some(&old.spec),
        &OperatorConfig::default()
    )));
}

#[test]
fn unknown_field_with_suggestion() {
    let p = problems_after(
        "numberOfInstances: 2",
        "numberOfInstance: 2\n  numberOfInstances: 2",
    );
    expect(
        &p,
        "spec.numberOfInstance",
        Severity::Error,
        "unknown field \"numberOfInstance\" (did you mean \"numberOfInstances\"?)",
    );
}

#[test]
fn unknown_nested_field() {
    let p = problems_after("size: 1Gi", "size: 1Gi\n    sizee: 2Gi");
    expect(
        &p,
        "spec.volume.sizee",
        Severity::Error,
        "unknown field \"sizee\"",
    );
}

#[test]
fn duplicate_key_is_an_error() {
    let text = BASE.replacen("teamId: acid", "teamId: acid\n  teamId: acid2", 1);
    let docs = manifest::parse_stream(&text);
    match &docs[0].content {
        DocumentContent::Invalid {
            error: manifest::ManifestError::Yaml(message),
            ..
        } => {
            assert!(
                message.contains("duplicate entry with key \"teamId\""),
                "{message}"
            )
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_volume_size() {
    let p = problems_after("size: 1Gi", "size: 1GB");
    expect(
        &p,
        "spec.volume.size",
        Severity::Error,
        "\"1GB\" is not a Kubernetes quantity (e.g. 1Gi, 500Mi)",
    );
}

#[test]
fn unsupported_version() {
    let p = problems_after("version: \"17\"", "version: \"9.6\"");
    expect(
        &p,
        "spec.postgresql.version",
        Severity::Error,
        "unsupported PostgreSQL version \"9.6\" (supported: 14, 15, 16, 17, 18)",
    );
}

#[test]
fn cpu_limit_below_request() {
    let p = problems_after(
        "  users:",
        "  resources:\n    requests: {cpu: 500m}\n    limits: {cpu: 250m}\n  users:",
    );
    expect(
        &p,
        "spec.resources.limits.cpu",
        Severity::Error,
        "limit 250m is lower than the request 500m",
    );
}

#[test]
fn bad_cpu_quantity() {
    let p = problems_after(
        "  users:",
        "  resources:\n    requests: {cpu: \"1.2345\"}\n  users:",
    );
    expect(
        &p,
        "spec.resources.requests.cpu",
        Severity::Error,
        "\"1.2345\" is not a CPU quantity (e.g. 100m, 0.5, 2)",
    );
}

#[test]
fn bad_maintenance_window() {
    let p = problems_after(
        "  users:",
        "  maintenanceWindows: [\"Sat 01:00-02:00\"]\n  users:",
    );
    expect(
        &p,
        "spec.maintenanceWindows[0]",
        Severity::Error,
        "\"Sat 01:00-02:00\" is not a maintenance window (e.g. \"01:00-06:00\" or \"Sat:00:00-04:00\")",
    );
}

#[test]
fn bad_pooler_mode() {
    let p = problems_after(
        "  users:",
        "  enableConnectionPooler: true\n  connectionPooler: {mode: statement}\n  users:",
    );
    expect(
        &p,
        "spec.connectionPooler.mode",
        Severity::Error,
        "\"statement\" is not a pooler mode (session or transaction)",
    );
}

#[test]
fn bad_clone_timestamp() {
    let p = problems_after(
        "  users:",
        "  clone: {cluster: acid-src, timestamp: \"2017-12-19 12:40:33\"}\n  users:",
    );
    expect(
        &p,
        "spec.clone.timestamp",
        Severity::Error,
        "\"2017-12-19 12:40:33\" is not an RFC 3339 timestamp with a UTC offset (e.g. 2017-12-19T12:40:33+01:00)",
    );
}

#[test]
fn standby_with_both_wal_paths() {
    let p = problems_after(
        "  users:",
        "  standby: {s3_wal_path: s3://a, gs_wal_path: gs://b}\n  users:",
    );
    expect(
        &p,
        "spec.standby",
        Severity::Error,
        "s3_wal_path and gs_wal_path are mutually exclusive",
    );
}

#[test]
fn bad_source_range() {
    let p = problems_after("  users:", "  allowedSourceRanges: [10.0.0.0]\n  users:");
    expect(
        &p,
        "spec.allowedSourceRanges[0]",
        Severity::Error,
        "\"10.0.0.0\" is not an IPv4 or IPv6 CIDR",
    );
}

#[test]
fn wrong_type_names_the_field() {
    let text = BASE.replacen("numberOfInstances: 2", "numberOfInstances: two", 1);
    match &manifest::parse_stream(&text)[0].content {
        DocumentContent::Invalid {
            error: manifest::ManifestError::Field { path, .. },
            ..
        } => {
            assert_eq!(path, "spec.numberOfInstances")
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ----- warnings -----

#[test]
fn database_owner_not_defined_is_a_warning() {
    let p = problems_after("appdb: app", "appdb: someone");
    expect(
        &p,
        "spec.databases.appdb",
        Severity::Warning,
        "owner \"someone\" is not defined in spec.users; the database is created only once a role of that name exists",
    );
    assert!(!validate::has_errors(&p));
}

#[test]
fn prepared_database_shadowing_a_database_is_a_warning() {
    let p = problems_after(
        "appdb: app",
        "appdb: app\n  preparedDatabases:\n    appdb: {}",
    );
    expect(
        &p,
        "spec.preparedDatabases.appdb",
        Severity::Warning,
        "prepared database \"appdb\" is also listed in spec.databases; the prepared definition takes precedence for its roles",
    );
}

#[test]
fn iops_without_storage_class_is_a_warning() {
    let p = problems_after("size: 1Gi", "size: 1Gi\n    iops: 3000");
    expect(
        &p,
        "spec.volume.iops",
        Severity::Warning,
        "has no effect without spec.volume.storageClass naming a class that supports provisioned IOPS",
    );
}

#[test]
fn deprecated_alias_is_a_warning() {
    let p = problems_after("  users:", "  useLoadBalancer: true\n  users:");
    expect(
        &p,
        "spec.useLoadBalancer",
        Severity::Warning,
        "deprecated; use spec.enableMasterLoadBalancer",
    );
}

#[test]
fn rotation_of_an_undefined_user_is_a_warning() {
    let p = problems_after("  users:", "  usersWithSecretRotation: [ghost]\n  users:");
    expect(
        &p,
        "spec.usersWithSecretRotation[0]",
        Severity::Warning,
        "user \"ghost\" is not defined in spec.users; the entry has no effect",
    );
}

#[test]
fn database_names_may_be_any_identifier() {
    let p = problems_after("appdb: app", "\"My DB-ü\": app");
    assert!(!validate::has_errors(&p), "{p:#?}");
}

#[test]
fn a_typed_resource_roundtrips_through_json() {
    let parsed = parse_one(BASE).resource;
    let json = serde_json::to_value(&parsed).expect("json");
    let back: Postgresql = serde_json::from_value(json).expect("back");
    assert_eq!(parsed, back);
}

/// The fields of each problem that is an error.
fn error_fields(problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.field.clone())
        .collect()
}

#[test]
fn control_characters_never_reach_the_pods_configuration() {
    let p = problems_after(
        "    version: \"17\"\n",
        "    version: \"17\"\n    parameters:\n      work_mem: \"64MB\\nfsync = off\"\n      \"bad name\": \"1\"\n",
    );
    expect(
        &p,
        "spec.postgresql.parameters.work_mem",
        Severity::Error,
        "contains the control character '\\n' (U+000A), which would reach the pods' configuration",
    );
    assert!(error_fields(&p).contains(&"spec.postgresql.parameters.bad name".to_string()));

    let p = problems_after(
        "  users:",
        "  patroni:\n    pg_hba: [\"hostssl all all 0.0.0.0/0 md5\\nhost all all 0.0.0.0/0 trust\"]\n  standby:\n    standby_host: \"db\\r.example\"\n  env:\n    - {name: FOO, value: \"a\\u0000b\"}\n  podAnnotations:\n    note: \"x\\ny\"\n  serviceAnnotations:\n    \"bad key!\": \"x\"\n  users:",
    );
    let fields = error_fields(&p);
    for field in [
        "spec.patroni.pg_hba[0]",
        "spec.standby.standby_host",
        "spec.env[0].value",
        "spec.podAnnotations.note",
        "spec.serviceAnnotations.bad key!",
    ] {
        assert!(fields.contains(&field.to_string()), "{field}: {p:#?}");
    }
    // A tab is fine (pg_hba lines use them).
    let p = problems_after(
        "  users:",
        "  patroni:\n    pg_hba: [\"hostssl\\tall all 0.0.0.0/0 md5\"]\n  users:",
    );
    assert!(error_fields(&p).is_empty(), "{p:#?}");
}

#[test]
fn names_postgresql_would_truncate_are_refused() {
    let long = "a".repeat(64);
    let p = problems_after("app: [createdb]", &format!("{long}: []"));
    expect(
        &p,
        &format!("spec.users.{long}"),
        Severity::Error,
        &format!(
            "the role name {long:?} is 64 bytes; PostgreSQL keeps 63 and would cut it silently"
        ),
    );
    let p = problems_after("appdb: app", &format!("appdb: {long}"));
    assert!(
        error_fields(&p).contains(&"spec.databases.appdb".to_string()),
        "{p:#?}"
    );
    // 63 bytes is fine.
    let p = problems_after("app: [createdb]", &format!("{}: []", "a".repeat(63)));
    assert!(
        !p.iter().any(|p| p.message.contains("would cut it")),
        "{p:#?}"
    );
}

#[test]
fn impossible_pod_settings_are_refused() {
    let p = problems_after(
        "  users:",
        "  spiloFSGroup: -5\n  spiloRunAsUser: -1\n  sidecars:\n    - name: side\n  additionalVolumes:\n    - name: over\n      mountPath: /home/postgres/pgdata\n      volumeSource: {emptyDir: {}}\n  users:",
    );
    let fields = error_fields(&p);
    for field in [
        "spec.spiloFSGroup",
        "spec.spiloRunAsUser",
        "spec.sidecars[0].image",
        "spec.additionalVolumes[0].mountPath",
    ] {
        assert!(fields.contains(&field.to_string()), "{field}: {p:#?}");
    }
}

#[test]
fn label_keys_kubernetes_refuses_are_named() {
    let p = problems_after("spec:\n", "  labels:\n    \"also/bad/key\": y\nspec:\n");
    assert!(
        error_fields(&p).contains(&"metadata.labels.also/bad/key".to_string()),
        "{p:#?}"
    );
}

#[test]
fn a_missing_required_field_is_reported_at_its_own_path() {
    let text = BASE.replacen("  teamId: acid\n", "", 1);
    let documents = manifest::parse_stream(&text);
    let error = documents
        .into_iter()
        .find_map(|d| match d.content {
            DocumentContent::Invalid { error, .. } => Some(error.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    assert!(error.contains("spec.teamId"), "{error}");
}
