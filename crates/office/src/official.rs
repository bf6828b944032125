//! Official documents in the layout of Decree 30/2020/NĐ-CP: A4, Times New Roman 13 (the title
//! 14; the issuer and "CỘNG HÒA …" 12 so that the heading keeps to its two columns), the national
//! motto heading where the output is a document, "PHỤ LỤC" title and "(Kèm theo …)" line for
//! appendices, a table whose header row repeats on every page, landscape for wide tables. The same
//! content becomes a .docx or an .xlsx (frozen header, filters, widths, wrapped text, real dates).

use std::io::Write;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};
use time::Date;

use crate::error::ImportError;

/// One cell of an official table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(i64),
    /// A date: written dd/mm/yyyy in Word, a real date in Excel.
    Date(Date),
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableRow {
    /// A heading across the whole table ("I. HOÀN THIỆN THỂ CHẾ…").
    Heading(String),
    Cells(Vec<Value>),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    /// Relative width (Word: twentieths of a point; Excel: scaled to characters).
    pub width: u32,
}

#[derive(Debug, Clone, Default)]
pub struct OfficialDoc {
    /// Issuing body, upper case, left of the national heading; no national heading when empty.
    pub issuer: Vec<String>,
    /// "Hà Nội, ngày … tháng … năm …" under the motto, when the output is a document.
    pub place_date: Option<String>,
    /// "PHỤ LỤC" or the document's title.
    pub title: String,
    /// Lines under the title: the name of the list, "(Kèm theo …)", "Dữ liệu tính đến ngày …".
    pub subtitle: Vec<String>,
    /// Paragraphs of text before the table (a document's body), justified.
    pub intro: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<TableRow>,
    /// Lines after the table (totals, notes).
    pub notes: Vec<String>,
    pub landscape: bool,
    /// Sheet name in Excel.
    pub sheet: String,
    /// "Số:      /BC-BCĐ" under the issuer, when the output is a document.
    pub number: Option<String>,
    /// "Nơi nhận" and the signature block closing a document.
    pub signature: Option<Signature>,
}

/// The end of a document: the recipients on the left, the signer on the right (authority and
/// title in capitals, the space for the signature and seal, the name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signature {
    /// "- Các thành viên Ban Chỉ đạo;" … "- Lưu: VT.", as printed.
    pub recipients: Vec<String>,
    /// "TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN".
    pub signer: Vec<String>,
    /// Printed under the space; empty leaves it to be written by hand.
    pub name: String,
}

use crate::xml::escape as esc;

fn vn_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Date(d) => vn_date(*d),
        Value::Empty => String::new(),
    }
}

/// A paragraph; `style` is "center", "bold", "italic", "underline" flags joined.
fn p(text: &str, center: bool, bold: bool, italic: bool, size_half_points: u32) -> String {
    let mut ppr = String::from("<w:pPr><w:spacing w:before=\"0\" w:after=\"60\"/>");
    if center {
        ppr.push_str("<w:jc w:val=\"center\"/>");
    }
    ppr.push_str("</w:pPr>");
    let mut runs = String::new();
    for (i, line) in text.split('\n').enumerate() {
        let mut rpr = String::from("<w:rPr>");
        if bold {
            rpr.push_str("<w:b/>");
        }
        if italic {
            rpr.push_str("<w:i/>");
        }
        rpr.push_str(&format!(
            "<w:sz w:val=\"{size_half_points}\"/><w:szCs w:val=\"{size_half_points}\"/></w:rPr>"
        ));
        if i > 0 {
            runs.push_str("<w:r><w:br/></w:r>");
        }
        runs.push_str(&format!(
            "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
            esc(line)
        ));
    }
    format!("<w:p>{ppr}{runs}</w:p>")
}

/// A cell whose text starts at its top.
fn top(cell: String) -> String {
    cell.replace("<w:vAlign w:val=\"center\"/>", "<w:vAlign w:val=\"top\"/>")
}

fn tc(content: &str, width: u32, span: usize, shade: bool) -> String {
    let mut pr = format!("<w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if span > 1 {
        pr.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    if shade {
        pr.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>");
    }
    pr.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
    format!("<w:tc>{pr}{content}</w:tc>")
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

/// Several official documents in one Word file, each in a section of its own (its own page
/// orientation), starting on a new page: a meeting's pack of appendices.
#[derive(Debug, Clone, Default)]
pub struct OfficialPack {
    pub parts: Vec<OfficialDoc>,
}

impl OfficialPack {
    pub fn to_docx(&self) -> Result<Vec<u8>, ImportError> {
        let mut body = String::new();
        let n = self.parts.len();
        for (i, part) in self.parts.iter().enumerate() {
            body.push_str(&part.body_xml());
            if i + 1 < n {
                // A section ends with a paragraph carrying its page setup.
                body.push_str(&format!("<w:p><w:pPr>{}</w:pPr></w:p>", part.sect_pr()));
            } else {
                body.push_str(&part.sect_pr());
            }
        }
        package_docx(&body)
    }
}

fn package_docx(body: &str) -> Result<Vec<u8>, ImportError> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
    );
    let io = |e: std::io::Error| ImportError::Io(e.to_string());
    let zerr = |e: zip::result::ZipError| ImportError::Io(e.to_string());
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let o = zip::write::SimpleFileOptions::default();
        for (name, content) in [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
            ),
            (
                "word/_rels/document.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
            ),
            ("word/styles.xml", STYLES),
            ("word/document.xml", document.as_str()),
        ] {
            z.start_file(name, o).map_err(zerr)?;
            z.write_all(content.as_bytes()).map_err(io)?;
        }
        z.finish().map_err(zerr)?;
    }
    Ok(buf)
}

impl OfficialDoc {
    /// Page width available for the table, in twentieths of a point.
    fn text_width(&self) -> u32 {
        // A4 (11906 × 16838); margins: left 30 mm, right 15 mm.
        if self.landscape {
            16838 - 1701 - 850
        } else {
            11906 - 1701 - 850
        }
    }

    /// The columns' widths in twentieths of a point, fitted to the rows' text
    /// ([`crate::widths::fit`]): the table's full width, rows as short as the text allows.
    fn column_widths(&self) -> Vec<u32> {
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.clone()).collect();
        let hints: Vec<u32> = self.columns.iter().map(|c| c.width).collect();
        let rows: Vec<&Vec<Value>> = self
            .rows
            .iter()
            .filter_map(|r| match r {
                TableRow::Cells(cells) => Some(cells),
                TableRow::Heading(_) => None,
            })
            .collect();
        let text = |r: &&Vec<Value>, i: usize| r.get(i).map(value_text).unwrap_or_default();
        crate::widths::fit(&headers, &rows, text, &hints, self.text_width())
    }

    pub fn to_docx(&self) -> Result<Vec<u8>, ImportError> {
        let body = format!("{}{}", self.body_xml(), self.sect_pr());
        package_docx(&body)
    }

    /// The section's page setup: A4, portrait or landscape, Decree 30 margins.
    fn sect_pr(&self) -> String {
        let (w, h, orient) = if self.landscape {
            (16838, 11906, " w:orient=\"landscape\"")
        } else {
            (11906, 16838, "")
        };
        format!(
            "<w:sectPr><w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/><w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr>"
        )
    }

    fn body_xml(&self) -> String {
        let mut body = String::new();
        if !self.issuer.is_empty() {
            // The national heading: issuer on the left, motto on the right (on one line), no
            // borders.
            let width = self.text_width();
            let (lw, rw) = (width * 42 / 100, width - width * 42 / 100);
            let mut left = p(&self.issuer.join("\n"), true, true, false, 24);
            // The short rule under the issuer, then the number line (Decree 30, form 1.1).
            left.push_str(&p("────────", true, false, false, 20));
            if let Some(number) = &self.number {
                left.push_str(&p(number, true, false, false, 26));
            }
            let mut right = p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true, true, false, 24);
            right.push_str(
                &p("Độc lập - Tự do - Hạnh phúc", true, true, false, 26)
                    .replace("<w:b/>", "<w:b/><w:u w:val=\"single\"/>"),
            );
            if let Some(pd) = &self.place_date {
                right.push_str(&p(pd, true, false, true, 26));
            }
            body.push_str(&format!(
                "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"{lw}\"/><w:gridCol w:w=\"{rw}\"/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>",
                tc(&left, lw, 1, false),
                tc(&right, rw, 1, false)
            ));
            body.push_str(&p("", false, false, false, 26));
        }
        body.push_str(&p(&self.title, true, true, false, 28));
        for (i, s) in self.subtitle.iter().enumerate() {
            let italic = s.starts_with('(') || s.starts_with("Dữ liệu");
            body.push_str(&p(s, true, i == 0 && !italic, italic, 28));
        }
        body.push_str(&p("", false, false, false, 26));
        for para in &self.intro {
            // spacing, ind, jc: the order the schema requires.
            body.push_str(&p(para, false, false, false, 28).replace(
                "w:after=\"60\"/></w:pPr>",
                "w:after=\"120\"/><w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr>",
            ));
        }
        if self.columns.is_empty() {
            for n in &self.notes {
                body.push_str(&p(n, false, false, true, 26));
            }
            body.push_str(&self.signature_xml());
            return body;
        }
        let widths = self.column_widths();
        let total: u32 = widths.iter().sum();
        body.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
        ));
        for w in &widths {
            body.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        body.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        for (c, w) in self.columns.iter().zip(&widths) {
            body.push_str(&tc(&p(&c.header, true, true, false, 26), *w, 1, true));
        }
        body.push_str("</w:tr>");
        for r in &self.rows {
            match r {
                TableRow::Heading(h) => {
                    body.push_str(&format!(
                        "<w:tr><w:trPr><w:cantSplit/></w:trPr>{}</w:tr>",
                        tc(&p(h, false, true, false, 26), total, widths.len(), false)
                    ));
                }
                TableRow::Cells(cells) => {
                    body.push_str("<w:tr>");
                    for (i, w) in widths.iter().enumerate() {
                        let v = cells.get(i).unwrap_or(&Value::Empty);
                        let center = matches!(v, Value::Number(_) | Value::Date(_));
                        // Each line of a cell is a paragraph of its own, as a clerk types it.
                        let text = value_text(v);
                        let paragraphs: String = text
                            .split('\n')
                            .map(|line| p(line, center, false, false, 26))
                            .collect();
                        body.push_str(&tc(&paragraphs, *w, 1, false));
                    }
                    body.push_str("</w:tr>");
                }
            }
        }
        body.push_str("</w:tbl>");
        for n in &self.notes {
            body.push_str(&p(n, false, false, true, 26));
        }
        body.push_str(&self.signature_xml());
        body
    }

    /// "Nơi nhận" on the left, the signer on the right, in a table without borders that is not
    /// split across pages.
    fn signature_xml(&self) -> String {
        let Some(sig) = &self.signature else {
            return String::new();
        };
        let width = self.text_width();
        let (lw, rw) = (width * 45 / 100, width - width * 45 / 100);
        let keep = |x: String| x.replace("<w:pPr>", "<w:pPr><w:keepNext/><w:keepLines/>");
        let mut left = keep(p("Nơi nhận:", false, true, true, 24));
        for r in &sig.recipients {
            left.push_str(&keep(p(r, false, false, false, 22)));
        }
        let mut right = String::new();
        for l in &sig.signer {
            right.push_str(&keep(p(l, true, true, false, 26)));
        }
        // The space for the signature and the seal.
        for _ in 0..4 {
            right.push_str(&keep(p("", true, false, false, 26)));
        }
        right.push_str(&p(&sig.name, true, true, false, 26));
        format!(
            "{}<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"{lw}\"/><w:gridCol w:w=\"{rw}\"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{}{}</w:tr></w:tbl><w:p/>",
            p("", false, false, false, 26),
            top(tc(&left, lw, 1, false)),
            top(tc(&right, rw, 1, false))
        )
    }

    pub fn to_xlsx(&self) -> Result<Vec<u8>, ImportError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let name: String = self
            .sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(if name.is_empty() { "Báo cáo" } else { &name })
            .map_err(xerr)?;
        let f = SheetFormats::new();
        let last_col = self.columns.len().saturating_sub(1) as u16;
        let mut row: u32 = 0;
        for (i, line) in std::iter::once(&self.title)
            .chain(self.subtitle.iter())
            .enumerate()
        {
            full_row(
                ws,
                row,
                last_col,
                line,
                if i == 0 { &f.title } else { &f.sub },
            )?;
            row += 1;
        }
        row += 1;
        let header_row = row;
        let widths = self.xlsx_widths();
        for (i, c) in self.columns.iter().enumerate() {
            ws.write_with_format(row, i as u16, c.header.as_str(), &f.header)
                .map_err(xerr)?;
            ws.set_column_width(i as u16, widths[i]).map_err(xerr)?;
        }
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.clone()).collect();
        ws.set_row_height(row, row_height(&headers, &widths))
            .map_err(xerr)?;
        row += 1;
        for r in &self.rows {
            match r {
                TableRow::Heading(h) => full_row(ws, row, last_col, h, &f.heading)?,
                TableRow::Cells(cells) => {
                    let values: Vec<&Value> = (0..self.columns.len())
                        .map(|i| cells.get(i).unwrap_or(&Value::Empty))
                        .collect();
                    let texts: Vec<String> = values.iter().map(|v| value_text(v)).collect();
                    ws.set_row_height(row, row_height(&texts, &widths))
                        .map_err(xerr)?;
                    for (i, v) in values.into_iter().enumerate() {
                        write_value(ws, row, i as u16, v, &f)?;
                    }
                }
            }
            row += 1;
        }
        let last_data = row.saturating_sub(1).max(header_row + 1);
        for n in &self.notes {
            ws.write_with_format(row + 1, 0, n.as_str(), &f.base.clone().set_italic())
                .map_err(xerr)?;
            row += 1;
        }
        if let Some(sig) = &self.signature {
            // Recipients under the left half, the signer under the right half.
            let mid = (last_col / 2).max(1);
            let start = row + 2;
            let side = |ws: &mut rust_xlsxwriter::Worksheet,
                        r: u32,
                        first: u16,
                        last: u16,
                        text: &str,
                        fmt: &Format|
             -> Result<(), ImportError> {
                if last > first {
                    ws.merge_range(r, first, r, last, text, fmt).map_err(xerr)?;
                } else {
                    ws.write_with_format(r, first, text, fmt).map_err(xerr)?;
                }
                Ok(())
            };
            let plain = f.base.clone().set_text_wrap();
            side(
                ws,
                start,
                0,
                mid - 1,
                "Nơi nhận:",
                &f.base.clone().set_bold().set_italic(),
            )?;
            for (i, r) in sig.recipients.iter().enumerate() {
                side(ws, start + 1 + i as u32, 0, mid - 1, r, &plain)?;
            }
            let signer = f.base.clone().set_bold().set_align(FormatAlign::Center);
            let last = last_col.max(mid);
            for (i, l) in sig.signer.iter().enumerate() {
                side(ws, start + i as u32, mid, last, l, &signer)?;
            }
            side(
                ws,
                start + sig.signer.len() as u32 + 4,
                mid,
                last,
                &sig.name,
                &signer,
            )?;
        }
        ws.set_freeze_panes(header_row + 1, 0).map_err(xerr)?;
        if row > header_row + 1 {
            ws.autofilter(header_row, 0, last_data, last_col)
                .map_err(xerr)?;
        }
        ws.set_repeat_rows(header_row, header_row).map_err(xerr)?;
        if self.landscape {
            ws.set_landscape();
        }
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        wb.save_to_buffer().map_err(xerr)
    }

    /// Column widths in characters: the Word widths' shares of the page, on a sheet printed one
    /// page wide.
    fn xlsx_widths(&self) -> Vec<f64> {
        let widths = self.column_widths();
        let total = f64::from(widths.iter().sum::<u32>().max(1));
        widths
            .iter()
            .map(|w| (f64::from(*w) / total * 160.0).clamp(4.0, 70.0))
            .collect()
    }
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> ImportError {
    ImportError::Io(e.to_string())
}

/// The cell formats of an official spreadsheet: Times New Roman, wrapped, thin borders.
struct SheetFormats {
    base: Format,
    title: Format,
    sub: Format,
    header: Format,
    cell: Format,
    centered: Format,
    date: Format,
    heading: Format,
}

impl SheetFormats {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let cell = base.clone().set_border(FormatBorder::Thin);
        let centered = cell.clone().set_align(FormatAlign::Center);
        SheetFormats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            sub: base.clone().set_italic().set_align(FormatAlign::Center),
            header: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xE7E6E6)),
            date: centered.clone().set_num_format("dd/mm/yyyy"),
            heading: cell.clone().set_bold(),
            base,
            cell,
            centered,
        }
    }
}

/// A line across every column (a title, a group heading).
fn full_row(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    last_col: u16,
    text: &str,
    format: &Format,
) -> Result<(), ImportError> {
    if last_col > 0 {
        ws.merge_range(row, 0, row, last_col, text, format)
            .map_err(xerr)?;
    } else {
        ws.write_with_format(row, 0, text, format).map_err(xerr)?;
    }
    Ok(())
}

/// Wrapped text needs its row height set: not every spreadsheet program fits it on open.
fn row_height(texts: &[String], widths: &[f64]) -> f64 {
    let lines = texts
        .iter()
        .zip(widths)
        .map(|(t, w)| {
            t.split('\n')
                .map(|l| (l.chars().count() as f64 / (w * 1.05)).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    (lines * 15.6 + 3.0).min(409.0)
}

/// One cell: text as text, numbers centred, dates as spreadsheet dates.
fn write_value(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    f: &SheetFormats,
) -> Result<(), ImportError> {
    match v {
        Value::Text(s) => ws
            .write_with_format(row, col, s.as_str(), &f.cell)
            .map(|_| ()),
        Value::Number(n) => ws
            .write_with_format(row, col, *n as f64, &f.centered)
            .map(|_| ()),
        Value::Date(d) => {
            let x = ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day())
                .map_err(xerr)?;
            ws.write_datetime_with_format(row, col, &x, &f.date)
                .map(|_| ())
        }
        Value::Empty => ws.write_blank(row, col, &f.cell).map(|_| ()),
    }
    .map_err(xerr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn doc() -> OfficialDoc {
        OfficialDoc {
            issuer: vec![],
            place_date: None,
            title: "PHỤ LỤC".into(),
            subtitle: vec![
                "DANH SÁCH NHIỆM VỤ QUÁ HẠN".into(),
                "Dữ liệu tính đến ngày 20/05/2026".into(),
            ],
            columns: vec![
                Column {
                    header: "TT".into(),
                    width: 5,
                },
                Column {
                    header: "Tên nhiệm vụ".into(),
                    width: 40,
                },
                Column {
                    header: "Thời hạn".into(),
                    width: 12,
                },
            ],
            rows: vec![
                TableRow::Heading("I. THỂ CHẾ".into()),
                TableRow::Cells(vec![
                    Value::Number(1),
                    "A & <b>".into(),
                    Value::Date(date!(2026 - 03 - 31)),
                ]),
            ],
            notes: vec!["Tổng số: 1".into()],
            landscape: true,
            sheet: "Quá hạn".into(),
            intro: vec![],
            number: None,
            signature: None,
        }
    }

    #[test]
    fn word_reads_back_with_its_table() {
        let bytes = doc().to_docx().expect("docx");
        let blocks = crate::docx::read_docx(&bytes).expect("reads back");
        let crate::blocks::Block::Table { rows, .. } = blocks
            .iter()
            .find(|b| matches!(b, crate::blocks::Block::Table { .. }))
            .expect("table")
        else {
            unreachable!()
        };
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            vec!["TT", "Tên nhiệm vụ", "Thời hạn"]
        );
        assert_eq!(rows[1][0].span, 3);
        assert_eq!(rows[2][1].text, "A & <b>");
        assert_eq!(rows[2][2].text, "31/03/2026");
    }

    #[test]
    fn a_control_character_from_the_api_leaves_the_word_file_well_formed() {
        let mut d = doc();
        d.title = "PHỤ\u{1} LỤC".into();
        d.rows.push(TableRow::Cells(vec![
            Value::Number(2),
            "Nhiệm vụ\u{1}\u{b} số hai".into(),
            Value::Text(String::new()),
        ]));
        let bytes = d.to_docx().expect("docx");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("word/document.xml").expect("part"),
            &mut xml,
        )
        .expect("utf-8");
        let bad: Vec<char> = xml
            .chars()
            .filter(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
        let blocks = crate::docx::read_docx(&bytes).expect("reads back");
        let text = format!("{blocks:?}");
        assert!(text.contains("Nhiệm vụ số hai"), "{text}");
    }

    #[test]
    fn a_signed_document_has_its_number_recipients_and_signer() {
        let mut d = doc();
        d.issuer = vec!["BAN CHỈ ĐẠO".into()];
        d.number = Some("Số:      /BC-BCĐ".into());
        d.signature = Some(Signature {
            recipients: vec!["- Các thành viên Ban Chỉ đạo;".into(), "- Lưu: VT.".into()],
            signer: vec!["KT. TRƯỞNG BAN".into(), "PHÓ TRƯỞNG BAN".into()],
            name: "Nguyễn Văn A".into(),
        });
        let blocks = crate::docx::read_docx(&d.to_docx().expect("docx")).expect("reads back");
        let text = format!("{blocks:?}");
        // The reader collapses the blank kept for the number.
        for words in [
            "Số: /BC-BCĐ",
            "Nơi nhận:",
            "- Lưu: VT.",
            "KT. TRƯỞNG BAN",
            "PHÓ TRƯỞNG BAN",
            "Nguyễn Văn A",
        ] {
            assert!(text.contains(words), "{words} missing from {text}");
        }
        // The signer comes after the table's last row.
        assert!(text.find("Nguyễn Văn A") > text.find("A & <b>"));
        use calamine::{Data, Reader};
        let mut wb =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(d.to_xlsx().expect("xlsx")))
                .expect("opens");
        let r = wb.worksheet_range("Quá hạn").expect("sheet");
        let cells: Vec<String> = r
            .rows()
            .flat_map(|r| r.iter())
            .filter_map(|c| match c {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        for words in ["Nơi nhận:", "- Lưu: VT.", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"] {
            assert!(
                cells.iter().any(|c| c == words),
                "{words} missing: {cells:?}"
            );
        }
    }

    #[test]
    fn excel_has_real_dates() {
        let bytes = doc().to_xlsx().expect("xlsx");
        use calamine::{Data, Reader};
        let mut wb =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("opens");
        let r = wb.worksheet_range("Quá hạn").expect("sheet");
        let rows: Vec<Vec<Data>> = r.rows().map(|r| r.to_vec()).collect();
        let due = rows.iter().find_map(|r| {
            r.get(2).and_then(|d| {
                if let Data::DateTime(x) = d {
                    Some(x.as_f64())
                } else {
                    None
                }
            })
        });
        assert_eq!(due, Some(46112.0), "31/03/2026 as an Excel date serial");
    }
}
