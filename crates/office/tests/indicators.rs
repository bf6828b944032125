//! Indicator tables in both layouts (one row per indicator; agencies as rows and indicators as
//! columns), in Word, Excel, CSV and the text a copy gives.

mod common;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_domain::indicator::{Direction, IndicatorKind, PeriodKind, ValueForm};
use tiendo_domain::model::ParsedIndicator;
use tiendo_office::DocumentPreview;

const ROWS_HEADER: [&str; 7] = [
    "STT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Mục tiêu năm 2025",
    "Kết quả thực hiện",
    "Cơ quan chủ trì",
    "Đánh giá",
];

fn rows_layout() -> Vec<Vec<&'static str>> {
    vec![
        vec!["I", "CHỈ TIÊU VỀ DỊCH VỤ CÔNG"],
        vec![
            "1",
            "Dịch vụ công thiết yếu cung cấp trực tuyến toàn trình",
            "dịch vụ",
            "76",
            "58/76",
            "Bộ Công an",
            "Chưa đạt",
        ],
        vec![
            "2",
            "Tỷ lệ phủ sóng 5G",
            "%",
            "90%",
            "39,5 %",
            "Bộ Khoa học và Công nghệ",
            "Chưa đạt",
        ],
        vec![
            "3",
            "Số địa phương kết nối Cơ sở dữ liệu quốc gia về dân cư",
            "địa phương",
            "34/34",
            "34/34",
            "Bộ Công an",
            "Đạt",
        ],
        vec![
            "4",
            "Số đơn vị cấp xã dùng nền tảng số dùng chung",
            "đơn vị",
            "3321",
            "3321/3321",
            "Bộ Nội vụ",
            "Đạt",
        ],
        vec![
            "5",
            "Số hồ sơ hộ tịch được số hóa",
            "hồ sơ",
            "457.956",
            "331.720/457.956",
            "Bộ Tư pháp",
            "",
        ],
        vec![
            "6",
            "Giá trị giải ngân vốn cho chuyển đổi số",
            "nghìn tỷ đồng",
            "12,7",
            "11,7 nghìn tỷ đồng",
            "Bộ Tài chính",
            "",
        ],
        vec![
            "7",
            "Ban hành quy chế khai thác dữ liệu",
            "",
            "Đạt",
            "Chưa triển khai",
            "Văn phòng Chính phủ",
            "",
        ],
        vec![
            "8",
            "Số nền tảng số quốc gia kết nối",
            "nền tảng",
            "84",
            "Chưa báo cáo",
            "Bộ Y tế",
            "",
        ],
        vec![
            "9",
            "Số cơ sở dữ liệu chuyên ngành kết nối",
            "cơ sở dữ liệu",
            "12",
            "khoảng vài chục",
            "Bộ Y tế",
            "",
        ],
    ]
}

const MATRIX_HEADER: [&str; 4] = [
    "STT",
    "Tỉnh, thành phố",
    "Tỷ lệ hồ sơ trực tuyến toàn trình (%) (mục tiêu: 80%)",
    "Số dịch vụ công trực tuyến (dịch vụ)",
];

fn matrix_layout() -> Vec<Vec<&'static str>> {
    vec![
        vec!["1", "Thành phố Hà Nội", "85,3%", "1.250"],
        vec!["2", "Thành phố Hồ Chí Minh", "78 %", "1.100"],
        vec!["3", "Tỉnh Lạng Sơn", "Chưa báo cáo", "640"],
        vec!["", "Toàn quốc", "72,1%", ""],
    ]
}

fn as_docx(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut t = vec![row(header)];
    for r in rows {
        t.push(if r.len() == 2 && r[0] == "I" {
            merged_row(&format!("{}. {}", r[0], r[1]), header.len())
        } else {
            row(r)
        });
    }
    docx(&format!("{}{}", para("PHỤ LỤC III"), table(&t)))
}

fn as_text(header: &[&str], rows: &[Vec<&str>], sep: &str) -> String {
    let mut out = String::from("PHỤ LỤC III\n");
    out.push_str(&header.join(sep));
    out.push('\n');
    for r in rows {
        let mut cells: Vec<String> = r
            .iter()
            .map(|c| {
                if sep == ";" && c.contains(';') {
                    format!("\"{c}\"")
                } else {
                    c.to_string()
                }
            })
            .collect();
        cells.resize(header.len(), String::new());
        out.push_str(&cells.join(sep));
        out.push('\n');
    }
    out
}

fn as_xlsx(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "PHỤ LỤC III").expect("title");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(2 + i as u32, c as u16, *v).expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

fn named<'a>(p: &'a DocumentPreview, start: &str) -> &'a ParsedIndicator {
    p.indicators
        .iter()
        .find(|i| i.name.starts_with(start))
        .unwrap_or_else(|| panic!("no indicator \"{start}\" in {:#?}", p.indicators))
}

fn check_rows(p: &DocumentPreview, format: &str) {
    assert!(p.tasks.is_empty(), "{format}: indicators are not tasks");
    assert_eq!(p.indicators.len(), 9, "{format}: {:#?}", p.indicators);
    let services = named(p, "Dịch vụ công thiết yếu");
    assert_eq!(services.headings.len(), 1, "{format}");
    assert_eq!(services.kind, IndicatorKind::Fraction, "{format}");
    assert_eq!(services.lead[0].name, "Bộ Công an", "{format}");
    let v = &services.values[0];
    assert!(v.agency.is_none(), "{format}: the national figure");
    assert_eq!(
        (v.value.numerator, v.value.denominator),
        (Some(58.0), Some(76.0))
    );
    assert_eq!(services.target.as_ref().and_then(|t| t.value), Some(76.0));
    let period = services.target_period.expect("period");
    assert_eq!(
        (period.kind, period.year),
        (PeriodKind::Year, 2025),
        "{format}: from the header"
    );
    assert_eq!(services.assessment_raw.as_deref(), Some("Chưa đạt"));
    let g5 = named(p, "Tỷ lệ phủ sóng 5G");
    assert_eq!(
        (g5.kind, g5.values[0].value.value),
        (IndicatorKind::Percent, Some(39.5)),
        "{format}"
    );
    assert_eq!(
        g5.values[0].value.raw, "39,5 %",
        "{format}: the raw text is kept"
    );
    let files = named(p, "Số hồ sơ hộ tịch");
    assert_eq!(
        files.values[0].value.denominator,
        Some(457_956.0),
        "{format}"
    );
    let money = named(p, "Giá trị giải ngân");
    assert_eq!(money.kind, IndicatorKind::Amount, "{format}");
    assert_eq!(
        (money.values[0].value.value, money.values[0].value.scale),
        (Some(11.7), Some(1e12))
    );
    let rule = named(p, "Ban hành quy chế");
    assert_eq!(
        (rule.values[0].value.form, rule.values[0].value.value),
        (ValueForm::YesNo, Some(0.0))
    );
    let platforms = named(p, "Số nền tảng");
    assert_eq!(
        platforms.values[0].value.form,
        ValueForm::NoData,
        "{format}"
    );
    let vague = named(p, "Số cơ sở dữ liệu chuyên ngành");
    assert_eq!(vague.values[0].value.form, ValueForm::Text, "{format}");
    assert!(
        vague.notes.iter().any(|n| n.contains("khoảng vài chục")),
        "{format}: flagged"
    );
}

fn check_matrix(p: &DocumentPreview, format: &str) {
    assert_eq!(p.indicators.len(), 2, "{format}: {:#?}", p.indicators);
    let rate = named(p, "Tỷ lệ hồ sơ trực tuyến toàn trình");
    assert!(rate.by_agency, "{format}");
    assert_eq!(rate.unit.as_deref(), Some("%"), "{format}");
    assert_eq!(rate.kind, IndicatorKind::Percent, "{format}");
    assert_eq!(
        rate.target.as_ref().and_then(|t| t.value),
        Some(80.0),
        "{format}: target from the header"
    );
    assert_eq!(rate.direction, Direction::Higher);
    let by: Vec<(Option<&str>, Option<f64>)> = rate
        .values
        .iter()
        .map(|v| (v.agency.as_ref().map(|a| a.name.as_str()), v.value.value))
        .collect();
    assert_eq!(
        by,
        [
            (Some("Thành phố Hà Nội"), Some(85.3)),
            (Some("Thành phố Hồ Chí Minh"), Some(78.0)),
            (Some("Tỉnh Lạng Sơn"), None),
            (None, Some(72.1)),
        ],
        "{format}"
    );
    let services = named(p, "Số dịch vụ công trực tuyến");
    assert_eq!(services.unit.as_deref(), Some("dịch vụ"));
    assert_eq!(
        services.values[0].value.value,
        Some(1250.0),
        "{format}: '.' groups thousands"
    );
    assert_eq!(
        services.values.len(),
        3,
        "{format}: an empty cell is no figure"
    );
}

#[test]
fn one_row_per_indicator_in_every_format() {
    check_rows(
        &read("chi-tieu.docx", &as_docx(&ROWS_HEADER, &rows_layout())).expect("docx"),
        "docx",
    );
    check_rows(
        &read("chi-tieu.xlsx", &as_xlsx(&ROWS_HEADER, &rows_layout())).expect("xlsx"),
        "xlsx",
    );
    check_rows(
        &read(
            "chi-tieu.csv",
            as_text(&ROWS_HEADER, &rows_layout(), ";").as_bytes(),
        )
        .expect("csv"),
        "csv",
    );
    check_rows(
        &read(
            "chi-tieu.txt",
            as_text(&ROWS_HEADER, &rows_layout(), "\t").as_bytes(),
        )
        .expect("txt"),
        "txt",
    );
}

#[test]
fn agencies_as_rows_indicators_as_columns_in_every_format() {
    check_matrix(
        &read("tinh.docx", &as_docx(&MATRIX_HEADER, &matrix_layout())).expect("docx"),
        "docx",
    );
    check_matrix(
        &read("tinh.xlsx", &as_xlsx(&MATRIX_HEADER, &matrix_layout())).expect("xlsx"),
        "xlsx",
    );
    check_matrix(
        &read(
            "tinh.csv",
            as_text(&MATRIX_HEADER, &matrix_layout(), ";").as_bytes(),
        )
        .expect("csv"),
        "csv",
    );
    check_matrix(
        &read(
            "tinh.txt",
            as_text(&MATRIX_HEADER, &matrix_layout(), "\t").as_bytes(),
        )
        .expect("txt"),
        "txt",
    );
}

#[test]
fn a_letter_with_tasks_difficulties_and_indicators_keeps_each_in_its_place() {
    let mut body = String::new();
    body.push_str(&para("PHỤ LỤC I"));
    body.push_str(&table(&[
        row(&["TT", "Tên nhiệm vụ", "Chủ trì", "Thời hạn"]),
        row(&["1", "Xây dựng Đề án", "Bộ Y tế", "30/6/2026"]),
    ]));
    body.push_str(&para("PHỤ LỤC II"));
    let mut t = vec![row(&ROWS_HEADER)];
    for r in rows_layout().iter().skip(1).take(2) {
        t.push(row(r));
    }
    body.push_str(&table(&t));
    let p = read("cong-van.docx", &docx(&body)).expect("reads");
    assert_eq!(p.tasks.len(), 1);
    assert_eq!(p.indicators.len(), 2);
    assert!(
        p.indicators.iter().all(|i| i.headings.is_empty()),
        "no heading leaks"
    );
}

/// An appendix as provinces fill it in: a bare figure under a "%" target, words where a figure
/// should be, a figure in another unit, a sentence, and a group as the lead.
const SLOPPY_HEADER: [&str; 6] = [
    "STT",
    "Chỉ tiêu",
    "Đơn vị tính",
    "Mục tiêu năm 2026",
    "Kết quả thực hiện",
    "Cơ quan chủ trì",
];

fn sloppy_rows() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "1",
            "Tỷ lệ thủ tục hành chính có phát sinh hồ sơ trực tuyến",
            "%",
            "85%",
            "61,3",
            "UBND các tỉnh, thành phố",
        ],
        vec![
            "2",
            "Số hệ thống thông tin kết nối nền tảng tích hợp",
            "hệ thống",
            "120",
            "Đang triển khai",
            "Bộ Khoa học và Công nghệ",
        ],
        vec![
            "3",
            "Tỷ lệ hồ sơ được số hóa",
            "",
            "70%",
            "52,4",
            "Bộ Nội vụ",
        ],
        vec![
            "4",
            "Tỷ lệ cơ quan nhà nước dùng chữ ký số",
            "%",
            "100%",
            "38 cơ quan",
            "Ban Cơ yếu Chính phủ",
        ],
        vec![
            "5",
            "Vốn bố trí cho hạ tầng số",
            "nghìn tỷ đồng",
            "4,5",
            "3,2",
            "Bộ Tài chính",
        ],
        vec![
            "6",
            "Số nền tảng số dùng chung",
            "nền tảng",
            "30",
            "Chưa có",
            "Các bộ, ngành",
        ],
    ]
}

fn check_sloppy(p: &DocumentPreview, format: &str) {
    assert_eq!(p.indicators.len(), 6, "{format}: every row is kept");
    // A bare figure under a "%" column is a percentage, said in a note.
    let rate = named(p, "Tỷ lệ thủ tục hành chính");
    let v = &rate.values[0].value;
    assert_eq!(
        (v.form, v.value),
        (ValueForm::Percent, Some(61.3)),
        "{format}"
    );
    assert_eq!(v.raw, "61,3", "{format}: as written");
    assert!(
        rate.notes.iter().any(|n| n.contains("phần trăm")),
        "{format}: {:?}",
        rate.notes
    );
    // The group lead is kept as the group.
    assert_eq!(rate.lead.len(), 1, "{format}");
    assert_eq!(rate.lead[0].kind, RefKind::Group, "{format}");
    // Words in place of a figure: no number, never 0.
    for start in ["Số hệ thống thông tin", "Số nền tảng số"] {
        let v = &named(p, start).values[0].value;
        assert_eq!(
            (v.form, v.value),
            (ValueForm::NoData, None),
            "{format}: {start}"
        );
    }
    // No unit column: the target's "%" says it.
    let files = &named(p, "Tỷ lệ hồ sơ được số hóa").values[0].value;
    assert_eq!(
        (files.form, files.value),
        (ValueForm::Percent, Some(52.4)),
        "{format}"
    );
    // A count under a "%" target: kept as written, no number, a warning naming the place.
    let signed = &named(p, "Tỷ lệ cơ quan nhà nước").values[0].value;
    assert_eq!(
        (signed.form, signed.value),
        (ValueForm::Text, None),
        "{format}"
    );
    assert_eq!(signed.raw, "38 cơ quan");
    let warning = p
        .warnings
        .iter()
        .find(|w| w.contains("38 cơ quan"))
        .unwrap_or_else(|| panic!("{format}: {:?}", p.warnings));
    assert!(
        warning.contains("dòng 4")
            && warning.contains("Kết quả thực hiện")
            && warning.contains("100%"),
        "{format}: {warning}"
    );
    // An amount in the column's scale, target and figure alike.
    let money = named(p, "Vốn bố trí");
    assert_eq!(money.values[0].value.scale, Some(1e12), "{format}");
    assert_eq!(
        money.target.as_ref().and_then(|t| t.scale),
        Some(1e12),
        "{format}"
    );
}

#[test]
fn a_sloppy_appendix_keeps_every_cell_and_says_where_in_every_format() {
    check_sloppy(
        &read("phu-luc.docx", &as_docx(&SLOPPY_HEADER, &sloppy_rows())).expect("docx"),
        "docx",
    );
    check_sloppy(
        &read("phu-luc.xlsx", &as_xlsx(&SLOPPY_HEADER, &sloppy_rows())).expect("xlsx"),
        "xlsx",
    );
    check_sloppy(
        &read(
            "phu-luc.txt",
            as_text(&SLOPPY_HEADER, &sloppy_rows(), "\t").as_bytes(),
        )
        .expect("txt"),
        "txt",
    );
}

#[test]
fn a_sloppy_cell_in_a_table_of_provinces_is_a_warning_not_a_refusal() {
    let header = [
        "STT",
        "Tỉnh, thành phố",
        "Tỷ lệ người dân có tài khoản định danh điện tử (%) (mục tiêu: 80%)",
    ];
    let rows = vec![
        vec!["1", "Thành phố Hà Nội", "61,3"],
        vec!["2", "Tỉnh Lạng Sơn", "Đang cập nhật"],
        vec!["3", "Tỉnh Cao Bằng", "1.200 người"],
        vec!["4", "Thành phố Huế", "74%"],
    ];
    for (name, bytes) in [
        ("tinh.docx", as_docx(&header, &rows)),
        ("tinh.xlsx", as_xlsx(&header, &rows)),
    ] {
        let p = read(name, &bytes).expect(name);
        let ind = &p.indicators[0];
        let got: Vec<(ValueForm, Option<f64>)> = ind
            .values
            .iter()
            .map(|v| (v.value.form, v.value.value))
            .collect();
        assert_eq!(
            got,
            [
                (ValueForm::Percent, Some(61.3)),
                (ValueForm::NoData, None),
                (ValueForm::Text, None),
                (ValueForm::Percent, Some(74.0)),
            ],
            "{name}"
        );
        assert!(
            p.warnings.iter().any(|w| w.contains("dòng 3")
                && w.contains("1.200 người")
                && w.contains("Tỷ lệ người dân")),
            "{name}: {:?}",
            p.warnings
        );
    }
}
