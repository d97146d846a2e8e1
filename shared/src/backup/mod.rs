//! Backups: the health of the cluster's continuous WAL archiving, judged from PostgreSQL's own
//! counters (`pg_stat_archiver` and `archive_mode`, read on the master), whatever tool archives
//! (WAL-G in a Spilo image, Barman's cloud tools in the local data plane). The controller
//! reads them when it connects to the master and writes the condition [`CONDITION`].

pub mod catalog;
pub mod schedule;

/// The condition: `True` while WAL reaches the archive, `False` while the archiver fails,
/// `Unknown` until the first segment is archived. Absent when `archive_mode` is off.
pub const CONDITION: &str = "BackupsHealthy";

/// Reasons of [`CONDITION`].
pub mod reason {
    pub const ARCHIVING: &str = "Archiving";
    pub const ARCHIVE_FAILING: &str = "ArchiveFailing";
    pub const WAITING_FOR_ARCHIVE: &str = "WaitingForFirstSegment";
    pub const BASE_BACKUP_TOO_OLD: &str = "BaseBackupTooOld";
    pub const NO_BASE_BACKUP: &str = "NoBaseBackup";
}

/// `pg_stat_archiver` and `archive_mode` of the master. Times are seconds since the epoch
/// with their RFC 3339 text (UTC), as PostgreSQL gave them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArchiverStats {
    /// `archive_mode`: `off`, `on` or `always`.
    pub archive_mode: String,
    pub archived_count: i64,
    pub last_archived_wal: Option<String>,
    pub last_archived: Option<(f64, String)>,
    pub failed_count: i64,
    pub last_failed_wal: Option<String>,
    pub last_failed: Option<(f64, String)>,
}

/// The query that reads [`ArchiverStats`] (one row: mode, counts, segment names, epoch
/// seconds and UTC text of the two times).
pub const QUERY: &str = "select current_setting('archive_mode'), archived_count, last_archived_wal, \
     extract(epoch from last_archived_time)::float8, \
     to_char(last_archived_time at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
     failed_count, last_failed_wal, \
     extract(epoch from last_failed_time)::float8, \
     to_char(last_failed_time at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
     from pg_stat_archiver";

/// The condition (status, reason, message) the counters call for; `None` when the cluster
/// does not archive.
pub fn assess(stats: &ArchiverStats) -> Option<(&'static str, &'static str, String)> {
    if stats.archive_mode == "off" || stats.archive_mode.is_empty() {
        return None;
    }
    let archived = match (&stats.last_archived_wal, &stats.last_archived) {
        (Some(wal), Some((_, at))) => Some(format!("{wal} at {at}")),
        _ => None,
    };
    let failing = match (&stats.last_failed, &stats.last_archived) {
        (Some((failed, _)), Some((archived, _))) => failed > archived,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if failing {
        let wal = stats.last_failed_wal.as_deref().unwrap_or("a WAL segment");
        let at = stats
            .last_failed
            .as_ref()
            .map(|(_, text)| text.as_str())
            .unwrap_or_default();
        return Some((
            "False",
            reason::ARCHIVE_FAILING,
            format!(
                "archive_command fails: {wal} could not be archived at {at} ({} failed attempts since the counters' reset); last archived: {}; WAL accumulates in pg_wal until it succeeds",
                stats.failed_count,
                archived.as_deref().unwrap_or("none"),
            ),
        ));
    }
    match archived {
        Some(archived) => Some((
            "True",
            reason::ARCHIVING,
            format!(
                "last archived {archived} ({} segments archived, {} failed attempts since the counters' reset)",
                stats.archived_count, stats.failed_count
            ),
        )),
        None => Some((
            "Unknown",
            reason::WAITING_FOR_ARCHIVE,
            "archive_mode is on and no WAL segment has been archived yet".to_string(),
        )),
    }
}

/// What the master's `pg_wal` says of base backups: the newest backup history file
/// (`…​.backup`, which PostgreSQL writes when a base backup ends — WAL-G's, Barman's,
/// `pg_basebackup`'s — and keeps until the next one) and since when this server is the
/// master (its start, or its promotion: the newest timeline history file). Epoch seconds with
/// their UTC text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BaseBackupStats {
    pub last_backup_end: Option<(f64, String)>,
    pub master_since: Option<(f64, String)>,
}

/// The query that reads [`BaseBackupStats`] on the master (superuser or `pg_monitor`).
pub const BASE_BACKUP_QUERY: &str = "select \
     extract(epoch from b)::float8, to_char(b at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
     extract(epoch from m)::float8, to_char(m at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
     from (select \
     (select max(modification) from pg_ls_waldir() where name ~ '^[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup$') b, \
     greatest(pg_postmaster_start_time(), \
     (select max(modification) from pg_ls_waldir() where name ~ '^[0-9A-F]{8}\\.history$')) m) t";

/// [`assess`], then the base backups against the schedule: with archiving healthy, the
/// condition turns `False` when the last base backup ended more than twice the schedule's
/// longest interval ago (`schedule`: `BACKUP_SCHEDULE`), or when none was taken since this
/// master started or was promoted that long ago. `now` in epoch seconds.
pub fn judge(
    stats: &ArchiverStats,
    base: Option<&BaseBackupStats>,
    schedule: &str,
    now: f64,
) -> Option<(&'static str, &'static str, String)> {
    let archive = assess(stats)?;
    if archive.0 != "True" {
        return Some(archive);
    }
    let Some(base) = base else {
        return Some(archive);
    };
    let interval = match schedule::longest_interval(schedule) {
        Ok(Some(interval)) => interval,
        // A schedule that never runs, or one cron refuses (the pods' cron says so): the age is
        // not judged.
        Ok(None) | Err(_) => return Some(archive),
    };
    let allowed = 2.0 * interval.as_secs_f64();
    let ago = |at: f64| span((now - at).max(0.0));
    match (&base.last_backup_end, &base.master_since) {
        (Some((at, text)), _) if now - at > allowed => Some((
            "False",
            reason::BASE_BACKUP_TOO_OLD,
            format!(
                "the last base backup ended at {text} ({} ago), more than twice BACKUP_SCHEDULE {schedule:?}'s longest interval ({}); WAL is archived, but a restore replays all of it since then: see the backup job's output in the master's log",
                ago(*at),
                span(interval.as_secs_f64())
            ),
        )),
        (Some((_, text)), _) => Some((
            archive.0,
            archive.1,
            format!("{}; last base backup ended at {text}", archive.2),
        )),
        (None, Some((since, text))) if now - since > allowed => Some((
            "False",
            reason::NO_BASE_BACKUP,
            format!(
                "no base backup since this master started or was promoted at {text} ({} ago), more than twice BACKUP_SCHEDULE {schedule:?}'s longest interval ({}): see the backup job's output in the master's log",
                ago(*since),
                span(interval.as_secs_f64())
            ),
        )),
        (None, _) => Some((
            archive.0,
            archive.1,
            format!("{}; no base backup yet", archive.2),
        )),
    }
}

/// The pods' variables that give Spilo a WAL archive (any of them): without one, Spilo keeps
/// `archive_mode` on with `archive_command` `/bin/true`, and `pg_stat_archiver` counts
/// segments that go nowhere.
pub const ARCHIVE_VARIABLES: &[&str] = &[
    "WAL_S3_BUCKET",
    "WAL_GS_BUCKET",
    "WALE_S3_PREFIX",
    "WALG_S3_PREFIX",
    "WALE_GS_PREFIX",
    "WALG_GS_PREFIX",
    "WALE_SWIFT_PREFIX",
    "WALG_AZ_PREFIX",
    "AZURE_STORAGE_ACCOUNT",
];

/// Whether the cluster's pods archive WAL somewhere: a bucket of the configuration
/// (`wal_s3_bucket`, `wal_gs_bucket`, `wal_az_storage_account`) or one of
/// [`ARCHIVE_VARIABLES`] non-empty in `vars` (the pods' literal env and
/// `pod_environment_configmap`).
pub fn archives(
    config: &crate::config::OperatorConfig,
    vars: &std::collections::BTreeMap<String, String>,
) -> bool {
    !config.wal_s3_bucket.is_empty()
        || !config.wal_gs_bucket.is_empty()
        || !config.wal_az_storage_account.is_empty()
        || ARCHIVE_VARIABLES
            .iter()
            .any(|name| vars.get(*name).is_some_and(|v| !v.is_empty()))
}

/// `2d3h`, `5h7m`, `12m`, `40s`: a span for people.
fn span(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h{m}m"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// The command, run in the master's `postgres` container, that takes a base backup now: Spilo's
/// `/scripts/postgres_backup.sh PGDATA` as `postgres`, through `envdir /run/etc/wal-e.d/env`
/// where Spilo keeps its WAL-G settings there (a real Spilo image), directly otherwise (the local
/// data plane gives the script the container's environment). `background`: detached, its
/// output going to the container's log, so that the command returns at once.
pub fn backup_command(background: bool) -> Vec<String> {
    let run = "script=\"/scripts/postgres_backup.sh ${PGDATA:-/home/postgres/pgdata/pgroot/data}\"; \
         if [ -d /run/etc/wal-e.d/env ] && command -v envdir >/dev/null 2>&1; then \
         script=\"envdir /run/etc/wal-e.d/env $script\"; fi; ";
    let exec = if background {
        "nohup su postgres -c \"$script\" >/proc/1/fd/1 2>&1 </dev/null & echo started"
    } else {
        "exec su postgres -c \"$script\""
    };
    vec!["sh".into(), "-c".into(), format!("{run}{exec}")]
}

/// The time a restore recovers to, as `spec.clone.timestamp` needs it: RFC 3339 with an
/// explicit offset (a `Z` becomes `+00:00`, which the reference's CRD requires), in UTC. A time
/// after `now` is refused: the archive holds nothing later than now.
pub fn target_time(text: &str, now: k8s_openapi::jiff::Timestamp) -> Result<String, String> {
    let time: k8s_openapi::jiff::Timestamp = text.trim().parse().map_err(|e| {
        format!(
            "{text:?} is not an RFC 3339 time with an offset, e.g. 2026-12-04T10:15:00+00:00 ({e})"
        )
    })?;
    if time > now {
        return Err(format!(
            "{text:?} is in the future (now is {now}): a restore recovers to a moment the archive already holds"
        ));
    }
    let utc = time.to_string();
    Ok(match utc.strip_suffix('Z') {
        Some(rest) => format!("{rest}+00:00"),
        None => utc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_times_are_written_with_an_explicit_offset_in_utc() {
        let now: k8s_openapi::jiff::Timestamp = "2026-12-05T12:00:00Z".parse().expect("a time");
        assert_eq!(
            target_time("2026-12-04T10:15:00Z", now).as_deref(),
            Ok("2026-12-04T10:15:00+00:00")
        );
        assert_eq!(
            target_time("2026-12-04T11:15:00.25+01:00", now).as_deref(),
            Ok("2026-12-04T10:15:00.25+00:00")
        );
        assert!(target_time("2026-12-04 10:15", now).is_err());
        assert!(target_time("2026-12-04T10:15:00", now).is_err());
        let future = target_time("2026-12-06T00:00:00Z", now).expect_err("a future time");
        assert!(future.contains("future"), "{future}");
    }

    fn stats() -> ArchiverStats {
        ArchiverStats {
            archive_mode: "on".into(),
            archived_count: 7,
            last_archived_wal: Some("000000010000000000000007".into()),
            last_archived: Some((100.0, "2026-12-05T10:00:00Z".into())),
            failed_count: 0,
            last_failed_wal: None,
            last_failed: None,
        }
    }

    fn base(last: Option<f64>, since: f64) -> BaseBackupStats {
        BaseBackupStats {
            last_backup_end: last.map(|t| (t, format!("T{t}"))),
            master_since: Some((since, format!("S{since}"))),
        }
    }

    #[test]
    fn base_backups_older_than_twice_the_schedule_make_the_condition_false() {
        let day = 86_400.0;
        let now = 100.0 * day;
        let daily = schedule::SPILO_DEFAULT;
        // A backup a day ago: healthy, and the message says when.
        let (status, reason, message) =
            judge(&stats(), Some(&base(Some(now - day), 0.0)), daily, now).expect("condition");
        assert_eq!((status, reason), ("True", reason::ARCHIVING));
        assert!(message.contains("last base backup ended at T"), "{message}");
        // Three days ago with a daily schedule: too old.
        let (status, reason, message) = judge(
            &stats(),
            Some(&base(Some(now - 3.0 * day), 0.0)),
            daily,
            now,
        )
        .expect("condition");
        assert_eq!((status, reason), ("False", reason::BASE_BACKUP_TOO_OLD));
        assert!(
            message.contains("3d0h ago") && message.contains("1d0h"),
            "{message}"
        );
        // Weekly: three days is fine.
        assert_eq!(
            judge(
                &stats(),
                Some(&base(Some(now - 3.0 * day), 0.0)),
                "0 2 * * 0",
                now
            )
            .map(|c| c.0),
            Some("True")
        );
        // None yet: fine for a master of an hour, not for one of three days.
        assert_eq!(
            judge(&stats(), Some(&base(None, now - 3600.0)), daily, now).map(|c| (c.0, c.1)),
            Some(("True", reason::ARCHIVING))
        );
        assert_eq!(
            judge(&stats(), Some(&base(None, now - 3.0 * day)), daily, now).map(|c| (c.0, c.1)),
            Some(("False", reason::NO_BASE_BACKUP))
        );
        // A failing archive says so first; no archive, no condition; no base stats, as before.
        let mut failing = stats();
        failing.last_failed = Some((now, "F".into()));
        failing.last_failed_wal = Some("000000010000000000000009".into());
        assert_eq!(
            judge(
                &failing,
                Some(&base(Some(now - 9.0 * day), 0.0)),
                daily,
                now
            )
            .map(|c| c.1),
            Some(reason::ARCHIVE_FAILING)
        );
        let mut off = stats();
        off.archive_mode = "off".into();
        assert_eq!(judge(&off, Some(&base(None, 0.0)), daily, now), None);
        assert_eq!(judge(&stats(), None, daily, now), assess(&stats()));
        // A schedule cron refuses is not judged here (the pods' cron says so).
        assert_eq!(
            judge(&stats(), Some(&base(Some(0.0), 0.0)), "@daily", now).map(|c| c.0),
            Some("True")
        );
    }

    #[test]
    fn only_a_configured_archive_counts() {
        let mut vars = std::collections::BTreeMap::new();
        let config = crate::config::OperatorConfig::default();
        assert!(!archives(&config, &vars));
        vars.insert("WAL_S3_BUCKET".to_string(), String::new());
        assert!(!archives(&config, &vars));
        vars.insert("WALG_S3_PREFIX".to_string(), "s3://b/p".to_string());
        assert!(archives(&config, &vars));
        let config = crate::config::OperatorConfig {
            wal_s3_bucket: "b".into(),
            ..crate::config::OperatorConfig::default()
        };
        assert!(archives(&config, &std::collections::BTreeMap::new()));
    }

    #[test]
    fn no_archive_no_condition() {
        let mut s = stats();
        s.archive_mode = "off".into();
        assert_eq!(assess(&s), None);
    }

    #[test]
    fn archiving_is_healthy() {
        let (status, reason, message) = assess(&stats()).expect("a condition");
        assert_eq!((status, reason), ("True", reason::ARCHIVING));
        assert!(message.contains("000000010000000000000007 at 2026-12-05T10:00:00Z"));
    }

    #[test]
    fn a_failure_after_the_last_success_is_unhealthy_until_a_later_success() {
        let mut s = stats();
        s.failed_count = 3;
        s.last_failed_wal = Some("000000010000000000000008".into());
        s.last_failed = Some((160.0, "2026-12-05T10:01:00Z".into()));
        let (status, reason, message) = assess(&s).expect("a condition");
        assert_eq!((status, reason), ("False", reason::ARCHIVE_FAILING));
        assert!(message.contains("000000010000000000000008"), "{message}");
        assert!(message.contains("3 failed attempts"), "{message}");
        // The store is back: the segment is archived after the failures.
        s.last_archived_wal = Some("000000010000000000000008".into());
        s.last_archived = Some((200.0, "2026-12-05T10:01:40Z".into()));
        assert_eq!(assess(&s).map(|c| c.0), Some("True"));
    }

    #[test]
    fn nothing_archived_yet_is_unknown_and_failing_without_success_is_false() {
        let mut s = ArchiverStats {
            archive_mode: "on".into(),
            ..ArchiverStats::default()
        };
        assert_eq!(
            assess(&s).map(|c| (c.0, c.1)),
            Some(("Unknown", reason::WAITING_FOR_ARCHIVE))
        );
        s.failed_count = 1;
        s.last_failed = Some((1.0, "t".into()));
        assert_eq!(assess(&s).map(|c| c.0), Some("False"));
    }
}
