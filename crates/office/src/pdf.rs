//! Text-based PDF: the text is taken out by poppler's `pdftotext` (Debian's poppler-utils, which
//! the project's scripts install) and read as prose. A PDF without text (a scan) needs OCR, which
//! this program does not do: it says so and reads nothing.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use std::sync::LazyLock;
use tiendo_domain::text::fold;

use crate::ImportError;
use crate::blocks::Block;

/// How long `pdftotext` may take on one file.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The program used, `TIENDO_PDFTOTEXT` or `pdftotext` on the PATH.
fn program() -> String {
    std::env::var("TIENDO_PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into())
}

/// Runs `pdftotext` on the bytes and returns its text (pages separated by form feeds), or with
/// `-tsv` each word with its box.
fn extract(bytes: &[u8], tsv: bool) -> Result<String, ImportError> {
    let mut args = vec!["-enc", "UTF-8", "-q"];
    if tsv {
        args.push("-tsv");
    }
    args.extend(["-", "-"]);
    let mut child = Command::new(program())
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ImportError::Unsupported(
                "đọc PDF cần chương trình pdftotext (gói poppler-utils: apt-get install poppler-utils)"
                    .into(),
            ),
            _ => ImportError::Io(format!("không chạy được pdftotext: {e}")),
        })?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| ImportError::Io("pdftotext: không mở được đầu vào".into()))?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // A reader that stops early closes the pipe; that is not an error of ours.
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| ImportError::Io("pdftotext: không đọc được đầu ra".into()))?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ImportError::Corrupt(
                    "đọc PDF quá lâu (quá 60 giây); tệp có thể hỏng".into(),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ImportError::Io(format!("pdftotext: {e}"))),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    if !status.success() {
        let f = fold(&err);
        if f.contains("password") || f.contains("encrypt") {
            return Err(ImportError::Protected);
        }
        return Err(ImportError::Corrupt(format!(
            "PDF không đọc được{}",
            err.lines()
                .next()
                .map(|l| format!(" ({})", l.trim()))
                .unwrap_or_default()
        )));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

static STARTS_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-•+–*]\s|[a-zđ]\)\s|(?:[ivxlc]+|\d{1,2}(?:\.\d{1,2})*)\.\s)")
        .expect("static regex")
});

/// A line in capitals ("THÔNG BÁO", "III. NHIỆM VỤ, GIẢI PHÁP") stands alone.
fn capitals(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3 && letters.iter().all(|c| !c.is_lowercase())
}

/// The PDF's content: its tables (appendices printed from Word or Excel, [`crate::pdf_tables`])
/// in place, its text as paragraphs. Printed lines wrap anywhere — before a capital ("Bộ Công
/// an"), across a page (a blank line, a page number) — so a line continues the paragraph before
/// it unless that one ended a sentence (".", ":", "!", "?"), or the line opens an item, a heading
/// or a bullet, or either is in capitals. Page numbers alone on a line are dropped.
pub fn read_pdf(bytes: &[u8]) -> Result<Vec<Block>, ImportError> {
    let text = extract(bytes, false)?;
    if text.chars().all(|c| c.is_whitespace() || c == '\u{c}') {
        return Err(ImportError::NeedsOcr);
    }
    if let Some(pieces) = crate::pdf_tables::pieces_with_tables(&extract(bytes, true)?) {
        // Each paragraph a block of its own: "PHỤ LỤC II" then opens an appendix.
        let mut blocks = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        let flush = |pending: &mut Vec<String>, blocks: &mut Vec<Block>| {
            let text = reflow(pending.iter().map(String::as_str));
            blocks.extend(
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| Block::Paragraph(l.to_string())),
            );
            pending.clear();
        };
        for p in pieces {
            match p {
                crate::pdf_tables::Piece::Line(l) => pending.push(l),
                crate::pdf_tables::Piece::Table(t) => {
                    flush(&mut pending, &mut blocks);
                    blocks.push(t);
                }
            }
        }
        flush(&mut pending, &mut blocks);
        return Ok(blocks);
    }
    Ok(vec![Block::Paragraph(reflow(text.split(['\n', '\u{c}'])))])
}

/// Printed lines joined back into paragraphs (one per line of the result).
fn reflow<'a>(printed: impl Iterator<Item = &'a str>) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut last_line = String::new();
    for raw in printed {
        let line = raw.trim();
        if line.is_empty() || line.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        // "(1) …; (2) …" and "chức năng chính: (i) …" run on inside their paragraph.
        let inline_part = line.starts_with('(');
        // A footnote's text ("¹ Gồm …") never continues the paragraph above it.
        let note = line.starts_with(tiendo_domain::footnote::SUPERSCRIPT_DIGITS);
        let continues = !note
            && paragraphs.last().is_some_and(|p| {
                (!p.ends_with(['.', ':', '!', '?']) || (inline_part && p.ends_with(':')))
                    && !STARTS_ITEM.is_match(&fold(line))
                    && !capitals(line)
                    && !capitals(&last_line)
            });
        match paragraphs.last_mut() {
            Some(p) if continues => {
                p.push(' ');
                p.push_str(line);
            }
            _ => paragraphs.push(line.to_string()),
        }
        last_line = line.to_string();
    }
    paragraphs.join("\n")
}
