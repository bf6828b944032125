//! What users do, checked once for the browser's forms and the JSON API alike: who may do it and
//! whether the values make sense; then the store records it (in one transaction, audited) and
//! the data in memory follows. A refusal stores nothing and says why, by a message code.

use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::parse_user_date;
use tiendo_domain::model::{ParsedDifficulty, ParsedIndicator, ParsedTask, ReportedStatus, Role};
use tiendo_domain::text::{TextProblem, TypedText};
use tiendo_store::StoreError;
use tiendo_store::edit::TaskEdit;
use tiendo_store::import::{ImportInput, ImportSummary};

use tiendo_store::tasks::RecordOfTask;
use tiendo_store::users::User;

use crate::Service;
use crate::notices::Notice;

/// What kind of refusal: the web adapter answers each with its HTTP status, the command line
/// with its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The values make no sense, or the record's state no longer allows the change.
    Invalid,
    /// The user may not do this.
    Forbidden,
    /// The record does not exist.
    NotFound,
    /// The store failed; nothing was recorded. Its cause is in the log under the refusal's
    /// incident code, never in what the user is told.
    Failed,
    /// The database is busy or unreachable for now (no connection freed in time, a lock held
    /// too long); nothing was recorded and the same request may succeed in a moment.
    Unavailable,
}

/// Why an action was refused: what the user is told ([`Notice`]), its kind, and the store's own
/// words when it gave a reason.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: Notice,
    pub kind: RefusalKind,
    pub detail: Option<String>,
    /// A failure's code in the server's log, where its cause is written.
    pub incident: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    fn new(code: Notice, kind: RefusalKind) -> Self {
        Refusal {
            code,
            kind,
            detail: None,
            incident: None,
        }
    }
    pub(crate) fn bad(code: Notice) -> Self {
        Self::new(code, RefusalKind::Invalid)
    }
    pub(crate) fn forbidden() -> Self {
        Self::new(Notice::Forbidden, RefusalKind::Forbidden)
    }
    pub(crate) fn other_committee() -> Self {
        Self::new(Notice::OtherCommittee, RefusalKind::Forbidden)
    }
    pub(crate) fn not_found() -> Self {
        Self::new(Notice::NotFound, RefusalKind::NotFound)
    }
    pub(crate) fn failed() -> Self {
        Self::new(Notice::Failed, RefusalKind::Failed)
    }
    /// A failure: its cause goes to the log under a new incident code, which is all the user
    /// is told of it (a database's own words may name tables, columns or paths).
    pub fn failed_because(cause: impl std::fmt::Display) -> Self {
        let code = incident_code();
        tracing::error!(incident = %code, error = %cause, "an action failed");
        Refusal {
            incident: Some(code),
            ..Self::failed()
        }
    }
    /// The refusal for a store error that is not the user's doing: busy or unreachable
    /// ([`StoreError::is_transient`]: come back in a moment), otherwise a failure, logged.
    pub fn from_store(e: StoreError) -> Self {
        if e.is_transient() {
            tracing::warn!(error = %e, "the database is busy or unreachable");
            Self::new(Notice::Busy, RefusalKind::Unavailable)
        } else {
            Self::failed_because(e)
        }
    }
    pub(crate) fn with(mut self, detail: String) -> Self {
        self.detail = Some(detail);
        self
    }

    /// The message for people: the store's reason when there is one, else the code's; for a
    /// failure, only its incident code.
    pub fn text(&self) -> String {
        if let Some(incident) = &self.incident {
            return format!(
                "Không lưu được (mã sự cố {incident}); không có gì thay đổi, hãy thử lại sau."
            );
        }
        match &self.detail {
            Some(d) => {
                let mut c = d.chars();
                match c.next() {
                    Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
                    None => String::new(),
                }
            }
            None => self.code.text().to_string(),
        }
    }
}

pub type Outcome<T> = Result<T, Refusal>;

/// A short code naming one failure in the server's log (the time, folded to 8 hex digits).
pub fn incident_code() -> String {
    format!(
        "{:08x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0)
    )
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Typed text: no HTML markup, anything else is kept as typed and shown escaped.
fn plain(fields: &[&str]) -> Outcome<()> {
    if fields.iter().any(|f| tiendo_domain::text::has_markup(f)) {
        Err(Refusal::bad(Notice::Markup))
    } else {
        Ok(())
    }
}

/// Required typed text, parsed ([`TypedText`]): markup is refused as such, an empty or too long
/// text with the code `missing`.
fn typed(s: &str, missing: Notice) -> Outcome<TypedText> {
    TypedText::parse(s).map_err(|p| match p {
        TextProblem::Markup => Refusal::bad(Notice::Markup),
        TextProblem::Empty | TextProblem::TooLong => Refusal::bad(missing),
    })
}

pub(crate) fn standing(u: &User) -> Outcome<()> {
    if u.is_standing() {
        Ok(())
    } else {
        Err(Refusal::forbidden())
    }
}

/// The user may change this task: its own committee's, or its own agency's assignment
/// ([`tiendo_domain::access::Access::acts`]). Another committee's task it reads is refused as
/// such; a task it may not see is not found.
pub(crate) async fn on_own_task(state: &Service, u: &User, task: i64) -> Outcome<()> {
    match state
        .task_with_access(u, task)
        .await
        .map_err(Refusal::from_store)?
    {
        None => Err(Refusal::not_found()),
        Some((_, a)) if a.acts() => Ok(()),
        Some(_) => Err(Refusal::other_committee()),
    }
}

/// [`on_own_task`] for a record kept beside a task (a deadline change, a report, a difficulty,
/// a direction), named by its own id; a difficulty on no task is its committee's as before.
async fn on_own_record(
    state: &Service,
    u: &User,
    kind: tiendo_store::tasks::RecordOfTask,
    id: i64,
) -> Outcome<()> {
    match state
        .db
        .task_of_record(kind, id)
        .await
        .map_err(Refusal::from_store)?
    {
        Some(task) => on_own_task(state, u, task).await,
        None => Ok(()),
    }
}

/// The committee a change is made in: a province's officer works in its own committee (naming
/// another is refused); the Government's in the one named (default: the Government's).
pub(crate) async fn own_committee(
    state: &Service,
    u: &User,
    named: Option<&str>,
) -> Outcome<Option<String>> {
    let snap = state.snapshot().await;
    let named = named.map(str::trim).filter(|c| !c.is_empty());
    match snap
        .committee(u.committee_id)
        .filter(|c| c.level == "province")
    {
        None => Ok(named.map(str::to_string)),
        Some(own) if named.is_none_or(|c| c.eq_ignore_ascii_case(&own.code)) => {
            Ok(Some(own.code.clone()))
        }
        Some(_) => Err(Refusal::other_committee()),
    }
}

/// May this user act on this assignment of this task? The standing agency on any; a focal point
/// on its own agency's only.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn may_act(state: &Service, u: &User, task: i64, assignment: i64) -> bool {
    if on_own_task(state, u, task).await.is_err() {
        return false;
    }
    let Ok(list) = state.db.assignments_of(task).await else {
        return false;
    };
    let Some(a) = list.iter().find(|a| a.id == assignment) else {
        return false;
    };
    if u.is_standing() {
        return true;
    }
    if u.role != UserRole::Focal {
        return false;
    }
    let snap = state.snapshot().await;
    u.agency_id
        .and_then(|id| snap.agencies.get(&id))
        .is_some_and(|own| own.code == a.agency_code)
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

/// A progress report as a form or the API sends it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    pub assignment: i64,
    /// done, done_late, in_progress, not_done; empty for a report of text only
    #[serde(default)]
    pub status: String,
    pub text: String,
    /// YYYY-MM-DD, when done
    #[serde(default)]
    pub completed_on: String,
}

/// An agency (or the standing agency) reports on an assignment, with an evidence file.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn report(
    state: &Service,
    u: &User,
    task: i64,
    f: &ReportInput,
    evidence: Option<(String, Vec<u8>)>,
) -> Outcome<i64> {
    if !may_act(state, u, task, f.assignment).await {
        return Err(Refusal::forbidden());
    }
    let status = match f.status.trim() {
        "" => None,
        s => Some(ReportedStatus::parse(s).ok_or(Refusal::bad(Notice::StatusInvalid))?),
    };
    let text = typed(&f.text, Notice::TextMissing)?;
    let completed = match f.completed_on.trim() {
        "" => None,
        s => Some(
            tiendo_domain::deadline::past_user_date(s, today()).map_err(|why| {
                Refusal::bad(Notice::CompletionDateInvalid)
                    .with(format!("ngày hoàn thành: {}", why.words(s)))
            })?,
        ),
    };
    let completed = if status.is_some_and(|s| s.is_done()) {
        completed
    } else {
        None
    };
    let evidence = match &evidence {
        Some((name, bytes)) => {
            if bytes.len() > MAX_EVIDENCE_BYTES {
                return Err(Refusal::bad(Notice::EvidenceFileRefused));
            }
            match evidence_type(name, bytes) {
                Some(ct) => Some((
                    name.as_str(),
                    ct,
                    bytes.as_slice(),
                    crate::accounts::sha256_bytes(bytes),
                )),
                None => return Err(Refusal::bad(Notice::EvidenceFileRefused)),
            }
        }
        None => None,
    };
    let file = evidence
        .as_ref()
        .map(|(name, ct, bytes, sha)| tiendo_store::tasks::Evidence {
            file_name: name,
            content_type: ct,
            bytes,
            sha256: sha,
        });
    let id = state
        .db
        .add_report_with_evidence(
            f.assignment,
            today(),
            status,
            completed,
            Some(text.as_str().trim()),
            file,
            &u.username,
        )
        .await
        .map_err(Refusal::from_store)?;
    let _ = state.refresh().await;
    Ok(id)
}

/// An agency asks for a new deadline on its assignment.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn request_deadline(
    state: &Service,
    u: &User,
    task: i64,
    assignment: i64,
    deadline: &str,
    reason: &str,
) -> Outcome<i64> {
    if !may_act(state, u, task, assignment).await {
        return Err(Refusal::forbidden());
    }
    let reason = typed(reason, Notice::ReasonMissing)?;
    plain(&[deadline])?;
    let d = tiendo_domain::deadline::parse_deadline(deadline, Default::default());
    if d.due.is_none_or(|due| due < today()) || deadline.chars().count() > 200 {
        return Err(Refusal::bad(Notice::DeadlineUnreadable));
    }
    let id = state
        .db
        .request_deadline_change(task, assignment, deadline, reason.as_str(), &u.username)
        .await
        .map_err(|_| Refusal::bad(Notice::DeadlineUnreadable))?;
    let _ = state.refresh().await;
    Ok(id)
}

/// The standing agency approves (in force from today) or refuses a deadline request; a refusal
/// carries its reason to the agency.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn decide_deadline(
    state: &Service,
    u: &User,
    change: i64,
    approve: bool,
    note: &str,
) -> Outcome<i64> {
    standing(u)?;
    on_own_record(state, u, RecordOfTask::DeadlineChange, change).await?;
    if approve {
        plain(&[note])?;
    } else {
        typed(note, Notice::RefusalReasonMissing)?;
    }
    let task = state
        .db
        .decide_deadline_change(change, approve, note, today(), &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => Refusal::bad(Notice::AlreadyHandled),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(task)
}

/// An agency's focal point raises a difficulty on a task its agency is assigned, naming who should
/// resolve it (empty: the standing agency).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn raise_difficulty(
    state: &Service,
    u: &User,
    task: i64,
    text: &str,
    handler: &str,
) -> Outcome<i64> {
    let Some(agency) = u.own_agency() else {
        return Err(Refusal::forbidden());
    };
    let snap = state.snapshot().await;
    if !snap.book.tasks_of_agency(agency).contains(&task) {
        return Err(Refusal::forbidden());
    }
    let text = typed(text, Notice::TextMissing)?;
    let id = state
        .db
        .raise_difficulty(
            task,
            agency,
            text.as_str(),
            Some(handler.trim()),
            today(),
            &u.username,
        )
        .await
        .map_err(|e| match e {
            StoreError::UnknownAgency(_) => Refusal::bad(Notice::AgencyUnknown),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(id)
}

/// The standing agency confirms a reported completion, or returns it with the reason.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn review(
    state: &Service,
    u: &User,
    report: i64,
    confirm: bool,
    note: &str,
) -> Outcome<i64> {
    standing(u)?;
    on_own_record(state, u, RecordOfTask::ProgressReport, report).await?;
    // A return needs its reason; a confirmation may carry a note.
    if confirm {
        plain(&[note])?;
    } else {
        typed(note, Notice::ReturnReasonMissing)?;
    }
    let task = state
        .db
        .review_report(report, confirm, note, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => Refusal::bad(Notice::AlreadyHandled),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(task)
}

/// An agency commits to a completion date (today to two years on) and a roadmap.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn commit(
    state: &Service,
    u: &User,
    task: i64,
    assignment: i64,
    committed_on: &str,
    roadmap: &str,
) -> Outcome<i64> {
    if !may_act(state, u, task, assignment).await {
        return Err(Refusal::forbidden());
    }
    let limit = today() + time::Duration::days(730);
    let Some(date) = parse_user_date(committed_on).filter(|d| *d >= today() && *d <= limit) else {
        return Err(Refusal::bad(Notice::CommitmentDateInvalid));
    };
    let roadmap = typed(roadmap, Notice::TextMissing)?;
    let id = state
        .db
        .add_commitment(assignment, date, roadmap.as_str(), &u.username)
        .await
        .map_err(Refusal::from_store)?;
    let _ = state.refresh().await;
    Ok(id)
}

/// The standing agency, or the focal point of the agency a difficulty was forwarded to, answers.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn answer_difficulty(
    state: &Service,
    u: &User,
    id: i64,
    answer: &str,
) -> Outcome<Option<i64>> {
    let handlers = state
        .db
        .difficulty_handler_ids(id)
        .await
        .map_err(Refusal::from_store)?
        .ok_or_else(Refusal::not_found)?;
    let by_agency = if u.is_standing() {
        on_own_record(state, u, RecordOfTask::Difficulty, id).await?;
        None
    } else if u.role == UserRole::Focal {
        let own = u.agency_id.ok_or_else(Refusal::forbidden)?;
        if !handlers.contains(&own) {
            return Err(Refusal::forbidden());
        }
        Some(own)
    } else {
        return Err(Refusal::forbidden());
    };
    let answer = typed(answer, Notice::TextMissing)?;
    let task = state
        .db
        .answer_difficulty(id, answer.as_str(), today(), by_agency, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::NotYours(_) => Refusal::forbidden(),
            StoreError::Invalid(_) => Refusal::bad(Notice::AlreadyHandled),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(task)
}

/// The standing agency forwards a difficulty to the agency that must resolve it, with the day it
/// must answer by (today to a year on).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn forward_difficulty(
    state: &Service,
    u: &User,
    id: i64,
    handler: &str,
    answer_due: &str,
) -> Outcome<Option<i64>> {
    standing(u)?;
    on_own_record(state, u, RecordOfTask::Difficulty, id).await?;
    let day = today();
    let Some(due) =
        parse_user_date(answer_due).filter(|d| *d >= day && *d <= day + time::Duration::days(366))
    else {
        return Err(Refusal::bad(Notice::AnswerDueInvalid));
    };
    let task = state
        .db
        .forward_difficulty(id, handler.trim(), due, day, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::UnknownAgency(_) => Refusal::bad(Notice::AgencyUnknown),
            StoreError::Invalid(_) => Refusal::bad(Notice::AlreadyHandled),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(task)
}

/// The standing agency edits a task.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn edit_task(state: &Service, u: &User, id: i64, e: &TaskEdit) -> Outcome<()> {
    standing(u)?;
    on_own_task(state, u, id).await?;
    plain(&[
        &e.name,
        &e.expected_result,
        &e.basis,
        &e.overseer,
        &e.new_deadline,
        &e.reason,
    ])?;
    state
        .db
        .edit_task(id, e, today(), &u.username)
        .await
        .map_err(|err| match err {
            StoreError::Invalid(m) => Refusal::bad(Notice::TaskValuesInvalid).with(m),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(())
}

/// The standing agency gives a task to an agency from today; with `replacing`, that assignment
/// ends today.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn assign(
    state: &Service,
    u: &User,
    task: i64,
    agency: &str,
    role: &str,
    replacing: Option<i64>,
    reason: &str,
) -> Outcome<i64> {
    standing(u)?;
    on_own_task(state, u, task).await?;
    // A task is given to national agencies or to its own committee's departments and communes,
    // never to another province's.
    {
        let snap = state.snapshot().await;
        let foreign = snap
            .agencies
            .values()
            .find(|a| a.code.eq_ignore_ascii_case(agency.trim()))
            .and_then(|a| a.committee_id)
            .is_some_and(|c| snap.scope(task).is_some_and(|t| t.committee != c));
        if foreign {
            return Err(Refusal::bad(Notice::AgencyUnknown)
                .with(format!("cơ quan {} thuộc ban chỉ đạo khác", agency.trim())));
        }
    }
    let role = Role::parse(role).ok_or(Refusal::bad(Notice::RoleInvalid))?;
    let reason = typed(reason, Notice::ReasonMissing)?;
    let id = state
        .db
        .assign(
            task,
            agency.trim(),
            role,
            replacing,
            today(),
            reason.as_str(),
            &u.username,
        )
        .await
        .map_err(|e| match e {
            StoreError::UnknownAgency(m) => Refusal::bad(Notice::AgencyUnknown).with(m),
            StoreError::AlreadyAssigned(m) => Refusal::bad(Notice::AlreadyAssigned).with(m),
            StoreError::Invalid(_) => Refusal::bad(Notice::AssignmentNotOfTask),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(id)
}

/// The standing agency ends an assignment from today.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn unassign(
    state: &Service,
    u: &User,
    task: i64,
    assignment: i64,
    reason: &str,
) -> Outcome<()> {
    standing(u)?;
    on_own_task(state, u, task).await?;
    let reason = typed(reason, Notice::ReasonMissing)?;
    state
        .db
        .unassign(task, assignment, today(), reason.as_str(), &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => Refusal::bad(Notice::AssignmentNotOfTask),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(())
}

/// The standing agency adds a spelling to an agency.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn add_alias(state: &Service, u: &User, code: &str, alias: &str) -> Outcome<()> {
    standing(u)?;
    plain(&[alias])?;
    state
        .db
        .add_alias(code, alias, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Refusal::bad(Notice::AliasRefused).with(m),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(())
}

/// The standing agency adds an agency with all its registry fields (the command line's
/// `agencies add`): the same markup check as the form's.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn add_agency_record(
    state: &Service,
    u: &User,
    record: &tiendo_domain::agency::AgencyRecord,
) -> Outcome<i64> {
    standing(u)?;
    // A province's standing agency adds its own departments and communes.
    let committee = own_committee(state, u, record.committee.as_deref()).await?;
    let owned;
    let record = if committee != record.committee {
        owned = tiendo_domain::agency::AgencyRecord {
            committee,
            ..record.clone()
        };
        &owned
    } else {
        record
    };
    let mut fields = vec![record.code.as_str(), record.name.as_str()];
    fields.extend(record.short.as_deref());
    fields.extend(record.aliases.iter().map(String::as_str));
    plain(&fields)?;
    let id = state
        .db
        .add_agency(record, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) | StoreError::NotFound(m) | StoreError::UnknownAgency(m) => {
                Refusal::bad(Notice::AgencyValuesInvalid).with(m)
            }
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(id)
}

/// An agency as the registry form or the API sends it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct AgencyInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short: String,
    /// ministry, ministry_level, government_agency, province, city, corporation, department, commune, …
    #[serde(default)]
    pub kind: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub head_title: String,
    #[serde(default)]
    pub head_name: String,
}

impl AgencyInput {
    fn plain(&self) -> Outcome<()> {
        plain(&[
            &self.code,
            &self.name,
            &self.short,
            &self.head_title,
            &self.head_name,
        ])
    }
}

fn date_field(s: &str) -> Outcome<Option<time::Date>> {
    match s.trim() {
        "" => Ok(None),
        x => parse_user_date(x)
            .filter(|d| (1945..=2100).contains(&d.year()))
            .map(Some)
            .ok_or_else(|| {
                Refusal::bad(Notice::AgencyValuesInvalid)
                    .with(format!("ngày không hợp lệ: \"{x}\""))
            }),
    }
}

/// The standing agency adds an agency to the registry.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn add_agency(state: &Service, u: &User, f: &AgencyInput) -> Outcome<i64> {
    standing(u)?;
    f.plain()?;
    let (from, to) = (date_field(&f.valid_from)?, date_field(&f.valid_to)?);
    let kind = tiendo_domain::agency::AgencyKind::parse(&f.kind).ok_or_else(|| {
        Refusal::bad(Notice::AgencyValuesInvalid).with("loại cơ quan không hợp lệ".into())
    })?;
    let record = tiendo_domain::agency::AgencyRecord {
        code: f.code.trim().to_string(),
        name: f.name.clone(),
        kind,
        short: Some(f.short.trim().to_string()).filter(|s| !s.is_empty()),
        aliases: vec![],
        parent: None,
        valid_from: from,
        valid_to: to,
        successor: None,
        committee: None,
    };
    let id = state
        .db
        .add_agency_headed(&record, &f.head_title, &f.head_name, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) | StoreError::NotFound(m) | StoreError::UnknownAgency(m) => {
                Refusal::bad(Notice::AgencyValuesInvalid).with(m)
            }
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(id)
}

/// The standing agency edits an agency of the registry.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn edit_agency(state: &Service, u: &User, code: &str, f: &AgencyInput) -> Outcome<()> {
    standing(u)?;
    f.plain()?;
    let e = tiendo_store::registry::AgencyEdit {
        name: f.name.clone(),
        short: f.short.clone(),
        kind: f.kind.clone(),
        valid_from: date_field(&f.valid_from)?,
        valid_to: date_field(&f.valid_to)?,
        head_title: f.head_title.clone(),
        head_name: f.head_name.clone(),
    };
    state
        .db
        .edit_agency(code, &e, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Refusal::not_found(),
            StoreError::Invalid(m) | StoreError::UnknownAgency(m) => {
                Refusal::bad(Notice::AgencyValuesInvalid).with(m)
            }
            e => Refusal::from_store(e),
        })?;
    let _ = state.refresh().await;
    Ok(())
}

/// The standing agency records a meeting and the documents it issued.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn add_meeting(
    state: &Service,
    u: &User,
    committee: Option<&str>,
    name: &str,
    held_on: &str,
    documents: &[String],
) -> Outcome<i64> {
    standing(u)?;
    let committee = own_committee(state, u, committee).await?;
    let committee = committee.as_deref();
    plain(&[name])?;
    for d in documents {
        plain(&[d])?;
    }
    let held_on = parse_user_date(held_on).ok_or(Refusal::bad(Notice::MeetingDateInvalid))?;
    state
        .db
        .add_meeting(committee, name, held_on, documents, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::UnknownDocument(m) => Refusal::bad(Notice::DocumentUnknown).with(m),
            StoreError::Invalid(m) => Refusal::bad(Notice::MeetingInvalid).with(m),
            e => Refusal::from_store(e),
        })
}

/// The standing agency links one more document (a symbol or an imported appendix's key) to a
/// meeting.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn link_meeting_document(
    state: &Service,
    u: &User,
    meeting: i64,
    document: &str,
) -> Outcome<()> {
    standing(u)?;
    plain(&[document])?;
    state
        .db
        .link_meeting_document(meeting, document, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::UnknownDocument(m) => Refusal::bad(Notice::DocumentUnknown).with(m),
            StoreError::Invalid(m) | StoreError::NotFound(m) => {
                Refusal::bad(Notice::MeetingInvalid).with(m)
            }
            e => Refusal::from_store(e),
        })
}

/// The standing agency publishes a scoring formula (TOML) from a month on: never a month
/// already under way or past ([`tiendo_store`] checks it against `today`); its version.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn publish_formula(
    state: &Service,
    u: &User,
    content: &str,
    from: tiendo_domain::scoring::Month,
    today: time::Date,
) -> Outcome<i64> {
    standing(u)?;
    state
        .db
        .publish_formula(content, from, today, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Refusal::bad(Notice::FormulaInvalid).with(m),
            e => Refusal::from_store(e),
        })
}

/// A document read and previewed, to store: its tasks, under its key across versions.
pub struct ImportRequest<'a> {
    /// The committee assigning the tasks (default: the Government steering committee).
    pub committee: Option<&'a str>,
    /// The key of the appendix across versions (default: the file name without extension).
    pub key: Option<&'a str>,
    pub file_name: &'a str,
    /// The document's title lines.
    pub title: &'a [String],
    pub tasks: &'a [ParsedTask],
    /// Rows of its difficulty tables, for the register.
    pub difficulties: &'a [ParsedDifficulty],
    /// Its indicators, targets and figures.
    pub indicators: &'a [ParsedIndicator],
    pub warnings: &'a [String],
    /// The date the document's status columns describe.
    pub reported_on: time::Date,
    /// Told (stored, total) every few hundred tasks.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// The document is this system's export, each task with its id there: tasks are matched by
    /// that id first (see [`tiendo_store::import::ImportInput::external_system`]).
    pub external_system: Option<&'a str>,
    /// The letter's rule that no answer is a commitment, kept with the document.
    pub silence_rule: Option<&'a tiendo_domain::model::SilenceRule>,
}

/// The standing agency stores a previewed document in one transaction (all or nothing); a
/// re-import updates the same tasks. A refusal carries the store's reason.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn import_document(
    state: &Service,
    u: &User,
    r: ImportRequest<'_>,
) -> Outcome<ImportSummary> {
    standing(u)?;
    let committee = own_committee(state, u, r.committee).await?;
    let key = r.key.map(str::to_string).unwrap_or_else(|| {
        r.file_name
            .rsplit_once('.')
            .map(|(stem, _)| stem.to_string())
            .unwrap_or_else(|| r.file_name.to_string())
    });
    let summary = state
        .db
        .import_document(ImportInput {
            committee: committee.as_deref(),
            doc_key: &key,
            file_name: r.file_name,
            title: (!r.title.is_empty()).then(|| r.title.join(" — ")),
            tasks: r.tasks,
            difficulties: r.difficulties,
            indicators: r.indicators,
            warnings: r.warnings,
            reported_on: r.reported_on,
            actor: &u.username,
            progress: r.progress,
            external_system: r.external_system,
            silence_rule: r.silence_rule,
        })
        .await
        .map_err(|e| match e {
            StoreError::Database(_) => Refusal::from_store(e),
            e => Refusal::bad(Notice::FileNotSaved).with(e.to_string()),
        })?;
    let _ = state.refresh().await;
    Ok(summary)
}

/// The standing agency adds a steering committee (a province's, say).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn add_committee(
    state: &Service,
    u: &User,
    code: &str,
    name: &str,
    province: Option<&str>,
) -> Outcome<i64> {
    standing(u)?;
    // Only the Government committee's officers add committees.
    if own_committee(state, u, None).await?.is_some() {
        return Err(Refusal::other_committee());
    }
    plain(&[code, name, province.unwrap_or("")])?;
    state
        .db
        .add_committee(code, name, province, &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Database(_) => Refusal::from_store(e),
            e => Refusal::bad(Notice::CommitteeInvalid).with(e.to_string()),
        })
}

/// An agency a task typed in would be given to: how the registry read the name typed, and the
/// agencies it stands for (a group's members on the day).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResolvedName {
    /// "lead" or "coordinator".
    pub role: &'static str,
    /// As typed.
    pub raw: String,
    /// The agency's or group's name in the registry.
    pub name: String,
    /// How the reading was made when it was not exact (a typo corrected, a former agency).
    pub note: Option<String>,
    /// The agencies assigned by it: the agency itself, or the group's members.
    pub agencies: Vec<String>,
}

/// A task typed in: as it would be stored (and its id once it is).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftedTask {
    pub id: Option<i64>,
    pub task: ParsedTask,
    pub resolved: Vec<ResolvedName>,
    /// What was done: "created", "updated" (pushed again under its external id, with changed
    /// fields), "unchanged" (pushed again as it was), or "preview" (nothing stored).
    pub outcome: &'static str,
}

/// Another system's name for a task it pushes: its system and its id there.
#[derive(Debug, Clone, Copy)]
pub struct ExternalId<'a> {
    pub system: &'a str,
    pub id: &'a str,
}

/// Why a task typed in was not stored: the fields to mend, or a refusal of the whole.
#[derive(Debug, Clone)]
pub enum TaskRefused {
    Fields(Vec<tiendo_domain::new_task::FieldProblem>),
    Whole(Refusal),
}

/// The standing agency creates one task: read like a document's row, shown as it would be
/// stored; with `save`, stored (in `document`, by key, made when new; the default is the
/// committee's "Nhiệm vụ giao trực tiếp").
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn create_task(
    state: &Service,
    u: &User,
    fields: &tiendo_domain::new_task::TaskFields,
    document: &str,
    external: Option<ExternalId<'_>>,
    save: bool,
) -> Result<DraftedTask, TaskRefused> {
    standing(u).map_err(TaskRefused::Whole)?;
    if let Some(x) = external {
        let bad = |s: &str| !tiendo_domain::text::is_plain_id(s);
        if bad(x.system) || bad(x.id) {
            return Err(TaskRefused::Fields(vec![
                tiendo_domain::new_task::FieldProblem {
                    field: "external",
                    message:
                        "Mã ở hệ thống khác: tên hệ thống và mã, mỗi thứ từ 1 đến 100 ký tự thường."
                            .into(),
                },
            ]));
        }
    }
    if tiendo_domain::text::has_markup(document) || document.chars().count() > 200 {
        return Err(TaskRefused::Fields(vec![
            tiendo_domain::new_task::FieldProblem {
                field: "document",
                message: "Văn bản giao: văn bản thường, tối đa 200 ký tự.".into(),
            },
        ]));
    }
    let on = today();
    let stored = state
        .db
        .load_registry()
        .await
        .map_err(|e| TaskRefused::Whole(Refusal::from_store(e)))?;
    let task = tiendo_domain::new_task::draft(fields, &stored.registry, on)
        .map_err(TaskRefused::Fields)?;
    let resolved = task
        .lead
        .iter()
        .map(|r| ("lead", r))
        .chain(task.coordinators.iter().map(|r| ("coordinator", r)))
        .map(|(role, r)| {
            let agencies = match (r.kind, r.code.as_deref()) {
                (tiendo_domain::agency::RefKind::Group, Some(code)) => stored
                    .registry
                    .members(code, on)
                    .into_iter()
                    .map(|a| a.name.clone())
                    .collect(),
                (tiendo_domain::agency::RefKind::Agency, _) => vec![r.name.clone()],
                _ => Vec::new(),
            };
            ResolvedName {
                role,
                raw: r.raw.clone(),
                name: r.name.clone(),
                note: r.note.clone(),
                agencies,
            }
        })
        .collect();
    let mut drafted = DraftedTask {
        id: None,
        task,
        resolved,
        outcome: "preview",
    };
    if !save {
        return Ok(drafted);
    }
    let external = external.map(|x| (x.system.trim(), x.id.trim()));
    if let Some((system, id)) = external {
        let known = state
            .db
            .task_by_external_id(system, id)
            .await
            .map_err(|e| TaskRefused::Whole(Refusal::from_store(e)))?;
        if let Some(task) = known {
            return update_pushed(state, u, task, drafted).await;
        }
    }
    let (key, title) = match document.trim() {
        "" => ("giao-truc-tiep", "Nhiệm vụ giao trực tiếp"),
        d => (d, d),
    };
    let committee = own_committee(state, u, None)
        .await
        .map_err(TaskRefused::Whole)?;
    let created = state
        .db
        .create_task(tiendo_store::import::NewTaskInput {
            committee: committee.as_deref(),
            doc_key: key,
            doc_title: title,
            task: &drafted.task,
            on,
            actor: &u.username,
            external,
        })
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => {
                TaskRefused::Fields(vec![tiendo_domain::new_task::FieldProblem {
                    field: "number",
                    message: format!(
                        "{}{}.",
                        m.chars()
                            .next()
                            .map(|c| c.to_uppercase().to_string())
                            .unwrap_or_default(),
                        m.chars().skip(1).collect::<String>()
                    ),
                }])
            }
            e => TaskRefused::Whole(Refusal::from_store(e)),
        })?;
    match created {
        tiendo_store::import::Created::New(id) => {
            let _ = state.refresh().await;
            drafted.id = Some(id);
            drafted.outcome = "created";
            Ok(drafted)
        }
        tiendo_store::import::Created::Known(task) => update_pushed(state, u, task, drafted).await,
    }
}

/// A task pushed again under its external id: its own fields (name, expected result, basis,
/// overseer) take the pushed values and a different deadline becomes a deadline change;
/// nothing new is created. Its agencies are changed by the assignment calls, not by a push.
async fn update_pushed(
    state: &Service,
    u: &User,
    task: i64,
    mut drafted: DraftedTask,
) -> Result<DraftedTask, TaskRefused> {
    let current = state
        .db
        .editable_fields(task)
        .await
        .map_err(|e| TaskRefused::Whole(Refusal::from_store(e)))?
        .ok_or_else(|| TaskRefused::Whole(Refusal::not_found()))?;
    let (stored, deadline_raw) = current;
    let pushed = &drafted.task;
    let mut edit = TaskEdit {
        name: pushed.name.clone(),
        expected_result: pushed.expected_result.clone().unwrap_or_default(),
        basis: pushed.basis.clone().unwrap_or_default(),
        overseer: pushed.overseer.clone().unwrap_or_default(),
        secret: stored.secret,
        new_deadline: String::new(),
        reason: String::new(),
    };
    if pushed.deadline.raw.trim() != deadline_raw.trim() {
        edit.new_deadline = pushed.deadline.raw.clone();
        edit.reason = "Cập nhật từ hệ thống khác (cùng mã nhiệm vụ)".into();
    }
    let same = edit.name == stored.name
        && edit.expected_result == stored.expected_result
        && edit.basis == stored.basis
        && edit.overseer == stored.overseer
        && edit.new_deadline.is_empty();
    drafted.id = Some(task);
    if same {
        drafted.outcome = "unchanged";
        return Ok(drafted);
    }
    plain(&[
        &edit.name,
        &edit.expected_result,
        &edit.basis,
        &edit.overseer,
    ])
    .map_err(TaskRefused::Whole)?;
    state
        .db
        .edit_task_as_stated(task, &edit, today(), &u.username)
        .await
        .map_err(|err| {
            TaskRefused::Whole(match err {
                StoreError::Invalid(m) => Refusal::bad(Notice::TaskValuesInvalid).with(m),
                StoreError::NotFound(_) => Refusal::not_found(),
                e => Refusal::from_store(e),
            })
        })?;
    let _ = state.refresh().await;
    drafted.outcome = "updated";
    Ok(drafted)
}

/// A leader (or the standing agency) gives a direction on a task, or asks an agency for an
/// explanation by a day; addressed to one agency assigned (`agency`, a registry code) or to every
/// agency assigned (empty). It reaches each agency's inbox and digest until answered.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn give_direction(
    state: &Service,
    u: &User,
    task: i64,
    kind: &str,
    agency: &str,
    text: &str,
    answer_due: &str,
) -> Outcome<Vec<i64>> {
    if !matches!(u.role, UserRole::Leader) && !u.is_standing() {
        return Err(Refusal::forbidden());
    }
    on_own_task(state, u, task).await?;
    let kind = tiendo_domain::reminders::DirectionKind::parse(kind)
        .ok_or(Refusal::bad(Notice::DirectionKindMissing))?;
    let text = typed(text, Notice::TextMissing)?;
    plain(&[agency])?;
    let on = today();
    let due = match (kind, answer_due.trim()) {
        (tiendo_domain::reminders::DirectionKind::Explanation, "") => {
            Some(on + time::Duration::days(7))
        }
        (_, "") => None,
        (_, d) => Some(
            parse_user_date(d)
                .filter(|d| *d >= on && *d <= on + time::Duration::days(366))
                .ok_or(Refusal::bad(Notice::AnswerDueInvalid))?,
        ),
    };
    let agency = Some(agency.trim()).filter(|a| !a.is_empty());
    let ids = state
        .db
        .give_direction(tiendo_store::directions::NewDirection {
            task,
            kind,
            agency,
            text: text.as_str(),
            answer_due: due,
            on,
            actor: &u.username,
        })
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Refusal::bad(Notice::AgencyUnknown).with(m),
            e => Refusal::from_store(e),
        })?;
    Ok(ids)
}

/// The agency addressed answers a direction or request (its focal point, or the standing agency
/// recording an answer received otherwise).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn answer_direction(state: &Service, u: &User, id: i64, answer: &str) -> Outcome<i64> {
    let d = state
        .db
        .direction(id)
        .await
        .map_err(Refusal::from_store)?
        .ok_or_else(Refusal::not_found)?;
    if !u.is_standing() && u.own_agency() != Some(d.agency_id) {
        return Err(Refusal::forbidden());
    }
    if u.is_standing() {
        on_own_record(state, u, RecordOfTask::Direction, id).await?;
    }
    let answer = typed(answer, Notice::TextMissing)?;
    let task = state
        .db
        .answer_direction(id, answer.as_str(), today(), &u.username)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => Refusal::bad(Notice::AlreadyHandled),
            StoreError::NotFound(_) => Refusal::not_found(),
            e => Refusal::from_store(e),
        })?;
    Ok(task)
}

/// Why a committee's way of signing was not saved: its fields, or the whole request.
#[derive(Debug)]
pub enum SigningRefused {
    Fields(Vec<tiendo_domain::signing::SigningProblem>),
    Whole(Refusal),
}

/// The fields of a committee's way of signing, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SigningFields {
    pub place: String,
    pub symbol: String,
    pub authority: String,
    pub signer_title: String,
    pub signer_name: String,
    /// One recipient per line.
    pub recipients: String,
}

/// The standing agency sets how the committee signs its reports (the place, the symbol after
/// the number, the signer, the recipients); every field is checked, nothing stored on a refusal.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn set_signing(
    state: &Service,
    u: &User,
    committee: Option<&str>,
    f: &SigningFields,
) -> Result<tiendo_domain::signing::Signing, SigningRefused> {
    standing(u).map_err(SigningRefused::Whole)?;
    let committee = own_committee(state, u, committee)
        .await
        .map_err(SigningRefused::Whole)?;
    let committee = committee.as_deref();
    let s = tiendo_domain::signing::Signing::read(
        &f.place,
        &f.symbol,
        &f.authority,
        &f.signer_title,
        &f.signer_name,
        &f.recipients,
    )
    .map_err(SigningRefused::Fields)?;
    state
        .db
        .set_signing(committee, &s, &u.username)
        .await
        .map_err(|e| {
            SigningRefused::Whole(match e {
                StoreError::NotFound(m) => Refusal::bad(Notice::CommitteeInvalid).with(m),
                e => Refusal::from_store(e),
            })
        })?;
    Ok(s)
}
