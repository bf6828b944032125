//! `tiendo agencies …` and `tiendo committees …`: the agency registry and the steering
//! committees.

use std::process::ExitCode;

use anyhow::anyhow;
use tiendo_domain::agency::{AgencyKind, AgencyRef, RefKind, Registry};
use tiendo_domain::deadline::{iso, vn};
use tiendo_service::{command_line_user, operations};
use time::Date;

use super::import::registry_for_reading;
use super::output::{parse_date_arg, today};
use crate::args::{AgencyCommand, CommitteeCommand, Format};

pub async fn agencies(url: &str, command: AgencyCommand) -> anyhow::Result<ExitCode> {
    match command {
        AgencyCommand::List { on, kind, format } => {
            let on = match on {
                Some(s) => parse_date_arg("--on", &s)?,
                None => today(),
            };
            let kind = match kind {
                Some(k) => Some(
                    AgencyKind::parse(&k)
                        .ok_or_else(|| anyhow!("--kind: không có loại \"{k}\""))?,
                ),
                None => None,
            };
            let (reg, _) = registry_for_reading(url, false, None).await?;
            list(&reg, on, kind, format)?;
        }
        AgencyCommand::Resolve { text, on, format } => {
            let on = match on {
                Some(s) => parse_date_arg("--on", &s)?,
                None => today(),
            };
            let (reg, _) = registry_for_reading(url, true, None).await?;
            let refs = reg.resolve(&text, Some(on));
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&refs)?),
                Format::Text => {
                    for r in &refs {
                        println!("{}", resolved_line(&reg, r, on));
                    }
                }
            }
        }
        AgencyCommand::Add {
            code,
            name,
            kind,
            committee,
            parent,
            short,
            aliases,
            valid_from,
            valid_to,
        } => {
            let kind = AgencyKind::parse(&kind)
                .ok_or_else(|| anyhow!("--kind: không có loại \"{kind}\""))?;
            let record = tiendo_domain::agency::AgencyRecord {
                code: code.clone(),
                name,
                kind,
                short,
                aliases,
                parent,
                valid_from: valid_from
                    .map(|d| parse_date_arg("--valid-from", &d))
                    .transpose()?,
                valid_to: valid_to
                    .map(|d| parse_date_arg("--valid-to", &d))
                    .transpose()?,
                successor: None,
                committee,
            };
            let service = super::service(url).await?;
            operations::add_agency_record(&service, &command_line_user(), &record).await?;
            println!("Đã thêm cơ quan {code}: {}", record.name);
        }
        AgencyCommand::AddAlias { code, alias } => {
            let service = super::service(url).await?;
            operations::add_alias(&service, &command_line_user(), &code, &alias).await?;
            println!("Đã thêm tên gọi \"{alias}\" cho {code}");
        }
        AgencyCommand::Link { code, system, id } => {
            let service = super::service(url).await?;
            let linked = tiendo_service::integration::link_agency(
                &service,
                &command_line_user(),
                &code,
                &system,
                &id,
            )
            .await?;
            match linked {
                tiendo_store::external_ids::Linked::Linked => {
                    println!("Đã gắn mã {id} của hệ thống {system} cho {code}")
                }
                tiendo_store::external_ids::Linked::Unchanged => {
                    println!("Mã {id} của hệ thống {system} đã gắn cho {code}; không đổi gì")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The agencies in force on a date (of one kind), then the groups with their sizes.
fn list(reg: &Registry, on: Date, kind: Option<AgencyKind>, format: Format) -> anyhow::Result<()> {
    let list: Vec<_> = reg
        .agencies()
        .iter()
        .filter(|a| a.valid_on(on) && kind.is_none_or(|k| a.kind == k))
        .collect();
    if format == Format::Json {
        let all = serde_json::json!({ "on": iso(on), "agencies": list, "groups": reg.groups() });
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    for a in &list {
        let aliases = if a.aliases.is_empty() {
            String::new()
        } else {
            format!("  ({})", a.aliases.join(", "))
        };
        println!("{:<12} {:<18} {}{aliases}", a.code, a.kind.as_str(), a.name);
    }
    println!("\nNhóm:");
    for g in reg.groups() {
        let members = reg.members(&g.code, on).len();
        println!("{:<16} {} → {members} thành viên", g.code, g.name);
    }
    println!("\n{} cơ quan có hiệu lực ngày {}", list.len(), vn(on));
    Ok(())
}

/// One reference read from the text: kind, name, code, what was written, unit, note, members.
fn resolved_line(reg: &Registry, r: &AgencyRef, on: Date) -> String {
    let kind = match r.kind {
        RefKind::Agency => "agency",
        RefKind::Group => "group",
        RefKind::Unresolved => "unresolved",
    };
    let mut line = format!("{kind:<10} {}", r.name);
    if let Some(c) = &r.code {
        line.push_str(&format!(" [{c}]"));
    }
    if r.raw != r.name {
        line.push_str(&format!("  ← \"{}\"", r.raw));
    }
    if let Some(u) = &r.unit {
        line.push_str(&format!("  đơn vị: {u}"));
    }
    if let Some(n) = &r.note {
        line.push_str(&format!("  ({n})"));
    }
    if r.kind == RefKind::Group
        && let Some(code) = &r.code
    {
        line.push_str(&format!("  → {} cơ quan", reg.members(code, on).len()));
    }
    line
}

pub async fn committees(url: &str, command: CommitteeCommand) -> anyhow::Result<ExitCode> {
    let service = super::service(url).await?;
    match command {
        CommitteeCommand::List => {
            for c in service.committees().await? {
                let province = c.province.map(|p| format!(" ({p})")).unwrap_or_default();
                println!("{:<16} {:<9} {}{province}", c.code, c.level, c.name);
            }
        }
        CommitteeCommand::Add {
            code,
            name,
            province,
        } => {
            operations::add_committee(
                &service,
                &command_line_user(),
                &code,
                &name,
                province.as_deref(),
            )
            .await?;
            println!("Đã thêm ban chỉ đạo {code}");
        }
        CommitteeCommand::Signing {
            committee,
            place,
            symbol,
            authority,
            signer_title,
            signer_name,
            recipient,
        } => {
            let now = service.signing(committee.as_deref()).await?;
            let changing = place.is_some()
                || symbol.is_some()
                || authority.is_some()
                || signer_title.is_some()
                || signer_name.is_some()
                || !recipient.is_empty();
            let shown = if changing {
                let fields = operations::SigningFields {
                    place: place.unwrap_or(now.place),
                    symbol: symbol.unwrap_or(now.symbol),
                    authority: authority.unwrap_or(now.authority),
                    signer_title: signer_title.unwrap_or(now.signer_title),
                    signer_name: signer_name.unwrap_or(now.signer_name),
                    recipients: if recipient.is_empty() {
                        now.recipients.join("\n")
                    } else {
                        recipient.join("\n")
                    },
                };
                match operations::set_signing(
                    &service,
                    &command_line_user(),
                    committee.as_deref(),
                    &fields,
                )
                .await
                {
                    Ok(s) => s,
                    Err(operations::SigningRefused::Fields(problems)) => {
                        for p in problems {
                            eprintln!("--{}: {}", p.field.replace('_', "-"), p.message);
                        }
                        eprintln!("Chưa lưu gì.");
                        return Ok(ExitCode::from(2));
                    }
                    Err(operations::SigningRefused::Whole(r)) => anyhow::bail!(r.text()),
                }
            } else {
                now
            };
            println!("{}", shown.number_line());
            println!("{}, ngày … tháng … năm …", shown.place);
            println!("Nơi nhận:");
            for l in shown.recipient_lines() {
                println!("  {l}");
            }
            println!("Người ký:");
            for l in shown.signer_lines() {
                println!("  {l}");
            }
            println!(
                "  {}",
                if shown.signer_name.is_empty() {
                    "(họ tên ghi tay)"
                } else {
                    &shown.signer_name
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
