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

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

pub fn today_iso() -> String {
    iso(today())
}

fn date_or_today(s: Option<&str>) -> Date {
    s.and_then(parse_user_date).unwrap_or_else(today)
}

fn show_iso(s: Option<&str>) -> String {
    s.and_then(parse_user_date).map(vn).unwrap_or_default()
}

fn state_key(s: AssignmentState) -> &'static str {
    match s {
        AssignmentState::DoneOnTime => "done_on_time",
        AssignmentState::DoneLate => "done_late",
        AssignmentState::OpenInTime => "open_in_time",
        AssignmentState::OpenOverdue => "open_overdue",
        AssignmentState::Recurring => "recurring",
        AssignmentState::Conditional => "conditional",
    }
}

fn badge(s: AssignmentState) -> Markup {
    html! { span class={"badge s-" (state_key(s))} { (s.vietnamese()) } }
}

/// The audit log's actions in words.
fn action_words(a: &str) -> &str {
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
        other => other,
    }
}

fn status_word(s: Option<&str>) -> &'static str {
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

fn enc(s: &str) -> String {
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
pub struct TaskQuery {
    ngay: Option<String>,
    /// A message code after a form ("bao-cao", "quyen", …).
    tb: Option<String>,
}

pub async fn task(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
    Query(q): Query<TaskQuery>,
) -> Response {
    let not_found = || {
        (StatusCode::NOT_FOUND, page("Không tìm thấy", Some(&u), html! { h1 { "Không tìm thấy nhiệm vụ" } p { a href="/nhiem-vu" { "Về danh sách nhiệm vụ" } } })).into_response()
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let Ok(Some(t)) = state.db.task_detail(id).await else {
        return not_found();
    };
    // Who may see it: a focal point only the tasks of its agency; secret ones only the standing
    // agency and the agencies assigned. Otherwise it does not exist for them.
    let assigned = |a: Option<i64>| a.is_some_and(|a| t.assignments.iter().any(|x| x.1 == a));
    let visible = match u.user.role.as_str() {
        "admin" | "standing" => true,
        "focal" => assigned(u.user.agency_id),
        _ => !t.secret,
    };
    if !visible {
        return not_found();
    }
    let as_of = date_or_today(q.ngay.as_deref());
    let snap = state.snapshot().await;
    // Assignments this user may report on: all for the standing agency, its own for a focal point.
    let actable: Vec<_> = t
        .assignments
        .iter()
        .filter(|a| u.is_standing() || (u.user.role == "focal" && Some(a.1) == u.user.agency_id))
        .collect();
    let pending = state
        .db
        .pending_deadline_requests(id)
        .await
        .unwrap_or_default();
    let difficulties = state.db.difficulties(Some(id)).await.unwrap_or_default();
    let commitments = state.db.latest_commitments().await.unwrap_or_default();
    let evidence = state.db.evidence_of_task(id).await.unwrap_or_default();
    let to_review = if u.is_standing() {
        state.db.completions_to_review(id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let flash = q.tb.as_deref().and_then(super::actions::message);
    let mut all_agencies: Vec<(&String, &String)> =
        snap.agencies.values().map(|(c, n)| (c, n)).collect();
    all_agencies.sort_by(|a, b| a.1.cmp(b.1));
    page(
        &format!("Nhiệm vụ {}", t.number),
        Some(&u),
        html! {
            p { a href="/nhiem-vu" { "‹ Danh sách nhiệm vụ" } }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            h1 { (t.name) }
            dl.fields {
                dt { "Số thứ tự" } dd { (t.number) }
                dt { "Văn bản, phụ lục" } dd { (t.document.as_deref().unwrap_or("")) }
                dt { "Mục" } dd { (t.headings.join(" › ")) }
                dt { "Cơ quan chủ trì (như văn bản)" } dd { (t.lead_raw.as_deref().unwrap_or("")) }
                dt { "Kết quả, sản phẩm" } dd { (t.expected_result.as_deref().unwrap_or("")) }
                dt { "Thời hạn" } dd { (t.deadline_raw) @if let Some(d) = t.due_on.as_deref() { " (" (show_iso(Some(d))) ")" } @if let Some(n) = &t.deadline_note { br; span.muted { (n) } } }
                dt { "Căn cứ giao" } dd { (t.basis.as_deref().unwrap_or("")) }
                dt { "Ban chỉ đạo" } dd { (t.committee) }
                @if t.secret { dt { "Độ mật" } dd { "Mật" } }
                @for (k, v) in &t.extra { dt { (k) } dd { (v) } }
                @if !t.unresolved.is_empty() {
                    dt { "Chưa xác định được cơ quan" }
                    dd { @for (role, text) in &t.unresolved { (if role == "lead" { "Chủ trì: " } else { "Phối hợp: " }) (text) br; } }
                }
            }
            h2 { "Phân công, tình trạng tính đến ngày " (vn(as_of)) }
            table {
                thead { tr { th { "Cơ quan" } th { "Vai trò" } th { "Hạn đang áp dụng" } th { "Tình trạng" } th { "Ghi chú" } } }
                tbody {
                    @for (aid, _, name, role, via, unit) in &t.assignments {
                        @let ev = snap.book.evaluate_assignment(*aid, as_of);
                        tr {
                            td { (name) }
                            td { (if role == "lead" { "Chủ trì" } else { "Phối hợp" }) }
                            td { @if let Some(d) = ev.and_then(|e| e.due) { (vn(d)) } }
                            td { @if let Some(e) = ev { (badge(e.state)) @if e.days_late > 0 { " " span.muted { (e.days_late) " ngày" } } } }
                            td.muted {
                                @if let Some(v) = via { "theo nhóm " (v) } @if let Some(x) = unit { " (" (x) ")" }
                                @if let Some((on, roadmap, _)) = commitments.get(aid) { br; "Cam kết hoàn thành " (show_iso(Some(on))) ": " (roadmap) }
                            }
                        }
                    }
                }
            }
            @if !actable.is_empty() {
                h2 { "Gửi báo cáo tiến độ" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/bao-cao"} enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &actable { option value=(a.0) { (a.2) " — " (if a.3 == "lead" { "chủ trì" } else { "phối hợp" }) } } }
                    }
                    label { "Tình trạng"
                        select name="status" {
                            option value="in_progress" { "Đang thực hiện" }
                            option value="done" { "Đã hoàn thành" }
                            option value="done_late" { "Đã hoàn thành quá hạn" }
                            option value="not_done" { "Chưa hoàn thành" }
                            option value="" { "Chỉ báo cáo nội dung" }
                        }
                    }
                    label { "Ngày hoàn thành (nếu đã hoàn thành)" input type="date" name="completed_on"; }
                    label.wide { "Kết quả thực hiện" textarea name="text" rows="3" required maxlength="5000" {} }
                    label { "Tệp minh chứng (PDF, Word, Excel, JPG, PNG; tối đa 10 MB)" input type="file" name="evidence" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"; }
                    button.primary type="submit" { "Gửi báo cáo" }
                }
                @let late: Vec<_> = actable.iter().filter(|a| snap.book.evaluate_assignment(a.0, as_of).is_some_and(|e| e.state == AssignmentState::OpenOverdue)).collect();
                @if !late.is_empty() {
                    h2 { "Cam kết hoàn thành" }
                    form.box method="post" action={"/nhiem-vu/" (t.id) "/cam-ket"} {
                        input type="hidden" name="csrf" value=(u.csrf);
                        label { "Phân công quá hạn"
                            select name="assignment" { @for a in &late { option value=(a.0) { (a.2) } } }
                        }
                        label { "Ngày cam kết hoàn thành" input type="date" name="committed_on" required; }
                        label.wide { "Lộ trình thực hiện" textarea name="roadmap" rows="3" required maxlength="5000" {} }
                        button.primary type="submit" { "Gửi cam kết" }
                    }
                }
                h2 { "Đề nghị điều chỉnh thời hạn" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/gia-han"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &actable { option value=(a.0) { (a.2) } } }
                    }
                    label { "Thời hạn đề nghị" input name="deadline" required placeholder="vd: 30/9/2026 hoặc Quý III/2026"; }
                    label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" {} }
                    button.primary type="submit" { "Gửi đề nghị" }
                }
            }
            @if !to_review.is_empty() {
                h2 { "Báo cáo hoàn thành chờ xác nhận" }
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Nội dung" } th { "Xác nhận" } } }
                    tbody {
                        @for (rid, on, agency, text) in &to_review {
                            tr {
                                td { (show_iso(Some(on))) } td { (agency) } td { (text.as_deref().unwrap_or("")) }
                                td {
                                    form.inline method="post" action={"/bao-cao/" (rid) "/xac-nhan"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Xác nhận hoàn thành" }
                                    }
                                    form method="post" action={"/bao-cao/" (rid) "/tra-lai"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        input name="note" placeholder="Lý do trả lại" aria-label="Lý do trả lại";
                                        button type="submit" { "Trả lại" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if u.is_standing() && !pending.is_empty() {
                h2 { "Đề nghị điều chỉnh thời hạn chờ duyệt" }
                table {
                    thead { tr { th { "Cơ quan" } th { "Thời hạn đề nghị" } th { "Lý do" } th { "Người gửi" } th { "Quyết định" } } }
                    tbody {
                        @for (cid, agency, raw, reason, by) in &pending {
                            tr {
                                td { (agency) } td { (raw) } td { (reason) } td { (by) }
                                td {
                                    form.inline method="post" action={"/gia-han/" (cid) "/duyet"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Duyệt" }
                                    }
                                    form.inline method="post" action={"/gia-han/" (cid) "/tu-choi"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button type="submit" { "Từ chối" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Khó khăn, vướng mắc" }
            @if difficulties.is_empty() { p.muted { "Chưa có khó khăn, vướng mắc." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan nêu" } th { "Nội dung" } th { "Cơ quan xử lý" } th { "Trả lời" } } }
                    tbody {
                        @for d in &difficulties {
                            tr {
                                td { (show_iso(d.1.get(..10))) } td { (d.2) } td { (d.3) } td { (d.4.as_deref().unwrap_or("")) }
                                td {
                                    @if let Some(a) = &d.6 { (a) }
                                    @else if u.is_standing() {
                                        form method="post" action={"/kho-khan/" (d.0) "/tra-loi"} {
                                            input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                            textarea name="answer" rows="2" required maxlength="5000" aria-label="Nội dung trả lời" {}
                                            button.primary type="submit" { "Trả lời" }
                                        }
                                    } @else { span.muted { "Chờ trả lời" } }
                                }
                            }
                        }
                    }
                }
            }
            @if u.user.role == "focal" && !actable.is_empty() {
                h2 { "Báo khó khăn, vướng mắc" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/kho-khan"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label.wide { "Nội dung" textarea name="text" rows="3" required maxlength="5000" {} }
                    label { "Đề nghị cơ quan xử lý"
                        select name="handler" {
                            option value="" { "Cơ quan thường trực" }
                            @for (code, name) in &all_agencies { option value=(code) { (name) } }
                        }
                    }
                    button.primary type="submit" { "Gửi" }
                }
            }
            h2 { "Lịch sử thời hạn" }
            @if t.changes.is_empty() { p.muted { "Chưa điều chỉnh thời hạn." } } @else {
                table {
                    thead { tr { th { "Hiệu lực từ" } th { "Áp dụng cho" } th { "Thời hạn mới" } th { "Lý do" } th { "Người duyệt" } th { "Kết quả" } } }
                    tbody { @for c in &t.changes { tr { td { (show_iso(Some(&c.0))) } td { (c.1.as_deref().unwrap_or("Toàn bộ nhiệm vụ")) } td { (c.2) } td { (c.3) } td { (c.4.as_deref().unwrap_or("")) } td { (match c.5.as_str() { "approved" => "Đã duyệt", "requested" => "Chờ duyệt", _ => "Từ chối" }) } } } }
                }
            }
            h2 { "Báo cáo tiến độ" }
            @if t.reports.is_empty() { p.muted { "Chưa có báo cáo." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Tình trạng báo cáo" } th { "Nội dung" } th { "Cơ quan thường trực" } } }
                    tbody {
                        @for r in &t.reports {
                            tr {
                                td { (show_iso(Some(&r.0))) } td { (r.1) } td { (status_word(r.2.as_deref())) } td { (r.3.as_deref().unwrap_or("")) }
                                td { @match r.5.as_deref() { Some("confirmed") => { "Đã xác nhận" }, Some("returned") => { "Trả lại: " (r.6.as_deref().unwrap_or("")) }, _ => {} } }
                            }
                        }
                    }
                }
            }
            @if !evidence.is_empty() {
                h2 { "Tệp minh chứng" }
                ul { @for (eid, _, name, size) in &evidence { li { a href={"/minh-chung/" (eid)} { (name) } " " span.muted { "(" (size / 1024 + 1) " KB)" } } } }
            }
            h2 { "Lịch sử thay đổi" }
            table {
                thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Việc" } } }
                tbody { @for h in &t.history { tr { td { (h.0.replace('T', " ").chars().take(19).collect::<String>()) } td { (h.1) } td { (action_words(&h.2)) } } } }
            }
        },
    )
    .into_response()
}

/// "Việc của tôi": an agency's assignments, the late ones first.
pub async fn my_tasks(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<TaskQuery>,
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
pub struct DifficultiesQuery {
    nen: Option<String>,
    xu_ly: Option<String>,
    tinh_trang: Option<String>,
}

/// "Khó khăn, vướng mắc": the register, filtered by raising agency, handling agency and state.
pub async fn difficulties(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DifficultiesQuery>,
) -> Response {
    let all = state.db.difficulties(None).await.unwrap_or_default();
    let snap = state.snapshot().await;
    let own_name = u
        .user
        .agency_id
        .and_then(|a| snap.agencies.get(&a))
        .map(|a| a.1.clone());
    let name_of = |code: &Option<String>| {
        code.as_deref()
            .filter(|c| !c.is_empty())
            .and_then(|c| snap.agencies.values().find(|a| a.0 == c))
            .map(|a| a.1.clone())
    };
    let (raiser, handler) = (name_of(&q.nen), name_of(&q.xu_ly));
    let rows: Vec<_> = all
        .iter()
        .filter(|d| {
            u.user.role != "focal"
                || own_name
                    .as_deref()
                    .is_some_and(|n| d.2 == n || d.4.as_deref().is_some_and(|h| h.contains(n)))
        })
        .filter(|d| raiser.as_deref().is_none_or(|r| d.2 == r))
        .filter(|d| {
            handler
                .as_deref()
                .is_none_or(|h| d.4.as_deref().is_some_and(|x| x.contains(h)))
        })
        .filter(|d| match q.tinh_trang.as_deref() {
            Some("open") => d.5 == "open",
            Some("answered") => d.5 == "answered",
            _ => true,
        })
        .collect();
    let mut agencies: Vec<(&String, &String)> =
        snap.agencies.values().map(|(c, n)| (c, n)).collect();
    agencies.sort_by(|a, b| a.1.cmp(b.1));
    page(
        "Khó khăn, vướng mắc",
        Some(&u),
        html! {
            h1 { "Khó khăn, vướng mắc" }
            form.filters method="get" action="/kho-khan" {
                label { "Cơ quan nêu"
                    select name="nen" { option value="" { "Tất cả" } @for (c, n) in &agencies { option value=(c) selected[q.nen.as_deref() == Some(c.as_str())] { (n) } } }
                }
                label { "Cơ quan xử lý"
                    select name="xu_ly" { option value="" { "Tất cả" } @for (c, n) in &agencies { option value=(c) selected[q.xu_ly.as_deref() == Some(c.as_str())] { (n) } } }
                }
                label { "Tình trạng"
                    select name="tinh_trang" {
                        @for (v, l) in [("", "Tất cả"), ("open", "Chưa trả lời"), ("answered", "Đã trả lời")] { option value=(v) selected[q.tinh_trang.as_deref().unwrap_or("") == v] { (l) } }
                    }
                }
                button.primary type="submit" { "Lọc" }
            }
            p.muted { (rows.len()) " khó khăn, vướng mắc" }
            table {
                thead { tr { th { "Ngày" } th { "Cơ quan nêu" } th { "Nội dung" } th { "Cơ quan xử lý" } th { "Tình trạng" } th { "Trả lời" } } }
                tbody {
                    @for d in &rows {
                        tr {
                            td { (show_iso(d.1.get(..10))) }
                            td { (d.2) }
                            td { @if let Some(task) = d.7 { a href={"/nhiem-vu/" (task)} { (d.3) } } @else { (d.3) } }
                            td { (d.4.as_deref().unwrap_or("Cơ quan thường trực")) }
                            td { (if d.5 == "open" { "Chưa trả lời" } else { "Đã trả lời" }) }
                            td { (d.6.as_deref().unwrap_or("")) }
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

#[derive(Deserialize, Default)]
pub struct RegistryQuery {
    q: Option<String>,
    tb: Option<String>,
}

/// The agency registry: names, spellings, validity; the standing agency adds spellings.
pub async fn registry(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<RegistryQuery>,
) -> Response {
    let Ok(reg) = state.db.load_registry().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let key =
        q.q.as_deref()
            .map(tiendo_domain::text::name_key)
            .unwrap_or_default();
    let list: Vec<_> = reg
        .registry
        .agencies()
        .iter()
        .filter(|a| {
            key.is_empty()
                || tiendo_domain::text::name_key(&a.name).contains(&key)
                || a.aliases
                    .iter()
                    .any(|x| tiendo_domain::text::name_key(x).contains(&key))
                || a.code.to_lowercase().contains(&key)
        })
        .collect();
    let flash = q.tb.as_deref().and_then(super::actions::message);
    page(
        "Danh mục cơ quan",
        Some(&u),
        html! {
            h1 { "Danh mục cơ quan" }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            form.filters method="get" action="/co-quan" {
                label { "Tìm (không cần dấu)" input type="search" name="q" value=(q.q.as_deref().unwrap_or("")); }
                button.primary type="submit" { "Tìm" }
            }
            p.muted { (list.len()) " cơ quan" }
            table {
                thead { tr { th { "Mã" } th { "Tên" } th { "Loại" } th { "Tên gọi khác" } th { "Hiệu lực" } @if u.is_standing() { th { "Thêm tên gọi" } } } }
                tbody {
                    @for a in &list {
                        tr {
                            td { (a.code) } td { (a.name) } td { (a.kind.as_str()) } td { (a.aliases.join("; ")) }
                            td { @if let Some(f) = a.valid_from { "từ " (vn(f)) " " } @if let Some(t) = a.valid_to { "đến " (vn(t)) } }
                            @if u.is_standing() {
                                td {
                                    form method="post" action={"/co-quan/" (a.code) "/ten-goi"} {
                                        input type="hidden" name="csrf" value=(u.csrf);
                                        input name="alias" required maxlength="300" aria-label={"Tên gọi khác của " (a.name)};
                                        button type="submit" { "Thêm" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
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
            .is_some_and(|a| t.assignments.iter().any(|x| x.1 == a)),
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
