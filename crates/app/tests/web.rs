//! The web application through its router (no network): accounts, sessions, CSRF, throttling,
//! who sees what, search without diacritics, escaping, the API with tokens.

mod common;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::browser::{Browser, enc, hidden, multipart, user};
use common::{backends, import_file, import_text, sample};
use http_body_util::BodyExt;
use tiendo_service::accounts as auth;
use tiendo_web::{AppState, router};
use time::macros::date;
use tower::ServiceExt;

#[tokio::test]
async fn first_admin_logs_in_changes_password_and_logs_out() {
    for t in backends().await {
        let auth::FirstAdmin {
            username: name,
            one_time_password: once,
        } = auth::ensure_first_admin(&t.db)
            .await
            .expect("admin")
            .expect("created");
        assert!(
            auth::ensure_first_admin(&t.db)
                .await
                .expect("again")
                .is_none(),
            "only once"
        );
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state);
        let p = b.get("/").await;
        assert_eq!(
            (p.status, p.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/dang-nhap?next=/"))
        );
        let p = b.login(&name, &once).await;
        assert_eq!(
            p.location.as_deref(),
            Some("/tai-khoan/mat-khau"),
            "{}: a one-time password must be changed",
            t.label
        );
        let p = b.get("/").await;
        assert_eq!(p.location.as_deref(), Some("/tai-khoan/mat-khau"));
        let form = b.get("/tai-khoan/mat-khau").await;
        let csrf = hidden(&form.body, "csrf");
        let p = b
            .post(
                "/tai-khoan/mat-khau",
                &[
                    ("csrf", &csrf),
                    ("current", &once),
                    ("new", "ngan"),
                    ("again", "ngan"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.body.contains("từ 10 đến 200 ký tự"));
        let p = b
            .post(
                "/tai-khoan/mat-khau",
                &[
                    ("csrf", "sai"),
                    ("current", &once),
                    ("new", "mat-khau-moi-2026"),
                    ("again", "mat-khau-moi-2026"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "a forged form is refused");
        let p = b
            .post(
                "/tai-khoan/mat-khau",
                &[
                    ("csrf", &csrf),
                    ("current", &once),
                    ("new", "mat-khau-moi-2026"),
                    ("again", "mat-khau-moi-2026"),
                ],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some("/dang-nhap"));
        assert_eq!(
            b.get("/").await.status,
            StatusCode::SEE_OTHER,
            "sessions end with the change"
        );
        let p = b.login(&name, &once).await;
        assert_eq!(
            p.status,
            StatusCode::UNAUTHORIZED,
            "the old password no longer works"
        );
        let p = b.login(&name, "mat-khau-moi-2026").await;
        assert_eq!(p.location.as_deref(), Some("/"));
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Tổng quan") && home.body.contains("Quá hạn chưa hoàn thành"));
        let csrf = hidden(&home.body, "csrf");
        assert_eq!(
            b.post("/dang-xuat", &[("csrf", "sai")]).await.status,
            StatusCode::FORBIDDEN
        );
        let p = b.post("/dang-xuat", &[("csrf", &csrf)]).await;
        assert_eq!(p.location.as_deref(), Some("/dang-nhap"));
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_and_login_needs_its_csrf() {
    for t in backends().await {
        user(&t.db, "canbo", "standing", None, "dung-mat-khau-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state);
        let p = b
            .post(
                "/dang-nhap",
                &[
                    ("username", "canbo"),
                    ("password", "dung-mat-khau-1"),
                    ("csrf", "x"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "no log-in form, no log-in");
        let mut guesser = Browser::new(b.state.clone()).from("203.0.113.7");
        for _ in 0..5 {
            assert_eq!(
                guesser.login("canbo", "sai").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        // The sixth try from there waits, even with the right password; nothing is checked.
        let p = guesser.login("canbo", "dung-mat-khau-1").await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.label);
        assert!(p.body.contains("thử lại sau 1 giây"), "{}", p.body);
        assert_eq!(
            p.headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("1")
        );
        // The owner, elsewhere, is not locked out by the guesser.
        let mut owner = Browser::new(b.state.clone()).from("198.51.100.9");
        let p = owner.login("canbo", "dung-mat-khau-1").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", t.label, p.body);
        // Guessing across names from one address is slowed after twenty failures.
        let mut sweeper = Browser::new(b.state.clone()).from("192.0.2.50");
        for i in 0..20 {
            let p = sweeper.login(&format!("khach-{i}"), "sai").await;
            assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{i}");
        }
        let p = sweeper.login("canbo", "dung-mat-khau-1").await;
        assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.label);
        let p = b.login("khong-co", "x").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
        // An external "next" is never followed.
        let form = b.get("/dang-nhap?next=//evil.example/").await;
        assert!(form.body.contains("name=\"next\" value=\"/\""));
        // A tab between the slashes, which browsers drop: the same external address.
        let form = b.get("/dang-nhap?next=%2F%09%2Fevil.example%2Fphish").await;
        assert!(
            form.body.contains("name=\"next\" value=\"/\""),
            "{}",
            form.body
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn who_sees_what_search_and_escaping() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n\
               1;Chuyển đổi số hồ sơ đất đai;Bộ Tài chính;31/3/2026\n\
               2;Kết nối dữ liệu dân cư;Bộ Công an;30/6/2026\n\
               3;<script>alert('x')</script> & <b>đậm</b>;Bộ Tư pháp;30/6/2026\n\
               4;Nhiệm vụ mật về an ninh;Bộ Công an;30/6/2026\n";
    for t in backends().await {
        import_text(&t.db, "ds.csv", csv, "ds.csv", date!(2026 - 02 - 15)).await;
        tiendo_store::sqlx::query("UPDATE tasks SET secret = 1 WHERE number = '4'")
            .execute(t.db.pool())
            .await
            .expect("secret");
        let id = |n: &'static str| {
            let db = t.db.clone();
            async move {
                db.task_by_number("ds.csv", n)
                    .await
                    .expect("q")
                    .expect("task")
            }
        };
        let (t1, t2, t3, t4) = (id("1").await, id("2").await, id("3").await, id("4").await);
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
        user(&t.db, "bca", "focal", Some("BCA"), "mat-khau-bca-1").await;
        user(&t.db, "lanhdao", "leader", None, "mat-khau-ld-01").await;
        user(&t.db, "thuongtruc", "standing", None, "mat-khau-tt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");

        // route × role: 200 or 404 (a task that is not theirs does not exist for them).
        let matrix: [(&str, [(i64, StatusCode); 4]); 4] = [
            (
                "btc",
                [
                    (t1, StatusCode::OK),
                    (t2, StatusCode::NOT_FOUND),
                    (t3, StatusCode::NOT_FOUND),
                    (t4, StatusCode::NOT_FOUND),
                ],
            ),
            (
                "bca",
                [
                    (t1, StatusCode::NOT_FOUND),
                    (t2, StatusCode::OK),
                    (t3, StatusCode::NOT_FOUND),
                    (t4, StatusCode::OK),
                ],
            ),
            (
                "lanhdao",
                [
                    (t1, StatusCode::OK),
                    (t2, StatusCode::OK),
                    (t3, StatusCode::OK),
                    (t4, StatusCode::NOT_FOUND),
                ],
            ),
            (
                "thuongtruc",
                [
                    (t1, StatusCode::OK),
                    (t2, StatusCode::OK),
                    (t3, StatusCode::OK),
                    (t4, StatusCode::OK),
                ],
            ),
        ];
        let passwords = HashMap::from([
            ("btc", "mat-khau-btc-1"),
            ("bca", "mat-khau-bca-1"),
            ("lanhdao", "mat-khau-ld-01"),
            ("thuongtruc", "mat-khau-tt-01"),
        ]);
        for (who, expect) in matrix {
            let mut b = Browser::new(state.clone());
            assert_eq!(
                b.login(who, passwords[who]).await.location.as_deref(),
                Some("/"),
                "{who}"
            );
            for (task, status) in expect {
                assert_eq!(
                    b.get(&format!("/nhiem-vu/{task}")).await.status,
                    status,
                    "{} {who} task {task}",
                    t.label
                );
            }
            let list = b.get("/nhiem-vu").await;
            let listed = |task: i64| list.body.contains(&format!("href=\"/nhiem-vu/{task}?"));
            let expected_listed: Vec<bool> =
                expect.iter().map(|(_, s)| *s == StatusCode::OK).collect();
            assert_eq!(
                vec![listed(t1), listed(t2), listed(t3), listed(t4)],
                expected_listed,
                "{who} list"
            );
        }

        let mut b = Browser::new(state.clone());
        b.login("thuongtruc", "mat-khau-tt-01").await;
        // Search ignores diacritics; the filter is a shareable link.
        for (q, hit) in [("chuyen doi so", t1), ("dat dai", t1), ("DÂN CƯ", t2)] {
            let p = b.get(&format!("/nhiem-vu?q={}", enc(q))).await;
            assert!(p.body.contains(&format!("/nhiem-vu/{hit}?")), "{q}");
            assert!(p.body.contains("1 nhiệm vụ"), "{q}: {}", p.body.len());
        }
        let p = b.get("/nhiem-vu?trang_thai=qua_han&ngay=2026-04-01").await;
        assert!(
            p.body.contains(&format!("/nhiem-vu/{t1}?")) && p.body.contains("1 nhiệm vụ"),
            "only task 1 is late on 1/4/2026"
        );
        let p = b.get("/nhiem-vu?co_quan=BCA").await;
        assert!(p.body.contains("2 nhiệm vụ"));
        // Markup typed into a document is shown as text.
        let p = b.get(&format!("/nhiem-vu/{t3}")).await;
        assert!(
            !p.body.contains("<script>alert"),
            "never rendered as markup"
        );
        assert!(
            p.body
                .contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; đậm"),
            "the importer strips formatting tags and keeps the rest as text"
        );
        let p = b.get("/nhiem-vu/abc").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_api_answers_sessions_and_tokens_and_documents_itself() {
    for t in backends().await {
        import_file(
            &t.db,
            &sample("plan-2026-appendix-2.txt"),
            "plan",
            date!(2026 - 02 - 15),
        )
        .await;
        user(&t.db, "hethong", "viewer", None, "mat-khau-ht-01").await;
        let u =
            t.db.user_by_username("hethong")
                .await
                .expect("q")
                .expect("user");
        let token = auth::new_token().expect("token");
        t.db.create_api_token(
            &auth::sha256_hex(&token),
            "Hệ thống giám sát",
            u.id,
            None,
            "test",
        )
        .await
        .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let call = |auth: Option<String>, uri: &str| {
            let mut r = Request::get(uri);
            if let Some(a) = auth {
                r = r.header(header::AUTHORIZATION, a);
            }
            let req = r.body(Body::empty()).expect("request");
            let st = state.clone();
            async move {
                let resp = router(st).oneshot(req).await.expect("response");
                let status = resp.status();
                let body = resp.into_body().collect().await.expect("body").to_bytes();
                (
                    status,
                    serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default(),
                )
            }
        };
        assert_eq!(
            call(None, "/api/overdue?as_of=2026-05-20").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            call(Some("Bearer sai".into()), "/api/overdue?as_of=2026-05-20")
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
        let (s, v) = call(
            Some(format!("Bearer {token}")),
            "/api/overdue?as_of=2026-05-20",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            v["items"].as_array().map(Vec::len),
            Some(20),
            "{}: the same list as the CLI",
            t.label
        );
        let (s, _) = call(
            Some(format!("Bearer {token}")),
            "/api/overdue?as_of=2026-02-30",
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, v) = call(
            Some(format!("Bearer {token}")),
            "/api/summary?as_of=2026-05-20",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["lead_assignments"]["open_overdue"], 180);
        let (s, v) = call(None, "/api/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        for path in ["/api/overdue", "/api/summary", "/api/openapi.json"] {
            assert!(v["paths"].get(path).is_some(), "{path} documented");
        }
        // A parameter in a path template is in the path; every other one is an optional query
        // parameter (the filters of /api/tasks were once declared required path parameters).
        let mut checked = 0;
        for (path, item) in v["paths"].as_object().expect("paths") {
            for op in item.as_object().expect("item").values() {
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let name = p["name"].as_str().expect("name");
                    let in_template = path.contains(&format!("{{{name}}}"));
                    let want = if in_template { "path" } else { "query" };
                    assert_eq!(p["in"], want, "{path} {name}");
                    if path == "/api/tasks" {
                        assert_ne!(p["required"], true, "{path} {name}: a filter is optional");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "{checked} parameters checked");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_agency_reports_asks_for_time_and_the_standing_agency_decides() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;Bộ Công an;31/3/2026\n";
    let today = time::OffsetDateTime::now_utc().date();
    for t in backends().await {
        import_text(&t.db, "qc.csv", csv, "qc.csv", date!(2026 - 02 - 15)).await;
        let task =
            t.db.task_by_number("qc.csv", "1")
                .await
                .expect("q")
                .expect("task");
        let a = t.db.assignments_of(task).await.expect("a");
        let btc_a = a.iter().find(|x| x.agency_code == "BTC").expect("BTC").id;
        let bca_a = a.iter().find(|x| x.agency_code == "BCA").expect("BCA").id;
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
        user(&t.db, "bca", "focal", Some("BCA"), "mat-khau-bca-1").await;
        user(&t.db, "thuongtruc", "standing", None, "mat-khau-tt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let overdue_today = |st: AppState| async move {
            st.snapshot()
                .await
                .book
                .overdue(today)
                .iter()
                .any(|o| o.task == task)
        };
        assert!(
            overdue_today(state.clone()).await,
            "{}: late since 31/3/2026",
            t.label
        );

        let mut btc = Browser::new(state.clone());
        btc.login("btc", "mat-khau-btc-1").await;
        let page = btc.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains("Gửi báo cáo") && page.body.contains("Báo khó khăn, vướng mắc"));
        let csrf = hidden(&page.body, "csrf");
        let url = format!("/nhiem-vu/{task}/bao-cao");
        let before = t.db.counts().await.expect("counts");
        for (form, code) in [
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("assignment", &bca_a.to_string()),
                    ("status", "done"),
                    ("text", "x"),
                ],
                "quyen",
            ),
            (
                vec![
                    ("csrf", "gia-mao"),
                    ("assignment", &btc_a.to_string()),
                    ("status", "done"),
                    ("text", "x"),
                ],
                "csrf",
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("assignment", &btc_a.to_string()),
                    ("status", "xong"),
                    ("text", "x"),
                ],
                "trang-thai",
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("assignment", &btc_a.to_string()),
                    ("status", "done"),
                    ("text", "  "),
                ],
                "noi-dung",
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("assignment", &btc_a.to_string()),
                    ("status", "done"),
                    ("text", "x"),
                    ("completed_on", "1900-01-01"),
                ],
                "ngay",
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("assignment", "abc"),
                    ("status", "done"),
                    ("text", "x"),
                ],
                "quyen",
            ),
        ] {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, *v)).collect();
            let r = btc.post(&url, &form).await;
            if code == "quyen" || code == "csrf" {
                assert_eq!(
                    r.location.as_deref(),
                    Some(format!("/nhiem-vu/{task}?tb={code}").as_str()),
                    "{}",
                    t.label
                );
                continue;
            }
            // A refused report comes back in its form, the message beside the field in error.
            assert_eq!(r.status.as_u16(), 422, "{}: {code}", t.label);
            let message = tiendo_service::notices::message(code).expect("message").0;
            let field = match code {
                "trang-thai" => "status",
                "ngay" => "completed_on",
                _ => "text",
            };
            if code == "ngay" {
                // The day as typed, and what is wrong with it.
                let beside = message_beside(&r.body, field).unwrap_or_default();
                assert!(
                    beside.contains("ngày 1900-01-01 trước năm 2000"),
                    "{}: {beside}",
                    t.label
                );
                continue;
            }
            assert_eq!(
                message_beside(&r.body, field),
                Some(message),
                "{}: {code} in the field's label",
                t.label
            );
        }
        assert_eq!(
            before,
            t.db.counts().await.expect("counts"),
            "{}: nothing stored by a refused form",
            t.label
        );
        // Markup typed into a field is refused with a message; nothing is stored.
        let before = t.db.counts().await.expect("counts");
        let r = btc
            .post(
                &url,
                &[
                    ("csrf", &csrf),
                    ("assignment", &btc_a.to_string()),
                    ("status", "in_progress"),
                    (
                        "text",
                        "Đang lấy ý kiến <b>các bộ</b><script>alert(1)</script>",
                    ),
                ],
            )
            .await;
        // The page again, the text as typed (as text, never markup), the date and status kept.
        assert_eq!(r.status.as_u16(), 422);
        assert_eq!(t.db.counts().await.expect("counts"), before);
        assert!(r.body.contains("Nội dung có mã HTML hoặc script"));
        assert!(r.body.contains(
            "Đang lấy ý kiến &lt;b&gt;các bộ&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"
        ));
        assert!(!r.body.contains("<script>alert"));
        assert!(r.body.contains("<option value=\"in_progress\" selected>"));
        let r = btc
            .post(
                &url,
                &[
                    ("csrf", &csrf),
                    ("assignment", &btc_a.to_string()),
                    ("status", "in_progress"),
                    ("text", "Đang lấy ý kiến các bộ (tỷ lệ < 50%)"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=bao-cao").as_str())
        );
        let page = btc.get(&format!("/nhiem-vu/{task}?tb=bao-cao")).await;
        assert!(
            page.body.contains("Đã ghi báo cáo tiến độ.")
                && page
                    .body
                    .contains("Đang lấy ý kiến các bộ (tỷ lệ &lt; 50%)")
        );
        // Angle brackets around a word that is no HTML element are text, stored and shown escaped.
        let r = btc
            .post(
                &url,
                &[
                    ("csrf", &csrf),
                    ("assignment", &btc_a.to_string()),
                    ("status", "in_progress"),
                    ("text", "Sử dụng thẻ <VNeID> mức 2 để đăng nhập"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=bao-cao").as_str())
        );
        let page = btc.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body
                .contains("Sử dụng thẻ &lt;VNeID&gt; mức 2 để đăng nhập"),
            "{}",
            t.label
        );

        // A request for more time is not in force until approved.
        let gh = format!("/nhiem-vu/{task}/gia-han");
        // A deadline in the past: the form again, what was typed kept, the message beside it.
        let r = btc
            .post(
                &gh,
                &[
                    ("csrf", &csrf),
                    ("assignment", &btc_a.to_string()),
                    ("deadline", "31/12/1999"),
                    ("reason", "Chờ ý kiến <VNeID>"),
                ],
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", t.label);
        let form = &r.body[r.body.find("id=\"gia-han\"").expect("form")..];
        assert!(form.contains("value=\"31/12/1999\" aria-invalid=\"true\""));
        assert!(form.contains(">Chờ ý kiến &lt;VNeID&gt;</textarea>"));
        let message = tiendo_service::notices::message("thoi-han").expect("m").0;
        assert!(form.contains(&format!(
            "<span class=\"field-error\" role=\"alert\">{message}"
        )));
        let r = btc
            .post(
                &gh,
                &[
                    ("csrf", &csrf),
                    ("assignment", &btc_a.to_string()),
                    ("deadline", "31/12/2099"),
                    ("reason", "Chờ ý kiến thẩm định của Bộ Tư pháp"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=gia-han").as_str())
        );
        let mut bca = Browser::new(state.clone());
        bca.login("bca", "mat-khau-bca-1").await;
        let bca_csrf = hidden(&bca.get(&format!("/nhiem-vu/{task}")).await.body, "csrf");
        let r = bca
            .post(
                &gh,
                &[
                    ("csrf", &bca_csrf),
                    ("assignment", &btc_a.to_string()),
                    ("deadline", "31/12/2099"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=quyen").as_str()),
            "another agency's assignment"
        );
        state.refresh().await.expect("refresh");
        assert!(
            overdue_today(state.clone()).await,
            "a request changes nothing"
        );

        let mut tt = Browser::new(state.clone());
        tt.login("thuongtruc", "mat-khau-tt-01").await;
        let page = tt.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body.contains("chờ duyệt")
                && page.body.contains("Chờ ý kiến thẩm định của Bộ Tư pháp")
        );
        let change = page
            .body
            .split("/gia-han/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|x| x.parse::<i64>().ok())
            .expect("change id");
        let tt_csrf = hidden(&page.body, "csrf");
        // A focal point cannot decide.
        let r = btc
            .post(
                &format!("/gia-han/{change}/duyet"),
                &[("csrf", &csrf), ("task", &task.to_string())],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=quyen").as_str())
        );
        let r = tt
            .post(
                &format!("/gia-han/{change}/duyet"),
                &[("csrf", &tt_csrf), ("task", &task.to_string())],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=duyet").as_str())
        );
        assert!(
            !overdue_today(state.clone()).await,
            "{}: in force from today",
            t.label
        );
        let r = tt
            .post(
                &format!("/gia-han/{change}/tu-choi"),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", "Thời hạn quá xa"),
                ],
            )
            .await;
        // Already decided: the page again (422) saying so.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Việc này đã được xử lý."));
        let history = t.db.history("task", task).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        for a in ["report.added", "deadline.requested", "deadline.approved"] {
            assert!(actions.contains(&a), "{a} in the history");
        }

        // A difficulty, and its answer.
        let kk = format!("/nhiem-vu/{task}/kho-khan");
        // An agency not in the registry (a forged choice): the form again, the text kept.
        let r = btc
            .post(
                &kk,
                &[
                    ("csrf", &csrf),
                    ("text", "Thiếu hướng dẫn"),
                    ("handler", "KHONG_CO"),
                ],
            )
            .await;
        assert_eq!(r.status.as_u16(), 422);
        let form = &r.body[r.body.find("id=\"kho-khan\"").expect("form")..];
        assert!(form.contains(">Thiếu hướng dẫn</textarea>"));
        assert!(message_beside(form, "handler").is_some());
        assert_eq!(
            tt.post(&kk, &[("csrf", &tt_csrf), ("text", "x")])
                .await
                .location
                .as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=quyen").as_str()),
            "raised by an agency"
        );
        let r = btc
            .post(
                &kk,
                &[
                    ("csrf", &csrf),
                    ("text", "Thiếu hướng dẫn về định dạng dữ liệu"),
                    ("handler", "BTP"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=kho-khan").as_str())
        );
        let d = t.db.difficulties(Some(task)).await.expect("d");
        assert_eq!((d.len(), d[0].handler_names()), (1, vec!["Bộ Tư pháp"]));
        let r = tt
            .post(
                &format!("/kho-khan/{}/tra-loi", d[0].id),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("answer", "Áp dụng Quyết định 2439/QĐ-TTg"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=tra-loi").as_str())
        );
        let home = tt.get("/").await;
        assert!(
            home.body.contains("Thiếu hướng dẫn về định dạng dữ liệu"),
            "the dashboard shows the newest difficulties"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_standing_agency_confirms_or_returns_a_reported_completion() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Ban hành quy chế;Bộ Tài chính;31/3/2026\n2;Kết nối dữ liệu;Bộ Tài chính;31/12/2099\n";
    let today = time::OffsetDateTime::now_utc().date();
    for t in backends().await {
        import_text(&t.db, "xn.csv", csv, "xn.csv", date!(2026 - 02 - 15)).await;
        let task =
            t.db.task_by_number("xn.csv", "1")
                .await
                .expect("q")
                .expect("task");
        let aid = t.db.assignments_of(task).await.expect("a")[0].id;
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
        user(&t.db, "thuongtruc", "standing", None, "mat-khau-tt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let late = |st: AppState| async move {
            st.snapshot()
                .await
                .book
                .overdue(today)
                .iter()
                .any(|o| o.task == task)
        };
        let mut btc = Browser::new(state.clone());
        btc.login("btc", "mat-khau-btc-1").await;
        // "Việc của tôi": the late task first.
        let mine = btc.get("/cua-toi").await;
        let first = mine.body.find("Ban hành quy chế").expect("task 1");
        let second = mine.body.find("Kết nối dữ liệu").expect("task 2");
        assert!(first < second, "late first");
        let csrf = hidden(&btc.get(&format!("/nhiem-vu/{task}")).await.body, "csrf");
        let done = [
            ("csrf", csrf.as_str()),
            ("assignment", &aid.to_string()),
            ("status", "done"),
            ("text", "Đã ban hành Quyết định số 12/QĐ-BTC"),
        ];
        btc.post(&format!("/nhiem-vu/{task}/bao-cao"), &done).await;
        assert!(
            !late(state.clone()).await,
            "{}: a reported completion counts at once",
            t.label
        );

        let mut tt = Browser::new(state.clone());
        tt.login("thuongtruc", "mat-khau-tt-01").await;
        let page = tt.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains("Báo cáo hoàn thành chờ xác nhận"));
        let report = page
            .body
            .split("/bao-cao/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|x| x.parse::<i64>().ok())
            .expect("report id");
        let tt_csrf = hidden(&page.body, "csrf");
        let r = tt
            .post(
                &format!("/bao-cao/{report}/tra-lai"),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", " "),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a return needs its reason"
        );
        assert!(r.body.contains("Cần nêu lý do trả lại."));
        // A refused reason comes back in its field, as text, with the message beside it.
        let r = tt
            .post(
                &format!("/bao-cao/{report}/tra-lai"),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", "Thiếu <script>alert(1)</script> văn bản"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = r
            .body
            .split(&format!("action=\"/bao-cao/{report}/tra-lai\""))
            .nth(1)
            .and_then(|f| f.split("</form>").next())
            .expect("the return form");
        assert!(
            form.contains("value=\"Thiếu &lt;script&gt;alert(1)&lt;/script&gt; văn bản\"")
                && form.contains("aria-invalid=\"true\"")
                && form.contains("field-error"),
            "{form}"
        );
        assert!(
            !r.body.contains("<script>alert"),
            "never rendered as markup"
        );
        let r = btc
            .post(
                &format!("/bao-cao/{report}/xac-nhan"),
                &[("csrf", &csrf), ("task", &task.to_string())],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=quyen").as_str()),
            "an agency cannot confirm itself"
        );
        let r = tt
            .post(
                &format!("/bao-cao/{report}/tra-lai"),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", "Chưa gửi kèm văn bản"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=tra-lai").as_str())
        );
        assert!(
            late(state.clone()).await,
            "{}: a returned completion no longer counts",
            t.label
        );
        let page = btc.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body.contains("Trả lại: Chưa gửi kèm văn bản"),
            "the agency sees why"
        );
        // Reported again, then confirmed.
        btc.post(&format!("/nhiem-vu/{task}/bao-cao"), &done).await;
        let page = tt.get(&format!("/nhiem-vu/{task}")).await;
        let report2 = page
            .body
            .split("/bao-cao/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|x| x.parse::<i64>().ok())
            .expect("report id");
        assert_ne!(report, report2);
        let r = tt
            .post(
                &format!("/bao-cao/{report2}/xac-nhan"),
                &[("csrf", &tt_csrf), ("task", &task.to_string())],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=xac-nhan").as_str())
        );
        assert!(!late(state.clone()).await);
        let r = tt
            .post(
                &format!("/bao-cao/{report2}/tra-lai"),
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", "x"),
                ],
            )
            .await;
        // Already decided: the page again (422) saying so.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Việc này đã được xử lý."));
        // The plain SQL agrees with the engine about returned reports.
        let book = t.db.load_status_book().await.expect("book");
        let mut engine: Vec<(i64, i64)> = book
            .overdue(today)
            .into_iter()
            .flat_map(|o| o.late_agencies.into_iter().map(move |a| (o.task, a)))
            .collect();
        engine.sort();
        assert_eq!(engine, t.db.overdue_plain_sql(today).await.expect("sql"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn import_through_the_browser_previews_then_stores() {
    for t in backends().await {
        user(&t.db, "thuongtruc", "standing", None, "mat-khau-tt-01").await;
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut focal = Browser::new(state.clone());
        focal.login("btc", "mat-khau-btc-1").await;
        assert_eq!(focal.get("/nhap-tep").await.status, StatusCode::FORBIDDEN);
        let mut b = Browser::new(state.clone());
        b.login("thuongtruc", "mat-khau-tt-01").await;
        let page = b.get("/nhap-tep").await;
        let csrf = hidden(&page.body, "csrf");
        let cookie = b.cookie_header();
        let upload = |fields: Vec<(&'static str, String)>,
                      file: Option<(&'static str, Vec<u8>)>| {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&f, file.as_ref().map(|(n, b)| (*n, b.as_slice())));
            Request::post("/nhap-tep")
                .header(header::CONTENT_TYPE, ct)
                .header(header::COOKIE, cookie.clone())
                .body(Body::from(body))
                .expect("request")
        };
        let sample_bytes = std::fs::read(sample("plan-2026-appendix-2.docx")).expect("sample");
        let r = b
            .send(upload(
                vec![
                    ("csrf", "gia-mao".into()),
                    ("reported_on", "2026-02-15".into()),
                ],
                Some(("a.docx", sample_bytes.clone())),
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = b
            .send(upload(
                vec![("csrf", csrf.clone()), ("reported_on", "2026-02-15".into())],
                Some(("hong.docx", b"PK\x03\x04 hong".to_vec())),
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("hong.docx: tệp hỏng"), "one clear message");
        let r = b
            .send(upload(
                vec![("csrf", csrf.clone()), ("reported_on", "1900-01-01".into())],
                Some(("a.docx", sample_bytes.clone())),
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "an absurd date");
        assert!(r.body.contains("ngày 1900-01-01 trước năm 2000"), "why");
        let r = b
            .send(upload(
                vec![("csrf", csrf.clone()), ("reported_on", "31/02/2026".into())],
                Some(("a.docx", sample_bytes.clone())),
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "no such day");
        assert!(
            r.body.contains("ngày 31/02/2026 không có trong lịch"),
            "the day named, in plain words"
        );
        assert!(
            r.body.contains(r#"name="reported_on""#) && r.body.contains(r#"value="31/02/2026""#),
            "the refused form keeps the day as typed"
        );
        let r = b
            .send(upload(
                vec![("csrf", csrf.clone()), ("reported_on", "2026-02-15".into())],
                Some(("plan-2026-appendix-2.docx", sample_bytes.clone())),
            ))
            .await;
        // The upload is a job kept in the database; its page is the preview.
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", t.label);
        let job = r.location.clone().expect("the job's page");
        let token = job.trim_start_matches("/nhap-tep/").to_string();
        let r = b.get(&job).await;
        assert_eq!(r.status, StatusCode::OK, "{}", t.label);
        assert!(
            r.body
                .contains("98 nhiệm vụ (98 mới, 0 thay đổi, 0 không đổi)")
                && r.body.contains("5 cảnh báo"),
            "the preview with its warnings and what is new"
        );
        assert!(
            r.body
                .contains("HOÀN THIỆN THỂ CHẾ, PHÁP LUẬT, CƠ CHẾ CHÍNH SÁCH")
        );
        assert_eq!(
            t.db.counts().await.expect("c").tasks,
            0,
            "nothing stored by the preview"
        );
        // The person drops task 1 (index 0) and corrects task 2 (index 1): another lead and deadline.
        let r = b
            .post(
                &format!("{job}/muc/0"),
                &[("csrf", &csrf), ("action", "bo")],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{job}?tb=da-bo#muc-0").as_str())
        );
        let form = b.get(&format!("{job}/muc/1")).await;
        assert_eq!(form.status, StatusCode::OK);
        let name = between(&form.body, "name=\"name\"", "</textarea>");
        // A correction with markup is refused, and the form comes back with what was typed.
        let r = b
            .post(
                &format!("{job}/muc/1"),
                &[
                    ("csrf", &csrf),
                    ("action", "sua"),
                    ("name", "<script>x</script>"),
                    ("lead", "Bộ Y tế"),
                    ("coordinators", ""),
                    ("deadline", "Quý III/2026"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("value=\"Quý III/2026\""),
            "what was typed comes back"
        );
        // A day that is not in the calendar is refused as on the new-task form, kept as typed.
        let r = b
            .post(
                &format!("{job}/muc/1"),
                &[
                    ("csrf", &csrf),
                    ("action", "sua"),
                    ("name", &name),
                    ("lead", "Bộ Y tế"),
                    ("coordinators", ""),
                    ("deadline", "31/02/2025"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", t.label);
        assert!(
            r.body.contains("value=\"31/02/2025\""),
            "what was typed comes back"
        );
        assert!(r.body.contains("Không đọc được thời hạn"), "and why");
        let r = b
            .post(
                &format!("{job}/muc/1"),
                &[
                    ("csrf", &csrf),
                    ("action", "sua"),
                    ("name", &name),
                    ("lead", "Bộ Y tế"),
                    ("coordinators", "Bộ Tài chính"),
                    ("deadline", "Quý III/2026"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{job}?tb=da-sua-muc#muc-1").as_str())
        );
        let r = b.get(&job).await;
        assert!(
            r.body.contains("1 đã bỏ") && r.body.contains("Lưu 97 nhiệm vụ"),
            "{}",
            t.label
        );
        assert!(r.body.contains("đã sửa tay trong bản xem trước"));
        // Another user sees nothing of it and cannot confirm it.
        user(&t.db, "thuongtruc2", "standing", None, "mat-khau-tt-02").await;
        let mut other = Browser::new(state.clone());
        other.login("thuongtruc2", "mat-khau-tt-02").await;
        let other_csrf = hidden(&other.get("/nhap-tep").await.body, "csrf");
        assert_eq!(other.get(&job).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            other
                .post(&format!("/nhap-tep/{token}"), &[("csrf", &other_csrf)])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = b
            .post(&format!("/nhap-tep/{token}"), &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = b.get(&job).await;
        assert!(r.body.contains("97 nhiệm vụ mới"), "{}", r.body);
        assert_eq!(t.db.counts().await.expect("c").tasks, 97);
        // After the import, its tasks: the link lists this file's tasks, not every task.
        let href = r
            .body
            .split("id=\"nhiem-vu-cua-tep\" href=\"")
            .nth(1)
            .and_then(|x| x.split('"').next());
        let href = href
            .expect("a link to the file's tasks")
            .replace("&amp;", "&");
        common::import_text(
            &t.db,
            "khac.csv",
            "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Một nhiệm vụ của văn bản khác;Bộ Y tế;31/12/2026\n",
            "khac",
            time::macros::date!(2026 - 02 - 15),
        )
        .await;
        state.refresh().await.expect("refresh");
        let list = b.get(&href).await;
        assert_eq!(list.status, StatusCode::OK, "{}", t.label);
        assert!(list.body.contains("97 nhiệm vụ"), "{}: {href}", t.label);
        // The corrected task was stored as corrected.
        let corrected =
            t.db.task_detail(common::task(&t.db, "plan-2026-appendix-2", "2").await)
                .await
                .expect("task")
                .expect("task 2");
        assert_eq!(corrected.deadline_raw, "Quý III/2026", "{}", t.label);
        assert_eq!(
            b.post(&format!("/nhap-tep/{token}"), &[("csrf", &csrf)])
                .await
                .status,
            StatusCode::CONFLICT,
            "stored once"
        );
        assert_eq!(
            b.post(
                &format!("{job}/muc/2"),
                &[("csrf", &csrf), ("action", "bo")]
            )
            .await
            .location
            .as_deref(),
            Some(format!("{job}?tb=nhap-da-xong#muc-2").as_str()),
            "no correction after storing"
        );
        assert_eq!(
            state
                .snapshot()
                .await
                .book
                .overdue(date!(2026 - 05 - 20))
                .len(),
            20,
            "the pages see it at once (tasks 1 and 2 were not late on 20/5)"
        );
        assert_eq!(
            t.db.task_by_number("plan-2026-appendix-2", "1")
                .await
                .expect("query"),
            None,
            "the dropped task is not stored"
        );
        // The same file again: every task it holds is found unchanged, but the dropped one.
        let r = b
            .send(upload(
                vec![("csrf", csrf.clone()), ("reported_on", "2026-02-15".into())],
                Some(("plan-2026-appendix-2.docx", sample_bytes.clone())),
            ))
            .await;
        let again = b.get(r.location.as_deref().expect("job")).await;
        assert!(
            again
                .body
                .contains("98 nhiệm vụ (1 mới, 1 thay đổi, 96 không đổi)"),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A file exported by another monitoring system, uploaded in the browser with that system's
/// name: each task's id is read from its id column, the preview matches the tasks a file of
/// another name stored under the same ids (changed, not new), and storing updates them instead
/// of making them again. A system name with markup, or an export without an id column, is
/// refused on the form with one line and stores nothing.
#[tokio::test]
async fn another_systems_export_uploaded_in_the_browser_updates_the_tasks_it_names() {
    for t in backends().await {
        user(&t.db, "thuongtruc", "standing", None, "mat-khau-tt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state.clone());
        b.login("thuongtruc", "mat-khau-tt-01").await;
        let page = b.get("/nhap-tep").await;
        assert!(
            page.body.contains("name=\"system\"") && page.body.contains("name=\"id_column\""),
            "the form asks for the source system"
        );
        let csrf = hidden(&page.body, "csrf");
        let cookie = b.cookie_header();
        let upload = |system: &str, name: &'static str, text: &str| {
            let fields = [
                ("csrf", csrf.as_str()),
                ("reported_on", "2026-11-30"),
                ("system", system),
                ("id_column", ""),
            ];
            let (ct, body) = multipart(&fields, Some((name, text.as_bytes())));
            Request::post("/nhap-tep")
                .header(header::CONTENT_TYPE, ct)
                .header(header::COOKIE, cookie.clone())
                .body(Body::from(body))
                .expect("request")
        };
        let jobs = |db: tiendo_store::Db| async move {
            tiendo_store::sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM import_jobs")
                .fetch_one(db.pool())
                .await
                .expect("jobs")
        };

        let r = b
            .send(upload("<b>nq57</b>", "nq57-11.csv", common::NQ57_NOVEMBER))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", t.label);
        assert!(r.body.contains("Tên hệ thống nguồn"), "{}", r.body);
        assert!(!r.body.contains("<b>nq57"), "markup never rendered");
        let without_ids = "STT,Nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành\n1,Số hoá hồ sơ,Bộ Tư pháp,31/12/2026\n";
        let r = b.send(upload("nq57", "khong-ma.csv", without_ids)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", t.label);
        assert!(r.body.contains("không thấy cột mã nhiệm vụ"), "{}", r.body);
        assert_eq!(jobs(t.db.clone()).await, 1, "only the failed read is kept");
        assert_eq!(t.db.counts().await.expect("c").tasks, 0);

        let r = b
            .send(upload("nq57", "nq57-11.csv", common::NQ57_NOVEMBER))
            .await;
        let job = r.location.clone().expect("the job's page");
        let preview = b.get(&job).await;
        assert!(
            preview
                .body
                .contains("Tệp xuất từ hệ thống <strong>nq57</strong>")
                && preview.body.contains("Mã NQ57-001")
                && preview.body.contains("2 nhiệm vụ (2 mới"),
            "{}: {}",
            t.label,
            preview.body
        );
        b.post(&job, &[("csrf", &csrf)]).await;
        assert!(b.get(&job).await.body.contains("2 nhiệm vụ mới"));

        // December's export, under another name: two of its tasks are November's.
        let r = b
            .send(upload(" nq57 ", "nq57-12.csv", common::NQ57_DECEMBER))
            .await;
        let job = r.location.clone().expect("the job's page");
        let preview = b.get(&job).await;
        assert!(
            preview.body.contains("3 nhiệm vụ (1 mới, 2 thay đổi"),
            "{}: matched by id across files: {}",
            t.label,
            preview.body
        );
        b.post(&job, &[("csrf", &csrf)]).await;
        let stored = b.get(&job).await;
        assert!(
            stored.body.contains("1 nhiệm vụ mới, 2 cập nhật"),
            "{}: {}",
            t.label,
            stored.body
        );
        assert_eq!(t.db.counts().await.expect("c").tasks, 3, "{}", t.label);
        let renamed: String = tiendo_store::sqlx::query_scalar(
            "SELECT t.name FROM tasks t JOIN task_external_ids x ON x.task_id = t.id WHERE x.system = 'nq57' AND x.external_id = 'NQ57-002'",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("task");
        assert_eq!(renamed, "Hoàn thiện và kết nối Cổng dịch vụ công quốc gia");
        t.cleanup().await;
    }
}

/// The text between a marker and the end of the element that follows it.
fn between(body: &str, marker: &str, end: &str) -> String {
    let after = body.split(marker).nth(1).expect("marker");
    let start = after.find('>').map(|i| i + 1).unwrap_or(0);
    let text = &after[start..];
    let text = text.split(end).next().unwrap_or("");
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every route × every role: allowed (200, or the form's success), forbidden (403, or the form's
/// "quyen" answer), not found (404), or sent to the log-in page.
#[tokio::test]
async fn the_standing_agency_adds_a_spelling_to_the_registry() {
    let t = backends().await.into_iter().next().expect("sqlite");
    user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
    user(&t.db, "ld", "leader", None, "mat-khau-chung-1").await;
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let mut ld = Browser::new(state.clone());
    ld.login("ld", "mat-khau-chung-1").await;
    let page = ld.get("/co-quan?q=bo+cong+an").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Bộ Công an") && !page.body.contains("/ten-goi\""),
        "a leader reads the registry without the form"
    );
    let csrf = hidden(&ld.get("/").await.body, "csrf");
    assert_eq!(
        ld.post(
            "/co-quan/BCA/ten-goi",
            &[("csrf", &csrf), ("alias", "Bộ CA Việt Nam")]
        )
        .await
        .location
        .as_deref(),
        Some("/co-quan?tb=quyen")
    );
    let mut tt = Browser::new(state.clone());
    tt.login("tt", "mat-khau-chung-1").await;
    let csrf = hidden(&tt.get("/co-quan?q=BCA").await.body, "csrf");
    assert_eq!(
        tt.post(
            "/co-quan/BCA/ten-goi",
            &[("csrf", &csrf), ("alias", "Bộ Tài chính")]
        )
        .await
        .location
        .as_deref(),
        Some("/co-quan?tb=ten-goi-trung"),
        "another agency's name"
    );
    assert_eq!(
        tt.post(
            "/co-quan/BCA/ten-goi",
            &[("csrf", &csrf), ("alias", "Cơ quan Công an Trung ương")]
        )
        .await
        .location
        .as_deref(),
        Some("/co-quan?tb=ten-goi")
    );
    let reg = t.db.load_registry().await.expect("registry").registry;
    assert_eq!(
        reg.resolve("Cơ quan Công an Trung ương", None)[0].name,
        "Bộ Công an"
    );
    t.cleanup().await;
}

#[tokio::test]
async fn an_agency_commits_for_a_late_task_and_the_report_lists_it() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Ban hành quy chế;Bộ Tài chính;31/3/2026\n2;Kết nối dữ liệu;Bộ Công an;30/4/2026\n";
    let today = time::OffsetDateTime::now_utc().date();
    let t = backends().await.into_iter().next().expect("sqlite");
    import_text(&t.db, "ck.csv", csv, "ck.csv", date!(2026 - 02 - 15)).await;
    let task =
        t.db.task_by_number("ck.csv", "1")
            .await
            .expect("q")
            .expect("task");
    let aid = t.db.assignments_of(task).await.expect("a")[0].id;
    user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let mut b = Browser::new(state.clone());
    b.login("btc", "mat-khau-btc-1").await;
    let page = b.get(&format!("/nhiem-vu/{task}")).await;
    assert!(
        page.body.contains("Cam kết hoàn thành"),
        "offered on a late assignment"
    );
    let csrf = hidden(&page.body, "csrf");
    let url = format!("/nhiem-vu/{task}/cam-ket");
    let past = iso(today - time::Duration::days(1));
    let soon = iso(today + time::Duration::days(20));
    // A day already past: the form again with the roadmap as typed, the message at the date.
    let r = b
        .post(
            &url,
            &[
                ("csrf", &csrf),
                ("assignment", &aid.to_string()),
                ("committed_on", &past),
                ("roadmap", "Lộ trình ba bước"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 422);
    let form = &r.body[r.body.find("id=\"cam-ket\"").expect("form")..];
    assert!(form.contains(">Lộ trình ba bước</textarea>"));
    assert!(message_beside(form, "committed_on").is_some());
    assert_eq!(
        b.post(
            &url,
            &[
                ("csrf", &csrf),
                ("assignment", &aid.to_string()),
                ("committed_on", &soon),
                ("roadmap", "Tháng này trình; tháng sau ban hành")
            ]
        )
        .await
        .location,
        Some(format!("/nhiem-vu/{task}?tb=cam-ket"))
    );
    assert!(
        b.get(&format!("/nhiem-vu/{task}"))
            .await
            .body
            .contains("Tháng này trình; tháng sau ban hành")
    );
    // The report: the committed agency with its date; the other one deemed to finish within the
    // month of the answer date.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args([
            "--database-url",
            &t.url,
            "report",
            "commitments",
            "--as-of",
            &iso(today),
            "--answer-by",
            &iso(today - time::Duration::days(1)),
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let by = |n: &str| {
        items
            .iter()
            .find(|i| i["number"] == n)
            .expect("item")
            .clone()
    };
    assert_eq!(
        (
            by("1")["committed_on"].as_str(),
            by("1")["deemed"].as_bool()
        ),
        (Some(soon.as_str()), Some(false))
    );
    let deemed = by("2");
    assert_eq!(deemed["deemed"], true);
    let d = today - time::Duration::days(1);
    let month_end = time::Date::from_calendar_date(d.year(), d.month(), d.month().length(d.year()))
        .expect("date");
    assert_eq!(
        deemed["committed_on"].as_str(),
        Some(iso(month_end).as_str())
    );
    t.cleanup().await;
}

fn iso(d: time::Date) -> String {
    tiendo_domain::deadline::iso(d)
}

#[tokio::test]
async fn a_report_carries_an_evidence_file_with_type_and_size_limits() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Ban hành quy chế;Bộ Tài chính;31/12/2099\n";
    for t in backends().await {
        import_text(&t.db, "mc.csv", csv, "mc.csv", date!(2026 - 02 - 15)).await;
        let task =
            t.db.task_by_number("mc.csv", "1")
                .await
                .expect("q")
                .expect("task");
        let aid = t.db.assignments_of(task).await.expect("a")[0].id;
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-btc-1").await;
        user(&t.db, "bca", "focal", Some("BCA"), "mat-khau-bca-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state.clone());
        b.login("btc", "mat-khau-btc-1").await;
        let csrf = hidden(&b.get(&format!("/nhiem-vu/{task}")).await.body, "csrf");
        let cookie = b.cookie_header();
        let send = |file: (&'static str, Vec<u8>)| {
            let aid = aid.to_string();
            let fields = [
                ("csrf", csrf.as_str()),
                ("assignment", aid.as_str()),
                ("status", "in_progress"),
                ("text", "Đã trình dự thảo"),
            ];
            let (ct, body) = multipart(&fields, Some((file.0, &file.1)));
            Request::post(format!("/nhiem-vu/{task}/bao-cao"))
                .header(header::CONTENT_TYPE, ct)
                .header(header::COOKIE, cookie.clone())
                .body(Body::from(rename_file_field(body)))
                .expect("request")
        };
        let before = t.db.counts().await.expect("c");
        for (name, bytes) in [
            ("to-trinh.pdf", b"MZ\x90\x00 not a pdf".to_vec()),
            ("virus.exe", b"MZ\x90\x00".to_vec()),
            ("lon.pdf", {
                let mut v = b"%PDF-1.4\n".to_vec();
                v.resize(11 * 1024 * 1024, b'0');
                v
            }),
        ] {
            let r = b.send(send((name, bytes))).await;
            if name == "lon.pdf" {
                // Over the request's limit: nothing of the form is read; back with the reason.
                assert_eq!(
                    r.location,
                    Some(format!("/nhiem-vu/{task}?tb=minh-chung")),
                    "{} {name}",
                    t.label
                );
                continue;
            }
            // The form again with the text typed, and a word to choose the file again.
            assert_eq!(r.status.as_u16(), 422, "{} {name}", t.label);
            assert!(
                r.body.contains("Đã trình dự thảo</textarea>"),
                "{} {name}",
                t.label
            );
            assert!(
                r.body
                    .contains("Tệp này không dùng được; hãy chọn lại tệp minh chứng"),
                "{} {name}",
                t.label
            );
        }
        assert_eq!(before, t.db.counts().await.expect("c"), "nothing stored");
        let r = b
            .send(send(("tờ trình.pdf", b"%PDF-1.4\n%%EOF\n".to_vec())))
            .await;
        assert_eq!(
            r.location,
            Some(format!("/nhiem-vu/{task}?tb=bao-cao")),
            "{}",
            t.label
        );
        let page = b.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains("tờ trình.pdf"));
        let eid = page
            .body
            .split("/minh-chung/")
            .nth(1)
            .and_then(|x| x.split('"').next())
            .and_then(|x| x.parse::<i64>().ok())
            .expect("evidence id");
        let resp = router(state.clone())
            .oneshot(
                Request::get(format!("/minh-chung/{eid}"))
                    .header(header::COOKIE, b.cookie_header())
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("resp");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/pdf");
        assert!(
            resp.headers()[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap_or("")
                .starts_with("attachment;")
        );
        assert_eq!(resp.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(&body[..], b"%PDF-1.4\n%%EOF\n");
        let mut other = Browser::new(state.clone());
        other.login("bca", "mat-khau-bca-1").await;
        assert_eq!(
            other.get(&format!("/minh-chung/{eid}")).await.status,
            StatusCode::NOT_FOUND,
            "another agency's evidence"
        );
        t.cleanup().await;
    }
}

/// The multipart helper names its file field "file"; the report form's is "evidence".
fn rename_file_field(body: Vec<u8>) -> Vec<u8> {
    let needle = b"name=\"file\"";
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(needle) {
            out.extend_from_slice(b"name=\"evidence\"");
            i += needle.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

#[tokio::test]
async fn the_difficulties_report_groups_ministries_and_localities() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Cập nhật dữ liệu đất đai;Bộ Tài chính, Tỉnh Lạng Sơn;31/12/2099\n";
    let t = backends().await.into_iter().next().expect("sqlite");
    import_text(&t.db, "kk.csv", csv, "kk.csv", date!(2026 - 02 - 15)).await;
    let task =
        t.db.task_by_number("kk.csv", "1")
            .await
            .expect("q")
            .expect("task");
    let names = t.db.agency_names().await.expect("names");
    let id_of = |code: &str| {
        names
            .iter()
            .find(|(_, a)| a.code == code)
            .map(|(i, _)| *i)
            .expect(code)
    };
    let d1 =
        t.db.raise_difficulty(
            task,
            id_of("BTC"),
            "Thiếu hướng dẫn định dạng",
            Some("BTP"),
            date!(2026 - 02 - 20),
            "btc",
        )
        .await
        .expect("d1");
    t.db.raise_difficulty(
        task,
        id_of("P_LANGSON"),
        "Thiếu kinh phí số hóa",
        None,
        date!(2026 - 02 - 20),
        "ls",
    )
    .await
    .expect("d2");
    t.db.answer_difficulty(
        d1,
        "Áp dụng Quyết định 2439/QĐ-TTg",
        date!(2026 - 03 - 02),
        None,
        "tt",
    )
    .await
    .expect("answer");
    let dir = common::temp_dir();
    let out = dir.join("kk.docx");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args([
            "--database-url",
            &t.url,
            "report",
            "difficulties",
            "--as-of",
            "2026-03-03",
            "--format",
            "docx",
            "--output",
        ])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let blocks =
        tiendo_office::docx::read_docx(&std::fs::read(&out).expect("written")).expect("reads back");
    let rows = blocks
        .iter()
        .find_map(|b| {
            if let tiendo_office::blocks::Block::Table { rows, .. } = b {
                Some(rows)
            } else {
                None
            }
        })
        .expect("table");
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect();
    assert_eq!(
        texts[1],
        vec!["A. CÁC BỘ, NGÀNH, CƠ QUAN TRUNG ƯƠNG".to_string()]
    );
    assert_eq!(texts[2][1], "Bộ Tài chính");
    assert_eq!(texts[2][3], "Bộ Tư pháp");
    assert_eq!(texts[2][5], "Đã trả lời ngày 02/03/2026");
    assert_eq!(texts[3], vec!["B. CÁC ĐỊA PHƯƠNG".to_string()]);
    assert_eq!(
        (
            texts[4][1].as_str(),
            texts[4][3].as_str(),
            texts[4][5].as_str()
        ),
        (
            "Tỉnh Lạng Sơn",
            "Cơ quan thường trực",
            "Chưa trả lời (hạn 07/03/2026)"
        )
    );
    assert_eq!(
        texts[4][2],
        "Thiếu kinh phí số hóa\nNhiệm vụ 1: Cập nhật dữ liệu đất đai"
    );
    t.cleanup().await;
}

/// The agency filter of the task list lists agencies in Vietnamese order: "Bộ Công an" before
/// "Bộ Công Thương", every "Đ…" after every "D…" and before "E…".
#[tokio::test]
async fn agency_pickers_are_in_vietnamese_order_and_offer_only_agencies_in_force() {
    for t in backends().await {
        user(&t.db, "tt", "standing", None, "mat-khau-tt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state);
        b.login("tt", "mat-khau-tt-01").await;
        let page = b.get("/nhiem-vu").await;
        let select = page
            .body
            .split("name=\"co_quan\"")
            .nth(1)
            .and_then(|s| s.split("</select>").next())
            .expect("the agency filter");
        let names: Vec<&str> = select
            .split("\">")
            .skip(1)
            .filter_map(|s| s.split("</option>").next())
            .filter(|s| *s != "Tất cả")
            .collect();
        let at = |n: &str| {
            names
                .iter()
                .position(|x| *x == n)
                .unwrap_or_else(|| panic!("{n} in {names:?}"))
        };
        assert!(at("Bộ Công an") < at("Bộ Công Thương"), "{}", t.label);
        assert!(at("Bộ Y tế") < at("Đài Truyền hình Việt Nam"));
        // Agencies no longer in force are not offered: a ministry merged in 2025, a province
        // before 1 July 2025.
        for gone in ["Bộ Thông tin và Truyền thông", "Tỉnh Hà Giang"] {
            assert!(!names.contains(&gone), "{gone} offered: {names:?}");
        }
        assert!(names.contains(&"Tỉnh Tuyên Quang"));
        let first_d = names.iter().position(|n| n.starts_with('Đ')).expect("Đ");
        assert!(
            names[..first_d]
                .iter()
                .all(|n| !n.starts_with('Đ') && !n.starts_with('E')),
            "{names:?}"
        );
        t.cleanup().await;
    }
}

/// When the database cannot be asked who is calling, a signed-in user or a valid token gets 503
/// with Retry-After, never 401/403 (a client told its token is bad does not retry); nobody is
/// signed out.
#[tokio::test]
async fn a_database_that_cannot_answer_is_503_with_retry_after_not_a_bad_login() {
    for t in backends().await {
        user(&t.db, "canbo", "standing", None, "mat-khau-cb-01").await;
        let token = auth::create_api_token(&t.db, "canbo", "Hệ thống", None, "test")
            .await
            .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state);
        b.login("canbo", "mat-khau-cb-01").await;
        assert_eq!(b.get("/").await.status, StatusCode::OK, "{}", t.label);
        let health = Browser::new(b.state.clone()).get("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.body, r#"{"status":"ok"}"#);
        // The database goes away (every connection closed).
        t.db.pool().close().await;
        let health = Browser::new(b.state.clone()).get("/healthz").await;
        assert_eq!(
            health.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            t.label
        );
        assert!(health.headers.contains_key(header::RETRY_AFTER));
        let page = b.get("/nhiem-vu").await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", t.label);
        assert_eq!(
            page.headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("5")
        );
        assert!(page.body.contains("thử lại"), "{}", page.body);
        let api = b.get("/api/summary").await;
        assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{}", t.label);
        let bearer = Request::get("/api/summary")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let api = Browser::new(b.state.clone()).send(bearer).await;
        assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{}", t.label);
        assert!(api.headers.contains_key(header::RETRY_AFTER));
        assert!(
            b.cookies.contains_key("tiendo_session"),
            "the session cookie is kept"
        );
        // Without a session or token nothing is asked of the database: the log-in page.
        let anonymous = Browser::new(b.state.clone()).get("/").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        t.cleanup().await;
    }
}

/// A report while another writer holds the database past the wait (SQLite's busy timeout,
/// PostgreSQL's lock_timeout) is answered 503 with Retry-After and stores nothing; sent again
/// once the lock is gone, it is stored. A report the store fails on for good (here: a table
/// gone) is a 500 naming an incident code, never the database's words, and stores nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_busy_database_is_503_and_a_failure_names_an_incident_not_the_database() {
    use tiendo_store::sqlx::{self, Connection};
    for t in backends().await {
        import_file(
            &t.db,
            &sample("plan-2026-appendix-2.txt"),
            "plan",
            date!(2026 - 02 - 15),
        )
        .await;
        user(&t.db, "canbo", "standing", None, "mat-khau-cb-01").await;
        let token = auth::create_api_token(&t.db, "canbo", "Hệ thống", None, "test")
            .await
            .expect("token");
        let (assignment, task): (i64, i64) = sqlx::query_as(
            "SELECT id, task_id FROM assignments WHERE role = 'lead' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("assignment");
        let reports = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM progress_reports")
                .fetch_one(t.db.pool())
                .await
                .expect("count")
        };
        let before = reports().await;
        // The server's own connections: on PostgreSQL a lock is waited for 500 ms at most.
        let db = match &t.pg {
            Some((_, name)) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "ALTER DATABASE {name} SET lock_timeout = '500ms'"
                )))
                .execute(t.db.pool())
                .await
                .expect("lock_timeout");
                tiendo_store::Db::connect(&t.url).await.expect("connect")
            }
            None => t.db.clone(),
        };
        let state = AppState::new(db, false).await.expect("state");
        let report = |text: &str| {
            let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": text }).to_string();
            Request::post(format!("/api/tasks/{task}/reports"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request")
        };

        // Another writer holds the database (SQLite) or the assignment's row (PostgreSQL).
        let mut holder = sqlx::AnyConnection::connect(&t.url).await.expect("holder");
        if t.pg.is_some() {
            sqlx::query("BEGIN")
                .execute(&mut holder)
                .await
                .expect("begin");
            sqlx::query("SELECT id FROM assignments WHERE id = $1 FOR UPDATE")
                .bind(assignment)
                .fetch_all(&mut holder)
                .await
                .expect("row lock");
        } else {
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut holder)
                .await
                .expect("write lock");
        }
        let busy = Browser::new(state.clone()).send(report("lúc bận")).await;
        assert_eq!(
            busy.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}: {}",
            t.label,
            busy.body
        );
        assert_eq!(
            busy.headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("5")
        );
        let v: serde_json::Value = serde_json::from_str(&busy.body).expect("json");
        assert_eq!(v["code"], "ban", "{}", t.label);
        sqlx::query("ROLLBACK")
            .execute(&mut holder)
            .await
            .expect("release");
        assert_eq!(reports().await, before, "{}: nothing stored", t.label);
        let again = Browser::new(state.clone()).send(report("lúc bận")).await;
        assert_eq!(
            again.status,
            StatusCode::CREATED,
            "{}: {}",
            t.label,
            again.body
        );
        assert_eq!(reports().await, before + 1, "{}", t.label);

        // A failure that will not pass: the outbox of deliveries is gone.
        sqlx::query("DROP TABLE webhook_outbox")
            .execute(&mut holder)
            .await
            .expect("drop");
        let failed = Browser::new(state.clone()).send(report("hỏng")).await;
        assert_eq!(
            failed.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}: {}",
            t.label,
            failed.body
        );
        let v: serde_json::Value = serde_json::from_str(&failed.body).expect("json");
        let said = v["error"].as_str().unwrap_or_default();
        assert!(said.contains("mã sự cố"), "{}: {said}", t.label);
        assert!(
            !said.contains("webhook_outbox") && !said.to_lowercase().contains("relation"),
            "{}: the database's words: {said}",
            t.label
        );
        assert_eq!(reports().await, before + 1, "{}: nothing stored", t.label);
        holder.close().await.ok();
        t.cleanup().await;
    }
}

/// Forty wrong guesses at once on one name from one address: only the first five are checked at
/// all (the rest are told to wait, without a password hash being computed); the account's owner,
/// from elsewhere, still signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_guesses_get_five_attempts_between_them() {
    for t in backends().await {
        user(&t.db, "canbo", "standing", None, "dung-mat-khau-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut b = Browser::new(state.clone());
        let form = b.get("/dang-nhap").await;
        let csrf = hidden(&form.body, "csrf");
        let cookie = b.cookie_header();
        let mut joins = Vec::new();
        for i in 0..40 {
            let state = state.clone();
            let body = format!(
                "username=canbo&password=sai-{i}&csrf={}&next=%2F",
                enc(&csrf)
            );
            let cookie = cookie.clone();
            joins.push(tokio::spawn(async move {
                let req = Request::post("/dang-nhap")
                    .header(header::COOKIE, cookie)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .expect("request");
                router(state).oneshot(req).await.expect("response").status()
            }));
        }
        let mut checked = 0;
        let mut waiting = 0;
        for j in joins {
            match j.await.expect("join") {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => waiting += 1,
                s => panic!("{}: unexpected {s}", t.label),
            }
        }
        assert_eq!((checked, waiting), (5, 35), "{}", t.label);
        let mut owner = Browser::new(state.clone()).from("198.51.100.9");
        let p = owner.login("canbo", "dung-mat-khau-1").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", t.label);
        t.cleanup().await;
    }
}

/// An administrator's commands on accounts, as the server then sees them: disable (sessions and
/// tokens stop), enable, reset to a one-time password, change a role, revoke a token.
#[tokio::test]
async fn an_administrator_disables_resets_changes_roles_and_revokes_tokens() {
    for t in backends().await {
        let cli = |args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiendo"))
                .arg("--database-url")
                .arg(&t.url)
                .arg("users")
                .args(args)
                .output()
                .expect("tiendo");
            (
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        user(&t.db, "canbo", "standing", None, "mat-khau-cb-01").await;
        let token = auth::create_api_token(&t.db, "canbo", "hethong", None, "test")
            .await
            .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let api = |state: AppState, token: String| async move {
            let req = Request::get("/api/summary")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            Browser::new(state).send(req).await.status
        };
        let mut b = Browser::new(state.clone());
        b.login("canbo", "mat-khau-cb-01").await;
        assert_eq!(b.get("/").await.status, StatusCode::OK);

        let (ok, _, err) = cli(&["disable", "canbo"]);
        assert!(ok, "{err}");
        assert_eq!(
            b.get("/").await.status,
            StatusCode::SEE_OTHER,
            "session ended"
        );
        assert_eq!(
            api(state.clone(), token.clone()).await,
            StatusCode::UNAUTHORIZED
        );
        let p = Browser::new(state.clone())
            .login("canbo", "mat-khau-cb-01")
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", t.label);

        let (ok, _, err) = cli(&["enable", "canbo"]);
        assert!(ok, "{err}");
        assert_eq!(api(state.clone(), token.clone()).await, StatusCode::OK);
        let mut b = Browser::new(state.clone());
        assert_eq!(
            b.login("canbo", "mat-khau-cb-01").await.status,
            StatusCode::SEE_OTHER
        );

        let (ok, out, err) = cli(&["reset-password", "canbo"]);
        assert!(ok, "{err}");
        let once = out.trim().rsplit(' ').next().expect("password").to_string();
        assert_eq!(
            b.get("/").await.status,
            StatusCode::SEE_OTHER,
            "sessions ended"
        );
        let p = Browser::new(state.clone())
            .login("canbo", "mat-khau-cb-01")
            .await;
        assert_eq!(
            p.status,
            StatusCode::UNAUTHORIZED,
            "the old password no longer works"
        );
        let p = Browser::new(state.clone()).login("canbo", &once).await;
        assert_eq!(
            p.location.as_deref(),
            Some("/tai-khoan/mat-khau"),
            "{}",
            t.label
        );

        let (ok, _, err) = cli(&["set-role", "canbo", "--role", "focal"]);
        assert!(!ok && err.contains("--agency"), "{err}");
        let (ok, _, err) = cli(&["set-role", "canbo", "--role", "focal", "--agency", "BTC"]);
        assert!(ok, "{err}");
        let u =
            t.db.user_by_username("canbo")
                .await
                .expect("q")
                .expect("user");
        assert_eq!(u.role, tiendo_domain::access::UserRole::Focal);
        assert!(u.agency_id.is_some());

        let (ok, _, err) = cli(&["revoke-token", "canbo", "--name", "hethong"]);
        assert!(ok, "{err}");
        assert_eq!(
            api(state.clone(), token.clone()).await,
            StatusCode::UNAUTHORIZED
        );
        let (ok, _, err) = cli(&["revoke-token", "canbo", "--name", "hethong"]);
        assert!(!ok && err.contains("hethong"), "{err}");
        let (ok, _, err) = cli(&["disable", "khong-co"]);
        assert!(!ok && err.contains("khong-co"), "{err}");
        t.cleanup().await;
    }
}

/// The refusal's message standing beside a field: inside the field's label, after the field.
fn message_beside<'a>(html: &'a str, field: &str) -> Option<&'a str> {
    let rest = &html[html.find(&format!("name=\"{field}\""))?..];
    let label_end = rest.find("</label>")?;
    let start = "<span class=\"field-error\" role=\"alert\">";
    let at = rest.find(start).filter(|at| *at < label_end)? + start.len();
    rest[at..].split("</span>").next()
}

/// The text of `<code class="secret">` on a page: the password or token shown once.
fn shown_secret(body: &str) -> String {
    body.split("<code class=\"secret\">")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .unwrap_or_else(|| panic!("no secret shown: {body}"))
        .to_string()
}

/// An administrator manages accounts in the browser (Quản lý tài khoản): creates one (its
/// one-time password shown once), disables it (its session and token stop) and enables it,
/// changes its role, resets its password, creates a token that works and one that has expired,
/// revokes one; cannot lock themself out; every change is in the audit log.
#[tokio::test]
async fn an_administrator_manages_accounts_and_tokens_in_the_browser() {
    for t in backends().await {
        import_text(
            &t.db,
            "ds.csv",
            "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Việc một;Bộ Tài chính;31/3/2026\n",
            "ds.csv",
            date!(2026 - 02 - 15),
        )
        .await;
        user(&t.db, "quantri", "admin", None, "mat-khau-qt-01").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let mut admin = Browser::new(state.clone());
        admin.login("quantri", "mat-khau-qt-01").await;
        let list = admin.get("/quan-tri/tai-khoan").await;
        assert_eq!(list.status, StatusCode::OK);
        let csrf = hidden(&list.body, "csrf");

        // A focal point of an agency the registry does not hold is refused, nothing stored.
        let p = admin
            .post(
                "/quan-tri/tai-khoan",
                &[
                    ("csrf", &csrf),
                    ("username", "dau-moi"),
                    ("full_name", "Nguyễn Văn A"),
                    ("role", "focal"),
                    ("agency", "KHONG_CO"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(p.body.contains("KHONG_CO"), "{}", p.body);
        assert!(t.db.user_by_username("dau-moi").await.expect("q").is_none());
        let p = admin
            .post(
                "/quan-tri/tai-khoan",
                &[
                    ("csrf", &csrf),
                    ("username", "dau-moi"),
                    ("full_name", "Nguyễn Văn A"),
                    ("role", "focal"),
                    ("agency", "BTC"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", t.label, p.body);
        let once = shown_secret(&p.body);
        let mut focal = Browser::new(state.clone());
        let signed = focal.login("dau-moi", &once).await;
        assert_eq!(
            signed.location.as_deref(),
            Some("/tai-khoan/mat-khau"),
            "{}",
            t.label
        );
        let again = admin
            .post(
                "/quan-tri/tai-khoan",
                &[("csrf", &csrf), ("username", "dau-moi"), ("role", "viewer")],
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("đã có"), "{}", again.body);

        // A token that works, then one that expired, through the form and the store.
        let p = admin
            .post(
                "/quan-tri/tai-khoan/dau-moi/ma-truy-cap",
                &[("csrf", &csrf), ("name", "he-thong-tinh"), ("days", "30")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let token = shown_secret(&p.body);
        let api = |token: String| {
            let state = state.clone();
            async move {
                let req = Request::get("/api/summary")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .expect("request");
                Browser::new(state).send(req).await.status
            }
        };
        assert_eq!(api(token.clone()).await, StatusCode::OK);
        let p = admin
            .post(
                "/quan-tri/tai-khoan/dau-moi/ma-truy-cap",
                &[("csrf", &csrf), ("name", "sai"), ("days", "0")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        let expired = auth::new_token().expect("token");
        let id = t.db.account_id("dau-moi").await.expect("id");
        t.db.create_api_token(
            &auth::sha256_hex(&expired),
            "cu",
            id,
            Some("2020-01-01T00:00:00Z"),
            "test",
        )
        .await
        .expect("token");
        assert_eq!(
            api(expired).await,
            StatusCode::UNAUTHORIZED,
            "an expired token"
        );
        let page = admin.get("/quan-tri/tai-khoan/dau-moi").await;
        assert!(page.body.contains("Hết hạn"), "{}", page.body);
        assert!(page.body.contains("Còn hiệu lực đến"), "{}", page.body);

        // Disabled: the token stops; enabled again: it works.
        let p = admin
            .post("/quan-tri/tai-khoan/dau-moi/khoa", &[("csrf", &csrf)])
            .await;
        assert_eq!(
            p.location.as_deref(),
            Some("/quan-tri/tai-khoan/dau-moi?tb=khoa")
        );
        assert_eq!(api(token.clone()).await, StatusCode::UNAUTHORIZED);
        assert!(
            admin
                .get("/quan-tri/tai-khoan")
                .await
                .body
                .contains("Đã khóa")
        );
        admin
            .post("/quan-tri/tai-khoan/dau-moi/mo-khoa", &[("csrf", &csrf)])
            .await;
        assert_eq!(api(token.clone()).await, StatusCode::OK);

        // Another role; a reset password; a revoked token.
        let p = admin
            .post(
                "/quan-tri/tai-khoan/dau-moi/vai-tro",
                &[("csrf", &csrf), ("role", "viewer"), ("agency", "")],
            )
            .await;
        assert_eq!(
            p.location.as_deref(),
            Some("/quan-tri/tai-khoan/dau-moi?tb=vai-tro")
        );
        let u =
            t.db.user_by_username("dau-moi")
                .await
                .expect("q")
                .expect("user");
        assert_eq!(u.role, tiendo_domain::access::UserRole::Viewer);
        let p = admin
            .post("/quan-tri/tai-khoan/dau-moi/mat-khau", &[("csrf", &csrf)])
            .await;
        let second = shown_secret(&p.body);
        assert_ne!(second, once);
        assert_eq!(
            Browser::new(state.clone())
                .login("dau-moi", &once)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let p = admin
            .post(
                "/quan-tri/tai-khoan/dau-moi/thu-hoi-ma",
                &[("csrf", &csrf), ("name", "he-thong-tinh")],
            )
            .await;
        assert_eq!(
            p.location.as_deref(),
            Some("/quan-tri/tai-khoan/dau-moi?tb=thu-hoi")
        );
        assert_eq!(api(token).await, StatusCode::UNAUTHORIZED);

        // Not themself; not without the form's token.
        let p = admin
            .post(
                "/quan-tri/tai-khoan/quantri/vai-tro",
                &[("csrf", &csrf), ("role", "viewer")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        let p = admin
            .post("/quan-tri/tai-khoan/dau-moi/khoa", &[("csrf", "gia-mao")])
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(t.db.user_by_username("dau-moi").await.expect("q").is_some());
        let active: i64 =
            tiendo_store::sqlx::query_scalar("SELECT active FROM users WHERE username = 'dau-moi'")
                .fetch_one(t.db.pool())
                .await
                .expect("active");
        assert_eq!(active, 1, "a forged form changes nothing");

        let actions: Vec<String> = tiendo_store::sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE entity = 'user' AND actor = 'quantri' ORDER BY id",
        )
        .fetch_all(t.db.pool())
        .await
        .expect("audit");
        for a in [
            "user.created",
            "api_token.created",
            "user.disabled",
            "user.enabled",
            "user.role_changed",
            "api_token.revoked",
        ] {
            assert!(
                actions.iter().any(|x| x == a),
                "{}: {a} not audited in {actions:?}",
                t.label
            );
        }
        t.cleanup().await;
    }
}

/// Another system (nq57) pushes its tasks through the API with its own ids: the first push
/// creates, the same push again changes nothing, a push with new values updates the same task
/// (a new deadline as a deadline change), eight pushes of a new id at once store one task; an id
/// with markup is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_system_pushes_the_same_task_twice_without_a_duplicate() {
    for t in backends().await {
        user(&t.db, "he-thong", "standing", None, "mat-khau-ht-01").await;
        let token = auth::create_api_token(&t.db, "he-thong", "nq57", None, "test")
            .await
            .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let push = |body: serde_json::Value| {
            let (state, token) = (state.clone(), token.clone());
            async move {
                let req = Request::post("/api/tasks")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .expect("request");
                let p = Browser::new(state).send(req).await;
                (
                    p.status,
                    serde_json::from_str::<serde_json::Value>(&p.body).unwrap_or_default(),
                )
            }
        };
        let tasks = |db: tiendo_store::Db| async move {
            tiendo_store::sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tasks")
                .fetch_one(db.pool())
                .await
                .expect("count")
        };
        let first = serde_json::json!({
            "name": "Kết nối dữ liệu dân cư với hệ thống thuế",
            "lead": "Bộ Công an",
            "deadline": "30/6/2026",
            "document": "nq57",
            "external_system": "nq57",
            "external_id": "NV-2026-001",
        });
        let (s, v) = push(first.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{}: {v}", t.label);
        assert_eq!(v["outcome"], "created");
        let id = v["id"].as_i64().expect("id");
        let before = tasks(t.db.clone()).await;

        let (s, v) = push(first.clone()).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("unchanged")),
            "{v}"
        );
        assert_eq!(v["id"].as_i64(), Some(id));
        assert_eq!(
            tasks(t.db.clone()).await,
            before,
            "{}: no duplicate",
            t.label
        );

        let mut changed = first.clone();
        changed["name"] = "Kết nối dữ liệu dân cư với hệ thống thuế và bảo hiểm".into();
        changed["deadline"] = "30/9/2026".into();
        let (s, v) = push(changed.clone()).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("updated")),
            "{v}"
        );
        assert_eq!(v["id"].as_i64(), Some(id));
        let name: String = tiendo_store::sqlx::query_scalar("SELECT name FROM tasks WHERE id = $1")
            .bind(id)
            .fetch_one(t.db.pool())
            .await
            .expect("task");
        assert!(name.ends_with("và bảo hiểm"), "{name}");
        let changes: Vec<(Option<String>, String)> = tiendo_store::sqlx::query_as(
            "SELECT due_on, reason FROM deadline_changes WHERE task_id = $1",
        )
        .bind(id)
        .fetch_all(t.db.pool())
        .await
        .expect("changes");
        assert_eq!(changes.len(), 1, "{}: {changes:?}", t.label);
        assert_eq!(changes[0].0.as_deref(), Some("2026-09-30"));
        assert!(changes[0].1.contains("hệ thống khác"), "{changes:?}");
        assert_eq!(tasks(t.db.clone()).await, before);
        // The same changed push again: unchanged, no second deadline change.
        let (s, v) = push(changed.clone()).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("unchanged")),
            "{}: {v}",
            t.label
        );
        let again: i64 = tiendo_store::sqlx::query_scalar(
            "SELECT COUNT(*) FROM deadline_changes WHERE task_id = $1",
        )
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .expect("changes");
        assert_eq!(again, 1, "{}", t.label);

        // Eight pushes of one new id at once: one task.
        let mut racing = Vec::new();
        for _ in 0..8 {
            let mut b = first.clone();
            b["external_id"] = "NV-2026-002".into();
            racing.push(tokio::spawn(push(b)));
        }
        let mut ids = Vec::new();
        for r in racing {
            let (s, v) = r.await.expect("join");
            assert!(
                s == StatusCode::CREATED || s == StatusCode::OK,
                "{}: {s} {v}",
                t.label
            );
            ids.push(v["id"].as_i64().expect("id"));
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}: {ids:?}", t.label);
        assert_eq!(tasks(t.db.clone()).await, before + 1, "{}", t.label);

        let mut bad = first.clone();
        bad["external_id"] = "<script>".into();
        let (s, _) = push(bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(tasks(t.db.clone()).await, before + 1);
        t.cleanup().await;
    }
}

/// The OpenAPI document passes a validator (openapi-spec-validator, installed from PyPI by
/// scripts/test, named by TIENDO_OPENAPI_VALIDATOR as a Python path), so a client can be
/// generated from it; the task list's filters are query parameters.
#[test]
fn the_openapi_document_is_valid() {
    let doc = tiendo_web::api::openapi()
        .to_json()
        .expect("the document as JSON");
    let v: serde_json::Value = serde_json::from_str(&doc).expect("json");
    let params = v["paths"]["/api/tasks"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    assert!(!params.is_empty());
    assert!(params.iter().all(|p| p["in"] == "query"), "{params:?}");
    let Ok(pythonpath) = std::env::var("TIENDO_OPENAPI_VALIDATOR") else {
        eprintln!(
            "skipped the validator: TIENDO_OPENAPI_VALIDATOR is not set (scripts/test sets it)"
        );
        return;
    };
    let file = common::temp_dir().join("openapi.json");
    std::fs::write(&file, &doc).expect("write");
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .env("PYTHONPATH", pythonpath)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Another system (nq57) names our agencies and assignments by its own ids: an agency pushed
/// twice is made (or found by its exact name) once and updated only when its values change;
/// eight pushes of one new agency at once make one; an assignment given under the system's id
/// (the agency named by the system's id too) is given once however often it is sent, and an
/// agency already holding the task has its assignment named instead; every id leads back to
/// our record; an id already naming another agency is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_system_names_agencies_and_assignments_by_its_own_ids() {
    for t in backends().await {
        user(&t.db, "he-thong", "standing", None, "mat-khau-ht-01").await;
        let token = auth::create_api_token(&t.db, "he-thong", "nq57", None, "test")
            .await
            .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let call = |method: &'static str, uri: String, body: Option<serde_json::Value>| {
            let (state, token) = (state.clone(), token.clone());
            async move {
                let req = Request::builder()
                    .method(method)
                    .uri(uri)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
                    .expect("request");
                let p = Browser::new(state).send(req).await;
                (
                    p.status,
                    serde_json::from_str::<serde_json::Value>(&p.body).unwrap_or_default(),
                )
            }
        };
        let count = |db: tiendo_store::Db, sql: &'static str| async move {
            tiendo_store::sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(db.pool())
                .await
                .expect("count")
        };
        let agencies_before = count(t.db.clone(), "SELECT COUNT(*) FROM agencies").await;

        // An agency the registry holds, pushed by its exact name: linked, not made again.
        let push = |id: &'static str, body: serde_json::Value| {
            call(
                "PUT",
                format!("/api/agencies/external/nq57/{id}"),
                Some(body),
            )
        };
        let (s, v) = push("BO-CA", serde_json::json!({ "name": "Bộ Công an" })).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("linked")),
            "{}: {v}",
            t.label
        );
        assert_eq!(v["code"], "BCA");
        let (s, v) = push("BO-CA", serde_json::json!({ "name": "Bộ Công an" })).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("unchanged")),
            "{v}"
        );
        let (_, v) = push(
            "BO-CA",
            serde_json::json!({ "name": "Bộ Công an", "head_name": "Nguyễn Văn A" }),
        )
        .await;
        assert_eq!(v["outcome"], "updated", "{}: {v}", t.label);
        assert_eq!(
            count(t.db.clone(), "SELECT COUNT(*) FROM agencies").await,
            agencies_before
        );

        // A new agency: created once, even pushed eight times at once.
        let mut racing = Vec::new();
        for _ in 0..8 {
            racing.push(tokio::spawn(push(
                "TT-DL",
                serde_json::json!({ "name": "Trung tâm Điều phối dữ liệu số", "kind": "government_agency" }),
            )));
        }
        let mut codes = Vec::new();
        for r in racing {
            let (s, v) = r.await.expect("join");
            assert!(
                s == StatusCode::CREATED || s == StatusCode::OK,
                "{}: {s} {v}",
                t.label
            );
            codes.push(v["code"].as_str().expect("code").to_string());
        }
        codes.dedup();
        assert_eq!(codes, ["NQ57_TT_DL"], "{}", t.label);
        assert_eq!(
            count(t.db.clone(), "SELECT COUNT(*) FROM agencies").await,
            agencies_before + 1,
            "{}",
            t.label
        );
        assert_eq!(
            count(
                t.db.clone(),
                "SELECT COUNT(*) FROM agency_external_ids WHERE external_id = 'TT-DL'"
            )
            .await,
            1
        );

        // An id that already names an agency cannot name another.
        let (s, v) = call(
            "POST",
            "/api/agencies/BTP/external-ids".into(),
            Some(serde_json::json!({ "system": "nq57", "external_id": "BO-CA" })),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(
            v["error"].as_str().unwrap_or("").contains("Bộ Công an"),
            "{v}"
        );

        // A task pushed with its lead; then its assignments under the system's ids.
        let (s, v) = call(
            "POST",
            "/api/tasks".into(),
            Some(serde_json::json!({
                "name": "Kết nối dữ liệu dân cư với hệ thống thuế",
                "lead": "Bộ Công an", "deadline": "30/6/2026",
                "external_system": "nq57", "external_id": "NV-1",
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {v}", t.label);
        let task = v["id"].as_i64().expect("task");
        let assign = |body: serde_json::Value| {
            call("POST", format!("/api/tasks/{task}/assignments"), Some(body))
        };
        let lead = serde_json::json!({ "agency_external_id": "BO-CA", "role": "lead",
            "external_system": "nq57", "external_id": "PC-1" });
        let (s, v) = assign(lead.clone()).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::OK, Some("linked")),
            "{}: {v}",
            t.label
        );
        let lead_id = v["id"].as_i64().expect("id");
        let helper = serde_json::json!({ "agency_external_id": "TT-DL", "role": "coordinator",
            "external_system": "nq57", "external_id": "PC-2" });
        let assignments = || {
            count(
                t.db.clone(),
                "SELECT COUNT(*) FROM assignments WHERE active = 1",
            )
        };
        let (s, v) = assign(helper.clone()).await;
        assert_eq!(
            (s, v["outcome"].as_str()),
            (StatusCode::CREATED, Some("created")),
            "{v}"
        );
        let helper_id = v["id"].as_i64().expect("id");
        let before = assignments().await;
        for body in [lead.clone(), helper.clone()] {
            let (s, v) = assign(body).await;
            assert_eq!(
                (s, v["outcome"].as_str()),
                (StatusCode::OK, Some("unchanged")),
                "{v}"
            );
        }
        assert_eq!(
            assignments().await,
            before,
            "{}: sent again, given once",
            t.label
        );
        let (s, _) = assign(
            serde_json::json!({ "agency_external_id": "KHONG-CO", "role": "lead",
            "external_system": "nq57", "external_id": "PC-3" }),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);

        // Every id leads back to our record.
        let (s, v) = call("GET", "/api/external/nq57/assignments/PC-2".into(), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            (
                v["id"].as_i64(),
                v["task_id"].as_i64(),
                v["agency"].as_str(),
                v["role"].as_str()
            ),
            (
                Some(helper_id),
                Some(task),
                Some("NQ57_TT_DL"),
                Some("coordinator")
            ),
            "{v}"
        );
        let (_, v) = call("GET", "/api/external/nq57/assignments/PC-1".into(), None).await;
        assert_eq!(v["id"].as_i64(), Some(lead_id));
        let (_, v) = call("GET", "/api/external/nq57/tasks/NV-1".into(), None).await;
        assert_eq!(v["id"].as_i64(), Some(task));
        let (_, v) = call("GET", "/api/external/nq57/agencies/BO-CA".into(), None).await;
        assert_eq!(v["agency"], "BCA");
        let (s, _) = call("GET", "/api/external/nq57/tasks/NV-404".into(), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = call("GET", "/api/agencies?q=bo%20cong%20an".into(), None).await;
        assert_eq!(
            v["items"][0]["external_ids"],
            serde_json::json!([{ "system": "nq57", "external_id": "BO-CA" }]),
            "{v}"
        );
        t.cleanup().await;
    }
}
