-- accounts held by agencies' heads
-- Session 7: the head of an agency hears of its long-overdue assignments (the escalation) in
-- an account of their own, marked with the agency they head.
ALTER TABLE users ADD COLUMN heads_agency_id BIGINT REFERENCES agencies(id)
