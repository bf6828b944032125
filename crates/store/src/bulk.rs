//! Fast insertion of a generated data set (national scale: 50,000 tasks, 500,000 assignments,
//! 2,000,000 reports) with multi-row INSERTs in one transaction, on both backends.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use tiendo_domain::deadline::{DeadlineKind, iso};
use tiendo_domain::model::{ReportedStatus, Role};
use time::Date;

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

pub struct Generated {
    pub doc_key: String,
    pub title: String,
    pub tasks: Vec<GenTask>,
    pub assignments: Vec<GenAssignment>,
    pub reports: Vec<GenReport>,
    pub changes: Vec<GenChange>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct BulkSummary {
    pub tasks: u64,
    pub assignments: u64,
    pub reports: u64,
    pub deadline_changes: u64,
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

impl Db {
    pub async fn bulk_insert(
        &self,
        g: &Generated,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<BulkSummary> {
        let reg = self.load_registry().await?;
        let committee = default_committee_id(self).await?;
        let ts = now();
        let mut tx = self.pool().begin().await?;
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
        let max = |table: &'static str| {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            async move { sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)) }
        };
        let task0: i64 = max("tasks").await.fetch_one(&mut *tx).await? + 1;
        let asg0: i64 = max("assignments").await.fetch_one(&mut *tx).await? + 1;

        insert_rows(
            self.backend(),
            &mut tx,
            "INSERT INTO tasks (id, committee_id, document_id, number, name, name_key, headings, deadline_raw, deadline_kind, due_on, lead_raw, position, created_at, updated_at, updated_by)",
            15,
            &g.tasks.iter().enumerate().collect::<Vec<_>>(),
            |q, (i, t)| {
                q.bind(task0 + *i as i64)
                    .bind(committee)
                    .bind(doc_id)
                    .bind(t.number.clone())
                    .bind(t.name.clone())
                    .bind(tiendo_domain::text::name_key(&t.name))
                    .bind(serde_json::to_string(&t.headings).unwrap_or_else(|_| "[]".into()))
                    .bind(t.deadline_raw.clone())
                    .bind(t.kind.as_str())
                    .bind(t.due.map(iso))
                    .bind(t.lead_raw.clone())
                    .bind(*i as i64)
                    .bind(ts.clone())
                    .bind(ts.clone())
                    .bind("generate")
            },
            progress,
            "nhiệm vụ",
        )
        .await?;

        let mut rows = Vec::with_capacity(g.assignments.len());
        for (i, a) in g.assignments.iter().enumerate() {
            let agency = *reg
                .ids
                .get(&a.agency_code)
                .ok_or_else(|| StoreError::NotFound(format!("cơ quan {}", a.agency_code)))?;
            rows.push((
                asg0 + i as i64,
                task0 + a.task as i64,
                agency,
                a.role,
                a.via_group.clone(),
            ));
        }
        insert_rows(
            self.backend(),
            &mut tx,
            "INSERT INTO assignments (id, task_id, agency_id, role, via_group, active, created_at, updated_at)",
            8,
            &rows,
            |q, r| q.bind(r.0).bind(r.1).bind(r.2).bind(r.3.as_str()).bind(r.4.clone()).bind(1i64).bind(ts.clone()).bind(ts.clone()),
            progress,
            "phân công",
        )
        .await?;

        insert_rows(
            self.backend(),
            &mut tx,
            "INSERT INTO progress_reports (assignment_id, reported_on, status, text, source, created_at, created_by)",
            7,
            &g.reports,
            |q, r| {
                q.bind(asg0 + r.assignment as i64)
                    .bind(iso(r.on))
                    .bind(r.status.as_str())
                    .bind(r.text.clone())
                    .bind("generate")
                    .bind(ts.clone())
                    .bind("generate")
            },
            progress,
            "báo cáo",
        )
        .await?;

        insert_rows(
            self.backend(),
            &mut tx,
            "INSERT INTO deadline_changes (task_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)",
            10,
            &g.changes,
            |q, c| {
                q.bind(task0 + c.task as i64)
                    .bind(iso(c.effective_on))
                    .bind(c.kind.as_str())
                    .bind(c.due.map(iso))
                    .bind(c.raw.clone())
                    .bind("Gia hạn (dữ liệu sinh)")
                    .bind("Cơ quan thường trực")
                    .bind("approved")
                    .bind(ts.clone())
                    .bind("generate")
            },
            progress,
            "gia hạn",
        )
        .await?;

        if self.backend() == Backend::Postgres {
            for t in ["tasks", "assignments"] {
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
            "document.generated",
            "document",
            Some(doc_id),
            None,
            Some(&serde_json::json!({ "tasks": g.tasks.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(BulkSummary {
            tasks: g.tasks.len() as u64,
            assignments: g.assignments.len() as u64,
            reports: g.reports.len() as u64,
            deadline_changes: g.changes.len() as u64,
        })
    }
}
