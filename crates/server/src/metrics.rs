//! Prometheus text exposition, written by hand: a handful of counters and one histogram do not
//! warrant a metrics framework. Counters sit behind one short-held mutex each; a request touches
//! them once, after its answer is made.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What one route has answered: counts by status and the latency histogram.
#[derive(Default)]
struct RouteStats {
    statuses: BTreeMap<u16, u64>,
    latency: Histogram,
}

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    /// Keyed by the matched path pattern, so the set stays as small as the router's.
    routes: Mutex<BTreeMap<String, RouteStats>>,
    messages: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    in_flight: AtomicI64,
    /// Forwarded events the receiver took.
    pub(crate) forward_delivered: AtomicU64,
    /// Forwarded events given up on (refused, or out of attempts).
    pub(crate) forward_failed: AtomicU64,
    /// Attempts after a first one failed.
    pub(crate) forward_retries: AtomicU64,
    /// Events refused because the queue was full (their payload got 429).
    pub(crate) forward_refused: AtomicU64,
    /// Events queued or being delivered.
    pub(crate) forward_pending: AtomicI64,
}

impl Metrics {
    /// Counts one answered request on `route` (the matched path pattern) with its latency.
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        // Allocates the key once per route, not once per request.
        if !routes.contains_key(route) {
            routes.insert(route.to_string(), RouteStats::default());
        }
        let Some(stats) = routes.get_mut(route) else {
            return;
        };
        *stats.statuses.entry(status).or_default() += 1;
        let secs = took.as_secs_f64();
        let h = &mut stats.latency;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Counts one classified message.
    pub fn message(&self, intent: &'static str, lang: &'static str) {
        if let Ok(mut m) = self.messages.lock() {
            *m.entry((intent, lang)).or_default() += 1;
        }
    }

    /// A request started (+1) or ended (-1).
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// The exposition text, with the model's identity as an info metric.
    pub fn render(&self, model: &sandesh::Manifest) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP sandesh_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE sandesh_requests_total counter\n");
        let routes = self.routes.lock().ok();
        for (route, stats) in routes.iter().flat_map(|r| r.iter()) {
            for (status, n) in &stats.statuses {
                let _ = writeln!(
                    out,
                    "sandesh_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP sandesh_request_duration_seconds Time from request to answer, by route.\n",
        );
        out.push_str("# TYPE sandesh_request_duration_seconds histogram\n");
        for (route, stats) in routes.iter().flat_map(|r| r.iter()) {
            let h = &stats.latency;
            for (b, c) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "sandesh_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {c}"
                );
            }
            let _ = writeln!(
                out,
                "sandesh_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "sandesh_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "sandesh_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        drop(routes);
        out.push_str(
            "# HELP sandesh_messages_total Messages classified, by intent and language.\n",
        );
        out.push_str("# TYPE sandesh_messages_total counter\n");
        if let Ok(m) = self.messages.lock() {
            for ((intent, lang), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "sandesh_messages_total{{intent=\"{intent}\",lang=\"{lang}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP sandesh_requests_in_flight Requests being answered now.\n");
        out.push_str("# TYPE sandesh_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "sandesh_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        for (name, help, value) in [
            (
                "sandesh_forward_delivered_total",
                "Forwarded analyses the receiver took.",
                self.forward_delivered.load(Ordering::Relaxed),
            ),
            (
                "sandesh_forward_failed_total",
                "Forwarded analyses given up on: refused by the receiver or out of attempts.",
                self.forward_failed.load(Ordering::Relaxed),
            ),
            (
                "sandesh_forward_retries_total",
                "Forwarding attempts after a failed one.",
                self.forward_retries.load(Ordering::Relaxed),
            ),
            (
                "sandesh_forward_refused_total",
                "Analyses not queued because the forward queue was full (the webhook got 429).",
                self.forward_refused.load(Ordering::Relaxed),
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        out.push_str("# HELP sandesh_forward_pending Analyses queued or being forwarded.\n");
        out.push_str("# TYPE sandesh_forward_pending gauge\n");
        let _ = writeln!(
            out,
            "sandesh_forward_pending {}",
            self.forward_pending.load(Ordering::Relaxed)
        );
        out.push_str("# HELP sandesh_model_info The loaded model (value is always 1).\n");
        out.push_str("# TYPE sandesh_model_info gauge\n");
        let _ = writeln!(
            out,
            "sandesh_model_info{{kind=\"{}\",format_version=\"{}\",labels=\"{}\",data_sha256=\"{}\"}} 1",
            escape(&model.kind),
            model.format_version,
            escape(&model.labels.join(",")),
            escape(&model.training.data_sha256),
        );
        out
    }
}

/// Escapes a label value (backslash, quote, newline).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
