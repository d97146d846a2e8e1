//! Errors of a reconcile, each with a static label for metrics and Event reasons.

use std::time::Duration;

use crate::patroni::PatroniError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{action} {object}: {source}")]
    Kube {
        action: &'static str,
        object: String,
        #[source]
        source: kube::Error,
    },
    #[error("cannot build the desired objects: {0}")]
    Build(#[from] pgctl_shared::build::BuildError),
    #[error("the resource has no {0}")]
    Incomplete(&'static str),
    #[error("provisioning roles and databases: {0}")]
    Sql(String),
    #[error("rolling update: {0}")]
    Rollout(#[from] RolloutError),
    /// A credential Secret belongs in a namespace that does not exist
    /// (`enable_cross_namespace_secret`).
    #[error(
        "cannot create Secret {secret} of role {role:?}: namespace {namespace:?} does not exist \
         (with enable_cross_namespace_secret the Secret of a user named {namespace}.<user> goes \
         there); create the namespace or rename the user"
    )]
    SecretNamespaceMissing {
        secret: String,
        role: String,
        namespace: String,
    },
}

impl Error {
    /// A bounded label for metrics and Event reasons.
    pub fn label(&self) -> &'static str {
        match self {
            Error::Kube { .. } => "ApiError",
            Error::Build(_) => "BuildError",
            Error::Incomplete(_) => "Incomplete",
            Error::Sql(_) => "SqlError",
            Error::Rollout(e) => e.label(),
            Error::SecretNamespaceMissing { .. } => "SecretNamespaceMissing",
        }
    }
}

pub fn kube(action: &'static str, object: impl Into<String>) -> impl FnOnce(kube::Error) -> Error {
    let object = object.into();
    move |source| Error::Kube {
        action,
        object,
        source,
    }
}

/// Why a rollout step failed. Each names the pod and what was tried.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    #[error("replacing pod {pod}: {source}")]
    Delete {
        pod: String,
        #[source]
        source: kube::Error,
    },
    #[error("switchover from {from} to {to}: the master pod has no IP")]
    NoMasterAddress { from: String, to: String },
    #[error("switchover from {from} to {to}: {source}")]
    Switchover {
        from: String,
        to: String,
        #[source]
        source: PatroniError,
    },
    #[error("applying the Patroni configuration: {source}")]
    Config {
        #[source]
        source: PatroniError,
    },
    #[error("restarting PostgreSQL on pod {pod}: {source}")]
    Restart {
        pod: String,
        #[source]
        source: PatroniError,
    },
    #[error(
        "switchover from {from} to {to}: Patroni did not confirm it within {}s (leader now: {leader})",
        waited.as_secs()
    )]
    Unconfirmed {
        from: String,
        to: String,
        leader: String,
        waited: Duration,
    },
}

impl RolloutError {
    /// A bounded label for metrics and Event reasons.
    pub fn label(&self) -> &'static str {
        match self {
            RolloutError::Delete { .. } => "PodReplaceFailed",
            RolloutError::Config { .. } => "PatroniConfigFailed",
            RolloutError::Restart { .. } => "RestartFailed",
            RolloutError::NoMasterAddress { .. }
            | RolloutError::Switchover { .. }
            | RolloutError::Unconfirmed { .. } => "SwitchoverFailed",
        }
    }
}
