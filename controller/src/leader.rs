//! Leader election on a `coordination.k8s.io/v1` Lease, so that two replicas can run and only
//! the leader writes. A leader that cannot renew in time stops the process rather than risk
//! two writers; its successor takes over once the lease expires.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::json;

/// How long a lease is valid without renewal.
pub const LEASE_DURATION: Duration = Duration::from_secs(15);
/// How often the holder renews and a candidate retries.
pub const RETRY_PERIOD: Duration = Duration::from_secs(2);

pub struct LeaderElection {
    api: Api<Lease>,
    name: String,
    identity: String,
}

impl LeaderElection {
    pub fn new(api: Api<Lease>, name: &str, identity: &str) -> Self {
        LeaderElection {
            api,
            name: name.to_string(),
            identity: identity.to_string(),
        }
    }

    /// Waits until this replica holds the lease.
    pub async fn acquire(&self) -> anyhow::Result<()> {
        loop {
            match self.try_acquire_or_renew().await {
                Ok(true) => {
                    tracing::info!(lease = %self.name, identity = %self.identity, "became the leader");
                    return Ok(());
                }
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(lease = %self.name, %error, "leader election attempt failed")
                }
            }
            tokio::time::sleep(RETRY_PERIOD).await;
        }
    }

    /// Renews the lease until renewal fails for longer than the lease duration; then returns,
    /// and the caller must stop writing.
    pub async fn hold(&self) {
        let mut last_renewal = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(RETRY_PERIOD).await;
            match self.try_acquire_or_renew().await {
                Ok(true) => last_renewal = tokio::time::Instant::now(),
                Ok(false) => {
                    tracing::error!(lease = %self.name, "the lease was taken by another replica");
                    return;
                }
                Err(error) => tracing::warn!(lease = %self.name, %error, "lease renewal failed"),
            }
            // Give up before the lease can expire, so no two leaders overlap.
            if last_renewal.elapsed() > LEASE_DURATION - RETRY_PERIOD {
                tracing::error!(lease = %self.name, "could not renew the lease in time");
                return;
            }
        }
    }

    /// Takes or renews the lease. `Ok(false)` when another live holder has it.
    async fn try_acquire_or_renew(&self) -> Result<bool, kube::Error> {
        let now = MicroTime(Timestamp::now());
        let Some(lease) = self.api.get_opt(&self.name).await? else {
            let lease: Lease = serde_json::from_value(json!({
                "metadata": {"name": self.name},
                "spec": {
                    "holderIdentity": self.identity,
                    "leaseDurationSeconds": LEASE_DURATION.as_secs(),
                    "acquireTime": now,
                    "renewTime": now,
                    "leaseTransitions": 0
                }
            }))
            .map_err(kube::Error::SerdeError)?;
            return match self.api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(e)) if e.code == 409 => Ok(false),
                Err(e) => Err(e),
            };
        };
        let spec = lease.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.clone().unwrap_or_default();
        let duration = spec
            .lease_duration_seconds
            .unwrap_or(LEASE_DURATION.as_secs() as i32);
        let expired = match &spec.renew_time {
            Some(MicroTime(renewed)) => {
                Timestamp::now().as_second() > renewed.as_second() + i64::from(duration)
            }
            None => true,
        };
        if holder != self.identity && !expired && !holder.is_empty() {
            return Ok(false);
        }
        let transitions = spec.lease_transitions.unwrap_or(0) + i32::from(holder != self.identity);
        let acquire_time = if holder == self.identity {
            spec.acquire_time.clone().unwrap_or(now.clone())
        } else {
            now.clone()
        };
        // The resourceVersion makes the patch conditional: a concurrent taker gets a conflict.
        let patch = json!({
            "metadata": {"resourceVersion": lease.metadata.resource_version},
            "spec": {
                "holderIdentity": self.identity,
                "leaseDurationSeconds": LEASE_DURATION.as_secs(),
                "acquireTime": acquire_time,
                "renewTime": now,
                "leaseTransitions": transitions
            }
        });
        match self
            .api
            .patch(&self.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(false),
            Err(e) => Err(e),
        }
    }
}
