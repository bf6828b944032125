//! What a month's score is computed from, besides the status book, and the published formula
//! with its versions (each in force from a month; never retroactive).

use std::collections::HashSet;
use tiendo_domain::audit::AuditAction;

use serde_json::json;
use tiendo_domain::deadline::iso;
use tiendo_domain::scoring::{CommitmentFacts, DifficultyFacts, Formula, Month, Routing};

use crate::{Db, Result, StoreError, now};

/// A published version of the formula.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FormulaVersion {
    pub id: Option<i64>,
    /// First month it applies to; `None` for the shipped formula.
    pub effective_from: Option<String>,
    pub content: String,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
}

impl Db {
    /// The formula in force for `month`: the latest version published for it or an earlier
    /// month, else the shipped one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn formula_for(&self, month: Month) -> Result<(Formula, FormulaVersion)> {
        let row: Option<StoredFormula> = sqlx::query_as(
            "SELECT id, effective_from, content, created_at, created_by FROM scoring_formulas WHERE effective_from <= $1 ORDER BY effective_from DESC, id DESC LIMIT 1",
        )
        .bind(month.to_string())
        .fetch_optional(self.pool())
        .await?;
        let version = match row {
            Some(f) => FormulaVersion {
                id: Some(f.id),
                effective_from: Some(f.effective_from),
                content: f.content,
                created_at: Some(f.created_at),
                created_by: Some(f.created_by),
            },
            None => FormulaVersion {
                id: None,
                effective_from: None,
                content: tiendo_domain::scoring::DEFAULT_FORMULA_TOML.to_string(),
                created_at: None,
                created_by: None,
            },
        };
        let formula =
            Formula::from_toml(&version.content).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok((formula, version))
    }

    /// Publishes a new formula from `from` (the current month or later: a month already under
    /// way or past keeps the formula it was scored with).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn publish_formula(
        &self,
        content: &str,
        from: Month,
        today: time::Date,
        actor: &str,
    ) -> Result<i64> {
        let formula =
            Formula::from_toml(content).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if from < Month::of(today) {
            return Err(StoreError::Invalid(format!(
                "cách tính mới chỉ áp dụng từ tháng hiện tại trở đi (không áp dụng ngược cho {})",
                from.vietnamese()
            )));
        }
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scoring_formulas (effective_from, content, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(from.to_string())
        .bind(content)
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::FormulaPublished,
            "formula",
            Some(id),
            None,
            Some(&json!({ "from": from.to_string(), "name": formula.name })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Lead or coordinating assignments with a progress report (any kind) dated within the window.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reported_between(&self, from: time::Date, to: time::Date) -> Result<HashSet<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT assignment_id FROM progress_reports WHERE reported_on >= $1 AND reported_on <= $2",
        )
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().collect())
    }

    /// Every difficulty's routings and the day it was answered.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn difficulty_facts(&self) -> Result<Vec<DifficultyFacts>> {
        let answered: Vec<AnsweredOn> =
            sqlx::query_as("SELECT id, answered_on FROM difficulties ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut routes: std::collections::HashMap<i64, Vec<Routing>> = Default::default();
        for r in self.difficulty_routings().await? {
            routes.entry(r.difficulty_id).or_default().push(Routing {
                set_on: r.set_on,
                handler: r.handler_agency_id,
                answer_due: r.answer_due,
            });
        }
        let own: Vec<HandlerAnswered> = sqlx::query_as(
            "SELECT difficulty_id, agency_id, answered_on FROM difficulty_handlers WHERE answered_on IS NOT NULL",
        )
        .fetch_all(self.pool())
        .await?;
        let mut by: std::collections::HashMap<i64, Vec<(i64, time::Date)>> = Default::default();
        for h in own {
            by.entry(h.difficulty_id)
                .or_default()
                .push((h.agency_id, h.answered_on));
        }
        Ok(answered
            .into_iter()
            .map(|a| DifficultyFacts {
                routings: routes.remove(&a.id).unwrap_or_default(),
                answered_on: a.answered_on,
                handler_answered: by.remove(&a.id).unwrap_or_default(),
            })
            .collect())
    }

    /// Each task overseen by a leader, with the leader as the documents name them.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_overseers(&self) -> Result<Vec<(i64, String)>> {
        let rows: Vec<Overseen> = sqlx::query_as(
            "SELECT id, overseer FROM tasks WHERE overseer IS NOT NULL AND overseer <> '' ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.id, tiendo_domain::text::clean(&r.overseer)))
            .collect())
    }

    /// Every commitment: assignment, committed date, the day it was made.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn commitment_facts(&self) -> Result<Vec<CommitmentFacts>> {
        let rows: Vec<CommitmentRecord> = sqlx::query_as(
            "SELECT assignment_id, committed_on, substr(created_at, 1, 10) AS made_on FROM commitments ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CommitmentFacts {
                assignment: r.assignment_id,
                committed_on: r.committed_on,
                made_on: r.made_on,
            })
            .collect())
    }
}

/// A published formula as stored.
#[derive(sqlx::FromRow)]
struct StoredFormula {
    id: i64,
    /// `YYYY-MM`
    effective_from: String,
    content: String,
    created_at: String,
    created_by: String,
}

/// A task and the leader overseeing it.
#[derive(sqlx::FromRow)]
struct Overseen {
    id: i64,
    overseer: String,
}

/// The day a difficulty was answered, if it was.
#[derive(sqlx::FromRow)]
struct AnsweredOn {
    id: i64,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    answered_on: Option<time::Date>,
}

/// The day one handling agency answered a difficulty.
#[derive(sqlx::FromRow)]
struct HandlerAnswered {
    difficulty_id: i64,
    agency_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    answered_on: time::Date,
}

/// A commitment's date and the day it was made.
#[derive(sqlx::FromRow)]
struct CommitmentRecord {
    assignment_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    committed_on: time::Date,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    made_on: time::Date,
}
