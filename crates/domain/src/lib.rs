//! The domain core of Tiến Độ. Nothing here touches SQL, HTTP or file formats.
//!
//! - [`text`]: one folding function for comparing and searching Vietnamese text.
//! - [`deadline`]: Vietnamese deadline wording ("Quý I/2026", "Thường xuyên"…) to a due date.
//! - [`agency`]: the agency registry (data) and the resolver for agency cells.
//! - [`footnote`]: footnote marks and notes, which may say which members of a group a cell means.
//! - [`status`]: the status of assignments and tasks as of any date.
//! - [`model`]: shared value types (roles, reported statuses, parsed task rows).
//! - [`scoring`]: the monthly score of each agency, by a published formula.
//! - [`new_task`]: one task typed in, read like a document's row, refused field by field.
//! - [`import_plan`]: matching a re-imported document to the stored tasks, what changed.
//! - [`signing`]: how a committee issues its documents (number, signer, recipients).
//! - [`access`]: users' roles and the rule of which tasks each sees.
//! - [`audit`]: the kinds of change the audit log records, and what follows from each.
//! - [`indicator`]: indicators and targets, values as written, where each stands on a date.
//! - [`recurrence`]: recurring obligations ("hằng tháng"…), their occurrences and lateness.
//! - [`reminders`]: who must be reminded of what on a day (the digests).

pub mod access;
pub mod agency;
pub mod audit;
pub mod deadline;
pub mod footnote;
pub mod import_plan;
pub mod indicator;
pub mod model;
pub mod new_task;
pub mod recurrence;
pub mod reference;
pub mod reminders;
pub mod scoring;
pub mod signing;
pub mod status;
pub mod text;
