//! The monthly score of each agency, by a published formula (`data/scoring.toml`).
//!
//! A month is scored from what was in force on its last day: the status book evaluated on that
//! day (assignments in force then, the deadline in force then, reports dated by then, completions
//! not yet returned then), the routing of difficulties in force then, the commitments made by then.
//! Re-running a past month therefore gives the same numbers after later edits. Every score comes
//! with its components, so anyone can recompute it by hand.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::indicator::book::IndicatorBook;
use crate::indicator::{Colour, IndicatorStatus};
use crate::model::Role;
use crate::recurrence::OccurrenceState;
use crate::status::{AssignmentFacts, AssignmentState, StatusBook, evaluate};

/// The formula shipped with the program (used until the standing agency publishes another).
pub const DEFAULT_FORMULA_TOML: &str = include_str!("../data/scoring.toml");

/// A calendar month, written `2026-05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    /// `2026-05` (also `2026-5`, `5/2026`, `05/2026`).
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim();
        let (y, m) = if let Some((y, m)) = s.split_once('-') {
            (y, m)
        } else {
            let (m, y) = s.split_once('/')?;
            (y, m)
        };
        let (year, month) = (y.trim().parse::<i32>().ok()?, m.trim().parse::<u8>().ok()?);
        ((1990..=2100).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    pub fn of(d: Date) -> Month {
        Month {
            year: d.year(),
            month: u8::from(d.month()),
        }
    }

    fn time_month(self) -> time::Month {
        time::Month::try_from(self.month).unwrap_or(time::Month::January)
    }

    pub fn first(self) -> Date {
        Date::from_calendar_date(self.year, self.time_month(), 1).unwrap_or(Date::MIN)
    }

    pub fn last(self) -> Date {
        let m = self.time_month();
        Date::from_calendar_date(self.year, m, m.length(self.year)).unwrap_or(Date::MIN)
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// "tháng 5/2026"
    pub fn vietnamese(self) -> String {
        format!("tháng {}/{}", self.month, self.year)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub on_time: f64,
    pub not_overdue: f64,
    pub reports: f64,
    pub difficulties: f64,
    pub commitments: f64,
    /// Periodic reports of recurring duties sent by their due date (absent from formulas
    /// published before it existed: weight 0).
    #[serde(default)]
    pub periodic: f64,
    /// Indicators the agency answers for, with a target in force, that reached it or are on
    /// track at the end of the month (absent from older formulas: weight 0).
    #[serde(default)]
    pub indicators: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysLate {
    /// One point off per this many days late on average.
    pub days_per_point: f64,
    /// At most this many points off.
    pub max_points: f64,
}

/// The published formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    pub name: String,
    /// Monthly progress reports are due by this day of the month.
    pub report_day: u8,
    pub weights: Weights,
    pub days_late: DaysLate,
}

#[derive(Debug, thiserror::Error)]
pub enum FormulaError {
    #[error("cách tính điểm không đọc được: {0}")]
    Syntax(String),
    #[error("cách tính điểm không hợp lệ: {0}")]
    Invalid(String),
}

impl Formula {
    pub fn from_toml(text: &str) -> Result<Formula, FormulaError> {
        let f: Formula = toml::from_str(text).map_err(|e| {
            // One line: the message and where.
            let line = e
                .span()
                .and_then(|s| text.get(..s.start))
                .map(|before| before.matches('\n').count() + 1);
            FormulaError::Syntax(match line {
                Some(l) => format!("dòng {l}: {}", e.message().trim()),
                None => e.message().trim().to_string(),
            })
        })?;
        let w = &f.weights;
        let all = [
            w.on_time,
            w.not_overdue,
            w.reports,
            w.difficulties,
            w.commitments,
            w.periodic,
            w.indicators,
        ];
        if all
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0 || *x > 1000.0)
        {
            return Err(FormulaError::Invalid("trọng số phải từ 0 đến 1000".into()));
        }
        if all.iter().sum::<f64>() <= 0.0 {
            return Err(FormulaError::Invalid(
                "cần ít nhất một trọng số lớn hơn 0".into(),
            ));
        }
        if !(1..=31).contains(&f.report_day) {
            return Err(FormulaError::Invalid("report_day phải từ 1 đến 31".into()));
        }
        let d = &f.days_late;
        if !(d.days_per_point.is_finite() && d.days_per_point > 0.0) {
            return Err(FormulaError::Invalid(
                "days_late.days_per_point phải lớn hơn 0".into(),
            ));
        }
        if !(d.max_points.is_finite() && (0.0..=100.0).contains(&d.max_points)) {
            return Err(FormulaError::Invalid(
                "days_late.max_points phải từ 0 đến 100".into(),
            ));
        }
        if f.name.trim().is_empty() || f.name.chars().count() > 200 {
            return Err(FormulaError::Invalid(
                "name: cần tên cách tính (tối đa 200 ký tự)".into(),
            ));
        }
        Ok(f)
    }

    /// The shipped formula.
    pub fn default_formula() -> Result<Formula, FormulaError> {
        Formula::from_toml(DEFAULT_FORMULA_TOML)
    }

    /// The days a month's reports must fall within: from its first day to the report day.
    pub fn report_window(&self, month: Month) -> (Date, Date) {
        let last = month.last();
        let day = self.report_day.min(last.day());
        let end = Date::from_calendar_date(month.year, last.month(), day).unwrap_or(last);
        (month.first(), end)
    }
}

/// One routing of a difficulty: from `set_on`, `handler` must answer by `answer_due`.
#[derive(Debug, Clone, Copy)]
pub struct Routing {
    pub set_on: Date,
    pub handler: Option<i64>,
    pub answer_due: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct DifficultyFacts {
    /// Oldest first.
    pub routings: Vec<Routing>,
    /// The day the difficulty as a whole was answered (by the standing agency, or once every
    /// handling agency had).
    pub answered_on: Option<Date>,
    /// The day each handling agency gave its own answer.
    pub handler_answered: Vec<(i64, Date)>,
}

#[derive(Debug, Clone, Copy)]
pub struct CommitmentFacts {
    pub assignment: i64,
    pub committed_on: Date,
    pub made_on: Date,
}

/// An indicator an agency answers for: its own figure (an indicator reported by agency), or the
/// national figure (an indicator it leads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorDuty {
    pub indicator: i64,
    /// The figure judged: the agency's own (Some) or the nation's (None).
    pub figure_of: Option<i64>,
    pub agency: i64,
}

/// What a month is scored from, besides the status book.
pub struct MonthFacts<'a> {
    pub book: &'a StatusBook,
    /// Assignments with a progress report dated within the month's report window.
    pub reported: &'a HashSet<i64>,
    pub difficulties: &'a [DifficultyFacts],
    pub commitments: &'a [CommitmentFacts],
    /// Every indicator's figures and targets, and who answers for which.
    pub indicators: Option<(&'a IndicatorBook, &'a [IndicatorDuty])>,
}

/// The counts a score is computed from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Components {
    /// Lead assignments whose deadline (in force at the end of the month) falls in the month.
    pub due_in_month: u64,
    /// … of which done on time.
    pub done_on_time: u64,
    /// Lead assignments with a deadline on or before the end of the month.
    pub due_by_end: u64,
    /// … due before the month and still open at its end (they count against the on-time rate).
    #[serde(default)]
    pub overdue_from_before: u64,
    /// … still open (overdue) at the end of the month.
    pub overdue_at_end: u64,
    /// Days late of those overdue ones, added up.
    pub days_late: i64,
    /// Lead assignments open at the start of the month and in force on the report day.
    pub reports_required: u64,
    /// … with a progress report within the report window.
    pub reports_on_time: u64,
    /// Difficulties this agency must answer with an answer deadline in the month.
    pub difficulties_due: u64,
    /// … answered by their deadline.
    pub difficulties_answered: u64,
    /// Commitments of this agency with a committed date in the month.
    pub commitments_due: u64,
    /// … where the work was done by the committed date.
    pub commitments_kept: u64,
    /// Periodic reports of this agency's recurring lead assignments due in the month.
    pub periodic_due: u64,
    /// … sent by their due date.
    pub periodic_on_time: u64,
    /// Indicators this agency answers for with a target in force at the end of the month.
    #[serde(default)]
    pub indicators_assessed: u64,
    /// … reached, or on track (green) then.
    #[serde(default)]
    pub indicators_green: u64,
}

/// Points per criterion (after weighting), and the days-late deduction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Points {
    pub on_time: Option<f64>,
    pub not_overdue: Option<f64>,
    pub reports: Option<f64>,
    pub difficulties: Option<f64>,
    pub commitments: Option<f64>,
    pub periodic: Option<f64>,
    #[serde(default)]
    pub indicators: Option<f64>,
    pub days_late_deduction: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyScore {
    pub agency: i64,
    pub components: Components,
    pub points: Points,
    /// `None` when no criterion applied to the agency this month.
    pub score: Option<f64>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The score from its components.
pub fn score_of(c: &Components, f: &Formula) -> (Points, Option<f64>) {
    let w = &f.weights;
    // Done on time over what was due: the month's deadlines and those still overdue from before.
    let parts = [
        (
            w.on_time,
            ratio(c.done_on_time, c.due_in_month + c.overdue_from_before),
        ),
        (
            w.not_overdue,
            ratio(
                c.due_by_end - c.overdue_at_end.min(c.due_by_end),
                c.due_by_end,
            ),
        ),
        (w.reports, ratio(c.reports_on_time, c.reports_required)),
        (
            w.difficulties,
            ratio(c.difficulties_answered, c.difficulties_due),
        ),
        (w.commitments, ratio(c.commitments_kept, c.commitments_due)),
        (w.periodic, ratio(c.periodic_on_time, c.periodic_due)),
        (
            w.indicators,
            ratio(c.indicators_green, c.indicators_assessed),
        ),
    ];
    let total: f64 = parts
        .iter()
        .filter(|(w, r)| r.is_some() && *w > 0.0)
        .map(|(w, _)| w)
        .sum();
    let pts: Vec<Option<f64>> = parts
        .iter()
        .map(|(w, r)| match r {
            Some(r) if total > 0.0 => Some(round2(100.0 * w * r / total)),
            _ => None,
        })
        .collect();
    let deduction = if c.due_by_end > 0 {
        let average = c.days_late as f64 / c.due_by_end as f64;
        round2((average / f.days_late.days_per_point).min(f.days_late.max_points))
    } else {
        0.0
    };
    let points = Points {
        on_time: pts[0],
        not_overdue: pts[1],
        reports: pts[2],
        difficulties: pts[3],
        commitments: pts[4],
        periodic: pts[5],
        indicators: pts[6],
        days_late_deduction: deduction,
    };
    // From the rounded points as shown, so the score adds up from what is printed.
    let score = (total > 0.0).then(|| {
        let sum: f64 = pts.iter().flatten().sum();
        round2((sum - deduction).max(0.0))
    });
    (points, score)
}

impl Components {
    fn add(&mut self, o: &Components) {
        self.due_in_month += o.due_in_month;
        self.done_on_time += o.done_on_time;
        self.due_by_end += o.due_by_end;
        self.overdue_from_before += o.overdue_from_before;
        self.overdue_at_end += o.overdue_at_end;
        self.days_late += o.days_late;
        self.reports_required += o.reports_required;
        self.reports_on_time += o.reports_on_time;
        self.difficulties_due += o.difficulties_due;
        self.difficulties_answered += o.difficulties_answered;
        self.commitments_due += o.commitments_due;
        self.commitments_kept += o.commitments_kept;
        self.periodic_due += o.periodic_due;
        self.periodic_on_time += o.periodic_on_time;
        self.indicators_assessed += o.indicators_assessed;
        self.indicators_green += o.indicators_green;
    }
}

/// The components an assignment feeds (deadlines, reports, periodic reports, commitments), added
/// up under each key it belongs to (its agency, or each leader overseeing its task).
fn assignment_components<K, I>(
    month: Month,
    formula: &Formula,
    facts: &MonthFacts<'_>,
    keys: impl Fn(i64, i64) -> I,
) -> HashMap<K, Components>
where
    K: std::hash::Hash + Eq + Copy,
    I: IntoIterator<Item = K>,
{
    let (first, last) = (month.first(), month.last());
    let before = first.previous_day().unwrap_or(first);
    let (_, report_end) = formula.report_window(month);
    let mut comps: HashMap<K, Components> = HashMap::new();
    for a in facts.book.assignments() {
        if a.role != Role::Lead {
            continue;
        }
        let mut owners = keys(a.task, a.agency).into_iter().peekable();
        if owners.peek().is_none() {
            continue;
        }
        // What this assignment adds, then added under each of its keys.
        let mut adds = Components::default();
        let mut touched = false;
        let in_force = |d: Date| a.from.is_none_or(|f| f <= d) && a.until.is_none_or(|u| d < u);
        let f = AssignmentFacts {
            kind: a.kind,
            due: a.due,
            changes: a.changes,
            events: a.events,
        };
        if in_force(last) {
            let end = evaluate(&f, last);
            if let Some(due) = end.due.filter(|d| *d <= last) {
                touched = true;
                let c = &mut adds;
                c.due_by_end += 1;
                if end.state == AssignmentState::OpenOverdue {
                    c.overdue_at_end += 1;
                    c.days_late += end.days_late;
                    if due < first {
                        c.overdue_from_before += 1;
                    }
                }
                if due >= first {
                    c.due_in_month += 1;
                    if end.state == AssignmentState::DoneOnTime {
                        c.done_on_time += 1;
                    }
                }
            }
        }
        if in_force(last)
            && let Some((_, occ)) = facts.book.occurrences(a.id, last, last)
        {
            touched = true;
            let c = &mut adds;
            for o in occ.iter().filter(|o| o.due >= first) {
                c.periodic_due += 1;
                if o.state == OccurrenceState::OnTime {
                    c.periodic_on_time += 1;
                }
            }
        }
        if in_force(report_end) && !evaluate(&f, before).state.is_done() {
            touched = true;
            let c = &mut adds;
            c.reports_required += 1;
            if facts.reported.contains(&a.id) {
                c.reports_on_time += 1;
            }
        }
        if touched {
            for k in owners {
                comps.entry(k).or_default().add(&adds);
            }
        }
    }
    // The latest commitment made by the end of the month, per assignment.
    let mut latest: HashMap<i64, &CommitmentFacts> = HashMap::new();
    for c in facts.commitments.iter().filter(|c| c.made_on <= last) {
        latest
            .entry(c.assignment)
            .and_modify(|x| {
                if c.made_on >= x.made_on {
                    *x = c
                }
            })
            .or_insert(c);
    }
    for c in latest.values() {
        if c.committed_on < first || c.committed_on > last {
            continue;
        }
        let Some(a) = facts.book.assignment(c.assignment) else {
            continue;
        };
        let kept = facts
            .book
            .evaluate_assignment(c.assignment, last)
            .is_some_and(|e| {
                e.state.is_done() && e.completed_on.is_some_and(|d| d <= c.committed_on)
            });
        for k in keys(a.task, a.agency) {
            let x = comps.entry(k).or_default();
            x.commitments_due += 1;
            if kept {
                x.commitments_kept += 1;
            }
        }
    }
    comps
}

/// Every agency's score for `month`, unranked, by agency id.
pub fn score_month(month: Month, formula: &Formula, facts: &MonthFacts<'_>) -> Vec<AgencyScore> {
    let (first, last) = (month.first(), month.last());
    let mut comps = assignment_components(month, formula, facts, |_, agency| Some(agency));
    for d in facts.difficulties {
        // The routing in force at the end of the month: the agencies it was last sent to (one
        // forward, or the several agencies a document named on one day).
        let Some(latest) = d
            .routings
            .iter()
            .filter(|r| r.set_on <= last)
            .map(|r| r.set_on)
            .max()
        else {
            continue;
        };
        for r in d.routings.iter().filter(|r| r.set_on == latest) {
            let (Some(handler), Some(due)) = (r.handler, r.answer_due) else {
                continue;
            };
            if due < first || due > last {
                continue;
            }
            let c = comps.entry(handler).or_default();
            c.difficulties_due += 1;
            let own = d
                .handler_answered
                .iter()
                .find(|(h, _)| *h == handler)
                .map(|(_, on)| *on);
            if own.or(d.answered_on).is_some_and(|x| x <= due) {
                c.difficulties_answered += 1;
            }
        }
    }
    // Indicators: each one an agency answers for, with a target in force at the month's end;
    // green (reached, or on track) counts. No figure against a target is not green.
    if let Some((ib, duties)) = facts.indicators {
        for d in duties {
            let Some(cell) = ib.cell(d.indicator, d.figure_of, last) else {
                continue;
            };
            if cell.assessment.status == IndicatorStatus::NoTarget {
                continue;
            }
            let c = comps.entry(d.agency).or_default();
            c.indicators_assessed += 1;
            if cell.assessment.colour == Colour::Green {
                c.indicators_green += 1;
            }
        }
    }
    let mut out: Vec<AgencyScore> = comps
        .into_iter()
        .map(|(agency, components)| {
            let (points, score) = score_of(&components, formula);
            AgencyScore {
                agency,
                components,
                points,
                score,
            }
        })
        .collect();
    out.sort_by_key(|s| s.agency);
    out
}

/// A leader's score: the lead assignments of the tasks the leader oversees, scored by the same
/// formula (deadlines, reports, commitments, periodic reports).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderScore {
    pub leader: String,
    pub components: Components,
    pub points: Points,
    pub score: Option<f64>,
}

/// The month's score of each leader overseeing tasks (`overseer`: task → the leader as the
/// documents name them, "Phó Thủ tướng Nguyễn Chí Dũng"), highest first.
pub fn score_leaders(
    month: Month,
    formula: &Formula,
    facts: &MonthFacts<'_>,
    overseer: &HashMap<i64, Vec<usize>>,
    leaders: &[String],
) -> Vec<LeaderScore> {
    let comps = assignment_components(month, formula, facts, |task, _| {
        overseer.get(&task).into_iter().flatten().copied()
    });
    let mut out: Vec<LeaderScore> = comps
        .into_iter()
        .filter_map(|(i, components)| {
            let (points, score) = score_of(&components, formula);
            Some(LeaderScore {
                leader: leaders.get(i)?.clone(),
                components,
                points,
                score,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then_with(|| a.leader.cmp(&b.leader))
    });
    out
}

/// Each leader an overseer text names: "Phó Thủ tướng Chính phủ Nguyễn Chí Dũng và Bộ trưởng Bộ
/// Công an" → both, each scored on the task.
pub fn leaders_named(overseer: &str) -> Vec<String> {
    overseer
        .split([',', ';'])
        .flat_map(|p| p.split(" và "))
        .map(|p| p.trim().trim_end_matches('.').trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// How equal scores are ordered (they share their rank): the higher on-time rate first, then
/// fewer overdue at the end of the month, then the name in Vietnamese order.
pub const TIE_BREAK: &str = "Cơ quan bằng điểm được xếp cùng hạng; trong cùng hạng, thứ tự theo tỷ lệ hoàn thành đúng hạn (cao trước), rồi số phân công quá hạn cuối tháng (ít trước), rồi tên cơ quan.";

/// Ranks by score (highest first; equal scores share a rank, ordered by [`TIE_BREAK`]). Unscored
/// agencies come last, without a rank.
pub fn rank<'a>(
    scores: &'a [AgencyScore],
    name: &dyn Fn(i64) -> String,
) -> Vec<(Option<u32>, &'a AgencyScore)> {
    let on_time = |s: &AgencyScore| {
        ratio(
            s.components.done_on_time,
            s.components.due_in_month + s.components.overdue_from_before,
        )
        .unwrap_or(-1.0)
    };
    // Each agency's name key once, not once per comparison.
    let mut v: Vec<(&AgencyScore, _)> = scores
        .iter()
        .map(|s| (s, crate::text::sort_key(&name(s.agency))))
        .collect();
    v.sort_by(|(a, ka), (b, kb)| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then_with(|| on_time(b).total_cmp(&on_time(a)))
            .then_with(|| {
                a.components
                    .overdue_at_end
                    .cmp(&b.components.overdue_at_end)
            })
            .then_with(|| ka.cmp(kb))
    });
    let v = v.into_iter().map(|(s, _)| s);
    let mut out = Vec::with_capacity(scores.len());
    let mut prev: Option<f64> = None;
    let mut rank = 0u32;
    for (i, s) in v.enumerate() {
        match s.score {
            Some(x) => {
                if prev != Some(x) {
                    rank = i as u32 + 1;
                    prev = Some(x);
                }
                out.push((Some(rank), s));
            }
            None => out.push((None, s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::DeadlineKind;
    use crate::model::ReportedStatus;
    use crate::status::{AssignmentInput, StatusEvent};
    use time::macros::date;

    #[test]
    fn months() {
        let m = Month::parse("2026-05").expect("month");
        assert_eq!(
            (m.first(), m.last()),
            (date!(2026 - 05 - 01), date!(2026 - 05 - 31))
        );
        assert_eq!(
            Month::parse("2/2024").map(|m| m.last()),
            Some(date!(2024 - 02 - 29))
        );
        assert_eq!(m.prev().to_string(), "2026-04");
        assert_eq!(
            Month::parse("2026-01")
                .map(|m| m.prev().to_string())
                .as_deref(),
            Some("2025-12")
        );
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("1900-01"), None);
        assert_eq!(m.vietnamese(), "tháng 5/2026");
    }

    #[test]
    fn the_shipped_formula_reads_and_bad_ones_are_refused() {
        let f = Formula::default_formula().expect("shipped formula");
        assert_eq!(f.report_day, 25);
        assert!(Formula::from_toml("name = \"x\"").is_err());
        let bad = DEFAULT_FORMULA_TOML.replace("on_time = 35", "on_time = -1");
        assert!(matches!(
            Formula::from_toml(&bad),
            Err(FormulaError::Invalid(_))
        ));
        let bad = DEFAULT_FORMULA_TOML.replace("report_day = 25", "report_day = 40");
        assert!(Formula::from_toml(&bad).is_err());
        let bad = DEFAULT_FORMULA_TOML.replace("[weights]", "bonus = 3\n[weights]");
        assert!(
            Formula::from_toml(&bad).is_err(),
            "unknown keys are refused"
        );
    }

    fn lead(id: i64, agency: i64, due: Date, events: Vec<StatusEvent>) -> AssignmentInput {
        AssignmentInput {
            id,
            task: id,
            agency,
            role: Role::Lead,
            kind: DeadlineKind::Date,
            due: Some(due),
            changes: vec![],
            events,
            from: None,
            until: None,
            schedule: None,
        }
    }

    /// An agency's report: a completion is on the report's day.
    fn ev(on: Date, status: ReportedStatus) -> StatusEvent {
        StatusEvent {
            on,
            status,
            completed_on: status.is_done().then_some(on),
            void_from: None,
        }
    }

    #[test]
    fn a_month_is_scored_from_its_components_by_hand() {
        use ReportedStatus::*;
        let mut b = StatusBook::new();
        // Agency 1: two due in May — one done on time, one still open (late 11 days at 31/5);
        // one due in April, done late in May; one due in July with a report on 10/5.
        b.upsert(lead(
            1,
            1,
            date!(2026 - 05 - 15),
            vec![ev(date!(2026 - 05 - 14), Done)],
        ));
        b.upsert(lead(2, 1, date!(2026 - 05 - 20), vec![]));
        b.upsert(lead(
            3,
            1,
            date!(2026 - 04 - 30),
            vec![ev(date!(2026 - 05 - 05), Done)],
        ));
        b.upsert(lead(
            4,
            1,
            date!(2026 - 07 - 31),
            vec![ev(date!(2026 - 05 - 10), InProgress)],
        ));
        let reported: HashSet<i64> = [1, 4].into();
        let difficulties = vec![DifficultyFacts {
            handler_answered: Vec::new(),
            routings: vec![
                Routing {
                    set_on: date!(2026 - 05 - 02),
                    handler: None,
                    answer_due: Some(date!(2026 - 05 - 17)),
                },
                Routing {
                    set_on: date!(2026 - 05 - 03),
                    handler: Some(1),
                    answer_due: Some(date!(2026 - 05 - 12)),
                },
            ],
            answered_on: Some(date!(2026 - 05 - 13)),
        }];
        let commitments = vec![CommitmentFacts {
            assignment: 3,
            committed_on: date!(2026 - 05 - 06),
            made_on: date!(2026 - 05 - 02),
        }];
        let f = Formula::default_formula().expect("formula");
        let facts = MonthFacts {
            book: &b,
            reported: &reported,
            difficulties: &difficulties,
            commitments: &commitments,
            indicators: None,
        };
        let s = score_month(Month::parse("2026-05").expect("m"), &f, &facts);
        assert_eq!(s.len(), 1);
        let c = s[0].components;
        assert_eq!((c.due_in_month, c.done_on_time), (2, 1));
        assert_eq!((c.due_by_end, c.overdue_at_end, c.days_late), (3, 1, 11));
        // Open on 30/4: 2, 3, 4 (1 too: done only on 14/5); 1 and 4 reported in the window.
        assert_eq!((c.reports_required, c.reports_on_time), (4, 2));
        assert_eq!(
            (c.difficulties_due, c.difficulties_answered),
            (1, 0),
            "answered a day late"
        );
        assert_eq!((c.commitments_due, c.commitments_kept), (1, 1));
        // 100 × (35×1/2 + 25×2/3 + 15×2/4 + 15×0 + 10×1) / 100 − min(20, (11/3)/10)
        let p = s[0].points;
        assert_eq!(
            (
                p.on_time,
                p.not_overdue,
                p.reports,
                p.difficulties,
                p.commitments
            ),
            (Some(17.5), Some(16.67), Some(7.5), Some(0.0), Some(10.0))
        );
        assert_eq!(p.days_late_deduction, 0.37);
        assert_eq!(s[0].score, Some(51.3));
    }

    #[test]
    fn a_completion_without_its_day_earns_no_on_time_credit() {
        let mut b = StatusBook::new();
        // Due 15/5; a document of 25/5 says "Đã hoàn thành" without the day.
        b.upsert(lead(
            1,
            1,
            date!(2026 - 05 - 15),
            vec![StatusEvent {
                completed_on: None,
                ..ev(date!(2026 - 05 - 25), ReportedStatus::Done)
            }],
        ));
        let f = Formula::default_formula().expect("formula");
        let facts = MonthFacts {
            book: &b,
            reported: &HashSet::new(),
            difficulties: &[],
            commitments: &[],
            indicators: None,
        };
        let s = score_month(Month::parse("2026-05").expect("m"), &f, &facts);
        let c = s[0].components;
        assert_eq!((c.due_in_month, c.done_on_time), (1, 0));
        assert_eq!(c.overdue_at_end, 0, "done by 25/5: not overdue at the end");
    }

    #[test]
    fn criteria_that_did_not_arise_are_left_out_and_ranks_are_shared() {
        let f = Formula::default_formula().expect("formula");
        // Only reports arose: 1 of 2 → 50 points.
        let c = Components {
            reports_required: 2,
            reports_on_time: 1,
            ..Default::default()
        };
        assert_eq!(score_of(&c, &f).1, Some(50.0));
        assert_eq!(score_of(&Components::default(), &f).1, None);
        let mk = |agency, score| AgencyScore {
            agency,
            components: Components::default(),
            points: Points::default(),
            score,
        };
        let all = [
            mk(1, Some(80.0)),
            mk(2, Some(90.0)),
            mk(3, Some(80.0)),
            mk(4, None),
        ];
        let names = |a: i64| format!("Cơ quan {a}");
        let r: Vec<(Option<u32>, i64)> = rank(&all, &names)
            .into_iter()
            .map(|(r, s)| (r, s.agency))
            .collect();
        assert_eq!(r, vec![(Some(1), 2), (Some(2), 1), (Some(2), 3), (None, 4)]);
    }

    #[test]
    fn the_on_time_rate_counts_what_stays_overdue_from_before() {
        use ReportedStatus::*;
        let mut b = StatusBook::new();
        // One due in May and done on time; thirteen due in April and still open on 31/5.
        b.upsert(lead(
            1,
            1,
            date!(2026 - 05 - 15),
            vec![ev(date!(2026 - 05 - 10), Done)],
        ));
        for id in 2..=14 {
            b.upsert(lead(id, 1, date!(2026 - 04 - 20), vec![]));
        }
        let f = Formula::default_formula().expect("formula");
        let facts = MonthFacts {
            book: &b,
            reported: &HashSet::new(),
            difficulties: &[],
            commitments: &[],
            indicators: None,
        };
        let s = score_month(Month::parse("2026-05").expect("m"), &f, &facts);
        let c = s[0].components;
        assert_eq!(
            (c.due_in_month, c.overdue_from_before, c.done_on_time),
            (1, 13, 1)
        );
        // 100 × 35 × 1/14 over the weights that arose (on time 35, not overdue 25, reports 15),
        // not 100 × 35 × 1/1 / 75.
        assert_eq!(s[0].points.on_time, Some(3.33));
    }

    #[test]
    fn equal_scores_share_a_rank_ordered_by_the_stated_tie_break() {
        let mk = |agency, done_on_time, due_in_month, overdue_at_end| AgencyScore {
            agency,
            components: Components {
                done_on_time,
                due_in_month,
                overdue_at_end,
                ..Default::default()
            },
            points: Points::default(),
            score: Some(70.0),
        };
        // Same score; agency 3 has the better on-time rate, agency 2 fewer overdue than 1.
        let all = [mk(1, 1, 2, 3), mk(2, 1, 2, 1), mk(3, 2, 2, 5)];
        let names = |a: i64| format!("Cơ quan {a}");
        let r: Vec<(Option<u32>, i64)> = rank(&all, &names)
            .into_iter()
            .map(|(r, s)| (r, s.agency))
            .collect();
        assert_eq!(r, vec![(Some(1), 3), (Some(1), 2), (Some(1), 1)]);
        assert!(TIE_BREAK.contains("cùng hạng"));
    }

    #[test]
    fn indicators_count_green_over_those_with_a_target() {
        use crate::indicator::book::{IndicatorDef, Obs, TargetDef};
        use crate::indicator::{Direction, IndicatorKind, Period, parse_value};
        let mut ib = IndicatorBook::new();
        for id in [1, 2, 3] {
            ib.add_indicator(IndicatorDef {
                id,
                kind: IndicatorKind::Percent,
                direction: Direction::Higher,
                by_agency: true,
                valid_from: None,
                valid_to: None,
            });
        }
        // 1: target 80 % by 31/5, figure 85 %: achieved. 2: target 90 %, figure 39,5 %: not.
        // 3: no target: not assessed.
        for (id, t) in [(1, "80%"), (2, "90%")] {
            ib.add_target(
                id,
                TargetDef {
                    agency: None,
                    period: Period::month(2026, 5),
                    value: parse_value(t),
                },
            );
        }
        for (id, v) in [(1, "85%"), (2, "39,5%"), (3, "10%")] {
            ib.add_value(id, Some(9), Obs::of(date!(2026 - 05 - 20), &parse_value(v)));
        }
        ib.sort();
        let duties: Vec<IndicatorDuty> = [1, 2, 3]
            .into_iter()
            .map(|indicator| IndicatorDuty {
                indicator,
                figure_of: Some(9),
                agency: 9,
            })
            .collect();
        let b = StatusBook::new();
        let f = Formula::default_formula().expect("formula");
        let facts = MonthFacts {
            book: &b,
            reported: &HashSet::new(),
            difficulties: &[],
            commitments: &[],
            indicators: Some((&ib, &duties)),
        };
        let s = score_month(Month::parse("2026-05").expect("m"), &f, &facts);
        let c = s[0].components;
        assert_eq!((c.indicators_assessed, c.indicators_green), (2, 1));
        // The only criterion that arose: 1 of 2 → 50.
        assert_eq!(s[0].score, Some(50.0));
    }

    #[test]
    fn a_leader_is_scored_on_the_tasks_he_oversees() {
        use ReportedStatus::*;
        let mut b = StatusBook::new();
        b.upsert(lead(
            1,
            1,
            date!(2026 - 05 - 15),
            vec![ev(date!(2026 - 05 - 10), Done)],
        ));
        b.upsert(lead(2, 2, date!(2026 - 05 - 20), vec![]));
        b.upsert(lead(3, 3, date!(2026 - 05 - 20), vec![]));
        let f = Formula::default_formula().expect("formula");
        let facts = MonthFacts {
            book: &b,
            reported: &HashSet::new(),
            difficulties: &[],
            commitments: &[],
            indicators: None,
        };
        // Leader 0 oversees tasks 1 and 2 (task 2 together with leader 1); task 3 has none.
        let overseer: HashMap<i64, Vec<usize>> = [(1, vec![0]), (2, vec![0, 1])].into();
        let leaders = vec!["Phó Thủ tướng A".to_string(), "Bộ trưởng B".to_string()];
        let l = score_leaders(
            Month::parse("2026-05").expect("m"),
            &f,
            &facts,
            &overseer,
            &leaders,
        );
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].leader, "Phó Thủ tướng A", "the higher score first");
        let c = l[0].components;
        assert_eq!(
            (c.due_in_month, c.done_on_time, c.overdue_at_end),
            (2, 1, 1)
        );
        let c = l[1].components;
        assert_eq!(
            (c.due_in_month, c.done_on_time, c.overdue_at_end),
            (1, 0, 1)
        );
    }

    #[test]
    fn an_overseer_text_names_each_leader() {
        assert_eq!(
            leaders_named("Phó Thủ tướng Chính phủ Nguyễn Chí Dũng và Bộ trưởng Bộ Công an"),
            vec![
                "Phó Thủ tướng Chính phủ Nguyễn Chí Dũng",
                "Bộ trưởng Bộ Công an"
            ]
        );
        assert_eq!(
            leaders_named("Phó Thủ tướng Hồ Đức Phớc."),
            vec!["Phó Thủ tướng Hồ Đức Phớc"]
        );
    }
}
