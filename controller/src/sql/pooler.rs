//! The pooler's lookup function (`SCHEMA.user_lookup`, [`pgctl_shared::pooler`]) in every
//! database that accepts connections: PgBouncer's `auth_query` calls it as the pooler role to
//! read a client's password verifier. Installed where it is missing (a new database gets it at
//! the next sync), never changed where it exists. The caller says which databases were
//! already seen to have it, so that a resync does not open a connection to every database.

use pgctl_shared::pooler;

use super::{Connector, SqlError};

fn observe<'a>(
    what: &'static str,
    database: &'a str,
) -> impl Fn(tokio_postgres::Error) -> SqlError + 'a {
    move |e| SqlError::Observe {
        what,
        database: database.to_string(),
        message: e.to_string(),
        code: e.code().map(|c| c.code().to_string()),
    }
}

/// What [`install_lookup`] did.
#[derive(Debug, Default)]
pub struct Lookup {
    /// The databases it was installed in.
    pub installed: Vec<String>,
    /// The databases that have it now (installed or found), not known before.
    pub confirmed: Vec<String>,
}

/// Installs the lookup function for `user` in the databases that lack it, skipping those for
/// which `known` says they have it.
pub async fn install_lookup(
    connector: &Connector,
    schema: &str,
    user: &str,
    known: impl Fn(&str) -> bool,
) -> Result<Lookup, SqlError> {
    let databases: Vec<String> = connector
        .client()
        .query(
            "select datname from pg_database where datallowconn and not datistemplate order by 1",
            &[],
        )
        .await
        .map_err(observe("the databases", "postgres"))?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let function = format!(
        "\"{}\".{}",
        schema.replace('"', "\"\""),
        pooler::LOOKUP_FUNCTION
    );
    let mut done = Lookup::default();
    for database in databases.into_iter().filter(|d| !known(d)) {
        let client = connector.connect_database(&database).await?;
        let present: bool = client
            .query_one("select to_regprocedure($1) is not null", &[&function])
            .await
            .map_err(observe("the pooler's lookup function", &database))?
            .get(0);
        if !present {
            client
                .batch_execute(&pooler::lookup_function_sql(schema, user))
                .await
                .map_err(observe(
                    "installing the pooler's lookup function",
                    &database,
                ))?;
            done.installed.push(database.clone());
        }
        done.confirmed.push(database);
    }
    Ok(done)
}
