-- the saved status book in parts, with its place in the change feed
-- A save is written part by part, each part in a transaction of its own, so that saving a
-- national book never holds the writer for long; the save is used once `complete`. It records
-- where the book stands in the audit log's feed, so that a restarted server reads it and then
-- only the changes after it; a command-line report uses it when its data version
-- (`fingerprint`) is the data's own.
DROP TABLE status_snapshots;
CREATE TABLE status_book_saves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    format TEXT NOT NULL,
    fingerprint TEXT,
    feed_position TEXT NOT NULL,
    parts INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE status_book_parts (
    save_id BIGINT NOT NULL,
    part INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (save_id, part)
);
