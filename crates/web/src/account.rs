//! The account pages: log-in (argon2 password hashes, throttling of failed log-ins), log-out,
//! and the password change a one-time password leads to.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tiendo_service::accounts::new_token;
use tiendo_service::sessions::{MIN_PASSWORD, PasswordRefused, SESSION_HOURS, SignInRefused};

use crate::AppState;
use crate::auth::{
    ClientAddress, CurrentUser, LOGIN_COOKIE, PageUser, SESSION_COOKIE, constant_eq, cookie,
    set_cookie,
};
use crate::layout::page;

/// Only local paths are followed after log-in (never another site). Browsers drop tabs and line
/// breaks from a URL and read "\\" as "/", so "/\t/evil.example" would lead away: a path with any
/// space, control character or backslash is refused, as is one starting "//".
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            n.to_string()
        }
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
    ClientAddress(address): ClientAddress,
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
    let signed = match state.sign_in(&f.username, &f.password, &address).await {
        Ok(s) => s,
        Err(SignInRefused::Unavailable(e)) => {
            // The database cannot count the attempt: come back, rather than check unthrottled.
            tracing::warn!(error = %e, "log-in: the attempt could not be counted");
            return crate::auth::Unavailable.page();
        }
        Err(SignInRefused::Wait(seconds)) => {
            let msg = format!(
                "Đăng nhập sai nhiều lần; hãy thử lại sau {}.",
                wait_words(seconds)
            );
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, seconds.to_string())],
                login_form(&expected, &next, Some(&msg), &f.username),
            )
                .into_response();
        }
        Err(SignInRefused::Wrong) => {
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
        }
        Err(SignInRefused::Failed(e)) => return crate::errors::internal(e),
    };
    let (user, token) = (signed.user, signed.token);
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
        state.sign_out(s).await;
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
    match state
        .change_password(&u.user, &f.current, &f.new, &f.again)
        .await
    {
        Ok(()) => {}
        Err(PasswordRefused::Failed(e)) => return crate::errors::internal(e),
        Err(refused) => {
            return (
                StatusCode::BAD_REQUEST,
                password_form(&u, refused.message()),
            )
                .into_response();
        }
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

/// "45 giây", "3 phút 20 giây".
fn wait_words(seconds: i64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} giây"),
        (m, 0) => format!("{m} phút"),
        (m, s) => format!("{m} phút {s} giây"),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_log_in() {
        assert_eq!(safe_next(Some("/nhiem-vu?trang=2")), "/nhiem-vu?trang=2");
        for away in [
            "//evil.example/",
            "/\t/evil.example/phish",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "evil.example",
            "/\u{0}/evil.example",
        ] {
            assert_eq!(safe_next(Some(away)), "/", "{away:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
