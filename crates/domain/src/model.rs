//! Value types shared by the importer, the store and the reports.

use serde::{Deserialize, Serialize};

use crate::agency::AgencyRef;
use crate::deadline::Deadline;

/// The role of an agency in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Lead,
    Coordinator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Coordinator => "coordinator",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "lead" => Some(Role::Lead),
            "coordinator" => Some(Role::Coordinator),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role as stored (`lead`, `coordinator`); any other text is refused.
impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s).ok_or_else(|| format!("vai trò không có: {s}"))
    }
}

/// A status as a document or an agency reports it ("Tiến độ").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportedStatus {
    Done,
    DoneLate,
    InProgress,
    NotDone,
}

impl ReportedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportedStatus::Done => "done",
            ReportedStatus::DoneLate => "done_late",
            ReportedStatus::InProgress => "in_progress",
            ReportedStatus::NotDone => "not_done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "done" => Some(Self::Done),
            "done_late" => Some(Self::DoneLate),
            "in_progress" => Some(Self::InProgress),
            "not_done" => Some(Self::NotDone),
            _ => None,
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Self::Done | Self::DoneLate)
    }

    /// The words the documents use.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Done => "Đã hoàn thành",
            Self::DoneLate => "Đã hoàn thành quá hạn",
            Self::InProgress => "Đang thực hiện",
            Self::NotDone => "Chưa hoàn thành",
        }
    }

    /// Reads a "Tiến độ" cell. Unknown wording gives `None` (the caller keeps the raw text).
    pub fn from_text(text: &str) -> Option<Self> {
        let f = crate::text::name_key(text);
        if f.is_empty() {
            return None;
        }
        if f.contains("chua hoan thanh") || f.contains("khong hoan thanh") || f == "chua thuc hien"
        {
            return Some(Self::NotDone);
        }
        if f.contains("hoan thanh qua han")
            || f.contains("hoan thanh cham")
            || f.contains("hoan thanh tre")
        {
            return Some(Self::DoneLate);
        }
        if f.starts_with("da hoan thanh") || f == "hoan thanh" {
            return Some(Self::Done);
        }
        if f.contains("dang thuc hien")
            || f.contains("dang hoan thanh")
            || f.contains("dang trien khai")
        {
            return Some(Self::InProgress);
        }
        None
    }
}

/// One task as read from a document, before it is stored. The shape of the import preview
/// (docs/contracts.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedTask {
    pub number: String,
    pub headings: Vec<String>,
    pub name: String,
    pub lead: Vec<AgencyRef>,
    pub coordinators: Vec<AgencyRef>,
    pub expected_result: Option<String>,
    pub deadline: Deadline,
    pub basis: Option<String>,
    pub progress_report: Option<String>,
    pub status: Option<ReportedStatus>,
    /// The "Tiến độ" cell as written, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_raw: Option<String>,
    pub incomplete_units: Vec<AgencyRef>,
    /// Where the task was read: "bảng 3, dòng 12" / "sheet Sheet1, row 12" / "line 40".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The leader overseeing the task ("Phó Thủ tướng phụ trách"), when the table names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overseer: Option<String>,
    /// Columns found that have no field of their own, kept as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
    /// Another system's id for the task, read from the file's id column when the file is
    /// imported as that system's export (`tiendo import --system nq57`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Where the reading is uncertain (a task read from prose: a lead taken from its item, no
    /// deadline, several milestones …), said so the person confirming the preview can check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Whether an agency that must resolve a difficulty has answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerState {
    Open,
    Answered,
}

impl HandlerState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "answered" => Some(Self::Answered),
            _ => None,
        }
    }

    /// Reads a "Tình trạng" cell of a difficulty table ("Đã xử lý", "Chưa trả lời" …). Unknown
    /// wording gives `None` (the caller keeps the text and decides by the answer).
    pub fn from_text(text: &str) -> Option<Self> {
        let f = crate::text::name_key(text);
        if f.is_empty() {
            return None;
        }
        if f.starts_with("chua") || f.starts_with("dang") || f.contains("chua xu ly") {
            return Some(Self::Open);
        }
        let done = [
            "da xu ly",
            "da tra loi",
            "da giai quyet",
            "da co y kien",
            "hoan thanh",
        ];
        if done.iter().any(|d| f.starts_with(d)) {
            return Some(Self::Answered);
        }
        None
    }
}

/// One agency named to resolve a difficulty, as a document wrote it, with its own answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedHandler {
    pub agency: AgencyRef,
    pub state: HandlerState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The answer deadline as written ("Thời hạn trả lời"), when the table has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_due: Option<Deadline>,
}

/// One difficulty ("khó khăn, vướng mắc") as read from a difficulty table: the agency that
/// raised it, what it is, the agencies that must resolve it, each with its own answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedDifficulty {
    pub number: String,
    pub headings: Vec<String>,
    /// The raising agency as resolved (one agency to be stored).
    pub agency: Vec<AgencyRef>,
    pub text: String,
    pub handlers: Vec<ParsedHandler>,
    /// "Đề xuất, kiến nghị": what the agency proposes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// The task the row names, as written (a difficulty need not concern a task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The "Tình trạng" cell as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// An indicator's figure as a document gives it: the nation's (no agency) or one agency's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedIndicatorValue {
    /// None: the national figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<AgencyRef>,
    pub value: crate::indicator::ParsedValue,
}

/// One indicator ("chỉ tiêu") as read from an indicator table: a row of a table with one row per
/// indicator, or a column of a table with agencies as rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedIndicator {
    pub number: String,
    pub headings: Vec<String>,
    /// A code the document gives ("Mã chỉ tiêu"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub kind: crate::indicator::IndicatorKind,
    pub direction: crate::indicator::Direction,
    /// Agencies leading it (a table with one row per indicator).
    #[serde(default)]
    pub lead: Vec<AgencyRef>,
    /// The target as written, and the period it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<crate::indicator::ParsedValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_period: Option<crate::indicator::Period>,
    /// Figures: the national one, or one per agency (a table with agencies as rows).
    #[serde(default)]
    pub values: Vec<ParsedIndicatorValue>,
    /// Each agency reports its own figure (agencies as rows), rather than one national figure.
    #[serde(default)]
    pub by_agency: bool,
    /// The document's own assessment ("Đạt", "Chưa đạt"), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_status_words() {
        assert_eq!(
            ReportedStatus::from_text("Đã hoàn thành"),
            Some(ReportedStatus::Done)
        );
        assert_eq!(
            ReportedStatus::from_text("Đã hoàn thành quá hạn"),
            Some(ReportedStatus::DoneLate)
        );
        assert_eq!(
            ReportedStatus::from_text("Đang thực hiện"),
            Some(ReportedStatus::InProgress)
        );
        assert_eq!(
            ReportedStatus::from_text("Đang hoàn thành"),
            Some(ReportedStatus::InProgress)
        );
        assert_eq!(
            ReportedStatus::from_text("Chưa hoàn thành"),
            Some(ReportedStatus::NotDone)
        );
        assert_eq!(
            ReportedStatus::from_text("da hoan thanh"),
            Some(ReportedStatus::Done)
        );
        assert_eq!(ReportedStatus::from_text("xem xét"), None);
    }

    #[test]
    fn handler_state_words() {
        assert_eq!(
            HandlerState::from_text("Đã xử lý"),
            Some(HandlerState::Answered)
        );
        assert_eq!(
            HandlerState::from_text("đã trả lời"),
            Some(HandlerState::Answered)
        );
        assert_eq!(
            HandlerState::from_text("Chưa xử lý"),
            Some(HandlerState::Open)
        );
        assert_eq!(
            HandlerState::from_text("Đang xem xét"),
            Some(HandlerState::Open)
        );
        assert_eq!(HandlerState::from_text("Văn bản số 12/BTP"), None);
    }
}

/// A letter's rule that no answer is a commitment: "Quá thời hạn trên, nếu không có văn bản trả
/// lời thì được hiểu là … cam kết hoàn thành 100%". At `answer_by`, each agency still late on the
/// letter's tasks that has not answered with a commitment is recorded as committing, with this
/// rule as its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceRule {
    /// The rule's sentence as written.
    pub text: String,
    /// The letter, as its tasks name it ("Văn bản số 77/BCA-VPB ngày 27/11/2026").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The day answers were due (the letter's own date for them); None when the letter gives
    /// none: then nothing is recorded, and the preview says so.
    #[serde(with = "crate::deadline::opt_iso_date")]
    pub answer_by: Option<time::Date>,
}
