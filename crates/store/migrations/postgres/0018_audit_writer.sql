-- each audited change records the transaction that wrote it
-- The writing transaction of each audit row, so that a follower of the log on PostgreSQL can
-- tell which changes may still commit below the newest id it has read (store::audit::FeedPosition).
-- The default is PostgreSQL's transaction id (`pg_current_xact_id()`), taken at insert.
ALTER TABLE audit_log ADD COLUMN writer BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX audit_writer ON audit_log(writer)
