//! Pages: Tổng quan (dashboard), Nhiệm vụ (task list with filters and diacritics-free search),
//! the task page. Dates are shown dd/mm/yyyy; "as of" is chosen with `?ngay=`.

use crate::words::date_input;
use std::collections::HashSet;
use tiendo_domain::access::UserRole;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::status::{AssignmentState, FourWay};
use tiendo_store::tasks::TaskFilter;
use time::Date;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::history;
use super::layout::page;
use crate::words::{badge, date_or_today, enc, show_iso, state_key, today};

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    ngay: Option<String>,
    han: Option<i64>,
}

/// Bars of late lead assignments per agency, each a link to the list of the tasks behind it
/// (the agency's lead assignments overdue on the day). Readable without colour: the count is
/// written beside each bar; on a phone the name goes above its bar.
fn chart(rows: &[LateCount], as_of: Date) -> Markup {
    let max = rows
        .iter()
        .map(|r| r.open_overdue)
        .max()
        .unwrap_or(1)
        .max(1);
    html! {
        ol.late-bars aria-label="Số nhiệm vụ quá hạn theo cơ quan (chủ trì)" {
            @for l in rows {
                @let pct = (l.open_overdue as f64 / max as f64 * 100.0).max(0.5);
                li {
                    a href={"/nhiem-vu?co_quan=" (enc(&l.code)) "&vai_tro=chu_tri&trang_thai=qua_han&ngay=" (iso(as_of))}
                        title={"Xem " (l.open_overdue) " nhiệm vụ quá hạn do " (l.name) " chủ trì"} {
                        span.name { (l.name) }
                        svg.bar width="100%" height="14" aria-hidden="true" { rect width={(format!("{pct:.1}")) "%"} height="14" {} }
                        span.n { (l.open_overdue) }
                    }
                }
            }
        }
    }
}

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

pub async fn dashboard_data(
    state: &AppState,
    u: &CurrentUser,
    as_of: Date,
    window: i64,
) -> anyhow::Result<Dashboard> {
    let snap = state.snapshot().await;
    let vis = super::Visibility::of(u, &snap);
    let own = if u.role == UserRole::Focal {
        u.user.agency_id
    } else {
        None
    };
    // Computed once per state of the book and day, shared by every reader.
    let day = snap.day_counts(as_of);
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
    let names = state.db.task_names(&ids).await?;
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
    let mut difficulties: Vec<_> = state
        .db
        .difficulties_where(&f)
        .await?
        .into_iter()
        .rev()
        .filter(|d| f.agency.is_some() || d.task_id.is_none_or(|t| vis.sees(t)))
        .collect();
    difficulties.truncate(10);
    let inbox: Vec<InboxCount> = tiendo_service::reminders::inbox_counts(
        &state.db,
        &snap,
        &u.user,
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

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let window = q.han.unwrap_or(14).clamp(1, 120);
    let d = match dashboard_data(&state, &u, as_of, window).await {
        Ok(d) => d,
        Err(e) => return crate::errors::internal(e),
    };
    let totals = d.lead_assignments;
    let own = d.agency.clone();
    page(
        "Tổng quan",
        Some(&u),
        html! {
            h1 { "Tổng quan" }
            form.filters method="get" action="/" {
                label { "Dữ liệu tính đến ngày" (date_input("ngay", &iso(as_of), false)) }
                label { "Sắp đến hạn trong (ngày)" input type="number" name="han" min="1" max="120" value=(window); }
                button.primary type="submit" { "Xem" }
            }
            p.muted { "Dữ liệu tính đến ngày " (vn(as_of)) ". Số phân công chủ trì"
                @if own.is_some() { " của cơ quan bạn" } "." }
            div.cards {
                div.card.ok { div.n { (totals.done_on_time) } div.l { "Hoàn thành đúng hạn" } }
                div.card.warn { div.n { (totals.done_late) } div.l { "Hoàn thành quá hạn" } }
                div.card { div.n { (totals.open_in_time) } div.l { "Đang thực hiện trong hạn" } }
                div.card.late { div.n { (totals.open_overdue) } div.l { "Quá hạn chưa hoàn thành" } }
            }
            p.muted.apart {
                "Trong số đang thực hiện trong hạn: " strong { (totals.recurring) } " nhiệm vụ thường xuyên, "
                strong { (totals.conditional) } " chưa xác định thời hạn."
                @if totals.done_undated > 0 {
                    " Ngoài ra " a href={"/nhiem-vu?trang_thai=khong_ro_ngay&ngay=" (iso(as_of))} { strong { (totals.done_undated) } " phân công đã hoàn thành, không rõ ngày" }
                    " (văn bản chỉ cho biết đã xong trước ngày báo cáo; không tính là đúng hạn)."
                }
            }
            @let p = d.periodic_reports;
            @if p.due > 0 || totals.recurring > 0 {
                div.cards.periodic aria-label="Báo cáo định kỳ của nhiệm vụ thường xuyên" {
                    div.card { div.n { (p.due) } div.l { "Kỳ báo cáo định kỳ đã đến hạn" } }
                    div.card.ok { div.n { (p.on_time) } div.l { "Báo cáo đúng hạn" } }
                    div.card.warn { div.n { (p.late) } div.l { "Báo cáo muộn" } }
                    div.card.late { div.n { (p.missing) } div.l { "Quá hạn chưa báo cáo" } }
                }
            }
            @if !d.inbox.is_empty() {
                section.inbox-summary aria-labelledby="viec-can-xu-ly" {
                    h2 #viec-can-xu-ly { "Việc cần xử lý" }
                    ul {
                        @for c in &d.inbox {
                            li { a href={"/viec-can-xu-ly?ngay=" (iso(as_of))} { (c.heading) ": " strong { (c.count) } } }
                        }
                    }
                }
            }
            h2 { "Nhiệm vụ quá hạn theo cơ quan" }
            @if d.late_by_agency.is_empty() { p.muted { "Không có nhiệm vụ quá hạn." } } @else { (chart(&d.late_by_agency, as_of)) }
            h2 { "Sắp đến hạn trong " (window) " ngày" }
            @if d.due_soon.is_empty() { p.muted { "Không có nhiệm vụ sắp đến hạn." } } @else {
                table {
                    thead { tr { th { "Hạn" } th { "Nhiệm vụ" } th { "Cơ quan" } } }
                    tbody {
                        @for x in &d.due_soon {
                            tr {
                                td { (show_iso(Some(&x.due))) }
                                td { a href={"/nhiem-vu/" (x.task_id) "?ngay=" (iso(as_of))} { "[" (x.number) "] " (x.name) } }
                                td {
                                    // Many agencies: the first three and how many more (all of
                                    // them on the task's page and in the tooltip).
                                    @if x.agencies.len() > 3 {
                                        span title=(x.agency) { (x.agencies[..3].join("; ")) " và " (x.agencies.len() - 3) " cơ quan khác" }
                                    } @else { (x.agency) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Khó khăn, vướng mắc mới nhất" }
            @if d.newest_difficulties.is_empty() { p.muted { "Chưa có khó khăn, vướng mắc nào được báo cáo." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Nội dung" } th { "Tình trạng" } } }
                    tbody { @for x in &d.newest_difficulties { tr { td { (vn(x.raised_on)) } td { (x.agency) } td { (x.text) } td { (if x.state == "answered" { "Đã trả lời" } else if x.answer_overdue(today()) { "Quá hạn trả lời" } else { "Chưa trả lời" }) } } } }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct TasksQuery {
    q: Option<String>,
    co_quan: Option<String>,
    vai_tro: Option<String>,
    trang_thai: Option<String>,
    muc: Option<String>,
    van_ban: Option<String>,
    tu: Option<String>,
    den: Option<String>,
    lanh_dao: Option<String>,
    ngay: Option<String>,
    trang: Option<usize>,
}

const PAGE_SIZE: usize = 50;

/// [`UserRole::sees_task`] as the database's filter: (only this agency's tasks, secret ones too).
fn visible_filter(u: &CurrentUser) -> (Option<i64>, bool) {
    match u.role {
        UserRole::Admin | UserRole::Standing => (None, true),
        UserRole::Focal => (u.agency_id.or(Some(-1)), false),
        UserRole::Leader | UserRole::Viewer => (None, false),
    }
}

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

/// The tasks a user may see that match the search, one page of them.
pub async fn search_tasks(
    state: &AppState,
    u: &CurrentUser,
    s: &TaskSearch,
) -> anyhow::Result<TaskPage> {
    let (only_agency, see_all_secret) = visible_filter(u);
    let text = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
    let filter = TaskFilter {
        q: text(&s.q),
        agency: text(&s.agency),
        heading: text(&s.heading),
        document: text(&s.document),
        due_from: s.due_from,
        due_to: s.due_to,
        overseer: text(&s.overseer),
        only_agency_id: only_agency,
        see_all_secret,
    };
    let snap = state.snapshot().await;
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
        state.db.list_task_ids(&filter).await?
    } else {
        let own = only_agency.map(|a| snap.book.tasks_of_agency(a));
        snap.tasks
            .iter()
            .filter(|t| match &own {
                Some(own) => own.contains(&t.id),
                None => see_all_secret || !t.secret,
            })
            .map(|t| t.id)
            .collect()
    };
    let ids: Vec<i64> = ids
        .into_iter()
        .filter(|id| lead.is_none() || states.contains_key(id))
        .filter(|id| {
            wanted
                .as_ref()
                .is_none_or(|w| states.get(id).is_some_and(|s| w.contains(state_key(*s))))
        })
        .collect();
    let total = ids.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let current = s.page.clamp(1, pages);
    let page_ids = &ids[((current - 1) * PAGE_SIZE).min(total)..(current * PAGE_SIZE).min(total)];
    let rows = state.db.tasks_by_ids(page_ids).await?;
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

pub async fn tasks(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TasksQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let search = TaskSearch {
        q: q.q.clone(),
        agency: q.co_quan.clone(),
        lead_only: q.vai_tro.as_deref() == Some("chu_tri"),
        status: q.trang_thai.clone(),
        heading: q.muc.clone(),
        document: q.van_ban.clone(),
        due_from: q.tu.as_deref().and_then(parse_user_date),
        due_to: q.den.as_deref().and_then(parse_user_date),
        overseer: q.lanh_dao.clone(),
        as_of,
        page: q.trang.unwrap_or(1),
    };
    let found = match search_tasks(&state, &u, &search).await {
        Ok(p) => p,
        Err(e) => return crate::errors::internal(e),
    };
    let (total, pages, current, shown, states) = (
        found.total,
        found.pages,
        found.current,
        found.rows,
        found.states,
    );
    let snap = state.snapshot().await;
    let agencies = super::task::agency_options(&snap);
    let overseers = state.db.overseers().await.unwrap_or_default();
    let link = |p: usize| -> String {
        let mut parts = vec![];
        for (k, v) in [
            ("q", &q.q),
            ("co_quan", &q.co_quan),
            ("vai_tro", &q.vai_tro),
            ("trang_thai", &q.trang_thai),
            ("muc", &q.muc),
            ("van_ban", &q.van_ban),
            ("tu", &q.tu),
            ("den", &q.den),
            ("lanh_dao", &q.lanh_dao),
            ("ngay", &q.ngay),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", enc(v)));
            }
        }
        parts.push(format!("trang={p}"));
        format!("/nhiem-vu?{}", parts.join("&"))
    };
    page(
        "Nhiệm vụ",
        Some(&u),
        html! {
            h1 { "Nhiệm vụ" }
            @if u.is_standing() { p { a href="/nhiem-vu/moi" { "+ Tạo nhiệm vụ" } } }
            form.filters method="get" action="/nhiem-vu" {
                label { "Tìm (không cần dấu)" input type="search" name="q" value=(q.q.as_deref().unwrap_or("")) placeholder="vd: chuyen doi so"; }
                label { "Cơ quan"
                    select name="co_quan" {
                        option value="" { "Tất cả" }
                        @for (code, name) in &agencies { option value=(code) selected[q.co_quan.as_deref() == Some(code.as_str())] { (name) } }
                    }
                }
                label { "Vai trò của cơ quan"
                    select name="vai_tro" {
                        option value="" { "Mọi phân công" }
                        option value="chu_tri" selected[q.vai_tro.as_deref() == Some("chu_tri")] { "Chủ trì" }
                    }
                }
                label { "Tình trạng"
                    select name="trang_thai" {
                        @for (v, l) in [("", "Tất cả"), ("qua_han", "Quá hạn"), ("dang_thuc_hien", "Đang thực hiện"), ("dung_han", "Hoàn thành đúng hạn"), ("tre_han", "Hoàn thành quá hạn"), ("khong_ro_ngay", "Hoàn thành, không rõ ngày"), ("thuong_xuyen", "Nhiệm vụ thường xuyên"), ("chua_xac_dinh", "Chưa xác định thời hạn")] {
                            option value=(v) selected[q.trang_thai.as_deref().unwrap_or("") == v] { (l) }
                        }
                    }
                }
                label { "Mục" input name="muc" value=(q.muc.as_deref().unwrap_or("")); }
                label { "Văn bản giao" input name="van_ban" value=(q.van_ban.as_deref().unwrap_or("")) placeholder="vd: 71/NQ-CP"; }
                label { "Lãnh đạo phụ trách"
                    select name="lanh_dao" {
                        option value="" { "Tất cả" }
                        @for o in &overseers { option value=(o) selected[q.lanh_dao.as_deref() == Some(o.as_str())] { (o) } }
                    }
                }
                label { "Hạn từ" (date_input("tu", q.tu.as_deref().unwrap_or(""), false)) }
                label { "đến" (date_input("den", q.den.as_deref().unwrap_or(""), false)) }
                label { "Tính đến ngày" (date_input("ngay", &iso(as_of), false)) }
                button.primary type="submit" { "Lọc" }
            }
            @if let Some(name) = q.co_quan.as_deref().filter(|c| !c.is_empty() && q.vai_tro.as_deref() == Some("chu_tri")).map(|c| agencies.iter().find(|(code, _)| code.as_str() == c).map_or(c, |(_, n)| n.as_str())) {
                p.muted { "Nhiệm vụ do " strong { (name) } " chủ trì; tình trạng là của phân công chủ trì của cơ quan này." }
            }
            p.muted { (total) " nhiệm vụ · trang " (current) "/" (pages) " · tình trạng tính đến ngày " (vn(as_of)) }
            table {
                thead { tr { th { "TT" } th { "Nhiệm vụ" } th { "Chủ trì" } th { "Thời hạn" } th { "Tình trạng" } } }
                tbody {
                    @for r in &shown {
                        tr {
                            td { (r.number) }
                            td {
                                a href={"/nhiem-vu/" (r.id) "?ngay=" (iso(as_of))} { (r.name) }
                                @if !r.headings.is_empty() { br; span.muted { (r.headings.join(" › ")) } }
                            }
                            td { (r.lead.as_deref().unwrap_or("")) }
                            td { (r.deadline_raw) @if let Some(d) = r.due_on { br; span.muted { (vn(d)) } } }
                            td { @if let Some(s) = states.get(&r.id) { (badge(*s)) } @else { span.muted { "Chưa có cơ quan chủ trì" } } }
                        }
                    }
                }
            }
            nav.pager aria-label="Trang" {
                @if current > 1 { a href=(link(current - 1)) { "‹ Trang trước" } }
                @if current < pages { a href=(link(current + 1)) { "Trang sau ›" } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct AsOfQuery {
    ngay: Option<String>,
    trang: Option<usize>,
}

/// "Việc của tôi": an agency's assignments, the late ones first.
/// One of an agency's assignments with its state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MyAssignment {
    pub task_id: i64,
    pub number: String,
    pub name: String,
    pub assignment_id: i64,
    pub role: String,
    pub due: Option<String>,
    pub state: AssignmentState,
    pub days_late: i64,
}

/// Assignments shown on one page of "Việc của tôi".
pub const MY_PAGE: usize = 100;

/// An agency's assignments in force on `as_of`, late ones first: how many in all, and those of
/// one page (all of them with `None`).
pub async fn my_assignments(
    state: &AppState,
    agency: i64,
    as_of: Date,
    page: Option<usize>,
) -> anyhow::Result<(usize, Vec<MyAssignment>)> {
    let mine = state.db.assignments_of_agency(agency).await?;
    let snap = state.snapshot().await;
    let mut rows: Vec<(i64, i64, String, tiendo_domain::status::Evaluation)> = mine
        .iter()
        .filter(|a| snap.book.assignment_in_force(a.id, as_of))
        .filter_map(|a| {
            snap.book
                .evaluate_assignment(a.id, as_of)
                .map(|e| (a.task_id, a.id, a.role.clone(), e))
        })
        .collect();
    let rank = |s: AssignmentState| match s {
        AssignmentState::OpenOverdue => 0,
        AssignmentState::OpenInTime => 1,
        AssignmentState::Recurring | AssignmentState::Conditional => 2,
        AssignmentState::DoneLate | AssignmentState::DoneUndated | AssignmentState::DoneOnTime => 3,
    };
    rows.sort_by_key(|(task, _, _, e)| (rank(e.state), -e.days_late, e.due, *task));
    let total = rows.len();
    if let Some(p) = page {
        let start = (p.max(1) - 1) * MY_PAGE;
        rows = rows.into_iter().skip(start).take(MY_PAGE).collect();
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let names = state.db.task_names(&ids).await?;
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

pub async fn my_tasks(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<AsOfQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let Some(agency) = u.user.agency_id else {
        return page("Việc của tôi", Some(&u), html! { h1 { "Việc của tôi" } p { "Tài khoản này không gắn với cơ quan nào; xem " a href="/nhiem-vu" { "danh sách nhiệm vụ" } "." } }).into_response();
    };
    let pages = |total: usize| total.div_ceil(MY_PAGE).max(1);
    let current = q.trang.unwrap_or(1).max(1);
    let (total, rows) = match my_assignments(&state, agency, as_of, Some(current)).await {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(e),
    };
    let snap = state.snapshot().await;
    let agency_name = snap
        .agencies
        .get(&agency)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    page(
        "Việc của tôi",
        Some(&u),
        html! {
            h1 { "Việc của " (agency_name) }
            p.muted { (total) " phân công · tình trạng tính đến ngày " (vn(as_of)) " · quá hạn trước · trang " (current.min(pages(total))) "/" (pages(total)) }
            table {
                thead { tr { th { "Nhiệm vụ" } th { "Vai trò" } th { "Hạn" } th { "Tình trạng" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { a href={"/nhiem-vu/" (r.task_id) "?ngay=" (iso(as_of))} { "[" (r.number) "] " (r.name) } }
                            td { (if r.role == "lead" { "Chủ trì" } else { "Phối hợp" }) }
                            td { (show_iso(r.due.as_deref())) }
                            td { (badge(r.state)) @if r.days_late > 0 { " " span.muted { (r.days_late) " ngày" } } }
                        }
                    }
                }
            }
            nav.pager aria-label="Trang" {
                @if current > 1 { a href={"/cua-toi?ngay=" (iso(as_of)) "&trang=" (current - 1)} { "‹ Trang trước" } }
                @if current < pages(total) { a href={"/cua-toi?ngay=" (iso(as_of)) "&trang=" (current + 1)} { "Trang sau ›" } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    trang: Option<usize>,
}

/// The audit log, for administrators: who, when, what, before → after.
/// What an audit row changed, as a link where it has a page.
fn entity_link(entity: &str, id: Option<i64>) -> Markup {
    let id = id.map(|x| x.to_string()).unwrap_or_default();
    html! {
        @match entity {
            "task" => a href={"/nhiem-vu/" (id)} { "Nhiệm vụ #" (id) },
            "indicator" => a href={"/chi-tieu/" (id)} { "Chỉ tiêu #" (id) },
            "agency" => { "Cơ quan #" (id) },
            "user" => { "Tài khoản #" (id) },
            "document" => { "Văn bản #" (id) },
            "difficulty" => { "Khó khăn #" (id) },
            "meeting" => a href="/phien-hop" { "Phiên họp #" (id) },
            other => { (other) " #" (id) },
        }
    }
}

pub async fn audit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    if u.role != UserRole::Admin {
        return super::layout::forbidden_page(&u, "Chỉ quản trị hệ thống xem nhật ký.");
    }
    let page_no = q.trang.unwrap_or(1).clamp(1, 100_000);
    let rows = state
        .db
        .audit_page(100, (page_no - 1) * 100)
        .await
        .unwrap_or_default();
    let snap = state.snapshot().await;
    let agency_of = |id: i64| {
        let a = snap.book.assignment(id)?;
        snap.agencies.get(&a.agency).map(|n| n.name.clone())
    };
    page(
        "Nhật ký",
        Some(&u),
        html! {
            h1 { "Nhật ký thay đổi" }
            table.history {
                thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Đối tượng" } th { "Nội dung" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td.when { (history::when(&r.at)) }
                            td { (history::who(&r.actor)) }
                            td { (entity_link(&r.entity, r.entity_id)) }
                            td { (history::sentence(r, &agency_of)) }
                        }
                    }
                }
            }
            nav.pager { @if page_no > 1 { a href={"/nhat-ky?trang=" (page_no - 1)} { "‹ Mới hơn" } } @if rows.len() == 100 { a href={"/nhat-ky?trang=" (page_no + 1)} { "Cũ hơn ›" } } }
        },
    )
    .into_response()
}
