//! The agency registry as stored: loaded into the domain's [`Registry`], edited at run time.

use std::collections::HashMap;
use tiendo_domain::audit::AuditAction;

use tiendo_domain::agency::{AgencyKind, AgencyRecord, GroupRecord, Registry};

use crate::{Db, Result, StoreError, now};

/// Validity dates that make sense: between 1945 and 2100, the end not before the start.
fn validity(from: Option<time::Date>, to: Option<time::Date>) -> Result<()> {
    for d in [from, to].into_iter().flatten() {
        if !(1945..=2100).contains(&d.year()) {
            return Err(StoreError::Invalid(format!(
                "ngày hiệu lực không hợp lý: {}",
                tiendo_domain::deadline::vn(d)
            )));
        }
    }
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(StoreError::Invalid(
            "ngày hết hiệu lực trước ngày có hiệu lực".into(),
        ));
    }
    Ok(())
}

/// An agency's head as typed: title and name, either may be left out.
pub(crate) struct AgencyHead {
    pub title: Option<String>,
    pub name: Option<String>,
}

/// An agency about to be stored: its record, its code and name as checked, its committee.
pub(crate) struct NewAgency<'a> {
    pub record: &'a AgencyRecord,
    pub code: &'a str,
    pub name: &'a str,
    pub committee_id: Option<i64>,
    pub head: AgencyHead,
}

/// Stores an agency and its other spellings; returns its id.
pub(crate) async fn insert_agency(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    a: &NewAgency<'_>,
    actor: &str,
) -> Result<i64> {
    let r = a.record;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agencies (code, name, kind, short_name, parent_code, valid_from, valid_to, successor_code, committee_id, created_at, updated_at, updated_by, head_title, head_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id",
    )
    .bind(a.code)
    .bind(a.name)
    .bind(r.kind.as_str())
    .bind(r.short.clone())
    .bind(r.parent.clone())
    .bind(r.valid_from.map(tiendo_domain::deadline::iso))
    .bind(r.valid_to.map(tiendo_domain::deadline::iso))
    .bind(r.successor.clone())
    .bind(a.committee_id)
    .bind(now())
    .bind(actor)
    .bind(a.head.title.clone())
    .bind(a.head.name.clone())
    .fetch_one(&mut **tx)
    .await?;
    for al in &r.aliases {
        insert_alias(tx, id, &tiendo_domain::text::clean(al), actor).await?;
    }
    Ok(id)
}

/// Records another spelling of an agency's name.
async fn insert_alias(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    agency: i64,
    alias: &str,
    actor: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO agency_aliases (agency_id, alias, created_at, created_by) VALUES ($1, $2, $3, $4)")
        .bind(agency)
        .bind(alias)
        .bind(now())
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The registry with the database id of every agency code.
pub struct StoredRegistry {
    pub registry: Registry,
    pub ids: HashMap<String, i64>,
    pub names: HashMap<i64, String>,
}

/// An agency as the registry loads it.
#[derive(sqlx::FromRow)]
struct RegistryRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    short_name: Option<String>,
    parent_code: Option<String>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    valid_from: Option<time::Date>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    valid_to: Option<time::Date>,
    successor_code: Option<String>,
    /// The committee of a provincial agency; none: national.
    committee: Option<String>,
}

/// An agency group as stored.
#[derive(sqlx::FromRow)]
struct GroupRow {
    code: String,
    name: String,
    /// "ministry,province"
    member_kinds: String,
    /// JSON list
    aliases: String,
}

/// One agency as stored, with what the standing agency may edit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredAgency {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    pub valid_from: Option<time::Date>,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    pub valid_to: Option<time::Date>,
    pub head_title: Option<String>,
    pub head_name: Option<String>,
}

/// A steering committee: the Government's, or a province's running the same workflow.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Committee {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// national, province
    pub level: String,
    #[sqlx(rename = "province_code")]
    pub province: Option<String>,
}

impl Db {
    /// The national registry.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_registry(&self) -> Result<StoredRegistry> {
        self.load_registry_for(None).await
    }

    /// The registry a committee reads with: the national agencies and, for a provincial committee,
    /// its own departments and communes.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_registry_for(&self, committee: Option<&str>) -> Result<StoredRegistry> {
        let rows: Vec<RegistryRow> = sqlx::query_as(
            "SELECT a.id, a.code, a.name, a.kind, a.short_name, a.parent_code, a.valid_from, a.valid_to, a.successor_code, c.code AS committee
             FROM agencies a LEFT JOIN committees c ON c.id = a.committee_id
             WHERE a.committee_id IS NULL OR c.code = $1 ORDER BY a.id",
        )
        .bind(committee)
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
        for r in rows {
            ids.insert(r.code.clone(), r.id);
            names.insert(r.id, r.name.clone());
            records.push(AgencyRecord {
                code: r.code,
                name: r.name,
                kind: AgencyKind::parse(&r.kind).unwrap_or(AgencyKind::Other),
                short: r.short_name,
                aliases: by_agency.remove(&r.id).unwrap_or_default(),
                parent: r.parent_code,
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                successor: r.successor_code,
                committee: r.committee,
            });
        }
        let groups: Vec<GroupRow> = sqlx::query_as(
            "SELECT code, name, member_kinds, aliases FROM agency_groups ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let groups = groups
            .into_iter()
            .map(|g| GroupRecord {
                code: g.code,
                name: g.name,
                member_kinds: g
                    .member_kinds
                    .split(',')
                    .filter_map(AgencyKind::parse)
                    .collect(),
                aliases: serde_json::from_str(&g.aliases).unwrap_or_default(),
            })
            .collect();
        let registry = Registry::new(records, groups)
            .map_err(|e| StoreError::Invalid(e.to_string()))?
            .with_scope(committee.map(str::to_string));
        Ok(StoredRegistry {
            registry,
            ids,
            names,
        })
    }

    /// Adds an agency to the registry (national, or of a provincial committee).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_agency(&self, a: &AgencyRecord, actor: &str) -> Result<i64> {
        self.add_agency_headed(a, "", "", actor).await
    }

    /// Adds an agency with the title and name of its head.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_agency_headed(
        &self,
        a: &AgencyRecord,
        head_title: &str,
        head_name: &str,
        actor: &str,
    ) -> Result<i64> {
        let head_title = tiendo_domain::text::clean(head_title);
        let head_name = tiendo_domain::text::clean(head_name);
        if head_title.chars().count() > 200 || head_name.chars().count() > 200 {
            return Err(StoreError::Invalid(
                "người đứng đầu: tối đa 200 ký tự".into(),
            ));
        }
        validity(a.valid_from, a.valid_to)?;
        let code = a.code.trim();
        let name = tiendo_domain::text::clean(&a.name);
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(StoreError::Invalid(
                "mã cơ quan chỉ gồm chữ không dấu, số, \"_\" hoặc \"-\" (tối đa 40 ký tự)".into(),
            ));
        }
        if name.is_empty() || name.chars().count() > 300 {
            return Err(StoreError::Invalid(
                "tên cơ quan phải có từ 1 đến 300 ký tự".into(),
            ));
        }

        let committee_id: Option<i64> = match &a.committee {
            Some(c) => Some(
                self.committee_id(c)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("ban chỉ đạo mã {c}")))?,
            ),
            None => None,
        };
        let reg = self.load_registry_for(a.committee.as_deref()).await?;
        for r in [&a.parent, &a.successor].into_iter().flatten() {
            if !reg.ids.contains_key(r) {
                return Err(StoreError::NotFound(format!("cơ quan mã {r}")));
            }
        }
        if self.agency_id(code).await?.is_some() {
            return Err(StoreError::Invalid(format!("mã cơ quan {code} đã có")));
        }
        let mut tx = self.begin_write().await?;
        let head = AgencyHead {
            title: (!head_title.is_empty()).then_some(head_title.clone()),
            name: (!head_name.is_empty()).then_some(head_name.clone()),
        };
        let row = NewAgency {
            record: a,
            code,
            name: &name,
            committee_id,
            head,
        };
        let id = insert_agency(&mut tx, &row, actor).await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::AgencyAdded,
            "agency",
            Some(id),
            None,
            Some(&serde_json::to_value(a).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds a committee (a province's own steering committee, for instance).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_committee(
        &self,
        code: &str,
        name: &str,
        province_code: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        if code.trim().is_empty() || name.trim().is_empty() {
            return Err(StoreError::Invalid("cần mã và tên ban chỉ đạo".into()));
        }
        if let Some(p) = province_code {
            let reg = self.load_registry().await?;
            match reg.registry.agency(p) {
                Some(a) if a.kind.is_local() => {}
                _ => {
                    return Err(StoreError::Invalid(format!(
                        "{p} không phải mã một tỉnh, thành phố"
                    )));
                }
            }
        }
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO committees (code, name, level, province_code, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(code.trim())
            .bind(tiendo_domain::text::clean(name))
            .bind(if province_code.is_some() { "province" } else { "national" })
            .bind(province_code)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => StoreError::Invalid(format!("mã ban chỉ đạo {code} đã có")),
                e => StoreError::Database(e),
            })?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::CommitteeAdded,
            "committee",
            Some(id),
            None,
            Some(&serde_json::json!({ "code": code, "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every steering committee, the Government's first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn committees(&self) -> Result<Vec<Committee>> {
        Ok(sqlx::query_as(
            "SELECT id, code, name, level, province_code FROM committees ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Each indicator's committee, by indicator id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_committees(&self) -> Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, committee_id FROM indicators")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Per committee, the day of the newest progress report on its tasks, on or before `as_of`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn last_report_by_committee(
        &self,
        as_of: time::Date,
    ) -> Result<HashMap<i64, time::Date>> {
        let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT t.committee_id, MAX(r.reported_on) FROM progress_reports r
             JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id
             WHERE r.reported_on <= $1 GROUP BY t.committee_id",
        )
        .bind(tiendo_domain::deadline::iso(as_of))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, d)| Some((c, tiendo_domain::deadline::iso_date(d.as_deref()?)?)))
            .collect())
    }

    /// Adds a spelling to an agency; refused when it already names another agency.
    #[tracing::instrument(level = "debug", skip_all)]
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
        let mut tx = self.begin_write().await?;
        insert_alias(&mut tx, id, &alias, actor).await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::AgencyAliasAdded,
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

/// What the standing agency may change about an agency of the registry.
#[derive(Debug, Clone, Default)]
pub struct AgencyEdit {
    pub name: String,
    pub short: String,
    pub kind: String,
    pub valid_from: Option<time::Date>,
    pub valid_to: Option<time::Date>,
    /// "Bộ trưởng", "Chủ tịch Ủy ban nhân dân": the head answerable for the agency's score.
    pub head_title: String,
    pub head_name: String,
}

/// An agency's head: title and name, either may be unknown.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Head {
    /// The agency's id.
    pub id: i64,
    #[sqlx(rename = "head_title")]
    pub title: Option<String>,
    #[sqlx(rename = "head_name")]
    pub name: Option<String>,
}

const AGENCY_RECORD: &str = "SELECT id, code, name, short_name, kind, valid_from, valid_to, head_title, head_name FROM agencies WHERE code = $1";

impl Db {
    /// Edits an agency. A new name keeps the old one as a spelling, so documents that use it are
    /// still read.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn edit_agency(&self, code: &str, e: &AgencyEdit, actor: &str) -> Result<()> {
        let name = tiendo_domain::text::clean(&e.name);
        let short = tiendo_domain::text::clean(&e.short);
        let head_title = tiendo_domain::text::clean(&e.head_title);
        let head_name = tiendo_domain::text::clean(&e.head_name);
        if name.is_empty() || name.chars().count() > 300 {
            return Err(StoreError::Invalid(
                "tên cơ quan phải có từ 1 đến 300 ký tự".into(),
            ));
        }
        for (field, v) in [
            ("tên ngắn", &short),
            ("chức danh người đứng đầu", &head_title),
            ("họ tên người đứng đầu", &head_name),
        ] {
            if v.chars().count() > 200 {
                return Err(StoreError::Invalid(format!("{field}: tối đa 200 ký tự")));
            }
        }
        let kind = AgencyKind::parse(&e.kind)
            .ok_or_else(|| StoreError::Invalid(format!("loại cơ quan không hợp lệ: {}", e.kind)))?;
        validity(e.valid_from, e.valid_to)?;
        let mut tx = self.begin_write().await?;
        let row: Option<StoredAgency> = sqlx::query_as(AGENCY_RECORD)
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(old) = row else {
            return Err(StoreError::NotFound(format!("cơ quan mã {code}")));
        };
        let id = old.id;
        let old_name = old.name.clone();
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let iso = |d: Option<time::Date>| d.map(tiendo_domain::deadline::iso);
        let before = serde_json::json!({ "name": old.name, "short": old.short_name, "kind": old.kind, "valid_from": iso(old.valid_from), "valid_to": iso(old.valid_to), "head_title": old.head_title, "head_name": old.head_name });
        let after = serde_json::json!({ "name": name, "short": opt(&short), "kind": kind.as_str(), "valid_from": iso(e.valid_from), "valid_to": iso(e.valid_to), "head_title": opt(&head_title), "head_name": opt(&head_name) });
        if before == after {
            return Ok(());
        }
        sqlx::query("UPDATE agencies SET name = $1, short_name = $2, kind = $3, valid_from = $4, valid_to = $5, head_title = $6, head_name = $7, updated_at = $8, updated_by = $9 WHERE id = $10")
            .bind(&name)
            .bind(opt(&short))
            .bind(kind.as_str())
            .bind(iso(e.valid_from))
            .bind(iso(e.valid_to))
            .bind(opt(&head_title))
            .bind(opt(&head_name))
            .bind(now())
            .bind(actor)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if tiendo_domain::text::name_key(&old_name) != tiendo_domain::text::name_key(&name) {
            insert_alias(&mut tx, id, &old_name, actor).await?;
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::AgencyEdited,
            "agency",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each agency's head, by agency id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_heads(&self) -> Result<HashMap<i64, Head>> {
        let rows: Vec<Head> = sqlx::query_as("SELECT id, head_title, head_name FROM agencies")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|h| (h.id, h)).collect())
    }

    /// One agency as stored.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_record(&self, code: &str) -> Result<Option<StoredAgency>> {
        Ok(sqlx::query_as(AGENCY_RECORD)
            .bind(code)
            .fetch_optional(self.pool())
            .await?)
    }
}

impl Db {
    /// Each agency's kind (ministry, province, …), by agency id.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_kinds(&self) -> Result<HashMap<i64, String>> {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, kind FROM agencies")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().collect())
    }
}
