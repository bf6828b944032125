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

/// A running server, its address (host:port) and what it has logged so far; killed when
/// dropped.
struct Server {
    child: Child,
    address: String,
    log: Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// SIGTERM, as a service manager stops it.
    fn terminate(&self) {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(term.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn serve(url: &str) -> Server {
    serve_with(url, &[])
}

fn serve_with(url: &str, args: &[&str]) -> Server {
    let mut child = tiendo(url)
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
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
    let log = Arc::new(std::sync::Mutex::new(printed));
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Ok(mut l) = kept.lock() {
                l.push_str(&line);
                l.push('\n');
            }
        }
    });
    Server {
        child,
        address,
        log,
    }
}

/// One HTTP/1.1 exchange on its own connection: (status, body).
async fn http(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, answer) = try_http(address, &request)
        .await
        .unwrap_or_else(|| panic!("no answer from {address} to {method} {path}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Waits (20 s at most) until the server's `/api/summary` equals the plain-SQL count of the
/// lead assignments on its day; returns that count.
async fn reaches_baseline(
    db: &tiendo_store::Db,
    address: &str,
    token: &str,
    label: &str,
) -> FourWay {
    let started = Instant::now();
    loop {
        let (status, body) = http(address, "GET", "/api/summary", token, None).await;
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        let day =
            tiendo_domain::deadline::iso_date(v["as_of"].as_str().unwrap_or("")).expect("as_of");
        let baseline: FourWay = db
            .agency_counts_plain_sql(day)
            .await
            .expect("sql")
            .into_values()
            .sum();
        let seen = four_way(&v["lead_assignments"]);
        if seen == baseline {
            return baseline;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{label}: the server at {address} stays at {seen:?}, the baseline is {baseline:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
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
        let stored = stored_reports(&t.db, "đợt").await;
        assert_eq!(stored.len(), 240, "{}: every report stored", t.label);
        assert!(
            stored.iter().all(|(_, n)| *n == 1),
            "{}: none doubled",
            t.label
        );

        // Each server follows the other's writes: its figures reach the baseline and stay there.
        for address in &addresses {
            let baseline = reaches_baseline(&t.db, address, &token, t.label).await;
            assert!(baseline.done_on_time + baseline.done_late + baseline.done_undated >= 160);
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
        let stored = stored_reports(&restored, "sao lưu").await;
        assert!(
            stored.iter().all(|(_, n)| *n == 1),
            "{}: once each",
            t.label
        );
        let in_backup: std::collections::HashSet<&str> =
            stored.keys().map(|s| s.as_str()).collect();
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

/// One HTTP/1.1 exchange that may fail (the server stopping): the status, or None when no
/// answer came.
async fn try_http(address: &str, request: &str) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    Some((status, answer))
}

/// Eight clients sending progress reports as fast as they are answered, cycling over the first
/// 400 open lead assignments (texts "{mark} {i}"), until `REQUESTS` are sent or the server stops
/// answering.
struct Burst {
    answered: Arc<std::sync::atomic::AtomicUsize>,
    clients: Vec<tokio::task::JoinHandle<Vec<(usize, u16, String)>>>,
}

impl Burst {
    /// More than any test waits for: the server is stopped mid-burst.
    const REQUESTS: usize = 20_000;

    async fn start(db: &tiendo_store::Db, address: &str, token: &str, mark: &str) -> Burst {
        let targets: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, task_id FROM assignments WHERE role = 'lead' AND active = 1 ORDER BY id LIMIT 400",
        )
        .fetch_all(db.pool())
        .await
        .expect("assignments");
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let targets = Arc::new(targets);
        let mut clients = Vec::new();
        for _ in 0..8 {
            let (a, token, mark, next, answered, targets) = (
                address.to_string(),
                token.to_string(),
                mark.to_string(),
                next.clone(),
                answered.clone(),
                targets.clone(),
            );
            clients.push(tokio::spawn(async move {
                let mut answers = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if i >= Burst::REQUESTS {
                        return answers;
                    }
                    let Some(&(assignment, task)) = targets.get(i % targets.len().max(1)) else {
                        return answers;
                    };
                    let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": format!("{mark} {i}") }).to_string();
                    let request = format!(
                        "POST /api/tasks/{task}/reports HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    match try_http(&a, &request).await {
                        Some((status, answer)) => {
                            answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            answers.push((i, status, answer))
                        }
                        None => return answers,
                    }
                }
            }));
        }
        Burst { answered, clients }
    }

    /// Waits (60 s at most) until `n` requests have been answered.
    async fn wait_for(&self, n: usize, label: &str) {
        let waiting = Instant::now();
        while self.answered.load(std::sync::atomic::Ordering::SeqCst) < n {
            assert!(
                waiting.elapsed() < Duration::from_secs(60),
                "{label}: fewer than {n} answers"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Every answer received: (request number, status, whole answer).
    async fn answers(self) -> Vec<(usize, u16, String)> {
        let mut all = Vec::new();
        for c in self.clients {
            all.extend(c.await.expect("client"));
        }
        all
    }
}

/// Seconds until the server closes a connection that sends `first` and then nothing more, and
/// what it answered.
async fn closed_after(address: &str, first: &[u8]) -> (f64, String) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let started = Instant::now();
    stream.write_all(first).await.expect("sends");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection is still open after 20 s");
    (
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

/// Sends `head`, then `body` in pieces of `piece` bytes every `every`, while reading: how long
/// until the server closed the connection (or the body was all sent and answered), and the answer.
async fn dripped(
    address: &str,
    head: &str,
    body: &[u8],
    piece: usize,
    every: Duration,
) -> (f64, String) {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    let (mut rx, mut tx) = stream.into_split();
    let started = Instant::now();
    tx.write_all(head.as_bytes()).await.expect("sends");
    let body = body.to_vec();
    let writer = tokio::spawn(async move {
        for chunk in body.chunks(piece.max(1)) {
            tokio::time::sleep(every).await;
            if tx.write_all(chunk).await.is_err() {
                return;
            }
        }
        // Keep the writing half open: the answer, not our close, ends the exchange.
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), rx.read_to_end(&mut answer)).await;
    writer.abort();
    assert!(read.is_ok(), "the connection is still open after 30 s");
    (
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

/// A request body dripped a byte at a time, each piece sooner than the gap allowed, is cut by
/// the pace (--body-min-rate); a slow but steady report of the same size is read and stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dripped_body_is_cut_a_slow_steady_one_is_not() {
    for t in common::backends().await {
        let token = generated(&t.url, "20", "8");
        let server = serve_with(&t.url, &["--body-timeout", "2", "--body-min-rate", "200"]);
        let a = server.address.clone();
        let (assignment, task): (i64, i64) = sqlx::query_as(
            "SELECT id, task_id FROM assignments WHERE role = 'lead' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("assignment");
        let text = "tiến độ đều đặn ".repeat(40).trim().to_string();
        let body =
            serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": text })
                .to_string();
        let head = format!(
            "POST /api/tasks/{task}/reports HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        // One byte every 0.5 s: never a 2 s gap, but 2 bytes a second against 200 asked.
        let (waited, answer) =
            dripped(&a, &head, body.as_bytes(), 1, Duration::from_millis(500)).await;
        assert!(
            waited < 10.0 && !answer.starts_with("HTTP/1.1 201"),
            "{}: a drip: {waited} s, {answer:?}",
            t.label
        );
        // 100 bytes every 0.25 s (400 a second): ahead of the pace all along, stored.
        let (waited, answer) =
            dripped(&a, &head, body.as_bytes(), 100, Duration::from_millis(250)).await;
        assert!(
            answer.starts_with("HTTP/1.1 201"),
            "{}: steady: {waited} s, {answer:?}",
            t.label
        );
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM progress_reports WHERE text = $1")
                .bind(&text)
                .fetch_one(t.db.pool())
                .await
                .expect("count");
        assert_eq!(stored, 1, "{}: the steady report only", t.label);
        drop(server);
        t.cleanup().await;
    }
}

/// The day's reminders in a running server are computed on its own status book (issue #38:
/// no second copy read from the tables, which doubled the memory at national scale): the
/// digests are queued, and no book was read and saved the way a command reads one (such a save
/// records the data version it was read at).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_days_reminders_run_on_the_servers_own_book() {
    for t in common::backends().await {
        generated(&t.url, "40", "9");
        let server = serve_with(&t.url, &["--remind-at", "00:00"]);
        let started = Instant::now();
        let queued = loop {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminders")
                .fetch_one(t.db.pool())
                .await
                .expect("count");
            if n > 0 || started.elapsed() > Duration::from_secs(30) {
                break n;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(
            queued > 0,
            "{}: no digest queued\n{}",
            t.label,
            server.log()
        );
        let read_as_a_command: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM status_book_saves WHERE fingerprint IS NOT NULL",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("count");
        assert_eq!(read_as_a_command, 0, "{}", t.label);
        assert!(
            server.log().contains("\"from\":\"Tables\""),
            "{}: the server read its book once, at start",
            t.label
        );
        drop(server);
        t.cleanup().await;
    }
}

/// What an operator relies on: every answer carries a request id (the caller's, or a new one)
/// and every log line of the request is a JSON object under it; `/readyz` answers; `/metrics`
/// counts requests by route template and status for an administrator only, and says when the
/// status book last caught up with the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_operator_reads_request_ids_logs_metrics_and_readiness() {
    for t in common::backends().await {
        let standing = generated(&t.url, "60", "5");
        let admin = run(
            &t.url,
            &["users", "token", "quan-tri", "--name", "giam-sat"],
        )
        .trim()
        .to_string();
        let server = serve(&t.url);
        let a = &server.address;

        let (status, answer) = try_http(
            a,
            &format!("GET /readyz HTTP/1.1\r\nHost: {a}\r\nX-Request-Id: kiem-tra-42\r\nConnection: close\r\n\r\n"),
        )
        .await
        .expect("answer");
        assert_eq!(status, 200, "{answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("x-request-id: kiem-tra-42"),
            "{answer}"
        );
        let (_, answer) = try_http(
            a,
            &format!("GET /healthz HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n"),
        )
        .await
        .expect("answer");
        assert!(
            answer.to_ascii_lowercase().contains("x-request-id: "),
            "a new id when none is given: {answer}"
        );

        let (assignment, task): (i64, i64) = sqlx::query_as(
            "SELECT id, task_id FROM assignments WHERE role = 'lead' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("assignment");
        let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": "số đo" })
            .to_string();
        for _ in 0..2 {
            let (status, body) = http(
                a,
                "POST",
                &format!("/api/tasks/{task}/reports"),
                &standing,
                Some(&body),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }

        let (status, _) = http(a, "GET", "/metrics", "", None).await;
        assert_eq!(status, 401, "{}: anonymous", t.label);
        let (status, _) = http(a, "GET", "/metrics", &standing, None).await;
        assert_eq!(status, 403, "{}: not an administrator", t.label);
        let (status, text) = http(a, "GET", "/metrics", &admin, None).await;
        assert_eq!(status, 200, "{}: {text}", t.label);
        let sample = |name: &str| -> Option<f64> {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|v| v.parse().ok())
        };
        assert_eq!(
            sample(
                r#"tiendo_http_requests_total{method="POST",route="/api/tasks/{id}/reports",status="201"}"#
            ),
            Some(2.0),
            "{text}"
        );
        assert_eq!(
            sample(r#"tiendo_http_requests_total{method="GET",route="/metrics",status="403"}"#),
            Some(1.0),
            "{text}"
        );
        assert!(
            sample(
                r#"tiendo_http_request_duration_seconds_count{method="POST",route="/api/tasks/{id}/reports"}"#
            ) == Some(2.0),
            "{text}"
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs_f64();
        let refreshed = sample("tiendo_book_refreshed_timestamp_seconds").expect("refresh time");
        assert!(
            (now - 60.0..=now + 1.0).contains(&refreshed),
            "{refreshed} vs {now}"
        );
        assert!(
            sample("tiendo_db_connections").is_some_and(|n| n >= 1.0),
            "{text}"
        );
        assert_eq!(sample("tiendo_mail_queue_waiting"), Some(0.0), "{text}");
        assert_eq!(sample("tiendo_draining"), Some(0.0), "{text}");

        // The log: one JSON object per line; the request given an id is logged under it.
        let log = server.log();
        let lines: Vec<serde_json::Value> = log
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).expect("each log line is JSON"))
            .collect();
        let answered = lines
            .iter()
            .find(|l| l["span"]["request_id"] == "kiem-tra-42")
            .unwrap_or_else(|| panic!("no line for the request id:\n{log}"));
        assert_eq!(answered["status"], 200);
        assert_eq!(answered["span"]["route"], "/readyz");
        assert!(
            lines
                .iter()
                .any(|l| l["span"]["route"] == "/api/tasks/{id}/reports" && l["status"] == 201),
            "{log}"
        );
        drop(server);
        t.cleanup().await;
    }
}

/// A connection that sends nothing, stops in the middle of a request's head or of its body, or
/// stays idle after an answer is closed after the set time; on SIGTERM the server stops taking
/// connections, answers every request it had taken and exits cleanly: each report it
/// acknowledged is stored once, and no request was answered with an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_idle_connections_are_closed_and_a_stop_finishes_what_was_taken() {
    for t in common::backends().await {
        let token = generated(&t.url, "200", "6");
        let mut server = serve_with(&t.url, &["--header-timeout", "1", "--body-timeout", "1"]);
        let a = server.address.clone();

        let (waited, answer) = closed_after(&a, b"").await;
        assert!(
            waited < 5.0 && answer.is_empty(),
            "silent: {waited} s, {answer:?}"
        );
        let (waited, answer) = closed_after(&a, b"GET /healthz HTTP/1.1\r\nHost: x").await;
        assert!(waited < 5.0, "half a head: {waited} s, {answer:?}");
        let (waited, answer) = closed_after(
            &a,
            format!("POST /api/summary HTTP/1.1\r\nHost: {a}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"a\":").as_bytes(),
        )
        .await;
        assert!(waited < 5.0, "a stalled body: {waited} s, {answer:?}");
        let (waited, answer) = closed_after(
            &a,
            format!("GET /healthz HTTP/1.1\r\nHost: {a}\r\n\r\n").as_bytes(),
        )
        .await;
        assert!(
            waited < 5.0 && answer.starts_with("HTTP/1.1 200"),
            "idle after an answer: {waited} s, {answer:?}"
        );

        // More requests than can be answered before the stop, which is sent once some are
        // acknowledged (not after a fixed time, which a fast run may outlast).
        let burst = Burst::start(&t.db, &a, &token, "dừng").await;
        burst.wait_for(50, t.label).await;
        server.terminate();
        let mut acknowledged = Vec::new();
        for (i, status, answer) in burst.answers().await {
            assert_eq!(status, 201, "{}: request {i} answered {answer}", t.label);
            acknowledged.push(format!("dừng {i}"));
        }
        let started = Instant::now();
        let exit = loop {
            if let Some(s) = server.child.try_wait().expect("wait") {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "still running after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{}: {exit:?}\n{}", t.label, server.log());
        assert!(
            acknowledged.len() >= 50 && acknowledged.len() < Burst::REQUESTS,
            "{}: stopped mid-burst ({} acknowledged)",
            t.label,
            acknowledged.len()
        );
        let stored = stored_reports(&t.db, "dừng").await;
        for text in &acknowledged {
            assert_eq!(stored.get(text), Some(&1), "{}: {text}", t.label);
        }
        assert!(server.log().contains("stopping: no new connections"));
        drop(server);
        t.cleanup().await;
    }
}

/// `kill -9` of a server in the middle of a burst of reports: every report it acknowledged is
/// stored exactly once (whatever it had not answered may or may not be, but never twice), and a
/// server started again on the same database comes up, reaches the plain-SQL figures, takes
/// reports and stops cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_burst_loses_no_acknowledged_report_and_starts_again() {
    for t in common::backends().await {
        let token = generated(&t.url, "200", "9");
        let mut server = serve(&t.url);
        let burst = Burst::start(&t.db, &server.address, &token, "kill9").await;
        burst.wait_for(50, t.label).await;
        server.child.kill().expect("SIGKILL");
        let exit = server.child.wait().expect("wait");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&exit),
            Some(9),
            "{}: killed, not finished",
            t.label
        );
        let mut acknowledged = Vec::new();
        for (i, status, answer) in burst.answers().await {
            assert_eq!(status, 201, "{}: request {i} answered {answer}", t.label);
            acknowledged.push(format!("kill9 {i}"));
        }
        assert!(
            acknowledged.len() >= 50 && acknowledged.len() < Burst::REQUESTS,
            "{}: killed mid-burst ({} acknowledged)",
            t.label,
            acknowledged.len()
        );
        let stored = stored_reports(&t.db, "kill9").await;
        for text in &acknowledged {
            assert_eq!(stored.get(text), Some(&1), "{}: {text} lost", t.label);
        }
        assert!(
            stored.values().all(|n| *n == 1),
            "{}: none doubled",
            t.label
        );

        // Started again on the same database: ready, the figures of what is stored, new reports.
        let mut again = serve(&t.url);
        let (status, body) = http(&again.address, "GET", "/readyz", &token, None).await;
        assert_eq!(status, 200, "{}: {body}", t.label);
        reaches_baseline(&t.db, &again.address, &token, t.label).await;
        let answers = reports_through(&t.db, &again.address, &token, "sau-kill9", 0, 20).await;
        assert!(
            answers.iter().all(|(s, _)| *s == 201),
            "{}: {answers:?}",
            t.label
        );
        assert_eq!(stored_reports(&t.db, "sau-kill9").await.len(), 20);
        again.terminate();
        let exit = again.child.wait().expect("wait");
        assert!(exit.success(), "{}: {exit:?}\n{}", t.label, again.log());
        drop(again);
        drop(server);
        t.cleanup().await;
    }
}

/// `kill -9` of `tiendo import` while it stores a 5,000-task appendix (after it has said it
/// stored the first 250): nothing of the document is in the database, not a task, an
/// assignment, a document or an audit row; the same import run again stores it whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_killed_while_it_stores_leaves_nothing_of_it() {
    let dir = common::temp_dir();
    let appendix = dir.join("phu-luc-5000.docx");
    let for_docx = common::temp_dir();
    run(
        &format!("sqlite://{}", for_docx.join("x.db").display()),
        &[
            "generate",
            "--tasks",
            "5000",
            "--seed",
            "12",
            "--docx",
            appendix.to_str().expect("path"),
        ],
    );
    for t in common::backends().await {
        run(&t.url, &["generate", "--tasks", "100", "--seed", "3"]);
        let counts = || async {
            let mut n = Vec::new();
            for table in [
                "tasks",
                "assignments",
                "documents",
                "audit_log",
                "progress_reports",
            ] {
                let c: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(t.db.pool())
                .await
                .expect("count");
                n.push((table, c));
            }
            n
        };
        let before = counts().await;

        let mut import = tiendo(&t.url)
            .args(["import", appendix.to_str().expect("path")])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("starts");
        let stderr = import.stderr.take().expect("stderr");
        let mut printed = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            printed.push_str(&line);
            printed.push('\n');
            if line.contains("đã lưu 250/") {
                break;
            }
        }
        import.kill().expect("SIGKILL");
        let exit = import.wait().expect("wait");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&exit),
            Some(9),
            "{}: killed while storing, not finished:\n{printed}",
            t.label
        );
        assert!(
            printed.contains("đã lưu 250/5000"),
            "{}: {printed}",
            t.label
        );
        assert_eq!(counts().await, before, "{}: nothing of it stored", t.label);

        // The same import, run to its end, stores the whole appendix at once.
        run(&t.url, &["import", appendix.to_str().expect("path")]);
        let after = counts().await;
        assert_eq!(after[0].1, before[0].1 + 5000, "{}: {after:?}", t.label);
        let appendices: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE doc_key = 'phu-luc-5000'")
                .fetch_one(t.db.pool())
                .await
                .expect("document");
        assert_eq!(appendices, 1, "{}", t.label);
        t.cleanup().await;
    }
}

/// nginx from Debian (`TIENDO_TEST_NGINX`, else /usr/sbin/nginx), running the shipped site
/// file (deploy/nginx-site.conf) in front of the given servers, in a directory of its own.
struct Proxy {
    child: Child,
    address: String,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn nginx_binary() -> Option<String> {
    std::env::var("TIENDO_TEST_NGINX")
        .ok()
        .or_else(|| Some("/usr/sbin/nginx".to_string()))
        .filter(|p| std::path::Path::new(p).exists())
}

fn proxy(nginx: &str, upstreams: &[&str]) -> Proxy {
    let dir = common::temp_dir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let site = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/nginx-site.conf"
    ))
    .expect("deploy/nginx-site.conf");
    let servers: String = upstreams
        .iter()
        .map(|u| format!("    server {u} max_fails=1 fail_timeout=5s;\n"))
        .collect();
    let site = site
        .replace(
            "    server 127.0.0.1:8081 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:8082 max_fails=1 fail_timeout=5s;\n",
            &servers,
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    assert!(
        site.contains(upstreams[0]),
        "the site file's upstream lines changed"
    );
    std::fs::write(dir.join("site.conf"), site).expect("site");
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{ worker_connections 512; }}\n\
             http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n"
        ),
    )
    .expect("conf");
    let child = Command::new(nginx)
        .args([
            "-p",
            &d.to_string(),
            "-c",
            &format!("{d}/nginx.conf"),
            "-g",
            "daemon off;",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let address = format!("127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx does not listen: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Proxy { child, address }
}

/// `count` reports, one per open lead assignment from `offset`, sent through `address` with at
/// most 32 at once; each answer's status with its report's text.
async fn reports_through(
    db: &tiendo_store::Db,
    address: &str,
    token: &str,
    mark: &str,
    offset: i64,
    count: i64,
) -> Vec<(u16, String)> {
    let targets: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, task_id FROM assignments WHERE role = 'lead' AND active = 1 ORDER BY id LIMIT $1 OFFSET $2",
    )
    .bind(count)
    .bind(offset)
    .fetch_all(db.pool())
    .await
    .expect("assignments");
    assert_eq!(targets.len() as i64, count, "enough assignments");
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let mut writers = Vec::new();
    for (i, (assignment, task)) in targets.into_iter().enumerate() {
        let (address, token, gate) = (address.to_string(), token.to_string(), gate.clone());
        let text = format!("{mark} {i}");
        writers.push(tokio::spawn(async move {
            let _turn = gate.acquire().await.expect("gate");
            let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": text }).to_string();
            let (status, _) = http(&address, "POST", &format!("/api/tasks/{task}/reports"), &token, Some(&body)).await;
            (status, text)
        }));
    }
    let mut out = Vec::new();
    for w in writers {
        out.push(w.await.expect("writer"));
    }
    out
}

/// Reports with texts starting with `mark`, by text, and how often each is stored.
async fn stored_reports(
    db: &tiendo_store::Db,
    mark: &str,
) -> std::collections::HashMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT text, COUNT(*) FROM progress_reports WHERE text LIKE $1 GROUP BY text",
    )
    .bind(format!("{mark} %"))
    .fetch_all(db.pool())
    .await
    .expect("stored")
    .into_iter()
    .collect()
}

/// Two servers behind nginx (the shipped site file), as a national deployment runs them: a burst
/// through the proxy is shared by both, answered 201 every time and stored once each; both
/// servers' figures reach the plain-SQL baseline; one server stopped (SIGTERM), the next burst
/// goes to the other without an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_behind_nginx_share_a_burst_and_survive_one_stopping() {
    let Some(nginx) = nginx_binary() else {
        eprintln!("skipped: no nginx (scripts/test installs Debian's package)");
        return;
    };
    for t in common::backends().await {
        let token = generated(&t.url, "400", "21");
        let mut servers = [serve(&t.url), serve(&t.url)];
        let upstreams: Vec<&str> = servers.iter().map(|s| s.address.as_str()).collect();
        let proxy = proxy(&nginx, &upstreams);

        let answers = reports_through(&t.db, &proxy.address, &token, "proxy", 0, 200).await;
        assert!(
            answers.iter().all(|(s, _)| *s == 201),
            "{}: {answers:?}",
            t.label
        );
        let stored = stored_reports(&t.db, "proxy").await;
        assert_eq!(stored.len(), 200, "{}", t.label);
        assert!(
            stored.values().all(|n| *n == 1),
            "{}: none doubled",
            t.label
        );
        for s in &servers {
            let log = s.log();
            let taken = log
                .lines()
                .filter(|l| {
                    l.contains("\"route\":\"/api/tasks/{id}/reports\"")
                        && l.contains("\"status\":201")
                })
                .count();
            assert!(
                taken >= 20,
                "{}: {} took only {taken} of 200",
                t.label,
                s.address
            );
        }
        // Each server, asked through its own address, reaches the baseline.
        for s in &servers {
            reaches_baseline(&t.db, &s.address, &token, t.label).await;
        }

        // One server is stopped; the proxy sends everything to the other.
        servers[0].terminate();
        let exit = servers[0].child.wait().expect("wait");
        assert!(exit.success(), "{exit:?}");
        let answers = reports_through(&t.db, &proxy.address, &token, "mot-may", 200, 100).await;
        assert!(
            answers.iter().all(|(s, _)| *s == 201),
            "{}: {answers:?}",
            t.label
        );
        let stored = stored_reports(&t.db, "mot-may").await;
        assert_eq!(stored.len(), 100, "{}", t.label);
        assert!(stored.values().all(|n| *n == 1), "{}", t.label);
        drop(proxy);
        drop(servers);
        t.cleanup().await;
    }
}

/// A system's receiving end: a real HTTP server on 127.0.0.1 that answers each delivery with
/// the next status of `answers` (the last one repeated) and keeps what it was sent.
struct Receiver {
    address: String,
    got: Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

async fn receiver(answers: Vec<u16>) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr").to_string();
    let got = Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = got.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Head, then the body by its Content-Length.
            let (head, body) = loop {
                let Ok(r) = stream.read(&mut chunk).await else {
                    break (String::new(), String::new());
                };
                if r == 0 {
                    break (String::new(), String::new());
                }
                buf.extend_from_slice(&chunk[..r]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                if let Some((head, rest)) = text.split_once("\r\n\r\n") {
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if rest.len() >= length {
                        break (head.to_string(), rest.to_string());
                    }
                }
            };
            let status = answers[n.min(answers.len() - 1)];
            n += 1;
            if let Ok(mut g) = kept.lock() {
                g.push((head, body));
            }
            let _ = stream
                .write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    Receiver { address, got }
}

/// Another system subscribed to reports hears of each one: the delivery is queued with the
/// report itself, signed with the subscription's secret (HMAC-SHA256 of the body), retried after
/// a refusal with the same delivery id, and delivered by a server started after the change
/// (nothing kept in a process's memory); kinds it did not subscribe to are not sent at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscribed_system_hears_of_each_report_signed_and_retried() {
    for t in common::backends().await {
        let token = generated(&t.url, "60", "8");
        let rx = receiver(vec![500, 204]).await;
        let secret = run(
            &t.url,
            &[
                "webhooks",
                "add",
                "--system",
                "nq57",
                "--url",
                &format!("http://{}/nhan", rx.address),
                "--events",
                "report",
            ],
        )
        .trim()
        .to_string();
        assert!(secret.len() >= 20);

        // A report through a server, which then stops: the delivery waits in the database.
        let (assignment, task): (i64, i64) = sqlx::query_as(
            "SELECT a.id, a.task_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE a.role = 'lead' AND a.active = 1 AND t.secret = 0 ORDER BY a.id LIMIT 1",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("assignment");
        // nq57 knows the task and the assignment by its own ids: the delivery carries them.
        for (sql, id) in [
            (
                "INSERT INTO task_external_ids (task_id, system, external_id) VALUES ($1, 'nq57', 'NV-9')",
                task,
            ),
            (
                "INSERT INTO assignment_external_ids (assignment_id, system, external_id) VALUES ($1, 'nq57', 'PC-9')",
                assignment,
            ),
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(t.db.pool())
                .await
                .expect("ids");
        }
        {
            let server = serve_with(&t.url, &[]);
            let body = serde_json::json!({ "assignment": assignment, "status": "in_progress", "text": "báo cho nq57" }).to_string();
            let (status, answer) = http(
                &server.address,
                "POST",
                &format!("/api/tasks/{task}/reports"),
                &token,
                Some(&body),
            )
            .await;
            assert_eq!(status, 201, "{answer}");
            // A change of another kind (a deadline request) is not sent.
            let body = serde_json::json!({ "assignment": assignment, "deadline": "31/12/2099", "reason": "cần thêm thời gian" }).to_string();
            http(
                &server.address,
                "POST",
                &format!("/api/tasks/{task}/deadline-requests"),
                &token,
                Some(&body),
            )
            .await;
            let mut killed = server;
            killed.child.kill().ok();
            killed.child.wait().ok();
        }
        let queued: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_outbox WHERE state = 'queued'")
                .fetch_one(t.db.pool())
                .await
                .expect("outbox");
        assert!(queued >= 1, "{}: queued with the report", t.label);

        // First try refused (500): still queued, tried once, due again later.
        run(&t.url, &["webhooks", "deliver"]);
        let (attempts, error): (i64, Option<String>) = sqlx::query_as(
            "SELECT attempts, last_error FROM webhook_outbox WHERE state = 'queued' ORDER BY id LIMIT 1",
        )
        .fetch_one(t.db.pool())
        .await
        .expect("retry");
        assert_eq!(
            (attempts, error.as_deref()),
            (1, Some("HTTP 500")),
            "{}",
            t.label
        );
        let listed = run(&t.url, &["webhooks", "list"]);
        assert!(
            listed.contains("nq57") && listed.contains("HTTP 500"),
            "{listed}"
        );
        // Not before its time: nothing is sent now.
        run(&t.url, &["webhooks", "deliver"]);
        assert_eq!(
            rx.got.lock().map(|g| g.len()).unwrap_or(0),
            queued as usize,
            "{}",
            t.label
        );
        // Its time comes (moved here rather than waited for): a server delivers it.
        sqlx::query("UPDATE webhook_outbox SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE state = 'queued'")
            .execute(t.db.pool())
            .await
            .expect("due");
        let server = serve_with(&t.url, &[]);
        let started = Instant::now();
        loop {
            let left: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM webhook_outbox WHERE state = 'queued'")
                    .fetch_one(t.db.pool())
                    .await
                    .expect("left");
            if left == 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{}: still queued\n{}",
                t.label,
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        drop(server);

        let got = rx.got.lock().map(|g| g.clone()).unwrap_or_default();
        assert_eq!(
            got.len(),
            2 * queued as usize,
            "{}: one refusal, one delivery each",
            t.label
        );
        let header = |head: &str, name: &str| -> String {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        let (first_head, _) = &got[0];
        let (head, body) = &got[1];
        assert!(head.starts_with("POST /nhan "), "{head}");
        assert_eq!(
            header(first_head, "x-tiendo-delivery"),
            header(head, "x-tiendo-delivery"),
            "a retry keeps its delivery id"
        );
        // The signature: HMAC-SHA256 of the body under the secret printed at subscription.
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(body.as_bytes());
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            header(head, "x-tiendo-signature"),
            format!("sha256={expected}"),
            "{}",
            t.label
        );
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(v["event"], "report.added", "{v}");
        assert_eq!(v["kind"], "report");
        assert_eq!(
            (
                v["external_id"].as_str(),
                v["assignment_id"].as_i64(),
                v["assignment_external_id"].as_str()
            ),
            (Some("NV-9"), Some(assignment), Some("PC-9")),
            "{}: {v}",
            t.label
        );
        assert!(
            got.iter().all(|(_, b)| !b.contains("deadline.")),
            "{}: only reports",
            t.label
        );
        t.cleanup().await;
    }
}
