//! `tiendo remind`: the reminders due on a date, computed, stored once and e-mailed
//! (docs/contracts.md fixes its shape).

use std::process::ExitCode;

use tiendo_domain::deadline::vn;
use tiendo_domain::reminders::ReminderRules;
use tiendo_mail::Mailer;
use tiendo_service::reminders::{MailSettings, vietnam_now};

use super::output::parse_date_arg;
use crate::args::{Format, MailArgs, RemindArgs, RuleArgs};

impl MailArgs {
    /// The mail settings, when an SMTP server is given; a URL or sender that cannot be used is an
    /// error before anything is computed.
    pub fn settings(&self) -> anyhow::Result<Option<MailSettings>> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        Ok(Some(MailSettings {
            mailer: Mailer::new(url.trim(), &self.mail_from)?,
            base_url: self.base_url.clone(),
        }))
    }
}

impl RuleArgs {
    pub fn rules(&self) -> ReminderRules {
        ReminderRules {
            due_within_days: self.due_within,
            escalate_after_days: self.escalate_after,
            figures_due_day: self.figures_due_day,
            ..ReminderRules::default()
        }
    }
}

pub async fn run(url: &str, a: RemindArgs) -> anyhow::Result<ExitCode> {
    let day = match a.as_of.as_deref() {
        Some(s) => parse_date_arg("--as-of", s)?,
        None => vietnam_now().date(),
    };
    let mail = a.mail.settings()?;
    let out = super::service(url)
        .await?
        .remind(day, a.dry_run, &a.rules.rules(), mail.as_ref())
        .await?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        Format::Text => {
            println!(
                "Nhắc việc ngày {}: {} người nhận{}",
                vn(day),
                out.messages.len(),
                if a.dry_run {
                    " (chạy thử, không gửi)"
                } else {
                    ""
                }
            );
            for m in &out.messages {
                println!(
                    "- {} ({}, {}): {} việc",
                    m.user,
                    m.email.as_deref().unwrap_or("không có thư điện tử"),
                    m.channel.code(),
                    m.items.len()
                );
            }
            if out.deemed_commitments > 0 {
                println!(
                    "Ghi {} cam kết theo quy định của văn bản: không trả lời đúng hạn được hiểu là cam kết hoàn thành.",
                    out.deemed_commitments
                );
            }
            if !a.dry_run {
                println!(
                    "Lưu mới {} bản tin, {} bản tin đã lưu từ trước (không gửi lại); gửi được {} thư, {} thư lỗi.",
                    out.queued.new, out.queued.already, out.delivery.sent, out.delivery.failed
                );
                if out.delivery.no_server && !out.delivery.waiting.is_empty() {
                    println!(
                        "Chưa cấu hình máy chủ thư (--smtp-url): {} thư đang chờ.",
                        out.delivery.waiting.len()
                    );
                }
                for w in &out.delivery.waiting {
                    if let Some(e) = &w.last_error {
                        println!(
                            "  thư chờ gửi lại cho {} ngày {} (lần thử {}): {e}",
                            w.username,
                            vn(w.day),
                            w.attempts
                        );
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
