//! The catalog of a cluster's archives in an object store, for `pgctl backup list` and for
//! `pgctl restore` to refuse a time outside what the archive can restore. Pure: the caller lists
//! the objects below the cluster's prefix (Spilo's `spilo/{SCOPE_PREFIX}SCOPE{/UID}/`) and fetches
//! the small metadata objects this module asks for, in two phases:
//!
//! 1. [`metadata_to_fetch`]: from the listing, the keys of the metadata objects (WAL-G's and
//!    WAL-E's `*_backup_stop_sentinel.json`, Barman's `backup.info`);
//! 2. [`build`]: from the listing and those objects' bytes, the [`Catalog`].
//!
//! An archive is a `…/wal/MAJOR/` directory in one of two layouts ([`Layout`]):
//! - WAL-G (a Spilo image) or WAL-E (older Spilo): `basebackups_005/base_<WAL name>[_D_…]/…`, a
//!   sentinel `basebackups_005/base_<name>_backup_stop_sentinel.json` per finished backup,
//!   `wal_005/<WAL name>[.ext]`, `<timeline>.history[.ext]`, `<WAL name>.partial[.ext]`;
//! - Barman cloud (the local data plane, server name MAJOR): `base/<backup id>/backup.info` and
//!   the backup's data beside it, `wals/<timeline+log>/<WAL name>[.ext]` and
//!   `wals/<timeline>.history[.ext]`.
//!
//! WAL continuity is judged on segment positions, whatever their timeline: a promotion continues
//! the sequence on the new timeline (`…01…0A.partial`, `…02…0A`), so the union of the timelines'
//! segments has no gap. A gap on one timeline hidden by another timeline's segment of the same
//! position is not seen.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize, Serializer};

/// PostgreSQL's default WAL segment size, which WAL-G and WAL-E do not record. Barman's
/// `backup.info` gives the cluster's (`xlog_segment_size`).
pub const DEFAULT_SEGMENT_SIZE: u64 = 16 * 1024 * 1024;

const SENTINEL_SUFFIX: &str = "_backup_stop_sentinel.json";
const BARMAN_INFO: &str = "backup.info";

/// One object of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub size: u64,
    pub last_modified: Timestamp,
}

/// The prefix below which a cluster's archives live, with a trailing `/` so that a listing of
/// `acid-foo` does not take in `acid-foo-bar`: `spilo/{scope_prefix}{scope}/` or, with the uid
/// (`WAL_BUCKET_SCOPE_SUFFIX=/UID`, what pgctl sets), `spilo/{scope_prefix}{scope}/{uid}/`.
pub fn cluster_prefix(scope_prefix: &str, scope: &str, uid: Option<&str>) -> String {
    match uid {
        Some(uid) => format!("spilo/{scope_prefix}{scope}/{uid}/"),
        None => format!("spilo/{scope_prefix}{scope}/"),
    }
}

/// The directory layout below `…/wal/MAJOR/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `basebackups_005/` and `wal_005/`: WAL-G, or WAL-E before it.
    WalG,
    /// `base/` and `wals/`: Barman's cloud tools.
    Barman,
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::WalG => "wal-g",
            Layout::Barman => "barman",
        })
    }
}

/// A WAL segment's name: timeline, log id and segment number (`TTTTTTTTLLLLLLLLSSSSSSSS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Segment {
    pub timeline: u32,
    pub log: u32,
    pub seg: u32,
}

impl Segment {
    /// A segment name of exactly 24 hexadecimal digits.
    pub fn parse(name: &str) -> Option<Segment> {
        if name.len() != 24 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let part = |range: std::ops::Range<usize>| u32::from_str_radix(name.get(range)?, 16).ok();
        Some(Segment {
            timeline: part(0..8)?,
            log: part(8..16)?,
            seg: part(16..24)?,
        })
    }

    /// The segment holding `lsn` (PostgreSQL's `XLByteToSeg`).
    pub fn of_lsn(timeline: u32, lsn: u64, segment_size: u64) -> Segment {
        Segment {
            timeline,
            log: (lsn >> 32) as u32,
            seg: ((lsn & 0xFFFF_FFFF) / segment_size.max(1)) as u32,
        }
    }

    /// The segment holding the byte before `lsn` (`XLByteToPrevSeg`): the last segment a backup
    /// ending at `lsn` needs.
    pub fn before_lsn(timeline: u32, lsn: u64, segment_size: u64) -> Segment {
        Segment::of_lsn(timeline, lsn.saturating_sub(1), segment_size)
    }

    fn position(self, per_log: u64) -> u64 {
        u64::from(self.log) * per_log + u64::from(self.seg)
    }

    fn at(timeline: u32, position: u64, per_log: u64) -> Segment {
        let per_log = per_log.max(1);
        Segment {
            timeline,
            log: (position / per_log) as u32,
            seg: (position % per_log) as u32,
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}{:08X}{:08X}", self.timeline, self.log, self.seg)
    }
}

impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn serialize_time<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(time)
}

fn serialize_opt_time<S: Serializer>(
    time: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.collect_str(time),
        None => serializer.serialize_none(),
    }
}

/// What became of a base backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupStatus {
    /// Finished: WAL-G's sentinel is there, Barman's status is `DONE`.
    Done,
    /// Data without a sentinel (WAL-G: running, aborted or being deleted), or Barman's
    /// `STARTED`/`EMPTY`, or a Barman directory without `backup.info`.
    Incomplete,
    /// Barman's `FAILED`, with its `error`.
    Failed { error: Option<String> },
    /// Another Barman status (`WAITING_FOR_WALS`, `SYNCING`).
    Other(String),
}

impl fmt::Display for BackupStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupStatus::Done => f.write_str("done"),
            BackupStatus::Incomplete => f.write_str("incomplete"),
            BackupStatus::Failed { error: None } => f.write_str("failed"),
            BackupStatus::Failed { error: Some(e) } => write!(f, "failed: {e}"),
            BackupStatus::Other(status) => write!(f, "{}", status.to_ascii_lowercase()),
        }
    }
}

/// One base backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseBackup {
    /// WAL-G's and WAL-E's `base_…`, Barman's backup id.
    pub name: String,
    /// Barman's `backup_name`, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub status: BackupStatus,
    /// The sentinel or `backup.info` read; `None` when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_key: Option<String>,
    #[serde(serialize_with = "serialize_opt_time")]
    pub start_time: Option<Timestamp>,
    /// When the backup finished: the time recovery from it becomes consistent at the earliest.
    /// WAL-G's `FinishTime`, Barman's `end_time`; a WAL-G sentinel without `FinishTime` (before
    /// WAL-G's sentinel version 2) and WAL-E's are dated by the sentinel's upload.
    #[serde(serialize_with = "serialize_opt_time")]
    pub end_time: Option<Timestamp>,
    pub timeline: Option<u32>,
    /// The first WAL segment the backup needs.
    pub start_segment: Option<Segment>,
    /// The last WAL segment the backup needs to be consistent.
    pub end_segment: Option<Segment>,
    /// The bytes of the backup's objects as stored (compressed).
    pub stored_bytes: u64,
    /// The data directory's size before compression (WAL-G `UncompressedSize`, WAL-E
    /// `expanded_size_bytes`, Barman `size` or `cluster_size`).
    pub data_bytes: Option<u64>,
    /// `server_version_num` (WAL-G `PgVersion`, Barman `version`).
    pub pg_version: Option<u32>,
    pub system_identifier: Option<u64>,
    /// WAL-G `IsPermanent`: kept by `delete retain`.
    pub permanent: bool,
    /// WAL-G `Hostname`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// WAL-G `DeltaFrom`: the backup this delta backup builds on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_from: Option<String>,
    /// Done, and every WAL segment from its start to its end segment is in the archive.
    pub restorable: bool,
}

impl BaseBackup {
    /// A backup named `name` with `status` and nothing else known yet.
    fn named(name: &str, status: BackupStatus) -> BaseBackup {
        BaseBackup {
            name: name.to_string(),
            label: None,
            status,
            metadata_key: None,
            start_time: None,
            end_time: None,
            timeline: None,
            start_segment: None,
            end_segment: None,
            stored_bytes: 0,
            data_bytes: None,
            pg_version: None,
            system_identifier: None,
            permanent: false,
            hostname: None,
            delta_from: None,
            restorable: false,
        }
    }
}

/// The WAL segments archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalRange {
    pub first: Segment,
    pub last: Segment,
    /// Segment files (a position archived on two timelines counts twice); `.partial` files,
    /// history files and backup labels are not counted.
    pub segments: usize,
    /// `.partial` segments (the old timeline's last segment after a promotion).
    pub partial: usize,
    /// When the last segment was stored (its `last_modified`).
    #[serde(serialize_with = "serialize_time")]
    pub last_time: Timestamp,
    /// The timelines of the segments and of the history files.
    pub timelines: Vec<u32>,
}

/// Segments missing between two archived ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The first and the last missing segment (named with the timeline of the segment before).
    pub first_missing: Segment,
    pub last_missing: Segment,
    pub missing: u64,
    /// When the segment before the gap was stored.
    #[serde(serialize_with = "serialize_time")]
    pub after_time: Timestamp,
}

/// A span of time the archive can restore to: from the end of its earliest finished base backup
/// to the time the last segment of the uninterrupted WAL after it was stored.
///
/// The end is an upper bound: the last segment's commits are older than its upload, and
/// recovery to a time after the last archived commit fails. S3 dates objects to the second
/// (a listing's `LastModified` has no fraction), so a whole-second time counts up to the next
/// second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    #[serde(serialize_with = "serialize_time")]
    pub start: Timestamp,
    #[serde(serialize_with = "serialize_time")]
    pub end: Timestamp,
    /// The restorable backups in it, oldest first.
    pub backups: Vec<String>,
    /// The WAL it replays: from its earliest backup's start segment to the segment before the
    /// next gap (or the last one).
    pub first_segment: Segment,
    pub last_segment: Segment,
}

impl Window {
    pub fn contains(&self, time: Timestamp) -> bool {
        self.start <= time && time <= self.end
    }
}

/// `time` when it has a fraction of a second, else the next whole second: the upload it dates
/// happened within its second.
fn end_of_second(time: Timestamp) -> Timestamp {
    if time.subsec_nanosecond() != 0 {
        return time;
    }
    time.checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap_or(time)
}

/// One `…/wal/MAJOR/` directory in one layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Archive {
    /// The directory name: `17`, `9.6`.
    pub major: String,
    pub layout: Layout,
    /// The key prefix, ending in `wal/MAJOR/`.
    pub prefix: String,
    /// The path component before `wal/` when it is a uid (pgctl's and the reference's
    /// `WAL_BUCKET_SCOPE_SUFFIX`).
    pub uid: Option<String>,
    pub segment_size: u64,
    /// Oldest first.
    pub backups: Vec<BaseBackup>,
    pub wal: Option<WalRange>,
    pub gaps: Vec<Gap>,
    /// Oldest first; a gap ends a window, a backup after it starts the next.
    pub windows: Vec<Window>,
    /// Keys in the archive's directories this module does not know.
    pub unrecognized: Vec<String>,
}

/// Every archive below the listed prefix, oldest first (by their earliest object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Catalog {
    pub archives: Vec<Archive>,
    /// Keys in no `…/wal/MAJOR/(basebackups_005|wal_005|base|wals)/` directory.
    pub unrecognized: Vec<String>,
}

/// A listing and its metadata could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// [`metadata_to_fetch`] named it and [`build`] did not get it. An object deleted between the
    /// listing and the fetch (a retention run) is best dropped from the listing.
    #[error("{key}: listed, but its content was not fetched")]
    NotFetched { key: String },
    #[error("{key}: {message}")]
    Malformed { key: String, message: String },
}

fn malformed(key: &str, message: impl Into<String>) -> CatalogError {
    CatalogError::Malformed {
        key: key.to_string(),
        message: message.into(),
    }
}

/// A time no window of the catalog covers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutsideWindow {
    #[error(
        "the archive has nothing to restore: no finished base backup with all of its WAL archived"
    )]
    NoWindow,
    #[error(
        "{time} is before the earliest moment the archive can restore, {earliest} (the end of its oldest restorable base backup)"
    )]
    Before {
        time: Timestamp,
        earliest: Timestamp,
    },
    #[error(
        "{time} is after the latest moment the archive can restore, {latest} (when its last WAL segment was stored)"
    )]
    After { time: Timestamp, latest: Timestamp },
    #[error(
        "{time} falls in a gap of the archive's WAL: it can restore up to {previous_end}, and again from {next_start}"
    )]
    Between {
        time: Timestamp,
        previous_end: Timestamp,
        next_start: Timestamp,
    },
}

/// The archive, window and base backup that restore a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered<'c> {
    pub archive: &'c Archive,
    pub window: &'c Window,
    /// The newest restorable backup of the window that ended at or before the time.
    pub backup: &'c BaseBackup,
}

impl Catalog {
    /// See [`covering`].
    pub fn covering(&self, time: Timestamp) -> Result<Covered<'_>, OutsideWindow> {
        covering(self, time)
    }
}

/// Which archive restores `time`; when several do (two incarnations), the one whose window
/// started last. Otherwise where `time` falls relative to the windows of all archives.
pub fn covering(catalog: &Catalog, time: Timestamp) -> Result<Covered<'_>, OutsideWindow> {
    let windows: Vec<(&Archive, &Window)> = catalog
        .archives
        .iter()
        .flat_map(|a| a.windows.iter().map(move |w| (a, w)))
        .collect();
    let best = windows
        .iter()
        .filter(|(_, w)| w.contains(time))
        .max_by_key(|(a, w)| (w.start, major_key(&a.major)));
    if let Some((archive, window)) = best {
        let backup = archive
            .backups
            .iter()
            .filter(|b| b.restorable && window.backups.contains(&b.name))
            .filter(|b| b.end_time.is_some_and(|end| end <= time))
            .max_by_key(|b| b.end_time);
        if let Some(backup) = backup {
            return Ok(Covered {
                archive,
                window,
                backup,
            });
        }
    }
    let earliest = windows.iter().map(|(_, w)| w.start).min();
    let latest = windows.iter().map(|(_, w)| w.end).max();
    match (earliest, latest) {
        (Some(earliest), _) if time < earliest => Err(OutsideWindow::Before { time, earliest }),
        (_, Some(latest)) if time > latest => Err(OutsideWindow::After { time, latest }),
        (Some(_), Some(_)) => {
            let previous_end = windows
                .iter()
                .map(|(_, w)| w.end)
                .filter(|e| *e < time)
                .max();
            let next_start = windows
                .iter()
                .map(|(_, w)| w.start)
                .filter(|s| *s > time)
                .min();
            match (previous_end, next_start) {
                (Some(previous_end), Some(next_start)) => Err(OutsideWindow::Between {
                    time,
                    previous_end,
                    next_start,
                }),
                // Not reached: a time within [earliest, latest] outside every window lies
                // between two of them.
                _ => Err(OutsideWindow::NoWindow),
            }
        }
        _ => Err(OutsideWindow::NoWindow),
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Where a key belongs.
struct Located<'k> {
    prefix: String,
    major: &'k str,
    layout: Layout,
    uid: Option<&'k str>,
    entry: Entry<'k>,
}

enum Entry<'k> {
    /// WAL-G's or WAL-E's sentinel of backup `name`.
    Sentinel(&'k str),
    /// An object of backup `name`'s directory.
    BackupData(&'k str),
    /// Barman's `backup.info` of backup `id`.
    BarmanInfo(&'k str),
    Wal(WalFile),
    Unknown,
}

#[derive(Debug, Clone, Copy)]
enum WalFile {
    Segment(Segment),
    Partial(Segment),
    History(u32),
    /// `<segment>.<offset>.backup`: a backup's label, not WAL.
    BackupLabel,
}

fn is_major(text: &str) -> bool {
    let mut parts = text.split('.');
    let digits = |p: Option<&str>| {
        p.is_some_and(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    digits(parts.next()) && parts.next().is_none_or(|p| digits(Some(p))) && parts.next().is_none()
}

fn major_key(major: &str) -> (u32, u32) {
    let mut parts = major.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn is_uid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Suffixes after a WAL name: `.lz4`, `.gz`, `.br`, … (letters and digits).
fn extensions_ok(parts: &[&str]) -> bool {
    parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn wal_file(name: &str) -> Option<WalFile> {
    if let Some(segment) = name.get(..24).and_then(Segment::parse) {
        let rest = name.get(24..)?;
        if rest.is_empty() {
            return Some(WalFile::Segment(segment));
        }
        let parts: Vec<&str> = rest.strip_prefix('.')?.split('.').collect();
        return match parts.as_slice() {
            ["partial", ext @ ..] if extensions_ok(ext) => Some(WalFile::Partial(segment)),
            [offset, "backup", ext @ ..]
                if offset.len() == 8
                    && offset.bytes().all(|b| b.is_ascii_hexdigit())
                    && extensions_ok(ext) =>
            {
                Some(WalFile::BackupLabel)
            }
            ext if extensions_ok(ext) => Some(WalFile::Segment(segment)),
            _ => None,
        };
    }
    let timeline = name.get(..8)?;
    let rest = name.get(8..)?;
    if !timeline.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let parts: Vec<&str> = rest.strip_prefix('.')?.split('.').collect();
    match parts.as_slice() {
        ["history", ext @ ..] if extensions_ok(ext) => {
            u32::from_str_radix(timeline, 16).ok().map(WalFile::History)
        }
        _ => None,
    }
}

fn locate(key: &str) -> Option<Located<'_>> {
    let parts: Vec<&str> = key.split('/').collect();
    let at = (0..parts.len().saturating_sub(3)).find(|&i| {
        parts[i] == "wal"
            && is_major(parts[i + 1])
            && matches!(
                parts[i + 2],
                "basebackups_005" | "wal_005" | "base" | "wals"
            )
    })?;
    let major = parts[at + 1];
    let layout = match parts[at + 2] {
        "basebackups_005" | "wal_005" => Layout::WalG,
        _ => Layout::Barman,
    };
    let prefix = format!("{}/", parts[..at + 2].join("/"));
    let uid = at.checked_sub(1).map(|i| parts[i]).filter(|p| is_uid(p));
    let rest = &parts[at + 3..];
    let entry = match (parts[at + 2], rest) {
        ("basebackups_005", [file]) => match file.strip_suffix(SENTINEL_SUFFIX) {
            Some(name) if !name.is_empty() => Entry::Sentinel(name),
            _ => Entry::Unknown,
        },
        ("basebackups_005", [name, _, ..]) if !name.is_empty() => Entry::BackupData(name),
        ("base", [id, file]) if *file == BARMAN_INFO && !id.is_empty() => Entry::BarmanInfo(id),
        ("base", [id, _, ..]) if !id.is_empty() => Entry::BackupData(id),
        ("wal_005", [file]) | ("wals", [file]) | ("wals", [_, file]) => {
            wal_file(file).map_or(Entry::Unknown, Entry::Wal)
        }
        _ => Entry::Unknown,
    };
    Some(Located {
        prefix,
        major,
        layout,
        uid,
        entry,
    })
}

/// Phase 1: the keys of the metadata objects [`build`] needs, sorted.
pub fn metadata_to_fetch(objects: &[Object]) -> Vec<String> {
    let keys: BTreeSet<&str> = objects
        .iter()
        .filter(|o| {
            locate(&o.key)
                .is_some_and(|l| matches!(l.entry, Entry::Sentinel(_) | Entry::BarmanInfo(_)))
        })
        .map(|o| o.key.as_str())
        .collect();
    keys.into_iter().map(str::to_string).collect()
}

// ---------------------------------------------------------------------------------------------
// Metadata

/// WAL-G's sentinel (version 1 or 2) or WAL-E's: the fields read.
#[derive(Deserialize)]
struct Sentinel {
    // WAL-G
    #[serde(rename = "LSN")]
    lsn: Option<u64>,
    #[serde(rename = "FinishLSN")]
    finish_lsn: Option<u64>,
    #[serde(rename = "Timeline")]
    timeline: Option<u32>,
    #[serde(rename = "PgVersion")]
    pg_version: Option<u32>,
    #[serde(rename = "SystemIdentifier")]
    system_identifier: Option<u64>,
    #[serde(rename = "UncompressedSize")]
    uncompressed_size: Option<i64>,
    #[serde(rename = "StartTime")]
    start_time: Option<String>,
    #[serde(rename = "FinishTime")]
    finish_time: Option<String>,
    #[serde(rename = "Hostname")]
    hostname: Option<String>,
    #[serde(rename = "IsPermanent")]
    is_permanent: Option<bool>,
    #[serde(rename = "DeltaFrom")]
    delta_from: Option<String>,
    // WAL-E
    wal_segment_backup_stop: Option<String>,
    expanded_size_bytes: Option<u64>,
}

/// A time of WAL-G (Go's RFC 3339) or Barman (`2026-12-05 12:09:39.113658+00:00`); Go's zero
/// time (`0001-01-01T00:00:00Z`, an unset field) is `None`.
fn parse_time(key: &str, field: &str, text: &str) -> Result<Option<Timestamp>, CatalogError> {
    let time: Timestamp = text.trim().parse().map_err(|e| {
        malformed(
            key,
            format!("{field}: {text:?} is not a time with a UTC offset ({e})"),
        )
    })?;
    Ok((time.as_second() > -62_135_596_800).then_some(time))
}

fn utf8<'b>(key: &str, bytes: &'b [u8]) -> Result<&'b str, CatalogError> {
    std::str::from_utf8(bytes).map_err(|e| malformed(key, format!("not UTF-8 text ({e})")))
}

fn parse_sentinel(
    object: &Object,
    name: &str,
    bytes: &[u8],
    segment_size: u64,
) -> Result<BaseBackup, CatalogError> {
    let key = object.key.as_str();
    let text = utf8(key, bytes)?;
    let mut json = serde_json::Deserializer::from_str(text);
    let sentinel: Sentinel = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            malformed(key, format!("not a backup sentinel: {inner}"))
        } else {
            malformed(key, format!("{path}: {inner}"))
        }
    })?;
    // base_<24 hex>[_D_…] (WAL-G) or base_<24 hex>_<offset> (WAL-E): the start segment.
    let named = name
        .strip_prefix("base_")
        .and_then(|n| n.get(..24))
        .and_then(Segment::parse);
    let mut backup = BaseBackup {
        metadata_key: Some(key.to_string()),
        end_time: Some(object.last_modified),
        ..BaseBackup::named(name, BackupStatus::Done)
    };
    if let Some(lsn) = sentinel.lsn {
        let timeline = sentinel
            .timeline
            .or(named.map(|s| s.timeline))
            .ok_or_else(|| {
                malformed(
                    key,
                    "no Timeline, and the backup's name holds no WAL segment",
                )
            })?;
        let start = Segment::of_lsn(timeline, lsn, segment_size);
        let end = sentinel
            .finish_lsn
            .filter(|finish| *finish > lsn)
            .map(|finish| Segment::before_lsn(timeline, finish, segment_size));
        backup.timeline = Some(timeline);
        backup.start_segment = Some(start);
        backup.end_segment = Some(end.unwrap_or(start));
        if let Some(text) = &sentinel.start_time {
            backup.start_time = parse_time(key, "StartTime", text)?;
        }
        if let Some(text) = &sentinel.finish_time
            && let Some(time) = parse_time(key, "FinishTime", text)?
        {
            backup.end_time = Some(time);
        }
        backup.data_bytes = sentinel
            .uncompressed_size
            .and_then(|s| u64::try_from(s).ok());
        backup.pg_version = sentinel.pg_version.filter(|v| *v > 0);
        backup.system_identifier = sentinel.system_identifier;
        backup.permanent = sentinel.is_permanent.unwrap_or(false);
        backup.hostname = sentinel.hostname.filter(|h| !h.is_empty());
        backup.delta_from = sentinel.delta_from.filter(|d| !d.is_empty());
    } else if let Some(stop) = &sentinel.wal_segment_backup_stop {
        // WAL-E: the name gives the start, the sentinel the stop segment.
        let start = named.ok_or_else(|| {
            malformed(
                key,
                "a WAL-E sentinel whose backup name holds no WAL segment",
            )
        })?;
        let end = Segment::parse(stop).ok_or_else(|| {
            malformed(
                key,
                format!("wal_segment_backup_stop: {stop:?} is not a WAL segment name"),
            )
        })?;
        backup.timeline = Some(start.timeline);
        backup.start_segment = Some(start);
        backup.end_segment = Some(end);
        backup.data_bytes = sentinel.expanded_size_bytes;
    } else {
        return Err(malformed(
            key,
            "neither LSN (WAL-G) nor wal_segment_backup_stop (WAL-E) is set",
        ));
    }
    Ok(backup)
}

/// Barman's `backup.info` (`key=value` lines, `None` for unset).
fn parse_barman(
    object: &Object,
    id: &str,
    bytes: &[u8],
) -> Result<(BaseBackup, Option<u64>), CatalogError> {
    let key = object.key.as_str();
    let text = utf8(key, bytes)?;
    let mut fields = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| malformed(key, format!("line {} is not key=value", n + 1)))?;
        if value != "None" {
            fields.insert(name.trim(), value.trim());
        }
    }
    let get = |name: &str| fields.get(name).copied();
    fn number<T: std::str::FromStr>(
        key: &str,
        name: &str,
        value: Option<&str>,
    ) -> Result<Option<T>, CatalogError> {
        value
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| malformed(key, format!("{name}: {v:?} is not a number")))
            })
            .transpose()
    }
    let segment = |name: &str| -> Result<Option<Segment>, CatalogError> {
        get(name)
            .map(|v| {
                Segment::parse(v).ok_or_else(|| {
                    malformed(key, format!("{name}: {v:?} is not a WAL segment name"))
                })
            })
            .transpose()
    };
    let time = |name: &str| -> Result<Option<Timestamp>, CatalogError> {
        match get(name) {
            Some(v) => parse_time(key, name, v),
            None => Ok(None),
        }
    };
    let status = match get("status").unwrap_or("EMPTY") {
        "DONE" => BackupStatus::Done,
        "STARTED" | "EMPTY" => BackupStatus::Incomplete,
        "FAILED" => BackupStatus::Failed {
            error: get("error").map(str::to_string),
        },
        other => BackupStatus::Other(other.to_string()),
    };
    let segment_size: Option<u64> = number(key, "xlog_segment_size", get("xlog_segment_size"))?;
    if let Some(size) = segment_size
        && !(size.is_power_of_two() && (1 << 20..=1 << 30).contains(&size))
    {
        return Err(malformed(
            key,
            format!("xlog_segment_size: {size} is not a power of two from 1 MiB to 1 GiB"),
        ));
    }
    let backup = BaseBackup {
        label: get("backup_name").map(str::to_string),
        metadata_key: Some(key.to_string()),
        start_time: time("begin_time")?,
        end_time: time("end_time")?,
        timeline: number(key, "timeline", get("timeline"))?,
        start_segment: segment("begin_wal")?,
        end_segment: segment("end_wal")?,
        data_bytes: match number(key, "size", get("size"))? {
            Some(size) => Some(size),
            None => number(key, "cluster_size", get("cluster_size"))?,
        },
        pg_version: number(key, "version", get("version"))?,
        system_identifier: number(key, "systemid", get("systemid"))?,
        ..BaseBackup::named(id, status)
    };
    if backup.status == BackupStatus::Done {
        for (field, missing) in [
            ("end_time", backup.end_time.is_none()),
            ("begin_wal", backup.start_segment.is_none()),
            ("end_wal", backup.end_segment.is_none()),
        ] {
            if missing {
                return Err(malformed(key, format!("status DONE without {field}")));
            }
        }
    }
    Ok((backup, segment_size))
}

// ---------------------------------------------------------------------------------------------
// Building

#[derive(Default)]
struct BackupObjects<'o> {
    metadata: Option<&'o Object>,
    stored_bytes: u64,
}

struct ArchiveObjects<'o> {
    major: String,
    layout: Layout,
    prefix: String,
    uid: Option<String>,
    earliest: Timestamp,
    backups: BTreeMap<&'o str, BackupObjects<'o>>,
    segments: Vec<(Segment, &'o Object)>,
    partial: usize,
    timelines: BTreeSet<u32>,
    unrecognized: Vec<String>,
}

/// Phase 2: the catalog from the listing and the bytes of the objects [`metadata_to_fetch`]
/// named (by key).
pub fn build(
    objects: &[Object],
    metadata: &BTreeMap<String, Vec<u8>>,
) -> Result<Catalog, CatalogError> {
    let mut archives: BTreeMap<(String, Layout), ArchiveObjects<'_>> = BTreeMap::new();
    let mut unrecognized = Vec::new();
    for object in objects {
        if object.key.ends_with('/') {
            continue; // a directory marker
        }
        let Some(located) = locate(&object.key) else {
            unrecognized.push(object.key.clone());
            continue;
        };
        let archive = archives
            .entry((located.prefix.clone(), located.layout))
            .or_insert_with(|| ArchiveObjects {
                major: located.major.to_string(),
                layout: located.layout,
                prefix: located.prefix.clone(),
                uid: located.uid.map(str::to_string),
                earliest: object.last_modified,
                backups: BTreeMap::new(),
                segments: Vec::new(),
                partial: 0,
                timelines: BTreeSet::new(),
                unrecognized: Vec::new(),
            });
        archive.earliest = archive.earliest.min(object.last_modified);
        match located.entry {
            Entry::Sentinel(name) | Entry::BarmanInfo(name) => {
                let backup = archive.backups.entry(name).or_default();
                backup.metadata = Some(object);
                backup.stored_bytes += object.size;
            }
            Entry::BackupData(name) => {
                archive.backups.entry(name).or_default().stored_bytes += object.size;
            }
            Entry::Wal(WalFile::Segment(segment)) => {
                archive.timelines.insert(segment.timeline);
                archive.segments.push((segment, object));
            }
            Entry::Wal(WalFile::Partial(segment)) => {
                archive.timelines.insert(segment.timeline);
                archive.partial += 1;
            }
            Entry::Wal(WalFile::History(timeline)) => {
                archive.timelines.insert(timeline);
            }
            Entry::Wal(WalFile::BackupLabel) => {}
            Entry::Unknown => archive.unrecognized.push(object.key.clone()),
        }
    }
    let mut built = archives
        .into_values()
        .map(|archive| build_archive(archive, metadata))
        .collect::<Result<Vec<_>, _>>()?;
    built.sort_by(|(a, a_earliest), (b, b_earliest)| {
        (a_earliest, major_key(&a.major), &a.prefix).cmp(&(
            b_earliest,
            major_key(&b.major),
            &b.prefix,
        ))
    });
    Ok(Catalog {
        archives: built.into_iter().map(|(a, _)| a).collect(),
        unrecognized,
    })
}

/// Uninterrupted segment positions.
struct Run {
    first: (u64, Segment),
    last: (u64, Segment),
    last_time: Timestamp,
}

fn build_archive(
    objects: ArchiveObjects<'_>,
    metadata: &BTreeMap<String, Vec<u8>>,
) -> Result<(Archive, Timestamp), CatalogError> {
    let mut backups = Vec::new();
    let mut segment_size = None;
    for (name, parts) in &objects.backups {
        let mut backup = match parts.metadata {
            Some(object) => {
                let bytes = metadata
                    .get(&object.key)
                    .ok_or_else(|| CatalogError::NotFetched {
                        key: object.key.clone(),
                    })?;
                match objects.layout {
                    Layout::WalG => parse_sentinel(object, name, bytes, DEFAULT_SEGMENT_SIZE)?,
                    Layout::Barman => {
                        let (backup, size) = parse_barman(object, name, bytes)?;
                        segment_size = segment_size.or(size);
                        backup
                    }
                }
            }
            None => incomplete(name, objects.layout),
        };
        backup.stored_bytes = parts.stored_bytes;
        backups.push(backup);
    }
    let segment_size = segment_size.unwrap_or(DEFAULT_SEGMENT_SIZE);
    // Before 9.3 the last segment of each log id (FF with 16 MiB) was skipped.
    let per_log = if major_key(&objects.major) < (9, 3) {
        0xFFFF_FFFF / segment_size
    } else {
        0x1_0000_0000 / segment_size
    };
    let mut unrecognized = objects.unrecognized;
    // The segments by position; a position on several timelines keeps the newest timeline's
    // name and the latest upload.
    let mut positions: BTreeMap<u64, (Segment, Timestamp)> = BTreeMap::new();
    let mut segments = 0;
    for (segment, object) in &objects.segments {
        if u64::from(segment.seg) >= per_log {
            unrecognized.push(object.key.clone());
            continue;
        }
        segments += 1;
        let entry = positions
            .entry(segment.position(per_log))
            .or_insert((*segment, object.last_modified));
        entry.0 = entry.0.max(*segment);
        entry.1 = entry.1.max(object.last_modified);
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut gaps = Vec::new();
    for (&position, &(segment, time)) in &positions {
        match runs.last_mut() {
            Some(run) if run.last.0 + 1 == position => {
                run.last = (position, segment);
                run.last_time = time;
            }
            previous => {
                if let Some(run) = previous {
                    gaps.push(Gap {
                        first_missing: Segment::at(run.last.1.timeline, run.last.0 + 1, per_log),
                        last_missing: Segment::at(run.last.1.timeline, position - 1, per_log),
                        missing: position - run.last.0 - 1,
                        after_time: run.last_time,
                    });
                }
                runs.push(Run {
                    first: (position, segment),
                    last: (position, segment),
                    last_time: time,
                });
            }
        }
    }
    let wal = match (positions.first_key_value(), positions.last_key_value()) {
        (Some((_, first)), Some((_, last))) => Some(WalRange {
            first: first.0,
            last: last.0,
            segments,
            partial: objects.partial,
            last_time: last.1,
            timelines: objects.timelines.iter().copied().collect(),
        }),
        _ => None,
    };
    // Windows: each run with the finished backups whose WAL lies in it.
    let mut by_run: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (index, backup) in backups.iter_mut().enumerate() {
        let (BackupStatus::Done, Some(start), Some(_)) =
            (&backup.status, backup.start_segment, backup.end_time)
        else {
            continue;
        };
        let end = backup.end_segment.unwrap_or(start);
        let (from, to) = (start.position(per_log), end.position(per_log));
        if let Some(run) = runs
            .iter()
            .position(|r| r.first.0 <= from && to.max(from) <= r.last.0)
        {
            backup.restorable = true;
            by_run.entry(run).or_default().push(index);
        }
    }
    let mut windows = Vec::new();
    for (run, members) in by_run {
        let mut members: Vec<&BaseBackup> = members.iter().map(|&i| &backups[i]).collect();
        members.sort_by_key(|b| (b.end_time, b.name.clone()));
        let (Some(first), Some(start)) = (
            members.first(),
            members.iter().filter_map(|b| b.end_time).min(),
        ) else {
            continue;
        };
        let run = &runs[run];
        windows.push(Window {
            start,
            end: end_of_second(run.last_time).max(start),
            backups: members.iter().map(|b| b.name.clone()).collect(),
            first_segment: first.start_segment.unwrap_or(run.first.1),
            last_segment: run.last.1,
        });
    }
    windows.sort_by_key(|w| w.start);
    backups.sort_by(|a, b| {
        let time = |b: &BaseBackup| b.start_time.or(b.end_time);
        (time(a).is_none(), time(a), a.start_segment, &a.name).cmp(&(
            time(b).is_none(),
            time(b),
            b.start_segment,
            &b.name,
        ))
    });
    Ok((
        Archive {
            major: objects.major,
            layout: objects.layout,
            prefix: objects.prefix,
            uid: objects.uid,
            segment_size,
            backups,
            wal,
            gaps,
            windows,
            unrecognized,
        },
        objects.earliest,
    ))
}

/// A backup directory without metadata: WAL-G's name still gives its start.
fn incomplete(name: &str, layout: Layout) -> BaseBackup {
    let start = match layout {
        Layout::WalG => name
            .strip_prefix("base_")
            .and_then(|n| n.get(..24))
            .and_then(Segment::parse),
        Layout::Barman => None,
    };
    BaseBackup {
        timeline: start.map(|s| s.timeline),
        start_segment: start,
        ..BaseBackup::named(name, BackupStatus::Incomplete)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_names_and_lsns() {
        let s = Segment::parse("00000002000000010000000A").expect("a segment");
        assert_eq!((s.timeline, s.log, s.seg), (2, 1, 10));
        assert_eq!(s.to_string(), "00000002000000010000000A");
        assert_eq!(Segment::parse("0000000200000001000000"), None);
        assert_eq!(Segment::parse("00000002000000010000000G"), None);
        // 0/4000120 is in segment 4; a backup ending exactly at 0/5000000 needs segment 4 only.
        assert_eq!(
            Segment::of_lsn(1, 0x0400_0120, DEFAULT_SEGMENT_SIZE).to_string(),
            "000000010000000000000004"
        );
        assert_eq!(
            Segment::before_lsn(1, 0x0500_0000, DEFAULT_SEGMENT_SIZE).to_string(),
            "000000010000000000000004"
        );
        assert_eq!(
            Segment::of_lsn(3, 0x1_FF00_0000, DEFAULT_SEGMENT_SIZE).to_string(),
            "0000000300000001000000FF"
        );
    }

    #[test]
    fn wal_file_names() {
        let kind = |n: &str| match wal_file(n) {
            Some(WalFile::Segment(_)) => "segment",
            Some(WalFile::Partial(_)) => "partial",
            Some(WalFile::History(_)) => "history",
            Some(WalFile::BackupLabel) => "label",
            None => "none",
        };
        assert_eq!(kind("000000010000000000000001"), "segment");
        assert_eq!(kind("000000010000000000000001.lz4"), "segment");
        assert_eq!(kind("000000010000000000000001.gz"), "segment");
        assert_eq!(kind("00000001000000000000000A.partial.gz"), "partial");
        assert_eq!(kind("00000001000000000000000A.partial"), "partial");
        assert_eq!(kind("000000010000000000000004.00000028.backup"), "label");
        assert_eq!(kind("000000010000000000000004.00000028.backup.gz"), "label");
        assert_eq!(kind("00000002.history"), "history");
        assert_eq!(kind("00000002.history.br"), "history");
        assert_eq!(kind("000000010000000000000001."), "none");
        assert_eq!(kind("000000010000000000000001.lz4.tmp-x"), "none");
        assert_eq!(kind("README"), "none");
    }

    #[test]
    fn majors_and_uids() {
        assert!(
            is_major("17")
                && is_major("9.6")
                && !is_major("x")
                && !is_major("9.")
                && !is_major("1.2.3")
        );
        assert!(major_key("9.6") < major_key("10"));
        assert!(is_uid("0b7d4a4e-5c9e-4f2e-9d7a-1b2c3d4e5f60"));
        assert!(!is_uid("acid-minimal-cluster"));
    }

    #[test]
    fn times_of_both_tools() {
        let t = |s: &str| parse_time("k", "f", s);
        assert_eq!(
            t("2026-12-05 12:09:39.113658+00:00")
                .ok()
                .flatten()
                .map(|t| t.to_string()),
            Some("2026-12-05T12:09:39.113658Z".to_string())
        );
        assert!(t("2026-12-05T12:09:39.123456789Z").is_ok_and(|t| t.is_some()));
        assert_eq!(t("0001-01-01T00:00:00Z"), Ok(None));
        let naive = t("2026-12-05 12:09:39").expect_err("a time without offset");
        assert!(naive.to_string().starts_with("k: f: "), "{naive}");
    }
}
