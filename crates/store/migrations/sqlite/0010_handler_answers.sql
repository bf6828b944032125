-- each handling agency's own answer; difficulties read from documents
-- Session 8: a difficulty may name several agencies to resolve it, each answering on its own
-- (its answer, deadline and state beside its routing); difficulties come from documents too (the
-- document, a key that finds the same row when the document is imported again, the proposal,
-- the handling agencies the registry does not know, as written, and the headings of its table).
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
