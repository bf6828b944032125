//! Committees as scopes: one deployment for the Government's committee and the provinces'.
//! Set up as an operator would (`committees add`, `agencies add --committee`, `import
//! --committee`, `users add --committee`), then walked through every reading route and the
//! writes as each officer of each committee: each sees its own committee's work, read-only what
//! other committees gave its province, nothing of another province's; the national view counts
//! every committee. On SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::backends;
use common::browser::Browser;
use http_body_util::BodyExt;
use tiendo_store::edit::TaskEdit;
use tiendo_web::{AppState, router};
use time::macros::date;
use tower::ServiceExt;

/// A `tiendo` command on the database; (exit code, stdout, stderr).
fn tiendo(url: &str, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .env_remove("TIENDO_DATABASE_URL")
        .args(["--database-url", url])
        .args(args)
        .output()
        .expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(url: &str, args: &[&str]) -> String {
    let (code, out, err) = tiendo(url, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

async fn api(
    state: &AppState,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
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
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// The officers walked, each with its committee and role.
const OFFICERS: [(&str, &str, Option<&str>, Option<&str>); 7] = [
    ("tt", "standing", None, None),
    ("ld", "leader", None, None),
    ("dm.btc", "focal", Some("BTC"), None),
    ("tt.hanoi", "standing", None, Some("BCD_HANOI")),
    ("ld.hanoi", "leader", None, Some("BCD_HANOI")),
    ("dm.hnstc", "focal", Some("HN_STC"), Some("BCD_HANOI")),
    ("tt.hue", "standing", None, Some("BCD_HUE")),
];

#[tokio::test]
async fn each_committee_sees_its_own_work_what_it_received_and_nothing_of_another() {
    for t in backends().await {
        walk(&t.url, &t.db, t.label).await;
        t.cleanup().await;
    }
}

async fn walk(url: &str, db: &tiendo_store::Db, label: &str) {
    let dir = common::temp_dir();
    // Two provinces' committees, each with its own department of finance.
    for (code, name, province) in [
        ("BCD_HANOI", "Ban Chỉ đạo thành phố Hà Nội", "P_HANOI"),
        ("BCD_HUE", "Ban Chỉ đạo thành phố Huế", "P_HUE"),
    ] {
        ok(
            url,
            &[
                "committees",
                "add",
                code,
                "--name",
                name,
                "--province",
                province,
            ],
        );
    }
    for (code, committee) in [("HN_STC", "BCD_HANOI"), ("HUE_STC", "BCD_HUE")] {
        ok(
            url,
            &[
                "agencies",
                "add",
                code,
                "--name",
                "Sở Tài chính",
                "--kind",
                "department",
                "--committee",
                committee,
            ],
        );
    }
    // The Government's plan gives Hà Nội two tasks (one secret) and Bộ Tài chính one; each
    // province's committee has its own plan.
    let plans = [
        (
            None,
            "kh",
            "STT,Nhiệm vụ,Chủ trì,Thời hạn\n\
             1,Kết nối dữ liệu đất đai quốc gia,UBND thành phố Hà Nội,31/3/2026\n\
             2,Dữ liệu tài chính công,Bộ Tài chính,31/12/2099\n\
             3,Dữ liệu an ninh đô thị,UBND thành phố Hà Nội,31/12/2099\n",
        ),
        (
            Some("BCD_HANOI"),
            "hn",
            "STT,Nhiệm vụ,Chủ trì,Thời hạn\n\
             1,Số hóa dữ liệu hồ sơ đất đai,Sở Tài chính,31/3/2026\n\
             2,Dữ liệu ngân sách mật,Sở Tài chính,31/12/2099\n",
        ),
        (
            Some("BCD_HUE"),
            "hue",
            "STT,Nhiệm vụ,Chủ trì,Thời hạn\n1,Dữ liệu chữ ký số,Sở Tài chính,31/12/2099\n",
        ),
    ];
    for (committee, key, csv) in plans {
        let file = dir.join(format!("{key}.csv"));
        std::fs::write(&file, csv).expect("write");
        let mut args = vec!["import", "--reported-on", "2026-01-05", "--format", "json"];
        if let Some(c) = committee {
            args.extend(["--committee", c]);
        }
        args.push(file.to_str().expect("path"));
        ok(url, &args);
    }
    let id = |key: &'static str, n: &'static str| async move { common::task(db, key, n).await };
    let (kh1, kh2, kh3) = (
        id("kh", "1").await,
        id("kh", "2").await,
        id("kh", "3").await,
    );
    let (hn1, hn2, hue1) = (
        id("hn", "1").await,
        id("hn", "2").await,
        id("hue", "1").await,
    );
    for (secret, name) in [
        (kh3, "Dữ liệu an ninh đô thị"),
        (hn2, "Dữ liệu ngân sách mật"),
    ] {
        db.edit_task(
            secret,
            &TaskEdit {
                name: name.into(),
                secret: true,
                ..Default::default()
            },
            date!(2026 - 01 - 06),
            "tt",
        )
        .await
        .expect("secret");
    }

    // Accounts, each in its committee; the refusals first: an unknown committee, another
    // committee's department.
    let (code, _, err) = tiendo(
        url,
        &[
            "users",
            "add",
            "x",
            "--role",
            "viewer",
            "--committee",
            "KHONG_CO",
        ],
    );
    assert!(code != 0 && err.contains("KHONG_CO"), "{label}: {err}");
    let (code, _, err) = tiendo(
        url,
        &[
            "users",
            "add",
            "x",
            "--role",
            "focal",
            "--agency",
            "HUE_STC",
            "--committee",
            "BCD_HANOI",
        ],
    );
    assert!(
        code != 0 && err.contains("ban chỉ đạo khác"),
        "{label}: {err}"
    );
    let mut tokens = Vec::new();
    for (name, role, agency, committee) in OFFICERS {
        let mut args = vec!["users", "add", name, "--role", role];
        if let Some(a) = agency {
            args.extend(["--agency", a]);
        }
        if let Some(c) = committee {
            args.extend(["--committee", c]);
        }
        ok(url, &args);
        let token = ok(url, &["users", "token", name, "--name", "kiểm thử"]);
        tokens.push(token.trim().to_string());
    }
    let state = AppState::new(db.clone(), false).await.expect("state");

    // Every task by id, as each officer: page and API agree.
    const Y: bool = true;
    const N: bool = false;
    let by_id: [(i64, [bool; 7]); 6] = [
        (kh1, [Y, Y, N, Y, Y, N, N]),
        (kh2, [Y, Y, Y, N, N, N, N]),
        (kh3, [Y, N, N, N, N, N, N]),
        (hn1, [Y, Y, N, Y, Y, Y, N]),
        (hn2, [N, N, N, Y, N, Y, N]),
        (hue1, [Y, Y, N, N, N, N, Y]),
    ];
    for (task, seen) in by_id {
        for (i, (name, ..)) in OFFICERS.iter().enumerate() {
            let (status, body) = api(
                &state,
                Method::GET,
                &format!("/api/tasks/{task}"),
                &tokens[i],
                None,
            )
            .await;
            let want = if seen[i] {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, want, "{label}: {name} GET /api/tasks/{task}");
            if seen[i] {
                // Read-only unless it is the officer's own committee's (or own agency's).
                let own = matches!(
                    (*name, task),
                    ("tt" | "ld", t) if t == kh1 || t == kh2 || t == kh3
                ) || (*name == "dm.btc" && task == kh2)
                    || (name.ends_with("hanoi") || *name == "dm.hnstc")
                        && (task == hn1 || task == hn2)
                    || (*name == "tt.hue" && task == hue1);
                assert_eq!(body["read_only"], !own, "{label}: {name} task {task}");
            }
        }
    }

    // Lists, search and the drill-down into one committee.
    let ids = |v: &serde_json::Value| -> BTreeSet<i64> {
        v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect())
            .unwrap_or_default()
    };
    let set = |v: &[i64]| v.iter().copied().collect::<BTreeSet<i64>>();
    let lists: [&[i64]; 7] = [
        &[kh1, kh2, kh3],
        &[kh1, kh2],
        &[kh2],
        &[kh1, hn1, hn2],
        &[kh1, hn1],
        &[hn1, hn2],
        &[hue1],
    ];
    for (i, (name, ..)) in OFFICERS.iter().enumerate() {
        for q in ["/api/tasks", "/api/tasks?q=du+lieu"] {
            let (status, body) = api(&state, Method::GET, q, &tokens[i], None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(ids(&body), set(lists[i]), "{label}: {name} {q}");
        }
    }
    let hanoi_as = |i: usize| {
        let state = state.clone();
        let token = tokens[i].clone();
        async move {
            let (_, b) = api(
                &state,
                Method::GET,
                "/api/tasks?committee=BCD_HANOI",
                &token,
                None,
            )
            .await;
            ids(&b)
        }
    };
    assert_eq!(hanoi_as(0).await, set(&[hn1]), "{label}: national view");
    assert_eq!(hanoi_as(1).await, set(&[hn1]));
    assert_eq!(hanoi_as(3).await, set(&[hn1, hn2]));
    assert_eq!(
        hanoi_as(6).await,
        set(&[]),
        "{label}: Huế reads nothing of Hà Nội"
    );

    // The overdue list on 30/6/2026 and the dashboard's counts, each of its own lists.
    let overdue = |i: usize, q: &'static str| {
        let state = state.clone();
        let token = tokens[i].clone();
        async move {
            let (_, b) = api(&state, Method::GET, q, &token, None).await;
            b["items"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i["task_id"].as_str()?.parse::<i64>().ok())
                        .collect::<BTreeSet<i64>>()
                })
                .unwrap_or_default()
        }
    };
    let day = "/api/overdue?as_of=2026-06-30";
    assert_eq!(overdue(0, day).await, set(&[kh1]), "{label}");
    assert_eq!(overdue(3, day).await, set(&[kh1, hn1]), "{label}");
    assert_eq!(overdue(6, day).await, set(&[]), "{label}");
    let hn_day = "/api/overdue?as_of=2026-06-30&committee=BCD_HANOI";
    assert_eq!(overdue(0, hn_day).await, set(&[hn1]), "{label}");
    assert_eq!(overdue(6, hn_day).await, set(&[]), "{label}");
    for (i, leads) in [(0, 3), (3, 3), (6, 1)] {
        let (_, d) = api(
            &state,
            Method::GET,
            "/api/dashboard?as_of=2026-06-30",
            &tokens[i],
            None,
        )
        .await;
        let c = &d["lead_assignments"];
        let total: i64 = [
            "done_on_time",
            "done_late",
            "done_undated",
            "open_in_time",
            "open_overdue",
        ]
        .iter()
        .map(|k| c[k].as_i64().unwrap_or(0))
        .sum();
        assert_eq!(total, leads, "{label}: {} dashboard {d}", OFFICERS[i].0);
    }

    // Hà Nội's own system hears of Hà Nội's changes only; another of every change.
    for (system, committee) in [("hanoi", Some("BCD_HANOI")), ("tat-ca", None)] {
        let mut args = vec![
            "webhooks",
            "add",
            "--system",
            system,
            "--url",
            "http://127.0.0.1:9/khong-nghe",
        ];
        if let Some(c) = committee {
            args.extend(["--committee", c]);
        }
        ok(url, &args);
    }

    // Writes: a province's officer reads the Government's task given to it but does not change
    // it; another province's task is not found; its own committee's is changed.
    let edit = |name: &str| serde_json::json!({ "name": name });
    let (s, b) = api(
        &state,
        Method::PUT,
        &format!("/api/tasks/{kh1}"),
        &tokens[3],
        Some(edit("Đổi tên")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{label}: {b}");
    assert!(
        b.to_string().contains("ban chỉ đạo khác"),
        "{label}: the refusal says why: {b}"
    );
    let (s, _) = api(
        &state,
        Method::PUT,
        &format!("/api/tasks/{hue1}"),
        &tokens[3],
        Some(edit("Đổi tên")),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{label}");
    let (s, _) = api(
        &state,
        Method::PUT,
        &format!("/api/tasks/{hn1}"),
        &tokens[0],
        Some(edit("Đổi tên")),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "{label}: the national view reads only"
    );
    for t in [kh1, hue1, hn1] {
        let d = db.task_detail(t).await.expect("q").expect("task");
        assert_ne!(d.name, "Đổi tên", "{label}: nothing changed");
    }
    let (s, b) = api(
        &state,
        Method::PUT,
        &format!("/api/tasks/{hn1}"),
        &tokens[3],
        Some(edit("Số hóa dữ liệu hồ sơ đất đai, cập nhật")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{label}: {b}");

    // Hà Nội's department reports its task done: the completion waits in Hà Nội's standing
    // agency's inbox, and in no other committee's.
    let assignment = common::assignment(db, hn1, "HN_STC").await;
    let (s, b) = api(
        &state,
        Method::POST,
        &format!("/api/tasks/{hn1}/reports"),
        &tokens[5],
        Some(serde_json::json!({ "assignment": assignment, "status": "done", "text": "Đã số hóa xong", "completed_on": "2026-03-20" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{label}: {b}");
    for (i, expect) in [(3, true), (0, false), (6, false)] {
        let (_, b) = api(&state, Method::GET, "/api/inbox", &tokens[i], None).await;
        let has = b["items"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["task_id"].as_str() == Some(hn1.to_string().as_str()))
        });
        assert_eq!(has, expect, "{label}: {} inbox {b}", OFFICERS[i].0);
    }

    // The national view: every committee's line for the Government; a province its own.
    let (s, r) = api(
        &state,
        Method::GET,
        "/api/report/committees?as_of=2026-02-01",
        &tokens[0],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let line = |r: &serde_json::Value, code: &str| -> serde_json::Value {
        r["committees"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["code"] == code).cloned())
            .unwrap_or(serde_json::Value::Null)
    };
    assert_eq!(r["committees"].as_array().map(Vec::len), Some(3));
    assert_eq!(line(&r, "BCD_HANOI")["tasks"], 2, "{label}: {r}");
    assert_eq!(line(&r, "BCD_HUE")["tasks"], 1);
    assert_eq!(line(&r, "BCDCP")["tasks"], 3);
    // On 30/6 the completion was not yet reported (it was, today): Hà Nội's task is late then,
    // done on time (20/3, due 31/3) as of today.
    let report_on = |day: &str| {
        serde_json::from_str::<serde_json::Value>(&ok(
            url,
            &["report", "committees", "--as-of", day, "--format", "json"],
        ))
        .expect("json")
    };
    let cli = report_on("2026-06-30");
    assert_eq!(cli["as_of"], "2026-06-30");
    assert_eq!(line(&cli, "BCD_HANOI")["open_overdue"], 1, "{label}: {cli}");
    assert_eq!(
        line(&cli, "BCD_HANOI")["last_activity"],
        serde_json::Value::Null
    );
    let today = tiendo_domain::deadline::iso(time::OffsetDateTime::now_utc().date());
    let now = report_on(&today);
    assert_eq!(line(&now, "BCD_HANOI")["open_overdue"], 0, "{label}: {now}");
    assert_eq!(line(&now, "BCD_HANOI")["done_on_time"], 1, "{label}: {now}");
    assert_eq!(line(&now, "BCD_HANOI")["last_activity"], today.as_str());
    assert_eq!(line(&cli, "BCDCP")["open_overdue"], 1, "{label}: {cli}");
    assert_eq!(line(&cli, "BCD_HUE")["open_overdue"], 0);
    let (_, own) = api(
        &state,
        Method::GET,
        "/api/report/committees",
        &tokens[3],
        None,
    )
    .await;
    let codes: Vec<&str> = own["committees"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["BCD_HANOI"], "{label}");
    for format in ["docx", "xlsx"] {
        let out = dir.join(format!("cac-ban-chi-dao.{format}"));
        ok(
            url,
            &[
                "report",
                "committees",
                "--as-of",
                "2026-06-30",
                "--format",
                format,
                "--output",
                out.to_str().expect("path"),
            ],
        );
        assert!(std::fs::read(&out).expect("file").starts_with(b"PK"));
    }

    // Indicators, meetings, the registry and what a task may be given: Huế's own are never
    // Hà Nội's; the Government's indicators are read by every province.
    for (committee, name, csv) in [
        (
            None,
            "ct-quoc-gia.csv",
            "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2026;Kết quả thực hiện;Cơ quan chủ trì\n1;Tỷ lệ hồ sơ trực tuyến toàn trình quốc gia;%;80%;60%;Bộ Công an\n",
        ),
        (
            Some("BCD_HUE"),
            "ct-hue.csv",
            "STT;Chỉ tiêu;Đơn vị tính;Mục tiêu năm 2026;Kết quả thực hiện;Cơ quan chủ trì\n1;Tỷ lệ hồ sơ số hóa của Huế;%;90%;70%;Sở Tài chính\n",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, csv).expect("write");
        let mut args = vec!["import", "--reported-on", "2026-01-05"];
        if let Some(c) = committee {
            args.extend(["--committee", c]);
        }
        args.push(file.to_str().expect("path"));
        ok(url, &args);
    }
    ok(
        url,
        &[
            "meetings",
            "add",
            "--name",
            "Phiên họp Ban Chỉ đạo Huế",
            "--held-on",
            "2026-01-10",
            "--document",
            "hue",
            "--committee",
            "BCD_HUE",
        ],
    );
    let names_in = |v: &serde_json::Value, list: &str, field: &str| -> Vec<String> {
        v[list]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i[field].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let indicators_of = |i: usize| {
        let state = state.clone();
        let token = tokens[i].clone();
        async move {
            let (_, b) = api(&state, Method::GET, "/api/indicators", &token, None).await;
            b
        }
    };
    let hn = names_in(&indicators_of(3).await, "indicators", "name");
    assert!(
        hn.iter().any(|n| n.contains("quốc gia")) && !hn.iter().any(|n| n.contains("Huế")),
        "{label}: {hn:?}"
    );
    let hue = names_in(&indicators_of(6).await, "indicators", "name");
    assert!(hue.iter().any(|n| n.contains("Huế")), "{label}: {hue:?}");
    let hue_indicator = indicators_of(6).await["indicators"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["name"].as_str().is_some_and(|n| n.contains("Huế")))
        })
        .and_then(|i| i["id"].as_str().map(str::to_string))
        .expect("Huế's indicator");
    for (i, want) in [
        (3, StatusCode::NOT_FOUND),
        (6, StatusCode::OK),
        (0, StatusCode::OK),
    ] {
        let (s, _) = api(
            &state,
            Method::GET,
            &format!("/api/indicators/{hue_indicator}"),
            &tokens[i],
            None,
        )
        .await;
        assert_eq!(s, want, "{label}: {} indicator of Huế", OFFICERS[i].0);
    }
    let meetings = |i: usize| {
        let state = state.clone();
        let token = tokens[i].clone();
        async move {
            let (_, b) = api(&state, Method::GET, "/api/meetings", &token, None).await;
            names_in(&b, "items", "name")
        }
    };
    assert!(
        meetings(6).await.iter().any(|m| m.contains("Huế")),
        "{label}"
    );
    assert!(
        !meetings(3).await.iter().any(|m| m.contains("Huế")),
        "{label}"
    );
    let (_, agencies) = api(&state, Method::GET, "/api/agencies", &tokens[3], None).await;
    let codes = names_in(&agencies, "items", "code");
    assert!(
        codes.iter().any(|c| c == "HN_STC") && !codes.iter().any(|c| c == "HUE_STC"),
        "{label}: Hà Nội's registry"
    );
    let (s, b) = api(
        &state,
        Method::POST,
        &format!("/api/tasks/{hn1}/assignments"),
        &tokens[3],
        Some(
            serde_json::json!({ "agency": "HUE_STC", "role": "coordinator", "reason": "Phối hợp" }),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {b}");
    assert!(b.to_string().contains("ban chỉ đạo khác"), "{label}: {b}");

    // In the browser: Hà Nội's list holds its tasks and the one received, never Huế's; the
    // received task's page reads only.
    ok(
        url,
        &[
            "users",
            "add",
            "xem.hanoi",
            "--role",
            "standing",
            "--committee",
            "BCD_HANOI",
        ],
    );
    let hash = tiendo_service::accounts::hash_password("mat-khau-chung-1".into())
        .await
        .expect("hash");
    let uid = db.account_id("xem.hanoi").await.expect("id");
    db.set_password(uid, &hash, "test").await.expect("pw");
    let mut b = Browser::new(state.clone());
    b.login("xem.hanoi", "mat-khau-chung-1").await;
    let list = b.get("/nhiem-vu").await.body;
    assert!(list.contains("Kết nối dữ liệu đất đai quốc gia") && !list.contains("chữ ký số"));
    let page = b.get(&format!("/nhiem-vu/{kh1}")).await.body;
    assert!(page.contains("bạn chỉ được xem"), "{label}");
    assert!(!page.contains("/sua\""), "{label}: no edit link");
    assert_eq!(
        b.get(&format!("/nhiem-vu/{hue1}")).await.status,
        StatusCode::NOT_FOUND
    );

    // What each system was sent: Hà Nội's, changes of Hà Nội's tasks only.
    let sent = |system: &'static str| async move {
        let rows: Vec<(String, Option<i64>)> = tiendo_store::sqlx::query_as(
            "SELECT a.entity, a.entity_id FROM webhook_outbox o JOIN audit_log a ON a.id = o.audit_id
             JOIN webhook_subscriptions s ON s.id = o.subscription_id WHERE s.system = $1",
        )
        .bind(system)
        .fetch_all(db.pool())
        .await
        .expect("outbox");
        rows
    };
    let hanoi = sent("hanoi").await;
    assert!(!hanoi.is_empty(), "{label}: Hà Nội's changes are sent");
    assert!(
        hanoi
            .iter()
            .all(|(e, id)| e == "task" && (*id == Some(hn1) || *id == Some(hn2))),
        "{label}: {hanoi:?}"
    );
    let all = sent("tat-ca").await;
    assert!(
        all.len() > hanoi.len() && all.iter().any(|(e, _)| e == "indicator"),
        "{label}: every change to the other system: {all:?}"
    );

    // A province's administrator reads its own committee's log, nothing of Hà Nội's.
    ok(
        url,
        &[
            "users",
            "add",
            "qt.hue",
            "--role",
            "admin",
            "--committee",
            "BCD_HUE",
        ],
    );
    let qt_hue = ok(url, &["users", "token", "qt.hue", "--name", "kiểm thử"]);
    let (s, log) = api(&state, Method::GET, "/api/audit", qt_hue.trim(), None).await;
    assert_eq!(s, StatusCode::OK);
    let entries = log["items"].as_array().cloned().unwrap_or_default();
    assert!(
        entries
            .iter()
            .any(|e| e["entity"] == "task" && e["entity_id"] == hue1),
        "{label}: Huế's own changes"
    );
    assert!(
        !entries
            .iter()
            .any(|e| e["entity"] == "task" && (e["entity_id"] == hn1 || e["entity_id"] == kh1)),
        "{label}: nothing of Hà Nội's or the Government's tasks: {log}"
    );

    // Moving an account between committees is audited.
    ok(
        url,
        &["users", "committee", "ld.hanoi", "--committee", "BCD_HUE"],
    );
    let moved = db.account_id("ld.hanoi").await.expect("id");
    let history = db.history("user", moved).await.expect("history");
    assert!(
        history.iter().any(|h| h.action == "user.committee_changed"),
        "{label}"
    );
    std::fs::remove_dir_all(dir).ok();
}
