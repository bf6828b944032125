//! Who is asking: server-side sessions in HttpOnly cookies, CSRF tokens on every form, API
//! tokens; the extractors that give a handler its user (or send a visitor to the log-in page).
//! The log-in, log-out and password pages are the `account` module's.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tiendo_store::users::User;

use crate::AppState;

pub(crate) const SESSION_COOKIE: &str = "tiendo_session";
pub(crate) const LOGIN_COOKIE: &str = "tiendo_login";

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub(crate) fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if state.secure_cookies { "; Secure" } else { "" }
    )
}

/// The signed-in user of a request (session cookie, or an API token in `Authorization: Bearer`).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    pub(crate) session: Option<String>,
    /// Unread reminders, for the bell (0 for an API token).
    pub unread: i64,
}

impl CurrentUser {
    pub fn check_csrf(&self, token: &str) -> bool {
        !self.csrf.is_empty() && constant_eq(self.csrf.as_bytes(), token.as_bytes())
    }
}

/// A signed-in user is first of all a user: its role, agency and rules ([`User`]).
impl std::ops::Deref for CurrentUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

pub(crate) fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The database could not be asked who is calling (no connection freed in time, or it is down).
/// The caller is told to come back (503 with Retry-After), never that its session or token is
/// bad: a client told 401 would not retry.
pub(crate) struct Unavailable;

impl Unavailable {
    const RETRY_AFTER_SECONDS: &'static str = "5";
    const MESSAGE: &'static str = "Máy chủ đang bận; hãy thử lại sau ít giây.";

    pub(crate) fn page(self) -> Response {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, Self::RETRY_AFTER_SECONDS)],
            Self::MESSAGE,
        )
            .into_response()
    }

    pub(crate) fn json(self) -> Response {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, Self::RETRY_AFTER_SECONDS)],
            axum::Json(serde_json::json!({ "error": Self::MESSAGE, "code": "ban" })),
        )
            .into_response()
    }
}

/// Who is calling: a live session's user, an API token's user, or nobody.
pub(crate) async fn current_user(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<CurrentUser>, Unavailable> {
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        let found = state.session(&token).await.map_err(|e| {
            tracing::warn!(error = %e, "session: the database does not answer");
            Unavailable
        })?;
        if let Some((tiendo_store::users::LiveSession { user, csrf, unread }, h)) = found {
            return Ok(Some(CurrentUser {
                user,
                csrf,
                session: Some(h),
                unread,
            }));
        }
    }
    let Some(bearer) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string())
    else {
        return Ok(None);
    };
    let user = state.token_user(&bearer).await.map_err(|e| {
        tracing::warn!(error = %e, "API token: the database does not answer");
        Unavailable
    })?;
    Ok(user.map(|user| CurrentUser {
        user,
        csrf: String::new(),
        session: None,
        unread: 0,
    }))
}

/// A page's user: anonymous visitors are sent to the log-in page.
pub struct PageUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let found = current_user(parts, state)
            .await
            .map_err(Unavailable::page)?;
        match found {
            // A one-time password leads to the password page first (log-out still works).
            Some(u)
                if u.user.must_change_password
                    && !["/tai-khoan/mat-khau", "/dang-xuat"].contains(&parts.uri.path()) =>
            {
                Err(Redirect::to("/tai-khoan/mat-khau").into_response())
            }
            Some(u) => Ok(PageUser(u)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let next: String = next.chars().filter(|c| c.is_ascii_graphic()).collect();
                Err(Redirect::to(&format!(
                    "/dang-nhap?next={}",
                    crate::words::percent_encode(&next, b"-_.~/")
                ))
                .into_response())
            }
        }
    }
}

/// An API caller: 401 without a session or token.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let found = current_user(parts, state)
            .await
            .map_err(Unavailable::json)?;
        match found {
            Some(u) => Ok(ApiUser(u)),
            None => Err((
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({ "error": "cần đăng nhập hoặc mã truy cập API" })),
            )
                .into_response()),
        }
    }
}

/// An API caller allowed to change data: an API token, or a session sending its CSRF token in the
/// `X-CSRF-Token` header (a form on another site cannot set it).
pub struct ApiWriter(pub CurrentUser);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let refuse = |status: StatusCode, msg: &str| {
            (status, axum::Json(serde_json::json!({ "error": msg }))).into_response()
        };
        let found = current_user(parts, state)
            .await
            .map_err(Unavailable::json)?;
        let Some(u) = found else {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "cần đăng nhập hoặc mã truy cập API",
            ));
        };
        if u.session.is_some() {
            let token = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !u.check_csrf(token) {
                return Err(refuse(
                    StatusCode::FORBIDDEN,
                    "thiếu hoặc sai tiêu đề X-CSRF-Token của phiên",
                ));
            }
            if u.user.must_change_password {
                return Err(refuse(
                    StatusCode::FORBIDDEN,
                    "cần đổi mật khẩu dùng một lần trước",
                ));
            }
        }
        Ok(ApiWriter(u))
    }
}

/// Where a request comes from, for counting failed log-ins: the connection's address, or, when
/// that is a proxy on this machine (nginx in front, deploy/nginx-site.conf), the last address
/// the proxy put in `X-Forwarded-For`. A client cannot pass for another by sending the header
/// itself: only a loopback peer is believed.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = crate::server::peer(parts);
        let forwarded = || {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .next_back()
                .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
                .map(str::to_string)
        };
        let address = match peer {
            Some(p) if p.ip().is_loopback() => forwarded().unwrap_or_else(|| p.ip().to_string()),
            Some(p) => p.ip().to_string(),
            // Served in-process (the tests' router): no connection to go by.
            None => forwarded().unwrap_or_default(),
        };
        Ok(ClientAddress(address))
    }
}
