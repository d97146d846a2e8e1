//! Provisioning of roles and databases over SQL: the executor of `pgctl_shared::roles` plans.
//!
//! - [`connect`]: connections (timeouts, TLS preferred) and the [`Connector`] that opens
//!   connections to other databases of the same cluster.
//! - [`observe`](mod@observe): reads the observed state.
//! - [`apply`](mod@apply): executes a plan in order.
//! - [`sync`]: observe → plan → apply, the call the reconciler makes.
//! - [`testing`]: a throw-away PostgreSQL server for tests and benchmarks.
//!
//! Nothing here logs or returns a password or a password verifier: statements are logged with
//! [`PlannedStatement::display_sql`](pgctl_shared::roles::PlannedStatement::display_sql), and
//! errors carry the statement kind, the object and the server's message only.

pub mod apply;
pub mod connect;
pub mod error;
pub mod observe;
pub mod pooler;
pub mod testing;

pub use apply::{ApplyReport, apply};
pub use connect::{ConnectOptions, Connector, Endpoint, TlsMode, connect};
pub use error::{ConnectFailure, SqlError, StatementFailure};
pub use observe::{observe, observe_cluster, observe_database};

use std::sync::LazyLock;

use pgctl_shared::password::VerifierCache;
use pgctl_shared::roles::{self, Desired, Plan, RoleSettings};

/// Password checks that matched before, for all clusters of this process (see
/// [`VerifierCache`]): a re-sync with unchanged Secrets computes no PBKDF2.
static VERIFIER_CACHE: LazyLock<VerifierCache> = LazyLock::new(VerifierCache::default);

/// The outcome of one [`sync`].
#[derive(Debug, Clone)]
pub struct SyncReport {
    /// The plan that was applied (its `skipped` and `orphans` go to status and Events).
    pub plan: Plan,
    pub applied: ApplyReport,
}

/// Observes the server, plans, and applies the plan. A second call against an unchanged server
/// sends no DDL.
pub async fn sync(
    connector: &Connector,
    desired: &Desired,
    settings: &RoleSettings,
) -> Result<SyncReport, SqlError> {
    let observed = observe(connector, desired).await?;
    let plan = {
        let mut rng = rand::rng();
        roles::plan_with_cache(desired, &observed, settings, &mut rng, &VERIFIER_CACHE)
    };
    for skip in &plan.skipped {
        tracing::warn!(object = %skip.object, reason = %skip.reason, "skipped");
    }
    if !plan.orphans.is_empty() {
        tracing::warn!(roles = ?plan.orphans, "roles no longer in the manifest (not dropped)");
    }
    let applied = apply(connector, &plan).await?;
    Ok(SyncReport { plan, applied })
}
