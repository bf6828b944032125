//! Importing a document again (a corrected file, a later version of the same appendix): which
//! stored task each row is, what changed in it, and which agencies it now assigns. Pure: the
//! store reads what it holds, asks this module for the plan, and applies it in one transaction;
//! the preview can show the same plan before anything is stored.

use std::collections::{HashMap, HashSet};

use time::Date;

use crate::agency::{AgencyRef, RefKind, Registry};
use crate::model::{ParsedTask, Role};
use crate::text::name_key;

/// A task of the document as the store holds it: the fields a re-import may change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredTask {
    pub number: String,
    pub name: String,
    pub deadline_raw: String,
    pub due_on: Option<Date>,
    pub expected_result: Option<String>,
    pub basis: Option<String>,
    pub headings: Vec<String>,
    pub lead_raw: String,
    pub coordinators_raw: String,
}

/// The fields compared between a stored task and its row, by the names the audit log uses.
pub const COMPARED_FIELDS: [&str; 8] = [
    "basis",
    "coordinators",
    "deadline",
    "expected_result",
    "headings",
    "lead",
    "name",
    "number",
];

/// What a row of the document is to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskPlan {
    /// No stored task matches: a new task.
    New,
    /// The stored task at this index, with the fields that differ (in [`COMPARED_FIELDS`]
    /// order; empty when nothing did) and whether its deadline is new.
    Existing {
        stored: usize,
        changed: Vec<&'static str>,
        new_deadline: bool,
    },
}

impl TaskPlan {
    /// The preview's word for it: new, changed or unchanged.
    pub fn verdict(&self) -> Verdict {
        match self {
            TaskPlan::New => Verdict::New,
            TaskPlan::Existing { changed, .. } if changed.is_empty() => Verdict::Unchanged,
            TaskPlan::Existing { .. } => Verdict::Changed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    New,
    Changed,
    Unchanged,
}

/// The agencies as the row wrote them, one text ("Bộ Y tế; UBND các tỉnh").
pub fn joined_raw(refs: &[AgencyRef]) -> String {
    refs.iter()
        .map(|r| r.raw.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A task's row as the fields it is compared by.
pub fn as_stored(t: &ParsedTask) -> StoredTask {
    StoredTask {
        number: t.number.clone(),
        name: t.name.clone(),
        deadline_raw: t.deadline.raw.clone(),
        due_on: t.deadline.due,
        expected_result: t.expected_result.clone(),
        basis: t.basis.clone(),
        headings: t.headings.clone(),
        lead_raw: joined_raw(&t.lead),
        coordinators_raw: joined_raw(&t.coordinators),
    }
}

fn changed_fields(before: &StoredTask, after: &StoredTask) -> Vec<&'static str> {
    let same = |f: &str| match f {
        "basis" => before.basis == after.basis,
        "coordinators" => before.coordinators_raw == after.coordinators_raw,
        "deadline" => before.deadline_raw == after.deadline_raw,
        "expected_result" => before.expected_result == after.expected_result,
        "headings" => before.headings == after.headings,
        "lead" => before.lead_raw == after.lead_raw,
        "name" => before.name == after.name,
        _ => before.number == after.number,
    };
    COMPARED_FIELDS.into_iter().filter(|f| !same(f)).collect()
}

/// Matches each row of the document to a stored task of the same document, each stored task to
/// one row at most: same number and same text first, then same number, then same text (its
/// [`name_key`]); a row without a number by its text only. Then says what changed.
pub fn plan_tasks(stored: &[StoredTask], rows: &[ParsedTask]) -> Vec<TaskPlan> {
    plan_tasks_with(stored, rows, &vec![None; rows.len()])
}

/// [`plan_tasks`] where some rows are already known to be some stored tasks (another system's
/// id names them): `known[row]` is that stored task's index. The other rows are matched as
/// [`plan_tasks`] matches, to stored tasks no row is known to be.
pub fn plan_tasks_with(
    stored: &[StoredTask],
    rows: &[ParsedTask],
    known: &[Option<usize>],
) -> Vec<TaskPlan> {
    let keys: Vec<String> = stored.iter().map(|s| name_key(&s.name)).collect();
    let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in stored.iter().enumerate() {
        if !s.number.is_empty() {
            by_number.entry(s.number.as_str()).or_default().push(i);
        }
        by_name.entry(keys[i].as_str()).or_default().push(i);
    }
    let mut used: HashSet<usize> = known.iter().flatten().copied().collect();
    rows.iter()
        .enumerate()
        .map(|(row, t)| {
            let key = name_key(&t.name);
            let pick = |cands: Option<&Vec<usize>>, used: &HashSet<usize>, same_text: bool| {
                cands?
                    .iter()
                    .copied()
                    .find(|i| !used.contains(i) && (!same_text || keys[*i] == key))
            };
            let by_num = by_number.get(t.number.as_str());
            let by_text = by_name.get(key.as_str());
            let matched = if let Some(i) = known.get(row).copied().flatten() {
                Some(i)
            } else if t.number.is_empty() {
                pick(by_text, &used, false)
            } else {
                pick(by_num, &used, true)
                    .or_else(|| pick(by_num, &used, false))
                    .or_else(|| pick(by_text, &used, false))
            };
            match matched {
                None => TaskPlan::New,
                Some(i) => {
                    used.insert(i);
                    let after = as_stored(t);
                    TaskPlan::Existing {
                        stored: i,
                        changed: changed_fields(&stored[i], &after),
                        new_deadline: stored[i].deadline_raw != after.deadline_raw
                            || stored[i].due_on != after.due_on,
                    }
                }
            }
        })
        .collect()
}

/// The column headers (by [`name_key`]) that hold another system's id for each task, when the
/// file is that system's export and no column is named.
const ID_COLUMNS: [&str; 7] = [
    "ma nhiem vu",
    "ma so nhiem vu",
    "ma nv",
    "ma dinh danh",
    "ma",
    "id",
    "ma so",
];

/// Reads another system's id for each task from the file's id column (`column`, or the first
/// of "Mã nhiệm vụ", "Mã số nhiệm vụ", "Mã NV", "Mã định danh", "Mã", "ID", "Mã số" found),
/// into [`ParsedTask::external_id`]; the column stays among the task's extra columns. Refused,
/// with the reason, when no task has the column, a task has no id, an id is not plain text of
/// at most 100 characters, or two tasks have the same id: an export of another system names
/// each of its tasks once, and a row that cannot be matched is not guessed.
pub fn take_external_ids(tasks: &mut [ParsedTask], column: Option<&str>) -> Result<(), String> {
    let wanted: Vec<String> = match column {
        Some(c) => vec![name_key(c)],
        None => ID_COLUMNS.iter().map(|c| c.to_string()).collect(),
    };
    let header = wanted.iter().find(|w| {
        tasks
            .iter()
            .any(|t| t.extra.iter().any(|(h, _)| &name_key(h) == *w))
    });
    let Some(header) = header else {
        return Err(match column {
            Some(c) => format!("không có cột \"{c}\" trong bảng nhiệm vụ"),
            None => "không thấy cột mã nhiệm vụ (Mã nhiệm vụ, Mã số nhiệm vụ, Mã NV, Mã định danh, Mã, ID, Mã số); hãy chỉ rõ tiêu đề cột mã (--id-column, id_column)".into(),
        });
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for t in tasks.iter_mut() {
        let at = t
            .source
            .clone()
            .unwrap_or_else(|| format!("nhiệm vụ {}", t.number));
        let id = t
            .extra
            .iter()
            .find(|(h, _)| &name_key(h) == header)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        if id.is_empty() {
            return Err(format!("{at}: không có mã nhiệm vụ"));
        }
        if !crate::text::is_plain_id(&id) {
            return Err(format!(
                "{at}: mã nhiệm vụ phải là văn bản thường, tối đa 100 ký tự"
            ));
        }
        if let Some(first) = seen.insert(id.clone(), at.clone()) {
            return Err(format!("mã nhiệm vụ {id} có ở cả {first} và {at}"));
        }
        t.external_id = Some(id);
    }
    Ok(())
}

/// One assignment a row asks for, by registry code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedAssignment {
    pub code: String,
    pub role: Role,
    /// The group it came from ("UBND các tỉnh"), when it came from one.
    pub via_group: Option<String>,
    pub unit: Option<String>,
    /// The agency cell as written.
    pub raw: String,
}

/// The agencies references stand for on a date: an agency (its successor when it no longer
/// exists on the date), or every member of a group on the date. Unresolved text assigns nobody.
pub fn expand(reg: &Registry, refs: &[AgencyRef], role: Role, on: Date) -> Vec<WantedAssignment> {
    let mut out = Vec::new();
    for r in refs {
        let Some(code) = &r.code else { continue };
        match r.kind {
            RefKind::Agency => {
                let mut code = code.clone();
                // Follow successors (a ministry merged in 2025, a province merged on 1 July 2025).
                for _ in 0..4 {
                    match reg.agency(&code) {
                        Some(a) if !a.valid_on(on) => match &a.successor {
                            Some(next) => code = next.clone(),
                            None => break,
                        },
                        _ => break,
                    }
                }
                out.push(WantedAssignment {
                    code,
                    role,
                    via_group: None,
                    unit: r.unit.clone(),
                    raw: r.raw.clone(),
                });
            }
            RefKind::Group => {
                for m in reg.members(code, on) {
                    out.push(WantedAssignment {
                        code: m.code.clone(),
                        role,
                        via_group: Some(code.clone()),
                        unit: None,
                        raw: r.raw.clone(),
                    });
                }
            }
            RefKind::Unresolved => {}
        }
    }
    out
}

/// The assignments a row asks for: one per agency and role, its leads, its coordinators, and
/// the agencies its "Đơn vị chưa hoàn thành" names (leads that have not finished). A lead is
/// never also its own coordinator ("Bộ Công an chủ trì, phối hợp các bộ, ngành": the group's
/// expansion leaves the lead out). Returns (every assignment, the unfinished ones).
pub fn wanted_assignments(
    reg: &Registry,
    t: &ParsedTask,
    on: Date,
) -> (Vec<WantedAssignment>, Vec<WantedAssignment>) {
    let mut wanted = expand(reg, &t.lead, Role::Lead, on);
    wanted.extend(expand(reg, &t.coordinators, Role::Coordinator, on));
    let unfinished = expand(reg, &t.incomplete_units, Role::Lead, on);
    for w in &unfinished {
        if !wanted
            .iter()
            .any(|x| x.code == w.code && x.role == Role::Lead)
        {
            wanted.push(w.clone());
        }
    }
    let mut seen: HashSet<(String, Role)> = HashSet::new();
    wanted.retain(|w| seen.insert((w.code.clone(), w.role)));
    let leads: HashSet<String> = wanted
        .iter()
        .filter(|w| w.role == Role::Lead)
        .map(|w| w.code.clone())
        .collect();
    wanted.retain(|w| w.role == Role::Lead || !leads.contains(&w.code));
    (wanted, unfinished)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::{DeadlineContext, parse_deadline};

    fn row(number: &str, name: &str, deadline: &str) -> ParsedTask {
        ParsedTask {
            number: number.into(),
            headings: Vec::new(),
            name: name.into(),
            lead: Vec::new(),
            coordinators: Vec::new(),
            expected_result: None,
            deadline: parse_deadline(deadline, DeadlineContext::default()),
            basis: None,
            progress_report: None,
            status: None,
            status_raw: None,
            incomplete_units: Vec::new(),
            source: None,
            overseer: None,
            extra: Vec::new(),
            external_id: None,
            notes: Vec::new(),
        }
    }

    fn stored(rows: &[ParsedTask]) -> Vec<StoredTask> {
        rows.iter().map(as_stored).collect()
    }

    fn with_id(mut t: ParsedTask, header: &str, id: &str) -> ParsedTask {
        t.extra.push((header.into(), id.into()));
        t.source = Some(format!("dòng {}", t.number));
        t
    }

    #[test]
    fn a_row_known_by_its_id_is_that_task_whatever_its_number_and_text() {
        let before = vec![
            row("1", "Xây dựng Đề án", "Quý I/2026"),
            row("2", "Hoàn thành cơ sở dữ liệu", "Thường xuyên"),
        ];
        // The other system renumbered and renamed: its ids say row 1 is stored task 1 (the
        // database one), row 2 is new, though its number and text are stored task 0's.
        let rows = vec![
            row("1", "Hoàn thành cơ sở dữ liệu quốc gia", "Thường xuyên"),
            row("2", "Xây dựng Đề án", "Quý I/2026"),
        ];
        let plan = plan_tasks_with(&stored(&before), &rows, &[Some(1), None]);
        assert!(
            matches!(
                &plan[0],
                TaskPlan::Existing { stored: 1, changed, new_deadline: false } if changed == &vec!["name", "number"]
            ),
            "{plan:?}"
        );
        // Stored task 0 is still free: row 2 matches it by number and text.
        assert!(
            matches!(&plan[1], TaskPlan::Existing { stored: 0, .. }),
            "{plan:?}"
        );
        let plan = plan_tasks_with(&stored(&before), &rows, &[Some(0), Some(1)]);
        assert!(
            matches!(&plan[1], TaskPlan::Existing { stored: 1, .. }),
            "{plan:?}"
        );
    }

    #[test]
    fn ids_are_read_from_the_id_column_and_refused_when_missing_or_repeated() {
        let mut rows = vec![
            with_id(row("1", "A", "Quý I/2026"), "Mã nhiệm vụ", " NV-01 "),
            with_id(row("2", "B", "Quý I/2026"), "Mã nhiệm vụ", "NV-02"),
        ];
        assert_eq!(take_external_ids(&mut rows, None), Ok(()));
        assert_eq!(rows[0].external_id.as_deref(), Some("NV-01"));
        assert_eq!(rows[1].external_id.as_deref(), Some("NV-02"));
        assert_eq!(
            rows[0].extra.len(),
            1,
            "the column is kept among the extra ones"
        );

        let mut named = vec![with_id(row("1", "A", ""), "Số hiệu NQ57", "X-9")];
        assert!(take_external_ids(&mut named.clone(), None).is_err());
        assert_eq!(take_external_ids(&mut named, Some("so hieu nq57")), Ok(()));
        assert_eq!(named[0].external_id.as_deref(), Some("X-9"));

        let mut missing = vec![
            with_id(row("1", "A", ""), "ID", "7"),
            with_id(row("2", "B", ""), "ID", "  "),
        ];
        let e = take_external_ids(&mut missing, None).unwrap_err();
        assert!(e.contains("dòng 2"), "{e}");
        let mut repeated = vec![
            with_id(row("1", "A", ""), "ID", "7"),
            with_id(row("2", "B", ""), "ID", "7"),
        ];
        let e = take_external_ids(&mut repeated, None).unwrap_err();
        assert!(e.contains("dòng 1") && e.contains("dòng 2"), "{e}");
        let mut marked = vec![with_id(row("1", "A", ""), "ID", "<b>7</b>")];
        assert!(take_external_ids(&mut marked, None).is_err());
        let mut none = vec![row("1", "A", "")];
        assert!(take_external_ids(&mut none, None).is_err());
    }

    #[test]
    fn the_same_file_again_changes_nothing() {
        let rows = vec![
            row("1", "Xây dựng Đề án", "Quý I/2026"),
            row("2", "Hoàn thành cơ sở dữ liệu", "Thường xuyên"),
        ];
        let plan = plan_tasks(&stored(&rows), &rows);
        assert_eq!(
            plan.iter().map(TaskPlan::verdict).collect::<Vec<_>>(),
            [Verdict::Unchanged, Verdict::Unchanged]
        );
    }

    #[test]
    fn a_later_version_is_matched_by_number_then_text() {
        let before = vec![
            row("1", "Xây dựng Đề án", "Quý I/2026"),
            row("2", "Hoàn thành cơ sở dữ liệu", "Tháng 6/2026"),
            row("3", "Tổ chức hội nghị", "Năm 2026"),
        ];
        // Row 1's deadline moved; rows 2 and 3 changed texts; a new row 4.
        let after = vec![
            row("1", "Xây dựng Đề án", "Quý II/2026"),
            row("2", "Tổ chức hội nghị", "Năm 2026"),
            row("3", "Hoàn thành cơ sở dữ liệu", "Tháng 6/2026"),
            row("4", "Báo cáo Thủ tướng", "Tháng 12/2026"),
        ];
        let plan = plan_tasks(&stored(&before), &after);
        assert_eq!(
            plan[0],
            TaskPlan::Existing {
                stored: 0,
                changed: vec!["deadline"],
                new_deadline: true
            }
        );
        // A number keeps its task when the text under it changed: row 2 is still task 2, with its
        // new name and deadline.
        assert_eq!(
            plan[1],
            TaskPlan::Existing {
                stored: 1,
                changed: vec!["deadline", "name"],
                new_deadline: true
            }
        );
        assert!(matches!(plan[2], TaskPlan::Existing { stored: 2, .. }));
        assert_eq!(plan[3], TaskPlan::New);
    }

    #[test]
    fn the_same_text_twice_matches_two_stored_tasks_once_each() {
        let before = vec![
            row("", "Rà soát", "Năm 2026"),
            row("", "Rà soát", "Năm 2026"),
        ];
        let after = vec![
            row("", "Rà soát", "Năm 2026"),
            row("", "Rà soát", "Năm 2026"),
            row("", "Rà soát", "Năm 2026"),
        ];
        let plan = plan_tasks(&stored(&before), &after);
        assert!(matches!(plan[0], TaskPlan::Existing { stored: 0, .. }));
        assert!(matches!(plan[1], TaskPlan::Existing { stored: 1, .. }));
        assert_eq!(plan[2], TaskPlan::New);
    }

    #[test]
    fn text_differing_only_in_case_and_spacing_is_the_same_task() {
        let before = vec![row("5", "Xây dựng  đề án", "Quý I/2026")];
        let after = vec![row("7", "Xây dựng đề án", "Quý I/2026")];
        let plan = plan_tasks(&stored(&before), &after);
        assert_eq!(
            plan[0],
            TaskPlan::Existing {
                stored: 0,
                changed: vec!["name", "number"],
                new_deadline: false
            }
        );
    }

    #[test]
    fn a_lead_is_not_its_own_coordinator_and_groups_expand_on_the_date() {
        let reg = Registry::default_registry().expect("registry");
        let on = time::macros::date!(2026 - 03 - 01);
        let mut t = row("1", "Triển khai", "Quý I/2026");
        t.lead = reg.resolve("Bộ Công an", Some(on));
        t.coordinators = reg.resolve("các bộ, ngành", Some(on));
        let (wanted, unfinished) = wanted_assignments(&reg, &t, on);
        assert!(unfinished.is_empty());
        let leads: Vec<&str> = wanted
            .iter()
            .filter(|w| w.role == Role::Lead)
            .map(|w| w.code.as_str())
            .collect();
        assert_eq!(leads, ["BCA"]);
        let coordinators: Vec<&WantedAssignment> = wanted
            .iter()
            .filter(|w| w.role == Role::Coordinator)
            .collect();
        assert!(coordinators.len() > 10, "{}", coordinators.len());
        assert!(coordinators.iter().all(|w| w.code != "BCA"));
        assert!(coordinators.iter().all(|w| w.via_group.is_some()));
    }
}
