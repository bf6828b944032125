-- reassignment periods, difficulty handling, agency heads, meetings, scoring, snapshots
-- Session 2: what the follow-up of a committee needs.
-- - An assignment counts from the day it was assigned (`NULL`: from the start, as imported) until
-- the day it was removed: the past of a reassigned task stays as it was.
-- - A difficulty is answered by the standing agency or by the agency it was forwarded to; each
-- routing (who must answer, by when) is kept with the day it was set, so a month's score
-- reads the routing in force then.
-- - Each agency's head is answerable for its score.
-- - A meeting (session of the committee) and the documents it issued (its conclusion notice).
-- - The published scoring formula, one version per month it takes effect from.
-- - The status book as last loaded, keyed by the data version it reflects.
ALTER TABLE assignments ADD COLUMN assigned_on TEXT;
ALTER TABLE assignments ADD COLUMN removed_on TEXT;
UPDATE assignments SET removed_on = substr(updated_at, 1, 10) WHERE active = 0;
ALTER TABLE difficulties ADD COLUMN raised_on TEXT;
UPDATE difficulties SET raised_on = substr(created_at, 1, 10);
ALTER TABLE difficulties ADD COLUMN answered_by TEXT;
ALTER TABLE difficulties ADD COLUMN answered_by_agency_id BIGINT REFERENCES agencies(id);
CREATE TABLE difficulty_routing (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    content BLOB NOT NULL
)
