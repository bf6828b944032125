//! Indicators as the committee reports them: each indicator with its target and its latest
//! figures on a date (the contract's JSON, the Word appendix in the Decree 30 layout, Excel), and
//! the scorecard — agencies as rows, indicators as columns, each cell coloured by the stated rule.

use std::collections::HashMap;

use serde::Serialize;
use tiendo_domain::deadline::{iso, vn};
use tiendo_domain::indicator::book::{CellState, IndicatorBook, Obs};
use tiendo_domain::indicator::{COLOUR_RULE, Colour, IndicatorStatus, Progress, ValueForm};
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::Db;
use tiendo_store::facts::AgencyName;
use tiendo_store::indicators::ValueRow;
use time::Date;

use crate::{Presentation, col, subtitle};

/// A figure as the views print it: "58/76", "85,3%", "1.250", "12,7 nghìn tỷ", "Đạt".
pub fn figure_text(o: &Obs) -> String {
    let Some(v) = o.value else {
        return match o.form {
            ValueForm::NoData => "Chưa báo cáo".into(),
            _ => "—".into(),
        };
    };
    match o.form {
        ValueForm::Percent => format!("{}%", number(v)),
        ValueForm::Fraction => match o.share {
            Some(s) if s > 0.0 => format!("{}/{}", number(v), number((v * 100.0 / s).round())),
            _ => number(v),
        },
        ValueForm::YesNo => (if v >= 1.0 { "Đạt" } else { "Chưa đạt" }).into(),
        _ => {
            let scale = match o.scale {
                Some(s) if s >= 1e12 => " nghìn tỷ",
                Some(s) if s >= 1e9 => " tỷ",
                Some(s) if s >= 1e6 => " triệu",
                Some(s) if s >= 1e3 => " nghìn",
                _ => "",
            };
            format!("{}{scale}", number(v))
        }
    }
}

/// A number as Vietnamese documents write it: "." groups thousands, "," the decimals.
pub fn number(v: f64) -> String {
    let neg = v < 0.0;
    let v = v.abs();
    let rounded = (v * 10.0).round() / 10.0;
    let int = rounded.trunc() as u64;
    let dec = ((rounded - rounded.trunc()) * 10.0).round() as u64;
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let mut out = if neg { format!("-{grouped}") } else { grouped };
    if dec > 0 {
        out.push(',');
        out.push_str(&dec.to_string());
    }
    out
}

/// An agency as the JSON names it.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetItem {
    pub raw: String,
    pub value: Option<f64>,
    pub period: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueItem {
    pub agency: Option<Named>,
    pub as_of: String,
    pub raw: String,
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// Where this figure stands against its target.
    pub status: IndicatorStatus,
    pub colour: Colour,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub kind: String,
    pub direction: String,
    pub lead: Vec<Named>,
    pub target: Option<TargetItem>,
    pub values: Vec<ValueItem>,
    pub status: IndicatorStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    pub colour: Colour,
    /// By agency: how many covered agencies reached their target, of those with a figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agencies_achieved: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorsReport {
    pub as_of: String,
    pub colour_rule: &'static str,
    pub indicators: Vec<IndicatorItem>,
}

/// The latest value (not returned) on or before `as_of` of each indicator and agency.
async fn latest_values(
    db: &Db,
    as_of: Date,
) -> anyhow::Result<HashMap<(i64, Option<i64>), ValueRow>> {
    let mut out: HashMap<(i64, Option<i64>), ValueRow> = HashMap::new();
    for ind in db.indicators().await? {
        for v in db.indicator_values(ind.id, None).await? {
            if v.as_of <= as_of && v.state != "returned" {
                out.insert((v.indicator_id, v.agency_id), v);
            }
        }
    }
    Ok(out)
}

/// Every indicator on `as_of`: its target in force, its latest figures (the nation's and each
/// agency's), where it stands (the national figure's standing, or, for an indicator reported
/// by agency without a national figure, achieved only when every agency with a figure is).
pub async fn indicators_report(
    db: &Db,
    book: &IndicatorBook,
    names: &HashMap<i64, AgencyName>,
    as_of: Date,
) -> anyhow::Result<IndicatorsReport> {
    let latest = latest_values(db, as_of).await?;
    let mut items = Vec::new();
    for ind in db.indicators().await? {
        let leads = db.indicator_leads(ind.id).await?;
        let column = book.column(ind.id, as_of);
        let national = column.as_ref().map(|c| c.cell(None));
        let target = book.target_on(ind.id, None, as_of).map(|t| TargetItem {
            raw: t.value.raw.clone(),
            value: t.value.value,
            period: t.period.key(),
        });
        let mut values: Vec<ValueItem> = Vec::new();
        let mut agencies: Vec<Option<i64>> = vec![None];
        agencies.extend(book.agencies_of(ind.id).into_iter().map(Some));
        let mut reached = (0, 0);
        for a in agencies {
            let Some(v) = latest.get(&(ind.id, a)) else {
                continue;
            };
            let cell = column.as_ref().map(|c| c.cell(a));
            let (status, colour) = cell
                .map(|c| (c.assessment.status, c.assessment.colour))
                .unwrap_or((IndicatorStatus::NoData, Colour::Grey));
            if a.is_some() && v.value.is_some() {
                reached.1 += 1;
                if status == IndicatorStatus::Achieved {
                    reached.0 += 1;
                }
            }
            values.push(ValueItem {
                agency: a.map(|id| Named {
                    name: names.get(&id).map(|n| n.name.clone()).unwrap_or_default(),
                }),
                as_of: iso(v.as_of),
                raw: v.raw.clone(),
                value: v.value,
                numerator: v.numerator,
                denominator: v.denominator,
                status,
                colour,
            });
        }
        let (status, progress, colour) = match national.filter(|c| c.value.is_some()) {
            Some(c) => (
                c.assessment.status,
                c.assessment.progress,
                c.assessment.colour,
            ),
            None if reached.1 == 0 => (
                if target.is_some() {
                    IndicatorStatus::NoData
                } else {
                    IndicatorStatus::NoTarget
                },
                None,
                Colour::Grey,
            ),
            None if reached.0 == reached.1 => (IndicatorStatus::Achieved, None, Colour::Green),
            None => (IndicatorStatus::NotAchieved, None, Colour::Red),
        };
        items.push(IndicatorItem {
            id: ind.id.to_string(),
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            kind: ind.kind.clone(),
            direction: ind.direction.clone(),
            lead: leads
                .iter()
                .map(|id| Named {
                    name: names.get(id).map(|n| n.name.clone()).unwrap_or_default(),
                })
                .collect(),
            target,
            values,
            status,
            progress,
            colour,
            agencies_achieved: ind.by_agency.0.then_some(reached),
        });
    }
    Ok(IndicatorsReport {
        as_of: iso(as_of),
        colour_rule: COLOUR_RULE,
        indicators: items,
    })
}

/// The Word and Excel appendix: one row per indicator.
pub fn indicators_doc(r: &IndicatorsReport, as_of: Date, p: &Presentation) -> OfficialDoc {
    let rows = r
        .indicators
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let national = i.values.iter().find(|v| v.agency.is_none());
            let result = match (national, i.agencies_achieved) {
                (Some(v), _) => format!("{} (ngày {})", v.raw, vn_iso(&v.as_of)),
                (None, Some((a, b))) if b > 0 => format!("{a}/{b} cơ quan đạt mục tiêu"),
                _ => "Chưa có số liệu".into(),
            };
            let assessment = match (i.status, i.progress) {
                (IndicatorStatus::NotAchieved, Some(Progress::OnTrack)) => {
                    "Chưa đạt, đúng tiến độ".to_string()
                }
                (IndicatorStatus::NotAchieved, Some(Progress::Behind)) => {
                    "Chưa đạt, chậm tiến độ".to_string()
                }
                (s, _) => s.vietnamese().to_string(),
            };
            TableRow::Cells(vec![
                Value::Number(n as i64 + 1),
                Value::Text(i.name.clone()),
                Value::Text(i.unit.clone().unwrap_or_default()),
                Value::Text(i.target.as_ref().map(|t| t.raw.clone()).unwrap_or_default()),
                Value::Text(result),
                Value::Text(
                    i.lead
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Value::Text(assessment),
            ])
        })
        .collect();
    let count = |s: IndicatorStatus| r.indicators.iter().filter(|i| i.status == s).count();
    OfficialDoc {
        title: "PHỤ LỤC".into(),
        subtitle: subtitle(
            vec![
                "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, MỤC TIÊU".into(),
                format!("(Dữ liệu tính đến ngày {})", vn(as_of)),
            ],
            p,
        ),
        columns: vec![
            col("TT", 5),
            col("Chỉ tiêu", 38),
            col("Đơn vị tính", 10),
            col("Mục tiêu", 12),
            col("Kết quả thực hiện", 20),
            col("Cơ quan chủ trì", 16),
            col("Đánh giá", 14),
        ],
        rows,
        notes: vec![
            format!(
                "Tổng số: {} chỉ tiêu; đạt {}; chưa đạt {}; chưa có mục tiêu {}; chưa có số liệu {}.",
                r.indicators.len(),
                count(IndicatorStatus::Achieved),
                count(IndicatorStatus::NotAchieved),
                count(IndicatorStatus::NoTarget),
                count(IndicatorStatus::NoData)
            ),
            format!("Quy tắc đánh giá: {COLOUR_RULE}"),
        ],
        landscape: true,
        sheet: "Chỉ tiêu".into(),
        ..Default::default()
    }
}

fn vn_iso(s: &str) -> String {
    tiendo_domain::deadline::iso_date(s)
        .map(vn)
        .unwrap_or_else(|| s.to_string())
}

/// One cell of the scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreCell {
    pub indicator: i64,
    pub text: String,
    pub target: Option<String>,
    pub status: IndicatorStatus,
    pub colour: Colour,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub agency_id: i64,
    pub agency: String,
    pub kind: String,
    pub cells: Vec<ScoreCell>,
    /// Cells green, of those with a target and a figure.
    pub green: usize,
    pub assessed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub as_of: String,
    pub colour_rule: &'static str,
    pub indicators: Vec<(i64, String, String)>,
    /// Agencies in the scorecard (`rows` may hold only a page of them).
    pub total: usize,
    pub rows: Vec<ScoreRow>,
}

fn cell_of(indicator: i64, c: Option<CellState>) -> ScoreCell {
    match c {
        Some(c) => ScoreCell {
            indicator,
            text: c
                .value
                .map(|o| figure_text(&o))
                .unwrap_or_else(|| "—".into()),
            target: c.target.map(|(_, t)| number(t)),
            status: c.assessment.status,
            colour: c.assessment.colour,
        },
        None => ScoreCell {
            indicator,
            text: "—".into(),
            target: None,
            status: IndicatorStatus::NoData,
            colour: Colour::Grey,
        },
    }
}

/// The scorecard: the indicators reported by agency, the agencies (of a kind, when asked) as
/// rows, most green first. `indicators`: (id, code, name).
pub fn scorecard(
    book: &IndicatorBook,
    indicators: &[(i64, String, String)],
    agencies: &[&AgencyName],
    as_of: Date,
) -> Scorecard {
    scorecard_rows(book, indicators, agencies, as_of, 0, usize::MAX)
}

/// [`scorecard`] with only the rows `offset .. offset + limit` of the ordered list written out
/// (every row is judged to order them; only those shown are put into words). `total` tells how
/// many rows there are.
pub fn scorecard_rows(
    book: &IndicatorBook,
    indicators: &[(i64, String, String)],
    agencies: &[&AgencyName],
    as_of: Date,
    offset: usize,
    limit: usize,
) -> Scorecard {
    let order = scorecard_order(book, indicators, agencies, as_of);
    scorecard_page(book, indicators, agencies, &order, as_of, offset, limit)
}

/// Where an agency stands across the indicators on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub agency: i64,
    /// Cells green, of those with a target and a figure.
    pub green: usize,
    pub assessed: usize,
}

/// Every agency judged (cells without words) and ordered: the largest share of green cells
/// first (agencies with nothing assessed last), then by Vietnamese name.
pub fn scorecard_order(
    book: &IndicatorBook,
    indicators: &[(i64, String, String)],
    agencies: &[&AgencyName],
    as_of: Date,
) -> Vec<Standing> {
    let columns: Vec<_> = indicators
        .iter()
        .filter_map(|(id, _, _)| book.column(*id, as_of))
        .collect();
    let mut order: Vec<_> = agencies
        .iter()
        .map(|a| {
            let (mut green, mut assessed) = (0, 0);
            for column in &columns {
                let c = column.cell(Some(a.id));
                if !matches!(
                    c.assessment.status,
                    IndicatorStatus::NoData | IndicatorStatus::NoTarget
                ) {
                    assessed += 1;
                }
                if c.assessment.colour == Colour::Green {
                    green += 1;
                }
            }
            let share = if assessed == 0 {
                -1.0
            } else {
                green as f64 / assessed as f64
            };
            (
                share,
                tiendo_domain::text::sort_key(&a.name),
                Standing {
                    agency: a.id,
                    green,
                    assessed,
                },
            )
        })
        .collect();
    order.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.1.cmp(&b.1))
    });
    order.into_iter().map(|(_, _, s)| s).collect()
}

/// The rows `offset .. offset + limit` of an ordered scorecard, put into words.
pub fn scorecard_page(
    book: &IndicatorBook,
    indicators: &[(i64, String, String)],
    agencies: &[&AgencyName],
    order: &[Standing],
    as_of: Date,
    offset: usize,
    limit: usize,
) -> Scorecard {
    let columns: Vec<_> = indicators
        .iter()
        .map(|(id, _, _)| (*id, book.column(*id, as_of)))
        .collect();
    let by_id: HashMap<i64, &AgencyName> = agencies.iter().map(|a| (a.id, *a)).collect();
    let rows: Vec<ScoreRow> = order
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|s| {
            let a = by_id.get(&s.agency)?;
            Some(ScoreRow {
                agency_id: a.id,
                agency: a.name.clone(),
                kind: a.kind.clone(),
                cells: columns
                    .iter()
                    .map(|(id, c)| cell_of(*id, c.as_ref().map(|c| c.cell(Some(a.id)))))
                    .collect(),
                green: s.green,
                assessed: s.assessed,
            })
        })
        .collect();
    Scorecard {
        as_of: iso(as_of),
        colour_rule: COLOUR_RULE,
        indicators: indicators.to_vec(),
        total: order.len(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_domain::indicator::parse_value;
    use time::macros::date;

    #[test]
    fn the_scorecard_orders_by_share_of_green_then_name_and_pages_the_same_rows() {
        use tiendo_domain::indicator::book::{IndicatorDef, Obs, TargetDef};
        use tiendo_domain::indicator::{Direction, IndicatorKind, Period};
        let mut b = IndicatorBook::new();
        for id in [1, 2] {
            b.add_indicator(IndicatorDef {
                id,
                kind: IndicatorKind::Percent,
                direction: Direction::Higher,
                by_agency: true,
                valid_from: None,
                valid_to: None,
            });
            b.add_target(
                id,
                TargetDef {
                    agency: None,
                    period: Period::year(2025),
                    value: parse_value("80%"),
                },
            );
        }
        // Agencies 1..=5: both reached, one reached (two of them), none, no figure at all.
        let figures = [
            (1, "90%", "85%"),
            (2, "90%", "10%"),
            (3, "10%", "95%"),
            (4, "10%", "10%"),
        ];
        for (a, x, y) in figures {
            for (id, v) in [(1, x), (2, y)] {
                b.add_value(id, Some(a), Obs::of(date!(2025 - 12 - 31), &parse_value(v)));
            }
        }
        b.sort();
        let names: Vec<AgencyName> = [
            (1, "Tỉnh Bắc Ninh"),
            (2, "Tỉnh Đắk Lắk"),
            (3, "Tỉnh An Giang"),
            (4, "Tỉnh Cà Mau"),
            (5, "Tỉnh Gia Lai"),
        ]
        .into_iter()
        .map(|(id, name)| AgencyName {
            id,
            code: format!("P{id}"),
            name: name.into(),
            kind: "province".into(),
            valid_to: None,
            committee_id: None,
        })
        .collect();
        let agencies: Vec<&AgencyName> = names.iter().collect();
        let cols = vec![
            (1, "CT1".to_string(), "Một".to_string()),
            (2, "CT2".to_string(), "Hai".to_string()),
        ];
        let day = date!(2025 - 12 - 31);
        let all = scorecard(&b, &cols, &agencies, day);
        let order: Vec<(&str, usize, usize)> = all
            .rows
            .iter()
            .map(|r| (r.agency.as_str(), r.green, r.assessed))
            .collect();
        // Half green: An Giang before Đắk Lắk (Vietnamese order); no figure (not assessed) last.
        assert_eq!(
            order,
            vec![
                ("Tỉnh Bắc Ninh", 2, 2),
                ("Tỉnh An Giang", 1, 2),
                ("Tỉnh Đắk Lắk", 1, 2),
                ("Tỉnh Cà Mau", 0, 2),
                ("Tỉnh Gia Lai", 0, 0),
            ]
        );
        assert_eq!(all.total, 5);
        assert_eq!(all.rows[0].cells[0].text, "90%");
        assert_eq!(all.rows[4].cells[0].text, "—");
        // A page of two from the third: the same rows, written out alike.
        let page = scorecard_rows(&b, &cols, &agencies, day, 2, 2);
        assert_eq!(page.total, 5);
        let names_of = |c: &Scorecard| c.rows.iter().map(|r| r.agency.clone()).collect::<Vec<_>>();
        assert_eq!(names_of(&page), names_of(&all)[2..4].to_vec());
        assert_eq!(page.rows[0].cells[1].text, all.rows[2].cells[1].text);
        assert!(
            scorecard_rows(&b, &cols, &agencies, day, 10, 5)
                .rows
                .is_empty()
        );
    }

    #[test]
    fn figures_print_as_the_documents_write_them() {
        let d = date!(2025 - 10 - 31);
        for s in [
            "58/76",
            "85,3%",
            "1.250",
            "12,7 nghìn tỷ",
            "Đạt",
            "331.720/457.956",
        ] {
            assert_eq!(figure_text(&Obs::of(d, &parse_value(s))), s, "{s}");
        }
        assert_eq!(number(1234567.0), "1.234.567");
        assert_eq!(number(39.5), "39,5");
    }
}
