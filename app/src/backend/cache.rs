//! A small in-memory cache whose entries expire after a fixed time. Used where a request would
//! otherwise read the same rows again within seconds (the session behind an autosave, a
//! response's round and institution). Whoever changes what an entry holds clears the cache; the
//! short lifetime bounds how long another server process can serve an old entry.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    ttl: Duration,
    /// Whether each entry lives a time of its own between half of `ttl` and `ttl`.
    spread: bool,
    max: usize,
    /// Each entry with the moment it expires.
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// Every entry lives `ttl`.
    pub fn new(ttl: Duration, max: usize) -> Self {
        TtlCache {
            ttl,
            spread: false,
            max,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Each entry lives a time of its own between half of `ttl` and `ttl`. Entries put in the
    /// same moment (the sessions of coordinators who all started when the invitations went
    /// out) then do not all expire in the same moment, which would send all their next requests
    /// to the database at once, and again one lifetime later.
    pub fn spread(ttl: Duration, max: usize) -> Self {
        TtlCache {
            spread: true,
            ..Self::new(ttl, max)
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (until, value) = entries.get(key)?;
        (Instant::now() < *until).then(|| value.clone())
    }

    /// Removes the entry and returns it, if it has not expired.
    pub fn take(&self, key: &K) -> Option<V> {
        let mut entries = self.entries.lock().ok()?;
        let (until, value) = entries.remove(key)?;
        (Instant::now() < until).then_some(value)
    }

    pub fn put(&self, key: K, value: V) {
        let now = Instant::now();
        let life = if self.spread {
            use rand::Rng;
            self.ttl.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
        } else {
            self.ttl
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.max {
                entries.retain(|_, (until, _)| now < *until);
                if entries.len() >= self.max {
                    entries.clear();
                }
            }
            entries.insert(key, (now + life, value));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_clear() {
        let cache = TtlCache::new(Duration::from_millis(30), 2);
        cache.put("a", 1);
        assert_eq!(cache.get(&"a"), Some(1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(&"a"), None, "expired");
        cache.put("b", 2);
        assert_eq!(cache.take(&"b"), Some(2));
        assert_eq!(cache.get(&"b"), None, "taken");
        cache.put("b", 2);
        cache.clear();
        assert_eq!(cache.get(&"b"), None, "cleared");
    }

    #[test]
    fn spread_entries_expire_between_half_their_lifetime_and_all_of_it() {
        let cache = TtlCache::spread(Duration::from_secs(100), 1000);
        for k in 0..200 {
            cache.put(k, ());
        }
        let lives: Vec<Duration> = cache
            .entries
            .lock()
            .map(|e| {
                e.values()
                    .map(|(until, _)| *until - Instant::now())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(lives.len(), 200);
        assert!(lives.iter().all(|l| *l <= Duration::from_secs(100)));
        assert!(lives.iter().all(|l| *l >= Duration::from_secs(49)));
        let (shortest, longest) = (lives.iter().min(), lives.iter().max());
        assert!(
            longest
                .zip(shortest)
                .is_some_and(|(l, s)| *l - *s > Duration::from_secs(10)),
            "not all the same"
        );
    }
}
