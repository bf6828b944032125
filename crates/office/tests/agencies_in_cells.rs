//! Agencies in cells as officials write them: one per line or paragraph (or those lines run
//! together by a copy), a list after a shared prefix with or without a colon, a qualified group
//! ("Các bộ, ngành theo từng hệ thống được giao tại Kế hoạch số …", "09 địa phương") kept as the
//! phrase — never widened to the whole group.

mod common;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_office::DocumentPreview;

const HEADER: [&str; 4] = [
    "STT",
    "Cơ quan nêu",
    "Nội dung khó khăn, vướng mắc",
    "Cơ quan xử lý",
];

fn rows() -> Vec<[&'static str; 4]> {
    vec![
        [
            "1",
            "Tỉnh Lạng Sơn",
            "Thiếu kinh phí duy trì hệ thống",
            "Bộ Tài chính\nBộ Xây dựng",
        ],
        [
            "2",
            "Bộ Y tế",
            "Chưa có hướng dẫn kết nối",
            "Các bộ, ngành theo từng hệ thống được giao tại Kế hoạch số 02-KH/BCĐTW",
        ],
        [
            "3",
            "Tỉnh Cao Bằng",
            "Chưa rõ đầu mối tiếp nhận",
            "Bộ Khoa học và Công nghệ;\nBộ Công an;\nVăn phòng Chính phủ",
        ],
        [
            "4",
            "Tỉnh Hà Tĩnh",
            "Chưa có mẫu biểu thống kê",
            "Các Bộ: Tài chính, Tư pháp",
        ],
        [
            "5",
            "Tỉnh Nghệ An",
            "Chưa có định mức chi",
            "Các bộ, ngành được phân công",
        ],
        [
            "6",
            "Tỉnh Quảng Trị",
            "Chưa có hạ tầng dùng chung",
            "Các Bộ Tài chính, Tư pháp, Nội vụ",
        ],
        [
            "7",
            "Tỉnh Gia Lai",
            "Chưa đồng bộ dữ liệu đất đai",
            "09 địa phương",
        ],
    ]
}

fn handlers(p: &DocumentPreview, number: &str) -> Vec<(RefKind, String)> {
    p.difficulties
        .iter()
        .find(|d| d.number == number)
        .unwrap_or_else(|| panic!("no difficulty {number}: {:#?}", p.difficulties))
        .handlers
        .iter()
        .map(|h| (h.agency.kind, h.agency.name.clone()))
        .collect()
}

fn agencies(names: &[&str]) -> Vec<(RefKind, String)> {
    names
        .iter()
        .map(|n| (RefKind::Agency, n.to_string()))
        .collect()
}

fn check(p: &DocumentPreview, format: &str) {
    assert_eq!(p.difficulties.len(), 7, "{format}");
    assert_eq!(
        handlers(p, "1"),
        agencies(&["Bộ Tài chính", "Bộ Xây dựng"]),
        "{format}: one per line"
    );
    assert_eq!(
        handlers(p, "2"),
        [(
            RefKind::Unresolved,
            "Các bộ, ngành theo từng hệ thống được giao tại Kế hoạch số 02-KH/BCĐTW".to_string()
        )],
        "{format}: a qualified group is the phrase, not every ministry"
    );
    assert_eq!(
        handlers(p, "3"),
        agencies(&[
            "Bộ Khoa học và Công nghệ",
            "Bộ Công an",
            "Văn phòng Chính phủ"
        ]),
        "{format}"
    );
    assert_eq!(
        handlers(p, "4"),
        agencies(&["Bộ Tài chính", "Bộ Tư pháp"]),
        "{format}"
    );
    assert_eq!(
        handlers(p, "5"),
        [(
            RefKind::Unresolved,
            "Các bộ, ngành được phân công".to_string()
        )],
        "{format}"
    );
    assert_eq!(
        handlers(p, "6"),
        agencies(&["Bộ Tài chính", "Bộ Tư pháp", "Bộ Nội vụ"]),
        "{format}: a shared prefix without a colon"
    );
    assert_eq!(
        handlers(p, "7"),
        [(RefKind::Unresolved, "09 địa phương".to_string())],
        "{format}: nine of 34, not all 34"
    );
}

#[test]
fn agencies_in_cells_as_written_in_word_excel_and_text() {
    let mut t = vec![row(&HEADER)];
    for r in rows() {
        t.push(row(&r));
    }
    let word = docx(&format!("{}{}", para("PHỤ LỤC I"), table(&t)));
    check(&read("kho-khan.docx", &word).expect("docx"), "docx");

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "PHỤ LỤC I").expect("title");
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    for (i, r) in rows().iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            ws.write_string(2 + i as u32, c as u16, *v).expect("cell");
        }
    }
    let excel = wb.save_to_buffer().expect("xlsx");
    check(&read("kho-khan.xlsx", &excel).expect("xlsx"), "xlsx");

    // A copy as text runs each cell's lines together.
    let mut text = format!("PHỤ LỤC I\n{}\n", HEADER.join("\t"));
    for r in rows() {
        let cells: Vec<String> = r.iter().map(|c| c.replace('\n', " ")).collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    check(&read("kho-khan.txt", text.as_bytes()).expect("txt"), "txt");
}
