//! Excel (.xlsx, .xlsm, .xlsb, .xls) and OpenDocument (.ods) through calamine. Every sheet is a
//! table; merged regions are filled from their first cell so a merged heading row reads as one
//! heading and a vertically merged agency applies to every task it covers.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use crate::blocks::{Block, Cell};
use crate::error::ImportError;

pub fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Block>, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ImportError::Corrupt(format!("tệp nén hỏng hoặc không đầy đủ ({e})")))?;
        crate::docx::check_expanded_size(&mut zip)?;
        if zip.by_name("EncryptionInfo").is_ok() {
            return Err(ImportError::Protected);
        }
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(map_err)?;
    let mut blocks = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(map_err)?;
        let (h, w) = range.get_size();
        if h == 0 || w == 0 {
            continue;
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut grid: Vec<Vec<String>> = vec![vec![String::new(); w]; h];
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                grid[r][c] = data_text(v);
            }
        }
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        if let Sheets::Xlsx(x) = &mut wb {
            for d in x.merge_cells_by_sheet_name(&name).unwrap_or_default() {
                let (sr, sc) = (
                    d.start.0.saturating_sub(r0) as usize,
                    d.start.1.saturating_sub(c0) as usize,
                );
                let (er, ec) = (
                    d.end.0.saturating_sub(r0) as usize,
                    d.end.1.saturating_sub(c0) as usize,
                );
                if sr >= h || sc >= w {
                    continue;
                }
                let text = grid[sr][sc].clone();
                if sr == er.min(h - 1) {
                    spans.push((sr, sc, ec.min(w - 1) - sc + 1));
                } else {
                    for row in grid.iter_mut().take(er.min(h - 1) + 1).skip(sr) {
                        row[sc] = text.clone();
                    }
                }
            }
        }
        let rows = grid
            .into_iter()
            .enumerate()
            .map(|(r, row)| {
                let mut cells = Vec::new();
                let mut c = 0;
                while c < row.len() {
                    let span = spans
                        .iter()
                        .find(|(sr, sc, _)| *sr == r && *sc == c)
                        .map(|s| s.2)
                        .unwrap_or(1);
                    cells.push(Cell {
                        text: row[c].clone(),
                        span,
                    });
                    c += span.max(1);
                }
                cells
            })
            .collect();
        blocks.push(Block::Table {
            origin: format!("trang tính \"{name}\""),
            rows,
        });
    }
    Ok(blocks)
}

fn map_err(e: calamine::Error) -> ImportError {
    let msg = e.to_string();
    let lower = msg.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        ImportError::Protected
    } else {
        ImportError::Corrupt(format!("không đọc được bảng tính ({msg})"))
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) => tiendo_domain::text::clean_cell(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => serial_to_dmy(d.as_f64()).unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) => iso_to_dmy(s).unwrap_or_else(|| s.clone()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel date serial (days since 1899-12-30) as d/m/yyyy, the way the documents write dates.
fn serial_to_dmy(serial: f64) -> Option<String> {
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let d = base.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(format!("{}/{}/{}", d.day(), u8::from(d.month()), d.year()))
}

fn iso_to_dmy(s: &str) -> Option<String> {
    let d = tiendo_domain::deadline::parse_user_date(s.get(..10)?)?;
    Some(format!("{}/{}/{}", d.day(), u8::from(d.month()), d.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_become_written_dates() {
        assert_eq!(serial_to_dmy(46203.0).as_deref(), Some("30/6/2026"));
    }

    #[test]
    fn garbage_is_corrupt() {
        assert!(read_spreadsheet(b"PK\x03\x04not really").is_err());
    }
}
