//! Deciding whether a desired object differs from the live one.
//!
//! Server-side apply of an unchanged object is still a mutating request. To keep a resync of
//! unchanged clusters free of writes, an object is applied only when some field the operator
//! sets has a different value on the server. Fields the server or others add are ignored.

use serde_json::Value;

/// True when every field set in `desired` has the same value in `live`. Objects compare as
/// subsets, arrays element by element (same length), scalars by equality. `null` in desired
/// means "not set" and matches anything.
pub fn is_subset(desired: &Value, live: &Value) -> bool {
    match (desired, live) {
        (Value::Null, _) => true,
        (Value::Object(want), Value::Object(have)) => want.iter().all(|(key, value)| {
            is_subset(value, have.get(key).unwrap_or(&Value::Null))
                || is_empty(value) && !have.contains_key(key)
        }),
        (Value::Array(want), Value::Array(have)) => {
            want.len() == have.len() && want.iter().zip(have).all(|(w, h)| is_subset(w, h))
        }
        (want, have) => want == have,
    }
}

/// [`is_subset`] of two objects, leaving out the top-level keys `skip` (e.g. `apiVersion` and
/// `kind`, which a client's copy of a live object may not spell), without copying either.
pub fn is_subset_except(desired: &Value, live: &Value, skip: &[&str]) -> bool {
    match (desired, live) {
        (Value::Object(want), Value::Object(have)) => want
            .iter()
            .filter(|(key, _)| !skip.contains(&key.as_str()))
            .all(|(key, value)| {
                is_subset(value, have.get(key).unwrap_or(&Value::Null))
                    || is_empty(value) && !have.contains_key(key)
            }),
        _ => is_subset(desired, live),
    }
}

/// Empty maps, lists and strings are omitted by the server (`omitempty`: an env variable's
/// `value: ""` comes back without `value`); treat them as equal to a missing field.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

/// The fields of `desired` whose values differ in `live`, as JSON paths, for logs and `plan`.
pub fn changed_paths(desired: &Value, live: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(desired, live, String::new(), &mut out);
    out
}

fn walk(desired: &Value, live: &Value, path: String, out: &mut Vec<String>) {
    match (desired, live) {
        (Value::Null, _) => {}
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match have.get(key) {
                    Some(h) => walk(value, h, child, out),
                    None if is_empty(value) => {}
                    None => out.push(child),
                }
            }
        }
        (Value::Array(want), Value::Array(have)) if want.len() == have.len() => {
            for (i, (w, h)) in want.iter().zip(have).enumerate() {
                walk(w, h, format!("{path}[{i}]"), out);
            }
        }
        (want, have) if want == have => {}
        _ => out.push(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_env_value_the_server_omits_is_no_change() {
        // Spilo's WAL_BUCKET_SCOPE_PREFIX is "": the API server returns the variable without
        // `value`, and the StatefulSet must not be applied again at every resync for it.
        let desired = json!({"env": [{"name": "WAL_BUCKET_SCOPE_PREFIX", "value": ""}]});
        let live = json!({"env": [{"name": "WAL_BUCKET_SCOPE_PREFIX"}]});
        assert!(is_subset(&desired, &live));
        assert!(changed_paths(&desired, &live).is_empty());
        // A value that is really there still counts.
        let live = json!({"env": [{"name": "WAL_BUCKET_SCOPE_PREFIX", "value": "x"}]});
        assert!(!is_subset(&desired, &live));
    }

    #[test]
    fn server_added_fields_do_not_count() {
        let desired =
            json!({"spec": {"replicas": 2, "template": {"containers": [{"name": "postgres"}]}}});
        let live = json!({"metadata": {"uid": "x"}, "spec": {"replicas": 2, "revisionHistoryLimit": 10,
            "template": {"containers": [{"name": "postgres", "imagePullPolicy": "IfNotPresent"}]}}});
        assert!(is_subset(&desired, &live));
        assert!(changed_paths(&desired, &live).is_empty());
    }

    #[test]
    fn a_changed_value_counts_and_is_named() {
        let desired = json!({"spec": {"replicas": 3, "ports": [{"port": 5432}]}});
        let live = json!({"spec": {"replicas": 2, "ports": [{"port": 5432}]}});
        assert!(!is_subset(&desired, &live));
        assert_eq!(changed_paths(&desired, &live), vec!["spec.replicas"]);
    }

    #[test]
    fn list_length_and_missing_fields_count() {
        assert!(!is_subset(&json!({"a": [1, 2]}), &json!({"a": [1]})));
        assert!(!is_subset(&json!({"a": {"b": 1}}), &json!({})));
        assert_eq!(
            changed_paths(&json!({"a": {"b": 1}}), &json!({})),
            vec!["a"]
        );
    }

    #[test]
    fn empty_collections_match_absent_fields() {
        assert!(is_subset(&json!({"labels": {}, "items": []}), &json!({})));
    }
}
