//! Several `tiendo serve` processes on one database, as a national deployment runs them: reports
//! written through both at once are each stored once, and each server's figures come to equal
//! the plain-SQL baseline (the change feed skips no commit, whatever order writers commit in).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tiendo_domain::status::FourWay;
use tiendo_store::sqlx;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn tiendo(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiendo"));
    c.arg("--database-url")
        .arg(url)
        .env_remove("TIENDO_SMTP_URL");
    c
}

fn run(url: &str, args: &[&str]) -> String {
    let out = tiendo(url).args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "tiendo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A generated data set with an administrator and the standing agency's API token (returned).
fn generated(url: &str, tasks: &str, seed: &str) -> String {
    run(url, &["generate", "--tasks", tasks, "--seed", seed]);
    run(url, &["users", "add", "quan-tri", "--role", "admin"]);
    run(url, &["users", "add", "thuong-truc", "--role", "standing"]);
    run(
        url,
        &["users", "token", "thuong-truc", "--name", "he-thong"],
    )
    .trim()
    .to_string()
}

/// A running server and its address (host:port); killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn serve(url: &str) -> Server {
    let mut child = tiendo(url)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut printed = String::new();
    let address = loop {
        let Some(Ok(line)) = lines.next() else {
            panic!("the server stopped before listening:\n{printed}");
        };
        printed.push_str(&line);
        printed.push('\n');
        if let Some(a) = line.split("đang chạy tại http://").nth(1) {
            break a.trim().to_string();
        }
    };
    // Keep reading what it prints, so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

/// One HTTP/1.1 exchange on its own connection: (status, body).
async fn http(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn four_way(v: &serde_json::Value) -> FourWay {
    let n = |k: &str| v[k].as_u64().unwrap_or(u64::MAX);
    FourWay {
        done_on_time: n("done_on_time"),
        done_late: n("done_late"),
        done_undated: n("done_undated"),
        open_in_time: n("open_in_time"),
        open_overdue: n("open_overdue"),
        recurring: n("recurring"),
        conditional: n("conditional"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_writing_at_once_agree_with_the_plain_sql_baseline() {
    for t in common::backends().await {
        let token = generated(&t.url, "400", "12");
        let servers = [serve(&t.url), serve(&t.url)];
        let addresses: Vec<String> = servers.iter().map(|s| s.address.clone()).collect();

        // Open lead assignments, each reported once, through one server or the other.
        let targets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT a.id, a.task_id FROM assignments a
             WHERE a.role = 'lead' AND a.active = 1
               AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.assignment_id = a.id AND r.status = 'done')
             ORDER BY a.id LIMIT 240",
        )
        .fetch_all(t.db.pool())
        .await
        .expect("assignments");
        assert_eq!(targets.len(), 240, "{}: enough open assignments", t.label);
        let gate = Arc::new(tokio::sync::Semaphore::new(48));
        let mut writers = Vec::new();
        for (i, (assignment, task)) in targets.iter().copied().enumerate() {
            let address = addresses[i % 2].clone();
            let token = token.clone();
            let gate = gate.clone();
            writers.push(tokio::spawn(async move {
                let _turn = gate.acquire().await.expect("gate");
                let status = if i % 3 == 0 { "in_progress" } else { "done" };
                let body = serde_json::json!({ "assignment": assignment, "status": status, "text": format!("đợt {i}") }).to_string();
                http(
                    &address,
                    "POST",
                    &format!("/api/tasks/{task}/reports"),
                    &token,
                    Some(&body),
                )
                .await
            }));
        }
        for w in writers {
            let (status, body) = w.await.expect("writer");
            assert_eq!(status, 201, "{}: {body}", t.label);
        }
        let stored: Vec<(String, i64)> = sqlx::query_as(
            "SELECT text, COUNT(*) FROM progress_reports WHERE text LIKE 'đợt %' GROUP BY text",
        )
        .fetch_all(t.db.pool())
        .await
        .expect("stored");
        assert_eq!(stored.len(), 240, "{}: every report stored", t.label);
        assert!(
            stored.iter().all(|(_, n)| *n == 1),
            "{}: none doubled",
            t.label
        );

        // Each server follows the other's writes: its figures reach the baseline and stay there.
        for address in &addresses {
            let started = Instant::now();
            loop {
                let (status, body) = http(address, "GET", "/api/summary", &token, None).await;
                assert_eq!(status, 200, "{body}");
                let v: serde_json::Value = serde_json::from_str(&body).expect("json");
                let day = tiendo_domain::deadline::iso_date(v["as_of"].as_str().unwrap_or(""))
                    .expect("as_of");
                let baseline: FourWay =
                    t.db.agency_counts_plain_sql(day)
                        .await
                        .expect("sql")
                        .into_values()
                        .sum();
                let seen = four_way(&v["lead_assignments"]);
                if seen == baseline {
                    assert!(
                        baseline.done_on_time + baseline.done_late + baseline.done_undated >= 160
                    );
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "{}: the server at {address} stays at {seen:?}, the baseline is {baseline:?}",
                    t.label
                );
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        drop(servers);
        t.cleanup().await;
    }
}

/// `tiendo backup` while a server keeps acknowledging reports, then `tiendo restore` into an
/// empty database: every report acknowledged before the backup began is in it, once; a database
/// that holds data is not replaced without --force; a file that is no backup is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_the_server_writes_restores_every_acknowledged_report() {
    for t in common::backends().await {
        let token = generated(&t.url, "200", "4");
        let server = serve(&t.url);
        let targets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT a.id, a.task_id FROM assignments a WHERE a.role = 'lead' AND a.active = 1 ORDER BY a.id LIMIT 150",
        )
        .fetch_all(t.db.pool())
        .await
        .expect("assignments");
        // Four writers, each acknowledging its reports in turn until told to stop.
        let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (address, token) = (server.address.clone(), token.clone());
            let (acknowledged, stop, targets) =
                (acknowledged.clone(), stop.clone(), targets.clone());
            writers.push(tokio::spawn(async move {
                let mut n = 0usize;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let (assignment, task) = targets[(n * 4 + w) % targets.len()];
                    let text = format!("sao lưu {w}-{n}");
                    let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": text }).to_string();
                    let (status, answer) = http(
                        &address,
                        "POST",
                        &format!("/api/tasks/{task}/reports"),
                        &token,
                        Some(&body),
                    )
                    .await;
                    assert_eq!(status, 201, "{answer}");
                    acknowledged.lock().expect("list").push(text);
                    n += 1;
                }
            }));
        }
        let count = |a: &Arc<std::sync::Mutex<Vec<String>>>| a.lock().expect("list").len();
        while count(&acknowledged) < 40 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before: Vec<String> = acknowledged.lock().expect("list").clone();
        let dir = common::temp_dir();
        let file = dir.join("sao-luu.bak");
        let url = t.url.clone();
        let file_arg = file.display().to_string();
        tokio::task::spawn_blocking(move || run(&url, &["backup", "--output", &file_arg]))
            .await
            .expect("backup");
        while count(&acknowledged) < before.len() + 40 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        for w in writers {
            w.await.expect("writer");
        }
        let all: std::collections::HashSet<String> =
            acknowledged.lock().expect("list").iter().cloned().collect();
        drop(server);

        // A second backup never overwrites the first.
        let again = tiendo(&t.url)
            .args(["backup", "--output"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("đã có"));

        // Restored into an empty database.
        let (restored_url, admin_db) = match &t.pg {
            None => (
                format!("sqlite://{}", dir.join("khoi-phuc.db").display()),
                None,
            ),
            Some((admin, name)) => {
                let restored = format!("{name}_r");
                (
                    common::create_database(admin, &restored).await,
                    Some((admin.clone(), restored)),
                )
            }
        };
        let file_arg = file.display().to_string();
        run(&restored_url, &["restore", "--input", &file_arg]);
        let restored = tiendo_store::Db::connect(&restored_url)
            .await
            .expect("opens");
        let stored: Vec<(String, i64)> = sqlx::query_as(
            "SELECT text, COUNT(*) FROM progress_reports WHERE text LIKE 'sao lưu %' GROUP BY text",
        )
        .fetch_all(restored.pool())
        .await
        .expect("stored");
        assert!(
            stored.iter().all(|(_, n)| *n == 1),
            "{}: once each",
            t.label
        );
        let in_backup: std::collections::HashSet<&str> =
            stored.iter().map(|(s, _)| s.as_str()).collect();
        let missing: Vec<&String> = before
            .iter()
            .filter(|s| !in_backup.contains(s.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: acknowledged before the backup began but not in it: {missing:?}",
            t.label
        );
        assert!(in_backup.iter().all(|s| all.contains(*s)));
        // The restored database answers as the original did for what the backup holds.
        let tasks = |db: &tiendo_store::Db| {
            let pool = db.pool().clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tasks")
                    .fetch_one(&pool)
                    .await
                    .expect("count")
            }
        };
        assert_eq!(tasks(&restored).await, tasks(&t.db).await);
        restored.pool().close().await;

        // A database with data is not replaced without --force; a file that is no backup is refused.
        let refused = tiendo(&restored_url)
            .args(["restore", "--input"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("--force"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        let junk = dir.join("khong-phai.bak");
        std::fs::write(&junk, "không phải bản sao lưu").expect("writes");
        let refused = tiendo(&restored_url)
            .args(["restore", "--force", "--input"])
            .arg(&junk)
            .output()
            .expect("runs");
        assert!(!refused.status.success());
        let restored = tiendo_store::Db::connect(&restored_url)
            .await
            .expect("still opens");
        assert_eq!(tasks(&restored).await, tasks(&t.db).await);
        restored.pool().close().await;

        if let Some((admin, name)) = admin_db {
            common::drop_database(&admin, &name).await;
        }
        std::fs::remove_dir_all(dir).ok();
        t.cleanup().await;
    }
}
