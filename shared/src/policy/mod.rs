//! SQL policies: named SQL that `pgctl policy apply` runs on the masters of selected clusters
//! (pgo's `create policy` / `apply`). A policy is stored in a ConfigMap of the namespace
//! ([`to_config_map`], [`from_config_map`]); each cluster records on its `postgresql` resource
//! which policy it ran, with which SQL (SHA-256) and when ([`Record`], an annotation
//! `policy.pgctl.zalan.do/<name>`), so that applying again does nothing until the SQL changes
//! ([`decide`]). A policy flagged not transactional runs statement by statement ([`split`]).
//!
//! Pure: the CLI reads and writes the objects and runs the SQL.

mod split;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use split::split;

/// Label of a policy's ConfigMap: the policy's name.
pub const POLICY_LABEL: &str = "pgctl.zalan.do/policy";
/// Prefix of the ConfigMaps' names.
pub const CONFIG_MAP_PREFIX: &str = "pgctl-policy-";
/// Key of the SQL in the ConfigMap.
pub const SQL_KEY: &str = "policy.sql";
/// Key of the transaction flag in the ConfigMap (`"true"` or `"false"`).
pub const TRANSACTION_KEY: &str = "transaction";
/// Prefix (DNS part) of the annotations that record a policy on a cluster.
pub const RECORD_PREFIX: &str = "policy.pgctl.zalan.do/";
/// The largest policy: a ConfigMap holds at most 1 MiB.
pub const MAX_SQL_BYTES: usize = 512 * 1024;

/// A stored policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub sql: String,
    /// Run as one transaction (the default); `false`: statement by statement.
    pub transaction: bool,
}

/// What is wrong with a policy or its ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(
        "policy name {0:?}: use 1–63 lowercase letters, digits and '-', starting and ending with a letter or digit"
    )]
    Name(String),
    #[error("policy {0:?}: the SQL is empty")]
    Empty(String),
    #[error("policy {name:?}: the SQL is {bytes} bytes; at most {MAX_SQL_BYTES} fit")]
    TooLarge { name: String, bytes: usize },
    #[error("ConfigMap {0:?} is not a pgctl policy (no label {POLICY_LABEL} or no key {SQL_KEY})")]
    NotAPolicy(String),
    #[error("ConfigMap {name:?}: key {TRANSACTION_KEY} is {value:?}, not \"true\" or \"false\"")]
    Transaction { name: String, value: String },
}

impl Policy {
    /// A policy, checked: its name fits an annotation key and an object name, its SQL is not
    /// empty (comments alone count as empty) and fits a ConfigMap.
    pub fn new(name: &str, sql: &str, transaction: bool) -> Result<Self, PolicyError> {
        check_name(name)?;
        if split(sql).is_empty() {
            return Err(PolicyError::Empty(name.to_string()));
        }
        if sql.len() > MAX_SQL_BYTES {
            return Err(PolicyError::TooLarge {
                name: name.to_string(),
                bytes: sql.len(),
            });
        }
        Ok(Self {
            name: name.to_string(),
            sql: sql.to_string(),
            transaction,
        })
    }

    /// SHA-256 of the SQL, hex: what a cluster's record compares.
    pub fn sha256(&self) -> String {
        crate::digest::hex(&Sha256::digest(self.sql.as_bytes()))
    }

    /// The statements to run one by one when the policy is not transactional.
    pub fn statements(&self) -> Vec<String> {
        split(&self.sql)
    }
}

/// A DNS-1123 label: the name part of the record's annotation key allows 63 characters.
pub fn check_name(name: &str) -> Result<(), PolicyError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(PolicyError::Name(name.to_string()))
    }
}

/// Name of the ConfigMap that stores policy `name`.
pub fn config_map_name(name: &str) -> String {
    format!("{CONFIG_MAP_PREFIX}{name}")
}

/// The ConfigMap that stores `policy` in `namespace`.
pub fn to_config_map(policy: &Policy, namespace: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(config_map_name(&policy.name)),
            namespace: Some(namespace.to_string()),
            labels: Some(BTreeMap::from([
                (POLICY_LABEL.to_string(), policy.name.clone()),
                (
                    "app.kubernetes.io/managed-by".to_string(),
                    "pgctl".to_string(),
                ),
            ])),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([
            (SQL_KEY.to_string(), policy.sql.clone()),
            (TRANSACTION_KEY.to_string(), policy.transaction.to_string()),
        ])),
        ..ConfigMap::default()
    }
}

/// The policy a ConfigMap stores.
pub fn from_config_map(config_map: &ConfigMap) -> Result<Policy, PolicyError> {
    let object = config_map.metadata.name.clone().unwrap_or_default();
    let name = config_map
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(POLICY_LABEL))
        .ok_or_else(|| PolicyError::NotAPolicy(object.clone()))?;
    let data = config_map.data.clone().unwrap_or_default();
    let sql = data
        .get(SQL_KEY)
        .ok_or_else(|| PolicyError::NotAPolicy(object.clone()))?;
    let transaction = match data.get(TRANSACTION_KEY).map(String::as_str) {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(PolicyError::Transaction {
                name: object,
                value: other.to_string(),
            });
        }
    };
    Policy::new(name, sql, transaction)
}

/// What a cluster records about a policy it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub sha256: String,
    /// RFC 3339.
    pub applied_at: String,
    pub database: String,
}

/// The annotation key of policy `name`'s record.
pub fn record_key(name: &str) -> String {
    format!("{RECORD_PREFIX}{name}")
}

/// The records of a cluster's annotations, by policy name; an unreadable one is skipped (it
/// counts as never applied).
pub fn records(annotations: Option<&BTreeMap<String, String>>) -> BTreeMap<String, Record> {
    annotations
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| {
            let name = key.strip_prefix(RECORD_PREFIX)?;
            let record = serde_json::from_str(value).ok()?;
            Some((name.to_string(), record))
        })
        .collect()
}

/// The merge patch that records `record` of policy `name` on a cluster.
pub fn record_patch(name: &str, record: &Record) -> serde_json::Value {
    let value = serde_json::to_string(record).unwrap_or_default();
    serde_json::json!({"metadata": {"annotations": {record_key(name): value}}})
}

/// What `policy apply` does on one cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// Run the SQL.
    Apply,
    /// The same SQL ran on this database before: nothing to do (`--force` runs it again).
    Unchanged,
    /// A standby cluster replays its source and takes no writes.
    SkipStandby,
}

/// Whether `policy` runs on a cluster, from the cluster's record of it.
pub fn decide(
    policy: &Policy,
    database: &str,
    record: Option<&Record>,
    standby: bool,
    force: bool,
) -> Decision {
    if standby {
        return Decision::SkipStandby;
    }
    let same = record.is_some_and(|r| r.sha256 == policy.sha256() && r.database == database);
    if same && !force {
        Decision::Unchanged
    } else {
        Decision::Apply
    }
}

#[cfg(test)]
mod tests;
