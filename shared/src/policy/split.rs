//! Splitting SQL text into statements at the semicolons outside quotes, dollar quotes and
//! comments, as psql does, for policies that run statement by statement (`CREATE DATABASE`,
//! `VACUUM` and `… CONCURRENTLY` refuse a transaction block, and several statements in one
//! simple query are one). Not handled: SQL-standard function bodies (`BEGIN ATOMIC … END`),
//! whose inner semicolons split; such a policy runs as a transaction, which needs no split.

/// The statements of `sql`, each trimmed and without its semicolon; a piece with nothing but
/// comments and whitespace is dropped.
pub fn split(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut substance = false;
    let mut i = 0;
    let push = |statements: &mut Vec<String>, from: usize, to: usize, substance: bool| {
        if substance {
            let text: String = chars[from..to].iter().collect();
            statements.push(text.trim().to_string());
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '-' if next == Some('-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                let mut depth = 0usize;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            '\'' => {
                let escapes = i > 0
                    && matches!(chars[i - 1], 'e' | 'E')
                    && (i < 2 || !is_identifier(chars[i - 2]));
                substance = true;
                i = skip_quoted(&chars, i, '\'', escapes);
                continue;
            }
            '"' => {
                substance = true;
                i = skip_quoted(&chars, i, '"', false);
                continue;
            }
            '$' if i == 0 || !is_identifier(chars[i - 1]) => {
                if let Some(tag) = dollar_tag(&chars, i) {
                    substance = true;
                    i = skip_dollar(&chars, i, &tag);
                    continue;
                }
                substance = true;
            }
            ';' => {
                push(&mut statements, start, i, substance);
                start = i + 1;
                substance = false;
            }
            c if !c.is_whitespace() => substance = true,
            _ => {}
        }
        i += 1;
    }
    push(&mut statements, start, chars.len(), substance);
    statements
}

fn is_identifier(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The index after the quoted text that opens at `open` (doubled quotes stay inside; with
/// `escapes`, a backslash escapes the next character). Unterminated: the end.
fn skip_quoted(chars: &[char], open: usize, quote: char, escapes: bool) -> usize {
    let mut i = open + 1;
    while i < chars.len() {
        if escapes && chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// The tag of the dollar quote that opens at `at` (`$$` → "", `$fn$` → "fn"); `None` for a
/// parameter (`$1`) or a lone dollar.
fn dollar_tag(chars: &[char], at: usize) -> Option<String> {
    let mut tag = String::new();
    for (n, &c) in chars[at + 1..].iter().enumerate() {
        if c == '$' {
            return Some(tag);
        }
        let allowed = c.is_alphabetic() || c == '_' || (n > 0 && c.is_ascii_digit());
        if !allowed {
            return None;
        }
        tag.push(c);
    }
    None
}

/// The index after the dollar-quoted text with `tag` that opens at `open`.
fn skip_dollar(chars: &[char], open: usize, tag: &str) -> usize {
    let delimiter: Vec<char> = format!("${tag}$").chars().collect();
    let mut i = open + delimiter.len();
    while i + delimiter.len() <= chars.len() {
        if chars[i..i + delimiter.len()] == delimiter[..] {
            return i + delimiter.len();
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn semicolons_split_outside_quotes_and_comments() {
        assert_eq!(
            split("create database a; vacuum analyze;\n\nselect 1"),
            ["create database a", "vacuum analyze", "select 1"]
        );
        assert_eq!(
            split("select 'a;b', \"c;d\", 'it''s;'; select 2;"),
            ["select 'a;b', \"c;d\", 'it''s;'", "select 2"]
        );
        assert_eq!(
            split("select E'a\\';b'; select 3"),
            ["select E'a\\';b'", "select 3"]
        );
        assert_eq!(
            split("-- a; comment\nselect 1; /* x; /* nested; */ y; */ select 2;"),
            [
                "-- a; comment\nselect 1",
                "/* x; /* nested; */ y; */ select 2"
            ]
        );
    }

    #[test]
    fn dollar_quotes_hold_function_bodies() {
        let sql = "create function f() returns int as $body$ begin return 1; end; $body$ language plpgsql;\n\
                   do $$ begin perform 1; end $$;\nselect $1::int";
        assert_eq!(
            split(sql),
            [
                "create function f() returns int as $body$ begin return 1; end; $body$ language plpgsql",
                "do $$ begin perform 1; end $$",
                "select $1::int",
            ]
        );
        // A dollar inside an identifier opens nothing.
        assert_eq!(split("select a$b; select 2"), ["select a$b", "select 2"]);
    }

    #[test]
    fn pieces_with_only_comments_or_blanks_are_dropped() {
        assert!(split(" ; -- nothing\n; /* */ ;").is_empty());
        assert_eq!(split("select 1;;  ;"), ["select 1"]);
        // Unterminated quotes run to the end (the server reports the error).
        assert_eq!(split("select 'a; b"), ["select 'a; b"]);
    }
}
