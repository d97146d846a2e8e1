//! Container logs in the kubelet's layout and format, so that `kubectl logs` (through
//! `pgctl-kubelet`) reads them as it reads a kubelet's:
//!
//! ```text
//! LOG_DIR/NAMESPACE_POD_UID/CONTAINER/RESTART_COUNT.log
//! 2026-12-04T16:05:39.123456789Z stdout F a whole line
//! 2026-12-04T16:05:39.123456789Z stderr P the first 16 KiB of a longer line
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

/// Lines longer than this are split into partial (`P`) records, as the kubelet does.
const MAX_RECORD: usize = 16 * 1024;

/// The log directory of one container.
pub fn container_dir(
    log_dir: &Path,
    namespace: &str,
    pod: &str,
    uid: &str,
    container: &str,
) -> PathBuf {
    log_dir
        .join(format!("{namespace}_{pod}_{uid}"))
        .join(container)
}

/// The records of `line` (without its newline) read from `stream` at `time`.
pub fn records(time: &str, stream: &str, line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 48);
    let mut chunks = line.chunks(MAX_RECORD).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(format!("{time} {stream} F \n").as_bytes());
    }
    while let Some(chunk) = chunks.next() {
        let tag = if chunks.peek().is_some() { 'P' } else { 'F' };
        out.extend_from_slice(format!("{time} {stream} {tag} ").as_bytes());
        out.extend_from_slice(chunk);
        out.push(b'\n');
    }
    out
}

/// One run's log file, shared by the copiers of its stdout and stderr.
pub type Sink = Arc<Mutex<tokio::fs::File>>;

/// Opens the log file of run `restart_count` in `dir` (created, appended to).
pub async fn open(dir: &Path, restart_count: i32) -> std::io::Result<Sink> {
    tokio::fs::create_dir_all(dir).await?;
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{restart_count}.log")))
        .await?;
    Ok(Arc::new(Mutex::new(file)))
}

/// Copies `reader` (a container's stdout or stderr) into `sink` line by line, until it ends.
pub async fn copy(reader: impl AsyncRead + Unpin, stream: &'static str, sink: Sink) {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let time = k8s_openapi::jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%S.%9fZ")
            .to_string();
        let bytes = records(&time, stream, &line);
        let mut file = sink.lock().await;
        if file.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_cri_records_and_long_ones_are_split() {
        let t = "2026-12-04T16:05:39.000000001Z";
        assert_eq!(
            records(t, "stdout", b"hello"),
            format!("{t} stdout F hello\n").into_bytes()
        );
        assert_eq!(
            records(t, "stderr", b""),
            format!("{t} stderr F \n").into_bytes()
        );
        let long = vec![b'x'; MAX_RECORD + 3];
        let text = String::from_utf8(records(t, "stdout", &long)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with(&format!("{t} stdout P xxx")));
        assert_eq!(lines[1], format!("{t} stdout F xxx"));
    }
}
