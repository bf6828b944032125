//! Status as of any date D, from the deadline and the reports in force on D.
//!
//! Per assignment (one agency on one task): done on time, done late, open in time, open overdue,
//! recurring (never overdue as a whole) or conditional (no date: not "6 rõ"). Per task and per
//! agency: the VPCP four-way counts (done on time / done late / open in time / open overdue), where
//! recurring and conditional open assignments count as open in time.
//!
//! Rules:
//! - the due date in force on D is the last deadline change effective on or before D, else the
//!   original deadline (the assignment's own override, else the task's);
//! - an assignment counts on D from the day it was assigned (imported ones: from the start) until
//!   the day it was removed (reassignment), so the past stays as it was;
//! - an assignment is done on D when its latest report dated on or before D says done; it was
//!   completed on the report's completion date. A completion the standing agency returned stops
//!   counting from the day it was returned;
//! - done late = reported "Đã hoàn thành quá hạn", or completed after the due date in force on D;
//! - a completion stated without its date (a document's "Đã hoàn thành", the agencies an overdue
//!   list does not name) is done *by* the report's date, on an unknown day: on time only when that
//!   date is itself within the deadline in force; otherwise "done, date not stated" — never counted
//!   as on time, shown apart;
//! - open overdue = not done and the due date in force is before D (due on D itself is not late).
//!
//! [`StatusBook`] keeps these facts for a whole installation in flat arrays, so the overdue list and
//! the per-agency counts at national scale (500,000 assignments) take milliseconds.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use crate::deadline::DeadlineKind;
use crate::model::{ReportedStatus, Role};
use crate::recurrence::{Occurrence, OccurrenceCounts, OccurrenceState, Recurrence, occurrences};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    DoneOnTime,
    DoneLate,
    /// Done by a date, on a day no document states, after the due date could have passed.
    DoneUndated,
    OpenInTime,
    OpenOverdue,
    Recurring,
    Conditional,
}

impl AssignmentState {
    /// The state's code in the API and in query parameters (as serialized).
    pub fn code(self) -> &'static str {
        match self {
            AssignmentState::DoneOnTime => "done_on_time",
            AssignmentState::DoneLate => "done_late",
            AssignmentState::DoneUndated => "done_undated",
            AssignmentState::OpenInTime => "open_in_time",
            AssignmentState::OpenOverdue => "open_overdue",
            AssignmentState::Recurring => "recurring",
            AssignmentState::Conditional => "conditional",
        }
    }
    pub fn is_done(self) -> bool {
        matches!(self, Self::DoneOnTime | Self::DoneLate | Self::DoneUndated)
    }

    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::DoneOnTime => "Đã hoàn thành đúng hạn",
            Self::DoneLate => "Đã hoàn thành quá hạn",
            Self::DoneUndated => "Đã hoàn thành, không rõ ngày",
            Self::OpenInTime => "Đang thực hiện trong hạn",
            Self::OpenOverdue => "Quá hạn chưa hoàn thành",
            Self::Recurring => "Thường xuyên",
            Self::Conditional => "Chưa xác định thời hạn",
        }
    }
}

/// A deadline change (extension approved, correction) taking effect on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineChange {
    pub effective_on: Date,
    pub kind: DeadlineKind,
    pub due: Option<Date>,
}

/// A report's effect on status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusEvent {
    pub on: Date,
    pub status: ReportedStatus,
    pub completed_on: Option<Date>,
    /// The report no longer counts from this day (a completion returned by the standing agency).
    pub void_from: Option<Date>,
}

/// Everything needed to know one assignment's state on any date. Changes and events in any order.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentFacts<'a> {
    pub kind: DeadlineKind,
    pub due: Option<Date>,
    pub changes: &'a [DeadlineChange],
    pub events: &'a [StatusEvent],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub state: AssignmentState,
    /// Due date in force on the date asked.
    pub due: Option<Date>,
    pub completed_on: Option<Date>,
    /// A completion without its date: done by this day (the report's date).
    pub done_by: Option<Date>,
    /// Days past the due date: until completion when done late, until D when open overdue.
    pub days_late: i64,
}

/// The deadline in force on `as_of`.
pub fn deadline_in_force(f: &AssignmentFacts<'_>, as_of: Date) -> (DeadlineKind, Option<Date>) {
    let mut best: Option<&DeadlineChange> = None;
    for c in f.changes {
        if c.effective_on <= as_of && best.is_none_or(|b| c.effective_on >= b.effective_on) {
            best = Some(c);
        }
    }
    match best {
        Some(c) => (c.kind, c.due),
        None => (f.kind, f.due),
    }
}

/// The latest report on or before `as_of` (not yet returned on that day).
pub fn report_in_force(events: &[StatusEvent], as_of: Date) -> Option<StatusEvent> {
    let mut best: Option<&StatusEvent> = None;
    for e in events {
        if e.on <= as_of
            && e.void_from.is_none_or(|v| v > as_of)
            && best.is_none_or(|b| e.on >= b.on)
        {
            best = Some(e);
        }
    }
    best.copied()
}

pub fn evaluate(f: &AssignmentFacts<'_>, as_of: Date) -> Evaluation {
    let (kind, due) = deadline_in_force(f, as_of);
    let report = report_in_force(f.events, as_of);
    if let Some(r) = report.filter(|r| r.status.is_done()) {
        let Some(completed) = r.completed_on else {
            // Done by the report's date, on a day not stated.
            let state = if r.status == ReportedStatus::DoneLate {
                AssignmentState::DoneLate
            } else if due.is_some_and(|d| r.on <= d) {
                AssignmentState::DoneOnTime
            } else {
                AssignmentState::DoneUndated
            };
            return Evaluation {
                state,
                due,
                completed_on: None,
                done_by: Some(r.on),
                days_late: 0,
            };
        };
        let late_by = due.map(|d| (completed - d).whole_days()).unwrap_or(0);
        let late = r.status == ReportedStatus::DoneLate || late_by > 0;
        return Evaluation {
            state: if late {
                AssignmentState::DoneLate
            } else {
                AssignmentState::DoneOnTime
            },
            due,
            completed_on: Some(completed),
            done_by: None,
            days_late: late_by.max(0),
        };
    }
    let state = match (kind, due) {
        (DeadlineKind::Recurring, _) => AssignmentState::Recurring,
        (_, None) => AssignmentState::Conditional,
        (_, Some(d)) if d < as_of => AssignmentState::OpenOverdue,
        _ => AssignmentState::OpenInTime,
    };
    let days_late = match (state, due) {
        (AssignmentState::OpenOverdue, Some(d)) => (as_of - d).whole_days(),
        _ => 0,
    };
    Evaluation {
        state,
        due,
        completed_on: None,
        done_by: None,
        days_late,
    }
}

/// The VPCP four-way counts, with the recurring and conditional ones shown apart too, and the
/// completions whose day no document states beside them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FourWay {
    pub done_on_time: u64,
    pub done_late: u64,
    /// Done, on a day no document states (never counted on time): apart from the four.
    pub done_undated: u64,
    pub open_in_time: u64,
    pub open_overdue: u64,
    /// Of `open_in_time`: recurring ones.
    pub recurring: u64,
    /// Of `open_in_time`: ones without a date.
    pub conditional: u64,
}

impl std::ops::AddAssign for FourWay {
    fn add_assign(&mut self, c: FourWay) {
        self.done_on_time += c.done_on_time;
        self.done_late += c.done_late;
        self.done_undated += c.done_undated;
        self.open_in_time += c.open_in_time;
        self.open_overdue += c.open_overdue;
        self.recurring += c.recurring;
        self.conditional += c.conditional;
    }
}

impl std::iter::Sum for FourWay {
    fn sum<I: Iterator<Item = FourWay>>(iter: I) -> FourWay {
        iter.fold(FourWay::default(), |mut t, c| {
            t += c;
            t
        })
    }
}

impl FourWay {
    pub fn add(&mut self, s: AssignmentState) {
        match s {
            AssignmentState::DoneOnTime => self.done_on_time += 1,
            AssignmentState::DoneLate => self.done_late += 1,
            AssignmentState::DoneUndated => self.done_undated += 1,
            AssignmentState::OpenInTime => self.open_in_time += 1,
            AssignmentState::OpenOverdue => self.open_overdue += 1,
            AssignmentState::Recurring => {
                self.open_in_time += 1;
                self.recurring += 1
            }
            AssignmentState::Conditional => {
                self.open_in_time += 1;
                self.conditional += 1
            }
        }
    }

    pub fn total(&self) -> u64 {
        self.done_on_time
            + self.done_late
            + self.done_undated
            + self.open_in_time
            + self.open_overdue
    }
}

/// One assignment for the [`StatusBook`].
#[derive(Debug, Clone)]
pub struct AssignmentInput {
    pub id: i64,
    pub task: i64,
    pub agency: i64,
    pub role: Role,
    pub kind: DeadlineKind,
    pub due: Option<Date>,
    pub changes: Vec<DeadlineChange>,
    pub events: Vec<StatusEvent>,
    /// Assigned on this day (a reassignment); `None`: from the start.
    pub from: Option<Date>,
    /// Removed on this day; it no longer counts from then.
    pub until: Option<Date>,
    /// A recurring task's reporting schedule and the day its obligation began.
    pub schedule: Option<Schedule>,
}

/// When a recurring assignment's periodic reports fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub recurrence: Recurrence,
    /// The obligation began on this day (the agency was assigned, or the task entered the
    /// system); the first occurrence is the first whole period after it.
    pub since: Date,
}

/// A recurring lead assignment whose periodic report is missing, or due soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodicReport {
    pub assignment: i64,
    pub task: i64,
    pub agency: i64,
    pub recurrence: Recurrence,
    /// The oldest missing occurrence's due date (or the coming one's).
    pub due: Date,
    pub days_late: i64,
    /// Occurrences missing on the day asked (0 for one due soon).
    pub missing: u64,
}

impl AssignmentInput {
    /// Does the assignment count on `d`?
    pub fn in_force(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.until.is_none_or(|u| d < u)
    }
}

/// One assignment of a [`StatusBook`] as it is kept, borrowed (to save or copy the book).
#[derive(Debug, Clone, Copy)]
pub struct AssignmentView<'a> {
    pub id: i64,
    pub task: i64,
    pub agency: i64,
    pub role: Role,
    pub kind: DeadlineKind,
    pub due: Option<Date>,
    pub changes: &'a [DeadlineChange],
    pub events: &'a [StatusEvent],
    pub from: Option<Date>,
    pub until: Option<Date>,
    pub schedule: Option<Schedule>,
}

/// A task late on a date, with its late agencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueTask {
    pub task: i64,
    /// The earliest due date in force among its late assignments.
    pub due: Date,
    /// Late agencies (lead role), in the order they were assigned.
    pub late_agencies: Vec<i64>,
    pub max_days_late: i64,
}

/// A due-soon assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueSoon {
    pub assignment: i64,
    pub task: i64,
    pub agency: i64,
    pub due: Date,
}

/// The status facts of every assignment, in flat arrays. Lateness is the lead agencies': a
/// coordinating agency supports the lead and is not itself counted late.
#[derive(Debug, Default, Clone)]
pub struct StatusBook {
    ids: Vec<i64>,
    tasks: Vec<i64>,
    agencies: Vec<i64>,
    roles: Vec<Role>,
    kinds: Vec<DeadlineKind>,
    dues: Vec<Option<Date>>,
    change_ranges: Vec<(u32, u32)>,
    event_ranges: Vec<(u32, u32)>,
    /// (assigned on, removed on) of each assignment.
    periods: Vec<(Option<Date>, Option<Date>)>,
    changes: Vec<DeadlineChange>,
    events: Vec<StatusEvent>,
    position: HashMap<i64, usize>,
    /// Reporting schedules of recurring assignments, by position.
    schedules: HashMap<usize, Schedule>,
}

/// A lead assignment open past its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateAssignment {
    pub assignment: i64,
    pub task: i64,
    pub agency: i64,
    pub due: Date,
    pub days_late: i64,
}

impl StatusBook {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds an assignment, or replaces it when its id is already in the book.
    pub fn upsert(&mut self, a: AssignmentInput) {
        let c0 = self.changes.len() as u32;
        self.changes.extend_from_slice(&a.changes);
        let e0 = self.events.len() as u32;
        self.events.extend_from_slice(&a.events);
        let cr = (c0, self.changes.len() as u32);
        let er = (e0, self.events.len() as u32);
        if let Some(&i) = self.position.get(&a.id) {
            self.tasks[i] = a.task;
            self.agencies[i] = a.agency;
            self.roles[i] = a.role;
            self.kinds[i] = a.kind;
            self.dues[i] = a.due;
            self.change_ranges[i] = cr;
            self.event_ranges[i] = er;
            self.periods[i] = (a.from, a.until);
            match a.schedule {
                Some(sc) => self.schedules.insert(i, sc),
                None => self.schedules.remove(&i),
            };
        } else {
            if let Some(sc) = a.schedule {
                self.schedules.insert(self.ids.len(), sc);
            }
            self.position.insert(a.id, self.ids.len());
            self.ids.push(a.id);
            self.tasks.push(a.task);
            self.agencies.push(a.agency);
            self.roles.push(a.role);
            self.kinds.push(a.kind);
            self.dues.push(a.due);
            self.change_ranges.push(cr);
            self.event_ranges.push(er);
            self.periods.push((a.from, a.until));
        }
    }

    /// Does assignment `i` count on `d`?
    fn in_force(&self, i: usize, d: Date) -> bool {
        let (from, until) = self.periods[i];
        from.is_none_or(|f| f <= d) && until.is_none_or(|u| d < u)
    }

    /// Is assignment `i` a lead assignment in force on `d`?
    /// The positions of one agency's assignments, or of every assignment.
    fn positions_of(&self, of: Option<i64>) -> impl Iterator<Item = usize> + '_ {
        (0..self.ids.len()).filter(move |&i| of.is_none_or(|a| self.agencies[i] == a))
    }

    fn lead_on(&self, i: usize, d: Date) -> bool {
        self.roles[i] == Role::Lead && self.in_force(i, d)
    }

    /// Adds a report to an assignment already in the book (the book stays in step with the store).
    pub fn add_event(&mut self, assignment: i64, e: StatusEvent) -> bool {
        let Some(&i) = self.position.get(&assignment) else {
            return false;
        };
        let (s, end) = self.event_ranges[i];
        if end as usize == self.events.len() {
            self.events.push(e);
            self.event_ranges[i] = (s, end + 1);
        } else {
            let start = self.events.len() as u32;
            let old: Vec<StatusEvent> = self.events[s as usize..end as usize].to_vec();
            self.events.extend(old);
            self.events.push(e);
            self.event_ranges[i] = (start, self.events.len() as u32);
        }
        true
    }

    fn facts(&self, i: usize) -> AssignmentFacts<'_> {
        let (cs, ce) = self.change_ranges[i];
        let (es, ee) = self.event_ranges[i];
        AssignmentFacts {
            kind: self.kinds[i],
            due: self.dues[i],
            changes: &self.changes[cs as usize..ce as usize],
            events: &self.events[es as usize..ee as usize],
        }
    }

    /// Every assignment in the order it entered the book.
    pub fn assignments(&self) -> impl Iterator<Item = AssignmentView<'_>> + '_ {
        (0..self.ids.len()).map(|i| self.view(i))
    }

    /// One assignment by its id.
    pub fn assignment(&self, id: i64) -> Option<AssignmentView<'_>> {
        self.position.get(&id).map(|&i| self.view(i))
    }

    fn view(&self, i: usize) -> AssignmentView<'_> {
        let f = self.facts(i);
        AssignmentView {
            id: self.ids[i],
            task: self.tasks[i],
            agency: self.agencies[i],
            role: self.roles[i],
            kind: f.kind,
            due: f.due,
            changes: f.changes,
            events: f.events,
            from: self.periods[i].0,
            until: self.periods[i].1,
            schedule: self.schedules.get(&i).copied(),
        }
    }

    /// The periodic reports a recurring assignment owes, from its first occurrence through
    /// `until`, as reported by `as_of`. `None` unless the deadline in force on `as_of` is
    /// recurring. Once the assignment is reported done, nothing falls due after the completion.
    pub fn occurrences(
        &self,
        id: i64,
        as_of: Date,
        until: Date,
    ) -> Option<(Recurrence, Vec<Occurrence>)> {
        let &i = self.position.get(&id)?;
        self.occurrences_at(i, as_of, until)
    }

    fn occurrences_at(
        &self,
        i: usize,
        as_of: Date,
        until: Date,
    ) -> Option<(Recurrence, Vec<Occurrence>)> {
        let f = self.facts(i);
        let (kind, _) = deadline_in_force(&f, as_of);
        let recurring_now = kind == DeadlineKind::Recurring;
        let schedule = match (self.schedules.get(&i), f.kind == DeadlineKind::Recurring) {
            // A recurring task still recurring; or a dated deadline with a recurring duty beside
            // it ("Trước ngày 20/11/2025 và hàng tháng") still dated: its own schedule.
            (Some(sc), was_recurring) if was_recurring == recurring_now => *sc,
            // No duty in force (a recurring task given a date by a change stops owing reports).
            _ if !recurring_now => return None,
            // Made recurring by a deadline change: from that change, on the committee's cycle.
            _ => Schedule {
                recurrence: Recurrence::DEFAULT,
                since: f
                    .changes
                    .iter()
                    .filter(|c| c.effective_on <= as_of && c.kind == DeadlineKind::Recurring)
                    .map(|c| c.effective_on)
                    .max()?,
            },
        };
        let mut until = until;
        let ev = evaluate(&f, as_of);
        if let Some(done) = ev.completed_on.filter(|_| ev.state.is_done()) {
            until = until.min(done);
        }
        let reports: Vec<Date> = f.events.iter().map(|e| e.on).collect();
        Some((
            schedule.recurrence,
            occurrences(&schedule.recurrence, schedule.since, until, as_of, &reports),
        ))
    }

    /// Per agency, its lead recurring assignments' periodic reports due before `as_of`, counted
    /// apart from the four-way counts.
    pub fn periodic_counts(&self, as_of: Date) -> HashMap<i64, OccurrenceCounts> {
        self.periodic_counts_where(as_of, |_| true)
    }

    /// [`StatusBook::periodic_counts`] over the tasks `keep` accepts (by task id).
    pub fn periodic_counts_where(
        &self,
        as_of: Date,
        keep: impl Fn(i64) -> bool,
    ) -> HashMap<i64, OccurrenceCounts> {
        let mut m: HashMap<i64, OccurrenceCounts> = HashMap::new();
        for i in self.recurring_leads(as_of).filter(|&i| keep(self.tasks[i])) {
            let Some((_, occ)) = self.occurrences_at(i, as_of, as_of) else {
                continue;
            };
            let c = m.entry(self.agencies[i]).or_default();
            for o in &occ {
                c.add(o, as_of);
            }
        }
        m
    }

    /// Periodic reports due before `as_of` over all lead recurring assignments.
    pub fn periodic_totals(&self, as_of: Date) -> OccurrenceCounts {
        let mut t = OccurrenceCounts::default();
        for c in self.periodic_counts(as_of).into_values() {
            t += c;
        }
        t
    }

    /// Lead recurring assignments whose periodic report is missing on `as_of` (`within` = 0), or
    /// due within `within` days and not yet sent (of one agency, or of all); in plan order.
    pub fn periodic_reports(
        &self,
        as_of: Date,
        within: i64,
        of: Option<i64>,
    ) -> Vec<PeriodicReport> {
        let limit = as_of + time::Duration::days(within.max(0));
        let mut out = Vec::new();
        for i in self
            .recurring_leads(as_of)
            .filter(|&i| of.is_none_or(|a| self.agencies[i] == a))
        {
            let Some((rec, occ)) = self.occurrences_at(i, as_of, limit) else {
                continue;
            };
            let missing = occ
                .iter()
                .filter(|o| o.state == OccurrenceState::Missing)
                .count() as u64;
            // The oldest missing report, else (when asked) the coming one.
            let shown = occ.iter().find(|o| {
                o.state == OccurrenceState::Missing
                    || (missing == 0
                        && within > 0
                        && o.state == OccurrenceState::Upcoming
                        && o.due >= as_of)
            });
            let Some(o) = shown else { continue };
            let item = PeriodicReport {
                assignment: self.ids[i],
                task: self.tasks[i],
                agency: self.agencies[i],
                recurrence: rec,
                due: o.due,
                days_late: o.days_late,
                missing,
            };
            out.push(item);
        }
        out
    }

    fn recurring_leads(&self, as_of: Date) -> impl Iterator<Item = usize> + '_ {
        (0..self.ids.len()).filter(move |&i| {
            self.lead_on(i, as_of)
                && (self.kinds[i] == DeadlineKind::Recurring
                    || self.schedules.contains_key(&i)
                    || {
                        let (cs, ce) = self.change_ranges[i];
                        cs != ce
                    })
        })
    }

    /// Is this assignment in force on `d` (assigned by then, not yet removed)?
    pub fn assignment_in_force(&self, id: i64, d: Date) -> bool {
        self.position.get(&id).is_some_and(|&i| self.in_force(i, d))
    }

    pub fn evaluate_assignment(&self, id: i64, as_of: Date) -> Option<Evaluation> {
        self.position
            .get(&id)
            .map(|&i| evaluate(&self.facts(i), as_of))
    }

    /// Tasks late on `as_of`, in the order their first assignment entered the book.
    pub fn overdue(&self, as_of: Date) -> Vec<OverdueTask> {
        let mut out: Vec<OverdueTask> = Vec::new();
        let mut at: HashMap<i64, usize> = HashMap::new();
        for i in 0..self.ids.len() {
            if !self.lead_on(i, as_of) {
                continue;
            }
            let ev = evaluate(&self.facts(i), as_of);
            if ev.state != AssignmentState::OpenOverdue {
                continue;
            }
            let Some(due) = ev.due else { continue };
            let task = self.tasks[i];
            match at.get(&task) {
                Some(&k) => {
                    let t = &mut out[k];
                    if due < t.due {
                        t.due = due;
                    }
                    t.max_days_late = t.max_days_late.max(ev.days_late);
                    if !t.late_agencies.contains(&self.agencies[i]) {
                        t.late_agencies.push(self.agencies[i]);
                    }
                }
                None => {
                    at.insert(task, out.len());
                    out.push(OverdueTask {
                        task,
                        due,
                        late_agencies: vec![self.agencies[i]],
                        max_days_late: ev.days_late,
                    });
                }
            }
        }
        out
    }

    /// Per agency, the four-way counts of its lead assignments on `as_of`.
    pub fn agency_counts(&self, as_of: Date) -> HashMap<i64, FourWay> {
        self.agency_counts_where(as_of, |_| true)
    }

    /// [`StatusBook::agency_counts`] over the tasks `keep` accepts (by task id).
    pub fn agency_counts_where(
        &self,
        as_of: Date,
        keep: impl Fn(i64) -> bool,
    ) -> HashMap<i64, FourWay> {
        let mut m: HashMap<i64, FourWay> = HashMap::new();
        for i in 0..self.ids.len() {
            if !self.lead_on(i, as_of) || !keep(self.tasks[i]) {
                continue;
            }
            let ev = evaluate(&self.facts(i), as_of);
            m.entry(self.agencies[i]).or_default().add(ev.state);
        }
        m
    }

    /// The four-way counts over all lead assignments.
    pub fn totals(&self, as_of: Date) -> FourWay {
        self.agency_counts(as_of).values().copied().sum()
    }

    /// Per task, the state of the task as a whole: overdue if a lead is late, done when every lead
    /// is done (late if any was late), otherwise open in time.
    pub fn task_states(&self, as_of: Date) -> HashMap<i64, AssignmentState> {
        let mut m: HashMap<i64, AssignmentState> = HashMap::new();
        for i in 0..self.ids.len() {
            if !self.lead_on(i, as_of) {
                continue;
            }
            let s = evaluate(&self.facts(i), as_of).state;
            m.entry(self.tasks[i])
                .and_modify(|cur| *cur = combine(*cur, s))
                .or_insert(s);
        }
        m
    }

    /// Per task an agency leads on `as_of`, the state of that agency's own lead assignment: what
    /// the dashboard's bar for the agency counts, task by task.
    pub fn lead_states_of(&self, agency: i64, as_of: Date) -> HashMap<i64, AssignmentState> {
        (0..self.ids.len())
            .filter(|&i| self.agencies[i] == agency && self.lead_on(i, as_of))
            .map(|i| (self.tasks[i], evaluate(&self.facts(i), as_of).state))
            .collect()
    }

    /// Late lead assignments on `as_of` (of one agency, or of all), in plan order.
    pub fn late_assignments(&self, as_of: Date, of: Option<i64>) -> Vec<LateAssignment> {
        self.positions_of(of)
            .filter(|&i| self.lead_on(i, as_of))
            .filter_map(|i| {
                let ev = evaluate(&self.facts(i), as_of);
                (ev.state == AssignmentState::OpenOverdue).then_some(())?;
                Some(LateAssignment {
                    assignment: self.ids[i],
                    task: self.tasks[i],
                    agency: self.agencies[i],
                    due: ev.due?,
                    days_late: ev.days_late,
                })
            })
            .collect()
    }

    /// The tasks where any of these agencies has an assignment today (any role; removed ones
    /// excluded).
    pub fn tasks_of_agencies(
        &self,
        agencies: &std::collections::HashSet<i64>,
    ) -> std::collections::HashSet<i64> {
        (0..self.ids.len())
            .filter(|&i| agencies.contains(&self.agencies[i]) && self.periods[i].1.is_none())
            .map(|i| self.tasks[i])
            .collect()
    }

    /// The tasks where an agency has an assignment today (any role; removed ones excluded).
    pub fn tasks_of_agency(&self, agency: i64) -> std::collections::HashSet<i64> {
        (0..self.ids.len())
            .filter(|&i| self.agencies[i] == agency && self.periods[i].1.is_none())
            .map(|i| self.tasks[i])
            .collect()
    }

    /// Open lead assignments (of one agency, or of all) whose due date falls within `days` days
    /// from `as_of` (inclusive).
    pub fn due_soon(&self, as_of: Date, days: i64, of: Option<i64>) -> Vec<DueSoon> {
        let limit = as_of + time::Duration::days(days);
        let mut out = Vec::new();
        for i in self.positions_of(of) {
            if !self.lead_on(i, as_of) {
                continue;
            }
            let ev = evaluate(&self.facts(i), as_of);
            if ev.state == AssignmentState::OpenInTime
                && let Some(d) = ev.due
                && d >= as_of
                && d <= limit
            {
                out.push(DueSoon {
                    assignment: self.ids[i],
                    task: self.tasks[i],
                    agency: self.agencies[i],
                    due: d,
                });
            }
        }
        out.sort_by_key(|d| (d.due, d.task, d.agency));
        out
    }
}

fn combine(a: AssignmentState, b: AssignmentState) -> AssignmentState {
    use AssignmentState::*;
    let rank = |s: AssignmentState| match s {
        OpenOverdue => 6,
        OpenInTime => 5,
        Conditional => 4,
        Recurring => 3,
        DoneLate => 2,
        DoneUndated => 1,
        DoneOnTime => 0,
    };
    if rank(a) >= rank(b) { a } else { b }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn facts<'a>(
        due: Date,
        changes: &'a [DeadlineChange],
        events: &'a [StatusEvent],
    ) -> AssignmentFacts<'a> {
        AssignmentFacts {
            kind: DeadlineKind::Date,
            due: Some(due),
            changes,
            events,
        }
    }

    /// An agency's report of a completion: done on the report's day.
    fn done(on: Date) -> StatusEvent {
        StatusEvent {
            on,
            status: ReportedStatus::Done,
            completed_on: Some(on),
            void_from: None,
        }
    }

    /// A document's "Đã hoàn thành" without a day, in a report dated `on`.
    fn done_undated(on: Date) -> StatusEvent {
        StatusEvent {
            completed_on: None,
            ..done(on)
        }
    }

    #[test]
    fn a_completion_without_its_day_is_never_on_time_unless_reported_within_the_deadline() {
        // Reported done on 7/11 against a deadline of 30/9: done by 7/11, on a day not stated.
        let ev = [done_undated(date!(2025 - 11 - 07))];
        let f = facts(date!(2025 - 09 - 30), &[], &ev);
        let e = evaluate(&f, date!(2025 - 11 - 07));
        assert_eq!(e.state, AssignmentState::DoneUndated);
        assert_eq!(e.done_by, Some(date!(2025 - 11 - 07)));
        assert_eq!((e.completed_on, e.days_late), (None, 0));
        assert!(e.state.is_done());
        // Before the report: open and late.
        assert_eq!(
            evaluate(&f, date!(2025 - 11 - 06)).state,
            AssignmentState::OpenOverdue
        );
        // Reported on 20/9 against 30/9: done by 20/9, so on time whatever the day.
        let ev = [done_undated(date!(2025 - 09 - 20))];
        let f = facts(date!(2025 - 09 - 30), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2025 - 11 - 07)).state,
            AssignmentState::DoneOnTime
        );
        // "Đã hoàn thành quá hạn" without a day is late, by an unknown number of days.
        let ev = [StatusEvent {
            status: ReportedStatus::DoneLate,
            ..done_undated(date!(2025 - 11 - 07))
        }];
        let f = facts(date!(2025 - 09 - 30), &[], &ev);
        let e = evaluate(&f, date!(2025 - 11 - 07));
        assert_eq!((e.state, e.days_late), (AssignmentState::DoneLate, 0));
        // The four-way counts keep it apart.
        let mut c = FourWay::default();
        c.add(AssignmentState::DoneUndated);
        assert_eq!((c.done_on_time, c.done_undated, c.total()), (0, 1, 1));
    }

    #[test]
    fn open_assignment_over_time() {
        let f = facts(date!(2026 - 03 - 31), &[], &[]);
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 30)).state,
            AssignmentState::OpenInTime
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 31)).state,
            AssignmentState::OpenInTime,
            "due today is not late"
        );
        let e = evaluate(&f, date!(2026 - 04 - 10));
        assert_eq!((e.state, e.days_late), (AssignmentState::OpenOverdue, 10));
    }

    #[test]
    fn done_on_time_and_late_depend_on_the_report_date() {
        let ev = [done(date!(2026 - 03 - 15))];
        let f = facts(date!(2026 - 03 - 31), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 14)).state,
            AssignmentState::OpenInTime,
            "before the report"
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 05 - 01)).state,
            AssignmentState::DoneOnTime
        );
        let ev = [done(date!(2026 - 04 - 05))];
        let f = facts(date!(2026 - 03 - 31), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 04 - 02)).state,
            AssignmentState::OpenOverdue
        );
        let e = evaluate(&f, date!(2026 - 05 - 01));
        assert_eq!((e.state, e.days_late), (AssignmentState::DoneLate, 5));
    }

    #[test]
    fn reported_done_late_stays_late() {
        let ev = [StatusEvent {
            on: date!(2026 - 02 - 01),
            status: ReportedStatus::DoneLate,
            completed_on: None,
            void_from: None,
        }];
        let f = facts(date!(2026 - 03 - 31), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 02 - 02)).state,
            AssignmentState::DoneLate
        );
    }

    #[test]
    fn extension_counts_only_from_its_approval() {
        // due 31/3, extended on 25/3 to 30/6
        let ch = [DeadlineChange {
            effective_on: date!(2026 - 03 - 25),
            kind: DeadlineKind::Date,
            due: Some(date!(2026 - 06 - 30)),
        }];
        let f = facts(date!(2026 - 03 - 31), &ch, &[]);
        assert_eq!(
            deadline_in_force(&f, date!(2026 - 03 - 24)).1,
            Some(date!(2026 - 03 - 31))
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 04 - 15)).state,
            AssignmentState::OpenInTime
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 07 - 01)).state,
            AssignmentState::OpenOverdue
        );
        // extension approved after the original deadline had passed: late between the two dates
        let ch = [DeadlineChange {
            effective_on: date!(2026 - 04 - 20),
            kind: DeadlineKind::Date,
            due: Some(date!(2026 - 06 - 30)),
        }];
        let f = facts(date!(2026 - 03 - 31), &ch, &[]);
        assert_eq!(
            evaluate(&f, date!(2026 - 04 - 10)).state,
            AssignmentState::OpenOverdue
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 04 - 21)).state,
            AssignmentState::OpenInTime
        );
        // a completion in May is on time once the extension is in force
        let ev = [done(date!(2026 - 05 - 10))];
        let f = facts(date!(2026 - 03 - 31), &ch, &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 05 - 11)).state,
            AssignmentState::DoneOnTime
        );
    }

    #[test]
    fn later_report_reopens() {
        let ev = [
            done(date!(2026 - 03 - 01)),
            StatusEvent {
                on: date!(2026 - 03 - 10),
                status: ReportedStatus::NotDone,
                completed_on: None,
                void_from: None,
            },
        ];
        let f = facts(date!(2026 - 03 - 05), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 06)).state,
            AssignmentState::DoneOnTime
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 11)).state,
            AssignmentState::OpenOverdue
        );
    }

    #[test]
    fn recurring_and_conditional_are_never_overdue() {
        let f = AssignmentFacts {
            kind: DeadlineKind::Recurring,
            due: None,
            changes: &[],
            events: &[],
        };
        assert_eq!(
            evaluate(&f, date!(2030 - 01 - 01)).state,
            AssignmentState::Recurring
        );
        let f = AssignmentFacts {
            kind: DeadlineKind::Conditional,
            due: None,
            changes: &[],
            events: &[],
        };
        assert_eq!(
            evaluate(&f, date!(2030 - 01 - 01)).state,
            AssignmentState::Conditional
        );
    }

    fn input(
        id: i64,
        task: i64,
        agency: i64,
        role: Role,
        due: Date,
        events: Vec<StatusEvent>,
    ) -> AssignmentInput {
        AssignmentInput {
            id,
            task,
            agency,
            role,
            kind: DeadlineKind::Date,
            due: Some(due),
            changes: vec![],
            events,
            from: None,
            until: None,
            schedule: None,
        }
    }

    #[test]
    fn book_overdue_counts_and_due_soon() {
        let mut b = StatusBook::new();
        let d = date!(2026 - 03 - 31);
        b.upsert(input(1, 10, 100, Role::Lead, d, vec![]));
        b.upsert(input(
            2,
            10,
            101,
            Role::Lead,
            d,
            vec![done(date!(2026 - 03 - 01))],
        ));
        b.upsert(input(3, 10, 102, Role::Coordinator, d, vec![]));
        b.upsert(input(4, 11, 100, Role::Lead, date!(2026 - 06 - 30), vec![]));
        b.upsert(input(5, 12, 101, Role::Lead, date!(2026 - 04 - 05), vec![]));
        let o = b.overdue(date!(2026 - 04 - 01));
        assert_eq!(o.len(), 1);
        assert_eq!(
            (o[0].task, o[0].due, o[0].late_agencies.clone()),
            (10, d, vec![100])
        );
        let c = b.agency_counts(date!(2026 - 04 - 01));
        assert_eq!(
            c[&100],
            FourWay {
                open_overdue: 1,
                open_in_time: 1,
                ..Default::default()
            }
        );
        assert_eq!(
            c[&101],
            FourWay {
                done_on_time: 1,
                open_in_time: 1,
                ..Default::default()
            }
        );
        assert!(!c.contains_key(&102), "coordinators are not counted");
        let soon = b.due_soon(date!(2026 - 04 - 01), 7, None);
        assert_eq!(
            soon.iter().map(|s| s.assignment).collect::<Vec<_>>(),
            vec![5]
        );
        // one agency's lists: that agency's lead assignments only, none of another's
        let late = |of| {
            b.late_assignments(date!(2026 - 04 - 01), of)
                .iter()
                .map(|l| l.assignment)
                .collect::<Vec<_>>()
        };
        assert_eq!(late(None), vec![1]);
        assert_eq!(late(Some(100)), vec![1]);
        assert!(late(Some(101)).is_empty());
        assert!(late(Some(102)).is_empty(), "a coordinator is not late");
        assert_eq!(
            b.due_soon(date!(2026 - 04 - 01), 7, Some(101))
                .iter()
                .map(|s| s.assignment)
                .collect::<Vec<_>>(),
            vec![5]
        );
        assert!(b.due_soon(date!(2026 - 04 - 01), 7, Some(100)).is_empty());
        // the book follows a new report
        assert!(b.add_event(1, done(date!(2026 - 04 - 02))));
        assert!(b.overdue(date!(2026 - 04 - 03)).is_empty());
        assert_eq!(
            b.overdue(date!(2026 - 04 - 01)).len(),
            1,
            "the past is unchanged"
        );
        let states = b.task_states(date!(2026 - 04 - 03));
        assert_eq!(states[&10], AssignmentState::DoneLate);
    }

    #[test]
    fn a_returned_completion_counts_until_the_day_it_was_returned() {
        let ev = [StatusEvent {
            void_from: Some(date!(2026 - 03 - 20)),
            ..done(date!(2026 - 03 - 10))
        }];
        let f = facts(date!(2026 - 03 - 31), &[], &ev);
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 19)).state,
            AssignmentState::DoneOnTime,
            "what was known before the return stays as it was"
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 03 - 20)).state,
            AssignmentState::OpenInTime
        );
        assert_eq!(
            evaluate(&f, date!(2026 - 04 - 02)).state,
            AssignmentState::OpenOverdue
        );
    }

    #[test]
    fn a_reassignment_moves_the_lateness_from_its_day() {
        let mut b = StatusBook::new();
        let due = date!(2026 - 03 - 31);
        b.upsert(AssignmentInput {
            until: Some(date!(2026 - 05 - 01)),
            schedule: None,
            ..input(1, 10, 100, Role::Lead, due, vec![])
        });
        b.upsert(AssignmentInput {
            from: Some(date!(2026 - 05 - 01)),
            ..input(2, 10, 101, Role::Lead, due, vec![])
        });
        let before = b.overdue(date!(2026 - 04 - 15));
        assert_eq!(before[0].late_agencies, vec![100]);
        let after = b.overdue(date!(2026 - 05 - 02));
        assert_eq!(after[0].late_agencies, vec![101]);
        assert!(!b.agency_counts(date!(2026 - 05 - 02)).contains_key(&100));
        assert!(!b.agency_counts(date!(2026 - 04 - 02)).contains_key(&101));
        assert_eq!(
            b.tasks_of_agency(100).len(),
            0,
            "a removed agency no longer sees the task as its own"
        );
    }
}
