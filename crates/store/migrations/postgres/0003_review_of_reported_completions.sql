-- review of reported completions
-- The standing agency confirms or returns a reported completion; a returned one no longer counts.
ALTER TABLE progress_reports ADD COLUMN review TEXT;
ALTER TABLE progress_reports ADD COLUMN review_note TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewed_by TEXT;
ALTER TABLE progress_reports ADD COLUMN reviewed_at TEXT
