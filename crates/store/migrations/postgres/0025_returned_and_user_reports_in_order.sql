-- indexes of the returned reports and of users' reports, in report order (SQLite only)
-- SQLite read all two million reports for each dashboard right after a national import (no
-- statistics row for the partial indexes of migration 8 while they are empty) and gets two
-- indexes in report order for it. PostgreSQL's planner already reads those few reports through
-- migration 8's indexes from its column statistics (measured at national scale: 0.1 ms and
-- 0.03 ms), so this step adds nothing here: more indexes would only slow every report's insert.
SELECT 1;
