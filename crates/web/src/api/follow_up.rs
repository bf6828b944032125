//! An agency's follow-up of its task (progress reports, deadline requests, commitments) and
//! the decisions on them; leaders' directions and the agencies' answers.

use super::{ApiError, Body, Decision, bad, created, done, refused};
use crate::AppState;
use crate::auth::ApiWriter;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_service::operations::{self as ops, ReportInput};
use utoipa::ToSchema;

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
