//! Entered once: another monitoring system (nq57, VPCP's follow-up system) names our agencies
//! and assignments by its own ids, pushes them again without duplicates, and finds what any of
//! its ids stands for. Tasks pushed under their ids are [`crate::operations::create_task`];
//! files exported by another system are imported with `external_system`
//! ([`crate::operations::ImportRequest`]).

use crate::notices::Notice;
use tiendo_domain::agency::RefKind;
use tiendo_domain::model::Role;
use tiendo_domain::text::is_plain_id;
use tiendo_store::StoreError;
use tiendo_store::external_ids::{AssignedExternal, ExternalKind, ExternalRecord, Linked};
use tiendo_store::users::User;

use crate::Service;
use crate::operations::{AgencyInput, Outcome, Refusal, add_agency, edit_agency, standing, today};

/// Another system's name and its id for a record.
fn checked<'a>(system: &'a str, external_id: &'a str) -> Outcome<(&'a str, &'a str)> {
    if is_plain_id(system) && is_plain_id(external_id) {
        Ok((system.trim(), external_id.trim()))
    } else {
        Err(Refusal::bad(Notice::ExternalIdInvalid).with(
            "mã ở hệ thống khác: tên hệ thống và mã, mỗi thứ từ 1 đến 100 ký tự thường".into(),
        ))
    }
}

/// What a push of an agency did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PushedAgency {
    /// The agency's registry code.
    pub code: String,
    /// "created" (a new agency of the registry), "linked" (an agency the registry held, by
    /// its code or its exact name, now named by the id; its fields updated when they differ),
    /// "updated" or "unchanged" (the id already named it).
    pub outcome: &'static str,
}

/// A registry code made from another system's id when the push gives none: "NQ57_BO_CA".
fn code_for(system: &str, external_id: &str) -> String {
    let mut code = String::new();
    for c in format!("{system}_{external_id}").chars() {
        let c = tiendo_domain::text::name_key(&c.to_string());
        match c.chars().next() {
            Some(c) if c.is_ascii_alphanumeric() => code.push(c.to_ascii_uppercase()),
            _ if !code.ends_with('_') => code.push('_'),
            _ => {}
        }
    }
    code.trim_matches('_').chars().take(60).collect()
}

/// The push over the registry's record of `code`: a field the push leaves empty keeps the
/// stored value (a system need not know our kinds or heads); and whether that differs from
/// the record.
async fn over_stored(state: &Service, code: &str, f: &AgencyInput) -> Outcome<(AgencyInput, bool)> {
    let stored = state
        .db
        .load_registry()
        .await
        .map_err(Refusal::from_store)?;
    let heads = state.db.agency_heads().await.map_err(Refusal::from_store)?;
    let Some(a) = stored.registry.agency(code) else {
        return Err(Refusal::not_found());
    };
    let head = stored
        .ids
        .get(code)
        .and_then(|id| heads.get(id))
        .cloned()
        .unwrap_or_default();
    let iso = |d: Option<time::Date>| d.map(tiendo_domain::deadline::iso).unwrap_or_default();
    let before = AgencyInput {
        code: a.code.clone(),
        name: a.name.clone(),
        short: a.short.clone().unwrap_or_default(),
        kind: a.kind.as_str().to_string(),
        valid_from: iso(a.valid_from),
        valid_to: iso(a.valid_to),
        head_title: head.title.unwrap_or_default(),
        head_name: head.name.unwrap_or_default(),
    };
    let or = |pushed: &str, kept: &str| match pushed.trim() {
        "" => kept.to_string(),
        p => p.to_string(),
    };
    let date = |pushed: &str, kept: &str| match pushed.trim() {
        "" => kept.to_string(),
        p => tiendo_domain::deadline::parse_user_date(p)
            .map(tiendo_domain::deadline::iso)
            .unwrap_or_else(|| p.to_string()),
    };
    let after = AgencyInput {
        code: before.code.clone(),
        name: or(&f.name, &before.name),
        short: or(&f.short, &before.short),
        kind: or(&f.kind, &before.kind),
        valid_from: date(&f.valid_from, &before.valid_from),
        valid_to: date(&f.valid_to, &before.valid_to),
        head_title: or(&f.head_title, &before.head_title),
        head_name: or(&f.head_name, &before.head_name),
    };
    let changed = (
        &after.name,
        &after.short,
        &after.kind,
        &after.valid_from,
        &after.valid_to,
        &after.head_title,
        &after.head_name,
    ) != (
        &before.name,
        &before.short,
        &before.kind,
        &before.valid_from,
        &before.valid_to,
        &before.head_title,
        &before.head_name,
    );
    Ok((after, changed))
}

/// The push applied to the agency `code` names: "updated" when it changed something, else
/// "unchanged".
async fn apply_push(
    state: &Service,
    u: &User,
    code: &str,
    f: &AgencyInput,
) -> Outcome<&'static str> {
    let (merged, changed) = over_stored(state, code, f).await?;
    if !changed {
        return Ok("unchanged");
    }
    edit_agency(state, u, code, &merged).await?;
    Ok("updated")
}

/// The standing agency (or a system with its token) pushes an agency under its id in another
/// system: created the first time (or, when the registry already holds it by its code or by
/// its exact name, linked to it), updated when pushed again with other values; never made
/// twice.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn push_agency(
    state: &Service,
    u: &User,
    system: &str,
    external_id: &str,
    f: &AgencyInput,
) -> Outcome<PushedAgency> {
    standing(u)?;
    let (system, external_id) = checked(system, external_id)?;
    let known = state
        .db
        .agency_by_external_id(system, external_id)
        .await
        .map_err(Refusal::from_store)?;
    if let Some(code) = known {
        let outcome = apply_push(state, u, &code, f).await?;
        return Ok(PushedAgency { code, outcome });
    }
    let stored = state
        .db
        .load_registry()
        .await
        .map_err(Refusal::from_store)?;
    let by_code = Some(f.code.trim())
        .filter(|c| !c.is_empty() && stored.registry.agency(c).is_some())
        .map(str::to_string);
    // An exact spelling of one agency (no correction, no group): the registry's agency.
    let by_name = || {
        let refs = stored.registry.resolve(&f.name, None);
        match refs.as_slice() {
            [r] if r.kind == RefKind::Agency && r.note.is_none() && r.unit.is_none() => {
                r.code.clone()
            }
            _ => None,
        }
    };
    if let Some(code) = by_code.or_else(|| f.code.trim().is_empty().then(by_name).flatten()) {
        link(state, u, &code, system, external_id).await?;
        if f.code.trim() == code {
            apply_push(state, u, &code, f).await?;
        }
        return Ok(PushedAgency {
            code,
            outcome: "linked",
        });
    }
    let mut record = f.clone();
    if record.code.trim().is_empty() {
        record.code = code_for(system, external_id);
    }
    let code = record.code.trim().to_string();
    if let Err(refused) = add_agency(state, u, &record).await {
        // Two pushes of one new agency at once: the other made it first (the code is unique);
        // this one finds it, and the pair names it once.
        let made = state
            .db
            .load_registry()
            .await
            .map_err(Refusal::from_store)?;
        if made.registry.agency(&code).is_none() {
            return Err(refused);
        }
        link(state, u, &code, system, external_id).await?;
        return Ok(PushedAgency {
            code,
            outcome: "unchanged",
        });
    }
    link(state, u, &code, system, external_id).await?;
    Ok(PushedAgency {
        code,
        outcome: "created",
    })
}

async fn link(
    state: &Service,
    u: &User,
    code: &str,
    system: &str,
    external_id: &str,
) -> Outcome<Linked> {
    state
        .db
        .link_agency(code, system, external_id, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::UnknownAgency(m) | StoreError::Invalid(m) => {
                Refusal::bad(Notice::ExternalIdInvalid).with(m)
            }
            e => Refusal::from_store(e),
        })
}

/// The standing agency names an agency of the registry (by code) with another system's id for
/// it; refused when the id already names another agency.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn link_agency(
    state: &Service,
    u: &User,
    code: &str,
    system: &str,
    external_id: &str,
) -> Outcome<Linked> {
    standing(u)?;
    let (system, external_id) = checked(system, external_id)?;
    let linked = link(state, u, code.trim(), system, external_id).await?;
    let _ = state.refresh().await;
    Ok(linked)
}

/// The standing agency gives a task to an agency under another system's id for the
/// assignment: the same call again gives back the same assignment and changes nothing.
/// The agency is named by its registry code or by its id in the same system.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn assign_external(
    state: &Service,
    u: &User,
    task: i64,
    agency: &str,
    agency_external_id: &str,
    role: &str,
    reason: &str,
    (system, external_id): (&str, &str),
) -> Outcome<(i64, AssignedExternal)> {
    standing(u)?;
    let (system, external_id) = checked(system, external_id)?;
    let role = Role::parse(role).ok_or(Refusal::bad(Notice::RoleInvalid))?;
    let code = match (agency.trim(), agency_external_id.trim()) {
        (code, "") if !code.is_empty() => code.to_string(),
        ("", theirs) if !theirs.is_empty() => state
            .db
            .agency_by_external_id(system, theirs)
            .await
            .map_err(Refusal::from_store)?
            .ok_or_else(|| {
                Refusal::bad(Notice::AgencyUnknown).with(format!(
                    "hệ thống {system} chưa có cơ quan mã {theirs} trong danh mục"
                ))
            })?,
        _ => {
            return Err(Refusal::bad(Notice::AgencyUnknown).with(
                "cần một trong hai: agency (mã trong danh mục) hoặc agency_external_id".into(),
            ));
        }
    };
    let reason = match reason.trim() {
        "" => format!("Giao theo hệ thống {system}"),
        r => r.to_string(),
    };
    let done = state
        .db
        .assign_external(
            task,
            &code,
            role,
            today(),
            &reason,
            &u.username,
            (system, external_id),
        )
        .await
        .map_err(|e| match e {
            StoreError::UnknownAgency(m) => Refusal::bad(Notice::AgencyUnknown).with(m),
            StoreError::Invalid(m) => Refusal::bad(Notice::ExternalIdInvalid).with(m),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    if done.1 != AssignedExternal::Unchanged {
        let _ = state.refresh().await;
    }
    Ok(done)
}

/// What another system's id stands for here. Any account may ask; a secret task's assignment
/// is found like any other (the lookup tells ids only, no content).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_external(
    state: &Service,
    kind: &str,
    system: &str,
    external_id: &str,
) -> Outcome<ExternalRecord> {
    let kind = ExternalKind::parse(kind).ok_or_else(Refusal::not_found)?;
    let (system, external_id) = checked(system, external_id)?;
    state
        .db
        .external_record(kind, system, external_id)
        .await
        .map_err(Refusal::from_store)?
        .ok_or_else(Refusal::not_found)
}
