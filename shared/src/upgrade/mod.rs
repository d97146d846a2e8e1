//! In-place major version upgrades, the reference operator's way (`major_version_upgrade_mode`,
//! `minimal_major_version`, `target_major_version`, the failure annotation), with pgctl's
//! preflight and rollback. Pure: the controller observes, executes one step per pass and
//! records the phase in `status.upgrade`; the CLI's `upgrade --check` runs the same checks.
//!
//! The sequence (docs/upgrades.md): once every pod runs the pod template with the new
//! `PGVERSION` (the rolling update that exists; Spilo keeps running the data directory's
//! major), the master runs the preflight ([`SCRIPT`] `check`). Then Patroni is paused and the
//! pods are labelled `critical-operation`, the master's script stops PostgreSQL, runs `initdb`
//! and `pg_upgrade --link`, and switches the data directories: the **point of no return**.
//! Before it every failure rolls back to the old major; after it the upgrade only goes
//! forward: the replicas' old data directories are removed, Patroni's `initialize` key gets the
//! new system identifier, the pods are recreated (Spilo then runs the new major), Patroni is
//! resumed, and the replicas are rebuilt from the master.

#[cfg(test)]
mod tests;

pub use crate::major::{desired_major, pgversion, server_major, spec_major};
pub use crate::window::{WindowError, in_window, parse_window};

use crate::config::MajorUpgradeMode;
use crate::crd::{UpgradeCheck, UpgradeStatus};
use crate::rollout::{MemberRole, PatroniCluster};

/// Condition type: `True` once the cluster runs the major the manifest asks for after an
/// upgrade, `Unknown` while one runs, `False` with a reason when one is refused or failed.
pub const CONDITION: &str = "MajorUpgrade";
/// The reference's annotation on the `postgresql` resource after a failed upgrade: no new
/// attempt while it is there.
pub const FAILURE_ANNOTATION: &str = "last-major-upgrade-failure";
pub use crate::naming::CRITICAL_OPERATION_LABEL;
/// The script the pods run (through `pods/exec`), see its header.
pub const SCRIPT: &str = include_str!("pod.sh");
/// Where the script and its files live, under `PGROOT`.
pub const WORK_DIR: &str = ".pgctl-upgrade";
/// The largest replication lag (bytes) a replica may have when the upgrade starts.
pub const MAX_LAG_BYTES: u64 = 16 * 1024 * 1024;

/// Condition reasons.
pub mod reason {
    pub const UPGRADED: &str = "Upgraded";
    pub const IN_PROGRESS: &str = "InProgress";
    pub const DISABLED: &str = "UpgradeDisabled";
    pub const TEAM_NOT_ALLOWED: &str = "TeamNotAllowed";
    pub const DOWNGRADE_REFUSED: &str = "DowngradeRefused";
    pub const STANDBY_CLUSTER: &str = "StandbyCluster";
    pub const PREVIOUS_FAILED: &str = "PreviousUpgradeFailed";
    pub const OUTSIDE_WINDOW: &str = "OutsideMaintenanceWindow";
    pub const WAITING_FOR_ROLLOUT: &str = "WaitingForRollout";
    pub const CLUSTER_NOT_READY: &str = "ClusterNotReady";
    pub const PREFLIGHT_FAILED: &str = "PreflightFailed";
    pub const ROLLED_BACK: &str = "RolledBack";
    /// Event reasons of the steps (one Event each: the recorder folds Events of one reason).
    pub const PREFLIGHT_STARTED: &str = "UpgradePreflight";
    pub const STARTED: &str = "UpgradeStarted";
    pub const SWITCHED: &str = "UpgradeSwitched";
}

/// `status.upgrade.phase` values.
pub mod phase {
    pub const PREFLIGHT: &str = "Preflight";
    pub const UPGRADING: &str = "Upgrading";
    pub const RESTARTING: &str = "Restarting";
    pub const REBUILDING: &str = "Rebuilding";
    pub const SUCCEEDED: &str = "Succeeded";
    pub const BLOCKED: &str = "Blocked";
    pub const ROLLED_BACK: &str = "RolledBack";
}

/// Whether a phase is one of an upgrade in progress.
pub fn in_progress(phase: &str) -> bool {
    matches!(
        phase,
        phase::PREFLIGHT | phase::UPGRADING | phase::RESTARTING | phase::REBUILDING
    )
}

/// Whether the data directories were switched: the upgrade only goes forward.
pub fn past_point_of_no_return(phase: &str) -> bool {
    matches!(phase, phase::RESTARTING | phase::REBUILDING)
}

/// What the controller found before deciding whether to start an upgrade.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub mode: MajorUpgradeMode,
    pub team_allow_list: &'a [String],
    pub team: &'a str,
    /// The major the cluster should run ([`desired_major`]).
    pub desired: u32,
    /// The major the master runs.
    pub running: u32,
    /// A standby cluster (the reference does not upgrade those).
    pub standby: bool,
    /// [`FAILURE_ANNOTATION`]'s value.
    pub failure: Option<&'a str>,
    /// Every pod runs the current pod template (with the new `PGVERSION`).
    pub pods_current: bool,
    /// The maintenance windows ([`crate::window`]): whether one is open, when the next opens.
    pub window: crate::window::State,
    /// Where the windows come from (`spec.maintenanceWindows`, `maintenance_windows`).
    pub window_field: &'a str,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The master runs the desired major.
    UpToDate,
    /// Not upgraded, and not by waiting: the condition says why.
    Refused {
        reason: &'static str,
        message: String,
    },
    /// Not yet.
    Waiting {
        reason: &'static str,
        message: String,
    },
    /// Run the preflight, then the upgrade.
    Start { from: u32, to: u32 },
}

/// Whether to start an upgrade now.
pub fn decide(r: &Request<'_>) -> Verdict {
    let (from, to) = (r.running, r.desired);
    if to == from {
        return Verdict::UpToDate;
    }
    if to < from {
        return Verdict::Refused {
            reason: reason::DOWNGRADE_REFUSED,
            message: format!(
                "the master runs PostgreSQL {from}; spec.postgresql.version asks for {to}, and a major version cannot be downgraded in place"
            ),
        };
    }
    if r.mode == MajorUpgradeMode::Off {
        return Verdict::Refused {
            reason: reason::DISABLED,
            message: format!(
                "spec.postgresql.version asks for {to} but the cluster runs {from}, and major_version_upgrade_mode is off"
            ),
        };
    }
    if !r.team_allow_list.is_empty() && !r.team_allow_list.iter().any(|t| t == r.team) {
        return Verdict::Refused {
            reason: reason::TEAM_NOT_ALLOWED,
            message: format!(
                "team {:?} is not in major_version_upgrade_team_allow_list; the cluster stays on {from}",
                r.team
            ),
        };
    }
    if r.standby {
        return Verdict::Refused {
            reason: reason::STANDBY_CLUSTER,
            message: format!(
                "a standby cluster is not upgraded in place; it runs {from} until it is promoted or recreated from an upgraded source"
            ),
        };
    }
    if let Some(when) = r.failure {
        return Verdict::Refused {
            reason: reason::PREVIOUS_FAILED,
            message: format!(
                "the upgrade to {to} failed at {when}; remove the annotation {FAILURE_ANNOTATION} to try again"
            ),
        };
    }
    if !r.pods_current {
        return Verdict::Waiting {
            reason: reason::WAITING_FOR_ROLLOUT,
            message: format!("upgrade {from} → {to} waits for the rolling update to finish"),
        };
    }
    if !r.window.open {
        let next = r
            .window
            .next
            .map(|t| format!("; the next opens at {}", crate::window::utc(t)))
            .unwrap_or_default();
        return Verdict::Waiting {
            reason: reason::OUTSIDE_WINDOW,
            message: format!(
                "upgrade {from} → {to} waits for a maintenance window ({}){next}",
                r.window_field
            ),
        };
    }
    Verdict::Start { from, to }
}

/// The cluster-wide preflight check: every instance a running member, the replicas streaming
/// and caught up ([`MAX_LAG_BYTES`]), Patroni not paused by someone else.
pub fn members_check(cluster: &PatroniCluster, instances: i32) -> UpgradeCheck {
    let fail = |message: String| UpgradeCheck {
        name: "members".to_string(),
        passed: false,
        message,
    };
    let members = &cluster.members;
    if cluster.paused {
        return fail("Patroni is paused (maintenance mode); resume it first".to_string());
    }
    let leaders = members
        .iter()
        .filter(|m| m.role == MemberRole::Leader)
        .count();
    if leaders != 1 {
        return fail(format!("{leaders} leaders in Patroni's cluster, 1 needed"));
    }
    if (members.len() as i32) < instances {
        return fail(format!(
            "{} of {instances} members in Patroni's cluster",
            members.len()
        ));
    }
    for m in members {
        if m.role == MemberRole::Leader {
            if m.state != "running" {
                return fail(format!("the leader {} is {}", m.name, m.state));
            }
            continue;
        }
        if !m.is_streaming() {
            return fail(format!("replica {} is {}, not streaming", m.name, m.state));
        }
        if m.lag.is_none_or(|lag| lag > MAX_LAG_BYTES) {
            return fail(format!(
                "replica {} is {} behind the master (at most {} MiB)",
                m.name,
                m.lag
                    .map(|l| format!("{l} bytes"))
                    .unwrap_or_else(|| "an unknown amount".to_string()),
                MAX_LAG_BYTES / 1024 / 1024
            ));
        }
    }
    UpgradeCheck {
        name: "members".to_string(),
        passed: true,
        message: format!(
            "{} members, {} replicas streaming",
            members.len(),
            members.len() - 1
        ),
    }
}

/// The `CHECK name pass|fail message` lines of the script's output.
pub fn parse_checks(output: &str) -> Vec<UpgradeCheck> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("CHECK ")?;
            let (name, rest) = rest.split_once(' ')?;
            let (verdict, message) = rest.split_once(' ').unwrap_or((rest, ""));
            let passed = match verdict {
                "pass" => true,
                "fail" => false,
                _ => return None,
            };
            Some(UpgradeCheck {
                name: name.to_string(),
                passed,
                message: message.trim().to_string(),
            })
        })
        .collect()
}

/// The checks of a finished `check` run: the script's lines, and a failed `preflight` check
/// when the script did not get to its last check (`pg_upgrade`) or exited with an error.
pub fn finished_checks(code: i32, output: &str) -> Vec<UpgradeCheck> {
    let mut checks = parse_checks(output);
    let complete =
        checks.iter().any(|c| c.name == "pg_upgrade") || checks.iter().any(|c| !c.passed);
    if code != 0 || !complete {
        let tail: Vec<&str> = output
            .lines()
            .filter(|l| !l.starts_with("CHECK ") && !l.trim().is_empty())
            .collect();
        checks.push(UpgradeCheck {
            name: "preflight".to_string(),
            passed: false,
            message: format!(
                "the checks ended early (exit {code}): {}",
                tail[tail.len().saturating_sub(3)..].join(" ")
            ),
        });
    }
    checks
}

/// The failed checks, as one message.
pub fn failed_checks(checks: &[UpgradeCheck]) -> Option<String> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.name, c.message))
        .collect();
    (!failed.is_empty()).then(|| failed.join("; "))
}

/// How an action of the script ended (its `RESULT` line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The data directories are switched; the new system identifier.
    Switched { system_id: String },
    /// Back on the old major; the phase that failed and why.
    RolledBack { phase: String, message: String },
    /// A preflight check failed at the last moment; nothing was stopped.
    Blocked,
    /// Nothing to recover.
    Clean,
    /// A replica's data directory is gone.
    Wiped,
    /// Anything else the script said (a refusal).
    Other(String),
}

/// The last `RESULT` line of an action's output.
pub fn parse_outcome(output: &str) -> Option<Outcome> {
    let line = output
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("RESULT "))?;
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    Some(match word {
        "switched" => Outcome::Switched {
            system_id: rest.trim().to_string(),
        },
        "rolled-back" => {
            let (phase, message) = rest.split_once(' ').unwrap_or((rest, ""));
            Outcome::RolledBack {
                phase: phase.to_string(),
                message: message.trim().to_string(),
            }
        }
        "blocked" => Outcome::Blocked,
        "clean" => Outcome::Clean,
        "wiped" => Outcome::Wiped,
        _ => Outcome::Other(line.to_string()),
    })
}

/// The state of a background action (`poll`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    NotStarted,
    Running {
        output: String,
    },
    /// The process is gone without an exit status (the pod restarted).
    Died {
        output: String,
    },
    Done {
        code: i32,
        output: String,
    },
}

pub fn parse_poll(text: &str) -> Poll {
    let (first, output) = text.split_once('\n').unwrap_or((text, ""));
    let output = output.to_string();
    match first.trim() {
        "RUNNING" => Poll::Running { output },
        "DIED" => Poll::Died { output },
        "NOTSTARTED" => Poll::NotStarted,
        other => match other
            .strip_prefix("DONE ")
            .and_then(|c| c.trim().parse().ok())
        {
            Some(code) => Poll::Done { code, output },
            None => Poll::Died {
                output: text.to_string(),
            },
        },
    }
}

/// The last `PHASE` the script announced.
pub fn last_phase(output: &str) -> Option<&str> {
    output.lines().rev().find_map(|l| l.strip_prefix("PHASE "))
}

/// The actions of [`SCRIPT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Check,
    Upgrade,
    Recover,
    Wipe,
    Finish,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Check => "check",
            Action::Upgrade => "upgrade",
            Action::Recover => "recover",
            Action::Wipe => "wipe",
            Action::Finish => "finish",
        }
    }
}

/// How an action is run: at once, started in the background, or polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Now(Action),
    Start(Action),
    Poll(Action),
}

/// The command `pods/exec` runs in the Spilo container: a root shell writes [`SCRIPT`] into
/// `PGROOT/.pgctl-upgrade` and runs it as the database user (`postgres`), as Spilo's own
/// scripts run; a shell already of that user runs it directly.
pub fn command(run: Run, from: u32, to: u32, pgroot: &str, attempt: &str) -> Vec<String> {
    const WRAPPER: &str = r#"set -e
script=$1
shift
work="$4/.pgctl-upgrade"
mkdir -p "$work"
printf '%s\n' "$script" >"$work/pgctl-upgrade.sh.tmp"
mv "$work/pgctl-upgrade.sh.tmp" "$work/pgctl-upgrade.sh"
if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$work"
    exec su -s /bin/sh postgres -c 'exec sh "$0" "$@"' -- "$work/pgctl-upgrade.sh" "$@"
fi
exec sh "$work/pgctl-upgrade.sh" "$@"
"#;
    let (verb, action) = match run {
        Run::Now(a) => (a.as_str(), None),
        Run::Start(a) => ("start", Some(a)),
        Run::Poll(a) => ("poll", Some(a)),
    };
    let mut argv: Vec<String> = vec![
        "sh".into(),
        "-c".into(),
        WRAPPER.into(),
        "pgctl-upgrade".into(),
        SCRIPT.into(),
        verb.into(),
        from.to_string(),
        to.to_string(),
        pgroot.into(),
        attempt.into(),
    ];
    argv.extend(action.map(|a| a.as_str().to_string()));
    argv
}

/// The condition of an upgrade's status: (status, reason, message).
pub fn condition(status: &UpgradeStatus) -> (&'static str, &'static str, String) {
    let (from, to) = (status.from, status.to);
    match status.phase.as_str() {
        phase::SUCCEEDED => (
            "True",
            reason::UPGRADED,
            match status.downtime_seconds {
                Some(s) => format!("upgraded from {from} to {to}; writes were refused for {s} s"),
                None => format!("upgraded from {from} to {to}"),
            },
        ),
        phase::BLOCKED => (
            "False",
            reason::PREFLIGHT_FAILED,
            format!(
                "upgrade {from} → {to} refused before anything stopped: {}",
                failed_checks(&status.checks).unwrap_or_else(|| status.message.clone())
            ),
        ),
        phase::ROLLED_BACK => (
            "False",
            reason::ROLLED_BACK,
            format!(
                "upgrade {from} → {to} failed and was rolled back; the cluster runs {from}: {}",
                status.message
            ),
        ),
        p => (
            "Unknown",
            reason::IN_PROGRESS,
            format!("upgrade {from} → {to}: {p}; {}", status.message),
        ),
    }
}

/// Whether a finished attempt may be followed by a new one: a blocked preflight once the
/// manifest changed (or after [`retry_seconds`]); a rollback never while the failure
/// annotation is there ([`decide`] refuses it).
pub fn may_retry(status: &UpgradeStatus, generation: Option<i64>, elapsed_seconds: u64) -> bool {
    match status.phase.as_str() {
        phase::BLOCKED => {
            status.generation != generation || elapsed_seconds >= retry_seconds(status)
        }
        _ => !in_progress(&status.phase),
    }
}

/// How long a blocked preflight waits before it is run again without a manifest change.
pub const BLOCKED_RETRY_SECONDS: u64 = 600;

/// How long it waits when only the server's state failed the preflight, and only in a way that
/// passes by itself: PostgreSQL not running yet, or still in recovery (a master that Patroni
/// has just restarted, before it promotes it).
pub const TRANSIENT_RETRY_SECONDS: u64 = 20;

/// [`BLOCKED_RETRY_SECONDS`], or [`TRANSIENT_RETRY_SECONDS`] when every failed check of
/// `status` is a transient one.
pub fn retry_seconds(status: &UpgradeStatus) -> u64 {
    let mut failed = status.checks.iter().filter(|c| !c.passed).peekable();
    let transient = failed.peek().is_some()
        && failed.all(|c| {
            c.name == "server"
                && (c.message.contains("in recovery") || c.message.contains("is not running"))
        });
    if transient {
        TRANSIENT_RETRY_SECONDS
    } else {
        BLOCKED_RETRY_SECONDS
    }
}
