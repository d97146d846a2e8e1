//! How many clusters replace pods at once (`max_concurrent_rollouts`): a change that rolls
//! many clusters together (a new `docker_image` in the operator configuration) goes through
//! them a few at a time, so that a bad image stops at the first clusters instead of reaching
//! all of them.
//!
//! A cluster takes a slot with its first step and keeps it, refreshed by every reconcile,
//! until no pod is outdated. A cluster that cannot go on by itself (a degraded wait) gives
//! its slot up, so that it does not hold the others; a slot no reconcile refreshed for
//! [`STALE_AFTER`] (a cluster deleted mid-rollout) is freed. A cluster that already replaced
//! some of its pods always goes on, even over the limit: after a controller restart, the
//! rollouts half done are finished first.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::rollout::{Step, Wait};

/// A slot not refreshed for this long is freed.
pub const STALE_AFTER: Duration = Duration::from_secs(600);

/// The clusters holding a slot, with when each was last seen rolling.
#[derive(Debug, Default)]
pub struct RolloutSlots {
    held: BTreeMap<String, Instant>,
}

/// Every slot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// Clusters rolling now.
    pub rolling: usize,
    pub limit: u32,
}

impl RolloutSlots {
    /// Whether cluster `key` may take a rollout step now. `started`: it already replaced pods
    /// of this rollout. On success the cluster holds a slot until [`Self::release`].
    pub fn acquire(
        &mut self,
        key: &str,
        started: bool,
        limit: u32,
        now: Instant,
    ) -> Result<(), Queued> {
        self.held
            .retain(|_, seen| now.saturating_duration_since(*seen) < STALE_AFTER);
        let limit_len = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
        if self.held.contains_key(key) || started || self.held.len() < limit_len {
            self.held.insert(key.to_string(), now);
            Ok(())
        } else {
            Err(Queued {
                rolling: self.held.len(),
                limit,
            })
        }
    }

    /// What becomes of the next `step` of cluster `key`: a step that replaces pods or moves the
    /// master needs a slot ([`Wait::Queued`] without one), unless the cluster is `evacuating`
    /// a drained node, which never waits; a degraded wait gives the slot up; any other wait
    /// keeps it. `started`: as for [`Self::acquire`].
    pub fn gate(
        &mut self,
        key: &str,
        step: Step,
        started: bool,
        evacuating: bool,
        limit: u32,
        now: Instant,
    ) -> Step {
        match step {
            Step::ReplaceReplica { .. } | Step::ReplaceMaster { .. } | Step::Switchover { .. }
                if !evacuating =>
            {
                match self.acquire(key, started, limit, now) {
                    Ok(()) => step,
                    Err(queued) => Step::Wait(Wait::Queued {
                        rolling: queued.rolling,
                        limit: queued.limit,
                    }),
                }
            }
            Step::Wait(ref wait) if wait.degraded() => {
                self.release(key);
                step
            }
            _ => {
                self.touch(key, now);
                step
            }
        }
    }

    /// A cluster holding a slot is still rolling (it waits for a pod).
    pub fn touch(&mut self, key: &str, now: Instant) {
        if let Some(seen) = self.held.get_mut(key) {
            *seen = now;
        }
    }

    /// The cluster is done, or cannot go on by itself.
    pub fn release(&mut self, key: &str) {
        self.held.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_beyond_the_limit_wait_until_a_slot_is_released() {
        let mut slots = RolloutSlots::default();
        let now = Instant::now();
        assert_eq!(slots.acquire("ns/a", false, 1, now), Ok(()));
        // The holder keeps going.
        assert_eq!(slots.acquire("ns/a", false, 1, now), Ok(()));
        assert_eq!(
            slots.acquire("ns/b", false, 1, now),
            Err(Queued {
                rolling: 1,
                limit: 1
            })
        );
        slots.release("ns/a");
        assert_eq!(slots.acquire("ns/b", false, 1, now), Ok(()));
    }

    #[test]
    fn a_limit_of_two_lets_two_roll() {
        let mut slots = RolloutSlots::default();
        let now = Instant::now();
        assert!(slots.acquire("a", false, 2, now).is_ok());
        assert!(slots.acquire("b", false, 2, now).is_ok());
        assert!(slots.acquire("c", false, 2, now).is_err());
    }

    #[test]
    fn a_rollout_half_done_goes_on_over_the_limit() {
        let mut slots = RolloutSlots::default();
        let now = Instant::now();
        assert!(slots.acquire("a", false, 1, now).is_ok());
        assert!(slots.acquire("b", true, 1, now).is_ok());
        // Both hold a slot now: a third waits.
        assert_eq!(
            slots.acquire("c", false, 1, now),
            Err(Queued {
                rolling: 2,
                limit: 1
            })
        );
    }

    #[test]
    fn only_steps_that_replace_pods_queue_and_a_drain_never_does() {
        let mut slots = RolloutSlots::default();
        let now = Instant::now();
        let replace = |pod: &str| Step::ReplaceReplica { pod: pod.into() };
        assert_eq!(
            slots.gate("a", replace("a-1"), false, false, 1, now),
            replace("a-1")
        );
        assert_eq!(
            slots.gate("b", replace("b-1"), false, false, 1, now),
            Step::Wait(Wait::Queued {
                rolling: 1,
                limit: 1
            })
        );
        // Moving a master off a drained node goes ahead without a slot.
        let move_master = Step::Switchover {
            from: "b-0".into(),
            to: "b-1".into(),
        };
        assert_eq!(
            slots.gate("b", move_master.clone(), false, true, 1, now),
            move_master
        );
        // A degraded wait frees the slot for the next cluster.
        let stuck = Step::Wait(Wait::NoLeader);
        assert_eq!(slots.gate("a", stuck.clone(), false, false, 1, now), stuck);
        assert_eq!(
            slots.gate("b", replace("b-1"), false, false, 1, now),
            replace("b-1")
        );
    }

    #[test]
    fn a_slot_nobody_refreshes_is_freed() {
        let mut slots = RolloutSlots::default();
        let start = Instant::now();
        assert!(slots.acquire("gone", false, 1, start).is_ok());
        let later = start + STALE_AFTER - Duration::from_secs(1);
        slots.touch("gone", later);
        let still = later + Duration::from_secs(2);
        assert!(slots.acquire("next", false, 1, still).is_err());
        let stale = later + STALE_AFTER;
        assert!(slots.acquire("next", false, 1, stale).is_ok());
    }
}
