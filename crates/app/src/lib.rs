//! The `tiendo` application: command line, data generator. The web application lives in `web`.

pub mod cli;
pub mod cli_reports;
pub mod demo;
pub mod generate;
pub mod reports;
pub mod web;
