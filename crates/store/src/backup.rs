//! What `tiendo backup` and `tiendo restore` ask of the database itself: SQLite's online copy,
//! and whether a file or a PostgreSQL database holds Tiến Độ's data. The PostgreSQL copy itself
//! is pg_dump's and pg_restore's (run by the command line).

use sqlx::Connection;

use crate::{Backend, Db, Result, StoreError, redact_url};

impl Db {
    /// Writes a consistent copy of the whole SQLite database to a new file at `path` while other
    /// processes keep reading and writing (`VACUUM INTO`: one read transaction, so the copy holds
    /// every change committed before it began and nothing half-written).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn backup_sqlite_into(&self, path: &str) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Invalid(
                "sao lưu bằng VACUUM INTO chỉ dành cho SQLite".into(),
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Checks, without changing it, that a SQLite file is a Tiến Độ database (it records at least
/// one migration); refused otherwise.
pub async fn check_sqlite_file(path: &str) -> Result<()> {
    sqlx::any::install_default_drivers();
    let not_ours = |e: &dyn std::fmt::Display| {
        StoreError::Invalid(format!("{path} không phải cơ sở dữ liệu của Tiến Độ ({e})"))
    };
    let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{path}?mode=ro"))
        .await
        .map_err(|e| not_ours(&e))?;
    // sqlx's table of applied steps, or the earlier runner's in a file older than it.
    let table: std::result::Result<Option<String>, _> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'schema_migrations') ORDER BY name LIMIT 1",
    )
    .fetch_optional(&mut conn)
    .await;
    let version: std::result::Result<i64, _> = match table {
        Ok(Some(t)) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM {t}"
            )))
            .fetch_one(&mut conn)
            .await
        }
        Ok(None) => Ok(0),
        Err(e) => Err(e),
    };
    conn.close().await.ok();
    match version {
        Ok(v) if v > 0 => Ok(()),
        Ok(_) => Err(not_ours(&"chưa có bảng nào")),
        Err(e) => Err(not_ours(&e)),
    }
}

/// How many tables a PostgreSQL database's public schema holds (0: empty, ready for a restore).
pub async fn postgres_table_count(url: &str) -> Result<i64> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.map_err(|e| {
        StoreError::Invalid(format!(
            "không kết nối được cơ sở dữ liệu \"{}\": {e}",
            redact_url(url)
        ))
    })?;
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await.ok();
    Ok(n)
}
