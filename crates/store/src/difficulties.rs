//! Difficulties ("khó khăn, vướng mắc"): an agency raises one on a task, naming who should resolve
//! it; the standing agency answers it or forwards it to another agency with an answer deadline;
//! the agency it was forwarded to answers it. Every step is audited on the task.

use serde_json::json;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{iso, iso_day, opt_iso_date};
use tiendo_domain::text::clean_cell;
use time::Date;

use crate::{Db, Result, StoreError, now};

/// Days the handling agency has to answer, unless the standing agency sets another deadline.
pub const ANSWER_DAYS: i64 = 15;

/// A difficulty with what the register and the report show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Difficulty {
    pub id: i64,
    /// The day it was raised.
    #[serde(with = "iso_day")]
    pub raised_on: Date,
    /// The raising agency; none when the document's cell is not one registry agency (a group,
    /// a list, a name the registry does not know): then `agency` is the cell as written.
    pub agency_id: Option<i64>,
    pub agency: String,
    /// Kind of the raising agency (ministry, province, …): the report groups ministries and
    /// localities; none when the agency is not identified.
    pub agency_kind: Option<String>,
    /// The committee whose document stated it (none: raised by hand).
    pub document_committee_id: Option<i64>,
    pub text: String,
    pub task_id: Option<i64>,
    pub task_number: Option<String>,
    pub task_name: Option<String>,
    /// Agencies that must resolve it (empty: the standing agency).
    pub handlers: Vec<Handler>,
    /// open or answered
    pub state: String,
    pub answer: Option<String>,
    #[serde(with = "opt_iso_date")]
    pub answer_due: Option<Date>,
    #[serde(with = "opt_iso_date")]
    pub answered_on: Option<Date>,
    pub answered_by: Option<String>,
    /// What the raising agency proposed ("Đề xuất, kiến nghị"), when a document said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
}

/// An agency that must resolve a difficulty, with its own answer.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Handler {
    #[serde(skip)]
    pub difficulty_id: i64,
    /// None: an agency the registry does not know, named as the document wrote it.
    pub agency_id: Option<i64>,
    pub name: String,
    /// open or answered
    pub state: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    #[serde(with = "opt_iso_date")]
    pub answer_due: Option<Date>,
    pub answer: Option<String>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    #[serde(with = "opt_iso_date")]
    pub answered_on: Option<Date>,
    #[serde(skip)]
    pub answered_by: Option<String>,
}

impl Handler {
    /// Not answered and its answer deadline has passed on `on`.
    pub fn overdue(&self, on: Date) -> bool {
        self.state == "open" && self.answer_due.is_some_and(|d| d < on)
    }
}

/// A handling agency the registry does not know, kept as the document wrote it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UnresolvedHandler {
    pub name: String,
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_due: Option<String>,
}

impl Difficulty {
    /// The raising agency as pages and reports show it: its name, or the document's cell as
    /// written, marked as not identified.
    pub fn raised_by(&self) -> String {
        match self.agency_id {
            Some(_) => self.agency.clone(),
            None if self.agency.is_empty() => "(chưa xác định cơ quan nêu)".into(),
            None => format!("{} (chưa xác định trong danh mục)", self.agency),
        }
    }

    /// Not answered, and an agency that must answer has let its deadline pass on `on` (the
    /// standing agency's deadline when no agency was named).
    pub fn answer_overdue(&self, on: Date) -> bool {
        self.state == "open"
            && if self.handlers.is_empty() {
                self.answer_due.is_some_and(|d| d < on)
            } else {
                self.handlers.iter().any(|h| h.overdue(on))
            }
    }

    pub fn handler_names(&self) -> Vec<&str> {
        self.handlers.iter().map(|h| h.name.as_str()).collect()
    }

    /// Is this agency among those that must resolve it?
    pub fn handled_by(&self, agency: i64) -> bool {
        self.handlers.iter().any(|h| h.agency_id == Some(agency))
    }

    /// Is this agency among those that must resolve it, and has it not answered yet?
    pub fn awaits(&self, agency: i64) -> bool {
        self.state == "open"
            && self
                .handlers
                .iter()
                .any(|h| h.agency_id == Some(agency) && h.state == "open")
    }

    /// The earliest answer deadline still open (the difficulty's own when no agency was named).
    pub fn next_answer_due(&self) -> Option<Date> {
        if self.handlers.is_empty() {
            return self.answer_due;
        }
        self.handlers
            .iter()
            .filter(|h| h.state == "open")
            .filter_map(|h| h.answer_due)
            .min()
            .or(self.answer_due)
    }
}

fn valid_text(field: &str, text: &str) -> Result<String> {
    let t = clean_cell(text);
    if t.is_empty() || t.chars().count() > 5000 {
        return Err(StoreError::Invalid(format!(
            "cần {field} (tối đa 5.000 ký tự)"
        )));
    }
    Ok(t)
}

/// Records who must answer a difficulty, by when, from which day.
async fn route(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    handler: Option<i64>,
    answer_due: Date,
    on: Date,
    actor: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO difficulty_routing (difficulty_id, handler_agency_id, answer_due, set_on, created_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(handler)
        .bind(iso(answer_due))
        .bind(iso(on))
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One routing of a difficulty: to an agency (none: the standing agency), with its answer
/// deadline, from a day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Routing {
    pub difficulty_id: i64,
    pub handler_agency_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    pub answer_due: Option<Date>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub set_on: Date,
}

/// A difficulty as the register's query reads it.
#[derive(sqlx::FromRow)]
struct DifficultyRow {
    id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    raised_on: Date,
    agency_id: Option<i64>,
    agency: String,
    agency_kind: Option<String>,
    document_committee_id: Option<i64>,
    text: String,
    task_id: Option<i64>,
    task_number: Option<String>,
    task_name: Option<String>,
    state: String,
    answer: Option<String>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    answer_due: Option<Date>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    answered_on: Option<Date>,
    answered_by: Option<String>,
    proposal: Option<String>,
    unresolved_handlers: Option<String>,
}

/// What a forward needs to know of a difficulty.
#[derive(sqlx::FromRow)]
struct OpenState {
    task_id: Option<i64>,
    state: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    answer_due: Option<Date>,
}

/// One handling agency answers: its row is answered, and the difficulty with it when no agency is
/// left to answer.
async fn answer_as_handler(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    agency: i64,
    answer: &str,
    on: Date,
    actor: &str,
) -> Result<()> {
    let state: Option<String> = sqlx::query_scalar(
        "SELECT state FROM difficulty_handlers WHERE difficulty_id = $1 AND agency_id = $2",
    )
    .bind(id)
    .bind(agency)
    .fetch_optional(&mut **tx)
    .await?;
    match state.as_deref() {
        None => {
            return Err(StoreError::NotYours(
                "cơ quan của bạn không phải cơ quan xử lý khó khăn này".into(),
            ));
        }
        Some("answered") => {
            return Err(StoreError::Invalid(
                "cơ quan của bạn đã trả lời khó khăn này".into(),
            ));
        }
        _ => {}
    }
    sqlx::query("UPDATE difficulty_handlers SET state = 'answered', answer = $1, answered_on = $2, answered_by = $3 WHERE difficulty_id = $4 AND agency_id = $5")
        .bind(answer)
        .bind(iso(on))
        .bind(actor)
        .bind(id)
        .bind(agency)
        .execute(&mut **tx)
        .await?;
    close_when_all_answered(tx, id, on, Some(agency), actor).await
}

/// Marks a difficulty answered when every agency named to resolve it has answered (the agencies
/// the registry does not know cannot answer here: the standing agency settles those).
pub(crate) async fn close_when_all_answered(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    on: Date,
    by_agency: Option<i64>,
    actor: &str,
) -> Result<()> {
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM difficulty_handlers WHERE difficulty_id = $1 AND state = 'open'",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let unresolved: Option<String> =
        sqlx::query_scalar("SELECT unresolved_handlers FROM difficulties WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let unresolved_open = unresolved
        .and_then(|j| serde_json::from_str::<Vec<UnresolvedHandler>>(&j).ok())
        .is_some_and(|v| v.iter().any(|h| h.state == "open"));
    let handlers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM difficulty_handlers WHERE difficulty_id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    if open == 0 && handlers > 0 && !unresolved_open {
        sqlx::query("UPDATE difficulties SET state = 'answered', answered_on = $1, answered_by = $2, answered_by_agency_id = $3 WHERE id = $4 AND state = 'open'")
            .bind(iso(on))
            .bind(actor)
            .bind(by_agency)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Db {
    /// An agency raises a difficulty on a task, naming the agency that should resolve it (none:
    /// the standing agency); it is to be answered within [`ANSWER_DAYS`] days.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn raise_difficulty(
        &self,
        task_id: i64,
        raising_agency: i64,
        text: &str,
        handler_code: Option<&str>,
        on: Date,
        actor: &str,
    ) -> Result<i64> {
        let text = valid_text("nội dung khó khăn, vướng mắc", text)?;
        let handler: Option<i64> = match handler_code.filter(|c| !c.is_empty()) {
            Some(c) => Some(self.agency_in_force(c, on).await?.0),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO difficulties (task_id, raising_agency_id, text, state, answer, answer_due, answered_on, created_at, created_by, raised_on)
             VALUES ($1, $2, $3, 'open', NULL, $4, NULL, $5, $6, $7) RETURNING id",
        )
        .bind(task_id)
        .bind(raising_agency)
        .bind(&text)
        .bind(iso(on + time::Duration::days(ANSWER_DAYS)))
        .bind(now())
        .bind(actor)
        .bind(iso(on))
        .fetch_one(&mut *tx)
        .await?;
        if let Some(h) = handler {
            sqlx::query(
                "INSERT INTO difficulty_handlers (difficulty_id, agency_id, answer_due, state) VALUES ($1, $2, $3, 'open')",
            )
            .bind(id)
            .bind(h)
            .bind(iso(on + time::Duration::days(ANSWER_DAYS)))
            .execute(&mut *tx)
            .await?;
        }
        route(
            &mut tx,
            id,
            handler,
            on + time::Duration::days(ANSWER_DAYS),
            on,
            actor,
        )
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::DifficultyRaised,
            "task",
            Some(task_id),
            None,
            Some(&json!({ "difficulty": id, "text": text })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The standing agency forwards a difficulty to the agency that must resolve it, with the
    /// day it must answer by.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn forward_difficulty(
        &self,
        id: i64,
        handler_code: &str,
        answer_due: Date,
        on: Date,
        actor: &str,
    ) -> Result<Option<i64>> {
        if answer_due < on {
            return Err(StoreError::Invalid(
                "hạn trả lời không thể trước hôm nay".into(),
            ));
        }
        let (handler, _) = self.agency_in_force(handler_code, on).await?;
        let mut tx = self.begin_write().await?;
        let row: Option<OpenState> =
            sqlx::query_as("SELECT task_id, state, answer_due FROM difficulties WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(OpenState {
            task_id: task,
            state,
            answer_due: old_due,
        }) = row
        else {
            return Err(StoreError::NotFound(format!("khó khăn {id}")));
        };
        if state != "open" {
            return Err(StoreError::Invalid("khó khăn này đã được trả lời".into()));
        }
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT g.name FROM difficulty_handlers h JOIN agencies g ON g.id = h.agency_id WHERE h.difficulty_id = $1 AND h.state = 'open'",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // The agencies that have not answered hand it over; those that answered keep their answer.
        sqlx::query(
            "DELETE FROM difficulty_handlers WHERE difficulty_id = $1 AND (state = 'open' OR agency_id = $2)",
        )
        .bind(id)
        .bind(handler)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO difficulty_handlers (difficulty_id, agency_id, answer_due, state) VALUES ($1, $2, $3, 'open')")
            .bind(id)
            .bind(handler)
            .bind(iso(answer_due))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE difficulties SET answer_due = $1 WHERE id = $2")
            .bind(iso(answer_due))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        route(&mut tx, id, Some(handler), answer_due, on, actor).await?;
        let name: String = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
            .bind(handler)
            .fetch_one(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::DifficultyForwarded,
            "task",
            task,
            Some(&json!({ "difficulty": id, "handlers": old, "answer_due": old_due.map(iso) })),
            Some(&json!({ "difficulty": id, "handlers": [name], "answer_due": iso(answer_due) })),
        )
        .await?;
        tx.commit().await?;
        Ok(task)
    }

    /// A difficulty is answered: by the standing agency (`by_agency` none: the answer settles it)
    /// or by one of the agencies that must resolve it (its own answer; the difficulty is answered
    /// once every agency has). Returns its task.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn answer_difficulty(
        &self,
        id: i64,
        answer: &str,
        on: Date,
        by_agency: Option<i64>,
        actor: &str,
    ) -> Result<Option<i64>> {
        let answer = valid_text("nội dung trả lời", answer)?;
        let mut tx = self.begin_write().await?;
        let row: Option<(Option<i64>, String)> =
            sqlx::query_as("SELECT task_id, state FROM difficulties WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((task, state)) = row else {
            return Err(StoreError::NotFound(format!("khó khăn {id}")));
        };
        if state != "open" {
            return Err(StoreError::Invalid("khó khăn này đã được trả lời".into()));
        }
        match by_agency {
            Some(a) => answer_as_handler(&mut tx, id, a, &answer, on, actor).await?,
            None => {
                sqlx::query("UPDATE difficulties SET answer = $1, answered_on = $2, state = 'answered', answered_by = $3, answered_by_agency_id = NULL WHERE id = $4")
                    .bind(&answer)
                    .bind(iso(on))
                    .bind(actor)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::DifficultyAnswered,
            "task",
            task,
            None,
            Some(&json!({ "difficulty": id, "answer": answer })),
        )
        .await?;
        tx.commit().await?;
        Ok(task)
    }

    /// The agencies a difficulty is routed to now; `None` when there is no such difficulty.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn difficulty_handler_ids(&self, id: i64) -> Result<Option<Vec<i64>>> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM difficulties WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        Ok(Some(
            sqlx::query_scalar(
                "SELECT agency_id FROM difficulty_handlers WHERE difficulty_id = $1",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?,
        ))
    }

    /// Every routing of every difficulty, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn difficulty_routings(&self) -> Result<Vec<Routing>> {
        Ok(sqlx::query_as(
            "SELECT difficulty_id, handler_agency_id, answer_due, set_on FROM difficulty_routing ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Difficulties, oldest first: of one task, or all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn difficulties(&self, task_id: Option<i64>) -> Result<Vec<Difficulty>> {
        let f = DifficultyFilter {
            task: task_id,
            ..Default::default()
        };
        self.difficulties_where(&f).await
    }

    /// Difficulties as the filter asks, oldest first (the newest ones when limited).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn difficulties_where(&self, f: &DifficultyFilter) -> Result<Vec<Difficulty>> {
        let mut conditions = Vec::new();
        if let Some(t) = f.task {
            conditions.push(format!("df.task_id = {t}"));
        }
        if let Some(a) = f.agency {
            conditions.push(format!(
                "(df.raising_agency_id = {a} OR EXISTS (SELECT 1 FROM difficulty_handlers h WHERE h.difficulty_id = df.id AND h.agency_id = {a}))"
            ));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        // The newest by the day they were raised (a document's difficulties come with their
        // own days), then by entry.
        let (order, limit) = match f.newest {
            Some(n) => ("raised_on DESC, df.id DESC", format!(" LIMIT {n}")),
            None => ("df.id", String::new()),
        };
        let mut rows: Vec<DifficultyRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT df.id, substr(COALESCE(df.raised_on, df.created_at), 1, 10) AS raised_on, g.id AS agency_id, COALESCE(g.name, df.raising_agency_raw, '') AS agency, g.kind AS agency_kind, doc.committee_id AS document_committee_id, df.text,
                    t.id AS task_id, t.number AS task_number, t.name AS task_name, df.state, df.answer, df.answer_due, df.answered_on, df.answered_by,
                    df.proposal, df.unresolved_handlers
             FROM difficulties df LEFT JOIN agencies g ON g.id = df.raising_agency_id LEFT JOIN documents doc ON doc.id = df.document_id LEFT JOIN tasks t ON t.id = df.task_id{filter}
             ORDER BY {order}{limit}"
        )))
        .fetch_all(self.pool())
        .await?;
        if f.newest.is_some() {
            rows.reverse();
        }
        let handler_filter = if f.task.is_some() || f.newest.is_some() {
            let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            format!(" WHERE h.difficulty_id IN ({})", ids.join(","))
        } else {
            String::new()
        };
        let handlers: Vec<Handler> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT h.difficulty_id, g.id AS agency_id, g.name, h.state, h.answer_due, h.answer, h.answered_on, h.answered_by
             FROM difficulty_handlers h JOIN agencies g ON g.id = h.agency_id{handler_filter} ORDER BY h.difficulty_id, g.id"
        )))
        .fetch_all(self.pool())
        .await?;
        let mut by: std::collections::HashMap<i64, Vec<Handler>> = Default::default();
        for h in handlers {
            by.entry(h.difficulty_id).or_default().push(h);
        }
        for r in &rows {
            let Some(json) = &r.unresolved_handlers else {
                continue;
            };
            let named: Vec<UnresolvedHandler> = serde_json::from_str(json).map_err(|e| {
                StoreError::Invalid(format!("khó khăn {}: cơ quan xử lý hỏng ({e})", r.id))
            })?;
            by.entry(r.id)
                .or_default()
                .extend(named.into_iter().map(|u| {
                    Handler {
                        difficulty_id: r.id,
                        agency_id: None,
                        name: u.name,
                        state: u.state,
                        answer_due: u
                            .answer_due
                            .as_deref()
                            .and_then(tiendo_domain::deadline::iso_date),
                        answer: u.answer,
                        answered_on: None,
                        answered_by: None,
                    }
                }));
        }
        Ok(rows
            .into_iter()
            .map(|r| Difficulty {
                handlers: by.remove(&r.id).unwrap_or_default(),
                id: r.id,
                raised_on: r.raised_on,
                agency_id: r.agency_id,
                agency: r.agency,
                agency_kind: r.agency_kind,
                document_committee_id: r.document_committee_id,
                text: r.text,
                task_id: r.task_id,
                task_number: r.task_number,
                task_name: r.task_name,
                state: r.state,
                answer: r.answer,
                answer_due: r.answer_due,
                answered_on: r.answered_on,
                answered_by: r.answered_by,
                proposal: r.proposal,
            })
            .collect())
    }
}

/// Which difficulties to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct DifficultyFilter {
    pub task: Option<i64>,
    /// Raised by this agency or routed to it.
    pub agency: Option<i64>,
    /// Only this many, the newest.
    pub newest: Option<i64>,
}
