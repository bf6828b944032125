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

pub mod account;
pub mod actions;
pub mod admin;
pub mod api;
pub mod auth;
pub mod difficulties;
pub mod edit;
pub mod errors;
pub mod history;
pub mod import;
pub mod inbox;
pub mod indicators;
pub mod layout;
pub mod new_task;
pub mod pacing;
pub mod pages;
pub mod refused;
pub mod registry;
pub mod reports;
pub mod server;
pub mod signing;
pub mod stacked;
pub mod task;
pub mod telemetry;
pub mod words;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tiendo_service::Service;
pub use tiendo_service::{Snapshot, Visibility};
use tiendo_store::Db;

/// The web application's state: the service (store and status book in memory) plus what only a
/// web server has.
pub struct App {
    pub service: Service,
    /// Cookies marked Secure (turn off only for plain-HTTP tests).
    pub secure_cookies: bool,
    /// Imports being stored by this server: (tasks stored, tasks in all), by job token, for the
    /// progress bar (another server shows the job as storing, without the count).
    pub import_progress: std::sync::Mutex<HashMap<String, (usize, usize)>>,
    /// Requests, latency and the rest of `/metrics`.
    pub metrics: telemetry::Metrics,
    /// Set when the server has been told to stop: `/readyz` then answers 503.
    draining: std::sync::atomic::AtomicBool,
}

impl App {
    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn start_draining(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

impl std::ops::Deref for App {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.service
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

impl AppState {
    pub async fn new(db: Db, secure_cookies: bool) -> anyhow::Result<Self> {
        Ok(AppState(Arc::new(App {
            service: Service::new(db).await?,
            secure_cookies,
            import_progress: Default::default(),
            metrics: Default::default(),
            draining: Default::default(),
        })))
    }
}

/// The pages and forms, each path with the methods it answers: the router is built from this
/// table, and the permission matrix's test checks it has a case for every entry.
pub(crate) struct RouteTable {
    router: Router<AppState>,
    routes: Vec<(&'static str, &'static str)>,
}

impl RouteTable {
    pub(crate) fn new() -> Self {
        RouteTable {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    /// `methods`: what `handler` answers ("GET", "POST", "GET POST").
    pub(crate) fn add(
        mut self,
        path: &'static str,
        methods: &'static str,
        handler: axum::routing::MethodRouter<AppState>,
    ) -> Self {
        for m in methods.split(' ') {
            self.routes.push((m, path));
        }
        self.router = self.router.route(path, handler);
        self
    }
}

fn pages_and_forms() -> RouteTable {
    let evidence_limit = axum::extract::DefaultBodyLimit::max(
        tiendo_service::operations::MAX_EVIDENCE_BYTES + 256 * 1024,
    );
    RouteTable::new()
        .add("/", "GET", get(pages::dashboard))
        .add("/nhiem-vu", "GET", get(pages::tasks))
        .add(
            "/nhiem-vu/moi",
            "GET POST",
            get(new_task::new_page).post(new_task::create),
        )
        .add("/nhiem-vu/{id}", "GET", get(task::show))
        .add(
            "/nhiem-vu/{id}/bao-cao",
            "POST",
            post(actions::report).layer(evidence_limit),
        )
        .add("/minh-chung/{id}", "GET", get(task::evidence))
        .add(
            "/nhiem-vu/{id}/gia-han",
            "POST",
            post(actions::request_deadline),
        )
        .add(
            "/nhiem-vu/{id}/kho-khan",
            "POST",
            post(actions::raise_difficulty),
        )
        .add("/nhiem-vu/{id}/cam-ket", "POST", post(actions::commit))
        .add(
            "/nhiem-vu/{id}/chi-dao",
            "POST",
            post(actions::give_direction),
        )
        .add(
            "/chi-dao/{id}/tra-loi",
            "POST",
            post(actions::answer_direction),
        )
        .add(
            "/gia-han/{id}/duyet",
            "POST",
            post(actions::approve_deadline),
        )
        .add(
            "/gia-han/{id}/tu-choi",
            "POST",
            post(actions::refuse_deadline),
        )
        .add("/kho-khan/{id}/tra-loi", "POST", post(difficulties::answer))
        .add("/kho-khan/{id}/chuyen", "POST", post(difficulties::forward))
        .add(
            "/nhiem-vu/{id}/sua",
            "GET POST",
            get(edit::form_page).post(edit::save),
        )
        .add("/nhiem-vu/{id}/giao", "POST", post(edit::assign))
        .add("/nhiem-vu/{id}/ket-thuc-giao", "POST", post(edit::unassign))
        .add(
            "/bao-cao/{id}/xac-nhan",
            "POST",
            post(actions::confirm_report),
        )
        .add(
            "/bao-cao/{id}/tra-lai",
            "POST",
            post(actions::return_report),
        )
        .add("/cua-toi", "GET", get(pages::my_tasks))
        .add("/viec-can-xu-ly", "GET", get(inbox::inbox))
        .add("/thong-bao", "GET", get(inbox::notifications))
        .add("/thong-bao/{id}/da-doc", "POST", post(inbox::mark_read))
        .add(
            "/tai-khoan/nhac-viec",
            "GET POST",
            get(inbox::settings_page).post(inbox::save_settings),
        )
        .add(
            "/huy-nhan-thu",
            "GET POST",
            get(inbox::unsubscribe_page).post(inbox::unsubscribe),
        )
        .add("/kho-khan", "GET", get(difficulties::register))
        .add("/nhat-ky", "GET", get(pages::audit))
        .add("/thu-cho-gui", "GET", get(inbox::waiting_mail))
        .add("/co-quan", "GET", get(registry::list))
        .add(
            "/co-quan/moi",
            "GET POST",
            get(registry::new_page).post(registry::create),
        )
        .add(
            "/co-quan/{code}/sua",
            "GET POST",
            get(registry::edit_page).post(registry::save),
        )
        .add("/co-quan/{code}/ten-goi", "POST", post(registry::add_alias))
        .add("/chi-tieu", "GET", get(indicators::list))
        .add(
            "/chi-tieu/bang-diem",
            "GET",
            get(indicators::scorecard_page),
        )
        .add("/chi-tieu/{id}", "GET", get(indicators::show))
        .add("/chi-tieu/{id}/so-lieu", "POST", post(indicators::report))
        .add(
            "/chi-tieu/{id}/muc-tieu",
            "POST",
            post(indicators::set_target),
        )
        .add("/chi-tieu/{id}/nhiem-vu", "POST", post(indicators::link))
        .add(
            "/chi-tieu/{id}/thoi-gian",
            "POST",
            post(indicators::set_life),
        )
        .add("/chi-tieu/so-lieu/{id}", "POST", post(indicators::review))
        .add("/bao-cao", "GET", get(reports::index))
        .add("/bao-cao/tai/{file}", "GET", get(reports::download))
        .add(
            "/bao-cao/the-thuc",
            "GET POST",
            get(signing::page_of).post(signing::save),
        )
        .add("/xep-hang", "GET", get(reports::ranking))
        .add(
            "/xep-hang/cach-tinh.toml",
            "GET",
            get(reports::formula_file),
        )
        .add("/ban-chi-dao", "GET", get(reports::committees))
        .add(
            "/phien-hop",
            "GET POST",
            get(reports::meetings).post(reports::add_meeting),
        )
        .add(
            "/phien-hop/{id}/tai-lieu",
            "GET",
            get(reports::meeting_pack),
        )
        .add(
            "/dang-nhap",
            "GET POST",
            get(account::login_page).post(account::login),
        )
        .add("/dang-xuat", "POST", post(account::logout))
        .add(
            "/tai-khoan/mat-khau",
            "GET POST",
            get(account::password_page).post(account::change_password),
        )
        .add(
            "/quan-tri/tai-khoan",
            "GET POST",
            get(admin::list).post(admin::create),
        )
        .add("/quan-tri/tai-khoan/{username}", "GET", get(admin::show))
        .add(
            "/quan-tri/tai-khoan/{username}/{what}",
            "POST",
            post(admin::change),
        )
        .add("/static/app.css", "GET", get(layout::css))
        .add("/healthz", "GET", get(telemetry::health))
        .add("/readyz", "GET", get(telemetry::ready))
        .add("/metrics", "GET", get(telemetry::metrics))
}

pub fn router(state: AppState) -> Router {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    pages_and_forms()
        .router
        .merge(import::routes().router)
        .merge(api::router())
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            telemetry::track,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span every log line of a request is written under: its id, method, route template and
/// path (without the query, which may hold what a user searched for).
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("", |m| m.as_str());
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = %route,
        path = %req.uri().path(),
    )
}

/// What every answer tells the browser: no framing by another site, no script at all (the pages
/// have none), nothing loaded from elsewhere, no guessing of content types.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn security_headers(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let h = res.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// A route the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// "GET", "POST"…
    pub method: String,
    /// The path template: "/nhiem-vu/{id}".
    pub path: String,
}

/// Every route the server answers: the pages and forms, the import pages and the JSON API (from
/// its OpenAPI document).
pub fn routes() -> Vec<Route> {
    let route = |method: &str, path: &str| Route {
        method: method.to_string(),
        path: path.to_string(),
    };
    let mut out: Vec<Route> = pages_and_forms()
        .routes
        .into_iter()
        .chain(import::routes().routes)
        .map(|(m, p)| route(m, p))
        .collect();
    for (path, item) in &api::openapi().paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (m, present) in methods {
            if present {
                out.push(route(m, path));
            }
        }
    }
    out
}

/// When the day's reminders run, by which rules, and the mail server that sends them.
pub struct Reminders {
    pub at: tiendo_service::reminders::DailyAt,
    pub rules: tiendo_domain::reminders::ReminderRules,
    pub mail: Option<tiendo_service::reminders::MailSettings>,
}

/// Runs the server until the process is stopped; the snapshot follows changes every second.
/// Starts the server on `bind`; `intro` is told the address once it listens (the demonstration
/// prints how to sign in there).
pub async fn serve(
    db: Db,
    bind: &str,
    secure_cookies: bool,
    limits: server::Limits,
    reminders: Option<Reminders>,
    intro: impl FnOnce(&str),
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let state = AppState::new(db, secure_cookies).await?;
    tracing::info!(
        from = ?state.started_from,
        seconds = started.elapsed().as_secs_f64(),
        "status book read"
    );
    if let Some(admin) = state.ensure_first_admin().await? {
        eprintln!(
            "Tài khoản quản trị đầu tiên: {} / mật khẩu dùng một lần: {}",
            admin.username, admin.one_time_password
        );
        eprintln!("(Đổi mật khẩu ngay sau lần đăng nhập đầu tiên.)");
    }
    state.spawn_webhooks();
    if let Some(r) = reminders {
        // On this server's own book: the day's run reads no second copy from the tables.
        let scheduler = state.clone();
        tokio::spawn(async move {
            tiendo_service::reminders::run_scheduler(&scheduler.service, r.at, r.rules, r.mail)
                .await
        });
    }
    let refresher = state.clone();
    tokio::spawn(async move {
        let mut ticks: u64 = 0;
        loop {
            // Every second: another server's writes are in this one's figures within about a
            // second (a read of the feed past its position: one indexed query).
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Err(e) = refresher.refresh().await {
                tracing::error!(
                    error = format!("{e:#}"),
                    "the status book could not follow the store"
                );
            }
            ticks += 1;
            // The audit log's statistics looked at every three seconds (a look is one row of
            // the statistics view; an analysis follows a few times as the log grows tenfold).
            if ticks.is_multiple_of(3)
                && let Err(e) = refresher.keep_log_statistics().await
            {
                tracing::error!(
                    error = format!("{e:#}"),
                    "the audit log's statistics could not be refreshed"
                );
            }
            // The book is saved soon after the start and every ten minutes when it has moved:
            // a restarted server reads the save and only the changes after it. In the
            // background, part by part: neither the refreshes nor the writers wait for it.
            if ticks % 600 == 3 {
                let saver = refresher.clone();
                tokio::spawn(async move {
                    if let Err(e) = saver.save_book().await {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "the status book could not be saved"
                        );
                    }
                });
            }
            // Expired sessions and old failed log-ins are purged every ten minutes.
            if ticks % 600 == 1
                && let Err(e) = refresher.purge_expired().await
            {
                tracing::error!(
                    error = format!("{e:#}"),
                    "expired sessions could not be purged"
                );
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("không mở được {bind}: {e}"))?;
    let address = format!("http://{}", listener.local_addr()?);
    intro(&address);
    eprintln!("Tiến Độ đang chạy tại {address}");
    tracing::info!(address = %address, "listening");
    server::run(listener, router(state.clone()), state.clone(), limits).await?;
    // Saved once more on the way out (a deploy, a restart), so that the next start reads the
    // changes of the last minutes only.
    match tokio::time::timeout(Duration::from_secs(30), state.save_book()).await {
        Ok(Err(e)) => tracing::warn!(
            error = format!("{e:#}"),
            "the status book could not be saved"
        ),
        Err(_) => tracing::warn!("the status book was not saved within 30 s"),
        Ok(Ok(_)) => {}
    }
    Ok(())
}
