//! Column headers and their synonyms, compared folded (no diacritics, any case): task tables
//! ([`Column`]) and difficulty tables ([`DifficultyColumn`]); [`table_kind`] tells which a header
//! row opens.

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
    lookup(SYNONYMS, header)
}

/// Finds a header among synonyms: exact first, then the longest synonym the header starts with.
/// "Thời hạn hoàn thành (dự kiến)": the parenthesis does not change the column.
fn lookup<C: Copy>(synonyms: &[(&str, C)], header: &str) -> Option<C> {
    let without_paren = match header.find('(') {
        Some(i) if i > 0 => &header[..i],
        _ => header,
    };
    let key = name_key(without_paren);
    if key.is_empty() || key.len() > 80 {
        return None;
    }
    if let Some((_, c)) = synonyms.iter().find(|(k, _)| *k == key) {
        return Some(*c);
    }
    synonyms
        .iter()
        .filter(|(k, _)| k.len() >= 4 && key.starts_with(&format!("{k} ")))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, c)| *c)
}

/// Columns of a difficulty table ("STT | Tên bộ, ngành | Khó khăn, vướng mắc | Đơn vị xử lý khó
/// khăn, vướng mắc").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DifficultyColumn {
    Number,
    /// The agency that raised it.
    Agency,
    Text,
    /// The agencies that must resolve it.
    Handler,
    Proposal,
    Answer,
    AnswerDue,
    State,
    /// The task it concerns.
    Task,
    Notes,
}

const DIFFICULTY_SYNONYMS: &[(&str, DifficultyColumn)] = &[
    ("tt", DifficultyColumn::Number),
    ("stt", DifficultyColumn::Number),
    ("so tt", DifficultyColumn::Number),
    ("ten bo nganh", DifficultyColumn::Agency),
    ("bo nganh", DifficultyColumn::Agency),
    ("bo nganh dia phuong", DifficultyColumn::Agency),
    ("ten bo nganh dia phuong", DifficultyColumn::Agency),
    ("bo nganh co quan", DifficultyColumn::Agency),
    ("ten co quan", DifficultyColumn::Agency),
    ("ten don vi", DifficultyColumn::Agency),
    ("ten dia phuong", DifficultyColumn::Agency),
    ("dia phuong", DifficultyColumn::Agency),
    ("co quan", DifficultyColumn::Agency),
    ("don vi", DifficultyColumn::Agency),
    ("co quan don vi", DifficultyColumn::Agency),
    ("co quan bao cao", DifficultyColumn::Agency),
    ("don vi bao cao", DifficultyColumn::Agency),
    ("co quan de xuat", DifficultyColumn::Agency),
    ("don vi de xuat", DifficultyColumn::Agency),
    ("co quan neu kho khan", DifficultyColumn::Agency),
    ("kho khan vuong mac", DifficultyColumn::Text),
    ("noi dung kho khan vuong mac", DifficultyColumn::Text),
    ("noi dung kho khan", DifficultyColumn::Text),
    ("noi dung vuong mac", DifficultyColumn::Text),
    ("kho khan", DifficultyColumn::Text),
    ("vuong mac", DifficultyColumn::Text),
    ("vuong mac kho khan", DifficultyColumn::Text),
    ("kho khan vuong mac de xuat", DifficultyColumn::Text),
    ("kho khan vuong mac kien nghi", DifficultyColumn::Text),
    ("van de vuong mac", DifficultyColumn::Text),
    ("don vi xu ly", DifficultyColumn::Handler),
    ("don vi xu ly kho khan vuong mac", DifficultyColumn::Handler),
    ("co quan xu ly", DifficultyColumn::Handler),
    (
        "co quan xu ly kho khan vuong mac",
        DifficultyColumn::Handler,
    ),
    ("co quan giai quyet", DifficultyColumn::Handler),
    ("don vi giai quyet", DifficultyColumn::Handler),
    ("co quan co tham quyen xu ly", DifficultyColumn::Handler),
    ("co quan co tham quyen", DifficultyColumn::Handler),
    ("co quan chu tri xu ly", DifficultyColumn::Handler),
    ("co quan tiep nhan xu ly", DifficultyColumn::Handler),
    ("co quan chiu trach nhiem xu ly", DifficultyColumn::Handler),
    ("co quan tra loi", DifficultyColumn::Handler),
    ("don vi tra loi", DifficultyColumn::Handler),
    ("de nghi co quan xu ly", DifficultyColumn::Handler),
    ("co quan de nghi xu ly", DifficultyColumn::Handler),
    ("de xuat kien nghi", DifficultyColumn::Proposal),
    ("kien nghi de xuat", DifficultyColumn::Proposal),
    ("de xuat", DifficultyColumn::Proposal),
    ("kien nghi", DifficultyColumn::Proposal),
    ("de xuat giai phap", DifficultyColumn::Proposal),
    ("ket qua xu ly", DifficultyColumn::Answer),
    ("ket qua giai quyet", DifficultyColumn::Answer),
    ("ket qua tra loi", DifficultyColumn::Answer),
    ("y kien tra loi", DifficultyColumn::Answer),
    ("y kien xu ly", DifficultyColumn::Answer),
    ("noi dung tra loi", DifficultyColumn::Answer),
    ("tra loi", DifficultyColumn::Answer),
    ("tinh hinh xu ly", DifficultyColumn::Answer),
    ("ket qua xu ly tra loi", DifficultyColumn::Answer),
    ("thoi han xu ly", DifficultyColumn::AnswerDue),
    ("thoi han tra loi", DifficultyColumn::AnswerDue),
    ("thoi han giai quyet", DifficultyColumn::AnswerDue),
    ("han tra loi", DifficultyColumn::AnswerDue),
    ("han xu ly", DifficultyColumn::AnswerDue),
    ("thoi han", DifficultyColumn::AnswerDue),
    ("tinh trang", DifficultyColumn::State),
    ("trang thai", DifficultyColumn::State),
    ("tinh trang xu ly", DifficultyColumn::State),
    ("nhiem vu", DifficultyColumn::Task),
    ("ten nhiem vu", DifficultyColumn::Task),
    ("nhiem vu lien quan", DifficultyColumn::Task),
    ("ghi chu", DifficultyColumn::Notes),
];

/// The difficulty-table column a header names, if any.
pub fn classify_difficulty(header: &str) -> Option<DifficultyColumn> {
    lookup(DIFFICULTY_SYNONYMS, header)
}

/// Columns of an indicator table with one row per indicator ("Chỉ tiêu | Đơn vị tính | Mục tiêu
/// … | Kết quả thực hiện | Cơ quan chủ trì | Đánh giá").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorColumn {
    Number,
    Code,
    Name,
    Unit,
    Target,
    Result,
    Lead,
    Assessment,
    Notes,
}

const INDICATOR_SYNONYMS: &[(&str, IndicatorColumn)] = &[
    ("tt", IndicatorColumn::Number),
    ("stt", IndicatorColumn::Number),
    ("ma", IndicatorColumn::Code),
    ("ma chi tieu", IndicatorColumn::Code),
    ("ma so", IndicatorColumn::Code),
    ("chi tieu", IndicatorColumn::Name),
    ("ten chi tieu", IndicatorColumn::Name),
    ("noi dung chi tieu", IndicatorColumn::Name),
    ("chi so", IndicatorColumn::Name),
    ("ten chi so", IndicatorColumn::Name),
    ("cac chi tieu", IndicatorColumn::Name),
    ("chi tieu muc tieu", IndicatorColumn::Name),
    ("muc tieu chi tieu", IndicatorColumn::Name),
    ("don vi tinh", IndicatorColumn::Unit),
    ("dvt", IndicatorColumn::Unit),
    ("don vi do", IndicatorColumn::Unit),
    ("muc tieu", IndicatorColumn::Target),
    ("chi tieu ke hoach", IndicatorColumn::Target),
    ("ke hoach", IndicatorColumn::Target),
    ("chi tieu giao", IndicatorColumn::Target),
    ("muc tieu can dat", IndicatorColumn::Target),
    ("yeu cau", IndicatorColumn::Target),
    ("ket qua thuc hien", IndicatorColumn::Result),
    ("ket qua", IndicatorColumn::Result),
    ("ket qua dat duoc", IndicatorColumn::Result),
    ("thuc hien", IndicatorColumn::Result),
    ("uoc thuc hien", IndicatorColumn::Result),
    ("so lieu", IndicatorColumn::Result),
    ("thuc te", IndicatorColumn::Result),
    ("co quan chu tri", IndicatorColumn::Lead),
    ("chu tri", IndicatorColumn::Lead),
    ("don vi chu tri", IndicatorColumn::Lead),
    ("co quan chu tri theo doi", IndicatorColumn::Lead),
    ("co quan phu trach", IndicatorColumn::Lead),
    ("don vi phu trach", IndicatorColumn::Lead),
    ("co quan theo doi", IndicatorColumn::Lead),
    ("danh gia", IndicatorColumn::Assessment),
    ("muc do hoan thanh", IndicatorColumn::Assessment),
    ("danh gia muc do", IndicatorColumn::Assessment),
    ("ghi chu", IndicatorColumn::Notes),
];

/// The indicator-table column a header names, if any.
pub fn classify_indicator(header: &str) -> Option<IndicatorColumn> {
    lookup(INDICATOR_SYNONYMS, header)
}

/// Headers of an agencies' column in a table with agencies as rows.
const AGENCY_COLUMN: &[&str] = &[
    "tinh thanh pho",
    "tinh thanh",
    "ten tinh thanh pho",
    "dia phuong",
    "ten dia phuong",
    "bo nganh",
    "ten bo nganh",
    "bo nganh dia phuong",
    "co quan",
    "ten co quan",
    "don vi",
    "ten don vi",
    "co quan don vi",
];

/// Is this the agencies' column of a table with agencies as rows?
pub fn is_agency_column(header: &str) -> bool {
    let key = name_key(header);
    AGENCY_COLUMN.contains(&key.as_str())
}

/// Whether a text is a column header exactly as the synonyms write it (of a task or a difficulty
/// table): "Tên nhiệm vụ", not "Tên nhiệm vụ 3 …".
pub fn is_header_cell(header: &str) -> bool {
    let without_paren = match header.find('(') {
        Some(i) if i > 0 => &header[..i],
        _ => header,
    };
    let key = name_key(without_paren);
    SYNONYMS.iter().any(|(k, _)| *k == key) || DIFFICULTY_SYNONYMS.iter().any(|(k, _)| *k == key)
}

/// What a table holds, by its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Tasks,
    Difficulties,
    /// One row per indicator ("Chỉ tiêu | Đơn vị tính | Mục tiêu | Kết quả thực hiện …").
    Indicators,
    /// Agencies as rows, indicators as columns ("Tỉnh, thành phố | Tỷ lệ … (%) (mục tiêu: 80%) …").
    IndicatorMatrix,
}

/// The kind of table a header row opens: a difficulty table names the difficulty and who raised
/// or must resolve it; a task table names at least two task columns. None: not a header.
pub fn table_kind(row: &[String]) -> Option<TableKind> {
    let indicator: std::collections::HashSet<IndicatorColumn> =
        row.iter().filter_map(|h| classify_indicator(h)).collect();
    // "Chỉ tiêu" with a unit, a target or a result: a table of indicators.
    if indicator.contains(&IndicatorColumn::Name)
        && (indicator.contains(&IndicatorColumn::Unit)
            || indicator.contains(&IndicatorColumn::Target))
    {
        return Some(TableKind::Indicators);
    }
    // An agencies' column, then columns that are neither tasks' nor difficulties' nor numbers:
    // indicators by agency. Each such column names a figure ("(%)", "(mục tiêu: 80%)", "Tỷ lệ").
    let filled: Vec<&String> = row.iter().filter(|h| !h.trim().is_empty()).collect();
    if let Some(at) = filled.iter().position(|h| is_agency_column(h)) {
        let others: Vec<&&String> = filled[at + 1..].iter().collect();
        let figure_like = |h: &str| {
            let f = tiendo_domain::text::fold(h);
            f.contains('(')
                || f.contains('%')
                || f.starts_with("ty le")
                || f.starts_with("so ")
                || f.contains("muc tieu")
        };
        if !others.is_empty()
            && others.iter().all(|h| {
                classify(h).is_none() && classify_difficulty(h).is_none() && figure_like(h)
            })
        {
            return Some(TableKind::IndicatorMatrix);
        }
    }
    let difficulty: std::collections::HashSet<DifficultyColumn> =
        row.iter().filter_map(|h| classify_difficulty(h)).collect();
    let tasks: std::collections::HashSet<Column> = row.iter().filter_map(|h| classify(h)).collect();
    // A results table may carry a "Khó khăn, vướng mắc" column beside its tasks: a task name
    // with a lead or a deadline, and nobody named to resolve, is a task table.
    let task_core = tasks.contains(&Column::Name)
        && (tasks.contains(&Column::Lead) || tasks.contains(&Column::Deadline));
    let handler = difficulty.contains(&DifficultyColumn::Handler);
    if difficulty.contains(&DifficultyColumn::Text)
        && (handler || difficulty.contains(&DifficultyColumn::Agency))
        && (handler || !task_core)
    {
        return Some(TableKind::Difficulties);
    }
    (tasks.len() >= 2).then_some(TableKind::Tasks)
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

    #[test]
    fn difficulty_tables_are_told_from_task_tables() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            table_kind(&row(&[
                "STT",
                "Tên bộ, ngành",
                "Khó khăn, vướng mắc",
                "Đơn vị xử lý khó khăn, vướng mắc"
            ])),
            Some(TableKind::Difficulties)
        );
        assert_eq!(
            classify_difficulty("Đơn vị xử lý khó khăn, vướng mắc"),
            Some(DifficultyColumn::Handler)
        );
        assert_eq!(
            classify_difficulty("Tên bộ, ngành"),
            Some(DifficultyColumn::Agency)
        );
        // "Nội dung khó khăn" would read as a task's "Nội dung": the difficulty wins.
        assert_eq!(
            table_kind(&row(&[
                "TT",
                "Cơ quan",
                "Nội dung khó khăn, vướng mắc",
                "Đề xuất"
            ])),
            Some(TableKind::Difficulties)
        );
        assert_eq!(
            table_kind(&row(&["TT", "Tên nhiệm vụ", "Chủ trì", "Thời hạn"])),
            Some(TableKind::Tasks)
        );
        assert_eq!(
            table_kind(&row(&[
                "STT",
                "Nhiệm vụ",
                "Cơ quan chủ trì",
                "Thời hạn",
                "Khó khăn, vướng mắc"
            ])),
            Some(TableKind::Tasks),
            "a results table with a column of difficulties"
        );
        assert_eq!(table_kind(&row(&["Bộ Công an", "1"])), None);
    }

    #[test]
    fn indicator_tables_in_both_layouts() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            table_kind(&row(&[
                "STT",
                "Chỉ tiêu",
                "Đơn vị tính",
                "Mục tiêu năm 2025",
                "Kết quả thực hiện",
                "Cơ quan chủ trì",
                "Đánh giá"
            ])),
            Some(TableKind::Indicators)
        );
        assert_eq!(
            table_kind(&row(&[
                "STT",
                "Tỉnh, thành phố",
                "Tỷ lệ hồ sơ trực tuyến (%) (mục tiêu: 80%)",
                "Số dịch vụ công toàn trình"
            ])),
            Some(TableKind::IndicatorMatrix)
        );
        assert_eq!(
            classify_indicator("Mục tiêu năm 2025"),
            Some(IndicatorColumn::Target)
        );
        assert_eq!(
            classify_indicator("Kết quả đến 31/10/2025"),
            Some(IndicatorColumn::Result)
        );
        // A task table stays a task table.
        assert_eq!(
            table_kind(&row(&[
                "TT",
                "Tên nhiệm vụ",
                "Chủ trì",
                "Kết quả",
                "Thời hạn"
            ])),
            Some(TableKind::Tasks)
        );
    }
}
