//! What the commands share: dates typed as arguments, and writing a result to the terminal or
//! a file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use tiendo_domain::deadline::parse_user_date;
use time::Date;

use crate::args::ReportFormat;

pub(crate) fn parse_date_arg(name: &str, s: &str) -> anyhow::Result<Date> {
    parse_user_date(s).ok_or_else(|| anyhow!("{name}: ngày không hợp lệ \"{s}\" (dùng YYYY-MM-DD)"))
}

pub(crate) fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Writes a Word or Excel report to --output (or a default name in the working directory) and
/// says where.
pub(crate) fn write_official(
    doc: &tiendo_office::official::OfficialDoc,
    format: ReportFormat,
    output: Option<PathBuf>,
    default_stem: &str,
) -> anyhow::Result<ExitCode> {
    let (bytes, ext) = match format {
        ReportFormat::Docx => (doc.to_docx()?, "docx"),
        _ => (doc.to_xlsx()?, "xlsx"),
    };
    let path = output.unwrap_or_else(|| PathBuf::from(format!("{default_stem}.{ext}")));
    std::fs::write(&path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
    eprintln!("Đã ghi {}", path.display());
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn emit(output: &Option<PathBuf>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("không ghi được {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
            Ok(())
        }
    }
}

pub(crate) fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}
