use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tiendo_app::args::Cli::parse();
    // A report piped into `head` ends quietly when the reader goes away, as command-line tools
    // do. (The server keeps Rust's default: a closed connection is an error, not a signal.)
    #[cfg(unix)]
    if !matches!(cli.command, tiendo_app::args::Command::Serve(_)) {
        // SAFETY: called before any other thread exists; SIG_DFL is a valid disposition.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
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
    match rt.block_on(tiendo_app::commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tiendo: {e:#}");
            ExitCode::FAILURE
        }
    }
}
