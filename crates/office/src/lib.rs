//! Import readers: a file (Word, Excel, CSV, tab-separated text, text-based PDF) becomes [`blocks::Block`]s
//! (paragraphs and tables of cells); [`document`] cuts them into a letter's body and its
//! appendices and recognises each table by its header: [`table`] reads task tables into
//! [`tiendo_domain::model::ParsedTask`]s with the column synonyms of [`columns`],
//! [`difficulty_table`] reads difficulty tables, and [`prose`] reads assignments written in
//! sentences (conclusion notices, a letter's body).

pub mod blocks;
pub mod columns;
pub mod delimited;
pub mod difficulty_table;
pub mod document;
pub mod docx;
pub mod error;
pub mod indicator_table;
pub mod official;
pub mod pdf;
pub mod pdf_tables;
pub mod prose;
pub mod spreadsheet;
pub mod table;
pub mod widths;
pub mod writer;
pub mod xml;

use std::path::Path;

use serde::{Deserialize, Serialize};
use tiendo_domain::agency::Registry;
use tiendo_domain::model::{ParsedDifficulty, ParsedIndicator, ParsedTask};
use time::Date;

pub use error::ImportError;

/// Files larger than this are refused before reading.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// The expanded size an Office archive may reach (zip bombs).
pub const MAX_EXPANDED_BYTES: u64 = 300 * 1024 * 1024;

/// What a file held: its tasks and everything worth a warning.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentPreview {
    pub file: String,
    /// Title lines found before the first table ("Phụ lục II", "(Kèm theo …)").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title: Vec<String>,
    pub tasks: Vec<ParsedTask>,
    /// Rows of difficulty tables, for the difficulties register.
    #[serde(default)]
    pub difficulties: Vec<ParsedDifficulty>,
    /// Indicators of indicator tables, with their targets and figures.
    #[serde(default)]
    pub indicators: Vec<ParsedIndicator>,
    /// The letter's rule that no answer is a commitment, when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_rule: Option<tiendo_domain::model::SilenceRule>,
    pub warnings: Vec<String>,
}

impl DocumentPreview {
    /// What the file holds, counted: "12 nhiệm vụ, 34 khó khăn, vướng mắc, 4 chỉ tiêu" (only
    /// the kinds it holds; "0 nhiệm vụ" when it holds nothing).
    pub fn contents(&self) -> String {
        contents_words(
            self.tasks.len(),
            self.difficulties.len(),
            self.indicators.len(),
        )
    }

    /// How many tasks, difficulties and indicators carry a note of their own (⚠ in the
    /// preview: an agency not identified, a cell read with a unit assumed, …), beside the file's
    /// warnings.
    pub fn rows_with_notes(&self) -> usize {
        self.tasks.iter().filter(|t| !t.notes.is_empty()).count()
            + self
                .difficulties
                .iter()
                .filter(|d| !d.notes.is_empty())
                .count()
            + self
                .indicators
                .iter()
                .filter(|i| !i.notes.is_empty())
                .count()
    }
}

/// [`DocumentPreview::contents`] of given counts (what is kept after dropping some).
pub fn contents_words(tasks: usize, difficulties: usize, indicators: usize) -> String {
    let mut parts = Vec::new();
    if tasks > 0 || difficulties + indicators == 0 {
        parts.push(format!("{tasks} nhiệm vụ"));
    }
    if difficulties > 0 {
        parts.push(format!("{difficulties} khó khăn, vướng mắc"));
    }
    if indicators > 0 {
        parts.push(format!("{indicators} chỉ tiêu"));
    }
    parts.join(", ")
}

/// How to read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    pub registry: &'a Registry,
    /// The date the file's status columns describe; also the date agency names are resolved on.
    pub reported_on: Date,
}

/// What the readers share while reading one file: the caller's options and the file's own
/// footnotes, which may say which members of a group a cell means.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    pub registry: &'a Registry,
    pub reported_on: Date,
    pub footnotes: &'a tiendo_domain::footnote::Footnotes,
}

impl Reading<'_> {
    /// An agency cell or phrase of this file, read with its footnotes.
    pub fn agencies(&self, cell: &str, on: Option<Date>) -> Vec<tiendo_domain::agency::AgencyRef> {
        self.registry.resolve_noted(cell, on, self.footnotes)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Spreadsheet,
    Csv,
    Text,
    Pdf,
}

/// Decides the format from the name and the first bytes.
pub fn detect_format(name: &str, bytes: &[u8]) -> Result<Format, ImportError> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_cfb = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    match ext {
        "docx" | "docm" => {
            if is_cfb {
                Err(ImportError::Protected)
            } else if is_zip {
                Ok(Format::Docx)
            } else {
                Err(ImportError::Corrupt(
                    "không phải tệp Word .docx hợp lệ (không phải định dạng ZIP)".into(),
                ))
            }
        }
        "doc" => Err(ImportError::LegacyDoc),
        "xlsx" | "xlsm" | "xlsb" | "ods" => {
            if is_cfb {
                Err(ImportError::Protected)
            } else if is_zip {
                Ok(Format::Spreadsheet)
            } else {
                Err(ImportError::Corrupt(
                    "không phải bảng tính hợp lệ (không phải định dạng ZIP)".into(),
                ))
            }
        }
        "xls" => Ok(Format::Spreadsheet),
        "pdf" if bytes.starts_with(b"%PDF-") => Ok(Format::Pdf),
        "pdf" => Err(ImportError::Corrupt(
            "không phải tệp PDF hợp lệ (thiếu phần mở đầu %PDF)".into(),
        )),
        _ if bytes.starts_with(b"%PDF-") => Ok(Format::Pdf),
        "csv" => Ok(Format::Csv),
        "txt" | "tsv" | "tab" => Ok(Format::Text),
        _ if is_zip => Err(ImportError::Unsupported(format!(
            "không rõ loại tệp .{ext} (tệp nén ZIP)"
        ))),
        _ if is_cfb => Err(ImportError::LegacyDoc),
        _ => Ok(Format::Text),
    }
}

/// Reads one file into its preview. Nothing is stored.
pub fn read_path(path: &Path, opts: ReadOptions<'_>) -> Result<DocumentPreview, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::Io(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::Io(e.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_bytes(&name, &bytes, opts)
}

/// Reads a file's bytes (an upload) into its preview. A panic inside a third-party reader (the
/// fuzzer found one in calamine's cell-reference parser) is reported as a corrupt file.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    opts: ReadOptions<'_>,
) -> Result<DocumentPreview, ImportError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_bytes_inner(name, bytes, opts)
    }))
    .unwrap_or_else(|_| {
        Err(ImportError::Corrupt(
            "trình đọc gặp dữ liệu bất thường trong tệp".into(),
        ))
    })
}

fn read_bytes_inner(
    name: &str,
    bytes: &[u8],
    opts: ReadOptions<'_>,
) -> Result<DocumentPreview, ImportError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge(bytes.len() as u64));
    }
    let blocks = match detect_format(name, bytes)? {
        Format::Docx => docx::read_docx(bytes)?,
        Format::Spreadsheet => spreadsheet::read_spreadsheet(bytes)?,
        Format::Csv => delimited::read_delimited(bytes, None)?,
        Format::Text => delimited::read_delimited(bytes, Some(b'\t'))?,
        Format::Pdf => pdf::read_pdf(bytes)?,
    };
    document::read_document(name, &blocks, opts)
}
