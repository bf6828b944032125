//! Pages: Tổng quan (dashboard), Nhiệm vụ (task list with filters and diacritics-free search),
//! the task page. Dates are shown dd/mm/yyyy; "as of" is chosen with `?ngay=`.

use crate::words::date_input;
use tiendo_domain::access::UserRole;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_service::queries::dashboard::LateCount;
use tiendo_service::queries::tasks::{MY_PAGE, TaskSearch};
use time::Date;

use super::AppState;
use super::auth::PageUser;
use super::history;
use super::layout::page;
use crate::words::{badge, date_or_today, enc, show_iso, today};

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

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let as_of = date_or_today(q.ngay.as_deref());
    let window = q.han.unwrap_or(14).clamp(1, 120);
    let d = match state.dashboard(&u, as_of, window).await {
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
                    tbody { @for x in &d.newest_difficulties { tr { td { (vn(x.raised_on)) } td { (x.raised_by()) } td { (x.text) } td { (if x.state == "answered" { "Đã trả lời" } else if x.answer_overdue(today()) { "Quá hạn trả lời" } else { "Chưa trả lời" }) } } } }
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
    /// Another committee's tasks (the national view's drill-down), by code.
    ban_chi_dao: Option<String>,
    ngay: Option<String>,
    trang: Option<usize>,
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
        committee: q.ban_chi_dao.clone(),
        as_of,
        page: q.trang.unwrap_or(1),
    };
    let found = match state.search_tasks(&u, &search).await {
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
    let overseers = state.overseers().await.unwrap_or_default();
    // Another committee's list (the national view's drill-down).
    let viewed = q
        .ban_chi_dao
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            snap.committees
                .iter()
                .find(|x| x.code.eq_ignore_ascii_case(c.trim()))
                .cloned()
                .unwrap_or_else(|| tiendo_store::registry::Committee {
                    id: -1,
                    code: c.trim().to_string(),
                    name: format!("ban chỉ đạo mã {}", c.trim()),
                    level: String::new(),
                    province: None,
                })
        });
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
            ("ban_chi_dao", &q.ban_chi_dao),
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
                @if let Some(c) = &viewed { input type="hidden" name="ban_chi_dao" value=(c.code); }
                button.primary type="submit" { "Lọc" }
            }
            @if let Some(c) = &viewed {
                p.flash.info role="note" { "Nhiệm vụ của " strong { (c.name) } @if c.id != u.committee_id { " (chỉ xem)" } ". " a href="/nhiem-vu" { "Về danh sách của ban chỉ đạo mình" } }
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
    let (total, rows) = match state.my_assignments(agency, as_of, Some(current)).await {
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
                            td { (if r.role == tiendo_domain::model::Role::Lead { "Chủ trì" } else { "Phối hợp" }) }
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
fn entity_link(
    entity: &str,
    id: Option<i64>,
    people: &tiendo_service::people::People,
    documents: &std::collections::HashMap<i64, String>,
) -> Markup {
    let account = id.and_then(|i| people.of_id(i));
    let document = id.and_then(|i| documents.get(&i));
    let id = id.map(|x| x.to_string()).unwrap_or_default();
    html! {
        @match entity {
            "user" if account.is_some() => { "Tài khoản của " (account.unwrap_or_default()) },
            "document" if document.is_some() => { "Văn bản " (document.map(String::as_str).unwrap_or_default()) },
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
        .audit_page(&u, 100, (page_no - 1) * 100)
        .await
        .unwrap_or_default();
    let snap = state.snapshot().await;
    let people = state.people().await;
    let documents = state.document_labels(&rows).await;
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
                            td { (people.name(&r.actor)) }
                            td { (entity_link(&r.entity, r.entity_id, &people, &documents)) }
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
