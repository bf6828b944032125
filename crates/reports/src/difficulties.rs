//! The register of difficulties on a date, grouped into ministries and localities.

use crate::{Presentation, Visible, col, subtitle};
use serde::Serialize;
use tiendo_domain::agency::AgencyKind;
use tiendo_domain::deadline::vn;
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::difficulties::Difficulty;
use time::Date;

/// Raising agencies that are localities (the report's second group).
fn is_local(kind: &str) -> bool {
    AgencyKind::parse(kind)
        .is_some_and(|k| k.is_local() || matches!(k, AgencyKind::Department | AgencyKind::Commune))
}

/// The difficulties as they stood on `as_of`: raised by then, answered only if answered by then.
pub fn difficulties_as_of(all: Vec<Difficulty>, as_of: Date) -> Vec<Difficulty> {
    all.into_iter()
        .filter(|d| d.raised_on <= as_of)
        .map(|mut d| {
            if d.answered_on.is_some_and(|a| a > as_of) {
                d.state = "open".into();
                d.answer = None;
                d.answered_on = None;
                d.answered_by = None;
            }
            for h in &mut d.handlers {
                if h.answered_on.is_some_and(|a| a > as_of) {
                    h.state = "open".into();
                    h.answer = None;
                    h.answered_on = None;
                    h.answered_by = None;
                }
            }
            d
        })
        .collect()
}

/// The difficulties the reader may see (those of visible tasks, and those on no task).
pub fn visible_difficulties(all: Vec<Difficulty>, visible: Visible<'_>) -> Vec<Difficulty> {
    all.into_iter()
        .filter(|d| d.task_id.is_none_or(visible))
        .collect()
}

/// Every answer given: the standing agency's, then each handling agency's under its name.
fn answers_text(d: &Difficulty) -> String {
    let mut out: Vec<String> = d.answer.iter().cloned().collect();
    let several = d.handlers.len() > 1;
    for h in &d.handlers {
        if let Some(a) = &h.answer {
            out.push(if several || d.answer.is_some() {
                format!("{}: {a}", h.name)
            } else {
                a.clone()
            });
        }
    }
    out.join("\n")
}

/// The register of difficulties on a date, with its totals.
#[derive(Debug, Clone, Serialize)]
pub struct DifficultyRegister {
    #[serde(serialize_with = "crate::ser_date")]
    pub as_of: Date,
    pub total: usize,
    pub open: usize,
    pub answer_overdue: usize,
    pub difficulties: Vec<Difficulty>,
}

impl DifficultyRegister {
    pub fn of(difficulties: Vec<Difficulty>, as_of: Date) -> DifficultyRegister {
        DifficultyRegister {
            as_of,
            total: difficulties.len(),
            open: difficulties
                .iter()
                .filter(|d| d.state != "answered")
                .count(),
            answer_overdue: difficulties
                .iter()
                .filter(|d| d.answer_overdue(as_of))
                .count(),
            difficulties,
        }
    }
}

/// The group of the difficulties table a row falls in: ministries and central bodies (false),
/// localities (true), or none when the raising agency is not identified.
fn group_of(d: &Difficulty) -> Option<bool> {
    d.agency_kind.as_deref().map(is_local)
}

/// The difficulties table: agency, difficulty, agency that must resolve it, answer and its state,
/// grouped into ministries and central bodies, then localities, then those whose raising agency
/// the document did not name as one agency of the registry.
pub fn difficulties_doc(register: &DifficultyRegister, p: &Presentation) -> OfficialDoc {
    let (rows, as_of) = (&register.difficulties, register.as_of);
    let mut table = Vec::new();
    let mut n = 0;
    for (title, want) in [
        ("A. CÁC BỘ, NGÀNH, CƠ QUAN TRUNG ƯƠNG", Some(false)),
        ("B. CÁC ĐỊA PHƯƠNG", Some(true)),
        ("C. CƠ QUAN NÊU CHƯA XÁC ĐỊNH", None),
    ] {
        let group: Vec<_> = rows.iter().filter(|r| group_of(r) == want).collect();
        if group.is_empty() {
            continue;
        }
        table.push(TableRow::Heading(title.into()));
        for r in group {
            n += 1;
            let task = match (&r.task_number, &r.task_name) {
                (Some(num), Some(name)) => format!("\nNhiệm vụ {num}: {name}"),
                _ => String::new(),
            };
            let day = |d: &Option<Date>| d.map(vn).unwrap_or_default();
            let state = if r.state == "answered" {
                format!("Đã trả lời ngày {}", day(&r.answered_on))
            } else if r.answer_overdue(as_of) {
                format!("Quá hạn trả lời (hạn {})", day(&r.next_answer_due()))
            } else if r.next_answer_due().is_some() {
                format!("Chưa trả lời (hạn {})", day(&r.next_answer_due()))
            } else {
                "Chưa trả lời".to_string()
            };
            table.push(TableRow::Cells(vec![
                Value::Number(n),
                Value::Text(r.raised_by()),
                Value::Text(format!("{}{task}", r.text)),
                Value::Text(if r.handlers.is_empty() {
                    "Cơ quan thường trực".into()
                } else {
                    r.handlers
                        .iter()
                        .map(|h| match h.state.as_str() {
                            "answered" => {
                                format!("{} (đã trả lời {})", h.name, day(&h.answered_on))
                            }
                            // Settled by the standing agency before this agency answered.
                            _ if r.state == "answered" => h.name.clone(),
                            _ if h.overdue(as_of) => {
                                format!("{} (quá hạn trả lời, hạn {})", h.name, day(&h.answer_due))
                            }
                            _ => format!("{} (chưa trả lời, hạn {})", h.name, day(&h.answer_due)),
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
                Value::Text(answers_text(r)),
                Value::Text(state),
            ]));
        }
    }
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                "TỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC VÀ KẾT QUẢ XỬ LÝ".into(),
                format!("(Dữ liệu tính đến ngày {})", vn(as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Cơ quan nêu", 16),
            col("Khó khăn, vướng mắc", 36),
            col("Cơ quan xử lý", 16),
            col("Trả lời, hướng xử lý", 30),
            col("Tình trạng", 12),
        ],
        rows: table,
        notes: vec![format!(
            "Tổng số: {} khó khăn, vướng mắc; {} chưa được trả lời, trong đó {} quá hạn trả lời.",
            register.total, register.open, register.answer_overdue
        )],
        landscape: true,
        sheet: "Khó khăn, vướng mắc".into(),
        ..Default::default()
    }
}
