//! Changes made after import: deadline changes (with who approved and why) and progress reports.

use serde_json::json;
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, iso, parse_deadline};
use tiendo_domain::model::ReportedStatus;
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
        let mut tx = self.pool().begin().await?;
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
            "deadline.changed",
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
    pub async fn add_report(
        &self,
        assignment_id: i64,
        reported_on: Date,
        status: Option<ReportedStatus>,
        completed_on: Option<Date>,
        text: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        if completed_on.is_some_and(|c| c > reported_on) {
            return Err(StoreError::Invalid(
                "ngày hoàn thành không thể sau ngày báo cáo".into(),
            ));
        }
        let mut tx = self.pool().begin().await?;
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
        Db::audit(&mut tx, actor, "report.added", "task", Some(task), None, Some(&json!({ "assignment": assignment_id, "status": status.map(|s| s.as_str()), "reported_on": iso(reported_on) }))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Active assignments of a task: (id, agency code, role).
    pub async fn assignments_of(&self, task_id: i64) -> Result<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT a.id, g.code, a.role FROM assignments a JOIN agencies g ON g.id = a.agency_id WHERE a.task_id = $1 AND a.active = 1 ORDER BY a.id",
        )
        .bind(task_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Task id by document key and number.
    pub async fn task_by_number(&self, doc_key: &str, number: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT t.id FROM tasks t JOIN documents d ON d.id = t.document_id WHERE d.doc_key = $1 AND t.number = $2 ORDER BY t.id")
            .bind(doc_key)
            .bind(number)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Row counts of the main tables, for summaries and checks.
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

    /// The latest progress text reported on or before `as_of` for each task: task → (date, text).
    pub async fn latest_results(
        &self,
        as_of: Date,
    ) -> Result<std::collections::HashMap<i64, (String, String)>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT a.task_id, r.reported_on, r.text FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id
             WHERE r.text IS NOT NULL AND r.reported_on <= $1 ORDER BY r.reported_on, r.id",
        )
        .bind(iso(as_of))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(t, d, x)| (t, (d, x))).collect())
    }
}
