//! The schema, written once for both backends: BIGINT keys, TEXT dates (YYYY-MM-DD) and
//! timestamps (RFC 3339), BIGINT 0/1 flags. `{pk}`, `{blob}` and `{writer}` are the dialect
//! differences.

pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial schema", INITIAL),
    (2, "users, sessions, api tokens", USERS),
    (3, "review of reported completions", REVIEW),
    (4, "commitments", COMMITMENTS),
    (5, "evidence file contents", EVIDENCE),
    (
        6,
        "reassignment periods, difficulty handling, agency heads, meetings, scoring, snapshots",
        FOLLOW_UP,
    ),
    (
        7,
        "e-mail addresses, reminder preferences, reminders",
        REMINDERS,
    ),
    (
        8,
        "installation settings, indexes of reviewed and users' reports",
        SETTINGS,
    ),
    (9, "accounts held by agencies' heads", HEADS),
    (
        10,
        "each handling agency's own answer; difficulties read from documents",
        HANDLER_ANSWERS,
    ),
    (
        11,
        "completions dated by the report unless a document left the day unstated; what documents said of each task",
        DATED_COMPLETIONS,
    ),
    (12, "imports waiting in the database", IMPORT_JOBS),
    (13, "indicators, targets and values", INDICATORS),
    (
        14,
        "returned indicator values and recent values found by index",
        INDICATOR_INDEXES,
    ),
    (
        15,
        "the indicators an agency answers for, found by index",
        ANSWERERS,
    ),
    (
        16,
        "leaders' directions and requests for explanation; the reason a deadline request was refused",
        DIRECTIONS,
    ),
    (
        17,
        "how each committee signs its documents: place, symbol, signer, recipients",
        SIGNINGS,
    ),
    (
        18,
        "each audited change records the transaction that wrote it",
        AUDIT_WRITER,
    ),
    (19, "failed log-ins by address", LOGIN_ADDRESSES),
    (20, "API tokens that expire", TOKEN_EXPIRY),
    (21, "webhooks: subscriptions and their outbox", WEBHOOKS),
];

/// Other systems told of changes: each subscription names the kinds of change it wants; every
/// audited change of those kinds queues one delivery per subscription in the change's own
/// transaction ([`crate::webhooks`]), delivered with retries until the system accepts it.
const WEBHOOKS: &str = r#"
CREATE TABLE webhook_subscriptions (
    id {pk},
    system TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE webhook_outbox (
    id {pk},
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions(id),
    audit_id BIGINT NOT NULL REFERENCES audit_log(id),
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at)
"#;

/// An API token may be given an end (RFC 3339); none: until revoked.
const TOKEN_EXPIRY: &str = r#"
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT
"#;

/// Where each failed log-in came from, so that guessing is slowed per address as well as per
/// name ([`tiendo_domain::access::LoginThrottle`]).
const LOGIN_ADDRESSES: &str = r#"
ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_address ON login_failures(address, at)
"#;

/// The writing transaction of each audit row, so that a follower of the log on PostgreSQL can
/// tell which changes may still commit below the newest id it has read ([`crate::audit::FeedPosition`]).
/// `{writer}` is PostgreSQL's transaction id (`pg_current_xact_id()`) taken by default at
/// insert; on SQLite, whose writers take turns, it is 0 and unused.
const AUDIT_WRITER: &str = r#"
ALTER TABLE audit_log ADD COLUMN writer BIGINT NOT NULL DEFAULT {writer};
CREATE INDEX audit_writer ON audit_log(writer)
"#;

/// Each committee's way of issuing its reports ([`tiendo_domain::signing::Signing`]); recipients
/// one per line. A committee without a row uses the usual form.
const SIGNINGS: &str = r#"
CREATE TABLE signings (
    committee_id BIGINT PRIMARY KEY REFERENCES committees(id),
    place TEXT NOT NULL,
    symbol TEXT NOT NULL,
    authority TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    recipients TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"#;

/// A leader's direction on a task ("ý kiến chỉ đạo") or request for an explanation ("yêu cầu
/// giải trình"), one row per agency it is addressed to, answered by that agency; and the reason
/// written when a deadline request is refused.
const DIRECTIONS: &str = r#"
CREATE TABLE directions (
    id {pk},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    given_by TEXT NOT NULL,
    given_on TEXT NOT NULL,
    given_at TEXT NOT NULL,
    answer_due TEXT,
    answer TEXT,
    answered_by TEXT,
    answered_on TEXT,
    answered_at TEXT
);
CREATE INDEX directions_task ON directions(task_id);
CREATE INDEX directions_open ON directions(agency_id, answered_on);
ALTER TABLE deadline_changes ADD COLUMN decision_note TEXT
"#;

/// The reminders read the indicators one agency answers for (its focal point's inbox).
const ANSWERERS: &str = r#"
CREATE INDEX indicator_agencies_agency ON indicator_agencies(agency_id);
CREATE INDEX indicator_leads_agency ON indicator_leads(agency_id)
"#;

/// Session 8: indicators and targets. An indicator (code, name, unit, kind, direction, lead
/// agencies, the document that set it, its life) is national (one figure, reported by its lead)
/// or by agency (each covered agency reports its own). Targets per period, common (`scope` '')
/// or for one agency. Values: for the nation (no agency) or one agency, the day they describe,
/// the text as written beside the figure read, who reported them, evidence; a correction is a
/// new row (the history stays); the standing agency confirms or returns agencies' values.
/// The book's marks count the returned values; an indicator's page lists its newest values.
const INDICATOR_INDEXES: &str = r#"
CREATE INDEX indicator_values_returned ON indicator_values(state) WHERE state = 'returned';
CREATE INDEX indicator_values_recent ON indicator_values(indicator_id, as_of, id)
"#;

const INDICATORS: &str = r#"
CREATE TABLE indicators (
    id {pk},
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    unit TEXT,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    by_agency BIGINT NOT NULL DEFAULT 0,
    lead_raw TEXT,
    document_id BIGINT REFERENCES documents(id),
    source TEXT,
    headings TEXT NOT NULL DEFAULT '[]',
    valid_from TEXT,
    valid_to TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (committee_id, code)
);
CREATE INDEX indicators_name ON indicators(committee_id, name_key);
CREATE TABLE indicator_leads (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (indicator_id, agency_id)
);
CREATE TABLE indicator_agencies (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (indicator_id, agency_id)
);
CREATE TABLE indicator_targets (
    id {pk},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT REFERENCES agencies(id),
    scope TEXT NOT NULL,
    period TEXT NOT NULL,
    raw TEXT NOT NULL,
    form TEXT NOT NULL,
    value DOUBLE PRECISION,
    numerator DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    scale DOUBLE PRECISION,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (indicator_id, scope, period)
);
CREATE TABLE indicator_values (
    id {pk},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    agency_id BIGINT REFERENCES agencies(id),
    as_of TEXT NOT NULL,
    raw TEXT NOT NULL,
    form TEXT NOT NULL,
    value DOUBLE PRECISION,
    numerator DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    scale DOUBLE PRECISION,
    note TEXT,
    evidence TEXT,
    source TEXT NOT NULL,
    source_key TEXT,
    state TEXT NOT NULL,
    review_note TEXT,
    reviewed_by TEXT,
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX indicator_values_series ON indicator_values(indicator_id, agency_id, as_of);
CREATE INDEX indicator_values_waiting ON indicator_values(state) WHERE state = 'reported';
CREATE TABLE indicator_tasks (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    PRIMARY KEY (indicator_id, task_id)
)
"#;

/// Session 8: an import read in the browser waits in the database, not in one server's memory:
/// any server behind the proxy shows it, the person corrects its items (what was read, as JSON,
/// and the items dropped), then confirms; big files are read and stored in the background.
/// State: reading → ready → storing → stored (or failed while reading; back to ready, with the
/// reason, when storing is refused).
const IMPORT_JOBS: &str = r#"
CREATE TABLE import_jobs (
    id {pk},
    token TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    state TEXT NOT NULL,
    preview TEXT,
    dropped TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    summary TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, created_at)
"#;

/// Session 8: a completion without its date means "done, date not stated" (a document's word).
/// Agencies' own reports of a completion always state it: the report's day when no other was
/// given. Imported completions keep the day they were stored with.
/// What a document said of a task as a whole on the day it describes — its status word as
/// written ("Đang hoàn thành") and its reported result — kept even when no lead agency could be
/// named, so a results table reported again as of that day says what the document said.
const DATED_COMPLETIONS: &str = r#"
UPDATE progress_reports SET completed_on = reported_on
    WHERE status IN ('done', 'done_late') AND completed_on IS NULL AND source <> 'import';
CREATE TABLE task_statements (
    id {pk},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    reported_on TEXT NOT NULL,
    status_raw TEXT,
    result TEXT,
    source_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (task_id, source_key)
);
CREATE INDEX task_statements_task ON task_statements(task_id, reported_on)
"#;

/// Session 8: a difficulty may name several agencies to resolve it, each answering on its own
/// (its answer, deadline and state beside its routing); difficulties come from documents too (the
/// document, a key that finds the same row when the document is imported again, the proposal,
/// the handling agencies the registry does not know, as written, and the headings of its table).
const HANDLER_ANSWERS: &str = r#"
ALTER TABLE difficulty_handlers ADD COLUMN answer_due TEXT;
ALTER TABLE difficulty_handlers ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE difficulty_handlers ADD COLUMN answer TEXT;
ALTER TABLE difficulty_handlers ADD COLUMN answered_on TEXT;
ALTER TABLE difficulty_handlers ADD COLUMN answered_by TEXT;
UPDATE difficulty_handlers SET answer_due = (SELECT d.answer_due FROM difficulties d WHERE d.id = difficulty_handlers.difficulty_id);
UPDATE difficulty_handlers SET state = 'answered',
    answer = (SELECT d.answer FROM difficulties d WHERE d.id = difficulty_handlers.difficulty_id),
    answered_on = (SELECT d.answered_on FROM difficulties d WHERE d.id = difficulty_handlers.difficulty_id),
    answered_by = (SELECT d.answered_by FROM difficulties d WHERE d.id = difficulty_handlers.difficulty_id)
    WHERE EXISTS (SELECT 1 FROM difficulties d WHERE d.id = difficulty_handlers.difficulty_id AND d.state = 'answered');
ALTER TABLE difficulties ADD COLUMN document_id BIGINT REFERENCES documents(id);
ALTER TABLE difficulties ADD COLUMN source_key TEXT;
ALTER TABLE difficulties ADD COLUMN proposal TEXT;
ALTER TABLE difficulties ADD COLUMN unresolved_handlers TEXT;
ALTER TABLE difficulties ADD COLUMN headings TEXT;
CREATE INDEX difficulties_source ON difficulties(document_id, source_key)
"#;

/// Session 7: the head of an agency hears of its long-overdue assignments (the escalation) in
/// an account of their own, marked with the agency they head.
const HEADS: &str = r#"
ALTER TABLE users ADD COLUMN heads_agency_id BIGINT REFERENCES agencies(id)
"#;

/// Values every server of an installation shares, created once (the key that signs the links in
/// reminder e-mails). The reminders read the reports the standing agency reviewed and the
/// completions users reported: two partial indexes find those few among millions of imported
/// reports (without them each digest run read every report twice).
const SETTINGS: &str = r#"
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX progress_reports_reviewed ON progress_reports(assignment_id) WHERE review IS NOT NULL;
CREATE INDEX progress_reports_by_users ON progress_reports(assignment_id) WHERE source = 'user'
"#;

/// Session 6: reminders that reach people.
/// - Each account may have an e-mail address and its preferences (channel, frequency).
/// - A reminder is one user's digest of one day: kept for the application (read or not) and, when
///   it goes by e-mail, its delivery (queued until an SMTP server accepts it, retried with
///   backoff). `(user_id, day, digest)` is unique: a digest is queued once, whatever the number of
///   processes that compute it.
const REMINDERS: &str = r#"
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN remind_channel TEXT;
ALTER TABLE users ADD COLUMN remind_frequency TEXT;
CREATE TABLE reminders (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    digest TEXT NOT NULL,
    channel TEXT NOT NULL,
    email TEXT,
    items TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    mail_state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    read_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, day, digest)
);
CREATE INDEX reminders_mail ON reminders(mail_state, next_attempt_at);
CREATE INDEX reminders_user ON reminders(user_id, read_at)
"#;

/// Session 2: what the follow-up of a committee needs.
/// - An assignment counts from the day it was assigned (`NULL`: from the start, as imported) until
///   the day it was removed: the past of a reassigned task stays as it was.
/// - A difficulty is answered by the standing agency or by the agency it was forwarded to; each
///   routing (who must answer, by when) is kept with the day it was set, so a month's score
///   reads the routing in force then.
/// - Each agency's head is answerable for its score.
/// - A meeting (session of the committee) and the documents it issued (its conclusion notice).
/// - The published scoring formula, one version per month it takes effect from.
/// - The status book as last loaded, keyed by the data version it reflects.
const FOLLOW_UP: &str = r#"
ALTER TABLE assignments ADD COLUMN assigned_on TEXT;
ALTER TABLE assignments ADD COLUMN removed_on TEXT;
UPDATE assignments SET removed_on = substr(updated_at, 1, 10) WHERE active = 0;
ALTER TABLE difficulties ADD COLUMN raised_on TEXT;
UPDATE difficulties SET raised_on = substr(created_at, 1, 10);
ALTER TABLE difficulties ADD COLUMN answered_by TEXT;
ALTER TABLE difficulties ADD COLUMN answered_by_agency_id BIGINT REFERENCES agencies(id);
CREATE TABLE difficulty_routing (
    id {pk},
    difficulty_id BIGINT NOT NULL REFERENCES difficulties(id),
    handler_agency_id BIGINT REFERENCES agencies(id),
    answer_due TEXT,
    set_on TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX difficulty_routing_difficulty ON difficulty_routing(difficulty_id);
INSERT INTO difficulty_routing (difficulty_id, handler_agency_id, answer_due, set_on, created_by)
    SELECT d.id, (SELECT MIN(h.agency_id) FROM difficulty_handlers h WHERE h.difficulty_id = d.id), d.answer_due, substr(d.created_at, 1, 10), d.created_by FROM difficulties d;
ALTER TABLE agencies ADD COLUMN head_title TEXT;
ALTER TABLE agencies ADD COLUMN head_name TEXT;
CREATE TABLE meetings (
    id {pk},
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE meeting_documents (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    document_id BIGINT NOT NULL REFERENCES documents(id),
    PRIMARY KEY (meeting_id, document_id)
);
CREATE TABLE scoring_formulas (
    id {pk},
    effective_from TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX progress_reports_on ON progress_reports(reported_on, assignment_id);
CREATE INDEX difficulties_task ON difficulties(task_id);
CREATE INDEX difficulty_handlers_agency ON difficulty_handlers(agency_id);
CREATE INDEX tasks_overseer ON tasks(overseer);
CREATE INDEX task_documents_document ON task_documents(document_id);
CREATE TABLE status_snapshots (
    fingerprint TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    content {blob} NOT NULL
)
"#;

/// Evidence files are kept in the database with their report (one backup holds everything).
const EVIDENCE: &str = r#"
ALTER TABLE evidence_files ADD COLUMN content {blob}
"#;

/// An agency's commitment for a late assignment: the date it will be done and the roadmap.
const COMMITMENTS: &str = r#"
CREATE TABLE commitments (
    id {pk},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    committed_on TEXT NOT NULL,
    roadmap TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX commitments_assignment ON commitments(assignment_id)
"#;

/// The standing agency confirms or returns a reported completion; a returned one no longer counts.
const REVIEW: &str = r#"
ALTER TABLE progress_reports ADD COLUMN review TEXT;
ALTER TABLE progress_reports ADD COLUMN review_note TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewed_by TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewed_at TEXT
"#;

const USERS: &str = r#"
CREATE TABLE users (
    id {pk},
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    committee_id BIGINT REFERENCES committees(id),
    must_change_password BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE login_failures (
    id {pk},
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);
CREATE TABLE api_tokens (
    id {pk},
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"#;

const INITIAL: &str = r#"
CREATE TABLE committees (
    id {pk},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    province_code TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE agencies (
    id {pk},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    short_name TEXT,
    parent_code TEXT,
    valid_from TEXT,
    valid_to TEXT,
    successor_code TEXT,
    committee_id BIGINT REFERENCES committees(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE agency_aliases (
    id {pk},
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    alias TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX agency_aliases_agency ON agency_aliases(agency_id);
CREATE TABLE agency_groups (
    id {pk},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    member_kinds TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE documents (
    id {pk},
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    doc_key TEXT NOT NULL,
    symbol TEXT,
    kind TEXT NOT NULL,
    issued_on TEXT,
    issuer TEXT,
    title TEXT,
    file_name TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (committee_id, doc_key)
);
CREATE TABLE tasks (
    id {pk},
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    document_id BIGINT REFERENCES documents(id),
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    headings TEXT NOT NULL,
    expected_result TEXT,
    deadline_raw TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    due_on TEXT,
    deadline_before BIGINT NOT NULL DEFAULT 0,
    deadline_note TEXT,
    basis TEXT,
    overseer TEXT,
    secret BIGINT NOT NULL DEFAULT 0,
    parent_task_id BIGINT REFERENCES tasks(id),
    extra TEXT NOT NULL DEFAULT '[]',
    lead_raw TEXT,
    coordinators_raw TEXT,
    source TEXT,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX tasks_document_number ON tasks(document_id, number);
CREATE INDEX tasks_committee ON tasks(committee_id);
CREATE TABLE task_external_ids (
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (system, external_id)
);
CREATE TABLE task_documents (
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    document_id BIGINT NOT NULL REFERENCES documents(id),
    PRIMARY KEY (task_id, document_id)
);
CREATE TABLE task_unresolved_agencies (
    id {pk},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    role TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX task_unresolved_task ON task_unresolved_agencies(task_id);
CREATE TABLE assignments (
    id {pk},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    role TEXT NOT NULL,
    via_group TEXT,
    unit TEXT,
    raw TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (task_id, agency_id, role)
);
CREATE INDEX assignments_agency ON assignments(agency_id);
CREATE TABLE deadline_changes (
    id {pk},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    assignment_id BIGINT REFERENCES assignments(id),
    effective_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_on TEXT,
    raw TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_by TEXT,
    state TEXT NOT NULL DEFAULT 'approved',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX deadline_changes_task ON deadline_changes(task_id);
CREATE TABLE progress_reports (
    id {pk},
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    reported_on TEXT NOT NULL,
    status TEXT,
    completed_on TEXT,
    text TEXT,
    source TEXT NOT NULL,
    source_key TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX progress_reports_assignment ON progress_reports(assignment_id, reported_on);
CREATE TABLE evidence_files (
    id {pk},
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE difficulties (
    id {pk},
    task_id BIGINT REFERENCES tasks(id),
    raising_agency_id BIGINT NOT NULL REFERENCES agencies(id),
    text TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT,
    answer_due TEXT,
    answered_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE difficulty_handlers (
    difficulty_id BIGINT NOT NULL REFERENCES difficulties(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (difficulty_id, agency_id)
);
CREATE TABLE imports (
    id {pk},
    document_id BIGINT NOT NULL REFERENCES documents(id),
    file_name TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    tasks_created BIGINT NOT NULL,
    tasks_updated BIGINT NOT NULL,
    assignments BIGINT NOT NULL,
    warnings TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE audit_log (
    id {pk},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_value TEXT,
    after_value TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
"#;
