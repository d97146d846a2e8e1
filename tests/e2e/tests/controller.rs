//! The controller against a real API server: objects, status, scaling, drift repair, invalid
//! manifests, deletion, quiet resyncs, crash recovery and leader election.
//!
//! Pods here are fake (kwok nodes); where a test needs a running cluster it plays Patroni's
//! part itself (labels one pod master and marks pods Ready), as issue 4 allows.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Endpoints, Event, PersistentVolumeClaim, Secret, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::{DynamicObject, GroupVersionKind};
use kube::discovery::ApiResource;
use kube::{Client, ResourceExt};
use pgctl_e2e::controller::{ControllerProcess, act_as_patroni, wait_for_pods};
use pgctl_e2e::{TestNamespace, client, install_crd, wait_for, wait_until};
use serde_json::{Value, json};

const SHORT: Duration = Duration::from_secs(30);

fn resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("acid.zalan.do", "v1", "postgresql"),
        "postgresqls",
    )
}

fn manifest(name: &str, instances: i32) -> Value {
    json!({
        "apiVersion": "acid.zalan.do/v1",
        "kind": "postgresql",
        "metadata": {"name": name, "labels": {"environment": "e2e"}},
        "spec": {
            "teamId": "acid",
            "numberOfInstances": instances,
            "volume": {"size": "1Gi"},
            "postgresql": {"version": "17", "parameters": {"max_connections": "50"}},
            "users": {"zalando": ["superuser", "createdb"], "foo_user": []},
            "databases": {"foo": "zalando"},
        }
    })
}

struct Fixture {
    client: Client,
    ns: TestNamespace,
    _home: TestNamespace,
    controller: ControllerProcess,
    pgs: Api<DynamicObject>,
}

async fn fixture(prefix: &str, config: BTreeMap<String, String>) -> Result<Fixture> {
    let client = client().await?;
    install_crd(&client, &pgctl_shared::crd::crd(), SHORT).await?;
    let ns = TestNamespace::create(&client, prefix).await?;
    let home = TestNamespace::create(&client, &format!("{prefix}-ctl")).await?;
    ControllerProcess::prepare_home(&client, &home, config).await?;
    let controller = ControllerProcess::start(home.name(), ns.name(), "a")?;
    let pgs = Api::namespaced_with(client.clone(), ns.name(), &resource());
    Ok(Fixture {
        client,
        ns,
        _home: home,
        controller,
        pgs,
    })
}

impl Fixture {
    async fn create(&self, body: Value) -> Result<()> {
        let object: DynamicObject = serde_json::from_value(body)?;
        self.pgs
            .create(&PostParams::default(), &object)
            .await
            .context("creating the postgresql")?;
        Ok(())
    }

    async fn status(&self, name: &str) -> Result<Value> {
        Ok(self
            .pgs
            .get(name)
            .await?
            .data
            .get("status")
            .cloned()
            .unwrap_or(Value::Null))
    }

    async fn wait_status(&self, name: &str, want: &str, timeout: Duration) -> Result<Value> {
        wait_until(
            &format!("postgresql {name} to be {want}"),
            timeout,
            || async {
                let status = self.status(name).await?;
                Ok((status["PostgresClusterStatus"] == want).then_some(status))
            },
        )
        .await
        .with_context(|| format!("controller log:\n{}", self.controller.log_text()))
    }

    fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        Api::namespaced(self.client.clone(), self.ns.name())
    }
}

fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn creates_every_object_and_reaches_running() -> Result<()> {
    let f = fixture("objects", config(&[])).await?;
    f.create(manifest("acid-objects", 2)).await?;
    let sts: Api<StatefulSet> = f.api();
    let created = wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-objects").await?)
    })
    .await?;

    // Names, labels and owner references as the reference operator has them.
    let labels = created.labels();
    assert_eq!(labels.get("application").map(String::as_str), Some("spilo"));
    assert_eq!(
        labels.get("cluster-name").map(String::as_str),
        Some("acid-objects")
    );
    let owner = &created.owner_references()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str(), owner.controller),
        ("postgresql", "acid-objects", Some(true))
    );
    let spec = created.spec.clone().context("spec")?;
    assert_eq!(spec.replicas, Some(2));
    assert_eq!(
        spec.update_strategy.and_then(|s| s.type_).as_deref(),
        Some("OnDelete")
    );
    let container = &spec.template.spec.context("pod spec")?.containers[0];
    let env: Vec<&str> = container
        .env
        .iter()
        .flatten()
        .map(|e| e.name.as_str())
        .collect();
    for var in [
        "SCOPE",
        "PGROOT",
        "POD_IP",
        "POD_NAMESPACE",
        "PGUSER_SUPERUSER",
        "PGPASSWORD_SUPERUSER",
        "KUBERNETES_SCOPE_LABEL",
        "KUBERNETES_ROLE_LABEL",
        "SPILO_CONFIGURATION",
        "PGVERSION",
    ] {
        assert!(env.contains(&var), "env lacks {var}: {env:?}");
    }

    let services: Api<Service> = f.api();
    for name in ["acid-objects", "acid-objects-repl"] {
        let svc = wait_until(&format!("Service {name}"), SHORT, || async {
            Ok(services.get_opt(name).await?)
        })
        .await?;
        assert_eq!(svc.owner_references()[0].name, "acid-objects");
    }
    let secrets: Api<Secret> = f.api();
    for user in ["postgres", "standby", "zalando", "foo-user"] {
        let name = format!("{user}.acid-objects.credentials.postgresql.acid.zalan.do");
        let secret = wait_until(&format!("Secret {name}"), SHORT, || async {
            Ok(secrets.get_opt(&name).await?)
        })
        .await?;
        let data = secret.data.context("secret data")?;
        assert!(
            data.get("password").is_some_and(|p| p.0.len() >= 32),
            "{name} has no strong password"
        );
    }
    let pdbs: Api<PodDisruptionBudget> = f.api();
    wait_until("the PDB", SHORT, || async {
        Ok(pdbs.get_opt("postgres-acid-objects-pdb").await?)
    })
    .await?;

    // Creating until the pods are ready and one holds the master role.
    let status = f.wait_status("acid-objects", "Creating", SHORT).await?;
    assert_eq!(status["observedGeneration"], 1);
    wait_for_pods(
        &f.client,
        f.ns.name(),
        "acid-objects",
        2,
        Duration::from_secs(60),
    )
    .await?;
    act_as_patroni(&f.client, f.ns.name(), "acid-objects").await?;
    let running = f.wait_status("acid-objects", "Running", SHORT).await?;
    assert_eq!(running["primary"], "acid-objects-0");
    assert_eq!(running["readyInstances"], 2);
    let ready = running["conditions"]
        .as_array()
        .context("conditions")?
        .iter()
        .find(|c| c["type"] == "Ready")
        .cloned()
        .context("Ready")?;
    assert_eq!(ready["status"], "True");
    Ok(())
}

#[tokio::test]
async fn scales_two_three_one() -> Result<()> {
    let f = fixture("scale", config(&[])).await?;
    f.create(manifest("acid-scale", 2)).await?;
    let sts: Api<StatefulSet> = f.api();
    for n in [3, 1] {
        wait_until("the StatefulSet", SHORT, || async {
            Ok(sts.get_opt("acid-scale").await?)
        })
        .await?;
        f.pgs
            .patch(
                "acid-scale",
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"numberOfInstances": n}})),
            )
            .await?;
        wait_for(&format!("{n} replicas"), SHORT, || async {
            Ok(sts.get("acid-scale").await?.spec.and_then(|s| s.replicas) == Some(n))
        })
        .await?;
        wait_for_pods(
            &f.client,
            f.ns.name(),
            "acid-scale",
            n as usize,
            Duration::from_secs(60),
        )
        .await?;
    }
    // Scale-down keeps the claims of the removed pods (when_scaled: retain).
    let pvcs: Api<PersistentVolumeClaim> = f.api();
    let claims = pvcs
        .list(&ListParams::default().labels("cluster-name=acid-scale"))
        .await?;
    assert_eq!(
        claims.items.len(),
        3,
        "claims: {:?}",
        claims
            .items
            .iter()
            .map(|c| c.name_any())
            .collect::<Vec<_>>()
    );
    Ok(())
}

/// Deletes `name` and waits until an object of that name with another uid exists.
async fn deleted_comes_back<K>(api: &Api<K>, name: &str, what: &str) -> Result<()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let before = api.get(name).await?;
    api.delete(name, &DeleteParams::default()).await?;
    wait_for(&format!("{what} to come back"), SHORT, || async {
        Ok(api
            .get_opt(name)
            .await?
            .is_some_and(|o| o.uid() != before.uid()))
    })
    .await
}

#[tokio::test]
async fn repairs_a_deleted_service_and_an_edited_statefulset() -> Result<()> {
    let f = fixture("drift", config(&[])).await?;
    f.create(manifest("acid-drift", 1)).await?;
    let services: Api<Service> = f.api();
    let sts: Api<StatefulSet> = f.api();
    wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-drift").await?)
    })
    .await?;
    // The master Endpoints of a Running cluster: the pods here are simulated (no Patroni), so
    // only the controller can bring them back, once its Endpoints cache has seen the deletion.
    wait_for_pods(
        &f.client,
        f.ns.name(),
        "acid-drift",
        1,
        Duration::from_secs(60),
    )
    .await?;
    act_as_patroni(&f.client, f.ns.name(), "acid-drift").await?;
    f.wait_status("acid-drift", "Running", SHORT).await?;
    deleted_comes_back(&f.api::<Endpoints>(), "acid-drift", "the master Endpoints").await?;
    deleted_comes_back(&services, "acid-drift-repl", "the replica Service").await?;
    sts.patch(
        "acid-drift",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 5}})),
    )
    .await?;
    wait_for("the replicas to be restored", SHORT, || async {
        Ok(sts.get("acid-drift").await?.spec.and_then(|s| s.replicas) == Some(1))
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn invalid_manifest_is_reported_and_others_are_still_served() -> Result<()> {
    let f = fixture("invalid", config(&[])).await?;
    let mut bad = manifest("acid-bad", 1);
    bad["spec"]["users"] = json!({"app": ["login", "nologin"]});
    f.create(bad).await?;
    let status = f.wait_status("acid-bad", "Invalid", SHORT).await?;
    let messages = status["messages"].to_string();
    assert!(
        messages.contains("spec.users.app") && messages.contains("contradictory"),
        "{messages}"
    );
    let events: Api<Event> = f.api();
    wait_for("an Invalid event", SHORT, || async {
        let list = events.list(&ListParams::default()).await?;
        Ok(list.items.iter().any(|e| {
            e.reason.as_deref() == Some("Invalid")
                && e.involved_object.name.as_deref() == Some("acid-bad")
        }))
    })
    .await?;
    let sts: Api<StatefulSet> = f.api();
    assert!(
        sts.get_opt("acid-bad").await?.is_none(),
        "nothing may be applied for an invalid manifest"
    );

    // Hostile input: a newline in a parameter value would become a second setting in the
    // pods' configuration; the cluster is Invalid at that field, and nothing is made.
    let mut hostile = manifest("acid-hostile", 1);
    hostile["spec"]["postgresql"]["parameters"] = json!({"work_mem": "64MB\nfsync = off"});
    f.create(hostile).await?;
    let status = f.wait_status("acid-hostile", "Invalid", SHORT).await?;
    let messages = status["messages"].to_string();
    assert!(
        messages.contains("spec.postgresql.parameters.work_mem")
            && messages.contains("control character"),
        "{messages}"
    );
    assert!(sts.get_opt("acid-hostile").await?.is_none());

    f.create(manifest("acid-good", 1)).await?;
    wait_until("the good cluster's StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-good").await?)
    })
    .await?;
    assert!(f.controller.log_text().contains("invalid manifest"));
    Ok(())
}

#[tokio::test]
async fn deleting_the_cluster_removes_its_children() -> Result<()> {
    let mut f = fixture("delete", config(&[])).await?;
    f.create(manifest("acid-gone", 1)).await?;
    let sts: Api<StatefulSet> = f.api();
    let services: Api<Service> = f.api();
    let secrets: Api<Secret> = f.api();
    wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-gone").await?)
    })
    .await?;
    wait_for_pods(
        &f.client,
        f.ns.name(),
        "acid-gone",
        1,
        Duration::from_secs(60),
    )
    .await?;
    let series = r#"cluster="acid-gone""#;
    wait_for("the cluster's series on /metrics", SHORT, || async {
        Ok(f.controller.metrics().await?.contains(series))
    })
    .await?;
    f.pgs.delete("acid-gone", &DeleteParams::default()).await?;
    // Its series go within the controller's sweep (every 15 s).
    wait_for(
        "the deleted cluster's series to leave /metrics",
        Duration::from_secs(90),
        || async { Ok(!f.controller.metrics().await?.contains(series)) },
    )
    .await?;
    wait_for(
        "children to be garbage-collected",
        Duration::from_secs(60),
        || async {
            Ok(sts.get_opt("acid-gone").await?.is_none()
                && services
                    .list(&ListParams::default().labels("cluster-name=acid-gone"))
                    .await?
                    .items
                    .is_empty()
                && secrets
                    .list(&ListParams::default().labels("cluster-name=acid-gone"))
                    .await?
                    .items
                    .is_empty())
        },
    )
    .await?;
    // PVCs follow the retention policy (when_deleted: retain by default).
    let pvcs: Api<PersistentVolumeClaim> = f.api();
    assert_eq!(
        pvcs.list(&ListParams::default().labels("cluster-name=acid-gone"))
            .await?
            .items
            .len(),
        1
    );
    assert!(
        f.controller.running(),
        "the controller must survive deletions"
    );
    Ok(())
}

/// `enable_finalizers` without owner references (the reference's defaults for both): the
/// controller puts the reference's finalizer on the cluster, and on deletion deletes its
/// objects before it lets the resource go. A cluster adopted with that finalizer while the
/// option is off loses it, so that it can still be deleted.
#[tokio::test]
async fn the_references_finalizer_deletes_the_objects_or_is_taken_off() -> Result<()> {
    const FINALIZER: &str = "postgres-operator.acid.zalan.do";
    let f = fixture(
        "finalize",
        config(&[
            ("enable_finalizers", "true"),
            ("enable_owner_references", "false"),
        ]),
    )
    .await?;
    f.create(manifest("acid-final", 1)).await?;
    let sts: Api<StatefulSet> = f.api();
    let services: Api<Service> = f.api();
    let secrets: Api<Secret> = f.api();
    wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-final").await?)
    })
    .await?;
    let finalizers = |pg: &DynamicObject| pg.metadata.finalizers.clone().unwrap_or_default();
    wait_for("the reference's finalizer", SHORT, || async {
        Ok(finalizers(&f.pgs.get("acid-final").await?).contains(&FINALIZER.to_string()))
    })
    .await?;
    let owned = sts.get("acid-final").await?.metadata.owner_references;
    anyhow::ensure!(owned.is_none(), "owner references are off: {owned:?}");
    f.pgs.delete("acid-final", &DeleteParams::default()).await?;
    // No owner reference: only the controller can have deleted them, before the resource went.
    wait_for(
        "the resource and its objects to be gone",
        Duration::from_secs(60),
        || async {
            Ok(f.pgs.get_opt("acid-final").await?.is_none()
                && sts.get_opt("acid-final").await?.is_none()
                && services
                    .list(&ListParams::default().labels("cluster-name=acid-final"))
                    .await?
                    .items
                    .is_empty()
                && secrets
                    .list(&ListParams::default().labels("cluster-name=acid-final"))
                    .await?
                    .items
                    .is_empty())
        },
    )
    .await
    .with_context(|| format!("controller log:\n{}", f.controller.log_text()))?;

    // Adopted from the reference with its finalizer, the option off: it is taken off the live
    // cluster, and a delete goes through.
    let mut adopted = manifest("acid-adopted", 1);
    adopted["metadata"]["finalizers"] = json!([FINALIZER, "example.com/keep"]);
    let g = fixture("adopt", config(&[])).await?;
    g.create(adopted).await?;
    wait_for(
        "the reference's finalizer to be taken off",
        SHORT,
        || async {
            Ok(finalizers(&g.pgs.get("acid-adopted").await?)
                == vec!["example.com/keep".to_string()])
        },
    )
    .await
    .with_context(|| format!("controller log:\n{}", g.controller.log_text()))?;
    g.pgs
        .patch(
            "acid-adopted",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": []}})),
        )
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_resync_of_unchanged_clusters_sends_no_mutating_request() -> Result<()> {
    let f = fixture("quiet", config(&[("resync_period", "3s")])).await?;
    for name in ["acid-quiet-a", "acid-quiet-b"] {
        f.create(manifest(name, 2)).await?;
    }
    for name in ["acid-quiet-a", "acid-quiet-b"] {
        wait_for_pods(&f.client, f.ns.name(), name, 2, Duration::from_secs(60)).await?;
        act_as_patroni(&f.client, f.ns.name(), name).await?;
        f.wait_status(name, "Running", SHORT).await?;
    }
    let reconciles = || f.controller.counter("pgctl_reconciles_total", |_| true);
    let mutations = || {
        f.controller
            .counter("pgctl_mutating_requests_total", |l| !l.contains("Lease"))
    };
    // Settled: two reconciles in a row that wrote nothing (the last status writes of the
    // creation are done). Then count across four more resyncs.
    wait_for("the clusters to settle", SHORT, || async {
        let (m, r) = (mutations().await?, reconciles().await?);
        wait_for("two reconciles", SHORT, || async {
            Ok(reconciles().await? >= r + 2.0)
        })
        .await?;
        Ok(mutations().await? == m)
    })
    .await?;
    let (before_mut, before_rec) = (mutations().await?, reconciles().await?);
    wait_for("four resyncs", SHORT, || async {
        Ok(reconciles().await? >= before_rec + 4.0)
    })
    .await?;
    let after_mut = mutations().await?;
    assert_eq!(
        after_mut,
        before_mut,
        "mutating requests during unchanged resyncs\n{}",
        f.controller.metrics().await?
    );
    Ok(())
}

#[tokio::test]
async fn a_killed_controller_converges_without_new_secrets_or_passwords() -> Result<()> {
    let mut f = fixture("restart", config(&[])).await?;
    f.create(manifest("acid-restart", 2)).await?;
    let secrets: Api<Secret> = f.api();
    let list = || async {
        secrets
            .list(&ListParams::default().labels("cluster-name=acid-restart"))
            .await
    };
    let before = wait_until("the four Secrets", SHORT, || async {
        let items = list().await?.items;
        Ok((items.len() == 4).then_some(items))
    })
    .await?;
    f.controller.kill();
    f.pgs
        .patch(
            "acid-restart",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"numberOfInstances": 3}})),
        )
        .await?;
    let (home, watched) = (f.controller.home.clone(), f.controller.watched.clone());
    f.controller = ControllerProcess::start(&home, &watched, "b")?;
    let sts: Api<StatefulSet> = f.api();
    wait_for(
        "the scale made by the restarted controller",
        Duration::from_secs(45),
        || async { Ok(sts.get("acid-restart").await?.spec.and_then(|s| s.replicas) == Some(3)) },
    )
    .await
    .with_context(|| f.controller.log_text())?;
    let after = list().await?.items;
    assert_eq!(after.len(), 4, "no duplicate Secrets");
    for old in &before {
        let new = after
            .iter()
            .find(|s| s.name_any() == old.name_any())
            .context("same Secret")?;
        assert_eq!(new.uid(), old.uid(), "{} was re-created", old.name_any());
        assert_eq!(
            new.data,
            old.data,
            "{} changed its password",
            old.name_any()
        );
    }
    Ok(())
}

#[tokio::test]
async fn two_replicas_elect_one_leader_and_fail_over() -> Result<()> {
    let mut f = fixture("leader", config(&[])).await?;
    let (home, watched) = (f.controller.home.clone(), f.controller.watched.clone());
    let mut second = ControllerProcess::start(&home, &watched, "b")?;
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::namespaced(f.client.clone(), &home);
    let lease_name = format!("pgctl-{watched}");
    let holder = wait_until("a lease holder", SHORT, || async {
        Ok(leases
            .get_opt(&lease_name)
            .await?
            .and_then(|l| l.spec?.holder_identity))
    })
    .await?;
    // The holder has noticed it leads (its gauge follows the Lease within a renewal).
    wait_for("the holder's pgctl_leader gauge", SHORT, || async {
        let a = f.controller.counter("pgctl_leader", |_| true).await?;
        let b = second.counter("pgctl_leader", |_| true).await?;
        Ok(a + b >= 1.0)
    })
    .await?;
    let leader_a = f.controller.counter("pgctl_leader", |_| true).await?;
    let leader_b = second.counter("pgctl_leader", |_| true).await?;
    assert_eq!(
        leader_a + leader_b,
        1.0,
        "exactly one leader (a={leader_a}, b={leader_b})"
    );
    // Kill the leader; the other takes the lease and serves.
    let survivor = if holder == "a" {
        f.controller.kill();
        "b"
    } else {
        second.kill();
        "a"
    };
    wait_for("the lease to move", Duration::from_secs(40), || async {
        Ok(leases
            .get(&lease_name)
            .await?
            .spec
            .and_then(|s| s.holder_identity)
            .as_deref()
            == Some(survivor))
    })
    .await?;
    f.create(manifest("acid-after-failover", 1)).await?;
    let sts: Api<StatefulSet> = f.api();
    wait_until("the new leader to serve", SHORT, || async {
        Ok(sts.get_opt("acid-after-failover").await?)
    })
    .await?;
    drop(second);
    Ok(())
}

#[tokio::test]
async fn a_pod_template_change_flags_pods_and_reports_the_rollout() -> Result<()> {
    let f = fixture("flag", config(&[])).await?;
    f.create(manifest("acid-flag", 2)).await?;
    wait_for_pods(
        &f.client,
        f.ns.name(),
        "acid-flag",
        2,
        Duration::from_secs(60),
    )
    .await?;
    // Keep playing Patroni while waiting: a pod the StatefulSet controller re-creates on the
    // fake nodes comes back without role label or readiness.
    wait_until("postgresql acid-flag to be Running", SHORT, || async {
        act_as_patroni(&f.client, f.ns.name(), "acid-flag").await?;
        let status = f.status("acid-flag").await?;
        Ok((status["PostgresClusterStatus"] == "Running").then_some(()))
    })
    .await
    .with_context(|| f.controller.log_text())?;
    f.pgs
        .patch(
            "acid-flag",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"dockerImage": "ghcr.io/zalando/spilo-17:4.0-p3"}})),
        )
        .await?;
    let pods: Api<k8s_openapi::api::core::v1::Pod> = f.api();
    wait_for(
        "both pods to carry the rolling-update flag",
        SHORT,
        || async {
            let list = pods
                .list(&ListParams::default().labels("cluster-name=acid-flag"))
                .await?;
            Ok(list.items.len() == 2
                && list.items.iter().all(|p| {
                    p.annotations()
                        .get("zalando-postgres-operator-rolling-update-required")
                        .map(String::as_str)
                        == Some("true")
                }))
        },
    )
    .await?;
    let status = f.wait_status("acid-flag", "Updating", SHORT).await?;
    assert_eq!(status["rollout"]["total"], 2);
    assert_eq!(status["rollout"]["updated"], 0);
    assert_eq!(status["image"], "ghcr.io/zalando/spilo-17:4.0-p3");
    let progressing = status["conditions"]
        .as_array()
        .context("conditions")?
        .iter()
        .find(|c| c["type"] == "Progressing")
        .cloned()
        .context("Progressing")?;
    assert_eq!(
        (
            progressing["status"].as_str(),
            progressing["reason"].as_str()
        ),
        (Some("True"), Some("RollingUpdate"))
    );
    Ok(())
}

#[tokio::test]
async fn a_larger_volume_resizes_the_claims_and_a_smaller_one_is_refused() -> Result<()> {
    let f = fixture("resize", config(&[])).await?;
    f.create(manifest("acid-resize", 1)).await?;
    wait_for_pods(
        &f.client,
        f.ns.name(),
        "acid-resize",
        1,
        Duration::from_secs(60),
    )
    .await?;
    let pvcs: Api<PersistentVolumeClaim> = f.api();
    wait_for("the claim", SHORT, || async {
        Ok(pvcs.get_opt("pgdata-acid-resize-0").await?.is_some())
    })
    .await?;
    f.pgs
        .patch(
            "acid-resize",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"volume": {"size": "2Gi"}}})),
        )
        .await?;
    wait_for("the claim to request 2Gi", SHORT, || async {
        let claim = pvcs.get("pgdata-acid-resize-0").await?;
        Ok(claim
            .spec
            .and_then(|s| s.resources?.requests?.get("storage").cloned())
            .map(|q| q.0)
            .as_deref()
            == Some("2Gi"))
    })
    .await
    .with_context(|| f.controller.log_text())?;
    f.pgs
        .patch(
            "acid-resize",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"volume": {"size": "1Gi"}}})),
        )
        .await?;
    let status = f.wait_status("acid-resize", "Invalid", SHORT).await?;
    assert!(
        status["messages"]
            .to_string()
            .contains("cannot shrink the volume from 2Gi to 1Gi"),
        "{status}"
    );
    Ok(())
}

#[tokio::test]
async fn a_changed_operator_configmap_resyncs_every_cluster() -> Result<()> {
    let f = fixture("config", config(&[])).await?;
    f.create(manifest("acid-config", 1)).await?;
    let sts: Api<StatefulSet> = f.api();
    let image = |s: &StatefulSet| {
        s.spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .and_then(|p| p.containers[0].image.clone())
    };
    let first = wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-config").await?)
    })
    .await?;
    assert_ne!(
        image(&first).as_deref(),
        Some("registry.example/spilo:next")
    );
    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(f.client.clone(), &f.controller.home);
    cms.patch(
        "postgres-operator",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"docker_image": "registry.example/spilo:next"}})),
    )
    .await?;
    wait_for(
        "the new default image in the StatefulSet",
        SHORT,
        || async {
            Ok(image(&sts.get("acid-config").await?).as_deref()
                == Some("registry.example/spilo:next"))
        },
    )
    .await
    .with_context(|| f.controller.log_text())?;
    Ok(())
}

async fn create_in(client: &Client, ns: &str, name: &str) -> Result<()> {
    let pgs: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &resource());
    pgs.create(
        &PostParams::default(),
        &serde_json::from_value(manifest(name, 1))?,
    )
    .await
    .with_context(|| format!("creating postgresql {ns}/{name}"))?;
    Ok(())
}

/// `watched_namespace` from the ConfigMap: a namespace added to it is served without a
/// restart of the process (its watches restart), and the namespace served before still is.
#[tokio::test]
async fn a_namespace_added_to_the_configmap_is_served() -> Result<()> {
    let client = client().await?;
    install_crd(&client, &pgctl_shared::crd::crd(), SHORT).await?;
    let first = TestNamespace::create(&client, "watch-first").await?;
    let second = TestNamespace::create(&client, "watch-second").await?;
    let home = TestNamespace::create(&client, "watch-ctl").await?;
    ControllerProcess::prepare_home(
        &client,
        &home,
        config(&[("watched_namespace", first.name())]),
    )
    .await?;
    let mut controller = ControllerProcess::start_watching_per_config(home.name(), "a")?;
    let first_sts: Api<StatefulSet> = Api::namespaced(client.clone(), first.name());
    let second_sts: Api<StatefulSet> = Api::namespaced(client.clone(), second.name());
    create_in(&client, first.name(), "acid-first").await?;
    wait_until("the first namespace's StatefulSet", SHORT, || async {
        Ok(first_sts.get_opt("acid-first").await?)
    })
    .await
    .with_context(|| controller.log_text())?;
    // Not watched yet: the cluster in the second namespace is left alone. Anchor: a cluster
    // created after it in the watched namespace is served, so the controller has been at work
    // since.
    create_in(&client, second.name(), "acid-second").await?;
    create_in(&client, first.name(), "acid-first-b").await?;
    wait_until("the anchor's StatefulSet", SHORT, || async {
        Ok(first_sts.get_opt("acid-first-b").await?)
    })
    .await
    .with_context(|| controller.log_text())?;
    assert!(
        second_sts.get_opt("acid-second").await?.is_none(),
        "a namespace that is not watched was served"
    );

    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(client.clone(), home.name());
    let both = format!("{},{}", first.name(), second.name());
    cms.patch(
        "postgres-operator",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"watched_namespace": both}})),
    )
    .await?;
    wait_until("the second namespace's StatefulSet", SHORT, || async {
        Ok(second_sts.get_opt("acid-second").await?)
    })
    .await
    .with_context(|| controller.log_text())?;
    // The first namespace is still watched: drift there is still repaired.
    let services: Api<Service> = Api::namespaced(client.clone(), first.name());
    deleted_comes_back(
        &services,
        "acid-first",
        "the first namespace's master Service",
    )
    .await
    .with_context(|| controller.log_text())?;
    assert!(controller.running(), "the controller process exited");
    assert!(
        controller.log_text().contains("restarting the watches"),
        "no watch restart in the log:\n{}",
        controller.log_text()
    );
    Ok(())
}

#[tokio::test]
async fn delete_protection_is_enforced_by_the_api_server() -> Result<()> {
    let f = fixture(
        "protect",
        config(&[
            ("delete_annotation_name_key", "delete-clustername"),
            ("delete_annotation_date_key", "delete-date"),
        ]),
    )
    .await?;
    f.create(manifest("acid-protected", 1)).await?;
    let sts: Api<StatefulSet> = f.api();
    wait_until("the StatefulSet", SHORT, || async {
        Ok(sts.get_opt("acid-protected").await?)
    })
    .await?;
    // The policy may take a moment to be served; until then a delete could slip through, so
    // wait for a refusal rather than assume one.
    let message = wait_until("a refused delete", SHORT, || async {
        match f
            .pgs
            .delete("acid-protected", &DeleteParams::default().dry_run())
            .await
        {
            Err(kube::Error::Api(status)) => Ok(Some(status.message)),
            Ok(_) => Ok(None),
            Err(other) => Err(other.into()),
        }
    })
    .await?;
    assert!(message.contains("postgresql acid-protected is protected: annotate it with delete-clustername=acid-protected"), "{message}");
    f.pgs
        .patch(
            "acid-protected",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"delete-clustername": "acid-protected", "delete-date": "2026-11-25"}}})),
        )
        .await?;
    f.pgs
        .delete("acid-protected", &DeleteParams::default())
        .await
        .context("delete with the annotations")?;
    pgctl_e2e::wait_deleted(&f.pgs, "acid-protected", SHORT).await?;
    Ok(())
}

/// A kubeconfig for the test cluster that authenticates as a ServiceAccount (by token).
async fn service_account_kubeconfig(
    client: &Client,
    namespace: &str,
    account: &str,
) -> Result<std::path::PathBuf> {
    use k8s_openapi::api::authentication::v1::TokenRequest;
    use k8s_openapi::api::core::v1::ServiceAccount;
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), namespace);
    accounts
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": account}}))?,
        )
        .await?;
    let request: TokenRequest =
        serde_json::from_value(json!({"spec": {"expirationSeconds": 3600}}))?;
    let issued: TokenRequest = accounts
        .create_subresource("token", account, &PostParams::default(), &request)
        .await?;
    let token = issued.status.context("token status")?.token;
    let admin_path = std::env::var(pgctl_e2e::KUBECONFIG_ENV)?;
    let mut kubeconfig = kube::config::Kubeconfig::read_from(&admin_path)?;
    let context_cluster = kubeconfig
        .clusters
        .first()
        .context("a cluster in the kubeconfig")?
        .name
        .clone();
    kubeconfig.auth_infos = vec![kube::config::NamedAuthInfo {
        name: account.to_string(),
        auth_info: Some(kube::config::AuthInfo {
            token: Some(token.into()),
            ..Default::default()
        }),
        other: Default::default(),
    }];
    kubeconfig.contexts = vec![kube::config::NamedContext {
        name: account.to_string(),
        context: Some(kube::config::Context {
            cluster: context_cluster,
            user: Some(account.to_string()),
            ..Default::default()
        }),
        other: Default::default(),
    }];
    kubeconfig.current_context = Some(account.to_string());
    let path = std::env::temp_dir().join(format!("pgctl-{namespace}-{account}.kubeconfig"));
    std::fs::write(&path, serde_yaml::to_string(&kubeconfig)?)?;
    Ok(path)
}

#[tokio::test]
async fn a_missing_permission_stops_start_up_naming_verb_and_resource() -> Result<()> {
    let client = client().await?;
    install_crd(&client, &pgctl_shared::crd::crd(), SHORT).await?;
    let ns = TestNamespace::create(&client, "noperm").await?;
    let kubeconfig = service_account_kubeconfig(&client, ns.name(), "powerless").await?;
    let binary = pgctl_e2e::controller::workspace_binary("pgctl-controller");
    let output = tokio::time::timeout(
        SHORT,
        tokio::process::Command::new(&binary)
            .args([
                "--kubeconfig",
                kubeconfig.to_str().context("path")?,
                "--namespace",
                ns.name(),
            ])
            .args([
                "--watched-namespace",
                ns.name(),
                "--metrics-addr",
                "127.0.0.1:0",
            ])
            .stdin(std::process::Stdio::null())
            .output(),
    )
    .await
    .context("the controller did not exit")??;
    let _ = std::fs::remove_file(&kubeconfig);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the controller must fail: {stderr}"
    );
    assert!(
        stderr.contains("missing permission: cannot list postgresqls.acid.zalan.do"),
        "{stderr}"
    );
    Ok(())
}

/// The value at `pointer` of an object, as text.
fn text_at(object: &impl serde::Serialize, pointer: &str) -> Option<String> {
    serde_json::to_value(object)
        .ok()?
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The env var `name` of the postgres container of a StatefulSet's template.
fn sts_env(sts: &StatefulSet, name: &str) -> Option<String> {
    sts.spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == "postgres")?
        .env
        .as_ref()?
        .iter()
        .find(|e| e.name == name)
        .and_then(|e| e.value.clone())
}

/// Waits until the controller has seen generation `generation` of `name`.
async fn wait_observed(f: &Fixture, name: &str) -> Result<()> {
    wait_for("the controller to observe the change", SHORT, || async {
        let pg = f.pgs.get(name).await?;
        let seen = pg.data["status"]["observedGeneration"].as_i64();
        Ok(seen.is_some() && seen == pg.metadata.generation)
    })
    .await
}

#[tokio::test]
async fn removed_entries_are_removed_from_the_objects_and_a_resync_writes_nothing() -> Result<()> {
    let f = fixture(
        "prune",
        config(&[("resync_period", "3s"), ("inherited_labels", "cost-center")]),
    )
    .await?;
    // No pods: the objects are what this test is about, not a rolling update.
    let mut body = manifest("acid-prune", 0);
    body["metadata"]["labels"]["cost-center"] = json!("c1");
    body["spec"]["serviceAnnotations"] = json!({"keep": "1", "drop": "2"});
    body["spec"]["podAnnotations"] = json!({"keep-pod": "1", "drop-pod": "2"});
    body["spec"]["env"] =
        json!([{"name": "KEEP_ENV", "value": "1"}, {"name": "DROP_ENV", "value": "2"}]);
    f.create(body).await?;
    f.wait_status("acid-prune", "Stopped", SHORT).await?;
    let services: Api<Service> = f.api();
    let sets: Api<StatefulSet> = f.api();
    let service = services.get("acid-prune").await?;
    let sts = sets.get("acid-prune").await?;
    assert_eq!(
        text_at(&service, "/metadata/annotations/drop").as_deref(),
        Some("2")
    );
    assert_eq!(
        text_at(&service, "/metadata/labels/cost-center").as_deref(),
        Some("c1")
    );
    assert_eq!(sts_env(&sts, "DROP_ENV").as_deref(), Some("2"));
    assert_eq!(
        text_at(&sts, "/spec/template/metadata/annotations/drop-pod").as_deref(),
        Some("2")
    );

    // Remove one entry of each.
    f.pgs
        .patch(
            "acid-prune",
            &PatchParams::default(),
            &Patch::Merge(json!({
                "metadata": {"labels": {"cost-center": null}},
                "spec": {
                    "serviceAnnotations": {"drop": null},
                    "podAnnotations": {"drop-pod": null},
                    "env": [{"name": "KEEP_ENV", "value": "1"}],
                }
            })),
        )
        .await?;
    wait_for("the removed entries to be gone", SHORT, || async {
        let service = services.get("acid-prune").await?;
        let sts = sets.get("acid-prune").await?;
        Ok(text_at(&service, "/metadata/annotations/drop").is_none()
            && text_at(&service, "/metadata/labels/cost-center").is_none()
            && text_at(&sts, "/metadata/labels/cost-center").is_none()
            && sts_env(&sts, "DROP_ENV").is_none()
            && text_at(&sts, "/spec/template/metadata/annotations/drop-pod").is_none())
    })
    .await
    .with_context(|| f.controller.log_text())?;
    // What stays, stays.
    let service = services.get("acid-prune").await?;
    let sts = sets.get("acid-prune").await?;
    assert_eq!(
        text_at(&service, "/metadata/annotations/keep").as_deref(),
        Some("1")
    );
    assert_eq!(sts_env(&sts, "KEEP_ENV").as_deref(), Some("1"));

    // Adding them back re-adds them.
    f.pgs
        .patch(
            "acid-prune",
            &PatchParams::default(),
            &Patch::Merge(json!({
                "metadata": {"labels": {"cost-center": "c2"}},
                "spec": {"serviceAnnotations": {"drop": "3"}},
            })),
        )
        .await?;
    wait_for("the entries to be back", SHORT, || async {
        let service = services.get("acid-prune").await?;
        Ok(
            text_at(&service, "/metadata/annotations/drop").as_deref() == Some("3")
                && text_at(&service, "/metadata/labels/cost-center").as_deref() == Some("c2"),
        )
    })
    .await?;
    wait_observed(&f, "acid-prune").await?;
    f.wait_status("acid-prune", "Stopped", SHORT).await?;

    // Then resyncs write nothing: anchored on reconciles that did run.
    let reconciles = || f.controller.counter("pgctl_reconciles_total", |_| true);
    let mutations = || {
        f.controller.counter("pgctl_mutating_requests_total", |l| {
            !l.contains("Lease") && !l.contains("Event")
        })
    };
    let (before_mut, before_rec) = (mutations().await?, reconciles().await?);
    wait_for("two resyncs", SHORT, || async {
        Ok(reconciles().await? >= before_rec + 2.0)
    })
    .await?;
    assert_eq!(
        mutations().await?,
        before_mut,
        "mutating requests during unchanged resyncs\n{}",
        f.controller.metrics().await?
    );
    Ok(())
}

#[tokio::test]
async fn an_object_the_plan_no_longer_contains_is_deleted_but_claims_and_others_objects_stay()
-> Result<()> {
    let f = fixture("orphans", config(&[])).await?;
    f.create(manifest("acid-orph", 0)).await?;
    f.wait_status("acid-orph", "Stopped", SHORT).await?;
    let labels = json!({"application": "spilo", "cluster-name": "acid-orph", "team": "acid"});
    // A claim and a Service of someone else, with the cluster's labels, first.
    let claim = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "pgdata-acid-orph-9", "labels": labels},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    });
    let claims: Api<PersistentVolumeClaim> = f.api();
    claims
        .patch(
            "pgdata-acid-orph-9",
            &PatchParams::apply("pgctl-controller"),
            &Patch::Apply(&claim),
        )
        .await?;
    let service = |name: &str| {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": labels},
            "spec": {"ports": [{"port": 5432}]},
        })
    };
    let services: Api<Service> = f.api();
    services
        .patch(
            "acid-orph-theirs",
            &PatchParams::apply("someone-else"),
            &Patch::Apply(&service("acid-orph-theirs")),
        )
        .await?;
    // Then one that looks like the controller's: applied by its field manager.
    services
        .patch(
            "acid-orph-old",
            &PatchParams::apply("pgctl-controller"),
            &Patch::Apply(&service("acid-orph-old")),
        )
        .await?;
    pgctl_e2e::wait_deleted(&services, "acid-orph-old", SHORT)
        .await
        .with_context(|| f.controller.log_text())?;
    let events: Api<Event> = f.api();
    wait_for("an Event about the deletion", SHORT, || async {
        Ok(events
            .list(&ListParams::default())
            .await?
            .items
            .iter()
            .any(|e| {
                e.reason.as_deref() == Some("Deleted")
                    && e.message
                        .as_deref()
                        .is_some_and(|m| m.contains("Service acid-orph-old"))
            }))
    })
    .await?;
    // The reconcile that deleted the orphan ran after the claim and the other Service existed:
    // they are still there.
    assert!(
        claims.get_opt("pgdata-acid-orph-9").await?.is_some(),
        "a claim is never pruned"
    );
    assert!(
        services.get_opt("acid-orph-theirs").await?.is_some(),
        "an object the controller did not apply stays"
    );
    Ok(())
}

#[tokio::test]
async fn a_paused_cluster_is_left_alone_until_the_annotation_goes() -> Result<()> {
    let f = fixture("pause", config(&[])).await?;
    f.create(manifest("acid-pause", 0)).await?;
    f.wait_status("acid-pause", "Stopped", SHORT).await?;
    let pgs = &f.pgs;
    let annotate = |value: Value| async move {
        pgs.patch(
            "acid-pause",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"metadata": {"annotations": {"pgctl.acid.zalan.do/reconcile": value}}}),
            ),
        )
        .await
    };
    annotate(json!("paused")).await?;
    let paused = |status: &Value| {
        status["conditions"].as_array().is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "Paused" && c["status"] == "True")
        })
    };
    wait_for("condition Paused", SHORT, || async {
        Ok(paused(&f.status("acid-pause").await?))
    })
    .await?;
    // A change while paused is not applied, and not observed.
    let services: Api<Service> = f.api();
    f.pgs
        .patch(
            "acid-pause",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"serviceAnnotations": {"during": "pause"}}})),
        )
        .await?;
    let generation = f.pgs.get("acid-pause").await?.metadata.generation;
    // Positive anchor: the controller did reconcile after the change (it re-reads a paused
    // cluster on each change), yet wrote nothing but the status.
    let reconciles = f
        .controller
        .counter("pgctl_reconciles_total", |_| true)
        .await?;
    f.pgs
        .patch(
            "acid-pause",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"nudge": "1"}}})),
        )
        .await?;
    wait_for("a reconcile of the paused cluster", SHORT, || async {
        Ok(f.controller
            .counter("pgctl_reconciles_total", |_| true)
            .await?
            > reconciles)
    })
    .await?;
    let status = f.status("acid-pause").await?;
    assert!(paused(&status), "{status}");
    assert_ne!(
        status["observedGeneration"].as_i64(),
        generation,
        "{status}"
    );
    let service = services.get("acid-pause").await?;
    assert!(text_at(&service, "/metadata/annotations/during").is_none());

    // Resumed: the change is applied and the condition is gone.
    annotate(Value::Null).await?;
    wait_for("the change to be applied after resuming", SHORT, || async {
        let service = services.get("acid-pause").await?;
        Ok(text_at(&service, "/metadata/annotations/during").as_deref() == Some("pause"))
    })
    .await?;
    wait_observed(&f, "acid-pause").await?;
    assert!(!paused(&f.status("acid-pause").await?));
    Ok(())
}

/// `pgctl plan -f FILE -o json` against the live cluster, run as a user would.
fn plan_writes(f: &Fixture, manifest: &Value) -> Result<(BTreeMap<String, usize>, Value)> {
    let (pgctl, _) = pgctl_e2e::cli::binaries()?;
    let file = std::env::temp_dir().join(format!(
        "{}.json",
        pgctl_e2e::unique_name("pgctl-plan-writes")
    ));
    std::fs::write(&file, serde_json::to_string(manifest)?)?;
    let out = std::process::Command::new(pgctl)
        .args(["plan", "-f"])
        .arg(&file)
        .args(["-o", "json", "-n", f.ns.name(), "--kubeconfig"])
        .arg(pgctl_e2e::cli::kubeconfig()?)
        .env("PGCTL_CONTROLLER_NAMESPACE", &f.controller.home)
        .env_remove("KUBECONFIG")
        .output()?;
    let _ = std::fs::remove_file(&file);
    anyhow::ensure!(
        out.status.success(),
        "pgctl plan: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: Value = serde_json::from_slice(&out.stdout)?;
    let mut writes = BTreeMap::new();
    for action in plan["actions"].as_array().context("actions")? {
        if !matches!(action["action"].as_str(), Some("unchanged" | "keep")) {
            let kind = action["kind"].as_str().unwrap_or_default().to_string();
            *writes.entry(kind).or_default() += 1;
        }
    }
    let actions = plan["actions"].clone();
    Ok((writes, actions))
}

/// The controller's mutating requests so far, by kind (Events, Leases and the status aside).
async fn controller_writes(f: &Fixture) -> Result<BTreeMap<String, usize>> {
    let text = f.controller.metrics().await?;
    let mut writes = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| l.starts_with("pgctl_mutating_requests_total{"))
    {
        let kind = line
            .split("kind=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        if matches!(kind, "Event" | "Lease" | "postgresql/status") {
            continue;
        }
        let count: f64 = line
            .rsplit(' ')
            .next()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0.0);
        *writes.entry(kind.to_string()).or_default() += count as usize;
    }
    Ok(writes)
}

fn delta(
    after: &BTreeMap<String, usize>,
    before: &BTreeMap<String, usize>,
) -> BTreeMap<String, usize> {
    after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
        .filter(|(_, v)| *v > 0)
        .collect()
}

#[tokio::test]
async fn pgctl_plan_lists_exactly_the_writes_the_controller_then_sends() -> Result<()> {
    let f = fixture("planned", config(&[("inherited_labels", "environment")])).await?;
    let mut body = manifest("acid-planned", 0);
    body["metadata"]["namespace"] = json!(f.ns.name());
    // A new cluster: every object is created.
    let (planned, actions) = plan_writes(&f, &body)?;
    let before = controller_writes(&f).await?;
    f.create(body.clone()).await?;
    f.wait_status("acid-planned", "Stopped", SHORT).await?;
    wait_observed(&f, "acid-planned").await?;
    let sent = delta(&controller_writes(&f).await?, &before);
    assert_eq!(sent, planned, "a new cluster: {actions:#}");

    // Changes of several kinds: an annotation added to the Services, a label removed from every
    // object, the PDB's and the StatefulSet's with it.
    let changes = [
        json!({"spec": {"serviceAnnotations": {"planned": "yes"}}}),
        json!({"spec": {"serviceAnnotations": {"planned": null}}, "metadata": {"labels": {"environment": null}}}),
        json!({"spec": {"numberOfInstances": 0, "postgresql": {"version": "17", "parameters": {"max_connections": "60"}}}}),
    ];
    for change in changes {
        let mut next = serde_json::to_value(f.pgs.get("acid-planned").await?)?;
        json_patch_merge(&mut next, &change);
        let (planned, actions) = plan_writes(&f, &next)?;
        let before = controller_writes(&f).await?;
        f.pgs
            .patch(
                "acid-planned",
                &PatchParams::default(),
                &Patch::Merge(&change),
            )
            .await?;
        wait_observed(&f, "acid-planned").await?;
        let sent = delta(&controller_writes(&f).await?, &before);
        assert_eq!(
            sent,
            planned,
            "after {change}\nplan: {actions:#}\n{}",
            f.controller.log_text()
        );
    }
    Ok(())
}

/// RFC 7386 merge of `patch` into `target`.
fn json_patch_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    json_patch_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
