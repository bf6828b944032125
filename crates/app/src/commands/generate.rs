//! `tiendo generate`: a synthetic national data set into the database, or as a Word appendix.

use std::process::ExitCode;

use anyhow::{Context, bail};
use tiendo_domain::agency::Registry;

use crate::args::GenerateArgs;

pub async fn run(url: &str, a: GenerateArgs) -> anyhow::Result<ExitCode> {
    if a.tasks == 0 || a.tasks > 1_000_000 {
        bail!("--tasks phải từ 1 đến 1.000.000");
    }
    if !(0.0..=50.0).contains(&a.reports_per_assignment) {
        bail!("--reports-per-assignment phải từ 0 đến 50");
    }
    if let Some(path) = a.docx {
        // The registry as seeded; nothing is written to a database.
        let reg = Registry::default_registry()?;
        let bytes = tiendo_generate::appendix_docx(&reg, a.tasks, a.seed)?;
        std::fs::write(&path, bytes)
            .with_context(|| format!("không ghi được {}", path.display()))?;
        eprintln!(
            "Đã ghi phụ lục {} nhiệm vụ vào {} (nhập bằng: tiendo import {})",
            a.tasks,
            path.display(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let service = super::service(url).await?;
    let reg = service.registry().await?.registry;
    let g = tiendo_generate::generate(&reg, a.tasks, a.seed, a.reports_per_assignment);
    eprintln!(
        "Sinh {} nhiệm vụ, {} phân công, {} báo cáo, {} lần gia hạn …",
        g.tasks.len(),
        g.assignments.len(),
        g.reports.len(),
        g.changes.len()
    );
    let mut last = std::time::Instant::now();
    let s = service
        .insert_generated(&g, &mut |label, done, total| {
            if last.elapsed().as_secs() >= 2 || done == total {
                eprintln!("  {label}: {done}/{total}");
                last = std::time::Instant::now();
            }
        })
        .await?;
    println!("{}", serde_json::to_string(&s)?);
    Ok(ExitCode::SUCCESS)
}
