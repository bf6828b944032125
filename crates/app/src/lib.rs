//! The `tiendo` command line: every subcommand ([`cli`]), the report commands
//! ([`report_commands`]) and `serve --demo`'s data and accounts ([`demo`]). The web application
//! is `tiendo_web`; what users do is checked in `tiendo_service`; the reports are built by
//! `tiendo_reports`.

pub mod cli;
pub mod demo;
pub mod report_commands;
