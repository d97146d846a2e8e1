//! Credential Secrets: one per login role, named by `secret_name_template`
//! (`<user>.<cluster>.credentials.postgresql.acid.zalan.do`), type `Opaque`, keys `username` and
//! `password`, with the cluster's labels.
//!
//! Which roles get one is decided by the role planner ([`crate::roles::login_secrets`]): the
//! superuser, the replication user, every user of `spec.users` that can log in (not
//! `NOLOGIN`), and the `<db>_owner_user`, `<db>_reader_user`, `<db>_writer_user` (and
//! `<db>_<schema>_…_user`) roles of prepared databases with `defaultUsers`.
//!
//! Passwords are never built here: the caller generates one with a CSPRNG
//! ([`crate::password::generate`]) only when the Secret does not exist, and passes it to
//! [`credentials`]. Secrets carry an owner reference only when `enable_secrets_deletion` is on
//! (and owner references are), so that turning deletion off keeps the passwords when a cluster
//! is deleted.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;

use crate::config::OperatorConfig;
use crate::crd::Postgresql;
use crate::provision::role_settings;
use crate::roles;

use super::{BuildError, ClusterContext};

/// Key of the user name in a credential Secret.
pub const USERNAME_KEY: &str = "username";
/// Key of the password in a credential Secret.
pub const PASSWORD_KEY: &str = "password";

/// One credential Secret that must exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredSecret {
    /// The role whose credentials it holds (its initial `username`).
    pub username: String,
    /// The Secret's name.
    pub name: String,
    /// The Secret's namespace.
    pub namespace: String,
}

/// Every credential Secret of the cluster: superuser and replication user first, then the
/// other login roles in name order. Error: two roles whose Secret names collide.
pub fn required_secrets(
    pg: &Postgresql,
    config: &OperatorConfig,
) -> Result<Vec<RequiredSecret>, BuildError> {
    let ctx = ClusterContext::new(pg, config)?;
    let secrets = roles::login_secrets(ctx.name(), &pg.spec, &role_settings(config)).map_err(
        |conflicts| {
            let problem = conflicts
                .iter()
                .map(|c| format!("{:?} and {:?} share {:?}", c.first, c.second, c.secret_name))
                .collect::<Vec<_>>()
                .join("; ");
            ctx.invalid(
                "Secrets",
                "spec.users",
                format!("roles would share a credential Secret: {problem}"),
            )
        },
    )?;
    Ok(secrets
        .into_iter()
        .map(|s| RequiredSecret {
            // The Secret name comes from the same template as everywhere else
            // (OperatorConfig::secret_name), so the env of the pods refers to these Secrets.
            name: config.secret_name(&s.role, ctx.name()),
            namespace: s.namespace.unwrap_or_else(|| ctx.namespace().to_string()),
            username: s.role,
        })
        .collect())
}

/// The names of the roles that get a credential Secret, in the order of [`required_secrets`].
/// Roles whose Secret names collide are listed anyway; [`required_secrets`] reports them.
pub fn required_users(pg: &Postgresql, config: &OperatorConfig) -> Vec<String> {
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let settings = role_settings(config);
    match roles::login_secrets(name, &pg.spec, &settings) {
        Ok(secrets) => secrets.into_iter().map(|s| s.role).collect(),
        Err(_) => {
            let layout = roles::layout(name, &pg.spec, &settings);
            let mut users = vec![
                settings.super_username.clone(),
                settings.replication_username.clone(),
            ];
            users.extend(layout.login_roles().map(|(role, _)| role.to_string()));
            users
        }
    }
}

/// The credential Secret of `username` holding `password`.
pub fn credentials(
    pg: &Postgresql,
    config: &OperatorConfig,
    username: &str,
    password: &str,
) -> Result<Secret, BuildError> {
    credentials_for(pg, config, username, username, password)
}

/// The credential Secret of `role` holding `username` and `password`; they differ when the
/// password of `role` was rotated into a new dated user (`<role>YYMMDD`).
pub fn credentials_for(
    pg: &Postgresql,
    config: &OperatorConfig,
    role: &str,
    username: &str,
    password: &str,
) -> Result<Secret, BuildError> {
    let ctx = ClusterContext::new(pg, config)?;
    let mut metadata = ctx.metadata(config.secret_name(role, ctx.name()));
    if !config.enable_secrets_deletion {
        metadata.owner_references = None;
    }
    Ok(Secret {
        metadata,
        type_: Some("Opaque".to_string()),
        data: Some(BTreeMap::from([
            (
                USERNAME_KEY.to_string(),
                ByteString(username.as_bytes().to_vec()),
            ),
            (
                PASSWORD_KEY.to_string(),
                ByteString(password.as_bytes().to_vec()),
            ),
        ])),
        ..Secret::default()
    })
}
