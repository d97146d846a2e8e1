//! What `pgctl test` concludes from one connection: the server's role against the role its pod
//! is labelled with or its Service promises, and a replica's lag behind the master in bytes of
//! WAL. Pure; the CLI connects.

/// The role a server plays: `replica` in recovery, else `master`.
pub fn role(in_recovery: bool) -> &'static str {
    if in_recovery { "replica" } else { "master" }
}

/// Why the server's role is not the `expected` one (a pod's role label, a Service's role).
pub fn role_problem(expected: Option<&str>, in_recovery: bool) -> Option<String> {
    let actual = role(in_recovery);
    match expected {
        Some(expected) if expected != actual => {
            Some(format!("labelled {expected}, but the server is a {actual}"))
        }
        None => Some(format!("no role label, the server is a {actual}")),
        _ => None,
    }
}

/// A WAL position as PostgreSQL prints it (`16/B374D848`), in bytes.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.trim().split_once('/')?;
    let high = u64::from_str_radix(high, 16).ok()?;
    let low = u64::from_str_radix(low, 16).ok()?;
    (high <= u32::MAX as u64 && low <= u32::MAX as u64).then_some((high << 32) | low)
}

/// How far a replica that replayed up to `replayed` is behind a master at `current`, in bytes
/// (0 when it reports a later position, read a moment after the master's).
pub fn lag_bytes(current: &str, replayed: &str) -> Option<u64> {
    Some(parse_lsn(current)?.saturating_sub(parse_lsn(replayed)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_lag() {
        assert_eq!(parse_lsn("0/3000060"), Some(0x3000060));
        assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374D848));
        assert_eq!(parse_lsn("nonsense"), None);
        assert_eq!(parse_lsn("1/"), None);
        assert_eq!(lag_bytes("0/3000100", "0/3000060"), Some(0xA0));
        assert_eq!(lag_bytes("0/3000060", "0/3000100"), Some(0));
    }

    #[test]
    fn roles_are_checked_against_labels() {
        assert_eq!(role_problem(Some("master"), false), None);
        assert_eq!(role_problem(Some("replica"), true), None);
        assert_eq!(
            role_problem(Some("master"), true).as_deref(),
            Some("labelled master, but the server is a replica")
        );
        assert!(role_problem(None, true).is_some());
    }
}
