//! The page shell and the embedded stylesheet.

use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};
use tiendo_domain::access::UserRole;

use super::auth::CurrentUser;

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
                            a href="/nhiem-vu" { "Nhiệm vụ" }
                            @if u.user.agency_id.is_some() { a href="/cua-toi" { "Việc của tôi" } }
                            a href="/kho-khan" { "Khó khăn, vướng mắc" }
                            a href="/bao-cao" { "Báo cáo" }
                            a href="/xep-hang" { "Xếp hạng" }
                            a href="/phien-hop" { "Phiên họp" }
                            @if u.is_standing() { a href="/nhap-tep" { "Nhập tệp" } }
                            a href="/co-quan" { "Cơ quan" }
                            @if u.role == UserRole::Admin { a href="/nhat-ky" { "Nhật ký" } }
                        }
                        div.who {
                            span { (u.user.full_name) " · " (u.role.name()) }
                            a href="/tai-khoan/mat-khau" { "Đổi mật khẩu" }
                            form method="post" action="/dang-xuat" {
                                input type="hidden" name="csrf" value=(u.csrf);
                                button type="submit" { "Đăng xuất" }
                            }
                        }
                    }
                }
                main id="noi-dung" { (body) }
            }
        }
    }
}
