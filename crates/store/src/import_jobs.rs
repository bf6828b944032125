//! Imports waiting in the database between the upload and the confirmation: what was read (as
//! JSON), the items the person dropped, the state, and the outcome. Any server of the
//! installation shows and confirms them; only the person who uploaded a file sees its job.

use time::Date;

use crate::{Db, Result, StoreError, now};

/// How long a job is kept after it was last touched.
pub const KEEP_DAYS: i64 = 7;

/// A job in reading or storing whose process has not finished it in this time has died with its
/// process (a storing transaction then rolled back: nothing was stored).
pub const STALE_MINUTES: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Reading,
    Ready,
    Storing,
    Stored,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reading => "reading",
            Self::Ready => "ready",
            Self::Storing => "storing",
            Self::Stored => "stored",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "reading" => Self::Reading,
            "ready" => Self::Ready,
            "storing" => Self::Storing,
            "stored" => Self::Stored,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// A job as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportJobRow {
    pub token: String,
    pub user_id: i64,
    pub file_name: String,
    pub doc_key: String,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    pub reported_on: Date,
    pub state: String,
    /// What was read, as JSON (the office crate's preview, with the person's corrections).
    pub preview: Option<String>,
    /// The items dropped, as JSON.
    pub dropped: String,
    pub error: Option<String>,
    /// What storing did, as JSON.
    pub summary: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The other system the file was exported from: its tasks are matched by that system's
    /// ids.
    pub external_system: Option<String>,
}

impl ImportJobRow {
    pub fn state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }

    /// Reading or storing, but left so long that its process must have died.
    pub fn stale(&self, now: time::OffsetDateTime) -> bool {
        matches!(self.state(), Some(JobState::Reading | JobState::Storing))
            && time::OffsetDateTime::parse(
                &self.updated_at,
                &time::format_description::well_known::Rfc3339,
            )
            .is_ok_and(|t| now - t > time::Duration::minutes(STALE_MINUTES))
    }
}

const COLUMNS: &str = "token, user_id, file_name, doc_key, reported_on, state, preview, dropped, error, summary, created_at, updated_at, external_system";

impl Db {
    /// A new job, reading. Jobs untouched for [`KEEP_DAYS`] are deleted on the way.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_import_job(
        &self,
        token: &str,
        user_id: i64,
        file_name: &str,
        doc_key: &str,
        reported_on: Date,
        external_system: Option<&str>,
    ) -> Result<()> {
        let ts = now();
        let old = (time::OffsetDateTime::now_utc() - time::Duration::days(KEEP_DAYS))
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM import_jobs WHERE updated_at < $1")
            .bind(old)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO import_jobs (token, user_id, file_name, doc_key, reported_on, state, preview, dropped, error, summary, created_at, updated_at, external_system)
             VALUES ($1, $2, $3, $4, $5, 'reading', NULL, '{}', NULL, NULL, $6, $6, $7)",
        )
        .bind(token)
        .bind(user_id)
        .bind(file_name)
        .bind(doc_key)
        .bind(tiendo_domain::deadline::iso(reported_on))
        .bind(&ts)
        .bind(external_system)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's job by its token (another user's is not found).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job(&self, token: &str, user_id: i64) -> Result<Option<ImportJobRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM import_jobs WHERE token = $1 AND user_id = $2"
        )))
        .bind(token)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A user's jobs, newest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_jobs_of(&self, user_id: i64, limit: i64) -> Result<Vec<ImportJobRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM import_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
        )))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Moves a job from one state to another, setting the given columns; says whether it was in
    /// the state expected (a second confirmation finds it storing already).
    async fn move_job(
        &self,
        token: &str,
        from: JobState,
        to: JobState,
        set: JobUpdate<'_>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE import_jobs SET state = $1,
                    preview = COALESCE($2, preview), dropped = COALESCE($3, dropped),
                    error = $4, summary = COALESCE($5, summary), updated_at = $6
             WHERE token = $7 AND state = $8",
        )
        .bind(to.as_str())
        .bind(set.preview)
        .bind(set.dropped)
        .bind(set.error)
        .bind(set.summary)
        .bind(now())
        .bind(token)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        tx.commit().await?;
        Ok(done)
    }

    /// The file was read: the job waits for the person's corrections and confirmation.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_read(&self, token: &str, preview: &str) -> Result<bool> {
        let set = JobUpdate {
            preview: Some(preview),
            ..Default::default()
        };
        self.move_job(token, JobState::Reading, JobState::Ready, set)
            .await
    }

    /// The file could not be read (or its process died): the reason is kept.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_failed(
        &self,
        token: &str,
        from: JobState,
        error: &str,
    ) -> Result<bool> {
        let set = JobUpdate {
            error: Some(error),
            ..Default::default()
        };
        self.move_job(token, from, JobState::Failed, set).await
    }

    /// The person's corrections: what is read now, and the items dropped. Only while ready.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_corrected(
        &self,
        token: &str,
        preview: &str,
        dropped: &str,
    ) -> Result<bool> {
        let set = JobUpdate {
            preview: Some(preview),
            dropped: Some(dropped),
            ..Default::default()
        };
        self.move_job(token, JobState::Ready, JobState::Ready, set)
            .await
    }

    /// Claims a ready job for storing; false when it is not ready (stored, storing already).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_claimed(&self, token: &str) -> Result<bool> {
        self.move_job(
            token,
            JobState::Ready,
            JobState::Storing,
            JobUpdate::default(),
        )
        .await
    }

    /// Stored: what storing did.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_stored(&self, token: &str, summary: &str) -> Result<bool> {
        let set = JobUpdate {
            summary: Some(summary),
            ..Default::default()
        };
        self.move_job(token, JobState::Storing, JobState::Stored, set)
            .await
    }

    /// Storing was refused (nothing was stored): ready again, with the reason, to correct.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn import_job_refused(&self, token: &str, error: &str) -> Result<bool> {
        let set = JobUpdate {
            error: Some(error),
            ..Default::default()
        };
        self.move_job(token, JobState::Storing, JobState::Ready, set)
            .await
    }
}

/// Columns a move sets (none: kept as they are; the error is always replaced).
#[derive(Default)]
struct JobUpdate<'a> {
    preview: Option<&'a str>,
    dropped: Option<&'a str>,
    error: Option<&'a str>,
    summary: Option<&'a str>,
}
