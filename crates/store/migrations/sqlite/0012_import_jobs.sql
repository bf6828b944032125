-- imports waiting in the database
-- Session 8: an import read in the browser waits in the database, not in one server's memory:
-- any server behind the proxy shows it, the person corrects its items (what was read, as JSON,
-- and the items dropped), then confirms; big files are read and stored in the background.
-- State: reading → ready → storing → stored (or failed while reading; back to ready, with the
-- reason, when storing is refused).
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
