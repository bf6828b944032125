use serde::{Deserialize, Serialize};
use time::Date;

use super::registry::{AgencyKind, Registry, Target};
use crate::footnote::{Footnotes, take_marks};
use crate::text::{clean_cell, fold, name_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// One registry record.
    Agency,
    /// A collective ("Các bộ, ngành, địa phương"), expanded to its members when stored.
    Group,
    /// Text the resolver could not tie to a record; kept as written, never guessed.
    Unresolved,
}

/// What the resolver made of one piece of an agency cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    pub raw: String,
    pub kind: RefKind,
    /// Official name (agency), the group's label (group) or the cleaned text (unresolved).
    pub name: String,
    /// Registry code of the agency or group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A sub-unit written in parentheses: "Bộ Công an (C06)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// How the match was made when it was not exact (a typo corrected, a former agency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl AgencyRef {
    fn unresolved(raw: &str) -> Self {
        let name = raw
            .trim_matches(|c: char| c == ',' || c == ';' || c == '.' || c.is_whitespace())
            .to_string();
        Self {
            raw: name.clone(),
            kind: RefKind::Unresolved,
            name,
            code: None,
            unit: None,
            note: None,
        }
    }
}

/// A count written in a collective's name ("ubnd 06 thanh pho …", "34 tinh, thanh pho"): the key
/// with "cac" in its place, and the number.
fn count_in(key: &str) -> Option<(String, usize)> {
    let words: Vec<&str> = key.split(' ').collect();
    let at = words
        .iter()
        .position(|w| !w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))?;
    let n: usize = words[at].parse().ok()?;
    let next = words.get(at + 1)?;
    if !["tinh", "thanh", "bo", "xa", "dia", "so", "co"].contains(next) {
        return None;
    }
    let mut out: Vec<&str> = words.clone();
    out[at] = "cac";
    Some((out.join(" "), n))
}

/// Titles of heads of bodies, folded, as they open a name: "Bộ trưởng Bộ Y tế" is Bộ Y tế.
const HEAD_TITLES: &[&str] = &[
    "cac dong chi ",
    "dong chi ",
    "bo truong ",
    "thu truong ",
    "chu tich hoi dong thanh vien ",
    "tong giam doc ",
    "chu tich ",
    "chu nhiem ",
    "thong doc ",
    "giam doc ",
    "tong ",
];

/// The key of the body a head's title names, or None when the key does not open with a title.
/// "bo truong thu truong co quan ngang bo …" (the heads of the ministries and ministry-level
/// agencies) is the group of those bodies.
fn body_of_head(key: &str) -> Option<String> {
    let mut rest = key;
    let mut stripped = false;
    loop {
        if let Some(r) = rest.strip_prefix("bo truong thu truong ") {
            return Some(format!("cac bo {r}"));
        }
        match HEAD_TITLES.iter().find_map(|t| rest.strip_prefix(t)) {
            Some(r) => {
                rest = r;
                stripped = true;
            }
            None => break,
        }
    }
    (stripped && !rest.is_empty()).then(|| rest.to_string())
}

/// A piece of the cell between separators: byte range in the cleaned text.
#[derive(Debug, Clone, Copy)]
struct Segment {
    start: usize,
    end: usize,
}

/// Longest run of segments tried as one name ("Bộ Văn hóa, Thể thao và Du lịch" is three).
const MAX_RUN: usize = 8;

impl Registry {
    /// Reads an agency cell into agencies, groups and unresolved text. `on` is the date the
    /// document speaks of, used to say when a named agency no longer exists.
    pub fn resolve(&self, cell: &str, on: Option<Date>) -> Vec<AgencyRef> {
        let refs = self.resolve_pieces(cell, on);
        if !refs
            .iter()
            .any(|r| r.kind == RefKind::Unresolved && r.raw.ends_with(')'))
        {
            return refs;
        }
        // "02 địa phương (Ninh Bình, Phú Thọ)": a counted group with its members in parentheses.
        let mut out = Vec::with_capacity(refs.len());
        for r in refs {
            let (base, inner) = split_parenthesis(&r.raw);
            let listed = match (r.kind, inner, count_in(&name_key(base))) {
                (RefKind::Unresolved, Some(inner), Some((_, n))) => {
                    self.listed_in(inner, on).filter(|l| l.len() == n)
                }
                _ => None,
            };
            match listed {
                Some(list) => {
                    push_listed(&mut out, list, &format!("trong ngoặc của \"{}\"", r.raw))
                }
                None => push_unique(&mut out, r),
            }
        }
        out
    }

    fn resolve_pieces(&self, cell: &str, on: Option<Date>) -> Vec<AgencyRef> {
        let text = clean_cell(cell).replace('\n', "; ");
        let text = text.trim();
        if text.is_empty() {
            return Vec::new();
        }
        // "Các bộ: Y tế, Nội vụ" — a shared prefix before a colon.
        if let Some(colon) = top_level_find(text, ':') {
            let prefix = name_key(&text[..colon]);
            if is_list_prefix(&prefix) {
                let rest = &text[colon + 1..];
                let out = self.resolve_run(rest, on, true);
                if out.iter().any(|r| r.kind != RefKind::Unresolved) {
                    return out;
                }
            }
        }
        // "Các Bộ Tài chính, Tư pháp, Nội vụ" — the shared prefix without a colon: each name
        // after the first is read with the prefix, when every one of them is then known.
        let key = name_key(text);
        for prefix in ["cac bo ", "cac tinh ", "cac thanh pho "] {
            if key.starts_with(prefix)
                && top_level_find(text, ',').is_some()
                && let Some(space) = text.find(' ')
            {
                let rest = &text[space + 1..];
                let out = self.resolve_run(rest, on, true);
                if out.len() > 1 && out.iter().all(|r| r.kind == RefKind::Agency) {
                    return out;
                }
            }
        }
        self.resolve_run(text, on, false)
    }

    fn resolve_run(&self, text: &str, on: Option<Date>, prefixed: bool) -> Vec<AgencyRef> {
        let segs = segments(text);
        let mut out = Vec::new();
        let mut pending: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < segs.len() {
            let mut matched = None;
            let max_k = (i + MAX_RUN).min(segs.len());
            for k in (i + 1..=max_k).rev() {
                let cand = &text[segs[i].start..segs[k - 1].end];
                if let Some(r) = self.lookup(cand, on, prefixed) {
                    matched = Some((k, r));
                    break;
                }
            }
            if matched.is_none() {
                for k in (i + 1..=(i + 3).min(segs.len())).rev() {
                    let cand = &text[segs[i].start..segs[k - 1].end];
                    if let Some(r) = self.lookup_fuzzy(cand) {
                        matched = Some((k, r));
                        break;
                    }
                }
            }
            match matched {
                Some((k, r)) => {
                    if let Some((s, e)) = pending.take() {
                        out.push(AgencyRef::unresolved(&text[s..e]));
                    }
                    if !out
                        .iter()
                        .any(|o: &AgencyRef| o.kind != RefKind::Unresolved && o.code == r.code)
                    {
                        out.push(r);
                    }
                    i = k;
                }
                None => {
                    pending = Some(match pending {
                        Some((s, _)) => (s, segs[i].end),
                        None => (segs[i].start, segs[i].end),
                    });
                    i += 1;
                }
            }
        }
        if let Some((s, e)) = pending {
            out.push(AgencyRef::unresolved(&text[s..e]));
        }
        merge_qualified_groups(out)
    }

    fn lookup(&self, cand: &str, on: Option<Date>, prefixed: bool) -> Option<AgencyRef> {
        let raw = cand.trim();
        // "Bộ Quốc phòng (Ban Cơ yếu Chính phủ)": the agency, with its sub-unit noted.
        let (base, unit) = split_parenthesis(raw);
        let key = name_key(base);
        let key = key.strip_prefix("va ").unwrap_or(&key);
        if key.is_empty() {
            return None;
        }
        let mut targets: Vec<Target> = self.index.get(key).cloned().unwrap_or_default();
        // A head stands for the body he heads: "Bộ trưởng Bộ Y tế", "Chủ tịch UBND các tỉnh".
        let mut headed = None;
        if targets.is_empty()
            && let Some(body) = body_of_head(key)
            && let Some(t) = self.index.get(&body)
        {
            targets = t.clone();
            headed = Some(body);
        }
        if prefixed && targets.is_empty() {
            if let Some(v) = self.short_index.get(key) {
                targets.extend(v.iter().map(|&i| Target::Agency(i)));
            }
            for p in ["bo ", "tinh ", "thanh pho "] {
                if let Some(v) = self.index.get(&format!("{p}{key}")) {
                    targets.extend(v.iter().copied());
                }
            }
        }
        // "UBND 06 thành phố trực thuộc trung ương": a collective with its count.
        let mut counted = None;
        if targets.is_empty()
            && let Some((without, n)) = count_in(key)
            && let Some(t) = self.index.get(&without)
        {
            targets = t.clone();
            counted = Some(n);
        } else if let Some((_, n)) = count_in(key) {
            counted = Some(n);
        }
        let target = self.pick(&targets, on)?;
        let mut r = self.make_ref(target, raw, on);
        if let Some(u) = unit {
            r.unit = Some(u.to_string());
        }
        if let (Some(n), Target::Group(i), Some(d)) = (counted, target, on) {
            let members = self.members(&self.group_at(i).code, d).len();
            // "09 địa phương" of 34: some of them, named elsewhere — never the whole group.
            if members != n {
                let mut kept = AgencyRef::unresolved(raw);
                kept.note = Some(format!(
                    "văn bản ghi {n} cơ quan, nhóm \"{}\" có {members}: chưa rõ là những cơ quan nào, không giao cho cả nhóm",
                    r.name
                ));
                return Some(kept);
            }
        }
        if headed.is_some() && r.note.is_none() {
            r.note = Some(format!("người đứng đầu, tính cho cơ quan: {}", r.name));
        }
        Some(r)
    }

    /// Prefers the record in force on the date, then one of the national registry.
    fn pick(&self, targets: &[Target], on: Option<Date>) -> Option<Target> {
        if targets.len() <= 1 {
            return targets.first().copied();
        }
        let valid = |t: &Target| match (t, on) {
            (Target::Agency(i), Some(d)) => self.agency_at(*i).valid_on(d),
            _ => true,
        };
        targets
            .iter()
            .find(|t| valid(t))
            .or(targets.first())
            .copied()
    }

    /// The record that took over from `a` and is in force on `on` (successors followed: a
    /// ministry merged in 2025, a province merged on 1 July 2025).
    fn successor_on<'r>(
        &'r self,
        a: &'r super::registry::AgencyRecord,
        on: Date,
    ) -> Option<&'r super::registry::AgencyRecord> {
        let mut cur = a;
        for _ in 0..4 {
            let next = self.agency(cur.successor.as_deref()?)?;
            if next.valid_on(on) {
                return Some(next);
            }
            cur = next;
        }
        None
    }

    fn make_ref(&self, target: Target, raw: &str, on: Option<Date>) -> AgencyRef {
        match target {
            Target::Agency(i) => {
                let a = self.agency_at(i);
                let (record, note) = match on {
                    // An old name in a document of a later day stands for its successor.
                    Some(d) if !a.valid_on(d) => match self.successor_on(a, d) {
                        Some(s) => (
                            s,
                            Some(format!(
                                "tên cũ \"{}\" (không còn hiệu lực vào ngày này), nay là {}",
                                a.name, s.name
                            )),
                        ),
                        None => (a, Some("không còn hiệu lực vào ngày này".to_string())),
                    },
                    _ => (a, None),
                };
                AgencyRef {
                    raw: raw.to_string(),
                    kind: RefKind::Agency,
                    name: record.name.clone(),
                    code: Some(record.code.clone()),
                    unit: None,
                    note,
                }
            }
            Target::Group(i) => {
                let g = self.group_at(i);
                AgencyRef {
                    raw: raw.to_string(),
                    kind: RefKind::Group,
                    name: g.name.clone(),
                    code: Some(g.code.clone()),
                    unit: None,
                    note: None,
                }
            }
        }
    }

    /// One-letter typos in long names ("Bộ Khoa hoc và Cong nghe" is exact after folding; "Bộ Tư phap"
    /// too; "Bộ Nôi vụ" → "bo noi vu"). Only agencies, only a unique candidate, only long keys.
    fn lookup_fuzzy(&self, cand: &str) -> Option<AgencyRef> {
        let (base, unit) = split_parenthesis(cand.trim());
        let key = name_key(base);
        if key.chars().count() < 10 || key.contains("lien quan") {
            return None;
        }
        let mut found: Option<usize> = None;
        // The first word says what kind of body it is ("Bộ", "Sở", "Cục", "Ban"): "Sở Khoa học
        // và Công nghệ" is a province's department, not a typo of the ministry.
        let first = key.split(' ').next().unwrap_or("");
        for (k, targets) in &self.index {
            if k.len().abs_diff(key.len()) > 1
                || k.split(' ').next().unwrap_or("") != first
                || !within_one_edit(k, &key)
            {
                continue;
            }
            for t in targets {
                if let Target::Agency(i) = t {
                    match found {
                        None => found = Some(*i),
                        Some(j) if j == *i => {}
                        Some(_) => return None,
                    }
                }
            }
        }
        let i = found?;
        let mut r = self.make_ref(Target::Agency(i), cand.trim(), None);
        r.note = Some(format!("sửa lỗi chính tả: \"{}\"", cand.trim()));
        r.unit = unit.map(str::to_string);
        Some(r)
    }

    /// Reads an agency cell whose pieces may carry footnote marks ("09 địa phương¹"). A piece
    /// that is not one agency (a group, a counted or qualified phrase) followed by a mark is read
    /// from its note when the note lists agencies and nothing else ("¹ Gồm các tỉnh: Lào Cai,
    /// …"): those agencies, each noting where it came from. A count that the note does not bear
    /// out keeps the phrase unresolved, saying so; a note that lists no agencies (a remark, a
    /// citation) leaves the piece as read without it.
    pub fn resolve_noted(&self, cell: &str, on: Option<Date>, notes: &Footnotes) -> Vec<AgencyRef> {
        let (plain, marks) = take_marks(cell);
        let refs = self.resolve(&plain, on);
        if marks.is_empty() || notes.is_empty() {
            return refs;
        }
        let mut out: Vec<AgencyRef> = Vec::with_capacity(refs.len());
        for r in refs {
            let key = name_key(&r.raw);
            let mark = marks.iter().find(|m| {
                r.kind != RefKind::Agency
                    && !key.is_empty()
                    && plain
                        .get(..m.at)
                        .is_some_and(|before| name_key(before).ends_with(&key))
            });
            let Some((number, note)) =
                mark.and_then(|m| notes.get(m.number).map(|n| (m.number, n)))
            else {
                push_unique(&mut out, r);
                continue;
            };
            let listed = self.listed_in(note, on);
            let count = count_in(&key).map(|(_, n)| n);
            match listed {
                Some(list) if count.is_none_or(|n| n == list.len()) => push_listed(
                    &mut out,
                    list,
                    &format!("theo chú thích {number} của \"{}\"", r.raw),
                ),
                Some(list) => {
                    let mut kept = AgencyRef::unresolved(&r.raw);
                    kept.note = Some(format!(
                        "văn bản ghi {} cơ quan, chú thích {number} liệt kê {}: chưa rõ là những cơ quan nào, không giao cho cả nhóm",
                        count.unwrap_or(0),
                        list.len()
                    ));
                    push_unique(&mut out, kept);
                }
                None => push_unique(&mut out, r),
            }
        }
        out
    }

    /// The agencies a footnote lists, when it lists agencies and nothing else: "Gồm các tỉnh:
    /// Lào Cai, Tuyên Quang.", "Bộ Công an, Bộ Y tế", "(1) Hà Nội; (2) Huế".
    fn listed_in(&self, note: &str, on: Option<Date>) -> Option<Vec<AgencyRef>> {
        let mut text = note.trim().trim_end_matches(['.', ';', ',']).trim();
        if let Some(colon) = top_level_find(text, ':')
            && text[..colon].split_whitespace().count() <= 8
        {
            text = text[colon + 1..].trim();
        } else {
            let key = fold(text);
            for opening in ["bao gom ", "gom "] {
                if key.starts_with(opening) {
                    let words = opening.split_whitespace().count();
                    text = text
                        .splitn(words + 1, char::is_whitespace)
                        .nth(words)
                        .unwrap_or("")
                        .trim();
                    break;
                }
            }
        }
        let text = clean_cell(&without_numbering(text)).replace('\n', "; ");
        let wholly = |refs: Vec<AgencyRef>| {
            (!refs.is_empty() && refs.iter().all(|r| r.kind == RefKind::Agency)).then_some(refs)
        };
        wholly(self.resolve(&text, on)).or_else(|| wholly(self.resolve_run(&text, on, true)))
    }

    /// Agencies of given kinds named in a cell, for tests and tools.
    pub fn resolve_codes(&self, cell: &str) -> Vec<String> {
        self.resolve(cell, None)
            .into_iter()
            .filter_map(|r| r.code)
            .collect()
    }

    pub fn kind_of(&self, code: &str) -> Option<AgencyKind> {
        self.agency(code).map(|a| a.kind)
    }
}

/// "Bộ, ngành, địa phương liên quan" names only the relevant ones: a group followed by a
/// "… liên quan" piece that continues its list (no "các" of its own) is vague as a whole.
fn merge_qualified_groups(refs: Vec<AgencyRef>) -> Vec<AgencyRef> {
    let mut out: Vec<AgencyRef> = Vec::with_capacity(refs.len());
    for r in refs {
        if r.kind == RefKind::Unresolved
            && let Some(prev) = out.last()
            && prev.kind == RefKind::Group
        {
            let key = name_key(&r.raw);
            let continues = [
                "bo",
                "nganh",
                "dia phuong",
                "co quan",
                "don vi",
                "to chuc",
                "doanh nghiep",
            ]
            .iter()
            .any(|w| key.starts_with(w));
            if continues && is_qualified(&key) {
                let joined = format!("{}, {}", prev.raw, r.raw);
                out.pop();
                out.push(AgencyRef::unresolved(&joined));
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Words that narrow a group to some of its members: "… liên quan", "… theo từng hệ thống được
/// giao tại Kế hoạch số …", "… được phân công", "… có trách nhiệm". Which members is said
/// elsewhere (a footnote, another document): the phrase is kept, never the whole group.
fn is_qualified(key: &str) -> bool {
    let words = format!(" {key} ");
    [
        " lien quan ",
        " theo ",
        " duoc giao ",
        " duoc phan cong ",
        " tai ",
        " thuoc ",
        " co trach nhiem ",
        " chua hoan thanh ",
    ]
    .iter()
    .any(|w| words.contains(w))
}

/// Does the text start with the word an agency's name starts with ("Bộ Xây dựng", "UBND tỉnh",
/// "Văn phòng Chính phủ"), written with a capital? A cell that lists agencies one per line,
/// copied without its line breaks ("Bộ Tài chính Bộ Xây dựng"), is split there; the longest run
/// the registry knows still wins. A province's name is not such a word: "Sở Tài chính Thành
/// phố Hà Nội" is one department.
fn starts_an_agency_name(rest: &str) -> bool {
    if !rest.starts_with(|c: char| c.is_uppercase()) {
        return false;
    }
    let head: String = rest
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let f = format!("{} ", fold(&head));
    [
        "bo ",
        "so ",
        "ubnd ",
        "uy ban ",
        "van phong ",
        "ngan hang ",
        "tap doan ",
        "tong cong ty ",
        "thong tan ",
        "dai ",
        "kiem toan ",
        "thanh tra ",
        "bao hiem ",
        "toa an ",
        "vien ",
        "ban ",
        "hoc vien ",
    ]
    .iter()
    .any(|w| f.starts_with(w))
}

fn is_list_prefix(key: &str) -> bool {
    let key = key.strip_prefix("cac ").unwrap_or(key);
    matches!(
        key,
        "bo" | "bo co quan"
            | "bo nganh"
            | "co quan"
            | "bo co quan ngang bo"
            | "tinh"
            | "tinh thanh pho"
            | "dia phuong"
            | "thanh pho"
            | "ubnd cac tinh"
            | "ubnd tinh"
            | "uy ban nhan dan cac tinh"
            | "ubnd cac tinh thanh pho"
            | "tap doan"
            | "bo nganh dia phuong"
            | "uy ban nhan dan cac thanh pho"
            | "ubnd cac thanh pho"
            | "uy ban nhan dan cac tinh thanh pho"
            | "so"
            | "so nganh"
    )
}

fn split_parenthesis(s: &str) -> (&str, Option<&str>) {
    if s.ends_with(')')
        && let Some(open) = s.find('(')
        && open > 0
    {
        let inner = s[open + 1..s.len() - 1].trim();
        return (
            s[..open].trim(),
            if inner.is_empty() { None } else { Some(inner) },
        );
    }
    (s, None)
}

fn push_unique(out: &mut Vec<AgencyRef>, r: AgencyRef) {
    if r.kind == RefKind::Unresolved || !out.iter().any(|o| o.kind == r.kind && o.code == r.code) {
        out.push(r);
    }
}

/// The members a document lists for a group, each noting where the list stood (`source`) before
/// any note of its own (a former name, a typo corrected).
fn push_listed(out: &mut Vec<AgencyRef>, list: Vec<AgencyRef>, source: &str) {
    for mut a in list {
        a.note = Some(match a.note {
            Some(own) => format!("{source}; {own}"),
            None => source.to_string(),
        });
        push_unique(out, a);
    }
}

/// "(1) Hà Nội; (2) Huế" and "1. Hà Nội; 2. Huế": the list without its numbers.
fn without_numbering(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
        let at_word_start = out.is_empty() || out.ends_with([' ', ';', ',']);
        if c == '('
            && let n = digits(&rest[1..])
            && n > 0
            && rest[1 + n..].starts_with(')')
        {
            out.push(';');
            rest = &rest[n + 2..];
            continue;
        }
        if at_word_start
            && let n = digits(rest)
            && n > 0
            && rest[n..].starts_with(". ")
        {
            out.push(';');
            rest = &rest[n + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn top_level_find(s: &str, needle: char) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == needle && depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits on "," ";" and the word "và" outside parentheses.
fn segments(text: &str) -> Vec<Segment> {
    let mut segs = Vec::new();
    let mut depth = 0i32;
    let mut start = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0usize;
    let push = |segs: &mut Vec<Segment>, s: usize, e: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if e - trail > s + lead {
            segs.push(Segment {
                start: s + lead,
                end: e - trail,
            });
        }
    };
    while i < text.len() {
        let c = bytes[i];
        match c {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' | b';' if depth <= 0 => {
                push(&mut segs, start, i);
                start = i + 1;
            }
            b' ' if depth <= 0 => {
                // " và " (NFC: 'v', 'à' = U+00E0, two bytes) or " va "
                let rest = &text[i + 1..];
                if i > start && starts_an_agency_name(rest) {
                    push(&mut segs, start, i);
                    start = i + 1;
                }
                for w in ["và ", "va "] {
                    if rest.starts_with(w) {
                        push(&mut segs, start, i);
                        start = i + 1 + w.len();
                        i = start - 1;
                        break;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    push(&mut segs, start, text.len());
    segs
}

fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (s, l) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if l.len() - s.len() > 1 {
        return false;
    }
    let mut i = 0;
    while i < s.len() && s[i] == l[i] {
        i += 1;
    }
    if s.len() == l.len() {
        s[i + 1..] == l[i + 1..]
    } else {
        s[i..] == l[i + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn reg() -> Registry {
        Registry::default_registry().expect("registry")
    }

    fn names(cell: &str) -> Vec<(RefKind, String)> {
        reg()
            .resolve(cell, Some(date!(2026 - 02 - 01)))
            .into_iter()
            .map(|r| (r.kind, r.name))
            .collect()
    }

    fn agency(n: &str) -> (RefKind, String) {
        (RefKind::Agency, n.to_string())
    }

    #[test]
    fn single_names_and_spellings() {
        assert_eq!(names("Bộ Công an"), vec![agency("Bộ Công an")]);
        assert_eq!(names("Bộ Công thương"), vec![agency("Bộ Công Thương")]);
        assert_eq!(names("Bộ KH&CN"), vec![agency("Bộ Khoa học và Công nghệ")]);
        assert_eq!(names("BKHCN"), vec![agency("Bộ Khoa học và Công nghệ")]);
        assert_eq!(names("Bộ KHCN"), vec![agency("Bộ Khoa học và Công nghệ")]);
        assert_eq!(names("NHNN"), vec![agency("Ngân hàng Nhà nước Việt Nam")]);
        assert_eq!(
            names("Ngân hàng Nhà nước"),
            vec![agency("Ngân hàng Nhà nước Việt Nam")]
        );
        assert_eq!(names("EVN"), vec![agency("Tập đoàn Điện lực Việt Nam")]);
        assert_eq!(
            names("Bộ Văn hóa Thể thao và Du lịch"),
            vec![agency("Bộ Văn hóa, Thể thao và Du lịch")]
        );
        assert_eq!(
            names("Bộ Văn hoá, Thể thao và Du lịch"),
            vec![agency("Bộ Văn hóa, Thể thao và Du lịch")]
        );
    }

    #[test]
    fn provinces_in_all_forms() {
        for s in [
            "Thành phố Hà Nội",
            "Hà Nội",
            "TP Hà Nội",
            "UBND thành phố Hà Nội",
            "TP. Hà Nội",
        ] {
            assert_eq!(names(s), vec![agency("Thành phố Hà Nội")], "{s}");
        }
        assert_eq!(names("TP.HCM"), vec![agency("Thành phố Hồ Chí Minh")]);
        assert_eq!(names("Hung Yên"), vec![agency("Tỉnh Hưng Yên")]);
        assert_eq!(names("Thanh Hoá"), vec![agency("Tỉnh Thanh Hóa")]);
    }

    #[test]
    fn decomposed_unicode_resolves() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "Bộ Tư pháp".nfd().collect();
        assert_eq!(names(&nfd), vec![agency("Bộ Tư pháp")]);
    }

    #[test]
    fn lists_keep_names_with_commas_and_va() {
        assert_eq!(
            names("Bộ Quốc phòng, Bộ Công an"),
            vec![agency("Bộ Quốc phòng"), agency("Bộ Công an")]
        );
        assert_eq!(
            names("Bộ Khoa học và Công nghệ; Bộ Tài chính"),
            vec![agency("Bộ Khoa học và Công nghệ"), agency("Bộ Tài chính")]
        );
        assert_eq!(
            names("Bộ Văn hóa, Thể thao và Du lịch, Bộ Y tế và Bộ Nội vụ"),
            vec![
                agency("Bộ Văn hóa, Thể thao và Du lịch"),
                agency("Bộ Y tế"),
                agency("Bộ Nội vụ")
            ]
        );
        assert_eq!(
            names("Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam"),
            vec![
                agency("Đài Truyền hình Việt Nam"),
                agency("Đài Tiếng nói Việt Nam"),
                agency("Thông tấn xã Việt Nam")
            ]
        );
    }

    #[test]
    fn named_collectives_with_a_count_expand_and_the_count_is_checked() {
        let on = Some(date!(2026 - 02 - 01));
        let r = reg().resolve("UBND 06 thành phố trực thuộc trung ương", on);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].kind, RefKind::Group);
        assert_eq!(r[0].name, "Các thành phố trực thuộc Trung ương");
        assert_eq!(r[0].note, None, "six cities, as the registry has");
        assert_eq!(
            reg()
                .members(r[0].code.as_deref().unwrap_or(""), date!(2026 - 02 - 01))
                .len(),
            6
        );
        // Another count names some of the group, not which: kept as written, never all six.
        let wrong = reg().resolve("UBND 05 thành phố trực thuộc trung ương", on);
        assert_eq!(wrong[0].kind, RefKind::Unresolved);
        assert_eq!(wrong[0].name, "UBND 05 thành phố trực thuộc trung ương");
        assert!(
            wrong[0]
                .note
                .as_deref()
                .unwrap_or("")
                .contains("văn bản ghi 5 cơ quan"),
            "{:?}",
            wrong[0].note
        );
        let some = reg().resolve("09 địa phương", on);
        assert_eq!(
            (some.len(), some[0].kind),
            (1, RefKind::Unresolved),
            "{some:?}"
        );
        assert_eq!(
            names("Các thành phố trực thuộc Trung ương")[0].0,
            RefKind::Group
        );
        assert_eq!(
            names("Các tỉnh"),
            vec![(RefKind::Group, "Các tỉnh".to_string())]
        );
        let provinces = reg().resolve("34 tỉnh, thành phố", on);
        assert_eq!(provinces[0].note, None, "34 on this date");
    }

    fn noted(cell: &str, notes: &[(u32, &str)]) -> Vec<AgencyRef> {
        let mut n = Footnotes::default();
        for (k, t) in notes {
            n.insert(*k, t);
        }
        reg().resolve_noted(cell, Some(date!(2026 - 02 - 01)), &n)
    }

    const NINE: &str = "Gồm các tỉnh: Lào Cai, Tuyên Quang, Cao Bằng, Lạng Sơn, Điện Biên, Lai Châu, Sơn La, Phú Thọ và Thái Nguyên.";

    #[test]
    fn a_counted_group_is_read_from_its_footnote() {
        let r = noted("Bộ Tài chính; 09 địa phương¹", &[(1, NINE)]);
        let got: Vec<(RefKind, &str)> = r.iter().map(|a| (a.kind, a.name.as_str())).collect();
        assert_eq!(got.len(), 10, "{got:?}");
        assert_eq!(got[0], (RefKind::Agency, "Bộ Tài chính"));
        assert!(
            got[1..].iter().all(|(k, _)| *k == RefKind::Agency),
            "{got:?}"
        );
        assert!(got.iter().any(|(_, n)| n.contains("Lào Cai")), "{got:?}");
        assert!(
            got.iter().any(|(_, n)| n.contains("Thái Nguyên")),
            "{got:?}"
        );
        let note = r[1].note.as_deref().unwrap_or("");
        assert!(
            note.contains("chú thích 1") && note.contains("09 địa phương"),
            "{note}"
        );
        assert_eq!(
            r[0].note, None,
            "the agency before it owes nothing to the note"
        );
        // Numbered lists and the conversion's own mark read alike.
        let numbered = noted(
            "Các bộ, ngành theo từng hệ thống được giao tại Kế hoạch số 02-KH/BCĐTW[footnoteRef:4]",
            &[(4, "(1) Bộ Công an; (2) Bộ Y tế; (3) Bộ Tư pháp.")],
        );
        let names: Vec<&str> = numbered.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Bộ Công an", "Bộ Y tế", "Bộ Tư pháp"]);
        // The members in parentheses after the count read the same way, without a note.
        let two = noted("02 địa phương (Ninh Bình, Phú Thọ)", &[]);
        let names: Vec<(RefKind, &str)> = two.iter().map(|a| (a.kind, a.name.as_str())).collect();
        assert_eq!(names.len(), 2, "{two:#?}");
        assert!(
            names.iter().all(|(k, _)| *k == RefKind::Agency),
            "{names:?}"
        );
        assert!(
            names[0].1.contains("Ninh Bình") && names[1].1.contains("Phú Thọ"),
            "{names:?}"
        );
        // …and a count the parentheses do not bear out stays the phrase.
        let wrong = noted("03 địa phương (Ninh Bình, Phú Thọ)", &[]);
        assert_eq!(
            (wrong.len(), wrong[0].kind),
            (1, RefKind::Unresolved),
            "{wrong:#?}"
        );
    }

    #[test]
    fn a_footnote_that_does_not_bear_the_group_out_is_not_followed() {
        // Eight names for "09": which nine is not said; the phrase stays, with both counts.
        let eight = NINE.replace(" và Thái Nguyên", "");
        let r = noted("09 địa phương¹", &[(1, &eight)]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].kind, RefKind::Unresolved);
        let note = r[0].note.as_deref().unwrap_or("");
        assert!(
            note.contains("ghi 9") && note.contains("liệt kê 8"),
            "{note}"
        );
        // A remark, not a list: the group as read without the note.
        let remark = noted(
            "Các bộ, ngành¹",
            &[(1, "Theo Quyết định số 06/QĐ-TTg ngày 06/01/2022.")],
        );
        assert_eq!(remark.len(), 1);
        assert_eq!(remark[0].kind, RefKind::Group);
        // A mark with no note, or a mark after an agency: as read.
        assert_eq!(
            noted("09 địa phương²", &[(1, NINE)])[0].kind,
            RefKind::Unresolved
        );
        let agency = noted("Bộ Y tế¹", &[(1, NINE)]);
        assert_eq!((agency.len(), agency[0].name.as_str()), (1, "Bộ Y tế"));
    }

    #[test]
    fn a_department_is_not_a_typo_of_the_ministry() {
        assert_eq!(
            names("Sở Khoa học và Công nghệ")[0].0,
            RefKind::Unresolved,
            "a province's department never becomes the ministry"
        );
        assert_eq!(names("Sở Tài chính")[0].0, RefKind::Unresolved);
        // A real typo inside the name is still corrected.
        assert_eq!(names("Bộ Tư phap"), vec![agency("Bộ Tư pháp")]);
    }

    #[test]
    fn heads_stand_for_the_bodies_they_head() {
        assert_eq!(names("Bộ trưởng Bộ Y tế"), vec![agency("Bộ Y tế")]);
        assert_eq!(
            names("Thống đốc Ngân hàng Nhà nước"),
            vec![agency("Ngân hàng Nhà nước Việt Nam")]
        );
        assert_eq!(
            names("Tổng Thanh tra Chính phủ"),
            vec![agency("Thanh tra Chính phủ")]
        );
        assert_eq!(
            names("Chủ tịch UBND thành phố Hà Nội"),
            vec![agency("Thành phố Hà Nội")]
        );
        assert_eq!(
            names("Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"),
            vec![(RefKind::Group, "Các địa phương".to_string())]
        );
        assert_eq!(
            names("Các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ"),
            vec![(
                RefKind::Group,
                "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ".to_string()
            )]
        );
        let r = reg().resolve("Bộ trưởng Bộ Y tế", None);
        assert!(
            r[0].note
                .as_deref()
                .unwrap_or("")
                .contains("người đứng đầu")
        );
        // A title alone names nobody.
        assert_eq!(names("Bộ trưởng")[0].0, RefKind::Unresolved);
    }

    #[test]
    fn shared_prefix_lists() {
        assert_eq!(
            names("Các bộ: Y tế, Giáo dục và Đào tạo, Văn hóa, Thể thao và Du lịch, Nội vụ"),
            vec![
                agency("Bộ Y tế"),
                agency("Bộ Giáo dục và Đào tạo"),
                agency("Bộ Văn hóa, Thể thao và Du lịch"),
                agency("Bộ Nội vụ")
            ]
        );
        assert_eq!(
            names(
                "Các bộ, cơ quan: Tư pháp, Công an, Nội vụ, Khoa học và Công nghệ, Văn phòng Chính phủ"
            ),
            vec![
                agency("Bộ Tư pháp"),
                agency("Bộ Công an"),
                agency("Bộ Nội vụ"),
                agency("Bộ Khoa học và Công nghệ"),
                agency("Văn phòng Chính phủ")
            ]
        );
    }

    #[test]
    fn sub_units_in_parentheses() {
        let r = reg().resolve("Bộ Quốc phòng (Ban Cơ yếu Chính phủ)", None);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].name.as_str(), r[0].unit.as_deref()),
            ("Bộ Quốc phòng", Some("Ban Cơ yếu Chính phủ"))
        );
        let r = reg().resolve("Bộ Công an (C06)", None);
        assert_eq!(
            (r[0].name.as_str(), r[0].unit.as_deref()),
            ("Bộ Công an", Some("C06"))
        );
    }

    #[test]
    fn groups() {
        for (s, g) in [
            ("Các bộ, ngành", "Các bộ, ngành"),
            ("Các Bộ, ngành", "Các bộ, ngành"),
            ("Các bộ, ngành, địa phương", "Các bộ, ngành, địa phương"),
            ("Các địa phương", "Các địa phương"),
            ("Các tỉnh, thành phố", "Các địa phương"),
            ("Ủy ban nhân dân các tỉnh, thành phố", "Các địa phương"),
            (
                "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
                "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
            ),
            ("Các Bộ, cơ quan ngang Bộ", "Các bộ, cơ quan ngang bộ"),
            (
                "Các bộ, ngành, UBND các tỉnh/ thành phố",
                "Các bộ, ngành, địa phương",
            ),
        ] {
            assert_eq!(names(s), vec![(RefKind::Group, g.to_string())], "{s}");
        }
    }

    #[test]
    fn vague_text_stays_unresolved_whole() {
        assert_eq!(
            names("Cơ quan, đơn vị liên quan"),
            vec![(RefKind::Unresolved, "Cơ quan, đơn vị liên quan".into())]
        );
        assert_eq!(
            names("Các hãng hàng không"),
            vec![(RefKind::Unresolved, "Các hãng hàng không".into())]
        );
        assert_eq!(
            names("Bộ Tư pháp, Bộ Công an và các cơ quan, đơn vị có liên quan"),
            vec![
                agency("Bộ Tư pháp"),
                agency("Bộ Công an"),
                (
                    RefKind::Unresolved,
                    "các cơ quan, đơn vị có liên quan".into()
                )
            ]
        );
        assert_eq!(
            names("Bộ, ngành, địa phương liên quan"),
            vec![(
                RefKind::Unresolved,
                "Bộ, ngành, địa phương liên quan".into()
            )]
        );
        assert_eq!(
            names(
                "Bộ Khoa học và Công nghệ, Ban Cơ yếu Chính phủ, bộ, ngành, địa phương liên quan"
            ),
            vec![
                agency("Bộ Khoa học và Công nghệ"),
                agency("Ban Cơ yếu Chính phủ"),
                (
                    RefKind::Unresolved,
                    "bộ, ngành, địa phương liên quan".into()
                )
            ]
        );
    }

    #[test]
    fn typos_are_corrected_with_a_note() {
        let r = reg().resolve("Bộ Tài chinh", None);
        assert_eq!(r[0].name, "Bộ Tài chính");
        let r = reg().resolve("Bộ Ngoai giáo", None);
        assert_eq!(r[0].name, "Bộ Ngoại giao");
        let r = reg().resolve("Bộ Ngọai gaio", None);
        assert_eq!(r[0].kind, RefKind::Unresolved);
        let r = reg().resolve("Bộ Tư phap x", None);
        assert!(r[0].note.is_some() || r[0].kind == RefKind::Unresolved);
    }

    #[test]
    fn former_agencies_are_named_with_their_successor() {
        // In a document of 2026 the old name stands for its successor, with a note.
        let r = reg().resolve("Bộ Thông tin và Truyền thông", Some(date!(2026 - 01 - 01)));
        assert_eq!(r[0].name, "Bộ Khoa học và Công nghệ");
        assert!(
            r[0].note
                .as_deref()
                .is_some_and(|n| n.contains("tên cũ \"Bộ Thông tin và Truyền thông\"")),
            "{:?}",
            r[0].note
        );
        // In a document of its own time it is itself.
        let r = reg().resolve("Bộ Thông tin và Truyền thông", Some(date!(2024 - 06 - 01)));
        assert_eq!(
            (r[0].name.as_str(), r[0].note.as_deref()),
            ("Bộ Thông tin và Truyền thông", None)
        );
        // A province merged on 1 July 2025 names the province it joined.
        let r = reg().resolve("Tỉnh Hà Giang", Some(date!(2025 - 11 - 07)));
        assert_eq!(r[0].name, "Tỉnh Tuyên Quang", "{:?}", r[0]);
    }

    /// Forms from the narrative samples (conclusion notices 292 and 624, the Đề án 06 review).
    #[test]
    fn narrative_sample_forms() {
        assert_eq!(
            names("Ủy ban nhân dân các thành phố: Hà Nội, Cần Thơ"),
            vec![agency("Thành phố Hà Nội"), agency("Thành phố Cần Thơ")]
        );
        assert_eq!(
            names(
                "Bộ Quốc phòng, Bộ Công an, Bộ Nội vụ, Văn phòng Chính phủ, các cơ quan liên quan"
            ),
            vec![
                agency("Bộ Quốc phòng"),
                agency("Bộ Công an"),
                agency("Bộ Nội vụ"),
                agency("Văn phòng Chính phủ"),
                (RefKind::Unresolved, "các cơ quan liên quan".into())
            ]
        );
        assert_eq!(
            names("Ngân hàng Nhà nước Việt Nam và các ngân hàng thương mại cổ phần"),
            vec![
                agency("Ngân hàng Nhà nước Việt Nam"),
                (
                    RefKind::Unresolved,
                    "các ngân hàng thương mại cổ phần".into()
                )
            ]
        );
        assert_eq!(
            names("Ủy ban nhân dân Thành phố Hồ Chí Minh"),
            vec![agency("Thành phố Hồ Chí Minh")]
        );
        assert_eq!(
            names("Tổng công ty Đường sắt Việt Nam"),
            vec![agency("Tổng công ty Đường sắt Việt Nam")]
        );
        assert_eq!(
            names("Văn phòng Trung ương Đảng"),
            vec![agency("Văn phòng Trung ương Đảng")]
        );
        assert_eq!(
            names("UBND các tỉnh, thành phố"),
            vec![(RefKind::Group, "Các địa phương".into())]
        );
        assert_eq!(
            names("Tập đoàn FPT"),
            vec![(RefKind::Unresolved, "Tập đoàn FPT".into())],
            "a private company is not guessed"
        );
    }

    #[test]
    fn empty_and_markup() {
        assert!(names("").is_empty());
        assert_eq!(
            names("<p>Bộ Khoa học và Công nghệ</p>"),
            vec![agency("Bộ Khoa học và Công nghệ")]
        );
    }
}
