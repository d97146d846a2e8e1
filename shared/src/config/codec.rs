//! Parsing and rendering of single ConfigMap values. Each codec turns a trimmed string into a
//! typed value or an [`Invalid`] that says what was expected, and renders the value back so
//! that parsing the rendering gives the same value.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use super::duration::{self, DurationError};
use super::error::Invalid;
use super::types::{ConfigEnum, PvcRetentionPolicy, Toleration, WatchedNamespaces};

pub(crate) trait Codec {
    type Value;
    fn parse(&self, raw: &str) -> Result<Self::Value, Invalid>;
    fn render(&self, value: &Self::Value) -> String;
}

// ---------------------------------------------------------------------------------------------
// Names

/// Kinds of names a value (or a list item, or a map key) must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NameRule {
    LabelKey,
    AnnotationKey,
    /// A DNS-1123 subdomain, as most Kubernetes object names.
    ResourceName,
    /// `name` or `namespace/name`.
    NamespacedName,
    /// A CRD category: a lowercase DNS-1123 label.
    Category,
    /// A PostgreSQL role name: not empty, no whitespace or commas.
    RoleName,
    /// A Secret whose name is also a pod volume's: a DNS-1123 label.
    SecretVolume,
}

impl NameRule {
    fn noun(self) -> &'static str {
        match self {
            NameRule::LabelKey => "label key",
            NameRule::AnnotationKey => "annotation key",
            NameRule::ResourceName => "resource name",
            NameRule::NamespacedName => "object reference",
            NameRule::Category => "category",
            NameRule::RoleName => "role name",
            NameRule::SecretVolume => "Secret name usable as a volume name",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            NameRule::LabelKey => {
                r#"a Kubernetes label key such as "cluster-name" or "example.com/team""#
            }
            NameRule::AnnotationKey => {
                r#"a Kubernetes annotation key such as "delete-date" or "example.com/owner""#
            }
            NameRule::ResourceName => {
                r#"a Kubernetes name of lowercase letters, digits, "-" and "." such as "postgres-pod""#
            }
            NameRule::NamespacedName => r#"a name such as "pod-env" or "namespace/name""#,
            NameRule::Category => r#"a lowercase word such as "all""#,
            NameRule::RoleName => r#"a role name without spaces or commas such as "admin""#,
            NameRule::SecretVolume => {
                r#"a Secret name of lowercase letters, digits and "-" (no "."), such as "aws-credentials""#
            }
        }
    }

    fn list_expected(self) -> &'static str {
        match self {
            NameRule::LabelKey => r#"comma-separated label keys, e.g. "application,environment""#,
            NameRule::AnnotationKey => {
                r#"comma-separated annotation keys, e.g. "owned-by,example.com/cost-center""#
            }
            NameRule::Category => r#"comma-separated lowercase words, e.g. "all""#,
            NameRule::RoleName => r#"comma-separated role names, e.g. "admin,cron_admin""#,
            NameRule::ResourceName | NameRule::NamespacedName | NameRule::SecretVolume => {
                r#"comma-separated names, e.g. "a,b""#
            }
        }
    }

    fn is_valid(self, text: &str) -> bool {
        match self {
            NameRule::LabelKey | NameRule::AnnotationKey => is_qualified_name(text),
            NameRule::ResourceName => is_dns_subdomain(text),
            NameRule::NamespacedName => match text.split_once('/') {
                Some((namespace, name)) => is_dns_label(namespace) && is_dns_subdomain(name),
                None => is_dns_subdomain(text),
            },
            NameRule::Category | NameRule::SecretVolume => is_dns_label(text),
            NameRule::RoleName => {
                !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c == ',')
            }
        }
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub(crate) fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// Dot-separated DNS labels, at most 253 characters.
pub(crate) fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, then a label name.
pub(crate) fn is_qualified_name(text: &str) -> bool {
    match text.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_name(name),
        None => is_label_name(text),
    }
}

/// A label value: empty or a label name.
fn is_label_value(text: &str) -> bool {
    text.is_empty() || is_label_name(text)
}

// ---------------------------------------------------------------------------------------------
// Scalars

/// Any string, including the empty one.
pub(crate) struct Text;

impl Codec for Text {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        Ok(raw.to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

/// A string that must not be empty.
pub(crate) struct Required {
    pub what: &'static str,
    pub expected: &'static str,
}

impl Codec for Required {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        if raw.is_empty() {
            return Err(Invalid::new(self.what, self.expected).because("must not be empty"));
        }
        Ok(raw.to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

/// A single name checked against a [`NameRule`].
pub(crate) struct Name(pub NameRule);

impl Codec for Name {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        let rule = self.0;
        if raw.is_empty() {
            return Err(Invalid::new(rule.noun(), rule.expected()).because("must not be empty"));
        }
        if !rule.is_valid(raw) {
            return Err(Invalid::new(rule.noun(), rule.expected()));
        }
        Ok(raw.to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

/// An optional value: empty means `None`.
pub(crate) struct Opt<C>(pub C);

impl<C: Codec> Codec for Opt<C> {
    type Value = Option<C::Value>;
    fn parse(&self, raw: &str) -> Result<Self::Value, Invalid> {
        if raw.is_empty() {
            Ok(None)
        } else {
            self.0.parse(raw).map(Some)
        }
    }
    fn render(&self, value: &Self::Value) -> String {
        value.as_ref().map(|v| self.0.render(v)).unwrap_or_default()
    }
}

/// `true` or `false`, in any case.
pub(crate) struct Bool;

impl Codec for Bool {
    type Value = bool;
    fn parse(&self, raw: &str) -> Result<bool, Invalid> {
        if raw.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if raw.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(Invalid::new("boolean", r#""true" or "false""#))
        }
    }
    fn render(&self, value: &bool) -> String {
        value.to_string()
    }
}

/// A whole number not below `min`.
pub(crate) struct Int<T> {
    pub min: T,
}

impl<T> Codec for Int<T>
where
    T: FromStr + PartialOrd + Copy + std::fmt::Display,
{
    type Value = T;
    fn parse(&self, raw: &str) -> Result<T, Invalid> {
        let expected = format!("a whole number >= {}", self.min);
        let digits = raw.strip_prefix('+').unwrap_or(raw);
        let value: T = digits
            .parse()
            .map_err(|_| Invalid::new("integer", expected.clone()))?;
        if value < self.min {
            return Err(Invalid::new("integer", expected).because("too small"));
        }
        Ok(value)
    }
    fn render(&self, value: &T) -> String {
        value.to_string()
    }
}

/// A Go duration; zero only when `allow_zero`.
pub(crate) struct Dur {
    pub allow_zero: bool,
}

const DURATION_EXPECTED: &str = r#"e.g. "30m", "10s", "1h30m""#;

impl Codec for Dur {
    type Value = Duration;
    fn parse(&self, raw: &str) -> Result<Duration, Invalid> {
        let invalid = || Invalid::new("duration", DURATION_EXPECTED);
        match duration::parse(raw) {
            Ok(d) if d.is_zero() && !self.allow_zero => {
                Err(invalid().because("must be greater than zero"))
            }
            Ok(d) => Ok(d),
            Err(DurationError::Syntax) => Err(invalid()),
            Err(DurationError::Negative) => Err(invalid().because("must not be negative")),
            Err(DurationError::TooLarge) => {
                Err(invalid().because("too large (at most about 292 years)"))
            }
        }
    }
    fn render(&self, value: &Duration) -> String {
        duration::render(*value)
    }
}

/// A Kubernetes quantity without a sign: `100m`, `1`, `0.5`, `500Mi`, `2Gi`, `1e3`.
pub(crate) struct Quantity;

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$")
        .expect("the quantity pattern is a valid regex")
});

impl Codec for Quantity {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        if !QUANTITY.is_match(raw) {
            return Err(Invalid::new(
                "quantity",
                r#"a Kubernetes quantity such as "100m", "1", "500Mi", "2Gi""#,
            ));
        }
        Ok(raw.to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

/// One of the values of a [`ConfigEnum`], in any case.
pub(crate) struct Choice<T>(pub PhantomData<T>);

impl<T: ConfigEnum> Codec for Choice<T> {
    type Value = T;
    fn parse(&self, raw: &str) -> Result<T, Invalid> {
        T::CHOICES
            .iter()
            .find(|(spelling, _)| spelling.eq_ignore_ascii_case(raw))
            .map(|(_, value)| *value)
            .ok_or_else(|| Invalid::new(T::WHAT, one_of(T::CHOICES.iter().map(|(s, _)| *s))))
    }
    fn render(&self, value: &T) -> String {
        value.spelling().to_string()
    }
}

fn one_of<'a>(choices: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = choices.map(|c| format!("{c:?}")).collect();
    format!("one of {}", quoted.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Lists and maps

/// Non-empty, trimmed items of a comma-separated list.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// A comma-separated list of names; empty items are skipped.
pub(crate) struct List(pub NameRule);

impl Codec for List {
    type Value = Vec<String>;
    fn parse(&self, raw: &str) -> Result<Vec<String>, Invalid> {
        let rule = self.0;
        let mut out: Vec<String> = Vec::new();
        for item in items(raw) {
            if !rule.is_valid(item) {
                return Err(
                    Invalid::new(format!("{} list", rule.noun()), rule.list_expected())
                        .because(format!("{item:?} is not a valid {}", rule.noun())),
                );
            }
            if !out.iter().any(|seen| seen == item) {
                out.push(item.to_string());
            }
        }
        Ok(out)
    }
    fn render(&self, value: &Vec<String>) -> String {
        value.join(",")
    }
}

/// Splits `key:value,key2:value2` into trimmed pairs. A value may contain `:` (only the first
/// one separates); empty entries are skipped; keys must be unique.
fn pairs(raw: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for entry in items(raw) {
        let (key, value) = entry
            .split_once(':')
            .ok_or_else(|| format!(r#"entry {entry:?} has no ":""#))?;
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(format!("entry {entry:?} has an empty key"));
        }
        if out.iter().any(|(seen, _)| *seen == key) {
            return Err(format!("key {key:?} appears more than once"));
        }
        out.push((key, value));
    }
    Ok(out)
}

fn render_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .map(|(k, v)| format!("{k}:{v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A `key:value,key2:value2` map of labels (keys and values checked) or annotations (keys
/// checked).
pub(crate) struct Map {
    pub labels: bool,
}

impl Codec for Map {
    type Value = BTreeMap<String, String>;
    fn parse(&self, raw: &str) -> Result<Self::Value, Invalid> {
        let (what, rule) = if self.labels {
            ("label map", NameRule::LabelKey)
        } else {
            ("annotation map", NameRule::AnnotationKey)
        };
        let invalid = || {
            Invalid::new(
                what,
                r#"comma-separated key:value pairs, e.g. "application:spilo,team:acid""#,
            )
        };
        let mut out = BTreeMap::new();
        for (key, value) in pairs(raw).map_err(|reason| invalid().because(reason))? {
            if !rule.is_valid(key) {
                return Err(invalid().because(format!("{key:?} is not a valid {}", rule.noun())));
            }
            if self.labels && !is_label_value(value) {
                return Err(
                    invalid().because(format!("{value:?} (of {key:?}) is not a valid label value"))
                );
            }
            out.insert(key.to_string(), value.to_string());
        }
        Ok(out)
    }
    fn render(&self, value: &Self::Value) -> String {
        render_pairs(value.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// A `name:image,name2:image2` map of containers (the reference's `sidecar_docker_images`): each
/// name a DNS-1123 label (a container name), each image not empty.
pub(crate) struct Images;

impl Codec for Images {
    type Value = BTreeMap<String, String>;
    fn parse(&self, raw: &str) -> Result<Self::Value, Invalid> {
        let invalid = || {
            Invalid::new(
                "container image map",
                r#"comma-separated name:image pairs, e.g. "exporter:quay.io/prometheuscommunity/postgres-exporter:v0.15.0""#,
            )
        };
        let mut out = BTreeMap::new();
        for (name, image) in pairs(raw).map_err(|reason| invalid().because(reason))? {
            if !is_dns_label(name) {
                return Err(invalid().because(format!(
                    "{name:?} is not a valid container name (a lowercase DNS label)"
                )));
            }
            if image.is_empty() || image.chars().any(char::is_whitespace) {
                return Err(invalid().because(format!("the image of {name:?} is {image:?}")));
            }
            out.insert(name.to_string(), image.to_string());
        }
        Ok(out)
    }
    fn render(&self, value: &Self::Value) -> String {
        render_pairs(value.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// A comma-separated list of Linux capabilities (`SYS_NICE`, `chown`), kept upper-cased as
/// Kubernetes writes them.
pub(crate) struct Capabilities;

impl Codec for Capabilities {
    type Value = Vec<String>;
    fn parse(&self, raw: &str) -> Result<Vec<String>, Invalid> {
        let mut out: Vec<String> = Vec::new();
        for item in items(raw) {
            let name = item.to_ascii_uppercase();
            let name = name.strip_prefix("CAP_").unwrap_or(&name).to_string();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(Invalid::new(
                    "capability list",
                    r#"comma-separated Linux capabilities, e.g. "SYS_NICE,CHOWN""#,
                )
                .because(format!("{item:?} is not a capability name")));
            }
            if !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }
    fn render(&self, value: &Vec<String>) -> String {
        value.join(",")
    }
}

/// A comma-separated list of regular expressions, each matched anywhere in the text (as the
/// reference's `downscaler_annotations`, e.g. `downscaler/*`).
pub(crate) struct Patterns;

impl Codec for Patterns {
    type Value = Vec<String>;
    fn parse(&self, raw: &str) -> Result<Vec<String>, Invalid> {
        let mut out: Vec<String> = Vec::new();
        for item in items(raw) {
            if let Err(e) = Regex::new(item) {
                return Err(Invalid::new(
                    "pattern list",
                    r#"comma-separated regular expressions, e.g. "deployment-time,downscaler/*""#,
                )
                .because(format!("{item:?} is not a regular expression: {e}")));
            }
            if !out.iter().any(|seen| seen == item) {
                out.push(item.to_string());
            }
        }
        Ok(out)
    }
    fn render(&self, value: &Vec<String>) -> String {
        value.join(",")
    }
}

/// One `infrastructure_roles_secrets` definition: comma-separated `name:value` fields
/// `secretname` (required, `namespace/name` or a name in namespace `default`), `userkey` or
/// `defaultuservalue`, `passwordkey` (required), `rolekey`, `defaultrolevalue`. Stricter than
/// the reference, which drops a definition it cannot use without a word: an unknown field or a
/// missing one is an error naming it.
pub(crate) struct InfraRoles;

const INFRA_EXPECTED: &str = r#"comma-separated fields such as "secretname:monitoring-roles,userkey:user,passwordkey:password,rolekey:inrole""#;

impl Codec for InfraRoles {
    type Value = Option<super::types::InfrastructureRolesSecret>;
    fn parse(&self, raw: &str) -> Result<Self::Value, Invalid> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let invalid = || Invalid::new("infrastructure roles definition", INFRA_EXPECTED);
        let mut def = super::types::InfrastructureRolesSecret::default();
        for (field, value) in pairs(raw).map_err(|reason| invalid().because(reason))? {
            let slot = match field.to_ascii_lowercase().as_str() {
                "secretname" => &mut def.secret,
                "userkey" => &mut def.user_key,
                "passwordkey" => &mut def.password_key,
                "rolekey" => &mut def.role_key,
                "defaultuservalue" => &mut def.default_user,
                "defaultrolevalue" => &mut def.default_role,
                other => {
                    return Err(invalid().because(format!(
                        "unknown field {other:?} (known: secretname, userkey, passwordkey, rolekey, defaultuservalue, defaultrolevalue)"
                    )));
                }
            };
            *slot = value.to_string();
        }
        if def.secret.is_empty() {
            return Err(invalid().because("secretname is missing"));
        }
        if !def.secret.contains('/') {
            def.secret = format!("default/{}", def.secret);
        }
        if !NameRule::NamespacedName.is_valid(&def.secret) {
            return Err(invalid().because(format!(
                "secretname {:?} is not a Secret name or namespace/name",
                def.secret
            )));
        }
        if def.password_key.is_empty() {
            return Err(invalid().because("passwordkey is missing"));
        }
        if def.user_key.is_empty() && def.default_user.is_empty() {
            return Err(invalid().because("userkey or defaultuservalue is needed"));
        }
        Ok(Some(def))
    }
    fn render(&self, value: &Self::Value) -> String {
        let Some(def) = value else {
            return String::new();
        };
        [
            ("secretname", &def.secret),
            ("userkey", &def.user_key),
            ("passwordkey", &def.password_key),
            ("rolekey", &def.role_key),
            ("defaultuservalue", &def.default_user),
            ("defaultrolevalue", &def.default_role),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}:{v}"))
        .collect::<Vec<_>>()
        .join(",")
    }
}

/// A Kubernetes object written out in YAML or JSON (the reference's
/// `pod_service_account_definition` and `pod_service_account_role_binding_definition`): kept
/// as written, after checking it decodes as an object of `kind`.
pub(crate) struct Definition {
    pub kind: &'static str,
}

impl Codec for Definition {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        let invalid = || {
            Invalid::new(
                format!("{} definition", self.kind),
                format!(
                    r#"a {} in YAML or JSON, e.g. {{"apiVersion": "v1", "kind": "{}", "metadata": {{"name": "postgres-pod"}}}}"#,
                    self.kind, self.kind
                ),
            )
        };
        if raw.trim().is_empty() {
            return Ok(String::new());
        }
        let value: serde_json::Value =
            serde_yaml::from_str(raw).map_err(|e| invalid().because(e.to_string()))?;
        let kind = value.get("kind").and_then(serde_json::Value::as_str);
        if kind != Some(self.kind) {
            return Err(invalid().because(format!(
                "its kind is {}, not {}",
                kind.map_or("missing".to_string(), |k| format!("{k:?}")),
                self.kind
            )));
        }
        let decoded = match self.kind {
            "ServiceAccount" => {
                serde_json::from_value::<k8s_openapi::api::core::v1::ServiceAccount>(value)
                    .map(|_| ())
            }
            _ => {
                serde_json::from_value::<k8s_openapi::api::rbac::v1::RoleBinding>(value).map(|_| ())
            }
        };
        decoded.map_err(|e| invalid().because(e.to_string()))?;
        Ok(raw.trim().to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

/// A comma-separated list of maintenance windows (`Sat:22:00-23:59,Sun:00:00-01:00`), each
/// checked as `spec.maintenanceWindows` entries are ([`crate::window::parse_window`]).
pub(crate) struct Windows;

impl Codec for Windows {
    type Value = Vec<String>;
    fn parse(&self, raw: &str) -> Result<Vec<String>, Invalid> {
        let mut out: Vec<String> = Vec::new();
        for item in items(raw) {
            if let Err(e) = crate::window::parse_window(item) {
                return Err(Invalid::new(
                    "maintenance window list",
                    r#"comma-separated windows in UTC, e.g. "Sat:22:00-23:59,Sun:00:00-01:00" or "01:00-05:00""#,
                )
                .because(e.to_string()));
            }
            if !out.iter().any(|seen| seen == item) {
                out.push(item.to_string());
            }
        }
        Ok(out)
    }
    fn render(&self, value: &Vec<String>) -> String {
        value.join(",")
    }
}

// ---------------------------------------------------------------------------------------------
// Structured values

/// `*` or comma-separated namespace names.
pub(crate) struct Namespaces;

impl Codec for Namespaces {
    type Value = WatchedNamespaces;
    fn parse(&self, raw: &str) -> Result<WatchedNamespaces, Invalid> {
        let invalid = || {
            Invalid::new(
                "namespace list",
                r#""*" for all namespaces or comma-separated namespace names, e.g. "default,team-a""#,
            )
        };
        let list: Vec<&str> = items(raw).collect();
        if list.is_empty() {
            return Err(invalid().because(
                "empty; pgctl does not fall back to its own namespace, name the namespaces or use \"*\"",
            ));
        }
        if list.contains(&"*") {
            if list.len() > 1 {
                return Err(invalid().because(r#""*" cannot be combined with namespace names"#));
            }
            return Ok(WatchedNamespaces::All);
        }
        let mut out: Vec<String> = Vec::new();
        for namespace in list {
            if !is_dns_label(namespace) {
                return Err(
                    invalid().because(format!("{namespace:?} is not a valid namespace name"))
                );
            }
            if !out.iter().any(|seen| seen == namespace) {
                out.push(namespace.to_string());
            }
        }
        Ok(WatchedNamespaces::Some(out))
    }
    fn render(&self, value: &WatchedNamespaces) -> String {
        match value {
            WatchedNamespaces::All => "*".to_string(),
            WatchedNamespaces::Some(list) => list.join(","),
        }
    }
}

/// `when_deleted:retain|delete,when_scaled:retain|delete`; a missing field is `retain`.
pub(crate) struct Retention;

impl Codec for Retention {
    type Value = PvcRetentionPolicy;
    fn parse(&self, raw: &str) -> Result<PvcRetentionPolicy, Invalid> {
        let invalid = || {
            Invalid::new(
                "retention policy",
                r#""when_deleted:retain|delete,when_scaled:retain|delete""#,
            )
        };
        let mut policy = PvcRetentionPolicy::default();
        for (field, value) in pairs(raw).map_err(|reason| invalid().because(reason))? {
            let slot = match field {
                "when_deleted" => &mut policy.when_deleted,
                "when_scaled" => &mut policy.when_scaled,
                other => {
                    return Err(invalid().because(format!(
                        r#"unknown field {other:?}, only "when_deleted" and "when_scaled" exist"#
                    )));
                }
            };
            *slot = Choice(PhantomData).parse(value).map_err(|_| {
                invalid().because(format!(
                    r#"{field} must be "retain" or "delete", not {value:?}"#
                ))
            })?;
        }
        Ok(policy)
    }
    fn render(&self, value: &PvcRetentionPolicy) -> String {
        format!(
            "when_deleted:{},when_scaled:{}",
            value.when_deleted, value.when_scaled
        )
    }
}

/// `key:…,operator:Exists|Equal,value:…,effect:NoSchedule|PreferNoSchedule|NoExecute`.
pub(crate) struct TolerationCodec;

const OPERATORS: &[&str] = &["Exists", "Equal"];
const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

impl Codec for TolerationCodec {
    type Value = Toleration;
    fn parse(&self, raw: &str) -> Result<Toleration, Invalid> {
        let invalid = || {
            Invalid::new(
                "toleration",
                r#"key:value pairs of the fields key, operator, value and effect, e.g. "key:db-only,operator:Exists,effect:NoSchedule""#,
            )
        };
        let mut toleration = Toleration::default();
        for (field, value) in pairs(raw).map_err(|reason| invalid().because(reason))? {
            let value = (!value.is_empty()).then(|| value.to_string());
            match field {
                "key" => toleration.key = value,
                "value" => toleration.value = value,
                "operator" => toleration.operator = value,
                "effect" => toleration.effect = value,
                other => {
                    return Err(invalid().because(format!("unknown field {other:?}")));
                }
            }
        }
        if let Some(operator) = &toleration.operator
            && !OPERATORS.contains(&operator.as_str())
        {
            return Err(invalid().because(format!(
                "operator must be {}, not {operator:?}",
                one_of(OPERATORS.iter().copied())
            )));
        }
        if let Some(effect) = &toleration.effect
            && !EFFECTS.contains(&effect.as_str())
        {
            return Err(invalid().because(format!(
                "effect must be {}, not {effect:?}",
                one_of(EFFECTS.iter().copied())
            )));
        }
        if toleration.operator.as_deref() == Some("Exists") && toleration.value.is_some() {
            return Err(invalid().because(r#"operator "Exists" takes no value"#));
        }
        if toleration.key.is_none() && toleration.operator.as_deref() != Some("Exists") {
            return Err(invalid().because(r#"without a key the operator must be "Exists""#));
        }
        Ok(toleration)
    }
    fn render(&self, value: &Toleration) -> String {
        let fields = [
            ("key", &value.key),
            ("operator", &value.operator),
            ("value", &value.value),
            ("effect", &value.effect),
        ];
        render_pairs(
            fields
                .iter()
                .filter_map(|(name, v)| v.as_deref().map(|v| (*name, v))),
        )
    }
}

/// A name template with `{placeholder}`s.
pub(crate) struct Template {
    pub what: &'static str,
    /// Placeholders that may appear, with a sample value each.
    pub placeholders: &'static [(&'static str, &'static str)],
    /// Placeholders that must appear.
    pub required: &'static [&'static str],
    /// Whether the expansion must be a Kubernetes object name (DNS-1123 subdomain).
    pub object_name: bool,
}

impl Template {
    fn expected(&self) -> String {
        let allowed: Vec<String> = self
            .placeholders
            .iter()
            .map(|(name, _)| format!("{{{name}}}"))
            .collect();
        let required: Vec<String> = self.required.iter().map(|n| format!("{{{n}}}")).collect();
        let optional: Vec<String> = allowed
            .into_iter()
            .filter(|p| !required.contains(p))
            .collect();
        let optional = if optional.is_empty() {
            "no other placeholder".to_string()
        } else {
            format!("optionally {}", optional.join(", "))
        };
        format!("a template with {} and {optional}", required.join(" and "))
    }
}

/// Replaces each `{name}` of `template` that `values` knows, in one pass (a value is never
/// expanded again); anything else is kept as written.
pub(crate) fn expand(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (close, *v))
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Codec for Template {
    type Value = String;
    fn parse(&self, raw: &str) -> Result<String, Invalid> {
        let invalid = || Invalid::new(self.what, self.expected());
        let mut rest = raw;
        let mut seen: Vec<&str> = Vec::new();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .filter(|close| !after[..*close].contains('{'))
                .ok_or_else(|| invalid().because(r#"a "{" is not closed"#))?;
            let name = &after[..close];
            if !self.placeholders.iter().any(|(n, _)| *n == name) {
                return Err(invalid().because(format!("unknown placeholder {{{name}}}")));
            }
            seen.push(name);
            rest = &after[close + 1..];
        }
        if let Some(missing) = self.required.iter().find(|r| !seen.contains(r)) {
            return Err(invalid().because(format!("placeholder {{{missing}}} is missing")));
        }
        if self.object_name {
            let sample = expand(raw, self.placeholders);
            if !is_dns_subdomain(&sample) {
                return Err(invalid().because(format!(
                    "names made from it, such as {sample:?}, are not valid Kubernetes names"
                )));
            }
        }
        Ok(raw.to_string())
    }
    fn render(&self, value: &String) -> String {
        value.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_qualified_name("cluster-name"));
        assert!(is_qualified_name("example.com/team"));
        assert!(is_qualified_name("kubernetes.io/hostname"));
        assert!(!is_qualified_name("Example.com/team"));
        assert!(!is_qualified_name("a/b/c"));
        assert!(!is_qualified_name("-a"));
        assert!(!is_qualified_name(""));
        assert!(is_dns_subdomain(
            "foo-user.acid-x.credentials.postgresql.acid.zalan.do"
        ));
        assert!(!is_dns_subdomain("foo_user.acid"));
        assert!(!is_dns_label("a.b"));
    }

    #[test]
    fn quantities() {
        for ok in [
            "1", "100m", "0.5", ".5", "500Mi", "2Gi", "1e3", "1E-2", "1.5G", "10k",
        ] {
            assert!(Quantity.parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-1", "1 GB", "1gi", "Mi", "1.2.3", "1Mii", "m"] {
            assert!(Quantity.parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expansion_is_single_pass() {
        let values = [("cluster", "{team}"), ("team", "acid")];
        assert_eq!(expand("{cluster}.{team}.{x}", &values), "{team}.acid.{x}");
        assert_eq!(expand("a{b", &values), "a{b");
        assert_eq!(expand("}{cluster}{", &values), "}{team}{");
    }
}
