//! `cargo run --release -p tiendo-bench -- [--tasks 50000] [--database-url URL]`
//!
//! Generates a national-scale data set, then measures (medians over repeated runs, several dates):
//! - the overdue list and the per-agency four-way counts on the in-memory status book, against the
//!   same questions in plain SQL (the baseline);
//! - loading the book from the database;
//! - the import preview of the 98-task Word sample and of a generated 5,000-task Word file, as
//!   whole `tiendo import --dry-run` processes;
//! - every official report at that scale: built from the book in memory (as the web
//!   application's download buttons do) and as whole `tiendo report …` processes;
//! - with `--reminders-only`, the day's digests for 3,448 agencies; with `--indicators-only`,
//!   100 indicators × 3,448 agencies × 12 months: the scorecard of each kind of agency and one
//!   indicator's page through the web application in process.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use tiendo_store::Db;
use time::macros::date;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 50_000)]
    tasks: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 4.0)]
    reports_per_assignment: f64,
    /// Default: a fresh SQLite file in a temporary directory. For PostgreSQL, an empty database.
    #[arg(long)]
    database_url: Option<String>,
    /// Runs of each in-memory query per date.
    #[arg(long, default_value_t = 15)]
    runs: usize,
    /// Runs of each plain-SQL query per date.
    #[arg(long, default_value_t = 3)]
    sql_runs: usize,
    /// Skip the import-preview timings.
    #[arg(long)]
    no_import: bool,
    /// Skip the report timings.
    #[arg(long)]
    no_reports: bool,
    /// Runs of each report.
    #[arg(long, default_value_t = 5)]
    report_runs: usize,
    /// Only the import-preview timings (no national data set is built).
    #[arg(long)]
    imports_only: bool,
    /// Only the reminders: the national registry plus 3,321 communes (3,355 local and central
    /// agencies with the rest), one focal point per agency, the day's digests and inboxes.
    #[arg(long)]
    reminders_only: bool,
    /// Only the indicators: the national registry plus 3,321 communes, `--indicators`
    /// indicators reported by every agency every month of 2026; the scorecard of each kind of
    /// agency and one indicator's page through the web application (in process, no network).
    #[arg(long)]
    indicators_only: bool,
    #[arg(long, default_value_t = 100)]
    indicators: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<u64>().ok())
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {} GiB", mem / 1024 / 1024)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("machine: {}", machine());
    let tmp = std::env::temp_dir().join(format!("tiendo-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", tmp.join("bench.db").display()));
    println!("database: {}", tiendo_store::redact_url(&url));
    let db = Db::connect(&url).await?;
    let reg = db.load_registry().await?.registry;
    if args.imports_only {
        import_timings(&reg, &tmp)?;
        db.pool().close().await;
        std::fs::remove_dir_all(&tmp).ok();
        return Ok(());
    }

    if args.indicators_only {
        indicator_timings(&db, &args).await?;
        db.pool().close().await;
        std::fs::remove_dir_all(&tmp).ok();
        return Ok(());
    }

    if args.reminders_only {
        reminder_timings(&db, &reg, &args).await?;
        db.pool().close().await;
        std::fs::remove_dir_all(&tmp).ok();
        return Ok(());
    }

    let t = Instant::now();
    let g = tiendo_generate::generate(&reg, args.tasks, args.seed, args.reports_per_assignment);
    let gen_time = t.elapsed();
    let t = Instant::now();
    let s = db.bulk_insert(&g, &mut |_, _, _| {}).await?;
    println!(
        "data: {} tasks, {} assignments, {} reports, {} deadline changes, {} difficulties, {} commitments (generated in {}, stored in {:.1} s)",
        s.tasks,
        s.assignments,
        s.reports,
        s.deadline_changes,
        s.difficulties,
        s.commitments,
        ms(gen_time),
        t.elapsed().as_secs_f64()
    );
    let doc_key = g.doc_key.clone();
    drop(g);

    let book = status_book_timings(&db).await?;
    query_timings(&db, &book, args.runs, args.sql_runs).await?;

    if !args.no_import {
        import_timings(&reg, &tmp)?;
    }
    if !args.no_reports {
        reports(&db, &book, &doc_key, &url, &tmp, args.report_runs).await?;
    }
    db.pool().close().await;
    std::fs::remove_dir_all(&tmp).ok();
    Ok(())
}

/// Communes after the 2025 reorganisation.
const COMMUNES: usize = 3321;

/// Adds the communes after the 2025 reorganisation ("XA0001" …) to the registry.
async fn add_communes(db: &Db) -> anyhow::Result<Vec<String>> {
    use tiendo_domain::agency::{AgencyKind, AgencyRecord};
    let mut communes = Vec::with_capacity(COMMUNES);
    for i in 0..COMMUNES {
        let code = format!("XA{:04}", i + 1);
        db.add_agency(
            &AgencyRecord {
                code: code.clone(),
                name: format!("Ủy ban nhân dân xã số {}", i + 1),
                kind: AgencyKind::Commune,
                short: None,
                aliases: Vec::new(),
                parent: None,
                valid_from: None,
                valid_to: None,
                successor: None,
                committee: None,
            },
            "bench",
        )
        .await?;
        communes.push(code);
    }
    Ok(communes)
}

/// The indicators at national scale: every agency reports every indicator at the end of every
/// month of 2026 (a percentage against a yearly target of 80 %); then the scorecard of each kind
/// of agency and one indicator's page, as the web application answers them.
async fn indicator_timings(db: &Db, args: &Args) -> anyhow::Result<()> {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let t = Instant::now();
    add_communes(db).await?;
    let committee: i64 = sqlx::query_scalar("SELECT MIN(id) FROM committees")
        .fetch_one(db.pool())
        .await?;
    let ts = "2026-01-01T00:00:00Z";
    for i in 1..=args.indicators {
        sqlx::query(
            "INSERT INTO indicators (committee_id, code, name, name_key, unit, kind, direction, by_agency, headings, created_at, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, '%', 'percent', 'higher', 1, '[]', $5, $5, 'bench')",
        )
        .bind(committee)
        .bind(format!("CT{i:03}"))
        .bind(format!("Tỷ lệ thủ tục hành chính số {i} được giải quyết trực tuyến toàn trình"))
        .bind(format!("ty le thu tuc hanh chinh so {i}"))
        .bind(ts)
        .execute(db.pool())
        .await?;
    }
    sqlx::query(
        "INSERT INTO indicator_agencies (indicator_id, agency_id) SELECT i.id, a.id FROM indicators i CROSS JOIN agencies a",
    )
    .execute(db.pool())
    .await?;
    sqlx::query(
        "INSERT INTO indicator_targets (indicator_id, agency_id, scope, period, raw, form, value, created_at, created_by)
         SELECT id, NULL, '', '2026', '80%', 'percent', CAST(80 AS DOUBLE PRECISION), $1, 'bench' FROM indicators",
    )
    .bind(ts)
    .execute(db.pool())
    .await?;
    let months = (1..=12)
        .map(|m| {
            let last = time::Date::from_calendar_date(2026, time::Month::try_from(m as u8)?, 1)?
                .replace_day(time::util::days_in_month(
                    time::Month::try_from(m as u8)?,
                    2026,
                ))?;
            Ok(format!("({m}, '{last}')"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    // 40 … 99 %, rising by month, different for each indicator and agency.
    let figure = "((i.id * 37 + a.id * 11) % 48 + 40 + m.k * 1)";
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO indicator_values (indicator_id, agency_id, as_of, raw, form, value, source, state, created_at, created_by)
         WITH m(k, as_of) AS (VALUES {months})
         SELECT i.id, a.id, m.as_of, CAST({figure} AS TEXT) || '%', 'percent', CAST({figure} AS DOUBLE PRECISION), 'import', 'confirmed', '{ts}', 'bench'
         FROM indicators i CROSS JOIN agencies a CROSS JOIN m"
    )))
    .execute(db.pool())
    .await?;
    let values: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM indicator_values")
        .fetch_one(db.pool())
        .await?;
    let agencies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
        .fetch_one(db.pool())
        .await?;
    db.analyze().await.ok();
    println!(
        "data: {} indicators × {agencies} agencies × 12 months = {values} values (set up in {:.1} s)",
        args.indicators,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let book = db.load_indicator_book().await?;
    println!(
        "indicators' book loaded from the database (once per server): {} values in {}",
        book.value_count(),
        ms(t.elapsed())
    );
    drop(book);

    // A standing-agency officer with a session, and the application in process.
    let uid = db
        .create_user(
            "bench-tt",
            "bench-tt",
            "-",
            tiendo_domain::access::UserRole::Standing,
            None,
            None,
            false,
            "bench",
        )
        .await?;
    let token = tiendo_service::accounts::new_token()?;
    db.create_session(
        &tiendo_service::accounts::sha256_hex(&token),
        uid,
        "csrf-bench",
        "2099-01-01T00:00:00Z",
    )
    .await?;
    let state = tiendo_web::AppState::new(db.clone(), false).await?;
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM indicators")
        .fetch_one(db.pool())
        .await?;
    let get = |uri: String| {
        let state = state.clone();
        let cookie = format!("tiendo_session={token}");
        async move {
            let req = Request::builder()
                .uri(&uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())?;
            let resp = tiendo_web::router(state).oneshot(req).await?;
            let status = resp.status();
            let body = resp.into_body().collect().await?.to_bytes();
            anyhow::ensure!(status.is_success(), "{uri}: {status}");
            anyhow::Ok(body.len())
        }
    };
    // The first request reads the book into the server's memory.
    let t = Instant::now();
    get(format!("/chi-tieu/{first}?ngay=2026-06-30")).await?;
    println!(
        "first page (reads the book into memory): {}",
        ms(t.elapsed())
    );
    let runs = args.report_runs.max(5);
    println!("pages, median of {runs} (server time, the whole HTML built and sent):");
    println!("| page | size | time |");
    println!("|---|---|---|");
    let cases = [
        (
            format!("/chi-tieu/{first}?ngay=2026-06-30"),
            "one indicator: 12-month trend, every agency's bar, latest 200 figures".to_string(),
        ),
        (
            "/chi-tieu/bang-diem?loai=tinh&ngay=2026-06-30".into(),
            "scorecard, provinces".into(),
        ),
        (
            "/chi-tieu/bang-diem?loai=bo-nganh&ngay=2026-06-30".into(),
            "scorecard, ministries".into(),
        ),
        (
            "/chi-tieu/bang-diem?loai=xa&ngay=2026-06-30".into(),
            "scorecard, communes (first page)".into(),
        ),
        (
            "/api/scorecard?kind=tinh&as_of=2026-06-30".into(),
            "API scorecard, provinces".into(),
        ),
        ("/chi-tieu?ngay=2026-06-30".into(), "indicator list".into()),
    ];
    for (uri, label) in cases {
        let (d, size) = timed(runs, || get(uri.clone())).await?;
        println!("| {label} (`{uri}`) | {} kB | {} |", size / 1024, ms(d));
    }
    // After a change (a new figure), the views are computed again on the next request.
    println!(
        "the same pages right after a new figure (the book and its views brought up to date), median of {runs}:"
    );
    println!("| page | time |");
    println!("|---|---|");
    for uri in [
        "/chi-tieu/bang-diem?loai=xa&ngay=2026-06-30",
        "/chi-tieu/bang-diem?loai=tinh&ngay=2026-06-30",
        "/chi-tieu?ngay=2026-06-30",
    ] {
        let mut times = Vec::new();
        for k in 0..runs {
            sqlx::query(
                "INSERT INTO indicator_values (indicator_id, agency_id, as_of, raw, form, value, source, state, created_at, created_by)
                 VALUES ($1, NULL, '2026-06-30', $2, 'percent', $3, 'web', 'confirmed', $4, 'bench')",
            )
            .bind(first)
            .bind(format!("{}%", 50 + k))
            .bind((50 + k) as f64)
            .bind(ts)
            .execute(db.pool())
            .await?;
            let t = Instant::now();
            get(uri.to_string()).await?;
            times.push(t.elapsed());
        }
        println!("| `{uri}` | {} |", ms(median(times)));
    }
    // The figures owed, as the reminders read them (on 10/07/2026: June's figure).
    let one: i64 = sqlx::query_scalar("SELECT MAX(agency_id) FROM indicator_agencies")
        .fetch_one(db.pool())
        .await?;
    let (every, duties) = timed(runs, || async { Ok(db.figure_duties(None).await?) }).await?;
    let (own, _) = timed(runs, || async { Ok(db.figure_duties(Some(one)).await?) }).await?;
    println!(
        "figures owed, median of {runs}: every agency's ({} duties, the daily reminders) {}; one agency's (its inbox) {}",
        duties.len(),
        ms(every),
        ms(own)
    );
    Ok(())
}

/// The day's digests for every user, and one inbox, at national scale with the communes: the
/// generated plan's local lead assignments are shared among the provinces and the communes.
async fn reminder_timings(
    db: &Db,
    reg: &tiendo_domain::agency::Registry,
    args: &Args,
) -> anyhow::Result<()> {
    use tiendo_domain::access::UserRole;

    use tiendo_domain::reminders::ReminderRules;
    let t = Instant::now();
    let communes = add_communes(db).await?;
    let mut g = tiendo_generate::generate(reg, args.tasks, args.seed, args.reports_per_assignment);
    let local: std::collections::HashSet<String> = reg
        .agencies()
        .iter()
        .filter(|a| a.kind.is_local())
        .map(|a| a.code.clone())
        .collect();
    let mut n = 0usize;
    for a in g.assignments.iter_mut() {
        if local.contains(&a.agency_code) {
            if !n.is_multiple_of(3) {
                a.agency_code = communes[n % COMMUNES].clone();
            }
            n += 1;
        }
    }
    // A commune may now hold the same task twice through two provinces: keep the first.
    let mut seen = std::collections::HashSet::new();
    let keep: Vec<bool> = g
        .assignments
        .iter()
        .map(|a| seen.insert((a.task, a.agency_code.clone(), a.role)))
        .collect();
    if keep.iter().any(|k| !k) {
        let mut map = vec![usize::MAX; keep.len()];
        let mut next = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                map[i] = next;
                next += 1;
            }
        }
        let mut i = 0;
        g.assignments.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        g.reports.retain(|r| map[r.assignment] != usize::MAX);
        g.reports
            .iter_mut()
            .for_each(|r| r.assignment = map[r.assignment]);
        g.commitments.retain(|c| map[c.assignment] != usize::MAX);
        g.commitments
            .iter_mut()
            .for_each(|c| c.assignment = map[c.assignment]);
    }
    let s = db.bulk_insert(&g, &mut |_, _, _| {}).await?;
    let agencies: Vec<String> = {
        let stored = db.load_registry().await?.registry;
        stored.agencies().iter().map(|a| a.code.clone()).collect()
    };
    let mut users = 0;
    for (i, code) in agencies.iter().enumerate() {
        let name = format!("dm{i}");
        if db
            .create_user(
                &name,
                &name,
                "-",
                UserRole::Focal,
                Some(code),
                None,
                false,
                "bench",
            )
            .await
            .is_ok()
        {
            db.set_user_email(&name, Some(&format!("{name}@example.gov.vn")), "bench")
                .await?;
            users += 1;
        }
    }
    for (name, role) in [
        ("tt0", UserRole::Standing),
        ("tt1", UserRole::Standing),
        ("ld0", UserRole::Leader),
        ("ld1", UserRole::Leader),
    ] {
        db.create_user(name, name, "-", role, None, None, false, "bench")
            .await?;
        db.set_user_email(name, Some(&format!("{name}@example.gov.vn")), "bench")
            .await?;
        users += 1;
    }
    println!(
        "data: {} agencies ({COMMUNES} communes), {users} accounts, {} tasks, {} assignments, {} reports, {} difficulties, {} commitments (set up in {:.1} s)",
        agencies.len(),
        s.tasks,
        s.assignments,
        s.reports,
        s.difficulties,
        s.commitments,
        t.elapsed().as_secs_f64()
    );
    let snap = tiendo_service::load_snapshot(db).await?;
    let rules = ReminderRules::default();
    let runs = args.report_runs.max(3);
    println!(
        "reminders, median of {runs} (the status book already in memory, as in `tiendo serve`):"
    );
    println!("| what | as of | digests | items | time |");
    println!("|---|---|---|---|---|");
    for day in [date!(2026 - 05 - 18), date!(2026 - 11 - 20)] {
        let (d, digests) = timed(runs, || async {
            tiendo_service::reminders::compute(db, &snap, day, &rules).await
        })
        .await?;
        let items: usize = digests.iter().map(|x| x.items.len()).sum();
        println!(
            "| every user's digest | {day} | {} | {items} | {} |",
            digests.len(),
            ms(d)
        );
    }
    let day = date!(2026 - 11 - 20);
    let (d, digests) = timed(1, || async {
        tiendo_service::reminders::compute(db, &snap, day, &rules).await
    })
    .await?;
    let t = Instant::now();
    let q = db.queue_digests(&digests).await?;
    println!(
        "| storing them (once) | {day} | {} | | {} |",
        q.new,
        ms(t.elapsed() + d)
    );
    for who in ["dm0", "tt0"] {
        let u = db
            .user_by_username(who)
            .await?
            .ok_or_else(|| anyhow::anyhow!("user {who}"))?;
        let (d, items) = timed(runs, || async {
            tiendo_service::reminders::inbox(db, &snap, &u, day, &rules).await
        })
        .await?;
        println!(
            "| inbox of {who} ({}) | {day} | 1 | {} | {} |",
            u.role.name(),
            items.len(),
            ms(d)
        );
    }
    Ok(())
}

/// The status book loaded from the tables (cold) and from its saved snapshot (warm).
async fn status_book_timings(db: &Db) -> anyhow::Result<tiendo_domain::status::StatusBook> {
    let mut cold = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        std::hint::black_box(db.load_status_book_from_tables().await?);
        cold.push(t.elapsed());
    }
    // The first load saves the snapshot; the next ones read it.
    let mut book = db.load_status_book().await?;
    let mut warm = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        book = db.load_status_book().await?;
        warm.push(t.elapsed());
    }
    println!(
        "status book: {} assignments, loaded from the tables in {}, from its saved snapshot in {} (medians of 3)",
        book.len(),
        ms(median(cold)),
        ms(median(warm))
    );

    Ok(book)
}

/// The overdue list and the per-agency counts at four dates: from the book, and by plain SQL.
async fn query_timings(
    db: &Db,
    book: &tiendo_domain::status::StatusBook,
    runs: usize,
    sql_runs: usize,
) -> anyhow::Result<()> {
    let dates = [
        date!(2025 - 06 - 30),
        date!(2026 - 01 - 15),
        date!(2026 - 05 - 20),
        date!(2026 - 11 - 20),
    ];
    let (mut mem_overdue, mut mem_counts, mut sql_overdue, mut sql_counts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in dates {
        let mut n_items = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let o = book.overdue(d);
            mem_overdue.push(t.elapsed());
            n_items = o.len();
            let t = Instant::now();
            let c = book.agency_counts(d);
            mem_counts.push(t.elapsed());
            std::hint::black_box(c);
        }
        for _ in 0..sql_runs {
            let t = Instant::now();
            let o = db.overdue_plain_sql(d).await?;
            sql_overdue.push(t.elapsed());
            std::hint::black_box(o);
            let t = Instant::now();
            let c = db.agency_counts_plain_sql(d).await?;
            sql_counts.push(t.elapsed());
            std::hint::black_box(c);
        }
        println!("  as of {d}: {n_items} overdue tasks");
    }
    let (mo, mc, so, sc) = (
        median(mem_overdue),
        median(mem_counts),
        median(sql_overdue),
        median(sql_counts),
    );
    println!("| question | status book (median) | plain SQL (median) | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| overdue list as of D | {} | {} | {:.0}× |",
        ms(mo),
        ms(so),
        so.as_secs_f64() / mo.as_secs_f64().max(1e-9)
    );
    println!(
        "| per-agency four-way counts | {} | {} | {:.0}× |",
        ms(mc),
        ms(sc),
        sc.as_secs_f64() / mc.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// Times `f` `runs` times: the median and the last result.
async fn timed<T, F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(Duration, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut v = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(f().await?);
        v.push(t.elapsed());
    }
    let last = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
    Ok((median(v), last))
}

/// One line of the in-memory table: the report built in `json` time, then as Word and Excel.
async fn report_line(
    label: &str,
    rows: usize,
    json: Duration,
    doc: &tiendo_office::official::OfficialDoc,
    runs: usize,
) -> anyhow::Result<()> {
    let (d, _) = timed(runs, || async { Ok(doc.to_docx()?) }).await?;
    let (x, _) = timed(runs, || async { Ok(doc.to_xlsx()?) }).await?;
    println!(
        "| {label} | {rows} | {} | {} | {} |",
        ms(json),
        ms(json + d),
        ms(json + x)
    );
    Ok(())
}

/// Every official report at national scale: from the book in memory, then as whole processes.
async fn reports(
    db: &Db,
    book: &tiendo_domain::status::StatusBook,
    doc_key: &str,
    url: &str,
    tmp: &std::path::Path,
    runs: usize,
) -> anyhow::Result<()> {
    // A meeting's conclusion notice of the generated data (about a hundred tasks).
    let notice = "101/TB-VPCP";
    let meeting = db
        .add_meeting(
            None,
            "Phiên họp (dữ liệu sinh)",
            date!(2025 - 12 - 15),
            &[notice.to_string()],
            "bench",
        )
        .await?;
    in_memory_reports(db, book, doc_key, notice, meeting, runs).await?;
    process_reports(doc_key, notice, meeting, url, tmp, runs)
}

/// The reports as the web downloads build them, from the book in memory.
async fn in_memory_reports(
    db: &Db,
    book: &tiendo_domain::status::StatusBook,
    doc_key: &str,
    notice: &str,
    meeting: i64,
    runs: usize,
) -> anyhow::Result<()> {
    use tiendo_reports::{self as r, Presentation, everything};
    let as_of = date!(2026 - 05 - 20);
    let p = Presentation::default();
    let month =
        tiendo_domain::scoring::Month::parse("2026-05").ok_or_else(|| anyhow::anyhow!("month"))?;
    let m = db
        .meetings()
        .await?
        .into_iter()
        .find(|x| x.id == meeting)
        .ok_or_else(|| anyhow::anyhow!("meeting"))?;
    println!(
        "reports at national scale, built from the book in memory (the web downloads), median of {runs}:"
    );
    println!("| report | rows | json | docx | xlsx |");
    println!("|---|---|---|---|---|");
    let names = db.agency_names().await?;
    let (j, report) = timed(runs, || async {
        let report = r::overdue(db, book, &names, as_of, None, &everything).await?;
        std::hint::black_box(serde_json::to_vec(&report)?);
        Ok(report)
    })
    .await?;
    let doc = r::overdue_doc(&report, &p);
    report_line("overdue list", report.items.len(), j, &doc, runs).await?;
    for (label, key) in [
        ("results of a conclusion notice", notice),
        ("results of the whole generated plan (every task)", doc_key),
    ] {
        let (j, res) = timed(runs, || async {
            r::results(db, book, key, as_of, &everything)
                .await?
                .ok_or_else(|| anyhow::anyhow!("results"))
        })
        .await?;
        report_line(label, res.items.len(), j, &r::results_doc(&res, &p), runs).await?;
    }
    let (j, ag) = timed(runs, || async {
        let all = db.difficulties(None).await?;
        Ok(r::agencies(book, &names, &all, as_of))
    })
    .await?;
    let doc = r::agencies_doc(&ag, &p);
    report_line("per-agency summary", ag.agencies.len(), j, &doc, runs).await?;
    let (j, df) = timed(runs, || async {
        Ok(r::DifficultyRegister::of(
            r::difficulties_as_of(db.difficulties(None).await?, as_of),
            as_of,
        ))
    })
    .await?;
    let doc = r::difficulties_doc(&df, &p);
    report_line("difficulties", df.total, j, &doc, runs).await?;
    let (j, ck) = timed(runs, || async {
        r::commitments(db, book, as_of, Some(date!(2026 - 05 - 10)), &everything).await
    })
    .await?;
    let doc = r::commitments_doc(&ck, &p);
    report_line("commitments", ck.items.len(), j, &doc, runs).await?;
    let (j, sc) = timed(runs, || async { r::score(db, book, month, None).await }).await?;
    let doc = r::score_doc(&sc, "Ban Chỉ đạo", as_of, &p);
    let label = "monthly score and ranking (two months scored)";
    report_line(label, sc.rows.len(), j, &doc, runs).await?;
    let (k, pack) = timed(runs, || async {
        let ids = db.tasks_of_meeting(meeting).await?;
        let results = r::results_of(db, book, notice, &ids, as_of, &everything).await?;
        let overdue = r::overdue(db, book, &names, as_of, None, &everything).await?;
        Ok(r::meeting_pack(&m, None, &results, &overdue, "Ban Chỉ đạo", as_of, &p).to_docx()?)
    })
    .await?;
    println!(
        "| pack for the next meeting (results + overdue) | {} KB | | {} | |",
        pack.len() / 1024,
        ms(k)
    );
    Ok(())
}

/// The same reports as whole `tiendo` processes, the status book read from its saved snapshot.
fn process_reports(
    doc_key: &str,
    notice: &str,
    meeting: i64,
    url: &str,
    tmp: &std::path::Path,
    runs: usize,
) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let tiendo = exe.with_file_name("tiendo");
    if !tiendo.exists() {
        println!("(whole-process report timings skipped: build the tiendo binary first)");
        return Ok(());
    }
    println!(
        "the same as whole `tiendo` processes (status book read from its saved snapshot), median of {runs}:"
    );
    println!("| command | median |");
    println!("|---|---|");
    let day = "--as-of 2026-05-20";
    let cases: Vec<(&str, String)> = vec![
        (
            "report overdue --format docx",
            format!("report overdue {day} --format docx --output o.docx"),
        ),
        (
            "report overdue --format xlsx",
            format!("report overdue {day} --format xlsx --output o.xlsx"),
        ),
        (
            "report results --document 101/TB-VPCP --format docx",
            format!("report results --document {notice} {day} --format docx --output r.docx"),
        ),
        (
            "report results --document (the whole 50,000-task plan) --format docx",
            format!("report results --document {doc_key} {day} --format docx --output r.docx"),
        ),
        (
            "report agencies --format xlsx",
            format!("report agencies {day} --format xlsx --output a.xlsx"),
        ),
        (
            "report difficulties --format docx",
            format!("report difficulties {day} --format docx --output d.docx"),
        ),
        (
            "report commitments --format xlsx",
            format!(
                "report commitments {day} --answer-by 2026-05-10 --format xlsx --output c.xlsx"
            ),
        ),
        (
            "score --month 2026-05 --format docx",
            "score --month 2026-05 --format docx --output s.docx".into(),
        ),
        (
            "meetings prepare (pack)",
            format!("meetings prepare --meeting {meeting} {day} --output p.docx"),
        ),
    ];
    // The first run saves the book's snapshot; every timed run reads it.
    Command::new(&tiendo)
        .current_dir(tmp)
        .args([
            "--database-url",
            url,
            "report",
            "summary",
            "--as-of",
            "2026-05-20",
        ])
        .output()?;
    for (label, args) in cases {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(&tiendo)
                .current_dir(tmp)
                .arg("--database-url")
                .arg(url)
                .args(args.split_whitespace())
                .output()?;
            times.push(t.elapsed());
            anyhow::ensure!(
                out.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        println!("| `tiendo {label}` | {} |", ms(median(times)));
    }
    Ok(())
}

/// Import previews as whole `tiendo import --dry-run --format json` processes: the Word sample,
/// a generated 5,000-task Word appendix, the prose notices, and a generated 5,000-task letter.
fn import_timings(
    reg: &tiendo_domain::agency::Registry,
    tmp: &std::path::Path,
) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let tiendo = exe.with_file_name("tiendo");
    if !tiendo.exists() {
        println!("(import timings skipped: build the tiendo binary first: cargo build --release)");
        return Ok(());
    }
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/samples");
    let big = tmp.join("generated-5000.docx");
    std::fs::write(&big, tiendo_generate::appendix_docx(reg, 5000, 99)?)?;
    let letter = tmp.join("generated-letter-5000.txt");
    std::fs::write(&letter, tiendo_generate::notice_text(reg, 5000, 99))?;
    let whole = tmp.join("generated-letter-appendices-5000.txt");
    std::fs::write(
        &whole,
        tiendo_generate::letter_with_appendices(reg, 5000, 99),
    )?;
    for (label, file, runs) in [
        (
            "98-task Word sample",
            samples.join("plan-2026-appendix-2.docx"),
            21,
        ),
        ("5,000-task generated Word file", big, 7),
        (
            "prose notice 624/TB-VPCP (text)",
            samples.join("conclusion-624-TB-VPCP-2025-11.txt"),
            21,
        ),
        (
            "prose notice 292/TB-VPCP (text)",
            samples.join("conclusion-292-TB-VPCP-2025-06.txt"),
            21,
        ),
        ("5,000-task generated prose letter", letter, 7),
        (
            "letter with a difficulty appendix and a 5,000-task overdue appendix (text copy)",
            whole,
            7,
        ),
    ] {
        let mut times = Vec::new();
        let mut tasks = 0;
        let mut difficulties = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(&tiendo)
                .current_dir(tmp)
                .args([
                    "import",
                    "--dry-run",
                    "--format",
                    "json",
                    "--reported-on",
                    "2026-02-15",
                ])
                .arg(&file)
                .output()?;
            times.push(t.elapsed());
            anyhow::ensure!(
                out.status.success(),
                "import failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
            tasks = v["documents"][0]["tasks"]
                .as_array()
                .map(|a| a.len())
                .unwrap_or(0);
            difficulties = v["documents"][0]["difficulties"]
                .as_array()
                .map(|a| a.len())
                .unwrap_or(0);
        }
        println!(
            "import preview, {label} ({tasks} tasks, {difficulties} difficulties, whole process): {} (median of {runs})",
            ms(median(times))
        );
    }
    Ok(())
}
