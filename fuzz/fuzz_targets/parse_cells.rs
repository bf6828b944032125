#![no_main]
//! Any cell text through the deadline parser, the agency resolver and the markup stripper.

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use tiendo_domain::agency::Registry;
use tiendo_domain::deadline::{DeadlineContext, parse_deadline};

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::default_registry().expect("shipped registry"));

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = parse_deadline(s, DeadlineContext { document_year: Some(2025) });
        let _ = REGISTRY.resolve(s, None);
        let _ = tiendo_domain::text::clean_cell(s);
    }
});
