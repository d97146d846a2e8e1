//! Spilo's WAL archive, base backups and restores from the archive, made from the pod's
//! environment the way Spilo's `configure_spilo.py` reads it, and done with Barman's cloud tools
//! (`barman-cloud-*`, installed by `tests/backup/ensure`) in place of the WAL-G a Spilo image
//! runs. Pure: the runner writes the scripts into the pod's run directory and adds the settings
//! to Patroni's configuration.
//!
//! The archive's place is Spilo's: `s3://WAL_S3_BUCKET/spilo/{WAL_BUCKET_SCOPE_PREFIX}SCOPE
//! {WAL_BUCKET_SCOPE_SUFFIX}/wal/PGVERSION` (or `WALE_S3_PREFIX` when it is given). Below it,
//! WAL-G writes `basebackups_005/` and `wal_005/`; Barman writes `base/` and `wals/` (its "server
//! name" is the last part of the prefix, its destination the rest). What differs is documented
//! in docs/backups.md.
//!
//! Credentials are never written into a file: the scripts take them from the container's
//! environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, or the `CLONE_` ones of a clone),
//! as boto3 reads them.

use std::collections::BTreeMap;
use std::path::Path;

use super::patroni::ConfigError;

/// The script that archives one WAL segment (`archive_command`), in the run directory.
pub const WAL_ARCHIVE_SCRIPT: &str = "wal-archive.sh";
/// The script that fetches one WAL segment from this cluster's archive (`restore_command`).
pub const WAL_RESTORE_SCRIPT: &str = "wal-restore.sh";
/// The script that fetches one WAL segment from the clone source's archive.
pub const CLONE_WAL_RESTORE_SCRIPT: &str = "clone-wal-restore.sh";
/// The bootstrap command of a clone from the archive (Spilo's `clone_with_wale`).
pub const CLONE_RESTORE_SCRIPT: &str = "clone-with-wal.sh";
/// Spilo's base backup script, which its crontab and `kubectl exec` run
/// (`/scripts/postgres_backup.sh PGDATA`); the runner mounts a directory holding it at
/// [`SCRIPTS_DIR`].
pub const BACKUP_SCRIPT: &str = "postgres_backup.sh";
/// Where Spilo keeps its scripts.
pub const SCRIPTS_DIR: &str = "/scripts";
/// Patroni's name of Spilo's bootstrap method that restores from the archive.
pub const CLONE_METHOD: &str = "clone_with_wale";

/// Spilo's `archive_timeout` when `ARCHIVE_TIMEOUT` is not set.
pub const DEFAULT_ARCHIVE_TIMEOUT: &str = "1800s";
/// Spilo's `BACKUP_NUM_TO_RETAIN` default.
pub const DEFAULT_BACKUPS_TO_RETAIN: u32 = 5;
/// Spilo's `BACKUP_SCHEDULE` default: daily at 01:00.
pub const DEFAULT_BACKUP_SCHEDULE: &str = "0 1 * * *";

/// One WAL archive in S3 and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// `s3://bucket/path`: Spilo's `WALE_S3_PREFIX`.
    pub prefix: String,
    /// `AWS_ENDPOINT` (or `WALE_S3_ENDPOINT` without WAL-E's `+path`); `None`: AWS.
    pub endpoint: Option<String>,
    /// `AWS_S3_FORCE_PATH_STYLE` (or WAL-E's `+path`).
    pub path_style: bool,
    /// `AWS_REGION`.
    pub region: Option<String>,
}

impl Archive {
    /// Barman's destination URL and server name: the prefix split at its last `/`.
    pub fn location(&self) -> (String, String) {
        let trimmed = self.prefix.trim_end_matches('/');
        match trimmed.rsplit_once('/') {
            Some((url, server)) if url.len() > "s3://".len() => (url.into(), server.into()),
            _ => (trimmed.into(), "archive".into()),
        }
    }

    /// The options every `barman-cloud-*` command gets.
    fn options(&self) -> String {
        let mut options = vec!["--cloud-provider".to_string(), "aws-s3".to_string()];
        if let Some(endpoint) = &self.endpoint {
            options.push("--endpoint-url".into());
            options.push(sh_quote(endpoint));
        }
        if self.path_style {
            options.push("--addressing-style".into());
            options.push("path".into());
        }
        options.join(" ")
    }

    /// The destination URL and server name, quoted for sh.
    fn place(&self) -> String {
        let (url, server) = self.location();
        format!("{} {}", sh_quote(&url), sh_quote(&server))
    }
}

fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn set<'e>(env: &'e BTreeMap<String, String>, name: &str) -> Option<&'e str> {
    env.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
}

/// The archive the variables with `prefix` (`""` or `"CLONE_"`) name, for major `major`.
fn archive_with(
    env: &BTreeMap<String, String>,
    prefix: &str,
    scope: &str,
    major: &str,
) -> Option<Archive> {
    let var = |name: &str| set(env, &format!("{prefix}{name}"));
    let location = match var("WALE_S3_PREFIX").or_else(|| var("WALG_S3_PREFIX")) {
        Some(given) => given.to_string(),
        None => format!(
            "s3://{}/spilo/{}{}{}/wal/{}",
            var("WAL_S3_BUCKET")?,
            var("WAL_BUCKET_SCOPE_PREFIX").unwrap_or_default(),
            scope,
            var("WAL_BUCKET_SCOPE_SUFFIX").unwrap_or_default(),
            major
        ),
    };
    let wale_endpoint = var("WALE_S3_ENDPOINT");
    let endpoint = var("AWS_ENDPOINT")
        .map(str::to_string)
        .or_else(|| wale_endpoint.map(|e| e.replacen("+path", "", 1)));
    Some(Archive {
        prefix: location,
        endpoint,
        path_style: truthy(var("AWS_S3_FORCE_PATH_STYLE"))
            || wale_endpoint.is_some_and(|e| e.contains("+path://")),
        region: var("AWS_REGION").map(str::to_string),
    })
}

/// This cluster's WAL archive, if the environment asks for one (`WAL_S3_BUCKET` or
/// `WALE_S3_PREFIX`), for the major the pod runs.
pub fn archive(env: &BTreeMap<String, String>, major: u32) -> Option<Archive> {
    let scope = set(env, "SCOPE")?;
    archive_with(env, "", scope, &major.to_string())
}

/// A clone from another cluster's archive (`CLONE_METHOD=CLONE_WITH_WALE`): the source's
/// archive, read with the `CLONE_` variables only (as Spilo writes the clone's own WAL-E
/// environment), and the time to recover to (`CLONE_TARGET_TIME`; `None`: the archive's end).
pub fn clone_archive(
    env: &BTreeMap<String, String>,
    major: u32,
) -> Result<Option<(Archive, Option<String>)>, ConfigError> {
    if set(env, "CLONE_METHOD") != Some("CLONE_WITH_WALE") {
        return Ok(None);
    }
    let scope = set(env, "CLONE_SCOPE").ok_or(ConfigError::Missing("CLONE_SCOPE"))?;
    let archive = archive_with(env, "CLONE_", scope, &major.to_string()).ok_or(
        ConfigError::Missing("CLONE_WAL_S3_BUCKET (or CLONE_WALE_S3_PREFIX)"),
    )?;
    let target = set(env, "CLONE_TARGET_TIME").map(str::to_string);
    if let Some(time) = &target
        && time.chars().any(char::is_control)
    {
        return Err(ConfigError::Unreadable {
            name: "CLONE_TARGET_TIME",
            message: "it holds a control character".into(),
        });
    }
    Ok(Some((archive, target)))
}

/// A standby that replays another cluster's archive (`STANDBY_METHOD=STANDBY_WITH_WALE`,
/// `STANDBY_WALE_S3_PREFIX` from `spec.standby.s3_wal_path`), read with the `STANDBY_`
/// variables only, as Spilo writes the standby's own WAL-E environment.
pub fn standby_archive(env: &BTreeMap<String, String>) -> Result<Option<Archive>, ConfigError> {
    if set(env, "STANDBY_METHOD") != Some("STANDBY_WITH_WALE") {
        return Ok(None);
    }
    if set(env, "STANDBY_WALE_S3_PREFIX").is_none() {
        if set(env, "STANDBY_WALE_GS_PREFIX").is_some() {
            return Err(ConfigError::Unreadable {
                name: "STANDBY_WALE_GS_PREFIX",
                message: "a standby from Google Cloud Storage is not run by the local data plane (S3 only)".into(),
            });
        }
        return Err(ConfigError::Missing("STANDBY_WALE_S3_PREFIX"));
    }
    // The prefix is given whole: no scope or major is added.
    Ok(archive_with(env, "STANDBY_", "", ""))
}

/// Patroni's name of Spilo's replica creation method that restores the standby leader from
/// the archive.
pub const STANDBY_METHOD: &str = "bootstrap_standby_with_wale";
/// Its command, and the standby's `restore_command`, in the run directory.
pub const STANDBY_RESTORE_SCRIPT: &str = "standby-with-wal.sh";
pub const STANDBY_WAL_RESTORE_SCRIPT: &str = "standby-wal-restore.sh";

/// The standby leader's creation (Patroni adds `--scope --role --datadir --connstring`): the
/// newest base backup of the source's archive, restored into the data directory; Patroni
/// then replays the archive with [`STANDBY_WAL_RESTORE_SCRIPT`] for as long as it is a standby.
pub fn standby_restore_script(archive: &Archive, tools: &Path) -> String {
    clone_restore_script_with(
        archive,
        tools,
        None,
        "STANDBY_",
        "Spilo's bootstrap_standby_with_wale (wal-g backup-fetch), with barman-cloud-restore.",
    )
}

/// Lines that give the tools the credentials of the variables with `prefix`, at run time:
/// `AWS_*` from `{prefix}AWS_*`, unset where that is empty.
fn credentials(prefix: &str) -> String {
    let mut out = String::new();
    if !prefix.is_empty() {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_REGION",
        ] {
            out.push_str(&format!(
                "if [ -n \"${{{prefix}{name}:-}}\" ]; then export {name}=\"${prefix}{name}\"; else unset {name}; fi\n"
            ));
        }
    }
    // boto3 takes the region from AWS_DEFAULT_REGION.
    out.push_str(
        "if [ -n \"${AWS_REGION:-}\" ]; then export AWS_DEFAULT_REGION=\"$AWS_REGION\"; fi\n",
    );
    out
}

fn header(what: &str) -> String {
    format!("#!/bin/sh\n# Written by pgctl-pod-runner: {what}\nset -e\n")
}

/// `archive_command`'s script: `wal-archive.sh %p`.
pub fn wal_archive_script(archive: &Archive, tools: &Path) -> String {
    format!(
        "{}{}exec {} {} {} \"$1\"\n",
        header("Spilo's archive_command (wal-g wal-push), with barman-cloud-wal-archive."),
        credentials(""),
        sh_quote(&tools.join("barman-cloud-wal-archive").display().to_string()),
        archive.options(),
        archive.place(),
    )
}

/// `restore_command`'s script: `wal-restore.sh %f %p`, from this cluster's archive or (with
/// `prefix` `CLONE_`) the clone source's.
pub fn wal_restore_script(archive: &Archive, tools: &Path, prefix: &str) -> String {
    format!(
        "{}{}exec {} {} {} \"$1\" \"$2\"\n",
        header("Spilo's restore_command (wal-g wal-fetch), with barman-cloud-wal-restore."),
        credentials(prefix),
        sh_quote(&tools.join("barman-cloud-wal-restore").display().to_string()),
        archive.options(),
        archive.place(),
    )
}

/// Spilo's `postgres_backup.sh PGDATA`: a base backup of this pod's PostgreSQL into the archive
/// when it is the master (a replica does nothing), then the backups beyond `retain` deleted
/// (`BACKUP_NUM_TO_RETAIN`), oldest first, with the WAL only they needed.
pub fn backup_script(archive: &Archive, tools: &Path, bin_dir: &Path, retain: u32) -> String {
    let tool = |name: &str| sh_quote(&tools.join(name).display().to_string());
    format!(
        "{}{}\
         in_recovery=$({} --no-psqlrc -h {} -U postgres -d postgres -XAtc 'SELECT pg_is_in_recovery()')\n\
         if [ \"$in_recovery\" != f ]; then echo 'not the master: no base backup'; exit 0; fi\n\
         {} {} --host {} --user postgres --immediate-checkpoint {}\n\
         exec {} {} --retention-policy 'REDUNDANCY {}' {}\n",
        header(
            "Spilo's postgres_backup.sh (wal-g backup-push, delete retain), with barman-cloud-backup."
        ),
        credentials(""),
        sh_quote(&bin_dir.join("psql").display().to_string()),
        super::patroni::SOCKET_DIR,
        tool("barman-cloud-backup"),
        archive.options(),
        super::patroni::SOCKET_DIR,
        archive.place(),
        tool("barman-cloud-backup-delete"),
        archive.options(),
        retain,
        archive.place(),
    )
}

/// The clone's bootstrap command (Patroni adds `--scope=… --datadir=…`): the newest base
/// backup that ended before the target time (or the newest), restored into the data
/// directory; Patroni then recovers to the target with [`CLONE_WAL_RESTORE_SCRIPT`].
pub fn clone_restore_script(archive: &Archive, tools: &Path, target: Option<&str>) -> String {
    clone_restore_script_with(
        archive,
        tools,
        target,
        "CLONE_",
        "Spilo's clone_with_wale (wal-g backup-fetch), with barman-cloud-restore.",
    )
}

/// A restore of the newest base backup (before `target`, if given) of `archive` into the data
/// directory Patroni passes, with the credentials of the variables with `prefix`.
fn clone_restore_script_with(
    archive: &Archive,
    tools: &Path,
    target: Option<&str>,
    prefix: &str,
    what: &str,
) -> String {
    let target = target
        .map(|t| format!(" --target-time {}", sh_quote(t)))
        .unwrap_or_default();
    format!(
        "{}{}for arg; do case \"$arg\" in --datadir=*) datadir=\"${{arg#--datadir=}}\" ;; esac; done\n\
         [ -n \"$datadir\" ] || {{ echo 'no --datadir given' >&2; exit 1; }}\n\
         exec {} {}{} {} auto \"$datadir\"\n",
        header(what),
        credentials(prefix),
        sh_quote(&tools.join("barman-cloud-restore").display().to_string()),
        archive.options(),
        target,
        archive.place(),
    )
}

/// The script that starts a Spilo container whose cluster archives: Spilo's cron (base backups
/// on `BACKUP_SCHEDULE`, [`cron_script`]) in the background, then Patroni in its place.
pub const START_SCRIPT: &str = "spilo-start.sh";
/// Spilo's crontab line, as a loop.
pub const CRON_SCRIPT: &str = "backup-cron.sh";

/// [`START_SCRIPT`]: the cron loop in the background, then `exec` of Patroni.
pub fn start_script(run_dir: &Path, patroni: &Path, config: &Path) -> String {
    format!(
        "{}{} &
exec {} {}
",
        header("Spilo's start: cron (base backups on BACKUP_SCHEDULE) and Patroni."),
        sh_quote(&run_dir.join(CRON_SCRIPT).display().to_string()),
        sh_quote(&patroni.display().to_string()),
        sh_quote(&config.display().to_string()),
    )
}

/// `BACKUP_SCHEDULE` (five cron fields), or Spilo's default; a schedule cron would not take is
/// an error naming the variable.
pub fn backup_schedule(env: &BTreeMap<String, String>) -> Result<String, ConfigError> {
    let schedule = set(env, "BACKUP_SCHEDULE").unwrap_or(DEFAULT_BACKUP_SCHEDULE);
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    let item_ok = |item: &str| {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        let number =
            |n: &str| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit());
        step.is_none_or(number)
            && (range == "*"
                || number(range)
                || range
                    .split_once('-')
                    .is_some_and(|(a, b)| number(a) && number(b)))
    };
    if fields.len() != 5 || !fields.iter().all(|f| f.split(',').all(item_ok)) {
        return Err(ConfigError::Unreadable {
            name: "BACKUP_SCHEDULE",
            message: format!(
                "{schedule:?} is not a cron schedule of five numeric fields (minute hour day month weekday)"
            ),
        });
    }
    Ok(fields.join(" "))
}

/// Spilo's crontab entry `BACKUP_SCHEDULE /scripts/postgres_backup.sh PGDATA` as a loop in the
/// container: at the start of every minute (UTC, as in Spilo), if the schedule matches, the
/// backup script runs (to its end: runs do not overlap). Cron's rules: `*`, numbers, ranges,
/// lists and steps; weekday 0 or 7 is Sunday; when both day fields are restricted, either
/// matches.
pub fn cron_script(schedule: &str, pgdata: &str) -> String {
    format!(
        r#"{}# The fields hold '*': no file name expansion anywhere.
set -f
schedule={}
pgdata={}
# field_matches VALUE FIELD LOW HIGH
field_matches() {{
    value=$1; low=$3; high=$4
    old_ifs=$IFS; IFS=,
    for item in $2; do
        IFS=$old_ifs
        step=1; first=$low; last=$high
        case $item in */*) step=${{item#*/}}; item=${{item%/*}} ;; esac
        case $item in
            '*') ;;
            *-*) first=${{item%-*}}; last=${{item#*-}} ;;
            *) first=$item; [ "$step" = 1 ] && last=$item ;;
        esac
        if [ "$value" -ge "$first" ] && [ "$value" -le "$last" ] && [ $(( (value - first) % step )) -eq 0 ]; then
            return 0
        fi
    done
    IFS=$old_ifs
    return 1
}}
# schedule_matches MINUTE HOUR DAY MONTH WEEKDAY
schedule_matches() {{
    set -- $schedule "$@"
    field_matches "$6" "$1" 0 59 && field_matches "$7" "$2" 0 23 && field_matches "$9" "$4" 1 12 || return 1
    day_ok=1; week_ok=1
    field_matches "$8" "$3" 1 31 || day_ok=0
    {{ field_matches "${{10}}" "$5" 0 7 || {{ [ "${{10}}" = 0 ] && field_matches 7 "$5" 0 7; }}; }} || week_ok=0
    if [ "$3" != '*' ] && [ "$5" != '*' ]; then
        [ $day_ok = 1 ] || [ $week_ok = 1 ]
    else
        [ $day_ok = 1 ] && [ $week_ok = 1 ]
    fi
}}
# Numbers without leading zeros (08 is not octal to the shell).
now() {{
    set -- $(date -u '+%M %H %d %m %w')
    echo $((1$1 - 100)) $((1$2 - 100)) $((1$3 - 100)) $((1$4 - 100)) $5
}}
[ "${{1:-}}" = --check ] && {{ shift; schedule_matches "$@"; exit $?; }}
while :; do
    second=$(date -u +%S)
    sleep $((60 - (1$second - 100)))
    if schedule_matches $(now); then
        echo "backup-cron: $schedule: /scripts/{} $pgdata"
        {} "$pgdata" || echo "backup-cron: the base backup failed"
    fi
done
"#,
        header("Spilo's crontab (BACKUP_SCHEDULE)."),
        sh_quote(schedule),
        sh_quote(pgdata),
        BACKUP_SCRIPT,
        sh_quote(&format!("{SCRIPTS_DIR}/{BACKUP_SCRIPT}")),
    )
}

/// `BACKUP_NUM_TO_RETAIN`, or Spilo's default.
pub fn backups_to_retain(env: &BTreeMap<String, String>) -> Result<u32, ConfigError> {
    match set(env, "BACKUP_NUM_TO_RETAIN") {
        None => Ok(DEFAULT_BACKUPS_TO_RETAIN),
        Some(n) => {
            n.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError::Unreadable {
                    name: "BACKUP_NUM_TO_RETAIN",
                    message: format!("{n:?} is not a positive number"),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_archive_is_where_spilo_puts_it() {
        let e = env(&[
            ("SCOPE", "acid-demo"),
            ("WAL_S3_BUCKET", "backups"),
            ("WAL_BUCKET_SCOPE_SUFFIX", "/0f3c"),
            ("WAL_BUCKET_SCOPE_PREFIX", ""),
            ("AWS_ENDPOINT", "http://s3.object-store:80"),
            ("AWS_S3_FORCE_PATH_STYLE", "true"),
        ]);
        let a = archive(&e, 17).expect("an archive");
        assert_eq!(a.prefix, "s3://backups/spilo/acid-demo/0f3c/wal/17");
        assert_eq!(
            a.location(),
            (
                "s3://backups/spilo/acid-demo/0f3c/wal".to_string(),
                "17".to_string()
            )
        );
        assert!(a.path_style);
        assert_eq!(a.endpoint.as_deref(), Some("http://s3.object-store:80"));
    }

    #[test]
    fn no_bucket_means_no_archive() {
        assert_eq!(archive(&env(&[("SCOPE", "acid-demo")]), 17), None);
    }

    #[test]
    fn a_given_prefix_and_wal_e_endpoint_are_used() {
        let e = env(&[
            ("SCOPE", "acid-demo"),
            ("WALE_S3_PREFIX", "s3://b/custom/path/"),
            ("WALE_S3_ENDPOINT", "https+path://minio:9000"),
        ]);
        let a = archive(&e, 16).expect("an archive");
        assert_eq!(
            a.location(),
            ("s3://b/custom".to_string(), "path".to_string())
        );
        assert_eq!(a.endpoint.as_deref(), Some("https://minio:9000"));
        assert!(a.path_style);
    }

    #[test]
    fn a_clone_reads_only_the_clone_variables() -> Result<(), ConfigError> {
        let e = env(&[
            ("SCOPE", "acid-new"),
            ("WAL_S3_BUCKET", "mine"),
            ("CLONE_METHOD", "CLONE_WITH_WALE"),
            ("CLONE_SCOPE", "acid-old"),
            ("CLONE_WAL_S3_BUCKET", "theirs"),
            ("CLONE_WAL_BUCKET_SCOPE_SUFFIX", "/u1"),
            ("CLONE_TARGET_TIME", "2026-12-04T10:15:00+00:00"),
        ]);
        let (a, target) = clone_archive(&e, 16)?.expect("a clone");
        assert_eq!(a.prefix, "s3://theirs/spilo/acid-old/u1/wal/16");
        assert_eq!(a.endpoint, None);
        assert_eq!(target.as_deref(), Some("2026-12-04T10:15:00+00:00"));
        let script = clone_restore_script(&a, Path::new("/t"), target.as_deref());
        assert!(script.contains("--target-time '2026-12-04T10:15:00+00:00' 's3://theirs/spilo/acid-old/u1/wal' '16' auto \"$datadir\""), "{script}");
        assert!(script.contains("export AWS_ACCESS_KEY_ID=\"$CLONE_AWS_ACCESS_KEY_ID\""));
        Ok(())
    }

    #[test]
    fn a_standby_replays_the_archive_its_path_names() -> Result<(), ConfigError> {
        let e = env(&[
            ("STANDBY_METHOD", "STANDBY_WITH_WALE"),
            ("STANDBY_WALE_S3_PREFIX", "s3://b/spilo/acid-src/u1/wal/17"),
            ("STANDBY_AWS_ENDPOINT", "http://s3.object-store"),
            ("AWS_ENDPOINT", "http://elsewhere"),
        ]);
        let a = standby_archive(&e)?.expect("a standby archive");
        assert_eq!(
            a.location(),
            ("s3://b/spilo/acid-src/u1/wal".to_string(), "17".to_string())
        );
        assert_eq!(a.endpoint.as_deref(), Some("http://s3.object-store"));
        let script = standby_restore_script(&a, Path::new("/t"));
        assert!(
            script.contains("export AWS_ACCESS_KEY_ID=\"$STANDBY_AWS_ACCESS_KEY_ID\""),
            "{script}"
        );
        assert!(script.contains("auto \"$datadir\""), "{script}");
        assert_eq!(standby_archive(&env(&[]))?, None);
        assert!(standby_archive(&env(&[("STANDBY_METHOD", "STANDBY_WITH_WALE")])).is_err());
        Ok(())
    }

    #[test]
    fn a_clone_without_a_bucket_is_an_error() {
        let e = env(&[("CLONE_METHOD", "CLONE_WITH_WALE"), ("CLONE_SCOPE", "x")]);
        assert!(matches!(
            clone_archive(&e, 16),
            Err(ConfigError::Missing(_))
        ));
    }

    #[test]
    fn scripts_hold_no_credentials() {
        let e = env(&[
            ("SCOPE", "acid-demo"),
            ("WAL_S3_BUCKET", "backups"),
            ("AWS_ACCESS_KEY_ID", "AKIDSECRET"),
            ("AWS_SECRET_ACCESS_KEY", "very-secret"),
        ]);
        let a = archive(&e, 17).expect("an archive");
        for script in [
            wal_archive_script(&a, Path::new("/t")),
            wal_restore_script(&a, Path::new("/t"), ""),
            backup_script(&a, Path::new("/t"), Path::new("/pg/bin"), 3),
        ] {
            assert!(!script.contains("AKIDSECRET") && !script.contains("very-secret"));
        }
        let backup = backup_script(&a, Path::new("/t"), Path::new("/pg/bin"), 3);
        assert!(
            backup.contains("--retention-policy 'REDUNDANCY 3'"),
            "{backup}"
        );
    }

    /// Runs the cron script's matcher (`--check`) for a time.
    fn fires(schedule: &str, minute: u32, hour: u32, day: u32, month: u32, weekday: u32) -> bool {
        let script = cron_script(schedule, "/data");
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .arg("cron")
            .arg("--check")
            .args([minute, hour, day, month, weekday].map(|n| n.to_string()))
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn the_cron_loop_matches_as_cron_does() {
        // Spilo's default: 01:00 every day.
        assert!(fires("0 1 * * *", 0, 1, 5, 12, 6));
        assert!(!fires("0 1 * * *", 1, 1, 5, 12, 6));
        assert!(!fires("0 1 * * *", 0, 2, 5, 12, 6));
        assert!(fires("* * * * *", 37, 13, 5, 12, 6));
        assert!(fires("*/15 * * * *", 45, 0, 1, 1, 0));
        assert!(!fires("*/15 * * * *", 46, 0, 1, 1, 0));
        assert!(fires("5-10/5 * * * *", 10, 0, 1, 1, 0));
        assert!(!fires("5-10/5 * * * *", 7, 0, 1, 1, 0));
        assert!(fires("0 8,20 * * *", 0, 20, 1, 1, 0));
        // Sunday is 0 or 7.
        assert!(fires("0 0 * * 7", 0, 0, 6, 12, 0));
        assert!(!fires("0 0 * * 1-5", 0, 0, 6, 12, 0));
        // Both day fields restricted: either.
        assert!(fires("0 0 1 * 1", 0, 0, 7, 12, 1));
        assert!(fires("0 0 1 * 1", 0, 0, 1, 12, 3));
        assert!(!fires("0 0 1 * 1", 0, 0, 2, 12, 3));
    }

    #[test]
    fn a_schedule_cron_would_refuse_is_named() {
        assert_eq!(backup_schedule(&env(&[])), Ok("0 1 * * *".to_string()));
        assert_eq!(
            backup_schedule(&env(&[("BACKUP_SCHEDULE", " */5  * * * 1-5 ")])),
            Ok("*/5 * * * 1-5".to_string())
        );
        for bad in ["@daily", "* * * *", "0 1 * * MON", "0 1; rm -rf / * * *"] {
            let err = backup_schedule(&env(&[("BACKUP_SCHEDULE", bad)]));
            assert!(
                matches!(
                    err,
                    Err(ConfigError::Unreadable {
                        name: "BACKUP_SCHEDULE",
                        ..
                    })
                ),
                "{bad}: {err:?}"
            );
        }
    }

    #[test]
    fn retention_is_a_positive_number() {
        assert_eq!(backups_to_retain(&env(&[])), Ok(5));
        assert_eq!(
            backups_to_retain(&env(&[("BACKUP_NUM_TO_RETAIN", "2")])),
            Ok(2)
        );
        assert!(backups_to_retain(&env(&[("BACKUP_NUM_TO_RETAIN", "0")])).is_err());
    }
}
