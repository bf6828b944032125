//! Webhooks: other systems (nq57, VPCP's follow-up system) told of each change they subscribed
//! to. A delivery is queued in the outbox by the change's own transaction ([`queue`], called by
//! every audited change), so it is never lost across a restart; servers claim due deliveries
//! with a lease (two servers never send one at once), and a refused or failed delivery waits
//! twice as long each time (1 minute to 6 hours) until the system accepts it.

use serde_json::json;
use sqlx::FromRow;
use tiendo_domain::audit::{AuditAction, ChangeKind};

use crate::audit::AuditEntry;
use crate::{Db, Result, StoreError, now, rfc3339};

/// Queues the audited change `audit_id` for each active subscription to its kind.
pub(crate) async fn queue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    audit_id: i64,
    action: AuditAction,
    at: &str,
) -> Result<()> {
    let Some(kind) = action.change_kind() else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO webhook_outbox (subscription_id, audit_id, state, attempts, next_attempt_at, created_at)
         SELECT id, $1, 'queued', 0, $2, $2 FROM webhook_subscriptions
         WHERE active = 1 AND (events = '*' OR (',' || events || ',') LIKE $3)
           AND (committee_id IS NULL OR committee_id = (
                SELECT CASE a.entity
                    WHEN 'task' THEN (SELECT t.committee_id FROM tasks t WHERE t.id = a.entity_id)
                    WHEN 'indicator' THEN (SELECT i.committee_id FROM indicators i WHERE i.id = a.entity_id)
                    WHEN 'document' THEN (SELECT d.committee_id FROM documents d WHERE d.id = a.entity_id)
                END
                FROM audit_log a WHERE a.id = $1))",
    )
    .bind(audit_id)
    .bind(at)
    .bind(format!("%,{},%", kind.code()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A subscribed system.
#[derive(Debug, Clone, FromRow)]
pub struct Subscription {
    pub id: i64,
    pub system: String,
    pub url: String,
    pub events: String,
    pub active: i64,
    pub created_at: String,
}

/// A delivery claimed for sending: what to post, where, signed with what.
#[derive(Debug, Clone, FromRow)]
pub struct Delivery {
    pub id: i64,
    pub system: String,
    pub url: String,
    pub secret: String,
    pub attempts: i64,
    pub audit_id: i64,
    /// The change to tell.
    #[sqlx(flatten)]
    pub change: AuditEntry,
    /// The task is secret: its values are not sent, only that it changed.
    pub secret_task: i64,
    /// The receiving system's own id for the task or agency changed, when it gave one.
    pub external_id: Option<String>,
    /// The assignment the change touched (a report added, confirmed or returned).
    pub assignment_id: Option<i64>,
    /// The receiving system's own id for that assignment, when it gave one.
    pub assignment_external_id: Option<String>,
}

/// Deliveries waiting, per system, for an operator.
#[derive(Debug, Clone, FromRow)]
pub struct Waiting {
    pub system: String,
    pub queued: i64,
    pub oldest: Option<String>,
    pub last_error: Option<String>,
}

impl Db {
    /// Subscribes a system to kinds of change (a comma list of [`ChangeKind`] codes, or `*` for all) at
    /// `url` with the shared `secret` that signs each delivery.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_subscription(
        &self,
        system: &str,
        url: &str,
        secret: &str,
        events: &str,
        committee: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        let committee_id = match committee.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(self.committee_id(c).await?.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "không có ban chỉ đạo mã {c} (xem: tiendo committees list)"
                ))
            })?),
        };
        let events = events
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect::<Vec<_>>();
        if events.is_empty() {
            return Err(StoreError::Invalid(
                "hãy nêu loại thay đổi cần báo (hoặc *)".into(),
            ));
        }
        if let Some(bad) = events
            .iter()
            .find(|e| **e != "*" && ChangeKind::parse(e).is_none())
        {
            let kinds: Vec<&str> = ChangeKind::ALL.iter().map(|k| k.code()).collect();
            return Err(StoreError::Invalid(format!(
                "loại thay đổi không có: \"{bad}\" (có: {}, hoặc *)",
                kinds.join(", ")
            )));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
            return Err(StoreError::Invalid(
                "địa chỉ nhận phải bắt đầu bằng http:// hoặc https://".into(),
            ));
        }
        let events = if events.contains(&"*") {
            "*".to_string()
        } else {
            events.join(",")
        };
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_subscriptions (system, url, secret, events, active, created_at, created_by, committee_id) VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id",
        )
        .bind(system.trim())
        .bind(url)
        .bind(secret)
        .bind(&events)
        .bind(now())
        .bind(actor)
        .bind(committee_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => {
                StoreError::Invalid(format!("hệ thống {} đã đăng ký", system.trim()))
            }
            e => e.into(),
        })?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::WebhookSubscribed,
            "webhook",
            Some(id),
            None,
            Some(&json!({ "system": system.trim(), "url": url, "events": events })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stops telling a system; what was queued for it is kept, not sent.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn remove_subscription(&self, system: &str, actor: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE webhook_subscriptions SET active = 0 WHERE system = $1 AND active = 1 RETURNING id",
        )
        .bind(system.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            tx.rollback().await?;
            return Err(StoreError::NotFound(format!(
                "đăng ký của hệ thống {}",
                system.trim()
            )));
        };
        Db::audit(
            &mut tx,
            actor,
            AuditAction::WebhookUnsubscribed,
            "webhook",
            Some(id),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn subscriptions(&self) -> Result<Vec<Subscription>> {
        Ok(sqlx::query_as(
            "SELECT id, system, url, events, active, created_at FROM webhook_subscriptions ORDER BY system",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Claims up to `limit` due deliveries of active subscriptions for `lease_seconds`, oldest
    /// first: each is claimed by one server only.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_deliveries(&self, limit: i64, lease_seconds: i64) -> Result<Vec<Delivery>> {
        let t = time::OffsetDateTime::now_utc();
        let (at, until) = (
            rfc3339(t),
            rfc3339(t + time::Duration::seconds(lease_seconds)),
        );
        let due: Vec<(i64, String)> = sqlx::query_as(
            "SELECT o.id, o.next_attempt_at FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
             WHERE o.state = 'queued' AND o.next_attempt_at <= $1 AND s.active = 1 ORDER BY o.id LIMIT $2",
        )
        .bind(&at)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for id in self
            .lease("webhook_outbox", "state = 'queued'", due, &until)
            .await?
        {
            let d: Option<Delivery> = sqlx::query_as(
                "SELECT o.id, s.system, s.url, s.secret, o.attempts, a.id AS audit_id, a.at, a.actor, a.action, a.entity, a.entity_id,
                        a.before_value, a.after_value,
                        COALESCE((SELECT t.secret FROM tasks t WHERE a.entity = 'task' AND t.id = a.entity_id), 0) AS secret_task,
                        CASE WHEN a.entity = 'task' THEN (SELECT MIN(x.external_id) FROM task_external_ids x WHERE x.task_id = a.entity_id AND x.system = s.system)
                             WHEN a.entity = 'agency' THEN (SELECT MIN(x.external_id) FROM agency_external_ids x WHERE x.agency_id = a.entity_id AND x.system = s.system)
                        END AS external_id,
                        a.assignment_id,
                        (SELECT MIN(x.external_id) FROM assignment_external_ids x WHERE x.assignment_id = a.assignment_id AND x.system = s.system) AS assignment_external_id
                 FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id JOIN audit_log a ON a.id = o.audit_id
                 WHERE o.id = $1",
            )
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            out.extend(d);
        }
        Ok(out)
    }

    /// The system accepted the delivery.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delivery_done(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE webhook_outbox SET state = 'delivered', delivered_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The delivery failed: tried again in `retry_in_seconds`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delivery_failed(&self, id: i64, error: &str, retry_in_seconds: i64) -> Result<()> {
        let next =
            rfc3339(time::OffsetDateTime::now_utc() + time::Duration::seconds(retry_in_seconds));
        sqlx::query("UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND state = 'queued'")
            .bind(error.chars().take(500).collect::<String>())
            .bind(next)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// What waits to be delivered, per system.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn deliveries_waiting(&self) -> Result<Vec<Waiting>> {
        Ok(sqlx::query_as(
            "SELECT s.system, COUNT(o.id) AS queued, MIN(o.created_at) AS oldest,
                    (SELECT o2.last_error FROM webhook_outbox o2 WHERE o2.subscription_id = s.id AND o2.state = 'queued' AND o2.last_error IS NOT NULL ORDER BY o2.id DESC LIMIT 1) AS last_error
             FROM webhook_subscriptions s LEFT JOIN webhook_outbox o ON o.subscription_id = s.id AND o.state = 'queued'
             WHERE s.active = 1 GROUP BY s.id, s.system ORDER BY s.system",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
