use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tiendo_app::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tiendo: không khởi động được: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(tiendo_app::cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tiendo: {e:#}");
            ExitCode::FAILURE
        }
    }
}
