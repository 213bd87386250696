//! A client-side request budget for one account-region's ECS reads.
//!
//! ECS throttles with token buckets per account and region that the customer's own deploy
//! tooling shares, so a scan must never take the whole bucket. Each scan of an account-region
//! spends from its own budget (default 10 requests/s, a burst of 10) before every ECS request
//! it sends; the SDK's standard retries (backoff with jitter) stay behind it for the throttling
//! that other callers still cause.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Requests per second and burst of a budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    /// The default ECS read budget per account-region: well under ECS's sustained read rates
    /// (20 task-definition and service describes per second).
    pub const ECS_DEFAULT: Rate = Rate {
        per_second: 10.0,
        burst: 10.0,
    };

    /// `per_second` with a burst of the same size (at least 1).
    pub fn per_second(per_second: f64) -> Rate {
        Rate {
            per_second,
            burst: per_second.max(1.0),
        }
    }
}

/// A token bucket that hands out reservations: a request takes a token now, or the time to wait
/// for its token. Reservations queue in order (tokens go negative), so concurrent callers are
/// spaced by `1 / rate` however many wait.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: Rate,
    tokens: f64,
    last: Option<Instant>,
}

impl TokenBucket {
    pub fn new(rate: Rate) -> TokenBucket {
        TokenBucket {
            rate,
            tokens: rate.burst,
            last: None,
        }
    }

    /// Take one token at `now`: how long the caller must wait before sending (zero: send now).
    pub fn take(&mut self, now: Instant) -> Duration {
        if let Some(last) = self.last {
            let elapsed = now.saturating_duration_since(last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.rate.per_second).min(self.rate.burst);
        }
        self.last = Some(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.rate.per_second)
        }
    }
}

/// A shared budget: [`Budget::spend`] waits for a token.
#[derive(Debug)]
pub struct Budget {
    bucket: Mutex<TokenBucket>,
}

impl Budget {
    pub fn new(rate: Rate) -> Budget {
        Budget {
            bucket: Mutex::new(TokenBucket::new(rate)),
        }
    }

    /// Wait until one request may be sent.
    pub async fn spend(&self) {
        let wait = {
            let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
            bucket.take(tokio::time::Instant::now().into_std())
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_goes_at_once_then_requests_are_spaced() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(Rate {
            per_second: 10.0,
            burst: 3.0,
        });
        for _ in 0..3 {
            assert_eq!(b.take(t0), Duration::ZERO);
        }
        // The 4th, 5th and 6th at the same instant wait 0.1, 0.2 and 0.3 s: queued in order.
        for n in 1..=3u32 {
            let w = b.take(t0).as_secs_f64();
            assert!((w - f64::from(n) * 0.1).abs() < 1e-9, "{n}: {w}");
        }
    }

    #[test]
    fn tokens_refill_up_to_the_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(Rate::per_second(2.0));
        assert_eq!(b.take(t0), Duration::ZERO);
        assert_eq!(b.take(t0), Duration::ZERO);
        assert!(b.take(t0) > Duration::ZERO, "the burst of 2 is spent");
        // A long pause refills to the burst, not beyond.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(b.take(later), Duration::ZERO);
        assert_eq!(b.take(later), Duration::ZERO);
        assert!(b.take(later) > Duration::ZERO);
    }

    #[test]
    fn the_rate_over_a_long_run_is_the_budget() {
        // 1,000 requests as fast as the bucket lets them: the last waits (1000 - burst) / rate.
        let t0 = Instant::now();
        let mut b = TokenBucket::new(Rate::ECS_DEFAULT);
        let mut last = Duration::ZERO;
        for _ in 0..1000 {
            last = b.take(t0);
        }
        assert!((last.as_secs_f64() - 99.0).abs() < 1e-6, "{last:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn spend_waits_for_a_token() {
        let budget = Budget::new(Rate {
            per_second: 5.0,
            burst: 1.0,
        });
        let start = tokio::time::Instant::now();
        for _ in 0..6 {
            budget.spend().await;
        }
        // With paused time, sleeps advance the clock exactly: 5 waits of 0.2 s.
        let spent = start.elapsed().as_secs_f64();
        assert!((0.99..1.05).contains(&spent), "{spent}");
    }
}
