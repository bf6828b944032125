//! Late assignments with the agencies' commitments (notice 2352/BCA-VPB).

use crate::{Presentation, Visible, col, headings, subtitle};
use serde::Serialize;
use tiendo_domain::deadline::{iso, opt_iso_date, vn};
use tiendo_domain::scoring::Month;
use tiendo_domain::status::StatusBook;
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::Db;
use time::Date;

/// One late assignment with its commitment.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentItem {
    pub task_id: String,
    pub number: Option<String>,
    pub name: Option<String>,
    pub headings: Vec<String>,
    pub agency: Option<String>,
    #[serde(serialize_with = "crate::ser_date")]
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
    #[serde(serialize_with = "crate::ser_date")]
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
