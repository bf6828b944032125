//! Import through the browser: upload → the preview table with its warnings → confirm. The file
//! waits in memory (one hour at most) between the preview and the confirmation; nothing is stored
//! before the confirmation, and the confirmation stores the file in one transaction.

use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::agency::RefKind;
use tiendo_domain::deadline::{parse_user_date, vn};
use tiendo_office::{DocumentPreview, MAX_FILE_BYTES, ReadOptions};
use tiendo_service::operations::ImportRequest;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;

/// A file read and waiting for confirmation.
pub struct Pending {
    pub user_id: i64,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub reported_on: time::Date,
    pub at: Instant,
}

const KEEP: Duration = Duration::from_secs(3600);

/// The import pages: upload and preview, then confirmation.
pub(crate) fn routes() -> crate::RouteTable {
    let limit = || DefaultBodyLimit::max(MAX_FILE_BYTES as usize + 64 * 1024);
    crate::RouteTable::new()
        .add(
            "/nhap-tep",
            "GET POST",
            get(form_page).post(upload).layer(limit()),
        )
        .add("/nhap-tep/{token}", "POST", post(confirm).layer(limit()))
}

fn form(u: &CurrentUser, error: Option<&str>) -> Markup {
    page(
        "Nhập tệp",
        Some(u),
        html! {
            h1 { "Nhập nhiệm vụ từ tệp" }
            p.muted { "Word (.docx), Excel (.xlsx, .xls, .ods), CSV, văn bản (.txt) hoặc PDF có lớp chữ: bảng nhiệm vụ, hoặc thông báo kết luận viết thành câu (mỗi câu giao việc thành một nhiệm vụ). Tối đa 50 MB. Xem trước rồi mới lưu." }
            @if let Some(e) = error { p.flash.error role="alert" { (e) } }
            form.box method="post" action="/nhap-tep" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Tệp" input type="file" name="file" required accept=".docx,.xlsx,.xlsm,.xls,.ods,.csv,.txt,.tsv,.pdf"; }
                label { "Số liệu tiến độ tính đến ngày" input type="date" name="reported_on" value=(crate::words::today_iso()); }
                button.primary type="submit" { "Xem trước" }
            }
        },
    )
}

pub async fn form_page(PageUser(u): PageUser) -> Response {
    if !u.is_standing() {
        return super::layout::forbidden_page(&u, "Chỉ cơ quan thường trực nhập tệp.");
    }
    form(&u, None).into_response()
}

fn refs(r: &[tiendo_domain::agency::AgencyRef]) -> Markup {
    html! {
        @for (i, a) in r.iter().enumerate() {
            @if i > 0 { "; " }
            @match a.kind { RefKind::Unresolved => { span.muted title="chưa xác định" { "?" (a.name) } }, _ => { (a.name) } }
        }
    }
}

/// A refused upload: the form again with the reason.
fn refused(u: &CurrentUser, status: StatusCode, msg: &str) -> Response {
    (status, form(u, Some(msg))).into_response()
}

/// What the upload form sent.
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
    reported_on: Option<time::Date>,
}

const TOO_LARGE: &str = "Tệp quá lớn (tối đa 50 MB) hoặc tải lên bị gián đoạn.";

/// Reads the form's fields; a file over the limit or a broken upload is refused.
async fn read_upload(mp: &mut Multipart) -> Result<Upload, (StatusCode, &'static str)> {
    let mut up = Upload {
        csrf: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
        reported_on: None,
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(up),
            Err(_) => return Err((StatusCode::BAD_REQUEST, TOO_LARGE)),
        };
        match field.name().unwrap_or("") {
            "csrf" => up.csrf = field.text().await.unwrap_or_default(),
            "reported_on" => {
                up.reported_on = parse_user_date(&field.text().await.unwrap_or_default())
            }
            "file" => {
                up.file_name = field
                    .file_name()
                    .unwrap_or("tep")
                    .chars()
                    .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                    .take(200)
                    .collect();
                up.bytes = field
                    .bytes()
                    .await
                    .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE))?
                    .to_vec();
            }
            _ => {}
        }
    }
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    mut mp: Multipart,
) -> Response {
    if !u.is_standing() {
        return refused(
            &u,
            StatusCode::FORBIDDEN,
            "Chỉ cơ quan thường trực nhập tệp.",
        );
    }
    let up = match read_upload(&mut mp).await {
        Ok(up) => up,
        Err((status, msg)) => return refused(&u, status, msg),
    };
    if !u.check_csrf(&up.csrf) {
        return refused(
            &u,
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
        );
    }
    let today = time::OffsetDateTime::now_utc().date();
    let Some(reported_on) = up.reported_on.filter(|d| d.year() >= 2000 && *d <= today) else {
        return refused(
            &u,
            StatusCode::BAD_REQUEST,
            "Ngày số liệu không hợp lệ (không trước năm 2000, không sau hôm nay).",
        );
    };
    let Upload {
        file_name, bytes, ..
    } = up;
    if bytes.is_empty() || file_name.is_empty() {
        return refused(&u, StatusCode::BAD_REQUEST, "Chưa chọn tệp, hoặc tệp rỗng.");
    }
    let preview = match read(&state, &file_name, &bytes, reported_on).await {
        Ok(p) => p,
        Err(msg) => {
            return refused(&u, StatusCode::BAD_REQUEST, &format!("{file_name}: {msg}"));
        }
    };
    let Ok(token) = tiendo_service::accounts::new_token() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    {
        let mut pending = state.pending_imports.lock().await;
        pending.retain(|_, p| p.at.elapsed() < KEEP);
        pending.insert(
            token.clone(),
            Pending {
                user_id: u.user.id,
                file_name: file_name.clone(),
                bytes,
                reported_on,
                at: Instant::now(),
            },
        );
    }
    let body = preview_body(&u, &file_name, &preview, reported_on, &token);
    page("Xem trước", Some(&u), body).into_response()
}

/// The preview: each task read with its sentence and what to check, and the form that stores it.
fn preview_body(
    u: &CurrentUser,
    file_name: &str,
    preview: &DocumentPreview,
    reported_on: time::Date,
    token: &str,
) -> Markup {
    html! {
            h1 { "Xem trước: " (file_name) }
            p { (preview.tasks.len()) " nhiệm vụ · số liệu tính đến ngày " (vn(reported_on)) " · " (preview.warnings.len()) " cảnh báo" }
            @if !preview.warnings.is_empty() {
                h2 { "Cảnh báo" }
                ul { @for w in &preview.warnings { li { (w) } } }
            }
            form method="post" action={"/nhap-tep/" (token)} {
                input type="hidden" name="csrf" value=(u.csrf);
                p { button.primary type="submit" { "Lưu " (preview.tasks.len()) " nhiệm vụ" } " " a href="/nhap-tep" { "Hủy" } }
            }
            table {
                thead { tr { th { "TT" } th { "Nhiệm vụ" } th { "Chủ trì" } th { "Phối hợp" } th { "Thời hạn" } th { "Căn cứ giao" } } }
                tbody {
                    @for (i, t) in preview.tasks.iter().enumerate() {
                        @if !t.headings.is_empty() && (i == 0 || preview.tasks[i - 1].headings != t.headings) {
                            tr { td colspan="6" { strong { (t.headings.join(" › ")) } } }
                        }
                        tr {
                            td { (t.number) }
                            td {
                                (t.name)
                                // A task read from prose: its sentence, and what to check.
                                @if let Some(src) = t.source.as_deref().filter(|s| *s != t.name && s.contains(&t.name.chars().take(24).collect::<String>())) {
                                    br; span.muted { "Câu gốc: «" (src) "»" }
                                }
                                @if let Some(o) = &t.overseer { br; span.muted { "Theo dõi, chỉ đạo: " (o) } }
                                @for n in &t.notes { br; span.note { "⚠ " (n) } }
                            }
                            td { (refs(&t.lead)) }
                            td { (refs(&t.coordinators)) }
                            td { (t.deadline.raw) @if let Some(d) = t.deadline.due { br; span.muted { (vn(d)) } } @else { br; span.muted { (kind_words(t.deadline.kind)) } } }
                            td { (t.basis.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
    }
}

pub(crate) async fn read(
    state: &AppState,
    name: &str,
    bytes: &[u8],
    reported_on: time::Date,
) -> Result<DocumentPreview, String> {
    let reg = state
        .db
        .load_registry()
        .await
        .map_err(|e| e.to_string())?
        .registry;
    let name = name.to_string();
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        tiendo_office::read_bytes(
            &name,
            &bytes,
            ReadOptions {
                registry: &reg,
                reported_on,
            },
        )
        .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(token): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Response {
    if !u.is_standing() || !u.check_csrf(&f.csrf) {
        return (
            StatusCode::FORBIDDEN,
            form(
                &u,
                Some("Biểu mẫu đã hết hạn hoặc bạn không có quyền; hãy tải lại trang."),
            ),
        )
            .into_response();
    }
    let pending = {
        let mut map = state.pending_imports.lock().await;
        match map.get(&token) {
            Some(p) if p.user_id == u.user.id && p.at.elapsed() < KEEP => map.remove(&token),
            _ => None,
        }
    };
    let Some(p) = pending else {
        return (
            StatusCode::NOT_FOUND,
            form(
                &u,
                Some("Bản xem trước đã hết hạn hoặc đã được lưu; hãy tải tệp lên lại."),
            ),
        )
            .into_response();
    };
    let preview = match read(&state, &p.file_name, &p.bytes, p.reported_on).await {
        Ok(x) => x,
        Err(msg) => return (StatusCode::BAD_REQUEST, form(&u, Some(&msg))).into_response(),
    };
    let result = store(&state, &u, &p.file_name, None, &preview, p.reported_on).await;
    match result {
        Ok(s) => {
            let msg = format!(
                "Đã lưu {}: {} nhiệm vụ mới, {} cập nhật, {} không đổi; {} phân công.",
                p.file_name, s.tasks_created, s.tasks_updated, s.tasks_unchanged, s.assignments
            );
            page("Đã lưu", Some(&u), html! { h1 { "Đã nhập tệp" } p.flash.ok role="status" { (msg) } p { a href="/nhiem-vu" { "Xem danh sách nhiệm vụ" } } }).into_response()
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            form(
                &u,
                Some(&format!("Không lưu được, không có gì được lưu: {e}")),
            ),
        )
            .into_response(),
    }
}

/// Stores a previewed file in one transaction, under its key (default: the file name without
/// extension), through the service's one check; the data in memory follows.
pub(crate) async fn store(
    state: &AppState,
    u: &CurrentUser,
    file_name: &str,
    key: Option<&str>,
    preview: &DocumentPreview,
    reported_on: time::Date,
) -> Result<tiendo_store::import::ImportSummary, tiendo_service::Refusal> {
    let request = ImportRequest {
        committee: None,
        key,
        file_name,
        title: &preview.title,
        tasks: &preview.tasks,
        difficulties: &preview.difficulties,
        warnings: &preview.warnings,
        reported_on,
        progress: None,
    };
    tiendo_service::operations::import_document(state, u, request).await
}

fn kind_words(k: tiendo_domain::deadline::DeadlineKind) -> &'static str {
    use tiendo_domain::deadline::DeadlineKind::*;
    match k {
        Recurring => "thường xuyên",
        Conditional => "chưa có ngày cụ thể",
        Unknown => "không đọc được",
        _ => "",
    }
}
