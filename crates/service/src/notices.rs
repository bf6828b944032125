//! What the user is told after an action: each notice beside its code (the `tb` of the page
//! a form returns to, the `code` of the API's refusals) and its Vietnamese words. A refusal
//! ([`crate::operations::Refusal`]) carries one; no text is echoed through a URL.

/// Declares [`Notice`]: each variant beside its code, whether it says something was done, and
/// its words.
macro_rules! notices {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $outcome:ident $words:literal;)+) => {
        /// A message shown back after an action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Notice {
            $($(#[$doc])* $variant,)+
        }

        impl Notice {
            /// Every notice, in the order declared.
            pub const ALL: &'static [Notice] = &[$(Notice::$variant,)+];

            /// The notice's code in a URL and in the API's answers (`bao-cao`).
            pub fn code(self) -> &'static str {
                match self {
                    $(Notice::$variant => $code,)+
                }
            }

            /// What people read.
            pub fn text(self) -> &'static str {
                match self {
                    $(Notice::$variant => $words,)+
                }
            }

            /// Whether it says something was done (shown as such), rather than refused.
            pub fn is_done(self) -> bool {
                match self {
                    $(Notice::$variant => notices!(@done $outcome),)+
                }
            }

            /// The notice a code names, `None` for any other text.
            pub fn parse(code: &str) -> Option<Notice> {
                match code {
                    $($code => Some(Notice::$variant),)+
                    _ => None,
                }
            }
        }
    };
    (@done done) => { true };
    (@done refused) => { false };
}

notices! {
    ReportRecorded = "bao-cao", done "Đã ghi báo cáo tiến độ.";
    ExtensionRequested = "gia-han", done "Đã gửi đề nghị điều chỉnh thời hạn; chờ cơ quan thường trực xem xét.";
    ExtensionApproved = "duyet", done "Đã duyệt điều chỉnh thời hạn.";
    ExtensionRefused = "tu-choi", done "Đã từ chối đề nghị điều chỉnh thời hạn.";
    DifficultyRaised = "kho-khan", done "Đã gửi khó khăn, vướng mắc.";
    DifficultyAnswered = "tra-loi", done "Đã trả lời khó khăn, vướng mắc.";
    CompletionConfirmed = "xac-nhan", done "Đã xác nhận hoàn thành.";
    CompletionReturned = "tra-lai", done "Đã trả lại báo cáo hoàn thành; cơ quan sẽ thấy lý do.";
    ReturnReasonMissing = "ly-do-tra-lai", refused "Cần nêu lý do trả lại.";
    RefusalReasonMissing = "ly-do-tu-choi", refused "Cần nêu lý do không chấp thuận (tối đa 5.000 ký tự); cơ quan đề nghị sẽ thấy lý do.";
    FormExpired = "csrf", refused "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang rồi gửi lại.";
    Forbidden = "quyen", refused "Bạn không có quyền thực hiện việc này trên nhiệm vụ này.";
    NotFound = "khong-co", refused "Không tìm thấy.";
    OtherCommittee = "ban-chi-dao-khac", refused "Việc này thuộc ban chỉ đạo khác: bạn chỉ được xem, không thay đổi được; chưa lưu gì.";
    StatusInvalid = "trang-thai", refused "Tình trạng báo cáo không hợp lệ.";
    TextMissing = "noi-dung", refused "Cần nội dung (tối đa 5.000 ký tự).";
    CompletionDateInvalid = "ngay", refused "Ngày hoàn thành không hợp lệ (không trước năm 2000, không sau hôm nay).";
    DeadlineUnreadable = "thoi-han", refused "Thời hạn đề nghị không đọc được (ví dụ: 30/6/2026, Quý III/2026) hoặc đã qua.";
    ReasonMissing = "ly-do", refused "Cần nêu lý do (tối đa 5.000 ký tự).";
    AgencyUnknown = "co-quan", refused "Cơ quan không có trong danh mục hoặc đã hết hiệu lực.";
    TaskSaved = "da-sua", done "Đã lưu thay đổi của nhiệm vụ.";
    TaskCreated = "tao-nhiem-vu", done "Đã tạo nhiệm vụ và giao cho các cơ quan.";
    TaskValuesInvalid = "sua-nhiem-vu", refused "Giá trị không hợp lệ; chưa lưu thay đổi nào.";
    MeetingDateInvalid = "ngay-hop", refused "Ngày họp không hợp lệ.";
    DocumentUnknown = "van-ban", refused "Không nhận ra văn bản: nhập số ký hiệu (vd: 624/TB-VPCP) hoặc khóa của tệp đã nhập.";
    MeetingInvalid = "phien-hop", refused "Cần tên phiên họp (tối đa 300 ký tự) và ngày họp hợp lý.";
    MeetingRecorded = "them-phien-hop", done "Đã ghi phiên họp.";
    AgencyAssigned = "giao", done "Đã giao nhiệm vụ cho cơ quan từ hôm nay.";
    AssignmentHandedOver = "chuyen-giao", done "Đã chuyển giao: phân công cũ kết thúc, phân công mới bắt đầu từ hôm nay.";
    AssignmentEnded = "ket-thuc-giao", done "Đã kết thúc phân công từ hôm nay.";
    AlreadyAssigned = "da-giao", refused "Cơ quan này đã được giao nhiệm vụ với vai trò đó.";
    RoleInvalid = "vai-tro", refused "Vai trò không hợp lệ.";
    AssignmentNotOfTask = "phan-cong", refused "Phân công không thuộc nhiệm vụ này hoặc đã kết thúc.";
    DifficultyForwarded = "chuyen", done "Đã chuyển khó khăn, vướng mắc cho cơ quan xử lý với hạn trả lời.";
    AnswerDueInvalid = "han-tra-loi", refused "Hạn trả lời không hợp lệ (từ hôm nay đến tối đa 1 năm sau).";
    AlreadyHandled = "da-xu-ly", refused "Việc này đã được xử lý.";
    DirectionGiven = "chi-dao", done "Đã ghi ý kiến chỉ đạo; các cơ quan được giao sẽ thấy trong “Việc cần xử lý”.";
    ExplanationRequested = "giai-trinh", done "Đã gửi yêu cầu giải trình; cơ quan sẽ thấy trong “Việc cần xử lý”.";
    DirectionAnswered = "tra-loi-chi-dao", done "Đã gửi trả lời.";
    DirectionKindMissing = "loai-chi-dao", refused "Chọn ý kiến chỉ đạo hoặc yêu cầu giải trình.";
    Failed = "loi", refused "Không lưu được; hãy thử lại.";
    Busy = "ban", refused "Máy chủ đang bận; không có gì được lưu, hãy thử lại sau ít giây.";
    Markup = "ma-html", refused "Nội dung có mã HTML hoặc script (thẻ <…>); hãy nhập văn bản thường. Không có gì được lưu.";
    EvidenceFileRefused = "minh-chung", refused "Tệp minh chứng phải là PDF, Word (.docx), Excel (.xlsx), JPG hoặc PNG, tối đa 10 MB; không có gì được lưu.";
    CommitmentRecorded = "cam-ket", done "Đã ghi cam kết hoàn thành và lộ trình.";
    CommitmentDateInvalid = "ngay-cam-ket", refused "Ngày cam kết phải từ hôm nay đến tối đa 2 năm sau.";
    AliasAdded = "ten-goi", done "Đã thêm tên gọi; các tệp nhập sau sẽ nhận ra tên này.";
    AliasRefused = "ten-goi-trung", refused "Tên gọi trống, quá dài, hoặc đã là tên của cơ quan khác.";
    AgencyAdded = "them-co-quan", done "Đã thêm cơ quan vào danh mục.";
    AgencySaved = "sua-co-quan", done "Đã lưu thông tin cơ quan.";
    AgencyValuesInvalid = "co-quan-sai", refused "Thông tin cơ quan không hợp lệ; chưa lưu gì.";
    FileNotSaved = "luu-tep", refused "Không lưu được tệp; không có gì được lưu.";
    ImportClosed = "nhap-da-xong", refused "Bản xem trước này đã được lưu, đang lưu, hoặc không còn; không sửa được nữa.";
    ItemTextInvalid = "sua-muc", refused "Nội dung mục trống hoặc quá dài; chưa sửa gì.";
    ItemDeadlineUnreadable = "sua-thoi-han", refused "Không đọc được thời hạn (ví dụ: 30/6/2026, Tháng 9/2026, Quý III/2026, Năm 2026, Thường xuyên; ngày phải có trong lịch, không trước năm 2000); để trống nếu văn bản không nêu. Chưa sửa gì.";
    ItemEdited = "da-sua-muc", done "Đã sửa mục; bản xem trước đã cập nhật.";
    FigureInvalid = "so-lieu", refused "Số liệu không hợp lệ; chưa lưu gì.";
    FigureReported = "da-bao-so-lieu", done "Đã ghi số liệu chỉ tiêu.";
    PeriodUnreadable = "ky", refused "Kỳ không hợp lệ (ví dụ: 2026, Quý II/2026, tháng 6/2026); chưa lưu gì.";
    TargetSet = "muc-tieu", done "Đã đặt mục tiêu.";
    FigureConfirmed = "xac-nhan-so-lieu", done "Đã xác nhận số liệu.";
    FigureReturned = "tra-lai-so-lieu", done "Đã trả lại số liệu; cơ quan sẽ thấy lý do.";
    IndicatorLinksSaved = "lien-ket", done "Đã cập nhật liên kết chỉ tiêu – nhiệm vụ.";
    IndicatorLifeSaved = "thoi-gian-theo-doi", done "Đã cập nhật thời gian theo dõi và chiều đánh giá.";
    IndicatorLifeInvalid = "ngay-theo-doi", refused "Ngày không hợp lệ (ngày/tháng/năm), hoặc ngày bắt đầu sau ngày kết thúc; chưa lưu gì.";
    DirectionOfGoodInvalid = "chieu", refused "Chiều đánh giá không hợp lệ; chưa lưu gì.";
    FiguresOutsideLife = "ngoai-thoi-gian", refused "Đã có số liệu hoặc mục tiêu nằm ngoài thời gian theo dõi mới; chưa lưu gì.";
    TaskNumberUnknown = "nhiem-vu", refused "Không có nhiệm vụ số này.";
    ItemDropped = "da-bo", done "Đã bỏ mục khỏi lần nhập này.";
    ItemKept = "da-giu", done "Đã giữ lại mục.";
    CommitteeInvalid = "ban-chi-dao", refused "Thông tin ban chỉ đạo không hợp lệ; chưa lưu gì.";
    SourceSystemInvalid = "he-thong", refused "Tên hệ thống nguồn hoặc cột mã không hợp lệ (văn bản thường, tối đa 100 ký tự); chưa nhập gì.";
    /// Another system's id refused (always said with the store's own reason).
    ExternalIdInvalid = "ma-ngoai", refused "Mã của hệ thống khác không hợp lệ; không có gì được lưu.";
    /// A scoring formula refused (always said with the reason found in it).
    FormulaInvalid = "cong-thuc", refused "Cách tính điểm không hợp lệ; chưa công bố.";
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The words and outcome of a page's `tb` code: `(text, done)`.
pub fn message(code: &str) -> Option<(&'static str, bool)> {
    Notice::parse(code).map(|n| (n.text(), n.is_done()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_notice_has_a_code_of_its_own_in_a_url_and_words_that_end_a_sentence() {
        let mut codes = HashSet::new();
        for n in Notice::ALL {
            assert!(codes.insert(n.code()), "{n} twice");
            assert_eq!(Notice::parse(n.code()), Some(*n));
            assert!(
                n.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{n} is not a plain URL word"
            );
            assert!(n.text().ends_with('.'), "{n}: {}", n.text());
        }
        assert_eq!(Notice::parse("bao-cao?x"), None);
        assert_eq!(message("khong-co"), Some(("Không tìm thấy.", false)));
        assert_eq!(message("bao-cao"), Some(("Đã ghi báo cáo tiến độ.", true)));
    }
}
