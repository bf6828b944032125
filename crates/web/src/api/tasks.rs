//! The tasks: the list and one task as of a date, a focal point's own assignments, a task
//! created or edited, agencies assigned and assignments ended.

use super::{
    ApiError, AsOf, Body, bad, created, date_param, done, failed, not_found, opt_date, refused,
};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tiendo_domain::deadline::iso;
use tiendo_domain::status::AssignmentState;
use tiendo_service::operations::{self as ops};
use tiendo_service::queries::tasks::TaskSearch;
use tiendo_store::edit::TaskEdit;
use utoipa::{IntoParams, ToSchema};

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
    /// Another committee's tasks, by its code (the national view's drill-down: the Government
    /// committee's officers read any province's; default: the caller's own lists)
    committee: Option<String>,
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
        committee: q.committee,
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
    let Ok(Some((t, access))) = state.task_with_access(&u, id).await else {
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
        "document": t.document, "committee": t.committee, "read_only": !access.acts(), "secret": t.secret, "extra": t.extra, "source": t.source,
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
        return super::external::assign_external(&state, &u, task, &b).await;
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
