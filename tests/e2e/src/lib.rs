//! Helpers for the end-to-end tests.
//!
//! The tests talk to a real Kubernetes API server, named by the kubeconfig in
//! `PGCTL_E2E_KUBECONFIG`: the local test cluster of `tests/cluster` (run the
//! tests with `tests/cluster/e2e`, which starts it when needed), or any other
//! cluster (kind, k3d, a real one).

pub mod controller;

pub mod cli;

pub mod data_plane;
/// A database cluster of the data-plane tests.
pub mod db;
/// A write load that counts acknowledged writes.
pub mod load;

pub mod nodes;
/// The local cluster's object store for a test namespace.
pub mod object_store;

pub mod podrunner;

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// The variable that names the kubeconfig of the cluster under test.
pub const KUBECONFIG_ENV: &str = "PGCTL_E2E_KUBECONFIG";
/// Set to `1` by `tests/cluster/e2e` when the cluster is the local test
/// cluster of `tests/cluster`, whose details (pinned version, fake nodes in
/// zones, storage) the tests may then check too.
pub const HARNESS_ENV: &str = "PGCTL_E2E_HARNESS";
/// How the local test cluster treats pods labelled `application=spilo`
/// (`runner`: pgctl-pod-runner runs them, or `kwok`), as exported by `tests/cluster/e2e`.
pub const SPILO_PODS_ENV: &str = "PGCTL_E2E_SPILO_PODS";
/// Label put on every namespace the tests create.
pub const TEST_NAMESPACE_LABEL: &str = "pgctl.test/e2e";
/// Label of namespaces whose database pods the pod runner does not run (the test plays
/// Patroni itself); see [`TestNamespace::create`].
pub const SIMULATED_PODS_LABEL: (&str, &str) = ("pgctl.test/pods", "simulated");

/// How often the wait helpers look again.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The client configuration from the kubeconfig named by `PGCTL_E2E_KUBECONFIG`.
pub async fn config() -> Result<Config> {
    let path = std::env::var_os(KUBECONFIG_ENV).ok_or_else(|| {
        anyhow!(
            "{KUBECONFIG_ENV} is not set: run the end-to-end tests with tests/cluster/e2e \
             (it starts the local test cluster), or set {KUBECONFIG_ENV} to the kubeconfig \
             of a cluster to test against"
        )
    })?;
    let path = PathBuf::from(path);
    let kubeconfig = Kubeconfig::read_from(&path).with_context(|| {
        format!(
            "reading the kubeconfig {} ({KUBECONFIG_ENV})",
            path.display()
        )
    })?;
    Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .with_context(|| {
            format!(
                "loading the kubeconfig {} ({KUBECONFIG_ENV})",
                path.display()
            )
        })
}

/// A client for the cluster under test (see [`config`]).
pub async fn client() -> Result<Client> {
    Client::try_from(config().await?).context("creating a Kubernetes client")
}

/// Whether the cluster under test is the local test cluster of `tests/cluster`.
pub fn is_harness() -> bool {
    std::env::var(HARNESS_ENV).is_ok_and(|value| value == "1")
}

/// The Kubernetes release that `tests/cluster` builds, from its go.mod.
pub fn pinned_kubernetes_version() -> Result<String> {
    let path = workspace_root().join("tests/cluster/go/kubernetes/go.mod");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .map(str::split_whitespace)
        .find_map(
            |mut words| match (words.next(), words.next(), words.next()) {
                (Some("k8s.io/kubernetes"), Some(version), _) => Some(version.to_owned()),
                (Some("require"), Some("k8s.io/kubernetes"), Some(version)) => {
                    Some(version.to_owned())
                }
                _ => None,
            },
        )
        .with_context(|| format!("no k8s.io/kubernetes requirement in {}", path.display()))
}

/// The root of the cargo workspace.
///
/// Read at run time when `cargo test` says where the crate is: a build of this crate is reused
/// by cargo for a checkout at another path (its fingerprints are relative to the workspace),
/// and the compile-time path would then build and run another checkout's binaries.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../..")
}

/// A name nobody else uses: `prefix-` and a short random-looking suffix made
/// of the time, the process id and a counter. Valid as a Kubernetes name when
/// the prefix is.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut seed = nanos
        ^ (u128::from(std::process::id()) << 64)
        ^ (u128::from(COUNTER.fetch_add(1, Ordering::Relaxed)) << 96);
    let mut suffix = String::new();
    for _ in 0..8 {
        // Multiply-xorshift mixing, then one base-36 digit at a time.
        seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835) ^ (seed >> 61);
        let digit = u32::try_from((seed >> 64) % 36).unwrap_or(0);
        suffix.push(char::from_digit(digit, 36).unwrap_or('0'));
    }
    format!("{prefix}-{suffix}")
}

/// A namespace made for one test, deleted when dropped (also when the test
/// fails), without waiting for the deletion to finish.
pub struct TestNamespace {
    name: String,
    config: Config,
}

impl TestNamespace {
    /// Creates a namespace named `e2e-<prefix>-<suffix>` whose database pods do not run:
    /// the test plays Patroni itself (labels, readiness), which is fast and needs nothing.
    pub async fn create(client: &Client, prefix: &str) -> Result<Self> {
        Self::create_labelled(client, prefix, true).await
    }

    /// Creates a namespace whose database pods run Patroni and PostgreSQL for real (the local
    /// test cluster's pod runner; any cluster's kubelet elsewhere).
    pub async fn create_with_real_pods(client: &Client, prefix: &str) -> Result<Self> {
        Self::create_labelled(client, prefix, false).await
    }

    async fn create_labelled(client: &Client, prefix: &str, simulated: bool) -> Result<Self> {
        let name = unique_name(&format!("e2e-{prefix}"));
        let mut labels = serde_json::json!({ TEST_NAMESPACE_LABEL: "true" });
        if simulated {
            labels[SIMULATED_PODS_LABEL.0] = serde_json::json!(SIMULATED_PODS_LABEL.1);
        }
        let namespace: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": name, "labels": labels },
        }))?;
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .with_context(|| format!("creating namespace {name}"))?;
        Ok(Self {
            name,
            config: config().await?,
        })
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let name = self.name.clone();
        in_background(
            move |client| async move {
                match Api::<Namespace>::all(client)
                    .delete(&name, &DeleteParams::background())
                    .await
                {
                    Ok(_) => Ok(()),
                    Err(kube::Error::Api(status)) if status.is_not_found() => Ok(()),
                    Err(error) => Err(anyhow!("could not delete test namespace {name}: {error}")),
                }
            },
            self.config.clone(),
        );
    }
}

/// Runs a cleanup from a `Drop`: Drop cannot await, and the test's runtime may be shutting
/// down, so `cleanup` runs on a thread with a runtime and a client of its own; its failure is
/// printed.
pub fn in_background<F, Fut>(cleanup: F, config: Config)
where
    F: FnOnce(Client) -> Fut + Send + 'static,
    Fut: Future<Output = Result<()>>,
{
    let done = std::thread::spawn(move || -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async { cleanup(Client::try_from(config)?).await })
    })
    .join();
    match done {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("{error:#}"),
        Err(_) => eprintln!("a cleanup thread panicked"),
    }
}

/// Calls `check` until it returns `Ok(Some(value))`, and returns that value;
/// fails after `timeout`, saying what it waited for and the last thing
/// `check` reported (an error or `Ok(None)` means "not yet").
pub async fn wait_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let started = Instant::now();
    loop {
        let last_error = match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => None,
            Err(error) => Some(error),
        };
        if started.elapsed() >= timeout {
            return Err(match last_error {
                Some(error) => {
                    error.context(format!("timed out after {timeout:?} waiting for {what}"))
                }
                None => anyhow!("timed out after {timeout:?} waiting for {what}"),
            });
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Like [`wait_until`] for a condition without a value: `check` returns
/// whether it holds yet.
pub async fn wait_for<F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    wait_until(what, timeout, || {
        let holds = check();
        async move { Ok(holds.await?.then_some(())) }
    })
    .await
}

/// Waits until the object `name` of `api` is gone (404).
pub async fn wait_deleted<K>(api: &Api<K>, name: &str, timeout: Duration) -> Result<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    wait_for(&format!("{name} to be deleted"), timeout, || async {
        match api.get_opt(name).await? {
            None => Ok(true),
            Some(_) => Ok(false),
        }
    })
    .await
}

/// Installs (server-side apply) a CustomResourceDefinition and waits until
/// the API server serves it.
pub async fn install_crd(
    client: &Client,
    crd: &CustomResourceDefinition,
    timeout: Duration,
) -> Result<()> {
    let name = crd
        .metadata
        .name
        .clone()
        .context("the CustomResourceDefinition has no name")?;
    let crds = Api::<CustomResourceDefinition>::all(client.clone());
    crds.patch(
        &name,
        &PatchParams::apply("pgctl-e2e").force(),
        &Patch::Apply(crd),
    )
    .await
    .with_context(|| format!("applying CustomResourceDefinition {name}"))?;
    wait_for(
        &format!("CustomResourceDefinition {name} to be Established"),
        timeout,
        || async {
            let crd = crds.get(&name).await?;
            Ok(crd
                .status
                .and_then(|status| status.conditions)
                .unwrap_or_default()
                .iter()
                .any(|condition| condition.type_ == "Established" && condition.status == "True"))
        },
    )
    .await
}

/// The API error inside a client error, if it is one.
pub fn api_error(error: &kube::Error) -> Option<&kube::core::Status> {
    match error {
        kube::Error::Api(status) => Some(status),
        _ => None,
    }
}

/// Fails unless `result` is an API error with HTTP status `code`, and returns
/// the error's message.
pub fn expect_api_error<T: std::fmt::Debug>(result: kube::Result<T>, code: u16) -> Result<String> {
    match result {
        Ok(value) => bail!("expected the API server to answer {code}, but it accepted: {value:?}"),
        Err(error) => match api_error(&error) {
            Some(status) if status.code == code => Ok(status.message.clone()),
            Some(status) => bail!(
                "expected the API server to answer {code}, got {}: {}",
                status.code,
                status.message
            ),
            None => Err(anyhow::Error::new(error).context(format!("expected an API error {code}"))),
        },
    }
}

/// The Prometheus text a controller serves on `127.0.0.1:port/metrics`.
pub async fn scrape_metrics(port: u16) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .await?;
    let mut body = String::new();
    stream.read_to_string(&mut body).await?;
    Ok(body)
}

/// Sum of the samples of a counter family in Prometheus text, filtered by a label substring.
pub fn counter_sum(text: &str, family: &str, label_filter: impl Fn(&str) -> bool) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(family) && !l.starts_with('#'))
        .filter(|l| label_filter(l))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}
