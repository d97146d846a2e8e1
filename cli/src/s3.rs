//! The object store client of the CLI, for `pgctl backup list`: lists the objects below a
//! prefix (all pages) as the catalog's [`Object`]s and fetches an object's bytes.
//!
//! rusty-s3 signs each request (a presigned URL, AWS Signature Version 4, valid for a few
//! minutes) and parses S3's XML; the requests go out through hyper with rustls (ring, the
//! system's root certificates), which the CLI has for kube already. An `http://` endpoint is
//! allowed (the local data plane's store).
//!
//! Credentials never reach a log, an error or a `Debug` output: [`Secret`] prints as
//! `<redacted>`, and errors name the bucket and key, never the signed URL (which carries the
//! access key id, the signature and the session token).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use pgctl_shared::backup::catalog::Object;
use rusty_s3::actions::ListObjectsV2;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

/// How long a signed request stays valid.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(300);
/// How long one request may take, response body included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest object [`Client::get`] reads (metadata objects are a few kB).
pub const MAX_OBJECT_BYTES: usize = 64 * 1024 * 1024;
/// Listing pages at most (1000 keys each): a guard against a store that never ends a listing.
const MAX_PAGES: usize = 100_000;

/// A secret value: no `Display`, and `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    #[cfg(test)]
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the store is and how to sign in, with Spilo's names in [`Settings::from_vars`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `http(s)://host[:port][/path]`; `None`: AWS S3 in [`Settings::region`].
    pub endpoint: Option<String>,
    pub region: String,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`.
    pub path_style: bool,
    pub bucket: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub session_token: Option<Secret>,
}

impl Settings {
    /// The settings Spilo reads, from variables looked up by `var` with `prefix` (`""`,
    /// `CLONE_`, `STANDBY_`): `AWS_ENDPOINT`, `AWS_REGION` (default `us-east-1`),
    /// `AWS_S3_FORCE_PATH_STYLE`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`. Without a key pair the requests are not signed (a public bucket).
    pub fn from_vars(bucket: &str, prefix: &str, var: impl Fn(&str) -> Option<String>) -> Settings {
        let get = |name: &str| var(&format!("{prefix}{name}")).filter(|v| !v.is_empty());
        Settings {
            endpoint: get("AWS_ENDPOINT"),
            region: get("AWS_REGION").unwrap_or_else(|| "us-east-1".to_string()),
            path_style: get("AWS_S3_FORCE_PATH_STYLE").is_some_and(|v| {
                matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
            }),
            bucket: bucket.to_string(),
            access_key_id: get("AWS_ACCESS_KEY_ID"),
            secret_access_key: get("AWS_SECRET_ACCESS_KEY").map(Secret),
            session_token: get("AWS_SESSION_TOKEN").map(Secret),
        }
    }
}

/// A request to the store failed. No variant holds a URL or a credential.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("S3 endpoint {endpoint:?}: {message}")]
    Settings { endpoint: String, message: String },
    #[error("{what}: {message}")]
    Connection { what: String, message: String },
    #[error("{what}: no answer within {}s", REQUEST_TIMEOUT.as_secs())]
    Timeout { what: String },
    #[error("{what}: no such object")]
    NotFound { what: String },
    #[error("{what}: the store answered {status}{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Status {
        what: String,
        status: u16,
        /// S3's error `Code` and `Message`, when the body has them.
        detail: Option<String>,
    },
    #[error("{what}: {message}")]
    Response { what: String, message: String },
}

/// An S3 client for one bucket.
pub struct Client {
    bucket: Bucket,
    credentials: Option<Credentials>,
    http: HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("bucket", &self.bucket.name())
            .field("url", &self.bucket.base_url().as_str())
            .field("signed", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(settings: &Settings) -> Result<Client, S3Error> {
        let endpoint_text = settings
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", settings.region));
        let invalid = |message: String| S3Error::Settings {
            endpoint: endpoint_text.clone(),
            message,
        };
        let endpoint = url::Url::parse(&endpoint_text).map_err(|e| invalid(e.to_string()))?;
        let style = if settings.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint.clone(),
            style,
            settings.bucket.clone(),
            settings.region.clone(),
        )
        .map_err(|e| invalid(format!("bucket {:?}: {e}", settings.bucket)))?;
        let credentials = match (&settings.access_key_id, &settings.secret_access_key) {
            (Some(key), Some(secret)) => Some(match &settings.session_token {
                Some(token) => Credentials::new_with_token(
                    key.clone(),
                    secret.expose().to_string(),
                    token.expose().to_string(),
                ),
                None => Credentials::new(key.clone(), secret.expose().to_string()),
            }),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "an access key id needs its secret access key, and the other way round".into(),
                ));
            }
        };
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match builder
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
        {
            Ok(builder) => builder,
            // No system certificates: fine for a plain HTTP endpoint, which never uses TLS.
            Err(e) if endpoint.scheme() == "http" => {
                let config = rustls::ClientConfig::builder_with_provider(
                    rustls::crypto::ring::default_provider().into(),
                )
                .with_safe_default_protocol_versions()
                .map_err(|e| invalid(e.to_string()))?
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
                drop(e);
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            }
            Err(e) => return Err(invalid(format!("no trusted root certificates: {e}"))),
        };
        let connector = builder.https_or_http().enable_http1().build();
        let http = HttpClient::builder(TokioExecutor::new()).build(connector);
        Ok(Client {
            bucket,
            credentials,
            http,
        })
    }

    fn describe(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket.name())
    }

    /// Every object whose key starts with `prefix`, in key order, all pages.
    pub async fn list(&self, prefix: &str) -> Result<Vec<Object>, S3Error> {
        let what = format!("list {}", self.describe(prefix));
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut action = self.bucket.list_objects_v2(self.credentials.as_ref());
            action.with_prefix(prefix);
            if let Some(token) = &token {
                action.with_continuation_token(token.as_str());
            }
            let url = action.sign(SIGNATURE_LIFETIME);
            let body = self
                .send(&what, http::Method::GET, url, Bytes::new())
                .await?;
            let text = std::str::from_utf8(&body).map_err(|e| S3Error::Response {
                what: what.clone(),
                message: format!("the listing is not UTF-8 ({e})"),
            })?;
            let page = ListObjectsV2::parse_response(text).map_err(|e| S3Error::Response {
                what: what.clone(),
                message: format!("unreadable listing ({e})"),
            })?;
            for entry in page.contents {
                let field = |name: &str| S3Error::Response {
                    what: what.clone(),
                    message: format!("{}: the listing gives no {name}", entry.key),
                };
                let size = entry.size.ok_or_else(|| field("Size"))?;
                let time = entry
                    .last_modified
                    .as_deref()
                    .ok_or_else(|| field("LastModified"))?;
                let last_modified = time.parse().map_err(|e| S3Error::Response {
                    what: what.clone(),
                    message: format!("{}: LastModified {time:?}: {e}", entry.key),
                })?;
                objects.push(Object {
                    key: entry.key,
                    size,
                    last_modified,
                });
            }
            match page.next_continuation_token {
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(S3Error::Response {
                        what,
                        message: "the store repeated its continuation token".into(),
                    });
                }
                Some(next) => token = Some(next),
                None => return Ok(objects),
            }
        }
        Err(S3Error::Response {
            what,
            message: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// The bytes of the object `key` (at most [`MAX_OBJECT_BYTES`]); [`S3Error::NotFound`] when
    /// there is none (deleted since the listing, say).
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, S3Error> {
        let what = format!("get {}", self.describe(key));
        let url = self
            .bucket
            .get_object(self.credentials.as_ref(), key)
            .sign(SIGNATURE_LIFETIME);
        let body = self
            .send(&what, http::Method::GET, url, Bytes::new())
            .await?;
        Ok(body.to_vec())
    }

    /// Stores `bytes` at `key` (the tests' scratch objects; pgctl itself only reads).
    #[cfg(test)]
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), S3Error> {
        let what = format!("put {}", self.describe(key));
        let url = self
            .bucket
            .put_object(self.credentials.as_ref(), key)
            .sign(SIGNATURE_LIFETIME);
        self.send(&what, http::Method::PUT, url, Bytes::from(bytes))
            .await
            .map(drop)
    }

    /// Deletes `key` (no error when it is not there, as S3 answers).
    #[cfg(test)]
    pub async fn delete(&self, key: &str) -> Result<(), S3Error> {
        let what = format!("delete {}", self.describe(key));
        let url = self
            .bucket
            .delete_object(self.credentials.as_ref(), key)
            .sign(SIGNATURE_LIFETIME);
        self.send(&what, http::Method::DELETE, url, Bytes::new())
            .await
            .map(drop)
    }

    /// One request, its body read whole; a status other than 2xx is an error.
    async fn send(
        &self,
        what: &str,
        method: http::Method,
        url: url::Url,
        body: Bytes,
    ) -> Result<Bytes, S3Error> {
        let request = http::Request::builder()
            .method(method)
            .uri(url.as_str())
            .body(Full::new(body))
            .map_err(|e| S3Error::Connection {
                what: what.to_string(),
                // http's errors name the part that is invalid, not the URL.
                message: format!("invalid request ({e})"),
            })?;
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| S3Error::Connection {
                    what: what.to_string(),
                    message: error_chain(&e),
                })?;
            let status = response.status();
            let body = Limited::new(response.into_body(), MAX_OBJECT_BYTES)
                .collect()
                .await
                .map_err(|e| S3Error::Response {
                    what: what.to_string(),
                    message: format!("reading the answer: {e}"),
                })?
                .to_bytes();
            Ok::<_, S3Error>((status, body))
        };
        let (status, body) = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| S3Error::Timeout {
                what: what.to_string(),
            })??;
        if status.is_success() {
            return Ok(body);
        }
        let detail = error_detail(&body);
        if status == http::StatusCode::NOT_FOUND
            && detail.as_deref().is_none_or(|d| d.starts_with("NoSuchKey"))
        {
            return Err(S3Error::NotFound {
                what: what.to_string(),
            });
        }
        Err(S3Error::Status {
            what: what.to_string(),
            status: status.as_u16(),
            detail,
        })
    }
}

/// An error and its sources, `: `-joined (hyper's top-level error says little).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `Code: Message` of S3's XML error body, if it has them.
fn error_detail(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let element = |name: &str| {
        let start = text.find(&format!("<{name}>"))? + name.len() + 2;
        let end = start + text.get(start..)?.find(&format!("</{name}>"))?;
        text.get(start..end)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    match (element("Code"), element("Message")) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code.to_string()),
        (None, Some(message)) => Some(message.to_string()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let vars = [
            ("AWS_ENDPOINT", "http://127.0.0.1:27070"),
            ("AWS_S3_FORCE_PATH_STYLE", "true"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret"),
            ("AWS_SESSION_TOKEN", "session-token-secret"),
        ];
        Settings::from_vars("pgctl-backups", "", |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn settings_from_spilos_variables() {
        let s = settings();
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:27070"));
        assert_eq!(s.region, "us-east-1");
        assert!(s.path_style);
        assert_eq!(s.access_key_id.as_deref(), Some("AKIDEXAMPLE"));
        let clone = Settings::from_vars("b", "CLONE_", |name| {
            (name == "CLONE_AWS_REGION").then(|| "eu-central-1".to_string())
        });
        assert_eq!(
            (clone.region.as_str(), clone.endpoint),
            ("eu-central-1", None)
        );
        assert_eq!(clone.secret_access_key, None);
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let s = settings();
        let client = Client::new(&s).expect("a client");
        for text in [format!("{s:?}"), format!("{client:?}")] {
            assert!(!text.contains("wJalrXUtnFEMI"), "{text}");
            assert!(!text.contains("session-token"), "{text}");
        }
        assert!(format!("{s:?}").contains("<redacted>"));
    }

    #[test]
    fn settings_are_checked() {
        let mut s = settings();
        s.endpoint = Some("ftp://example.com".into());
        assert!(matches!(Client::new(&s), Err(S3Error::Settings { .. })));
        let mut s = settings();
        s.secret_access_key = None;
        let error = Client::new(&s).expect_err("a key id alone");
        assert!(error.to_string().contains("secret access key"), "{error}");
        let mut s = settings();
        s.endpoint = None;
        s.path_style = false;
        let client = Client::new(&s).expect("AWS");
        assert_eq!(
            client.bucket.base_url().as_str(),
            "https://pgctl-backups.s3.us-east-1.amazonaws.com/"
        );
    }

    #[test]
    fn s3_error_bodies() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied.</Message><RequestId>1</RequestId></Error>"#;
        assert_eq!(
            error_detail(body).as_deref(),
            Some("AccessDenied: Access Denied.")
        );
        assert_eq!(error_detail(b"gateway timeout"), None);
    }

    /// Against a real store, which it writes to below `pgctl-s3-test/` and cleans up:
    ///
    /// ```sh
    /// set -a; . ~/.local/state/pgctl/cluster/s3/credentials; set +a
    /// PGCTL_S3_TEST_ENDPOINT=http://127.0.0.1:27070 PGCTL_S3_TEST_BUCKET=pgctl-backups \
    ///   cargo test -p pgctl --bin pgctl s3::tests::real_store -- --ignored --nocapture
    /// ```
    ///
    /// The credentials come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`;
    /// `PGCTL_S3_TEST_LIST` names a prefix to list and catalog as well.
    #[tokio::test]
    #[ignore = "needs an object store: set PGCTL_S3_TEST_ENDPOINT (see the comment)"]
    async fn real_store() {
        use futures::StreamExt;
        let endpoint = std::env::var("PGCTL_S3_TEST_ENDPOINT").expect("PGCTL_S3_TEST_ENDPOINT");
        let bucket =
            std::env::var("PGCTL_S3_TEST_BUCKET").unwrap_or_else(|_| "pgctl-backups".into());
        let mut settings = Settings::from_vars(&bucket, "", |name| std::env::var(name).ok());
        settings.endpoint = Some(endpoint);
        settings.path_style = true;
        let client = Client::new(&settings).expect("a client");

        let run = std::process::id();
        let prefix = format!("pgctl-s3-test/{run}/");
        // More than a page: the listing must follow continuation tokens.
        let count = 1005;
        let keys: Vec<String> = (0..count).map(|i| format!("{prefix}k/{i:05}")).collect();
        let results: Vec<_> =
            futures::stream::iter(keys.iter().map(|k| client.put(k, k.clone().into_bytes())))
                .buffer_unordered(32)
                .collect()
                .await;
        assert!(
            results.iter().all(Result::is_ok),
            "put: {:?}",
            results.iter().find(|r| r.is_err())
        );
        let special = format!("{prefix}a key with spaces & ünïcode+plus.json");
        client
            .put(&special, b"{\"ok\": true}".to_vec())
            .await
            .expect("put");

        let listed = client.list(&prefix).await.expect("list");
        assert_eq!(listed.len(), count + 1);
        assert!(listed.iter().any(|o| o.key == special && o.size == 12));
        let first = listed
            .iter()
            .find(|o| o.key == keys[0])
            .expect("the first key");
        assert_eq!(first.size, keys[0].len() as u64);
        let now = jiff::Timestamp::now();
        assert!(first.last_modified <= now + jiff::SignedDuration::from_secs(60));
        assert_eq!(client.get(&special).await.expect("get"), b"{\"ok\": true}");
        let missing = client.get(&format!("{prefix}missing")).await;
        assert!(
            matches!(missing, Err(S3Error::NotFound { .. })),
            "{missing:?}"
        );

        let results: Vec<_> = futures::stream::iter(listed.iter().map(|o| client.delete(&o.key)))
            .buffer_unordered(32)
            .collect()
            .await;
        assert!(results.iter().all(Result::is_ok));
        assert!(client.list(&prefix).await.expect("list").is_empty());

        if let Ok(cluster) = std::env::var("PGCTL_S3_TEST_LIST") {
            use pgctl_shared::backup::catalog;
            let objects = client.list(&cluster).await.expect("list");
            let mut metadata = std::collections::BTreeMap::new();
            for key in catalog::metadata_to_fetch(&objects) {
                let bytes = client.get(&key).await.expect("get");
                metadata.insert(key, bytes);
            }
            let catalog = catalog::build(&objects, &metadata).expect("a catalog");
            println!("{}", serde_json::to_string_pretty(&catalog).expect("JSON"));
        }

        let mut wrong = settings.clone();
        wrong.secret_access_key = Some(Secret::new("not-the-secret"));
        let denied = Client::new(&wrong)
            .expect("a client")
            .list(&prefix)
            .await
            .expect_err("a wrong secret");
        let text = denied.to_string();
        assert!(
            !text.contains("not-the-secret") && !text.contains("X-Amz"),
            "{text}"
        );
        println!("a wrong secret: {text}");
    }
}
