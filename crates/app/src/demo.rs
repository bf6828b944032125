//! `tiendo serve --demo`: an empty database filled with a realistic demonstration data set and one
//! account per role, so that a new user sees the product at once. Existing data is kept.

use tiendo_domain::access::UserRole;
use tiendo_service::accounts::NewAccount;
use tiendo_service::{Service, operations};
use tiendo_store::users::User;

/// How many tasks the demonstration data set holds (every deadline form, group assignments,
/// reports, extensions, difficulties, commitments, conclusion notices).
pub const DEMO_TASKS: usize = 3000;

/// One account per role: (user name, role, agency code, committee code, full name). Accounts
/// without a committee are the Government committee's.
type DemoAccountSpec = (
    &'static str,
    UserRole,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

const ACCOUNTS: &[DemoAccountSpec] = &[
    ("admin", UserRole::Admin, None, None, "Quản trị hệ thống"),
    (
        "thuongtruc",
        UserRole::Standing,
        None,
        None,
        "Cán bộ Cơ quan thường trực",
    ),
    (
        "lanhdao",
        UserRole::Leader,
        None,
        None,
        "Lãnh đạo Ban Chỉ đạo",
    ),
    (
        "dm.byt",
        UserRole::Focal,
        Some("BYT"),
        None,
        "Đầu mối Bộ Y tế",
    ),
    (
        "dm.hanoi",
        UserRole::Focal,
        Some("P_HANOI"),
        Some("BCD_HANOI"),
        "Đầu mối Thành phố Hà Nội",
    ),
    ("xem", UserRole::Viewer, None, None, "Người xem"),
    (
        "tt.hanoi",
        UserRole::Standing,
        None,
        Some("BCD_HANOI"),
        "Cán bộ thường trực Ban Chỉ đạo Hà Nội",
    ),
    (
        "dm.hn.stc",
        UserRole::Focal,
        Some("HN_STC"),
        Some("BCD_HANOI"),
        "Đầu mối Sở Tài chính Hà Nội",
    ),
    (
        "tt.danang",
        UserRole::Standing,
        None,
        Some("BCD_DANANG"),
        "Cán bộ thường trực Ban Chỉ đạo Đà Nẵng",
    ),
];

/// A province's committee of the demonstration: its code and name, its province, its own
/// departments and communes (code, name, kind), its plan (CSV, read with its registry).
struct DemoProvince {
    code: &'static str,
    name: &'static str,
    province: &'static str,
    agencies: &'static [(&'static str, &'static str, &'static str)],
    plan: &'static str,
}

const PROVINCES: &[DemoProvince] = &[
    DemoProvince {
        code: "BCD_HANOI",
        name: "Ban Chỉ đạo thành phố Hà Nội",
        province: "P_HANOI",
        agencies: &[
            ("HN_STC", "Sở Tài chính", "department"),
            ("HN_SKHCN", "Sở Khoa học và Công nghệ", "department"),
            ("HN_SNV", "Sở Nội vụ", "department"),
            ("HN_CATP", "Công an thành phố Hà Nội", "department"),
            ("HN_HOANKIEM", "UBND phường Hoàn Kiếm", "commune"),
            ("HN_BADINH", "UBND phường Ba Đình", "commune"),
        ],
        plan: "STT,Nhiệm vụ,Chủ trì,Phối hợp,Thời hạn\n\
1,Số hóa hồ sơ địa chính và kết nối cơ sở dữ liệu đất đai của thành phố,Sở Tài chính,Sở Khoa học và Công nghệ,30/6/2026\n\
2,Triển khai chữ ký số cho cán bộ cấp xã,Sở Khoa học và Công nghệ,Sở Nội vụ,Quý III/2026\n\
3,Làm sạch dữ liệu dân cư phục vụ dịch vụ công trực tuyến,Công an thành phố Hà Nội,UBND phường Hoàn Kiếm,31/12/2026\n\
4,Chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính,Sở Nội vụ,\"UBND phường Hoàn Kiếm, UBND phường Ba Đình\",Quý I/2027\n\
5,Báo cáo tiến độ chuyển đổi số hằng tháng,Sở Khoa học và Công nghệ,,Thường xuyên\n\
6,Xây dựng kho dữ liệu mở của thành phố,Sở Khoa học và Công nghệ,Sở Tài chính,30/6/2027\n\
7,Số hóa hồ sơ hộ tịch tại phường,UBND phường Ba Đình,Sở Nội vụ,30/9/2026\n",
    },
    DemoProvince {
        code: "BCD_DANANG",
        name: "Ban Chỉ đạo thành phố Đà Nẵng",
        province: "P_DANANG",
        agencies: &[
            ("DN_STC", "Sở Tài chính", "department"),
            ("DN_SKHCN", "Sở Khoa học và Công nghệ", "department"),
            ("DN_HAICHAU", "UBND phường Hải Châu", "commune"),
        ],
        plan: "STT,Nhiệm vụ,Chủ trì,Phối hợp,Thời hạn\n\
1,Vận hành trung tâm giám sát điều hành thông minh,Sở Khoa học và Công nghệ,,Quý II/2026\n\
2,Kết nối dữ liệu tài chính công với hệ thống quốc gia,Sở Tài chính,Sở Khoa học và Công nghệ,31/3/2027\n\
3,Thí điểm phường không giấy tờ,UBND phường Hải Châu,Sở Khoa học và Công nghệ,31/12/2026\n",
    },
];

/// Adds the provinces' committees the demonstration shows, with their departments, communes and
/// plans, when they are not there yet.
async fn ensure_provinces(service: &Service, demo: &User) -> anyhow::Result<()> {
    let existing = service.committees().await?;
    for p in PROVINCES {
        if existing.iter().any(|c| c.code == p.code) {
            continue;
        }
        operations::add_committee(service, demo, p.code, p.name, Some(p.province)).await?;
        for &(code, name, kind) in p.agencies {
            let kind = tiendo_domain::agency::AgencyKind::parse(kind)
                .ok_or_else(|| anyhow::anyhow!("loại cơ quan {kind}"))?;
            let record = tiendo_domain::agency::AgencyRecord {
                code: code.into(),
                name: name.into(),
                kind,
                short: None,
                aliases: vec![],
                parent: None,
                valid_from: None,
                valid_to: None,
                successor: None,
                committee: Some(p.code.into()),
            };
            operations::add_agency_record(service, demo, &record).await?;
        }
        let registry = service.registry_for(Some(p.code)).await?.registry;
        let reported_on = time::macros::date!(2026 - 01 - 05);
        let file = format!("ke-hoach-{}.csv", p.code.to_lowercase());
        let read = tiendo_office::read_bytes(
            &file,
            p.plan.as_bytes(),
            tiendo_office::ReadOptions {
                registry: &registry,
                reported_on,
            },
        )?;
        let title = vec![format!("Kế hoạch chuyển đổi số năm 2026 của {}", p.name)];
        operations::import_document(
            service,
            demo,
            operations::ImportRequest {
                committee: Some(p.code),
                key: Some(&file),
                file_name: &file,
                title: &title,
                tasks: &read.tasks,
                difficulties: &read.difficulties,
                indicators: &read.indicators,
                warnings: &read.warnings,
                reported_on,
                progress: None,
                external_system: None,
                silence_rule: read.silence_rule.as_ref(),
            },
        )
        .await?;
    }
    Ok(())
}

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
    ensure_provinces(service, &demo).await?;
    let mut accounts = Vec::new();
    for &(username, role, agency, committee, full_name) in ACCOUNTS {
        let password = match service.account(&demo, username).await? {
            None => Some(
                service
                    .add_account(
                        &demo,
                        NewAccount {
                            full_name: Some(full_name),
                            agency,
                            committee,
                            ..NewAccount::new(username, role)
                        },
                    )
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
            "  {:<11} {:<9} {:<40} {secret}\n",
            a.username, a.role, a.full_name
        ));
    }
    out.push_str(
        "Mật khẩu dùng một lần phải đổi ở lần đăng nhập đầu tiên. Chạy lại lệnh này để in mật khẩu mới cho tài khoản chưa đăng nhập.\n",
    );
    out
}
