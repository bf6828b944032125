//! Loads the status facts into the domain's [`StatusBook`] and assembles the reports built on it.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use serde::Serialize;
use tiendo_domain::deadline::{DeadlineKind, iso, iso_date, opt_iso_date};
use tiendo_domain::model::{ReportedStatus, Role};
use tiendo_domain::recurrence::Recurrence;
use tiendo_domain::status::{
    AssignmentInput, DeadlineChange, FourWay, Schedule, StatusBook, StatusEvent,
};
use time::Date;

use crate::{Backend, Db, Result};

/// What the reports show of a task.
#[derive(Debug, Clone, Serialize)]
pub struct TaskInfo {
    pub id: i64,
    /// Code of the committee that assigned it.
    pub committee: String,
    pub number: String,
    pub name: String,
    pub headings: Vec<String>,
    pub document: Option<String>,
    pub deadline_raw: String,
    pub basis: Option<String>,
    pub lead: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateAgency {
    pub name: String,
    pub code: String,
    pub days_late: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    pub task_id: String,
    pub number: String,
    pub name: String,
    #[serde(with = "opt_iso_date")]
    pub due: Option<Date>,
    pub late_agencies: Vec<LateAgency>,
    pub headings: Vec<String>,
    pub document: Option<String>,
    pub deadline_raw: String,
    pub basis: Option<String>,
    pub lead: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueReport {
    #[serde(serialize_with = "ser_date")]
    pub as_of: Date,
    pub items: Vec<OverdueItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyCounts {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: FourWay,
}

/// An assignment with its task's deadline and its reports folded into one text.
struct BookRow {
    id: i64,
    task_id: i64,
    agency_id: i64,
    role: Role,
    deadline_kind: String,
    due_on: Option<Date>,
    assigned_on: Option<Date>,
    removed_on: Option<Date>,
    events: Option<String>,
    /// Recurring tasks only: the deadline as written, and the day the obligation began.
    recurring_raw: Option<String>,
    recurring_since: Option<Date>,
}

/// Read by position, in the order of the status book's query: half a million rows are read at
/// start-up, and looking each column up by name costs a tenth of the load.
impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for BookRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> sqlx::Result<Self> {
        use crate::columns::MaybeIsoDay;
        use sqlx::Row;
        Ok(BookRow {
            id: row.try_get(0)?,
            task_id: row.try_get(1)?,
            agency_id: row.try_get(2)?,
            role: {
                let role: String = row.try_get(3)?;
                Role::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
                    index: "role".into(),
                    source: format!("vai trò không có: {role}").into(),
                })?
            },
            deadline_kind: row.try_get(4)?,
            due_on: row.try_get::<MaybeIsoDay, _>(5)?.into(),
            assigned_on: row.try_get::<MaybeIsoDay, _>(6)?.into(),
            removed_on: row.try_get::<MaybeIsoDay, _>(7)?.into(),
            events: row.try_get(8)?,
            recurring_raw: row.try_get(9)?,
            recurring_since: row.try_get::<MaybeIsoDay, _>(10)?.into(),
        })
    }
}

/// An approved deadline change.
#[derive(sqlx::FromRow)]
struct ApprovedChange {
    id: i64,
    task_id: i64,
    assignment_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    effective_on: Date,
    kind: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    due_on: Option<Date>,
}

/// A task's display fields as stored.
#[derive(sqlx::FromRow)]
struct TaskInfoRecord {
    id: i64,
    committee: String,
    number: String,
    name: String,
    /// JSON list
    headings: String,
    title: Option<String>,
    doc_key: Option<String>,
    deadline_raw: String,
    basis: Option<String>,
    lead_raw: Option<String>,
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&iso(*d))
}

/// "2026-01-02 done 2026-01-01 -,2026-02-03 done - 2026-02-10" → events (date, status, completion
/// date, the day a returned completion stopped counting). Unreadable entries are skipped (they
/// cannot come from this program's own writes).
fn parse_events(s: &str) -> Vec<StatusEvent> {
    s.split(',')
        .filter_map(|e| {
            let mut it = e.split(' ');
            let on = iso_date(it.next()?)?;
            let status = ReportedStatus::parse(it.next()?)?;
            let completed_on = it.next().and_then(iso_date);
            let void_from = it.next().and_then(iso_date);
            Some(StatusEvent {
                on,
                status,
                completed_on,
                void_from,
            })
        })
        .collect()
}

impl Db {
    /// The status book: from the saved snapshot when it reflects the current data, otherwise
    /// loaded from the tables (and saved for the next reader).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_status_book(&self) -> Result<StatusBook> {
        // Where the feed stands, read before the data: a change committed meanwhile is applied
        // again by whoever follows the feed from this save, never missed.
        let position = self.feed_position().await?;
        let fingerprint = self.data_fingerprint().await?;
        if let Some(book) = self.saved_status_book(&fingerprint).await? {
            return Ok(book);
        }
        let book = self.load_status_book_from_tables().await?;
        // Saving is an optimisation: a failure (a read-only database, say) costs the next
        // reader a full load, nothing more.
        let _ = self
            .save_status_book(&book, &position, Some(&fingerprint))
            .await;
        Ok(book)
    }

    /// Every assignment (removed ones too, with the day they were removed) with its deadline
    /// history and reports, in the order of the source plans (document, then row), straight from
    /// the tables.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_status_book_from_tables(&self) -> Result<StatusBook> {
        let mut book = StatusBook::new();
        self.stream_assignments(None, &mut |a| book.upsert(a))
            .await?;
        Ok(book)
    }

    /// The assignments of some tasks, as [`Db::load_status_book`] reads them (to bring a book
    /// up to date after changes to those tasks).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assignment_inputs(&self, tasks: &[i64]) -> Result<Vec<AssignmentInput>> {
        let mut out = Vec::new();
        for chunk in tasks.chunks(500) {
            self.stream_assignments(Some(Scope::Tasks(chunk)), &mut |a| out.push(a))
                .await?;
        }
        Ok(out)
    }

    /// Some assignments by id, as [`Db::load_status_book`] reads them (to bring a book up to
    /// date after changes to their reports alone).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assignment_inputs_by_id(&self, ids: &[i64]) -> Result<Vec<AssignmentInput>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            self.stream_assignments(Some(Scope::Assignments(chunk)), &mut |a| out.push(a))
                .await?;
        }
        Ok(out)
    }

    async fn stream_assignments(
        &self,
        scope: Option<Scope<'_>>,
        sink: &mut (dyn FnMut(AssignmentInput) + Send),
    ) -> Result<()> {
        let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let (change_filter, task_filter, report_filter) = match scope {
            Some(Scope::Tasks([]) | Scope::Assignments([])) => return Ok(()),
            Some(Scope::Tasks(ids)) => {
                let l = list(ids);
                (
                    format!(" AND task_id IN ({l})"),
                    format!(" AND a.task_id IN ({l})"),
                    format!(
                        " AND assignment_id IN (SELECT id FROM assignments WHERE task_id IN ({l}))"
                    ),
                )
            }
            // The deadline changes of their tasks (a change for the whole task applies to each).
            Some(Scope::Assignments(ids)) => {
                let l = list(ids);
                (
                    format!(" AND task_id IN (SELECT task_id FROM assignments WHERE id IN ({l}))"),
                    format!(" AND a.id IN ({l})"),
                    format!(" AND assignment_id IN ({l})"),
                )
            }
            None => (String::new(), String::new(), String::new()),
        };
        let changes: Vec<ApprovedChange> = sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT id, task_id, assignment_id, effective_on, kind, due_on FROM deadline_changes WHERE state = 'approved'{change_filter} ORDER BY id")),
        )
        .fetch_all(self.pool())
        .await?;
        // Kept with their ids: among changes effective the same day, the later one wins.
        let mut task_changes: HashMap<i64, Vec<(i64, DeadlineChange)>> = HashMap::new();
        let mut own_changes: HashMap<i64, Vec<(i64, DeadlineChange)>> = HashMap::new();
        for r in changes {
            let c = DeadlineChange {
                effective_on: r.effective_on,
                kind: DeadlineKind::parse(&r.kind).unwrap_or(DeadlineKind::Unknown),
                due: r.due_on,
            };
            match r.assignment_id {
                Some(a) => own_changes.entry(a).or_default().push((r.id, c)),
                None => task_changes.entry(r.task_id).or_default().push((r.id, c)),
            }
        }
        // One row per assignment, its reports folded into one text ("date status completed
        // void,…"): five times fewer rows to carry out of the database than one per report.
        let agg = match self.backend() {
            Backend::Sqlite => "group_concat",
            Backend::Postgres => "string_agg",
        };
        let sql = format!(
            "SELECT a.id, a.task_id, a.agency_id, a.role, t.deadline_kind, t.due_on, a.assigned_on, a.removed_on, r.events,
                    CASE WHEN t.deadline_kind = 'recurring' THEN t.deadline_raw ELSE t.recurring_raw END,
                    CASE WHEN t.deadline_kind = 'recurring' OR t.recurring_raw IS NOT NULL THEN COALESCE(a.assigned_on, substr(t.created_at, 1, 10)) END
             FROM assignments a
             JOIN tasks t ON t.id = a.task_id
             LEFT JOIN (
                SELECT assignment_id, {agg}(reported_on || ' ' || status || ' ' || COALESCE(completed_on, '-') || ' ' || CASE WHEN review = 'returned' THEN substr(reviewed_at, 1, 10) ELSE '-' END, ',' ORDER BY id) AS events
                FROM progress_reports WHERE status IS NOT NULL{report_filter} GROUP BY assignment_id
             ) r ON r.assignment_id = a.id
             WHERE (a.active = 1 OR a.removed_on IS NOT NULL){task_filter}
             ORDER BY t.document_id, t.position, t.id, a.id"
        );
        let mut rows = sqlx::query_as::<_, BookRow>(sqlx::AssertSqlSafe(sql)).fetch(self.pool());
        // The same few deadline texts ("Thường xuyên"…) on many rows: each read once.
        let mut schedules: HashMap<String, Recurrence> = HashMap::new();
        while let Some(r) = rows.try_next().await? {
            let mut ch = task_changes.get(&r.task_id).cloned().unwrap_or_default();
            if let Some(own) = own_changes.remove(&r.id) {
                ch.extend(own);
                ch.sort_by_key(|(id, _)| *id);
            }
            sink(AssignmentInput {
                id: r.id,
                task: r.task_id,
                agency: r.agency_id,
                role: r.role,
                kind: DeadlineKind::parse(&r.deadline_kind).unwrap_or(DeadlineKind::Unknown),
                due: r.due_on,
                changes: ch.into_iter().map(|(_, c)| c).collect(),
                events: r.events.as_deref().map(parse_events).unwrap_or_default(),
                from: r.assigned_on,
                until: r.removed_on,
                schedule: match (r.recurring_raw, r.recurring_since) {
                    (Some(raw), Some(since)) => Some(Schedule {
                        recurrence: *schedules
                            .entry(raw)
                            .or_insert_with_key(|raw| Recurrence::read(raw)),
                        since,
                    }),
                    _ => None,
                },
            });
        }
        Ok(())
    }

    /// Display fields of every task.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_infos(&self) -> Result<HashMap<i64, TaskInfo>> {
        self.task_infos_where(String::new()).await
    }

    /// Display fields of some tasks.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_infos_of(&self, ids: &[i64]) -> Result<HashMap<i64, TaskInfo>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            out.extend(
                self.task_infos_where(format!(" WHERE t.id IN ({})", list.join(",")))
                    .await?,
            );
        }
        Ok(out)
    }

    async fn task_infos_where(&self, filter: String) -> Result<HashMap<i64, TaskInfo>> {
        let rows: Vec<TaskInfoRecord> = sqlx::query_as(
            sqlx::AssertSqlSafe(format!("SELECT t.id, c.code AS committee, t.number, t.name, t.headings, d.title, d.doc_key, t.deadline_raw, t.basis, t.lead_raw
             FROM tasks t JOIN committees c ON c.id = t.committee_id LEFT JOIN documents d ON d.id = t.document_id{filter}")),
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let info = TaskInfo {
                    id: r.id,
                    committee: r.committee,
                    number: r.number,
                    name: r.name,
                    headings: serde_json::from_str(&r.headings).unwrap_or_default(),
                    document: r.title.or(r.doc_key),
                    deadline_raw: r.deadline_raw,
                    basis: r.basis,
                    lead: r.lead_raw,
                };
                (r.id, info)
            })
            .collect())
    }

    /// Agencies by id, with their codes and names.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_names(&self) -> Result<HashMap<i64, AgencyName>> {
        let rows: Vec<AgencyName> =
            sqlx::query_as("SELECT id, code, name, kind, valid_to, committee_id FROM agencies")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|a| (a.id, a)).collect())
    }
}

/// An agency's code and name, its kind, and the day it stops being in force.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct AgencyName {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    pub valid_to: Option<Date>,
    /// The provincial committee whose own agency it is (a department, a commune); none: national.
    pub committee_id: Option<i64>,
}

impl AgencyName {
    /// May it be given new work (or be picked) on `on`?
    pub fn in_force(&self, on: Date) -> bool {
        self.valid_to.is_none_or(|v| v >= on)
    }
}

/// The overdue list as of a date, from a loaded book.
pub fn overdue_report(
    book: &StatusBook,
    tasks: &HashMap<i64, TaskInfo>,
    agencies: &HashMap<i64, AgencyName>,
    as_of: Date,
) -> OverdueReport {
    overdue_report_of(book, tasks, agencies, as_of, None)
}

/// The overdue list of one committee's tasks (all committees when `None`).
pub fn overdue_report_of(
    book: &StatusBook,
    tasks: &HashMap<i64, TaskInfo>,
    agencies: &HashMap<i64, AgencyName>,
    as_of: Date,
    committee: Option<&str>,
) -> OverdueReport {
    let items = book
        .overdue(as_of)
        .into_iter()
        .filter(|o| committee.is_none_or(|c| tasks.get(&o.task).is_some_and(|t| t.committee == c)))
        .map(|o| {
            let info = tasks.get(&o.task);
            let late_agencies = o
                .late_agencies
                .iter()
                .map(|a| {
                    let AgencyName { code, name, .. } =
                        agencies.get(a).cloned().unwrap_or_default();
                    LateAgency {
                        name,
                        code,
                        days_late: (as_of - o.due).whole_days(),
                    }
                })
                .collect();
            OverdueItem {
                task_id: o.task.to_string(),
                number: info.map(|i| i.number.clone()).unwrap_or_default(),
                name: info.map(|i| i.name.clone()).unwrap_or_default(),
                due: Some(o.due),
                late_agencies,
                headings: info.map(|i| i.headings.clone()).unwrap_or_default(),
                document: info.and_then(|i| i.document.clone()),
                deadline_raw: info.map(|i| i.deadline_raw.clone()).unwrap_or_default(),
                basis: info.and_then(|i| i.basis.clone()),
                lead: info.and_then(|i| i.lead.clone()),
            }
        })
        .collect();
    OverdueReport { as_of, items }
}

/// Per-agency four-way counts, sorted by most overdue first, then name.
pub fn agency_counts(
    book: &StatusBook,
    agencies: &HashMap<i64, AgencyName>,
    as_of: Date,
) -> Vec<AgencyCounts> {
    let mut v: Vec<AgencyCounts> = book
        .agency_counts(as_of)
        .into_iter()
        .map(|(id, counts)| {
            let AgencyName { code, name, .. } = agencies.get(&id).cloned().unwrap_or_default();
            AgencyCounts { code, name, counts }
        })
        .collect();
    v.sort_by(|a, b| {
        b.counts
            .open_overdue
            .cmp(&a.counts.open_overdue)
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// Which assignments [`Db::stream_assignments`] reads besides all of them.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Every assignment of these tasks.
    Tasks(&'a [i64]),
    /// These assignments.
    Assignments(&'a [i64]),
}
