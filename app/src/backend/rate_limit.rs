//! A sliding-window counter of failed attempts per key (e-mail address, IP address).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: u32,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `key` has used up its failures (scaled by `factor`) in the window.
    pub fn check(&self, key: &str, factor: u32) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else {
            return Ok(());
        };
        let Some(times) = map.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            times.pop_front();
        }
        match times.front() {
            Some(oldest) if times.len() as u32 >= self.max.saturating_mul(factor) => {
                Err(self.window.saturating_sub(now.duration_since(*oldest)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one use of `key` when it has uses left in the window (a limit on every request,
    /// not only on failures); `Err(wait)` otherwise.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.check(key, 1)?;
        self.record_failure(key);
        Ok(())
    }

    pub fn record_failure(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.entry(key.to_owned())
                .or_default()
                .push_back(Instant::now());
        }
    }

    pub fn reset(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_key_and_a_reset_clears_it() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        limiter.record_failure("a");
        assert!(limiter.check("a", 1).is_ok());
        limiter.record_failure("a");
        assert!(limiter.check("a", 1).is_err());
        assert!(limiter.check("a", 2).is_ok());
        assert!(limiter.check("b", 1).is_ok());
        limiter.reset("a");
        assert!(limiter.check("a", 1).is_ok());
    }
}
