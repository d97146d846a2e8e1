//! Reads the observed state: roles (with `rolpassword`, so the connection must be a
//! superuser's), memberships, databases, available extensions, and inside each prepared
//! database its schemas, schema privileges, extensions and default privileges.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use pgctl_shared::password::Verifier;
use pgctl_shared::roles::model::{
    DefaultPrivilege, ObjectKind, Privilege, RoleAttributes, SchemaGrant,
};
use pgctl_shared::roles::sql::parse_identifier_list;
use pgctl_shared::roles::{Desired, Observed, ObservedDatabase, ObservedRole};
use tokio_postgres::{Client, Row};

use super::connect::Connector;
use super::error::{SqlError, describe};

const ROLES: &str = "SELECT a.rolname, a.rolsuper, a.rolinherit, a.rolcreaterole, a.rolcreatedb, \
       a.rolcanlogin, a.rolreplication, a.rolbypassrls, a.rolpassword, \
       shobj_description(a.oid, 'pg_authid') AS comment, \
       (SELECT s.setconfig FROM pg_catalog.pg_db_role_setting s \
         WHERE s.setrole = a.oid AND s.setdatabase = 0) AS setconfig \
  FROM pg_catalog.pg_authid a WHERE a.rolname !~ '^pg_'";

const MEMBERSHIPS: &str = "SELECT g.rolname AS grp, m.rolname AS member, bool_or(am.admin_option) AS admin \
  FROM pg_catalog.pg_auth_members am \
  JOIN pg_catalog.pg_roles g ON g.oid = am.roleid \
  JOIN pg_catalog.pg_roles m ON m.oid = am.member \
 GROUP BY 1, 2";

const DATABASES: &str =
    "SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba) AS owner FROM pg_catalog.pg_database d";

const AVAILABLE_EXTENSIONS: &str = "SELECT name FROM pg_catalog.pg_available_extensions";

const SCHEMAS: &str = "SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner \
  FROM pg_catalog.pg_namespace n \
 WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

const SCHEMA_GRANTS: &str = "SELECT n.nspname, g.rolname, a.privilege_type \
  FROM pg_catalog.pg_namespace n \
  CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a \
  JOIN pg_catalog.pg_roles g ON g.oid = a.grantee \
 WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

const EXTENSIONS: &str = "SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e \
  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace";

const DEFAULT_PRIVILEGES: &str = "SELECT o.rolname AS owner, n.nspname, d.defaclobjtype::text AS kind, \
       g.rolname AS grantee, a.privilege_type \
  FROM pg_catalog.pg_default_acl d \
  JOIN pg_catalog.pg_roles o ON o.oid = d.defaclrole \
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace \
  CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a \
  JOIN pg_catalog.pg_roles g ON g.oid = a.grantee";

/// Reads the cluster-wide state and every prepared database of `desired` that exists.
pub async fn observe(connector: &Connector, desired: &Desired) -> Result<Observed, SqlError> {
    let timeout = connector.options().client_timeout();
    let database = connector.options().maintenance_database.clone();
    let mut observed = observe_cluster(connector.client(), &database, timeout).await?;
    for name in desired.databases_to_inspect(&observed) {
        let client = connector.connect_database(&name).await?;
        let db = observe_database(&client, &name, timeout).await?;
        observed.per_database.insert(name, db);
    }
    Ok(observed)
}

async fn query(
    client: &Client,
    sql: &str,
    what: &'static str,
    database: &str,
    timeout: Duration,
) -> Result<Vec<Row>, SqlError> {
    match tokio::time::timeout(timeout, client.query(sql, &[])).await {
        Err(_) => Err(SqlError::Timeout {
            what: format!("reading {what}"),
            database: database.to_string(),
            timeout,
        }),
        Ok(Err(e)) => {
            let (message, code) = describe(&e);
            Err(SqlError::Observe {
                what,
                database: database.to_string(),
                message,
                code,
            })
        }
        Ok(Ok(rows)) => Ok(rows),
    }
}

fn column<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a Row,
    idx: usize,
    what: &'static str,
    database: &str,
) -> Result<T, SqlError> {
    row.try_get(idx).map_err(|e| {
        let (message, code) = describe(&e);
        SqlError::Observe {
            what,
            database: database.to_string(),
            message,
            code,
        }
    })
}

/// Roles, memberships, databases and available extensions. The queries are pipelined on the
/// one connection.
pub async fn observe_cluster(
    client: &Client,
    database: &str,
    timeout: Duration,
) -> Result<Observed, SqlError> {
    let (roles, memberships, databases, extensions) = tokio::try_join!(
        query(client, ROLES, "roles", database, timeout),
        query(client, MEMBERSHIPS, "role memberships", database, timeout),
        query(client, DATABASES, "databases", database, timeout),
        query(
            client,
            AVAILABLE_EXTENSIONS,
            "available extensions",
            database,
            timeout
        ),
    )?;
    let mut observed = Observed::default();
    for row in &roles {
        let what = "roles";
        let name: String = column(row, 0, what, database)?;
        let attributes = RoleAttributes {
            superuser: column(row, 1, what, database)?,
            inherit: column(row, 2, what, database)?,
            createrole: column(row, 3, what, database)?,
            createdb: column(row, 4, what, database)?,
            login: column(row, 5, what, database)?,
            replication: column(row, 6, what, database)?,
            bypassrls: column(row, 7, what, database)?,
        };
        let password: Option<String> = column(row, 8, what, database)?;
        let comment: Option<String> = column(row, 9, what, database)?;
        let config: Option<Vec<String>> = column(row, 10, what, database)?;
        let search_path = config.iter().flatten().find_map(|setting| {
            setting
                .strip_prefix("search_path=")
                .and_then(parse_identifier_list)
        });
        observed.roles.insert(
            name,
            ObservedRole {
                attributes,
                password: password.map(Verifier::from_stored),
                comment,
                search_path,
            },
        );
    }
    for row in &memberships {
        let what = "role memberships";
        let group: String = column(row, 0, what, database)?;
        let member: String = column(row, 1, what, database)?;
        let admin: bool = column(row, 2, what, database)?;
        observed.memberships.insert((group, member), admin);
    }
    for row in &databases {
        let name: String = column(row, 0, "databases", database)?;
        let owner: String = column(row, 1, "databases", database)?;
        observed.databases.insert(name, owner);
    }
    let mut available = BTreeSet::new();
    for row in &extensions {
        available.insert(column::<String>(row, 0, "available extensions", database)?);
    }
    observed.available_extensions = Some(available);
    Ok(observed)
}

/// Schemas, schema privileges, extensions and default privileges of the database `client` is
/// connected to (named `database` in errors).
pub async fn observe_database(
    client: &Client,
    database: &str,
    timeout: Duration,
) -> Result<ObservedDatabase, SqlError> {
    let (schemas, grants, extensions, defaults) = tokio::try_join!(
        query(client, SCHEMAS, "schemas", database, timeout),
        query(
            client,
            SCHEMA_GRANTS,
            "schema privileges",
            database,
            timeout
        ),
        query(client, EXTENSIONS, "extensions", database, timeout),
        query(
            client,
            DEFAULT_PRIVILEGES,
            "default privileges",
            database,
            timeout
        ),
    )?;
    let mut out = ObservedDatabase {
        schemas: BTreeMap::new(),
        ..Default::default()
    };
    for row in &schemas {
        out.schemas.insert(
            column(row, 0, "schemas", database)?,
            column(row, 1, "schemas", database)?,
        );
    }
    for row in &grants {
        let what = "schema privileges";
        let privilege: String = column(row, 2, what, database)?;
        if let Some(privilege) = Privilege::from_sql(&privilege) {
            out.schema_grants.insert(SchemaGrant {
                schema: column(row, 0, what, database)?,
                grantee: column(row, 1, what, database)?,
                privilege,
            });
        }
    }
    for row in &extensions {
        out.extensions.insert(
            column(row, 0, "extensions", database)?,
            column(row, 1, "extensions", database)?,
        );
    }
    for row in &defaults {
        let what = "default privileges";
        let kind: String = column(row, 2, what, database)?;
        let privilege: String = column(row, 4, what, database)?;
        let (Some(kind), Some(privilege)) = (
            ObjectKind::from_catalog(&kind),
            Privilege::from_sql(&privilege),
        ) else {
            continue;
        };
        out.default_privileges.insert(DefaultPrivilege {
            owner: column(row, 0, what, database)?,
            schema: column(row, 1, what, database)?,
            kind,
            grantee: column(row, 3, what, database)?,
            privilege,
        });
    }
    Ok(out)
}
