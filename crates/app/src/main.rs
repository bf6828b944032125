use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tiendo_domain::agency::Registry;

#[derive(Parser)]
#[command(name = "tiendo", version, about = "Tiến Độ — theo dõi nhiệm vụ của Ban Chỉ đạo")]
struct Cli {
    /// sqlite://PATH (default: tiendo.db in the working directory) or postgres://…
    #[arg(long, env = "TIENDO_DATABASE_URL", default_value = "sqlite://tiendo.db", global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read Word, Excel, CSV or text task tables; store them unless --dry-run.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
        /// The date the files' status columns describe (YYYY-MM-DD; default today).
        #[arg(long)]
        reported_on: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutFormat {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tiendo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Import { files, dry_run: _, format, reported_on } => {
            let registry = Registry::default_registry()?;
            let reported_on = match reported_on {
                Some(s) => tiendo_domain::deadline::parse_user_date(&s).ok_or_else(|| anyhow::anyhow!("--reported-on: ngày không hợp lệ: {s}"))?,
                None => time::OffsetDateTime::now_utc().date(),
            };
            let mut docs = Vec::new();
            for f in &files {
                match tiendo_office::read_path(f, tiendo_office::ReadOptions { registry: &registry, reported_on }) {
                    Ok(d) => docs.push(d),
                    Err(e) => {
                        eprintln!("{}: {e}", f.display());
                        return Ok(ExitCode::FAILURE);
                    }
                }
            }
            if format == OutFormat::Json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "documents": docs }))?);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
