//! Recurring obligations on SQLite and PostgreSQL: "Trước ngày 20 hằng tháng", "Thường xuyên",
//! "Hằng quý", "6 tháng một lần" stored from a plan, their periodic reports matched with the
//! agencies' reports at several dates, counted apart from the four-way counts, in the digests
//! and in the monthly score.

mod common;

use common::{assignment, backends, import_text};
use tiendo_domain::access::UserRole;
use tiendo_domain::model::ReportedStatus;
use tiendo_domain::recurrence::{OccurrenceCounts, OccurrenceState, Period};
use tiendo_domain::reminders::{ItemKind, ReminderRules};
use tiendo_domain::scoring::Month;
use tiendo_service::accounts::create_account;
use tiendo_store::Db;
use time::Date;
use time::macros::date;

const PLAN: &str = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
    1;Báo cáo tình hình triển khai Đề án 06;Bộ Công an;;Trước ngày 20 hằng tháng\n\
    2;Rà soát, cập nhật dữ liệu hộ tịch;Bộ Tư pháp;;Thường xuyên\n\
    3;Báo cáo kết quả chuyển đổi số ngành tài chính;Bộ Tài chính;;Hằng quý\n\
    4;Đánh giá an ninh mạng các hệ thống;Bộ Công an;;6 tháng một lần\n\
    5;Ban hành quy chế khai thác dữ liệu;Bộ Tài chính;;31/12/2026\n";

struct Plan {
    monthly: i64,
    standing_duty: i64,
    quarterly: i64,
    half_yearly: i64,
}

/// The plan, recorded on 28 December 2025 (so January 2026 is the first whole month), and Bộ
/// Công an's reports on the monthly duty: January
/// on time, February 5 days late, none in March, April on time.
async fn set_up(db: &Db) -> Plan {
    import_text(db, "plan.csv", PLAN, "plan", date!(2025 - 12 - 28)).await;
    // The tasks entered the system on 28 December 2025 (the import ran "today").
    tiendo_store::sqlx::query("UPDATE tasks SET created_at = '2025-12-28T08:00:00Z'")
        .execute(db.pool())
        .await
        .expect("backdate");
    let p = Plan {
        monthly: common::task(db, "plan", "1").await,
        standing_duty: common::task(db, "plan", "2").await,
        quarterly: common::task(db, "plan", "3").await,
        half_yearly: common::task(db, "plan", "4").await,
    };
    let a = assignment(db, p.monthly, "BCA").await;
    for on in [
        date!(2026 - 01 - 15),
        date!(2026 - 02 - 25),
        date!(2026 - 04 - 10),
    ] {
        db.add_report(
            a,
            on,
            Some(ReportedStatus::InProgress),
            None,
            Some("Báo cáo tháng"),
            "bca",
        )
        .await
        .expect("report");
    }
    p
}

fn states(v: &[tiendo_domain::recurrence::Occurrence]) -> Vec<(Date, OccurrenceState, i64)> {
    v.iter().map(|o| (o.due, o.state, o.days_late)).collect()
}

#[tokio::test]
async fn periodic_reports_at_several_dates() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label;
        let p = set_up(db).await;
        let book = db.load_status_book().await.expect("book");
        let monthly = assignment(db, p.monthly, "BCA").await;
        let duty = assignment(db, p.standing_duty, "BTP").await;
        let quarterly = assignment(db, p.quarterly, "BTC").await;
        let half = assignment(db, p.half_yearly, "BCA").await;

        // On 2 May: January on time, February late, March missing, April on time.
        let (rec, occ) = book
            .occurrences(monthly, date!(2026 - 05 - 02), date!(2026 - 05 - 02))
            .expect("recurring");
        assert_eq!(
            (rec.period, rec.day),
            (Period::Monthly, Some(20)),
            "{label}"
        );
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 01 - 20), OccurrenceState::OnTime, 0),
                (date!(2026 - 02 - 20), OccurrenceState::Late, 5),
                (date!(2026 - 03 - 20), OccurrenceState::Missing, 43),
                (date!(2026 - 04 - 20), OccurrenceState::OnTime, 0),
            ],
            "{label}"
        );
        // On 19 February, before the late report: February is not yet due.
        let (_, occ) = book
            .occurrences(monthly, date!(2026 - 02 - 19), date!(2026 - 02 - 19))
            .expect("recurring");
        assert_eq!(
            states(&occ),
            vec![(date!(2026 - 01 - 20), OccurrenceState::OnTime, 0)],
            "{label}"
        );
        // On 24 February it is missing; on 25 February it was reported late.
        let (_, occ) = book
            .occurrences(monthly, date!(2026 - 02 - 24), date!(2026 - 02 - 24))
            .expect("recurring");
        assert_eq!(occ[1].state, OccurrenceState::Missing, "{label}");
        let (_, occ) = book
            .occurrences(monthly, date!(2026 - 02 - 25), date!(2026 - 02 - 25))
            .expect("recurring");
        assert_eq!(occ[1].state, OccurrenceState::Late, "{label}");

        // "Thường xuyên": the committee's monthly cycle, by the last day; nothing reported.
        let (rec, occ) = book
            .occurrences(duty, date!(2026 - 05 - 02), date!(2026 - 05 - 02))
            .expect("recurring");
        assert!(!rec.stated, "{label}");
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 01 - 31), OccurrenceState::Missing, 91),
                (date!(2026 - 02 - 28), OccurrenceState::Missing, 63),
                (date!(2026 - 03 - 31), OccurrenceState::Missing, 32),
                (date!(2026 - 04 - 30), OccurrenceState::Missing, 2),
            ],
            "{label}"
        );
        // Quarterly: due at each quarter's end; the second is not late on its due day.
        let (_, occ) = book
            .occurrences(quarterly, date!(2026 - 06 - 30), date!(2026 - 06 - 30))
            .expect("recurring");
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 03 - 31), OccurrenceState::Missing, 91),
                (date!(2026 - 06 - 30), OccurrenceState::Upcoming, 0)
            ],
            "{label}"
        );
        let (_, occ) = book
            .occurrences(quarterly, date!(2026 - 07 - 10), date!(2026 - 07 - 10))
            .expect("recurring");
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 03 - 31), OccurrenceState::Missing, 101),
                (date!(2026 - 06 - 30), OccurrenceState::Missing, 10)
            ],
            "{label}"
        );
        // Half-yearly: 30 June and 31 December (the half year of 28 December 2025 was not whole).
        let (rec, occ) = book
            .occurrences(half, date!(2026 - 07 - 10), date!(2026 - 12 - 31))
            .expect("recurring");
        assert_eq!(rec.period, Period::HalfYearly, "{label}");
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 06 - 30), OccurrenceState::Missing, 10),
                (date!(2026 - 12 - 31), OccurrenceState::Upcoming, 0)
            ],
            "{label}"
        );
        // A dated task owes no periodic reports.
        let dated = common::task(db, "plan", "5").await;
        let a5 = assignment(db, dated, "BTC").await;
        assert!(
            book.occurrences(a5, date!(2026 - 05 - 02), date!(2026 - 05 - 02))
                .is_none()
        );

        // Counted apart: the recurring assignments stay "open in time" in the four-way counts.
        let day = date!(2026 - 05 - 02);
        let totals = book.totals(day);
        assert_eq!((totals.recurring, totals.open_overdue), (4, 0), "{label}");
        assert_eq!(
            book.periodic_totals(day),
            OccurrenceCounts {
                due: 9,
                on_time: 2,
                late: 1,
                missing: 6
            },
            "{label}"
        );
        let bca = db.agency_id("BCA").await.expect("q").expect("BCA");
        assert_eq!(
            book.periodic_counts(day).get(&bca).copied(),
            Some(OccurrenceCounts {
                due: 4,
                on_time: 2,
                late: 1,
                missing: 1
            }),
            "{label}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn digests_name_missing_and_coming_periodic_reports() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label;
        let p = set_up(db).await;
        for (user, agency) in [("bca", "BCA"), ("btp", "BTP"), ("btc", "BTC")] {
            create_account(db, user, user, UserRole::Focal, Some(agency), None, "test")
                .await
                .expect("account");
        }
        let snap = tiendo_service::load_snapshot(db).await.expect("snapshot");
        // 14 May: Bộ Công an's March report is missing (and May's is due on the 20th, within 7
        // days: the missing one is what it hears of); Bộ Tư pháp owes four, Bộ Tài chính the
        // first quarter's.
        let day = date!(2026 - 05 - 14);
        let v = tiendo_service::reminders::compute(db, &snap, day, &ReminderRules::default())
            .await
            .expect("digests");
        let of = |u: &str| v.iter().find(|d| d.user == u);
        let bca = of("bca").expect("bca's digest");
        let kinds: Vec<(ItemKind, Option<i64>)> =
            bca.items.iter().map(|i| (i.kind, i.task_id)).collect();
        assert_eq!(
            kinds,
            vec![(ItemKind::PeriodicMissing, Some(p.monthly))],
            "{label}"
        );
        let item = &bca.items[0];
        assert_eq!(item.due, Some(date!(2026 - 03 - 20)), "{label}");
        assert_eq!(item.days_late, Some(55), "{label}");
        let btp = of("btp").expect("btp's digest");
        assert_eq!(btp.items.len(), 1, "{label}");
        assert_eq!(btp.items[0].kind, ItemKind::PeriodicMissing);
        assert_eq!(btp.items[0].task_id, Some(p.standing_duty));
        let detail = btp.items[0].detail.clone().unwrap_or_default();
        assert!(
            detail.starts_with("4 kỳ báo cáo chưa gửi, kỳ sớm nhất hạn ngày 31/01/2026"),
            "{label}: {detail}"
        );
        let btc = of("btc").expect("btc's digest");
        let kinds: Vec<(ItemKind, Option<i64>)> =
            btc.items.iter().map(|i| (i.kind, i.task_id)).collect();
        assert_eq!(
            kinds,
            vec![(ItemKind::PeriodicMissing, Some(p.quarterly))],
            "{label}"
        );
        assert_eq!(btc.items[0].due, Some(date!(2026 - 03 - 31)), "{label}");

        // Bộ Công an sends a report on 15 May, long after March's due date (more than half a
        // month): it is May's report, on time, and March stays missing.
        let a = assignment(db, p.monthly, "BCA").await;
        db.add_report(
            a,
            date!(2026 - 05 - 15),
            Some(ReportedStatus::InProgress),
            None,
            None,
            "bca",
        )
        .await
        .expect("report");
        let snap = tiendo_service::load_snapshot(db).await.expect("snapshot");
        let (_, occ) = snap
            .book
            .occurrences(a, date!(2026 - 05 - 21), date!(2026 - 05 - 21))
            .expect("recurring");
        assert_eq!(occ[2].state, OccurrenceState::Missing, "{label}");
        assert_eq!(
            (occ[4].due, occ[4].state),
            (date!(2026 - 05 - 20), OccurrenceState::OnTime),
            "{label}"
        );
        // With nothing missing, the coming report is told: the half-yearly duty on 25 June.
        let v = tiendo_service::reminders::compute(
            db,
            &snap,
            date!(2026 - 06 - 25),
            &ReminderRules::default(),
        )
        .await
        .expect("digests");
        let bca = v.iter().find(|d| d.user == "bca").expect("bca");
        let kinds: Vec<(ItemKind, Option<i64>)> =
            bca.items.iter().map(|i| (i.kind, i.task_id)).collect();
        assert_eq!(
            kinds,
            vec![
                (ItemKind::PeriodicMissing, Some(p.monthly)),
                (ItemKind::PeriodicDue, Some(p.half_yearly))
            ],
            "{label}"
        );
        assert_eq!(bca.items[1].due, Some(date!(2026 - 06 - 30)), "{label}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_monthly_score_counts_periodic_reports_apart() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label;
        set_up(db).await;
        let book = db.load_status_book().await.expect("book");
        let score = |m: &'static str| {
            let book = &book;
            async move {
                tiendo_reports::score(db, book, Month::parse(m).expect("month"), None)
                    .await
                    .expect("score")
            }
        };
        let row = |r: &tiendo_reports::ScoreReport, code: &str| {
            r.rows
                .iter()
                .find(|x| x.code == code)
                .map(|x| x.components)
                .unwrap_or_default()
        };
        let feb = score("2026-02").await;
        let c = row(&feb, "BCA");
        assert_eq!(
            (c.periodic_due, c.periodic_on_time),
            (1, 0),
            "{label}: February's report came late"
        );
        let apr = score("2026-04").await;
        let c = row(&apr, "BCA");
        assert_eq!((c.periodic_due, c.periodic_on_time), (1, 1), "{label}");
        let c = row(&apr, "BTP");
        assert_eq!((c.periodic_due, c.periodic_on_time), (1, 0), "{label}");
        // The quarterly duty owes nothing before June.
        let c = row(&apr, "BTC");
        assert_eq!(c.periodic_due, 0, "{label}");
        let btp = apr.rows.iter().find(|x| x.code == "BTP").expect("BTP");
        assert_eq!(btp.points.periodic, Some(0.0), "{label}");
        t.cleanup().await;
    }
}

/// "Trước ngày 31/01/2026 và hàng tháng": the date is the deadline (late after it, done when
/// reported done) and the duty beside it owes a report each month — both followed, on both
/// backends.
#[tokio::test]
async fn a_date_and_a_monthly_duty_in_one_cell_are_both_followed() {
    const TWO: &str = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n\
        1;Xây dựng và báo cáo tiến độ cơ sở dữ liệu đất đai;Bộ Nông nghiệp và Môi trường;Trước ngày 31/01/2026 và hàng tháng\n";
    for t in backends().await {
        let db = &t.db;
        import_text(db, "two.csv", TWO, "two", date!(2025 - 12 - 28)).await;
        tiendo_store::sqlx::query("UPDATE tasks SET created_at = '2025-12-28T08:00:00Z'")
            .execute(db.pool())
            .await
            .expect("backdate");
        let task = common::task(db, "two", "1").await;
        let a = assignment(db, task, "BNNMT").await;
        db.add_report(
            a,
            date!(2026 - 01 - 20),
            Some(ReportedStatus::InProgress),
            None,
            Some("Báo cáo tháng 1"),
            "dm",
        )
        .await
        .expect("report");
        let book = db.load_status_book().await.expect("book");
        let ev = book
            .evaluate_assignment(a, date!(2026 - 03 - 05))
            .expect("assignment");
        assert_eq!(
            (ev.due, ev.days_late),
            (Some(date!(2026 - 01 - 31)), 33),
            "{}: the date is the deadline",
            t.label
        );
        let (rec, occ) = book
            .occurrences(a, date!(2026 - 03 - 05), date!(2026 - 03 - 05))
            .expect("the monthly duty is followed too");
        assert_eq!(rec.period, Period::Monthly, "{}", t.label);
        assert_eq!(
            states(&occ),
            vec![
                (date!(2026 - 01 - 31), OccurrenceState::OnTime, 0),
                (date!(2026 - 02 - 28), OccurrenceState::Missing, 5),
            ],
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A recurring duty given a date by an approved change owes no more periodic reports from the
/// change on: the date is then its deadline.
#[tokio::test]
async fn a_recurring_duty_given_a_date_by_a_change_stops_owing_reports() {
    for t in backends().await {
        let db = &t.db;
        let p = set_up(db).await;
        let duty = assignment(db, p.standing_duty, "BTP").await;
        let before = db.load_status_book().await.expect("book");
        assert!(
            before
                .occurrences(duty, date!(2026 - 05 - 02), date!(2026 - 05 - 02))
                .is_some(),
            "{}: owed before the change",
            t.label
        );
        db.change_deadline(tiendo_store::tasks::DeadlineChangeInput {
            task_id: p.standing_duty,
            assignment_id: None,
            new_deadline: "30/9/2026",
            effective_on: date!(2026 - 04 - 01),
            reason: "Chuyển thành nhiệm vụ có thời hạn",
            approved_by: "Phó Thủ tướng",
            actor: "test",
        })
        .await
        .expect("change");
        let book = db.load_status_book().await.expect("book");
        assert!(
            book.occurrences(duty, date!(2026 - 05 - 02), date!(2026 - 05 - 02))
                .is_none(),
            "{}: a dated deadline owes no periodic report",
            t.label
        );
        let ev = book
            .evaluate_assignment(duty, date!(2026 - 05 - 02))
            .expect("assignment");
        assert_eq!(ev.due, Some(date!(2026 - 09 - 30)), "{}", t.label);
        t.cleanup().await;
    }
}
