//! The audit log: one row for every change, written in the change's own transaction. It is
//! the history users read and the feed the status book in memory follows.

use sqlx::FromRow;

use std::collections::BTreeSet;

use tiendo_domain::audit::AuditAction;

use crate::{Backend, Db, Result, now};

/// One audited change, as the audit page and a task's history show it.
#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    /// What was done, by code (`report.added`, `task.updated` …): see [`AuditEntry::kind`].
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// The values before and after, as JSON text.
    #[sqlx(rename = "before_value")]
    pub before: Option<String>,
    #[sqlx(rename = "after_value")]
    pub after: Option<String>,
}

/// A change as the status book's follower reads it: its position and what it touched.
#[derive(Debug, Clone, FromRow)]
pub struct Change {
    pub id: i64,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    /// The one assignment whose reports it changed, when it changed nothing else of its task.
    #[sqlx(rename = "assignment_id")]
    pub assignment: Option<i64>,
}

impl AuditEntry {
    /// The kind of change, `None` for a code this version does not know.
    pub fn kind(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
    }
}

impl Change {
    /// The kind of change, `None` for a code this version does not know.
    pub fn kind(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
    }
}

/// A change with the PostgreSQL transaction that wrote it.
#[derive(FromRow)]
struct WrittenChange {
    #[sqlx(flatten)]
    change: Change,
    writer: i64,
}

const ENTRY_COLUMNS: &str = "at, actor, action, entity, entity_id, before_value, after_value";

impl Db {
    /// Writes one audit row in the given transaction, and queues it for every system subscribed
    /// to its kind of change ([`crate::webhooks`]) in the same transaction: a change stored is
    /// a change told, even if the server stops right after.
    pub(crate) async fn audit(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        actor: &str,
        action: AuditAction,
        entity: &str,
        entity_id: Option<i64>,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<()> {
        Db::audit_row(tx, actor, action, entity, entity_id, None, before, after).await
    }

    /// [`Db::audit`] of a change to one assignment's reports of a task, and nothing else of it:
    /// the status book reloads that assignment alone.
    pub(crate) async fn audit_reports_of(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        actor: &str,
        action: AuditAction,
        task: i64,
        assignment: i64,
        after: &serde_json::Value,
    ) -> Result<()> {
        Db::audit_row(
            tx,
            actor,
            action,
            "task",
            Some(task),
            Some(assignment),
            None,
            Some(after),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_row(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        actor: &str,
        action: AuditAction,
        entity: &str,
        entity_id: Option<i64>,
        assignment: Option<i64>,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<()> {
        let at = now();
        let id: i64 = sqlx::query_scalar("INSERT INTO audit_log (at, actor, action, entity, entity_id, assignment_id, before_value, after_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(&at)
            .bind(actor)
            .bind(action.code())
            .bind(entity)
            .bind(entity_id)
            .bind(assignment)
            .bind(before.map(|v| v.to_string()))
            .bind(after.map(|v| v.to_string()))
            .fetch_one(&mut **tx)
            .await?;
        crate::webhooks::queue(tx, id, action, &at).await
    }

    /// The audit log, newest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn audit_page(&self, limit: i64, offset: usize) -> Result<Vec<AuditEntry>> {
        let sql =
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset as i64)
            .fetch_all(self.pool())
            .await?)
    }

    /// Documents as people name them (symbol, else title, else file name), by id: the audit
    /// log's rows about documents say which one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn document_labels(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, COALESCE(symbol, title, file_name, doc_key) FROM documents WHERE id IN ({})",
            list.join(",")
        )))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// A page of one committee's audit log, newest first: the changes to its own tasks,
    /// indicators and documents, and every change its own accounts made.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn committee_audit_page(
        &self,
        committee: i64,
        limit: i64,
        offset: usize,
    ) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE (entity = 'task' AND entity_id IN (SELECT id FROM tasks WHERE committee_id = $1))
                OR (entity = 'indicator' AND entity_id IN (SELECT id FROM indicators WHERE committee_id = $1))
                OR (entity = 'document' AND entity_id IN (SELECT id FROM documents WHERE committee_id = $1))
                OR actor IN (SELECT username FROM users WHERE committee_id = $1)
             ORDER BY id DESC LIMIT $2 OFFSET $3"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(committee)
            .bind(limit)
            .bind(offset as i64)
            .fetch_all(self.pool())
            .await?)
    }

    /// Audit rows for one entity, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn history(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(entity)
            .bind(entity_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// The position of the newest change (0 for none).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn data_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Where the log stands now: every change committed so far counts as applied. Read before
    /// loading what the changes touched, so that a change committed meanwhile is read again
    /// rather than missed (applying a change twice reloads the same rows).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn feed_position(&self) -> Result<FeedPosition> {
        match self.backend() {
            Backend::Sqlite => Ok(FeedPosition {
                last: self.data_version().await?,
                ..FeedPosition::default()
            }),
            Backend::Postgres => {
                let mut tx = self.pool().begin_with(READ_ONE_SNAPSHOT).await?;
                let horizon = running_horizon(&mut tx).await?;
                let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
                    .fetch_one(&mut *tx)
                    .await?;
                let seen: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM audit_log WHERE writer >= $1")
                        .bind(horizon)
                        .fetch_all(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok(FeedPosition {
                    last,
                    horizon,
                    seen: seen.into_iter().collect(),
                })
            }
        }
    }

    /// The changes committed since `from`, oldest first, with the position after them; `None`
    /// when there are more than `limit` (the follower then reloads everything).
    ///
    /// On SQLite writers take turns, so ids are committed in order and "after the last id read"
    /// misses nothing. On PostgreSQL an id is taken at insert and a transaction may commit after
    /// a later one: the position keeps the oldest transaction still running when the log was
    /// read (its horizon), and the next read looks again at every change written by that
    /// transaction or a later one, skipping those already applied.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn changes_after(&self, from: &FeedPosition, limit: usize) -> Result<Option<Feed>> {
        let fetch = limit as i64 + 1;
        match self.backend() {
            Backend::Sqlite => {
                let changes: Vec<Change> = sqlx::query_as(
                    "SELECT id, entity, entity_id, action, assignment_id FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(from.last)
                .bind(fetch)
                .fetch_all(self.pool())
                .await?;
                if changes.len() > limit {
                    return Ok(None);
                }
                let last = changes.last().map_or(from.last, |c| c.id);
                Ok(Some(Feed {
                    changes,
                    next: FeedPosition {
                        last,
                        ..FeedPosition::default()
                    },
                }))
            }
            Backend::Postgres => {
                let mut tx = self.pool().begin_with(READ_ONE_SNAPSHOT).await?;
                let horizon = running_horizon(&mut tx).await?;
                // Changes already applied are read again while their writer's horizon holds:
                // room for them beside the new ones.
                let rows: Vec<WrittenChange> = sqlx::query_as(
                    "SELECT id, entity, entity_id, action, assignment_id, writer FROM audit_log WHERE writer >= $1 ORDER BY id LIMIT $2",
                )
                .bind(from.horizon)
                .bind(fetch + from.seen.len() as i64)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                let mut next = FeedPosition {
                    last: from.last,
                    horizon,
                    seen: BTreeSet::new(),
                };
                let mut changes = Vec::new();
                for WrittenChange { change, writer } in rows {
                    if writer >= horizon {
                        next.seen.insert(change.id);
                    }
                    next.last = next.last.max(change.id);
                    if !from.seen.contains(&change.id) {
                        changes.push(change);
                    }
                }
                if changes.len() > limit {
                    return Ok(None);
                }
                Ok(Some(Feed { changes, next }))
            }
        }
    }
}

/// One snapshot for every statement of a read of the log.
const READ_ONE_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// PostgreSQL: the oldest transaction still running in this transaction's snapshot. Every
/// transaction before it has ended, so every change it wrote that will ever be seen is seen now.
async fn running_horizon(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Where a follower of the audit log stands: every change it has applied, told apart from
/// those that may still come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedPosition {
    /// The newest change applied (its audit id).
    pub last: i64,
    /// PostgreSQL: the oldest transaction that was running when the log was last read. A change
    /// written by it or a later transaction may still commit below `last`.
    horizon: i64,
    /// PostgreSQL: the changes written at or after the horizon that were already applied.
    seen: BTreeSet<i64>,
}

impl FeedPosition {
    /// As saved beside a status book: "last;horizon;seen,seen…".
    pub fn encode(&self) -> String {
        let seen: Vec<String> = self.seen.iter().map(i64::to_string).collect();
        format!("{};{};{}", self.last, self.horizon, seen.join(","))
    }

    /// [`FeedPosition::encode`] read back; None for anything else.
    pub fn decode(text: &str) -> Option<FeedPosition> {
        let mut parts = text.split(';');
        let last = parts.next()?.parse().ok()?;
        let horizon = parts.next()?.parse().ok()?;
        let seen = match parts.next()? {
            "" => BTreeSet::new(),
            list => list
                .split(',')
                .map(|n| n.parse().ok())
                .collect::<Option<BTreeSet<i64>>>()?,
        };
        parts.next().is_none().then_some(FeedPosition {
            last,
            horizon,
            seen,
        })
    }
}

/// The changes read from the log and the position after them.
#[derive(Debug)]
pub struct Feed {
    pub changes: Vec<Change>,
    pub next: FeedPosition,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_position_reads_back_as_saved() {
        let p = FeedPosition {
            last: 812,
            horizon: 7001,
            seen: [7001, 7003].into_iter().collect(),
        };
        assert_eq!(FeedPosition::decode(&p.encode()), Some(p));
        let plain = FeedPosition {
            last: 5,
            ..FeedPosition::default()
        };
        assert_eq!(FeedPosition::decode(&plain.encode()), Some(plain));
        for bad in ["", "1", "1;x;", "1;2;3;4", "1;2;a,b"] {
            assert_eq!(FeedPosition::decode(bad), None, "{bad}");
        }
    }
}
