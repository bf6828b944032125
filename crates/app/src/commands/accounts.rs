//! `tiendo users …`: accounts of the web application and API tokens for other systems.

use std::process::ExitCode;

use tiendo_service::accounts::NewAccount;
use tiendo_service::command_line_user;

use crate::args::UserCommand;

pub async fn run(url: &str, command: UserCommand) -> anyhow::Result<ExitCode> {
    let service = super::service(url).await?;
    let cli = command_line_user();
    match command {
        UserCommand::Add {
            username,
            role,
            agency,
            name,
            email,
            committee,
        } => {
            let password = service
                .add_account(
                    &cli,
                    NewAccount {
                        full_name: name.as_deref(),
                        agency: agency.as_deref(),
                        committee: committee.as_deref(),
                        email: email.as_deref(),
                        ..NewAccount::new(&username, role)
                    },
                )
                .await?;
            println!("Đã tạo tài khoản {username}; mật khẩu dùng một lần: {password}");
        }
        UserCommand::Committee {
            username,
            committee,
        } => {
            service
                .set_account_committee(&cli, &username, committee.as_deref())
                .await?;
            match committee {
                Some(c) => println!("Đã chuyển tài khoản {username} sang ban chỉ đạo {c}."),
                None => println!("Đã chuyển tài khoản {username} về Ban Chỉ đạo của Chính phủ."),
            }
        }
        UserCommand::SetEmail {
            username,
            email,
            remove,
        } => {
            let email = email.filter(|_| !remove);
            service
                .set_account_email(&cli, &username, email.as_deref())
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
            match service
                .set_agency_head_account(&cli, &username, agency.as_deref())
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
            service
                .set_reminder_preferences(&cli, &username, channel, frequency)
                .await?;
            println!("Đã lưu cách nhận nhắc việc của {username}.");
        }
        UserCommand::RevokeToken { username, name } => {
            let n = service.revoke_api_tokens(&cli, &username, &name).await?;
            println!("Đã thu hồi {n} mã truy cập \"{name}\" của {username}.");
        }
        UserCommand::ResetPassword { username } => {
            let password = service.reset_account_password(&cli, &username).await?;
            println!("Mật khẩu dùng một lần mới của {username}: {password}");
        }
        UserCommand::Disable { username } => {
            service.set_account_active(&cli, &username, false).await?;
            println!("Đã khóa tài khoản {username}; các phiên đăng nhập đã kết thúc.");
        }
        UserCommand::Enable { username } => {
            service.set_account_active(&cli, &username, true).await?;
            println!("Đã mở lại tài khoản {username}.");
        }
        UserCommand::SetRole {
            username,
            role,
            agency,
        } => {
            service
                .set_account_role(&cli, &username, role, agency.as_deref())
                .await?;
            println!("Đã đổi vai trò của {username} thành {}.", role.name());
        }
        UserCommand::List => {
            let now = tiendo_store::now_rfc3339();
            let (accounts, tokens) = service.accounts(&cli).await?;
            for a in accounts {
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
            let token = service
                .issue_api_token(&cli, &username, &name, expires_in_days)
                .await?;
            println!("{token}");
            eprintln!(
                "Mã truy cập API \"{name}\" cho {username} (chỉ hiện một lần): dùng trong tiêu đề Authorization: Bearer …"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
