//! The dashboard (Tổng quan): the four-way counts of lead assignments on a day, the agencies
//! late, what falls due soon, the newest difficulties and the user's inbox counts — for the
//! page, `/api/dashboard` and anyone else, each user seeing what the visibility rule allows.

use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::iso;
use tiendo_domain::status::FourWay;
use tiendo_store::users::User;
use time::Date;

use crate::{Service, Visibility};

/// One agency's bar of the chart.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LateCount {
    pub code: String,
    pub name: String,
    pub open_overdue: u64,
}

/// A lead assignment falling due soon.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DueSoonItem {
    pub task_id: i64,
    pub number: String,
    pub name: String,
    /// The agencies whose lead assignment of the task falls due, joined by "; ".
    pub agency: String,
    /// The same agencies, one by one (the page shows the first three).
    #[serde(skip)]
    pub agencies: Vec<String>,
    /// The soonest of their due days.
    pub due: String,
}

/// What the dashboard shows (and `/api/dashboard` returns).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub as_of: String,
    pub days: i64,
    /// The focal point's agency, when the counts are its own.
    pub agency: Option<String>,
    pub lead_assignments: FourWay,
    /// The recurring lead assignments' periodic reports due before the day, counted apart.
    pub periodic_reports: tiendo_domain::recurrence::OccurrenceCounts,
    pub late_by_agency: Vec<LateCount>,
    pub due_soon: Vec<DueSoonItem>,
    pub newest_difficulties: Vec<tiendo_store::difficulties::Difficulty>,
    /// What waits for the user on the day ("Việc cần xử lý"), counted by kind.
    pub inbox: Vec<InboxCount>,
}

/// How many items of one kind wait in the user's inbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InboxCount {
    pub kind: tiendo_domain::reminders::ItemKind,
    pub heading: &'static str,
    pub count: usize,
}

impl Service {
    /// What the dashboard shows a user on a day, with the lead assignments falling due within
    /// `window` days.
    pub async fn dashboard(&self, u: &User, as_of: Date, window: i64) -> anyhow::Result<Dashboard> {
        let snap = self.snapshot().await;
        let vis = Visibility::of(u, &snap);
        let foreign = snap.foreign(u);
        let own = if u.role == UserRole::Focal {
            u.agency_id
        } else {
            None
        };
        // Computed once per state of the book, day and committee, shared by every reader: a
        // focal point's agency over every committee's tasks, anyone else over their committee's
        // lists.
        let day = snap.day_counts(as_of, own.is_none().then_some(u.committee_id));
        let per_agency = &day.agencies;
        let totals = match own {
            Some(a) => per_agency.get(&a).copied().unwrap_or_default(),
            None => day.lead_total(),
        };
        let periodic = match own {
            Some(a) => day.periodic.get(&a).copied().unwrap_or_default(),
            None => day.periodic_total(),
        };
        let mut late: Vec<LateCount> = per_agency
            .iter()
            .filter(|(a, c)| c.open_overdue > 0 && own.is_none_or(|o| o == **a))
            .map(|(a, c)| {
                let tiendo_store::facts::AgencyName { code, name, .. } =
                    snap.agencies.get(a).cloned().unwrap_or_default();
                LateCount {
                    code,
                    name,
                    open_overdue: c.open_overdue,
                }
            })
            .collect();
        late.sort_by(|a, b| {
            b.open_overdue
                .cmp(&a.open_overdue)
                .then_with(|| a.name.cmp(&b.name))
        });
        late.truncate(15);
        // One line per task (its agencies together), the soonest first.
        let mut soon: Vec<(i64, Date, Vec<i64>)> = Vec::new();
        for d in snap
            .book
            .due_soon(as_of, window, own)
            .into_iter()
            .filter(|d| vis.sees(d.task))
        {
            let full = soon.len() >= 25;
            match soon.iter_mut().find(|(t, _, _)| *t == d.task) {
                Some((_, due, agencies)) => {
                    *due = (*due).min(d.due);
                    if !agencies.contains(&d.agency) {
                        agencies.push(d.agency);
                    }
                }
                None if !full => soon.push((d.task, d.due, vec![d.agency])),
                None => {}
            }
        }
        let ids: Vec<i64> = soon.iter().map(|d| d.0).collect();
        let names = self.db.task_names(&ids).await?;
        let due_soon = soon
            .iter()
            .map(|(task, due, agencies)| {
                let tiendo_store::tasks::TaskName { number, name, .. } =
                    names.get(task).cloned().unwrap_or_default();
                let agencies: Vec<String> = agencies
                    .iter()
                    .filter_map(|a| snap.agencies.get(a).map(|a| a.name.clone()))
                    .collect();
                DueSoonItem {
                    task_id: *task,
                    number,
                    name,
                    agency: agencies.join("; "),
                    agencies,
                    due: iso(*due),
                }
            })
            .collect();
        // The newest ten the user may see: its own agency's, or the newest on tasks it may see.
        let f = tiendo_store::difficulties::DifficultyFilter {
            agency: u.own_agency(),
            newest: Some(50),
            ..Default::default()
        };
        let mut difficulties: Vec<_> = self
            .db
            .difficulties_where(&f)
            .await?
            .into_iter()
            .rev()
            .filter(|d| {
                f.agency.is_some()
                    || match d.task_id {
                        Some(t) => vis.sees(t),
                        None => !foreign.raised(d),
                    }
            })
            .collect();
        difficulties.truncate(10);
        let inbox: Vec<InboxCount> = crate::reminders::inbox_counts(
            &self.db,
            &snap,
            u,
            as_of,
            &tiendo_domain::reminders::ReminderRules::default(),
        )
        .await?
        .into_iter()
        .map(|(kind, count)| InboxCount {
            kind,
            heading: kind.heading(),
            count,
        })
        .collect();
        Ok(Dashboard {
            as_of: iso(as_of),
            days: window,
            agency: own
                .and_then(|a| snap.agencies.get(&a))
                .map(|a| a.name.clone()),
            lead_assignments: totals,
            periodic_reports: periodic,
            late_by_agency: late,
            due_soon,
            newest_difficulties: difficulties,
            inbox,
        })
    }
}
