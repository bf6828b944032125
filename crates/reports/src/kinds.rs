//! The committee's reports, one list: each kind with its name in the API and on the command line
//! (`overdue`), its name in the pages' download links (`qua-han`), its title and what it needs
//! besides a date; and a built report ([`Report`]) that any adapter writes as JSON, Word or
//! Excel under one file name. The command line (`tiendo report …`), the reports page
//! (`/bao-cao/tai/{slug}.{docx|xlsx|json}`) and the API (`/api/report/{name}`) all read this list,
//! so a new kind is added here and in the service's builder, and nowhere else.

use std::sync::Arc;

use serde::Serialize;

use tiendo_domain::deadline::iso;
use tiendo_domain::signing::Signing;
use tiendo_office::official::OfficialDoc;
use tiendo_store::facts::OverdueReport;
use time::Date;

use crate::indicators::IndicatorsReport;
use crate::{
    AgencySummary, CommitmentsReport, CommitteesReport, DifficultyRegister, Presentation,
    ResultsReport, ScoreReport, agencies_doc, commitments_doc, committees_doc, difficulties_doc,
    overdue_doc, results_doc, score_doc,
};

/// One kind of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// The tasks late on a date and the agencies that have not finished them.
    Overdue,
    /// The results of one document's tasks, in the documents' own words.
    Results,
    /// Each agency's counts and on-time rate.
    Agencies,
    /// The register of difficulties.
    Difficulties,
    /// Late assignments with the agencies' commitments.
    Commitments,
    /// Every indicator and where it stands.
    Indicators,
    /// A month's score and ranking.
    Ranking,
    /// Every committee's standing (the national view).
    Committees,
}

impl ReportKind {
    pub const ALL: [ReportKind; 8] = [
        ReportKind::Overdue,
        ReportKind::Results,
        ReportKind::Agencies,
        ReportKind::Difficulties,
        ReportKind::Commitments,
        ReportKind::Indicators,
        ReportKind::Ranking,
        ReportKind::Committees,
    ];

    /// The name in the API (`/api/report/{name}`) and on the command line
    /// (`tiendo report {name}`; the ranking is also `tiendo score`).
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Overdue => "overdue",
            ReportKind::Results => "results",
            ReportKind::Agencies => "agencies",
            ReportKind::Difficulties => "difficulties",
            ReportKind::Commitments => "commitments",
            ReportKind::Indicators => "indicators",
            ReportKind::Ranking => "ranking",
            ReportKind::Committees => "committees",
        }
    }

    /// The name in the pages' download links (`/bao-cao/tai/{slug}.docx`).
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::Overdue => "qua-han",
            ReportKind::Results => "ket-qua",
            ReportKind::Agencies => "theo-co-quan",
            ReportKind::Difficulties => "kho-khan",
            ReportKind::Commitments => "cam-ket",
            ReportKind::Indicators => "chi-tieu",
            ReportKind::Ranking => "xep-hang",
            ReportKind::Committees => "cac-ban-chi-dao",
        }
    }

    /// The heading on the reports page.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Overdue => "Danh sách nhiệm vụ quá hạn",
            ReportKind::Results => "Kết quả thực hiện nhiệm vụ của một văn bản",
            ReportKind::Agencies => "Tình hình thực hiện theo cơ quan",
            ReportKind::Difficulties => "Khó khăn, vướng mắc",
            ReportKind::Commitments => "Cam kết hoàn thành nhiệm vụ chậm tiến độ",
            ReportKind::Indicators => "Chỉ tiêu và mức độ đạt",
            ReportKind::Ranking => "Điểm và xếp hạng tháng",
            ReportKind::Committees => "Tình hình của các ban chỉ đạo",
        }
    }

    /// What the report needs besides the date it is computed on.
    pub fn needs(self) -> Needs {
        match self {
            ReportKind::Results => Needs::Document,
            ReportKind::Ranking => Needs::Month,
            ReportKind::Commitments => Needs::OptionalAnswerBy,
            ReportKind::Overdue
            | ReportKind::Agencies
            | ReportKind::Difficulties
            | ReportKind::Indicators
            | ReportKind::Committees => Needs::Nothing,
        }
    }

    pub fn from_name(name: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn from_slug(slug: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

/// What a report needs besides its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// A document's symbol ("624/TB-VPCP") or an imported file's key.
    Document,
    /// A month (`YYYY-MM`), in place of a date.
    Month,
    /// Optionally, the day commitments were due (notice 2352/BCA-VPB).
    OptionalAnswerBy,
}

/// A report built, ready to be written in any format.
#[derive(Debug, Clone)]
pub enum Report {
    Overdue(OverdueReport),
    Results(ResultsReport),
    Agencies(AgencySummary),
    Difficulties(DifficultyRegister),
    Commitments(CommitmentsReport),
    Indicators(IndicatorsReport, Date),
    /// The ranking, with the committee that issues it and how it signs.
    Ranking {
        report: Arc<ScoreReport>,
        issuer: String,
        signing: Signing,
    },
    Committees(CommitteesReport),
}

impl Report {
    pub fn kind(&self) -> ReportKind {
        match self {
            Report::Overdue(_) => ReportKind::Overdue,
            Report::Results(_) => ReportKind::Results,
            Report::Agencies(_) => ReportKind::Agencies,
            Report::Difficulties(_) => ReportKind::Difficulties,
            Report::Commitments(_) => ReportKind::Commitments,
            Report::Indicators(..) => ReportKind::Indicators,
            Report::Ranking { .. } => ReportKind::Ranking,
            Report::Committees(_) => ReportKind::Committees,
        }
    }

    /// The file's name without its extension: what, and as of when
    /// (`nhiem-vu-qua-han-2026-05-20`, `ket-qua-624-TB-VPCP-2026-05-20`, `xep-hang-2026-04`).
    pub fn file_stem(&self) -> String {
        match self {
            Report::Overdue(r) => format!("nhiem-vu-qua-han-{}", iso(r.as_of)),
            Report::Results(r) => format!("ket-qua-{}-{}", ascii_stem(&r.document), iso(r.as_of)),
            Report::Agencies(r) => format!("tinh-hinh-theo-co-quan-{}", iso(r.as_of)),
            Report::Difficulties(r) => format!("kho-khan-vuong-mac-{}", iso(r.as_of)),
            Report::Commitments(r) => format!("cam-ket-{}", iso(r.as_of)),
            Report::Indicators(_, as_of) => format!("chi-tieu-{}", iso(*as_of)),
            Report::Ranking { report, .. } => format!("xep-hang-{}", report.month),
            Report::Committees(r) => format!("cac-ban-chi-dao-{}", iso(r.as_of)),
        }
    }

    /// The report as an official document (Word or Excel), issued `today`.
    pub fn document(&self, p: &Presentation, today: Date) -> OfficialDoc {
        match self {
            Report::Overdue(r) => overdue_doc(r, p),
            Report::Results(r) => results_doc(r, p),
            Report::Agencies(r) => agencies_doc(r, p),
            Report::Difficulties(r) => difficulties_doc(r, p),
            Report::Commitments(r) => commitments_doc(r, p),
            Report::Indicators(r, as_of) => crate::indicators::indicators_doc(r, *as_of, p),
            Report::Ranking {
                report,
                issuer,
                signing,
            } => {
                let p = Presentation {
                    signing: Some(signing.clone()),
                    ..p.clone()
                };
                score_doc(report, issuer, today, &p)
            }
            Report::Committees(r) => committees_doc(r, p),
        }
    }
}

/// The report as JSON: the report itself, written straight from its own type (its fields in
/// their declared order).
impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Report::Overdue(r) => r.serialize(s),
            Report::Results(r) => r.serialize(s),
            Report::Agencies(r) => r.serialize(s),
            Report::Difficulties(r) => r.serialize(s),
            Report::Commitments(r) => r.serialize(s),
            Report::Indicators(r, _) => r.serialize(s),
            Report::Ranking { report, .. } => report.serialize(s),
            Report::Committees(r) => r.serialize(s),
        }
    }
}

/// A document's symbol or key in a file name: ASCII letters and digits kept, anything else a
/// hyphen (`624/TB-VPCP` → `624-TB-VPCP`).
fn ascii_stem(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_kind_has_its_own_names_read_back_as_itself() {
        let mut names = HashSet::new();
        let mut slugs = HashSet::new();
        for k in ReportKind::ALL {
            assert!(names.insert(k.name()) && slugs.insert(k.slug()), "{k:?}");
            assert_eq!(ReportKind::from_name(k.name()), Some(k));
            assert_eq!(ReportKind::from_slug(k.slug()), Some(k));
            assert!(
                k.slug()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            );
        }
        assert_eq!(ReportKind::from_name("qua-han"), None);
        assert_eq!(ReportKind::from_slug("overdue"), None);
    }

    #[test]
    fn a_documents_symbol_becomes_a_plain_file_name() {
        assert_eq!(ascii_stem("624/TB-VPCP"), "624-TB-VPCP");
        assert_eq!(ascii_stem("Phụ lục 1"), "Ph--l-c-1");
    }
}
