//! The service's refusals as HTTP statuses: the one place where a `RefusalKind` is mapped.

use axum::http::StatusCode;
use tiendo_service::RefusalKind;

/// The HTTP status answering a refused action.
pub fn refusal_status(kind: RefusalKind) -> StatusCode {
    match kind {
        RefusalKind::Invalid => StatusCode::BAD_REQUEST,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Failed => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
