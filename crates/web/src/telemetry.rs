//! What an operator sees of a server: logs (JSON lines through `tracing`, each line of a request
//! under its request id), Prometheus metrics at `/metrics` and readiness at `/readyz`.
//!
//! - Every request gets an `x-request-id` (the caller's or the proxy's, else a new UUID), echoed in
//!   the answer and carried by every log line written while it is served; a 500's incident code
//!   is logged under it with the cause.
//! - `/metrics` (an administrator's session or API token): requests and latency by route,
//!   requests in flight, database connections, the status book's refreshes (when it last caught
//!   up with the store, how long that took), the reminder mail and import queues.

use std::io::IsTerminal;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing_subscriber::EnvFilter;

use crate::AppState;
use crate::auth::ApiUser;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (for a log collector).
    Json,
    /// Lines for a person at a terminal.
    Text,
}

impl LogFormat {
    /// JSON unless the log goes to a terminal.
    pub fn automatic() -> LogFormat {
        if std::io::stderr().is_terminal() {
            LogFormat::Text
        } else {
            LogFormat::Json
        }
    }
}

/// Starts writing logs to standard error; the level comes from `TIENDO_LOG` (`info` unless set,
/// e.g. `TIENDO_LOG=debug` or `TIENDO_LOG=tiendo_web=debug,info`). A second call does nothing.
pub fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_env("TIENDO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Logs of a command other than `serve`: errors only (`TIENDO_LOG` to see more), as plain lines
/// on standard error, so that a failure's cause is printed beside its incident code.
pub fn init_command_logs() {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_env("TIENDO_LOG").unwrap_or_else(|_| EnvFilter::new("error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .try_init();
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    method: String,
    route: String,
}

type Latency = Family<Route, Histogram, fn() -> Histogram>;

fn latency_buckets() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The server's metrics, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<Answered, Counter>,
    latency: Latency,
    in_flight: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
    refreshed_at: Gauge<f64, AtomicU64>,
    refresh_seconds: Gauge<f64, AtomicU64>,
    refreshes: Gauge,
    refresh_failures: Gauge,
    mail_waiting: Gauge,
    imports_running: Gauge,
    draining: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("tiendo");
        let requests = Family::<Answered, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: Latency = Family::new_with_constructor(latency_buckets);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by method and route template",
            latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let float = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::<f64, AtomicU64>::default();
            registry.register(name, help, g.clone());
            g
        };
        let in_flight = gauge(
            &mut registry,
            "http_requests_in_flight",
            "Requests being answered",
        );
        let pool_connections = gauge(
            &mut registry,
            "db_connections",
            "Database connections open in the pool",
        );
        let pool_idle = gauge(
            &mut registry,
            "db_connections_idle",
            "Database connections open and unused",
        );
        let refreshed_at = float(
            &mut registry,
            "book_refreshed_timestamp_seconds",
            "When the status book in memory last caught up with the store (Unix time); the lag is time() minus this",
        );
        let refresh_seconds = float(
            &mut registry,
            "book_refresh_last_duration_seconds",
            "How long the last refresh of the status book took",
        );
        let refreshes = gauge(
            &mut registry,
            "book_refreshes",
            "Refreshes of the status book since the server started",
        );
        let refresh_failures = gauge(
            &mut registry,
            "book_refresh_failures",
            "Refreshes of the status book that failed since the server started",
        );
        let mail_waiting = gauge(
            &mut registry,
            "mail_queue_waiting",
            "Reminder e-mails the SMTP server has not accepted yet",
        );
        let imports_running = gauge(
            &mut registry,
            "import_jobs_running",
            "Imports being read or stored",
        );
        let draining = gauge(
            &mut registry,
            "draining",
            "1 while the server finishes its requests before stopping",
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            pool_connections,
            pool_idle,
            refreshed_at,
            refresh_seconds,
            refreshes,
            refresh_failures,
            mail_waiting,
            imports_running,
            draining,
        }
    }
}

/// Counts every answer and its time under the route's template (`/nhiem-vu/{id}`, never the
/// path itself: the set of labels stays small).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(không có)".to_string(), |m| m.as_str().to_string());
    let method = req.method().as_str().to_string();
    let m = &state.metrics;
    m.in_flight.inc();
    let started = Instant::now();
    let res = next.run(req).await;
    m.in_flight.dec();
    m.latency
        .get_or_create(&Route {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&Answered {
            method,
            route,
            status: res.status().as_u16().to_string(),
        })
        .inc();
    res
}

/// `GET /metrics`: the Prometheus text format, for an administrator (a scraper uses an API
/// token: `Authorization: Bearer …`).
pub async fn metrics(State(state): State<AppState>, ApiUser(me): ApiUser) -> Response {
    if me.user.role != tiendo_domain::access::UserRole::Admin {
        return (StatusCode::FORBIDDEN, "Chỉ quản trị viên xem được số đo.").into_response();
    }
    let m = &state.metrics;
    let (connections, idle) = state.pool_connections();
    m.pool_connections.set(i64::from(connections));
    m.pool_idle.set(idle as i64);
    let r = state.refreshes.read();
    m.refreshed_at.set(r.last_success_unix_seconds);
    m.refresh_seconds.set(r.last_seconds);
    m.refreshes.set(r.total);
    m.refresh_failures.set(r.failed);
    m.draining.set(i64::from(state.is_draining()));
    match state.queue_sizes().await {
        Ok(q) => {
            m.mail_waiting.set(q.mail_waiting);
            m.imports_running.set(q.imports_running);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: queue sizes not read"),
    }
    let mut text = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &m.registry) {
        return crate::errors::internal(e);
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// 503 with Retry-After, saying only why (`{"status": why}`).
fn unavailable(why: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        axum::Json(serde_json::json!({ "status": why })),
    )
        .into_response()
}

/// 200 `{"status": ok}` when the database answers, otherwise 503 "unavailable".
async fn database_answers(state: &AppState, probe: &str, ok: &str) -> Response {
    match state.data_version().await {
        Ok(_) => axum::Json(serde_json::json!({ "status": ok })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, probe, "the database does not answer");
            unavailable("unavailable")
        }
    }
}

/// `GET /healthz`, for a monitor, without signing in: 200 `{"status": "ok"}` when the database
/// answers, otherwise 503 with Retry-After. It says nothing else.
pub async fn health(State(state): State<AppState>) -> Response {
    database_answers(&state, "healthz", "ok").await
}

/// `GET /readyz`, for a load balancer, without signing in: 200 `{"status": "ready"}` while this
/// server takes requests and its database answers; 503 with Retry-After while it stops (after
/// SIGTERM) or when the database does not answer.
pub async fn ready(State(state): State<AppState>) -> Response {
    if state.is_draining() {
        return unavailable("stopping");
    }
    database_answers(&state, "readyz", "ready").await
}
