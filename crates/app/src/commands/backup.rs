//! `tiendo backup` and `tiendo restore`: a copy of the whole database taken while servers keep
//! writing, and that copy put back in place.
//!
//! - SQLite: `VACUUM INTO` (one read transaction: every change acknowledged before the backup
//!   began is in it). Restoring copies the file beside the database, checks it is Tiến Độ's and
//!   brings it to this version's schema, then renames it over the database.
//! - PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot) and `pg_restore
//!   --single-transaction` (all or nothing), both from the PostgreSQL client tools.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use tiendo_store::{Backend, Db, redact_url};

/// Where the database is: a SQLite file or a PostgreSQL URL.
enum Target {
    Sqlite(PathBuf),
    Postgres,
}

fn target(url: &str) -> anyhow::Result<Target> {
    if Backend::of(url)? == Backend::Postgres {
        return Ok(Target::Postgres);
    }
    let rest = url.trim_start_matches("sqlite:");
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        bail!("cơ sở dữ liệu trong bộ nhớ không sao lưu hay khôi phục được");
    }
    Ok(Target::Sqlite(PathBuf::from(path)))
}

fn utf8(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("tên tệp {} phải là UTF-8", path.display()))
}

/// Runs a PostgreSQL client tool; its own message when it fails.
fn client_tool(name: &str, args: &[&OsStr]) -> anyhow::Result<()> {
    let out = Command::new(name).args(args).output().with_context(|| {
        format!(
            "không chạy được {name}: cài gói postgresql-client (Debian) cùng phiên bản với máy chủ"
        )
    })?;
    if !out.status.success() {
        bail!(
            "{name} không thành công: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

pub async fn backup(url: &str, output: &Path) -> anyhow::Result<ExitCode> {
    if output.exists() {
        bail!(
            "{} đã có: bản sao lưu không ghi đè một tệp có sẵn",
            output.display()
        );
    }
    let started = Instant::now();
    let made = match target(url)? {
        Target::Sqlite(_) => {
            let db = Db::connect(url).await?;
            let made = db.backup_sqlite_into(utf8(output)?).await;
            db.pool().close().await;
            made.map_err(anyhow::Error::from)
        }
        Target::Postgres => client_tool(
            "pg_dump",
            &[
                OsStr::new("--format=custom"),
                OsStr::new("--no-owner"),
                OsStr::new("--file"),
                output.as_os_str(),
                OsStr::new("--dbname"),
                OsStr::new(url),
            ],
        ),
    };
    if let Err(e) = made {
        // Nothing half-written is left to be mistaken for a backup.
        std::fs::remove_file(output).ok();
        return Err(e);
    }
    let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "Đã sao lưu {} vào {} ({size} byte, {:.1} giây). Khôi phục bằng: tiendo --database-url … restore --input {}",
        redact_url(url),
        output.display(),
        started.elapsed().as_secs_f64(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(url: &str, input: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if !input.is_file() {
        bail!("không có tệp sao lưu {}", input.display());
    }
    let started = Instant::now();
    match target(url)? {
        Target::Sqlite(path) => {
            tiendo_store::backup::check_sqlite_file(utf8(input)?).await?;
            let holds_data = std::fs::metadata(&path)
                .map(|m| m.len() > 0)
                .unwrap_or(false);
            if holds_data && !force {
                bail!(
                    "{} đã có dữ liệu: dừng mọi máy chủ đang dùng nó rồi chạy lại với --force để thay bằng bản sao lưu",
                    path.display()
                );
            }
            let mut staged = path.clone().into_os_string();
            staged.push(".dang-khoi-phuc");
            let staged = PathBuf::from(staged);
            std::fs::copy(input, &staged)
                .with_context(|| format!("không chép được vào {}", staged.display()))?;
            // Brought to this version's schema (and checked whole) before it takes the place.
            let checked = async {
                let db = Db::connect(&format!("sqlite://{}", utf8(&staged)?)).await?;
                db.pool().close().await;
                anyhow::Ok(())
            }
            .await;
            if let Err(e) = checked {
                std::fs::remove_file(&staged).ok();
                return Err(e.context("bản sao lưu không mở được"));
            }
            for side in ["-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(side);
                std::fs::remove_file(PathBuf::from(p)).ok();
            }
            std::fs::rename(&staged, &path)
                .with_context(|| format!("không thay được {}", path.display()))?;
        }
        Target::Postgres => {
            let tables = tiendo_store::backup::postgres_table_count(url).await?;
            if tables > 0 && !force {
                bail!(
                    "cơ sở dữ liệu {} đã có {tables} bảng: dừng mọi máy chủ đang dùng nó rồi chạy lại với --force để thay bằng bản sao lưu",
                    redact_url(url)
                );
            }
            let mut args: Vec<&OsStr> = vec![
                OsStr::new("--single-transaction"),
                OsStr::new("--exit-on-error"),
                OsStr::new("--no-owner"),
            ];
            if tables > 0 {
                args.extend([OsStr::new("--clean"), OsStr::new("--if-exists")]);
            }
            args.extend([OsStr::new("--dbname"), OsStr::new(url), input.as_os_str()]);
            client_tool("pg_restore", &args)?;
            let db = Db::connect(url).await?;
            db.pool().close().await;
        }
    }
    eprintln!(
        "Đã khôi phục {} từ {} ({:.1} giây).",
        redact_url(url),
        input.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
