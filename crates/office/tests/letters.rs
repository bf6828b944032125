//! Whole documents: a letter of the standing agency with its body and two appendices of different
//! kinds (difficulties, overdue tasks), the same letter as Word, as the text a copy gives (tabs)
//! and as a workbook with one sheet per appendix.

mod common;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_domain::model::{HandlerState, ParsedDifficulty};
use tiendo_office::DocumentPreview;

const BODY: &[&str] = &[
    "V/v đôn đốc thực hiện các nhiệm vụ chậm tiến độ",
    "Kính gửi: Các bộ, ngành, địa phương.",
    "Thực hiện Thông báo số 624/TB-VPCP ngày 15/11/2025, Bộ Công an (Cơ quan thường trực) đã tổng hợp khó khăn, vướng mắc và các nhiệm vụ chậm tiến độ của các bộ, ngành, địa phương.",
    "Đề nghị các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ gửi văn bản cam kết tiến độ đối với các nhiệm vụ chậm tiến độ tại Phụ lục II về Bộ Công an trước ngày 25/11/2025.",
    "Trân trọng./.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT, VPB.",
];

const DIFFICULTY_HEADER: [&str; 5] = [
    "STT",
    "Tên bộ, ngành",
    "Khó khăn, vướng mắc",
    "Đơn vị xử lý khó khăn, vướng mắc",
    "Kết quả xử lý",
];

/// Rows of Appendix I; a row of one text is a heading row merged across the table.
fn difficulty_rows() -> Vec<Vec<&'static str>> {
    vec![
        vec!["I. CÁC BỘ, NGÀNH"],
        vec![
            "1",
            "Bộ Giáo dục và Đào tạo",
            "Khối lượng văn bằng, chứng chỉ cần số hóa lớn, chưa có hướng dẫn kỹ thuật thống nhất",
            "Bộ Tư pháp; Bộ Tài chính",
            "Bộ Tư pháp: Đã hướng dẫn tại Công văn số 123/BTP-PLQT; Bộ Tài chính: Đang xem xét bố trí kinh phí",
        ],
        vec![
            "",
            "",
            "Chưa có kinh phí số hóa dữ liệu hộ tịch giáo dục",
            "Bộ Tài chính",
            "",
        ],
        vec![
            "2",
            "Bộ Y tế",
            "Vướng mắc về kết nối Cơ sở dữ liệu quốc gia về dân cư với hồ sơ sức khỏe điện tử",
            "Bộ Công an",
            "",
        ],
        vec![
            "",
            "",
            "",
            "Bộ Khoa học và Công nghệ",
            "Đã hướng dẫn tại Công văn số 45/BKHCN-CĐS",
        ],
        vec!["II. ĐỊA PHƯƠNG"],
        vec![
            "3",
            "Tỉnh Lạng Sơn",
            "Thiếu kinh phí đầu tư hạ tầng số cấp xã",
            "Bộ Tài chính",
            "",
        ],
    ]
}

const OVERDUE_HEADER: [&str; 5] = [
    "TT",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Thời hạn",
    "Đơn vị chưa hoàn thành",
];

fn overdue_rows() -> Vec<Vec<&'static str>> {
    vec![
        // A group numbered like a task, as copies of the real appendices have it.
        vec!["1", "Nhóm 1 - Nhiệm vụ về thể chế (2 nhiệm vụ)", "", "", ""],
        vec![
            "1",
            "Xây dựng Nghị định quy định về định danh và xác thực điện tử",
            "Bộ Tư pháp",
            "30/9/2025",
            "Bộ Tư pháp",
        ],
        vec![
            "2",
            "Rà soát, cắt giảm thủ tục hành chính liên quan đến dân cư",
            "Các bộ, ngành",
            "Quý III/2025",
            "Bộ Y tế, Bộ Xây dựng",
        ],
        vec!["Nhóm 2 - Nhiệm vụ về dữ liệu (1 nhiệm vụ)"],
        vec![
            "3",
            "Hoàn thành kết nối hệ thống giải quyết thủ tục hành chính cấp tỉnh",
            "UBND các tỉnh, thành phố",
            "31/10/2025",
            "Tỉnh Lạng Sơn",
        ],
    ]
}

fn letter_docx() -> Vec<u8> {
    let mut body = String::new();
    body.push_str(&table(&[row(&[
        "BỘ CÔNG AN\nSố: 2352/BCA-VPB",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 10 tháng 11 năm 2025",
    ])]));
    for p in BODY {
        body.push_str(&para(p));
    }
    body.push_str(&para("PHỤ LỤC I"));
    body.push_str(&para(
        "TỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG",
    ));
    let mut rows = vec![row(&DIFFICULTY_HEADER)];
    for r in difficulty_rows() {
        rows.push(if r.len() == 1 {
            merged_row(r[0], 5)
        } else {
            row(&r)
        });
    }
    body.push_str(&table(&rows));
    body.push_str(&para("PHỤ LỤC II"));
    body.push_str(&para(
        "DANH MỤC NHIỆM VỤ CHẬM TIẾN ĐỘ (Dữ liệu tính đến ngày 07/11/2025)",
    ));
    let mut rows = vec![row(&OVERDUE_HEADER)];
    for r in overdue_rows() {
        rows.push(if r.len() == 1 {
            merged_row(r[0], 5)
        } else {
            row(&r)
        });
    }
    body.push_str(&table(&rows));
    docx(&body)
}

fn letter_text() -> String {
    let mut out = String::new();
    out.push_str("BỘ CÔNG AN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n");
    out.push_str("Số: 2352/BCA-VPB\tHà Nội, ngày 10 tháng 11 năm 2025\n\n");
    for p in BODY {
        out.push_str(p);
        out.push('\n');
    }
    out.push_str("\nPHỤ LỤC I\nTỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG\n");
    out.push_str(&DIFFICULTY_HEADER.join("\t"));
    out.push('\n');
    for r in difficulty_rows() {
        // A heading row copied from Word: its text in the first cell, the others empty.
        let mut cells: Vec<&str> = r.clone();
        cells.resize(5, "");
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out.push_str(
        "\nPHỤ LỤC II\nDANH MỤC NHIỆM VỤ CHẬM TIẾN ĐỘ (Dữ liệu tính đến ngày 07/11/2025)\n",
    );
    out.push_str(&OVERDUE_HEADER.join("\t"));
    out.push('\n');
    for r in overdue_rows() {
        let mut cells: Vec<&str> = r.clone();
        cells.resize(5, "");
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// A sheet of the workbook: its name, its title row, its header, its rows.
type Sheet = (
    &'static str,
    &'static str,
    &'static [&'static str; 5],
    Vec<Vec<&'static str>>,
);

fn letter_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheets: [Sheet; 2] = [
        (
            "Phụ lục I",
            "PHỤ LỤC I - TỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC",
            &DIFFICULTY_HEADER,
            difficulty_rows(),
        ),
        (
            "Phụ lục II",
            "PHỤ LỤC II - DANH MỤC NHIỆM VỤ CHẬM TIẾN ĐỘ",
            &OVERDUE_HEADER,
            overdue_rows(),
        ),
    ];
    for (name, title, header, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).expect("sheet name");
        ws.merge_range(0, 0, 0, 4, title, &rust_xlsxwriter::Format::new())
            .expect("title");
        for (c, h) in header.iter().enumerate() {
            ws.write_string(2, c as u16, *h).expect("header");
        }
        for (i, r) in rows.iter().enumerate() {
            let at = 3 + i as u32;
            if r.len() == 1 {
                ws.merge_range(at, 0, at, 4, r[0], &rust_xlsxwriter::Format::new())
                    .expect("heading");
                continue;
            }
            for (c, v) in r.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(at, c as u16, *v).expect("cell");
                }
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

fn by_text<'a>(p: &'a DocumentPreview, start: &str) -> &'a ParsedDifficulty {
    p.difficulties
        .iter()
        .find(|d| d.text.starts_with(start))
        .unwrap_or_else(|| panic!("no difficulty \"{start}\" in {:#?}", p.difficulties))
}

/// What every format of the letter must give for its appendices.
fn check_appendices(p: &DocumentPreview, format: &str) {
    // Appendix I: four difficulties, continuation rows read as the same agency's.
    assert_eq!(p.difficulties.len(), 4, "{format}: {:#?}", p.difficulties);
    let first = by_text(p, "Khối lượng văn bằng");
    assert_eq!(first.agency[0].name, "Bộ Giáo dục và Đào tạo", "{format}");
    assert_eq!(first.headings, ["I. CÁC BỘ, NGÀNH"], "{format}");
    let names: Vec<&str> = first
        .handlers
        .iter()
        .map(|h| h.agency.name.as_str())
        .collect();
    assert_eq!(names, ["Bộ Tư pháp", "Bộ Tài chính"], "{format}");
    // The answer cell names each agency: each keeps its own answer.
    assert_eq!(
        first.handlers[0].answer.as_deref(),
        Some("Đã hướng dẫn tại Công văn số 123/BTP-PLQT"),
        "{format}"
    );
    assert_eq!(first.handlers[0].state, HandlerState::Answered, "{format}");
    assert_eq!(
        first.handlers[1].answer.as_deref(),
        Some("Đang xem xét bố trí kinh phí"),
        "{format}"
    );
    // "Đang xem xét …" is work going on, not an answer.
    assert_eq!(first.handlers[1].state, HandlerState::Open, "{format}");
    let second = by_text(p, "Chưa có kinh phí số hóa");
    assert_eq!(
        second.agency[0].name, "Bộ Giáo dục và Đào tạo",
        "{format}: continuation row"
    );
    assert_eq!(second.handlers.len(), 1);
    assert_eq!(second.handlers[0].state, HandlerState::Open, "{format}");
    let health = by_text(p, "Vướng mắc về kết nối");
    assert_eq!(health.agency[0].name, "Bộ Y tế", "{format}");
    let handlers: Vec<(&str, HandlerState, Option<&str>)> = health
        .handlers
        .iter()
        .map(|h| (h.agency.name.as_str(), h.state, h.answer.as_deref()))
        .collect();
    assert_eq!(
        handlers,
        [
            ("Bộ Công an", HandlerState::Open, None),
            (
                "Bộ Khoa học và Công nghệ",
                HandlerState::Answered,
                Some("Đã hướng dẫn tại Công văn số 45/BKHCN-CĐS")
            )
        ],
        "{format}: a second handler on its own row"
    );
    let province = by_text(p, "Thiếu kinh phí");
    assert_eq!(province.agency[0].name, "Tỉnh Lạng Sơn", "{format}");
    assert_eq!(province.headings, ["II. ĐỊA PHƯƠNG"], "{format}");

    // Appendix II: three tasks; the group rows are headings, never tasks, and nothing of
    // Appendix I's headings reaches them.
    let tasks: Vec<&tiendo_domain::model::ParsedTask> = p
        .tasks
        .iter()
        .filter(|t| !t.incomplete_units.is_empty())
        .collect();
    assert_eq!(tasks.len(), 3, "{format}: {:#?}", p.tasks);
    assert!(
        p.tasks.iter().all(|t| !t.name.starts_with("Nhóm")),
        "{format}: a group row read as a task"
    );
    assert_eq!(
        tasks[0].headings,
        ["Nhóm 1 - Nhiệm vụ về thể chế (2 nhiệm vụ)"],
        "{format}"
    );
    assert_eq!(tasks[1].headings, tasks[0].headings, "{format}");
    assert_eq!(
        tasks[2].headings,
        ["Nhóm 2 - Nhiệm vụ về dữ liệu (1 nhiệm vụ)"],
        "{format}"
    );
    let late: Vec<&str> = tasks[1]
        .incomplete_units
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(late, ["Bộ Y tế", "Bộ Xây dựng"], "{format}");
    // The "(n nhiệm vụ)" checksums hold: no warning about them.
    assert!(
        !p.warnings
            .iter()
            .any(|w| w.contains("nhiệm vụ nhưng đọc được")),
        "{format}: {:?}",
        p.warnings
    );
}

#[test]
fn a_letter_in_word_gives_its_body_assignment_difficulties_and_overdue_tasks() {
    let p = read("2352-BCA-VPB.docx", &letter_docx()).expect("reads");
    check_appendices(&p, "docx");
    // The body's request is a task of the letter, with the letter as its basis.
    let body: Vec<_> = p
        .tasks
        .iter()
        .filter(|t| {
            t.source
                .as_deref()
                .is_some_and(|s| s.contains("văn bản cam kết"))
        })
        .collect();
    assert_eq!(body.len(), 1, "{:#?}", p.tasks);
    assert_eq!(
        body[0].deadline.due.map(|d| d.to_string()),
        Some("2025-11-25".into())
    );
    assert!(
        body[0].lead.iter().all(|l| l.kind == RefKind::Group),
        "{:?}",
        body[0].lead
    );
    // "V/v …" makes it a công văn (an official letter).
    assert_eq!(
        body[0].basis.as_deref(),
        Some("Công văn số 2352/BCA-VPB ngày 10/11/2025")
    );
}

#[test]
fn the_same_letter_copied_as_text_reads_the_same() {
    let p = read("2352-BCA-VPB.txt", letter_text().as_bytes()).expect("reads");
    check_appendices(&p, "text");
    assert!(
        p.tasks.iter().any(|t| t
            .source
            .as_deref()
            .is_some_and(|s| s.contains("văn bản cam kết"))),
        "the body's request"
    );
}

#[test]
fn the_same_appendices_as_sheets_of_a_workbook_read_the_same() {
    let p = read("2352-BCA-VPB.xlsx", &letter_xlsx()).expect("reads");
    check_appendices(&p, "xlsx");
}

#[test]
fn a_difficulty_table_alone_is_enough_and_a_count_that_does_not_add_up_is_said() {
    let mut rows = vec![row(&DIFFICULTY_HEADER)];
    for r in difficulty_rows().into_iter().skip(1).take(2) {
        rows.push(row(&r));
    }
    let p = read("kho-khan.docx", &docx(&table(&rows))).expect("reads");
    assert!(p.tasks.is_empty());
    assert_eq!(p.difficulties.len(), 2);

    let mut rows = vec![row(&OVERDUE_HEADER)];
    rows.push(merged_row("Nhóm 1 - Nhiệm vụ về thể chế (3 nhiệm vụ)", 5));
    for r in overdue_rows().into_iter().skip(1).take(2) {
        rows.push(row(&r));
    }
    let p = read("qua-han.docx", &docx(&table(&rows))).expect("reads");
    assert_eq!(p.tasks.len(), 2);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("ghi 3 nhiệm vụ nhưng đọc được 2")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn a_difficulty_of_an_agency_the_registry_does_not_know_is_said_not_dropped() {
    let rows = vec![
        row(&DIFFICULTY_HEADER),
        row(&[
            "1",
            "Sở Ngoại vụ tỉnh X",
            "Thiếu nhân lực chuyên trách",
            "Bộ Nội vụ",
            "",
        ]),
    ];
    let p = read("kho-khan.docx", &docx(&table(&rows))).expect("reads");
    assert_eq!(p.difficulties.len(), 1);
    assert_eq!(p.difficulties[0].agency[0].kind, RefKind::Unresolved);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("Sở Ngoại vụ tỉnh X") && w.contains("chưa xác định")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn nothing_recognisable_names_the_kinds_looked_for() {
    let rows = vec![
        row(&["Họ và tên", "Chức vụ", "Điện thoại"]),
        row(&["A", "B", "C"]),
    ];
    let err = read("danh-ba.docx", &docx(&table(&rows))).expect_err("nothing to read");
    let msg = err.to_string();
    assert!(
        msg.contains("bảng nhiệm vụ") && msg.contains("bảng khó khăn"),
        "{msg}"
    );
    assert!(msg.contains("Họ và tên | Chức vụ | Điện thoại"), "{msg}");
}

/// The same letter printed to PDF (LibreOffice, from the text copy laid out as tables): its
/// tables are found by the words' positions (pdftotext -tsv) and read like Word's. Unnumbered
/// continuation rows are told apart by the space between rows.
#[test]
fn the_same_letter_printed_to_pdf_reads_the_same() {
    let p = read(
        "cong-van-2352-BCA-VPB.pdf",
        &constructed("cong-van-2352-BCA-VPB.pdf"),
    )
    .expect("reads");
    check_appendices(&p, "pdf");
    assert!(
        p.tasks.iter().any(|t| t
            .source
            .as_deref()
            .is_some_and(|s| s.contains("văn bản cam kết"))),
        "the body's request"
    );
}

/// Field by field, a PDF printed from a Word appendix reads as the Word file itself: the
/// generated appendix (80 tasks, landscape) exactly; the real 2026 plan printed in narrow
/// columns (portrait, words broken across lines) with its 98 tasks, leads and deadlines exact.
#[test]
fn an_appendix_printed_to_pdf_reads_as_its_word_file() {
    let pairs = [
        (
            "phu-luc-sinh-80.pdf",
            constructed("phu-luc-sinh-80.docx"),
            80,
            80,
        ),
        (
            "plan-2026-appendix-2-in-ra-pdf.pdf",
            std::fs::read(
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../../testdata/samples/plan-2026-appendix-2.docx"),
            )
            .expect("sample"),
            98,
            93,
        ),
    ];
    for (pdf, docx, count, same_names) in pairs {
        let from_pdf = read(pdf, &constructed(pdf)).expect("reads the PDF");
        let from_word = read("x.docx", &docx).expect("reads the Word file");
        assert_eq!(from_pdf.tasks.len(), count, "{pdf}");
        assert_eq!(from_word.tasks.len(), count, "{pdf}");
        let mut names = 0;
        for (p, w) in from_pdf.tasks.iter().zip(&from_word.tasks) {
            assert_eq!(p.number, w.number, "{pdf}");
            let leads = |t: &tiendo_domain::model::ParsedTask| {
                t.lead.iter().map(|a| a.name.clone()).collect::<Vec<_>>()
            };
            assert_eq!(leads(p), leads(w), "{pdf} task {}", p.number);
            assert_eq!(p.deadline.due, w.deadline.due, "{pdf} task {}", p.number);
            names += usize::from(p.name == w.name);
        }
        assert!(names >= same_names, "{pdf}: {names} names the same");
    }
}
