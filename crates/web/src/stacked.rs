//! Tables that read as cards on a phone. Every body cell of a table with one header row gets its
//! column's heading as `data-label`; the stylesheet shows that label above the cell's value when
//! the screen is narrow and each row becomes a card. Done once for every page, on the markup the
//! page already wrote, so no table can be left without its labels.
//!
//! The markup is ours (maud escapes `<`, `>`, `"` and `&` in every text and attribute value), so a
//! `<` always starts a tag and a `>` always ends one; the headings' text is copied as it was
//! escaped, which is also a valid attribute value.

/// What is known of one open table while its markup is read.
#[derive(Default)]
struct Table {
    in_head: bool,
    head_rows: usize,
    labels: Vec<String>,
    column: usize,
    /// The heading being read: its text so far and how many columns it spans.
    heading: Option<(String, usize)>,
}

/// The page's markup with `data-label` on the body cells of every table.
pub fn label_cells(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut tables: Vec<Table> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        if let Some((heading, _)) = tables.last_mut().and_then(|t| t.heading.as_mut()) {
            heading.push_str(text);
        }
        out.push_str(text);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let tag = &rest[start..=start + len];
        rest = &rest[start + len + 1..];
        let (closing, name) = tag_name(tag);
        match (closing, name.as_str()) {
            (false, "table") => tables.push(Table::default()),
            (true, "table") => {
                tables.pop();
            }
            (false, "thead") => {
                if let Some(t) = tables.last_mut() {
                    t.in_head = true;
                }
            }
            (true, "thead") => {
                if let Some(t) = tables.last_mut() {
                    t.in_head = false;
                }
            }
            (false, "tr") => {
                if let Some(t) = tables.last_mut() {
                    t.column = 0;
                    if t.in_head {
                        t.head_rows += 1;
                        t.labels.clear();
                    }
                }
            }
            (false, "th") if tables.last().is_some_and(|t| t.in_head) => {
                if let Some(t) = tables.last_mut() {
                    t.heading = Some((String::new(), span(tag)));
                }
            }
            (true, "th") if tables.last().is_some_and(|t| t.in_head) => {
                if let Some(t) = tables.last_mut()
                    && let Some((text, span)) = t.heading.take()
                {
                    let label = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    t.labels.extend(std::iter::repeat_n(label, span));
                }
            }
            (false, "td" | "th") => {
                if let Some(t) = tables.last_mut() {
                    let label = t.labels.get(t.column).filter(|l| !l.is_empty());
                    t.column += span(tag);
                    if let Some(label) = label
                        && t.head_rows == 1
                        && name == "td"
                        && !tag.contains("data-label=")
                    {
                        out.push_str("<td data-label=\"");
                        out.push_str(label);
                        out.push('"');
                        out.push_str(&tag[3..]);
                        continue;
                    }
                }
            }
            _ => {}
        }
        out.push_str(tag);
    }
    out.push_str(rest);
    out
}

/// Whether a tag closes, and its lower-case name.
fn tag_name(tag: &str) -> (bool, String) {
    let inner = tag.trim_start_matches('<');
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(i) => (true, i),
        None => (false, inner),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (closing, name)
}

/// The columns a cell spans (its `colspan`, 1 when absent or unreadable).
fn span(tag: &str) -> usize {
    tag.find("colspan=\"")
        .and_then(|i| {
            let v = &tag[i + 9..];
            v[..v.find('"')?].parse::<usize>().ok()
        })
        .filter(|n| (1..=1000).contains(n))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::label_cells;

    #[test]
    fn body_cells_carry_their_column_heading() {
        let html = r#"<table><thead><tr><th>Mã</th><th colspan="2">Cơ <a href="?s=1">quan</a> &amp; hạn</th><th></th></tr></thead><tbody><tr><td>1</td><td>Bộ Y tế</td><td class="num">5</td><td>x</td></tr></tbody></table>"#;
        let out = label_cells(html);
        assert!(out.contains(r#"<td data-label="Mã">1</td>"#), "{out}");
        assert!(
            out.contains(r#"<td data-label="Cơ quan &amp; hạn">Bộ Y tế</td>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<td data-label="Cơ quan &amp; hạn" class="num">5</td>"#),
            "{out}"
        );
        assert!(
            out.contains("<td>x</td>"),
            "an empty heading gives no label: {out}"
        );
    }

    #[test]
    fn nested_tables_and_headerless_tables_keep_their_own_columns() {
        let html = "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><table><tbody><tr><td>in</td></tr></tbody></table></td></tr><tr><th scope=\"row\">r</th><td>2</td></tr></tbody></table><p>a &lt; b</p>";
        let out = label_cells(html);
        assert!(
            out.contains(r#"<td data-label="A">1</td><td data-label="B"><table>"#),
            "{out}"
        );
        assert!(
            out.contains("<td>in</td>"),
            "the inner table has no headings: {out}"
        );
        assert!(
            out.contains(r#"<th scope="row">r</th><td data-label="B">2</td>"#),
            "a row heading takes its column: {out}"
        );
        assert!(out.ends_with("<p>a &lt; b</p>"));
    }

    #[test]
    fn two_header_rows_give_no_labels_and_text_outside_tables_is_unchanged() {
        let html = "<table><thead><tr><th>A</th></tr><tr><th>B</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>";
        assert_eq!(label_cells(html), html);
        let plain = "<main><h1>Tổng quan</h1>text</main>";
        assert_eq!(label_cells(plain), plain);
    }
}
