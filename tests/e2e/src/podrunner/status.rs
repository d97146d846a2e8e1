//! The status a kubelet would report for a pod whose `postgres` container is the pod's Patroni
//! process: pure, from what the runner observed. The other containers of the pod (sidecars)
//! do not run here; they are reported as running alongside, and say so in their `imageID`.

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

/// The container whose state is the Patroni process's.
pub const MAIN_CONTAINER: &str = "postgres";

/// How the pod's processes ended last time.
#[derive(Debug, Clone, PartialEq)]
pub struct Termination {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub started_at: String,
    pub finished_at: String,
}

/// What the runner observed of one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub pod_ip: String,
    pub host_ip: Option<String>,
    /// When the runner first started the pod.
    pub start_time: String,
    /// When the current process started; `None` while none runs.
    pub running_since: Option<String>,
    /// Patroni's health endpoint answered 200.
    pub ready: bool,
    /// When `ready` last changed.
    pub ready_since: String,
    pub restart_count: i32,
    pub last_termination: Option<Termination>,
    /// Why no process runs (`CrashLoopBackOff`, `CreateContainerConfigError`, …).
    pub waiting: Option<(String, String)>,
}

fn condition(kind: &str, ok: bool, since: &str) -> Value {
    json!({
        "type": kind,
        "status": if ok { "True" } else { "False" },
        "lastTransitionTime": since,
    })
}

/// The status (a strategic merge patch body for `pods/status`).
pub fn pod_status(pod: &Pod, observed: &Observed) -> Value {
    let uid = pod.metadata.uid.as_deref().unwrap_or_default();
    let ready = observed.ready && observed.running_since.is_some();
    let containers: Vec<Value> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .map(|c| {
            let main = c.name == MAIN_CONTAINER;
            let image = c.image.clone().unwrap_or_default();
            let mut status = json!({
                "name": c.name,
                "image": image,
                "imageID": if main { "pgctl-pod-runner://patroni" } else { "pgctl-pod-runner://not-run" },
                "containerID": format!("pgctl://{uid}/{}/{}", c.name, observed.restart_count),
                "restartCount": if main { observed.restart_count } else { 0 },
                "ready": ready,
                "started": observed.running_since.is_some(),
            });
            status["state"] = match (&observed.running_since, &observed.waiting) {
                (Some(since), _) => json!({"running": {"startedAt": since}}),
                (None, Some((reason, message))) => {
                    json!({"waiting": {"reason": reason, "message": message}})
                }
                (None, None) => json!({"waiting": {"reason": "ContainerCreating"}}),
            };
            if main && let Some(t) = &observed.last_termination {
                let mut terminated = json!({
                    "exitCode": t.exit_code,
                    "reason": if t.exit_code == 0 { "Completed" } else { "Error" },
                    "startedAt": t.started_at,
                    "finishedAt": t.finished_at,
                });
                if let Some(signal) = t.signal {
                    terminated["signal"] = json!(signal);
                }
                status["lastState"] = json!({"terminated": terminated});
            }
            status
        })
        .collect();
    let init: Vec<Value> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten())
        .map(|c| {
            json!({
                "name": c.name,
                "image": c.image.clone().unwrap_or_default(),
                "imageID": "pgctl-pod-runner://not-run",
                "ready": true,
                "restartCount": 0,
                "state": {"terminated": {
                    "exitCode": 0, "reason": "Completed",
                    "startedAt": observed.start_time, "finishedAt": observed.start_time,
                }},
            })
        })
        .collect();
    let mut status = json!({
        "phase": "Running",
        "podIP": observed.pod_ip,
        "podIPs": [{"ip": observed.pod_ip}],
        "startTime": observed.start_time,
        "conditions": [
            condition("PodReadyToStartContainers", true, &observed.start_time),
            condition("Initialized", true, &observed.start_time),
            condition("ContainersReady", ready, &observed.ready_since),
            condition("Ready", ready, &observed.ready_since),
        ],
        "containerStatuses": containers,
        "initContainerStatuses": init,
    });
    if let Some(host_ip) = &observed.host_ip {
        status["hostIP"] = json!(host_ip);
        status["hostIPs"] = json!([{"ip": host_ip}]);
    }
    json!({ "status": status })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "a-0", "uid": "u1"},
            "spec": {"containers": [
                {"name": "postgres", "image": "spilo:1"},
                {"name": "exporter", "image": "exporter:2"},
            ]},
        }))
        .unwrap_or_default()
    }

    fn observed() -> Observed {
        Observed {
            pod_ip: "10.244.1.254".into(),
            host_ip: Some("10.240.0.1".into()),
            start_time: "2026-01-01T00:00:00Z".into(),
            running_since: Some("2026-01-01T00:00:01Z".into()),
            ready: true,
            ready_since: "2026-01-01T00:00:05Z".into(),
            restart_count: 0,
            last_termination: None,
            waiting: None,
        }
    }

    fn condition_of(status: &Value, kind: &str) -> Value {
        status["status"]["conditions"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["type"] == kind).cloned())
            .unwrap_or(Value::Null)
    }

    #[test]
    fn a_healthy_pod_is_running_and_ready() {
        let s = pod_status(&pod(), &observed());
        assert_eq!(s["status"]["phase"], "Running");
        assert_eq!(s["status"]["podIP"], "10.244.1.254");
        assert_eq!(condition_of(&s, "Ready")["status"], "True");
        assert_eq!(
            s["status"]["containerStatuses"][0]["state"]["running"]["startedAt"],
            "2026-01-01T00:00:01Z"
        );
        assert_eq!(
            s["status"]["containerStatuses"][1]["imageID"],
            "pgctl-pod-runner://not-run"
        );
    }

    #[test]
    fn a_crashed_process_is_not_ready_and_counts_a_restart() {
        let mut o = observed();
        o.running_since = None;
        o.restart_count = 2;
        o.waiting = Some(("CrashLoopBackOff".into(), "back-off 4s".into()));
        o.last_termination = Some(Termination {
            exit_code: 137,
            signal: Some(9),
            started_at: "a".into(),
            finished_at: "b".into(),
        });
        let s = pod_status(&pod(), &o);
        assert_eq!(condition_of(&s, "Ready")["status"], "False");
        let main = &s["status"]["containerStatuses"][0];
        assert_eq!(main["restartCount"], 2);
        assert_eq!(main["state"]["waiting"]["reason"], "CrashLoopBackOff");
        assert_eq!(main["lastState"]["terminated"]["exitCode"], 137);
        assert_eq!(main["lastState"]["terminated"]["reason"], "Error");
    }
}
