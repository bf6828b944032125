//! Entered once: routes for another monitoring system that names our agencies and assignments
//! by its own ids ([`tiendo_service::integration`]). Its tasks are pushed with
//! `POST /api/tasks` (`external_system`, `external_id`) and its exported files imported with
//! `POST /api/import?system=…`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_service::integration as integ;
use tiendo_store::external_ids::AssignedExternal;
use utoipa::ToSchema;

use super::{Body, refused};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use tiendo_service::operations::AgencyInput;

/// Another system pushes one of its agencies under its id: created in the registry the first
/// time (or, when the registry already holds it by `code` or by its exact name, linked to it),
/// updated when pushed again with other values, never made twice.
#[utoipa::path(put, path = "/api/agencies/external/{system}/{external_id}", tag = "ghi", params(("system" = String, Path, description = "The pushing system: nq57, vpcp"), ("external_id" = String, Path, description = "The agency's id there")), request_body = AgencyInput, responses((status = 201, description = "{code, outcome: \"created\"}"), (status = 200, description = "{code, outcome: \"linked\" | \"updated\" | \"unchanged\"}"), (status = 400, body = super::ApiError), (status = 403, body = super::ApiError)))]
pub async fn push_agency(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path((system, external_id)): Path<(String, String)>,
    Body(b): Body<AgencyInput>,
) -> Response {
    match integ::push_agency(&state, &u, &system, &external_id, &b).await {
        Ok(p) => {
            let status = if p.outcome == "created" {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(serde_json::json!(p))).into_response()
        }
        Err(r) => refused(r),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AgencyLinkInput {
    /// The system: nq57, vpcp
    pub system: String,
    /// The agency's id there
    pub external_id: String,
}

/// The standing agency names an agency of the registry with another system's id for it (refused when that id already names another agency).
#[utoipa::path(post, path = "/api/agencies/{code}/external-ids", tag = "ghi", params(("code" = String, Path)), request_body = AgencyLinkInput, responses((status = 201, description = "{outcome: \"linked\"}"), (status = 200, description = "{outcome: \"unchanged\"}"), (status = 400, body = super::ApiError), (status = 403, body = super::ApiError)))]
pub async fn link_agency(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(code): Path<String>,
    Body(b): Body<AgencyLinkInput>,
) -> Response {
    match integ::link_agency(&state, &u, &code, &b.system, &b.external_id).await {
        Ok(l) => {
            let status = if l == tiendo_store::external_ids::Linked::Linked {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(serde_json::json!({ "outcome": l }))).into_response()
        }
        Err(r) => refused(r),
    }
}

/// What another system's id stands for here: `kind` is tasks, assignments or agencies. Answers our id (and the task, the agency's code and the role where they apply), so that the system can use every other route with it.
#[utoipa::path(get, path = "/api/external/{system}/{kind}/{external_id}", tag = "đọc", params(("system" = String, Path), ("kind" = String, Path, description = "tasks, assignments or agencies"), ("external_id" = String, Path)), responses((status = 200, description = "{kind, id, task_id, agency, role}"), (status = 404, body = super::ApiError)))]
pub async fn find_external(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Path((system, kind, external_id)): Path<(String, String, String)>,
) -> Response {
    match integ::find_external(&state, &kind, &system, &external_id).await {
        Ok(r) => Json(serde_json::json!(r)).into_response(),
        Err(r) => refused(r),
    }
}

/// [`super::AssignInput`] with another system's id for the assignment.
pub(super) async fn assign_external(
    state: &AppState,
    u: &crate::auth::CurrentUser,
    task: i64,
    b: &super::tasks::AssignInput,
) -> Response {
    match integ::assign_external(
        state,
        u,
        task,
        &b.agency,
        &b.agency_external_id,
        &b.role,
        &b.reason,
        (&b.external_system, &b.external_id),
    )
    .await
    {
        Ok((id, outcome)) => {
            let status = if outcome == AssignedExternal::Created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                Json(serde_json::json!({ "id": id, "outcome": outcome })),
            )
                .into_response()
        }
        Err(r) => refused(r),
    }
}
