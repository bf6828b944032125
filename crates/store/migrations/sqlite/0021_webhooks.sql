-- webhooks: subscriptions and their outbox
-- Other systems told of changes: each subscription names the kinds of change it wants; every
-- audited change of those kinds queues one delivery per subscription in the change's own
-- transaction (crate::webhooks), delivered with retries until the system accepts it.
CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    system TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE webhook_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions(id),
    audit_id BIGINT NOT NULL REFERENCES audit_log(id),
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at)
