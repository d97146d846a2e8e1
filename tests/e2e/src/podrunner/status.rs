//! The status a kubelet would report for a pod from what the runner observed of its
//! containers: pure. Containers the runner does not run (images it does not know, in a pod
//! with one it knows) are reported running alongside and ready, and say so in their `imageID`.

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

/// How a container's run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Termination {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub started_at: String,
    pub finished_at: String,
}

impl Termination {
    fn to_json(&self) -> Value {
        let mut terminated = json!({
            "exitCode": self.exit_code,
            "reason": if self.exit_code == 0 { "Completed" } else { "Error" },
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
        });
        if let Some(signal) = self.signal {
            terminated["signal"] = json!(signal);
        }
        terminated
    }
}

/// What the runner observed of one container.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContainerState {
    pub name: String,
    /// The container runs here; false: its image is not known, nothing runs.
    pub run: bool,
    /// When the current process started; `None` while none runs.
    pub running_since: Option<String>,
    pub ready: bool,
    pub restart_count: i32,
    /// The previous run's end (`lastState`).
    pub last_termination: Option<Termination>,
    /// The current run's end, when the container will not be started again.
    pub terminated: Option<Termination>,
    /// Why no process runs (`CrashLoopBackOff`, `CreateContainerConfigError`, …).
    pub waiting: Option<(String, String)>,
}

impl ContainerState {
    pub fn new(name: &str, run: bool) -> Self {
        Self {
            name: name.to_string(),
            run,
            ..Self::default()
        }
    }

    /// Ready as the pod's readiness counts it (containers not run count as ready).
    pub fn counts_ready(&self) -> bool {
        !self.run || (self.ready && self.running_since.is_some())
    }

    fn state(&self, start_time: &str) -> Value {
        if !self.run {
            return json!({"running": {"startedAt": start_time}});
        }
        match (&self.running_since, &self.terminated, &self.waiting) {
            (Some(since), _, _) => json!({"running": {"startedAt": since}}),
            (None, Some(t), _) => json!({"terminated": t.to_json()}),
            (None, None, Some((reason, message))) => {
                json!({"waiting": {"reason": reason, "message": message}})
            }
            (None, None, None) => json!({"waiting": {"reason": "ContainerCreating"}}),
        }
    }
}

/// The pod's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
        }
    }
}

/// What the runner observed of one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub pod_ip: String,
    pub host_ip: Option<String>,
    /// When the runner first started the pod.
    pub start_time: String,
    /// In the order of the spec's `initContainers`.
    pub init: Vec<ContainerState>,
    /// In the order of the spec's `containers`.
    pub containers: Vec<ContainerState>,
    /// Every init container has completed.
    pub initialized: bool,
    pub phase: Phase,
    /// When the pod's readiness last changed.
    pub ready_since: String,
}

impl Observed {
    /// Every container counts as ready, after the init containers.
    pub fn ready(&self) -> bool {
        self.initialized
            && self.phase == Phase::Running
            && self.containers.iter().all(ContainerState::counts_ready)
    }

    pub fn container_mut(&mut self, name: &str) -> Option<&mut ContainerState> {
        self.containers
            .iter_mut()
            .chain(self.init.iter_mut())
            .find(|c| c.name == name)
    }
}

fn condition(kind: &str, ok: bool, since: &str) -> Value {
    json!({
        "type": kind,
        "status": if ok { "True" } else { "False" },
        "lastTransitionTime": since,
    })
}

fn container_status(
    uid: &str,
    image: &str,
    c: &ContainerState,
    start_time: &str,
    pod_ready: bool,
) -> Value {
    let mut status = json!({
        "name": c.name,
        "image": image,
        "imageID": if c.run { "pgctl-pod-runner://run" } else { "pgctl-pod-runner://not-run" },
        "containerID": format!("pgctl://{uid}/{}/{}", c.name, c.restart_count),
        "restartCount": c.restart_count,
        "ready": pod_ready && c.counts_ready(),
        "started": !c.run || c.running_since.is_some(),
        "state": c.state(start_time),
    });
    if let Some(t) = &c.last_termination {
        status["lastState"] = json!({"terminated": t.to_json()});
    }
    status
}

/// The status (a strategic merge patch body for `pods/status`).
pub fn pod_status(pod: &Pod, observed: &Observed) -> Value {
    let uid = pod.metadata.uid.as_deref().unwrap_or_default();
    let ready = observed.ready();
    let spec = pod.spec.as_ref();
    let image_of = |name: &str, init: bool| -> String {
        spec.and_then(|s| {
            let list = if init {
                s.init_containers.as_deref().unwrap_or_default()
            } else {
                &s.containers[..]
            };
            list.iter().find(|c| c.name == name)?.image.clone()
        })
        .unwrap_or_default()
    };
    let containers: Vec<Value> = observed
        .containers
        .iter()
        .map(|c| {
            container_status(
                uid,
                &image_of(&c.name, false),
                c,
                &observed.start_time,
                observed.initialized,
            )
        })
        .collect();
    let init: Vec<Value> = observed
        .init
        .iter()
        .map(|c| {
            if c.run {
                let mut s =
                    container_status(uid, &image_of(&c.name, true), c, &observed.start_time, true);
                s["ready"] = json!(c.terminated.as_ref().is_some_and(|t| t.exit_code == 0));
                s
            } else {
                json!({
                    "name": c.name,
                    "image": image_of(&c.name, true),
                    "imageID": "pgctl-pod-runner://not-run",
                    "ready": true,
                    "restartCount": 0,
                    "state": {"terminated": {
                        "exitCode": 0, "reason": "Completed",
                        "startedAt": observed.start_time, "finishedAt": observed.start_time,
                    }},
                })
            }
        })
        .collect();
    let mut status = json!({
        "phase": observed.phase.as_str(),
        "podIP": observed.pod_ip,
        "podIPs": [{"ip": observed.pod_ip}],
        "startTime": observed.start_time,
        "conditions": [
            condition("PodReadyToStartContainers", true, &observed.start_time),
            condition("Initialized", observed.initialized, &observed.start_time),
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
        let mut postgres = ContainerState::new("postgres", true);
        postgres.running_since = Some("2026-01-01T00:00:01Z".into());
        postgres.ready = true;
        Observed {
            pod_ip: "10.244.1.254".into(),
            host_ip: Some("10.240.0.1".into()),
            start_time: "2026-01-01T00:00:00Z".into(),
            init: Vec::new(),
            containers: vec![postgres, ContainerState::new("exporter", false)],
            initialized: true,
            phase: Phase::Running,
            ready_since: "2026-01-01T00:00:05Z".into(),
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
        assert_eq!(s["status"]["containerStatuses"][1]["image"], "exporter:2");
        assert_eq!(
            s["status"]["containerStatuses"][1]["imageID"],
            "pgctl-pod-runner://not-run"
        );
    }

    #[test]
    fn a_crashed_process_is_not_ready_and_counts_a_restart() {
        let mut o = observed();
        let main = &mut o.containers[0];
        main.running_since = None;
        main.restart_count = 2;
        main.waiting = Some(("CrashLoopBackOff".into(), "back-off 4s".into()));
        main.last_termination = Some(Termination {
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

    #[test]
    fn a_failed_job_pod_reports_its_exit_code() {
        let mut o = observed();
        o.containers.truncate(1);
        o.phase = Phase::Failed;
        o.containers[0].running_since = None;
        o.containers[0].terminated = Some(Termination {
            exit_code: 3,
            signal: None,
            started_at: "a".into(),
            finished_at: "b".into(),
        });
        let s = pod_status(&pod(), &o);
        assert_eq!(s["status"]["phase"], "Failed");
        assert_eq!(condition_of(&s, "Ready")["status"], "False");
        let main = &s["status"]["containerStatuses"][0];
        assert_eq!(main["state"]["terminated"]["exitCode"], 3);
        assert_eq!(main["state"]["terminated"]["reason"], "Error");
    }
}
