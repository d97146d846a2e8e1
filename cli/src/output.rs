//! Output rendering in one place: kubectl-style tables, JSON, YAML and names.

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::ui::{Tone, Ui};

/// The `-o name` form of a postgresql resource.
pub fn pg_name(name: &str) -> String {
    format!("postgresql.acid.zalan.do/{name}")
}

/// A cell of a table: text and how it is coloured at a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Styled {
    pub text: String,
    pub tone: Tone,
}

impl Styled {
    pub fn new(text: impl Into<String>, tone: Tone) -> Self {
        Styled {
            text: text.into(),
            tone,
        }
    }
}

impl From<String> for Styled {
    fn from(text: String) -> Self {
        Styled::new(text, Tone::Plain)
    }
}

impl From<&str> for Styled {
    fn from(text: &str) -> Self {
        Styled::new(text, Tone::Plain)
    }
}

/// A kubectl-style table: upper-case headers, columns three spaces apart, no borders, no
/// wrapping, no trailing spaces; colour only when `ui.color`.
pub fn table(ui: &Ui, headers: &[&str], rows: &[Vec<Styled>]) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if ui.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(headers.iter().map(|h| Cell::new(*h)));
    for row in rows {
        table.add_row(row.iter().map(|cell| {
            let c = Cell::new(&cell.text).set_alignment(CellAlignment::Left);
            if !ui.color {
                return c;
            }
            match cell.tone {
                Tone::Plain => c,
                Tone::Good => c.fg(Color::Green),
                Tone::Warn => c.fg(Color::Yellow),
                Tone::Bad => c.fg(Color::Red),
                Tone::Dim => c.fg(Color::DarkGrey),
                Tone::Bold => c.add_attribute(comfy_table::Attribute::Bold),
            }
        }));
    }
    let columns = headers.len();
    for (i, column) in table.column_iter_mut().enumerate() {
        let right = if i + 1 == columns { 0 } else { 3 };
        column.set_padding((0, right));
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?))
}

/// YAML (without a document marker).
pub fn yaml<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}

/// An object as read from the API server, without the noise a person or a script does not
/// want: `metadata.managedFields`.
pub fn clean_object(mut value: Value) -> Value {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
    value
}

/// A `kind: List` of objects, as kubectl prints several.
pub fn list_of(items: Vec<Value>) -> Value {
    serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items})
}

/// kubectl's short age: `45s`, `12m`, `3h`, `5d`, `2y`.
pub fn age(since: Option<&Timestamp>, now: Timestamp) -> String {
    let Some(since) = since else {
        return "<unknown>".to_string();
    };
    let seconds = now.as_second().saturating_sub(since.as_second()).max(0);
    short_duration(seconds as u64)
}

/// A duration in seconds in kubectl's short form.
/// Bytes in binary units, one decimal: `512B`, `50.0MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes}B")
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

pub fn short_duration(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 3600 * 3 => {
            let (m, s) = (s / 60, s % 60);
            if s == 0 || m >= 10 {
                format!("{m}m")
            } else {
                format!("{m}m{s}s")
            }
        }
        s if s < 86400 * 2 => {
            let (h, m) = (s / 3600, (s % 3600) / 60);
            if m == 0 || h >= 8 {
                format!("{h}h")
            } else {
                format!("{h}h{m}m")
            }
        }
        s if s < 86400 * 365 * 2 => format!("{}d", s / 86400),
        s => format!("{}y", s / (86400 * 365)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_kubectl_like_and_plain_off_a_terminal() {
        let ui = Ui::plain();
        let rows = vec![
            vec![Styled::from("acid-foo"), Styled::new("Running", Tone::Good)],
            vec![
                Styled::from("acid-longer-name"),
                Styled::new("Creating", Tone::Warn),
            ],
        ];
        let out = table(&ui, &["NAME", "STATUS"], &rows);
        assert_eq!(
            out,
            "NAME               STATUS\nacid-foo           Running\nacid-longer-name   Creating\n"
        );
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn tables_are_coloured_when_asked() {
        let ui = Ui {
            color: true,
            ..Ui::plain()
        };
        let rows = vec![vec![Styled::new("Running", Tone::Good)]];
        let out = table(&ui, &["STATUS"], &rows);
        assert!(out.contains("\x1b["), "{out:?}");
    }

    #[test]
    fn json_yaml_and_names() {
        let value = serde_json::json!({"metadata": {"name": "a", "managedFields": [1]}});
        let clean = clean_object(value);
        assert_eq!(
            json(&clean).expect("json"),
            "{\n  \"metadata\": {\n    \"name\": \"a\"\n  }\n}\n"
        );
        assert_eq!(yaml(&clean).expect("yaml"), "metadata:\n  name: a\n");
        assert_eq!(pg_name("acid-foo"), "postgresql.acid.zalan.do/acid-foo");
        let list = list_of(vec![clean]);
        assert_eq!(list["kind"], "List");
    }

    #[test]
    fn ages() {
        assert_eq!(short_duration(5), "5s");
        assert_eq!(short_duration(150), "2m30s");
        assert_eq!(short_duration(900), "15m");
        assert_eq!(short_duration(3 * 3600 + 600), "3h10m");
        assert_eq!(short_duration(10 * 3600), "10h");
        assert_eq!(short_duration(3 * 86400), "3d");
        assert_eq!(short_duration(800 * 86400), "2y");
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().expect("ts");
        let then: Timestamp = "2026-01-01T00:00:00Z".parse().expect("ts");
        assert_eq!(age(Some(&then), now), "10m");
        assert_eq!(age(None, now), "<unknown>");
    }
}
