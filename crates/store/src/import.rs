//! Stores what the importer read: one transaction per file, all or nothing. Re-importing the same
//! file (or a later version of the same appendix) updates the same tasks — matched by document and
//! number, falling back to the name — and records what changed.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde_json::json;
use tiendo_domain::agency::{AgencyRef, RefKind};
use tiendo_domain::deadline::iso;
use tiendo_domain::model::{ParsedTask, ReportedStatus, Role};
use tiendo_domain::text::name_key;
use time::Date;

use crate::registry::StoredRegistry;
use crate::seed::default_committee_id;
use crate::{Db, Result, StoreError, now};

pub struct ImportInput<'a> {
    /// The committee assigning the tasks (default: the Government steering committee).
    pub committee: Option<&'a str>,
    /// Identifies the appendix across versions (default: the file name without extension).
    pub doc_key: &'a str,
    pub file_name: &'a str,
    pub title: Option<String>,
    pub tasks: &'a [ParsedTask],
    pub warnings: &'a [String],
    pub reported_on: Date,
    pub actor: &'a str,
    /// Called every few hundred tasks with (stored, total), for a progress indicator.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub document_id: i64,
    pub tasks_created: u64,
    pub tasks_updated: u64,
    pub tasks_unchanged: u64,
    pub assignments: u64,
    pub reports: u64,
    pub unresolved_agencies: u64,
    pub changes: Vec<String>,
}

/// One wanted assignment.
#[derive(Debug, Clone)]
struct Wanted {
    agency_id: i64,
    role: Role,
    via_group: Option<String>,
    unit: Option<String>,
    raw: String,
}

static DOC_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(nghị quyết|quyết định|thông báo|văn bản|kế hoạch|chỉ thị|công văn|quy định|kết luận|nghị định|thông tư|luật)?\s*(?:số\s*)?(\d+(?:\.\d+)?(?:/\d{4})?[/-][A-ZĐ][A-ZĐa-zđ0-9]*(?:[-/][A-ZĐ][A-ZĐa-zđ0-9]*)*)(?:\s+ngày\s+(\d{1,2}/\d{1,2}/\d{4}))?")
        .expect("static regex")
});

/// Document symbols named in a basis cell: ("71/NQ-CP", kind, date).
pub fn basis_documents(basis: &str) -> Vec<(String, Option<String>, Option<Date>)> {
    let mut out: Vec<(String, Option<String>, Option<Date>)> = Vec::new();
    for c in DOC_SYMBOL.captures_iter(basis) {
        let Some(sym) = c.get(2).map(|m| m.as_str().to_string()) else {
            continue;
        };
        if !sym.contains('/') && !sym.contains('-') {
            continue;
        }
        let kind = c.get(1).map(|m| tiendo_domain::text::clean(m.as_str()));
        let date = c
            .get(3)
            .and_then(|m| tiendo_domain::deadline::parse_user_date(m.as_str()));
        if !out.iter().any(|(s, _, _)| *s == sym) {
            out.push((sym, kind, date));
        }
    }
    out
}

/// Links a task to the documents its basis names ("Thông báo số 624/TB-VPCP"), recording each
/// document the first time it is named.
pub(crate) async fn link_basis_documents(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    committee: i64,
    task: i64,
    basis: &str,
    ts: &str,
) -> Result<()> {
    for (sym, kind, date) in basis_documents(basis) {
        let doc: i64 = sqlx::query_scalar(
            "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, NULL, NULL, NULL, $6, $6)
             ON CONFLICT (committee_id, doc_key) DO UPDATE SET issued_on = COALESCE(documents.issued_on, excluded.issued_on), updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(committee)
        .bind(format!("symbol:{sym}"))
        .bind(&sym)
        .bind(kind.unwrap_or_else(|| "văn bản".into()))
        .bind(date.map(iso))
        .bind(ts)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO task_documents (task_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(task)
            .bind(doc)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Db {
    pub async fn import_document(&self, input: ImportInput<'_>) -> Result<ImportSummary> {
        let reg = self.load_registry_for(input.committee).await?;
        let committee = match input.committee {
            Some(code) => self
                .committee_id(code)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("ban chỉ đạo mã {code}")))?,
            None => default_committee_id(self).await?,
        };
        let mut tx = self.pool().begin().await?;
        let ts = now();
        let mut summary = ImportSummary::default();

        let doc_id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
             VALUES ($1, $2, NULL, 'appendix', NULL, NULL, $3, $4, $5, $5)
             ON CONFLICT (committee_id, doc_key) DO UPDATE SET title = COALESCE(excluded.title, documents.title), file_name = excluded.file_name, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(committee)
        .bind(input.doc_key)
        .bind(input.title.clone())
        .bind(input.file_name)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        summary.document_id = doc_id;

        type ExistingRow = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        );
        let existing: Vec<ExistingRow> = sqlx::query_as(
            "SELECT id, number, name, name_key, deadline_raw, expected_result, basis, due_on, headings, lead_raw, coordinators_raw FROM tasks WHERE document_id = $1 ORDER BY id",
        )
        .bind(doc_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut by_number: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in existing.iter().enumerate() {
            if !e.1.is_empty() {
                by_number.entry(e.1.clone()).or_default().push(i);
            }
            by_name.entry(e.3.clone()).or_default().push(i);
        }
        let mut used: HashSet<usize> = HashSet::new();

        for (pos, t) in input.tasks.iter().enumerate() {
            if let Some(p) = input.progress
                && pos > 0
                && pos % 250 == 0
            {
                p(pos, input.tasks.len());
            }
            let key = name_key(&t.name);
            let headings = serde_json::to_string(&t.headings).unwrap_or_else(|_| "[]".into());
            let extra = serde_json::to_string(&t.extra).unwrap_or_else(|_| "[]".into());
            let lead_raw = join_raw(&t.lead);
            let coord_raw = join_raw(&t.coordinators);
            // Same number and same text first, then same number, then same text.
            let pick = |cands: Option<&Vec<usize>>,
                        used: &HashSet<usize>,
                        want_name: bool|
             -> Option<usize> {
                cands?
                    .iter()
                    .copied()
                    .find(|i| !used.contains(i) && (!want_name || existing[*i].3 == key))
            };
            let matched = if t.number.is_empty() {
                pick(by_name.get(&key), &used, false)
            } else {
                pick(by_number.get(&t.number), &used, true)
                    .or_else(|| pick(by_number.get(&t.number), &used, false))
                    .or_else(|| pick(by_name.get(&key), &used, false))
            };
            let due = t.deadline.due.map(iso);
            let task_id = match matched {
                Some(i) => {
                    used.insert(i);
                    let e = &existing[i];
                    let before = json!({ "number": e.1, "name": e.2, "deadline": e.4, "expected_result": e.5, "basis": e.6, "headings": e.8, "lead": e.9, "coordinators": e.10 });
                    let after = json!({ "number": t.number, "name": t.name, "deadline": t.deadline.raw, "expected_result": t.expected_result, "basis": t.basis, "headings": headings, "lead": lead_raw, "coordinators": coord_raw });
                    let changed: Vec<String> = before
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, v)| after.get(k.as_str()) != Some(v))
                        .map(|(k, _)| k.clone())
                        .collect();
                    sqlx::query(
                        "UPDATE tasks SET number = $1, name = $2, name_key = $3, headings = $4, expected_result = $5, basis = $6, extra = $7, lead_raw = $8, coordinators_raw = $9, source = $10, position = $11, updated_at = $12, updated_by = $13, overseer = COALESCE($15, overseer) WHERE id = $14",
                    )
                    .bind(&t.number)
                    .bind(&t.name)
                    .bind(&key)
                    .bind(&headings)
                    .bind(t.expected_result.clone())
                    .bind(t.basis.clone())
                    .bind(&extra)
                    .bind(&lead_raw)
                    .bind(&coord_raw)
                    .bind(t.source.clone())
                    .bind(pos as i64)
                    .bind(&ts)
                    .bind(input.actor)
                    .bind(e.0)
                    .bind(t.overseer.clone())
                    .execute(&mut *tx)
                    .await?;
                    if e.4 != t.deadline.raw || e.7 != due {
                        // A new deadline in a later version of the appendix: in force from the date
                        // the file describes; the original stays in the task's history.
                        sqlx::query(
                            "INSERT INTO deadline_changes (task_id, assignment_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)
                             VALUES ($1, NULL, $2, $3, $4, $5, $6, NULL, 'approved', $7, $8)",
                        )
                        .bind(e.0)
                        .bind(iso(input.reported_on))
                        .bind(t.deadline.kind.as_str())
                        .bind(due.clone())
                        .bind(&t.deadline.raw)
                        .bind(format!("Thời hạn mới theo tệp {}", input.file_name))
                        .bind(&ts)
                        .bind(input.actor)
                        .execute(&mut *tx)
                        .await?;
                    }
                    if changed.is_empty() {
                        summary.tasks_unchanged += 1;
                    } else {
                        summary.tasks_updated += 1;
                        summary.changes.push(format!(
                            "nhiệm vụ {}: thay đổi {}",
                            t.number,
                            changed.join(", ")
                        ));
                        Db::audit(
                            &mut tx,
                            input.actor,
                            "task.updated",
                            "task",
                            Some(e.0),
                            Some(&before),
                            Some(&after),
                        )
                        .await?;
                    }
                    e.0
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO tasks (committee_id, document_id, number, name, name_key, headings, expected_result, deadline_raw, deadline_kind, due_on, deadline_before, deadline_note, basis, overseer, secret, parent_task_id, extra, lead_raw, coordinators_raw, source, position, created_at, updated_at, updated_by)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $21, 0, NULL, $14, $15, $16, $17, $18, $19, $19, $20) RETURNING id",
                    )
                    .bind(committee)
                    .bind(doc_id)
                    .bind(&t.number)
                    .bind(&t.name)
                    .bind(&key)
                    .bind(&headings)
                    .bind(t.expected_result.clone())
                    .bind(&t.deadline.raw)
                    .bind(t.deadline.kind.as_str())
                    .bind(due.clone())
                    .bind(i64::from(t.deadline.before))
                    .bind(t.deadline.note.clone())
                    .bind(t.basis.clone())
                    .bind(&extra)
                    .bind(&lead_raw)
                    .bind(&coord_raw)
                    .bind(t.source.clone())
                    .bind(pos as i64)
                    .bind(&ts)
                    .bind(input.actor)
                    .bind(t.overseer.clone())
                    .fetch_one(&mut *tx)
                    .await?;
                    summary.tasks_created += 1;
                    Db::audit(
                        &mut tx,
                        input.actor,
                        "task.created",
                        "task",
                        Some(id),
                        None,
                        Some(
                            &json!({ "number": t.number, "name": t.name, "file": input.file_name }),
                        ),
                    )
                    .await?;
                    id
                }
            };

            // The documents the task was assigned by.
            if let Some(basis) = &t.basis {
                link_basis_documents(&mut tx, committee, task_id, basis, &ts).await?;
            }

            // Agencies the registry could not name: kept as written.
            sqlx::query("DELETE FROM task_unresolved_agencies WHERE task_id = $1")
                .bind(task_id)
                .execute(&mut *tx)
                .await?;
            for (role, refs) in [(Role::Lead, &t.lead), (Role::Coordinator, &t.coordinators)] {
                for r in refs.iter().filter(|r| r.kind == RefKind::Unresolved) {
                    summary.unresolved_agencies += 1;
                    sqlx::query("INSERT INTO task_unresolved_agencies (task_id, role, text) VALUES ($1, $2, $3)")
                        .bind(task_id)
                        .bind(role.as_str())
                        .bind(&r.name)
                        .execute(&mut *tx)
                        .await?;
                }
            }

            // One assignment per agency and role; groups expanded to their members on the date.
            let mut wanted = expand(&reg, &t.lead, Role::Lead, input.reported_on);
            wanted.extend(expand(
                &reg,
                &t.coordinators,
                Role::Coordinator,
                input.reported_on,
            ));
            let incomplete = expand(&reg, &t.incomplete_units, Role::Lead, input.reported_on);
            for w in &incomplete {
                if !wanted
                    .iter()
                    .any(|x| x.agency_id == w.agency_id && x.role == Role::Lead)
                {
                    wanted.push(w.clone());
                }
            }
            let mut seen: HashSet<(i64, Role)> = HashSet::new();
            wanted.retain(|w| seen.insert((w.agency_id, w.role)));
            // A lead is never also its own coordinator ("Bộ Công an chủ trì, phối hợp các bộ,
            // ngành": the group's expansion leaves the lead out).
            let leads: HashSet<i64> = wanted
                .iter()
                .filter(|w| w.role == Role::Lead)
                .map(|w| w.agency_id)
                .collect();
            wanted.retain(|w| w.role == Role::Lead || !leads.contains(&w.agency_id));
            // What the task had before: an agency added (or brought back) by a later version of
            // the appendix is assigned from the day that version describes.
            let before: Vec<(i64, String, i64)> = if matched.is_some() {
                sqlx::query_as("SELECT agency_id, role, active FROM assignments WHERE task_id = $1")
                    .bind(task_id)
                    .fetch_all(&mut *tx)
                    .await?
            } else {
                Vec::new()
            };
            let mut assignment_ids: Vec<(i64, i64, Role)> = Vec::new();
            for w in &wanted {
                let was = before
                    .iter()
                    .find(|b| b.0 == w.agency_id && b.1 == w.role.as_str())
                    .map(|b| b.2 == 1);
                let newly = matched.is_some() && was != Some(true);
                let aid: i64 = sqlx::query_scalar(
                    "INSERT INTO assignments (task_id, agency_id, role, via_group, unit, raw, active, created_at, updated_at, assigned_on)
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)
                     ON CONFLICT (task_id, agency_id, role) DO UPDATE SET active = 1, removed_on = NULL,
                        assigned_on = CASE WHEN assignments.active = 0 THEN excluded.assigned_on ELSE assignments.assigned_on END,
                        via_group = excluded.via_group, unit = excluded.unit, raw = excluded.raw, updated_at = excluded.updated_at
                     RETURNING id",
                )
                .bind(task_id)
                .bind(w.agency_id)
                .bind(w.role.as_str())
                .bind(w.via_group.clone())
                .bind(w.unit.clone())
                .bind(&w.raw)
                .bind(&ts)
                .bind(newly.then(|| iso(input.reported_on)))
                .fetch_one(&mut *tx)
                .await?;
                if newly {
                    let name = reg.names.get(&w.agency_id).cloned().unwrap_or_default();
                    summary.changes.push(format!(
                        "nhiệm vụ {}: thêm {} ({})",
                        t.number,
                        name,
                        w.role.as_str()
                    ));
                    Db::audit(
                        &mut tx,
                        input.actor,
                        "assignment.added",
                        "task",
                        Some(task_id),
                        None,
                        Some(&json!({ "agency": name, "role": w.role.as_str(), "from": iso(input.reported_on) })),
                    )
                    .await?;
                }
                assignment_ids.push((aid, w.agency_id, w.role));
            }
            summary.assignments += assignment_ids.len() as u64;
            let keep: Vec<i64> = assignment_ids.iter().map(|a| a.0).collect();
            let active: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT id, agency_id, role FROM assignments WHERE task_id = $1 AND active = 1",
            )
            .bind(task_id)
            .fetch_all(&mut *tx)
            .await?;
            for (aid, agency, role) in active.into_iter().filter(|a| !keep.contains(&a.0)) {
                sqlx::query("UPDATE assignments SET active = 0, removed_on = $1, updated_at = $2 WHERE id = $3")
                    .bind(iso(input.reported_on))
                    .bind(&ts)
                    .bind(aid)
                    .execute(&mut *tx)
                    .await?;
                let name = reg.names.get(&agency).cloned().unwrap_or_default();
                summary
                    .changes
                    .push(format!("nhiệm vụ {}: bỏ {} ({role})", t.number, name));
                Db::audit(
                    &mut tx,
                    input.actor,
                    "assignment.removed",
                    "task",
                    Some(task_id),
                    Some(&json!({ "agency": name, "role": role })),
                    Some(&json!({ "removed_on": iso(input.reported_on) })),
                )
                .await?;
            }

            // Status columns become reports dated --reported-on.
            let reports = status_reports(t, &assignment_ids, &incomplete);
            // "Đã hoàn thành" without "quá hạn": the document says it was done in time, so it was
            // done by the due date at the latest; when exactly is unknown.
            let completed_on = match t.deadline.due {
                Some(due) if due < input.reported_on => due,
                _ => input.reported_on,
            };
            let source_key = format!("{}#{}", input.doc_key, iso(input.reported_on));
            for (aid, status, text) in reports {
                let completed = (status == Some(ReportedStatus::Done)).then(|| iso(completed_on));
                sqlx::query("DELETE FROM progress_reports WHERE assignment_id = $1 AND reported_on = $2 AND source = 'import' AND source_key = $3")
                    .bind(aid)
                    .bind(iso(input.reported_on))
                    .bind(&source_key)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO progress_reports (assignment_id, reported_on, status, completed_on, text, source, source_key, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, 'import', $6, $7, $8)",
                )
                .bind(aid)
                .bind(iso(input.reported_on))
                .bind(status.map(|s| s.as_str()))
                .bind(completed)
                .bind(text)
                .bind(&source_key)
                .bind(&ts)
                .bind(input.actor)
                .execute(&mut *tx)
                .await?;
                summary.reports += 1;
            }
        }

        sqlx::query(
            "INSERT INTO imports (document_id, file_name, reported_on, tasks_created, tasks_updated, assignments, warnings, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(doc_id)
        .bind(input.file_name)
        .bind(iso(input.reported_on))
        .bind(summary.tasks_created as i64)
        .bind(summary.tasks_updated as i64)
        .bind(summary.assignments as i64)
        .bind(serde_json::to_string(input.warnings).unwrap_or_else(|_| "[]".into()))
        .bind(&ts)
        .bind(input.actor)
        .execute(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            input.actor,
            "document.imported",
            "document",
            Some(doc_id),
            None,
            Some(&json!({ "file": input.file_name, "tasks": input.tasks.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }
}

fn join_raw(refs: &[AgencyRef]) -> String {
    refs.iter()
        .map(|r| r.raw.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Agencies to assign for resolved references: an agency (its successor when it no longer exists
/// on the date), or every member of a group on the date. Unresolved text assigns nobody.
fn expand(reg: &StoredRegistry, refs: &[AgencyRef], role: Role, on: Date) -> Vec<Wanted> {
    let mut out = Vec::new();
    for r in refs {
        let Some(code) = &r.code else { continue };
        match r.kind {
            RefKind::Agency => {
                let mut code = code.clone();
                // Follow successors (a ministry merged in 2025, a province merged on 1 July 2025).
                for _ in 0..4 {
                    match reg.registry.agency(&code) {
                        Some(a) if !a.valid_on(on) && a.successor.is_some() => {
                            code = a.successor.clone().unwrap_or_default()
                        }
                        _ => break,
                    }
                }
                if let Some(&id) = reg.ids.get(&code) {
                    out.push(Wanted {
                        agency_id: id,
                        role,
                        via_group: None,
                        unit: r.unit.clone(),
                        raw: r.raw.clone(),
                    });
                }
            }
            RefKind::Group => {
                for m in reg.registry.members(code, on) {
                    if let Some(&id) = reg.ids.get(&m.code) {
                        out.push(Wanted {
                            agency_id: id,
                            role,
                            via_group: Some(code.clone()),
                            unit: None,
                            raw: r.raw.clone(),
                        });
                    }
                }
            }
            RefKind::Unresolved => {}
        }
    }
    out
}

/// The reports a row's status columns stand for: "Đơn vị chưa hoàn thành" marks those agencies not
/// done and the other leads done; otherwise a "Tiến độ" status and a "Kết quả thực hiện" text apply
/// to every lead.
fn status_reports(
    t: &ParsedTask,
    assignments: &[(i64, i64, Role)],
    incomplete: &[Wanted],
) -> Vec<(i64, Option<ReportedStatus>, Option<String>)> {
    let leads = assignments.iter().filter(|a| a.2 == Role::Lead);
    if !incomplete.is_empty() {
        let late: HashSet<i64> = incomplete.iter().map(|w| w.agency_id).collect();
        let done = if t.status == Some(ReportedStatus::DoneLate) {
            ReportedStatus::DoneLate
        } else {
            ReportedStatus::Done
        };
        return leads
            .map(|a| {
                let s = if late.contains(&a.1) {
                    if t.status == Some(ReportedStatus::InProgress) {
                        ReportedStatus::InProgress
                    } else {
                        ReportedStatus::NotDone
                    }
                } else {
                    done
                };
                (a.0, Some(s), t.progress_report.clone())
            })
            .collect();
    }
    if t.status.is_none() && t.progress_report.is_none() {
        return Vec::new();
    }
    leads
        .map(|a| (a.0, t.status, t.progress_report.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_symbols() {
        let b = basis_documents(
            "Quyết định số 125/QĐ-TTg ngày 16/01/2026; Quyết định 2835/QĐ-TTg ngày 31/12/2025, Nghị quyết số 71/NQ-CP, Các Thông báo: số 30-TB/TGV, số 53-TB/TGV; Nghị quyết 66.7/2025/NQ-CP",
        );
        let syms: Vec<&str> = b.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            syms,
            vec![
                "125/QĐ-TTg",
                "2835/QĐ-TTg",
                "71/NQ-CP",
                "30-TB/TGV",
                "53-TB/TGV",
                "66.7/2025/NQ-CP"
            ]
        );
        assert_eq!(b[0].1.as_deref(), Some("Quyết định"));
        assert_eq!(b[0].2.map(iso).as_deref(), Some("2026-01-16"));
    }
}
