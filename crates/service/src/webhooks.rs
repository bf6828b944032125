//! Delivering webhooks: each queued change (store::webhooks) is posted as JSON to its system's
//! address, signed with the subscription's secret (`X-Tiendo-Signature: sha256=<hex HMAC-SHA256
//! of the body>`), with its delivery id (`X-Tiendo-Delivery`, the same on every retry, for the
//! receiver to drop a repeat). An answer 2xx delivers it; anything else (refused, unreachable,
//! no answer within 10 s) tries again after 1 minute, doubling up to 6 hours. A secret task's
//! values are not sent: only that it changed.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tiendo_store::Db;

use crate::accounts::administrator;
use tiendo_store::webhooks::Delivery;

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// The body posted for a change.
pub fn payload(d: &Delivery) -> serde_json::Value {
    let value = |v: &Option<String>| -> serde_json::Value {
        if d.secret_task != 0 {
            return serde_json::Value::Null;
        }
        v.as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let c = &d.change;
    serde_json::json!({
        "delivery": d.id,
        "change": d.audit_id,
        "event": c.action,
        "kind": c.kind().and_then(|a| a.change_kind()).map(|k| k.code()),
        "entity": c.entity,
        "entity_id": c.entity_id,
        "at": c.at,
        "actor": c.actor,
        "before": value(&c.before),
        "after": value(&c.after),
        "secret": d.secret_task != 0,
        "external_id": d.external_id,
        "assignment_id": d.assignment_id,
        "assignment_external_id": d.assignment_external_id,
    })
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes a key of any length.
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Seconds before the next try after `attempts` failed ones: 1 minute, doubling, at most 6 hours.
pub fn backoff(attempts: i64) -> i64 {
    (60i64 << attempts.clamp(0, 9)).min(6 * 3600)
}

/// The HTTP client deliveries use.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("tiendo-webhooks")
        .build()?)
}

/// Delivers what is due now (up to 100), each once across servers.
pub async fn deliver_due(db: &Db, client: &reqwest::Client) -> anyhow::Result<Round> {
    let mut round = Round::default();
    for d in db.claim_deliveries(100, 60).await? {
        let body = payload(&d).to_string();
        let sent = client
            .post(&d.url)
            .header("content-type", "application/json")
            .header("x-tiendo-delivery", d.id.to_string())
            .header("x-tiendo-event", &d.change.action)
            .header("x-tiendo-signature", signature(&d.secret, body.as_bytes()))
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                db.delivery_done(d.id).await?;
                round.delivered += 1;
            }
            Ok(r) => {
                let why = format!("HTTP {}", r.status().as_u16());
                db.delivery_failed(d.id, &why, backoff(d.attempts)).await?;
                round.failed += 1;
            }
            Err(e) => {
                let why = if e.is_timeout() {
                    "không trả lời trong 10 giây".to_string()
                } else if e.is_connect() {
                    "không kết nối được".to_string()
                } else {
                    "lỗi khi gửi".to_string()
                };
                db.delivery_failed(d.id, &why, backoff(d.attempts)).await?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

/// Delivers every few seconds for as long as the server runs.
pub async fn run(db: Db) {
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: no HTTP client; nothing will be delivered");
            return;
        }
    };
    loop {
        match deliver_due(&db, &client).await {
            Ok(r) if r.delivered + r.failed > 0 => {
                tracing::info!(
                    delivered = r.delivered,
                    failed = r.failed,
                    "webhooks delivered"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = format!("{e:#}"), "webhooks: delivery round failed"),
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// What only administrators manage here, in the refusal's words.
const SUBSCRIPTIONS: &str = "các hệ thống nhận thông báo";

/// The systems told of changes, as the administrator manages them.
impl crate::Service {
    /// Subscribes a system to kinds of change, its deliveries signed with `secret`.
    pub async fn add_subscription(
        &self,
        actor: &tiendo_store::users::User,
        system: &str,
        url: &str,
        secret: &str,
        events: &str,
        committee: Option<&str>,
    ) -> anyhow::Result<i64> {
        administrator(actor, SUBSCRIPTIONS)?;
        Ok(self
            .db
            .add_subscription(system, url, secret, events, committee, &actor.username)
            .await?)
    }

    /// Stops telling a system of changes.
    pub async fn remove_subscription(
        &self,
        actor: &tiendo_store::users::User,
        system: &str,
    ) -> anyhow::Result<()> {
        administrator(actor, SUBSCRIPTIONS)?;
        Ok(self.db.remove_subscription(system, &actor.username).await?)
    }

    /// Every subscription, with what waits to be delivered to each system.
    pub async fn subscriptions(
        &self,
    ) -> tiendo_store::Result<(
        Vec<tiendo_store::webhooks::Subscription>,
        Vec<tiendo_store::webhooks::Waiting>,
    )> {
        Ok((
            self.db.subscriptions().await?,
            self.db.deliveries_waiting().await?,
        ))
    }

    /// Delivers what is due now, once.
    pub async fn deliver_webhooks(&self) -> anyhow::Result<Round> {
        deliver_due(&self.db, &client()?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff(0), 60);
        assert_eq!(backoff(1), 120);
        assert_eq!(backoff(5), 1920);
        assert_eq!(backoff(30), 6 * 3600);
    }
}
