//! SQL text helpers: identifier quoting and literal escaping.
//!
//! Every identifier the planner emits goes through [`quote_ident`] (always double-quoted, so
//! capitals, hyphens, spaces, quotes and non-ASCII characters survive unchanged) and every
//! literal through [`quote_literal`]. Names are checked with [`check_identifier`] before they
//! reach the planner's output, so that what the server stores is exactly what was asked for.

/// PostgreSQL's `NAMEDATALEN - 1`: longer identifiers are silently truncated by the server,
/// which would make the plan never converge, so they are refused instead.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Why a name cannot be used as a PostgreSQL identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("name is empty")]
    Empty,
    #[error("name is {len} bytes long; PostgreSQL allows at most {MAX_IDENTIFIER_BYTES}")]
    TooLong { len: usize },
    #[error("name contains a NUL character")]
    Nul,
}

/// Checks that `name` is usable verbatim as a (quoted) identifier.
pub fn check_identifier(name: &str) -> Result<(), IdentifierError> {
    if name.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if name.contains('\0') {
        return Err(IdentifierError::Nul);
    }
    if name.len() > MAX_IDENTIFIER_BYTES {
        return Err(IdentifierError::TooLong { len: name.len() });
    }
    Ok(())
}

/// Quotes an identifier: `a"b` becomes `"a""b"`. Always quotes, so case and every character are
/// preserved. A NUL (which [`check_identifier`] refuses) is dropped rather than emitted.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\"\""),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Quotes a string literal. Quotes are doubled; a value with a backslash is written as an
/// escape string (`E'…'` with doubled backslashes), so the result means the same whatever
/// `standard_conforming_strings` is. A NUL cannot be part of a text value and is dropped.
pub fn quote_literal(value: &str) -> String {
    let escape = value.contains('\\');
    let mut out = String::with_capacity(value.len() + 3);
    if escape {
        out.push('E');
    }
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A comma-separated list of quoted identifiers.
pub fn quote_ident_list<I, S>(names: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, n) in names.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote_ident(n.as_ref()));
    }
    out
}

/// Parses a list-valued setting as PostgreSQL stores it in `pg_db_role_setting`
/// (`"$user", data, "My Schema"`) into its elements. Unquoted elements are lower-cased, as the
/// server does; quoted ones keep their text with `""` unescaped.
pub fn parse_identifier_list(value: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut item = String::new();
        match chars.peek() {
            None => {
                if out.is_empty() {
                    return Some(out);
                }
                return None; // trailing comma
            }
            Some('"') => {
                chars.next();
                loop {
                    match chars.next() {
                        None => return None,
                        Some('"') => {
                            if chars.peek() == Some(&'"') {
                                chars.next();
                                item.push('"');
                            } else {
                                break;
                            }
                        }
                        Some(c) => item.push(c),
                    }
                }
            }
            Some(_) => {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c.is_whitespace() {
                        break;
                    }
                    item.extend(c.to_lowercase());
                    chars.next();
                }
            }
        }
        out.push(item);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(out),
            Some(',') => continue,
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_quoted() {
        assert_eq!(quote_ident("foo"), r#""foo""#);
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
        assert_eq!(quote_ident("My DB-ä"), r#""My DB-ä""#);
        assert_eq!(quote_ident_list(["a", "B"]), r#""a", "B""#);
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal(r"a\b'"), r"E'a\\b'''");
    }

    #[test]
    fn identifier_checks() {
        assert_eq!(check_identifier(""), Err(IdentifierError::Empty));
        assert_eq!(check_identifier("a\0"), Err(IdentifierError::Nul));
        assert_eq!(
            check_identifier(&"x".repeat(64)),
            Err(IdentifierError::TooLong { len: 64 })
        );
        assert_eq!(check_identifier(&"é".repeat(31)), Ok(()));
        assert!(check_identifier(&"é".repeat(32)).is_err());
    }

    #[test]
    fn identifier_lists_parse_like_the_server_stores_them() {
        assert_eq!(
            parse_identifier_list(r#""$user", data, "My ""X""""#),
            Some(vec!["$user".into(), "data".into(), r#"My "X""#.into()])
        );
        assert_eq!(
            parse_identifier_list("A,b"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(parse_identifier_list(""), Some(vec![]));
        assert_eq!(parse_identifier_list(r#""unterminated"#), None);
        assert_eq!(parse_identifier_list("a,"), None);
    }
}
