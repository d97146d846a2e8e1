//! Where a cluster's data comes from, and how that is going: a clone's source (`spec.clone`),
//! a standby's source (`spec.standby`), and the promotion of a standby (its `standby` section
//! removed). Pure: the controller observes the source and the cluster's leader and passes them
//! in; [`assess`] gives the condition (`Cloned` or `Standby`) and `status.origin`.
//!
//! Spilo reads the `CLONE_*` and `STANDBY_*` environment only when a member bootstraps (the
//! bootstrap method, and `standby_cluster` of `bootstrap.dcs`), so changing them never needs
//! new pods ([`is_bootstrap_only_env`]). On a running cluster, the standby settings live in
//! Patroni's dynamic configuration ([`dcs_standby_cluster`]): removing them promotes the
//! standby leader in place, which is how a standby cluster is promoted.

#[cfg(test)]
mod tests;

use k8s_openapi::api::core::v1::{EnvVar, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use serde_json::{Value, json};

use crate::crd::{OriginStatus, PostgresSpec};

/// Condition type of a clone: `True` once it has a master, `Unknown` while it copies, `False`
/// with a reason while it cannot.
pub const CLONED: &str = "Cloned";
/// Condition type of a standby cluster (and of one being or having been promoted).
pub const STANDBY: &str = "Standby";

/// Condition reasons.
pub mod reason {
    pub const CLONED: &str = "Cloned";
    pub const CLONING: &str = "Cloning";
    pub const RESTORING: &str = "Restoring";
    pub const STREAMING: &str = "Streaming";
    pub const BOOTSTRAPPING: &str = "Bootstrapping";
    pub const NOT_STREAMING: &str = "NotStreaming";
    pub const SOURCE_NOT_FOUND: &str = "SourceNotFound";
    pub const SOURCE_NOT_READY: &str = "SourceNotReady";
    pub const SOURCE_VERSION_MISMATCH: &str = "SourceVersionMismatch";
    pub const CREDENTIALS_MISMATCH: &str = "CredentialsMismatch";
    pub const NOT_A_STANDBY: &str = "NotAStandby";
    pub const COPY_FAILED: &str = "CopyFailed";
    pub const PROMOTING: &str = "Promoting";
    pub const PROMOTED: &str = "Promoted";
}

/// `status.origin.mode` values.
pub mod mode {
    pub const CLONE: &str = "clone";
    pub const STANDBY: &str = "standby";
    pub const PROMOTED: &str = "promoted";
}

/// Patroni's role of a standby cluster's leader.
pub const STANDBY_LEADER_ROLE: &str = "standby_leader";

/// Where the manifest says the data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An ordinary cluster (`initdb`).
    None,
    /// `spec.clone`: a base backup of a running cluster (`timestamp` unset) or a point-in-time
    /// restore from its WAL archive.
    Clone {
        cluster: String,
        timestamp: Option<String>,
    },
    /// `spec.standby`: streaming from `host` and/or replaying a WAL archive.
    Standby {
        host: Option<String>,
        port: Option<String>,
        wal_path: Option<String>,
    },
}

impl Origin {
    pub fn of(spec: &PostgresSpec) -> Self {
        if let Some(standby) = &spec.standby {
            return Origin::Standby {
                host: standby.standby_host.clone().filter(|h| !h.is_empty()),
                port: standby.standby_port.clone().filter(|p| !p.is_empty()),
                wal_path: standby
                    .s3_wal_path
                    .clone()
                    .or_else(|| standby.gs_wal_path.clone())
                    .filter(|p| !p.is_empty()),
            };
        }
        match &spec.clone {
            Some(clone) if !clone.cluster.is_empty() => Origin::Clone {
                cluster: clone.cluster.clone(),
                timestamp: clone.timestamp.clone().filter(|t| !t.is_empty()),
            },
            _ => Origin::None,
        }
    }

    /// The source as `status.origin.source` names it: a cluster, `host:port`, or the WAL
    /// archive's path.
    pub fn source(&self) -> String {
        match self {
            Origin::None => String::new(),
            Origin::Clone { cluster, .. } => cluster.clone(),
            Origin::Standby {
                host: Some(host),
                port,
                ..
            } => format!("{host}:{}", port.as_deref().unwrap_or("5432")),
            Origin::Standby { wal_path, .. } => wal_path.clone().unwrap_or_default(),
        }
    }

    /// The cluster of the same Kubernetes cluster that the data comes from, when the source
    /// is one: a clone without `timestamp` names it (same namespace, as the reference); a
    /// standby's host is a cluster's master Service when it reads `NAME`, `NAME.NAMESPACE`,
    /// `NAME.NAMESPACE.svc` or `NAME.NAMESPACE.svc.<domain>`. Returns `(namespace, name)`.
    pub fn source_cluster(&self, namespace: &str) -> Option<(String, String)> {
        match self {
            Origin::Clone {
                cluster,
                timestamp: None,
            } => Some((namespace.to_string(), cluster.clone())),
            Origin::Standby {
                host: Some(host), ..
            } => {
                if host.parse::<std::net::IpAddr>().is_ok() {
                    return None;
                }
                let parts: Vec<&str> = host.split('.').collect();
                match parts.as_slice() {
                    [name] => Some((namespace.to_string(), name.to_string())),
                    [name, ns] => Some((ns.to_string(), name.to_string())),
                    [name, ns, "svc", ..] => Some((ns.to_string(), name.to_string())),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Whether an environment variable of the postgres container is read only when a member
/// bootstraps (Spilo's `CLONE_*` and `STANDBY_*`): a change of it needs no new pod.
pub fn is_bootstrap_only_env(name: &str) -> bool {
    name.starts_with("CLONE_") || name.starts_with("STANDBY_")
}

/// The `standby_cluster` setting of Patroni's dynamic configuration that the `STANDBY_*`
/// environment of `env` stands for (Spilo writes it into `bootstrap.dcs`): `host`, `port` and
/// `primary_slot_name` (`null` when unset, so that a removed one is removed), or `null` for a
/// cluster that is no standby. A standby that only replays a WAL archive has no `host`.
pub fn dcs_standby_cluster(env: &[EnvVar]) -> Value {
    let get = |name: &str| {
        env.iter()
            .find(|e| e.name == name)
            .and_then(|e| e.value.clone())
    };
    let standby = env.iter().any(|e| e.name.starts_with("STANDBY_"));
    if !standby {
        return Value::Null;
    }
    let host = get("STANDBY_HOST");
    let port = host
        .as_ref()
        .map(|_| get("STANDBY_PORT").unwrap_or_else(|| "5432".to_string()));
    json!({
        "host": host,
        "port": port,
        "primary_slot_name": get("STANDBY_PRIMARY_SLOT_NAME"),
    })
}

/// [`dcs_standby_cluster`] of the postgres container of a pod template.
pub fn dcs_standby_cluster_of(template: &PodTemplateSpec, container: &str) -> Value {
    let env = template
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == container))
        .and_then(|c| c.env.as_deref())
        .unwrap_or_default();
    dcs_standby_cluster(env)
}

/// The `standby_cluster` part of a patch of Patroni's dynamic configuration, given the
/// desired setting ([`dcs_standby_cluster`]) and the live one (`GET /config`):
/// - `null` to promote a standby whose manifest no longer has a `standby` section;
/// - the changed keys of a standby whose source moved (`host`, `port`, slot);
/// - nothing for a cluster that runs as a primary although its manifest now asks for a
///   standby: that would demote a primary that takes writes, so it is left alone and
///   reported ([`reason::NOT_A_STANDBY`]).
pub fn standby_patch(desired: &Value, live: Option<&Value>) -> Option<Value> {
    let live = live.filter(|l| !l.is_null());
    match (desired, live) {
        (Value::Null, None) => None,
        (Value::Null, Some(_)) => Some(Value::Null),
        (Value::Object(_), None) => None,
        (Value::Object(want), Some(have)) => {
            let changed: serde_json::Map<String, Value> = want
                .iter()
                .filter(|(key, value)| {
                    let current = have.get(key.as_str()).filter(|v| !v.is_null());
                    match (value, current) {
                        (Value::Null, None) => false,
                        (Value::Null, Some(_)) => true,
                        (value, Some(current)) => text(value) != text(current),
                        (_, None) => true,
                    }
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!changed.is_empty()).then_some(Value::Object(changed))
        }
        _ => None,
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A PostgreSQL WAL position (`0/3000060`) as a number.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.split_once('/')?;
    let high = u64::from_str_radix(high, 16).ok()?;
    let low = u64::from_str_radix(low, 16).ok()?;
    Some((high << 32) | low)
}

/// The cluster's role in a replication topology, as `pgctl list -o wide` shows it: `standby`
/// (a `standby` section), `promoting` (the section removed, the leader not yet promoted), or
/// `primary`.
pub fn cluster_role(pg: &crate::crd::Postgresql) -> &'static str {
    if pg.spec.standby.is_some() {
        return "standby";
    }
    let promoting = pg
        .status
        .as_ref()
        .and_then(|s| s.origin.as_ref())
        .is_some_and(|o| o.mode == mode::PROMOTED && o.state.as_deref() == Some("promoting"));
    if promoting { "promoting" } else { "primary" }
}

/// One line about the origin for `pgctl status`: `standby of acid-main:5432, streaming, replay
/// lag 0 bytes`.
pub fn describe(origin: &OriginStatus) -> String {
    let mut line = match origin.mode.as_str() {
        mode::CLONE => format!("clone of {}", origin.source),
        mode::STANDBY => format!("standby of {}", origin.source),
        mode::PROMOTED => "promoted standby".to_string(),
        other => other.to_string(),
    };
    if let Some(state) = &origin.state {
        line.push_str(&format!(", {state}"));
    }
    if let Some(lag) = origin.lag_bytes {
        line.push_str(&format!(", replay lag {lag} bytes"));
    }
    if let Some(at) = &origin.replayed_at {
        line.push_str(&format!(", last replayed commit {at}"));
    }
    line
}

/// What the controller found of the source cluster (in the same Kubernetes cluster).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceView {
    /// Its StatefulSet exists.
    pub exists: bool,
    /// Its PostgreSQL major version (`PGVERSION` of its pods' template).
    pub version: Option<String>,
    /// It has a ready master.
    pub master_ready: bool,
    /// Its master's WAL position (Patroni's `xlog.location`).
    pub wal_position: Option<u64>,
    /// Whether the replication user's password of the standby's Secret equals the source's
    /// (`None`: not known).
    pub credentials_match: Option<bool>,
}

/// What the controller found of the cluster's own leader (Patroni's `GET /patroni` of the pod
/// labelled master).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeaderView {
    /// Patroni's role: `standby_leader`, `primary` (`master` before Patroni 4).
    pub role: String,
    /// `replication_state` (`streaming`, `in archive recovery`), for a standby leader.
    pub replication_state: Option<String>,
    pub received: Option<u64>,
    pub replayed: Option<u64>,
    /// `xlog.replayed_timestamp`: commit time of the last transaction replayed.
    pub replayed_at: Option<String>,
}

/// Everything [`assess`] decides from.
#[derive(Debug, Clone)]
pub struct Observation<'a> {
    pub origin: &'a Origin,
    /// The cluster's PostgreSQL major version (`spec.postgresql.version`).
    pub version: &'a str,
    /// The source, when it is a cluster of this Kubernetes cluster.
    pub source: Option<&'a SourceView>,
    /// The cluster's leader, when one answered.
    pub leader: Option<&'a LeaderView>,
    /// The live `standby_cluster` of Patroni's dynamic configuration: `Some(null)` when read
    /// and absent, `None` when it could not be read.
    pub live_standby: Option<&'a Value>,
    /// The previous condition of the type [`assess`] returns, if any.
    pub previous: Option<&'a Condition>,
    /// Restarts of the `postgres` containers of the cluster's pods: before there is a leader,
    /// failed copies (Patroni exits after a failed bootstrap and its container is restarted).
    pub restarts: i32,
}

/// While nothing else explains it, a copy that failed: the containers restarted before any
/// member became leader.
fn copy_failed(o: &Observation<'_>, source: &str) -> Option<(&'static str, String)> {
    (o.restarts > 0).then(|| {
        (
            reason::COPY_FAILED,
            format!(
                "copying {source} failed: the first member's container restarted {} time(s) before it held any data; `pgctl logs`/`kubectl logs --previous` show why",
                o.restarts
            ),
        )
    })
}

/// The condition, `status.origin`, and how soon to look again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub type_: &'static str,
    pub status: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub origin: OriginStatus,
    /// A problem worth an Event and a retry with backoff.
    pub problem: bool,
    /// The situation changes by itself soon (copying, promoting, streaming with lag): look
    /// again in seconds rather than at the next resync.
    pub watch: bool,
}

/// Whether the origin's condition can no longer change ([`assess`] keeps it whatever is
/// observed): a clone that had a master, a standby that was promoted. Nothing needs to be
/// asked of Patroni or the source for them.
pub fn settled(origin: &Origin, previous: Option<&Condition>) -> bool {
    match origin {
        Origin::Clone { .. } => previous.is_some_and(|p| p.type_ == CLONED && p.status == "True"),
        Origin::None => {
            previous.is_some_and(|p| p.type_ == STANDBY && p.reason == reason::PROMOTED)
        }
        Origin::Standby { .. } => false,
    }
}

/// The condition and `status.origin` of a cluster; `None` for a cluster that has no origin
/// and never was a standby.
pub fn assess(o: &Observation<'_>) -> Option<Assessment> {
    match o.origin {
        Origin::Clone { cluster, timestamp } => Some(assess_clone(o, cluster, timestamp.is_some())),
        Origin::Standby { host, .. } => Some(assess_standby(o, host.is_some())),
        Origin::None => assess_promotion(o),
    }
}

fn origin_status(mode: &str, o: &Observation<'_>) -> OriginStatus {
    OriginStatus {
        mode: mode.to_string(),
        source: o.origin.source(),
        ..OriginStatus::default()
    }
}

/// A source problem that keeps a new clone or standby from copying it, if any.
fn source_problem(
    o: &Observation<'_>,
    name: &str,
    standby: bool,
) -> Option<(&'static str, String)> {
    let source = o.source?;
    if !source.exists {
        return Some((
            reason::SOURCE_NOT_FOUND,
            format!("the source cluster {name} does not exist (no StatefulSet {name})"),
        ));
    }
    if let Some(version) = &source.version
        && version != o.version
    {
        return Some((
            reason::SOURCE_VERSION_MISMATCH,
            format!(
                "the source {name} runs PostgreSQL {version} and this cluster asks for {}: a physical copy keeps the major version; set spec.postgresql.version to {version}",
                o.version
            ),
        ));
    }
    if standby && source.credentials_match == Some(false) {
        return Some((
            reason::CREDENTIALS_MISMATCH,
            format!(
                "the replication password of this cluster's Secret differs from the source {name}'s: copy the source's standby and postgres Secrets (pgctl create --standby-of does)"
            ),
        ));
    }
    if !source.master_ready {
        return Some((
            reason::SOURCE_NOT_READY,
            format!("the source cluster {name} has no ready master"),
        ));
    }
    None
}

fn assess_clone(o: &Observation<'_>, cluster: &str, point_in_time: bool) -> Assessment {
    let mut origin = origin_status(mode::CLONE, o);
    let done = |message: String, origin: OriginStatus| Assessment {
        type_: CLONED,
        status: "True",
        reason: reason::CLONED,
        message,
        origin,
        problem: false,
        watch: false,
    };
    // Once a clone has a master it is a cluster of its own: the source no longer matters.
    if let Some(previous) = o.previous.filter(|p| p.status == "True") {
        return done(previous.message.clone(), origin);
    }
    if o.leader.is_some_and(|l| l.role != STANDBY_LEADER_ROLE) {
        let how = if point_in_time {
            "restored from the WAL archive of"
        } else {
            "copied from"
        };
        return done(
            format!("{how} {cluster}; the cluster is independent of it"),
            origin,
        );
    }
    let problem = if point_in_time {
        None
    } else {
        source_problem(o, cluster, false)
    };
    if let Some((reason, message)) = problem.or_else(|| copy_failed(o, cluster)) {
        origin.state = Some("waiting for the source".to_string());
        return Assessment {
            type_: CLONED,
            status: "False",
            reason,
            message: format!("{message}; the first member retries the copy"),
            origin,
            problem: true,
            watch: false,
        };
    }
    let (reason, message) = if point_in_time {
        (
            reason::RESTORING,
            format!("restoring {cluster} from its WAL archive"),
        )
    } else {
        (
            reason::CLONING,
            format!("copying {cluster} with pg_basebackup"),
        )
    };
    origin.state = Some("copying".to_string());
    Assessment {
        type_: CLONED,
        status: "Unknown",
        reason,
        message,
        origin,
        problem: false,
        watch: true,
    }
}

fn lag(o: &Observation<'_>, leader: &LeaderView) -> Option<i64> {
    let replayed = leader.replayed?;
    let head = o.source.and_then(|s| s.wal_position).or(leader.received)?;
    Some(head.saturating_sub(replayed) as i64)
}

fn assess_standby(o: &Observation<'_>, streams: bool) -> Assessment {
    let mut origin = origin_status(mode::STANDBY, o);
    let source = origin.source.clone();
    let name = o
        .origin
        .source_cluster("")
        .map(|(_, n)| n)
        .unwrap_or_else(|| source.clone());
    let assessment = |status, reason, message: String, origin, problem, watch| Assessment {
        type_: STANDBY,
        status,
        reason,
        message,
        origin,
        problem,
        watch,
    };
    match o.leader {
        Some(leader) if leader.role == STANDBY_LEADER_ROLE => {
            origin.state = leader.replication_state.clone();
            origin.replayed_at = leader.replayed_at.clone();
            origin.lag_bytes = lag(o, leader);
            let streaming = leader.replication_state.as_deref() == Some("streaming");
            if streaming || !streams {
                let lag = origin
                    .lag_bytes
                    .map(|b| format!(", replay lag {b} bytes"))
                    .unwrap_or_default();
                let how = if streams {
                    "streaming from"
                } else {
                    "replaying"
                };
                let message = format!("{how} {source}{lag}");
                return assessment("True", reason::STREAMING, message, origin, false, true);
            }
            let (reason, message) = source_problem(o, &name, true).unwrap_or((
                reason::NOT_STREAMING,
                format!(
                    "the standby leader does not stream from {source} (state: {})",
                    leader.replication_state.as_deref().unwrap_or("none")
                ),
            ));
            assessment("False", reason, message, origin, true, false)
        }
        Some(leader) => {
            origin.state = Some(leader.role.clone());
            let message = format!(
                "the cluster runs as a primary ({}); a standby section does not demote it: re-create it to make it a standby of {source}",
                leader.role
            );
            assessment("False", reason::NOT_A_STANDBY, message, origin, true, false)
        }
        None => match source_problem(o, &name, true).or_else(|| copy_failed(o, &source)) {
            Some((reason, message)) => {
                origin.state = Some("waiting for the source".to_string());
                let message = format!("{message}; the standby leader retries");
                assessment("False", reason, message, origin, true, false)
            }
            None => {
                origin.state = Some("bootstrapping".to_string());
                let message = format!("copying {source} for the standby leader");
                assessment(
                    "Unknown",
                    reason::BOOTSTRAPPING,
                    message,
                    origin,
                    false,
                    true,
                )
            }
        },
    }
}

/// A cluster without `standby` section whose Patroni is still (or was) a standby.
fn assess_promotion(o: &Observation<'_>) -> Option<Assessment> {
    let still_standby = o.leader.is_some_and(|l| l.role == STANDBY_LEADER_ROLE)
        || o.live_standby.is_some_and(|s| !s.is_null());
    let origin = OriginStatus {
        mode: mode::PROMOTED.to_string(),
        ..OriginStatus::default()
    };
    if still_standby {
        return Some(Assessment {
            type_: STANDBY,
            status: "False",
            reason: reason::PROMOTING,
            message: "the standby section was removed: promoting the standby leader".to_string(),
            origin: OriginStatus {
                state: Some("promoting".to_string()),
                ..origin
            },
            problem: false,
            watch: true,
        });
    }
    let previous = o.previous?;
    if previous.reason == reason::PROMOTED {
        return Some(Assessment {
            type_: STANDBY,
            status: "False",
            reason: reason::PROMOTED,
            message: previous.message.clone(),
            origin,
            problem: false,
            watch: false,
        });
    }
    // Promoted now (or the leader is unknown after a promotion began): only a leader seen as
    // primary says it is over.
    match o.leader {
        Some(leader) => Some(Assessment {
            type_: STANDBY,
            status: "False",
            reason: reason::PROMOTED,
            message: format!("promoted: the leader runs as {}", leader.role),
            origin,
            problem: false,
            watch: false,
        }),
        None => Some(Assessment {
            type_: STANDBY,
            status: "False",
            reason: reason::PROMOTING,
            message: "the standby section was removed: waiting for the leader".to_string(),
            origin: OriginStatus {
                state: Some("promoting".to_string()),
                ..origin
            },
            problem: false,
            watch: true,
        }),
    }
}
