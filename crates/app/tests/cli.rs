//! The binary as other tools call it (docs/contracts.md).

mod common;

use std::process::Command;

use common::{sample, temp_dir};

fn tiendo(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiendo"));
    c.current_dir(dir).env_remove("TIENDO_DATABASE_URL");
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let o = c.output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn dry_run_prints_the_contract_preview_and_stores_nothing() {
    let dir = temp_dir();
    let (code, out, err) = run(tiendo(&dir)
        .args([
            "import",
            "--dry-run",
            "--format",
            "json",
            "--reported-on",
            "2026-02-15",
        ])
        .arg(sample("plan-2026-appendix-2.docx")));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let doc = &v["documents"][0];
    assert_eq!(doc["file"], "plan-2026-appendix-2.docx");
    let tasks = doc["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 98);
    let t14 = tasks.iter().find(|t| t["number"] == "14").expect("14");
    for key in [
        "number",
        "headings",
        "name",
        "lead",
        "coordinators",
        "expected_result",
        "deadline",
        "basis",
        "progress_report",
        "status",
        "incomplete_units",
    ] {
        assert!(t14.get(key).is_some(), "field {key}");
    }
    assert_eq!(
        t14["headings"][0],
        "HOÀN THIỆN THỂ CHẾ, PHÁP LUẬT, CƠ CHẾ CHÍNH SÁCH"
    );
    assert_eq!(t14["lead"][0]["kind"], "agency");
    assert_eq!(t14["lead"][0]["name"], "Bộ Công an");
    assert_eq!(t14["coordinators"][0]["name"], "Bộ Công Thương");
    assert_eq!(t14["deadline"]["raw"], "30/6/2026");
    assert_eq!(t14["deadline"]["kind"], "date");
    assert_eq!(t14["deadline"]["due"], "2026-06-30");
    assert!(t14["progress_report"].is_null() && t14["status"].is_null());
    assert_eq!(t14["incomplete_units"], serde_json::json!([]));
    assert!(doc["warnings"].as_array().is_some());
    assert!(
        !dir.join("tiendo.db").exists(),
        "a dry run creates no database"
    );
    assert!(err.contains("98 nhiệm vụ"), "summary line: {err}");
}

/// The dry run's summary counts the rows that carry a note of their own (issue #35, part 2):
/// an indicator appendix whose every row has a sloppy cell (a figure without its unit, words in
/// place of a figure, a figure in another unit) says three rows to look at, beside its warnings.
#[test]
fn the_summary_counts_the_rows_that_carry_a_note() {
    let dir = temp_dir();
    let file = dir.join("phu-luc-chi-tieu.csv");
    std::fs::write(
        &file,
        "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2026;Kết quả thực hiện;Cơ quan chủ trì\n\
         1;Tỷ lệ thủ tục có hồ sơ trực tuyến;%;85%;61,3;Bộ Công an\n\
         2;Số hệ thống kết nối nền tảng tích hợp;hệ thống;120;Đang triển khai;Bộ Khoa học và Công nghệ\n\
         3;Tỷ lệ cơ quan dùng chữ ký số;%;100%;38 cơ quan;Ban Cơ yếu Chính phủ\n",
    )
    .expect("written");
    let (code, _, err) = run(tiendo(&dir)
        .args(["import", "--dry-run", "--reported-on", "2026-06-30"])
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 chỉ tiêu"), "{err}");
    assert!(err.contains(", 3 dòng có lưu ý,"), "{err}");
}

#[test]
fn text_preview_is_readable() {
    let dir = temp_dir();
    let (code, out, _) = run(tiendo(&dir)
        .args(["import", "--dry-run", "--reported-on", "2026-02-15"])
        .arg(sample("plan-2026-appendix-2.txt")));
    assert_eq!(code, 0);
    assert!(out.contains("HOÀN THIỆN THỂ CHẾ"));
    assert!(out.contains("Quý I/2026 → 31/03/2026"));
    assert!(
        out.contains("Cảnh báo (5)"),
        "four undated deadlines and one vague lead"
    );
    assert!(out.contains("chưa xác định được cơ quan chủ trì \"Cơ quan tài chính các cấp\""));
    // Deadlines without a day of their own in words, never a code; the "?" mark explained.
    assert!(out.contains("Thường xuyên → thường xuyên"), "{out}");
    assert!(!out.contains("→ recurring") && !out.contains("→ conditional"));
    assert!(out.contains("?Cơ quan tài chính các cấp"));
    assert!(out.contains("?  trước tên cơ quan: tên này chưa có trong danh mục cơ quan"));
}

#[test]
fn a_bad_file_is_one_line_a_failure_and_nothing_stored() {
    let dir = temp_dir();
    let bad = dir.join("hong.docx");
    std::fs::write(&bad, b"PK\x03\x04 broken").expect("write");
    let (code, out, err) = run(tiendo(&dir)
        .args(["import", "--format", "json"])
        .arg(sample("plan-2026-appendix-2.txt"))
        .arg(&bad));
    assert_ne!(code, 0);
    assert!(out.is_empty());
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("hong.docx") && l.contains("tệp hỏng"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    let (_, out, _) = run(tiendo(&dir).args(["report", "overdue", "--as-of", "2027-01-01"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v["items"],
        serde_json::json!([]),
        "the good file was not stored either"
    );
}

#[test]
fn import_then_overdue_json_as_the_contract_says() {
    let dir = temp_dir();
    let (code, _, err) = run(tiendo(&dir)
        .args(["import", "--reported-on", "2026-02-15"])
        .arg(sample("plan-2026-appendix-2.xlsx")));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["as_of"], "2026-03-01");
    let items = v["items"].as_array().expect("items");
    // On 1/3/2026 only task 4 ("Trong tháng 02/2026") has passed its deadline.
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["number"], "4");
    assert!(items[0]["task_id"].is_string());
    assert_eq!(items[0]["due"], "2026-02-28");
    assert_eq!(
        items[0]["late_agencies"],
        serde_json::json!([{"name": "Bộ Tài chính", "code": "BTC", "days_late": 1}])
    );
    // The same database through --database-url and the environment.
    let url = format!("sqlite://{}", dir.join("tiendo.db").display());
    let other = temp_dir();
    let (_, out2, _) = run(tiendo(&other).env("TIENDO_DATABASE_URL", &url).args([
        "report",
        "overdue",
        "--as-of",
        "2026-03-01",
    ]));
    assert_eq!(out, out2);
}

#[test]
fn bad_arguments_and_databases_fail_with_one_line() {
    let dir = temp_dir();
    for args in [
        vec!["report", "overdue", "--as-of", "2026-02-30"],
        vec![
            "--database-url",
            "mysql://x/y",
            "report",
            "overdue",
            "--as-of",
            "2026-01-01",
        ],
        vec![
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "report",
            "overdue",
            "--as-of",
            "2026-01-01",
        ],
        vec!["import", "--reported-on", "hôm qua", "x.txt"],
    ] {
        let (code, out, err) = run(tiendo(&dir).args(&args));
        assert_ne!(code, 0, "{args:?}");
        assert!(out.is_empty());
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn agencies_resolve_and_list() {
    let dir = temp_dir();
    let (code, out, _) = run(tiendo(&dir).args([
        "agencies",
        "resolve",
        "Các bộ: Y tế, Văn hóa, Thể thao và Du lịch; TP.HCM và Cơ quan, đơn vị liên quan",
    ]));
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("agency") && lines[0].contains("Bộ Y tế"));
    assert!(lines[1].contains("Bộ Văn hóa, Thể thao và Du lịch"));
    assert!(lines[2].contains("Thành phố Hồ Chí Minh"));
    assert!(lines[3].starts_with("unresolved") && lines[3].contains("Cơ quan, đơn vị liên quan"));
    let (code, out, _) = run(tiendo(&dir).args([
        "agencies",
        "list",
        "--kind",
        "province",
        "--on",
        "2026-01-01",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v["agencies"].as_array().map(Vec::len),
        Some(28),
        "28 provinces + 6 cities"
    );
    let (_, out, _) =
        run(tiendo(&dir).args(["agencies", "list", "--on", "2025-06-30", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let local = v["agencies"]
        .as_array()
        .expect("a")
        .iter()
        .filter(|a| {
            ["province", "city", "former_province"].contains(&a["kind"].as_str().unwrap_or(""))
        })
        .count();
    assert_eq!(local, 63, "63 provinces before 1 July 2025");
    // A run-time alias, then the resolver knows it.
    let (code, _, err) = run(tiendo(&dir).args(["agencies", "add-alias", "BCA", "Công an Bộ"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(tiendo(&dir).args(["agencies", "resolve", "Công an Bộ"]));
    assert!(out.contains("Bộ Công an"), "{out}");
}

#[test]
fn generate_then_report() {
    let dir = temp_dir();
    let (code, out, err) = run(tiendo(&dir).args(["generate", "--tasks", "200", "--seed", "5"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["tasks"], 200);
    let (code, out, _) = run(tiendo(&dir).args(["report", "overdue", "--as-of", "2026-06-30"]));
    assert_eq!(code, 0);
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = r["items"].as_array().expect("items");
    assert!(!items.is_empty());
    for i in items {
        assert!(i["due"].as_str().is_some_and(|d| d < "2026-06-30"));
        assert!(!i["late_agencies"].as_array().expect("late").is_empty());
    }
    let (code, out, _) = run(tiendo(&dir).args([
        "report",
        "agencies",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let a: serde_json::Value = serde_json::from_str(&out).expect("json");
    let overdue_total: u64 = a["agencies"]
        .as_array()
        .expect("a")
        .iter()
        .map(|x| x["open_overdue"].as_u64().unwrap_or(0))
        .sum();
    let late_total: usize = items
        .iter()
        .map(|i| i["late_agencies"].as_array().map(Vec::len).unwrap_or(0))
        .sum();
    assert_eq!(
        overdue_total as usize, late_total,
        "per-agency overdue counts add up to the overdue list"
    );
}

#[test]
fn a_provincial_committee_assigns_to_its_own_departments() {
    let dir = temp_dir();
    let ok = |args: &[&str]| {
        let (code, out, err) = run(tiendo(&dir).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    ok(&[
        "committees",
        "add",
        "BCD_HANOI",
        "--name",
        "Ban Chỉ đạo thành phố Hà Nội",
        "--province",
        "P_HANOI",
    ]);
    ok(&[
        "agencies",
        "add",
        "HN_STC",
        "--name",
        "Sở Tài chính",
        "--kind",
        "department",
        "--committee",
        "BCD_HANOI",
        "--short",
        "Tài chính",
    ]);
    ok(&[
        "agencies",
        "add",
        "HN_SKHCN",
        "--name",
        "Sở Khoa học và Công nghệ",
        "--kind",
        "department",
        "--committee",
        "BCD_HANOI",
        "--alias",
        "Sở KH&CN",
    ]);
    ok(&[
        "agencies",
        "add",
        "HUE_STC",
        "--name",
        "Sở Tài chính",
        "--kind",
        "department",
        "--committee",
        "BCDCP",
    ]);
    let csv = dir.join("ke-hoach-ha-noi.csv");
    std::fs::write(&csv, "STT,Nhiệm vụ,Chủ trì,Thời hạn\n1,Số hóa hồ sơ đất đai,\"Các sở, ban, ngành\",30/6/2026\n2,Cấp chữ ký số,Sở KH&CN,Quý I/2026\n").expect("write");
    let out = ok(&[
        "import",
        "--committee",
        "BCD_HANOI",
        "--format",
        "json",
        "--reported-on",
        "2026-01-05",
        csv.to_str().expect("path"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v["documents"][0]["stored"]["assignments"], 3,
        "two Hà Nội departments + one"
    );
    let (_, out, _) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-07-01",
        "--committee",
        "BCD_HANOI",
    ]));
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    let late: Vec<String> = r["items"][0]["late_agencies"]
        .as_array()
        .expect("late")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(r["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(late.len(), 2, "the Huế department is not Hà Nội's");
    let (_, out, _) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-07-01",
        "--committee",
        "BCDCP",
    ]));
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r["items"], serde_json::json!([]));
    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-07-01",
        "--committee",
        "KHONG_CO",
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("KHONG_CO"));
    // Due soon: on 25/3/2026 task 2 (Quý I/2026) is due within 7 days, task 1 is not.
    let (_, out, _) =
        run(tiendo(&dir).args(["report", "due-soon", "--as-of", "2026-03-25", "--days", "7"]));
    let d: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["items"].as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(d["items"][0]["number"], "2");
    assert_eq!(d["items"][0]["days_left"], 6);
}

#[test]
fn overdue_list_as_official_word_and_excel() {
    use calamine::{Data, Reader};
    let dir = temp_dir();
    let (code, _, err) = run(tiendo(&dir)
        .args(["import", "--reported-on", "2026-02-15"])
        .arg(sample("plan-2026-appendix-2.docx")));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-05-20",
        "--format",
        "docx",
        "--output",
        "qua-han.docx",
    ]));
    assert_eq!(code, 0, "{err}");
    let blocks =
        tiendo_office::docx::read_docx(&std::fs::read(dir.join("qua-han.docx")).expect("written"))
            .expect("reads back");
    let paragraphs: Vec<&str> = blocks
        .iter()
        .filter_map(|b| {
            if let tiendo_office::blocks::Block::Paragraph(p) = b {
                Some(p.as_str())
            } else {
                None
            }
        })
        .collect();
    assert!(paragraphs.contains(&"PHỤ LỤC"));
    assert!(paragraphs.contains(&"(Dữ liệu tính đến ngày 20/05/2026)"));
    let rows = blocks
        .iter()
        .find_map(|b| {
            if let tiendo_office::blocks::Block::Table { rows, .. } = b {
                Some(rows)
            } else {
                None
            }
        })
        .expect("a table");
    assert_eq!(rows[0][1].text, "Nhiệm vụ");
    assert_eq!(rows[0][6].text, "Đơn vị chưa hoàn thành");
    let items: Vec<&Vec<tiendo_office::blocks::Cell>> =
        rows.iter().skip(1).filter(|r| r.len() == 8).collect();
    assert_eq!(items.len(), 20, "the 20 overdue tasks");
    assert_eq!(
        items[0][1].text,
        "Nghiên cứu, tham mưu Chính phủ các cơ chế giao dịch chứng khoán chuyên biệt cho doanh nghiệp khởi nghiệp sáng tạo"
    );
    assert_eq!(items[0][5].text, "28/02/2026");
    assert_eq!(items[0][7].text, "81");
    let headings: Vec<&str> = rows
        .iter()
        .filter(|r| r.len() == 1)
        .map(|r| r[0].text.as_str())
        .collect();
    assert_eq!(
        headings.first(),
        Some(&"HOÀN THIỆN THỂ CHẾ, PHÁP LUẬT, CƠ CHẾ CHÍNH SÁCH"),
        "grouped like the plan"
    );

    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2026-05-20",
        "--format",
        "xlsx",
        "--output",
        "qua-han.xlsx",
    ]));
    assert_eq!(code, 0, "{err}");
    let mut wb = calamine::open_workbook_auto(dir.join("qua-han.xlsx")).expect("opens");
    let range = wb.worksheet_range("Nhiệm vụ quá hạn").expect("sheet");
    let data: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header = data
        .iter()
        .position(|r| r.first().is_some_and(|c| *c == "TT"))
        .expect("header row");
    let task_rows: Vec<&Vec<Data>> = data[header + 1..]
        .iter()
        .filter(|r| matches!(r.first(), Some(Data::Float(_)) | Some(Data::Int(_))))
        .collect();
    assert_eq!(task_rows.len(), 20);
    assert!(
        task_rows.iter().all(|r| matches!(r[5], Data::DateTime(_))),
        "due dates are dates"
    );

    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "agencies",
        "--as-of",
        "2026-05-20",
        "--format",
        "xlsx",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.join("tinh-hinh-theo-co-quan-2026-05-20.xlsx").exists(),
        "default file name"
    );
}

#[test]
fn results_of_a_conclusion_notice_in_the_documents_words() {
    let dir = temp_dir();
    let csv = dir.join("ket-qua-552.csv");
    std::fs::write(
        &csv,
        "TT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Căn cứ giao;Kết quả thực hiện;Tiến độ\n\
         ;Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo;;;;;\n\
         1;Kết nối sổ sức khỏe điện tử;Bộ Y tế;30/6/2025;Thông báo số 552/TB-VPCP ngày 10/5/2025;Đã kết nối 63/63 tỉnh;Đã hoàn thành\n\
         2;Giấy chuyển tuyến điện tử;Bộ Y tế;31/3/2025;Thông báo số 552/TB-VPCP ngày 10/5/2025;Hoàn thành ngày 15/6/2025;Đã hoàn thành quá hạn\n\
         ;Nhiệm vụ giao Bộ trưởng Bộ Công an chỉ đạo;;;;;\n\
         3;Định danh tổ chức;Bộ Công an;30/9/2025;Thông báo số 552/TB-VPCP;Đang thử nghiệm;Đang thực hiện\n\
         4;Sàn dữ liệu;Bộ Công an;31/7/2025;Thông báo số 552/TB-VPCP;Chưa triển khai;Chưa hoàn thành\n\
         5;Nhiệm vụ của văn bản khác;Bộ Tài chính;31/7/2025;Nghị quyết số 71/NQ-CP;;\n",
    )
    .expect("write");
    let (code, _, err) = run(tiendo(&dir)
        .args(["import", "--reported-on", "2025-08-15"])
        .arg(&csv));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(tiendo(&dir).args([
        "report",
        "results",
        "--document",
        "552/TB-VPCP",
        "--as-of",
        "2025-08-15",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = v["items"].as_array().expect("items");
    let got: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|i| {
            (
                i["number"].as_str().unwrap_or(""),
                i["status"].as_str().unwrap_or(""),
                i["result"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("1", "Đã hoàn thành", "Đã kết nối 63/63 tỉnh"),
            ("2", "Đã hoàn thành quá hạn", "Hoàn thành ngày 15/6/2025"),
            ("3", "Đang thực hiện", "Đang thử nghiệm"),
            ("4", "Chưa hoàn thành", "Chưa triển khai"),
        ]
    );
    assert_eq!(
        items[0]["headings"][0],
        "Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo"
    );
    assert_eq!(
        items[2]["headings"][0],
        "Nhiệm vụ giao Bộ trưởng Bộ Công an chỉ đạo"
    );
    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "results",
        "--document",
        "552/TB-VPCP",
        "--as-of",
        "2025-08-15",
        "--format",
        "docx",
        "--output",
        "kq.docx",
    ]));
    assert_eq!(code, 0, "{err}");
    let blocks =
        tiendo_office::docx::read_docx(&std::fs::read(dir.join("kq.docx")).expect("written"))
            .expect("reads back");
    let rows = blocks
        .iter()
        .find_map(|b| {
            if let tiendo_office::blocks::Block::Table { rows, .. } = b {
                Some(rows)
            } else {
                None
            }
        })
        .expect("table");
    assert_eq!(rows.len(), 1 + 2 + 4, "header, two groups, four tasks");
    let (code, _, err) =
        run(tiendo(&dir).args(["report", "results", "--document", "999/KHONG-CO"]));
    assert_ne!(code, 0);
    assert!(err.contains("999/KHONG-CO"));
}

fn tables(path: &std::path::Path) -> Vec<Vec<Vec<String>>> {
    let blocks =
        tiendo_office::docx::read_docx(&std::fs::read(path).expect("written")).expect("reads back");
    blocks
        .iter()
        .filter_map(|b| {
            if let tiendo_office::blocks::Block::Table { rows, .. } = b {
                Some(
                    rows.iter()
                        .map(|r| r.iter().map(|c| c.text.clone()).collect())
                        .collect(),
                )
            } else {
                None
            }
        })
        .collect()
}

fn paragraphs(path: &std::path::Path) -> Vec<String> {
    let blocks =
        tiendo_office::docx::read_docx(&std::fs::read(path).expect("written")).expect("reads back");
    blocks
        .iter()
        .filter_map(|b| {
            if let tiendo_office::blocks::Block::Paragraph(p) = b {
                Some(p.clone())
            } else {
                None
            }
        })
        .collect()
}

/// The table whose header row starts with `first`.
fn table_starting(path: &std::path::Path, first: &str) -> Vec<Vec<String>> {
    tables(path)
        .into_iter()
        .find(|t| {
            t.first()
                .and_then(|r| r.first())
                .is_some_and(|c| c == first)
        })
        .unwrap_or_else(|| panic!("a table starting with {first}"))
}

fn document_xml(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut s = String::new();
    z.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut s)
        .expect("read");
    s
}

const MONTH_PLAN: &str = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn;Tiến độ\n\
1;Số hóa hồ sơ thuế;Bộ Tài chính;15/5/2026;Đã hoàn thành\n\
2;Kết nối dữ liệu hóa đơn;Bộ Tài chính;20/5/2026;\n\
3;Làm sạch dữ liệu cư trú;Bộ Công an;10/5/2026;Đang thực hiện\n\
4;Mở rộng ứng dụng định danh;Bộ Công an;31/7/2026;\n";

#[test]
fn the_monthly_ranking_by_its_published_formula() {
    use calamine::{Data, Reader};
    let dir = temp_dir();
    std::fs::write(dir.join("thang-5.csv"), MONTH_PLAN).expect("write");
    let (code, _, err) =
        run(tiendo(&dir).args(["import", "thang-5.csv", "--reported-on", "2026-05-10"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(tiendo(&dir).args(["score", "--month", "2026-05"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rows = v["rows"].as_array().expect("rows");
    let got: Vec<(&str, f64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap_or(""),
                r["score"].as_f64().unwrap_or(-1.0),
                r["rank"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Bộ Tài chính: 100 × (35×½ + 25×½ + 15×½) / 75 − (11/2)/10. Bộ Công an: one of two open
    // assignments reported (15 of 75 weights, half), minus 21 days late / 10.
    assert_eq!(got, vec![("BTC", 49.45, 1), ("BCA", 7.9, 2)]);
    assert_eq!(rows[0]["components"]["overdue_at_end"], 1);
    assert_eq!(rows[0]["components"]["days_late"], 11);
    assert_eq!(rows[0]["head"], "Bộ trưởng Bộ Tài chính");
    assert!(
        v["formula"]
            .as_str()
            .is_some_and(|f| f.contains("report_day = 25"))
    );
    assert_eq!(v["previous_month"], "2026-04");

    // Another formula to compare with, from a file; a broken one is one line and exit 1.
    let other = tiendo_domain::scoring::DEFAULT_FORMULA_TOML
        .replace("reports = 15", "reports = 0")
        .replace("max_points = 20", "max_points = 0");
    std::fs::write(dir.join("khac.toml"), &other).expect("write");
    let (code, out, err) =
        run(tiendo(&dir).args(["score", "--month", "2026-05", "--formula", "khac.toml"]));
    assert_eq!(code, 0, "{err}");
    let v2: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v2["rows"][0]["score"], 50.0,
        "35×½ + 25×½ over 60, no deduction"
    );
    std::fs::write(
        dir.join("hong.toml"),
        "name = \"x\"\n[weights]\non_time = -3\n",
    )
    .expect("write");
    let (code, _, err) =
        run(tiendo(&dir).args(["score", "--month", "2026-05", "--formula", "hong.toml"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("hong.toml") && err.lines().count() == 1,
        "{err}"
    );
    let (code, _, err) = run(tiendo(&dir).args(["score", "--month", "2026-13"]));
    assert_eq!(code, 1);
    assert!(err.contains("2026-13"), "{err}");

    // Published formulas apply from this month on, never to a month already under way or past.
    let (code, out, _) = run(tiendo(&dir).args(["formula", "show", "--month", "2026-05"]));
    assert_eq!(code, 0);
    assert!(out.contains("[weights]"));
    let (code, _, err) =
        run(tiendo(&dir).args(["formula", "publish", "khac.toml", "--from-month", "2026-05"]));
    assert_eq!(code, 1, "not retroactive");
    assert!(err.contains("không áp dụng ngược"), "{err}");
    let next = time::OffsetDateTime::now_utc().date() + time::Duration::days(40);
    let next = format!("{:04}-{:02}", next.year(), u8::from(next.month()));
    let (code, _, err) =
        run(tiendo(&dir).args(["formula", "publish", "khac.toml", "--from-month", &next]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(tiendo(&dir).args(["score", "--month", "2026-05"]));
    let v3: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v3["rows"], v["rows"],
        "May keeps its formula and its numbers"
    );
    let (_, out, _) = run(tiendo(&dir).args(["formula", "show", "--month", &next]));
    assert!(out.contains("reports = 0"));

    // As documents: a Word document with the national heading, an Excel sheet.
    let (code, _, err) = run(tiendo(&dir).args([
        "score", "--month", "2026-05", "--format", "docx", "--output", "xh.docx",
    ]));
    assert_eq!(code, 0, "{err}");
    let heading = tables(&dir.join("xh.docx")).remove(0);
    assert!(heading[0][1].starts_with("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(heading[0][0].starts_with("BAN CHỈ ĐẠO CỦA CHÍNH PHỦ"));
    let t = table_starting(&dir.join("xh.docx"), "Hạng");
    assert_eq!(t.len(), 3, "header and two agencies");
    assert_eq!(
        (t[1][0].as_str(), t[1][1].as_str()),
        ("1", "1"),
        "overall, among ministries"
    );
    assert!(t[1][2].starts_with("Bộ Tài chính"));
    assert_eq!(t[1][3], "1/2");
    assert_eq!(t[1][9], "—", "no indicator assessed");
    assert_eq!(t[1][11], "49,45");
    assert!(paragraphs(&dir.join("xh.docx")).contains(&"BẢNG ĐIỂM VÀ XẾP HẠNG".to_string()));
    let (code, _, err) = run(tiendo(&dir).args([
        "score", "--month", "2026-05", "--format", "xlsx", "--output", "xh.xlsx",
    ]));
    assert_eq!(code, 0, "{err}");
    let mut wb = calamine::open_workbook_auto(dir.join("xh.xlsx")).expect("opens");
    let range = wb.worksheet_range("Xếp hạng").expect("sheet");
    let ranked: Vec<Vec<Data>> = range
        .rows()
        .filter(|r| matches!(r.first(), Some(Data::Float(_))))
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(ranked.len(), 2);
}

#[test]
fn the_pack_for_the_next_meeting_is_one_word_file() {
    let dir = temp_dir();
    std::fs::write(
        dir.join("kl.csv"),
        "TT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Căn cứ giao;Kết quả thực hiện;Tiến độ\n\
         ;Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo;;;;;\n\
         1;Kết nối sổ sức khỏe điện tử;Bộ Y tế;30/6/2025;Thông báo số 552/TB-VPCP;Đã kết nối 63/63 tỉnh;Đã hoàn thành\n\
         2;Giấy chuyển tuyến điện tử;Bộ Y tế;31/3/2025;Thông báo số 552/TB-VPCP;Hoàn thành ngày 15/6/2025;Đã hoàn thành quá hạn\n\
         3;Sàn dữ liệu;Bộ Công an;31/7/2025;Thông báo số 552/TB-VPCP;Chưa triển khai;Chưa hoàn thành\n\
         4;Nhiệm vụ của văn bản khác;Bộ Tài chính;31/7/2025;Nghị quyết số 71/NQ-CP;;\n",
    )
    .expect("write");
    let (code, _, err) =
        run(tiendo(&dir).args(["import", "kl.csv", "--reported-on", "2025-08-15"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(tiendo(&dir).args([
        "meetings",
        "add",
        "--name",
        "Phiên họp lần thứ tư",
        "--held-on",
        "2025-05-10",
        "--document",
        "552/TB-VPCP",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 nhiệm vụ"), "{out}");
    let (code, _, err) = run(tiendo(&dir).args([
        "meetings",
        "add",
        "--name",
        "x",
        "--held-on",
        "2025-05-10",
        "--document",
        "không-phải-số-hiệu",
    ]));
    assert_eq!(code, 1, "an unknown document is refused");
    assert!(err.lines().count() == 1, "{err}");
    let (_, out, _) = run(tiendo(&dir).args(["meetings", "list", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    let (code, _, err) = run(tiendo(&dir).args([
        "meetings",
        "prepare",
        "--as-of",
        "2025-08-15",
        "--next",
        "Phiên họp lần thứ năm",
        "--output",
        "pack.docx",
    ]));
    assert_eq!(code, 0, "{err}");
    let pack = dir.join("pack.docx");
    let p = paragraphs(&pack);
    for want in ["BÁO CÁO", "PHỤ LỤC I", "PHỤ LỤC II"] {
        assert!(p.iter().any(|x| x == want), "{want} in {p:?}");
    }
    assert!(
        p.iter()
            .any(|x| x.contains("đã giao 3 nhiệm vụ") && x.contains("hoàn thành quá hạn 1")),
        "{p:?}"
    );
    let results = table_starting(&pack, "TT");
    assert_eq!(results[0][5], "Tiến độ");
    let tasks: Vec<&Vec<String>> = results.iter().filter(|r| r.len() == 6).skip(1).collect();
    assert_eq!(tasks.len(), 3, "the meeting's three tasks");
    let all = tables(&pack);
    let overdue = all.last().expect("the overdue list");
    assert_eq!(overdue[0][6], "Đơn vị chưa hoàn thành");
    let late: Vec<&Vec<String>> = overdue.iter().filter(|r| r.len() == 8).skip(1).collect();
    assert_eq!(
        late.len(),
        2,
        "Sàn dữ liệu and the 71/NQ-CP task are late on 15/8/2025"
    );
    // Three sections: the report upright, the appendices on landscape pages.
    let xml = document_xml(&pack);
    assert_eq!(xml.matches("<w:sectPr>").count(), 3);
    assert_eq!(xml.matches("w:orient=\"landscape\"").count(), 2);
    assert!(
        xml.contains("<w:tblHeader/>"),
        "header rows repeat on every page"
    );
}

#[test]
fn commitments_and_the_agency_summary_as_official_documents() {
    use calamine::{Data, Reader};
    let dir = temp_dir();
    let (code, _, err) = run(tiendo(&dir)
        .args(["import", "--reported-on", "2026-02-15"])
        .arg(sample("plan-2026-appendix-2.docx")));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(tiendo(&dir).args([
        "report",
        "commitments",
        "--as-of",
        "2026-05-20",
        "--answer-by",
        "2026-05-10",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 180, "every late lead assignment on 20/5/2026");
    assert!(
        items
            .iter()
            .all(|i| i["deemed"] == true && i["committed_on"] == "2026-05-31"),
        "no answer by 10/5: deemed to finish within May (notice 2352/BCA-VPB)"
    );
    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "commitments",
        "--as-of",
        "2026-05-20",
        "--answer-by",
        "2026-05-10",
        "--format",
        "xlsx",
        "--output",
        "ck.xlsx",
    ]));
    assert_eq!(code, 0, "{err}");
    let mut wb = calamine::open_workbook_auto(dir.join("ck.xlsx")).expect("opens");
    let range = wb.worksheet_range("Cam kết").expect("sheet");
    let rows: Vec<Vec<Data>> = range
        .rows()
        .filter(|r| matches!(r.first(), Some(Data::Float(_))))
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(rows.len(), 180);
    assert!(rows.iter().all(|r| matches!(r[5], Data::DateTime(_))));
    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "commitments",
        "--as-of",
        "2026-05-20",
        "--format",
        "docx",
        "--output",
        "ck.docx",
    ]));
    assert_eq!(code, 0, "{err}");
    let t = table_starting(&dir.join("ck.docx"), "TT");
    assert_eq!(t.iter().filter(|r| r.len() == 7).count(), 181);

    let (code, _, err) = run(tiendo(&dir).args([
        "report",
        "agencies",
        "--as-of",
        "2026-05-20",
        "--format",
        "docx",
        "--output",
        "cq.docx",
        "--attached-to",
        "Báo cáo số 45/BC-BCA ngày 21/5/2026",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        paragraphs(&dir.join("cq.docx"))
            .contains(&"(Kèm theo Báo cáo số 45/BC-BCA ngày 21/5/2026)".to_string())
    );
    let t = table_starting(&dir.join("cq.docx"), "TT");
    assert_eq!(t[0][4], "Hoàn thành, không rõ ngày");
    assert_eq!(t[0][6], "Thường xuyên");
    assert_eq!(t[0][7], "Chưa xác định thời hạn");
    assert_eq!(t[0][11], "Khó khăn đã nêu, chưa được trả lời");
    let bca = t.iter().find(|r| r[1] == "Bộ Công an").expect("BCA");
    // In time with a date, recurring, undated, overdue: they add up to the total.
    assert_eq!(
        bca[5..10].iter().map(String::as_str).collect::<Vec<_>>(),
        ["18", "6", "3", "11", "38"]
    );
    let totals = t.iter().find(|r| r[1] == "Tổng cộng").expect("totals row");
    let sum = |i: usize| -> u64 {
        t.iter()
            .filter(|r| r.len() == 13 && r[0].parse::<u64>().is_ok())
            .map(|r| r[i].parse::<u64>().expect("a count"))
            .sum()
    };
    for i in (2..10).chain(11..13) {
        assert_eq!(totals[i].parse::<u64>().ok(), Some(sum(i)), "column {i}");
    }
    let (code, out, _) = run(tiendo(&dir).args(["report", "agencies", "--as-of", "2026-05-20"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let first = &v["agencies"][0];
    assert_eq!(first["code"], "BCA", "most overdue first");
    assert_eq!(first["difficulties_owed_open"], 0);
    // Eleven overdue and none done on time: 0 %, not "nothing to say" (an overdue assignment
    // counts against the rate).
    assert_eq!(first["on_time_rate"], serde_json::json!(0.0));
}

/// A conclusion notice in prose, through the command line: the preview lists each task with the
/// sentence it came from; stored, then stored again, it gives the same tasks; the results report
/// of the notice, named by its number, lists them with their leads.
#[test]
fn a_prose_notice_imports_as_tasks_and_reports_by_its_number() {
    let dir = temp_dir();
    let notice = sample("conclusion-292-TB-VPCP-2025-06.txt");
    let (code, out, err) = run(tiendo(&dir)
        .args(["import", "--dry-run", "--format", "json"])
        .arg(&notice));
    assert_eq!(code, 0, "{err}");
    assert!(!dir.join("tiendo.db").exists(), "a preview stores nothing");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let tasks = v["documents"][0]["tasks"].as_array().expect("tasks");
    assert!(tasks.len() >= 20, "{}", tasks.len());
    let text = std::fs::read_to_string(&notice).expect("notice");
    for t in tasks {
        let source = t["source"].as_str().expect("each task keeps its sentence");
        // The sentence is the document's own text (page-cut lines joined).
        let first_words: String = source
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&first_words),
            "{first_words}"
        );
        assert_eq!(t["basis"], "Thông báo số 292/TB-VPCP ngày 09/6/2025");
        assert!(t["lead"].as_array().is_some_and(|l| !l.is_empty()));
    }
    let decree = tasks
        .iter()
        .find(|t| t["name"].as_str().unwrap_or("").contains("Luật Dữ liệu"))
        .expect("the decrees of the data law");
    assert_eq!(decree["lead"][0]["name"], "Bộ Công an");
    assert_eq!(decree["deadline"]["due"], "2025-06-30");
    assert_eq!(decree["deadline"]["raw"], "hoàn thành trong tháng 6/2025");

    // Text preview: the uncertain readings are marked for the person who confirms.
    let (code, out, _) = run(tiendo(&dir).args(["import", "--dry-run"]).arg(&notice));
    assert_eq!(code, 0);
    assert!(out.contains("! không có thời hạn"), "{out}");

    for _ in 0..2 {
        let (code, _, err) = run(tiendo(&dir)
            .args(["import", "--reported-on", "2025-06-10"])
            .arg(&notice));
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(tiendo(&dir).args([
        "report",
        "results",
        "--document",
        "292/TB-VPCP",
        "--as-of",
        "2025-07-20",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = r["items"].as_array().expect("items");
    assert_eq!(items.len(), tasks.len(), "re-importing did not duplicate");
    let stored = items
        .iter()
        .find(|i| i["name"].as_str().unwrap_or("").contains("Luật Dữ liệu"))
        .expect("stored");
    assert_eq!(stored["lead"], "Bộ Công an");
    // Late on 20/7/2025: due 30/6/2025, no report.
    let (code, out, _) = run(tiendo(&dir).args([
        "report",
        "overdue",
        "--as-of",
        "2025-07-20",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let o: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(o["items"].as_array().expect("items").iter().any(|i| {
        i["name"].as_str().unwrap_or("").contains("Luật Dữ liệu") && i["due"] == "2025-06-30"
    }));
}
