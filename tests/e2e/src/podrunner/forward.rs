//! The API server for the pods: a TCP forwarder from the pod network's gateway to the API
//! server on the host's loopback, so that the API server itself stays on loopback. TLS passes
//! through untouched (the server certificate names the gateway address too).

use std::net::SocketAddr;

use anyhow::{Context, Result};
use tokio::net::{TcpListener, TcpStream};

/// Accepts on `listen` and forwards each connection to `upstream`, until the task is dropped.
pub async fn serve(listen: SocketAddr, upstream: SocketAddr) -> Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    loop {
        let (mut inbound, _) = match listener.accept().await {
            Ok(c) => c,
            Err(error) => {
                tracing::warn!("accepting on {listen}: {error}");
                continue;
            }
        };
        tokio::spawn(async move {
            match TcpStream::connect(upstream).await {
                Ok(mut outbound) => {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
                Err(error) => tracing::warn!("connecting to the API server at {upstream}: {error}"),
            }
        });
    }
}
