//! `SPILO_CONFIGURATION`: the Patroni configuration Spilo merges into its own, as the reference
//! operator writes it.
//!
//! ```json
//! {"bootstrap": {"dcs": {…}, "initdb": [{"auth-host": "scram-sha-256"}, {"auth-local": "trust"}, …]},
//!  "postgresql": {"parameters": {…}, "pg_hba": […]}}
//! ```
//!
//! - `postgresql.parameters` (local, applied by Patroni on every start) holds only the
//!   parameters Spilo itself sets locally ([`LOCAL_PARAMETERS`]); every other parameter of
//!   `spec.postgresql.parameters` goes to `bootstrap.dcs.postgresql.parameters`, the cluster-wide
//!   configuration written to the DCS when the cluster is first bootstrapped. Later changes of
//!   those reach a running cluster only through Patroni's REST API (`PATCH /config`).
//! - `postgresql.pg_hba` is local too, so that Patroni rewrites `pg_hba.conf` when it changes.
//! - `postgresql.bin_dir` is set only when `enable_pgversion_env_var` is off (else `PGVERSION`).
//! - `bootstrap.initdb` starts with `auth-host: scram-sha-256` and `auth-local: trust` (as the
//!   reference v2); the options of
//!   `spec.patroni.initdb` follow in name order, flags without argument (`data-checksums: "true"`)
//!   as plain strings.
//! - `bootstrap.dcs` holds `spec.patroni`'s `ttl`, `loop_wait`, `retry_timeout` (when positive),
//!   `maximum_lag_on_failover` (when not negative), `synchronous_mode` and
//!   `synchronous_mode_strict` (when true), `synchronous_node_count` (when at least 1), `slots`
//!   and `failsafe_mode` (always: the manifest's, else `enable_patroni_failsafe_mode`, as the
//!   reference writes it).

use serde_json::{Map, Value, json};

use crate::config::OperatorConfig;
use crate::crd::PostgresSpec;

use super::canonical_json;

/// Parameters that Spilo sets in the local configuration; they stay local. The reference
/// operator sends every other parameter to the bootstrap DCS configuration.
pub const LOCAL_PARAMETERS: &[&str] = &[
    "archive_command",
    "bg_mon.history_buckets",
    "bg_mon.listen_address",
    "extwlist.custom_path",
    "extwlist.extensions",
    "log_destination",
    "log_directory",
    "log_file_mode",
    "log_filename",
    "log_rotation_age",
    "log_truncate_on_rotation",
    "logging_collector",
    "pg_stat_statements.track_utility",
    "shared_buffers",
    "shared_preload_libraries",
    "ssl",
    "ssl_ca_file",
    "ssl_cert_file",
    "ssl_crl_file",
    "ssl_key_file",
];

/// initdb options that take no argument; `name: "true"` becomes the bare option.
const INITDB_FLAGS: &[&str] = &[
    "data-checksums",
    "debug",
    "no-locale",
    "noclean",
    "nosync",
    "sync-only",
];

/// Whether `parameter` belongs to `bootstrap.dcs.postgresql.parameters` (else it is local).
pub fn is_bootstrap_parameter(parameter: &str) -> bool {
    !LOCAL_PARAMETERS.contains(&parameter)
}

/// The configuration as a JSON value.
pub fn configuration(spec: &PostgresSpec, config: &OperatorConfig) -> Value {
    let patroni = spec.patroni.clone().unwrap_or_default();

    let mut local = Map::new();
    if !config.enable_pgversion_env_var {
        local.insert(
            "bin_dir".to_string(),
            json!(format!(
                "/usr/lib/postgresql/{}/bin",
                crate::major::pgversion(spec, config)
            )),
        );
    }
    let mut local_parameters = Map::new();
    let mut bootstrap_parameters = Map::new();
    for (name, value) in spec.postgresql.parameters.iter().flatten() {
        let target = if is_bootstrap_parameter(name) {
            &mut bootstrap_parameters
        } else {
            &mut local_parameters
        };
        target.insert(name.clone(), json!(value));
    }
    if !local_parameters.is_empty() {
        local.insert("parameters".to_string(), Value::Object(local_parameters));
    }
    if let Some(pg_hba) = patroni.pg_hba.as_ref().filter(|h| !h.is_empty()) {
        local.insert("pg_hba".to_string(), json!(pg_hba));
    }

    let mut dcs = Map::new();
    let positive = |v: Option<i32>| v.filter(|v| *v > 0);
    if let Some(ttl) = positive(patroni.ttl) {
        dcs.insert("ttl".to_string(), json!(ttl));
    }
    if let Some(loop_wait) = positive(patroni.loop_wait) {
        dcs.insert("loop_wait".to_string(), json!(loop_wait));
    }
    if let Some(retry_timeout) = positive(patroni.retry_timeout) {
        dcs.insert("retry_timeout".to_string(), json!(retry_timeout));
    }
    if let Some(lag) = patroni.maximum_lag_on_failover.filter(|v| *v >= 0) {
        dcs.insert("maximum_lag_on_failover".to_string(), json!(lag));
    }
    if patroni.synchronous_mode == Some(true) {
        dcs.insert("synchronous_mode".to_string(), json!(true));
    }
    if patroni.synchronous_mode_strict == Some(true) {
        dcs.insert("synchronous_mode_strict".to_string(), json!(true));
    }
    if let Some(count) = patroni.synchronous_node_count.filter(|v| *v >= 1) {
        dcs.insert("synchronous_node_count".to_string(), json!(count));
    }
    if !bootstrap_parameters.is_empty() {
        dcs.insert(
            "postgresql".to_string(),
            json!({ "parameters": Value::Object(bootstrap_parameters) }),
        );
    }
    if let Some(slots) = &patroni.slots {
        dcs.insert("slots".to_string(), json!(slots));
    }
    // The reference writes it always: the manifest's, else the configuration's.
    let failsafe = patroni
        .failsafe_mode
        .unwrap_or(config.enable_patroni_failsafe_mode);
    dcs.insert("failsafe_mode".to_string(), json!(failsafe));

    json!({
        "postgresql": Value::Object(local),
        "bootstrap": {
            "initdb": initdb(&patroni.initdb.unwrap_or_default()),
            "dcs": Value::Object(dcs),
        },
    })
}

/// The configuration as the value of `SPILO_CONFIGURATION` (compact JSON, sorted keys).
pub fn configuration_json(spec: &PostgresSpec, config: &OperatorConfig) -> String {
    canonical_json(&configuration(spec, config))
}

/// Name of the environment variable that carries [`configuration_json`].
pub const ENV_NAME: &str = "SPILO_CONFIGURATION";

/// The dynamic part of a configuration: `bootstrap.dcs`, which Patroni applies to a running
/// cluster through `PATCH /config` (it is read from the environment only when a cluster is
/// bootstrapped). `{}` when absent.
pub fn dynamic_part(configuration: &Value) -> Value {
    configuration
        .get("bootstrap")
        .and_then(|b| b.get("dcs"))
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// The dynamic part of the configuration in a pod template's `postgres` container, if it has
/// one.
pub fn dynamic_part_of(template: &k8s_openapi::api::core::v1::PodTemplateSpec) -> Option<Value> {
    let container = template
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == super::statefulset::CONTAINER_NAME)?;
    let text = container
        .env
        .as_ref()?
        .iter()
        .find(|e| e.name == ENV_NAME)?
        .value
        .as_deref()?;
    let configuration: Value = serde_json::from_str(text).ok()?;
    Some(dynamic_part(&configuration))
}

/// A short stable hash of a dynamic configuration (`status.patroniConfig`).
pub fn dynamic_hash(dynamic: &Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(canonical_json(dynamic).as_bytes());
    crate::digest::hex(&digest[..16])
}

/// The configuration without its dynamic part (`bootstrap.dcs` emptied): what a pod must be
/// re-created for when it changes.
pub fn static_part(configuration: &Value) -> Value {
    let mut value = configuration.clone();
    if let Some(bootstrap) = value.get_mut("bootstrap").and_then(Value::as_object_mut)
        && bootstrap.contains_key("dcs")
    {
        bootstrap.insert("dcs".to_string(), Value::Object(Map::new()));
    }
    value
}

/// The initdb list: the defaults, then the manifest's options in name order. An option of the
/// manifest that is also a default replaces the default's value.
fn initdb(options: &std::collections::BTreeMap<String, String>) -> Value {
    let mut list: Vec<Value> = vec![
        json!({"auth-host": "scram-sha-256"}),
        json!({"auth-local": "trust"}),
    ];
    'options: for (name, value) in options {
        for item in &mut list {
            match item {
                Value::Object(map) if map.contains_key(name) => {
                    map.insert(name.clone(), json!(value));
                    continue 'options;
                }
                Value::String(flag) if flag == name => continue 'options,
                _ => {}
            }
        }
        if value == "true" && INITDB_FLAGS.contains(&name.as_str()) {
            list.push(json!(name));
        } else {
            list.push(json!({ name.clone(): value }));
        }
    }
    Value::Array(list)
}
