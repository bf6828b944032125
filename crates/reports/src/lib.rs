//! The committee's reports, the same for the command line and the web application's download
//! buttons: built from the status book and the tables, written by `tiendo_office::official` as
//! Word or Excel in the layout of Decree 30/2020/NĐ-CP, or serialised as JSON.
//!
//! Lists of tasks take a visibility test (secret tasks are not shown to everyone); counts and
//! scores are the committee's and are the same for every reader.

pub mod indicators;
pub mod kinds;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tiendo_domain::agency::AgencyKind;
use tiendo_domain::deadline::{iso, opt_iso_date, vn};
use tiendo_domain::indicator::book::IndicatorBook;
use tiendo_domain::model::ReportedStatus;
use tiendo_domain::scoring::{self, Components, Formula, Month, MonthFacts, Points};
use tiendo_domain::signing::Signing;
use tiendo_domain::status::{AssignmentState, FourWay, StatusBook};
use tiendo_office::official::{Column, OfficialDoc, OfficialPack, Signature, TableRow, Value};
use tiendo_store::Db;
use tiendo_store::difficulties::Difficulty;
use tiendo_store::facts::{AgencyName, OverdueReport, overdue_report_of};
use time::Date;

/// Which tasks the reader may see, by task id.
pub type Visible<'a> = &'a (dyn Fn(i64) -> bool + Sync);

/// The name of the committee issuing the documents (the Government's steering committee), when
/// the database names it.
pub async fn issuer(db: &Db) -> anyhow::Result<Option<String>> {
    Ok(db
        .committees()
        .await?
        .into_iter()
        .find(|c| c.code == tiendo_store::seed::DEFAULT_COMMITTEE)
        .map(|c| c.name))
}

/// Everyone may see every task (the command line, the standing agency).
pub fn everything(_: i64) -> bool {
    true
}

/// How an official document is presented.
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    /// "(Kèm theo …)": the document the appendix goes with.
    pub attached_to: Option<String>,
    /// Where a document is issued ("Hà Nội"), for its date line; when `None`, the committee's
    /// own place.
    pub place: Option<String>,
    /// How the committee signs (number, signer, recipients); documents with the national heading
    /// close with it. `None`: [`Signing::usual`].
    pub signing: Option<Signing>,
}

impl Presentation {
    fn signing(&self) -> Signing {
        self.signing.clone().unwrap_or_else(Signing::usual)
    }

    /// The date line, at the place asked for or the committee's.
    fn date_line(&self, d: Date) -> String {
        let place = self
            .place
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| self.signing().place);
        place_date(&place, d)
    }

    /// Makes `doc` a document of the committee (Decree 30): national heading with the issuer and
    /// the number line, the date line, and the closing with recipients and signer.
    fn issue(&self, doc: &mut OfficialDoc, issuer: &str, today: Date) {
        let s = self.signing();
        doc.issuer = vec![issuer.to_uppercase()];
        doc.number = Some(s.number_line());
        doc.place_date = Some(self.date_line(today));
        doc.signature = Some(Signature {
            recipients: s.recipient_lines(),
            signer: s.signer_lines(),
            name: s.signer_name.clone(),
        });
    }
}

fn col(header: &str, width: u32) -> Column {
    Column {
        header: header.to_string(),
        width,
    }
}

fn subtitle(lines: Vec<String>, p: &Presentation) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = lines.into_iter();
    if let Some(first) = it.next() {
        out.push(first);
    }
    if let Some(a) = p
        .attached_to
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let a = a.trim_start_matches('(').trim_end_matches(')');
        let a = a
            .strip_prefix("Kèm theo ")
            .or_else(|| a.strip_prefix("kèm theo "))
            .unwrap_or(a);
        out.push(format!("(Kèm theo {a})"));
    }
    out.extend(it);
    out
}

/// "Hà Nội, ngày 23 tháng 11 năm 2026"
pub fn place_date(place: &str, d: Date) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

/// The heading rows a task opens: those of its headings that differ from the previous task's,
/// from the first that differs, so the table is grouped like the source plan.
fn headings(rows: &mut Vec<TableRow>, last: &mut Vec<String>, now: &[String]) {
    let first = now
        .iter()
        .zip(last.iter())
        .take_while(|(a, b)| a == b)
        .count();
    rows.extend(now[first..].iter().cloned().map(TableRow::Heading));
    *last = now.to_vec();
}

/// The overdue list with only the tasks the reader may see; the tasks' display fields are read
/// for the late tasks only.
pub async fn overdue(
    db: &Db,
    book: &StatusBook,
    agencies: &HashMap<i64, AgencyName>,
    as_of: Date,
    committee: Option<&str>,
    visible: Visible<'_>,
) -> anyhow::Result<OverdueReport> {
    let late: Vec<i64> = book.overdue(as_of).iter().map(|o| o.task).collect();
    let tasks = db.task_infos_of(&late).await?;
    let mut r = overdue_report_of(book, &tasks, agencies, as_of, committee);
    r.items
        .retain(|i| i.task_id.parse::<i64>().is_ok_and(visible));
    Ok(r)
}

/// The overdue list, grouped like the source plans (document, then its headings).
pub fn overdue_doc(r: &OverdueReport, p: &Presentation) -> OfficialDoc {
    let documents: HashSet<&str> = r
        .items
        .iter()
        .filter_map(|i| i.document.as_deref())
        .collect();
    let mut rows = Vec::new();
    let mut last_doc: Option<&str> = None;
    let mut last_headings: Vec<String> = Vec::new();
    for (n, it) in r.items.iter().enumerate() {
        if documents.len() > 1 && it.document.as_deref() != last_doc {
            last_doc = it.document.as_deref();
            rows.push(TableRow::Heading(last_doc.unwrap_or("").to_string()));
            last_headings.clear();
        }
        headings(&mut rows, &mut last_headings, &it.headings);
        let late: Vec<&str> = it.late_agencies.iter().map(|a| a.name.as_str()).collect();
        let days = it
            .late_agencies
            .iter()
            .map(|a| a.days_late)
            .max()
            .unwrap_or(0);
        rows.push(TableRow::Cells(vec![
            Value::Number(n as i64 + 1),
            Value::Text(it.name.clone()),
            Value::Text(it.basis.clone().unwrap_or_default()),
            Value::Text(it.lead.clone().unwrap_or_default()),
            Value::Text(it.deadline_raw.clone()),
            it.due.map(Value::Date).unwrap_or(Value::Empty),
            Value::Text(late.join("; ")),
            Value::Number(days),
        ]));
    }
    let agencies: usize = r.items.iter().map(|i| i.late_agencies.len()).sum();
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                "DANH SÁCH NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH".into(),
                format!("(Dữ liệu tính đến ngày {})", vn(r.as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Nhiệm vụ", 32),
            col("Văn bản giao", 18),
            col("Cơ quan chủ trì", 15),
            col("Thời hạn", 11),
            col("Hạn hoàn thành", 12),
            col("Đơn vị chưa hoàn thành", 22),
            col("Số ngày quá hạn", 8),
        ],
        rows,
        notes: vec![format!(
            "Tổng số: {} nhiệm vụ quá hạn; {} lượt cơ quan chưa hoàn thành.",
            r.items.len(),
            agencies
        )],
        landscape: true,
        sheet: "Nhiệm vụ quá hạn".into(),
        ..Default::default()
    }
}

/// One agency's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyRow {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: FourWay,
    /// Done on time / done, in percent; `None` when nothing is done yet.
    pub on_time_rate: Option<f64>,
    /// Difficulties it raised that are not answered yet.
    pub difficulties_raised_open: u64,
    /// Difficulties it must resolve that are not answered yet.
    pub difficulties_owed_open: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencySummary {
    #[serde(serialize_with = "ser_date")]
    pub as_of: Date,
    pub agencies: Vec<AgencyRow>,
}

pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso(*d))
}

/// Per agency: the four-way counts of its lead assignments on `as_of`, the on-time rate, and the
/// difficulties it raised and owes that were still open on that day. Most overdue first.
pub fn agencies(
    book: &StatusBook,
    names: &HashMap<i64, AgencyName>,
    difficulties: &[Difficulty],
    as_of: Date,
) -> AgencySummary {
    let counts = book.agency_counts(as_of);
    let open_on = |d: &Difficulty| d.raised_on <= as_of && d.answered_on.is_none_or(|a| a > as_of);
    let mut raised: HashMap<i64, u64> = HashMap::new();
    let mut owed: HashMap<i64, u64> = HashMap::new();
    for d in difficulties.iter().filter(|d| open_on(d)) {
        *raised.entry(d.agency_id).or_default() += 1;
        // What each handling agency still owes on that day.
        for h in &d.handlers {
            if let Some(a) = h.agency_id
                && h.answered_on.is_none_or(|x| x > as_of)
            {
                *owed.entry(a).or_default() += 1;
            }
        }
    }
    let ids: HashSet<i64> = counts
        .keys()
        .chain(raised.keys())
        .chain(owed.keys())
        .copied()
        .collect();
    let mut rows: Vec<AgencyRow> = ids
        .into_iter()
        .map(|id| {
            let AgencyName { code, name, .. } = names.get(&id).cloned().unwrap_or_default();
            let c = counts.get(&id).copied().unwrap_or_default();
            AgencyRow {
                code,
                name,
                counts: c,
                on_time_rate: on_time_rate(&c),
                difficulties_raised_open: raised.get(&id).copied().unwrap_or(0),
                difficulties_owed_open: owed.get(&id).copied().unwrap_or(0),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.counts
            .open_overdue
            .cmp(&a.counts.open_overdue)
            .then_with(|| a.name.cmp(&b.name))
    });
    AgencySummary {
        as_of,
        agencies: rows,
    }
}

/// Done on time over the assignments whose outcome is known: done (on time, late or on a day
/// not stated) or past their due date — an overdue one lowers the rate. In percent, one decimal;
/// `None` when nothing is known yet.
fn on_time_rate(c: &FourWay) -> Option<f64> {
    let due = c.done_on_time + c.done_late + c.done_undated + c.open_overdue;
    (due > 0).then(|| ((c.done_on_time as f64 * 1000.0 / due as f64).round()) / 10.0)
}

fn percent(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}%").replace('.', ","))
        .unwrap_or_default()
}

pub fn agencies_doc(s: &AgencySummary, p: &Presentation) -> OfficialDoc {
    let counts = |c: &FourWay| {
        vec![
            Value::Number(c.done_on_time as i64),
            Value::Number(c.done_late as i64),
            Value::Number(c.done_undated as i64),
            Value::Number(c.open_in_time.saturating_sub(c.recurring + c.conditional) as i64),
            Value::Number(c.recurring as i64),
            Value::Number(c.conditional as i64),
            Value::Number(c.open_overdue as i64),
            Value::Number(c.total() as i64),
        ]
    };
    let mut table = Vec::new();
    for (n, r) in s.agencies.iter().enumerate() {
        let mut cells = vec![Value::Number(n as i64 + 1), Value::Text(r.name.clone())];
        cells.extend(counts(&r.counts));
        cells.extend([
            Value::Text(percent(r.on_time_rate)),
            Value::Number(r.difficulties_raised_open as i64),
            Value::Number(r.difficulties_owed_open as i64),
        ]);
        table.push(TableRow::Cells(cells));
    }
    // The totals: every column adds up.
    let all: FourWay = s.agencies.iter().map(|r| r.counts).sum();
    let mut cells = vec![Value::Empty, Value::Text("Tổng cộng".into())];
    cells.extend(counts(&all));
    cells.extend([
        Value::Text(percent(on_time_rate(&all))),
        Value::Number(
            s.agencies
                .iter()
                .map(|r| r.difficulties_raised_open as i64)
                .sum(),
        ),
        Value::Number(
            s.agencies
                .iter()
                .map(|r| r.difficulties_owed_open as i64)
                .sum(),
        ),
    ]);
    table.push(TableRow::Cells(cells));
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN".into(),
                format!("(Dữ liệu tính đến ngày {})", vn(s.as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Cơ quan", 30),
            col("Hoàn thành đúng hạn", 10),
            col("Hoàn thành quá hạn", 10),
            col("Hoàn thành, không rõ ngày", 10),
            col("Đang thực hiện, trong hạn", 10),
            col("Thường xuyên", 10),
            col("Chưa xác định thời hạn", 10),
            col("Quá hạn chưa hoàn thành", 10),
            col("Tổng số", 8),
            col("Tỷ lệ hoàn thành đúng hạn", 10),
            col("Khó khăn đã nêu, chưa được trả lời", 10),
            col("Khó khăn phải xử lý, chưa trả lời", 10),
        ],
        rows: table,
        notes: vec!["Tính theo các nhiệm vụ cơ quan chủ trì. Tổng số = hoàn thành (đúng hạn, quá hạn, không rõ ngày) + đang thực hiện trong hạn + thường xuyên + chưa xác định thời hạn + quá hạn chưa hoàn thành. Nhiệm vụ thường xuyên và chưa xác định thời hạn không bao giờ tính là quá hạn; “hoàn thành, không rõ ngày” là phân công văn bản chỉ cho biết đã xong trước ngày báo cáo (không tính là đúng hạn); tỷ lệ hoàn thành đúng hạn = hoàn thành đúng hạn / (đã hoàn thành + quá hạn chưa hoàn thành).".into()],
        landscape: true,
        sheet: "Theo cơ quan".into(),
        ..Default::default()
    }
}

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
    #[serde(serialize_with = "ser_date")]
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

/// The difficulties table: agency, difficulty, agency that must resolve it, answer and its state,
/// grouped into ministries and central bodies, then localities.
pub fn difficulties_doc(rows: &[Difficulty], as_of: Date, p: &Presentation) -> OfficialDoc {
    let mut table = Vec::new();
    let mut n = 0;
    for (title, want_local) in [
        ("A. CÁC BỘ, NGÀNH, CƠ QUAN TRUNG ƯƠNG", false),
        ("B. CÁC ĐỊA PHƯƠNG", true),
    ] {
        let group: Vec<_> = rows
            .iter()
            .filter(|r| is_local(&r.agency_kind) == want_local)
            .collect();
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
                Value::Text(r.agency.clone()),
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
    let open = rows.iter().filter(|r| r.state != "answered").count();
    let late = rows.iter().filter(|r| r.answer_overdue(as_of)).count();
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
            rows.len(),
            open,
            late
        )],
        landscape: true,
        sheet: "Khó khăn, vướng mắc".into(),
        ..Default::default()
    }
}

/// One late assignment with its commitment.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentItem {
    pub task_id: String,
    pub number: Option<String>,
    pub name: Option<String>,
    pub headings: Vec<String>,
    pub agency: Option<String>,
    #[serde(serialize_with = "ser_date")]
    pub due: Date,
    pub days_late: i64,
    #[serde(with = "opt_iso_date")]
    pub committed_on: Option<Date>,
    pub roadmap: Option<String>,
    /// No commitment by the answer date: recorded as committing to finish within that month.
    pub deemed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentsReport {
    #[serde(serialize_with = "ser_date")]
    pub as_of: Date,
    #[serde(with = "opt_iso_date")]
    pub answer_by: Option<Date>,
    pub items: Vec<CommitmentItem>,
}

/// Late lead assignments on `as_of` with the agencies' commitments. With `answer_by`, an agency
/// that had not committed by then is recorded as committing to finish within that month (the rule
/// of notice 2352/BCA-VPB).
pub async fn commitments(
    db: &Db,
    book: &StatusBook,
    as_of: Date,
    answer_by: Option<Date>,
    visible: Visible<'_>,
) -> anyhow::Result<CommitmentsReport> {
    let late = book.late_assignments(as_of, None);
    let mut ids: Vec<i64> = late.iter().map(|l| l.task).collect();
    ids.sort_unstable();
    ids.dedup();
    let tasks = db.task_infos_of(&ids).await?;
    let agencies = db.agency_names().await?;
    let made = db.latest_commitments().await?;
    let month_end = |d: Date| Month::of(d).last();
    let day = iso(as_of);
    let items = late
        .into_iter()
        .filter(|l| visible(l.task))
        .map(|l| {
            let t = tasks.get(&l.task);
            // A commitment counts when made by the date asked about.
            let c = made
                .get(&l.assignment)
                .filter(|c| c.created_at.get(..10).is_some_and(|d| d <= day.as_str()));
            let (committed_on, roadmap, deemed) = match (c, answer_by) {
                (Some(c), _) => (Some(c.committed_on), Some(c.roadmap.clone()), false),
                (None, Some(by)) if as_of > by => (Some(month_end(by)), None, true),
                _ => (None, None, false),
            };
            CommitmentItem {
                task_id: l.task.to_string(),
                number: t.map(|t| t.number.clone()),
                name: t.map(|t| t.name.clone()),
                headings: t.map(|t| t.headings.clone()).unwrap_or_default(),
                agency: agencies.get(&l.agency).map(|a| a.name.clone()),
                due: l.due,
                days_late: l.days_late,
                committed_on,
                roadmap,
                deemed,
            }
        })
        .collect();
    Ok(CommitmentsReport {
        as_of,
        answer_by,
        items,
    })
}

pub fn commitments_doc(r: &CommitmentsReport, p: &Presentation) -> OfficialDoc {
    let mut rows = Vec::new();
    let mut last: Vec<String> = Vec::new();
    for (n, it) in r.items.iter().enumerate() {
        headings(&mut rows, &mut last, &it.headings);
        let roadmap = match (&it.roadmap, it.deemed) {
            (Some(r), _) => r.clone(),
            (None, true) => "Không gửi cam kết đúng hạn: coi như cam kết hoàn thành trong tháng (Thông báo số 2352/BCA-VPB).".into(),
            (None, false) => "Chưa có cam kết".into(),
        };
        rows.push(TableRow::Cells(vec![
            Value::Number(n as i64 + 1),
            Value::Text(format!(
                "{}{}",
                it.number
                    .as_deref()
                    .map(|x| format!("[{x}] "))
                    .unwrap_or_default(),
                it.name.clone().unwrap_or_default()
            )),
            Value::Text(it.agency.clone().unwrap_or_default()),
            Value::Date(it.due),
            Value::Number(it.days_late),
            it.committed_on.map(Value::Date).unwrap_or(Value::Empty),
            Value::Text(roadmap),
        ]));
    }
    let committed = r.items.iter().filter(|i| i.roadmap.is_some()).count();
    let deemed = r.items.iter().filter(|i| i.deemed).count();
    let mut lines = vec![
        "CAM KẾT HOÀN THÀNH CÁC NHIỆM VỤ CHẬM TIẾN ĐỘ".into(),
        format!("(Dữ liệu tính đến ngày {})", vn(r.as_of)),
    ];
    if let Some(by) = r.answer_by {
        lines.push(format!("Hạn gửi văn bản cam kết: {}", vn(by)));
    }
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(lines, p),
        columns: vec![
            col("TT", 5),
            col("Nhiệm vụ", 34),
            col("Cơ quan chủ trì", 16),
            col("Hạn hoàn thành", 11),
            col("Số ngày quá hạn", 8),
            col("Ngày cam kết hoàn thành", 11),
            col("Lộ trình thực hiện", 30),
        ],
        rows,
        notes: vec![format!(
            "Tổng số: {} phân công quá hạn; {} đã gửi cam kết; {} coi như cam kết hoàn thành trong tháng; {} chưa có cam kết.",
            r.items.len(),
            committed,
            deemed,
            r.items.len() - committed - deemed
        )],
        landscape: true,
        sheet: "Cam kết".into(),
        ..Default::default()
    }
}

/// One agency's line of the monthly ranking.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub rank: Option<u32>,
    /// The kind of body, and the rank among those of its kind.
    pub kind: tiendo_domain::agency::KindGroup,
    pub kind_rank: Option<u32>,
    /// Another agency has the same score (they share the rank; [`scoring::TIE_BREAK`] orders them).
    pub tied: bool,
    pub code: String,
    pub name: String,
    /// The head answerable for the score: "Bộ trưởng Bộ Công an (Nguyễn Văn A)".
    pub head: String,
    pub score: Option<f64>,
    pub components: Components,
    pub points: Points,
    pub previous_score: Option<f64>,
    pub previous_rank: Option<u32>,
    /// Places gained since the previous month (negative: lost).
    pub rank_change: Option<i64>,
    pub score_change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    pub month: Month,
    pub previous_month: Month,
    pub formula_name: String,
    /// The month the formula applies from (`None`: the shipped formula).
    pub formula_from: Option<String>,
    /// The formula as published (TOML), so anyone can recompute.
    pub formula: String,
    #[serde(serialize_with = "ser_date")]
    pub report_window_from: Date,
    #[serde(serialize_with = "ser_date")]
    pub report_window_to: Date,
    pub rows: Vec<ScoreRow>,
    /// The leaders overseeing tasks (Phó Thủ tướng phụ trách), each scored on those tasks.
    pub leaders: Vec<scoring::LeaderScore>,
    /// Nothing fell due in the month (nor stayed overdue from before): no ranking is given.
    pub nothing_due: bool,
    pub tie_break: &'static str,
}

/// The scores of one month from the data as it stood then: the reports dated in its window are
/// read for it; the difficulties and commitments (read once for both months) are taken as they
/// stood on its last day.
async fn month_scores(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: &Formula,
    shared: &SharedFacts<'_>,
) -> anyhow::Result<(Vec<scoring::AgencyScore>, Vec<scoring::LeaderScore>)> {
    let (from, to) = formula.report_window(month);
    let reported = db.reported_between(from, to).await?;
    let facts = MonthFacts {
        book,
        reported: &reported,
        difficulties: &shared.difficulties,
        commitments: &shared.commitments,
        indicators: Some((shared.indicators, &shared.duties)),
    };
    Ok((
        scoring::score_month(month, formula, &facts),
        scoring::score_leaders(month, formula, &facts, &shared.overseer, &shared.leaders),
    ))
}

/// What both months of a ranking are scored from, read once.
struct SharedFacts<'a> {
    difficulties: Vec<scoring::DifficultyFacts>,
    commitments: Vec<scoring::CommitmentFacts>,
    indicators: &'a IndicatorBook,
    duties: Vec<scoring::IndicatorDuty>,
    /// Task → index of its overseeing leader in `leaders`.
    overseer: HashMap<i64, Vec<usize>>,
    leaders: Vec<String>,
}

/// Who answers for which indicator: each covered agency for its own figure; the lead agencies
/// for a national one.
pub async fn indicator_duties(db: &Db) -> anyhow::Result<Vec<scoring::IndicatorDuty>> {
    Ok(db
        .indicator_answerers()
        .await?
        .into_iter()
        .map(|(indicator, agency, own)| scoring::IndicatorDuty {
            indicator,
            figure_of: own.then_some(agency),
            agency,
        })
        .collect())
}

/// The ranking of `month` with the change from the previous month. `formula` overrides the
/// published one (to see what another formula would give).
pub async fn score(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: Option<(Formula, String)>,
) -> anyhow::Result<ScoreReport> {
    let indicators = db.load_indicator_book().await?;
    score_with(db, book, month, formula, &indicators).await
}

/// [`score`] with the indicators' book already in memory (the server's).
pub async fn score_with(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: Option<(Formula, String)>,
    indicators: &IndicatorBook,
) -> anyhow::Result<ScoreReport> {
    let (formula, content, from) = match formula {
        Some((f, text)) => (f, text, None),
        None => {
            let (f, v) = db.formula_for(month).await?;
            (f, v.content, v.effective_from)
        }
    };
    let previous_formula = db.formula_for(month.prev()).await?.0;
    let names = db.agency_names().await?;
    let heads = db.agency_heads().await?;
    let kinds: HashMap<i64, String> = db.agency_kinds().await?;
    let mut leaders: Vec<String> = Vec::new();
    let mut overseer: HashMap<i64, Vec<usize>> = HashMap::new();
    for (task, text) in db.task_overseers().await? {
        for who in scoring::leaders_named(&text) {
            let i = match leaders.iter().position(|l| *l == who) {
                Some(i) => i,
                None => {
                    leaders.push(who);
                    leaders.len() - 1
                }
            };
            overseer.entry(task).or_default().push(i);
        }
    }
    let shared = SharedFacts {
        difficulties: db.difficulty_facts().await?,
        commitments: db.commitment_facts().await?,
        indicators,
        duties: indicator_duties(db).await?,
        overseer,
        leaders,
    };
    let (current, leader_scores) = month_scores(db, book, month, &formula, &shared).await?;
    let (previous, _) = month_scores(db, book, month.prev(), &previous_formula, &shared).await?;
    // A month in which nothing fell due is not ranked: everyone would share the first place.
    let nothing_due = current
        .iter()
        .all(|s| s.components.due_in_month == 0 && s.components.overdue_from_before == 0);
    let name = |a: i64| names.get(&a).map(|x| x.name.clone()).unwrap_or_default();
    let before: HashMap<i64, (Option<u32>, Option<f64>)> = scoring::rank(&previous, &name)
        .into_iter()
        .map(|(r, s)| (s.agency, (r, s.score)))
        .collect();
    let group_of = |a: i64| {
        kinds
            .get(&a)
            .and_then(|k| AgencyKind::parse(k))
            .unwrap_or(AgencyKind::Other)
            .group()
    };
    // The rank within each kind of body (ministries, provinces, corporations …).
    let mut kind_rank: HashMap<i64, Option<u32>> = HashMap::new();
    for g in tiendo_domain::agency::KindGroup::ALL {
        let of_kind: Vec<scoring::AgencyScore> = current
            .iter()
            .filter(|s| group_of(s.agency) == g)
            .cloned()
            .collect();
        for (r, s) in scoring::rank(&of_kind, &name) {
            kind_rank.insert(s.agency, r);
        }
    }
    let ranked = scoring::rank(&current, &name);
    // Ranked rows sharing their rank with another (equal scores, side by side in `ranked`).
    let mut per_rank: HashMap<u32, usize> = HashMap::new();
    for r in ranked.iter().filter_map(|(r, _)| *r) {
        *per_rank.entry(r).or_default() += 1;
    }
    let tied = |rank: Option<u32>| rank.is_some_and(|r| per_rank.get(&r).is_some_and(|n| *n > 1));
    let rows = ranked
        .into_iter()
        .map(|(rank, s)| {
            let shares_rank = tied(rank);
            let rank = rank.filter(|_| !nothing_due);
            let AgencyName {
                code,
                name: agency_name,
                ..
            } = names.get(&s.agency).cloned().unwrap_or_default();
            let tiendo_store::registry::Head {
                title,
                name: person,
                ..
            } = heads.get(&s.agency).cloned().unwrap_or_default();
            let title = title.unwrap_or_else(|| {
                kinds
                    .get(&s.agency)
                    .and_then(|k| AgencyKind::parse(k))
                    .unwrap_or(AgencyKind::Other)
                    .head_title()
                    .to_string()
            });
            let head = match person {
                Some(p) => format!("{title} {agency_name} ({p})"),
                None => format!("{title} {agency_name}"),
            };
            let (previous_rank, previous_score) =
                before.get(&s.agency).copied().unwrap_or_default();
            ScoreRow {
                rank,
                kind: group_of(s.agency),
                kind_rank: kind_rank
                    .get(&s.agency)
                    .copied()
                    .flatten()
                    .filter(|_| !nothing_due),
                tied: shares_rank,
                code,
                name: agency_name,
                head,
                score: s.score,
                components: s.components,
                points: s.points,
                previous_score,
                previous_rank,
                rank_change: match (rank, previous_rank) {
                    (Some(now), Some(then)) => Some(i64::from(then) - i64::from(now)),
                    _ => None,
                },
                score_change: match (s.score, previous_score) {
                    (Some(a), Some(b)) => Some(((a - b) * 100.0).round() / 100.0),
                    _ => None,
                },
            }
        })
        .collect();
    let (wf, wt) = formula.report_window(month);
    Ok(ScoreReport {
        month,
        previous_month: month.prev(),
        formula_name: formula.name.clone(),
        formula_from: from,
        formula: content,
        report_window_from: wf,
        report_window_to: wt,
        rows,
        leaders: leader_scores,
        nothing_due,
        tie_break: scoring::TIE_BREAK,
    })
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.2}").replace('.', ","))
        .unwrap_or_default()
}

fn fraction(n: u64, d: u64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{n}/{d}")
    }
}

/// The monthly ranking as a document of the committee (national heading, its date), with each
/// agency's components so that anyone can recompute its score.
pub fn score_doc(r: &ScoreReport, issuer: &str, today: Date, p: &Presentation) -> OfficialDoc {
    let mut rows = Vec::new();
    let score_cells = |c: &Components, pts: &Points, score: Option<f64>| {
        vec![
            Value::Text(fraction(
                c.done_on_time,
                c.due_in_month + c.overdue_from_before,
            )),
            Value::Text(format!(
                "{}\n{} ngày",
                fraction(c.overdue_at_end, c.due_by_end),
                c.days_late
            )),
            Value::Text(fraction(c.reports_on_time, c.reports_required)),
            Value::Text(fraction(c.difficulties_answered, c.difficulties_due)),
            Value::Text(fraction(c.commitments_kept, c.commitments_due)),
            Value::Text(fraction(c.periodic_on_time, c.periodic_due)),
            Value::Text(fraction(c.indicators_green, c.indicators_assessed)),
            Value::Text(num(Some(pts.days_late_deduction))),
            Value::Text(num(score)),
        ]
    };
    for s in &r.rows {
        let change = match s.rank_change {
            Some(0) => "=".to_string(),
            Some(x) if x > 0 => format!("↑{x}"),
            Some(x) => format!("↓{}", -x),
            None if s.rank.is_some() => "mới".to_string(),
            None => String::new(),
        };
        let rank = |r: Option<u32>| {
            r.map(|x| Value::Number(i64::from(x)))
                .unwrap_or(Value::Empty)
        };
        let mut cells = vec![
            rank(s.rank),
            rank(s.kind_rank),
            Value::Text(format!("{}\n{}", s.name, s.head)),
        ];
        cells.extend(score_cells(&s.components, &s.points, s.score));
        cells.push(Value::Text(match (s.previous_rank, s.previous_score) {
            (Some(pr), Some(ps)) => format!("{pr} ({})", num(Some(ps))),
            _ => String::new(),
        }));
        cells.push(Value::Text(change));
        rows.push(TableRow::Cells(cells));
    }
    if !r.leaders.is_empty() {
        rows.push(TableRow::Heading(
            "LÃNH ĐẠO PHỤ TRÁCH (điểm trên các nhiệm vụ được phân công theo dõi, chỉ đạo)".into(),
        ));
        for l in &r.leaders {
            let mut cells = vec![Value::Empty, Value::Empty, Value::Text(l.leader.clone())];
            cells.extend(score_cells(&l.components, &l.points, l.score));
            cells.push(Value::Empty);
            cells.push(Value::Empty);
            rows.push(TableRow::Cells(cells));
        }
    }
    let f = &r.formula;
    let weights = Formula::from_toml(f).ok().map(|f| f.weights);
    let mut intro = vec![format!(
        "Điểm {} của các cơ quan được giao nhiệm vụ, tính theo \"{}\"{}, trên dữ liệu tính đến ngày {}; báo cáo tiến độ tính trong khoảng từ {} đến {}.",
        r.month.vietnamese(),
        r.formula_name,
        r.formula_from
            .as_deref()
            .map(|m| format!(" (áp dụng từ {m})"))
            .unwrap_or_default(),
        vn(r.month.last()),
        vn(r.report_window_from),
        vn(r.report_window_to)
    )];
    if let Some(w) = weights {
        intro.push(format!(
            "Điểm = 100 × (trọng số × tỷ lệ của các tiêu chí có phát sinh) / tổng trọng số các tiêu chí đó − điểm trừ số ngày quá hạn. Trọng số: hoàn thành đúng hạn {}, không quá hạn {}, báo cáo đúng hạn {}, trả lời khó khăn đúng hạn {}, giữ cam kết {}, báo cáo định kỳ của nhiệm vụ thường xuyên {}, chỉ tiêu đạt hoặc đúng lộ trình {}. Tỷ lệ hoàn thành đúng hạn = số hoàn thành đúng hạn / (số đến hạn trong tháng + số quá hạn từ trước chưa hoàn thành).",
            w.on_time, w.not_overdue, w.reports, w.difficulties, w.commitments, w.periodic, w.indicators
        ));
    }
    if r.nothing_due {
        intro.push(format!(
            "Trong {} không có nhiệm vụ nào đến hạn hoặc còn quá hạn: không xếp hạng.",
            r.month.vietnamese()
        ));
    }
    intro.push(
        "Người đứng đầu cơ quan chịu trách nhiệm trước Ban Chỉ đạo về kết quả của cơ quan mình."
            .into(),
    );
    let mut doc = OfficialDoc {
        title: "BẢNG ĐIỂM VÀ XẾP HẠNG".into(),
        subtitle: subtitle(
            vec![format!(
                "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC CƠ QUAN {}",
                r.month.vietnamese().to_uppercase()
            )],
            p,
        ),
        intro,
        columns: vec![
            col("Hạng", 5),
            col("Hạng trong nhóm", 6),
            col("Cơ quan, người đứng đầu", 19),
            col("Hoàn thành đúng hạn / đến hạn", 9),
            col("Quá hạn cuối tháng; số ngày", 9),
            col("Báo cáo đúng hạn", 7),
            col("Khó khăn trả lời đúng hạn", 7),
            col("Cam kết thực hiện đúng", 7),
            col("Báo cáo định kỳ đúng hạn", 7),
            col("Chỉ tiêu đạt, đúng lộ trình", 7),
            col("Điểm trừ", 6),
            col("Điểm", 7),
            col("Tháng trước: hạng (điểm)", 9),
            col("Thay đổi", 6),
        ],
        rows,
        notes: vec![
            format!(
                "Số cơ quan được xếp hạng: {}; không xếp hạng (không phát sinh tiêu chí nào{}): {}.",
                r.rows.iter().filter(|s| s.rank.is_some()).count(),
                if r.nothing_due {
                    ", hoặc tháng không có nhiệm vụ đến hạn"
                } else {
                    ""
                },
                r.rows.iter().filter(|s| s.rank.is_none()).count()
            ),
            format!(
                "Hạng trong nhóm: trong các cơ quan cùng loại (bộ, ngành; tỉnh, thành phố; tập đoàn, tổng công ty). {}",
                r.tie_break
            ),
        ],
        landscape: true,
        sheet: "Xếp hạng".into(),
        ..Default::default()
    };
    p.issue(&mut doc, issuer, today);
    doc
}

/// The pack for the next meeting: a cover document, the results of the previous meeting's
/// conclusion (Appendix I) and the overdue list (Appendix II), in one Word file.
#[allow(clippy::too_many_arguments)]
pub fn meeting_pack(
    meeting: &tiendo_store::meetings::Meeting,
    next: Option<&str>,
    results: &ResultsReport,
    overdue: &OverdueReport,
    issuer: &str,
    today: Date,
    p: &Presentation,
) -> OfficialPack {
    let held = vn(meeting.held_on);
    let docs = meeting.document_labels().join(", ");
    let late_agencies: usize = overdue.items.iter().map(|i| i.late_agencies.len()).sum();
    let mut cover = OfficialDoc {
        title: "BÁO CÁO".into(),
        subtitle: vec![format!(
            "Tình hình thực hiện kết luận tại {} (ngày {held}){}",
            meeting.name,
            next.map(|n| format!(", phục vụ {n}")).unwrap_or_default()
        )],
        intro: vec![
            format!(
                "Tại {} ngày {held}, Ban Chỉ đạo đã giao {} nhiệm vụ{}. Kết quả đến ngày {} (chi tiết tại Phụ lục I): {}",
                meeting.name,
                results.items.len(),
                if docs.is_empty() {
                    String::new()
                } else {
                    format!(" (văn bản: {docs})")
                },
                vn(results.as_of),
                results.tally(),
            ),
            format!(
                "Tổng số nhiệm vụ quá hạn, chưa hoàn thành của Ban Chỉ đạo tính đến ngày {}: {} nhiệm vụ, {} lượt cơ quan chưa hoàn thành (chi tiết tại Phụ lục II).",
                vn(overdue.as_of),
                overdue.items.len(),
                late_agencies
            ),
        ],
        landscape: false,
        sheet: "Báo cáo".into(),
        ..Default::default()
    };
    p.issue(&mut cover, issuer, today);
    let attached = Presentation {
        attached_to: Some(format!(
            "Báo cáo số      /{} ngày {}",
            p.signing().symbol,
            vn(today)
        )),
        ..Default::default()
    };
    let mut first = results_doc(results, &attached);
    first.title = "PHỤ LỤC I".into();
    let mut second = overdue_doc(overdue, &attached);
    second.title = "PHỤ LỤC II".into();
    OfficialPack {
        parts: vec![cover, first, second],
    }
}
