//! `tiendo serve`: the web application and the JSON API.
//!
//! Server-rendered HTML (maud escapes every value: nothing from a document or a user is rendered
//! as markup), assets embedded in the binary, no build step.
//!
//! - `pages`: Tổng quan, Nhiệm vụ, Việc của tôi, Nhật ký; `task`: the task page;
//! - `actions`: the forms of an agency and the standing agency on a task; `edit`: editing and
//!   reassigning a task;
//! - `difficulties`, `registry`, `reports` (downloads, ranking, meetings), `import`;
//! - `api`: the JSON API behind the pages; `auth`: accounts, sessions, CSRF.

pub mod actions;
pub mod api;
pub mod auth;
pub mod difficulties;
pub mod edit;
pub mod import;
pub mod layout;
pub mod ops;
pub mod pages;
pub mod registry;
pub mod reports;
pub mod task;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tiendo_domain::status::StatusBook;
use tiendo_store::Db;
use tokio::sync::RwLock;

/// What the pages read from memory: the status book and the agency names, with the audit position
/// they reflect. Changes to a few tasks are applied to it in place; anything else (an import by
/// another process, say) reloads it in the background.
#[derive(Clone)]
pub struct Snapshot {
    pub book: StatusBook,
    pub agencies: HashMap<i64, (String, String)>,
    /// Every task id with its secrecy flag, in plan order.
    pub tasks: Vec<(i64, bool)>,
    pub version: i64,
}

pub struct App {
    pub db: Db,
    pub snapshot: RwLock<Arc<Snapshot>>,
    /// Cookies marked Secure (turn off only for plain-HTTP tests).
    pub secure_cookies: bool,
    /// Uploaded files waiting for the confirmation of their preview.
    pub pending_imports: tokio::sync::Mutex<HashMap<String, import::Pending>>,
    /// Months already scored, by the data version they were scored on.
    pub scores: tokio::sync::Mutex<
        HashMap<(tiendo_domain::scoring::Month, i64), Arc<crate::reports::ScoreReport>>,
    >,
}

/// Which tasks a user may see ([`auth::CurrentUser::sees_task`]), with what the rule needs read
/// from memory once: the secret tasks, and a focal point's own agency's tasks.
pub struct Visibility {
    user: auth::CurrentUser,
    secret: std::collections::HashSet<i64>,
    own: std::collections::HashSet<i64>,
}

impl Visibility {
    pub fn of(u: &auth::CurrentUser, snap: &Snapshot) -> Visibility {
        let own = match (u.user.role.as_str(), u.user.agency_id) {
            ("focal", Some(a)) => snap.book.tasks_of_agency(a),
            _ => Default::default(),
        };
        Visibility {
            user: u.clone(),
            secret: snap.tasks.iter().filter(|t| t.1).map(|t| t.0).collect(),
            own,
        }
    }

    pub fn sees(&self, task: i64) -> bool {
        self.user
            .sees_task(self.secret.contains(&task), || self.own.contains(&task))
    }
}

#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

async fn data_version(db: &Db) -> anyhow::Result<i64> {
    Ok(
        tiendo_store::sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM audit_log")
            .fetch_one(db.pool())
            .await?,
    )
}

pub async fn load_snapshot(db: &Db) -> anyhow::Result<Snapshot> {
    let version = data_version(db).await?;
    Ok(Snapshot {
        book: db.load_status_book().await?,
        agencies: db.agency_names().await?,
        tasks: db.task_order().await?,
        version,
    })
}

impl AppState {
    pub async fn new(db: Db, secure_cookies: bool) -> anyhow::Result<Self> {
        let snap = load_snapshot(&db).await?;
        Ok(AppState(Arc::new(App {
            db,
            snapshot: RwLock::new(Arc::new(snap)),
            secure_cookies,
            pending_imports: Default::default(),
            scores: Default::default(),
        })))
    }

    /// A month's ranking with the published formula, computed once per version of the data.
    pub async fn score(
        &self,
        month: tiendo_domain::scoring::Month,
    ) -> anyhow::Result<Arc<crate::reports::ScoreReport>> {
        let snap = self.snapshot().await;
        let key = (month, snap.version);
        if let Some(r) = self.scores.lock().await.get(&key) {
            return Ok(r.clone());
        }
        let r = Arc::new(crate::reports::score(&self.db, &snap.book, month, None).await?);
        let mut cache = self.scores.lock().await;
        cache.retain(|k, _| k.1 == snap.version);
        cache.insert(key, r.clone());
        Ok(r)
    }

    pub async fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().await.clone()
    }

    /// Brings the snapshot up to date with the audit log: the tasks changed since it was taken
    /// are reloaded (their assignments, deadlines and reports); a change that is not about one
    /// task (an import, a generated data set) reloads everything.
    pub async fn refresh(&self) -> anyhow::Result<bool> {
        let current = self.snapshot().await.version;
        let changes: Vec<(i64, String, Option<i64>, String)> = tiendo_store::sqlx::query_as(
            "SELECT id, entity, entity_id, action FROM audit_log WHERE id > $1 ORDER BY id LIMIT 2001",
        )
        .bind(current)
        .fetch_all(self.db.pool())
        .await?;
        let Some(latest) = changes.last().map(|c| c.0) else {
            return Ok(false);
        };
        let whole = changes.len() > 2000
            || changes
                .iter()
                .any(|(_, entity, id, _)| match entity.as_str() {
                    "task" => id.is_none(),
                    "agency" | "user" | "api_token" | "committee" | "meeting" | "formula" => false,
                    _ => true,
                });
        if whole {
            let snap = load_snapshot(&self.db).await?;
            *self.snapshot.write().await = Arc::new(snap);
            return Ok(true);
        }
        let mut tasks: Vec<i64> = changes
            .iter()
            .filter(|c| c.1 == "task")
            .filter_map(|c| c.2)
            .collect();
        tasks.sort_unstable();
        tasks.dedup();
        let inputs = self.db.assignment_inputs(&tasks).await?;
        let order = if changes.iter().any(|c| c.3.starts_with("task.")) {
            Some(self.db.task_order().await?)
        } else {
            None
        };
        let agencies = if changes.iter().any(|c| c.1 == "agency") {
            Some(self.db.agency_names().await?)
        } else {
            None
        };
        let mut guard = self.snapshot.write().await;
        if guard.version >= latest {
            return Ok(true);
        }
        let snap = Arc::make_mut(&mut guard);
        for a in inputs {
            snap.book.upsert(a);
        }
        if let Some(o) = order {
            snap.tasks = o;
        }
        if let Some(a) = agencies {
            snap.agencies = a;
        }
        snap.version = latest;
        Ok(true)
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/nhiem-vu", get(pages::tasks))
        .route("/nhiem-vu/{id}", get(task::show))
        .route(
            "/nhiem-vu/{id}/bao-cao",
            post(actions::report).layer(axum::extract::DefaultBodyLimit::max(
                ops::MAX_EVIDENCE_BYTES + 256 * 1024,
            )),
        )
        .route("/minh-chung/{id}", get(pages::evidence))
        .route("/nhiem-vu/{id}/gia-han", post(actions::request_deadline))
        .route("/nhiem-vu/{id}/kho-khan", post(actions::raise_difficulty))
        .route("/nhiem-vu/{id}/cam-ket", post(actions::commit))
        .route("/gia-han/{id}/duyet", post(actions::approve_deadline))
        .route("/gia-han/{id}/tu-choi", post(actions::refuse_deadline))
        .route("/kho-khan/{id}/tra-loi", post(difficulties::answer))
        .route("/kho-khan/{id}/chuyen", post(difficulties::forward))
        .route("/nhiem-vu/{id}/sua", get(edit::form_page).post(edit::save))
        .route("/nhiem-vu/{id}/giao", post(edit::assign))
        .route("/nhiem-vu/{id}/ket-thuc-giao", post(edit::unassign))
        .route("/bao-cao/{id}/xac-nhan", post(actions::confirm_report))
        .route("/bao-cao/{id}/tra-lai", post(actions::return_report))
        .route("/cua-toi", get(pages::my_tasks))
        .route("/kho-khan", get(difficulties::register))
        .route("/nhat-ky", get(pages::audit))
        .route("/co-quan", get(registry::list))
        .route(
            "/co-quan/moi",
            get(registry::new_page).post(registry::create),
        )
        .route(
            "/co-quan/{code}/sua",
            get(registry::edit_page).post(registry::save),
        )
        .route("/co-quan/{code}/ten-goi", post(registry::add_alias))
        .route("/bao-cao", get(reports::index))
        .route("/bao-cao/tai/{file}", get(reports::download))
        .route("/xep-hang", get(reports::ranking))
        .route(
            "/phien-hop",
            get(reports::meetings).post(reports::add_meeting),
        )
        .route("/phien-hop/{id}/tai-lieu", get(reports::meeting_pack))
        .route("/dang-nhap", get(auth::login_page).post(auth::login))
        .route("/dang-xuat", post(auth::logout))
        .route(
            "/tai-khoan/mat-khau",
            get(auth::password_page).post(auth::change_password),
        )
        .route("/static/app.css", get(layout::css))
        .merge(api::router())
        .merge(import::router())
        .with_state(state)
}

/// Runs the server until the process is stopped; the snapshot follows changes every few seconds.
/// Starts the server on `bind`; `intro` is told the address once it listens (the demonstration
/// prints how to sign in there).
pub async fn serve(
    db: Db,
    bind: &str,
    secure_cookies: bool,
    intro: impl FnOnce(&str),
) -> anyhow::Result<()> {
    if let Some((user, password)) = auth::ensure_first_admin(&db).await? {
        eprintln!("Tài khoản quản trị đầu tiên: {user} / mật khẩu dùng một lần: {password}");
        eprintln!("(Đổi mật khẩu ngay sau lần đăng nhập đầu tiên.)");
    }
    let state = AppState::new(db, secure_cookies).await?;
    let refresher = state.clone();
    tokio::spawn(async move {
        let mut ticks: u64 = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            if let Err(e) = refresher.refresh().await {
                eprintln!("tiendo serve: không cập nhật được dữ liệu: {e:#}");
            }
            ticks += 1;
            // Expired sessions and old failed log-ins are purged every ten minutes.
            if ticks % 200 == 1
                && let Err(e) = refresher.db.purge_expired().await
            {
                eprintln!("tiendo serve: không xóa được phiên hết hạn: {e:#}");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("không mở được {bind}: {e}"))?;
    let address = format!("http://{}", listener.local_addr()?);
    intro(&address);
    eprintln!("Tiến Độ đang chạy tại {address}");
    axum::serve(listener, router(state)).await?;
    Ok(())
}
