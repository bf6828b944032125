//! An import in the browser, as a job kept in the database: the standing agency uploads a file,
//! it is read (in the background for a big one), the person sees each item with the sentence it
//! came from and whether it is new, changed or unchanged, drops or corrects items (lead,
//! deadline, text), and confirms; storing runs in the background, all or nothing. Every step is
//! checked here; the web adapter only shows it and runs the background work.

use crate::notices::Notice;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, parse_deadline};
use tiendo_domain::import_plan::TaskPlan;
use tiendo_domain::text::{TextProblem, TypedText, clean};
use tiendo_office::{DocumentPreview, ReadOptions};
use tiendo_store::import::ImportSummary;
use tiendo_store::import_jobs::{ImportJobRow, JobState};
use tiendo_store::users::User;

use crate::Service;
use crate::operations::{ImportRequest, Outcome, Refusal, import_document};

/// The items a person dropped from a preview, by their place in it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dropped {
    #[serde(default)]
    pub tasks: BTreeSet<usize>,
    #[serde(default)]
    pub difficulties: BTreeSet<usize>,
}

/// A job as the pages show it.
pub struct Job {
    pub token: String,
    pub file_name: String,
    pub doc_key: String,
    pub reported_on: time::Date,
    pub state: JobState,
    pub preview: Option<DocumentPreview>,
    pub dropped: Dropped,
    /// Why reading failed, or why storing was refused (the job is ready again then).
    pub error: Option<String>,
    pub summary: Option<ImportSummary>,
    /// The other system the file was exported from, whose ids name its tasks.
    pub external_system: Option<String>,
}

impl Job {
    /// The preview without the dropped items: what confirming stores.
    pub fn kept(&self) -> Option<DocumentPreview> {
        let mut p = self.preview.clone()?;
        p.tasks = p
            .tasks
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !self.dropped.tasks.contains(i))
            .map(|(_, t)| t)
            .collect();
        p.difficulties = p
            .difficulties
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !self.dropped.difficulties.contains(i))
            .map(|(_, d)| d)
            .collect();
        Some(p)
    }
}

/// What storing a file did, in one sentence: the tasks, difficulties and indicators stored
/// (each kind only when the file held some).
pub fn stored_words(s: &ImportSummary) -> String {
    let mut parts = Vec::new();
    let d = &s.difficulties;
    let i = &s.indicators;
    let had_difficulties = d.created + d.updated + d.unchanged > 0;
    let had_indicators = i.created + i.updated > 0;
    if s.tasks_created + s.tasks_updated + s.tasks_unchanged > 0
        || !(had_difficulties || had_indicators)
    {
        parts.push(format!(
            "{} nhiệm vụ mới, {} cập nhật, {} không đổi; {} phân công; {} báo cáo",
            s.tasks_created, s.tasks_updated, s.tasks_unchanged, s.assignments, s.reports
        ));
    }
    if had_difficulties {
        parts.push(format!(
            "khó khăn, vướng mắc: {} mới, {} cập nhật, {} không đổi",
            d.created, d.updated, d.unchanged
        ));
    }
    if had_indicators {
        parts.push(format!(
            "chỉ tiêu: {} mới, {} đã có; {} số liệu mới",
            i.created, i.updated, i.values
        ));
    }
    parts.join("; ")
}

fn standing(u: &User) -> Outcome<()> {
    if u.is_standing() {
        Ok(())
    } else {
        Err(Refusal::forbidden())
    }
}

/// The document key a file is imported under: its name without the extension.
pub fn doc_key_of(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(stem, _)| stem.to_string())
        .unwrap_or_else(|| file_name.to_string())
}

/// The other system a file was exported from, as typed on the upload form: `None` for an
/// ordinary file; refused unless plain text of at most 100 characters.
pub fn source_system(typed: &str) -> Outcome<Option<&str>> {
    match typed.trim() {
        "" => Ok(None),
        s if tiendo_domain::text::is_plain_id(s) => Ok(Some(s)),
        _ => Err(Refusal::bad(Notice::SourceSystemInvalid)),
    }
}

/// A new job for an uploaded file: checked, recorded as reading. Returns its token; the caller
/// reads the file with [`read`] (in the background). With `external_system`, the file is an
/// export of that system: its tasks are matched by the system's ids.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn start(
    state: &Service,
    u: &User,
    file_name: &str,
    reported_on: time::Date,
    external_system: Option<&str>,
) -> Outcome<String> {
    standing(u)?;
    let token = crate::accounts::new_token().map_err(Refusal::failed_because)?;
    state
        .db
        .create_import_job(
            &token,
            u.id,
            file_name,
            &doc_key_of(file_name),
            reported_on,
            external_system,
        )
        .await
        .map_err(Refusal::from_store)?;
    Ok(token)
}

/// What [`read`] reads a job's file with.
pub struct ReadRequest {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub reported_on: time::Date,
    /// For an export of another system: each task's id is read from this column (`None`: the
    /// usual headers, see [`tiendo_domain::import_plan::take_external_ids`]), and a file
    /// without ids is refused.
    pub ids: Option<Option<String>>,
}

/// Reads the file of a job; the job is then ready, or failed with the reader's one line.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read(state: &Service, token: &str, request: ReadRequest) {
    let ReadRequest {
        file_name,
        bytes,
        reported_on,
        ids,
    } = request;
    let outcome = match state.db.load_registry().await {
        Ok(reg) => tokio::task::spawn_blocking(move || {
            let mut preview = tiendo_office::read_bytes(
                &file_name,
                &bytes,
                ReadOptions {
                    registry: &reg.registry,
                    reported_on,
                },
            )
            .map_err(|e| format!("{file_name}: {e}"))?;
            if let Some(column) = ids {
                tiendo_domain::import_plan::take_external_ids(
                    &mut preview.tasks,
                    column.as_deref(),
                )
                .map_err(|e| format!("{file_name}: {e}"))?;
            }
            Ok(preview)
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string())),
        Err(e) => Err(e.to_string()),
    };
    let recorded = match outcome.and_then(|p| serde_json::to_string(&p).map_err(|e| e.to_string()))
    {
        Ok(json) => state.db.import_job_read(token, &json).await,
        Err(msg) => {
            state
                .db
                .import_job_failed(token, JobState::Reading, &msg)
                .await
        }
    };
    if let Err(e) = recorded {
        eprintln!("nhập tệp {token}: không ghi được kết quả đọc: {e}");
    }
}

/// A user's job, as it stands. A job its process left reading or storing for too long is
/// failed on the way (a storing transaction that died stored nothing).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn job(state: &Service, u: &User, token: &str) -> Outcome<Job> {
    standing(u)?;
    let row = state
        .db
        .import_job(token, u.id)
        .await
        .map_err(Refusal::from_store)?
        .ok_or_else(Refusal::not_found)?;
    if row.stale(time::OffsetDateTime::now_utc())
        && let Some(s) = row.state()
    {
        let _ = state
            .db
            .import_job_failed(
                token,
                s,
                "máy chủ đã dừng giữa chừng; không có gì được lưu — hãy tải tệp lên lại",
            )
            .await;
        return Box::pin(job(state, u, token)).await;
    }
    decode(row)
}

fn decode(row: ImportJobRow) -> Outcome<Job> {
    let state = row
        .state()
        .ok_or_else(|| Refusal::failed_because("trạng thái không rõ"))?;
    let preview = match &row.preview {
        Some(p) => Some(serde_json::from_str(p).map_err(Refusal::failed_because)?),
        None => None,
    };
    let summary = match &row.summary {
        Some(s) => Some(serde_json::from_str(s).map_err(Refusal::failed_because)?),
        None => None,
    };
    Ok(Job {
        token: row.token,
        file_name: row.file_name,
        doc_key: row.doc_key,
        reported_on: row.reported_on,
        state,
        preview,
        dropped: serde_json::from_str(&row.dropped).unwrap_or_default(),
        error: row.error,
        summary,
        external_system: row.external_system,
    })
}

/// A user's recent jobs, newest first.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn jobs_of(state: &Service, u: &User) -> Outcome<Vec<Job>> {
    standing(u)?;
    let rows = state
        .db
        .import_jobs_of(u.id, 10)
        .await
        .map_err(Refusal::from_store)?;
    rows.into_iter().map(decode).collect()
}

/// What confirming would do to each task of the preview: new, or the stored task it updates
/// and what changed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn plan(state: &Service, job: &Job) -> Outcome<Vec<TaskPlan>> {
    let Some(p) = &job.preview else {
        return Ok(Vec::new());
    };
    state
        .db
        .import_plan_for(None, &job.doc_key, &p.tasks, job.external_system.as_deref())
        .await
        .map_err(Refusal::from_store)
}

/// Which items of a preview a correction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Task,
    Difficulty,
}

/// Drops an item from what confirming stores, or keeps it again.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn set_dropped(
    state: &Service,
    u: &User,
    token: &str,
    kind: ItemKind,
    index: usize,
    drop: bool,
) -> Outcome<()> {
    let mut j = ready_job(state, u, token).await?;
    let len = item_count(&j, kind);
    if index >= len {
        return Err(Refusal::not_found());
    }
    let set = match kind {
        ItemKind::Task => &mut j.dropped.tasks,
        ItemKind::Difficulty => &mut j.dropped.difficulties,
    };
    if drop {
        set.insert(index);
    } else {
        set.remove(&index);
    }
    save(state, &j).await
}

fn item_count(j: &Job, kind: ItemKind) -> usize {
    j.preview.as_ref().map_or(0, |p| match kind {
        ItemKind::Task => p.tasks.len(),
        ItemKind::Difficulty => p.difficulties.len(),
    })
}

async fn ready_job(state: &Service, u: &User, token: &str) -> Outcome<Job> {
    let j = job(state, u, token).await?;
    if j.state != JobState::Ready || j.preview.is_none() {
        return Err(Refusal::bad(Notice::ImportClosed));
    }
    Ok(j)
}

async fn save(state: &Service, j: &Job) -> Outcome<()> {
    let preview = serde_json::to_string(&j.preview).map_err(Refusal::failed_because)?;
    let dropped = serde_json::to_string(&j.dropped).map_err(Refusal::failed_because)?;
    if state
        .db
        .import_job_corrected(&j.token, &preview, &dropped)
        .await
        .map_err(Refusal::from_store)?
    {
        Ok(())
    } else {
        Err(Refusal::bad(Notice::ImportClosed))
    }
}

/// A person's correction of a task read from a file: its text, its lead and coordinators as
/// they would be written in the document, its deadline as written.
#[derive(Debug, Clone, Default)]
pub struct TaskCorrection {
    pub name: String,
    pub lead: String,
    pub coordinators: String,
    pub deadline: String,
}

/// Text of an agency or deadline cell: optional, no markup, at most this many characters.
fn cell(s: &str, max: usize) -> Outcome<String> {
    if tiendo_domain::text::has_markup(s) {
        return Err(Refusal::bad(Notice::Markup));
    }
    let s = clean(s);
    if s.chars().count() > max {
        return Err(Refusal::bad(Notice::ItemTextInvalid));
    }
    Ok(s)
}

/// Corrects a task of the preview: the lead and coordinators are read again by the registry,
/// the deadline by the deadline rules; what is uncertain is said again in its notes. The item
/// is marked as corrected by hand.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn correct_task(
    state: &Service,
    u: &User,
    token: &str,
    index: usize,
    c: &TaskCorrection,
) -> Outcome<()> {
    let mut j = ready_job(state, u, token).await?;
    let name = TypedText::parse(&c.name).map_err(|p| match p {
        TextProblem::Markup => Refusal::bad(Notice::Markup),
        _ => Refusal::bad(Notice::ItemTextInvalid),
    })?;
    let lead = cell(&c.lead, 1000)?;
    let coordinators = cell(&c.coordinators, 2000)?;
    let deadline = cell(&c.deadline, 300)?;
    let reg = state
        .db
        .load_registry()
        .await
        .map_err(Refusal::from_store)?
        .registry;
    let on = Some(j.reported_on);
    let ctx = DeadlineContext {
        document_year: Some(j.reported_on.year()),
    };
    let Some(t) = j.preview.as_mut().and_then(|p| p.tasks.get_mut(index)) else {
        return Err(Refusal::not_found());
    };
    // As the new-task form: a deadline typed must read (31/02 is no day) and be plausible;
    // empty stays "chưa có thời hạn".
    let parsed = parse_deadline(&deadline, ctx);
    if !deadline.is_empty()
        && (parsed.kind == DeadlineKind::Unknown
            || parsed
                .due
                .is_some_and(|d| d.year() < 2000 || d.year() > j.reported_on.year() + 30))
    {
        return Err(Refusal::bad(Notice::ItemDeadlineUnreadable));
    }
    t.name = clean(name.as_str());
    t.lead = reg.resolve(&lead, on);
    t.coordinators = reg.resolve(&coordinators, on);
    t.deadline = parsed;
    t.notes = notes_after_correction(t);
    save(state, &j).await
}

/// What is still uncertain about a corrected task.
fn notes_after_correction(t: &tiendo_domain::model::ParsedTask) -> Vec<String> {
    use tiendo_domain::agency::RefKind;
    let mut notes = vec!["đã sửa tay trong bản xem trước".to_string()];
    if t.lead.is_empty() {
        notes.push("không có cơ quan chủ trì".into());
    }
    for a in t.lead.iter().chain(&t.coordinators) {
        if a.kind == RefKind::Unresolved {
            notes.push(format!("chưa xác định được cơ quan: {}", a.name));
        } else if let Some(n) = &a.note {
            notes.push(format!("{}: {n}", a.name));
        }
    }
    match t.deadline.kind {
        DeadlineKind::Unknown => notes.push("không có thời hạn: chưa đủ \"6 rõ\"".into()),
        DeadlineKind::Conditional => {
            notes.push("thời hạn không phải một ngày cụ thể (chưa đạt \"6 rõ\")".into())
        }
        _ => {}
    }
    notes
}

/// A person's correction of a difficulty read from a file.
#[derive(Debug, Clone, Default)]
pub struct DifficultyCorrection {
    pub agency: String,
    pub text: String,
    pub handlers: String,
}

/// Corrects a difficulty of the preview: the raising agency and the handling agencies are read
/// again by the registry (each handler keeps its answer when it is named again).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn correct_difficulty(
    state: &Service,
    u: &User,
    token: &str,
    index: usize,
    c: &DifficultyCorrection,
) -> Outcome<()> {
    let mut j = ready_job(state, u, token).await?;
    let text = TypedText::parse(&c.text).map_err(|p| match p {
        TextProblem::Markup => Refusal::bad(Notice::Markup),
        _ => Refusal::bad(Notice::ItemTextInvalid),
    })?;
    let agency = cell(&c.agency, 500)?;
    let handlers = cell(&c.handlers, 2000)?;
    let reg = state
        .db
        .load_registry()
        .await
        .map_err(Refusal::from_store)?
        .registry;
    let on = Some(j.reported_on);
    let Some(d) = j
        .preview
        .as_mut()
        .and_then(|p| p.difficulties.get_mut(index))
    else {
        return Err(Refusal::not_found());
    };
    d.text = clean(text.as_str());
    d.agency = reg.resolve(&agency, on);
    let old = std::mem::take(&mut d.handlers);
    d.handlers = reg
        .resolve(&handlers, on)
        .into_iter()
        .map(|a| match old.iter().find(|h| h.agency.name == a.name) {
            Some(h) => tiendo_domain::model::ParsedHandler {
                agency: a,
                ..h.clone()
            },
            None => tiendo_domain::model::ParsedHandler {
                agency: a,
                state: tiendo_domain::model::HandlerState::Open,
                answer: None,
                answer_due: None,
            },
        })
        .collect();
    d.notes.push("đã sửa tay trong bản xem trước".into());
    save(state, &j).await
}

/// Claims a ready job for storing (once: a second confirmation is refused).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn claim(state: &Service, u: &User, token: &str) -> Outcome<Job> {
    let j = ready_job(state, u, token).await?;
    if !state
        .db
        .import_job_claimed(token)
        .await
        .map_err(Refusal::from_store)?
    {
        return Err(Refusal::bad(Notice::ImportClosed));
    }
    Ok(j)
}

/// Stores a claimed job in one transaction (what was kept of it); the job is then stored with
/// what storing did, or ready again with the reason it was refused (nothing stored).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn store(
    state: &Service,
    u: &User,
    j: &Job,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Outcome<ImportSummary> {
    let Some(p) = j.kept() else {
        return Err(Refusal::not_found());
    };
    let request = ImportRequest {
        committee: None,
        key: Some(&j.doc_key),
        file_name: &j.file_name,
        title: &p.title,
        tasks: &p.tasks,
        difficulties: &p.difficulties,
        indicators: &p.indicators,
        warnings: &p.warnings,
        reported_on: j.reported_on,
        progress,
        external_system: j.external_system.as_deref(),
        silence_rule: p.silence_rule.as_ref(),
    };
    match import_document(state, u, request).await {
        Ok(s) => {
            let json = serde_json::to_string(&s).map_err(Refusal::failed_because)?;
            state
                .db
                .import_job_stored(&j.token, &json)
                .await
                .map_err(Refusal::from_store)?;
            Ok(s)
        }
        Err(e) => {
            let _ = state.db.import_job_refused(&j.token, &e.text()).await;
            Err(e)
        }
    }
}
