//! Indicator values as the documents write them: "58/76", "3321/3321", "331.720/457.956",
//! "39,5%", "39,5 %", "87,5 triệu", "12,7 nghìn tỷ đồng", "Đạt", "Chưa triển khai", "Chưa báo
//! cáo". "." groups thousands and "," is the decimal mark; nothing unreadable is guessed: it stays
//! text, flagged.

use serde::{Deserialize, Serialize};

use crate::text::{clean, fold};

/// What a written value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueForm {
    /// A count or an amount: "34", "87,5 triệu".
    Number,
    /// "58/76": a part of a whole.
    Fraction,
    /// "39,5%".
    Percent,
    /// "Đạt", "Chưa triển khai".
    YesNo,
    /// "Chưa báo cáo", "-": no figure was given.
    NoData,
    /// Anything else, kept as written and flagged.
    Text,
}

/// A value read from its text. `value` is the figure compared with targets: the count, the
/// numerator of a fraction, the percentage, the amount (in the unit's own scale when given one),
/// 1 or 0 for yes and no.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedValue {
    pub raw: String,
    pub form: ValueForm,
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// The scale written after the number ("triệu", "nghìn tỷ"), as a factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Why the value is uncertain or could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ParsedValue {
    fn of(raw: &str, form: ValueForm, value: Option<f64>) -> Self {
        ParsedValue {
            raw: raw.to_string(),
            form,
            value,
            numerator: None,
            denominator: None,
            scale: None,
            note: None,
        }
    }

    /// The text as written, with no figure, and why it is not counted: a figure of another
    /// unit than the target's, one the indicator cannot take.
    pub fn kept_as_written(raw: &str, why: String) -> Self {
        ParsedValue {
            note: Some(why),
            ..ParsedValue::of(raw, ValueForm::Text, None)
        }
    }

    /// Was a figure read (a number, a fraction, a percentage, yes or no)?
    pub fn has_figure(&self) -> bool {
        self.value.is_some()
    }

    /// The share of the whole, for a fraction: 58/76 → 76.3 %.
    pub fn share_percent(&self) -> Option<f64> {
        match (self.numerator, self.denominator) {
            (Some(n), Some(d)) if d > 0.0 => Some(n * 100.0 / d),
            _ => None,
        }
    }
}

/// Words of the scales written after amounts, longest first.
const SCALES: &[(&str, f64)] = &[
    ("nghin ty", 1e12),
    ("ngan ty", 1e12),
    ("trieu ty", 1e18),
    ("ty", 1e9),
    ("trieu", 1e6),
    ("nghin", 1e3),
    ("ngan", 1e3),
];

/// The scale a unit or an amount's words begin with ("nghìn tỷ đồng" → 10¹²), 1 when none.
pub fn scale_of(words: &str) -> f64 {
    let f = fold(words);
    let f = f.trim();
    SCALES
        .iter()
        .find(|(w, _)| f == *w || f.starts_with(&format!("{w} ")))
        .map(|(_, s)| *s)
        .unwrap_or(1.0)
}

const YES: &[&str] = &[
    "dat",
    "da dat",
    "co",
    "hoan thanh",
    "da hoan thanh",
    "da trien khai",
];
const NO: &[&str] = &[
    "khong dat",
    "chua dat",
    "khong",
    "chua trien khai",
    "chua hoan thanh",
    "chua thuc hien",
];
const NO_DATA: &[&str] = &[
    "chua bao cao",
    "khong co so lieu",
    "chua co so lieu",
    "khong bao cao",
    "-",
    "--",
    "x",
    "n/a",
];

/// Words written in place of a figure: the work is under way, the figure is being gathered, or
/// the indicator does not apply. No number is read from them, and never 0 ("Đang triển khai" is
/// not "Chưa triển khai").
const NO_FIGURE_YET: &[&str] = &[
    "dang trien khai",
    "dang thuc hien",
    "dang cap nhat",
    "dang tong hop",
    "dang xay dung",
    "dang hoan thien",
    "dang ra soat",
    "chua co",
    "chua cap nhat",
    "chua tong hop",
    "khong ap dung",
    "khong phat sinh",
];

/// Is the folded text one of [`NO_FIGURE_YET`], alone or followed by more words with no figure
/// ("Đang triển khai thực hiện", "Chưa có số liệu")?
fn no_figure_yet(key: &str) -> bool {
    !key.chars().any(|c| c.is_ascii_digit())
        && NO_FIGURE_YET.iter().any(|w| {
            key == *w
                || key
                    .strip_prefix(w)
                    .is_some_and(|rest| rest.starts_with([' ', ',', ';', '(']))
        })
}

/// A number as Vietnamese documents write it: "331.720" (thousands), "39,5" (decimal),
/// "1.234,5". A "." not followed by exactly three digits is not a thousands mark: unreadable.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (int, dec) = match s.split_once(',') {
        Some((i, d)) => (i, Some(d)),
        None => (s, None),
    };
    let groups: Vec<&str> = int.split('.').collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    let mut text = groups.concat();
    if let Some(d) = dec {
        if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.push('.');
        text.push_str(d);
    }
    text.parse().ok()
}

/// Reads a value as written. A text holding exactly one figure among words ("đạt 39,5%") gives
/// that figure with a note; several figures, or none, stay text, flagged.
pub fn parse_value(raw: &str) -> ParsedValue {
    let raw = clean(raw);
    let f = fold(&raw);
    let key = f.trim_end_matches(['.', ';']).trim();
    if key.is_empty() || NO_DATA.contains(&key) {
        return ParsedValue::of(&raw, ValueForm::NoData, None);
    }
    if no_figure_yet(key) {
        return ParsedValue {
            note: Some("ghi bằng chữ, chưa có số liệu".into()),
            ..ParsedValue::of(&raw, ValueForm::NoData, None)
        };
    }
    if YES.contains(&key) {
        return ParsedValue::of(&raw, ValueForm::YesNo, Some(1.0));
    }
    if NO.contains(&key) {
        return ParsedValue::of(&raw, ValueForm::YesNo, Some(0.0));
    }
    if let Some(v) = figure(&raw) {
        return v;
    }
    // One figure inside words: taken, with a note.
    let figures: Vec<ParsedValue> = candidates(&raw).iter().filter_map(|c| figure(c)).collect();
    match figures.as_slice() {
        [one] => ParsedValue {
            raw: raw.clone(),
            note: Some(format!("lấy số \"{}\" trong câu", one.raw)),
            ..one.clone()
        },
        [] => ParsedValue {
            note: Some("không đọc được số liệu; giữ nguyên văn".into()),
            ..ParsedValue::of(&raw, ValueForm::Text, None)
        },
        _ => ParsedValue {
            note: Some("có nhiều số liệu trong câu; giữ nguyên văn".into()),
            ..ParsedValue::of(&raw, ValueForm::Text, None)
        },
    }
}

/// Reads a value a person types into a form. The whole text must be one figure ("58/76",
/// "85,3%", "12,7 nghìn tỷ đồng", "45 xã"), or "Đạt"/"Không đạt": a figure among words
/// ("khoảng 40 phần trăm", "đạt 39,5%"), taken from a document's cell with a note, is refused
/// here, as are words with no figure. `None`: not a figure.
pub fn parse_typed_value(raw: &str) -> Option<ParsedValue> {
    let v = parse_value(raw);
    match v.form {
        ValueForm::YesNo => Some(v),
        ValueForm::Text | ValueForm::NoData => None,
        _ => figure(&clean(raw)).is_some().then_some(v),
    }
}

/// A value read in the unit its column states: a bare number in a column whose unit is "%" (or
/// whose target is a percentage) is a percentage; a bare amount in a column of "nghìn tỷ đồng" is
/// in that scale. Said in the value's note; anything else is returned as read.
pub fn in_unit(
    value: ParsedValue,
    unit: Option<&str>,
    target: Option<&ParsedValue>,
) -> ParsedValue {
    // Only a figure written alone: "45 xã" says its own unit.
    if value.form != ValueForm::Number
        || value.scale.is_some()
        || parse_number(&value.raw).is_none()
    {
        return value;
    }
    let unit = unit.map(|u| u.trim()).filter(|u| !u.is_empty());
    let u = unit.map(fold).unwrap_or_default();
    let per_cent = u == "%"
        || u.starts_with("phan tram")
        || u.starts_with("ty le")
        || (unit.is_none() && target.is_some_and(|t| t.form == ValueForm::Percent));
    let scale = scale_of(&u);
    let mut value = value;
    let said = if per_cent {
        value.form = ValueForm::Percent;
        "không ghi đơn vị; đọc là phần trăm theo đơn vị của cột".to_string()
    } else if let Some(written) = unit.filter(|_| scale != 1.0) {
        value.scale = Some(scale);
        format!("không ghi đơn vị; đọc theo đơn vị của cột \"{written}\"")
    } else {
        return value;
    };
    value.note = Some(match value.note.take() {
        Some(n) => format!("{n}; {said}"),
        None => said,
    });
    value
}

/// The pieces of a text that may be figures: runs starting with a digit, with what follows them
/// ("%", a scale word).
fn candidates(raw: &str) -> Vec<String> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_matches(|c: char| c == '(' || c == ')' || c == ';' || c == ':');
        if !w.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let w = w.trim_end_matches(['.', ',']);
        let mut piece = w.to_string();
        // "39,5 %", "87,5 triệu", "12,7 nghìn tỷ đồng"
        let rest: Vec<&str> = words[i + 1..].iter().take(3).copied().collect();
        let per_cent = rest.len() >= 2 && fold(&rest[..2].join(" ")) == "phan tram";
        if rest.first() == Some(&"%") || per_cent {
            piece.push('%');
        } else {
            let joined = rest.join(" ");
            let s = scale_of(&joined);
            if s != 1.0 {
                let n = if s >= 1e12 { 2 } else { 1 };
                piece = format!("{piece} {}", rest[..n.min(rest.len())].join(" "));
            }
        }
        out.push(piece);
    }
    out
}

/// The whole text as one figure, or None.
fn figure(raw: &str) -> Option<ParsedValue> {
    let t = raw.trim();
    // "39,5%", "39,5 %", "39,5 phần trăm"
    let folded = fold(t);
    // The number's own characters are ASCII: folding leaves them as written.
    if let Some(n) = t.strip_suffix('%').or(folded.strip_suffix("phan tram")) {
        let v = parse_number(n.trim())?;
        return Some(ParsedValue::of(raw, ValueForm::Percent, Some(v)));
    }
    // "58/76", "331.720/457.956"
    if let Some((a, b)) = t.split_once('/') {
        let (n, d) = (
            parse_number(a)?,
            parse_number(b.split_whitespace().next()?)?,
        );
        let words_after = b.split_whitespace().skip(1).count();
        if words_after > 3 {
            return None;
        }
        return Some(ParsedValue {
            numerator: Some(n),
            denominator: Some(d),
            ..ParsedValue::of(raw, ValueForm::Fraction, Some(n))
        });
    }
    // "87,5 triệu", "12,7 nghìn tỷ đồng", "34"
    let mut parts = t.splitn(2, char::is_whitespace);
    let n = parse_number(parts.next()?)?;
    let rest = parts.next().unwrap_or("").trim();
    let scale = scale_of(rest);
    if !rest.is_empty() && scale == 1.0 && rest.split_whitespace().count() > 3 {
        return None;
    }
    Some(ParsedValue {
        scale: (scale != 1.0).then_some(scale),
        ..ParsedValue::of(raw, ValueForm::Number, Some(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> ParsedValue {
        parse_value(s)
    }

    #[test]
    fn a_typed_value_is_one_figure_and_nothing_else() {
        for s in [
            "58/76",
            "85,3%",
            "85,3 phần trăm",
            "12,7 nghìn tỷ đồng",
            "45 xã",
            "Đạt",
        ] {
            assert!(parse_typed_value(s).is_some(), "{s}");
        }
        for s in [
            "khoảng 40 phần trăm",
            "đạt 39,5%",
            "khoảng sáu mươi",
            "Đang triển khai",
            "",
        ] {
            assert!(parse_typed_value(s).is_none(), "{s}");
            assert_eq!(
                parse_value(s).raw,
                clean(s),
                "a document's cell keeps it as written"
            );
        }
        assert_eq!(
            parse_value("khoảng 40 phần trăm").value,
            Some(40.0),
            "a document's cell still gives the figure, with a note"
        );
    }

    #[test]
    fn fractions_as_written() {
        let x = v("58/76");
        assert_eq!(
            (x.form, x.value, x.numerator, x.denominator),
            (ValueForm::Fraction, Some(58.0), Some(58.0), Some(76.0))
        );
        assert_eq!(v("3321/3321").share_percent(), Some(100.0));
        let x = v("331.720/457.956");
        assert_eq!(
            (x.numerator, x.denominator),
            (Some(331_720.0), Some(457_956.0))
        );
        assert_eq!(v("11,7/12,7 nghìn tỷ đồng").numerator, Some(11.7));
    }

    #[test]
    fn percentages_with_and_without_a_space() {
        for s in ["39,5%", "39,5 %"] {
            let x = v(s);
            assert_eq!((x.form, x.value), (ValueForm::Percent, Some(39.5)), "{s}");
            assert_eq!(x.raw, s, "the raw text is kept");
        }
        assert_eq!(v("100%").value, Some(100.0));
    }

    #[test]
    fn amounts_with_their_scale() {
        let x = v("87,5 triệu");
        assert_eq!(
            (x.form, x.value, x.scale),
            (ValueForm::Number, Some(87.5), Some(1e6))
        );
        let x = v("12,7 nghìn tỷ đồng");
        assert_eq!((x.value, x.scale), (Some(12.7), Some(1e12)));
        assert_eq!(scale_of("nghìn tỷ đồng"), 1e12);
        assert_eq!(scale_of("tỷ đồng"), 1e9);
        assert_eq!(scale_of("dịch vụ"), 1.0);
        assert_eq!(v("34").value, Some(34.0));
        assert_eq!(v("1.234,5").value, Some(1234.5));
    }

    #[test]
    fn words_yes_no_and_no_data() {
        assert_eq!(
            (v("Đạt").form, v("Đạt").value),
            (ValueForm::YesNo, Some(1.0))
        );
        assert_eq!(v("Chưa triển khai").value, Some(0.0));
        assert_eq!(v("Không đạt").value, Some(0.0));
        let x = v("Chưa báo cáo");
        assert_eq!((x.form, x.value), (ValueForm::NoData, None));
        assert_eq!(v("").form, ValueForm::NoData);
        assert_eq!(v("-").form, ValueForm::NoData);
    }

    #[test]
    fn nothing_unreadable_is_guessed() {
        // "." groups thousands: "39.5" is not a number as the documents write them.
        let x = v("39.5");
        assert_eq!((x.form, x.value), (ValueForm::Text, None));
        assert!(x.note.is_some());
        let x = v("khoảng vài chục");
        assert_eq!(x.form, ValueForm::Text);
        // Two figures in one sentence: which one is meant is not said.
        let x = v("phải đạt 90% (đến nay mới đạt 39,5%)");
        assert_eq!((x.form, x.value), (ValueForm::Text, None));
        // One figure among words is taken, and said so.
        let x = v("đạt 39,5%");
        assert_eq!((x.form, x.value), (ValueForm::Percent, Some(39.5)));
        assert!(x.note.as_deref().is_some_and(|n| n.contains("39,5%")));
        assert_eq!(parse_number("12.34"), None);
        assert_eq!(parse_number("1234.567"), None);
        assert_eq!(parse_number("457.956"), Some(457_956.0));
    }

    #[test]
    fn words_in_place_of_a_figure_are_no_figure_never_zero() {
        for s in [
            "Đang triển khai",
            "Đang triển khai thực hiện",
            "Chưa có",
            "Đang cập nhật",
            "Không áp dụng",
            "đang tổng hợp.",
        ] {
            let x = v(s);
            assert_eq!((x.form, x.value), (ValueForm::NoData, None), "{s}");
            assert_eq!(x.raw, s, "kept as written");
        }
        // "Chưa triển khai" says the work has not started: a no.
        assert_eq!(v("Chưa triển khai").value, Some(0.0));
        // A figure beside the words is still read.
        assert_eq!(v("Đang triển khai, đạt 40%").value, Some(40.0));
    }

    #[test]
    fn per_cent_in_words() {
        let x = v("40 phần trăm");
        assert_eq!((x.form, x.value), (ValueForm::Percent, Some(40.0)));
        let x = v("khoảng 40 phần trăm");
        assert_eq!((x.form, x.value), (ValueForm::Percent, Some(40.0)));
        assert!(x.note.is_some(), "taken from a sentence, said so");
    }

    #[test]
    fn a_bare_figure_is_read_in_its_columns_unit() {
        let x = in_unit(v("61,3"), Some("%"), None);
        assert_eq!((x.form, x.value), (ValueForm::Percent, Some(61.3)));
        assert!(x.note.as_deref().is_some_and(|n| n.contains("phần trăm")));
        assert_eq!(x.raw, "61,3");
        let target = v("85%");
        let x = in_unit(v("61,3"), None, Some(&target));
        assert_eq!(x.form, ValueForm::Percent, "the target says the unit");
        let x = in_unit(v("12,7"), Some("nghìn tỷ đồng"), None);
        assert_eq!((x.value, x.scale), (Some(12.7), Some(1e12)));
        // Written with its own unit, or a count: as read.
        assert_eq!(
            in_unit(v("11,7 tỷ"), Some("nghìn tỷ đồng"), None).scale,
            Some(1e9)
        );
        assert_eq!(in_unit(v("45"), Some("nền tảng"), None), v("45"));
        assert_eq!(in_unit(v("45 xã"), Some("%"), None).form, ValueForm::Number);
        assert_eq!(
            in_unit(v("58/76"), Some("%"), None).form,
            ValueForm::Fraction
        );
    }
}
