//! The same questions answered in plain SQL, straight from the tables. Used as the benchmark's
//! baseline and, in the tests, as an independent check of the status engine.

use std::collections::BTreeMap;

use tiendo_domain::deadline::iso;
use tiendo_domain::status::FourWay;
use time::Date;

use crate::{Db, Result};

/// Every lead assignment in force on $1 (assigned by then, not yet removed) with the deadline and
/// the last report in force on $1 (a returned completion stops counting from the day it was
/// returned).
const IN_FORCE: &str = "
SELECT a.task_id AS task_id, a.agency_id AS agency_id,
       CASE WHEN c.id IS NULL THEN t.deadline_kind ELSE c.kind END AS kind,
       CASE WHEN c.id IS NULL THEN t.due_on ELSE c.due_on END AS due,
       r.status AS status, r.completed_on AS completed, r.reported_on AS reported
FROM assignments a
JOIN tasks t ON t.id = a.task_id
LEFT JOIN deadline_changes c ON c.id = (
    SELECT dc.id FROM deadline_changes dc
    WHERE dc.task_id = a.task_id AND (dc.assignment_id IS NULL OR dc.assignment_id = a.id)
      AND dc.state = 'approved' AND dc.effective_on <= $1
    ORDER BY dc.effective_on DESC, dc.id DESC LIMIT 1)
LEFT JOIN progress_reports r ON r.id = (
    SELECT pr.id FROM progress_reports pr
    WHERE pr.assignment_id = a.id AND pr.status IS NOT NULL AND pr.reported_on <= $1
      AND (pr.review IS NULL OR pr.review <> 'returned' OR substr(pr.reviewed_at, 1, 10) > $1)
    ORDER BY pr.reported_on DESC, pr.id DESC LIMIT 1)
WHERE (a.active = 1 OR a.removed_on IS NOT NULL) AND a.role = 'lead'
  AND (a.assigned_on IS NULL OR a.assigned_on <= $1) AND (a.removed_on IS NULL OR a.removed_on > $1)";

impl Db {
    /// (task id, agency id) of every late lead assignment on `as_of`, sorted.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn overdue_plain_sql(&self, as_of: Date) -> Result<Vec<(i64, i64)>> {
        let sql = format!(
            "SELECT x.task_id, x.agency_id FROM ({IN_FORCE}) x
             WHERE x.kind <> 'recurring' AND x.due IS NOT NULL AND x.due < $1
               AND (x.status IS NULL OR x.status NOT IN ('done', 'done_late'))
             ORDER BY x.task_id, x.agency_id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(iso(as_of))
            .fetch_all(self.pool())
            .await?)
    }

    /// Per agency id, the four-way counts on `as_of`, computed by GROUP BY.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_counts_plain_sql(&self, as_of: Date) -> Result<BTreeMap<i64, FourWay>> {
        let sql = format!(
            "SELECT y.agency_id,
                CAST(SUM(CASE WHEN y.state = 'done_on_time' THEN 1 ELSE 0 END) AS BIGINT) AS done_on_time,
                CAST(SUM(CASE WHEN y.state = 'done_late' THEN 1 ELSE 0 END) AS BIGINT) AS done_late,
                CAST(SUM(CASE WHEN y.state = 'done_undated' THEN 1 ELSE 0 END) AS BIGINT) AS done_undated,
                CAST(SUM(CASE WHEN y.state IN ('open_in_time', 'recurring', 'conditional') THEN 1 ELSE 0 END) AS BIGINT) AS open_in_time,
                CAST(SUM(CASE WHEN y.state = 'open_overdue' THEN 1 ELSE 0 END) AS BIGINT) AS open_overdue,
                CAST(SUM(CASE WHEN y.state = 'recurring' THEN 1 ELSE 0 END) AS BIGINT) AS recurring,
                CAST(SUM(CASE WHEN y.state = 'conditional' THEN 1 ELSE 0 END) AS BIGINT) AS conditional
             FROM (
                SELECT x.agency_id,
                  CASE
                    WHEN x.status = 'done_late' THEN 'done_late'
                    WHEN x.status = 'done' AND x.completed IS NULL THEN
                      CASE WHEN x.due IS NOT NULL AND x.reported <= x.due THEN 'done_on_time' ELSE 'done_undated' END
                    WHEN x.status = 'done' THEN
                      CASE WHEN x.due IS NOT NULL AND x.completed > x.due THEN 'done_late' ELSE 'done_on_time' END
                    WHEN x.kind = 'recurring' THEN 'recurring'
                    WHEN x.due IS NULL THEN 'conditional'
                    WHEN x.due < $1 THEN 'open_overdue'
                    ELSE 'open_in_time'
                  END AS state
                FROM ({IN_FORCE}) x
             ) y
             GROUP BY y.agency_id"
        );
        let rows: Vec<CountsRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(iso(as_of))
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let n = |v: i64| u64::try_from(v).unwrap_or(0);
                let c = FourWay {
                    done_on_time: n(r.done_on_time),
                    done_late: n(r.done_late),
                    done_undated: n(r.done_undated),
                    open_in_time: n(r.open_in_time),
                    open_overdue: n(r.open_overdue),
                    recurring: n(r.recurring),
                    conditional: n(r.conditional),
                };
                (r.agency_id, c)
            })
            .collect())
    }
}

/// One agency's counts as the GROUP BY gives them.
#[derive(sqlx::FromRow)]
struct CountsRecord {
    agency_id: i64,
    done_on_time: i64,
    done_late: i64,
    done_undated: i64,
    open_in_time: i64,
    open_overdue: i64,
    recurring: i64,
    conditional: i64,
}
