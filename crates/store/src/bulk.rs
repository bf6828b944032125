//! Fast insertion of a generated data set (national scale: 50,000 tasks, 500,000 assignments,
//! 2,000,000 reports) with multi-row INSERTs in one transaction, on both backends.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{DeadlineKind, iso};
use tiendo_domain::model::{ReportedStatus, Role};
use time::Date;

use crate::registry::StoredRegistry;
use crate::seed::default_committee_id;
use crate::{Backend, Db, Result, StoreError, now};

pub struct GenTask {
    pub number: String,
    pub name: String,
    pub headings: Vec<String>,
    pub deadline_raw: String,
    pub kind: DeadlineKind,
    pub due: Option<Date>,
    pub lead_raw: String,
    /// The conclusion notice that assigned it ("105/TB-VPCP"), if any.
    pub notice: Option<String>,
}

pub struct GenAssignment {
    pub task: usize,
    pub agency_code: String,
    pub role: Role,
    pub via_group: Option<String>,
}

pub struct GenReport {
    pub assignment: usize,
    pub on: Date,
    pub status: ReportedStatus,
    pub text: String,
}

pub struct GenChange {
    pub task: usize,
    pub effective_on: Date,
    pub kind: DeadlineKind,
    pub due: Option<Date>,
    pub raw: String,
}

/// A difficulty raised on a task by one of its lead agencies.
pub struct GenDifficulty {
    pub task: usize,
    pub raiser: String,
    /// The agency that must answer (none: the standing agency).
    pub handler: Option<String>,
    pub text: String,
    pub raised_on: Date,
    pub answer_due: Date,
    pub answered_on: Option<Date>,
}

/// A commitment made on `made_on` to finish by `committed_on`.
pub struct GenCommitment {
    pub assignment: usize,
    pub committed_on: Date,
    pub made_on: Date,
    pub roadmap: String,
}

pub struct Generated {
    pub doc_key: String,
    pub title: String,
    pub tasks: Vec<GenTask>,
    pub assignments: Vec<GenAssignment>,
    pub reports: Vec<GenReport>,
    pub changes: Vec<GenChange>,
    pub difficulties: Vec<GenDifficulty>,
    pub commitments: Vec<GenCommitment>,
    /// The day the generated tasks were recorded (their obligations are tracked from then).
    pub recorded_on: Date,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct BulkSummary {
    pub tasks: u64,
    pub assignments: u64,
    pub reports: u64,
    pub deadline_changes: u64,
    pub difficulties: u64,
    pub commitments: u64,
}

/// Placeholder list "($1, $2, …), (…)" for `rows` rows of `cols` values. SQLite gets anonymous
/// "?" placeholders: it looks each named one up in a list, which is quadratic in a statement with
/// thousands of them.
fn values_sql(backend: Backend, rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            match backend {
                Backend::Sqlite => s.push('?'),
                Backend::Postgres => {
                    s.push('$');
                    s.push_str(&(r * cols + c + 1).to_string());
                }
            }
        }
        s.push(')');
    }
    s
}

const MAX_PARAMS: usize = 30_000;

#[allow(clippy::too_many_arguments)]
async fn insert_rows<T>(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, Any>,
    head: &str,
    cols: usize,
    rows: &[T],
    bind: impl Fn(Query<'static, Any, AnyArguments>, &T) -> Query<'static, Any, AnyArguments>,
    progress: &mut dyn FnMut(&str, usize, usize),
    label: &str,
) -> Result<()> {
    let per = (MAX_PARAMS / cols).max(1);
    let mut done = 0;
    for chunk in rows.chunks(per) {
        let sql = format!("{head} VALUES {}", values_sql(backend, chunk.len(), cols));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = bind(q, r);
        }
        q.execute(&mut **tx).await?;
        done += chunk.len();
        progress(label, done, rows.len());
    }
    Ok(())
}

/// One generated data set being written: where its ids start, its document, its time.
struct Bulk {
    backend: Backend,
    committee: i64,
    doc_id: i64,
    task0: i64,
    asg0: i64,
    ts: String,
}

pub type Progress<'p> = &'p mut dyn FnMut(&str, usize, usize);

async fn next_id(tx: &mut Tx<'_>, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    Ok(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut **tx)
        .await?
        + 1)
}

type Tx<'t> = sqlx::Transaction<'t, sqlx::Any>;

impl Db {
    /// Writes a generated data set in one transaction, many rows per statement.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn bulk_insert(&self, g: &Generated, progress: Progress<'_>) -> Result<BulkSummary> {
        let reg = self.load_registry().await?;
        let committee = default_committee_id(self).await?;
        let ts = now();
        let mut tx = self.begin_write().await?;
        let doc_id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
             VALUES ($1, $2, NULL, 'generated', NULL, NULL, $3, NULL, $4, $4) RETURNING id",
        )
        .bind(committee)
        .bind(&g.doc_key)
        .bind(&g.title)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => {
                StoreError::Invalid(format!("bộ dữ liệu \"{}\" đã được sinh trong cơ sở dữ liệu này", g.doc_key))
            }
            e => StoreError::Database(e),
        })?;
        let b = Bulk {
            backend: self.backend(),
            committee,
            doc_id,
            task0: next_id(&mut tx, "tasks").await?,
            asg0: next_id(&mut tx, "assignments").await?,
            ts,
        };
        b.tasks(&mut tx, g, progress).await?;
        b.notices(&mut tx, g, progress).await?;
        b.assignments(&mut tx, g, &reg, progress).await?;
        b.reports_and_changes(&mut tx, g, progress).await?;
        b.difficulties(&mut tx, g, &reg, progress).await?;
        b.commitments(&mut tx, g, progress).await?;
        if self.backend() == Backend::Postgres {
            for t in ["tasks", "assignments", "difficulties"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Db::audit(
            &mut tx,
            "generate",
            AuditAction::DocumentGenerated,
            "document",
            Some(doc_id),
            None,
            Some(&serde_json::json!({ "tasks": g.tasks.len() })),
        )
        .await?;
        tx.commit().await?;
        self.analyze().await?;
        Ok(BulkSummary {
            tasks: g.tasks.len() as u64,
            assignments: g.assignments.len() as u64,
            reports: g.reports.len() as u64,
            deadline_changes: g.changes.len() as u64,
            difficulties: g.difficulties.len() as u64,
            commitments: g.commitments.len() as u64,
        })
    }
}

impl Bulk {
    async fn tasks(&self, tx: &mut Tx<'_>, g: &Generated, progress: Progress<'_>) -> Result<()> {
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO tasks (id, committee_id, document_id, number, name, name_key, headings, deadline_raw, deadline_kind, due_on, lead_raw, position, created_at, updated_at, updated_by, basis)",
            16,
            &g.tasks.iter().enumerate().collect::<Vec<_>>(),
            |q, (i, t)| {
                q.bind(self.task0 + *i as i64)
                    .bind(self.committee)
                    .bind(self.doc_id)
                    .bind(t.number.clone())
                    .bind(t.name.clone())
                    .bind(tiendo_domain::text::name_key(&t.name))
                    .bind(serde_json::to_string(&t.headings).unwrap_or_else(|_| "[]".into()))
                    .bind(t.deadline_raw.clone())
                    .bind(t.kind.as_str())
                    .bind(t.due.map(iso))
                    .bind(t.lead_raw.clone())
                    .bind(*i as i64)
                    .bind(format!("{}T00:00:00Z", iso(g.recorded_on)))
                    .bind(self.ts.clone())
                    .bind("generate")
                    .bind(t.notice.as_ref().map(|n| format!("Thông báo số {n}")))
            },
            progress,
            "nhiệm vụ",
        )
        .await?;
        Ok(())
    }

    /// The conclusion notices named, and which tasks each assigned.
    async fn notices(&self, tx: &mut Tx<'_>, g: &Generated, progress: Progress<'_>) -> Result<()> {
        let mut notices: Vec<&str> = g.tasks.iter().filter_map(|t| t.notice.as_deref()).collect();
        notices.sort_unstable();
        notices.dedup();
        let mut notice_ids = std::collections::HashMap::new();
        for n in notices {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
                 VALUES ($1, $2, $3, 'Thông báo', NULL, NULL, NULL, NULL, $4, $4)
                 ON CONFLICT (committee_id, doc_key) DO UPDATE SET updated_at = excluded.updated_at RETURNING id",
            )
            .bind(self.committee)
            .bind(format!("symbol:{n}"))
            .bind(n)
            .bind(&self.ts)
            .fetch_one(&mut **tx)
            .await?;
            notice_ids.insert(n, id);
        }
        let links: Vec<(i64, i64)> = g
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                Some((
                    self.task0 + i as i64,
                    *notice_ids.get(t.notice.as_deref()?)?,
                ))
            })
            .collect();
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO task_documents (task_id, document_id)",
            2,
            &links,
            |q, l| q.bind(l.0).bind(l.1),
            progress,
            "văn bản giao",
        )
        .await?;
        Ok(())
    }

    async fn assignments(
        &self,
        tx: &mut Tx<'_>,
        g: &Generated,
        reg: &StoredRegistry,
        progress: Progress<'_>,
    ) -> Result<()> {
        let mut rows = Vec::with_capacity(g.assignments.len());
        for (i, a) in g.assignments.iter().enumerate() {
            let agency = *reg
                .ids
                .get(&a.agency_code)
                .ok_or_else(|| StoreError::NotFound(format!("cơ quan {}", a.agency_code)))?;
            rows.push((
                self.asg0 + i as i64,
                self.task0 + a.task as i64,
                agency,
                a.role,
                a.via_group.clone(),
            ));
        }
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO assignments (id, task_id, agency_id, role, via_group, active, created_at, updated_at)",
            8,
            &rows,
            |q, r| q.bind(r.0).bind(r.1).bind(r.2).bind(r.3.as_str()).bind(r.4.clone()).bind(1i64).bind(self.ts.clone()).bind(self.ts.clone()),
            progress,
            "phân công",
        )
        .await?;
        Ok(())
    }

    async fn reports_and_changes(
        &self,
        tx: &mut Tx<'_>,
        g: &Generated,
        progress: Progress<'_>,
    ) -> Result<()> {
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO progress_reports (assignment_id, reported_on, status, completed_on, text, source, created_at, created_by)",
            8,
            &g.reports,
            |q, r| {
                // A generated report speaks as an agency does: a completion on the report's day.
                q.bind(self.asg0 + r.assignment as i64)
                    .bind(iso(r.on))
                    .bind(r.status.as_str())
                    .bind(r.status.is_done().then(|| iso(r.on)))
                    .bind(r.text.clone())
                    .bind("generate")
                    .bind(self.ts.clone())
                    .bind("generate")
            },
            progress,
            "báo cáo",
        )
        .await?;

        insert_rows(
            self.backend,
            tx,
            "INSERT INTO deadline_changes (task_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)",
            10,
            &g.changes,
            |q, c| {
                q.bind(self.task0 + c.task as i64)
                    .bind(iso(c.effective_on))
                    .bind(c.kind.as_str())
                    .bind(c.due.map(iso))
                    .bind(c.raw.clone())
                    .bind("Gia hạn (dữ liệu sinh)")
                    .bind("Cơ quan thường trực")
                    .bind("approved")
                    .bind(self.ts.clone())
                    .bind("generate")
            },
            progress,
            "gia hạn",
        )
        .await?;
        Ok(())
    }

    async fn difficulties(
        &self,
        tx: &mut Tx<'_>,
        g: &Generated,
        reg: &StoredRegistry,
        progress: Progress<'_>,
    ) -> Result<()> {
        let diff0 = next_id(tx, "difficulties").await?;
        let agency = |code: &str| {
            reg.ids
                .get(code)
                .copied()
                .ok_or_else(|| StoreError::NotFound(format!("cơ quan {code}")))
        };
        let mut diffs = Vec::with_capacity(g.difficulties.len());
        for (i, d) in g.difficulties.iter().enumerate() {
            let handler = d.handler.as_deref().map(agency).transpose()?;
            diffs.push((diff0 + i as i64, agency(&d.raiser)?, handler, d));
        }
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO difficulties (id, task_id, raising_agency_id, text, state, answer, answer_due, answered_on, created_at, created_by, raised_on)",
            11,
            &diffs,
            |q, (id, raiser, _, d)| {
                q.bind(*id)
                    .bind(self.task0 + d.task as i64)
                    .bind(*raiser)
                    .bind(d.text.clone())
                    .bind(if d.answered_on.is_some() { "answered" } else { "open" })
                    .bind(d.answered_on.map(|_| "Đã có hướng dẫn (dữ liệu sinh)".to_string()))
                    .bind(iso(d.answer_due))
                    .bind(d.answered_on.map(iso))
                    .bind(format!("{}T02:00:00Z", iso(d.raised_on)))
                    .bind("generate")
                    .bind(iso(d.raised_on))
            },
            progress,
            "khó khăn",
        )
        .await?;
        let handled: Vec<&(i64, i64, Option<i64>, &GenDifficulty)> =
            diffs.iter().filter(|d| d.2.is_some()).collect();
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO difficulty_handlers (difficulty_id, agency_id, answer_due, state, answer, answered_on, answered_by)",
            7,
            &handled,
            |q, d| {
                let answered = d.3.answered_on;
                q.bind(d.0)
                    .bind(d.2)
                    .bind(iso(d.3.answer_due))
                    .bind(if answered.is_some() { "answered" } else { "open" })
                    .bind(answered.map(|_| "Đã có hướng dẫn (dữ liệu sinh)".to_string()))
                    .bind(answered.map(iso))
                    .bind(answered.map(|_| "generate".to_string()))
            },
            progress,
            "cơ quan xử lý",
        )
        .await?;
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO difficulty_routing (difficulty_id, handler_agency_id, answer_due, set_on, created_by)",
            5,
            &diffs,
            |q, (id, _, handler, d)| {
                q.bind(*id)
                    .bind(*handler)
                    .bind(iso(d.answer_due))
                    .bind(iso(d.raised_on))
                    .bind("generate")
            },
            progress,
            "chuyển xử lý",
        )
        .await?;
        Ok(())
    }

    async fn commitments(
        &self,
        tx: &mut Tx<'_>,
        g: &Generated,
        progress: Progress<'_>,
    ) -> Result<()> {
        insert_rows(
            self.backend,
            tx,
            "INSERT INTO commitments (assignment_id, committed_on, roadmap, created_at, created_by)",
            5,
            &g.commitments,
            |q, c| {
                q.bind(self.asg0 + c.assignment as i64)
                    .bind(iso(c.committed_on))
                    .bind(c.roadmap.clone())
                    .bind(format!("{}T02:00:00Z", iso(c.made_on)))
                    .bind("generate")
            },
            progress,
            "cam kết",
        )
        .await?;
        Ok(())
    }
}
