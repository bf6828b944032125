//! The tasks late on a date and who has not finished them.

use crate::{Presentation, Visible, col, headings, subtitle};
use std::collections::{HashMap, HashSet};
use tiendo_domain::deadline::vn;
use tiendo_domain::status::StatusBook;
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::Db;
use tiendo_store::facts::{AgencyName, OverdueReport, overdue_report_of};
use time::Date;

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
