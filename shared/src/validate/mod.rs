//! Semantic validation of a `postgresql` resource: what the schema cannot express.
//!
//! Every problem names its field path and has a severity. Errors make the resource `Invalid`
//! (the reference operator refuses it too, or nothing sensible can be done); warnings are
//! probable mistakes that never block. Compatibility rule: anything the reference operator
//! accepts and acts on is at most a warning here. Input that would break a pod's configuration
//! or PostgreSQL's names ([`hostile`]) is an error.

mod hostile;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::config::OperatorConfig;
use crate::config::codec::is_dns_label;
use crate::crd::{
    CIDR_PATTERN, CPU_PATTERN, CRON_PATTERN, MAINTENANCE_WINDOW_PATTERN, PostgresSpec, Postgresql,
    QUANTITY_PATTERN, ResourceDescription, Resources, SUPPORTED_VERSIONS, TIMESTAMP_PATTERN,
    USER_FLAGS,
};
use crate::naming;
use crate::quantity;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks the resource: status `Invalid`, nothing is applied.
    Error,
    /// Accepted, but probably not what was meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding of validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Field path in the manifest's own spelling, e.g. `spec.users.foo_user`.
    pub field: String,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    fn error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }
    fn warning(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.field, self.severity, self.message)
    }
}

/// Whether `schedule` is a five-field cron schedule of the form the reference accepts
/// (numbers or `*`, each with an optional `/step`).
pub fn is_cron_schedule(schedule: &str) -> bool {
    CRON.is_match(schedule)
}

/// True when any problem is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

/// The reference operator's rule for role names; the dotted form is `namespace.user`.
static USER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$")
});
static DNS_1035_LABEL: LazyLock<Regex> = LazyLock::new(|| compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$"));
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| compile(QUANTITY_PATTERN));
static CPU: LazyLock<Regex> = LazyLock::new(|| compile(CPU_PATTERN));
static MAINTENANCE_WINDOW: LazyLock<Regex> = LazyLock::new(|| compile(MAINTENANCE_WINDOW_PATTERN));
static CRON: LazyLock<Regex> = LazyLock::new(|| compile(CRON_PATTERN));
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| compile(TIMESTAMP_PATTERN));
static CIDR: LazyLock<Regex> = LazyLock::new(|| compile(CIDR_PATTERN));

fn compile(pattern: &str) -> Regex {
    // The patterns are constants of this crate, covered by tests; a failure is a programming error.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("constant pattern compiles")
}

/// Validates a resource against the operator configuration. `old` is the spec that is live
/// now, when this is an update (for checks such as volume shrinking). `unknown_fields` are the
/// paths that deserialisation did not recognise.
pub fn validate(
    pg: &Postgresql,
    unknown_fields: &[String],
    old: Option<&PostgresSpec>,
    config: &OperatorConfig,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for path in unknown_fields {
        problems.push(unknown_field(path));
    }
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let spec = &pg.spec;
    check_name(name, spec, config, &mut problems);
    check_core(spec, config, &mut problems);
    check_resources(spec, &mut problems);
    check_users(name, spec, config, &mut problems);
    check_databases(spec, config, &mut problems);
    check_schedules(spec, &mut problems);
    hostile::check(pg, &mut problems);
    check_no_effect_and_deprecated(spec, &mut problems);
    if let Some(old) = old {
        check_transition(old, spec, &mut problems);
    }
    problems.sort_by(|a, b| (a.severity, &a.field).cmp(&(b.severity, &b.field)));
    problems
}

fn unknown_field(path: &str) -> Problem {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let mut message = format!("unknown field \"{leaf}\"");
    if let Some(suggestion) = suggest_field(path) {
        message.push_str(&format!(" (did you mean \"{suggestion}\"?)"));
    }
    Problem::error(path, message)
}

/// Known spec field names, for "did you mean" hints on top-level typos.
const SPEC_FIELDS: &[&str] = &[
    "teamId",
    "numberOfInstances",
    "postgresql",
    "volume",
    "dockerImage",
    "patroni",
    "resources",
    "users",
    "databases",
    "preparedDatabases",
    "enableMasterLoadBalancer",
    "enableReplicaLoadBalancer",
    "enableConnectionPooler",
    "enableReplicaConnectionPooler",
    "connectionPooler",
    "allowedSourceRanges",
    "maintenanceWindows",
    "clone",
    "standby",
    "tolerations",
    "nodeAffinity",
    "topologySpreadConstraints",
    "sidecars",
    "initContainers",
    "additionalVolumes",
    "podAnnotations",
    "serviceAnnotations",
    "tls",
    "env",
    "enableShmVolume",
    "enableLogicalBackup",
    "logicalBackupSchedule",
    "logicalBackupRetention",
    "podPriorityClassName",
    "streams",
    "usersWithSecretRotation",
    "usersWithInPlaceSecretRotation",
    "usersIgnoringSecretRotation",
];

fn suggest_field(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("spec.")?;
    if rest.contains('.') {
        return None;
    }
    SPEC_FIELDS
        .iter()
        .map(|known| (strsim::levenshtein(rest, known), *known))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, known)| known)
}

fn check_name(name: &str, spec: &PostgresSpec, config: &OperatorConfig, out: &mut Vec<Problem>) {
    if name.is_empty() {
        out.push(Problem::error("metadata.name", "a name is required"));
        return;
    }
    if !DNS_1035_LABEL.is_match(name) {
        out.push(Problem::error(
            "metadata.name",
            format!(
                "\"{name}\" is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit)"
            ),
        ));
        return;
    }
    for derived in naming::derived_names(name, spec, config) {
        if derived.name.len() > derived.limit {
            out.push(Problem::error(
                "metadata.name",
                format!(
                    "name is too long: the {} \"{}\" would have {} characters, more than the {} allowed; shorten the name to at most {} characters",
                    derived.what,
                    derived.name,
                    derived.name.len(),
                    derived.limit,
                    name.len() - (derived.name.len() - derived.limit)
                ),
            ));
            break;
        }
    }
    if config.enable_team_id_clustername_prefix {
        let prefix = format!("{}-", spec.team_id.to_lowercase());
        if !name.starts_with(&prefix) {
            out.push(Problem::error(
                "metadata.name",
                format!(
                    "name must start with the team id and a dash (\"{prefix}\") because enable_team_id_clustername_prefix is on"
                ),
            ));
        }
    }
}

fn check_core(spec: &PostgresSpec, config: &OperatorConfig, out: &mut Vec<Problem>) {
    if spec.team_id.trim().is_empty() {
        out.push(Problem::error("spec.teamId", "must not be empty"));
    }
    let n = spec.number_of_instances;
    if n < 0 {
        out.push(Problem::error(
            "spec.numberOfInstances",
            format!("must be 0 or more, got {n}"),
        ));
    }
    if config.min_instances >= 0 && n < config.min_instances {
        out.push(Problem::error(
            "spec.numberOfInstances",
            format!(
                "{n} is below min_instances ({}) of the operator configuration",
                config.min_instances
            ),
        ));
    }
    if config.max_instances >= 0 && n > config.max_instances {
        out.push(Problem::error(
            "spec.numberOfInstances",
            format!(
                "{n} is above max_instances ({}) of the operator configuration",
                config.max_instances
            ),
        ));
    }
    let version = &spec.postgresql.version;
    if !SUPPORTED_VERSIONS.contains(&version.as_str()) {
        out.push(Problem::error(
            "spec.postgresql.version",
            format!(
                "unsupported PostgreSQL version \"{version}\" (supported: {})",
                SUPPORTED_VERSIONS.join(", ")
            ),
        ));
    }
    if !QUANTITY.is_match(&spec.volume.size) {
        out.push(Problem::error(
            "spec.volume.size",
            format!(
                "\"{}\" is not a Kubernetes quantity (e.g. 1Gi, 500Mi)",
                spec.volume.size
            ),
        ));
    } else if quantity::parse_bytes(&spec.volume.size) == Some(0) {
        out.push(Problem::error("spec.volume.size", "must be larger than 0"));
    }
    if let Some(pooler) = &spec.connection_pooler {
        if let Some(mode) = &pooler.mode
            && mode != "session"
            && mode != "transaction"
        {
            out.push(Problem::error(
                "spec.connectionPooler.mode",
                format!("\"{mode}\" is not a pooler mode (session or transaction)"),
            ));
        }
        if let Some(n) = pooler.number_of_instances
            && n < 1
        {
            out.push(Problem::error(
                "spec.connectionPooler.numberOfInstances",
                format!("must be 1 or more, got {n}"),
            ));
        }
    }
    for (i, range) in spec.allowed_source_ranges.iter().flatten().enumerate() {
        if !CIDR.is_match(range) {
            out.push(Problem::error(
                format!("spec.allowedSourceRanges[{i}]"),
                format!("\"{range}\" is not an IPv4 or IPv6 CIDR"),
            ));
        }
    }
    if let Some(standby) = &spec.standby {
        if standby.s3_wal_path.is_some() && standby.gs_wal_path.is_some() {
            out.push(Problem::error(
                "spec.standby",
                "s3_wal_path and gs_wal_path are mutually exclusive",
            ));
        }
        if standby.s3_wal_path.is_none()
            && standby.gs_wal_path.is_none()
            && standby.standby_host.is_none()
        {
            out.push(Problem::error(
                "spec.standby",
                "one of s3_wal_path, gs_wal_path or standby_host is required",
            ));
        }
    }
    if let Some(clone) = &spec.clone
        && let Some(ts) = &clone.timestamp
        && !ts.is_empty()
        && !TIMESTAMP.is_match(ts)
    {
        out.push(Problem::error(
            "spec.clone.timestamp",
            format!(
                "\"{ts}\" is not an RFC 3339 timestamp with a UTC offset (e.g. 2017-12-19T12:40:33+01:00)"
            ),
        ));
    }
}

fn check_resources(spec: &PostgresSpec, out: &mut Vec<Problem>) {
    check_resource_block("spec.resources", spec.resources.as_ref(), out);
    if let Some(pooler) = &spec.connection_pooler {
        check_resource_block(
            "spec.connectionPooler.resources",
            pooler.resources.as_ref(),
            out,
        );
    }
    for (i, sidecar) in spec.sidecars.iter().flatten().enumerate() {
        check_resource_block(
            &format!("spec.sidecars[{i}].resources"),
            sidecar.resources.as_ref(),
            out,
        );
    }
}

fn check_resource_block(path: &str, resources: Option<&Resources>, out: &mut Vec<Problem>) {
    let Some(resources) = resources else { return };
    for (side, desc) in [
        ("requests", &resources.requests),
        ("limits", &resources.limits),
    ] {
        let Some(desc) = desc else { continue };
        check_description(&format!("{path}.{side}"), desc, out);
    }
    let (Some(requests), Some(limits)) = (&resources.requests, &resources.limits) else {
        return;
    };
    let pairs = [
        (
            "cpu",
            quantity::parse_millicores as fn(&str) -> Option<u64>,
            &requests.cpu,
            &limits.cpu,
        ),
        (
            "memory",
            quantity::parse_bytes,
            &requests.memory,
            &limits.memory,
        ),
    ];
    for (what, parse, request, limit) in pairs {
        if let (Some(r), Some(l)) = (request, limit)
            && let (Some(rv), Some(lv)) = (parse(r), parse(l))
            && lv < rv
        {
            out.push(Problem::error(
                format!("{path}.limits.{what}"),
                format!("limit {l} is lower than the request {r}"),
            ));
        }
    }
}

fn check_description(path: &str, desc: &ResourceDescription, out: &mut Vec<Problem>) {
    if let Some(cpu) = &desc.cpu
        && !CPU.is_match(cpu)
    {
        out.push(Problem::error(
            format!("{path}.cpu"),
            format!("\"{cpu}\" is not a CPU quantity (e.g. 100m, 0.5, 2)"),
        ));
    }
    for (key, value) in [
        ("memory", &desc.memory),
        ("hugepages-2Mi", &desc.hugepages_2mi),
        ("hugepages-1Gi", &desc.hugepages_1gi),
    ] {
        if let Some(v) = value
            && !QUANTITY.is_match(v)
        {
            out.push(Problem::error(
                format!("{path}.{key}"),
                format!("\"{v}\" is not a Kubernetes quantity (e.g. 512Mi, 1Gi)"),
            ));
        }
    }
}

fn check_users(
    cluster: &str,
    spec: &PostgresSpec,
    config: &OperatorConfig,
    out: &mut Vec<Problem>,
) {
    let users = spec.users.clone().unwrap_or_default();
    let mut reserved: BTreeMap<String, &str> = BTreeMap::new();
    reserved.insert(
        config.super_username.clone(),
        "the superuser (super_username)",
    );
    reserved.insert(
        config.replication_username.clone(),
        "the replication user (replication_username)",
    );
    for role in &config.protected_role_names {
        reserved.insert(role.clone(), "a protected role (protected_role_names)");
    }
    let mut secret_owner: BTreeMap<String, String> = BTreeMap::new();
    for (user, flags) in &users {
        let path = format!("spec.users.{user}");
        if !USER_NAME.is_match(user) {
            out.push(Problem::error(
                &path,
                format!(
                    "invalid user name \"{user}\": use lower-case letters, digits, '-' and '_', starting and ending with a letter or digit (\"namespace.user\" for a user in another namespace)"
                ),
            ));
        }
        if let Some(what) = reserved.get(user) {
            out.push(Problem::error(
                &path,
                format!("user \"{user}\" collides with {what} of the operator"),
            ));
        }
        let normalized: BTreeSet<String> = flags.iter().map(|f| f.to_lowercase()).collect();
        for (i, flag) in flags.iter().enumerate() {
            if !USER_FLAGS.contains(&flag.to_lowercase().as_str()) {
                out.push(Problem::error(
                    format!("{path}[{i}]"),
                    format!(
                        "unknown role flag \"{flag}\" (allowed: {})",
                        USER_FLAGS.join(", ")
                    ),
                ));
            }
        }
        for flag in USER_FLAGS.iter().filter(|f| !f.starts_with("no")) {
            if normalized.contains(*flag) && normalized.contains(&format!("no{flag}")) {
                out.push(Problem::error(
                    &path,
                    format!("contradictory flags \"{flag}\" and \"no{flag}\""),
                ));
            }
        }
        if config.enable_cross_namespace_secret
            && let Some((namespace, _)) = user.split_once('.')
            && !is_dns_label(namespace)
        {
            out.push(Problem::error(
                &path,
                format!(
                    "\"{namespace}\" is not a valid namespace name, and enable_cross_namespace_secret puts the Secret of user \"{user}\" in the namespace named before the first '.': use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
                ),
            ));
        }
        let secret = config.secret_name(user, cluster);
        if let Some(other) = secret_owner.get(&secret) {
            out.push(Problem::error(
                &path,
                format!(
                    "users \"{other}\" and \"{user}\" would share the Secret \"{secret}\"; rename one of them"
                ),
            ));
        } else {
            secret_owner.insert(secret, user.clone());
        }
    }
    for (field, list) in [
        ("usersWithSecretRotation", &spec.users_with_secret_rotation),
        (
            "usersWithInPlaceSecretRotation",
            &spec.users_with_in_place_secret_rotation,
        ),
        (
            "usersIgnoringSecretRotation",
            &spec.users_ignoring_secret_rotation,
        ),
    ] {
        for (i, user) in list.iter().flatten().enumerate() {
            let pooler = !crate::pooler::wanted(spec).is_empty()
                && *user == crate::pooler::user(spec, config);
            if !users.contains_key(user) && !is_prepared_user(spec, user) && !pooler {
                out.push(Problem::warning(
                    format!("spec.{field}[{i}]"),
                    format!(
                        "user \"{user}\" is not defined in spec.users; the entry has no effect"
                    ),
                ));
            }
        }
    }
}

/// Roles that preparedDatabases create (`<db>_owner`, `<db>_<schema>_reader`, `…_user`, …).
fn is_prepared_user(spec: &PostgresSpec, user: &str) -> bool {
    spec.prepared_databases
        .iter()
        .flatten()
        .any(|(db, _)| user.starts_with(&format!("{db}_")))
}

fn check_databases(spec: &PostgresSpec, config: &OperatorConfig, out: &mut Vec<Problem>) {
    let users = spec.users.clone().unwrap_or_default();
    let prepared = spec.prepared_databases.clone().unwrap_or_default();
    for (db, owner) in spec.databases.iter().flatten() {
        let path = format!("spec.databases.{db}");
        if db.is_empty() {
            out.push(Problem::error(&path, "database name must not be empty"));
        }
        if db.len() > 63 {
            out.push(Problem::error(
                &path,
                format!(
                    "database name has {} bytes, more than PostgreSQL's 63",
                    db.len()
                ),
            ));
        }
        if !users.contains_key(owner) && !is_prepared_user(spec, owner) {
            out.push(Problem::warning(
                &path,
                format!(
                    "owner \"{owner}\" is not defined in spec.users; the database is created only once a role of that name exists"
                ),
            ));
        }
        if prepared.contains_key(db) {
            out.push(Problem::warning(
                format!("spec.preparedDatabases.{db}"),
                format!("prepared database \"{db}\" is also listed in spec.databases; the prepared definition takes precedence for its roles"),
            ));
        }
    }
    for (db, definition) in &prepared {
        let namespace = definition
            .secret_namespace
            .as_deref()
            .filter(|ns| !ns.is_empty());
        // Without enable_cross_namespace_secret the field has no effect (the reference operator
        // ships it in its complete example, so it is not worth a warning).
        if let Some(namespace) = namespace.filter(|_| config.enable_cross_namespace_secret) {
            let path = format!("spec.preparedDatabases.{db}.secretNamespace");
            if !is_dns_label(namespace) {
                out.push(Problem::error(
                    path,
                    format!(
                        "\"{namespace}\" is not a valid namespace name: use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
                    ),
                ));
            }
        }
        if db.len() > 63 {
            out.push(Problem::error(
                format!("spec.preparedDatabases.{db}"),
                format!(
                    "database name has {} bytes, more than PostgreSQL's 63",
                    db.len()
                ),
            ));
        }
        for schema in definition.schemas.iter().flatten().map(|(s, _)| s) {
            if schema.len() > 63 {
                out.push(Problem::error(
                    format!("spec.preparedDatabases.{db}.schemas.{schema}"),
                    format!(
                        "schema name has {} bytes, more than PostgreSQL's 63",
                        schema.len()
                    ),
                ));
            }
        }
    }
}

fn check_schedules(spec: &PostgresSpec, out: &mut Vec<Problem>) {
    for (i, window) in spec.maintenance_windows.iter().flatten().enumerate() {
        if !MAINTENANCE_WINDOW.is_match(window) {
            out.push(Problem::error(
                format!("spec.maintenanceWindows[{i}]"),
                format!(
                    "\"{window}\" is not a maintenance window (e.g. \"01:00-06:00\" or \"Sat:00:00-04:00\")"
                ),
            ));
        }
    }
    if let Some(schedule) = &spec.logical_backup_schedule
        && !CRON.is_match(schedule)
    {
        out.push(Problem::error(
            "spec.logicalBackupSchedule",
            format!("\"{schedule}\" is not a five-field cron schedule (e.g. \"30 00 * * *\")"),
        ));
    }
}

fn check_no_effect_and_deprecated(spec: &PostgresSpec, out: &mut Vec<Problem>) {
    if spec.volume.storage_class.is_none() {
        if spec.volume.iops.is_some() {
            out.push(Problem::warning(
                "spec.volume.iops",
                "has no effect without spec.volume.storageClass naming a class that supports provisioned IOPS",
            ));
        }
        if spec.volume.throughput.is_some() {
            out.push(Problem::warning(
                "spec.volume.throughput",
                "has no effect without spec.volume.storageClass naming a class that supports provisioned throughput",
            ));
        }
    }
    // The section alone enables the master pooler (as in the reference); an explicit
    // `enableConnectionPooler: false` without a replica pooler leaves it unused.
    if spec.connection_pooler.is_some()
        && spec.enable_connection_pooler == Some(false)
        && spec.enable_replica_connection_pooler != Some(true)
    {
        out.push(Problem::warning(
            "spec.connectionPooler",
            "has no effect while enableConnectionPooler is false and enableReplicaConnectionPooler is off",
        ));
    }
    if spec.logical_backup_schedule.is_some() && spec.enable_logical_backup != Some(true) {
        out.push(Problem::warning(
            "spec.logicalBackupSchedule",
            "has no effect while enableLogicalBackup is off",
        ));
    }
    for (field, replacement, set) in [
        (
            "spec.useLoadBalancer",
            "enableMasterLoadBalancer",
            spec.use_load_balancer.is_some(),
        ),
        (
            "spec.replicaLoadBalancer",
            "enableReplicaLoadBalancer",
            spec.replica_load_balancer.is_some(),
        ),
        (
            "spec.pod_priority_class_name",
            "podPriorityClassName",
            spec.pod_priority_class_name_old.is_some(),
        ),
    ] {
        if set {
            out.push(Problem::warning(
                field,
                format!("deprecated; use spec.{replacement}"),
            ));
        }
    }
}

fn check_transition(old: &PostgresSpec, new: &PostgresSpec, out: &mut Vec<Problem>) {
    if let (Some(before), Some(after)) = (
        quantity::parse_bytes(&old.volume.size),
        quantity::parse_bytes(&new.volume.size),
    ) && after < before
    {
        out.push(Problem::error(
            "spec.volume.size",
            format!(
                "cannot shrink the volume from {} to {}: persistent volumes only grow",
                old.volume.size, new.volume.size
            ),
        ));
    }
}
