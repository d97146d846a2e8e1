//! A write load for the tests: threads that each run a write every `period` (a psql each
//! time, so a client that reconnects), counting the writes the server acknowledged and the
//! longest pause between two acknowledged writes of any thread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::wait_for;

/// What a load did once stopped.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub acknowledged: u64,
    pub longest_gap: Duration,
}

/// Running writer threads.
pub struct Writers {
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicU64>,
    last_ok: Arc<Mutex<(Instant, Duration)>>,
    threads: Vec<JoinHandle<()>>,
}

impl Writers {
    /// `threads` threads, each calling `write` (true: acknowledged) every `period`.
    pub fn start<F>(threads: usize, period: Duration, write: F) -> Self
    where
        F: Fn() -> bool + Send + Sync + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(AtomicU64::new(0));
        let last_ok = Arc::new(Mutex::new((Instant::now(), Duration::ZERO)));
        let write = Arc::new(write);
        let threads = (0..threads)
            .map(|_| {
                let (stop, acknowledged, last_ok, write) = (
                    stop.clone(),
                    acknowledged.clone(),
                    last_ok.clone(),
                    write.clone(),
                );
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        if write() {
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                            if let Ok(mut last) = last_ok.lock() {
                                let gap = last.0.elapsed();
                                *last = (Instant::now(), last.1.max(gap));
                            }
                        }
                        // Pacing of the load, not a synchronisation.
                        if let Some(rest) = period.checked_sub(started.elapsed()) {
                            std::thread::sleep(rest);
                        }
                    }
                })
            })
            .collect();
        Writers {
            stop,
            acknowledged,
            last_ok,
            threads,
        }
    }

    /// The writes acknowledged so far.
    pub fn acknowledged(&self) -> u64 {
        self.acknowledged.load(Ordering::Relaxed)
    }

    /// Waits until `more` writes beyond those acknowledged now are acknowledged.
    pub async fn wait_more(&self, what: &str, more: u64, timeout: Duration) -> Result<()> {
        let target = self.acknowledged() + more;
        wait_for(what, timeout, || async {
            Ok(self.acknowledged() >= target)
        })
        .await
    }

    /// Stops the threads and says what they did.
    pub fn stop(self) -> Result<Written> {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a writer thread panicked"))?;
        }
        let longest_gap = self
            .last_ok
            .lock()
            .map_err(|_| anyhow::anyhow!("a writer thread panicked"))?
            .1;
        Ok(Written {
            acknowledged: self.acknowledged.load(Ordering::Relaxed),
            longest_gap,
        })
    }
}
