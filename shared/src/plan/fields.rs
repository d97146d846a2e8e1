//! Reading server-side apply's `managedFields`: which fields a field manager owns on a live
//! object, and which of them a new desired object no longer sets (those an apply removes).
//!
//! `fieldsV1` is a tree of keys: `f:NAME` a field of an object, `k:{…}` an element of a list
//! identified by its merge keys, `v:…` an element of a set by value, `i:N` an element by index,
//! and `.` the node itself.

use serde_json::Value;

/// The `fieldsV1` trees that `manager` holds on `live` (one per apply or update entry).
pub fn owned_by<'a>(live: &'a Value, manager: &str) -> Vec<&'a Value> {
    live.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e.get("manager").and_then(Value::as_str) == Some(manager))
                .filter_map(|e| e.get("fieldsV1"))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `manager` appears among the live object's managers.
pub fn managed_by(live: &Value, manager: &str) -> bool {
    live.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .is_some_and(|entries| {
            entries
                .iter()
                .any(|e| e.get("manager").and_then(Value::as_str) == Some(manager))
        })
}

/// The paths of fields in `owned` (a `fieldsV1` tree) that `desired` does not set: server-side
/// apply by the same manager removes them. Paths read like `metadata.annotations.foo` and
/// `spec.template.spec.containers[name=postgres].env[name=FOO]`.
pub fn removed(owned: &Value, desired: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(owned, Some(desired), String::new(), &mut out);
    out
}

fn walk(owned: &Value, desired: Option<&Value>, path: String, out: &mut Vec<String>) {
    let Some(children) = owned.as_object() else {
        return;
    };
    for (key, sub) in children {
        if key == "." {
            continue;
        }
        let (child, label) = if let Some(name) = key.strip_prefix("f:") {
            let child = desired
                .and_then(|d| d.get(name))
                .filter(|v| !v.is_null() && !is_empty(v));
            let label = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            (child, label)
        } else if let Some(keys) = key.strip_prefix("k:") {
            let wanted: Value = serde_json::from_str(keys).unwrap_or(Value::Null);
            let child = desired.and_then(Value::as_array).and_then(|items| {
                // A merge key the desired item leaves out is the server's default
                // (`protocol: TCP` of a port): it matches.
                items.iter().find(|item| {
                    wanted.as_object().is_some_and(|w| {
                        w.iter()
                            .all(|(k, v)| item.get(k).is_none_or(|have| have == v))
                    })
                })
            });
            (child, format!("{path}[{}]", describe_keys(&wanted)))
        } else if let Some(value) = key.strip_prefix("v:") {
            let wanted: Value = serde_json::from_str(value).unwrap_or(Value::Null);
            let child = desired
                .and_then(Value::as_array)
                .and_then(|items| items.iter().find(|item| **item == wanted));
            (child, format!("{path}[{value}]"))
        } else if let Some(index) = key.strip_prefix("i:") {
            let child = index
                .parse::<usize>()
                .ok()
                .and_then(|i| desired.and_then(Value::as_array)?.get(i));
            (child, format!("{path}[{index}]"))
        } else {
            continue;
        };
        match child {
            Some(child) => walk(sub, Some(child), label, out),
            None => out.push(label),
        }
    }
}

fn describe_keys(keys: &Value) -> String {
    match keys.as_object() {
        Some(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(","),
        None => keys.to_string(),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live() -> Value {
        json!({"metadata": {"managedFields": [
            {"manager": "kubectl", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {"f:x": {}}}}},
            {"manager": "pgctl-controller", "operation": "Apply", "fieldsV1": {
                "f:metadata": {"f:annotations": {"f:a": {}, "f:b": {}}, "f:labels": {"f:app": {}}},
                "f:spec": {"f:template": {"f:spec": {"f:containers": {
                    "k:{\"name\":\"postgres\"}": {".": {}, "f:env": {
                        "k:{\"name\":\"FOO\"}": {".": {}, "f:name": {}, "f:value": {}},
                        "k:{\"name\":\"BAR\"}": {".": {}, "f:name": {}, "f:value": {}}
                    }}
                }}}}
            }}
        ]}})
    }

    #[test]
    fn owned_fields_of_one_manager() {
        let live = live();
        assert_eq!(owned_by(&live, "pgctl-controller").len(), 1);
        assert!(managed_by(&live, "kubectl"));
        assert!(!managed_by(&live, "someone"));
    }

    #[test]
    fn fields_the_desired_object_no_longer_sets_are_named() {
        let live = live();
        let owned = owned_by(&live, "pgctl-controller")[0];
        let desired = json!({
            "metadata": {"annotations": {"a": "1"}, "labels": {"app": "x"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "postgres", "env": [{"name": "FOO", "value": "1"}]}
            ]}}}
        });
        assert_eq!(
            removed(owned, &desired),
            vec![
                "metadata.annotations.b",
                "spec.template.spec.containers[name=postgres].env[name=BAR]"
            ]
        );
        let all = json!({
            "metadata": {"annotations": {"a": "1", "b": "2"}, "labels": {"app": "x"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "postgres", "env": [{"name": "BAR", "value": "2"}, {"name": "FOO", "value": "1"}]}
            ]}}}
        });
        assert!(removed(owned, &all).is_empty());
    }

    #[test]
    fn a_merge_key_the_server_defaulted_still_matches() {
        let owned = json!({"f:spec": {"f:ports": {
            "k:{\"port\":5432,\"protocol\":\"TCP\"}": {".": {}, "f:name": {}, "f:port": {}}
        }}});
        let desired = json!({"spec": {"ports": [{"name": "postgresql", "port": 5432}]}});
        assert!(removed(&owned, &desired).is_empty());
        let other = json!({"spec": {"ports": [{"name": "postgresql", "port": 5433}]}});
        assert_eq!(
            removed(&owned, &other),
            vec!["spec.ports[port=5432,protocol=TCP]"]
        );
    }

    #[test]
    fn a_whole_map_gone_is_one_path() {
        let owned = json!({"f:metadata": {"f:annotations": {".": {}, "f:a": {}}}});
        assert_eq!(
            removed(&owned, &json!({"metadata": {"name": "x"}})),
            vec!["metadata.annotations"]
        );
        assert_eq!(
            removed(&owned, &json!({"metadata": {"annotations": {}}})),
            vec!["metadata.annotations"]
        );
    }
}
