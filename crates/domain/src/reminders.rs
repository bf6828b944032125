//! Who must be reminded of what on a day: one digest per user, built from the status of the
//! assignments and the decisions waiting in the follow-up (completions to confirm, deadline
//! requests, difficulties to answer). Nothing here sends anything: the digests are data the
//! store queues and the mail adapter writes out.
//!
//! - A focal point hears of its own agency: lead assignments overdue or due within the window,
//!   completions the standing agency returned (until the agency reports again), difficulties
//!   routed to it that await its answer, deadline requests refused; and of its indicators: the
//!   month's figure not reported by the due day, a figure the standing agency returned.
//! - The standing agency hears of what waits for its decision: completions to confirm, deadline
//!   requests, difficulties to answer or forward, commitments whose date has come, agencies'
//!   figures to confirm (one line per indicator).
//! - A leader hears of escalations (assignments overdue more than the configured days) and, in
//!   the weekly summary, how the counts moved over the week. Secret tasks are never named to
//!   someone who may not see them.

use crate::audit::AuditAction;
use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::{Date, Duration, Weekday};

use crate::access::UserRole;
use crate::deadline::{iso_day, opt_iso_date};
use crate::indicator::{Life, Period, PeriodKind};
use crate::recurrence::OccurrenceCounts;
use crate::status::{DueSoon, FourWay, LateAssignment, PeriodicReport};

/// How a user wants to hear of reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// By e-mail, and in the application.
    Email,
    /// In the application only.
    App,
    /// Not at all.
    Off,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::App => "app",
            Channel::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s.trim() {
            "email" => Some(Channel::Email),
            "app" => Some(Channel::App),
            "off" => Some(Channel::Off),
            _ => None,
        }
    }
}

/// How often a user's digest comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    /// On Mondays.
    Weekly,
}

impl Frequency {
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }

    pub fn parse(s: &str) -> Option<Frequency> {
        match s.trim() {
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            _ => None,
        }
    }

    /// A user's frequency when they chose none: leaders get the weekly summary, everyone else
    /// the daily digest.
    pub fn default_for(role: UserRole) -> Frequency {
        match role {
            UserRole::Leader => Frequency::Weekly,
            _ => Frequency::Daily,
        }
    }

    pub fn due_on(self, day: Date) -> bool {
        match self {
            Frequency::Daily => true,
            Frequency::Weekly => day.weekday() == Weekday::Monday,
        }
    }
}

/// An account that may receive reminders.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: UserRole,
    /// A focal point's agency.
    pub agency: Option<i64>,
    /// The agency this account's holder heads: its long-overdue assignments are escalated to
    /// them, whatever their role.
    pub heads: Option<i64>,
    pub channel: Channel,
    pub frequency: Frequency,
    /// The account's committee: its digest holds only what that committee's lists hold
    /// ([`crate::access::Reader::access`]).
    pub committee: i64,
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The leader's weekly summary of the counts (first in the digest).
    WeekSummary,
    /// A lead assignment of the user's agency is past its due date.
    Overdue,
    /// A recurring lead assignment of the user's agency has a periodic report past its due date.
    PeriodicMissing,
    /// A lead assignment of the user's agency is due within the window.
    DueSoon,
    /// A recurring lead assignment's next periodic report is due within the window.
    PeriodicDue,
    /// The month's figure of an indicator the agency answers for is not reported by the due day.
    FigureMissing,
    /// The standing agency returned the agency's reported completion.
    Returned,
    /// The standing agency returned the agency's figure of an indicator.
    FigureReturned,
    /// A difficulty routed to the agency awaits its answer.
    AnswerDue,
    /// The standing agency refused the agency's deadline request.
    RequestRefused,
    /// A leader's direction or request for an explanation awaits the agency's answer.
    DirectionOpen,
    /// A decision waits for the standing agency (completion, deadline request, difficulty).
    DecisionWaiting,
    /// Agencies' figures of an indicator wait for the standing agency to confirm or return.
    FigureWaiting,
    /// An agency's commitment date has come and the assignment is still open.
    CommitmentDue,
    /// An assignment overdue more than the escalation threshold.
    Escalation,
}

impl ItemKind {
    /// Every kind, in the digest's order.
    pub const ALL: [ItemKind; 15] = [
        ItemKind::WeekSummary,
        ItemKind::DirectionOpen,
        ItemKind::Overdue,
        ItemKind::PeriodicMissing,
        ItemKind::DueSoon,
        ItemKind::PeriodicDue,
        ItemKind::FigureMissing,
        ItemKind::Returned,
        ItemKind::FigureReturned,
        ItemKind::AnswerDue,
        ItemKind::RequestRefused,
        ItemKind::DecisionWaiting,
        ItemKind::FigureWaiting,
        ItemKind::CommitmentDue,
        ItemKind::Escalation,
    ];

    /// The kind as stored and in JSON (`due_soon`…).
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::WeekSummary => "week_summary",
            ItemKind::Overdue => "overdue",
            ItemKind::PeriodicMissing => "periodic_missing",
            ItemKind::DueSoon => "due_soon",
            ItemKind::PeriodicDue => "periodic_due",
            ItemKind::FigureMissing => "figure_missing",
            ItemKind::Returned => "returned",
            ItemKind::FigureReturned => "figure_returned",
            ItemKind::FigureWaiting => "figure_waiting",
            ItemKind::AnswerDue => "answer_due",
            ItemKind::RequestRefused => "request_refused",
            ItemKind::DirectionOpen => "direction_open",
            ItemKind::DecisionWaiting => "decision_waiting",
            ItemKind::CommitmentDue => "commitment_due",
            ItemKind::Escalation => "escalation",
        }
    }

    /// The heading of the digest's section for this kind.
    pub fn heading(self) -> &'static str {
        match self {
            ItemKind::Overdue => "Nhiệm vụ quá hạn",
            ItemKind::PeriodicMissing => "Báo cáo định kỳ quá hạn chưa gửi",
            ItemKind::DueSoon => "Nhiệm vụ sắp đến hạn",
            ItemKind::PeriodicDue => "Báo cáo định kỳ sắp đến hạn",
            ItemKind::FigureMissing => "Số liệu chỉ tiêu chưa báo cáo",
            ItemKind::Returned => "Báo cáo hoàn thành bị trả lại",
            ItemKind::FigureReturned => "Số liệu chỉ tiêu bị trả lại",
            ItemKind::FigureWaiting => "Số liệu chỉ tiêu chờ xác nhận",
            ItemKind::AnswerDue => "Khó khăn, vướng mắc chờ cơ quan trả lời",
            ItemKind::RequestRefused => "Đề nghị điều chỉnh thời hạn không được chấp thuận",
            ItemKind::DirectionOpen => "Ý kiến chỉ đạo, yêu cầu giải trình chờ cơ quan trả lời",
            ItemKind::DecisionWaiting => "Việc chờ Cơ quan thường trực quyết định",
            ItemKind::CommitmentDue => "Cam kết đến hạn",
            ItemKind::Escalation => "Nhiệm vụ quá hạn kéo dài (báo cáo lãnh đạo)",
            ItemKind::WeekSummary => "Tình hình trong tuần",
        }
    }
}

/// One line of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderItem {
    pub kind: ItemKind,
    #[serde(serialize_with = "opt_id_text")]
    pub task_id: Option<i64>,
    /// The task's number in its document.
    pub task_number: Option<String>,
    /// The task's name.
    pub task_name: Option<String>,
    #[serde(with = "opt_iso_date")]
    pub due: Option<Date>,
    /// The agency concerned (official name).
    pub agency: Option<String>,
    pub days_late: Option<i64>,
    /// What else the user must know: the reason a completion was returned, the deadline asked for…
    pub detail: Option<String>,
    /// Where it is acted on in the application (a path).
    pub link: String,
    /// The task is secret: its name is shown in the application, never in an e-mail.
    pub secret: bool,
    /// The leader who oversees the task, as written on it (escalations go to that leader).
    pub overseer: Option<String>,
    /// The indicator concerned (figures to report, returned or to confirm).
    #[serde(serialize_with = "opt_id_text")]
    pub indicator_id: Option<i64>,
    /// The indicator's code and name.
    pub indicator: Option<String>,
}

fn opt_id_text<S: serde::Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(id) => s.serialize_str(&id.to_string()),
        None => s.serialize_none(),
    }
}

/// One user's reminders on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub user_id: i64,
    pub user: String,
    pub full_name: String,
    pub email: Option<String>,
    /// `email` when it goes out by e-mail (and in the application), `app` otherwise.
    pub channel: Channel,
    /// `daily` or `weekly`.
    pub digest: Frequency,
    #[serde(with = "iso_day")]
    pub day: Date,
    pub items: Vec<ReminderItem>,
}

/// A completion the standing agency returned, still the agency's latest word on its assignment.
#[derive(Debug, Clone)]
pub struct ReturnedCompletion {
    pub report_id: i64,
    pub task: i64,
    pub agency: i64,
    pub note: String,
    pub returned_on: Date,
}

/// An open difficulty and who must answer it now (`None`: the standing agency).
#[derive(Debug, Clone)]
pub struct OpenDifficulty {
    pub id: i64,
    pub task: Option<i64>,
    /// The raising agency; none when the document's cell named no one registry agency.
    pub raised_by: Option<i64>,
    /// That cell as written, when the raising agency is not identified.
    pub raised_by_as_written: Option<String>,
    pub handler: Option<i64>,
    pub answer_due: Option<Date>,
    pub text: String,
}

/// What a leader asks of an agency on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionKind {
    /// "Ý kiến chỉ đạo": the agency answers how it carries it out.
    Direction,
    /// "Yêu cầu giải trình": the agency explains, by the day asked.
    Explanation,
}

impl DirectionKind {
    pub fn code(self) -> &'static str {
        match self {
            DirectionKind::Direction => "direction",
            DirectionKind::Explanation => "explanation",
        }
    }

    pub fn parse(s: &str) -> Option<DirectionKind> {
        match s.trim() {
            "direction" | "chi_dao" | "chi-dao" => Some(DirectionKind::Direction),
            "explanation" | "giai_trinh" | "giai-trinh" => Some(DirectionKind::Explanation),
            _ => None,
        }
    }

    pub fn vietnamese(self) -> &'static str {
        match self {
            DirectionKind::Direction => "Ý kiến chỉ đạo",
            DirectionKind::Explanation => "Yêu cầu giải trình",
        }
    }

    /// The audit log's action when it is given, and when it is answered.
    pub fn given_action(self) -> AuditAction {
        match self {
            DirectionKind::Direction => AuditAction::DirectionGiven,
            DirectionKind::Explanation => AuditAction::ExplanationRequested,
        }
    }

    pub fn answered_action(self) -> AuditAction {
        match self {
            DirectionKind::Direction => AuditAction::DirectionAnswered,
            DirectionKind::Explanation => AuditAction::ExplanationGiven,
        }
    }
}

/// A direction or request not yet answered by the agency it is addressed to.
#[derive(Debug, Clone)]
pub struct OpenDirection {
    pub id: i64,
    pub task: i64,
    pub agency: i64,
    pub kind: DirectionKind,
    pub text: String,
    /// Who gave it, by name.
    pub given_by: String,
    pub given_on: Date,
    pub answer_due: Option<Date>,
}

/// A deadline request: waiting, or refused on a day.
#[derive(Debug, Clone)]
pub struct DeadlineRequestFact {
    pub change_id: i64,
    pub task: i64,
    pub agency: i64,
    pub deadline_raw: String,
    pub requested_on: Date,
    /// `Some(day)` when refused that day; `None` while waiting.
    pub refused_on: Option<Date>,
    /// The reason written with the refusal.
    pub refusal_note: Option<String>,
}

/// A reported completion waiting for the standing agency.
#[derive(Debug, Clone)]
pub struct CompletionWaiting {
    pub report_id: i64,
    pub task: i64,
    pub agency: i64,
    pub reported_on: Date,
}

/// An agency's latest commitment on an assignment.
#[derive(Debug, Clone)]
pub struct CommitmentFact {
    pub assignment: i64,
    pub task: i64,
    pub agency: i64,
    pub committed_on: Date,
}

/// A task's number and name.
#[derive(Debug, Clone)]
pub struct TaskLabel {
    pub number: String,
    pub name: String,
    /// The leader who oversees it, as written on the task.
    pub overseer: Option<String>,
}

/// An indicator as reminders name it, and when its figures are asked for.
#[derive(Debug, Clone)]
pub struct IndicatorLabel {
    pub code: String,
    pub name: String,
    pub life: Life,
    /// The day it was set up: no month's figure is asked for before then.
    pub created_on: Date,
}

/// Who answers for an indicator's figure and the latest day it has reported.
#[derive(Debug, Clone)]
pub struct FigureDuty {
    pub indicator: i64,
    /// The agency whose focal points report it.
    pub agency: i64,
    /// `true`: the agency's own figure (an indicator reported by agency); `false`: the national
    /// figure, which the agency leads.
    pub own: bool,
    /// The latest day a figure of it describes (any state: a returned one is told apart).
    pub latest: Option<Date>,
}

/// A figure reported by an agency, waiting for the standing agency.
#[derive(Debug, Clone)]
pub struct FigureWaiting {
    pub indicator: i64,
    pub reported_on: Date,
}

/// A figure the standing agency returned, still the latest of its series: the agency to tell
/// (the reporter, or for a national figure each lead).
#[derive(Debug, Clone)]
pub struct FigureReturned {
    pub indicator: i64,
    pub agency: i64,
    pub raw: String,
    pub as_of: Date,
    pub note: String,
    pub returned_on: Date,
}

/// What the indicators add to a day's reminders.
#[derive(Debug, Clone, Default)]
pub struct FigureFacts {
    pub indicators: HashMap<i64, IndicatorLabel>,
    pub duties: Vec<FigureDuty>,
    pub waiting: Vec<FigureWaiting>,
    pub returned: Vec<FigureReturned>,
}

/// The month whose figure is asked for on `day` and the day it was due: figures are monthly,
/// the figure of a month (one describing a day of it, or later) due on day `due_day` of the
/// next month. Before the due day of this month, the month before last is the one asked for.
pub fn figure_month(day: Date, due_day: u8) -> (Period, Date) {
    let this = Period::containing(PeriodKind::Month, day);
    let before = |p: Period| {
        Period::containing(
            PeriodKind::Month,
            p.start().previous_day().unwrap_or(p.start()),
        )
    };
    let due_in = |p: Period| {
        Date::from_calendar_date(p.start().year(), p.start().month(), due_day.clamp(1, 28))
            .unwrap_or(p.start())
    };
    let last = before(this);
    if day >= due_in(this) {
        (last, due_in(this))
    } else {
        (before(last), due_in(last))
    }
}

/// How reminders are computed.
#[derive(Debug, Clone, Copy)]
pub struct ReminderRules {
    /// An assignment due within this many days is "due soon".
    pub due_within_days: i64,
    /// An assignment overdue more than this many days is escalated to the leaders.
    pub escalate_after_days: i64,
    /// A refused deadline request is told for this many days after the refusal.
    pub refusal_told_days: i64,
    /// A month's figure of an indicator is due on this day of the next month (1–28).
    pub figures_due_day: u8,
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            due_within_days: 7,
            escalate_after_days: 30,
            refusal_told_days: 7,
            figures_due_day: 5,
        }
    }
}

/// Everything the digests of one day are computed from.
pub struct ReminderFacts<'a> {
    pub day: Date,
    pub late: &'a [LateAssignment],
    pub due_soon: &'a [DueSoon],
    /// Recurring lead assignments with a periodic report missing, or due within the window.
    pub periodic: &'a [PeriodicReport],
    /// Assignments still open on the day (a commitment on a done one is not "due").
    pub open_assignments: &'a HashSet<i64>,
    pub returned: &'a [ReturnedCompletion],
    pub difficulties: &'a [OpenDifficulty],
    pub requests: &'a [DeadlineRequestFact],
    pub completions: &'a [CompletionWaiting],
    pub commitments: &'a [CommitmentFact],
    /// Leaders' directions and requests for explanation not yet answered.
    pub directions: &'a [OpenDirection],
    pub task_names: &'a HashMap<i64, TaskLabel>,
    pub secret_tasks: &'a HashSet<i64>,
    pub agency_names: &'a HashMap<i64, String>,
    /// The four-way counts on the day and a week before (the leaders' summary).
    pub totals_now: FourWay,
    pub totals_week_before: FourWay,
    /// The periodic reports due by the day and by a week before.
    pub periodic_now: OccurrenceCounts,
    pub periodic_week_before: OccurrenceCounts,
    pub figures: &'a FigureFacts,
}

impl ReminderFacts<'_> {
    fn item(&self, kind: ItemKind, task: Option<i64>, agency: Option<i64>) -> ReminderItem {
        let secret = task.is_some_and(|t| self.secret_tasks.contains(&t));
        ReminderItem {
            kind,
            task_id: task,
            task_number: task.and_then(|t| self.task_names.get(&t).map(|l| l.number.clone())),
            task_name: task.and_then(|t| self.task_names.get(&t).map(|l| l.name.clone())),
            due: None,
            agency: agency.map(|a| {
                self.agency_names
                    .get(&a)
                    .cloned()
                    .unwrap_or_else(|| format!("cơ quan #{a}"))
            }),
            days_late: None,
            detail: None,
            link: task.map_or_else(
                || "/viec-can-xu-ly".to_string(),
                |t| format!("/nhiem-vu/{t}"),
            ),
            secret,
            overseer: task.and_then(|t| self.task_names.get(&t).and_then(|l| l.overseer.clone())),
            indicator_id: None,
            indicator: None,
        }
    }

    /// An item about an indicator (no task), linked to the indicator's page.
    fn figure_item(&self, kind: ItemKind, indicator: i64, agency: Option<i64>) -> ReminderItem {
        let mut it = self.item(kind, None, agency);
        it.indicator_id = Some(indicator);
        it.indicator = Some(
            self.figures
                .indicators
                .get(&indicator)
                .map(|l| format!("[{}] {}", l.code, l.name))
                .unwrap_or_else(|| format!("chỉ tiêu #{indicator}")),
        );
        it.link = format!("/chi-tieu/{indicator}");
        it
    }
}

/// The figures each agency owes: the asked-for month's figure not reported by its due day (an
/// indicator set up after that day, or whose life does not reach the month, asks nothing).
fn figure_items(
    f: &ReminderFacts<'_>,
    rules: &ReminderRules,
    by: &mut HashMap<i64, Vec<ReminderItem>>,
) {
    let (month, due) = figure_month(f.day, rules.figures_due_day);
    let month_words = month.vietnamese().to_lowercase();
    for d in &f.figures.duties {
        let Some(label) = f.figures.indicators.get(&d.indicator) else {
            continue;
        };
        if !label.life.touches(month)
            || label.created_on > due
            || d.latest.is_some_and(|l| l >= month.start())
        {
            continue;
        }
        let mut it = f.figure_item(ItemKind::FigureMissing, d.indicator, Some(d.agency));
        it.due = Some(due);
        it.days_late = Some((f.day - due).whole_days());
        let what = if d.own {
            "Số liệu"
        } else {
            "Số liệu cả nước"
        };
        it.detail = Some(match d.latest {
            Some(l) => format!(
                "{what} {month_words} chưa báo cáo; số liệu gần nhất tính đến ngày {}",
                crate::deadline::vn(l)
            ),
            None => format!("{what} {month_words} chưa báo cáo; chưa có số liệu nào"),
        });
        by.entry(d.agency).or_default().push(it);
    }
    for r in &f.figures.returned {
        let mut it = f.figure_item(ItemKind::FigureReturned, r.indicator, Some(r.agency));
        it.detail = Some(format!(
            "Số liệu \"{}\" tính đến ngày {} bị trả lại ngày {}: {}",
            r.raw,
            crate::deadline::vn(r.as_of),
            crate::deadline::vn(r.returned_on),
            r.note
        ));
        by.entry(r.agency).or_default().push(it);
    }
}

/// The agencies' figures waiting for the standing agency: one line per indicator.
fn figures_waiting(f: &ReminderFacts<'_>) -> Vec<ReminderItem> {
    let mut per: std::collections::BTreeMap<i64, (usize, Date)> = Default::default();
    for w in f.figures.waiting.iter().filter(|w| w.reported_on <= f.day) {
        let e = per.entry(w.indicator).or_insert((0, w.reported_on));
        e.0 += 1;
        e.1 = e.1.min(w.reported_on);
    }
    per.into_iter()
        .map(|(indicator, (n, oldest))| {
            let mut it = f.figure_item(ItemKind::FigureWaiting, indicator, None);
            it.detail = Some(format!(
                "{n} số liệu do cơ quan báo cáo chờ xác nhận, số liệu chờ lâu nhất gửi ngày {}",
                crate::deadline::vn(oldest)
            ));
            it
        })
        .collect()
}

/// The items of one agency's focal points.
fn focal_items(f: &ReminderFacts<'_>, rules: &ReminderRules) -> HashMap<i64, Vec<ReminderItem>> {
    let mut by: HashMap<i64, Vec<ReminderItem>> = HashMap::new();
    for l in f.late {
        let mut it = f.item(ItemKind::Overdue, Some(l.task), Some(l.agency));
        it.due = Some(l.due);
        it.days_late = Some(l.days_late);
        by.entry(l.agency).or_default().push(it);
    }
    for d in f.due_soon {
        let mut it = f.item(ItemKind::DueSoon, Some(d.task), Some(d.agency));
        it.due = Some(d.due);
        by.entry(d.agency).or_default().push(it);
    }
    for p in f.periodic {
        let schedule = p.recurrence.vietnamese();
        let due = crate::deadline::vn(p.due);
        let (kind, detail) = match p.missing {
            0 => (ItemKind::PeriodicDue, format!("Báo cáo định kỳ {schedule}")),
            1 => (
                ItemKind::PeriodicMissing,
                format!("Chưa gửi báo cáo kỳ hạn ngày {due} ({schedule})"),
            ),
            n => (
                ItemKind::PeriodicMissing,
                format!("{n} kỳ báo cáo chưa gửi, kỳ sớm nhất hạn ngày {due} ({schedule})"),
            ),
        };
        let mut it = f.item(kind, Some(p.task), Some(p.agency));
        it.due = Some(p.due);
        it.days_late = (p.missing > 0).then_some(p.days_late);
        it.detail = Some(detail);
        by.entry(p.agency).or_default().push(it);
    }
    for r in f.returned {
        let mut it = f.item(ItemKind::Returned, Some(r.task), Some(r.agency));
        it.detail = Some(format!(
            "Trả lại ngày {}: {}",
            crate::deadline::vn(r.returned_on),
            r.note
        ));
        by.entry(r.agency).or_default().push(it);
    }
    for d in f.difficulties {
        let Some(h) = d.handler else { continue };
        let mut it = f.item(ItemKind::AnswerDue, d.task, Some(h));
        it.due = d.answer_due;
        it.detail = Some(d.text.clone());
        it.link = "/kho-khan".to_string();
        by.entry(h).or_default().push(it);
    }
    let told_from = f.day - Duration::days(rules.refusal_told_days);
    for r in f.requests {
        if let Some(on) = r.refused_on
            && on >= told_from
            && on <= f.day
        {
            let mut it = f.item(ItemKind::RequestRefused, Some(r.task), Some(r.agency));
            let why = r
                .refusal_note
                .as_deref()
                .map(|n| format!(". Lý do: {n}"))
                .unwrap_or_default();
            it.detail = Some(format!(
                "Đề nghị thời hạn \"{}\" không được chấp thuận ngày {}{why}",
                r.deadline_raw,
                crate::deadline::vn(on)
            ));
            by.entry(r.agency).or_default().push(it);
        }
    }
    for d in f.directions {
        let mut it = f.item(ItemKind::DirectionOpen, Some(d.task), Some(d.agency));
        it.due = d.answer_due;
        it.days_late = d
            .answer_due
            .filter(|due| *due < f.day)
            .map(|due| (f.day - due).whole_days());
        it.detail = Some(format!(
            "{} của {} ngày {}: {}",
            d.kind.vietnamese(),
            d.given_by,
            crate::deadline::vn(d.given_on),
            d.text
        ));
        by.entry(d.agency).or_default().push(it);
    }
    figure_items(f, rules, &mut by);
    by
}

/// What waits for the standing agency.
fn standing_items(f: &ReminderFacts<'_>) -> Vec<ReminderItem> {
    let mut out = Vec::new();
    for c in f.completions {
        let mut it = f.item(ItemKind::DecisionWaiting, Some(c.task), Some(c.agency));
        it.detail = Some(format!(
            "Báo cáo hoàn thành ngày {} chờ xác nhận",
            crate::deadline::vn(c.reported_on)
        ));
        out.push(it);
    }
    for r in f.requests.iter().filter(|r| r.refused_on.is_none()) {
        let mut it = f.item(ItemKind::DecisionWaiting, Some(r.task), Some(r.agency));
        it.detail = Some(format!(
            "Đề nghị điều chỉnh thời hạn thành \"{}\" (ngày {}) chờ quyết định",
            r.deadline_raw,
            crate::deadline::vn(r.requested_on)
        ));
        out.push(it);
    }
    for d in f.difficulties.iter().filter(|d| d.handler.is_none()) {
        let mut it = f.item(ItemKind::DecisionWaiting, d.task, d.raised_by);
        it.due = d.answer_due;
        it.detail = Some(match (d.raised_by, &d.raised_by_as_written) {
            (None, Some(raw)) => format!(
                "Khó khăn, vướng mắc chờ trả lời hoặc chuyển xử lý (cơ quan nêu chưa xác định trong danh mục: \"{raw}\"): {}",
                d.text
            ),
            _ => format!(
                "Khó khăn, vướng mắc chờ trả lời hoặc chuyển xử lý: {}",
                d.text
            ),
        });
        it.link = "/kho-khan".to_string();
        out.push(it);
    }
    for c in f.commitments {
        if c.committed_on <= f.day && f.open_assignments.contains(&c.assignment) {
            let mut it = f.item(ItemKind::CommitmentDue, Some(c.task), Some(c.agency));
            it.due = Some(c.committed_on);
            it.detail = Some(format!(
                "Cam kết hoàn thành ngày {}, chưa báo cáo hoàn thành",
                crate::deadline::vn(c.committed_on)
            ));
            out.push(it);
        }
    }
    out.extend(figures_waiting(f));
    out
}

/// What the leaders hear of: long-overdue assignments, and on the weekly digest the summary.
fn leader_items(f: &ReminderFacts<'_>, rules: &ReminderRules) -> Vec<ReminderItem> {
    let mut out: Vec<ReminderItem> = f
        .late
        .iter()
        .filter(|l| l.days_late > rules.escalate_after_days)
        .map(|l| escalation(f, l))
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(i.days_late));
    out
}

/// A lead assignment overdue past the escalation threshold.
fn escalation(f: &ReminderFacts<'_>, l: &LateAssignment) -> ReminderItem {
    let mut it = f.item(ItemKind::Escalation, Some(l.task), Some(l.agency));
    it.due = Some(l.due);
    it.days_late = Some(l.days_late);
    it
}

fn week_summary(f: &ReminderFacts<'_>) -> ReminderItem {
    let (n, w) = (&f.totals_now, &f.totals_week_before);
    let (pn, pw) = (&f.periodic_now, &f.periodic_week_before);
    let mut it = f.item(ItemKind::WeekSummary, None, None);
    it.link = "/".to_string();
    it.detail = Some(format!(
        "Quá hạn: {} (tuần trước {}); đang thực hiện trong hạn: {} (tuần trước {}); hoàn thành đúng hạn: {} (tuần trước {}); hoàn thành quá hạn: {} (tuần trước {}); nhiệm vụ thường xuyên: {}, kỳ báo cáo định kỳ quá hạn chưa gửi: {} (tuần trước {})",
        n.open_overdue,
        w.open_overdue,
        n.open_in_time,
        w.open_in_time,
        n.done_on_time,
        w.done_on_time,
        n.done_late,
        w.done_late,
        n.recurring,
        pn.missing,
        pw.missing
    ));
    it
}

/// Every reminder of a day, by whom it is for: computed once for all recipients.
pub struct ItemsByRole {
    focal: HashMap<i64, Vec<ReminderItem>>,
    standing: Vec<ReminderItem>,
    escalations: Vec<ReminderItem>,
    /// The escalations by the agency concerned (for the agencies' heads).
    escalations_by_agency: HashMap<i64, Vec<ReminderItem>>,
    summary: ReminderItem,
}

impl ItemsByRole {
    pub fn new(f: &ReminderFacts<'_>, rules: &ReminderRules) -> ItemsByRole {
        let mut escalations_by_agency: HashMap<i64, Vec<ReminderItem>> = HashMap::new();
        for l in f
            .late
            .iter()
            .filter(|l| l.days_late > rules.escalate_after_days)
        {
            escalations_by_agency
                .entry(l.agency)
                .or_default()
                .push(escalation(f, l));
        }
        ItemsByRole {
            focal: focal_items(f, rules),
            standing: standing_items(f),
            escalations: leader_items(f, rules),
            escalations_by_agency,
            summary: week_summary(f),
        }
    }

    /// What a role hears of, in the digest's order: a focal point its agency's work, the
    /// standing agency (and administrators) the decisions waiting, a leader the escalations
    /// (never a secret task), with the week's summary first when `with_summary`; the head of an
    /// agency (`heads`) also its agency's escalations.
    pub fn for_role(
        &self,
        role: UserRole,
        agency: Option<i64>,
        heads: Option<i64>,
        full_name: &str,
        with_summary: bool,
    ) -> Vec<ReminderItem> {
        let mut items: Vec<ReminderItem> = match role {
            UserRole::Focal => agency
                .and_then(|a| self.focal.get(&a).cloned())
                .unwrap_or_default(),
            UserRole::Standing | UserRole::Admin => self.standing.clone(),
            UserRole::Leader => {
                let oversees = |i: &ReminderItem| {
                    i.overseer
                        .as_deref()
                        .is_some_and(|o| names_leader(o, full_name))
                };
                // A leader named as the overseer of escalated tasks hears of those; one who
                // oversees none of them (the committee's head, say) hears of them all.
                let own = self.escalations.iter().any(oversees);
                let mut v: Vec<ReminderItem> = self
                    .escalations
                    .iter()
                    .filter(|i| !i.secret && (!own || oversees(i)))
                    .cloned()
                    .collect();
                if with_summary {
                    v.push(self.summary.clone());
                }
                v
            }
            UserRole::Viewer => Vec::new(),
        };
        if let Some(own) = heads.and_then(|h| self.escalations_by_agency.get(&h)) {
            for it in own {
                if !items.contains(it) {
                    items.push(it.clone());
                }
            }
        }
        items.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.days_late.cmp(&a.days_late))
                .then(a.due.cmp(&b.due))
                .then(a.task_id.cmp(&b.task_id))
                .then(a.indicator_id.cmp(&b.indicator_id))
        });
        items
    }
}

/// A user's "Việc cần xử lý" on the day, whatever their reminder preferences: a leader always
/// sees the week's summary.
pub fn inbox(
    f: &ReminderFacts<'_>,
    rules: &ReminderRules,
    role: UserRole,
    agency: Option<i64>,
    full_name: &str,
) -> Vec<ReminderItem> {
    ItemsByRole::new(f, rules).for_role(role, agency, None, full_name, role == UserRole::Leader)
}

/// The digests due on the day, one per recipient with something to say (an empty digest is not
/// sent). Items come in the order of [`ItemKind`], most urgent first within a kind.
pub fn digests(
    f: &ReminderFacts<'_>,
    rules: &ReminderRules,
    recipients: &[Recipient],
) -> Vec<Digest> {
    let all = ItemsByRole::new(f, rules);
    let mut out = Vec::new();
    for r in recipients {
        if r.channel == Channel::Off || !r.frequency.due_on(f.day) {
            continue;
        }
        let items = all.for_role(
            r.role,
            r.agency,
            r.heads,
            &r.full_name,
            r.frequency == Frequency::Weekly,
        );
        if items.is_empty() {
            continue;
        }
        let channel = match (r.channel, &r.email) {
            (Channel::Email, Some(_)) => Channel::Email,
            _ => Channel::App,
        };
        out.push(Digest {
            user_id: r.user_id,
            user: r.username.clone(),
            full_name: r.full_name.clone(),
            email: r.email.clone(),
            channel,
            digest: r.frequency,
            day: f.day,
            items,
        });
    }
    out
}

/// Whether an overseer as written on a task ("Phó Thủ tướng Nguyễn Chí Dũng") names this leader
/// (an account's full name, "Nguyễn Chí Dũng"): the name's words appear in order as whole words,
/// compared without diacritics or case. A name of one word matches nothing (too loose).
pub fn names_leader(overseer: &str, full_name: &str) -> bool {
    let name: Vec<String> = crate::text::fold(full_name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if name.len() < 2 {
        return false;
    }
    let words: Vec<String> = crate::text::fold(overseer)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.windows(name.len()).any(|w| w == name.as_slice())
}

/// A plain check of an e-mail address as users type it: one "@", a dotted domain, no spaces or
/// angle brackets. The mail adapter parses it again before sending.
pub fn valid_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() <= 253
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@')
        && s.chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn addresses_as_users_type_them() {
        for ok in ["dm0@example.gov.vn", "nguyen.van.a@mic.gov.vn", "a+b@x.vn"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "dm0",
            "dm0@",
            "@x.vn",
            "a@b",
            "a@@b.vn",
            "a b@x.vn",
            "a@x..vn",
            "a@.x.vn",
            "<a@x.vn>",
            "a@x.vn,b@y.vn",
            "nguyễn@x.vn",
            "a@x.vn.",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn an_overseer_names_a_leader_by_whole_words() {
        assert!(names_leader(
            "Phó Thủ tướng Nguyễn Chí Dũng",
            "Nguyễn Chí Dũng"
        ));
        assert!(names_leader(
            "PTTg NGUYEN CHI DUNG (chỉ đạo)",
            "nguyễn chí dũng"
        ));
        assert!(!names_leader(
            "Phó Thủ tướng Nguyễn Hòa Bình",
            "Nguyễn Chí Dũng"
        ));
        assert!(!names_leader(
            "Phó Thủ tướng Nguyễn Chí Dũngg",
            "Nguyễn Chí Dũng"
        ));
        assert!(
            !names_leader("Phó Thủ tướng Nguyễn Chí Dũng", "Dũng"),
            "one word is too loose"
        );
    }

    #[test]
    fn the_month_asked_for_turns_on_the_due_day() {
        use crate::indicator::{Period, PeriodKind};
        let month = |y, m| {
            Period::containing(
                PeriodKind::Month,
                date!(2026 - 01 - 01)
                    .replace_year(y)
                    .and_then(|d| d.replace_month(m))
                    .expect("month"),
            )
        };
        assert_eq!(
            figure_month(date!(2026 - 11 - 10), 5),
            (month(2026, time::Month::October), date!(2026 - 11 - 05))
        );
        assert_eq!(
            figure_month(date!(2026 - 11 - 05), 5),
            (month(2026, time::Month::October), date!(2026 - 11 - 05))
        );
        assert_eq!(
            figure_month(date!(2026 - 11 - 04), 5),
            (month(2026, time::Month::September), date!(2026 - 10 - 05))
        );
        assert_eq!(
            figure_month(date!(2026 - 01 - 02), 5),
            (month(2025, time::Month::November), date!(2025 - 12 - 05))
        );
        // A day past the 28th is not in every month: the 28th.
        assert_eq!(
            figure_month(date!(2026 - 03 - 30), 31).1,
            date!(2026 - 03 - 28)
        );
    }

    #[test]
    fn a_figure_is_owed_only_within_the_life_and_after_set_up() {
        let label = |from: Option<Date>, to: Option<Date>, created_on: Date| IndicatorLabel {
            code: "CT1".into(),
            name: "Tỷ lệ".into(),
            life: Life { from, to },
            created_on,
        };
        let mut figures = FigureFacts::default();
        // 1: followed; 2: life ended in September; 3: set up after the due day (5/11);
        // 4: its life starts in December.
        figures
            .indicators
            .insert(1, label(None, None, date!(2025 - 01 - 01)));
        figures.indicators.insert(
            2,
            label(None, Some(date!(2026 - 09 - 30)), date!(2025 - 01 - 01)),
        );
        figures
            .indicators
            .insert(3, label(None, None, date!(2026 - 11 - 06)));
        figures.indicators.insert(
            4,
            label(Some(date!(2026 - 12 - 01)), None, date!(2025 - 01 - 01)),
        );
        let duty = |indicator, agency, own, latest| FigureDuty {
            indicator,
            agency,
            own,
            latest,
        };
        figures.duties = vec![
            duty(1, 10, true, Some(date!(2026 - 09 - 30))),
            duty(1, 11, true, Some(date!(2026 - 10 - 01))),
            duty(1, 12, false, None),
            duty(2, 10, true, None),
            duty(3, 10, true, None),
            duty(4, 10, true, None),
        ];
        let empty_set = HashSet::new();
        let (names, agencies) = (HashMap::new(), HashMap::new());
        let f = ReminderFacts {
            day: date!(2026 - 11 - 20),
            late: &[],
            due_soon: &[],
            periodic: &[],
            open_assignments: &empty_set,
            returned: &[],
            difficulties: &[],
            requests: &[],
            completions: &[],
            commitments: &[],
            directions: &[],
            task_names: &names,
            secret_tasks: &empty_set,
            agency_names: &agencies,
            totals_now: FourWay::default(),
            totals_week_before: FourWay::default(),
            periodic_now: OccurrenceCounts::default(),
            periodic_week_before: OccurrenceCounts::default(),
            figures: &figures,
        };
        let all = ItemsByRole::new(&f, &ReminderRules::default());
        let owed = |agency| {
            all.for_role(UserRole::Focal, Some(agency), None, "", false)
                .into_iter()
                .map(|i| (i.indicator_id, i.days_late, i.detail))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            owed(10),
            [(
                Some(1),
                Some(15),
                Some(
                    "Số liệu tháng 10/2026 chưa báo cáo; số liệu gần nhất tính đến ngày 30/09/2026"
                        .into()
                )
            )]
        );
        assert!(owed(11).is_empty(), "a figure of 1/10 is October's");
        assert_eq!(
            owed(12),
            [(
                Some(1),
                Some(15),
                Some("Số liệu cả nước tháng 10/2026 chưa báo cáo; chưa có số liệu nào".into())
            )]
        );
    }

    #[test]
    fn weekly_digests_come_on_mondays() {
        assert!(Frequency::Weekly.due_on(date!(2026 - 05 - 18)));
        assert!(!Frequency::Weekly.due_on(date!(2026 - 05 - 19)));
        assert!(Frequency::Daily.due_on(date!(2026 - 05 - 19)));
    }

    #[test]
    fn a_direction_reaches_the_agency_addressed_and_a_refusal_carries_its_reason() {
        let empty_set = HashSet::new();
        let (names, agencies) = (HashMap::new(), HashMap::new());
        let figures = FigureFacts::default();
        let directions = [OpenDirection {
            id: 1,
            task: 7,
            agency: 10,
            kind: DirectionKind::Explanation,
            text: "Vì sao chậm ban hành?".into(),
            given_by: "lanhdao".into(),
            given_on: date!(2026 - 11 - 10),
            answer_due: Some(date!(2026 - 11 - 17)),
        }];
        let requests = [DeadlineRequestFact {
            change_id: 3,
            task: 7,
            agency: 11,
            deadline_raw: "Quý IV/2026".into(),
            requested_on: date!(2026 - 11 - 01),
            refused_on: Some(date!(2026 - 11 - 19)),
            refusal_note: Some("Đã gia hạn một lần".into()),
        }];
        let f = ReminderFacts {
            day: date!(2026 - 11 - 20),
            late: &[],
            due_soon: &[],
            periodic: &[],
            open_assignments: &empty_set,
            returned: &[],
            difficulties: &[],
            requests: &requests,
            completions: &[],
            commitments: &[],
            directions: &directions,
            task_names: &names,
            secret_tasks: &empty_set,
            agency_names: &agencies,
            totals_now: FourWay::default(),
            totals_week_before: FourWay::default(),
            periodic_now: OccurrenceCounts::default(),
            periodic_week_before: OccurrenceCounts::default(),
            figures: &figures,
        };
        let all = ItemsByRole::new(&f, &ReminderRules::default());
        let of = |agency| all.for_role(UserRole::Focal, Some(agency), None, "", false);
        let to_10 = of(10);
        assert_eq!(to_10.len(), 1);
        assert_eq!(to_10[0].kind, ItemKind::DirectionOpen);
        assert_eq!(
            (to_10[0].due, to_10[0].days_late),
            (Some(date!(2026 - 11 - 17)), Some(3))
        );
        assert_eq!(
            to_10[0].detail.as_deref(),
            Some("Yêu cầu giải trình của lanhdao ngày 10/11/2026: Vì sao chậm ban hành?")
        );
        let to_11 = of(11);
        assert_eq!(to_11.len(), 1, "the direction is not another agency's");
        assert!(
            to_11[0]
                .detail
                .as_deref()
                .is_some_and(|d| d.ends_with("Lý do: Đã gia hạn một lần")),
            "{:?}",
            to_11[0].detail
        );
        assert!(
            all.for_role(UserRole::Standing, None, None, "", false)
                .iter()
                .all(|i| i.kind != ItemKind::DirectionOpen)
        );
    }
}
