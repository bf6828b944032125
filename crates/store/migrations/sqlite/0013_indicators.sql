-- indicators, targets and values
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
