//! Each agency's counts of its lead assignments and its on-time rate.

use crate::{Presentation, col, subtitle};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tiendo_domain::deadline::vn;
use tiendo_domain::status::{FourWay, StatusBook};
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::difficulties::Difficulty;
use tiendo_store::facts::AgencyName;
use time::Date;

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
    #[serde(serialize_with = "crate::ser_date")]
    pub as_of: Date,
    pub agencies: Vec<AgencyRow>,
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
        if let Some(a) = d.agency_id {
            *raised.entry(a).or_default() += 1;
        }
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
