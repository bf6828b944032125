//! The documents a task's basis names: "Nghị quyết số 71/NQ-CP", "Quyết định 2835/QĐ-TTg ngày
//! 31/12/2025", "Thông báo số 30-TB/TGV". Read from the words as written; a kind or date the text
//! does not give stays unknown.

use std::sync::LazyLock;

use regex::Regex;
use time::Date;

/// A document named by its symbol, with its kind and date where the text gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    /// "71/NQ-CP"
    pub symbol: String,
    /// "Nghị quyết", as written.
    pub kind: Option<String>,
    pub issued_on: Option<Date>,
}

static DOC_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(nghị quyết|quyết định|thông báo|văn bản|kế hoạch|chỉ thị|công văn|quy định|kết luận|nghị định|thông tư|luật)?\s*(?:số\s*)?(\d+(?:\.\d+)?(?:/\d{4})?[/-][A-ZĐ][A-ZĐa-zđ0-9]*(?:[-/][A-ZĐ][A-ZĐa-zđ0-9]*)*)(?:\s+ngày\s+(\d{1,2}/\d{1,2}/\d{4}))?")
        .expect("static regex")
});

/// The documents a basis cell names, in the order named, each once.
pub fn referenced_documents(basis: &str) -> Vec<DocumentRef> {
    let mut out: Vec<DocumentRef> = Vec::new();
    for c in DOC_SYMBOL.captures_iter(basis) {
        let Some(sym) = c.get(2).map(|m| m.as_str().to_string()) else {
            continue;
        };
        if !sym.contains('/') && !sym.contains('-') {
            continue;
        }
        let kind = c.get(1).map(|m| crate::text::clean(m.as_str()));
        let date = c
            .get(3)
            .and_then(|m| crate::deadline::parse_user_date(m.as_str()));
        if !out.iter().any(|d| d.symbol == sym) {
            out.push(DocumentRef {
                symbol: sym,
                kind,
                issued_on: date,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_symbols() {
        let b = referenced_documents(
            "Quyết định số 125/QĐ-TTg ngày 16/01/2026; Quyết định 2835/QĐ-TTg ngày 31/12/2025, Nghị quyết số 71/NQ-CP, Các Thông báo: số 30-TB/TGV, số 53-TB/TGV; Nghị quyết 66.7/2025/NQ-CP",
        );
        let syms: Vec<&str> = b.iter().map(|x| x.symbol.as_str()).collect();
        assert_eq!(
            syms,
            vec![
                "125/QĐ-TTg",
                "2835/QĐ-TTg",
                "71/NQ-CP",
                "30-TB/TGV",
                "53-TB/TGV",
                "66.7/2025/NQ-CP"
            ]
        );
        assert_eq!(b[0].kind.as_deref(), Some("Quyết định"));
        assert_eq!(
            b[0].issued_on.map(crate::deadline::iso).as_deref(),
            Some("2026-01-16")
        );
    }
}
