//! The operator configuration values the role planner needs. The controller maps
//! `shared::config::OperatorConfig` onto this, so the planner does not depend on it.

use std::collections::BTreeSet;

use crate::config::OperatorConfig;

/// Configuration of role and database provisioning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSettings {
    /// `super_username`: the superuser Spilo creates; never planned.
    pub super_username: String,
    /// `replication_username`: the replication user Spilo creates; never planned.
    pub replication_username: String,
    /// `protected_role_names`: roles the operator never touches even when the manifest names them.
    pub protected_roles: BTreeSet<String>,
    /// The role that administers prepared owner roles (`admin` in Spilo, as in the reference
    /// operator). Its ADMIN OPTION grants are planned only when the role exists on the server.
    pub admin_role: Option<String>,
    /// `secret_name_template`, with `{username}`, `{cluster}`, `{tprkind}` and `{tprgroup}`.
    pub secret_name_template: String,
    /// `enable_cross_namespace_secret`: `namespace.user` gets its Secret in `namespace`.
    pub enable_cross_namespace_secret: bool,
    /// Password rotation.
    pub rotation: RotationSettings,
    /// `connection_pooler_user`: the pooler's role while the manifest asks for a pooler
    /// ([`crate::pooler::user_of`]).
    pub pooler_user: String,
    /// Infrastructure roles ([`super::infrastructure`]), which the controller reads from their
    /// Secrets; empty where nobody read them (the Secret builder, `pgctl plan`).
    pub infrastructure: super::infrastructure::Loaded,
    /// `additional_owner_roles`: groups every database owner becomes a member of.
    pub additional_owner_roles: Vec<String>,
}

/// `enable_password_rotation`, `password_rotation_interval`, `password_rotation_user_retention`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationSettings {
    pub enabled: bool,
    /// Days between two rotations.
    pub interval_days: u32,
    /// Days a dated rotation user is kept before it is dropped.
    pub retention_days: u32,
}

impl Default for RotationSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            interval_days: 90,
            retention_days: 180,
        }
    }
}

/// The reference operator's default Secret name template.
pub const DEFAULT_SECRET_NAME_TEMPLATE: &str =
    "{username}.{cluster}.credentials.{tprkind}.{tprgroup}";

impl Default for RoleSettings {
    fn default() -> Self {
        Self {
            super_username: "postgres".into(),
            replication_username: "standby".into(),
            protected_roles: ["admin", "cron_admin"]
                .into_iter()
                .map(String::from)
                .collect(),
            admin_role: Some("admin".into()),
            secret_name_template: DEFAULT_SECRET_NAME_TEMPLATE.into(),
            enable_cross_namespace_secret: false,
            rotation: RotationSettings::default(),
            pooler_user: "pooler".into(),
            infrastructure: super::infrastructure::Loaded::default(),
            additional_owner_roles: Vec::new(),
        }
    }
}

impl RoleSettings {
    /// Whether the planner must leave `role` alone (system, protected or built-in role).
    pub fn is_reserved(&self, role: &str) -> bool {
        role == self.super_username
            || role == self.replication_username
            || self.protected_roles.contains(role)
            || role.starts_with("pg_")
    }
}

/// The role-planner settings from the operator configuration.
pub fn role_settings(config: &OperatorConfig) -> RoleSettings {
    RoleSettings {
        super_username: config.super_username.clone(),
        replication_username: config.replication_username.clone(),
        protected_roles: config
            .protected_role_names
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>(),
        secret_name_template: config.secret_name_template.clone(),
        enable_cross_namespace_secret: config.enable_cross_namespace_secret,
        pooler_user: config.connection_pooler_user.clone(),
        additional_owner_roles: config.additional_owner_roles.clone(),
        rotation: RotationSettings {
            enabled: config.enable_password_rotation,
            interval_days: config.password_rotation_interval,
            retention_days: config.password_rotation_user_retention,
        },
        ..RoleSettings::default()
    }
}
