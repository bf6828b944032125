#![no_main]
//! Any bytes given as "x.docx": an error or a preview, never a panic.

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use tiendo_domain::agency::Registry;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::default_registry().expect("shipped registry"));

fuzz_target!(|data: &[u8]| {
    let opts = tiendo_office::ReadOptions { registry: &REGISTRY, reported_on: time::Date::from_calendar_date(2026, time::Month::January, 1).expect("date") };
    let _ = tiendo_office::read_bytes("x.docx", data, opts);
});
