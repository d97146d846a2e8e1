//! Patroni's dynamic configuration (`bootstrap.dcs`): the merge patch that brings the live
//! configuration (`GET /config`) to the desired one ([`config_patch`]), and the settings a
//! patch changes ([`patch_paths`]).

use serde_json::Value;

/// The part of `desired` (Patroni's dynamic configuration, `bootstrap.dcs`) that `live`
/// (`GET /config`) lacks or holds otherwise, as a JSON merge patch for `PATCH /config`; `None`
/// when `live` holds all of it. Objects compare key by key, scalars by their text (`"100"`
/// matches `100`). Settings that are only in `live` are left alone, except the
/// `postgresql.parameters` named in `previously_set` (those the controller set before) that
/// `desired` no longer has: they are removed (`null`), so PostgreSQL returns to its default.
pub fn config_patch(desired: &Value, live: &Value, previously_set: &[String]) -> Option<Value> {
    let mut patch = merge_patch(desired, live);
    let live_parameters = live
        .pointer("/postgresql/parameters")
        .and_then(Value::as_object);
    let desired_parameters = desired
        .pointer("/postgresql/parameters")
        .and_then(Value::as_object);
    let removed: Vec<&String> = previously_set
        .iter()
        .filter(|name| desired_parameters.is_none_or(|d| !d.contains_key(*name)))
        .filter(|name| live_parameters.is_some_and(|l| l.contains_key(*name)))
        .collect();
    if !removed.is_empty() {
        let root = patch.get_or_insert_with(|| Value::Object(Default::default()));
        let parameters = &mut root["postgresql"]["parameters"];
        if !parameters.is_object() {
            *parameters = Value::Object(Default::default());
        }
        for name in removed {
            parameters[name.as_str()] = Value::Null;
        }
    }
    patch
}

fn merge_patch(desired: &Value, live: &Value) -> Option<Value> {
    match (desired, live) {
        (Value::Object(want), Value::Object(have)) => {
            let patch: serde_json::Map<String, Value> = want
                .iter()
                .filter_map(|(key, value)| {
                    let patch = match have.get(key) {
                        Some(current) => merge_patch(value, current)?,
                        None if value.is_null() => return None,
                        None => value.clone(),
                    };
                    Some((key.clone(), patch))
                })
                .collect();
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (Value::Object(_), _) => Some(desired.clone()),
        (want, have) if scalar_text(want) == scalar_text(have) => None,
        (want, _) => Some(want.clone()),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The settings a patch changes, as dotted paths (`postgresql.parameters.work_mem`).
pub fn patch_paths(patch: &Value) -> Vec<String> {
    // A removed setting (`null`) is named too.
    fn walk(value: &Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (key, value) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(value, &path, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let mut out = Vec::new();
    walk(patch, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_config_patch_holds_what_differs_and_nothing_else() {
        let desired = json!({
            "ttl": 30,
            "postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}},
        });
        let live = json!({
            "ttl": "30",
            "loop_wait": 10,
            "postgresql": {
                "parameters": {"work_mem": "4MB", "max_connections": 100, "other": "x"},
                "use_pg_rewind": true,
            },
        });
        let patch = config_patch(&desired, &live, &[]).expect("a patch");
        assert_eq!(
            patch,
            json!({"postgresql": {"parameters": {"work_mem": "8MB"}}})
        );
        assert_eq!(patch_paths(&patch), vec!["postgresql.parameters.work_mem"]);
        assert_eq!(
            config_patch(
                &desired,
                &json!({"ttl": 30, "postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}}}),
                &[]
            ),
            None
        );
        // Missing sections come whole.
        assert_eq!(
            config_patch(&desired, &json!({"ttl": 30}), &[]),
            Some(
                json!({"postgresql": {"parameters": {"work_mem": "8MB", "max_connections": "100"}}})
            )
        );
        assert_eq!(config_patch(&json!({}), &live, &[]), None);
    }

    #[test]
    fn a_parameter_the_controller_set_and_no_longer_wants_is_removed() {
        let desired = json!({"postgresql": {"parameters": {"work_mem": "8MB"}}});
        let live = json!({"postgresql": {"parameters": {
            "work_mem": "8MB", "max_connections": "200", "by_hand": "x"
        }}});
        let set_before = ["work_mem".to_string(), "max_connections".to_string()];
        let patch = config_patch(&desired, &live, &set_before).expect("a patch");
        assert_eq!(
            patch,
            json!({"postgresql": {"parameters": {"max_connections": null}}})
        );
        assert_eq!(
            patch_paths(&patch),
            vec!["postgresql.parameters.max_connections"]
        );
        // Gone already: nothing to do. Never set by the controller: left alone.
        let without = json!({"postgresql": {"parameters": {"work_mem": "8MB", "by_hand": "x"}}});
        assert_eq!(config_patch(&desired, &without, &set_before), None);
        assert_eq!(
            config_patch(&desired, &live, &["work_mem".to_string()]),
            None
        );
    }
}
