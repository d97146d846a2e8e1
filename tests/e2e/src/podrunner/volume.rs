//! The files of Secret, ConfigMap, downward API and projected volumes, as the kubelet makes
//! them: [`payload`] says what a volume holds (pure, from the objects and tokens handed in),
//! [`write_atomic`] puts it on disk the kubelet's way, so that an update is seen whole:
//!
//! ```text
//! VOLUME_DIR/..2026_12_04_16_05_39.123456789/KEY   the files of one version
//! VOLUME_DIR/..data -> ..2026_12_04_…              swapped by one rename per update
//! VOLUME_DIR/KEY -> ..data/KEY                     what the container sees
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Component, Path, PathBuf};

use k8s_openapi::api::core::v1::{DownwardAPIVolumeFile, KeyToPath, Pod, Volume};

use super::env::{self, Source};

/// The kubelet's default file mode of volume files (`defaultMode: 0644`).
pub const DEFAULT_MODE: i32 = 0o644;
/// The kubelet's default lifetime of a projected service-account token.
pub const DEFAULT_TOKEN_SECONDS: i64 = 3600;

/// One file of a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub data: Vec<u8>,
    pub mode: u32,
}

/// The files of a volume, by path relative to its root.
pub type Payload = BTreeMap<String, File>;

/// A service-account token a volume needs: (audience, lifetime in seconds).
pub type TokenKey = (String, i64);

/// What the payloads are made from: the Secrets' and ConfigMaps' data (binary), the pod, and
/// the tokens requested for it.
pub struct Input<'a> {
    pub pod: &'a Pod,
    pub pod_ip: &'a str,
    pub objects: &'a BTreeMap<(Source, String), BTreeMap<String, Vec<u8>>>,
    pub tokens: &'a BTreeMap<TokenKey, String>,
}

/// Why a volume cannot be set up (the kubelet's `MountVolume.SetUp failed`).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VolumeError {
    #[error("volume {volume}: {kind} \"{name}\" not found")]
    MissingObject {
        volume: String,
        kind: &'static str,
        name: String,
    },
    #[error("volume {volume}: {kind} \"{name}\" has no key \"{key}\"")]
    MissingKey {
        volume: String,
        kind: &'static str,
        name: String,
        key: String,
    },
    #[error("volume {volume}: path \"{path}\" must be relative and stay inside the volume")]
    BadPath { volume: String, path: String },
    #[error("volume {volume}: {what} is not supported by pgctl-pod-runner")]
    Unsupported { volume: String, what: String },
    #[error("volume {volume}: no service-account token for audience \"{audience}\"")]
    NoToken { volume: String, audience: String },
}

/// The Secrets and ConfigMaps the volumes refer to.
pub fn objects_needed(volumes: &[Volume]) -> BTreeSet<(Source, String)> {
    let mut out = BTreeSet::new();
    for v in volumes {
        if let Some(s) = &v.secret
            && let Some(name) = &s.secret_name
        {
            out.insert((Source::Secret, name.clone()));
        }
        if let Some(c) = &v.config_map {
            out.insert((Source::ConfigMap, c.name.clone()));
        }
        for source in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(s) = &source.secret {
                out.insert((Source::Secret, s.name.clone()));
            }
            if let Some(c) = &source.config_map {
                out.insert((Source::ConfigMap, c.name.clone()));
            }
        }
    }
    out
}

/// The service-account tokens the volumes need.
pub fn tokens_needed(volumes: &[Volume]) -> BTreeSet<TokenKey> {
    volumes
        .iter()
        .flat_map(|v| v.projected.iter().flat_map(|p| p.sources.iter().flatten()))
        .filter_map(|s| s.service_account_token.as_ref())
        .map(|t| {
            (
                t.audience.clone().unwrap_or_default(),
                t.expiration_seconds.unwrap_or(DEFAULT_TOKEN_SECONDS),
            )
        })
        .collect()
}

fn kind_name(source: Source) -> &'static str {
    match source {
        Source::Secret => "Secret",
        Source::ConfigMap => "ConfigMap",
    }
}

fn check_path(volume: &str, path: &str) -> Result<String, VolumeError> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.starts_with("..");
    if ok {
        Ok(path.to_string())
    } else {
        Err(VolumeError::BadPath {
            volume: volume.to_string(),
            path: path.to_string(),
        })
    }
}

fn mode_of(mode: Option<i32>, default: i32) -> u32 {
    u32::try_from(mode.unwrap_or(default) & 0o7777).unwrap_or(0o644)
}

/// The keys of one Secret or ConfigMap, as files: all keys, or `items`.
#[allow(clippy::too_many_arguments)]
fn add_object(
    out: &mut Payload,
    input: &Input<'_>,
    volume: &str,
    source: Source,
    name: &str,
    items: Option<&Vec<KeyToPath>>,
    optional: bool,
    default_mode: i32,
) -> Result<(), VolumeError> {
    let Some(data) = input.objects.get(&(source, name.to_string())) else {
        if optional {
            return Ok(());
        }
        return Err(VolumeError::MissingObject {
            volume: volume.to_string(),
            kind: kind_name(source),
            name: name.to_string(),
        });
    };
    match items.filter(|i| !i.is_empty()) {
        None => {
            for (key, value) in data {
                out.insert(
                    check_path(volume, key)?,
                    File {
                        data: value.clone(),
                        mode: mode_of(None, default_mode),
                    },
                );
            }
        }
        Some(items) => {
            for item in items {
                let Some(value) = data.get(&item.key) else {
                    if optional {
                        continue;
                    }
                    return Err(VolumeError::MissingKey {
                        volume: volume.to_string(),
                        kind: kind_name(source),
                        name: name.to_string(),
                        key: item.key.clone(),
                    });
                };
                out.insert(
                    check_path(volume, &item.path)?,
                    File {
                        data: value.clone(),
                        mode: mode_of(item.mode, default_mode),
                    },
                );
            }
        }
    }
    Ok(())
}

/// The value of a downward API `fieldRef` as a file: labels and annotations one `key="value"`
/// per line, as the kubelet writes them.
fn downward_field(input: &Input<'_>, volume: &str, path: &str) -> Result<Vec<u8>, VolumeError> {
    let map_lines = |m: Option<&BTreeMap<String, String>>| {
        m.into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let meta = &input.pod.metadata;
    let text = match path {
        "metadata.labels" => map_lines(meta.labels.as_ref()),
        "metadata.annotations" => map_lines(meta.annotations.as_ref()),
        other => {
            env::field(input.pod, input.pod_ip, other).ok_or_else(|| VolumeError::Unsupported {
                volume: volume.to_string(),
                what: format!("field path {other}"),
            })?
        }
    };
    Ok(text.into_bytes())
}

/// The files of downward API `items` (of a `downwardAPI` volume or a projected source).
fn add_downward(
    out: &mut Payload,
    input: &Input<'_>,
    volume: &str,
    items: Option<&[DownwardAPIVolumeFile]>,
    default_mode: i32,
) -> Result<(), VolumeError> {
    for item in items.into_iter().flatten() {
        let Some(field) = &item.field_ref else {
            return Err(VolumeError::Unsupported {
                volume: volume.to_string(),
                what: "resourceFieldRef".to_string(),
            });
        };
        out.insert(
            check_path(volume, &item.path)?,
            File {
                data: downward_field(input, volume, &field.field_path)?,
                mode: mode_of(item.mode, default_mode),
            },
        );
    }
    Ok(())
}

/// What `volume` holds, if it is a volume of files (Secret, ConfigMap, downward API,
/// projected); `None` for the others (emptyDir, claims, host paths).
pub fn payload(volume: &Volume, input: &Input<'_>) -> Result<Option<Payload>, VolumeError> {
    let name = volume.name.as_str();
    let mut out = Payload::new();
    if let Some(s) = &volume.secret {
        let secret = s.secret_name.clone().unwrap_or_default();
        add_object(
            &mut out,
            input,
            name,
            Source::Secret,
            &secret,
            s.items.as_ref(),
            s.optional.unwrap_or(false),
            s.default_mode.unwrap_or(DEFAULT_MODE),
        )?;
    } else if let Some(c) = &volume.config_map {
        add_object(
            &mut out,
            input,
            name,
            Source::ConfigMap,
            &c.name,
            c.items.as_ref(),
            c.optional.unwrap_or(false),
            c.default_mode.unwrap_or(DEFAULT_MODE),
        )?;
    } else if let Some(d) = &volume.downward_api {
        let mode = d.default_mode.unwrap_or(DEFAULT_MODE);
        add_downward(&mut out, input, name, d.items.as_deref(), mode)?;
    } else if let Some(p) = &volume.projected {
        let mode = p.default_mode.unwrap_or(DEFAULT_MODE);
        for source in p.sources.iter().flatten() {
            if let Some(s) = &source.secret {
                add_object(
                    &mut out,
                    input,
                    name,
                    Source::Secret,
                    &s.name,
                    s.items.as_ref(),
                    s.optional.unwrap_or(false),
                    mode,
                )?;
            }
            if let Some(c) = &source.config_map {
                add_object(
                    &mut out,
                    input,
                    name,
                    Source::ConfigMap,
                    &c.name,
                    c.items.as_ref(),
                    c.optional.unwrap_or(false),
                    mode,
                )?;
            }
            if let Some(d) = &source.downward_api {
                add_downward(&mut out, input, name, d.items.as_deref(), mode)?;
            }
            if let Some(t) = &source.service_account_token {
                let key = (
                    t.audience.clone().unwrap_or_default(),
                    t.expiration_seconds.unwrap_or(DEFAULT_TOKEN_SECONDS),
                );
                let token = input.tokens.get(&key).ok_or_else(|| VolumeError::NoToken {
                    volume: name.to_string(),
                    audience: key.0.clone(),
                })?;
                // The kubelet writes tokens 0600 unless the pod says otherwise.
                out.insert(
                    check_path(name, &t.path)?,
                    File {
                        data: token.clone().into_bytes(),
                        mode: mode_of(p.default_mode, 0o600),
                    },
                );
            }
            if source.cluster_trust_bundle.is_some() || source.pod_certificate.is_some() {
                return Err(VolumeError::Unsupported {
                    volume: name.to_string(),
                    what: "this projected source".to_string(),
                });
            }
        }
    } else {
        return Ok(None);
    }
    Ok(Some(out))
}

/// The payload currently visible in `dir` (through `..data`), if any.
fn current(dir: &Path) -> Option<Payload> {
    let data = dir.join("..data");
    let target = std::fs::read_link(&data).ok()?;
    let root = dir.join(target);
    let mut out = Payload::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(root.join(&rel)).ok()? {
            let entry = entry.ok()?;
            let path = rel.join(entry.file_name());
            let meta = entry.metadata().ok()?;
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.to_string_lossy().into_owned(),
                    File {
                        data: std::fs::read(entry.path()).ok()?,
                        mode: meta.permissions().mode() & 0o7777,
                    },
                );
            }
        }
    }
    Some(out)
}

fn top_level(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// Writes `payload` into `dir` the kubelet's way (see the module's documentation), files
/// owned by root and group `gid` (the pod's `fsGroup`) when given. Returns whether anything
/// changed; an unchanged payload is left alone.
pub fn write_atomic(dir: &Path, payload: &Payload, gid: Option<u32>) -> std::io::Result<bool> {
    std::fs::create_dir_all(dir)?;
    if current(dir).as_ref() == Some(payload) {
        return Ok(false);
    }
    let stamp = format!(
        "..{}",
        k8s_openapi::jiff::Timestamp::now().strftime("%Y_%m_%d_%H_%M_%S.%f")
    );
    let version = dir.join(&stamp);
    std::fs::create_dir_all(&version)?;
    for (path, file) in payload {
        let target = version.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &file.data)?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(file.mode))?;
        if let Some(gid) = gid {
            std::os::unix::fs::chown(&target, None, Some(gid))?;
        }
    }
    let old = std::fs::read_link(dir.join("..data")).ok();
    let tmp = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    symlink(&stamp, &tmp)?;
    std::fs::rename(&tmp, dir.join("..data"))?;
    let wanted: BTreeSet<&str> = payload.keys().map(|p| top_level(p)).collect();
    for name in &wanted {
        let link = dir.join(name);
        if std::fs::symlink_metadata(&link).is_err() {
            symlink(Path::new("..data").join(name), &link)?;
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("..") && !wanted.contains(name.as_str()) {
            std::fs::remove_file(entry.path())?;
        }
    }
    if let Some(old) = old
        && old != Path::new(&stamp)
    {
        let _ = std::fs::remove_dir_all(dir.join(old));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "a-0", "namespace": "team", "uid": "u1",
                          "labels": {"app": "x", "b": "y\"z"}},
        }))
        .unwrap_or_default()
    }

    fn volume(v: serde_json::Value) -> Volume {
        serde_json::from_value(v).unwrap_or_default()
    }

    fn objects() -> BTreeMap<(Source, String), BTreeMap<String, Vec<u8>>> {
        let mut o = BTreeMap::new();
        o.insert(
            (Source::Secret, "tls".to_string()),
            [
                ("tls.crt".to_string(), b"CRT".to_vec()),
                ("tls.key".to_string(), b"KEY".to_vec()),
            ]
            .into_iter()
            .collect(),
        );
        o.insert(
            (Source::ConfigMap, "kube-root-ca.crt".to_string()),
            [("ca.crt".to_string(), b"CA".to_vec())]
                .into_iter()
                .collect(),
        );
        o
    }

    fn with<T>(f: impl FnOnce(&Input<'_>) -> T) -> T {
        let pod = pod();
        let objects = objects();
        let tokens: BTreeMap<TokenKey, String> = [(("".to_string(), 3607), "TOKEN".to_string())]
            .into_iter()
            .collect();
        f(&Input {
            pod: &pod,
            pod_ip: "10.244.1.2",
            objects: &objects,
            tokens: &tokens,
        })
    }

    #[test]
    fn a_secret_volume_holds_its_keys_or_its_items() -> Result<(), VolumeError> {
        let all = with(|i| {
            payload(
                &volume(json!({"name": "t", "secret": {"secretName": "tls"}})),
                i,
            )
        })?
        .unwrap_or_default();
        assert_eq!(all.len(), 2);
        assert_eq!(all["tls.key"].mode, 0o644);
        let items = with(|i| {
            payload(
                &volume(json!({"name": "t", "secret": {"secretName": "tls", "defaultMode": 0o640,
                    "items": [{"key": "tls.key", "path": "private/key.pem", "mode": 0o600}, {"key": "tls.crt", "path": "crt"}]}})),
                i,
            )
        })?
        .unwrap_or_default();
        assert_eq!(
            items.keys().collect::<Vec<_>>(),
            vec!["crt", "private/key.pem"]
        );
        assert_eq!(items["private/key.pem"].mode, 0o600);
        assert_eq!(items["crt"].mode, 0o640);
        Ok(())
    }

    #[test]
    fn missing_objects_fail_unless_optional_and_bad_paths_fail() {
        let missing = with(|i| {
            payload(
                &volume(json!({"name": "v", "secret": {"secretName": "nope"}})),
                i,
            )
        });
        assert_eq!(
            missing,
            Err(VolumeError::MissingObject {
                volume: "v".into(),
                kind: "Secret",
                name: "nope".into()
            })
        );
        let optional = with(|i| {
            payload(
                &volume(json!({"name": "v", "configMap": {"name": "nope", "optional": true}})),
                i,
            )
        });
        assert_eq!(optional, Ok(Some(Payload::new())));
        let key = with(|i| {
            payload(
                &volume(
                    json!({"name": "v", "secret": {"secretName": "tls", "items": [{"key": "x", "path": "x"}]}}),
                ),
                i,
            )
        });
        assert!(matches!(key, Err(VolumeError::MissingKey { .. })));
        let escape = with(|i| {
            payload(
                &volume(
                    json!({"name": "v", "secret": {"secretName": "tls", "items": [{"key": "tls.crt", "path": "../x"}]}}),
                ),
                i,
            )
        });
        assert!(matches!(escape, Err(VolumeError::BadPath { .. })));
    }

    #[test]
    fn the_service_account_volume_is_token_ca_and_namespace() -> Result<(), VolumeError> {
        let v = volume(
            json!({"name": "kube-api-access-x", "projected": {"sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}},
                                        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}
        ], "defaultMode": 420}}),
        );
        assert_eq!(tokens_needed(std::slice::from_ref(&v)).len(), 1);
        let p = with(|i| payload(&v, i))?.unwrap_or_default();
        assert_eq!(p["token"].data, b"TOKEN");
        assert_eq!(p["ca.crt"].data, b"CA");
        assert_eq!(p["namespace"].data, b"team");
        assert_eq!(p["labels"].data, b"app=\"x\"\nb=\"y\\\"z\"");
        assert_eq!(
            with(|i| payload(&volume(json!({"name": "d", "emptyDir": {}})), i)),
            Ok(None)
        );
        Ok(())
    }

    #[test]
    fn updates_swap_whole_versions_and_drop_removed_keys() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("pgctl-volume-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = |s: &str| File {
            data: s.as_bytes().to_vec(),
            mode: 0o644,
        };
        let first: Payload = [("a".to_string(), file("1")), ("d/b".to_string(), file("2"))]
            .into_iter()
            .collect();
        assert!(write_atomic(&dir, &first, None)?);
        assert_eq!(std::fs::read(dir.join("d/b"))?, b"2");
        assert!(!write_atomic(&dir, &first, None)?);
        let second: Payload = [("a".to_string(), file("3"))].into_iter().collect();
        assert!(write_atomic(&dir, &second, None)?);
        assert_eq!(std::fs::read(dir.join("a"))?, b"3");
        assert!(std::fs::symlink_metadata(dir.join("d")).is_err());
        let versions = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("..2"))
            .count();
        assert_eq!(versions, 1);
        std::fs::remove_dir_all(&dir)
    }
}
