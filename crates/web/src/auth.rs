//! Accounts: log-in with argon2 password hashes, server-side sessions in HttpOnly cookies, CSRF
//! tokens on every form, throttling of failed log-ins, log-out, password change, API tokens.

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tiendo_store::users::User;

use tiendo_service::accounts::{hash_password, new_token, sha256_hex, verify_password};

use crate::AppState;
use crate::layout::page;

const SESSION_COOKIE: &str = "tiendo_session";
const LOGIN_COOKIE: &str = "tiendo_login";
const SESSION_HOURS: i64 = 12;
/// Failed log-ins allowed per user name within [`THROTTLE_MINUTES`].
const MAX_FAILURES: i64 = 5;
const THROTTLE_MINUTES: i64 = 15;
const MIN_PASSWORD: usize = 10;

fn now_plus(hours: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::hours(hours);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
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
    session: Option<String>,
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

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn current_user(parts: &Parts, state: &AppState) -> Option<CurrentUser> {
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        let h = sha256_hex(&token);
        if let Ok(Some((user, csrf))) = state.db.session_user(&h).await {
            return Some(CurrentUser {
                user,
                csrf,
                session: Some(h),
            });
        }
    }
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim()
        .to_string();
    let user = state.db.api_token_user(&sha256_hex(&bearer)).await.ok()??;
    Some(CurrentUser {
        user,
        csrf: String::new(),
        session: None,
    })
}

/// A page's user: anonymous visitors are sent to the log-in page.
pub struct PageUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match current_user(parts, state).await {
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
                Err(Redirect::to(&format!("/dang-nhap?next={}", urlencode(&next))).into_response())
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
        match current_user(parts, state).await {
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
        let Some(u) = current_user(parts, state).await else {
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Only local paths are followed after log-in (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_form(csrf: &str, next: &str, error: Option<&str>, username: &str) -> maud::Markup {
    page(
        "Đăng nhập",
        None,
        html! {
            form.login method="post" action="/dang-nhap" {
                h1 { "Đăng nhập" }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                label for="username" { "Tên đăng nhập" }
                input id="username" name="username" autocomplete="username" required value=(username) autofocus;
                label for="password" { "Mật khẩu" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                p { button.primary type="submit" { "Đăng nhập" } }
            }
        },
    )
}

pub async fn login_page(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    let Ok(csrf) = new_token() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let next = safe_next(q.next.as_deref());
    (
        [(
            header::SET_COOKIE,
            set_cookie(&state, LOGIN_COOKIE, &csrf, 3600),
        )],
        login_form(&csrf, &next, None, ""),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_eq(expected.as_bytes(), f.csrf.as_bytes()) {
        return (
            StatusCode::FORBIDDEN,
            login_form(
                &expected,
                &next,
                Some("Phiên đăng nhập đã hết hạn, hãy thử lại."),
                &f.username,
            ),
        )
            .into_response();
    }
    let since = {
        let t = time::OffsetDateTime::now_utc() - time::Duration::minutes(THROTTLE_MINUTES);
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let failures = state
        .db
        .login_failures_since(&f.username, &since)
        .await
        .unwrap_or(MAX_FAILURES);
    if failures >= MAX_FAILURES {
        let msg = format!(
            "Đăng nhập sai quá {MAX_FAILURES} lần; hãy thử lại sau {THROTTLE_MINUTES} phút."
        );
        return (
            StatusCode::TOO_MANY_REQUESTS,
            login_form(&expected, &next, Some(&msg), &f.username),
        )
            .into_response();
    }
    let user = state.db.user_by_username(&f.username).await.ok().flatten();
    let ok = match &user {
        Some(u) => verify_password(f.password.clone(), u.password_hash.clone()).await,
        None => {
            // Same work whether or not the name exists.
            let _ = hash_password(f.password.clone()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        let _ = state.db.record_login_failure(&f.username).await;
        return (
            StatusCode::UNAUTHORIZED,
            login_form(
                &expected,
                &next,
                Some("Tên đăng nhập hoặc mật khẩu không đúng."),
                &f.username,
            ),
        )
            .into_response();
    };
    let _ = state.db.clear_login_failures(&f.username).await;
    let (Ok(token), Ok(csrf)) = (new_token(), new_token()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if state
        .db
        .create_session(
            &sha256_hex(&token),
            user.id,
            &csrf,
            &now_plus(SESSION_HOURS),
        )
        .await
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let target = if user.must_change_password {
        "/tai-khoan/mat-khau".to_string()
    } else {
        next
    };
    let mut resp = Redirect::to(&target).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = set_cookie(&state, SESSION_COOKIE, &token, SESSION_HOURS * 3600).parse() {
        h.append(header::SET_COOKIE, v);
    }
    if let Ok(v) = set_cookie(&state, LOGIN_COOKIE, "", 0).parse() {
        h.append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return (StatusCode::FORBIDDEN, "Yêu cầu không hợp lệ (CSRF)").into_response();
    }
    if let Some(s) = &u.session {
        let _ = state.db.delete_session(s).await;
    }
    (
        [(
            header::SET_COOKIE,
            set_cookie(&state, SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/dang-nhap"),
    )
        .into_response()
}

fn password_form(u: &CurrentUser, error: Option<&str>) -> maud::Markup {
    page(
        "Đổi mật khẩu",
        Some(u),
        html! {
            form.login method="post" action="/tai-khoan/mat-khau" {
                h1 { "Đổi mật khẩu" }
                @if u.user.must_change_password { p { "Đây là lần đăng nhập đầu tiên: hãy đặt mật khẩu của riêng bạn." } }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                input type="hidden" name="csrf" value=(u.csrf);
                label for="current" { "Mật khẩu hiện tại" }
                input id="current" name="current" type="password" autocomplete="current-password" required;
                label for="new" { "Mật khẩu mới (ít nhất " (MIN_PASSWORD) " ký tự)" }
                input id="new" name="new" type="password" autocomplete="new-password" required minlength=(MIN_PASSWORD);
                label for="again" { "Nhập lại mật khẩu mới" }
                input id="again" name="again" type="password" autocomplete="new-password" required;
                p { button.primary type="submit" { "Lưu" } }
            }
        },
    )
}

pub async fn password_page(PageUser(u): PageUser) -> maud::Markup {
    password_form(&u, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            password_form(&u, Some("Yêu cầu không hợp lệ, hãy tải lại trang.")),
        )
            .into_response();
    }
    if !verify_password(f.current.clone(), u.user.password_hash.clone()).await {
        return (
            StatusCode::BAD_REQUEST,
            password_form(&u, Some("Mật khẩu hiện tại không đúng.")),
        )
            .into_response();
    }
    if f.new.chars().count() < MIN_PASSWORD || f.new.chars().count() > 200 {
        return (
            StatusCode::BAD_REQUEST,
            password_form(&u, Some("Mật khẩu mới phải có từ 10 đến 200 ký tự.")),
        )
            .into_response();
    }
    if f.new != f.again {
        return (
            StatusCode::BAD_REQUEST,
            password_form(&u, Some("Hai lần nhập mật khẩu mới không khớp.")),
        )
            .into_response();
    }
    let Ok(hash) = hash_password(f.new.clone()).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if state
        .db
        .set_password(u.user.id, &hash, &u.user.username)
        .await
        .is_err()
    {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    // Every session of the account ended with the change: sign in again.
    (
        [(
            header::SET_COOKIE,
            set_cookie(&state, SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/dang-nhap"),
    )
        .into_response()
}
