//! Counting a run's outcomes and printing them as the compact block pasted into BENCHMARKS.md.

use std::fmt;
use std::time::{Duration, Instant};

use super::Failure;

/// Everything a run observed; latencies are kept whole so percentiles are exact, not estimated.
pub struct Tally {
    pub sent: u64,
    latencies: Vec<Duration>,
    errors: u64,
    mismatches: u64,
    first_error: Option<String>,
    first_mismatch: Option<String>,
    bytes: u64,
    /// Responses decoded far enough to count their products, right or wrong.
    answers: u64,
    products: u64,
    values: u64,
    last_response: Instant,
}

impl Tally {
    pub fn new(start: Instant, expected: usize) -> Tally {
        Tally {
            sent: 0,
            latencies: Vec::with_capacity(expected),
            errors: 0,
            mismatches: 0,
            first_error: None,
            first_mismatch: None,
            bytes: 0,
            answers: 0,
            products: 0,
            values: 0,
            last_response: start,
        }
    }

    /// A response arrived after `latency`; a response that is an error still counts as one.
    pub fn completed(&mut self, latency: Duration, bytes: usize) {
        self.latencies.push(latency);
        self.bytes += bytes as u64;
        self.last_response = Instant::now();
    }

    /// A decoded response held `products` products with `values` values between them.
    pub fn held(&mut self, products: usize, values: usize) {
        self.answers += 1;
        self.products += products as u64;
        self.values += values as u64;
    }

    pub fn failed(&mut self, failure: Failure, latency: Duration) {
        let message = match failure {
            Failure::Transport(m) => m,
            Failure::Response(m) => {
                self.completed(latency, 0);
                m
            }
        };
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }

    /// A well-formed response with the wrong content: another product, or a short page.
    pub fn mismatch(&mut self, message: String) {
        self.mismatches += 1;
        self.first_mismatch.get_or_insert(message);
    }

    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.mismatches == 0
    }

    pub fn errors(&self) -> u64 {
        self.errors
    }

    pub fn mismatches(&self) -> u64 {
        self.mismatches
    }
}

/// A finished run ready to print.
pub struct Report {
    pub command: String,
    /// One line saying what was measured and how.
    pub title: String,
    pub tally: Tally,
    pub start: Instant,
    /// The most a request left after its scheduled time, for runs to a schedule: a large lag
    /// means the generator, not the service, was the bottleneck.
    pub lag: Option<Duration>,
    /// Whether responses are pages, so products per response is worth a figure.
    pub pages: bool,
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tally;
        let completed = t.latencies.len() as u64;
        writeln!(f, "$ {}", self.command)?;
        writeln!(f, "{}", self.title)?;
        writeln!(
            f,
            "  requests  sent {}  completed {completed}  errors {}  mismatches {}",
            t.sent, t.errors, t.mismatches
        )?;
        let elapsed = t
            .last_response
            .duration_since(self.start)
            .as_secs_f64()
            .max(1e-9);
        let rate = completed as f64 / elapsed;
        write!(
            f,
            "  rate      {rate:.1} req/s achieved over {elapsed:.1} s"
        )?;
        if self.pages {
            write!(f, " ({:.0} products/s)", t.products as f64 / elapsed)?;
        }
        writeln!(f)?;
        if completed > 0 {
            let mut sorted = t.latencies.clone();
            sorted.sort_unstable();
            let p = |q| ms(percentile(&sorted, q));
            let max = ms(sorted[sorted.len() - 1]);
            writeln!(
                f,
                "  latency   p50 {}  p90 {}  p95 {}  p99 {}  max {max} ms",
                p(50.0),
                p(90.0),
                p(95.0),
                p(99.0)
            )?;
            write!(f, "  response  ")?;
            let per_product = t.values as f64 / t.products.max(1) as f64;
            if self.pages {
                write!(
                    f,
                    "{:.1} products/page, ",
                    t.products as f64 / t.answers.max(1) as f64
                )?;
            }
            write!(
                f,
                "{per_product:.1} values/product, {:.1} KB avg",
                t.bytes as f64 / completed as f64 / 1024.0
            )?;
            if let Some(lag) = self.lag {
                write!(f, "; send lag max {} ms", ms(lag))?;
            }
            writeln!(f)?;
        }
        if !t.is_clean() {
            writeln!(
                f,
                "  !! FAILED RUN: {} errors, {} mismatches; these figures are not valid",
                t.errors, t.mismatches
            )?;
            if let Some(e) = &t.first_error {
                writeln!(f, "  !! first error: {e}")?;
            }
            if let Some(m) = &t.first_mismatch {
                writeln!(f, "  !! first mismatch: {m}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&samples[..1], 50.0), Duration::from_millis(1));
    }
}
