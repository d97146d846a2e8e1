//! Pods other than a cluster's StatefulSet, on the local data plane: Jobs and Deployments of
//! the Spilo image run for real (a command given by the pod), Job outcomes are the real exit
//! codes, Secret volumes follow their Secret, `kubectl exec` and `kubectl logs` reach the
//! container, and a pod of an image the runner does not know gets kwok's fake lifecycle.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, Secret, Service};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use pgctl_e2e::data_plane::{self, kubectl, kubectl_ok};
use pgctl_e2e::{TestNamespace, client, wait_for, wait_until};
use serde_json::json;

const SPILO: &str = "ghcr.io/zalando/spilo-17:4.0-p2";
const START: Duration = Duration::from_secs(60);
/// The kubelet's own bound on a Secret volume's update is its sync period (a minute) plus the
/// watch; the runner follows the watch.
const VOLUME_UPDATE: Duration = Duration::from_secs(60);

/// The body of `GET path` on `host:port` (HTTP/1.0), if the answer is 200.
async fn http_get(host: &str, port: i32, path: &str) -> Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(format!("{host}:{port}")).await?;
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
            .await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        Ok::<String, std::io::Error>(answer)
    };
    let answer = tokio::time::timeout(Duration::from_secs(3), exchange).await??;
    let (head, body) = answer.split_once("\r\n\r\n").context("no HTTP answer")?;
    ensure!(head.starts_with("HTTP/1.0 200"), "{head}");
    Ok(body.to_string())
}

fn job(name: &str, script: &str) -> Result<Job> {
    Ok(serde_json::from_value(json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "backoffLimit": 0,
            "template": {"spec": {
                "restartPolicy": "Never",
                "containers": [{
                    "name": "main",
                    "image": SPILO,
                    "command": ["sh", "-c", script],
                    "env": [{"name": "WHO", "value": "job"}],
                    "volumeMounts": [{"name": "creds", "mountPath": "/etc/creds"}],
                }],
                "volumes": [{"name": "creds", "secret": {"secretName": "creds"}}],
            }},
        },
    }))?)
}

async fn job_pod(client: &Client, ns: &str, job: &str) -> Result<Pod> {
    let pods = Api::<Pod>::namespaced(client.clone(), ns)
        .list(&ListParams::default().labels(&format!("job-name={job}")))
        .await?;
    pods.items
        .into_iter()
        .next()
        .with_context(|| format!("no pod of job {job}"))
}

fn condition(job: &Job, kind: &str) -> bool {
    job.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .any(|c| c.type_ == kind && c.status == "True")
}

fn exit_code(pod: &Pod) -> Option<i32> {
    pod.status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .first()?
        .state
        .as_ref()?
        .terminated
        .as_ref()
        .map(|t| t.exit_code)
}

#[tokio::test]
async fn jobs_and_deployments_of_the_spilo_image_run_for_real() -> Result<()> {
    if data_plane::skip_without_real_pods() {
        return Ok(());
    }
    let client = client().await?;
    let namespace = TestNamespace::create_with_real_pods(&client, "work").await?;
    let ns = namespace.name();
    let secrets: Api<Secret> = Api::namespaced(client.clone(), ns);
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "creds"},
        "stringData": {"token": "first"},
    }))?;
    secrets.create(&PostParams::default(), &secret).await?;

    // A Job that succeeds: it reads its Secret volume, its env and its service-account token.
    let jobs: Api<Job> = Api::namespaced(client.clone(), ns);
    let script = "cat /etc/creds/token; echo; echo \"who=$WHO\"; \
                  test -s /var/run/secrets/kubernetes.io/serviceaccount/token && echo token-ok; \
                  psql --version";
    jobs.create(&PostParams::default(), &job("reads", script)?)
        .await?;
    // A Job whose command fails: failed, with the command's exit code.
    jobs.create(
        &PostParams::default(),
        &job("fails", "echo failing >&2; exit 3")?,
    )
    .await?;
    wait_for("job reads to complete", START, || async {
        Ok(condition(&jobs.get("reads").await?, "Complete"))
    })
    .await?;
    let pod = job_pod(&client, ns, "reads").await?;
    ensure!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Succeeded"),
        "{:?}",
        pod.status
    );
    ensure!(exit_code(&pod) == Some(0), "{:?}", pod.status);
    // The container's output, through the API server and pgctl-kubelet.
    let logs = kubectl_ok(&["logs", "-n", ns, &pod.name_any()])?;
    ensure!(
        logs.lines().collect::<Vec<_>>()[..3] == ["first", "who=job", "token-ok"],
        "{logs}"
    );
    ensure!(logs.contains("psql (PostgreSQL)"), "{logs}");

    wait_for("job fails to fail", START, || async {
        Ok(condition(&jobs.get("fails").await?, "Failed"))
    })
    .await?;
    let pod = job_pod(&client, ns, "fails").await?;
    ensure!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"),
        "{:?}",
        pod.status
    );
    ensure!(exit_code(&pod) == Some(3), "{:?}", pod.status);
    ensure!(!condition(&jobs.get("fails").await?, "Complete"));
    let logs = kubectl_ok(&["logs", "-n", ns, &pod.name_any()])?;
    ensure!(logs.trim() == "failing", "{logs}");

    // A Deployment of the image, with the Secret mounted: it runs until deleted; exec reaches
    // it; the file follows the Secret.
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "worker", "namespace": ns},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "worker"}},
            "template": {
                "metadata": {"labels": {"app": "worker"}},
                "spec": {
                    "containers": [{
                        "name": "main",
                        "image": SPILO,
                        // Serves the Secret's files over HTTP (its log: the requests).
                        "command": ["sh", "-c", "echo started; exec python3 -m http.server 8080 --directory /etc/creds"],
                        "readinessProbe": {"tcpSocket": {"port": 8080}},
                        "volumeMounts": [{"name": "creds", "mountPath": "/etc/creds"}],
                    }],
                    "volumes": [{"name": "creds", "secret": {"secretName": "creds"}}],
                    "terminationGracePeriodSeconds": 1,
                },
            },
        },
    });
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), ns);
    deployments
        .create(&PostParams::default(), &serde_json::from_value(deployment)?)
        .await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let worker = wait_until("the worker pod to be ready", START, || async {
        let list = pods
            .list(&ListParams::default().labels("app=worker"))
            .await?;
        Ok(list.items.into_iter().find(|p| {
            p.status
                .iter()
                .flat_map(|s| s.conditions.iter().flatten())
                .any(|c| c.type_ == "Ready" && c.status == "True")
        }))
    })
    .await?
    .name_any();
    let read = || kubectl_ok(&["exec", "-n", ns, &worker, "--", "cat", "/etc/creds/token"]);
    ensure!(read()? == "first", "{:?}", read());
    // An exec's exit code reaches kubectl.
    let failed = kubectl(&["exec", "-n", ns, &worker, "--", "sh", "-c", "exit 7"])?;
    ensure!(failed.code == 7, "{}", failed.all());
    secrets
        .patch(
            "creds",
            &PatchParams::default(),
            &Patch::Merge(json!({"stringData": {"token": "second"}})),
        )
        .await?;
    let changed = std::time::Instant::now();
    wait_for(
        "the mounted file to follow the Secret",
        VOLUME_UPDATE,
        || async { Ok(read().is_ok_and(|t| t == "second")) },
    )
    .await?;
    // Includes a kubectl exec per look (the wait polls every 250 ms).
    eprintln!(
        "a Secret's change reached the mounted file in {} ms",
        changed.elapsed().as_millis()
    );
    // A NodePort Service of the worker answers on every node's address (kube-proxy).
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": "worker"},
        "spec": {"type": "NodePort", "selector": {"app": "worker"},
                 "ports": [{"port": 80, "targetPort": 8080}]},
    }))?;
    let service = Api::<Service>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &service)
        .await?;
    let node_port = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref()?.first()?.node_port)
        .context("no nodePort")?;
    for node in ["10.240.0.1", "10.240.0.3"] {
        wait_for(&format!("the NodePort on {node}"), START, || async {
            Ok(http_get(node, node_port, "/token")
                .await
                .is_ok_and(|b| b == "second"))
        })
        .await?;
    }
    let logs = kubectl_ok(&["logs", "-n", ns, &worker])?;
    ensure!(logs.starts_with("started\n"), "{logs}");
    ensure!(logs.contains("\"GET /token HTTP/1.0\" 200"), "{logs}");

    // `kubectl logs -f` streams a running container and ends when it does.
    let talker: Pod = serde_json::from_value(json!({
        "metadata": {"name": "talker"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": SPILO,
            "command": ["sh", "-c", "echo one; sleep 2; echo two"]}]},
    }))?;
    pods.create(&PostParams::default(), &talker).await?;
    wait_for("the talker to run", START, || async {
        let p = pods.get("talker").await?;
        Ok(p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Pending"))
    })
    .await?;
    let follow = tokio::process::Command::from(data_plane::kubectl_command(&[
        "logs", "-f", "-n", ns, "talker",
    ])?)
    .output();
    let followed = tokio::time::timeout(START, follow)
        .await
        .context("kubectl logs -f did not end with the container")??;
    let text = String::from_utf8_lossy(&followed.stdout);
    ensure!(text == "one\ntwo\n", "{text:?}");

    // A container that crashes is restarted (back-off), and `--previous` shows the run
    // before the current one.
    let crasher: Pod = serde_json::from_value(json!({
        "metadata": {"name": "crasher"},
        "spec": {"containers": [{"name": "main", "image": SPILO,
            "command": ["sh", "-c", "echo \"run $(date +%s%N)\"; exit 1"]}]},
    }))?;
    pods.create(&PostParams::default(), &crasher).await?;
    wait_for("the crasher to be restarted", START, || async {
        let p = pods.get("crasher").await?;
        let status = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref()?.first().cloned());
        Ok(status.is_some_and(|c| {
            c.restart_count >= 2
                && c.last_state
                    .and_then(|l| l.terminated)
                    .is_some_and(|t| t.exit_code == 1)
        }))
    })
    .await?;
    let previous = kubectl_ok(&["logs", "-n", ns, "crasher", "--previous"])?;
    let current = kubectl_ok(&["logs", "-n", ns, "crasher"])?;
    ensure!(previous.starts_with("run "), "{previous:?}");
    ensure!(
        current.starts_with("run ") && current != previous,
        "{current:?} {previous:?}"
    );

    // An image the runner does not know: handed to kwok, which reports it running.
    let other: Pod = serde_json::from_value(json!({
        "metadata": {"name": "other"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }))?;
    pods.create(&PostParams::default(), &other).await?;
    let other = wait_until("the unknown image's pod to run", START, || async {
        let p = pods.get("other").await?;
        let running = p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
        Ok(running.then_some(p))
    })
    .await?;
    ensure!(
        other
            .annotations()
            .get("pgctl.test/kubelet")
            .map(String::as_str)
            == Some("kwok"),
        "{:?}",
        other.metadata.annotations
    );
    Ok(())
}
