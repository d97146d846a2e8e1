//! The test cluster does what the operator relies on: a real API server
//! (version, schema validation, RBAC), controllers (StatefulSets, garbage
//! collection), a scheduler, nodes and volumes.
//!
//! Run with `tests/cluster/e2e` (or with `PGCTL_E2E_KUBECONFIG` set).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{
    ConfigMap, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, PostParams,
};
use kube::config::AuthInfo;
use kube::{Client, ResourceExt};
use pgctl_e2e::{
    TestNamespace, client, config, expect_api_error, install_crd, is_harness,
    pinned_kubernetes_version, unique_name, wait_deleted, wait_for, wait_until,
};
use serde_json::json;

const SHORT: Duration = Duration::from_secs(30);
const LONG: Duration = Duration::from_secs(120);

fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).context("building a test object")
}

fn pod_is_running_and_ready(pod: &Pod) -> bool {
    let Some(status) = &pod.status else {
        return false;
    };
    status.phase.as_deref() == Some("Running")
        && status
            .conditions
            .iter()
            .flatten()
            .any(|condition| condition.type_ == "Ready" && condition.status == "True")
}

fn node_is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|status| status.conditions.as_ref())
        .is_some_and(|conditions| {
            conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True")
        })
}

#[tokio::test]
async fn server_reports_the_pinned_version() -> Result<()> {
    let info = client().await?.apiserver_version().await?;
    ensure!(
        info.major == "1",
        "unexpected major version {:?}",
        info.major
    );
    ensure!(
        info.minor.trim_end_matches('+').parse::<u32>().is_ok(),
        "unexpected minor version {:?}",
        info.minor
    );
    if is_harness() {
        let pinned = pinned_kubernetes_version()?;
        ensure!(
            info.git_version == pinned,
            "the API server reports {} but tests/cluster pins {pinned}",
            info.git_version
        );
    }
    Ok(())
}

#[tokio::test]
async fn nodes_are_ready_in_distinct_zones() -> Result<()> {
    let client = client().await?;
    let nodes = Api::<Node>::all(client);
    let selector = if is_harness() {
        "pgctl.test/fake-node=true"
    } else {
        ""
    };
    let nodes = nodes
        .list(&ListParams::default().labels(selector))
        .await?
        .items;
    ensure!(!nodes.is_empty(), "the cluster has no nodes");
    for node in &nodes {
        ensure!(
            node_is_ready(node),
            "node {} is not Ready: {:?}",
            node.name_any(),
            node.status
        );
    }
    if is_harness() {
        let expected: usize = std::env::var("PGCTL_E2E_NODES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3);
        ensure!(
            nodes.len() == expected,
            "expected {expected} fake nodes, found {}",
            nodes.len()
        );
        let zones: BTreeSet<&str> = nodes
            .iter()
            .filter_map(|node| {
                node.labels()
                    .get("topology.kubernetes.io/zone")
                    .map(String::as_str)
            })
            .collect();
        ensure!(
            zones.len() == nodes.len(),
            "nodes must each have a zone of their own, got zones {zones:?}"
        );
        let cidrs: BTreeSet<&str> = nodes
            .iter()
            .filter_map(|node| node.spec.as_ref()?.pod_cidr.as_deref())
            .collect();
        ensure!(
            cidrs.len() == nodes.len(),
            "nodes must each have a pod CIDR of their own, got {cidrs:?}"
        );
    }
    Ok(())
}

/// A StatefulSet with a volume claim template gets all its pods Running and
/// Ready with Bound claims, and a deleted pod comes back with its claim.
#[tokio::test]
async fn statefulset_pods_run_with_bound_claims_and_are_recreated() -> Result<()> {
    let client = client().await?;
    let namespace = TestNamespace::create(&client, "sts").await?;
    let ns = namespace.name();
    let labels = json!({ "app": "web" });

    let services = Api::<Service>::namespaced(client.clone(), ns);
    services
        .create(
            &PostParams::default(),
            &from_json(json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": { "name": "web" },
                "spec": {
                    "clusterIP": "None",
                    "selector": labels,
                    "ports": [{ "name": "http", "port": 80 }],
                },
            }))?,
        )
        .await?;
    let statefulsets = Api::<StatefulSet>::namespaced(client.clone(), ns);
    statefulsets
        .create(
            &PostParams::default(),
            &from_json(json!({
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": { "name": "web" },
                "spec": {
                    "serviceName": "web",
                    "replicas": 3,
                    "podManagementPolicy": "Parallel",
                    "selector": { "matchLabels": labels },
                    "template": {
                        "metadata": { "labels": labels },
                        "spec": {
                            "terminationGracePeriodSeconds": 0,
                            "containers": [{
                                "name": "web",
                                "image": "registry.invalid/web:1",
                                "volumeMounts": [{ "name": "data", "mountPath": "/data" }],
                            }],
                        },
                    },
                    "volumeClaimTemplates": [{
                        "metadata": { "name": "data" },
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": { "requests": { "storage": "1Gi" } },
                        },
                    }],
                },
            }))?,
        )
        .await?;

    let pods = Api::<Pod>::namespaced(client.clone(), ns);
    let claims = Api::<PersistentVolumeClaim>::namespaced(client.clone(), ns);
    let all_running = || async {
        let set = statefulsets.get("web").await?;
        let ready = set
            .status
            .as_ref()
            .and_then(|status| status.ready_replicas)
            .unwrap_or(0);
        if ready != 3 {
            return Ok(false);
        }
        let listed = pods
            .list(&ListParams::default().labels("app=web"))
            .await?
            .items;
        let bound = claims
            .list(&ListParams::default())
            .await?
            .items
            .iter()
            .filter(|claim| claim.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound"))
            .count();
        Ok(listed.len() == 3 && listed.iter().all(pod_is_running_and_ready) && bound == 3)
    };
    wait_for(
        "3 Running and Ready pods with 3 Bound claims",
        LONG,
        all_running,
    )
    .await?;

    let mut claim_names: Vec<String> = claims
        .list(&ListParams::default())
        .await?
        .items
        .iter()
        .map(ResourceExt::name_any)
        .collect();
    claim_names.sort();
    ensure!(
        claim_names == ["data-web-0", "data-web-1", "data-web-2"],
        "unexpected claims {claim_names:?}"
    );

    // Delete one pod: the StatefulSet controller makes it again, on its claim.
    let before = pods.get("web-1").await?;
    let old_uid = before.uid().context("pod without uid")?;
    let volume_before = claims
        .get("data-web-1")
        .await?
        .spec
        .and_then(|spec| spec.volume_name);
    pods.delete("web-1", &DeleteParams::default().grace_period(0))
        .await?;
    let recreated = wait_until(
        "pod web-1 to be re-created, Running and Ready",
        LONG,
        || async {
            Ok(pods.get_opt("web-1").await?.filter(|pod| {
                pod.uid().as_deref() != Some(old_uid.as_str()) && pod_is_running_and_ready(pod)
            }))
        },
    )
    .await?;
    let volume_after = claims
        .get("data-web-1")
        .await?
        .spec
        .and_then(|spec| spec.volume_name);
    ensure!(
        volume_before.is_some() && volume_before == volume_after,
        "the claim of web-1 changed volume: {volume_before:?} -> {volume_after:?}"
    );

    if is_harness() {
        // The harness's volumes are pinned to the node that the scheduler chose
        // first, so the new pod must land there again.
        let volume = Api::<PersistentVolume>::all(client.clone())
            .get(volume_after.as_deref().context("claim without volume")?)
            .await?;
        let pinned_node = volume
            .spec
            .as_ref()
            .and_then(|spec| spec.node_affinity.as_ref())
            .and_then(|affinity| affinity.required.as_ref())
            .and_then(|selector| selector.node_selector_terms.first())
            .and_then(|term| term.match_expressions.as_ref())
            .and_then(|expressions| expressions.first())
            .and_then(|expression| expression.values.as_ref())
            .and_then(|values| values.first())
            .cloned()
            .context("the volume has no node affinity")?;
        let node = recreated
            .spec
            .as_ref()
            .and_then(|spec| spec.node_name.clone());
        ensure!(
            node.as_deref() == Some(pinned_node.as_str()),
            "pod web-1 runs on {node:?}, its volume is on {pinned_node}"
        );
    }
    Ok(())
}

/// Deleting a custom resource makes the garbage collector delete the
/// ConfigMap it owns, and only that one.
#[tokio::test]
async fn garbage_collector_deletes_what_a_custom_resource_owns() -> Result<()> {
    let client = client().await?;
    // A group of its own, so that concurrent runs do not share the CRD.
    let group = format!("{}.e2e.pgctl.test", unique_name("gc"));
    let crd_name = format!("widgets.{group}");
    let crd: CustomResourceDefinition = from_json(json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": { "name": crd_name },
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": { "plural": "widgets", "singular": "widget", "kind": "Widget" },
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": { "openAPIV3Schema": {
                    "type": "object",
                    "properties": { "spec": {
                        "type": "object",
                        "properties": { "size": { "type": "integer" } },
                    } },
                } },
            }],
        },
    }))?;
    install_crd(&client, &crd, SHORT).await?;
    let result = owned_configmap_is_collected(&client, &group).await;
    let crds = Api::<CustomResourceDefinition>::all(client.clone());
    crds.delete(&crd_name, &DeleteParams::default()).await?;
    result
}

async fn owned_configmap_is_collected(client: &Client, group: &str) -> Result<()> {
    let namespace = TestNamespace::create(client, "gc").await?;
    let ns = namespace.name();
    let resource =
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, "v1", "Widget"), "widgets");
    let widgets = Api::<DynamicObject>::namespaced_with(client.clone(), ns, &resource);
    let mut widget = DynamicObject::new("owner", &resource);
    widget.data = json!({ "spec": { "size": 1 } });
    // Right after Established the new resource may take a moment to be served.
    let widget = wait_until("the Widget to be created", SHORT, || async {
        Ok(Some(widgets.create(&PostParams::default(), &widget).await?))
    })
    .await?;
    let uid = widget.uid().context("widget without uid")?;

    let configmaps = Api::<ConfigMap>::namespaced(client.clone(), ns);
    configmaps
        .create(
            &PostParams::default(),
            &from_json(json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": "owned",
                    "ownerReferences": [{
                        "apiVersion": format!("{group}/v1"),
                        "kind": "Widget",
                        "name": "owner",
                        "uid": uid,
                        "controller": true,
                        "blockOwnerDeletion": true,
                    }],
                },
                "data": { "key": "value" },
            }))?,
        )
        .await?;
    configmaps
        .create(
            &PostParams::default(),
            &from_json(json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": { "name": "unowned" },
                "data": { "key": "value" },
            }))?,
        )
        .await?;

    widgets.delete("owner", &DeleteParams::background()).await?;
    wait_deleted(&widgets, "owner", SHORT).await?;
    wait_deleted(&configmaps, "owned", LONG)
        .await
        .context("the garbage collector did not delete the owned ConfigMap")?;
    ensure!(
        configmaps.get_opt("unowned").await?.is_some(),
        "the ConfigMap without owner was deleted too"
    );
    Ok(())
}

/// A ServiceAccount without a RoleBinding is refused (403); once bound to a
/// Role it gets what the Role grants, and nothing more.
#[tokio::test]
async fn rbac_is_enforced_for_service_accounts() -> Result<()> {
    let client = client().await?;
    let namespace = TestNamespace::create(&client, "rbac").await?;
    let ns = namespace.name();

    let accounts = Api::<ServiceAccount>::namespaced(client.clone(), ns);
    accounts
        .create(
            &PostParams::default(),
            &from_json(json!({ "metadata": { "name": "reader" } }))?,
        )
        .await?;
    let request: TokenRequest = from_json(json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": { "audiences": [], "expirationSeconds": 600 },
    }))?;
    let token = accounts
        .create_token_request("reader", &PostParams::default(), &request)
        .await?
        .status
        .context("TokenRequest without status")?
        .token;

    // The same cluster, as the ServiceAccount (its token instead of the
    // admin's client certificate).
    let mut as_reader = config().await?;
    as_reader.auth_info = AuthInfo {
        token: Some(token.into()),
        ..AuthInfo::default()
    };
    let reader = Client::try_from(as_reader)?;
    let reader_configmaps = Api::<ConfigMap>::namespaced(reader.clone(), ns);

    let message = expect_api_error(reader_configmaps.list(&ListParams::default()).await, 403)?;
    ensure!(
        message.contains(&format!("system:serviceaccount:{ns}:reader")),
        "the 403 should name the ServiceAccount: {message}"
    );

    Api::<Role>::namespaced(client.clone(), ns)
        .create(
            &PostParams::default(),
            &from_json(json!({
                "metadata": { "name": "configmap-reader" },
                "rules": [{
                    "apiGroups": [""],
                    "resources": ["configmaps"],
                    "verbs": ["get", "list"],
                }],
            }))?,
        )
        .await?;
    Api::<RoleBinding>::namespaced(client.clone(), ns)
        .create(
            &PostParams::default(),
            &from_json(json!({
                "metadata": { "name": "reader" },
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "Role",
                    "name": "configmap-reader",
                },
                "subjects": [{ "kind": "ServiceAccount", "name": "reader", "namespace": ns }],
            }))?,
        )
        .await?;

    // The authorizer learns of the binding through a watch: wait for it.
    wait_until("the RoleBinding to take effect", SHORT, || async {
        Ok(Some(reader_configmaps.list(&ListParams::default()).await?))
    })
    .await?;
    // Still nothing beyond the Role.
    expect_api_error(
        Api::<Secret>::namespaced(reader.clone(), ns)
            .list(&ListParams::default())
            .await,
        403,
    )?;
    expect_api_error(
        Api::<ConfigMap>::namespaced(reader, "default")
            .list(&ListParams::default())
            .await,
        403,
    )?;
    Ok(())
}

/// The project's `postgresql` CRD installs, accepts a minimal valid manifest
/// and the server rejects manifests that violate its schema, naming the field.
#[tokio::test]
async fn postgresql_crd_rejects_invalid_manifests() -> Result<()> {
    let path = pgctl_e2e::workspace_root().join("manifests/crd/postgresql.yaml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let crd: CustomResourceDefinition =
        serde_yaml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let client = client().await?;
    install_crd(&client, &crd, SHORT).await?;

    let names = &crd.spec.names;
    let version = crd
        .spec
        .versions
        .iter()
        .find(|version| version.name == "v1")
        .context("the CRD has no version v1")?;
    ensure!(
        crd.spec.group == "acid.zalan.do" && names.kind == "postgresql",
        "unexpected CRD {}",
        crd.name_any()
    );
    ensure!(version.served, "version v1 is not served");
    let resource = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(&crd.spec.group, "v1", &names.kind),
        &names.plural,
    );

    let namespace = TestNamespace::create(&client, "crd").await?;
    let ns = namespace.name();
    let clusters = Api::<DynamicObject>::namespaced_with(client.clone(), ns, &resource);
    let manifest = |name: &str, spec: serde_json::Value| -> Result<DynamicObject> {
        let mut object = DynamicObject::new(name, &resource);
        object.data = json!({ "spec": spec });
        Ok(object)
    };
    let valid_spec = json!({
        "teamId": "acid",
        "numberOfInstances": 2,
        "volume": { "size": "1Gi" },
        "postgresql": { "version": "17" },
    });

    let created = wait_until("a valid postgresql to be accepted", SHORT, || async {
        match clusters
            .create(
                &PostParams::default(),
                &manifest("acid-minimal", valid_spec.clone())?,
            )
            .await
        {
            Ok(created) => Ok(Some(created)),
            // Right after Established the resource may take a moment to be served.
            Err(kube::Error::Api(status)) if status.is_not_found() => {
                bail!("not served yet: {}", status.message)
            }
            Err(error) => Err(anyhow::Error::new(error).context("creating a valid postgresql")),
        }
    })
    .await?;
    ensure!(
        created.uid().is_some(),
        "the valid postgresql was not stored"
    );

    let invalid: BTreeMap<&str, (serde_json::Value, &str)> = BTreeMap::from([
        (
            "negative-instances",
            (json!({ "numberOfInstances": -1 }), "spec.numberOfInstances"),
        ),
        (
            "old-version",
            (
                json!({ "postgresql": { "version": "9" } }),
                "spec.postgresql.version",
            ),
        ),
    ]);
    for (name, (change, field)) in invalid {
        let mut spec = valid_spec.clone();
        merge(&mut spec, &change);
        let message = expect_api_error(
            clusters
                .create(
                    &PostParams::default(),
                    &manifest(&format!("acid-{name}"), spec)?,
                )
                .await,
            422,
        )
        .with_context(|| format!("creating the invalid postgresql acid-{name}"))?;
        ensure!(
            message.contains(field),
            "the error for acid-{name} should name {field}: {message}"
        );
    }
    Ok(())
}

/// Merges the object `change` into `target`, recursively.
fn merge(target: &mut serde_json::Value, change: &serde_json::Value) {
    match (target, change) {
        (serde_json::Value::Object(target), serde_json::Value::Object(change)) => {
            for (key, value) in change {
                merge(
                    target.entry(key.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
        (target, change) => *target = change.clone(),
    }
}

/// On the local test cluster (PGCTL_SPILO_PODS=runner, the default) kwok
/// leaves pods labelled application=spilo scheduled but Pending, for the pod
/// runner to take over, and runs every other pod. (The namespace is one whose
/// database pods the runner does not run, so the pod stays Pending.)
#[tokio::test]
async fn kwok_leaves_spilo_pods_to_a_pod_runner() -> Result<()> {
    if !is_harness() || std::env::var(pgctl_e2e::SPILO_PODS_ENV).as_deref() != Ok("runner") {
        eprintln!("skipped: only for the local test cluster with PGCTL_SPILO_PODS=runner");
        return Ok(());
    }
    let client = client().await?;
    let namespace = TestNamespace::create(&client, "spilo").await?;
    let pods = Api::<Pod>::namespaced(client.clone(), namespace.name());
    let pod = |name: &str, labels: serde_json::Value| {
        from_json::<Pod>(json!({
            "metadata": { "name": name, "labels": labels },
            "spec": { "containers": [{ "name": "main", "image": "registry.invalid/main:1" }] },
        }))
    };
    // Pods need the namespace's default ServiceAccount, made by a controller.
    let accounts = Api::<ServiceAccount>::namespaced(client.clone(), namespace.name());
    wait_for("the default ServiceAccount", SHORT, || async {
        Ok(accounts.get_opt("default").await?.is_some())
    })
    .await?;

    pods.create(
        &PostParams::default(),
        &pod("spilo", json!({ "application": "spilo" }))?,
    )
    .await?;
    wait_for("the spilo pod to be scheduled", SHORT, || async {
        Ok(pods
            .get("spilo")
            .await?
            .spec
            .and_then(|spec| spec.node_name)
            .is_some())
    })
    .await?;
    // A pod created after the spilo pod was scheduled becomes Ready: kwok has
    // had its chance at the spilo pod by then.
    pods.create(
        &PostParams::default(),
        &pod("other", json!({ "application": "other" }))?,
    )
    .await?;
    wait_for("the other pod to be Running and Ready", SHORT, || async {
        Ok(pod_is_running_and_ready(&pods.get("other").await?))
    })
    .await?;
    let spilo = pods.get("spilo").await?;
    let phase = spilo
        .status
        .as_ref()
        .and_then(|status| status.phase.clone());
    ensure!(
        phase.as_deref() == Some("Pending"),
        "kwok should leave the spilo pod Pending, it is {phase:?}"
    );
    ensure!(
        !pod_is_running_and_ready(&spilo),
        "kwok made the spilo pod Ready"
    );

    // Deleting it works (the pod runner removes it, as kwok does other pods).
    pods.delete("spilo", &DeleteParams::default()).await?;
    wait_deleted(&pods, "spilo", SHORT).await?;
    Ok(())
}
