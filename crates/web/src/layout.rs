//! The page shell and the embedded stylesheet.

use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use tiendo_domain::access::UserRole;

use super::auth::CurrentUser;
use super::stacked;

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("app.css"),
    )
}

/// The page a user gets for what its role may not do: 403, saying who may.
pub fn forbidden_page(u: &CurrentUser, who_may: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::FORBIDDEN,
        page("Không có quyền", Some(u), maud::html! { h1 { (who_may) } }),
    )
        .into_response()
}

/// The bell: a link to the notifications with the unread count.
fn bell(unread: i64) -> Markup {
    let label = if unread > 0 {
        format!("Thông báo: {unread} chưa đọc")
    } else {
        "Thông báo: không có thông báo chưa đọc".to_string()
    };
    html! {
        a.bell href="/thong-bao" aria-label=(label) title=(label) {
            svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor" {
                path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" {}
            }
            @if unread > 0 { span.count { (if unread > 99 { "99+".to_string() } else { unread.to_string() }) } }
        }
    }
}

pub fn page(title: &str, user: Option<&CurrentUser>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Tiến Độ" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                a.skip href="#noi-dung" { "Bỏ qua điều hướng" }
                header.top {
                    a.brand href="/" { "Tiến Độ" }
                    @if let Some(u) = user {
                        nav aria-label="Chính" {
                            a href="/" { "Tổng quan" }
                            a href="/viec-can-xu-ly" { "Việc cần xử lý" }
                            a href="/nhiem-vu" { "Nhiệm vụ" }
                            @if u.user.agency_id.is_some() { a href="/cua-toi" { "Việc của tôi" } }
                            a href="/kho-khan" { "Khó khăn, vướng mắc" }
                            a href="/chi-tieu" { "Chỉ tiêu" }
                            a href="/bao-cao" { "Báo cáo" }
                            a href="/xep-hang" { "Xếp hạng" }
                            a href="/phien-hop" { "Phiên họp" }
                            a href="/ban-chi-dao" { "Các ban chỉ đạo" }
                            @if u.is_standing() { a href="/nhap-tep" { "Nhập tệp" } }
                            a href="/co-quan" { "Cơ quan" }
                            @if u.role == UserRole::Admin { a href="/nhat-ky" { "Nhật ký" } a href="/thu-cho-gui" { "Thư chờ gửi" } a href="/quan-tri/tai-khoan" { "Tài khoản" } }
                        }
                        div.who {
                            (bell(u.unread))
                            span { (u.user.full_name) " · " (u.role.name()) }
                            a href="/tai-khoan/nhac-viec" { "Nhắc việc" }
                            a href="/tai-khoan/mat-khau" { "Đổi mật khẩu" }
                            form method="post" action="/dang-xuat" {
                                input type="hidden" name="csrf" value=(u.csrf);
                                button type="submit" { "Đăng xuất" }
                            }
                        }
                    }
                }
                main id="noi-dung" { (PreEscaped(stacked::label_cells(&body.into_string()))) }
            }
        }
    }
}
