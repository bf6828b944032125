//! `tiendo report …`, `tiendo score`, `tiendo formula …`, `tiendo meetings …`: the reports of
//! [`tiendo_reports`] on the command line, as JSON, text, Word or Excel.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::scoring::{Formula, Month};
use tiendo_service::{Service, command_line_user, operations};

use super::output::{emit, parse_date_arg, short, today, write_official};
use crate::args::{
    DocArgs, Format, FormulaCommand, MeetingCommand, ReportCommand, ReportFormat, ScoreArgs,
};
use tiendo_reports::kinds::{Report, ReportKind};
use tiendo_reports::{self as reports, AgencySummary, Presentation, ScoreReport, everything};
use tiendo_service::queries::reports::{ReportRefused, ReportRequest};
use tiendo_store::facts::OverdueReport;

fn presentation(doc: DocArgs) -> Presentation {
    Presentation {
        attached_to: doc.attached_to,
        ..Default::default()
    }
}

pub async fn run(svc: &Service, report: ReportCommand) -> anyhow::Result<ExitCode> {
    let date = |s: Option<String>| match s {
        Some(s) => parse_date_arg("--as-of", &s),
        None => Ok(today()),
    };
    let (kind, request, format, output, doc) = match report {
        ReportCommand::Summary { as_of } => return summary(svc, as_of).await,
        ReportCommand::DueSoon {
            as_of,
            days,
            format,
        } => return due_soon(svc, as_of, days, format).await,
        ReportCommand::Overdue {
            as_of,
            committee,
            format,
            output,
            doc,
        } => (
            ReportKind::Overdue,
            ReportRequest {
                committee,
                ..ReportRequest::on(date(Some(as_of))?)
            },
            format,
            output,
            doc,
        ),
        ReportCommand::Results {
            document,
            as_of,
            format,
            output,
            doc,
        } => (
            ReportKind::Results,
            ReportRequest {
                document: Some(document),
                ..ReportRequest::on(date(as_of)?)
            },
            format,
            output,
            doc,
        ),
        ReportCommand::Commitments {
            as_of,
            answer_by,
            format,
            output,
            doc,
        } => (
            ReportKind::Commitments,
            ReportRequest {
                answer_by: answer_by
                    .map(|d| parse_date_arg("--answer-by", &d))
                    .transpose()?,
                ..ReportRequest::on(date(Some(as_of))?)
            },
            format,
            output,
            doc,
        ),
        ReportCommand::Indicators {
            as_of,
            format,
            output,
            doc,
        } => (
            ReportKind::Indicators,
            ReportRequest::on(date(as_of)?),
            format,
            output,
            doc,
        ),
        ReportCommand::Committees {
            as_of,
            format,
            output,
            doc,
        } => (
            ReportKind::Committees,
            ReportRequest::on(date(as_of)?),
            format,
            output,
            doc,
        ),
        ReportCommand::Difficulties {
            as_of,
            format,
            output,
            doc,
        } => (
            ReportKind::Difficulties,
            ReportRequest::on(date(as_of)?),
            format,
            output,
            doc,
        ),
        ReportCommand::Agencies {
            as_of,
            format,
            output,
            doc,
        } => (
            ReportKind::Agencies,
            ReportRequest::on(date(Some(as_of))?),
            format,
            output,
            doc,
        ),
        ReportCommand::Ranking(a) => return score(svc, a).await,
    };
    write(svc, kind, request, format, output, &presentation(doc)).await
}

/// Builds one report of the registry ([`ReportKind`]) on the data as stored now, and writes it
/// as asked: JSON, text (for the reports that have a terminal form), Word or Excel.
async fn write(
    svc: &Service,
    kind: ReportKind,
    request: ReportRequest,
    format: ReportFormat,
    output: Option<PathBuf>,
    p: &Presentation,
) -> anyhow::Result<ExitCode> {
    let snap = svc.snapshot_now().await?;
    let report = match svc.report(kind, request, &snap, &everything).await {
        Ok(r) => r,
        Err(ReportRefused::Failed(e)) => return Err(e),
        Err(refused) => bail!("{}", refused.message()),
    };
    let stem = report.file_stem();
    if matches!(format, ReportFormat::Docx | ReportFormat::Xlsx) {
        return write_official(&report.document(p, today()), format, output, &stem);
    }
    let text = match (&report, format) {
        (Report::Overdue(r), ReportFormat::Text) => overdue_text(r),
        (Report::Agencies(r), ReportFormat::Text) => agencies_text(r),
        (Report::Ranking { report, .. }, ReportFormat::Text) => score_text(report),
        _ => serde_json::to_string_pretty(&report)?,
    };
    emit(&output, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// The overdue list as text for the terminal.
fn overdue_text(r: &OverdueReport) -> String {
    let mut s = format!(
        "DANH SÁCH NHIỆM VỤ QUÁ HẠN\nDữ liệu tính đến ngày {}\n\n",
        vn(r.as_of)
    );
    for (i, it) in r.items.iter().enumerate() {
        let late: Vec<&str> = it.late_agencies.iter().map(|a| a.name.as_str()).collect();
        s.push_str(&format!(
            "{}. [{}] {}\n   Thời hạn: {} ({})\n   Đơn vị chưa hoàn thành: {}\n",
            i + 1,
            it.number,
            it.name,
            it.deadline_raw,
            it.due.map(vn).unwrap_or_default(),
            late.join("; ")
        ));
    }
    s.push_str(&format!("\nTổng số: {} nhiệm vụ quá hạn", r.items.len()));
    s
}

/// `report summary`: the four-way counts of tasks and lead assignments.
async fn summary(svc: &Service, as_of: String) -> anyhow::Result<ExitCode> {
    let as_of = parse_date_arg("--as-of", &as_of)?;
    let book = svc.load_status_book().await?;
    let mut tasks = tiendo_domain::status::FourWay::default();
    for s in book.task_states(as_of).into_values() {
        tasks.add(s);
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "as_of": iso(as_of),
            "tasks": tasks,
            "lead_assignments": book.totals(as_of),
            "periodic_reports": book.periodic_totals(as_of),
        }))?
    );
    Ok(ExitCode::SUCCESS)
}

/// `report due-soon`: assignments due within some days.
async fn due_soon(
    svc: &Service,
    as_of: String,
    days: i64,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let as_of = parse_date_arg("--as-of", &as_of)?;
    if !(0..=366).contains(&days) {
        bail!("--days phải từ 0 đến 366");
    }
    let book = svc.load_status_book().await?;
    let tasks = svc.task_infos().await?;
    let agencies = svc.agency_names().await?;
    let items: Vec<serde_json::Value> = book
        .due_soon(as_of, days, None)
        .into_iter()
        .map(|d| {
            let t = tasks.get(&d.task);
            serde_json::json!({
                "task_id": d.task.to_string(),
                "number": t.map(|t| t.number.clone()),
                "name": t.map(|t| t.name.clone()),
                "agency": agencies.get(&d.agency).map(|a| a.name.clone()),
                "due": iso(d.due),
                "days_left": (d.due - as_of).whole_days(),
            })
        })
        .collect();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "as_of": iso(as_of), "days": days, "items": items })
            )?
        ),
        Format::Text => {
            println!("Sắp đến hạn trong {days} ngày kể từ {}", vn(as_of));
            for i in &items {
                println!(
                    "  [{}] {} — {} — hạn {} (còn {} ngày)",
                    i["number"].as_str().unwrap_or(""),
                    short(i["name"].as_str().unwrap_or(""), 70),
                    i["agency"].as_str().unwrap_or(""),
                    i["due"]
                        .as_str()
                        .and_then(parse_user_date)
                        .map(vn)
                        .unwrap_or_default(),
                    i["days_left"]
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Each agency's counts and on-time rate as a text table.
fn agencies_text(r: &AgencySummary) -> String {
    let mut s = format!(
        "Dữ liệu tính đến ngày {}\n{:<50} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
        vn(r.as_of),
        "Cơ quan",
        "Đúng hạn",
        "Quá hạn",
        "Ko rõ ngày",
        "Trong hạn",
        "Trễ hạn",
        "Tỷ lệ"
    );
    for r in &r.agencies {
        s.push_str(&format!(
            "{:<50} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n",
            r.name,
            r.counts.done_on_time,
            r.counts.done_late,
            r.counts.done_undated,
            r.counts.open_in_time,
            r.counts.open_overdue,
            r.on_time_rate.map(|x| format!("{x}%")).unwrap_or_default()
        ));
    }
    s
}

fn read_formula(path: &PathBuf) -> anyhow::Result<(Formula, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được {}", path.display()))?;
    let f = Formula::from_toml(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((f, text))
}

/// `tiendo score` (and `tiendo report ranking`): a month's ranking, with the published formula
/// or with another one to compare.
pub async fn score(svc: &Service, a: ScoreArgs) -> anyhow::Result<ExitCode> {
    let ScoreArgs {
        month,
        format,
        output,
        formula,
        attached_to,
        place,
    } = a;
    let month = Month::parse(&month)
        .ok_or_else(|| anyhow!("--month: tháng không hợp lệ \"{month}\" (dùng YYYY-MM)"))?;
    let request = ReportRequest {
        month: Some(month),
        formula: formula.as_ref().map(read_formula).transpose()?,
        ..ReportRequest::on(today())
    };
    let p = Presentation {
        attached_to,
        place,
        signing: None,
    };
    write(svc, ReportKind::Ranking, request, format, output, &p).await
}

/// The ranking as a text table.
fn score_text(r: &ScoreReport) -> String {
    let mut s = format!(
        "XẾP HẠNG {} — {}\n{:>4} {:<45} {:>8} {:>8}\n",
        r.month.vietnamese().to_uppercase(),
        r.formula_name,
        "Hạng",
        "Cơ quan",
        "Điểm",
        "Đổi"
    );
    for row in &r.rows {
        s.push_str(&format!(
            "{:>4} {:<45} {:>8} {:>8}\n",
            row.rank.map(|x| x.to_string()).unwrap_or_default(),
            short(&row.name, 45),
            row.score.map(|x| format!("{x:.2}")).unwrap_or_default(),
            row.rank_change
                .map(|x| format!("{x:+}"))
                .unwrap_or_default()
        ));
    }
    s
}

pub async fn formula(svc: &Service, command: FormulaCommand) -> anyhow::Result<ExitCode> {
    match command {
        FormulaCommand::Show { month } => {
            let month = match month {
                Some(m) => Month::parse(&m)
                    .ok_or_else(|| anyhow!("--month: tháng không hợp lệ \"{m}\" (dùng YYYY-MM)"))?,
                None => Month::of(today()),
            };
            let (_, v) = svc.formula_for(month).await?;
            match &v.effective_from {
                Some(from) => eprintln!(
                    "Cách tính áp dụng cho {}: công bố áp dụng từ {from} (bởi {}).",
                    month.vietnamese(),
                    v.created_by.as_deref().unwrap_or("")
                ),
                None => eprintln!(
                    "Cách tính áp dụng cho {}: cách tính mặc định kèm chương trình.",
                    month.vietnamese()
                ),
            }
            print!("{}", v.content);
        }
        FormulaCommand::Publish { file, from_month } => {
            let from = Month::parse(&from_month).ok_or_else(|| {
                anyhow!("--from-month: tháng không hợp lệ \"{from_month}\" (dùng YYYY-MM)")
            })?;
            let (_, text) = read_formula(&file)?;
            operations::publish_formula(svc, &command_line_user(), &text, from, today()).await?;
            println!("Đã công bố cách tính điểm áp dụng từ {}", from.vietnamese());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn meetings(svc: &Service, command: MeetingCommand) -> anyhow::Result<ExitCode> {
    match command {
        MeetingCommand::Add {
            name,
            held_on,
            documents,
            committee,
        } => {
            let held_on = parse_date_arg("--held-on", &held_on)?;
            let id = operations::add_meeting(
                svc,
                &command_line_user(),
                committee.as_deref(),
                &name,
                &iso(held_on),
                &documents,
            )
            .await?;
            let tasks = svc.tasks_of_meeting(id).await?;
            println!(
                "Đã ghi phiên họp {id}: {name} ({}), {} nhiệm vụ đã liên kết",
                vn(held_on),
                tasks.len()
            );
        }
        MeetingCommand::Link { meeting, document } => {
            operations::link_meeting_document(svc, &command_line_user(), meeting, &document)
                .await?;
            let tasks = svc.tasks_of_meeting(meeting).await?;
            println!(
                "Đã liên kết {document} với phiên họp {meeting}: {} nhiệm vụ",
                tasks.len()
            );
        }
        MeetingCommand::List { format } => {
            let all = svc.meetings(&tiendo_service::command_line_user()).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&all)?),
                Format::Text => {
                    for m in &all {
                        let n = svc.tasks_of_meeting(m.id).await?.len();
                        println!(
                            "{:>4}  {}  {}  [{}]  {n} nhiệm vụ",
                            m.id,
                            vn(m.held_on),
                            m.name,
                            m.document_labels().join(", ")
                        );
                    }
                }
            }
        }
        MeetingCommand::Prepare {
            meeting,
            as_of,
            next,
            output,
            place,
        } => {
            let as_of = match as_of {
                Some(s) => parse_date_arg("--as-of", &s)?,
                None => today(),
            };
            let all = svc.meetings(&tiendo_service::command_line_user()).await?;
            let m = match meeting {
                Some(id) => all
                    .into_iter()
                    .find(|m| m.id == id)
                    .ok_or_else(|| anyhow!("không có phiên họp {id} (xem: tiendo meetings list)"))?,
                None => all.into_iter().next().ok_or_else(|| {
                    anyhow!("chưa có phiên họp nào (tiendo meetings add --name … --held-on … --document …)")
                })?,
            };
            let book = svc.load_status_book().await?;
            let ids = svc.tasks_of_meeting(m.id).await?;
            let label = m.label();
            let results = svc
                .results_of(&book, &label, &ids, as_of, &everything)
                .await?;
            let agencies = svc.agency_names().await?;
            let overdue = svc
                .overdue_report(&book, &agencies, as_of, None, &everything)
                .await?;
            let p = Presentation {
                attached_to: None,
                place,
                signing: Some(svc.signing(None).await?),
            };
            let pack = reports::meeting_pack(
                &m,
                next.as_deref(),
                &results,
                &overdue,
                &svc.issuer().await?,
                today(),
                &p,
            );
            let path = output.unwrap_or_else(|| {
                PathBuf::from(format!("tai-lieu-phien-hop-{}-{}.docx", m.id, iso(as_of)))
            });
            std::fs::write(&path, pack.to_docx()?)
                .with_context(|| format!("không ghi được {}", path.display()))?;
            eprintln!(
                "Đã ghi {} ({} nhiệm vụ của {}; {} nhiệm vụ quá hạn)",
                path.display(),
                results.items.len(),
                m.name,
                overdue.items.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
