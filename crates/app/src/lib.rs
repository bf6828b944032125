//! The `tiendo` command line: its arguments ([`args`]), what each command does ([`commands`]),
//! and `serve --demo`'s data and accounts ([`demo`]). The web application is `tiendo_web`; what
//! users do is checked in `tiendo_service`; the reports are built by `tiendo_reports`.

pub mod args;
pub mod commands;
pub mod demo;
