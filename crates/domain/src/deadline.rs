//! Deadlines as the documents write them, turned into a due date. The raw text is always kept.
//!
//! | written | kind | due |
//! |---|---|---|
//! | `30/6/2026`, `Trước ngày 31/3/2026`, `ngày 25 tháng 11 năm 2025` | date | that day |
//! | `Trong tháng 6/2026`, `tháng 11 năm 2025` | month | last day of the month |
//! | `Trước tháng 6/2025` | date | last day before that month |
//! | `Quý I/2026`, `Trong Quý III/2026` | quarter | last day of the quarter |
//! | `Trong năm 2026`, `Năm 2026`, `6 tháng cuối năm` | year | 31 December (30 June for "6 tháng đầu năm") |
//! | `Thường xuyên`, `Hằng năm`, `Trước ngày 20 hằng tháng`, `6 tháng một lần` | recurring | none (each period's report is due: see [`crate::recurrence`]) |
//! | `Theo tiến độ …`, `Thời hạn trình theo văn bản giao …` | conditional | none |
//! | anything else (or nothing) | unknown | none |

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::text::{clean, fold};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Date,
    Month,
    Quarter,
    Year,
    Recurring,
    Conditional,
    Unknown,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Date => "date",
            DeadlineKind::Month => "month",
            DeadlineKind::Quarter => "quarter",
            DeadlineKind::Year => "year",
            DeadlineKind::Recurring => "recurring",
            DeadlineKind::Conditional => "conditional",
            DeadlineKind::Unknown => "unknown",
        }
    }

    /// The kind in words, as the preview prints a deadline with no day of its own.
    pub fn vietnamese(self) -> &'static str {
        match self {
            DeadlineKind::Date => "một ngày",
            DeadlineKind::Month => "trong tháng",
            DeadlineKind::Quarter => "trong quý",
            DeadlineKind::Year => "trong năm",
            DeadlineKind::Recurring => "thường xuyên",
            DeadlineKind::Conditional => "chưa xác định thời hạn",
            DeadlineKind::Unknown => "không đọc được thời hạn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "date" => Self::Date,
            "month" => Self::Month,
            "quarter" => Self::Quarter,
            "year" => Self::Year,
            "recurring" => Self::Recurring,
            "conditional" => Self::Conditional,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }
}

/// A deadline as written, with what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub raw: String,
    pub kind: DeadlineKind,
    #[serde(with = "opt_iso_date")]
    pub due: Option<Date>,
    /// The text said "trước …" (before): kept so the wording can be reproduced.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub before: bool,
    /// Why the text could not be read exactly, or what was ambiguous about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A recurring duty written beside a dated deadline ("Trước ngày 20/11/2025 và hàng
    /// tháng"): the recurring part as written. Both are followed: the date as the deadline, the
    /// duty as a report owed each period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<String>,
}

impl Deadline {
    /// The deadline without a day of its own, in words: "chưa có thời hạn" when the text gives
    /// none at all, "không đọc được thời hạn" when what it gives cannot be read, else its kind.
    pub fn in_words(&self) -> &'static str {
        if self.kind == DeadlineKind::Unknown && self.raw.trim().is_empty() {
            "chưa có thời hạn"
        } else {
            self.kind.vietnamese()
        }
    }

    /// True when the deadline names a date that can be late ("6 rõ" on time).
    pub fn has_due(&self) -> bool {
        self.due.is_some()
    }
}

/// What the parser may know about the document the deadline comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeadlineContext {
    /// The year of the document, for relative forms such as "6 tháng cuối năm".
    pub document_year: Option<i32>,
}

struct Found {
    start: usize,
    kind: DeadlineKind,
    due: Date,
    before: bool,
}

static DATE_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(truoc|den)\s+(?:ngay\s+)?)?(?:ngay\s+)?\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b")
        .expect("static regex")
});
static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(truoc|den)\s+)?ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\b")
        .expect("static regex")
});
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(truoc)\s+)?thang\s+(\d{1,2})\s*(?:/|\s+nam\s+|\s*-\s*)(\d{4})\b")
        .expect("static regex")
});
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(truoc)\s+)?quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|\s+nam\s+|\s*-\s*)(\d{4})\b")
        .expect("static regex")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bnam\s+(\d{4})\b").expect("static regex"));
static HALF_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b6\s+thang\s+(cuoi|dau)\s+nam(?:\s+(\d{4}))?").expect("static regex")
});

const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

/// Does the (folded) text state a recurring duty ("Thường xuyên", "hằng tháng", "trước ngày 20
/// hằng tháng", "6 tháng một lần")?
fn is_recurring(f: &str) -> bool {
    f.contains("thuong xuyen")
        || f.starts_with("hang nam")
        || f.starts_with("hang thang")
        || f.starts_with("hang quy")
        || f.starts_with("dinh ky")
        || f.starts_with("hang tuan")
        || crate::recurrence::states_period(f)
}

/// "Trước ngày 20/11/2025 và hàng tháng", "Quý I/2026; sau đó hằng quý": a dated deadline
/// and a recurring duty in one cell, split where they are joined. None unless exactly the two
/// kinds are there (each part read on its own).
fn two_parts(raw: &str, ctx: DeadlineContext) -> Option<(Deadline, String)> {
    let pieces: Vec<&str> = raw
        .split([';', ','])
        .flat_map(|p| p.split(" và "))
        .flat_map(|p| p.split(" sau đó "))
        .map(|p| p.trim().trim_end_matches('.').trim())
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() < 2 {
        return None;
    }
    let (duty, dated): (Vec<&str>, Vec<&str>) = pieces.iter().partition(|p| is_recurring(&fold(p)));
    if duty.is_empty() || dated.is_empty() {
        return None;
    }
    let d = parse_deadline(&dated.join("; "), ctx);
    d.due.is_some().then(|| (d, duty.join("; ")))
}

/// Parses a deadline cell. Never fails: what cannot be read is `unknown` with a note.
pub fn parse_deadline(raw: &str, ctx: DeadlineContext) -> Deadline {
    let raw_clean = clean(raw);
    let f = fold(&raw_clean);
    let mut deadline = Deadline {
        raw: raw_clean,
        kind: DeadlineKind::Unknown,
        due: None,
        before: false,
        note: None,
        recurring: None,
    };
    if f.is_empty() {
        deadline.note = Some("không có thời hạn".into());
        return deadline;
    }
    if is_recurring(&f) {
        if let Some((dated, duty)) = two_parts(&deadline.raw, ctx) {
            return Deadline {
                raw: deadline.raw,
                recurring: Some(duty),
                ..dated
            };
        }
        deadline.kind = DeadlineKind::Recurring;
        return deadline;
    }
    // Each form in turn, most precise first; a stretch of text read by one is not read again.
    let mut scan = Scan::default();
    scan.dates(&f);
    scan.months(&f);
    scan.quarters(&f);
    scan.half_years(&f, ctx);
    scan.years(&f);
    let conditional = f.starts_with("theo ")
        || f.contains(" theo ")
        || f.starts_with("khi ")
        || f.contains("sau khi");
    scan.settle(deadline, conditional)
}

/// What the forms found in a folded deadline text: the milestones, what could not be read, and
/// the stretches of text already read.
#[derive(Default)]
struct Scan {
    found: Vec<Found>,
    invalid: Vec<String>,
    taken: Vec<(usize, usize)>,
}

impl Scan {
    /// The match's span, unless another form has already read part of it.
    fn claim(&mut self, c: &regex::Captures<'_>) -> Option<(usize, usize)> {
        let m = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
        if self.taken.iter().any(|&(a, b)| m.0 < b && a < m.1) {
            return None;
        }
        self.taken.push(m);
        Some(m)
    }

    /// "31/12/2026", "ngày 31 tháng 12 năm 2026", "trước ngày …".
    fn dates(&mut self, f: &str) {
        for re in [&*DATE_NUMERIC, &*DATE_WORDS] {
            for c in re.captures_iter(f) {
                let Some(m) = self.claim(&c) else { continue };
                let before = c.get(1).is_some_and(|b| b.as_str() == "truoc");
                match (num(&c, 2), num(&c, 3), num(&c, 4)) {
                    (Some(d), Some(mo), Some(y)) => match make_date(y, mo, d) {
                        Some(due) => self.found.push(Found {
                            start: m.0,
                            kind: DeadlineKind::Date,
                            due,
                            before,
                        }),
                        None => self
                            .invalid
                            .push(format!("ngày không hợp lệ: {d}/{mo}/{y}")),
                    },
                    _ => self.invalid.push("ngày không đọc được".into()),
                }
            }
        }
    }

    /// "tháng 6/2026", "trước tháng 6/2026" (the day before it begins).
    fn months(&mut self, f: &str) {
        for c in MONTH.captures_iter(f) {
            let Some(m) = self.claim(&c) else { continue };
            let before = c.get(1).is_some();
            match (num(&c, 2), num(&c, 3)) {
                (Some(mo), Some(y))
                    if (1..=12).contains(&mo) && (MIN_YEAR..=MAX_YEAR).contains(&y) =>
                {
                    let due = if before {
                        first_of_month(y, mo).and_then(|d| d.previous_day())
                    } else {
                        last_of_month(y, mo)
                    };
                    if let Some(due) = due {
                        let kind = if before {
                            DeadlineKind::Date
                        } else {
                            DeadlineKind::Month
                        };
                        self.found.push(Found {
                            start: m.0,
                            kind,
                            due,
                            before,
                        });
                    }
                }
                (mo, y) => self
                    .invalid
                    .push(format!("tháng không hợp lệ: {}/{}", opt(mo), opt(y))),
            }
        }
    }

    /// "Quý I/2026", "quý 3 năm 2026", "trước quý II/2026".
    fn quarters(&mut self, f: &str) {
        for c in QUARTER.captures_iter(f) {
            let Some(m) = self.claim(&c) else { continue };
            let before = c.get(1).is_some();
            let q = match c.get(2).map(|x| x.as_str()) {
                Some("i") | Some("1") => 1,
                Some("ii") | Some("2") => 2,
                Some("iii") | Some("3") => 3,
                Some("iv") | Some("4") => 4,
                _ => 0,
            };
            match num(&c, 3) {
                Some(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) && q > 0 => {
                    let due = if before {
                        first_of_month(y, (q - 1) * 3 + 1).and_then(|d| d.previous_day())
                    } else {
                        last_of_month(y, q * 3)
                    };
                    if let Some(due) = due {
                        let kind = if before {
                            DeadlineKind::Date
                        } else {
                            DeadlineKind::Quarter
                        };
                        self.found.push(Found {
                            start: m.0,
                            kind,
                            due,
                            before,
                        });
                    }
                }
                y => self.invalid.push(format!("quý không hợp lệ: {}", opt(y))),
            }
        }
    }

    /// "6 tháng đầu năm 2026", "6 tháng cuối năm" (the document's year when none is written).
    fn half_years(&mut self, f: &str, ctx: DeadlineContext) {
        for c in HALF_YEAR.captures_iter(f) {
            let Some(m) = self.claim(&c) else { continue };
            let year = num(&c, 2).or(ctx.document_year);
            let end = c.get(1).map(|x| x.as_str()) == Some("cuoi");
            match year {
                Some(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) => {
                    let due = if end {
                        make_date(y, 12, 31)
                    } else {
                        make_date(y, 6, 30)
                    };
                    if let Some(due) = due {
                        self.found.push(Found {
                            start: m.0,
                            kind: if end {
                                DeadlineKind::Year
                            } else {
                                DeadlineKind::Month
                            },
                            due,
                            before: false,
                        });
                    }
                }
                _ => self.invalid.push("không rõ năm của \"6 tháng\"".into()),
            }
        }
    }

    /// "năm 2026", "trong năm 2026".
    fn years(&mut self, f: &str) {
        for c in YEAR.captures_iter(f) {
            let Some(m) = self.claim(&c) else { continue };
            match num(&c, 1) {
                Some(y) if (MIN_YEAR..=MAX_YEAR).contains(&y) => {
                    if let Some(due) = make_date(y, 12, 31) {
                        self.found.push(Found {
                            start: m.0,
                            kind: DeadlineKind::Year,
                            due,
                            before: false,
                        });
                    }
                }
                y => self.invalid.push(format!("năm không hợp lệ: {}", opt(y))),
            }
        }
    }

    /// The deadline: the earliest milestone found (several are noted), else conditional wording,
    /// else unknown with what could not be read.
    fn settle(self, mut deadline: Deadline, conditional: bool) -> Deadline {
        let Scan {
            mut found, invalid, ..
        } = self;
        if found.is_empty() {
            if conditional && invalid.is_empty() {
                deadline.kind = DeadlineKind::Conditional;
            } else if !invalid.is_empty() {
                deadline.note = Some(invalid.join("; "));
            } else {
                deadline.note = Some("không đọc được thời hạn".into());
            }
            return deadline;
        }
        found.sort_by_key(|x| x.start);
        let first_due = found.iter().map(|x| x.due).min();
        let chosen = found
            .iter()
            .find(|x| Some(x.due) == first_due)
            .unwrap_or(&found[0]);
        deadline.kind = chosen.kind;
        deadline.due = Some(chosen.due);
        deadline.before = chosen.before;
        let mut notes = invalid;
        if found.len() > 1 {
            notes.push(format!("có {} mốc thời hạn; lấy mốc sớm nhất", found.len()));
        }
        if !notes.is_empty() {
            deadline.note = Some(notes.join("; "));
        }
        deadline
    }
}

fn num(c: &regex::Captures<'_>, i: usize) -> Option<i32> {
    c.get(i).and_then(|m| m.as_str().parse().ok())
}

fn opt(v: Option<i32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
}

fn make_date(y: i32, m: i32, d: i32) -> Option<Date> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

fn first_of_month(y: i32, m: i32) -> Option<Date> {
    make_date(y, m, 1)
}

fn last_of_month(y: i32, m: i32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    make_date(y, m, i32::from(month.length(y)))
}

/// Parses a plain date as a user types it: `YYYY-MM-DD` or `d/m/yyyy`. Absurd dates are refused.
pub fn parse_user_date(s: &str) -> Option<Date> {
    let (y, m, d) = user_date_numbers(s)?;
    make_date(y, m, d)
}

/// The year, month and day a person typed (`YYYY-MM-DD` or `d/m/yyyy`), whether or not they
/// make a day of the calendar.
fn user_date_numbers(s: &str) -> Option<(i32, i32, i32)> {
    let s = s.trim();
    let iso = s.contains('-');
    let parts: Vec<&str> = s.split(if iso { '-' } else { '/' }).collect();
    if parts.len() != 3 {
        return None;
    }
    let nums: Vec<i32> = parts
        .iter()
        .map(|p| p.trim().parse::<i32>())
        .collect::<Result<_, _>>()
        .ok()?;
    Some(if iso {
        (nums[0], nums[1], nums[2])
    } else {
        (nums[2], nums[1], nums[0])
    })
}

/// Why a day a person typed for something that has happened cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastDayRefused {
    /// Not written as a day ("30/6/2026", "2026-06-30").
    NotADay,
    /// Written as one, but no such day: 31/02, 29/02 of a common year, month 13.
    NotInCalendar,
    /// Before 2000: no follow-up goes back that far.
    TooEarly,
    /// After today.
    Future,
}

impl PastDayRefused {
    /// The reason in plain words, with the day as it was typed.
    pub fn words(self, raw: &str) -> String {
        let raw = raw.trim();
        match self {
            PastDayRefused::NotADay => {
                format!("«{raw}» không phải là một ngày (ghi ngày/tháng/năm, ví dụ 30/6/2026)")
            }
            PastDayRefused::NotInCalendar => format!("ngày {raw} không có trong lịch"),
            PastDayRefused::TooEarly => format!("ngày {raw} trước năm 2000"),
            PastDayRefused::Future => format!("ngày {raw} chưa đến (sau hôm nay)"),
        }
    }
}

/// A day a person typed for something that has happened (a completion, the day figures stand
/// at): a day of the calendar, from 2000 up to `today`.
pub fn past_user_date(s: &str, today: Date) -> Result<Date, PastDayRefused> {
    let (y, m, d) = user_date_numbers(s).ok_or(PastDayRefused::NotADay)?;
    let Some(day) = make_date(y, m, d) else {
        return Err(if y < MIN_YEAR {
            PastDayRefused::TooEarly
        } else if y > MAX_YEAR {
            PastDayRefused::Future
        } else {
            PastDayRefused::NotInCalendar
        });
    };
    if day.year() < 2000 {
        Err(PastDayRefused::TooEarly)
    } else if day > today {
        Err(PastDayRefused::Future)
    } else {
        Ok(day)
    }
}

/// Reads a stored `YYYY-MM-DD` quickly (no allocation); anything else gives `None`.
pub fn iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    make_date(n(0..4)?, n(5..7)?, n(8..10)?)
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `dd/mm/yyyy`, as Vietnamese documents print dates.
pub fn vn(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// Serializes a date as `YYYY-MM-DD` (`#[serde(with = "iso_day")]`).
pub mod iso_day {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::iso(*d))
    }
}

pub mod opt_iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::iso(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        match v {
            None => Ok(None),
            Some(s) => super::parse_user_date(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid date {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn a_past_day_says_why_it_is_refused() {
        let today = date!(2026 - 03 - 10);
        assert_eq!(
            past_user_date("28/02/2026", today),
            Ok(date!(2026 - 02 - 28))
        );
        assert_eq!(
            past_user_date("31/02/2026", today),
            Err(PastDayRefused::NotInCalendar)
        );
        assert_eq!(
            past_user_date("29/02/2025", today),
            Err(PastDayRefused::NotInCalendar)
        );
        assert_eq!(
            past_user_date("2026-13-01", today),
            Err(PastDayRefused::NotInCalendar)
        );
        assert_eq!(
            past_user_date("hôm qua", today),
            Err(PastDayRefused::NotADay)
        );
        assert_eq!(
            past_user_date("1/1/1999", today),
            Err(PastDayRefused::TooEarly)
        );
        assert_eq!(
            past_user_date("1900-01-01", today),
            Err(PastDayRefused::TooEarly)
        );
        assert_eq!(
            past_user_date("1/1/9999", today),
            Err(PastDayRefused::Future)
        );
        assert_eq!(
            past_user_date("11/03/2026", today),
            Err(PastDayRefused::Future)
        );
        assert_eq!(
            PastDayRefused::NotInCalendar.words(" 31/02/2026 "),
            "ngày 31/02/2026 không có trong lịch"
        );
    }

    fn p(s: &str) -> Deadline {
        parse_deadline(s, DeadlineContext::default())
    }

    #[test]
    fn plain_dates() {
        let d = p("30/6/2026");
        assert_eq!(
            (d.kind, d.due, d.raw.as_str()),
            (DeadlineKind::Date, Some(date!(2026 - 06 - 30)), "30/6/2026")
        );
        assert_eq!(p("31/12/2025").due, Some(date!(2025 - 12 - 31)));
        assert_eq!(p("01/3/2026").due, Some(date!(2026 - 03 - 01)));
    }

    #[test]
    fn before_dates_keep_wording() {
        for (s, due) in [
            ("Trước ngày 31/3/2026", date!(2026 - 03 - 31)),
            ("Hoàn thành trước ngày 01/3/2026", date!(2026 - 03 - 01)),
            ("trước ngày 25 tháng 11 năm 2025", date!(2025 - 11 - 25)),
        ] {
            let d = p(s);
            assert_eq!(
                (d.kind, d.due, d.before),
                (DeadlineKind::Date, Some(due), true),
                "{s}"
            );
            assert_eq!(d.raw, s);
        }
        let d = p("trước tháng 6/2025");
        assert_eq!(
            (d.kind, d.due),
            (DeadlineKind::Date, Some(date!(2025 - 05 - 31)))
        );
    }

    #[test]
    fn months_end_on_their_last_day() {
        for (s, due) in [
            ("Trong tháng 6/2026", date!(2026 - 06 - 30)),
            ("Tháng 12/2026", date!(2026 - 12 - 31)),
            ("Trong tháng 02/2026", date!(2026 - 02 - 28)),
            ("trong tháng 11 năm 2025", date!(2025 - 11 - 30)),
            ("Trong tháng 2/2028", date!(2028 - 02 - 29)),
        ] {
            let d = p(s);
            assert_eq!((d.kind, d.due), (DeadlineKind::Month, Some(due)), "{s}");
        }
    }

    #[test]
    fn quarters_end_on_their_last_day() {
        for (s, due) in [
            ("Quý I/2026", date!(2026 - 03 - 31)),
            ("Trong Quý III/2026", date!(2026 - 09 - 30)),
            ("Quý II/2026", date!(2026 - 06 - 30)),
            ("Quý IV/2025", date!(2025 - 12 - 31)),
            ("quý 2 năm 2026", date!(2026 - 06 - 30)),
        ] {
            let d = p(s);
            assert_eq!((d.kind, d.due), (DeadlineKind::Quarter, Some(due)), "{s}");
        }
    }

    #[test]
    fn years_end_on_31_december() {
        for s in ["Trong năm 2026", "Năm 2026", "năm 2026"] {
            let d = p(s);
            assert_eq!(
                (d.kind, d.due),
                (DeadlineKind::Year, Some(date!(2026 - 12 - 31))),
                "{s}"
            );
        }
        let d = parse_deadline(
            "6 tháng cuối năm",
            DeadlineContext {
                document_year: Some(2025),
            },
        );
        assert_eq!(
            (d.kind, d.due),
            (DeadlineKind::Year, Some(date!(2025 - 12 - 31)))
        );
        let d = parse_deadline("6 tháng cuối năm", DeadlineContext::default());
        assert_eq!((d.kind, d.due), (DeadlineKind::Unknown, None));
        assert!(d.note.is_some());
    }

    #[test]
    fn recurring_and_conditional() {
        for s in ["Thường xuyên", "Nhiệm vụ thường xuyên", "thuong xuyen"] {
            assert_eq!(p(s).kind, DeadlineKind::Recurring, "{s}");
        }
        for s in [
            "Theo tiến độ hoàn thành các cơ sở dữ liệu",
            "Theo mức độ hoàn thiện CSDL",
            "Theo kế hoạch năm hoặc đột xuất",
            "Thời hạn trình theo văn bản giao nhiệm vụ, các chỉ đạo của Chính phủ, Lãnh đạo Chính phủ; thời hạn ban hành, có hiệu lực đồng bộ với Luật",
        ] {
            let d = p(s);
            assert_eq!((d.kind, d.due), (DeadlineKind::Conditional, None), "{s}");
            assert_eq!(d.raw, s);
        }
    }

    #[test]
    fn absurd_and_unreadable_are_unknown_with_a_note() {
        for s in ["31/2/2026", "1/1/1900", "sớm", "", "Quý V/2026"] {
            let d = p(s);
            assert_eq!((d.kind, d.due), (DeadlineKind::Unknown, None), "{s}");
            assert!(d.note.is_some(), "{s}");
        }
    }

    #[test]
    fn several_milestones_take_the_earliest_and_say_so() {
        let d = p("Quý IV/2026 (ban hành); Quý II/2026 (trình)");
        assert_eq!(
            (d.kind, d.due),
            (DeadlineKind::Quarter, Some(date!(2026 - 06 - 30)))
        );
        assert!(d.note.is_some());
    }

    #[test]
    fn stored_dates() {
        assert_eq!(iso_date("2026-05-20"), Some(date!(2026 - 05 - 20)));
        assert_eq!(iso_date("2026-02-30"), None);
        assert_eq!(iso_date("2026-5-20"), None);
        assert_eq!(iso_date("abcd-ef-gh"), None);
        assert_eq!(
            iso_date(&iso(date!(2027 - 12 - 31))),
            Some(date!(2027 - 12 - 31))
        );
    }

    #[test]
    fn user_dates() {
        assert_eq!(parse_user_date("2026-05-20"), Some(date!(2026 - 05 - 20)));
        assert_eq!(parse_user_date("20/5/2026"), Some(date!(2026 - 05 - 20)));
        assert_eq!(parse_user_date("2026-02-30"), None);
        assert_eq!(parse_user_date("1900-01-01"), None);
        assert_eq!(parse_user_date("x"), None);
    }

    proptest! {
        #[test]
        fn any_written_date_round_trips(days in 0i32..40000, pad in any::<bool>()) {
            let d = date!(1990 - 01 - 01) + time::Duration::days(i64::from(days));
            prop_assume!(d.year() <= MAX_YEAR);
            let s = if pad { vn(d) } else { format!("{}/{}/{}", d.day(), u8::from(d.month()), d.year()) };
            let parsed = p(&s);
            prop_assert_eq!(parsed.kind, DeadlineKind::Date);
            prop_assert_eq!(parsed.due, Some(d));
        }

        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = p(&s);
        }
    }

    #[test]
    fn a_date_and_a_recurring_duty_in_one_cell_keep_both() {
        let ctx = DeadlineContext::default();
        let d = parse_deadline("Trước ngày 20/11/2025 và hàng tháng", ctx);
        assert_eq!(
            (d.kind, d.due, d.before),
            (DeadlineKind::Date, Some(date!(2025 - 11 - 20)), true)
        );
        assert_eq!(d.recurring.as_deref(), Some("hàng tháng"));
        assert_eq!(d.raw, "Trước ngày 20/11/2025 và hàng tháng", "as written");
        let d = parse_deadline("Quý I/2026; sau đó hằng quý", ctx);
        assert_eq!(
            (d.kind, d.due),
            (DeadlineKind::Quarter, Some(date!(2026 - 03 - 31)))
        );
        assert_eq!(d.recurring.as_deref(), Some("hằng quý"));
        // One kind only: as before.
        for s in ["Trước ngày 20 hằng tháng", "Thường xuyên", "hằng quý"] {
            let d = parse_deadline(s, ctx);
            assert_eq!(
                (d.kind, d.recurring),
                (DeadlineKind::Recurring, None),
                "{s}"
            );
        }
        assert_eq!(parse_deadline("30/6/2026", ctx).recurring, None);
    }
}
