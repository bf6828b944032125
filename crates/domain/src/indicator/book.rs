//! Every indicator's figures and targets in memory, for the scorecard (agencies × indicators),
//! an indicator's page and the score at national scale (100 indicators × 3,355 agencies × 12
//! months): the figure in force on a date is found by a binary search in each series.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use time::Date;

use super::{
    Assessment, Direction, IndicatorKind, ParsedValue, Period, ValueForm, assess, comparable,
};

/// What the book needs of an indicator.
#[derive(Debug, Clone)]
pub struct IndicatorDef {
    pub id: i64,
    pub kind: IndicatorKind,
    pub direction: Direction,
    /// Each covered agency reports its own figure.
    pub by_agency: bool,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// One figure: the day it describes and what was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    pub on: Date,
    pub form: ValueForm,
    /// The figure (count, numerator, percentage, amount in its scale, 1/0).
    pub value: Option<f64>,
    /// The written scale (amounts).
    pub scale: Option<f64>,
    /// A fraction's share of its whole, in percent.
    pub share: Option<f64>,
}

impl Obs {
    pub fn of(on: Date, v: &ParsedValue) -> Obs {
        Obs {
            on,
            form: v.form,
            value: v.value,
            scale: v.scale,
            share: v.share_percent(),
        }
    }

    /// Back to a value the comparison rules understand.
    fn parsed(&self) -> ParsedValue {
        ParsedValue {
            raw: String::new(),
            form: self.form,
            value: self.value,
            numerator: (self.form == ValueForm::Fraction)
                .then_some(self.value)
                .flatten(),
            denominator: match (self.form, self.value, self.share) {
                (ValueForm::Fraction, Some(v), Some(s)) if s > 0.0 => Some(v * 100.0 / s),
                _ => None,
            },
            scale: self.scale,
            note: None,
        }
    }
}

/// A target: for the nation or every agency without its own (`agency` None), or for one agency.
#[derive(Debug, Clone)]
pub struct TargetDef {
    pub agency: Option<i64>,
    pub period: Period,
    pub value: ParsedValue,
}

/// One cell of a scorecard: the figure in force, the target in force, where it stands.
#[derive(Debug, Clone, Copy)]
pub struct CellState {
    pub value: Option<Obs>,
    /// The target's period and its figure in the value's unit.
    pub target: Option<(Period, f64)>,
    /// The value's figure as compared with the target.
    pub compared: Option<f64>,
    pub assessment: Assessment,
}

#[derive(Debug, Default, Clone)]
pub struct IndicatorBook {
    defs: HashMap<i64, IndicatorDef>,
    /// Indicator → (agency, or 0 for the nation) → figures, oldest first.
    series: FxHashMap<i64, FxHashMap<i64, Vec<Obs>>>,
    targets: HashMap<i64, Vec<TargetDef>>,
}

impl IndicatorBook {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_indicator(&mut self, d: IndicatorDef) {
        self.defs.insert(d.id, d);
    }

    pub fn def(&self, id: i64) -> Option<&IndicatorDef> {
        self.defs.get(&id)
    }

    pub fn indicator_ids(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self.defs.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// Adds a figure (any order; call [`IndicatorBook::sort`] after a bulk load).
    pub fn add_value(&mut self, indicator: i64, agency: Option<i64>, obs: Obs) {
        self.series
            .entry(indicator)
            .or_default()
            .entry(agency.unwrap_or(0))
            .or_default()
            .push(obs);
    }

    pub fn add_target(&mut self, indicator: i64, t: TargetDef) {
        self.targets.entry(indicator).or_default().push(t);
    }

    /// Replaces every target (after one was set).
    pub fn replace_targets(&mut self, targets: Vec<(i64, TargetDef)>) {
        self.targets.clear();
        for (i, t) in targets {
            self.add_target(i, t);
        }
    }

    /// Adds figures recorded since the book was loaded, keeping each series in order.
    pub fn append(&mut self, values: Vec<(i64, Option<i64>, Obs)>) {
        let mut touched: std::collections::HashSet<(i64, i64)> = Default::default();
        for (i, a, o) in values {
            let key = (i, a.unwrap_or(0));
            self.series
                .entry(i)
                .or_default()
                .entry(key.1)
                .or_default()
                .push(o);
            touched.insert(key);
        }
        for (i, a) in touched {
            if let Some(s) = self.series.get_mut(&i).and_then(|m| m.get_mut(&a)) {
                s.sort_by_key(|o| o.on);
            }
        }
    }

    /// Orders every series by day (stable: a later figure of one day wins).
    pub fn sort(&mut self) {
        for s in self.series.values_mut().flat_map(FxHashMap::values_mut) {
            s.sort_by_key(|o| o.on);
        }
    }

    /// Forgets an indicator's figures and targets (before it is loaded again).
    pub fn clear_indicator(&mut self, indicator: i64) {
        self.series.remove(&indicator);
        self.targets.remove(&indicator);
    }

    pub fn value_count(&self) -> usize {
        self.series
            .values()
            .flat_map(FxHashMap::values)
            .map(Vec::len)
            .sum()
    }

    /// The agencies with figures of an indicator.
    pub fn agencies_of(&self, indicator: i64) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .series
            .get(&indicator)
            .map(|m| m.keys().copied().filter(|a| *a != 0).collect())
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// The series of one agency (None: the nation), oldest first.
    pub fn series(&self, indicator: i64, agency: Option<i64>) -> &[Obs] {
        self.series
            .get(&indicator)
            .and_then(|m| m.get(&agency.unwrap_or(0)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The latest figure dated on or before `d`.
    pub fn value_on(&self, indicator: i64, agency: Option<i64>, d: Date) -> Option<Obs> {
        latest_on(self.series(indicator, agency), d)
    }

    /// The target in force on `d`: the agency's own, else the common one; of the periods that
    /// hold `d`, the shortest.
    pub fn target_on(&self, indicator: i64, agency: Option<i64>, d: Date) -> Option<&TargetDef> {
        let (common, own) = self.targets_in_force(indicator, d);
        agency.and_then(|a| own.get(&a).copied()).or(common)
    }

    /// The targets in force on `d`, in one pass: the common one and each agency's own; of the
    /// periods that hold `d`, the shortest (the first written of equals).
    fn targets_in_force(
        &self,
        indicator: i64,
        d: Date,
    ) -> (Option<&TargetDef>, FxHashMap<i64, &TargetDef>) {
        let mut common: Option<&TargetDef> = None;
        let mut own: FxHashMap<i64, &TargetDef> = FxHashMap::default();
        let shorter = |t: &TargetDef, than: Option<&&TargetDef>| {
            than.is_none_or(|o| t.period.kind < o.period.kind)
        };
        for t in self.targets_of(indicator) {
            if !t.period.contains(d) {
                continue;
            }
            match t.agency {
                None if shorter(t, common.as_ref()) => common = Some(t),
                Some(a) if shorter(t, own.get(&a)) => {
                    own.insert(a, t);
                }
                _ => {}
            }
        }
        (common, own)
    }

    pub fn targets_of(&self, indicator: i64) -> &[TargetDef] {
        self.targets
            .get(&indicator)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Where one agency (or the nation) stands on an indicator on `d`.
    pub fn cell(&self, indicator: i64, agency: Option<i64>, d: Date) -> Option<CellState> {
        Some(self.column(indicator, d)?.cell(agency))
    }

    /// One indicator on one day, ready to judge any number of agencies: the indicator, its
    /// series and the targets in force are looked up once, not once per agency.
    pub fn column(&self, indicator: i64, d: Date) -> Option<Column<'_>> {
        let def = self.defs.get(&indicator)?;
        let (common, own) = self.targets_in_force(indicator, d);
        Some(Column {
            def,
            day: d,
            series: self.series.get(&indicator),
            common: common.map(InForce::of),
            own: own.into_iter().map(|(a, t)| (a, InForce::of(t))).collect(),
        })
    }
}

/// The latest figure of a series dated on or before `d`.
fn latest_on(s: &[Obs], d: Date) -> Option<Obs> {
    let n = s.partition_point(|o| o.on <= d);
    n.checked_sub(1).map(|i| s[i])
}

/// A target in force, with the day before its period (where the straight line starts).
struct InForce<'a> {
    target: &'a TargetDef,
    before: Option<Date>,
}

impl<'a> InForce<'a> {
    fn of(target: &'a TargetDef) -> InForce<'a> {
        InForce {
            target,
            before: target.period.start().previous_day(),
        }
    }
}

/// An indicator judged on one day ([`IndicatorBook::column`]).
pub struct Column<'a> {
    def: &'a IndicatorDef,
    day: Date,
    series: Option<&'a FxHashMap<i64, Vec<Obs>>>,
    common: Option<InForce<'a>>,
    own: FxHashMap<i64, InForce<'a>>,
}

impl Column<'_> {
    /// Where one agency (or the nation) stands: the figure in force, the target in force (the
    /// agency's own, else the common one) and the straight line from the figure before the
    /// target's period.
    pub fn cell(&self, agency: Option<i64>) -> CellState {
        let d = self.day;
        let series = self
            .series
            .and_then(|m| m.get(&agency.unwrap_or(0)))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let value = latest_on(series, d);
        let target = agency
            .and_then(|a| self.own.get(&a))
            .or(self.common.as_ref());
        let pair = match (value, target) {
            (Some(v), Some(t)) => comparable(&v.parsed(), &t.target.value),
            _ => None,
        };
        let target_fig = match (pair, target) {
            (Some((_, t)), Some(td)) => Some((td.target.period, t)),
            // No figure to compare yet: the target as written, for the view.
            (None, Some(td)) => td.target.value.value.map(|t| (td.target.period, t)),
            _ => None,
        };
        let baseline = target.and_then(|t| {
            let b = latest_on(series, t.before?)?;
            comparable(&b.parsed(), &t.target.value).map(|(v, _)| v)
        });
        let compared = pair.map(|(v, _)| v);
        let with_figure = value.filter(|v| v.value.is_some()).and(compared);
        let assessment = assess(self.def.direction, target_fig, baseline, with_figure, d);
        CellState {
            value,
            target: target_fig,
            compared,
            assessment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Colour, IndicatorStatus, parse_value};
    use time::macros::date;

    fn book() -> IndicatorBook {
        let mut b = IndicatorBook::new();
        b.add_indicator(IndicatorDef {
            id: 1,
            kind: IndicatorKind::Percent,
            direction: Direction::Higher,
            by_agency: true,
            valid_from: None,
            valid_to: None,
        });
        b.add_target(
            1,
            TargetDef {
                agency: None,
                period: Period::year(2025),
                value: parse_value("80%"),
            },
        );
        b.add_target(
            1,
            TargetDef {
                agency: Some(7),
                period: Period::year(2025),
                value: parse_value("95%"),
            },
        );
        for (on, a, v) in [
            (date!(2024 - 12 - 31), 5, "40%"),
            (date!(2025 - 06 - 30), 5, "62%"),
            (date!(2025 - 10 - 31), 5, "85,3%"),
            (date!(2025 - 10 - 31), 7, "85,3%"),
        ] {
            b.add_value(1, Some(a), Obs::of(on, &parse_value(v)));
        }
        b.sort();
        b
    }

    #[test]
    fn the_figure_and_the_target_in_force_on_a_date() {
        let b = book();
        assert_eq!(
            b.value_on(1, Some(5), date!(2025 - 07 - 15))
                .and_then(|o| o.value),
            Some(62.0)
        );
        assert_eq!(b.value_on(1, Some(5), date!(2024 - 01 - 01)), None);
        // Agency 7 has its own target; agency 5 the common one.
        assert_eq!(
            b.target_on(1, Some(7), date!(2025 - 03 - 01))
                .and_then(|t| t.value.value),
            Some(95.0)
        );
        assert_eq!(
            b.target_on(1, Some(5), date!(2025 - 03 - 01))
                .and_then(|t| t.value.value),
            Some(80.0)
        );
        assert!(b.target_on(1, Some(5), date!(2026 - 03 - 01)).is_none());
    }

    #[test]
    fn cells_at_several_dates() {
        let b = book();
        // 30/6: 62 % from 40 % at the start of the year, the line asks for about 60 %: on track.
        let c = b.cell(1, Some(5), date!(2025 - 07 - 01)).expect("cell");
        assert_eq!(
            (c.assessment.status, c.assessment.colour),
            (IndicatorStatus::NotAchieved, Colour::Green)
        );
        // 31/10: 85,3 % against 80 %: achieved. Agency 7 against its own 95 %: behind.
        assert_eq!(
            b.cell(1, Some(5), date!(2025 - 11 - 01))
                .map(|c| c.assessment.status),
            Some(IndicatorStatus::Achieved)
        );
        // Agency 7 against its own 95 %, with no figure before the year: the line starts at 0 and
        // asks for about 79 % on 1/11 — on track; on 31/12 the year is over: not achieved.
        let c = b.cell(1, Some(7), date!(2025 - 11 - 01)).expect("cell");
        assert_eq!(
            (c.assessment.status, c.assessment.colour),
            (IndicatorStatus::NotAchieved, Colour::Green)
        );
        assert_eq!(c.target.map(|t| t.1), Some(95.0));
        let c = b.cell(1, Some(7), date!(2025 - 12 - 31)).expect("cell");
        assert_eq!(
            (c.assessment.status, c.assessment.colour),
            (IndicatorStatus::NotAchieved, Colour::Red)
        );
        // No figure for an agency: no data. After the year: no target.
        assert_eq!(
            b.cell(1, Some(9), date!(2025 - 11 - 01))
                .map(|c| c.assessment.status),
            Some(IndicatorStatus::NoData)
        );
        assert_eq!(
            b.cell(1, Some(5), date!(2026 - 02 - 01))
                .map(|c| c.assessment.status),
            Some(IndicatorStatus::NoTarget)
        );
    }
}
