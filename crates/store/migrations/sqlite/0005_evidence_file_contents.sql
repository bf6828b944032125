-- evidence file contents
-- Evidence files are kept in the database with their report (one backup holds everything).
ALTER TABLE evidence_files ADD COLUMN content BLOB
