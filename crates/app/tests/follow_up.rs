//! Following up after import, on SQLite and PostgreSQL: reassignment and returned completions keep
//! the past (checked against the plain SQL), the saved status book follows every change, task
//! edits, the monthly score by hand and unchanged by later edits, the formula's versions, meetings.

mod common;

use std::collections::BTreeMap;

use common::{assignment, backends, import_text, task};
use tiendo_domain::model::{ReportedStatus, Role};
use tiendo_domain::scoring::Month;
use tiendo_reports as reports;
use tiendo_store::Db;
use tiendo_store::edit::TaskEdit;
use tiendo_store::sqlx;
use time::Date;
use time::macros::date;

async fn late(db: &Db, d: Date) -> Vec<(i64, String)> {
    let book = db.load_status_book().await.expect("book");
    let names = db.agency_names().await.expect("names");
    let mut v: Vec<(i64, String)> = book
        .overdue(d)
        .into_iter()
        .flat_map(|o| {
            let names = &names;
            o.late_agencies
                .into_iter()
                .map(move |a| (o.task, names[&a].code.clone()))
        })
        .collect();
    v.sort();
    v
}

/// The engine and the plain SQL agree on the overdue list and the per-agency counts.
async fn engine_agrees_with_sql(db: &Db, label: &str, dates: &[Date]) {
    let book = db.load_status_book_from_tables().await.expect("book");
    for &d in dates {
        let mut engine: Vec<(i64, i64)> = book
            .overdue(d)
            .into_iter()
            .flat_map(|o| o.late_agencies.into_iter().map(move |a| (o.task, a)))
            .collect();
        engine.sort();
        assert_eq!(
            engine,
            db.overdue_plain_sql(d).await.expect("sql"),
            "{label}: overdue on {d}"
        );
        let counts: BTreeMap<i64, _> = book.agency_counts(d).into_iter().collect();
        assert_eq!(
            counts,
            db.agency_counts_plain_sql(d).await.expect("sql"),
            "{label}: counts on {d}"
        );
    }
}

const PLAN: &str = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;Bộ Công an;31/3/2026\n\
2;Xây dựng cơ sở dữ liệu hộ tịch;Bộ Tư pháp;;30/6/2026\n";

#[tokio::test]
async fn a_reassignment_keeps_who_was_late_when() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let t2 = task(&t.db, "p", "2").await;
        let btc = assignment(&t.db, t1, "BTC").await;
        // On 10/4 the task moves from Bộ Tài chính to Bộ Công an (already coordinating: a new
        // lead assignment of its own).
        t.db.assign(
            t1,
            "BCA",
            Role::Lead,
            Some(btc),
            date!(2026 - 04 - 10),
            "Chuyển giao theo Quyết định",
            "tt",
        )
        .await
        .expect("reassign");
        assert_eq!(
            late(&t.db, date!(2026 - 04 - 05)).await,
            vec![(t1, "BTC".to_string())],
            "{}: before the reassignment the old lead was late",
            t.label
        );
        assert_eq!(
            late(&t.db, date!(2026 - 04 - 15)).await,
            vec![(t1, "BCA".to_string())],
            "{}",
            t.label
        );
        // Assigning it again to an agency that already has it is refused; nothing stored.
        let before = t.db.counts().await.expect("counts");
        assert!(
            t.db.assign(
                t1,
                "BCA",
                Role::Lead,
                None,
                date!(2026 - 04 - 20),
                "x",
                "tt"
            )
            .await
            .is_err()
        );
        assert!(
            t.db.assign(
                t1,
                "KHONG_CO",
                Role::Lead,
                None,
                date!(2026 - 04 - 20),
                "x",
                "tt"
            )
            .await
            .is_err()
        );
        assert_eq!(t.db.counts().await.expect("counts"), before);
        // Ending task 2's only lead on 1/5: not late afterwards, late before.
        let btp = assignment(&t.db, t2, "BTP").await;
        t.db.unassign(t2, btp, date!(2026 - 05 - 01), "Không còn chức năng", "tt")
            .await
            .expect("end");
        assert!(
            late(&t.db, date!(2026 - 07 - 01))
                .await
                .iter()
                .all(|x| x.0 != t2)
        );
        let detail = t.db.task_detail(t2).await.expect("q").expect("task");
        assert!(detail.assignments.is_empty() && detail.ended.len() == 1);
        engine_agrees_with_sql(
            &t.db,
            t.label,
            &[
                date!(2026 - 04 - 05),
                date!(2026 - 04 - 10),
                date!(2026 - 04 - 15),
                date!(2026 - 07 - 01),
            ],
        )
        .await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_returned_completion_counts_until_the_day_it_is_returned() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let btc = assignment(&t.db, t1, "BTC").await;
        let report =
            t.db.add_report(
                btc,
                date!(2026 - 03 - 20),
                Some(ReportedStatus::Done),
                None,
                Some("Đã ban hành"),
                "btc",
            )
            .await
            .expect("report");
        assert!(late(&t.db, date!(2026 - 04 - 05)).await.is_empty());
        t.db.review_report(report, false, "Chưa có văn bản ban hành", "tt")
            .await
            .expect("return");
        assert!(
            late(&t.db, date!(2026 - 04 - 05)).await.is_empty(),
            "{}: on 5/4 nobody knew it would be returned",
            t.label
        );
        let today = time::OffsetDateTime::now_utc().date();
        assert!(
            late(&t.db, today).await.contains(&(t1, "BTC".to_string())),
            "{}: from the return on, it is late again",
            t.label
        );
        engine_agrees_with_sql(&t.db, t.label, &[date!(2026 - 04 - 05), today]).await;
        t.cleanup().await;
    }
}

/// Bộ Tài chính reports task `t1` done on 30/3/2026; its assignment.
async fn btc_done_on_30_march(db: &Db, t1: i64) -> i64 {
    let btc = assignment(db, t1, "BTC").await;
    db.add_report(
        btc,
        date!(2026 - 03 - 30),
        Some(ReportedStatus::Done),
        None,
        Some("Xong"),
        "btc",
    )
    .await
    .expect("report");
    btc
}

/// Task `t1`'s deadline brought forward to 15/3/2026, in force from 1/3.
async fn shorten_to_15_march(db: &Db, t1: i64) {
    let edit = TaskEdit {
        name: "Ban hành quy chế chia sẻ dữ liệu".into(),
        new_deadline: "15/3/2026".into(),
        reason: "Rút ngắn theo chỉ đạo".into(),
        ..Default::default()
    };
    db.edit_task(t1, &edit, date!(2026 - 03 - 01), "tt")
        .await
        .expect("edit");
}

#[tokio::test]
async fn the_saved_status_book_follows_every_change() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let d = date!(2026 - 04 - 05);
        assert_eq!(late(&t.db, d).await.len(), 1);
        let before = t.db.data_fingerprint().await.expect("fp");
        // A report, a new deadline, a reassignment: each gives a new fingerprint and a book that
        // equals the one read from the tables.
        let btc = btc_done_on_30_march(&t.db, t1).await;
        let after_report = t.db.data_fingerprint().await.expect("fp");
        assert_ne!(before, after_report);
        assert!(late(&t.db, d).await.is_empty(), "{}", t.label);
        shorten_to_15_march(&t.db, t1).await;
        assert_ne!(after_report, t.db.data_fingerprint().await.expect("fp"));
        // Done on 30/3 against a deadline of 15/3 (in force from 1/3): done late.
        let book = t.db.load_status_book().await.expect("book");
        let fresh = t.db.load_status_book_from_tables().await.expect("fresh");
        for day in [date!(2026 - 03 - 10), d, date!(2026 - 12 - 31)] {
            assert_eq!(book.overdue(day), fresh.overdue(day), "{} {day}", t.label);
            assert_eq!(book.agency_counts(day), fresh.agency_counts(day));
        }
        assert_eq!(
            book.evaluate_assignment(btc, d).map(|e| e.state),
            Some(tiendo_domain::status::AssignmentState::DoneLate)
        );
        t.cleanup().await;
    }
}

/// A restarted server reads the newest save and only the changes after it (issue #38, part 1):
/// the book it starts with equals the one read from the tables; a save missing a part is not
/// used; one save is kept.
#[tokio::test]
async fn a_restarted_server_reads_its_save_and_the_changes_after_it() {
    use tiendo_service::{BookSource, Service};
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let first = Service::new(t.db.clone()).await.expect("starts");
        assert_eq!(first.started_from, BookSource::Tables, "{}", t.label);
        assert!(first.save_book().await.expect("saves"), "{}", t.label);
        assert!(
            !first.save_book().await.expect("saves"),
            "{}: nothing moved, nothing saved",
            t.label
        );
        // After the save: a report and a new deadline.
        let btc = btc_done_on_30_march(&t.db, t1).await;
        shorten_to_15_march(&t.db, t1).await;
        drop(first);

        let second = Service::new(t.db.clone()).await.expect("starts again");
        assert_eq!(second.started_from, BookSource::Save, "{}", t.label);
        let book = &second.snapshot().await.book;
        let fresh = t.db.load_status_book_from_tables().await.expect("fresh");
        for day in [
            date!(2026 - 03 - 10),
            date!(2026 - 04 - 05),
            date!(2026 - 12 - 31),
        ] {
            assert_eq!(book.overdue(day), fresh.overdue(day), "{} {day}", t.label);
            assert_eq!(
                book.agency_counts(day),
                fresh.agency_counts(day),
                "{} {day}",
                t.label
            );
        }
        assert_eq!(
            book.evaluate_assignment(btc, date!(2026 - 04 - 05))
                .map(|e| e.state),
            Some(tiendo_domain::status::AssignmentState::DoneLate),
            "{}: the report and the new deadline after the save are in",
            t.label
        );
        // The newer save replaces the older: one save, its parts only.
        assert!(second.save_book().await.expect("saves"), "{}", t.label);
        let saves: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM status_book_saves")
            .fetch_one(t.db.pool())
            .await
            .expect("count");
        let stray: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM status_book_parts WHERE save_id NOT IN (SELECT id FROM status_book_saves)",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("count");
        assert_eq!((saves, stray), (1, 0), "{}", t.label);
        // A save missing a part is not used: the tables are read.
        sqlx::query("DELETE FROM status_book_parts WHERE part = 0")
            .execute(t.db.pool())
            .await
            .expect("delete");
        let third = Service::new(t.db.clone()).await.expect("starts again");
        assert_eq!(third.started_from, BookSource::Tables, "{}", t.label);
        assert_eq!(
            third.snapshot().await.book.overdue(date!(2026 - 04 - 05)),
            fresh.overdue(date!(2026 - 04 - 05)),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn editing_a_task_refuses_absurd_values_and_records_before_and_after() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let before = t.db.counts().await.expect("counts");
        for (deadline, reason) in [
            ("31/2/2026", "x"),
            ("1/1/1900", "x"),
            ("không rõ", "x"),
            ("30/9/2026", ""),
        ] {
            let e = TaskEdit {
                name: "Tên mới".into(),
                new_deadline: deadline.into(),
                reason: reason.into(),
                ..Default::default()
            };
            assert!(
                t.db.edit_task(t1, &e, date!(2026 - 04 - 01), "tt")
                    .await
                    .is_err(),
                "{deadline}"
            );
        }
        let e = TaskEdit {
            name: String::new(),
            ..Default::default()
        };
        assert!(
            t.db.edit_task(t1, &e, date!(2026 - 04 - 01), "tt")
                .await
                .is_err()
        );
        assert_eq!(
            t.db.counts().await.expect("counts"),
            before,
            "nothing stored"
        );
        let detail = t.db.task_detail(t1).await.expect("q").expect("task");
        assert_eq!(detail.name, "Ban hành quy chế chia sẻ dữ liệu");

        let e = TaskEdit {
            name: "Ban hành quy chế chia sẻ, khai thác dữ liệu".into(),
            expected_result: "Quyết định của Thủ tướng Chính phủ".into(),
            basis: "Nghị quyết số 71/NQ-CP".into(),
            overseer: "Phó Thủ tướng Nguyễn Chí Dũng".into(),
            secret: true,
            new_deadline: "Quý III/2026".into(),
            reason: "Chờ Luật Dữ liệu sửa đổi".into(),
        };
        t.db.edit_task(t1, &e, date!(2026 - 04 - 01), "tt")
            .await
            .expect("edit");
        let detail = t.db.task_detail(t1).await.expect("q").expect("task");
        assert_eq!(
            detail.overseer.as_deref(),
            Some("Phó Thủ tướng Nguyễn Chí Dũng")
        );
        assert!(detail.secret);
        assert_eq!(
            detail.deadline_raw, "31/3/2026",
            "the document's wording is kept"
        );
        let change = detail.changes.last().expect("a deadline change");
        assert_eq!(
            (change.effective_on, change.deadline.as_str()),
            (date!(2026 - 04 - 01), "Quý III/2026")
        );
        let edited = detail
            .history
            .iter()
            .find(|h| h.action == "task.edited")
            .expect("audited");
        assert!(
            edited
                .before
                .as_deref()
                .is_some_and(|b| b.contains("Ban hành quy chế chia sẻ dữ liệu"))
        );
        assert!(
            edited
                .after
                .as_deref()
                .is_some_and(|a| a.contains("khai thác"))
        );
        assert_eq!(
            t.db.overseers().await.expect("overseers"),
            vec!["Phó Thủ tướng Nguyễn Chí Dũng".to_string()]
        );
        // The new basis links the task to its document.
        assert_eq!(
            t.db.tasks_of_document("71/NQ-CP").await.expect("q"),
            Some(vec![t1])
        );
        t.cleanup().await;
    }
}

const MONTH_PLAN: &str = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n\
1;Số hóa hồ sơ thuế;Bộ Tài chính;15/5/2026\n\
2;Kết nối dữ liệu hóa đơn;Bộ Tài chính;20/5/2026\n\
3;Làm sạch dữ liệu cư trú;Bộ Công an;10/5/2026\n\
4;Mở rộng ứng dụng định danh;Bộ Công an;31/7/2026\n";

#[tokio::test]
async fn a_month_is_scored_by_hand_and_later_edits_do_not_change_it() {
    for t in backends().await {
        let db = &t.db;
        import_text(db, "m.csv", MONTH_PLAN, "m", date!(2026 - 04 - 01)).await;
        let (t1, t2, t3, t4) = (
            task(db, "m", "1").await,
            task(db, "m", "2").await,
            task(db, "m", "3").await,
            task(db, "m", "4").await,
        );
        let a1 = assignment(db, t1, "BTC").await;
        let a2 = assignment(db, t2, "BTC").await;
        let a3 = assignment(db, t3, "BCA").await;
        let a4 = assignment(db, t4, "BCA").await;
        db.add_report(
            a1,
            date!(2026 - 05 - 10),
            Some(ReportedStatus::Done),
            None,
            Some("Xong"),
            "btc",
        )
        .await
        .expect("r1");
        db.add_report(
            a3,
            date!(2026 - 05 - 12),
            Some(ReportedStatus::InProgress),
            None,
            Some("Đang làm"),
            "bca",
        )
        .await
        .expect("r3");
        db.add_report(
            a4,
            date!(2026 - 05 - 28),
            Some(ReportedStatus::InProgress),
            None,
            Some("Đang làm"),
            "bca",
        )
        .await
        .expect("r4 after the report day");
        let names = db.agency_names().await.expect("names");
        let id_of = |code: &str| {
            names
                .iter()
                .find(|(_, a)| a.code == code)
                .map(|(i, _)| *i)
                .expect(code)
        };
        let d = db
            .raise_difficulty(
                t1,
                id_of("BTC"),
                "Thiếu dữ liệu dân cư",
                Some("BCA"),
                date!(2026 - 05 - 02),
                "btc",
            )
            .await
            .expect("raise");
        db.answer_difficulty(
            d,
            "Đã mở kết nối",
            date!(2026 - 05 - 16),
            Some(id_of("BCA")),
            "bca",
        )
        .await
        .expect("answer");

        let month = Month::parse("2026-05").expect("month");
        let book = db.load_status_book().await.expect("book");
        let first = reports::score(db, &book, month, None).await.expect("score");
        let row = |code: &str| {
            first
                .rows
                .iter()
                .find(|r| r.code == code)
                .expect(code)
                .clone()
        };
        let btc = row("BTC");
        let c = btc.components;
        assert_eq!(
            (
                c.due_in_month,
                c.done_on_time,
                c.due_by_end,
                c.overdue_at_end,
                c.days_late
            ),
            (2, 1, 2, 1, 11),
            "{}",
            t.label
        );
        assert_eq!((c.reports_required, c.reports_on_time), (2, 1));
        // 100 × (35×½ + 25×½ + 15×½) / 75 − (11 / 2) / 10
        assert_eq!(
            (
                btc.points.on_time,
                btc.points.not_overdue,
                btc.points.reports,
                btc.points.days_late_deduction
            ),
            (Some(23.33), Some(16.67), Some(10.0), 0.55)
        );
        assert_eq!((btc.score, btc.rank), (Some(49.45), Some(1)));
        assert_eq!(btc.head, "Bộ trưởng Bộ Tài chính");
        let bca = row("BCA");
        let c = bca.components;
        assert_eq!(
            (
                c.due_in_month,
                c.done_on_time,
                c.overdue_at_end,
                c.days_late
            ),
            (1, 0, 1, 21)
        );
        assert_eq!(
            (c.reports_required, c.reports_on_time),
            (2, 1),
            "the 28/5 report is after the 25th"
        );
        assert_eq!((c.difficulties_due, c.difficulties_answered), (1, 1));
        // 100 × (15×½ + 15×1) / 90 − 21/10
        assert_eq!((bca.score, bca.rank), (Some(22.9), Some(2)));
        assert_eq!(first.rows.len(), 2);

        // Later edits, all dated today: a completion returned, a reassignment, a new report, a
        // new deadline, a new difficulty, a commitment, a new formula from next month.
        let r1 = db
            .completions_to_review(t1)
            .await
            .expect("q")
            .first()
            .map(|r| r.id)
            .expect("the completion");
        db.review_report(r1, false, "Thiếu văn bản", "tt")
            .await
            .expect("return");
        let today = time::OffsetDateTime::now_utc().date();
        db.assign(t2, "BTP", Role::Lead, Some(a2), today, "Chuyển giao", "tt")
            .await
            .expect("reassign");
        db.add_report(
            a3,
            today,
            Some(ReportedStatus::Done),
            None,
            Some("Xong"),
            "bca",
        )
        .await
        .expect("report");
        let e = TaskEdit {
            name: "Làm sạch dữ liệu cư trú".into(),
            new_deadline: "31/12/2026".into(),
            reason: "Gia hạn".into(),
            ..Default::default()
        };
        db.edit_task(t3, &e, today, "tt").await.expect("edit");
        db.raise_difficulty(
            t4,
            id_of("BCA"),
            "Thiếu kinh phí",
            Some("BTC"),
            today,
            "bca",
        )
        .await
        .expect("raise");
        db.add_commitment(
            a4,
            today + time::Duration::days(30),
            "Hoàn thành trong tháng sau",
            "bca",
        )
        .await
        .expect("commit");
        let next = Month::of(today);
        let formula =
            tiendo_domain::scoring::DEFAULT_FORMULA_TOML.replace("on_time = 35", "on_time = 50");
        db.publish_formula(&formula, next, today, "tt")
            .await
            .expect("publish");
        assert!(
            db.publish_formula(&formula, month, today, "tt")
                .await
                .is_err(),
            "a formula never applies to a past month"
        );
        let book = db.load_status_book().await.expect("book");
        let again = reports::score(db, &book, month, None).await.expect("score");
        assert_eq!(
            serde_json::to_value(&again).expect("json"),
            serde_json::to_value(&first).expect("json"),
            "{}: May is scored the same after later edits",
            t.label
        );
        let (_, v) = db.formula_for(next).await.expect("formula");
        assert_eq!(v.effective_from, Some(next.to_string()));
        let (_, v) = db.formula_for(month).await.expect("formula");
        assert_eq!(v.effective_from, None, "May keeps the shipped formula");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_meeting_links_its_documents_and_their_tasks() {
    for t in backends().await {
        let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn;Căn cứ giao\n\
1;Trình Chương trình quốc gia;Bộ Khoa học và Công nghệ;30/11/2025;Thông báo số 624/TB-VPCP ngày 20/11/2025\n\
2;Hướng dẫn xếp hạng cơ sở dữ liệu;Bộ Công an;25/11/2025;Thông báo số 624/TB-VPCP\n\
3;Nhiệm vụ khác;Bộ Y tế;31/12/2025;Nghị quyết số 71/NQ-CP\n";
        import_text(&t.db, "kl.csv", csv, "kl", date!(2025 - 11 - 21)).await;
        let id =
            t.db.add_meeting(
                None,
                "Phiên họp lần thứ năm",
                date!(2025 - 11 - 15),
                &["624/TB-VPCP".to_string()],
                "tt",
            )
            .await
            .expect("meeting");
        assert_eq!(t.db.tasks_of_meeting(id).await.expect("tasks").len(), 2);
        t.db.link_meeting_document(id, "kl", "tt")
            .await
            .expect("link");
        assert_eq!(t.db.tasks_of_meeting(id).await.expect("tasks").len(), 3);
        assert!(
            t.db.add_meeting(
                None,
                "Phiên họp",
                date!(2025 - 11 - 15),
                &["không có".to_string()],
                "tt"
            )
            .await
            .is_err()
        );
        assert!(
            t.db.add_meeting(None, "Phiên họp", date!(1900 - 01 - 01), &[], "tt")
                .await
                .is_err()
        );
        // A meeting held before its notice was imported links the tasks named later.
        let later =
            t.db.add_meeting(
                None,
                "Phiên họp lần thứ sáu",
                date!(2026 - 01 - 15),
                &["15/TB-VPCP".to_string()],
                "tt",
            )
            .await
            .expect("meeting");
        assert!(
            t.db.tasks_of_meeting(later)
                .await
                .expect("tasks")
                .is_empty()
        );
        let csv2 = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn;Căn cứ giao\n1;Nhiệm vụ mới;Bộ Y tế;31/3/2026;Thông báo số 15/TB-VPCP\n";
        import_text(&t.db, "kl2.csv", csv2, "kl2", date!(2026 - 01 - 20)).await;
        assert_eq!(t.db.tasks_of_meeting(later).await.expect("tasks").len(), 1);
        assert_eq!(
            t.db.meetings().await.expect("list")[0].id,
            later,
            "latest first"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn difficulties_are_forwarded_with_a_deadline_and_answered_by_the_handler() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let t1 = task(&t.db, "p", "1").await;
        let names = t.db.agency_names().await.expect("names");
        let id_of = |code: &str| {
            names
                .iter()
                .find(|(_, a)| a.code == code)
                .map(|(i, _)| *i)
                .expect(code)
        };
        let d =
            t.db.raise_difficulty(
                t1,
                id_of("BTC"),
                "Thiếu hướng dẫn",
                None,
                date!(2026 - 03 - 01),
                "btc",
            )
            .await
            .expect("raise");
        let all = t.db.difficulties(Some(t1)).await.expect("list");
        assert_eq!(
            all[0].answer_due,
            Some(date!(2026 - 03 - 16)),
            "15 days to answer"
        );
        assert!(all[0].answer_overdue(date!(2026 - 03 - 17)));
        assert!(!all[0].answer_overdue(date!(2026 - 03 - 16)));
        assert!(
            t.db.answer_difficulty(
                d,
                "Trả lời",
                date!(2026 - 03 - 05),
                Some(id_of("BTP")),
                "btp"
            )
            .await
            .is_err(),
            "not forwarded to Bộ Tư pháp yet"
        );
        // An agency no longer in force is not given new work: Bộ Thông tin và Truyền thông
        // merged into Bộ Khoa học và Công nghệ in 2025.
        let refused =
            t.db.forward_difficulty(
                d,
                "BTTTT",
                date!(2026 - 03 - 20),
                date!(2026 - 03 - 05),
                "tt",
            )
            .await
            .expect_err("no longer in force");
        assert!(refused.to_string().contains("hết hiệu lực"), "{refused}");
        assert!(
            t.db.raise_difficulty(
                t1,
                id_of("BTC"),
                "Khác",
                Some("BTTTT"),
                date!(2026 - 03 - 01),
                "btc"
            )
            .await
            .is_err()
        );
        t.db.forward_difficulty(d, "BTP", date!(2026 - 03 - 20), date!(2026 - 03 - 05), "tt")
            .await
            .expect("forward");
        assert!(
            t.db.forward_difficulty(d, "BTP", date!(2026 - 03 - 01), date!(2026 - 03 - 05), "tt")
                .await
                .is_err(),
            "a deadline before the day of forwarding"
        );
        t.db.answer_difficulty(
            d,
            "Đã ban hành hướng dẫn",
            date!(2026 - 03 - 18),
            Some(id_of("BTP")),
            "btp",
        )
        .await
        .expect("answer");
        let all = t.db.difficulties(Some(t1)).await.expect("list");
        assert_eq!(all[0].handler_names(), vec!["Bộ Tư pháp"]);
        assert_eq!(all[0].answered_on, Some(date!(2026 - 03 - 18)));
        assert!(!all[0].answer_overdue(date!(2026 - 04 - 01)));
        // As it stood on 10/3: open, not answered.
        let on = reports::difficulties_as_of(all.clone(), date!(2026 - 03 - 10));
        assert_eq!(
            (on[0].state.as_str(), on[0].answer.is_none()),
            ("open", true)
        );
        let routings = t.db.difficulty_routings().await.expect("routings");
        assert_eq!(
            routings.len(),
            2,
            "the first routing and the forward are both kept"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_report_on_generated_data_adds_up() {
    for t in backends().await {
        let db = &t.db;
        let reg = db.load_registry().await.expect("registry").registry;
        let g = tiendo_generate::generate(&reg, 400, 5, 3.0);
        let key = g.doc_key.clone();
        let (n_difficulties, n_commitments) = (g.difficulties.len(), g.commitments.len());
        assert!(n_difficulties > 0 && n_commitments > 0, "{}", t.label);
        db.bulk_insert(&g, &mut |_, _, _| {}).await.expect("bulk");
        let book = db.load_status_book().await.expect("book");
        let names = db.agency_names().await.expect("names");
        let d = date!(2026 - 05 - 20);
        let everything = reports::everything;
        // The overdue list: the late (task, agency) pairs of the plain SQL, grouped by task.
        let overdue = reports::overdue(db, &book, &names, d, None, &everything)
            .await
            .expect("overdue");
        assert!(overdue.items.iter().all(|i| !i.name.is_empty()), "named");
        let sql = db.overdue_plain_sql(d).await.expect("sql");
        let pairs: usize = overdue.items.iter().map(|i| i.late_agencies.len()).sum();
        assert_eq!(pairs, sql.len(), "{}", t.label);
        let mut task_ids: Vec<i64> = sql.iter().map(|x| x.0).collect();
        task_ids.dedup();
        assert_eq!(overdue.items.len(), task_ids.len());
        let doc = reports::overdue_doc(&overdue, &Default::default());
        let cells = doc
            .rows
            .iter()
            .filter(|r| matches!(r, tiendo_office::official::TableRow::Cells(_)))
            .count();
        assert_eq!(
            cells,
            overdue.items.len(),
            "one row per late task in the document"
        );
        // The per-agency summary: the plain SQL's counts, agency by agency.
        let all = db.difficulties(None).await.expect("difficulties");
        let summary = reports::agencies(&book, &names, &all, d);
        let by_sql = db.agency_counts_plain_sql(d).await.expect("sql");
        for row in summary.agencies.iter().filter(|r| r.counts.total() > 0) {
            let id = names
                .iter()
                .find(|(_, a)| a.code == row.code)
                .map(|(i, _)| *i)
                .expect("id");
            assert_eq!(
                Some(&row.counts),
                by_sql.get(&id),
                "{} {}",
                t.label,
                row.code
            );
        }
        let open_raised: u64 = summary
            .agencies
            .iter()
            .map(|r| r.difficulties_raised_open)
            .sum();
        let open_on_d = all
            .iter()
            .filter(|x| x.raised_on <= d && x.answered_on.is_none_or(|a| a > d))
            .count() as u64;
        assert_eq!(open_raised, open_on_d);
        // Results of the generated document: every task, each in the documents' words.
        let res = reports::results(db, &book, &key, d, &everything)
            .await
            .expect("q")
            .expect("doc");
        assert_eq!(res.items.len(), 400);
        let states = book.task_states(d);
        let late_tasks = states
            .values()
            .filter(|s| **s == tiendo_domain::status::AssignmentState::OpenOverdue)
            .count();
        assert_eq!(res.count("Chưa hoàn thành"), late_tasks);
        assert_eq!(
            late_tasks,
            overdue.items.len(),
            "late tasks are the overdue list's"
        );
        // Difficulties and commitments: every one generated is in its report.
        let diffs = reports::difficulties_as_of(all.clone(), date!(2030 - 01 - 01));
        assert_eq!(diffs.len(), n_difficulties);
        let ck = reports::commitments(db, &book, d, None, &everything)
            .await
            .expect("commitments");
        assert_eq!(ck.items.len(), book.late_assignments(d, None).len());
        // The score's components add up to the book's own counts for the month's last day.
        let month = Month::parse("2026-05").expect("month");
        let sc = reports::score(db, &book, month, None).await.expect("score");
        let overdue_end: u64 = sc.rows.iter().map(|r| r.components.overdue_at_end).sum();
        assert_eq!(
            overdue_end,
            book.totals(month.last()).open_overdue,
            "{}",
            t.label
        );
        let ranked = sc.rows.iter().filter(|r| r.rank.is_some()).count();
        assert!(
            ranked > 20,
            "ministries, provinces and corporations are ranked"
        );
        assert!(
            sc.rows
                .windows(2)
                .all(|w| w[0].score.unwrap_or(-1.0) >= w[1].score.unwrap_or(-1.0))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_newest_difficulties_are_the_latest_raised() {
    for t in backends().await {
        import_text(
            &t.db,
            "ke-hoach.csv",
            PLAN,
            "ke-hoach",
            date!(2026 - 02 - 01),
        )
        .await;
        let first = task(&t.db, "ke-hoach", "1").await;
        let btc = t.db.agency_id("BTC").await.expect("q").expect("BTC");
        // Entered in this order, raised on other days (a document's difficulties keep theirs).
        for (text, on) in [
            ("Vướng thứ nhất", date!(2026 - 02 - 10)),
            ("Vướng thứ hai", date!(2026 - 01 - 05)),
            ("Vướng thứ ba", date!(2026 - 02 - 20)),
            ("Vướng thứ tư", date!(2026 - 01 - 20)),
        ] {
            t.db.raise_difficulty(first, btc, text, None, on, "btc")
                .await
                .expect("raised");
        }
        let f = tiendo_store::difficulties::DifficultyFilter {
            newest: Some(3),
            ..Default::default()
        };
        let newest: Vec<String> =
            t.db.difficulties_where(&f)
                .await
                .expect("newest")
                .into_iter()
                .map(|d| d.text)
                .collect();
        // Oldest first, of the three raised last.
        assert_eq!(
            newest,
            ["Vướng thứ tư", "Vướng thứ nhất", "Vướng thứ ba"],
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}
