//! The status book in memory and how it follows the store: the audit log's feed
//! ([`tiendo_store::audit::FeedPosition`]) says what changed since the snapshot was taken, a
//! commit that lands late included; each change reloads what it touched ([`Reload`]: one
//! assignment for a report, one task for another change to it), anything wider reloads
//! everything.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tiendo_domain::audit::AuditAction;

use tiendo_domain::recurrence::OccurrenceCounts;
use tiendo_domain::status::FourWay;
use time::Date;

use tiendo_domain::access::{Access, Reader, TaskScope};
use tiendo_domain::status::StatusBook;
use tiendo_store::Db;
use tiendo_store::audit::FeedPosition;
use tiendo_store::facts::AgencyName;
use tiendo_store::registry::Committee;
use tiendo_store::tasks::TaskInPlan;
use tiendo_store::users::User;

use crate::Service;

/// What the pages read from memory: the status book and the agency names. Changes to a few tasks
/// are applied to a copy, published as a new state; anything else (an import by another
/// process, say) reloads it.
pub struct Snapshot {
    pub book: StatusBook,
    pub agencies: HashMap<i64, AgencyName>,
    /// Every task id with its secrecy flag and committee, in plan order.
    pub tasks: Vec<TaskInPlan>,
    /// What the visibility rule reads of each task, by id (from `tasks`).
    scopes: Arc<HashMap<i64, TaskScope>>,
    /// The committees: the Government's and the provinces'.
    pub committees: Vec<Committee>,
    /// This state of the book, unique in the process: what is computed from it (a day's counts,
    /// a month's ranking) is kept under it.
    pub version: i64,
    /// The day's counts of the whole book, by version, day and committee (the newest few kept).
    day_counts: Arc<Mutex<Vec<KeptDay>>>,
    /// Per provincial committee, the tasks assigned to its province or its own agencies, by
    /// version.
    received: Arc<Mutex<Vec<KeptReceived>>>,
    /// Per agency, the tasks it is assigned now (a focal point's own), by version.
    assigned: Arc<Mutex<Vec<KeptReceived>>>,
}

/// The next state's [`Snapshot::version`].
fn next_version() -> i64 {
    static STATES: AtomicI64 = AtomicI64::new(1);
    STATES.fetch_add(1, Ordering::Relaxed)
}

/// A copy (to change, then publish) is a new state: it starts without kept counts, which belong
/// to the state they were counted on (readers of the old state keep theirs).
impl Clone for Snapshot {
    fn clone(&self) -> Snapshot {
        Snapshot {
            book: self.book.clone(),
            agencies: self.agencies.clone(),
            tasks: self.tasks.clone(),
            scopes: self.scopes.clone(),
            committees: self.committees.clone(),
            version: next_version(),
            day_counts: Arc::default(),
            received: Arc::default(),
            assigned: Arc::default(),
        }
    }
}

/// Each task's [`TaskScope`], by id.
fn scopes_of(tasks: &[TaskInPlan]) -> Arc<HashMap<i64, TaskScope>> {
    Arc::new(
        tasks
            .iter()
            .map(|t| {
                (
                    t.id,
                    TaskScope {
                        committee: t.committee_id,
                        secret: t.secret,
                    },
                )
            })
            .collect(),
    )
}

/// The counts of a day over the whole book: per agency, its lead assignments in the four ways
/// and its recurring assignments' periodic reports. Counting the periodic reports walks every
/// recurring obligation's occurrences, so the dashboard reads them from here, computed once per
/// state of the book and day.
#[derive(Debug, Default)]
pub struct DayCounts {
    pub agencies: HashMap<i64, FourWay>,
    pub periodic: HashMap<i64, OccurrenceCounts>,
}

impl DayCounts {
    /// The four-way counts over every agency's lead assignments.
    pub fn lead_total(&self) -> FourWay {
        self.agencies.values().copied().sum()
    }

    /// The periodic reports over every recurring lead assignment.
    pub fn periodic_total(&self) -> OccurrenceCounts {
        let mut t = OccurrenceCounts::default();
        for c in self.periodic.values() {
            t += *c;
        }
        t
    }
}

/// A set of tasks as kept for a state of the book: its version, what it is of (a committee, an
/// agency), the tasks.
type KeptReceived = (i64, i64, Arc<HashSet<i64>>);

/// The set kept for `key` in this state of the book, computed by the first reader; sets of older
/// states are dropped, and at most `limit` are kept (the oldest dropped first).
fn kept_per_state(
    kept: &Mutex<Vec<KeptReceived>>,
    version: i64,
    key: i64,
    limit: usize,
    compute: impl FnOnce() -> HashSet<i64>,
) -> Arc<HashSet<i64>> {
    let mut kept = kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((.., r)) = kept.iter().find(|(v, k, _)| *v == version && *k == key) {
        return r.clone();
    }
    let r = Arc::new(compute());
    kept.retain(|(v, ..)| *v == version);
    if kept.len() >= limit {
        kept.remove(0);
    }
    kept.push((version, key, r.clone()));
    r
}

/// A day's counts as kept: the book's version, the day, the committee whose lists are counted,
/// the counts.
type KeptDay = (i64, Date, i64, Arc<DayCounts>);

/// Days whose counts are kept per state of the book.
const DAYS_KEPT: usize = 8;

impl Snapshot {
    /// No task, no agency: what a command of the command line holds.
    pub fn empty() -> Snapshot {
        Snapshot {
            book: StatusBook::default(),
            agencies: HashMap::new(),
            tasks: Vec::new(),
            scopes: Arc::default(),
            committees: Vec::new(),
            version: next_version(),
            day_counts: Arc::default(),
            received: Arc::default(),
            assigned: Arc::default(),
        }
    }

    /// The day's counts ([`DayCounts`]) for this state of the book, over the tasks a committee
    /// lists ([`Access::listed`]; `None`: every task, what a focal point's own agency is counted
    /// over): computed by the first reader of a day, then shared.
    pub fn day_counts(&self, as_of: Date, committee: Option<i64>) -> Arc<DayCounts> {
        // One committee holds every task: its lists are the whole book.
        let committee = committee.filter(|_| self.committees.len() > 1);
        let key = committee.unwrap_or(0);
        let mut kept = self
            .day_counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((.., c)) = kept
            .iter()
            .find(|(v, d, k, _)| *v == self.version && *d == as_of && *k == key)
        {
            return c.clone();
        }
        let c = Arc::new(match committee {
            None => DayCounts {
                agencies: self.book.agency_counts(as_of),
                periodic: self.book.periodic_counts(as_of),
            },
            Some(c) => {
                let listed = self.counted_for(c);
                DayCounts {
                    agencies: self.book.agency_counts_where(as_of, &listed),
                    periodic: self.book.periodic_counts_where(as_of, &listed),
                }
            }
        });
        kept.retain(|(v, ..)| *v == self.version);
        if kept.len() >= DAYS_KEPT {
            kept.remove(0);
        }
        kept.push((self.version, as_of, key, c.clone()));
        c
    }

    /// Whether a task counts in a committee's figures: its own tasks (secret ones counted, never
    /// named) and, not secret, those its province received.
    pub fn counted_for(&self, committee: i64) -> impl Fn(i64) -> bool + '_ {
        let received = self.received(committee);
        let alone = self.committees.len() <= 1;
        move |t: i64| {
            alone
                || self.scopes.get(&t).is_some_and(|s| {
                    s.committee == committee || (!s.secret && received.contains(&t))
                })
        }
    }

    /// How far a user reaches into a record of a committee that is not a task (an indicator, a
    /// meeting, a difficulty on no task): [`Reader::access_to_record`].
    pub fn record_access(&self, u: &User, committee: i64) -> Access {
        let national = self
            .committee(committee)
            .is_some_and(|c| c.level != "province");
        self.reader(u).access_to_record(committee, national)
    }

    /// The committees a user's lists do not hold (other provinces') and their agencies (their
    /// departments and communes): what those raise on no task is not shown to the user.
    pub fn foreign(&self, u: &User) -> Foreign {
        let committees: HashSet<i64> = self
            .committees
            .iter()
            .filter(|c| !self.record_access(u, c.id).listed())
            .map(|c| c.id)
            .collect();
        let agencies = self
            .agencies
            .values()
            .filter(|a| a.committee_id.is_some_and(|c| committees.contains(&c)))
            .map(|a| a.id)
            .collect();
        Foreign {
            agencies,
            committees,
        }
    }

    /// A committee by id.
    pub fn committee(&self, id: i64) -> Option<&Committee> {
        self.committees.iter().find(|c| c.id == id)
    }

    /// How the visibility rule reads a user.
    pub fn reader(&self, u: &User) -> Reader {
        self.reader_of(u.role, u.committee_id, u.own_agency())
    }

    /// How the visibility rule reads a role in a committee (with a focal point's agency).
    pub fn reader_of(
        &self,
        role: tiendo_domain::access::UserRole,
        committee: i64,
        agency: Option<i64>,
    ) -> Reader {
        Reader {
            role,
            committee,
            national: self
                .committee(committee)
                .is_none_or(|c| c.level != "province"),
            agency: agency.filter(|_| role == tiendo_domain::access::UserRole::Focal),
        }
    }

    /// A provincial committee's province and own agencies (departments, communes): what its
    /// officers receive other committees' tasks through. Empty for the Government's.
    pub fn province_agencies(&self, committee: i64) -> HashSet<i64> {
        let Some(c) = self.committee(committee).filter(|c| c.level == "province") else {
            return HashSet::new();
        };
        self.agencies
            .values()
            .filter(|a| {
                a.committee_id == Some(committee) || c.province.as_deref() == Some(a.code.as_str())
            })
            .map(|a| a.id)
            .collect()
    }

    /// The tasks assigned now to a committee's province or own agencies, read once per state of
    /// the book (none for the Government's committee, without reading the book).
    pub fn received(&self, committee: i64) -> Arc<HashSet<i64>> {
        kept_per_state(&self.received, self.version, committee, usize::MAX, || {
            let agencies = self.province_agencies(committee);
            if agencies.is_empty() {
                HashSet::new()
            } else {
                self.book.tasks_of_agencies(&agencies)
            }
        })
    }

    /// The tasks an agency is assigned now, read once per state of the book (the few agencies
    /// asked for most recently are kept).
    pub fn assigned_to(&self, agency: i64) -> Arc<HashSet<i64>> {
        kept_per_state(&self.assigned, self.version, agency, 64, || {
            self.book.tasks_of_agency(agency)
        })
    }

    /// What the visibility rule reads of a task in memory (`None`: not in this state of the book).
    pub fn scope(&self, task: i64) -> Option<TaskScope> {
        self.scopes.get(&task).copied()
    }
}

/// Which tasks a user may see and act on ([`Reader::access`]), with what the rule needs read
/// from memory once: each task's committee and secrecy, a focal point's own agency's tasks, and
/// the tasks the user's province received.
pub struct Visibility {
    reader: Reader,
    scopes: Arc<HashMap<i64, TaskScope>>,
    own: Arc<HashSet<i64>>,
    received: Arc<HashSet<i64>>,
}

impl Visibility {
    pub fn of(user: &User, snap: &Snapshot) -> Visibility {
        Visibility::of_reader(snap.reader(user), snap)
    }

    pub fn of_reader(reader: Reader, snap: &Snapshot) -> Visibility {
        let own = match reader.agency {
            Some(a) => snap.assigned_to(a),
            None => Default::default(),
        };
        Visibility {
            reader,
            scopes: snap.scopes.clone(),
            own,
            received: snap.received(reader.committee),
        }
    }

    /// How far the user reaches into a task (hidden when the book does not hold it).
    pub fn access(&self, task: i64) -> Access {
        match self.scopes.get(&task) {
            Some(scope) => self.reader.access(
                *scope,
                || self.own.contains(&task),
                || self.received.contains(&task),
            ),
            None => Access::Hidden,
        }
    }

    /// In the user's own lists, counts and reports ([`Access::listed`]).
    pub fn sees(&self, task: i64) -> bool {
        self.access(task).listed()
    }

    /// Shown when asked for by id or by its committee ([`Access::sees`]).
    pub fn reads(&self, task: i64) -> bool {
        self.access(task).sees()
    }

    /// The user's committee (what its lists and counts are of).
    pub fn committee(&self) -> i64 {
        self.reader.committee
    }

    /// The user is a focal point of an agency.
    pub fn agency(&self) -> Option<i64> {
        self.reader.agency
    }
}

/// The data as stored now, for one command: the saved book when the data has not changed since
/// it was saved (a national book is not rebuilt for each report).
pub async fn load_snapshot(db: &Db) -> anyhow::Result<Snapshot> {
    let book = db.load_status_book().await?;
    around(db, book).await
}

/// The snapshot read from the tables, with the feed position it reflects at least: the
/// position is read first, so a change committed while the tables are read is applied again by
/// the next refresh rather than missed.
pub(crate) async fn load_followed(db: &Db) -> anyhow::Result<(FeedPosition, Snapshot)> {
    let position = db.feed_position().await?;
    let book = db.load_status_book_from_tables().await?;
    Ok((position, around(db, book).await?))
}

/// A snapshot of `book` with the rest read now: the agencies' names, the plan order, the
/// committees.
pub(crate) async fn around(db: &Db, book: StatusBook) -> anyhow::Result<Snapshot> {
    let tasks = db.task_order().await?;
    Ok(Snapshot {
        book,
        agencies: db.agency_names().await?,
        scopes: scopes_of(&tasks),
        tasks,
        committees: db.committees().await?,
        version: next_version(),
        day_counts: Arc::default(),
        received: Arc::default(),
        assigned: Arc::default(),
    })
}

/// How the book has followed the store, for an operator's metrics.
#[derive(Debug, Default)]
pub struct RefreshStats {
    /// When the book last caught up with the feed (milliseconds since 1970, 0 for never).
    last_success_ms: AtomicI64,
    /// How long the last refresh took (microseconds).
    last_micros: AtomicI64,
    total: AtomicI64,
    failed: AtomicI64,
}

/// A reading of [`RefreshStats`].
#[derive(Debug, Clone, Copy)]
pub struct RefreshReading {
    pub last_success_unix_seconds: f64,
    pub last_seconds: f64,
    pub total: i64,
    pub failed: i64,
}

impl RefreshStats {
    fn record(&self, took: std::time::Duration, ok: bool) {
        self.total.fetch_add(1, Ordering::Relaxed);
        self.last_micros
            .store(took.as_micros() as i64, Ordering::Relaxed);
        if ok {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            self.last_success_ms.store(now, Ordering::Relaxed);
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn read(&self) -> RefreshReading {
        RefreshReading {
            last_success_unix_seconds: self.last_success_ms.load(Ordering::Relaxed) as f64 / 1000.0,
            last_seconds: self.last_micros.load(Ordering::Relaxed) as f64 / 1e6,
            total: self.total.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}

/// The refreshes begun and the last one completed, numbered in the order they took the feed
/// position: a caller that waited for the position while a refresh begun after it came in ran to
/// the end has nothing left to read.
#[derive(Debug, Default)]
pub(crate) struct RefreshTurns {
    begun: std::sync::atomic::AtomicU64,
    done: std::sync::atomic::AtomicU64,
}

/// Changes a refresh reads at once; more are read as a new book.
const FOLLOW_LIMIT: usize = 2000;
/// Changes read at once when a restarted server brings its saved book up to date.
const CATCH_UP_LIMIT: usize = 200_000;

/// Entities whose changes never touch the status book.
const OUTSIDE_THE_BOOK: &[&str] = &[
    "agency",
    "user",
    "api_token",
    "committee",
    "meeting",
    "formula",
    "webhook",
];

impl Service {
    /// Brings the snapshot up to date with the audit log: what changed since it was taken is
    /// reloaded ([`Reload`]: an assignment whose reports changed, a task otherwise changed); a
    /// change that is not about one task (an import, a generated data set) reloads everything.
    /// One refresh at a time: a caller that waited finds the changes it came for already
    /// applied.
    pub async fn refresh(&self) -> anyhow::Result<bool> {
        if !self.follows {
            return Ok(false);
        }
        // Taken before waiting: a refresh numbered higher began after this call, so after
        // whatever the caller committed before calling.
        let entered = self.turns.begun.load(Ordering::SeqCst);
        let mut position = self.position.lock().await;
        if self.turns.done.load(Ordering::SeqCst) > entered {
            // A refresh that began after this call came in has read the feed and applied it:
            // what the caller committed is in the book already.
            return Ok(false);
        }
        let turn = self.turns.begun.fetch_add(1, Ordering::SeqCst) + 1;
        let started = std::time::Instant::now();
        let result = self.follow_feed(&mut position, FOLLOW_LIMIT).await;
        self.refreshes.record(started.elapsed(), result.is_ok());
        if result.is_ok() {
            self.turns.done.store(turn, Ordering::SeqCst);
        }
        result
    }

    /// The book brought from a save up to the store: the changes since the save, read like any
    /// refresh's but many more at once (a busy day's reports since the last save are read one
    /// assignment each rather than the whole book again).
    pub(crate) async fn catch_up(&self) -> anyhow::Result<()> {
        let mut position = self.position.lock().await;
        self.follow_feed(&mut position, CATCH_UP_LIMIT).await?;
        Ok(())
    }

    /// Saves the book in memory with its place in the feed, when it has moved since the last
    /// save: a restarted server then reads the save and the changes after it. The book is
    /// encoded off the request threads and written in parts ([`Db::save_status_book`]).
    pub async fn save_book(&self) -> anyhow::Result<bool> {
        if !self.follows {
            return Ok(false);
        }
        let (position, snap) = {
            let position = self.position.lock().await;
            (position.clone(), self.snapshot().await)
        };
        let mut saved = self.saved_at.lock().await;
        if saved.as_ref() == Some(&position) {
            return Ok(false);
        }
        let bytes = tokio::task::spawn_blocking(move || {
            tiendo_store::snapshot::encode_status_book(&snap.book)
        })
        .await?;
        self.db
            .save_encoded_status_book(&bytes, &position, None)
            .await?;
        *saved = Some(position);
        Ok(true)
    }

    async fn follow_feed(
        &self,
        position: &mut tiendo_store::audit::FeedPosition,
        limit: usize,
    ) -> anyhow::Result<bool> {
        // More changes than the limit, or one wider than a task (an import, a generated data
        // set): everything is read again.
        let feed = self.db.changes_after(position, limit).await?;
        let Some((feed, reload)) = feed.and_then(|f| Reload::of(&f.changes).map(|r| (f, r))) else {
            let (at, snap) = load_followed(&self.db).await?;
            *self.snapshot.write().await = Arc::new(snap);
            *position = at;
            return Ok(true);
        };
        if feed.changes.is_empty() {
            *position = feed.next;
            return Ok(false);
        }
        let mut inputs = self.db.assignment_inputs(&reload.tasks).await?;
        inputs.extend(self.db.assignment_inputs_by_id(&reload.assignments).await?);
        let order = if reload.order {
            Some(self.db.task_order().await?)
        } else {
            None
        };
        let agencies = if reload.agencies {
            Some((self.db.agency_names().await?, self.db.committees().await?))
        } else {
            None
        };
        let mut guard = self.snapshot.write().await;
        // Copied only while a reader still holds the current state.
        let next = Arc::make_mut(&mut guard);
        next.version = next_version();
        for a in inputs {
            next.book.upsert(a);
        }
        if let Some(o) = order {
            next.scopes = scopes_of(&o);
            next.tasks = o;
        }
        if let Some((a, c)) = agencies {
            next.agencies = a;
            next.committees = c;
        }
        drop(guard);
        *position = feed.next;
        Ok(true)
    }
}

/// What a batch of changes asks of the book, each change at its own cost: a report added,
/// confirmed or returned reloads its assignment; any other change to a task reloads that task's
/// assignments; a task added or edited also reloads the plan order; an agency renamed reloads
/// the names.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reload {
    pub tasks: Vec<i64>,
    pub assignments: Vec<i64>,
    pub order: bool,
    pub agencies: bool,
}

impl Reload {
    /// `None` when a change is wider than one task (an import, a generated data set, a
    /// registry change): everything is read again.
    pub(crate) fn of(changes: &[tiendo_store::audit::Change]) -> Option<Reload> {
        let mut r = Reload::default();
        let mut by_assignment: Vec<(i64, i64)> = Vec::new();
        for c in changes {
            match (c.entity.as_str(), c.entity_id, c.assignment) {
                ("task", Some(task), Some(assignment)) => by_assignment.push((task, assignment)),
                ("task", Some(task), None) => {
                    r.tasks.push(task);
                    r.order |= c.kind().is_none_or(AuditAction::rewrites_task);
                }
                ("task", None, _) => return None,
                ("agency" | "committee", ..) => r.agencies = true,
                (e, ..) if OUTSIDE_THE_BOOK.contains(&e) => {}
                _ => return None,
            }
        }
        r.tasks.sort_unstable();
        r.tasks.dedup();
        // A task read whole already holds its assignments' reports.
        r.assignments = by_assignment
            .into_iter()
            .filter(|(task, _)| r.tasks.binary_search(task).is_err())
            .map(|(_, a)| a)
            .collect();
        r.assignments.sort_unstable();
        r.assignments.dedup();
        Some(r)
    }
}

/// What belongs to committees a user's lists do not hold ([`Snapshot::foreign`]).
#[derive(Debug, Clone, Default)]
pub struct Foreign {
    pub agencies: HashSet<i64>,
    pub committees: HashSet<i64>,
}

impl Foreign {
    /// Whether a difficulty raised on no task belongs elsewhere: by its raising agency's
    /// committee, or, when the raiser is not identified, by the committee whose document
    /// stated it.
    pub fn raised(&self, d: &tiendo_store::difficulties::Difficulty) -> bool {
        match d.agency_id {
            Some(a) => self.agencies.contains(&a),
            None => d
                .document_committee_id
                .is_some_and(|c| self.committees.contains(&c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_store::audit::Change;

    fn change(entity: &str, id: Option<i64>, action: &str, assignment: Option<i64>) -> Change {
        Change {
            id: 1,
            entity: entity.into(),
            entity_id: id,
            action: action.into(),
            assignment,
        }
    }

    #[test]
    fn each_change_reloads_what_it_touched_and_no_more() {
        let r = Reload::of(&[
            change("task", Some(7), "report.added", Some(70)),
            change("task", Some(7), "report.added", Some(70)),
            change("task", Some(8), "report.confirmed", Some(80)),
            change("task", Some(9), "report.added", Some(90)),
            change("task", Some(9), "deadline.approved", None),
            change("user", Some(3), "user.created", None),
        ])
        .expect("within tasks");
        assert_eq!(r.assignments, vec![70, 80], "task 9 is read whole");
        assert_eq!(r.tasks, vec![9]);
        assert!(!r.order && !r.agencies);

        let r = Reload::of(&[
            change("task", Some(4), "task.edited", None),
            change("agency", Some(2), "agency.edited", None),
        ])
        .expect("within tasks");
        assert_eq!((r.tasks, r.order, r.agencies), (vec![4], true, true));

        let nothing = Reload::of(&[change("webhook", Some(1), "webhook.subscribed", None)]);
        assert_eq!(nothing, Some(Reload::default()));
        assert_eq!(
            Reload::of(&[change("task", None, "document.imported", None)]),
            None
        );
        assert_eq!(
            Reload::of(&[change("document", Some(3), "document.imported", None)]),
            None
        );
    }

    /// Callers that came in while another refresh held the feed position: the first to get it
    /// reads the feed for all of them, the others find their change applied and read nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refresh_begun_after_a_caller_came_in_reads_the_feed_for_it() {
        let file = std::env::temp_dir().join(format!(
            "tiendo-refresh-turns-{}-{}.db",
            std::process::id(),
            next_version()
        ));
        let db = Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .expect("database");
        db.migrate().await.expect("migrate");
        let service = Arc::new(Service::new(db).await.expect("service"));
        let agency: tiendo_domain::agency::AgencyRecord = serde_json::from_value(
            serde_json::json!({ "code": "BKT", "name": "Bộ Kiểm thử", "kind": "ministry" }),
        )
        .expect("record");
        let id = service
            .db
            .add_agency(&agency, "kiem-thu")
            .await
            .expect("agency");

        // A refresh holds the position while three callers come in behind it.
        let held = service.position.lock().await;
        let callers: Vec<_> = (0..3)
            .map(|_| {
                let s = service.clone();
                tokio::spawn(async move { s.refresh().await })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(held);
        let mut applied = 0;
        for c in callers {
            if c.await.expect("caller").expect("refresh") {
                applied += 1;
            }
        }
        assert_eq!(applied, 1, "one caller read the change for all three");
        assert_eq!(service.refreshes.read().total, 1, "the feed was read once");
        let snap = service.snapshot().await;
        assert_eq!(
            snap.agencies.get(&id).map(|a| a.name.as_str()),
            Some("Bộ Kiểm thử")
        );

        // A caller coming in after that refresh ended reads the feed again (finding nothing).
        assert!(!service.refresh().await.expect("refresh"));
        assert_eq!(service.refreshes.read().total, 2);
        std::fs::remove_file(&file).ok();
    }
}
