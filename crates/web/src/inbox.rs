//! "Việc cần xử lý" (each role's inbox) and "Thông báo" (the reminders received, read or not).
//! The inbox is computed as of the day from the same rules as the e-mailed digests; each item
//! links to where it is acted on and leaves once acted on.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::{iso, vn};
use tiendo_domain::reminders::{ItemKind, ReminderItem, ReminderRules};
use tiendo_mail::StoredItem;

use super::AppState;
use super::auth::PageUser;
use super::layout::page;
use super::words::date_or_today;

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    ngay: Option<String>,
}

/// A user's inbox on a day (the API's `/api/inbox` too).
pub async fn items_of(
    state: &AppState,
    u: &tiendo_store::users::User,
    day: time::Date,
) -> anyhow::Result<Vec<ReminderItem>> {
    let snap = state.snapshot().await;
    tiendo_service::reminders::inbox(&state.db, &snap, u, day, &ReminderRules::default()).await
}

fn item_line(i: &ReminderItem) -> Markup {
    html! {
        li {
            @if i.kind == ItemKind::WeekSummary {
                span.detail { (i.detail.as_deref().unwrap_or("")) }
            } @else {
                a href=(i.link) {
                    @if let Some(n) = &i.task_number { "[" (n) "] " }
                    (i.task_name.as_deref().unwrap_or("(không gắn với nhiệm vụ)"))
                }
                div.meta {
                    @if let Some(a) = &i.agency { (a) }
                    @if let Some(d) = i.due { " · hạn " (vn(d)) }
                    @if let Some(n) = i.days_late { " · " span.error { "quá hạn " (n) " ngày" } }
                }
                @if let Some(d) = &i.detail { div.detail { (d) } }
            }
        }
    }
}

/// The items grouped under their kinds' headings, in the digest's order.
pub fn grouped(items: &[ReminderItem]) -> Markup {
    let mut kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
    kinds.dedup();
    html! {
        @for k in &kinds {
            @let of_kind: Vec<&ReminderItem> = items.iter().filter(|i| i.kind == *k).collect();
            section {
                h2 { (k.heading()) " (" (of_kind.len()) ")" }
                ol { @for i in &of_kind { (item_line(i)) } }
            }
        }
    }
}

pub async fn inbox(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<InboxQuery>,
) -> Response {
    let day = date_or_today(q.ngay.as_deref());
    let items = match items_of(&state, &u.user, day).await {
        Ok(v) => v,
        Err(e) => return crate::errors::internal(e),
    };
    page(
        "Việc cần xử lý",
        Some(&u),
        html! {
            h1 { "Việc cần xử lý" }
            form.filters method="get" action="/viec-can-xu-ly" {
                label { "Tính đến ngày" input type="date" name="ngay" value=(iso(day)); }
                button.primary type="submit" { "Xem" }
            }
            div.inbox {
                @if items.is_empty() {
                    p { "Không có việc nào cần xử lý tính đến ngày " (vn(day)) "." }
                } @else {
                    p.muted { (items.len()) " việc · tính đến ngày " (vn(day)) }
                    (grouped(&items))
                }
            }
        },
    )
    .into_response()
}

/// The reminders a user received, newest first, with their items.
pub async fn notifications(State(state): State<AppState>, PageUser(u): PageUser) -> Response {
    let list = match state.db.notifications(u.user.id, 90).await {
        Ok(v) => v,
        Err(e) => return crate::errors::internal(e),
    };
    page(
        "Thông báo",
        Some(&u),
        html! {
            h1 { "Thông báo" }
            p.muted { "Bản tin nhắc việc hằng ngày (giữ 90 ngày). " (u.unread) " chưa đọc." }
            @if list.is_empty() { p { "Chưa có thông báo nào." } }
            @for n in &list {
                @let items: Vec<StoredItem> = serde_json::from_str(&n.items).unwrap_or_default();
                article.notice.unread[n.read_at.is_none()] {
                    header {
                        strong { (if n.digest == "weekly" { "Tổng hợp tuần" } else { "Nhắc việc" }) " ngày " (vn(n.day)) }
                        span.muted { (n.item_count) " việc" }
                        span.muted { (match n.mail_state.as_str() { "sent" => "đã gửi thư điện tử", "queued" => "thư điện tử đang chờ gửi", _ => "chỉ trong ứng dụng" }) }
                        @if n.read_at.is_none() { span.badge { "Chưa đọc" } }
                        form method="post" action={"/thong-bao/" (n.id) "/da-doc"} {
                            input type="hidden" name="csrf" value=(u.csrf);
                            input type="hidden" name="doc" value=(if n.read_at.is_none() { "1" } else { "0" });
                            button type="submit" { (if n.read_at.is_none() { "Đánh dấu đã đọc" } else { "Đánh dấu chưa đọc" }) }
                        }
                    }
                    ol {
                        @for i in &items {
                            li { a href=(i.link) { (tiendo_mail::item_line(i)) } }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct ReadForm {
    csrf: String,
    doc: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReadForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return Redirect::to("/thong-bao").into_response();
    }
    match state.db.mark_read(u.user.id, id, f.doc != "0").await {
        Ok(()) => Redirect::to("/thong-bao").into_response(),
        Err(tiendo_store::StoreError::NotFound(_)) => (
            axum::http::StatusCode::NOT_FOUND,
            "không tìm thấy thông báo",
        )
            .into_response(),
        Err(e) => crate::errors::internal(e),
    }
}
