//! The committee's reports as official documents: built from the status book, written by
//! `tiendo_office::official` as Word or Excel.

use tiendo_domain::deadline::vn;
use tiendo_office::official::{Column, OfficialDoc, TableRow, Value};
use tiendo_store::facts::{AgencyCounts, OverdueReport};
use time::Date;

fn col(header: &str, width: u32) -> Column {
    Column {
        header: header.to_string(),
        width,
    }
}

/// The overdue list, grouped like the source plans (document, then its headings).
pub fn overdue_doc(r: &OverdueReport) -> OfficialDoc {
    let documents: std::collections::BTreeSet<&str> = r
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
        for (level, h) in it.headings.iter().enumerate() {
            if last_headings.get(level) != Some(h) {
                rows.push(TableRow::Heading(h.clone()));
            }
        }
        last_headings = it.headings.clone();
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
        issuer: vec![],
        place_date: None,
        title: "PHỤ LỤC".into(),
        subtitle: vec![
            "DANH SÁCH NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH".into(),
            format!("(Dữ liệu tính đến ngày {})", vn(r.as_of)),
        ],
        columns: vec![
            col("TT", 4),
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
    }
}

/// Per-agency four-way counts with the on-time rate.
pub fn agencies_doc(rows: &[AgencyCounts], as_of: Date) -> OfficialDoc {
    let mut table = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        let c = &r.counts;
        let done = c.done_on_time + c.done_late;
        let rate = if done == 0 {
            String::new()
        } else {
            format!("{:.1}%", c.done_on_time as f64 * 100.0 / done as f64).replace('.', ",")
        };
        table.push(TableRow::Cells(vec![
            Value::Number(n as i64 + 1),
            Value::Text(r.name.clone()),
            Value::Number(c.done_on_time as i64),
            Value::Number(c.done_late as i64),
            Value::Number(c.open_in_time as i64),
            Value::Number(c.open_overdue as i64),
            Value::Number(c.total() as i64),
            Value::Text(rate),
        ]));
    }
    OfficialDoc {
        issuer: vec![],
        place_date: None,
        title: "PHỤ LỤC".into(),
        subtitle: vec!["TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN".into(), format!("(Dữ liệu tính đến ngày {})", vn(as_of))],
        columns: vec![
            col("TT", 5),
            col("Cơ quan", 40),
            col("Hoàn thành đúng hạn", 12),
            col("Hoàn thành quá hạn", 12),
            col("Đang thực hiện trong hạn", 12),
            col("Quá hạn chưa hoàn thành", 12),
            col("Tổng số", 9),
            col("Tỷ lệ hoàn thành đúng hạn", 12),
        ],
        rows: table,
        notes: vec!["Tính theo các nhiệm vụ cơ quan chủ trì; nhiệm vụ thường xuyên và chưa có thời hạn cụ thể tính là đang thực hiện trong hạn.".into()],
        landscape: true,
        sheet: "Theo cơ quan".into(),
    }
}

/// One task of a conclusion notice with its result.
#[derive(Debug, Clone, serde::Serialize)]
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
}

/// The status of a task in the documents' words.
pub fn status_words(s: tiendo_domain::status::AssignmentState) -> &'static str {
    use tiendo_domain::status::AssignmentState::*;
    match s {
        DoneOnTime => "Đã hoàn thành",
        DoneLate => "Đã hoàn thành quá hạn",
        OpenInTime | Recurring | Conditional => "Đang thực hiện",
        OpenOverdue => "Chưa hoàn thành",
    }
}

/// The results table of the tasks of one document, grouped by their headings.
pub fn results_doc(document: &str, items: &[ResultItem], as_of: Date) -> OfficialDoc {
    let mut rows = Vec::new();
    let mut last: Vec<String> = Vec::new();
    for (n, it) in items.iter().enumerate() {
        for (level, h) in it.headings.iter().enumerate() {
            if last.get(level) != Some(h) {
                rows.push(TableRow::Heading(h.clone()));
            }
        }
        last = it.headings.clone();
        rows.push(TableRow::Cells(vec![
            Value::Number(n as i64 + 1),
            Value::Text(it.name.clone()),
            Value::Text(it.lead.clone().unwrap_or_default()),
            Value::Text(it.deadline_raw.clone()),
            Value::Text(it.result.clone().unwrap_or_default()),
            Value::Text(it.status.clone()),
        ]));
    }
    let count = |w: &str| items.iter().filter(|i| i.status == w).count();
    OfficialDoc {
        issuer: vec![],
        place_date: None,
        title: "PHỤ LỤC".into(),
        subtitle: vec![
            format!("KẾT QUẢ THỰC HIỆN NHIỆM VỤ GIAO TẠI VĂN BẢN {document}"),
            format!("(Dữ liệu tính đến ngày {})", vn(as_of)),
        ],
        columns: vec![
            col("TT", 4),
            col("Nhiệm vụ", 34),
            col("Cơ quan chủ trì", 16),
            col("Thời hạn", 11),
            col("Kết quả thực hiện", 34),
            col("Tiến độ", 12),
        ],
        rows,
        notes: vec![format!(
            "Tổng số: {} nhiệm vụ; đã hoàn thành {}; hoàn thành quá hạn {}; đang thực hiện {}; chưa hoàn thành (quá hạn) {}.",
            items.len(),
            count("Đã hoàn thành"),
            count("Đã hoàn thành quá hạn"),
            count("Đang thực hiện"),
            count("Chưa hoàn thành")
        )],
        landscape: true,
        sheet: "Kết quả thực hiện".into(),
    }
}

/// The difficulties table: agency, difficulty, agency that must resolve it, answer and its state,
/// grouped into ministries and central bodies, then localities.
pub fn difficulties_doc(rows: &[tiendo_store::tasks::DifficultyRow], as_of: Date) -> OfficialDoc {
    let local = |k: &str| {
        matches!(
            k,
            "province" | "city" | "former_province" | "department" | "commune"
        )
    };
    let mut table = Vec::new();
    let mut n = 0;
    for (title, want_local) in [
        ("A. CÁC BỘ, NGÀNH, CƠ QUAN TRUNG ƯƠNG", false),
        ("B. CÁC ĐỊA PHƯƠNG", true),
    ] {
        let group: Vec<_> = rows
            .iter()
            .filter(|r| local(&r.agency_kind) == want_local)
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
            let state = if r.state == "answered" {
                format!(
                    "Đã trả lời{}",
                    r.answered_on
                        .as_deref()
                        .and_then(tiendo_domain::deadline::parse_user_date)
                        .map(|d| format!(" ngày {}", vn(d)))
                        .unwrap_or_default()
                )
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
                    r.handlers.join("; ")
                }),
                Value::Text(r.answer.clone().unwrap_or_default()),
                Value::Text(state),
            ]));
        }
    }
    let open = rows.iter().filter(|r| r.state != "answered").count();
    OfficialDoc {
        issuer: vec![],
        place_date: None,
        title: "PHỤ LỤC".into(),
        subtitle: vec![
            "TỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC VÀ KẾT QUẢ XỬ LÝ".into(),
            format!("(Dữ liệu tính đến ngày {})", vn(as_of)),
        ],
        columns: vec![
            col("TT", 4),
            col("Cơ quan nêu", 16),
            col("Khó khăn, vướng mắc", 36),
            col("Cơ quan xử lý", 16),
            col("Trả lời, hướng xử lý", 30),
            col("Tình trạng", 12),
        ],
        rows: table,
        notes: vec![format!(
            "Tổng số: {} khó khăn, vướng mắc; {} chưa được trả lời.",
            rows.len(),
            open
        )],
        landscape: true,
        sheet: "Khó khăn, vướng mắc".into(),
    }
}
