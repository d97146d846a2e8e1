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
//!
//! **Cross-namespace Secrets** (`enable_cross_namespace_secret`): a user named `namespace.user`
//! (or a `_user` role of a prepared database with `secretNamespace`) gets its Secret in that
//! namespace, named from the full role name (`appspace.app_user` →
//! `appspace.app-user.<cluster>.credentials.postgresql.acid.zalan.do`), as the reference operator
//! does. Owner references cannot cross namespaces, so such a Secret has none; instead it carries
//! [`naming::CLUSTER_NAMESPACE_LABEL`] with the cluster's namespace, and the controller keeps
//! [`naming::SECRETS_FINALIZER`] on the `postgresql` to delete it with the cluster
//! ([`needs_finalizer`], [`deletable_secrets`], [`super::finalizers`]).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;

use crate::config::OperatorConfig;
use crate::crd::{GROUP, KIND, Postgresql};
use crate::naming;
use crate::roles;
use crate::roles::settings::role_settings;

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
    /// Whether that is not the cluster's namespace (`enable_cross_namespace_secret`): the
    /// Secret then has no owner reference and carries [`naming::CLUSTER_NAMESPACE_LABEL`].
    pub cross_namespace: bool,
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
        .map(|s| {
            // A `namespace.user` in the cluster's own namespace is an ordinary Secret.
            let other = s.namespace.filter(|ns| ns != ctx.namespace());
            RequiredSecret {
                // The Secret name comes from the same template as everywhere else
                // (OperatorConfig::secret_name), so the env of the pods refers to these Secrets.
                name: config.secret_name(&s.role, ctx.name()),
                cross_namespace: other.is_some(),
                namespace: other.unwrap_or_else(|| ctx.namespace().to_string()),
                username: s.role,
            }
        })
        .collect())
}

/// Where the Secret of `role` lives: its entry of [`required_secrets`], or, for a role without
/// one (or a manifest whose Secrets collide), the cluster's namespace.
pub fn locate(
    pg: &Postgresql,
    config: &OperatorConfig,
    role: &str,
) -> Result<RequiredSecret, BuildError> {
    let ctx = ClusterContext::new(pg, config)?;
    let found = required_secrets(pg, config)
        .ok()
        .and_then(|all| all.into_iter().find(|s| s.username == role));
    Ok(found.unwrap_or_else(|| RequiredSecret {
        username: role.to_string(),
        name: config.secret_name(role, ctx.name()),
        namespace: ctx.namespace().to_string(),
        cross_namespace: false,
    }))
}

/// Whether the controller must keep [`naming::SECRETS_FINALIZER`] on the cluster: some of its
/// Secrets live in other namespaces, where the garbage collector cannot follow an owner
/// reference, and `enable_secrets_deletion` asks for them to go with the cluster.
pub fn needs_finalizer(required: &[RequiredSecret], config: &OperatorConfig) -> bool {
    config.enable_secrets_deletion && required.iter().any(|s| s.cross_namespace)
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

/// The credential Secret of `username` holding `password`, in the namespace
/// [`locate`] gives.
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
    let required = locate(pg, config, role)?;
    secret(pg, config, &required, username, password)
}

/// The Secret `required` (one of [`required_secrets`]) holding `username` and `password`.
///
/// - In the cluster's namespace: the cluster's labels and an owner reference (unless
///   `enable_secrets_deletion` or `enable_owner_references` is off).
/// - In another namespace: no owner reference (it cannot cross namespaces), and the label
///   [`naming::CLUSTER_NAMESPACE_LABEL`] with the cluster's namespace besides the cluster's
///   labels, so that the Secret names its cluster.
pub fn secret(
    pg: &Postgresql,
    config: &OperatorConfig,
    required: &RequiredSecret,
    username: &str,
    password: &str,
) -> Result<Secret, BuildError> {
    let ctx = ClusterContext::new(pg, config)?;
    let mut metadata = ctx.metadata(required.name.clone());
    if !config.enable_secrets_deletion || required.cross_namespace {
        metadata.owner_references = None;
    }
    if required.cross_namespace {
        metadata.namespace = Some(required.namespace.clone());
        metadata.labels.get_or_insert_with(BTreeMap::new).insert(
            naming::CLUSTER_NAMESPACE_LABEL.to_string(),
            ctx.namespace().to_string(),
        );
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

/// The cluster a Secret is checked against: `namespace/name` and, when known, its `uid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterRef<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub uid: Option<&'a str>,
}

impl<'a> ClusterRef<'a> {
    /// The cluster of a `postgresql` resource.
    pub fn of(pg: &'a Postgresql) -> Self {
        ClusterRef {
            namespace: pg.metadata.namespace.as_deref().unwrap_or_default(),
            name: pg.metadata.name.as_deref().unwrap_or_default(),
            uid: pg.metadata.uid.as_deref().filter(|u| !u.is_empty()),
        }
    }
}

/// Whether the operator made `secret` for `cluster`, so that it may rewrite it (password
/// rotation) or delete it (cross-namespace Secrets, with the cluster):
///
/// - it carries the cluster's labels (`cluster_labels` and `cluster_name_label`);
/// - if it has a controller owner reference, that is this `postgresql`;
/// - if it lives outside the cluster's namespace, [`naming::CLUSTER_NAMESPACE_LABEL`] names the
///   cluster's namespace (a cluster of the same name in another namespace has its own).
///
/// Secrets made by someone else are only ever read.
pub fn is_managed(secret: &Secret, cluster: ClusterRef<'_>, config: &OperatorConfig) -> bool {
    let labels = secret.metadata.labels.as_ref();
    let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
    let labelled = naming::cluster_labels(config, cluster.name)
        .iter()
        .all(|(k, v)| label(k) == Some(v.as_str()));
    let controller = secret
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    let owned = controller.is_none_or(|o| {
        o.kind == KIND
            && o.api_version.starts_with(&format!("{GROUP}/"))
            && o.name == cluster.name
            && cluster.uid.is_none_or(|uid| o.uid == uid)
    });
    let elsewhere = secret.metadata.namespace.as_deref() != Some(cluster.namespace);
    let placed = !elsewhere || label(naming::CLUSTER_NAMESPACE_LABEL) == Some(cluster.namespace);
    labelled && owned && placed
}

/// One Secret to delete: where it is, and its `uid` as the deletion's precondition (a Secret
/// re-created in between under the same name is left alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretToDelete {
    pub namespace: String,
    pub name: String,
    pub uid: Option<String>,
}

/// The Secrets to delete when `cluster` is deleted, from `candidates` (the Secrets listed with
/// [`naming::cross_namespace_secret_labels`]): those outside the cluster's namespace that the
/// operator made for it ([`is_managed`]), and none when `enable_secrets_deletion` is off. The
/// Secrets in the cluster's own namespace follow their owner reference instead.
pub fn deletable_secrets(
    cluster: ClusterRef<'_>,
    config: &OperatorConfig,
    candidates: &[Secret],
) -> Vec<SecretToDelete> {
    if !config.enable_secrets_deletion {
        return Vec::new();
    }
    candidates
        .iter()
        .filter(|s| s.metadata.deletion_timestamp.is_none())
        .filter(|s| s.metadata.namespace.as_deref() != Some(cluster.namespace))
        .filter(|s| is_managed(s, cluster, config))
        .filter_map(|s| {
            Some(SecretToDelete {
                namespace: s.metadata.namespace.clone()?,
                name: s.metadata.name.clone()?,
                uid: s.metadata.uid.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::PostgresSpec;

    fn cluster(users: &[&str]) -> Postgresql {
        let spec = PostgresSpec {
            team_id: "acid".into(),
            users: Some(users.iter().map(|u| (u.to_string(), Vec::new())).collect()),
            ..Default::default()
        };
        let mut pg = Postgresql::new("acid-x", spec);
        pg.metadata.namespace = Some("dbs".into());
        pg.metadata.uid = Some("uid-1".into());
        pg
    }

    fn cross() -> OperatorConfig {
        OperatorConfig {
            enable_cross_namespace_secret: true,
            ..OperatorConfig::default()
        }
    }

    fn find<'a>(all: &'a [RequiredSecret], user: &str) -> &'a RequiredSecret {
        all.iter()
            .find(|s| s.username == user)
            .unwrap_or_else(|| panic!("no Secret for {user}: {all:?}"))
    }

    fn label<'a>(secret: &'a Secret, key: &str) -> Option<&'a str> {
        secret
            .metadata
            .labels
            .as_ref()?
            .get(key)
            .map(String::as_str)
    }

    #[test]
    fn a_dotted_user_gets_its_secret_in_that_namespace_named_as_the_reference_does() {
        let pg = cluster(&["appspace.app_user", "plain"]);
        let all = required_secrets(&pg, &cross()).expect("secrets");
        assert_eq!(
            find(&all, "appspace.app_user"),
            &RequiredSecret {
                username: "appspace.app_user".into(),
                name: "appspace.app-user.acid-x.credentials.postgresql.acid.zalan.do".into(),
                namespace: "appspace".into(),
                cross_namespace: true,
            }
        );
        assert!(!find(&all, "plain").cross_namespace);
        assert_eq!(find(&all, "postgres").namespace, "dbs");
        assert!(needs_finalizer(&all, &cross()));
    }

    #[test]
    fn without_the_option_a_dotted_user_is_an_ordinary_role_of_the_cluster_namespace() {
        let pg = cluster(&["appspace.app_user"]);
        let config = OperatorConfig::default();
        let all = required_secrets(&pg, &config).expect("secrets");
        let s = find(&all, "appspace.app_user");
        assert_eq!(
            (s.namespace.as_str(), s.cross_namespace, s.name.as_str()),
            (
                "dbs",
                false,
                "appspace.app-user.acid-x.credentials.postgresql.acid.zalan.do"
            )
        );
        assert!(!needs_finalizer(&all, &config));
        let built = credentials(&pg, &config, "appspace.app_user", "pw").expect("secret");
        assert_eq!(built.metadata.namespace.as_deref(), Some("dbs"));
        assert!(built.metadata.owner_references.is_some());
    }

    #[test]
    fn a_user_named_after_the_cluster_namespace_stays_an_ordinary_secret() {
        let pg = cluster(&["dbs.app"]);
        let all = required_secrets(&pg, &cross()).expect("secrets");
        let s = find(&all, "dbs.app");
        assert_eq!((s.namespace.as_str(), s.cross_namespace), ("dbs", false));
        assert!(!needs_finalizer(&all, &cross()));
    }

    #[test]
    fn a_cross_namespace_secret_names_its_cluster_by_labels_and_has_no_owner_reference() {
        let pg = cluster(&["appspace.app_user"]);
        let s = credentials(&pg, &cross(), "appspace.app_user", "pw").expect("secret");
        assert_eq!(s.metadata.namespace.as_deref(), Some("appspace"));
        assert_eq!(
            s.metadata.name.as_deref(),
            Some("appspace.app-user.acid-x.credentials.postgresql.acid.zalan.do")
        );
        assert_eq!(s.metadata.owner_references, None);
        assert_eq!(label(&s, naming::CLUSTER_NAMESPACE_LABEL), Some("dbs"));
        assert_eq!(label(&s, "cluster-name"), Some("acid-x"));
        assert_eq!(label(&s, "application"), Some("spilo"));
        let data = s.data.as_ref().expect("data");
        assert_eq!(
            data.get(USERNAME_KEY).map(|b| b.0.as_slice()),
            Some(&b"appspace.app_user"[..])
        );
        // The cluster's own Secrets are unchanged: owner reference, no namespace label.
        let own = credentials(&pg, &cross(), "postgres", "pw").expect("secret");
        assert_eq!(own.metadata.namespace.as_deref(), Some("dbs"));
        assert!(own.metadata.owner_references.is_some());
        assert_eq!(label(&own, naming::CLUSTER_NAMESPACE_LABEL), None);
    }

    #[test]
    fn only_the_clusters_own_cross_namespace_secrets_are_managed_and_deleted() {
        let pg = cluster(&["appspace.app_user"]);
        let config = cross();
        let mut ours = credentials(&pg, &config, "appspace.app_user", "pw").expect("secret");
        ours.metadata.uid = Some("s-1".into());
        let cluster_ref = ClusterRef::of(&pg);
        assert!(is_managed(&ours, cluster_ref, &config));

        // A cluster of the same name in another namespace made this one.
        let mut theirs = ours.clone();
        theirs
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(naming::CLUSTER_NAMESPACE_LABEL.into(), "elsewhere".into());
        assert!(!is_managed(&theirs, cluster_ref, &config));
        // Someone else's Secret of that name (no cluster labels).
        let mut foreign = ours.clone();
        foreign.metadata.labels = None;
        assert!(!is_managed(&foreign, cluster_ref, &config));
        // A Secret in the cluster's namespace follows its owner reference instead.
        let own = credentials(&pg, &config, "postgres", "pw").expect("secret");
        assert!(is_managed(&own, cluster_ref, &config));

        let all = [ours.clone(), theirs, foreign, own];
        assert_eq!(
            deletable_secrets(cluster_ref, &config, &all),
            vec![SecretToDelete {
                namespace: "appspace".into(),
                name: "appspace.app-user.acid-x.credentials.postgresql.acid.zalan.do".into(),
                uid: Some("s-1".into()),
            }]
        );
        let keep = OperatorConfig {
            enable_secrets_deletion: false,
            ..config
        };
        assert_eq!(deletable_secrets(cluster_ref, &keep, &all), vec![]);
        let required = required_secrets(&pg, &keep).expect("secrets");
        assert!(!needs_finalizer(&required, &keep));
    }

    #[test]
    fn selectors_name_the_cluster_namespace() {
        let config = OperatorConfig::default();
        assert_eq!(
            naming::cross_namespace_secret_selector(&config, Some("dbs")),
            "application=spilo,pgctl.acid.zalan.do/cluster-namespace=dbs"
        );
        assert_eq!(
            naming::cross_namespace_secret_selector(&config, None),
            "application=spilo,pgctl.acid.zalan.do/cluster-namespace"
        );
        assert_eq!(
            naming::selector(&naming::cross_namespace_secret_labels(
                &config, "dbs", "acid-x"
            )),
            "application=spilo,cluster-name=acid-x,pgctl.acid.zalan.do/cluster-namespace=dbs"
        );
    }
}
