//! Commands in a pod's container through `pods/exec`, as the reference operator runs Spilo's
//! scripts: the output, and the exit code when the API server reports one.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::AsyncReadExt;

/// What a command printed and how it ended.
#[derive(Debug, Clone)]
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
    /// `None`: the API server sent no status (the stream ended early).
    pub code: Option<i32>,
}

/// How long a command may take (callers only run short commands, or start long ones in the
/// background).
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs `argv` in `container` of `pod` and waits for it, at most [`TIMEOUT`].
pub async fn run(
    client: &kube::Client,
    namespace: &str,
    pod: &str,
    container: &str,
    argv: &[String],
) -> Result<Ran, String> {
    tokio::time::timeout(
        TIMEOUT,
        run_unbounded(client, namespace, pod, container, argv),
    )
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "exec in pod {namespace}/{pod}: no end after {} s",
            TIMEOUT.as_secs()
        ))
    })
}

async fn run_unbounded(
    client: &kube::Client,
    namespace: &str,
    pod: &str,
    container: &str,
    argv: &[String],
) -> Result<Ran, String> {
    let api: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let params = AttachParams::default()
        .container(container)
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let mut process = api
        .exec(pod, argv.iter().map(String::as_str), &params)
        .await
        .map_err(|e| format!("exec in pod {namespace}/{pod}: {e}"))?;
    let status = process.take_status();
    let stdout_stream = process.stdout();
    let stderr_stream = process.stderr();
    let mut stdout = String::new();
    let mut stderr = String::new();
    let out = async {
        if let Some(mut s) = stdout_stream {
            let _ = s.read_to_string(&mut stdout).await;
        }
    };
    let err = async {
        if let Some(mut s) = stderr_stream {
            let _ = s.read_to_string(&mut stderr).await;
        }
    };
    tokio::join!(out, err);
    let code = match status {
        Some(status) => status.await.map(|s| exit_code(&s)),
        None => None,
    };
    let _ = process.join().await;
    Ok(Ran {
        stdout,
        stderr,
        code,
    })
}

/// The exit code of an exec's final status (`Success`, or `NonZeroExitCode` with the code in
/// `details.causes[ExitCode]`).
fn exit_code(status: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Status) -> i32 {
    if status.status.as_deref() == Some("Success") {
        return 0;
    }
    status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .and_then(|c| c.iter().find(|c| c.reason.as_deref() == Some("ExitCode")))
        .and_then(|c| c.message.as_deref())
        .and_then(|m| m.parse().ok())
        .unwrap_or(-1)
}
