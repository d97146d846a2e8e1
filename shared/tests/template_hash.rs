//! Golden pod-template hashes: the [`TEMPLATE_HASH_ANNOTATION`] of the StatefulSet built from
//! each fixture manifest (and each reference manifest, when `../shared` is present) with the
//! default operator configuration; and the golden inputs hash (computed independently from its
//! documented text).

use std::path::Path;

mod common;
use common::{load, reference_dir, root};

use pgctl_shared::build::{ClusterContext, TEMPLATE_HASH_ANNOTATION, statefulset};
use pgctl_shared::config::OperatorConfig;

// These pin what the pod-template hash covers. A change here gives every cluster a new
// template: on controller upgrade the running pods count as current (the equivalent-hashes
// rule, `carry_equivalent_hashes`), but the next change to a cluster's manifest or to the
// operator configuration replaces them. So changing a value must be a deliberate decision,
// noted in the commit message, never a side effect of a refactor.

/// `tests/fixtures/<name>` → its golden template hash.
const FIXTURES: &[(&str, &str)] = &[
    (
        "minimal.yaml",
        "9db0f96a5851f7d1841fca3de147e53d28bbe6bf1fbf176d9cf50d8202d972f1",
    ),
    (
        "complete.yaml",
        "e7fa2347f0764a449b61ca65ac8e900a1f78303a00972b7a9923a4774af9f3d2",
    ),
    (
        "standby.yaml",
        "9f0f6543b9b4d4bf8e96c7611933d7db800896ff87873bf94575ed5ef1e767bb",
    ),
    (
        "lowest-version.yaml",
        "477639747fbb1a81efee97b52c56ceb1e12ab24ca089eebcd82ad509267399ba",
    ),
];

/// `../../shared/reference/zalando/<name>` (the reference operator's example manifests) → its
/// golden template hash.
const REFERENCE: &[(&str, &str)] = &[
    (
        "minimal-postgres-manifest.yaml",
        "147a8facecbbb72d29115fff860362c924aa2d7384b83cfbf01432055f676564",
    ),
    (
        "minimal-postgres-lowest-version-manifest.yaml",
        "477639747fbb1a81efee97b52c56ceb1e12ab24ca089eebcd82ad509267399ba",
    ),
    (
        "complete-postgres-manifest.yaml",
        "c3211c92b14531394a270b4c037f5b556fab422d97b06d39c6f011224e4949e4",
    ),
    (
        "standby-manifest.yaml",
        "9f0f6543b9b4d4bf8e96c7611933d7db800896ff87873bf94575ed5ef1e767bb",
    ),
];

fn template_hash(path: &Path) -> String {
    let pg = load(path);
    let config = OperatorConfig::default();
    let ctx = ClusterContext::new(&pg, &config).expect("context");
    let sts = statefulset::statefulset(&ctx).expect("statefulset");
    sts.spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.annotations.as_ref())
        .and_then(|a| a.get(TEMPLATE_HASH_ANNOTATION))
        .cloned()
        .unwrap_or_else(|| panic!("{}: no template hash annotation", path.display()))
}

/// Compares every entry, then fails once listing all the differences (with the actual values,
/// ready to paste after a deliberate change).
fn check(dir: &Path, golden: &[(&str, &str)]) {
    let mismatches: Vec<String> = golden
        .iter()
        .filter_map(|(name, want)| {
            let got = template_hash(&dir.join(name));
            (got != *want).then(|| format!("(\"{name}\", \"{got}\"), // was {want}"))
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "pod-template hashes changed (every running cluster would roll):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn fixture_template_hashes_are_golden() {
    check(&root().join("tests/fixtures"), FIXTURES);
}

#[test]
fn reference_template_hashes_are_golden() {
    let Some(dir) = reference_dir() else {
        return;
    };
    check(&dir, REFERENCE);
}

/// The inputs hash decides whether a template of another build counts as current; a change of
/// its text makes every StatefulSet's inputs look new once, so the next build that changes the
/// template would roll every cluster. Pinned for one resource and two configurations.
#[test]
fn the_inputs_hash_is_golden() {
    let mut pg = load(&root().join("tests/fixtures/minimal.yaml"));
    pg.metadata.uid = Some("11111111-2222-3333-4444-555555555555".to_string());
    pg.metadata.generation = Some(3);
    let inputs = |pg: &pgctl_shared::crd::Postgresql, config: &OperatorConfig| {
        statefulset::inputs_hash(&ClusterContext::new(pg, config).expect("context"))
    };
    let defaults = OperatorConfig::default();
    let data = std::collections::BTreeMap::from([("workers".to_string(), "4".to_string())]);
    let configured = OperatorConfig::from_config_map_data(&data)
        .expect("config")
        .config;
    assert_eq!(
        inputs(&pg, &defaults),
        "da0f1f9c339c3c1ca59d5279ecc6aa506a579efca1397900891b877ad57b8af5",
        "the inputs hash changed"
    );
    assert_eq!(
        inputs(&pg, &configured),
        "94e76d2dc4a7930b9e0debcbf42266a4f66e887e66f98fda3b2d858071378d5d",
        "the inputs hash changed"
    );
}
