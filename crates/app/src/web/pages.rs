//! Pages: Tổng quan (dashboard), Nhiệm vụ (task list with filters and diacritics-free search),
//! the task page. Dates are shown dd/mm/yyyy; "as of" is chosen with `?ngay=`.

use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::status::{AssignmentState, FourWay};
use tiendo_store::tasks::TaskFilter;
use time::Date;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;

pub(crate) fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

pub fn today_iso() -> String {
    iso(today())
}

pub(crate) fn date_or_today(s: Option<&str>) -> Date {
    s.and_then(parse_user_date).unwrap_or_else(today)
}

pub(crate) fn show_iso(s: Option<&str>) -> String {
    s.and_then(parse_user_date).map(vn).unwrap_or_default()
}

pub(crate) fn state_key(s: AssignmentState) -> &'static str {
    match s {
        AssignmentState::DoneOnTime => "done_on_time",
        AssignmentState::DoneLate => "done_late",
        AssignmentState::OpenInTime => "open_in_time",
        AssignmentState::OpenOverdue => "open_overdue",
        AssignmentState::Recurring => "recurring",
        AssignmentState::Conditional => "conditional",
    }
}

pub(crate) fn badge(s: AssignmentState) -> Markup {
    html! { span class={"badge s-" (state_key(s))} { (s.vietnamese()) } }
}

/// The audit log's actions in words.
pub(crate) fn action_words(a: &str) -> &str {
    match a {
        "task.created" => "Tạo nhiệm vụ",
        "task.updated" => "Cập nhật nhiệm vụ",
        "deadline.changed" => "Điều chỉnh thời hạn",
        "report.added" => "Báo cáo tiến độ",
        "assignment.removed" => "Bỏ phân công",
        "deadline.requested" => "Đề nghị điều chỉnh thời hạn",
        "deadline.approved" => "Duyệt điều chỉnh thời hạn",
        "deadline.refused" => "Từ chối điều chỉnh thời hạn",
        "difficulty.raised" => "Nêu khó khăn, vướng mắc",
        "difficulty.answered" => "Trả lời khó khăn, vướng mắc",
        "report.confirmed" => "Xác nhận hoàn thành",
        "report.returned" => "Trả lại báo cáo hoàn thành",
        "commitment.added" => "Cam kết hoàn thành",
        "task.edited" => "Sửa nhiệm vụ",
        "assignment.added" => "Giao thêm cơ quan",
        "difficulty.forwarded" => "Chuyển khó khăn, vướng mắc",
        "agency.added" => "Thêm cơ quan",
        "agency.edited" => "Sửa thông tin cơ quan",
        "agency.alias_added" => "Thêm tên gọi cơ quan",
        "document.imported" => "Nhập tệp",
        "document.generated" => "Sinh dữ liệu",
        "user.created" => "Tạo tài khoản",
        "user.password_changed" => "Đổi mật khẩu",
        "api_token.created" => "Tạo mã truy cập API",
        "committee.added" => "Thêm ban chỉ đạo",
        "meeting.added" => "Ghi phiên họp",
        "meeting.document_linked" => "Liên kết văn bản với phiên họp",
        "formula.published" => "Công bố cách tính điểm",
        other => other,
    }
}

pub(crate) fn status_word(s: Option<&str>) -> &'static str {
    match s {
        Some("done") => "Đã hoàn thành",
        Some("done_late") => "Đã hoàn thành quá hạn",
        Some("in_progress") => "Đang thực hiện",
        Some("not_done") => "Chưa hoàn thành",
        _ => "",
    }
}

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    ngay: Option<String>,
    han: Option<i64>,
}

/// Bars of late assignments per agency, as inline SVG (no script, readable without colour).
fn chart(rows: &[(String, u64)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let bar_h = 22;
    let label_w = 330;
    let width = 900;
    let height = rows.len() * bar_h + 10;
    html! {
        svg.chart role="img" aria-label="Số nhiệm vụ quá hạn theo cơ quan" width=(width) height=(height) viewBox={"0 0 " (width) " " (height)} {
            @for (i, (name, n)) in rows.iter().enumerate() {
                @let y = i * bar_h + 4;
                @let w = (*n as f64 / max as f64 * (width - label_w - 60) as f64).round() as u64;
                text x="0" y=(y + 15) { (name) }
                rect x=(label_w) y=(y + 3) width=(w.max(1)) height="15" fill="#b3261e" {}
                text x=(label_w as u64 + w + 6) y=(y + 15) { (n) }
            }
        }
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let window = q.han.unwrap_or(14).clamp(1, 120);
    let snap = state.snapshot().await;
    let own = if u.user.role == "focal" {
        u.user.agency_id
    } else {
        None
    };
    let per_agency = snap.book.agency_counts(as_of);
    let totals = match own {
        Some(a) => per_agency.get(&a).copied().unwrap_or_default(),
        None => per_agency.values().fold(FourWay::default(), |mut t, c| {
            t.done_on_time += c.done_on_time;
            t.done_late += c.done_late;
            t.open_in_time += c.open_in_time;
            t.open_overdue += c.open_overdue;
            t.recurring += c.recurring;
            t.conditional += c.conditional;
            t
        }),
    };
    let mut late: Vec<(String, u64)> = per_agency
        .iter()
        .filter(|(a, c)| c.open_overdue > 0 && own.is_none_or(|o| o == **a))
        .map(|(a, c)| {
            (
                snap.agencies
                    .get(a)
                    .map(|x| x.1.clone())
                    .unwrap_or_default(),
                c.open_overdue,
            )
        })
        .collect();
    late.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    late.truncate(15);
    let soon: Vec<_> = snap
        .book
        .due_soon(as_of, window)
        .into_iter()
        .filter(|d| own.is_none_or(|o| o == d.agency))
        .take(25)
        .collect();
    let ids: Vec<i64> = soon.iter().map(|d| d.task).collect();
    let names = state.db.task_names(&ids).await.unwrap_or_default();
    let difficulties: Vec<(String, String, String, String)> = tiendo_store::sqlx::query_as(
        "SELECT df.created_at, g.name, df.text, df.state FROM difficulties df JOIN agencies g ON g.id = df.raising_agency_id ORDER BY df.id DESC LIMIT 10",
    )
    .fetch_all(state.db.pool())
    .await
    .unwrap_or_default();
    page(
        "Tổng quan",
        Some(&u),
        html! {
            h1 { "Tổng quan" }
            form.filters method="get" action="/" {
                label { "Dữ liệu tính đến ngày" input type="date" name="ngay" value=(iso(as_of)); }
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
            h2 { "Nhiệm vụ quá hạn theo cơ quan" }
            @if late.is_empty() { p.muted { "Không có nhiệm vụ quá hạn." } } @else { (chart(&late)) }
            h2 { "Sắp đến hạn trong " (window) " ngày" }
            @if soon.is_empty() { p.muted { "Không có nhiệm vụ sắp đến hạn." } } @else {
                table {
                    thead { tr { th { "Hạn" } th { "Nhiệm vụ" } th { "Cơ quan" } } }
                    tbody {
                        @for d in &soon {
                            tr {
                                td { (vn(d.due)) }
                                td { a href={"/nhiem-vu/" (d.task) "?ngay=" (iso(as_of))} { @if let Some((n, m)) = names.get(&d.task) { "[" (n) "] " (m) } } }
                                td { (snap.agencies.get(&d.agency).map(|a| a.1.as_str()).unwrap_or("")) }
                            }
                        }
                    }
                }
            }
            h2 { "Khó khăn, vướng mắc mới nhất" }
            @if difficulties.is_empty() { p.muted { "Chưa có khó khăn, vướng mắc nào được báo cáo." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Nội dung" } th { "Tình trạng" } } }
                    tbody { @for d in &difficulties { tr { td { (show_iso(d.0.get(..10))) } td { (d.1) } td { (d.2) } td { (d.3) } } } }
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

fn visible_filter(u: &CurrentUser) -> (Option<i64>, bool) {
    match u.user.role.as_str() {
        "admin" | "standing" => (None, true),
        "focal" => (u.user.agency_id.or(Some(-1)), false),
        _ => (None, false),
    }
}

pub async fn tasks(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TasksQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let (only_agency, see_all_secret) = visible_filter(&u);
    let filter = TaskFilter {
        q: q.q.clone(),
        agency: q.co_quan.clone(),
        heading: q.muc.clone(),
        document: q.van_ban.clone(),
        due_from: q.tu.as_deref().and_then(parse_user_date),
        due_to: q.den.as_deref().and_then(parse_user_date),
        overseer: q.lanh_dao.clone(),
        only_agency_id: only_agency,
        see_all_secret,
    };
    let snap = state.snapshot().await;
    let states = snap.book.task_states(as_of);
    let wanted: Option<HashSet<&str>> = match q.trang_thai.as_deref() {
        Some("qua_han") => Some(["open_overdue"].into()),
        Some("dung_han") => Some(["done_on_time"].into()),
        Some("tre_han") => Some(["done_late"].into()),
        Some("dang_thuc_hien") => Some(["open_in_time", "recurring", "conditional"].into()),
        _ => None,
    };
    let has = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let sql_filters = has(&q.q)
        || has(&q.co_quan)
        || has(&q.muc)
        || has(&q.van_ban)
        || has(&q.lanh_dao)
        || filter.due_from.is_some()
        || filter.due_to.is_some();
    // Without text or date filters the list comes from memory (plan order, visibility, status);
    // otherwise the database narrows it first.
    let ids: Vec<i64> = if sql_filters {
        match state.db.list_task_ids(&filter).await {
            Ok(ids) => ids,
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")).into_response(),
        }
    } else {
        let own = only_agency.map(|a| snap.book.tasks_of_agency(a));
        snap.tasks
            .iter()
            .filter(|(id, secret)| match &own {
                Some(own) => own.contains(id),
                None => see_all_secret || !*secret,
            })
            .map(|(id, _)| *id)
            .collect()
    };
    let ids: Vec<i64> = ids
        .into_iter()
        .filter(|id| {
            wanted
                .as_ref()
                .is_none_or(|w| states.get(id).is_some_and(|s| w.contains(state_key(*s))))
        })
        .collect();
    let total = ids.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let current = q.trang.unwrap_or(1).clamp(1, pages);
    let page_ids = &ids[((current - 1) * PAGE_SIZE).min(total)..(current * PAGE_SIZE).min(total)];
    let shown = match state.db.tasks_by_ids(page_ids).await {
        Ok(r) => r,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")).into_response(),
    };
    let mut agencies: Vec<(&String, &String)> =
        snap.agencies.values().map(|(c, n)| (c, n)).collect();
    agencies.sort_by(|a, b| a.1.cmp(b.1));
    let overseers = state.db.overseers().await.unwrap_or_default();
    let link = |p: usize| -> String {
        let mut parts = vec![];
        for (k, v) in [
            ("q", &q.q),
            ("co_quan", &q.co_quan),
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
            form.filters method="get" action="/nhiem-vu" {
                label { "Tìm (không cần dấu)" input type="search" name="q" value=(q.q.as_deref().unwrap_or("")) placeholder="vd: chuyen doi so"; }
                label { "Cơ quan"
                    select name="co_quan" {
                        option value="" { "Tất cả" }
                        @for (code, name) in &agencies { option value=(code) selected[q.co_quan.as_deref() == Some(code.as_str())] { (name) } }
                    }
                }
                label { "Tình trạng"
                    select name="trang_thai" {
                        @for (v, l) in [("", "Tất cả"), ("qua_han", "Quá hạn"), ("dang_thuc_hien", "Đang thực hiện"), ("dung_han", "Hoàn thành đúng hạn"), ("tre_han", "Hoàn thành quá hạn")] {
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
                label { "Hạn từ" input type="date" name="tu" value=(q.tu.as_deref().unwrap_or("")); }
                label { "đến" input type="date" name="den" value=(q.den.as_deref().unwrap_or("")); }
                label { "Tính đến ngày" input type="date" name="ngay" value=(iso(as_of)); }
                button.primary type="submit" { "Lọc" }
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
                            td { (r.deadline_raw) @if let Some(d) = r.due_on.as_deref() { br; span.muted { (show_iso(Some(d))) } } }
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

pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct AsOfQuery {
    ngay: Option<String>,
}

/// "Việc của tôi": an agency's assignments, the late ones first.
pub async fn my_tasks(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<AsOfQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let Some(agency) = u.user.agency_id else {
        return page("Việc của tôi", Some(&u), html! { h1 { "Việc của tôi" } p { "Tài khoản này không gắn với cơ quan nào; xem " a href="/nhiem-vu" { "danh sách nhiệm vụ" } "." } }).into_response();
    };
    let mine = state
        .db
        .assignments_of_agency(agency)
        .await
        .unwrap_or_default();
    let snap = state.snapshot().await;
    let mut rows: Vec<(i64, String, tiendo_domain::status::Evaluation)> = mine
        .iter()
        .filter_map(|(task, aid, role)| {
            snap.book
                .evaluate_assignment(*aid, as_of)
                .map(|e| (*task, role.clone(), e))
        })
        .collect();
    let rank = |s: AssignmentState| match s {
        AssignmentState::OpenOverdue => 0,
        AssignmentState::OpenInTime => 1,
        AssignmentState::Recurring | AssignmentState::Conditional => 2,
        AssignmentState::DoneLate | AssignmentState::DoneOnTime => 3,
    };
    rows.sort_by_key(|(task, _, e)| (rank(e.state), -e.days_late, e.due, *task));
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let names = state.db.task_names(&ids).await.unwrap_or_default();
    let agency_name = snap
        .agencies
        .get(&agency)
        .map(|a| a.1.clone())
        .unwrap_or_default();
    page(
        "Việc của tôi",
        Some(&u),
        html! {
            h1 { "Việc của " (agency_name) }
            p.muted { (rows.len()) " phân công · tình trạng tính đến ngày " (vn(as_of)) " · quá hạn trước" }
            table {
                thead { tr { th { "Nhiệm vụ" } th { "Vai trò" } th { "Hạn" } th { "Tình trạng" } } }
                tbody {
                    @for (task, role, e) in &rows {
                        tr {
                            td { a href={"/nhiem-vu/" (task) "?ngay=" (iso(as_of))} { @if let Some((n, m)) = names.get(task) { "[" (n) "] " (m) } } }
                            td { (if role == "lead" { "Chủ trì" } else { "Phối hợp" }) }
                            td { @if let Some(d) = e.due { (vn(d)) } }
                            td { (badge(e.state)) @if e.days_late > 0 { " " span.muted { (e.days_late) " ngày" } } }
                        }
                    }
                }
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
pub async fn audit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    if u.user.role != "admin" {
        return (
            StatusCode::FORBIDDEN,
            page(
                "Không có quyền",
                Some(&u),
                html! { h1 { "Chỉ quản trị hệ thống xem nhật ký." } },
            ),
        )
            .into_response();
    }
    let page_no = q.trang.unwrap_or(1).clamp(1, 100_000);
    let rows = state
        .db
        .audit_page(100, (page_no - 1) * 100)
        .await
        .unwrap_or_default();
    page(
        "Nhật ký",
        Some(&u),
        html! {
            h1 { "Nhật ký thay đổi" }
            table {
                thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Việc" } th { "Đối tượng" } th { "Trước" } th { "Sau" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.0.replace('T', " ").chars().take(19).collect::<String>()) }
                            td { (r.1) } td { (action_words(&r.2)) }
                            td { @if r.3 == "task" { @if let Some(id) = r.4 { a href={"/nhiem-vu/" (id)} { "nhiệm vụ " (id) } } } @else { (r.3) " " (r.4.map(|x| x.to_string()).unwrap_or_default()) } }
                            td.muted { (r.5.as_deref().unwrap_or("")) }
                            td.muted { (r.6.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
            nav.pager { @if page_no > 1 { a href={"/nhat-ky?trang=" (page_no - 1)} { "‹ Mới hơn" } } @if rows.len() == 100 { a href={"/nhat-ky?trang=" (page_no + 1)} { "Cũ hơn ›" } } }
        },
    )
    .into_response()
}

/// Downloads an evidence file, for whoever may see its task; never shown inline.
pub async fn evidence(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Không tìm thấy").into_response();
    let Ok(Some((task, name, content_type, bytes))) = state.db.evidence_file(id).await else {
        return not_found();
    };
    let Ok(Some(t)) = state.db.task_detail(task).await else {
        return not_found();
    };
    let visible = match u.user.role.as_str() {
        "admin" | "standing" => true,
        "focal" => u
            .user
            .agency_id
            .is_some_and(|a| t.assignments.iter().any(|x| x.agency_id == a)),
        _ => !t.secret,
    };
    if !visible {
        return not_found();
    }
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{encoded}"),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
        ],
        bytes,
    )
        .into_response()
}
