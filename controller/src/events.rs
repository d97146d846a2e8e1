//! The Events the controller publishes about a cluster, and their reasons: one enum, so that
//! every reason a user can see (and filter on) is listed in one place.

use kube::Resource;
use kube::core::DynamicObject;
use kube::runtime::events::{Event, EventType};

use crate::context::Context;

/// The reason of an Event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Objects were created or changed.
    Synced,
    /// An object the manifest no longer asks for was deleted.
    Deleted,
    /// The manifest is invalid.
    Invalid,
    /// The cluster's credential Secrets in other namespaces were deleted with it.
    SecretsDeleted,
    /// The cluster's objects were deleted before its finalizer was removed (`enable_finalizers`).
    ObjectsDeleted,
    /// `PostgresClusterStatus` changed.
    StatusChanged,
    /// Reconciliation of the cluster is paused, or resumed.
    Paused,
    Resumed,
    /// The rolling update cannot go on (e.g. a pod without a node to go to).
    RolloutBlocked,
    /// A rolling-update step waits longer than its timeout.
    RolloutStalled,
    MovingOnlyInstance,
    RestartingOnlyInstance,
    ReplacingPod,
    Switchover,
    RolloutDone,
    PatroniConfigChanged,
    RestartedPostgres,
    /// A master waits on a drained node for the next maintenance window.
    MaintenanceWindow,
    /// A failure, by the bounded label of its error type.
    Failed(&'static str),
    /// Role and database provisioning, by the reason the shared planner gives.
    Provisioning(&'static str),
    /// A clone's or standby's source, or a promotion ([`pgctl_shared::origin::reason`]).
    Origin(&'static str),
    /// A major version upgrade's step or refusal ([`pgctl_shared::upgrade`]).
    Upgrade(&'static str),
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Synced => "Synced",
            Reason::Deleted => "Deleted",
            Reason::Invalid => "Invalid",
            Reason::SecretsDeleted => "SecretsDeleted",
            Reason::ObjectsDeleted => "ObjectsDeleted",
            Reason::StatusChanged => "StatusChanged",
            Reason::Paused => "Paused",
            Reason::Resumed => "Resumed",
            Reason::RolloutBlocked => "RolloutBlocked",
            Reason::RolloutStalled => "RolloutStalled",
            Reason::MovingOnlyInstance => "MovingOnlyInstance",
            Reason::RestartingOnlyInstance => "RestartingOnlyInstance",
            Reason::ReplacingPod => "ReplacingPod",
            Reason::Switchover => "Switchover",
            Reason::RolloutDone => "RolloutDone",
            Reason::PatroniConfigChanged => "PatroniConfigChanged",
            Reason::RestartedPostgres => "RestartedPostgres",
            Reason::MaintenanceWindow => "MaintenanceWindow",
            Reason::Failed(label)
            | Reason::Provisioning(label)
            | Reason::Origin(label)
            | Reason::Upgrade(label) => label,
        }
    }
}

/// Publishes an Event; a failure to do so is logged, never fatal.
pub async fn publish(
    ctx: &Context,
    object: &DynamicObject,
    type_: EventType,
    reason: Reason,
    note: &str,
) {
    publish_about(ctx, object, type_, reason, note, None).await;
}

/// Publishes an Event about the cluster and a `related` object (a pod being replaced or
/// restarted). The recorder folds repeated Events of one reason into a series of the first;
/// the related object keeps those about different pods apart.
pub async fn publish_about(
    ctx: &Context,
    object: &DynamicObject,
    type_: EventType,
    reason: Reason,
    note: &str,
    related: Option<k8s_openapi::api::core::v1::ObjectReference>,
) {
    let reference = object.object_ref(&ctx.resource);
    let event = Event {
        type_,
        reason: reason.as_str().to_string(),
        note: Some(note.chars().take(1000).collect()),
        action: "Reconcile".to_string(),
        secondary: related,
    };
    match ctx.recorder.publish(&event, &reference).await {
        Ok(()) => ctx.metrics.mutation("create", "Event"),
        Err(error) => tracing::warn!(%error, "could not publish an Event"),
    }
}
