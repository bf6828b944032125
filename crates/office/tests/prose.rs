//! Assignments read from prose (crates/office/src/prose.rs): one test per rule on notices written
//! for the test, then the real conclusion notices, as text and as Word.

mod common;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_domain::deadline::DeadlineKind;
use tiendo_domain::model::ParsedTask;
use tiendo_office::{DocumentPreview, ImportError};

const LETTERHEAD: &str = "VĂN PHÒNG CHÍNH PHỦ\nSố: 777/TB-VPCP\nHà Nội, ngày 05 tháng 3 năm 2026\nTHÔNG BÁO\nKết luận của Ban Chỉ đạo\n";

fn notice(body: &str) -> DocumentPreview {
    let text = format!("{LETTERHEAD}{body}");
    read("thong-bao.txt", text.as_bytes()).expect("a notice with assignments")
}

fn leads(t: &ParsedTask) -> Vec<String> {
    t.lead.iter().map(|r| r.name.clone()).collect()
}

fn coordinators(t: &ParsedTask) -> Vec<String> {
    t.coordinators.iter().map(|r| r.name.clone()).collect()
}

#[test]
fn r1_the_letterhead_is_the_basis_and_reading_stops_at_the_recipients() {
    let p = notice(
        "II. NHIỆM VỤ\n- Giao Bộ Y tế xây dựng Đề án, hoàn thành trong tháng 6/2026.\nVăn phòng Chính phủ trân trọng thông báo để các đồng chí biết, thực hiện./.\nNơi nhận:\n- Bộ Công an chủ trì, hoàn thành trong tháng 7/2026;\n",
    );
    assert_eq!(p.tasks.len(), 1, "{:#?}", p.tasks);
    let t = &p.tasks[0];
    assert_eq!(
        t.basis.as_deref(),
        Some("Thông báo số 777/TB-VPCP ngày 05/3/2026")
    );
    assert_eq!(leads(t), ["Bộ Y tế"]);
    assert_eq!(p.title[0], "THÔNG BÁO");
}

#[test]
fn r2_headings_frame_the_tasks_and_descriptive_sections_hold_none() {
    let p = notice(concat!(
        "I. KẾT QUẢ ĐẠT ĐƯỢC\n",
        "Bộ Công an chủ trì triển khai 58/76 dịch vụ công, hoàn thành trong tháng 5/2026.\n",
        "II. TỒN TẠI, HẠN CHẾ\n",
        "Các bộ, ngành khẩn trương hoàn thiện, hoàn thành trong tháng 4/2026.\n",
        "III. NHIỆM VỤ THỜI GIAN TỚI\n",
        "1. Về thể chế\n",
        "- Bộ Tư pháp chủ trì rà soát văn bản, hoàn thành trong Quý II/2026.\n",
        "2. Về dữ liệu: Bộ Công an chủ trì kết nối dữ liệu dân cư, hoàn thành trước ngày 30/6/2026.\n",
    ));
    assert_eq!(p.tasks.len(), 2, "{:#?}", p.tasks);
    assert_eq!(
        p.tasks[0].headings,
        ["III. NHIỆM VỤ THỜI GIAN TỚI", "1. Về thể chế"]
    );
    assert_eq!(leads(&p.tasks[0]), ["Bộ Tư pháp"]);
    assert_eq!(
        p.tasks[1].headings,
        ["III. NHIỆM VỤ THỜI GIAN TỚI", "2. Về dữ liệu"]
    );
    assert_eq!(leads(&p.tasks[1]), ["Bộ Công an"]);
    assert_eq!(
        p.tasks[1].deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2026-06-30")
    );
}

#[test]
fn r2_a_review_reads_only_its_sections_of_tasks_and_proposals() {
    let p = notice(concat!(
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO\n",
        "2.1. Bộ Công an\n",
        "- Bộ Tư pháp ban hành Kế hoạch thực hiện đợt cao điểm làm sạch dữ liệu.\n",
        "II. TỒN TẠI, HẠN CHẾ\n",
        "\tIV. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI\n",
        "- Bộ Tư pháp hoàn thành cơ sở dữ liệu hộ tịch trong tháng 9/2026.\n",
        "V. KIẾN NGHỊ, ĐỀ XUẤT\n",
        "a) Bộ Công an:\n",
        "- Trình ban hành Kiến trúc dữ liệu tổng thể quốc gia. Hoàn thành trong tháng 8/2026.\n",
    ));
    let got: Vec<(String, String)> = p
        .tasks
        .iter()
        .map(|t| (t.headings[0].clone(), leads(t).join("; ")))
        .collect();
    assert_eq!(
        got[0],
        (
            "IV. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI".to_string(),
            "Bộ Tư pháp".to_string()
        ),
        "a heading indented by a tab in a text copy is a heading: {got:?}"
    );
    assert!(
        got.iter().all(|(h, _)| !h.starts_with("I.")),
        "what was done is not a task: {got:?}"
    );
    // "a) Bộ Công an:" then a bullet: the bullet is Bộ Công an's.
    assert_eq!(
        got[1],
        (
            "V. KIẾN NGHỊ, ĐỀ XUẤT".to_string(),
            "Bộ Công an".to_string()
        )
    );
    assert_eq!(
        p.tasks[1].deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2026-08-31"),
        "the next sentence's deadline belongs to the task"
    );
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn r3_items_copied_from_word_with_a_tab_after_their_marker_are_read() {
    let p = notice(concat!(
        "III.\tNHIỆM VỤ\n",
        "1.\tBộ Y tế chủ trì triển khai Sổ sức khỏe điện tử, hoàn thành trong tháng 6/2026.\n",
        "-\tBộ Tư pháp hoàn thành cơ sở dữ liệu hộ tịch trong tháng 9/2026.\n",
        "a)\tBộ Công an: (1) làm sạch dữ liệu, hoàn thành trong tháng 7/2026; (2) kết nối dữ liệu, hoàn thành trong tháng 8/2026.\n",
    ));
    let got: Vec<String> = p.tasks.iter().map(|t| leads(t).join("; ")).collect();
    assert_eq!(
        got,
        ["Bộ Y tế", "Bộ Tư pháp", "Bộ Công an", "Bộ Công an"],
        "{:?}",
        p.warnings
    );
    assert_eq!(p.tasks[0].headings, ["III. NHIỆM VỤ"]);
}

#[test]
fn r3_a_lettered_item_gives_one_task_per_numbered_part() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "a) Bộ Khoa học và Công nghệ:  (1)  trình Thủ tướng Chính phủ Chương trình quốc gia, hoàn thành trong tháng 11 năm 2026;  (2)  chủ trì, phối hợp với Bộ Tài chính hướng dẫn các địa phương, hoàn thành trước ngày 10 tháng 12 năm 2026;  (3)  Bộ Công an chủ trì định danh tàu cá, hoàn thành trong tháng 9/2026.\n",
        "b) Bộ Nội vụ tham mưu ban hành Kế hoạch, hoàn thành trong tháng 11 năm 2026.\n",
    ));
    let names: Vec<Vec<String>> = p.tasks.iter().map(leads).collect();
    assert_eq!(
        names,
        [
            vec!["Bộ Khoa học và Công nghệ".to_string()],
            vec!["Bộ Khoa học và Công nghệ".to_string()],
            vec!["Bộ Công an".to_string()],
            vec!["Bộ Nội vụ".to_string()],
        ]
    );
    assert!(
        p.tasks[0].name.starts_with("Trình Thủ tướng"),
        "capitalised"
    );
    assert!(
        p.tasks[0]
            .notes
            .iter()
            .any(|n| n.contains("lấy từ đầu mục")),
        "a lead taken from the item is said: {:?}",
        p.tasks[0].notes
    );
    assert!(
        p.tasks[2].notes.iter().all(|n| !n.contains("đầu mục")),
        "a part with its own subject keeps it"
    );
    let dues: Vec<String> = p
        .tasks
        .iter()
        .map(|t| t.deadline.due.map(|d| d.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(
        dues,
        ["2026-11-30", "2026-12-10", "2026-09-30", "2026-11-30"]
    );
}

#[test]
fn r4_subjects_after_giao_yeu_cau_and_heads_and_a_new_subject_starts_a_task() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "- Giao Bộ Tài chính xây dựng bảng danh mục, hoàn thành trong tháng 6/2026. Bộ Xây dựng chủ trì hướng dẫn các địa phương, hoàn thành trong tháng 8/2026.\n",
        "- Yêu cầu các bộ, ngành, địa phương đăng ký dự án, gửi Bộ Tài chính trước ngày 15/7/2026.\n",
        "- Trước mắt, giao Ủy ban nhân dân Thành phố Hồ Chí Minh phối hợp Văn phòng Chính phủ triển khai thí điểm.\n",
        "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo số hóa hồ sơ, hoàn thành trong năm 2026.\n",
        "- Bộ trưởng Bộ Y tế chỉ đạo hoàn thành Sổ sức khỏe điện tử trong Quý III/2026.\n",
    ));
    let names: Vec<String> = p.tasks.iter().map(|t| leads(t).join("; ")).collect();
    assert_eq!(
        names,
        [
            "Bộ Tài chính",
            "Bộ Xây dựng",
            "Các bộ, ngành, địa phương",
            "Thành phố Hồ Chí Minh",
            "Các địa phương",
            "Bộ Y tế",
        ]
    );
    assert_eq!(p.tasks[2].lead[0].kind, RefKind::Group);
    assert!(
        p.tasks[1]
            .source
            .as_deref()
            .unwrap_or("")
            .starts_with("Bộ Xây dựng chủ trì"),
        "each task keeps the sentence it came from: {:?}",
        p.tasks[1].source
    );
}

#[test]
fn r3_a_shared_prefix_list_in_an_item_and_a_numbered_assignment_after_a_numbered_heading() {
    let p = notice(concat!(
        "2. Thời gian tới, yêu cầu các bộ, ngành tập trung thực hiện các nhiệm vụ sau:\n",
        "a) Các Bộ: Tư pháp, Y tế khẩn trương hoàn thành kết nối dữ liệu, hoàn thành trước ngày 31/3/2026.\n",
        "b) Bộ Tài chính có trách nhiệm bố trí kinh phí, hoàn thành trong tháng 3/2026.\n",
        "3. Giao Văn phòng Chính phủ theo dõi, đôn đốc việc thực hiện; định kỳ hằng quý báo cáo Thủ tướng Chính phủ.\n",
        "Văn phòng Chính phủ thông báo để các cơ quan liên quan biết, thực hiện./.\n",
    ));
    let got: Vec<String> = p.tasks.iter().map(|t| leads(t).join("; ")).collect();
    assert_eq!(
        got,
        ["Bộ Tư pháp; Bộ Y tế", "Bộ Tài chính", "Văn phòng Chính phủ"]
    );
    assert!(
        p.tasks[2].headings.is_empty(),
        "\"3. Giao …\" is not under \"2. …\": {:?}",
        p.tasks[2].headings
    );
    assert_eq!(p.tasks[2].deadline.kind, DeadlineKind::Recurring);
}

#[test]
fn r5_statements_of_fact_are_not_tasks() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "Bộ Công an đã hoàn thành kết nối 34/34 địa phương trong tháng 5/2026.\n",
        "Các bộ, ngành chưa chủ động đăng ký nhu cầu kinh phí.\n",
        "Bộ Y tế đang triển khai bệnh án điện tử.\n",
        "Các bộ, ngành đăng ký sử dụng tài nguyên, gửi Bộ Công an trước ngày 10/6/2026.\n",
    ));
    assert_eq!(p.tasks.len(), 1, "{:#?}", p.tasks);
    assert!(
        p.tasks[0].name.starts_with("Đăng ký"),
        "“đăng” is not “đang”"
    );
}

#[test]
fn r6_coordinators_follow_phoi_hop_and_never_repeat_the_lead() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "- Bộ Công an chủ trì, phối hợp với Bộ Khoa học và Công nghệ, Bộ Nông nghiệp và Môi trường trình Thủ tướng Chính phủ ban hành Quyết định, hoàn thành trong tháng 6/2026.\n",
        "- Giao Bộ Công an phối hợp Bộ Tài chính, Bộ Công an và các đơn vị liên quan tổng hợp bảng mã, hoàn thành trước ngày 30/6/2026.\n",
        "- Bộ Xây dựng cùng Bộ Nội vụ rà soát quy hoạch, hoàn thành trong năm 2026.\n",
    ));
    assert_eq!(p.tasks.len(), 3, "{:#?}", p.tasks);
    assert_eq!(
        coordinators(&p.tasks[0]),
        ["Bộ Khoa học và Công nghệ", "Bộ Nông nghiệp và Môi trường"]
    );
    let second = coordinators(&p.tasks[1]);
    assert!(second.contains(&"Bộ Tài chính".to_string()), "{second:?}");
    assert!(!second.contains(&"Bộ Công an".to_string()), "{second:?}");
    assert!(
        p.tasks[1]
            .coordinators
            .iter()
            .any(|c| c.kind == RefKind::Unresolved && c.name.contains("liên quan")),
        "vague text is kept as written: {second:?}"
    );
    assert_eq!(leads(&p.tasks[2]), ["Bộ Xây dựng"]);
    assert_eq!(coordinators(&p.tasks[2]), ["Bộ Nội vụ"]);
}

#[test]
fn r7_deadlines_in_every_form_and_clauses_with_their_own() {
    let cases = [
        (
            "hoàn thành trong tháng 6/2026",
            DeadlineKind::Month,
            Some("2026-06-30"),
        ),
        (
            "hoàn thành trước ngày 10 tháng 12 năm 2026",
            DeadlineKind::Date,
            Some("2026-12-10"),
        ),
        (
            "báo cáo Thủ tướng trước 30/6/2026",
            DeadlineKind::Date,
            Some("2026-06-30"),
        ),
        (
            "hoàn thành trong Quý II/2026",
            DeadlineKind::Quarter,
            Some("2026-06-30"),
        ),
        (
            "hoàn thành trong năm 2026",
            DeadlineKind::Year,
            Some("2026-12-31"),
        ),
        ("nhiệm vụ thường xuyên", DeadlineKind::Recurring, None),
        (
            "định kỳ hằng tháng báo cáo Chính phủ",
            DeadlineKind::Recurring,
            None,
        ),
        ("bảo đảm kinh phí năm 2026", DeadlineKind::Unknown, None),
    ];
    for (written, kind, due) in cases {
        let p = notice(&format!(
            "III. NHIỆM VỤ\n- Bộ Tài chính chủ trì triển khai Đề án, {written}.\n"
        ));
        let d = &p.tasks[0].deadline;
        assert_eq!(d.kind, kind, "{written}: {d:?}");
        assert_eq!(d.due.map(|x| x.to_string()).as_deref(), due, "{written}");
        if kind == DeadlineKind::Unknown {
            assert!(
                p.tasks[0]
                    .notes
                    .iter()
                    .any(|n| n.contains("không có thời hạn")),
                "no deadline is flagged, not guessed"
            );
        } else {
            assert!(
                !d.raw.is_empty() && written.contains(&d.raw),
                "the deadline is kept as written: {written} / {}",
                d.raw
            );
        }
    }
    // Two deadlines in clauses of one sentence: two tasks of the same lead.
    let p = notice(
        "III. NHIỆM VỤ\n- Bộ Công an: Tiếp tục mở rộng Trung tâm dữ liệu quốc gia số 1, nhiệm vụ thường xuyên; nghiên cứu xây dựng Trung tâm số 2, hoàn thành trước ngày 10 tháng 12 năm 2026.\n",
    );
    assert_eq!(p.tasks.len(), 2, "{:#?}", p.tasks);
    assert_eq!(p.tasks[0].deadline.kind, DeadlineKind::Recurring);
    assert_eq!(
        p.tasks[1].deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2026-12-10")
    );
    assert!(p.tasks.iter().all(|t| leads(t) == ["Bộ Công an"]));
}

#[test]
fn r8_the_overseeing_leader_attaches_to_the_tasks_of_the_paragraph() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "- Bộ Công an khẩn trương trình Chính phủ ban hành Nghị định, hoàn thành trong tháng 6/2026. Phân công Phó Thủ tướng Chính phủ Nguyễn Chí Dũng và Bộ trưởng Bộ Công an theo dõi, chỉ đạo.\n",
        "- Bộ Tài chính xây dựng danh mục, hoàn thành trong tháng 7/2026.\n",
    ));
    assert_eq!(p.tasks.len(), 2);
    assert_eq!(
        p.tasks[0].overseer.as_deref(),
        Some("Phó Thủ tướng Chính phủ Nguyễn Chí Dũng và Bộ trưởng Bộ Công an")
    );
    assert_eq!(p.tasks[1].overseer, None);
}

#[test]
fn r9_footnotes_and_politeness_are_not_tasks() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "- Bộ Y tế chủ trì triển khai Sổ sức khỏe điện tử, hoàn thành trong tháng 6/2026.\n",
        "[1] Bộ Công an chủ trì theo Nghị quyết số 71/NQ-CP, hoàn thành trong tháng 6/2025.\n",
        "Văn phòng Chính phủ trân trọng thông báo để các cơ quan biết, thực hiện.\n",
    ));
    assert_eq!(p.tasks.len(), 1, "{:#?}", p.tasks);
}

#[test]
fn r10_an_instruction_without_a_known_agency_is_a_warning_with_its_text() {
    let p = notice(concat!(
        "III. NHIỆM VỤ\n",
        "- Bộ Y tế chủ trì triển khai Sổ sức khỏe điện tử, hoàn thành trong tháng 6/2026.\n",
        "- Giao Tổ công tác đặc biệt rà soát các nhiệm vụ, hoàn thành trong tháng 5/2026.\n",
        "- Tiếp tục đẩy mạnh tuyên truyền về chuyển đổi số.\n",
    ));
    assert_eq!(p.tasks.len(), 1);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("Giao Tổ công tác đặc biệt rà soát")),
        "{:?}",
        p.warnings
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("Tiếp tục đẩy mạnh tuyên truyền")),
        "a bullet assigning nobody is said: {:?}",
        p.warnings
    );
}

#[test]
fn a_text_with_nothing_recognisable_names_what_was_looked_for() {
    let e = read(
        "thu.txt",
        "Kính gửi các đồng chí.\nHôm nay trời đẹp.\n".as_bytes(),
    )
    .expect_err("nothing to read");
    assert!(matches!(e, ImportError::NothingRecognised(_)));
    let line = e.to_string();
    assert!(
        line.contains("bảng nhiệm vụ") && line.contains("câu giao nhiệm vụ"),
        "{line}"
    );
}

fn sample_text(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/samples")
            .join(name),
    )
    .expect("sample")
}

/// What the notice 624/TB-VPCP assigns, read by a person: its lettered items and numbered parts.
#[test]
fn the_real_notice_624_gives_its_assignments() {
    let p = read(
        "conclusion-624-TB-VPCP-2025-11.txt",
        &sample_text("conclusion-624-TB-VPCP-2025-11.txt"),
    )
    .expect("reads");
    let find = |lead: &str, words: &str| {
        p.tasks
            .iter()
            .find(|t| {
                leads(t).join("; ") == lead && t.name.to_lowercase().contains(&words.to_lowercase())
            })
            .unwrap_or_else(|| panic!("{lead}: {words}"))
    };
    // "a) Bộ Khoa học và Công nghệ: (1) trình Thủ tướng … hoàn thành trong tháng 11 năm 2025".
    let t = find(
        "Bộ Khoa học và Công nghệ",
        "Chương trình quốc gia phát triển các sản phẩm",
    );
    assert_eq!(
        t.deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2025-11-30")
    );
    // "(6) Khẩn trương ban hành văn bản hướng dẫn …" — no deadline given, none invented.
    let t = find("Bộ Khoa học và Công nghệ", "nội hàm");
    assert_eq!(t.deadline.kind, DeadlineKind::Unknown);
    // "b) Bộ Công an: (1) … nhiệm vụ thường xuyên; nghiên cứu … số 2 và số 3, hoàn thành trước …".
    assert_eq!(
        find("Bộ Công an", "Trung tâm Dữ liệu quốc gia số 1")
            .deadline
            .kind,
        DeadlineKind::Recurring
    );
    assert_eq!(
        find("Bộ Công an", "số 2 và số 3")
            .deadline
            .due
            .map(|d| d.to_string())
            .as_deref(),
        Some("2025-12-10")
    );
    // "l) Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ thực hiện nghiêm …".
    let t = find(
        "Thành phố Hà Nội; Thành phố Cần Thơ",
        "Công văn số 10704/VPCP-KSTT",
    );
    assert_eq!(
        t.deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2025-11-20")
    );
    // "3. …: (1) Thanh tra Chính phủ ban hành trước ngày 25 tháng 11 năm 2025".
    find("Thanh tra Chính phủ", "ban hành");
    // "k) Đài Truyền hình Việt Nam (VTV) chủ trì, phối hợp Bộ Khoa học và Công nghệ, …".
    let t = find("Đài Truyền hình Việt Nam", "video clip");
    assert!(coordinators(t).contains(&"Bộ Quốc phòng".to_string()));
    // The heads of ministries and provinces stand for their bodies (III.1).
    assert!(p.tasks.iter().any(|t| {
        leads(t).contains(&"Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ".to_string())
    }));
    // Sections I and II (results, shortcomings) assign nothing.
    assert!(p.tasks.iter().all(|t| t.headings[0].starts_with("III.")));
    // Every task keeps its sentence.
    assert!(
        p.tasks
            .iter()
            .all(|t| t.source.as_deref().is_some_and(|s| !s.is_empty()))
    );
}

#[test]
fn the_real_notice_292_gives_its_assignments_and_overseers() {
    let p = read(
        "conclusion-292-TB-VPCP-2025-06.txt",
        &sample_text("conclusion-292-TB-VPCP-2025-06.txt"),
    )
    .expect("reads");
    assert!(
        p.tasks
            .iter()
            .all(|t| t.basis.as_deref() == Some("Thông báo số 292/TB-VPCP ngày 09/6/2025"))
    );
    let law = p
        .tasks
        .iter()
        .find(|t| t.name.contains("Luật Dữ liệu"))
        .expect("the data-law decrees");
    assert_eq!(leads(law), ["Bộ Công an"]);
    assert_eq!(
        law.deadline.due.map(|d| d.to_string()).as_deref(),
        Some("2025-06-30")
    );
    assert!(
        law.overseer
            .as_deref()
            .unwrap_or("")
            .starts_with("Phó Thủ tướng Chính phủ Nguyễn Chí Dũng")
    );
    let scam = p
        .tasks
        .iter()
        .find(|t| t.name.contains("lừa đảo trực tuyến"))
        .expect("a paragraph cut by a page is one task");
    assert!(
        coordinators(scam).contains(&"Ngân hàng Nhà nước Việt Nam".to_string()),
        "{:?}",
        coordinators(scam)
    );
    assert!(
        scam.overseer
            .as_deref()
            .unwrap_or("")
            .contains("Nguyễn Hòa Bình")
    );
    let civil = p
        .tasks
        .iter()
        .find(|t| t.name.contains("hộ tịch"))
        .expect("civil records");
    assert_eq!(
        leads(civil),
        [
            "Bộ Tư pháp",
            "Bộ Nông nghiệp và Môi trường",
            "Các địa phương"
        ]
    );
    assert_eq!(civil.deadline.kind, DeadlineKind::Quarter);
    // The subject-less sentence of a bullet is said, not dropped.
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("Tổ trưởng các Tổ công tác"))
    );
}

#[test]
fn a_notice_in_word_reads_as_its_text_does() {
    let text = String::from_utf8(sample_text("conclusion-292-TB-VPCP-2025-06.txt")).expect("utf-8");
    let body: String = text.lines().map(para).collect();
    let from_word = read("thong-bao-292.docx", &docx(&body)).expect("reads");
    let from_text = read("thong-bao-292.txt", text.as_bytes()).expect("reads");
    assert_eq!(from_word.tasks.len(), from_text.tasks.len());
    for (w, t) in from_word.tasks.iter().zip(&from_text.tasks) {
        assert_eq!(w.name, t.name);
        assert_eq!(w.lead, t.lead);
        assert_eq!(w.deadline, t.deadline);
    }
}

/// A one-page PDF whose text is `lines` (ASCII, Helvetica), or a page with only a drawn square.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::new();
    if lines.is_empty() {
        content.push_str("0.5 g 100 100 200 200 re f\n");
    }
    for (i, l) in lines.iter().enumerate() {
        let esc = l
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!(
            "BT /F1 9 Tf 40 {} Td ({esc}) Tj ET\n",
            800 - 14 * i
        ));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Text-based PDF through poppler's pdftotext (installed by scripts/test). The words are written
/// without diacritics here (Helvetica); names and deadlines are matched folded, as in any file.
#[test]
fn a_text_pdf_notice_reads_and_a_scan_is_refused_as_needing_ocr() {
    let p = read(
        "thong-bao.pdf",
        &pdf(&[
            "So: 55/TB-VPCP",
            "Ha Noi, ngay 12 thang 3 nam 2026",
            "THONG BAO",
            "III. NHIEM VU",
            "- Giao Bo Cong an chu tri, phoi hop voi Bo Tai chinh xay dung Nghi dinh, hoan thanh trong",
            "thang 6/2026.",
            "- Bo Y te trien khai So suc khoe dien tu, hoan thanh truoc ngay 30/9/2026.",
            "2",
        ]),
    )
    .expect("a text PDF reads");
    let got: Vec<(String, Option<String>)> = p
        .tasks
        .iter()
        .map(|t| (leads(t).join("; "), t.deadline.due.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        got,
        [
            ("Bộ Công an".to_string(), Some("2026-06-30".to_string())),
            ("Bộ Y tế".to_string(), Some("2026-09-30".to_string())),
        ],
        "a line wrapped by the page is joined again"
    );
    assert_eq!(coordinators(&p.tasks[0]), ["Bộ Tài chính"]);
    assert_eq!(
        p.tasks[0].basis.as_deref(),
        Some("Thong bao số 55/TB-VPCP ngày 12/3/2026")
    );

    let e = read("ban-quet.pdf", &pdf(&[])).expect_err("a scan has no text");
    assert_eq!(e, ImportError::NeedsOcr);
    assert!(e.to_string().contains("OCR"));
    let e = read("hong.pdf", b"%PDF-1.4\n garbage").expect_err("corrupt");
    assert!(
        matches!(e, ImportError::Corrupt(_) | ImportError::NeedsOcr),
        "{e:?}"
    );
    let e = read("khong-phai.pdf", b"hello").expect_err("not a PDF");
    assert!(matches!(e, ImportError::Corrupt(_)), "{e:?}");
}
