//! Infrastructure roles ([`pgctl_shared::roles::infrastructure`]): their Secrets, and the
//! ConfigMaps of the same names, read from the API server (they carry none of the operator's
//! labels, so no cache watches them). One read serves every cluster for [`REFRESH`]; a changed
//! configuration reads again at once. A Secret that cannot be read is a problem in the status
//! of every cluster; the roles of the other Secrets still apply. The reference reads them once
//! at start-up and keeps none when one fails.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::{Api, Client};
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::roles::infrastructure::{self, Loaded, Source};

/// How long one read of the Secrets serves (a rotated password reaches the clusters within
/// this and their next reconcile).
pub const REFRESH: Duration = Duration::from_secs(30);

/// The last read, shared by every namespace loop of the controller.
pub struct InfraRoles {
    operator_namespace: String,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

struct Cached {
    at: Instant,
    sources: Vec<Source>,
    loaded: Arc<Loaded>,
}

impl InfraRoles {
    /// `operator_namespace`: where a bare `infrastructure_roles_secret_name` points.
    pub fn new(operator_namespace: impl Into<String>) -> Self {
        Self {
            operator_namespace: operator_namespace.into(),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// The infrastructure roles of `config`, read at most every [`REFRESH`].
    pub async fn get(&self, client: &Client, config: &OperatorConfig) -> Arc<Loaded> {
        let sources = infrastructure::sources(config, &self.operator_namespace);
        if sources.is_empty() {
            return Arc::default();
        }
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && cached.sources == sources
            && cached.at.elapsed() < REFRESH
        {
            return cached.loaded.clone();
        }
        let loaded = Arc::new(load(client, &sources).await);
        for problem in &loaded.problems {
            tracing::warn!("{problem}");
        }
        *cache = Some(Cached {
            at: Instant::now(),
            sources,
            loaded: loaded.clone(),
        });
        loaded
    }
}

/// Reads every source; later sources win a role's name.
async fn load(client: &Client, sources: &[Source]) -> Loaded {
    let mut per_source = Vec::new();
    let mut problems = Vec::new();
    for source in sources {
        let secrets: Api<Secret> = Api::namespaced(client.clone(), &source.namespace);
        let data =
            match secrets.get_opt(&source.name).await {
                Ok(Some(secret)) => {
                    let mut data = BTreeMap::new();
                    for (key, value) in secret.data.unwrap_or_default() {
                        match String::from_utf8(value.0) {
                            Ok(text) => {
                                data.insert(key, text);
                            }
                            Err(_) => problems.push(source.problem(format!(
                                "has a value under key {key:?} that is not UTF-8"
                            ))),
                        }
                    }
                    data
                }
                Ok(None) => {
                    problems.push(source.problem("does not exist"));
                    continue;
                }
                Err(e) => {
                    problems.push(source.problem(format!("could not be read: {e}")));
                    continue;
                }
            };
        // The ConfigMap of the same name is optional.
        let maps: Api<ConfigMap> = Api::namespaced(client.clone(), &source.namespace);
        let config_map = match maps.get_opt(&source.name).await {
            Ok(found) => found.and_then(|m| m.data),
            Err(e) => {
                tracing::debug!(source = %source.id(), error = %e, "no infrastructure roles ConfigMap");
                None
            }
        };
        let (roles, mut found) = infrastructure::read(source, &data, config_map.as_ref());
        problems.append(&mut found);
        per_source.push(roles);
    }
    Loaded {
        roles: infrastructure::merge(per_source),
        problems,
    }
}
