//! Test databases: a fresh SQLite file, and a fresh PostgreSQL database when
//! TIENDO_TEST_POSTGRES_URL names a server (CI sets it; the suite then fails if it cannot connect).

#![allow(dead_code)]

pub mod browser;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use tiendo_office::{ReadOptions, read_bytes, read_path};
use tiendo_store::Db;
use tiendo_store::import::{ImportInput, ImportSummary};
use tiendo_store::sqlx::{self, Connection};
use time::Date;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub db: Db,
    dir: Option<PathBuf>,
    pub pg: Option<(String, String)>,
}

pub fn temp_dir() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("tiendo-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Two monthly exports of another monitoring system (nq57), tasks named by its ids: in the
/// second, the tasks are renumbered, one renamed and given a new deadline, and one is new.
pub const NQ57_NOVEMBER: &str = "STT,Mã nhiệm vụ,Nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành
1,NQ57-001,Xây dựng cơ sở dữ liệu quốc gia về dân cư,Bộ Công an,30/6/2026
2,NQ57-002,Hoàn thiện Cổng dịch vụ công quốc gia,Văn phòng Chính phủ,Quý III/2026
";
pub const NQ57_DECEMBER: &str = "STT,Mã nhiệm vụ,Nhiệm vụ,Cơ quan chủ trì,Thời hạn hoàn thành
1,NQ57-002,Hoàn thiện và kết nối Cổng dịch vụ công quốc gia,Văn phòng Chính phủ,Quý IV/2026
2,NQ57-001,Xây dựng cơ sở dữ liệu quốc gia về dân cư,Bộ Công an,30/6/2026
3,NQ57-003,Số hoá hồ sơ đất đai,Bộ Nông nghiệp và Môi trường,31/12/2026
";

pub fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/samples")
        .join(name)
}

pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let root = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|s| s + 2).unwrap_or(0) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// One fresh database per backend.
pub async fn backends() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = temp_dir();
    let url = format!("sqlite://{}", dir.join("t.db").display());
    let db = Db::connect(&url).await.expect("sqlite");
    out.push(TestDb {
        label: "sqlite",
        url,
        db,
        dir: Some(dir),
        pg: None,
    });
    if let Ok(admin) = std::env::var("TIENDO_TEST_POSTGRES_URL") {
        if admin.is_empty() {
            return out;
        }
        sqlx::any::install_default_drivers();
        let name = format!(
            "tiendo_t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let url = create_database(&admin, &name).await;
        let db = Db::connect(&url).await.expect("postgres");
        out.push(TestDb {
            label: "postgres",
            url,
            db,
            dir: None,
            pg: Some((admin, name)),
        });
    }
    out
}

impl TestDb {
    pub async fn cleanup(self) {
        self.db.pool().close().await;
        if let Some(d) = self.dir {
            std::fs::remove_dir_all(d).ok();
        }
        if let Some((admin, name)) = self.pg {
            drop_database(&admin, &name).await;
        }
    }
}

/// Creates a PostgreSQL database through the administrator's URL; returns the new database's URL.
pub async fn create_database(admin: &str, name: &str) -> String {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin)
        .await
        .expect("TIENDO_TEST_POSTGRES_URL must connect");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    conn.close().await.ok();
    with_database(admin, name)
}

/// Drops a PostgreSQL database made by [`create_database`], whoever is still connected.
pub async fn drop_database(admin: &str, name: &str) {
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .ok();
        conn.close().await.ok();
    }
}

/// Reads a file and stores it under a document key, as `tiendo import` does.
pub async fn import_file(
    db: &Db,
    path: &std::path::Path,
    key: &str,
    reported_on: Date,
) -> ImportSummary {
    let reg = db.load_registry().await.expect("registry").registry;
    let p = read_path(
        path,
        ReadOptions {
            registry: &reg,
            reported_on,
        },
    )
    .expect("reads");
    db.import_document(ImportInput {
        committee: None,
        doc_key: key,
        file_name: &p.file,
        title: None,
        tasks: &p.tasks,
        difficulties: &p.difficulties,
        indicators: &p.indicators,
        warnings: &p.warnings,
        reported_on,
        actor: "test",
        progress: None,
        external_system: None,
        silence_rule: p.silence_rule.as_ref(),
    })
    .await
    .expect("imports")
}

pub async fn import_text(
    db: &Db,
    name: &str,
    text: &str,
    key: &str,
    reported_on: Date,
) -> ImportSummary {
    let reg = db.load_registry().await.expect("registry").registry;
    let p = read_bytes(
        name,
        text.as_bytes(),
        ReadOptions {
            registry: &reg,
            reported_on,
        },
    )
    .expect("reads");
    db.import_document(ImportInput {
        committee: None,
        doc_key: key,
        file_name: name,
        title: None,
        tasks: &p.tasks,
        difficulties: &p.difficulties,
        indicators: &p.indicators,
        warnings: &p.warnings,
        reported_on,
        actor: "test",
        progress: None,
        external_system: None,
        silence_rule: p.silence_rule.as_ref(),
    })
    .await
    .expect("imports")
}

/// A stored task by its document key and number.
pub async fn task(db: &Db, key: &str, number: &str) -> i64 {
    db.task_by_number(key, number)
        .await
        .expect("query")
        .expect("task")
}

/// The id of an agency's active assignment on a task.
pub async fn assignment(db: &Db, task: i64, code: &str) -> i64 {
    db.assignments_of(task)
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.agency_code == code)
        .map(|a| a.id)
        .expect(code)
}

/// A `tiendo` command on the database at `url` that must succeed, its output read as JSON.
pub fn cli_json(url: &str, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args(["--database-url", url])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}
