//! A small client of Patroni's REST API (port 8008 of every database pod): `GET /cluster` for
//! the members' view, `GET /patroni` for one member's state, `POST /switchover`,
//! `GET`/`PATCH /config` and `POST /restart`.
//! Patroni's server speaks HTTP/1.0 and closes the connection after each answer, so one
//! request is one connection; every request has a deadline.

use std::time::Duration;

use pgctl_shared::build::PATRONI_PORT;
use pgctl_shared::rollout::PatroniCluster;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest answer read (Patroni's are a few KiB).
const MAX_ANSWER: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PatroniError {
    #[error("{request}: {source}")]
    Io {
        request: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{request}: no answer within {}s", timeout.as_secs_f64())]
    Timeout { request: String, timeout: Duration },
    #[error("{request}: HTTP {status}: {body}")]
    Status {
        request: String,
        status: u16,
        body: String,
    },
    #[error("{request}: unreadable answer: {problem}")]
    Malformed { request: String, problem: String },
}

impl PatroniError {
    /// A bounded label for metrics and Event reasons.
    pub fn label(&self) -> &'static str {
        match self {
            PatroniError::Io { .. } => "PatroniUnreachable",
            PatroniError::Timeout { .. } => "PatroniTimeout",
            PatroniError::Status { .. } => "PatroniRefused",
            PatroniError::Malformed { .. } => "PatroniMalformed",
        }
    }
}

/// `http://IP:8008` of a pod.
pub fn base_url(ip: &str) -> String {
    if ip.contains(':') {
        format!("http://[{ip}]:{PATRONI_PORT}")
    } else {
        format!("http://{ip}:{PATRONI_PORT}")
    }
}

/// Patroni's view of the cluster, from the pod at `ip`.
pub async fn cluster(ip: &str, timeout: Duration) -> Result<PatroniCluster, PatroniError> {
    let request = format!("GET {}/cluster", base_url(ip));
    let (status, body) = send(ip, "GET", "/cluster", None, timeout).await?;
    if status != 200 {
        return Err(PatroniError::Status {
            request,
            status,
            body: excerpt(&body),
        });
    }
    let value: Value = serde_json::from_str(&body).map_err(|e| PatroniError::Malformed {
        request: request.clone(),
        problem: e.to_string(),
    })?;
    PatroniCluster::from_json(&value)
        .map_err(|problem| PatroniError::Malformed { request, problem })
}

/// Asks the leader at `ip` to hand the leader role from `leader` to `candidate`. Patroni
/// answers once the candidate has taken over (or the attempt failed); the answer's text is
/// returned.
pub async fn switchover(
    ip: &str,
    leader: &str,
    candidate: &str,
    timeout: Duration,
) -> Result<String, PatroniError> {
    let body = json!({"leader": leader, "candidate": candidate});
    let (status, text) = send(ip, "POST", "/switchover", Some(&body), timeout).await?;
    if status == 200 {
        Ok(text.trim().to_string())
    } else {
        Err(PatroniError::Status {
            request: format!("POST {}/switchover", base_url(ip)),
            status,
            body: excerpt(&text),
        })
    }
}

/// The member's own state (`GET /patroni`): its role, `replication_state` and WAL positions
/// (`xlog`).
pub async fn member(ip: &str, timeout: Duration) -> Result<Value, PatroniError> {
    json_call(ip, "GET", "/patroni", None, timeout).await
}

/// The dynamic configuration Patroni keeps in the DCS (`GET /config`), from the pod at `ip`.
pub async fn config(ip: &str, timeout: Duration) -> Result<Value, PatroniError> {
    json_call(ip, "GET", "/config", None, timeout).await
}

/// Merges `patch` into the dynamic configuration (`PATCH /config`); returns the result.
pub async fn patch_config(
    ip: &str,
    patch: &Value,
    timeout: Duration,
) -> Result<Value, PatroniError> {
    json_call(ip, "PATCH", "/config", Some(patch), timeout).await
}

/// Restarts PostgreSQL of the member at `ip` if it has a restart pending (`POST /restart` with
/// `restart_pending`); Patroni answers once PostgreSQL is back.
pub async fn restart(ip: &str, timeout: Duration) -> Result<String, PatroniError> {
    let body = json!({"restart_pending": true});
    let (status, text) = send(ip, "POST", "/restart", Some(&body), timeout).await?;
    if status == 200 {
        Ok(text.trim().to_string())
    } else {
        Err(PatroniError::Status {
            request: format!("POST {}/restart", base_url(ip)),
            status,
            body: excerpt(&text),
        })
    }
}

async fn json_call(
    ip: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<Value, PatroniError> {
    let request = format!("{method} {}{path}", base_url(ip));
    let (status, text) = send(ip, method, path, body, timeout).await?;
    if status != 200 {
        return Err(PatroniError::Status {
            request,
            status,
            body: excerpt(&text),
        });
    }
    serde_json::from_str(&text).map_err(|e| PatroniError::Malformed {
        request,
        problem: e.to_string(),
    })
}

fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.chars().count() > 300 {
        format!("{}…", body.chars().take(300).collect::<String>())
    } else {
        body.to_string()
    }
}

/// One request to Patroni's port of `ip`.
async fn send(
    ip: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<(u16, String), PatroniError> {
    let port = u16::try_from(PATRONI_PORT).unwrap_or(8008);
    send_to(ip, port, method, path, body, timeout).await
}

/// One request, one connection, within `timeout`: the status code and the body.
async fn send_to(
    ip: &str,
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<(u16, String), PatroniError> {
    let request = format!("{method} {}{path}", base_url(ip));
    let exchange = async {
        let mut stream =
            TcpStream::connect((ip, port))
                .await
                .map_err(|source| PatroniError::Io {
                    request: request.clone(),
                    source,
                })?;
        let payload = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: {ip}:{port}\r\nAccept: application/json\r\nConnection: close\r\n"
        );
        if body.is_some() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                payload.len()
            ));
        }
        head.push_str("\r\n");
        head.push_str(&payload);
        let io = |source| PatroniError::Io {
            request: request.clone(),
            source,
        };
        stream.write_all(head.as_bytes()).await.map_err(io)?;
        let mut answer = Vec::new();
        stream
            .take(MAX_ANSWER)
            .read_to_end(&mut answer)
            .await
            .map_err(|source| PatroniError::Io {
                request: request.clone(),
                source,
            })?;
        parse_answer(&answer).map_err(|problem| PatroniError::Malformed {
            request: request.clone(),
            problem,
        })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(PatroniError::Timeout {
            request: request.clone(),
            timeout,
        }),
    }
}

/// The status code and body of an HTTP/1.x answer read to its end (chunked bodies decoded).
fn parse_answer(answer: &[u8]) -> Result<(u16, String), String> {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "no end of the header".to_string())?;
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/"))
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("transfer-encoding")
                && v.trim().eq_ignore_ascii_case("chunked")
        })
    });
    let body = if chunked {
        decode_chunked(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn decode_chunked(mut rest: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size_line, after) = rest
            .split_once("\r\n")
            .ok_or_else(|| "truncated chunk".to_string())?;
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            return Ok(out);
        }
        let chunk = after
            .get(..size)
            .ok_or_else(|| "truncated chunk".to_string())?;
        out.push_str(chunk);
        rest = after
            .get(size..)
            .unwrap_or_default()
            .trim_start_matches("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_chunked_answers() {
        let plain = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"members\": []}";
        assert_eq!(
            parse_answer(plain),
            Ok((200, "{\"members\": []}".to_string()))
        );
        let chunked =
            b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nno c\r\n9\r\nandidate\n\r\n0\r\n\r\n";
        assert_eq!(
            parse_answer(chunked),
            Ok((503, "no candidate\n".to_string()))
        );
        assert!(parse_answer(b"garbage").is_err());
        assert!(parse_answer(b"SMTP 220 hi\r\n\r\n").is_err());
    }

    #[test]
    fn urls_and_labels() {
        assert_eq!(base_url("10.244.1.254"), "http://10.244.1.254:8008");
        assert_eq!(base_url("fd00::1"), "http://[fd00::1]:8008");
        let e = PatroniError::Status {
            request: "POST http://x:8008/switchover".into(),
            status: 412,
            body: "candidate not healthy".into(),
        };
        assert_eq!(e.label(), "PatroniRefused");
        assert_eq!(
            e.to_string(),
            "POST http://x:8008/switchover: HTTP 412: candidate not healthy"
        );
    }

    #[tokio::test]
    async fn talks_to_a_server_and_gives_up_at_the_deadline() {
        let server = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = server.local_addr().expect("addr").port();
        let serve = tokio::spawn(async move {
            // First connection: read the request, answer like Patroni.
            let (mut socket, _) = server.accept().await.expect("accept");
            let mut request = vec![0u8; 4096];
            let n = socket.read(&mut request).await.expect("read");
            let request = String::from_utf8_lossy(&request[..n]).to_string();
            socket
                .write_all(b"HTTP/1.0 412 Precondition Failed\r\n\r\ncandidate name does not match")
                .await
                .expect("write");
            drop(socket);
            // Second connection: never answer.
            let (_silent, _) = server.accept().await.expect("accept");
            tokio::time::sleep(Duration::from_secs(5)).await;
            request
        });
        let body = json!({"leader": "a-0", "candidate": "a-1"});
        let answer = send_to(
            "127.0.0.1",
            port,
            "POST",
            "/switchover",
            Some(&body),
            Duration::from_secs(5),
        )
        .await
        .expect("answer");
        assert_eq!(answer, (412, "candidate name does not match".to_string()));
        let started = std::time::Instant::now();
        let silent = send_to(
            "127.0.0.1",
            port,
            "GET",
            "/cluster",
            None,
            Duration::from_millis(300),
        )
        .await;
        assert!(
            matches!(silent, Err(PatroniError::Timeout { .. })),
            "{silent:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        serve.abort();
    }

    #[tokio::test]
    async fn sends_the_json_body() {
        let server = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = server.local_addr().expect("addr").port();
        let serve = tokio::spawn(async move {
            let (mut socket, _) = server.accept().await.expect("accept");
            let mut seen = Vec::new();
            let mut buf = vec![0u8; 4096];
            // Read until the body (its length is known to the test) has arrived.
            while !String::from_utf8_lossy(&seen).ends_with('}') {
                let n = socket.read(&mut buf).await.expect("read");
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            socket
                .write_all(b"HTTP/1.0 200 OK\r\n\r\nSuccessfully switched over to \"a-1\"")
                .await
                .expect("write");
            String::from_utf8_lossy(&seen).to_string()
        });
        let body = json!({"leader": "a-0", "candidate": "a-1"});
        let (status, text) = send_to(
            "127.0.0.1",
            port,
            "POST",
            "/switchover",
            Some(&body),
            Duration::from_secs(5),
        )
        .await
        .expect("answer");
        assert_eq!(
            (status, text.as_str()),
            (200, "Successfully switched over to \"a-1\"")
        );
        let request = serve.await.expect("server");
        assert!(
            request.starts_with("POST /switchover HTTP/1.0\r\n"),
            "{request}"
        );
        assert!(
            request.contains("Content-Type: application/json\r\n"),
            "{request}"
        );
        let sent = request
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<Value>(sent).expect("json body"),
            body,
            "{request}"
        );
        assert!(
            request.contains(&format!("Content-Length: {}\r\n", sent.len())),
            "{request}"
        );
    }
}
