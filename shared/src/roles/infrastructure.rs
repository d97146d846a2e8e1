//! Infrastructure roles: roles defined once in Secrets of the operator's administrator (a
//! monitoring or backup agent's login) and created in every cluster, as the reference operator
//! does (`infrastructure_roles_secrets`, `infrastructure_roles_secret_name`). Pure: the
//! controller reads the Secrets (and the ConfigMap of the same name, when there is one) and
//! hands their data to [`read`].
//!
//! Three layouts, as in the reference:
//! - keys named in the configuration: the role's name under `userkey` (else
//!   `defaultuservalue`), its password under `passwordkey`, a group under `rolekey` (else
//!   `defaultrolevalue`);
//! - the legacy layout of `infrastructure_roles_secret_name`: `user1`, `password1`, `inrole1`,
//!   `user2`, … up to the first missing `userN`;
//! - with either, a ConfigMap of the Secret's name and namespace whose entries are
//!   `role: {inrole: [...], user_flags: [...], db_parameters: {...}}`, the role's password being
//!   the Secret's key named after the role.
//!
//! A role without a name or a password is left out with a problem naming the Secret and the
//! key, never the value.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::skip::{ObjectRef, Skip, SkipReason};
use crate::config::OperatorConfig;
use crate::password::Password;

/// Where infrastructure roles are, and how the Secret lays them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub namespace: String,
    pub name: String,
    pub layout: Layout,
}

/// How a Secret holds its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Keys named by `infrastructure_roles_secrets`: one role.
    Keys {
        user_key: String,
        password_key: String,
        role_key: String,
        default_user: String,
        default_role: String,
    },
    /// `user1`/`password1`/`inrole1`, … (`infrastructure_roles_secret_name`).
    Numbered,
}

/// One infrastructure role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfraRole {
    pub name: String,
    pub password: Password,
    /// Groups the role becomes a member of (granted, never revoked).
    pub member_of: Vec<String>,
    /// `spec.users`-style flags (LOGIN unless NOLOGIN is among them).
    pub flags: Vec<String>,
    /// `db_parameters` of the ConfigMap, which pgctl does not apply (listed as a problem).
    pub parameters: BTreeMap<String, String>,
}

/// The infrastructure roles read from every source, and what could not be used (for the
/// clusters' status messages).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub roles: Vec<InfraRole>,
    pub problems: Vec<Skip>,
}

impl Source {
    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// A problem with this source: `what` is a sentence fragment (never a secret value).
    pub fn problem(&self, what: impl Into<String>) -> Skip {
        Skip {
            object: ObjectRef::InfrastructureSecret(self.id()),
            reason: SkipReason::Other(what.into()),
        }
    }
}

/// The Secrets of infrastructure roles of `config`, in the reference's order (the
/// `infrastructure_roles_secrets` definition, then the legacy Secret, whose roles win a name).
/// `operator_namespace` is where a bare legacy Secret name points.
pub fn sources(config: &OperatorConfig, operator_namespace: &str) -> Vec<Source> {
    let mut out = Vec::new();
    if let Some(def) = &config.infrastructure_roles_secrets {
        let (namespace, name) = def.namespace_and_name();
        out.push(Source {
            namespace: namespace.to_string(),
            name: name.to_string(),
            layout: Layout::Keys {
                user_key: def.user_key.clone(),
                password_key: def.password_key.clone(),
                role_key: def.role_key.clone(),
                default_user: def.default_user.clone(),
                default_role: def.default_role.clone(),
            },
        });
    }
    if let Some(legacy) = &config.infrastructure_roles_secret_name {
        let (namespace, name) = legacy
            .split_once('/')
            .unwrap_or((operator_namespace, legacy.as_str()));
        out.push(Source {
            namespace: namespace.to_string(),
            name: name.to_string(),
            layout: Layout::Numbered,
        });
    }
    out
}

/// One entry of the ConfigMap of the Secret's name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    inrole: Vec<String>,
    #[serde(default)]
    user_flags: Vec<String>,
    #[serde(default)]
    db_parameters: BTreeMap<String, String>,
}

/// The roles of one source: `secret` is the Secret's data (decoded), `config_map` the data of
/// the ConfigMap of the same name if there is one. Problems name the source and the key.
pub fn read(
    source: &Source,
    secret: &BTreeMap<String, String>,
    config_map: Option<&BTreeMap<String, String>>,
) -> (Vec<InfraRole>, Vec<Skip>) {
    let mut roles = Vec::new();
    let mut problems = Vec::new();
    let value = |key: &str| secret.get(key).filter(|v| !v.is_empty()).cloned();
    let mut consumed: Vec<String> = Vec::new();
    match &source.layout {
        Layout::Keys {
            user_key,
            password_key,
            role_key,
            default_user,
            default_role,
        } => {
            let name = (!user_key.is_empty())
                .then(|| value(user_key))
                .flatten()
                .or_else(|| (!default_user.is_empty()).then(|| default_user.clone()));
            let password = value(password_key);
            let group = (!role_key.is_empty())
                .then(|| value(role_key))
                .flatten()
                .or_else(|| (!default_role.is_empty()).then(|| default_role.clone()));
            consumed.extend([user_key.clone(), password_key.clone(), role_key.clone()]);
            match (name, password) {
                (Some(name), Some(password)) => roles.push(InfraRole {
                    name,
                    password: Password::new(password),
                    member_of: group.into_iter().collect(),
                    flags: Vec::new(),
                    parameters: BTreeMap::new(),
                }),
                (None, _) => problems.push(source.problem(format!(
                    "has no role name under key {user_key:?} and no defaultuservalue"
                ))),
                (Some(name), None) => problems.push(source.problem(format!(
                    "has no password for role {name:?} under key {password_key:?}"
                ))),
            }
        }
        Layout::Numbered => {
            for i in 1.. {
                let user_key = format!("user{i}");
                let Some(name) = value(&user_key) else {
                    break;
                };
                let password_key = format!("password{i}");
                let role_key = format!("inrole{i}");
                let password = value(&password_key);
                let group = value(&role_key);
                consumed.extend([user_key, password_key.clone(), role_key]);
                match password {
                    Some(password) => roles.push(InfraRole {
                        name,
                        password: Password::new(password),
                        member_of: group.into_iter().collect(),
                        flags: Vec::new(),
                        parameters: BTreeMap::new(),
                    }),
                    None => problems.push(source.problem(format!(
                        "has no password for role {name:?} under key {password_key:?}"
                    ))),
                }
            }
        }
    }
    for (name, text) in config_map.into_iter().flatten() {
        let entry: Entry = match serde_yaml::from_str::<Option<Entry>>(text) {
            Ok(entry) => entry.unwrap_or_default(),
            Err(e) => {
                problems.push(source.problem(format!(
                    "has a ConfigMap whose entry {name:?} is not {{inrole, user_flags, db_parameters}}: {e}"
                )));
                continue;
            }
        };
        // The role of a numbered or keyed entry gets the options; another one takes its
        // password from the Secret's key of its name.
        if let Some(role) = roles.iter_mut().find(|r| &r.name == name) {
            role.member_of.extend(entry.inrole);
            role.flags = entry.user_flags;
            role.parameters = entry.db_parameters;
            continue;
        }
        if consumed.contains(name) {
            continue;
        }
        match value(name) {
            Some(password) => roles.push(InfraRole {
                name: name.clone(),
                password: Password::new(password),
                member_of: entry.inrole,
                flags: entry.user_flags,
                parameters: entry.db_parameters,
            }),
            None => problems.push(source.problem(format!(
                "has no password for role {name:?} (of its ConfigMap) under key {name:?}"
            ))),
        }
    }
    for role in &mut roles {
        role.member_of.retain(|g| !g.is_empty());
    }
    (roles, problems)
}

/// The roles of every source, later sources winning a name (as in the reference).
pub fn merge(per_source: Vec<Vec<InfraRole>>) -> Vec<InfraRole> {
    let mut by_name: BTreeMap<String, InfraRole> = BTreeMap::new();
    for roles in per_source {
        for role in roles {
            by_name.insert(role.name.clone(), role);
        }
    }
    by_name.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn keys() -> Source {
        Source {
            namespace: "default".into(),
            name: "monitoring-roles".into(),
            layout: Layout::Keys {
                user_key: "user".into(),
                password_key: "password".into(),
                role_key: "inrole".into(),
                default_user: String::new(),
                default_role: String::new(),
            },
        }
    }

    #[test]
    fn a_keyed_secret_holds_one_role() {
        let (roles, problems) = read(
            &keys(),
            &data(&[
                ("user", "monitor"),
                ("password", "s3cret"),
                ("inrole", "pg_monitor"),
            ]),
            None,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].name, "monitor");
        assert_eq!(roles[0].password.expose(), "s3cret");
        assert_eq!(roles[0].member_of, vec!["pg_monitor".to_string()]);

        // Defaults stand in for missing keys.
        let mut source = keys();
        source.layout = Layout::Keys {
            user_key: "user".into(),
            password_key: "password".into(),
            role_key: "inrole".into(),
            default_user: "robot".into(),
            default_role: "robots".into(),
        };
        let (roles, _) = read(&source, &data(&[("password", "pw")]), None);
        assert_eq!(roles[0].name, "robot");
        assert_eq!(roles[0].member_of, vec!["robots".to_string()]);

        // No password: left out, and the problem names the key, not a value.
        let (roles, problems) = read(&keys(), &data(&[("user", "monitor")]), None);
        assert!(roles.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().contains("\"password\""),
            "{problems:?}"
        );
    }

    #[test]
    fn the_legacy_layout_counts_up_to_the_first_gap() {
        let source = Source {
            namespace: "ops".into(),
            name: "postgresql-infrastructure-roles".into(),
            layout: Layout::Numbered,
        };
        let (roles, problems) = read(
            &source,
            &data(&[
                ("user1", "backup"),
                ("password1", "one"),
                ("inrole1", "admin"),
                ("user2", "audit"),
                ("user4", "ignored"),
                ("password4", "four"),
            ]),
            None,
        );
        let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["backup"]);
        assert_eq!(problems.len(), 1, "audit has no password: {problems:?}");
        let text = problems[0].to_string();
        assert!(
            text.contains("ops/postgresql-infrastructure-roles"),
            "{text}"
        );
        assert!(!text.contains("one"), "{text}");
    }

    #[test]
    fn the_config_map_adds_roles_and_options() {
        let source = Source {
            namespace: "ops".into(),
            name: "roles".into(),
            layout: Layout::Numbered,
        };
        let secret = data(&[
            ("user1", "backup"),
            ("password1", "one"),
            ("reporter", "two"),
        ]);
        let config_map = data(&[
            ("backup", "user_flags: [createdb]\ninrole: [reporting]"),
            (
                "reporter",
                "inrole: [pg_read_all_data]\ndb_parameters: {statement_timeout: 5s}",
            ),
            ("nopassword", "inrole: [x]"),
            ("broken", "{inrole: 3"),
        ]);
        let (roles, problems) = read(&source, &secret, Some(&config_map));
        let backup = roles.iter().find(|r| r.name == "backup").expect("backup");
        assert_eq!(backup.flags, vec!["createdb".to_string()]);
        assert_eq!(backup.member_of, vec!["reporting".to_string()]);
        let reporter = roles
            .iter()
            .find(|r| r.name == "reporter")
            .expect("reporter");
        assert_eq!(reporter.password.expose(), "two");
        assert_eq!(
            reporter
                .parameters
                .get("statement_timeout")
                .map(String::as_str),
            Some("5s")
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn sources_follow_the_configuration() {
        let mut config = OperatorConfig::default();
        assert!(sources(&config, "pgctl-system").is_empty());
        config.infrastructure_roles_secret_name = Some("legacy-roles".into());
        config.infrastructure_roles_secrets = Some(crate::config::InfrastructureRolesSecret {
            secret: "default/monitoring-roles".into(),
            user_key: "user".into(),
            password_key: "password".into(),
            ..Default::default()
        });
        let found = sources(&config, "pgctl-system");
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].namespace.as_str(), found[0].name.as_str()),
            ("default", "monitoring-roles")
        );
        assert_eq!(
            (found[1].namespace.as_str(), found[1].name.as_str()),
            ("pgctl-system", "legacy-roles")
        );
        assert_eq!(found[1].layout, Layout::Numbered);
    }

    #[test]
    fn a_later_source_wins_a_name() {
        let role = |password: &str| InfraRole {
            name: "monitor".into(),
            password: Password::new(password),
            member_of: Vec::new(),
            flags: Vec::new(),
            parameters: BTreeMap::new(),
        };
        let merged = merge(vec![vec![role("first")], vec![role("second")]]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].password.expose(), "second");
    }
}
