//! `pgctl-pod-runner`: the kubelet of the test cluster's fake nodes for database pods. Started
//! by `tests/cluster/up`; see docs/testing.md ("Real pods").

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kube::{Client, Config};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Mutex, watch};

use pgctl_e2e::podrunner::net::{ClusterDns, PodNetwork};
use pgctl_e2e::podrunner::{
    self, forward,
    pod::{Shared, Stores},
};

#[derive(Parser, Debug)]
#[command(
    about = "Plays the kubelet of the test cluster's fake nodes for the pods of the images it knows"
)]
struct Args {
    /// The kubeconfig the runner acts with (the cluster's admin).
    #[arg(long)]
    kubeconfig: PathBuf,
    /// Per-pod directories (configuration, certificates, token).
    #[arg(long)]
    state_dir: PathBuf,
    /// Container logs go to DIR/NAMESPACE_POD_UID/CONTAINER/RESTARTS.log (the kubelet's).
    #[arg(long)]
    log_dir: PathBuf,
    /// The bridge of the pod network (created when missing; removed at exit).
    #[arg(long, default_value = "pgctl0")]
    bridge: String,
    /// The gateway's address on the bridge, with the pod network's prefix length.
    #[arg(long, default_value = "10.244.0.1/16")]
    gateway: String,
    /// The cluster CA certificate that pods trust for the API server.
    #[arg(long)]
    ca_file: PathBuf,
    /// Pods labelled application=spilo in namespaces with this label are not run, only
    /// removed when deleted (tests that play Patroni themselves).
    #[arg(long, default_value = "pgctl.test/pods=simulated")]
    simulated_label: String,
    /// The Patroni program the pods run (what `tests/patroni/ensure` prints).
    #[arg(long)]
    patroni: PathBuf,
    /// The cluster DNS's address (the `kube-dns` Service), written into the pods'
    /// `resolv.conf`; without it the pods have no DNS.
    #[arg(long)]
    cluster_dns: Option<std::net::Ipv4Addr>,
    /// The cluster domain of the pods' DNS search path.
    #[arg(long, default_value = "cluster.local")]
    cluster_domain: String,
    /// PostgreSQL's binaries for every major (default: each major's own, from
    /// /usr/lib/postgresql/N and the builds of tests/postgres/majors).
    #[arg(long)]
    pg_bin_dir: Option<PathBuf>,
    /// The directory of Barman's cloud tools (what `tests/backup/ensure` prints), for pods
    /// that archive WAL or restore from an archive.
    #[arg(long)]
    backup_tools: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(false)
        .init();
    let args = Args::parse();
    if !nix::unistd::geteuid().is_root() {
        bail!("pgctl-pod-runner needs root (network namespaces, running processes as postgres)");
    }
    if !args.patroni.exists() {
        bail!(
            "{} not found: tests/patroni/ensure installs Patroni and prints its path",
            args.patroni.display()
        );
    }
    let pg_bins = match args.pg_bin_dir {
        Some(dir) => podrunner::binaries::PgBinaries::only(dir),
        None => podrunner::binaries::PgBinaries::find(),
    };
    if pg_bins.is_empty() {
        bail!(
            "no PostgreSQL under /usr/lib/postgresql or /opt/pgctl (tests/postgres/ensure and tests/postgres/majors install it)"
        );
    }
    let (gateway, prefix_len) = args
        .gateway
        .split_once('/')
        .ok_or_else(|| anyhow!("--gateway must be ADDRESS/LENGTH, not {}", args.gateway))?;
    let gateway: Ipv4Addr = gateway.parse().context("--gateway")?;
    let prefix_len: u8 = prefix_len.parse().context("--gateway prefix length")?;
    let (key, value) = args
        .simulated_label
        .split_once('=')
        .ok_or_else(|| anyhow!("--simulated-label must be KEY=VALUE"))?;

    let kubeconfig = Kubeconfig::read_from(&args.kubeconfig)
        .with_context(|| format!("reading {}", args.kubeconfig.display()))?;
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()).await?;
    let upstream: SocketAddr = {
        let url = &config.cluster_url;
        let host = url
            .host()
            .ok_or_else(|| anyhow!("the kubeconfig's server has no host"))?;
        let port = url.port_u16().unwrap_or(443);
        (host, port)
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| anyhow!("cannot resolve the API server {host}"))?
    };
    let client = Client::try_from(config)?;

    let network = PodNetwork {
        bridge: args.bridge.clone(),
        gateway,
        prefix_len,
        prefix: args.bridge.clone(),
        dns: args.cluster_dns.map(|server| ClusterDns {
            server,
            domain: args.cluster_domain.clone(),
        }),
    };
    let (stop, shutdown) = watch::channel(false);
    let stores = watch_objects(client.clone(), shutdown.clone()).await?;
    let shared = Arc::new(Shared {
        client,
        network: network.clone(),
        api_server_for_pods: format!("https://{gateway}:{}", upstream.port()),
        ca_pem: std::fs::read_to_string(&args.ca_file)
            .with_context(|| format!("reading {}", args.ca_file.display()))?,
        state_dir: args.state_dir,
        log_dir: args.log_dir,
        patroni: args.patroni,
        backup_tools: args.backup_tools,
        pg_bins,
        simulated_label: (key.to_string(), value.to_string()),
        addresses: Mutex::new(BTreeMap::new()),
        stores,
        unknown_images: std::sync::Mutex::new(BTreeSet::new()),
        shutdown,
    });

    podrunner::clean_up_stale(&shared).await?;
    network
        .ensure()
        .await
        .context("creating the pod network's bridge")?;
    let forwarder = tokio::spawn(forward::serve(
        SocketAddr::from((gateway, upstream.port())),
        upstream,
    ));
    tracing::info!(
        bridge = %network.bridge, %gateway, postgres = %shared.pg_bins.describe(),
        "running the pods of known images"
    );

    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let runner = tokio::spawn({
        let shared = shared.clone();
        async move { podrunner::run(shared).await }
    });
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: stopping every pod"),
        _ = int.recv() => tracing::info!("SIGINT: stopping every pod"),
        result = forwarder => tracing::error!("the API forwarder stopped: {result:?}"),
    }
    let _ = stop.send(true);
    match runner.await {
        Ok(Err(error)) => tracing::error!("{error:#}"),
        Err(error) => tracing::error!("{error}"),
        Ok(Ok(())) => {}
    }
    network.remove_all().await?;
    tracing::info!("stopped");
    Ok(())
}

/// Watches every Secret and ConfigMap (the pods' volumes follow them, as the kubelet's watch
/// does), until `shutdown`. Returns once both stores hold the current objects.
async fn watch_objects(client: Client, shutdown: watch::Receiver<bool>) -> Result<Stores> {
    let (changed, changes) = watch::channel(0u64);
    let changed = std::sync::Arc::new(changed);
    let (secrets, secrets_writer) = reflector::store::<Secret>();
    let (config_maps, config_maps_writer) = reflector::store::<ConfigMap>();
    fn follow<K>(
        api: Api<K>,
        writer: reflector::store::Writer<K>,
        changed: std::sync::Arc<watch::Sender<u64>>,
        mut shutdown: watch::Receiver<bool>,
    ) where
        K: kube::Resource<DynamicType = ()>
            + Clone
            + std::fmt::Debug
            + serde::de::DeserializeOwned
            + Send
            + Sync
            + 'static,
    {
        tokio::spawn(async move {
            let stream = reflector::reflector(
                writer,
                watcher::watcher(api, watcher::Config::default()).default_backoff(),
            );
            let mut stream = std::pin::pin!(stream);
            loop {
                tokio::select! {
                    _ = shutdown.changed() => return,
                    event = stream.next() => match event {
                        Some(Ok(watcher::Event::Apply(_) | watcher::Event::Delete(_) | watcher::Event::InitDone)) => {
                            changed.send_modify(|n| *n += 1);
                        }
                        Some(Ok(_)) => {}
                        Some(Err(error)) => tracing::warn!("watching volumes' objects: {error}"),
                        None => return,
                    }
                }
            }
        });
    }
    follow(
        Api::<Secret>::all(client.clone()),
        secrets_writer,
        changed.clone(),
        shutdown.clone(),
    );
    follow(
        Api::<ConfigMap>::all(client),
        config_maps_writer,
        changed,
        shutdown,
    );
    secrets.wait_until_ready().await?;
    config_maps.wait_until_ready().await?;
    Ok(Stores {
        secrets,
        config_maps,
        changes,
    })
}
