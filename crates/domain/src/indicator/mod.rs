//! Indicators and targets ("chỉ tiêu, mục tiêu"): what a committee measures in figures — "58/76
//! dịch vụ công thiết yếu", "5G phải đạt 90%", "34/34 địa phương" — by agency and period, and
//! where each stands on a date.
//!
//! - [`value`]: values as written ("58/76", "39,5 %", "12,7 nghìn tỷ đồng", "Đạt", "Chưa báo cáo").
//! - [`Period`]: the year, half, quarter or month a target or a value is for.
//! - [`assess`]: achieved, not achieved, no target, no data; for a target later in the period,
//!   on track or behind against a straight line from the period's start; a colour by a stated rule.

pub mod book;
pub mod value;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::text::fold;
pub use value::{ParsedValue, ValueForm, parse_value};

/// What an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Count,
    /// "a/b": a part of a whole.
    Fraction,
    Percent,
    Amount,
    YesNo,
    Text,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Fraction => "fraction",
            Self::Percent => "percent",
            Self::Amount => "amount",
            Self::YesNo => "yes_no",
            Self::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "count" => Self::Count,
            "fraction" => Self::Fraction,
            "percent" => Self::Percent,
            "amount" => Self::Amount,
            "yes_no" => Self::YesNo,
            "text" => Self::Text,
            _ => return None,
        })
    }

    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Count => "số lượng",
            Self::Fraction => "tỷ số a/b",
            Self::Percent => "tỷ lệ %",
            Self::Amount => "giá trị",
            Self::YesNo => "đạt / không đạt",
            Self::Text => "mô tả",
        }
    }

    /// The kind a unit and a written value suggest ("%" → percent, "58/76" → fraction, "tỷ
    /// đồng" → amount, "Đạt" → yes/no).
    pub fn guess(unit: &str, sample: &ParsedValue) -> Self {
        let u = fold(unit);
        if u.contains('%') || u.starts_with("ty le") || sample.form == ValueForm::Percent {
            return Self::Percent;
        }
        match sample.form {
            ValueForm::Fraction => Self::Fraction,
            ValueForm::YesNo => Self::YesNo,
            _ if u.contains("dong") || value::scale_of(&u) != 1.0 => Self::Amount,
            ValueForm::Text => Self::Text,
            _ => Self::Count,
        }
    }
}

/// Whether more is better (coverage, services online) or less (overdue tasks, days to process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Higher => "higher",
            Self::Lower => "lower",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "higher" => Some(Self::Higher),
            "lower" => Some(Self::Lower),
            _ => None,
        }
    }

    /// The direction an indicator's name implies: "giảm", "thời gian", "quá hạn" are better low.
    pub fn of_name(name: &str) -> Self {
        let f = fold(name);
        let lower = [
            "giam ",
            "thoi gian",
            "qua han",
            "cham tien do",
            "ton dong",
            "so vu",
            "ty le ho so tre",
        ];
        if lower.iter().any(|w| f.contains(w)) {
            Self::Lower
        } else {
            Self::Higher
        }
    }

    /// Does `value` meet `target`?
    pub fn meets(self, value: f64, target: f64) -> bool {
        match self {
            Self::Higher => value >= target - 1e-9,
            Self::Lower => value <= target + 1e-9,
        }
    }
}

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

/// A year, half year, quarter or month: "2025", "2025-H1", "2025-Q3", "2025-11".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub kind: PeriodKind,
    /// 1 for a year; 1–2, 1–4, 1–12 for halves, quarters, months.
    pub index: u8,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Period {
    pub fn year(year: i32) -> Period {
        Period {
            year,
            kind: PeriodKind::Year,
            index: 1,
        }
    }

    pub fn month(year: i32, month: u8) -> Period {
        Period {
            year,
            kind: PeriodKind::Month,
            index: month,
        }
    }

    fn valid(self) -> Option<Period> {
        let max = match self.kind {
            PeriodKind::Year => 1,
            PeriodKind::Half => 2,
            PeriodKind::Quarter => 4,
            PeriodKind::Month => 12,
        };
        ((2000..=2100).contains(&self.year) && (1..=max).contains(&self.index)).then_some(self)
    }

    /// The period of `kind` that holds `d`.
    pub fn containing(kind: PeriodKind, d: Date) -> Period {
        let m = u8::from(d.month());
        let index = match kind {
            PeriodKind::Year => 1,
            PeriodKind::Half => (m - 1) / 6 + 1,
            PeriodKind::Quarter => (m - 1) / 3 + 1,
            PeriodKind::Month => m,
        };
        Period {
            year: d.year(),
            kind,
            index,
        }
    }

    fn months(self) -> (u8, u8) {
        match self.kind {
            PeriodKind::Year => (1, 12),
            PeriodKind::Half => (6 * self.index - 5, 6 * self.index),
            PeriodKind::Quarter => (3 * self.index - 2, 3 * self.index),
            PeriodKind::Month => (self.index, self.index),
        }
    }

    pub fn start(self) -> Date {
        let (first, _) = self.months();
        Date::from_calendar_date(
            self.year,
            Month::try_from(first).unwrap_or(Month::January),
            1,
        )
        .unwrap_or(Date::MIN)
    }

    pub fn end(self) -> Date {
        let (_, last) = self.months();
        let month = Month::try_from(last).unwrap_or(Month::December);
        Date::from_calendar_date(
            self.year,
            month,
            time::util::days_in_month(month, self.year),
        )
        .unwrap_or(Date::MAX)
    }

    pub fn contains(self, d: Date) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// "2025", "2025-H1", "2025-Q3", "2025-11".
    pub fn key(self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}", self.year),
            PeriodKind::Half => format!("{}-H{}", self.year, self.index),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.index),
            PeriodKind::Month => format!("{}-{:02}", self.year, self.index),
        }
    }

    /// Reads a key ([`Period::key`]) or the way documents write a period: "năm 2025", "6 tháng
    /// đầu năm 2025", "Quý III/2025", "tháng 11/2025", "2025".
    pub fn parse(s: &str) -> Option<Period> {
        let t = s.trim();
        if let Some((y, rest)) = t.split_once('-')
            && let Ok(year) = y.parse::<i32>()
        {
            let p = if let Some(h) = rest.strip_prefix('H') {
                Period {
                    year,
                    kind: PeriodKind::Half,
                    index: h.parse().ok()?,
                }
            } else if let Some(q) = rest.strip_prefix('Q') {
                Period {
                    year,
                    kind: PeriodKind::Quarter,
                    index: q.parse().ok()?,
                }
            } else {
                Period::month(year, rest.parse().ok()?)
            };
            return p.valid();
        }
        let f = fold(t);
        let year: i32 = f
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 4)?
            .parse()
            .ok()?;
        if f.contains("6 thang dau") || f.contains("sau thang dau") {
            return Period {
                year,
                kind: PeriodKind::Half,
                index: 1,
            }
            .valid();
        }
        if f.contains("6 thang cuoi") || f.contains("sau thang cuoi") {
            return Period {
                year,
                kind: PeriodKind::Half,
                index: 2,
            }
            .valid();
        }
        if let Some(rest) = f
            .strip_prefix("quy ")
            .or_else(|| f.split_once(" quy ").map(|(_, r)| r))
        {
            let numeral = rest.split(['/', ' ']).next()?.to_uppercase();
            let index = ROMAN.iter().position(|r| *r == numeral)? as u8 + 1;
            return Period {
                year,
                kind: PeriodKind::Quarter,
                index,
            }
            .valid();
        }
        if let Some(rest) = f
            .strip_prefix("thang ")
            .or_else(|| f.split_once(" thang ").map(|(_, r)| r))
        {
            let m: u8 = rest.split(['/', ' ']).next()?.parse().ok()?;
            return Period::month(year, m).valid();
        }
        Period::year(year).valid()
    }

    /// As the documents say it: "Năm 2025", "6 tháng đầu năm 2025", "Quý III/2025", "Tháng 11/2025".
    pub fn vietnamese(self) -> String {
        match self.kind {
            PeriodKind::Year => format!("Năm {}", self.year),
            PeriodKind::Half if self.index == 1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Half => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Quarter => format!(
                "Quý {}/{}",
                ROMAN
                    .get(usize::from(self.index) - 1)
                    .copied()
                    .unwrap_or("?"),
                self.year
            ),
            PeriodKind::Month => format!("Tháng {}/{}", self.index, self.year),
        }
    }
}

/// Where an indicator stands on a date (the contract's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    Achieved,
    NotAchieved,
    NoTarget,
    NoData,
}

impl IndicatorStatus {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Achieved => "Đạt",
            Self::NotAchieved => "Chưa đạt",
            Self::NoTarget => "Chưa có mục tiêu",
            Self::NoData => "Chưa có số liệu",
        }
    }
}

/// For a target whose period is under way: against a straight line from the period's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    OnTrack,
    Behind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Amber,
    Red,
    Grey,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Amber => "amber",
            Self::Red => "red",
            Self::Grey => "grey",
        }
    }
}

/// The colour rule, as every view shows it.
pub const COLOUR_RULE: &str = "Xanh: đạt mục tiêu, hoặc kỳ chưa hết và đúng tiến độ (theo đường thẳng từ đầu kỳ đến mục tiêu); Vàng: kỳ chưa hết, chậm so với tiến độ dưới 10% quãng đường đến mục tiêu; Đỏ: chậm từ 10% trở lên, hoặc hết kỳ mà chưa đạt; Xám: chưa có mục tiêu hoặc chưa có số liệu.";

/// How far behind the straight line a value may be and still be amber, as a share of the way
/// from the baseline to the target.
pub const AMBER_SHARE: f64 = 0.10;

/// An indicator's standing on a date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: IndicatorStatus,
    pub progress: Option<Progress>,
    pub colour: Colour,
    /// The figure the straight line asks for on the date (a target later in the period).
    pub expected: Option<f64>,
}

/// An indicator's life: the first and the last day it is followed (either open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Life {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Life {
    /// Is `d` within the life?
    pub fn holds(self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }

    /// Does a target's period fall within the life (its start or its end)?
    pub fn touches(self, p: Period) -> bool {
        self.holds(p.start()) || self.holds(p.end())
    }
}

/// The figure compared with a target: a fraction against a percentage target compares its share;
/// amounts are brought to the target's scale. None when the two cannot be compared (another unit).
pub fn comparable(value: &ParsedValue, target: &ParsedValue) -> Option<(f64, f64)> {
    let (v, t) = (value.value?, target.value?);
    match (value.form, target.form) {
        (ValueForm::Fraction, ValueForm::Percent) => Some((value.share_percent()?, t)),
        (ValueForm::Percent, ValueForm::Percent)
        | (ValueForm::Fraction, ValueForm::Fraction)
        | (ValueForm::YesNo, ValueForm::YesNo) => Some((v, t)),
        // "58/76" against "76 dịch vụ": the parts against the count (not against an amount).
        (ValueForm::Fraction, ValueForm::Number) if target.scale.is_none() => Some((v, t)),
        (ValueForm::Number, ValueForm::Number) => Some((
            v * value.scale.unwrap_or(1.0),
            t * target.scale.unwrap_or(1.0),
        )),
        _ => None,
    }
}

/// Where a value stands against a target on `as_of`. `baseline` is the figure at the period's
/// start (the straight line starts there; for "more is better" nothing means 0).
pub fn assess(
    direction: Direction,
    target: Option<(Period, f64)>,
    baseline: Option<f64>,
    value: Option<f64>,
    as_of: Date,
) -> Assessment {
    let grey = |status| Assessment {
        status,
        progress: None,
        colour: Colour::Grey,
        expected: None,
    };
    let Some((period, target)) = target else {
        return grey(IndicatorStatus::NoTarget);
    };
    let Some(value) = value else {
        return grey(IndicatorStatus::NoData);
    };
    if direction.meets(value, target) {
        return Assessment {
            status: IndicatorStatus::Achieved,
            progress: None,
            colour: Colour::Green,
            expected: None,
        };
    }
    if as_of >= period.end() {
        return Assessment {
            status: IndicatorStatus::NotAchieved,
            progress: None,
            colour: Colour::Red,
            expected: None,
        };
    }
    let base = match (baseline, direction) {
        (Some(b), _) => b,
        (None, Direction::Higher) => 0.0,
        // Less is better and nothing to start from: no straight line to draw.
        (None, Direction::Lower) => {
            return Assessment {
                status: IndicatorStatus::NotAchieved,
                progress: None,
                colour: Colour::Amber,
                expected: None,
            };
        }
    };
    let total = (period.end() - period.start()).whole_days().max(1) as f64;
    let elapsed = ((as_of - period.start()).whole_days().max(0) as f64).min(total);
    let expected = base + (target - base) * elapsed / total;
    let on_track = direction.meets(value, expected);
    let way = (target - base).abs().max(1e-9);
    let behind_by = (expected - value).abs() / way;
    Assessment {
        status: IndicatorStatus::NotAchieved,
        progress: Some(if on_track {
            Progress::OnTrack
        } else {
            Progress::Behind
        }),
        colour: if on_track {
            Colour::Green
        } else if behind_by < AMBER_SHARE {
            Colour::Amber
        } else {
            Colour::Red
        },
        expected: Some(expected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_as_keys_and_as_written() {
        assert_eq!(
            Period::parse("2025-Q3").map(Period::key).as_deref(),
            Some("2025-Q3")
        );
        assert_eq!(Period::parse("Quý III/2025"), Period::parse("2025-Q3"));
        assert_eq!(
            Period::parse("6 tháng đầu năm 2025")
                .map(Period::key)
                .as_deref(),
            Some("2025-H1")
        );
        assert_eq!(
            Period::parse("tháng 11/2025").map(Period::key).as_deref(),
            Some("2025-11")
        );
        assert_eq!(
            Period::parse("Năm 2026").map(Period::key).as_deref(),
            Some("2026")
        );
        assert_eq!(Period::parse("2025-13"), None);
        assert_eq!(Period::parse("1899"), None);
        let q = Period::parse("2025-Q3").expect("q3");
        assert_eq!(
            (q.start(), q.end()),
            (date!(2025 - 07 - 01), date!(2025 - 09 - 30))
        );
        assert_eq!(
            Period::containing(PeriodKind::Half, date!(2025 - 08 - 01)).key(),
            "2025-H2"
        );
        assert_eq!(
            Period::parse("2024-02").map(|p| p.end()),
            Some(date!(2024 - 02 - 29))
        );
        assert_eq!(q.vietnamese(), "Quý III/2025");
    }

    #[test]
    fn achieved_not_achieved_no_target_no_data() {
        let year = Period::year(2025);
        let on = date!(2025 - 12 - 31);
        assert_eq!(
            assess(Direction::Higher, Some((year, 76.0)), None, Some(76.0), on).status,
            IndicatorStatus::Achieved
        );
        let a = assess(Direction::Higher, Some((year, 76.0)), None, Some(58.0), on);
        assert_eq!(
            (a.status, a.colour),
            (IndicatorStatus::NotAchieved, Colour::Red)
        );
        assert_eq!(
            assess(Direction::Higher, None, None, Some(58.0), on).status,
            IndicatorStatus::NoTarget
        );
        let a = assess(Direction::Higher, Some((year, 76.0)), None, None, on);
        assert_eq!(
            (a.status, a.colour),
            (IndicatorStatus::NoData, Colour::Grey)
        );
        // Less is better: 3 days against at most 5.
        assert_eq!(
            assess(Direction::Lower, Some((year, 5.0)), None, Some(3.0), on).status,
            IndicatorStatus::Achieved
        );
    }

    #[test]
    fn a_target_later_in_the_year_is_on_track_or_behind_a_straight_line() {
        // 90 % by 31/12, from 30 % on 1/1: on 2/7 (half the year) the line asks for about 60 %.
        let year = Period::year(2025);
        let mid = date!(2025 - 07 - 02);
        let a = assess(
            Direction::Higher,
            Some((year, 90.0)),
            Some(30.0),
            Some(61.0),
            mid,
        );
        assert_eq!(
            (a.status, a.progress, a.colour),
            (
                IndicatorStatus::NotAchieved,
                Some(Progress::OnTrack),
                Colour::Green
            )
        );
        assert!(a.expected.is_some_and(|e| (e - 60.0).abs() < 0.5), "{a:?}");
        // 57 %: 3 points behind, 5 % of the way from 30 to 90 — amber.
        let a = assess(
            Direction::Higher,
            Some((year, 90.0)),
            Some(30.0),
            Some(57.0),
            mid,
        );
        assert_eq!(
            (a.progress, a.colour),
            (Some(Progress::Behind), Colour::Amber)
        );
        // 39,5 %: far behind — red.
        let a = assess(
            Direction::Higher,
            Some((year, 90.0)),
            Some(30.0),
            Some(39.5),
            mid,
        );
        assert_eq!(
            (a.progress, a.colour),
            (Some(Progress::Behind), Colour::Red)
        );
        // The same value once the year is over: not achieved.
        let a = assess(
            Direction::Higher,
            Some((year, 90.0)),
            Some(30.0),
            Some(61.0),
            date!(2026 - 01 - 05),
        );
        assert_eq!(
            (a.status, a.progress, a.colour),
            (IndicatorStatus::NotAchieved, None, Colour::Red)
        );
    }

    #[test]
    fn values_and_targets_compare_in_one_unit() {
        let p = parse_value;
        assert_eq!(comparable(&p("58/76"), &p("76")), Some((58.0, 76.0)));
        let (v, t) = comparable(&p("58/76"), &p("80%")).expect("share");
        assert!((v - 76.3).abs() < 0.1 && t == 80.0);
        assert_eq!(
            comparable(&p("11,7 nghìn tỷ"), &p("12,7 nghìn tỷ")),
            Some((11.7e12, 12.7e12))
        );
        assert_eq!(
            comparable(&p("39,5%"), &p("76")),
            None,
            "a percentage is not a count"
        );
        assert_eq!(comparable(&p("Đạt"), &p("Đạt")), Some((1.0, 1.0)));
    }

    #[test]
    fn kinds_and_directions_from_the_words() {
        assert_eq!(
            IndicatorKind::guess("%", &parse_value("39,5%")),
            IndicatorKind::Percent
        );
        assert_eq!(
            IndicatorKind::guess("dịch vụ", &parse_value("58/76")),
            IndicatorKind::Fraction
        );
        assert_eq!(
            IndicatorKind::guess("nghìn tỷ đồng", &parse_value("12,7")),
            IndicatorKind::Amount
        );
        assert_eq!(
            IndicatorKind::guess("", &parse_value("Đạt")),
            IndicatorKind::YesNo
        );
        assert_eq!(
            Direction::of_name("Thời gian giải quyết hồ sơ"),
            Direction::Lower
        );
        assert_eq!(
            Direction::of_name("Tỷ lệ dịch vụ công trực tuyến toàn trình"),
            Direction::Higher
        );
    }
}
