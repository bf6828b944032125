-- a subscription may be one committee's
-- A province's system hears of its own committee's changes only (its tasks, documents and
-- indicators); NULL: every change of the kinds subscribed, as before.
ALTER TABLE webhook_subscriptions ADD COLUMN committee_id BIGINT REFERENCES committees(id);
