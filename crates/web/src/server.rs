//! The listening loop: each connection served by hyper with the limits a public server needs,
//! and a graceful stop.
//!
//! - a request's head must arrive within [`Limits::header_timeout`], and an idle kept-alive
//!   connection is closed after it too (hyper's header-read timer runs while it waits for the
//!   next request): a thousand silent sockets cannot starve the server;
//! - a request body that stalls longer than [`Limits::body_idle_timeout`] between two pieces, or
//!   falls below [`Limits::body_min_rate`] bytes a second after that time ([`crate::pacing`]: a
//!   body dripped a byte at a time), ends the request and its connection; a slow but steady
//!   upload is not cut;
//! - no request is answered later than [`Limits::request_timeout`] (503, Retry-After);
//! - at most [`Limits::max_connections`] connections at once: the next waits to be accepted;
//! - on SIGTERM or Ctrl-C the server stops accepting, `/readyz` answers 503, and the requests in
//!   flight finish (each connection closes after its current answer) within
//!   [`Limits::shutdown_grace`]; a write is one transaction, so nothing is left half-written.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::add_extension::AddExtensionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::AppState;

/// The limits of a server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_idle_timeout: Duration,
    /// Bytes a second a request body must average once `body_idle_timeout` has passed (0: none).
    pub body_min_rate: u64,
    pub request_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(15),
            body_idle_timeout: Duration::from_secs(30),
            body_min_rate: 256,
            request_timeout: Duration::from_secs(120),
            max_connections: 4096,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C, then finishes what is in flight.
pub async fn run(
    listener: TcpListener,
    app: Router,
    state: AppState,
    limits: Limits,
) -> anyhow::Result<()> {
    let app = app.layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        limits.request_timeout,
    ));
    let pace = crate::pacing::Pace {
        idle: limits.body_idle_timeout,
        min_rate: limits.body_min_rate,
    };
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut stop = std::pin::pin!(stop_signal());
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p?,
            _ = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = ServiceBuilder::new()
            .layer(AddExtensionLayer::new(ConnectInfo(peer)))
            .map_request(move |r: hyper::Request<hyper::body::Incoming>| {
                crate::pacing::paced(pace, r)
            })
            .service(app.clone());
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .keep_alive(true);
        let connection = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(peer = %peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    state.start_draining();
    drop(listener);
    tracing::info!(
        grace_seconds = limits.shutdown_grace.as_secs(),
        "stopping: no new connections, finishing the requests in flight"
    );
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("stopped: every request answered"),
        _ = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("stopped: some connections were still open after the grace period")
        }
    }
    Ok(())
}

/// SIGTERM (a service manager, `kill`) or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM cannot be awaited");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Where a request came from (the proxy's address behind nginx).
pub fn peer(req: &axum::http::request::Parts) -> Option<SocketAddr> {
    req.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}
