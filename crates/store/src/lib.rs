//! Storage for Tiến Độ. One implementation over sqlx's `Any` driver serves SQLite (the embedded
//! default) and PostgreSQL; the SQL keeps to types both read the same way (BIGINT, TEXT).

pub mod audit;
pub mod backup;
pub mod baseline;
pub mod bulk;
pub mod columns;
pub mod difficulties;
pub mod difficulty_import;
pub mod directions;
pub mod edit;
pub mod external_ids;
pub mod facts;
pub mod figure_reminders;
pub mod import;
pub mod import_jobs;
pub mod indicators;
pub mod meetings;
pub mod registry;
pub mod reminders;
pub mod schema;
pub mod scoring;
pub mod seed;
pub mod signing;
pub mod snapshot;
pub mod tasks;
pub mod users;
pub mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use time::OffsetDateTime;

pub use sqlx;

/// Why the store refused or failed. Each refusal carries its message for people; callers tell
/// refusals apart by variant, never by their words.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    /// A value that makes no sense, or a change the record's state no longer allows.
    #[error("{0}")]
    Invalid(String),
    #[error("không tìm thấy {0}")]
    NotFound(String),
    /// An agency the registry does not hold, or no longer holds on the date.
    #[error("{0}")]
    UnknownAgency(String),
    /// The agency already has an assignment on this task.
    #[error("{0}")]
    AlreadyAssigned(String),
    /// The user's agency is not the one this record waits for.
    #[error("{0}")]
    NotYours(String),
    /// A document the committee has not issued or imported.
    #[error("{0}")]
    UnknownDocument(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    /// A failure that passes: no connection freed in time, the database down or restarting,
    /// another writer's lock held past the busy timeout (SQLite), a deadlock or a serialization
    /// failure (PostgreSQL). Nothing was stored; the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        let StoreError::Database(e) = self else {
            return false;
        };
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(d) => d.code().is_some_and(|code| {
                match code.parse::<i32>() {
                    // SQLite's extended result codes: SQLITE_BUSY (5) and SQLITE_LOCKED (6)
                    // with their variants in the high bits.
                    Ok(n) => matches!(n & 0xff, 5 | 6),
                    // PostgreSQL's SQLSTATE: lock not available, serialization failure,
                    // deadlock, shutting down, cannot connect now, too many connections.
                    Err(_) => matches!(
                        code.as_ref(),
                        "55P03" | "40001" | "40P01" | "57P01" | "57P03" | "53300"
                    ),
                }
            }),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names (`sqlite:` or `postgres://`); refused otherwise.
    pub fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Invalid(format!(
                "địa chỉ cơ sở dữ liệu không hợp lệ \"{}\": phải bắt đầu bằng sqlite:// hoặc postgres://",
                redact_url(url)
            )))
        }
    }
}

/// The PostgreSQL advisory lock that lets one process at a time apply migrations.
const MIGRATION_LOCK: i64 = 0x7469_656e_646f; // "tiendo"

/// A database the earlier hand-written runner migrated records its steps in
/// `schema_migrations`: the same steps, numbered alike. They are recorded as applied in sqlx's
/// table without running them again (the migrator's own "skip"), and the old table goes, in the
/// caller's transaction.
async fn take_over_earlier_runner(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    migrator: &sqlx::migrate::Migrator,
) -> Result<()> {
    // Asked of the catalogue: a failed statement would abort a PostgreSQL transaction.
    let present = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        }
        Backend::Postgres => {
            "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
        }
    };
    let present: i64 = sqlx::query_scalar(present).fetch_one(&mut *conn).await?;
    if present == 0 {
        return Ok(());
    }
    let earlier: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
    )
    .fetch_one(&mut *conn)
    .await?;
    if earlier > 0 {
        migrator
            .run_direct(Some(earlier), conn, true)
            .await
            .map_err(migration_error)?;
    }
    sqlx::query("DROP TABLE schema_migrations")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A failed step is a database error; a database whose recorded steps differ from this build's
/// (changed, or newer than it knows) is refused with the migrator's reason.
fn migration_error(e: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::Execute(e) | M::ExecuteMigration(e, _) => StoreError::Database(e),
        other => StoreError::Invalid(format!(
            "cơ sở dữ liệu không khớp các bước nâng cấp của phiên bản này: {other}"
        )),
    }
}

/// The database: a pool and which backend it is.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// A database URL with its password hidden, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Now, UTC, RFC 3339, as every timestamp in the database is written.
pub fn now_rfc3339() -> String {
    now()
}

pub(crate) fn now() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// A moment as every timestamp in the database is written: RFC 3339, UTC.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

impl Db {
    /// Leases the rows of `table` found due (`due`: id and the `next_attempt_at` read) until
    /// `until`, each only if no other process took it meanwhile (its `next_attempt_at` unchanged
    /// and `still_queued` holding); returns the ids won. The reminder mail and the webhook
    /// outbox are claimed this way, so two servers never send one item at once.
    pub(crate) async fn lease(
        &self,
        table: &str,
        still_queued: &str,
        due: Vec<(i64, String)>,
        until: &str,
    ) -> Result<Vec<i64>> {
        let sql = format!(
            "UPDATE {table} SET next_attempt_at = $1 WHERE id = $2 AND {still_queued} AND next_attempt_at = $3"
        );
        let mut won = Vec::new();
        for (id, was) in due {
            let taken = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(until)
                .bind(id)
                .bind(&was)
                .execute(&self.pool)
                .await?
                .rows_affected()
                == 1;
            if taken {
                won.push(id);
            }
        }
        Ok(won)
    }
}

impl Db {
    /// Connects and migrates. `sqlite://PATH` creates the file if needed; `postgres://…` needs the
    /// database to exist.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        let url = match backend {
            Backend::Sqlite => {
                let mut u = url.to_string();
                if !u.contains("memory") && !u.contains("mode=") {
                    u.push_str(if u.contains('?') {
                        "&mode=rwc"
                    } else {
                        "?mode=rwc"
                    });
                }
                u
            }
            Backend::Postgres => url.to_string(),
        };
        let opts = AnyConnectOptions::from_str(&url).map_err(|e| {
            StoreError::Invalid(format!(
                "địa chỉ cơ sở dữ liệu không hợp lệ \"{}\": {e}",
                redact_url(&url)
            ))
        })?;
        // One direct connection first: a wrong host, user or database is reported at once with
        // the server's own reason, rather than as a pool time-out.
        {
            use sqlx::Connection;
            let conn = sqlx::AnyConnection::connect_with(&opts)
                .await
                .map_err(|e| {
                    StoreError::Invalid(format!(
                        "không kết nối được cơ sở dữ liệu \"{}\": {e}",
                        redact_url(&url)
                    ))
                })?;
            conn.close().await.ok();
        }
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = AnyPoolOptions::new()
            .max_connections(if memory { 1 } else if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Invalid(format!("không kết nối được cơ sở dữ liệu \"{}\": {e}", redact_url(&url))))?;
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Refreshes the query planner's statistics, after many rows arrived at once (`generate`, a
    /// big import): without them a PostgreSQL whose autovacuum has not yet run plans the next
    /// burst of reports as if the tables were empty.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn analyze(&self) -> Result<()> {
        let sql = match self.backend {
            // A bounded sample per index, as SQLite advises for large tables. A table then
            // nearly empty (the audit log right after `generate`) keeps no statistics: with
            // "1 row" recorded the planner scanned the whole log at each refresh of the book once
            // it had grown (2.5 ms at 41,000 rows, growing with it); without statistics it
            // assumes a large table and searches by key and index, right for a table that grows.
            Backend::Sqlite => {
                "PRAGMA analysis_limit = 1000; ANALYZE;
                 DELETE FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) < 1000;
                 ANALYZE sqlite_schema;"
            }
            Backend::Postgres => "ANALYZE",
        };
        self.pool.execute(sql).await?;
        Ok(())
    }

    /// Keeps the planner's statistics of the audit log (which the status book follows after
    /// every write) as fresh as autovacuum would: on PostgreSQL, once more than a tenth of it
    /// (and 1,000 rows) changed since its last analysis, it is analysed again. Where autovacuum
    /// is off, statistics taken while the log was nearly empty made each read of the feed scan
    /// the whole log (6.5 ms at 32,000 rows, growing). Returns whether it analysed. SQLite needs
    /// nothing: it keeps no statistics for a table nearly empty at analysis ([`Db::analyze`]).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn keep_log_statistics(&self) -> Result<bool> {
        if self.backend == Backend::Sqlite {
            return Ok(false);
        }
        let stale: Option<bool> = sqlx::query_scalar(
            "SELECT n_mod_since_analyze > 1000 + n_live_tup / 10 FROM pg_stat_user_tables
             WHERE schemaname = current_schema() AND relname = 'audit_log'",
        )
        .fetch_optional(&self.pool)
        .await?;
        if stale != Some(true) {
            return Ok(false);
        }
        self.pool.execute("ANALYZE audit_log").await?;
        Ok(true)
    }

    /// A transaction that will write. On SQLite it takes the write lock at its start (`BEGIN
    /// IMMEDIATE`, waiting up to the busy timeout for it): a deferred transaction that reads
    /// first and then writes cannot wait for another writer and fails at once with "database is
    /// locked". PostgreSQL's row locks need no such thing.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations not yet applied ([`schema`], by sqlx's migrator), then seeds the
    /// default committee and the shipped agency registry into an empty database. Several
    /// processes starting at once on one database take turns: on PostgreSQL the first holds an
    /// advisory lock until it is done (each step in its own transaction); on SQLite every step
    /// runs inside one write transaction (`BEGIN IMMEDIATE`), so the next process waits for it
    /// and then finds them applied.
    ///
    /// A database migrated by the earlier hand-written runner (a `schema_migrations` table) is
    /// taken over first: its steps are recorded as applied, unchanged, and that table dropped.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn migrate(&self) -> Result<()> {
        let migrator = schema::migrator(self.backend);
        // `run_direct` is what the migrator's `run` and `skip` call; taking the connection
        // directly keeps this future `Send` in a spawned task, where going through `Acquire`
        // does not compile ("not general enough", as sqlx's own note says).
        match self.backend {
            Backend::Sqlite => {
                let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                take_over_earlier_runner(&mut tx, self.backend, &migrator).await?;
                migrator
                    .run_direct(None, &mut *tx, false)
                    .await
                    .map_err(migration_error)?;
                tx.commit().await?;
                // Its own write transaction, which checks again what another process seeded.
                seed::seed_defaults(self).await
            }
            Backend::Postgres => {
                let mut lock = self.pool.acquire().await?;
                sqlx::query("SELECT 1 FROM (SELECT pg_advisory_lock($1)) AS l")
                    .bind(MIGRATION_LOCK)
                    .execute(&mut *lock)
                    .await?;
                let applied = async {
                    let mut tx = sqlx::Connection::begin(&mut *lock).await?;
                    take_over_earlier_runner(&mut tx, self.backend, &migrator).await?;
                    tx.commit().await?;
                    migrator
                        .run_direct(None, &mut *lock, false)
                        .await
                        .map_err(migration_error)?;
                    // Under the lock too: the next process finds the registry seeded.
                    seed::seed_defaults(self).await
                }
                .await;
                let released = sqlx::query("SELECT 1 FROM (SELECT pg_advisory_unlock($1)) AS l")
                    .bind(MIGRATION_LOCK)
                    .execute(&mut *lock)
                    .await;
                if applied.is_err() || released.is_err() {
                    // A session-level lock lives as long as its connection, and a failed step
                    // may leave it mid-transaction: never hand this one back.
                    lock.close_on_drop();
                }
                applied
            }
        }
    }

    /// The id of an agency by registry code.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_id(&self, code: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM agencies WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The id and name of an agency that may be given new work on `on`: one of the registry,
    /// still in force that day (a ministry merged away, a province before 1 July 2025, is not).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_in_force(&self, code: &str, on: time::Date) -> Result<(i64, String)> {
        let agency: Option<AgencyInForce> =
            sqlx::query_as("SELECT id, name, valid_to FROM agencies WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?;
        let Some(a) = agency else {
            return Err(StoreError::UnknownAgency(format!(
                "không có cơ quan mã {code} trong danh mục"
            )));
        };
        if a.valid_to.is_some_and(|v| v < on) {
            return Err(StoreError::UnknownAgency(format!(
                "{} đã hết hiệu lực trong danh mục",
                a.name
            )));
        }
        Ok((a.id, a.name))
    }

    /// The id of a committee by code.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn committee_id(&self, code: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM committees WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// An agency and the day it stops being in force, if any.
#[derive(sqlx::FromRow)]
struct AgencyInForce {
    id: i64,
    name: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    valid_to: Option<time::Date>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
