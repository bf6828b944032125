//! Word (.docx): `word/document.xml` read with quick-xml. Paragraphs outside tables, tables with
//! horizontal (gridSpan) and vertical (vMerge) merges; nested tables are flattened into their cell.
//! Footnotes: a reference is written where it stands as its number in superscript ("09 địa
//! phương¹"), and each note referred to (`word/footnotes.xml`) follows the document as a paragraph
//! of its own ("¹ Gồm các tỉnh: …"), numbered as Word numbers them, in order of reference.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::blocks::{Block, Cell};
use crate::error::ImportError;
use crate::{MAX_EXPANDED_BYTES, MAX_FILE_BYTES};

/// Opens an Office archive, checking its declared expanded size, and returns one part's bytes.
pub(crate) fn read_zip_part(bytes: &[u8], part: &str) -> Result<Vec<u8>, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Corrupt(format!("tệp nén hỏng hoặc không đầy đủ ({e})")))?;
    check_expanded_size(&mut zip)?;
    let mut f = match zip.by_name(part) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(ImportError::Corrupt(format!(
                "thiếu phần {part} — không phải tài liệu Word"
            )));
        }
        Err(e) => return Err(ImportError::Corrupt(format!("không mở được {part} ({e})"))),
    };
    if f.encrypted() {
        return Err(ImportError::Protected);
    }
    let mut out = Vec::new();
    // Never trust the declared size: read at most the cap, plus one byte to notice overflow.
    let n = (&mut f)
        .take(MAX_EXPANDED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::Corrupt(format!("không giải nén được {part} ({e})")))?;
    if n as u64 > MAX_EXPANDED_BYTES {
        return Err(ImportError::ZipBomb);
    }
    Ok(out)
}

pub(crate) fn check_expanded_size<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<(), ImportError> {
    if zip.len() > 10_000 {
        return Err(ImportError::ZipBomb);
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Corrupt(format!("mục nén hỏng ({e})")))?;
        total = total.saturating_add(f.size());
        // A compression ratio beyond 1000:1 on a large entry is a bomb, not a document.
        if f.size() > MAX_FILE_BYTES
            && f.compressed_size() > 0
            && f.size() / f.compressed_size() > 1000
        {
            return Err(ImportError::ZipBomb);
        }
    }
    if total > MAX_EXPANDED_BYTES {
        return Err(ImportError::ZipBomb);
    }
    Ok(())
}

pub fn read_docx(bytes: &[u8]) -> Result<Vec<Block>, ImportError> {
    let xml = read_zip_part(bytes, "word/document.xml")?;
    let (mut blocks, referred) = parse_document(&xml)?;
    if referred.is_empty() {
        return Ok(blocks);
    }
    let notes = match read_zip_part(bytes, "word/footnotes.xml") {
        Ok(xml) => parse_footnotes_xml(&xml)?,
        // References without their part: the marks stay, there is nothing to add.
        Err(ImportError::Corrupt(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    for (i, id) in referred.iter().enumerate() {
        if let Some((_, text)) = notes.iter().find(|(n, _)| n == id) {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            blocks.push(Block::Paragraph(format!(
                "{} {text}",
                tiendo_domain::footnote::superscript_number(number)
            )));
        }
    }
    Ok(blocks)
}

/// The notes of `word/footnotes.xml`: each one's id and text (its paragraphs joined), the
/// separators left out.
fn parse_footnotes_xml(xml: &[u8]) -> Result<Vec<(String, String)>, ImportError> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    let mut in_text = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Corrupt(format!("XML chú thích của tài liệu hỏng ({e})")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().into_inner() {
                "footnote" => current = attr(&e, "id").map(|id| (id, vec![String::new()])),
                "p" => {
                    if let Some((_, paras)) = current.as_mut() {
                        paras.push(String::new());
                    }
                }
                "t" => in_text = true,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(p) = current.as_mut().and_then(|(_, paras)| paras.last_mut()) {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(p) = current.as_mut().and_then(|(_, paras)| paras.last_mut()) {
                    push_entity(p, &r);
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "footnote" => {
                    if let Some((id, paras)) = current.take() {
                        let text = paras
                            .iter()
                            .map(|p| p.trim())
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ");
                        if !text.is_empty() {
                            out.push((id, text));
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    /// For each cell of the current row: does it continue a vertical merge?
    row_vmerge: Vec<bool>,
    cell_paragraphs: Vec<String>,
    span: usize,
    vmerge_continue: bool,
}

/// What reading `word/document.xml` has gathered so far: the blocks done, the tables open
/// (nested ones on top), the paragraph being read.
#[derive(Default)]
struct DocumentReader {
    blocks: Vec<Block>,
    tables: Vec<TableState>,
    para: String,
    in_text: bool,
    /// Inside tracked deletions (`w:del`), whose text is not part of the document.
    in_deleted: usize,
    table_count: usize,
    /// Footnote ids in the order the document refers to them (their number is the place + 1).
    footnotes: Vec<String>,
}

impl DocumentReader {
    fn reading_text(&self) -> bool {
        self.in_text && self.in_deleted == 0
    }

    fn start(&mut self, e: &BytesStart<'_>) {
        let table = self.tables.last_mut();
        match (e.local_name().into_inner(), table) {
            ("tbl", _) => self.tables.push(TableState::default()),
            ("tr", Some(t)) => {
                t.row.clear();
                t.row_vmerge.clear();
            }
            ("tc", Some(t)) => {
                t.cell_paragraphs.clear();
                t.span = 1;
                t.vmerge_continue = false;
            }
            ("p", _) => self.para.clear(),
            ("t", _) => self.in_text = true,
            ("del", _) => self.in_deleted += 1,
            ("vMerge", Some(t)) => t.vmerge_continue = !has_val(e, "restart"),
            _ => {}
        }
    }

    fn empty(&mut self, e: &BytesStart<'_>) {
        let kept = self.in_deleted == 0;
        let table = self.tables.last_mut();
        match (e.local_name().into_inner(), table) {
            ("gridSpan", Some(t)) => {
                t.span = attr_val(e)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
            }
            ("vMerge", Some(t)) => t.vmerge_continue = !has_val(e, "restart"),
            ("tab", _) if kept => self.para.push(' '),
            ("footnoteReference", _) if kept => {
                if let Some(id) = attr(e, "id") {
                    let place = match self.footnotes.iter().position(|f| *f == id) {
                        Some(p) => p,
                        None => {
                            self.footnotes.push(id);
                            self.footnotes.len() - 1
                        }
                    };
                    let number = u32::try_from(place + 1).unwrap_or(u32::MAX);
                    self.para
                        .push_str(&tiendo_domain::footnote::superscript_number(number));
                }
            }
            ("br" | "cr", _) if kept => self.para.push('\n'),
            // An empty paragraph of a cell.
            ("p", Some(t)) => t.cell_paragraphs.push(String::new()),
            _ => {}
        }
    }

    /// `&amp;`, `&#233;`: the character it stands for; an unknown entity is kept as written.
    fn entity(&mut self, r: &BytesRef<'_>) {
        push_entity(&mut self.para, r);
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "del" => self.in_deleted = self.in_deleted.saturating_sub(1),
            "p" => self.end_paragraph(),
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    let text = tiendo_domain::text::join_paragraphs(
                        t.cell_paragraphs.iter().map(String::as_str),
                    );
                    t.row.push(Cell { text, span: t.span });
                    t.row_vmerge.push(t.vmerge_continue);
                }
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    let mut row = std::mem::take(&mut t.row);
                    let vm = std::mem::take(&mut t.row_vmerge);
                    fill_vertical_merges(&mut row, &vm, t.rows.last());
                    t.rows.push(row);
                }
            }
            "tbl" => self.end_table(),
            _ => {}
        }
    }

    /// A paragraph goes into the cell being read, or becomes a block of its own.
    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.para);
        match self.tables.last_mut() {
            Some(t) => t.cell_paragraphs.push(text),
            None => {
                let cleaned = tiendo_domain::text::clean_cell(&text);
                if !cleaned.is_empty() {
                    self.blocks.push(Block::Paragraph(cleaned));
                }
            }
        }
    }

    /// A table becomes a block; a nested one's text goes into the enclosing cell.
    fn end_table(&mut self) {
        let Some(done) = self.tables.pop() else {
            return;
        };
        match self.tables.last_mut() {
            Some(outer) => {
                for r in done.rows {
                    let line: Vec<String> = r
                        .into_iter()
                        .map(|c| c.text)
                        .filter(|t| !t.is_empty())
                        .collect();
                    if !line.is_empty() {
                        outer.cell_paragraphs.push(line.join(" | "));
                    }
                }
            }
            None => {
                self.table_count += 1;
                self.blocks.push(Block::Table {
                    origin: format!("bảng {}", self.table_count),
                    rows: done.rows,
                });
            }
        }
    }
}

/// Parses `word/document.xml` into blocks.
pub fn parse_document_xml(xml: &[u8]) -> Result<Vec<Block>, ImportError> {
    parse_document(xml).map(|(blocks, _)| blocks)
}

/// Parses `word/document.xml` into blocks and the ids of the footnotes it refers to, in order.
fn parse_document(xml: &[u8]) -> Result<(Vec<Block>, Vec<String>), ImportError> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut doc = DocumentReader::default();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Corrupt(format!("XML của tài liệu hỏng ({e})")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => doc.start(&e),
            Event::Empty(e) => doc.empty(&e),
            Event::Text(t) if doc.reading_text() => doc.para.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if doc.reading_text() => doc.entity(&r),
            Event::End(e) => doc.end(e.local_name().into_inner()),
            _ => {}
        }
        buf.clear();
    }
    Ok((doc.blocks, doc.footnotes))
}

/// A cell continuing a vertical merge takes the text of the cell above in the same grid column.
fn fill_vertical_merges(row: &mut [Cell], vmerge: &[bool], above: Option<&Vec<Cell>>) {
    let Some(above) = above else { return };
    let mut above_cols: Vec<(usize, &str)> = Vec::new();
    let mut col = 0;
    for c in above {
        above_cols.push((col, c.text.as_str()));
        col += c.span.max(1);
    }
    let mut col = 0;
    for (c, &cont) in row.iter_mut().zip(vmerge) {
        if cont
            && c.text.is_empty()
            && let Some((_, t)) = above_cols.iter().find(|(k, _)| *k == col)
        {
            c.text = (*t).to_string();
        }
        col += c.span.max(1);
    }
}

/// `&amp;`, `&#233;`: the character it stands for; an unknown entity is kept as written.
fn push_entity(text: &mut String, r: &BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        text.push(c);
        return;
    }
    let name = r.xml10_content();
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(v) => text.push_str(v),
        None => {
            text.push('&');
            text.push_str(&name);
            text.push(';');
        }
    }
}

fn attr_val(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    for a in e.attributes().flatten() {
        if a.key.local_name().into_inner() == name {
            return Some(a.value.to_string());
        }
    }
    None
}

fn has_val(e: &quick_xml::events::BytesStart<'_>, v: &str) -> bool {
    attr_val(e).is_some_and(|x| x == v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(t: &str) -> String {
        format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn paragraphs_tables_spans_and_merges() {
        let xml = format!(
            r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Phụ lục &amp; A</w:t></w:r></w:p>
            <w:tbl><w:tr>{}{}</w:tr>
            <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>I. MỤC</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Bộ Y tế</w:t></w:r></w:p></w:tc>{}</w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>{}</w:tr>
            </w:tbl></w:body></w:document>"#,
            cell("A"),
            cell("B"),
            cell("x"),
            "<w:tc><w:p><w:r><w:t>dòng 1</w:t></w:r></w:p><w:p><w:r><w:t>dòng 2</w:t></w:r><w:r><w:delText>xoá</w:delText></w:r></w:p></w:tc>"
        );
        let blocks = parse_document_xml(xml.as_bytes()).expect("parses");
        assert_eq!(blocks[0], Block::Paragraph("Phụ lục & A".into()));
        let Block::Table { rows, .. } = &blocks[1] else {
            panic!("table expected")
        };
        assert_eq!(rows[1][0].span, 2);
        assert_eq!(
            rows[3][0].text, "Bộ Y tế",
            "vertical merge copies the text down"
        );
        assert_eq!(
            rows[3][1].text, "dòng 1\ndòng 2",
            "paragraphs joined, deletions dropped"
        );
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(parse_document_xml(b"<w:document><w:body><w:p></w:body>").is_err());
    }

    #[test]
    fn not_a_zip_is_corrupt() {
        assert!(matches!(
            read_docx(b"PK\x03\x04garbage"),
            Err(ImportError::Corrupt(_))
        ));
    }
}
