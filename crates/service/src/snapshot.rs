//! The status book in memory and how it follows the store: the audit log says which tasks
//! changed since the snapshot was taken; those are reloaded, anything wider reloads everything.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tiendo_domain::recurrence::OccurrenceCounts;
use tiendo_domain::status::FourWay;
use time::Date;

use tiendo_domain::status::StatusBook;
use tiendo_store::Db;
use tiendo_store::facts::AgencyName;
use tiendo_store::tasks::TaskInPlan;
use tiendo_store::users::User;

use crate::Service;

/// What the pages read from memory: the status book and the agency names, with the audit position
/// they reflect. Changes to a few tasks are applied to it in place; anything else (an import by
/// another process, say) reloads it in the background.
pub struct Snapshot {
    pub book: StatusBook,
    pub agencies: HashMap<i64, AgencyName>,
    /// Every task id with its secrecy flag, in plan order.
    pub tasks: Vec<TaskInPlan>,
    pub version: i64,
    /// The day's counts of the whole book, by version and day (the newest few kept).
    day_counts: Arc<Mutex<Vec<KeptDay>>>,
}

/// A copy (to change in place, then publish) starts without kept counts: they belong to the
/// state they were counted on, and readers of the old state keep theirs.
impl Clone for Snapshot {
    fn clone(&self) -> Snapshot {
        Snapshot {
            book: self.book.clone(),
            agencies: self.agencies.clone(),
            tasks: self.tasks.clone(),
            version: self.version,
            day_counts: Arc::default(),
        }
    }
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

/// A day's counts as kept: the book's version, the day, the counts.
type KeptDay = (i64, Date, Arc<DayCounts>);

/// Days whose counts are kept per state of the book.
const DAYS_KEPT: usize = 8;

impl Snapshot {
    /// No task, no agency: what a command of the command line holds.
    pub fn empty() -> Snapshot {
        Snapshot {
            book: StatusBook::default(),
            agencies: HashMap::new(),
            tasks: Vec::new(),
            version: 0,
            day_counts: Arc::default(),
        }
    }

    /// The day's counts ([`DayCounts`]) for this state of the book: computed by the first reader
    /// of a day, then shared.
    pub fn day_counts(&self, as_of: Date) -> Arc<DayCounts> {
        let mut kept = self
            .day_counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, _, c)) = kept
            .iter()
            .find(|(v, d, _)| *v == self.version && *d == as_of)
        {
            return c.clone();
        }
        let c = Arc::new(DayCounts {
            agencies: self.book.agency_counts(as_of),
            periodic: self.book.periodic_counts(as_of),
        });
        kept.retain(|(v, _, _)| *v == self.version);
        if kept.len() >= DAYS_KEPT {
            kept.remove(0);
        }
        kept.push((self.version, as_of, c.clone()));
        c
    }
}

/// Which tasks a user may see ([`User::sees_task`]), with what the rule needs read from memory
/// once: the secret tasks, and a focal point's own agency's tasks.
pub struct Visibility {
    user: User,
    secret: HashSet<i64>,
    own: HashSet<i64>,
}

impl Visibility {
    pub fn of(user: &User, snap: &Snapshot) -> Visibility {
        let own = match user.own_agency() {
            Some(a) => snap.book.tasks_of_agency(a),
            None => Default::default(),
        };
        Visibility {
            user: user.clone(),
            secret: snap
                .tasks
                .iter()
                .filter(|t| t.secret)
                .map(|t| t.id)
                .collect(),
            own,
        }
    }

    pub fn sees(&self, task: i64) -> bool {
        self.user
            .sees_task(self.secret.contains(&task), || self.own.contains(&task))
    }
}

pub async fn load_snapshot(db: &Db) -> anyhow::Result<Snapshot> {
    let version = db.data_version().await?;
    Ok(Snapshot {
        book: db.load_status_book().await?,
        agencies: db.agency_names().await?,
        tasks: db.task_order().await?,
        version,
        day_counts: Arc::default(),
    })
}

/// Entities whose changes never touch the status book.
const OUTSIDE_THE_BOOK: &[&str] = &[
    "agency",
    "user",
    "api_token",
    "committee",
    "meeting",
    "formula",
];

impl Service {
    /// Brings the snapshot up to date with the audit log: the tasks changed since it was taken
    /// are reloaded (their assignments, deadlines and reports); a change that is not about one
    /// task (an import, a generated data set) reloads everything.
    pub async fn refresh(&self) -> anyhow::Result<bool> {
        if !self.follows {
            return Ok(false);
        }
        let current = self.snapshot().await.version;
        let changes = self.db.changes_since(current, 2001).await?;
        let Some(latest) = changes.last().map(|c| c.id) else {
            return Ok(false);
        };
        let whole = changes.len() > 2000
            || changes.iter().any(|c| match c.entity.as_str() {
                "task" => c.entity_id.is_none(),
                e => !OUTSIDE_THE_BOOK.contains(&e),
            });
        if whole {
            let snap = load_snapshot(&self.db).await?;
            *self.snapshot.write().await = Arc::new(snap);
            return Ok(true);
        }
        let mut tasks: Vec<i64> = changes
            .iter()
            .filter(|c| c.entity == "task")
            .filter_map(|c| c.entity_id)
            .collect();
        tasks.sort_unstable();
        tasks.dedup();
        let inputs = self.db.assignment_inputs(&tasks).await?;
        let order = if changes.iter().any(|c| c.action.starts_with("task.")) {
            Some(self.db.task_order().await?)
        } else {
            None
        };
        let agencies = if changes.iter().any(|c| c.entity == "agency") {
            Some(self.db.agency_names().await?)
        } else {
            None
        };
        let mut guard = self.snapshot.write().await;
        if guard.version >= latest {
            return Ok(true);
        }
        let snap = Arc::make_mut(&mut guard);
        for a in inputs {
            snap.book.upsert(a);
        }
        if let Some(o) = order {
            snap.tasks = o;
        }
        if let Some(a) = agencies {
            snap.agencies = a;
        }
        snap.version = latest;
        Ok(true)
    }
}
