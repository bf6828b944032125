//! The service's refusals as HTTP statuses: the one place where a `RefusalKind` is mapped; and
//! what a caller is told when the server fails (never the database's own words).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tiendo_service::RefusalKind;

/// The HTTP status answering a refused action.
pub fn refusal_status(kind: RefusalKind) -> StatusCode {
    match kind {
        RefusalKind::Invalid => StatusCode::BAD_REQUEST,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Failed => StatusCode::INTERNAL_SERVER_ERROR,
        RefusalKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// What a failure is called for the caller: a short incident code; the error itself goes to the
/// server's log under the same code, so an operator can find it. The caller never sees it (it may
/// hold SQL, table names or paths).
pub fn incident(e: &dyn std::fmt::Display) -> String {
    let code = tiendo_service::operations::incident_code();
    tracing::error!(incident = %code, error = %e, "request failed");
    format!("Máy chủ không xử lý được yêu cầu (mã sự cố {code}); hãy thử lại sau.")
}

/// A 500 page for a failure, with its incident code.
pub fn internal(e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, incident(&e)).into_response()
}
