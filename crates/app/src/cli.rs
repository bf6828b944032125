//! The command line (docs/contracts.md fixes `import`, `report overdue` and `serve`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{Parser, Subcommand, ValueEnum};
use tiendo_domain::access::UserRole;
use tiendo_domain::agency::{AgencyKind, RefKind, Registry};
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_office::{DocumentPreview, ReadOptions};
use tiendo_service::{Service, accounts, command_line_user, operations};
use tiendo_store::Db;
use tiendo_store::import::{ImportInput, ImportSummary};
use time::Date;

#[derive(Parser)]
#[command(
    name = "tiendo",
    version,
    about = "Tiến Độ — theo dõi nhiệm vụ Ban Chỉ đạo giao đến khi từng cơ quan hoàn thành"
)]
pub struct Cli {
    /// sqlite://PATH (default: tiendo.db in the working directory) or postgres://…
    #[arg(
        long,
        env = "TIENDO_DATABASE_URL",
        default_value = "sqlite://tiendo.db",
        global = true
    )]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Read Word (.docx), Excel (.xlsx/.xls/.ods), CSV or tab-separated text task tables; store them
    /// unless --dry-run.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Show what would be stored; store nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The date the files' status columns describe (YYYY-MM-DD; default: today).
        #[arg(long)]
        reported_on: Option<String>,
        /// Key that identifies the appendix across versions (default: the file name without extension).
        #[arg(long)]
        document: Option<String>,
        /// The committee assigning these tasks (default: the Government steering committee).
        #[arg(long)]
        committee: Option<String>,
    },
    /// Steering committees: the Government's and each province's.
    Committees {
        #[command(subcommand)]
        command: CommitteeCommand,
    },
    /// Reports built from the data.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// The agency registry.
    Agencies {
        #[command(subcommand)]
        command: AgencyCommand,
    },
    /// The monthly score and ranking of the agencies, with the change from the previous month.
    Score {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Score with this formula (TOML) instead of the published one, to compare.
        #[arg(long)]
        formula: Option<PathBuf>,
        #[arg(long)]
        attached_to: Option<String>,
        /// Where the document is issued (default: Hà Nội).
        #[arg(long)]
        place: Option<String>,
    },
    /// The published scoring formula.
    Formula {
        #[command(subcommand)]
        command: FormulaCommand,
    },
    /// Meetings of the committee, their conclusion notices, and the pack for the next meeting.
    Meetings {
        #[command(subcommand)]
        command: MeetingCommand,
    },
    /// Start the web application and the JSON API (OpenAPI at /api/openapi.json).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Session cookies without the Secure flag, for a plain-HTTP intranet address (browsers
        /// drop Secure cookies over HTTP except on localhost). Prefer HTTPS through a reverse proxy.
        #[arg(long)]
        plain_http_cookies: bool,
        /// Demonstration: an empty database is first filled with a realistic data set (a few
        /// thousand tasks) and one account per role, whose one-time passwords are printed.
        /// Existing data is kept.
        #[arg(long)]
        demo: bool,
    },
    /// Accounts of the web application.
    Users {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Generate a synthetic, realistic data set (up to national scale) into the database.
    Generate {
        #[arg(long, default_value_t = 1000)]
        tasks: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Average number of progress reports per assignment.
        #[arg(long, default_value_t = 4.0)]
        reports_per_assignment: f64,
        /// Write the generated tasks as a Word appendix in the committee's layout to this file
        /// (for `tiendo import`) instead of storing them.
        #[arg(long)]
        docx: Option<PathBuf>,
    },
}

/// A role as typed on the command line, by its code.
fn parse_role(s: &str) -> Result<UserRole, String> {
    UserRole::try_from(s.to_string())
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a one-time password to change at first log-in.
    Add {
        username: String,
        /// admin, standing (standing-agency officer), leader, focal (agency focal point), viewer
        #[arg(long, value_parser = parse_role)]
        role: UserRole,
        /// Registry code of the agency (required for focal points).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Create an API token for another system, acting as this account.
    Token {
        username: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum CommitteeCommand {
    /// List the committees.
    List,
    /// Add a committee, e.g. a province's: `tiendo committees add BCD_HANOI --name "…" --province P_HANOI`.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// Registry code of the province or city whose committee it is.
        #[arg(long)]
        province: Option<String>,
    },
}

/// How an official document names what it goes with, and where it is issued.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct DocArgs {
    /// The "(Kèm theo …)" line of an appendix, e.g. "Báo cáo số 123/BC-BCA ngày 20/11/2026".
    #[arg(long)]
    pub attached_to: Option<String>,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Tasks late on a date: due date in force before --as-of and a lead agency not done by then.
    Overdue {
        #[arg(long)]
        as_of: String,
        /// Only this committee's tasks (default: all).
        #[arg(long)]
        committee: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        doc: DocArgs,
    },
    /// Results of the tasks of one document (a conclusion notice "552/TB-VPCP", or an imported
    /// appendix's key): lead, deadline, latest reported result, status in the documents' words.
    Results {
        #[arg(long)]
        document: String,
        /// Default: today.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        doc: DocArgs,
    },
    /// Late assignments with the agencies' commitments (completion date and roadmap). With
    /// --answer-by, an agency that has not committed by that date is recorded as committing to
    /// finish within that month (the rule of notice 2352/BCA-VPB).
    Commitments {
        #[arg(long)]
        as_of: String,
        #[arg(long)]
        answer_by: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        doc: DocArgs,
    },
    /// Difficulties raised by the agencies, who must resolve them, the answers and their deadlines;
    /// grouped into ministries and localities.
    Difficulties {
        /// Default: today.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        doc: DocArgs,
    },
    /// Totals on a date: tasks by state (a task is late when a lead agency is late, done when every
    /// lead is done) and the four-way counts of all lead assignments.
    Summary {
        #[arg(long)]
        as_of: String,
    },
    /// Open lead assignments due within --days days of --as-of.
    DueSoon {
        #[arg(long)]
        as_of: String,
        #[arg(long, default_value_t = 7)]
        days: i64,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Per agency: the four-way counts of its lead assignments on a date, the on-time rate, the
    /// difficulties it raised and owes that are still open.
    Agencies {
        #[arg(long)]
        as_of: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        doc: DocArgs,
    },
}

#[derive(Subcommand)]
pub enum FormulaCommand {
    /// Print the scoring formula in force for a month (default: this month).
    Show {
        #[arg(long)]
        month: Option<String>,
    },
    /// Publish a new formula (TOML, as `formula show` prints it) from a month on: this month or a
    /// later one; months already scored keep theirs.
    Publish {
        file: PathBuf,
        #[arg(long)]
        from_month: String,
    },
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Record a meeting of the committee and the documents it issued (its conclusion notice).
    Add {
        #[arg(long)]
        name: String,
        /// YYYY-MM-DD
        #[arg(long)]
        held_on: String,
        /// The conclusion notice ("624/TB-VPCP") or the key of an appendix imported for it;
        /// repeat for several.
        #[arg(long = "document")]
        documents: Vec<String>,
        #[arg(long)]
        committee: Option<String>,
    },
    /// Link another document to a meeting.
    Link {
        meeting: i64,
        #[arg(long)]
        document: String,
    },
    /// List the meetings, latest first.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Prepare the next meeting: the results of the previous meeting's tasks and the overdue
    /// list, as one Word file.
    Prepare {
        /// The meeting whose conclusion is followed up (default: the latest).
        #[arg(long)]
        meeting: Option<i64>,
        /// Default: today.
        #[arg(long)]
        as_of: Option<String>,
        /// The name of the meeting being prepared ("Phiên họp lần thứ sáu").
        #[arg(long)]
        next: Option<String>,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where the report is issued (default: Hà Nội).
        #[arg(long)]
        place: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// List agencies (in force on --on, default today) and groups.
    List {
        #[arg(long)]
        on: Option<String>,
        /// Only this kind (ministry, province, city, corporation, …).
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show what the resolver makes of an agency cell.
    Resolve {
        text: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Add another spelling of an agency.
    AddAlias { code: String, alias: String },
    /// Add an agency: a department or commune of a provincial committee, a new body, …
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// ministry, ministry_level, government_agency, province, city, corporation, department, commune, …
        #[arg(long)]
        kind: String,
        /// The provincial committee whose own agency it is.
        #[arg(long)]
        committee: Option<String>,
        #[arg(long)]
        parent: Option<String>,
        /// Name used after a shared prefix ("Các sở: Tài chính, Xây dựng").
        #[arg(long)]
        short: Option<String>,
        #[arg(long = "alias")]
        aliases: Vec<String>,
        #[arg(long)]
        valid_from: Option<String>,
        #[arg(long)]
        valid_to: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Format {
    Json,
    Text,
}

/// Report formats: the two official ones write a file (--output, or a default name).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ReportFormat {
    Json,
    Text,
    Docx,
    Xlsx,
}

pub(crate) fn parse_date_arg(name: &str, s: &str) -> anyhow::Result<Date> {
    parse_user_date(s).ok_or_else(|| anyhow!("{name}: ngày không hợp lệ \"{s}\" (dùng YYYY-MM-DD)"))
}

pub(crate) fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// The registry to read with: the database's when it exists, else the shipped one (a dry run on a
/// new machine creates no database).
async fn registry_for_reading(
    url: &str,
    dry_run: bool,
    committee: Option<&str>,
) -> anyhow::Result<(Registry, Option<Db>)> {
    if dry_run
        && committee.is_none()
        && let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        && !path.contains("memory")
        && !Path::new(path.split('?').next().unwrap_or(path)).exists()
    {
        return Ok((Registry::default_registry()?, None));
    }
    let db = Db::connect(url).await?;
    if let Some(c) = committee
        && !db.committees().await?.iter().any(|x| x.0 == c)
    {
        bail!("không có ban chỉ đạo mã {c} (xem: tiendo committees list)");
    }
    let reg = db.load_registry_for(committee).await?.registry;
    Ok((reg, Some(db)))
}

/// Writes a Word or Excel report to --output (or a default name in the working directory) and
/// says where.
pub(crate) fn write_official(
    doc: &tiendo_office::official::OfficialDoc,
    format: ReportFormat,
    output: Option<PathBuf>,
    default_stem: &str,
) -> anyhow::Result<ExitCode> {
    let (bytes, ext) = match format {
        ReportFormat::Docx => (doc.to_docx()?, "docx"),
        _ => (doc.to_xlsx()?, "xlsx"),
    };
    let path = output.unwrap_or_else(|| PathBuf::from(format!("{default_stem}.{ext}")));
    std::fs::write(&path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
    eprintln!("Đã ghi {}", path.display());
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn emit(output: &Option<PathBuf>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("không ghi được {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
            Ok(())
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Import {
            files,
            dry_run,
            format,
            reported_on,
            document,
            committee,
        } => {
            let reported_on = match reported_on {
                Some(s) => parse_date_arg("--reported-on", &s)?,
                None => today(),
            };
            if document.is_some() && files.len() > 1 {
                bail!("--document chỉ dùng khi nhập một tệp");
            }
            let (registry, db) =
                registry_for_reading(&cli.database_url, dry_run, committee.as_deref()).await?;
            let mut previews: Vec<DocumentPreview> = Vec::new();
            for f in &files {
                eprintln!("Đang đọc {} …", f.display());
                match tiendo_office::read_path(
                    f,
                    ReadOptions {
                        registry: &registry,
                        reported_on,
                    },
                ) {
                    Ok(p) => previews.push(p),
                    Err(e) => {
                        eprintln!("{}: {e}", f.display());
                        if files.len() > 1 {
                            eprintln!("Không lưu tệp nào.");
                        }
                        return Ok(ExitCode::FAILURE);
                    }
                }
            }
            let mut stored: Vec<Option<ImportSummary>> = Vec::new();
            if !dry_run {
                let db = match db {
                    Some(db) => db,
                    None => Db::connect(&cli.database_url).await?,
                };
                for (p, f) in previews.iter().zip(&files) {
                    let key = document.clone().unwrap_or_else(|| {
                        f.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_else(|| p.file.clone())
                    });
                    if p.tasks.len() > 200 {
                        eprintln!("Đang lưu {} nhiệm vụ của {} …", p.tasks.len(), p.file);
                    }
                    let s = db
                        .import_document(ImportInput {
                            committee: committee.as_deref(),
                            doc_key: &key,
                            file_name: &p.file,
                            title: if p.title.is_empty() {
                                None
                            } else {
                                Some(p.title.join(" — "))
                            },
                            tasks: &p.tasks,
                            warnings: &p.warnings,
                            reported_on,
                            actor: "cli",
                            progress: Some(&|done, total| {
                                eprintln!("  đã lưu {done}/{total} nhiệm vụ …")
                            }),
                        })
                        .await
                        .with_context(|| format!("{}: không lưu được", p.file))?;
                    stored.push(Some(s));
                }
            } else {
                stored = previews.iter().map(|_| None).collect();
            }
            match format {
                Format::Json => {
                    let docs: Vec<serde_json::Value> = previews
                        .iter()
                        .zip(&stored)
                        .map(|(p, s)| {
                            let mut v = serde_json::to_value(p).unwrap_or_default();
                            if let (Some(s), Some(obj)) = (s, v.as_object_mut()) {
                                obj.insert(
                                    "stored".into(),
                                    serde_json::to_value(s).unwrap_or_default(),
                                );
                            }
                            v
                        })
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&serde_json::json!({ "documents": docs }))?
                    );
                }
                Format::Text => {
                    for (p, s) in previews.iter().zip(&stored) {
                        print!("{}", preview_text(p));
                        if let Some(s) = s {
                            println!(
                                "Đã lưu: {} nhiệm vụ mới, {} cập nhật, {} không đổi; {} phân công; {} báo cáo.",
                                s.tasks_created,
                                s.tasks_updated,
                                s.tasks_unchanged,
                                s.assignments,
                                s.reports
                            );
                            for c in &s.changes {
                                println!("  thay đổi: {c}");
                            }
                        }
                    }
                }
            }
            for (p, s) in previews.iter().zip(&stored) {
                let unresolved: usize = p
                    .tasks
                    .iter()
                    .flat_map(|t| {
                        t.lead
                            .iter()
                            .chain(&t.coordinators)
                            .chain(&t.incomplete_units)
                    })
                    .filter(|r| r.kind == RefKind::Unresolved)
                    .count();
                let assignments: Option<u64> = s.as_ref().map(|s| s.assignments);
                eprintln!(
                    "{}: {} nhiệm vụ, {} phân công, {} cảnh báo, {} cơ quan chưa xác định{}",
                    p.file,
                    p.tasks.len(),
                    assignments
                        .map(|a| a.to_string())
                        .unwrap_or_else(|| "—".into()),
                    p.warnings.len(),
                    unresolved,
                    if dry_run {
                        " (chạy thử, không lưu)"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { report } => {
            let db = Db::connect(&cli.database_url).await?;
            crate::report_commands::run(&db, report).await
        }
        Command::Score {
            month,
            format,
            output,
            formula,
            attached_to,
            place,
        } => {
            let db = Db::connect(&cli.database_url).await?;
            crate::report_commands::score(&db, &month, format, output, formula, attached_to, place)
                .await
        }
        Command::Formula { command } => {
            let db = Db::connect(&cli.database_url).await?;
            crate::report_commands::formula(&db, command).await
        }
        Command::Meetings { command } => {
            let db = Db::connect(&cli.database_url).await?;
            crate::report_commands::meetings(&db, command).await
        }
        Command::Agencies { command } => {
            match command {
                AgencyCommand::List { on, kind, format } => {
                    let on = match on {
                        Some(s) => parse_date_arg("--on", &s)?,
                        None => today(),
                    };
                    let kind = match kind {
                        Some(k) => Some(
                            AgencyKind::parse(&k)
                                .ok_or_else(|| anyhow!("--kind: không có loại \"{k}\""))?,
                        ),
                        None => None,
                    };
                    let (reg, _) = registry_for_reading(&cli.database_url, false, None).await?;
                    let list: Vec<_> = reg
                        .agencies()
                        .iter()
                        .filter(|a| a.valid_on(on) && kind.is_none_or(|k| a.kind == k))
                        .collect();
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &serde_json::json!({ "on": iso(on), "agencies": list, "groups": reg.groups() })
                            )?
                        ),
                        Format::Text => {
                            for a in &list {
                                println!(
                                    "{:<12} {:<18} {}{}",
                                    a.code,
                                    a.kind.as_str(),
                                    a.name,
                                    if a.aliases.is_empty() {
                                        String::new()
                                    } else {
                                        format!("  ({})", a.aliases.join(", "))
                                    }
                                );
                            }
                            println!("\nNhóm:");
                            for g in reg.groups() {
                                println!(
                                    "{:<16} {} → {} thành viên",
                                    g.code,
                                    g.name,
                                    reg.members(&g.code, on).len()
                                );
                            }
                            println!("\n{} cơ quan có hiệu lực ngày {}", list.len(), vn(on));
                        }
                    }
                }
                AgencyCommand::Resolve { text, on, format } => {
                    let on = match on {
                        Some(s) => Some(parse_date_arg("--on", &s)?),
                        None => Some(today()),
                    };
                    let (reg, _) = registry_for_reading(&cli.database_url, true, None).await?;
                    let refs = reg.resolve(&text, on);
                    match format {
                        Format::Json => println!("{}", serde_json::to_string_pretty(&refs)?),
                        Format::Text => {
                            for r in &refs {
                                let kind = match r.kind {
                                    RefKind::Agency => "agency",
                                    RefKind::Group => "group",
                                    RefKind::Unresolved => "unresolved",
                                };
                                let mut line = format!("{kind:<10} {}", r.name);
                                if let Some(c) = &r.code {
                                    line.push_str(&format!(" [{c}]"));
                                }
                                if r.raw != r.name {
                                    line.push_str(&format!("  ← \"{}\"", r.raw));
                                }
                                if let Some(u) = &r.unit {
                                    line.push_str(&format!("  đơn vị: {u}"));
                                }
                                if let Some(n) = &r.note {
                                    line.push_str(&format!("  ({n})"));
                                }
                                if r.kind == RefKind::Group
                                    && let (Some(code), Some(d)) = (&r.code, on)
                                {
                                    line.push_str(&format!(
                                        "  → {} cơ quan",
                                        reg.members(code, d).len()
                                    ));
                                }
                                println!("{line}");
                            }
                        }
                    }
                }
                AgencyCommand::Add {
                    code,
                    name,
                    kind,
                    committee,
                    parent,
                    short,
                    aliases,
                    valid_from,
                    valid_to,
                } => {
                    let kind = AgencyKind::parse(&kind)
                        .ok_or_else(|| anyhow!("--kind: không có loại \"{kind}\""))?;
                    let record = tiendo_domain::agency::AgencyRecord {
                        code: code.clone(),
                        name,
                        kind,
                        short,
                        aliases,
                        parent,
                        valid_from: valid_from
                            .map(|d| parse_date_arg("--valid-from", &d))
                            .transpose()?,
                        valid_to: valid_to
                            .map(|d| parse_date_arg("--valid-to", &d))
                            .transpose()?,
                        successor: None,
                        committee,
                    };
                    let service = Service::for_command(Db::connect(&cli.database_url).await?);
                    operations::add_agency_record(&service, &command_line_user(), &record).await?;
                    println!("Đã thêm cơ quan {code}: {}", record.name);
                }
                AgencyCommand::AddAlias { code, alias } => {
                    let service = Service::for_command(Db::connect(&cli.database_url).await?);
                    operations::add_alias(&service, &command_line_user(), &code, &alias).await?;
                    println!("Đã thêm tên gọi \"{alias}\" cho {code}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            bind,
            plain_http_cookies,
            demo,
        } => {
            let db = Db::connect(&cli.database_url).await?;
            let demo = match demo {
                true => Some(crate::demo::prepare(&db, &mut |line| eprintln!("{line}")).await?),
                false => None,
            };
            if plain_http_cookies {
                eprintln!(
                    "Cảnh báo: cookie phiên không có cờ Secure (--plain-http-cookies); chỉ dùng trong mạng nội bộ tin cậy."
                );
            }
            tiendo_web::serve(db, &bind, !plain_http_cookies, |address| {
                if let Some(start) = &demo {
                    eprint!("{}", crate::demo::sign_in_text(start, address));
                }
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Users { command } => {
            let db = Db::connect(&cli.database_url).await?;
            match command {
                UserCommand::Add {
                    username,
                    role,
                    agency,
                    name,
                } => {
                    let password = accounts::create_account(
                        &db,
                        &username,
                        name.as_deref().unwrap_or(&username),
                        role,
                        agency.as_deref(),
                        "cli",
                    )
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
        Command::Committees { command } => {
            let db = Db::connect(&cli.database_url).await?;
            match command {
                CommitteeCommand::List => {
                    for (code, name, level, province) in db.committees().await? {
                        println!(
                            "{code:<16} {level:<9} {name}{}",
                            province.map(|p| format!(" ({p})")).unwrap_or_default()
                        );
                    }
                }
                CommitteeCommand::Add {
                    code,
                    name,
                    province,
                } => {
                    db.add_committee(&code, &name, province.as_deref(), "cli")
                        .await?;
                    println!("Đã thêm ban chỉ đạo {code}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            tasks,
            seed,
            reports_per_assignment,
            docx,
        } => {
            if tasks == 0 || tasks > 1_000_000 {
                bail!("--tasks phải từ 1 đến 1.000.000");
            }
            if !(0.0..=50.0).contains(&reports_per_assignment) {
                bail!("--reports-per-assignment phải từ 0 đến 50");
            }
            if let Some(path) = docx {
                // The registry as seeded; nothing is written to a database.
                let reg = Registry::default_registry()?;
                let bytes = tiendo_generate::appendix_docx(&reg, tasks, seed)?;
                std::fs::write(&path, bytes)
                    .with_context(|| format!("không ghi được {}", path.display()))?;
                eprintln!(
                    "Đã ghi phụ lục {tasks} nhiệm vụ vào {} (nhập bằng: tiendo import {})",
                    path.display(),
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let db = Db::connect(&cli.database_url).await?;
            let reg = db.load_registry().await?.registry;
            let g = tiendo_generate::generate(&reg, tasks, seed, reports_per_assignment);
            eprintln!(
                "Sinh {} nhiệm vụ, {} phân công, {} báo cáo, {} lần gia hạn …",
                g.tasks.len(),
                g.assignments.len(),
                g.reports.len(),
                g.changes.len()
            );
            let mut last = std::time::Instant::now();
            let s = db
                .bulk_insert(&g, &mut |label, done, total| {
                    if last.elapsed().as_secs() >= 2 || done == total {
                        eprintln!("  {label}: {done}/{total}");
                        last = std::time::Instant::now();
                    }
                })
                .await?;
            println!("{}", serde_json::to_string(&s)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// A readable preview: one line per task, then the warnings.
pub fn preview_text(p: &DocumentPreview) -> String {
    let mut s = format!("{} — {} nhiệm vụ\n", p.file, p.tasks.len());
    let mut last_heading: Vec<String> = Vec::new();
    for t in &p.tasks {
        if t.headings != last_heading {
            for h in &t.headings {
                if !last_heading.contains(h) {
                    s.push_str(&format!("\n  {h}\n"));
                }
            }
            last_heading = t.headings.clone();
        }
        let lead: Vec<String> = t
            .lead
            .iter()
            .map(|r| match r.kind {
                RefKind::Unresolved => format!("?{}", r.name),
                _ => r.name.clone(),
            })
            .collect();
        s.push_str(&format!(
            "  {:>4}  {:<60}  {:<40}  {} → {}\n",
            t.number,
            short(&t.name, 60),
            short(&lead.join("; "), 40),
            short(&t.deadline.raw, 30),
            t.deadline
                .due
                .map(vn)
                .unwrap_or_else(|| t.deadline.kind.as_str().to_string())
        ));
        // What a person should check before confirming (tasks read from prose).
        for n in &t.notes {
            s.push_str(&format!("        ! {n}\n"));
        }
    }
    if !p.warnings.is_empty() {
        s.push_str(&format!("\nCảnh báo ({}):\n", p.warnings.len()));
        for w in &p.warnings {
            s.push_str(&format!("  - {w}\n"));
        }
    }
    s
}
