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
