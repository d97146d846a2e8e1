//! Wiring: caches of the owned objects, the controller loop per watched namespace, the
//! configuration watch, leader election, health and metrics, and graceful shutdown.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::Context as _;
use futures::{FutureExt, StreamExt, TryStreamExt, future};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Node, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::ListParams;
use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::events::{Recorder, Reporter};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::utils::Predicate;
use kube::runtime::{Controller, WatchStreamExt, predicates, watcher};
use kube::{Api, Client, Resource, ResourceExt};
use pgctl_shared::config::{OperatorConfig, WatchedNamespaces};
use serde::de::DeserializeOwned;

use crate::apply::Applier;
use crate::args::Args;
use crate::cluster_store::ClusterStore;
use crate::context::{Context, Stores};
use crate::http::Health;
use crate::leader::LeaderElection;
use crate::metrics::Metrics;
use crate::{reconcile, startup};

/// The `postgresql` resource as the controller watches it: untyped, so that a manifest that
/// cannot be deserialised still reaches the reconciler (and gets status Invalid).
pub fn postgresql_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(
            pgctl_shared::crd::GROUP,
            pgctl_shared::crd::VERSION,
            pgctl_shared::crd::KIND,
        ),
        pgctl_shared::crd::PLURAL,
    )
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let client = client(&args).await?;
    let metrics = Arc::new(Metrics::default());
    let health = Arc::new(Health::default());
    tokio::spawn(crate::http::serve(
        args.metrics_addr,
        health.clone(),
        metrics.clone(),
    ));

    // Permissions first, so that a missing one is named instead of surfacing as whichever
    // request happens to fail first (the namespace is the one given on the command line).
    let namespace_from_args = namespace_from_args(&args);
    startup::check_permissions(&client, namespace_from_args, startup::Features::default()).await?;
    let config = startup::load_config(
        &client,
        &args.namespace,
        &args.config_map,
        args.watched_namespace.as_deref(),
    )
    .await?;
    let features = startup::Features::of(&config);
    if features.any() {
        startup::check_permissions(&client, namespace_from_args, features).await?;
    }

    let identity = args
        .identity
        .clone()
        .unwrap_or_else(|| format!("{}-{}", hostname(), std::process::id()));
    let election = LeaderElection::new(
        Api::<Lease>::namespaced(client.clone(), &args.namespace),
        &args.lease_name,
        &identity,
    );
    tokio::select! {
        result = election.acquire() => result?,
        _ = shutdown_signal() => return Ok(()),
    }
    metrics.leader.set(1);

    if config.enable_crd_registration {
        startup::register_crd(&client).await?;
    }
    startup::sync_delete_protection(&client, &config, &args.namespace).await?;
    health.ready.store(true, Ordering::Relaxed);

    let hold = election.hold();
    let shutdown = shutdown_signal();
    tokio::pin!(hold, shutdown);
    let mut config = config;
    loop {
        tokio::select! {
            result = serve_clusters(client.clone(), config.clone(), &args, metrics.clone()) => {
                match result? {
                    Some(new) => config = new,
                    None => return Ok(()),
                }
            }
            _ = &mut hold => anyhow::bail!("lost the leader lease; exiting so that only one replica writes"),
            _ = &mut shutdown => {
                tracing::info!("shutting down");
                return Ok(());
            }
        }
    }
}

/// The single namespace given by `--watched-namespace`, if it names one: the scope of the
/// permission checks.
fn namespace_from_args(args: &Args) -> Option<&str> {
    args.watched_namespace
        .as_deref()
        .filter(|ns| *ns != "*" && !ns.contains(','))
}

async fn client(args: &Args) -> anyhow::Result<Client> {
    let config = match &args.kubeconfig {
        Some(path) => {
            let kubeconfig = kube::config::Kubeconfig::read_from(path)
                .with_context(|| format!("cannot read kubeconfig {}", path.display()))?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await?
        }
        None => kube::Config::infer()
            .await
            .context("no kubeconfig and no in-cluster configuration")?,
    };
    Ok(Client::try_from(config)?)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "pgctl-controller".to_string())
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate => {},
    }
}

/// What a kind needs to be cached from a watch.
trait Cached:
    Resource<DynamicType = ()> + Clone + DeserializeOwned + std::fmt::Debug + Send + Sync + 'static
{
}

impl<K> Cached for K where
    K: Resource<DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static
{
}

/// A label-selected, managedFields-free cache of one kind, and the stream of its changes.
fn cache<K: Cached>(
    api: Api<K>,
    selector: &str,
) -> (
    Store<K>,
    impl futures::Stream<Item = Result<K, watcher::Error>> + Send + 'static,
) {
    trimmed_cache(api, selector, without_managed_fields)
}

fn without_managed_fields<K: Resource>(object: &mut K) {
    object.meta_mut().managed_fields = None;
}

/// Keeps of the managed fields only whether the controller is among the managers (the entry
/// without its fields): the plan deletes an orphan only when the controller applied it.
fn controller_manager_only<K: Resource>(object: &mut K) {
    if let Some(entries) = object.meta_mut().managed_fields.as_mut() {
        entries.retain(|e| e.manager.as_deref() == Some(crate::apply::FIELD_MANAGER));
        entries.truncate(1);
        for entry in entries.iter_mut() {
            *entry = k8s_openapi::apimachinery::pkg::apis::meta::v1::ManagedFieldsEntry {
                manager: entry.manager.take(),
                ..Default::default()
            };
        }
    }
}

/// Like [`cache`], keeping of each object what `trim` leaves.
fn trimmed_cache<K: Cached>(
    api: Api<K>,
    selector: &str,
    trim: fn(&mut K),
) -> (
    Store<K>,
    impl futures::Stream<Item = Result<K, watcher::Error>> + Send + 'static,
) {
    let (reader, events) = reflected(api, selected(selector), trim);
    (reader, events.touched_objects())
}

/// Like [`trimmed_cache`], indexed by the cluster-name `label` (a [`ClusterStore`]): for the
/// kinds a reconcile looks up by cluster.
fn indexed_cache<K: Cached>(
    api: Api<K>,
    selector: &str,
    trim: fn(&mut K),
    label: &str,
) -> (
    ClusterStore<K>,
    impl futures::Stream<Item = Result<K, watcher::Error>> + Send + 'static,
) {
    let (reader, events) = reflected(api, selected(selector), trim);
    let store = ClusterStore::new(reader, label);
    let index = store.clone();
    let events = events.inspect_ok(move |event| index.observe(event));
    (store, events.touched_objects())
}

/// Like [`trimmed_cache`], but the stream yields only deleted objects: for a kind whose
/// updates come from others all the time (Patroni renews its leader annotation on the master
/// Endpoints every `loop_wait`), where only a deletion is drift the controller repairs.
fn deletions_cache<K: Cached>(
    api: Api<K>,
    selector: &str,
    trim: fn(&mut K),
) -> (
    Store<K>,
    impl futures::Stream<Item = Result<K, watcher::Error>> + Send + 'static,
) {
    let (reader, events) = reflected(api, selected(selector), trim);
    let deleted = events.try_filter_map(|event| {
        future::ready(Ok(match event {
            watcher::Event::Delete(object) => Some(object),
            _ => None,
        }))
    });
    (reader, deleted)
}

/// The watch of one kind, its objects trimmed by `trim`, feeding a store.
fn reflected<K: Cached>(
    api: Api<K>,
    config: watcher::Config,
    trim: fn(&mut K),
) -> (
    Store<K>,
    impl futures::Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static,
) {
    let (reader, writer) = reflector::store();
    let events = watcher(api, config)
        .default_backoff()
        .modify(trim)
        .reflect(writer);
    (reader, events)
}

/// A watch of the objects that carry the labels of `selector`, served from the API server's
/// cache.
fn selected(selector: &str) -> watcher::Config {
    watcher::Config::default().labels(selector).any_semantic()
}

fn apis<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// Serves every watched namespace until the operator configuration changes what the watches
/// cover ([`OperatorConfig::changes_watches`]): then returns that configuration, to be served
/// anew.
async fn serve_clusters(
    client: Client,
    config: OperatorConfig,
    args: &Args,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Option<OperatorConfig>> {
    let namespaces: Vec<Option<String>> = match &config.watched_namespace {
        WatchedNamespaces::All => vec![None],
        WatchedNamespaces::Some(list) => list.iter().cloned().map(Some).collect(),
    };
    let reporter = Reporter {
        controller: "pgctl-controller".into(),
        instance: args.identity.clone(),
    };
    let recorder = Recorder::new(client.clone(), reporter);
    let client_for_config = client.clone();
    let config_changes = watch_config(
        client.clone(),
        args.namespace.clone(),
        args.config_map.clone(),
    );
    let (config_tx, _) = tokio::sync::broadcast::channel::<OperatorConfig>(4);
    let rollout_slots: Arc<std::sync::Mutex<pgctl_shared::rollout_slots::RolloutSlots>> =
        Arc::default();
    let infrastructure = Arc::new(crate::infrastructure::InfraRoles::new(
        args.namespace.clone(),
    ));
    let mut loops = Vec::new();
    for namespace in namespaces {
        let ctx_config = config.clone();
        loops.push(
            run_namespace(
                client.clone(),
                namespace,
                ctx_config,
                metrics.clone(),
                recorder.clone(),
                config_tx.subscribe(),
                Shared {
                    rollout_slots: rollout_slots.clone(),
                    max_concurrent_rollouts: args.max_concurrent_rollouts,
                    infrastructure: infrastructure.clone(),
                },
            )
            .map(|result| result.map(|()| None))
            .boxed(),
        );
    }
    // The configuration in force: the one loaded at start-up, then each applied change. The
    // watch's first event may already carry a change made while it started, so changes are
    // told by comparing with this, not with the watch's previous event.
    let mut current = config.clone();
    let relay = async move {
        let mut changes = std::pin::pin!(config_changes);
        while let Some(data) = changes.next().await {
            match startup::config_from_data(&data, args.watched_namespace.as_deref()) {
                Ok(new) if new == current => {}
                Ok(new) => {
                    let restart = current.changes_watches(&new);
                    if restart
                        && let Err(error) = startup::check_permissions(
                            &client_for_config,
                            namespace_from_args(args),
                            startup::Features::of(&new),
                        )
                        .await
                    {
                        tracing::error!(error = %format!("{error:#}"), "the changed operator configuration needs a permission the controller lacks; keeping the previous one");
                        continue;
                    }
                    current = new.clone();
                    if let Err(error) =
                        startup::sync_delete_protection(&client_for_config, &new, &args.namespace)
                            .await
                    {
                        tracing::error!(error = %format!("{error:#}"), "could not update delete protection");
                    }
                    if restart {
                        tracing::info!(
                            "operator configuration changed what is watched; restarting the watches"
                        );
                        return Ok(Some(new));
                    }
                    tracing::info!("operator configuration changed; resyncing every cluster");
                    let _ = config_tx.send(new);
                }
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "the changed operator configuration is invalid; keeping the previous one")
                }
            }
        }
        Ok::<_, anyhow::Error>(None)
    };
    let (result, _, _) =
        future::select_all(loops.into_iter().chain(std::iter::once(relay.boxed()))).await;
    result
}

/// The data of the operator ConfigMap, at the start of the watch and each time it changes.
fn watch_config(
    client: Client,
    namespace: String,
    name: String,
) -> impl futures::Stream<Item = std::collections::BTreeMap<String, String>> {
    let api: Api<ConfigMap> = Api::namespaced(client, &namespace);
    let mut last: Option<std::collections::BTreeMap<String, String>> = None;
    watcher(
        api,
        watcher::Config::default().fields(&format!("metadata.name={name}")),
    )
    .default_backoff()
    .applied_objects()
    .filter_map(|r| future::ready(r.ok()))
    .filter_map(move |cm| {
        let data = cm.data.unwrap_or_default();
        let changed = last.as_ref() != Some(&data);
        last = Some(data.clone());
        future::ready(changed.then_some(data))
    })
}

/// What the namespace loops of one controller share.
struct Shared {
    /// The clusters replacing pods now, and at most how many may.
    rollout_slots: Arc<std::sync::Mutex<pgctl_shared::rollout_slots::RolloutSlots>>,
    max_concurrent_rollouts: u32,
    infrastructure: Arc<crate::infrastructure::InfraRoles>,
}

async fn run_namespace(
    client: Client,
    namespace: Option<String>,
    config: OperatorConfig,
    metrics: Arc<Metrics>,
    recorder: Recorder,
    mut config_updates: tokio::sync::broadcast::Receiver<OperatorConfig>,
    shared: Shared,
) -> anyhow::Result<()> {
    let Shared {
        rollout_slots,
        max_concurrent_rollouts,
        infrastructure,
    } = shared;
    let ns = namespace.as_deref();
    let selector = pgctl_shared::naming::selector(&config.cluster_labels);
    let name_label = config.cluster_name_label.clone();
    let resource = postgresql_resource();

    let (statefulsets, sts_stream) = cache(apis::<StatefulSet>(&client, ns), &selector);
    let (services, svc_stream) = indexed_cache(
        apis::<Service>(&client, ns),
        &selector,
        controller_manager_only,
        &name_label,
    );
    // The pooler's objects carry the cluster's labels with another `application`.
    let pooler_selector =
        pgctl_shared::naming::selector(&pgctl_shared::naming::pooler_selector_labels(&config));
    let (pooler_services, pooler_svc_stream) = indexed_cache(
        apis::<Service>(&client, ns),
        &pooler_selector,
        controller_manager_only,
        &name_label,
    );
    let (deployments, deployment_stream) = indexed_cache(
        apis::<k8s_openapi::api::apps::v1::Deployment>(&client, ns),
        &pooler_selector,
        controller_manager_only,
        &name_label,
    );
    let (cron_jobs, cron_job_stream) = indexed_cache(
        apis::<k8s_openapi::api::batch::v1::CronJob>(&client, ns),
        &selector,
        controller_manager_only,
        &name_label,
    );
    let (endpoints, endpoints_stream) = deletions_cache(
        apis::<Endpoints>(&client, ns),
        &selector,
        pgctl_shared::trim::endpoints,
    );
    let (secrets, secret_stream) = indexed_cache(
        apis::<Secret>(&client, ns),
        &selector,
        without_managed_fields,
        &name_label,
    );
    // Credential Secrets that the clusters of this namespace keep in other namespaces
    // (enable_cross_namespace_secret): a watch of every namespace, selected by the labels that
    // name this namespace as their cluster's. Watching every namespace, the cache above holds
    // them already.
    let (cross_namespace_secrets, cross_namespace_stream) = match ns
        .filter(|_| config.enable_cross_namespace_secret)
    {
        Some(ns) => {
            let selector = pgctl_shared::naming::cross_namespace_secret_selector(&config, Some(ns));
            let (store, stream) = cache(Api::<Secret>::all(client.clone()), &selector);
            (Some(store), Some(stream))
        }
        None => (None, None),
    };
    let (pdbs, pdb_stream) = indexed_cache(
        apis::<PodDisruptionBudget>(&client, ns),
        &selector,
        controller_manager_only,
        &name_label,
    );
    let (pods, pod_stream) = indexed_cache(
        apis::<Pod>(&client, ns),
        &selector,
        pgctl_shared::trim::pod,
        &name_label,
    );
    let (service_accounts, sa_stream) = cache(apis::<ServiceAccount>(&client, ns), &selector);
    let (role_bindings, rb_stream) = cache(apis::<RoleBinding>(&client, ns), &selector);
    // Claims are watched to notice when one binds (a pending resize can then proceed).
    let (claims, pvc_stream) = indexed_cache(
        apis::<PersistentVolumeClaim>(&client, ns),
        &selector,
        without_managed_fields,
        &name_label,
    );
    let (nodes, node_stream) = node_cache(client.clone());
    let stores = Stores {
        namespace: namespace.clone(),
        cross_namespace_secrets,
        claims,
        statefulsets,
        services,
        pooler_services,
        deployments,
        cron_jobs,
        endpoints,
        secrets,
        pdbs,
        pods,
        service_accounts,
        role_bindings,
        nodes,
    };

    let pg_api: Api<DynamicObject> = match ns {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    };
    // The CRD must exist before the watch can start; fail clearly instead of spinning.
    pg_api
        .list_metadata(&ListParams::default().limit(1))
        .await
        .context("cannot list postgresql resources: is the CRD installed?")?;
    let writer = reflector::store::Writer::new(resource.clone());
    let reader = writer.as_reader();
    let trigger = watcher(pg_api, watcher::Config::default().any_semantic())
        .default_backoff()
        .modify(|object: &mut DynamicObject| object.metadata.managed_fields = None)
        .reflect(writer)
        .applied_objects()
        .predicate_filter(
            // Spec changes, request annotations (pgctl resync, rollout restart, pause) and
            // labels (inherited_labels reach the children without waiting for a resync).
            (predicates::generation::<DynamicObject>)
                .combine(predicates::annotations::<DynamicObject>)
                .combine(predicates::labels::<DynamicObject>),
            Default::default(),
        );

    let applier = Applier::new(client.clone(), metrics.clone());
    let workers = u16::try_from(config.workers.max(1)).unwrap_or(u16::MAX);
    let ctx = Arc::new(
        Context::new(
            applier,
            config,
            stores,
            metrics,
            recorder,
            resource.clone(),
            infrastructure,
        )
        .with_rollout_slots(rollout_slots, max_concurrent_rollouts),
    );
    let (resync_tx, resync_rx) = futures::channel::mpsc::unbounded::<()>();
    let ctx_for_updates = ctx.clone();
    tokio::spawn(async move {
        while let Ok(new) = config_updates.recv().await {
            ctx_for_updates.set_config(new);
            if resync_tx.unbounded_send(()).is_err() {
                break;
            }
        }
    });

    // The series of deleted clusters go (a deleted cluster without a finalizer is never
    // reconciled again).
    let sweep_reader = reader.clone();
    let sweep_metrics = ctx.metrics.clone();
    let sweep_namespace = namespace.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(METRICS_SWEEP);
        loop {
            tick.tick().await;
            let known: std::collections::HashSet<String> = sweep_reader
                .state()
                .iter()
                .filter_map(|o| {
                    Some(format!(
                        "{}/{}",
                        o.metadata.namespace.as_deref()?,
                        o.metadata.name.as_deref()?
                    ))
                })
                .collect();
            sweep_metrics.retain_clusters(sweep_namespace.as_deref(), |key| known.contains(key));
        }
    });
    let controller = Controller::for_stream_with(trigger, reader, resource.clone())
        .with_config(
            kube::runtime::controller::Config::default()
                .concurrency(workers)
                .debounce(RECONCILE_DEBOUNCE),
        )
        .watches_stream(sts_stream, cluster_of(&name_label, &resource))
        .watches_stream(svc_stream, cluster_of(&name_label, &resource))
        .watches_stream(pooler_svc_stream, cluster_of(&name_label, &resource))
        .watches_stream(deployment_stream, cluster_of(&name_label, &resource))
        .watches_stream(cron_job_stream, cluster_of(&name_label, &resource))
        .watches_stream(endpoints_stream, cluster_of(&name_label, &resource))
        .watches_stream(secret_stream, secret_cluster_of(&name_label, &resource))
        .watches_stream(pdb_stream, cluster_of(&name_label, &resource))
        .watches_stream(pod_stream, cluster_of(&name_label, &resource))
        .watches_stream(pvc_stream, cluster_of(&name_label, &resource))
        .watches_stream(node_stream, masters_on(ctx.clone(), &name_label, &resource))
        .watches_stream(sa_stream, |_: ServiceAccount| None)
        .watches_stream(rb_stream, |_: RoleBinding| None);
    let controller = match cross_namespace_stream {
        Some(stream) => {
            controller.watches_stream(stream, secret_cluster_of(&name_label, &resource))
        }
        None => controller,
    };
    controller
        .reconcile_all_on(resync_rx)
        .run(reconcile::reconcile, reconcile::error_policy, ctx)
        .for_each(|result| {
            if let Err(error) = result {
                tracing::debug!(%error, "controller event");
            }
            future::ready(())
        })
        .await;
    Ok(())
}

/// Every node, reduced to what drains are decided from (labels, `spec`), and the stream of
/// the nodes whose schedulability or labels changed — not their status heartbeats.
fn node_cache(
    client: Client,
) -> (
    Store<Node>,
    impl futures::Stream<Item = Result<Node, watcher::Error>> + Send + 'static,
) {
    let (reader, events) = reflected(
        Api::<Node>::all(client),
        watcher::Config::default().any_semantic(),
        pgctl_shared::trim::node,
    );
    let stream = events.touched_objects().predicate_filter(
        |node: &Node| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            node.spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .hash(&mut hasher);
            node.metadata.labels.hash(&mut hasher);
            Some(hasher.finish())
        },
        Default::default(),
    );
    (reader, stream)
}

/// Maps a node that no longer accepts Postgres pods (cordoned, or lacking
/// `node_readiness_label`) to the clusters whose master runs on it: they must move it.
fn masters_on(
    ctx: Arc<Context>,
    label: &str,
    resource: &ApiResource,
) -> impl Fn(Node) -> Vec<ObjectRef<DynamicObject>> + Send + Sync + 'static {
    let (label, resource) = (label.to_string(), resource.clone());
    move |node: Node| {
        let config = ctx.config();
        if !pgctl_shared::rollout::node_unschedulable(&node, &config.node_readiness_label) {
            return Vec::new();
        }
        let name = node.name_any();
        ctx.stores
            .pods
            .state()
            .iter()
            .filter(|pod| pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(&name))
            .filter(|pod| {
                pod.labels().get(&config.pod_role_label).map(String::as_str)
                    == Some(pgctl_shared::build::MASTER_ROLE)
            })
            .filter_map(|pod| {
                let cluster = pod.labels().get(&label)?;
                Some(ObjectRef::new_with(cluster, resource.clone()).within(&pod.namespace()?))
            })
            .collect()
    }
}

/// Bursts of watch events for one cluster (a new cluster's pods, claims and Secrets appear
/// within moments of each other) are folded into one reconcile after this quiet time.
const RECONCILE_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(500);
/// How often the series of deleted clusters are dropped from `/metrics`.
const METRICS_SWEEP: std::time::Duration = std::time::Duration::from_secs(15);

/// Maps a credential Secret to its cluster: the cluster-name label, in the namespace that
/// [`pgctl_shared::naming::CLUSTER_NAMESPACE_LABEL`] names (a Secret in another namespace),
/// else in the Secret's own.
fn secret_cluster_of(
    label: &str,
    resource: &ApiResource,
) -> impl Fn(Secret) -> Option<ObjectRef<DynamicObject>> + Send + Sync + 'static {
    let (label, resource) = (label.to_string(), resource.clone());
    move |secret: Secret| {
        let cluster = secret.labels().get(&label)?;
        let namespace = secret
            .labels()
            .get(pgctl_shared::naming::CLUSTER_NAMESPACE_LABEL)
            .cloned()
            .or_else(|| secret.namespace())?;
        Some(ObjectRef::new_with(cluster, resource.clone()).within(&namespace))
    }
}

/// Maps an owned object to its cluster through the cluster-name label (works whether or not
/// owner references are enabled).
fn cluster_of<K: Resource>(
    label: &str,
    resource: &ApiResource,
) -> impl Fn(K) -> Option<ObjectRef<DynamicObject>> + Send + Sync + 'static {
    let (label, resource) = (label.to_string(), resource.clone());
    move |object: K| {
        let cluster = object.labels().get(&label)?;
        Some(ObjectRef::new_with(cluster, resource.clone()).within(&object.namespace()?))
    }
}
