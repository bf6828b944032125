//! The standing agency's work in the browser and through the API: editing and reassigning a task,
//! forwarding a difficulty, the registry, report downloads (secret tasks left out for those who
//! may not see them), the ranking and meetings pages.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::browser::{Browser, hidden, user};
use common::{backends, import_text};
use http_body_util::BodyExt;
use tiendo_service::accounts as auth;
use tiendo_web::{AppState, router};
use time::macros::date;
use tower::ServiceExt;

const PLAN: &str = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n\
1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;31/3/2026\n\
2;Xây dựng cơ sở dữ liệu hộ tịch;Bộ Tư pháp;30/4/2026\n";

async fn signed_in(state: &AppState, name: &str) -> (Browser, String) {
    let mut b = Browser::new(state.clone());
    assert_eq!(
        b.login(name, "mat-khau-chung-1").await.location.as_deref(),
        Some("/")
    );
    let csrf = hidden(&b.get("/").await.body, "csrf");
    (b, csrf)
}

#[tokio::test]
async fn the_standing_agency_edits_and_reassigns_a_task() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let task =
            t.db.task_by_number("p", "1")
                .await
                .expect("q")
                .expect("task");
        for (n, r, a) in [
            ("tt", "standing", None),
            ("btc", "focal", Some("BTC")),
            ("bca", "focal", Some("BCA")),
        ] {
            user(&t.db, n, r, a, "mat-khau-chung-1").await;
        }
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut tt, csrf) = signed_in(&state, "tt").await;
        let url = format!("/nhiem-vu/{task}/sua");
        let form = tt.get(&url).await;
        assert!(form.body.contains("Ban hành quy chế chia sẻ dữ liệu"));
        // An absurd deadline comes back on the form with the reason and the values typed.
        let before = t.db.counts().await.expect("counts");
        let r = tt
            .post(
                &url,
                &[
                    ("csrf", &csrf),
                    ("name", "Ban hành quy chế chia sẻ, khai thác dữ liệu"),
                    ("new_deadline", "31/2/2026"),
                    ("reason", "Gia hạn"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", t.label);
        assert!(r.body.contains("Thời hạn mới không đọc được"), "{}", r.body);
        assert!(r.body.contains("khai thác dữ liệu"), "what was typed stays");
        let r = tt
            .post(
                &url,
                &[("csrf", &csrf), ("name", "Tên <script>alert(1)</script>")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("mã HTML") && !r.body.contains("<script>alert"));
        assert_eq!(
            t.db.counts().await.expect("counts"),
            before,
            "nothing stored"
        );
        let r = tt
            .post(
                &url,
                &[
                    ("csrf", &csrf),
                    ("name", "Ban hành quy chế chia sẻ, khai thác dữ liệu"),
                    ("overseer", "Phó Thủ tướng Nguyễn Chí Dũng"),
                    ("new_deadline", "30/9/2099"),
                    ("reason", "Chờ Luật Dữ liệu sửa đổi"),
                ],
            )
            .await;
        assert_eq!(r.location, Some(format!("/nhiem-vu/{task}?tb=da-sua")));
        let page = tt.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains("Phó Thủ tướng Nguyễn Chí Dũng"));
        assert!(
            page.body.contains("Chờ Luật Dữ liệu sửa đổi"),
            "deadline history"
        );
        assert!(
            page.body.contains("30/09/2099"),
            "the new deadline is in force"
        );
        let list = tt
            .get("/nhiem-vu?lanh_dao=Ph%C3%B3+Th%E1%BB%A7+t%C6%B0%E1%BB%9Bng+Nguy%E1%BB%85n+Ch%C3%AD+D%C5%A9ng")
            .await;
        assert!(
            list.body.contains("1 nhiệm vụ"),
            "filter by the leader overseeing"
        );

        // Reassign from Bộ Tài chính to Bộ Công an: without a reason, the page again (422) with
        // the choices kept and the message at the reason; then with one.
        let btc_a = t.db.assignments_of(task).await.expect("a")[0].id;
        let r = tt
            .post(
                &format!("/nhiem-vu/{task}/giao"),
                &[
                    ("csrf", &csrf),
                    ("agency", "BCA"),
                    ("role", "lead"),
                    ("replacing", &btc_a.to_string()),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        let form = &r.body[r.body.find("id=\"giao\"").expect("the form")..];
        let form = &form[..form.find("</form>").expect("its end")];
        assert!(
            form.contains("<option value=\"BCA\" selected>"),
            "the agency chosen stays"
        );
        assert!(
            form.contains(&format!("<option value=\"{btc_a}\" selected>")),
            "and the one it replaces"
        );
        let reason = &form[form.find("name=\"reason\"").expect("reason")..];
        let (message, label_end) = (
            reason.find("class=\"field-error\""),
            reason.find("</label>"),
        );
        assert!(
            matches!((message, label_end), (Some(m), Some(e)) if m < e),
            "the message beside the reason"
        );
        assert_eq!(
            t.db.assignments_of(task).await.expect("a").len(),
            1,
            "nothing stored"
        );
        let r = tt
            .post(
                &format!("/nhiem-vu/{task}/giao"),
                &[
                    ("csrf", &csrf),
                    ("agency", "BCA"),
                    ("role", "lead"),
                    ("replacing", &btc_a.to_string()),
                    ("reason", "Theo Quyết định phân công lại"),
                ],
            )
            .await;
        assert_eq!(r.location, Some(format!("/nhiem-vu/{task}?tb=chuyen-giao")));
        let page = tt.get(&format!("/nhiem-vu/{task}")).await;
        assert!(page.body.contains("Phân công đã kết thúc"));
        let (mut bca, _) = signed_in(&state, "bca").await;
        assert_eq!(
            bca.get(&format!("/nhiem-vu/{task}")).await.status,
            StatusCode::OK,
            "the new agency sees it"
        );
        let (mut btc, _) = signed_in(&state, "btc").await;
        assert_eq!(
            btc.get(&format!("/nhiem-vu/{task}")).await.status,
            StatusCode::NOT_FOUND,
            "the old one no longer does"
        );
        let history = tt.get(&format!("/nhiem-vu/{task}")).await.body;
        assert!(
            history.contains("Giao Bộ Công an (chủ trì) từ ngày")
                && history.contains("Kết thúc phân công Bộ Tài chính (chủ trì) từ ngày"),
            "the history in sentences"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_difficulty_is_forwarded_and_answered_by_the_agency_it_was_sent_to() {
    let t = backends().await.into_iter().next().expect("sqlite");
    import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
    let task =
        t.db.task_by_number("p", "1")
            .await
            .expect("q")
            .expect("task");
    for (n, r, a) in [
        ("tt", "standing", None),
        ("btc", "focal", Some("BTC")),
        ("btp", "focal", Some("BTP")),
    ] {
        user(&t.db, n, r, a, "mat-khau-chung-1").await;
    }
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let (mut btc, bcsrf) = signed_in(&state, "btc").await;
    let r = btc
        .post(
            &format!("/nhiem-vu/{task}/kho-khan"),
            &[("csrf", &bcsrf), ("text", "Chưa có hướng dẫn định dạng")],
        )
        .await;
    assert_eq!(r.location, Some(format!("/nhiem-vu/{task}?tb=kho-khan")));
    let d = t.db.difficulties(Some(task)).await.expect("d")[0].id;
    let (mut tt, csrf) = signed_in(&state, "tt").await;
    let due = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    let r = tt
        .post(
            &format!("/kho-khan/{d}/chuyen"),
            &[
                ("csrf", &csrf),
                ("task", &task.to_string()),
                ("handler", "BTP"),
                ("answer_due", &tiendo_domain::deadline::iso(due)),
            ],
        )
        .await;
    assert_eq!(r.location, Some(format!("/nhiem-vu/{task}?tb=chuyen")));
    let register = tt.get("/kho-khan?xu_ly=BTP&tinh_trang=open").await;
    assert!(register.body.contains("Chưa có hướng dẫn định dạng"));
    assert!(register.body.contains("1 khó khăn, vướng mắc"));
    let none = tt.get("/kho-khan?tinh_trang=overdue").await;
    assert!(
        none.body.contains("0 khó khăn, vướng mắc"),
        "not overdue yet"
    );
    // Bộ Tư pháp's focal point sees it (without being assigned the task) and answers.
    let (mut btp, pcsrf) = signed_in(&state, "btp").await;
    let mine = btp.get("/kho-khan").await;
    assert!(mine.body.contains("Chưa có hướng dẫn định dạng"));
    assert!(
        mine.body.contains("action=\"/kho-khan/"),
        "with the answer form"
    );
    let r = btp
        .post(
            &format!("/kho-khan/{d}/tra-loi"),
            &[
                ("csrf", &pcsrf),
                ("task", &task.to_string()),
                ("ve", "so"),
                ("answer", "Áp dụng Thông tư 12/2026/TT-BTP"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/kho-khan?tb=tra-loi"));
    let all = t.db.difficulties(Some(task)).await.expect("d");
    assert_eq!(all[0].answered_by.as_deref(), Some("btp"));
    assert_eq!(all[0].state, "answered");
    t.cleanup().await;
}

#[tokio::test]
async fn the_registry_is_edited_in_the_browser() {
    let t = backends().await.into_iter().next().expect("sqlite");
    user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let (mut tt, csrf) = signed_in(&state, "tt").await;
    let r = tt
        .post(
            "/co-quan/moi",
            &[
                ("csrf", &csrf),
                ("code", "TCT_DL"),
                ("name", "Tổng công ty Dữ liệu"),
                ("kind", "corporation"),
                ("valid_from", "1900-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("1900"), "an absurd date is named");
    assert!(t.db.agency_id("TCT_DL").await.expect("q").is_none());
    let r = tt
        .post(
            "/co-quan/moi",
            &[
                ("csrf", &csrf),
                ("code", "TCT_DL"),
                ("name", "Tổng công ty Dữ liệu"),
                ("kind", "corporation"),
                ("head_name", "Nguyễn Văn A"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/co-quan?tb=them-co-quan"));
    let r = tt
        .post(
            "/co-quan/TCT_DL/sua",
            &[
                ("csrf", &csrf),
                ("name", "Tổng công ty Dữ liệu quốc gia"),
                ("kind", "corporation"),
                ("head_title", "Chủ tịch Hội đồng thành viên"),
                ("head_name", "Nguyễn Văn B"),
            ],
        )
        .await;
    assert!(
        r.location
            .as_deref()
            .is_some_and(|l| l.contains("tb=sua-co-quan"))
    );
    let reg = t.db.load_registry().await.expect("registry");
    let a = reg.registry.agency("TCT_DL").expect("added");
    assert_eq!(a.name, "Tổng công ty Dữ liệu quốc gia");
    assert!(
        a.aliases.contains(&"Tổng công ty Dữ liệu".to_string()),
        "the old name is still read"
    );
    let page = tt.get("/co-quan?q=du+lieu+quoc+gia").await;
    assert!(page.body.contains("Nguyễn Văn B"));
    t.cleanup().await;
}

async fn download(b: &mut Browser, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::get(uri)
        .header(header::COOKIE, b.cookie_header())
        .body(Body::empty())
        .expect("request");
    let resp = router(b.state.clone())
        .oneshot(req)
        .await
        .expect("response");
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, ct, bytes.to_vec())
}

#[tokio::test]
async fn reports_download_and_leave_out_what_the_reader_may_not_see() {
    let t = backends().await.into_iter().next().expect("sqlite");
    import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
    let secret =
        t.db.task_by_number("p", "2")
            .await
            .expect("q")
            .expect("task");
    t.db.edit_task(
        secret,
        &tiendo_store::edit::TaskEdit {
            name: "Xây dựng cơ sở dữ liệu hộ tịch".into(),
            secret: true,
            ..Default::default()
        },
        date!(2026 - 02 - 02),
        "tt",
    )
    .await
    .expect("secret");
    user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
    user(&t.db, "xem", "viewer", None, "mat-khau-chung-1").await;
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let (mut tt, _) = signed_in(&state, "tt").await;
    let (mut xem, _) = signed_in(&state, "xem").await;
    let page = xem.get("/bao-cao").await;
    assert!(page.body.contains("Danh sách nhiệm vụ quá hạn"));
    assert!(page.body.contains("/bao-cao/tai/qua-han.docx"));
    let uri = "/bao-cao/tai/qua-han.json?ngay=2026-05-20";
    let (s, cd, body) = download(&mut tt, uri).await;
    assert_eq!(s, StatusCode::OK);
    assert!(cd.starts_with("attachment;") && cd.contains("nhiem-vu-qua-han-2026-05-20.json"));
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(2));
    let (_, _, body) = download(&mut xem, uri).await;
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        v["items"].as_array().map(Vec::len),
        Some(1),
        "the secret task is left out for a viewer"
    );
    let (s, cd, body) = download(
        &mut xem,
        "/bao-cao/tai/qua-han.docx?ngay=2026-05-20&kem_theo=B%C3%A1o+c%C3%A1o+s%E1%BB%91+1",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(cd.contains(".docx"));
    let blocks = tiendo_office::docx::read_docx(&body).expect("a Word file");
    let paras: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            tiendo_office::blocks::Block::Paragraph(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(paras.contains(&"(Kèm theo Báo cáo số 1)".to_string()));
    let (s, _, body) = download(&mut xem, "/bao-cao/tai/theo-co-quan.xlsx?ngay=2026-05-20").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.starts_with(b"PK"), "an Excel file");
    let (s, _, _) = download(&mut xem, "/bao-cao/tai/qua-han.docx?ngay=2026-02-31").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The register of difficulties as JSON says its date under the same key as the command
    // line's and the API's.
    let (s, _, body) = download(&mut xem, "/bao-cao/tai/kho-khan.json?ngay=2026-05-20").await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["as_of"], "2026-05-20", "{v}");
    assert!(v["difficulties"].is_array(), "{v}");
    // The ranking page shows each agency's components and the formula.
    let r = xem.get("/xep-hang?thang=2026-05").await;
    assert!(r.body.contains("Điểm và xếp hạng tháng 5/2026"));
    assert!(r.body.contains("Bộ Tài chính") && r.body.contains("Cách tính điểm (công khai)"));
    // The formula in words, not its file: the weights of the published formula, the report
    // day, and the first ranked agency worked out; the file is a download.
    assert!(!r.body.contains("report_day = 25"), "no TOML on the page");
    let f = tiendo_domain::scoring::Formula::from_toml(
        &String::from_utf8(
            download(&mut xem, "/xep-hang/cach-tinh.toml?thang=2026-05")
                .await
                .2,
        )
        .expect("text"),
    )
    .expect("the published formula, downloaded");
    assert_eq!(f.report_day, 25);
    assert!(r.body.contains("gửi đến hết ngày 25"));
    let table = r
        .body
        .split("formula-table")
        .nth(1)
        .expect("the formula as a table");
    let weight = table
        .split("Hoàn thành đúng hạn</th>")
        .nth(1)
        .and_then(|row| row.split("</td>").next())
        .unwrap_or_default();
    assert!(
        weight.ends_with(&format!(">{}", f.weights.on_time)),
        "the published weight: {weight}"
    );
    assert!(
        r.body.contains("id=\"vi-du-tinh-diem\""),
        "a worked example"
    );
    t.cleanup().await;
}

#[tokio::test]
async fn meetings_are_recorded_and_their_pack_downloaded() {
    let t = backends().await.into_iter().next().expect("sqlite");
    import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
    user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let (mut tt, csrf) = signed_in(&state, "tt").await;
    let r = tt
        .post(
            "/phien-hop",
            &[
                ("csrf", &csrf),
                ("name", "Phiên họp lần thứ nhất"),
                ("held_on", "2026-01-20"),
                ("documents", "khong co van ban"),
            ],
        )
        .await;
    // Refused: the page again (422), everything typed kept, the message beside the documents.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"Phiên họp lần thứ nhất\""));
    assert!(r.body.contains("value=\"20/01/2026\"") || r.body.contains("value=\"2026-01-20\""));
    assert!(r.body.contains("value=\"khong co van ban\""));
    assert!(r.body.contains("id=\"loi-documents\""), "{}", r.body);
    assert!(
        t.db.meetings().await.expect("m").is_empty(),
        "nothing stored"
    );
    let r = tt
        .post(
            "/phien-hop",
            &[
                ("csrf", &csrf),
                ("name", "Phiên họp lần thứ nhất"),
                ("held_on", "2026-01-20"),
                ("documents", "p"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/phien-hop?tb=them-phien-hop"));
    let page = tt.get("/phien-hop").await;
    assert!(page.body.contains("Phiên họp lần thứ nhất"));
    // The document is named by the file it was read from, not by the store's key "p".
    assert_eq!(
        t.db.meetings().await.expect("m")[0].document_labels(),
        ["p.csv"]
    );
    assert!(
        page.body.contains("href=\"/nhiem-vu?van_ban=p\">p.csv</a>"),
        "the link still finds its tasks: {}",
        page.body
    );
    let id = t.db.meetings().await.expect("m")[0].id;
    let (s, cd, body) = download(
        &mut tt,
        &format!("/phien-hop/{id}/tai-lieu?ngay=2026-05-20&tiep_theo=Phi%C3%AAn+h%E1%BB%8Dp+l%E1%BA%A7n+th%E1%BB%A9+hai"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(cd.contains(".docx"));
    let blocks = tiendo_office::docx::read_docx(&body).expect("a Word file");
    let text: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            tiendo_office::blocks::Block::Paragraph(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(
        text.iter()
            .any(|p| p.contains("phục vụ Phiên họp lần thứ hai"))
    );
    assert!(text.iter().any(|p| p.contains("đã giao 2 nhiệm vụ")));
    t.cleanup().await;
}

#[tokio::test]
async fn other_systems_work_through_the_api_with_a_token() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        let task =
            t.db.task_by_number("p", "1")
                .await
                .expect("q")
                .expect("task");
        let mut tokens = std::collections::HashMap::new();
        for (n, r, a) in [("tt", "standing", None), ("btc", "focal", Some("BTC"))] {
            user(&t.db, n, r, a, "mat-khau-chung-1").await;
            let token = auth::create_api_token(&t.db, n, "hệ thống", None, "test")
                .await
                .expect("token");
            tokens.insert(n, token);
        }
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let call = |who: &str, method: &str, uri: String, body: Option<String>| {
            let st = state.clone();
            let token = tokens[who].clone();
            let method = method.to_string();
            async move {
                let mut r = Request::builder()
                    .method(method.as_str())
                    .uri(uri)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"));
                if body.is_some() {
                    r = r.header(header::CONTENT_TYPE, "application/json");
                }
                let resp = router(st)
                    .oneshot(r.body(body.map(Body::from).unwrap_or_default()).expect("r"))
                    .await
                    .expect("response");
                let s = resp.status();
                let b = resp.into_body().collect().await.expect("b").to_bytes();
                (
                    s,
                    serde_json::from_slice::<serde_json::Value>(&b).unwrap_or_default(),
                )
            }
        };
        let (s, v) = call("btc", "GET", "/api/my-tasks?as_of=2026-04-01".into(), None).await;
        assert_eq!(s, StatusCode::OK);
        let a = v["items"][0]["assignment_id"].as_i64().expect("assignment");
        assert_eq!(v["items"][0]["state"], "open_overdue");
        let (s, v) = call(
            "btc",
            "POST",
            format!("/api/tasks/{task}/deadline-requests"),
            Some(format!(
                r#"{{"assignment":{a},"deadline":"31/12/2099","reason":"Chờ thẩm định"}}"#
            )),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let change = v["id"].as_i64().expect("id");
        let (s, v) = call(
            "tt",
            "POST",
            format!("/api/deadline-requests/{change}/decision"),
            Some(r#"{"decision":"approve"}"#.into()),
        )
        .await;
        assert_eq!((s, v["task"].as_i64()), (StatusCode::OK, Some(task)));
        let (s, v) = call("tt", "GET", format!("/api/tasks/{task}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["assignments"][0]["state"], "open_in_time", "{}", t.label);
        assert_eq!(v["assignments"][0]["due"], "2099-12-31");
        assert_eq!(v["deadline_changes"][0]["state"], "approved");
        let (s, v) = call(
            "btc",
            "POST",
            format!("/api/tasks/{task}/reports"),
            Some(format!(
                r#"{{"assignment":{a},"status":"done","text":"Đã ban hành Quyết định"}}"#
            )),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = call("tt", "GET", "/api/tasks?status=done_on_time".into(), None).await;
        assert_eq!((s, v["total"].as_u64()), (StatusCode::OK, Some(1)));
        let (s, v) = call(
            "tt",
            "POST",
            "/api/import?file_name=bo-sung.csv&reported_on=2026-03-01&dry_run=true".into(),
            Some("STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Số hóa hồ sơ;Bộ Y tế;Quý III/2026\n".into()),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["preview"]["tasks"][0]["deadline"]["due"], "2026-09-30");
        assert!(v["stored"].is_null());
        let before = t.db.counts().await.expect("c").tasks;
        let (s, v) = call(
            "tt",
            "POST",
            "/api/import?file_name=bo-sung.csv&reported_on=2026-03-01".into(),
            Some("STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Số hóa hồ sơ;Bộ Y tế;Quý III/2026\n".into()),
        )
        .await;
        assert_eq!(
            (s, v["stored"]["tasks_created"].as_u64()),
            (StatusCode::OK, Some(1))
        );
        assert_eq!(t.db.counts().await.expect("c").tasks, before + 1);
        let (s, v) = call(
            "tt",
            "POST",
            "/api/import?file_name=hong.docx".into(),
            Some("không phải tệp Word".into()),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"].as_str().is_some_and(|e| e.contains("hong.docx")));
        // Every route the API serves is in its OpenAPI document.
        let (_, doc) = call("tt", "GET", "/api/openapi.json".into(), None).await;
        let paths = doc["paths"].as_object().expect("paths");
        for p in [
            "/api/dashboard",
            "/api/tasks",
            "/api/tasks/{id}",
            "/api/my-tasks",
            "/api/difficulties",
            "/api/agencies",
            "/api/audit",
            "/api/score",
            "/api/meetings",
            "/api/report/{name}",
            "/api/tasks/{id}/reports",
            "/api/tasks/{id}/assignments",
            "/api/difficulties/{id}/forward",
            "/api/import",
        ] {
            assert!(paths.contains_key(p), "{p} documented");
        }
        assert!(paths["/api/tasks/{id}"].get("put").is_some());
        t.cleanup().await;
    }
}

/// Each bar of the dashboard's chart opens the list of the tasks behind it: the agency's lead
/// assignments overdue on the day. A task the agency only supports, or leads with another agency
/// that is late while it is done, is not in its bar and not in its list.
#[tokio::test]
async fn a_bar_of_the_dashboard_opens_the_tasks_it_counts() {
    const SHARED: &str = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;Bộ Tư pháp;31/3/2026\n\
2;Xây dựng cơ sở dữ liệu hộ tịch;Bộ Tư pháp;Bộ Tài chính;30/4/2026\n\
3;Số hóa sổ hộ tịch;Bộ Tư pháp;;31/5/2026\n\
4;Kết nối dữ liệu thuế;Bộ Tài chính, Bộ Tư pháp;;31/3/2026\n\
5;Quy chế phối hợp;Bộ Tư pháp;;31/12/2026\n";
    for t in backends().await {
        import_text(&t.db, "p.csv", SHARED, "p", date!(2026 - 02 - 01)).await;
        user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
        user(&t.db, "btc", "focal", Some("BTC"), "mat-khau-chung-1").await;
        // Bộ Tài chính reports task 4 done on time: the task stays late through Bộ Tư pháp.
        let task4 =
            t.db.task_by_number("p", "4")
                .await
                .expect("q")
                .expect("task");
        let btc =
            t.db.assignments_of(task4)
                .await
                .expect("q")
                .into_iter()
                .find(|a| a.agency_code == "BTC")
                .expect("BTC leads");
        t.db.add_report(
            btc.id,
            date!(2026 - 03 - 20),
            Some(tiendo_domain::model::ReportedStatus::Done),
            None,
            Some("Đã kết nối"),
            "btc",
        )
        .await
        .expect("report");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut tt, _) = signed_in(&state, "tt").await;
        let json = |body: &str| serde_json::from_str::<serde_json::Value>(body).expect("json");
        let d = json(&tt.get("/api/dashboard?as_of=2026-06-15").await.body);
        let bars: std::collections::HashMap<String, u64> = d["late_by_agency"]
            .as_array()
            .expect("bars")
            .iter()
            .map(|b| {
                (
                    b["code"].as_str().unwrap_or("").to_string(),
                    b["open_overdue"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        // Bộ Tư pháp leads 2, 3 and 4, all late on 15/06; Bộ Tài chính leads 1 (late) and 4 (done).
        assert_eq!(
            (bars.get("BTP"), bars.get("BTC")),
            (Some(&3), Some(&1)),
            "{}: {d}",
            t.label
        );
        for (code, late) in [("BTP", 3), ("BTC", 1)] {
            let v = json(
                &tt.get(&format!(
                    "/api/tasks?agency={code}&lead_only=true&status=open_overdue&as_of=2026-06-15"
                ))
                .await
                .body,
            );
            assert_eq!(v["total"].as_u64(), Some(late), "{} {code}: {v}", t.label);
            assert!(
                v["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .all(|i| i["state"] == "open_overdue")
            );
            // The page the bar links to says the same.
            let page = tt
                .get(&format!(
                    "/nhiem-vu?co_quan={code}&vai_tro=chu_tri&trang_thai=qua_han&ngay=2026-06-15"
                ))
                .await;
            assert!(
                page.body.contains(&format!("{late} nhiệm vụ · trang")),
                "{} {code}",
                t.label
            );
        }
        // Without lead_only the agency's supporting tasks and task 4 (late through Bộ Tư pháp) count.
        let v = json(
            &tt.get("/api/tasks?agency=BTC&status=open_overdue&as_of=2026-06-15")
                .await
                .body,
        );
        assert_eq!(v["total"].as_u64(), Some(3), "{}: {v}", t.label);
        // Bộ Tài chính's own lead list holds task 4 as done, the task as a whole is late.
        let v = json(
            &tt.get("/api/tasks?agency=BTC&lead_only=true&as_of=2026-06-15")
                .await
                .body,
        );
        let states: Vec<(String, String)> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["number"].as_str().unwrap_or("").into(),
                    i["state"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        assert_eq!(
            states,
            [
                ("1".to_string(), "open_overdue".to_string()),
                ("4".into(), "done_on_time".into())
            ],
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// One task at a time: the standing agency types a task in the browser, sees the agencies its
/// names resolve to before saving, mends what was refused without retyping, and saves it; another
/// system creates one through `POST /api/tasks`. Each is stored with its assignments (a group
/// expanded to its members) and counted at once.
#[tokio::test]
async fn a_task_is_created_in_the_browser_and_through_the_api() {
    for t in backends().await {
        import_text(&t.db, "p.csv", PLAN, "p", date!(2026 - 02 - 01)).await;
        user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut tt, csrf) = signed_in(&state, "tt").await;
        let before = t.db.counts().await.expect("counts");
        let name = "Rà soát, <VNeID> mức 2 cho thủ tục hộ tịch";
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("document", "624/TB-VPCP"),
            ("name", name),
            ("lead", "Bộ Tư phap"),
            (
                "coordinators",
                "Các thành phố trực thuộc Trung ương; Sở Tài chính",
            ),
            ("deadline", "Quý V/2026"),
            ("expected_result", "Báo cáo Thủ tướng"),
            ("buoc", "luu"),
        ];
        // Two fields refused: the page again (422), everything typed kept, each reason beside it.
        let r = tt.post("/nhiem-vu/moi", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(
            r.body.contains("Không nhận ra cơ quan “Sở Tài chính”"),
            "{}",
            r.body
        );
        assert!(r.body.contains("Không đọc được thời hạn “Quý V/2026”"));
        assert!(
            r.body.contains("Rà soát, &lt;VNeID&gt; mức 2"),
            "the name typed, as text"
        );
        assert!(
            r.body.contains("value=\"Báo cáo Thủ tướng\"")
                || r.body.contains(">Báo cáo Thủ tướng<")
        );
        assert_eq!(
            t.db.counts().await.expect("counts"),
            before,
            "nothing stored"
        );
        // Mended and previewed: the agencies it will be given to, before anything is stored.
        form[4] = ("coordinators", "Các thành phố trực thuộc Trung ương");
        form[5] = ("deadline", "Quý III/2026");
        form[7] = ("buoc", "xem");
        let r = tt.post("/nhiem-vu/moi", &form).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("Bộ Tư pháp") && r.body.contains("6 cơ quan: "),
            "{}",
            r.body
        );
        assert!(r.body.contains("Thành phố Hà Nội") && r.body.contains("30/09/2026"));
        assert_eq!(
            t.db.counts().await.expect("counts"),
            before,
            "a preview stores nothing"
        );
        form[7] = ("buoc", "luu");
        let r = tt.post("/nhiem-vu/moi", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let at = r.location.clone().unwrap_or_default();
        assert!(at.ends_with("?tb=tao-nhiem-vu"), "{at}");
        let page = tt.get(&at).await;
        assert!(
            page.body.contains("Đã tạo nhiệm vụ")
                && page.body.contains("Rà soát, &lt;VNeID&gt; mức 2")
        );
        let id: i64 = at
            .trim_start_matches("/nhiem-vu/")
            .split('?')
            .next()
            .unwrap_or("")
            .parse()
            .expect("id");
        let assigned = t.db.assignments_of(id).await.expect("q");
        assert_eq!(
            assigned.len(),
            7,
            "{}: the lead and the six cities",
            t.label
        );
        assert_eq!(
            assigned
                .iter()
                .filter(|a| a.role == tiendo_domain::model::Role::Lead)
                .map(|a| a.agency_code.as_str())
                .collect::<Vec<_>>(),
            ["BTP"]
        );
        // The same number in the same document is refused.
        form[2] = ("name", "Một nhiệm vụ khác");
        let numbered = [form.clone(), vec![("number", "1")]].concat();
        let r = tt.post("/nhiem-vu/moi", &numbered).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Văn bản này đã có nhiệm vụ số 1"),
            "{}",
            r.body
        );
        // Through the API: a dry run says what would be stored, then it is stored and counted.
        let api = |b: &str| {
            let st = state.clone();
            let body = b.to_string();
            let csrf = csrf.clone();
            let cookie = tt.cookie_header();
            async move {
                let resp = router(st)
                    .oneshot(
                        Request::post("/api/tasks")
                            .header(header::CONTENT_TYPE, "application/json")
                            .header(header::COOKIE, cookie)
                            .header("x-csrf-token", csrf)
                            .body(Body::from(body))
                            .expect("r"),
                    )
                    .await
                    .expect("response");
                let s = resp.status();
                let b = resp.into_body().collect().await.expect("b").to_bytes();
                (
                    s,
                    serde_json::from_slice::<serde_json::Value>(&b).unwrap_or_default(),
                )
            }
        };
        let body = r#"{"name":"Kết nối dữ liệu dân cư","lead":"Bộ Công an","deadline":"30/6/2026","dry_run":true}"#;
        let (s, v) = api(body).await;
        assert_eq!((s, v["id"].is_null()), (StatusCode::OK, true), "{v}");
        assert_eq!(v["resolved"][0]["agencies"][0], "Bộ Công an");
        assert_eq!(v["task"]["deadline"]["due"], "2026-06-30");
        let (s, v) = api(&body.replace(",\"dry_run\":true", "")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let created = v["id"].as_i64().expect("id");
        let (s, v) = api(r#"{"name":"","lead":"Bộ Công an","deadline":"mai"}"#).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = v["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .filter_map(|p| p["field"].as_str())
            .collect();
        assert_eq!(fields, ["name", "deadline"], "{v}");
        let after = t.db.counts().await.expect("counts");
        assert_eq!(after.tasks, before.tasks + 2, "{}", t.label);
        // Both are in the status book at once: the API's task is late on 1/7/2026.
        let d = tt
            .get("/api/tasks?status=open_overdue&as_of=2026-07-01&agency=BCA&lead_only=true")
            .await;
        let v: serde_json::Value = serde_json::from_str(&d.body).expect("json");
        assert!(
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"].as_i64() == Some(created)),
            "{v}"
        );
        t.cleanup().await;
    }
}

/// Leaders act: a leader asks Bộ Tài chính for an explanation and gives every agency a
/// direction; each reaches the agency's "Việc cần xử lý" and is answered there; a deadline
/// request is refused only with its reason, which the agency reads.
#[tokio::test]
async fn a_leader_directs_and_asks_for_an_explanation_and_the_agency_answers() {
    const TWO: &str = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;Bộ Tư pháp;31/3/2026\n";
    for t in backends().await {
        import_text(&t.db, "p.csv", TWO, "p", date!(2026 - 02 - 01)).await;
        let task =
            t.db.task_by_number("p", "1")
                .await
                .expect("q")
                .expect("task");
        for (n, r, a) in [
            ("tt", "standing", None),
            ("xem", "viewer", None),
            ("btc", "focal", Some("BTC")),
            ("btp", "focal", Some("BTP")),
        ] {
            user(&t.db, n, r, a, "mat-khau-chung-1").await;
        }
        // The leader's account has a name of its own: pages and inboxes say it, never the login.
        let hash = tiendo_service::accounts::hash_password("mat-khau-chung-1".to_string())
            .await
            .expect("hash");
        t.db.create_user(
            "ld",
            "Trần Văn Lãnh",
            &hash,
            tiendo_domain::access::UserRole::Leader,
            None,
            None,
            false,
            "test",
        )
        .await
        .expect("leader");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut ld, ld_csrf) = signed_in(&state, "ld").await;
        let give = format!("/nhiem-vu/{task}/chi-dao");
        let r = ld
            .post(
                &give,
                &[
                    ("csrf", &ld_csrf),
                    ("kind", "explanation"),
                    ("agency", "BTC"),
                    ("text", "Vì sao chưa ban hành quy chế?"),
                    ("answer_due", ""),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/nhiem-vu/{task}?tb=giai-trinh").as_str()),
            "{}",
            t.label
        );
        let r = ld
            .post(
                &give,
                &[
                    ("csrf", &ld_csrf),
                    ("kind", "direction"),
                    ("agency", ""),
                    ("text", "Hoàn thành trong tháng 12"),
                ],
            )
            .await;
        assert!(
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("?tb=chi-dao"))
        );
        let r = ld
            .post(
                &give,
                &[
                    ("csrf", &ld_csrf),
                    ("kind", "direction"),
                    ("agency", "BYT"),
                    ("text", "Phối hợp với Bộ Tài chính"),
                ],
            )
            .await;
        // An agency not assigned: the page again (422), the text kept, the reason at the agency.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(r.body.contains("không được giao nhiệm vụ"), "{}", r.body);
        let form = &r.body[r.body.find("id=\"cho-y-kien\"").expect("the form")..];
        assert!(
            form.contains(">Phối hợp với Bộ Tài chính</textarea>"),
            "what was typed stays"
        );
        let (mut xem, xem_csrf) = signed_in(&state, "xem").await;
        let r = xem
            .post(
                &give,
                &[("csrf", &xem_csrf), ("kind", "direction"), ("text", "x")],
            )
            .await;
        assert!(
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("?tb=quyen")),
            "a viewer gives no direction"
        );
        let rows = t.db.directions_of(task).await.expect("q");
        assert_eq!(
            rows.len(),
            3,
            "{}: one explanation, the direction to both agencies",
            t.label
        );
        // It reaches each agency addressed, and only it.
        let (mut btc, btc_csrf) = signed_in(&state, "btc").await;
        let inbox = |b: &str| serde_json::from_str::<serde_json::Value>(b).expect("json");
        let v = inbox(&btc.get("/api/inbox").await.body);
        let open: Vec<String> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["kind"] == "direction_open")
            .map(|i| i["detail"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(open.len(), 2, "{}: {v}", t.label);
        assert!(
            open.iter().any(
                |d| d.starts_with("Yêu cầu giải trình của Trần Văn Lãnh ngày ")
                    && d.ends_with("Vì sao chưa ban hành quy chế?")
            ),
            "{open:?}"
        );
        let (mut btp, _) = signed_in(&state, "btp").await;
        let v = inbox(&btp.get("/api/inbox").await.body);
        assert_eq!(
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|i| i["kind"] == "direction_open")
                .count(),
            1,
            "{v}"
        );
        // Bộ Tài chính answers the explanation on the task page; Bộ Tư pháp may not answer it.
        let explanation = rows
            .iter()
            .find(|d| d.kind == tiendo_domain::reminders::DirectionKind::Explanation)
            .expect("explanation");
        assert_eq!(
            explanation.answer_due,
            Some(tiendo_service::operations::today() + time::Duration::days(7))
        );
        let page = btc.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body
                .contains(&format!("action=\"/chi-dao/{}/tra-loi\"", explanation.id))
        );
        assert!(
            page.body.contains(">Trần Văn Lãnh</td>") && !page.body.contains(">ld</td>"),
            "{}: the leader by name, in the directions and the history",
            t.label
        );
        let answer = format!("/chi-dao/{}/tra-loi", explanation.id);
        let (mut btp2, btp_csrf) = signed_in(&state, "btp").await;
        let r = btp2
            .post(
                &answer,
                &[
                    ("csrf", &btp_csrf),
                    ("task", &task.to_string()),
                    ("answer", "x"),
                ],
            )
            .await;
        assert!(
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("?tb=quyen"))
        );
        let r = btc
            .post(
                &answer,
                &[
                    ("csrf", &btc_csrf),
                    ("task", &task.to_string()),
                    ("answer", "Chờ ý kiến Bộ Tư pháp"),
                ],
            )
            .await;
        assert!(
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("?tb=tra-loi-chi-dao")),
            "{:?}",
            r.location
        );
        let r = btc
            .post(
                &answer,
                &[
                    ("csrf", &btc_csrf),
                    ("task", &task.to_string()),
                    ("answer", "lần hai"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "answered once");
        assert!(r.body.contains("Việc này đã được xử lý."), "{}", r.body);
        let v = inbox(&btc.get("/api/inbox").await.body);
        assert_eq!(
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|i| i["kind"] == "direction_open")
                .count(),
            1,
            "the answered one is gone: {v}"
        );
        let page = ld.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body.contains("Chờ ý kiến Bộ Tư pháp"),
            "the leader reads the answer"
        );
        assert!(
            page.body
                .contains("Bộ Tài chính giải trình: “Chờ ý kiến Bộ Tư pháp”"),
            "and the history says it"
        );
        drop(btp);
        // A refusal carries its reason, and only with one.
        let asg =
            t.db.assignments_of(task)
                .await
                .expect("q")
                .into_iter()
                .find(|a| a.agency_code == "BTC")
                .expect("BTC");
        let change =
            t.db.request_deadline_change(task, asg.id, "Quý IV/2026", "Chờ thẩm định", "btc")
                .await
                .expect("request");
        let (mut tt, tt_csrf) = signed_in(&state, "tt").await;
        let refuse = format!("/gia-han/{change}/tu-choi");
        let r = tt
            .post(
                &refuse,
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", " "),
                ],
            )
            .await;
        // Refused without its reason: the page again (422), the message beside the reason's
        // field of this request's form.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = r
            .body
            .split(&format!("action=\"{refuse}\""))
            .nth(1)
            .and_then(|f| f.split("</form>").next())
            .expect("the refusal form");
        assert!(
            form.contains("aria-invalid=\"true\"") && form.contains("field-error"),
            "{form}"
        );
        let r = tt
            .post(
                &refuse,
                &[
                    ("csrf", &tt_csrf),
                    ("task", &task.to_string()),
                    ("note", "Đã gia hạn một lần"),
                ],
            )
            .await;
        assert!(
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("?tb=tu-choi")),
            "{:?}",
            r.location
        );
        let page = btc.get(&format!("/nhiem-vu/{task}")).await;
        assert!(
            page.body.contains("Lý do: Đã gia hạn một lần"),
            "{}",
            t.label
        );
        let v = inbox(&btc.get("/api/inbox").await.body);
        assert!(
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["kind"] == "request_refused"
                    && i["detail"]
                        .as_str()
                        .is_some_and(|d| d.ends_with("Lý do: Đã gia hạn một lần"))),
            "{v}"
        );
        // The audit log names people and documents, never a login or a row id.
        user(&t.db, "qt", "admin", None, "mat-khau-chung-1").await;
        let (mut qt, _) = signed_in(&state, "qt").await;
        let audit = qt.get("/nhat-ky").await;
        assert!(
            audit.body.contains(">Trần Văn Lãnh</td>") && !audit.body.contains(">ld</td>"),
            "{}: the leader who acted, by name",
            t.label
        );
        assert!(
            audit.body.contains("Văn bản p.csv") && !audit.body.contains("Văn bản #"),
            "{}: the document by its name",
            t.label
        );
        t.cleanup().await;
    }
}

/// Every paragraph and every table cell of a Word file, in order, one string each.
fn word_text(bytes: &[u8]) -> Vec<String> {
    let blocks = tiendo_office::docx::read_docx(bytes).expect("a Word file");
    let mut out = Vec::new();
    for b in blocks {
        match b {
            tiendo_office::blocks::Block::Paragraph(p) => out.push(p),
            tiendo_office::blocks::Block::Table { rows, .. } => {
                out.extend(rows.into_iter().flatten().map(|c| c.text))
            }
        }
    }
    out
}

/// The rows of the Word file's tables, each as its cells' texts.
fn word_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let blocks = tiendo_office::docx::read_docx(bytes).expect("a Word file");
    blocks
        .into_iter()
        .filter_map(|b| match b {
            tiendo_office::blocks::Block::Table { rows, .. } => Some(rows),
            _ => None,
        })
        .flatten()
        .map(|r| r.into_iter().map(|c| c.text).collect())
        .collect()
}

#[tokio::test]
async fn the_committee_signs_its_documents_as_it_sets_and_their_counts_add_up() {
    // A late task, one in time, a recurring one and one whose deadline has no date.
    let plan = "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n\
1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;31/3/2026\n\
2;Xây dựng cơ sở dữ liệu hộ tịch;Bộ Tài chính;31/12/2026\n\
3;Theo dõi, đôn đốc triển khai;Bộ Tài chính;Thường xuyên\n\
4;Sửa đổi quy chế;Bộ Tài chính;Khi Luật được thông qua\n";
    for t in backends().await {
        import_text(&t.db, "p.csv", plan, "p", date!(2026 - 02 - 01)).await;
        user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
        user(&t.db, "ld", "leader", None, "mat-khau-chung-1").await;
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut tt, csrf) = signed_in(&state, "tt").await;
        let page = tt.get("/bao-cao/the-thuc").await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.label);
        assert!(
            page.body.contains("Số:      /BC-BCĐ"),
            "the usual form first"
        );
        // Refused: every field in error named beside it, everything typed kept, nothing stored.
        let bad = tt
            .post(
                "/bao-cao/the-thuc",
                &[
                    ("csrf", &csrf),
                    ("place", ""),
                    ("symbol", "BC UBND"),
                    ("authority", "TM. Ủy ban nhân dân"),
                    ("signer_title", "Chủ tịch"),
                    ("signer_name", "<b>Trần Văn B</b>"),
                    ("recipients", "Thường trực Tỉnh ủy\nLưu: VT"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for id in ["loi-place", "loi-symbol", "loi-signer_name"] {
            assert!(
                bad.body.contains(&format!("id=\"{id}\"")),
                "{id}: {}",
                bad.body
            );
        }
        assert!(bad.body.contains("value=\"BC UBND\""));
        assert!(bad.body.contains("value=\"TM. Ủy ban nhân dân\""));
        assert!(
            bad.body.contains("&lt;b&gt;Trần Văn B&lt;/b&gt;"),
            "markup kept as text"
        );
        assert!(bad.body.contains("Thường trực Tỉnh ủy\nLưu: VT"));
        assert_eq!(
            t.db.signing(None).await.expect("signing"),
            tiendo_domain::signing::Signing::usual()
        );
        // A leader may not set it.
        let (mut ld, ld_csrf) = signed_in(&state, "ld").await;
        let r = ld
            .post(
                "/bao-cao/the-thuc",
                &[
                    ("csrf", &ld_csrf),
                    ("place", "Huế"),
                    ("symbol", "BC-UBND"),
                    ("signer_title", "Chủ tịch"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let ok = tt
            .post(
                "/bao-cao/the-thuc",
                &[
                    ("csrf", &csrf),
                    ("place", "Huế"),
                    ("symbol", "BC-UBND"),
                    ("authority", "TM. Ủy ban nhân dân"),
                    ("signer_title", "Chủ tịch"),
                    ("signer_name", "Trần Văn B"),
                    ("recipients", "- Thường trực Tỉnh ủy;\n- Lưu: VT, VP."),
                ],
            )
            .await;
        assert_eq!(ok.location.as_deref(), Some("/bao-cao/the-thuc?tb=da-luu"));
        let page = tt.get("/bao-cao/the-thuc?tb=da-luu").await;
        assert!(page.body.contains("Số:      /BC-UBND") && page.body.contains("- Lưu: VT, VP."));
        user(&t.db, "qt", "admin", None, "mat-khau-chung-1").await;
        let (mut qt, _) = signed_in(&state, "qt").await;
        let history = qt.get("/nhat-ky").await;
        assert!(
            history.body.contains("Đặt thể thức văn bản") && history.body.contains("BC-UBND"),
            "the change is in the audit, in words"
        );
        // The ranking: number line, date at the place set, recipients, signer.
        let (s, _, body) = download(&mut tt, "/bao-cao/tai/xep-hang.docx?thang=2026-05").await;
        assert_eq!(s, StatusCode::OK);
        let text = word_text(&body);
        let has = |w: &str| text.iter().any(|p| p.contains(w));
        for w in [
            "Số: /BC-UBND",
            "Huế, ngày",
            "Nơi nhận:",
            "- Thường trực Tỉnh ủy;",
            "- Lưu: VT, VP.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "Trần Văn B",
        ] {
            assert!(has(w), "{}: {w} missing from {text:?}", t.label);
        }
        // A meeting's pack: the cover signed, its counts adding up to the tasks given.
        t.db.add_meeting(
            None,
            "Phiên họp thứ nhất",
            date!(2026 - 01 - 20),
            &["p".to_string()],
            "tt",
        )
        .await
        .expect("meeting");
        let id = t.db.meetings().await.expect("m")[0].id;
        let (s, _, body) = download(
            &mut tt,
            &format!("/phien-hop/{id}/tai-lieu?ngay=2026-05-20"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let text = word_text(&body);
        let cover = text
            .iter()
            .find(|p| p.contains("đã giao 4 nhiệm vụ"))
            .unwrap_or_else(|| panic!("{text:?}"));
        assert!(
            cover.contains("Tổng số 4 nhiệm vụ: đã hoàn thành đúng hạn 0; hoàn thành quá hạn 0; đang thực hiện 3 (trong đó thường xuyên 1, chưa xác định thời hạn 1); chưa hoàn thành (quá hạn) 1."),
            "{cover}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("(Kèm theo Báo cáo số /BC-UBND ngày"))
        );
        assert!(text.iter().any(|p| p.lines().any(|l| l == "CHỦ TỊCH")));
        // Per agency: recurring and undated apart, the totals row adding up.
        let (s, _, body) =
            download(&mut tt, "/bao-cao/tai/theo-co-quan.docx?ngay=2026-05-20").await;
        assert_eq!(s, StatusCode::OK);
        let rows = word_rows(&body);
        let header = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c == "TT"))
            .expect("header");
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name}: {header:?}"))
        };
        let total = rows
            .iter()
            .find(|r| r.get(1).is_some_and(|c| c == "Tổng cộng"))
            .expect("totals row");
        let n = |name: &str| {
            total[col(name)]
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{name}: {total:?}"))
        };
        assert_eq!(n("Thường xuyên"), 1);
        assert_eq!(n("Chưa xác định thời hạn"), 1);
        assert_eq!(n("Quá hạn chưa hoàn thành"), 1);
        assert_eq!(n("Đang thực hiện, trong hạn"), 1);
        let parts: u64 = [
            "Hoàn thành đúng hạn",
            "Hoàn thành quá hạn",
            "Hoàn thành, không rõ ngày",
            "Đang thực hiện, trong hạn",
            "Thường xuyên",
            "Chưa xác định thời hạn",
            "Quá hạn chưa hoàn thành",
        ]
        .iter()
        .map(|c| n(c))
        .sum();
        assert_eq!(parts, n("Tổng số"));
        assert_eq!(n("Tổng số"), 4);
        t.cleanup().await;
    }
}

/// Every kind of report in the registry is one and the same report through the reports page's
/// download, the API and the command line: the page offers it, each door knows its name, and the
/// three give the same JSON on the same data, on both backends.
#[tokio::test]
async fn every_report_is_the_same_through_the_page_the_api_and_the_command_line() {
    use tiendo_reports::kinds::{Needs, ReportKind};
    const NOTICE: &str = "TT;Nhiệm vụ;Cơ quan chủ trì;Thời hạn;Căn cứ giao\n\
1;Kết nối sổ sức khỏe điện tử;Bộ Y tế;30/6/2025;Thông báo số 552/TB-VPCP ngày 10/5/2025\n\
2;Giấy chuyển tuyến điện tử;Bộ Y tế;31/3/2025;Thông báo số 552/TB-VPCP ngày 10/5/2025\n\
3;Sàn dữ liệu;Bộ Công an;31/12/2025;Thông báo số 552/TB-VPCP\n";
    for t in backends().await {
        import_text(&t.db, "tb.csv", NOTICE, "tb", date!(2025 - 05 - 15)).await;
        user(&t.db, "tt", "standing", None, "mat-khau-chung-1").await;
        let token = auth::create_api_token(&t.db, "tt", "hệ thống", None, "test")
            .await
            .expect("token");
        let state = AppState::new(t.db.clone(), false).await.expect("state");
        let (mut tt, _) = signed_in(&state, "tt").await;
        let page = tt.get("/bao-cao").await;
        for kind in ReportKind::ALL {
            assert!(page.body.contains(kind.title()), "{kind:?} on the page");
            assert!(
                page.body
                    .contains(&format!("/bao-cao/tai/{}.docx", kind.slug())),
                "{kind:?} offered for download"
            );
            let (page_query, api_query, cli_args): (&str, &str, Vec<&str>) = match kind.needs() {
                Needs::Month => ("thang=2025-07", "month=2025-07", vec!["--month", "2025-07"]),
                Needs::Document => (
                    "ngay=2025-08-15&van_ban=552%2FTB-VPCP",
                    "as_of=2025-08-15&document=552%2FTB-VPCP",
                    vec!["--as-of", "2025-08-15", "--document", "552/TB-VPCP"],
                ),
                Needs::Nothing | Needs::OptionalAnswerBy => (
                    "ngay=2025-08-15",
                    "as_of=2025-08-15",
                    vec!["--as-of", "2025-08-15"],
                ),
            };
            let (s, cd, body) = download(
                &mut tt,
                &format!("/bao-cao/tai/{}.json?{page_query}", kind.slug()),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{kind:?} from the page");
            assert!(cd.contains(".json"), "{cd}");
            let from_page: serde_json::Value = serde_json::from_slice(&body).expect("json");
            let req = Request::builder()
                .uri(format!("/api/report/{}?{api_query}", kind.name()))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            let resp = router(state.clone()).oneshot(req).await.expect("response");
            assert_eq!(resp.status(), StatusCode::OK, "{kind:?} from the API");
            let b = resp.into_body().collect().await.expect("b").to_bytes();
            let from_api: serde_json::Value = serde_json::from_slice(&b).expect("json");
            assert_eq!(from_page, from_api, "{kind:?}: the page and the API");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiendo"))
                .args(["--database-url", &t.url, "report", kind.name()])
                .args(&cli_args)
                .args(["--format", "json"])
                .output()
                .expect("runs");
            assert!(
                out.status.success(),
                "{kind:?} on the command line: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let from_cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            assert_eq!(
                from_page, from_cli,
                "{kind:?}: the page and the command line"
            );
        }
        // What only one door knows of is refused by the others the same way.
        let (s, _, _) = download(&mut tt, "/bao-cao/tai/overdue.json").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the API's name is not the page's");
        let (s, _, _) = download(&mut tt, "/bao-cao/tai/ket-qua.json?ngay=2025-08-15").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "results need a document");
        t.cleanup().await;
    }
}
