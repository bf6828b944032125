-- commitments
-- An agency's commitment for a late assignment: the date it will be done and the roadmap.
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id BIGINT NOT NULL REFERENCES assignments(id),
    committed_on TEXT NOT NULL,
    roadmap TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX commitments_assignment ON commitments(assignment_id)
