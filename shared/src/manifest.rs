//! Reading `postgresql` manifests: YAML streams of documents, strict about unknown fields.
//!
//! A document is first read as an untyped value (so duplicate keys and YAML syntax errors are
//! reported with their position), then deserialised into [`Postgresql`] while recording every
//! field the types do not know. Status blocks and server-set metadata are accepted and ignored.

use serde::Deserialize;

use crate::crd::{GROUP, KIND, Postgresql, VERSION};

/// Why a document could not be turned into a [`Postgresql`].
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ManifestError {
    /// The text is not valid YAML (including duplicate mapping keys).
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// A field has the wrong type or a required field is missing.
    #[error("{path}: {message}")]
    Field { path: String, message: String },
}

/// One document of a manifest stream.
#[derive(Debug)]
pub struct Document {
    /// Position of the document in the stream, starting at 1.
    pub index: usize,
    /// What the document holds.
    pub content: DocumentContent,
}

/// The content of one document.
#[derive(Debug)]
pub enum DocumentContent {
    /// A `postgresql` resource that deserialised.
    Postgresql(Box<ParsedPostgresql>),
    /// A `postgresql` resource that could not be deserialised; `name` is its
    /// `metadata.name` when one could be read.
    Invalid {
        name: Option<String>,
        error: ManifestError,
    },
    /// A document of another kind, passed over.
    Other { api_version: String, kind: String },
    /// An empty document (`---` with nothing after it).
    Empty,
}

/// A deserialised `postgresql` resource plus the fields it had that the types do not know.
#[derive(Debug)]
pub struct ParsedPostgresql {
    pub resource: Postgresql,
    /// Paths of unknown fields, e.g. `spec.numberOfInstance`.
    pub unknown_fields: Vec<String>,
}

/// Splits a YAML stream into documents and parses each.
///
/// A syntax error in one document stops the stream (YAML offers no resynchronisation), and is
/// returned as the error of that document.
pub fn parse_stream(text: &str) -> Vec<Document> {
    let mut documents = Vec::new();
    for (i, de) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let index = i + 1;
        let content = match serde_yaml::Value::deserialize(de) {
            Ok(serde_yaml::Value::Null) => DocumentContent::Empty,
            Ok(value) => match yaml_to_json(value) {
                Ok(json) => classify(json),
                Err(error) => DocumentContent::Invalid { name: None, error },
            },
            Err(e) => {
                documents.push(Document {
                    index,
                    content: DocumentContent::Invalid {
                        name: None,
                        error: ManifestError::Yaml(e.to_string()),
                    },
                });
                break;
            }
        };
        documents.push(Document { index, content });
    }
    documents
}

/// Parses one object as read from the API server or a file (already JSON).
pub fn parse_value(value: serde_json::Value) -> DocumentContent {
    classify(value)
}

fn classify(value: serde_json::Value) -> DocumentContent {
    let api_version = value
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let kind = value
        .get("kind")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    if api_version != format!("{GROUP}/{VERSION}") || kind != KIND {
        return DocumentContent::Other { api_version, kind };
    }
    let name = value
        .pointer("/metadata/name")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    match parse_postgresql(value) {
        Ok(parsed) => DocumentContent::Postgresql(Box::new(parsed)),
        Err(error) => DocumentContent::Invalid { name, error },
    }
}

/// Deserialises a `postgresql` object strictly: type errors carry their field path, and
/// unknown fields are collected. The status block is dropped unread.
pub fn parse_postgresql(mut value: serde_json::Value) -> Result<ParsedPostgresql, ManifestError> {
    if let Some(object) = value.as_object_mut() {
        object.remove("status");
    }
    let mut unknown_fields = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown_fields.push(path.to_string());
    let ignoring = serde_ignored::Deserializer::new(value, &mut record);
    let resource: Postgresql = serde_path_to_error::deserialize(ignoring).map_err(|e| {
        let message = e.inner().to_string();
        ManifestError::Field {
            path: missing_field_path(&e.path().to_string(), &message),
            message,
        }
    })?;
    // `apiVersion` and `kind` are read by `classify` and written back by the generated type.
    unknown_fields.retain(|path| path != "apiVersion" && path != "kind");
    Ok(ParsedPostgresql {
        resource,
        unknown_fields,
    })
}

/// The path of an error: a missing field is reported at its own path (`spec.teamId`), not at
/// the object that lacks it (`spec`).
fn missing_field_path(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match missing {
        Some(field) if path == "." || path.is_empty() => field.to_string(),
        Some(field) => format!("{path}.{field}"),
        None => display_path(path),
    }
}

/// `serde_path_to_error` prints `.` for the root; keep field paths readable.
fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "(document)".to_string()
    } else {
        path.to_string()
    }
}

/// Converts a YAML value into JSON, refusing what JSON cannot hold (non-string keys,
/// YAML tags), so that files behave exactly as objects read from the API server.
pub fn yaml_to_json(value: serde_yaml::Value) -> Result<serde_json::Value, ManifestError> {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .ok_or_else(|| {
                        ManifestError::Yaml(format!("number {n} cannot be represented"))
                    })?
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(ManifestError::Yaml(format!(
                            "mapping key {other:?} is not a string"
                        )));
                    }
                };
                object.insert(key, yaml_to_json(v)?);
            }
            J::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(ManifestError::Yaml(format!(
                "YAML tag {} is not supported",
                tagged.tag
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: acid-x
spec:
  teamId: acid
  numberOfInstances: 1
  volume: {size: 1Gi}
  postgresql: {version: "17"}
"#;

    fn only(text: &str) -> DocumentContent {
        let mut docs = parse_stream(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        docs.remove(0).content
    }

    #[test]
    fn parses_a_minimal_manifest_without_unknown_fields() {
        match only(MINIMAL) {
            DocumentContent::Postgresql(p) => {
                assert_eq!(p.resource.spec.number_of_instances, 1);
                assert!(p.unknown_fields.is_empty(), "{:?}", p.unknown_fields);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn reports_unknown_fields_with_their_path() {
        let text = MINIMAL.replace(
            "numberOfInstances: 1",
            "numberOfInstances: 1\n  numberOfInstance: 2",
        );
        match only(&text) {
            DocumentContent::Postgresql(p) => {
                assert_eq!(p.unknown_fields, vec!["spec.numberOfInstance".to_string()]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn type_errors_name_the_field() {
        let text = MINIMAL.replace("numberOfInstances: 1", "numberOfInstances: two");
        match only(&text) {
            DocumentContent::Invalid { name, error } => {
                assert_eq!(name.as_deref(), Some("acid-x"));
                let ManifestError::Field { path, .. } = error else {
                    panic!("{error:?}")
                };
                assert_eq!(path, "spec.numberOfInstances");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_yaml_errors() {
        let text = MINIMAL.replace("teamId: acid", "teamId: acid\n  teamId: other");
        match only(&text) {
            DocumentContent::Invalid {
                error: ManifestError::Yaml(message),
                ..
            } => assert!(message.contains("duplicate"), "{message}"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn status_and_server_metadata_are_ignored() {
        let text = MINIMAL.replace(
            "  name: acid-x\n",
            "  name: acid-x\n  uid: 5f2c\n  resourceVersion: \"42\"\n  managedFields: [{manager: x}]\n",
        ) + "status: Running\n";
        match only(&text) {
            DocumentContent::Postgresql(p) => {
                assert!(p.unknown_fields.is_empty(), "{:?}", p.unknown_fields)
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn other_kinds_and_empty_documents_are_passed_over() {
        let docs = parse_stream("---\napiVersion: v1\nkind: ConfigMap\n---\n");
        assert!(matches!(
            &docs[0].content,
            DocumentContent::Other { kind, .. } if kind == "ConfigMap"
        ));
    }
}
