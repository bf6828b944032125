//! Stores what the importer read: one transaction per file, all or nothing. Re-importing the same
//! file (or a later version of the same appendix) updates the same tasks — matched by document and
//! number, falling back to the name — and records what changed.

use std::collections::{HashMap, HashSet};
use tiendo_domain::audit::AuditAction;

use serde::Serialize;
use serde_json::json;
use tiendo_domain::agency::RefKind;
use tiendo_domain::deadline::{iso, iso_date};
use tiendo_domain::import_plan::{
    StoredTask, TaskPlan, WantedAssignment, joined_raw, plan_tasks_with, wanted_assignments,
};
use tiendo_domain::model::{ParsedDifficulty, ParsedIndicator, ParsedTask, ReportedStatus, Role};
use tiendo_domain::reference::{DocumentRef, referenced_documents};
use tiendo_domain::text::name_key;
use time::Date;

use crate::registry::StoredRegistry;
use crate::seed::default_committee_id;
use crate::{Db, Result, StoreError, now};

pub struct ImportInput<'a> {
    /// The committee assigning the tasks (default: the Government steering committee).
    pub committee: Option<&'a str>,
    /// Identifies the appendix across versions (default: the file name without extension).
    pub doc_key: &'a str,
    pub file_name: &'a str,
    pub title: Option<String>,
    pub tasks: &'a [ParsedTask],
    /// Rows of the document's difficulty tables, for the register.
    pub difficulties: &'a [ParsedDifficulty],
    /// The document's indicators, their targets and figures.
    pub indicators: &'a [ParsedIndicator],
    pub warnings: &'a [String],
    pub reported_on: Date,
    pub actor: &'a str,
    /// Called every few hundred tasks with (stored, total), for a progress indicator.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// The file is this system's export and each task carries its id there
    /// ([`ParsedTask::external_id`]): a task already stored under the id is updated wherever it
    /// was first imported; a new one is stored with the id.
    pub external_system: Option<&'a str>,
    /// The letter's rule that no answer is a commitment, kept with the document.
    pub silence_rule: Option<&'a tiendo_domain::model::SilenceRule>,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct ImportSummary {
    pub document_id: i64,
    pub tasks_created: u64,
    pub tasks_updated: u64,
    pub tasks_unchanged: u64,
    pub assignments: u64,
    pub reports: u64,
    pub unresolved_agencies: u64,
    pub difficulties: crate::difficulty_import::DifficultyCounts,
    #[serde(default)]
    pub indicators: crate::indicators::IndicatorCounts,
    pub changes: Vec<String>,
}

/// Links a task to the documents its basis names ("Thông báo số 624/TB-VPCP"), recording each
/// document the first time it is named.
pub(crate) async fn link_basis_documents(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    committee: i64,
    task: i64,
    basis: &str,
    ts: &str,
) -> Result<()> {
    for DocumentRef {
        symbol: sym,
        kind,
        issued_on: date,
    } in referenced_documents(basis)
    {
        let doc: i64 = sqlx::query_scalar(
            "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL, $6, $6)
             ON CONFLICT (committee_id, doc_key) DO UPDATE SET issued_on = COALESCE(documents.issued_on, excluded.issued_on), updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(committee)
        .bind(format!("symbol:{sym}"))
        .bind(&sym)
        .bind(kind.unwrap_or_else(|| "văn bản".into()))
        .bind(date.map(iso))
        .bind(ts)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO task_documents (task_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(task)
            .bind(doc)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Db {
    /// The committee a code names (the Government's steering committee when none): not found
    /// when the code names none.
    pub(crate) async fn committee_or_default(&self, committee: Option<&str>) -> Result<i64> {
        match committee {
            Some(code) => self
                .committee_id(code)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("ban chỉ đạo mã {code}"))),
            None => default_committee_id(self).await,
        }
    }
}

impl Db {
    /// Stores a document's tasks and difficulties in one transaction: the plan of
    /// [`tiendo_domain::import_plan`] (which stored task each row is, what changed, which
    /// agencies it assigns) applied, every change audited.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_document(&self, input: ImportInput<'_>) -> Result<ImportSummary> {
        let reg = self.load_registry_for(input.committee).await?;
        let committee = self.committee_or_default(input.committee).await?;
        let mut tx = self.begin_write().await?;
        let ts = now();
        let mut summary = ImportSummary::default();
        let doc_id = upsert_document(&mut tx, committee, &input, &ts).await?;
        summary.document_id = doc_id;
        let Planned {
            existing,
            known,
            plan,
        } = plan_rows(&mut tx, Some(doc_id), input.tasks, input.external_system).await?;
        let ctx = Apply {
            input: &input,
            reg: &reg,
            committee,
            doc_id,
            ts: &ts,
        };
        for (pos, (t, p)) in input.tasks.iter().zip(&plan).enumerate() {
            if let Some(progress) = input.progress
                && pos > 0
                && pos % 250 == 0
            {
                progress(pos, input.tasks.len());
            }
            let (task_id, matched) = match p {
                TaskPlan::New => (ctx.insert_task(&mut tx, t, pos, &mut summary).await?, false),
                TaskPlan::Existing {
                    stored,
                    changed,
                    new_deadline,
                } => {
                    let e = &existing[*stored];
                    let change = Change {
                        changed,
                        new_deadline: *new_deadline,
                    };
                    ctx.update_task(&mut tx, e, t, pos, change, &mut summary)
                        .await?;
                    (e.id, true)
                }
            };
            if let Some(basis) = &t.basis {
                link_basis_documents(&mut tx, committee, task_id, basis, &ts).await?;
            }
            record_unresolved(&mut tx, task_id, t, &mut summary).await?;
            let (assignments, unfinished) = ctx
                .apply_assignments(&mut tx, task_id, t, matched, &mut summary)
                .await?;
            ctx.store_status_reports(&mut tx, task_id, t, &assignments, &unfinished, &mut summary)
                .await?;
            if let (Some(system), Some(id), None) =
                (input.external_system, &t.external_id, known[pos])
            {
                sqlx::query(
                    "INSERT INTO task_external_ids (task_id, system, external_id) VALUES ($1, $2, $3)",
                )
                .bind(task_id)
                .bind(system)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        summary.difficulties = crate::difficulty_import::DifficultyImport {
            reg: &reg,
            doc_id,
            reported_on: input.reported_on,
            actor: input.actor,
            ts: &ts,
        }
        .store(&mut tx, input.difficulties)
        .await?;
        summary.indicators = crate::indicators::IndicatorImport {
            reg: &reg,
            committee,
            doc_id,
            doc_key: input.doc_key,
            reported_on: input.reported_on,
            actor: input.actor,
            ts: &ts,
        }
        .store(&mut tx, input.indicators)
        .await?;
        record_import(&mut tx, doc_id, &input, &summary, &ts).await?;
        tx.commit().await?;
        if summary.tasks_created >= ANALYZE_AFTER_TASKS {
            self.analyze().await?;
        }
        Ok(summary)
    }
}

/// A task typed in, and the document it belongs to: found by its key, or made with this title
/// (and no file) when there is none yet.
pub struct NewTaskInput<'a> {
    pub committee: Option<&'a str>,
    pub doc_key: &'a str,
    pub doc_title: &'a str,
    pub task: &'a ParsedTask,
    /// The day its assignments start.
    pub on: Date,
    pub actor: &'a str,
    /// Another system's (system, id) for it: stored beside it, and a second push of the same
    /// id stores nothing new.
    pub external: Option<(&'a str, &'a str)>,
}

/// What storing a task typed in or pushed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New(i64),
    /// The other system's id was already stored for this task: nothing was created.
    Known(i64),
}

impl Db {
    /// Stores one task typed in, as an import would store the same row: its assignments (groups
    /// expanded to their agencies), the names not resolved, the documents its basis cites; all in
    /// one transaction, audited. An empty number takes the document's next; a number the document
    /// already has is refused.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_task(&self, input: NewTaskInput<'_>) -> Result<Created> {
        let reg = self.load_registry_for(input.committee).await?;
        let committee = self.committee_or_default(input.committee).await?;
        let mut tx = self.begin_write().await?;
        let ts = now();
        if let Some((system, external_id)) = input.external {
            // Pushes of one id take turns (SQLite's writers always do), so the second finds
            // what the first stored instead of racing it to a number or a key.
            if self.backend() == crate::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                    .bind(format!("task-external:{system}:{external_id}"))
                    .execute(&mut *tx)
                    .await?;
            }
            let known: Option<i64> = sqlx::query_scalar(
                "SELECT task_id FROM task_external_ids WHERE system = $1 AND external_id = $2",
            )
            .bind(system)
            .bind(external_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = known {
                tx.rollback().await?;
                return Ok(Created::Known(id));
            }
        }
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM documents WHERE committee_id = $1 AND doc_key = $2")
                .bind(committee)
                .bind(input.doc_key)
                .fetch_optional(&mut *tx)
                .await?;
        let doc_id = match found {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
                 VALUES ($1, $2, NULL, 'direct', NULL, NULL, $3, NULL, $4, $4) RETURNING id",
            )
            .bind(committee)
            .bind(input.doc_key)
            .bind(input.doc_title)
            .bind(&ts)
            .fetch_one(&mut *tx)
            .await?,
        };
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE document_id = $1")
            .bind(doc_id)
            .fetch_one(&mut *tx)
            .await?;
        let mut task = input.task.clone();
        if task.number.trim().is_empty() {
            task.number = (count + 1).to_string();
        }
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM tasks WHERE document_id = $1 AND number = $2")
                .bind(doc_id)
                .bind(&task.number)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "văn bản này đã có nhiệm vụ số {}",
                task.number
            )));
        }
        let tasks = [task];
        let import = ImportInput {
            committee: input.committee,
            doc_key: input.doc_key,
            file_name: "",
            title: None,
            tasks: &tasks,
            difficulties: &[],
            indicators: &[],
            warnings: &[],
            reported_on: input.on,
            actor: input.actor,
            progress: None,
            external_system: None,
            silence_rule: None,
        };
        let ctx = Apply {
            input: &import,
            reg: &reg,
            committee,
            doc_id,
            ts: &ts,
        };
        let mut summary = ImportSummary::default();
        let t = &tasks[0];
        let id = ctx
            .insert_task(&mut tx, t, count as usize, &mut summary)
            .await?;
        if let Some(basis) = &t.basis {
            link_basis_documents(&mut tx, committee, id, basis, &ts).await?;
        }
        record_unresolved(&mut tx, id, t, &mut summary).await?;
        ctx.apply_assignments(&mut tx, id, t, false, &mut summary)
            .await?;
        if let Some((system, external_id)) = input.external {
            // The key (system, external_id) is unique: of two pushes at once, one stores.
            sqlx::query(
                "INSERT INTO task_external_ids (task_id, system, external_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(system)
            .bind(external_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Created::New(id))
    }
}

impl Db {
    /// What importing these tasks under a document key would do to each (the preview's new,
    /// changed or unchanged), without storing anything.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_plan_for(
        &self,
        committee: Option<&str>,
        doc_key: &str,
        tasks: &[ParsedTask],
        external_system: Option<&str>,
    ) -> Result<Vec<TaskPlan>> {
        let committee = self.committee_or_default(committee).await?;
        let doc: Option<i64> =
            sqlx::query_scalar("SELECT id FROM documents WHERE committee_id = $1 AND doc_key = $2")
                .bind(committee)
                .bind(doc_key)
                .fetch_optional(self.pool())
                .await?;
        if doc.is_none() && external_system.is_none() {
            return Ok(vec![TaskPlan::New; tasks.len()]);
        }
        // As the import will: a row whose id names a task stored from any document updates it.
        let mut tx = self.pool().begin().await?;
        let planned = plan_rows(&mut tx, doc, tasks, external_system).await?;
        tx.rollback().await?;
        Ok(planned.plan)
    }
}

/// Which stored task each row of a document is.
struct Planned {
    /// The stored tasks the plan's indices point into.
    existing: Vec<ExistingTask>,
    /// For each row, the stored task another system's id already names.
    known: Vec<Option<usize>>,
    plan: Vec<TaskPlan>,
}

/// The plan of [`plan_tasks_with`] against the document's stored tasks and, with another
/// system's ids, the tasks those ids name from any document.
async fn plan_rows(
    tx: &mut Tx<'_>,
    doc: Option<i64>,
    rows: &[ParsedTask],
    external_system: Option<&str>,
) -> Result<Planned> {
    let mut existing = match doc {
        Some(doc) => stored_tasks(tx, doc).await?,
        None => Vec::new(),
    };
    let known = match external_system {
        Some(system) => {
            known_by_external_id(tx, system, doc.unwrap_or(0), rows, &mut existing).await?
        }
        None => vec![None; rows.len()],
    };
    let fields: Vec<StoredTask> = existing.iter().map(|e| e.fields.clone()).collect();
    let plan = plan_tasks_with(&fields, rows, &known);
    Ok(Planned {
        existing,
        known,
        plan,
    })
}

type Tx<'t> = sqlx::Transaction<'t, sqlx::Any>;

/// An import creating this many tasks or more refreshes the planner's statistics.
const ANALYZE_AFTER_TASKS: u64 = 1000;

/// A task of the document as stored, with its id.
#[derive(sqlx::FromRow)]
struct ExistingTaskRow {
    id: i64,
    number: String,
    name: String,
    deadline_raw: String,
    expected_result: Option<String>,
    basis: Option<String>,
    due_on: Option<String>,
    headings: String,
    lead_raw: Option<String>,
    coordinators_raw: Option<String>,
}

struct ExistingTask {
    id: i64,
    fields: StoredTask,
    /// As stored, for the audit log's "before".
    headings_json: String,
}

/// What the plan says changed in a stored task.
struct Change<'p> {
    changed: &'p [&'static str],
    new_deadline: bool,
}

async fn upsert_document(
    tx: &mut Tx<'_>,
    committee: i64,
    input: &ImportInput<'_>,
    ts: &str,
) -> Result<i64> {
    let rule = input.silence_rule;
    Ok(sqlx::query_scalar(
        "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at, silence_rule, silence_answer_by)
         VALUES ($1, $2, NULL, 'appendix', NULL, NULL, $3, $4, $5, $5, $6, $7)
         ON CONFLICT (committee_id, doc_key) DO UPDATE SET title = COALESCE(excluded.title, documents.title), file_name = excluded.file_name, updated_at = excluded.updated_at,
             silence_rule = COALESCE(excluded.silence_rule, documents.silence_rule), silence_answer_by = COALESCE(excluded.silence_answer_by, documents.silence_answer_by)
         RETURNING id",
    )
    .bind(committee)
    .bind(input.doc_key)
    .bind(input.title.clone())
    .bind(input.file_name)
    .bind(ts)
    // Stored as said: "«rule» (source)" keeps the letter that set it beside it.
    .bind(rule.map(|r| match &r.source {
        Some(src) => format!("{} ({src})", r.text),
        None => r.text.clone(),
    }))
    .bind(rule.and_then(|r| r.answer_by).map(iso))
    .fetch_one(&mut **tx)
    .await?)
}

async fn stored_tasks(tx: &mut Tx<'_>, doc_id: i64) -> Result<Vec<ExistingTask>> {
    let rows: Vec<ExistingTaskRow> = sqlx::query_as(
        "SELECT id, number, name, COALESCE(stated_deadline_raw, deadline_raw) AS deadline_raw, expected_result, basis,
                CASE WHEN stated_deadline_raw IS NULL THEN due_on ELSE stated_due_on END AS due_on,
                headings, lead_raw, coordinators_raw
         FROM tasks WHERE document_id = $1 ORDER BY id",
    )
    .bind(doc_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExistingTask {
            id: r.id,
            fields: StoredTask {
                number: r.number,
                name: r.name,
                deadline_raw: r.deadline_raw,
                due_on: r.due_on.as_deref().and_then(iso_date),
                expected_result: r.expected_result,
                basis: r.basis,
                headings: serde_json::from_str(&r.headings).unwrap_or_default(),
                lead_raw: r.lead_raw.unwrap_or_default(),
                coordinators_raw: r.coordinators_raw.unwrap_or_default(),
            },
            headings_json: r.headings,
        })
        .collect())
}

/// For each row, the stored task its id in `system` already names (an index into `existing`),
/// if any: tasks first imported from another document are added to `existing` for it. A row
/// whose id names no task is matched as any row is, and stored with its id.
async fn known_by_external_id(
    tx: &mut Tx<'_>,
    system: &str,
    doc_id: i64,
    rows: &[ParsedTask],
    existing: &mut Vec<ExistingTask>,
) -> Result<Vec<Option<usize>>> {
    let pairs: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT x.external_id, x.task_id, t.document_id FROM task_external_ids x JOIN tasks t ON t.id = x.task_id WHERE x.system = $1",
    )
    .bind(system)
    .fetch_all(&mut **tx)
    .await?;
    let by_id: HashMap<&str, (i64, i64)> = pairs
        .iter()
        .map(|(x, task, doc)| (x.as_str(), (*task, *doc)))
        .collect();
    let named: Vec<Option<(i64, i64)>> = rows
        .iter()
        .map(|t| t.external_id.as_deref().and_then(|x| by_id.get(x).copied()))
        .collect();
    let wanted: HashSet<i64> = named.iter().flatten().map(|(task, _)| *task).collect();
    let other_docs: HashSet<i64> = named
        .iter()
        .flatten()
        .map(|(_, doc)| *doc)
        .filter(|d| *d != doc_id)
        .collect();
    for doc in other_docs {
        let theirs = stored_tasks(tx, doc).await?;
        existing.extend(theirs.into_iter().filter(|e| wanted.contains(&e.id)));
    }
    let at: HashMap<i64, usize> = existing
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id, i))
        .collect();
    Ok(named
        .iter()
        .map(|n| n.and_then(|(task, _)| at.get(&task).copied()))
        .collect())
}

/// Agencies the registry could not name: kept as written.
async fn record_unresolved(
    tx: &mut Tx<'_>,
    task_id: i64,
    t: &ParsedTask,
    summary: &mut ImportSummary,
) -> Result<()> {
    sqlx::query("DELETE FROM task_unresolved_agencies WHERE task_id = $1")
        .bind(task_id)
        .execute(&mut **tx)
        .await?;
    for (role, refs) in [(Role::Lead, &t.lead), (Role::Coordinator, &t.coordinators)] {
        for r in refs.iter().filter(|r| r.kind == RefKind::Unresolved) {
            summary.unresolved_agencies += 1;
            sqlx::query(
                "INSERT INTO task_unresolved_agencies (task_id, role, text) VALUES ($1, $2, $3)",
            )
            .bind(task_id)
            .bind(role.as_str())
            .bind(&r.name)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

async fn record_import(
    tx: &mut Tx<'_>,
    doc_id: i64,
    input: &ImportInput<'_>,
    summary: &ImportSummary,
    ts: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO imports (document_id, file_name, reported_on, tasks_created, tasks_updated, assignments, warnings, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(doc_id)
    .bind(input.file_name)
    .bind(iso(input.reported_on))
    .bind(summary.tasks_created as i64)
    .bind(summary.tasks_updated as i64)
    .bind(summary.assignments as i64)
    .bind(serde_json::to_string(input.warnings).unwrap_or_else(|_| "[]".into()))
    .bind(ts)
    .bind(input.actor)
    .execute(&mut **tx)
    .await?;
    Db::audit(
        tx,
        input.actor,
        AuditAction::DocumentImported,
        "document",
        Some(doc_id),
        None,
        Some(&json!({ "file": input.file_name, "tasks": input.tasks.len() })),
    )
    .await
}

/// One import's context while its plan is applied.
struct Apply<'a> {
    input: &'a ImportInput<'a>,
    reg: &'a StoredRegistry,
    committee: i64,
    doc_id: i64,
    ts: &'a str,
}

/// An assignment of the task as stored: (id, agency id, role).
/// An assignment as the import left it.
#[derive(Debug, Clone, Copy)]
struct StoredAssignment {
    id: i64,
    agency_id: i64,
    role: Role,
}

/// An assignment a task had before the import.
#[derive(sqlx::FromRow)]
struct PriorAssignment {
    agency_id: i64,
    #[sqlx(try_from = "String")]
    role: Role,
    active: i64,
}

/// An active assignment as stored.
#[derive(sqlx::FromRow)]
struct ActiveRow {
    id: i64,
    agency_id: i64,
    #[sqlx(try_from = "String")]
    role: Role,
}

impl Apply<'_> {
    async fn insert_task(
        &self,
        tx: &mut Tx<'_>,
        t: &ParsedTask,
        pos: usize,
        summary: &mut ImportSummary,
    ) -> Result<i64> {
        let input = self.input;
        let headings = serde_json::to_string(&t.headings).unwrap_or_else(|_| "[]".into());
        let extra = serde_json::to_string(&t.extra).unwrap_or_else(|_| "[]".into());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tasks (committee_id, document_id, number, name, name_key, headings, expected_result, deadline_raw, deadline_kind, due_on, deadline_before, deadline_note, basis, overseer, secret, parent_task_id, extra, lead_raw, coordinators_raw, source, position, created_at, updated_at, updated_by, recurring_raw)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $21, 0, NULL, $14, $15, $16, $17, $18, $19, $19, $20, $22) RETURNING id",
        )
        .bind(self.committee)
        .bind(self.doc_id)
        .bind(&t.number)
        .bind(&t.name)
        .bind(name_key(&t.name))
        .bind(&headings)
        .bind(t.expected_result.clone())
        .bind(&t.deadline.raw)
        .bind(t.deadline.kind.as_str())
        .bind(t.deadline.due.map(iso))
        .bind(i64::from(t.deadline.before))
        .bind(t.deadline.note.clone())
        .bind(t.basis.clone())
        .bind(&extra)
        .bind(joined_raw(&t.lead))
        .bind(joined_raw(&t.coordinators))
        .bind(t.source.clone())
        .bind(pos as i64)
        .bind(self.ts)
        .bind(input.actor)
        .bind(t.overseer.clone())
        .bind(t.deadline.recurring.clone())
        .fetch_one(&mut **tx)
        .await?;
        summary.tasks_created += 1;
        Db::audit(
            tx,
            input.actor,
            AuditAction::TaskCreated,
            "task",
            Some(id),
            None,
            Some(&json!({ "number": t.number, "name": t.name, "file": input.file_name })),
        )
        .await?;
        Ok(id)
    }

    async fn update_task(
        &self,
        tx: &mut Tx<'_>,
        e: &ExistingTask,
        t: &ParsedTask,
        pos: usize,
        change: Change<'_>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        let input = self.input;
        let headings = serde_json::to_string(&t.headings).unwrap_or_else(|_| "[]".into());
        let extra = serde_json::to_string(&t.extra).unwrap_or_else(|_| "[]".into());
        let (lead_raw, coord_raw) = (joined_raw(&t.lead), joined_raw(&t.coordinators));
        sqlx::query(
            "UPDATE tasks SET number = $1, name = $2, name_key = $3, headings = $4, expected_result = $5, basis = $6, extra = $7, lead_raw = $8, coordinators_raw = $9, source = $10, position = $11, updated_at = $12, updated_by = $13, overseer = COALESCE($15, overseer) WHERE id = $14",
        )
        .bind(&t.number)
        .bind(&t.name)
        .bind(name_key(&t.name))
        .bind(&headings)
        .bind(t.expected_result.clone())
        .bind(t.basis.clone())
        .bind(&extra)
        .bind(&lead_raw)
        .bind(&coord_raw)
        .bind(t.source.clone())
        .bind(pos as i64)
        .bind(self.ts)
        .bind(input.actor)
        .bind(e.id)
        .bind(t.overseer.clone())
        .execute(&mut **tx)
        .await?;
        if change.new_deadline {
            // A new deadline in a later version of the appendix: in force from the date the file
            // describes; the original stays in the task's history.
            sqlx::query(
                "INSERT INTO deadline_changes (task_id, assignment_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, NULL, 'approved', $7, $8)",
            )
            .bind(e.id)
            .bind(iso(input.reported_on))
            .bind(t.deadline.kind.as_str())
            .bind(t.deadline.due.map(iso))
            .bind(&t.deadline.raw)
            .bind(format!("Thời hạn mới theo tệp {}", input.file_name))
            .bind(self.ts)
            .bind(input.actor)
            .execute(&mut **tx)
            .await?;
            // What the document now states, compared with by its next version; the recurring
            // duty it writes beside the date, or none.
            sqlx::query(
                "UPDATE tasks SET stated_deadline_raw = $1, stated_due_on = $2, recurring_raw = $4 WHERE id = $3",
            )
            .bind(&t.deadline.raw)
            .bind(t.deadline.due.map(iso))
            .bind(e.id)
            .bind(t.deadline.recurring.clone())
            .execute(&mut **tx)
            .await?;
        }
        if change.changed.is_empty() {
            summary.tasks_unchanged += 1;
            return Ok(());
        }
        summary.tasks_updated += 1;
        summary.changes.push(format!(
            "nhiệm vụ {}: thay đổi {}",
            t.number,
            change.changed.join(", ")
        ));
        let f = &e.fields;
        let before = json!({ "number": f.number, "name": f.name, "deadline": f.deadline_raw, "expected_result": f.expected_result, "basis": f.basis, "headings": e.headings_json, "lead": f.lead_raw, "coordinators": f.coordinators_raw });
        let after = json!({ "number": t.number, "name": t.name, "deadline": t.deadline.raw, "expected_result": t.expected_result, "basis": t.basis, "headings": headings, "lead": lead_raw, "coordinators": coord_raw });
        Db::audit(
            tx,
            input.actor,
            AuditAction::TaskUpdated,
            "task",
            Some(e.id),
            Some(&before),
            Some(&after),
        )
        .await
    }

    /// One assignment per agency and role, as the plan wants them; an agency added (or brought
    /// back) by a later version of the appendix is assigned from the day that version describes,
    /// one no longer named ends on it. Returns the task's assignments and the unfinished agencies.
    async fn apply_assignments(
        &self,
        tx: &mut Tx<'_>,
        task_id: i64,
        t: &ParsedTask,
        matched: bool,
        summary: &mut ImportSummary,
    ) -> Result<(Vec<StoredAssignment>, HashSet<i64>)> {
        let on = self.input.reported_on;
        let (wanted, unfinished) = wanted_assignments(&self.reg.registry, t, on);
        let id_of = |w: &WantedAssignment| self.reg.ids.get(&w.code).copied();
        let before: Vec<PriorAssignment> = if matched {
            sqlx::query_as("SELECT agency_id, role, active FROM assignments WHERE task_id = $1")
                .bind(task_id)
                .fetch_all(&mut **tx)
                .await?
        } else {
            Vec::new()
        };
        let mut assignments: Vec<StoredAssignment> = Vec::new();
        for w in &wanted {
            let Some(agency_id) = id_of(w) else { continue };
            let was = before
                .iter()
                .find(|b| b.agency_id == agency_id && b.role == w.role)
                .map(|b| b.active == 1);
            let newly = matched && was != Some(true);
            let aid = self
                .upsert_assignment(tx, task_id, agency_id, w, newly)
                .await?;
            if newly {
                let name = self.name_of(agency_id);
                summary.changes.push(format!(
                    "nhiệm vụ {}: thêm {} ({})",
                    t.number,
                    name,
                    w.role.as_str()
                ));
                let after = json!({ "agency": name, "role": w.role.as_str(), "from": iso(on) });
                Db::audit(
                    tx,
                    self.input.actor,
                    AuditAction::AssignmentAdded,
                    "task",
                    Some(task_id),
                    None,
                    Some(&after),
                )
                .await?;
            }
            assignments.push(StoredAssignment {
                id: aid,
                agency_id,
                role: w.role,
            });
        }
        summary.assignments += assignments.len() as u64;
        self.end_assignments_not_named(tx, task_id, t, &assignments, summary)
            .await?;
        Ok((assignments, unfinished.iter().filter_map(id_of).collect()))
    }

    fn name_of(&self, agency_id: i64) -> String {
        self.reg.names.get(&agency_id).cloned().unwrap_or_default()
    }

    async fn upsert_assignment(
        &self,
        tx: &mut Tx<'_>,
        task_id: i64,
        agency_id: i64,
        w: &WantedAssignment,
        newly: bool,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO assignments (task_id, agency_id, role, via_group, unit, raw, active, created_at, updated_at, assigned_on)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)
             ON CONFLICT (task_id, agency_id, role) DO UPDATE SET active = 1, removed_on = NULL,
                assigned_on = CASE WHEN assignments.active = 0 THEN excluded.assigned_on ELSE assignments.assigned_on END,
                via_group = excluded.via_group, unit = excluded.unit, raw = excluded.raw, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(task_id)
        .bind(agency_id)
        .bind(w.role.as_str())
        .bind(w.via_group.clone())
        .bind(w.unit.clone())
        .bind(&w.raw)
        .bind(self.ts)
        .bind(newly.then(|| iso(self.input.reported_on)))
        .fetch_one(&mut **tx)
        .await?)
    }

    async fn end_assignments_not_named(
        &self,
        tx: &mut Tx<'_>,
        task_id: i64,
        t: &ParsedTask,
        keep: &[StoredAssignment],
        summary: &mut ImportSummary,
    ) -> Result<()> {
        let on = iso(self.input.reported_on);
        let active: Vec<ActiveRow> = sqlx::query_as(
            "SELECT id, agency_id, role FROM assignments WHERE task_id = $1 AND active = 1",
        )
        .bind(task_id)
        .fetch_all(&mut **tx)
        .await?;
        for ActiveRow {
            id: aid,
            agency_id: agency,
            role,
        } in active
            .into_iter()
            .filter(|a| !keep.iter().any(|k| k.id == a.id))
        {
            sqlx::query(
                "UPDATE assignments SET active = 0, removed_on = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(&on)
            .bind(self.ts)
            .bind(aid)
            .execute(&mut **tx)
            .await?;
            let name = self.name_of(agency);
            summary
                .changes
                .push(format!("nhiệm vụ {}: bỏ {} ({role})", t.number, name));
            Db::audit(
                tx,
                self.input.actor,
                AuditAction::AssignmentRemoved,
                "task",
                Some(task_id),
                Some(&json!({ "agency": name, "role": role })),
                Some(&json!({ "removed_on": on })),
            )
            .await?;
        }
        Ok(())
    }

    /// Status columns become reports dated `--reported-on`, and what the document said of the
    /// task as a whole (its status word as written, its result) is kept beside them.
    async fn store_status_reports(
        &self,
        tx: &mut Tx<'_>,
        task_id: i64,
        t: &ParsedTask,
        assignments: &[StoredAssignment],
        unfinished: &HashSet<i64>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        let input = self.input;
        let on = iso(input.reported_on);
        let source_key = format!("{}#{on}", input.doc_key);
        self.store_statement(tx, task_id, t, &source_key).await?;
        for (aid, status, text) in status_reports(t, assignments, unfinished) {
            // A document states a completion without its day: done by the day it describes
            // (`completed_on` left empty), never "on time" unless that day is within the deadline.
            sqlx::query("DELETE FROM progress_reports WHERE assignment_id = $1 AND reported_on = $2 AND source = 'import' AND source_key = $3")
                .bind(aid)
                .bind(&on)
                .bind(&source_key)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO progress_reports (assignment_id, reported_on, status, completed_on, text, source, source_key, created_at, created_by)
                 VALUES ($1, $2, $3, NULL, $4, 'import', $5, $6, $7)",
            )
            .bind(aid)
            .bind(&on)
            .bind(status.map(|s| s.as_str()))
            .bind(text)
            .bind(&source_key)
            .bind(self.ts)
            .bind(input.actor)
            .execute(&mut **tx)
            .await?;
            summary.reports += 1;
        }
        Ok(())
    }

    /// What the document said of the task on the day it describes: its status word as written and
    /// its result (one per document and day; a re-import replaces it).
    async fn store_statement(
        &self,
        tx: &mut Tx<'_>,
        task_id: i64,
        t: &ParsedTask,
        source_key: &str,
    ) -> Result<()> {
        if t.status_raw.is_none() && t.progress_report.is_none() {
            return Ok(());
        }
        sqlx::query("DELETE FROM task_statements WHERE task_id = $1 AND source_key = $2")
            .bind(task_id)
            .bind(source_key)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO task_statements (task_id, reported_on, status_raw, result, source_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(task_id)
        .bind(iso(self.input.reported_on))
        .bind(&t.status_raw)
        .bind(&t.progress_report)
        .bind(source_key)
        .bind(self.ts)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// The reports a row's status columns stand for: "Đơn vị chưa hoàn thành" marks those agencies not
/// done and the other leads done; otherwise a "Tiến độ" status and a "Kết quả thực hiện" text apply
/// to every lead.
fn status_reports(
    t: &ParsedTask,
    assignments: &[StoredAssignment],
    late: &HashSet<i64>,
) -> Vec<(i64, Option<ReportedStatus>, Option<String>)> {
    let leads = assignments.iter().filter(|a| a.role == Role::Lead);
    if !late.is_empty() {
        let done = if t.status == Some(ReportedStatus::DoneLate) {
            ReportedStatus::DoneLate
        } else {
            ReportedStatus::Done
        };
        return leads
            .map(|a| {
                let s = if late.contains(&a.agency_id) {
                    if t.status == Some(ReportedStatus::InProgress) {
                        ReportedStatus::InProgress
                    } else {
                        ReportedStatus::NotDone
                    }
                } else {
                    done
                };
                (a.id, Some(s), t.progress_report.clone())
            })
            .collect();
    }
    if t.status.is_none() && t.progress_report.is_none() {
        return Vec::new();
    }
    leads
        .map(|a| (a.id, t.status, t.progress_report.clone()))
        .collect()
}
