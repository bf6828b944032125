//! Indicators: the list, one with its figures and targets, the scorecard; figures reported
//! and reviewed, targets, the period followed, links to tasks.

use super::{ApiError, AsOf, Body, Decision, bad, created, date_param, done, failed, not_found};
use crate::AppState;
use crate::auth::{ApiUser, ApiWriter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Chỉ tiêu: every indicator on the date — target in force, latest figures (the nation's and each
/// agency's), status and colour (the same JSON as `tiendo report indicators`).
#[utoipa::path(get, path = "/api/indicators", tag = "đọc", params(AsOf), responses((status = 200, description = "{as_of, colour_rule, indicators: [{id, code, name, unit, kind, direction, lead, target, values, status, progress, colour}]}")))]
pub async fn indicators(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let snap = state.snapshot().await;
    match state
        .report_for(
            &u,
            tiendo_reports::kinds::ReportKind::Indicators,
            tiendo_service::queries::reports::ReportRequest::on(as_of),
            &snap,
        )
        .await
    {
        Ok(r) => Json(r).into_response(),
        Err(tiendo_service::queries::reports::ReportRefused::Failed(e)) => failed(e),
        Err(refused) => bad(&refused.message()),
    }
}

/// One indicator: its fields, coverage, targets, every value with its history and review, linked
/// tasks, and each agency's standing on the date.
#[utoipa::path(get, path = "/api/indicators/{id}", tag = "đọc", params(("id" = i64, Path), AsOf), responses((status = 200, description = "{indicator, targets, values, tasks, cells}"), (status = 404, body = ApiError)))]
pub async fn indicator(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AsOf>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let i = match state.indicator(&u, id).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(),
        Err(e) => return failed(e),
    };
    let (targets, values, tasks, coverage) = match (
        state.indicator_targets(id).await,
        state.indicator_values(id, None).await,
        state.indicator_task_ids(id).await,
        state.indicator_coverage(id).await,
    ) {
        (Ok(t), Ok(v), Ok(k), Ok(c)) => (t, v, k, c),
        _ => return failed("indicator"),
    };
    let snap = state.snapshot().await;
    let vis = crate::Visibility::of(&u, &snap);
    let book = match state.indicator_book().await {
        Ok(b) => b,
        Err(e) => return failed(e),
    };
    let mut agencies: Vec<Option<i64>> = vec![None];
    agencies.extend(book.agencies_of(id).into_iter().map(Some));
    let column = book.column(id, as_of);
    let cells: Vec<serde_json::Value> = agencies
        .iter()
        .filter_map(|a| {
            let c = column.as_ref()?.cell(*a);
            Some(serde_json::json!({
                "agency_id": a,
                "value": c.value.map(|o| tiendo_reports::indicators::figure_text(&o)),
                "compared": c.compared,
                "target": c.target.map(|t| t.1),
                "status": c.assessment.status,
                "progress": c.assessment.progress,
                "colour": c.assessment.colour,
                "expected": c.assessment.expected,
            }))
        })
        .collect();
    Json(serde_json::json!({
        "as_of": tiendo_domain::deadline::iso(as_of),
        "indicator": i,
        "coverage": coverage,
        "targets": targets,
        "values": values,
        "tasks": tasks.into_iter().filter(|t| vis.sees(*t)).collect::<Vec<_>>(),
        "cells": cells,
        "colour_rule": tiendo_domain::indicator::COLOUR_RULE,
    }))
    .into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// YYYY-MM-DD (default: today)
    as_of: Option<String>,
    /// A kind of agency: bo-nganh, tinh, tap-doan, xa, khac (default: all)
    kind: Option<String>,
}

/// The scorecard: agencies (of a kind) as rows, the indicators reported by agency as columns, each cell's figure, status and colour.
#[utoipa::path(get, path = "/api/scorecard", tag = "đọc", params(ScorecardQuery), responses((status = 200, description = "{as_of, colour_rule, indicators, rows: [{agency_id, agency, kind, cells: [{indicator, text, target, status, colour}], green, assessed}]}"), (status = 400, body = ApiError)))]
pub async fn scorecard(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<ScorecardQuery>,
) -> Response {
    let as_of = match date_param("as_of", q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return bad(&m),
    };
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => match tiendo_domain::agency::KindGroup::parse(k) {
            Some(k) => Some(k),
            None => return bad("kind: bo-nganh, tinh, tap-doan, xa hoặc khac"),
        },
    };
    match crate::indicators::build_scorecard(&state, &u, kind, as_of).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => failed(e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct IndicatorValueInput {
    /// Registry code of the agency (the standing agency only; a focal point reports its own)
    #[serde(default)]
    pub agency: String,
    /// The day the figure describes, YYYY-MM-DD
    pub as_of: String,
    /// As written: "58/76", "85,3%", "1.250", "12,7 nghìn tỷ đồng", "Đạt"
    pub value: String,
    #[serde(default)]
    pub evidence: String,
}

/// An agency reports its figure of an indicator (a national indicator: its lead); the standing agency any figure.
#[utoipa::path(post, path = "/api/indicators/{id}/values", tag = "ghi", params(("id" = i64, Path)), request_body = IndicatorValueInput, responses((status = 201, description = "{id}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn report_indicator_value(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<IndicatorValueInput>,
) -> Response {
    let r = tiendo_service::indicators::ValueReport {
        agency: b.agency,
        as_of: b.as_of,
        value: b.value,
        evidence: b.evidence,
    };
    created(tiendo_service::indicators::report_value(&state, &u, id, &r).await)
}

/// The standing agency confirms a reported figure, or returns it with a reason.
#[utoipa::path(post, path = "/api/indicator-values/{id}/review", tag = "ghi", params(("id" = i64, Path)), request_body = Decision, responses((status = 200, description = "{indicator}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn review_indicator_value(
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
        tiendo_service::indicators::review_value(&state, &u, id, confirm, &b.note).await,
        |i| serde_json::json!({ "indicator": i }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct TargetInput {
    /// Registry code of one agency; empty: the nation and every agency without its own
    #[serde(default)]
    pub agency: String,
    /// "2026", "2026-Q2", "2026-H1", "2026-06", or as written ("Quý II/2026")
    pub period: String,
    pub value: String,
}

/// The standing agency sets a target for a period.
#[utoipa::path(post, path = "/api/indicators/{id}/targets", tag = "ghi", params(("id" = i64, Path)), request_body = TargetInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_indicator_target(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<TargetInput>,
) -> Response {
    let t = tiendo_service::indicators::TargetSetting {
        agency: b.agency,
        period: b.period,
        value: b.value,
    };
    done(
        tiendo_service::indicators::set_target(&state, &u, id, &t).await,
        |_| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct LifeInput {
    /// The first day followed ("2025-01-01" or "01/01/2025"); empty or absent: from the start
    #[serde(default)]
    pub valid_from: String,
    /// The last day followed; empty or absent: without end
    #[serde(default)]
    pub valid_to: String,
    /// "higher" or "lower" is better; absent: unchanged
    #[serde(default)]
    pub direction: String,
}

/// The standing agency sets the days an indicator is followed and its direction; figures and
/// targets already recorded must stay within them.
#[utoipa::path(post, path = "/api/indicators/{id}/life", tag = "ghi", params(("id" = i64, Path)), request_body = LifeInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_indicator_life(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<LifeInput>,
) -> Response {
    let l = tiendo_service::indicators::LifeSetting {
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        direction: b.direction,
    };
    done(
        tiendo_service::indicators::set_life(&state, &u, id, &l).await,
        |_| serde_json::json!({ "ok": true }),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct LinkInput {
    pub task: i64,
    /// false: unlink
    #[serde(default = "yes")]
    pub link: bool,
}

fn yes() -> bool {
    true
}

/// The standing agency links an indicator to a task (or unlinks them).
#[utoipa::path(post, path = "/api/indicators/{id}/tasks", tag = "ghi", params(("id" = i64, Path)), request_body = LinkInput, responses((status = 200, description = "{ok}"), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn link_indicator_task(
    State(state): State<AppState>,
    ApiWriter(u): ApiWriter,
    Path(id): Path<i64>,
    Body(b): Body<LinkInput>,
) -> Response {
    done(
        tiendo_service::indicators::link_task(&state, &u, id, &b.task.to_string(), b.link).await,
        |_| serde_json::json!({ "ok": true }),
    )
}
