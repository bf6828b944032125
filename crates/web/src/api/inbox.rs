//! A user's inbox and notifications.

use super::{ApiError, AsOf, Body, bad, date_param, failed, not_found};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_domain::deadline::iso;
use utoipa::ToSchema;

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
    match crate::inbox::items_of(&state, &u.user, as_of).await {
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
