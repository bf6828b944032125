//! "Chỉ tiêu": the indicators with their status colours; an indicator's page (its trend over
//! months, its figures by agency as a sorted bar chart, its history, targets and tasks, and the
//! forms of whoever may act); the scorecard — agencies as rows, indicators as columns, coloured
//! cells — filterable by kind of agency. The colour rule is shown wherever colours are.

use crate::words::date_input;
use std::collections::HashMap;
use tiendo_service::notices::Notice;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_domain::agency::{AgencyKind, KindGroup};
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::indicator::book::IndicatorBook;
use tiendo_domain::indicator::{COLOUR_RULE, Colour, IndicatorStatus, Period, PeriodKind};
use tiendo_reports::indicators::{self as card, Scorecard, figure_text, number};
use tiendo_service::indicators::{self as ind, TargetSetting, ValueReport};
use tiendo_service::operations as ops;
use tiendo_store::facts::AgencyName;
use tiendo_store::indicators::IndicatorRow;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use super::refused::Refused;
use crate::words::{opt_vn, today};

#[derive(Deserialize, Default)]
pub struct IndicatorQuery {
    ngay: Option<String>,
    /// A kind of agency: bo-nganh, tinh, tap-doan, xa.
    loai: Option<String>,
    tb: Option<String>,
    /// The scorecard's page (100 agencies each).
    trang: Option<String>,
}

/// Agencies per page of the scorecard.
const SCORECARD_PAGE: usize = 100;

fn day_of(q: &IndicatorQuery) -> time::Date {
    q.ngay
        .as_deref()
        .and_then(parse_user_date)
        .unwrap_or_else(today)
}

pub(crate) fn colour_word(c: Colour) -> &'static str {
    match c {
        Colour::Green => "Xanh",
        Colour::Amber => "Vàng",
        Colour::Red => "Đỏ",
        Colour::Grey => "Xám",
    }
}

fn badge(status: IndicatorStatus, c: Colour) -> Markup {
    html! { span class={"badge c-" (c.as_str())} { (status.vietnamese()) " · " (colour_word(c)) } }
}

fn flash(tb: Option<&str>) -> Markup {
    html! { @if let Some((msg, ok)) = tb.and_then(tiendo_service::notices::message) { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } } }
}

fn rule() -> Markup {
    html! { p.muted.rule { strong { "Quy tắc màu: " } (COLOUR_RULE) } }
}

/// The indicators with where each stands on the date.
pub async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<IndicatorQuery>,
) -> Response {
    let day = day_of(&q);
    let list = match state.indicators(&u).await {
        Ok(l) => l,
        Err(e) => return crate::errors::internal(e),
    };
    // Each line judges every agency's figure: computed once per state of the book and day.
    let summaries = match state
        .indicator_view(format!("list:{day}"), |book| {
            list.iter()
                .map(|i| (i.id, summary(book, i, day)))
                .collect::<HashMap<_, _>>()
        })
        .await
    {
        Ok((s, _)) => s,
        Err(e) => return crate::errors::internal(e),
    };
    let none = (
        "Chưa có số liệu".to_string(),
        "—".to_string(),
        IndicatorStatus::NoData,
        Colour::Grey,
    );
    page(
        "Chỉ tiêu",
        Some(&u),
        html! {
            h1 { "Chỉ tiêu, mục tiêu" }
            form.filters method="get" action="/chi-tieu" {
                label { "Dữ liệu tính đến ngày" (date_input("ngay", &iso(day), false)) }
                button.primary type="submit" { "Xem" }
                a href={"/chi-tieu/bang-diem?ngay=" (iso(day))} { "Bảng điểm theo cơ quan" }
            }
            (rule())
            @if list.is_empty() { p.muted { "Chưa có chỉ tiêu nào. Nhập một bảng chỉ tiêu ở mục Nhập tệp." } } @else {
                table.indicators {
                    thead { tr { th { "Mã" } th { "Chỉ tiêu" } th { "Đơn vị tính" } th { "Mục tiêu" } th { "Số liệu" } th { "Đánh giá" } } }
                    tbody {
                        @for i in &list {
                            @let (text, target, status, colour) = summaries.get(&i.id).unwrap_or(&none);
                            tr {
                                td { (i.code) }
                                td { a href={"/chi-tieu/" (i.id) "?ngay=" (iso(day))} { (i.name) } }
                                td { (i.unit.as_deref().unwrap_or("")) }
                                td { (target) }
                                td { (text) }
                                td { (badge(*status, *colour)) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// One line of the list: the national figure, or how many agencies reached their target.
fn summary(
    book: &IndicatorBook,
    i: &IndicatorRow,
    day: time::Date,
) -> (String, String, IndicatorStatus, Colour) {
    let target = book
        .target_on(i.id, None, day)
        .map(|t| format!("{} ({})", t.value.raw, t.period.vietnamese()))
        .unwrap_or_else(|| "—".into());
    let Some(column) = book.column(i.id, day) else {
        return (
            "Chưa có số liệu".into(),
            target,
            IndicatorStatus::NoData,
            Colour::Grey,
        );
    };
    let c = column.cell(None);
    if c.value.is_some() {
        let text = c
            .value
            .map(|o| format!("{} ({})", figure_text(&o), vn(o.on)))
            .unwrap_or_default();
        return (text, target, c.assessment.status, c.assessment.colour);
    }
    let agencies = book.agencies_of(i.id);
    let cells: Vec<_> = agencies
        .iter()
        .map(|a| column.cell(Some(*a)))
        .filter(|c| c.value.is_some())
        .collect();
    if cells.is_empty() {
        return (
            "Chưa có số liệu".into(),
            target,
            IndicatorStatus::NoData,
            Colour::Grey,
        );
    }
    let achieved = cells
        .iter()
        .filter(|c| c.assessment.status == IndicatorStatus::Achieved)
        .count();
    let (status, colour) = if achieved == cells.len() {
        (IndicatorStatus::Achieved, Colour::Green)
    } else {
        (
            IndicatorStatus::NotAchieved,
            if achieved * 2 >= cells.len() {
                Colour::Amber
            } else {
                Colour::Red
            },
        )
    };
    (
        format!("{achieved}/{} cơ quan đạt", cells.len()),
        target,
        status,
        colour,
    )
}

/// The month ends of the twelve months up to `day`.
fn month_ends(day: time::Date) -> Vec<time::Date> {
    let mut out = Vec::new();
    let mut p = Period::containing(PeriodKind::Month, day);
    for _ in 0..12 {
        out.push(if p.contains(day) { day } else { p.end() });
        let prev = p.start().previous_day().unwrap_or(p.start());
        p = Period::containing(PeriodKind::Month, prev);
    }
    out.reverse();
    out
}

/// The trend: the figure in force at each month's end (the nation's, or the share of agencies
/// reaching their target), as bars with the target line.
fn trend(book: &IndicatorBook, i: &IndicatorRow, day: time::Date) -> Markup {
    let agencies = book.agencies_of(i.id);
    let points: Vec<(time::Date, Option<f64>, Option<f64>, Colour)> = month_ends(day)
        .into_iter()
        .map(|d| {
            if !i.by_agency.0 || book.value_on(i.id, None, d).is_some() {
                let c = book.cell(i.id, None, d);
                (
                    d,
                    c.and_then(|c| c.compared.or(c.value.and_then(|v| v.value))),
                    c.and_then(|c| c.target.map(|t| t.1)),
                    c.map(|c| c.assessment.colour).unwrap_or(Colour::Grey),
                )
            } else {
                let column = book.column(i.id, d);
                let cells: Vec<_> = agencies
                    .iter()
                    .filter_map(|a| column.as_ref().map(|c| c.cell(Some(*a))))
                    .filter(|c| c.value.is_some())
                    .collect();
                let share = (!cells.is_empty()).then(|| {
                    cells
                        .iter()
                        .filter(|c| c.assessment.status == IndicatorStatus::Achieved)
                        .count() as f64
                        * 100.0
                        / cells.len() as f64
                });
                (
                    d,
                    share,
                    Some(100.0),
                    if share == Some(100.0) {
                        Colour::Green
                    } else {
                        Colour::Amber
                    },
                )
            }
        })
        .collect();
    let max = points
        .iter()
        .flat_map(|p| [p.1, p.2])
        .flatten()
        .fold(0.0f64, f64::max)
        .max(1.0);
    let (w, h, left, bottom) = (760.0, 220.0, 40.0, 30.0);
    let slot = (w - left) / points.len().max(1) as f64;
    let y = |v: f64| h - bottom - v / max * (h - bottom - 10.0);
    let what = if i.by_agency.0 && book.value_on(i.id, None, day).is_none() {
        "Tỷ lệ cơ quan đạt mục tiêu (%)"
    } else {
        "Số liệu cả nước"
    };
    html! {
        svg.chart.trend role="img" aria-label={"Diễn biến 12 tháng: " (what)} width=(w) height=(h) viewBox={"0 0 " (w) " " (h)} {
            @for (k, (d, v, t, c)) in points.iter().enumerate() {
                @let x = left + k as f64 * slot;
                @if let Some(v) = v {
                    rect class={"c-" (c.as_str())} x=(format!("{:.1}", x + 6.0)) y=(format!("{:.1}", y(*v))) width=(format!("{:.1}", slot - 12.0)) height=(format!("{:.1}", h - bottom - y(*v))) {}
                    text x=(format!("{:.1}", x + 6.0)) y=(format!("{:.1}", y(*v) - 3.0)) { (number(*v)) }
                }
                @if let Some(t) = t { line.target x1=(format!("{:.1}", x)) x2=(format!("{:.1}", x + slot)) y1=(format!("{:.1}", y(*t))) y2=(format!("{:.1}", y(*t))) {} }
                text x=(format!("{:.1}", x + 4.0)) y=(format!("{:.1}", h - 10.0)) { (format!("{}/{}", u8::from(d.month()), d.year() % 100)) }
            }
        }
        p.muted.small { (what) " tại cuối mỗi tháng; vạch ngang: mục tiêu." }
    }
}

/// The agencies' figures on the date as a bar chart, highest first (lowest first when less is
/// better), coloured by where each stands.
fn bars(
    book: &IndicatorBook,
    i: &IndicatorRow,
    names: &HashMap<i64, AgencyName>,
    day: time::Date,
) -> Markup {
    let Some(column) = book.column(i.id, day) else {
        return html! {};
    };
    let mut rows: Vec<(String, f64, String, Colour)> = book
        .agencies_of(i.id)
        .into_iter()
        .filter_map(|a| {
            let c = column.cell(Some(a));
            let v = c.compared.or(c.value.and_then(|o| o.value))?;
            let name = names.get(&a).map(|n| n.name.clone()).unwrap_or_default();
            Some((
                name,
                v,
                c.value.map(|o| figure_text(&o)).unwrap_or_default(),
                c.assessment.colour,
            ))
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    let lower = i.direction() == tiendo_domain::indicator::Direction::Lower;
    rows.sort_by(|a, b| {
        if lower {
            a.1.partial_cmp(&b.1)
        } else {
            b.1.partial_cmp(&a.1)
        }
        .unwrap_or(std::cmp::Ordering::Equal)
    });
    let max = rows.iter().map(|r| r.1).fold(0.0f64, f64::max).max(1.0);
    let target = book.target_on(i.id, None, day).and_then(|t| t.value.value);
    let (bar_h, label_w, width) = (18.0, 230.0, 860.0);
    let span = width - label_w - 90.0;
    let height = rows.len() as f64 * bar_h + 8.0;
    html! {
        h2 { "Số liệu theo cơ quan (" (rows.len()) ")" }
        svg.chart.bars role="img" aria-label="Số liệu theo cơ quan, sắp xếp từ cao đến thấp" width=(width) height=(height) viewBox={"0 0 " (width) " " (height)} {
            @for (k, (name, v, text, c)) in rows.iter().enumerate() {
                @let y = k as f64 * bar_h + 3.0;
                @let w = (v / max * span).max(1.0);
                text x="0" y=(format!("{:.1}", y + 13.0)) { (name) }
                rect class={"c-" (c.as_str())} x=(label_w) y=(format!("{:.1}", y + 2.0)) width=(format!("{:.1}", w)) height="13" {}
                text x=(format!("{:.1}", label_w + w + 5.0)) y=(format!("{:.1}", y + 13.0)) { (text) }
            }
            @if let Some(t) = target.filter(|t| *t <= max) {
                @let x = label_w + t / max * span;
                line.target x1=(format!("{:.1}", x)) x2=(format!("{:.1}", x)) y1="0" y2=(format!("{:.1}", height)) {}
            }
        }
    }
}

/// An indicator's page.
pub async fn show(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<IndicatorQuery>,
) -> Response {
    render(&state, &u, id, &q, None).await
}

/// A figure form refused: what was typed, and why (the code and its words).
struct RefusedFigure {
    form: ValueForm,
    code: Notice,
    message: String,
}

impl RefusedFigure {
    /// The field the refusal is about.
    fn field(&self) -> &'static str {
        match self.code {
            Notice::AgencyUnknown => "agency",
            Notice::CompletionDateInvalid => "as_of",
            Notice::FigureInvalid => "value",
            Notice::Markup if tiendo_domain::text::has_markup(&self.form.value) => "value",
            Notice::Markup => "evidence",
            _ => "",
        }
    }

    fn beside(&self, field: &str) -> Markup {
        html! { @if self.field() == field { span.field-error role="alert" { (self.message) } } }
    }
}

/// Which form of the indicator's page was refused, with what was typed into it.
enum Refusal {
    Figure(RefusedFigure),
    /// The target form (period, value, agency).
    Target(Refused),
    /// The follow-up period and direction (valid_from, valid_to, direction).
    Life(Refused),
}

/// The indicator's page again (422), the refused target or follow-up form holding what was typed.
async fn again(state: &AppState, u: &CurrentUser, id: i64, refusal: Refusal) -> Response {
    render(state, u, id, &IndicatorQuery::default(), Some(refusal)).await
}

/// The indicator's page; with a refused form, the page again (422) holding what was typed.
async fn render(
    state: &AppState,
    u: &CurrentUser,
    id: i64,
    q: &IndicatorQuery,
    refusal: Option<Refusal>,
) -> Response {
    let (refused, refused_target, refused_life, message) = match refusal {
        None => (None, None, None, None),
        Some(Refusal::Figure(f)) => {
            let m = format!("{} Chưa lưu số liệu.", f.message);
            (Some(f), None, None, Some(m))
        }
        Some(Refusal::Target(r)) => {
            let m = format!("{} Chưa đặt mục tiêu.", r.messages());
            (None, Some(r), None, Some(m))
        }
        Some(Refusal::Life(r)) => {
            let m = format!("{} Chưa lưu.", r.messages());
            (None, None, Some(r), Some(m))
        }
    };
    let u = u.clone();
    let day = day_of(q);
    let i = match state.indicator(&u, id).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(&u),
        Err(e) => return crate::errors::internal(e),
    };
    let names = match state.agency_names().await {
        Ok(n) => n,
        Err(e) => return crate::errors::internal(e),
    };
    let book = match state.indicator_book().await {
        Ok(b) => b,
        Err(e) => return crate::errors::internal(e),
    };
    let leads = state.indicator_leads(id).await.unwrap_or_default();
    let coverage = state.indicator_coverage(id).await.unwrap_or_default();
    // The newest figures; the whole history is in the API and the reports.
    let (values, all_values) = state
        .indicator_values_recent(id, 200)
        .await
        .unwrap_or_default();
    let targets = state.indicator_targets(id).await.unwrap_or_default();
    let tasks = state.indicator_task_ids(id).await.unwrap_or_default();
    let snap = state.snapshot().await;
    let people = state.people().await;
    let vis = super::Visibility::of(&u, &snap);
    let name_of = |a: &i64| names.get(a).map(|n| n.name.clone()).unwrap_or_default();
    let (text, target, status, colour) = summary(&book, &i, day);
    let may_report = u.is_standing()
        || (u.role == UserRole::Focal
            && u.agency_id.is_some_and(|a| {
                if i.by_agency.0 {
                    coverage.is_empty() || coverage.contains(&a)
                } else {
                    leads.contains(&a)
                }
            }));
    let body = html! {
        h1 { (i.code) " · " (i.name) }
        (flash(q.tb.as_deref()))
        @if let Some(m) = &message { p.flash.error role="alert" { (m) } }
        form.filters method="get" action={"/chi-tieu/" (id)} {
            label { "Dữ liệu tính đến ngày" (date_input("ngay", &iso(day), false)) }
            button.primary type="submit" { "Xem" }
        }
        dl.fields {
            dt { "Đơn vị tính" } dd { (i.unit.as_deref().unwrap_or("—")) }
            dt { "Loại" } dd { (i.kind().vietnamese()) " · " (if i.direction() == tiendo_domain::indicator::Direction::Lower { "càng thấp càng tốt" } else { "càng cao càng tốt" }) }
            dt { "Phạm vi" } dd { @if i.by_agency.0 { "Từng cơ quan báo cáo số liệu của mình (" (coverage.len()) " cơ quan)" } @else { "Một số liệu chung cả nước, do cơ quan chủ trì báo cáo" } }
            dt { "Cơ quan chủ trì" } dd { @if leads.is_empty() { (i.lead_raw.as_deref().unwrap_or("—")) } @else { (leads.iter().map(name_of).collect::<Vec<_>>().join("; ")) } }
            dt { "Văn bản đặt chỉ tiêu" } dd { (i.document_name.as_deref().unwrap_or("—")) }
            dt { "Thời gian theo dõi" } dd { (opt_vn(i.valid_from)) " – " (opt_vn(i.valid_to)) @if i.valid_from.is_none() && i.valid_to.is_none() { "không giới hạn" } }
            dt { "Mục tiêu đang áp dụng" } dd { (target) }
            dt { "Số liệu" } dd { (text) }
            dt { "Đánh giá" } dd { (badge(status, colour)) }
        }
        (rule())
        h2 { "Diễn biến 12 tháng" }
        (trend(&book, &i, day))
        @if i.by_agency.0 { (bars(&book, &i, &names, day)) }
        @if may_report { (report_form(&u, &i, &coverage, &names, day, refused.as_ref())) }
        h2 { "Số liệu đã báo cáo (" (all_values) ")" }
        @if all_values > values.len() as i64 { p.muted.small { (values.len()) " số liệu mới nhất; toàn bộ lịch sử có trong báo cáo chỉ tiêu (Excel) và API /api/indicators/" (id) "." } }
        table.values {
            thead { tr { th { "Ngày số liệu" } th { "Cơ quan" } th { "Số liệu" } th { "Nguồn" } th { "Tình trạng" } } }
            tbody {
                @for v in &values {
                    tr {
                        td { (vn(v.as_of)) }
                        td { (v.agency.as_deref().unwrap_or("Cả nước")) }
                        td { (v.raw) @if let Some(n) = &v.note { br; span.note { "⚠ " (n) } } @if let Some(e) = &v.evidence { br; span.muted { "Minh chứng: " (e) } } }
                        td { (match v.source.as_str() { "import" => "Nhập từ văn bản", "api" => "Hệ thống khác", _ => "Báo cáo" }) br; span.muted { (people.name(&v.created_by)) } }
                        td {
                            @match v.state.as_str() {
                                "reported" => {
                                    "Chờ xác nhận"
                                    @if u.is_standing() {
                                        form.inline method="post" action={"/chi-tieu/so-lieu/" (v.id)} {
                                            input type="hidden" name="csrf" value=(u.csrf);
                                            input type="hidden" name="chi_tieu" value=(id);
                                            input type="text" name="note" aria-label="Lý do trả lại" placeholder="Lý do (khi trả lại)" maxlength="1000";
                                            button type="submit" name="action" value="xac-nhan" { "Xác nhận" }
                                            button type="submit" name="action" value="tra-lai" { "Trả lại" }
                                        }
                                    }
                                }
                                "returned" => { "Đã trả lại" @if let Some(n) = &v.review_note { ": " (n) } }
                                _ => { "Đã xác nhận" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Mục tiêu" }
        @if targets.is_empty() { p.muted { "Chưa có mục tiêu." } } @else {
            table { thead { tr { th { "Kỳ" } th { "Áp dụng cho" } th { "Mục tiêu" } } }
                tbody { @for t in &targets { tr { td { (Period::parse(&t.period).map(|p| p.vietnamese()).unwrap_or_else(|| t.period.clone())) } td { (t.agency.as_deref().unwrap_or("Cả nước và mọi cơ quan chưa có mục tiêu riêng")) } td { (t.raw) } } } }
            }
        }
        @if u.is_standing() { (target_form(&u, &i, refused_target.as_ref())) (life_form(&u, &i, refused_life.as_ref())) }
        h2 { "Nhiệm vụ liên quan" }
        @if tasks.is_empty() { p.muted { "Chưa liên kết nhiệm vụ nào." } } @else {
            ul { @for t in &tasks { @if vis.sees(*t) { li { a href={"/nhiem-vu/" (t)} { "Nhiệm vụ " (t) } } } } }
        }
        @if u.is_standing() {
            form.box method="post" action={"/chi-tieu/" (id) "/nhiem-vu"} {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Số (mã) nhiệm vụ trong hệ thống" input type="number" name="task" min="1" required; }
                button type="submit" name="action" value="lien-ket" { "Liên kết" }
                button type="submit" name="action" value="bo-lien-ket" { "Bỏ liên kết" }
            }
        }
    };
    let status = if message.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (
        status,
        page(&format!("Chỉ tiêu {}", i.code), Some(&u), body),
    )
        .into_response()
}

fn report_form(
    u: &CurrentUser,
    i: &IndicatorRow,
    coverage: &[i64],
    names: &HashMap<i64, AgencyName>,
    day: time::Date,
    refused: Option<&RefusedFigure>,
) -> Markup {
    let typed = |f: fn(&ValueForm) -> &str| refused.map(|r| f(&r.form)).unwrap_or("");
    let invalid = |field: &str| refused.filter(|r| r.field() == field).map(|_| "true");
    let beside = |field: &str| html! { @if let Some(r) = refused { (r.beside(field)) } };
    let as_of = refused.map_or_else(|| iso(day.min(today())), |r| r.form.as_of.clone());
    let mut agencies: Vec<(&String, &String)> = coverage
        .iter()
        .filter_map(|a| names.get(a))
        .map(|n| (&n.code, &n.name))
        .collect();
    agencies.sort_by_cached_key(|a| tiendo_domain::text::sort_key(a.1));
    html! {
        h2 { "Báo cáo số liệu" }
        form.box #so-lieu method="post" action={"/chi-tieu/" (i.id) "/so-lieu"} {
            input type="hidden" name="csrf" value=(u.csrf);
            @if u.is_standing() && i.by_agency.0 {
                label { "Cơ quan"
                    select name="agency" aria-invalid=[invalid("agency")] { option value="" { "Cả nước" } @for (c, n) in &agencies { option value=(c) selected[typed(|f| &f.agency) == c.as_str()] { (n) } } }
                    (beside("agency"))
                }
            }
            label { "Số liệu tính đến ngày" (date_input("as_of", &as_of, true)) (beside("as_of")) }
            label { "Số liệu (như văn bản ghi: 58/76, 85,3%, 1.250, 12,7 nghìn tỷ đồng, Đạt)" input type="text" name="value" required maxlength="200" value=(typed(|f| &f.value)) aria-invalid=[invalid("value")]; (beside("value")) }
            label { "Minh chứng (số, ký hiệu văn bản)" input type="text" name="evidence" maxlength="500" value=(typed(|f| &f.evidence)) aria-invalid=[invalid("evidence")]; (beside("evidence")) }
            button.primary type="submit" { "Gửi số liệu" }
        }
        @if !u.is_standing() { p.muted.small { "Số liệu của cơ quan chờ cơ quan thường trực xác nhận; trong khi chờ, số liệu vẫn được tính." } }
    }
}

fn target_form(u: &CurrentUser, i: &IndicatorRow, r: Option<&Refused>) -> Markup {
    let field = |name: &'static str, label: &str, max: &str, required: bool| {
        html! {
            label { (label) input type="text" name=(name) required[required] maxlength=(max) value=(Refused::value(r, name, "")) aria-invalid=[Refused::invalid(r, name)] aria-describedby=[Refused::described(r, name)]; }
            (Refused::error_at(r, name))
        }
    };
    html! {
        form.box #muc-tieu method="post" action={"/chi-tieu/" (i.id) "/muc-tieu"} {
            input type="hidden" name="csrf" value=(u.csrf);
            (field("period", "Kỳ (2026, Quý II/2026, 6 tháng đầu năm 2026, tháng 6/2026)", "40", true))
            (field("value", "Mục tiêu", "100", true))
            @if i.by_agency.0 { (field("agency", "Mã cơ quan (để trống: áp dụng chung)", "40", false)) }
            button.primary type="submit" { "Đặt mục tiêu" }
        }
    }
}

fn life_form(u: &CurrentUser, i: &IndicatorRow, r: Option<&Refused>) -> Markup {
    let lower = match r {
        Some(_) => Refused::value(r, "direction", "") == "lower",
        None => i.direction() == tiendo_domain::indicator::Direction::Lower,
    };
    let from = i.valid_from.map(vn).unwrap_or_default();
    let to = i.valid_to.map(vn).unwrap_or_default();
    html! {
        // Open when refused, so that the message is seen.
        details.box open[r.is_some()] {
            summary { "Thời gian theo dõi và chiều đánh giá" }
            form method="post" action={"/chi-tieu/" (i.id) "/thoi-gian"} {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Theo dõi từ ngày (ngày/tháng/năm; để trống: từ đầu)" (date_input("valid_from", Refused::value(r, "valid_from", &from), false)) }
                label { "đến ngày (để trống: không hạn)" (date_input("valid_to", Refused::value(r, "valid_to", &to), false)) }
                (Refused::error_at(r, "valid_from"))
                label { "Chiều đánh giá"
                    select name="direction" {
                        option value="higher" selected[!lower] { "Càng cao càng tốt" }
                        option value="lower" selected[lower] { "Càng thấp càng tốt" }
                    }
                }
                (Refused::error_at(r, "direction"))
                button.primary type="submit" { "Lưu" }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct LifeForm {
    csrf: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    direction: String,
}

pub async fn set_life(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<LifeForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(id, Notice::FormExpired);
    }
    let l = ind::LifeSetting {
        valid_from: f.valid_from,
        valid_to: f.valid_to,
        direction: f.direction,
    };
    match ind::set_life(&state, &u, id, &l).await {
        Ok(()) => back(id, Notice::IndicatorLifeSaved),
        Err(e) if matches!(e.kind, ops::RefusalKind::Invalid) => {
            let field = match e.code {
                Notice::DirectionOfGoodInvalid => "direction",
                _ => "valid_from",
            };
            let r = Refused::typed([
                ("valid_from", l.valid_from.as_str()),
                ("valid_to", l.valid_to.as_str()),
                ("direction", l.direction.as_str()),
            ])
            .problem(field, e.text());
            again(&state, &u, id, Refusal::Life(r)).await
        }
        Err(e) => back(id, e.code),
    }
}

#[derive(Deserialize, Clone)]
pub struct ValueForm {
    csrf: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    evidence: String,
}

fn not_found(u: &CurrentUser) -> Response {
    (
        axum::http::StatusCode::NOT_FOUND,
        page(
            "Không tìm thấy",
            Some(u),
            html! { h1 { "Không tìm thấy chỉ tiêu" } p { a href="/chi-tieu" { "Về danh sách chỉ tiêu" } } },
        ),
    )
        .into_response()
}

fn back(id: i64, code: Notice) -> Response {
    Redirect::to(&format!("/chi-tieu/{id}?tb={code}")).into_response()
}

pub async fn report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ValueForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(id, Notice::FormExpired);
    }
    let r = ValueReport {
        agency: f.agency.clone(),
        as_of: f.as_of.clone(),
        value: f.value.clone(),
        evidence: f.evidence.clone(),
    };
    match ind::report_value(&state, &u, id, &r).await {
        Ok(_) => back(id, Notice::FigureReported),
        Err(e) if matches!(e.kind, ops::RefusalKind::Invalid) => {
            let q = IndicatorQuery {
                ngay: None,
                loai: None,
                tb: None,
                trang: None,
            };
            let refused = RefusedFigure {
                form: f,
                code: e.code,
                message: e.text(),
            };
            render(&state, &u, id, &q, Some(Refusal::Figure(refused))).await
        }
        Err(e) => back(id, e.code),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    chi_tieu: i64,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(value): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(f.chi_tieu, Notice::FormExpired);
    }
    let confirm = f.action == "xac-nhan";
    match ind::review_value(&state, &u, value, confirm, &f.note).await {
        Ok(i) => back(
            i,
            if confirm {
                Notice::FigureConfirmed
            } else {
                Notice::FigureReturned
            },
        ),
        Err(e) => back(f.chi_tieu, e.code),
    }
}

#[derive(Deserialize)]
pub struct TargetForm {
    csrf: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    value: String,
}

pub async fn set_target(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<TargetForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(id, Notice::FormExpired);
    }
    let t = TargetSetting {
        agency: f.agency,
        period: f.period,
        value: f.value,
    };
    match ind::set_target(&state, &u, id, &t).await {
        Ok(()) => back(id, Notice::TargetSet),
        Err(e) if matches!(e.kind, ops::RefusalKind::Invalid) => {
            let field = match e.code {
                Notice::PeriodUnreadable => "period",
                Notice::AgencyUnknown => "agency",
                Notice::Markup if tiendo_domain::text::has_markup(&t.period) => "period",
                Notice::Markup if tiendo_domain::text::has_markup(&t.agency) => "agency",
                _ => "value",
            };
            let r = Refused::typed([
                ("period", t.period.as_str()),
                ("value", t.value.as_str()),
                ("agency", t.agency.as_str()),
            ])
            .problem(field, e.text());
            again(&state, &u, id, Refusal::Target(r)).await
        }
        Err(e) => back(id, e.code),
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    action: String,
}

pub async fn link(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(id, Notice::FormExpired);
    }
    match ind::link_task(&state, &u, id, &f.task, f.action != "bo-lien-ket").await {
        Ok(()) => back(id, Notice::IndicatorLinksSaved),
        Err(e) => back(id, e.code),
    }
}

/// The agencies of a kind (all when none), in force on the date, by id (the same order on
/// every request, whatever the map's).
pub(crate) fn agencies_of_kind(
    names: &HashMap<i64, AgencyName>,
    kind: Option<KindGroup>,
    day: time::Date,
) -> Vec<&AgencyName> {
    let mut v: Vec<&AgencyName> = names
        .values()
        .filter(|a| a.in_force(day))
        .filter(|a| kind.is_none_or(|k| AgencyKind::parse(&a.kind).is_some_and(|x| x.group() == k)))
        .collect();
    v.sort_unstable_by_key(|a| a.id);
    v
}

/// The scorecard of the indicators reported by agency, for the agencies of a kind.
pub async fn build_scorecard(
    state: &AppState,
    u: &tiendo_store::users::User,
    kind: Option<KindGroup>,
    day: time::Date,
) -> anyhow::Result<Scorecard> {
    build_scorecard_rows(state, u, kind, day, 0, usize::MAX).await
}

/// [`build_scorecard`] with only the rows `offset .. offset + limit` written out.
pub async fn build_scorecard_rows(
    state: &AppState,
    u: &tiendo_store::users::User,
    kind: Option<KindGroup>,
    day: time::Date,
    offset: usize,
    limit: usize,
) -> anyhow::Result<Scorecard> {
    let list = state.indicators(u).await?;
    let names = state.agency_names().await?;
    let cols: Vec<(i64, String, String)> = list
        .iter()
        .filter(|i| i.by_agency.0)
        .map(|i| (i.id, i.code.clone(), i.name.clone()))
        .collect();
    let of_kind = agencies_of_kind(&names, kind, day);
    // The order of every agency is computed once per state of the book; the key names what
    // else it depends on (the day, the kind, the agencies and indicators as listed now).
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for a in &of_kind {
            (a.id, &a.name, &a.kind).hash(&mut h);
        }
        cols.hash(&mut h);
        format!("scorecard:{kind:?}:{day}:{:x}", h.finish())
    };
    let (order, book) = state
        .indicator_view(key, |book| {
            // Only agencies with a figure of some indicator.
            let agencies: Vec<&AgencyName> = of_kind
                .iter()
                .copied()
                .filter(|a| {
                    cols.iter()
                        .any(|(id, _, _)| !book.series(*id, Some(a.id)).is_empty())
                })
                .collect();
            card::scorecard_order(book, &cols, &agencies, day)
        })
        .await?;
    Ok(card::scorecard_page(
        &book, &cols, &of_kind, &order, day, offset, limit,
    ))
}

pub async fn scorecard_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<IndicatorQuery>,
) -> Response {
    let day = day_of(&q);
    let kind = q.loai.as_deref().and_then(KindGroup::parse);
    let asked = q
        .trang
        .as_deref()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let page_of = |n: usize| {
        build_scorecard_rows(
            &state,
            &u,
            kind,
            day,
            (n - 1) * SCORECARD_PAGE,
            SCORECARD_PAGE,
        )
    };
    let mut card = match page_of(asked).await {
        Ok(c) => c,
        Err(e) => return crate::errors::internal(e),
    };
    let pages = card.total.div_ceil(SCORECARD_PAGE).max(1);
    let current = asked.min(pages);
    if current != asked {
        // Past the last page: the last page.
        card = match page_of(current).await {
            Ok(c) => c,
            Err(e) => return crate::errors::internal(e),
        };
    }
    let shown = &card.rows;
    let link = |p: usize| {
        format!(
            "/chi-tieu/bang-diem?ngay={}&loai={}&trang={p}",
            iso(day),
            kind.map(|k| k.key()).unwrap_or("")
        )
    };
    page(
        "Bảng điểm chỉ tiêu",
        Some(&u),
        html! {
            h1 { "Bảng điểm chỉ tiêu theo cơ quan" }
            form.filters method="get" action="/chi-tieu/bang-diem" {
                label { "Dữ liệu tính đến ngày" (date_input("ngay", &iso(day), false)) }
                label { "Loại cơ quan"
                    select name="loai" {
                        option value="" { "Tất cả" }
                        @for k in KindGroup::ALL { option value=(k.key()) selected[kind == Some(k)] { (k.vietnamese()) } }
                    }
                }
                button.primary type="submit" { "Xem" }
            }
            (rule())
            p.muted { (card.total) " cơ quan × " (card.indicators.len()) " chỉ tiêu. Xếp theo tỷ lệ ô xanh."
                @if pages > 1 { " Trang " (current) "/" (pages) " (" (SCORECARD_PAGE) " cơ quan mỗi trang)." } }
            @if pages > 1 {
                nav.pager aria-label="Trang của bảng điểm" {
                    @if current > 1 { a href=(link(current - 1)) { "← Trang trước" } }
                    @if current < pages { a href=(link(current + 1)) { "Trang sau →" } }
                }
            }
            div.scroll {
                table.scorecard {
                    thead { tr {
                        th { "Cơ quan" }
                        @for (id, code, name) in &card.indicators { th title=(name) { a href={"/chi-tieu/" (id) "?ngay=" (iso(day))} { (code) } } }
                        th { "Xanh" }
                    } }
                    tbody {
                        @for r in shown {
                            tr {
                                th scope="row" { (r.agency) }
                                @for c in &r.cells {
                                    td class={"c-" (c.colour.as_str())} title={(c.status.vietnamese()) @if let Some(t) = &c.target { " · mục tiêu " (t) }} { (c.text) }
                                }
                                td.num { (r.green) "/" (r.assessed) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
