//! The connection pooler (PgBouncer) of a cluster, as the reference operator runs it: which
//! poolers a manifest asks for ([`wanted`]), their settings ([`Settings`]), and their objects
//! ([`crate::build::pooler`]: Deployment and Service `NAME-pooler`, `NAME-pooler-repl`). The pooler role and
//! its Secret `pooler.NAME…` exist while any pooler does; the `user_lookup` function that
//! PgBouncer's `auth_query` calls is installed in every database ([`LOOKUP_FUNCTION`]).
//!
//! - The master pooler runs when `enableConnectionPooler` is true, or when the manifest has a
//!   `connectionPooler` section and no `enableConnectionPooler` (an explicit `false` wins).
//! - The replica pooler runs when `enableReplicaConnectionPooler` is true.
//! - Both share `connectionPooler`'s settings, and connect to the cluster's Services: the
//!   master pooler to `NAME`, the replica pooler to `NAME-repl`. A switchover moves the Service,
//!   not the pooler.

#[cfg(test)]
mod tests;

pub mod pools;

use crate::config::{OperatorConfig, PoolerMode};
use crate::crd::PostgresSpec;
use crate::naming;

/// PgBouncer's port in the pods and of the Services.
pub const PORT: i32 = 5432;
/// `max_client_conn` of every pooler (the reference's constant).
pub const MAX_CLIENT_CONNECTIONS: i32 = 10_000;
/// The pooler container's name.
pub const CONTAINER_NAME: &str = "connection-pooler";
/// `application` label value of pooler objects (so the database's selectors skip them).
pub const APPLICATION: &str = naming::POOLER_APPLICATION;
/// Label naming the pooler Deployment a pod belongs to.
pub const POOLER_LABEL: &str = "connection-pooler";

/// Which pooler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Master,
    Replica,
}

impl Role {
    /// The Deployment's and the Service's name.
    pub fn name(self, cluster: &str) -> String {
        match self {
            Role::Master => naming::master_pooler(cluster),
            Role::Replica => naming::replica_pooler(cluster),
        }
    }

    /// The cluster Service the pooler connects to.
    pub fn target_service(self, cluster: &str) -> String {
        match self {
            Role::Master => naming::master_service(cluster),
            Role::Replica => naming::replica_service(cluster),
        }
    }
}

/// The poolers the manifest asks for.
pub fn wanted(spec: &PostgresSpec) -> Vec<Role> {
    let mut roles = Vec::new();
    let master = match spec.enable_connection_pooler {
        Some(enabled) => enabled,
        None => spec.connection_pooler.is_some(),
    };
    if master {
        roles.push(Role::Master);
    }
    if spec.enable_replica_connection_pooler == Some(true) {
        roles.push(Role::Replica);
    }
    roles
}

/// The role PgBouncer logs in as: `spec.connectionPooler.user`, unless that is the superuser
/// or the replication user (then `connection_pooler_user`, as the reference).
pub fn user(spec: &PostgresSpec, config: &OperatorConfig) -> String {
    user_of(
        spec,
        &config.super_username,
        &config.replication_username,
        &config.connection_pooler_user,
    )
}

/// [`user`] from the names it depends on.
pub fn user_of(
    spec: &PostgresSpec,
    super_username: &str,
    replication_username: &str,
    default: &str,
) -> String {
    spec.connection_pooler
        .as_ref()
        .and_then(|p| p.user.clone())
        .filter(|u| !u.is_empty())
        .filter(|u| u != super_username && u != replication_username)
        .unwrap_or_else(|| default.to_string())
}

/// The schema of the lookup function.
pub fn schema(spec: &PostgresSpec, config: &OperatorConfig) -> String {
    spec.connection_pooler
        .as_ref()
        .and_then(|p| p.schema.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| config.connection_pooler_schema.clone())
}

/// The settings both poolers of a cluster run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub user: String,
    pub schema: String,
    pub mode: String,
    pub image: String,
    /// Pods of each Deployment (at least 1).
    pub instances: i32,
    /// `max_db_connections` of each pod: the cluster's total divided by the pods.
    pub max_db_connections: i32,
    /// `default_pool_size`: half of `max_db_connections`.
    pub default_pool_size: i32,
    /// `min_pool_size` and `reserve_pool_size`: half of the default pool.
    pub min_pool_size: i32,
}

impl Settings {
    pub fn of(spec: &PostgresSpec, config: &OperatorConfig) -> Self {
        let pooler = spec.connection_pooler.clone().unwrap_or_default();
        let configured = pooler
            .number_of_instances
            .unwrap_or(config.connection_pooler_number_of_instances);
        let instances = configured.max(1);
        let total = pooler
            .max_db_connections
            .filter(|n| *n > 0)
            .unwrap_or(config.connection_pooler_max_db_connections);
        let max_db_connections = (total / instances).max(1);
        let default_pool_size = (max_db_connections / 2).max(1);
        Settings {
            user: user(spec, config),
            schema: schema(spec, config),
            mode: pooler
                .mode
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| config.connection_pooler_mode.as_str().to_string()),
            image: pooler
                .docker_image
                .filter(|i| !i.is_empty())
                .unwrap_or_else(|| config.connection_pooler_image.clone()),
            instances,
            max_db_connections,
            default_pool_size,
            min_pool_size: default_pool_size / 2,
        }
    }
}

/// Whether `mode` is a pool mode the pooler knows.
pub fn valid_mode(mode: &str) -> bool {
    [PoolerMode::Transaction, PoolerMode::Session]
        .iter()
        .any(|m| m.as_str() == mode)
}

/// The SQL that installs the lookup function PgBouncer's `auth_query` calls
/// (`SELECT * FROM SCHEMA.user_lookup($1)`) in one database, for `user`: a `SECURITY DEFINER`
/// function of the superuser that reads `pg_shadow`, executable by the pooler role only.
/// Identifiers are quoted here (the reference substitutes them as written).
pub fn lookup_function_sql(schema: &str, user: &str) -> String {
    let schema = quote_ident(schema);
    let user = quote_ident(user);
    format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};\n\
         CREATE OR REPLACE FUNCTION {schema}.user_lookup(in i_username text, out uname text, out phash text)\n\
         RETURNS record AS $$\n\
         BEGIN\n\
             SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = i_username INTO uname, phash;\n\
             RETURN;\n\
         END;\n\
         $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog;\n\
         REVOKE ALL ON FUNCTION {schema}.user_lookup(text) FROM public, {user};\n\
         GRANT EXECUTE ON FUNCTION {schema}.user_lookup(text) TO {user};\n\
         GRANT USAGE ON SCHEMA {schema} TO {user};"
    )
}

/// Pod-template annotation of a pooler Deployment: the generation of the pooler role's
/// password (the Secret's [`PASSWORD_ROTATED_ANNOTATION`]) its pods were last restarted onto.
/// Not a credential: a time.
///
/// [`PASSWORD_ROTATED_ANNOTATION`]: crate::roles::rotation::PASSWORD_ROTATED_ANNOTATION
pub const CREDENTIALS_ANNOTATION: &str = "pgctl.zalan.do/pooler-credentials";

/// The merge patch that restarts a pooler Deployment's pods onto its role's rotated password,
/// when the password's generation (the Secret's `pgctl.zalan.do/password-rotated`, written with
/// each new password) differs from the one the pods started with; `None` when they agree.
/// PgBouncer reads `PGPASSWORD` once, at start. A Secret whose password never rotated and pods
/// never restarted agree (no mark on either side).
pub fn credentials_restart(
    pods_mark: Option<&str>,
    secret_mark: Option<&str>,
) -> Option<serde_json::Value> {
    let secret_mark = secret_mark.unwrap_or_default();
    if pods_mark.unwrap_or_default() == secret_mark {
        return None;
    }
    Some(
        serde_json::json!({"spec": {"template": {"metadata": {"annotations": {
            CREDENTIALS_ANNOTATION: secret_mark,
        }}}}}),
    )
}

/// Name of the lookup function, for checks (`to_regprocedure`).
pub const LOOKUP_FUNCTION: &str = "user_lookup(text)";

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
