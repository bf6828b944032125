//! "Khó khăn, vướng mắc": the register (filters: raising agency, handling agency, state, answers
//! overdue); the standing agency answers or forwards a difficulty with an answer deadline; the
//! agency it was forwarded to answers it.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_service::notices::Notice;
use tiendo_store::difficulties::Difficulty;

use super::actions::{back, csrf};
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use super::{AppState, Visibility};
use crate::words::{opt_vn, today};
use tiendo_domain::deadline::vn;
use tiendo_service::operations as ops;

#[derive(Deserialize, Default, Clone)]
pub struct RegisterQuery {
    /// A message code after a form.
    pub tb: Option<String>,
    pub nen: Option<String>,
    pub xu_ly: Option<String>,
    /// open, answered, overdue
    pub tinh_trang: Option<String>,
}

/// The difficulties a user sees, filtered: a focal point those its agency raised or must answer
/// (on tasks it may see); others all those on tasks they may see.
pub async fn filtered(
    state: &AppState,
    u: &CurrentUser,
    q: &RegisterQuery,
) -> anyhow::Result<Vec<Difficulty>> {
    let all = state.difficulties(None).await?;
    let snap = state.snapshot().await;
    let vis = Visibility::of(u, &snap);
    let code_of = |id: i64| snap.agencies.get(&id).map(|a| a.code.as_str());
    let own = u.own_agency();
    let foreign = snap.foreign(u);
    let day = today();
    let mut rows: Vec<Difficulty> = all
        .into_iter()
        // An agency sees the difficulties it raised or must resolve, even on a task it is not
        // assigned; others, those of the tasks they may see, and those raised on no task but by
        // another province's agency.
        .filter(|d| match own {
            Some(a) => d.agency_id == Some(a) || d.handled_by(a),
            None => match d.task_id {
                Some(t) => vis.sees(t),
                None => !foreign.raised(d),
            },
        })
        .filter(|d| {
            q.nen
                .as_deref()
                .filter(|c| !c.is_empty())
                .is_none_or(|c| d.agency_id.and_then(code_of) == Some(c))
        })
        .filter(|d| {
            q.xu_ly
                .as_deref()
                .filter(|c| !c.is_empty())
                .is_none_or(|c| {
                    d.handlers
                        .iter()
                        .any(|h| h.agency_id.and_then(code_of) == Some(c))
                })
        })
        .filter(|d| match q.tinh_trang.as_deref() {
            Some("open") => d.state == "open",
            Some("answered") => d.state == "answered",
            Some("overdue") => d.answer_overdue(day),
            _ => true,
        })
        .collect();
    rows.reverse();
    Ok(rows)
}

pub async fn register(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<RegisterQuery>,
) -> Response {
    register_page(&state, &u, &q, None).await
}

/// The register; with a refused answer (the difficulty's id and what was typed), that answer
/// form holds it with its message.
async fn register_page(
    state: &AppState,
    u: &CurrentUser,
    q: &RegisterQuery,
    refused: Option<(i64, &super::refused::Refused)>,
) -> Response {
    use super::refused::Refused;
    let rows = filtered(state, u, q).await.unwrap_or_default();
    let snap = state.snapshot().await;
    let agencies = super::task::agency_options(&snap);
    // An agency answering a difficulty on a task it is not assigned sees the text, not the task.
    let vis = Visibility::of(u, &snap);
    let day = today();
    page(
        "Khó khăn, vướng mắc",
        Some(u),
        html! {
            h1 { "Khó khăn, vướng mắc" }
            @if let Some((msg, ok)) = q.tb.as_deref().and_then(tiendo_service::notices::message) { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            form.filters method="get" action="/kho-khan" {
                label { "Cơ quan nêu"
                    select name="nen" { option value="" { "Tất cả" } @for (c, n) in &agencies { option value=(c) selected[q.nen.as_deref() == Some(c.as_str())] { (n) } } }
                }
                label { "Cơ quan xử lý"
                    select name="xu_ly" { option value="" { "Tất cả" } @for (c, n) in &agencies { option value=(c) selected[q.xu_ly.as_deref() == Some(c.as_str())] { (n) } } }
                }
                label { "Tình trạng"
                    select name="tinh_trang" {
                        @for (v, l) in [("", "Tất cả"), ("open", "Chưa trả lời"), ("overdue", "Quá hạn trả lời"), ("answered", "Đã trả lời")] { option value=(v) selected[q.tinh_trang.as_deref().unwrap_or("") == v] { (l) } }
                    }
                }
                button.primary type="submit" { "Lọc" }
            }
            p.muted { (rows.len()) " khó khăn, vướng mắc" }
            table {
                thead { tr { th { "Ngày" } th { "Cơ quan nêu" } th { "Nội dung" } th { "Cơ quan xử lý" } th { "Hạn trả lời" } th { "Tình trạng" } th { "Trả lời" } } }
                tbody {
                    @for d in &rows {
                        tr {
                            td { (vn(d.raised_on)) }
                            td { (d.raised_by()) }
                            td { @if let Some(task) = d.task_id.filter(|t| vis.sees(*t)) { a href={"/nhiem-vu/" (task)} { (d.text) } } @else { (d.text) } }
                            td { (handlers_cell(d, day)) }
                            td { (opt_vn(d.next_answer_due())) }
                            td {
                                @if d.state == "answered" { "Đã trả lời " (opt_vn(d.answered_on)) }
                                @else if d.answer_overdue(day) { span.badge.s-open_overdue { "Quá hạn trả lời" } }
                                @else { "Chưa trả lời" }
                            }
                            td {
                                @if let Some(a) = &d.answer { (a) }
                                @else if (u.is_standing() && d.state == "open") || (u.role == UserRole::Focal && u.user.agency_id.is_some_and(|a| d.awaits(a))) {
                                    @let r = refused.filter(|(id, _)| *id == d.id).map(|(_, r)| r);
                                    form method="post" action={"/kho-khan/" (d.id) "/tra-loi"} {
                                        input type="hidden" name="csrf" value=(u.csrf);
                                        input type="hidden" name="task" value=(d.task_id.unwrap_or(0));
                                        input type="hidden" name="ve" value="so";
                                        textarea name="answer" rows="2" required maxlength="5000" aria-label="Nội dung trả lời" aria-invalid=[Refused::invalid(r, "answer")] { (Refused::value(r, "answer", "")) }
                                        (Refused::error_at(r, "answer"))
                                        button.primary type="submit" { "Trả lời" }
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

/// The agencies that must resolve a difficulty, each with its own answer or state.
pub(crate) fn handlers_cell(d: &Difficulty, day: time::Date) -> maud::Markup {
    html! {
        @if d.handlers.is_empty() { "Cơ quan thường trực" }
        @else {
            ul.handlers {
                @for h in &d.handlers {
                    li {
                        strong { (h.name) } @if h.agency_id.is_none() { span.muted { " (chưa có trong danh mục)" } }
                        @if h.state == "answered" {
                            ": "
                            "đã trả lời " (opt_vn(h.answered_on))
                            @if let Some(a) = &h.answer { " — " (a) }
                        } @else if d.state == "answered" {
                            // Settled by the standing agency before this agency answered.
                        } @else if h.overdue(day) {
                            ": " span.badge.s-open_overdue { "Quá hạn trả lời" } " (hạn " (opt_vn(h.answer_due)) ")"
                        } @else {
                            ": chưa trả lời" @if let Some(due) = h.answer_due { " (hạn " (vn(due)) ")" }
                        }
                        // What it said so far, when the work goes on ("Đang xem xét …").
                        @if h.state != "answered" && d.state != "answered" && let Some(a) = &h.answer { " — " (a) }
                    }
                }
            }
        }
    }
}

/// May the user see this task's page?
async fn sees(state: &AppState, u: &CurrentUser, task: i64) -> bool {
    let snap = state.snapshot().await;
    Visibility::of(u, &snap).sees(task)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    task: i64,
    #[serde(default)]
    answer: String,
    /// "so": sent from the register, which is where the answer goes back to.
    #[serde(default)]
    ve: String,
}

/// The standing agency, or the focal point of the agency it was forwarded to, answers.
pub async fn answer(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> Response {
    let to_register = f.ve == "so";
    let reply = |code: Notice, task: i64| {
        if to_register {
            Redirect::to(&format!("/kho-khan?tb={code}")).into_response()
        } else {
            back(task, code)
        }
    };
    if !u.check_csrf(&f.csrf) {
        return reply(Notice::FormExpired, f.task);
    }
    let r = ops::answer_difficulty(&state, &u, id, &f.answer).await;
    match r {
        Ok(task) => reply(Notice::DifficultyAnswered, task.unwrap_or(f.task)),
        Err(e)
            if matches!(
                e.kind,
                ops::RefusalKind::Forbidden | ops::RefusalKind::NotFound
            ) =>
        {
            reply(e.code, f.task)
        }
        // Refused: the page it came from again (422), the answer kept beside its message; the
        // register for an agency that may not see the task.
        Err(e) if to_register || f.task == 0 || !sees(&state, &u, f.task).await => {
            let q = RegisterQuery::default();
            let refused = super::refused::Refused::typed([("answer", f.answer.as_str())])
                .problem("answer", e.text());
            let mut page = register_page(&state, &u, &q, Some((id, &refused))).await;
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(e) => {
            let typed =
                super::actions::typed_item("tra-loi-kho-khan", id, vec![("answer", f.answer)]);
            super::actions::answer(
                &state,
                &u,
                f.task,
                typed,
                Notice::DifficultyAnswered,
                Err::<(), _>(e),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ForwardForm {
    csrf: String,
    task: i64,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    answer_due: String,
}

/// The standing agency forwards a difficulty to the agency that must resolve it, with a deadline.
pub async fn forward(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ForwardForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, f.task) {
        return r;
    }
    match ops::forward_difficulty(&state, &u, id, &f.handler, &f.answer_due).await {
        Ok(task) => back(task.unwrap_or(f.task), Notice::DifficultyForwarded),
        Err(e) => {
            let typed = super::actions::typed_item(
                "chuyen",
                id,
                vec![("handler", f.handler), ("answer_due", f.answer_due)],
            );
            super::actions::answer(
                &state,
                &u,
                f.task,
                typed,
                Notice::DifficultyForwarded,
                Err::<(), _>(e),
            )
            .await
        }
    }
}
