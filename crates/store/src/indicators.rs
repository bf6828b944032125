//! Indicators, their targets and values, stored once for SQLite and PostgreSQL: from documents
//! (in the import's transaction, found again on re-import), from agencies' reports (confirmed or
//! returned by the standing agency), and the book of every figure for the pages and the score.
//! A correction is a new value: the history stays, the newest of a day is the one in force.

use serde::Serialize;
use serde_json::json;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{iso, opt_iso_date};
use tiendo_domain::import_plan::expand;
use tiendo_domain::indicator::book::{IndicatorBook, IndicatorDef, Obs, TargetDef};
use tiendo_domain::indicator::{
    Direction, IndicatorKind, Life, ParsedValue, Period, ValueForm, comparable,
};
use tiendo_domain::model::{ParsedIndicator, Role};
use tiendo_domain::text::name_key;
use time::Date;

use crate::registry::StoredRegistry;
use crate::{Db, Result, StoreError, now};

type Tx<'t> = sqlx::Transaction<'t, sqlx::Any>;

/// An indicator as the pages show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct IndicatorRow {
    pub id: i64,
    /// The committee whose indicator it is.
    #[serde(skip)]
    pub committee_id: i64,
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub kind: String,
    pub direction: String,
    /// Each covered agency reports its own figure (else one national figure).
    #[sqlx(try_from = "i64")]
    pub by_agency: IsSet,
    pub lead_raw: Option<String>,
    /// The document's key in the store.
    pub document: Option<String>,
    /// The document as people name it: its symbol ("Số 624/TB-VPCP"), else its title, else
    /// its file.
    pub document_name: Option<String>,
    pub headings: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    #[serde(with = "opt_iso_date")]
    pub valid_from: Option<Date>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    #[serde(with = "opt_iso_date")]
    pub valid_to: Option<Date>,
    /// When it was set up (RFC 3339).
    #[serde(skip)]
    pub created_at: String,
}

/// A 0/1 column as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IsSet(pub bool);

impl From<i64> for IsSet {
    fn from(v: i64) -> Self {
        IsSet(v != 0)
    }
}

impl IndicatorRow {
    pub fn kind(&self) -> IndicatorKind {
        IndicatorKind::parse(&self.kind).unwrap_or(IndicatorKind::Count)
    }

    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Higher)
    }

    /// The days the indicator is followed.
    pub fn life(&self) -> Life {
        Life {
            from: self.valid_from,
            to: self.valid_to,
        }
    }

    /// Is `d` within the indicator's life?
    pub fn alive_on(&self, d: Date) -> bool {
        self.life().holds(d)
    }
}

/// A target as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TargetRow {
    pub id: i64,
    pub indicator_id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    pub period: String,
    pub raw: String,
    pub form: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub scale: Option<f64>,
}

/// A value as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ValueRow {
    pub id: i64,
    pub indicator_id: i64,
    pub agency_id: Option<i64>,
    pub agency: Option<String>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    #[serde(with = "tiendo_domain::deadline::iso_day")]
    pub as_of: Date,
    pub raw: String,
    pub form: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub scale: Option<f64>,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub source: String,
    /// reported, confirmed, returned
    pub state: String,
    pub review_note: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

fn form_of(s: &str) -> ValueForm {
    match s {
        "fraction" => ValueForm::Fraction,
        "percent" => ValueForm::Percent,
        "yes_no" => ValueForm::YesNo,
        "no_data" => ValueForm::NoData,
        "text" => ValueForm::Text,
        _ => ValueForm::Number,
    }
}

fn form_str(f: ValueForm) -> &'static str {
    match f {
        ValueForm::Number => "number",
        ValueForm::Fraction => "fraction",
        ValueForm::Percent => "percent",
        ValueForm::YesNo => "yes_no",
        ValueForm::NoData => "no_data",
        ValueForm::Text => "text",
    }
}

impl TargetRow {
    pub fn parsed(&self) -> ParsedValue {
        ParsedValue {
            raw: self.raw.clone(),
            form: form_of(&self.form),
            value: self.value,
            numerator: self.numerator,
            denominator: self.denominator,
            scale: self.scale,
            note: None,
        }
    }
}

impl ValueRow {
    pub fn parsed(&self) -> ParsedValue {
        ParsedValue {
            raw: self.raw.clone(),
            form: form_of(&self.form),
            value: self.value,
            numerator: self.numerator,
            denominator: self.denominator,
            scale: self.scale,
            note: self.note.clone(),
        }
    }
}

/// What storing a document's indicators did.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct IndicatorCounts {
    pub created: u64,
    pub updated: u64,
    pub values: u64,
    /// Figures kept as written without a number: what the indicator already stored refuses
    /// them (another unit than its target, a day outside its life), each said here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A value an agency, another system or a document reports.
pub struct NewValue<'a> {
    pub indicator: i64,
    /// None: the national figure.
    pub agency: Option<i64>,
    pub as_of: Date,
    pub value: &'a ParsedValue,
    pub evidence: Option<&'a str>,
    /// user, api, import
    pub source: &'a str,
    pub source_key: Option<&'a str>,
    /// reported (waits for the standing agency) or confirmed
    pub state: &'a str,
    pub actor: &'a str,
}

/// Why a value cannot be recorded for an indicator: the checks every way in shares.
pub fn value_refusal(
    ind: &IndicatorRow,
    coverage: &[i64],
    targets: &[TargetRow],
    agency: Option<i64>,
    as_of: Date,
    value: &ParsedValue,
) -> Option<String> {
    if !ind.alive_on(as_of) {
        return Some(format!(
            "ngày {} nằm ngoài thời gian theo dõi chỉ tiêu \"{}\"",
            tiendo_domain::deadline::vn(as_of),
            ind.name
        ));
    }
    match (ind.by_agency.0, agency) {
        (false, Some(_)) => {
            return Some(format!(
                "chỉ tiêu \"{}\" chỉ có số liệu chung toàn quốc, không theo từng cơ quan",
                ind.name
            ));
        }
        (true, Some(a)) if !coverage.is_empty() && !coverage.contains(&a) => {
            return Some(format!(
                "cơ quan này không thuộc phạm vi báo cáo chỉ tiêu \"{}\"",
                ind.name
            ));
        }
        _ => {}
    }
    if value.has_figure() {
        for t in targets {
            let tv = t.parsed();
            if tv.has_figure() && comparable(value, &tv).is_none() {
                return Some(format!(
                    "số liệu \"{}\" khác đơn vị với mục tiêu \"{}\" của chỉ tiêu \"{}\"",
                    value.raw, t.raw, ind.name
                ));
            }
        }
    }
    None
}

const INDICATOR_COLUMNS: &str = "i.id, i.committee_id, i.code, i.name, i.unit, i.kind, i.direction, i.by_agency, i.lead_raw, d.doc_key AS document, COALESCE(d.symbol, d.title, d.file_name, d.doc_key) AS document_name, i.headings, i.valid_from, i.valid_to, i.created_at";

impl Db {
    /// The indicators of a committee (default: the Government's), in code order.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicators(&self) -> Result<Vec<IndicatorRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators i LEFT JOIN documents d ON d.id = i.document_id ORDER BY i.id"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator(&self, id: i64) -> Result<Option<IndicatorRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators i LEFT JOIN documents d ON d.id = i.document_id WHERE i.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The agencies that report their own figure of an indicator.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_coverage(&self, id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT agency_id FROM indicator_agencies WHERE indicator_id = $1 ORDER BY agency_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The agencies leading an indicator.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_leads(&self, id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT agency_id FROM indicator_leads WHERE indicator_id = $1 ORDER BY agency_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Who answers for which indicator, in one read: (indicator, agency, its own figure) — each
    /// covered agency of an indicator reported by agency (true), each lead of a national one
    /// (false).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_answerers(&self) -> Result<Vec<(i64, i64, bool)>> {
        self.answerers(None).await
    }

    /// [`Db::indicator_answerers`] of one agency.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_answerers_of(&self, agency: i64) -> Result<Vec<(i64, i64, bool)>> {
        self.answerers(Some(agency)).await
    }

    async fn answerers(&self, agency: Option<i64>) -> Result<Vec<(i64, i64, bool)>> {
        let (own, lead) = match agency {
            Some(_) => (" AND c.agency_id = $1", " AND l.agency_id = $1"),
            None => ("", ""),
        };
        let sql = format!(
            "SELECT c.indicator_id, c.agency_id, CAST(1 AS BIGINT) FROM indicator_agencies c JOIN indicators i ON i.id = c.indicator_id WHERE i.by_agency <> 0{own}
             UNION ALL
             SELECT l.indicator_id, l.agency_id, CAST(0 AS BIGINT) FROM indicator_leads l JOIN indicators i ON i.id = l.indicator_id WHERE i.by_agency = 0{lead}
             ORDER BY 1, 2"
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(sqlx::AssertSqlSafe(sql));
        if let Some(a) = agency {
            q = q.bind(a);
        }
        let rows = q.fetch_all(self.pool()).await?;
        Ok(rows
            .into_iter()
            .map(|(i, a, own)| (i, a, own != 0))
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_targets(&self, id: i64) -> Result<Vec<TargetRow>> {
        Ok(sqlx::query_as(
            "SELECT t.id, t.indicator_id, t.agency_id, g.name AS agency, t.period, t.raw, t.form, t.value, t.numerator, t.denominator, t.scale
             FROM indicator_targets t LEFT JOIN agencies g ON g.id = t.agency_id WHERE t.indicator_id = $1 ORDER BY t.period, t.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// An indicator's values, oldest first (with their history): of one agency (`Some(None)`:
    /// the nation), or all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_values(
        &self,
        id: i64,
        agency: Option<Option<i64>>,
    ) -> Result<Vec<ValueRow>> {
        let filter = match agency {
            Some(Some(a)) => format!(" AND v.agency_id = {a}"),
            Some(None) => " AND v.agency_id IS NULL".to_string(),
            None => String::new(),
        };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT v.id, v.indicator_id, v.agency_id, g.name AS agency, v.as_of, v.raw, v.form, v.value, v.numerator, v.denominator, v.scale,
                    v.note, v.evidence, v.source, v.state, v.review_note, v.created_at, v.created_by
             FROM indicator_values v LEFT JOIN agencies g ON g.id = v.agency_id
             WHERE v.indicator_id = $1{filter} ORDER BY v.as_of, v.id"
        )))
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The newest `limit` values of an indicator (newest first) and how many it has in all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_values_recent(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<(Vec<ValueRow>, i64)> {
        let rows = sqlx::query_as(
            "SELECT v.id, v.indicator_id, v.agency_id, g.name AS agency, v.as_of, v.raw, v.form, v.value, v.numerator, v.denominator, v.scale,
                    v.note, v.evidence, v.source, v.state, v.review_note, v.created_at, v.created_by
             FROM indicator_values v LEFT JOIN agencies g ON g.id = v.agency_id
             WHERE v.indicator_id = $1 ORDER BY v.as_of DESC, v.id DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM indicator_values WHERE indicator_id = $1")
                .bind(id)
                .fetch_one(self.pool())
                .await?;
        Ok((rows, total))
    }

    /// Values waiting for the standing agency (reported by agencies), oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_values_waiting(&self) -> Result<Vec<ValueRow>> {
        Ok(sqlx::query_as(
            "SELECT v.id, v.indicator_id, v.agency_id, g.name AS agency, v.as_of, v.raw, v.form, v.value, v.numerator, v.denominator, v.scale,
                    v.note, v.evidence, v.source, v.state, v.review_note, v.created_at, v.created_by
             FROM indicator_values v LEFT JOIN agencies g ON g.id = v.agency_id
             WHERE v.state = 'reported' ORDER BY v.id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Records a value (checked by the caller with [`value_refusal`]); audited.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_indicator_value(&self, v: NewValue<'_>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_value(&mut tx, &v).await?;
        Db::audit(
            &mut tx,
            v.actor,
            AuditAction::IndicatorValue,
            "indicator",
            Some(v.indicator),
            None,
            Some(&json!({ "value": id, "agency": v.agency, "as_of": iso(v.as_of), "raw": v.value.raw })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The standing agency confirms a reported value, or returns it with a reason (a returned
    /// value no longer counts).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn review_indicator_value(
        &self,
        id: i64,
        confirm: bool,
        note: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT indicator_id, state FROM indicator_values WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((indicator, state)) = row else {
            return Err(StoreError::NotFound(format!("số liệu {id}")));
        };
        if state != "reported" {
            return Err(StoreError::Invalid("số liệu này đã được xem xét".into()));
        }
        let new_state = if confirm { "confirmed" } else { "returned" };
        sqlx::query("UPDATE indicator_values SET state = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5")
            .bind(new_state)
            .bind(note)
            .bind(actor)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            if confirm {
                AuditAction::IndicatorConfirmed
            } else {
                AuditAction::IndicatorReturned
            },
            "indicator",
            Some(indicator),
            None,
            Some(&json!({ "value": id, "note": note })),
        )
        .await?;
        tx.commit().await?;
        Ok(indicator)
    }

    /// Sets a target (replacing one for the same indicator, agency and period); audited.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_indicator_target(
        &self,
        indicator: i64,
        agency: Option<i64>,
        period: Period,
        value: &ParsedValue,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        upsert_target(&mut tx, indicator, agency, period, value, actor).await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::IndicatorTarget,
            "indicator",
            Some(indicator),
            None,
            Some(&json!({ "agency": agency, "period": period.key(), "raw": value.raw })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets an indicator's life (the first and last day it is followed) and its direction.
    /// Refused when a recorded figure or a target would fall outside the new life.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_indicator_life(
        &self,
        indicator: i64,
        life: Life,
        direction: Direction,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT as_of FROM indicator_values WHERE indicator_id = $1 AND state <> 'returned' ORDER BY as_of",
        )
        .bind(indicator)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(d) = days
            .iter()
            .filter_map(|d| tiendo_domain::deadline::iso_date(d))
            .find(|d| !life.holds(*d))
        {
            return Err(StoreError::Invalid(format!(
                "đã có số liệu ngày {} nằm ngoài thời gian theo dõi mới",
                tiendo_domain::deadline::vn(d)
            )));
        }
        let periods: Vec<String> =
            sqlx::query_scalar("SELECT period FROM indicator_targets WHERE indicator_id = $1")
                .bind(indicator)
                .fetch_all(&mut *tx)
                .await?;
        if let Some(p) = periods
            .iter()
            .filter_map(|p| Period::parse(p))
            .find(|p| !life.touches(*p))
        {
            return Err(StoreError::Invalid(format!(
                "đã có mục tiêu {} nằm ngoài thời gian theo dõi mới",
                p.vietnamese()
            )));
        }
        let changed = sqlx::query(
            "UPDATE indicators SET valid_from = $1, valid_to = $2, direction = $3, updated_at = $4, updated_by = $5 WHERE id = $6",
        )
        .bind(life.from.map(iso))
        .bind(life.to.map(iso))
        .bind(direction.as_str())
        .bind(now())
        .bind(actor)
        .bind(indicator)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("chỉ tiêu {indicator}")));
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::IndicatorLife,
            "indicator",
            Some(indicator),
            None,
            Some(&json!({
                "valid_from": life.from.map(iso),
                "valid_to": life.to.map(iso),
                "direction": direction.as_str(),
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links an indicator and a task (or unlinks them).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn link_indicator_task(
        &self,
        indicator: i64,
        task: i64,
        link: bool,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
            .bind(task)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("nhiệm vụ {task}")));
        }
        if link {
            sqlx::query("INSERT INTO indicator_tasks (indicator_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(indicator)
                .bind(task)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("DELETE FROM indicator_tasks WHERE indicator_id = $1 AND task_id = $2")
                .bind(indicator)
                .bind(task)
                .execute(&mut *tx)
                .await?;
        }
        Db::audit(
            &mut tx,
            actor,
            if link {
                AuditAction::IndicatorLinked
            } else {
                AuditAction::IndicatorUnlinked
            },
            "task",
            Some(task),
            None,
            Some(&json!({ "indicator": indicator })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tasks linked to an indicator.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_task_ids(&self, indicator: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT task_id FROM indicator_tasks WHERE indicator_id = $1 ORDER BY task_id",
        )
        .bind(indicator)
        .fetch_all(self.pool())
        .await?)
    }

    /// The indicators linked to a task.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_indicator_ids(&self, task: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT indicator_id FROM indicator_tasks WHERE task_id = $1 ORDER BY indicator_id",
        )
        .bind(task)
        .fetch_all(self.pool())
        .await?)
    }

    /// What the book in memory follows: the newest indicator, the newest value, the values
    /// returned so far, the targets. A new value is added to the book; anything else reads the
    /// indicators concerned again.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_marks(&self) -> Result<IndicatorMarks> {
        Ok(sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM indicators) AS indicators,
                    (SELECT COALESCE(MAX(updated_at), '') FROM indicators) AS indicators_changed,
                    (SELECT COALESCE(MAX(id), 0) FROM indicator_values) AS values_max,
                    (SELECT COUNT(*) FROM indicator_values WHERE state = 'returned') AS returned,
                    (SELECT COUNT(*) FROM indicator_targets) AS targets,
                    (SELECT COALESCE(MAX(created_at), '') FROM indicator_targets) AS targets_changed",
        )
        .fetch_one(self.pool())
        .await?)
    }

    /// The values recorded after `id` (not returned), to add to the book in memory.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_values_after(&self, id: i64) -> Result<Vec<BookValue>> {
        Ok(sqlx::query_as(
            "SELECT indicator_id, agency_id, as_of, form, value, scale, numerator, denominator FROM indicator_values
             WHERE id > $1 AND state <> 'returned' ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every target, for the book.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_target_defs(&self) -> Result<Vec<(i64, TargetDef)>> {
        let targets: Vec<TargetRow> = sqlx::query_as(
            "SELECT t.id, t.indicator_id, t.agency_id, NULL AS agency, t.period, t.raw, t.form, t.value, t.numerator, t.denominator, t.scale
             FROM indicator_targets t ORDER BY t.id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(targets
            .into_iter()
            .filter_map(|t| {
                let period = Period::parse(&t.period)?;
                Some((
                    t.indicator_id,
                    TargetDef {
                        agency: t.agency_id,
                        period,
                        value: t.parsed(),
                    },
                ))
            })
            .collect())
    }

    /// Every indicator's figures (returned values left out) and targets.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_indicator_book(&self) -> Result<IndicatorBook> {
        let mut book = IndicatorBook::new();
        for i in self.indicators().await? {
            book.add_indicator(IndicatorDef {
                id: i.id,
                kind: i.kind(),
                direction: i.direction(),
                by_agency: i.by_agency.0,
                valid_from: i.valid_from,
                valid_to: i.valid_to,
            });
        }
        book.replace_targets(self.indicator_target_defs().await?);
        let values: Vec<BookValue> = sqlx::query_as(
            "SELECT indicator_id, agency_id, as_of, form, value, scale, numerator, denominator FROM indicator_values
             WHERE state <> 'returned' ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        for v in values {
            book.add_value(v.indicator_id, v.agency_id, v.obs());
        }
        book.sort();
        Ok(book)
    }
}

/// The marks the book in memory follows ([`Db::indicator_marks`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IndicatorMarks {
    pub indicators: i64,
    pub indicators_changed: String,
    pub values_max: i64,
    pub returned: i64,
    pub targets: i64,
    pub targets_changed: String,
}

impl BookValue {
    pub fn obs(&self) -> Obs {
        let share = match (self.numerator, self.denominator) {
            (Some(n), Some(d)) if d > 0.0 => Some(n * 100.0 / d),
            _ => None,
        };
        Obs {
            on: self.as_of,
            form: form_of(&self.form),
            value: self.value,
            scale: self.scale,
            share,
        }
    }
}

/// A value as the book reads it.
#[derive(sqlx::FromRow)]
pub struct BookValue {
    pub indicator_id: i64,
    pub agency_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    as_of: Date,
    form: String,
    value: Option<f64>,
    scale: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
}

/// A figure bound as text and cast by the database: sqlx's Any driver gives a missing figure and
/// a present one different parameter types, which PostgreSQL refuses once the statement is
/// prepared with the other; text is text either way, and the digits round-trip exactly.
fn num(v: Option<f64>) -> Option<String> {
    v.map(|x| format!("{x:?}"))
}

async fn insert_value(tx: &mut Tx<'_>, v: &NewValue<'_>) -> Result<i64> {
    let p = v.value;
    Ok(sqlx::query_scalar(
        "INSERT INTO indicator_values (indicator_id, agency_id, as_of, raw, form, value, numerator, denominator, scale, note, evidence, source, source_key, state, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, CAST($6 AS DOUBLE PRECISION), CAST($7 AS DOUBLE PRECISION), CAST($8 AS DOUBLE PRECISION), CAST($9 AS DOUBLE PRECISION), $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(v.indicator)
    .bind(v.agency)
    .bind(iso(v.as_of))
    .bind(&p.raw)
    .bind(form_str(p.form))
    .bind(num(p.value))
    .bind(num(p.numerator))
    .bind(num(p.denominator))
    .bind(num(p.scale))
    .bind(&p.note)
    .bind(v.evidence)
    .bind(v.source)
    .bind(v.source_key)
    .bind(v.state)
    .bind(now())
    .bind(v.actor)
    .fetch_one(&mut **tx)
    .await?)
}

async fn upsert_target(
    tx: &mut Tx<'_>,
    indicator: i64,
    agency: Option<i64>,
    period: Period,
    value: &ParsedValue,
    actor: &str,
) -> Result<()> {
    let scope = agency.map(|a| a.to_string()).unwrap_or_default();
    sqlx::query(
        "DELETE FROM indicator_targets WHERE indicator_id = $1 AND scope = $2 AND period = $3",
    )
    .bind(indicator)
    .bind(&scope)
    .bind(period.key())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO indicator_targets (indicator_id, agency_id, scope, period, raw, form, value, numerator, denominator, scale, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DOUBLE PRECISION), CAST($8 AS DOUBLE PRECISION), CAST($9 AS DOUBLE PRECISION), CAST($10 AS DOUBLE PRECISION), $11, $12)",
    )
    .bind(indicator)
    .bind(agency)
    .bind(&scope)
    .bind(period.key())
    .bind(&value.raw)
    .bind(form_str(value.form))
    .bind(num(value.value))
    .bind(num(value.numerator))
    .bind(num(value.denominator))
    .bind(num(value.scale))
    .bind(now())
    .bind(actor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores a document's indicators in the import's transaction.
pub(crate) struct IndicatorImport<'a> {
    pub reg: &'a StoredRegistry,
    pub committee: i64,
    pub doc_id: i64,
    pub doc_key: &'a str,
    pub reported_on: Date,
    pub actor: &'a str,
    pub ts: &'a str,
}

impl IndicatorImport<'_> {
    fn agency_id(&self, a: &tiendo_domain::agency::AgencyRef, what: &str) -> Result<i64> {
        let wanted = expand(
            &self.reg.registry,
            std::slice::from_ref(a),
            Role::Lead,
            self.reported_on,
        );
        match wanted.as_slice() {
            [one] if a.kind == tiendo_domain::agency::RefKind::Agency => {
                self.reg.ids.get(&one.code).copied().ok_or_else(|| {
                    StoreError::UnknownAgency(format!("không có cơ quan mã {}", one.code))
                })
            }
            _ => Err(StoreError::Invalid(format!(
                "{what}: \"{}\" không phải một cơ quan trong danh mục — thêm tên gọi (tiendo agencies add-alias) hoặc sửa tệp rồi nhập lại",
                a.raw
            ))),
        }
    }

    pub(crate) async fn store(
        &self,
        tx: &mut Tx<'_>,
        rows: &[ParsedIndicator],
    ) -> Result<IndicatorCounts> {
        let mut counts = IndicatorCounts::default();
        for p in rows {
            let (id, created) = self.upsert(tx, p).await?;
            if created {
                counts.created += 1;
            } else {
                counts.updated += 1;
            }
            counts.values += self.store_values(tx, id, p, &mut counts.warnings).await?;
        }
        Ok(counts)
    }

    /// The indicator a row is: the same code, else the same name; created when new.
    async fn upsert(&self, tx: &mut Tx<'_>, p: &ParsedIndicator) -> Result<(i64, bool)> {
        let key = name_key(&p.name);
        let found: Option<i64> = match &p.code {
            Some(code) => sqlx::query_scalar("SELECT id FROM indicators WHERE committee_id = $1 AND code = $2")
                .bind(self.committee)
                .bind(code)
                .fetch_optional(&mut **tx)
                .await?,
            None => sqlx::query_scalar("SELECT id FROM indicators WHERE committee_id = $1 AND name_key = $2 ORDER BY id LIMIT 1")
                .bind(self.committee)
                .bind(&key)
                .fetch_optional(&mut **tx)
                .await?,
        };
        if let Some(id) = found {
            let by_agency: i64 =
                sqlx::query_scalar("SELECT by_agency FROM indicators WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
            if (by_agency != 0) != p.by_agency {
                return Err(StoreError::Invalid(format!(
                    "chỉ tiêu \"{}\" đã có, {}; tệp này ghi {}",
                    p.name,
                    if by_agency != 0 {
                        "theo từng cơ quan"
                    } else {
                        "chung toàn quốc"
                    },
                    if p.by_agency {
                        "theo từng cơ quan"
                    } else {
                        "một số liệu chung"
                    }
                )));
            }
            return Ok((id, false));
        }
        let code = match &p.code {
            Some(c) => c.clone(),
            None => {
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE committee_id = $1")
                        .bind(self.committee)
                        .fetch_one(&mut **tx)
                        .await?;
                let mut k = n + 1;
                loop {
                    let c = format!("CT-{k:03}");
                    let taken: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM indicators WHERE committee_id = $1 AND code = $2",
                    )
                    .bind(self.committee)
                    .bind(&c)
                    .fetch_optional(&mut **tx)
                    .await?;
                    if taken.is_none() {
                        break c;
                    }
                    k += 1;
                }
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO indicators (committee_id, code, name, name_key, unit, kind, direction, by_agency, lead_raw, document_id, source, headings, valid_from, valid_to, created_at, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, $13, $13, $14) RETURNING id",
        )
        .bind(self.committee)
        .bind(&code)
        .bind(&p.name)
        .bind(&key)
        .bind(&p.unit)
        .bind(p.kind.as_str())
        .bind(p.direction.as_str())
        .bind(i64::from(p.by_agency))
        .bind(p.lead.iter().map(|a| a.raw.as_str()).collect::<Vec<_>>().join("; "))
        .bind(self.doc_id)
        .bind(&p.source)
        .bind(serde_json::to_string(&p.headings).unwrap_or_else(|_| "[]".into()))
        .bind(self.ts)
        .bind(self.actor)
        .fetch_one(&mut **tx)
        .await?;
        // A group lead ("UBND các tỉnh, thành phố") is each of its members on the day.
        let leads = expand(&self.reg.registry, &p.lead, Role::Lead, self.reported_on);
        for w in &leads {
            let agency = self.reg.ids.get(&w.code).copied().ok_or_else(|| {
                StoreError::UnknownAgency(format!("không có cơ quan mã {}", w.code))
            })?;
            sqlx::query("INSERT INTO indicator_leads (indicator_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(agency)
                .execute(&mut **tx)
                .await?;
        }
        // The agencies a table with agencies as rows names are the ones that report it.
        for v in &p.values {
            if let Some(a) = &v.agency {
                let agency = self.agency_id(a, &format!("chỉ tiêu \"{}\"", p.name))?;
                sqlx::query("INSERT INTO indicator_agencies (indicator_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(agency)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Db::audit(
            tx,
            self.actor,
            AuditAction::IndicatorCreated,
            "indicator",
            Some(id),
            None,
            Some(&json!({ "code": code, "name": p.name })),
        )
        .await?;
        Ok((id, true))
    }

    /// The row's target and figures, checked as any value is; a figure already recorded for the
    /// day is not recorded twice.
    async fn store_values(
        &self,
        tx: &mut Tx<'_>,
        id: i64,
        p: &ParsedIndicator,
        warnings: &mut Vec<String>,
    ) -> Result<u64> {
        let ind: IndicatorRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators i LEFT JOIN documents d ON d.id = i.document_id WHERE i.id = $1"
        )))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if let (Some(t), Some(period)) = (&p.target, p.target_period)
            && t.has_figure()
        {
            upsert_target(tx, id, None, period, t, self.actor).await?;
        }
        let coverage: Vec<i64> =
            sqlx::query_scalar("SELECT agency_id FROM indicator_agencies WHERE indicator_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        let targets: Vec<TargetRow> = sqlx::query_as(
            "SELECT t.id, t.indicator_id, t.agency_id, NULL AS agency, t.period, t.raw, t.form, t.value, t.numerator, t.denominator, t.scale
             FROM indicator_targets t WHERE t.indicator_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        let mut stored = 0;
        for v in &p.values {
            let agency = match &v.agency {
                Some(a) => Some(self.agency_id(a, &format!("chỉ tiêu \"{}\"", p.name))?),
                None => None,
            };
            // A figure the indicator cannot take is kept as written, with no number, and said.
            let demoted;
            let value = match value_refusal(
                &ind,
                &coverage,
                &targets,
                agency,
                self.reported_on,
                &v.value,
            ) {
                Some(why) => {
                    warnings.push(format!(
                        "{}: {why}; giữ nguyên văn, không tính",
                        p.source.as_deref().unwrap_or(&p.name)
                    ));
                    demoted = ParsedValue::kept_as_written(&v.value.raw, why);
                    &demoted
                }
                None => &v.value,
            };
            let same: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM indicator_values WHERE indicator_id = $1 AND COALESCE(agency_id, 0) = $2 AND as_of = $3 AND raw = $4 AND state <> 'returned'",
            )
            .bind(id)
            .bind(agency.unwrap_or(0))
            .bind(iso(self.reported_on))
            .bind(&value.raw)
            .fetch_optional(&mut **tx)
            .await?;
            if same.is_some() {
                continue;
            }
            let key = format!("{}#{}", self.doc_key, iso(self.reported_on));
            insert_value(
                tx,
                &NewValue {
                    indicator: id,
                    agency,
                    as_of: self.reported_on,
                    value,
                    evidence: None,
                    source: "import",
                    source_key: Some(&key),
                    state: "confirmed",
                    actor: self.actor,
                },
            )
            .await?;
            stored += 1;
        }
        Ok(stored)
    }
}
