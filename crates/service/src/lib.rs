//! The service layer of Tiến Độ: what users do, checked in one place for the command line, the
//! web pages and the JSON API alike, and the data in memory that follows the store.
//!
//! - [`Service`]: the store plus the status book in memory ([`Snapshot`]), brought up to date
//!   with the audit log after every change; a month's ranking cached per version of the data.
//! - [`operations`]: each action (report, deadline request, difficulty, review, edit, registry,
//!   meeting): who may do it and whether its values make sense; a [`Refusal`] stores nothing.
//! - [`accounts`]: passwords, one-time passwords, API and session tokens; accounts as
//!   administrators manage them.
//! - [`sessions`]: signing in (throttled) and out, one's own password, who a token is.
//! - [`queries`]: what the front ends read (the dashboard, the task list, the records).
//! - `upkeep`: the probes, the background loops and the generated data sets.
//! - [`reminders`]: the digests of a day, queued once and delivered by e-mail with retries.
//!
//! Nothing here knows HTTP: a refusal says what kind of refusal it is ([`RefusalKind`]) and the
//! web adapter maps that to a status code.

pub mod accounts;
pub mod import_jobs;
pub mod indicators;
pub mod integration;
pub mod notices;
pub mod operations;
pub mod people;
pub mod queries;
pub mod reminders;
pub mod sessions;
mod snapshot;
mod upkeep;
pub mod webhooks;

pub use operations::{Outcome, Refusal, RefusalKind};
pub use snapshot::{RefreshReading, Snapshot, Visibility, load_snapshot};

/// Who acts when a command of the command line changes data: an administrator named `cli` in
/// the audit log.
pub fn command_line_user() -> tiendo_store::users::User {
    tiendo_store::users::User {
        id: 0,
        username: "cli".into(),
        full_name: "Dòng lệnh".into(),
        password_hash: String::new(),
        role: tiendo_domain::access::UserRole::Admin,
        agency_id: None,
        committee_id: tiendo_domain::access::Reader::EVERY_COMMITTEE,
        must_change_password: false,
    }
}

use std::collections::HashMap;
use std::sync::Arc;

use tiendo_domain::scoring::Month;
use tiendo_reports::ScoreReport;
use tiendo_store::Db;
use tokio::sync::{Mutex, RwLock};

/// Where a server's status book was read from when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookSource {
    /// The newest save, then the changes after it.
    Save,
    /// Every assignment and report in the tables.
    Tables,
}

/// The store and what is read from memory, shared by every request of a server.
pub struct Service {
    /// The store: the service's own, so that every front end goes through the rules here.
    pub(crate) db: Db,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Where the snapshot stands in the audit log's feed; held by the one refresh running.
    position: Mutex<tiendo_store::audit::FeedPosition>,
    /// Where the book was read from when the service started.
    pub started_from: BookSource,
    /// Where the book last saved stood ([`Service::save_book`]); held by the one save running.
    saved_at: Mutex<Option<tiendo_store::audit::FeedPosition>>,
    /// How refreshes went, for metrics.
    pub refreshes: snapshot::RefreshStats,
    /// Which refreshes have begun and completed, so that a caller whose change another
    /// refresh has read already does not read the feed again.
    turns: snapshot::RefreshTurns,
    /// Months already scored, by the data version they were scored on.
    scores: Mutex<HashMap<(Month, i64), Arc<ScoreReport>>>,
    /// Whether the status book in memory follows the store (not for one command).
    follows: bool,
    /// Every indicator's figures and targets in memory.
    pub(crate) indicators: indicators::IndicatorCache,
}

impl Service {
    /// Reads the status book from the store.
    /// Reads the status book: the newest save and the changes after it, or the tables when
    /// there is no save that reads back (a save that cannot be used costs a full load, nothing
    /// more).
    pub async fn new(db: Db) -> anyhow::Result<Service> {
        let saved = match db.saved_status_book_in_feed().await {
            Ok(Some((position, book))) => Some((position, snapshot::around(&db, book).await?)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "the saved status book could not be read");
                None
            }
        };
        let from_save = saved.is_some();
        let (position, snap) = match saved {
            Some(s) => s,
            None => snapshot::load_followed(&db).await?,
        };
        let service = Service {
            db,
            snapshot: RwLock::new(Arc::new(snap)),
            started_from: if from_save {
                BookSource::Save
            } else {
                BookSource::Tables
            },
            saved_at: Mutex::new(from_save.then(|| position.clone())),
            position: Mutex::new(position),
            refreshes: Default::default(),
            turns: Default::default(),
            scores: Default::default(),
            follows: true,
            indicators: Default::default(),
        };
        if from_save {
            service.catch_up().await?;
        }
        Ok(service)
    }

    /// The service for one command of the command line: the status book is not read (reading
    /// it costs seconds at national scale, and no operation a command runs needs it) and does
    /// not follow changes.
    pub fn for_command(db: Db) -> Service {
        Service {
            db,
            snapshot: RwLock::new(Arc::new(Snapshot::empty())),
            position: Mutex::default(),
            started_from: BookSource::Tables,
            saved_at: Mutex::default(),
            refreshes: Default::default(),
            turns: Default::default(),
            scores: Default::default(),
            follows: false,
            indicators: Default::default(),
        }
    }

    pub async fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().await.clone()
    }

    /// A month's ranking with the published formula, computed once per version of the data.
    pub async fn score(&self, month: Month) -> anyhow::Result<Arc<ScoreReport>> {
        let snap = self.snapshot().await;
        self.score_on(&snap, month).await
    }

    /// [`Service::score`] on a given state of the data (a command's, read once).
    pub async fn score_on(
        &self,
        snap: &Snapshot,
        month: Month,
    ) -> anyhow::Result<Arc<ScoreReport>> {
        let key = (month, snap.version);
        if let Some(r) = self.scores.lock().await.get(&key) {
            return Ok(r.clone());
        }
        let indicators = self.indicator_book().await?;
        let r = Arc::new(
            tiendo_reports::score_with(&self.db, &snap.book, month, None, &indicators).await?,
        );
        drop(indicators);
        let mut cache = self.scores.lock().await;
        cache.retain(|k, _| k.1 == snap.version);
        cache.insert(key, r.clone());
        Ok(r)
    }

    /// The data as stored now, read once (a command's; a server keeps its own,
    /// [`Service::snapshot`]).
    pub async fn snapshot_now(&self) -> anyhow::Result<Snapshot> {
        load_snapshot(&self.db).await
    }
}
