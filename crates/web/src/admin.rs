//! Quản lý tài khoản: the administrators' pages for accounts and API tokens — list, create,
//! disable and enable, reset a password to a one-time password, change role and agency, create
//! a token (with an end, if wanted) and revoke one. Each change goes through the store's audited
//! functions (the same the command line's `tiendo users` uses); a password or token is shown
//! once, on the page that answers its form. An administrator cannot lock themself out.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_service::accounts::NewAccount as AccountToAdd;
use tiendo_store::StoreError;
use tiendo_store::users::{AccountRow, TokenRow};

use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::layout::{forbidden_page, page};

const LIST: &str = "/quan-tri/tai-khoan";

fn account_path(username: &str) -> String {
    format!("{LIST}/{}", crate::words::enc(username))
}

fn admin_only(u: &CurrentUser) -> Option<Response> {
    (u.role != UserRole::Admin)
        .then(|| forbidden_page(u, "Chỉ quản trị hệ thống quản lý tài khoản."))
}

/// What a form's answer says, by the `tb` code of the redirect.
fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "khoa" => "Đã khóa tài khoản; các phiên đăng nhập và mã truy cập của nó ngừng hoạt động.",
        "mo-khoa" => "Đã mở lại tài khoản.",
        "vai-tro" => "Đã đổi vai trò; các phiên đăng nhập của tài khoản đã kết thúc.",
        "thu-hoi" => "Đã thu hồi mã truy cập.",
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    tb: String,
}

fn token_state(t: &TokenRow, now: &str) -> String {
    if let Some(r) = &t.revoked_at {
        return format!("Đã thu hồi {}", crate::words::timestamp_vn(r));
    }
    match &t.expires_at {
        Some(e) if e.as_str() <= now => format!("Hết hạn {}", crate::words::timestamp_vn(e)),
        Some(e) => format!("Còn hiệu lực đến {}", crate::words::timestamp_vn(e)),
        None => "Còn hiệu lực (không thời hạn)".to_string(),
    }
}

/// `GET /quan-tri/tai-khoan`: every account, and the form to create one.
pub async fn list(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(n): Query<Notice>,
) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    let (rows, tokens) = match state.accounts(&u).await {
        Ok(found) => found,
        Err(e) => return crate::errors::internal(e),
    };
    let now = tiendo_store::now_rfc3339();
    list_page(
        &u,
        &rows,
        &tokens,
        &now,
        notice(&n.tb),
        None,
        &NewAccount::default(),
    )
    .into_response()
}

fn list_page(
    u: &CurrentUser,
    rows: &[AccountRow],
    tokens: &[TokenRow],
    now: &str,
    said: Option<&str>,
    refused: Option<&str>,
    typed: &NewAccount,
) -> Markup {
    page(
        "Quản lý tài khoản",
        Some(u),
        html! {
            h1 { "Quản lý tài khoản" }
            @if let Some(s) = said { p.flash.ok role="status" { (s) } }
            p.muted { "Mọi thay đổi được ghi vào Nhật ký. Lệnh " code { "tiendo users" } " làm được các việc này từ dòng lệnh." }
            div.table-wrap {
                table.accounts {
                    thead { tr { th { "Tên đăng nhập" } th { "Họ tên" } th { "Vai trò" } th { "Cơ quan" } th { "Ban chỉ đạo" } th { "Trạng thái" } th { "Thư điện tử" } th { "Mã truy cập còn hiệu lực" } } }
                    tbody {
                        @for a in rows {
                            @let live = tokens.iter().filter(|t| t.user_id == a.id && t.in_force(now)).count();
                            tr {
                                td { a href=(account_path(&a.username)) { (a.username) } }
                                td { (a.full_name) }
                                td { (a.role.name()) }
                                td { (a.agency_name.as_deref().unwrap_or("")) }
                                td { (a.committee_name.as_deref().unwrap_or("Ban Chỉ đạo của Chính phủ")) }
                                td { @if a.active == 1 { "Đang hoạt động" @if a.must_change_password == 1 { " (chờ đổi mật khẩu)" } } @else { strong { "Đã khóa" } } }
                                td { (a.email.as_deref().unwrap_or("")) }
                                td.num { (live) }
                            }
                        }
                    }
                }
            }
            h2 id="tao-tai-khoan" { "Tạo tài khoản" }
            @if let Some(m) = refused { p.flash.error role="alert" { (m) } }
            form.box method="post" action=(LIST) {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Tên đăng nhập" input name="username" required value=(typed.username) autocomplete="off"; }
                label { "Họ tên" input name="full_name" value=(typed.full_name); }
                (role_select(&typed.role))
                label { "Mã cơ quan (bắt buộc với đầu mối của cơ quan)" input name="agency" value=(typed.agency); }
                label { "Mã ban chỉ đạo (để trống: ban chỉ đạo của bạn)" input name="committee" value=(typed.committee) autocomplete="off"; }
                button type="submit" { "Tạo tài khoản" }
            }
        },
    )
}

fn role_select(current: &str) -> Markup {
    html! {
        label { "Vai trò"
            select name="role" {
                @for r in UserRole::ALL {
                    // A new account is offered as a focal point, never as an administrator.
                    option value=(r.code()) selected[r.code() == current || (current.is_empty() && r == UserRole::Focal)] { (r.name()) }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct NewAccount {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    committee: String,
}

fn optional(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// What a refused change tells the administrator: the store's own words for what it checked
/// (an unknown agency, a name taken), an incident code for anything else.
fn refusal_text(e: &anyhow::Error) -> Option<String> {
    match e.downcast_ref::<StoreError>() {
        Some(StoreError::Database(_)) | None => None,
        Some(other) => Some(other.to_string()),
    }
}

/// `POST /quan-tri/tai-khoan`: a new account; the answer shows its one-time password.
pub async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<NewAccount>,
) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    let refused = match create_checked(&state, &u, &f).await {
        Ok(r) => return r,
        Err(Ok(m)) => m,
        Err(Err(e)) => return crate::errors::internal(e),
    };
    let now = tiendo_store::now_rfc3339();
    let (rows, tokens) = state.accounts(&u).await.unwrap_or_default();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        list_page(&u, &rows, &tokens, &now, None, Some(&refused), &f),
    )
        .into_response()
}

/// The new account, or why not (`Ok`: words for the administrator; `Err`: a failure).
async fn create_checked(
    state: &AppState,
    u: &CurrentUser,
    f: &NewAccount,
) -> Result<Response, Result<String, anyhow::Error>> {
    let refuse = |m: &str| Err(Ok(m.to_string()));
    if !u.check_csrf(&f.csrf) {
        return refuse("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.");
    }
    let Some(role) = UserRole::parse(&f.role) else {
        return refuse("Hãy chọn một vai trò.");
    };
    let username = f.username.trim();
    match state
        .add_account(
            u,
            AccountToAdd {
                full_name: optional(&f.full_name),
                agency: optional(&f.agency),
                committee: optional(&f.committee),
                ..AccountToAdd::new(username, role)
            },
        )
        .await
    {
        Ok(password) => Ok(shown_once(
            u,
            username,
            "Đã tạo tài khoản",
            "Mật khẩu dùng một lần (người dùng đổi ở lần đăng nhập đầu tiên)",
            &password,
        )),
        Err(e) => match refusal_text(&e) {
            Some(m) => Err(Ok(m)),
            None => Err(Err(e)),
        },
    }
}

/// The page that shows a password or token, once.
fn shown_once(u: &CurrentUser, username: &str, title: &str, what: &str, secret: &str) -> Response {
    page(
        title,
        Some(u),
        html! {
            h1 { (title) }
            p { (what) " của " strong { (username) } ":" }
            p { code.secret { (secret) } }
            p.muted { "Chỉ hiện một lần: hãy chép và trao cho người dùng qua kênh an toàn." }
            p { a href=(account_path(username)) { "Về trang tài khoản" } }
        },
    )
    .into_response()
}

/// `GET /quan-tri/tai-khoan/{username}`: one account with its tokens and the forms.
pub async fn show(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(username): Path<String>,
    Query(n): Query<Notice>,
) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    account_page(&state, &u, &username, notice(&n.tb), None).await
}

async fn account_page(
    state: &AppState,
    u: &CurrentUser,
    username: &str,
    said: Option<&str>,
    refused: Option<&str>,
) -> Response {
    let found = match state.account(u, username).await {
        Ok(a) => a,
        Err(e) => return crate::errors::internal(e),
    };
    let Some((a, tokens)) = found else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Không tìm thấy",
                Some(u),
                html! { h1 { "Không có tài khoản này" } p { a href=(LIST) { "Danh sách tài khoản" } } },
            ),
        )
            .into_response();
    };
    let now = tiendo_store::now_rfc3339();
    let me = a.id == u.user.id;
    let base = account_path(&a.username);
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        page(
            &format!("Tài khoản {}", a.username),
            Some(u),
            html! {
                p { a href=(LIST) { "← Danh sách tài khoản" } }
                h1 { "Tài khoản " (a.username) }
                @if let Some(s) = said { p.flash.ok role="status" { (s) } }
                @if let Some(m) = refused { p.flash.error role="alert" { (m) } }
                dl.facts {
                    dt { "Họ tên" } dd { (a.full_name) }
                    dt { "Vai trò" } dd { (a.role.name()) }
                    dt { "Cơ quan" } dd { (a.agency_name.as_deref().unwrap_or("—")) }
                    dt { "Trạng thái" } dd { @if a.active == 1 { "Đang hoạt động" } @else { strong { "Đã khóa" } } }
                    dt { "Thư điện tử" } dd { (a.email.as_deref().unwrap_or("—")) }
                    dt { "Tạo lúc" } dd { (crate::words::timestamp_vn(&a.created_at)) }
                }
                @if me {
                    p.muted { "Đây là tài khoản của bạn: không tự khóa hay tự đổi vai trò được (nhờ một quản trị viên khác)." }
                } @else {
                    h2 { "Khóa hoặc mở lại" }
                    form method="post" action=(format!("{base}/{}", if a.active == 1 { "khoa" } else { "mo-khoa" })) {
                        input type="hidden" name="csrf" value=(u.csrf);
                        button type="submit" { @if a.active == 1 { "Khóa tài khoản" } @else { "Mở lại tài khoản" } }
                    }
                    h2 { "Đổi vai trò" }
                    form.box method="post" action=(format!("{base}/vai-tro")) {
                        input type="hidden" name="csrf" value=(u.csrf);
                        (role_select(a.role.code()))
                        label { "Mã cơ quan (bắt buộc với đầu mối của cơ quan)" input name="agency" value=(a.agency_code.as_deref().unwrap_or("")); }
                        button type="submit" { "Đổi vai trò" }
                    }
                }
                h2 { "Mật khẩu" }
                form method="post" action=(format!("{base}/mat-khau")) {
                    input type="hidden" name="csrf" value=(u.csrf);
                    p.muted { "Cấp mật khẩu dùng một lần mới; các phiên đăng nhập của tài khoản kết thúc." }
                    button type="submit" { "Đặt lại mật khẩu" }
                }
                h2 { "Mã truy cập API" }
                @if tokens.is_empty() { p { "Chưa có mã truy cập nào." } } @else {
                    div.table-wrap {
                        table.tokens {
                            thead { tr { th { "Tên" } th { "Tạo lúc" } th { "Tình trạng" } th { "Thu hồi" } } }
                            tbody {
                                @for t in &tokens {
                                    tr {
                                        td { (t.name) }
                                        td { (crate::words::timestamp_vn(&t.created_at)) }
                                        td { (token_state(t, &now)) }
                                        td {
                                            @if t.in_force(&now) {
                                                form method="post" action=(format!("{base}/thu-hoi-ma")) {
                                                    input type="hidden" name="csrf" value=(u.csrf);
                                                    input type="hidden" name="name" value=(t.name);
                                                    button type="submit" aria-label=(format!("Thu hồi mã {}", t.name)) { "Thu hồi" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.box method="post" action=(format!("{base}/ma-truy-cap")) {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Tên mã (hệ thống sẽ dùng)" input name="name" required; }
                    label { "Hết hạn sau (ngày; để trống: đến khi thu hồi)" input name="days" inputmode="numeric"; }
                    button type="submit" { "Tạo mã truy cập" }
                }
            },
        ),
    )
        .into_response()
}

#[derive(Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

/// `POST /quan-tri/tai-khoan/{username}/{khoa|mo-khoa|vai-tro|mat-khau|ma-truy-cap|thu-hoi-ma}`.
pub async fn change(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((username, what)): Path<(String, String)>,
    Form(f): Form<AccountForm>,
) -> Response {
    if let Some(r) = admin_only(&u) {
        return r;
    }
    if !u.check_csrf(&f.csrf) {
        return account_page(
            &state,
            &u,
            &username,
            None,
            Some("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang."),
        )
        .await;
    }
    let done = |code: &str| {
        Redirect::to(&format!("{}?tb={code}", account_path(&username))).into_response()
    };
    let outcome: anyhow::Result<Response> = match what.as_str() {
        "khoa" => state
            .set_account_active(&u, &username, false)
            .await
            .map(|_| done("khoa")),
        "mo-khoa" => state
            .set_account_active(&u, &username, true)
            .await
            .map(|_| done("mo-khoa")),
        "vai-tro" => match UserRole::parse(&f.role) {
            None => Err(StoreError::Invalid("Hãy chọn một vai trò.".into()).into()),
            Some(role) => state
                .set_account_role(&u, &username, role, optional(&f.agency))
                .await
                .map(|_| done("vai-tro")),
        },
        "mat-khau" => state.reset_account_password(&u, &username).await.map(|p| {
            shown_once(
                &u,
                &username,
                "Đã đặt lại mật khẩu",
                "Mật khẩu dùng một lần mới",
                &p,
            )
        }),
        "ma-truy-cap" => {
            let days = match f.days.trim() {
                "" => Ok(None),
                d => d.parse::<u32>().map(Some).map_err(|_| {
                    StoreError::Invalid("Số ngày phải là số nguyên từ 1 đến 3650.".into())
                }),
            };
            match days {
                Err(e) => Err(e.into()),
                Ok(days) => state
                    .issue_api_token(&u, &username, &f.name, days)
                    .await
                    .map(|t| {
                        shown_once(
                            &u,
                            &username,
                            "Đã tạo mã truy cập",
                            &format!("Mã truy cập \"{}\"", f.name.trim()),
                            &t,
                        )
                    }),
            }
        }
        "thu-hoi-ma" => state
            .revoke_api_tokens(&u, &username, &f.name)
            .await
            .map(|_| done("thu-hoi")),
        _ => {
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    match outcome {
        Ok(r) => r,
        Err(e) => match refusal_text(&e) {
            Some(m) => account_page(&state, &u, &username, None, Some(&m)).await,
            None => crate::errors::internal(e),
        },
    }
}
