//! Import through the browser, as a job kept in the database (any server shows it): upload → the
//! file is read (in the background; a big one shows a progress bar, the page survives a reload)
//! → the preview, where each item stands beside the sentence it came from, says whether it is
//! new, changed or unchanged, and can be dropped or corrected (lead, deadline, text) → confirm:
//! stored in the background, all or nothing, with a progress bar. Nothing is stored before the
//! confirmation. The rules of each step are the service's (`tiendo_service::import_jobs`).

use crate::words::date_input;
use std::time::Duration;
use tiendo_service::notices::Notice;

use axum::Form;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::agency::{AgencyRef, RefKind};
use tiendo_domain::deadline::vn;
use tiendo_domain::import_plan::TaskPlan;
use tiendo_office::{DocumentPreview, MAX_FILE_BYTES, ReadOptions};
use tiendo_service::import_jobs::{self as jobs, ItemKind, Job};
use tiendo_service::operations::ImportRequest;
use tiendo_store::import_jobs::JobState;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;

/// Items of a preview shown on one page.
const PAGE: usize = 200;

/// How long an upload or a confirmation waits for its background work before showing the job's
/// page (a small file is read or stored by then; a big one shows its progress bar).
const WAIT: Duration = Duration::from_secs(3);

/// The import pages: upload, the job (progress, preview, outcome), confirmation, corrections.
pub(crate) fn routes() -> crate::RouteTable {
    let limit = || DefaultBodyLimit::max(MAX_FILE_BYTES as usize + 64 * 1024);
    crate::RouteTable::new()
        .add(
            "/nhap-tep",
            "GET POST",
            get(form_page).post(upload).layer(limit()),
        )
        .add("/nhap-tep/{token}", "GET POST", get(show).post(confirm))
        .add(
            "/nhap-tep/{token}/muc/{index}",
            "GET POST",
            get(task_form).post(correct_task),
        )
        .add(
            "/nhap-tep/{token}/kho-khan/{index}",
            "GET POST",
            get(difficulty_form).post(correct_difficulty),
        )
}

/// The upload form; `reported_on` is the day as typed when a refused upload comes back (none:
/// today).
fn form(u: &CurrentUser, error: Option<&str>, recent: &[Job], reported_on: Option<&str>) -> Markup {
    page(
        "Nhập tệp",
        Some(u),
        html! {
            h1 { "Nhập nhiệm vụ từ tệp" }
            p.muted { "Word (.docx), Excel (.xlsx, .xls, .ods), CSV, văn bản (.txt) hoặc PDF có lớp chữ: bảng nhiệm vụ, bảng khó khăn, vướng mắc, thông báo kết luận viết thành câu (mỗi câu giao việc thành một nhiệm vụ), hoặc công văn kèm nhiều phụ lục. Tối đa 50 MB. Xem trước, sửa hoặc bỏ từng mục, rồi mới lưu." }
            @if let Some(e) = error { p.flash.error role="alert" { (e) } }
            form.box method="post" action="/nhap-tep" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(u.csrf);
                label { "Tệp" input type="file" name="file" required accept=".docx,.xlsx,.xlsm,.xls,.ods,.csv,.txt,.tsv,.pdf"; }
                label { "Số liệu tiến độ tính đến ngày" (date_input("reported_on", reported_on.unwrap_or(&crate::words::today_iso()), false)) }
                button.primary type="submit" { "Xem trước" }
                details #tu-he-thong {
                    summary { "Tệp xuất từ hệ thống theo dõi khác (nq57, Hệ thống theo dõi nhiệm vụ của VPCP…)" }
                    p.muted { "Mỗi nhiệm vụ được đối chiếu theo mã của hệ thống đó: nhập lại tệp (kể cả dưới tên khác) cập nhật đúng nhiệm vụ đã lưu, không tạo bản trùng. Tệp phải có cột mã, mỗi nhiệm vụ một mã khác nhau." }
                    label { "Tên hệ thống" input type="text" name="system" maxlength="100" placeholder="nq57"; }
                    label { "Tiêu đề cột mã (để trống: Mã nhiệm vụ, Mã số nhiệm vụ, Mã NV, Mã định danh, Mã, ID, Mã số)" input type="text" name="id_column" maxlength="100"; }
                }
            }
            @if !recent.is_empty() {
                h2 { "Các lần nhập gần đây" }
                ul {
                    @for j in recent {
                        li { a href={"/nhap-tep/" (j.token)} { (j.file_name) } " — " (state_words(j.state)) }
                    }
                }
            }
        },
    )
}

fn state_words(s: JobState) -> &'static str {
    match s {
        JobState::Reading => "đang đọc",
        JobState::Ready => "chờ xem trước và xác nhận",
        JobState::Storing => "đang lưu",
        JobState::Stored => "đã lưu",
        JobState::Failed => "không đọc được",
    }
}

pub async fn form_page(State(state): State<AppState>, PageUser(u): PageUser) -> Response {
    if !u.is_standing() {
        return super::layout::forbidden_page(&u, "Chỉ cơ quan thường trực nhập tệp.");
    }
    let recent = jobs::jobs_of(&state, &u).await.unwrap_or_default();
    form(&u, None, &recent, None).into_response()
}

/// A refused upload: the form again with the reason.
fn refused(u: &CurrentUser, status: StatusCode, msg: &str, reported_on: Option<&str>) -> Response {
    (status, form(u, Some(msg), &[], reported_on)).into_response()
}

/// What the upload form sent.
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
    /// The day the figures stand at, as typed.
    reported_on: String,
    /// The other system the file was exported from, and the header of its id column, as typed.
    system: String,
    id_column: String,
}

const TOO_LARGE: &str = "Tệp quá lớn (tối đa 50 MB) hoặc tải lên bị gián đoạn.";

/// Reads the form's fields; a file over the limit or a broken upload is refused.
async fn read_upload(mp: &mut Multipart) -> Result<Upload, (StatusCode, &'static str)> {
    let mut up = Upload {
        csrf: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
        reported_on: String::new(),
        system: String::new(),
        id_column: String::new(),
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(up),
            Err(_) => return Err((StatusCode::BAD_REQUEST, TOO_LARGE)),
        };
        match field.name().unwrap_or("") {
            "csrf" => up.csrf = field.text().await.unwrap_or_default(),
            "reported_on" => up.reported_on = field.text().await.unwrap_or_default(),
            "system" => up.system = field.text().await.unwrap_or_default(),
            "id_column" => up.id_column = field.text().await.unwrap_or_default(),
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

/// The upload: checked, recorded as a job, read in the background; the job's page follows (the
/// preview when the file was read within a few seconds, its progress otherwise). A file that
/// cannot be read is refused on the form at once when that is known in time.
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
            None,
        );
    }
    let up = match read_upload(&mut mp).await {
        Ok(up) => up,
        Err((status, msg)) => return refused(&u, status, msg, None),
    };
    // Any refusal from here keeps the day as typed.
    let typed_day = up.reported_on.clone();
    let refused =
        |u: &CurrentUser, status: StatusCode, msg: &str| refused(u, status, msg, Some(&typed_day));
    if !u.check_csrf(&up.csrf) {
        return refused(
            &u,
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
        );
    }
    let today = crate::words::today();
    let reported_on = match tiendo_domain::deadline::past_user_date(&up.reported_on, today) {
        Ok(d) => d,
        Err(why) => {
            let msg = format!("Ngày số liệu: {}.", why.words(&up.reported_on));
            return refused(&u, StatusCode::BAD_REQUEST, &msg);
        }
    };
    let system = match jobs::source_system(&up.system) {
        Ok(s) => s.map(str::to_string),
        Err(e) => return refused(&u, StatusCode::BAD_REQUEST, &e.text()),
    };
    // The id column matters only for another system's export.
    let ids = match (&system, jobs::source_system(&up.id_column)) {
        (None, _) => None,
        (Some(_), Ok(column)) => Some(column.map(str::to_string)),
        (Some(_), Err(e)) => return refused(&u, StatusCode::BAD_REQUEST, &e.text()),
    };
    let Upload {
        file_name, bytes, ..
    } = up;
    if bytes.is_empty() || file_name.is_empty() {
        return refused(&u, StatusCode::BAD_REQUEST, "Chưa chọn tệp, hoặc tệp rỗng.");
    }
    let token = match jobs::start(&state, &u, &file_name, reported_on, system.as_deref()).await {
        Ok(t) => t,
        Err(e) => return refused(&u, StatusCode::INTERNAL_SERVER_ERROR, &e.text()),
    };
    let bg = state.clone();
    let t = token.clone();
    let request = jobs::ReadRequest {
        file_name,
        bytes,
        reported_on,
        ids,
    };
    let work = tokio::spawn(async move { jobs::read(&bg, &t, request).await });
    let _ = tokio::time::timeout(WAIT, work).await;
    // Unreadable: one clear line on the form, as before any job existed.
    if let Ok(j) = jobs::job(&state, &u, &token).await
        && j.state == JobState::Failed
    {
        let msg = j.error.unwrap_or_default();
        return refused(&u, StatusCode::BAD_REQUEST, &msg);
    }
    Redirect::to(&format!("/nhap-tep/{token}")).into_response()
}

#[derive(Deserialize, Default)]
pub struct JobQuery {
    /// Page of the preview's tasks.
    trang: Option<usize>,
    /// A message code after a correction.
    tb: Option<String>,
}

/// The job's page: its progress, its preview, or what storing did.
pub async fn show(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(token): Path<String>,
    Query(q): Query<JobQuery>,
) -> Response {
    if !u.is_standing() {
        return super::layout::forbidden_page(&u, "Chỉ cơ quan thường trực nhập tệp.");
    }
    let j = match jobs::job(&state, &u, &token).await {
        Ok(j) => j,
        Err(_) => return not_found(&u),
    };
    let body = match j.state {
        JobState::Reading => progress_body(&j, "Đang đọc tệp", None),
        JobState::Storing => {
            let count = state
                .import_progress
                .lock()
                .ok()
                .and_then(|m| m.get(&token).copied());
            progress_body(&j, "Đang lưu", count)
        }
        JobState::Failed => html! {
            h1 { "Không đọc được tệp" }
            p.flash.error role="alert" { (j.error.as_deref().unwrap_or("")) }
            p { a href="/nhap-tep" { "Tải tệp khác lên" } }
        },
        JobState::Stored => stored_body(&j),
        JobState::Ready => {
            let plan = jobs::plan(&state, &j).await.unwrap_or_default();
            preview_body(&u, &j, &plan, q.trang.unwrap_or(1), q.tb.as_deref())
        }
    };
    page(&format!("Nhập tệp {}", j.file_name), Some(&u), body).into_response()
}

fn not_found(u: &CurrentUser) -> Response {
    (
        StatusCode::NOT_FOUND,
        form(
            u,
            Some(
                "Không có lần nhập này (đã quá 7 ngày, hoặc của người khác); hãy tải tệp lên lại.",
            ),
            &[],
            None,
        ),
    )
        .into_response()
}

/// A progress bar that follows the job: the page reloads itself every second (no script).
fn progress_body(j: &Job, what: &str, count: Option<(usize, usize)>) -> Markup {
    html! {
        meta http-equiv="refresh" content="1";
        h1 { (what) ": " (j.file_name) }
        @match count {
            Some((done, total)) if total > 0 => {
                label for="tien-do" { (what) " " (done) "/" (total) " nhiệm vụ" }
                progress #tien-do value=(done) max=(total) { (done) "/" (total) }
            }
            _ => {
                label for="tien-do" { (what) " …" }
                progress #tien-do { (what) }
            }
        }
        p.muted { "Trang tự tải lại mỗi giây; có thể đóng trang rồi mở lại từ mục Nhập tệp." }
    }
}

fn stored_body(j: &Job) -> Markup {
    html! {
        h1 { "Đã nhập tệp" }
        @if let Some(s) = &j.summary {
            p.flash.ok role="status" { "Đã lưu " (j.file_name) ": " (jobs::stored_words(s)) "." }
            @if !s.indicators.warnings.is_empty() {
                details open {
                    summary { "Số liệu giữ nguyên văn, không tính (" (s.indicators.warnings.len()) ")" }
                    ul { @for w in &s.indicators.warnings { li { (w) } } }
                }
            }
        }
        p {
            // The tasks this file holds, when it held any; every task otherwise.
            @if j.summary.as_ref().is_some_and(|s| s.tasks_created + s.tasks_updated + s.tasks_unchanged > 0) {
                a #nhiem-vu-cua-tep href={"/nhiem-vu?van_ban=" (crate::words::enc(&j.doc_key))} { "Xem các nhiệm vụ của tệp này" } " · "
            }
            a href="/nhiem-vu" { "Tất cả nhiệm vụ" } " · " a href="/kho-khan" { "Khó khăn, vướng mắc" } " · " a href="/chi-tieu" { "Chỉ tiêu" } " · " a href="/nhap-tep" { "Nhập tệp khác" } }
    }
}

fn refs(r: &[AgencyRef]) -> Markup {
    html! {
        @for (i, a) in r.iter().enumerate() {
            @if i > 0 { "; " }
            @match (a.kind, &a.note) {
                (RefKind::Unresolved, note) => { span.muted title=(note.as_deref().unwrap_or("chưa xác định")) { "?" (a.name) } }
                // Read from a footnote, a former name, a typo corrected: said on hover.
                (_, Some(note)) => { span title=(note) { (a.name) } }
                (_, None) => { (a.name) }
            }
        }
    }
}

/// The words of the fields a re-import would change.
fn field_words(f: &str) -> &'static str {
    match f {
        "basis" => "căn cứ giao",
        "coordinators" => "phối hợp",
        "deadline" => "thời hạn",
        "expected_result" => "kết quả",
        "headings" => "mục",
        "lead" => "chủ trì",
        "name" => "tên",
        _ => "số thứ tự",
    }
}

fn verdict(p: Option<&TaskPlan>) -> Markup {
    html! {
        @match p {
            Some(TaskPlan::New) | None => { span.badge.v-new { "Mới" } }
            Some(TaskPlan::Existing { changed, .. }) if changed.is_empty() => { span.badge.v-same { "Không đổi" } }
            Some(TaskPlan::Existing { changed, .. }) => {
                span.badge.v-changed { "Thay đổi" } br;
                span.muted { (changed.iter().map(|f| field_words(f)).collect::<Vec<_>>().join(", ")) }
            }
        }
    }
}

/// The preview: each task with its sentence, what to check, whether it is new, changed or
/// unchanged, and its correction and drop buttons; the difficulties likewise; the confirmation.
fn preview_body(
    u: &CurrentUser,
    j: &Job,
    plan: &[TaskPlan],
    page_no: usize,
    tb: Option<&str>,
) -> Markup {
    let Some(p) = &j.preview else {
        return html! {};
    };
    let kept_tasks = p.tasks.len() - j.dropped.tasks.len();
    let kept_difficulties = p.difficulties.len() - j.dropped.difficulties.len();
    let count = |v: fn(&TaskPlan) -> bool| {
        plan.iter()
            .enumerate()
            .filter(|(i, x)| !j.dropped.tasks.contains(i) && v(x))
            .count()
    };
    let new = count(|x| matches!(x, TaskPlan::New));
    let unchanged =
        count(|x| matches!(x, TaskPlan::Existing { changed, .. } if changed.is_empty()));
    let pages = p.tasks.len().div_ceil(PAGE).max(1);
    let page_no = page_no.clamp(1, pages);
    let from = (page_no - 1) * PAGE;
    html! {
        h1 { "Xem trước: " (j.file_name) }
        @if let Some((msg, ok)) = tb.and_then(tiendo_service::notices::message) { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
        @if let Some(e) = &j.error { p.flash.error role="alert" { "Lần lưu trước bị từ chối, không có gì được lưu: " (e) } }
        p #tom-tat-tep {
            // Each kind the file holds, counted; "0 nhiệm vụ" only when it holds nothing.
            @if !p.tasks.is_empty() || (p.difficulties.is_empty() && p.indicators.is_empty()) {
                (p.tasks.len()) " nhiệm vụ (" (new) " mới, " (kept_tasks - new - unchanged) " thay đổi, " (unchanged) " không đổi"
                @if !j.dropped.tasks.is_empty() { ", " (j.dropped.tasks.len()) " đã bỏ" } ") · "
            }
            @if !p.difficulties.is_empty() { (p.difficulties.len()) " khó khăn, vướng mắc · " }
            @if !p.indicators.is_empty() { (p.indicators.len()) " chỉ tiêu · " }
            "số liệu tính đến ngày " (vn(j.reported_on)) " · " (p.warnings.len()) " cảnh báo"
            @let noted = p.rows_with_notes();
            @if noted > 0 { " · " (noted) " dòng có lưu ý ⚠" }
        }
        @if let Some(rule) = &p.silence_rule {
            p #quy-dinh-cam-ket {
                strong { "Không trả lời được hiểu là cam kết" }
                @if let Some(d) = rule.answer_by { " (áp dụng sau ngày " (vn(d)) ": cơ quan còn chậm mà chưa gửi cam kết được ghi là cam kết hoàn thành trong tháng)" }
                ": «" (rule.text) "»"
            }
        }
        @if let Some(system) = &j.external_system {
            p #he-thong-nguon { "Tệp xuất từ hệ thống " strong { (system) } ": mỗi nhiệm vụ được đối chiếu theo mã của hệ thống này, kể cả nhiệm vụ đã nhập từ tệp khác." }
        }
        @if !p.warnings.is_empty() {
            details open[p.warnings.len() <= 20] {
                summary { "Cảnh báo (" (p.warnings.len()) ")" }
                ul { @for w in &p.warnings { li { (w) } } }
            }
        }
        form #xac-nhan method="post" action={"/nhap-tep/" (j.token)} {
            input type="hidden" name="csrf" value=(u.csrf);
            p { button.primary type="submit" { "Lưu " (tiendo_office::contents_words(kept_tasks, kept_difficulties, p.indicators.len())) } " " a href="/nhap-tep" { "Hủy" } }
        }
        @if !p.tasks.is_empty() {
            h2 { "Nhiệm vụ" }
            @if pages > 1 { (pager(&j.token, page_no, pages)) }
            table.preview {
                thead { tr { th { "TT" } th { "Nhiệm vụ và câu gốc" } th { "Chủ trì" } th { "Phối hợp" } th { "Thời hạn" } th { "Căn cứ giao" } th { "So với đã lưu" } th { "Sửa, bỏ" } } }
                tbody {
                    @for (i, t) in p.tasks.iter().enumerate().skip(from).take(PAGE) {
                        @if !t.headings.is_empty() && (i == from || p.tasks[i - 1].headings != t.headings) {
                            tr { td colspan="8" { strong { (t.headings.join(" › ")) } } }
                        }
                        @let dropped = j.dropped.tasks.contains(&i);
                        tr id={"muc-" (i)} class=[dropped.then_some("dropped")] {
                            td { (t.number) @if let Some(id) = &t.external_id { br; span.muted title="mã của hệ thống nguồn" { "Mã " (id) } } }
                            td {
                                @if dropped { span.badge { "Đã bỏ" } " " }
                                (t.name)
                                // A task read from prose: its sentence, and what to check.
                                @if let Some(src) = t.source.as_deref().filter(|s| *s != t.name && s.to_lowercase().contains(&t.name.to_lowercase().chars().take(24).collect::<String>())) {
                                    br; span.muted { "Câu gốc: «" (src) "»" }
                                }
                                @if let Some(o) = &t.overseer { br; span.muted { "Theo dõi, chỉ đạo: " (o) } }
                                @for n in &t.notes { br; span.note { "⚠ " (n) } }
                            }
                            td { (refs(&t.lead)) }
                            td { (refs(&t.coordinators)) }
                            td {
                                (t.deadline.raw)
                                @if let Some(d) = t.deadline.due { br; span.muted { (vn(d)) } } @else { br; span.muted { (t.deadline.in_words()) } }
                                @if let Some(r) = &t.deadline.recurring { br; span.muted { "và báo cáo " (r) } }
                            }
                            td { (t.basis.as_deref().unwrap_or("")) }
                            td { (verdict(plan.get(i))) }
                            td { (item_actions(u, &j.token, "muc", i, dropped)) }
                        }
                    }
                }
            }
            @if pages > 1 { (pager(&j.token, page_no, pages)) }
        }
        @if !p.difficulties.is_empty() {
            h2 { "Khó khăn, vướng mắc" }
            table.preview {
                thead { tr { th { "TT" } th { "Cơ quan nêu" } th { "Khó khăn, vướng mắc" } th { "Cơ quan xử lý (trả lời)" } th { "Sửa, bỏ" } } }
                tbody {
                    @for (i, d) in p.difficulties.iter().enumerate() {
                        @if !d.headings.is_empty() && (i == 0 || p.difficulties[i - 1].headings != d.headings) {
                            tr { td colspan="5" { strong { (d.headings.join(" › ")) } } }
                        }
                        @let dropped = j.dropped.difficulties.contains(&i);
                        tr id={"kho-khan-" (i)} class=[dropped.then_some("dropped")] {
                            td { (d.number) }
                            td { (refs(&d.agency)) }
                            td {
                                @if dropped { span.badge { "Đã bỏ" } " " }
                                (d.text)
                                @if let Some(pr) = &d.proposal { br; span.muted { "Đề xuất: " (pr) } }
                                @for n in &d.notes { br; span.note { "⚠ " (n) } }
                            }
                            td {
                                @if d.handlers.is_empty() { "Cơ quan thường trực" }
                                ul.handlers { @for h in &d.handlers {
                                    li { (refs(std::slice::from_ref(&h.agency))) ": "
                                        @match h.state { tiendo_domain::model::HandlerState::Answered => { "đã trả lời" }, tiendo_domain::model::HandlerState::Open => { "chưa trả lời" } }
                                        @if let Some(a) = &h.answer { " — " (a) }
                                    }
                                } }
                            }
                            td { (item_actions(u, &j.token, "kho-khan", i, dropped)) }
                        }
                    }
                }
            }
        }
        @if !p.indicators.is_empty() {
            h2 { "Chỉ tiêu" }
            table.preview #chi-tieu {
                thead { tr { th { "TT" } th { "Chỉ tiêu" } th { "Đơn vị" } th { "Mục tiêu" } th { "Số liệu" } th { "Chủ trì" } } }
                tbody {
                    @for (i, x) in p.indicators.iter().enumerate() {
                        @if !x.headings.is_empty() && (i == 0 || p.indicators[i - 1].headings != x.headings) {
                            tr { td colspan="6" { strong { (x.headings.join(" › ")) } } }
                        }
                        tr id={"chi-tieu-" (i)} {
                            td { (x.number) }
                            td {
                                (x.name)
                                @for n in &x.notes { br; span.note { "⚠ " (n) } }
                            }
                            td { (x.unit.as_deref().unwrap_or("")) }
                            td { @if let Some(t) = &x.target { (t.raw) } }
                            td {
                                @if x.values.is_empty() { span.muted { "chưa có số liệu" } }
                                ul.handlers { @for v in &x.values {
                                    li {
                                        @if let Some(a) = &v.agency { (refs(std::slice::from_ref(a))) ": " }
                                        (v.value.raw)
                                        @if !v.value.has_figure() { " " span.muted { "(" (figure_words(&v.value)) ")" } }
                                    }
                                } }
                            }
                            td { (refs(&x.lead)) }
                        }
                    }
                }
            }
        }
    }
}

/// What a value without a figure is, in the preview: no figure yet, or why it was kept as
/// written.
fn figure_words(v: &tiendo_domain::indicator::ParsedValue) -> &str {
    match (v.form, v.note.as_deref()) {
        (tiendo_domain::indicator::ValueForm::NoData, _) => "chưa có số liệu",
        (_, Some(note)) => note,
        _ => "không đọc được số liệu, giữ nguyên văn",
    }
}

fn pager(token: &str, current: usize, pages: usize) -> Markup {
    html! {
        nav.pager aria-label="Trang của bản xem trước" {
            @for n in 1..=pages {
                @if n == current { strong { (n) } } @else { a href={"/nhap-tep/" (token) "?trang=" (n)} { (n) } }
                " "
            }
        }
    }
}

/// The correction link and the drop (or keep again) button of one item.
fn item_actions(u: &CurrentUser, token: &str, kind: &str, i: usize, dropped: bool) -> Markup {
    html! {
        a href={"/nhap-tep/" (token) "/" (kind) "/" (i)} { "Sửa" }
        form.inline method="post" action={"/nhap-tep/" (token) "/" (kind) "/" (i)} {
            input type="hidden" name="csrf" value=(u.csrf);
            @if dropped {
                input type="hidden" name="action" value="giu";
                button type="submit" { "Giữ lại" }
            } @else {
                input type="hidden" name="action" value="bo";
                button type="submit" { "Bỏ" }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
}

/// The confirmation: the job is claimed (once) and stored in the background, all or nothing;
/// the job's page follows (what was stored, or the progress bar).
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
                &[],
                None,
            ),
        )
            .into_response();
    }
    let j = match jobs::claim(&state, &u, &token).await {
        Ok(j) => j,
        Err(e) if e.code == Notice::NotFound => return not_found(&u),
        Err(e) => {
            return (StatusCode::CONFLICT, form(&u, Some(&e.text()), &[], None)).into_response();
        }
    };
    let bg = state.clone();
    let user = u.user.clone();
    let t = token.clone();
    let work = tokio::spawn(async move {
        let report = |done: usize, total: usize| {
            if let Ok(mut m) = bg.import_progress.lock() {
                m.insert(t.clone(), (done, total));
            }
        };
        let _ = jobs::store(&bg, &user, &j, Some(&report)).await;
        if let Ok(mut m) = bg.import_progress.lock() {
            m.remove(&t);
        }
    });
    let _ = tokio::time::timeout(WAIT, work).await;
    Redirect::to(&format!("/nhap-tep/{token}")).into_response()
}

#[derive(Deserialize)]
pub struct ItemForm {
    csrf: String,
    /// sua (correct), bo (drop), giu (keep again)
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    coordinators: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    handlers: String,
}

fn back_to(token: &str, code: Notice, anchor: &str) -> Response {
    Redirect::to(&format!("/nhap-tep/{token}?tb={code}#{anchor}")).into_response()
}

/// The correction form of one task of a preview.
pub async fn task_form(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((token, index)): Path<(String, usize)>,
) -> Response {
    item_page(&state, &u, &token, ItemKind::Task, index, None).await
}

/// The correction form of one difficulty of a preview.
pub async fn difficulty_form(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((token, index)): Path<(String, usize)>,
) -> Response {
    item_page(&state, &u, &token, ItemKind::Difficulty, index, None).await
}

/// The form, with the values as they stand (or as typed, when a correction was refused).
async fn item_page(
    state: &AppState,
    u: &CurrentUser,
    token: &str,
    kind: ItemKind,
    index: usize,
    refused: Option<(&str, &ItemForm)>,
) -> Response {
    if !u.is_standing() {
        return super::layout::forbidden_page(u, "Chỉ cơ quan thường trực nhập tệp.");
    }
    let Ok(j) = jobs::job(state, u, token).await else {
        return not_found(u);
    };
    let Some(p) = &j.preview else {
        return not_found(u);
    };
    let joined = |r: &[AgencyRef]| {
        r.iter()
            .map(|a| a.raw.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let body = match kind {
        ItemKind::Task => {
            let Some(t) = p.tasks.get(index) else {
                return not_found(u);
            };
            let typed = refused.map(|(_, f)| f);
            html! {
                h1 { "Sửa nhiệm vụ " (t.number) " của " (j.file_name) }
                @if let Some((msg, _)) = refused { p.flash.error role="alert" { (msg) } }
                @if let Some(src) = &t.source { p.muted { "Câu gốc / vị trí: «" (src) "»" } }
                form.box method="post" action={"/nhap-tep/" (j.token) "/muc/" (index)} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    input type="hidden" name="action" value="sua";
                    label { "Tên nhiệm vụ" textarea name="name" rows="4" required maxlength="5000" { (typed.map_or(t.name.as_str(), |f| f.name.as_str())) } }
                    label { "Cơ quan chủ trì (như văn bản ghi; đọc lại theo danh mục)" input type="text" name="lead" maxlength="1000" value=(typed.map_or(joined(&t.lead), |f| f.lead.clone())); }
                    label { "Cơ quan phối hợp" input type="text" name="coordinators" maxlength="2000" value=(typed.map_or(joined(&t.coordinators), |f| f.coordinators.clone())); }
                    label { "Thời hạn (như văn bản ghi: 30/6/2026, Quý II/2026, Thường xuyên …)" input type="text" name="deadline" maxlength="300" value=(typed.map_or(t.deadline.raw.clone(), |f| f.deadline.clone())); }
                    button.primary type="submit" { "Lưu sửa đổi" } " " a href={"/nhap-tep/" (j.token) "#muc-" (index)} { "Quay lại" }
                }
            }
        }
        ItemKind::Difficulty => {
            let Some(d) = p.difficulties.get(index) else {
                return not_found(u);
            };
            let typed = refused.map(|(_, f)| f);
            let handlers: Vec<&AgencyRef> = d.handlers.iter().map(|h| &h.agency).collect();
            html! {
                h1 { "Sửa khó khăn, vướng mắc của " (j.file_name) }
                @if let Some((msg, _)) = refused { p.flash.error role="alert" { (msg) } }
                form.box method="post" action={"/nhap-tep/" (j.token) "/kho-khan/" (index)} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    input type="hidden" name="action" value="sua";
                    label { "Cơ quan nêu" input type="text" name="agency" required maxlength="500" value=(typed.map_or(joined(&d.agency), |f| f.agency.clone())); }
                    label { "Khó khăn, vướng mắc" textarea name="text" rows="4" required maxlength="5000" { (typed.map_or(d.text.as_str(), |f| f.text.as_str())) } }
                    label { "Cơ quan xử lý" input type="text" name="handlers" maxlength="2000" value=(typed.map_or(handlers.iter().map(|a| a.raw.clone()).collect::<Vec<_>>().join("; "), |f| f.handlers.clone())); }
                    button.primary type="submit" { "Lưu sửa đổi" } " " a href={"/nhap-tep/" (j.token) "#kho-khan-" (index)} { "Quay lại" }
                }
            }
        }
    };
    let status = if refused.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, page("Sửa mục nhập", Some(u), body)).into_response()
}

pub async fn correct_task(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((token, index)): Path<(String, usize)>,
    Form(f): Form<ItemForm>,
) -> Response {
    correct(&state, &u, &token, ItemKind::Task, index, f).await
}

pub async fn correct_difficulty(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path((token, index)): Path<(String, usize)>,
    Form(f): Form<ItemForm>,
) -> Response {
    correct(&state, &u, &token, ItemKind::Difficulty, index, f).await
}

/// A correction, a drop or a keep: back to the item in the preview; a refused correction comes
/// back on its form with what was typed.
async fn correct(
    state: &AppState,
    u: &CurrentUser,
    token: &str,
    kind: ItemKind,
    index: usize,
    f: ItemForm,
) -> Response {
    let anchor = match kind {
        ItemKind::Task => format!("muc-{index}"),
        ItemKind::Difficulty => format!("kho-khan-{index}"),
    };
    if !u.check_csrf(&f.csrf) {
        return back_to(token, Notice::FormExpired, &anchor);
    }
    let outcome = match f.action.as_str() {
        "bo" | "giu" => jobs::set_dropped(state, u, token, kind, index, f.action == "bo")
            .await
            .map(|_| {
                if f.action == "bo" {
                    Notice::ItemDropped
                } else {
                    Notice::ItemKept
                }
            }),
        "sua" => match kind {
            ItemKind::Task => {
                let c = jobs::TaskCorrection {
                    name: f.name.clone(),
                    lead: f.lead.clone(),
                    coordinators: f.coordinators.clone(),
                    deadline: f.deadline.clone(),
                };
                jobs::correct_task(state, u, token, index, &c).await
            }
            ItemKind::Difficulty => {
                let c = jobs::DifficultyCorrection {
                    agency: f.agency.clone(),
                    text: f.text.clone(),
                    handlers: f.handlers.clone(),
                };
                jobs::correct_difficulty(state, u, token, index, &c).await
            }
        }
        .map(|_| Notice::ItemEdited),
        _ => return back_to(token, Notice::ItemTextInvalid, &anchor),
    };
    match outcome {
        Ok(code) => back_to(token, code, &anchor),
        Err(e) if e.code == Notice::Forbidden => {
            super::layout::forbidden_page(u, "Chỉ cơ quan thường trực nhập tệp.")
        }
        Err(e) if e.code == Notice::NotFound => not_found(u),
        Err(e) if f.action == "sua" => {
            item_page(state, u, token, kind, index, Some((&e.text(), &f))).await
        }
        Err(e) => back_to(token, e.code, &anchor),
    }
}

/// Reads a file into its preview (the API's import).
pub(crate) async fn read(
    state: &AppState,
    name: &str,
    bytes: &[u8],
    reported_on: time::Date,
) -> Result<DocumentPreview, String> {
    let reg = state.registry().await.map_err(|e| e.to_string())?.registry;
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

/// Stores a previewed file in one transaction, under its key (default: the file name without
/// extension), through the service's one check; the data in memory follows (the API's import).
pub(crate) async fn store(
    state: &AppState,
    u: &CurrentUser,
    file_name: &str,
    key: Option<&str>,
    preview: &DocumentPreview,
    reported_on: time::Date,
    external_system: Option<&str>,
) -> Result<tiendo_store::import::ImportSummary, tiendo_service::Refusal> {
    let request = ImportRequest {
        committee: None,
        key,
        file_name,
        title: &preview.title,
        tasks: &preview.tasks,
        difficulties: &preview.difficulties,
        indicators: &preview.indicators,
        warnings: &preview.warnings,
        reported_on,
        progress: None,
        external_system,
        silence_rule: preview.silence_rule.as_ref(),
    };
    tiendo_service::operations::import_document(state, u, request).await
}
