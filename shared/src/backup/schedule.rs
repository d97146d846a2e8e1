//! Spilo's base backup schedule (`BACKUP_SCHEDULE`, a five-field cron line, UTC): the longest
//! time between two of its runs, which [`super::judge`] allows twice before it calls the last
//! base backup too old.
//!
//! Cron's rules: minute, hour, day of month, month, day of week (0 or 7 Sunday); each field `*`,
//! a number, a range `a-b`, a list `a,b`, each with an optional step `/n`; when both day fields
//! are restricted, a day matching either runs. Names (`MON`, `JAN`) and `@daily` are refused,
//! as the local data plane refuses them (docs/backups.md).

use std::time::Duration;

/// Spilo's `BACKUP_SCHEDULE` when the pods set none.
pub const SPILO_DEFAULT: &str = "0 1 * * *";

/// One field: the values it matches.
#[derive(Debug, Clone)]
struct Field {
    allowed: Vec<bool>,
    /// `*` (or `*/1`): matters for the two day fields.
    any: bool,
}

fn field(text: &str, min: u32, max: u32, what: &str) -> Result<Field, String> {
    let mut allowed = vec![false; (max + 1) as usize];
    let mut any = false;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{what}: step {step:?} is not a positive number"))?;
                (range, step)
            }
            None => (part, 1),
        };
        let number = |t: &str| -> Result<u32, String> {
            t.parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("{what}: {t:?} is not a number from {min} to {max}"))
        };
        let (from, to) = if range == "*" {
            if step == 1 {
                any = true;
            }
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (number(a)?, number(b)?);
            if a > b {
                return Err(format!("{what}: the range {range:?} runs backwards"));
            }
            (a, b)
        } else {
            let n = number(range)?;
            // `5/15` is `5-max/15`, as cron reads it.
            (n, if part.contains('/') { max } else { n })
        };
        let mut n = from;
        while n <= to {
            allowed[n as usize] = true;
            n += step;
        }
    }
    Ok(Field { allowed, any })
}

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    minute: Field,
    hour: Field,
    day: Field,
    month: Field,
    weekday: Field,
}

impl Schedule {
    /// Parses a five-field cron line.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [minute, hour, day, month, weekday] = fields[..] else {
            return Err(format!(
                "{text:?} is not a five-field cron schedule (minute hour day-of-month month day-of-week)"
            ));
        };
        let mut weekday = field(weekday, 0, 7, "day of week")?;
        // 7 is Sunday too.
        if weekday.allowed[7] {
            weekday.allowed[0] = true;
        }
        Ok(Schedule {
            minute: field(minute, 0, 59, "minute")?,
            hour: field(hour, 0, 23, "hour")?,
            day: field(day, 1, 31, "day of month")?,
            month: field(month, 1, 12, "month")?,
            weekday,
        })
    }

    /// Whether it runs at that minute (`weekday` 0 = Sunday).
    fn runs(&self, minute: u32, hour: u32, day: u32, month: u32, weekday: u32) -> bool {
        at(&self.minute, minute) && at(&self.hour, hour) && self.runs_on(day, month, weekday)
    }

    /// Whether it runs on that day at all (cron's rule for the two day fields: either one
    /// when both are restricted).
    fn runs_on(&self, day: u32, month: u32, weekday: u32) -> bool {
        at(&self.month, month)
            && match (self.day.any, self.weekday.any) {
                (true, true) => true,
                (false, true) => at(&self.day, day),
                (true, false) => at(&self.weekday, weekday),
                (false, false) => at(&self.day, day) || at(&self.weekday, weekday),
            }
    }

    /// The longest time between two consecutive runs over the five years from 2024-01-01 (two
    /// leap years and the weekdays' cycles included); `None` when it runs fewer than twice in
    /// them (`0 0 31 2 *` never does).
    pub fn longest_interval(&self) -> Option<Duration> {
        // Minutes since 2024-01-01T00:00 UTC (a Monday), day by day.
        let mut last: Option<u64> = None;
        let mut longest = 0u64;
        let mut day_index = 0u64;
        for year in 2024..=2028u32 {
            for month in 1..=12u32 {
                for day in 1..=days_in_month(year, month) {
                    let weekday = ((day_index + 1) % 7) as u32;
                    if self.runs_on(day, month, weekday) {
                        for hour in 0..24u32 {
                            for minute in 0..60u32 {
                                if self.runs(minute, hour, day, month, weekday) {
                                    let t =
                                        day_index * 1440 + u64::from(hour) * 60 + u64::from(minute);
                                    if let Some(previous) = last {
                                        longest = longest.max(t - previous);
                                    }
                                    last = Some(t);
                                }
                            }
                        }
                    }
                    day_index += 1;
                }
            }
        }
        // Fewer than two runs in five years (`0 0 29 2 1`): nothing to judge by.
        (longest > 0).then(|| Duration::from_secs(longest * 60))
    }
}

/// [`Schedule::longest_interval`] of `text`, remembered per text (a resync asks for the same
/// few schedules again and again).
pub fn longest_interval(text: &str) -> Result<Option<Duration>, String> {
    use std::collections::BTreeMap;
    use std::sync::{LazyLock, Mutex};
    static SEEN: LazyLock<Mutex<BTreeMap<String, Option<Duration>>>> =
        LazyLock::new(|| Mutex::new(BTreeMap::new()));
    let key = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(known) = SEEN.lock().ok().and_then(|seen| seen.get(&key).copied()) {
        return Ok(known);
    }
    let interval = Schedule::parse(&key)?.longest_interval();
    if let Ok(mut seen) = SEEN.lock() {
        seen.insert(key, interval);
    }
    Ok(interval)
}

/// Whether field `f` matches `n`.
fn at(f: &Field, n: u32) -> bool {
    f.allowed.get(n as usize).copied().unwrap_or(false)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn longest(text: &str) -> Option<u64> {
        Schedule::parse(text)
            .expect("a schedule")
            .longest_interval()
            .map(|d| d.as_secs() / 60)
    }

    #[test]
    fn the_longest_interval_of_common_schedules() {
        assert_eq!(longest("* * * * *"), Some(1));
        assert_eq!(longest("*/15 * * * *"), Some(15));
        assert_eq!(longest(SPILO_DEFAULT), Some(24 * 60));
        assert_eq!(longest("0 1,13 * * *"), Some(12 * 60));
        assert_eq!(longest("0 9-17 * * 1-5"), Some(64 * 60)); // Friday 17:00 to Monday 09:00
        assert_eq!(longest("30 2 * * 0"), Some(7 * 24 * 60));
        assert_eq!(longest("30 2 * * 7"), Some(7 * 24 * 60));
        // The 1st of each month: 31 days at most.
        assert_eq!(longest("0 0 1 * *"), Some(31 * 24 * 60));
        // Either day field when both are restricted: the 1st or any Monday.
        assert!(longest("0 0 1 * 1").is_some_and(|m| m <= 7 * 24 * 60));
        // Yearly, and never.
        assert_eq!(longest("0 0 1 1 *"), Some(366 * 24 * 60));
        assert_eq!(longest("0 0 31 2 *"), None);
    }

    #[test]
    fn what_cron_refuses_is_refused_naming_the_field() {
        for (text, word) in [
            ("0 1 * *", "five-field"),
            ("60 1 * * *", "minute"),
            ("0 24 * * *", "hour"),
            ("0 1 0 * *", "day of month"),
            ("0 1 * 13 *", "month"),
            ("0 1 * * MON", "day of week"),
            ("*/0 * * * *", "step"),
            ("0 5-3 * * *", "backwards"),
        ] {
            let error = Schedule::parse(text).expect_err(text);
            assert!(error.contains(word), "{text}: {error}");
        }
    }
}
