//! One task typed in by the standing agency (`/nhiem-vu/moi`): the "6 rõ" fields, "Xem trước"
//! shows the agencies the names resolve to (a group with all its members) and how the deadline
//! was read, "Lưu nhiệm vụ" stores it. A refused field comes back with everything typed and its
//! reason beside it; nothing is stored.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::deadline::vn;
use tiendo_domain::new_task::{FieldProblem, TaskFields};
use tiendo_service::operations::{self as ops, DraftedTask, TaskRefused};

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;

#[derive(Deserialize, Default)]
pub struct NewTaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    buoc: String,
    #[serde(default)]
    document: String,
    #[serde(flatten)]
    fields: TaskFields,
}

/// What the page shows besides the form: the preview, the problems, a message for the whole.
#[derive(Default)]
struct Shown<'a> {
    preview: Option<&'a DraftedTask>,
    problems: &'a [FieldProblem],
    message: Option<String>,
}

fn form_page(u: &CurrentUser, f: &NewTaskForm, overseers: &[String], shown: Shown<'_>) -> Markup {
    let problem = |field: &str| shown.problems.iter().find(|p| p.field == field);
    let invalid = |field: &str| problem(field).map(|_| "true");
    let beside = |field: &str| {
        html! { @if let Some(p) = problem(field) { span.field-error role="alert" { (p.message) } } }
    };
    let v = &f.fields;
    page(
        "Tạo nhiệm vụ",
        Some(u),
        html! {
            p { a href="/nhiem-vu" { "‹ Danh sách nhiệm vụ" } }
            h1 { "Tạo nhiệm vụ" }
            p.muted { "Đủ “6 rõ”: rõ việc, rõ người (chủ trì, phối hợp), rõ thời hạn, rõ kết quả, rõ trách nhiệm, rõ thẩm quyền. Tên cơ quan gõ như trong văn bản; “Xem trước” cho biết nhiệm vụ sẽ giao cho những cơ quan nào." }
            @if let Some(m) = &shown.message { p.flash.error role="alert" { (m) } }
            @if !shown.problems.is_empty() { p.flash.error role="alert" { "Chưa lưu: " (shown.problems.len()) " mục cần sửa (ghi ngay dưới từng ô)." } }
            form.box.new-task method="post" action="/nhiem-vu/moi" {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Văn bản giao (số ký hiệu hoặc khóa; để trống: “Nhiệm vụ giao trực tiếp”)"
                    input name="document" maxlength="200" value=(f.document) placeholder="vd: 624/TB-VPCP" aria-invalid=[invalid("document")]; (beside("document")) }
                label { "Số thứ tự (để trống: số tiếp theo)" input name="number" maxlength="20" value=(v.number) aria-invalid=[invalid("number")]; (beside("number")) }
                label { "Mục" input name="heading" maxlength="5000" value=(v.heading) aria-invalid=[invalid("heading")]; (beside("heading")) }
                label.wide { "Tên nhiệm vụ (rõ việc)" textarea name="name" rows="3" required maxlength="5000" aria-invalid=[invalid("name")] { (v.name) } (beside("name")) }
                label.wide { "Cơ quan chủ trì (rõ người)" input type="text" name="lead" required maxlength="5000" value=(v.lead) placeholder="vd: Bộ Tư pháp; hoặc: Các bộ, ngành, địa phương" aria-invalid=[invalid("lead")]; (beside("lead")) }
                label.wide { "Cơ quan phối hợp" input type="text" name="coordinators" maxlength="5000" value=(v.coordinators) placeholder="vd: Bộ Công an, Bộ Tài chính" aria-invalid=[invalid("coordinators")]; (beside("coordinators")) }
                label { "Thời hạn (rõ thời gian)" input name="deadline" required maxlength="200" value=(v.deadline) placeholder="vd: 30/6/2026, Quý III/2026, Thường xuyên" aria-invalid=[invalid("deadline")]; (beside("deadline")) }
                label.wide { "Kết quả, sản phẩm (rõ kết quả)" textarea name="expected_result" rows="2" maxlength="5000" aria-invalid=[invalid("expected_result")] { (v.expected_result) } (beside("expected_result")) }
                label.wide { "Căn cứ giao (rõ thẩm quyền)" textarea name="basis" rows="2" maxlength="5000" aria-invalid=[invalid("basis")] { (v.basis) } (beside("basis")) }
                label { "Lãnh đạo phụ trách (rõ trách nhiệm)" input name="overseer" list="lanh-dao" maxlength="300" value=(v.overseer) aria-invalid=[invalid("overseer")]; (beside("overseer")) }
                datalist id="lanh-dao" { @for o in overseers { option value=(o) {} } }
                button type="submit" name="buoc" value="xem" { "Xem trước" }
                button.primary type="submit" name="buoc" value="luu" { "Lưu nhiệm vụ" }
            }
            @if let Some(d) = shown.preview { (preview(d)) }
        },
    )
}

/// The task as it would be stored: the deadline as read, every name with the agencies it gives.
fn preview(d: &DraftedTask) -> Markup {
    let t = &d.task;
    let total: usize = d.resolved.iter().map(|r| r.agencies.len()).sum();
    html! {
        section.preview aria-labelledby="xem-truoc" {
            h2 #xem-truoc { "Xem trước: nhiệm vụ sẽ được lưu như sau" }
            dl.fields {
                dt { "Thời hạn" }
                dd { "“" (t.deadline.raw) "” — " (t.deadline.kind.vietnamese())
                    @if let Some(due) = t.deadline.due { ", hạn " @if t.deadline.before { "trước " } (vn(due)) } }
                dt { "Số cơ quan được giao" } dd { (total) }
            }
            table.resolved {
                thead { tr { th { "Vai trò" } th { "Như đã gõ" } th { "Trong danh mục" } th { "Cơ quan được giao" } } }
                tbody {
                    @for r in &d.resolved {
                        tr {
                            td { (if r.role == "lead" { "Chủ trì" } else { "Phối hợp" }) }
                            td { (r.raw) }
                            td { (r.name) @if let Some(n) = &r.note { br; span.note { (n) } } }
                            td {
                                @if r.agencies.len() == 1 && r.agencies[0] == r.name { "1 cơ quan" }
                                @else {
                                    (r.agencies.len()) " cơ quan: "
                                    @if r.agencies.len() > 12 { (r.agencies[..12].join("; ")) " và " (r.agencies.len() - 12) " cơ quan khác" }
                                    @else { (r.agencies.join("; ")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn forbidden(u: &CurrentUser) -> Response {
    super::layout::forbidden_page(u, "Chỉ cơ quan thường trực tạo nhiệm vụ.")
}

pub async fn new_page(State(state): State<AppState>, PageUser(u): PageUser) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let overseers = state.overseers().await.unwrap_or_default();
    form_page(&u, &NewTaskForm::default(), &overseers, Shown::default()).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<NewTaskForm>,
) -> Response {
    if !u.is_standing() {
        return forbidden(&u);
    }
    let overseers = state.overseers().await.unwrap_or_default();
    let again = |status: StatusCode, shown: Shown<'_>| {
        (status, form_page(&u, &f, &overseers, shown)).into_response()
    };
    if !u.check_csrf(&f.csrf) {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            Shown {
                message: Some("Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy gửi lại.".into()),
                ..Default::default()
            },
        );
    }
    let save = f.buoc == "luu";
    match ops::create_task(&state, &u, &f.fields, &f.document, None, save).await {
        Ok(DraftedTask { id: Some(id), .. }) => {
            Redirect::to(&format!("/nhiem-vu/{id}?tb=tao-nhiem-vu")).into_response()
        }
        Ok(d) => again(
            StatusCode::OK,
            Shown {
                preview: Some(&d),
                ..Default::default()
            },
        ),
        Err(TaskRefused::Fields(problems)) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            Shown {
                problems: &problems,
                ..Default::default()
            },
        ),
        Err(TaskRefused::Whole(r)) if r.kind == ops::RefusalKind::Forbidden => forbidden(&u),
        Err(TaskRefused::Whole(r)) => again(
            StatusCode::SERVICE_UNAVAILABLE,
            Shown {
                message: Some(r.text()),
                ..Default::default()
            },
        ),
    }
}
