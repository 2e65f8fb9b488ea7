//! Sign-in throttling: failed attempts counted per account and per client address in a sliding
//! window. Each node counts its own attempts (documented in docs/auth.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct SignInLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Entries kept before expired ones are swept, bounding memory under a spray of addresses.
const SWEEP_AT: usize = 10_000;

impl SignInLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> SignInLimiter {
        SignInLimiter {
            window,
            per_account,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(account: &str, address: &str) -> [(String, bool); 2] {
        [
            (format!("account:{}", account.trim().to_lowercase()), true),
            (format!("address:{address}"), false),
        ]
    }

    /// `Err(seconds)` to wait when the account or the address has failed too often.
    pub fn check(&self, account: &str, address: &str, now: Instant) -> Result<(), u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = 0u64;
        for (key, is_account) in Self::keys(account, address) {
            let limit = if is_account {
                self.per_account
            } else {
                self.per_address
            };
            if let Some(times) = failures.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() >= limit
                    && let Some(oldest) = times.front()
                {
                    let left = self.window.saturating_sub(now.duration_since(*oldest));
                    wait = wait.max(left.as_secs().max(1));
                }
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn record_failure(&self, account: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= SWEEP_AT {
            let window = self.window;
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        for (key, _) in Self::keys(account, address) {
            failures.entry(key).or_default().push_back(now);
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, account: &str) {
        let key = format!("account:{}", account.trim().to_lowercase());
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_addresses_are_throttled_separately() {
        let limiter = SignInLimiter::new(Duration::from_secs(60), 2, 3);
        let t = Instant::now();
        for _ in 0..2 {
            assert!(limiter.check("A@x.com", "1.1.1.1", t).is_ok());
            limiter.record_failure("a@x.com", "1.1.1.1", t);
        }
        // The account is locked from any address; the address may still try another account.
        assert!(limiter.check("a@x.com", "2.2.2.2", t).is_err());
        assert!(limiter.check("b@x.com", "1.1.1.1", t).is_ok());
        limiter.record_failure("b@x.com", "1.1.1.1", t);
        assert!(limiter.check("c@x.com", "1.1.1.1", t).is_err());
        // The window slides.
        let later = t + Duration::from_secs(61);
        assert!(limiter.check("a@x.com", "1.1.1.1", later).is_ok());
        limiter.record_success("a@x.com");
    }
}
