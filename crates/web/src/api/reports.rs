//! The committee's figures: the dashboard, the overdue list and totals, the reports of the
//! registry ([`ReportKind`]), the ranking, the meetings and the audit log.

use super::{
    ApiError, AsOf, Body, bad, date_param, error, failed, not_found, opt_date, opt_month, refused,
};
use crate::auth::{ApiUser, ApiWriter};
use crate::words::today;
use crate::{AppState, Visibility};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::iso;
use tiendo_domain::scoring::Month;
use tiendo_reports::kinds::ReportKind;
use tiendo_service::notices::Notice;
use tiendo_service::operations::{self as ops};
use tiendo_service::queries::reports::{ReportRefused, ReportRequest};
use utoipa::{IntoParams, ToSchema};

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
    match state.audit_page(&u, 100, (page - 1) * 100).await {
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
            // One committee asked for: its tasks the caller may read (the national view).
            &|t| {
                if q.committee.is_some() {
                    vis.reads(t)
                } else {
                    vis.sees(t)
                }
            },
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
    ApiUser(u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let snap = state.snapshot().await;
    let counted = snap.counted_for(u.committee_id);
    let mut tasks = tiendo_domain::status::FourWay::default();
    for (task, s) in snap.book.task_states(as_of) {
        if counted(task) {
            tasks.add(s);
        }
    }
    // The committee's lists, as its dashboard counts them.
    let day = snap.day_counts(as_of, Some(u.committee_id));
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

/// A report as JSON, by its name: `overdue`, `results` (of a `document`), `agencies`, `difficulties`, `commitments`, `indicators`, `ranking` (of a `month`), `committees` (every committee's standing; a province's officers read their own). The same reports as `tiendo report {name}`; Word and Excel: `/bao-cao/tai/{slug}.docx|xlsx`.
#[utoipa::path(get, path = "/api/report/{name}", tag = "đọc", params(("name" = String, Path, description = "overdue, results, agencies, difficulties, commitments, indicators, ranking, committees"), ReportQuery), responses((status = 200, description = "the report"), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
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
    let month = match opt_month(q.month.as_deref()) {
        Ok(m) => m,
        Err(m) => return bad(&m),
    };
    let request = ReportRequest {
        document: q.document.clone(),
        month,
        answer_by,
        ..ReportRequest::on(as_of)
    };
    let snap = state.snapshot().await;
    match state.report_for(&u, kind, request, &snap).await {
        Ok(r) => Json(r).into_response(),
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
    let month = match opt_month(q.month.as_deref()) {
        Ok(m) => m.unwrap_or_else(|| Month::of(today()).prev()),
        Err(m) => return bad(&m),
    };
    match state.score(month).await {
        Ok(r) => Json(&*r).into_response(),
        Err(e) => failed(e),
    }
}

/// Phiên họp: the meetings, their documents and how many tasks they assigned.
#[utoipa::path(get, path = "/api/meetings", tag = "đọc", responses((status = 200, description = "{items: [{id, committee, name, held_on, documents, tasks}]}")))]
pub async fn meetings(State(state): State<AppState>, ApiUser(u): ApiUser) -> Response {
    let all = match state.meetings(&u).await {
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
