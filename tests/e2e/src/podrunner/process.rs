//! The processes of one pod: Patroni (which starts PostgreSQL) as the `postgres` user, in the
//! pod's network namespace, and in PID and mount namespaces of its own, so that every process
//! of the pod ends with it and sees its volumes where the container would, as in a container:
//!
//! ```text
//! ip netns exec NS unshare --pid --fork --kill-child --mount-proc sh POD_DIR/start.sh
//! ```
//!
//! `start.sh` ([`start_script`]) mounts a tmpfs on `/home` (inside the pod only), binds the
//! pod's volumes and its run directory under it, and becomes Patroni as `postgres`.
//!
//! Stopping sends SIGTERM to Patroni (it stops PostgreSQL and, as the leader, hands the leader
//! key back), waits up to the grace period, then kills the PID namespace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

/// The user the database processes run as (Debian's `postgres`).
pub const DATABASE_USER: &str = "postgres";

/// Where the pod's run directory (configuration, certificates, token, socket) is inside it.
pub const CONTAINER_RUN_DIR: &str = "/home/postgres/run";

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

/// The script that sets up the pod's mounts and execs Patroni: `mounts` are (path in the
/// pod under `/home`, directory on the host), the run directory among them.
pub fn start_script(mounts: &[(PathBuf, PathBuf)], patroni: &Path) -> String {
    let mut script = String::from(
        "#!/bin/sh\n# Written by pgctl-pod-runner; runs as root inside the pod's namespaces.\nset -e\n\
         mount -t tmpfs -o mode=755,size=16m pgctl-pod /home\n",
    );
    for (inside, host) in mounts {
        script.push_str(&format!(
            "mkdir -p {inside}\nmount --bind {host} {inside}\n",
            inside = quote(inside),
            host = quote(host)
        ));
    }
    script.push_str(&format!(
        "exec setpriv --reuid={DATABASE_USER} --regid={DATABASE_USER} --init-groups {} {}/patroni.yml\n",
        quote(patroni),
        CONTAINER_RUN_DIR
    ));
    script
}

/// Runs `script` ([`start_script`]) in network namespace `netns`, output appended to `log`.
pub fn start(
    netns: &str,
    script: &Path,
    env: &BTreeMap<String, String>,
    log: &Path,
) -> Result<Child> {
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let stderr = log_file.try_clone()?;
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", netns])
        .args([
            "unshare",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "sh",
        ])
        .arg(script)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(stderr)
        .kill_on_drop(true);
    command.spawn().context("starting patroni")
}

/// The process inside the PID namespace (Patroni), a child of the `unshare` process.
fn inner_pid(outer: u32) -> Option<i32> {
    let children = std::fs::read_to_string(format!("/proc/{outer}/task/{outer}/children")).ok()?;
    children.split_whitespace().next()?.parse().ok()
}

/// Stops the pod's processes: SIGTERM to Patroni, then SIGKILL to all after `grace`.
/// Returns how the process ended.
pub async fn stop(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    if let Ok(Some(status)) = child.try_wait() {
        return Some(status);
    }
    if let Some(outer) = child.id()
        && let Some(inner) = inner_pid(outer)
    {
        let _ = kill(Pid::from_raw(inner), Signal::SIGTERM);
        if let Ok(status) = tokio::time::timeout(grace, child.wait()).await {
            return status.ok();
        }
    }
    kill_now(child).await
}

/// Kills every process of the pod at once: SIGKILL to PID 1 of its PID namespace (the kernel
/// then kills every other process in it), then to `unshare`. (`unshare --kill-child` alone
/// does not do it: the parent-death signal it sets is cleared when setpriv changes the user.)
pub async fn kill_now(child: &mut Child) -> Option<ExitStatus> {
    if let Some(outer) = child.id()
        && let Some(inner) = inner_pid(outer)
    {
        let _ = kill(Pid::from_raw(inner), Signal::SIGKILL);
    }
    let _ = child.start_kill();
    child.wait().await.ok()
}

/// Kills a process left behind by an earlier runner, if `pid` still runs a command line
/// mentioning `marker` (a path of the pod's directory).
pub fn kill_stale(pid: i32, marker: &str) {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return;
    };
    if String::from_utf8_lossy(&cmdline).contains(marker) {
        if let Ok(outer) = u32::try_from(pid)
            && let Some(inner) = inner_pid(outer)
        {
            let _ = kill(Pid::from_raw(inner), Signal::SIGKILL);
        }
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_script_mounts_then_becomes_patroni() {
        let script = start_script(
            &[
                (
                    PathBuf::from("/home/postgres/run"),
                    PathBuf::from("/state/pods/a b/run"),
                ),
                (
                    PathBuf::from("/home/postgres/pgdata"),
                    PathBuf::from("/v/it's"),
                ),
            ],
            Path::new("/usr/bin/patroni"),
        );
        assert!(script.contains("mount -t tmpfs -o mode=755,size=16m pgctl-pod /home\n"));
        assert!(script.contains("mount --bind '/state/pods/a b/run' '/home/postgres/run'\n"));
        assert!(script.contains("mount --bind '/v/it'\\''s' '/home/postgres/pgdata'\n"));
        assert!(script.ends_with(
            "exec setpriv --reuid=postgres --regid=postgres --init-groups '/usr/bin/patroni' /home/postgres/run/patroni.yml\n"
        ));
    }
}
