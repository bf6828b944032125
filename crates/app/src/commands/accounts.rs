//! `tiendo users …`: accounts of the web application and API tokens for other systems.

use std::process::ExitCode;

use tiendo_service::accounts;
use tiendo_store::Db;

use crate::args::UserCommand;

pub async fn run(url: &str, command: UserCommand) -> anyhow::Result<ExitCode> {
    let db = Db::connect(url).await?;
    match command {
        UserCommand::Add {
            username,
            role,
            agency,
            name,
            email,
        } => {
            if let Some(e) = email.as_deref()
                && !tiendo_domain::reminders::valid_email(e.trim())
            {
                anyhow::bail!(
                    "địa chỉ thư điện tử không hợp lệ: \"{}\"; chưa tạo tài khoản",
                    e.trim()
                );
            }
            let full_name = name.as_deref().unwrap_or(&username);
            let password =
                accounts::create_account(&db, &username, full_name, role, agency.as_deref(), "cli")
                    .await?;
            if let Some(e) = email.as_deref() {
                db.set_user_email(&username, Some(e), "cli").await?;
            }
            println!("Đã tạo tài khoản {username}; mật khẩu dùng một lần: {password}");
        }
        UserCommand::SetEmail {
            username,
            email,
            remove,
        } => {
            let email = email.filter(|_| !remove);
            db.set_user_email(&username, email.as_deref(), "cli")
                .await?;
            match email {
                Some(e) => println!("Thư nhắc việc của {username} gửi đến {}.", e.trim()),
                None => println!("Đã bỏ địa chỉ thư điện tử của {username}."),
            }
        }
        UserCommand::Head {
            username,
            agency,
            remove,
        } => {
            let agency = agency.filter(|_| !remove);
            match db
                .set_agency_head_account(&username, agency.as_deref(), "cli")
                .await?
            {
                Some(name) => println!(
                    "{username} là tài khoản của người đứng đầu {name}: nhận báo cáo nhiệm vụ quá hạn kéo dài của cơ quan."
                ),
                None => {
                    println!("{username} không còn là tài khoản của người đứng đầu cơ quan nào.")
                }
            }
        }
        UserCommand::Reminders {
            username,
            channel,
            frequency,
        } => {
            db.set_reminder_preferences(&username, channel, frequency, "cli")
                .await?;
            println!("Đã lưu cách nhận nhắc việc của {username}.");
        }
        UserCommand::RevokeToken { username, name } => {
            let n = db.revoke_api_tokens(&username, &name, "cli").await?;
            println!("Đã thu hồi {n} mã truy cập \"{name}\" của {username}.");
        }
        UserCommand::ResetPassword { username } => {
            let id = db.account_id(&username).await?;
            let password = accounts::reset_to_one_time_password(&db, id, "cli").await?;
            println!("Mật khẩu dùng một lần mới của {username}: {password}");
        }
        UserCommand::Disable { username } => {
            db.set_account_active(&username, false, "cli").await?;
            println!("Đã khóa tài khoản {username}; các phiên đăng nhập đã kết thúc.");
        }
        UserCommand::Enable { username } => {
            db.set_account_active(&username, true, "cli").await?;
            println!("Đã mở lại tài khoản {username}.");
        }
        UserCommand::SetRole {
            username,
            role,
            agency,
        } => {
            db.set_account_role(&username, role, agency.as_deref(), "cli")
                .await?;
            println!("Đã đổi vai trò của {username} thành {}.", role.name());
        }
        UserCommand::List => {
            let now = tiendo_store::now_rfc3339();
            let tokens = db.api_tokens(None).await?;
            for a in db.accounts().await? {
                let in_force: Vec<&str> = tokens
                    .iter()
                    .filter(|t| t.user_id == a.id && t.in_force(&now))
                    .map(|t| t.name.as_str())
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    a.username,
                    a.role,
                    a.agency_code.as_deref().unwrap_or("-"),
                    if a.active == 1 {
                        "hoạt động"
                    } else {
                        "đã khóa"
                    },
                    a.email.as_deref().unwrap_or("-"),
                    a.full_name,
                    in_force.join(", ")
                );
            }
        }
        UserCommand::Token {
            username,
            name,
            expires_in_days,
        } => {
            let token =
                accounts::create_api_token(&db, &username, &name, expires_in_days, "cli").await?;
            println!("{token}");
            eprintln!(
                "Mã truy cập API \"{name}\" cho {username} (chỉ hiện một lần): dùng trong tiêu đề Authorization: Bearer …"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
