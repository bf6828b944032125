//! The JSON API (session cookie or `Authorization: Bearer <token>`), documented at
//! `/api/openapi.json`.

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tiendo_domain::deadline::{iso, parse_user_date};
use tiendo_store::facts::overdue_report_of;
use utoipa::OpenApi;

use super::AppState;
use super::auth::ApiUser;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiến Độ API",
        description = "Nhiệm vụ, phân công, tình trạng theo ngày của Ban Chỉ đạo."
    ),
    paths(overdue, summary, openapi_json)
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/overdue", get(overdue))
        .route("/api/summary", get(summary))
        .route("/api/openapi.json", get(openapi_json))
}

fn bad(msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": msg })),
    )
        .into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AsOfQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// Only this committee's tasks
    committee: Option<String>,
}

/// Tasks late on a date (the `tiendo report overdue` JSON).
#[utoipa::path(get, path = "/api/overdue", params(AsOfQuery), responses((status = 200, description = "{as_of, items: [{task_id, number, name, due, late_agencies: [{name, code, days_late}], …}]}"), (status = 400, description = "bad date"), (status = 401, description = "not signed in")))]
pub async fn overdue(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AsOfQuery>,
) -> Response {
    let as_of = match q.as_of.as_deref() {
        Some(s) => match parse_user_date(s) {
            Some(d) => d,
            None => return bad("as_of: ngày không hợp lệ (YYYY-MM-DD)"),
        },
        None => time::OffsetDateTime::now_utc().date(),
    };
    let snap = state.snapshot().await;
    let Ok(tasks) = state.db.task_infos().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut r = overdue_report_of(
        &snap.book,
        &tasks,
        &snap.agencies,
        as_of,
        q.committee.as_deref(),
    );
    if u.user.role == "focal" {
        // An agency's focal point sees its own late tasks.
        let own = u
            .user
            .agency_id
            .and_then(|a| snap.agencies.get(&a))
            .map(|a| a.0.clone())
            .unwrap_or_default();
        r.items
            .retain(|i| i.late_agencies.iter().any(|a| a.code == own));
    }
    Json(r).into_response()
}

/// Totals on a date: four-way counts of lead assignments.
#[utoipa::path(get, path = "/api/summary", params(AsOfQuery), responses((status = 200, description = "{as_of, lead_assignments: {done_on_time, done_late, open_in_time, open_overdue, recurring, conditional}}")))]
pub async fn summary(
    State(state): State<AppState>,
    ApiUser(_u): ApiUser,
    Query(q): Query<AsOfQuery>,
) -> Response {
    let Some(as_of) = q
        .as_of
        .as_deref()
        .map(parse_user_date)
        .unwrap_or(Some(time::OffsetDateTime::now_utc().date()))
    else {
        return bad("as_of: ngày không hợp lệ (YYYY-MM-DD)");
    };
    let snap = state.snapshot().await;
    Json(serde_json::json!({ "as_of": iso(as_of), "lead_assignments": snap.book.totals(as_of) }))
        .into_response()
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
