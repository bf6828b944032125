-- failed log-ins by address
-- Where each failed log-in came from, so that guessing is slowed per address as well as per
-- name (tiendo_domain::access::LoginThrottle).
ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_address ON login_failures(address, at)
