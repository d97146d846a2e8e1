//! The finalizers pgctl keeps on a `postgresql`, as merge patches guarded by the resource's
//! `resourceVersion`: when the list changed in between, the API server refuses the patch (409)
//! instead of losing the change, and the next reconcile decides again. Other finalizers are
//! kept as they are.
//!
//! - [`naming::SECRETS_FINALIZER`]: while credential Secrets live in other namespaces, which
//!   owner references cannot reach ([`super::secret::needs_finalizer`]); added before the first
//!   of them, removed once the cluster is deleted and they are gone.
//! - [`naming::REFERENCE_FINALIZER`]: with `enable_finalizers`, as the reference operator: on
//!   deletion the controller deletes the cluster's objects, then removes it. Without the
//!   option it is removed from live clusters (as the reference does), so that a cluster adopted
//!   from the reference with the option on can still be deleted.

use serde_json::{Value, json};

use crate::naming;

/// The patch that brings the finalizers of a live cluster, now `current`, to what pgctl wants:
/// [`naming::SECRETS_FINALIZER`] added when `secrets` (never removed while the cluster lives),
/// [`naming::REFERENCE_FINALIZER`] added with `enable_finalizers` and removed without it.
/// `None` when nothing changes.
pub fn live_patch(
    current: Option<&[String]>,
    resource_version: Option<&str>,
    secrets: bool,
    enable_finalizers: bool,
) -> Option<Value> {
    let current = current.unwrap_or_default();
    let mut list: Vec<&str> = current
        .iter()
        .map(String::as_str)
        .filter(|f| enable_finalizers || *f != naming::REFERENCE_FINALIZER)
        .collect();
    for (wanted, finalizer) in [
        (secrets, naming::SECRETS_FINALIZER),
        (enable_finalizers, naming::REFERENCE_FINALIZER),
    ] {
        if wanted && !list.contains(&finalizer) {
            list.push(finalizer);
        }
    }
    let unchanged = list.len() == current.len() && list.iter().zip(current).all(|(a, b)| a == b);
    (!unchanged).then(|| patch(list, resource_version))
}

/// The finalizers of `current` that are pgctl's.
pub fn ours(current: Option<&[String]>) -> Vec<&str> {
    current
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .filter(|f| [naming::SECRETS_FINALIZER, naming::REFERENCE_FINALIZER].contains(f))
        .collect()
}

/// The patch that removes pgctl's finalizers from a deleted cluster once their work is done,
/// keeping the others; `None` when none of them is there.
pub fn release_patch(current: Option<&[String]>, resource_version: Option<&str>) -> Option<Value> {
    if ours(current).is_empty() {
        return None;
    }
    let list = current
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .filter(|f| ![naming::SECRETS_FINALIZER, naming::REFERENCE_FINALIZER].contains(f))
        .collect();
    Some(patch(list, resource_version))
}

fn patch(finalizers: Vec<&str>, resource_version: Option<&str>) -> Value {
    let mut metadata = serde_json::Map::new();
    if let Some(rv) = resource_version {
        metadata.insert("resourceVersion".into(), json!(rv));
    }
    metadata.insert("finalizers".into(), json!(finalizers));
    json!({ "metadata": metadata })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = naming::SECRETS_FINALIZER;
    const R: &str = naming::REFERENCE_FINALIZER;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_live_cluster_gets_the_finalizers_it_needs_and_keeps_the_others() {
        assert_eq!(
            live_patch(None, Some("7"), true, false),
            Some(json!({"metadata": {"resourceVersion": "7", "finalizers": [S]}}))
        );
        let other = list(&["example.com/keep"]);
        assert_eq!(
            live_patch(Some(&other), None, true, true),
            Some(json!({"metadata": {"finalizers": ["example.com/keep", S, R]}}))
        );
        assert_eq!(live_patch(Some(&other), None, false, false), None);
        assert_eq!(live_patch(Some(&list(&[S, R])), None, true, true), None);
        // The secrets finalizer stays while the cluster lives, even when no longer needed.
        assert_eq!(live_patch(Some(&list(&[S])), None, false, false), None);
        // The reference's goes when the option is off (a cluster adopted from the reference).
        assert_eq!(
            live_patch(
                Some(&list(&["example.com/keep", R])),
                Some("9"),
                false,
                false
            ),
            Some(json!({"metadata": {"resourceVersion": "9", "finalizers": ["example.com/keep"]}}))
        );
    }

    #[test]
    fn a_deleted_cluster_is_released_of_ours_only() {
        let all = list(&["example.com/keep", S, R]);
        assert_eq!(ours(Some(&all)), vec![S, R]);
        assert_eq!(
            release_patch(Some(&all), Some("8")),
            Some(json!({"metadata": {"resourceVersion": "8", "finalizers": ["example.com/keep"]}}))
        );
        assert_eq!(
            release_patch(Some(&list(&[S])), None),
            Some(json!({"metadata": {"finalizers": []}}))
        );
        assert_eq!(
            release_patch(Some(&list(&["example.com/keep"])), None),
            None
        );
        assert_eq!(release_patch(None, None), None);
    }
}
