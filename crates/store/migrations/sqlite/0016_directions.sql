-- leaders' directions and requests for explanation; the reason a deadline request was refused
-- A leader's direction on a task ("ý kiến chỉ đạo") or request for an explanation ("yêu cầu
-- giải trình"), one row per agency it is addressed to, answered by that agency; and the reason
-- written when a deadline request is refused.
CREATE TABLE directions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
