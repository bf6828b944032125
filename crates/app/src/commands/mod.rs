//! What each command does, one module per family of commands; the arguments are in
//! [`crate::args`]. Changes go through `tiendo_service` (the same checks as the web application's)
//! acting as the operator `cli`.

mod accounts;
mod backup;
mod generate;
mod import;
mod output;
mod registry;
mod remind;
mod reports;
mod serve;
mod webhooks;

use std::process::ExitCode;

pub use import::preview_text;
use tiendo_service::Service;
use tiendo_store::Db;

use crate::args::{Cli, Command};

/// The service one command acts through, on the database the URL names.
pub(crate) async fn service(url: &str) -> anyhow::Result<Service> {
    Ok(Service::for_command(Db::connect(url).await?))
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = cli.database_url.as_str();
    if !matches!(cli.command, Command::Serve(_)) {
        tiendo_web::telemetry::init_command_logs();
    }
    match cli.command {
        Command::Import(a) => import::run(url, a).await,
        Command::Report { report } => reports::run(&service(url).await?, report).await,
        Command::Score(a) => reports::score(&service(url).await?, a).await,
        Command::Formula { command } => reports::formula(&service(url).await?, command).await,
        Command::Meetings { command } => reports::meetings(&service(url).await?, command).await,
        Command::Agencies { command } => registry::agencies(url, command).await,
        Command::Committees { command } => registry::committees(url, command).await,
        Command::Serve(a) => serve::run(url, a).await,
        Command::Users { command } => accounts::run(url, command).await,
        Command::Webhooks { command } => webhooks::run(url, command).await,
        Command::Generate(a) => generate::run(url, a).await,
        Command::Remind(a) => remind::run(url, a).await,
        Command::Backup { output } => backup::backup(url, &output).await,
        Command::Restore { input, force } => backup::restore(url, &input, force).await,
    }
}
