//! Footnotes as documents carry them: a mark after a word ("09 địa phương¹", or a conversion's
//! "[footnoteRef:1]") and the note's own text ("¹ Gồm các tỉnh: …", "[1: Gồm …]"). A note may
//! say which members of a group a cell means; the resolver reads it
//! ([`crate::agency::Registry::resolve_noted`]).

use std::collections::BTreeMap;

/// Superscript digits, as a document's text keeps footnote marks.
pub const SUPERSCRIPT_DIGITS: &[char] = &['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

fn superscript_value(c: char) -> Option<u32> {
    SUPERSCRIPT_DIGITS
        .iter()
        .position(|&d| d == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The number written in superscript digits at the start of `text` ("¹²…" is 12) and how many
/// bytes it takes; None when `text` does not start with one.
fn leading_superscript(text: &str) -> Option<(u32, usize)> {
    let mut number = 0u32;
    let mut len = 0;
    for c in text.chars() {
        let Some(d) = superscript_value(c) else { break };
        number = number.saturating_mul(10).saturating_add(d);
        len += c.len_utf8();
    }
    (len > 0).then_some((number, len))
}

/// A footnote number written in superscript digits ("¹²" is 12).
pub fn superscript_number(n: u32) -> String {
    n.to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .filter_map(|d| SUPERSCRIPT_DIGITS.get(d as usize))
        .collect()
}

/// The notes of one document, by their number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footnotes(BTreeMap<u32, String>);

impl Footnotes {
    pub fn insert(&mut self, number: u32, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.0.entry(number).or_insert_with(|| text.to_string());
        }
    }

    pub fn get(&self, number: u32) -> Option<&str> {
        self.0.get(&number).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// A mark found in a text: the note's number and where the mark stood in the text without marks
/// (the byte offset just after the word it follows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub number: u32,
    pub at: usize,
}

/// The text with its footnote marks taken out, and the marks.
pub fn take_marks(text: &str) -> (String, Vec<Mark>) {
    let mut out = String::with_capacity(text.len());
    let mut marks = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(tail) = rest.strip_prefix("[footnoteRef:")
            && let Some(end) = tail.find(']')
            && let Ok(number) = tail[..end].trim().parse::<u32>()
        {
            marks.push(Mark {
                number,
                at: out.trim_end().len(),
            });
            rest = &tail[end + 1..];
            continue;
        }
        if let Some((number, len)) = leading_superscript(rest) {
            marks.push(Mark {
                number,
                at: out.trim_end().len(),
            });
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, marks)
}

/// A footnote's own text, as a paragraph holds it: "¹ Gồm …" or "[1: Gồm …]". Its number and
/// text, or None when the paragraph is not one.
pub fn note_of(paragraph: &str) -> Option<(u32, String)> {
    let p = paragraph.trim();
    if let Some((number, len)) = leading_superscript(p) {
        return Some((number, p[len..].trim().to_string()));
    }
    let inner = p.strip_prefix('[')?.strip_suffix(']')?;
    let (number, text) = inner.split_once(':')?;
    let number = number.trim().parse::<u32>().ok()?;
    Some((number, text.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_taken_out_with_their_place() {
        let (text, marks) = take_marks("09 địa phương¹, Bộ Tài chính¹²");
        assert_eq!(text, "09 địa phương, Bộ Tài chính");
        assert_eq!(
            marks,
            vec![
                Mark {
                    number: 1,
                    at: "09 địa phương".len()
                },
                Mark {
                    number: 12,
                    at: text.len()
                }
            ]
        );
        let (text, marks) = take_marks("các bộ [footnoteRef:3] và");
        assert_eq!(text, "các bộ  và");
        assert_eq!(marks[0].number, 3);
        assert_eq!(marks[0].at, "các bộ".len());
        assert_eq!(take_marks("Bộ Y tế").1, vec![]);
        assert_eq!(take_marks("[footnoteRef:x]").0, "[footnoteRef:x]");
    }

    #[test]
    fn notes_in_both_forms() {
        assert_eq!(
            note_of("¹ Gồm: Lào Cai."),
            Some((1, "Gồm: Lào Cai.".to_string()))
        );
        assert_eq!(note_of("[12: Gồm X]"), Some((12, "Gồm X".to_string())));
        assert_eq!(note_of("1. Gồm"), None);
        assert_eq!(note_of("[a: b]"), None);
        assert_eq!(superscript_number(12), "¹²");
    }
}
