//! Reads task tables out of blocks: finds the header row by its Vietnamese column names, follows
//! tables split by page breaks (repeated header, continuation rows whose first cell is empty),
//! keeps heading rows and heading paragraphs as the tasks' headings, and checks "(N nhiệm vụ)".

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, parse_deadline};
use tiendo_domain::model::{ParsedTask, ReportedStatus};
use tiendo_domain::text::{clean, fold};

use crate::Reading;
use crate::blocks::{Block, expand_row};
use crate::columns::{Column, classify};
use crate::error::ImportError;

pub struct ReadResult {
    pub title: Vec<String>,
    pub tasks: Vec<ParsedTask>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
struct ColumnMap {
    columns: Vec<Option<Column>>,
    headers: Vec<String>,
}

impl ColumnMap {
    fn index(&self, c: Column) -> Option<usize> {
        self.columns.iter().position(|x| *x == Some(c))
    }

    /// The heading of column `i` as the table wrote it ("cột 3" where it has none).
    fn header_of(&self, i: usize) -> String {
        self.headers
            .get(i)
            .cloned()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| format!("cột {}", i + 1))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadingKind {
    Roman,
    UpperLetter,
    Arabic,
    Group,
    LowerLetter,
    Other,
}

#[derive(Debug, Clone)]
struct Heading {
    kind: HeadingKind,
    text: String,
    id: usize,
}

#[derive(Debug)]
struct RawTask {
    number: String,
    cells: HashMap<Column, String>,
    extra: Vec<(String, String)>,
    headings: Vec<Heading>,
    source: String,
}

static ROMAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(M{0,3})(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})[.)]?$")
        .expect("static regex")
});
static ROMAN_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[IVXL]{1,6})[.)]?\s+\S").expect("static regex"));
static ARABIC_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,3}(?:\.\d{1,3})*[.)]\s+\S").expect("static regex"));
static UPPER_LETTER_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-ZĐ][.)]\s+\S").expect("static regex"));
static LOWER_LETTER_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zđ]\)\s+\S").expect("static regex"));
static COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((\d+)\s+nhiem vu\)").expect("static regex"));
static NUMBERING_CELL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(?\d{1,2}\)?$").expect("static regex"));
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(20\d\d|19\d\d)\b").expect("static regex"));

pub(crate) fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 7 && ROMAN.is_match(s) && s.chars().any(|c| c.is_alphabetic())
}

/// "(1) (2) (3) …": the row numbering a table's columns under its header.
pub(crate) fn is_numbering_row(filled: &[&str]) -> bool {
    filled.len() >= 3 && filled.iter().all(|t| NUMBERING_CELL.is_match(t.trim()))
}

/// The first year (19xx, 20xx) a title line names.
pub(crate) fn year_in(text: &str) -> Option<i32> {
    YEAR.captures(text)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

pub(crate) fn heading_kind(text: &str) -> Option<HeadingKind> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 400 {
        return None;
    }
    let f = fold(t);
    if f.starts_with("nhom ") {
        return Some(HeadingKind::Group);
    }
    if ROMAN_PREFIX.is_match(t) {
        return Some(HeadingKind::Roman);
    }
    if ARABIC_PREFIX.is_match(t) {
        return Some(HeadingKind::Arabic);
    }
    if UPPER_LETTER_PREFIX.is_match(t) {
        return Some(HeadingKind::UpperLetter);
    }
    if LOWER_LETTER_PREFIX.is_match(t) {
        return Some(HeadingKind::LowerLetter);
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) {
        return Some(HeadingKind::Other);
    }
    if f.starts_with("nhiem vu giao")
        || f.starts_with("cac nhiem vu")
        || f.starts_with("nhiem vu do")
    {
        return Some(HeadingKind::Other);
    }
    None
}

struct State<'o> {
    opts: Reading<'o>,
    map: Option<ColumnMap>,
    headings: Vec<Heading>,
    heading_ids: usize,
    heading_counts: Vec<(usize, String, usize)>,
    tasks: Vec<RawTask>,
    title: Vec<String>,
    warnings: Vec<String>,
    seen_task_table: bool,
    after_header: bool,
    missing_name: Option<String>,
    unrecognised: Vec<String>,
    /// The last row read was a heading row (a page break may cut its text).
    last_row_heading: bool,
}

impl State<'_> {
    fn push_heading(&mut self, kind: HeadingKind, text: String) {
        if let Some(pos) = self.headings.iter().position(|h| h.kind == kind) {
            self.headings.truncate(pos);
        }
        self.heading_ids += 1;
        let id = self.heading_ids;
        if let Some(c) = COUNT
            .captures(&fold(&text))
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().parse().ok())
        {
            self.heading_counts.push((id, text.clone(), c));
        }
        self.headings.push(Heading { kind, text, id });
    }

    fn paragraph(&mut self, text: &str) {
        let text = clean(text);
        if text.is_empty() {
            return;
        }
        match heading_kind(&text) {
            Some(kind) if self.seen_task_table || kind != HeadingKind::Other => {
                // A heading paragraph between tables (or a numbered one before the first).
                if self.seen_task_table
                    || matches!(
                        kind,
                        HeadingKind::Arabic | HeadingKind::Roman | HeadingKind::Group
                    )
                {
                    self.push_heading(kind, text);
                    self.after_header = false;
                    return;
                }
                self.title.push(text);
            }
            _ if !self.seen_task_table => self.title.push(text),
            _ => {}
        }
    }

    fn find_header(&self, rows: &[Vec<String>]) -> Option<(usize, ColumnMap)> {
        for (i, row) in rows.iter().take(8).enumerate() {
            let columns: Vec<Option<Column>> = row.iter().map(|h| classify(h)).collect();
            let distinct: std::collections::HashSet<Column> =
                columns.iter().flatten().copied().collect();
            if distinct.len() >= 2 {
                return Some((
                    i,
                    ColumnMap {
                        columns,
                        headers: row.clone(),
                    },
                ));
            }
        }
        None
    }

    fn is_repeated_header(&self, row: &[String]) -> bool {
        let Some(map) = &self.map else { return false };
        let mut same = 0;
        for (i, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match classify(cell) {
                Some(c) if map.columns.get(i).copied().flatten() == Some(c) => same += 1,
                _ => return false,
            }
        }
        same >= 2
    }

    fn table(&mut self, origin: &str, raw_rows: &[Vec<crate::blocks::Cell>]) {
        let expanded: Vec<(Vec<String>, bool)> = raw_rows.iter().map(|r| expand_row(r)).collect();
        let rows: Vec<Vec<String>> = expanded.iter().map(|(r, _)| r.clone()).collect();
        let start = match self.find_header(&rows) {
            Some((i, map)) => {
                if map.index(Column::Name).is_none() {
                    let found: Vec<String> = map
                        .headers
                        .iter()
                        .filter(|h| !h.is_empty())
                        .cloned()
                        .collect();
                    self.missing_name.get_or_insert(found.join(" | "));
                    return;
                }
                // Rows above the header inside the table are titles.
                if !self.seen_task_table {
                    for r in &rows[..i] {
                        let t: Vec<&str> = r
                            .iter()
                            .map(String::as_str)
                            .filter(|s| !s.is_empty())
                            .collect();
                        if !t.is_empty() {
                            self.title.push(t.join(" "));
                        }
                    }
                }
                let mut map = map;
                let mut next = i + 1;
                // A second header row (merged "Kết quả" over "Sản phẩm" | "Tiến độ").
                if let Some(sub) = rows.get(i + 1) {
                    let sub_cols: Vec<Option<Column>> = sub.iter().map(|h| classify(h)).collect();
                    if sub_cols.iter().flatten().count() >= 2
                        && !sub.iter().any(|c| ROMAN.is_match(c) || c.ends_with('.'))
                    {
                        for (k, c) in sub_cols.into_iter().enumerate() {
                            if c.is_some() && k < map.columns.len() {
                                map.columns[k] = c;
                                map.headers[k] = sub[k].clone();
                            }
                        }
                        next += 1;
                    }
                }
                self.map = Some(map);
                self.seen_task_table = true;
                self.after_header = true;
                next
            }
            None => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                match &self.map {
                    Some(map) if width == map.columns.len() => {
                        // The same table continued on the next page without its header.
                        self.after_header = true;
                        0
                    }
                    _ => {
                        if rows.len() >= 2 && width >= 3 {
                            let first: Vec<String> =
                                rows[0].iter().filter(|h| !h.is_empty()).cloned().collect();
                            self.unrecognised
                                .push(format!("{origin}: {}", first.join(" | ")));
                        }
                        return;
                    }
                }
            }
        };
        for (k, (row, merged)) in expanded.iter().enumerate().skip(start) {
            self.row(row, *merged, &format!("{origin}, dòng {}", k + 1));
        }
    }

    fn row(&mut self, row: &[String], merged: bool, source: &str) {
        let Some(map) = self.map.clone() else { return };
        let non_empty: Vec<(usize, &String)> = row
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.trim().is_empty())
            .collect();
        if non_empty.is_empty() {
            return;
        }
        if self.is_repeated_header(row) {
            self.after_header = true;
            return;
        }
        // "(1) (2) (3) …" numbering rows under the header.
        let texts: Vec<&str> = non_empty.iter().map(|(_, t)| t.trim()).collect();
        if is_numbering_row(&texts) {
            return;
        }
        // A heading row cut by a page break: the rest of its text, alone in the name cell.
        if self.last_row_heading
            && self.after_header
            && non_empty.len() == 1
            && map.index(Column::Name) == Some(non_empty[0].0)
            && let Some(h) = self.headings.last_mut()
        {
            join_continued(&mut h.text, non_empty[0].1.trim());
            self.after_header = false;
            return;
        }
        if self.heading_row(row, merged, &non_empty, &map) {
            self.after_header = false;
            self.last_row_heading = true;
            return;
        }
        self.last_row_heading = false;
        let number = cell_of(row, &map, Column::Number).to_string();
        if number.is_empty() && self.after_header && !self.tasks.is_empty() {
            // A row split by a page break: its cells continue the previous task's cells.
            self.append_to_last(row, &map);
            self.after_header = false;
            return;
        }
        self.after_header = false;
        if number.is_empty() && self.unnumbered_row(row, &non_empty, &map, source) {
            return;
        }
        let (cells, extra) = task_cells(row, &map);
        self.tasks.push(RawTask {
            number: normalise_number(&number),
            cells,
            extra,
            headings: self.headings.clone(),
            source: source.to_string(),
        });
    }

    /// Heading rows: merged across the table, the same text in every non-empty cell, a lone
    /// text in a heading form, or a Roman/letter/"Nhóm" number with only the name cell filled.
    /// Pushes the heading and says whether the row was one.
    fn heading_row(
        &mut self,
        row: &[String],
        merged: bool,
        non_empty: &[(usize, &String)],
        map: &ColumnMap,
    ) -> bool {
        let name_idx = map.index(Column::Name);
        let number_idx = map.index(Column::Number);
        let all_same = non_empty.len() > 1 && non_empty.iter().all(|(_, t)| *t == non_empty[0].1);
        // A lone text in a heading form is a heading — even right after a repeated header, unless
        // it reads as the rest of a sentence cut by the page break (a lower-case start).
        // A text copy puts a heading row's text in the first cell, which may be the number column.
        let lone = non_empty.len() == 1
            && (number_idx.is_none_or(|n| non_empty[0].0 != n)
                || non_empty[0].1.trim().chars().count() > 12);
        let continues_sentence = non_empty[0]
            .1
            .trim_start()
            .chars()
            .next()
            .is_some_and(char::is_lowercase);
        if merged
            || all_same
            || (lone
                && heading_kind(non_empty[0].1).is_some()
                && (!self.after_header || self.tasks.is_empty() || !continues_sentence))
        {
            let text = clean(non_empty[0].1);
            let kind = heading_kind(&text).unwrap_or(HeadingKind::Other);
            self.push_heading(kind, text);
            return true;
        }
        let number = cell_of(row, map, Column::Number);
        let name = cell_of(row, map, Column::Name);
        let only_number_and_name = non_empty
            .iter()
            .all(|(i, _)| Some(*i) == number_idx || Some(*i) == name_idx);
        // "3 | Nhóm 3 - Chuyển đổi số (6 nhiệm vụ)": a group numbered like a task is a heading.
        let name_folded = fold(name);
        if name_folded.starts_with("nhom ")
            && (COUNT.is_match(&name_folded) || (only_number_and_name && !number.is_empty()))
        {
            self.push_heading(HeadingKind::Group, clean(name));
            return true;
        }
        if number.is_empty() || !only_number_and_name || name.is_empty() {
            return false;
        }
        let roman = is_roman(number);
        let upper_letter = number.chars().count() <= 2
            && number
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase());
        let kind = if roman {
            HeadingKind::Roman
        } else if upper_letter {
            HeadingKind::UpperLetter
        } else if fold(number).starts_with("nhom") {
            HeadingKind::Group
        } else {
            return false;
        };
        self.push_heading(kind, clean(name));
        true
    }

    /// A row without a number: above the first task, a heading; with a lead or deadline, a task
    /// (with a warning); otherwise the rest of the previous task. Says whether it was handled
    /// (false: read it as a task).
    fn unnumbered_row(
        &mut self,
        row: &[String],
        non_empty: &[(usize, &String)],
        map: &ColumnMap,
        source: &str,
    ) -> bool {
        let has_fields = !cell_of(row, map, Column::Lead).is_empty()
            || !cell_of(row, map, Column::Deadline).is_empty();
        if !has_fields && self.tasks.is_empty() {
            let text: Vec<&str> = non_empty.iter().map(|(_, t)| t.trim()).collect();
            self.warnings.push(format!(
                "{source}: dòng không có số thứ tự trước nhiệm vụ đầu tiên, đọc là tiêu đề mục"
            ));
            self.push_heading(HeadingKind::Other, clean(&text.join(" ")));
            return true;
        }
        if has_fields {
            self.warnings
                .push(format!("{source}: nhiệm vụ không có số thứ tự"));
            return false;
        }
        let last = self
            .tasks
            .last()
            .map(|t| t.number.clone())
            .unwrap_or_default();
        self.warnings.push(format!(
            "{source}: dòng không có số thứ tự, đã ghép vào nhiệm vụ {last}"
        ));
        self.append_to_last(row, map);
        true
    }

    fn append_to_last(&mut self, row: &[String], map: &ColumnMap) {
        let Some(last) = self.tasks.last_mut() else {
            return;
        };
        for (i, text) in row.iter().enumerate() {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match map.columns.get(i).copied().flatten() {
                Some(Column::Number) => {}
                Some(Column::Overseer | Column::Notes) | None => {
                    let header = map.header_of(i);
                    match last.extra.iter_mut().find(|(h, _)| *h == header) {
                        Some((_, v)) => join_continued(v, text),
                        None => last.extra.push((header, text.to_string())),
                    }
                }
                Some(c) => match last.cells.get_mut(&c) {
                    Some(v) => join_continued(v, text),
                    None => {
                        last.cells.insert(c, text.to_string());
                    }
                },
            }
        }
    }
}

/// A cell continued on the next page: the two halves of a sentence, joined by one space.
fn join_continued(v: &mut String, more: &str) {
    if !v.is_empty() {
        v.push(' ');
    }
    v.push_str(more);
}

fn normalise_number(s: &str) -> String {
    s.trim().trim_end_matches(['.', ')']).trim().to_string()
}

pub fn read_tasks(blocks: &[Block], opts: Reading<'_>) -> Result<ReadResult, ImportError> {
    let mut st = State {
        opts,
        map: None,
        headings: Vec::new(),
        heading_ids: 0,
        heading_counts: Vec::new(),
        tasks: Vec::new(),
        title: Vec::new(),
        warnings: Vec::new(),
        seen_task_table: false,
        after_header: false,
        missing_name: None,
        unrecognised: Vec::new(),
        last_row_heading: false,
    };
    for b in blocks {
        match b {
            Block::Paragraph(t) => st.paragraph(t),
            Block::Table { origin, rows } => st.table(origin, rows),
        }
    }
    st.check()?;
    let year = st.title.iter().find_map(|t| year_in(t));
    let ctx = DeadlineContext {
        document_year: year,
    };
    let reading = st.opts;
    let on = Some(st.opts.reported_on);
    let mut warnings = st.warnings;
    let tasks = st
        .tasks
        .into_iter()
        .map(|raw| parsed(raw, &reading, on, ctx, &mut warnings))
        .collect();
    Ok(ReadResult {
        title: st.title,
        tasks,
        warnings,
    })
}

impl State<'_> {
    /// After the last block: no task table is an error (saying which tables were found); other
    /// tables are warnings; each "(n nhiệm vụ)" heading is checked against the tasks under it.
    fn check(&mut self) -> Result<(), ImportError> {
        let st = self;
        if !st.seen_task_table {
            if let Some(found) = st.missing_name.take() {
                return Err(ImportError::MissingNameColumn(found));
            }
            let detail = if st.unrecognised.is_empty() {
                String::new()
            } else {
                format!(
                    " (tiêu đề các bảng tìm thấy: {})",
                    st.unrecognised.join("; ")
                )
            };
            return Err(ImportError::NoTaskTable(detail));
        }
        for u in &st.unrecognised {
            st.warnings
                .push(format!("bỏ qua bảng không phải bảng nhiệm vụ — {u}"));
        }
        // "(6 nhiệm vụ)": a free checksum.
        for (id, text, expected) in &st.heading_counts {
            let found = st
                .tasks
                .iter()
                .filter(|t| t.headings.iter().any(|h| h.id == *id))
                .count();
            if found != *expected {
                st.warnings.push(format!(
                    "mục \"{text}\" ghi {expected} nhiệm vụ nhưng đọc được {found}"
                ));
            }
        }
        Ok(())
    }
}

/// A row as a task: its cells read (deadline, status, agencies) and what could not be read
/// said in `warnings`.
fn parsed(
    raw: RawTask,
    reading: &Reading<'_>,
    on: Option<time::Date>,
    ctx: DeadlineContext,
    warnings: &mut Vec<String>,
) -> ParsedTask {
    let get = |c: Column| {
        raw.cells
            .get(&c)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let name = get(Column::Name).unwrap_or_default();
    let label = if raw.number.is_empty() {
        raw.source.clone()
    } else {
        format!("nhiệm vụ {}", raw.number)
    };
    if name.is_empty() {
        warnings.push(format!("{}: {label} không có tên nhiệm vụ", raw.source));
    }
    let deadline = parse_deadline(&get(Column::Deadline).unwrap_or_default(), ctx);
    match deadline.kind {
        DeadlineKind::Unknown => warnings.push(format!(
            "{}: {label}: thời hạn \"{}\" không đọc được{}",
            raw.source,
            deadline.raw,
            deadline
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        )),
        DeadlineKind::Conditional => warnings.push(format!(
            "{}: {label}: thời hạn \"{}\" không phải một ngày cụ thể (chưa đạt \"6 rõ\")",
            raw.source, deadline.raw
        )),
        _ => {}
    }
    let status_raw = get(Column::Status);
    let status = status_raw.as_deref().and_then(ReportedStatus::from_text);
    if let (Some(s), None) = (&status_raw, status) {
        warnings.push(format!(
            "{}: {label}: tiến độ \"{s}\" không rõ nghĩa, giữ nguyên văn",
            raw.source
        ));
    }
    let lead = reading.agencies(&get(Column::Lead).unwrap_or_default(), on);
    if lead.is_empty() {
        warnings.push(format!("{}: {label} không có cơ quan chủ trì", raw.source));
    } else if lead
        .iter()
        .all(|r| r.kind == tiendo_domain::agency::RefKind::Unresolved)
    {
        let text: Vec<&str> = lead.iter().map(|r| r.name.as_str()).collect();
        warnings.push(format!(
            "{}: {label}: chưa xác định được cơ quan chủ trì \"{}\" — nhiệm vụ chưa giao cho cơ quan nào (thêm tên gọi vào danh mục hoặc sửa tệp)",
            raw.source,
            text.join("; ")
        ));
    }
    ParsedTask {
        number: raw.number.clone(),
        headings: raw.headings.iter().map(|h| h.text.clone()).collect(),
        name,
        lead,
        coordinators: reading.agencies(&get(Column::Coordinators).unwrap_or_default(), on),
        expected_result: get(Column::ExpectedResult),
        deadline,
        basis: get(Column::Basis),
        progress_report: get(Column::ProgressReport),
        status,
        status_raw,
        incomplete_units: reading.agencies(&get(Column::IncompleteUnits).unwrap_or_default(), on),
        source: Some(raw.source.clone()),
        overseer: raw
            .extra
            .iter()
            .find(|(h, _)| crate::columns::classify(h) == Some(Column::Overseer))
            .map(|(_, v)| clean(v))
            .filter(|v| !v.is_empty()),
        extra: raw
            .extra
            .iter()
            .filter(|(h, _)| crate::columns::classify(h) != Some(Column::Overseer))
            .cloned()
            .collect(),
        external_id: None,
        notes: Vec::new(),
    }
}
/// The trimmed text of a row's cell in a column ("" when the table has no such column).
fn cell_of<'a>(row: &'a [String], map: &ColumnMap, c: Column) -> &'a str {
    map.index(c)
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// A task row's cells by column (several cells of one column joined by lines), and the cells of
/// columns kept as they are (overseer, notes, unknown headings) with their headings.
fn task_cells(row: &[String], map: &ColumnMap) -> (HashMap<Column, String>, Vec<(String, String)>) {
    let mut cells = HashMap::new();
    let mut extra = Vec::new();
    for (i, text) in row.iter().enumerate() {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match map.columns.get(i).copied().flatten() {
            Some(Column::Overseer | Column::Notes) | None => {
                extra.push((map.header_of(i), text.to_string()));
            }
            Some(c) => {
                cells
                    .entry(c)
                    .and_modify(|v: &mut String| {
                        v.push('\n');
                        v.push_str(text)
                    })
                    .or_insert_with(|| text.to_string());
            }
        }
    }
    (cells, extra)
}
