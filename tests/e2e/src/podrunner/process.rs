//! The processes of one container: run in the pod's network namespace, in PID and mount
//! namespaces of the container's own, on a root file system of its own, so that every process
//! of the container ends with it and sees its volumes where the container would:
//!
//! ```text
//! ip netns exec NS unshare --pid --fork --kill-child --mount-proc sh CONTAINER_DIR/start.sh
//! ```
//!
//! `start.sh` ([`start_script`]) makes the root: an overlay whose lower layer is this
//! machine's `/` (the "image": its programs, PostgreSQL, Patroni) and whose upper layer is the
//! container's (thrown away when it restarts, as a container's writable layer), with a
//! `/proc` of the PID namespace, the host's `/dev` and `/sys`, empty `/run`, `/tmp` and
//! `/home`, the pod's `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf`, and the volumes at
//! their `mountPath`s. Then it `chroot`s into it and becomes the command, as the image's user.
//!
//! Stopping sends SIGTERM to the command (PID 1 of the namespace), waits up to the grace
//! period, then kills the PID namespace.

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

/// Where a Patroni container's run directory (configuration, certificates, token) is inside it.
pub const CONTAINER_RUN_DIR: &str = "/home/postgres/run";

/// Size of the container's `/dev/shm` (Docker's default), unless a volume is mounted there.
const SHM_SIZE: &str = "64m";

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn quote_path(path: &Path) -> String {
    quote(&path.display().to_string())
}

/// A volume mounted into the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Where the container sees it (absolute).
    pub inside: PathBuf,
    /// The file or directory on the host.
    pub host: PathBuf,
    pub read_only: bool,
    /// The host side is a file (a `subPath` of a file), not a directory.
    pub file: bool,
}

/// A directory made in the container's root before it starts: path, owner uid and gid, mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dir {
    pub path: PathBuf,
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
}

/// How one container starts.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The container's directory: `root/` (the mount point), `upper/` and `work/` (overlay).
    pub dir: PathBuf,
    pub mounts: Vec<Mount>,
    /// Files of the pod bound over the image's (`/etc/hosts`, …): path inside, file on the host.
    pub etc: Vec<(PathBuf, PathBuf)>,
    pub dirs: Vec<Dir>,
    /// uid and gid to run as; `None`: root.
    pub user: Option<(u32, u32)>,
    pub working_dir: String,
    pub command: Vec<String>,
}

/// The script that makes the container's root and execs its command (see the module's
/// documentation).
pub fn start_script(launch: &Launch) -> String {
    let root = launch.dir.join("root");
    let mut s = format!(
        "#!/bin/sh\n# Written by pgctl-pod-runner; runs as root in the container's namespaces.\nset -e\nR={}\n",
        quote_path(&root)
    );
    let r = "\"$R\"";
    s.push_str(&format!(
        "mount -t overlay pgctl-rootfs -o lowerdir=/,upperdir={},workdir={} {r}\n",
        quote_path(&launch.dir.join("upper")),
        quote_path(&launch.dir.join("work")),
    ));
    s.push_str(&format!("mount -t proc proc {r}/proc\n"));
    s.push_str(&format!("mount --rbind /dev {r}/dev\n"));
    s.push_str(&format!(
        "mount -t tmpfs -o nosuid,nodev,mode=1777,size={SHM_SIZE} shm {r}/dev/shm\n"
    ));
    s.push_str(&format!("mount --rbind /sys {r}/sys\n"));
    for (dir, mode) in [("run", "755"), ("tmp", "1777"), ("home", "755")] {
        s.push_str(&format!(
            "mount -t tmpfs -o nosuid,nodev,mode={mode} pgctl-{dir} {r}/{dir}\n"
        ));
    }
    // A path in the container is resolved in its root (`/var/run` is a link to `/run`
    // there too), never on the host.
    let inside = |path: &Path| {
        format!(
            "t=\"$R$(chroot \"$R\" realpath -m {})\"\n",
            quote_path(path)
        )
    };
    for d in &launch.dirs {
        s.push_str(&inside(&d.path));
        s.push_str(&format!(
            "mkdir -p \"$t\"\nchown {}:{} \"$t\"\nchmod {:o} \"$t\"\n",
            d.uid, d.gid, d.mode
        ));
    }
    for m in &launch.mounts {
        s.push_str(&inside(&m.inside));
        if m.file {
            s.push_str("mkdir -p \"$(dirname \"$t\")\"\n[ -e \"$t\" ] || : > \"$t\"\n");
        } else {
            s.push_str("mkdir -p \"$t\"\n");
        }
        s.push_str(&format!("mount --bind {} \"$t\"\n", quote_path(&m.host)));
        if m.read_only {
            s.push_str("mount -o remount,bind,ro \"$t\"\n");
        }
    }
    for (path, host) in &launch.etc {
        s.push_str(&inside(path));
        s.push_str(&format!(
            "[ -e \"$t\" ] || : > \"$t\"\nmount --bind {} \"$t\"\n",
            quote_path(host)
        ));
    }
    let command: Vec<String> = launch.command.iter().map(|a| quote(a)).collect();
    let become_user = match launch.user {
        Some((uid, gid)) => format!("setpriv --reuid={uid} --regid={gid} --init-groups "),
        None => String::new(),
    };
    s.push_str(&format!(
        "exec chroot {r} {become_user}/bin/sh -c 'cd \"$0\" && exec \"$@\"' {} {}\n",
        quote(&launch.working_dir),
        command.join(" ")
    ));
    s
}

/// Runs `script` ([`start_script`]) in network namespace `netns`; its stdout and stderr are
/// pipes (the caller copies them into the container's log).
pub fn start(netns: &str, script: &Path, env: &BTreeMap<String, String>) -> Result<Child> {
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
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
        .spawn()
        .with_context(|| format!("starting {}", script.display()))
}

/// The process inside the PID namespace (the command, its PID 1), a child of `unshare`.
pub fn inner_pid(outer: u32) -> Option<i32> {
    let children = std::fs::read_to_string(format!("/proc/{outer}/task/{outer}/children")).ok()?;
    children.split_whitespace().next()?.parse().ok()
}

/// Stops the container's processes: SIGTERM to its PID 1, then SIGKILL to all after `grace`.
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
    fn the_start_script_makes_the_root_then_becomes_the_command() {
        let launch = Launch {
            dir: PathBuf::from("/state/pods/a b/containers/postgres"),
            mounts: vec![
                Mount {
                    inside: PathBuf::from("/home/postgres/pgdata"),
                    host: PathBuf::from("/v/it's"),
                    read_only: false,
                    file: false,
                },
                Mount {
                    inside: PathBuf::from("/tls"),
                    host: PathBuf::from("/s/tls"),
                    read_only: true,
                    file: false,
                },
            ],
            etc: vec![(PathBuf::from("/etc/hosts"), PathBuf::from("/p/hosts"))],
            dirs: vec![Dir {
                path: PathBuf::from("/var/run/postgresql"),
                uid: 101,
                gid: 102,
                mode: 0o2775,
            }],
            user: Some((101, 102)),
            working_dir: "/home/postgres".into(),
            command: vec!["patroni".into(), "/home/postgres/run/patroni.yml".into()],
        };
        let script = start_script(&launch);
        assert!(script.contains("R='/state/pods/a b/containers/postgres/root'\n"));
        assert!(script.contains(
            "mount -t overlay pgctl-rootfs -o lowerdir=/,upperdir='/state/pods/a b/containers/postgres/upper',workdir='/state/pods/a b/containers/postgres/work' \"$R\"\n"
        ));
        assert!(script.contains("mount -t proc proc \"$R\"/proc\n"));
        assert!(script.contains(
            "t=\"$R$(chroot \"$R\" realpath -m '/home/postgres/pgdata')\"\nmkdir -p \"$t\"\nmount --bind '/v/it'\\''s' \"$t\"\n"
        ));
        assert!(script.contains(
            "realpath -m '/tls')\"\nmkdir -p \"$t\"\nmount --bind '/s/tls' \"$t\"\nmount -o remount,bind,ro \"$t\"\n"
        ));
        assert!(script.contains(
            "realpath -m '/var/run/postgresql')\"\nmkdir -p \"$t\"\nchown 101:102 \"$t\"\nchmod 2775 \"$t\"\n"
        ));
        assert!(script.contains("[ -e \"$t\" ] || : > \"$t\"\nmount --bind '/p/hosts' \"$t\"\n"));
        assert!(script.ends_with(
            "exec chroot \"$R\" setpriv --reuid=101 --regid=102 --init-groups /bin/sh -c 'cd \"$0\" && exec \"$@\"' '/home/postgres' 'patroni' '/home/postgres/run/patroni.yml'\n"
        ));
    }
}
