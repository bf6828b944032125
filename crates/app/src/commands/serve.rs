//! `tiendo serve [--demo]`: the web application and the JSON API.

use std::process::ExitCode;
use std::time::Duration;

use tiendo_web::server::Limits;
use tiendo_web::telemetry::LogFormat;

use tiendo_service::Service;
use tiendo_service::reminders::DailyAt;
use tiendo_store::Db;

use crate::args::ServeArgs;
use crate::demo;

pub async fn run(url: &str, a: ServeArgs) -> anyhow::Result<ExitCode> {
    tiendo_web::telemetry::init_logs(match a.log_format.as_str() {
        "json" => LogFormat::Json,
        "text" => LogFormat::Text,
        _ => LogFormat::automatic(),
    });
    let limits = Limits {
        header_timeout: Duration::from_secs(a.header_timeout.max(1)),
        body_idle_timeout: Duration::from_secs(a.body_timeout.max(1)),
        body_min_rate: a.body_min_rate,
        request_timeout: Duration::from_secs(a.request_timeout.max(1)),
        max_connections: a.max_connections.max(1),
        shutdown_grace: Duration::from_secs(a.shutdown_grace),
    };
    let schedule = match a.remind_at.trim() {
        "off" => None,
        s => Some(DailyAt::parse(s).ok_or_else(|| {
            anyhow::anyhow!("--remind-at: giờ không hợp lệ \"{s}\" (HH:MM, hoặc off)")
        })?),
    };
    let mail = a.mail.settings()?;
    let db = Db::connect(url).await?;
    // The demonstration's set-up and the reminders' schedule act through the service; the web
    // server builds its own, which keeps the status book in memory.
    let service = Service::for_command(db.clone());
    let start = match a.demo {
        true => Some(demo::prepare(&service, &mut |line| eprintln!("{line}")).await?),
        false => None,
    };
    if a.plain_http_cookies {
        eprintln!(
            "Cảnh báo: cookie phiên không có cờ Secure (--plain-http-cookies); chỉ dùng trong mạng nội bộ tin cậy."
        );
    }
    if schedule.is_some() && mail.is_none() {
        eprintln!(
            "Nhắc việc: chưa cấu hình máy chủ thư (--smtp-url / TIENDO_SMTP_URL): bản tin chỉ hiện trong ứng dụng, thư chờ trong hàng đợi."
        );
    }
    let reminders = schedule.map(|at| tiendo_web::Reminders {
        at,
        rules: a.rules.rules(),
        mail,
    });
    tiendo_web::serve(
        db,
        &a.bind,
        !a.plain_http_cookies,
        limits,
        reminders,
        |address| {
            if let Some(start) = &start {
                eprint!("{}", demo::sign_in_text(start, address));
            }
        },
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}
