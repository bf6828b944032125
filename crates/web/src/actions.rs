//! The forms that change data on a task: an agency's progress report, deadline-change request,
//! difficulty and commitment; the standing agency's decisions on requests and reported
//! completions. Each form carries the session's CSRF token; the checks are [`tiendo_service::operations`]'s (the
//! same as the API's); the answer is the task page with a message.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use tiendo_service::operations::{
    self as ops, MAX_EVIDENCE_BYTES, Outcome, RefusalKind, ReportInput,
};

pub use tiendo_service::notices::{Notice, message};

pub(crate) fn back(task: i64, code: Notice) -> Response {
    Redirect::to(&format!("/nhiem-vu/{task}?tb={code}")).into_response()
}

/// The task page after a form: its message of success (`done`), or, refused, the page again
/// (422) with what was typed into it (not allowed, or no such task: back with the reason).
pub(crate) async fn answer<T>(
    state: &AppState,
    u: &CurrentUser,
    task: i64,
    typed: super::task::Typed,
    done: Notice,
    r: Outcome<T>,
) -> Response {
    match r {
        Ok(_) => back(task, done),
        Err(e) if matches!(e.kind, RefusalKind::Forbidden | RefusalKind::NotFound) => {
            back(task, e.code)
        }
        Err(e) => again(state, u, task, typed, e.code, e.text()).await,
    }
}

/// The task page again (422), the refused form holding what was typed.
async fn again(
    state: &AppState,
    u: &CurrentUser,
    task: i64,
    mut typed: super::task::Typed,
    code: Notice,
    message: String,
) -> Response {
    typed.code = Some(code);
    typed.message = message;
    super::task::render(state, u, task, crate::words::today(), None, Some(typed)).await
}

/// What was typed into a form of the task page.
pub(crate) fn typed(form: &'static str, values: Vec<(&'static str, String)>) -> super::task::Typed {
    super::task::Typed {
        form,
        values,
        ..Default::default()
    }
}

/// What was typed into the form of one row of the task page (`item`: the row's id).
pub(crate) fn typed_item(
    form: &'static str,
    item: i64,
    values: Vec<(&'static str, String)>,
) -> super::task::Typed {
    super::task::Typed {
        form,
        item: Some(item),
        values,
        ..Default::default()
    }
}

/// The form's CSRF token, or the page saying the form expired.
pub(crate) fn csrf(u: &CurrentUser, token: &str, task: i64) -> Option<Response> {
    (!u.check_csrf(token)).then(|| back(task, Notice::FormExpired))
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

/// What the report form brought: its fields, the evidence file, whether a file was chosen, and
/// the refusal met while reading it (the fields read until then are kept).
struct ReadReport {
    form: ReportForm,
    file: Option<(String, Vec<u8>)>,
    had_file: bool,
    refused: Option<Notice>,
}

/// The report form arrives as multipart (with an evidence file) or url-encoded (without).
async fn read_report(req: axum::extract::Request, state: &AppState) -> ReadReport {
    use axum::extract::FromRequest;
    let mut out = ReadReport {
        form: ReportForm::default(),
        file: None,
        had_file: false,
        refused: None,
    };
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        match Form::<ReportForm>::from_request(req, state).await {
            Ok(Form(f)) => out.form = f,
            Err(_) => out.refused = Some(Notice::Failed),
        }
        return out;
    }
    let Ok(mut mp) = axum::extract::Multipart::from_request(req, state).await else {
        out.refused = Some(Notice::Failed);
        return out;
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                out.refused = Some(Notice::EvidenceFileRefused);
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "evidence" {
            let fname: String = field
                .file_name()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(200)
                .collect();
            out.had_file |= !fname.is_empty();
            let Ok(bytes) = field.bytes().await else {
                out.refused = Some(Notice::EvidenceFileRefused);
                break;
            };
            if !fname.is_empty() && !bytes.is_empty() {
                if bytes.len() > MAX_EVIDENCE_BYTES {
                    out.refused = Some(Notice::EvidenceFileRefused);
                    break;
                }
                out.file = Some((fname, bytes.to_vec()));
            }
            continue;
        }
        let Ok(value) = field.text().await else {
            out.refused = Some(Notice::Failed);
            break;
        };
        let f = &mut out.form;
        match name.as_str() {
            "csrf" => f.csrf = value,
            "assignment" => f.assignment = value,
            "status" => f.status = value,
            "text" => f.text = value,
            "completed_on" => f.completed_on = value,
            _ => {}
        }
    }
    out
}

pub async fn report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    req: axum::extract::Request,
) -> Response {
    let read = read_report(req, &state).await;
    let f = read.form;
    // A body too large to read at all: nothing of the form arrived, not even its token.
    if let Some(code) = read.refused.filter(|_| f.csrf.is_empty()) {
        return back(task, code);
    }
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    // A refused report comes back in its form, with what was typed.
    let mut form = typed(
        "bao-cao",
        vec![
            ("assignment", f.assignment.clone()),
            ("status", f.status.clone()),
            ("text", f.text.clone()),
            ("completed_on", f.completed_on.clone()),
        ],
    );
    form.had_file = read.had_file;
    if let Some(code) = read.refused {
        return again(&state, &u, task, form, code, code.text().to_string()).await;
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, Notice::Forbidden);
    };
    let input = ReportInput {
        assignment,
        status: f.status,
        text: f.text,
        completed_on: f.completed_on,
    };
    let r = ops::report(&state, &u, task, &input, read.file).await;
    answer(&state, &u, task, form, Notice::ReportRecorded, r).await
}

#[derive(Deserialize)]
pub struct DeadlineRequestForm {
    csrf: String,
    assignment: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    reason: String,
}

pub async fn request_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<DeadlineRequestForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, Notice::Forbidden);
    };
    let r = ops::request_deadline(&state, &u, task, assignment, &f.deadline, &f.reason).await;
    let values = vec![
        ("assignment", f.assignment),
        ("deadline", f.deadline),
        ("reason", f.reason),
    ];
    answer(
        &state,
        &u,
        task,
        typed("gia-han", values),
        Notice::ExtensionRequested,
        r,
    )
    .await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    task: i64,
    #[serde(default)]
    note: String,
}

async fn decide(
    state: AppState,
    u: CurrentUser,
    change: i64,
    f: DecisionForm,
    approve: bool,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, f.task) {
        return r;
    }
    let r = ops::decide_deadline(&state, &u, change, approve, &f.note).await;
    if approve {
        return match r {
            Ok(task) => back(task, Notice::ExtensionApproved),
            Err(e) => back(f.task, e.code),
        };
    }
    let typed = typed_item("tu-choi", change, vec![("note", f.note)]);
    answer(&state, &u, f.task, typed, Notice::ExtensionRefused, r).await
}

pub async fn approve_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(change): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    decide(state, u, change, f, true).await
}

pub async fn refuse_deadline(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(change): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    decide(state, u, change, f, false).await
}

#[derive(Deserialize)]
pub struct DifficultyForm {
    csrf: String,
    #[serde(default)]
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
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let r = ops::raise_difficulty(&state, &u, task, &f.text, &f.handler).await;
    let values = vec![("text", f.text), ("handler", f.handler)];
    answer(
        &state,
        &u,
        task,
        typed("kho-khan", values),
        Notice::DifficultyRaised,
        r,
    )
    .await
}

async fn review(
    state: AppState,
    u: CurrentUser,
    report: i64,
    f: DecisionForm,
    confirm: bool,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, f.task) {
        return r;
    }
    let r = ops::review(&state, &u, report, confirm, &f.note).await;
    if confirm {
        return match r {
            Ok(task) => back(task, Notice::CompletionConfirmed),
            Err(e) => back(f.task, e.code),
        };
    }
    let typed = typed_item("tra-lai", report, vec![("note", f.note)]);
    answer(&state, &u, f.task, typed, Notice::CompletionReturned, r).await
}

/// The standing agency confirms a reported completion.
pub async fn confirm_report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(report_id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    review(state, u, report_id, f, true).await
}

/// The standing agency returns a reported completion, with the reason.
pub async fn return_report(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(report_id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    review(state, u, report_id, f, false).await
}

#[derive(Deserialize)]
pub struct CommitmentForm {
    csrf: String,
    assignment: String,
    #[serde(default)]
    committed_on: String,
    #[serde(default)]
    roadmap: String,
}

/// An agency commits to a completion date and a roadmap for a late assignment.
pub async fn commit(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<CommitmentForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let Ok(assignment) = f.assignment.parse::<i64>() else {
        return back(task, Notice::Forbidden);
    };
    let r = ops::commit(&state, &u, task, assignment, &f.committed_on, &f.roadmap).await;
    let values = vec![
        ("assignment", f.assignment),
        ("committed_on", f.committed_on),
        ("roadmap", f.roadmap),
    ];
    answer(
        &state,
        &u,
        task,
        typed("cam-ket", values),
        Notice::CommitmentRecorded,
        r,
    )
    .await
}

#[derive(Deserialize)]
pub struct DirectionForm {
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    answer_due: String,
}

/// A leader (or the standing agency) gives a direction or asks for an explanation.
pub async fn give_direction(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(task): Path<i64>,
    Form(f): Form<DirectionForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, task) {
        return r;
    }
    let done = if f.kind == "explanation" {
        Notice::ExplanationRequested
    } else {
        Notice::DirectionGiven
    };
    let r = ops::give_direction(&state, &u, task, &f.kind, &f.agency, &f.text, &f.answer_due).await;
    let values = vec![
        ("kind", f.kind),
        ("agency", f.agency),
        ("text", f.text),
        ("answer_due", f.answer_due),
    ];
    answer(&state, &u, task, typed("chi-dao", values), done, r).await
}

#[derive(Deserialize)]
pub struct DirectionAnswerForm {
    csrf: String,
    task: i64,
    #[serde(default)]
    answer: String,
}

/// The agency addressed answers a direction or request.
pub async fn answer_direction(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<DirectionAnswerForm>,
) -> Response {
    if let Some(r) = csrf(&u, &f.csrf, f.task) {
        return r;
    }
    let r = ops::answer_direction(&state, &u, id, &f.answer).await;
    let typed = typed_item("tra-loi-chi-dao", id, vec![("answer", f.answer)]);
    answer(&state, &u, f.task, typed, Notice::DirectionAnswered, r).await
}
