//! Role and database provisioning of one cluster, as the reconciler runs it after the
//! Kubernetes objects are applied: the I/O around the pure decisions of
//! `pgctl_shared::provision` and the plan of `pgctl_shared::roles`.
//!
//! 1. Pick the master pod ([`provision::sql_target`]); a standby cluster, turned-off database
//!    access or a cluster without a ready master stops here with a `Skipped`/`Waiting` outcome.
//! 2. Connect to the pod's IP on 5432 as `super_username` with the password from its Secret
//!    (TLS preferred).
//! 3. Write the password rotations that are due into the Secrets the operator manages.
//! 4. [`sync_roles`]: credentials from the Secrets → desired state → `sql::sync` → summary.
//!
//! Failures never abort the reconcile of the Kubernetes objects, which are already applied:
//! they become a `Failed` outcome (condition `RolesSynced=False`, status `SyncFailed`) plus a
//! warning Event, and the reconciler returns an error so that the cluster is retried with its
//! backoff. Nothing here logs or returns a password.

use std::borrow::Borrow;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Pod, Secret};
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::{Patch, PatchParams};
use pgctl_shared::build::secret::{PASSWORD_KEY, USERNAME_KEY};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{PostgresStatus, Postgresql};
use pgctl_shared::provision::{self, SecretUpdate, Summary};
use pgctl_shared::roles::rotation::{NEXT_ROTATION_KEY, PASSWORD_ROTATED_ANNOTATION, SecretAction};
use pgctl_shared::roles::{self, Desired};
use serde_json::{Value, json};

use crate::apply::FIELD_MANAGER;
use crate::context::Context;
use crate::error::{Error, kube as kube_error};
use crate::sql::{self, ConnectOptions, Connector, Endpoint, SqlError, SyncReport, TlsMode};

/// `application_name` of the controller's PostgreSQL sessions.
pub const APPLICATION_NAME: &str = "pgctl-controller";

/// The condition reason of a failed Secret write (rotation).
pub const SECRET_WRITE_FAILED: &str = "SecretWriteFailed";

/// How the controller connects. TLS is preferred (Spilo serves it with a self-signed
/// certificate); the timeouts are [`ConnectOptions`]' defaults, since the operator
/// configuration has no key for them.
pub fn connect_options(_config: &OperatorConfig) -> ConnectOptions {
    ConnectOptions {
        tls: TlsMode::Prefer,
        application_name: APPLICATION_NAME.to_string(),
        ..ConnectOptions::default()
    }
}

/// The `RolesSynced` reason of a failure (a bounded CamelCase label).
pub fn failure_reason(error: &SqlError) -> &'static str {
    match error {
        SqlError::Connect(_) => "ConnectFailed",
        SqlError::ConnectTimeout { .. } => "ConnectTimeout",
        SqlError::Observe { .. } => "ReadFailed",
        SqlError::Statement(_) => "StatementFailed",
        SqlError::Timeout { .. } => "StatementTimeout",
        SqlError::Tls(_) => "TlsFailed",
    }
}

/// What one provisioning run did.
#[derive(Debug, Clone)]
pub struct RolesRun {
    /// The desired state it provisioned.
    pub desired: Desired,
    /// The plan (statements, skipped objects, orphans) and what was applied.
    pub report: SyncReport,
    /// The status outcome and the Events to publish.
    pub summary: Summary,
}

/// Provisions the roles and databases of `pg` over `connector`: the credentials from `secrets`
/// (the cluster's credential Secrets), the desired state from the manifest and the operator
/// configuration at `now`, `sql::sync`, and the summary for the status (`RolesSynced`,
/// `status.messages`) and Events, given the `previous` status. A second run against an
/// unchanged server sends no DDL and its summary has no Events.
pub async fn sync_roles<S: Borrow<Secret>>(
    connector: &Connector,
    pg: &Postgresql,
    config: &OperatorConfig,
    infrastructure: &roles::infrastructure::Loaded,
    secrets: &[S],
    now: Timestamp,
    previous: Option<&PostgresStatus>,
) -> Result<RolesRun, SqlError> {
    let mut settings = provision::role_settings(config);
    settings.infrastructure = infrastructure.clone();
    let credentials = provision::credentials(pg, config, secrets);
    let desired = roles::from_manifest(pg, &settings, &credentials, now);
    let report = sql::sync(connector, &desired, &settings).await?;
    let summary = provision::summarize(&desired, &report.plan, previous);
    Ok(RolesRun {
        desired,
        report,
        summary,
    })
}

/// The outcome of the provisioning step of a reconcile.
pub struct Provisioned {
    pub summary: Summary,
    /// The WAL archive's health, read on the connection to the master.
    pub archive: pgctl_shared::status::ArchiveOutcome,
    /// Set when the step failed: the reconcile returns it, for the backoff.
    pub error: Option<Error>,
}

impl Provisioned {
    /// Provisioning did not run in this reconcile: the previous condition stays.
    pub fn not_attempted() -> Self {
        Self::quiet(pgctl_shared::status::RolesOutcome::NotAttempted)
    }

    fn quiet(outcome: pgctl_shared::status::RolesOutcome) -> Self {
        Self {
            summary: Summary {
                outcome,
                events: Vec::new(),
            },
            archive: pgctl_shared::status::ArchiveOutcome::NotObserved,
            error: None,
        }
    }

    fn failed(reason: &str, error: Error) -> Self {
        Self {
            summary: provision::failed(reason, error.to_string()),
            archive: pgctl_shared::status::ArchiveOutcome::NotObserved,
            error: Some(error),
        }
    }
}

/// The provisioning step of a reconcile (see the module documentation). `pods` and
/// `secrets` are the cluster's, from the caches (with its Secrets in other namespaces).
pub async fn provision<P: Borrow<Pod>>(
    ctx: &Context,
    pg: &Postgresql,
    config: &OperatorConfig,
    pods: &[P],
    mut secrets: Vec<Secret>,
    previous: Option<&PostgresStatus>,
) -> Provisioned {
    let target = match provision::sql_target(pg, config, pods) {
        Ok(target) => target,
        Err(outcome) => {
            tracing::debug!(?outcome, "roles and databases not provisioned");
            return Provisioned::quiet(outcome);
        }
    };
    let password = match provision::superuser_password(pg, config, &secrets) {
        Ok(password) => password,
        Err(outcome) => return Provisioned::quiet(outcome),
    };
    let endpoint = Endpoint::new(
        target.host.clone(),
        target.port,
        config.super_username.clone(),
        password,
    );
    let connector = match Connector::connect(endpoint, connect_options(config)).await {
        Ok(c) => c,
        Err(e) => return Provisioned::failed(failure_reason(&e), Error::Sql(e.to_string())),
    };
    tracing::debug!(pod = %target.pod, host = %target.host, "connected to the master");
    // A standby leader being promoted is labelled master before it takes writes.
    match connector
        .client()
        .query_one("select pg_is_in_recovery()", &[])
        .await
    {
        Ok(row) if row.get::<_, bool>(0) => {
            return Provisioned::quiet(pgctl_shared::status::RolesOutcome::Waiting {
                reason: "InRecovery".to_string(),
                message: format!(
                    "{} is still in recovery (a standby being promoted): roles wait until it takes writes",
                    target.pod
                ),
            });
        }
        Ok(_) => {}
        Err(e) => {
            let error = SqlError::Observe {
                what: "whether the master is in recovery",
                database: "postgres".to_string(),
                message: e.to_string(),
                code: e.code().map(|c| c.code().to_string()),
            };
            return Provisioned::failed(failure_reason(&error), Error::Sql(error.to_string()));
        }
    }

    let archive = read_archive(ctx, pg, config, &connector).await;
    let now = Timestamp::now();
    let mut events = Vec::new();
    for update in provision::secret_updates(pg, config, &secrets, now) {
        match write_rotation(ctx, &update).await {
            Ok(written) => {
                tracing::info!(role = %update.role, secret = %update.secret_name, "password rotation written");
                events.extend(provision::rotation_event(&update));
                if let Some(slot) = secrets.iter_mut().find(|s| {
                    s.metadata.name == written.metadata.name
                        && s.metadata.namespace == written.metadata.namespace
                }) {
                    *slot = written;
                }
            }
            Err(error) => {
                let mut failed = Provisioned::failed(SECRET_WRITE_FAILED, error);
                events.append(&mut failed.summary.events);
                failed.summary.events = events;
                return failed;
            }
        }
    }

    let infrastructure = ctx.infrastructure.get(ctx.applier.client(), config).await;
    match sync_roles(
        &connector,
        pg,
        config,
        &infrastructure,
        &secrets,
        now,
        previous,
    )
    .await
    {
        Ok(run) => {
            // PgBouncer's auth_query needs the lookup function once its role exists.
            if !pgctl_shared::pooler::wanted(&pg.spec).is_empty() {
                let schema = pgctl_shared::pooler::schema(&pg.spec, config);
                let user = pgctl_shared::pooler::user(&pg.spec, config);
                let uid = pg.metadata.uid.as_deref().unwrap_or_default();
                let key = |database: &str| format!("{uid}|{schema}|{user}|{database}");
                let known = |database: &str| {
                    ctx.pooler_lookups
                        .lock()
                        .is_ok_and(|seen| seen.contains(&key(database)))
                };
                match sql::pooler::install_lookup(&connector, &schema, &user, known).await {
                    Ok(done) => {
                        if !done.installed.is_empty() {
                            tracing::info!(databases = ?done.installed, "installed the pooler's lookup function");
                        }
                        if let Ok(mut seen) = ctx.pooler_lookups.lock() {
                            seen.extend(done.confirmed.iter().map(|d| key(d)));
                        }
                    }
                    Err(e) => {
                        let mut failed =
                            Provisioned::failed(failure_reason(&e), Error::Sql(e.to_string()));
                        events.append(&mut failed.summary.events);
                        failed.summary.events = events;
                        return failed;
                    }
                }
            }
            // Once the role has its rotated password, the pooler's pods restart onto it.
            if let Err(error) = restart_poolers_onto_credentials(ctx, pg, config, &secrets).await {
                let mut failed = Provisioned::failed(SECRET_WRITE_FAILED, error);
                events.append(&mut failed.summary.events);
                failed.summary.events = events;
                return failed;
            }
            let mut summary = run.summary;
            events.append(&mut summary.events);
            summary.events = events;
            Provisioned {
                summary,
                archive,
                error: None,
            }
        }
        Err(e) => {
            let mut failed = Provisioned::failed(failure_reason(&e), Error::Sql(e.to_string()));
            events.append(&mut failed.summary.events);
            failed.summary.events = events;
            failed.archive = archive;
            failed
        }
    }
}

/// The WAL archive's health from the master's `pg_stat_archiver` and, while it archives, the
/// base backups its `pg_wal` records against `BACKUP_SCHEDULE`
/// ([`pgctl_shared::backup::judge`]); not observed when the archiver's query fails (the
/// previous condition stays).
async fn read_archive(
    ctx: &Context,
    pg: &Postgresql,
    config: &OperatorConfig,
    connector: &Connector,
) -> pgctl_shared::status::ArchiveOutcome {
    use pgctl_shared::backup::{ArchiverStats, BASE_BACKUP_QUERY, BaseBackupStats, QUERY, judge};
    use pgctl_shared::status::ArchiveOutcome;
    let row = match connector.client().query_one(QUERY, &[]).await {
        Ok(row) => row,
        Err(e) => {
            tracing::debug!(error = %e, "pg_stat_archiver not read");
            return ArchiveOutcome::NotObserved;
        }
    };
    let time = |row: &tokio_postgres::Row, epoch: usize, text: usize| -> Option<(f64, String)> {
        Some((
            row.try_get::<_, Option<f64>>(epoch).ok()??,
            row.try_get::<_, Option<String>>(text).ok()??,
        ))
    };
    let stats = ArchiverStats {
        archive_mode: row.try_get(0).unwrap_or_default(),
        archived_count: row.try_get(1).unwrap_or_default(),
        last_archived_wal: row.try_get(2).ok().flatten(),
        last_archived: time(&row, 3, 4),
        failed_count: row.try_get(5).unwrap_or_default(),
        last_failed_wal: row.try_get(6).ok().flatten(),
        last_failed: time(&row, 7, 8),
    };
    let vars = pod_variables(ctx, pg, config).await;
    // Spilo keeps archive_mode on with archive_command /bin/true when nothing archives.
    if stats.archive_mode.is_empty()
        || stats.archive_mode == "off"
        || !pgctl_shared::backup::archives(config, &vars)
    {
        return ArchiveOutcome::Observed(None);
    }
    let base = match connector.client().query_one(BASE_BACKUP_QUERY, &[]).await {
        Ok(row) => Some(BaseBackupStats {
            last_backup_end: time(&row, 0, 1),
            master_since: time(&row, 2, 3),
        }),
        Err(e) => {
            tracing::debug!(error = %e, "the base backups in pg_wal not read");
            None
        }
    };
    let schedule = vars
        .get("BACKUP_SCHEDULE")
        .cloned()
        .unwrap_or_else(|| pgctl_shared::backup::schedule::SPILO_DEFAULT.to_string());
    let now = Timestamp::now().as_millisecond() as f64 / 1000.0;
    ArchiveOutcome::Observed(judge(&stats, base.as_ref(), &schedule, now))
}

/// The variables the pods get from `pod_environment_configmap` and, over them, the manifest's
/// literal `env` (`pod_environment_secret` is not read: credentials are not needed here).
async fn pod_variables(
    ctx: &Context,
    pg: &Postgresql,
    config: &OperatorConfig,
) -> std::collections::BTreeMap<String, String> {
    let mut vars = std::collections::BTreeMap::new();
    if let Some(reference) = config.pod_environment_configmap.as_deref() {
        let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
        let (namespace, name) = reference.split_once('/').unwrap_or((namespace, reference));
        let api: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
            kube::Api::namespaced(ctx.applier.client().clone(), namespace);
        match api.get_opt(name).await {
            Ok(Some(map)) => vars.extend(map.data.unwrap_or_default()),
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "pod_environment_configmap not read"),
        }
    }
    for var in pg.spec.env.iter().flatten() {
        if let Some(value) = &var.value {
            vars.insert(var.name.clone(), value.clone());
        }
    }
    vars
}

/// The merge patch of one rotation step: only the keys it changes, and the `resourceVersion`
/// the decision was made on, so that a Secret changed in between is not overwritten (the API
/// server answers 409 and the next reconcile decides again). A new password is marked with the
/// time it was written (`rotated_at`), its generation.
fn rotation_patch(update: &SecretUpdate, password: Option<&str>, rotated_at: &str) -> Value {
    let bytes =
        |s: &str| serde_json::to_value(ByteString(s.as_bytes().to_vec())).unwrap_or_default();
    let mut data = serde_json::Map::new();
    match &update.action {
        SecretAction::Keep => {}
        SecretAction::SetNextRotation { next_rotation } => {
            data.insert(NEXT_ROTATION_KEY.into(), bytes(next_rotation));
        }
        SecretAction::Rotate {
            username,
            next_rotation,
        } => {
            data.insert(USERNAME_KEY.into(), bytes(username));
            if let Some(password) = password {
                data.insert(PASSWORD_KEY.into(), bytes(password));
            }
            data.insert(
                NEXT_ROTATION_KEY.into(),
                next_rotation.as_deref().map(bytes).unwrap_or(Value::Null),
            );
        }
    }
    let mut metadata = serde_json::Map::new();
    if let Some(rv) = &update.resource_version {
        metadata.insert("resourceVersion".into(), json!(rv));
    }
    if let SecretAction::Rotate { .. } = &update.action {
        metadata.insert(
            "annotations".into(),
            json!({ PASSWORD_ROTATED_ANNOTATION: rotated_at }),
        );
    }
    json!({"metadata": metadata, "data": data})
}

/// Field manager of the pooler restarts: not the controller's own, whose server-side applies
/// would otherwise take the restart annotation back off the template.
const RESTART_FIELD_MANAGER: &str = "pgctl-controller-restart";

/// Restarts the pods of the cluster's pooler Deployments whose role's password rotated since
/// they started ([`pgctl_shared::pooler::credentials_restart`]), by a merge patch of their
/// template's annotation.
async fn restart_poolers_onto_credentials(
    ctx: &Context,
    pg: &Postgresql,
    config: &OperatorConfig,
    secrets: &[Secret],
) -> Result<(), Error> {
    if pgctl_shared::pooler::wanted(&pg.spec).is_empty() {
        return Ok(());
    }
    let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let user = pgctl_shared::pooler::user(&pg.spec, config);
    let secret_name = config.secret_name(&user, name);
    let Some(secret) = secrets.iter().find(|s| {
        s.metadata.name.as_deref() == Some(&secret_name)
            && s.metadata.namespace.as_deref() == Some(namespace)
    }) else {
        return Ok(());
    };
    let secret_mark = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PASSWORD_ROTATED_ANNOTATION))
        .map(String::as_str);
    let api: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(ctx.applier.client().clone(), namespace);
    let params = PatchParams {
        field_manager: Some(RESTART_FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    let pooler = pgctl_shared::naming::pooler_labels(config, name);
    for deployment in ctx
        .stores
        .deployments
        .of_cluster_labelled(namespace, name, &pooler)
    {
        let pods_mark = deployment
            .spec
            .as_ref()
            .and_then(|s| s.template.metadata.as_ref())
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(pgctl_shared::pooler::CREDENTIALS_ANNOTATION))
            .map(String::as_str);
        let Some(patch) = pgctl_shared::pooler::credentials_restart(pods_mark, secret_mark) else {
            continue;
        };
        let deployment_name = deployment.metadata.name.clone().unwrap_or_default();
        api.patch(&deployment_name, &params, &Patch::Merge(&patch))
            .await
            .map_err(kube_error(
                "restart (rotated password) the pods of",
                format!("Deployment {namespace}/{deployment_name}"),
            ))?;
        ctx.metrics.mutation("patch", "Deployment");
        tracing::info!(deployment = %deployment_name, "pooler restarted onto its rotated password");
    }
    Ok(())
}

/// Writes one rotation step into its Secret (a new password from the CSPRNG for `Rotate`) and
/// returns the Secret as stored.
async fn write_rotation(ctx: &Context, update: &SecretUpdate) -> Result<Secret, Error> {
    let password = match update.action {
        SecretAction::Rotate { .. } => Some(pgctl_shared::password::generate(&mut rand::rng())),
        _ => None,
    };
    let rotated_at = format!("{:.9}", Timestamp::now());
    let patch = rotation_patch(update, password.as_ref().map(|p| p.expose()), &rotated_at);
    let api: Api<Secret> = Api::namespaced(ctx.applier.client().clone(), &update.namespace);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    let written = api
        .patch(&update.secret_name, &params, &Patch::Merge(&patch))
        .await
        .map_err(kube_error(
            "write the password rotation into",
            format!("Secret {}/{}", update.namespace, update.secret_name),
        ))?;
    ctx.metrics.mutation("patch", "Secret");
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(action: SecretAction) -> SecretUpdate {
        SecretUpdate {
            role: "app".into(),
            secret_name: "app.acid-x.credentials.postgresql.acid.zalan.do".into(),
            namespace: "ns".into(),
            resource_version: Some("42".into()),
            action,
        }
    }

    #[test]
    fn rotation_patches_name_only_the_changed_keys_and_the_version() {
        let next = update(SecretAction::SetNextRotation {
            next_rotation: "2025-01-01T00:00:00Z".into(),
        });
        assert_eq!(
            rotation_patch(&next, None, "2025-01-01T00:00:00.5Z"),
            json!({
                "metadata": {"resourceVersion": "42"},
                "data": {"nextRotation": "MjAyNS0wMS0wMVQwMDowMDowMFo="},
            })
        );
        let back = update(SecretAction::Rotate {
            username: "app".into(),
            next_rotation: None,
        });
        assert_eq!(
            rotation_patch(&back, Some("pw"), "2025-01-01T00:00:00.5Z"),
            json!({
                "metadata": {
                    "resourceVersion": "42",
                    "annotations": {"pgctl.zalan.do/password-rotated": "2025-01-01T00:00:00.5Z"},
                },
                "data": {"username": "YXBw", "password": "cHc=", "nextRotation": null},
            })
        );
    }

    #[test]
    fn failure_reasons_are_bounded_labels() {
        let e = SqlError::Tls("x".into());
        assert_eq!(failure_reason(&e), "TlsFailed");
    }
}
