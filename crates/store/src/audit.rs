//! The audit log: one row for every change, written in the change's own transaction. It is
//! the history users read and the feed the status book in memory follows.

use sqlx::FromRow;

use crate::{Db, Result, now};

/// One audited change, as the audit page and a task's history show it.
#[derive(Debug, Clone, FromRow)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    /// What was done, by code (`report.added`, `task.updated` …).
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
}

const ENTRY_COLUMNS: &str = "at, actor, action, entity, entity_id, before_value, after_value";

impl Db {
    /// Writes one audit row in the given transaction.
    pub(crate) async fn audit(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: Option<i64>,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_id, before_value, after_value) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(now())
            .bind(actor)
            .bind(action)
            .bind(entity)
            .bind(entity_id)
            .bind(before.map(|v| v.to_string()))
            .bind(after.map(|v| v.to_string()))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_page(&self, limit: i64, offset: usize) -> Result<Vec<AuditEntry>> {
        let sql =
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset as i64)
            .fetch_all(self.pool())
            .await?)
    }

    /// Audit rows for one entity, oldest first.
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
    pub async fn data_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Up to `limit` changes after position `after`, oldest first.
    pub async fn changes_since(&self, after: i64, limit: i64) -> Result<Vec<Change>> {
        Ok(sqlx::query_as(
            "SELECT id, entity, entity_id, action FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
