//! The command line's arguments (docs/contracts.md fixes `import`, `report overdue` and
//! `serve`): what each command takes, as clap declares it. What they do is in
//! the `commands` module.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tiendo_domain::access::UserRole;
use tiendo_domain::reminders::{Channel, Frequency};

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
    Import(ImportArgs),
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
    Score(ScoreArgs),
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
    Serve(ServeArgs),
    /// Copy the whole database to a new file while servers keep running: SQLite by an online
    /// copy (VACUUM INTO), PostgreSQL by pg_dump (custom format).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        output: PathBuf,
    },
    /// Put a backup made by `tiendo backup` in place of the database named by --database-url.
    /// Stop every server first. A database that already holds data is replaced only with --force.
    Restore {
        /// The backup file.
        #[arg(long)]
        input: PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        force: bool,
    },
    /// Accounts of the web application.
    Users {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Other systems told of changes (webhooks): subscribe, list, stop, deliver now.
    Webhooks {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Generate a synthetic, realistic data set (up to national scale) into the database.
    Generate(GenerateArgs),
    /// Compute the reminders due on a date (one digest per user) and, unless --dry-run, send
    /// them by e-mail and in the application, each once: running it again sends nothing new.
    Remind(RemindArgs),
}

#[derive(Args)]
pub struct RemindArgs {
    /// YYYY-MM-DD (default: today in Asia/Ho_Chi_Minh)
    #[arg(long)]
    pub as_of: Option<String>,
    /// Compute and print; store and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Where reminder e-mails go.
#[derive(Args, Clone, Debug, Default)]
pub struct MailArgs {
    /// The SMTP server: smtp://HOST:PORT (plain), smtp://USER:PASS@HOST:587?tls=required
    /// (STARTTLS) or smtps://USER:PASS@HOST:465. Without it e-mails stay queued.
    #[arg(long, env = "TIENDO_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of reminder e-mails.
    #[arg(
        long,
        env = "TIENDO_MAIL_FROM",
        default_value = "Tiến Độ <nhacviec@localhost>"
    )]
    pub mail_from: String,
    /// The application's address as users reach it, for the links in e-mails.
    #[arg(long, env = "TIENDO_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: String,
}

/// How reminders are computed.
#[derive(Args, Clone, Copy, Debug)]
pub struct RuleArgs {
    /// An assignment due within this many days is reminded as "due soon".
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(i64).range(0..=366))]
    pub due_within: i64,
    /// An assignment overdue more than this many days is escalated to the leaders.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub escalate_after: i64,
    /// An indicator's figure of a month is due on this day of the next month.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=28))]
    pub figures_due_day: u8,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| format!("kênh không hợp lệ: {s} (email, app, off)"))
}

fn parse_frequency(s: &str) -> Result<Frequency, String> {
    Frequency::parse(s).ok_or_else(|| format!("tần suất không hợp lệ: {s} (daily, weekly)"))
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
        /// Where reminders are e-mailed.
        #[arg(long)]
        email: Option<String>,
        /// The committee the account belongs to (a province's, added with `tiendo committees
        /// add`); without it, the Government committee's. The account sees and acts on its
        /// committee's work only.
        #[arg(long)]
        committee: Option<String>,
    },
    /// Move an account to another committee (without `--committee`: the Government's); its
    /// sessions end, the move is audited.
    Committee {
        username: String,
        #[arg(long)]
        committee: Option<String>,
    },
    /// Set the account's e-mail address (`--remove` to remove it).
    SetEmail {
        username: String,
        #[arg(required_unless_present = "remove")]
        email: Option<String>,
        #[arg(long, conflicts_with = "email")]
        remove: bool,
    },
    /// Mark the account as held by the head of an agency (by its code), who then hears of that
    /// agency's assignments overdue past the escalation threshold (`--remove` to unmark).
    Head {
        username: String,
        #[arg(required_unless_present = "remove")]
        agency: Option<String>,
        #[arg(long, conflicts_with = "agency")]
        remove: bool,
    },
    /// How the account hears of reminders.
    Reminders {
        username: String,
        /// email (by e-mail and in the application), app (in the application only), off
        #[arg(long, value_parser = parse_channel)]
        channel: Option<Channel>,
        /// daily, or weekly (on Mondays)
        #[arg(long, value_parser = parse_frequency)]
        frequency: Option<Frequency>,
    },
    /// Create an API token for another system, acting as this account.
    Token {
        username: String,
        #[arg(long)]
        name: String,
        /// The token stops working after this many days (1–3650); without it, until revoked.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List the accounts: role, agency, state, e-mail, API tokens in force.
    List,
    /// Revoke this account's API tokens of that name.
    RevokeToken {
        username: String,
        #[arg(long)]
        name: String,
    },
    /// Give the account a new one-time password (printed; to change at the next log-in) and end
    /// its sessions.
    ResetPassword { username: String },
    /// Disable the account: it cannot log in, its sessions end, its tokens stop working.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// Change the account's role (a focal point needs --agency); its sessions end.
    SetRole {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: UserRole,
        #[arg(long)]
        agency: Option<String>,
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
    /// Show or set how the committee signs its documents (the ranking, a meeting's pack): the
    /// place, the symbol after the number, the signer, the recipients. Without options, shows it.
    Signing {
        /// The committee (default: the Government's).
        #[arg(long)]
        committee: Option<String>,
        /// The place of the date line ("Hà Nội").
        #[arg(long)]
        place: Option<String>,
        /// The symbol after the number ("BC-BCĐ" gives "Số:      /BC-BCĐ").
        #[arg(long)]
        symbol: Option<String>,
        /// The authority line ("TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"; "" for none).
        #[arg(long)]
        authority: Option<String>,
        /// The signer's title ("TRƯỞNG BAN").
        #[arg(long)]
        signer_title: Option<String>,
        /// The signer's name ("" to leave it to be written by hand).
        #[arg(long)]
        signer_name: Option<String>,
        /// A recipient ("Nơi nhận"); repeat for several. Replaces the list.
        #[arg(long)]
        recipient: Vec<String>,
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
    /// Indicators on a date: each with its target in force, its latest figures (the nation's and
    /// each agency's) and where it stands (achieved, not achieved, no target, no data).
    Indicators {
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
    /// Every committee's standing on a date (the national view): its own tasks, open overdue,
    /// done on time and late, indicators by colour, difficulties awaiting answers, newest report.
    Committees {
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
    /// A month's score and ranking of the agencies (the same as `tiendo score`).
    Ranking(ScoreArgs),
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
    /// Name an agency with another system's id for it (nq57's code for a ministry, say), so
    /// that the system's pushes and exports find it: `agencies link BCA --system nq57 --id 12`.
    Link {
        code: String,
        #[arg(long)]
        system: String,
        #[arg(long)]
        id: String,
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

#[derive(Args)]
pub struct ImportArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Show what would be stored; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date the files' status columns describe (YYYY-MM-DD; default: today).
    #[arg(long)]
    pub reported_on: Option<String>,
    /// Key that identifies the appendix across versions (default: the file name without extension).
    #[arg(long)]
    pub document: Option<String>,
    /// The committee assigning these tasks (default: the Government steering committee).
    #[arg(long)]
    pub committee: Option<String>,
    /// The files are this system's export ("nq57"): each task's id there is read from the id
    /// column; a task already stored under its id is updated (whatever file it came from),
    /// never made again.
    #[arg(long)]
    pub system: Option<String>,
    /// The header of the id column, with --system (default: the first of "Mã nhiệm vụ",
    /// "Mã số nhiệm vụ", "Mã NV", "Mã định danh", "Mã", "ID", "Mã số").
    #[arg(long, requires = "system")]
    pub id_column: Option<String>,
}

#[derive(Args)]
pub struct ScoreArgs {
    /// YYYY-MM
    #[arg(long)]
    pub month: String,
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    pub format: ReportFormat,
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Score with this formula (TOML) instead of the published one, to compare.
    #[arg(long)]
    pub formula: Option<PathBuf>,
    #[arg(long)]
    pub attached_to: Option<String>,
    /// Where the document is issued (default: Hà Nội).
    #[arg(long)]
    pub place: Option<String>,
}

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Session cookies without the Secure flag, for a plain-HTTP intranet address (browsers
    /// drop Secure cookies over HTTP except on localhost). Prefer HTTPS through a reverse proxy.
    #[arg(long)]
    pub plain_http_cookies: bool,
    /// Demonstration: an empty database is first filled with a realistic data set (a few
    /// thousand tasks) and one account per role, whose one-time passwords are printed.
    /// Existing data is kept.
    #[arg(long)]
    pub demo: bool,
    /// When the day's reminders go out, Vietnam's time (HH:MM), or "off".
    #[arg(long, env = "TIENDO_REMIND_AT", default_value = "07:00")]
    pub remind_at: String,
    /// How log lines are written: json (one object per line), text, or auto (text at a
    /// terminal, JSON otherwise). The level: TIENDO_LOG (default info).
    #[arg(long, env = "TIENDO_LOG_FORMAT", default_value = "auto", value_parser = ["auto", "json", "text"])]
    pub log_format: String,
    /// Seconds a connection may take to send a request's head; an idle kept-alive connection
    /// is closed after as long.
    #[arg(long, default_value_t = 15)]
    pub header_timeout: u64,
    /// Seconds a request body may stall between two pieces.
    #[arg(long, default_value_t = 30)]
    pub body_timeout: u64,
    /// Bytes a second a request body must average once --body-timeout has passed (a body dripped
    /// a byte at a time is cut); 0 for no such floor.
    #[arg(long, default_value_t = 256)]
    pub body_min_rate: u64,
    /// Seconds after which a request is answered 503 if it is not done.
    #[arg(long, default_value_t = 120)]
    pub request_timeout: u64,
    /// Connections served at once; the next waits to be accepted.
    #[arg(long, default_value_t = 4096)]
    pub max_connections: usize,
    /// Seconds given to the requests in flight after SIGTERM.
    #[arg(long, default_value_t = 30)]
    pub shutdown_grace: u64,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long, default_value_t = 1000)]
    pub tasks: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Average number of progress reports per assignment.
    #[arg(long, default_value_t = 4.0)]
    pub reports_per_assignment: f64,
    /// Write the generated tasks as a Word appendix in the committee's layout to this file
    /// (for `tiendo import`) instead of storing them.
    #[arg(long)]
    pub docx: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Tell a system of changes of these kinds at this address; prints the secret that signs
    /// each delivery (shown once).
    Add {
        /// The system's name ("nq57", "vpcp").
        #[arg(long)]
        system: String,
        /// Where deliveries are posted (http:// or https://).
        #[arg(long)]
        url: String,
        /// Kinds of change, comma-separated: task, assignment, report, deadline, difficulty,
        /// commitment, document, indicator; or * for all of them.
        #[arg(long, default_value = "*")]
        events: String,
        /// Only this committee's changes (its tasks, documents and indicators): a province's
        /// system. Default: every change of those kinds.
        #[arg(long)]
        committee: Option<String>,
    },
    /// The subscribed systems and what waits to be delivered to each.
    List,
    /// Stop telling a system.
    Remove {
        #[arg(long)]
        system: String,
    },
    /// Deliver what is due now (`serve` does it every few seconds).
    Deliver,
}
