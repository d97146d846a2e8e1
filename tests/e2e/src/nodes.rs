//! Fake nodes made for one test (kwok reports them Ready), so that a test can cordon or
//! relabel nodes without disturbing the tests that run beside it: the nodes carry a taint
//! only the test's clusters tolerate, and a label their node affinity asks for.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::{Client, Config, ResourceExt};

/// Label and taint key of a test's node pool; the value is the pool's name.
pub const POOL_KEY: &str = "pgctl.test/pool";

/// Nodes labelled and tainted `pgctl.test/pool=<pool>`, deleted when dropped.
pub struct TestNodes {
    pub pool: String,
    pub names: Vec<String>,
    config: Config,
}

impl TestNodes {
    /// Creates `count` nodes of pool `pool` (a test namespace's name is unique enough) and
    /// waits until they are Ready. Their pod address ranges are taken from the pod network
    /// of the local test cluster's own nodes, above theirs (`x.y.200.0/24` and up); nodes of
    /// earlier pools that were left behind are deleted first.
    pub async fn create(client: &Client, pool: &str, count: u8) -> Result<Self> {
        let api: Api<Node> = Api::all(client.clone());
        let leftovers = api
            .list_metadata(&ListParams::default().labels(POOL_KEY))
            .await
            .context("listing test node pools")?;
        for node in leftovers {
            let _ = api
                .delete(&node.name_any(), &DeleteParams::background())
                .await;
        }
        let network = api
            .list(&ListParams::default().labels("pgctl.test/fake-node=true"))
            .await?
            .items
            .iter()
            .find_map(|n| n.spec.as_ref()?.pod_cidr.clone())
            .context("no fake node with a podCIDR to take the pod network from")?;
        let octets: Vec<&str> = network.split('.').collect();
        let [a, b, ..] = octets.as_slice() else {
            bail!("cannot read the pod network of {network}");
        };
        let mut names = Vec::new();
        for i in 0..count {
            let name = format!("{pool}-node-{i}");
            let node: Node = serde_json::from_value(serde_json::json!({
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "labels": {
                        POOL_KEY: pool,
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "type": "kwok",
                    },
                    "annotations": {
                        "kwok.x-k8s.io/node": "fake",
                        "node.alpha.kubernetes.io/ttl": "0",
                        "pgctl.test/internal-ip": format!("10.240.1.{}", 10 + u16::from(i)),
                    },
                },
                "spec": {
                    "podCIDR": format!("{a}.{b}.{}.0/24", 200 + u16::from(i)),
                    "podCIDRs": [format!("{a}.{b}.{}.0/24", 200 + u16::from(i))],
                    "taints": [{"key": POOL_KEY, "value": pool, "effect": "NoSchedule"}],
                },
            }))?;
            api.create(&PostParams::default(), &node)
                .await
                .with_context(|| format!("creating node {name}"))?;
            names.push(name);
        }
        let nodes = Self {
            pool: pool.to_string(),
            names,
            config: crate::config().await?,
        };
        crate::wait_for(
            &format!("the nodes of pool {pool} to be Ready"),
            Duration::from_secs(60),
            || async {
                let listed = api
                    .list(&ListParams::default().labels(&format!("{POOL_KEY}={pool}")))
                    .await?;
                Ok(listed.items.len() == usize::from(count)
                    && listed.items.iter().all(|n| {
                        n.status
                            .as_ref()
                            .and_then(|s| s.conditions.as_ref())
                            .is_some_and(|c| {
                                c.iter().any(|c| c.type_ == "Ready" && c.status == "True")
                            })
                    }))
            },
        )
        .await?;
        Ok(nodes)
    }

    /// The manifest lines (under `spec:`) that put a cluster on this pool: the toleration of
    /// its taint and the node affinity to its label.
    pub fn placement_yaml(&self) -> String {
        format!(
            "  tolerations:\n  - key: {POOL_KEY}\n    operator: Equal\n    value: {pool}\n    effect: NoSchedule\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - key: {POOL_KEY}\n          operator: In\n          values: [{pool}]\n",
            pool = self.pool
        )
    }
}

impl Drop for TestNodes {
    fn drop(&mut self) {
        let config = self.config.clone();
        let names = self.names.clone();
        crate::in_background(
            move |client| async move {
                let api: Api<Node> = Api::all(client);
                for name in names {
                    match api.delete(&name, &DeleteParams::background()).await {
                        Ok(_) => {}
                        Err(kube::Error::Api(status)) if status.is_not_found() => {}
                        Err(error) => eprintln!("could not delete test node {name}: {error}"),
                    }
                }
                Ok(())
            },
            config,
        );
    }
}
