//! A request body must keep coming: no gap between two pieces longer than `idle`, and a pace of
//! at least `min_rate` bytes a second once the first `idle` has passed — the time allowed moves
//! one second later for every `min_rate` bytes received (the rule of Apache's mod_reqtimeout).
//! A body dripped a byte at a time, each just before the gap would close it, is cut by the pace;
//! a slow but steady upload (a phone on a weak line) is not. A body cut ends its request with an
//! error and hyper closes the connection, since the body was not read to its end.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How a body must keep coming.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// The longest gap between two pieces, and the time allowed before the pace counts.
    pub idle: Duration,
    /// Bytes a second, on average, after `idle`; 0 leaves only the gap rule.
    pub min_rate: u64,
}

/// Why a body was cut.
#[derive(Debug)]
pub enum Stalled {
    /// No piece for longer than the gap allowed.
    Gap(Duration),
    /// Fewer bytes than the pace asks.
    Slow { received: u64, seconds: u64 },
}

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stalled::Gap(d) => write!(f, "request body stalled for {} s", d.as_secs()),
            Stalled::Slow { received, seconds } => {
                write!(f, "request body too slow: {received} bytes in {seconds} s")
            }
        }
    }
}

impl std::error::Error for Stalled {}

/// The request with its body paced (hyper's body as it comes off the connection, or any other).
pub fn paced<B>(pace: Pace, request: axum::http::Request<B>) -> Request
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    request.map(|body| Body::new(PacedBody::new(Body::new(body), pace)))
}

struct PacedBody {
    inner: Body,
    pace: Pace,
    started: Instant,
    received: u64,
    /// Fires when the gap since the last piece is too long.
    gap: Pin<Box<Sleep>>,
    /// Fires when the pace may have fallen behind (checked, then moved).
    behind: Pin<Box<Sleep>>,
}

impl PacedBody {
    fn new(inner: Body, pace: Pace) -> Self {
        let started = Instant::now();
        Self {
            inner,
            pace,
            started,
            received: 0,
            gap: Box::pin(tokio::time::sleep_until(started + pace.idle)),
            behind: Box::pin(tokio::time::sleep_until(started + pace.idle)),
        }
    }

    /// The time by which the bytes received so far had to have come.
    fn allowed_until(&self) -> Option<Instant> {
        if self.pace.min_rate == 0 {
            return None;
        }
        let earned = Duration::from_secs_f64(self.received as f64 / self.pace.min_rate as f64);
        Some(self.started + self.pace.idle + earned)
    }
}

impl http_body::Body for PacedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        // What has arrived is taken before any clock is read.
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                this.gap.as_mut().reset(Instant::now() + this.pace.idle);
                return Poll::Ready(Some(Ok(frame)));
            }
            Poll::Ready(other) => return Poll::Ready(other),
            Poll::Pending => {}
        }
        if this.gap.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(Stalled::Gap(this.pace.idle)))));
        }
        while let Some(until) = this.allowed_until() {
            if this.behind.as_mut().poll(cx).is_pending() {
                break;
            }
            if until <= Instant::now() {
                return Poll::Ready(Some(Err(axum::Error::new(Stalled::Slow {
                    received: this.received,
                    seconds: this.started.elapsed().as_secs(),
                }))));
            }
            this.behind.as_mut().reset(until);
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use tokio::sync::mpsc;

    /// A body fed by the test, piece by piece.
    struct Fed(mpsc::Receiver<Bytes>);

    impl http_body::Body for Fed {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            self.0.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
        }
    }

    async fn drip(
        pace: Pace,
        every: Duration,
        piece: usize,
        pieces: usize,
    ) -> Result<usize, String> {
        let (tx, rx) = mpsc::channel(16);
        let body = Body::new(PacedBody::new(Body::new(Fed(rx)), pace));
        tokio::spawn(async move {
            for _ in 0..pieces {
                tokio::time::sleep(every).await;
                if tx.send(Bytes::from(vec![b'x'; piece])).await.is_err() {
                    return;
                }
            }
        });
        body.collect()
            .await
            .map(|c| c.to_bytes().len())
            .map_err(|e| e.to_string())
    }

    #[tokio::test(start_paused = true)]
    async fn a_drip_is_cut_by_the_pace_a_steady_slow_body_is_not() {
        let pace = Pace {
            idle: Duration::from_secs(10),
            min_rate: 100,
        };
        // One byte every 5 s never leaves a 10 s gap, but 1 byte in 5 s is far below 100/s.
        let cut = drip(pace, Duration::from_secs(5), 1, 100).await;
        assert!(
            cut.as_ref().is_err_and(|e| e.contains("too slow")),
            "{cut:?}"
        );
        // 60 bytes a second: after t seconds it has earned 10 + 0.6·t, behind from t = 25 s.
        let slow = drip(pace, Duration::from_secs(1), 60, 60).await;
        assert!(slow.is_err(), "{slow:?}");
        // 200 bytes a second: always ahead of the pace, read to its end.
        let steady = drip(pace, Duration::from_secs(1), 200, 60).await;
        assert_eq!(steady, Ok(12_000));
        // A gap longer than the idle time is cut even when the pace is met.
        let gap = drip(pace, Duration::from_secs(11), 5_000, 3).await;
        assert!(
            gap.as_ref().is_err_and(|e| e.contains("stalled")),
            "{gap:?}"
        );
        // No pace asked: only the gap counts.
        let no_pace = drip(
            Pace {
                idle: Duration::from_secs(10),
                min_rate: 0,
            },
            Duration::from_secs(5),
            1,
            30,
        )
        .await;
        assert_eq!(no_pace, Ok(30));
    }
}
