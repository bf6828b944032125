//! Refusals and store errors as HTTP statuses: the one place where they are mapped.

use axum::http::StatusCode;
use tiendo_service::RefusalKind;
use tiendo_store::StoreError;

/// The HTTP status answering a refused action.
pub fn refusal_status(kind: RefusalKind) -> StatusCode {
    match kind {
        RefusalKind::Invalid => StatusCode::BAD_REQUEST,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Failed => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The HTTP status answering an error of the store met outside an action (a read, an import).
pub fn store_status(e: &StoreError) -> StatusCode {
    match e {
        StoreError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        StoreError::NotFound(_) => StatusCode::NOT_FOUND,
        StoreError::NotYours(_) => StatusCode::FORBIDDEN,
        StoreError::Invalid(_)
        | StoreError::UnknownAgency(_)
        | StoreError::AlreadyAssigned(_)
        | StoreError::UnknownDocument(_) => StatusCode::BAD_REQUEST,
    }
}
