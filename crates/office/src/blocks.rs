//! The format-neutral content of a file: paragraphs and tables, in document order.

/// One cell: its text (paragraphs joined by "\n", markup removed) and how many grid columns it spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub span: usize,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            span: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// Rows of cells; `origin` says where the table was ("bảng 3", "trang tính Sheet1").
    Table {
        origin: String,
        rows: Vec<Vec<Cell>>,
    },
}

/// Expands spans so every row has one entry per grid column; the spanned columns are empty and a
/// row made of one cell spanning everything is flagged as merged.
pub fn expand_row(row: &[Cell]) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    for c in row {
        out.push(c.text.clone());
        for _ in 1..c.span.max(1) {
            out.push(String::new());
        }
    }
    let merged = row.len() == 1 && row[0].span > 1;
    (out, merged)
}
