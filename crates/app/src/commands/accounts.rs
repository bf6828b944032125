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
        } => {
            let full_name = name.as_deref().unwrap_or(&username);
            let password =
                accounts::create_account(&db, &username, full_name, role, agency.as_deref(), "cli")
                    .await?;
            println!("Đã tạo tài khoản {username}; mật khẩu dùng một lần: {password}");
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
        UserCommand::Token { username, name } => {
            let token = accounts::create_api_token(&db, &username, &name, "cli").await?;
            println!("{token}");
            eprintln!(
                "Mã truy cập API \"{name}\" cho {username} (chỉ hiện một lần): dùng trong tiêu đề Authorization: Bearer …"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
