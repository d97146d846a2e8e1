//! The images the runner knows, and how each would run a container: pure.
//!
//! A container whose image is of a known family runs here, as that image would run it; a pod
//! none of whose images is known is left to kwok's fake lifecycle (see [`super::claim`]).
//!
//! | family | recognised by (repository name) | runs |
//! |---|---|---|
//! | Spilo | `spilo`, `spilo-NN` | no `command`/`args`: Patroni as `postgres` (Spilo's `launch.sh`); otherwise `command` + `args` (or `args`) as root |
//! | PgBouncer | `pgbouncer` | the reference pooler image's entrypoint ([`PGBOUNCER_ENTRYPOINT`]): `pgbouncer.ini` from the `PG*` and `CONNECTION_POOLER_*` environment, then the machine's PgBouncer, as the pod's user |
//! | logical backup | `logical-backup` | the reference's `dump.sh` contract ([`super::logical_backup`]): `pg_dumpall` of a replica, compressed, to the bucket, as the pod's user |

use std::collections::BTreeMap;
use std::path::Path;

use k8s_openapi::api::core::v1::Container;

use super::env;

/// A family of images the runner can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Zalando's Spilo (PostgreSQL with Patroni).
    Spilo,
    /// The reference operator's pooler image (PgBouncer).
    PgBouncer,
    /// The reference operator's logical backup image (`dump.sh`).
    LogicalBackup,
}

/// The repository's last path component, without tag or digest:
/// `ghcr.io/zalando/spilo-17:4.0-p2` → `spilo-17`.
pub fn repository_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// The family of `image`, if the runner knows it.
pub fn family(image: &str) -> Option<Family> {
    let name = repository_name(image);
    let spilo = name == "spilo"
        || name
            .strip_prefix("spilo-")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()));
    if spilo {
        return Some(Family::Spilo);
    }
    match name {
        "pgbouncer" => Some(Family::PgBouncer),
        "logical-backup" => Some(Family::LogicalBackup),
        _ => None,
    }
}

/// The pooler image's start, as its `entrypoint.sh` does it: a certificate for clients (the
/// one of `CONNECTION_POOLER_CLIENT_TLS_*`, else a self-signed one), the pooler role's password
/// in the auth file, `pgbouncer.ini` from the environment, then PgBouncer. Differences with the
/// image, for this machine's PgBouncer 1.18: no `max_prepared_statements` and no
/// `auth_dbname` (1.20+: the lookup runs in each database, where the controller installs the
/// function), `stats_users` only when `INFRASTRUCTURE_ROLES` is set, files under
/// `/etc/pgbouncer` (the image's user cannot write this machine's `/etc/ssl/certs`), and the log
/// goes to the container's output instead of a file.
pub const PGBOUNCER_ENTRYPOINT: &str = r#"set -e
cd /etc/pgbouncer
# This machine's PgBouncer package has files here, not the image's user's.
rm -f pgbouncer.ini userlist.txt pgbouncer.key pgbouncer.crt
if [ -z "$CONNECTION_POOLER_CLIENT_TLS_CRT" ]; then
    openssl req -nodes -new -x509 -days 3650 -subj /CN=spilo.dummy.org \
        -keyout pgbouncer.key -out pgbouncer.crt >/dev/null 2>&1
    crt=/etc/pgbouncer/pgbouncer.crt key=/etc/pgbouncer/pgbouncer.key
else
    crt=$CONNECTION_POOLER_CLIENT_TLS_CRT key=$CONNECTION_POOLER_CLIENT_TLS_KEY
fi
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
echo "$(quote "$PGUSER") $(quote "$PGPASSWORD")" > userlist.txt
stats=""
if [ -n "$INFRASTRUCTURE_ROLES" ]; then stats="stats_users = $INFRASTRUCTURE_ROLES"; fi
cat > pgbouncer.ini <<END_OF_INI
[databases]
* = host=$PGHOST port=$PGPORT auth_user=$PGUSER
postgres = host=$PGHOST port=$PGPORT auth_user=$PGUSER

[pgbouncer]
pool_mode = $CONNECTION_POOLER_MODE
listen_port = $CONNECTION_POOLER_PORT
listen_addr = *
auth_type = md5
auth_file = /etc/pgbouncer/userlist.txt
auth_query = SELECT * FROM $PGSCHEMA.user_lookup(\$1)
admin_users = $PGUSER
$stats
unix_socket_dir =
pidfile = /var/run/pgbouncer/pgbouncer.pid
server_tls_sslmode = require
server_tls_protocols = secure
client_tls_sslmode = require
client_tls_key_file = $key
client_tls_cert_file = $crt
log_connections = 0
log_disconnections = 0
default_pool_size = $CONNECTION_POOLER_DEFAULT_SIZE
reserve_pool_size = $CONNECTION_POOLER_RESERVE_SIZE
max_client_conn = $CONNECTION_POOLER_MAX_CLIENT_CONN
max_db_connections = $CONNECTION_POOLER_MAX_DB_CONN
idle_transaction_timeout = 600
server_login_retry = 5
ignore_startup_parameters = extra_float_digits
END_OF_INI
exec /usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini
"#;

/// What a container of a known image runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entrypoint {
    /// Spilo's own start: Patroni, configured from the environment, as `postgres`.
    Patroni,
    /// A command (`command` + `args` with `$(VAR)` expanded), run as the image's user.
    Command(Vec<String>),
}

/// What `container` (of `family`) runs with environment `env`: the image's default, or the
/// `command`/`args` the pod gives (expanded as the kubelet expands them).
pub fn entrypoint(
    family: Family,
    container: &Container,
    env: &BTreeMap<String, String>,
) -> Entrypoint {
    let expand = |v: &Vec<String>| v.iter().map(|a| env::expand(a, env)).collect::<Vec<_>>();
    let command = container.command.as_ref().filter(|c| !c.is_empty());
    let args = container.args.as_ref().filter(|a| !a.is_empty());
    match (family, command, args) {
        (Family::Spilo, None, None) => Entrypoint::Patroni,
        // The image's ENTRYPOINT is `/bin/sh /entrypoint.sh`: `args` go to it (unused), a
        // `command` replaces it.
        (Family::PgBouncer, None, _) => Entrypoint::Command(vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            PGBOUNCER_ENTRYPOINT.to_string(),
        ]),
        // The image's CMD is `/dump.sh`.
        (Family::LogicalBackup, None, None) => Entrypoint::Command(vec![
            "/bin/bash".to_string(),
            "-c".to_string(),
            super::logical_backup::ENTRYPOINT.to_string(),
        ]),
        (Family::LogicalBackup, None, Some(args)) => Entrypoint::Command(expand(args)),
        (Family::PgBouncer | Family::LogicalBackup, Some(command), args) => {
            let mut all = expand(command);
            if let Some(args) = args {
                all.extend(expand(args));
            }
            Entrypoint::Command(all)
        }
        // Spilo has no ENTRYPOINT, only a CMD: `args` alone replace it.
        (Family::Spilo, None, Some(args)) => Entrypoint::Command(expand(args)),
        (Family::Spilo, Some(command), args) => {
            let mut all = expand(command);
            if let Some(args) = args {
                all.extend(expand(args));
            }
            Entrypoint::Command(all)
        }
    }
}

/// The environment the image sets (its `ENV` lines), under the container's own: PostgreSQL's
/// and Patroni's programs (`patronictl`) on the `PATH`, as in Spilo.
pub fn image_env(
    family: Family,
    pg_bin_dir: &Path,
    patroni: &Path,
    backup_tools: Option<&Path>,
) -> BTreeMap<String, String> {
    match family {
        Family::Spilo => {
            let home = "/home/postgres";
            let pgroot = format!("{home}/pgdata/pgroot");
            [
                (
                    "PATH",
                    // Patroni's first, as Spilo's in /usr/local/bin: a Debian `patroni`
                    // package on this machine is not the pods' Patroni.
                    format!(
                        "{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:{}",
                        patroni.parent().unwrap_or(Path::new("/")).display(),
                        pg_bin_dir.display(),
                    ),
                ),
                // A relocatable build (tests/postgres/majors) carries its own libpq, which
                // its executables find next to them ($ORIGIN) but its modules
                // (libpqwalreceiver, dblink) look for under the builder's prefix: without
                // this they load the machine's older libpq, which knows no newer options
                // (`sslnegotiation`, which Patroni sets for 17).
                (
                    "LD_LIBRARY_PATH",
                    pg_bin_dir
                        .parent()
                        .map(|prefix| prefix.join("lib"))
                        .filter(|lib| lib.join("libpq.so.5").exists())
                        .map(|lib| lib.display().to_string())
                        .unwrap_or_default(),
                ),
                ("PGHOME", home.to_string()),
                ("PGDATA", format!("{pgroot}/data")),
                ("PGLOG", format!("{pgroot}/pg_log")),
                ("PGROOT", pgroot),
                ("LANG", "C.UTF-8".to_string()),
                ("LC_ALL", "C.UTF-8".to_string()),
                ("HOME", "/root".to_string()),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        }
        Family::PgBouncer => [
            (
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ),
            ("HOME", "/etc/pgbouncer"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        // The image's PostgreSQL clients under PG_DIR, its `aws` (here boto3 of the Barman
        // tools' environment, first on the PATH) and the dump script's S3 helper.
        Family::LogicalBackup => [
            (
                "PATH",
                format!(
                    "{}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    backup_tools
                        .map(|t| format!("{}:", t.display()))
                        .unwrap_or_default()
                ),
            ),
            ("PG_DIR", "/usr/lib/postgresql".to_string()),
            (
                "LOGICAL_BACKUP_S3",
                super::logical_backup::S3_HELPER.to_string(),
            ),
            ("HOME", "/root".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    }
}

/// The image's working directory (`WORKDIR`).
pub fn working_dir(family: Family) -> &'static str {
    match family {
        Family::Spilo => "/home/postgres",
        Family::PgBouncer => "/etc/pgbouncer",
        Family::LogicalBackup => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(command: Option<&[&str]>, args: Option<&[&str]>) -> Container {
        Container {
            name: "c".into(),
            image: Some("ghcr.io/zalando/spilo-17:4.0-p2".into()),
            command: command.map(|c| c.iter().map(|s| s.to_string()).collect()),
            args: args.map(|a| a.iter().map(|s| s.to_string()).collect()),
            ..Container::default()
        }
    }

    #[test]
    fn families_are_known_by_repository_name() {
        assert_eq!(
            family("ghcr.io/zalando/spilo-17:4.0-p2"),
            Some(Family::Spilo)
        );
        assert_eq!(
            family("registry.opensource.zalan.do/acid/spilo-16:3.2-p3"),
            Some(Family::Spilo)
        );
        assert_eq!(family("spilo@sha256:abcd"), Some(Family::Spilo));
        assert_eq!(family("registry:5000/spilo-cdp:1"), None);
        assert_eq!(family("busybox:1.36"), None);
        assert_eq!(
            family("ghcr.io/zalando/postgres-operator/pgbouncer:v2.0.1"),
            Some(Family::PgBouncer)
        );
        assert_eq!(
            family("ghcr.io/zalando/postgres-operator/logical-backup:v2.0.1"),
            Some(Family::LogicalBackup)
        );
        assert_eq!(repository_name("localhost:5000/team/spilo-15"), "spilo-15");
    }

    #[test]
    fn spilo_runs_patroni_unless_the_pod_gives_a_command() {
        let env: BTreeMap<String, String> =
            [("DB".to_string(), "x".to_string())].into_iter().collect();
        assert_eq!(
            entrypoint(Family::Spilo, &container(None, None), &env),
            Entrypoint::Patroni
        );
        assert_eq!(
            entrypoint(
                Family::Spilo,
                &container(Some(&["sh", "-c"]), Some(&["echo $(DB) $$(DB)"])),
                &env
            ),
            Entrypoint::Command(vec!["sh".into(), "-c".into(), "echo x $(DB)".into()])
        );
        assert_eq!(
            entrypoint(Family::Spilo, &container(None, Some(&["true"])), &env),
            Entrypoint::Command(vec!["true".into()])
        );
    }
}
