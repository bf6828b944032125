//! The task list as every front end searches it (the page, `/api/tasks`): the tasks a user may
//! see that match, one page of them with each task's state on the day; and an agency's own
//! assignments ("Việc của tôi"), the late ones first.

use std::collections::HashSet;

use tiendo_domain::deadline::iso;
use tiendo_domain::status::AssignmentState;
use tiendo_store::tasks::TaskFilter;
use tiendo_store::users::User;
use time::Date;

use crate::{Service, Visibility};

/// Tasks shown on one page of the list.
pub const PAGE_SIZE: usize = 50;

/// What the task list is asked for, from the page's parameters or the API's.
#[derive(Debug, Clone)]
pub struct TaskSearch {
    pub q: Option<String>,
    pub agency: Option<String>,
    /// With `agency`: only the tasks that agency leads, each in the state of the agency's own
    /// lead assignment (what its bar on the dashboard counts).
    pub lead_only: bool,
    /// qua_han / open_overdue, dung_han / done_on_time, tre_han / done_late,
    /// khong_ro_ngay / done_undated, dang_thuc_hien / open, thuong_xuyen / recurring,
    /// chua_xac_dinh / conditional
    pub status: Option<String>,
    pub heading: Option<String>,
    pub document: Option<String>,
    pub due_from: Option<Date>,
    pub due_to: Option<Date>,
    pub overseer: Option<String>,
    /// Another committee's tasks, by code (the national view's drill-down); default: the
    /// user's own lists.
    pub committee: Option<String>,
    pub as_of: Date,
    pub page: usize,
}

/// One page of the task list, with each task's state on the date asked.
pub struct TaskPage {
    pub total: usize,
    pub pages: usize,
    pub current: usize,
    pub rows: Vec<tiendo_store::tasks::TaskRow>,
    pub states: std::collections::HashMap<i64, AssignmentState>,
}

impl Service {
    /// The tasks a user may see that match the search, one page of them.
    pub async fn search_tasks(&self, u: &User, s: &TaskSearch) -> anyhow::Result<TaskPage> {
        let text = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        let filter = TaskFilter {
            q: text(&s.q),
            agency: text(&s.agency),
            heading: text(&s.heading),
            document: text(&s.document),
            due_from: s.due_from,
            due_to: s.due_to,
            overseer: text(&s.overseer),
            only_agency_id: None,
            see_all_secret: true,
        };
        let snap = self.snapshot().await;
        let vis = Visibility::of(u, &snap);
        // The user's own lists, or one committee's tasks the user may read.
        let committee = text(&s.committee).map(|code| {
            snap.committees
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
                .map_or(-1, |c| c.id)
        });
        let shown = |id: i64| match committee {
            None => vis.sees(id),
            Some(c) => snap.scope(id).is_some_and(|t| t.committee == c) && vis.reads(id),
        };
        let lead = filter
            .agency
            .as_deref()
            .filter(|_| s.lead_only)
            .map(|code| {
                snap.agencies
                    .iter()
                    .find(|(_, a)| a.code.eq_ignore_ascii_case(code.trim()))
                    .map(|(id, _)| *id)
            });
        let states = match lead {
            Some(Some(agency)) => snap.book.lead_states_of(agency, s.as_of),
            Some(None) => Default::default(),
            None => snap.book.task_states(s.as_of),
        };
        let wanted: Option<HashSet<&str>> = match s.status.as_deref() {
            Some("qua_han" | "open_overdue") => Some(["open_overdue"].into()),
            Some("dung_han" | "done_on_time") => Some(["done_on_time"].into()),
            Some("tre_han" | "done_late") => Some(["done_late"].into()),
            Some("khong_ro_ngay" | "done_undated") => Some(["done_undated"].into()),
            Some("dang_thuc_hien" | "open") => {
                Some(["open_in_time", "recurring", "conditional"].into())
            }
            Some("thuong_xuyen" | "recurring") => Some(["recurring"].into()),
            Some("chua_xac_dinh" | "conditional") => Some(["conditional"].into()),
            _ => None,
        };
        // An agency's lead tasks (a bar of the chart) come from the book: only other filters need
        // the database.
        let sql_filters = filter.q.is_some()
            || (filter.agency.is_some() && lead.is_none())
            || filter.heading.is_some()
            || filter.document.is_some()
            || filter.overseer.is_some()
            || filter.due_from.is_some()
            || filter.due_to.is_some();
        // Without text or date filters the list comes from memory (plan order, visibility, status);
        // otherwise the database narrows it first.
        let ids: Vec<i64> = if sql_filters {
            self.db.list_task_ids(&filter).await?
        } else {
            snap.tasks.iter().map(|t| t.id).collect()
        };
        // The cheap tests first: an agency's bar and a state narrow the list before the rule is
        // read for each task left.
        let ids: Vec<i64> = ids
            .into_iter()
            .filter(|id| lead.is_none() || states.contains_key(id))
            .filter(|id| {
                wanted
                    .as_ref()
                    .is_none_or(|w| states.get(id).is_some_and(|s| w.contains(s.code())))
            })
            .filter(|id| shown(*id))
            .collect();
        let total = ids.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let current = s.page.clamp(1, pages);
        let page_ids =
            &ids[((current - 1) * PAGE_SIZE).min(total)..(current * PAGE_SIZE).min(total)];
        let rows = self.db.tasks_by_ids(page_ids).await?;
        let states = rows
            .iter()
            .filter_map(|r| states.get(&r.id).map(|s| (r.id, *s)))
            .collect();
        Ok(TaskPage {
            total,
            pages,
            current,
            rows,
            states,
        })
    }
}

/// One of an agency's assignments with its state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MyAssignment {
    pub task_id: i64,
    pub number: String,
    pub name: String,
    pub assignment_id: i64,
    pub role: tiendo_domain::model::Role,
    pub due: Option<String>,
    pub state: AssignmentState,
    pub days_late: i64,
}

/// Assignments shown on one page of "Việc của tôi".
pub const MY_PAGE: usize = 100;

impl Service {
    /// An agency's assignments in force on `as_of`, late ones first: how many in all, and
    /// those of one page (all of them with `None`).
    pub async fn my_assignments(
        &self,
        agency: i64,
        as_of: Date,
        page: Option<usize>,
    ) -> anyhow::Result<(usize, Vec<MyAssignment>)> {
        let mine = self.db.assignments_of_agency(agency).await?;
        let snap = self.snapshot().await;
        let mut rows: Vec<(
            i64,
            i64,
            tiendo_domain::model::Role,
            tiendo_domain::status::Evaluation,
        )> = mine
            .iter()
            .filter(|a| snap.book.assignment_in_force(a.id, as_of))
            .filter_map(|a| {
                snap.book
                    .evaluate_assignment(a.id, as_of)
                    .map(|e| (a.task_id, a.id, a.role, e))
            })
            .collect();
        let rank = |s: AssignmentState| match s {
            AssignmentState::OpenOverdue => 0,
            AssignmentState::OpenInTime => 1,
            AssignmentState::Recurring | AssignmentState::Conditional => 2,
            AssignmentState::DoneLate
            | AssignmentState::DoneUndated
            | AssignmentState::DoneOnTime => 3,
        };
        rows.sort_by_key(|(task, _, _, e)| (rank(e.state), -e.days_late, e.due, *task));
        let total = rows.len();
        if let Some(p) = page {
            let start = (p.max(1) - 1) * MY_PAGE;
            rows = rows.into_iter().skip(start).take(MY_PAGE).collect();
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let names = self.db.task_names(&ids).await?;
        Ok((
            total,
            rows.into_iter()
                .map(|(task, aid, role, e)| {
                    let tiendo_store::tasks::TaskName { number, name, .. } =
                        names.get(&task).cloned().unwrap_or_default();
                    MyAssignment {
                        task_id: task,
                        number,
                        name,
                        assignment_id: aid,
                        role,
                        due: e.due.map(iso),
                        state: e.state,
                        days_late: e.days_late,
                    }
                })
                .collect(),
        ))
    }
}
