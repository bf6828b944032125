//! Reminders on SQLite and PostgreSQL: each role's digest item by item, e-mail through a real
//! SMTP server (aiosmtpd, scripts/smtp-sink), each digest once under two concurrent runs, a
//! refused or unreachable server leaving the e-mail queued and retried, the notifications.

mod common;

use common::browser::Browser;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{assignment, backends, import_text};
use serde_json::Value;
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::iso;
use tiendo_domain::model::ReportedStatus;
use tiendo_domain::reminders::{Channel, Digest, Frequency, ItemKind, ReminderRules};
use tiendo_service::accounts::create_account;
use tiendo_store::Db;
use time::{Date, Duration, Weekday};

/// The real SMTP server of the tests, stopped when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let dir = common::temp_dir();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp-sink");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .arg("127.0.0.1")
            .arg(port.to_string())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("smtp-sink starts");
        assert_eq!(line.trim(), "ready", "smtp-sink did not start");
        SmtpSink { child, port, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, oldest first.
    fn messages(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
            })
            .collect()
    }

    fn refuse(&self, on: bool) {
        let f = self.dir.join("refuse");
        if on {
            std::fs::write(f, "").expect("refuse");
        } else {
            std::fs::remove_file(f).ok();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn today() -> Date {
    tiendo_service::reminders::vietnam_now().date()
}

fn dmy(d: Date) -> String {
    format!("{}/{}/{}", d.day(), u8::from(d.month()), d.year())
}

/// A plan whose deadlines sit around today: 1 overdue 40 days (Bộ Tài chính), 2 due in 3 days
/// (Bộ Tài chính), 3 due in 200 days (Bộ Tài chính), 4 due in 100 days (Bộ Tư pháp), 5 secret
/// and overdue (Bộ Tài chính).
fn plan(day: Date) -> String {
    format!(
        "STT;Tên nhiệm vụ;Chủ trì;Phối hợp;Thời hạn\n\
         1;Ban hành quy chế chia sẻ dữ liệu;Bộ Tài chính;Bộ Công an;{}\n\
         2;Kết nối cơ sở dữ liệu thuế với dân cư;Bộ Tài chính;;{}\n\
         3;Số hóa hồ sơ hải quan;Bộ Tài chính;;{}\n\
         4;Xây dựng cơ sở dữ liệu hộ tịch;Bộ Tư pháp;;{}\n",
        dmy(day - Duration::days(40)),
        dmy(day + Duration::days(3)),
        dmy(day + Duration::days(200)),
        dmy(day + Duration::days(100)),
    )
}

struct Tasks {
    overdue: i64,
    due_soon: i64,
    returned: i64,
    btp: i64,
}

/// The plan, the accounts, and one of each follow-up fact.
async fn set_up(db: &Db, day: Date) -> Tasks {
    import_text(db, "plan.csv", &plan(day), "plan", day - Duration::days(60)).await;
    let t = Tasks {
        overdue: common::task(db, "plan", "1").await,
        due_soon: common::task(db, "plan", "2").await,
        returned: common::task(db, "plan", "3").await,
        btp: common::task(db, "plan", "4").await,
    };
    for (user, role, agency, email) in [
        ("btc", UserRole::Focal, Some("BTC"), Some("btc@mof.gov.vn")),
        ("btp", UserRole::Focal, Some("BTP"), None),
        ("tt", UserRole::Standing, None, Some("tt@mic.gov.vn")),
        ("ld", UserRole::Leader, None, Some("ld@chinhphu.vn")),
        ("xem", UserRole::Viewer, None, Some("xem@mic.gov.vn")),
    ] {
        create_account(db, user, user, role, agency, None, "test")
            .await
            .expect("account");
        if let Some(e) = email {
            db.set_user_email(user, Some(e), "test")
                .await
                .expect("email");
        }
    }
    // Bộ Tài chính reports task 3 done; the standing agency returns it.
    let a3 = assignment(db, t.returned, "BTC").await;
    let r = db
        .add_report(
            a3,
            day,
            Some(ReportedStatus::Done),
            Some(day),
            Some("Đã xong"),
            "btc",
        )
        .await
        .expect("report");
    db.review_report(r, false, "Thiếu văn bản ban hành", "tt")
        .await
        .expect("return");
    // Bộ Tư pháp reports task 4 done: it waits for the standing agency.
    let a4 = assignment(db, t.btp, "BTP").await;
    db.add_report(a4, day, Some(ReportedStatus::Done), Some(day), None, "btp")
        .await
        .expect("report");
    // Bộ Tài chính asks for a new deadline on task 2 (waiting) and on task 1 (refused).
    let a2 = assignment(db, t.due_soon, "BTC").await;
    db.request_deadline_change(t.due_soon, a2, "31/12/2027", "Chờ luật sửa đổi", "btc")
        .await
        .expect("request");
    let a1 = assignment(db, t.overdue, "BTC").await;
    let refused = db
        .request_deadline_change(t.overdue, a1, "30/6/2027", "Thiếu kinh phí", "btc")
        .await
        .expect("request");
    db.decide_deadline_change(refused, false, "Chưa đủ căn cứ", day, "tt")
        .await
        .expect("refuse");
    // A difficulty for Bộ Tư pháp to answer, one for the standing agency.
    let btc = db.agency_id("BTC").await.expect("q").expect("BTC");
    db.raise_difficulty(
        t.overdue,
        btc,
        "Vướng quy định về <b>bảo mật</b>",
        Some("BTP"),
        day,
        "btc",
    )
    .await
    .expect("difficulty");
    db.raise_difficulty(
        t.due_soon,
        btc,
        "Chưa có hướng dẫn kỹ thuật",
        None,
        day,
        "btc",
    )
    .await
    .expect("difficulty");
    t
}

async fn digests_on(db: &Db, day: Date) -> Vec<Digest> {
    let snap = tiendo_service::load_snapshot(db).await.expect("snapshot");
    tiendo_service::reminders::compute(db, &snap, day, &ReminderRules::default())
        .await
        .expect("digests")
}

fn of<'a>(v: &'a [Digest], user: &str) -> Option<&'a Digest> {
    v.iter().find(|d| d.user == user)
}

/// (kind, task) of each item, in order.
fn kinds(d: &Digest) -> Vec<(ItemKind, Option<i64>)> {
    d.items.iter().map(|i| (i.kind, i.task_id)).collect()
}

fn next_monday(d: Date) -> Date {
    let mut m = d;
    while m.weekday() != Weekday::Monday {
        m += Duration::days(1);
    }
    m
}

#[tokio::test]
async fn each_role_hears_of_its_own_work_item_by_item() {
    let day = today();
    for t in backends().await {
        let k = set_up(&t.db, day).await;
        let label = t.label;
        let v = digests_on(&t.db, day).await;

        let btc = of(&v, "btc").expect("btc's digest");
        assert_eq!(btc.channel, Channel::Email, "{label}");
        assert_eq!(btc.email.as_deref(), Some("btc@mof.gov.vn"));
        assert_eq!(
            kinds(btc),
            vec![
                (ItemKind::Overdue, Some(k.overdue)),
                (ItemKind::DueSoon, Some(k.due_soon)),
                (ItemKind::Returned, Some(k.returned)),
                (ItemKind::RequestRefused, Some(k.overdue)),
            ],
            "{label}"
        );
        assert_eq!(btc.items[0].days_late, Some(40), "{label}");
        assert_eq!(btc.items[0].due, Some(day - Duration::days(40)));
        assert_eq!(btc.items[0].agency.as_deref(), Some("Bộ Tài chính"));
        assert_eq!(
            btc.items[0].task_name.as_deref(),
            Some("Ban hành quy chế chia sẻ dữ liệu")
        );
        assert_eq!(btc.items[1].due, Some(day + Duration::days(3)));
        assert!(
            btc.items[2]
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("Thiếu văn bản ban hành")),
            "{label}: the reason of the return"
        );
        assert!(
            btc.items[3]
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("30/6/2027"))
        );

        // Bộ Tư pháp has no address: the application only; its difficulty to answer, and its
        // own completion is not a reminder to itself.
        let btp = of(&v, "btp").expect("btp's digest");
        assert_eq!(btp.channel, Channel::App, "{label}");
        assert_eq!(kinds(btp), vec![(ItemKind::AnswerDue, Some(k.overdue))]);
        assert_eq!(btp.items[0].due, Some(day + Duration::days(15)));

        let tt = of(&v, "tt").expect("standing agency's digest");
        assert_eq!(
            kinds(tt),
            vec![
                (ItemKind::DecisionWaiting, Some(k.due_soon)),
                (ItemKind::DecisionWaiting, Some(k.btp)),
                (ItemKind::DecisionWaiting, Some(k.due_soon)),
            ],
            "{label}: the deadline request and the completion, then the difficulty (answer due)"
        );
        let details: Vec<&str> = tt
            .items
            .iter()
            .filter_map(|i| i.detail.as_deref())
            .collect();
        assert!(
            details.iter().any(|d| d.contains("31/12/2027")),
            "{details:?}"
        );
        assert!(
            details
                .iter()
                .any(|d| d.contains("Chưa có hướng dẫn kỹ thuật"))
        );
        assert!(details.iter().any(|d| d.contains("chờ xác nhận")));

        // Each one's inbox (read for that user only) shows what the digest says.
        let snap = tiendo_service::load_snapshot(&t.db)
            .await
            .expect("snapshot");
        for d in [btc, btp, tt] {
            let u =
                t.db.user_by_username(&d.user)
                    .await
                    .expect("q")
                    .expect("user");
            let inbox =
                tiendo_service::reminders::inbox(&t.db, &snap, &u, day, &ReminderRules::default())
                    .await
                    .expect("inbox");
            assert_eq!(inbox, d.items, "{label}: {}'s inbox", d.user);
        }
        let xem =
            t.db.user_by_username("xem")
                .await
                .expect("q")
                .expect("viewer");
        assert!(
            tiendo_service::reminders::inbox(&t.db, &snap, &xem, day, &ReminderRules::default())
                .await
                .expect("inbox")
                .is_empty()
        );
        // Leaders get the weekly summary, on Mondays; a viewer nothing.
        assert!(of(&v, "xem").is_none(), "{label}");
        assert_eq!(
            of(&v, "ld").is_some(),
            day.weekday() == Weekday::Monday,
            "{label}"
        );
        let monday = next_monday(day);
        let w = digests_on(&t.db, monday).await;
        let ld = of(&w, "ld").expect("weekly summary");
        assert_eq!(ld.digest, Frequency::Weekly);
        assert_eq!(
            kinds(ld),
            vec![
                (ItemKind::WeekSummary, None),
                (ItemKind::Escalation, Some(k.overdue))
            ],
            "{label}: overdue {} days, more than 30",
            40 + (monday - day).whole_days()
        );
        // A leader who asks for the daily digest hears of escalations every day.
        t.db.set_reminder_preferences("ld", None, Some(Frequency::Daily), "test")
            .await
            .expect("prefs");
        let v = digests_on(&t.db, day).await;
        assert_eq!(
            kinds(of(&v, "ld").expect("daily")),
            vec![(ItemKind::Escalation, Some(k.overdue))]
        );
        // Once acted on, an item leaves: task 3 reported again, the request approved.
        let a3 = assignment(&t.db, k.returned, "BTC").await;
        t.db.add_report(
            a3,
            day,
            Some(ReportedStatus::InProgress),
            None,
            Some("Đang bổ sung"),
            "btc",
        )
        .await
        .expect("report");
        t.db.set_reminder_preferences("btc", Some(Channel::Off), None, "test")
            .await
            .expect("prefs");
        let v = digests_on(&t.db, day).await;
        assert!(of(&v, "btc").is_none(), "{label}: channel off");
        t.db.set_reminder_preferences("btc", Some(Channel::App), None, "test")
            .await
            .expect("prefs");
        let v = digests_on(&t.db, day).await;
        let btc = of(&v, "btc").expect("btc");
        assert_eq!(btc.channel, Channel::App);
        assert!(
            !kinds(btc).contains(&(ItemKind::Returned, Some(k.returned))),
            "{label}"
        );
        t.cleanup().await;
    }
}

/// Counts of each kind, in order, as the dashboard shows them.
fn counted(items: &[tiendo_domain::reminders::ReminderItem]) -> Vec<(ItemKind, usize)> {
    let mut out: Vec<(ItemKind, usize)> = Vec::new();
    for i in items.iter().filter(|i| i.kind != ItemKind::WeekSummary) {
        match out.last_mut() {
            Some((k, n)) if *k == i.kind => *n += 1,
            _ => out.push((i.kind, 1)),
        }
    }
    out
}

#[tokio::test]
async fn a_commitment_come_due_waits_for_the_standing_agency_while_its_assignment_is_open() {
    let day = today();
    for t in backends().await {
        let k = set_up(&t.db, day).await;
        let label = t.label;
        // Bộ Tài chính committed to finish task 2 yesterday and has not reported it done.
        let a2 = assignment(&t.db, k.due_soon, "BTC").await;
        t.db.add_commitment(a2, day - Duration::days(1), "Trình Chính phủ", "btc")
            .await
            .expect("commitment");
        // Task 1: an earlier date, then a newer commitment for later: the newest one counts.
        let a1 = assignment(&t.db, k.overdue, "BTC").await;
        t.db.add_commitment(a1, day - Duration::days(5), "Lần đầu", "btc")
            .await
            .expect("commitment");
        t.db.add_commitment(a1, day + Duration::days(10), "Lùi lại", "btc")
            .await
            .expect("commitment");
        // Task 4: Bộ Tư pháp reported it done; its commitment no longer waits.
        let a4 = assignment(&t.db, k.btp, "BTP").await;
        t.db.add_commitment(a4, day - Duration::days(2), "Đã xong", "btp")
            .await
            .expect("commitment");

        let v = digests_on(&t.db, day).await;
        let tt = of(&v, "tt").expect("standing agency's digest");
        let due: Vec<(ItemKind, Option<i64>)> = kinds(tt)
            .into_iter()
            .filter(|(kind, _)| *kind == ItemKind::CommitmentDue)
            .collect();
        assert_eq!(
            due,
            vec![(ItemKind::CommitmentDue, Some(k.due_soon))],
            "{label}"
        );
        let item = tt
            .items
            .iter()
            .find(|i| i.kind == ItemKind::CommitmentDue)
            .expect("the commitment's item");
        assert_eq!(item.due, Some(day - Duration::days(1)), "{label}");
        assert_eq!(item.agency.as_deref(), Some("Bộ Tài chính"), "{label}");
        // Three days ago no commitment's date had come. (Two days ago, Bộ Tư pháp's had, and
        // its done report was still to come.)
        let before = digests_on(&t.db, day - Duration::days(3)).await;
        assert!(
            of(&before, "tt").is_none_or(|d| !kinds(d)
                .iter()
                .any(|(kind, _)| *kind == ItemKind::CommitmentDue)),
            "{label}"
        );

        // Each one's inbox is the digest's items, and the dashboard's counts are theirs.
        let snap = tiendo_service::load_snapshot(&t.db)
            .await
            .expect("snapshot");
        for user in ["tt", "btc", "btp", "ld"] {
            let u = t.db.user_by_username(user).await.expect("q").expect("user");
            let rules = ReminderRules::default();
            let inbox = tiendo_service::reminders::inbox(&t.db, &snap, &u, day, &rules)
                .await
                .expect("inbox");
            if let Some(d) = of(&v, user) {
                assert_eq!(inbox, d.items, "{label}: {user}'s inbox");
            }
            let counts = tiendo_service::reminders::inbox_counts(&t.db, &snap, &u, day, &rules)
                .await
                .expect("counts");
            assert_eq!(counts, counted(&inbox), "{label}: {user}'s counts");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn secret_tasks_are_not_told_to_leaders_nor_named_in_e_mail() {
    let day = today();
    for t in backends().await {
        let k = set_up(&t.db, day).await;
        tiendo_store::sqlx::query("UPDATE tasks SET secret = 1 WHERE id = $1")
            .bind(k.overdue)
            .execute(t.db.pool())
            .await
            .expect("secret");
        t.db.set_reminder_preferences("ld", None, Some(Frequency::Daily), "test")
            .await
            .expect("prefs");
        let v = digests_on(&t.db, day).await;
        assert!(
            of(&v, "ld").is_none(),
            "{}: the only escalation is secret",
            t.label
        );
        let btc = of(&v, "btc").expect("btc");
        let secret = btc
            .items
            .iter()
            .find(|i| i.task_id == Some(k.overdue))
            .expect("own secret task in the application");
        assert!(secret.secret);
        let sink = SmtpSink::start();
        run_remind(&t.url, day, &sink.url());
        let to_btc: Vec<Value> = sink
            .messages()
            .into_iter()
            .filter(|m| m["to"][0] == "btc@mof.gov.vn")
            .collect();
        assert_eq!(to_btc.len(), 1);
        let text = to_btc[0]["text"].as_str().expect("text");
        assert!(!text.contains("Ban hành quy chế chia sẻ dữ liệu"), "{text}");
        assert!(text.contains("Nhiệm vụ mật"), "{text}");
        t.cleanup().await;
    }
}

fn tiendo(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiendo"));
    c.arg("--database-url").arg(url);
    c.env_remove("TIENDO_SMTP_URL");
    c
}

fn run_remind(url: &str, day: Date, smtp: &str) -> Value {
    let out = tiendo(url)
        .args([
            "remind",
            "--as-of",
            &iso(day),
            "--format",
            "json",
            "--smtp-url",
            smtp,
        ])
        .args(["--base-url", "https://tiendo.example.gov.vn"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "remind failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[tokio::test]
async fn two_concurrent_runs_send_each_digest_once() {
    let day = today();
    for t in backends().await {
        set_up(&t.db, day).await;
        let sink = SmtpSink::start();
        let spawn = || {
            tiendo(&t.url)
                .args(["remind", "--as-of", &iso(day), "--format", "json"])
                .args([
                    "--smtp-url",
                    &sink.url(),
                    "--base-url",
                    "https://tiendo.example.gov.vn",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let mut new = 0;
        for c in [a, b] {
            let out = c.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: Value = serde_json::from_slice(&out.stdout).expect("json");
            new += v["queued"]["new"].as_u64().expect("new");
        }
        // btc and tt by e-mail; btp in the application (no address); ld not on a weekday
        // unless today is Monday.
        let monday = day.weekday() == Weekday::Monday;
        assert_eq!(
            new,
            3 + u64::from(monday),
            "{}: each digest queued once",
            t.label
        );
        let got = sink.messages();
        let mut to: Vec<String> = got
            .iter()
            .map(|m| m["to"][0].as_str().unwrap_or("").to_string())
            .collect();
        to.sort();
        let mut expected = vec!["btc@mof.gov.vn".to_string(), "tt@mic.gov.vn".to_string()];
        if monday {
            expected.push("ld@chinhphu.vn".to_string());
            expected.sort();
        }
        assert_eq!(to, expected, "{}: each e-mail once", t.label);
        let btc = got
            .iter()
            .find(|m| m["to"][0] == "btc@mof.gov.vn")
            .expect("btc");
        let subject = btc["subject"].as_str().expect("subject");
        assert!(
            subject.contains("1 quá hạn") && subject.contains("1 sắp đến hạn"),
            "{subject}"
        );
        let text = btc["text"].as_str().expect("plain text");
        assert!(text.contains("Ban hành quy chế chia sẻ dữ liệu"), "{text}");
        assert!(text.contains("Quá hạn 40 ngày"), "{text}");
        assert!(
            text.contains("https://tiendo.example.gov.vn/nhiem-vu/"),
            "{text}"
        );
        assert!(text.contains("Thiếu văn bản ban hành"), "{text}");
        let html = btc["html"].as_str().expect("html");
        assert!(
            html.contains("<a href=\"https://tiendo.example.gov.vn/nhiem-vu/"),
            "{html}"
        );
        // The standing agency's e-mail shows the difficulty's markup as text.
        let tt = got
            .iter()
            .find(|m| m["to"][0] == "tt@mic.gov.vn")
            .expect("tt");
        assert!(
            tt["text"]
                .as_str()
                .unwrap_or("")
                .contains("Chưa có hướng dẫn kỹ thuật")
        );
        // Running again the same day sends nothing new.
        let again = run_remind(&t.url, day, &sink.url());
        assert_eq!(again["queued"]["new"], 0, "{}", t.label);
        assert_eq!(again["delivery"]["sent"], 0);
        assert_eq!(sink.messages().len(), expected.len());
        // The application shows each digest once, unread until read.
        let btp = t.db.account_id("btp").await.expect("btp");
        assert_eq!(
            t.db.unread_count(btp).await.expect("count"),
            1,
            "{}",
            t.label
        );
        let n = t.db.notifications(btp, 10).await.expect("list");
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].mail_state, "none");
        t.db.mark_read(btp, n[0].id, true).await.expect("read");
        assert_eq!(t.db.unread_count(btp).await.expect("count"), 0);
        let btc_id = t.db.account_id("btc").await.expect("btc");
        assert!(
            t.db.mark_read(btc_id, n[0].id, true).await.is_err(),
            "another user's notification is not found"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_refused_or_unreachable_server_leaves_the_e_mail_queued_and_it_is_retried() {
    let day = today();
    for t in backends().await {
        set_up(&t.db, day).await;
        let sink = SmtpSink::start();
        sink.refuse(true);
        let first = run_remind(&t.url, day, &sink.url());
        assert_eq!(first["delivery"]["sent"], 0, "{}", t.label);
        let waiting = first["delivery"]["waiting"].as_array().expect("waiting");
        assert!(!waiting.is_empty());
        let err = waiting[0]["last_error"].as_str().expect("error kept");
        assert!(err.contains("451"), "{err}");
        assert!(sink.messages().is_empty());
        // Nothing is due yet: the next attempt is a minute later.
        sink.refuse(false);
        let early = run_remind(&t.url, day, &sink.url());
        assert_eq!(early["delivery"]["sent"], 0, "{}: backoff", t.label);
        // A minute passes.
        tiendo_store::sqlx::query(
            "UPDATE reminders SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE mail_state = 'queued'",
        )
        .execute(t.db.pool())
        .await
        .expect("time passes");
        let later = run_remind(&t.url, day, &sink.url());
        let sent = later["delivery"]["sent"].as_u64().expect("sent");
        assert!(sent >= 2, "{}: {later}", t.label);
        assert_eq!(
            later["delivery"]["waiting"].as_array().map(Vec::len),
            Some(0)
        );
        assert_eq!(sink.messages().len() as u64, sent);
        // A server that does not answer at all: queued, with the reason.
        let tomorrow = day + Duration::days(1);
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        let down = run_remind(&t.url, tomorrow, &format!("smtp://127.0.0.1:{closed}"));
        assert!(
            down["delivery"]["failed"].as_u64().unwrap_or(0) >= 1,
            "{down}"
        );
        assert!(
            down["delivery"]["waiting"][0]["last_error"]
                .as_str()
                .is_some_and(|e| !e.is_empty())
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_addresses_and_servers_are_refused_and_store_nothing() {
    for t in backends().await {
        let out = tiendo(&t.url)
            .args(["users", "add", "a", "--role", "viewer", "--email", "a b@x"])
            .output()
            .expect("runs");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("không hợp lệ") && err.lines().count() == 1,
            "{err}"
        );
        assert!(
            t.db.account_id("a").await.is_err(),
            "{}: no account",
            t.label
        );
        create_account(&t.db, "b", "B", UserRole::Viewer, None, None, "test")
            .await
            .expect("account");
        assert!(
            t.db.set_user_email("b", Some("b@@x.vn"), "test")
                .await
                .is_err()
        );
        let out = tiendo(&t.url)
            .args(["remind", "--as-of", "2026-05-20", "--smtp-url", "ftp://x"])
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{}", t.label);
        assert!(String::from_utf8_lossy(&out.stderr).contains("máy chủ thư"));
        let out = tiendo(&t.url)
            .args(["remind", "--as-of", "2026-02-30", "--dry-run"])
            .output()
            .expect("runs");
        assert!(!out.status.success());
        let n: i64 = tiendo_store::sqlx::query_scalar("SELECT COUNT(*) FROM reminders")
            .fetch_one(t.db.pool())
            .await
            .expect("count");
        assert_eq!(n, 0, "{}", t.label);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_stop_link_of_an_e_mail_stops_the_e_mails_not_the_reminders() {
    let day = today();
    for t in backends().await {
        set_up(&t.db, day).await;
        let sink = SmtpSink::start();
        run_remind(&t.url, day, &sink.url());
        let got = sink.messages();
        let btc = got
            .iter()
            .find(|m| m["to"][0] == "btc@mof.gov.vn")
            .expect("btc");
        let header = btc["list_unsubscribe"].as_str().expect("List-Unsubscribe");
        let link = header.trim_start_matches('<').trim_end_matches('>');
        assert!(
            btc["text"].as_str().unwrap_or("").contains(link),
            "the same link in the text"
        );
        let path = link
            .strip_prefix("https://tiendo.example.gov.vn")
            .expect("the base URL");
        let state = tiendo_web::AppState::new(t.db.clone(), false)
            .await
            .expect("state");
        let mut b = Browser::new(state);
        let page = b.get(path).await;
        assert_eq!(page.status.as_u16(), 200, "{}", t.label);
        assert!(page.body.contains("Ngừng nhận thư"), "a page asks first");
        let id = t.db.account_id("btc").await.expect("btc");
        assert_eq!(
            t.db.reminder_settings(id)
                .await
                .expect("settings")
                .remind_channel,
            None,
            "opening the link changes nothing"
        );
        let k = path.split("k=").nth(1).expect("k");
        // Another user's id with this signature, or a changed signature: refused.
        let other = t.db.account_id("tt").await.expect("tt").to_string();
        for (u, k) in [
            (other.as_str(), k.to_string()),
            (&id.to_string(), format!("{k}0")),
        ] {
            let r = b.post("/huy-nhan-thu", &[("u", u), ("k", &k)]).await;
            assert_eq!(r.status.as_u16(), 400, "{}: forged", t.label);
        }
        let r = b
            .post("/huy-nhan-thu", &[("u", &id.to_string()), ("k", k)])
            .await;
        assert_eq!(r.status.as_u16(), 200, "{}", t.label);
        assert!(r.body.contains("Đã ngừng gửi thư nhắc việc"));
        let v = digests_on(&t.db, day + Duration::days(1)).await;
        let btc = of(&v, "btc").expect("still reminded");
        assert_eq!(
            btc.channel,
            Channel::App,
            "{}: in the application only",
            t.label
        );
        assert_eq!(
            of(&v, "tt").map(|d| d.channel),
            Some(Channel::Email),
            "another user is not touched"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn escalations_go_to_the_leader_who_oversees_the_task() {
    let day = today();
    for t in backends().await {
        let k = set_up(&t.db, day).await;
        let other = format!(
            "STT;Tên nhiệm vụ;Chủ trì;Thời hạn\n1;Hoàn thiện cơ sở dữ liệu công chứng;Bộ Tư pháp;{}\n",
            dmy(day - Duration::days(50))
        );
        import_text(
            &t.db,
            "plan2.csv",
            &other,
            "plan2",
            day - Duration::days(60),
        )
        .await;
        let second =
            t.db.task_by_number("plan2", "1")
                .await
                .expect("q")
                .expect("task");
        for (task, overseer) in [
            (k.overdue, "Phó Thủ tướng Nguyễn Chí Dũng"),
            (second, "Phó Thủ tướng Hồ Đức Phớc"),
        ] {
            tiendo_store::sqlx::query("UPDATE tasks SET overseer = $1 WHERE id = $2")
                .bind(overseer)
                .bind(task)
                .execute(t.db.pool())
                .await
                .expect("overseer");
        }
        for (user, name) in [
            ("pttg-dung", "Nguyễn Chí Dũng"),
            ("truong-ban", "Trần Văn Sơn"),
        ] {
            create_account(&t.db, user, name, UserRole::Leader, None, None, "test")
                .await
                .expect("leader");
            t.db.set_reminder_preferences(user, None, Some(Frequency::Daily), "test")
                .await
                .expect("daily");
        }
        let v = digests_on(&t.db, day).await;
        assert_eq!(
            kinds(of(&v, "pttg-dung").expect("his digest")),
            vec![(ItemKind::Escalation, Some(k.overdue))],
            "{}: only the task he oversees",
            t.label
        );
        let head = of(&v, "truong-ban").expect("the head's digest");
        assert_eq!(
            kinds(head),
            vec![
                (ItemKind::Escalation, Some(second)),
                (ItemKind::Escalation, Some(k.overdue))
            ],
            "{}: a leader who oversees none hears of all, the longest overdue first",
            t.label
        );
        assert_eq!(
            head.items[1].overseer.as_deref(),
            Some("Phó Thủ tướng Nguyễn Chí Dũng")
        );

        // The heads of the agencies hear of their own agency's escalations, in accounts of
        // their own (a viewer here), and a focal point who also heads its agency of both.
        create_account(
            &t.db,
            "bt-btp",
            "Bộ trưởng Bộ Tư pháp",
            UserRole::Viewer,
            None,
            None,
            "test",
        )
        .await
        .expect("head");
        t.db.set_user_email("bt-btp", Some("botruong@moj.gov.vn"), "test")
            .await
            .expect("email");
        let name =
            t.db.set_agency_head_account("bt-btp", Some("BTP"), "test")
                .await
                .expect("head of BTP");
        assert_eq!(name.as_deref(), Some("Bộ Tư pháp"));
        t.db.set_agency_head_account("btc", Some("BTC"), "test")
            .await
            .expect("head of BTC");
        let v = digests_on(&t.db, day).await;
        let bt = of(&v, "bt-btp").expect("the minister's digest");
        assert_eq!(bt.channel, Channel::Email, "{}", t.label);
        assert_eq!(
            kinds(bt),
            vec![(ItemKind::Escalation, Some(second))],
            "{}",
            t.label
        );
        let btc = of(&v, "btc").expect("btc");
        assert_eq!(
            kinds(btc).last(),
            Some(&(ItemKind::Escalation, Some(k.overdue))),
            "{}",
            t.label
        );
        assert_eq!(kinds(btc)[0], (ItemKind::Overdue, Some(k.overdue)));
        // An unknown agency is refused and changes nothing; the mark can be removed.
        assert!(
            t.db.set_agency_head_account("bt-btp", Some("KHONG-CO"), "test")
                .await
                .is_err()
        );
        assert!(of(&digests_on(&t.db, day).await, "bt-btp").is_some());
        t.db.set_agency_head_account("bt-btp", None, "test")
            .await
            .expect("unmark");
        assert!(
            of(&digests_on(&t.db, day).await, "bt-btp").is_none(),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A letter's rule "Quá thời hạn trên, nếu không có văn bản trả lời thì được hiểu là … cam kết
/// hoàn thành 100%" is stored with the document; the day's run after the answer date records a
/// commitment, with the rule as its source, for each lead still late on the letter's tasks that
/// did not commit — not for one that did, not for one on time — once, on both backends.
#[tokio::test]
async fn no_answer_by_the_letters_date_is_recorded_as_a_commitment_once() {
    let today = time::OffsetDateTime::now_utc().date();
    let answer_by = today;
    let letter = format!(
        "BỘ CÔNG AN\nSố: 77/BCA-VPB\nHà Nội, ngày {} tháng {} năm {}\n\
Đề nghị các bộ gửi văn bản cam kết tiến độ đối với các nhiệm vụ chậm tiến độ tại Phụ lục về Bộ Công an trước ngày {}/{}/{}. \
Quá thời hạn trên, nếu không có văn bản trả lời thì được hiểu là các cơ quan cam kết hoàn thành 100% nhiệm vụ.\n\n\
PHỤ LỤC\nSTT\tTên nhiệm vụ\tChủ trì\tThời hạn\n\
1\tXây dựng cơ sở dữ liệu hộ tịch điện tử\tBộ Y tế\t{}\n\
2\tXây dựng cơ sở dữ liệu công chứng\tBộ Tư pháp\t{}\n\
3\tXây dựng cơ sở dữ liệu cán bộ\tBộ Nội vụ\t{}\n",
        (today - Duration::days(10)).day(),
        u8::from((today - Duration::days(10)).month()),
        (today - Duration::days(10)).year(),
        answer_by.day(),
        u8::from(answer_by.month()),
        answer_by.year(),
        tiendo_domain::deadline::vn(today - Duration::days(60)),
        tiendo_domain::deadline::vn(today - Duration::days(30)),
        tiendo_domain::deadline::vn(today + Duration::days(300)),
    );
    for t in backends().await {
        import_text(
            &t.db,
            "cam-ket.txt",
            &letter,
            "cam-ket",
            today - Duration::days(10),
        )
        .await;
        let tasks =
            t.db.tasks_of_document("cam-ket")
                .await
                .expect("query")
                .expect("document");
        let names = t.db.task_infos_of(&tasks).await.expect("infos");
        let task = |start: &str| {
            *names
                .iter()
                .find(|(_, i)| i.name.starts_with(start))
                .map(|(id, _)| id)
                .unwrap_or_else(|| panic!("{start}"))
        };
        let health = assignment(&t.db, task("Xây dựng cơ sở dữ liệu hộ tịch"), "BYT").await;
        let justice = assignment(&t.db, task("Xây dựng cơ sở dữ liệu công chứng"), "BTP").await;
        let home = assignment(&t.db, task("Xây dựng cơ sở dữ liệu cán bộ"), "BNV").await;
        // The Ministry of Justice answers by the day; the Ministry of Health does not.
        t.db.add_commitment(
            justice,
            today + Duration::days(20),
            "Hoàn thành kiểm thử, đưa vào vận hành",
            "dm.btp",
        )
        .await
        .expect("commits");
        let rules = ReminderRules::default();
        let run = |day: Date| {
            let db = t.db.clone();
            async move {
                let snap = tiendo_service::load_snapshot(&db).await.expect("snapshot");
                tiendo_service::reminders::remind(&db, &snap, day, false, &rules, None)
                    .await
                    .expect("runs")
            }
        };
        // On the answer date itself nothing is deemed yet.
        assert_eq!(run(answer_by).await.deemed_commitments, 0, "{}", t.label);
        let out = run(answer_by + Duration::days(1)).await;
        assert_eq!(out.deemed_commitments, 1, "{}", t.label);
        let made = t.db.latest_commitments().await.expect("commitments");
        let deemed = made.get(&health).expect("the silent ministry");
        assert!(
            deemed.roadmap.contains("77/BCA-VPB") && deemed.roadmap.contains("được hiểu là"),
            "{}",
            deemed.roadmap
        );
        assert_eq!(
            deemed.committed_on.month(),
            answer_by.month(),
            "{}: to finish within the answer date's month",
            t.label
        );
        assert_eq!(
            made.get(&justice).map(|c| c.roadmap.as_str()),
            Some("Hoàn thành kiểm thử, đưa vào vận hành")
        );
        assert!(
            !made.contains_key(&home),
            "{}: not late, nothing to commit",
            t.label
        );
        // Once.
        assert_eq!(
            run(answer_by + Duration::days(2)).await.deemed_commitments,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            t.db.latest_commitments().await.expect("commitments").len(),
            2
        );
        t.cleanup().await;
    }
}
