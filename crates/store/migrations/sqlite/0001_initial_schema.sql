-- initial schema
CREATE TABLE committees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    province_code TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    alias TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX agency_aliases_agency ON agency_aliases(agency_id);
CREATE TABLE agency_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    member_kinds TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    role TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX task_unresolved_task ON task_unresolved_agencies(task_id);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES progress_reports(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    before_value TEXT,
    after_value TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
