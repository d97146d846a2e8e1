//! Role and database provisioning, planned purely: manifest + operator settings + Secret
//! passwords + the state read from the server → an ordered list of SQL statements.
//!
//! - [`desired`]: manifest → desired roles, memberships, databases and prepared objects.
//! - [`observed`]: what the executor read from the server.
//! - [`plan`](mod@plan): the diff, as statements that say which database they run in.
//! - [`sql`]: identifier quoting and literal escaping.
//! - [`rotation`]: password rotation decisions (time passed in).
//! - [`credentials`]: which login roles get a Secret, and its name.
//! - [`model`], [`settings`], [`skip`]: shared vocabulary, configuration, and skip reports.
//!
//! Typical use by the controller:
//! ```ignore
//! let desired = roles::from_spec(name, &spec, &settings, &credentials, now);
//! let observed = sql::observe(&client, &desired).await?;
//! let plan = roles::plan(&desired, &observed, &settings, &mut rand::rng());
//! sql::apply(&connector, &plan).await?;
//! ```

pub mod credentials;
pub mod desired;
pub mod infrastructure;
pub mod model;
pub mod observed;
pub mod plan;
pub mod rotation;
pub mod settings;
pub mod skip;
pub mod sql;

pub use credentials::{LoginSecret, SecretNameConflict, login_secrets, secret_name};
pub use desired::{Credential, Credentials, Desired, from_manifest, from_spec, layout};
pub use observed::{Observed, ObservedDatabase, ObservedRole};
pub use plan::{MANAGED_COMMENT, Plan, PlannedStatement, StatementKind, plan, plan_with_cache};
pub use settings::{RoleSettings, RotationSettings};
pub use skip::{ObjectRef, Skip, SkipReason};
