//! Maintenance windows: `spec.maintenanceWindows`, else the configuration's
//! `maintenance_windows` ([`effective`]); `HH:MM-HH:MM` (every day) or `Ddd:HH:MM-[Ddd:]HH:MM`
//! (a day of the week, possibly ending on another day), in UTC, as the reference operator reads
//! them. A window whose end is before its start runs over midnight (or over the week's end),
//! which the reference refuses. They hold back major version upgrades and the move of a master
//! off a drained node ([`State`]); pods are replaced at any time, as in the reference.

use std::fmt;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_MINUTES: u32 = 24 * 60;
const WEEK_MINUTES: u32 = 7 * DAY_MINUTES;

/// One window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Minutes of the day.
    Daily { start: u32, end: u32 },
    /// Minutes of the week, Monday 00:00 being 0.
    Weekly { start: u32, end: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowError(pub String);

impl fmt::Display for WindowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WindowError {}

/// `[Ddd:]HH:MM` → (day, minute of the day).
fn point(text: &str) -> Option<(Option<u32>, u32)> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let (day, hour, minute) = match parts.as_slice() {
        [d, h, m] => (Some(DAYS.iter().position(|x| x == d)? as u32), h, m),
        [h, m] => (None, h, m),
        _ => return None,
    };
    let hour: u32 = hour.parse().ok().filter(|h| *h < 24)?;
    let minute: u32 = minute.parse().ok().filter(|m| *m < 60)?;
    Some((day, hour * 60 + minute))
}

pub fn parse_window(text: &str) -> Result<Window, WindowError> {
    let bad = || {
        WindowError(format!(
            "{text:?} is not a maintenance window: expected HH:MM-HH:MM or Ddd:HH:MM-[Ddd:]HH:MM (Ddd one of {})",
            DAYS.join(", ")
        ))
    };
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let (start_day, start) = point(a).ok_or_else(bad)?;
    let (end_day, end) = point(b).ok_or_else(bad)?;
    Ok(match (start_day, end_day) {
        (None, None) => Window::Daily { start, end },
        (Some(d), e) => Window::Weekly {
            start: d * DAY_MINUTES + start,
            end: e.unwrap_or(d) * DAY_MINUTES + end,
        },
        (None, Some(_)) => return Err(bad()),
    })
}

/// Whether `unix_seconds` falls in one of `windows` (none: always). Windows that do not parse
/// are skipped (validation reports them).
pub fn in_window(windows: &[String], unix_seconds: i64) -> bool {
    if windows.is_empty() {
        return true;
    }
    let week_minute = week_minute(unix_seconds.div_euclid(60));
    let day_minute = week_minute % DAY_MINUTES;
    let within = |now: u32, start: u32, end: u32| {
        if start <= end {
            (start..=end).contains(&now)
        } else {
            now >= start || now <= end
        }
    };
    windows
        .iter()
        .filter_map(|w| parse_window(w).ok())
        .any(|w| match w {
            Window::Daily { start, end } => within(day_minute, start, end),
            Window::Weekly { start, end } => within(week_minute, start, end),
        })
}

/// Where the windows in force come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `enable_maintenance_windows` is off: always open.
    Disabled,
    /// Neither the manifest nor the configuration has windows: always open.
    None,
    /// `spec.maintenanceWindows` (the configuration's are then ignored, as in the reference).
    Manifest,
    /// The configuration's `maintenance_windows`.
    Operator,
}

impl Source {
    /// The field the windows come from, for messages.
    pub fn field(self) -> &'static str {
        match self {
            Source::Manifest => "spec.maintenanceWindows",
            Source::Operator => "maintenance_windows",
            Source::Disabled | Source::None => "",
        }
    }
}

/// The windows in force for a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub source: Source,
    pub windows: Vec<String>,
}

/// The windows of a cluster: the manifest's when it has any, else the configuration's; none
/// (always open) when `enabled` is false.
pub fn effective(spec: Option<&[String]>, global: &[String], enabled: bool) -> Effective {
    let spec = spec.unwrap_or_default();
    let (source, windows) = if !enabled {
        (Source::Disabled, Vec::new())
    } else if !spec.is_empty() {
        (Source::Manifest, spec.to_vec())
    } else if !global.is_empty() {
        (Source::Operator, global.to_vec())
    } else {
        (Source::None, Vec::new())
    };
    Effective { source, windows }
}

/// Whether a window is open at `unix_seconds`, and when the next one opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub open: bool,
    /// The start of the next window (seconds since the epoch) when none is open now.
    pub next: Option<i64>,
}

impl Default for State {
    /// Always open.
    fn default() -> Self {
        Self {
            open: true,
            next: None,
        }
    }
}

impl Effective {
    /// The state at `unix_seconds`.
    pub fn state(&self, unix_seconds: i64) -> State {
        let open = in_window(&self.windows, unix_seconds);
        State {
            open,
            next: (!open)
                .then(|| next_start(&self.windows, unix_seconds))
                .flatten(),
        }
    }
}

/// The first minute at or after `unix_seconds` at which one of `windows` starts (`None`: no
/// window parses).
pub fn next_start(windows: &[String], unix_seconds: i64) -> Option<i64> {
    let minute = unix_seconds.div_euclid(60);
    let week_minute = week_minute(minute);
    let day_minute = week_minute % DAY_MINUTES;
    windows
        .iter()
        .filter_map(|w| parse_window(w).ok())
        .map(|w| match w {
            Window::Daily { start, .. } => (start + DAY_MINUTES - day_minute) % DAY_MINUTES,
            Window::Weekly { start, .. } => (start + WEEK_MINUTES - week_minute) % WEEK_MINUTES,
        })
        .min()
        .map(|wait| (minute + i64::from(wait)) * 60)
}

/// Minutes since Monday 00:00 UTC of the minute `minutes` since the epoch.
fn week_minute(minutes: i64) -> u32 {
    // 1970-01-01 was a Thursday: day 3 of a week starting on Monday.
    ((minutes + 3 * i64::from(DAY_MINUTES)).rem_euclid(i64::from(WEEK_MINUTES))) as u32
}

/// `unix_seconds` as an RFC 3339 time in UTC, for messages.
pub fn utc(unix_seconds: i64) -> String {
    jiff::Timestamp::from_second(unix_seconds)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| unix_seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-05 is a Saturday.
    const SAT_0530: i64 = 1_796_448_600;

    #[test]
    fn the_manifest_wins_over_the_configuration_and_off_means_open() {
        let global = vec!["Sun:01:00-02:00".to_string()];
        let spec = vec!["05:00-06:00".to_string()];
        let e = effective(Some(&spec), &global, true);
        assert_eq!(
            (e.source, e.windows.clone()),
            (Source::Manifest, spec.clone())
        );
        assert_eq!(effective(Some(&[]), &global, true).source, Source::Operator);
        assert_eq!(effective(None, &[], true).source, Source::None);
        let off = effective(Some(&spec), &global, false);
        assert_eq!(off.source, Source::Disabled);
        assert!(off.state(SAT_0530 + 3600).open);
    }

    #[test]
    fn the_next_window_opens_later_today_tomorrow_or_next_week() {
        assert_eq!(utc(SAT_0530), "2026-12-05T05:30:00Z");
        let state = |w: &[&str], t: i64| {
            let windows: Vec<String> = w.iter().map(|s| s.to_string()).collect();
            effective(Some(&windows), &[], true).state(t)
        };
        assert_eq!(
            state(&["05:00-06:00"], SAT_0530),
            State {
                open: true,
                next: None
            }
        );
        // Later today.
        let s = state(&["07:00-08:00"], SAT_0530);
        assert!(!s.open);
        assert_eq!(s.next.map(utc).as_deref(), Some("2026-12-05T07:00:00Z"));
        // Tomorrow.
        let s = state(&["04:00-05:00"], SAT_0530);
        assert_eq!(s.next.map(utc).as_deref(), Some("2026-12-06T04:00:00Z"));
        // Next week, and the earliest of several.
        let s = state(&["Sat:04:00-05:00", "Mon:01:00-02:00"], SAT_0530);
        assert_eq!(s.next.map(utc).as_deref(), Some("2026-12-07T01:00:00Z"));
        let s = state(&["Sat:04:00-05:00"], SAT_0530);
        assert_eq!(s.next.map(utc).as_deref(), Some("2026-12-12T04:00:00Z"));
        // Within the start minute, the window is open already.
        let s = state(&["05:31-06:00"], SAT_0530 + 30);
        assert_eq!(s.next.map(utc).as_deref(), Some("2026-12-05T05:31:00Z"));
        assert!(state(&["05:31-06:00"], SAT_0530 + 60).open);
    }
}
