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

use super::backup;

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
    /// The major the pod runs (Spilo's `PGVERSION`, the WAL archive's last path part).
    pub major: u32,
    /// Where the `barman-cloud-*` programs are (`tests/backup/ensure`), if installed.
    pub backup_tools: Option<&'a Path>,
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
    #[error(
        "the container asks for a WAL archive ({0}), but Barman's cloud tools are not installed (tests/backup/ensure; the runner's --backup-tools)"
    )]
    NoBackupTools(&'static str),
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

/// Patroni's name of Spilo's bootstrap method that clones a running cluster.
pub const CLONE_METHOD: &str = "clone_with_basebackup";
/// The script of that method, in the pod's run directory.
pub const CLONE_SCRIPT: &str = "clone-with-basebackup.sh";
/// The password file of that script, in the pod's run directory.
pub const CLONE_PGPASS: &str = "clone-pgpass";

/// The running cluster a new one is cloned from (`CLONE_METHOD=CLONE_WITH_BASEBACKUP`, which
/// the operator sets for `spec.clone` without a timestamp).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneSource {
    /// The source's master Service (its name, resolved by the cluster DNS).
    pub host: String,
    pub port: u16,
    /// The source's replication user, and its password (from the source's Secret).
    pub user: String,
    pub password: String,
}

/// The clone source the environment names, if it asks for a clone from a running cluster.
pub fn clone_source(env: &BTreeMap<String, String>) -> Result<Option<CloneSource>, ConfigError> {
    if env.get("CLONE_METHOD").map(String::as_str) != Some("CLONE_WITH_BASEBACKUP") {
        return Ok(None);
    }
    let port = match env.get("CLONE_PORT").filter(|p| !p.is_empty()) {
        None => 5432,
        Some(p) => p.parse().map_err(|_| ConfigError::Unreadable {
            name: "CLONE_PORT",
            message: format!("{p:?} is not a port"),
        })?,
    };
    Ok(Some(CloneSource {
        host: required(env, "CLONE_HOST")?.to_string(),
        port,
        user: required(env, "CLONE_USER")?.to_string(),
        password: required(env, "CLONE_PASSWORD")?.to_string(),
    }))
}

fn pgpass_field(value: &str) -> String {
    value.replace('\\', "\\\\").replace(':', "\\:")
}

/// The password file of the clone (`host:port:*:user:password`).
pub fn clone_pgpass(source: &CloneSource) -> String {
    format!(
        "{}:{}:*:{}:{}\n",
        pgpass_field(&source.host),
        source.port,
        pgpass_field(&source.user),
        pgpass_field(&source.password)
    )
}

fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The command of the clone bootstrap method, as Spilo's `clone_with_basebackup.py` does it
/// with the machine's `pg_basebackup`: the whole source, WAL streamed alongside, over TLS (the
/// source's `pg_hba` requires it), with the password from `pgpass` (a path in the pod).
pub fn clone_script(source: &CloneSource, bin_dir: &Path, pgpass: &Path) -> String {
    format!(
        "#!/bin/sh\n# Written by pgctl-pod-runner: Spilo's clone_with_basebackup.\nset -e\n\
         for arg; do case \"$arg\" in --datadir=*) datadir=\"${{arg#--datadir=}}\" ;; esac; done\n\
         [ -n \"$datadir\" ] || {{ echo 'no --datadir given' >&2; exit 1; }}\n\
         export PGPASSFILE={} PGSSLMODE=require\n\
         exec {} --pgdata=\"$datadir\" --wal-method=stream --checkpoint=fast --no-password \
         --host={} --port={} --username={}\n",
        sh_quote(&pgpass.display().to_string()),
        sh_quote(&bin_dir.join("pg_basebackup").display().to_string()),
        sh_quote(&source.host),
        source.port,
        sh_quote(&source.user),
    )
}

/// Spilo's standby cluster (`STANDBY_HOST`, `STANDBY_PORT`, `STANDBY_PRIMARY_SLOT_NAME`):
/// Patroni's `standby_cluster` settings, so that the leader is a standby leader that
/// bootstraps with a base backup of the remote primary and then streams from it (with this
/// cluster's replication credentials, which the reference requires to be the source's).
///
/// With `STANDBY_METHOD=STANDBY_WITH_WALE` (`spec.standby.s3_wal_path`), the standby leader is
/// made from the source's archive instead (Spilo's `bootstrap_standby_with_wale`) and replays
/// it (`restore_command`), also besides streaming when a host is given too.
pub fn standby_cluster(
    env: &BTreeMap<String, String>,
    run_dir: &str,
) -> Result<Option<Value>, ConfigError> {
    let from_archive = backup::standby_archive(env)?.is_some();
    let Some(host) = env.get("STANDBY_HOST").filter(|h| !h.is_empty()) else {
        return Ok(from_archive.then(|| {
            json!({
                "create_replica_methods": [backup::STANDBY_METHOD],
                "restore_command": format!("{run_dir}/{} %f %p", backup::STANDBY_WAL_RESTORE_SCRIPT),
            })
        }));
    };
    let port: u16 = match env.get("STANDBY_PORT").filter(|p| !p.is_empty()) {
        None => 5432,
        Some(p) => p.parse().map_err(|_| ConfigError::Unreadable {
            name: "STANDBY_PORT",
            message: format!("{p:?} is not a port"),
        })?,
    };
    let mut standby = json!({
        "host": host,
        "port": port,
        "create_replica_methods": ["basebackup"],
    });
    if let Some(slot) = env
        .get("STANDBY_PRIMARY_SLOT_NAME")
        .filter(|s| !s.is_empty())
    {
        standby["primary_slot_name"] = json!(slot);
    }
    if from_archive {
        standby["create_replica_methods"] = json!([backup::STANDBY_METHOD, "basebackup"]);
        standby["restore_command"] = json!(format!(
            "{run_dir}/{} %f %p",
            backup::STANDBY_WAL_RESTORE_SCRIPT
        ));
    }
    Ok(Some(standby))
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
    let run_dir = paths.run_dir.display().to_string();
    let standby = standby_cluster(env, &run_dir)?;
    let standby_from_archive = standby.is_some() && backup::standby_archive(env)?.is_some();
    if standby_from_archive {
        paths.backup_tools.ok_or(ConfigError::NoBackupTools(
            "STANDBY_METHOD=STANDBY_WITH_WALE",
        ))?;
    }
    if let Some(standby) = standby {
        dcs["standby_cluster"] = standby;
    }
    let initdb = spilo
        .pointer("/bootstrap/initdb")
        .cloned()
        .unwrap_or_else(|| json!([{"auth-host": "md5"}, {"auth-local": "trust"}]));

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
    // Spilo's archiving: on whenever an archive is configured, every segment pushed.
    let archive = backup::archive(env, paths.major);
    let mut recovery_conf = None;
    if archive.is_some() {
        paths
            .backup_tools
            .ok_or(ConfigError::NoBackupTools("WAL_S3_BUCKET"))?;
        let timeout = env
            .get("ARCHIVE_TIMEOUT")
            .filter(|t| !t.is_empty())
            .map_or(backup::DEFAULT_ARCHIVE_TIMEOUT, String::as_str);
        merge(
            &mut parameters,
            &json!({
                "archive_mode": "on",
                "archive_command": format!("{run_dir}/{} %p", backup::WAL_ARCHIVE_SCRIPT),
                "archive_timeout": timeout,
            }),
        );
        // Replicas fetch from the archive what streaming no longer has.
        recovery_conf = Some(json!({
            "restore_command": format!("{run_dir}/{} %f %p", backup::WAL_RESTORE_SCRIPT),
        }));
    }
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
    // Spilo hands these to Patroni 4, which puts them on the pod while it bootstraps.
    if env.contains_key("KUBERNETES_BOOTSTRAP_LABELS") {
        kubernetes["bootstrap_labels"] = parse_object(env, "KUBERNETES_BOOTSTRAP_LABELS")?;
    }

    let mut bootstrap = json!({
        "dcs": dcs,
        "initdb": initdb,
    });
    if clone_source(env)?.is_some() {
        // Spilo's custom bootstrap method; Patroni runs the command with `--scope=… --datadir=…`
        // and afterwards sets the superuser's and replication user's passwords from this
        // cluster's own Secrets (post_bootstrap), as after initdb.
        bootstrap["method"] = json!(CLONE_METHOD);
        bootstrap[CLONE_METHOD] = json!({
            "command": format!("{run_dir}/{CLONE_SCRIPT}"),
            "keep_existing_recovery_conf": false,
        });
    } else if let Some((_, target)) = backup::clone_archive(env, paths.major)? {
        paths
            .backup_tools
            .ok_or(ConfigError::NoBackupTools("CLONE_METHOD=CLONE_WITH_WALE"))?;
        // Spilo's clone_with_wale: a base backup from the source's archive, then recovery
        // from its WAL up to the target (exclusive), promoted at the end.
        let mut recovery = json!({
            "restore_command": format!("{run_dir}/{} %f %p", backup::CLONE_WAL_RESTORE_SCRIPT),
            "recovery_target_timeline": "latest",
            "recovery_target_action": "promote",
        });
        if let Some(time) = target {
            recovery["recovery_target_time"] = json!(time);
            recovery["recovery_target_inclusive"] = json!(false);
        }
        bootstrap["method"] = json!(backup::CLONE_METHOD);
        bootstrap[backup::CLONE_METHOD] = json!({
            "command": format!("{run_dir}/{}", backup::CLONE_RESTORE_SCRIPT),
            "keep_existing_recovery_conf": false,
            "recovery_conf": recovery,
        });
    }

    let mut config = json!({
        "scope": scope,
        "name": pod_name,
        "log": {"level": "INFO"},
        "restapi": {
            "listen": "0.0.0.0:8008",
            "connect_address": format!("{pod_ip}:8008"),
        },
        "kubernetes": kubernetes,
        "bootstrap": bootstrap,
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
    });
    if let Some(recovery) = recovery_conf {
        config["postgresql"]["recovery_conf"] = recovery;
    }
    if standby_from_archive {
        // The replica creation method the standby leader uses without a leader to copy
        // (Patroni 4 reads `no_leader`, earlier releases `no_master`).
        config["postgresql"][backup::STANDBY_METHOD] = json!({
            "command": format!("{run_dir}/{}", backup::STANDBY_RESTORE_SCRIPT),
            "no_leader": 1,
            "no_master": 1,
        });
    }
    Ok(config)
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
                major: 15,
                backup_tools: None,
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
        assert!(c["kubernetes"].get("bootstrap_labels").is_none());
        e.insert(
            "KUBERNETES_BOOTSTRAP_LABELS".into(),
            r#"{"critical-operation":"true"}"#.into(),
        );
        let c = build(&e)?;
        assert_eq!(
            c["kubernetes"]["bootstrap_labels"]["critical-operation"],
            "true"
        );
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
    fn a_clone_bootstraps_with_a_base_backup_of_its_source() -> Result<(), ConfigError> {
        let mut e = env();
        assert_eq!(clone_source(&e)?, None);
        assert!(build(&e)?["bootstrap"].get("method").is_none());
        e.insert("CLONE_METHOD".into(), "CLONE_WITH_BASEBACKUP".into());
        e.insert("CLONE_HOST".into(), "acid-source".into());
        e.insert("CLONE_USER".into(), "standby".into());
        assert_eq!(
            clone_source(&e),
            Err(ConfigError::Missing("CLONE_PASSWORD"))
        );
        e.insert("CLONE_PASSWORD".into(), "pa:ss\\".into());
        let source = clone_source(&e)?.ok_or(ConfigError::Missing("CLONE_METHOD"))?;
        assert_eq!(source.port, 5432);
        assert_eq!(
            clone_pgpass(&source),
            "acid-source:5432:*:standby:pa\\:ss\\\\\n"
        );
        let c = build(&e)?;
        assert_eq!(c["bootstrap"]["method"], CLONE_METHOD);
        assert_eq!(
            c["bootstrap"][CLONE_METHOD]["command"],
            "/p/run/clone-with-basebackup.sh"
        );
        let script = clone_script(
            &source,
            Path::new("/usr/lib/postgresql/15/bin"),
            Path::new("/p/run/clone-pgpass"),
        );
        assert!(script.contains("export PGPASSFILE='/p/run/clone-pgpass' PGSSLMODE=require\n"));
        assert!(script.contains(
            "exec '/usr/lib/postgresql/15/bin/pg_basebackup' --pgdata=\"$datadir\" --wal-method=stream --checkpoint=fast --no-password --host='acid-source' --port=5432 --username='standby'\n"
        ));
        assert!(!script.contains("pa:ss"));
        e.insert("CLONE_PORT".into(), "x".into());
        assert!(matches!(
            clone_source(&e),
            Err(ConfigError::Unreadable {
                name: "CLONE_PORT",
                ..
            })
        ));
        Ok(())
    }

    #[test]
    fn a_standby_streams_from_its_remote_primary() -> Result<(), ConfigError> {
        let mut e = env();
        assert!(
            build(&e)?["bootstrap"]["dcs"]
                .get("standby_cluster")
                .is_none()
        );
        e.insert("STANDBY_HOST".into(), "acid-src.team".into());
        e.insert("STANDBY_PRIMARY_SLOT_NAME".into(), "standby_slot".into());
        let c = build(&e)?;
        assert_eq!(
            c["bootstrap"]["dcs"]["standby_cluster"],
            json!({"host": "acid-src.team", "port": 5432, "primary_slot_name": "standby_slot",
                   "create_replica_methods": ["basebackup"]})
        );
        e.insert("STANDBY_PORT".into(), "70000".into());
        assert!(matches!(
            build(&e),
            Err(ConfigError::Unreadable {
                name: "STANDBY_PORT",
                ..
            })
        ));
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
