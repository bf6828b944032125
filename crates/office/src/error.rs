use thiserror::Error;

/// Why a file could not be read. Each message is one line, in Vietnamese, for the person importing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImportError {
    #[error("không đọc được tệp: {0}")]
    Io(String),
    #[error("tệp rỗng")]
    Empty,
    #[error("tệp quá lớn ({0} byte; tối đa 50 MB)")]
    TooLarge(u64),
    #[error("tệp nén giải ra quá lớn (nghi tệp độc hại \"zip bomb\"; tối đa 300 MB)")]
    ZipBomb,
    #[error("tệp hỏng: {0}")]
    Corrupt(String),
    #[error("tệp được bảo vệ bằng mật khẩu hoặc mã hóa; hãy bỏ mật khẩu rồi nhập lại")]
    Protected,
    #[error("tệp Word cũ (.doc) chưa được hỗ trợ; hãy lưu lại thành .docx")]
    LegacyDoc,
    #[error("định dạng không hỗ trợ: {0}")]
    Unsupported(String),
    #[error("không tìm thấy bảng nhiệm vụ{0}")]
    NoTaskTable(String),
    #[error(
        "không tìm thấy nội dung nhận biết được: không có bảng nhiệm vụ (cột Nhiệm vụ, Chủ trì, Thời hạn …), bảng khó khăn, vướng mắc (cột Khó khăn, vướng mắc, Đơn vị xử lý …), bảng chỉ tiêu (cột Chỉ tiêu, Đơn vị tính, Mục tiêu, Kết quả …) hay câu giao nhiệm vụ (\"Giao Bộ … chủ trì …, hoàn thành …\"){0}"
    )]
    NothingRecognised(String),
    #[error(
        "PDF không có lớp chữ (bản quét ảnh): cần nhận dạng ký tự (OCR) trước khi nhập; hãy nhập bản Word hoặc PDF có chữ"
    )]
    NeedsOcr,
    #[error("bảng thiếu cột tên nhiệm vụ (các cột tìm thấy: {0})")]
    MissingNameColumn(String),
}
