//! A container's environment as the kubelet resolves it: `envFrom` first, then `env` in order,
//! with literal values (and their `$(VAR)` references), field references, and keys of Secrets
//! and ConfigMaps. Pure: the Secrets and ConfigMaps it needs ([`references`]) are fetched by
//! the caller and handed in.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, Pod};

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Secret,
    ConfigMap,
}

/// The data of the Secrets and ConfigMaps a container refers to, decoded, by (source, name).
pub type Objects = BTreeMap<(Source, String), BTreeMap<String, String>>;

/// A reference that cannot be resolved and is not optional: the kubelet would not start the
/// container (`CreateContainerConfigError`).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EnvError {
    #[error("{kind} \"{name}\" not found (variable {variable})")]
    MissingObject {
        kind: &'static str,
        name: String,
        variable: String,
    },
    #[error("{kind} \"{name}\" has no key \"{key}\" (variable {variable})")]
    MissingKey {
        kind: &'static str,
        name: String,
        key: String,
        variable: String,
    },
    #[error("variable {variable}: field path {path} is not supported")]
    UnsupportedField { variable: String, path: String },
}

/// The Secrets and ConfigMaps the container refers to.
pub fn references(container: &Container) -> BTreeSet<(Source, String)> {
    let mut out = BTreeSet::new();
    for from in container.env_from.iter().flatten() {
        if let Some(s) = &from.secret_ref {
            out.insert((Source::Secret, s.name.clone()));
        }
        if let Some(c) = &from.config_map_ref {
            out.insert((Source::ConfigMap, c.name.clone()));
        }
    }
    for var in container.env.iter().flatten() {
        let Some(from) = &var.value_from else {
            continue;
        };
        if let Some(s) = &from.secret_key_ref {
            out.insert((Source::Secret, s.name.clone()));
        }
        if let Some(c) = &from.config_map_key_ref {
            out.insert((Source::ConfigMap, c.name.clone()));
        }
    }
    out
}

/// Expands `$(NAME)` with earlier variables, `$$` to `$`; unknown references stay as written.
pub fn expand(value: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix("$(")
            && let Some(end) = inner.find(')')
        {
            let name = &inner[..end];
            match env.get(name) {
                Some(v) => out.push_str(v),
                None => out.push_str(&tail[..end + 3]),
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The value of a `fieldRef` path of `pod` (whose IP is `pod_ip`), if supported.
pub fn field(pod: &Pod, pod_ip: &str, path: &str) -> Option<String> {
    let meta = &pod.metadata;
    let bracket = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .map(str::to_string)
    };
    Some(match path {
        "metadata.name" => meta.name.clone().unwrap_or_default(),
        "metadata.namespace" => meta.namespace.clone().unwrap_or_default(),
        "metadata.uid" => meta.uid.clone().unwrap_or_default(),
        "status.podIP" => pod_ip.to_string(),
        "spec.nodeName" => pod.spec.as_ref()?.node_name.clone().unwrap_or_default(),
        "spec.serviceAccountName" => pod
            .spec
            .as_ref()?
            .service_account_name
            .clone()
            .unwrap_or_default(),
        _ => {
            if let Some(key) = bracket("metadata.labels['") {
                meta.labels.as_ref()?.get(&key).cloned().unwrap_or_default()
            } else if let Some(key) = bracket("metadata.annotations['") {
                meta.annotations
                    .as_ref()?
                    .get(&key)
                    .cloned()
                    .unwrap_or_default()
            } else {
                return None;
            }
        }
    })
}

fn kind_name(source: Source) -> &'static str {
    match source {
        Source::Secret => "Secret",
        Source::ConfigMap => "ConfigMap",
    }
}

/// The resolved environment of `container` in `pod`, whose IP is `pod_ip`.
pub fn resolve(
    pod: &Pod,
    container: &Container,
    pod_ip: &str,
    objects: &Objects,
) -> Result<BTreeMap<String, String>, EnvError> {
    let mut env = BTreeMap::new();
    for from in container.env_from.iter().flatten() {
        let prefix = from.prefix.clone().unwrap_or_default();
        let (source, name, optional) = if let Some(s) = &from.secret_ref {
            (Source::Secret, &s.name, s.optional == Some(true))
        } else if let Some(c) = &from.config_map_ref {
            (Source::ConfigMap, &c.name, c.optional == Some(true))
        } else {
            continue;
        };
        match objects.get(&(source, name.clone())) {
            Some(data) => {
                for (k, v) in data {
                    env.insert(format!("{prefix}{k}"), v.clone());
                }
            }
            None if optional => {}
            None => {
                return Err(EnvError::MissingObject {
                    kind: kind_name(source),
                    name: name.clone(),
                    variable: format!("envFrom {name}"),
                });
            }
        }
    }
    for var in container.env.iter().flatten() {
        let value = match (&var.value, &var.value_from) {
            (_, Some(from)) => {
                let keyed = if let Some(s) = &from.secret_key_ref {
                    Some((Source::Secret, &s.name, &s.key, s.optional == Some(true)))
                } else {
                    from.config_map_key_ref
                        .as_ref()
                        .map(|c| (Source::ConfigMap, &c.name, &c.key, c.optional == Some(true)))
                };
                if let Some((source, name, key, optional)) = keyed {
                    let Some(data) = objects.get(&(source, name.clone())) else {
                        if optional {
                            continue;
                        }
                        return Err(EnvError::MissingObject {
                            kind: kind_name(source),
                            name: name.clone(),
                            variable: var.name.clone(),
                        });
                    };
                    match data.get(key) {
                        Some(v) => v.clone(),
                        None if optional => continue,
                        None => {
                            return Err(EnvError::MissingKey {
                                kind: kind_name(source),
                                name: name.clone(),
                                key: key.clone(),
                                variable: var.name.clone(),
                            });
                        }
                    }
                } else if let Some(f) = &from.field_ref {
                    field(pod, pod_ip, &f.field_path).ok_or_else(|| EnvError::UnsupportedField {
                        variable: var.name.clone(),
                        path: f.field_path.clone(),
                    })?
                } else {
                    // resourceFieldRef: no cgroup limits here.
                    String::new()
                }
            }
            (Some(v), None) => expand(v, &env),
            (None, None) => String::new(),
        };
        env.insert(var.name.clone(), value);
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "acid-0", "namespace": "ns", "uid": "u-1", "labels": {"team": "acid"}},
            "spec": {"containers": [{
                "name": "postgres",
                "envFrom": [{"configMapRef": {"name": "extra", "optional": true}}],
                "env": [
                    {"name": "SCOPE", "value": "acid"},
                    {"name": "PGROOT", "value": "/home/postgres/pgdata/pgroot"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "TEAM", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}}},
                    {"name": "PGPASSWORD_SUPERUSER", "valueFrom": {"secretKeyRef": {"name": "pw", "key": "password"}}},
                    {"name": "WHERE", "value": "$(SCOPE)/$(NOPE)/$$x"},
                ],
            }]},
        }))
        .unwrap_or_default()
    }

    fn container(pod: &Pod) -> Container {
        pod.spec
            .as_ref()
            .and_then(|s| s.containers.first().cloned())
            .unwrap_or_default()
    }

    #[test]
    fn resolves_literals_fields_secrets_and_references() -> Result<(), EnvError> {
        let pod = pod();
        let c = container(&pod);
        assert_eq!(
            references(&c),
            [
                (Source::ConfigMap, "extra".to_string()),
                (Source::Secret, "pw".to_string())
            ]
            .into_iter()
            .collect()
        );
        let mut objects = Objects::new();
        objects.insert(
            (Source::Secret, "pw".into()),
            [("password".to_string(), "pa$$".to_string())]
                .into_iter()
                .collect(),
        );
        let env = resolve(&pod, &c, "10.244.1.254", &objects)?;
        assert_eq!(env["POD_IP"], "10.244.1.254");
        assert_eq!(env["POD_NAMESPACE"], "ns");
        assert_eq!(env["TEAM"], "acid");
        assert_eq!(env["PGPASSWORD_SUPERUSER"], "pa$$");
        assert_eq!(env["WHERE"], "acid/$(NOPE)/$x");
        Ok(())
    }

    #[test]
    fn a_missing_secret_is_named() {
        let pod = pod();
        let err = resolve(&pod, &container(&pod), "10.0.0.1", &Objects::new()).err();
        assert_eq!(
            err,
            Some(EnvError::MissingObject {
                kind: "Secret",
                name: "pw".into(),
                variable: "PGPASSWORD_SUPERUSER".into()
            })
        );
    }
}
