//! A sliding-window counter of attempts per key (e-mail address, IP address, API token).

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

    /// Counts one use of `key` when it has uses left in the window (a limit on every request,
    /// not only on failures); `Err(wait)` otherwise.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.reserve(key, 1)
    }

    /// Checks and counts one attempt of `key` in one step, so that parallel attempts cannot all
    /// pass the check before any is counted: an attempt is a failure until [`release`] takes it
    /// back. `Err(wait)` (nothing counted) when the attempts are used up.
    ///
    /// [`release`]: RateLimiter::release
    pub fn reserve(&self, key: &str, factor: u32) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else {
            return Err(self.window);
        };
        self.prune(&mut map, now);
        let times = map.entry(key.to_owned()).or_default();
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
            _ => {
                times.push_back(now);
                Ok(())
            }
        }
    }

    /// Forgets keys without attempts in the window once there are many, so that made-up keys
    /// (addresses, e-mail addresses) cannot fill the memory.
    fn prune(&self, map: &mut HashMap<String, VecDeque<Instant>>, now: Instant) {
        if map.len() >= 10_000 {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) <= self.window)
            });
        }
    }

    /// Takes back the last attempt [`reserve`] counted for `key` (it succeeded).
    ///
    /// [`reserve`]: RateLimiter::reserve
    pub fn release(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            if let Some(times) = map.get_mut(key) {
                times.pop_back();
                if times.is_empty() {
                    map.remove(key);
                }
            }
        }
    }

    /// The attempts of `key` in the window.
    pub fn count(&self, key: &str) -> u32 {
        let now = Instant::now();
        let Ok(map) = self.failures.lock() else {
            return 0;
        };
        map.get(key).map_or(0, |times| {
            times
                .iter()
                .filter(|t| now.duration_since(**t) <= self.window)
                .count() as u32
        })
    }

    /// Counts one failed attempt of `key`.
    pub fn record(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            self.prune(&mut map, Instant::now());
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
        limiter.record("a");
        limiter.record("a");
        assert_eq!(limiter.count("a"), 2);
        assert!(limiter.reserve("a", 1).is_err());
        assert!(limiter.reserve("a", 2).is_ok(), "a factor scales the limit");
        assert!(limiter.reserve("b", 1).is_ok());
        limiter.reset("a");
        assert_eq!(limiter.count("a"), 0);
        assert!(limiter.reserve("a", 1).is_ok());
    }

    #[test]
    fn parallel_reservations_never_pass_more_attempts_than_the_limit() {
        let limiter = std::sync::Arc::new(RateLimiter::new(5, Duration::from_secs(60)));
        let passed: usize = (0..60)
            .map(|_| {
                let limiter = limiter.clone();
                std::thread::spawn(move || limiter.reserve("a", 1).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap_or(false)))
            .sum();
        assert_eq!(passed, 5);
        limiter.release("a");
        assert!(
            limiter.reserve("a", 1).is_ok(),
            "a released attempt is free again"
        );
        assert!(limiter.reserve("a", 1).is_err());
    }
}
