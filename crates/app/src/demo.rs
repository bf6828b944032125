//! `tiendo serve --demo`: an empty database filled with a realistic demonstration data set and one
//! account per role, so that a new user sees the product at once. Existing data is kept.

use tiendo_domain::access::UserRole;
use tiendo_service::Service;
use tiendo_store::users::User;

/// How many tasks the demonstration data set holds (every deadline form, group assignments,
/// reports, extensions, difficulties, commitments, conclusion notices).
pub const DEMO_TASKS: usize = 3000;

/// One account per role: (user name, role, agency code, full name).
const ACCOUNTS: &[(&str, UserRole, Option<&str>, &str)] = &[
    ("admin", UserRole::Admin, None, "Quản trị hệ thống"),
    (
        "thuongtruc",
        UserRole::Standing,
        None,
        "Cán bộ Cơ quan thường trực",
    ),
    ("lanhdao", UserRole::Leader, None, "Lãnh đạo Ban Chỉ đạo"),
    ("dm.byt", UserRole::Focal, Some("BYT"), "Đầu mối Bộ Y tế"),
    (
        "dm.hanoi",
        UserRole::Focal,
        Some("P_HANOI"),
        "Đầu mối Thành phố Hà Nội",
    ),
    ("xem", UserRole::Viewer, None, "Người xem"),
];

/// What the demonstration start did: whether it generated data, and how to sign in.
pub struct DemoStart {
    pub generated_tasks: Option<i64>,
    pub existing_tasks: i64,
    pub accounts: Vec<DemoAccount>,
}

pub struct DemoAccount {
    pub username: String,
    pub role: String,
    pub full_name: String,
    /// A one-time password printed now; None when the user already chose a password (kept).
    pub one_time_password: Option<String>,
}

/// Fills an empty database (no task yet) with the demonstration set; makes sure every demo
/// account exists. An account never signed in to gets a fresh one-time password (the old one
/// was only ever printed); one whose password was changed keeps it.
pub async fn prepare(
    service: &Service,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<DemoStart> {
    let existing = service.counts().await?.tasks;
    let mut generated = None;
    if existing == 0 {
        progress(&format!(
            "Cơ sở dữ liệu trống: sinh bộ dữ liệu minh họa ({DEMO_TASKS} nhiệm vụ) …"
        ));
        let registry = service.registry().await?.registry;
        let data = tiendo_generate::generate(&registry, DEMO_TASKS, 2026, 3.0);
        service.insert_generated(&data, &mut |_, _, _| {}).await?;
        generated = Some(service.counts().await?.tasks);
    }
    // The demonstration acts as an administrator named "demo" in the audit log.
    let demo = User {
        username: "demo".into(),
        full_name: "Dữ liệu minh họa".into(),
        ..tiendo_service::command_line_user()
    };
    let mut accounts = Vec::new();
    for &(username, role, agency, full_name) in ACCOUNTS {
        let password = match service.account(&demo, username).await? {
            None => Some(
                service
                    .add_account(&demo, username, Some(full_name), role, agency, None)
                    .await?,
            ),
            Some((a, _)) if a.must_change_password != 0 => {
                Some(service.reset_account_password(&demo, username).await?)
            }
            Some(_) => None,
        };
        accounts.push(DemoAccount {
            username: username.into(),
            role: role.code().into(),
            full_name: full_name.into(),
            one_time_password: password,
        });
    }
    Ok(DemoStart {
        generated_tasks: generated,
        existing_tasks: existing,
        accounts,
    })
}

/// The lines printed before the server starts: the data, then how to sign in.
pub fn sign_in_text(start: &DemoStart, address: &str) -> String {
    let mut out = String::new();
    match start.generated_tasks {
        Some(n) => out.push_str(&format!("Đã sinh bộ dữ liệu minh họa: {n} nhiệm vụ.\n")),
        None => out.push_str(&format!(
            "Giữ nguyên dữ liệu đã có: {} nhiệm vụ.\n",
            start.existing_tasks
        )),
    }
    out.push_str(&format!(
        "\nMở {address} và đăng nhập bằng một trong các tài khoản sau:\n"
    ));
    for a in &start.accounts {
        let secret = match &a.one_time_password {
            Some(p) => format!("mật khẩu dùng một lần: {p}"),
            None => "mật khẩu đã đổi (giữ nguyên)".into(),
        };
        out.push_str(&format!(
            "  {:<11} {:<9} {:<28} {secret}\n",
            a.username, a.role, a.full_name
        ));
    }
    out.push_str(
        "Mật khẩu dùng một lần phải đổi ở lần đăng nhập đầu tiên. Chạy lại lệnh này để in mật khẩu mới cho tài khoản chưa đăng nhập.\n",
    );
    out
}
