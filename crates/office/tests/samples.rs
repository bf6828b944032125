//! The three sample files (the same 98-task appendix as Word, Excel and copied text) must read
//! the same, field by field, and as a clerk reads the document.

use std::path::PathBuf;

use tiendo_domain::agency::{RefKind, Registry};
use tiendo_domain::deadline::DeadlineKind;
use tiendo_office::{DocumentPreview, ReadOptions, read_path};
use time::macros::date;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/samples")
        .join(name)
}

fn read(name: &str) -> DocumentPreview {
    let reg = Registry::default_registry().expect("registry");
    read_path(
        &sample(name),
        ReadOptions {
            registry: &reg,
            reported_on: date!(2026 - 02 - 15),
        },
    )
    .expect("sample reads")
}

#[test]
fn three_formats_give_identical_previews() {
    let txt = read("plan-2026-appendix-2.txt");
    let docx = read("plan-2026-appendix-2.docx");
    let xlsx = read("plan-2026-appendix-2.xlsx");
    assert_eq!(txt.tasks.len(), 98);
    for other in [&docx, &xlsx] {
        assert_eq!(other.tasks.len(), 98, "{}", other.file);
        for (a, b) in txt.tasks.iter().zip(&other.tasks) {
            // Everything but where the row was found.
            let (mut a, mut b) = (a.clone(), b.clone());
            a.source = None;
            b.source = None;
            assert_eq!(a, b, "task {} differs in {}", a.number, other.file);
        }
        assert_eq!(txt.warnings.len(), other.warnings.len());
    }
}

#[test]
fn numbering_and_sections_follow_the_document() {
    let p = read("plan-2026-appendix-2.docx");
    let numbers: Vec<String> = p.tasks.iter().map(|t| t.number.clone()).collect();
    let expected: Vec<String> = (1..=98).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    // Section boundaries as printed: I 1–17, II 18–31, III 32–50, IV 51–80, V 81–84, VI 85–91, VII 92–97, VIII 98.
    let sections = [
        (1, 17, "HOÀN THIỆN THỂ CHẾ, PHÁP LUẬT, CƠ CHẾ CHÍNH SÁCH"),
        (18, 31, "PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO"),
        (
            32,
            50,
            "CHUYỂN ĐỔI SỐ QUỐC GIA - KIẾN TRÚC, NỀN TẢNG, DỊCH VỤ SỐ",
        ),
        (
            51,
            80,
            "PHÁT TRIỂN DỮ LIỆU, ĐỊNH DANH, TRIỂN KHAI ĐỀ ÁN 06, VÀ VNEID",
        ),
        (81, 84, "BẢO ĐẢM AN NINH, AN TOÀN THÔNG TIN, DỮ LIỆU SỐ"),
        (
            85,
            91,
            "CẢI CÁCH HÀNH CHÍNH, THỦ TỤC HÀNH CHÍNH, DỊCH VỤ CÔNG TRỰC TUYẾN",
        ),
        (92, 97, "ĐÀO TẠO BỒI DƯỠNG, PHÁT TRIỂN NHÂN LỰC, KỸ NĂNG SỐ"),
        (98, 98, "TRUYỀN THÔNG, TUYÊN TRUYỀN, TẠO ĐỒNG THUẬN XÃ HỘI"),
    ];
    for t in &p.tasks {
        let n: usize = t.number.parse().expect("numeric");
        let (_, _, h) = sections
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&n))
            .expect("in a section");
        assert_eq!(t.headings, vec![h.to_string()], "task {n}");
    }
}

#[test]
fn page_split_rows_are_joined_back() {
    let p = read("plan-2026-appendix-2.docx");
    let t = |n: &str| p.tasks.iter().find(|t| t.number == n).expect("task");
    // Task 14 is cut by a page break in the name and the expected result.
    assert_eq!(
        t("14").name,
        "Nghiên cứu, đề xuất, trình cấp có thẩm quyền ban hành văn bản quy phạm pháp luật quy định về định danh truy xuất nguồn gốc hóa chất, tiền chất"
    );
    assert_eq!(
        t("14").expected_result.as_deref(),
        Some("Văn bản quy phạm pháp luật được ban hành")
    );
    // Task 33's basis continues alone on the next page.
    assert_eq!(
        t("33").basis.as_deref(),
        Some(
            "Kế hoạch số 02-KH/BCĐTW của Ban Chỉ đạo Trung ương; Quyết định 2629/QĐ-TTg ngày 01/12/2025"
        )
    );
    assert_eq!(
        t("34").name,
        "Xây dựng Quy chế quản lý, vận hành, khai thác, sử dụng Hệ thống Trục liên thông văn bản quốc gia"
    );
    // Task 63: the date of its basis is on the next page.
    assert!(
        t("63")
            .basis
            .as_deref()
            .is_some_and(|b| b.ends_with("Chỉ thị số 24/CT-TTg ngày 13/9/2025"))
    );
}

#[test]
fn markup_in_cells_is_removed_not_rendered() {
    let p = read("plan-2026-appendix-2.txt");
    for t in &p.tasks {
        for field in [Some(&t.name), t.basis.as_ref(), t.expected_result.as_ref()]
            .into_iter()
            .flatten()
        {
            assert!(
                !field.contains("<i>") && !field.contains("<p>") && !field.contains("</"),
                "task {}: {field}",
                t.number
            );
        }
    }
    let t32 = p.tasks.iter().find(|t| t.number == "32").expect("task 32");
    assert_eq!(
        t32.name,
        "Hoàn thành nâng cấp Hệ thống Công báo điện tử nước Cộng hòa Xã hội Chủ nghĩa Việt Nam (trở thành nền tảng dùng chung quốc gia)"
    );
}

#[test]
fn every_deadline_read_as_domain_md_says() {
    let p = read("plan-2026-appendix-2.xlsx");
    let t = |n: &str| {
        p.tasks
            .iter()
            .find(|t| t.number == n)
            .expect("task")
            .deadline
            .clone()
    };
    assert_eq!(
        (t("2").kind, t("2").due),
        (DeadlineKind::Date, Some(date!(2026 - 06 - 30)))
    );
    assert_eq!(
        (t("3").kind, t("3").due),
        (DeadlineKind::Year, Some(date!(2026 - 12 - 31)))
    );
    assert_eq!(
        (t("4").kind, t("4").due),
        (DeadlineKind::Month, Some(date!(2026 - 02 - 28)))
    );
    assert_eq!((t("5").kind, t("5").due), (DeadlineKind::Recurring, None));
    assert_eq!((t("1").kind, t("1").due), (DeadlineKind::Conditional, None));
    assert_eq!(t("11").raw, "Quý I/2026");
    assert_eq!(t("11").due, Some(date!(2026 - 03 - 31)));
    // Nothing unreadable; empty deadlines none.
    assert!(
        p.tasks
            .iter()
            .all(|t| t.deadline.kind != DeadlineKind::Unknown)
    );
    let conditional = p
        .tasks
        .iter()
        .filter(|t| t.deadline.kind == DeadlineKind::Conditional)
        .count();
    assert_eq!(
        conditional, 4,
        "four deadlines are not dates: tasks 1, 57, 77, 90"
    );
    let recurring = p
        .tasks
        .iter()
        .filter(|t| t.deadline.kind == DeadlineKind::Recurring)
        .count();
    assert_eq!(recurring, 22);
}

#[test]
fn every_lead_and_coordinator_is_resolved_grouped_or_vague() {
    let p = read("plan-2026-appendix-2.txt");
    for t in &p.tasks {
        assert!(!t.lead.is_empty(), "task {} has a lead", t.number);
        for r in t.lead.iter().chain(&t.coordinators) {
            if r.kind == RefKind::Unresolved {
                let f = tiendo_domain::text::fold(&r.name);
                let vague = f.contains("lien quan")
                    || f.contains("cac cap")
                    || f.starts_with("cac ")
                    || f.contains("theo phan cap");
                assert!(
                    vague,
                    "task {}: \"{}\" should have been resolved",
                    t.number, r.name
                );
            }
        }
    }
    let t98 = p.tasks.iter().find(|t| t.number == "98").expect("98");
    let names: Vec<&str> = t98.lead.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Đài Truyền hình Việt Nam",
            "Đài Tiếng nói Việt Nam",
            "Thông tấn xã Việt Nam"
        ]
    );
    let t1 = &p.tasks[0];
    assert_eq!(t1.lead[0].kind, RefKind::Group);
    assert_eq!(
        t1.coordinators.len(),
        5,
        "Các bộ, cơ quan: Tư pháp, Công an, Nội vụ, Khoa học và Công nghệ, Văn phòng Chính phủ"
    );
}
