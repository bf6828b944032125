-- the other system a file uploaded in the browser was exported from
-- When the standing agency names the system (nq57, VPCP's follow-up system) on the upload form,
-- each task's id is read from the file and the preview and the import match stored tasks by it,
-- as `tiendo import --system` does. NULL: an ordinary file, matched by document and number.
ALTER TABLE import_jobs ADD COLUMN external_system TEXT;
