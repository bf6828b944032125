//! What the audit log records: every kind of change, by the code stored with it
//! (`report.added`), its Vietnamese name, and what else follows from it — which systems may be
//! told of it ([`ChangeKind`], the webhooks' kinds) and whether it can move a task in the
//! follow-up order. One list, matched exhaustively wherever a change is read: a new kind of
//! change cannot be written without saying all of this.

/// Declares [`AuditAction`]: each variant beside its stored code and its Vietnamese name.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $words:literal;)+) => {
        /// One kind of change in the audit log.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)+
        }

        impl AuditAction {
            /// Every kind of change, in the order declared.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            /// The code stored in the log and sent to subscribed systems (`report.added`).
            pub fn code(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $code,)+
                }
            }

            /// The change's name for people ("Báo cáo tiến độ").
            pub fn words(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $words,)+
                }
            }

            /// The kind of change a stored code names; `None` for a code this version does not
            /// know (a row written by a later version).
            pub fn parse(code: &str) -> Option<AuditAction> {
                match code {
                    $($code => Some(AuditAction::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

audit_actions! {
    /// A task created (from a document, typed in, or pushed by another system).
    TaskCreated = "task.created", "Tạo nhiệm vụ";
    /// A task's content changed by a document imported again.
    TaskUpdated = "task.updated", "Cập nhật nhiệm vụ";
    /// A task's content edited by the standing agency.
    TaskEdited = "task.edited", "Sửa nhiệm vụ";
    DeadlineChanged = "deadline.changed", "Điều chỉnh thời hạn";
    DeadlineRequested = "deadline.requested", "Đề nghị điều chỉnh thời hạn";
    DeadlineApproved = "deadline.approved", "Duyệt điều chỉnh thời hạn";
    DeadlineRefused = "deadline.refused", "Từ chối điều chỉnh thời hạn";
    ReportAdded = "report.added", "Báo cáo tiến độ";
    ReportConfirmed = "report.confirmed", "Xác nhận hoàn thành";
    ReportReturned = "report.returned", "Trả lại báo cáo hoàn thành";
    AssignmentAdded = "assignment.added", "Giao thêm cơ quan";
    AssignmentRemoved = "assignment.removed", "Bỏ phân công";
    /// Another system's id given to an assignment.
    AssignmentLinked = "assignment.linked", "Ghi mã của hệ thống khác cho phân công";
    CommitmentAdded = "commitment.added", "Cam kết hoàn thành";
    DifficultyRaised = "difficulty.raised", "Nêu khó khăn, vướng mắc";
    DifficultyAnswered = "difficulty.answered", "Trả lời khó khăn, vướng mắc";
    DifficultyForwarded = "difficulty.forwarded", "Chuyển khó khăn, vướng mắc";
    DifficultyImported = "difficulty.imported", "Nhập khó khăn, vướng mắc từ tệp";
    DirectionGiven = "direction.given", "Ý kiến chỉ đạo";
    DirectionAnswered = "direction.answered", "Trả lời ý kiến chỉ đạo";
    ExplanationRequested = "explanation.requested", "Yêu cầu giải trình";
    ExplanationGiven = "explanation.given", "Giải trình";
    AgencyAdded = "agency.added", "Thêm cơ quan";
    AgencyEdited = "agency.edited", "Sửa thông tin cơ quan";
    AgencyAliasAdded = "agency.alias_added", "Thêm tên gọi cơ quan";
    /// Another system's id given to an agency.
    AgencyLinked = "agency.linked", "Ghi mã của hệ thống khác cho cơ quan";
    DocumentImported = "document.imported", "Nhập tệp";
    DocumentGenerated = "document.generated", "Sinh dữ liệu";
    UserCreated = "user.created", "Tạo tài khoản";
    UserPasswordChanged = "user.password_changed", "Đổi mật khẩu";
    UserPasswordReset = "user.password_reset", "Cấp lại mật khẩu dùng một lần";
    UserDisabled = "user.disabled", "Khóa tài khoản";
    UserEnabled = "user.enabled", "Mở khóa tài khoản";
    UserEmail = "user.email", "Đổi thư điện tử nhận nhắc việc";
    UserHeadsAgency = "user.heads_agency", "Ghi người đứng đầu cơ quan";
    UserReminders = "user.reminders", "Đổi cách nhận nhắc việc";
    UserRoleChanged = "user.role_changed", "Đổi vai trò, cơ quan của tài khoản";
    UserCommitteeChanged = "user.committee_changed", "Chuyển tài khoản sang ban chỉ đạo khác";
    ApiTokenCreated = "api_token.created", "Tạo mã truy cập API";
    ApiTokenRevoked = "api_token.revoked", "Thu hồi mã truy cập API";
    CommitteeAdded = "committee.added", "Thêm ban chỉ đạo";
    MeetingAdded = "meeting.added", "Ghi phiên họp";
    MeetingDocumentLinked = "meeting.document_linked", "Liên kết văn bản với phiên họp";
    FormulaPublished = "formula.published", "Công bố cách tính điểm";
    IndicatorCreated = "indicator.created", "Thêm chỉ tiêu";
    IndicatorValue = "indicator.value", "Báo cáo số liệu chỉ tiêu";
    IndicatorConfirmed = "indicator.confirmed", "Xác nhận số liệu chỉ tiêu";
    IndicatorReturned = "indicator.returned", "Trả lại số liệu chỉ tiêu";
    IndicatorTarget = "indicator.target", "Đặt mục tiêu chỉ tiêu";
    IndicatorLife = "indicator.life", "Đặt thời gian áp dụng chỉ tiêu";
    IndicatorLinked = "indicator.linked", "Gắn chỉ tiêu với nhiệm vụ";
    IndicatorUnlinked = "indicator.unlinked", "Bỏ gắn chỉ tiêu với nhiệm vụ";
    SigningSet = "signing.set", "Đặt thể thức văn bản";
    WebhookSubscribed = "webhook.subscribed", "Đăng ký hệ thống nhận thông báo thay đổi";
    WebhookUnsubscribed = "webhook.unsubscribed", "Hủy đăng ký hệ thống nhận thông báo thay đổi";
}

impl AuditAction {
    /// The kind of change other systems may subscribe to, or `None` for one never sent
    /// (accounts, tokens, settings, the registry, leaders' directions).
    pub fn change_kind(self) -> Option<ChangeKind> {
        use AuditAction::*;
        Some(match self {
            TaskCreated | TaskUpdated | TaskEdited => ChangeKind::Task,
            DeadlineChanged | DeadlineRequested | DeadlineApproved | DeadlineRefused => {
                ChangeKind::Deadline
            }
            ReportAdded | ReportConfirmed | ReportReturned => ChangeKind::Report,
            AssignmentAdded | AssignmentRemoved | AssignmentLinked => ChangeKind::Assignment,
            CommitmentAdded => ChangeKind::Commitment,
            DifficultyRaised | DifficultyAnswered | DifficultyForwarded | DifficultyImported => {
                ChangeKind::Difficulty
            }
            DocumentImported | DocumentGenerated => ChangeKind::Document,
            IndicatorCreated | IndicatorValue | IndicatorConfirmed | IndicatorReturned
            | IndicatorTarget | IndicatorLife | IndicatorLinked | IndicatorUnlinked => {
                ChangeKind::Indicator
            }
            DirectionGiven
            | DirectionAnswered
            | ExplanationRequested
            | ExplanationGiven
            | AgencyAdded
            | AgencyEdited
            | AgencyAliasAdded
            | AgencyLinked
            | UserCreated
            | UserPasswordChanged
            | UserPasswordReset
            | UserDisabled
            | UserEnabled
            | UserEmail
            | UserHeadsAgency
            | UserReminders
            | UserRoleChanged
            | UserCommitteeChanged
            | ApiTokenCreated
            | ApiTokenRevoked
            | CommitteeAdded
            | MeetingAdded
            | MeetingDocumentLinked
            | FormulaPublished
            | SigningSet
            | WebhookSubscribed
            | WebhookUnsubscribed => {
                return None;
            }
        })
    }

    /// Whether the change rewrites a task's own fields (its number, title, deadline as
    /// written…), so that the task may move in the follow-up order: the changes systems hear of
    /// as task changes ([`ChangeKind::Task`]); the other changes of a task touch its
    /// assignments, reports or records beside it.
    pub fn rewrites_task(self) -> bool {
        self.change_kind() == Some(ChangeKind::Task)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The kinds of change another system may subscribe to (the webhooks' `events`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Task,
    Assignment,
    Report,
    Deadline,
    Difficulty,
    Commitment,
    Document,
    Indicator,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 8] = [
        ChangeKind::Task,
        ChangeKind::Assignment,
        ChangeKind::Report,
        ChangeKind::Deadline,
        ChangeKind::Difficulty,
        ChangeKind::Commitment,
        ChangeKind::Document,
        ChangeKind::Indicator,
    ];

    /// The kind's name in a subscription and in what is sent (`report`).
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Task => "task",
            ChangeKind::Assignment => "assignment",
            ChangeKind::Report => "report",
            ChangeKind::Deadline => "deadline",
            ChangeKind::Difficulty => "difficulty",
            ChangeKind::Commitment => "commitment",
            ChangeKind::Document => "document",
            ChangeKind::Indicator => "indicator",
        }
    }

    pub fn parse(code: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_action_has_one_code_of_its_own_read_back_as_itself() {
        let mut codes = HashSet::new();
        for a in AuditAction::ALL {
            assert!(codes.insert(a.code()), "{} twice", a.code());
            assert_eq!(AuditAction::parse(a.code()), Some(*a));
            assert!(!a.words().is_empty() && a.words() != a.code());
        }
        assert_eq!(AuditAction::parse("task"), None);
        assert_eq!(AuditAction::parse("report.added "), None);
    }

    #[test]
    fn a_change_is_sent_under_the_first_word_of_its_code_or_not_at_all() {
        for a in AuditAction::ALL {
            let first = a.code().split('.').next().unwrap_or_default();
            match a.change_kind() {
                Some(k) => assert_eq!(k.code(), first, "{a}"),
                None => assert_eq!(ChangeKind::parse(first), None, "{a} is never sent"),
            }
        }
        for k in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(k.code()), Some(k));
        }
    }
}
