//! The permission matrix: every page, every form and every API route, for every role, with the
//! answer each must get (allowed, forbidden, not found). Forms and API calls carry values that
//! are refused after the permission check, so a role that may act gets the refusal of its values
//! and nothing is stored for anyone.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::backends;
use common::browser::{Browser, hidden, multipart, user};
use http_body_util::BodyExt;
use tiendo_service::accounts as auth;
use tiendo_service::accounts::NewAccount;
use tiendo_store::edit::TaskEdit;
use tiendo_web::{AppState, router};
use time::macros::date;
use tower::ServiceExt;

const ROLES: [(&str, &str, Option<&str>); 6] = [
    ("qt", "admin", None),
    ("tt", "standing", None),
    ("ld", "leader", None),
    ("xem", "viewer", None),
    ("btc", "focal", Some("BTC")),
    ("bca", "focal", Some("BCA")),
];

/// Who gets what, in the order of [`ROLES`].
type Row = [u16; 6];

/// A form: its path, its fields, and the message code (or status) each role gets.
type FormCase<'a> = (String, Vec<(&'a str, &'a str)>, [&'a str; 6]);

async fn api(
    state: &AppState,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<&str>,
) -> StatusCode {
    let mut r = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        r = r.header(header::CONTENT_TYPE, "application/json");
    }
    let req = r
        .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
        .expect("request");
    let resp = router(state.clone()).oneshot(req).await.expect("response");
    let status = resp.status();
    let _ = resp.into_body().collect().await;
    status
}

/// Whether a request path (its query ignored) is one a route template ("/nhiem-vu/{id}/sua")
/// answers.
fn path_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

#[test]
fn a_route_template_matches_its_paths_only() {
    assert!(path_matches("/nhiem-vu/{id}/sua", "/nhiem-vu/12/sua"));
    assert!(path_matches("/co-quan/moi", "/co-quan/moi"));
    assert!(path_matches("/api/tasks", "/api/tasks?status=open"));
    assert!(!path_matches("/nhiem-vu/{id}", "/nhiem-vu/12/sua"));
    assert!(!path_matches("/nhiem-vu/{id}", "/nhiem-vu/"));
    assert!(!path_matches("/kho-khan", "/kho-khan/1/tra-loi"));
}

#[tokio::test]
async fn every_route_for_every_role() {
    let csv = "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
1;Nhiệm vụ của Bộ Tài chính;Bộ Tài chính;;31/12/2099\n\
2;Nhiệm vụ của Bộ Công an;Bộ Công an;;31/12/2099\n\
3;Nhiệm vụ mật của Bộ Công an;Bộ Công an;;31/12/2099\n";
    let t = backends().await.into_iter().next().expect("sqlite");
    common::import_text(&t.db, "pm.csv", csv, "pm", date!(2026 - 02 - 15)).await;
    let id = |n: &str| {
        let db = t.db.clone();
        let n = n.to_string();
        async move { db.task_by_number("pm", &n).await.expect("q").expect("task") }
    };
    let (own, other, secret) = (id("1").await, id("2").await, id("3").await);
    t.db.edit_task(
        secret,
        &TaskEdit {
            name: "Nhiệm vụ mật của Bộ Công an".into(),
            secret: true,
            ..Default::default()
        },
        date!(2026 - 02 - 16),
        "tt",
    )
    .await
    .expect("secret");
    let own_a = t.db.assignments_of(own).await.expect("a")[0].id;
    let names = t.db.agency_names().await.expect("names");
    let btc_id = names
        .iter()
        .find(|(_, a)| a.code == "BTC")
        .map(|(i, _)| *i)
        .expect("BTC");
    let difficulty =
        t.db.raise_difficulty(
            own,
            btc_id,
            "Cần dữ liệu dân cư",
            Some("BCA"),
            date!(2026 - 03 - 01),
            "btc",
        )
        .await
        .expect("difficulty");
    let report =
        t.db.add_report_with_evidence(
            own_a,
            date!(2026 - 03 - 02),
            None,
            None,
            Some("Đang làm"),
            Some(tiendo_store::tasks::Evidence {
                file_name: "bien-ban.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4 test",
                sha256: "x",
            }),
            "btc",
        )
        .await
        .expect("report");
    let evidence = t.db.evidence_of_task(own).await.expect("ev")[0].id;
    let meeting =
        t.db.add_meeting(
            None,
            "Phiên họp thứ nhất",
            date!(2026 - 01 - 10),
            &["pm".into()],
            "tt",
        )
        .await
        .expect("meeting");
    let _ = report;
    // A national indicator led by Bộ Tài chính, with one figure.
    common::import_text(
        &t.db,
        "ct.csv",
        "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2026;Kết quả thực hiện;Cơ quan chủ trì\n1;Tỷ lệ giải ngân vốn đầu tư công;%;95%;60%;Bộ Tài chính\n",
        "ct",
        date!(2026 - 02 - 15),
    )
    .await;
    let indicator = t.db.indicators().await.expect("indicators")[0].id;
    let figure =
        t.db.indicator_values(indicator, None)
            .await
            .expect("values")[0]
            .id;
    let mut tokens = Vec::new();
    for (name, role, agency) in ROLES {
        user(&t.db, name, role, agency, "mat-khau-chung-1").await;
        let token = auth::create_api_token(&t.db, name, "hệ thống", None, "test")
            .await
            .expect("token");
        tokens.push(token);
    }
    let state = AppState::new(t.db.clone(), false).await.expect("state");
    let counts_before = t.db.counts().await.expect("counts");

    const OK: u16 = 200;
    const NO: u16 = 403;
    const NF: u16 = 404;
    const BAD: u16 = 400;
    let pages: Vec<(String, Row)> = vec![
        ("/".into(), [OK; 6]),
        ("/nhiem-vu".into(), [OK; 6]),
        ("/nhiem-vu?trang_thai=qua_han&q=bo".into(), [OK; 6]),
        (format!("/nhiem-vu/{own}"), [OK, OK, OK, OK, OK, NF]),
        (format!("/nhiem-vu/{other}"), [OK, OK, OK, OK, NF, OK]),
        (format!("/nhiem-vu/{secret}"), [OK, OK, NF, NF, NF, OK]),
        (format!("/nhiem-vu/{own}/sua"), [OK, OK, NO, NO, NO, NO]),
        ("/nhiem-vu/moi".into(), [OK, OK, NO, NO, NO, NO]),
        ("/nhiem-vu/khong-co".into(), [NF; 6]),
        ("/cua-toi".into(), [OK; 6]),
        ("/viec-can-xu-ly".into(), [OK; 6]),
        ("/viec-can-xu-ly?ngay=2026-05-20".into(), [OK; 6]),
        ("/thong-bao".into(), [OK; 6]),
        ("/tai-khoan/nhac-viec".into(), [OK; 6]),
        ("/huy-nhan-thu?u=1&k=gia-mao".into(), [BAD; 6]),
        ("/api/inbox".into(), [OK; 6]),
        ("/api/inbox?as_of=2026-02-30".into(), [BAD; 6]),
        ("/api/notifications".into(), [OK; 6]),
        ("/kho-khan".into(), [OK; 6]),
        ("/kho-khan?tinh_trang=overdue".into(), [OK; 6]),
        ("/nhat-ky".into(), [OK, NO, NO, NO, NO, NO]),
        ("/thu-cho-gui".into(), [OK, NO, NO, NO, NO, NO]),
        ("/chi-tieu".into(), [OK; 6]),
        ("/chi-tieu/bang-diem?loai=tinh".into(), [OK; 6]),
        (format!("/chi-tieu/{indicator}"), [OK; 6]),
        ("/chi-tieu/999999".into(), [NF; 6]),
        ("/api/indicators".into(), [OK; 6]),
        (format!("/api/indicators/{indicator}"), [OK; 6]),
        ("/api/indicators/999999".into(), [NF; 6]),
        ("/api/scorecard?kind=tinh".into(), [OK; 6]),
        ("/api/scorecard?kind=khong-co".into(), [BAD; 6]),
        ("/nhap-tep".into(), [OK, OK, NO, NO, NO, NO]),
        ("/nhap-tep/khong-co".into(), [NF, NF, NO, NO, NO, NO]),
        ("/nhap-tep/khong-co/muc/0".into(), [NF, NF, NO, NO, NO, NO]),
        (
            "/nhap-tep/khong-co/kho-khan/0".into(),
            [NF, NF, NO, NO, NO, NO],
        ),
        ("/co-quan".into(), [OK; 6]),
        ("/co-quan/moi".into(), [OK, OK, NO, NO, NO, NO]),
        ("/quan-tri/tai-khoan".into(), [OK, NO, NO, NO, NO, NO]),
        ("/quan-tri/tai-khoan/btc".into(), [OK, NO, NO, NO, NO, NO]),
        (
            "/quan-tri/tai-khoan/khong-co".into(),
            [NF, NO, NO, NO, NO, NO],
        ),
        ("/co-quan/BTC/sua".into(), [OK, OK, NO, NO, NO, NO]),
        ("/co-quan/KHONG_CO/sua".into(), [NF, NF, NO, NO, NO, NO]),
        ("/bao-cao".into(), [OK; 6]),
        ("/bao-cao/tai/qua-han.docx?ngay=2026-05-20".into(), [OK; 6]),
        ("/bao-cao/tai/qua-han.exe".into(), [BAD; 6]),
        ("/bao-cao/tai/khong-co.docx".into(), [NF; 6]),
        ("/bao-cao/tai/xep-hang.json?thang=2026-05".into(), [OK; 6]),
        ("/bao-cao/tai/ket-qua.xlsx?van_ban=pm".into(), [OK; 6]),
        ("/bao-cao/tai/kho-khan.json".into(), [OK; 6]),
        ("/bao-cao/tai/theo-co-quan.xlsx".into(), [OK; 6]),
        ("/bao-cao/tai/cam-ket.docx".into(), [OK; 6]),
        ("/bao-cao/the-thuc".into(), [OK, OK, NO, NO, NO, NO]),
        ("/xep-hang?thang=2026-03".into(), [OK; 6]),
        ("/xep-hang/cach-tinh.toml?thang=2026-03".into(), [OK; 6]),
        ("/ban-chi-dao?sap_xep=open_overdue".into(), [OK; 6]),
        ("/ban-chi-dao?ngay=31/02/2026".into(), [BAD; 6]),
        ("/bao-cao/tai/cac-ban-chi-dao.xlsx".into(), [OK; 6]),
        ("/api/report/committees".into(), [OK; 6]),
        ("/xep-hang?thang=2026-13".into(), [BAD; 6]),
        ("/phien-hop".into(), [OK; 6]),
        (
            format!("/phien-hop/{meeting}/tai-lieu?ngay=2026-05-20"),
            [OK; 6],
        ),
        ("/phien-hop/999999/tai-lieu".into(), [NF; 6]),
        (format!("/minh-chung/{evidence}"), [OK, OK, OK, OK, OK, NF]),
        ("/tai-khoan/mat-khau".into(), [OK; 6]),
        ("/static/app.css".into(), [OK; 6]),
        ("/api/dashboard".into(), [OK; 6]),
        ("/api/tasks?status=open".into(), [OK; 6]),
        (format!("/api/tasks/{own}"), [OK, OK, OK, OK, OK, NF]),
        (format!("/api/tasks/{secret}"), [OK, OK, NF, NF, NF, OK]),
        ("/api/my-tasks".into(), [BAD, BAD, BAD, BAD, OK, OK]),
        ("/api/difficulties".into(), [OK; 6]),
        ("/api/agencies?q=cong+an".into(), [OK; 6]),
        ("/api/external/nq57/tasks/khong-co".into(), [NF; 6]),
        ("/api/audit".into(), [OK, NO, NO, NO, NO, NO]),
        ("/api/overdue?as_of=2026-05-20".into(), [OK; 6]),
        ("/api/overdue?as_of=2026-02-30".into(), [BAD; 6]),
        ("/api/summary".into(), [OK; 6]),
        ("/api/report/agencies".into(), [OK; 6]),
        ("/api/report/results?document=pm".into(), [OK; 6]),
        (
            "/api/report/commitments?answer_by=2026-05-01".into(),
            [OK; 6],
        ),
        ("/api/report/nothing".into(), [NF; 6]),
        ("/api/score?month=2026-04".into(), [OK; 6]),
        ("/api/meetings".into(), [OK; 6]),
        ("/api/openapi.json".into(), [OK; 6]),
        ("/healthz".into(), [OK; 6]),
        ("/readyz".into(), [OK; 6]),
        ("/metrics".into(), [OK, NO, NO, NO, NO, NO]),
    ];
    // Anonymous: pages lead to the log-in page, the API answers 401.
    let mut anon = Browser::new(state.clone());
    for (p, _) in &pages {
        let r = anon.get(p).await;
        if p.starts_with("/api/openapi")
            || p.starts_with("/static/")
            || p == "/healthz"
            || p == "/readyz"
        {
            assert_eq!(r.status, StatusCode::OK, "anonymous {p}");
        } else if p == "/metrics" {
            // A scraper is told to authenticate, not sent to a log-in page.
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {p}");
        } else if p.starts_with("/huy-nhan-thu") {
            // The e-mails' stop link needs no session: its signature is the proof (forged here).
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "anonymous {p}");
        } else if p.starts_with("/api/") {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {p}");
        } else {
            assert!(
                r.status == StatusCode::SEE_OTHER
                    && r.location
                        .as_deref()
                        .is_some_and(|l| l.starts_with("/dang-nhap")),
                "anonymous {p}: {}",
                r.status
            );
        }
    }

    // Forms: (path, fields, what each role gets). A "?tb=" code for the forms that answer with
    // the task page, a status for the forms that answer with their own page.
    let a = own_a.to_string();
    let tk = own.to_string();
    let d = difficulty;
    let forms: Vec<FormCase> = vec![
        (
            format!("/nhiem-vu/{own}/bao-cao"),
            vec![("assignment", &a), ("status", "in_progress"), ("text", "")],
            // Refused: the task page again with what was typed (422); not allowed: back.
            ["422", "422", "quyen", "quyen", "422", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/gia-han"),
            vec![
                ("assignment", &a),
                ("deadline", "31/12/2099"),
                ("reason", ""),
            ],
            ["422", "422", "quyen", "quyen", "422", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/kho-khan"),
            vec![("text", "")],
            ["quyen", "quyen", "quyen", "quyen", "422", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/cam-ket"),
            vec![("assignment", &a), ("committed_on", ""), ("roadmap", "x")],
            ["422", "422", "quyen", "quyen", "422", "quyen"],
        ),
        (
            "/gia-han/999999/duyet".into(),
            vec![("task", &tk)],
            ["khong-co", "khong-co", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            "/gia-han/999999/tu-choi".into(),
            vec![("task", &tk)],
            // A refusal needs its reason before anything is looked up: the task page again (422)
            // with the message beside the reason's field.
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            "/gia-han/999999/tu-choi".into(),
            vec![("task", &tk), ("note", "Đã gia hạn")],
            ["khong-co", "khong-co", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/chi-dao"),
            vec![("kind", "direction"), ("text", "")],
            ["422", "422", "422", "quyen", "quyen", "quyen"],
        ),
        (
            "/chi-dao/999999/tra-loi".into(),
            vec![("task", &tk), ("answer", "")],
            ["khong-co"; 6],
        ),
        (
            "/bao-cao/999999/xac-nhan".into(),
            vec![("task", &tk)],
            ["khong-co", "khong-co", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            "/bao-cao/999999/tra-lai".into(),
            vec![("task", &tk), ("note", "")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/kho-khan/{d}/tra-loi"),
            vec![("task", &tk), ("answer", "")],
            ["422", "422", "quyen", "quyen", "quyen", "422"],
        ),
        (
            format!("/kho-khan/{d}/chuyen"),
            vec![("task", &tk), ("handler", "BTP"), ("answer_due", "")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/giao"),
            vec![("agency", "BTP"), ("role", "lead"), ("reason", "")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/ket-thuc-giao"),
            vec![("assignment", &a), ("reason", "")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/nhiem-vu/{own}/sua"),
            vec![("name", "")],
            ["400", "400", "403", "403", "403", "403"],
        ),
        (
            "/nhiem-vu/moi".into(),
            vec![
                ("name", ""),
                ("lead", ""),
                ("deadline", ""),
                ("buoc", "luu"),
            ],
            ["422", "422", "403", "403", "403", "403"],
        ),
        (
            "/co-quan/moi".into(),
            vec![("code", ""), ("name", ""), ("kind", "ministry")],
            ["400", "400", "403", "403", "403", "403"],
        ),
        (
            "/quan-tri/tai-khoan".into(),
            vec![("username", ""), ("role", "viewer")],
            ["422", "403", "403", "403", "403", "403"],
        ),
        (
            // An administrator cannot lock themself out.
            "/quan-tri/tai-khoan/qt/khoa".into(),
            vec![],
            ["422", "403", "403", "403", "403", "403"],
        ),
        (
            "/co-quan/BTC/sua".into(),
            vec![("name", ""), ("kind", "ministry")],
            ["400", "400", "403", "403", "403", "403"],
        ),
        (
            "/co-quan/BTC/ten-goi".into(),
            vec![("alias", "")],
            [
                "ten-goi-trung",
                "ten-goi-trung",
                "quyen",
                "quyen",
                "quyen",
                "quyen",
            ],
        ),
        (
            "/phien-hop".into(),
            vec![("name", "Phiên họp"), ("held_on", "")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            "/nhap-tep/khong-co".into(),
            vec![],
            ["404", "404", "403", "403", "403", "403"],
        ),
        (
            // Refused (no place): the form again with what was typed (422).
            "/bao-cao/the-thuc".into(),
            vec![
                ("place", ""),
                ("symbol", "BC-BCĐ"),
                ("signer_title", "Trưởng ban"),
            ],
            ["422", "422", "403", "403", "403", "403"],
        ),
        (
            format!("/chi-tieu/{indicator}/so-lieu"),
            vec![("as_of", "2026-02-20"), ("value", "khong doc duoc")],
            // Refused: the indicator's page again with what was typed (422).
            ["422", "422", "quyen", "quyen", "422", "quyen"],
        ),
        (
            format!("/chi-tieu/{indicator}/muc-tieu"),
            vec![("period", ""), ("value", "90%")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/chi-tieu/{indicator}/thoi-gian"),
            vec![("valid_from", "32/13/2025"), ("direction", "higher")],
            ["422", "422", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/chi-tieu/{indicator}/nhiem-vu"),
            vec![("task", "khong-co"), ("action", "lien-ket")],
            ["nhiem-vu", "nhiem-vu", "quyen", "quyen", "quyen", "quyen"],
        ),
        (
            format!("/chi-tieu/so-lieu/{figure}"),
            vec![("chi_tieu", "0"), ("action", "tra-lai"), ("note", "")],
            [
                "ly-do-tra-lai",
                "ly-do-tra-lai",
                "quyen",
                "quyen",
                "quyen",
                "quyen",
            ],
        ),
        (
            "/nhap-tep/khong-co/muc/0".into(),
            vec![("action", "bo")],
            ["404", "404", "403", "403", "403", "403"],
        ),
        (
            "/nhap-tep/khong-co/kho-khan/0".into(),
            vec![("action", "sua"), ("agency", "Bộ Y tế"), ("text", "x")],
            ["404", "404", "403", "403", "403", "403"],
        ),
        (
            "/tai-khoan/nhac-viec".into(),
            vec![
                ("email", "a b@x"),
                ("channel", "email"),
                ("frequency", "daily"),
            ],
            // The form again (422) with the address typed and the message beside it.
            ["422"; 6],
        ),
        (
            "/tai-khoan/nhac-viec".into(),
            vec![("email", ""), ("channel", "fax"), ("frequency", "daily")],
            ["gia-tri"; 6],
        ),
        (
            "/huy-nhan-thu".into(),
            vec![("u", "1"), ("k", "gia-mao")],
            ["400"; 6],
        ),
        (
            "/thong-bao/999999/da-doc".into(),
            vec![("doc", "1")],
            ["404"; 6],
        ),
        (
            "/tai-khoan/mat-khau".into(),
            vec![
                ("current", "sai"),
                ("new", "mat-khau-moi-1"),
                ("again", "mat-khau-moi-1"),
            ],
            ["400"; 6],
        ),
    ];

    // The API's changes, with a token: (method, path, body, status for each role).
    let own_api = format!("/api/tasks/{own}");
    let calls: Vec<(Method, String, &str, Row)> = vec![
        (
            Method::POST,
            format!("{own_api}/reports"),
            r#"{"assignment":ASG,"text":""}"#,
            [BAD, BAD, NO, NO, BAD, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/deadline-requests"),
            r#"{"assignment":ASG,"deadline":"31/12/2099","reason":""}"#,
            [BAD, BAD, NO, NO, BAD, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/difficulties"),
            r#"{"text":""}"#,
            [NO, NO, NO, NO, BAD, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/commitments"),
            r#"{"assignment":ASG,"committed_on":"","roadmap":"x"}"#,
            [BAD, BAD, NO, NO, BAD, NO],
        ),
        (
            Method::POST,
            "/api/deadline-requests/999999/decision".into(),
            r#"{"decision":"approve"}"#,
            [NF, NF, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/progress-reports/999999/review".into(),
            r#"{"decision":"confirm"}"#,
            [NF, NF, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/api/difficulties/{d}/answer"),
            r#"{"answer":""}"#,
            [BAD, BAD, NO, NO, NO, BAD],
        ),
        (
            Method::POST,
            format!("/api/difficulties/{d}/forward"),
            r#"{"handler":"BTP","answer_due":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::PUT,
            own_api.clone(),
            r#"{"name":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/directions"),
            r#"{"kind":"direction","text":""}"#,
            [BAD, BAD, BAD, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/directions/999999/answer".into(),
            r#"{"answer":"x"}"#,
            [NF; 6],
        ),
        (
            Method::POST,
            "/api/tasks".into(),
            r#"{"name":"","lead":"","deadline":""}"#,
            [422, 422, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/assignments"),
            r#"{"agency":"BTP","role":"lead","reason":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("{own_api}/assignments/ASG/end"),
            r#"{"reason":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/agencies".into(),
            r#"{"code":"","name":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::PUT,
            "/api/agencies/BTC".into(),
            r#"{"name":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/agencies/BTC/aliases".into(),
            r#"{"alias":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::PUT,
            "/api/agencies/external/nq57/X-1".into(),
            r#"{"name":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/agencies/BTC/external-ids".into(),
            r#"{"system":"","external_id":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/meetings".into(),
            r#"{"name":"","held_on":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/import?file_name=x.csv".into(),
            "",
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/api/indicators/{indicator}/values"),
            r#"{"as_of":"2026-02-20","value":"khong doc duoc"}"#,
            [BAD, BAD, NO, NO, BAD, NO],
        ),
        (
            Method::POST,
            format!("/api/indicator-values/{figure}/review"),
            r#"{"decision":"return","note":""}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/api/indicators/{indicator}/targets"),
            r#"{"period":"","value":"90%"}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/api/indicators/{indicator}/life"),
            r#"{"valid_from":"31/12/2030","valid_to":"01/01/2020"}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            format!("/api/indicators/{indicator}/tasks"),
            r#"{"task":999999}"#,
            [BAD, BAD, NO, NO, NO, NO],
        ),
        (
            Method::POST,
            "/api/notifications/999999/read".into(),
            r#"{"read":true}"#,
            [NF; 6],
        ),
        (
            Method::POST,
            format!("{own_api}/reports"),
            "{not json",
            [BAD; 6],
        ),
    ];

    for (i, (name, _, _)) in ROLES.iter().enumerate() {
        let mut b = Browser::new(state.clone());
        assert_eq!(
            b.login(name, "mat-khau-chung-1").await.location.as_deref(),
            Some("/"),
            "{name}"
        );
        for (p, want) in &pages {
            let got = b.get(p).await.status.as_u16();
            assert_eq!(got, want[i], "{name} GET {p}");
        }
        let csrf = hidden(&b.get("/").await.body, "csrf");
        for (path, fields, want) in &forms {
            let mut f: Vec<(&str, &str)> = vec![("csrf", &csrf)];
            f.extend(fields.iter().copied());
            let r = b.post(path, &f).await;
            let got = match &r.location {
                Some(l) => l
                    .split("tb=")
                    .nth(1)
                    .map(|c| c.split('&').next().unwrap_or(c).to_string())
                    .unwrap_or_else(|| l.clone()),
                None => r.status.as_u16().to_string(),
            };
            assert_eq!(got, want[i], "{name} POST {path}");
        }
        // Without the form's token nothing is done, whoever sends it.
        let r = b
            .post(
                &format!("/nhiem-vu/{own}/bao-cao"),
                &[
                    ("csrf", "gia-mao"),
                    ("assignment", &a),
                    ("status", "done"),
                    ("text", "x"),
                ],
            )
            .await;
        assert_eq!(
            r.location,
            Some(format!("/nhiem-vu/{own}?tb=csrf")),
            "{name}"
        );
        // An upload through the browser is the standing agency's.
        let (ct, body) = multipart(&[("csrf", &csrf)], None);
        let req = Request::post("/nhap-tep")
            .header(header::COOKIE, b.cookie_header())
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .expect("request");
        let got = b.send(req).await.status.as_u16();
        assert_eq!(got, if i < 2 { 400 } else { 403 }, "{name} upload");

        for (method, path, body, want) in &calls {
            let path = path.replace("ASG", &a);
            let body = body.replace("ASG", &a);
            let got = api(&state, method.clone(), &path, &tokens[i], Some(&body)).await;
            assert_eq!(got.as_u16(), want[i], "{name} {method} {path}");
        }
        // Signing out ends the session, whoever it is.
        let r = b.post("/dang-xuat", &[("csrf", &csrf)]).await;
        assert_eq!(r.location.as_deref(), Some("/dang-nhap"), "{name}");
        assert_eq!(
            b.get("/")
                .await
                .location
                .as_deref()
                .map(|l| l.starts_with("/dang-nhap")),
            Some(true),
            "{name} signed out"
        );
    }

    // The matrix covers every route the server has: a route added without a case here fails.
    let mut exercised: Vec<(String, String)> = vec![
        // Every role signed in through the log-in page and form above, and uploaded a file.
        ("GET".into(), "/dang-nhap".into()),
        ("POST".into(), "/dang-nhap".into()),
        ("POST".into(), "/dang-xuat".into()),
        ("POST".into(), "/nhap-tep".into()),
    ];
    exercised.extend(pages.iter().map(|(p, _)| ("GET".to_string(), p.clone())));
    exercised.extend(
        forms
            .iter()
            .map(|(p, _, _)| ("POST".to_string(), p.clone())),
    );
    exercised.extend(calls.iter().map(|(m, p, _, _)| (m.to_string(), p.clone())));
    let missing: Vec<String> = tiendo_web::routes()
        .into_iter()
        .filter(|r| {
            !exercised
                .iter()
                .any(|(m, path)| *m == r.method && path_matches(&r.path, path))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a case in the matrix: {missing:?}"
    );
    // A session (not a token) changes data through the API only with its CSRF token in a header.
    let mut b = Browser::new(state.clone());
    b.login("btc", "mat-khau-chung-1").await;
    let csrf = hidden(&b.get("/").await.body, "csrf");
    let body = format!(r#"{{"assignment":{a},"text":"Đã gửi dự thảo"}}"#);
    for (token, want) in [
        (None, StatusCode::FORBIDDEN),
        (Some("sai"), StatusCode::FORBIDDEN),
    ] {
        let mut r = Request::post(format!("/api/tasks/{own}/reports"))
            .header(header::COOKIE, b.cookie_header())
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(tok) = token {
            r = r.header("x-csrf-token", tok);
        }
        assert_eq!(
            b.send(r.body(Body::from(body.clone())).expect("r"))
                .await
                .status,
            want
        );
    }
    assert_eq!(
        t.db.counts().await.expect("counts"),
        counts_before,
        "no refused form or call stored anything"
    );
    let r = Request::post(format!("/api/tasks/{own}/reports"))
        .header(header::COOKIE, b.cookie_header())
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &csrf)
        .body(Body::from(body))
        .expect("r");
    assert_eq!(b.send(r).await.status, StatusCode::CREATED);
    // A JSON body past the API's limit is refused before it is read; only the import takes files.
    let counts_before = t.db.counts().await.expect("counts");
    let long = "x".repeat(tiendo_web::api::MAX_JSON_BYTES + 1);
    let big = format!(r#"{{"assignment":{a},"text":"{long}"}}"#);
    let r = Request::post(format!("/api/tasks/{own}/reports"))
        .header(header::COOKIE, b.cookie_header())
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &csrf)
        .body(Body::from(big))
        .expect("r");
    assert_eq!(b.send(r).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(t.db.counts().await.expect("counts"), counts_before);
    // Every answer, page or API, forbids framing and scripts, and content-type guessing.
    for path in ["/", "/nhiem-vu", "/api/summary", "/dang-nhap"] {
        let p = b.get(path).await;
        let h = |name: &str| {
            p.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        let csp = h("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'none'"),
            "{path}: {csp}"
        );
    }
    t.cleanup().await;
}

async fn account(db: &tiendo_store::Db, name: &str) -> tiendo_store::users::User {
    db.user_by_username(name)
        .await
        .expect("read")
        .expect("account")
}

/// The rules of accounts and sessions are the service's own, whoever calls it (the pages, the
/// API, the command line): only an administrator manages accounts and never their own lock or
/// role; a login name with a space is refused; one's own password keeps its length and must be
/// typed twice the same; a wrong password opens no session, a right one does, and signing out
/// ends it; a task is found only by those who may see it. Each refusal stores nothing.
#[tokio::test]
async fn the_service_keeps_the_account_and_visibility_rules_itself() {
    use tiendo_domain::access::UserRole;
    use tiendo_service::Service;
    use tiendo_service::sessions::{PasswordRefused, SignInRefused};
    for t in backends().await {
        for (name, role, agency) in ROLES {
            user(&t.db, name, role, agency, "mat-khau-dung-1").await;
        }
        let service = Service::new(t.db.clone()).await.expect("service");
        let (qt, tt, btc) = (
            account(&t.db, "qt").await,
            account(&t.db, "tt").await,
            account(&t.db, "btc").await,
        );
        let accounts_before = t.db.accounts().await.expect("accounts").len();

        // Only an administrator manages accounts.
        for not_admin in [&tt, &btc] {
            let e = service
                .add_account(not_admin, NewAccount::new("moi", UserRole::Viewer))
                .await
                .expect_err("not an administrator");
            assert!(e.to_string().contains("quản trị"), "{}: {e}", t.label);
            assert!(service.accounts(not_admin).await.is_err(), "{}", t.label);
            assert!(
                service
                    .set_account_active(not_admin, "bca", false)
                    .await
                    .is_err(),
                "{}",
                t.label
            );
        }
        // Never one's own lock or role; a login name with a space is refused.
        let e = service
            .set_account_active(&qt, "qt", false)
            .await
            .expect_err("oneself");
        assert!(e.to_string().contains("chính mình"), "{}: {e}", t.label);
        assert!(
            service
                .set_account_role(&qt, "qt", UserRole::Viewer, None)
                .await
                .is_err(),
            "{}",
            t.label
        );
        for (name, email, why) in [
            ("có dấu cách", None, "a login name with a space"),
            ("moi2", Some("không-phải-thư"), "a bad address"),
        ] {
            assert!(
                service
                    .add_account(
                        &qt,
                        NewAccount {
                            email,
                            ..NewAccount::new(name, UserRole::Viewer)
                        },
                    )
                    .await
                    .is_err(),
                "{}: {why} creates no account",
                t.label
            );
        }
        assert_eq!(
            t.db.accounts().await.expect("accounts").len(),
            accounts_before,
            "{}: nothing created by a refusal",
            t.label
        );
        let password = service
            .add_account(
                &qt,
                NewAccount {
                    full_name: Some("Người mới"),
                    ..NewAccount::new("moi", UserRole::Viewer)
                },
            )
            .await
            .expect("an administrator creates");
        assert!(password.len() >= 10, "{}", t.label);

        // Signing in: a wrong password opens nothing; a right one a session that signing out ends.
        assert!(
            matches!(
                service.sign_in("btc", "sai-mat-khau-9", "10.0.0.1").await,
                Err(SignInRefused::Wrong)
            ),
            "{}",
            t.label
        );
        let signed = match service.sign_in("btc", "mat-khau-dung-1", "10.0.0.1").await {
            Ok(s) => s,
            Err(e) => panic!("{}: {e:?}", t.label),
        };
        let (live, hash) = service
            .session(&signed.token)
            .await
            .expect("read")
            .expect("a live session");
        assert_eq!(live.user.username, "btc", "{}", t.label);
        service.sign_out(&hash).await;
        assert!(
            service
                .session(&signed.token)
                .await
                .expect("read")
                .is_none(),
            "{}: signed out",
            t.label
        );

        // One's own password: the current one, 10 to 200 characters, typed twice the same.
        for (current, new, again, want) in [
            ("sai", "mat-khau-moi-1", "mat-khau-moi-1", "hiện tại"),
            ("mat-khau-dung-1", "ngan", "ngan", "10 đến 200"),
            (
                "mat-khau-dung-1",
                "mat-khau-moi-1",
                "mat-khau-moi-2",
                "không khớp",
            ),
        ] {
            let refused = service
                .change_password(&btc, current, new, again)
                .await
                .expect_err("refused");
            assert!(
                !matches!(refused, PasswordRefused::Failed(_))
                    && refused.message().is_some_and(|m| m.contains(want)),
                "{}: {refused:?}",
                t.label
            );
        }
        assert!(
            service
                .sign_in("btc", "mat-khau-dung-1", "10.0.0.2")
                .await
                .is_ok(),
            "{}: the password is unchanged after the refusals",
            t.label
        );

        // A task is found only by whoever may see it.
        common::import_text(
            &t.db,
            "p.csv",
            "STT,Nhiệm vụ,Cơ quan chủ trì,Thời hạn\n1,Việc của Bộ Công an,Bộ Công an,30/6/2026\n",
            "p",
            date!(2026 - 02 - 01),
        )
        .await;
        let task =
            t.db.task_by_number("p", "1")
                .await
                .expect("read")
                .expect("task");
        assert!(
            service.task_for(&tt, task).await.expect("read").is_some(),
            "{}",
            t.label
        );
        assert!(
            service.task_for(&btc, task).await.expect("read").is_none(),
            "{}: not its agency's task",
            t.label
        );
        let bca = account(&t.db, "bca").await;
        assert!(
            service.task_for(&bca, task).await.expect("read").is_some(),
            "{}",
            t.label
        );
    }
}
