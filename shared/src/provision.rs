//! The Kubernetes side of role and database provisioning, pure: which pod to connect to, which
//! Secrets feed the credentials, which Secrets a password rotation rewrites, and how the outcome
//! is reported (the `RolesSynced` condition, `status.messages` and Events). The SQL itself is
//! planned by [`crate::roles`]; the controller only does the I/O around these functions.
//!
//! ```ignore
//! let target = provision::sql_target(&pg, &config, &pods)?;            // or the Waiting/Skipped outcome
//! let password = provision::superuser_password(&pg, &config, &secrets)?;
//! for update in provision::secret_updates(&pg, &config, &secrets, now) { /* write the Secret */ }
//! let desired = roles::from_manifest(&pg, &settings, &provision::credentials(&pg, &config, &secrets), now);
//! let report = sql::sync(&connector, &desired, &settings).await?;
//! let summary = provision::summarize(&desired, &report.plan, previous_status);
//! ```

use std::borrow::Borrow;
use std::collections::BTreeSet;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, Secret};

use crate::build::secret::{self as secret_builder, ClusterRef, PASSWORD_KEY, USERNAME_KEY};
use crate::build::statefulset::CONTAINER_NAME;
use crate::build::{MASTER_ROLE, POSTGRES_PORT};
use crate::config::OperatorConfig;
use crate::crd::{PostgresStatus, Postgresql};

use crate::password::Password;
use crate::roles::desired::{DesiredRole, RoleOrigin};
use crate::roles::rotation::{self, NEXT_ROTATION_KEY, SecretAction, SecretState};
use crate::roles::{self, Credential, Credentials, Desired, ObjectRef, Plan, SkipReason};
use crate::status::RolesOutcome;

/// Condition reasons of `RolesSynced` decided here.
pub mod reason {
    /// `enable_database_access` is off.
    pub const DATABASE_ACCESS_DISABLED: &str = "DatabaseAccessDisabled";
    /// `spec.standby` is set: the roles come from the source cluster.
    pub const STANDBY_CLUSTER: &str = "StandbyCluster";
    /// No pod is labelled as the master, or several are.
    pub const NO_MASTER: &str = "NoMaster";
    /// The master pod is not running and ready, or has no IP yet.
    pub const MASTER_NOT_READY: &str = "MasterNotReady";
    /// The superuser's Secret (with a password) is not there yet.
    pub const NO_SUPERUSER_SECRET: &str = "NoSuperuserSecret";
}

/// Event reasons of provisioning.
pub mod event {
    /// Statements were applied (Normal).
    pub const ROLES_PROVISIONED: &str = "RolesProvisioned";
    /// Objects of the manifest were left out (Warning).
    pub const ROLES_SKIPPED: &str = "RolesSkipped";
    /// Managed roles that left the manifest and are kept (Warning).
    pub const ORPHAN_ROLES: &str = "OrphanRoles";
    /// A password was rotated in a Secret (Normal).
    pub const PASSWORD_ROTATED: &str = "PasswordRotated";
    /// Provisioning failed (Warning).
    pub const ROLES_SYNC_FAILED: &str = "RolesSyncFailed";
}

pub use crate::roles::settings::role_settings;

/// Where the controller connects: the master pod's IP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlTarget {
    pub pod: String,
    pub host: String,
    pub port: u16,
}

fn waiting(reason: &str, message: String) -> RolesOutcome {
    RolesOutcome::Waiting {
        reason: reason.to_string(),
        message,
    }
}

/// The pod to run SQL against, or why there is none now.
///
/// Skipped (condition `False`): `enable_database_access` off, or a standby cluster.
/// Waiting (condition `Unknown`): no pod, or more than one, carries `pod_role_label=master`
/// (terminating pods do not count); the master is not `Running`, not `Ready`, its `postgres`
/// container is not reported ready, or it has no `status.podIP` yet.
pub fn sql_target<P: Borrow<Pod>>(
    pg: &Postgresql,
    config: &OperatorConfig,
    pods: &[P],
) -> Result<SqlTarget, RolesOutcome> {
    if !config.enable_database_access {
        return Err(RolesOutcome::Skipped {
            reason: reason::DATABASE_ACCESS_DISABLED.to_string(),
            message: "enable_database_access is off: roles and databases are not provisioned"
                .to_string(),
        });
    }
    if pg.spec.standby.is_some() {
        return Err(RolesOutcome::Skipped {
            reason: reason::STANDBY_CLUSTER.to_string(),
            message: "standby cluster: its roles and databases come from the source cluster; \
                      nothing is provisioned"
                .to_string(),
        });
    }
    ready_master(config, pods)
}

/// The one master pod (`pod_role_label=master`, not terminating), once it is `Running`,
/// `Ready`, its `postgres` container is reported ready and it has an IP: what the controller
/// talks to, over SQL and through Patroni's REST API. Otherwise why not (condition `Unknown`).
pub fn ready_master<P: Borrow<Pod>>(
    config: &OperatorConfig,
    pods: &[P],
) -> Result<SqlTarget, RolesOutcome> {
    let label = &config.pod_role_label;
    let masters: Vec<&Pod> = pods
        .iter()
        .map(Borrow::borrow)
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(label))
                .map(String::as_str)
                == Some(MASTER_ROLE)
        })
        .collect();
    let name = |p: &Pod| p.metadata.name.clone().unwrap_or_default();
    let pod = match masters.as_slice() {
        [] => {
            return Err(waiting(
                reason::NO_MASTER,
                format!("waiting for a pod labelled {label}={MASTER_ROLE}"),
            ));
        }
        [one] => *one,
        several => {
            let names: Vec<String> = several.iter().map(|p| name(p)).collect();
            return Err(waiting(
                reason::NO_MASTER,
                format!(
                    "pods {} are all labelled {label}={MASTER_ROLE}; waiting for one master",
                    names.join(", ")
                ),
            ));
        }
    };
    let pod_name = name(pod);
    let status = pod.status.as_ref();
    let not_ready = |what: &str| {
        Err(waiting(
            reason::MASTER_NOT_READY,
            format!("waiting for master pod {pod_name}: {what}"),
        ))
    };
    if status.and_then(|s| s.phase.as_deref()) != Some("Running") {
        return not_ready("it is not Running");
    }
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    if !ready {
        return not_ready("it is not Ready");
    }
    let container_ready = status
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.name == CONTAINER_NAME && c.ready));
    if !container_ready {
        return not_ready(&format!(
            "its {CONTAINER_NAME} container is not reported ready"
        ));
    }
    let Some(ip) = status
        .and_then(|s| s.pod_ip.as_deref())
        .filter(|ip| !ip.is_empty())
    else {
        return not_ready("it has no IP address yet");
    };
    Ok(SqlTarget {
        pod: pod_name,
        host: ip.to_string(),
        port: u16::try_from(POSTGRES_PORT).unwrap_or(5432),
    })
}

/// What a credential Secret holds (`username`, `password`, `nextRotation`); values that are
/// missing, empty or not UTF-8 are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretContent {
    pub username: Option<String>,
    pub password: Option<Password>,
    pub next_rotation: Option<String>,
}

/// Reads a credential Secret.
pub fn secret_content(secret: &Secret) -> SecretContent {
    let text = |key: &str| {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|v| String::from_utf8(v.0.clone()).ok())
            .filter(|s| !s.is_empty())
    };
    SecretContent {
        username: text(USERNAME_KEY),
        password: text(PASSWORD_KEY).map(Password::new),
        next_rotation: text(NEXT_ROTATION_KEY),
    }
}

fn find_secret<'a, S: Borrow<Secret>>(
    secrets: &'a [S],
    namespace: &str,
    name: &str,
) -> Option<&'a Secret> {
    secrets.iter().map(Borrow::borrow).find(|s| {
        s.metadata.name.as_deref() == Some(name)
            && s.metadata.namespace.as_deref() == Some(namespace)
    })
}

fn cluster_name(pg: &Postgresql) -> &str {
    pg.metadata.name.as_deref().unwrap_or_default()
}

fn cluster_namespace(pg: &Postgresql) -> &str {
    pg.metadata.namespace.as_deref().unwrap_or_default()
}

/// The password of `super_username`, from its Secret, or why there is none yet.
pub fn superuser_password<S: Borrow<Secret>>(
    pg: &Postgresql,
    config: &OperatorConfig,
    secrets: &[S],
) -> Result<Password, RolesOutcome> {
    let name = config.secret_name(&config.super_username, cluster_name(pg));
    find_secret(secrets, cluster_namespace(pg), &name)
        .and_then(|s| secret_content(s).password)
        .ok_or_else(|| {
            waiting(
                reason::NO_SUPERUSER_SECRET,
                format!("waiting for Secret {name} with the password of the superuser"),
            )
        })
}

/// Whether the operator owns `secret`, so that it may rewrite it (password rotation):
/// [`crate::build::secret::is_managed`] for this cluster. It carries the cluster's labels
/// (`cluster_labels` and `cluster_name_label`); if it has a controller owner reference, that is
/// this `postgresql`; outside the cluster's namespace, its
/// [`crate::naming::CLUSTER_NAMESPACE_LABEL`] names the cluster's namespace. Secrets made by someone
/// else are only ever read.
pub fn is_managed_secret(secret: &Secret, pg: &Postgresql, config: &OperatorConfig) -> bool {
    secret_builder::is_managed(secret, ClusterRef::of(pg), config)
}

/// The namespace of the Secret of a login role: the one the planner decided
/// (`enable_cross_namespace_secret`), else the cluster's.
fn secret_namespace<'a>(pg: &'a Postgresql, role: &'a DesiredRole) -> &'a str {
    role.secret_namespace
        .as_deref()
        .unwrap_or_else(|| cluster_namespace(pg))
}

/// Whether the Secret found for a role may feed its credentials: in the cluster's namespace
/// any Secret of that name does (as the reference operator reads them); in another namespace
/// only one the operator made for this cluster, so that a cluster of the same name in another
/// namespace never hands its password over.
fn usable(secret: &Secret, pg: &Postgresql, config: &OperatorConfig) -> bool {
    secret.metadata.namespace.as_deref() == Some(cluster_namespace(pg))
        || is_managed_secret(secret, pg, config)
}

/// The credentials of the cluster's login roles from their Secrets: the user each Secret names
/// (its `username`, the role itself when missing) and its password. Roles whose Secret is
/// missing or has no password are left out (the planner reports them).
pub fn credentials<S: Borrow<Secret>>(
    pg: &Postgresql,
    config: &OperatorConfig,
    secrets: &[S],
) -> Credentials {
    let settings = role_settings(config);
    let layout = roles::layout(cluster_name(pg), &pg.spec, &settings);
    let mut out = Credentials::new();
    for (role, r) in layout.login_roles() {
        let name = config.secret_name(role, cluster_name(pg));
        let Some(secret) = find_secret(secrets, secret_namespace(pg, r), &name) else {
            continue;
        };
        if !usable(secret, pg, config) {
            continue;
        }
        let content = secret_content(secret);
        if let Some(password) = content.password {
            let username = content.username.unwrap_or_else(|| role.to_string());
            out.insert(role.to_string(), Credential::new(username, password));
        }
    }
    out
}

/// A rotation step for one Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUpdate {
    pub role: String,
    pub secret_name: String,
    pub namespace: String,
    /// The `resourceVersion` the decision was made on: the write must not overwrite a change
    /// made since.
    pub resource_version: Option<String>,
    /// [`SecretAction::SetNextRotation`] or [`SecretAction::Rotate`], never `Keep`.
    pub action: SecretAction,
}

/// The rotation writes due at `now` (`roles::rotation::decide` for each login role of the
/// manifest), for Secrets the operator manages only ([`is_managed_secret`]). Rotation users
/// and roles without a Secret are left alone.
pub fn secret_updates<S: Borrow<Secret>>(
    pg: &Postgresql,
    config: &OperatorConfig,
    secrets: &[S],
    now: Timestamp,
) -> Vec<SecretUpdate> {
    let settings = role_settings(config);
    let layout = roles::layout(cluster_name(pg), &pg.spec, &settings);
    let mut out = Vec::new();
    for (role, r) in layout.login_roles() {
        if matches!(r.origin, RoleOrigin::Rotation { .. }) {
            continue;
        }
        let name = config.secret_name(role, cluster_name(pg));
        let namespace = secret_namespace(pg, r);
        let Some(secret) = find_secret(secrets, namespace, &name) else {
            continue;
        };
        if !is_managed_secret(secret, pg, config) {
            continue;
        }
        let content = secret_content(secret);
        let mode = rotation::mode(role, &pg.spec, &settings, r.owns_database);
        let state = SecretState {
            username: content.username.as_deref().unwrap_or(role),
            next_rotation: content.next_rotation.as_deref(),
        };
        let action = rotation::decide(role, mode, state, now, &settings.rotation);
        if action != SecretAction::Keep {
            out.push(SecretUpdate {
                role: role.to_string(),
                secret_name: name,
                namespace: namespace.to_string(),
                resource_version: secret.metadata.resource_version.clone(),
                action,
            });
        }
    }
    out
}

/// An Event to publish about the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventNote {
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

/// What a provisioning run reports: the outcome for the status and the Events to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub outcome: RolesOutcome,
    pub events: Vec<EventNote>,
}

/// The status message of a role the planner manages that left the manifest.
pub fn orphan_message(role: &str) -> String {
    format!("role {role:?} is no longer in the manifest; it is kept (roles are never dropped)")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report of a successful sync of `plan` (planned from `desired`).
///
/// - The outcome is `Synced`, with a message that depends only on the desired state, so that an
///   unchanged cluster computes an identical status; the skipped objects and the orphan roles
///   become `warnings` (`status.messages`).
/// - Events: one Normal `RolesProvisioned` with the number of statements per kind when any
///   ran; one Warning `RolesSkipped` and one `OrphanRoles` for the warnings that
///   `previous.messages` did not hold yet. A resync with nothing new publishes nothing.
pub fn summarize(desired: &Desired, plan: &Plan, previous: Option<&PostgresStatus>) -> Summary {
    // Every desired role is created (a role without a password yet, too); a database whose
    // owner does not exist yet is not.
    let waiting_databases: BTreeSet<&str> = plan
        .skipped
        .iter()
        .filter_map(|s| match (&s.object, &s.reason) {
            (ObjectRef::Database(d), SkipReason::UnknownOwner(_)) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    let roles_count = desired.roles.len();
    let databases_count = desired
        .databases
        .keys()
        .filter(|d| !waiting_databases.contains(d.as_str()))
        .count();

    let skip_lines: Vec<String> = plan.skipped.iter().map(ToString::to_string).collect();
    let orphan_lines: Vec<String> = plan.orphans.iter().map(|r| orphan_message(r)).collect();
    let mut warnings = Vec::new();
    for line in skip_lines.iter().chain(orphan_lines.iter()) {
        if !warnings.contains(line) {
            warnings.push(line.clone());
        }
    }

    let mut message = format!(
        "{} and {} provisioned",
        plural(roles_count, "role", "roles"),
        plural(databases_count, "database", "databases")
    );
    if !warnings.is_empty() {
        message.push_str(&format!(
            "; {} in status.messages",
            plural(warnings.len(), "warning", "warnings")
        ));
    }

    let mut events = Vec::new();
    if !plan.statements.is_empty() {
        let counts: Vec<String> = plan
            .counts()
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        events.push(EventNote {
            warning: false,
            reason: event::ROLES_PROVISIONED,
            message: format!(
                "applied {}: {}",
                plural(plan.statements.len(), "SQL statement", "SQL statements"),
                counts.join(", ")
            ),
        });
    }
    let known: &[String] = previous.map(|p| p.messages.as_slice()).unwrap_or_default();
    let new_skips: Vec<&String> = skip_lines.iter().filter(|l| !known.contains(l)).collect();
    if !new_skips.is_empty() {
        events.push(EventNote {
            warning: true,
            reason: event::ROLES_SKIPPED,
            message: join(&new_skips),
        });
    }
    let new_orphans: Vec<&str> = plan
        .orphans
        .iter()
        .filter(|r| !known.contains(&orphan_message(r)))
        .map(String::as_str)
        .collect();
    if !new_orphans.is_empty() {
        let names: Vec<String> = new_orphans.iter().map(|r| format!("{r:?}")).collect();
        events.push(EventNote {
            warning: true,
            reason: event::ORPHAN_ROLES,
            message: format!(
                "{} no longer in the manifest and kept (roles are never dropped): {}",
                if new_orphans.len() == 1 {
                    "role is"
                } else {
                    "roles are"
                },
                names.join(", ")
            ),
        });
    }
    Summary {
        outcome: RolesOutcome::Synced { message, warnings },
        events,
    }
}

fn join(lines: &[&String]) -> String {
    lines
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The report of a failed run: reason (a static CamelCase label) and message (never a secret).
pub fn failed(reason: &str, message: String) -> Summary {
    Summary {
        events: vec![EventNote {
            warning: true,
            reason: event::ROLES_SYNC_FAILED,
            message: message.clone(),
        }],
        outcome: RolesOutcome::Failed {
            reason: reason.to_string(),
            message,
        },
    }
}

/// The Event of a rotation written to a Secret, if it deserves one (setting only the next
/// rotation time does not). Names the role, the Secret and the user; never the password.
pub fn rotation_event(update: &SecretUpdate) -> Option<EventNote> {
    match &update.action {
        SecretAction::Rotate { username, .. } => Some(EventNote {
            warning: false,
            reason: event::PASSWORD_ROTATED,
            message: if *username == update.role {
                format!(
                    "new password for role {:?} in Secret {}",
                    update.role, update.secret_name
                )
            } else {
                format!(
                    "new rotation user {username:?} for role {:?} in Secret {}",
                    update.role, update.secret_name
                )
            },
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
