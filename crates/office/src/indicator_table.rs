//! Reads indicator tables in their two layouts:
//!
//! - one row per indicator: "STT | Chỉ tiêu | Đơn vị tính | Mục tiêu năm 2025 | Kết quả thực hiện |
//!   Cơ quan chủ trì | Đánh giá" — the target's period from its header (else the year of the
//!   date the file describes), the result as the national figure;
//! - agencies as rows, indicators as columns: "Tỉnh, thành phố | Tỷ lệ … (%) (mục tiêu: 80%) |
//!   …" — each column an indicator (its unit and target in the header's parentheses), each cell
//!   that agency's figure; a row "Toàn quốc" / "Cả nước" is the national figure.
//!
//! Values are read as written ([`tiendo_domain::indicator::parse_value`]); what cannot be read is
//! kept as text and said in the notes.

use std::sync::LazyLock;

use regex::Regex;
use tiendo_domain::agency::RefKind;
use tiendo_domain::indicator::value::in_unit;
use tiendo_domain::indicator::{
    Direction, IndicatorKind, ParsedValue, Period, ValueForm, comparable, parse_value,
};
use tiendo_domain::model::{ParsedIndicator, ParsedIndicatorValue};
use tiendo_domain::text::{clean, fold};

use crate::Reading;
use crate::blocks::{Block, expand_row};
use crate::columns::{
    IndicatorColumn as Col, TableKind, classify_indicator, is_agency_column, table_kind,
};
use crate::table::{HeadingKind, heading_kind, is_numbering_row, year_in};

pub struct IndicatorRead {
    pub title: Vec<String>,
    pub indicators: Vec<ParsedIndicator>,
    pub warnings: Vec<String>,
}

/// "(mục tiêu: 80%)", "(chỉ tiêu 2025: 100%)" in a header.
static TARGET_IN_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?:muc tieu|chi tieu|ke hoach)[^:)]*:\s*([^)]+)\)").expect("static regex")
});
/// A unit in parentheses: "(%)", "(dịch vụ)", "(tỷ đồng)".
static UNIT_IN_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([^():]{1,30})\)").expect("static regex"));

/// Reads the indicator tables among `blocks`.
pub fn read_indicators(blocks: &[Block], opts: Reading<'_>) -> IndicatorRead {
    let mut out = IndicatorRead {
        title: Vec::new(),
        indicators: Vec::new(),
        warnings: Vec::new(),
    };
    let mut headings: Vec<(HeadingKind, String)> = Vec::new();
    let mut layout: Option<(TableKind, Vec<String>)> = None;
    let mut year = opts.reported_on.year();
    for b in blocks {
        match b {
            Block::Paragraph(t) => {
                let t = clean(t);
                if t.is_empty() {
                    continue;
                }
                if layout.is_none() {
                    if let Some(y) = year_in(&t) {
                        year = y;
                    }
                    out.title.push(t);
                } else if let Some(k) = heading_kind(&t) {
                    push_heading(&mut headings, k, t);
                }
            }
            Block::Table { origin, rows } => {
                let rows: Vec<(Vec<String>, bool)> = rows.iter().map(|r| expand_row(r)).collect();
                let start = match rows.iter().take(8).position(|(r, _)| {
                    matches!(
                        table_kind(r),
                        Some(TableKind::Indicators | TableKind::IndicatorMatrix)
                    )
                }) {
                    Some(i) => {
                        let kind = table_kind(&rows[i].0).unwrap_or(TableKind::Indicators);
                        if layout.is_none() {
                            for (r, _) in &rows[..i] {
                                let t: Vec<&str> = r
                                    .iter()
                                    .map(|s| s.trim())
                                    .filter(|s| !s.is_empty())
                                    .collect();
                                if !t.is_empty() {
                                    out.title.push(t.join(" "));
                                }
                            }
                        }
                        layout = Some((kind, rows[i].0.clone()));
                        i + 1
                    }
                    None => 0,
                };
                let Some((kind, header)) = layout.clone() else {
                    continue;
                };
                let body = &rows[start..];
                match kind {
                    TableKind::IndicatorMatrix => {
                        read_matrix(&mut out, &header, body, origin, &headings, opts)
                    }
                    _ => read_rows(&mut out, &header, body, origin, &mut headings, opts, year),
                }
            }
        }
    }
    out
}

fn push_heading(headings: &mut Vec<(HeadingKind, String)>, kind: HeadingKind, text: String) {
    if let Some(pos) = headings.iter().position(|(k, _)| *k == kind) {
        headings.truncate(pos);
    }
    headings.push((kind, text));
}

/// A figure's cell read as its column expects: in the column's unit when it writes none; a
/// figure in another unit than the target's, or words that hold no figure, are kept as written
/// with no number and a warning naming the table, row and column. Never refuses.
fn read_figure(
    raw: &str,
    unit: Option<&str>,
    target: Option<&ParsedValue>,
    place: &str,
    warnings: &mut Vec<String>,
) -> ParsedValue {
    let value = in_unit(parse_value(raw), unit, target);
    if let Some(t) = target
        && value.has_figure()
        && t.has_figure()
        && comparable(&value, t).is_none()
    {
        let why = format!(
            "khác đơn vị với mục tiêu \"{}\"; giữ nguyên văn, không tính",
            t.raw
        );
        warnings.push(format!("{place}: \"{}\" {why}", value.raw));
        return ParsedValue::kept_as_written(&value.raw, why);
    }
    if value.form == ValueForm::Text {
        warnings.push(format!(
            "{place}: \"{}\" không đọc được số liệu; giữ nguyên văn",
            value.raw
        ));
    }
    value
}

fn cell<'a>(row: &'a [String], cols: &[Option<Col>], c: Col) -> &'a str {
    cols.iter()
        .position(|x| *x == Some(c))
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// One row per indicator.
fn read_rows(
    out: &mut IndicatorRead,
    header: &[String],
    body: &[(Vec<String>, bool)],
    origin: &str,
    headings: &mut Vec<(HeadingKind, String)>,
    opts: Reading<'_>,
    year: i32,
) {
    let cols: Vec<Option<Col>> = header.iter().map(|h| classify_indicator(h)).collect();
    let header_of = |c: Col| {
        cols.iter()
            .position(|x| *x == Some(c))
            .and_then(|i| header.get(i))
            .cloned()
            .unwrap_or_default()
    };
    // "Mục tiêu năm 2025": the target's period; otherwise the year of the document.
    let target_period = Period::parse(&header_of(Col::Target))
        .filter(|_| year_in(&header_of(Col::Target)).is_some())
        .unwrap_or(Period::year(year));
    let on = Some(opts.reported_on);
    for (k, (row, merged)) in body.iter().enumerate() {
        let filled: Vec<&str> = row
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if filled.is_empty() || is_numbering_row(&filled) || table_kind(row).is_some() {
            continue;
        }
        let source = format!("{origin}, dòng {}", k + 1);
        let name = cell(row, &cols, Col::Name);
        let target_raw = cell(row, &cols, Col::Target);
        let result_raw = cell(row, &cols, Col::Result);
        if *merged
            || (filled.len() == 1 && heading_kind(filled[0]).is_some())
            || (!name.is_empty()
                && target_raw.is_empty()
                && result_raw.is_empty()
                && cell(row, &cols, Col::Unit).is_empty()
                && heading_kind(name).is_some())
        {
            let text = clean(if name.is_empty() { filled[0] } else { name });
            push_heading(
                headings,
                heading_kind(&text).unwrap_or(HeadingKind::Other),
                text,
            );
            continue;
        }
        if name.is_empty() {
            out.warnings.push(format!(
                "{source}: dòng không có tên chỉ tiêu, bỏ qua: {}",
                filled.join(" | ")
            ));
            continue;
        }
        let unit = Some(cell(row, &cols, Col::Unit))
            .filter(|u| !u.is_empty())
            .map(clean);
        let target = (!target_raw.is_empty())
            .then(|| in_unit(parse_value(target_raw), unit.as_deref(), None));
        let result = if result_raw.is_empty() {
            parse_value(result_raw)
        } else {
            read_figure(
                result_raw,
                unit.as_deref(),
                target.as_ref(),
                &format!("{source}, cột \"{}\"", clean(&header_of(Col::Result))),
                &mut out.warnings,
            )
        };
        let mut notes = Vec::new();
        for (what, v) in [("mục tiêu", target.as_ref()), ("kết quả", Some(&result))] {
            if let Some(v) = v
                && v.form == ValueForm::Text
            {
                notes.push(format!(
                    "{what} \"{}\": {}",
                    v.raw,
                    v.note
                        .as_deref()
                        .unwrap_or("không đọc được số liệu, giữ nguyên văn")
                ));
            } else if let Some(n) = v.and_then(|v| v.note.clone()) {
                notes.push(format!("{what}: {n}"));
            }
        }
        let sample = if result.has_figure() {
            &result
        } else {
            target.as_ref().unwrap_or(&result)
        };
        let lead = opts.agencies(cell(row, &cols, Col::Lead), on);
        for a in lead.iter().filter(|a| a.kind == RefKind::Unresolved) {
            notes.push(format!("chưa xác định được cơ quan chủ trì: {}", a.name));
        }
        out.indicators.push(ParsedIndicator {
            number: cell(row, &cols, Col::Number)
                .trim_end_matches(['.', ')'])
                .to_string(),
            headings: headings.iter().map(|(_, t)| t.clone()).collect(),
            code: Some(cell(row, &cols, Col::Code))
                .filter(|c| !c.is_empty())
                .map(clean),
            name: clean(name),
            kind: IndicatorKind::guess(unit.as_deref().unwrap_or(""), sample),
            direction: Direction::of_name(name),
            unit,
            lead,
            target,
            target_period: Some(target_period),
            values: if result_raw.is_empty() {
                Vec::new()
            } else {
                vec![ParsedIndicatorValue {
                    agency: None,
                    value: result,
                }]
            },
            by_agency: false,
            assessment_raw: Some(cell(row, &cols, Col::Assessment))
                .filter(|a| !a.is_empty())
                .map(clean),
            source: Some(source),
            notes,
        });
    }
}

/// A header of a column of figures: the indicator's name, its unit and its target.
struct ColumnIndicator {
    name: String,
    unit: Option<String>,
    target: Option<String>,
}

fn column_indicator(header: &str) -> ColumnIndicator {
    let h = clean(header);
    let f = fold(&h);
    let target = TARGET_IN_HEADER.captures(&f).and_then(|c| {
        let m = c.get(1)?;
        // The target as written: cut from the original at the folded match's place.
        let start = f[..m.start()].chars().count();
        let len = f[m.start()..m.end()].chars().count();
        Some(
            h.chars()
                .skip(start)
                .take(len)
                .collect::<String>()
                .trim()
                .to_string(),
        )
    });
    let mut name = h.clone();
    if let Some(i) = h.find('(') {
        name = h[..i].trim().to_string();
    }
    let unit = UNIT_IN_HEADER
        .captures(&h)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
        .filter(|u| !fold(u).starts_with("muc tieu"));
    ColumnIndicator { name, unit, target }
}

/// Agencies as rows, indicators as columns.
fn read_matrix(
    out: &mut IndicatorRead,
    header: &[String],
    body: &[(Vec<String>, bool)],
    origin: &str,
    headings: &[(HeadingKind, String)],
    opts: Reading<'_>,
) {
    let Some(agency_col) = header.iter().position(|h| is_agency_column(h)) else {
        return;
    };
    let columns: Vec<(usize, ColumnIndicator)> = header
        .iter()
        .enumerate()
        .skip(agency_col + 1)
        .filter(|(_, h)| !h.trim().is_empty())
        .map(|(i, h)| (i, column_indicator(h)))
        .collect();
    let first = out.indicators.len();
    for (i, ci) in &columns {
        let target = ci
            .target
            .as_deref()
            .map(|t| in_unit(parse_value(t), ci.unit.as_deref(), None));
        out.indicators.push(ParsedIndicator {
            number: String::new(),
            headings: headings.iter().map(|(_, t)| t.clone()).collect(),
            code: None,
            name: ci.name.clone(),
            unit: ci.unit.clone(),
            kind: IndicatorKind::Count,
            direction: Direction::of_name(&ci.name),
            lead: Vec::new(),
            target,
            target_period: Some(Period::year(opts.reported_on.year())),
            values: Vec::new(),
            by_agency: true,
            assessment_raw: None,
            source: Some(format!("{origin}, cột {}", i + 1)),
            notes: Vec::new(),
        });
    }
    let on = Some(opts.reported_on);
    let mut unreadable = 0;
    let mut cells = 0;
    for (k, (row, _)) in body.iter().enumerate() {
        let agency_text = row.get(agency_col).map(|s| s.trim()).unwrap_or("");
        let filled: Vec<&str> = row
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if agency_text.is_empty() || is_numbering_row(&filled) || table_kind(row).is_some() {
            continue;
        }
        let national = [
            "toan quoc",
            "ca nuoc",
            "tong so",
            "tong cong",
            "chung ca nuoc",
        ]
        .contains(&fold(agency_text).trim_end_matches(':'));
        let agency = if national {
            None
        } else {
            let refs = opts.agencies(agency_text, on);
            match refs.as_slice() {
                [one] => Some(one.clone()),
                _ => {
                    out.warnings.push(format!(
                        "{origin}, dòng {}: \"{agency_text}\" không phải một cơ quan; bỏ qua dòng",
                        k + 1
                    ));
                    continue;
                }
            }
        };
        if let Some(a) = &agency
            && a.kind != RefKind::Agency
        {
            out.warnings.push(format!(
                "{origin}, dòng {}: chưa xác định được cơ quan \"{agency_text}\"",
                k + 1
            ));
        }
        for (n, (i, ci)) in columns.iter().enumerate() {
            let raw = row.get(*i).map(|s| s.trim()).unwrap_or("");
            if raw.is_empty() {
                continue;
            }
            let target = out.indicators.get(first + n).and_then(|x| x.target.clone());
            let value = read_figure(
                raw,
                ci.unit.as_deref(),
                target.as_ref(),
                &format!("{origin}, dòng {}, cột \"{}\"", k + 1, ci.name),
                &mut out.warnings,
            );
            cells += 1;
            if value.form == ValueForm::Text {
                unreadable += 1;
            }
            if let Some(ind) = out.indicators.get_mut(first + n) {
                ind.values.push(ParsedIndicatorValue {
                    agency: agency.clone(),
                    value,
                });
            }
        }
    }
    for ind in &mut out.indicators[first..] {
        if let Some(sample) = ind.values.iter().map(|v| &v.value).find(|v| v.has_figure()) {
            ind.kind = IndicatorKind::guess(ind.unit.as_deref().unwrap_or(""), sample);
        }
        let texts = ind
            .values
            .iter()
            .filter(|v| v.value.form == ValueForm::Text)
            .count();
        if texts > 0 {
            ind.notes
                .push(format!("{texts} ô không đọc được số liệu, giữ nguyên văn"));
        }
    }
    if cells > 0 && unreadable * 2 > cells {
        out.warnings.push(format!(
            "{origin}: hơn nửa số ô không đọc được số liệu — kiểm tra lại đây có phải bảng chỉ tiêu"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_gives_the_indicator_its_unit_and_target() {
        let c = column_indicator("Tỷ lệ hồ sơ trực tuyến toàn trình (%) (mục tiêu: 80%)");
        assert_eq!(c.name, "Tỷ lệ hồ sơ trực tuyến toàn trình");
        assert_eq!(c.unit.as_deref(), Some("%"));
        assert_eq!(c.target.as_deref(), Some("80%"));
        let c = column_indicator("Số dịch vụ công thiết yếu");
        assert_eq!((c.unit, c.target), (None, None));
    }
}
