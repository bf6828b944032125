-- other systems' ids for agencies and assignments; the deadline as a task's source last stated it
-- Another monitoring system (nq57, VPCP's follow-up system) names an agency and an assignment
-- by its own id; the pair (system, external_id) is stored beside ours, unique, so that a second
-- push of the same id finds what the first stored instead of making it again.
CREATE TABLE agency_external_ids (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (system, external_id)
);
CREATE INDEX agency_external_ids_agency ON agency_external_ids(agency_id);
CREATE TABLE assignment_external_ids (
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (system, external_id)
);
CREATE INDEX assignment_external_ids_assignment ON assignment_external_ids(assignment_id);
CREATE INDEX task_external_ids_task ON task_external_ids(task_id);
-- The deadline as the task's source (a later version of its document, or the system pushing it)
-- last stated it, when that differs from the original: what a re-import or a push is compared
-- with, so that the same new deadline stated twice is one deadline change, and a deadline the
-- standing agency changed is not undone by a source that still states its earlier one.
-- NULL: the source still states the original (deadline_raw, due_on).
ALTER TABLE tasks ADD COLUMN stated_deadline_raw TEXT;
ALTER TABLE tasks ADD COLUMN stated_due_on TEXT;
