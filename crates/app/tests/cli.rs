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
