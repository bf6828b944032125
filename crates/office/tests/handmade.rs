//! Hand-made files for each layout the committee's appendices come in, and for bad input.

mod common;

use std::io::Write;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_domain::deadline::DeadlineKind;
use tiendo_domain::model::ReportedStatus;
use tiendo_office::{ImportError, ReadOptions, read_path};
use time::macros::date;

const HEADER: [&str; 7] = [
    "TT",
    "Tên nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Kết quả",
    "Thời hạn",
    "Căn cứ giao",
];

#[test]
fn page_split_table_continues_the_task_cell_by_cell() {
    let body = [
        para("Phụ lục I"),
        table(&[
            row(&HEADER),
            row(&[
                "1.",
                "Xây dựng Đề án A",
                "Bộ Y tế",
                "Bộ Tài chính",
                "Quyết định",
                "30/6/2026",
                "Nghị quyết số 71/NQ-CP",
            ]),
            row(&[
                "2.",
                "Xây dựng cơ sở dữ liệu",
                "Bộ Công an",
                "",
                "Cơ sở dữ liệu được",
                "Quý II/2026",
                "Thông báo số 44-TB/TGV ngày",
            ]),
        ]),
        table(&[
            row(&HEADER),
            row(&[
                "",
                "quốc gia về dân cư",
                "",
                "Các bộ, ngành",
                "vận hành",
                "",
                "12/9/2025",
            ]),
            row(&[
                "3.",
                "Nhiệm vụ ba",
                "Bộ Tư pháp",
                "",
                "",
                "Thường xuyên",
                "",
            ]),
        ]),
    ]
    .concat();
    let p = read("a.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 3);
    let t = &p.tasks[1];
    assert_eq!(t.name, "Xây dựng cơ sở dữ liệu quốc gia về dân cư");
    assert_eq!(
        t.expected_result.as_deref(),
        Some("Cơ sở dữ liệu được vận hành")
    );
    assert_eq!(
        t.basis.as_deref(),
        Some("Thông báo số 44-TB/TGV ngày 12/9/2025")
    );
    assert_eq!(t.coordinators.len(), 1);
    assert_eq!(t.coordinators[0].kind, RefKind::Group);
    assert_eq!(t.deadline.due, Some(date!(2026 - 06 - 30)));
    assert_eq!(p.tasks[2].number, "3");
}

#[test]
fn merged_heading_rows_nest_and_counts_are_checked() {
    let body = table(&[
        row(&HEADER),
        merged_row("I. NGHỊ QUYẾT 71/NQ-CP", 7),
        merged_row("Nhóm 1 - Thể chế (2 nhiệm vụ)", 7),
        row(&["1", "Nhiệm vụ một", "Bộ Y tế", "", "", "Năm 2026", ""]),
        row(&["2", "Nhiệm vụ hai", "Bộ Y tế", "", "", "Năm 2026", ""]),
        merged_row("Nhóm 2 - Hạ tầng (3 nhiệm vụ)", 7),
        row(&["3", "Nhiệm vụ ba", "Bộ Xây dựng", "", "", "Năm 2026", ""]),
        merged_row("II. NHIỆM VỤ GIAO BỘ TRƯỞNG BỘ Y TẾ CHỈ ĐẠO", 7),
        row(&["4", "Nhiệm vụ bốn", "Bộ Y tế", "", "", "Năm 2026", ""]),
    ]);
    let p = read("b.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 4);
    assert_eq!(
        p.tasks[0].headings,
        vec!["I. NGHỊ QUYẾT 71/NQ-CP", "Nhóm 1 - Thể chế (2 nhiệm vụ)"]
    );
    assert_eq!(
        p.tasks[2].headings,
        vec!["I. NGHỊ QUYẾT 71/NQ-CP", "Nhóm 2 - Hạ tầng (3 nhiệm vụ)"]
    );
    assert_eq!(
        p.tasks[3].headings,
        vec!["II. NHIỆM VỤ GIAO BỘ TRƯỞNG BỘ Y TẾ CHỈ ĐẠO"]
    );
    let count_warnings: Vec<&String> = p
        .warnings
        .iter()
        .filter(|w| w.contains("ghi 3 nhiệm vụ nhưng đọc được 1"))
        .collect();
    assert_eq!(count_warnings.len(), 1, "{:?}", p.warnings);
    assert!(
        !p.warnings.iter().any(|w| w.contains("Nhóm 1")),
        "group 1 holds its 2 tasks"
    );
}

#[test]
fn paragraph_headings_between_tables_and_other_tables_ignored() {
    let header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn hoàn thành"];
    let body = [
        table(&[
            row(&["BAN CHỈ ĐẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
            row(&["Số: 624/TB-VPCP", "Độc lập - Tự do - Hạnh phúc"]),
        ]),
        para("PHỤ LỤC"),
        para("1. Các nhiệm vụ về chuyển đổi số quá hạn chưa hoàn thành"),
        table(&[
            row(&header),
            row(&["1", "Nhiệm vụ A", "Bộ Y tế", "Trong tháng 6/2025"]),
        ]),
        para("2. Các nhiệm vụ về Đề án 06 quá hạn chưa hoàn thành"),
        table(&[
            row(&header),
            row(&["1", "Nhiệm vụ B", "TP.HCM", "Quý III/2025"]),
            row(&["2", "Nhiệm vụ C", "Hung Yên", "Trước ngày 31/3/2026"]),
        ]),
        table(&[
            row(&["Nơi nhận:", "KT. THỦ TƯỚNG"]),
            row(&["- Như trên;", "PHÓ THỦ TƯỚNG"]),
        ]),
    ]
    .concat();
    let p = read("c.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 3);
    assert_eq!(
        p.tasks[0].headings,
        vec!["1. Các nhiệm vụ về chuyển đổi số quá hạn chưa hoàn thành"]
    );
    assert_eq!(
        p.tasks[1].headings,
        vec!["2. Các nhiệm vụ về Đề án 06 quá hạn chưa hoàn thành"]
    );
    assert_eq!(p.tasks[1].lead[0].name, "Thành phố Hồ Chí Minh");
    assert_eq!(p.tasks[2].lead[0].name, "Tỉnh Hưng Yên");
    assert!(p.tasks[2].deadline.before);
    // The task numbers restart per table: the numbers are kept as written.
    assert_eq!(
        p.tasks
            .iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>(),
        vec!["1", "1", "2"]
    );
}

#[test]
fn columns_in_any_order_without_diacritics_with_status_columns() {
    let body = table(&[
        row(&[
            "Thoi han",
            "NHIEM VU",
            "Don vi chua hoan thanh",
            "STT",
            "Ket qua thuc hien",
            "Tien do",
            "Co quan chu tri",
        ]),
        row(&[
            "30/9/2025",
            "Kết nối dữ liệu đất đai",
            "Tỉnh Lạng Sơn",
            "1",
            "Đã kết nối 33/34 tỉnh",
            "Chưa hoàn thành",
            "Các địa phương",
        ]),
        row(&[
            "31/12/2025",
            "Số hóa hồ sơ\n- hộ tịch\n- đất đai",
            "",
            "2",
            "Hoàn thành 100%",
            "Đã hoàn thành",
            "Bộ Tư pháp",
        ]),
    ]);
    let p = read("d.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 2);
    let t = &p.tasks[0];
    assert_eq!(t.number, "1");
    assert_eq!(t.deadline.due, Some(date!(2025 - 09 - 30)));
    assert_eq!(t.status, Some(ReportedStatus::NotDone));
    assert_eq!(t.progress_report.as_deref(), Some("Đã kết nối 33/34 tỉnh"));
    assert_eq!(t.incomplete_units[0].name, "Tỉnh Lạng Sơn");
    assert_eq!(t.lead[0].kind, RefKind::Group);
    assert_eq!(
        t.expected_result, None,
        "\"Kết quả thực hiện\" is the report, not the product"
    );
    assert_eq!(
        p.tasks[1].name, "Số hóa hồ sơ\n- hộ tịch\n- đất đai",
        "paragraphs and list items kept"
    );
    assert_eq!(p.tasks[1].status, Some(ReportedStatus::Done));
}

#[test]
fn vertically_merged_lead_applies_to_each_task() {
    let vm = |first: bool, text: &str| {
        format!(
            "<w:tc><w:tcPr><w:vMerge{}/></w:tcPr>{}</w:tc>",
            if first { " w:val=\"restart\"" } else { "" },
            if text.is_empty() {
                "<w:p/>".into()
            } else {
                para(text)
            }
        )
    };
    let body = table(&[
        row(&["TT", "Tên nhiệm vụ", "Chủ trì", "Thời hạn"]),
        format!(
            "<w:tr>{}{}{}{}</w:tr>",
            cell("1"),
            cell("Một"),
            vm(true, "Bộ Nội vụ"),
            cell("Quý I/2026")
        ),
        format!(
            "<w:tr>{}{}{}{}</w:tr>",
            cell("2"),
            cell("Hai"),
            vm(false, ""),
            cell("Quý II/2026")
        ),
    ]);
    let p = read("e.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks[1].lead[0].name, "Bộ Nội vụ");
}

#[test]
fn missing_name_column_is_an_error_naming_the_headers() {
    let body = table(&[
        row(&["STT", "Cơ quan chủ trì", "Thời hạn"]),
        row(&["1", "Bộ Y tế", "2026"]),
    ]);
    match read("f.docx", &docx(&body)) {
        Err(ImportError::MissingNameColumn(h)) => assert!(h.contains("Cơ quan chủ trì"), "{h}"),
        other => panic!("expected a missing-name error, got {other:?}"),
    }
}

#[test]
fn unknown_table_is_reported_with_its_headers() {
    let body = table(&[
        row(&["Họ tên", "Chức vụ", "Điện thoại"]),
        row(&["A", "B", "C"]),
        row(&["D", "E", "F"]),
    ]);
    match read("g.docx", &docx(&body)) {
        Err(ImportError::NothingRecognised(d)) => {
            assert!(d.contains("Họ tên | Chức vụ | Điện thoại"), "{d}")
        }
        other => panic!("expected no task table, got {other:?}"),
    }
}

#[test]
fn excel_with_title_rows_merged_headings_and_two_sheets() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet().set_name("Bộ, ngành").expect("name");
    s.write(0, 0, "PHỤ LỤC I").expect("w");
    s.write(1, 0, "(Kèm theo Thông báo số 624/TB-VPCP ngày 20/11/2025)")
        .expect("w");
    for (c, h) in ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"]
        .iter()
        .enumerate()
    {
        s.write(3, c as u16, *h).expect("w");
    }
    s.merge_range(
        4,
        0,
        4,
        3,
        "I. NHIỆM VỤ VỀ THỂ CHẾ",
        &rust_xlsxwriter::Format::new(),
    )
    .expect("merge");
    s.write(5, 0, 1).expect("w");
    s.write(5, 1, "Ban hành Nghị định").expect("w");
    s.write(5, 2, "Bộ KH&CN").expect("w");
    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 31).expect("date");
    s.write_datetime_with_format(
        5,
        3,
        &d,
        &rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy"),
    )
    .expect("w");
    let s2 = wb.add_worksheet().set_name("Địa phương").expect("name");
    for (c, h) in ["TT", "Tên nhiệm vụ", "Chủ trì", "Thời hạn"]
        .iter()
        .enumerate()
    {
        s2.write(0, c as u16, *h).expect("w");
    }
    s2.write(1, 0, "1.").expect("w");
    s2.write(1, 1, "Cập nhật dữ liệu").expect("w");
    s2.write(1, 2, "Các tỉnh, thành phố").expect("w");
    s2.write(1, 3, "Trong Quý IV/2025").expect("w");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let p = read("h.xlsx", &bytes).expect("reads");
    assert_eq!(p.tasks.len(), 2);
    assert_eq!(p.tasks[0].headings, vec!["I. NHIỆM VỤ VỀ THỂ CHẾ"]);
    assert_eq!(p.tasks[0].lead[0].name, "Bộ Khoa học và Công nghệ");
    assert_eq!(
        (p.tasks[0].deadline.kind, p.tasks[0].deadline.due),
        (DeadlineKind::Date, Some(date!(2026 - 03 - 31)))
    );
    assert_eq!(p.tasks[1].lead[0].name, "Các địa phương");
    assert_eq!(p.tasks[1].deadline.due, Some(date!(2025 - 12 - 31)));
}

#[test]
fn csv_with_semicolons_and_quotes() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n1;\"Triển khai 5G; phủ sóng\";Bộ Quốc phòng (Ban Cơ yếu Chính phủ);\"Bộ Công an, Bộ Tài chính\";Trong năm 2026\n";
    let p = read("i.csv", csv.as_bytes()).expect("reads");
    assert_eq!(p.tasks[0].name, "Triển khai 5G; phủ sóng");
    assert_eq!(
        p.tasks[0].lead[0].unit.as_deref(),
        Some("Ban Cơ yếu Chính phủ")
    );
    assert_eq!(p.tasks[0].coordinators.len(), 2);
}

#[test]
fn bad_files_get_one_clear_error() {
    type Check = fn(&ImportError) -> bool;
    let cases: Vec<(&str, Vec<u8>, Check)> = vec![
        ("empty.docx", vec![], |e| matches!(e, ImportError::Empty)),
        (
            "corrupt.docx",
            b"PK\x03\x04 this is not a zip".to_vec(),
            |e| matches!(e, ImportError::Corrupt(_)),
        ),
        (
            "legacy.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            |e| matches!(e, ImportError::LegacyDoc),
        ),
        (
            "locked.docx",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            |e| matches!(e, ImportError::Protected),
        ),
        (
            "locked.xlsx",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            |e| matches!(e, ImportError::Protected),
        ),
        ("notword.docx", docx_without_document(), |e| {
            matches!(e, ImportError::Corrupt(_))
        }),
        ("binary.txt", vec![0, 1, 2, 3, 0, 5], |e| {
            matches!(e, ImportError::Unsupported(_))
        }),
        (
            "words.txt",
            "Chỉ là một đoạn văn, không có bảng.\n".as_bytes().to_vec(),
            |e| matches!(e, ImportError::NothingRecognised(_)),
        ),
    ];
    for (name, bytes, ok) in cases {
        match read(name, &bytes) {
            Err(e) => {
                assert!(ok(&e), "{name}: unexpected error {e:?}");
                assert!(!e.to_string().contains('\n'), "{name}: one line");
            }
            Ok(p) => panic!("{name}: should fail, read {} tasks", p.tasks.len()),
        }
    }
}

fn docx_without_document() -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .expect("zip");
        z.write_all(b"hi").expect("zip");
        z.finish().expect("zip");
    }
    buf
}

#[test]
fn truncated_sample_is_corrupt() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/samples/plan-2026-appendix-2.docx");
    let bytes = std::fs::read(path).expect("sample");
    for cut in [bytes.len() / 2, bytes.len() - 100, 30] {
        assert!(
            matches!(
                read("cut.docx", &bytes[..cut]),
                Err(ImportError::Corrupt(_))
            ),
            "cut at {cut}"
        );
    }
    let xlsx = std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/samples/plan-2026-appendix-2.xlsx"),
    )
    .expect("sample");
    assert!(read("cut.xlsx", &xlsx[..xlsx.len() / 2]).is_err());
}

#[test]
fn zip_bomb_is_refused() {
    // 400 MB of zeros compress to well under a megabyte.
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("word/document.xml", o).expect("zip");
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..400 {
            z.write_all(&chunk).expect("zip");
        }
        z.finish().expect("zip");
    }
    assert!(buf.len() < 5 << 20);
    assert_eq!(read("bomb.docx", &buf).err(), Some(ImportError::ZipBomb));
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let dir = tempdir();
    let path = dir.join("big.xlsx");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(tiendo_office::MAX_FILE_BYTES + 1)
        .expect("sparse file");
    let reg = registry();
    let r = read_path(
        &path,
        ReadOptions {
            registry: &reg,
            reported_on: date!(2026 - 01 - 01),
        },
    );
    assert!(matches!(r, Err(ImportError::TooLarge(_))));
    std::fs::remove_dir_all(dir).ok();
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tiendo-office-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

#[test]
fn a_heading_can_open_a_page_and_a_cut_sentence_continues() {
    let body = [
        table(&[
            row(&HEADER),
            row(&["1", "Nhiệm vụ một", "Bộ Y tế", "", "", "Quý I/2026", ""]),
        ]),
        table(&[
            row(&HEADER),
            row(&["", "Nhóm 2 - Dữ liệu (2 nhiệm vụ)", "", "", "", "", ""]),
            row(&[
                "2",
                "Nhiệm vụ hai về",
                "Bộ Công an",
                "",
                "",
                "Quý II/2026",
                "",
            ]),
        ]),
        table(&[
            row(&HEADER),
            row(&["", "dữ liệu dân cư", "", "", "", "", ""]),
            row(&["3", "Nhiệm vụ ba", "Bộ Tư pháp", "", "", "Quý III/2026", ""]),
        ]),
    ]
    .concat();
    let p = read("j.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 3);
    assert!(p.tasks[0].headings.is_empty());
    assert_eq!(p.tasks[1].headings, vec!["Nhóm 2 - Dữ liệu (2 nhiệm vụ)"]);
    assert_eq!(p.tasks[1].name, "Nhiệm vụ hai về dữ liệu dân cư");
    assert!(
        p.warnings
            .iter()
            .all(|w| !w.contains("ghi 2 nhiệm vụ nhưng")),
        "{:?}",
        p.warnings
    );
}
