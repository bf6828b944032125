//! Reminders, end to end: the digests of a day computed from the status book and the
//! follow-up facts, queued once in the store, and the queued e-mails delivered through the SMTP
//! server with retries. `tiendo remind` and the scheduler inside `tiendo serve` both run this.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tiendo_domain::deadline::vn;
use tiendo_domain::reminders::{
    CommitmentFact, Digest, FigureFacts, ItemKind, ReminderFacts, ReminderItem, ReminderRules,
    TaskLabel, digests,
};
use tiendo_mail::{Addressee, Mailer, StoredItem, compose};
use tiendo_store::Db;
use tiendo_store::reminders::{PendingMail, Queued};
use time::{Date, Duration};

use crate::{Snapshot, Visibility};

/// Where e-mails go and what their links point to.
#[derive(Clone)]
pub struct MailSettings {
    pub mailer: Mailer,
    /// The application's address as users reach it ("https://tiendo.example.gov.vn").
    pub base_url: String,
}

/// Vietnam's time (Asia/Ho_Chi_Minh is UTC+7 all year, without daylight saving).
pub fn vietnam_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7))
}

/// What one run of the reminders did.
#[derive(Debug, Clone, Serialize)]
pub struct RemindOutcome {
    #[serde(with = "tiendo_domain::deadline::iso_day")]
    pub as_of: Date,
    pub dry_run: bool,
    /// The digests due on the day (all of them, including those an earlier run already queued).
    pub messages: Vec<Digest>,
    /// Digests stored by this run, and those an earlier run had stored.
    pub queued: Queued,
    pub delivery: Delivery,
    /// Commitments recorded by letters' rules that no answer is a commitment.
    #[serde(default)]
    pub deemed_commitments: u64,
}

/// What the delivery of queued e-mails did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Delivery {
    /// Accepted by the SMTP server in this run.
    pub sent: u64,
    /// Refused or not reached in this run: still queued, tried again later.
    pub failed: u64,
    /// No SMTP server configured: the e-mails wait in the queue.
    pub no_server: bool,
    /// Every e-mail still waiting after this run, with its last error.
    pub waiting: Vec<PendingMail>,
}

/// Whose reminders are computed: everyone's (the digests), or one inbox's (only what it shows is
/// read and named).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    /// A focal point's agency.
    Agency(i64),
    /// The standing agency's decisions.
    Standing,
    /// The leaders' escalations and summary.
    Leaders,
}

impl Scope {
    /// What a user's inbox shows (`None`: nothing, a viewer's).
    pub fn of(user: &tiendo_store::users::User) -> Option<Scope> {
        use tiendo_domain::access::UserRole;
        match user.role {
            UserRole::Focal => user.own_agency().map(Scope::Agency),
            UserRole::Standing | UserRole::Admin => Some(Scope::Standing),
            UserRole::Leader => Some(Scope::Leaders),
            UserRole::Viewer => None,
        }
    }
}

/// What the reminders of a day are computed from, read once.
pub struct DayFacts {
    pub day: Date,
    late: Vec<tiendo_domain::status::LateAssignment>,
    due_soon: Vec<tiendo_domain::status::DueSoon>,
    periodic: Vec<tiendo_domain::status::PeriodicReport>,
    open_assignments: HashSet<i64>,
    /// The commitments come due on assignments in force, with whose they are.
    commitments: Vec<CommitmentFact>,
    follow: tiendo_store::reminders::FollowUpFacts,
    task_names: HashMap<i64, TaskLabel>,
    secret_tasks: HashSet<i64>,
    agency_names: HashMap<i64, String>,
    totals_now: tiendo_domain::status::FourWay,
    totals_week_before: tiendo_domain::status::FourWay,
    periodic_now: tiendo_domain::recurrence::OccurrenceCounts,
    periodic_week_before: tiendo_domain::recurrence::OccurrenceCounts,
    figures: FigureFacts,
}

impl DayFacts {
    /// Reads the day's facts: the status book in memory, the store's follow-up facts, and,
    /// when `named`, the names of the tasks concerned (counting the items needs none).
    pub async fn read(
        db: &Db,
        snap: &Snapshot,
        day: Date,
        rules: &ReminderRules,
        scope: Scope,
        named: bool,
    ) -> anyhow::Result<DayFacts> {
        use tiendo_store::reminders::FactsOf;
        // Only the leaders' summary needs the counts (two passes over the whole book).
        let summary = matches!(scope, Scope::Everyone | Scope::Leaders);
        // Each scope reads what it shows: a focal point its agency's assignments and follow-up
        // facts, the standing agency its decisions (no late or due-soon lists), the leaders
        // the long-overdue assignments.
        let (follow, late, due_soon, periodic) = match scope {
            Scope::Everyone => (
                db.follow_up_facts(day, FactsOf::Everyone).await?,
                snap.book.late_assignments(day, None),
                snap.book.due_soon(day, rules.due_within_days, None),
                snap.book.periodic_reports(day, rules.due_within_days, None),
            ),
            Scope::Agency(a) => (
                db.follow_up_facts(day, FactsOf::Agency(a)).await?,
                snap.book.late_assignments(day, Some(a)),
                snap.book.due_soon(day, rules.due_within_days, Some(a)),
                snap.book
                    .periodic_reports(day, rules.due_within_days, Some(a)),
            ),
            Scope::Standing => (
                db.follow_up_facts(day, FactsOf::Standing).await?,
                Vec::new(),
                Vec::new(),
                Vec::new(),
            ),
            Scope::Leaders => {
                let mut late = snap.book.late_assignments(day, None);
                late.retain(|l| l.days_late > rules.escalate_after_days);
                (Default::default(), late, Vec::new(), Vec::new())
            }
        };
        // A commitment come due is the standing agency's while its assignment, in force today
        // (not removed), is not reported done; the book tells whose it is.
        let commitments: Vec<CommitmentFact> = follow
            .commitments
            .iter()
            .filter_map(|c| {
                let a = snap.book.assignment(c.assignment)?;
                a.until.is_none().then_some(CommitmentFact {
                    assignment: c.assignment,
                    task: a.task,
                    agency: a.agency,
                    committed_on: c.committed_on,
                })
            })
            .collect();
        let open_assignments: HashSet<i64> = commitments
            .iter()
            .filter(|c| {
                snap.book
                    .evaluate_assignment(c.assignment, day)
                    .is_some_and(|e| !e.state.is_done())
            })
            .map(|c| c.assignment)
            .collect();
        let mut tasks: HashSet<i64> = late.iter().map(|l| l.task).collect();
        tasks.extend(due_soon.iter().map(|d| d.task));
        tasks.extend(periodic.iter().map(|p| p.task));
        tasks.extend(follow.returned.iter().map(|r| r.task));
        tasks.extend(follow.difficulties.iter().filter_map(|d| d.task));
        tasks.extend(follow.requests.iter().map(|r| r.task));
        tasks.extend(follow.completions.iter().map(|c| c.task));
        tasks.extend(commitments.iter().map(|c| c.task));
        tasks.extend(follow.directions.iter().map(|d| d.task));
        let ids: Vec<i64> = tasks.into_iter().collect();
        let figures = figure_facts(db, scope, day).await?;
        let ids = if named { ids } else { Vec::new() };
        let task_names = task_labels(db, &ids).await?;
        // The leaders' summary: the day's counts and the week before's, computed once per state
        // of the book and day (the dashboard reads the same).
        let (now, week_before) = if summary {
            (
                Some(snap.day_counts(day, None)),
                Some(snap.day_counts(day - Duration::days(7), None)),
            )
        } else {
            (None, None)
        };
        Ok(DayFacts {
            day,
            late,
            due_soon,
            periodic,
            periodic_now: now.as_ref().map(|c| c.periodic_total()).unwrap_or_default(),
            periodic_week_before: week_before
                .as_ref()
                .map(|c| c.periodic_total())
                .unwrap_or_default(),
            open_assignments,
            commitments,
            follow,
            figures,
            task_names,
            secret_tasks: snap
                .tasks
                .iter()
                .filter(|t| t.secret)
                .map(|t| t.id)
                .collect(),
            agency_names: snap
                .agencies
                .iter()
                .map(|(id, a)| (*id, a.name.clone()))
                .collect(),
            totals_now: now.as_ref().map(|c| c.lead_total()).unwrap_or_default(),
            totals_week_before: week_before
                .as_ref()
                .map(|c| c.lead_total())
                .unwrap_or_default(),
        })
    }

    pub fn facts(&self) -> ReminderFacts<'_> {
        ReminderFacts {
            day: self.day,
            late: &self.late,
            due_soon: &self.due_soon,
            periodic: &self.periodic,
            open_assignments: &self.open_assignments,
            returned: &self.follow.returned,
            difficulties: &self.follow.difficulties,
            requests: &self.follow.requests,
            completions: &self.follow.completions,
            commitments: &self.commitments,
            directions: &self.follow.directions,
            task_names: &self.task_names,
            secret_tasks: &self.secret_tasks,
            agency_names: &self.agency_names,
            totals_now: self.totals_now,
            totals_week_before: self.totals_week_before,
            periodic_now: self.periodic_now,
            periodic_week_before: self.periodic_week_before,
            figures: &self.figures,
        }
    }
}

/// The day's digests, computed from the status book in memory and the store's follow-up facts.
pub async fn compute(
    db: &Db,
    snap: &Snapshot,
    day: Date,
    rules: &ReminderRules,
) -> anyhow::Result<Vec<Digest>> {
    let recipients = db.reminder_recipients().await?;
    let f = DayFacts::read(db, snap, day, rules, Scope::Everyone, true).await?;
    let mut all = digests(&f.facts(), rules, &recipients);
    let by_id: HashMap<i64, &tiendo_domain::reminders::Recipient> =
        recipients.iter().map(|r| (r.user_id, r)).collect();
    // Each digest holds only what its reader's committee lists (the one visibility rule).
    all.retain_mut(|d| {
        let Some(r) = by_id.get(&d.user_id) else {
            return false;
        };
        within_reach(
            snap,
            snap.reader_of(r.role, r.committee, r.agency),
            &mut d.items,
        );
        !d.items.is_empty()
    });
    Ok(all)
}

/// Keeps the items a reader may be told of: what the reader's committee counts (a secret task
/// of its own escalated without its name, as before) or the reader sees; never another
/// committee's. The reader's own tasks are read only when a task is not its committee's.
fn within_reach(
    snap: &Snapshot,
    reader: tiendo_domain::access::Reader,
    items: &mut Vec<ReminderItem>,
) {
    let counted = snap.counted_for(reader.committee);
    let mut vis: Option<Visibility> = None;
    items.retain(|i| {
        i.task_id.is_none_or(|t| {
            counted(t)
                || vis
                    .get_or_insert_with(|| Visibility::of_reader(reader, snap))
                    .sees(t)
        })
    });
}

/// A user's "Việc cần xử lý" on a day.
pub async fn inbox(
    db: &Db,
    snap: &Snapshot,
    user: &tiendo_store::users::User,
    day: Date,
    rules: &ReminderRules,
) -> anyhow::Result<Vec<ReminderItem>> {
    inbox_items(db, snap, user, day, rules, true).await
}

/// How many items of each kind a user's inbox holds on a day, in the inbox's order (the
/// dashboard's summary; the week's summary is not an item to act on and is not counted). The
/// tasks' names are not read, except a leader's: which escalations a leader hears of depends on
/// the tasks' overseers.
pub async fn inbox_counts(
    db: &Db,
    snap: &Snapshot,
    user: &tiendo_store::users::User,
    day: Date,
    rules: &ReminderRules,
) -> anyhow::Result<Vec<(ItemKind, usize)>> {
    let named = user.role == tiendo_domain::access::UserRole::Leader;
    let mut counts: Vec<(ItemKind, usize)> = Vec::new();
    for i in inbox_items(db, snap, user, day, rules, named).await? {
        if i.kind == ItemKind::WeekSummary {
            continue;
        }
        match counts.last_mut() {
            Some((k, n)) if *k == i.kind => *n += 1,
            _ => counts.push((i.kind, 1)),
        }
    }
    Ok(counts)
}

async fn inbox_items(
    db: &Db,
    snap: &Snapshot,
    user: &tiendo_store::users::User,
    day: Date,
    rules: &ReminderRules,
    named: bool,
) -> anyhow::Result<Vec<ReminderItem>> {
    let Some(scope) = Scope::of(user) else {
        return Ok(Vec::new());
    };
    let f = DayFacts::read(db, snap, day, rules, scope, named).await?;
    let mut items = tiendo_domain::reminders::inbox(
        &f.facts(),
        rules,
        user.role,
        user.own_agency(),
        &user.full_name,
    );
    within_reach(snap, snap.reader(user), &mut items);
    Ok(items)
}

/// Computes the day's digests and, unless `dry_run`, stores each once (the application's
/// notifications and the e-mail queue) and delivers what the queue holds.
pub async fn remind(
    db: &Db,
    snap: &Snapshot,
    day: Date,
    dry_run: bool,
    rules: &ReminderRules,
    mail: Option<&MailSettings>,
) -> anyhow::Result<RemindOutcome> {
    let deemed_commitments = if dry_run {
        0
    } else {
        apply_silence_rules(db, snap, day).await?
    };
    let messages = compute(db, snap, day, rules).await?;
    if dry_run {
        return Ok(RemindOutcome {
            as_of: day,
            dry_run,
            messages,
            queued: Queued::default(),
            delivery: Delivery::default(),
            deemed_commitments,
        });
    }
    let queued = db.queue_digests(&messages).await?;
    let delivery = deliver(db, mail).await?;
    Ok(RemindOutcome {
        as_of: day,
        dry_run,
        messages,
        queued,
        delivery,
        deemed_commitments,
    })
}

/// Who records the commitments a letter's rule deems made.
pub const SILENCE_RULE_ACTOR: &str = "he-thong";

/// Applies each letter's rule that no answer is a commitment whose answer date has passed
/// ("Quá thời hạn trên, nếu không có văn bản trả lời thì được hiểu là cam kết hoàn thành
/// 100%"), once: each lead still late on the answer date on the letter's tasks, with no
/// commitment made by then, is recorded as committing to finish within that month — the rule
/// as its roadmap — and is then reminded and scored as any commitment. Returns how many.
pub async fn apply_silence_rules(db: &Db, snap: &Snapshot, day: Date) -> anyhow::Result<u64> {
    let mut recorded = 0;
    for rule in db.silence_rules_due(day).await? {
        let tasks: std::collections::HashSet<i64> =
            db.tasks_in_document(rule.id).await?.into_iter().collect();
        let late: Vec<i64> = snap
            .book
            .late_assignments(rule.answer_by, None)
            .into_iter()
            .filter(|l| tasks.contains(&l.task))
            .map(|l| l.assignment)
            .collect();
        let by = tiendo_domain::scoring::Month::of(rule.answer_by).last();
        recorded += db
            .apply_silence_rule(&rule, &late, by, day, SILENCE_RULE_ACTOR)
            .await?;
    }
    Ok(recorded)
}

/// The key that signs the links in reminder e-mails, shared by every server (made at first use).
pub async fn link_key(db: &Db) -> anyhow::Result<String> {
    let mut failed = None;
    let key = db
        .shared_setting("reminder_link_key", || match crate::accounts::new_token() {
            Ok(t) => t,
            Err(e) => {
                failed = Some(e);
                String::new()
            }
        })
        .await?;
    match failed {
        Some(e) if key.is_empty() => Err(e),
        _ if key.is_empty() => anyhow::bail!("khóa ký liên kết trống"),
        _ => Ok(key),
    }
}

fn signature(key: &str, user_id: i64) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("unsubscribe:{user_id}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signed link that stops a user's reminder e-mails.
pub fn unsubscribe_link(base_url: &str, key: &str, user_id: i64) -> String {
    format!(
        "{}/huy-nhan-thu?u={user_id}&k={}",
        base_url.trim_end_matches('/'),
        signature(key, user_id)
    )
}

/// Whether a link's signature is the one this installation gave that user (compared in constant
/// time).
pub fn valid_unsubscribe(key: &str, user_id: i64, given: &str) -> bool {
    let want = signature(key, user_id);
    !want.is_empty()
        && want.len() == given.len()
        && want
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Seconds before the next attempt after `attempts` failed ones: one minute, doubling, at most
/// six hours.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 20) as u32;
    60i64.saturating_mul(2i64.saturating_pow(exp)).min(6 * 3600)
}

/// Sends every queued e-mail whose attempt is due (claimed first, so two processes never send
/// the same one); a failure leaves it queued with its error and the next attempt later.
pub async fn deliver(db: &Db, mail: Option<&MailSettings>) -> anyhow::Result<Delivery> {
    let mut out = Delivery::default();
    let Some(mail) = mail else {
        out.no_server = true;
        out.waiting = db.pending_mail().await?;
        return Ok(out);
    };
    let mut key: Option<String> = None;
    loop {
        let batch = db.claim_mail(100, 300).await?;
        if batch.is_empty() {
            break;
        }
        let key = match &key {
            Some(k) => k.clone(),
            None => key.insert(link_key(db).await?).clone(),
        };
        for m in batch {
            let items: Vec<StoredItem> = match serde_json::from_str(&m.items) {
                Ok(v) => v,
                Err(e) => {
                    db.mail_failed(m.id, &format!("nội dung không đọc được: {e}"), 6 * 3600)
                        .await?;
                    out.failed += 1;
                    continue;
                }
            };
            let day = vn(m.day);
            let letter = compose(
                &Addressee {
                    email: &m.email,
                    full_name: &m.full_name,
                    day: &day,
                    digest: &m.digest,
                },
                &items,
                &mail.base_url,
                Some(unsubscribe_link(&mail.base_url, &key, m.user_id)),
            );
            match mail.mailer.send(&letter).await {
                Ok(()) => {
                    db.mail_sent(m.id).await?;
                    out.sent += 1;
                }
                Err(e) => {
                    db.mail_failed(m.id, &format!("{e:#}"), backoff_seconds(m.attempts))
                        .await?;
                    out.failed += 1;
                }
            }
        }
        if out.failed > 0 {
            // The server refuses or is down: the rest waits for the next run.
            break;
        }
    }
    out.waiting = db.pending_mail().await?;
    Ok(out)
}

/// The time of day the digests go out, in Vietnam's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyAt {
    pub hour: u8,
    pub minute: u8,
}

impl DailyAt {
    /// "07:00", "7:30"; `None` for anything else.
    pub fn parse(s: &str) -> Option<DailyAt> {
        let (h, m) = s.trim().split_once(':')?;
        let (hour, minute) = (h.parse::<u8>().ok()?, m.parse::<u8>().ok()?);
        (hour < 24 && minute < 60 && m.len() == 2).then_some(DailyAt { hour, minute })
    }
}

/// The scheduler inside `tiendo serve`: every minute, once the hour has come, the day's digests
/// are computed on the server's own status book (brought up to date first; never a second copy
/// read from the tables) and queued (once per day, whatever the number of servers: the store keeps each
/// digest once), and the queued e-mails whose attempt is due are sent. It never stops the
/// server: a failure is printed and tried again a minute later.
pub async fn run_scheduler(
    service: &crate::Service,
    at: DailyAt,
    rules: ReminderRules,
    mail: Option<MailSettings>,
) {
    let mut done: Option<Date> = None;
    loop {
        let now = vietnam_now();
        let today = now.date();
        let due = (now.hour(), now.minute()) >= (at.hour, at.minute);
        if due && done != Some(today) {
            let result = service.remind(today, false, &rules, mail.as_ref()).await;
            match result {
                Ok(o) => {
                    done = Some(today);
                    eprintln!(
                        "tiendo serve: nhắc việc ngày {}: {} bản tin mới, gửi {} thư, {} thư chờ gửi lại",
                        vn(today),
                        o.queued.new,
                        o.delivery.sent,
                        o.delivery.waiting.len()
                    );
                }
                Err(e) => eprintln!("tiendo serve: nhắc việc không chạy được: {e:#}"),
            }
        } else if mail.is_some()
            && let Err(e) = deliver(&service.db, mail.as_ref()).await
        {
            eprintln!("tiendo serve: không gửi được thư nhắc việc: {e:#}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

impl crate::Service {
    /// Marks one of the user's own notifications read or unread.
    pub async fn mark_read(
        &self,
        u: &tiendo_store::users::User,
        id: i64,
        read: bool,
    ) -> tiendo_store::Result<()> {
        self.db.mark_read(u.id, id, read).await
    }

    /// Stops the e-mails of an account (its signed unsubscribe link); the address stopped.
    pub async fn stop_reminder_mail(&self, user_id: i64) -> tiendo_store::Result<Option<String>> {
        self.db.stop_reminder_mail(user_id).await
    }

    /// The day's reminders ([`remind`]) on the status book as stored now: a server's own book
    /// brought up to date, a command's read once.
    pub async fn remind(
        &self,
        day: Date,
        dry_run: bool,
        rules: &ReminderRules,
        mail: Option<&MailSettings>,
    ) -> anyhow::Result<RemindOutcome> {
        let snap = if self.follows {
            self.refresh().await?;
            self.snapshot().await
        } else {
            std::sync::Arc::new(crate::load_snapshot(&self.db).await?)
        };
        remind(&self.db, &snap, day, dry_run, rules, mail).await
    }
}

/// The indicators' facts of a scope: a focal point owes its agency's figures and hears of
/// those returned; the standing agency confirms the figures waiting; the leaders hear of
/// neither.
async fn figure_facts(db: &Db, scope: Scope, day: Date) -> anyhow::Result<FigureFacts> {
    Ok(match scope {
        Scope::Everyone | Scope::Agency(_) => {
            let agency = match scope {
                Scope::Agency(a) => Some(a),
                _ => None,
            };
            FigureFacts {
                indicators: db.indicator_labels().await?,
                duties: db.figure_duties(agency).await?,
                waiting: if agency.is_none() {
                    db.figures_waiting(day).await?
                } else {
                    Vec::new()
                },
                returned: db.figures_returned(day, agency).await?,
            }
        }
        Scope::Standing => FigureFacts {
            indicators: db.indicator_labels().await?,
            waiting: db.figures_waiting(day).await?,
            ..Default::default()
        },
        Scope::Leaders => FigureFacts::default(),
    })
}

/// The number, name and overseeing leader of each task named.
async fn task_labels(db: &Db, ids: &[i64]) -> anyhow::Result<HashMap<i64, TaskLabel>> {
    Ok(db
        .task_names(ids)
        .await?
        .into_iter()
        .map(|(id, t)| {
            (
                id,
                TaskLabel {
                    number: t.number,
                    name: t.name,
                    overseer: t.overseer,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{DailyAt, backoff_seconds};

    #[test]
    fn unsubscribe_links_are_signed_per_user() {
        use super::{unsubscribe_link, valid_unsubscribe};
        let link = unsubscribe_link("https://x.gov.vn/", "khoa", 7);
        let k = link.split("k=").nth(1).unwrap_or("");
        assert!(link.starts_with("https://x.gov.vn/huy-nhan-thu?u=7&k="));
        assert!(valid_unsubscribe("khoa", 7, k));
        assert!(!valid_unsubscribe("khoa", 8, k), "another user");
        assert!(
            !valid_unsubscribe("khoa-khac", 7, k),
            "another installation"
        );
        assert!(!valid_unsubscribe("khoa", 7, ""));
        assert!(!valid_unsubscribe("khoa", 7, &k[1..]));
    }

    #[test]
    fn the_hour_as_administrators_write_it() {
        assert_eq!(
            DailyAt::parse("07:00"),
            Some(DailyAt { hour: 7, minute: 0 })
        );
        assert_eq!(
            DailyAt::parse("7:30"),
            Some(DailyAt {
                hour: 7,
                minute: 30
            })
        );
        for bad in ["24:00", "7", "07:5", "07:60", "x:00", ""] {
            assert_eq!(DailyAt::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(backoff_seconds(0), 60);
        assert_eq!(backoff_seconds(1), 120);
        assert_eq!(backoff_seconds(5), 1920);
        assert_eq!(backoff_seconds(9), 6 * 3600);
        assert_eq!(backoff_seconds(i64::MAX), 6 * 3600);
    }
}
