//! Input that would reach a pod's configuration, PostgreSQL or the API server in a form they
//! do not expect: control characters in strings that end up in Spilo's configuration, the
//! environment or annotations (a newline in a parameter value becomes a second setting),
//! parameter names PostgreSQL does not have the syntax for, names longer than PostgreSQL keeps
//! (it truncates at 63 bytes, silently), label and annotation keys Kubernetes refuses (the
//! StatefulSet would be refused after the other objects were made), sidecars without an image,
//! volumes mounted over the data directory, negative user and group ids. Each is an error at
//! its field path, before anything is sent.

use std::collections::BTreeMap;

use super::Problem;
use crate::crd::Postgresql;
use crate::label_syntax;

/// Where Spilo keeps the data directory; nothing may be mounted over it or above it.
const DATA_MOUNT: &str = "/home/postgres/pgdata";
/// PostgreSQL's identifiers keep at most this many bytes (NAMEDATALEN - 1).
const MAX_IDENTIFIER_BYTES: usize = 63;

pub(super) fn check(pg: &Postgresql, out: &mut Vec<Problem>) {
    let spec = &pg.spec;
    check_metadata(pg, out);
    if let Some(parameters) = &spec.postgresql.parameters {
        for (name, value) in parameters {
            let path = format!("spec.postgresql.parameters.{name}");
            if !is_parameter_name(name) {
                out.push(Problem::error(
                    &path,
                    format!(
                        "{name:?} is not a PostgreSQL parameter name (letters, digits, '_' and '$', optionally \"class.name\")"
                    ),
                ));
            }
            control_characters(&path, value, out);
        }
    }
    if let Some(patroni) = &spec.patroni {
        for (i, line) in patroni.pg_hba.iter().flatten().enumerate() {
            control_characters(&format!("spec.patroni.pg_hba[{i}]"), line, out);
        }
        for (key, value) in patroni.initdb.iter().flatten() {
            let path = format!("spec.patroni.initdb.{key}");
            control_characters(&path, key, out);
            control_characters(&path, value, out);
        }
    }
    if let Some(standby) = &spec.standby {
        for (field, value) in [
            ("standby_host", &standby.standby_host),
            ("standby_port", &standby.standby_port),
            (
                "standby_primary_slot_name",
                &standby.standby_primary_slot_name,
            ),
            ("s3_wal_path", &standby.s3_wal_path),
            ("gs_wal_path", &standby.gs_wal_path),
        ] {
            if let Some(value) = value {
                control_characters(&format!("spec.standby.{field}"), value, out);
            }
        }
    }
    for (i, var) in spec.env.iter().flatten().enumerate() {
        control_characters(&format!("spec.env[{i}].name"), &var.name, out);
        if let Some(value) = &var.value {
            control_characters(&format!("spec.env[{i}].value"), value, out);
        }
    }
    for (field, annotations) in [
        ("podAnnotations", &spec.pod_annotations),
        ("serviceAnnotations", &spec.service_annotations),
        ("masterServiceAnnotations", &spec.master_service_annotations),
        (
            "replicaServiceAnnotations",
            &spec.replica_service_annotations,
        ),
    ] {
        annotation_map(&format!("spec.{field}"), annotations.as_ref(), out);
    }
    identifiers(pg, out);
    for (i, sidecar) in spec.sidecars.iter().flatten().enumerate() {
        if sidecar.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
            out.push(Problem::error(
                format!("spec.sidecars[{i}].image"),
                "a sidecar needs an image",
            ));
        }
        for (j, var) in sidecar.env.iter().flatten().enumerate() {
            if let Some(value) = &var.value {
                control_characters(&format!("spec.sidecars[{i}].env[{j}].value"), value, out);
            }
        }
    }
    for (i, container) in spec.init_containers.iter().flatten().enumerate() {
        if container
            .image
            .as_deref()
            .is_none_or(|i| i.trim().is_empty())
        {
            out.push(Problem::error(
                format!("spec.initContainers[{i}].image"),
                "an init container needs an image",
            ));
        }
    }
    for (i, volume) in spec.additional_volumes.iter().flatten().enumerate() {
        if covers_data(&volume.mount_path) {
            out.push(Problem::error(
                format!("spec.additionalVolumes[{i}].mountPath"),
                format!(
                    "{:?} would be mounted over the data directory ({DATA_MOUNT}); mount it elsewhere",
                    volume.mount_path
                ),
            ));
        }
    }
    for (field, id) in [
        ("spiloRunAsUser", spec.spilo_run_as_user),
        ("spiloRunAsGroup", spec.spilo_run_as_group),
        ("spiloFSGroup", spec.spilo_fs_group),
    ] {
        if id.is_some_and(|id| id < 0) {
            out.push(Problem::error(
                format!("spec.{field}"),
                format!(
                    "{} is not a user or group id: use 0 or more",
                    id.unwrap_or_default()
                ),
            ));
        }
    }
}

/// The resource's own labels and annotations: keys Kubernetes accepts, label values too.
fn check_metadata(pg: &Postgresql, out: &mut Vec<Problem>) {
    for (key, value) in pg.metadata.labels.iter().flatten() {
        let path = format!("metadata.labels.{key}");
        if let Some(problem) = label_syntax::key_problem(key) {
            out.push(Problem::error(&path, problem));
        }
        if let Some(problem) = label_syntax::value_problem(value) {
            out.push(Problem::error(&path, problem));
        }
    }
    for key in pg.metadata.annotations.iter().flatten().map(|(k, _)| k) {
        if let Some(problem) = annotation_key_problem(key) {
            out.push(Problem::error(
                format!("metadata.annotations.{key}"),
                problem,
            ));
        }
    }
}

/// Annotations the controller copies onto objects: keys Kubernetes accepts, values without
/// control characters.
fn annotation_map(
    path: &str,
    annotations: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Problem>,
) {
    for (key, value) in annotations.into_iter().flatten() {
        let path = format!("{path}.{key}");
        if let Some(problem) = annotation_key_problem(key) {
            out.push(Problem::error(&path, problem));
        }
        control_characters(&path, value, out);
    }
}

/// Annotation keys have the syntax of label keys (a qualified name).
fn annotation_key_problem(key: &str) -> Option<String> {
    label_syntax::key_problem(key).map(|p| p.replacen("label key", "annotation key", 1))
}

/// Role and database names that PostgreSQL would truncate.
fn identifiers(pg: &Postgresql, out: &mut Vec<Problem>) {
    let spec = &pg.spec;
    let long = |name: &str| name.len() > MAX_IDENTIFIER_BYTES;
    let message = |what: &str, name: &str| {
        format!(
            "the {what} name {name:?} is {} bytes; PostgreSQL keeps {MAX_IDENTIFIER_BYTES} and would cut it silently",
            name.len()
        )
    };
    for user in spec.users.iter().flatten().map(|(u, _)| u) {
        // A dotted name's role is the whole name (`namespace.user`).
        if long(user) {
            out.push(Problem::error(
                format!("spec.users.{user}"),
                message("role", user),
            ));
        }
    }
    // Database and schema names are checked with the databases.
    for (database, owner) in spec.databases.iter().flatten() {
        if long(owner) {
            out.push(Problem::error(
                format!("spec.databases.{database}"),
                message("owner", owner),
            ));
        }
    }
}

/// An error at `path` when `value` holds a control character (tab excepted).
fn control_characters(path: &str, value: &str, out: &mut Vec<Problem>) {
    if let Some(c) = value.chars().find(|c| c.is_control() && *c != '\t') {
        out.push(Problem::error(
            path,
            format!(
                "contains the control character {:?} (U+{:04X}), which would reach the pods' configuration",
                c, c as u32
            ),
        ));
    }
}

/// PostgreSQL's syntax for a parameter name: an identifier, or `class.name` for extensions'.
fn is_parameter_name(name: &str) -> bool {
    let part = |p: &str| {
        let mut chars = p.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    let mut parts = name.split('.');
    let first = parts.next().is_some_and(part);
    let rest: Vec<&str> = parts.collect();
    first && rest.len() <= 1 && rest.iter().all(|p| part(p))
}

/// Whether a mount at `path` would hide the data directory: the same path or one above it.
fn covers_data(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    path == DATA_MOUNT
        || DATA_MOUNT.starts_with(&format!("{}/", path.trim_end_matches('/')))
        || path.starts_with(&format!("{DATA_MOUNT}/pgroot"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_follow_postgresql() {
        for ok in [
            "work_mem",
            "pg_stat_statements.track",
            "auto_explain.log_min_duration",
            "a$b",
        ] {
            assert!(is_parameter_name(ok), "{ok}");
        }
        for bad in ["", "bad name", "1abc", "a.b.c", "a;b", "x\ny", ".a", "a."] {
            assert!(!is_parameter_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn mounts_over_or_above_the_data_directory_are_caught() {
        for bad in [
            "/home/postgres/pgdata",
            "/home/postgres/pgdata/",
            "/home/postgres",
            "/home",
            "/",
            "/home/postgres/pgdata/pgroot/data",
        ] {
            assert!(covers_data(bad), "{bad}");
        }
        for ok in [
            "/home/postgres/other",
            "/etc/extra",
            "/home/postgres/pgdata2",
        ] {
            assert!(!covers_data(ok), "{ok}");
        }
    }
}
