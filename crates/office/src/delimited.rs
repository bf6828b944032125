//! CSV and the tab-separated text a copied Word table gives. A line with one field is a paragraph;
//! a blank line ends a table (a page break in the copied document); cells may carry HTML fragments,
//! which are stripped (never rendered).

use crate::blocks::{Block, Cell};
use crate::error::ImportError;

pub fn read_delimited(bytes: &[u8], delimiter: Option<u8>) -> Result<Vec<Block>, ImportError> {
    let text = decode(bytes)?;
    let delimiter = delimiter.unwrap_or_else(|| sniff(&text));
    // Tab-separated copies are split by hand: their blank lines are page breaks, which a CSV
    // reader would skip. CSV files go through the csv crate for quoting.
    let records: Vec<Vec<String>> = if delimiter == b'\t' {
        text.split('\n')
            .map(|l| {
                l.trim_end_matches('\r')
                    .split('\t')
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    } else {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut v = Vec::new();
        for rec in rdr.records() {
            let rec =
                rec.map_err(|e| ImportError::Corrupt(format!("dòng không đọc được ({e})")))?;
            v.push(rec.iter().map(str::to_string).collect());
        }
        v
    };
    let mut blocks = Vec::new();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut tables = 0usize;
    let mut flush = |rows: &mut Vec<Vec<Cell>>, blocks: &mut Vec<Block>| {
        if !rows.is_empty() {
            tables += 1;
            blocks.push(Block::Table {
                origin: format!("bảng {tables}"),
                rows: std::mem::take(rows),
            });
        }
    };
    for rec in &records {
        let fields: Vec<&str> = rec.iter().map(String::as_str).collect();
        let non_empty = fields.iter().filter(|f| !f.trim().is_empty()).count();
        if non_empty == 0 {
            // A blank line: with tab-separated copies it is the page break between tables.
            if fields.len() <= 1 {
                flush(&mut rows, &mut blocks);
            } else {
                rows.push(
                    fields
                        .iter()
                        .map(|f| Cell::new(tiendo_domain::text::clean_cell(f)))
                        .collect(),
                );
            }
            continue;
        }
        if fields.len() == 1 {
            flush(&mut rows, &mut blocks);
            blocks.push(Block::Paragraph(tiendo_domain::text::clean_cell(fields[0])));
            continue;
        }
        rows.push(
            fields
                .iter()
                .map(|f| Cell::new(tiendo_domain::text::clean_cell(f)))
                .collect(),
        );
    }
    flush(&mut rows, &mut blocks);
    Ok(blocks)
}

fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let le = bytes.starts_with(b"\xFF\xFE");
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units)
            .map_err(|_| ImportError::Corrupt("văn bản UTF-16 hỏng".into()));
    }
    if bytes.contains(&0) {
        return Err(ImportError::Unsupported(
            "tệp nhị phân, không phải văn bản hay bảng tính".into(),
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ImportError::Unsupported("văn bản không ở mã UTF-8 (hãy lưu lại với mã UTF-8)".into())
    })
}

/// The delimiter of a CSV: the one of tab, semicolon and comma that splits the first lines most
/// consistently.
fn sniff(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b'\t', b';', b','] {
        let score = lines.iter().filter(|l| l.as_bytes().contains(&d)).count();
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_and_page_breaks() {
        let blocks = read_delimited(
            "Phụ lục\n\nA\tB\nx\t<p>y</p>\n\nA\tB\n".as_bytes(),
            Some(b'\t'),
        )
        .expect("reads");
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0], Block::Paragraph("Phụ lục".into()));
        let Block::Table { rows, .. } = &blocks[1] else {
            panic!("table")
        };
        assert_eq!(rows[1][1].text, "y");
    }

    #[test]
    fn csv_with_quotes_and_semicolons() {
        let blocks =
            read_delimited("TT;Tên nhiệm vụ\n1;\"a; b\nc\"\n".as_bytes(), None).expect("reads");
        let Block::Table { rows, .. } = &blocks[0] else {
            panic!("table")
        };
        assert_eq!(rows[1][1].text, "a; b\nc");
    }

    #[test]
    fn binary_is_refused() {
        assert!(read_delimited(b"\x00\x01\x02", None).is_err());
    }
}
