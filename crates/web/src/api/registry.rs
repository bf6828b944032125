//! The agency registry: agencies with their heads and other systems' ids, added or edited, other
//! names.

use super::{ApiError, Body, done, failed, refused};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiendo_domain::deadline::iso;
use tiendo_service::operations::{self as ops, AgencyInput};
use utoipa::{IntoParams, ToSchema};

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
    ApiUser(u): ApiUser,
    Query(q): Query<AgenciesQuery>,
) -> Response {
    let (reg, heads, external) = match (
        state.registry_of(&u).await,
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
        .filter(|a| crate::registry::matches(a, &key))
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
