//! The one escaper for text written into Office XML (Word and Excel parts).

/// `s` as XML character data or an attribute value: `& < > "` escaped, and the characters XML 1.0
/// cannot hold at all (control characters other than tab, line feed and carriage return; U+FFFE,
/// U+FFFF) dropped — one of them arriving through the API must not produce a file Word refuses
/// to open.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("Thẻ <VNeID> & \"mức 2\""),
            "Thẻ &lt;VNeID&gt; &amp; &quot;mức 2&quot;"
        );
        assert_eq!(escape("a\u{1}b\u{8}c\u{1F}d\u{FFFF}"), "abcd");
        assert_eq!(escape("dòng 1\ndòng 2\tcột\r"), "dòng 1\ndòng 2\tcột\r");
    }
}
