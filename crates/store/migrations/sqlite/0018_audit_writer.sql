-- each audited change records the transaction that wrote it
-- The writing transaction of each audit row, so that a follower of the log on PostgreSQL can
-- tell which changes may still commit below the newest id it has read (store::audit::FeedPosition).
-- On SQLite, whose writers take turns, it is 0 and unused.
ALTER TABLE audit_log ADD COLUMN writer BIGINT NOT NULL DEFAULT 0;
CREATE INDEX audit_writer ON audit_log(writer)
