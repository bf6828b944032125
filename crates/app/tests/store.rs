//! The model on real databases: every scenario runs on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::{backends, import_file, import_text, sample};
use tiendo_domain::model::ReportedStatus;
use tiendo_office::{ReadOptions, read_path};
use tiendo_store::Db;
use tiendo_store::facts::{OverdueReport, overdue_report};
use tiendo_store::import::ImportInput;
use tiendo_store::tasks::DeadlineChangeInput;
use time::Date;
use time::macros::date;

async fn overdue(db: &Db, as_of: Date) -> OverdueReport {
    let book = db.load_status_book().await.expect("book");
    overdue_report(
        &book,
        &db.task_infos().await.expect("tasks"),
        &db.agency_names().await.expect("agencies"),
        as_of,
    )
}

fn late_of(r: &OverdueReport, number: &str) -> Option<Vec<String>> {
    r.items
        .iter()
        .find(|i| i.number == number)
        .map(|i| i.late_agencies.iter().map(|a| a.name.clone()).collect())
}

#[tokio::test]
async fn imported_plan_gives_the_overdue_list_a_clerk_would_write() {
    for t in backends().await {
        let s = import_file(
            &t.db,
            &sample("plan-2026-appendix-2.txt"),
            "plan",
            date!(2026 - 02 - 15),
        )
        .await;
        assert_eq!(s.tasks_created, 98, "{}", t.label);
        // By hand from the appendix: due before 20/5/2026 are task 4 (Trong tháng 02/2026), the twelve
        // "Quý I/2026" ones, "Trong tháng 3/2026" (2), "Trước ngày 31/3/2026", "Hoàn thành trước ngày
        // 01/3/2026", "31/3/2026" and "30/4/2026" (2): 20 tasks, none reported done.
        let r = overdue(&t.db, date!(2026 - 05 - 20)).await;
        assert_eq!(r.items.len(), 20, "{}", t.label);
        assert_eq!(late_of(&r, "4"), Some(vec!["Bộ Tài chính".to_string()]));
        let t4 = r.items.iter().find(|i| i.number == "4").expect("task 4");
        assert_eq!(t4.due, Some(date!(2026 - 02 - 28)));
        assert_eq!(t4.late_agencies[0].days_late, 81);
        // Not late on its due date, late the day after.
        assert_eq!(
            late_of(&overdue(&t.db, date!(2026 - 02 - 28)).await, "4"),
            None
        );
        assert!(late_of(&overdue(&t.db, date!(2026 - 03 - 01)).await, "4").is_some());
        // A task given to "Các bộ, ngành" is late for every ministry-level body in force.
        let n = r
            .items
            .iter()
            .find(|i| i.number == "97")
            .map(|i| i.late_agencies.len());
        assert_eq!(
            n,
            Some(24),
            "{}: 14 ministries + 3 ministry-level + 7 government agencies",
            t.label
        );
        // Recurring and conditional tasks are never in the list.
        for i in &r.items {
            assert!(
                !i.deadline_raw.contains("Thường xuyên") && !i.deadline_raw.starts_with("Theo"),
                "{}",
                i.deadline_raw
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn reimport_updates_never_duplicates() {
    for t in backends().await {
        import_file(
            &t.db,
            &sample("plan-2026-appendix-2.txt"),
            "plan",
            date!(2026 - 02 - 15),
        )
        .await;
        let before = t.db.counts().await.expect("counts");
        for f in [
            "plan-2026-appendix-2.docx",
            "plan-2026-appendix-2.xlsx",
            "plan-2026-appendix-2.txt",
        ] {
            let s = import_file(&t.db, &sample(f), "plan", date!(2026 - 02 - 15)).await;
            assert_eq!(
                (s.tasks_created, s.tasks_updated, s.tasks_unchanged),
                (0, 0, 98),
                "{} {f}",
                t.label
            );
        }
        let after = t.db.counts().await.expect("counts");
        assert_eq!(before, after, "{}", t.label);
        t.cleanup().await;
    }
}

const V1: &str = "TT\tTên nhiệm vụ\tChủ trì\tThời hạn\n1.\tBan hành Nghị định về dữ liệu\tBộ Công an\tQuý I/2026\n2.\tKết nối cơ sở dữ liệu đất đai\tBộ Nông nghiệp và Môi trường\t30/4/2026\n";
const V2: &str = "TT\tTên nhiệm vụ\tChủ trì\tThời hạn\n1.\tBan hành Nghị định về dữ liệu\tBộ Công an\tQuý II/2026\n2.\tKết nối cơ sở dữ liệu đất đai\tBộ Nông nghiệp và Môi trường, Bộ Tài chính\t30/4/2026\n3.\tNhiệm vụ mới\tBộ Y tế\t30/9/2026\n";

#[tokio::test]
async fn a_later_version_updates_the_same_tasks_and_records_what_changed() {
    for t in backends().await {
        import_text(&t.db, "ke-hoach.txt", V1, "ke-hoach", date!(2026 - 01 - 10)).await;
        let s = import_text(
            &t.db,
            "ke-hoach-v2.txt",
            V2,
            "ke-hoach",
            date!(2026 - 04 - 01),
        )
        .await;
        assert_eq!(
            (s.tasks_created, s.tasks_updated),
            (1, 2),
            "{}: {:?}",
            t.label,
            s.changes
        );
        assert_eq!(t.db.counts().await.expect("counts").tasks, 3);
        // The new deadline of task 1 is in force from the version's date; before, the old one was.
        let task1 =
            t.db.task_by_number("ke-hoach", "1")
                .await
                .expect("q")
                .expect("task 1");
        assert_eq!(
            late_of(&overdue(&t.db, date!(2026 - 03 - 31)).await, "1"),
            None
        );
        assert!(
            late_of(&overdue(&t.db, date!(2026 - 04 - 01)).await, "1").is_none(),
            "extended on 1/4"
        );
        let history = t.db.history("task", task1).await.expect("history");
        assert!(
            history.iter().any(|h| h.action == "task.updated"
                && h.after
                    .as_deref()
                    .is_some_and(|a| a.contains("Quý II/2026"))),
            "{}",
            t.label
        );
        // Task 2 gained a lead agency.
        let task2 =
            t.db.task_by_number("ke-hoach", "2")
                .await
                .expect("q")
                .expect("task 2");
        let codes: Vec<String> =
            t.db.assignments_of(task2)
                .await
                .expect("a")
                .into_iter()
                .map(|a| a.agency_code)
                .collect();
        assert_eq!(codes, vec!["BNNMT", "BTC"]);
        let r = overdue(&t.db, date!(2026 - 05 - 01)).await;
        assert_eq!(
            late_of(&r, "2"),
            Some(vec![
                "Bộ Nông nghiệp và Môi trường".to_string(),
                "Bộ Tài chính".to_string()
            ])
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn status_columns_mark_who_is_still_late() {
    let csv = "STT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Tiến độ;Đơn vị chưa hoàn thành;Kết quả thực hiện\n\
               1;Cập nhật dữ liệu dân cư;Các địa phương;30/9/2025;Chưa hoàn thành;Lạng Sơn, Cao Bằng;Đã cập nhật 32/34 tỉnh\n\
               2;Ban hành quy chế;Bộ Y tế;31/10/2025;Đã hoàn thành;;Ban hành ngày 20/10/2025\n\
               3;Số hóa hồ sơ;Bộ Tư pháp;30/6/2025;Đã hoàn thành quá hạn;;\n";
    for t in backends().await {
        let s = import_text(&t.db, "bao-cao.csv", csv, "bao-cao", date!(2025 - 11 - 07)).await;
        assert_eq!(s.assignments, 36, "{}: 34 provinces + 2", t.label);
        let r = overdue(&t.db, date!(2025 - 11 - 07)).await;
        assert_eq!(r.items.len(), 1, "{}", t.label);
        assert_eq!(
            late_of(&r, "1"),
            Some(vec![
                "Tỉnh Lạng Sơn".to_string(),
                "Tỉnh Cao Bằng".to_string()
            ])
        );
        let book = t.db.load_status_book().await.expect("book");
        let names = t.db.agency_names().await.expect("names");
        let counts = tiendo_store::facts::agency_counts(&book, &names, date!(2025 - 11 - 07));
        let of = |n: &str| {
            counts
                .iter()
                .find(|c| c.name == n)
                .map(|c| c.counts)
                .expect(n)
        };
        assert_eq!(of("Tỉnh Lạng Sơn").open_overdue, 1);
        // The list names who is still late; the others were done by 7/11, on a day it does not
        // give, after the deadline of 30/9 could have passed: done, date not stated — never on time.
        let hanoi = of("Thành phố Hà Nội");
        assert_eq!(
            (hanoi.done_on_time, hanoi.done_undated),
            (0, 1),
            "{}",
            t.label
        );
        // "Đã hoàn thành" with no day, reported after its deadline: the same.
        let health = of("Bộ Y tế");
        assert_eq!(
            (health.done_on_time, health.done_undated),
            (0, 1),
            "{}",
            t.label
        );
        assert_eq!(of("Bộ Tư pháp").done_late, 1);
        // Reported on a day within its deadline, a completion without its day is on time.
        let early = "STT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Tiến độ\n1;Sửa quy chế;Bộ Y tế;31/12/2025;Đã hoàn thành\n";
        import_text(&t.db, "som.csv", early, "som", date!(2025 - 11 - 07)).await;
        let book = t.db.load_status_book().await.expect("book");
        let counts = tiendo_store::facts::agency_counts(&book, &names, date!(2025 - 11 - 07));
        let health = counts
            .iter()
            .find(|c| c.name == "Bộ Y tế")
            .map(|c| c.counts)
            .expect("Bộ Y tế");
        assert_eq!(
            (health.done_on_time, health.done_undated),
            (1, 1),
            "{}",
            t.label
        );
        // The engine and plain SQL agree on it.
        let plain =
            t.db.agency_counts_plain_sql(date!(2025 - 11 - 07))
                .await
                .expect("sql");
        for (id, c) in &plain {
            let name = &names.get(id).expect("agency").name;
            let engine = counts
                .iter()
                .find(|x| &x.name == name)
                .expect("engine")
                .counts;
            assert_eq!(engine, *c, "{} {name}", t.label);
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn deadline_extended_before_and_after_the_date_asked() {
    for t in backends().await {
        import_text(&t.db, "a.txt", V1, "a", date!(2026 - 01 - 10)).await;
        let task =
            t.db.task_by_number("a", "1")
                .await
                .expect("q")
                .expect("task"); // Quý I/2026
        // Approved on 10/4/2026, after the 31/3 deadline had passed.
        t.db.change_deadline(DeadlineChangeInput {
            task_id: task,
            assignment_id: None,
            new_deadline: "30/6/2026",
            effective_on: date!(2026 - 04 - 10),
            reason: "Chờ ý kiến thẩm định",
            approved_by: "Phó Thủ tướng",
            actor: "test",
        })
        .await
        .expect("change");
        assert!(
            late_of(&overdue(&t.db, date!(2026 - 04 - 05)).await, "1").is_some(),
            "{}: late before the approval",
            t.label
        );
        assert!(
            late_of(&overdue(&t.db, date!(2026 - 04 - 15)).await, "1").is_none(),
            "{}: in time after it",
            t.label
        );
        assert!(
            late_of(&overdue(&t.db, date!(2026 - 07 - 01)).await, "1").is_some(),
            "{}: late after the new date",
            t.label
        );
        // Done on 20/6: on time under the extension.
        let aid = t.db.assignments_of(task).await.expect("a")[0].id;
        t.db.add_report(
            aid,
            date!(2026 - 06 - 20),
            Some(ReportedStatus::Done),
            None,
            Some("Đã trình"),
            "test",
        )
        .await
        .expect("report");
        assert!(late_of(&overdue(&t.db, date!(2026 - 07 - 01)).await, "1").is_none());
        let book = t.db.load_status_book().await.expect("book");
        let ev = book
            .evaluate_assignment(aid, date!(2026 - 07 - 01))
            .expect("eval");
        assert_eq!(ev.state, tiendo_domain::status::AssignmentState::DoneOnTime);
        // Bad changes are refused and store nothing.
        let before = t.db.counts().await.expect("c");
        let bad =
            t.db.change_deadline(DeadlineChangeInput {
                task_id: task,
                assignment_id: None,
                new_deadline: "31/2/1900",
                effective_on: date!(2026 - 04 - 10),
                reason: "x",
                approved_by: "y",
                actor: "test",
            })
            .await;
        assert!(bad.is_err());
        assert!(
            t.db.add_report(999_999, date!(2026 - 06 - 20), None, None, None, "test")
                .await
                .is_err()
        );
        assert_eq!(before, t.db.counts().await.expect("c"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_import_that_fails_stores_nothing() {
    for t in backends().await {
        // Break the last table the import writes to: the whole file must roll back.
        tiendo_store::sqlx::query("DROP TABLE imports")
            .execute(t.db.pool())
            .await
            .expect("drop");
        let reg = t.db.load_registry().await.expect("registry").registry;
        let p = read_path(
            &sample("plan-2026-appendix-2.txt"),
            ReadOptions {
                registry: &reg,
                reported_on: date!(2026 - 02 - 15),
            },
        )
        .expect("reads");
        let r =
            t.db.import_document(ImportInput {
                committee: None,
                doc_key: "x",
                file_name: "x",
                title: None,
                tasks: &p.tasks,
                difficulties: &p.difficulties,
                indicators: &p.indicators,
                warnings: &p.warnings,
                reported_on: date!(2026 - 02 - 15),
                actor: "t",
                progress: None,
                external_system: None,
                silence_rule: None,
            })
            .await;
        assert!(r.is_err(), "{}", t.label);
        let c = t.db.counts().await.expect("counts");
        assert_eq!(
            (c.tasks, c.assignments, c.documents),
            (0, 0, 0),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn generated_data_engine_agrees_with_plain_sql() {
    for t in backends().await {
        let reg = t.db.load_registry().await.expect("registry").registry;
        let g = tiendo_generate::generate(&reg, 400, 11, 3.0);
        t.db.bulk_insert(&g, &mut |_, _, _| {}).await.expect("bulk");
        let book = t.db.load_status_book().await.expect("book");
        assert!(book.len() > 2000, "{}", t.label);
        for d in [
            date!(2025 - 03 - 01),
            date!(2025 - 12 - 31),
            date!(2026 - 06 - 15),
            date!(2027 - 01 - 01),
            date!(2028 - 01 - 01),
        ] {
            let mut engine: Vec<(i64, i64)> = book
                .overdue(d)
                .into_iter()
                .flat_map(|o| o.late_agencies.into_iter().map(move |a| (o.task, a)))
                .collect();
            engine.sort();
            let sql = t.db.overdue_plain_sql(d).await.expect("sql");
            assert_eq!(engine, sql, "{} overdue on {d}", t.label);
            assert!(!sql.is_empty() || d == date!(2025 - 03 - 01));
            let engine_counts: BTreeMap<i64, _> = book.agency_counts(d).into_iter().collect();
            assert_eq!(
                engine_counts,
                t.db.agency_counts_plain_sql(d).await.expect("sql"),
                "{} counts on {d}",
                t.label
            );
        }
        t.cleanup().await;
    }
}

/// An assignment read alone (after a report on it) is what reading its whole task gives for it:
/// its reports, its own deadline changes and those of its task.
#[tokio::test]
async fn an_assignment_read_alone_equals_it_read_with_its_task() {
    for t in backends().await {
        let reg = t.db.load_registry().await.expect("registry").registry;
        let g = tiendo_generate::generate(&reg, 300, 5, 3.0);
        t.db.bulk_insert(&g, &mut |_, _, _| {}).await.expect("bulk");
        // Tasks with deadline changes of either kind first, then any.
        let tasks: Vec<i64> = tiendo_store::sqlx::query_scalar(
            "SELECT id FROM tasks ORDER BY (SELECT COUNT(*) FROM deadline_changes c WHERE c.task_id = tasks.id) DESC, id LIMIT 60",
        )
        .fetch_all(t.db.pool())
        .await
        .expect("tasks");
        let whole = t.db.assignment_inputs(&tasks).await.expect("by task");
        let ids: Vec<i64> = whole.iter().map(|a| a.id).collect();
        let alone = t.db.assignment_inputs_by_id(&ids).await.expect("by id");
        let shown = |v: &[tiendo_domain::status::AssignmentInput]| {
            let mut v: Vec<String> = v.iter().map(|a| format!("{a:?}")).collect();
            v.sort();
            v
        };
        assert_eq!(shown(&alone), shown(&whole), "{}", t.label);
        assert!(whole.iter().any(|a| !a.changes.is_empty()), "{}", t.label);
        assert!(whole.iter().any(|a| !a.events.is_empty()), "{}", t.label);
        let one = t.db.assignment_inputs_by_id(&ids[..1]).await.expect("one");
        assert_eq!(one.len(), 1);
        t.cleanup().await;
    }
}

/// "Bộ Công an chủ trì, phối hợp với các bộ, ngành": the group expands to every ministry but the
/// lead, so Bộ Công an is assigned once, as lead — from a table and from a prose notice alike.
#[tokio::test]
async fn a_lead_is_never_its_own_coordinator_when_a_group_expands() {
    const TABLE: &str = "STT\tTên nhiệm vụ\tChủ trì\tPhối hợp\tThời hạn\n1\tKết nối dữ liệu dân cư\tBộ Công an\tCác bộ, ngành\tQuý II/2026\n";
    const PROSE: &str = "Số: 9/TB-VPCP\nTHÔNG BÁO\nIII. NHIỆM VỤ\n- Bộ Công an chủ trì, phối hợp với các bộ, ngành, địa phương nghiên cứu sàn đấu giá, hoàn thành trong tháng 6/2026.\n";
    for t in backends().await {
        for (name, text) in [("bang.txt", TABLE), ("thong-bao.txt", PROSE)] {
            import_text(&t.db, name, text, name, date!(2026 - 02 - 01)).await;
            let rows: Vec<(String, String)> = tiendo_store::sqlx::query_as(
                "SELECT ag.code, a.role FROM assignments a JOIN agencies ag ON ag.id = a.agency_id JOIN tasks tk ON tk.id = a.task_id JOIN documents d ON d.id = tk.document_id WHERE d.doc_key = $1 AND ag.code = 'BCA'",
            )
            .bind(name)
            .fetch_all(t.db.pool())
            .await
            .expect("assignments");
            assert_eq!(
                rows,
                [("BCA".to_string(), "lead".to_string())],
                "{} {name}",
                t.label
            );
            let coordinators: i64 = tiendo_store::sqlx::query_scalar(
                "SELECT COUNT(*) FROM assignments a JOIN tasks tk ON tk.id = a.task_id JOIN documents d ON d.id = tk.document_id WHERE d.doc_key = $1 AND a.role = 'coordinator'",
            )
            .bind(name)
            .fetch_one(t.db.pool())
            .await
            .expect("count");
            assert!(
                coordinators > 10,
                "the other ministries coordinate: {coordinators}"
            );
        }
        t.cleanup().await;
    }
}

/// Many agencies report at once (deadline day): every report is stored, none answered "database
/// is locked". On SQLite a write transaction that reads first must take the write lock at its
/// start, or two of them deadlock on the upgrade and one fails at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_succeed() {
    let mut csv = String::from("STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n");
    for i in 1..=40 {
        csv.push_str(&format!("{i};Nhiệm vụ số {i};Bộ Tài chính;30/6/2026\n"));
    }
    for t in backends().await {
        import_text(
            &t.db,
            "dong-thoi.csv",
            &csv,
            "dong-thoi.csv",
            date!(2026 - 02 - 15),
        )
        .await;
        let mut assignments = Vec::new();
        for i in 1..=40 {
            let task =
                t.db.task_by_number("dong-thoi.csv", &i.to_string())
                    .await
                    .expect("q")
                    .expect("task");
            assignments.push(t.db.assignments_of(task).await.expect("a")[0].id);
        }
        let before = t.db.counts().await.expect("counts");
        let mut joins = Vec::new();
        for round in 0..3 {
            for &a in &assignments {
                let db = t.db.clone();
                joins.push(tokio::spawn(async move {
                    db.add_report(
                        a,
                        date!(2026 - 03 - 01),
                        Some(ReportedStatus::InProgress),
                        None,
                        Some(&format!("Báo cáo lần {round}")),
                        "dong-thoi",
                    )
                    .await
                    .map_err(|e| e.to_string())
                }));
            }
        }
        let mut failures = Vec::new();
        for j in joins {
            if let Err(e) = j.await.expect("join") {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}: {failures:?}", t.label);
        let after = t.db.counts().await.expect("counts");
        assert_eq!(after.reports, before.reports + 120, "{}", t.label);
        t.cleanup().await;
    }
}

/// After `generate` stores a data set at once, the planner's statistics are fresh (SQLite's
/// sqlite_stat1, PostgreSQL's last manual ANALYZE): the next burst is not planned as if the
/// tables were empty.
#[tokio::test]
async fn a_bulk_load_refreshes_the_planner_statistics() {
    for t in backends().await {
        let reg = t.db.load_registry().await.expect("registry").registry;
        let g = tiendo_generate::generate(&reg, 200, 3, 1.0);
        t.db.bulk_insert(&g, &mut |_, _, _| {}).await.expect("bulk");
        let analysed: i64 = match t.label {
            "sqlite" => tiendo_store::sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl IN ('assignments', 'progress_reports')",
            ),
            _ => tiendo_store::sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('assignments', 'progress_reports') AND last_analyze IS NOT NULL",
            ),
        }
        .fetch_one(t.db.pool())
        .await
        .expect("statistics");
        assert!(analysed >= 2, "{}: {analysed}", t.label);
        if t.label == "sqlite" {
            // The audit log held one row: no statistics kept for it, so the book's follower
            // reads its new changes by key, not by scanning the log.
            let audit_stats: i64 = tiendo_store::sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'audit_log'",
            )
            .fetch_one(t.db.pool())
            .await
            .expect("audit statistics");
            assert_eq!(audit_stats, 0);
            let plan = sqlite_plan(
                &t.db,
                tiendo_store::sqlx::query(explained(
                    "SELECT id, entity, entity_id, action FROM audit_log WHERE id > 5 ORDER BY id LIMIT 10",
                )),
            )
            .await;
            assert!(
                plan.iter().any(|d| d.starts_with("SEARCH audit_log"))
                    && !plan.iter().any(|d| d.starts_with("SCAN")),
                "{plan:?}"
            );
            // None of the generated reports was returned or reported by a user, so the statistics
            // hold no row for the partial indexes of migration 8: the returned completions and
            // the completions to review, which every dashboard reads, are still found through
            // the indexes of those few reports (migration 25), not by reading every report.
            let returned =
                tiendo_store::sqlx::query(explained(tiendo_store::reminders::RETURNED_COMPLETIONS))
                    .bind("2026-05-20")
                    .bind(0_i64);
            let to_review = tiendo_store::sqlx::query(explained(
                tiendo_store::reminders::COMPLETIONS_TO_REVIEW,
            ));
            for (query, index) in [
                (returned, "SCAN r USING INDEX progress_reports_returned"),
                (to_review, "SCAN r USING INDEX progress_reports_of_users"),
            ] {
                let plan = sqlite_plan(&t.db, query).await;
                assert!(plan.iter().any(|d| d == index), "{plan:?}");
            }
        }
        t.cleanup().await;
    }
}

/// Several servers starting at once on a fresh database: every one starts, each migration is
/// applied once, the registry is seeded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_starting_at_once_on_a_fresh_database_migrate_it_once() {
    let dir = common::temp_dir();
    let mut urls = vec![format!("sqlite://{}", dir.join("fresh.db").display())];
    let mut pg = None;
    if let Ok(admin) = std::env::var("TIENDO_TEST_POSTGRES_URL")
        && !admin.is_empty()
    {
        use tiendo_store::sqlx::Connection;
        tiendo_store::sqlx::any::install_default_drivers();
        let name = format!("tiendo_t_fresh_{}", std::process::id());
        let mut conn = tiendo_store::sqlx::AnyConnection::connect(&admin)
            .await
            .expect("admin");
        tiendo_store::sqlx::query(tiendo_store::sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name}"
        )))
        .execute(&mut conn)
        .await
        .expect("create");
        urls.push(common::with_database(&admin, &name));
        pg = Some((admin, name, conn));
    }
    let shipped = tiendo_domain::agency::Registry::default_registry()
        .expect("registry")
        .agencies()
        .len() as i64;
    for url in &urls {
        let joins: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move {
                    Db::connect(&url)
                        .await
                        .map(|db| db.pool().clone())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        for j in joins {
            let pool = j.await.expect("join").expect("every server starts");
            pool.close().await;
        }
        let db = Db::connect(url).await.expect("db");
        let versions: Vec<i64> = tiendo_store::sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(db.pool())
        .await
        .expect("versions");
        assert_eq!(versions, tiendo_store::schema::versions(), "{url}");
        let agencies: i64 = tiendo_store::sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
            .fetch_one(db.pool())
            .await
            .expect("agencies");
        assert_eq!(agencies, shipped, "{url}");
        db.pool().close().await;
    }
    if let Some((_, name, mut conn)) = pg {
        tiendo_store::sqlx::query(tiendo_store::sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .ok();
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Writes one audit row in a transaction of its own that the caller commits.
async fn audit_row_uncommitted(
    db: &Db,
    entity_id: i64,
) -> tiendo_store::sqlx::Transaction<'static, tiendo_store::sqlx::Any> {
    let mut tx = db.begin_write().await.expect("begin");
    tiendo_store::sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ('2026-12-04T00:00:00Z', 'feed-test', 'task.updated', 'task', $1)",
    )
    .bind(entity_id)
    .execute(&mut *tx)
    .await
    .expect("insert");
    tx
}

/// The change feed every server's status book follows cannot skip a commit: a change whose
/// transaction took its audit id first but commits after a later one is still read, once. On
/// PostgreSQL the later one commits while the first is open; on SQLite it waits its turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_feed_reads_a_commit_that_lands_after_a_later_one() {
    for t in backends().await {
        let start = t.db.feed_position().await.expect("position");
        let first = audit_row_uncommitted(&t.db, 9_001).await;
        let db = t.db.clone();
        let second = tokio::spawn(async move {
            let tx = audit_row_uncommitted(&db, 9_002).await;
            tx.commit().await.expect("commit second");
        });
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let early =
            t.db.changes_after(&start, 100)
                .await
                .expect("feed")
                .expect("few");
        first.commit().await.expect("commit first");
        second.await.expect("join");
        let late =
            t.db.changes_after(&early.next, 100)
                .await
                .expect("feed")
                .expect("few");
        let mut read: Vec<i64> = early
            .changes
            .iter()
            .chain(&late.changes)
            .filter_map(|c| c.entity_id)
            .collect();
        read.sort_unstable();
        assert_eq!(
            read,
            vec![9_001, 9_002],
            "{}: each change read once",
            t.label
        );
        let after =
            t.db.changes_after(&late.next, 100)
                .await
                .expect("feed")
                .expect("few");
        assert!(after.changes.is_empty(), "{}: {:?}", t.label, after.changes);
        if t.label == "postgres" {
            assert_eq!(
                early
                    .changes
                    .iter()
                    .filter_map(|c| c.entity_id)
                    .collect::<Vec<_>>(),
                vec![9_002],
                "the later commit is read while the earlier id is still open"
            );
        }
        t.cleanup().await;
    }
}

/// A database the earlier hand-written runner migrated (its steps in `schema_migrations`, some
/// steps behind this build) is taken over by sqlx's migrator: the steps it applied are recorded,
/// not run again (its data stays), the missing ones are applied, the old table goes. A database
/// that records a step this build does not know is refused with a reason, and left unchanged.
#[tokio::test]
async fn a_database_of_the_earlier_runner_is_taken_over_and_a_newer_one_refused() {
    use tiendo_store::sqlx;
    for t in common::backends().await {
        let all = tiendo_store::schema::versions();
        let last = *all.last().expect("steps");
        let agencies = |db: Db| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agencies")
                .fetch_one(db.pool())
                .await
                .expect("agencies")
        };
        let before = agencies(t.db.clone()).await;
        assert!(before > 0, "{}", t.label);
        // As the earlier runner left a database of an earlier build: steps 1 to 20, without
        // the webhooks' tables (step 21), the audit rows' assignment (step 22), the external
        // ids and stated deadlines (step 23), the import jobs' source system (step 24) and the
        // indexes of returned and users' reports (step 25, SQLite's only), the documents' rule
        // that no answer is a commitment (step 27), the tasks' recurring duty (step 28) and the
        // status book saved in parts (step 29, in place of step 6's one-row snapshot) and the
        // difficulties' raising agency as written (step 30).
        let snapshots = if t.label == "postgres" {
            "CREATE TABLE status_snapshots (fingerprint TEXT PRIMARY KEY, created_at TEXT NOT NULL, content BYTEA NOT NULL)"
        } else {
            "CREATE TABLE status_snapshots (fingerprint TEXT PRIMARY KEY, created_at TEXT NOT NULL, content BLOB NOT NULL)"
        };
        for sql in [
            "ALTER TABLE difficulties DROP COLUMN raising_agency_raw",
            "DROP TABLE status_book_parts",
            "DROP TABLE status_book_saves",
            snapshots,
            "ALTER TABLE tasks DROP COLUMN recurring_raw",
            "ALTER TABLE documents DROP COLUMN silence_applied_on",
            "ALTER TABLE documents DROP COLUMN silence_answer_by",
            "ALTER TABLE documents DROP COLUMN silence_rule",
            "DROP INDEX IF EXISTS progress_reports_of_users",
            "DROP INDEX IF EXISTS progress_reports_returned",
            "ALTER TABLE import_jobs DROP COLUMN external_system",
            "ALTER TABLE tasks DROP COLUMN stated_due_on",
            "ALTER TABLE tasks DROP COLUMN stated_deadline_raw",
            "DROP INDEX task_external_ids_task",
            "DROP TABLE assignment_external_ids",
            "DROP TABLE agency_external_ids",
            "DROP TABLE webhook_outbox",
            "DROP TABLE webhook_subscriptions",
            "ALTER TABLE audit_log DROP COLUMN assignment_id",
            "DROP TABLE _sqlx_migrations",
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        ] {
            sqlx::query(sql).execute(t.db.pool()).await.expect(sql);
        }
        for v in all.iter().filter(|v| **v <= 20) {
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'bước', '2026-01-01T00:00:00Z')")
                .bind(*v)
                .execute(t.db.pool())
                .await
                .expect("earlier step");
        }
        t.db.pool().close().await;

        let db = Db::connect(&t.url).await.expect("taken over");
        let recorded: Vec<i64> = sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(db.pool())
        .await
        .expect("recorded");
        assert_eq!(recorded, all, "{}", t.label);
        let old_table = sqlx::query("SELECT 1 FROM schema_migrations")
            .fetch_all(db.pool())
            .await;
        assert!(old_table.is_err(), "{}: the old table is gone", t.label);
        let subscriptions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_subscriptions")
            .fetch_one(db.pool())
            .await
            .expect("the missing step was applied");
        assert_eq!(subscriptions, 0);
        sqlx::query("SELECT assignment_id FROM audit_log")
            .fetch_all(db.pool())
            .await
            .expect("the step after it too");
        sqlx::query("SELECT external_system FROM import_jobs")
            .fetch_all(db.pool())
            .await
            .expect("and the last step");
        assert_eq!(agencies(db.clone()).await, before, "{}: data kept", t.label);

        // A step from a newer build: refused, nothing changed.
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'newer', TRUE, $2, 0)")
            .bind(last + 1)
            .bind(vec![0u8; 48])
            .execute(db.pool())
            .await
            .expect("newer step");
        db.pool().close().await;
        let refused = Db::connect(&t.url).await.err().map(|e| e.to_string());
        let refused = refused.unwrap_or_default();
        assert!(
            refused.contains("không khớp các bước nâng cấp")
                && refused.contains(&(last + 1).to_string()),
            "{}: {refused}",
            t.label
        );
        t.cleanup().await;
    }
}

/// Step 30 lets a difficulty keep its raising agency as written; on SQLite it rebuilds the
/// difficulties table. A database one step behind, holding difficulties with their handlers and
/// routings, keeps every row with its id and every reference to it (no foreign key left
/// dangling), and then takes a difficulty whose raiser the registry does not know.
#[tokio::test]
async fn the_difficulties_table_rebuilt_keeps_its_rows_and_what_refers_to_them() {
    use tiendo_store::sqlx;
    let table = "STT\tTên bộ, ngành\tKhó khăn, vướng mắc\tĐơn vị xử lý khó khăn, vướng mắc\n\
                 1\tBộ Y tế\tThiếu nhân lực\tBộ Nội vụ\n\
                 2\tBộ Công an\tThiếu kinh phí\tBộ Tài chính\n";
    for t in backends().await {
        import_text(
            &t.db,
            "kho-khan.txt",
            table,
            "kho-khan",
            date!(2025 - 11 - 10),
        )
        .await;
        let before = t.db.difficulties(None).await.expect("register");
        assert_eq!(before.len(), 2);
        let undo: &[&str] = if t.label == "postgres" {
            &[
                "ALTER TABLE difficulties DROP COLUMN raising_agency_raw",
                "ALTER TABLE difficulties ALTER COLUMN raising_agency_id SET NOT NULL",
                "DELETE FROM _sqlx_migrations WHERE version = 30",
            ]
        } else {
            &[
                "ALTER TABLE difficulties DROP COLUMN raising_agency_raw",
                "DELETE FROM _sqlx_migrations WHERE version = 30",
            ]
        };
        for sql in undo {
            sqlx::query(*sql).execute(t.db.pool()).await.expect(sql);
        }
        t.db.pool().close().await;

        let db = Db::connect(&t.url).await.expect("step 30 applied");
        let after = db.difficulties(None).await.expect("register");
        let shape = |all: &[tiendo_store::difficulties::Difficulty]| {
            all.iter()
                .map(|d| {
                    (
                        d.id,
                        d.agency_id,
                        d.text.clone(),
                        d.handlers
                            .iter()
                            .map(|h| h.name.clone())
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&after), shape(&before), "{}", t.label);
        assert!(after.iter().all(|d| !d.handlers.is_empty()));
        let routings = db.difficulty_routings().await.expect("routings");
        assert_eq!(routings.len(), 2, "{}", t.label);
        if t.label != "postgres" {
            let dangling: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(db.pool())
                    .await
                    .expect("foreign key check");
            assert!(dangling.is_empty(), "{dangling:?}");
        }
        let unknown = "STT\tTên bộ, ngành\tKhó khăn, vướng mắc\tĐơn vị xử lý khó khăn, vướng mắc\n\
                       1\tSở Ngoại vụ tỉnh X\tThiếu kinh phí\tBộ Tài chính\n";
        let s = import_text(&db, "khac.txt", unknown, "khac", date!(2025 - 11 - 12)).await;
        assert_eq!(s.difficulties.created, 1, "{}", t.label);
        let newest = db.difficulties(None).await.expect("register");
        let kept = newest.last().expect("stored");
        assert!(kept.id > before.iter().map(|d| d.id).max().unwrap_or(0));
        assert_eq!(
            (kept.agency_id, kept.agency.as_str()),
            (None, "Sở Ngoại vụ tỉnh X")
        );
        db.pool().close().await;
        t.cleanup().await;
    }
}

/// The audit log the status book follows keeps fresh statistics on PostgreSQL even where
/// autovacuum is off: once many rows arrived since its last analysis it is analysed again, then
/// not again until more arrive.
#[tokio::test]
async fn the_audit_log_is_analysed_again_once_it_has_grown() {
    use tiendo_store::sqlx;
    for t in common::backends().await {
        if t.label != "postgres" {
            assert!(!t.db.keep_log_statistics().await.expect("sqlite"));
            t.cleanup().await;
            continue;
        }
        sqlx::query("ANALYZE audit_log")
            .execute(t.db.pool())
            .await
            .expect("first analysis");
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id)
             SELECT '2026-12-04T00:00:00Z', 'kiểm thử', 'task.updated', 'task', g FROM generate_series(1, 3000) g",
        )
        .execute(t.db.pool())
        .await
        .expect("rows");
        // The server's counters reach the statistics views within a second or so.
        let mut analysed = false;
        for _ in 0..50 {
            if t.db.keep_log_statistics().await.expect("keep") {
                analysed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(analysed, "analysed once 3,000 rows arrived");
        tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
        assert!(
            !t.db.keep_log_statistics().await.expect("again"),
            "nothing new since"
        );
        t.cleanup().await;
    }
}

/// Reads an export of another system (CSV text) with its ids and stores it under `key`.
async fn import_export(
    db: &Db,
    name: &str,
    text: &str,
    key: &str,
) -> tiendo_store::Result<tiendo_store::import::ImportSummary> {
    let reg = db.load_registry().await.expect("registry").registry;
    let mut p = tiendo_office::read_bytes(
        name,
        text.as_bytes(),
        ReadOptions {
            registry: &reg,
            reported_on: date!(2026 - 11 - 30),
        },
    )
    .expect("reads");
    tiendo_domain::import_plan::take_external_ids(&mut p.tasks, None).expect("ids");
    db.import_document(ImportInput {
        committee: None,
        doc_key: key,
        file_name: name,
        title: None,
        tasks: &p.tasks,
        difficulties: &p.difficulties,
        indicators: &p.indicators,
        warnings: &p.warnings,
        reported_on: date!(2026 - 11 - 30),
        actor: "test",
        progress: None,
        external_system: Some("nq57"),
        silence_rule: None,
    })
    .await
}

/// nq57 exports its tasks every month under a new file name, renumbered, with a task renamed
/// and given a new deadline, and a new one: imported with its ids, the second export updates
/// the tasks the first stored (the deadline as a change), stores only the new one, and each id
/// keeps naming the same task. The same export imported without ids would make them again.
#[tokio::test]
async fn another_systems_export_imported_again_under_another_name_updates_its_tasks() {
    for t in backends().await {
        let first = import_export(&t.db, "nq57-11.csv", common::NQ57_NOVEMBER, "nq57-11")
            .await
            .expect("first");
        assert_eq!(first.tasks_created, 2, "{}", t.label);
        let ids = |db: Db| async move {
            tiendo_store::sqlx::query_as::<_, (String, i64)>(
                "SELECT external_id, task_id FROM task_external_ids WHERE system = 'nq57' ORDER BY external_id",
            )
            .fetch_all(db.pool())
            .await
            .expect("ids")
        };
        let before = ids(t.db.clone()).await;
        assert_eq!(before.len(), 2);

        let second = import_export(&t.db, "nq57-12.csv", common::NQ57_DECEMBER, "nq57-12")
            .await
            .expect("second");
        assert_eq!(
            (second.tasks_created, second.tasks_updated),
            (1, 2),
            "{}: {second:?}",
            t.label
        );
        let after = ids(t.db.clone()).await;
        assert_eq!(
            &after[..2],
            &before[..],
            "{}: each id names the same task",
            t.label
        );
        assert_eq!(after.len(), 3);
        let renamed = before[1].1;
        let (name, due): (String, Option<String>) = tiendo_store::sqlx::query_as(
            "SELECT t.name, (SELECT c.due_on FROM deadline_changes c WHERE c.task_id = t.id) FROM tasks t WHERE t.id = $1",
        )
        .bind(renamed)
        .fetch_one(t.db.pool())
        .await
        .expect("task");
        assert_eq!(name, "Hoàn thiện và kết nối Cổng dịch vụ công quốc gia");
        assert_eq!(due.as_deref(), Some("2026-12-31"), "{}", t.label);
        let tasks: i64 = tiendo_store::sqlx::query_scalar("SELECT COUNT(*) FROM tasks")
            .fetch_one(t.db.pool())
            .await
            .expect("count");
        assert_eq!(tasks, 3, "{}: nothing made twice", t.label);

        // The same export once more: nothing new, nothing changed, no second deadline change.
        let third = import_export(&t.db, "nq57-12b.csv", common::NQ57_DECEMBER, "nq57-12b")
            .await
            .expect("third");
        assert_eq!(
            (
                third.tasks_created,
                third.tasks_updated,
                third.tasks_unchanged
            ),
            (0, 0, 3),
            "{}: {third:?}",
            t.label
        );
        let changes: i64 =
            tiendo_store::sqlx::query_scalar("SELECT COUNT(*) FROM deadline_changes")
                .fetch_one(t.db.pool())
                .await
                .expect("count");
        assert_eq!(changes, 1, "{}", t.label);

        // An export whose id column is missing a value stores nothing.
        let holed = common::NQ57_DECEMBER.replace("3,NQ57-003,", "3,,");
        let reg = t.db.load_registry().await.expect("registry").registry;
        let mut p = tiendo_office::read_bytes(
            "nq57-12c.csv",
            holed.as_bytes(),
            ReadOptions {
                registry: &reg,
                reported_on: date!(2026 - 11 - 30),
            },
        )
        .expect("reads");
        let e = tiendo_domain::import_plan::take_external_ids(&mut p.tasks, None).unwrap_err();
        assert!(e.contains("không có mã"), "{e}");
        t.cleanup().await;
    }
}

/// A later version of an appendix with a new deadline, imported twice: one deadline change, and
/// the second import finds the task unchanged (it is compared with the deadline its document
/// last stated, not the original).
#[tokio::test]
async fn a_later_version_imported_twice_changes_the_deadline_once() {
    const FIRST: &str = "STT,Nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành
1,Xây dựng cơ sở dữ liệu quốc gia về dân cư,Bộ Công an,30/6/2026
";
    let later = FIRST.replace("30/6/2026", "Quý IV/2026");
    for t in backends().await {
        import_text(&t.db, "phu-luc.csv", FIRST, "phu-luc", date!(2026 - 5 - 1)).await;
        let second =
            import_text(&t.db, "phu-luc.csv", &later, "phu-luc", date!(2026 - 6 - 1)).await;
        assert_eq!(second.tasks_updated, 1, "{}", t.label);
        let third = import_text(&t.db, "phu-luc.csv", &later, "phu-luc", date!(2026 - 7 - 1)).await;
        assert_eq!(
            (third.tasks_updated, third.tasks_unchanged),
            (0, 1),
            "{}: {third:?}",
            t.label
        );
        let changes: Vec<(String, Option<String>)> =
            tiendo_store::sqlx::query_as("SELECT raw, due_on FROM deadline_changes")
                .fetch_all(t.db.pool())
                .await
                .expect("changes");
        assert_eq!(
            changes,
            [("Quý IV/2026".to_string(), Some("2026-12-31".to_string()))],
            "{}",
            t.label
        );
        // The first version again states the original deadline: a change back to it.
        let back = import_text(&t.db, "phu-luc.csv", FIRST, "phu-luc", date!(2026 - 8 - 1)).await;
        assert_eq!(back.tasks_updated, 1, "{}", t.label);
        t.cleanup().await;
    }
}

/// A statement asked for SQLite's plan of it.
fn explained(sql: &str) -> tiendo_store::sqlx::AssertSqlSafe<String> {
    tiendo_store::sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}"))
}

/// The steps of SQLite's plan ("SCAN r USING INDEX …"), in order.
async fn sqlite_plan(
    db: &Db,
    query: tiendo_store::sqlx::query::Query<
        '_,
        tiendo_store::sqlx::Any,
        tiendo_store::sqlx::any::AnyArguments,
    >,
) -> Vec<String> {
    use tiendo_store::sqlx::Row;
    query
        .fetch_all(db.pool())
        .await
        .expect("plan")
        .iter()
        .map(|r| r.try_get::<String, _>(3).expect("detail"))
        .collect()
}
