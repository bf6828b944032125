-- the assignment an audited change touched
-- A change to one assignment's reports (a report added, confirmed or returned) names that
-- assignment, so that the status book in memory reloads that assignment alone rather than every
-- assignment of its task (store::audit::Change).
ALTER TABLE audit_log ADD COLUMN assignment_id BIGINT
