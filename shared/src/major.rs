//! The PostgreSQL major a cluster should run: the manifest's, or the one
//! `major_version_upgrade_mode: full` raises it to ([`crate::upgrade`] acts on the difference
//! with the running major; the builders write it into `PGVERSION`).

use crate::config::{MajorUpgradeMode, OperatorConfig};
use crate::crd::PostgresSpec;

/// The major of a `spec.postgresql.version` (`"17"`; `"9.6"` is 9).
pub fn spec_major(version: &str) -> Option<u32> {
    version.trim().split('.').next()?.parse().ok()
}

/// The major of Patroni's `server_version` (`170011` → 17, `90624` → 9).
pub fn server_major(server_version: u64) -> u32 {
    (server_version / 10_000) as u32
}

/// The major the cluster should run: the manifest's, or in mode `full` `target_major_version`
/// for a manifest below `minimal_major_version` (what `PGVERSION` gets, as in the reference).
pub fn desired_major(spec: &PostgresSpec, config: &OperatorConfig) -> Option<u32> {
    let major = spec_major(&spec.postgresql.version)?;
    if config.major_version_upgrade_mode == MajorUpgradeMode::Full
        && major < config.minimal_major_version
    {
        Some(config.target_major_version.max(major))
    } else {
        Some(major)
    }
}

/// `PGVERSION` (and Spilo's `bin_dir`): the manifest's version, or in mode `full` the target
/// major for a manifest below `minimal_major_version`.
pub fn pgversion(spec: &PostgresSpec, config: &OperatorConfig) -> String {
    match (
        desired_major(spec, config),
        spec_major(&spec.postgresql.version),
    ) {
        (Some(desired), Some(asked)) if desired != asked => desired.to_string(),
        _ => spec.postgresql.version.clone(),
    }
}
