//! Kubernetes' syntax of label keys and values, checked before a request is sent (the API
//! server refuses the whole object otherwise): a key is an optional DNS-subdomain prefix and
//! `/`, then a name of at most 63 characters; a value is empty or such a name.

/// A name part: 1–63 characters, alphanumeric at both ends, `-`, `_`, `.` inside.
fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 63 {
        return Some(format!("{name:?} must have 1 to 63 characters"));
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let inner = |c: char| alnum(c) || matches!(c, '-' | '_' | '.');
    let ends = name.starts_with(alnum) && name.ends_with(alnum);
    if !ends || !name.chars().all(inner) {
        return Some(format!(
            "{name:?} must consist of letters, digits, '-', '_' or '.', and begin and end with a letter or digit"
        ));
    }
    None
}

/// Why `key` is no label key, if it is none.
pub fn key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let label = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && l.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if prefix.len() > 253 || !prefix.split('.').all(label) {
            return Some(format!(
                "the prefix {prefix:?} of {key:?} must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)"
            ));
        }
    }
    name_problem(name).map(|p| format!("label key {key:?}: {p}"))
}

/// Why `value` is no label value, if it is none.
pub fn value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    name_problem(value).map(|p| format!("label value {value:?}: {p}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_follow_kubernetes() {
        for good in ["team", "example.com/tier", "a_b.c-d", "x"] {
            assert_eq!(key_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "-team",
            "team-",
            "Example.com/x",
            "a/b/c",
            "sp ace",
            &"k".repeat(64),
        ] {
            assert!(key_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(value_problem(""), None);
        assert_eq!(value_problem("prod-1"), None);
        assert!(value_problem("a b").is_some());
        assert!(value_problem("x.").is_some());
    }
}
