//! `tiendo webhooks add|list|remove|deliver`: the systems told of changes.

use std::process::ExitCode;

use tiendo_service::accounts::new_token;
use tiendo_service::webhooks;
use tiendo_store::Db;

use crate::args::WebhookCommand;

pub async fn run(url: &str, command: WebhookCommand) -> anyhow::Result<ExitCode> {
    let db = Db::connect(url).await?;
    match command {
        WebhookCommand::Add {
            system,
            url,
            events,
        } => {
            let secret = new_token()?;
            db.add_subscription(&system, &url, &secret, &events, "cli")
                .await?;
            println!("{secret}");
            eprintln!(
                "Đã đăng ký hệ thống {system}: mỗi lần gửi được ký bằng khóa trên (chỉ hiện một lần), tiêu đề X-Tiendo-Signature: sha256=HMAC-SHA256(khóa, nội dung)."
            );
        }
        WebhookCommand::List => {
            let waiting = db.deliveries_waiting().await?;
            for s in db.subscriptions().await? {
                let w = waiting.iter().find(|w| w.system == s.system);
                println!(
                    "{}\\t{}\\t{}\\t{}\\tchờ gửi: {}{}",
                    s.system,
                    s.url,
                    s.events,
                    if s.active == 1 {
                        "đang nhận"
                    } else {
                        "đã dừng"
                    },
                    w.map_or(0, |w| w.queued),
                    w.and_then(|w| w.last_error.as_deref())
                        .map(|e| format!(" (lỗi gần nhất: {e})"))
                        .unwrap_or_default()
                );
            }
        }
        WebhookCommand::Remove { system } => {
            db.remove_subscription(&system, "cli").await?;
            println!("Đã dừng báo cho hệ thống {system}.");
        }
        WebhookCommand::Deliver => {
            let r = webhooks::deliver_due(&db, &webhooks::client()?).await?;
            println!("Đã gửi {}, chưa gửi được {}.", r.delivered, r.failed);
        }
    }
    Ok(ExitCode::SUCCESS)
}
