//! Reminders as stored: accounts' addresses and preferences, the facts the digests are computed
//! from, the digests themselves (the application's notifications) and their e-mail delivery.
//!
//! Exactly once: a digest is queued by `INSERT … ON CONFLICT (user_id, day, digest) DO NOTHING`,
//! so of several processes computing the same day only one queues each digest. A queued e-mail
//! is claimed before it is sent by moving its `next_attempt_at` past the lease (a conditional
//! update only one process wins); a failure puts it back with the next attempt later.

use serde_json::json;
use tiendo_domain::access::UserRole;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::iso;
use tiendo_domain::reminders::{
    Channel, CompletionWaiting, DeadlineRequestFact, Digest, Frequency, OpenDifficulty, Recipient,
    ReturnedCompletion, valid_email,
};
use time::{Date, OffsetDateTime};

use crate::columns::{IsoDay, MaybeIsoDay};
use crate::{Db, Result, StoreError, now, rfc3339};

/// Notifications older than this many days are deleted (their e-mail, if still queued, is kept).
pub const KEEP_DAYS: i64 = 90;

#[derive(sqlx::FromRow)]
struct RecipientRow {
    id: i64,
    username: String,
    full_name: String,
    email: Option<String>,
    #[sqlx(try_from = "String")]
    role: UserRole,
    agency_id: Option<i64>,
    remind_channel: Option<String>,
    remind_frequency: Option<String>,
    heads_agency_id: Option<i64>,
    committee_id: i64,
}

#[derive(sqlx::FromRow)]
struct ReturnedRow {
    report_id: i64,
    task: i64,
    agency: i64,
    note: Option<String>,
    #[sqlx(try_from = "IsoDay")]
    returned_on: Date,
}

#[derive(sqlx::FromRow)]
struct DifficultyRow {
    id: i64,
    task: Option<i64>,
    raised_by: Option<i64>,
    raised_by_as_written: Option<String>,
    handler: Option<i64>,
    #[sqlx(try_from = "MaybeIsoDay")]
    answer_due: Option<Date>,
    text: String,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    change_id: i64,
    task: i64,
    agency: i64,
    deadline_raw: String,
    #[sqlx(try_from = "IsoDay")]
    requested_on: Date,
    state: String,
    #[sqlx(try_from = "IsoDay")]
    effective_on: Date,
    decision_note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CompletionRow {
    report_id: i64,
    task: i64,
    agency: i64,
    #[sqlx(try_from = "IsoDay")]
    reported_on: Date,
}

#[derive(sqlx::FromRow)]
/// An assignment's newest commitment whose date has come. Whose assignment it is, and whether
/// it is still open, the status book tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitmentCome {
    pub assignment: i64,
    pub committed_on: Date,
}

/// The follow-up facts of a day, as the store holds them.
#[derive(Debug, Default)]
pub struct FollowUpFacts {
    pub returned: Vec<ReturnedCompletion>,
    pub difficulties: Vec<OpenDifficulty>,
    pub requests: Vec<DeadlineRequestFact>,
    pub completions: Vec<CompletionWaiting>,
    pub commitments: Vec<CommitmentCome>,
    pub directions: Vec<tiendo_domain::reminders::OpenDirection>,
}

/// Whose follow-up facts are read: everyone's (the digests), a focal point's agency's, or the
/// standing agency's decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsOf {
    Everyone,
    /// Completions returned to the agency, difficulties it handles, its refused deadline
    /// requests, directions to it.
    Agency(i64),
    /// Difficulties nobody handles yet, deadline requests to decide, completions to confirm,
    /// commitments whose date has come.
    Standing,
}

/// A queued e-mail a process has claimed and must now send.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    #[sqlx(try_from = "IsoDay")]
    pub day: Date,
    pub digest: String,
    /// The digest's items (JSON, as queued).
    pub items: String,
    pub attempts: i64,
}

/// A reminder as its user sees it in the application.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    #[serde(with = "tiendo_domain::deadline::iso_day")]
    #[sqlx(try_from = "IsoDay")]
    pub day: Date,
    pub digest: String,
    pub channel: String,
    pub item_count: i64,
    /// The digest's items (JSON).
    #[serde(skip)]
    pub items: String,
    /// `none` (application only), `queued` or `sent`.
    pub mail_state: String,
    pub read_at: Option<String>,
}

/// An e-mail not yet accepted by the SMTP server, for the administrators.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct PendingMail {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    #[serde(with = "tiendo_domain::deadline::iso_day")]
    #[sqlx(try_from = "IsoDay")]
    pub day: Date,
    pub digest: String,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
}

/// An account's address and preferences as stored.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ReminderSettings {
    pub email: Option<String>,
    pub remind_channel: Option<String>,
    pub remind_frequency: Option<String>,
}

/// What queueing a day's digests did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Queued {
    /// Digests stored for the first time by this call.
    pub new: u64,
    /// Digests another run had already stored (not stored again, not sent again).
    pub already: u64,
}

/// The completions the standing agency returned by a day (`$1`) and not yet followed by a new
/// report, of one agency (`$2`) or of all (0): read for every agency's dashboard and inbox.
/// Public, like [`COMPLETIONS_TO_REVIEW`], so that a test can ask the database how it runs it:
/// through an index of the few reports concerned (SQLite: migration 25's, which it takes even
/// while its statistics know nothing of them; PostgreSQL: migration 8's), never a scan of every
/// report.
pub const RETURNED_COMPLETIONS: &str = "SELECT r.id AS report_id, a.task_id AS task, a.agency_id AS agency, r.review_note AS note, substr(r.reviewed_at, 1, 10) AS returned_on
     FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id
     WHERE r.review = 'returned' AND a.active = 1 AND substr(r.reviewed_at, 1, 10) <= $1 AND ($2 = 0 OR a.agency_id = $2)
       AND r.id = (SELECT MAX(r2.id) FROM progress_reports r2 WHERE r2.assignment_id = r.assignment_id)
     ORDER BY r.id";

/// The completions users reported that wait for the standing agency's review: read for the
/// standing agency's dashboard and inbox.
pub const COMPLETIONS_TO_REVIEW: &str = "SELECT r.id AS report_id, a.task_id AS task, a.agency_id AS agency, r.reported_on FROM progress_reports r JOIN assignments a ON a.id = r.assignment_id
     WHERE r.status IN ('done', 'done_late') AND r.review IS NULL AND r.source = 'user' AND a.active = 1 ORDER BY r.id";

impl Db {
    /// Sets (or with `None` removes) an account's e-mail address. An address that is not one is
    /// refused and nothing changes.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_user_email(
        &self,
        username: &str,
        email: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) if !valid_email(e) => {
                return Err(StoreError::Invalid(format!(
                    "địa chỉ thư điện tử không hợp lệ: \"{e}\""
                )));
            }
            other => other.map(str::to_lowercase),
        };
        let mut tx = self.begin_write().await?;
        let id = crate::users::account_id_with(&mut *tx, username).await?;
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(&email)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserEmail,
            "user",
            Some(id),
            None,
            Some(&json!({ "email": email })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks an account as held by the head of an agency (`None`: by nobody's head), who then
    /// hears of that agency's long-overdue assignments. Returns the agency's name.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_agency_head_account(
        &self,
        username: &str,
        agency_code: Option<&str>,
        actor: &str,
    ) -> Result<Option<String>> {
        let mut tx = self.begin_write().await?;
        let id = crate::users::account_id_with(&mut *tx, username).await?;
        let agency: Option<(i64, String)> = match agency_code {
            None => None,
            Some(code) => Some(
                sqlx::query_as("SELECT id, name FROM agencies WHERE code = $1")
                    .bind(code.trim())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::UnknownAgency(code.trim().to_string()))?,
            ),
        };
        sqlx::query("UPDATE users SET heads_agency_id = $1 WHERE id = $2")
            .bind(agency.as_ref().map(|a| a.0))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserHeadsAgency,
            "user",
            Some(id),
            None,
            Some(&json!({ "agency": agency_code })),
        )
        .await?;
        tx.commit().await?;
        Ok(agency.map(|a| a.1))
    }

    /// Sets how an account hears of reminders.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_reminder_preferences(
        &self,
        username: &str,
        channel: Option<Channel>,
        frequency: Option<Frequency>,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id = crate::users::account_id_with(&mut *tx, username).await?;
        if let Some(c) = channel {
            sqlx::query("UPDATE users SET remind_channel = $1 WHERE id = $2")
                .bind(c.code())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(f) = frequency {
            sqlx::query("UPDATE users SET remind_frequency = $1 WHERE id = $2")
                .bind(f.code())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserReminders,
            "user",
            Some(id),
            None,
            Some(&json!({ "channel": channel.map(Channel::code), "frequency": frequency.map(Frequency::code) })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every active account, with its address and preferences (defaults filled in).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reminder_recipients(&self) -> Result<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = sqlx::query_as(
            "SELECT id, username, full_name, email, role, agency_id, remind_channel, remind_frequency, heads_agency_id,
                    COALESCE(committee_id, (SELECT id FROM committees WHERE code = 'BCDCP'), -1) AS committee_id
             FROM users WHERE active = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Recipient {
                channel: r
                    .remind_channel
                    .as_deref()
                    .and_then(Channel::parse)
                    .unwrap_or(Channel::Email),
                frequency: r
                    .remind_frequency
                    .as_deref()
                    .and_then(Frequency::parse)
                    .unwrap_or_else(|| Frequency::default_for(r.role)),
                user_id: r.id,
                username: r.username,
                full_name: r.full_name,
                email: r.email,
                role: r.role,
                agency: r.agency_id,
                heads: r.heads_agency_id,
                committee: r.committee_id,
            })
            .collect())
    }

    /// Each assignment's newest commitment, when its date has come by `day`, in the order they
    /// were made. Read as one text ("assignment date,…"): thousands of commitments at national
    /// scale, and one row carries them out of the database many times faster than one each.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn commitments_come(&self, day: Date) -> Result<Vec<CommitmentCome>> {
        let agg = match self.backend() {
            crate::Backend::Sqlite => "group_concat",
            crate::Backend::Postgres => "string_agg",
        };
        let all: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {agg}(CAST(c.assignment_id AS TEXT) || ' ' || c.committed_on, ',' ORDER BY c.id) FROM commitments c
             WHERE c.committed_on <= $1 AND c.id = (SELECT MAX(c2.id) FROM commitments c2 WHERE c2.assignment_id = c.assignment_id)"
        )))
        .bind(iso(day))
        .fetch_one(self.pool())
        .await?;
        let Some(all) = all else {
            return Ok(Vec::new());
        };
        all.split(',')
            .map(|one| {
                one.split_once(' ')
                    .and_then(|(a, on)| {
                        Some(CommitmentCome {
                            assignment: a.parse().ok()?,
                            committed_on: tiendo_domain::deadline::iso_date(on)?,
                        })
                    })
                    .ok_or_else(|| StoreError::Invalid(format!("cam kết lưu sai dạng: {one:?}")))
            })
            .collect()
    }

    /// The decisions and answers waiting on `day`, and the returned completions not yet followed
    /// by a new report, as `of` reads them. Only what had happened by `day` counts.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn follow_up_facts(&self, day: Date, of: FactsOf) -> Result<FollowUpFacts> {
        let d = iso(day);
        // 0: every agency's.
        let agency = match of {
            FactsOf::Agency(a) => a,
            FactsOf::Everyone | FactsOf::Standing => 0,
        };
        let standing = of == FactsOf::Standing;
        let returned: Vec<ReturnedRow> = if standing {
            Vec::new()
        } else {
            sqlx::query_as(RETURNED_COMPLETIONS)
                .bind(&d)
                .bind(agency)
                .fetch_all(self.pool())
                .await?
        };
        // An agency's: those it handles; the standing agency's: those nobody handles yet.
        let difficulties: Vec<DifficultyRow> = sqlx::query_as(
            "SELECT df.id, df.task_id AS task, df.raising_agency_id AS raised_by, df.raising_agency_raw AS raised_by_as_written, h.agency_id AS handler, COALESCE(h.answer_due, df.answer_due) AS answer_due, df.text
             FROM difficulties df LEFT JOIN difficulty_handlers h ON h.difficulty_id = df.id AND h.state = 'open'
             WHERE df.state = 'open' AND substr(COALESCE(df.raised_on, df.created_at), 1, 10) <= $1
               AND ($2 = 0 OR h.agency_id = $2) AND ($3 = 0 OR h.agency_id IS NULL)
             ORDER BY df.id, h.agency_id",
        )
        .bind(&d)
        .bind(agency)
        .bind(i64::from(standing))
        .fetch_all(self.pool())
        .await?;
        // An agency hears of its refused requests; the standing agency decides those requested.
        let request_state = match of {
            FactsOf::Everyone => "",
            FactsOf::Agency(_) => "refused",
            FactsOf::Standing => "requested",
        };
        let requests: Vec<RequestRow> = sqlx::query_as(
            "SELECT dc.id AS change_id, dc.task_id AS task, a.agency_id AS agency, dc.raw AS deadline_raw, substr(dc.created_at, 1, 10) AS requested_on, dc.state, dc.effective_on, dc.decision_note
             FROM deadline_changes dc JOIN assignments a ON a.id = dc.assignment_id
             WHERE dc.state IN ('requested', 'refused') AND substr(dc.created_at, 1, 10) <= $1
               AND ($2 = 0 OR a.agency_id = $2) AND ($3 = '' OR dc.state = $3) ORDER BY dc.id",
        )
        .bind(&d)
        .bind(agency)
        .bind(request_state)
        .fetch_all(self.pool())
        .await?;
        // Completions to confirm and commitments due are the standing agency's.
        let (completions, commitments) = if matches!(of, FactsOf::Agency(_)) {
            (Vec::new(), Vec::new())
        } else {
            let completions: Vec<CompletionRow> = sqlx::query_as(COMPLETIONS_TO_REVIEW)
                .fetch_all(self.pool())
                .await?;
            // The day is compared here: in the SQL it would lead SQLite to the index on the
            // report date (every report) instead of the partial index of users' reports (a few).
            let completions: Vec<CompletionRow> = completions
                .into_iter()
                .filter(|c| c.reported_on <= day)
                .collect();
            (completions, self.commitments_come(day).await?)
        };
        let directions = match of {
            FactsOf::Everyone => self.open_directions(day, None).await?,
            FactsOf::Agency(a) => self.open_directions(day, Some(a)).await?,
            FactsOf::Standing => Vec::new(),
        };
        Ok(FollowUpFacts {
            returned: returned
                .into_iter()
                .map(|r| ReturnedCompletion {
                    report_id: r.report_id,
                    task: r.task,
                    agency: r.agency,
                    note: r.note.unwrap_or_default(),
                    returned_on: r.returned_on,
                })
                .collect(),
            difficulties: difficulties
                .into_iter()
                .map(|r| OpenDifficulty {
                    id: r.id,
                    task: r.task,
                    raised_by: r.raised_by,
                    raised_by_as_written: r.raised_by_as_written,
                    handler: r.handler,
                    answer_due: r.answer_due,
                    text: r.text,
                })
                .collect(),
            requests: requests
                .into_iter()
                .filter(|r| r.state == "requested" || r.effective_on <= day)
                .map(|r| DeadlineRequestFact {
                    change_id: r.change_id,
                    task: r.task,
                    agency: r.agency,
                    deadline_raw: r.deadline_raw,
                    requested_on: r.requested_on,
                    refused_on: (r.state == "refused").then_some(r.effective_on),
                    refusal_note: r.decision_note,
                })
                .collect(),
            completions: completions
                .into_iter()
                .map(|r| CompletionWaiting {
                    report_id: r.report_id,
                    task: r.task,
                    agency: r.agency,
                    reported_on: r.reported_on,
                })
                .collect(),
            commitments,
            directions,
        })
    }

    /// Stores the day's digests that are not stored yet, each once whatever the number of
    /// processes doing the same: the e-mail ones queued for delivery, all of them shown in the
    /// application. Old notifications are deleted.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn queue_digests(&self, digests: &[Digest]) -> Result<Queued> {
        let mut q = Queued::default();
        let created = now();
        // In batches of 100, each its own transaction: the writers never wait long behind it.
        for chunk in digests.chunks(100) {
            let mut tx = self.begin_write().await?;
            for d in chunk {
                let items = serde_json::to_string(&d.items)
                    .map_err(|e| StoreError::Invalid(format!("nhắc việc không ghi được: {e}")))?;
                let by_mail = d.channel == Channel::Email && d.email.is_some();
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO reminders (user_id, day, digest, channel, email, items, item_count, mail_state, attempts, next_attempt_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)
                     ON CONFLICT (user_id, day, digest) DO NOTHING RETURNING id",
                )
                .bind(d.user_id)
                .bind(iso(d.day))
                .bind(d.digest.code())
                .bind(d.channel.code())
                .bind(by_mail.then_some(d.email.as_deref()).flatten())
                .bind(items)
                .bind(d.items.len() as i64)
                .bind(if by_mail { "queued" } else { "none" })
                .bind(&created)
                .fetch_optional(&mut *tx)
                .await?;
                match id {
                    Some(_) => q.new += 1,
                    None => q.already += 1,
                }
            }
            tx.commit().await?;
        }
        let oldest = iso(OffsetDateTime::now_utc().date() - time::Duration::days(KEEP_DAYS));
        sqlx::query("DELETE FROM reminders WHERE day < $1 AND mail_state <> 'queued'")
            .bind(oldest)
            .execute(self.pool())
            .await?;
        Ok(q)
    }

    /// Claims up to `limit` queued e-mails whose attempt is due, for `lease` seconds: another
    /// process will not send them meanwhile. Oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_mail(&self, limit: i64, lease_seconds: i64) -> Result<Vec<ClaimedMail>> {
        let t = OffsetDateTime::now_utc();
        let (at, until) = (
            rfc3339(t),
            rfc3339(t + time::Duration::seconds(lease_seconds)),
        );
        let due: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, next_attempt_at FROM reminders WHERE mail_state = 'queued' AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
        )
        .bind(&at)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let claimed = self
            .lease("reminders", "mail_state = 'queued'", due, &until)
            .await?;
        let mut out = Vec::new();
        for id in claimed {
            let m: Option<ClaimedMail> = sqlx::query_as(
                "SELECT r.id, r.user_id, u.username, u.full_name, r.email, r.day, r.digest, r.items, r.attempts FROM reminders r JOIN users u ON u.id = r.user_id WHERE r.id = $1 AND r.email IS NOT NULL",
            )
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            out.extend(m);
        }
        Ok(out)
    }

    /// The SMTP server accepted the e-mail.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn mail_sent(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE reminders SET mail_state = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The delivery failed: the e-mail stays queued, tried again after `retry_in_seconds`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn mail_failed(&self, id: i64, error: &str, retry_in_seconds: i64) -> Result<()> {
        let next = rfc3339(OffsetDateTime::now_utc() + time::Duration::seconds(retry_in_seconds));
        let error: String = error.chars().take(1000).collect();
        sqlx::query("UPDATE reminders SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND mail_state = 'queued'")
            .bind(error)
            .bind(next)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// E-mails the SMTP server has not accepted yet, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn pending_mail(&self) -> Result<Vec<PendingMail>> {
        Ok(sqlx::query_as(
            "SELECT r.id, u.username, r.email, r.day, r.digest, r.attempts, r.next_attempt_at, r.last_error FROM reminders r JOIN users u ON u.id = r.user_id
             WHERE r.mail_state = 'queued' ORDER BY r.id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// A setting shared by every server of the installation; the first to ask creates it with
    /// `make()`, every other gets that same value.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn shared_setting(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String> {
        sqlx::query("INSERT INTO settings (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(make())
            .bind(now())
            .execute(self.pool())
            .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// An account's address and reminder preferences as stored (`None` when not chosen).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reminder_settings(&self, user_id: i64) -> Result<ReminderSettings> {
        sqlx::query_as("SELECT email, remind_channel, remind_frequency FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tài khoản {user_id}")))
    }

    /// Stops the e-mails of an account (the unsubscribe link): reminders stay in the application.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn stop_reminder_mail(&self, user_id: i64) -> Result<Option<String>> {
        let mut tx = self.begin_write().await?;
        let email: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(email) = email else {
            return Err(StoreError::NotFound(format!("tài khoản {user_id}")));
        };
        sqlx::query("UPDATE users SET remind_channel = 'app' WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            "huy-nhan-thu",
            AuditAction::UserReminders,
            "user",
            Some(user_id),
            None,
            Some(&json!({ "channel": "app", "via": "unsubscribe link" })),
        )
        .await?;
        tx.commit().await?;
        Ok(email)
    }

    /// A user's reminders, newest first (at most `limit`).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(
            "SELECT id, day, digest, channel, item_count, items, mail_state, read_at FROM reminders WHERE user_id = $1 ORDER BY day DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// How many of a user's reminders are unread.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unread_count(&self, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM reminders WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// Marks one of the user's reminders read (or unread again). Another user's is not found.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn mark_read(&self, user_id: i64, id: i64, read: bool) -> Result<()> {
        let n = sqlx::query("UPDATE reminders SET read_at = $1 WHERE id = $2 AND user_id = $3")
            .bind(read.then(now))
            .bind(id)
            .bind(user_id)
            .execute(self.pool())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("thông báo {id}")));
        }
        Ok(())
    }
}

/// What is waiting to be done, for an operator's metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueSizes {
    /// Reminder e-mails the SMTP server has not accepted yet.
    pub mail_waiting: i64,
    /// Imports being read or stored.
    pub imports_running: i64,
}

impl Db {
    /// How much waits in the reminder mail queue and the import jobs.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn queue_sizes(&self) -> Result<QueueSizes> {
        let (mail_waiting, imports_running): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM reminders WHERE mail_state = 'queued'),
                    (SELECT COUNT(*) FROM import_jobs WHERE state IN ('reading', 'storing'))",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(QueueSizes {
            mail_waiting,
            imports_running,
        })
    }
}
