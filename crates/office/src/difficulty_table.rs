//! Reads difficulty tables ("STT | Tên bộ, ngành | Khó khăn, vướng mắc | Đơn vị xử lý khó khăn,
//! vướng mắc"): one agency's row followed by continuation rows (more difficulties of the same
//! agency: the agency cell empty or merged down), several agencies to resolve one difficulty
//! (listed in one cell, or one per continuation row), each with its own answer, answer deadline
//! and state. Heading rows ("I. CÁC BỘ, NGÀNH", "II. ĐỊA PHƯƠNG") are headings, never difficulties.

use std::collections::HashMap;

use tiendo_domain::agency::{AgencyRef, RefKind};
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, parse_deadline};
use tiendo_domain::model::{HandlerState, ParsedDifficulty, ParsedHandler};
use tiendo_domain::text::{clean, fold};

use crate::Reading;
use crate::blocks::{Block, expand_row};
use crate::columns::{DifficultyColumn as Col, TableKind, classify_difficulty, table_kind};
use crate::table::{HeadingKind, heading_kind, is_numbering_row};

pub struct DifficultyRead {
    pub title: Vec<String>,
    pub difficulties: Vec<ParsedDifficulty>,
    pub warnings: Vec<String>,
}

struct Map {
    columns: Vec<Option<Col>>,
    headers: Vec<String>,
}

impl Map {
    fn cell<'a>(&self, row: &'a [String], c: Col) -> &'a str {
        self.columns
            .iter()
            .position(|x| *x == Some(c))
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

struct Reader<'o> {
    opts: Reading<'o>,
    ctx: DeadlineContext,
    map: Option<Map>,
    headings: Vec<(HeadingKind, String)>,
    title: Vec<String>,
    /// The agency of the rows being read: its cell as written.
    agency_raw: String,
    number: String,
    out: Vec<ParsedDifficulty>,
    warnings: Vec<String>,
    /// The row after a repeated header (a page break): a lower-case text continues the last one.
    after_header: bool,
}

/// Reads the difficulty tables among `blocks` (the paragraphs before them are titles or headings).
pub fn read_difficulties(blocks: &[Block], opts: Reading<'_>) -> DifficultyRead {
    let mut r = Reader {
        opts,
        ctx: DeadlineContext::default(),
        map: None,
        headings: Vec::new(),
        title: Vec::new(),
        agency_raw: String::new(),
        number: String::new(),
        out: Vec::new(),
        warnings: Vec::new(),
        after_header: false,
    };
    for b in blocks {
        match b {
            Block::Paragraph(t) => r.paragraph(t),
            Block::Table { origin, rows } => {
                let rows: Vec<(Vec<String>, bool)> = rows.iter().map(|r| expand_row(r)).collect();
                r.table(origin, &rows);
            }
        }
    }
    let mut notes_warnings = Vec::new();
    for d in &r.out {
        // One without any agency was warned of where it was read.
        if !d.agency.is_empty() && (d.agency.len() != 1 || d.agency[0].kind != RefKind::Agency) {
            notes_warnings.push(format!(
                "{}: cơ quan nêu \"{}\" chưa xác định được là một cơ quan trong danh mục — khó khăn được lưu với cơ quan nêu như văn bản ghi (nếu cần: sửa trong bản xem trước, hoặc thêm tên gọi bằng tiendo agencies add-alias rồi nhập lại)",
                d.source.as_deref().unwrap_or("?"),
                d.agency.iter().map(|a| a.raw.as_str()).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    r.warnings.extend(notes_warnings);
    DifficultyRead {
        title: r.title,
        difficulties: r.out,
        warnings: r.warnings,
    }
}

impl Reader<'_> {
    fn paragraph(&mut self, text: &str) {
        let text = clean(text);
        if text.is_empty() {
            return;
        }
        if self.map.is_none() {
            if let Some(y) = crate::table::year_in(&text) {
                self.ctx.document_year.get_or_insert(y);
            }
            self.title.push(text);
        } else if let Some(kind) = heading_kind(&text) {
            self.push_heading(kind, text);
        }
    }

    fn push_heading(&mut self, kind: HeadingKind, text: String) {
        if let Some(pos) = self.headings.iter().position(|(k, _)| *k == kind) {
            self.headings.truncate(pos);
        }
        self.headings.push((kind, text));
        self.agency_raw.clear();
    }

    fn table(&mut self, origin: &str, rows: &[(Vec<String>, bool)]) {
        let header = rows
            .iter()
            .take(8)
            .position(|(r, _)| table_kind(r) == Some(TableKind::Difficulties));
        let start = match header {
            Some(i) => {
                if self.map.is_none() {
                    for (r, _) in &rows[..i] {
                        let t: Vec<&str> = r
                            .iter()
                            .map(|s| s.trim())
                            .filter(|s| !s.is_empty())
                            .collect();
                        if !t.is_empty() {
                            self.title.push(t.join(" "));
                        }
                    }
                }
                let headers = rows[i].0.clone();
                self.map = Some(Map {
                    columns: headers.iter().map(|h| classify_difficulty(h)).collect(),
                    headers,
                });
                self.after_header = true;
                i + 1
            }
            // A table without its header continues the one before (a page break).
            None => {
                self.after_header = true;
                0
            }
        };
        for (k, (row, merged)) in rows.iter().enumerate().skip(start) {
            self.row(row, *merged, &format!("{origin}, dòng {}", k + 1));
        }
    }

    fn row(&mut self, row: &[String], merged: bool, source: &str) {
        let Some(map) = self.map.take() else { return };
        self.read_row(&map, row, merged, source);
        self.map = Some(map);
    }

    fn read_row(&mut self, map: &Map, row: &[String], merged: bool, source: &str) {
        let filled: Vec<&str> = row
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if filled.is_empty() || is_numbering_row(&filled) {
            return;
        }
        // The header repeated on a new page.
        if table_kind(row) == Some(TableKind::Difficulties) {
            self.after_header = true;
            return;
        }
        let all_same = filled.len() > 1 && filled.iter().all(|t| *t == filled[0]);
        let lone_heading = filled.len() == 1
            && map.cell(row, Col::Text).is_empty()
            && heading_kind(filled[0]).is_some();
        if merged || all_same || lone_heading {
            let text = clean(filled[0]);
            self.push_heading(heading_kind(&text).unwrap_or(HeadingKind::Other), text);
            self.after_header = false;
            return;
        }
        let after_header = std::mem::replace(&mut self.after_header, false);
        let number = map.cell(row, Col::Number);
        let agency = map.cell(row, Col::Agency);
        let text = map.cell(row, Col::Text);
        // "I | Các bộ, ngành" with nothing else: a heading numbered in the number column.
        if !number.is_empty()
            && text.is_empty()
            && map.cell(row, Col::Handler).is_empty()
            && crate::table::is_roman(number)
        {
            let label = if agency.is_empty() {
                filled.join(" ")
            } else {
                agency.to_string()
            };
            self.push_heading(HeadingKind::Roman, clean(&label));
            return;
        }
        if !agency.is_empty() {
            self.agency_raw = agency.to_string();
        }
        if !number.is_empty() {
            self.number = number.trim_end_matches(['.', ')']).to_string();
        }
        let same_as_last = self.out.last().is_some_and(|d| {
            clean(&d.text) == clean(text) && (agency.is_empty() || d.agency_raw_is(agency))
        });
        if text.is_empty() || same_as_last {
            // Another agency to resolve the last difficulty (or its text merged down).
            if self.out.is_empty() {
                self.warnings.push(format!(
                    "{source}: dòng không có nội dung khó khăn, bỏ qua: {}",
                    filled.join(" | ")
                ));
                return;
            }
            self.add_handlers(map, row);
            self.add_extras(map, row, true);
            return;
        }
        let continues = after_header
            && number.is_empty()
            && agency.is_empty()
            && text.chars().next().is_some_and(char::is_lowercase);
        if continues {
            if let Some(last) = self.out.last_mut() {
                last.text.push(' ');
                last.text.push_str(text);
            }
            self.add_handlers(map, row);
            return;
        }
        if self.agency_raw.is_empty() {
            self.warnings.push(format!(
                "{source}: khó khăn không có cơ quan nêu: \"{}\"",
                short(text)
            ));
        }
        let on = Some(self.opts.reported_on);
        let agency_refs = self.opts.agencies(&self.agency_raw, on);
        let task = Some(map.cell(row, Col::Task))
            .filter(|t| !t.is_empty())
            .map(clean);
        self.out.push(ParsedDifficulty {
            number: if agency.is_empty() && number.is_empty() {
                String::new()
            } else {
                self.number.clone()
            },
            headings: self.headings.iter().map(|(_, t)| t.clone()).collect(),
            agency: agency_refs,
            text: clean(text),
            handlers: Vec::new(),
            proposal: None,
            task,
            state_raw: None,
            source: Some(source.to_string()),
            extra: Vec::new(),
            notes: Vec::new(),
        });
        self.add_handlers(map, row);
        self.add_extras(map, row, false);
    }

    /// The agencies a row names to resolve the last difficulty, each with the answer, deadline and
    /// state the row gives. An answer cell that names each agency ("Bộ Tư pháp: …; Bộ Tài chính:
    /// …") is split between them; one answer for several agencies is given to each, with a note.
    fn add_handlers(&mut self, map: &Map, row: &[String]) {
        let on = Some(self.opts.reported_on);
        let handler_cell = map.cell(row, Col::Handler);
        let answer = map.cell(row, Col::Answer);
        let due_raw = map.cell(row, Col::AnswerDue);
        let state_raw = map.cell(row, Col::State);
        let Some(last) = self.out.last_mut() else {
            return;
        };
        if !state_raw.is_empty() {
            last.state_raw = Some(clean(state_raw));
        }
        let refs: Vec<AgencyRef> = self.opts.agencies(handler_cell, on);
        let due = (!due_raw.is_empty()).then(|| parse_deadline(due_raw, self.ctx));
        if let Some(d) = &due
            && matches!(d.kind, DeadlineKind::Unknown)
        {
            last.notes
                .push(format!("hạn trả lời \"{}\" không đọc được", d.raw));
        }
        let answers = split_answers(answer, &refs);
        if refs.is_empty() {
            // No agency named on this row: an answer or state for the handlers already listed.
            if !answer.is_empty() || !state_raw.is_empty() {
                if last.handlers.is_empty() {
                    last.notes.push(format!(
                        "có ý kiến trả lời nhưng không nêu cơ quan xử lý: \"{}\"",
                        short(answer)
                    ));
                    last.extra.push(("Trả lời".into(), clean(answer)));
                }
                for h in last.handlers.iter_mut().filter(|h| h.answer.is_none()) {
                    if !answer.is_empty() {
                        h.answer = Some(clean(answer));
                    }
                    h.state = state_of(state_raw, h.answer.as_deref());
                }
            }
            return;
        }
        if refs.len() > 1 && answers.is_none() && !answer.is_empty() {
            last.notes.push(format!(
                "một ý kiến trả lời chung cho {} cơ quan xử lý",
                refs.len()
            ));
        }
        for (i, r) in refs.into_iter().enumerate() {
            if last
                .handlers
                .iter()
                .any(|h| h.agency.name == r.name && h.agency.kind == r.kind)
            {
                continue;
            }
            if r.kind == RefKind::Unresolved {
                last.notes
                    .push(format!("chưa xác định được cơ quan xử lý: {}", r.name));
            }
            let own = match &answers {
                Some(a) => a.get(i).cloned().flatten(),
                None => Some(answer).filter(|a| !a.is_empty()).map(clean),
            };
            last.handlers.push(ParsedHandler {
                state: state_of(state_raw, own.as_deref()),
                answer: own,
                answer_due: due.clone(),
                agency: r,
            });
        }
    }

    fn add_extras(&mut self, map: &Map, row: &[String], continuation: bool) {
        let Some(last) = self.out.last_mut() else {
            return;
        };
        for (i, text) in row.iter().enumerate() {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let header = map
                .headers
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("cột {}", i + 1));
            match map.columns.get(i).copied().flatten() {
                Some(Col::Proposal) => join_into(&mut last.proposal, text),
                Some(Col::Notes) | None => {
                    if continuation && last.extra.iter().any(|(h, v)| *h == header && v == text) {
                        continue;
                    }
                    last.extra.push((clean(&header), clean(text)));
                }
                _ => {}
            }
        }
    }
}

trait AgencyRaw {
    fn agency_raw_is(&self, cell: &str) -> bool;
}

impl AgencyRaw for ParsedDifficulty {
    /// Whether the difficulty was raised by the agency this cell names (a cell merged down).
    fn agency_raw_is(&self, cell: &str) -> bool {
        self.agency
            .iter()
            .map(|a| a.raw.as_str())
            .collect::<Vec<_>>()
            .join("; ")
            == clean(cell)
            || self
                .agency
                .first()
                .is_some_and(|a| fold(&a.raw) == fold(cell))
    }
}

fn join_into(field: &mut Option<String>, text: &str) {
    let text = clean(text);
    match field {
        Some(v) if v.contains(&text) => {}
        Some(v) => {
            v.push('\n');
            v.push_str(&text);
        }
        None => *field = Some(text),
    }
}

/// A handler's state: the state cell when it says; else answered when there is an answer, unless
/// the answer itself says the work goes on ("Đang xem xét …", "Chưa có ý kiến").
fn state_of(state_raw: &str, answer: Option<&str>) -> HandlerState {
    if let Some(s) = HandlerState::from_text(state_raw) {
        return s;
    }
    match answer.filter(|a| !a.is_empty()) {
        Some(a) if HandlerState::from_text(a) == Some(HandlerState::Open) => HandlerState::Open,
        Some(_) => HandlerState::Answered,
        None => HandlerState::Open,
    }
}

/// An answer cell split between the agencies it names at the start of its parts ("Bộ Tư pháp:
/// …; Bộ Tài chính: …"), in the order of `refs`; None when it does not name each of them.
fn split_answers(answer: &str, refs: &[AgencyRef]) -> Option<Vec<Option<String>>> {
    if refs.len() < 2 || answer.is_empty() {
        return None;
    }
    let folded_names: Vec<String> = refs.iter().map(|r| fold(&r.raw)).collect();
    let mut parts: HashMap<usize, String> = HashMap::new();
    let mut current: Option<usize> = None;
    for piece in answer.split(['\n', ';']) {
        let p = piece.trim();
        if p.is_empty() {
            continue;
        }
        let f = fold(p);
        let named = folded_names
            .iter()
            .position(|n| f.starts_with(n.as_str()) && f[n.len()..].trim_start().starts_with(':'));
        match named {
            Some(i) => {
                let text = p.split_once(':').map(|(_, b)| b.trim()).unwrap_or(p);
                parts.insert(i, clean(text));
                current = Some(i);
            }
            None => match current.and_then(|i| parts.get_mut(&i)) {
                Some(v) => {
                    v.push_str("; ");
                    v.push_str(&clean(p));
                }
                None => return None,
            },
        }
    }
    if parts.len() < 2 {
        return None;
    }
    Some((0..refs.len()).map(|i| parts.remove(&i)).collect())
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}
