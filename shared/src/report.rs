//! What `pgctl report` may put in a diagnostic bundle: Secrets with their keys and without
//! their values, literal environment values under names that hold credentials replaced, and a
//! last pass over every file that replaces each credential the bundle's Secrets hold
//! ([`Scrubber`]), wherever it appears (a log line, a Patroni answer, an annotation).
//!
//! Pure: the CLI collects the objects and writes the archive.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{EnvVar, PodSpec, Secret};

/// What replaces a value.
pub const REDACTED: &str = "<redacted>";

/// Credentials shorter than this are not searched for in text (a short value would replace
/// words of the logs; generated passwords are 32 or more characters).
pub const MIN_SCRUBBED_LEN: usize = 6;

/// Whether a key or variable name holds a credential (`password`, `PGPASSWORD_SUPERUSER`,
/// `AWS_SECRET_ACCESS_KEY`, `tls.key`, `token`).
pub fn is_sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "CREDENTIAL",
        "KEY",
        "PRIVATE",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// `secret` with every value replaced and the annotations that may copy it
/// (`kubectl.kubernetes.io/last-applied-configuration`) dropped; the keys stay.
pub fn redact_secret(mut secret: Secret) -> Secret {
    let redacted = || ByteString(REDACTED.as_bytes().to_vec());
    if let Some(data) = secret.data.as_mut() {
        for value in data.values_mut() {
            *value = redacted();
        }
    }
    if let Some(data) = secret.string_data.as_mut() {
        for value in data.values_mut() {
            *value = REDACTED.to_string();
        }
    }
    if let Some(annotations) = secret.metadata.annotations.as_mut() {
        annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    secret.metadata.managed_fields = None;
    secret
}

/// Replaces the literal values of variables whose names hold credentials.
pub fn redact_env(env: &mut [EnvVar]) {
    for var in env {
        if var.value.is_some() && is_sensitive_name(&var.name) {
            var.value = Some(REDACTED.to_string());
        }
    }
}

/// [`redact_env`] on an object as JSON: in every `env` list at any depth (the containers of a
/// StatefulSet, a Deployment, a CronJob's Job template), the literal values of variables whose
/// names hold credentials. For showing objects (`pgctl plan`), never for writing them.
pub fn redact_env_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "env"
                    && let serde_json::Value::Array(vars) = child
                {
                    for var in vars.iter_mut() {
                        let sensitive = var
                            .get("name")
                            .and_then(serde_json::Value::as_str)
                            .is_some_and(is_sensitive_name);
                        if sensitive && var.get("value").is_some_and(|v| !v.is_null()) {
                            var["value"] = serde_json::Value::String(REDACTED.to_string());
                        }
                    }
                } else {
                    redact_env_json(child);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_env_json),
        _ => {}
    }
}

/// [`redact_env`] on every container of a pod spec.
pub fn redact_pod_spec(spec: &mut PodSpec) {
    let containers = spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten());
    for container in containers {
        if let Some(env) = container.env.as_mut() {
            redact_env(env);
        }
    }
}

/// Replaces known credentials in text.
#[derive(Debug, Default, Clone)]
pub struct Scrubber {
    /// Longest first, so that a credential containing another is replaced whole.
    needles: Vec<String>,
}

impl Scrubber {
    /// The credentials of `secrets`: the values under sensitive keys, at least
    /// [`MIN_SCRUBBED_LEN`] long (each line of a multi-line value, such as a PEM key, too).
    pub fn from_secrets<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut needles = Vec::new();
        for secret in secrets {
            let data = secret.data.iter().flatten();
            for (key, value) in data {
                if !is_sensitive_name(key) {
                    continue;
                }
                let text = String::from_utf8_lossy(&value.0).into_owned();
                needles.extend(text.lines().map(str::trim).map(str::to_string));
                needles.push(text);
            }
        }
        needles.retain(|n| n.len() >= MIN_SCRUBBED_LEN);
        needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        Self { needles }
    }

    /// `text` with every credential replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), REDACTED);
            }
        }
        out
    }

    /// How many credentials it knows.
    pub fn len(&self) -> usize {
        self.needles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn secret(pairs: &[(&str, &str)]) -> Secret {
        Secret {
            data: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
                    .collect(),
            ),
            ..Secret::default()
        }
    }

    #[test]
    fn secrets_keep_their_keys_and_lose_their_values() {
        let mut s = secret(&[("username", "postgres"), ("password", "s3cr3t-pass")]);
        s.metadata.annotations = Some(BTreeMap::from([(
            "kubectl.kubernetes.io/last-applied-configuration".to_string(),
            "{\"data\":{\"password\":\"czNjcjN0\"}}".to_string(),
        )]));
        let r = redact_secret(s);
        let data = r.data.expect("test value");
        assert_eq!(data.len(), 2);
        assert!(data.values().all(|v| v.0 == REDACTED.as_bytes()));
        assert!(r.metadata.annotations.expect("test value").is_empty());
    }

    #[test]
    fn credentials_are_found_in_any_text() {
        let scrubber = Scrubber::from_secrets(&[
            secret(&[("username", "postgres"), ("password", "Abcdef123456")]),
            secret(&[(
                "tls.key",
                "-----BEGIN KEY-----\nMIIEvQIBADAN\n-----END KEY-----",
            )]),
            secret(&[("password", "abc")]),
        ]);
        let text = "user postgres logged in with Abcdef123456; key line MIIEvQIBADAN";
        let clean = scrubber.scrub(text);
        assert_eq!(
            clean,
            "user postgres logged in with <redacted>; key line <redacted>"
        );
        // Short values are not searched for (they would eat words).
        assert!(scrubber.scrub("abc abc").contains("abc"));
    }

    #[test]
    fn literal_credentials_in_env_are_replaced() {
        let mut env = vec![
            EnvVar {
                name: "AWS_SECRET_ACCESS_KEY".into(),
                value: Some("x".into()),
                ..EnvVar::default()
            },
            EnvVar {
                name: "SCOPE".into(),
                value: Some("acid-foo".into()),
                ..EnvVar::default()
            },
        ];
        redact_env(&mut env);
        assert_eq!(env[0].value.as_deref(), Some(REDACTED));
        assert_eq!(env[1].value.as_deref(), Some("acid-foo"));
        assert!(is_sensitive_name("PGPASSWORD_SUPERUSER"));
        assert!(!is_sensitive_name("PGUSER_SUPERUSER"));
    }

    #[test]
    fn credentials_in_env_lists_of_json_objects_are_replaced() {
        let mut cron_job = serde_json::json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "logical-backup", "env": [
                {"name": "AWS_SECRET_ACCESS_KEY", "value": "s3cr3t-value"},
                {"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": "x", "key": "password"}}},
                {"name": "SCOPE", "value": "acid-a"}
            ]}]
        }}}}}});
        redact_env_json(&mut cron_job);
        let text = cron_job.to_string();
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(
            text.contains("acid-a") && text.contains("secretKeyRef"),
            "{text}"
        );
    }
}
