//! `tiendo serve [--demo]`: the web application and the JSON API.

use std::process::ExitCode;

use tiendo_store::Db;

use crate::args::ServeArgs;
use crate::demo;

pub async fn run(url: &str, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let db = Db::connect(url).await?;
    let start = match a.demo {
        true => Some(demo::prepare(&db, &mut |line| eprintln!("{line}")).await?),
        false => None,
    };
    if a.plain_http_cookies {
        eprintln!(
            "Cảnh báo: cookie phiên không có cờ Secure (--plain-http-cookies); chỉ dùng trong mạng nội bộ tin cậy."
        );
    }
    tiendo_web::serve(db, &a.bind, !a.plain_http_cookies, |address| {
        if let Some(start) = &start {
            eprint!("{}", demo::sign_in_text(start, address));
        }
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
