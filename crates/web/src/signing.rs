//! "Thể thức văn bản" (`/bao-cao/the-thuc`): how the committee signs the documents it issues
//! (the ranking, the pack for a meeting): the place on the date line, the symbol after the
//! number, the signer's authority, title and name, the recipients. The standing agency sets it;
//! a refused form comes back with what was typed and each problem beside its field.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::signing::Signing;
use tiendo_service::operations::{self as ops, SigningFields, SigningRefused};

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use super::refused::Refused;

fn forbidden(u: &CurrentUser) -> Response {
    super::layout::forbidden_page(
        u,
        "Chỉ cơ quan thường trực đặt thể thức văn bản của Ban Chỉ đạo.",
    )
}

#[derive(Deserialize, Default)]
pub struct SigningQuery {
    tb: Option<String>,
}

pub async fn page_of(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<SigningQuery>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let s = match state.signing(None).await {
        Ok(s) => s,
        Err(e) => return crate::errors::internal(e),
    };
    let saved = q.tb.as_deref() == Some("da-luu");
    form(
        &u,
        &s,
        None,
        saved.then_some((true, "Đã lưu thể thức văn bản.")),
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct SigningForm {
    csrf: String,
    #[serde(flatten)]
    fields: SigningFields,
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<SigningForm>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let v = &f.fields;
    let typed = || {
        Refused::typed([
            ("place", v.place.as_str()),
            ("symbol", v.symbol.as_str()),
            ("authority", v.authority.as_str()),
            ("signer_title", v.signer_title.as_str()),
            ("signer_name", v.signer_name.as_str()),
            ("recipients", v.recipients.as_str()),
        ])
    };
    let (status, refused, message) = if !u.check_csrf(&f.csrf) {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            typed(),
            "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy gửi lại. Chưa lưu gì.".to_string(),
        )
    } else {
        match ops::set_signing(&state, &u, None, v).await {
            Ok(_) => return Redirect::to("/bao-cao/the-thuc?tb=da-luu").into_response(),
            Err(SigningRefused::Fields(problems)) => {
                let r = problems
                    .iter()
                    .fold(typed(), |r, p| r.problem(p.field, p.message.clone()));
                let n = r.count();
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    r,
                    format!("Chưa lưu gì: {n} mục cần sửa (ghi ngay dưới mục đó)."),
                )
            }
            Err(SigningRefused::Whole(r)) if r.kind == ops::RefusalKind::Forbidden => {
                return forbidden(&u);
            }
            Err(SigningRefused::Whole(r)) => (StatusCode::SERVICE_UNAVAILABLE, typed(), r.text()),
        }
    };
    // Refused: the form again over the form in force (its preview), holding what was typed.
    let stored = state
        .signing(None)
        .await
        .unwrap_or_else(|_| Signing::usual());
    (
        status,
        form(&u, &stored, Some(&refused), Some((false, &message))),
    )
        .into_response()
}

/// The form, with the stored values or, when refused, what was typed.
fn form(
    u: &CurrentUser,
    s: &Signing,
    refused: Option<&Refused>,
    message: Option<(bool, &str)>,
) -> Markup {
    let recipients = s.recipients.join("\n");
    let field = |name: &'static str, label: &str, stored: &str, hint: &str| {
        html! {
            label for=(name) { (label) }
            input id=(name) name=(name) value=(Refused::value(refused, name, stored)) maxlength="300"
                placeholder=(hint)
                aria-invalid=[Refused::invalid(refused, name)]
                aria-describedby=[Refused::described(refused, name)];
            (Refused::error_at(refused, name))
        }
    };
    page(
        "Thể thức văn bản",
        Some(u),
        html! {
            h1 { "Thể thức văn bản của Ban Chỉ đạo" }
            @if let Some((ok, m)) = message { p.flash.ok[ok].error[!ok] role="status" { (m) } }
            p.muted { "Dùng cho các văn bản Ban Chỉ đạo ban hành từ ứng dụng (bảng điểm và xếp hạng, báo cáo phục vụ phiên họp): dòng “Số: …/ký hiệu”, địa danh, “Nơi nhận” và khối chữ ký theo Nghị định 30/2020/NĐ-CP. Số văn bản để trống, văn thư ghi khi đăng ký văn bản đã ký." }
            form.box method="post" action="/bao-cao/the-thuc" {
                input type="hidden" name="csrf" value=(u.csrf);
                (field("place", "Địa danh (dòng ngày tháng)", &s.place, "vd: Hà Nội"))
                (field("symbol", "Ký hiệu văn bản (sau số)", &s.symbol, "vd: BC-BCĐ"))
                (field("authority", "Quyền hạn ký (tùy chọn)", &s.authority, "vd: TM. BAN CHỈ ĐẠO hoặc KT. TRƯỞNG BAN"))
                (field("signer_title", "Chức vụ người ký", &s.signer_title, "vd: TRƯỞNG BAN"))
                (field("signer_name", "Họ tên người ký (tùy chọn; để trống để ghi tay)", &s.signer_name, ""))
                label for="recipients" { "Nơi nhận (mỗi nơi một dòng; “Lưu: VT” tự thêm ở cuối nếu không ghi)" }
                textarea id="recipients" name="recipients" rows="6" maxlength="7000"
                    aria-invalid=[Refused::invalid(refused, "recipients")]
                    aria-describedby=[Refused::described(refused, "recipients")] {
                    (Refused::value(refused, "recipients", &recipients))
                }
                (Refused::error_at(refused, "recipients"))
                p { button.primary type="submit" { "Lưu" } }
            }
            h2 { "Văn bản sẽ ghi" }
            (preview(s))
            p { a href="/bao-cao" { "‹ Về trang báo cáo" } }
        },
    )
}

/// The lines the stored form gives, as they will be printed.
fn preview(s: &Signing) -> Markup {
    html! {
        dl.preview {
            dt { "Dòng số" } dd { (s.number_line()) }
            dt { "Địa danh, ngày" } dd { (s.place) ", ngày … tháng … năm …" }
            dt { "Nơi nhận" } dd { @for l in s.recipient_lines() { (l) br; } }
            dt { "Người ký" } dd {
                @for l in s.signer_lines() { (l) br; }
                @if s.signer_name.is_empty() { em { "(họ tên ghi tay)" } } @else { (s.signer_name) }
            }
        }
    }
}
