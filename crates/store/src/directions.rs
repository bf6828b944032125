//! Leaders act on a task: a direction ("ý kiến chỉ đạo") or a request for an explanation ("yêu
//! cầu giải trình") addressed to one agency or to every agency assigned (one row each), answered
//! by that agency. Each step in one transaction, audited on the task.

use serde_json::json;
use tiendo_domain::deadline::{iso, iso_date};
use tiendo_domain::reminders::{DirectionKind, OpenDirection};
use time::Date;

use crate::{Db, Result, StoreError, now};

/// A direction or request as the task page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DirectionRow {
    pub id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub agency: String,
    pub kind: DirectionKind,
    pub text: String,
    /// The leader's login.
    pub given_by: String,
    /// The leader's full name (the login when no account holds it any more).
    pub given_by_name: String,
    #[serde(with = "tiendo_domain::deadline::opt_iso_date")]
    pub given_on: Option<Date>,
    #[serde(with = "tiendo_domain::deadline::opt_iso_date")]
    pub answer_due: Option<Date>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    #[serde(with = "tiendo_domain::deadline::opt_iso_date")]
    pub answered_on: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    task_id: i64,
    agency_id: i64,
    agency: String,
    kind: String,
    text: String,
    given_by: String,
    given_by_name: String,
    given_on: String,
    answer_due: Option<String>,
    answer: Option<String>,
    answered_by: Option<String>,
    answered_on: Option<String>,
}

impl From<Row> for DirectionRow {
    fn from(r: Row) -> Self {
        DirectionRow {
            id: r.id,
            task_id: r.task_id,
            agency_id: r.agency_id,
            agency: r.agency,
            kind: DirectionKind::parse(&r.kind).unwrap_or(DirectionKind::Direction),
            text: r.text,
            given_by: r.given_by,
            given_by_name: r.given_by_name,
            given_on: iso_date(&r.given_on),
            answer_due: r.answer_due.as_deref().and_then(iso_date),
            answer: r.answer,
            answered_by: r.answered_by,
            answered_on: r.answered_on.as_deref().and_then(iso_date),
        }
    }
}

const SELECT: &str = "SELECT d.id, d.task_id, d.agency_id, g.name AS agency, d.kind, d.text, d.given_by, COALESCE(gu.full_name, d.given_by) AS given_by_name, d.given_on, d.answer_due, d.answer, d.answered_by, d.answered_on
     FROM directions d JOIN agencies g ON g.id = d.agency_id LEFT JOIN users gu ON gu.username = d.given_by";

/// A direction or request to record.
pub struct NewDirection<'a> {
    pub task: i64,
    pub kind: DirectionKind,
    /// A registry code; `None`: every agency assigned to the task today.
    pub agency: Option<&'a str>,
    pub text: &'a str,
    pub answer_due: Option<Date>,
    pub on: Date,
    pub actor: &'a str,
}

impl Db {
    /// Records a direction or request on a task, one row per agency it is addressed to.
    /// Returns the rows made.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn give_direction(&self, d: NewDirection<'_>) -> Result<Vec<i64>> {
        let NewDirection {
            task,
            kind,
            agency,
            text,
            answer_due,
            on,
            actor,
        } = d;
        let mut tx = self.begin_write().await?;
        let assigned: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT DISTINCT g.id, g.code, g.name FROM assignments a JOIN agencies g ON g.id = a.agency_id WHERE a.task_id = $1 AND a.active = 1 ORDER BY g.id",
        )
        .bind(task)
        .fetch_all(&mut *tx)
        .await?;
        let to: Vec<&(i64, String, String)> = match agency {
            Some(code) => assigned.iter().filter(|(_, c, _)| c == code).collect(),
            None => assigned.iter().collect(),
        };
        if to.is_empty() {
            return Err(StoreError::Invalid(match agency {
                Some(_) => "cơ quan này không được giao nhiệm vụ".into(),
                None => "nhiệm vụ chưa giao cho cơ quan nào".into(),
            }));
        }
        let ts = now();
        let mut ids = Vec::with_capacity(to.len());
        for (agency_id, _, _) in &to {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO directions (task_id, agency_id, kind, text, given_by, given_on, given_at, answer_due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(task)
            .bind(agency_id)
            .bind(kind.code())
            .bind(text.trim())
            .bind(actor)
            .bind(iso(on))
            .bind(&ts)
            .bind(answer_due.map(iso))
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        let names: Vec<&str> = to.iter().map(|(_, _, n)| n.as_str()).collect();
        Db::audit(
            &mut tx,
            actor,
            kind.given_action(),
            "task",
            Some(task),
            None,
            Some(&json!({ "agencies": names, "text": text.trim(), "answer_due": answer_due.map(iso) })),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The agency's answer to a direction or request (once; an answered one is refused).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn answer_direction(
        &self,
        id: i64,
        answer: &str,
        on: Date,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String, Option<String>, String)> = sqlx::query_as(
            "SELECT d.task_id, d.kind, d.answered_on, g.name FROM directions d JOIN agencies g ON g.id = d.agency_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((task, kind, answered, agency)) = row else {
            return Err(StoreError::NotFound(format!("ý kiến chỉ đạo {id}")));
        };
        if answered.is_some() {
            return Err(StoreError::Invalid("đã trả lời".into()));
        }
        sqlx::query("UPDATE directions SET answer = $1, answered_by = $2, answered_on = $3, answered_at = $4 WHERE id = $5")
            .bind(answer.trim())
            .bind(actor)
            .bind(iso(on))
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let kind = DirectionKind::parse(&kind).unwrap_or(DirectionKind::Direction);
        Db::audit(
            &mut tx,
            actor,
            kind.answered_action(),
            "task",
            Some(task),
            None,
            Some(&json!({ "agency": agency, "answer": answer.trim() })),
        )
        .await?;
        tx.commit().await?;
        Ok(task)
    }

    /// The directions and requests of a task, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn directions_of(&self, task: i64) -> Result<Vec<DirectionRow>> {
        let sql = format!("{SELECT} WHERE d.task_id = $1 ORDER BY d.id");
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(task)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(DirectionRow::from).collect())
    }

    /// One direction (to check who may answer it).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn direction(&self, id: i64) -> Result<Option<DirectionRow>> {
        let sql = format!("{SELECT} WHERE d.id = $1");
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(DirectionRow::from))
    }

    /// The directions and requests given by `day` and not answered on it, for the reminders.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn open_directions(
        &self,
        day: Date,
        agency: Option<i64>,
    ) -> Result<Vec<OpenDirection>> {
        let d = iso(day);
        let sql = format!(
            "{SELECT} WHERE d.given_on <= $1 AND (d.answered_on IS NULL OR d.answered_on > $1) AND ($2 = 0 OR d.agency_id = $2) ORDER BY d.id"
        );
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&d)
            .bind(agency.unwrap_or(0))
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(DirectionRow::from)
            .map(|r| OpenDirection {
                id: r.id,
                task: r.task_id,
                agency: r.agency_id,
                kind: r.kind,
                text: r.text,
                given_by: r.given_by_name,
                given_on: r.given_on.unwrap_or(day),
                answer_due: r.answer_due,
            })
            .collect())
    }
}
