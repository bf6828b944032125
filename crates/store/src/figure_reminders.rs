//! What the indicators add to a day's reminders, read from the tables: who owes which figure
//! and the latest day it reported, the figures waiting for the standing agency, the returned
//! figures not yet reported again.

use std::collections::HashMap;

use tiendo_domain::deadline::{iso, iso_date};
use tiendo_domain::reminders::{FigureDuty, FigureReturned, FigureWaiting, IndicatorLabel};
use time::Date;

use crate::{Db, Result};

#[derive(sqlx::FromRow)]
struct LatestRow {
    indicator_id: i64,
    agency_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    latest: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct ReturnedRow {
    id: i64,
    indicator_id: i64,
    agency_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    as_of: Date,
    raw: String,
    review_note: Option<String>,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    returned_on: Date,
}

/// Integers written into an `IN (…)` list (ids read from the store, never user text).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Db {
    /// Every indicator's code, name, life and the day it was set up.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_labels(&self) -> Result<HashMap<i64, IndicatorLabel>> {
        Ok(self
            .indicators()
            .await?
            .into_iter()
            .filter_map(|r| {
                let created_on = r.created_at.get(..10).and_then(iso_date)?;
                Some((
                    r.id,
                    IndicatorLabel {
                        life: r.life(),
                        code: r.code,
                        name: r.name,
                        created_on,
                    },
                ))
            })
            .collect())
    }

    /// Who owes which figure (of one agency, or of all) and the latest day each reported: an
    /// agency covered by an indicator reported by agency owes its own figure, a lead of a
    /// national indicator the national one. A figure of any state counts as reported.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn figure_duties(&self, agency: Option<i64>) -> Result<Vec<FigureDuty>> {
        let answerers = match agency {
            Some(a) => self.indicator_answerers_of(a).await?,
            None => self.indicator_answerers().await?,
        };
        if answerers.is_empty() {
            return Ok(Vec::new());
        }
        let latest: Vec<LatestRow> = match agency {
            // The whole table through the index by (indicator, agency, day): the daily run.
            None => {
                sqlx::query_as(
                    "SELECT indicator_id, agency_id, MAX(as_of) AS latest FROM indicator_values GROUP BY indicator_id, agency_id",
                )
                .fetch_all(self.pool())
                .await?
            }
            // One agency: a look-up per indicator it answers for, its own figures and the
            // national ones it leads.
            Some(a) => {
                let ids = |own: bool| -> Vec<i64> {
                    answerers
                        .iter()
                        .filter(|d| d.2 == own)
                        .map(|d| d.0)
                        .collect()
                };
                let mut rows = self.latest_figures(&ids(true), Some(a)).await?;
                rows.extend(self.latest_figures(&ids(false), None).await?);
                rows
            }
        };
        let latest: HashMap<(i64, Option<i64>), Date> = latest
            .into_iter()
            .filter_map(|r| Some(((r.indicator_id, r.agency_id), r.latest?)))
            .collect();
        Ok(answerers
            .into_iter()
            .map(|(indicator, a, own)| FigureDuty {
                indicator,
                agency: a,
                own,
                latest: latest.get(&(indicator, own.then_some(a))).copied(),
            })
            .collect())
    }

    /// The latest day of the figures of these indicators, of one agency (`None`: the nation).
    async fn latest_figures(&self, ids: &[i64], agency: Option<i64>) -> Result<Vec<LatestRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let whose = match agency {
            Some(_) => "agency_id = $1",
            None => "agency_id IS NULL",
        };
        let sql = format!(
            "SELECT indicator_id, agency_id, MAX(as_of) AS latest FROM indicator_values WHERE indicator_id IN ({}) AND {whose} GROUP BY indicator_id, agency_id",
            id_list(ids)
        );
        let mut q = sqlx::query_as::<_, LatestRow>(sqlx::AssertSqlSafe(sql));
        if let Some(a) = agency {
            q = q.bind(a);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Figures reported by agencies that wait for the standing agency (reported by `day`).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn figures_waiting(&self, day: Date) -> Result<Vec<FigureWaiting>> {
        Ok(self
            .indicator_values_waiting()
            .await?
            .into_iter()
            .filter_map(|v| {
                let reported_on = v.created_at.get(..10).and_then(iso_date)?;
                (reported_on <= day).then_some(FigureWaiting {
                    indicator: v.indicator_id,
                    reported_on,
                })
            })
            .collect())
    }

    /// Figures returned by `day` and still the latest of their series (nothing reported after
    /// them), each with the agency to tell: the reporter's, or each lead of a national figure.
    /// Of one agency, or of all.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn figures_returned(
        &self,
        day: Date,
        agency: Option<i64>,
    ) -> Result<Vec<FigureReturned>> {
        let rows: Vec<ReturnedRow> = sqlx::query_as(
            "SELECT v.id, v.indicator_id, v.agency_id, v.as_of, v.raw, v.review_note, substr(v.reviewed_at, 1, 10) AS returned_on
             FROM indicator_values v WHERE v.state = 'returned' AND substr(v.reviewed_at, 1, 10) <= $1 ORDER BY v.id",
        )
        .bind(iso(day))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let later: Option<i64> = match r.agency_id {
                Some(a) => sqlx::query_scalar(
                    "SELECT id FROM indicator_values WHERE indicator_id = $1 AND agency_id = $2 AND id > $3 LIMIT 1",
                )
                .bind(r.indicator_id)
                .bind(a)
                .bind(r.id),
                None => sqlx::query_scalar(
                    "SELECT id FROM indicator_values WHERE indicator_id = $1 AND agency_id IS NULL AND id > $2 LIMIT 1",
                )
                .bind(r.indicator_id)
                .bind(r.id),
            }
            .fetch_optional(self.pool())
            .await?;
            if later.is_some() {
                continue;
            }
            let tell = match r.agency_id {
                Some(a) => vec![a],
                None => self.indicator_leads(r.indicator_id).await?,
            };
            for a in tell.into_iter().filter(|a| agency.is_none_or(|x| x == *a)) {
                out.push(FigureReturned {
                    indicator: r.indicator_id,
                    agency: a,
                    raw: r.raw.clone(),
                    as_of: r.as_of,
                    note: r.review_note.clone().unwrap_or_default(),
                    returned_on: r.returned_on,
                });
            }
        }
        Ok(out)
    }
}
