//! A cluster's WAL archive in its object store, read from here as the cluster's pods reach it:
//! the bucket of `wal_s3_bucket` (or the pods' `WAL_S3_BUCKET`), the endpoint, region and
//! credentials of the pods' environment (`pod_environment_configmap`, `pod_environment_secret`,
//! the manifest's literal `env`), over this shell's `AWS_*` variables. `--endpoint` names the
//! store as this machine reaches it when the pods' address is an in-cluster one.
//!
//! What is in the archive is decided by [`pgctl_shared::backup::catalog`] (both layouts: WAL-G's
//! of a Spilo image, Barman's of the local data plane); this module only fetches.

use std::collections::BTreeMap;

use clap::Args;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::Api;
use pgctl_shared::backup::catalog::{self, Catalog};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;

use crate::k8s::{self, Kube};
use crate::s3;

/// Where the object store is, when the cluster's settings do not say it for this machine.
#[derive(Debug, Args, Clone, Default)]
pub struct StoreArgs {
    /// The object store's endpoint as this machine reaches it (the pods' `AWS_ENDPOINT` may be
    /// an in-cluster address), e.g. `http://127.0.0.1:27070`; requests to it are path-style.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The bucket, when `wal_s3_bucket` is empty (a cluster that archives through its own env).
    #[arg(long, value_name = "BUCKET")]
    pub bucket: Option<String>,
}

/// An open object store and the path of the clusters' archives in it.
#[derive(Debug)]
pub struct Store {
    client: s3::Client,
    bucket: String,
    /// `WAL_BUCKET_SCOPE_PREFIX`.
    scope_prefix: String,
    /// The endpoint's URL (AWS's of the region without one), for messages.
    endpoint: String,
}

/// The store of `cluster`'s archive (its pods' settings when it exists, else the operator's).
pub async fn open(
    kube: &Kube,
    config: &OperatorConfig,
    cluster: Option<&Postgresql>,
    args: &StoreArgs,
) -> anyhow::Result<Store> {
    let vars = variables(kube, config, cluster).await?;
    let bucket = args
        .bucket
        .clone()
        .or_else(|| Some(config.wal_s3_bucket.clone()).filter(|b| !b.is_empty()))
        .or_else(|| vars.get("WAL_S3_BUCKET").cloned())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no WAL archive in S3 is configured: wal_s3_bucket is empty and the pods get no WAL_S3_BUCKET (pass --bucket)"
            )
        })?;
    let mut settings = s3::Settings::from_vars(&bucket, "", |name| vars.get(name).cloned());
    if let Some(endpoint) = args.endpoint.clone().filter(|e| !e.is_empty()) {
        // An address of this machine's (an IP, a tunnel) names no bucket host.
        settings.endpoint = Some(endpoint);
        settings.path_style = true;
    }
    let client = s3::Client::new(&settings)?;
    let endpoint = settings
        .endpoint
        .clone()
        .unwrap_or_else(|| format!("AWS S3 in {}", settings.region));
    Ok(Store {
        client,
        endpoint,
        bucket,
        scope_prefix: vars
            .get("WAL_BUCKET_SCOPE_PREFIX")
            .cloned()
            .unwrap_or_default(),
    })
}

impl Store {
    /// `s3://BUCKET/spilo/…SCOPE/ (at ENDPOINT)`, for messages.
    pub fn place(&self, scope: &str, uid: Option<&str>) -> String {
        format!(
            "s3://{}/{} (at {})",
            self.bucket,
            catalog::cluster_prefix(&self.scope_prefix, scope, uid),
            self.endpoint
        )
    }

    /// The archives of cluster `scope` (of incarnation `uid`, or all of them).
    pub async fn catalog(&self, scope: &str, uid: Option<&str>) -> anyhow::Result<Catalog> {
        let prefix = catalog::cluster_prefix(&self.scope_prefix, scope, uid);
        let mut objects = self.client.list(&prefix).await?;
        let mut metadata = BTreeMap::new();
        for key in catalog::metadata_to_fetch(&objects) {
            match self.client.get(&key).await {
                Ok(bytes) => {
                    metadata.insert(key, bytes);
                }
                // Deleted since the listing (a retention run): as if never listed.
                Err(s3::S3Error::NotFound { .. }) => objects.retain(|o| o.key != key),
                Err(error) => return Err(error.into()),
            }
        }
        Ok(catalog::build(&objects, &metadata)?)
    }
}

/// The variables the cluster's pods get from the configuration and the manifest, over this
/// shell's `AWS_*`: a later source wins, as in the pods.
async fn variables(
    kube: &Kube,
    config: &OperatorConfig,
    cluster: Option<&Postgresql>,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut vars: BTreeMap<String, String> = std::env::vars()
        .filter(|(k, _)| k.starts_with("AWS_"))
        .collect();
    if let Some(url) = vars.get("AWS_ENDPOINT_URL").cloned() {
        vars.entry("AWS_ENDPOINT".to_string()).or_insert(url);
    }
    let namespace = cluster
        .and_then(|c| c.metadata.namespace.clone())
        .unwrap_or_else(|| kube.namespace.clone());
    if let Some(reference) = config.pod_environment_configmap.as_deref() {
        let (ns, name) = reference
            .split_once('/')
            .unwrap_or((namespace.as_str(), reference));
        let api: Api<ConfigMap> = Api::namespaced(kube.client.clone(), ns);
        let what = format!("reading ConfigMap {ns}/{name} (pod_environment_configmap)");
        if let Some(map) = api
            .get_opt(name)
            .await
            .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
        {
            vars.extend(map.data.unwrap_or_default());
        }
    }
    if let Some(name) = config.pod_environment_secret.as_deref() {
        let api: Api<Secret> = Api::namespaced(kube.client.clone(), &namespace);
        let what = format!("reading Secret {namespace}/{name} (pod_environment_secret)");
        if let Some(secret) = api
            .get_opt(name)
            .await
            .map_err(|e| kube.explain(e, k8s::Subject::Other(&what)))?
        {
            for (key, value) in secret.data.unwrap_or_default() {
                if let Ok(text) = String::from_utf8(value.0) {
                    vars.insert(key, text);
                }
            }
        }
    }
    if let Some(cluster) = cluster {
        for var in cluster.spec.env.iter().flatten() {
            if let Some(value) = &var.value {
                vars.insert(var.name.clone(), value.clone());
            }
        }
    }
    Ok(vars)
}
