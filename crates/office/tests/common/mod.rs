//! Shared by the reader tests: the registry, reading bytes, and a minimal .docx writer.

#![allow(dead_code)]

use std::io::Write;

use tiendo_domain::agency::Registry;
use tiendo_office::{DocumentPreview, ImportError, ReadOptions, read_bytes};
use time::macros::date;

pub fn registry() -> Registry {
    Registry::default_registry().expect("registry")
}

pub fn read(name: &str, bytes: &[u8]) -> Result<DocumentPreview, ImportError> {
    let reg = registry();
    read_bytes(
        name,
        bytes,
        ReadOptions {
            registry: &reg,
            reported_on: date!(2026 - 05 - 01),
        },
    )
}

/// A document written for the tests (`testdata/constructed`, see its README).
pub fn constructed(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/constructed")
            .join(name),
    )
    .expect("fixture")
}

// ---- a minimal .docx writer ----

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn para(text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        esc(text)
    )
}

pub fn cell(text: &str) -> String {
    let paras: String = text.split('\n').map(para).collect();
    format!(
        "<w:tc><w:tcPr/>{}</w:tc>",
        if paras.is_empty() {
            "<w:p/>".to_string()
        } else {
            paras
        }
    )
}

pub fn row(cells: &[&str]) -> String {
    format!(
        "<w:tr>{}</w:tr>",
        cells.iter().map(|c| cell(c)).collect::<String>()
    )
}

pub fn merged_row(text: &str, span: usize) -> String {
    format!(
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr>{}</w:tc></w:tr>",
        para(text)
    )
}

pub fn table(rows: &[String]) -> String {
    format!("<w:tbl><w:tblPr/>{}</w:tbl>", rows.concat())
}

pub fn docx(body: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).expect("zip");
        z.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).expect("zip");
        z.start_file("word/document.xml", o).expect("zip");
        write!(z, r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).expect("zip");
        z.finish().expect("zip");
    }
    buf
}
