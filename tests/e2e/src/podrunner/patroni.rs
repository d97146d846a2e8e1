//! The Patroni configuration of one pod, made from the pod's environment the way the Spilo
//! image makes it (`configure_spilo.py`): scope and name, the Kubernetes DCS with the scope and
//! role labels, the credentials of the superuser and the replication user, and
//! `SPILO_CONFIGURATION` merged over Spilo's defaults. Pure: the runner writes the result to
//! the pod's directory and starts Patroni with it.
//!
//! What differs from Spilo, because no container runs: paths are the pod's directories on the
//! host, the PostgreSQL binaries are the machine's (whatever `PGVERSION` asks), the Kubernetes
//! API is reached through a kubeconfig holding the pod's service-account token instead of the
//! in-cluster files, and `pg_hba` has no `pam` lines (no `zalandos` team).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

/// The paths and addresses of one pod, on the host.
#[derive(Debug, Clone)]
pub struct PodPaths<'a> {
    /// `PGROOT` translated to the host (the volume's directory), holding `data/`.
    pub pgroot: &'a Path,
    /// The pod's private directory: socket, certificates, pgpass.
    pub run_dir: &'a Path,
    /// PostgreSQL's binaries on this machine.
    pub bin_dir: &'a Path,
    /// The kubeconfig Patroni uses, with the context [`KUBE_CONTEXT`].
    pub kubeconfig: &'a Path,
}

/// Where PostgreSQL's socket is in the container, as in Spilo.
pub const SOCKET_DIR: &str = "/var/run/postgresql";

/// The context of the pod's kubeconfig that Patroni uses.
pub const KUBE_CONTEXT: &str = "pod";

/// A required variable is missing or a value cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("the container has no environment variable {0}, which Spilo requires")]
    Missing(&'static str),
    #[error("{name} is not valid JSON or YAML: {message}")]
    Unreadable { name: &'static str, message: String },
    #[error("{name} must be a JSON object, not {found}")]
    NotAnObject { name: &'static str, found: String },
}

/// Spilo's defaults for the cluster-wide (DCS) configuration, written once at bootstrap.
fn default_dcs() -> Value {
    json!({
        "ttl": 30,
        "loop_wait": 10,
        "retry_timeout": 10,
        "maximum_lag_on_failover": 33_554_432,
        "postgresql": {
            "use_pg_rewind": true,
            "use_slots": true,
            "parameters": {
                "wal_level": "replica",
                "wal_log_hints": "on",
                "hot_standby": "on",
                "max_connections": 100,
                "max_wal_senders": 10,
                "max_replication_slots": 10,
                "wal_keep_size": "128MB",
            },
        },
    })
}

/// Spilo's `pg_hba` without the `pam` lines of the `zalandos` team: local connections trusted,
/// TCP connections need a password, and outside the loopback also TLS.
fn default_pg_hba(replication_user: &str) -> Value {
    json!([
        "local all all trust",
        format!("local replication {replication_user} trust"),
        "host all all 127.0.0.1/32 md5",
        "host all all ::1/128 md5",
        format!("hostssl replication {replication_user} all md5"),
        "hostnossl all all all reject",
        "hostssl all all all md5",
    ])
}

/// Merges `overlay` into `base`: objects key by key, everything else replaced.
pub fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

fn required<'e>(
    env: &'e BTreeMap<String, String>,
    name: &'static str,
) -> Result<&'e str, ConfigError> {
    env.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or(ConfigError::Missing(name))
}

fn parse_object(env: &BTreeMap<String, String>, name: &'static str) -> Result<Value, ConfigError> {
    let Some(text) = env.get(name).filter(|t| !t.trim().is_empty()) else {
        return Ok(Value::Object(Map::new()));
    };
    // JSON is YAML; Spilo reads both.
    let value: Value = serde_yaml::from_str(text).map_err(|e| ConfigError::Unreadable {
        name,
        message: e.to_string(),
    })?;
    match value {
        Value::Object(_) => Ok(value),
        other => Err(ConfigError::NotAnObject {
            name,
            found: other.to_string(),
        }),
    }
}

/// Whether `value` (an environment variable) means true, as Spilo reads booleans.
fn truthy(value: Option<&String>) -> bool {
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
}

/// The Patroni configuration of the pod `pod_name` with address `pod_ip`, from its resolved
/// environment.
pub fn config(
    pod_name: &str,
    pod_ip: &str,
    env: &BTreeMap<String, String>,
    paths: &PodPaths<'_>,
) -> Result<Value, ConfigError> {
    let scope = required(env, "SCOPE")?;
    let superuser = required(env, "PGUSER_SUPERUSER")?;
    let superuser_password = required(env, "PGPASSWORD_SUPERUSER")?;
    let replication = required(env, "PGUSER_STANDBY")?;
    let replication_password = required(env, "PGPASSWORD_STANDBY")?;
    let namespace = env.get("POD_NAMESPACE").map_or("default", String::as_str);
    let spilo = parse_object(env, "SPILO_CONFIGURATION")?;
    let labels = parse_object(env, "KUBERNETES_LABELS")?;
    let use_configmaps = truthy(env.get("KUBERNETES_USE_CONFIGMAPS"));

    let mut dcs = default_dcs();
    if let Some(overlay) = spilo.pointer("/bootstrap/dcs") {
        merge(&mut dcs, overlay);
    }
    let initdb = spilo
        .pointer("/bootstrap/initdb")
        .cloned()
        .unwrap_or_else(|| json!([{"auth-host": "md5"}, {"auth-local": "trust"}]));

    let run_dir = paths.run_dir.display().to_string();
    let mut parameters = json!({
        "ssl": "on",
        "ssl_cert_file": format!("{run_dir}/server.crt"),
        "ssl_key_file": format!("{run_dir}/server.key"),
        // Spilo's socket directory (a directory of the container's own root here).
        "unix_socket_directories": SOCKET_DIR,
        // Small, so that several clusters fit on a developer's machine.
        "shared_buffers": "32MB",
        "log_destination": "stderr",
        "logging_collector": "off",
    });
    if let Some(overlay) = spilo.pointer("/postgresql/parameters") {
        merge(&mut parameters, overlay);
    }
    let pg_hba = spilo
        .pointer("/postgresql/pg_hba")
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        .cloned()
        .unwrap_or_else(|| default_pg_hba(replication));

    let mut kubernetes = json!({
        "namespace": namespace,
        "labels": labels,
        "scope_label": env.get("KUBERNETES_SCOPE_LABEL").map_or("cluster-name", String::as_str),
        "role_label": env.get("KUBERNETES_ROLE_LABEL").map_or("spilo-role", String::as_str),
        // Patroni 4 labels a leader `primary` by default; Spilo keeps `master` (what the
        // operator's Services select), and so does the runner.
        "leader_label_value": env
            .get("KUBERNETES_LEADER_LABEL_VALUE")
            .map_or("master", String::as_str),
        "standby_leader_label_value": env
            .get("KUBERNETES_STANDBY_LEADER_LABEL_VALUE")
            .map_or("master", String::as_str),
        "pod_ip": pod_ip,
        "ports": [{"name": "postgresql", "port": 5432}],
        "context": KUBE_CONTEXT,
    });
    if !use_configmaps {
        kubernetes["use_endpoints"] = json!(true);
    }

    Ok(json!({
        "scope": scope,
        "name": pod_name,
        "log": {"level": "INFO"},
        "restapi": {
            "listen": "0.0.0.0:8008",
            "connect_address": format!("{pod_ip}:8008"),
        },
        "kubernetes": kubernetes,
        "bootstrap": {
            "dcs": dcs,
            "initdb": initdb,
        },
        "postgresql": {
            "name": pod_name,
            "listen": "0.0.0.0:5432",
            "connect_address": format!("{pod_ip}:5432"),
            "data_dir": paths.pgroot.join("data").display().to_string(),
            "bin_dir": paths.bin_dir.display().to_string(),
            "pgpass": format!("{run_dir}/pgpass"),
            "use_unix_socket": true,
            "authentication": {
                "superuser": {"username": superuser, "password": superuser_password},
                "replication": {"username": replication, "password": replication_password},
            },
            "basebackup": [{"checkpoint": "fast"}],
            "parameters": parameters,
            "pg_hba": pg_hba,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn env() -> BTreeMap<String, String> {
        [
            ("SCOPE", "acid-demo"),
            ("POD_NAMESPACE", "team"),
            ("PGUSER_SUPERUSER", "postgres"),
            ("PGPASSWORD_SUPERUSER", "s3cret"),
            ("PGUSER_STANDBY", "standby"),
            ("PGPASSWORD_STANDBY", "r3pl"),
            ("KUBERNETES_SCOPE_LABEL", "cluster-name"),
            ("KUBERNETES_ROLE_LABEL", "spilo-role"),
            ("KUBERNETES_LABELS", r#"{"application":"spilo"}"#),
            (
                "SPILO_CONFIGURATION",
                r#"{"bootstrap":{"dcs":{"ttl":12,"postgresql":{"parameters":{"max_connections":"50"}}},"initdb":[{"auth-host":"md5"},"data-checksums"]},"postgresql":{"parameters":{"shared_buffers":"64MB"}}}"#,
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn paths() -> (PathBuf, PathBuf, PathBuf, PathBuf) {
        (
            PathBuf::from("/v/pgroot"),
            PathBuf::from("/p/run"),
            PathBuf::from("/usr/lib/postgresql/15/bin"),
            PathBuf::from("/p/kubeconfig"),
        )
    }

    fn build(env: &BTreeMap<String, String>) -> Result<Value, ConfigError> {
        let (pgroot, run_dir, bin_dir, kubeconfig) = paths();
        config(
            "acid-demo-0",
            "10.244.1.254",
            env,
            &PodPaths {
                pgroot: &pgroot,
                run_dir: &run_dir,
                bin_dir: &bin_dir,
                kubeconfig: &kubeconfig,
            },
        )
    }

    #[test]
    fn spilo_configuration_is_merged_over_the_defaults() -> Result<(), ConfigError> {
        let c = build(&env())?;
        assert_eq!(c["scope"], "acid-demo");
        assert_eq!(c["name"], "acid-demo-0");
        assert_eq!(c["bootstrap"]["dcs"]["ttl"], 12);
        assert_eq!(c["bootstrap"]["dcs"]["loop_wait"], 10);
        assert_eq!(
            c["bootstrap"]["dcs"]["postgresql"]["parameters"]["max_connections"],
            "50"
        );
        assert_eq!(
            c["bootstrap"]["dcs"]["postgresql"]["parameters"]["wal_log_hints"],
            "on"
        );
        assert_eq!(c["bootstrap"]["initdb"][1], "data-checksums");
        assert_eq!(c["postgresql"]["parameters"]["shared_buffers"], "64MB");
        assert_eq!(c["postgresql"]["parameters"]["ssl"], "on");
        assert_eq!(c["postgresql"]["data_dir"], "/v/pgroot/data");
        assert_eq!(c["postgresql"]["connect_address"], "10.244.1.254:5432");
        assert_eq!(
            c["postgresql"]["authentication"]["replication"]["username"],
            "standby"
        );
        Ok(())
    }

    #[test]
    fn kubernetes_dcs_follows_the_label_variables() -> Result<(), ConfigError> {
        let mut e = env();
        e.insert("KUBERNETES_ROLE_LABEL".into(), "role".into());
        let c = build(&e)?;
        assert_eq!(c["kubernetes"]["role_label"], "role");
        // Spilo's label values, not Patroni 4's `primary`, unless the environment says.
        assert_eq!(c["kubernetes"]["leader_label_value"], "master");
        assert_eq!(c["kubernetes"]["standby_leader_label_value"], "master");
        assert_eq!(c["kubernetes"]["namespace"], "team");
        assert_eq!(c["kubernetes"]["labels"]["application"], "spilo");
        assert_eq!(c["kubernetes"]["use_endpoints"], true);
        e.insert("KUBERNETES_USE_CONFIGMAPS".into(), "true".into());
        e.insert("KUBERNETES_LEADER_LABEL_VALUE".into(), "primary".into());
        let c = build(&e)?;
        assert!(c["kubernetes"].get("use_endpoints").is_none());
        assert_eq!(c["kubernetes"]["leader_label_value"], "primary");
        Ok(())
    }

    #[test]
    fn pg_hba_defaults_to_spilo_and_follows_the_manifest() -> Result<(), ConfigError> {
        let c = build(&env())?;
        let hba = c["postgresql"]["pg_hba"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(hba.contains(&json!("hostssl replication standby all md5")));
        assert!(hba.contains(&json!("hostnossl all all all reject")));
        let mut e = env();
        e.insert(
            "SPILO_CONFIGURATION".into(),
            r#"{"postgresql":{"pg_hba":["host all all all trust"]}}"#.into(),
        );
        let c = build(&e)?;
        assert_eq!(c["postgresql"]["pg_hba"], json!(["host all all all trust"]));
        Ok(())
    }

    #[test]
    fn missing_or_unreadable_variables_are_named() {
        let mut e = env();
        e.remove("PGPASSWORD_STANDBY");
        assert_eq!(
            build(&e).err(),
            Some(ConfigError::Missing("PGPASSWORD_STANDBY"))
        );
        let mut e = env();
        e.insert("SPILO_CONFIGURATION".into(), "[1, 2]".into());
        assert!(matches!(
            build(&e),
            Err(ConfigError::NotAnObject {
                name: "SPILO_CONFIGURATION",
                ..
            })
        ));
        let mut e = env();
        e.insert("KUBERNETES_LABELS".into(), "{not json".into());
        assert!(matches!(
            build(&e),
            Err(ConfigError::Unreadable {
                name: "KUBERNETES_LABELS",
                ..
            })
        ));
    }
}
