//! "Việc cần xử lý" (each role's inbox) and "Thông báo" (the reminders received, read or not).
//! The inbox is computed as of the day from the same rules as the e-mailed digests; each item
//! links to where it is acted on and leaves once acted on.

use crate::words::date_input;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::{iso, vn};
use tiendo_domain::reminders::{Channel, Frequency, ItemKind, ReminderItem};
use tiendo_mail::StoredItem;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
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
    state.inbox(u, day).await
}

fn item_line(i: &ReminderItem) -> Markup {
    html! {
        li {
            @if i.kind == ItemKind::WeekSummary {
                span.detail { (i.detail.as_deref().unwrap_or("")) }
            } @else {
                a href=(i.link) {
                    @if let Some(ind) = &i.indicator { "Chỉ tiêu " (ind) } @else {
                        @if let Some(n) = &i.task_number { "[" (n) "] " }
                        (i.task_name.as_deref().unwrap_or("(không gắn với nhiệm vụ)"))
                    }
                }
                div.meta {
                    @if let Some(a) = &i.agency { (a) }
                    @if let Some(d) = i.due { @if i.kind == ItemKind::FigureMissing { " · hạn báo cáo số liệu " } @else { " · hạn " } (vn(d)) }
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
                label { "Tính đến ngày" (date_input("ngay", &iso(day), false)) }
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
    let list = match state.notifications(&u, 90).await {
        Ok(v) => v,
        Err(e) => return crate::errors::internal(e),
    };
    page(
        "Thông báo",
        Some(&u),
        html! {
            h1 { "Thông báo" }
            p.muted { "Bản tin nhắc việc hằng ngày (giữ 90 ngày). " (u.unread) " chưa đọc. " a href="/tai-khoan/nhac-viec" { "Cách nhận nhắc việc" } }
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
    match state.mark_read(&u, id, f.doc != "0").await {
        Ok(()) => Redirect::to("/thong-bao").into_response(),
        Err(tiendo_store::StoreError::NotFound(_)) => (
            axum::http::StatusCode::NOT_FOUND,
            "không tìm thấy thông báo",
        )
            .into_response(),
        Err(e) => crate::errors::internal(e),
    }
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    tb: Option<String>,
}

/// How the signed-in user hears of reminders: address, channel, frequency.
pub async fn settings_page(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<SettingsQuery>,
) -> Response {
    let s = match state.reminder_settings(&u).await {
        Ok(s) => s,
        Err(e) => return crate::errors::internal(e),
    };
    let channel = s.remind_channel.as_deref().unwrap_or("email");
    let frequency = s
        .remind_frequency
        .as_deref()
        .unwrap_or(Frequency::default_for(u.role).code());
    let message = match q.tb.as_deref() {
        Some("da-luu") => Some((true, "Đã lưu cách nhận nhắc việc.")),
        Some("csrf") => Some((false, "Biểu mẫu đã hết hạn; hãy thử lại.")),
        Some(_) => Some((false, "Giá trị không hợp lệ; chưa lưu gì.")),
        None => None,
    };
    let typed = Typed {
        email: s.email.as_deref().unwrap_or(""),
        channel,
        frequency,
    };
    settings_form(&u, &typed, message, None).into_response()
}

/// The settings as shown: stored, or as typed into a refused form.
struct Typed<'a> {
    email: &'a str,
    channel: &'a str,
    frequency: &'a str,
}

fn settings_form(
    u: &CurrentUser,
    t: &Typed<'_>,
    message: Option<(bool, &str)>,
    email_error: Option<&str>,
) -> Markup {
    let (channel, frequency) = (t.channel, t.frequency);
    page(
        "Nhắc việc",
        Some(u),
        html! {
            h1 { "Cách nhận nhắc việc" }
            @if let Some((ok, m)) = message { p.flash.ok[ok].error[!ok] role="status" { (m) } }
            form.login method="post" action="/tai-khoan/nhac-viec" {
                input type="hidden" name="csrf" value=(u.csrf);
                label for="email" { "Thư điện tử" }
                input #email type="email" name="email" value=(t.email) placeholder="ten@co-quan.gov.vn" aria-invalid=[email_error.map(|_| "true")] aria-describedby=[email_error.map(|_| "loi-email")];
                @if let Some(e) = email_error { span.field-error #loi-email role="alert" { (e) } }
                label for="channel" { "Nhận nhắc việc" }
                select #channel name="channel" {
                    option value="email" selected[channel == "email"] { "Qua thư điện tử và trong ứng dụng" }
                    option value="app" selected[channel == "app"] { "Chỉ trong ứng dụng" }
                    option value="off" selected[channel == "off"] { "Không nhận" }
                }
                label for="frequency" { "Tần suất" }
                select #frequency name="frequency" {
                    option value="daily" selected[frequency == "daily"] { "Hằng ngày" }
                    option value="weekly" selected[frequency == "weekly"] { "Hằng tuần (thứ Hai)" }
                }
                p { button.primary type="submit" { "Lưu" } }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct SettingsForm {
    csrf: String,
    email: String,
    channel: String,
    frequency: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<SettingsForm>,
) -> Response {
    let back =
        |code: &str| Redirect::to(&format!("/tai-khoan/nhac-viec?tb={code}")).into_response();
    if !u.check_csrf(&f.csrf) {
        return back("csrf");
    }
    let email = f.email.trim();
    let refused_email = || {
        let typed = Typed {
            email: &f.email,
            channel: &f.channel,
            frequency: &f.frequency,
        };
        (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            settings_form(
                &u,
                &typed,
                Some((false, "Chưa lưu gì.")),
                Some("Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@co-quan.gov.vn)."),
            ),
        )
            .into_response()
    };
    if !email.is_empty() && !tiendo_domain::reminders::valid_email(email) {
        return refused_email();
    }
    let (Some(channel), Some(frequency)) =
        (Channel::parse(&f.channel), Frequency::parse(&f.frequency))
    else {
        return back("gia-tri");
    };
    match state
        .save_reminder_settings(&u, (!email.is_empty()).then_some(email), channel, frequency)
        .await
    {
        Ok(()) => back("da-luu"),
        Err(tiendo_store::StoreError::Invalid(_)) => refused_email(),
        Err(e) => crate::errors::internal(e),
    }
}

#[derive(Deserialize, Default)]
pub struct UnsubscribeQuery {
    u: Option<String>,
    k: Option<String>,
}

/// The user a signed unsubscribe link names, when its signature holds.
async fn signed_user(
    state: &AppState,
    u: Option<&str>,
    k: Option<&str>,
) -> anyhow::Result<Option<i64>> {
    let (Some(id), Some(k)) = (u.and_then(|u| u.parse::<i64>().ok()), k) else {
        return Ok(None);
    };
    let key = state.link_key().await?;
    Ok(tiendo_service::reminders::valid_unsubscribe(&key, id, k).then_some(id))
}

fn bad_link() -> Response {
    (
        axum::http::StatusCode::BAD_REQUEST,
        page(
            "Liên kết không hợp lệ",
            None,
            html! { h1 { "Liên kết không hợp lệ" } p { "Liên kết ngừng nhận thư không đúng hoặc đã bị sửa. Hãy đăng nhập để đổi cách nhận nhắc việc." } },
        ),
    )
        .into_response()
}

/// The e-mails' "stop" link: a page asking to confirm (a mail scanner opening the link changes
/// nothing); the confirmation is the form below it.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Query(q): Query<UnsubscribeQuery>,
) -> Response {
    match signed_user(&state, q.u.as_deref(), q.k.as_deref()).await {
        Ok(Some(id)) => page(
            "Ngừng nhận thư nhắc việc",
            None,
            html! {
                h1 { "Ngừng nhận thư nhắc việc" }
                p { "Thư nhắc việc sẽ không gửi đến địa chỉ của tài khoản này nữa; nhắc việc vẫn hiện trong ứng dụng." }
                form method="post" action="/huy-nhan-thu" {
                    input type="hidden" name="u" value=(id);
                    input type="hidden" name="k" value=(q.k.as_deref().unwrap_or(""));
                    button.primary type="submit" { "Ngừng nhận thư" }
                }
            },
        )
        .into_response(),
        Ok(None) => bad_link(),
        Err(e) => crate::errors::internal(e),
    }
}

#[derive(Deserialize)]
pub struct UnsubscribeForm {
    u: String,
    k: String,
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    Form(f): Form<UnsubscribeForm>,
) -> Response {
    let id = match signed_user(&state, Some(&f.u), Some(&f.k)).await {
        Ok(Some(id)) => id,
        Ok(None) => return bad_link(),
        Err(e) => return crate::errors::internal(e),
    };
    match state.stop_reminder_mail(id).await {
        Ok(_) => page(
            "Đã ngừng nhận thư",
            None,
            html! { h1 { "Đã ngừng gửi thư nhắc việc" } p { "Nhắc việc vẫn hiện trong ứng dụng (mục Thông báo). Có thể bật lại trong mục Nhắc việc của tài khoản." } },
        )
        .into_response(),
        Err(tiendo_store::StoreError::NotFound(_)) => bad_link(),
        Err(e) => crate::errors::internal(e),
    }
}

/// The e-mails an SMTP server has not yet accepted, for administrators: to whom, how many
/// attempts, the next one, the server's last answer.
pub async fn waiting_mail(State(state): State<AppState>, PageUser(u): PageUser) -> Response {
    if u.role != tiendo_domain::access::UserRole::Admin {
        return super::layout::forbidden_page(&u, "Chỉ quản trị hệ thống xem thư chờ gửi.");
    }
    let rows = match state.pending_mail().await {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(e),
    };
    let people = state.people().await;
    page(
        "Thư nhắc việc chờ gửi",
        Some(&u),
        html! {
            h1 { "Thư nhắc việc chờ gửi" }
            p.muted { "Thư máy chủ thư (SMTP) chưa nhận. Mỗi lần gửi không được, thư chờ lâu gấp đôi lần trước (từ 1 phút, tối đa 6 giờ) rồi gửi lại; không thư nào bị bỏ. Lệnh " code { "tiendo remind --format json" } " cho cùng danh sách (" code { "delivery.waiting" } ")." }
            @if rows.is_empty() { p { "Không có thư nào chờ gửi." } } @else {
                table.waiting-mail {
                    thead { tr { th { "Người nhận" } th { "Địa chỉ" } th { "Ngày nhắc" } th { "Loại" } th { "Số lần đã thử" } th { "Lần thử tiếp theo" } th { "Lỗi lần gần nhất" } } }
                    tbody {
                        @for m in &rows {
                            tr {
                                td { (people.name(&m.username)) }
                                td { (m.email.as_deref().unwrap_or("")) }
                                td { (vn(m.day)) }
                                td { (if m.digest == "weekly" { "Tổng hợp tuần" } else { "Hằng ngày" }) }
                                td.num { (m.attempts) }
                                td { (m.next_attempt_at.as_deref().map(crate::words::timestamp_vn).unwrap_or_default()) }
                                td { (m.last_error.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
