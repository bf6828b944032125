//! First-start data: the Government steering committee and the shipped agency registry.

use tiendo_domain::agency::Registry;

use crate::{Db, Result, StoreError, now};

/// Code of the committee created at first start.
pub const DEFAULT_COMMITTEE: &str = "BCDCP";

pub async fn seed_defaults(db: &Db) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let committees: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM committees")
        .fetch_one(&mut *tx)
        .await?;
    if committees == 0 {
        sqlx::query("INSERT INTO committees (code, name, level, province_code, created_at) VALUES ($1, $2, $3, NULL, $4)")
            .bind(DEFAULT_COMMITTEE)
            .bind("Ban Chỉ đạo của Chính phủ về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06")
            .bind("national")
            .bind(now())
            .execute(&mut *tx)
            .await?;
    }
    let agencies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(&mut *tx)
        .await?;
    if agencies == 0 {
        let reg = Registry::default_registry().map_err(|e| StoreError::Invalid(e.to_string()))?;
        for a in reg.agencies() {
            let row = crate::registry::NewAgency {
                record: a,
                code: &a.code,
                name: &a.name,
                committee_id: None,
                head: crate::registry::AgencyHead {
                    title: None,
                    name: None,
                },
            };
            crate::registry::insert_agency(&mut tx, &row, "system").await?;
        }
        for g in reg.groups() {
            let kinds: Vec<&str> = g.member_kinds.iter().map(|k| k.as_str()).collect();
            sqlx::query("INSERT INTO agency_groups (code, name, member_kinds, aliases) VALUES ($1, $2, $3, $4)")
                .bind(&g.code)
                .bind(&g.name)
                .bind(kinds.join(","))
                .bind(serde_json::to_string(&g.aliases).unwrap_or_else(|_| "[]".into()))
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub async fn default_committee_id(db: &Db) -> Result<i64> {
    db.committee_id(DEFAULT_COMMITTEE)
        .await?
        .ok_or_else(|| StoreError::NotFound("ban chỉ đạo mặc định".into()))
}
