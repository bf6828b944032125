//! How each committee signs its documents ([`Signing`]): one row per committee, changed by the
//! standing agency or an administrator, every change audited with what it was before.

use serde_json::json;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::signing::Signing;

use crate::{Db, Result, now};

#[derive(sqlx::FromRow)]
struct Row {
    place: String,
    symbol: String,
    authority: String,
    signer_title: String,
    signer_name: String,
    recipients: String,
}

impl From<Row> for Signing {
    fn from(r: Row) -> Signing {
        Signing {
            place: r.place,
            symbol: r.symbol,
            authority: r.authority,
            signer_title: r.signer_title,
            signer_name: r.signer_name,
            recipients: r
                .recipients
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

fn as_json(s: &Signing) -> serde_json::Value {
    json!({
        "place": s.place,
        "symbol": s.symbol,
        "authority": s.authority,
        "signer_title": s.signer_title,
        "signer_name": s.signer_name,
        "recipients": s.recipients,
    })
}

impl Db {
    /// The committee's way of signing (by its code; `None`: the Government's committee), or the
    /// usual form when it has set none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn signing(&self, committee: Option<&str>) -> Result<Signing> {
        let id = self.committee_or_default(committee).await?;
        self.signing_of(id).await
    }

    /// The committee's way of signing, by the committee's id.
    async fn signing_of(&self, id: i64) -> Result<Signing> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT place, symbol, authority, signer_title, signer_name, recipients FROM signings WHERE committee_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(Signing::from).unwrap_or_else(Signing::usual))
    }

    /// Sets the committee's way of signing; audited with the form it replaces.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_signing(
        &self,
        committee: Option<&str>,
        s: &Signing,
        actor: &str,
    ) -> Result<()> {
        let id = self.committee_or_default(committee).await?;
        let before = self.signing_of(id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO signings (committee_id, place, symbol, authority, signer_title, signer_name, recipients, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (committee_id) DO UPDATE SET place = excluded.place, symbol = excluded.symbol, authority = excluded.authority,
               signer_title = excluded.signer_title, signer_name = excluded.signer_name, recipients = excluded.recipients,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(&s.place)
        .bind(&s.symbol)
        .bind(&s.authority)
        .bind(&s.signer_title)
        .bind(&s.signer_name)
        .bind(s.recipients.join("\n"))
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::SigningSet,
            "committee",
            Some(id),
            Some(&as_json(&before)),
            Some(&as_json(s)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
