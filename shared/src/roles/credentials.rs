//! Which login roles get a credential Secret, and the Secret's name.
//!
//! The Secret (keys `username` and `password`, plus `nextRotation` with rotation) is the source
//! of truth for the role's password. Its name comes from `secret_name_template`; the user name
//! in it is lower-cased and every character a Kubernetes name does not allow becomes `-`
//! (`foo_user` → `foo-user.<cluster>.credentials.postgresql.acid.zalan.do`). Two roles that
//! would share a Secret are an error naming both.

use std::collections::BTreeMap;
use std::fmt;

use super::desired::{self, RoleOrigin};
use super::settings::RoleSettings;
use crate::crd::PostgresSpec;

/// `{tprkind}` of the template.
pub const TPR_KIND: &str = "postgresql";
/// `{tprgroup}` of the template.
pub const TPR_GROUP: &str = "acid.zalan.do";

/// Kind of role a Secret belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecretOrigin {
    /// `super_username` or `replication_username`.
    System,
    /// `spec.users`.
    Manifest,
    /// A `_user` role of `spec.preparedDatabases`.
    Prepared,
}

/// One credential Secret to maintain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSecret {
    /// The role (the Secret's initial `username`).
    pub role: String,
    /// The Secret's name.
    pub secret_name: String,
    /// The Secret's namespace when it is not the cluster's (cross-namespace Secrets).
    pub namespace: Option<String>,
    pub origin: SecretOrigin,
}

/// Two roles that would share one Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretNameConflict {
    pub first: String,
    pub second: String,
    pub secret_name: String,
    pub namespace: Option<String>,
}

impl fmt::Display for SecretNameConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "spec.users: users {:?} and {:?} would share the Secret {:?}",
            self.first, self.second, self.secret_name
        )?;
        if let Some(ns) = &self.namespace {
            write!(f, " in namespace {ns:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SecretNameConflict {}

/// The user name as it appears in a Secret name: lower-cased, and every character other than
/// `a-z`, `0-9`, `-` and `.` replaced by `-`.
pub fn secret_username(role: &str) -> String {
    role.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The Secret name of `role` in cluster `cluster` from `template`.
pub fn secret_name(template: &str, role: &str, cluster: &str) -> String {
    template
        .replace("{username}", &secret_username(role))
        .replace("{cluster}", cluster)
        .replace("{tprkind}", TPR_KIND)
        .replace("{tprgroup}", TPR_GROUP)
}

/// Every credential Secret of cluster `cluster_name`: the system users, the login users of
/// `spec.users` and the `_user` roles of prepared databases. Error: every pair of roles that
/// would share a Secret.
pub fn login_secrets(
    cluster_name: &str,
    spec: &PostgresSpec,
    settings: &RoleSettings,
) -> Result<Vec<LoginSecret>, Vec<SecretNameConflict>> {
    let layout = desired::layout(cluster_name, spec, settings);
    let mut out = Vec::new();
    for system in [&settings.super_username, &settings.replication_username] {
        out.push(LoginSecret {
            role: system.clone(),
            secret_name: secret_name(&settings.secret_name_template, system, cluster_name),
            namespace: None,
            origin: SecretOrigin::System,
        });
    }
    for (role, r) in layout.login_roles() {
        // Their password lives in their own Secret, which is not copied (docs/roles.md).
        if r.origin == RoleOrigin::Infrastructure {
            continue;
        }
        out.push(LoginSecret {
            role: role.to_string(),
            secret_name: secret_name(&settings.secret_name_template, role, cluster_name),
            namespace: r.secret_namespace.clone(),
            origin: match r.origin {
                RoleOrigin::Manifest => SecretOrigin::Manifest,
                // Not rotated, as the system users' (the pooler would lose its login).
                RoleOrigin::Pooler => SecretOrigin::System,
                _ => SecretOrigin::Prepared,
            },
        });
    }
    let mut seen: BTreeMap<(Option<String>, String), String> = BTreeMap::new();
    let mut conflicts = Vec::new();
    for s in &out {
        let key = (s.namespace.clone(), s.secret_name.clone());
        if let Some(first) = seen.get(&key) {
            conflicts.push(SecretNameConflict {
                first: first.clone(),
                second: s.role.clone(),
                secret_name: s.secret_name.clone(),
                namespace: s.namespace.clone(),
            });
        } else {
            seen.insert(key, s.role.clone());
        }
    }
    if conflicts.is_empty() {
        Ok(out)
    } else {
        Err(conflicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::settings::DEFAULT_SECRET_NAME_TEMPLATE;

    #[test]
    fn names_follow_the_reference() {
        assert_eq!(secret_username("Foo_User"), "foo-user");
        assert_eq!(secret_username("ns.app_user"), "ns.app-user");
        assert_eq!(
            secret_name(DEFAULT_SECRET_NAME_TEMPLATE, "foo_user", "acid-test"),
            "foo-user.acid-test.credentials.postgresql.acid.zalan.do"
        );
    }
}
