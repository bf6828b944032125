//! `cargo run --release -p tiendo-bench -- [--tasks 50000] [--database-url URL]`
//!
//! Generates a national-scale data set, then measures (medians over repeated runs, several dates):
//! - the overdue list and the per-agency four-way counts on the in-memory status book, against the
//!   same questions in plain SQL (the baseline);
//! - loading the book from the database;
//! - the import preview of the 98-task Word sample and of a generated 5,000-task Word file, as
//!   whole `tiendo import --dry-run` processes.

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

    let t = Instant::now();
    let g =
        tiendo_app::generate::generate(&reg, args.tasks, args.seed, args.reports_per_assignment);
    let gen_time = t.elapsed();
    let t = Instant::now();
    let s = db.bulk_insert(&g, &mut |_, _, _| {}).await?;
    println!(
        "data: {} tasks, {} assignments, {} reports, {} deadline changes (generated in {}, stored in {:.1} s)",
        s.tasks,
        s.assignments,
        s.reports,
        s.deadline_changes,
        ms(gen_time),
        t.elapsed().as_secs_f64()
    );
    drop(g);

    let mut loads = Vec::new();
    let mut book = None;
    for _ in 0..3 {
        let t = Instant::now();
        book = Some(db.load_status_book().await?);
        loads.push(t.elapsed());
    }
    let book = book.ok_or_else(|| anyhow::anyhow!("no book"))?;
    println!(
        "status book: {} assignments, loaded in {} (median of 3)",
        book.len(),
        ms(median(loads))
    );

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
        for _ in 0..args.runs {
            let t = Instant::now();
            let o = book.overdue(d);
            mem_overdue.push(t.elapsed());
            n_items = o.len();
            let t = Instant::now();
            let c = book.agency_counts(d);
            mem_counts.push(t.elapsed());
            std::hint::black_box(c);
        }
        for _ in 0..args.sql_runs {
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

    if !args.no_import {
        let exe = std::env::current_exe()?;
        let tiendo = exe.with_file_name("tiendo");
        if !tiendo.exists() {
            println!(
                "(import timings skipped: build the tiendo binary first: cargo build --release)"
            );
        } else {
            let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/samples/plan-2026-appendix-2.docx");
            let big = tmp.join("generated-5000.docx");
            std::fs::write(&big, generated_docx(&reg, 5000)?)?;
            for (label, file, runs) in [
                ("98-task Word sample", sample, 21),
                ("5,000-task generated Word file", big, 7),
            ] {
                let mut times = Vec::new();
                for _ in 0..runs {
                    let t = Instant::now();
                    let out = Command::new(&tiendo)
                        .current_dir(&tmp)
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
                }
                println!(
                    "import preview, {label} (whole process): {} (median of {runs})",
                    ms(median(times))
                );
            }
        }
    }
    db.pool().close().await;
    std::fs::remove_dir_all(&tmp).ok();
    Ok(())
}

/// A Word appendix of `n` tasks in the committee's layout, with section rows and page-style header.
fn generated_docx(reg: &tiendo_domain::agency::Registry, n: usize) -> anyhow::Result<Vec<u8>> {
    use tiendo_office::writer::{Row, table_docx};
    let g = tiendo_app::generate::generate(reg, n, 99, 0.0);
    let mut rows = Vec::new();
    let mut last = String::new();
    for t in &g.tasks {
        if t.headings[0] != last {
            last = t.headings[0].clone();
            rows.push(Row::Heading(last.clone()));
        }
        rows.push(Row::Cells(vec![
            format!("{}.", t.number),
            t.name.clone(),
            t.lead_raw.clone(),
            "Cơ quan, đơn vị liên quan".into(),
            "Quyết định của Thủ tướng Chính phủ".into(),
            t.deadline_raw.clone(),
            "Nghị quyết số 71/NQ-CP ngày 01/4/2025".into(),
        ]));
    }
    Ok(table_docx(
        &["Phụ lục".into(), "DANH MỤC NHIỆM VỤ (dữ liệu sinh)".into()],
        &[
            "TT",
            "Tên nhiệm vụ",
            "Chủ trì",
            "Phối hợp",
            "Kết quả",
            "Thời hạn",
            "Căn cứ giao",
        ],
        &rows,
    )?)
}
