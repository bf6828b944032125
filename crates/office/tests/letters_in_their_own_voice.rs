//! A letter's own requests, in the letter's own voice (issue #35, part 4 and 7), the same in its
//! text copy, its Word file and its PDF: requests whose subject is the addressee, the sender
//! asking the head of another body, a reply date that is the answer deadline of the appendix's
//! difficulties; reports of what someone did and footnotes are context, never tasks. Each task
//! reads from the work on, capitalised; one without a deadline says so.

mod common;

use common::*;
use tiendo_domain::deadline::DeadlineKind;
use tiendo_office::DocumentPreview;
use time::macros::date;

fn leads(p: &DocumentPreview, i: usize) -> Vec<String> {
    p.tasks[i].lead.iter().map(|a| a.name.clone()).collect()
}

fn check(p: &DocumentPreview, format: &str) {
    let names: Vec<&str> = p.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(p.tasks.len(), 4, "{format}: {names:#?}");
    // 1. The addressee as the subject; "tình hình" in the sentence does not make it a heading.
    assert!(
        names[0].starts_with("Căn cứ tình hình thực tế, chủ động rà soát"),
        "{format}: {}",
        names[0]
    );
    assert_eq!(leads(p, 0), ["Các sở, ban, ngành"], "{format}");
    assert_eq!(p.tasks[0].deadline.kind, DeadlineKind::Unknown);
    assert_eq!(
        p.tasks[0].deadline.in_words(),
        "chưa có thời hạn",
        "{format}"
    );
    // 2. "Văn phòng Chính phủ đề nghị Thủ trưởng các bộ, cơ quan khẩn trương …": the bodies
    // asked lead it, not the sender.
    assert!(
        names[1].starts_with("Khẩn trương hoàn thành việc kết nối"),
        "{format}: {}",
        names[1]
    );
    assert_eq!(leads(p, 1), ["Các bộ, ngành"], "{format}");
    assert_eq!(
        p.tasks[1].deadline.due,
        Some(date!(2026 - 08 - 31)),
        "{format}"
    );
    // 3. From the work on: "phải phát huy" reads "Phát huy".
    assert!(
        names[2].starts_with("Phát huy vai trò đầu mối"),
        "{format}: {}",
        names[2]
    );
    assert_eq!(leads(p, 2), ["Bộ Tài chính"], "{format}");
    // 4. The reply date.
    assert_eq!(
        p.tasks[3].deadline.due,
        Some(date!(2026 - 07 - 15)),
        "{format}"
    );
    // Neither the report of what Quảng Ninh did nor the footnote is a task.
    assert!(
        p.tasks.iter().all(|t| !t.name.contains("Quảng Ninh")
            && !t.source.as_deref().unwrap_or("").contains("Quảng Ninh")),
        "{format}: {names:#?}"
    );
    // The reply date is the answer deadline of the appendix's difficulties.
    assert_eq!(p.difficulties.len(), 2, "{format}");
    for d in &p.difficulties {
        assert_eq!(d.handlers.len(), 1, "{format}");
        assert_eq!(
            d.handlers[0].answer_due.as_ref().and_then(|x| x.due),
            Some(date!(2026 - 07 - 15)),
            "{format}: {}",
            d.text
        );
        assert!(d.notes.iter().any(|n| n.contains("15/7/2026")), "{format}");
    }
}

#[test]
fn a_letter_in_its_own_voice_reads_the_same_as_text_word_and_pdf() {
    for name in [
        "cong-van-888-BKHCN.txt",
        "cong-van-888-BKHCN.docx",
        "cong-van-888-BKHCN.pdf",
    ] {
        let p = read(name, &constructed(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&p, name);
    }
}

/// Without a reply date for them, difficulties keep the table's own (none here).
#[test]
fn a_reply_date_about_something_else_is_not_the_difficulties_deadline() {
    let text = "Số: 5/BKHCN-VP\nHà Nội, ngày 12 tháng 6 năm 2026\n\n\
Đề nghị Bộ Tài chính gửi dự toán kinh phí về Bộ Khoa học và Công nghệ trước ngày 30/7/2026.\n\n\
PHỤ LỤC\nSTT\tCơ quan nêu\tNội dung khó khăn, vướng mắc\tCơ quan xử lý\n\
1\tTỉnh Lạng Sơn\tChưa có định mức chi\tBộ Tài chính\n";
    let p = read("cv.txt", text.as_bytes()).expect("reads");
    assert_eq!(p.tasks.len(), 1);
    assert_eq!(p.difficulties[0].handlers[0].answer_due, None);
}

/// "No answer means a commitment": the rule is kept with the letter, with the answer date of
/// the body's request for commitments; without any date it is said, not guessed.
#[test]
fn the_rule_that_no_answer_is_a_commitment_is_read_with_its_date() {
    let with_date = "Số: 77/BCA-VPB\nHà Nội, ngày 10 tháng 11 năm 2025\n\n\
Đề nghị các bộ gửi văn bản cam kết tiến độ đối với các nhiệm vụ chậm tiến độ về Bộ Công an trước ngày 25/11/2025. \
Quá thời hạn nêu trên, nếu không có văn bản trả lời thì được hiểu là các cơ quan cam kết hoàn thành 100% nhiệm vụ.\n";
    let p = read("cv.txt", with_date.as_bytes()).expect("reads");
    let rule = p.silence_rule.expect("the rule");
    assert!(
        rule.text.starts_with("Quá thời hạn nêu trên"),
        "{}",
        rule.text
    );
    assert_eq!(rule.answer_by, Some(date!(2025 - 11 - 25)));
    assert!(
        rule.source
            .as_deref()
            .is_some_and(|s| s.contains("77/BCA-VPB"))
    );
    assert!(
        p.tasks.iter().all(|t| !t.name.contains("được hiểu")),
        "the rule is no task"
    );

    let without = "Số: 78/BCA-VPB\nHà Nội, ngày 10 tháng 11 năm 2025\n\n\
Giao Bộ Y tế chủ trì xây dựng cơ sở dữ liệu, hoàn thành trong tháng 12/2025. \
Nếu không có văn bản trả lời thì coi như cơ quan cam kết hoàn thành.\n";
    let p = read("cv.txt", without.as_bytes()).expect("reads");
    assert_eq!(p.silence_rule.as_ref().and_then(|r| r.answer_by), None);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("không nêu hạn trả lời")),
        "{:?}",
        p.warnings
    );
    // A letter without such a rule has none.
    let p = read("cv.txt", "Số: 79/BCA-VPB\nHà Nội, ngày 10 tháng 11 năm 2025\n\nGiao Bộ Y tế chủ trì xây dựng cơ sở dữ liệu, hoàn thành trong tháng 12/2025.\n".as_bytes()).expect("reads");
    assert!(p.silence_rule.is_none());
}
