//! Whole documents into the data, on SQLite and PostgreSQL: a letter with a difficulty appendix
//! and an overdue appendix (testdata/constructed/cong-van-2352-BCA-VPB.txt) stores its tasks and
//! its difficulties in one transaction; each handling agency answers on its own; the register and
//! `report difficulties --format json` (docs/contracts.md) show them; importing the letter again
//! changes nothing, a later version records the new answers; a difficulty whose agency cannot be
//! named is kept with its agency as written.

mod common;

use std::path::PathBuf;

use common::{backends, import_file};
use tiendo_office::{ReadOptions, read_bytes};
use tiendo_store::import::ImportInput;
use time::macros::date;

fn letter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/constructed/cong-van-2352-BCA-VPB.txt")
}

fn report_json(url: &str, as_of: &str) -> serde_json::Value {
    common::cli_json(
        url,
        &[
            "report",
            "difficulties",
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    )
}

async fn agency_id(db: &tiendo_store::Db, code: &str) -> i64 {
    db.agency_id(code).await.expect("query").expect(code)
}

#[tokio::test]
async fn a_letters_difficulties_reach_the_register_and_each_agency_answers_its_own() {
    for t in backends().await {
        let s = import_file(&t.db, &letter(), "cv-2352", date!(2025 - 11 - 10)).await;
        assert_eq!(
            s.tasks_created, 4,
            "{}: the body's request and three overdue tasks",
            t.label
        );
        assert_eq!(s.difficulties.created, 4, "{}", t.label);

        let all = t.db.difficulties(None).await.expect("register");
        assert_eq!(all.len(), 4, "{}", t.label);
        let first = all
            .iter()
            .find(|d| d.text.starts_with("Khối lượng văn bằng"))
            .expect("first");
        assert_eq!(first.agency, "Bộ Giáo dục và Đào tạo");
        assert_eq!(first.task_id, None, "a difficulty need not concern a task");
        let mut handlers: Vec<(&str, &str, Option<&str>)> = first
            .handlers
            .iter()
            .map(|h| (h.name.as_str(), h.state.as_str(), h.answer.as_deref()))
            .collect();
        handlers.sort();
        assert_eq!(
            handlers,
            [
                ("Bộ Tài chính", "open", Some("Đang xem xét bố trí kinh phí")),
                (
                    "Bộ Tư pháp",
                    "answered",
                    Some("Đã hướng dẫn tại Công văn số 123/BTP-PLQT")
                ),
            ],
            "{}: each agency its own answer",
            t.label
        );
        assert_eq!(
            first.state, "open",
            "{}: Bộ Tài chính has not answered",
            t.label
        );
        // No deadline in the table: the register's 15 days from the day the letter describes.
        assert!(
            first
                .handlers
                .iter()
                .all(|h| h.answer_due == Some(date!(2025 - 11 - 25))),
            "{}",
            t.label
        );

        // The contract's JSON: each handler with its own state and answer deadline.
        let v = report_json(&t.url, "2025-11-30");
        let rows = v["difficulties"].as_array().expect("difficulties");
        assert_eq!(rows.len(), 4, "{}", t.label);
        let health = rows
            .iter()
            .find(|d| d["agency"] == "Bộ Y tế")
            .expect("Bộ Y tế");
        assert_eq!(health["task_id"], serde_json::Value::Null);
        assert_eq!(health["state"], "open");
        let mut hs: Vec<(String, String, String)> = health["handlers"]
            .as_array()
            .expect("handlers")
            .iter()
            .map(|h| {
                (
                    h["name"].as_str().unwrap_or("").to_string(),
                    h["state"].as_str().unwrap_or("").to_string(),
                    h["answer_due"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        hs.sort();
        assert_eq!(
            hs,
            [
                ("Bộ Công an".into(), "open".into(), "2025-11-25".into()),
                (
                    "Bộ Khoa học và Công nghệ".into(),
                    "answered".into(),
                    "2025-11-25".into()
                ),
            ],
            "{}",
            t.label
        );
        assert_eq!(
            v["answer_overdue"], 4,
            "{}: every difficulty has an agency late on 30/11",
            t.label
        );

        // Bộ Tài chính answers its part of the first difficulty: it is then answered, because
        // Bộ Tư pháp had answered already.
        let btc = agency_id(&t.db, "BTC").await;
        t.db.answer_difficulty(
            first.id,
            "Đã bố trí kinh phí tại Quyết định số 99/QĐ-BTC",
            date!(2025 - 11 - 20),
            Some(btc),
            "dm.btc",
        )
        .await
        .expect("answers");
        let again = t.db.difficulties(None).await.expect("register");
        let first_now = again.iter().find(|d| d.id == first.id).expect("first");
        assert_eq!(first_now.state, "answered", "{}", t.label);
        assert_eq!(first_now.answered_on, Some(date!(2025 - 11 - 20)));
        // Bộ Tài chính must still answer the second difficulty of the same agency.
        let second = again
            .iter()
            .find(|d| d.text.starts_with("Chưa có kinh phí"))
            .expect("second");
        assert!(second.awaits(btc));
        // Bộ Tư pháp answered already: it cannot answer twice.
        let btp = agency_id(&t.db, "BTP").await;
        assert!(
            t.db.answer_difficulty(
                first.id,
                "lần hai",
                date!(2025 - 11 - 21),
                Some(btp),
                "dm.btp"
            )
            .await
            .is_err()
        );
        // On 15/11 the first difficulty was still open for Bộ Tài chính.
        let before = report_json(&t.url, "2025-11-15");
        let d = before["difficulties"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|d| d["id"] == first.id)
            .expect("first")
            .clone();
        assert_eq!(d["state"], "open", "{}", t.label);

        // The same letter again: nothing new.
        let s = import_file(&t.db, &letter(), "cv-2352", date!(2025 - 11 - 10)).await;
        assert_eq!(
            (
                s.tasks_created,
                s.difficulties.created,
                s.difficulties.updated
            ),
            (0, 0, 0),
            "{}",
            t.label
        );
        assert_eq!(t.db.difficulties(None).await.expect("register").len(), 4);

        // A later version: Bộ Công an has answered.
        let later = std::fs::read_to_string(letter())
            .expect("letter")
            .replace(
                "Bộ Y tế\tVướng mắc về kết nối Cơ sở dữ liệu quốc gia về dân cư với hồ sơ sức khỏe điện tử\tBộ Công an\t",
                "Bộ Y tế\tVướng mắc về kết nối Cơ sở dữ liệu quốc gia về dân cư với hồ sơ sức khỏe điện tử\tBộ Công an\tĐã kết nối thử nghiệm, hướng dẫn tại Công văn số 77/C06",
            );
        let dir = common::temp_dir();
        let path = dir.join("cong-van-2352-BCA-VPB.txt");
        std::fs::write(&path, later).expect("write");
        let s = import_file(&t.db, &path, "cv-2352", date!(2025 - 12 - 01)).await;
        assert_eq!(
            (s.difficulties.created, s.difficulties.updated),
            (0, 1),
            "{}",
            t.label
        );
        let health =
            t.db.difficulties(None)
                .await
                .expect("register")
                .into_iter()
                .find(|d| d.agency == "Bộ Y tế")
                .expect("health");
        assert_eq!(
            health.state, "answered",
            "{}: both agencies have answered",
            t.label
        );
        assert_eq!(health.answered_on, Some(date!(2025 - 12 - 01)));
        t.cleanup().await;
    }
}

/// A difficulty whose raising agency is not one agency of the registry (a name it does not
/// know, a group) does not refuse the file (issue #35, part 1): the row is stored with its
/// "Cơ quan nêu" as written and no agency, warned of by row, shown as not identified in the
/// register, the JSON report (its name as written, no id) and the official table (a group of
/// its own); importing the file again finds it again instead of adding it twice.
#[tokio::test]
async fn a_difficulty_whose_agency_cannot_be_named_is_kept_as_written() {
    let text = "STT\tTên bộ, ngành\tKhó khăn, vướng mắc\tĐơn vị xử lý khó khăn, vướng mắc\n\
                1\tBộ Y tế\tThiếu nhân lực\tBộ Nội vụ\n\
                2\tSở Ngoại vụ tỉnh X\tThiếu kinh phí\tBộ Tài chính\n";
    for t in backends().await {
        let reg = t.db.load_registry().await.expect("registry").registry;
        let p = read_bytes(
            "kho-khan.txt",
            text.as_bytes(),
            ReadOptions {
                registry: &reg,
                reported_on: date!(2025 - 11 - 10),
            },
        )
        .expect("reads");
        assert_eq!(p.difficulties.len(), 2);
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("Sở Ngoại vụ tỉnh X") && w.contains("như văn bản ghi")),
            "{:?}",
            p.warnings
        );
        let import = || {
            t.db.import_document(ImportInput {
                committee: None,
                doc_key: "kho-khan",
                file_name: "kho-khan.txt",
                title: None,
                tasks: &p.tasks,
                difficulties: &p.difficulties,
                indicators: &p.indicators,
                warnings: &p.warnings,
                reported_on: date!(2025 - 11 - 10),
                actor: "test",
                progress: None,
                external_system: None,
                silence_rule: None,
            })
        };
        let s = import().await.expect("imports");
        assert_eq!(s.difficulties.created, 2, "{}", t.label);
        let all = t.db.difficulties(None).await.expect("register");
        let health = agency_id(&t.db, "BYT").await;
        let known = all
            .iter()
            .find(|d| d.text == "Thiếu nhân lực")
            .expect("kept");
        assert_eq!(known.agency_id, Some(health), "{}", t.label);
        let unknown = all
            .iter()
            .find(|d| d.text == "Thiếu kinh phí")
            .expect("kept");
        assert_eq!(unknown.agency_id, None, "{}", t.label);
        let unknown_id = unknown.id;
        assert_eq!(unknown.agency, "Sở Ngoại vụ tỉnh X", "{}", t.label);
        assert!(
            unknown.raised_by().contains("chưa xác định"),
            "{}",
            unknown.raised_by()
        );
        assert_eq!(
            unknown
                .handlers
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Bộ Tài chính"],
            "{}: its handler owes the answer as for any other",
            t.label
        );

        let v = report_json(&t.url, "2025-11-30");
        let row = v["difficulties"]
            .as_array()
            .expect("difficulties")
            .iter()
            .find(|d| d["text"] == "Thiếu kinh phí")
            .cloned()
            .expect("in the report");
        assert_eq!(row["agency"], "Sở Ngoại vụ tỉnh X", "{}", t.label);
        assert_eq!(row["agency_id"], serde_json::Value::Null, "{}", t.label);

        let register = tiendo_reports::DifficultyRegister::of(all, date!(2025 - 11 - 30));
        let doc = tiendo_reports::difficulties_doc(&register, &Default::default());
        let lines: Vec<String> = doc.rows.iter().map(|r| format!("{r:?}")).collect();
        let heading = lines
            .iter()
            .position(|l| l.contains("C. CƠ QUAN NÊU CHƯA XÁC ĐỊNH"))
            .expect("a group of its own");
        assert!(
            lines[heading + 1].contains("Sở Ngoại vụ tỉnh X (chưa xác định trong danh mục)"),
            "{}",
            lines[heading + 1]
        );
        assert!(
            lines[..heading].iter().any(|l| l.contains("Bộ Y tế")),
            "{lines:?}"
        );

        let again = import().await.expect("imports again");
        assert_eq!(
            (again.difficulties.created, again.difficulties.unchanged),
            (0, 2),
            "{}: found again",
            t.label
        );

        // The registry learns the name (an alias is added) and the file is imported again: the
        // same difficulty gets its agency, no twin is made.
        t.db.add_alias("BNG", "Sở Ngoại vụ tỉnh X", "test")
            .await
            .expect("alias");
        let third = common::import_text(
            &t.db,
            "kho-khan.txt",
            text,
            "kho-khan",
            date!(2025 - 11 - 10),
        )
        .await;
        assert_eq!(third.difficulties.created, 0, "{}: no twin", t.label);
        let all = t.db.difficulties(None).await.expect("register");
        assert_eq!(all.len(), 2, "{}", t.label);
        let known = all
            .iter()
            .find(|d| d.text == "Thiếu kinh phí")
            .expect("kept");
        assert_eq!(known.id, unknown_id, "{}: the same difficulty", t.label);
        assert_eq!(
            known.agency_id,
            Some(agency_id(&t.db, "BNG").await),
            "{}: now with its agency",
            t.label
        );
        t.cleanup().await;
    }
}

/// Groups named in footnotes (issue #35, part 3), through the store: the nine provinces of "09
/// địa phương¹" each owe an answer; the ministries of a qualified group's note, only they; "06
/// địa phương³" whose note names five is kept as written, owed by nobody, and the file imports.
#[tokio::test]
async fn groups_named_in_footnotes_owe_their_answers_member_by_member() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/constructed/cong-van-515-BTC.docx");
    for t in backends().await {
        let s = import_file(&t.db, &file, "cv-515", date!(2026 - 09 - 02)).await;
        assert_eq!(s.difficulties.created, 3, "{}", t.label);
        let all = t.db.difficulties(None).await.expect("register");
        let by_text = |start: &str| {
            all.iter()
                .find(|d| d.text.starts_with(start))
                .unwrap_or_else(|| panic!("{start}"))
        };
        let known = |d: &tiendo_store::difficulties::Difficulty| {
            let mut v: Vec<String> = d
                .handlers
                .iter()
                .filter(|h| h.agency_id.is_some())
                .map(|h| h.name.clone())
                .collect();
            v.sort();
            v
        };
        let nine = known(by_text("Chưa nhận được dự toán"));
        assert_eq!(nine.len(), 9, "{}: {nine:?}", t.label);
        for p in ["Lào Cai", "Thái Nguyên", "Điện Biên"] {
            assert!(
                nine.iter().any(|n| n.contains(p)),
                "{}: {p} in {nine:?}",
                t.label
            );
        }
        assert_eq!(
            known(by_text("Chưa thống nhất")),
            ["Bộ Công an", "Bộ Khoa học và Công nghệ", "Bộ Y tế"],
            "{}",
            t.label
        );
        let six = by_text("Chưa báo cáo");
        assert!(known(six).is_empty(), "{}: nobody guessed", t.label);
        assert!(
            six.handlers
                .iter()
                .any(|h| h.agency_id.is_none() && h.name.starts_with("06 địa phương")),
            "{}: {:?}",
            t.label,
            six.handlers
        );
        t.cleanup().await;
    }
}

/// `report results` as JSON from the binary.
fn results_json(url: &str, document: &str, as_of: &str) -> serde_json::Value {
    common::cli_json(
        url,
        &[
            "report",
            "results",
            "--document",
            document,
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    )
}

#[tokio::test]
async fn a_results_table_reported_again_on_its_day_says_what_the_document_said() {
    let csv = "STT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Kết quả thực hiện;Tiến độ\n\
               1;Ban hành quy chế;Bộ Y tế;31/12/2025;Đã trình Thủ tướng ngày 02/11/2025;Đang hoàn thành\n\
               2;Số hóa hồ sơ;Bộ Tư pháp;30/6/2025;Đã số hóa 100% hồ sơ;Đã hoàn thành quá hạn\n\
               3;Kết nối dữ liệu;Bộ Công an;30/9/2025;Đã kết nối 34/34 tỉnh;Đã hoàn thành\n\
               4;Rà soát thủ tục;Ban Quản lý dự án X;31/10/2025;Đang rà soát;Đang thực hiện\n";
    for t in backends().await {
        let dir = common::temp_dir();
        let path = dir.join("ket-qua.csv");
        std::fs::write(&path, csv).expect("write");
        import_file(&t.db, &path, "ket-qua", date!(2025 - 11 - 07)).await;
        let v = results_json(&t.url, "ket-qua", "2025-11-07");
        let items: Vec<(String, String, String)> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["number"].as_str().unwrap_or("").to_string(),
                    i["status"].as_str().unwrap_or("").to_string(),
                    i["result"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            items,
            [
                (
                    "1".into(),
                    "Đang hoàn thành".into(),
                    "Đã trình Thủ tướng ngày 02/11/2025".into()
                ),
                (
                    "2".into(),
                    "Đã hoàn thành quá hạn".into(),
                    "Đã số hóa 100% hồ sơ".into()
                ),
                (
                    "3".into(),
                    "Đã hoàn thành".into(),
                    "Đã kết nối 34/34 tỉnh".into()
                ),
                // No lead agency could be named: what the document said is all that is known.
                ("4".into(), "Đang thực hiện".into(), "Đang rà soát".into()),
            ],
            "{}",
            t.label
        );
        // Two months later nothing new was reported: task 1 is now late, and says so.
        let later = results_json(&t.url, "ket-qua", "2026-01-15");
        assert_eq!(
            later["items"][0]["status"], "Chưa hoàn thành",
            "{}",
            t.label
        );
        assert_eq!(
            later["items"][0]["result"],
            "Đã trình Thủ tướng ngày 02/11/2025"
        );
        assert_eq!(later["items"][1]["status"], "Đã hoàn thành quá hạn");
        t.cleanup().await;
    }
}
