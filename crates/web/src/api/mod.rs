//! The JSON API behind every page, for other systems (`Authorization: Bearer <token>`, see
//! `tiendo users token`) and for scripts in the browser (the session cookie, with the session's
//! CSRF token in `X-CSRF-Token` for changes). Routes are registered with their OpenAPI
//! description (utoipa-axum), so `/api/openapi.json` cannot drift from what is served.
//!
//! Reading follows the pages' rules (who sees which task); changing data goes through
//! [`tiendo_service::operations`], the same checks as the forms. Errors are `{"error": "…", "code": "…"}`.
//!
//! The handlers by resource: [`tasks`], [`follow_up`] (reports, deadline requests, commitments,
//! directions), [`difficulties`], [`indicators`], [`registry`] (agencies), [`external`] (other
//! systems' ids), [`reports`] (dashboard, overdue, the report registry, ranking, meetings, audit),
//! [`inbox`], [`import`]; this module holds the router, the document and the shared answers.

use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tiendo_domain::deadline::parse_user_date;
use tiendo_service::notices::Notice;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub mod difficulties;
pub mod external;
pub mod follow_up;
pub mod import;
pub mod inbox;
pub mod indicators;
pub mod registry;
pub mod reports;
pub mod tasks;
use super::AppState;
use crate::words::today;
use tiendo_service::operations::{self as ops, Refusal};

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
        .routes(routes!(reports::dashboard))
        .routes(routes!(tasks::tasks, tasks::create_task))
        .routes(routes!(tasks::task, tasks::edit_task))
        .routes(routes!(tasks::my_tasks))
        .routes(routes!(inbox::inbox))
        .routes(routes!(inbox::notifications))
        .routes(routes!(inbox::mark_notification))
        .routes(routes!(difficulties::difficulties))
        .routes(routes!(registry::agencies, registry::add_agency))
        .routes(routes!(registry::edit_agency))
        .routes(routes!(registry::add_alias))
        .routes(routes!(external::push_agency))
        .routes(routes!(external::link_agency))
        .routes(routes!(external::find_external))
        .routes(routes!(reports::audit))
        .routes(routes!(reports::overdue))
        .routes(routes!(reports::summary))
        .routes(routes!(reports::report))
        .routes(routes!(reports::score))
        .routes(routes!(reports::meetings, reports::add_meeting))
        .routes(routes!(follow_up::add_report))
        .routes(routes!(follow_up::request_deadline))
        .routes(routes!(difficulties::raise_difficulty))
        .routes(routes!(follow_up::commit))
        .routes(routes!(follow_up::give_direction))
        .routes(routes!(follow_up::answer_direction))
        .routes(routes!(follow_up::decide_deadline))
        .routes(routes!(follow_up::review_report))
        .routes(routes!(difficulties::answer_difficulty))
        .routes(routes!(difficulties::forward_difficulty))
        .routes(routes!(tasks::assign))
        .routes(routes!(tasks::end_assignment))
        .routes(routes!(import::import).layer(DefaultBodyLimit::max(
            tiendo_office::MAX_FILE_BYTES as usize + 64 * 1024,
        )))
        .routes(routes!(indicators::indicators))
        .routes(routes!(indicators::indicator))
        .routes(routes!(indicators::scorecard))
        .routes(routes!(indicators::report_indicator_value))
        .routes(routes!(indicators::review_indicator_value))
        .routes(routes!(indicators::set_indicator_target))
        .routes(routes!(indicators::set_indicator_life))
        .routes(routes!(indicators::link_indicator_task))
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

/// A month parameter (`YYYY-MM`), when given; the error is the message for a 400.
fn opt_month(v: Option<&str>) -> Result<Option<tiendo_domain::scoring::Month>, String> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => tiendo_domain::scoring::Month::parse(s)
            .map(Some)
            .ok_or_else(|| "month: tháng không hợp lệ (YYYY-MM)".to_string()),
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct Decision {
    /// approve or refuse; confirm or return
    pub decision: String,
    /// The reason: required to return a completion or to refuse a deadline request
    #[serde(default)]
    pub note: String,
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "đọc", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}
