//! Column headers of task tables and their synonyms, compared folded (no diacritics, any case).

use tiendo_domain::text::name_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    Name,
    Lead,
    Coordinators,
    /// "Kết quả", "Sản phẩm": the expected product, not the progress report.
    ExpectedResult,
    Deadline,
    Basis,
    /// "Kết quả thực hiện": what the agency reports.
    ProgressReport,
    /// "Tiến độ": a status.
    Status,
    IncompleteUnits,
    /// "Phó Thủ tướng phụ trách" and other columns kept as extra text.
    Overseer,
    Notes,
}

/// Synonyms, as folded keys. Exact matches first; then the longest synonym the header starts with.
const SYNONYMS: &[(&str, Column)] = &[
    ("tt", Column::Number),
    ("stt", Column::Number),
    ("so tt", Column::Number),
    ("so thu tu", Column::Number),
    ("ten nhiem vu", Column::Name),
    ("nhiem vu", Column::Name),
    ("noi dung nhiem vu", Column::Name),
    ("noi dung", Column::Name),
    ("noi dung cong viec", Column::Name),
    ("ten nhiem vu de an", Column::Name),
    ("cong viec", Column::Name),
    ("nhiem vu giai phap", Column::Name),
    ("chu tri", Column::Lead),
    ("co quan chu tri", Column::Lead),
    ("don vi chu tri", Column::Lead),
    ("co quan chu tri thuc hien", Column::Lead),
    ("co quan don vi chu tri", Column::Lead),
    ("co quan thuc hien", Column::Lead),
    ("don vi thuc hien", Column::Lead),
    ("co quan duoc giao", Column::Lead),
    ("don vi duoc giao", Column::Lead),
    ("co quan chu tri trien khai", Column::Lead),
    ("co quan chiu trach nhiem", Column::Lead),
    ("phoi hop", Column::Coordinators),
    ("co quan phoi hop", Column::Coordinators),
    ("don vi phoi hop", Column::Coordinators),
    ("co quan don vi phoi hop", Column::Coordinators),
    ("co quan phoi hop thuc hien", Column::Coordinators),
    ("ket qua", Column::ExpectedResult),
    ("san pham", Column::ExpectedResult),
    ("ket qua san pham", Column::ExpectedResult),
    ("san pham dau ra", Column::ExpectedResult),
    ("ket qua dau ra", Column::ExpectedResult),
    ("san pham hoan thanh", Column::ExpectedResult),
    ("hinh thuc van ban", Column::ExpectedResult),
    ("hinh thuc san pham", Column::ExpectedResult),
    ("thoi han", Column::Deadline),
    ("thoi han hoan thanh", Column::Deadline),
    ("thoi gian hoan thanh", Column::Deadline),
    ("thoi gian", Column::Deadline),
    ("thoi gian thuc hien", Column::Deadline),
    ("thoi han trinh", Column::Deadline),
    ("han hoan thanh", Column::Deadline),
    ("can cu giao", Column::Basis),
    ("van ban giao", Column::Basis),
    ("van ban giao nhiem vu", Column::Basis),
    ("can cu", Column::Basis),
    ("can cu giao nhiem vu", Column::Basis),
    ("nguon goc nhiem vu", Column::Basis),
    ("van ban chi dao", Column::Basis),
    ("ket qua thuc hien", Column::ProgressReport),
    ("tinh hinh thuc hien", Column::ProgressReport),
    ("ket qua trien khai", Column::ProgressReport),
    ("bao cao ket qua", Column::ProgressReport),
    ("ket qua thuc hien nhiem vu", Column::ProgressReport),
    ("tinh hinh ket qua thuc hien", Column::ProgressReport),
    ("tien do", Column::Status),
    ("trang thai", Column::Status),
    ("tinh trang", Column::Status),
    ("tien do thuc hien", Column::Status),
    ("danh gia", Column::Status),
    ("don vi chua hoan thanh", Column::IncompleteUnits),
    ("co quan chua hoan thanh", Column::IncompleteUnits),
    ("cac don vi chua hoan thanh", Column::IncompleteUnits),
    ("co quan don vi chua hoan thanh", Column::IncompleteUnits),
    ("don vi chua thuc hien", Column::IncompleteUnits),
    ("pho thu tuong phu trach", Column::Overseer),
    ("lanh dao phu trach", Column::Overseer),
    ("pho thu tuong theo doi chi dao", Column::Overseer),
    ("lanh dao chinh phu phu trach", Column::Overseer),
    ("lanh dao theo doi chi dao", Column::Overseer),
    ("phan cong theo doi chi dao", Column::Overseer),
    ("lanh dao chi dao", Column::Overseer),
    ("ghi chu", Column::Notes),
];

/// The column a header names, if any.
pub fn classify(header: &str) -> Option<Column> {
    // "Thời hạn hoàn thành (dự kiến)": the parenthesis does not change the column.
    let without_paren = match header.find('(') {
        Some(i) if i > 0 => &header[..i],
        _ => header,
    };
    let key = name_key(without_paren);
    if key.is_empty() || key.len() > 80 {
        return None;
    }
    if let Some((_, c)) = SYNONYMS.iter().find(|(k, _)| *k == key) {
        return Some(*c);
    }
    SYNONYMS
        .iter()
        .filter(|(k, _)| k.len() >= 4 && key.starts_with(&format!("{k} ")))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_with_and_without_diacritics() {
        assert_eq!(classify("Tên nhiệm vụ"), Some(Column::Name));
        assert_eq!(classify("NHIỆM VỤ"), Some(Column::Name));
        assert_eq!(classify("Cơ quan chủ trì thực hiện"), Some(Column::Lead));
        assert_eq!(classify("co quan chu tri"), Some(Column::Lead));
        assert_eq!(classify("Kết quả"), Some(Column::ExpectedResult));
        assert_eq!(classify("Kết quả thực hiện"), Some(Column::ProgressReport));
        assert_eq!(
            classify("Thời hạn hoàn thành (dự kiến)"),
            Some(Column::Deadline)
        );
        assert_eq!(classify("Văn bản giao nhiệm vụ"), Some(Column::Basis));
        assert_eq!(
            classify("Đơn vị chưa hoàn thành"),
            Some(Column::IncompleteUnits)
        );
        assert_eq!(classify("Tiến độ"), Some(Column::Status));
        assert_eq!(classify("STT"), Some(Column::Number));
        assert_eq!(classify("Bộ Công an"), None);
        assert_eq!(classify("1."), None);
    }
}
