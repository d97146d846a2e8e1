//! PgBouncer's admin console, for `pgctl status`: `SHOW POOLS` of each ready pod of a pooler,
//! as the pooler user (the reference's image makes it `admin_users`) over TLS (the image
//! requires it from clients), to the pod's IP when this machine reaches it and through a
//! port-forward otherwise.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use pgctl_shared::pooler::pools::{self, Pool};

use crate::k8s::Kube;
use crate::pg;

/// The port PgBouncer listens on in the pooler pods.
const PORT: u16 = pgctl_shared::pooler::PORT as u16;
/// How long one pod may take to answer, connection included.
const LIMIT: Duration = Duration::from_secs(3);

/// The pools of `pods` (the ready pods of one pooler), summed over the pods; the error names the
/// pod that did not answer.
pub async fn show_pools(
    kube: &Kube,
    pods: &[Pod],
    user: &str,
    password: &str,
) -> Result<Vec<Pool>, String> {
    let mut instances = Vec::new();
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let rows = tokio::time::timeout(LIMIT, pod_pools(kube, pod, user, password))
            .await
            .map_err(|_| format!("{name}: no answer within {}s", LIMIT.as_secs()))?
            .map_err(|e| format!("{name}: {e}"))?;
        instances.push(pools::from_rows(&rows));
    }
    Ok(pools::merge(instances))
}

/// `SHOW POOLS` of one pod, each row as column → value.
async fn pod_pools(
    kube: &Kube,
    pod: &Pod,
    user: &str,
    password: &str,
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let login = pg::Login {
        user,
        password,
        database: "pgbouncer",
        port: PORT,
    };
    pg::query_pod(kube, pod, &login, "SHOW POOLS").await
}
