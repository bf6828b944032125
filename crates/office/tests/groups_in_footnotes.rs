//! Groups named in a footnote (issue #35, part 3): a handler "09 địa phương¹" with "¹ Gồm các
//! tỉnh: …" is those nine provinces; "Các bộ, ngành theo từng hệ thống được giao tại Kế hoạch …²" is the
//! ministries its note lists; a note that names five for "06 địa phương" leaves the phrase
//! unresolved, saying both counts — never the whole group. The same letter as text (superscript
//! marks, notes as paragraphs), as Word (real footnotes, whose ids are not the numbers shown) and
//! as PDF (printed from the Word file, notes at the foot of the page).

mod common;

use common::*;
use tiendo_domain::agency::RefKind;
use tiendo_office::DocumentPreview;

const NINE: [&str; 9] = [
    "Lào Cai",
    "Tuyên Quang",
    "Cao Bằng",
    "Lạng Sơn",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Phú Thọ",
    "Thái Nguyên",
];

fn handlers(p: &DocumentPreview, i: usize) -> Vec<&tiendo_domain::agency::AgencyRef> {
    p.difficulties[i]
        .handlers
        .iter()
        .map(|h| &h.agency)
        .collect()
}

fn check(p: &DocumentPreview, format: &str) {
    assert_eq!(p.difficulties.len(), 3, "{format}: {:#?}", p.difficulties);
    // 1. To be answered by nine provinces, each read from the note and saying so.
    let nine = handlers(p, 0);
    assert_eq!(nine.len(), 9, "{format}: {nine:#?}");
    for (r, name) in nine.iter().zip(NINE) {
        assert_eq!(r.kind, RefKind::Agency, "{format}: {r:?}");
        assert!(r.name.contains(name), "{format}: {} for {name}", r.name);
        let note = r.note.as_deref().unwrap_or("");
        assert!(
            note.contains("chú thích 1") && note.contains("09 địa phương"),
            "{format}: {note}"
        );
    }
    assert_eq!(p.difficulties[0].agency[0].name, "Bộ Tài chính", "{format}");
    // 2. The qualified group is the three ministries of its note, not all of them.
    let three: Vec<&str> = handlers(p, 1).iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        three,
        ["Bộ Công an", "Bộ Y tế", "Bộ Khoa học và Công nghệ"],
        "{format}"
    );
    // 3. Five names for "06": the phrase as written, both counts said; no province is guessed.
    let six = handlers(p, 2);
    assert_eq!(six.len(), 1, "{format}: {six:#?}");
    assert_eq!(six[0].kind, RefKind::Unresolved, "{format}");
    assert!(
        six[0].name.starts_with("06 địa phương"),
        "{format}: {six:?}"
    );
    let note = six[0].note.as_deref().unwrap_or("");
    assert!(
        note.contains("ghi 6") && note.contains("liệt kê 5"),
        "{format}: {note}"
    );
    // The notes are not tasks, nor part of any difficulty's text.
    for t in &p.tasks {
        assert!(!t.name.contains("Gồm"), "{format}: {}", t.name);
    }
    for d in &p.difficulties {
        assert!(!d.text.contains("Gồm"), "{format}: {}", d.text);
    }
}

#[test]
fn text_copy() {
    let p = read("cong-van-515-BTC.txt", &constructed("cong-van-515-BTC.txt")).expect("read");
    check(&p, "txt");
}

#[test]
fn word_file_with_real_footnotes() {
    let p = read(
        "cong-van-515-BTC.docx",
        &constructed("cong-van-515-BTC.docx"),
    )
    .expect("read");
    check(&p, "docx");
}

#[test]
fn without_its_notes_a_counted_group_stays_a_phrase() {
    // The same cell with the notes cut off: nothing to read the nine from.
    let text = String::from_utf8(constructed("cong-van-515-BTC.txt")).expect("utf-8");
    let cut: String = text
        .lines()
        .filter(|l| !l.starts_with(['¹', '²', '³']))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = read("cong-van-515-BTC.txt", cut.as_bytes()).expect("read");
    let nine = handlers(&p, 0);
    assert_eq!(nine.len(), 1, "{nine:#?}");
    assert_eq!(nine[0].kind, RefKind::Unresolved);
    assert!(nine[0].note.as_deref().unwrap_or("").contains("ghi 9"));
}

#[test]
fn pdf_printed_from_the_word_file() {
    let p = read("cong-van-515-BTC.pdf", &constructed("cong-van-515-BTC.pdf")).expect("read");
    check(&p, "pdf");
}
