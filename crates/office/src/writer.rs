//! A minimal Word writer: paragraphs and a table with a repeated header row, enough for generated
//! test and benchmark appendices. Official report layouts build on it.

use std::io::Write;

use crate::error::ImportError;

use crate::xml::escape as esc;

fn para(text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        esc(text)
    )
}

fn cell(text: &str) -> String {
    let ps: String = text.split('\n').map(para).collect();
    format!(
        "<w:tc>{}</w:tc>",
        if ps.is_empty() { "<w:p/>".into() } else { ps }
    )
}

/// One row of the table: either cells, or a heading merged across the whole width.
pub enum Row {
    Cells(Vec<String>),
    Heading(String),
}

/// A .docx with title paragraphs and one table whose first row is repeated on every page.
pub fn table_docx(title: &[String], header: &[&str], rows: &[Row]) -> Result<Vec<u8>, ImportError> {
    let width = header.len();
    let mut body = String::new();
    for t in title {
        body.push_str(&para(t));
    }
    body.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for _ in 0..width {
        body.push_str("<w:gridCol w:w=\"1400\"/>");
    }
    body.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for h in header {
        body.push_str(&cell(h));
    }
    body.push_str("</w:tr>");
    for r in rows {
        match r {
            Row::Cells(c) => {
                body.push_str("<w:tr>");
                for i in 0..width {
                    body.push_str(&cell(c.get(i).map(String::as_str).unwrap_or("")));
                }
                body.push_str("</w:tr>");
            }
            Row::Heading(h) => {
                body.push_str(&format!(
                    "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"{width}\"/></w:tcPr>{}</w:tc></w:tr>",
                    para(h)
                ));
            }
        }
    }
    body.push_str(
        "</w:tbl><w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/></w:sectPr>",
    );
    let mut buf = Vec::new();
    {
        let io = |e: std::io::Error| ImportError::Io(e.to_string());
        let zerr = |e: zip::result::ZipError| ImportError::Io(e.to_string());
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).map_err(zerr)?;
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).map_err(io)?;
        z.start_file("_rels/.rels", o).map_err(zerr)?;
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).map_err(io)?;
        z.start_file("word/document.xml", o).map_err(zerr)?;
        write!(z, r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).map_err(io)?;
        z.finish().map_err(zerr)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_table_reads_back() {
        let bytes = table_docx(
            &["Phụ lục".into()],
            &["TT", "Tên nhiệm vụ", "Chủ trì", "Thời hạn"],
            &[
                Row::Heading("I. MỤC MỘT".into()),
                Row::Cells(vec![
                    "1".into(),
                    "A & <B>".into(),
                    "Bộ Y tế".into(),
                    "Quý I/2026".into(),
                ]),
            ],
        )
        .expect("writes");
        let blocks = crate::docx::read_docx(&bytes).expect("reads");
        let crate::blocks::Block::Table { rows, .. } = &blocks[1] else {
            panic!("table")
        };
        assert_eq!(rows[2][1].text, "A & <B>");
        assert_eq!(rows[1][0].span, 4);
    }
}
