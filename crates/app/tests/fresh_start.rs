//! What a new user does first, with nothing but the repository: `serve --demo` on an empty working
//! directory, and a generated Word appendix imported back.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::temp_dir;
use tiendo_domain::agency::Registry;
use tiendo_store::Db;

fn tiendo(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiendo"));
    c.current_dir(dir).env_remove("TIENDO_DATABASE_URL");
    c
}

/// Starts `serve --demo` on a free port, reads stderr until the server listens, stops it; returns
/// everything it printed.
fn demo_start(dir: &std::path::Path) -> String {
    let mut child = tiendo(dir)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut printed = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("utf-8");
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("đang chạy tại") {
            break;
        }
    }
    child.kill().ok();
    child.wait().ok();
    assert!(
        printed.contains("đang chạy tại http://127.0.0.1:"),
        "the server started:\n{printed}"
    );
    printed
}

/// The account lines: user name → (role, one-time password if one was printed).
fn accounts(printed: &str) -> Vec<(String, String, Option<String>)> {
    let start = printed
        .find("đăng nhập bằng một trong các tài khoản")
        .expect("sign-in lines");
    printed[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let mut words = l.split_whitespace();
            let user = words.next().unwrap_or_default().to_string();
            let role = words.next().unwrap_or_default().to_string();
            let password = l
                .split("mật khẩu dùng một lần: ")
                .nth(1)
                .map(|p| p.trim().to_string());
            (user, role, password)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_fills_an_empty_database_once_and_prints_how_to_sign_in() {
    let dir = temp_dir();
    let first = demo_start(&dir);
    assert!(
        first.contains("Đã sinh bộ dữ liệu minh họa: 3000 nhiệm vụ"),
        "{first}"
    );
    let address = first
        .lines()
        .find_map(|l| l.split("Tiến Độ đang chạy tại ").nth(1))
        .expect("address");
    assert!(
        first.contains(&format!("Mở {address} ")),
        "the address to open is the one it listens on:\n{first}"
    );
    let listed = accounts(&first);
    let roles: Vec<&str> = listed.iter().map(|a| a.1.as_str()).collect();
    for role in ["admin", "standing", "leader", "focal", "viewer"] {
        assert!(roles.contains(&role), "an account for {role}: {listed:?}");
    }
    assert!(listed.iter().all(|a| a.2.is_some()), "{listed:?}");

    let url = format!("sqlite://{}", dir.join("tiendo.db").display());
    let db = Db::connect(&url).await.expect("the demo's database");
    let counts = db.counts().await.expect("counts");
    // 3,000 generated for the Government's committee, and the two provinces' plans (7 + 3).
    assert_eq!(counts.tasks, 3010);
    assert!(counts.assignments > counts.tasks && counts.reports > 0);
    for (user, role, password) in &listed {
        let stored = db.user_by_username(user).await.expect("read").expect(user);
        assert_eq!(stored.role.code(), role);
        assert!(stored.must_change_password);
        let ok = tiendo_service::accounts::verify_password(
            password.clone().expect("printed"),
            stored.password_hash.clone(),
        )
        .await;
        assert!(ok, "the printed password of {user} signs in");
    }
    let focal = db
        .user_by_username("dm.byt")
        .await
        .expect("read")
        .expect("dm.byt");
    assert_eq!(focal.agency_id, db.agency_id("BYT").await.expect("id"));
    // The standing agency's officer chooses a password (as at the first log-in).
    let standing = db
        .user_by_username("thuongtruc")
        .await
        .expect("read")
        .expect("thuongtruc");
    let chosen = tiendo_service::accounts::hash_password("mat-khau-rieng-2026".into())
        .await
        .expect("hash");
    db.set_password(standing.id, &chosen, "test")
        .await
        .expect("set");
    db.pool().close().await;

    // Run again: the data is kept, no task is added; a fresh one-time password for accounts never
    // signed in to, the chosen password kept.
    let second = demo_start(&dir);
    assert!(
        second.contains("Giữ nguyên dữ liệu đã có: 3010 nhiệm vụ"),
        "{second}"
    );
    assert!(!second.contains("Đã sinh bộ dữ liệu"), "{second}");
    let again = accounts(&second);
    let line = |user: &str, list: &[(String, String, Option<String>)]| {
        list.iter()
            .find(|a| a.0 == user)
            .cloned()
            .unwrap_or_else(|| panic!("{user} listed"))
    };
    assert_eq!(line("thuongtruc", &again).2, None);
    assert!(second.contains("giữ nguyên"), "{second}");
    let new_focal = line("dm.byt", &again).2.expect("a new one-time password");
    let old_focal = line("dm.byt", &listed).2.expect("first password");
    assert_ne!(new_focal, old_focal);

    let db = Db::connect(&url).await.expect("db");
    assert_eq!(
        db.counts().await.expect("counts").tasks,
        3010,
        "nothing added"
    );
    let focal = db
        .user_by_username("dm.byt")
        .await
        .expect("read")
        .expect("dm.byt");
    assert!(
        tiendo_service::accounts::verify_password(new_focal, focal.password_hash.clone()).await
    );
    assert!(
        !tiendo_service::accounts::verify_password(old_focal, focal.password_hash.clone()).await,
        "the password printed before no longer works"
    );
    let standing = db
        .user_by_username("thuongtruc")
        .await
        .expect("read")
        .expect("thuongtruc");
    assert!(
        tiendo_service::accounts::verify_password(
            "mat-khau-rieng-2026".into(),
            standing.password_hash.clone()
        )
        .await
    );
    db.pool().close().await;
}

#[test]
fn a_generated_appendix_is_a_word_file_that_imports_back_as_its_tasks() {
    let dir = temp_dir();
    let file = dir.join("phu-luc.docx");
    let o = tiendo(&dir)
        .args(["generate", "--tasks", "120", "--seed", "7", "--docx"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !dir.join("tiendo.db").exists(),
        "writing a file stores nothing"
    );

    let o = tiendo(&dir)
        .args([
            "import",
            "--dry-run",
            "--format",
            "json",
            "--reported-on",
            "2026-02-15",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let tasks = v["documents"][0]["tasks"].as_array().expect("tasks");

    // The same generator, read back through Word: every task, its text, lead and deadline as
    // written, under its section; no heading row read as a task.
    let registry = Registry::default_registry().expect("registry");
    let generated = tiendo_generate::generate(&registry, 120, 7, 0.0);
    assert_eq!(tasks.len(), generated.tasks.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (read, made) in tasks.iter().zip(&generated.tasks) {
        assert_eq!(read["number"], made.number.as_str());
        assert_eq!(read["name"], made.name.as_str());
        assert_eq!(read["deadline"]["raw"], made.deadline_raw.as_str());
        assert_eq!(read["headings"][0], made.headings[0].as_str());
        let leads = read["lead"].as_array().expect("lead");
        assert!(!leads.is_empty());
        assert!(
            leads.iter().all(|l| l["kind"] != "unresolved"),
            "every generated lead resolves: {}",
            made.lead_raw
        );
        assert!(
            read["coordinators"]
                .as_array()
                .expect("coordinators")
                .iter()
                .all(|c| c["kind"] == "agency"),
            "coordinators are registry agencies"
        );
        kinds.insert(read["deadline"]["kind"].as_str().unwrap_or("").to_string());
    }
    for kind in [
        "date",
        "month",
        "quarter",
        "year",
        "recurring",
        "conditional",
    ] {
        assert!(kinds.contains(kind), "deadline forms read: {kinds:?}");
    }

    // Stored, then stored again: the same tasks, no duplicate.
    for _ in 0..2 {
        let o = tiendo(&dir)
            .args(["import", "--reported-on", "2026-02-15"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = tiendo(&dir)
        .args(["report", "summary", "--as-of", "2026-05-20"])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let tasks_stored = rt.block_on(async {
        let db = Db::connect(&format!("sqlite://{}", dir.join("tiendo.db").display()))
            .await
            .expect("db");
        let n = db.counts().await.expect("counts").tasks;
        db.pool().close().await;
        n
    });
    assert_eq!(tasks_stored, 120);
}
