//! The pod network: a bridge on the host holding the gateway address, and per pod a network
//! namespace with one end of a veth pair (`eth0`, the pod's address) whose other end is
//! attached to the bridge. The host reaches every pod over the bridge, pods reach each other
//! and the host; nothing is routed off the machine. Made with `ip` (iproute2); needs root.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use tokio::process::Command;

/// Runs `ip ARGS`, failing with its message.
async fn ip(args: &[&str]) -> Result<()> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .await
        .context("running ip (iproute2)")?;
    if !out.status.success() {
        bail!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

async fn ip_ok(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .output()
        .await
        .is_ok_and(|o| o.status.success())
}

/// The network of all pods: `bridge` holds `gateway/prefix_len`.
#[derive(Debug, Clone)]
pub struct PodNetwork {
    pub bridge: String,
    pub gateway: Ipv4Addr,
    pub prefix_len: u8,
    /// Prefix of the namespace and interface names of this runner's pods.
    pub prefix: String,
    /// The cluster's DNS, written into each pod's `resolv.conf`; `None`: no DNS.
    pub dns: Option<ClusterDns>,
}

/// The cluster DNS a pod uses (`dnsPolicy: ClusterFirst`).
#[derive(Debug, Clone)]
pub struct ClusterDns {
    /// The `kube-dns` Service's address.
    pub server: Ipv4Addr,
    /// The cluster domain (`cluster.local`).
    pub domain: String,
}

impl ClusterDns {
    /// The `resolv.conf` of a pod in `namespace`, as the kubelet writes it: the search path
    /// `NAMESPACE.svc.DOMAIN svc.DOMAIN DOMAIN`, the cluster DNS, `ndots:5`.
    pub fn resolv_conf(&self, namespace: &str) -> String {
        let domain = &self.domain;
        format!(
            "search {namespace}.svc.{domain} svc.{domain} {domain}\nnameserver {}\noptions ndots:5\n",
            self.server
        )
    }
}

/// One pod's network namespace.
#[derive(Debug, Clone)]
pub struct PodNetns {
    pub name: String,
    host_if: String,
}

impl PodNetns {
    /// The namespace and host interface names for the pod with `uid`.
    pub fn for_pod(network: &PodNetwork, uid: &str) -> Self {
        let short: String = uid
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(8)
            .collect();
        Self::named(network, &format!("{}-{short}", network.prefix))
    }

    /// The namespace `name` (one of [`PodNetwork::namespaces`]).
    pub fn named(network: &PodNetwork, name: &str) -> Self {
        let short = name.rsplit('-').next().unwrap_or_default();
        let tag = &network.prefix[network.prefix.len().saturating_sub(4)..];
        Self {
            name: name.to_string(),
            // Interface names have at most 15 characters.
            host_if: format!("v{tag}{short}"),
        }
    }

    fn etc_dir(&self) -> PathBuf {
        PathBuf::from("/etc/netns").join(&self.name)
    }
}

impl PodNetwork {
    /// Creates the bridge unless it exists.
    pub async fn ensure(&self) -> Result<()> {
        if !ip_ok(&["link", "show", &self.bridge]).await {
            ip(&["link", "add", &self.bridge, "type", "bridge"]).await?;
        }
        let address = format!("{}/{}", self.gateway, self.prefix_len);
        let out = Command::new("ip")
            .args(["-4", "-o", "addr", "show", "dev", &self.bridge])
            .output()
            .await?;
        if !String::from_utf8_lossy(&out.stdout).contains(&format!(" {address} ")) {
            ip(&["addr", "add", &address, "dev", &self.bridge]).await?;
        }
        ip(&["link", "set", &self.bridge, "up"]).await
    }

    /// Removes the bridge and every namespace of this runner (after a crash, or at the end).
    pub async fn remove_all(&self) -> Result<()> {
        for name in self.namespaces().await? {
            let _ = ip(&["netns", "delete", &name]).await;
            let _ = tokio::fs::remove_dir_all(PathBuf::from("/etc/netns").join(&name)).await;
        }
        if ip_ok(&["link", "show", &self.bridge]).await {
            ip(&["link", "delete", &self.bridge]).await?;
        }
        Ok(())
    }

    /// The namespaces of this runner's pods that exist.
    pub async fn namespaces(&self) -> Result<Vec<String>> {
        let out = Command::new("ip").args(["netns", "list"]).output().await?;
        let prefix = format!("{}-", self.prefix);
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|n| n.starts_with(&prefix))
            .map(str::to_string)
            .collect())
    }

    /// Makes the pod's namespace with `address` on its `eth0`, its default route via the
    /// gateway, and its own `/etc/hosts` and `/etc/resolv.conf` (the cluster DNS for a pod of
    /// `namespace`; without one, empty). `ip netns exec` mounts both over `/etc`.
    pub async fn add(
        &self,
        netns: &PodNetns,
        address: Ipv4Addr,
        hostname: &str,
        namespace: &str,
    ) -> Result<()> {
        self.delete(netns).await;
        ip(&["netns", "add", &netns.name]).await?;
        ip(&[
            "link",
            "add",
            &netns.host_if,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            &netns.name,
        ])
        .await?;
        ip(&["link", "set", &netns.host_if, "master", &self.bridge, "up"]).await?;
        // Hairpin, as the kubelet's `hairpin-veth` mode: with br_netfilter, a pod's packet to a
        // Service that kube-proxy DNATs back to the same pod is bridged out of the port it came
        // in by; without hairpin the bridge drops it, and a pod cannot reach its own Service.
        ip(&[
            "link",
            "set",
            "dev",
            &netns.host_if,
            "type",
            "bridge_slave",
            "hairpin",
            "on",
        ])
        .await?;
        let cidr = format!("{address}/{}", self.prefix_len);
        ip(&["-n", &netns.name, "addr", "add", &cidr, "dev", "eth0"]).await?;
        ip(&["-n", &netns.name, "link", "set", "lo", "up"]).await?;
        ip(&["-n", &netns.name, "link", "set", "eth0", "up"]).await?;
        let gateway = self.gateway.to_string();
        ip(&[
            "-n",
            &netns.name,
            "route",
            "add",
            "default",
            "via",
            &gateway,
        ])
        .await?;
        let etc = netns.etc_dir();
        tokio::fs::create_dir_all(&etc).await?;
        tokio::fs::write(
            etc.join("hosts"),
            format!("127.0.0.1 localhost\n::1 localhost\n{address} {hostname}\n"),
        )
        .await?;
        let resolv_conf = match &self.dns {
            Some(dns) => dns.resolv_conf(namespace),
            None => "# no DNS inside pgctl test pods\n".to_string(),
        };
        tokio::fs::write(etc.join("resolv.conf"), resolv_conf).await?;
        Ok(())
    }

    /// Removes the pod's namespace (its veth pair goes with it). Quiet when absent.
    pub async fn delete(&self, netns: &PodNetns) {
        let _ = ip(&["netns", "delete", &netns.name]).await;
        if ip_ok(&["link", "show", &netns.host_if]).await {
            let _ = ip(&["link", "delete", &netns.host_if]).await;
        }
        let _ = tokio::fs::remove_dir_all(netns.etc_dir()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf_is_the_kubelets_for_cluster_first() {
        let dns = ClusterDns {
            server: Ipv4Addr::new(10, 96, 0, 10),
            domain: "cluster.local".to_string(),
        };
        assert_eq!(
            dns.resolv_conf("team"),
            "search team.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
        );
    }
}
