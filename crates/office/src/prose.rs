//! Assignments written in prose. A conclusion notice assigns its tasks in sentences — "Giao Bộ
//! Công an chủ trì, phối hợp với Bộ Tài chính …, hoàn thành trong tháng 6/2025" — in bullets and in
//! items "a) Bộ Khoa học và Công nghệ: (1) …; (2) …". Each becomes a task, keeping the sentence it
//! came from. The reading is rule-based, and every rule is named here and tested below:
//!
//! - **R1 Frame.** Reading stops at "Nơi nhận"; the letterhead's number ("Số: 292/TB-VPCP") and date
//!   become every task's basis ("Thông báo số 292/TB-VPCP ngày 09/6/2025").
//! - **R2 Headings.** Lines numbered "I.", "1.", "1.2." (also as markdown "#") are headings; a
//!   heading line with a body after ":" is both. Sections about results, shortcomings, causes or
//!   viewpoints ("KẾT QUẢ ĐẠT ĐƯỢC", "TỒN TẠI, HẠN CHẾ", "NGUYÊN NHÂN", "QUAN ĐIỂM") hold no tasks.
//! - **R3 Items.** Each paragraph or bullet is read apart; "a) Bộ X: (1) …; (2) …" gives one task per
//!   numbered part, each led by Bộ X unless the part names its own subject.
//! - **R4 Subjects.** A sentence is an assignment when, after "Giao", "Yêu cầu", "Đề nghị" or
//!   "Trước mắt, giao", it opens with agencies or groups (or their heads: "Bộ trưởng Bộ Y tế",
//!   "Chủ tịch UBND các tỉnh") followed by an action ("chủ trì", "khẩn trương", "xây dựng" …).
//!   "[sender] đề nghị / yêu cầu [addressee] …" is the addressee's task. A numbered sentence is a
//!   section heading only when its start, or a short title, names one ("1. Các Sở, ngành căn cứ
//!   tình hình thực tế, chủ động …" is a request). A task's text starts at the work, capitalised.
//!   A sentence with a new subject starts a new task; one without continues the task before it.
//! - **R5 Statements.** A subject followed by "đã", "đang", "chưa", "còn", "vẫn", "được" … states a
//!   fact and is not a task.
//! - **R6 Agencies.** The lead is the subject; coordinators follow "phối hợp (với)" or "cùng (với)"
//!   up to the next action; a lead is never its own coordinator.
//! - **R7 Deadlines.** "hoàn thành trong tháng 6/2025", "trước ngày 10 tháng 12 năm 2025", "trước
//!   30/6/2025", "trong Quý II/2025", "trong năm 2026", "nhiệm vụ thường xuyên", "hằng tháng".
//!   Clauses separated by ";" that carry different deadlines are separate tasks; a task with none
//!   has an unknown deadline, flagged.
//! - **R8 Overseer.** "Phân công Phó Thủ tướng … theo dõi, chỉ đạo" names the leader of the tasks of
//!   its paragraph.
//! - **R9 Not tasks.** Formulas of politeness ("trân trọng thông báo"), footnotes ("[1] …", a
//!   superscript mark after a full stop and the note after it), tables of the letterhead, and the
//!   rule that no answer is a commitment (read apart by [`silence_rule`]).
//! - **R10 Never silent.** A sentence that reads as an instruction (a deadline, "Giao", "Yêu cầu")
//!   but names no agency the registry knows is a warning with its text, not a task.

use std::sync::LazyLock;

use regex::Regex;
use tiendo_domain::agency::{AgencyRef, RefKind};
use tiendo_domain::deadline::{Deadline, DeadlineContext, DeadlineKind, parse_deadline};
use tiendo_domain::model::ParsedTask;
use tiendo_domain::text::{clean, fold};
use time::{Date, Month};

use crate::Reading;
use crate::blocks::Block;
use tiendo_domain::footnote::SUPERSCRIPT_DIGITS;

/// What the prose of a file gave.
#[derive(Debug, Default)]
pub struct ProseRead {
    pub title: Vec<String>,
    pub tasks: Vec<ParsedTask>,
    pub warnings: Vec<String>,
    /// How the letter's dates were read (its year).
    pub context: DeadlineContext,
}

/// Text folded for matching, with each folded byte's position in the original: a match found in
/// the folded text is cut from the original exactly.
struct Folded {
    text: String,
    orig: Vec<usize>,
    orig_len: usize,
}

impl Folded {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut orig = Vec::with_capacity(original.len());
        let mut buf = [0u8; 4];
        for (i, ch) in original.char_indices() {
            let f = fold(ch.encode_utf8(&mut buf));
            let c = f.chars().next().unwrap_or(' ');
            let before = text.len();
            text.push(c);
            orig.extend(std::iter::repeat_n(i, text.len() - before));
        }
        Self {
            text,
            orig,
            orig_len: original.len(),
        }
    }

    fn at(&self, folded_byte: usize) -> usize {
        self.orig.get(folded_byte).copied().unwrap_or(self.orig_len)
    }
}

/// Words that open an action: the subject of an assignment ends before one (folded).
const ACTIONS: &[&str] = &[
    "chu tri",
    "phoi hop",
    "khan truong",
    "tham muu",
    "xay dung",
    "trinh",
    "trien khai",
    "thuc hien",
    "nghien cuu",
    "huong dan",
    "to chuc",
    "ra soat",
    "quyet liet",
    "tap trung",
    "tiep tuc",
    "don doc",
    "hoan thanh",
    "hoan thien",
    "ban hanh",
    "sua doi",
    "chi dao",
    "theo chuc nang",
    "can cu",
    "co trach nhiem",
    "chiu trach nhiem",
    "phat trien",
    "day manh",
    "bao dam",
    "dam bao",
    "cap nhat",
    "bao cao",
    "gui",
    "de xuat",
    "tiep thu",
    "so ket",
    "tong ket",
    "tong hop",
    "cong bo",
    "dang ky",
    "uu tien",
    "kiem tra",
    "giam sat",
    "danh gia",
    "phan bo",
    "bo tri",
    "lam ro",
    "thanh lap",
    "ho tro",
    "nang cao",
    "ket noi",
    "tich hop",
    "chia se",
    "phe duyet",
    "chu dong",
    "phan dau",
    "xu ly",
    "giai quyet",
    "thao go",
    "mo rong",
    "dua",
    "van hanh",
    "so hoa",
    "som",
    "tiep nhan",
    "duy tri",
    "cung cap",
    "phai",
    "can",
    "khac phuc",
    "rut kinh nghiem",
    "thong nhat",
    "lua chon",
    "xac dinh",
    "nghiem tuc",
    "kien quyet",
    "truc tiep",
    "quan tam",
    "tang cuong",
    "phat huy",
    "cu",
    "lap",
    "dieu chinh",
    "bo sung",
    "cat giam",
    "don gian hoa",
    "tuyen truyen",
    "theo doi",
    "yeu cau",
    "giao",
    // "Bộ Xây dựng cùng Bộ Nội vụ rà soát": the subject is the first agency, the other coordinates.
    "cung",
];

/// How many openings are tried as a subject before a sentence is taken to have none.
const MAX_SUBJECT_TRIES: usize = 12;

/// Words that, right after a subject, make the sentence a statement of fact (R5). Compared with
/// their diacritics: "đang" (is doing) is not "đăng" (register).
const STATEMENTS: &[&str] = &[
    "đã",
    "đang",
    "chưa",
    "còn",
    "vẫn",
    "được",
    "là",
    "đều",
    "mới",
    "vừa",
    "từng",
    "cũng đã",
    "bị",
];

/// Openings of an instruction before its subject (R4), longest first.
const DIRECTIVES: &[&str] = &[
    "truoc mat, giao",
    "truoc mat giao",
    "dong thoi, giao",
    "dong thoi giao",
    "ban chi dao giao",
    "giao cho",
    "giao",
    "yeu cau",
    "de nghi",
    "truoc mat,",
    "dong thoi,",
];

/// Headings of sections that assign (R2): when a document's top sections include one of these,
/// only such sections are read.
const TASK_SECTIONS: &[&str] = &[
    "nhiem vu",
    "giai phap",
    "de xuat",
    "kien nghi",
    "phuong huong",
    "y kien chi dao",
    "ket luan",
    "to chuc thuc hien",
];

/// Headings of sections that describe rather than assign (R2).
const DESCRIPTIVE_SECTIONS: &[&str] = &[
    "ket qua dat duoc",
    "ket qua thuc hien",
    "ton tai",
    "han che",
    "nguyen nhan",
    "quan diem",
    "tu tuong chi dao",
    "tinh hinh",
    "boi canh",
    "bai hoc kinh nghiem",
    "danh gia chung",
];

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ivxlc]+|\d{1,2}(?:\.\d{1,2})*)\.\s+\S").expect("static regex")
});
static LETTERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-zđ])\)\s+\S").expect("static regex"));
static NUMBERED_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*(\d{1,2})\s*\)").expect("static regex"));
static DEADLINE_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:hoan thanh\s+|xong\s+)?(?:truoc|trong|den het|den|cham nhat|ngay trong)\s+(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}",
        r"|(?:hoan thanh\s+)?(?:truoc|trong|den het|den|cham nhat)\s+ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}",
        r"|(?:hoan thanh\s+)?(?:ngay\s+)?(?:truoc|trong|den het|het|cham nhat)\s+thang\s+\d{1,2}\s*(?:/|\s+nam\s+)\s*\d{4}",
        r"|(?:hoan thanh\s+)?(?:truoc|trong|den het|het)\s+quy\s+(?:iv|iii|ii|i|[1-4])\s*(?:/|\s+nam\s+)\s*\d{4}",
        r"|(?:hoan thanh\s+)?(?:trong|truoc|den het)\s+nam\s+\d{4}",
        r"|hoan thanh\s+(?:ngay\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}",
        r"|hoan thanh\s+(?:thang\s+\d{1,2}\s*(?:/|\s+nam\s+)\s*\d{4}|quy\s+(?:iv|iii|ii|i)\s*/\s*\d{4})",
        r"|nhiem vu thuong xuyen|thuong xuyen\s*$",
        r"|(?:dinh ky\s+)?hang (?:thang|quy|nam)|6 thang mot lan",
    ))
    .expect("static regex")
});
/// A list marker alone in a cell: "1.", "2.1.", "a)", "(1)", "IV.", "-", "•".
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[ivxlc]+\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|\(\d{1,2}\)|[-•+–*])$")
        .expect("static regex")
});

/// What a conversion to text leaves in it: "[bookmark: _Hlk…]", "[image: ]", "[footnoteRef:15]".
static CONVERSION_MARKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(?:bookmark|image|footnoteRef)[^\]]*\]").expect("static regex")
});
static OVERSEER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^phan cong\s+(.+?)\s+theo doi,?\s+(?:va\s+)?chi dao").expect("static regex")
});
static SYMBOL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bso\s*:\s*(\d+[^\s,;]*)").expect("static regex"));
static DOC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})").expect("static regex")
});

/// One line of the document, cleaned of markdown, with whether it was a bullet.
struct Line {
    text: String,
    index: usize,
    bullet: bool,
}

/// The marks that open a bullet.
const BULLETS: &[&str] = &["- ", "• ", "+ ", "– ", "* "];

fn markdown_free(raw: &str) -> String {
    let t = raw.trim().replace("**", "");
    let t = t.trim_start_matches('#').trim();
    let t = BULLETS.iter().find_map(|b| t.strip_prefix(b)).unwrap_or(t);
    clean(t)
}

fn ends_a_sentence(t: &str) -> bool {
    t.ends_with(['.', ':', ';', '!', '?', '”', '"', ')'])
}

/// The paragraphs of the document in order, broken lines joined (a line that does not end a
/// sentence, followed by one that opens in lower case, is one paragraph cut by a page).
fn lines(blocks: &[Block]) -> (Vec<Line>, Vec<String>) {
    let mut out: Vec<Line> = Vec::new();
    let mut letterhead = Vec::new();
    let mut index = 0;
    for b in blocks {
        match b {
            Block::Paragraph(p) => {
                for raw in p.split('\n') {
                    index += 1;
                    push_line(&mut out, raw, index);
                }
            }
            Block::Table { rows, .. } => {
                for row in rows {
                    index += 1;
                    let filled: Vec<&str> = row
                        .iter()
                        .map(|c| c.text.as_str())
                        .filter(|t| !t.trim().is_empty())
                        .collect();
                    match filled.as_slice() {
                        // A line indented by a tab in a text copy is a row of one cell.
                        [one] => push_line(&mut out, one, index),
                        // "1.<tab>Bộ Công an chủ trì …": a list marker and its text, as Word
                        // copies a numbered or bulleted paragraph.
                        [marker, text] if LIST_MARKER.is_match(&fold(marker.trim())) => {
                            push_line(&mut out, &format!("{} {text}", marker.trim()), index)
                        }
                        // A table beside prose is the letterhead or a form: read for the
                        // number and date only.
                        _ => letterhead.extend(filled.iter().map(|t| clean(t))),
                    }
                }
            }
        }
    }
    (out, letterhead)
}

/// Adds one line, joined to the one before when a page cut a paragraph (a line that does not end
/// a sentence, followed by one that opens in lower case and is not an item).
fn push_line(out: &mut Vec<Line>, raw: &str, index: usize) {
    if raw.trim_start().starts_with('|') {
        return;
    }
    let without_marks = CONVERSION_MARKS.replace_all(raw, "");
    let text = markdown_free(&without_marks);
    if text.is_empty() {
        return;
    }
    let starts_lower = text.chars().next().is_some_and(char::is_lowercase);
    if let Some(prev) = out.last_mut()
        && starts_lower
        && !ends_a_sentence(&prev.text)
        && !LETTERED.is_match(&fold(&text))
        && !HEADING.is_match(&fold(&prev.text))
    {
        prev.text.push(' ');
        prev.text.push_str(&text);
        return;
    }
    let bullet = BULLETS
        .iter()
        .any(|b| without_marks.trim_start().starts_with(b));
    out.push(Line {
        text,
        index,
        bullet,
    });
}

#[derive(Clone)]
struct Heading {
    level: usize,
    text: String,
    descriptive: bool,
    assigning: bool,
}

fn heading_level(number: &str) -> usize {
    if number.chars().all(|c| "ivxlc".contains(c)) {
        1
    } else {
        2 + number.matches('.').count()
    }
}

/// A line that is a heading, with the body after its ":" if it has one.
fn heading(line: &str) -> Option<(Heading, Option<String>)> {
    let f = fold(line);
    let m = HEADING.captures(&f)?;
    let number = m.get(1)?.as_str();
    let level = heading_level(number);
    let (head, body) = match line.find(": ") {
        Some(i) if line[i + 2..].trim().chars().count() > 20 => {
            (line[..i].trim(), Some(line[i + 2..].trim().to_string()))
        }
        _ => (line.trim_end_matches(':').trim(), None),
    };
    if body.is_none() && line.chars().count() > 300 {
        return None;
    }
    let fh = fold(head);
    // A section's name says what it holds at its start ("2. Tình hình triển khai") or in a
    // short title ("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"); a numbered sentence that mentions
    // "tình hình" in passing ("1. Các Sở, ngành căn cứ tình hình thực tế, …") is not one.
    let name = fh
        .split_once(". ")
        .map(|(_, b)| b)
        .unwrap_or(&fh)
        .trim_start();
    let short = name.chars().count() <= 90;
    let names = |words: &[&str]| {
        words
            .iter()
            .any(|d| name.starts_with(d) || (short && name.contains(d)))
    };
    Some((
        Heading {
            level,
            text: head.to_string(),
            descriptive: names(DESCRIPTIVE_SECTIONS),
            assigning: names(TASK_SECTIONS),
        },
        body,
    ))
}

/// Splits at a separator outside parentheses and quotes; `at` says whether a split is wanted at
/// byte `i` (the separator itself is dropped when `drop` is true).
fn split_top(text: &str, at: impl Fn(&str, usize) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut start = 0;
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            '“' => quoted = true,
            '”' => quoted = false,
            _ => {}
        }
        if depth == 0 && !quoted && at(text, i) {
            let piece = text[start..i + ch.len_utf8()].trim();
            if !piece.is_empty() {
                out.push(piece.to_string());
            }
            start = i + ch.len_utf8();
        }
    }
    let piece = text[start..].trim();
    if !piece.is_empty() {
        out.push(piece.to_string());
    }
    out
}

const ABBREVIATIONS: &[&str] = &["tp", "tt", "ts", "ths", "pgs", "gs", "v.v", "st", "tr", "k"];

/// Sentences: a "." followed by a space and a capital letter, not after an abbreviation.
/// Is the (folded) sentence a rule that no answer is a commitment? It is context (R9), read by
/// [`silence_rule`], never a task.
fn is_silence_rule(f: &str) -> bool {
    let silent = [
        "khong co van ban",
        "khong gui van ban",
        "khong tra loi",
        "khong co y kien",
        "khong gui cam ket",
        "khong co cam ket",
    ]
    .iter()
    .any(|w| f.contains(w));
    let deemed = ["duoc hieu", "coi nhu", "xem nhu", "duoc xem"]
        .iter()
        .any(|w| f.contains(w));
    silent && deemed && f.contains("cam ket")
}

/// A letter's rule that no answer is a commitment ("Quá thời hạn nêu trên, nếu không có văn bản
/// trả lời thì được hiểu là … cam kết hoàn thành 100%"): the sentence, and the day answers were
/// due — a date in the sentence itself, else that of the body's request for commitments ("gửi
/// văn bản cam kết … trước ngày 25/11/2025").
pub(crate) fn silence_rule(
    blocks: &[Block],
    tasks: &[ParsedTask],
    ctx: DeadlineContext,
) -> Option<tiendo_domain::model::SilenceRule> {
    let (lines, _) = lines(blocks);
    for line in &lines {
        for sentence in sentences(&line.text) {
            if !is_silence_rule(&fold(&sentence)) {
                continue;
            }
            let own = deadline_of(&deadline_phrases(&sentence), ctx).due;
            let asked = tasks
                .iter()
                .filter(|t| fold(t.source.as_deref().unwrap_or(&t.name)).contains("cam ket"))
                .filter_map(|t| t.deadline.due)
                .next_back();
            return Some(tiendo_domain::model::SilenceRule {
                text: sentence.trim().to_string(),
                source: tasks.iter().find_map(|t| t.basis.clone()),
                answer_by: own.or(asked),
            });
        }
    }
    None
}

/// A footnote's own text (R9): it starts with its superscript mark.
fn is_footnote(text: &str) -> bool {
    text.trim_start().starts_with(SUPERSCRIPT_DIGITS)
}

fn sentences(text: &str) -> Vec<String> {
    split_top(text, |t, i| {
        if !t[i..].starts_with('.') {
            return false;
        }
        // A footnote mark after the full stop ends the sentence too; the footnote's text
        // that follows is its own sentence.
        let after = t[i + 1..].trim_start_matches(SUPERSCRIPT_DIGITS);
        let mut chars = after.chars();
        if chars.next() != Some(' ') {
            return false;
        }
        if !chars.next().is_some_and(|c| c.is_uppercase()) {
            return false;
        }
        let before = t[..i].rsplit(' ').next().unwrap_or("");
        !ABBREVIATIONS.contains(&fold(before).as_str())
    })
}

/// Clauses separated by ";" (the ";" kept with its clause).
fn clauses(text: &str) -> Vec<String> {
    split_top(text, |t, i| t[i..].starts_with(';'))
}

/// "(1) …; (2) …": the text before "(1)" and the numbered parts, when the text holds (1) then (2)
/// in order ("(i)", "(ii)" stay inside their part).
fn numbered_parts(text: &str) -> Option<(String, Vec<String>)> {
    let mut marks = Vec::new();
    let mut expect = 1;
    for m in NUMBERED_PART.captures_iter(text) {
        let n: usize = m.get(1)?.as_str().parse().ok()?;
        if n == expect {
            let whole = m.get(0)?;
            marks.push((whole.start(), whole.end()));
            expect += 1;
        }
    }
    if marks.len() < 2 {
        return None;
    }
    let intro = text[..marks[0].0].to_string();
    let mut parts = Vec::new();
    for (k, &(_, end)) in marks.iter().enumerate() {
        let stop = marks.get(k + 1).map(|m| m.0).unwrap_or(text.len());
        let part = text[end..stop]
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string();
        if !part.is_empty() {
            parts.push(part);
        }
    }
    Some((intro, parts))
}

fn word_starts(f: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_alnum = false;
    for (i, c) in f.char_indices() {
        let alnum = c.is_alphanumeric();
        if alnum && !prev_alnum {
            out.push(i);
        }
        prev_alnum = alnum;
    }
    out
}

fn starts_with_word(f: &str, at: usize, word: &str) -> bool {
    f[at..].starts_with(word)
        && f[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// The agencies an opening names, and where the rest of the sentence starts: the shortest
/// opening, ending before an action word, that the registry reads as agencies (the first of them
/// known). None when the text opens with an action or names no known agency.
fn agencies_before_action(
    text: &str,
    opts: &Reading<'_>,
    on: Date,
    max_words: usize,
) -> Option<(Vec<AgencyRef>, usize)> {
    let folded = Folded::new(text);
    let f = &folded.text;
    let lower = text.to_lowercase();
    let starts = word_starts(f);
    let mut tries = 0;
    let mut best: Option<(Vec<AgencyRef>, usize)> = None;
    let counts = |refs: &[AgencyRef]| {
        let unresolved = refs
            .iter()
            .filter(|r| r.kind == RefKind::Unresolved)
            .count();
        (refs.len() - unresolved, unresolved)
    };
    for (w, &at) in starts.iter().enumerate().take(max_words) {
        // A statement word ends a subject too ("Các bộ, ngành đã …"), so that R5 can see it.
        let end = folded.at(at);
        let ends = ACTIONS.iter().any(|a| starts_with_word(f, at, a))
            || lower
                .get(end..)
                .is_some_and(|l| STATEMENTS.iter().any(|s| starts_with_word(l, 0, s)));
        if !ends || w == 0 {
            continue;
        }
        tries += 1;
        if tries > MAX_SUBJECT_TRIES {
            break;
        }
        let subject = text[..end].trim().trim_end_matches([',', ':', ';']).trim();
        if subject.is_empty() {
            break;
        }
        let refs = opts.agencies(subject, Some(on));
        let acceptable = refs.first().is_some_and(|r| r.kind != RefKind::Unresolved);
        match &best {
            None if acceptable => best = Some((refs, end)),
            None => {}
            // A longer opening that names more agencies and no more unknown text is the subject
            // ("Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ", where "Cần" is also an action).
            Some((b, _)) => {
                let (bk, bu) = counts(b);
                let (k, u) = counts(&refs);
                if acceptable && k > bk && u <= bu {
                    best = Some((refs, end));
                } else {
                    break;
                }
            }
        }
    }
    best
}

/// R4: an instruction's opening word, the subject's agencies, and the text after the subject.
struct Opening {
    directive: bool,
    lead: Option<Vec<AgencyRef>>,
    /// Where the work starts in the sentence (after the subject).
    rest: usize,
    statement: bool,
}

fn opening(sentence: &str, opts: &Reading<'_>, on: Date) -> Opening {
    let folded = Folded::new(sentence);
    let f = &folded.text;
    let mut start = 0;
    let mut directive = false;
    for d in DIRECTIVES {
        if f.starts_with(d) && f[d.len()..].starts_with([' ', ',']) {
            start = folded.at(d.len());
            directive = true;
            break;
        }
    }
    // "Văn phòng Chính phủ đề nghị Thủ trưởng các bộ, cơ quan khẩn trương …": the sender asks;
    // the work is the addressee's.
    if !directive && let Some(after) = sender_asks(sentence, f, &folded, opts, on) {
        start = after;
        directive = true;
    }
    let body = &sentence[start..];
    let body_trimmed = body.trim_start_matches([' ', ',']);
    let offset = start + (body.len() - body_trimmed.len());
    match agencies_before_action(body_trimmed, opts, on, 40) {
        Some((refs, end)) => {
            let after = body_trimmed[end..].to_lowercase();
            let after = after.trim_start();
            let statement = STATEMENTS.iter().any(|s| starts_with_word(after, 0, s))
                && !after.starts_with("được giao");
            Opening {
                directive,
                lead: Some(refs),
                rest: offset + end,
                statement,
            }
        }
        None => Opening {
            directive,
            lead: None,
            rest: offset,
            statement: false,
        },
    }
}

/// Where the addressee's part starts in "[sender] đề nghị / yêu cầu [addressee] …": the
/// words before the verb name known agencies and nothing else, within the first words.
fn sender_asks(
    sentence: &str,
    f: &str,
    folded: &Folded,
    opts: &Reading<'_>,
    on: Date,
) -> Option<usize> {
    for verb in [" de nghi ", " yeu cau "] {
        let Some(at) = f.find(verb) else { continue };
        if f[..at].split_whitespace().count() > 12 {
            continue;
        }
        let sender = sentence[..folded.at(at)].trim();
        let refs = opts.agencies(sender, Some(on));
        if !refs.is_empty() && refs.iter().all(|r| r.kind != RefKind::Unresolved) {
            return Some(folded.at(at + verb.len()));
        }
    }
    None
}

/// R6: the agencies after "phối hợp (với)" / "cùng (với)".
fn coordinators(text: &str, opts: &Reading<'_>, on: Date) -> Vec<AgencyRef> {
    let folded = Folded::new(text);
    let f = &folded.text;
    let mut out: Vec<AgencyRef> = Vec::new();
    for marker in ["phoi hop voi", "phoi hop", "cung voi", "cung"] {
        let mut from = 0;
        while let Some(pos) = f[from..].find(marker) {
            let at = from + pos;
            from = at + marker.len();
            let boundary_before = at == 0 || !f[..at].ends_with(|c: char| c.is_alphanumeric());
            if !boundary_before || !starts_with_word(f, at, marker) {
                continue;
            }
            // "phối hợp" inside "phối hợp với" was read already.
            if marker == "phoi hop" && f[at..].starts_with("phoi hop voi") {
                continue;
            }
            if marker == "cung" && f[at..].starts_with("cung voi") {
                continue;
            }
            let rest_start = folded.at(at + marker.len());
            let rest = text[rest_start..].trim_start_matches([' ', ',']);
            if let Some((refs, _)) = agencies_before_action(rest, opts, on, 40) {
                for r in refs {
                    let dup = out
                        .iter()
                        .any(|o| o.code.is_some() && o.code == r.code || o.name == r.name);
                    if !dup {
                        out.push(r);
                    }
                }
            }
        }
    }
    out
}

/// R7: the deadline phrases of a text, as written.
fn deadline_phrases(text: &str) -> Vec<String> {
    let folded = Folded::new(text);
    DEADLINE_PHRASE
        .find_iter(&folded.text)
        .map(|m| {
            text[folded.at(m.start())..folded.at(m.end())]
                .trim()
                .to_string()
        })
        .collect()
}

fn deadline_of(phrases: &[String], ctx: DeadlineContext) -> Deadline {
    if phrases.is_empty() {
        let mut d = parse_deadline("", ctx);
        d.note = Some("văn bản không nêu thời hạn".into());
        return d;
    }
    let joined = phrases.join("; ");
    let f = fold(&joined);
    // "hằng tháng" / "định kỳ" alone: a recurring duty.
    if phrases.len() == 1
        && (f.contains("hang thang")
            || f.contains("hang quy")
            || f.contains("hang nam")
            || f.contains("mot lan"))
    {
        let mut d = parse_deadline("Thường xuyên", ctx);
        d.raw = joined;
        return d;
    }
    parse_deadline(&joined, ctx)
}

/// A task's text as the preview and the lists show it: from the work on, capitalised —
/// "phải phát huy vai trò …" after its subject reads "Phát huy vai trò …".
fn work_name(text: &str) -> String {
    let mut t = text.trim().trim_start_matches([',', ':', ';', '-', ' ']);
    for modal in [
        "cần phải ",
        "phải ",
        "cần ",
        "có trách nhiệm ",
        "chịu trách nhiệm ",
    ] {
        if let Some(rest) = t.strip_prefix(modal)
            && rest.split_whitespace().count() >= 2
        {
            t = rest;
            break;
        }
    }
    let mut chars = t.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The clauses of one task, from its subject on, with the sentence(s) they came from.
struct Segment {
    lead: Vec<AgencyRef>,
    own_subject: bool,
    clauses: Vec<String>,
    source: String,
    overseer: Option<String>,
}

impl Segment {
    fn new(lead: Vec<AgencyRef>, own_subject: bool, first: String, sentence: &str) -> Self {
        Self {
            lead,
            own_subject,
            clauses: vec![first],
            source: sentence.to_string(),
            overseer: None,
        }
    }
}

/// R7: clauses with different deadlines become separate tasks; a clause without one goes with
/// the next clause that has one (or with the last).
fn split_by_deadlines(clauses: &[String]) -> Vec<String> {
    let tidy = |g: String| g.trim().trim_end_matches([';', '.']).trim().to_string();
    let with: Vec<Vec<String>> = clauses.iter().map(|c| deadline_phrases(c)).collect();
    let distinct: std::collections::BTreeSet<String> =
        with.iter().flatten().map(|p| fold(p)).collect();
    if clauses.len() < 2 || distinct.len() < 2 {
        return vec![tidy(clauses.join(" "))];
    }
    let mut groups: Vec<String> = Vec::new();
    let mut pending = String::new();
    for (c, phrases) in clauses.iter().zip(&with) {
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(c);
        if !phrases.is_empty() {
            groups.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        match groups.last_mut() {
            Some(last) => {
                last.push(' ');
                last.push_str(&pending);
            }
            None => groups.push(pending),
        }
    }
    groups.into_iter().map(tidy).collect()
}

/// A task being read.
struct Draft {
    headings: Vec<String>,
    lead: Vec<AgencyRef>,
    name: String,
    source: String,
    phrases: Vec<String>,
    coordinators: Vec<AgencyRef>,
    overseer: Option<String>,
    notes: Vec<String>,
}

struct Reader<'a> {
    opts: Reading<'a>,
    on: Date,
    ctx: DeadlineContext,
    basis: Option<String>,
    headings: Vec<Heading>,
    drafts: Vec<Draft>,
    warnings: Vec<String>,
    /// The document's top sections name the ones that assign: read only those (R2).
    task_sections_only: bool,
    /// The agency of a lettered item that ends with ":", for the bullets below it.
    item_lead: Option<Vec<AgencyRef>>,
}

fn short(s: &str) -> String {
    if s.chars().count() <= 160 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(160).collect::<String>())
    }
}

impl Reader<'_> {
    fn heading_texts(&self) -> Vec<String> {
        self.headings.iter().map(|h| h.text.clone()).collect()
    }

    fn in_descriptive_section(&self) -> bool {
        if self.task_sections_only {
            return !self
                .headings
                .iter()
                .any(|h| h.level == 1 && h.assigning && !h.descriptive);
        }
        self.headings.iter().any(|h| h.descriptive)
    }

    fn push_heading(&mut self, h: Heading) {
        self.headings.retain(|x| x.level < h.level);
        self.headings.push(h);
    }

    /// One paragraph. "(1) …; (2) …" parts are read one by one, led by the agency before the
    /// "(1)" when the paragraph opens with "Bộ X: …" (R3).
    fn unit(&mut self, text: &str, inherited: Option<&[AgencyRef]>, line: usize, bullet: bool) {
        if inherited.is_none()
            && let Some((intro, parts)) = numbered_parts(text)
        {
            let intro = intro.trim().trim_end_matches(':').trim();
            let refs = (!intro.is_empty())
                .then(|| self.opts.agencies(intro, Some(self.on)))
                .filter(|r| r.iter().all(|x| x.kind != RefKind::Unresolved));
            for p in parts {
                self.part(&p, refs.as_deref(), line, false);
            }
            return;
        }
        self.part(text, inherited, line, bullet);
    }

    /// Sentences and their ";" clauses: a clause that opens with its own subject starts a task
    /// (R4), one without continues the task before it; each task's clauses are then split where
    /// their deadlines differ (R7).
    fn part(&mut self, text: &str, inherited: Option<&[AgencyRef]>, line: usize, bullet: bool) {
        if self.in_descriptive_section() {
            return;
        }
        let mut segments: Vec<Segment> = Vec::new();
        let mut stated = false;
        for sentence in sentences(text) {
            let f = fold(&sentence);
            // R9.
            if is_footnote(&sentence)
                || is_silence_rule(&f)
                || f.contains("tran trong thong bao")
                || f.contains("de cac dong chi biet")
                || (f.contains("thong bao de ") && f.contains(" biet"))
            {
                continue;
            }
            // R8.
            if let Some(m) = OVERSEER.captures(&f) {
                let Some(g) = m.get(1) else { continue };
                let folded = Folded::new(&sentence);
                let who = sentence[folded.at(g.start())..folded.at(g.end())].trim();
                for s in segments.iter_mut().filter(|s| s.overseer.is_none()) {
                    s.overseer = Some(who.to_string());
                }
                continue;
            }
            let mut orphan = false;
            for (ci, clause) in clauses(&sentence).into_iter().enumerate() {
                let o = opening(&clause, &self.opts, self.on);
                if o.statement {
                    orphan = true;
                    stated = true;
                    continue;
                }
                let work = clause[o.rest..]
                    .trim()
                    .trim_start_matches([',', ':', ' '])
                    .to_string();
                match (o.lead, inherited) {
                    (Some(lead), _) => {
                        orphan = false;
                        segments.push(Segment::new(lead, true, work, &sentence));
                    }
                    // A part without a subject of its own: the item's agency.
                    (None, Some(l)) if segments.is_empty() && ci == 0 => {
                        segments.push(Segment::new(l.to_vec(), false, work, &sentence));
                    }
                    (None, _) if !(orphan || segments.is_empty() || ci == 0 && o.directive) => {
                        if let Some(s) = segments.last_mut() {
                            s.clauses.push(clause.clone());
                            if ci == 0 {
                                s.source.push(' ');
                                s.source.push_str(&sentence);
                            }
                        }
                    }
                    _ if ci == 0 => {
                        orphan = true;
                        // R10.
                        let instruction = o.directive || !deadline_phrases(&sentence).is_empty();
                        if instruction && !f.contains(" da ") {
                            self.warnings.push(format!(
                                "đoạn {line}: câu có vẻ giao việc nhưng không xác định được cơ quan thực hiện — «{}»",
                                short(&sentence)
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        if segments.is_empty() && bullet && !stated {
            self.warnings.push(format!(
                "đoạn {line}: gạch đầu dòng không nêu cơ quan thực hiện, không tạo nhiệm vụ — «{}»",
                short(text)
            ));
        }
        for seg in segments {
            self.emit(seg);
        }
    }

    fn emit(&mut self, seg: Segment) {
        for (k, group) in split_by_deadlines(&seg.clauses).into_iter().enumerate() {
            let mut notes = Vec::new();
            if !seg.own_subject {
                notes.push("cơ quan chủ trì lấy từ đầu mục".to_string());
            }
            if k > 0 {
                notes.push("tách từ cùng một câu theo thời hạn riêng".to_string());
            }
            for r in &seg.lead {
                if r.kind == RefKind::Unresolved {
                    notes.push(format!("chưa xác định được cơ quan: {}", r.name));
                }
            }
            let phrases = deadline_phrases(&group);
            let mut coordinators = coordinators(&group, &self.opts, self.on);
            coordinators.retain(|c| {
                !seg.lead
                    .iter()
                    .any(|l| l.code.is_some() && l.code == c.code || l.name == c.name)
            });
            self.drafts.push(Draft {
                headings: self.heading_texts(),
                lead: seg.lead.clone(),
                name: group,
                source: seg.source.clone(),
                phrases,
                coordinators,
                overseer: seg.overseer.clone(),
                notes,
            });
        }
    }

    /// A numbered line that assigns (a subject, or a deadline) rather than heads a section.
    fn numbered_assignment(&self, line: &str) -> bool {
        let rest = line.split_once(". ").map(|(_, b)| b).unwrap_or(line);
        let o = opening(rest, &self.opts, self.on);
        (o.lead.is_some() && !o.statement) || !deadline_phrases(rest).is_empty()
    }

    /// R3: "a) Bộ X: (1) …; (2) …".
    fn lettered(&mut self, text: &str, line: usize) {
        let body = text.split_once(") ").map(|(_, b)| b).unwrap_or(text).trim();
        if let Some(colon) = body.find(':') {
            // "a) Các Bộ: Tư pháp, Y tế … khẩn trương …": the colon is inside the subject (a
            // shared prefix), not after it.
            let whole = opening(body, &self.opts, self.on);
            if whole.lead.is_some() && whole.rest > colon {
                self.unit(body, None, line, false);
                return;
            }
            let subject = body[..colon].trim();
            let refs = self.opts.agencies(subject, Some(self.on));
            let known = refs.first().is_some_and(|r| r.kind != RefKind::Unresolved)
                && subject.chars().count() < 200;
            if known {
                let rest = body[colon + 1..].trim();
                // "c) Các bộ, ngành:" then bullets: each bullet is theirs.
                if rest.is_empty() {
                    self.item_lead = Some(refs);
                    return;
                }
                match numbered_parts(rest) {
                    Some((_, parts)) => {
                        for p in parts {
                            self.part(&p, Some(&refs), line, false);
                        }
                    }
                    None => self.part(rest, Some(&refs), line, false),
                }
                return;
            }
        }
        self.unit(body, None, line, false);
    }

    fn finish(self) -> (Vec<ParsedTask>, Vec<String>) {
        let mut tasks = Vec::new();
        for (i, d) in self.drafts.into_iter().enumerate() {
            let deadline = deadline_of(&d.phrases, self.ctx);
            let mut notes = d.notes;
            if deadline.kind == DeadlineKind::Unknown {
                notes.push("không có thời hạn: chưa đủ \"6 rõ\"".into());
            }
            if d.phrases.len() > 1 {
                notes.push(format!("nhiều mốc thời hạn: {}", d.phrases.join("; ")));
            }
            tasks.push(ParsedTask {
                number: (i + 1).to_string(),
                headings: d.headings,
                name: work_name(&d.name),
                lead: d.lead,
                coordinators: d.coordinators,
                expected_result: None,
                deadline,
                basis: self.basis.clone(),
                progress_report: None,
                status: None,
                status_raw: None,
                incomplete_units: Vec::new(),
                source: Some(d.source),
                overseer: d.overseer,
                extra: Vec::new(),
                external_id: None,
                notes,
            });
        }
        (tasks, self.warnings)
    }
}

const KINDS: &[&str] = &[
    "thong bao",
    "bao cao",
    "cong van",
    "ke hoach",
    "chi thi",
    "quyet dinh",
    "nghi quyet",
];

/// The letterhead: number, date and kind of the document (R1).
fn letterhead(lines: &[Line], tables: &[String]) -> (Option<String>, Option<Date>, Vec<String>) {
    let mut symbol = None;
    let mut date = None;
    let mut title = Vec::new();
    let head: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .chain(lines.iter().take(25).map(|l| l.text.as_str()))
        .collect();
    for t in &head {
        let f = fold(t);
        if symbol.is_none()
            && let Some(m) = SYMBOL.captures(&f)
            && let Some(g) = m.get(1)
        {
            let folded = Folded::new(t);
            symbol = Some(
                t[folded.at(g.start())..folded.at(g.end())]
                    .trim_end_matches('.')
                    .to_string(),
            );
        }
        if date.is_none()
            && let Some(m) = DOC_DATE.captures(&f)
        {
            let n = |k: usize| m.get(k).and_then(|g| g.as_str().parse::<i32>().ok());
            if let (Some(d), Some(mo), Some(y)) = (n(1), n(2), n(3))
                && let Ok(month) = Month::try_from(mo as u8)
            {
                date = Date::from_calendar_date(y, month, d as u8).ok();
            }
        }
        // The kind of document on a line of its own, and the line after it (its subject).
        let plain = f.trim();
        let opens = title.is_empty() && KINDS.contains(&plain);
        if opens || (title.len() == 1 && !plain.is_empty()) {
            title.push((*t).to_string());
        }
    }
    // "V/v đôn đốc …": the subject line of an official letter (công văn), which names no kind.
    if title.is_empty()
        && let Some(subject) = head.iter().find(|t| fold(t).starts_with("v/v"))
    {
        title = vec!["Công văn".to_string(), (*subject).to_string()];
    }
    (symbol, date, title)
}

/// Reads the assignments of a prose document. Tasks are numbered in reading order.
pub fn read_prose(blocks: &[Block], opts: Reading<'_>) -> ProseRead {
    let (lines, tables) = lines(blocks);
    let (symbol, date, title) = letterhead(&lines, &tables);
    let kind = title
        .first()
        .map(|t| {
            let t = clean(t).to_lowercase();
            let mut c = t.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .unwrap_or_else(|| "Văn bản".into());
    let basis = symbol.as_ref().map(|s| match date {
        Some(d) => format!(
            "{kind} số {s} ngày {:02}/{}/{}",
            d.day(),
            u8::from(d.month()),
            d.year()
        ),
        None => format!("{kind} số {s}"),
    });
    let mut r = Reader {
        opts,
        on: date.unwrap_or(opts.reported_on),
        ctx: DeadlineContext {
            document_year: date.map(|d| d.year()),
        },
        basis,
        headings: Vec::new(),
        drafts: Vec::new(),
        warnings: Vec::new(),
        item_lead: None,
        task_sections_only: lines.iter().any(|l| {
            heading(&l.text).is_some_and(|(h, _)| h.level == 1 && h.assigning && !h.descriptive)
        }),
    };
    for line in &lines {
        let f = fold(&line.text);
        if f.starts_with("noi nhan") {
            break;
        }
        if f.starts_with('[') && f[1..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if let Some((h, body)) = heading(&line.text) {
            // "1. Bộ Công an chủ trì …, hoàn thành …": a numbered assignment, not a heading.
            if body.is_none() && !h.descriptive && r.numbered_assignment(&line.text) {
                // It takes the place of the numbered heading before it ("2. …:" then "3. Giao …").
                r.headings.retain(|x| x.level < h.level);
                let rest = line
                    .text
                    .split_once(". ")
                    .map(|(_, b)| b)
                    .unwrap_or(&line.text);
                r.unit(rest, None, line.index, line.bullet);
                continue;
            }
            r.push_heading(h);
            r.item_lead = None;
            if let Some(b) = body {
                r.unit(&b, None, line.index, false);
            }
            continue;
        }
        if LETTERED.is_match(&f) {
            r.item_lead = None;
            r.lettered(&line.text, line.index);
            continue;
        }
        match r.item_lead.clone().filter(|_| line.bullet) {
            Some(lead) => r.part(&line.text, Some(&lead), line.index, true),
            None => {
                r.item_lead = None;
                r.unit(&line.text, None, line.index, line.bullet);
            }
        }
    }
    let mut warnings = Vec::new();
    if symbol.is_none() {
        warnings
            .push("không thấy số, ký hiệu của văn bản (\"Số: …\"): căn cứ giao để trống".into());
    }
    let (tasks, w) = r.finish();
    warnings.extend(w);
    ProseRead {
        title,
        tasks,
        warnings,
        context: DeadlineContext {
            document_year: date.map(|d| d.year()),
        },
    }
}
