//! A document imported through the API (the same preview and all-or-nothing store as the
//! import page).

use super::{ApiError, bad, date_param, error};
use crate::AppState;
use crate::auth::ApiWriter;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_service::notices::Notice;
use utoipa::IntoParams;

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
    let mut preview = match crate::import::read(&state, &name, &body, reported_on).await {
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
    match crate::import::store(
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
