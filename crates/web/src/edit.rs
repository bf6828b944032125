//! The standing agency edits a task (its text, the leader overseeing it, secrecy, a new deadline
//! with its reason) and reassigns it (an agency added, replaced or ended from today). A refused
//! value comes back on the form with the reason; nothing is stored.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tiendo_store::edit::TaskEdit;

use super::AppState;
use super::actions::{Notice, answer, back, csrf, typed};
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use tiendo_service::operations as ops;

fn forbidden(u: &CurrentUser) -> Response {
    super::layout::forbidden_page(u, "Chỉ cơ quan thường trực sửa và giao lại nhiệm vụ.")
}

fn form(
    u: &CurrentUser,
    id: i64,
    number: &str,
    e: &TaskEdit,
    overseers: &[String],
    error: Option<&str>,
) -> maud::Markup {
    page(
        "Sửa nhiệm vụ",
        Some(u),
        html! {
            p { a href={"/nhiem-vu/" (id)} { "‹ Về nhiệm vụ" } }
            h1 { "Sửa nhiệm vụ " (number) }
            @if let Some(e) = error { p.flash.error role="alert" { (e) " Chưa lưu thay đổi nào." } }
            form.box.edit method="post" action={"/nhiem-vu/" (id) "/sua"} {
                input type="hidden" name="csrf" value=(u.csrf);
                label.wide { "Tên nhiệm vụ" textarea name="name" rows="3" required maxlength="5000" { (e.name) } }
                label.wide { "Kết quả, sản phẩm" textarea name="expected_result" rows="2" maxlength="5000" { (e.expected_result) } }
                label.wide { "Căn cứ giao (văn bản giao nhiệm vụ)" textarea name="basis" rows="2" maxlength="2000" { (e.basis) } }
                label { "Lãnh đạo phụ trách" input name="overseer" list="lanh-dao" maxlength="300" value=(e.overseer) placeholder="vd: Phó Thủ tướng …"; }
                datalist id="lanh-dao" { @for o in overseers { option value=(o) {} } }
                label.check { input type="checkbox" name="secret" value="1" checked[e.secret]; " Nhiệm vụ mật (chỉ cơ quan thường trực và cơ quan được giao xem)" }
                label { "Thời hạn mới (để trống nếu không đổi)" input name="new_deadline" maxlength="200" value=(e.new_deadline) placeholder="vd: 30/9/2026, Quý III/2026"; }
                label.wide { "Lý do điều chỉnh thời hạn" textarea name="reason" rows="2" maxlength="5000" { (e.reason) } }
                button.primary type="submit" { "Lưu" }
            }
        },
    )
}

/// The task the standing agency edits; anyone else is refused, an unknown id is not found.
async fn task_to_edit(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
) -> Result<tiendo_store::tasks::TaskDetail, Response> {
    if !u.is_standing() {
        return Err(forbidden(u));
    }
    let found = match id.parse::<i64>() {
        Ok(id) => state.task_for(u, id).await.ok().flatten(),
        Err(_) => None,
    };
    found.ok_or_else(|| super::task::not_found(u))
}

pub async fn form_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
) -> Response {
    let t = match task_to_edit(&state, &u, &id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let e = TaskEdit {
        name: t.name.clone(),
        expected_result: t.expected_result.clone().unwrap_or_default(),
        basis: t.basis.clone().unwrap_or_default(),
        overseer: t.overseer.clone().unwrap_or_default(),
        secret: t.secret,
        new_deadline: String::new(),
        reason: String::new(),
    };
    let overseers = state.overseers().await.unwrap_or_default();
    form(&u, t.id, &t.number, &e, &overseers, None).into_response()
}

#[derive(Deserialize)]
pub struct EditForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expected_result: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    overseer: String,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    new_deadline: String,
    #[serde(default)]
    reason: String,
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Response {
    let t = match task_to_edit(&state, &u, &id).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let e = TaskEdit {
        name: f.name,
        expected_result: f.expected_result,
        basis: f.basis,
        overseer: f.overseer,
        secret: f.secret.is_some(),
        new_deadline: f.new_deadline,
        reason: f.reason,
    };
    let overseers = state.overseers().await.unwrap_or_default();
    let refuse = |msg: &str| {
        (
            StatusCode::BAD_REQUEST,
            form(&u, t.id, &t.number, &e, &overseers, Some(msg)),
        )
            .into_response()
    };
    if !u.check_csrf(&f.csrf) {
        return refuse("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.");
    }
    match ops::edit_task(&state, &u, t.id, &e).await {
        Ok(()) => Redirect::to(&format!("/nhiem-vu/{}?tb=da-sua", t.id)).into_response(),
        Err(r) => refuse(&r.text()),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    replacing: String,
    #[serde(default)]
    reason: String,
}

/// Gives the task to an agency from today; with `replacing`, that assignment ends today.
pub async fn assign(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let replacing = match f.replacing.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(x) => Some(x),
            Err(_) => return back(task, Notice::AssignmentNotOfTask),
        },
    };
    let r = ops::assign(&state, &u, task, &f.agency, &f.role, replacing, &f.reason).await;
    let done = if replacing.is_some() {
        Notice::AssignmentHandedOver
    } else {
        Notice::AgencyAssigned
    };
    let values = vec![
        ("agency", f.agency),
        ("role", f.role),
        ("replacing", f.replacing),
        ("reason", f.reason),
    ];
    answer(&state, &u, task, typed("giao", values), done, r).await
}

#[derive(Deserialize)]
pub struct UnassignForm {
    csrf: String,
    #[serde(default)]
    assignment: String,
    #[serde(default)]
    reason: String,
}

/// Ends an assignment from today.
pub async fn unassign(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<UnassignForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let Ok(assignment) = f.assignment.trim().parse::<i64>() else {
        return back(task, Notice::AssignmentNotOfTask);
    };
    let r = ops::unassign(&state, &u, task, assignment, &f.reason).await;
    let values = vec![("assignment", f.assignment), ("reason", f.reason)];
    answer(
        &state,
        &u,
        task,
        typed("ket-thuc-giao", values),
        Notice::AssignmentEnded,
        r,
    )
    .await
}
