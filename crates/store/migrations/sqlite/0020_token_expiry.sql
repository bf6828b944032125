-- API tokens that expire
-- An API token may be given an end (RFC 3339); none: until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT
