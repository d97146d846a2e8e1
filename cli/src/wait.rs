//! Waiting for a state: polling (not watching), so that every request stays bounded by
//! `--request-timeout`, and the whole wait by `--timeout` (exit code 3).

use std::future::Future;
use std::time::{Duration, Instant};

use crate::exit;

/// How often a wait looks again.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// What one look found.
pub enum Poll<T> {
    Done(T),
    /// Not yet; the text says what is being waited for (shown on timeout).
    Pending(String),
}

/// Calls `check` every [`INTERVAL`] until it is done or fails; a timeout error (exit 3) after
/// `timeout`, naming `what` and the last state.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Poll<T>>>,
{
    let started = Instant::now();
    loop {
        let last = match check().await? {
            Poll::Done(value) => return Ok(value),
            Poll::Pending(state) => state,
        };
        if started.elapsed() >= timeout {
            return Err(exit::timeout(format!(
                "timed out after {} waiting for {what} ({last})",
                crate::output::short_duration(timeout.as_secs())
            )));
        }
        tokio::time::sleep(
            INTERVAL
                .min(timeout.saturating_sub(started.elapsed()))
                .max(Duration::from_millis(50)),
        )
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn times_out_with_code_3() {
        let error = until("the cluster", Duration::from_secs(3), || async {
            Ok(Poll::<()>::Pending("0/2 ready".into()))
        })
        .await
        .expect_err("times out");
        assert_eq!(exit::code_of(&error), exit::Code::Timeout);
        assert!(error.to_string().contains("0/2 ready"), "{error}");
    }

    #[tokio::test(start_paused = true)]
    async fn returns_when_done() {
        let mut n = 0;
        let value = until("x", Duration::from_secs(10), || {
            n += 1;
            let n = n;
            async move {
                Ok(if n < 3 {
                    Poll::Pending(String::new())
                } else {
                    Poll::Done(n)
                })
            }
        })
        .await
        .expect("done");
        assert_eq!(value, 3);
    }
}
