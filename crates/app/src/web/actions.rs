//! The forms that change data: an agency's progress report, deadline-change request and
//! difficulty; the standing agency's decision on a request and answer to a difficulty. Every form
//! carries the session's CSRF token; every value is checked on the server (a forged assignment id
//! or an absurd date stores nothing) and every change is audited.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tiendo_domain::deadline::parse_user_date;
use tiendo_domain::model::ReportedStatus;

use super::AppState;
use super::auth::{CurrentUser, PageUser};

/// Messages shown back on the task page, by code (no user text is echoed through the URL).
pub fn message(code: &str) -> Option<(&'static str, bool)> {
    Some(match code {
        "bao-cao" => ("Đã ghi báo cáo tiến độ.", true),
        "gia-han" => (
            "Đã gửi đề nghị điều chỉnh thời hạn; chờ cơ quan thường trực xem xét.",
            true,
        ),
        "duyet" => ("Đã duyệt điều chỉnh thời hạn.", true),
        "tu-choi" => ("Đã từ chối đề nghị điều chỉnh thời hạn.", true),
        "kho-khan" => ("Đã gửi khó khăn, vướng mắc.", true),
        "tra-loi" => ("Đã trả lời khó khăn, vướng mắc.", true),
        "xac-nhan" => ("Đã xác nhận hoàn thành.", true),
        "tra-lai" => (
            "Đã trả lại báo cáo hoàn thành; cơ quan sẽ thấy lý do.",
            true,
        ),
        "ly-do-tra-lai" => ("Cần nêu lý do trả lại.", false),
        "csrf" => (
            "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang rồi gửi lại.",
            false,
        ),
        "quyen" => (
            "Bạn không có quyền thực hiện việc này trên nhiệm vụ này.",
            false,
        ),
        "trang-thai" => ("Tình trạng báo cáo không hợp lệ.", false),
        "noi-dung" => ("Cần nội dung (tối đa 5.000 ký tự).", false),
        "ngay" => (
            "Ngày hoàn thành không hợp lệ (không trước năm 2000, không sau hôm nay).",
            false,
        ),
        "thoi-han" => (
            "Thời hạn đề nghị không đọc được (ví dụ: 30/6/2026, Quý III/2026) hoặc đã qua.",
            false,
        ),
        "ly-do" => ("Cần nêu lý do (tối đa 5.000 ký tự).", false),
        "co-quan" => (
            "Cơ quan không có trong danh mục hoặc đã hết hiệu lực.",
            false,
        ),
        "da-sua" => ("Đã lưu thay đổi của nhiệm vụ.", true),
        "ngay-hop" => ("Ngày họp không hợp lệ.", false),
        "van-ban" => (
            "Không nhận ra văn bản: nhập số ký hiệu (vd: 624/TB-VPCP) hoặc khóa của tệp đã nhập.",
            false,
        ),
        "phien-hop" => (
            "Cần tên phiên họp (tối đa 300 ký tự) và ngày họp hợp lý.",
            false,
        ),
        "giao" => ("Đã giao nhiệm vụ cho cơ quan từ hôm nay.", true),
        "chuyen-giao" => (
            "Đã chuyển giao: phân công cũ kết thúc, phân công mới bắt đầu từ hôm nay.",
            true,
        ),
        "ket-thuc-giao" => ("Đã kết thúc phân công từ hôm nay.", true),
        "da-giao" => ("Cơ quan này đã được giao nhiệm vụ với vai trò đó.", false),
        "vai-tro" => ("Vai trò không hợp lệ.", false),
        "phan-cong" => (
            "Phân công không thuộc nhiệm vụ này hoặc đã kết thúc.",
            false,
        ),
        "chuyen" => (
            "Đã chuyển khó khăn, vướng mắc cho cơ quan xử lý với hạn trả lời.",
            true,
        ),
        "han-tra-loi" => (
            "Hạn trả lời không hợp lệ (từ hôm nay đến tối đa 1 năm sau).",
            false,
        ),
        "da-xu-ly" => ("Đề nghị này đã được xử lý.", false),
        "loi" => ("Không lưu được; hãy thử lại.", false),
        "minh-chung" => (
            "Tệp minh chứng phải là PDF, Word (.docx), Excel (.xlsx), JPG hoặc PNG, tối đa 10 MB; không có gì được lưu.",
            false,
        ),
        "cam-ket" => ("Đã ghi cam kết hoàn thành và lộ trình.", true),
        "ngay-cam-ket" => ("Ngày cam kết phải từ hôm nay đến tối đa 2 năm sau.", false),
        "ten-goi" => (
            "Đã thêm tên gọi; các tệp nhập sau sẽ nhận ra tên này.",
            true,
        ),
        "ten-goi-trung" => (
            "Tên gọi trống, quá dài, hoặc đã là tên của cơ quan khác.",
            false,
        ),
        _ => return None,
    })
}

pub(crate) fn back(task: i64, code: &str) -> Response {
    Redirect::to(&format!("/nhiem-vu/{task}?tb={code}")).into_response()
}

pub(crate) fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// May this user act on this assignment of this task? The standing agency on any; a focal point
/// on its own agency's only.
async fn may_act(state: &AppState, u: &CurrentUser, task: i64, assignment: i64) -> bool {
    let Ok(list) = state.db.assignments_of(task).await else {
        return false;
    };
    let Some(_) = list.iter().find(|a| a.0 == assignment) else {
        return false;
    };
    if u.is_standing() {
        return true;
    }
    if u.user.role != "focal" {
        return false;
    }
    let snap = state.snapshot().await;
    let own = u
        .user
        .agency_id
        .and_then(|a| snap.agencies.get(&a))
        .map(|a| a.0.clone());
    list.iter()
        .any(|a| a.0 == assignment && Some(&a.1) == own.as_ref())
}

/// The standing agency's decisions: a valid form from the standing agency, or the answer to give.
pub(crate) fn standing_only(u: &CurrentUser, csrf: &str, task: i64) -> Option<Response> {
    if !u.check_csrf(csrf) {
        return Some(back(task, "csrf"));
    }
    if !u.is_standing() {
        return Some(back(task, "quyen"));
    }
    None
}

pub(crate) fn valid_text(s: &str) -> bool {
    let n = s.trim().chars().count();
    n > 0 && n <= 5000
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    csrf: String,
    assignment: String,
    status: String,
    text: String,
    #[serde(default)]
    completed_on: String,
}

/// Evidence files may be this large.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The content type of an allowed evidence file, from its name and its first bytes (both must
/// agree): PDF, Word, Excel, JPEG, PNG.
pub fn evidence_type(name: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF") => Some("application/pdf"),
        "docx" if bytes.starts_with(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "xlsx" if bytes.starts_with(b"PK\x03\x04") => {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        "jpg" | "jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => Some("image/jpeg"),
        "png" if bytes.starts_with(b"\x89PNG") => Some("image/png"),
        _ => None,
    }
}

/// The report form arrives as multipart (with an evidence file) or url-encoded (without).
async fn read_report(
    req: axum::extract::Request,
    state: &AppState,
) -> Result<(ReportForm, Option<(String, Vec<u8>)>), &'static str> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Form::<ReportForm>::from_request(req, state)
            .await
            .map(|Form(f)| (f, None))
            .map_err(|_| "loi");
    }
    let mut mp = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| "loi")?;
    let mut f = ReportForm::default();
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|_| "minh-chung")? {
        let name = field.name().unwrap_or("").to_string();
        if name == "evidence" {
            let fname: String = field
                .file_name()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(200)
                .collect();
            let bytes = field.bytes().await.map_err(|_| "minh-chung")?;
            if !fname.is_empty() && !bytes.is_empty() {
                if bytes.len() > MAX_EVIDENCE_BYTES {
                    return Err("minh-chung");
                }
                file = Some((fname, bytes.to_vec()));
            }
            continue;
        }
        let value = field.text().await.map_err(|_| "loi")?;
        match name.as_str() {
            "csrf" => f.csrf = value,
            "assignment" => f.assignment = value,
            "status" => f.status = value,
            "text" => f.text = value,
            "completed_on" => f.completed_on = value,
            _ => {}
        }
    }
    Ok((f, file))
}

pub async fn report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    req: axum::extract::Request,
) -> Response {
    let (f, file) = match read_report(req, &state).await {
        Ok(x) => x,
        Err(code) => return back(task, code),
    };
    if !u.check_csrf(&f.csrf) {
        return back(task, "csrf");
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, "quyen");
    };
    if !may_act(&state, &u, task, assignment).await {
        return back(task, "quyen");
    }
    let status = match f.status.as_str() {
        "" => None,
        s => match ReportedStatus::parse(s) {
            Some(s) => Some(s),
            None => return back(task, "trang-thai"),
        },
    };
    if !valid_text(&f.text) {
        return back(task, "noi-dung");
    }
    let completed = match f.completed_on.trim() {
        "" => None,
        s => match parse_user_date(s) {
            Some(d) if d.year() >= 2000 && d <= today() => Some(d),
            _ => return back(task, "ngay"),
        },
    };
    let completed = if status.is_some_and(|s| s.is_done()) {
        completed
    } else {
        None
    };
    let typed = match &file {
        Some((name, bytes)) => match evidence_type(name, bytes) {
            Some(ct) => Some((
                name.as_str(),
                ct,
                bytes.as_slice(),
                super::auth::sha256_bytes(bytes),
            )),
            None => return back(task, "minh-chung"),
        },
        None => None,
    };
    let evidence = typed
        .as_ref()
        .map(|(name, ct, bytes, sha)| tiendo_store::tasks::Evidence {
            file_name: name,
            content_type: ct,
            bytes,
            sha256: sha,
        });
    match state
        .db
        .add_report_with_evidence(
            assignment,
            today(),
            status,
            completed,
            Some(f.text.trim()),
            evidence,
            &u.user.username,
        )
        .await
    {
        Ok(_) => {
            let _ = state.refresh().await;
            back(task, "bao-cao")
        }
        Err(_) => back(task, "loi"),
    }
}

#[derive(Deserialize)]
pub struct DeadlineRequestForm {
    csrf: String,
    assignment: String,
    deadline: String,
    reason: String,
}

pub async fn request_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<DeadlineRequestForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(task, "csrf");
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, "quyen");
    };
    if !may_act(&state, &u, task, assignment).await {
        return back(task, "quyen");
    }
    if !valid_text(&f.reason) {
        return back(task, "ly-do");
    }
    let d = tiendo_domain::deadline::parse_deadline(&f.deadline, Default::default());
    if d.due.is_none_or(|due| due < today()) {
        return back(task, "thoi-han");
    }
    match state
        .db
        .request_deadline_change(task, assignment, &f.deadline, &f.reason, &u.user.username)
        .await
    {
        Ok(_) => back(task, "gia-han"),
        Err(_) => back(task, "thoi-han"),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
    task: i64,
}

async fn decide(
    state: AppState,
    u: CurrentUser,
    change: i64,
    f: CsrfOnly,
    approve: bool,
) -> Response {
    if let Some(refused) = standing_only(&u, &f.csrf, f.task) {
        return refused;
    }
    match state
        .db
        .decide_deadline_change(change, approve, today(), &u.user.username)
        .await
    {
        Ok(task) => {
            let _ = state.refresh().await;
            back(task, if approve { "duyet" } else { "tu-choi" })
        }
        Err(tiendo_store::StoreError::Invalid(_)) => back(f.task, "da-xu-ly"),
        Err(_) => back(f.task, "loi"),
    }
}

pub async fn approve_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(change): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    decide(state, u, change, f, true).await
}

pub async fn refuse_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(change): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    decide(state, u, change, f, false).await
}

#[derive(Deserialize)]
pub struct DifficultyForm {
    csrf: String,
    text: String,
    #[serde(default)]
    handler: String,
}

pub async fn raise_difficulty(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<DifficultyForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(task, "csrf");
    }
    // Raised by an agency assigned to the task, through its focal point.
    let Some(agency) = u.user.agency_id.filter(|_| u.user.role == "focal") else {
        return back(task, "quyen");
    };
    let assigned = state
        .db
        .assignments_of(task)
        .await
        .map(|l| !l.is_empty())
        .unwrap_or(false);
    let snap = state.snapshot().await;
    if !assigned || !snap.book.tasks_of_agency(agency).contains(&task) {
        return back(task, "quyen");
    }
    if !valid_text(&f.text) {
        return back(task, "noi-dung");
    }
    match state
        .db
        .raise_difficulty(
            task,
            agency,
            &f.text,
            Some(f.handler.trim()),
            today(),
            &u.user.username,
        )
        .await
    {
        Ok(_) => back(task, "kho-khan"),
        Err(tiendo_store::StoreError::Invalid(m)) if m.contains("cơ quan") => {
            back(task, "co-quan")
        }
        Err(_) => back(task, "loi"),
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    task: i64,
    #[serde(default)]
    note: String,
}

async fn review(
    state: AppState,
    u: CurrentUser,
    report: i64,
    f: ReviewForm,
    confirm: bool,
) -> Response {
    if let Some(refused) = standing_only(&u, &f.csrf, f.task) {
        return refused;
    }
    if !confirm && !valid_text(&f.note) {
        return back(f.task, "ly-do-tra-lai");
    }
    match state
        .db
        .review_report(report, confirm, &f.note, &u.user.username)
        .await
    {
        Ok(task) => {
            let _ = state.refresh().await;
            back(task, if confirm { "xac-nhan" } else { "tra-lai" })
        }
        Err(tiendo_store::StoreError::Invalid(_)) => back(f.task, "da-xu-ly"),
        Err(_) => back(f.task, "loi"),
    }
}

/// The standing agency confirms a reported completion.
pub async fn confirm_report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(report_id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Response {
    review(state, u, report_id, f, true).await
}

/// The standing agency returns a reported completion, with the reason.
pub async fn return_report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(report_id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Response {
    review(state, u, report_id, f, false).await
}

#[derive(Deserialize)]
pub struct CommitmentForm {
    csrf: String,
    assignment: String,
    committed_on: String,
    roadmap: String,
}

/// An agency commits to a completion date and a roadmap for a late assignment.
pub async fn commit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<CommitmentForm>,
) -> Response {
    if !u.check_csrf(&f.csrf) {
        return back(task, "csrf");
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, "quyen");
    };
    if !may_act(&state, &u, task, assignment).await {
        return back(task, "quyen");
    }
    let limit = today() + time::Duration::days(730);
    let Some(date) = parse_user_date(&f.committed_on).filter(|d| *d >= today() && *d <= limit)
    else {
        return back(task, "ngay-cam-ket");
    };
    if !valid_text(&f.roadmap) {
        return back(task, "noi-dung");
    }
    match state
        .db
        .add_commitment(assignment, date, &f.roadmap, &u.user.username)
        .await
    {
        Ok(_) => back(task, "cam-ket"),
        Err(_) => back(task, "loi"),
    }
}
