-- a difficulty's raising agency as the document wrote it
-- A difficulty table's "Cơ quan nêu" cell may name a group, a list or an agency the registry
-- does not know; the row is kept with the phrase as written and no registry agency, shown as
-- not yet identified, instead of refusing the whole file. SQLite cannot drop a NOT NULL in
-- place: the table is rebuilt. Its rows keep their ids; the rows of other tables that refer to
-- them are orphaned between the drop and the copy, which the deferred foreign keys allow
-- until the copy has put every referenced id back (a missing one fails the step).
CREATE TEMP TABLE difficulties_before AS SELECT * FROM difficulties;
PRAGMA defer_foreign_keys = ON;
DROP TABLE difficulties;
CREATE TABLE difficulties (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT REFERENCES tasks(id),
    raising_agency_id BIGINT REFERENCES agencies(id),
    text TEXT NOT NULL,
    state TEXT NOT NULL,
    answer TEXT,
    answer_due TEXT,
    answered_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    raised_on TEXT,
    answered_by TEXT,
    answered_by_agency_id BIGINT REFERENCES agencies(id),
    document_id BIGINT REFERENCES documents(id),
    source_key TEXT,
    proposal TEXT,
    unresolved_handlers TEXT,
    headings TEXT,
    raising_agency_raw TEXT
);
INSERT INTO difficulties (id, task_id, raising_agency_id, text, state, answer, answer_due, answered_on, created_at, created_by,
        raised_on, answered_by, answered_by_agency_id, document_id, source_key, proposal, unresolved_handlers, headings)
    SELECT id, task_id, raising_agency_id, text, state, answer, answer_due, answered_on, created_at, created_by,
        raised_on, answered_by, answered_by_agency_id, document_id, source_key, proposal, unresolved_handlers, headings
    FROM difficulties_before;
DROP TABLE difficulties_before;
CREATE INDEX difficulties_task ON difficulties(task_id);
CREATE INDEX difficulties_source ON difficulties(document_id, source_key);
