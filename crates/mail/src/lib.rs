//! Reminder digests as e-mail: the Vietnamese message, in plain text and HTML, and its delivery
//! through an SMTP server (lettre). A secret task is never named in an e-mail: the message says
//! there is one and links to the application.
//!
//! The SMTP server is given as a URL: `smtp://host:port` (plain, for a relay on the same
//! network), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart, header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use maud::html;
use serde::Deserialize;
use tiendo_domain::reminders::ItemKind;

/// One item of a stored digest, as `tiendo_domain::reminders::ReminderItem` serialises it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredItem {
    pub kind: String,
    pub task_id: Option<String>,
    #[serde(default)]
    pub task_number: Option<String>,
    pub task_name: Option<String>,
    pub due: Option<String>,
    pub agency: Option<String>,
    pub days_late: Option<i64>,
    pub detail: Option<String>,
    pub link: String,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub overseer: Option<String>,
    /// The indicator concerned (figures), code and name.
    #[serde(default)]
    pub indicator: Option<String>,
}

/// An e-mail ready to send.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The signed link that stops the e-mails (also sent as `List-Unsubscribe`).
    pub unsubscribe: Option<String>,
}

/// What a digest e-mail needs besides its items.
pub struct Addressee<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    /// `dd/mm/yyyy`
    pub day: &'a str,
    /// `daily` or `weekly`.
    pub digest: &'a str,
}

fn absolute(base_url: &str, link: &str) -> String {
    format!("{}{}", base_url.trim_end_matches('/'), link)
}

/// `2026-03-31` → `31/03/2026`, as the pages write dates; anything else as it is.
fn vn_day(iso: &str) -> String {
    tiendo_domain::deadline::iso_date(iso)
        .map(tiendo_domain::deadline::vn)
        .unwrap_or_else(|| iso.to_string())
}

/// The line an item prints as, without its link.
pub fn item_line(i: &StoredItem) -> String {
    let mut parts = Vec::new();
    if i.kind != "week_summary" {
        let name = if let Some(ind) = &i.indicator {
            format!("Chỉ tiêu {ind}")
        } else if i.secret {
            "Nhiệm vụ mật (xem nội dung trong ứng dụng)".to_string()
        } else {
            match (&i.task_number, &i.task_name) {
                (Some(n), Some(t)) => format!("[{n}] {t}"),
                (None, Some(t)) => t.clone(),
                _ => "(không gắn với nhiệm vụ)".to_string(),
            }
        };
        parts.push(name);
    }
    if let Some(a) = &i.agency {
        parts.push(format!("Cơ quan: {a}"));
    }
    if let Some(d) = &i.due {
        let label = match i.kind.as_str() {
            "answer_due" | "decision_waiting" if i.task_id.is_none() || i.link == "/kho-khan" => {
                "Hạn trả lời"
            }
            "commitment_due" => "Ngày cam kết",
            "figure_missing" => "Hạn báo cáo số liệu",
            _ => "Hạn",
        };
        parts.push(format!("{label}: {}", vn_day(d)));
    }
    if let Some(n) = i.days_late {
        parts.push(format!("Quá hạn {n} ngày"));
    }
    if i.kind == "escalation"
        && let Some(o) = &i.overseer
    {
        parts.push(format!("Lãnh đạo phụ trách: {o}"));
    }
    if let Some(d) = &i.detail
        && !(i.secret && i.kind == "answer_due")
    {
        parts.push(d.clone());
    }
    parts.join(" — ")
}

/// The items by section, in the digest's order ([`ItemKind::ALL`]), with their headings.
fn grouped(items: &[StoredItem]) -> Vec<(&'static str, Vec<&StoredItem>)> {
    ItemKind::ALL
        .iter()
        .filter_map(|kind| {
            let v: Vec<&StoredItem> = items.iter().filter(|i| i.kind == kind.key()).collect();
            (!v.is_empty()).then_some((kind.heading(), v))
        })
        .collect()
}

fn subject(a: &Addressee<'_>, items: &[StoredItem]) -> String {
    let count = |k: &str| items.iter().filter(|i| i.kind == k).count();
    let mut parts = Vec::new();
    for (k, label) in [
        (
            "direction_open",
            "ý kiến chỉ đạo, yêu cầu giải trình chờ trả lời",
        ),
        ("overdue", "quá hạn"),
        ("periodic_missing", "báo cáo định kỳ quá hạn"),
        ("due_soon", "sắp đến hạn"),
        ("periodic_due", "báo cáo định kỳ sắp đến hạn"),
        ("figure_missing", "số liệu chỉ tiêu chưa báo cáo"),
        ("returned", "bị trả lại"),
        ("figure_returned", "số liệu chỉ tiêu bị trả lại"),
        ("answer_due", "khó khăn chờ trả lời"),
        ("decision_waiting", "chờ quyết định"),
        ("figure_waiting", "chỉ tiêu có số liệu chờ xác nhận"),
        ("commitment_due", "cam kết đến hạn"),
        ("escalation", "quá hạn kéo dài"),
    ] {
        let n = count(k);
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    let what = if a.digest == "weekly" {
        "Tổng hợp tuần"
    } else {
        "Nhắc việc"
    };
    if parts.is_empty() {
        format!("[Tiến Độ] {what} ngày {}", a.day)
    } else {
        format!("[Tiến Độ] {what} ngày {}: {}", a.day, parts.join(", "))
    }
}

/// Writes a digest's e-mail: plain text and HTML with the same content, every item linking to
/// where it is acted on. Markup in the items is text (escaped in the HTML).
pub fn compose(
    a: &Addressee<'_>,
    items: &[StoredItem],
    base_url: &str,
    unsubscribe: Option<String>,
) -> Letter {
    let groups = grouped(items);
    let mut text = format!(
        "Kính gửi {},\n\nHệ thống Tiến Độ nhắc các việc cần xử lý tính đến ngày {}:\n",
        a.full_name, a.day
    );
    for (heading, v) in &groups {
        text.push_str(&format!("\n{} ({})\n", heading.to_uppercase(), v.len()));
        for (n, i) in v.iter().enumerate() {
            text.push_str(&format!(
                "{}. {}\n   {}\n",
                n + 1,
                item_line(i),
                absolute(base_url, &i.link)
            ));
        }
    }
    text.push_str(&format!(
        "\nXem tất cả việc cần xử lý: {}\n",
        absolute(base_url, "/viec-can-xu-ly")
    ));
    if let Some(u) = &unsubscribe {
        text.push_str(&format!("Ngừng nhận thư nhắc việc: {u}\n"));
    }
    let body = html! {
        p { "Kính gửi " (a.full_name) "," }
        p { "Hệ thống Tiến Độ nhắc các việc cần xử lý tính đến ngày " (a.day) ":" }
        @for (heading, v) in &groups {
            h3 { (heading) " (" (v.len()) ")" }
            ol {
                @for i in v {
                    li { a href=(absolute(base_url, &i.link)) { (item_line(i)) } }
                }
            }
        }
        p { a href=(absolute(base_url, "/viec-can-xu-ly")) { "Xem tất cả việc cần xử lý" } }
        @if let Some(u) = &unsubscribe {
            p style="color:#666;font-size:12px" { a href=(u) { "Ngừng nhận thư nhắc việc" } }
        }
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:Arial,sans-serif\">{}</body></html>",
        body.into_string()
    );
    Letter {
        to: a.email.to_string(),
        to_name: a.full_name.to_string(),
        subject: subject(a, items),
        text,
        html,
        unsubscribe,
    }
}

/// Sends letters through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: the SMTP server (see the module's documentation); `from`: the sender,
    /// "Tiến Độ <nhacviec@example.gov.vn>" or a bare address.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .with_context(|| format!("địa chỉ máy chủ thư không đúng: {}", redact(url)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("địa chỉ người gửi không hợp lệ: {from}"))?;
        Ok(Mailer { transport, from })
    }

    /// Hands one letter to the server. The error says why it was not accepted.
    pub async fn send(&self, l: &Letter) -> anyhow::Result<()> {
        let to = Mailbox::new(
            Some(l.to_name.clone()),
            l.to.parse()
                .with_context(|| format!("địa chỉ nhận không hợp lệ: {}", l.to))?,
        );
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(l.subject.clone());
        if let Some(u) = &l.unsubscribe {
            b = b.header(ListUnsubscribe(format!("<{u}>")));
        }
        let m = b
            .multipart(MultiPart::alternative_plain_html(
                l.text.clone(),
                l.html.clone(),
            ))
            .context("thư không soạn được")?;
        self.transport
            .send(m)
            .await
            .map_err(|e| anyhow::anyhow!("máy chủ thư không nhận: {e}"))?;
        Ok(())
    }
}

/// The `List-Unsubscribe` header (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: &str, name: &str, secret: bool) -> StoredItem {
        StoredItem {
            kind: kind.into(),
            task_id: Some("7".into()),
            task_number: Some("7".into()),
            task_name: Some(name.into()),
            due: Some("2026-03-31".into()),
            agency: Some("Bộ Y tế".into()),
            days_late: Some(50),
            detail: None,
            link: "/nhiem-vu/7".into(),
            secret,
            overseer: None,
            indicator: None,
        }
    }

    #[test]
    fn secret_tasks_are_not_named_and_markup_is_text() {
        let a = Addressee {
            email: "dm0@example.gov.vn",
            full_name: "Nguyễn Văn A",
            day: "20/05/2026",
            digest: "daily",
        };
        let items = vec![
            item("overdue", "Xây dựng <b>CSDL</b> dân cư", false),
            item("overdue", "Kế hoạch bảo vệ bí mật nhà nước", true),
        ];
        let l = compose(&a, &items, "https://tiendo.example.gov.vn/", None);
        assert!(l.subject.contains("2 quá hạn"), "{}", l.subject);
        assert!(l.text.contains("Xây dựng <b>CSDL</b> dân cư"));
        assert!(l.html.contains("Xây dựng &lt;b&gt;CSDL&lt;/b&gt; dân cư"));
        assert!(!l.text.contains("bí mật nhà nước") && !l.html.contains("bí mật nhà nước"));
        assert!(l.text.contains("https://tiendo.example.gov.vn/nhiem-vu/7"));
        assert!(l.text.contains("Hạn: 31/03/2026 — Quá hạn 50 ngày"));
    }

    #[test]
    fn figures_name_their_indicator_and_due_day() {
        let a = Addressee {
            email: "dm0@example.gov.vn",
            full_name: "Nguyễn Văn A",
            day: "10/11/2026",
            digest: "daily",
        };
        let mut owed = item("figure_missing", "", false);
        (owed.task_id, owed.task_number, owed.task_name) = (None, None, None);
        owed.indicator = Some("[CT-05] Tỷ lệ <hồ sơ> trực tuyến".into());
        owed.due = Some("2026-11-05".into());
        owed.days_late = Some(5);
        owed.link = "/chi-tieu/3".into();
        let l = compose(&a, &[owed], "https://tiendo.example.gov.vn", None);
        assert!(
            l.subject.contains("1 số liệu chỉ tiêu chưa báo cáo"),
            "{}",
            l.subject
        );
        assert!(l.text.contains(
            "Chỉ tiêu [CT-05] Tỷ lệ <hồ sơ> trực tuyến — Cơ quan: Bộ Y tế — Hạn báo cáo số liệu: 05/11/2026 — Quá hạn 5 ngày"
        ), "{}", l.text);
        assert!(l.html.contains("Tỷ lệ &lt;hồ sơ&gt; trực tuyến"));
        assert!(l.text.contains("https://tiendo.example.gov.vn/chi-tieu/3"));
        assert!(l.html.contains(ItemKind::FigureMissing.heading()));
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("smtps://u:secret@mail.gov.vn:465"),
            "smtps://***@mail.gov.vn:465"
        );
        assert_eq!(redact("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    }
}
