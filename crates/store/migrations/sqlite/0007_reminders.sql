-- e-mail addresses, reminder preferences, reminders
-- Session 6: reminders that reach people.
-- - Each account may have an e-mail address and its preferences (channel, frequency).
-- - A reminder is one user's digest of one day: kept for the application (read or not) and, when
-- it goes by e-mail, its delivery (queued until an SMTP server accepts it, retried with
-- backoff). `(user_id, day, digest)` is unique: a digest is queued once, whatever the number of
-- processes that compute it.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN remind_channel TEXT;
ALTER TABLE users ADD COLUMN remind_frequency TEXT;
CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    digest TEXT NOT NULL,
    channel TEXT NOT NULL,
    email TEXT,
    items TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    mail_state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    read_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, day, digest)
);
CREATE INDEX reminders_mail ON reminders(mail_state, next_attempt_at);
CREATE INDEX reminders_user ON reminders(user_id, read_at)
