//! `tiendo webhooks add|list|remove|deliver`: the systems told of changes.

use std::process::ExitCode;

use tiendo_service::accounts::new_token;
use tiendo_service::command_line_user;

use crate::args::WebhookCommand;

pub async fn run(url: &str, command: WebhookCommand) -> anyhow::Result<ExitCode> {
    let service = super::service(url).await?;
    let cli = command_line_user();
    match command {
        WebhookCommand::Add {
            system,
            url,
            events,
            committee,
        } => {
            let secret = new_token()?;
            service
                .add_subscription(&cli, &system, &url, &secret, &events, committee.as_deref())
                .await?;
            println!("{secret}");
            eprintln!(
                "Đã đăng ký hệ thống {system}: mỗi lần gửi được ký bằng khóa trên (chỉ hiện một lần), tiêu đề X-Tiendo-Signature: sha256=HMAC-SHA256(khóa, nội dung)."
            );
        }
        WebhookCommand::List => {
            let (subscriptions, waiting) = service.subscriptions().await?;
            for s in subscriptions {
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
            service.remove_subscription(&cli, &system).await?;
            println!("Đã dừng báo cho hệ thống {system}.");
        }
        WebhookCommand::Deliver => {
            let r = service.deliver_webhooks().await?;
            println!("Đã gửi {}, chưa gửi được {}.", r.delivered, r.failed);
        }
    }
    Ok(ExitCode::SUCCESS)
}
