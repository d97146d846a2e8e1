//! Pure logic of pgctl: the `postgresql` resource model, the operator configuration,
//! naming, validation, and the builders and plans the controller and the CLI share.
//! No network I/O lives here.

pub mod backup;
pub mod build;
pub mod cluster_index;
pub mod config;
pub mod crd;
pub mod diff;
pub mod digest;
pub mod label_syntax;
pub mod major;
pub mod manifest;
pub mod naming;
pub mod operate;
pub mod origin;
pub mod password;
#[cfg(feature = "client")]
pub mod pgwire;
pub mod plan;
pub mod policy;
pub mod pooler;
pub mod probe;
pub mod provision;
pub mod quantity;
pub mod report;
pub mod requests;
pub mod requeue;
pub mod roles;
pub mod rollout;
pub mod rollout_slots;
pub mod status;
pub mod trim;
pub mod upgrade;
pub mod validate;
pub mod window;

#[cfg(test)]
mod test_rng;
