//! Helpers shared by the integration tests of `pgctl-shared`.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

use pgctl_shared::crd::Postgresql;
use pgctl_shared::manifest::{self, DocumentContent};

/// The uid and namespace the API server would have given a fixture.
pub const UID: &str = "6f3c2a8e-1d2b-4c5d-9e8f-0a1b2c3d4e5f";
pub const NAMESPACE: &str = "default";

/// The crate's directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference operator's example manifests (`../shared/reference/zalando` beside the
/// clone), or `None` in a clone without `../shared`: then the caller skips, except under
/// `CI=true`, where CI always has it and a skip would hide a failure.
pub fn reference_dir() -> Option<PathBuf> {
    let dir = root().join("../../shared/reference/zalando");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is absent, and CI=true does not allow skipping",
        dir.display()
    );
    eprintln!(
        "SKIP: {} is absent (a clone without ../shared)",
        dir.display()
    );
    None
}

/// The first postgresql of a manifest file, as the API server would hand it over: with
/// [`NAMESPACE`] and [`UID`].
pub fn load(path: &Path) -> Postgresql {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut docs = manifest::parse_stream(&text);
    let doc = docs
        .iter_mut()
        .find(|d| !matches!(d.content, DocumentContent::Empty))
        .expect("a document");
    let mut pg = match std::mem::replace(&mut doc.content, DocumentContent::Empty) {
        DocumentContent::Postgresql(parsed) => parsed.resource,
        other => panic!("{}: not a postgresql: {other:?}", path.display()),
    };
    pg.metadata.namespace = Some(NAMESPACE.to_string());
    pg.metadata.uid = Some(UID.to_string());
    pg
}
