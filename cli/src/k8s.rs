//! The Kubernetes client: found as kubectl finds it, bounded by `--request-timeout`, with
//! errors that say what is wrong and what to do.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::crd::Postgresql;

use crate::global::GlobalArgs;

/// Field manager of everything pgctl applies or patches.
pub const FIELD_MANAGER: &str = "pgctl";
/// Name of the operator ConfigMap.
pub const OPERATOR_CONFIG_MAP: &str = "postgres-operator";

/// A connected client plus what commands need to know about it.
#[derive(Clone)]
pub struct Kube {
    pub client: Client,
    /// The namespace of `-n`, else of the kubeconfig context, else `default`.
    pub namespace: String,
    /// The API server's URL, for messages.
    pub server: String,
    pub timeout: Option<Duration>,
    pub controller_namespace: String,
}

/// Reads the kubeconfig as kubectl does: `--kubeconfig`, else `$KUBECONFIG` (a list of files,
/// merged), else `~/.kube/config`; then the in-cluster service account.
pub async fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let options = KubeConfigOptions {
        context: global.context.clone(),
        cluster: None,
        user: None,
    };
    let mut config = match &global.kubeconfig {
        Some(path) => {
            let kubeconfig = Kubeconfig::read_from(path)
                .with_context(|| format!("cannot read the kubeconfig {}", path.display()))?;
            Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .with_context(|| format!("cannot use the kubeconfig {}", path.display()))?
        }
        None => match Kubeconfig::read() {
            Ok(kubeconfig) => Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .context("cannot use the kubeconfig ($KUBECONFIG or ~/.kube/config)")?,
            Err(read_error) => match Config::incluster() {
                Ok(config) if global.context.is_none() => config,
                _ => {
                    return Err(anyhow::Error::new(read_error).context(
                        "no kubeconfig found: set $KUBECONFIG, pass --kubeconfig, or create ~/.kube/config",
                    ));
                }
            },
        },
    };
    let timeout = non_zero(global.request_timeout);
    config.connect_timeout = timeout.or(config.connect_timeout);
    config.read_timeout = timeout;
    config.write_timeout = timeout.or(config.write_timeout);
    config.reset_reader_on_write = true;
    Ok(config)
}

/// The namespace a command works in without contacting a cluster: `-n`, else the kubeconfig
/// context's, else `default`.
pub async fn namespace_offline(global: &GlobalArgs) -> String {
    if let Some(namespace) = &global.namespace {
        return namespace.clone();
    }
    match load_config(global).await {
        Ok(config) => config.default_namespace,
        Err(_) => "default".to_string(),
    }
}

fn non_zero(duration: Duration) -> Option<Duration> {
    (!duration.is_zero()).then_some(duration)
}

/// Connects (lazily: no request is made here).
pub async fn connect(global: &GlobalArgs) -> anyhow::Result<Kube> {
    let config = load_config(global).await?;
    let namespace = global
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let timeout = non_zero(global.request_timeout);
    let client = Client::try_from(config).context("cannot create a Kubernetes client")?;
    Ok(Kube {
        client,
        namespace,
        server,
        timeout,
        controller_namespace: global.controller_namespace.clone(),
    })
}

/// What a failed request was about, for the error message.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// One postgresql resource.
    Cluster { name: &'a str, namespace: &'a str },
    /// Listing postgresql resources.
    Clusters,
    /// Anything else, described in words (`reading pods of acid-foo`).
    Other(&'a str),
}

impl Kube {
    /// Sets (a string) or removes (`null`) annotations of the cluster `name` of the current
    /// namespace by a merge patch under the CLI's field manager; `what` names the request in a
    /// timeout message.
    pub async fn annotate_cluster(
        &self,
        name: &str,
        annotations: serde_json::Value,
        what: &str,
    ) -> anyhow::Result<()> {
        let patch = serde_json::json!({"metadata": {"annotations": annotations}});
        self.patch_cluster(name, &patch, what).await?;
        Ok(())
    }

    /// A JSON merge patch of the cluster `name` of the current namespace, under pgctl's field
    /// manager, within the request timeout; the resource as patched.
    pub async fn patch_cluster(
        &self,
        name: &str,
        patch: &serde_json::Value,
        what: &str,
    ) -> anyhow::Result<Postgresql> {
        let params = kube::api::PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            ..kube::api::PatchParams::default()
        };
        bounded(self.timeout, what, async {
            self.clusters(&self.namespace)
                .patch(name, &params, &kube::api::Patch::Merge(patch))
                .await
                .map_err(|e| {
                    self.explain(
                        e,
                        Subject::Cluster {
                            name,
                            namespace: &self.namespace,
                        },
                    )
                })
        })
        .await
    }

    /// The `password` of Secret `namespace/secret_name` (the user's credentials Secret), with
    /// the errors people need when it is missing or unreadable.
    pub async fn secret_password(
        &self,
        namespace: &str,
        secret_name: &str,
    ) -> anyhow::Result<String> {
        let secrets: Api<k8s_openapi::api::core::v1::Secret> =
            Api::namespaced(self.client.clone(), namespace);
        let what = format!("reading Secret {secret_name}");
        let secret = bounded(self.timeout, &what, async {
            secrets
                .get_opt(secret_name)
                .await
                .map_err(|e| self.explain(e, Subject::Other(&what)))
        })
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "Secret {secret_name:?} not found in namespace {namespace:?}: the controller creates it once the cluster is synced (or check --user)"
            )
        })?;
        let bytes = secret
            .data
            .and_then(|d| d.get("password").cloned())
            .ok_or_else(|| anyhow::anyhow!("Secret {secret_name:?} has no key \"password\""))?;
        String::from_utf8(bytes.0)
            .map_err(|_| anyhow::anyhow!("the password in Secret {secret_name:?} is not UTF-8"))
    }

    /// The clusters of the current namespace, or of every one, that `selector` (if any)
    /// selects: one list call within the request timeout.
    pub async fn list_clusters(
        &self,
        all_namespaces: bool,
        selector: Option<&str>,
    ) -> anyhow::Result<Vec<Postgresql>> {
        let api: Api<Postgresql> = if all_namespaces {
            Api::all(self.client.clone())
        } else {
            self.clusters(&self.namespace)
        };
        let mut params = kube::api::ListParams::default();
        if let Some(selector) = selector {
            params = params.labels(selector);
        }
        let listed = bounded(self.timeout, "listing clusters", async {
            api.list(&params)
                .await
                .map_err(|e| self.explain(e, Subject::Clusters))
        })
        .await?;
        Ok(listed.items)
    }

    /// The clusters of the current namespace that `selector` selects: a usage error for an
    /// empty selector (it would select them all), an error when none matches.
    pub async fn select_clusters(&self, selector: &str) -> anyhow::Result<Vec<Postgresql>> {
        if selector.trim().is_empty() {
            return Err(crate::exit::usage(
                "-l needs a label selector, e.g. -l team=acid (an empty one would select every cluster)",
            ));
        }
        let listed = self.list_clusters(false, Some(selector)).await?;
        if listed.is_empty() {
            anyhow::bail!(
                "no cluster in namespace {:?} matches {selector:?}; nothing was done",
                self.namespace
            );
        }
        Ok(listed)
    }

    /// The names of [`Kube::select_clusters`].
    pub async fn select_cluster_names(&self, selector: &str) -> anyhow::Result<Vec<String>> {
        Ok(self
            .select_clusters(selector)
            .await?
            .into_iter()
            .filter_map(|pg| pg.metadata.name)
            .collect())
    }

    /// The postgresql resources of a namespace.
    pub fn clusters(&self, namespace: &str) -> Api<Postgresql> {
        Api::namespaced(self.client.clone(), namespace)
    }

    /// Api of a namespaced kind in the current namespace.
    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Reads one cluster, with the errors people need: not found, CRD not installed,
    /// unreachable.
    pub async fn get_cluster(&self, name: &str) -> anyhow::Result<Postgresql> {
        self.clusters(&self.namespace).get(name).await.map_err(|e| {
            self.explain(
                e,
                Subject::Cluster {
                    name,
                    namespace: &self.namespace,
                },
            )
        })
    }

    /// Reads one cluster of this namespace if it exists (`None`: not found), with the errors
    /// of [`Kube::get_cluster`] otherwise.
    pub async fn find_cluster(&self, name: &str) -> anyhow::Result<Option<Postgresql>> {
        self.clusters(&self.namespace)
            .get_opt(name)
            .await
            .map_err(|e| {
                self.explain(
                    e,
                    Subject::Cluster {
                        name,
                        namespace: &self.namespace,
                    },
                )
            })
    }

    /// Turns a client error into a message that says what is wrong and what to do.
    pub fn explain(&self, error: kube::Error, subject: Subject<'_>) -> anyhow::Error {
        anyhow::anyhow!(explain(&error, subject, &self.server, self.timeout))
    }

    /// The operator configuration from the ConfigMap `postgres-operator` in the controller's
    /// namespace, or the defaults when it cannot be read.
    pub async fn operator_config(&self) -> OperatorConfig {
        let api: Api<ConfigMap> = Api::namespaced(self.client.clone(), &self.controller_namespace);
        let Ok(Some(config_map)) = api.get_opt(OPERATOR_CONFIG_MAP).await else {
            return OperatorConfig::default();
        };
        let data: BTreeMap<String, String> = config_map.data.unwrap_or_default();
        match OperatorConfig::from_config_map_data(&data) {
            Ok(loaded) => loaded.config,
            Err(error) => {
                eprintln!(
                    "warning: the operator configuration {}/{OPERATOR_CONFIG_MAP} is invalid ({error}); using the defaults",
                    self.controller_namespace
                );
                OperatorConfig::default()
            }
        }
    }
}

/// How an object is applied.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    pub dry_run: bool,
    pub force: bool,
}

/// An API for any kind, found through discovery; namespaced kinds in `namespace`.
pub async fn dynamic_api(
    kube: &Kube,
    api_version: &str,
    kind: &str,
    namespace: &str,
) -> anyhow::Result<Api<kube::api::DynamicObject>> {
    use kube::core::GroupVersionKind;
    use kube::discovery::{self, Scope};

    let (group, version) = match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    };
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let what = format!("finding the resource of {api_version}/{kind}");
    let (resource, capabilities) = discovery::pinned_kind(&kube.client, &gvk).await.map_err(
        |e| match &e {
            kube::Error::Api(status) if status.code == 404 => anyhow::anyhow!(
                "the API server does not serve {api_version}/{kind}{}",
                if group == pgctl_shared::crd::GROUP {
                    " (the postgresql CRD is not installed in this cluster: run 'pgctl install')"
                } else {
                    ""
                }
            ),
            _ => kube.explain(e, Subject::Other(&what)),
        },
    )?;
    Ok(match capabilities.scope {
        Scope::Cluster => Api::all_with(kube.client.clone(), &resource),
        Scope::Namespaced => Api::namespaced_with(kube.client.clone(), namespace, &resource),
    })
}

/// Server-side applies any object (JSON with apiVersion, kind and metadata.name), finding its
/// resource through discovery. Namespaced objects without a namespace go to `namespace`.
pub async fn apply_object(
    kube: &Kube,
    object: &serde_json::Value,
    namespace: &str,
    options: ApplyOptions,
) -> anyhow::Result<serde_json::Value> {
    use kube::api::{Patch, PatchParams};

    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let kind = object["kind"].as_str().unwrap_or_default();
    let name = object["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| anyhow::anyhow!("{api_version}/{kind} without metadata.name"))?;
    let ns = object["metadata"]["namespace"]
        .as_str()
        .filter(|n| !n.is_empty())
        .unwrap_or(namespace);
    let api = dynamic_api(kube, api_version, kind, ns).await?;
    let mut params = PatchParams::apply(FIELD_MANAGER);
    params.dry_run = options.dry_run;
    params.force = options.force;
    let what = format!("applying {kind} {name}");
    let applied = api
        .patch(name, &params, &Patch::Apply(object))
        .await
        .map_err(|e| match &e {
            kube::Error::Api(status) if status.code == 409 => anyhow::anyhow!(
                "{kind} {name:?}: conflict with another field manager: {} (pass --force-conflicts to take the fields over)",
                status.message
            ),
            _ => kube.explain(e, Subject::Other(&what)),
        })?;
    Ok(serde_json::to_value(applied)?)
}

/// The message for a client error (pure, for tests).
pub fn explain(
    error: &kube::Error,
    subject: Subject<'_>,
    server: &str,
    timeout: Option<Duration>,
) -> String {
    if let kube::Error::Api(status) = error {
        let crd_missing = status.code == 404
            && (status
                .message
                .contains("could not find the requested resource")
                || status.details.as_ref().is_some_and(|d| d.name.is_empty())
                    && status.message.is_empty());
        if crd_missing && !matches!(subject, Subject::Other(_)) {
            return "the postgresql CRD is not installed in this cluster: run 'pgctl install'"
                .to_string();
        }
        return match (status.code, subject) {
            (404, Subject::Cluster { name, namespace }) => {
                format!("postgresql {name:?} not found in namespace {namespace:?}")
            }
            (409, Subject::Cluster { name, namespace }) if status.reason == "AlreadyExists" => {
                format!(
                    "postgresql {name:?} already exists in namespace {namespace:?}: change it with 'pgctl update' or 'pgctl apply -f'"
                )
            }
            (409, Subject::Cluster { name, .. }) => format!(
                "postgresql {name:?} was changed by someone else meanwhile ({}); run the command again",
                status.message
            ),
            (401, _) => format!(
                "the API server at {server} rejected the credentials (401 Unauthorized): check the user of your kubeconfig context"
            ),
            (403, _) => format!(
                "forbidden: {} (ask for the RBAC permission)",
                status.message
            ),
            (422, _) | (400, _) => format!("the API server refused it: {}", status.message),
            _ => format!(
                "the API server answered {}: {}",
                status.code, status.message
            ),
        };
    }
    let chain = error_chain(error);
    let lower = chain.to_lowercase();
    let doing = match subject {
        Subject::Other(what) => format!(" ({what})"),
        _ => String::new(),
    };
    if lower.contains("connection refused") {
        format!("cannot reach the API server at {server}: connection refused{doing}")
    } else if lower.contains("timed out") || lower.contains("elapsed") || lower.contains("timeout")
    {
        let limit = timeout
            .map(|t| format!("{}s", t.as_secs_f64()))
            .unwrap_or_else(|| "the time limit".to_string());
        format!(
            "the API server at {server} did not answer within {limit}{doing}: raise --request-timeout or check the network"
        )
    } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
        format!("cannot reach the API server at {server}: {chain}{doing}")
    } else if lower.contains("certificate") || lower.contains("tls") {
        format!(
            "TLS error talking to the API server at {server}: {chain}{doing} (check the CA of your kubeconfig)"
        )
    } else if matches!(error, kube::Error::HyperError(_) | kube::Error::Service(_)) {
        format!("cannot reach the API server at {server}: {chain}{doing}")
    } else {
        format!("{chain}{doing}")
    }
}

/// An error and its sources, joined with `: `.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

/// Runs `future`, failing with a timeout error after `limit` (`None`: no limit).
pub async fn bounded<T>(
    limit: Option<Duration>,
    what: &str,
    future: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.map_err(|_| {
            anyhow::anyhow!(
                "{what} took longer than {}s: raise --request-timeout or check the network",
                limit.as_secs_f64()
            )
        })?,
        None => future.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;

    fn api_error(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(
            Status {
                code,
                reason: reason.to_string(),
                message: message.to_string(),
                ..Status::default()
            }
            .boxed(),
        )
    }

    #[test]
    fn not_found_names_the_cluster_and_namespace() {
        let error = api_error(
            404,
            "NotFound",
            "postgresqls.acid.zalan.do \"acid-foo\" not found",
        );
        let subject = Subject::Cluster {
            name: "acid-foo",
            namespace: "default",
        };
        assert_eq!(
            explain(&error, subject, "https://x", None),
            "postgresql \"acid-foo\" not found in namespace \"default\""
        );
    }

    #[test]
    fn missing_crd_says_to_install() {
        let error = api_error(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
        assert_eq!(
            explain(&error, Subject::Clusters, "https://x", None),
            "the postgresql CRD is not installed in this cluster: run 'pgctl install'"
        );
    }

    #[test]
    fn conflicts_and_forbidden() {
        let subject = Subject::Cluster {
            name: "a",
            namespace: "ns",
        };
        let exists = api_error(409, "AlreadyExists", "exists");
        assert!(
            explain(&exists, subject, "s", None).contains("already exists in namespace \"ns\"")
        );
        let forbidden = api_error(403, "Forbidden", "postgresqls is forbidden");
        assert!(explain(&forbidden, subject, "s", None).starts_with("forbidden:"));
    }
}
