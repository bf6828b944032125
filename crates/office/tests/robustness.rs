//! Stable-toolchain companion of the cargo-fuzz targets (fuzz/): the samples and the fuzz corpus,
//! truncated and with bytes flipped, never make a reader panic. Deterministic, so CI can run it.

use std::path::PathBuf;

use tiendo_domain::agency::Registry;
use tiendo_office::{ReadOptions, read_bytes};
use time::macros::date;

/// A small deterministic generator (SplitMix64), so the same mutations run everywhere.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut v = Vec::new();
    for (dir, ext) in [
        ("fuzz/corpus/read_docx", "docx"),
        ("fuzz/corpus/read_spreadsheet", "xlsx"),
        ("fuzz/corpus/read_text", "txt"),
    ] {
        if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
            let mut files: Vec<_> = rd.flatten().map(|e| e.path()).collect();
            files.sort();
            for p in files.into_iter().take(40) {
                if let Ok(b) = std::fs::read(&p) {
                    v.push((format!("x.{ext}"), b));
                }
            }
        }
    }
    let txt =
        std::fs::read(root.join("testdata/samples/plan-2026-appendix-2.txt")).expect("sample");
    v.push(("x.txt".into(), txt));
    v
}

#[test]
fn mutated_files_never_panic() {
    let reg = Registry::default_registry().expect("registry");
    let opts = ReadOptions {
        registry: &reg,
        reported_on: date!(2026 - 01 - 01),
    };
    let mut rng = Mix(20_260_101);
    let inputs = inputs();
    assert!(inputs.len() >= 4);
    for (name, bytes) in &inputs {
        for round in 0..12 {
            let mut b = bytes.clone();
            match round % 4 {
                0 => b.truncate(rng.below(b.len())),
                1 => {
                    for _ in 0..1 + rng.below(16) {
                        let i = rng.below(b.len());
                        b[i] ^= 1 << rng.below(8);
                    }
                }
                2 => {
                    let i = rng.below(b.len());
                    let n = rng.below(64);
                    let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                    b.splice(i..i, junk);
                }
                _ => {
                    let i = rng.below(b.len());
                    let j = (i + rng.below(4096)).min(b.len());
                    b.drain(i..j);
                }
            }
            // Reading under another extension exercises the other readers on the same bytes.
            for n in [name.as_str(), "x.docx", "x.xlsx", "x.csv"] {
                let _ = read_bytes(n, &b, opts);
            }
        }
    }
}

#[test]
fn odd_cells_never_panic() {
    let reg = Registry::default_registry().expect("registry");
    for s in [
        "",
        "(",
        ")",
        "((((",
        "Các bộ:",
        ":",
        "và và và",
        ",,,;;;",
        "Bộ (",
        "<",
        "<p",
        "&amp",
        "Quý /",
        "32/13/99999",
        "tháng 0/0",
        "\u{0301}\u{0301}",
        "đ̛̉",
    ] {
        let _ = reg.resolve(s, None);
        let _ = tiendo_domain::deadline::parse_deadline(s, Default::default());
        let _ = tiendo_domain::text::clean_cell(s);
    }
}

/// Found by `cargo fuzz run read_spreadsheet`: a cell reference whose column overflows calamine's
/// parser (a panic in debug builds). One clear error, no panic.
#[test]
fn fuzzer_findings_are_errors() {
    let reg = Registry::default_registry().expect("registry");
    let opts = ReadOptions {
        registry: &reg,
        reported_on: date!(2026 - 01 - 01),
    };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/calamine-overflow.xlsx");
    let bytes = std::fs::read(path).expect("finding kept");
    assert!(matches!(
        read_bytes("x.xlsx", &bytes, opts),
        Err(tiendo_office::ImportError::Corrupt(_))
    ));
}
