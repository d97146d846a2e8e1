//! pgctl-controller: the thin I/O layer that applies what `pgctl-shared` plans.

pub mod apply;
pub mod args;
pub mod cluster_store;
pub mod context;
pub mod error;
pub mod events;
pub mod exec;
pub mod finalize;
pub mod http;
pub mod infrastructure;
pub mod leader;
pub mod metrics;
pub mod objects;
pub mod origin;
pub mod patroni;
pub mod provision;
pub mod reconcile;
pub mod rollout;
pub mod run;
pub mod sql;
pub mod startup;
pub mod status;
pub mod telemetry;
pub mod upgrade;
