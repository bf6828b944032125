//! One task typed in (the browser's form, `POST /api/tasks`): its "6 rõ" fields read the way a
//! document's row is read — the deadline by [`crate::deadline::parse_deadline`], the agencies by
//! the registry's resolver, so "Các bộ, ngành, địa phương" becomes its group — and what cannot
//! stand refused field by field, so the person typing can mend it.

use time::Date;

use crate::agency::{RefKind, Registry};
use crate::deadline::{DeadlineContext, DeadlineKind, parse_deadline};
use crate::model::ParsedTask;
use crate::text::{TextProblem, TypedText, has_markup};

/// The fields as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TaskFields {
    /// Its number in its document ("5", "II.3"); the next free one when left empty.
    #[serde(default)]
    pub number: String,
    /// The heading it stands under ("Mục"), optional.
    #[serde(default)]
    pub heading: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub coordinators: String,
    #[serde(default)]
    pub expected_result: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub overseer: String,
}

/// A field that cannot stand, and why, in the users' words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

/// The task as it would be stored, or the fields to mend.
pub fn draft(
    f: &TaskFields,
    registry: &Registry,
    on: Date,
) -> Result<ParsedTask, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut problem =
        |field: &'static str, message: String| problems.push(FieldProblem { field, message });
    let all = [
        ("number", &f.number),
        ("heading", &f.heading),
        ("name", &f.name),
        ("lead", &f.lead),
        ("coordinators", &f.coordinators),
        ("expected_result", &f.expected_result),
        ("deadline", &f.deadline),
        ("basis", &f.basis),
        ("overseer", &f.overseer),
    ];
    for (field, value) in all {
        if has_markup(value) {
            problem(
                field,
                "Có mã HTML hoặc script; hãy gõ văn bản thường.".into(),
            );
        } else if value.chars().count() > TypedText::MAX_CHARS {
            problem(field, format!("Dài quá {} ký tự.", TypedText::MAX_CHARS));
        }
    }
    if matches!(TypedText::parse(&f.name), Err(TextProblem::Empty)) {
        problem("name", "Cần tên nhiệm vụ (làm gì).".into());
    }
    if f.number.chars().count() > 20 {
        problem("number", "Số thứ tự dài quá 20 ký tự.".into());
    }
    let lead = registry.resolve(&f.lead, Some(on));
    if f.lead.trim().is_empty() {
        problem("lead", "Cần cơ quan chủ trì (ai làm).".into());
    } else if let Some(u) = lead.iter().find(|r| r.kind == RefKind::Unresolved) {
        problem(
            "lead",
            format!(
                "Không nhận ra cơ quan “{}”: chọn tên trong danh mục cơ quan, hoặc thêm tên gọi này vào danh mục.",
                u.name
            ),
        );
    }
    let coordinators = registry.resolve(&f.coordinators, Some(on));
    if let Some(u) = coordinators.iter().find(|r| r.kind == RefKind::Unresolved) {
        problem(
            "coordinators",
            format!("Không nhận ra cơ quan “{}”.", u.name),
        );
    }
    let deadline = parse_deadline(
        f.deadline.trim(),
        DeadlineContext {
            document_year: Some(on.year()),
        },
    );
    if f.deadline.trim().is_empty() {
        problem(
            "deadline",
            "Cần thời hạn (khi nào xong): một ngày, tháng, quý, năm, hoặc “Thường xuyên”.".into(),
        );
    } else if deadline.kind == DeadlineKind::Unknown {
        problem(
            "deadline",
            format!(
                "Không đọc được thời hạn “{}” (ví dụ: 30/6/2026, Tháng 9/2026, Quý III/2026, Năm 2026, Thường xuyên).",
                f.deadline.trim()
            ),
        );
    } else if deadline
        .due
        .is_some_and(|d| d.year() < 2000 || d.year() > on.year() + 30)
    {
        problem(
            "deadline",
            format!("Thời hạn “{}” không hợp lý.", f.deadline.trim()),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(ParsedTask {
        number: f.number.trim().to_string(),
        headings: text(&f.heading).into_iter().collect(),
        name: f.name.trim().to_string(),
        lead,
        coordinators,
        expected_result: text(&f.expected_result),
        deadline,
        basis: text(&f.basis),
        progress_report: None,
        status: None,
        status_raw: None,
        incomplete_units: Vec::new(),
        source: Some("nhập trực tiếp".into()),
        overseer: text(&f.overseer),
        extra: Vec::new(),
        external_id: None,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fields(name: &str, lead: &str, deadline: &str) -> TaskFields {
        TaskFields {
            name: name.into(),
            lead: lead.into(),
            deadline: deadline.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_task_reads_its_agencies_and_deadline_like_a_documents_row() {
        let reg = Registry::default_registry().expect("registry");
        let mut f = fields(
            "Xây dựng cơ sở dữ liệu hộ tịch",
            "Bộ Tư phap",
            "Quý III/2026",
        );
        f.coordinators = "Các bộ, ngành, địa phương; Bộ Công an".into();
        let t = draft(&f, &reg, date!(2026 - 02 - 01)).expect("drafted");
        assert_eq!(
            t.lead[0].name, "Bộ Tư pháp",
            "a typo is corrected as in files"
        );
        assert_eq!(t.deadline.due, Some(date!(2026 - 09 - 30)));
        assert_eq!(t.coordinators[0].kind, RefKind::Group);
        assert_eq!(t.coordinators[1].code.as_deref(), Some("BCA"));
        let t = draft(
            &fields("Theo dõi", "Bộ Y tế", "Thường xuyên"),
            &reg,
            date!(2026 - 02 - 01),
        )
        .expect("recurring");
        assert_eq!(t.deadline.kind, DeadlineKind::Recurring);
    }

    #[test]
    fn what_cannot_stand_is_refused_field_by_field() {
        let reg = Registry::default_registry().expect("registry");
        let e = draft(
            &fields("", "Sở Tài chính", "sớm nhất có thể"),
            &reg,
            date!(2026 - 02 - 01),
        )
        .expect_err("refused");
        let at: Vec<&str> = e.iter().map(|p| p.field).collect();
        assert_eq!(at, ["name", "lead", "deadline"], "{e:?}");
        assert!(e[1].message.contains("Sở Tài chính"));
        let e = draft(
            &fields("Sử dụng thẻ <VNeID> mức 2", "Bộ Công an", "Năm 2026"),
            &reg,
            date!(2026 - 02 - 01),
        );
        assert!(e.is_ok(), "angle brackets are not markup: {e:?}");
        let e = draft(
            &fields("<script>alert(1)</script>", "Bộ Công an", "31/02/2026"),
            &reg,
            date!(2026 - 02 - 01),
        )
        .expect_err("refused");
        assert_eq!(
            e.iter().map(|p| p.field).collect::<Vec<_>>(),
            ["name", "deadline"],
            "{e:?}"
        );
    }
}
