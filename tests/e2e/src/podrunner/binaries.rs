//! The PostgreSQL majors installed on this machine, as a Spilo image bundles several: Debian's
//! (`/usr/lib/postgresql/N/bin`) and the relocatable builds `tests/postgres/majors` installs
//! (`/opt/pgctl/postgresql-N.x.y/bin`, or under `PGCTL_POSTGRES_DIR`). A Spilo container runs
//! the major of its data directory once it has one (`PG_VERSION`), else the one `PGVERSION`
//! asks for ([`spilo_major`]); a major that is not installed is an error naming the ones that
//! are, never another major.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Installed binaries by major.
#[derive(Debug, Clone, Default)]
pub struct PgBinaries {
    by_major: BTreeMap<u32, PathBuf>,
    /// `--pg-bin-dir`: this directory for every major.
    only: Option<PathBuf>,
}

impl PgBinaries {
    /// Scans Debian's directory and the one of `tests/postgres/majors`.
    pub fn find() -> Self {
        let mut by_major = BTreeMap::new();
        let debian = list(Path::new("/usr/lib/postgresql"))
            .filter_map(|(name, path)| Some((name.parse::<u32>().ok()?, path.join("bin"))));
        let root = std::env::var_os("PGCTL_POSTGRES_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/opt/pgctl"));
        let built = list(&root).filter_map(|(name, path)| {
            let version = name.strip_prefix("postgresql-")?;
            let major = version.split('.').next()?.parse::<u32>().ok()?;
            Some((major, path.join("bin")))
        });
        for (major, bin) in debian.chain(built) {
            if bin.join("postgres").exists() {
                // Several builds of one major: the last by name (the newest minor).
                by_major.insert(major, bin);
            }
        }
        Self {
            by_major,
            only: None,
        }
    }

    /// One directory for every major (`--pg-bin-dir`).
    pub fn only(dir: PathBuf) -> Self {
        Self {
            by_major: BTreeMap::new(),
            only: Some(dir),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_major.is_empty() && self.only.is_none()
    }

    /// The newest major's binaries: for containers that name no major.
    pub fn newest(&self) -> Option<&Path> {
        self.only
            .as_deref()
            .or_else(|| self.by_major.values().next_back().map(PathBuf::as_path))
    }

    /// The major whose binaries `bin_dir` is, if it is one of those found.
    pub fn major_of(&self, bin_dir: &Path) -> Option<u32> {
        self.by_major
            .iter()
            .find(|(_, dir)| dir.as_path() == bin_dir)
            .map(|(major, _)| *major)
    }

    /// The binaries of `major`.
    pub fn for_major(&self, major: u32) -> Result<&Path, String> {
        if let Some(only) = &self.only {
            return Ok(only);
        }
        self.by_major.get(&major).map(PathBuf::as_path).ok_or_else(|| {
            format!(
                "PostgreSQL {major} is not installed on this machine (installed: {}); tests/postgres/majors installs more",
                self.describe()
            )
        })
    }

    /// Where a Spilo image keeps each major (`/usr/lib/postgresql/N`), for the majors installed
    /// elsewhere: (inside the container, on the host). Commands run in the pod (the major
    /// upgrade's `pg_upgrade`) find every major where they would in Spilo.
    pub fn spilo_layout(&self) -> Vec<(PathBuf, PathBuf)> {
        self.by_major
            .iter()
            .filter_map(|(major, bin)| {
                let inside = PathBuf::from(format!("/usr/lib/postgresql/{major}"));
                let home = bin.parent()?;
                (home != inside).then(|| (inside, home.to_path_buf()))
            })
            .collect()
    }

    /// `15 (/usr/lib/postgresql/15/bin), 17 (…)`.
    pub fn describe(&self) -> String {
        if let Some(only) = &self.only {
            return format!("{} for every major", only.display());
        }
        self.by_major
            .iter()
            .map(|(major, bin)| format!("{major} ({})", bin.display()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn list(dir: &Path) -> impl Iterator<Item = (String, PathBuf)> {
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.to_string(), e.path())))
        .collect();
    entries.sort();
    entries.into_iter()
}

/// The major a Spilo container runs: its data directory's (`PG_VERSION`, as Spilo keeps
/// running the major of existing data until an upgrade), else `PGVERSION`'s; `None` when
/// neither says (then the newest).
pub fn spilo_major(pg_version_file: Option<&str>, pgversion: Option<&str>) -> Option<u32> {
    let parse = |text: &str| text.trim().split('.').next()?.parse::<u32>().ok();
    pg_version_file
        .and_then(parse)
        .or_else(|| pgversion.and_then(parse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_directory_decides_before_pgversion() {
        assert_eq!(spilo_major(Some("16\n"), Some("17")), Some(16));
        assert_eq!(spilo_major(None, Some("17")), Some(17));
        assert_eq!(spilo_major(Some("garbage"), Some("15")), Some(15));
        assert_eq!(spilo_major(None, Some("9.6")), Some(9));
        assert_eq!(spilo_major(None, None), None);
    }

    #[test]
    fn majors_installed_elsewhere_appear_where_spilo_keeps_them() {
        let mut bins = PgBinaries::default();
        bins.by_major
            .insert(15, PathBuf::from("/usr/lib/postgresql/15/bin"));
        bins.by_major
            .insert(17, PathBuf::from("/opt/pgctl/postgresql-17.11.0/bin"));
        assert_eq!(
            bins.spilo_layout(),
            vec![(
                PathBuf::from("/usr/lib/postgresql/17"),
                PathBuf::from("/opt/pgctl/postgresql-17.11.0")
            )]
        );
    }

    #[test]
    fn a_missing_major_names_the_installed_ones() {
        let mut bins = PgBinaries::default();
        bins.by_major
            .insert(15, PathBuf::from("/usr/lib/postgresql/15/bin"));
        bins.by_major
            .insert(17, PathBuf::from("/opt/pgctl/postgresql-17.11.0/bin"));
        assert_eq!(
            bins.for_major(17).map(Path::to_path_buf),
            Ok(PathBuf::from("/opt/pgctl/postgresql-17.11.0/bin"))
        );
        let missing = bins.for_major(16).err().unwrap_or_default();
        assert!(
            missing.contains("PostgreSQL 16 is not installed")
                && missing.contains("15 (/usr/lib/postgresql/15/bin), 17"),
            "{missing}"
        );
        assert_eq!(
            bins.newest(),
            Some(Path::new("/opt/pgctl/postgresql-17.11.0/bin"))
        );
        let only = PgBinaries::only(PathBuf::from("/x/bin"));
        assert_eq!(only.for_major(16), Ok(Path::new("/x/bin")));
    }
}
