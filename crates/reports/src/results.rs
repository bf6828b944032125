//! The results of a document's tasks, in the documents' own words.

use crate::{Presentation, Visible, col, headings, subtitle};
use serde::Serialize;
use tiendo_domain::deadline::{iso, vn};
use tiendo_domain::model::ReportedStatus;
use tiendo_domain::status::{AssignmentState, StatusBook};
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::Db;
use time::Date;

/// One task of a document with its result.
#[derive(Debug, Clone, Serialize)]
pub struct ResultItem {
    pub task_id: String,
    pub number: String,
    pub name: String,
    pub headings: Vec<String>,
    pub lead: Option<String>,
    pub deadline_raw: String,
    pub result: Option<String>,
    pub result_date: Option<String>,
    /// The words the documents use: "Đã hoàn thành", "Đã hoàn thành quá hạn", "Đang thực hiện",
    /// "Chưa hoàn thành".
    pub status: String,
    /// What the totals show apart inside the status: a recurring or undated task still open, a
    /// completion on a day no document states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apart: Option<Apart>,
}

/// Tasks the totals count apart, so that none vanishes into "đang thực hiện" or "đã hoàn thành".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Apart {
    /// "Thường xuyên": open, never late.
    Recurring,
    /// No date can be read from the deadline: open, never late.
    Undated,
    /// Done, on a day no document states (not counted on time).
    DoneUndated,
}

impl Apart {
    fn of(s: AssignmentState) -> Option<Apart> {
        match s {
            AssignmentState::Recurring => Some(Apart::Recurring),
            AssignmentState::Conditional => Some(Apart::Undated),
            AssignmentState::DoneUndated => Some(Apart::DoneUndated),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultsReport {
    pub document: String,
    #[serde(serialize_with = "crate::ser_date")]
    pub as_of: Date,
    pub items: Vec<ResultItem>,
}

impl ResultsReport {
    /// How many tasks are in each of the documents' words.
    pub fn count(&self, words: &str) -> usize {
        self.items.iter().filter(|i| i.status == words).count()
    }

    /// Every task counted once, in the documents' words: done on time (with those done on a day
    /// not stated apart), done late, in progress (recurring and undated apart), not done (late),
    /// then any other wording a document used and tasks without a lead. The parts add up to the
    /// total, which comes first.
    pub fn tally(&self) -> String {
        let category = |i: &ResultItem| -> Option<&'static str> {
            let known = [
                "Đã hoàn thành",
                "Đã hoàn thành quá hạn",
                "Đang thực hiện",
                "Chưa hoàn thành",
            ];
            known.into_iter().find(|k| *k == i.status).or_else(|| {
                ReportedStatus::from_text(&i.status)
                    .map(|r| r.vietnamese())
                    .filter(|w| known.contains(w))
            })
        };
        let n = |word: &str| {
            self.items
                .iter()
                .filter(|i| category(i) == Some(word))
                .count()
        };
        let apart = |word: &str, a: Apart| {
            self.items
                .iter()
                .filter(|i| category(i) == Some(word) && i.apart == Some(a))
                .count()
        };
        let mut parts = Vec::new();
        let done = n("Đã hoàn thành");
        let undated_done = apart("Đã hoàn thành", Apart::DoneUndated);
        parts.push(format!("đã hoàn thành đúng hạn {}", done - undated_done));
        if undated_done > 0 {
            parts.push(format!(
                "đã hoàn thành, không rõ ngày hoàn thành {undated_done}"
            ));
        }
        parts.push(format!("hoàn thành quá hạn {}", n("Đã hoàn thành quá hạn")));
        let open = n("Đang thực hiện");
        let recurring = apart("Đang thực hiện", Apart::Recurring);
        let undated = apart("Đang thực hiện", Apart::Undated);
        let mut inside = Vec::new();
        if recurring > 0 {
            inside.push(format!("thường xuyên {recurring}"));
        }
        if undated > 0 {
            inside.push(format!("chưa xác định thời hạn {undated}"));
        }
        parts.push(if inside.is_empty() {
            format!("đang thực hiện {open}")
        } else {
            format!("đang thực hiện {open} (trong đó {})", inside.join(", "))
        });
        parts.push(format!(
            "chưa hoàn thành (quá hạn) {}",
            n("Chưa hoàn thành")
        ));
        // Other wordings, each in the order first met.
        let mut other: Vec<(&str, usize)> = Vec::new();
        for i in self.items.iter().filter(|i| category(i).is_none()) {
            match other.iter_mut().find(|(w, _)| *w == i.status) {
                Some((_, c)) => *c += 1,
                None => other.push((&i.status, 1)),
            }
        }
        for (w, c) in other {
            parts.push(format!("“{w}” {c}"));
        }
        format!(
            "Tổng số {} nhiệm vụ: {}.",
            self.items.len(),
            parts.join("; ")
        )
    }
}

/// The status of a task in the documents' words.
pub fn status_words(s: AssignmentState) -> &'static str {
    use AssignmentState::*;
    match s {
        DoneOnTime | DoneUndated => "Đã hoàn thành",
        DoneLate => "Đã hoàn thành quá hạn",
        OpenInTime | Recurring | Conditional => "Đang thực hiện",
        OpenOverdue => "Chưa hoàn thành",
    }
}

/// The status word a document gave a task, when it still holds on `as_of`: on the document's own
/// day; later, as long as the facts still say the same (a document's "Đang hoàn thành" stays
/// while the task is open in time, and gives way to "Chưa hoàn thành" once it is late); always
/// when no lead agency could be named (nothing else is known).
fn document_word(
    s: &tiendo_store::tasks::TaskStatement,
    computed: Option<AssignmentState>,
    as_of: Date,
) -> Option<String> {
    let raw = s.status_raw.clone()?;
    let Some(state) = computed else {
        return Some(raw);
    };
    let same =
        ReportedStatus::from_text(&raw).is_some_and(|r| r.vietnamese() == status_words(state));
    (s.reported_on == as_of || same).then_some(raw)
}

/// The results of some tasks (a document's, a meeting's) on `as_of`.
pub async fn results_of(
    db: &Db,
    book: &StatusBook,
    label: &str,
    ids: &[i64],
    as_of: Date,
    visible: Visible<'_>,
) -> anyhow::Result<ResultsReport> {
    let states = book.task_states(as_of);
    let shown: Vec<i64> = ids.iter().copied().filter(|id| visible(*id)).collect();
    let infos = db.task_infos_of(&shown).await?;
    let results = db.latest_results(&shown, as_of).await?;
    let statements = db.task_statements(&shown, as_of).await?;
    let items = ids
        .iter()
        .filter(|id| visible(**id))
        .filter_map(|id| infos.get(id))
        .map(|t| {
            let latest = results.get(&t.id);
            let computed = states.get(&t.id).copied();
            // What a document said, unless an agency has reported since.
            let said = statements
                .get(&t.id)
                .filter(|s| latest.is_none_or(|r| r.reported_on <= s.reported_on));
            let (result, result_date) = match said.filter(|s| s.result.is_some()) {
                Some(s) => (s.result.clone(), Some(iso(s.reported_on))),
                None => (
                    latest.map(|r| r.text.clone()),
                    latest.map(|r| iso(r.reported_on)),
                ),
            };
            ResultItem {
                task_id: t.id.to_string(),
                number: t.number.clone(),
                name: t.name.clone(),
                headings: t.headings.clone(),
                lead: t.lead.clone(),
                deadline_raw: t.deadline_raw.clone(),
                result,
                result_date,
                status: said
                    .and_then(|s| document_word(s, computed, as_of))
                    .unwrap_or_else(|| {
                        computed
                            .map(status_words)
                            .unwrap_or("Chưa giao cơ quan chủ trì")
                            .to_string()
                    }),
                apart: computed.and_then(Apart::of),
            }
        })
        .collect();
    Ok(ResultsReport {
        document: label.to_string(),
        as_of,
        items,
    })
}

/// The results of the tasks of one document; `None` when no document has that symbol or key.
pub async fn results(
    db: &Db,
    book: &StatusBook,
    document: &str,
    as_of: Date,
    visible: Visible<'_>,
) -> anyhow::Result<Option<ResultsReport>> {
    let Some(ids) = db.tasks_of_document(document).await? else {
        return Ok(None);
    };
    Ok(Some(
        results_of(db, book, document, &ids, as_of, visible).await?,
    ))
}

/// The results table, grouped by the tasks' headings.
pub fn results_doc(r: &ResultsReport, p: &Presentation) -> OfficialDoc {
    let mut rows = Vec::new();
    let mut last: Vec<String> = Vec::new();
    for (n, it) in r.items.iter().enumerate() {
        headings(&mut rows, &mut last, &it.headings);
        rows.push(TableRow::Cells(vec![
            Value::Number(n as i64 + 1),
            Value::Text(it.name.clone()),
            Value::Text(it.lead.clone().unwrap_or_default()),
            Value::Text(it.deadline_raw.clone()),
            Value::Text(it.result.clone().unwrap_or_default()),
            Value::Text(it.status.clone()),
        ]));
    }
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                format!("KẾT QUẢ THỰC HIỆN NHIỆM VỤ GIAO TẠI VĂN BẢN {}", r.document),
                format!("(Dữ liệu tính đến ngày {})", vn(r.as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Nhiệm vụ", 34),
            col("Cơ quan chủ trì", 16),
            col("Thời hạn", 11),
            col("Kết quả thực hiện", 34),
            col("Tiến độ", 12),
        ],
        rows,
        notes: vec![r.tally()],
        landscape: true,
        sheet: "Kết quả thực hiện".into(),
        ..Default::default()
    }
}
