//! The pooler's lookup function (`SCHEMA.user_lookup`, [`pgctl_shared::pooler`]) in every
//! database that accepts connections: PgBouncer's `auth_query` calls it as the pooler role to
//! read a client's password verifier. Installed where it is missing (a new database gets it at
//! the next sync), never changed where it exists.

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

/// Installs the lookup function for `user` in the databases that lack it; returns those.
pub async fn install_lookup(
    connector: &Connector,
    schema: &str,
    user: &str,
) -> Result<Vec<String>, SqlError> {
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
    let mut installed = Vec::new();
    for database in databases {
        let client = connector.connect_database(&database).await?;
        let present: bool = client
            .query_one("select to_regprocedure($1) is not null", &[&function])
            .await
            .map_err(observe("the pooler's lookup function", &database))?
            .get(0);
        if present {
            continue;
        }
        client
            .batch_execute(&pooler::lookup_function_sql(schema, user))
            .await
            .map_err(observe(
                "installing the pooler's lookup function",
                &database,
            ))?;
        installed.push(database);
    }
    Ok(installed)
}
