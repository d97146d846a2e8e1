//! The local cluster's object store (`tests/cluster/up`: versitygw behind the Service
//! `s3.object-store`), set up for a test namespace the way a user of the reference operator
//! sets up a store: the credentials in a Secret and the settings in a ConfigMap that the pods
//! get through `pod_environment_secret` / `pod_environment_configmap`.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, PostParams};

use crate::cli::CliEnv;

/// The bucket `tests/cluster/up` makes.
pub const BUCKET: &str = "pgctl-backups";
/// The Secret and ConfigMap of the pods' environment in each test namespace.
pub const ENV_SECRET: &str = "s3-credentials";
pub const ENV_CONFIGMAP: &str = "s3";

/// The object store's credentials (`object-store/s3-credentials`) and settings
/// (`object-store/s3`), copied into the test namespace as a user would: the same credentials
/// for this cluster's archive (`AWS_*`) and for reading another's (`CLONE_AWS_*`, which Spilo
/// reads for a clone from an archive).
pub async fn object_store(env: &CliEnv) -> Result<()> {
    let client = env.client.clone();
    let ns = env.namespace.name();
    let secret = Api::<Secret>::namespaced(client.clone(), "object-store")
        .get("s3-credentials")
        .await
        .context("the object store's Secret object-store/s3-credentials (tests/cluster/up)")?;
    let settings = Api::<ConfigMap>::namespaced(client.clone(), "object-store")
        .get("s3")
        .await
        .context("the object store's ConfigMap object-store/s3 (tests/cluster/up)")?;
    // Spilo reads a clone's source with the CLONE_ variables, a standby's with the STANDBY_
    // ones, its own archive with the plain ones.
    const PREFIXES: [&str; 3] = ["", "CLONE_", "STANDBY_"];
    let mut data = BTreeMap::new();
    for (key, value) in secret.data.unwrap_or_default() {
        for prefix in PREFIXES {
            data.insert(format!("{prefix}{key}"), value.clone());
        }
    }
    let mut secret = Secret::default();
    secret.metadata.name = Some(ENV_SECRET.into());
    secret.data = Some(data);
    Api::<Secret>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &secret)
        .await?;
    let mut values = BTreeMap::new();
    for key in ["AWS_ENDPOINT", "AWS_S3_FORCE_PATH_STYLE", "AWS_REGION"] {
        let value = settings
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .with_context(|| format!("{key} in object-store/s3"))?
            .clone();
        for prefix in PREFIXES {
            values.insert(format!("{prefix}{key}"), value.clone());
        }
    }
    let mut config = ConfigMap::default();
    config.metadata.name = Some(ENV_CONFIGMAP.into());
    config.data = Some(values);
    Api::<ConfigMap>::namespaced(client, ns)
        .create(&PostParams::default(), &config)
        .await?;
    Ok(())
}

/// The configuration keys of a controller whose clusters archive to the store: `wal_s3_bucket`
/// and the pods' Secret and ConfigMap of [`object_store`].
pub const ARCHIVING: &[(&str, &str)] = &[
    ("wal_s3_bucket", BUCKET),
    ("pod_environment_secret", ENV_SECRET),
    ("pod_environment_configmap", ENV_CONFIGMAP),
];

/// A setting of the store's ConfigMap `object-store/s3` (`AWS_ENDPOINT`, `HOST_ENDPOINT`, …).
pub fn setting(key: &str) -> Result<String> {
    crate::data_plane::kubectl_ok(&[
        "get",
        "configmap",
        "-n",
        "object-store",
        "s3",
        "-o",
        &format!("jsonpath={{.data.{key}}}"),
    ])
}

/// The store's address for processes on this machine (`HOST_ENDPOINT`).
pub fn host_endpoint() -> Result<String> {
    setting("HOST_ENDPOINT")
}

/// The database's clock now, as `spec.clone.timestamp` wants it (an explicit offset).
pub fn now(ip: &str, password: &str) -> Result<String> {
    crate::data_plane::psql(
        ip,
        "postgres",
        password,
        "postgres",
        "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
    )
}

/// Closes the current WAL segment and waits until the archiver has pushed it to the store.
pub async fn archive_now(ip: &str, password: &str) -> Result<()> {
    use crate::data_plane::psql;
    let segment = psql(
        ip,
        "postgres",
        password,
        "postgres",
        "select pg_walfile_name(pg_switch_wal())",
    )?;
    crate::wait_for(
        &format!("WAL segment {segment} to be archived"),
        crate::db::BOOT,
        || async {
            let last = psql(
                ip,
                "postgres",
                password,
                "postgres",
                "select coalesce(last_archived_wal, '') from pg_stat_archiver",
            )?;
            Ok(last.as_str() >= segment.as_str())
        },
    )
    .await
}
