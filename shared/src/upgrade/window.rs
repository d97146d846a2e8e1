//! `spec.maintenanceWindows`: `HH:MM-HH:MM` (every day) or `Ddd:HH:MM-[Ddd:]HH:MM` (a day of the
//! week, possibly ending on another day), in UTC, as the reference operator reads them. A
//! window whose end is before its start runs over midnight (or over the week's end).

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
    let minutes = unix_seconds.div_euclid(60);
    // 1970-01-01 was a Thursday: day 3 of a week starting on Monday.
    let week_minute =
        ((minutes + 3 * i64::from(DAY_MINUTES)).rem_euclid(i64::from(WEEK_MINUTES))) as u32;
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
