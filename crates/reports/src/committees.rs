//! Every committee's standing on a date, as the Government's standing agency sees it: the
//! national view across the Government's committee and the provinces' (`tiendo report
//! committees`, the page "Các ban chỉ đạo", `/api/report/committees`).

use std::collections::HashMap;

use serde::Serialize;
use tiendo_domain::deadline::vn;
use tiendo_domain::indicator::Colour;
use tiendo_domain::status::AssignmentState;
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::registry::Committee;
use time::Date;

use crate::{Presentation, col, subtitle};

/// A committee's indicators by colour on the date (grey, without a figure or a target, apart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ColourCounts {
    pub green: u64,
    pub amber: u64,
    pub red: u64,
    pub grey: u64,
}

impl ColourCounts {
    pub fn add(&mut self, c: Colour) {
        match c {
            Colour::Green => self.green += 1,
            Colour::Amber => self.amber += 1,
            Colour::Red => self.red += 1,
            Colour::Grey => self.grey += 1,
        }
    }
}

/// One committee's line.
#[derive(Debug, Clone, Serialize)]
pub struct CommitteeStanding {
    pub code: String,
    pub name: String,
    /// `national` (the Government's) or `province`.
    pub level: String,
    /// The committee's own tasks (not those it received from another committee).
    pub tasks: u64,
    /// Tasks with a lead assignment late on the date, as `report overdue` lists them.
    pub open_overdue: u64,
    pub done_on_time: u64,
    pub done_late: u64,
    pub indicators: ColourCounts,
    /// Difficulties raised on its tasks (or by its own agencies) still awaiting an answer.
    pub difficulties_awaiting: u64,
    /// The day of the newest progress report on its tasks, by the date; none yet.
    #[serde(serialize_with = "crate::ser_opt_date")]
    pub last_activity: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitteesReport {
    #[serde(serialize_with = "crate::ser_date")]
    pub as_of: Date,
    /// The Government's committee first, then the provinces' in the order they were added.
    pub committees: Vec<CommitteeStanding>,
}

/// What the national view is counted from, each fact already read for the date.
pub struct CommitteeFacts<'a> {
    pub committees: &'a [Committee],
    /// Each task's committee.
    pub task_committee: &'a HashMap<i64, i64>,
    /// Each task's state on the date (tasks with a lead assignment then).
    pub task_states: &'a HashMap<i64, AssignmentState>,
    /// Each indicator's committee and colour on the date.
    pub indicators: &'a [(i64, Colour)],
    /// The committee of each difficulty awaiting an answer on the date.
    pub difficulties_awaiting: &'a [i64],
    /// Per committee, the day of its newest progress report by the date.
    pub last_reports: &'a HashMap<i64, Date>,
}

/// Counts every committee's line.
pub fn committees_report(f: &CommitteeFacts<'_>, as_of: Date) -> CommitteesReport {
    let mut lines: Vec<CommitteeStanding> = f
        .committees
        .iter()
        .map(|c| CommitteeStanding {
            code: c.code.clone(),
            name: c.name.clone(),
            level: c.level.clone(),
            tasks: 0,
            open_overdue: 0,
            done_on_time: 0,
            done_late: 0,
            indicators: ColourCounts::default(),
            difficulties_awaiting: 0,
            last_activity: f.last_reports.get(&c.id).copied(),
        })
        .collect();
    let at: HashMap<i64, usize> = f
        .committees
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    for (task, committee) in f.task_committee {
        let Some(line) = at.get(committee).map(|&i| &mut lines[i]) else {
            continue;
        };
        line.tasks += 1;
        match f.task_states.get(task) {
            Some(AssignmentState::OpenOverdue) => line.open_overdue += 1,
            Some(AssignmentState::DoneOnTime) => line.done_on_time += 1,
            Some(AssignmentState::DoneLate) => line.done_late += 1,
            _ => {}
        }
    }
    for (committee, colour) in f.indicators {
        if let Some(&i) = at.get(committee) {
            lines[i].indicators.add(*colour);
        }
    }
    for committee in f.difficulties_awaiting {
        if let Some(&i) = at.get(committee) {
            lines[i].difficulties_awaiting += 1;
        }
    }
    CommitteesReport {
        as_of,
        committees: lines,
    }
}

/// The national view as an official appendix: one line per committee and the totals.
pub fn committees_doc(r: &CommitteesReport, p: &Presentation) -> OfficialDoc {
    let cells = |c: &CommitteeStanding| {
        vec![
            Value::Number(c.tasks as i64),
            Value::Number(c.open_overdue as i64),
            Value::Number(c.done_on_time as i64),
            Value::Number(c.done_late as i64),
            Value::Number(c.indicators.green as i64),
            Value::Number(c.indicators.amber as i64),
            Value::Number(c.indicators.red as i64),
            Value::Number(c.difficulties_awaiting as i64),
        ]
    };
    let mut rows = Vec::new();
    for (n, c) in r.committees.iter().enumerate() {
        let mut line = vec![Value::Number(n as i64 + 1), Value::Text(c.name.clone())];
        line.extend(cells(c));
        line.push(Value::Text(c.last_activity.map(vn).unwrap_or_default()));
        rows.push(TableRow::Cells(line));
    }
    let sum = |f: fn(&CommitteeStanding) -> u64| -> Value {
        Value::Number(r.committees.iter().map(f).sum::<u64>() as i64)
    };
    rows.push(TableRow::Cells(vec![
        Value::Empty,
        Value::Text("Tổng cộng".into()),
        sum(|c| c.tasks),
        sum(|c| c.open_overdue),
        sum(|c| c.done_on_time),
        sum(|c| c.done_late),
        sum(|c| c.indicators.green),
        sum(|c| c.indicators.amber),
        sum(|c| c.indicators.red),
        sum(|c| c.difficulties_awaiting),
        Value::Empty,
    ]));
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ CỦA CÁC BAN CHỈ ĐẠO".into(),
                format!("(Dữ liệu tính đến ngày {})", vn(r.as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Ban chỉ đạo", 30),
            col("Số nhiệm vụ", 9),
            col("Quá hạn chưa hoàn thành", 10),
            col("Hoàn thành đúng hạn", 10),
            col("Hoàn thành quá hạn", 10),
            col("Chỉ tiêu đạt (xanh)", 9),
            col("Chỉ tiêu chậm (vàng)", 9),
            col("Chỉ tiêu không đạt (đỏ)", 9),
            col("Khó khăn chờ trả lời", 9),
            col("Báo cáo gần nhất", 11),
        ],
        rows,
        notes: vec!["Mỗi ban chỉ đạo tính các nhiệm vụ do mình giao (không tính nhiệm vụ nhận từ ban chỉ đạo khác). Quá hạn chưa hoàn thành: nhiệm vụ có cơ quan chủ trì quá hạn vào ngày tính, như danh sách nhiệm vụ quá hạn.".into()],
        landscape: true,
        sheet: "Các ban chỉ đạo".into(),
        ..Default::default()
    }
}
