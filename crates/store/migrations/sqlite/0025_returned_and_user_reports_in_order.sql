-- indexes of the returned reports and of users' reports, in report order
-- Every dashboard and inbox reads the completions the standing agency returned (an agency's)
-- or the completions users reported that wait for review (the standing agency's). Right after
-- a national import no report has been reviewed or sent by a user, so the planner's statistics
-- hold no row for the partial indexes of migration 8, and SQLite read all two million reports
-- for each dashboard (about 175 ms of a 190–250 ms page). These two indexes, in report order,
-- hold only those few reports: each query reads them alone, whatever the statistics say.
CREATE INDEX progress_reports_returned ON progress_reports(id) WHERE review = 'returned';
CREATE INDEX progress_reports_of_users ON progress_reports(id) WHERE source = 'user';
