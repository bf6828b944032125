//! Text normalisation. Every comparison or search of Vietnamese text goes through [`fold`].

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Canonical stored form: NFC, whitespace runs collapsed to one space, trimmed.
pub fn clean(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut pending_space = false;
    for ch in nfc.chars() {
        if ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{200b}' || ch == '\u{feff}' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(ch);
        }
    }
    out
}

/// Folds text for comparison: lower case, no diacritics (đ → d), so that old and new tone-mark
/// placement ("hoá"/"hóa"), composed and decomposed Unicode, and missing accents all compare equal.
/// Whitespace is collapsed; punctuation is kept.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.nfd() {
        if is_combining_mark(ch) {
            continue;
        }
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match ch {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(ch.to_lowercase()),
        }
    }
    out
}

/// A key for matching names: [`fold`] with punctuation turned into spaces, so "Các bộ, ngành" and
/// "các bộ ngành" give the same key.
pub fn name_key(text: &str) -> String {
    let folded = fold(text);
    let replaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes HTML markup found in pasted cells (`<p>`, `<i>`, `<ul><li>`, `<br>`) and decodes the
/// common entities. Block elements become line breaks; the text itself is kept whole.
pub fn strip_markup(text: &str) -> String {
    if !text.contains('<') && !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        match after.find('>') {
            Some(end) if looks_like_tag(&after[1..end]) => {
                let tag = after[1..end].trim_start_matches('/').to_ascii_lowercase();
                let name: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if matches!(name.as_str(), "p" | "br" | "li" | "div" | "tr") {
                    out.push('\n');
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn looks_like_tag(inner: &str) -> bool {
    let inner = inner.trim_start_matches('/');
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    matches!(
        name.to_ascii_lowercase().as_str(),
        "p" | "i"
            | "b"
            | "u"
            | "em"
            | "strong"
            | "br"
            | "ul"
            | "ol"
            | "li"
            | "span"
            | "div"
            | "sup"
            | "sub"
            | "font"
            | "a"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "tbody"
    )
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Joins the paragraphs of a cell: paragraphs and list items separated by a line break, each cleaned,
/// empty ones dropped.
pub fn join_paragraphs<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(clean)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text a person typed for the record (a report, a reason, an answer), parsed once where it
/// arrives: 1 to 5,000 characters, no HTML markup; otherwise kept exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedText(String);

/// Why typed text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong,
    /// HTML tags or script: never stored, never rendered.
    Markup,
}

impl TypedText {
    pub const MAX_CHARS: usize = 5000;

    pub fn parse(s: &str) -> Result<TypedText, TextProblem> {
        if has_markup(s) {
            return Err(TextProblem::Markup);
        }
        match s.trim().chars().count() {
            0 => Err(TextProblem::Empty),
            n if n > Self::MAX_CHARS => Err(TextProblem::TooLong),
            _ => Ok(TypedText(s.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The element names of HTML (with SVG and MathML roots, and the obsolete ones browsers still
/// build), lower case.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

/// Is this a usable id of another system (its name "nq57", or a record's id there "NV-2026-001")?
/// 1 to 100 characters after trimming, no control character, no markup.
pub fn is_plain_id(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.chars().count() <= 100 && !s.chars().any(char::is_control) && !has_markup(s)
}

/// Does typed text contain HTML markup? A tag of an HTML element (`<b>`, `</p>`, `<img …>`,
/// `<svg/onload=…>`, any case), a tag carrying attributes (`<x onclick=…>`), a comment or
/// declaration (`<!-- … -->`, `<!DOCTYPE …>`, `<?xml …?>`), or the start of a script even
/// unclosed (`<script src=//x`). Angle brackets around a word that is no element are text:
/// "Sử dụng thẻ <VNeID> mức 2", "<Tên cơ quan>"; so are comparisons ("x < 5", "a<b").
pub fn has_markup(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.match_indices('<').any(|(i, _)| {
        let rest = &lower[i + 1..];
        if rest.starts_with("script") {
            return true;
        }
        let Some(end) = rest.find('>') else {
            return false;
        };
        let inner = &rest[..end];
        if inner.starts_with('!') || inner.starts_with('?') {
            return true;
        }
        let inner = inner.strip_prefix('/').unwrap_or(inner);
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return false;
        }
        let attributes = &inner[name_len..];
        HTML_ELEMENTS.contains(&name) || attributes.contains('=')
    })
}

/// Cleans a cell's text: markup removed, each line cleaned, empty lines dropped, lines joined by "\n".
pub fn clean_cell(text: &str) -> String {
    let stripped = strip_markup(text);
    join_paragraphs(stripped.split(['\n', '\r']))
}

/// The order of the Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x
/// y (f j w z among them by Latin order), tone marks after the letters (none, huyền, hỏi, ngã,
/// sắc, nặng), case last. "Bộ Công an" comes before "Bộ Công Thương", "Đ" after every "D".
pub fn vietnamese_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    sort_key(a).cmp(&sort_key(b))
}

/// The key [`vietnamese_cmp`] compares: letters, then tones, then case.
pub fn sort_key(text: &str) -> (Vec<u32>, Vec<u8>, Vec<bool>) {
    const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
    let mut letters = Vec::new();
    let mut tones = Vec::new();
    let mut upper = Vec::new();
    for ch in text.nfc() {
        let mut parts = std::iter::once(ch).nfd();
        let Some(base) = parts.next() else { continue };
        let mut letter = base.to_lowercase().next().unwrap_or(base);
        let mut tone = 0u8;
        for m in parts {
            match (letter, m) {
                ('a', '\u{306}') => letter = 'ă',
                ('a', '\u{302}') => letter = 'â',
                ('e', '\u{302}') => letter = 'ê',
                ('o', '\u{302}') => letter = 'ô',
                ('o', '\u{31b}') => letter = 'ơ',
                ('u', '\u{31b}') => letter = 'ư',
                (_, '\u{300}') => tone = 1,
                (_, '\u{309}') => tone = 2,
                (_, '\u{303}') => tone = 3,
                (_, '\u{301}') => tone = 4,
                (_, '\u{323}') => tone = 5,
                _ => {}
            }
        }
        let value = match ALPHABET.chars().position(|c| c == letter) {
            Some(i) => 1000 + i as u32,
            None if letter.is_whitespace() => 1,
            None if letter.is_ascii_digit() => 100 + letter as u32,
            None => 10_000 + letter as u32,
        };
        letters.push(value);
        tones.push(tone);
        upper.push(base.is_uppercase());
    }
    (letters, tones, upper)
}

#[cfg(test)]
mod tests {
    #[test]
    fn agency_names_sort_in_vietnamese_order() {
        let mut v = vec![
            "Bộ Công Thương",
            "Đài Truyền hình Việt Nam",
            "Bộ Công an",
            "Ủy ban Dân tộc",
            "Bộ Dân tộc và Tôn giáo",
            "Bộ Y tế",
            "Bộ Xây dựng",
            "Bộ Ngoại giao",
            "Bộ Nội vụ",
            "Ban Cơ yếu Chính phủ",
        ];
        v.sort_by(|a, b| super::vietnamese_cmp(a, b));
        assert_eq!(
            v,
            [
                "Ban Cơ yếu Chính phủ",
                "Bộ Công an",
                "Bộ Công Thương",
                "Bộ Dân tộc và Tôn giáo",
                "Bộ Ngoại giao",
                "Bộ Nội vụ",
                "Bộ Xây dựng",
                "Bộ Y tế",
                "Đài Truyền hình Việt Nam",
                "Ủy ban Dân tộc",
            ]
        );
        // Decomposed input sorts as composed.
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "Đà Nẵng".nfd().collect();
        assert_eq!(
            super::vietnamese_cmp(&nfd, "Đà Nẵng"),
            std::cmp::Ordering::Equal
        );
        assert_eq!(
            super::vietnamese_cmp("Dương", "Đà"),
            std::cmp::Ordering::Less
        );
    }

    use super::*;

    #[test]
    fn fold_equates_tone_placement_and_unicode_forms() {
        assert_eq!(fold("Thanh Hoá"), fold("Thanh Hóa"));
        assert_eq!(fold("Thuỷ"), fold("Thủy"));
        let decomposed: String = "Đất đai".nfd().collect();
        assert_eq!(fold(&decomposed), "dat dai");
        assert_eq!(fold("CHUYỂN  ĐỔI SỐ"), "chuyen doi so");
    }

    #[test]
    fn name_key_ignores_punctuation() {
        assert_eq!(name_key("Các bộ, ngành"), name_key("các bộ ngành"));
        assert_eq!(
            name_key("Bộ Văn hóa, Thể thao và Du lịch"),
            name_key("Bộ Văn hoá Thể thao và Du lịch")
        );
    }

    #[test]
    fn strip_markup_keeps_text_and_literal_angles() {
        assert_eq!(clean_cell("<p>Một</p><p>Hai <i>ba</i></p>"), "Một\nHai ba");
        assert_eq!(clean_cell("<ul><li>a</li><li>b</li></ul>"), "a\nb");
        assert_eq!(clean_cell("tỷ lệ < 5% và > 2%"), "tỷ lệ < 5% và > 2%");
        assert_eq!(clean_cell("“ <i>Xây dựng</i> ”"), "“ Xây dựng ”");
    }

    #[test]
    fn markup_in_typed_text() {
        for m in [
            "<script>alert(1)</script>",
            "Xem <b>đây</b>",
            "</p>",
            "<img src=x onerror=alert(1)>",
            "<!-- x -->",
            "<script src=//x",
            "<SCRIPT>x</SCRIPT>",
            "<B>đậm</B>",
            "<svg/onload=alert(1)>",
            "<a href=\"https://x\">x</a>",
            "<VNeID onclick=alert(1)>",
            "<!DOCTYPE html>",
            "<iframe src=x>",
        ] {
            assert!(has_markup(m), "{m}");
        }
        for t in [
            "tỷ lệ < 5% và > 2%",
            "a<5",
            "x <= y",
            "Quý I/2026",
            "<<",
            "1 < 2 > 0",
            "Sử dụng thẻ <VNeID> mức 2",
            "Kết nối với <CSDL quốc gia về dân cư>",
            "<Tên cơ quan>",
            "a <-> b",
            "<5%>",
        ] {
            assert!(!has_markup(t), "{t}");
        }
    }

    #[test]
    fn clean_collapses_whitespace() {
        assert_eq!(clean("  a \t b\u{a0}c  "), "a b c");
    }
}
