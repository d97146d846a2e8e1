//! The origin stage: observes a clone's or a standby's source and the cluster's own leader
//! (the caches, and Patroni's `GET /patroni`), and has [`pgctl_shared::origin::assess`] decide
//! the condition `Cloned` or `Standby` and `status.origin`. An Event marks each new problem
//! and the promotion; a cluster whose copy or stream is in motion is looked at again soon, one
//! whose source is missing with the cluster's backoff.

use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Pod, Secret};
use kube::runtime::events::EventType;
use kube::runtime::reflector::ObjectRef;
use pgctl_shared::build::secret::PASSWORD_KEY;
use pgctl_shared::build::statefulset::CONTAINER_NAME;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::{PostgresStatus, Postgresql};
use pgctl_shared::origin::{self, Assessment, LeaderView, Observation, Origin, SourceView};
use pgctl_shared::provision::ready_master;
use pgctl_shared::status::{self, OriginOutcome};
use serde_json::Value;

use crate::context::Context;
use crate::events::{Reason, publish};
use crate::patroni;

/// What the stage found, and when to look again (`None`: at the usual time).
pub struct Observed {
    pub outcome: OriginOutcome,
    pub requeue: Option<Duration>,
}

/// How often a standby's lag is refreshed while it streams.
const STREAMING_RECHECK: Duration = Duration::from_secs(30);
/// How often a copy or a promotion in progress is looked at.
const MOVING_RECHECK: Duration = Duration::from_secs(5);

pub async fn observe(
    ctx: &Context,
    pg: &Postgresql,
    object: &kube::core::DynamicObject,
    config: &OperatorConfig,
    previous: Option<&PostgresStatus>,
) -> Observed {
    let namespace = pg.metadata.namespace.as_deref().unwrap_or_default();
    let name = pg.metadata.name.as_deref().unwrap_or_default();
    let origin = Origin::of(&pg.spec);
    let previous_condition = previous.and_then(|p| {
        status::condition(p, origin::CLONED).or_else(|| status::condition(p, origin::STANDBY))
    });
    // A cluster that never had an origin has nothing to observe.
    if origin == Origin::None && previous_condition.is_none() {
        return Observed {
            outcome: OriginOutcome::Observed(None),
            requeue: None,
        };
    }
    let timeout = config.patroni_api_check_timeout;
    let pods = ctx.stores.pods.of_cluster(config, namespace, name);
    // A finished clone or promotion keeps its condition: no request to Patroni or the source.
    let master = if origin::settled(&origin, previous_condition) {
        None
    } else {
        ready_master(config, &pods).ok()
    };
    let member = match &master {
        Some(master) => patroni::member(&master.host, timeout).await.ok(),
        None => None,
    };
    let leader = member.as_ref().map(leader_view);
    let live_standby = match (&origin, &master) {
        (Origin::None, Some(master)) => patroni::config(&master.host, timeout)
            .await
            .ok()
            .map(|c| c.get("standby_cluster").cloned().unwrap_or(Value::Null)),
        _ => None,
    };
    let source = match origin.source_cluster(namespace) {
        Some((ns, source))
            if watched(ctx, &ns) && !origin::settled(&origin, previous_condition) =>
        {
            Some(source_view(ctx, config, &ns, &source, name, namespace, &origin).await)
        }
        _ => None,
    };
    let restarts = pods
        .iter()
        .filter_map(|p| p.status.as_ref()?.container_statuses.as_ref())
        .flatten()
        .filter(|c| c.name == CONTAINER_NAME)
        .map(|c| c.restart_count)
        .sum();
    let observation = Observation {
        origin: &origin,
        version: &pg.spec.postgresql.version,
        source: source.as_ref(),
        leader: leader.as_ref(),
        live_standby: live_standby.as_ref(),
        previous: previous_condition,
        restarts,
    };
    let assessment = origin::assess(&observation);
    if let Some(assessment) = &assessment {
        announce(ctx, object, previous_condition, assessment).await;
    }
    let requeue = assessment.as_ref().and_then(|a| {
        if a.problem {
            Some(ctx.next_backoff(&format!("origin:{namespace}/{name}")))
        } else if a.watch && a.reason == origin::reason::STREAMING {
            Some(STREAMING_RECHECK)
        } else if a.watch {
            Some(MOVING_RECHECK)
        } else {
            None
        }
    });
    if assessment.as_ref().is_none_or(|a| !a.problem) {
        ctx.reset_backoff(&format!("origin:{namespace}/{name}"));
    }
    Observed {
        outcome: OriginOutcome::Observed(assessment),
        requeue,
    }
}

/// Whether the caches cover `namespace`.
fn watched(ctx: &Context, namespace: &str) -> bool {
    ctx.stores
        .namespace
        .as_deref()
        .is_none_or(|ns| ns == namespace)
}

/// An Event when the condition's reason changes to a problem, or to `Cloned`/`Promoted`.
async fn announce(
    ctx: &Context,
    object: &kube::core::DynamicObject,
    previous: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
    assessment: &Assessment,
) {
    if previous.is_some_and(|p| p.type_ == assessment.type_ && p.reason == assessment.reason) {
        return;
    }
    let notable = assessment.problem
        || matches!(
            assessment.reason,
            origin::reason::CLONED | origin::reason::PROMOTED | origin::reason::STREAMING
        );
    if !notable {
        return;
    }
    let type_ = if assessment.problem {
        tracing::warn!(reason = assessment.reason, "{}", assessment.message);
        EventType::Warning
    } else {
        tracing::info!(reason = assessment.reason, "{}", assessment.message);
        EventType::Normal
    };
    publish(
        ctx,
        object,
        type_,
        Reason::Origin(assessment.reason),
        &assessment.message,
    )
    .await;
}

fn leader_view(member: &Value) -> LeaderView {
    let xlog = &member["xlog"];
    let lsn = |key: &str| xlog[key].as_u64();
    LeaderView {
        role: member["role"].as_str().unwrap_or_default().to_string(),
        replication_state: member["replication_state"].as_str().map(str::to_string),
        received: lsn("received_location"),
        replayed: lsn("replayed_location"),
        replayed_at: xlog["replayed_timestamp"].as_str().map(str::to_string),
    }
}

async fn source_view(
    ctx: &Context,
    config: &OperatorConfig,
    namespace: &str,
    source: &str,
    own_name: &str,
    own_namespace: &str,
    origin: &Origin,
) -> SourceView {
    let statefulset: Option<std::sync::Arc<StatefulSet>> = ctx
        .stores
        .statefulsets
        .get(&ObjectRef::new(source).within(namespace));
    let Some(statefulset) = statefulset else {
        return SourceView::default();
    };
    let version = statefulset
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.containers.iter().find(|c| c.name == CONTAINER_NAME))
        .and_then(|c| c.env.as_ref())
        .and_then(|env| env.iter().find(|e| e.name == "PGVERSION"))
        .and_then(|e| e.value.clone());
    let pods: Vec<std::sync::Arc<Pod>> = ctx.stores.pods.of_cluster(config, namespace, source);
    let master = ready_master(config, &pods).ok();
    let wal_position = match &master {
        Some(master) => patroni::member(&master.host, config.patroni_api_check_timeout)
            .await
            .ok()
            .and_then(|m| m["xlog"]["location"].as_u64()),
        None => None,
    };
    let credentials_match = match origin {
        Origin::Standby { .. } => {
            let user = &config.replication_username;
            let password = |ns: &str, cluster: &str| {
                let wanted = config.secret_name(user, cluster);
                ctx.stores
                    .secrets
                    .of_cluster(config, ns, cluster)
                    .iter()
                    .find(|s: &&std::sync::Arc<Secret>| {
                        s.metadata.name.as_deref() == Some(wanted.as_str())
                    })
                    .and_then(|s| s.data.as_ref()?.get(PASSWORD_KEY).cloned())
            };
            match (
                password(namespace, source),
                password(own_namespace, own_name),
            ) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            }
        }
        _ => None,
    };
    SourceView {
        exists: true,
        version,
        master_ready: master.is_some(),
        wal_position,
        credentials_match,
    }
}
