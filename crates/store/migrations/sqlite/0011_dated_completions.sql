-- completions dated by the report unless a document left the day unstated; what documents said of each task
-- Session 8: a completion without its date means "done, date not stated" (a document's word).
-- Agencies' own reports of a completion always state it: the report's day when no other was
-- given. Imported completions keep the day they were stored with.
-- What a document said of a task as a whole on the day it describes — its status word as
-- written ("Đang hoàn thành") and its reported result — kept even when no lead agency could be
-- named, so a results table reported again as of that day says what the document said.
UPDATE progress_reports SET completed_on = reported_on
    WHERE status IN ('done', 'done_late') AND completed_on IS NULL AND source <> 'import';
CREATE TABLE task_statements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    reported_on TEXT NOT NULL,
    status_raw TEXT,
    result TEXT,
    source_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (task_id, source_key)
);
CREATE INDEX task_statements_task ON task_statements(task_id, reported_on)
