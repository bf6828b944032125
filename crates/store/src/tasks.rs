//! Changes made after import: deadline changes (with who approved and why) and progress reports.

use serde_json::json;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{
    DeadlineContext, DeadlineKind, iso, iso_date, opt_iso_date, parse_deadline,
};
use tiendo_domain::model::{ReportedStatus, Role};
use time::Date;

use crate::{Db, Result, StoreError, now};

pub struct DeadlineChangeInput<'a> {
    pub task_id: i64,
    /// One agency's assignment, or the whole task when `None`.
    pub assignment_id: Option<i64>,
    /// As it will be written: "30/6/2026", "Quý III/2026".
    pub new_deadline: &'a str,
    pub effective_on: Date,
    pub reason: &'a str,
    pub approved_by: &'a str,
    pub actor: &'a str,
}

impl Db {
    /// Records an approved deadline change. An unreadable or absurd new deadline is refused.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn change_deadline(&self, c: DeadlineChangeInput<'_>) -> Result<i64> {
        let d = parse_deadline(
            c.new_deadline,
            DeadlineContext {
                document_year: Some(c.effective_on.year()),
            },
        );
        if d.kind == DeadlineKind::Unknown {
            return Err(StoreError::Invalid(format!(
                "thời hạn mới không hợp lệ: \"{}\"",
                c.new_deadline
            )));
        }
        if c.reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "cần ghi lý do điều chỉnh thời hạn".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
            .bind(c.task_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("nhiệm vụ {}", c.task_id)));
        }
        if let Some(a) = c.assignment_id {
            let ok: Option<i64> =
                sqlx::query_scalar("SELECT id FROM assignments WHERE id = $1 AND task_id = $2")
                    .bind(a)
                    .bind(c.task_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if ok.is_none() {
                return Err(StoreError::Invalid(format!(
                    "phân công {a} không thuộc nhiệm vụ {}",
                    c.task_id
                )));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO deadline_changes (task_id, assignment_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'approved', $9, $10) RETURNING id",
        )
        .bind(c.task_id)
        .bind(c.assignment_id)
        .bind(iso(c.effective_on))
        .bind(d.kind.as_str())
        .bind(d.due.map(iso))
        .bind(&d.raw)
        .bind(c.reason)
        .bind(c.approved_by)
        .bind(now())
        .bind(c.actor)
        .fetch_one(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            c.actor,
            AuditAction::DeadlineChanged,
            "task",
            Some(c.task_id),
            None,
            Some(&json!({ "assignment": c.assignment_id, "deadline": d.raw, "effective_on": iso(c.effective_on), "reason": c.reason, "approved_by": c.approved_by })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a progress report on one assignment.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_report(
        &self,
        assignment_id: i64,
        reported_on: Date,
        status: Option<ReportedStatus>,
        completed_on: Option<Date>,
        text: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        self.add_report_with_evidence(
            assignment_id,
            reported_on,
            status,
            completed_on,
            text,
            None,
            actor,
        )
        .await
    }

    /// Active assignments of a task, in the order they were made.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assignments_of(&self, task_id: i64) -> Result<Vec<ActiveAssignment>> {
        Ok(sqlx::query_as(
            "SELECT a.id, g.code AS agency_code, a.role FROM assignments a JOIN agencies g ON g.id = a.agency_id WHERE a.task_id = $1 AND a.active = 1 ORDER BY a.id",
        )
        .bind(task_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Task id by document key and number.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_by_number(&self, doc_key: &str, number: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.doc_key = $1 AND t.number = $2 ORDER BY t.id")
            .bind(doc_key)
            .bind(number)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Row counts of the main tables, for summaries and checks.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn counts(&self) -> Result<Counts> {
        let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
        Ok(Counts {
            tasks: q("SELECT COUNT(*) FROM tasks")
                .fetch_one(self.pool())
                .await?,
            assignments: q("SELECT COUNT(*) FROM assignments WHERE active = 1")
                .fetch_one(self.pool())
                .await?,
            reports: q("SELECT COUNT(*) FROM progress_reports")
                .fetch_one(self.pool())
                .await?,
            documents: q("SELECT COUNT(*) FROM documents")
                .fetch_one(self.pool())
                .await?,
            deadline_changes: q("SELECT COUNT(*) FROM deadline_changes")
                .fetch_one(self.pool())
                .await?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub tasks: i64,
    pub assignments: i64,
    pub reports: i64,
    pub documents: i64,
    pub deadline_changes: i64,
}

impl Db {
    /// Tasks assigned by a document — an imported appendix (its key) or a document named in the
    /// tasks' basis ("552/TB-VPCP") — in the order of their source rows. `None` when no document
    /// has that symbol or key.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tasks_of_document(&self, symbol_or_key: &str) -> Result<Option<Vec<i64>>> {
        let doc: Option<i64> = sqlx::query_scalar("SELECT id FROM documents WHERE symbol = $1 OR doc_key = $1 OR doc_key = $2 ORDER BY id")
            .bind(symbol_or_key.trim())
            .bind(format!("symbol:{}", symbol_or_key.trim()))
            .fetch_optional(self.pool())
            .await?;
        let Some(_) = doc else { return Ok(None) };
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT t.id, t.document_id, t.position FROM tasks t
             LEFT JOIN task_documents td ON td.task_id = t.id
             JOIN documents d ON d.id = td.document_id OR d.id = t.document_id
             WHERE d.symbol = $1 OR d.doc_key = $1 OR d.doc_key = $2
             ORDER BY t.document_id, t.position, t.id",
        )
        .bind(symbol_or_key.trim())
        .bind(format!("symbol:{}", symbol_or_key.trim()))
        .fetch_all(self.pool())
        .await?;
        Ok(Some(ids))
    }

    /// For each of some tasks, the latest thing a document said of it on or before `as_of`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_statements(
        &self,
        tasks: &[i64],
        as_of: Date,
    ) -> Result<std::collections::HashMap<i64, TaskStatement>> {
        let mut out = std::collections::HashMap::new();
        for chunk in tasks.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let rows: Vec<TaskStatement> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT task_id, reported_on, status_raw, result FROM task_statements
                 WHERE task_id IN ({}) AND reported_on <= $1 ORDER BY reported_on, id",
                list.join(",")
            )))
            .bind(iso(as_of))
            .fetch_all(self.pool())
            .await?;
            // Ordered oldest first: the latest of each task stays.
            out.extend(rows.into_iter().map(|r| (r.task_id, r)));
        }
        Ok(out)
    }

    /// The latest progress text reported on or before `as_of` for each of some tasks, by task.
    /// The latest is the last by date, then by entry; the database finds each
    /// task's latest report and only those texts are read.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn latest_results(
        &self,
        tasks: &[i64],
        as_of: Date,
    ) -> Result<std::collections::HashMap<i64, LatestResult>> {
        // "YYYY-MM-DD 000000001234": ordered by date, then id, as text on both backends.
        let key = match self.backend() {
            crate::Backend::Sqlite => "r.reported_on || ' ' || printf('%012d', r.id)",
            crate::Backend::Postgres => "r.reported_on || ' ' || lpad(r.id::text, 12, '0')",
        };
        // Many tasks: one pass over the table is faster than the date index, which the
        // expression keeps the planner from using; few tasks go through the assignment index.
        let date = if tasks.len() <= 2000 {
            "r.reported_on"
        } else {
            "(r.reported_on || '')"
        };
        // Each task's latest report, then its text, in one query; the id follows "YYYY-MM-DD ".
        let query = |filter: String| {
            format!(
                "SELECT m.task_id, p.reported_on, p.text FROM (
                    SELECT a.task_id, MAX({key}) AS k FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id
                    WHERE r.text IS NOT NULL AND {date} <= $1{filter} GROUP BY a.task_id
                 ) m JOIN progress_reports p ON p.id = CAST(substr(m.k, 12) AS BIGINT)"
            )
        };
        let mut out = std::collections::HashMap::with_capacity(tasks.len());
        if tasks.len() <= 2000 {
            for chunk in tasks.chunks(500) {
                let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                let sql = query(format!(" AND a.task_id IN ({})", list.join(",")));
                let rows: Vec<LatestResult> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(iso(as_of))
                    .fetch_all(self.pool())
                    .await?;
                out.extend(rows.into_iter().map(|r| (r.task_id, r)));
            }
        } else {
            let wanted: std::collections::HashSet<i64> = tasks.iter().copied().collect();
            let rows: Vec<LatestResult> = sqlx::query_as(sqlx::AssertSqlSafe(query(String::new())))
                .bind(iso(as_of))
                .fetch_all(self.pool())
                .await?;
            out.extend(
                rows.into_iter()
                    .filter(|r| wanted.contains(&r.task_id))
                    .map(|r| (r.task_id, r)),
            );
        }
        Ok(out)
    }
}

/// Filters of the task list. Text filters compare folded (no diacritics, any case).
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub q: Option<String>,
    /// Registry code of an assigned agency.
    pub agency: Option<String>,
    pub heading: Option<String>,
    /// Document key or symbol (the appendix imported, or a basis document).
    pub document: Option<String>,
    pub due_from: Option<Date>,
    pub due_to: Option<Date>,
    /// The leader overseeing the tasks, as written on them.
    pub overseer: Option<String>,
    /// Only tasks where this agency is assigned (an agency focal point's view).
    pub only_agency_id: Option<i64>,
    /// Secret tasks are shown only to the standing agency and to the agencies assigned.
    pub see_all_secret: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub deadline_raw: String,
    #[serde(with = "opt_iso_date")]
    pub due_on: Option<Date>,
    pub lead: Option<String>,
    pub headings: Vec<String>,
    pub document: Option<String>,
    pub secret: bool,
}

/// A task's list row as the tables hold it.
#[derive(sqlx::FromRow)]
struct TaskRecord {
    id: i64,
    number: String,
    name: String,
    deadline_raw: String,
    due_on: Option<String>,
    lead_raw: Option<String>,
    headings: String,
    document: Option<String>,
    secret: i64,
}

impl From<TaskRecord> for TaskRow {
    fn from(r: TaskRecord) -> Self {
        TaskRow {
            id: r.id,
            number: r.number,
            name: r.name,
            deadline_raw: r.deadline_raw,
            due_on: r.due_on.as_deref().and_then(iso_date),
            lead: r.lead_raw,
            headings: serde_json::from_str(&r.headings).unwrap_or_default(),
            document: r.document,
            secret: r.secret != 0,
        }
    }
}

enum Bind {
    S(String),
    I(i64),
}

impl Db {
    /// Ids of the tasks matching the filter, in the order of their source documents and rows.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn list_task_ids(&self, f: &TaskFilter) -> Result<Vec<i64>> {
        let mut sql = String::from(
            "SELECT t.id FROM tasks t LEFT JOIN documents d ON d.id = t.document_id WHERE 1 = 1",
        );
        let mut binds: Vec<Bind> = Vec::new();
        let next = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            format!("${}", binds.len())
        };
        if let Some(q) =
            f.q.as_deref()
                .map(tiendo_domain::text::name_key)
                .filter(|q| !q.is_empty())
        {
            let p = next(Bind::S(format!("%{q}%")), &mut binds);
            sql.push_str(&format!(" AND t.name_key LIKE {p}"));
        }
        if let Some(code) = f.agency.as_deref().filter(|s| !s.is_empty()) {
            let p = next(Bind::S(code.to_string()), &mut binds);
            sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM assignments a JOIN agencies g ON g.id = a.agency_id WHERE a.task_id = t.id AND a.active = 1 AND g.code = {p})"));
        }
        if let Some(h) = f
            .heading
            .as_deref()
            .map(tiendo_domain::text::name_key)
            .filter(|s| !s.is_empty())
        {
            // Headings are compared as the search box compares names (no case, no
            // diacritics): the few distinct heading lists that match, then those.
            let all: Vec<String> = sqlx::query_scalar("SELECT DISTINCT headings FROM tasks")
                .fetch_all(self.pool())
                .await?;
            let matching: Vec<String> = all
                .into_iter()
                .filter(|j| tiendo_domain::text::name_key(j).contains(&h))
                .collect();
            if matching.is_empty() {
                return Ok(Vec::new());
            }
            let ps: Vec<String> = matching
                .into_iter()
                .map(|j| next(Bind::S(j), &mut binds))
                .collect();
            sql.push_str(&format!(" AND t.headings IN ({})", ps.join(", ")));
        }
        if let Some(doc) = f.document.as_deref().filter(|s| !s.is_empty()) {
            let p1 = next(Bind::S(doc.to_string()), &mut binds);
            let p2 = next(Bind::S(format!("symbol:{doc}")), &mut binds);
            sql.push_str(&format!(
                " AND (d.doc_key = {p1} OR EXISTS (SELECT 1 FROM task_documents td JOIN documents bd ON bd.id = td.document_id WHERE td.task_id = t.id AND (bd.symbol = {p1} OR bd.doc_key = {p2})))"
            ));
        }
        if let Some(d) = f.due_from {
            let p = next(Bind::S(iso(d)), &mut binds);
            sql.push_str(&format!(" AND t.due_on >= {p}"));
        }
        if let Some(d) = f.due_to {
            let p = next(Bind::S(iso(d)), &mut binds);
            sql.push_str(&format!(" AND t.due_on <= {p}"));
        }
        if let Some(o) = f.overseer.as_deref().filter(|s| !s.is_empty()) {
            let p = next(Bind::S(o.to_string()), &mut binds);
            sql.push_str(&format!(" AND t.overseer = {p}"));
        }
        if let Some(a) = f.only_agency_id {
            let p = next(Bind::I(a), &mut binds);
            sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.active = 1 AND a.agency_id = {p})"));
        } else if !f.see_all_secret {
            sql.push_str(" AND t.secret = 0");
        }
        sql.push_str(" ORDER BY t.document_id, t.position, t.id");
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = match b {
                Bind::S(s) => q.bind(s),
                Bind::I(i) => q.bind(i),
            };
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// The list rows of some tasks, in the order given.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tasks_by_ids(&self, ids: &[i64]) -> Result<Vec<TaskRow>> {
        let mut rows: std::collections::HashMap<i64, TaskRow> = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT t.id, t.number, t.name, t.deadline_raw, t.due_on, t.lead_raw, t.headings, COALESCE(d.title, d.doc_key) AS document, t.secret
                 FROM tasks t LEFT JOIN documents d ON d.id = t.document_id WHERE t.id IN ({})",
                list.join(",")
            );
            let fetched: Vec<TaskRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.pool())
                .await?;
            rows.extend(fetched.into_iter().map(|r| (r.id, TaskRow::from(r))));
        }
        Ok(ids.iter().filter_map(|i| rows.remove(i)).collect())
    }

    /// Every task's id and secrecy flag, in plan order (for filtering in memory).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_order(&self) -> Result<Vec<TaskInPlan>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, secret, committee_id FROM tasks ORDER BY document_id, position, id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, secret, committee_id)| TaskInPlan {
                id,
                secret: secret != 0,
                committee_id,
            })
            .collect())
    }

    /// Everything about one task for its page.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_detail(&self, id: i64) -> Result<Option<TaskDetail>> {
        let row: Option<TaskDetailRecord> = sqlx::query_as(
            "SELECT t.id, t.number, t.name, t.headings, t.expected_result, t.deadline_raw, t.due_on, t.deadline_note, t.basis, t.extra, t.source,
                    COALESCE(d.title, d.doc_key) AS document, t.secret, t.committee_id, c.name AS committee, t.lead_raw, t.overseer, t.coordinators_raw
             FROM tasks t JOIN committees c ON c.id = t.committee_id LEFT JOIN documents d ON d.id = t.document_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let rows: Vec<AssignmentRecord> = sqlx::query_as(
            "SELECT a.id, a.agency_id, g.name AS agency, a.role, a.via_group, gr.name AS via_group_name, a.unit, a.assigned_on, a.removed_on
             FROM assignments a JOIN agencies g ON g.id = a.agency_id LEFT JOIN agency_groups gr ON gr.code = a.via_group
             WHERE a.task_id = $1 AND (a.active = 1 OR a.removed_on IS NOT NULL) ORDER BY a.active DESC, a.role DESC, a.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let (assignments, ended): (Vec<AssignmentRow>, Vec<AssignmentRow>) = rows
            .into_iter()
            .map(AssignmentRow::from)
            .partition(|a| a.removed_on.is_none());
        let changes: Vec<DeadlineChangeEntry> = sqlx::query_as(
            "SELECT dc.effective_on, g.name AS agency, dc.raw AS deadline, dc.reason, dc.approved_by, dc.state, dc.created_by, dc.decision_note FROM deadline_changes dc
             LEFT JOIN assignments a ON a.id = dc.assignment_id LEFT JOIN agencies g ON g.id = a.agency_id
             WHERE dc.task_id = $1 ORDER BY dc.effective_on, dc.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let reports: Vec<ReportEntry> = sqlx::query_as(
            "SELECT r.reported_on, g.name AS agency, r.status, r.text, r.created_by, r.review, r.review_note FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id
             JOIN agencies g ON g.id = a.agency_id WHERE a.task_id = $1 ORDER BY r.reported_on DESC, r.id DESC LIMIT 200",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let unresolved: Vec<UnresolvedAgency> = sqlx::query_as(
            "SELECT role, text FROM task_unresolved_agencies WHERE task_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(TaskDetail {
            id: r.id,
            number: r.number,
            name: r.name,
            headings: serde_json::from_str(&r.headings).unwrap_or_default(),
            expected_result: r.expected_result,
            deadline_raw: r.deadline_raw,
            due_on: r.due_on,
            deadline_note: r.deadline_note,
            basis: r.basis,
            extra: serde_json::from_str(&r.extra).unwrap_or_default(),
            source: r.source,
            document: r.document,
            secret: r.secret != 0,
            committee_id: r.committee_id,
            committee: r.committee,
            lead_raw: r.lead_raw,
            overseer: r.overseer,
            coordinators_raw: r.coordinators_raw,
            assignments,
            ended,
            changes,
            reports,
            unresolved,
            history: self.history("task", id).await?,
        }))
    }

    /// Number and name of some tasks.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_names(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, TaskName>> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT id, number, name, overseer FROM tasks WHERE id IN ({})",
                list.join(",")
            );
            let rows: Vec<TaskName> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.pool())
                .await?;
            out.extend(rows.into_iter().map(|t| (t.id, t)));
        }
        Ok(out)
    }
}

/// An active assignment of a task, with its agency's code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActiveAssignment {
    pub id: i64,
    pub agency_code: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// One of an agency's active assignments.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgencyAssignment {
    pub task_id: i64,
    /// The assignment's id.
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// A task's number and name.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct TaskName {
    pub id: i64,
    pub number: String,
    pub name: String,
    /// The leader who oversees it ("Phó Thủ tướng …"), when named.
    pub overseer: Option<String>,
}

/// A task in plan order, with whether it is secret and whose committee's it is.
#[derive(Debug, Clone, Copy)]
pub struct TaskInPlan {
    pub id: i64,
    pub secret: bool,
    pub committee_id: i64,
}

/// A task's latest progress text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LatestResult {
    pub task_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub reported_on: Date,
    pub text: String,
}

/// What a document said of a task as a whole on the day it describes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskStatement {
    pub task_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub reported_on: Date,
    /// The status word as the document wrote it ("Đang hoàn thành").
    pub status_raw: Option<String>,
    pub result: Option<String>,
}

/// One agency's assignment to a task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AssignmentRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency: String,
    pub role: Role,
    /// The group's code in the registry (`G_BO_NGANH_DP`).
    pub via_group: Option<String>,
    /// The group's name ("Các bộ, ngành, địa phương"), what people read.
    pub via_group_name: Option<String>,
    pub unit: Option<String>,
    /// From this day (a reassignment); none: from the start.
    #[serde(with = "opt_iso_date")]
    pub assigned_on: Option<Date>,
    #[serde(with = "opt_iso_date")]
    pub removed_on: Option<Date>,
}

/// An assignment as the tables hold it.
#[derive(sqlx::FromRow)]
struct AssignmentRecord {
    id: i64,
    agency_id: i64,
    agency: String,
    #[sqlx(try_from = "String")]
    role: Role,
    via_group: Option<String>,
    via_group_name: Option<String>,
    unit: Option<String>,
    assigned_on: Option<String>,
    removed_on: Option<String>,
}

impl From<AssignmentRecord> for AssignmentRow {
    fn from(r: AssignmentRecord) -> Self {
        AssignmentRow {
            id: r.id,
            agency_id: r.agency_id,
            agency: r.agency,
            role: r.role,
            via_group: r.via_group,
            via_group_name: r.via_group_name,
            unit: r.unit,
            assigned_on: r.assigned_on.as_deref().and_then(iso_date),
            removed_on: r.removed_on.as_deref().and_then(iso_date),
        }
    }
}

/// A deadline change of a task (an approved new deadline, a request, a refusal).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadlineChangeEntry {
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub effective_on: Date,
    /// The agency whose assignment it concerns; none: the whole task.
    pub agency: Option<String>,
    /// The new deadline as written.
    pub deadline: String,
    pub reason: String,
    pub approved_by: Option<String>,
    /// approved, requested, refused
    pub state: String,
    pub created_by: String,
    /// The reason given with the decision (a refusal's).
    pub decision_note: Option<String>,
}

/// A progress report on a task, with the standing agency's review.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportEntry {
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub reported_on: Date,
    pub agency: String,
    pub status: Option<String>,
    pub text: Option<String>,
    pub created_by: String,
    /// confirmed, returned
    pub review: Option<String>,
    pub review_note: Option<String>,
}

/// An agency a document named that the registry could not.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnresolvedAgency {
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub text: String,
}

/// A task's own columns, as the task page reads them.
#[derive(sqlx::FromRow)]
struct TaskDetailRecord {
    id: i64,
    number: String,
    name: String,
    /// JSON list
    headings: String,
    expected_result: Option<String>,
    deadline_raw: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    due_on: Option<Date>,
    deadline_note: Option<String>,
    basis: Option<String>,
    /// JSON list of (heading, value)
    extra: String,
    source: Option<String>,
    document: Option<String>,
    secret: i64,
    committee_id: i64,
    committee: String,
    lead_raw: Option<String>,
    overseer: Option<String>,
    coordinators_raw: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub headings: Vec<String>,
    pub expected_result: Option<String>,
    pub deadline_raw: String,
    pub due_on: Option<Date>,
    pub deadline_note: Option<String>,
    pub basis: Option<String>,
    pub extra: Vec<(String, String)>,
    pub source: Option<String>,
    pub document: Option<String>,
    pub secret: bool,
    /// The committee whose task it is (its id, and its name below).
    pub committee_id: i64,
    pub committee: String,
    pub lead_raw: Option<String>,
    pub overseer: Option<String>,
    pub coordinators_raw: Option<String>,
    /// The agencies assigned now.
    pub assignments: Vec<AssignmentRow>,
    /// Assignments that ended (reassigned), with their period.
    pub ended: Vec<AssignmentRow>,
    pub changes: Vec<DeadlineChangeEntry>,
    /// Newest first, at most 200.
    pub reports: Vec<ReportEntry>,
    pub unresolved: Vec<UnresolvedAgency>,
    pub history: Vec<crate::audit::AuditEntry>,
}

/// A record kept beside a task, named by its own id: whose task it is decides who may act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOfTask {
    DeadlineChange,
    ProgressReport,
    Difficulty,
    Direction,
}

impl Db {
    /// The task a record belongs to (`None`: no such record, or a difficulty raised on no task).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_of_record(&self, kind: RecordOfTask, id: i64) -> Result<Option<i64>> {
        let sql = match kind {
            RecordOfTask::DeadlineChange => "SELECT task_id FROM deadline_changes WHERE id = $1",
            RecordOfTask::ProgressReport => {
                "SELECT a.task_id FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id WHERE r.id = $1"
            }
            RecordOfTask::Difficulty => "SELECT task_id FROM difficulties WHERE id = $1",
            RecordOfTask::Direction => "SELECT task_id FROM directions WHERE id = $1",
        };
        let task: Option<Option<i64>> = sqlx::query_scalar(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(task.flatten())
    }

    /// An agency asks for a new deadline on its assignment; not in force until approved.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn request_deadline_change(
        &self,
        task_id: i64,
        assignment_id: i64,
        new_deadline: &str,
        reason: &str,
        actor: &str,
    ) -> Result<i64> {
        let d = parse_deadline(new_deadline, DeadlineContext::default());
        if d.kind == DeadlineKind::Unknown || d.kind == DeadlineKind::Conditional {
            return Err(StoreError::Invalid(format!(
                "thời hạn đề nghị không đọc được: \"{}\" (ví dụ: 30/6/2026, Quý III/2026)",
                new_deadline.trim()
            )));
        }
        if reason.trim().is_empty() || reason.chars().count() > 5000 {
            return Err(StoreError::Invalid(
                "cần nêu lý do (tối đa 5.000 ký tự)".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let ok: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE id = $1 AND task_id = $2 AND active = 1",
        )
        .bind(assignment_id)
        .bind(task_id)
        .fetch_optional(&mut *tx)
        .await?;
        if ok.is_none() {
            return Err(StoreError::Invalid(
                "phân công không thuộc nhiệm vụ này".into(),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO deadline_changes (task_id, assignment_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 'requested', $8, $9) RETURNING id",
        )
        .bind(task_id)
        .bind(assignment_id)
        .bind(iso(time::OffsetDateTime::now_utc().date()))
        .bind(d.kind.as_str())
        .bind(d.due.map(iso))
        .bind(&d.raw)
        .bind(reason.trim())
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::DeadlineRequested,
            "task",
            Some(task_id),
            None,
            Some(
                &json!({ "assignment": assignment_id, "deadline": d.raw, "reason": reason.trim() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The standing agency approves (in force from `on`) or refuses a requested change.
    /// `note`: the reason given with the decision (a refusal carries one to the agency).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn decide_deadline_change(
        &self,
        change_id: i64,
        approve: bool,
        note: &str,
        on: Date,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT task_id, state FROM deadline_changes WHERE id = $1")
                .bind(change_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((task_id, state)) = row else {
            return Err(StoreError::NotFound(format!(
                "đề nghị điều chỉnh {change_id}"
            )));
        };
        if state != "requested" {
            return Err(StoreError::Invalid("đề nghị này đã được xử lý".into()));
        }
        let note = Some(note.trim()).filter(|n| !n.is_empty());
        sqlx::query("UPDATE deadline_changes SET state = $1, effective_on = $2, approved_by = $3, decision_note = $4 WHERE id = $5")
            .bind(if approve { "approved" } else { "refused" })
            .bind(iso(on))
            .bind(actor)
            .bind(note)
            .bind(change_id)
            .execute(&mut *tx)
            .await?;
        Db::audit(&mut tx, actor, if approve { AuditAction::DeadlineApproved } else { AuditAction::DeadlineRefused }, "task", Some(task_id), Some(&json!({ "change": change_id, "state": "requested" })), Some(&json!({ "change": change_id, "state": if approve { "approved" } else { "refused" }, "reason": note }))).await?;
        tx.commit().await?;
        Ok(task_id)
    }

    /// Pending deadline requests of a task: (change id, agency, new deadline, reason, by).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn pending_deadline_requests(&self, task_id: i64) -> Result<Vec<DeadlineRequest>> {
        Ok(sqlx::query_as(
            "SELECT dc.id, g.name AS agency, dc.raw AS deadline, dc.reason, dc.created_by FROM deadline_changes dc JOIN assignments a ON a.id = dc.assignment_id
             JOIN agencies g ON g.id = a.agency_id WHERE dc.task_id = $1 AND dc.state = 'requested' ORDER BY dc.id",
        )
        .bind(task_id)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Db {
    /// The standing agency confirms a reported completion, or returns it with a note (it then no
    /// longer counts as done).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn review_report(
        &self,
        report_id: i64,
        confirm: bool,
        note: &str,
        actor: &str,
    ) -> Result<i64> {
        if !confirm && note.trim().is_empty() {
            return Err(StoreError::Invalid("cần nêu lý do trả lại".into()));
        }
        let mut tx = self.begin_write().await?;
        let row: Option<ReportToReview> = sqlx::query_as(
            "SELECT a.task_id, r.assignment_id, r.status, r.review FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id WHERE r.id = $1",
        )
        .bind(report_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(ReportToReview {
            task_id: task,
            assignment_id,
            status,
            review,
        }) = row
        else {
            return Err(StoreError::NotFound(format!("báo cáo {report_id}")));
        };
        if !matches!(status.as_deref(), Some("done") | Some("done_late")) {
            return Err(StoreError::Invalid(
                "chỉ xác nhận báo cáo hoàn thành".into(),
            ));
        }
        if review.is_some() {
            return Err(StoreError::Invalid("báo cáo này đã được xem xét".into()));
        }
        let verdict = if confirm { "confirmed" } else { "returned" };
        sqlx::query("UPDATE progress_reports SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5")
            .bind(verdict)
            .bind(note.trim())
            .bind(actor)
            .bind(now())
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
        Db::audit_reports_of(
            &mut tx,
            actor,
            if confirm {
                AuditAction::ReportConfirmed
            } else {
                AuditAction::ReportReturned
            },
            task,
            assignment_id,
            &json!({ "report": report_id, "note": note.trim() }),
        )
        .await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Reported completions of a task awaiting the standing agency: (report id, date, agency, text).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn completions_to_review(&self, task_id: i64) -> Result<Vec<CompletionToReview>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.reported_on, g.name AS agency, r.text FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id JOIN agencies g ON g.id = a.agency_id
             WHERE a.task_id = $1 AND r.status IN ('done', 'done_late') AND r.review IS NULL AND r.source = 'user' ORDER BY r.id",
        )
        .bind(task_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// An agency's active assignments, by task.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assignments_of_agency(&self, agency_id: i64) -> Result<Vec<AgencyAssignment>> {
        Ok(sqlx::query_as("SELECT task_id, id, role FROM assignments WHERE agency_id = $1 AND active = 1 ORDER BY task_id").bind(agency_id).fetch_all(self.pool()).await?)
    }
}

impl Db {
    /// An agency commits to a completion date and roadmap for its assignment.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_commitment(
        &self,
        assignment_id: i64,
        committed_on: Date,
        roadmap: &str,
        actor: &str,
    ) -> Result<i64> {
        let roadmap = tiendo_domain::text::clean_cell(roadmap);
        if roadmap.is_empty() || roadmap.chars().count() > 5000 {
            return Err(StoreError::Invalid(
                "cần lộ trình thực hiện (tối đa 5.000 ký tự)".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let task: Option<i64> =
            sqlx::query_scalar("SELECT task_id FROM assignments WHERE id = $1 AND active = 1")
                .bind(assignment_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(task) = task else {
            return Err(StoreError::NotFound(format!("phân công {assignment_id}")));
        };
        let id: i64 = sqlx::query_scalar("INSERT INTO commitments (assignment_id, committed_on, roadmap, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(assignment_id)
            .bind(iso(committed_on))
            .bind(&roadmap)
            .bind(now())
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
        Db::audit(&mut tx, actor, AuditAction::CommitmentAdded, "task", Some(task), None, Some(&json!({ "assignment": assignment_id, "committed_on": iso(committed_on), "roadmap": roadmap }))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The documents whose rule that no answer is a commitment falls due before `day` and has
    /// not been applied: (document, its name, the rule, the answer date).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn silence_rules_due(&self, day: Date) -> Result<Vec<SilenceRuleDue>> {
        Ok(sqlx::query_as(
            "SELECT id, COALESCE(symbol, title, file_name, doc_key) AS name, silence_rule AS rule, silence_answer_by AS answer_by
             FROM documents WHERE silence_rule IS NOT NULL AND silence_answer_by IS NOT NULL AND silence_answer_by < $1 AND silence_applied_on IS NULL
             ORDER BY id",
        )
        .bind(iso(day))
        .fetch_all(self.pool())
        .await?)
    }

    /// The tasks a document holds.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tasks_in_document(&self, document: i64) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM tasks WHERE document_id = $1 ORDER BY id")
                .bind(document)
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Applies a document's rule that no answer is a commitment, once: each assignment given
    /// gets a commitment to `committed_on` whose roadmap says the rule, unless it made one by
    /// the answer date; the document is marked applied on `day`. One transaction; audited.
    /// Returns how many commitments were recorded.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn apply_silence_rule(
        &self,
        rule: &SilenceRuleDue,
        assignments: &[i64],
        committed_on: Date,
        day: Date,
        actor: &str,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE documents SET silence_applied_on = $1 WHERE id = $2 AND silence_applied_on IS NULL",
        )
        .bind(iso(day))
        .bind(rule.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            // Another server applied it first.
            return Ok(0);
        }
        let answered_by = format!("{}T23:59:59.999999Z", iso(rule.answer_by));
        let roadmap = format!(
            "Không có văn bản cam kết trước ngày {}: theo văn bản {}, được hiểu là cam kết hoàn thành — «{}»",
            tiendo_domain::deadline::vn(rule.answer_by),
            rule.name,
            rule.rule
        );
        let ts = now();
        let mut recorded = 0;
        for &a in assignments {
            let task: Option<i64> =
                sqlx::query_scalar("SELECT task_id FROM assignments WHERE id = $1 AND active = 1")
                    .bind(a)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(task) = task else { continue };
            let answered: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM commitments WHERE assignment_id = $1 AND created_at <= $2 LIMIT 1",
            )
            .bind(a)
            .bind(&answered_by)
            .fetch_optional(&mut *tx)
            .await?;
            if answered.is_some() {
                continue;
            }
            sqlx::query("INSERT INTO commitments (assignment_id, committed_on, roadmap, created_at, created_by) VALUES ($1, $2, $3, $4, $5)")
                .bind(a)
                .bind(iso(committed_on))
                .bind(&roadmap)
                .bind(&ts)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            Db::audit(&mut tx, actor, AuditAction::CommitmentAdded, "task", Some(task), None, Some(&json!({ "assignment": a, "committed_on": iso(committed_on), "roadmap": roadmap, "document": rule.id }))).await?;
            recorded += 1;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// The latest commitment of each assignment of a task: assignment → (committed on, roadmap,
    /// made on).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn commitments_of_task(
        &self,
        task: i64,
    ) -> Result<std::collections::HashMap<i64, Commitment>> {
        let rows: Vec<Commitment> = sqlx::query_as(
            "SELECT c.assignment_id, c.committed_on, c.roadmap, c.created_at FROM commitments c JOIN assignments a ON a.id = c.assignment_id
             WHERE a.task_id = $1 ORDER BY c.id",
        )
        .bind(task)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|c| (c.assignment_id, c)).collect())
    }

    /// The latest commitment of each assignment, by assignment.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn latest_commitments(&self) -> Result<std::collections::HashMap<i64, Commitment>> {
        let rows: Vec<Commitment> = sqlx::query_as(
            "SELECT assignment_id, committed_on, roadmap, created_at FROM commitments ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|c| (c.assignment_id, c)).collect())
    }
}

/// A document's rule that no answer is a commitment, due to be applied.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SilenceRuleDue {
    pub id: i64,
    pub name: String,
    pub rule: String,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub answer_by: Date,
}

/// A report the standing agency is about to confirm or return.
#[derive(sqlx::FromRow)]
struct ReportToReview {
    task_id: i64,
    assignment_id: i64,
    status: Option<String>,
    review: Option<String>,
}

/// An agency's request for a new deadline, waiting for the standing agency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadlineRequest {
    pub id: i64,
    pub agency: String,
    /// The deadline asked for, as written.
    pub deadline: String,
    pub reason: String,
    pub created_by: String,
}

/// A reported completion the standing agency has not yet confirmed or returned.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CompletionToReview {
    /// The report's id.
    pub id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub reported_on: Date,
    pub agency: String,
    pub text: Option<String>,
}

/// An agency's commitment to finish a late assignment by a date, with its roadmap.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Commitment {
    pub assignment_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub committed_on: Date,
    pub roadmap: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
}

/// An evidence file of a task's reports, without its content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceInfo {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub size_bytes: i64,
}

/// An evidence file with its content, and the task it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceFile {
    pub task_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An evidence file attached to a report.
pub struct Evidence<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub sha256: &'a str,
}

impl Db {
    /// A progress report with its evidence file, in one transaction.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_report_with_evidence(
        &self,
        assignment_id: i64,
        reported_on: Date,
        status: Option<ReportedStatus>,
        completed_on: Option<Date>,
        text: Option<&str>,
        evidence: Option<Evidence<'_>>,
        actor: &str,
    ) -> Result<i64> {
        if completed_on.is_some_and(|c| c > reported_on) {
            return Err(StoreError::Invalid(
                "ngày hoàn thành không thể sau ngày báo cáo".into(),
            ));
        }
        // An agency reporting a completion states its day: the one given, else the report's.
        let completed_on = match status {
            Some(s) if s.is_done() => Some(completed_on.unwrap_or(reported_on)),
            _ => completed_on,
        };
        let mut tx = self.begin_write().await?;
        let task: Option<i64> = sqlx::query_scalar("SELECT task_id FROM assignments WHERE id = $1")
            .bind(assignment_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(task) = task else {
            return Err(StoreError::NotFound(format!("phân công {assignment_id}")));
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO progress_reports (assignment_id, reported_on, status, completed_on, text, source, source_key, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, 'user', NULL, $6, $7) RETURNING id",
        )
        .bind(assignment_id)
        .bind(iso(reported_on))
        .bind(status.map(|s| s.as_str()))
        .bind(completed_on.map(iso))
        .bind(text)
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(e) = &evidence {
            sqlx::query("INSERT INTO evidence_files (report_id, file_name, content_type, size_bytes, sha256, created_at, content) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(e.file_name)
                .bind(e.content_type)
                .bind(e.bytes.len() as i64)
                .bind(e.sha256)
                .bind(now())
                .bind(e.bytes.to_vec())
                .execute(&mut *tx)
                .await?;
        }
        Db::audit_reports_of(
            &mut tx,
            actor,
            AuditAction::ReportAdded,
            task,
            assignment_id,
            &json!({ "assignment": assignment_id, "status": status.map(|s| s.as_str()), "reported_on": iso(reported_on), "evidence": evidence.as_ref().map(|e| e.file_name) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Evidence files of a task: (id, report id, file name, size).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn evidence_of_task(&self, task_id: i64) -> Result<Vec<EvidenceInfo>> {
        Ok(sqlx::query_as(
            "SELECT e.id, e.report_id, e.file_name, e.size_bytes FROM evidence_files e JOIN progress_reports r ON r.id = e.report_id
             JOIN assignments a ON a.id = r.assignment_id WHERE a.task_id = $1 ORDER BY e.id",
        )
        .bind(task_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// One evidence file, with the task it belongs to.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn evidence_file(&self, id: i64) -> Result<Option<EvidenceFile>> {
        Ok(sqlx::query_as(
            "SELECT a.task_id, e.file_name, e.content_type, e.content FROM evidence_files e JOIN progress_reports r ON r.id = e.report_id
             JOIN assignments a ON a.id = r.assignment_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}
