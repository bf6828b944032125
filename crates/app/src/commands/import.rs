//! `tiendo import`: read files into previews; store them (one transaction each) unless
//! `--dry-run`; print the previews as text or JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use tiendo_domain::agency::{RefKind, Registry};
use tiendo_domain::deadline::vn;
use tiendo_office::{DocumentPreview, ReadOptions};
use tiendo_service::operations::{self, ImportRequest};
use tiendo_service::{Service, command_line_user};
use tiendo_store::import::ImportSummary;

use super::output::{parse_date_arg, short, today};
use crate::args::{Format, ImportArgs};

/// The registry to read with: the database's when it exists, else the shipped one (a dry run on a
/// new machine creates no database).
pub(crate) async fn registry_for_reading(
    url: &str,
    dry_run: bool,
    committee: Option<&str>,
) -> anyhow::Result<(Registry, Option<Service>)> {
    if dry_run
        && committee.is_none()
        && let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        && !path.contains("memory")
        && !Path::new(path.split('?').next().unwrap_or(path)).exists()
    {
        return Ok((Registry::default_registry()?, None));
    }
    let service = super::service(url).await?;
    if let Some(c) = committee
        && !service.committees().await?.iter().any(|x| x.code == c)
    {
        bail!("không có ban chỉ đạo mã {c} (xem: tiendo committees list)");
    }
    let reg = service.registry_for(committee).await?.registry;
    Ok((reg, Some(service)))
}

pub async fn run(url: &str, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let reported_on = match &a.reported_on {
        Some(s) => parse_date_arg("--reported-on", s)?,
        None => today(),
    };
    if a.document.is_some() && a.files.len() > 1 {
        bail!("--document chỉ dùng khi nhập một tệp");
    }
    if let Some(s) = &a.system
        && !tiendo_domain::text::is_plain_id(s)
    {
        bail!("--system: tên hệ thống là văn bản thường, tối đa 100 ký tự");
    }
    let (registry, service) = registry_for_reading(url, a.dry_run, a.committee.as_deref()).await?;
    let Some(mut previews) = read_all(&a.files, &registry, reported_on) else {
        return Ok(ExitCode::FAILURE);
    };
    if a.system.is_some() {
        for p in &mut previews {
            if let Err(e) =
                tiendo_domain::import_plan::take_external_ids(&mut p.tasks, a.id_column.as_deref())
            {
                eprintln!("{}: {e}", p.file);
                eprintln!("Không lưu tệp nào.");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let stored: Vec<Option<ImportSummary>> = if a.dry_run {
        previews.iter().map(|_| None).collect()
    } else {
        let service = match service {
            Some(s) => s,
            None => super::service(url).await?,
        };
        store_all(&service, &a, &previews, reported_on).await?
    };
    match a.format {
        Format::Json => print_json(&previews, &stored)?,
        Format::Text => print_text(&previews, &stored),
    }
    for (p, s) in previews.iter().zip(&stored) {
        eprintln!("{}", summary_line(p, s.as_ref(), a.dry_run));
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file read, or `None` (after saying why) when one cannot be: nothing is stored then.
fn read_all(
    files: &[PathBuf],
    registry: &Registry,
    reported_on: time::Date,
) -> Option<Vec<DocumentPreview>> {
    let mut previews = Vec::new();
    for f in files {
        eprintln!("Đang đọc {} …", f.display());
        let options = ReadOptions {
            registry,
            reported_on,
        };
        match tiendo_office::read_path(f, options) {
            Ok(p) => previews.push(p),
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                if files.len() > 1 {
                    eprintln!("Không lưu tệp nào.");
                }
                return None;
            }
        }
    }
    Some(previews)
}

async fn store_all(
    service: &Service,
    a: &ImportArgs,
    previews: &[DocumentPreview],
    reported_on: time::Date,
) -> anyhow::Result<Vec<Option<ImportSummary>>> {
    let operator = command_line_user();
    let mut stored = Vec::new();
    for (p, f) in previews.iter().zip(&a.files) {
        let key = a.document.clone().unwrap_or_else(|| {
            f.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.file.clone())
        });
        if p.tasks.len() > 200 {
            eprintln!("Đang lưu {} nhiệm vụ của {} …", p.tasks.len(), p.file);
        }
        let request = ImportRequest {
            committee: a.committee.as_deref(),
            key: Some(&key),
            file_name: &p.file,
            title: &p.title,
            tasks: &p.tasks,
            difficulties: &p.difficulties,
            indicators: &p.indicators,
            warnings: &p.warnings,
            reported_on,
            progress: Some(&|done, total| eprintln!("  đã lưu {done}/{total} nhiệm vụ …")),
            external_system: a.system.as_deref().map(str::trim),
            silence_rule: p.silence_rule.as_ref(),
        };
        let s = operations::import_document(service, &operator, request)
            .await
            .with_context(|| format!("{}: không lưu được", p.file))?;
        stored.push(Some(s));
    }
    Ok(stored)
}

fn print_json(
    previews: &[DocumentPreview],
    stored: &[Option<ImportSummary>],
) -> anyhow::Result<()> {
    let docs: Vec<serde_json::Value> = previews
        .iter()
        .zip(stored)
        .map(|(p, s)| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            if let (Some(s), Some(obj)) = (s, v.as_object_mut()) {
                obj.insert("stored".into(), serde_json::to_value(s).unwrap_or_default());
            }
            v
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "documents": docs }))?
    );
    Ok(())
}

fn print_text(previews: &[DocumentPreview], stored: &[Option<ImportSummary>]) {
    for (p, s) in previews.iter().zip(stored) {
        print!("{}", preview_text(p));
        if let Some(s) = s {
            println!("Đã lưu: {}.", tiendo_service::import_jobs::stored_words(s));
            for w in &s.indicators.warnings {
                println!("  ! {w}");
            }
            for c in &s.changes {
                println!("  thay đổi: {c}");
            }
        }
    }
}

/// "file: n nhiệm vụ, n phân công, n cảnh báo[, n dòng có lưu ý], n cơ quan chưa xác định".
fn summary_line(p: &DocumentPreview, s: Option<&ImportSummary>, dry_run: bool) -> String {
    let unresolved = p
        .tasks
        .iter()
        .flat_map(|t| {
            t.lead
                .iter()
                .chain(&t.coordinators)
                .chain(&t.incomplete_units)
        })
        .chain(
            p.difficulties
                .iter()
                .flat_map(|d| d.agency.iter().chain(d.handlers.iter().map(|h| &h.agency))),
        )
        .chain(p.indicators.iter().flat_map(|i| {
            i.lead
                .iter()
                .chain(i.values.iter().filter_map(|v| v.agency.as_ref()))
        }))
        .filter(|r| r.kind == RefKind::Unresolved)
        .count();
    let noted = match p.rows_with_notes() {
        0 => String::new(),
        n => format!(", {n} dòng có lưu ý"),
    };
    format!(
        "{}: {}, {} phân công, {} cảnh báo{noted}, {} cơ quan chưa xác định{}",
        p.file,
        p.contents(),
        s.map(|s| s.assignments.to_string())
            .unwrap_or_else(|| "—".into()),
        p.warnings.len(),
        unresolved,
        if dry_run {
            " (chạy thử, không lưu)"
        } else {
            ""
        }
    )
}

/// An agency as the preview prints it: "?" before a name the registry does not know.
fn agency_word(r: &tiendo_domain::agency::AgencyRef) -> String {
    match r.kind {
        RefKind::Unresolved => format!("?{}", r.name),
        _ => r.name.clone(),
    }
}

/// A readable preview: one line per task, then the difficulties, then the warnings.
pub fn preview_text(p: &DocumentPreview) -> String {
    let mut s = format!("{} — {}\n", p.file, p.contents());
    let mut last_heading: Vec<String> = Vec::new();
    for t in &p.tasks {
        if t.headings != last_heading {
            for h in &t.headings {
                if !last_heading.contains(h) {
                    s.push_str(&format!("\n  {h}\n"));
                }
            }
            last_heading = t.headings.clone();
        }
        let lead: Vec<String> = t.lead.iter().map(agency_word).collect();
        s.push_str(&format!(
            "  {:>4}  {:<60}  {:<40}  {} → {}\n",
            t.number,
            short(&t.name, 60),
            short(&lead.join("; "), 40),
            short(&t.deadline.raw, 30),
            t.deadline
                .due
                .map(vn)
                .unwrap_or_else(|| t.deadline.in_words().to_string())
                + &t.deadline
                    .recurring
                    .as_deref()
                    .map(|r| format!(" và báo cáo {r}"))
                    .unwrap_or_default()
        ));
        // What a person should check before confirming (tasks read from prose).
        for n in &t.notes {
            s.push_str(&format!("        ! {n}\n"));
        }
    }
    if !p.difficulties.is_empty() {
        s.push_str(&format!(
            "\nKhó khăn, vướng mắc ({}):\n",
            p.difficulties.len()
        ));
        for d in &p.difficulties {
            let agency: Vec<String> = d.agency.iter().map(agency_word).collect();
            let handlers: Vec<String> = d
                .handlers
                .iter()
                .map(|h| {
                    format!(
                        "{} ({})",
                        agency_word(&h.agency),
                        match h.state {
                            tiendo_domain::model::HandlerState::Answered => "đã trả lời",
                            tiendo_domain::model::HandlerState::Open => "chưa trả lời",
                        }
                    )
                })
                .collect();
            s.push_str(&format!(
                "  {:>4}  {:<30}  {:<60}  → {}\n",
                d.number,
                short(&agency.join("; "), 30),
                short(&d.text, 60),
                if handlers.is_empty() {
                    "Cơ quan thường trực".to_string()
                } else {
                    handlers.join("; ")
                }
            ));
            for n in &d.notes {
                s.push_str(&format!("        ! {n}\n"));
            }
        }
    }
    if !p.indicators.is_empty() {
        s.push_str(&format!("\nChỉ tiêu ({}):\n", p.indicators.len()));
        for i in &p.indicators {
            let target = i.target.as_ref().map(|t| t.raw.as_str()).unwrap_or("—");
            let figures: Vec<String> = i
                .values
                .iter()
                .take(4)
                .map(|v| match &v.agency {
                    Some(a) => format!("{}: {}", agency_word(a), v.value.raw),
                    None => v.value.raw.clone(),
                })
                .collect();
            let more = i.values.len().saturating_sub(4);
            s.push_str(&format!(
                "  {:>4}  {:<50}  {:<12}  mục tiêu {:<10}  {}{}\n",
                i.number,
                short(&i.name, 50),
                short(i.unit.as_deref().unwrap_or(""), 12),
                target,
                figures.join("; "),
                if more > 0 {
                    format!(" … (+{more})")
                } else {
                    String::new()
                }
            ));
            for n in &i.notes {
                s.push_str(&format!("        ! {n}\n"));
            }
        }
    }
    let unknown_agency = p
        .tasks
        .iter()
        .flat_map(|t| t.lead.iter().chain(&t.coordinators))
        .chain(p.difficulties.iter().flat_map(|d| &d.agency))
        .any(|r| r.kind == RefKind::Unresolved);
    if unknown_agency {
        s.push_str("\n  ?  trước tên cơ quan: tên này chưa có trong danh mục cơ quan: được lưu như văn bản viết, không tạo phân công cho cơ quan nào (thêm tên gọi khác ở mục Cơ quan rồi nhập lại).\n");
    }
    if let Some(rule) = &p.silence_rule {
        s.push_str(&format!(
            "\nKhông trả lời được hiểu là cam kết{}: «{}»\n",
            rule.answer_by
                .map(|d| format!(" (áp dụng sau ngày {})", vn(d)))
                .unwrap_or_default(),
            rule.text
        ));
    }
    if !p.warnings.is_empty() {
        s.push_str(&format!("\nCảnh báo ({}):\n", p.warnings.len()));
        for w in &p.warnings {
            s.push_str(&format!("  - {w}\n"));
        }
    }
    s
}
