//! The JSON API behind every page, for other systems (`Authorization: Bearer <token>`, see
//! `tiendo users token`) and for scripts in the browser (the session cookie, with the session's
//! CSRF token in `X-CSRF-Token` for changes). Routes are registered with their OpenAPI
//! description (utoipa-axum), so `/api/openapi.json` cannot drift from what is served.
//!
//! Reading follows the pages' rules (who sees which task); changing data goes through
//! [`tiendo_service::operations`], the same checks as the forms. Errors are `{"error": "…", "code": "…"}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::{iso, parse_user_date};
use tiendo_domain::scoring::Month;
use tiendo_domain::status::AssignmentState;
use tiendo_reports::kinds::ReportKind;
use tiendo_service::notices::Notice;
use tiendo_service::queries::reports::{ReportRefused, ReportRequest};
use tiendo_store::edit::TaskEdit;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::auth::{ApiUser, ApiWriter};

pub mod external;
use super::{AppState, Visibility};
use crate::words::today;
use tiendo_service::operations::{self as ops, AgencyInput, Refusal, ReportInput};
use tiendo_service::queries::tasks::TaskSearch;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiến Độ API",
        description = "Nhiệm vụ, phân công, tình trạng theo ngày, báo cáo, khó khăn, cam kết, điểm của Ban Chỉ đạo. Xác thực: Authorization: Bearer <mã truy cập> (tiendo users token), hoặc phiên đăng nhập kèm tiêu đề X-CSRF-Token khi thay đổi dữ liệu."
    ),
    tags((name = "đọc", description = "Dữ liệu các trang"), (name = "ghi", description = "Các việc thay đổi dữ liệu"))
)]
pub struct ApiDoc;

/// The API's routes and its OpenAPI document, built together.
pub fn router_and_doc() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(dashboard))
        .routes(routes!(tasks, create_task))
        .routes(routes!(task, edit_task))
        .routes(routes!(my_tasks))
        .routes(routes!(inbox))
        .routes(routes!(notifications))
        .routes(routes!(mark_notification))
        .routes(routes!(difficulties))
        .routes(routes!(agencies, add_agency))
        .routes(routes!(edit_agency))
        .routes(routes!(add_alias))
        .routes(routes!(external::push_agency))
        .routes(routes!(external::link_agency))
        .routes(routes!(external::find_external))
        .routes(routes!(audit))
        .routes(routes!(overdue))
        .routes(routes!(summary))
        .routes(routes!(report))
        .routes(routes!(score))
        .routes(routes!(meetings, add_meeting))
        .routes(routes!(add_report))
        .routes(routes!(request_deadline))
        .routes(routes!(raise_difficulty))
        .routes(routes!(commit))
        .routes(routes!(give_direction))
        .routes(routes!(answer_direction))
        .routes(routes!(decide_deadline))
        .routes(routes!(review_report))
        .routes(routes!(answer_difficulty))
        .routes(routes!(forward_difficulty))
        .routes(routes!(assign))
        .routes(routes!(end_assignment))
        .routes(routes!(import).layer(DefaultBodyLimit::max(
            tiendo_office::MAX_FILE_BYTES as usize + 64 * 1024,
        )))
        .routes(routes!(indicators))
        .routes(routes!(indicator))
        .routes(routes!(scorecard))
        .routes(routes!(report_indicator_value))
        .routes(routes!(review_indicator_value))
        .routes(routes!(set_indicator_target))
        .routes(routes!(set_indicator_life))
        .routes(routes!(link_indicator_task))
        .routes(routes!(openapi_json))
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .split_for_parts()
}

/// The largest JSON body the API reads (a report's text is at most 5,000 characters); only the
/// import route takes a file.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

pub fn router() -> axum::Router<AppState> {
    router_and_doc().0
}

static DOC: std::sync::LazyLock<utoipa::openapi::OpenApi> =
    std::sync::LazyLock::new(|| router_and_doc().1);

/// The API's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    DOC.clone()
}

#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
    pub code: String,
}

fn error(status: StatusCode, code: &str, msg: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: msg.into(),
            code: code.to_string(),
        }),
    )
        .into_response()
}

fn bad(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "gia-tri", msg)
}

/// A refused action as JSON; a busy database (503) says when to come back.
fn refused(r: Refusal) -> Response {
    let mut answer = error(
        crate::errors::refusal_status(r.kind),
        r.code.code(),
        r.text(),
    );
    if r.kind == tiendo_service::RefusalKind::Unavailable {
        answer.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("5"),
        );
    }
    answer
}

fn failed(e: impl std::fmt::Display) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        Notice::Failed.code(),
        crate::errors::incident(&e),
    )
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        Notice::NotFound.code(),
        "không tìm thấy",
    )
}

/// A JSON body; a malformed one is a 400 with a JSON error, never a panic.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "qua-lon",
                format!("nội dung quá lớn (tối đa {} KB)", MAX_JSON_BYTES / 1024),
            )),
            Err(e) => Err(bad(&format!(
                "nội dung JSON không hợp lệ: {}",
                e.body_text()
            ))),
        }
    }
}

/// A date parameter (default: today); the error is the message for a 400.
fn date_param(name: &str, v: Option<&str>) -> Result<time::Date, String> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(today()),
        Some(s) => {
            parse_user_date(s).ok_or_else(|| format!("{name}: ngày không hợp lệ (YYYY-MM-DD)"))
        }
    }
}

fn opt_date(name: &str, v: Option<&str>) -> Result<Option<time::Date>, String> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_user_date(s)
            .map(Some)
            .ok_or_else(|| format!("{name}: ngày không hợp lệ (YYYY-MM-DD)")),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// Due within this many days (default 14, at most 120)
    days: Option<i64>,
}

/// Tổng quan: the four-way counts, late lead assignments by agency, what falls due soon, the newest difficulties.
#[utoipa::path(get, path = "/api/dashboard", tag = "đọc", params(DashboardQuery), responses((status = 200, description = "{as_of, days, agency, lead_assignments, late_by_agency, due_soon, newest_difficulties, inbox: [{kind, heading, count}]}"), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    match state
        .dashboard(&u, as_of, q.days.unwrap_or(14).clamp(1, 120))
        .await
    {
        Ok(d) => Json(d).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasksQuery {
    /// Search without diacritics ("chuyen doi so")
    q: Option<String>,
    /// Registry code of an assigned agency
    agency: Option<String>,
    /// With agency: only the tasks it leads, each in the state of its own lead assignment (the
    /// dashboard's late_by_agency, task by task)
    lead_only: Option<bool>,
    /// open_overdue, open, done_on_time, done_late, done_undated, recurring, conditional
    status: Option<String>,
    heading: Option<String>,
    /// Document symbol or key ("71/NQ-CP")
    document: Option<String>,
    due_from: Option<String>,
    due_to: Option<String>,
    /// The leader overseeing the task, as written
    overseer: Option<String>,
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// 1, 2, … (50 tasks a page)
    page: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskListItem {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub lead: Option<String>,
    pub deadline_raw: String,
    pub due_on: Option<String>,
    pub headings: Vec<String>,
    pub document: Option<String>,
    /// done_on_time, done_late, open_in_time, open_overdue, recurring, conditional; none without a lead
    #[schema(value_type = Option<String>)]
    pub state: Option<AssignmentState>,
}

/// Nhiệm vụ: the tasks the caller may see, filtered, one page at a time.
#[utoipa::path(get, path = "/api/tasks", tag = "đọc", params(TasksQuery), responses((status = 200, description = "{as_of, total, page, pages, items: [TaskListItem]}"), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn tasks(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<TasksQuery>,
) -> Response {
    let (as_of, due_from, due_to) = match (
        date_param("as_of", q.as_of.as_deref()),
        opt_date("due_from", q.due_from.as_deref()),
        opt_date("due_to", q.due_to.as_deref()),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(m), _, _) | (_, Err(m), _) | (_, _, Err(m)) => return bad(&m),
    };
    let search = TaskSearch {
        q: q.q,
        agency: q.agency,
        lead_only: q.lead_only.unwrap_or(false),
        status: q.status,
        heading: q.heading,
        document: q.document,
        due_from,
        due_to,
        overseer: q.overseer,
        as_of,
        page: q.page.unwrap_or(1),
    };
    match state.search_tasks(&u, &search).await {
        Ok(p) => {
            let items: Vec<TaskListItem> = p
                .rows
                .into_iter()
                .map(|r| TaskListItem {
                    state: p.states.get(&r.id).copied(),
                    id: r.id,
                    number: r.number,
                    name: r.name,
                    lead: r.lead,
                    deadline_raw: r.deadline_raw,
                    due_on: r.due_on.map(iso),
                    headings: r.headings,
                    document: r.document,
                })
                .collect();
            Json(serde_json::json!({ "as_of": iso(as_of), "total": p.total, "page": p.current, "pages": p.pages, "items": items })).into_response()
        }
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
}

/// One task: every field, each assignment with its state on the date, the deadline history, reports, evidence files, difficulties, history.
#[utoipa::path(get, path = "/api/tasks/{id}", tag = "đọc", params(("id" = i64, Path), AsOf), responses((status = 200, description = "the task"), (status = 404, body = ApiError)))]
pub async fn task(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let Ok(Some(t)) = state.task_for(&u, id).await else {
        return not_found();
    };
    let snap = state.snapshot().await;
    let assignments: Vec<serde_json::Value> = t
        .assignments
        .iter()
        .map(|a| {
            let ev = snap
                .book
                .evaluate_assignment(a.id, as_of)
                .filter(|_| snap.book.assignment_in_force(a.id, as_of));
            serde_json::json!({
                "id": a.id, "agency": a.agency, "role": a.role, "via_group": a.via_group, "unit": a.unit,
                "assigned_on": a.assigned_on.map(iso),
                "state": ev.map(|e| e.state), "due": ev.and_then(|e| e.due).map(iso), "days_late": ev.map(|e| e.days_late),
            })
        })
        .collect();
    let (difficulties, evidence) = match (
        state.difficulties(Some(id)).await,
        state.evidence_of_task(id).await,
    ) {
        (Ok(d), Ok(e)) => (d, e),
        (Err(e), _) | (_, Err(e)) => return failed(e),
    };
    Json(serde_json::json!({
        "id": t.id, "number": t.number, "name": t.name, "headings": t.headings,
        "expected_result": t.expected_result, "deadline": { "raw": t.deadline_raw, "due": t.due_on.map(iso), "note": t.deadline_note },
        "basis": t.basis, "lead_raw": t.lead_raw, "coordinators_raw": t.coordinators_raw, "overseer": t.overseer,
        "document": t.document, "committee": t.committee, "secret": t.secret, "extra": t.extra, "source": t.source,
        "unresolved_agencies": t.unresolved.iter().map(|u| serde_json::json!({ "role": u.role, "text": u.text })).collect::<Vec<_>>(),
        "as_of": iso(as_of),
        "assignments": assignments,
        "ended_assignments": t.ended,
        "deadline_changes": t.changes.iter().map(|c| serde_json::json!({ "effective_on": iso(c.effective_on), "agency": c.agency, "deadline": c.deadline, "reason": c.reason, "approved_by": c.approved_by, "state": c.state, "by": c.created_by })).collect::<Vec<_>>(),
        "reports": t.reports.iter().map(|r| serde_json::json!({ "reported_on": iso(r.reported_on), "agency": r.agency, "status": r.status, "text": r.text, "by": r.created_by, "review": r.review, "review_note": r.review_note })).collect::<Vec<_>>(),
        "evidence": evidence.iter().map(|e| serde_json::json!({ "id": e.id, "report": e.report_id, "file_name": e.file_name, "size": e.size_bytes, "url": format!("/minh-chung/{}", e.id) })).collect::<Vec<_>>(),
        "difficulties": difficulties,
        "history": t.history.iter().map(|h| serde_json::json!({ "at": h.at, "actor": h.actor, "action": h.action, "before": h.before, "after": h.after })).collect::<Vec<_>>(),
    }))
    .into_response()
}

#[derive(Deserialize, ToSchema)]
pub struct TaskEditInput {
    pub name: String,
    #[serde(default)]
    pub expected_result: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub overseer: String,
    #[serde(default)]
    pub secret: bool,
    /// As written ("30/9/2026", "Quý III/2026"); empty keeps the deadline
    #[serde(default)]
    pub new_deadline: String,
    /// Required with a new deadline
    #[serde(default)]
    pub reason: String,
}

/// The standing agency edits a task (a new deadline is in force from today).
#[utoipa::path(put, path = "/api/tasks/{id}", tag = "ghi", params(("id" = i64, Path)), request_body = TaskEditInput, responses((status = 200, description = "{ok: true}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn edit_task(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<TaskEditInput>,
) -> Response {
    let e = TaskEdit {
        name: b.name,
        expected_result: b.expected_result,
        basis: b.basis,
        overseer: b.overseer,
        secret: b.secret,
        new_deadline: b.new_deadline,
        reason: b.reason,
    };
    done(
        ops::edit_task(&state, &u, id, &e).await,
        |()| serde_json::json!({ "ok": true }),
    )
}

/// Việc cần xử lý: what waits for the caller on the date, by role (a focal point: its agency's overdue and due-soon assignments, returned completions, difficulties to answer, refused requests; the standing agency: the decisions waiting and commitments due; a leader: escalations and the week's summary). Each item has the path where it is acted on.
#[utoipa::path(get, path = "/api/inbox", tag = "đọc", params(AsOf), responses((status = 200, description = "{as_of, items: [{kind, task_id, task_number, task_name, due, agency, days_late, detail, link, secret, indicator_id, indicator}]}"), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    match super::inbox::items_of(&state, &u.user, as_of).await {
        Ok(items) => {
            Json(serde_json::json!({ "as_of": iso(as_of), "items": items })).into_response()
        }
        Err(e) => failed(e),
    }
}

/// Thông báo: the reminders the caller received (newest first, kept 90 days), with the unread count.
#[utoipa::path(get, path = "/api/notifications", tag = "đọc", responses((status = 200, description = "{unread, items: [{id, day, digest, channel, item_count, items, mail_state, read_at}]}"), (status = 401, body = ApiError)))]
pub async fn notifications(State(state): State<AppState>, ApiUser(u): ApiUser) -> Response {
    let list = match state.notifications(&u, 200).await {
        Ok(v) => v,
        Err(e) => return failed(e),
    };
    let unread = list.iter().filter(|n| n.read_at.is_none()).count();
    let items: Vec<serde_json::Value> = list
        .iter()
        .map(|n| {
            let mut v = serde_json::to_value(n).unwrap_or_default();
            v["items"] = serde_json::from_str(&n.items).unwrap_or_default();
            v
        })
        .collect();
    Json(serde_json::json!({ "unread": unread, "items": items })).into_response()
}

#[derive(Deserialize, ToSchema)]
pub struct ReadInput {
    /// true: read; false: unread again
    pub read: bool,
}

/// Marks one of the caller's notifications read or unread; another user's is not found.
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "ghi", params(("id" = i64, Path)), request_body = ReadInput, responses((status = 200, description = "{ok}"), (status = 404, body = ApiError)))]
pub async fn mark_notification(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<ReadInput>,
) -> Response {
    match state.mark_read(&u, id, b.read).await {
        Ok(()) => Json(serde_json::json!({ "ok": true })).into_response(),
        Err(tiendo_store::StoreError::NotFound(_)) => not_found(),
        Err(e) => failed(e),
    }
}

/// Việc của tôi: the caller's agency's assignments, late ones first.
#[utoipa::path(get, path = "/api/my-tasks", tag = "đọc", params(AsOf), responses((status = 200, description = "{as_of, items: [{task_id, number, name, assignment_id, role, due, state, days_late}]}"), (status = 400, body = ApiError)))]
pub async fn my_tasks(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let Some(agency) = u.user.agency_id else {
        return bad("tài khoản này không gắn với cơ quan nào");
    };
    match state.my_assignments(agency, as_of, None).await {
        Ok((_, items)) => {
            Json(serde_json::json!({ "as_of": iso(as_of), "items": items })).into_response()
        }
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DifficultiesQuery {
    /// Registry code of the raising agency
    raised_by: Option<String>,
    /// Registry code of the agency that must resolve it
    handled_by: Option<String>,
    /// open, answered, overdue (answer deadline passed)
    state: Option<String>,
}

/// Khó khăn, vướng mắc: the register, newest first.
#[utoipa::path(get, path = "/api/difficulties", tag = "đọc", params(DifficultiesQuery), responses((status = 200, description = "{items: [difficulty]}")))]
pub async fn difficulties(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<DifficultiesQuery>,
) -> Response {
    let rq = super::difficulties::RegisterQuery {
        tb: None,
        nen: q.raised_by,
        xu_ly: q.handled_by,
        tinh_trang: q.state,
    };
    match super::difficulties::filtered(&state, &u, &rq).await {
        Ok(items) => Json(serde_json::json!({ "items": items })).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgenciesQuery {
    /// Search name, spelling or code, without diacritics
    q: Option<String>,
}

/// Cơ quan: the registry with every spelling and the head of each agency.
#[utoipa::path(get, path = "/api/agencies", tag = "đọc", params(AgenciesQuery), responses((status = 200, description = "{items: [{code, name, kind, aliases, valid_from, valid_to, head_title, head_name, external_ids: [{system, external_id}]}]}")))]
pub async fn agencies(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<AgenciesQuery>,
) -> Response {
    let (reg, heads, external) = match (
        state.registry().await,
        state.agency_heads().await,
        state.agency_external_ids().await,
    ) {
        (Ok(r), Ok(h), Ok(x)) => (r, h, x),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return failed(e),
    };
    let key =
        q.q.as_deref()
            .map(tiendo_domain::text::name_key)
            .unwrap_or_default();
    let items: Vec<serde_json::Value> = reg
        .registry
        .agencies()
        .iter()
        .filter(|a| super::registry::matches(a, &key))
        .map(|a| {
            let head = reg.ids.get(&a.code).and_then(|id| heads.get(id)).cloned().unwrap_or_default();
            serde_json::json!({
                "code": a.code, "name": a.name, "kind": a.kind, "short": a.short, "aliases": a.aliases,
                "valid_from": a.valid_from.map(iso), "valid_to": a.valid_to.map(iso), "successor": a.successor,
                "head_title": head.title.unwrap_or_else(|| a.kind.head_title().to_string()), "head_name": head.name,
                "external_ids": external.get(&a.code).cloned().unwrap_or_default(),
            })
        })
        .collect();
    Json(serde_json::json!({ "items": items })).into_response()
}

/// The standing agency adds an agency to the registry.
#[utoipa::path(post, path = "/api/agencies", tag = "ghi", request_body = AgencyInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn add_agency(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Body(b): Body<AgencyInput>,
) -> Response {
    match ops::add_agency(&state, &u, &b).await {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(r) => refused(r),
    }
}

/// The standing agency edits an agency (a new name keeps the old one as a spelling).
#[utoipa::path(put, path = "/api/agencies/{code}", tag = "ghi", params(("code" = String, Path)), request_body = AgencyInput, responses((status = 200, description = "{ok: true}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn edit_agency(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(code): Path<String>,
    Body(b): Body<AgencyInput>,
) -> Response {
    done(
        ops::edit_agency(&state, &u, &code, &b).await,
        |()| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct AliasInput {
    pub alias: String,
}

/// The standing agency adds a spelling to an agency (refused when it names another agency).
#[utoipa::path(post, path = "/api/agencies/{code}/aliases", tag = "ghi", params(("code" = String, Path)), request_body = AliasInput, responses((status = 201, description = "{ok: true}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn add_alias(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(code): Path<String>,
    Body(b): Body<AliasInput>,
) -> Response {
    match ops::add_alias(&state, &u, &code, &b.alias).await {
        Ok(()) => (StatusCode::CREATED, Json(serde_json::json!({ "ok": true }))).into_response(),
        Err(r) => refused(r),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1, 2, … (100 rows a page)
    page: Option<usize>,
}

/// Nhật ký: the audit log, newest first (administrators).
#[utoipa::path(get, path = "/api/audit", tag = "đọc", params(PageQuery), responses((status = 200, description = "{items: [{at, actor, action, entity, entity_id, before, after}]}"), (status = 403, body = ApiError)))]
pub async fn audit(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<PageQuery>,
) -> Response {
    if u.role != UserRole::Admin {
        return error(
            StatusCode::FORBIDDEN,
            Notice::Forbidden.code(),
            "chỉ quản trị hệ thống xem nhật ký",
        );
    }
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    match state.audit_page(100, (page - 1) * 100).await {
        Ok(rows) => Json(serde_json::json!({ "page": page, "items": rows.into_iter().map(|r| serde_json::json!({ "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity, "entity_id": r.entity_id, "before": r.before, "after": r.after })).collect::<Vec<_>>() })).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// Only this committee's tasks
    committee: Option<String>,
}

/// Tasks late on a date (the `tiendo report overdue` JSON), those the caller may see; a focal point's own late ones.
#[utoipa::path(get, path = "/api/overdue", tag = "đọc", params(OverdueQuery), responses((status = 200, description = "{as_of, items: [{task_id, number, name, due, late_agencies: [{name, code, days_late}], …}]}"), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn overdue(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<OverdueQuery>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let snap = state.snapshot().await;
    let vis = Visibility::of(&u, &snap);
    let mut r = match state
        .overdue_report(
            &snap.book,
            &snap.agencies,
            as_of,
            q.committee.as_deref(),
            &|t| vis.sees(t),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    if u.role == UserRole::Focal {
        // An agency's focal point sees its own late tasks.
        let own = u
            .user
            .agency_id
            .and_then(|a| snap.agencies.get(&a))
            .map(|a| a.code.clone())
            .unwrap_or_default();
        r.items
            .retain(|i| i.late_agencies.iter().any(|a| a.code == own));
    }
    Json(r).into_response()
}

/// Totals on a date: four-way counts of lead assignments and of tasks.
#[utoipa::path(get, path = "/api/summary", tag = "đọc", params(AsOf), responses((status = 200, description = "{as_of, lead_assignments: {done_on_time, done_late, open_in_time, open_overdue, recurring, conditional}, tasks: {…}, periodic_reports: {due, on_time, late, missing} (the recurring lead assignments' periodic reports due before as_of)}")))]
pub async fn summary(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let snap = state.snapshot().await;
    let mut tasks = tiendo_domain::status::FourWay::default();
    for s in snap.book.task_states(as_of).into_values() {
        tasks.add(s);
    }
    let day = snap.day_counts(as_of);
    Json(serde_json::json!({ "as_of": iso(as_of), "lead_assignments": day.lead_total(), "tasks": tasks, "periodic_reports": day.periodic_total() })).into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// For `results`: a document symbol ("624/TB-VPCP") or an imported appendix's key
    document: Option<String>,
    /// For `commitments`: the day commitments were due (notice 2352/BCA-VPB)
    answer_by: Option<String>,
    /// For `ranking`: the month ranked, YYYY-MM
    month: Option<String>,
}

/// A report as JSON, by its name: `overdue`, `results` (of a `document`), `agencies`, `difficulties`, `commitments`, `indicators`, `ranking` (of a `month`). The same reports as `tiendo report {name}`; Word and Excel: `/bao-cao/tai/{slug}.docx|xlsx`.
#[utoipa::path(get, path = "/api/report/{name}", tag = "đọc", params(("name" = String, Path, description = "overdue, results, agencies, difficulties, commitments, indicators, ranking"), ReportQuery), responses((status = 200, description = "the report"), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(name): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let Some(kind) = ReportKind::from_name(&name) else {
        return not_found();
    };
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let answer_by = match opt_date("answer_by", q.answer_by.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let month = match q.month.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Month::parse(s) {
            Some(m) => Some(m),
            None => return bad("month: tháng không hợp lệ (YYYY-MM)"),
        },
    };
    let request = ReportRequest {
        document: q.document.clone(),
        month,
        answer_by,
        ..ReportRequest::on(as_of)
    };
    let snap = state.snapshot().await;
    let vis = Visibility::of(&u, &snap);
    match state.report(kind, request, &snap, &|t| vis.sees(t)).await {
        Ok(r) => match r.to_json() {
            Ok(v) => Json(v).into_response(),
            Err(e) => failed(e),
        },
        Err(ReportRefused::Failed(e)) => failed(e),
        Err(ReportRefused::NoSuchDocument(_)) => not_found(),
        Err(refused) => bad(&refused.message()),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoreQuery {
    /// YYYY-MM (default: last month)
    month: Option<String>,
}

/// Xếp hạng: each agency's score for a month with its components, rank and change from the previous month, and the formula.
#[utoipa::path(get, path = "/api/score", tag = "đọc", params(ScoreQuery), responses((status = 200, description = "{month, formula_name, formula, rows: [{rank, code, name, head, score, components, points, previous_score, previous_rank, rank_change}]}"), (status = 400, body = ApiError)))]
pub async fn score(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<ScoreQuery>,
) -> Response {
    let month = match q.month.as_deref().filter(|s| !s.is_empty()) {
        None => Month::of(today()).prev(),
        Some(s) => match Month::parse(s) {
            Some(m) => m,
            None => return bad("month: tháng không hợp lệ (YYYY-MM)"),
        },
    };
    match state.score(month).await {
        Ok(r) => Json(&*r).into_response(),
        Err(e) => failed(e),
    }
}

/// Phiên họp: the meetings, their documents and how many tasks they assigned.
#[utoipa::path(get, path = "/api/meetings", tag = "đọc", responses((status = 200, description = "{items: [{id, committee, name, held_on, documents, tasks}]}")))]
pub async fn meetings(State(state): State<AppState>, ApiUser(_u): ApiUser) -> Response {
    let all = match state.meetings().await {
        Ok(m) => m,
        Err(e) => return failed(e),
    };
    let mut items = Vec::new();
    for m in all {
        let n = state
            .tasks_of_meeting(m.id)
            .await
            .map(|t| t.len())
            .unwrap_or(0);
        items.push(serde_json::json!({ "id": m.id, "committee": m.committee, "name": m.name, "held_on": iso(m.held_on), "documents": m.document_labels(), "tasks": n }));
    }
    Json(serde_json::json!({ "items": items })).into_response()
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingInput {
    pub name: String,
    /// YYYY-MM-DD
    pub held_on: String,
    /// Conclusion notice symbols ("624/TB-VPCP") or keys of imported appendices
    #[serde(default)]
    pub documents: Vec<String>,
}

/// The standing agency records a meeting and the documents it issued.
#[utoipa::path(post, path = "/api/meetings", tag = "ghi", request_body = MeetingInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn add_meeting(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Body(b): Body<MeetingInput>,
) -> Response {
    match ops::add_meeting(&state, &u, None, &b.name, &b.held_on, &b.documents).await {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(r) => refused(r),
    }
}

/// 201 with the new row's id, or the refusal.
fn created(r: ops::Outcome<i64>) -> Response {
    match r {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(e) => refused(e),
    }
}

/// 200 with what `body` makes of the outcome, or the refusal.
fn done<T>(r: ops::Outcome<T>, body: impl FnOnce(T) -> serde_json::Value) -> Response {
    match r {
        Ok(v) => Json(body(v)).into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewTaskInput {
    /// Document the task belongs to, by key or symbol ("624/TB-VPCP"); made when new. Empty: "Nhiệm vụ giao trực tiếp"
    #[serde(default)]
    pub document: String,
    /// Its number in the document; empty: the next one
    #[serde(default)]
    pub number: String,
    /// The heading it stands under ("Mục")
    #[serde(default)]
    pub heading: String,
    pub name: String,
    /// As written: "Bộ Tư pháp", "Các bộ, ngành, địa phương"
    pub lead: String,
    #[serde(default)]
    pub coordinators: String,
    #[serde(default)]
    pub expected_result: String,
    /// As written: "30/6/2026", "Quý III/2026", "Thường xuyên"
    pub deadline: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub overseer: String,
    /// true: only read it and say what would be stored
    #[serde(default)]
    pub dry_run: bool,
    /// The pushing system's name ("nq57", "vpcp") with `external_id`: the task is created
    /// once; pushed again under the same pair, its fields are updated instead (200, outcome
    /// "updated" or "unchanged")
    #[serde(default)]
    pub external_system: String,
    /// The task's id in the pushing system
    #[serde(default)]
    pub external_id: String,
}

/// The standing agency creates one task with its "6 rõ" fields, read like a document's row: agencies resolved (groups expanded), the deadline read. With dry_run, nothing is stored.
#[utoipa::path(post, path = "/api/tasks", tag = "ghi", request_body = NewTaskInput, responses((status = 201, description = "{id, task, resolved: [{role, raw, name, note, agencies}], outcome: \"created\"}"), (status = 200, description = "dry_run: {id: null, task, resolved, outcome: \"preview\"}; pushed again under its external id: {id, …, outcome: \"updated\" | \"unchanged\"}"), (status = 422, description = "{error, code, problems: [{field, message}]}"), (status = 403, body = ApiError)))]
pub async fn create_task(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Body(b): Body<NewTaskInput>,
) -> Response {
    let fields = tiendo_domain::new_task::TaskFields {
        number: b.number,
        heading: b.heading,
        name: b.name,
        lead: b.lead,
        coordinators: b.coordinators,
        expected_result: b.expected_result,
        deadline: b.deadline,
        basis: b.basis,
        overseer: b.overseer,
    };
    let external = match (b.external_system.trim(), b.external_id.trim()) {
        ("", "") => None,
        (system, id) => Some(ops::ExternalId { system, id }),
    };
    match ops::create_task(&state, &u, &fields, &b.document, external, !b.dry_run).await {
        Ok(d) => {
            let status = if d.outcome == "created" {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(serde_json::json!(d))).into_response()
        }
        Err(ops::TaskRefused::Fields(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({
                "error": problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "),
                "code": "gia-tri",
                "problems": problems,
            })),
        )
            .into_response(),
        Err(ops::TaskRefused::Whole(r)) => refused(r),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct DirectionInput {
    /// direction ("ý kiến chỉ đạo") or explanation ("yêu cầu giải trình")
    pub kind: String,
    /// Registry code of the agency assigned it is addressed to; empty: every agency assigned
    #[serde(default)]
    pub agency: String,
    pub text: String,
    /// dd/mm/yyyy or yyyy-mm-dd; an explanation without one is due in 7 days
    #[serde(default)]
    pub answer_due: String,
}

/// A leader (or the standing agency) gives a direction on a task or asks an agency for an explanation; it reaches each agency addressed until answered.
#[utoipa::path(post, path = "/api/tasks/{id}/directions", tag = "ghi", params(("id" = i64, Path)), request_body = DirectionInput, responses((status = 201, description = "{ids}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn give_direction(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<DirectionInput>,
) -> Response {
    match ops::give_direction(&state, &u, task, &b.kind, &b.agency, &b.text, &b.answer_due).await {
        Ok(ids) => (StatusCode::CREATED, Json(serde_json::json!({ "ids": ids }))).into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct DirectionAnswerInput {
    pub answer: String,
}

/// The agency addressed answers a direction or request for explanation.
#[utoipa::path(post, path = "/api/directions/{id}/answer", tag = "ghi", params(("id" = i64, Path)), request_body = DirectionAnswerInput, responses((status = 200, description = "{task}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn answer_direction(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<DirectionAnswerInput>,
) -> Response {
    done(
        ops::answer_direction(&state, &u, id, &b.answer).await,
        |task| serde_json::json!({ "task": task }),
    )
}

/// An agency's focal point (or the standing agency) reports progress on an assignment. Evidence files are sent with the web form.
#[utoipa::path(post, path = "/api/tasks/{id}/reports", tag = "ghi", params(("id" = i64, Path)), request_body = ReportInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn add_report(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<ReportInput>,
) -> Response {
    created(ops::report(&state, &u, task, &b, None).await)
}

#[derive(Deserialize, ToSchema)]
pub struct DeadlineRequestInput {
    pub assignment: i64,
    /// As written: "30/9/2026", "Quý III/2026"
    pub deadline: String,
    pub reason: String,
}

/// An agency asks for a new deadline on its assignment; in force once the standing agency approves.
#[utoipa::path(post, path = "/api/tasks/{id}/deadline-requests", tag = "ghi", params(("id" = i64, Path)), request_body = DeadlineRequestInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn request_deadline(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<DeadlineRequestInput>,
) -> Response {
    created(ops::request_deadline(&state, &u, task, b.assignment, &b.deadline, &b.reason).await)
}

#[derive(Deserialize, ToSchema)]
pub struct DifficultyInput {
    pub text: String,
    /// Registry code of the agency that should resolve it (empty: the standing agency)
    #[serde(default)]
    pub handler: String,
}

/// An agency's focal point raises a difficulty on a task of its agency.
#[utoipa::path(post, path = "/api/tasks/{id}/difficulties", tag = "ghi", params(("id" = i64, Path)), request_body = DifficultyInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn raise_difficulty(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<DifficultyInput>,
) -> Response {
    created(ops::raise_difficulty(&state, &u, task, &b.text, &b.handler).await)
}

#[derive(Deserialize, ToSchema)]
pub struct CommitmentInput {
    pub assignment: i64,
    /// YYYY-MM-DD, from today to two years on
    pub committed_on: String,
    pub roadmap: String,
}

/// An agency commits to a completion date and a roadmap for its assignment.
#[utoipa::path(post, path = "/api/tasks/{id}/commitments", tag = "ghi", params(("id" = i64, Path)), request_body = CommitmentInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn commit(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<CommitmentInput>,
) -> Response {
    created(ops::commit(&state, &u, task, b.assignment, &b.committed_on, &b.roadmap).await)
}

#[derive(Deserialize, ToSchema)]
pub struct Decision {
    /// approve or refuse; confirm or return
    pub decision: String,
    /// The reason: required to return a completion or to refuse a deadline request
    #[serde(default)]
    pub note: String,
}

/// The standing agency approves (in force from today) or refuses a deadline request.
#[utoipa::path(post, path = "/api/deadline-requests/{id}/decision", tag = "ghi", params(("id" = i64, Path)), request_body = Decision, responses((status = 200, description = "{task}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn decide_deadline(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<Decision>,
) -> Response {
    let approve = match b.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return bad("decision: approve hoặc refuse"),
    };
    done(
        ops::decide_deadline(&state, &u, id, approve, &b.note).await,
        |task| serde_json::json!({ "task": task }),
    )
}

/// The standing agency confirms a reported completion, or returns it with the reason (it then no longer counts).
#[utoipa::path(post, path = "/api/progress-reports/{id}/review", tag = "ghi", params(("id" = i64, Path)), request_body = Decision, responses((status = 200, description = "{task}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn review_report(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<Decision>,
) -> Response {
    let confirm = match b.decision.as_str() {
        "confirm" => true,
        "return" => false,
        _ => return bad("decision: confirm hoặc return"),
    };
    done(
        ops::review(&state, &u, id, confirm, &b.note).await,
        |task| serde_json::json!({ "task": task }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerInput {
    pub answer: String,
}

/// The standing agency, or the agency a difficulty was forwarded to, answers it.
#[utoipa::path(post, path = "/api/difficulties/{id}/answer", tag = "ghi", params(("id" = i64, Path)), request_body = AnswerInput, responses((status = 200, description = "{task}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn answer_difficulty(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<AnswerInput>,
) -> Response {
    done(
        ops::answer_difficulty(&state, &u, id, &b.answer).await,
        |task| serde_json::json!({ "task": task }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct ForwardInput {
    /// Registry code of the agency that must resolve it
    pub handler: String,
    /// YYYY-MM-DD, from today to a year on
    pub answer_due: String,
}

/// The standing agency forwards a difficulty to the agency that must resolve it, with an answer deadline.
#[utoipa::path(post, path = "/api/difficulties/{id}/forward", tag = "ghi", params(("id" = i64, Path)), request_body = ForwardInput, responses((status = 200, description = "{task}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn forward_difficulty(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<ForwardInput>,
) -> Response {
    done(
        ops::forward_difficulty(&state, &u, id, &b.handler, &b.answer_due).await,
        |task| serde_json::json!({ "task": task }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct AssignInput {
    /// Registry code of the agency (or, with `external_system`, `agency_external_id`)
    #[serde(default)]
    pub agency: String,
    /// lead or coordinator
    pub role: String,
    /// The assignment it replaces (ends today), if any
    #[serde(default)]
    pub replacing: Option<i64>,
    /// Why (required, except when another system assigns under its id)
    #[serde(default)]
    pub reason: String,
    /// The assigning system ("nq57") with `external_id`, its id for the assignment: the same
    /// call again gives back the same assignment (200, outcome "unchanged"); an agency that
    /// already holds the task in that role has its assignment named by the id (200, "linked")
    #[serde(default)]
    pub external_system: String,
    #[serde(default)]
    pub external_id: String,
    /// With `external_system`: the agency by its id in that system instead of `agency`
    #[serde(default)]
    pub agency_external_id: String,
}

/// The standing agency gives the task to an agency from today (a reassignment with `replacing`).
#[utoipa::path(post, path = "/api/tasks/{id}/assignments", tag = "ghi", params(("id" = i64, Path)), request_body = AssignInput, responses((status = 201, description = "{id} (with external_system: {id, outcome: \"created\"})"), (status = 200, description = "with external_system, the id already stored or the agency already assigned: {id, outcome: \"unchanged\" | \"linked\"}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(task): Path<i64>,
    Body(b): Body<AssignInput>,
) -> Response {
    if !b.external_system.trim().is_empty() || !b.external_id.trim().is_empty() {
        if b.replacing.is_some() {
            return bad("replacing: không dùng cùng mã ở hệ thống khác");
        }
        return external::assign_external(&state, &u, task, &b).await;
    }
    created(ops::assign(&state, &u, task, &b.agency, &b.role, b.replacing, &b.reason).await)
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonInput {
    pub reason: String,
}

/// The standing agency ends an assignment from today.
#[utoipa::path(post, path = "/api/tasks/{id}/assignments/{assignment}/end", tag = "ghi", params(("id" = i64, Path), ("assignment" = i64, Path)), request_body = ReasonInput, responses((status = 200, description = "{ok: true}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn end_assignment(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path((task, assignment)): Path<(i64, i64)>,
    Body(b): Body<ReasonInput>,
) -> Response {
    done(
        ops::unassign(&state, &u, task, assignment, &b.reason).await,
        |()| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name, with its extension (.docx, .xlsx, .csv, .txt…)
    file_name: String,
    /// The date the file's status columns describe (default: today)
    reported_on: Option<String>,
    /// true: read and answer the preview, store nothing
    #[serde(default)]
    dry_run: bool,
    /// The key of the appendix across versions (default: the file name without extension)
    document: Option<String>,
    /// The file is this system's export ("nq57"): each task's id there is read from the id
    /// column, and a task already stored under its id is updated instead of made again
    system: Option<String>,
    /// The header of the id column (default: the first of "Mã nhiệm vụ", "Mã số nhiệm vụ",
    /// "Mã NV", "Mã định danh", "Mã", "ID", "Mã số")
    id_column: Option<String>,
}

/// The standing agency sends a file (the request body, as bytes): the preview, or with `dry_run=false` the tasks stored in one transaction (all or nothing).
#[utoipa::path(post, path = "/api/import", tag = "ghi", params(ImportQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses((status = 200, description = "{preview, stored}"), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn import(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Response {
    if !u.is_standing() {
        return error(
            StatusCode::FORBIDDEN,
            Notice::Forbidden.code(),
            "chỉ cơ quan thường trực nhập tệp",
        );
    }
    let reported_on = match date_param("reported_on", q.reported_on.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let name: String = q
        .file_name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.is_empty() || body.is_empty() {
        return bad("cần tên tệp (file_name) và nội dung tệp");
    }
    let system = match q.system.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) if tiendo_domain::text::is_plain_id(s) => Some(s),
        Some(_) => return bad("system: tên hệ thống là văn bản thường, tối đa 100 ký tự"),
    };
    let mut preview = match super::import::read(&state, &name, &body, reported_on).await {
        Ok(p) => p,
        Err(msg) => return bad(&format!("{name}: {msg}")),
    };
    if system.is_some()
        && let Err(msg) = tiendo_domain::import_plan::take_external_ids(
            &mut preview.tasks,
            q.id_column
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty()),
        )
    {
        return bad(&format!("{name}: {msg}"));
    }
    if q.dry_run {
        return Json(serde_json::json!({ "preview": preview, "stored": null })).into_response();
    }
    match super::import::store(
        &state,
        &u,
        &name,
        q.document.as_deref(),
        &preview,
        reported_on,
        system,
    )
    .await
    {
        Ok(s) => Json(serde_json::json!({ "preview": preview, "stored": s })).into_response(),
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            Notice::Failed.code(),
            format!("không lưu được, không có gì được lưu: {e}"),
        ),
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "đọc", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

/// Chỉ tiêu: every indicator on the date — target in force, latest figures (the nation's and each
/// agency's), status and colour (the same JSON as `tiendo report indicators`).
#[utoipa::path(get, path = "/api/indicators", tag = "đọc", params(AsOf), responses((status = 200, description = "{as_of, colour_rule, indicators: [{id, code, name, unit, kind, direction, lead, target, values, status, progress, colour}]}")))]
pub async fn indicators(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let names = match state.agency_names().await {
        Ok(n) => n,
        Err(e) => return failed(e),
    };
    let book = match state.indicator_book().await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    match state.indicators_report(&book, &names, as_of).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => failed(e),
    }
}

/// One indicator: its fields, coverage, targets, every value with its history and review, linked
/// tasks, and each agency's standing on the date.
#[utoipa::path(get, path = "/api/indicators/{id}", tag = "đọc", params(("id" = i64, Path), AsOf), responses((status = 200, description = "{indicator, targets, values, tasks, cells}"), (status = 404, body = ApiError)))]
pub async fn indicator(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let i = match state.indicator(id).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(),
        Err(e) => return failed(e),
    };
    let (targets, values, tasks, coverage) = match (
        state.indicator_targets(id).await,
        state.indicator_values(id, None).await,
        state.indicator_task_ids(id).await,
        state.indicator_coverage(id).await,
    ) {
        (Ok(t), Ok(v), Ok(k), Ok(c)) => (t, v, k, c),
        _ => return failed("indicator"),
    };
    let snap = state.snapshot().await;
    let vis = super::Visibility::of(&u, &snap);
    let book = match state.indicator_book().await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    let mut agencies: Vec<Option<i64>> = vec![None];
    agencies.extend(book.agencies_of(id).into_iter().map(Some));
    let column = book.column(id, as_of);
    let cells: Vec<serde_json::Value> = agencies
        .iter()
        .filter_map(|a| {
            let c = column.as_ref()?.cell(*a);
            Some(serde_json::json!({
                "agency_id": a,
                "value": c.value.map(|o| tiendo_reports::indicators::figure_text(&o)),
                "compared": c.compared,
                "target": c.target.map(|t| t.1),
                "status": c.assessment.status,
                "progress": c.assessment.progress,
                "colour": c.assessment.colour,
                "expected": c.assessment.expected,
            }))
        })
        .collect();
    Json(serde_json::json!({
        "as_of": tiendo_domain::deadline::iso(as_of),
        "indicator": i,
        "coverage": coverage,
        "targets": targets,
        "values": values,
        "tasks": tasks.into_iter().filter(|t| vis.sees(*t)).collect::<Vec<_>>(),
        "cells": cells,
        "colour_rule": tiendo_domain::indicator::COLOUR_RULE,
    }))
    .into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// A kind of agency: bo-nganh, tinh, tap-doan, xa, khac (default: all)
    kind: Option<String>,
}

/// The scorecard: agencies (of a kind) as rows, the indicators reported by agency as columns, each cell's figure, status and colour.
#[utoipa::path(get, path = "/api/scorecard", tag = "đọc", params(ScorecardQuery), responses((status = 200, description = "{as_of, colour_rule, indicators, rows: [{agency_id, agency, kind, cells: [{indicator, text, target, status, colour}], green, assessed}]}"), (status = 400, body = ApiError)))]
pub async fn scorecard(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<ScorecardQuery>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => match tiendo_domain::agency::KindGroup::parse(k) {
            Some(k) => Some(k),
            None => return bad("kind: bo-nganh, tinh, tap-doan, xa hoặc khac"),
        },
    };
    match super::indicators::build_scorecard(&state, kind, as_of).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct IndicatorValueInput {
    /// Registry code of the agency (the standing agency only; a focal point reports its own)
    #[serde(default)]
    pub agency: String,
    /// The day the figure describes, YYYY-MM-DD
    pub as_of: String,
    /// As written: "58/76", "85,3%", "1.250", "12,7 nghìn tỷ đồng", "Đạt"
    pub value: String,
    #[serde(default)]
    pub evidence: String,
}

/// An agency reports its figure of an indicator (a national indicator: its lead); the standing agency any figure.
#[utoipa::path(post, path = "/api/indicators/{id}/values", tag = "ghi", params(("id" = i64, Path)), request_body = IndicatorValueInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn report_indicator_value(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<IndicatorValueInput>,
) -> Response {
    let r = tiendo_service::indicators::ValueReport {
        agency: b.agency,
        as_of: b.as_of,
        value: b.value,
        evidence: b.evidence,
    };
    created(tiendo_service::indicators::report_value(&state, &u, id, &r).await)
}

/// The standing agency confirms a reported figure, or returns it with a reason.
#[utoipa::path(post, path = "/api/indicator-values/{id}/review", tag = "ghi", params(("id" = i64, Path)), request_body = Decision, responses((status = 200, description = "{indicator}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn review_indicator_value(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<Decision>,
) -> Response {
    let confirm = match b.decision.as_str() {
        "confirm" => true,
        "return" => false,
        _ => return bad("decision: confirm hoặc return"),
    };
    done(
        tiendo_service::indicators::review_value(&state, &u, id, confirm, &b.note).await,
        |i| serde_json::json!({ "indicator": i }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct TargetInput {
    /// Registry code of one agency; empty: the nation and every agency without its own
    #[serde(default)]
    pub agency: String,
    /// "2026", "2026-Q2", "2026-H1", "2026-06", or as written ("Quý II/2026")
    pub period: String,
    pub value: String,
}

/// The standing agency sets a target for a period.
#[utoipa::path(post, path = "/api/indicators/{id}/targets", tag = "ghi", params(("id" = i64, Path)), request_body = TargetInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_indicator_target(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<TargetInput>,
) -> Response {
    let t = tiendo_service::indicators::TargetSetting {
        agency: b.agency,
        period: b.period,
        value: b.value,
    };
    done(
        tiendo_service::indicators::set_target(&state, &u, id, &t).await,
        |_| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct LifeInput {
    /// The first day followed ("2025-01-01" or "01/01/2025"); empty or absent: from the start
    #[serde(default)]
    pub valid_from: String,
    /// The last day followed; empty or absent: without end
    #[serde(default)]
    pub valid_to: String,
    /// "higher" or "lower" is better; absent: unchanged
    #[serde(default)]
    pub direction: String,
}

/// The standing agency sets the days an indicator is followed and its direction; figures and
/// targets already recorded must stay within them.
#[utoipa::path(post, path = "/api/indicators/{id}/life", tag = "ghi", params(("id" = i64, Path)), request_body = LifeInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_indicator_life(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<LifeInput>,
) -> Response {
    let l = tiendo_service::indicators::LifeSetting {
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        direction: b.direction,
    };
    done(
        tiendo_service::indicators::set_life(&state, &u, id, &l).await,
        |_| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct LinkInput {
    pub task: i64,
    /// false: unlink
    #[serde(default = "yes")]
    pub link: bool,
}

fn yes() -> bool {
    true
}

/// The standing agency links an indicator to a task (or unlinks them).
#[utoipa::path(post, path = "/api/indicators/{id}/tasks", tag = "ghi", params(("id" = i64, Path)), request_body = LinkInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn link_indicator_task(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<LinkInput>,
) -> Response {
    done(
        tiendo_service::indicators::link_task(&state, &u, id, &b.task.to_string(), b.link).await,
        |_| serde_json::json!({ "ok": true }),
    )
}
