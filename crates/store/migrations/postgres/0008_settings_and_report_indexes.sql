-- installation settings, indexes of reviewed and users' reports
-- Values every server of an installation shares, created once (the key that signs the links in
-- reminder e-mails). The reminders read the reports the standing agency reviewed and the
-- completions users reported: two partial indexes find those few among millions of imported
-- reports (without them each digest run read every report twice).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX progress_reports_reviewed ON progress_reports(assignment_id) WHERE review IS NOT NULL;
CREATE INDEX progress_reports_by_users ON progress_reports(assignment_id) WHERE source = 'user'
