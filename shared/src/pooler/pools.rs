//! PgBouncer's `SHOW POOLS`, as `pgctl status` shows it: one [`Pool`] per database and user,
//! summed over the pooler's instances (each PgBouncer process has its own pools).

use std::collections::BTreeMap;

use serde::Serialize;

/// The admin console's own pseudo-database, not a pool of the cluster.
const ADMIN_DATABASE: &str = "pgbouncer";

/// One pool: client and server connections of a database and user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    pub database: String,
    pub user: String,
    /// Clients linked to a server connection, or idle with nothing to run.
    pub clients_active: u64,
    /// Clients waiting for a server connection.
    pub clients_waiting: u64,
    /// Server connections linked to a client.
    pub servers_active: u64,
    /// Server connections ready for a client (idle or just used).
    pub servers_idle: u64,
    /// How long the oldest waiting client has waited, in seconds (the most over instances).
    pub max_wait_seconds: u64,
    pub mode: String,
}

/// The pools of one `SHOW POOLS` answer, a row being column name → text value. Rows without a
/// database or user, and the admin console's own, are left out; a missing or unreadable
/// count is 0 (older PgBouncers have fewer columns).
pub fn from_rows(rows: &[BTreeMap<String, String>]) -> Vec<Pool> {
    let count = |row: &BTreeMap<String, String>, column: &str| {
        row.get(column)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    rows.iter()
        .filter_map(|row| {
            let database = row.get("database").filter(|d| !d.is_empty())?;
            let user = row.get("user").filter(|u| !u.is_empty())?;
            if database == ADMIN_DATABASE {
                return None;
            }
            Some(Pool {
                database: database.clone(),
                user: user.clone(),
                clients_active: count(row, "cl_active"),
                clients_waiting: count(row, "cl_waiting"),
                servers_active: count(row, "sv_active"),
                servers_idle: count(row, "sv_idle") + count(row, "sv_used"),
                max_wait_seconds: count(row, "maxwait"),
                mode: row.get("pool_mode").cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// The pools of several instances of one pooler, summed per database and user (the longest
/// wait is the longest of any instance), sorted by database and user.
pub fn merge(instances: impl IntoIterator<Item = Vec<Pool>>) -> Vec<Pool> {
    let mut merged: BTreeMap<(String, String), Pool> = BTreeMap::new();
    for pool in instances.into_iter().flatten() {
        let key = (pool.database.clone(), pool.user.clone());
        match merged.get_mut(&key) {
            Some(sum) => {
                sum.clients_active += pool.clients_active;
                sum.clients_waiting += pool.clients_waiting;
                sum.servers_active += pool.servers_active;
                sum.servers_idle += pool.servers_idle;
                sum.max_wait_seconds = sum.max_wait_seconds.max(pool.max_wait_seconds);
            }
            None => {
                merged.insert(key, pool);
            }
        }
    }
    merged.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pools_are_read_from_show_pools_without_the_admin_console() {
        let rows = vec![
            row(&[
                ("database", "appdb"),
                ("user", "app"),
                ("cl_active", "3"),
                ("cl_waiting", "2"),
                ("sv_active", "3"),
                ("sv_idle", "1"),
                ("sv_used", "1"),
                ("maxwait", "4"),
                ("pool_mode", "transaction"),
            ]),
            row(&[("database", "pgbouncer"), ("user", "pgbouncer")]),
            // An unreadable count is 0, not an error.
            row(&[
                ("database", "postgres"),
                ("user", "pooler"),
                ("cl_active", "x"),
            ]),
            row(&[("database", ""), ("user", "nobody")]),
        ];
        let pools = from_rows(&rows);
        assert_eq!(pools.len(), 2);
        assert_eq!(
            pools[0],
            Pool {
                database: "appdb".into(),
                user: "app".into(),
                clients_active: 3,
                clients_waiting: 2,
                servers_active: 3,
                servers_idle: 2,
                max_wait_seconds: 4,
                mode: "transaction".into(),
            }
        );
        assert_eq!(pools[1].clients_active, 0);
    }

    #[test]
    fn instances_add_up_and_the_longest_wait_wins() {
        let one = |active, wait| Pool {
            database: "appdb".into(),
            user: "app".into(),
            clients_active: active,
            max_wait_seconds: wait,
            ..Pool::default()
        };
        let other = Pool {
            database: "a".into(),
            user: "b".into(),
            ..Pool::default()
        };
        let merged = merge([vec![one(2, 1)], vec![one(5, 7), other.clone()]]);
        assert_eq!(merged, vec![other, one(7, 7)]);
    }
}
