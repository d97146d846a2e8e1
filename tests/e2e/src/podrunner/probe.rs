//! Readiness of a container: its `readinessProbe` (HTTP GET or TCP), or for Patroni without
//! one, Patroni's `GET /health` (200 while PostgreSQL runs), which the tests have always
//! counted as the pod being ready.

use std::net::Ipv4Addr;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, Probe as ProbeSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Patroni's REST API port.
pub const PATRONI_PORT: u16 = 8008;

/// How a container's readiness is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// Ready while its process runs.
    Running,
    /// `GET path` on the pod's address answers 200–399.
    Http { port: u16, path: String },
    /// A TCP connection to the pod's address succeeds.
    Tcp { port: u16 },
}

fn port(container: &Container, port: &IntOrString) -> Option<u16> {
    match port {
        IntOrString::Int(p) => u16::try_from(*p).ok(),
        IntOrString::String(name) => container
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| u16::try_from(p.container_port).ok()),
    }
}

/// The readiness probe of `container`; `patroni`: it runs Patroni.
pub fn of(container: &Container, patroni: bool) -> Probe {
    let spec: Option<&ProbeSpec> = container.readiness_probe.as_ref();
    if let Some(http) = spec.and_then(|p| p.http_get.as_ref())
        && let Some(p) = port(container, &http.port)
    {
        return Probe::Http {
            port: p,
            path: http.path.clone().unwrap_or_else(|| "/".to_string()),
        };
    }
    if let Some(tcp) = spec.and_then(|p| p.tcp_socket.as_ref())
        && let Some(p) = port(container, &tcp.port)
    {
        return Probe::Tcp { port: p };
    }
    if patroni && spec.is_none() {
        return Probe::Http {
            port: PATRONI_PORT,
            path: "/health".to_string(),
        };
    }
    Probe::Running
}

/// Whether the probe passes now for a pod at `ip`.
pub async fn check(probe: &Probe, ip: Ipv4Addr) -> bool {
    let attempt = async {
        match probe {
            Probe::Running => Ok(true),
            Probe::Tcp { port } => TcpStream::connect((ip, *port)).await.map(|_| true),
            Probe::Http { port, path } => {
                let mut stream = TcpStream::connect((ip, *port)).await?;
                stream
                    .write_all(format!("GET {path} HTTP/1.0\r\nHost: {ip}\r\n\r\n").as_bytes())
                    .await?;
                // Read the whole answer (HTTP/1.0: until the server closes), so that the
                // server does not log a reset connection.
                let mut answer = Vec::new();
                stream.read_to_end(&mut answer).await?;
                let line = answer.split(|b| *b == b'\n').next().unwrap_or_default();
                let code = String::from_utf8_lossy(line)
                    .split_whitespace()
                    .nth(1)
                    .and_then(|c| c.parse::<u16>().ok());
                Ok::<bool, std::io::Error>(code.is_some_and(|c| (200..400).contains(&c)))
            }
        }
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), attempt).await,
        Ok(Ok(true))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(v: serde_json::Value) -> Container {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn probes_come_from_the_spec_or_patroni() {
        let named = container(
            serde_json::json!({"name": "c", "ports": [{"name": "api", "containerPort": 8008}],
            "readinessProbe": {"httpGet": {"path": "/readiness", "port": "api"}}}),
        );
        assert_eq!(
            of(&named, true),
            Probe::Http {
                port: 8008,
                path: "/readiness".into()
            }
        );
        let tcp = container(
            serde_json::json!({"name": "c", "readinessProbe": {"tcpSocket": {"port": 6432}}}),
        );
        assert_eq!(of(&tcp, false), Probe::Tcp { port: 6432 });
        let none = container(serde_json::json!({"name": "c"}));
        assert_eq!(of(&none, false), Probe::Running);
        assert_eq!(
            of(&none, true),
            Probe::Http {
                port: 8008,
                path: "/health".into()
            }
        );
    }
}
