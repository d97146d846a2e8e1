//! Tests of `pgctl_shared::backup::catalog`: the archives of a cluster read from a listing and
//! the metadata objects (fixtures in `tests/fixtures/backup/`, see its README): both layouts, a
//! WAL gap, a major version break, the restorable windows and malformed metadata.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::Timestamp;
use pgctl_shared::backup::catalog::{
    self, Archive, BackupStatus, Catalog, CatalogError, Layout, Object, OutsideWindow, Segment,
};

const WALG_UID: &str = "4254b100-1e7e-4759-9008-3dd77296284e";
const BARMAN_PREFIX: &str = "spilo/acid-scratch/0b7d4a4e-5c9e-4f2e-9d7a-1b2c3d4e5f60/wal/17/";

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/backup")
        .join(name)
}

fn listing(name: &str) -> Vec<Object> {
    let path = dir(name).join("listing.tsv");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [key, size, time] = fields.as_slice() else {
                panic!("{}: not key, size, time: {line:?}", path.display());
            };
            Object {
                key: key.to_string(),
                size: size.parse().expect("a size"),
                last_modified: time.parse().expect("a time"),
            }
        })
        .collect()
}

/// The metadata objects phase 1 asks for, read from the fixture's `objects/`.
fn fetch(name: &str, objects: &[Object]) -> BTreeMap<String, Vec<u8>> {
    catalog::metadata_to_fetch(objects)
        .into_iter()
        .map(|key| {
            let path = dir(name).join("objects").join(&key);
            let bytes =
                std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            (key, bytes)
        })
        .collect()
}

fn load(name: &str) -> Catalog {
    let objects = listing(name);
    let metadata = fetch(name, &objects);
    catalog::build(&objects, &metadata).expect("a catalog")
}

fn time(text: &str) -> Timestamp {
    text.parse().expect("a time")
}

fn seg(name: &str) -> Segment {
    Segment::parse(name).expect("a segment name")
}

fn archive<'c>(catalog: &'c Catalog, major: &str) -> &'c Archive {
    catalog
        .archives
        .iter()
        .find(|a| a.major == major)
        .unwrap_or_else(|| panic!("no archive of major {major}"))
}

// ---------------------------------------------------------------------------------------------
// Barman (a real run)

#[test]
fn barman_metadata_to_fetch_is_the_backup_info_files() {
    let keys = catalog::metadata_to_fetch(&listing("barman"));
    assert_eq!(
        keys,
        vec![
            format!("{BARMAN_PREFIX}base/20261205T120939/backup.info"),
            format!("{BARMAN_PREFIX}base/20261205T120945/backup.info"),
        ]
    );
}

#[test]
fn barman_archive_backups_wal_and_one_window_across_a_promotion() {
    let catalog = load("barman");
    assert!(
        catalog.unrecognized.is_empty(),
        "{:?}",
        catalog.unrecognized
    );
    assert_eq!(catalog.archives.len(), 1);
    let a = &catalog.archives[0];
    assert_eq!((a.major.as_str(), a.layout), ("17", Layout::Barman));
    assert_eq!(a.prefix, BARMAN_PREFIX);
    assert_eq!(
        a.uid.as_deref(),
        Some("0b7d4a4e-5c9e-4f2e-9d7a-1b2c3d4e5f60")
    );
    assert_eq!(a.segment_size, 16 * 1024 * 1024);
    assert!(a.unrecognized.is_empty(), "{:?}", a.unrecognized);

    assert_eq!(a.backups.len(), 2);
    let b = &a.backups[0];
    assert_eq!(b.name, "20261205T120939");
    assert_eq!(b.status, BackupStatus::Done);
    assert_eq!(b.start_time, Some(time("2026-12-05T12:09:39.113658Z")));
    assert_eq!(b.end_time, Some(time("2026-12-05T12:09:39.429589Z")));
    assert_eq!(b.start_segment, Some(seg("000000010000000000000004")));
    assert_eq!(b.end_segment, Some(seg("000000010000000000000004")));
    assert_eq!(b.timeline, Some(1));
    // backup.info and data.tar as stored; Barman's `size` is None, so the cluster's size.
    assert_eq!(b.stored_bytes, 1271 + 23_992_320);
    assert_eq!(b.data_bytes, Some(22_592_785));
    assert_eq!(b.pg_version, Some(170011));
    assert_eq!(b.system_identifier, Some(7715790939401879142));
    assert!(b.restorable);
    assert_eq!(
        a.backups[1].start_segment,
        Some(seg("000000010000000000000008"))
    );

    let wal = a.wal.as_ref().expect("WAL");
    assert_eq!(wal.first, seg("000000010000000000000001"));
    // The promotion: timeline 1 ends in 0A.partial, timeline 2 goes on with 0A.
    assert_eq!(wal.last, seg("00000002000000000000000A"));
    assert_eq!(wal.segments, 10);
    assert_eq!(wal.partial, 1);
    assert_eq!(wal.timelines, vec![1, 2]);
    assert_eq!(wal.last_time, time("2026-12-05T12:09:58Z"));
    assert!(a.gaps.is_empty(), "{:?}", a.gaps);

    assert_eq!(a.windows.len(), 1);
    let w = &a.windows[0];
    assert_eq!(w.start, time("2026-12-05T12:09:39.429589Z"));
    // Stored at 12:09:58 to the second: the window runs to the next one.
    assert_eq!(w.end, time("2026-12-05T12:09:59Z"));
    assert_eq!(w.backups, vec!["20261205T120939", "20261205T120945"]);
    assert_eq!(w.first_segment, seg("000000010000000000000004"));
    assert_eq!(w.last_segment, seg("00000002000000000000000A"));
}

#[test]
fn barman_window_check_picks_the_newest_backup_before_the_time() {
    let catalog = load("barman");
    let covered = catalog
        .covering(time("2026-12-05T12:09:50Z"))
        .expect("covered");
    assert_eq!(covered.archive.major, "17");
    assert_eq!(covered.backup.name, "20261205T120945");
    let covered = catalog
        .covering(time("2026-12-05T12:09:40Z"))
        .expect("covered");
    assert_eq!(covered.backup.name, "20261205T120939");
    assert_eq!(
        catalog.covering(time("2026-12-05T12:09:39Z")),
        Err(OutsideWindow::Before {
            time: time("2026-12-05T12:09:39Z"),
            earliest: time("2026-12-05T12:09:39.429589Z"),
        })
    );
    let after = catalog
        .covering(time("2026-12-05T12:10:00Z"))
        .expect_err("after the window");
    assert_eq!(
        after,
        OutsideWindow::After {
            time: time("2026-12-05T12:10:00Z"),
            latest: time("2026-12-05T12:09:59Z"),
        }
    );
    assert!(
        after.to_string().contains("2026-12-05T12:09:59Z"),
        "{after}"
    );
}

#[test]
fn barman_a_missing_segment_splits_the_window_at_the_gap() {
    let missing = format!("{BARMAN_PREFIX}wals/0000000100000000/000000010000000000000006.gz");
    let objects: Vec<Object> = listing("barman")
        .into_iter()
        .filter(|o| o.key != missing)
        .collect();
    let metadata = fetch("barman", &objects);
    let catalog = catalog::build(&objects, &metadata).expect("a catalog");
    let a = &catalog.archives[0];
    assert_eq!(a.gaps.len(), 1);
    let gap = &a.gaps[0];
    assert_eq!(gap.first_missing, seg("000000010000000000000006"));
    assert_eq!(gap.last_missing, seg("000000010000000000000006"));
    assert_eq!(gap.missing, 1);
    assert_eq!(gap.after_time, time("2026-12-05T12:09:44Z"));
    assert_eq!(a.windows.len(), 2);
    assert_eq!(
        (a.windows[0].start, a.windows[0].end),
        (
            time("2026-12-05T12:09:39.429589Z"),
            time("2026-12-05T12:09:45Z")
        )
    );
    assert_eq!(a.windows[0].backups, vec!["20261205T120939"]);
    assert_eq!(a.windows[1].start, time("2026-12-05T12:09:46.266808Z"));
    assert_eq!(a.windows[1].backups, vec!["20261205T120945"]);
    assert_eq!(
        catalog.covering(time("2026-12-05T12:09:45.5Z")),
        Err(OutsideWindow::Between {
            time: time("2026-12-05T12:09:45.5Z"),
            previous_end: time("2026-12-05T12:09:45Z"),
            next_start: time("2026-12-05T12:09:46.266808Z"),
        })
    );
}

#[test]
fn barman_backup_whose_wal_is_not_archived_yet_is_not_restorable() {
    // Only the WAL before the second backup: it finished, but nothing restores from it yet.
    let objects: Vec<Object> = listing("barman")
        .into_iter()
        .filter(|o| !o.key.contains("/wals/") || o.last_modified < time("2026-12-05T12:09:45Z"))
        .collect();
    let metadata = fetch("barman", &objects);
    let catalog = catalog::build(&objects, &metadata).expect("a catalog");
    let a = &catalog.archives[0];
    assert!(a.backups[0].restorable);
    assert!(!a.backups[1].restorable);
    assert_eq!(a.windows.len(), 1);
    assert_eq!(a.windows[0].backups, vec!["20261205T120939"]);
}

// ---------------------------------------------------------------------------------------------
// WAL-G and WAL-E (written from their formats)

#[test]
fn walg_metadata_to_fetch_is_the_sentinels() {
    let keys = catalog::metadata_to_fetch(&listing("walg"));
    assert_eq!(keys.len(), 5);
    assert!(
        keys.iter()
            .all(|k| k.ends_with("_backup_stop_sentinel.json")),
        "{keys:?}"
    );
}

#[test]
fn walg_archives_are_separate_per_major_and_oldest_first() {
    let catalog = load("walg");
    assert!(
        catalog.unrecognized.is_empty(),
        "{:?}",
        catalog.unrecognized
    );
    let majors: Vec<(&str, Layout, Option<&str>)> = catalog
        .archives
        .iter()
        .map(|a| (a.major.as_str(), a.layout, a.uid.as_deref()))
        .collect();
    assert_eq!(
        majors,
        vec![
            ("9.6", Layout::WalG, None),
            ("15", Layout::WalG, Some(WALG_UID)),
            ("16", Layout::WalG, Some(WALG_UID)),
        ]
    );
    assert_eq!(
        archive(&catalog, "16").prefix,
        format!("spilo/acid-walg/{WALG_UID}/wal/16/")
    );
    for a in &catalog.archives {
        assert!(a.unrecognized.is_empty(), "{:?}", a.unrecognized);
    }
}

#[test]
fn walg_sentinels_gap_promotion_and_unfinished_backup() {
    let catalog = load("walg");
    let a = archive(&catalog, "15");
    let names: Vec<(&str, BackupStatus)> = a
        .backups
        .iter()
        .map(|b| (b.name.as_str(), b.status.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("base_000000010000000000000003", BackupStatus::Done),
            ("base_000000010000000000000009", BackupStatus::Done),
            ("base_00000002000000000000000D", BackupStatus::Incomplete),
        ]
    );
    let b = &a.backups[0];
    assert_eq!(b.start_time, Some(time("2026-11-01T10:12:00.103264Z")));
    assert_eq!(b.end_time, Some(time("2026-11-01T10:14:30.512871Z")));
    assert_eq!(b.start_segment, Some(seg("000000010000000000000003")));
    assert_eq!(b.end_segment, Some(seg("000000010000000000000003")));
    assert_eq!(b.data_bytes, Some(23_560_111));
    assert_eq!(b.pg_version, Some(150010));
    assert_eq!(b.hostname.as_deref(), Some("acid-walg-0"));
    // The sentinel and the backup's directory.
    assert!(b.stored_bytes > 4_361_204 + 180_244, "{}", b.stored_bytes);
    // FinishLSN on a segment boundary (0/A000000): the backup needs up to segment 09.
    let b = &a.backups[1];
    assert_eq!(b.end_segment, Some(seg("000000010000000000000009")));
    assert!(b.permanent);
    let b = &a.backups[2];
    assert_eq!(b.start_segment, Some(seg("00000002000000000000000D")));
    assert_eq!((b.end_time, b.restorable), (None, false));
    assert_eq!(b.stored_bytes, 1_048_576);

    let wal = a.wal.as_ref().expect("WAL");
    assert_eq!(
        (wal.first, wal.last),
        (
            seg("000000010000000000000001"),
            seg("00000002000000000000000D")
        )
    );
    assert_eq!((wal.segments, wal.partial), (11, 1));
    assert_eq!(wal.timelines, vec![1, 2]);
    assert_eq!(a.gaps.len(), 1);
    let gap = &a.gaps[0];
    assert_eq!(
        (gap.first_missing, gap.last_missing, gap.missing),
        (
            seg("000000010000000000000006"),
            seg("000000010000000000000007"),
            2
        )
    );
    // Two windows: the gap ends the first; the backup after it starts the second, which goes
    // on across the promotion.
    assert_eq!(a.windows.len(), 2);
    let (w1, w2) = (&a.windows[0], &a.windows[1]);
    assert_eq!(
        (w1.start, w1.end),
        (
            time("2026-11-01T10:14:30.512871Z"),
            time("2026-11-01T10:25:01Z")
        )
    );
    assert_eq!(w1.last_segment, seg("000000010000000000000005"));
    assert_eq!(
        (w2.start, w2.end),
        (
            time("2026-11-01T11:12:00.25Z"),
            time("2026-11-01T11:45:01Z")
        )
    );
    assert_eq!(w2.backups, vec!["base_000000010000000000000009"]);
    assert_eq!(w2.last_segment, seg("00000002000000000000000D"));
}

#[test]
fn walg_version_1_sentinel_delta_backup_and_log_rollover() {
    let catalog = load("walg");
    let a = archive(&catalog, "16");
    let b = &a.backups[0];
    assert_eq!(b.name, "base_0000000100000000000000FE");
    // No times in a version 1 sentinel: dated by its upload.
    assert_eq!(
        (b.start_time, b.end_time),
        (None, Some(time("2026-11-02T09:07:00Z")))
    );
    assert_eq!(b.timeline, Some(1));
    let delta = &a.backups[1];
    assert_eq!(
        delta.name,
        "base_000000010000000100000001_D_0000000100000000000000FE"
    );
    assert_eq!(
        delta.delta_from.as_deref(),
        Some("base_0000000100000000000000FE")
    );
    assert_eq!(delta.start_segment, Some(seg("000000010000000100000001")));
    // …FD, FE, FF, 1/00, 1/01, 1/02: no gap across the log id.
    assert!(a.gaps.is_empty(), "{:?}", a.gaps);
    assert_eq!(a.windows.len(), 1);
    assert_eq!(
        (a.windows[0].start, a.windows[0].end),
        (time("2026-11-02T09:07:00Z"), time("2026-11-02T09:25:01Z"))
    );
    assert_eq!(a.windows[0].backups.len(), 2);
}

#[test]
fn wale_sentinel() {
    let catalog = load("walg");
    let a = archive(&catalog, "9.6");
    assert_eq!(a.prefix, "spilo/acid-walg/wal/9.6/");
    let b = &a.backups[0];
    assert_eq!(b.name, "base_000000010000000000000002_00000040");
    assert_eq!(b.status, BackupStatus::Done);
    assert_eq!(b.start_segment, Some(seg("000000010000000000000002")));
    assert_eq!(b.end_segment, Some(seg("000000010000000000000002")));
    assert_eq!(b.end_time, Some(time("2025-06-01T08:12:30Z")));
    assert_eq!(b.data_bytes, Some(22_000_000));
    assert_eq!(a.windows.len(), 1);
    assert_eq!(a.windows[0].end, time("2025-06-01T08:30:01Z"));
}

#[test]
fn window_check_across_a_major_break() {
    let catalog = load("walg");
    let at = |t: &str| catalog.covering(time(t));
    let covered = at("2026-11-01T10:20:00Z").expect("covered");
    assert_eq!(covered.archive.major, "15");
    assert_eq!(covered.backup.name, "base_000000010000000000000003");
    let covered = at("2026-11-01T11:44:00Z").expect("covered");
    assert_eq!(covered.backup.name, "base_000000010000000000000009");
    let covered = at("2026-11-02T09:23:00Z").expect("covered");
    assert_eq!(covered.archive.major, "16");
    assert_eq!(
        covered.backup.name,
        "base_000000010000000100000001_D_0000000100000000000000FE"
    );
    assert_eq!(
        at("2025-06-01T08:20:00Z").map(|c| c.archive.major.as_str()),
        Ok("9.6")
    );
    // In the gap of wal/15, and between wal/15 and wal/16 (the upgrade).
    assert!(matches!(
        at("2026-11-01T10:40:00Z"),
        Err(OutsideWindow::Between { previous_end, next_start, .. })
            if previous_end == time("2026-11-01T10:25:01Z")
                && next_start == time("2026-11-01T11:12:00.25Z")
    ));
    assert!(matches!(
        at("2026-11-02T08:00:00Z"),
        Err(OutsideWindow::Between { previous_end, next_start, .. })
            if previous_end == time("2026-11-01T11:45:01Z")
                && next_start == time("2026-11-02T09:07:00Z")
    ));
    assert_eq!(
        at("2024-01-01T00:00:00Z"),
        Err(OutsideWindow::Before {
            time: time("2024-01-01T00:00:00Z"),
            earliest: time("2025-06-01T08:12:30Z"),
        })
    );
    assert_eq!(
        at("2026-11-03T00:00:00Z"),
        Err(OutsideWindow::After {
            time: time("2026-11-03T00:00:00Z"),
            latest: time("2026-11-02T09:25:01Z"),
        })
    );
}

#[test]
fn empty_and_backup_less_archives_have_no_window() {
    assert_eq!(
        catalog::build(&[], &BTreeMap::new()).map(|c| c.archives.len()),
        Ok(0)
    );
    // Only WAL: archived, but nothing to restore from.
    let objects: Vec<Object> = listing("walg")
        .into_iter()
        .filter(|o| o.key.contains("/wal_005/"))
        .collect();
    let catalog = catalog::build(&objects, &BTreeMap::new()).expect("a catalog");
    assert!(catalog.archives.iter().all(|a| a.windows.is_empty()));
    assert_eq!(
        catalog.covering(time("2026-11-01T10:20:00Z")),
        Err(OutsideWindow::NoWindow)
    );
}

#[test]
fn keys_outside_archives_are_reported_not_fatal() {
    let mut objects = listing("barman");
    let at = time("2026-12-05T12:00:00Z");
    for key in [
        "spilo/acid-scratch/notes.txt",
        "spilo/acid-scratch/0b7d4a4e-5c9e-4f2e-9d7a-1b2c3d4e5f60/wal/17/",
        "spilo/acid-scratch/0b7d4a4e-5c9e-4f2e-9d7a-1b2c3d4e5f60/wal/17/wals/0000000100000000/garbage",
    ] {
        objects.push(Object {
            key: key.into(),
            size: 1,
            last_modified: at,
        });
    }
    let metadata = fetch("barman", &objects);
    let catalog = catalog::build(&objects, &metadata).expect("a catalog");
    assert_eq!(catalog.unrecognized, vec!["spilo/acid-scratch/notes.txt"]);
    assert_eq!(
        catalog.archives[0].unrecognized,
        vec![format!("{BARMAN_PREFIX}wals/0000000100000000/garbage")]
    );
}

#[test]
fn cluster_prefixes() {
    assert_eq!(
        catalog::cluster_prefix("", "acid-walg", Some(WALG_UID)),
        format!("spilo/acid-walg/{WALG_UID}/")
    );
    assert_eq!(
        catalog::cluster_prefix("team/", "acid-walg", None),
        "spilo/team/acid-walg/"
    );
}

#[test]
fn catalog_serializes_times_and_segments_as_text() {
    let json = serde_json::to_value(load("barman")).expect("JSON");
    let a = &json["archives"][0];
    assert_eq!(a["layout"], "barman");
    assert_eq!(a["windows"][0]["end"], "2026-12-05T12:09:59Z");
    assert_eq!(a["backups"][0]["start_segment"], "000000010000000000000004");
    assert_eq!(a["backups"][0]["status"], "done");
}

// ---------------------------------------------------------------------------------------------
// Malformed input

/// The barman fixture with one backup.info replaced.
fn barman_with_info(text: &[u8]) -> Result<Catalog, CatalogError> {
    let objects = listing("barman");
    let mut metadata = fetch("barman", &objects);
    let key = format!("{BARMAN_PREFIX}base/20261205T120945/backup.info");
    metadata.insert(key, text.to_vec());
    catalog::build(&objects, &metadata)
}

fn walg_with_sentinel(text: &[u8]) -> Result<Catalog, CatalogError> {
    let objects = listing("walg");
    let mut metadata = fetch("walg", &objects);
    let key = format!(
        "spilo/acid-walg/{WALG_UID}/wal/15/basebackups_005/base_000000010000000000000009_backup_stop_sentinel.json"
    );
    metadata.insert(key, text.to_vec());
    catalog::build(&objects, &metadata)
}

fn message(result: Result<Catalog, CatalogError>) -> String {
    let error = result.expect_err("malformed metadata");
    let text = error.to_string();
    assert!(
        text.starts_with("spilo/") && (text.contains("backup.info: ") || text.contains(".json: ")),
        "the error names the object: {text}"
    );
    text
}

#[test]
fn malformed_sentinels_are_errors_naming_the_object_and_field() {
    let text = message(walg_with_sentinel(b"{not json"));
    assert!(
        text.contains("base_000000010000000000000009_backup_stop_sentinel.json"),
        "{text}"
    );
    let text = message(walg_with_sentinel(
        br#"{"LSN": "0/9000060", "FinishLSN": 1}"#,
    ));
    assert!(text.contains("LSN"), "{text}");
    let text = message(walg_with_sentinel(br#"[1, 2]"#));
    assert!(text.contains("not a backup sentinel"), "{text}");
    let text = message(walg_with_sentinel(br#"{"PgVersion": 150010}"#));
    assert!(text.contains("neither LSN"), "{text}");
    let text = message(walg_with_sentinel(
        br#"{"LSN": 1, "FinishTime": "yesterday"}"#,
    ));
    assert!(text.contains("FinishTime"), "{text}");
    let text = message(walg_with_sentinel(b"\xff\xfe"));
    assert!(text.contains("UTF-8"), "{text}");
    let text = message(walg_with_sentinel(
        br#"{"wal_segment_backup_stop": "nonsense"}"#,
    ));
    assert!(text.contains("wal_segment_backup_stop"), "{text}");
}

#[test]
fn malformed_backup_info_is_an_error_naming_the_object_and_field() {
    let text = message(barman_with_info(
        b"status=DONE\nthis line has no equals sign\n",
    ));
    assert!(text.contains("line 2"), "{text}");
    let text = message(barman_with_info(
        b"status=DONE\nbegin_wal=000000010000000000000008\nend_time=2026-12-05 12:09:46+00:00\n",
    ));
    assert!(text.contains("DONE without end_wal"), "{text}");
    let text = message(barman_with_info(
        b"status=DONE\nbegin_wal=000000010000000000000008\nend_wal=000000010000000000000008\nend_time=2026-12-05 12:09:46\n",
    ));
    assert!(
        text.contains("end_time") && text.contains("offset"),
        "{text}"
    );
    let text = message(barman_with_info(b"status=DONE\nbegin_wal=0/8000028\n"));
    assert!(text.contains("begin_wal"), "{text}");
    let text = message(barman_with_info(b"timeline=one\n"));
    assert!(text.contains("timeline"), "{text}");
    let text = message(barman_with_info(b"xlog_segment_size=12345\n"));
    assert!(text.contains("xlog_segment_size"), "{text}");
}

#[test]
fn barman_statuses_other_than_done() {
    let catalog =
        barman_with_info(b"status=FAILED\nerror=failure copying files\n").expect("a catalog");
    let b = &catalog.archives[0].backups;
    let failed = b
        .iter()
        .find(|b| b.name == "20261205T120945")
        .expect("the backup");
    assert_eq!(
        failed.status,
        BackupStatus::Failed {
            error: Some("failure copying files".into())
        }
    );
    assert!(!failed.restorable);
    assert_eq!(failed.status.to_string(), "failed: failure copying files");
    let catalog = barman_with_info(b"status=STARTED\n").expect("a catalog");
    assert!(
        catalog.archives[0]
            .backups
            .iter()
            .any(|b| b.status == BackupStatus::Incomplete)
    );
}

#[test]
fn metadata_not_fetched_is_an_error() {
    let objects = listing("walg");
    let error = catalog::build(&objects, &BTreeMap::new()).expect_err("missing metadata");
    assert!(matches!(error, CatalogError::NotFetched { ref key } if key.ends_with(".json")));
}
