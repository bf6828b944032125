//! Recurring obligations: "Thường xuyên", "hằng tháng", "trước ngày 20 hằng tháng", "hằng quý",
//! "6 tháng một lần", "hằng năm"… A recurring assignment is never overdue as a whole; it owes a
//! report each period, and each of these occurrences can be late.
//!
//! Rules (each has a test below):
//! - the period is read from the deadline text: tuần (week), tháng (month), quý (quarter),
//!   "6 tháng" / "nửa năm" (half year), năm (year). "Thường xuyên" or "định kỳ" without a period
//!   follows the committee's reporting cycle ([`Recurrence::DEFAULT`]: monthly, by the last day);
//! - the due day: "ngày 20 hằng tháng" is the 20th of each month (the last day when the month is
//!   shorter); for a quarter, half year or year, "ngày N" is day N of the period's last month, and
//!   "ngày 15/12 hằng năm" / "ngày 15 tháng 12 hằng năm" names the month too; without a day, the
//!   period's last day ("thứ Sáu hằng tuần": that weekday, else Sunday);
//! - occurrences start with the first whole period after the assignment began (an assignment
//!   given on 28/11 owes its first monthly report for December);
//! - an occurrence is answered by the first report not yet counted that is dated after the
//!   previous period's due date (for the first occurrence too, and never before the obligation
//!   began) and no later than halfway to the next due date: on or before
//!   its own due date the report is on time, after it late. So a report sent soon after a missed
//!   due date is that period's late report, and a missed period does not make every later report
//!   late. A report answers one occurrence; a second report in the same period may answer the next.
//! - an occurrence with no report by the day asked is missing once its due date has passed (due
//!   on that day itself is not late), with the days since its due date.

use serde::Serialize;
use time::{Date, Duration, Month};

use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Period {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Period::Weekly => "hằng tuần",
            Period::Monthly => "hằng tháng",
            Period::Quarterly => "hằng quý",
            Period::HalfYearly => "6 tháng một lần",
            Period::Yearly => "hằng năm",
        }
    }

    /// Months in one period (weeks: 0).
    fn months(self) -> u8 {
        match self {
            Period::Weekly => 0,
            Period::Monthly => 1,
            Period::Quarterly => 3,
            Period::HalfYearly => 6,
            Period::Yearly => 12,
        }
    }
}

/// When a recurring obligation's reports fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Recurrence {
    pub period: Period,
    /// Day of the month the report is due (of the period's last month, or of `month`); weekly:
    /// the ISO weekday (1 = Monday … 7 = Sunday). `None`: the period's last day.
    pub day: Option<u8>,
    /// Yearly or half-yearly: the month of the year (of the half) the report is due in.
    pub month: Option<u8>,
    /// The text named the period itself (false: "Thường xuyên", the committee's cycle).
    pub stated: bool,
}

impl Recurrence {
    /// The committee's reporting cycle for duties that name no period: monthly, by the last day.
    pub const DEFAULT: Recurrence = Recurrence {
        period: Period::Monthly,
        day: None,
        month: None,
        stated: false,
    };

    /// The schedule a recurring deadline text states; [`Recurrence::DEFAULT`] when it names no
    /// period ("Thường xuyên", "định kỳ").
    pub fn read(raw: &str) -> Recurrence {
        let f = fold(raw);
        let words = words_of(&f);
        let period = period_of(&words);
        let Some(period) = period else {
            return Recurrence::DEFAULT;
        };
        let mut r = Recurrence {
            period,
            day: None,
            month: None,
            stated: true,
        };
        if period == Period::Weekly {
            r.day = weekday_of(&words);
            return r;
        }
        if let Some((day, month)) = day_of(&words) {
            let longest = match month {
                Some(2) => 29,
                Some(4 | 6 | 9 | 11) => 30,
                _ => 31,
            };
            if (1..=longest).contains(&day) && month.is_none_or(|m| (1..=12).contains(&m)) {
                r.day = Some(day);
                // A named month only fixes the date of a yearly or half-yearly report.
                if matches!(period, Period::Yearly | Period::HalfYearly) {
                    r.month = month;
                }
            }
        }
        r
    }

    /// "hằng tháng, hạn ngày 20", "hằng quý, hạn ngày cuối quý".
    pub fn vietnamese(&self) -> String {
        let base = self.period.vietnamese();
        let due = match (self.period, self.day, self.month) {
            (Period::Weekly, Some(d), _) => format!("hạn {}", weekday_name(d)),
            (Period::Weekly, None, _) => "hạn Chủ nhật".to_string(),
            (Period::Monthly, Some(d), _) => format!("hạn ngày {d}"),
            (Period::Monthly, None, _) => "hạn ngày cuối tháng".to_string(),
            (Period::Quarterly, Some(d), _) => format!("hạn ngày {d} tháng cuối quý"),
            (Period::Quarterly, None, _) => "hạn ngày cuối quý".to_string(),
            (Period::HalfYearly, Some(d), Some(m)) => {
                format!("hạn ngày {d}/{m} và ngày {d}/{}", (m + 5) % 12 + 1)
            }
            (Period::HalfYearly, Some(d), None) => format!("hạn ngày {d}/6 và ngày {d}/12"),
            (Period::HalfYearly, None, _) => "hạn ngày 30/6 và 31/12".to_string(),
            (Period::Yearly, Some(d), Some(m)) => format!("hạn ngày {d}/{m}"),
            (Period::Yearly, Some(d), None) => format!("hạn ngày {d}/12"),
            (Period::Yearly, None, _) => "hạn ngày 31/12".to_string(),
        };
        if self.stated {
            format!("{base}, {due}")
        } else {
            format!("{base}, {due} (chu kỳ báo cáo mặc định cho nhiệm vụ thường xuyên)")
        }
    }

    /// The period containing `d`: its first and last day.
    fn period_of(&self, d: Date) -> (Date, Date) {
        if self.period == Period::Weekly {
            let start = d - Duration::days(i64::from(d.weekday().number_days_from_monday()));
            return (start, start + Duration::days(6));
        }
        let span = self.period.months();
        let m0 = (u8::from(d.month()) - 1) / span * span + 1;
        let start = ymd(d.year(), m0, 1);
        let end = last_day(d.year(), m0 + span - 1);
        (start, end)
    }

    /// The due date of the period starting `start` (as [`Recurrence::period_of`] gives it).
    fn due_of(&self, start: Date, end: Date) -> Date {
        match self.period {
            Period::Weekly => match self.day {
                Some(w) => start + Duration::days(i64::from(w.clamp(1, 7)) - 1),
                None => end,
            },
            _ => {
                let month = match (self.period, self.month) {
                    (Period::Yearly, Some(m)) => m,
                    (Period::HalfYearly, Some(m)) => {
                        let first = u8::from(start.month());
                        // The named month's place within the half year.
                        first + (m - 1) % 6
                    }
                    _ => u8::from(end.month()),
                };
                let last = last_day(end.year(), month);
                match self.day {
                    Some(d) => ymd(end.year(), month, d.min(last.day())),
                    None => last,
                }
            }
        }
    }

    /// The due dates of the occurrences from the first whole period starting on or after
    /// `start` through the last one due on or before `until`, oldest first.
    pub fn dues(&self, start: Date, until: Date) -> Vec<Date> {
        let (p_start, p_end) = self.period_of(start);
        let mut begin = if p_start == start {
            p_start
        } else {
            p_end.next_day().unwrap_or(p_end)
        };
        let mut out = Vec::new();
        // A bound on the loop whatever the dates (a century of weeks).
        for _ in 0..6000 {
            let (s, e) = self.period_of(begin);
            let due = self.due_of(s, e);
            if due > until {
                break;
            }
            out.push(due);
            match e.next_day() {
                Some(n) => begin = n,
                None => break,
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceState {
    OnTime,
    Late,
    Missing,
    /// Not due yet and not yet reported.
    Upcoming,
}

impl OccurrenceState {
    pub fn as_key(self) -> &'static str {
        match self {
            OccurrenceState::OnTime => "on_time",
            OccurrenceState::Late => "late",
            OccurrenceState::Missing => "missing",
            OccurrenceState::Upcoming => "upcoming",
        }
    }

    pub fn vietnamese(self) -> &'static str {
        match self {
            OccurrenceState::OnTime => "Đã báo cáo đúng hạn",
            OccurrenceState::Late => "Đã báo cáo muộn",
            OccurrenceState::Missing => "Quá hạn chưa báo cáo",
            OccurrenceState::Upcoming => "Chưa đến hạn",
        }
    }
}

/// One period's report of a recurring obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    #[serde(with = "crate::deadline::iso_day")]
    pub due: Date,
    #[serde(with = "crate::deadline::opt_iso_date")]
    pub reported_on: Option<Date>,
    pub state: OccurrenceState,
    /// Days after the due date: of the report when late, of the day asked when missing.
    pub days_late: i64,
}

/// Each occurrence due from `start` until `until`, matched with the reports dated by `as_of`
/// (any order); `until` may lie after `as_of` to show what comes next.
pub fn occurrences(
    rec: &Recurrence,
    start: Date,
    until: Date,
    as_of: Date,
    reports: &[Date],
) -> Vec<Occurrence> {
    let mut dates: Vec<Date> = reports.iter().copied().filter(|d| *d <= as_of).collect();
    dates.sort();
    let mut used = vec![false; dates.len()];
    // One due date past `until`, for the late window of the last occurrence shown.
    let dues = rec.dues(start, until + Duration::days(400));
    // The first occurrence is answered by reports sent after the previous period's due date
    // (and not before the obligation began).
    let before_first = dues.first().map(|&d| {
        let (s, _) = rec.period_of(d);
        let previous = s.previous_day().unwrap_or(s);
        let (ps, pe) = rec.period_of(previous);
        rec.due_of(ps, pe)
            .max(start.previous_day().unwrap_or(start))
    });
    let mut out = Vec::new();
    for (k, &due) in dues.iter().enumerate() {
        if due > until {
            break;
        }
        let opens_after = match k.checked_sub(1) {
            Some(p) => Some(dues[p]),
            None => before_first,
        };
        let late_until = match dues.get(k + 1) {
            Some(&next) => due + Duration::days((next - due).whole_days() / 2),
            None => due,
        };
        let pick = (0..dates.len()).find(|&i| {
            !used[i] && opens_after.is_none_or(|p| dates[i] > p) && dates[i] <= late_until
        });
        let o = match pick {
            Some(i) => {
                used[i] = true;
                let on = dates[i];
                let late = (on - due).whole_days();
                Occurrence {
                    due,
                    reported_on: Some(on),
                    state: if late > 0 {
                        OccurrenceState::Late
                    } else {
                        OccurrenceState::OnTime
                    },
                    days_late: late.max(0),
                }
            }
            None if due < as_of => Occurrence {
                due,
                reported_on: None,
                state: OccurrenceState::Missing,
                days_late: (as_of - due).whole_days(),
            },
            None => Occurrence {
                due,
                reported_on: None,
                state: OccurrenceState::Upcoming,
                days_late: 0,
            },
        };
        out.push(o);
    }
    out
}

/// Occurrences counted: those due before the day asked, by how they were reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OccurrenceCounts {
    /// Occurrences due before the day asked.
    pub due: u64,
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
}

impl OccurrenceCounts {
    pub fn add(&mut self, o: &Occurrence, as_of: Date) {
        if o.due >= as_of {
            return;
        }
        self.due += 1;
        match o.state {
            OccurrenceState::OnTime => self.on_time += 1,
            OccurrenceState::Late => self.late += 1,
            OccurrenceState::Missing => self.missing += 1,
            OccurrenceState::Upcoming => {}
        }
    }
}

impl std::ops::AddAssign for OccurrenceCounts {
    fn add_assign(&mut self, c: OccurrenceCounts) {
        self.due += c.due;
        self.on_time += c.on_time;
        self.late += c.late;
        self.missing += c.missing;
    }
}

/// Does the text name a reporting period ("hằng tháng", "6 tháng một lần"…)?
pub fn states_period(raw: &str) -> bool {
    period_of(&words_of(&fold(raw))).is_some()
}

/// The words of a folded text.
fn words_of(f: &str) -> Vec<&str> {
    f.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn period_of(words: &[&str]) -> Option<Period> {
    let has = |seq: &[&str]| words.windows(seq.len()).any(|w| w == seq);
    let every = |unit: &str| {
        ["hang", "moi", "tung"]
            .iter()
            .any(|q| has(&[q, unit]) || has(&["dinh", "ky", q, unit]))
            || has(&["dinh", "ky", unit])
            || has(&[unit, "mot", "lan"])
            || has(&["1", "lan", unit])
            || has(&["mot", "lan", unit])
    };
    // Half years first: "6 tháng một lần" also holds "tháng một lần".
    if has(&["6", "thang", "mot", "lan"])
        || has(&["6", "thang", "1", "lan"])
        || has(&["sau", "thang", "mot", "lan"])
        || has(&["dinh", "ky", "6", "thang"])
        || has(&["hang", "6", "thang"])
        || has(&["moi", "6", "thang"])
        || has(&["nua", "nam", "mot", "lan"])
        || has(&["hang", "nua", "nam"])
        || has(&["6", "thang", "lan"])
    {
        return Some(Period::HalfYearly);
    }
    for (unit, p) in [
        ("tuan", Period::Weekly),
        ("thang", Period::Monthly),
        ("quy", Period::Quarterly),
        ("nam", Period::Yearly),
    ] {
        if every(unit) {
            return Some(p);
        }
    }
    None
}

/// "ngày 20", "ngày 15/12", "ngày 15 tháng 12": the day and perhaps the month.
fn day_of(words: &[&str]) -> Option<(u8, Option<u8>)> {
    let at = words.iter().position(|w| *w == "ngay")?;
    let day: u8 = words.get(at + 1)?.parse().ok()?;
    let month = match words.get(at + 2) {
        Some(w) if w.parse::<u8>().is_ok() => w.parse().ok(),
        Some(&"thang") => words.get(at + 3).and_then(|w| w.parse().ok()),
        _ => None,
    };
    Some((day, month))
}

fn weekday_of(words: &[&str]) -> Option<u8> {
    let names = [
        ("hai", 1),
        ("ba", 2),
        ("tu", 3),
        ("nam", 4),
        ("sau", 5),
        ("bay", 6),
    ];
    for (i, w) in words.iter().enumerate() {
        if *w == "chu" && words.get(i + 1) == Some(&"nhat") {
            return Some(7);
        }
        if *w == "thu" {
            let next = words.get(i + 1)?;
            if let Some((_, n)) = names.iter().find(|(name, _)| name == next) {
                return Some(*n);
            }
            if let Ok(n) = next.parse::<u8>()
                && (2..=7).contains(&n)
            {
                return Some(n - 1);
            }
        }
    }
    None
}

fn weekday_name(d: u8) -> &'static str {
    match d {
        1 => "thứ Hai",
        2 => "thứ Ba",
        3 => "thứ Tư",
        4 => "thứ Năm",
        5 => "thứ Sáu",
        6 => "thứ Bảy",
        _ => "Chủ nhật",
    }
}

fn ymd(y: i32, m: u8, d: u8) -> Date {
    let month = Month::try_from(m.clamp(1, 12)).unwrap_or(Month::January);
    Date::from_calendar_date(y, month, d.clamp(1, month.length(y))).unwrap_or(Date::MIN)
}

fn last_day(y: i32, m: u8) -> Date {
    let month = Month::try_from(m.clamp(1, 12)).unwrap_or(Month::January);
    ymd(y, m, month.length(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn r(s: &str) -> Recurrence {
        Recurrence::read(s)
    }

    #[test]
    fn thuong_xuyen_follows_the_committee_cycle() {
        for s in [
            "Thường xuyên",
            "Nhiệm vụ thường xuyên",
            "Định kỳ",
            "thường xuyên, liên tục",
        ] {
            assert_eq!(r(s), Recurrence::DEFAULT, "{s}");
        }
        assert!(!r("Thường xuyên").stated);
    }

    #[test]
    fn periods_are_read_from_the_text() {
        let cases = [
            ("Hằng tháng", Period::Monthly),
            ("hàng tháng", Period::Monthly),
            ("Định kỳ hằng tháng", Period::Monthly),
            ("báo cáo định kỳ tháng", Period::Monthly),
            ("mỗi tháng một lần", Period::Monthly),
            ("Trước ngày 20 hằng tháng", Period::Monthly),
            ("Hằng quý", Period::Quarterly),
            ("định kỳ hàng quý", Period::Quarterly),
            ("6 tháng một lần", Period::HalfYearly),
            ("Định kỳ 6 tháng", Period::HalfYearly),
            ("hằng 6 tháng", Period::HalfYearly),
            ("6 tháng/lần", Period::HalfYearly),
            ("Hằng năm", Period::Yearly),
            ("định kỳ hàng năm", Period::Yearly),
            ("Hằng tuần", Period::Weekly),
            ("Thứ Sáu hằng tuần", Period::Weekly),
        ];
        for (s, p) in cases {
            let got = r(s);
            assert_eq!(got.period, p, "{s}");
            assert!(got.stated, "{s}");
        }
    }

    #[test]
    fn due_days() {
        assert_eq!(r("Trước ngày 20 hằng tháng").day, Some(20));
        assert_eq!(r("hằng tháng").day, None);
        let y = r("Trước ngày 15/12 hằng năm");
        assert_eq!((y.day, y.month), (Some(15), Some(12)));
        let y = r("trước ngày 15 tháng 12 hằng năm");
        assert_eq!((y.day, y.month), (Some(15), Some(12)));
        // A named month means nothing for a monthly duty; an absurd day is not kept.
        assert_eq!(r("ngày 20/5 hằng tháng").month, None);
        assert_eq!(r("ngày 45 hằng tháng").day, None);
        assert_eq!(r("Thứ Sáu hằng tuần").day, Some(5));
        assert_eq!(r("thứ 6 hàng tuần").day, Some(5));
    }

    #[test]
    fn first_occurrence_is_the_first_whole_period() {
        let m = r("hằng tháng");
        assert_eq!(
            m.dues(date!(2026 - 11 - 28), date!(2027 - 02 - 28)),
            vec![
                date!(2026 - 12 - 31),
                date!(2027 - 01 - 31),
                date!(2027 - 02 - 28)
            ]
        );
        assert_eq!(
            m.dues(date!(2026 - 12 - 01), date!(2026 - 12 - 31)),
            vec![date!(2026 - 12 - 31)]
        );
    }

    #[test]
    fn due_dates_of_each_period() {
        let d20 = r("Trước ngày 20 hằng tháng");
        assert_eq!(
            d20.dues(date!(2026 - 01 - 01), date!(2026 - 03 - 31)),
            vec![
                date!(2026 - 01 - 20),
                date!(2026 - 02 - 20),
                date!(2026 - 03 - 20)
            ]
        );
        // Day 31 in a short month: its last day.
        let d31 = r("ngày 31 hằng tháng");
        assert_eq!(
            d31.dues(date!(2026 - 02 - 01), date!(2026 - 02 - 28)),
            vec![date!(2026 - 02 - 28)]
        );
        let q = r("hằng quý");
        assert_eq!(
            q.dues(date!(2026 - 02 - 10), date!(2026 - 12 - 31)),
            vec![
                date!(2026 - 06 - 30),
                date!(2026 - 09 - 30),
                date!(2026 - 12 - 31)
            ]
        );
        let q15 = r("trước ngày 15 tháng cuối quý, hằng quý");
        assert_eq!(
            q15.dues(date!(2026 - 01 - 01), date!(2026 - 06 - 30)),
            vec![date!(2026 - 03 - 15), date!(2026 - 06 - 15)]
        );
        let h = r("6 tháng một lần");
        assert_eq!(
            h.dues(date!(2026 - 01 - 01), date!(2027 - 06 - 30)),
            vec![
                date!(2026 - 06 - 30),
                date!(2026 - 12 - 31),
                date!(2027 - 06 - 30)
            ]
        );
        let y = r("trước ngày 15/12 hằng năm");
        assert_eq!(
            y.dues(date!(2025 - 07 - 01), date!(2027 - 12 - 31)),
            vec![date!(2026 - 12 - 15), date!(2027 - 12 - 15)]
        );
        let w = r("thứ Sáu hằng tuần");
        // 2026-12-02 is a Wednesday: the first whole week starts Monday 7/12.
        assert_eq!(
            w.dues(date!(2026 - 12 - 02), date!(2026 - 12 - 18)),
            vec![date!(2026 - 12 - 11), date!(2026 - 12 - 18)]
        );
    }

    #[test]
    fn reports_answer_occurrences_in_order() {
        let m = r("Trước ngày 20 hằng tháng");
        let start = date!(2026 - 01 - 01);
        let reports = [
            date!(2026 - 01 - 15), // January, on time
            date!(2026 - 01 - 18), // a second one in January: answers nothing more
            date!(2026 - 02 - 25), // February, late by 5 days
            // March: none
            date!(2026 - 04 - 10), // April, on time
        ];
        let got = occurrences(
            &m,
            start,
            date!(2026 - 05 - 31),
            date!(2026 - 05 - 02),
            &reports,
        );
        let states: Vec<(Date, OccurrenceState, i64)> =
            got.iter().map(|o| (o.due, o.state, o.days_late)).collect();
        assert_eq!(
            states,
            vec![
                (date!(2026 - 01 - 20), OccurrenceState::OnTime, 0),
                (date!(2026 - 02 - 20), OccurrenceState::Late, 5),
                (date!(2026 - 03 - 20), OccurrenceState::Missing, 43),
                (date!(2026 - 04 - 20), OccurrenceState::OnTime, 0),
                (date!(2026 - 05 - 20), OccurrenceState::Upcoming, 0),
            ]
        );
        let mut c = OccurrenceCounts::default();
        for o in &got {
            c.add(o, date!(2026 - 05 - 02));
        }
        assert_eq!(
            c,
            OccurrenceCounts {
                due: 4,
                on_time: 2,
                late: 1,
                missing: 1
            }
        );
    }

    #[test]
    fn a_report_soon_after_an_answered_due_date_is_the_next_periods() {
        let m = r("Trước ngày 20 hằng tháng");
        let reports = [date!(2026 - 01 - 15), date!(2026 - 01 - 25)];
        let got = occurrences(
            &m,
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 28),
            date!(2026 - 03 - 01),
            &reports,
        );
        let states: Vec<OccurrenceState> = got.iter().map(|o| o.state).collect();
        assert_eq!(
            states,
            vec![OccurrenceState::OnTime, OccurrenceState::OnTime]
        );
        assert_eq!(got[1].reported_on, Some(date!(2026 - 01 - 25)));
    }

    #[test]
    fn a_report_before_the_first_period_answers_nothing() {
        // Recorded on 5 January: the first occurrence is February's (due 20/2); a report of
        // 15 January belongs to the period before it.
        let m = r("Trước ngày 20 hằng tháng");
        let got = occurrences(
            &m,
            date!(2026 - 01 - 05),
            date!(2026 - 02 - 28),
            date!(2026 - 02 - 21),
            &[date!(2026 - 01 - 15)],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].due, got[0].state),
            (date!(2026 - 02 - 20), OccurrenceState::Missing)
        );
        let got = occurrences(
            &m,
            date!(2026 - 01 - 05),
            date!(2026 - 02 - 28),
            date!(2026 - 02 - 21),
            &[date!(2026 - 01 - 21)],
        );
        assert_eq!(got[0].state, OccurrenceState::OnTime);
    }

    #[test]
    fn the_day_asked_decides() {
        let m = r("hằng tháng");
        let start = date!(2026 - 01 - 01);
        let reports = [date!(2026 - 02 - 03)];
        // On 31/1 the January report is due that day: not missing yet.
        let on_due = occurrences(
            &m,
            start,
            date!(2026 - 01 - 31),
            date!(2026 - 01 - 31),
            &reports,
        );
        assert_eq!(on_due[0].state, OccurrenceState::Upcoming);
        // On 1/2 it is missing; on 3/2 it was reported late; a report after the day asked is unseen.
        let next = occurrences(
            &m,
            start,
            date!(2026 - 01 - 31),
            date!(2026 - 02 - 01),
            &reports,
        );
        assert_eq!(
            (next[0].state, next[0].days_late),
            (OccurrenceState::Missing, 1)
        );
        let later = occurrences(
            &m,
            start,
            date!(2026 - 01 - 31),
            date!(2026 - 02 - 03),
            &reports,
        );
        assert_eq!(
            (later[0].state, later[0].days_late),
            (OccurrenceState::Late, 3)
        );
    }

    #[test]
    fn described_in_vietnamese() {
        assert_eq!(
            r("Trước ngày 20 hằng tháng").vietnamese(),
            "hằng tháng, hạn ngày 20"
        );
        assert!(Recurrence::DEFAULT.vietnamese().contains("mặc định"));
        assert_eq!(
            r("6 tháng một lần").vietnamese(),
            "6 tháng một lần, hạn ngày 30/6 và 31/12"
        );
    }
}
