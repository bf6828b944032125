//! The agency registry as stored: loaded into the domain's [`Registry`], edited at run time.

use std::collections::HashMap;

use tiendo_domain::agency::{AgencyKind, AgencyRecord, GroupRecord, Registry};
use tiendo_domain::deadline::parse_user_date;

use crate::{Db, Result, StoreError, now};

/// The registry with the database id of every agency code.
pub struct StoredRegistry {
    pub registry: Registry,
    pub ids: HashMap<String, i64>,
    pub names: HashMap<i64, String>,
}

type AgencyRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Db {
    pub async fn load_registry(&self) -> Result<StoredRegistry> {
        let rows: Vec<AgencyRow> = sqlx::query_as(
            "SELECT a.id, a.code, a.name, a.kind, a.short_name, a.parent_code, a.valid_from, a.valid_to, a.successor_code, c.code
             FROM agencies a LEFT JOIN committees c ON c.id = a.committee_id ORDER BY a.id",
        )
        .fetch_all(self.pool())
        .await?;
        let aliases: Vec<(i64, String)> =
            sqlx::query_as("SELECT agency_id, alias FROM agency_aliases ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        let mut by_agency: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, al) in aliases {
            by_agency.entry(id).or_default().push(al);
        }
        let mut ids = HashMap::new();
        let mut names = HashMap::new();
        let mut records = Vec::with_capacity(rows.len());
        for (id, code, name, kind, short, parent, vf, vt, succ, committee) in rows {
            ids.insert(code.clone(), id);
            names.insert(id, name.clone());
            records.push(AgencyRecord {
                code,
                name,
                kind: AgencyKind::parse(&kind).unwrap_or(AgencyKind::Other),
                short,
                aliases: by_agency.remove(&id).unwrap_or_default(),
                parent,
                valid_from: vf.as_deref().and_then(parse_user_date),
                valid_to: vt.as_deref().and_then(parse_user_date),
                successor: succ,
                committee,
            });
        }
        let groups: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT code, name, member_kinds, aliases FROM agency_groups ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let groups = groups
            .into_iter()
            .map(|(code, name, kinds, aliases)| GroupRecord {
                code,
                name,
                member_kinds: kinds.split(',').filter_map(AgencyKind::parse).collect(),
                aliases: serde_json::from_str(&aliases).unwrap_or_default(),
            })
            .collect();
        let registry =
            Registry::new(records, groups).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(StoredRegistry {
            registry,
            ids,
            names,
        })
    }

    /// Adds a spelling to an agency; refused when it already names another agency.
    pub async fn add_alias(&self, code: &str, alias: &str, actor: &str) -> Result<()> {
        let alias = tiendo_domain::text::clean(alias);
        if alias.is_empty() || alias.chars().count() > 300 {
            return Err(StoreError::Invalid(
                "tên gọi khác phải có từ 1 đến 300 ký tự".into(),
            ));
        }
        let reg = self.load_registry().await?;
        let Some(&id) = reg.ids.get(code) else {
            return Err(StoreError::NotFound(format!("cơ quan mã {code}")));
        };
        if let Some(other) = reg
            .registry
            .resolve(&alias, None)
            .into_iter()
            .find(|r| r.code.as_deref().is_some_and(|c| c != code) && r.raw == alias)
        {
            return Err(StoreError::Invalid(format!(
                "\"{alias}\" đã là tên của {}",
                other.name
            )));
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO agency_aliases (agency_id, alias, created_at, created_by) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&alias)
            .bind(now())
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            "agency.alias_added",
            "agency",
            Some(id),
            None,
            Some(&serde_json::json!({ "alias": alias })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
