//! Difficulties: the register, one raised, answered or forwarded.

use super::{ApiError, Body, created, done, failed};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_service::operations::{self as ops};
use utoipa::{IntoParams, ToSchema};

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
    let rq = crate::difficulties::RegisterQuery {
        tb: None,
        nen: q.raised_by,
        xu_ly: q.handled_by,
        tinh_trang: q.state,
    };
    match crate::difficulties::filtered(&state, &u, &rq).await {
        Ok(items) => Json(serde_json::json!({ "items": items })).into_response(),
        Err(e) => failed(e),
    }
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
