//! Executes a plan in order. Consecutive transactional statements for the same database run in
//! one transaction; `CREATE DATABASE` runs outside transactions, consecutive ones concurrently
//! on up to [`ConnectOptions::create_database_concurrency`] connections (copying the template
//! is the slow part of provisioning many databases). Statements for other databases than the
//! maintenance database run on a connection to that database, opened on first use.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use pgctl_shared::roles::{Plan, PlannedStatement, StatementKind};
use tokio_postgres::Client;

use super::connect::{ConnectOptions, Connector, connect};
use super::error::{SqlError, StatementFailure, describe};

/// What [`apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Statements executed and committed.
    pub executed: usize,
    pub by_kind: BTreeMap<StatementKind, usize>,
    pub elapsed: Duration,
}

/// Executes `plan.statements` in order and stops at the first error. Statements of a failed
/// transaction are rolled back; everything committed before stays.
pub async fn apply(connector: &Connector, plan: &Plan) -> Result<ApplyReport, SqlError> {
    let started = Instant::now();
    let mut report = ApplyReport::default();
    let mut others: HashMap<String, Client> = HashMap::new();
    let maintenance = connector.options().maintenance_database.clone();
    let statements = &plan.statements;
    let mut i = 0;
    while i < statements.len() {
        let first = &statements[i];
        // The run of statements that share a transaction.
        let mut end = i + 1;
        if first.transactional {
            while end < statements.len()
                && statements[end].transactional
                && statements[end].database == first.database
            {
                end += 1;
            }
        }
        if first.kind == StatementKind::CreateDatabase && first.database.is_none() {
            while end < statements.len()
                && statements[end].kind == StatementKind::CreateDatabase
                && statements[end].database.is_none()
            {
                end += 1;
            }
            let run = &statements[i..end];
            let (done, error) = create_databases(connector, &maintenance, run).await;
            for kind in done {
                report.executed += 1;
                *report.by_kind.entry(kind).or_insert(0) += 1;
            }
            if let Some(e) = error {
                return Err(e);
            }
            i = end;
            continue;
        }
        let run = &statements[i..end];
        let database = first
            .database
            .clone()
            .unwrap_or_else(|| maintenance.clone());
        let client = match &first.database {
            None => connector.client(),
            Some(db) => {
                if !others.contains_key(db) {
                    let c = connector.connect_database(db).await?;
                    others.insert(db.clone(), c);
                }
                match others.get(db) {
                    Some(c) => c,
                    None => connector.client(),
                }
            }
        };
        execute_run(connector, client, &database, run).await?;
        for s in run {
            report.executed += 1;
            *report.by_kind.entry(s.kind).or_insert(0) += 1;
        }
        i = end;
    }
    report.elapsed = started.elapsed();
    if report.executed > 0 {
        tracing::info!(
            statements = report.executed,
            elapsed_ms = report.elapsed.as_millis() as u64,
            "applied role and database plan"
        );
    }
    Ok(report)
}

/// Runs `CREATE DATABASE` statements on several connections at once. Returns the kinds of the
/// statements that succeeded and the first error, if any.
async fn create_databases(
    connector: &Connector,
    maintenance: &str,
    run: &[PlannedStatement],
) -> (Vec<StatementKind>, Option<SqlError>) {
    let opts = connector.options();
    let workers = opts.create_database_concurrency.clamp(1, run.len().max(1));
    let timeout = opts.client_timeout();
    if workers == 1 {
        let mut done = Vec::new();
        for s in run {
            if let Err(e) = exec(
                timeout,
                connector.client(),
                maintenance,
                s.expose_sql(),
                Some(s),
            )
            .await
            {
                return (done, Some(e));
            }
            done.push(s.kind);
        }
        return (done, None);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let chunk: Vec<PlannedStatement> = run.iter().skip(w).step_by(workers).cloned().collect();
        let endpoint = connector.endpoint().clone();
        let opts: ConnectOptions = opts.clone();
        let maintenance = maintenance.to_string();
        tasks.spawn(async move {
            let mut done = Vec::new();
            let client = match connect(&endpoint, &maintenance, &opts).await {
                Ok(c) => c,
                Err(e) => return (done, Some(e)),
            };
            for s in &chunk {
                tracing::debug!(kind = %s.kind, object = %s.object, sql = s.display_sql(), "executing");
                let sql = s.expose_sql();
                if let Err(e) = exec(opts.client_timeout(), &client, &maintenance, sql, Some(s)).await {
                    return (done, Some(e));
                }
                done.push(s.kind);
            }
            (done, None)
        });
    }
    let mut done = Vec::new();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((kinds, error)) => {
                done.extend(kinds);
                if first_error.is_none() {
                    first_error = error;
                }
            }
            Err(join_error) => {
                if first_error.is_none() {
                    first_error = Some(SqlError::Observe {
                        what: "a CREATE DATABASE worker",
                        database: maintenance.to_string(),
                        message: join_error.to_string(),
                        code: None,
                    });
                }
            }
        }
    }
    (done, first_error)
}

async fn execute_run(
    connector: &Connector,
    client: &Client,
    database: &str,
    run: &[PlannedStatement],
) -> Result<(), SqlError> {
    let timeout = connector.options().client_timeout();
    let in_transaction = run.len() > 1;
    if in_transaction {
        exec(timeout, client, database, "BEGIN", None).await?;
    }
    for s in run {
        tracing::debug!(kind = %s.kind, object = %s.object, database, sql = s.display_sql(), "executing");
        if let Err(e) = exec(timeout, client, database, s.expose_sql(), Some(s)).await {
            if in_transaction {
                // The transaction is aborted anyway; a failing ROLLBACK changes nothing.
                let _ = exec(timeout, client, database, "ROLLBACK", None).await;
            }
            return Err(e);
        }
    }
    if in_transaction {
        exec(timeout, client, database, "COMMIT", None).await?;
    }
    Ok(())
}

async fn exec(
    timeout: Duration,
    client: &Client,
    database: &str,
    sql: &str,
    statement: Option<&PlannedStatement>,
) -> Result<(), SqlError> {
    let result = tokio::time::timeout(timeout, client.batch_execute(sql)).await;
    let what = || match statement {
        Some(s) => format!("{} of {}", s.kind, s.object),
        None => sql.to_string(),
    };
    match result {
        Err(_) => Err(SqlError::Timeout {
            what: what(),
            database: database.to_string(),
            timeout,
        }),
        Ok(Err(e)) => {
            let (message, code) = describe(&e);
            Err(match statement {
                Some(s) => SqlError::Statement(Box::new(StatementFailure {
                    kind: s.kind,
                    object: s.object.clone(),
                    database: database.to_string(),
                    message,
                    code,
                })),
                None => SqlError::Observe {
                    what: "transaction control",
                    database: database.to_string(),
                    message,
                    code,
                },
            })
        }
        Ok(Ok(())) => Ok(()),
    }
}
