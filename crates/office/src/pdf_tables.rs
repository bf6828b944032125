//! Tables in text-based PDFs (an appendix printed from Word or Excel). `pdftotext -tsv` gives each
//! word with its box; a table shows as words that start at the same few left edges (the cells'
//! columns) line after line. Rules:
//!
//! - a *segment* is a run of words on one printed line with ordinary spaces between them (a gap
//!   wider than half the text height ends it);
//! - a *column* is a left edge at which segments start on at least three lines;
//! - a *table line* has two segments or more, each starting at a column, or one segment that
//!   starts at a column other than the first (a cell wrapped onto the next line);
//! - consecutive table lines (a line that crosses several columns between them is a row merged
//!   across the table: a heading) form a table; a row starts where the first column has text, and
//!   the lines after it continue its cells, column by column;
//! - everything else is text, read as paragraphs.
//!
//! The table blocks then go through the same readers as Word's (header, repeated headers on each
//! page, headings, continuation rows).
//!
//! Footnotes: a word of digits printed smaller than the word it touches ("phương" then a small
//! "1") is a footnote mark, written back in superscript ("phương¹"); a line at the left margin
//! below it that opens with that number is the note's text ("¹ Gồm các tỉnh: …").

use crate::blocks::{Block, Cell};

/// One word and its box, in points.
#[derive(Debug, Clone)]
struct Word {
    page: u32,
    left: f32,
    top: f32,
    right: f32,
    height: f32,
    text: String,
}

/// Words on one printed line, left to right.
#[derive(Debug, Clone)]
struct Line {
    page: u32,
    top: f32,
    words: Vec<Word>,
}

/// A run of words with ordinary spaces between them.
#[derive(Debug, Clone)]
struct Segment {
    left: f32,
    right: f32,
    text: String,
}

impl Line {
    fn segments(&self) -> Vec<Segment> {
        let mut out: Vec<Segment> = Vec::new();
        let mut prev_right = f32::MIN;
        for w in &self.words {
            let gap = w.left - prev_right;
            match out.last_mut() {
                Some(s) if gap <= (w.height * 0.5).max(3.0) => {
                    s.text.push(' ');
                    s.text.push_str(&w.text);
                    s.right = w.right;
                }
                _ => out.push(Segment {
                    left: w.left,
                    right: w.right,
                    text: w.text.clone(),
                }),
            }
            prev_right = w.right;
        }
        out
    }

    fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The words of `pdftotext -tsv` output (level 5 rows).
fn words(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 12 || f[0] != "5" {
                return None;
            }
            let num = |i: usize| f[i].parse::<f32>().ok();
            let text = f[11].trim();
            if text.is_empty() {
                return None;
            }
            Some(Word {
                page: f[1].parse().ok()?,
                left: num(6)?,
                top: num(7)?,
                right: num(6)? + num(8)?,
                height: num(9)?,
                text: text.to_string(),
            })
        })
        .collect()
}

/// Footnote marks raised back: a word of one to three digits, printed at most three quarters the
/// height of the word it touches on its left, joins that word in superscript digits. Returns the
/// words and each mark's number with where it stood (page, top).
fn raise_marks(mut words: Vec<Word>) -> (Vec<Word>, Vec<(u32, u32, f32)>) {
    let mut marks = Vec::new();
    let mut raised = vec![false; words.len()];
    for i in 0..words.len() {
        let w = &words[i];
        let Some(number) = (w.text.len() <= 3 && w.text.chars().all(|c| c.is_ascii_digit()))
            .then(|| w.text.parse::<u32>().ok())
            .flatten()
        else {
            continue;
        };
        // Only the words of its own page are looked at (`pdftotext` lists a page's words
        // together): a long appendix's every number is not compared with every word.
        let (from, to) = page_range(&words, i);
        let touched = (from..to).find(|&j| {
            let p = &words[j];
            j != i
                && !raised[j]
                && p.page == w.page
                && (w.left - p.right).abs() <= 1.5
                && (w.top - p.top).abs() <= p.height * 0.5
                && w.height <= p.height * 0.75
        });
        if let Some(j) = touched {
            let (page, top, right) = (w.page, w.top, w.right);
            raised[i] = true;
            let p = &mut words[j];
            p.text
                .push_str(&tiendo_domain::footnote::superscript_number(number));
            p.right = right;
            marks.push((number, page, top));
        }
    }
    let kept = words
        .into_iter()
        .zip(raised)
        .filter_map(|(w, r)| (!r).then_some(w))
        .collect();
    (kept, marks)
}

/// The run of words around `i` on the same page as it.
fn page_range(words: &[Word], i: usize) -> (usize, usize) {
    let page = words[i].page;
    let from = words[..i]
        .iter()
        .rposition(|w| w.page != page)
        .map_or(0, |k| k + 1);
    let to = words[i..]
        .iter()
        .position(|w| w.page != page)
        .map_or(words.len(), |k| i + k);
    (from, to)
}

/// A line at the left margin opening with the number of a mark printed above it (or on an
/// earlier page) is that note's text: its number is written in superscript ("¹ Gồm …").
fn mark_notes(lines: &mut [Line], marks: &[(u32, u32, f32)]) {
    let margin = lines
        .iter()
        .filter_map(|l| l.words.first())
        .map(|w| w.left)
        .fold(f32::MAX, f32::min);
    for l in lines.iter_mut() {
        let (page, top, more) = (l.page, l.top, l.words.len() > 1);
        let Some(first) = l.words.first_mut() else {
            continue;
        };
        let Ok(number) = first.text.parse::<u32>() else {
            continue;
        };
        let below_its_mark = marks
            .iter()
            .any(|&(n, p, t)| n == number && (p < page || (p == page && t < top)));
        if below_its_mark && (first.left - margin).abs() <= 3.0 && more {
            first.text = tiendo_domain::footnote::superscript_number(number);
        }
    }
}

/// Words grouped into printed lines (same page, tops within a third of the text height), top to
/// bottom.
fn lines(mut words: Vec<Word>) -> Vec<Line> {
    words.sort_by(|a, b| {
        (a.page, a.top, a.left)
            .partial_cmp(&(b.page, b.top, b.left))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<(f32, Line)> = Vec::new();
    for w in words {
        match out.last_mut() {
            Some((top, l)) if l.page == w.page && (w.top - *top).abs() <= w.height / 3.0 => {
                l.words.push(w)
            }
            _ => out.push((
                w.top,
                Line {
                    page: w.page,
                    top: w.top,
                    words: vec![w],
                },
            )),
        }
    }
    out.into_iter()
        .map(|(_, mut l)| {
            l.words.sort_by(|a, b| {
                a.left
                    .partial_cmp(&b.left)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            l
        })
        .collect()
}

/// Left edges where segments start on at least three lines, merged within two points.
fn columns(lines: &[Line]) -> Vec<f32> {
    let mut lefts: Vec<f32> = lines
        .iter()
        .flat_map(|l| l.segments().into_iter().map(|s| s.left))
        .collect();
    lefts.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let mut out: Vec<(f32, usize)> = Vec::new();
    for x in lefts {
        match out.last_mut() {
            Some((c, n)) if x - *c <= 2.0 => *n += 1,
            _ => out.push((x, 1)),
        }
    }
    out.into_iter()
        .filter(|(_, n)| *n >= 3)
        .map(|(c, _)| c)
        .collect()
}

/// The column a segment starts at, if it starts at one.
fn column_of(cols: &[f32], left: f32) -> Option<usize> {
    cols.iter().position(|c| (left - c).abs() <= 2.0)
}

/// The column a word lies in: the last column starting at or before it.
fn column_in(cols: &[f32], left: f32) -> Option<usize> {
    cols.iter().rposition(|c| *c <= left + 2.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Words in cells: each run of words stays inside its column.
    Row,
    /// One text running across columns (a heading merged across the table, or prose).
    Crossing,
    /// Text left of the table.
    Text,
}

/// A line's words by column, or why it is not a row: words run from one column into the next
/// without the gap between cells (crossing), or start left of the table (text).
fn kind(l: &Line, cols: &[f32]) -> Kind {
    let Some(first) = l.words.first() else {
        return Kind::Text;
    };
    if column_in(cols, first.left).is_none() {
        return Kind::Text;
    }
    // A word reaching past the next column's start belongs to a merged text.
    for w in &l.words {
        if let Some(next) = column_in(cols, w.left).and_then(|c| cols.get(c + 1))
            && w.right > next + 1.0
        {
            return Kind::Crossing;
        }
    }
    // Inside a cell, justified words may stand far apart; across a cell boundary the next
    // column's text starts at the column's edge.
    for pair in l.words.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if column_in(cols, a.left) != column_in(cols, b.left) && column_of(cols, b.left).is_none() {
            return Kind::Crossing;
        }
    }
    let segs = l.segments();
    if segs.len() == 1 && column_of(cols, first.left) == Some(0) && l.words.len() > 1 {
        // One run of words from the first column: a cell of the first column (short) …
        let Some(next) = cols.get(1) else {
            return Kind::Row;
        };
        if l.words.iter().all(|w| w.right <= next + 1.0) {
            return Kind::Row;
        }
        return Kind::Crossing;
    }
    Kind::Row
}

/// A table's rows from its lines: a row starts where the first column has text (or at a merged
/// line); the lines after continue its cells. A word longer than its column is broken across
/// lines: a lone word that fills its column joins the next line's first word without a space.
fn rows(lines: &[&Line], cols: &[f32]) -> Vec<Vec<Cell>> {
    // The right edge text reaches in each column (where a full line ends), and the text's size.
    let height = lines
        .iter()
        .flat_map(|l| l.words.iter().map(|w| w.height))
        .fold(0.0f32, f32::max);
    let mut reach = vec![f32::MIN; cols.len()];
    for l in lines {
        for w in &l.words {
            if let Some(c) = column_in(cols, w.left) {
                reach[c] = reach[c].max(w.right);
            }
        }
    }
    // Per row: merged text, or per column its printed lines (words).
    enum RowAcc {
        Merged(String),
        Cells(Vec<Vec<Vec<String>>>, Vec<Vec<f32>>),
    }
    // The distance between two lines of one cell; a row begins after a clearly wider one (the
    // padding between rows), for tables whose rows do not all carry a number.
    let pitch = line_pitch(lines, height);
    let mut out: Vec<RowAcc> = Vec::new();
    let mut prev: Option<&Line> = None;
    for l in lines {
        let gap = prev
            .filter(|p| p.page == l.page)
            .map(|p| l.top - p.top)
            .unwrap_or(0.0);
        prev = Some(l);
        if kind(l, cols) == Kind::Crossing {
            out.push(RowAcc::Merged(l.text()));
            continue;
        }
        let starts_row = l
            .words
            .first()
            .and_then(|w| column_in(cols, w.left))
            .is_some_and(|c| c == 0);
        // A header wrapped over lines ("Tên nhiệm" / "vụ") ends where its cells would stop being
        // headers: the rest of a row cut by the page follows it.
        let after_header = match out.last() {
            Some(RowAcc::Cells(cells, _)) => header_complete(cells, l, cols),
            _ => false,
        };
        let spaced = pitch.is_some_and(|p| gap > p * 1.6);
        if starts_row || after_header || spaced || !matches!(out.last(), Some(RowAcc::Cells(..))) {
            out.push(RowAcc::Cells(
                vec![Vec::new(); cols.len()],
                vec![Vec::new(); cols.len()],
            ));
        }
        let Some(RowAcc::Cells(cells, rights)) = out.last_mut() else {
            continue;
        };
        let mut seen: Vec<bool> = vec![false; cols.len()];
        for w in &l.words {
            let Some(c) = column_in(cols, w.left) else {
                continue;
            };
            if !seen[c] {
                cells[c].push(Vec::new());
                rights[c].push(f32::MIN);
                seen[c] = true;
            }
            if let (Some(line), Some(r)) = (cells[c].last_mut(), rights[c].last_mut()) {
                line.push(w.text.clone());
                *r = r.max(w.right);
            }
        }
    }
    out.into_iter()
        .map(|r| match r {
            RowAcc::Merged(t) => vec![Cell {
                text: t,
                span: cols.len(),
            }],
            RowAcc::Cells(cells, rights) => cells
                .into_iter()
                .zip(rights)
                .zip(&reach)
                .map(|((lines, rights), reach)| {
                    Cell::new(join_cell(&lines, &rights, *reach, height))
                })
                .collect(),
        })
        .collect()
}

/// The usual distance between consecutive printed lines (the median of those under twice the
/// text's height), when there are enough to tell.
fn line_pitch(lines: &[&Line], height: f32) -> Option<f32> {
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].top - w[0].top)
        .filter(|g| *g > 0.0 && *g < height * 2.0)
        .collect();
    if gaps.len() < 3 {
        return None;
    }
    gaps.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Some(gaps[gaps.len() / 2])
}

/// Whether a row read so far is a whole header (every cell a header), which this line would spoil.
fn header_complete(cells: &[Vec<Vec<String>>], l: &Line, cols: &[f32]) -> bool {
    let text = |lines: &[Vec<String>]| {
        lines
            .iter()
            .map(|w| w.join(" "))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let filled: Vec<String> = cells
        .iter()
        .map(|c| text(c))
        .filter(|t| !t.is_empty())
        .collect();
    if filled.len() < 2 || !filled.iter().all(|t| crate::columns::is_header_cell(t)) {
        return false;
    }
    // The cells with this line added.
    let mut more: Vec<Vec<Vec<String>>> = cells.to_vec();
    for w in &l.words {
        if let Some(c) = column_in(cols, w.left)
            && let Some(cell) = more.get_mut(c)
        {
            cell.push(vec![w.text.clone()]);
        }
    }
    more.iter()
        .map(|c| text(c))
        .filter(|t| !t.is_empty())
        .any(|t| !crate::columns::is_header_cell(&t))
}

/// A cell's printed lines joined by a space, except where a symbol or a date was broken by the
/// line's end: after a hyphen or slash ("125/QĐ-" + "TTg"), and a date cut in two by a line it
/// fills ("30/6/202" + "6"). Words are never glued.
fn join_cell(lines: &[Vec<String>], rights: &[f32], reach: f32, height: f32) -> String {
    let mut out = String::new();
    for (i, words) in lines.iter().enumerate() {
        let text = words.join(" ");
        if i > 0 {
            let prev = &lines[i - 1];
            let last = prev.last().map(String::as_str).unwrap_or("");
            let next_alnum = words.first().is_some_and(|w| {
                w.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '/')
            });
            let first = words.first().map(String::as_str).unwrap_or("");
            // A symbol broken at its hyphen or slash, on either side ("125/QĐ-" + "TTg", "2835/QĐ"
            // + "-TTg").
            let hyphen = (last.chars().count() > 1 && last.ends_with(['-', '/']))
                || (first.chars().count() > 1
                    && first.starts_with(['-', '/'])
                    && last.ends_with(|c: char| c.is_alphanumeric()));
            // A number cut in two: "30/6/202" + "6", "13/11/20" + "25".
            let digits = last.contains('/')
                && last.ends_with(|c: char| c.is_ascii_digit())
                && first.starts_with(|c: char| c.is_ascii_digit());
            let fills = prev.len() == 1 && rights[i - 1] >= reach - height * 0.5;
            if !(next_alnum && (hyphen || (digits && fills))) {
                out.push(' ');
            }
        }
        out.push_str(&text);
    }
    out
}

/// What a page holds, in reading order: printed lines of text, and tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Line(String),
    Table(Block),
}

/// The pieces of a PDF whose words (`pdftotext -tsv`) hold tables: tables in place, the printed
/// lines between them as text. None when no table of three columns and two rows or more is found.
pub fn pieces_with_tables(tsv: &str) -> Option<Vec<Piece>> {
    let (words, marks) = raise_marks(words(tsv));
    let mut lines = lines(words);
    mark_notes(&mut lines, &marks);
    let mut out = Vec::new();
    let mut found = false;
    let mut tables = 0;
    for region in regions(&lines) {
        let region_lines = &lines[region.clone()];
        found |= region_pieces(region_lines, &mut out, &mut tables);
    }
    found.then_some(out)
}

/// Runs of lines between lines of prose (one run of words across most of the text's width):
/// each run's columns are its own, so two tables of one document do not mix their columns.
fn regions(lines: &[Line]) -> Vec<std::ops::Range<usize>> {
    let (min, max) = lines
        .iter()
        .flat_map(|l| l.words.iter())
        .fold((f32::MAX, f32::MIN), |(a, b), w| {
            (a.min(w.left), b.max(w.right))
        });
    let width = (max - min).max(1.0);
    let prose = |l: &Line| {
        let segs = l.segments();
        segs.len() == 1 && segs[0].right - segs[0].left > width * 0.6
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (i, l) in lines.iter().enumerate() {
        if prose(l) {
            if start < i {
                out.push(start..i);
            }
            out.push(i..i + 1);
            start = i + 1;
        }
    }
    if start < lines.len() {
        out.push(start..lines.len());
    }
    out
}

/// The pieces of one region: its tables (by its own columns) and its other lines. Says whether
/// a table was found.
fn region_pieces(lines: &[Line], out: &mut Vec<Piece>, tables: &mut usize) -> bool {
    let cols = columns(lines);
    if cols.len() < 3 {
        out.extend(lines.iter().map(|l| Piece::Line(l.text())));
        return false;
    }
    let kinds: Vec<Kind> = lines.iter().map(|l| kind(l, &cols)).collect();
    let mut i = 0;
    let mut found = false;
    while i < lines.len() {
        if kinds[i] != Kind::Row {
            // Text outside a table (a page number alone is dropped with the paragraphs).
            out.push(Piece::Line(lines[i].text()));
            i += 1;
            continue;
        }
        // A table: its row lines, with crossing lines between them (merged headings), on one page.
        let page = lines[i].page;
        let mut j = i;
        let mut end = i;
        while j < lines.len() && lines[j].page == page {
            match kinds[j] {
                Kind::Row => end = j,
                Kind::Crossing => {}
                Kind::Text => break,
            }
            j += 1;
        }
        let table_lines: Vec<&Line> = lines[i..=end].iter().collect();
        let rows = rows(&table_lines, &cols);
        // One row filling several columns is a table too: a row continued from the page before.
        let cells_filled = |r: &Vec<Cell>| r.iter().filter(|c| !c.text.is_empty()).count();
        if rows.len() >= 2 || rows.first().is_some_and(|r| cells_filled(r) >= 2) {
            found = true;
            for rows in split_at_headers(rows) {
                *tables += 1;
                out.push(Piece::Table(Block::Table {
                    origin: format!("bảng trang {page} ({tables})"),
                    rows,
                }));
            }
        } else {
            out.extend(table_lines.iter().map(|l| Piece::Line(l.text())));
        }
        i = end + 1;
    }
    found
}

/// A header inside a page's rows begins a table of its own: the rows above it end a row of the
/// previous page (Word repeats the header after them).
fn split_at_headers(rows: Vec<Vec<Cell>>) -> Vec<Vec<Vec<Cell>>> {
    let mut parts: Vec<Vec<Vec<Cell>>> = vec![Vec::new()];
    for r in rows {
        let texts: Vec<String> = r.iter().map(|c| c.text.clone()).collect();
        let header = crate::columns::table_kind(&texts).is_some();
        if header && parts.last().is_some_and(|p| !p.is_empty()) {
            parts.push(Vec::new());
        }
        if let Some(p) = parts.last_mut() {
            p.push(r);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tsv(words: &[(u32, f32, f32, &str)]) -> String {
        let mut s = String::from(
            "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n",
        );
        for (page, left, top, text) in words {
            let width = text.chars().count() as f32 * 6.0;
            s.push_str(&format!(
                "5\t{page}\t0\t0\t0\t0\t{left}\t{top}\t{width}\t14\t100\t{text}\n"
            ));
        }
        s
    }

    #[test]
    fn a_table_of_wrapped_cells_reads_as_rows() {
        // Three columns at 90, 150, 300; the second row's name wraps onto a second line.
        let t = tsv(&[
            (1, 90.0, 50.0, "DANH MỤC NHIỆM VỤ"),
            (1, 90.0, 100.0, "TT"),
            (1, 150.0, 100.0, "Tên"),
            (1, 300.0, 100.0, "Chủ"),
            (1, 150.0, 114.0, "nhiệm vụ"),
            (1, 300.0, 114.0, "trì"),
            (1, 90.0, 130.0, "1."),
            (1, 150.0, 130.0, "Xây dựng"),
            (1, 300.0, 130.0, "Bộ Y tế"),
            (1, 150.0, 144.0, "Đề án"),
            (1, 90.0, 160.0, "2."),
            (1, 150.0, 160.0, "Số hóa"),
            (1, 300.0, 160.0, "Bộ Tư pháp"),
        ]);
        let blocks = pieces_with_tables(&t).expect("a table");
        assert_eq!(blocks[0], Piece::Line("DANH MỤC NHIỆM VỤ".into()));
        let Piece::Table(Block::Table { rows, .. }) = &blocks[1] else {
            panic!("table: {blocks:?}")
        };
        let texts: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["TT", "Tên nhiệm vụ", "Chủ trì"],
                vec!["1.", "Xây dựng Đề án", "Bộ Y tế"],
                vec!["2.", "Số hóa", "Bộ Tư pháp"],
            ]
        );
    }

    #[test]
    fn prose_alone_has_no_table() {
        let t = tsv(&[
            (1, 90.0, 100.0, "Giao Bộ Công an chủ trì"),
            (1, 90.0, 114.0, "phối hợp với các bộ"),
            (1, 90.0, 128.0, "hoàn thành trong tháng 6/2025."),
        ]);
        assert!(pieces_with_tables(&t).is_none());
    }
}
