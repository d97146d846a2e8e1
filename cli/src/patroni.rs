//! Patroni's REST API of a cluster's pods, through the API server's pod proxy
//! (`pods/proxy`), so that the person's RBAC applies and no pod network is needed.

use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use pgctl_shared::config::OperatorConfig;
use pgctl_shared::naming;
use pgctl_shared::rollout::PatroniCluster;
use serde_json::Value;

use crate::k8s::{self, Kube, Subject};

/// Patroni's REST port in Spilo pods.
const PORT: u16 = 8008;

/// The pods of cluster `name` (by the cluster's labels), sorted by name.
pub async fn pods(kube: &Kube, config: &OperatorConfig, name: &str) -> anyhow::Result<Vec<Pod>> {
    let selector = naming::selector(&naming::cluster_labels(config, name));
    let what = format!("listing the pods of {name}");
    let mut pods = k8s::bounded(kube.timeout, &what, async {
        kube.api::<Pod>()
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| kube.explain(e, Subject::Other(&what)))
    })
    .await?
    .items;
    pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(pods)
}

/// `method` on Patroni's `path` of pod `pod`, with a JSON body; the answer's text. Patroni's
/// refusals (4xx/5xx) come back as errors carrying its own words.
pub async fn call(
    kube: &Kube,
    pod: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> anyhow::Result<String> {
    let uri = format!(
        "/api/v1/namespaces/{}/pods/{pod}:{PORT}/proxy/{}",
        kube.namespace,
        path.trim_start_matches('/')
    );
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let request = http::Request::builder()
        .method(method)
        .uri(&uri)
        .header("Content-Type", "application/json")
        .body(bytes)?;
    let what = format!("{method} {path} on {pod}'s Patroni");
    k8s::bounded(kube.timeout, &what, async {
        kube.client
            .request_text(request)
            .await
            .map_err(|e| match e {
                kube::Error::Api(status) => {
                    anyhow::anyhow!("{what}: {} (HTTP {})", status.message.trim(), status.code)
                }
                other => kube.explain(other, Subject::Other(&what)),
            })
    })
    .await
}

/// `GET path` of Patroni, from the first of `pods` that answers; the last error when none does.
pub async fn get_from_any(kube: &Kube, pods: &[Pod], path: &str) -> anyhow::Result<String> {
    let mut last = None;
    for pod in pods {
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        match call(kube, name, "GET", path, None).await {
            Ok(text) => return Ok(text),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("the cluster has no pods")))
}

/// Patroni's view of the cluster (`GET /cluster`), from the first of `pods` that answers.
pub async fn cluster(kube: &Kube, pods: &[Pod]) -> anyhow::Result<PatroniCluster> {
    let text = get_from_any(kube, pods, "cluster").await?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!("Patroni answered /cluster with something else than JSON: {e}")
    })?;
    PatroniCluster::from_json(&value).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A cluster as Patroni sees it, for the day-2 verbs.
pub struct Observed {
    pub config: OperatorConfig,
    pub cluster: PatroniCluster,
}

/// Checks that cluster `name` exists, and reads the operator configuration and Patroni's
/// `/cluster` (from the first of its pods that answers).
pub async fn observe(kube: &Kube, name: &str) -> anyhow::Result<Observed> {
    let config = kube.operator_config().await;
    kube.get_cluster(name).await?;
    let pods = pods(kube, &config, name).await?;
    let cluster = cluster(kube, &pods).await?;
    Ok(Observed { config, cluster })
}

/// Pod `pod`'s own Patroni status (`GET /patroni`): state, role, timeline,
/// `postmaster_start_time`.
pub async fn member(kube: &Kube, pod: &str) -> anyhow::Result<Value> {
    let text = call(kube, pod, "GET", "patroni", None).await?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!("{pod}'s Patroni answered /patroni with something else than JSON: {e}")
    })
}
