//! How pages say things: dates as Vietnamese write them, states as coloured badges, the audit
//! log's actions and the reported statuses in words, values in a URL.

use maud::{Markup, html};
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::status::AssignmentState;
use time::Date;

pub(crate) fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

pub(crate) fn today_iso() -> String {
    iso(today())
}

pub(crate) fn date_or_today(s: Option<&str>) -> Date {
    s.and_then(parse_user_date).unwrap_or_else(today)
}

pub(crate) fn show_iso(s: Option<&str>) -> String {
    s.and_then(parse_user_date).map(vn).unwrap_or_default()
}

/// A date as Vietnamese write it, or nothing when there is none.
/// A stored RFC 3339 timestamp as Vietnam's clock shows it: "02/12/2026 17:31 (giờ Việt Nam)";
/// anything else as it is.
pub(crate) fn timestamp_vn(s: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(s, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
            format!(
                "{} {:02}:{:02} (giờ Việt Nam)",
                tiendo_domain::deadline::vn(t.date()),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => s.to_string(),
    }
}

pub(crate) fn opt_vn(d: Option<time::Date>) -> String {
    d.map(vn).unwrap_or_default()
}

pub(crate) fn state_key(s: AssignmentState) -> &'static str {
    s.code()
}

pub(crate) fn badge(s: AssignmentState) -> Markup {
    html! { span class={"badge s-" (state_key(s))} { (s.vietnamese()) } }
}

pub(crate) fn status_word(s: Option<&str>) -> &'static str {
    match s {
        Some("done") => "Đã hoàn thành",
        Some("done_late") => "Đã hoàn thành quá hạn",
        Some("in_progress") => "Đang thực hiện",
        Some("not_done") => "Chưa hoàn thành",
        _ => "",
    }
}

/// `s` in a URL: bytes other than ASCII letters, digits and `keep` percent-encoded.
pub(crate) fn percent_encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A value in a query string or a path segment.
pub(crate) fn enc(s: &str) -> String {
    percent_encode(s, b"-_.~")
}

/// A date field as Vietnamese write dates (ngày/tháng/năm), whatever the browser's language: a
/// text field showing `31/12/2026`; the server reads that or `2026-12-31` (links, scripts).
pub(crate) fn date_input(name: &str, value: &str, required: bool) -> Markup {
    let shown = parse_user_date(value)
        .map(vn)
        .unwrap_or_else(|| value.to_string());
    html! {
        input.date type="text" name=(name) inputmode="numeric" autocomplete="off" maxlength="10"
            placeholder="ngày/tháng/năm" title="Ngày/tháng/năm, ví dụ 31/12/2026"
            pattern=r"\s*\d{1,2}/\d{1,2}/\d{4}\s*|\s*\d{4}-\d{1,2}-\d{1,2}\s*"
            required[required] value=(shown);
    }
}
