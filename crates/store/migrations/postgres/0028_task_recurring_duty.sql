-- a recurring duty beside a dated deadline
-- "Trước ngày 20/11/2025 và hàng tháng": the task's deadline is the date; the duty as written
-- ("hàng tháng") owes a report each period beside it. NULL: none.
ALTER TABLE tasks ADD COLUMN recurring_raw TEXT;
