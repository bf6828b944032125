//! "Cơ quan": the agency registry and its spellings. The standing agency adds agencies, edits
//! them (name, kind, validity, the head answerable for the agency's score) and adds spellings.

use crate::words::date_input;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::vn;
use tiendo_service::notices::Notice;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use tiendo_service::operations::{self as ops, AgencyInput};

/// The kinds an agency may have, with their Vietnamese names.
pub const KINDS: &[(&str, &str)] = &[
    ("ministry", "Bộ"),
    ("ministry_level", "Cơ quan ngang bộ"),
    ("government_agency", "Cơ quan thuộc Chính phủ"),
    ("central_body", "Cơ quan trung ương"),
    ("sub_unit", "Đơn vị trực thuộc"),
    ("corporation", "Tập đoàn, tổng công ty"),
    ("city", "Thành phố trực thuộc trung ương"),
    ("province", "Tỉnh"),
    ("department", "Sở, ban, ngành của tỉnh"),
    ("commune", "Xã, phường"),
    ("former_ministry", "Bộ (trước sắp xếp)"),
    ("former_province", "Tỉnh (trước sắp xếp)"),
    ("other", "Khác"),
];

pub fn kind_name(k: &str) -> &str {
    KINDS.iter().find(|x| x.0 == k).map(|x| x.1).unwrap_or(k)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    tb: Option<String>,
}

/// Does an agency match a search (its name, a spelling or its code, without diacritics)?
pub fn matches(a: &tiendo_domain::agency::AgencyRecord, key: &str) -> bool {
    use tiendo_domain::text::name_key;
    key.is_empty()
        || name_key(&a.name).contains(key)
        || a.aliases.iter().any(|x| name_key(x).contains(key))
        || a.code.to_lowercase().contains(key)
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let Ok(reg) = state.registry_of(&u).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let heads = state.agency_heads().await.unwrap_or_default();
    let key =
        q.q.as_deref()
            .map(tiendo_domain::text::name_key)
            .unwrap_or_default();
    let list: Vec<_> = reg
        .registry
        .agencies()
        .iter()
        .filter(|a| matches(a, &key))
        .collect();
    let flash = q.tb.as_deref().and_then(tiendo_service::notices::message);
    page(
        "Danh mục cơ quan",
        Some(&u),
        html! {
            h1 { "Danh mục cơ quan" }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            form.filters method="get" action="/co-quan" {
                label { "Tìm (không cần dấu)" input type="search" name="q" value=(q.q.as_deref().unwrap_or("")); }
                button.primary type="submit" { "Tìm" }
                @if u.is_standing() { a href="/co-quan/moi" { "Thêm cơ quan" } }
            }
            p.muted { (list.len()) " cơ quan" }
            table {
                thead { tr { th { "Mã" } th { "Tên" } th { "Loại" } th { "Người đứng đầu" } th { "Tên gọi khác" } th { "Hiệu lực" } @if u.is_standing() { th { "Thêm tên gọi" } } } }
                tbody {
                    @for a in &list {
                        @let head = reg.ids.get(&a.code).and_then(|id| heads.get(id));
                        tr {
                            td { (a.code) }
                            td { (a.name) @if u.is_standing() { br; a href={"/co-quan/" (a.code) "/sua"} { "Sửa" } } }
                            td { (kind_name(a.kind.as_str())) }
                            td {
                                (head.and_then(|h| h.title.clone()).unwrap_or_else(|| a.kind.head_title().to_string()))
                                @if let Some(n) = head.and_then(|h| h.name.as_deref()) { br; (n) }
                            }
                            td { (a.aliases.join("; ")) }
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

fn forbidden(u: &CurrentUser) -> Response {
    super::layout::forbidden_page(u, "Chỉ cơ quan thường trực sửa danh mục cơ quan.")
}

/// The fields of an agency, typed or stored, with the form's token.
#[derive(Deserialize, Default, Clone)]
pub struct AgencyForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    f: AgencyInput,
}

fn agency_form(
    u: &CurrentUser,
    action: &str,
    title: &str,
    f: &AgencyInput,
    new: bool,
    error: Option<&str>,
) -> Markup {
    page(
        title,
        Some(u),
        html! {
            p { a href="/co-quan" { "‹ Danh mục cơ quan" } }
            h1 { (title) }
            @if let Some(e) = error { p.flash.error role="alert" { (e) " Chưa lưu gì." } }
            form.box method="post" action=(action) {
                input type="hidden" name="csrf" value=(u.csrf);
                @if new {
                    label { "Mã (chữ không dấu, số, _ hoặc -)" input name="code" required maxlength="40" pattern="[A-Za-z0-9_\\-]+" value=(f.code); }
                } @else {
                    label { "Mã" input value=(f.code) disabled; }
                }
                label.wide { "Tên" input name="name" required maxlength="300" value=(f.name); }
                label { "Tên ngắn (sau tiền tố chung, vd: \"Tài chính\")" input name="short" maxlength="200" value=(f.short); }
                label { "Loại"
                    select name="kind" { @for (k, n) in KINDS { option value=(k) selected[f.kind == *k] { (n) } } }
                }
                label { "Có hiệu lực từ" (date_input("valid_from", &f.valid_from, false)) }
                label { "Hết hiệu lực từ" (date_input("valid_to", &f.valid_to, false)) }
                label { "Chức danh người đứng đầu" input name="head_title" maxlength="200" value=(f.head_title) placeholder="vd: Bộ trưởng"; }
                label { "Họ tên người đứng đầu" input name="head_name" maxlength="200" value=(f.head_name); }
                button.primary type="submit" { "Lưu" }
            }
        },
    )
}

pub async fn new_page(PageUser(u): PageUser) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let f = AgencyInput {
        kind: "department".into(),
        ..Default::default()
    };
    agency_form(&u, "/co-quan/moi", "Thêm cơ quan", &f, true, None).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(form): Form<AgencyForm>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let f = form.f;
    let refuse = |m: &str| {
        (
            StatusCode::BAD_REQUEST,
            agency_form(&u, "/co-quan/moi", "Thêm cơ quan", &f, true, Some(m)),
        )
            .into_response()
    };
    if !u.check_csrf(&form.csrf) {
        return refuse("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.");
    }
    match ops::add_agency(&state, &u, &f).await {
        Ok(_) => Redirect::to("/co-quan?tb=them-co-quan").into_response(),
        Err(r) => refuse(&r.text()),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(code): Path<String>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let Ok(Some(r)) = state.agency_record(&code).await else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Không tìm thấy",
                Some(&u),
                html! { h1 { "Không có cơ quan này" } },
            ),
        )
            .into_response();
    };
    let iso = |d: Option<time::Date>| d.map(tiendo_domain::deadline::iso).unwrap_or_default();
    let f = AgencyInput {
        code: r.code,
        name: r.name,
        short: r.short_name.unwrap_or_default(),
        kind: r.kind,
        valid_from: iso(r.valid_from),
        valid_to: iso(r.valid_to),
        head_title: r.head_title.unwrap_or_default(),
        head_name: r.head_name.unwrap_or_default(),
    };
    let action = format!("/co-quan/{}/sua", f.code);
    agency_form(&u, &action, "Sửa thông tin cơ quan", &f, false, None).into_response()
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(code): Path<String>,
    Form(form): Form<AgencyForm>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let mut f = form.f;
    f.code = code.clone();
    let action = format!("/co-quan/{code}/sua");
    let refuse = |m: &str| {
        (
            StatusCode::BAD_REQUEST,
            agency_form(&u, &action, "Sửa thông tin cơ quan", &f, false, Some(m)),
        )
            .into_response()
    };
    if !u.check_csrf(&form.csrf) {
        return refuse("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.");
    }
    match ops::edit_agency(&state, &u, &code, &f).await {
        Ok(()) => Redirect::to(&format!(
            "/co-quan?tb=sua-co-quan&q={}",
            crate::words::enc(&code)
        ))
        .into_response(),
        Err(r) => refuse(&r.text()),
    }
}

#[derive(Deserialize)]
pub struct AliasForm {
    csrf: String,
    #[serde(default)]
    alias: String,
}

/// The standing agency adds another spelling to an agency of the registry.
pub async fn add_alias(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(code): Path<String>,
    Form(f): Form<AliasForm>,
) -> Response {
    let to = |m: Notice| Redirect::to(&format!("/co-quan?tb={m}")).into_response();
    if !u.check_csrf(&f.csrf) {
        return to(Notice::FormExpired);
    }
    match ops::add_alias(&state, &u, &code, &f.alias).await {
        Ok(()) => to(Notice::AliasAdded),
        Err(e) => to(e.code),
    }
}
