//! Requests made through annotations of the `postgresql` resource, and their acknowledgement.
//!
//! A request (`pgctl rollout restart` sets [`RESTARTED_AT_ANNOTATION`]) does not change the
//! resource's generation, so `observedGeneration` cannot tell whether the controller has acted
//! on it. The controller therefore copies each request's value to `status.acknowledged` once it
//! has carried it into the objects; a client waits for that before judging the outcome
//! ([`pending`]).
//!
//! [`PAUSE_ANNOTATION`] set to [`PAUSED`] makes the controller leave the cluster alone.

use std::collections::BTreeMap;

use crate::crd::{PostgresStatus, Postgresql};

pub use crate::build::RESTARTED_AT_ANNOTATION;

/// Annotation that pauses the reconciliation of one cluster, for incident work: with the value
/// [`PAUSED`] the controller writes nothing for the cluster (no objects, no rollout step, no
/// Patroni or SQL change) and reports condition `Paused`, until the annotation is removed.
pub const PAUSE_ANNOTATION: &str = "pgctl.acid.zalan.do/reconcile";

/// The value of [`PAUSE_ANNOTATION`] that pauses.
pub const PAUSED: &str = "paused";

/// Annotation by which `pgctl resync` asks for a reconcile now (any new value; the CLI writes
/// the time). The controller's watch lets annotation changes through, and a pass acknowledges
/// it like the other requests.
pub const RESYNC_ANNOTATION: &str = "pgctl.acid.zalan.do/resync-requested";

/// The annotations that are requests acknowledged in `status.acknowledged`.
pub const REQUEST_ANNOTATIONS: &[&str] = &[RESTARTED_AT_ANNOTATION, RESYNC_ANNOTATION];

fn annotations(pg: &Postgresql) -> impl Iterator<Item = (&str, &str)> {
    let annotations = pg.metadata.annotations.as_ref();
    REQUEST_ANNOTATIONS.iter().filter_map(move |key| {
        annotations
            .and_then(|a| a.get(*key))
            .filter(|v| !v.is_empty())
            .map(|v| (*key, v.as_str()))
    })
}

/// Whether the cluster is paused ([`PAUSE_ANNOTATION`]).
pub fn paused(pg: &Postgresql) -> bool {
    pg.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(PAUSE_ANNOTATION))
        .is_some_and(|v| v == PAUSED)
}

/// `status.acknowledged` after a pass: the requests' current values when the pass carried them
/// into the objects (`taken_up`), else what was acknowledged before. Requests whose annotation
/// is gone are dropped.
pub fn acknowledged(
    pg: &Postgresql,
    previous: Option<&PostgresStatus>,
    taken_up: bool,
) -> BTreeMap<String, String> {
    annotations(pg)
        .filter_map(|(key, value)| {
            if taken_up {
                Some((key.to_string(), value.to_string()))
            } else {
                previous
                    .and_then(|s| s.acknowledged.get(key))
                    .map(|v| (key.to_string(), v.clone()))
            }
        })
        .collect()
}

/// The requests the controller has not acknowledged yet: `(annotation, value)`.
pub fn pending(pg: &Postgresql) -> Vec<(String, String)> {
    let acknowledged = pg.status.as_ref().map(|s| &s.acknowledged);
    annotations(pg)
        .filter(|(key, value)| {
            acknowledged.and_then(|a| a.get(*key)).map(String::as_str) != Some(*value)
        })
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(annotations: &[(&str, &str)], acknowledged: &[(&str, &str)]) -> Postgresql {
        let mut pg = Postgresql::new("acid-a", Default::default());
        pg.metadata.annotations = Some(
            annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        pg.status = Some(PostgresStatus {
            acknowledged: acknowledged
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..PostgresStatus::default()
        });
        pg
    }

    #[test]
    fn a_new_restart_request_is_pending_until_acknowledged() {
        let asked = pg(
            &[(RESTARTED_AT_ANNOTATION, "t2")],
            &[(RESTARTED_AT_ANNOTATION, "t1")],
        );
        assert_eq!(
            pending(&asked),
            vec![(RESTARTED_AT_ANNOTATION.to_string(), "t2".to_string())]
        );
        let previous = asked.status.clone();
        let kept = acknowledged(&asked, previous.as_ref(), false);
        assert_eq!(
            kept.get(RESTARTED_AT_ANNOTATION).map(String::as_str),
            Some("t1")
        );
        let taken = acknowledged(&asked, previous.as_ref(), true);
        assert_eq!(
            taken.get(RESTARTED_AT_ANNOTATION).map(String::as_str),
            Some("t2")
        );
        let done = pg(
            &[(RESTARTED_AT_ANNOTATION, "t2")],
            &[(RESTARTED_AT_ANNOTATION, "t2")],
        );
        assert!(pending(&done).is_empty());
    }

    #[test]
    fn no_request_nothing_pending_and_nothing_acknowledged() {
        let quiet = pg(&[("other", "x")], &[]);
        assert!(pending(&quiet).is_empty());
        assert!(acknowledged(&quiet, None, true).is_empty());
    }

    #[test]
    fn only_the_paused_value_pauses() {
        assert!(paused(&pg(&[(PAUSE_ANNOTATION, PAUSED)], &[])));
        assert!(!paused(&pg(&[(PAUSE_ANNOTATION, "active")], &[])));
        assert!(!paused(&pg(&[], &[])));
    }
}
