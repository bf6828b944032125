//! The pack for the committee's next meeting.

use crate::{Presentation, ResultsReport, overdue_doc, results_doc};
use tiendo_domain::deadline::vn;
use tiendo_office::official::{OfficialDoc, OfficialPack};
use tiendo_store::facts::OverdueReport;
use time::Date;

/// The pack for the next meeting: a cover document, the results of the previous meeting's
/// conclusion (Appendix I) and the overdue list (Appendix II), in one Word file.
#[allow(clippy::too_many_arguments)]
pub fn meeting_pack(
    meeting: &tiendo_store::meetings::Meeting,
    next: Option<&str>,
    results: &ResultsReport,
    overdue: &OverdueReport,
    issuer: &str,
    today: Date,
    p: &Presentation,
) -> OfficialPack {
    let held = vn(meeting.held_on);
    let docs = meeting.document_labels().join(", ");
    let late_agencies: usize = overdue.items.iter().map(|i| i.late_agencies.len()).sum();
    let mut cover = OfficialDoc {
        title: "BÁO CÁO".into(),
        subtitle: vec![format!(
            "Tình hình thực hiện kết luận tại {} (ngày {held}){}",
            meeting.name,
            next.map(|n| format!(", phục vụ {n}")).unwrap_or_default()
        )],
        intro: vec![
            format!(
                "Tại {} ngày {held}, Ban Chỉ đạo đã giao {} nhiệm vụ{}. Kết quả đến ngày {} (chi tiết tại Phụ lục I): {}",
                meeting.name,
                results.items.len(),
                if docs.is_empty() {
                    String::new()
                } else {
                    format!(" (văn bản: {docs})")
                },
                vn(results.as_of),
                results.tally(),
            ),
            format!(
                "Tổng số nhiệm vụ quá hạn, chưa hoàn thành của Ban Chỉ đạo tính đến ngày {}: {} nhiệm vụ, {} lượt cơ quan chưa hoàn thành (chi tiết tại Phụ lục II).",
                vn(overdue.as_of),
                overdue.items.len(),
                late_agencies
            ),
        ],
        landscape: false,
        sheet: "Báo cáo".into(),
        ..Default::default()
    };
    p.issue(&mut cover, issuer, today);
    let attached = Presentation {
        attached_to: Some(format!(
            "Báo cáo số      /{} ngày {}",
            p.signing().symbol,
            vn(today)
        )),
        ..Default::default()
    };
    let mut first = results_doc(results, &attached);
    first.title = "PHỤ LỤC I".into();
    let mut second = overdue_doc(overdue, &attached);
    second.title = "PHỤ LỤC II".into();
    OfficialPack {
        parts: vec![cover, first, second],
    }
}
