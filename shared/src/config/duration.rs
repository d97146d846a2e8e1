//! Go-style durations as the reference operator writes them: `30m`, `10s`, `1h30m`, `500ms`,
//! `1.5h`, `5m0s`. Units are `ns`, `us` (or `µs`), `ms`, `s`, `m` and `h`; a bare `0` is zero.

use std::time::Duration;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// A unit is the whole run of non-digits after a number, so each spelling is matched exactly.
const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", NANOS_PER_SECOND),
    ("m", 60 * NANOS_PER_SECOND),
    ("h", 3_600 * NANOS_PER_SECOND),
];

/// The largest duration Go can represent (`math.MaxInt64` nanoseconds, about 292 years).
const MAX_NANOS: u128 = i64::MAX as u128;

/// Why a duration did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DurationError {
    Syntax,
    Negative,
    TooLarge,
}

/// Parses a Go duration (`time.ParseDuration` syntax) that is not negative.
pub(crate) fn parse(text: &str) -> Result<Duration, DurationError> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(DurationError::Syntax);
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_digits, after_int) = rest.split_at(int_len);
        let (frac_digits, after_number) = match after_int.strip_prefix('.') {
            Some(after_dot) => {
                let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
                after_dot.split_at(frac_len)
            }
            None => ("", after_int),
        };
        if int_digits.is_empty() && frac_digits.is_empty() {
            return Err(DurationError::Syntax);
        }
        let unit_len = after_number
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after_number.len());
        let (unit, after_unit) = after_number.split_at(unit_len);
        let scale = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, scale)| *scale)
            .ok_or(DurationError::Syntax)?;

        let whole: u128 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| DurationError::TooLarge)?
        };
        let mut nanos = whole.checked_mul(scale).ok_or(DurationError::TooLarge)?;
        // At most 18 fractional digits matter: the largest unit is 3.6e12 ns.
        let frac_digits = &frac_digits[..frac_digits.len().min(18)];
        if !frac_digits.is_empty() {
            let frac: u128 = frac_digits.parse().map_err(|_| DurationError::Syntax)?;
            nanos += frac * scale / 10u128.pow(frac_digits.len() as u32);
        }
        total = total.checked_add(nanos).ok_or(DurationError::TooLarge)?;
        if total > MAX_NANOS {
            return Err(DurationError::TooLarge);
        }
        rest = after_unit;
    }
    if negative && total > 0 {
        return Err(DurationError::Negative);
    }
    // `total` is at most i64::MAX, so it fits in u64.
    Ok(Duration::from_nanos(
        u64::try_from(total).map_err(|_| DurationError::TooLarge)?,
    ))
}

/// Renders a duration compactly (`30m`, `1h30m`, `1s500ms`, `0s`); [`parse`] reads it back
/// exactly, and so does Go.
pub(crate) fn render(duration: Duration) -> String {
    let mut nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    for (unit, size) in [
        ("h", 3_600 * NANOS_PER_SECOND),
        ("m", 60 * NANOS_PER_SECOND),
        ("s", NANOS_PER_SECOND),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("ns", 1),
    ] {
        let count = nanos / size;
        if count > 0 {
            out.push_str(&format!("{count}{unit}"));
            nanos -= count * size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
            ("10s", Duration::from_secs(10)),
            ("30m", Duration::from_secs(1800)),
            ("1h30m", Duration::from_secs(5400)),
            ("5m0s", Duration::from_secs(300)),
            ("500ms", Duration::from_millis(500)),
            ("1.5h", Duration::from_secs(5400)),
            (".5s", Duration::from_millis(500)),
            ("1.s", Duration::from_secs(1)),
            ("+2s", Duration::from_secs(2)),
            ("1us", Duration::from_micros(1)),
            ("1µs", Duration::from_micros(1)),
            ("3ns", Duration::from_nanos(3)),
            ("1h1m1s1ms1us1ns", Duration::from_nanos(3_661_001_001_001)),
            ("-0s", Duration::ZERO),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn rejects_bad_durations() {
        for text in [
            "",
            "30",
            "30 minutes",
            "m",
            "1d",
            "1.5",
            "s10",
            "1h 30m",
            ".s",
            "-",
        ] {
            assert_eq!(parse(text), Err(DurationError::Syntax), "{text}");
        }
        assert_eq!(parse("-5m"), Err(DurationError::Negative));
        assert_eq!(parse("3000000h"), Err(DurationError::TooLarge));
        assert_eq!(
            parse("99999999999999999999999999999999999999999h"),
            Err(DurationError::TooLarge)
        );
    }

    #[test]
    fn renders_and_reads_back() {
        for text in [
            "0s", "1s", "30m", "1h30m", "1s500ms", "2h0m3s", "1ns", "1.25h",
        ] {
            let duration = parse(text).expect("valid");
            assert_eq!(parse(&render(duration)), Ok(duration), "{text}");
        }
        assert_eq!(render(Duration::from_secs(5400)), "1h30m");
        assert_eq!(render(Duration::from_millis(1500)), "1s500ms");
    }
}
