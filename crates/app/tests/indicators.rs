//! Indicators on SQLite and PostgreSQL: both table layouts imported (all or nothing, the same
//! file again changes nothing), `report indicators --format json` as docs/contracts.md says,
//! status at several dates, agencies' figures confirmed or returned, targets, links to tasks,
//! and every bad input refused with one message and nothing stored.

mod common;

use common::{backends, import_text};
use tiendo_domain::indicator::{Colour, IndicatorStatus};
use tiendo_service::Service;
use tiendo_service::indicators::{self as ind, TargetSetting, ValueReport};
use tiendo_service::notices::Notice;
use tiendo_store::users::User;
use time::macros::date;

const ROWS: &str = "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2025;Kết quả thực hiện;Cơ quan chủ trì;Đánh giá\n\
1;Dịch vụ công thiết yếu cung cấp trực tuyến toàn trình;dịch vụ;76;58/76;Bộ Công an;Chưa đạt\n\
2;Tỷ lệ phủ sóng 5G;%;90%;39,5 %;Bộ Khoa học và Công nghệ;Chưa đạt\n\
3;Số địa phương kết nối Cơ sở dữ liệu quốc gia về dân cư;địa phương;34/34;34/34;Bộ Công an;Đạt\n\
4;Giá trị giải ngân vốn cho chuyển đổi số;nghìn tỷ đồng;12,7;11,7 nghìn tỷ đồng;Bộ Tài chính;\n\
5;Số cơ sở dữ liệu chuyên ngành kết nối;cơ sở dữ liệu;12;khoảng vài chục;Bộ Y tế;\n";

const MATRIX: &str = "STT;Tỉnh, thành phố;Tỷ lệ hồ sơ trực tuyến toàn trình (%) (mục tiêu: 80%)\n\
1;Thành phố Hà Nội;85,3%\n\
2;Thành phố Hồ Chí Minh;78 %\n\
3;Tỉnh Lạng Sơn;Chưa báo cáo\n\
;Toàn quốc;72,1%\n";

fn report(url: &str, as_of: &str) -> serde_json::Value {
    common::cli_json(
        url,
        &["report", "indicators", "--as-of", as_of, "--format", "json"],
    )
}

fn named<'a>(v: &'a serde_json::Value, start: &str) -> &'a serde_json::Value {
    v["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["name"].as_str().is_some_and(|n| n.starts_with(start)))
        .unwrap_or_else(|| panic!("{start}"))
}

async fn user(db: &tiendo_store::Db, name: &str, role: &str, agency: Option<&str>) -> User {
    common::browser::user(db, name, role, agency, "mat-khau-chung-1").await;
    db.user_by_username(name)
        .await
        .expect("query")
        .expect("user")
}

#[tokio::test]
async fn both_layouts_are_imported_once_and_reported_as_the_contract_says() {
    for t in backends().await {
        let s = import_text(
            &t.db,
            "chi-tieu.csv",
            ROWS,
            "chi-tieu",
            date!(2025 - 10 - 31),
        )
        .await;
        assert_eq!(
            (s.indicators.created, s.indicators.values),
            (5, 5),
            "{}",
            t.label
        );
        let s = import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        assert_eq!(
            (s.indicators.created, s.indicators.values),
            (1, 4),
            "{}",
            t.label
        );
        // The same files again: nothing new.
        let s = import_text(
            &t.db,
            "chi-tieu.csv",
            ROWS,
            "chi-tieu",
            date!(2025 - 10 - 31),
        )
        .await;
        assert_eq!(
            (s.indicators.created, s.indicators.values),
            (0, 0),
            "{}",
            t.label
        );

        let v = report(&t.url, "2025-11-01");
        assert_eq!(v["as_of"], "2025-11-01");
        let services = named(&v, "Dịch vụ công thiết yếu");
        assert_eq!(services["unit"], "dịch vụ");
        assert_eq!(services["lead"][0]["name"], "Bộ Công an");
        assert_eq!(services["target"]["raw"], "76");
        assert_eq!(services["target"]["value"], 76.0);
        let nat = &services["values"][0];
        assert_eq!(nat["agency"], serde_json::Value::Null);
        assert_eq!(
            (nat["as_of"].as_str(), nat["raw"].as_str()),
            (Some("2025-10-31"), Some("58/76"))
        );
        assert_eq!(
            (
                nat["value"].as_f64(),
                nat["numerator"].as_f64(),
                nat["denominator"].as_f64()
            ),
            (Some(58.0), Some(58.0), Some(76.0))
        );
        assert_eq!(services["status"], "not_achieved", "{}", t.label);
        assert_eq!(named(&v, "Số địa phương kết nối")["status"], "achieved");
        // 11,7 of 12,7 nghìn tỷ đồng, compared in one unit.
        assert_eq!(named(&v, "Giá trị giải ngân")["values"][0]["value"], 11.7);
        // The target "12,7" is in the column's "nghìn tỷ đồng" too: 11,7 has not reached it.
        assert_eq!(
            named(&v, "Giá trị giải ngân")["status"],
            "not_achieved",
            "{}",
            t.label
        );
        // A figure that cannot be read stays text: no data to judge by.
        let vague = named(&v, "Số cơ sở dữ liệu chuyên ngành");
        assert_eq!(vague["values"][0]["raw"], "khoảng vài chục");
        assert_eq!(vague["status"], "no_data");
        // By agency: Hà Nội's figure with its name; the national row.
        let rate = named(&v, "Tỷ lệ hồ sơ trực tuyến");
        let hanoi = rate["values"]
            .as_array()
            .expect("values")
            .iter()
            .find(|x| x["agency"]["name"] == "Thành phố Hà Nội")
            .expect("Hà Nội");
        assert_eq!(
            (hanoi["raw"].as_str(), hanoi["value"].as_f64()),
            (Some("85,3%"), Some(85.3))
        );
        assert_eq!(hanoi["status"], "achieved", "{}", t.label);
        // At the end of the year, 58/76 has not reached 76: not achieved, red.
        let end = report(&t.url, "2025-12-31");
        assert_eq!(named(&end, "Dịch vụ công thiết yếu")["colour"], "red");
        // Before any figure: no data.
        let before = report(&t.url, "2025-10-30");
        assert_eq!(
            named(&before, "Dịch vụ công thiết yếu")["status"],
            "no_data"
        );
        t.cleanup().await;
    }
}

/// An appendix as provinces send it: nothing in it refuses the file. A group lead answers for
/// the indicator through its members; a figure the stored target cannot be compared with is kept
/// as written, without a number, and said.
#[tokio::test]
async fn a_sloppy_appendix_is_stored_whole_and_says_what_it_kept_as_written() {
    const SLOPPY: &str = "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2026;Kết quả thực hiện;Cơ quan chủ trì\n\
1;Tỷ lệ thủ tục có hồ sơ trực tuyến;%;85%;61,3;UBND các tỉnh, thành phố\n\
2;Số hệ thống kết nối nền tảng tích hợp;hệ thống;120;Đang triển khai;Bộ Khoa học và Công nghệ\n\
3;Tỷ lệ cơ quan dùng chữ ký số;%;100%;38 cơ quan;Ban Cơ yếu Chính phủ\n";
    // A later report of the same indicators, without targets: a count where a share is due.
    const LATER: &str = "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu;Kết quả thực hiện;Cơ quan chủ trì\n\
1;Tỷ lệ thủ tục có hồ sơ trực tuyến;;;2.400 thủ tục;UBND các tỉnh, thành phố\n\
2;Số hệ thống kết nối nền tảng tích hợp;hệ thống;;64;Bộ Khoa học và Công nghệ\n";
    for t in backends().await {
        let s = import_text(
            &t.db,
            "chi-tieu.csv",
            SLOPPY,
            "chi-tieu",
            date!(2026 - 05 - 31),
        )
        .await;
        assert_eq!(
            (s.indicators.created, s.indicators.values),
            (3, 3),
            "{}",
            t.label
        );
        let all = t.db.indicators().await.expect("indicators");
        let id = |start: &str| {
            all.iter()
                .find(|i| i.name.starts_with(start))
                .map(|i| i.id)
                .unwrap_or_else(|| panic!("{start}"))
        };
        let rate = id("Tỷ lệ thủ tục");
        // "UBND các tỉnh, thành phố": the 34 provinces lead it.
        assert_eq!(
            t.db.indicator_leads(rate).await.expect("leads").len(),
            34,
            "{}",
            t.label
        );
        let values = |i: i64| {
            let db = t.db.clone();
            async move { db.indicator_values(i, None).await.expect("values") }
        };
        let v = values(rate).await;
        assert_eq!(
            (v[0].raw.as_str(), v[0].value),
            ("61,3", Some(61.3)),
            "{}",
            t.label
        );
        assert_eq!(v[0].form, "percent");
        let pending = values(id("Số hệ thống")).await;
        assert_eq!(
            (pending[0].form.as_str(), pending[0].value),
            ("no_data", None)
        );
        let signed = values(id("Tỷ lệ cơ quan")).await;
        assert_eq!(
            (signed[0].raw.as_str(), signed[0].value),
            ("38 cơ quan", None)
        );

        let s = import_text(
            &t.db,
            "chi-tieu-6.csv",
            LATER,
            "chi-tieu-6",
            date!(2026 - 06 - 30),
        )
        .await;
        assert_eq!(s.indicators.values, 2, "{}: both kept", t.label);
        assert_eq!(
            s.indicators.warnings.len(),
            1,
            "{}: {:?}",
            t.label,
            s.indicators.warnings
        );
        assert!(
            s.indicators.warnings[0].contains("2.400 thủ tục"),
            "{:?}",
            s.indicators.warnings
        );
        let v = values(rate).await;
        let later = v
            .iter()
            .find(|x| x.raw == "2.400 thủ tục")
            .expect("kept as written");
        assert_eq!(
            (later.form.as_str(), later.value),
            ("text", None),
            "{}",
            t.label
        );
        assert!(
            later
                .note
                .as_deref()
                .is_some_and(|n| n.contains("khác đơn vị"))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn agencies_report_their_figures_the_standing_agency_confirms_or_returns() {
    for t in backends().await {
        import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        let service = Service::new(t.db.clone()).await.expect("service");
        let rate = t.db.indicators().await.expect("list")[0].id;
        let hcm = user(&t.db, "dm.hcm", "focal", Some("P_HCM")).await;
        let tt = user(&t.db, "tt", "standing", None).await;
        let hn = t.db.agency_id("P_HANOI").await.expect("q").expect("Hà Nội");
        let hcm_id = t.db.agency_id("P_HCM").await.expect("q").expect("HCM");
        let report_of = |value: &str, as_of: &str| ValueReport {
            agency: String::new(),
            as_of: as_of.into(),
            value: value.into(),
            evidence: "Báo cáo số 12/BC-UBND".into(),
        };
        // Hồ Chí Minh City reports 82 %: it waits for the standing agency, and counts meanwhile.
        let id = ind::report_value(&service, &hcm, rate, &report_of("82%", "2025-11-20"))
            .await
            .expect("reported");
        {
            let book = service.indicator_book().await.expect("book");
            let c = book
                .cell(rate, Some(hcm_id), date!(2025 - 11 - 21))
                .expect("cell");
            assert_eq!(
                c.assessment.status,
                IndicatorStatus::Achieved,
                "{}",
                t.label
            );
        }
        let waiting = t.db.indicator_values_waiting().await.expect("waiting");
        assert_eq!(waiting.iter().map(|v| v.id).collect::<Vec<_>>(), [id]);
        // Returned with its reason: it no longer counts; the older figure is in force again.
        assert!(
            ind::review_value(&service, &tt, id, false, "")
                .await
                .is_err(),
            "a reason is needed"
        );
        ind::review_value(&service, &tt, id, false, "Thiếu văn bản kèm theo")
            .await
            .expect("returned");
        {
            let book = service.indicator_book().await.expect("book");
            let c = book
                .cell(rate, Some(hcm_id), date!(2025 - 11 - 21))
                .expect("cell");
            assert_eq!(c.compared, Some(78.0), "{}", t.label);
        }
        // Reported again and confirmed: a correction keeps the history.
        let id = ind::report_value(&service, &hcm, rate, &report_of("81,5%", "2025-11-20"))
            .await
            .expect("again");
        ind::review_value(&service, &tt, id, true, "")
            .await
            .expect("confirmed");
        let history =
            t.db.indicator_values(rate, Some(Some(hcm_id)))
                .await
                .expect("history");
        assert_eq!(
            history
                .iter()
                .map(|v| (v.raw.as_str(), v.state.as_str()))
                .collect::<Vec<_>>(),
            [
                ("78 %", "confirmed"),
                ("82%", "returned"),
                ("81,5%", "confirmed")
            ],
            "{}",
            t.label
        );
        // A focal point cannot report another agency's figure: it is always its own.
        let mut other = report_of("99%", "2025-11-20");
        other.agency = "P_HANOI".into();
        ind::report_value(&service, &hcm, rate, &other)
            .await
            .expect("own figure");
        assert!(
            t.db.indicator_values(rate, Some(Some(hn)))
                .await
                .expect("hn")
                .len()
                == 1,
            "Hà Nội unchanged"
        );
        // The standing agency sets Hà Nội's own target for 2026 and another for the nation.
        ind::set_target(
            &service,
            &tt,
            rate,
            &TargetSetting {
                agency: "P_HANOI".into(),
                period: "2026".into(),
                value: "95%".into(),
            },
        )
        .await
        .expect("target");
        let book = service.indicator_book().await.expect("book");
        assert_eq!(
            book.target_on(rate, Some(hn), date!(2026 - 03 - 01))
                .and_then(|t| t.value.value),
            Some(95.0)
        );
        drop(book);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_one_message_and_nothing_stored() {
    for t in backends().await {
        import_text(
            &t.db,
            "chi-tieu.csv",
            ROWS,
            "chi-tieu",
            date!(2025 - 10 - 31),
        )
        .await;
        import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        let service = Service::new(t.db.clone()).await.expect("service");
        let list = t.db.indicators().await.expect("list");
        let services = list
            .iter()
            .find(|i| i.name.starts_with("Dịch vụ công"))
            .expect("services")
            .id;
        let rate = list
            .iter()
            .find(|i| i.name.starts_with("Tỷ lệ hồ sơ"))
            .expect("rate")
            .id;
        let tt = user(&t.db, "tt", "standing", None).await;
        let bca = user(&t.db, "dm.bca", "focal", Some("BCA")).await;
        let btc = user(&t.db, "dm.btc", "focal", Some("BTC")).await;
        let ln = user(&t.db, "dm.ln", "focal", Some("P_CANTHO")).await;
        let count = |db: tiendo_store::Db| async move {
            let mut n = 0;
            for i in db.indicators().await.expect("list") {
                n += db.indicator_values(i.id, None).await.expect("values").len();
            }
            n
        };
        let before = count(t.db.clone()).await;
        let r = |agency: &str, value: &str| ValueReport {
            agency: agency.into(),
            as_of: "2025-11-15".into(),
            value: value.into(),
            evidence: String::new(),
        };
        // A number that does not parse.
        let e = ind::report_value(&service, &bca, services, &r("", "khoảng sáu mươi"))
            .await
            .expect_err("unreadable");
        assert!(e.text().contains("khoảng sáu mươi"), "{}", e.text());
        // A figure among words is what a document's cell may hold, not what a form takes: it is
        // said not to be a number, not to be of another unit (issue #37, part 7).
        let e = ind::report_value(&service, &bca, services, &r("", "khoảng 40 phần trăm"))
            .await
            .expect_err("words");
        assert!(
            e.text()
                .contains("«khoảng 40 phần trăm» không phải là một số"),
            "{}",
            e.text()
        );
        // A day that is not in the calendar is called so.
        let mut feb = r("", "60/76");
        feb.as_of = "31/02/2025".into();
        let e = ind::report_value(&service, &bca, services, &feb)
            .await
            .expect_err("no such day");
        assert!(
            e.text().contains("ngày 31/02/2025 không có trong lịch"),
            "{}",
            e.text()
        );
        // A figure of another unit than the target: 58 % for a count of services.
        let e = ind::report_value(&service, &bca, services, &r("", "60%"))
            .await
            .expect_err("unit");
        assert!(e.text().contains("khác đơn vị"), "{}", e.text());
        // An agency the indicator does not cover (Cần Thơ is not in the table).
        let e = ind::report_value(&service, &ln, rate, &r("", "70%"))
            .await
            .expect_err("coverage");
        assert!(e.text().contains("không thuộc phạm vi"), "{}", e.text());
        // A national indicator: only its lead reports it.
        assert!(
            ind::report_value(&service, &btc, services, &r("", "60/76"))
                .await
                .is_err()
        );
        // A target of another unit, and a period outside the indicator's life.
        let e = ind::set_target(
            &service,
            &tt,
            services,
            &TargetSetting {
                agency: String::new(),
                period: "2026".into(),
                value: "Đạt".into(),
            },
        )
        .await
        .expect_err("unit");
        assert!(e.text().contains("khác đơn vị"), "{}", e.text());
        assert!(
            ind::set_target(
                &service,
                &tt,
                services,
                &TargetSetting {
                    agency: String::new(),
                    period: "Quý V/2026".into(),
                    value: "80".into()
                }
            )
            .await
            .is_err()
        );
        // The life of an indicator: followed from 1/1/2025 to 31/12/2025, lower is better.
        let life = |from: &str, to: &str, direction: &str| ind::LifeSetting {
            valid_from: from.into(),
            valid_to: to.into(),
            direction: direction.into(),
        };
        // Not by a focal point; not an absurd day; not an end before the start.
        assert!(
            ind::set_life(&service, &bca, rate, &life("01/01/2025", "", ""))
                .await
                .is_err()
        );
        for (from, to) in [("32/13/2025", ""), ("31/12/2025", "01/01/2025")] {
            let e = ind::set_life(&service, &tt, rate, &life(from, to, ""))
                .await
                .expect_err("bad days");
            assert_eq!(e.code, Notice::IndicatorLifeInvalid, "{from} {to}");
        }
        // A life that would leave the figures of 31/10/2025 outside it is refused.
        let e = ind::set_life(&service, &tt, rate, &life("01/01/2026", "", ""))
            .await
            .expect_err("figures outside");
        assert!(e.text().contains("31/10/2025"), "{}", e.text());
        assert_eq!(
            t.db.indicator(rate)
                .await
                .expect("q")
                .expect("row")
                .valid_from,
            None
        );
        ind::set_life(
            &service,
            &tt,
            rate,
            &life("01/01/2025", "31/12/2025", "lower"),
        )
        .await
        .expect("set");
        let row = t.db.indicator(rate).await.expect("q").expect("row");
        assert_eq!(
            (row.valid_from, row.valid_to, row.direction.as_str()),
            (
                Some(date!(2025 - 01 - 01)),
                Some(date!(2025 - 12 - 31)),
                "lower"
            ),
            "{}",
            t.label
        );
        // Now a figure for 2026, or a target for 2026, falls outside its life.
        let e = ind::report_value(
            &service,
            &tt,
            rate,
            &ValueReport {
                agency: "P_HANOI".into(),
                as_of: "15/02/2026".into(),
                value: "90%".into(),
                evidence: String::new(),
            },
        )
        .await
        .expect_err("outside its life");
        assert!(e.text().contains("ngoài"), "{}", e.text());
        let e = ind::set_target(
            &service,
            &tt,
            rate,
            &TargetSetting {
                agency: String::new(),
                period: "2026".into(),
                value: "90%".into(),
            },
        )
        .await
        .expect_err("outside its life");
        assert_eq!(e.code, Notice::PeriodUnreadable);
        assert_eq!(
            count(t.db.clone()).await,
            before,
            "{}: nothing stored",
            t.label
        );
        // An import whose figure is of another unit than the target is not refused: the
        // figure is kept as written without a number, the rest of the file is stored.
        let sloppy = "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2025;Kết quả thực hiện;Cơ quan chủ trì\n1;Dịch vụ công thiết yếu cung cấp trực tuyến toàn trình;dịch vụ;76;60%;Bộ Công an\n2;Chỉ tiêu mới;%;50%;20%;Bộ Y tế\n";
        let reg = t.db.load_registry().await.expect("registry").registry;
        let p = tiendo_office::read_bytes(
            "sai.csv",
            sloppy.as_bytes(),
            tiendo_office::ReadOptions {
                registry: &reg,
                reported_on: date!(2025 - 11 - 30),
            },
        )
        .expect("reads");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("60%") && w.contains("dòng 1")),
            "{:?}",
            p.warnings
        );
        t.db.import_document(tiendo_store::import::ImportInput {
            committee: None,
            doc_key: "sai",
            file_name: "sai.csv",
            title: None,
            tasks: &p.tasks,
            difficulties: &p.difficulties,
            indicators: &p.indicators,
            warnings: &p.warnings,
            reported_on: date!(2025 - 11 - 30),
            actor: "test",
            progress: None,
            external_system: None,
            silence_rule: None,
        })
        .await
        .expect("stored");
        assert_eq!(
            t.db.indicators().await.expect("list").len(),
            7,
            "{}: the new indicator is stored",
            t.label
        );
        let kept =
            t.db.indicator_values(services, None)
                .await
                .expect("values")
                .into_iter()
                .find(|v| v.raw == "60%")
                .expect("kept as written");
        assert_eq!(kept.value, None, "{}: no number", t.label);
        assert_eq!(count(t.db.clone()).await, before + 2);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn indicators_and_tasks_are_linked_both_ways() {
    for t in backends().await {
        import_text(
            &t.db,
            "chi-tieu.csv",
            ROWS,
            "chi-tieu",
            date!(2025 - 10 - 31),
        )
        .await;
        import_text(&t.db, "p.csv", "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Hoàn thành dịch vụ công toàn trình;Bộ Công an;31/12/2025\n", "p", date!(2025 - 10 - 31)).await;
        let service = Service::new(t.db.clone()).await.expect("service");
        let tt = user(&t.db, "tt", "standing", None).await;
        let i = t.db.indicators().await.expect("list")[0].id;
        let task = common::task(&t.db, "p", "1").await;
        ind::link_task(&service, &tt, i, &task.to_string(), true)
            .await
            .expect("linked");
        assert_eq!(t.db.indicator_task_ids(i).await.expect("q"), [task]);
        assert_eq!(t.db.task_indicator_ids(task).await.expect("q"), [i]);
        assert!(
            ind::link_task(&service, &tt, i, "999999", true)
                .await
                .is_err()
        );
        ind::link_task(&service, &tt, i, &task.to_string(), false)
            .await
            .expect("unlinked");
        assert!(t.db.indicator_task_ids(i).await.expect("q").is_empty());
        let _ = Colour::Green;
        t.cleanup().await;
    }
}

fn score(url: &str, month: &str) -> serde_json::Value {
    common::cli_json(url, &["score", "--month", month])
}

fn row<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
}

const NOTICE: &str = "VĂN PHÒNG CHÍNH PHỦ\nSố: 777/TB-VPCP\nHà Nội, ngày 05 tháng 10 năm 2025\nTHÔNG BÁO\nKết luận của Ban Chỉ đạo\n\
II. NHIỆM VỤ\n\
- Ủy ban nhân dân Thành phố Hà Nội hoàn thành kết nối kho dữ liệu, hoàn thành trước ngày 15 tháng 11 năm 2025. Phân công Phó Thủ tướng Chính phủ Nguyễn Chí Dũng theo dõi, chỉ đạo.\n\
- Ủy ban nhân dân Tỉnh Lạng Sơn số hóa sổ hộ tịch, hoàn thành trước ngày 15 tháng 11 năm 2025. Phân công Phó Thủ tướng Chính phủ Nguyễn Chí Dũng và Bộ trưởng Bộ Tư pháp theo dõi, chỉ đạo.\n\
Văn phòng Chính phủ trân trọng thông báo để các cơ quan biết, thực hiện./.\n";

#[tokio::test]
async fn the_score_counts_indicators_ranks_within_each_kind_and_scores_the_leaders() {
    for t in backends().await {
        import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        let s = import_text(&t.db, "tb.txt", NOTICE, "777", date!(2025 - 10 - 05)).await;
        assert_eq!(s.tasks_created, 2, "{}", t.label);
        let v = score(&t.url, "2025-11");
        assert_eq!(v["nothing_due"], false);
        assert!(
            v["tie_break"]
                .as_str()
                .is_some_and(|x| x.contains("cùng hạng"))
        );
        // Hà Nội: 85,3 % against 80 %: green, 1 of 1. Lạng Sơn: no figure: 0 of 1.
        let hanoi = row(&v, "Thành phố Hà Nội");
        assert_eq!(
            (
                hanoi["components"]["indicators_assessed"].as_u64(),
                hanoi["components"]["indicators_green"].as_u64()
            ),
            (Some(1), Some(1)),
            "{}",
            t.label
        );
        let lang_son = row(&v, "Tỉnh Lạng Sơn");
        assert_eq!(lang_son["components"]["indicators_green"], 0);
        assert_eq!(lang_son["components"]["indicators_assessed"], 1);
        assert_eq!(hanoi["kind"], "provinces");
        assert!(hanoi["kind_rank"].as_u64().is_some());
        // Both tasks overdue at the end of November: the two leaders named, each on their tasks.
        let leaders = v["leaders"].as_array().expect("leaders");
        let dung = leaders
            .iter()
            .find(|l| l["leader"] == "Phó Thủ tướng Chính phủ Nguyễn Chí Dũng")
            .expect("the Deputy Prime Minister");
        assert_eq!(dung["components"]["due_in_month"], 2, "{}", t.label);
        assert_eq!(dung["components"]["overdue_at_end"], 2);
        let minister = leaders
            .iter()
            .find(|l| l["leader"] == "Bộ trưởng Bộ Tư pháp")
            .expect("the minister");
        assert_eq!(minister["components"]["due_in_month"], 1);
        // March 2025: nothing was due and nothing overdue — no ranking at all.
        let march = score(&t.url, "2025-03");
        assert_eq!(march["nothing_due"], true, "{}", t.label);
        assert!(
            march["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .all(|r| r["rank"].is_null() && r["kind_rank"].is_null())
        );
        t.cleanup().await;
    }
}

/// The month whose figure is asked for today (figures due on the 5th of the next month) and
/// its due day, worked out here from the calendar.
fn asked_today() -> (time::Date, tiendo_domain::indicator::Period, time::Date) {
    use tiendo_domain::indicator::{Period, PeriodKind};
    let today = time::OffsetDateTime::now_utc().date();
    let month_before = |d: time::Date| {
        Period::containing(
            PeriodKind::Month,
            d.replace_day(1).expect("1st") - time::Duration::days(1),
        )
    };
    let last = month_before(today);
    if today.day() >= 5 {
        (today, last, today.replace_day(5).expect("5th"))
    } else {
        (
            today,
            month_before(last.start()),
            last.start() + time::Duration::days(4),
        )
    }
}
#[tokio::test]
async fn figures_owed_returned_and_waiting_reach_the_right_people() {
    use tiendo_domain::reminders::{Digest, ItemKind, ReminderRules};
    let (day, asked, due) = asked_today();
    let iso = |d: time::Date| tiendo_domain::deadline::iso(d);
    for t in backends().await {
        // The provinces' figures as of the end of the month before the one asked for.
        import_text(
            &t.db,
            "tinh.csv",
            MATRIX,
            "tinh",
            asked.start() - time::Duration::days(1),
        )
        .await;
        // Set up a year ago: every month's figure is asked for (one set up after the due day
        // is not asked that month's).
        tiendo_store::sqlx::query("UPDATE indicators SET created_at = $1")
            .bind(format!(
                "{}T00:00:00Z",
                iso(day - time::Duration::days(365))
            ))
            .execute(t.db.pool())
            .await
            .expect("backdate");
        let service = Service::new(t.db.clone()).await.expect("service");
        let rate = t.db.indicators().await.expect("list")[0].id;
        let hcm = user(&t.db, "dm.hcm", "focal", Some("P_HCM")).await;
        let hn = user(&t.db, "dm.hn", "focal", Some("P_HANOI")).await;
        let tt = user(&t.db, "tt", "standing", None).await;
        let rules = ReminderRules::default();
        let digests = || async {
            let snap = tiendo_service::load_snapshot(&t.db)
                .await
                .expect("snapshot");
            tiendo_service::reminders::compute(&t.db, &snap, day, &rules)
                .await
                .expect("digests")
        };
        let of = |v: &[Digest], who: &str| -> Vec<(ItemKind, Option<i64>, Option<String>)> {
            v.iter()
                .find(|d| d.user == who)
                .map(|d| {
                    d.items
                        .iter()
                        .map(|i| (i.kind, i.indicator_id, i.detail.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        // Hồ Chí Minh City reports the asked month's figure; Hà Nội does not.
        let report = ValueReport {
            agency: String::new(),
            as_of: iso(asked.end()),
            value: "82%".into(),
            evidence: String::new(),
        };
        let first = ind::report_value(&service, &hcm, rate, &report)
            .await
            .expect("reported");
        let v = digests().await;
        let month = asked.vietnamese().to_lowercase();
        assert_eq!(
            of(&v, "dm.hn"),
            [(
                ItemKind::FigureMissing,
                Some(rate),
                Some(format!(
                    "Số liệu {month} chưa báo cáo; số liệu gần nhất tính đến ngày {}",
                    tiendo_domain::deadline::vn(asked.start() - time::Duration::days(1))
                ))
            )],
            "{}",
            t.label
        );
        let hn_item = &v.iter().find(|d| d.user == "dm.hn").expect("hn").items[0];
        assert_eq!(
            (hn_item.due, hn_item.days_late, hn_item.link.clone()),
            (
                Some(due),
                Some((day - due).whole_days()),
                format!("/chi-tieu/{rate}")
            ),
            "{}",
            t.label
        );
        assert!(
            hn_item
                .indicator
                .as_deref()
                .is_some_and(|n| n.contains("Tỷ lệ hồ sơ trực tuyến toàn trình")),
            "{:?}",
            hn_item.indicator
        );
        assert!(of(&v, "dm.hcm").is_empty(), "{}: reported", t.label);
        let reported_on = tiendo_domain::deadline::vn(day);
        assert_eq!(
            of(&v, "tt"),
            [(
                ItemKind::FigureWaiting,
                Some(rate),
                Some(format!(
                    "1 số liệu do cơ quan báo cáo chờ xác nhận, số liệu chờ lâu nhất gửi ngày {reported_on}"
                ))
            )],
            "{}",
            t.label
        );
        // Each inbox shows what its digest says.
        let snap = tiendo_service::load_snapshot(&t.db)
            .await
            .expect("snapshot");
        for (u, who) in [(&hn, "dm.hn"), (&tt, "tt")] {
            let inbox = tiendo_service::reminders::inbox(&t.db, &snap, u, day, &rules)
                .await
                .expect("inbox");
            let digest = v.iter().find(|d| d.user == who).expect("digest");
            assert_eq!(inbox, digest.items, "{}: {who}", t.label);
        }
        // Returned: Hồ Chí Minh City hears why, the standing agency has nothing left to confirm.
        ind::review_value(&service, &tt, first, false, "Thiếu số liệu <VNeID> mức 2")
            .await
            .expect("returned");
        let v = digests().await;
        assert_eq!(
            of(&v, "dm.hcm"),
            [(
                ItemKind::FigureReturned,
                Some(rate),
                Some(format!(
                    "Số liệu \"82%\" tính đến ngày {} bị trả lại ngày {reported_on}: Thiếu số liệu <VNeID> mức 2",
                    tiendo_domain::deadline::vn(asked.end())
                ))
            )],
            "{}",
            t.label
        );
        assert!(of(&v, "tt").is_empty(), "{}: nothing waits", t.label);
        // Reported again: the return is answered, the new figure waits.
        ind::report_value(&service, &hcm, rate, &report)
            .await
            .expect("again");
        let v = digests().await;
        assert!(of(&v, "dm.hcm").is_empty(), "{}", t.label);
        assert_eq!(
            of(&v, "tt").iter().map(|i| i.0).collect::<Vec<_>>(),
            [ItemKind::FigureWaiting]
        );
        // Before the due day the month asked for is the one before, which Hà Nội reported; so
        // with a due day after today. Through `tiendo remind` as JSON.
        let kinds_of = |v: &serde_json::Value, who: &str| -> Vec<String> {
            v["messages"]
                .as_array()
                .expect("messages")
                .iter()
                .filter(|m| m["user"] == who)
                .flat_map(|m| m["items"].as_array().cloned().unwrap_or_default())
                .map(|i| i["kind"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let remind = |on: time::Date, extra: &[&str]| {
            let on = iso(on);
            let mut args = vec!["remind", "--as-of", &on, "--dry-run", "--format", "json"];
            args.extend_from_slice(extra);
            common::cli_json(&t.url, &args)
        };
        let j = remind(day, &[]);
        assert_eq!(kinds_of(&j, "dm.hn"), ["figure_missing"], "{}", t.label);
        let item = &j["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["user"] == "dm.hn")
            .expect("hn")["items"][0];
        assert_eq!(item["indicator_id"], rate.to_string());
        assert_eq!(item["due"], iso(due));
        assert!(kinds_of(&remind(due - time::Duration::days(1), &[]), "dm.hn").is_empty());
        if day.day() >= 5 && day.day() < 28 {
            // Due tomorrow: last month is not yet asked for, the month before was reported.
            let later = (day.day() + 1).to_string();
            assert!(
                kinds_of(&remind(day, &["--figures-due-day", &later]), "dm.hn").is_empty(),
                "{}: due on the {later}th",
                t.label
            );
        } else if day.day() < 5 {
            // Due on the 1st: last month is asked for already.
            let j = remind(day, &["--figures-due-day", "1"]);
            let last = tiendo_domain::indicator::Period::containing(
                tiendo_domain::indicator::PeriodKind::Month,
                day.replace_day(1).expect("1st") - time::Duration::days(1),
            );
            let detail = j["messages"]
                .as_array()
                .expect("messages")
                .iter()
                .find(|m| m["user"] == "dm.hn")
                .expect("hn")["items"][0]["detail"]
                .as_str()
                .unwrap_or("")
                .to_string();
            assert!(
                detail.starts_with(&format!(
                    "Số liệu {} chưa báo cáo",
                    last.vietnamese().to_lowercase()
                )),
                "{}: {detail}",
                t.label
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_scorecard_and_the_list_follow_each_new_figure() {
    use common::browser::Browser;
    for t in backends().await {
        import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        let state = tiendo_web::AppState::new(t.db.clone(), false)
            .await
            .expect("state");
        let tt = user(&t.db, "tt", "standing", None).await;
        let mut b = Browser::new(state);
        b.login("tt", "mat-khau-chung-1").await;
        let order = |body: &str| -> Vec<usize> {
            let table = body.find("class=\"scorecard\"").expect("scorecard");
            ["Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Tỉnh Lạng Sơn"]
                .iter()
                .map(|n| body[table..].find(n).expect(n))
                .collect()
        };
        let card = "/chi-tieu/bang-diem?loai=tinh&ngay=2025-11-30";
        // Both cities on or above the line, by name; Lạng Sơn without a figure last.
        let o = order(&b.get(card).await.body);
        assert!(o[0] < o[1] && o[1] < o[2], "{}: {o:?}", t.label);
        let list = b.get("/chi-tieu?ngay=2025-11-30").await.body;
        assert!(list.contains("72,1%"), "{}", t.label);
        // Another server (its own service) records Hà Nội's fall and a new national figure:
        // the next requests show them, not what was computed before.
        let other = Service::new(t.db.clone()).await.expect("service");
        let rate = t.db.indicators().await.expect("list")[0].id;
        for (agency, value) in [("P_HANOI", "10%"), ("", "91,5%")] {
            ind::report_value(
                &other,
                &tt,
                rate,
                &ValueReport {
                    agency: agency.into(),
                    as_of: "2025-11-20".into(),
                    value: value.into(),
                    evidence: String::new(),
                },
            )
            .await
            .expect("reported");
        }
        let o = order(&b.get(card).await.body);
        assert!(o[1] < o[0] && o[0] < o[2], "{}: {o:?}", t.label);
        let list = b.get("/chi-tieu?ngay=2025-11-30").await.body;
        assert!(
            list.contains("91,5%") && !list.contains("72,1%"),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A refused figure comes back on the indicator's page (422) with what was typed and the
/// message beside the field in error; nothing is stored.
#[tokio::test]
async fn a_refused_figure_keeps_what_was_typed() {
    use common::browser::{Browser, hidden};
    for t in backends().await {
        import_text(&t.db, "tinh.csv", MATRIX, "tinh", date!(2025 - 10 - 31)).await;
        let state = tiendo_web::AppState::new(t.db.clone(), false)
            .await
            .expect("state");
        user(&t.db, "tt", "standing", None).await;
        let mut b = Browser::new(state);
        b.login("tt", "mat-khau-chung-1").await;
        let rate = t.db.indicators().await.expect("list")[0].id;
        let page = b.get(&format!("/chi-tieu/{rate}")).await;
        let csrf = hidden(&page.body, "csrf");
        let before =
            t.db.indicator_values(rate, None)
                .await
                .expect("values")
                .len();
        let r = b
            .post(
                &format!("/chi-tieu/{rate}/so-lieu"),
                &[
                    ("csrf", &csrf),
                    ("agency", "P_HANOI"),
                    ("as_of", "30/11/2025"),
                    ("value", "khoảng một nửa"),
                    ("evidence", "Báo cáo 12/BC-UBND"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            t.label
        );
        let form = &r.body[r.body.find("id=\"so-lieu\"").expect("the form")..];
        let form = &form[..form.find("</form>").expect("its end")];
        assert!(
            form.contains("value=\"khoảng một nửa\""),
            "the figure typed stays"
        );
        assert!(
            form.contains("value=\"Báo cáo 12/BC-UBND\""),
            "and its evidence"
        );
        assert!(form.contains("value=\"30/11/2025\""), "and the day");
        assert!(
            form.contains("<option value=\"P_HANOI\" selected>"),
            "and the agency"
        );
        let value = &form[form.find("name=\"value\"").expect("value")..];
        let (message, label_end) = (value.find("class=\"field-error\""), value.find("</label>"));
        assert!(
            matches!((message, label_end), (Some(m), Some(e)) if m < e),
            "the message beside the figure"
        );
        assert_eq!(
            t.db.indicator_values(rate, None)
                .await
                .expect("values")
                .len(),
            before,
            "nothing stored"
        );
        // A refused target: its form again with the period, the value and the agency typed, the
        // message beside the period.
        let targets = t.db.indicator_targets(rate).await.expect("targets").len();
        let r = b
            .post(
                &format!("/chi-tieu/{rate}/muc-tieu"),
                &[
                    ("csrf", &csrf),
                    ("period", "Quý V/2026"),
                    ("value", "95%"),
                    ("agency", "P_HANOI"),
                ],
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let form = &r.body[r.body.find("id=\"muc-tieu\"").expect("the target form")..];
        let form = &form[..form.find("</form>").expect("its end")];
        for kept in [
            "value=\"Quý V/2026\"",
            "value=\"95%\"",
            "value=\"P_HANOI\"",
            "id=\"loi-period\"",
        ] {
            assert!(form.contains(kept), "{kept}: {form}");
        }
        assert_eq!(
            t.db.indicator_targets(rate).await.expect("targets").len(),
            targets,
            "no target stored"
        );
        t.cleanup().await;
    }
}
