//! The committee's reports as data, read through the service: the same functions the command
//! line, the pages and the API call, each given the status book it is computed on and the rule
//! of which tasks the reader may see.

use std::collections::HashMap;

use tiendo_domain::scoring::{Formula, Month};
use tiendo_domain::status::StatusBook;
use tiendo_reports::indicators::IndicatorsReport;
use tiendo_reports::{CommitmentsReport, ResultsReport, ScoreReport, Visible};
use tiendo_store::facts::{AgencyName, OverdueReport};
use time::Date;

use crate::{Service, Snapshot};
use tiendo_reports::DifficultyRegister;
use tiendo_reports::kinds::{Report, ReportKind};

/// What a report is asked for: its date, and what its kind needs ([`ReportKind::needs`]).
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub as_of: Date,
    /// A document's symbol or key ([`ReportKind::Results`]).
    pub document: Option<String>,
    /// The month ranked ([`ReportKind::Ranking`]).
    pub month: Option<Month>,
    /// The day commitments were due ([`ReportKind::Commitments`]).
    pub answer_by: Option<Date>,
    /// Only this committee's tasks ([`ReportKind::Overdue`]; default all).
    pub committee: Option<String>,
    /// A formula to try in place of the published one ([`ReportKind::Ranking`]).
    pub formula: Option<(Formula, String)>,
    /// Only this committee's line ([`ReportKind::Committees`] read by a province's officer);
    /// `None`: every committee (the national view).
    pub only_committee: Option<i64>,
    /// Only these indicators ([`ReportKind::Indicators`] read by a user: those its lists hold);
    /// `None`: every indicator.
    pub indicators: Option<std::collections::HashSet<i64>>,
    /// Difficulties raised on no task by these agencies are left out ([`ReportKind::Difficulties`]
    /// read by a user: other provinces' committees, departments and communes).
    pub foreign: crate::snapshot::Foreign,
}

impl ReportRequest {
    /// A report on a date, with nothing else asked.
    pub fn on(as_of: Date) -> ReportRequest {
        ReportRequest {
            as_of,
            document: None,
            month: None,
            answer_by: None,
            committee: None,
            formula: None,
            only_committee: None,
            indicators: None,
            foreign: Default::default(),
        }
    }
}

/// Why a report was not built.
#[derive(Debug)]
pub enum ReportRefused {
    /// The report needs a document and none was named.
    DocumentMissing,
    NoSuchDocument(String),
    /// The ranking needs a month.
    MonthMissing,
    NoSuchCommittee(String),
    Failed(anyhow::Error),
}

impl ReportRefused {
    /// What the reader is told (a failure's cause is for the log).
    pub fn message(&self) -> String {
        match self {
            ReportRefused::DocumentMissing => {
                "Cần số ký hiệu văn bản (vd: 624/TB-VPCP) hoặc khóa tệp đã nhập.".into()
            }
            ReportRefused::NoSuchDocument(d) => format!(
                "Không có văn bản \"{d}\" (số ký hiệu trong cột căn cứ giao, hoặc khóa của tệp đã nhập)."
            ),
            ReportRefused::MonthMissing => "Tháng không hợp lệ (YYYY-MM).".into(),
            ReportRefused::NoSuchCommittee(c) => {
                format!("Không có ban chỉ đạo mã {c} (xem: tiendo committees list).")
            }
            ReportRefused::Failed(_) => "Không tạo được báo cáo; hãy thử lại.".into(),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for ReportRefused {
    fn from(e: E) -> Self {
        ReportRefused::Failed(e.into())
    }
}

impl Service {
    /// One report as a user may read it (the pages and the API): the tasks the user's lists
    /// hold, or, with a committee asked for, that committee's tasks the user may read; the national
    /// view whole for the Government committee's officers, a province's own line for its
    /// officers.
    pub async fn report_for(
        &self,
        u: &tiendo_store::users::User,
        kind: ReportKind,
        mut req: ReportRequest,
        snap: &Snapshot,
    ) -> Result<Report, ReportRefused> {
        let vis = crate::Visibility::of(u, snap);
        if !snap.reader(u).national {
            req.only_committee = Some(u.committee_id);
        }
        if kind == ReportKind::Indicators {
            req.indicators = Some(self.listed_indicators(u).await?);
        }
        req.foreign = snap.foreign(u);
        let one_committee = req.committee.is_some();
        let visible = |t: i64| {
            if one_committee {
                vis.reads(t)
            } else {
                vis.sees(t)
            }
        };
        self.report(kind, req, snap, &visible).await
    }

    /// One report of any kind, on the given state of the data, listing only the tasks `visible`
    /// lets the reader see: the one builder behind `tiendo report`, the reports page's downloads
    /// and `/api/report/{name}`.
    #[tracing::instrument(level = "debug", skip(self, req, snap, visible), fields(kind = kind.name()))]
    pub async fn report(
        &self,
        kind: ReportKind,
        req: ReportRequest,
        snap: &Snapshot,
        visible: Visible<'_>,
    ) -> Result<Report, ReportRefused> {
        let as_of = req.as_of;
        Ok(match kind {
            ReportKind::Overdue => {
                if let Some(c) = &req.committee
                    && !self.db.committees().await?.iter().any(|x| &x.code == c)
                {
                    return Err(ReportRefused::NoSuchCommittee(c.clone()));
                }
                Report::Overdue(
                    self.overdue_report(
                        &snap.book,
                        &snap.agencies,
                        as_of,
                        req.committee.as_deref(),
                        visible,
                    )
                    .await?,
                )
            }
            ReportKind::Results => {
                let doc = req
                    .document
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .ok_or(ReportRefused::DocumentMissing)?;
                match self.results_report(&snap.book, doc, as_of, visible).await? {
                    Some(r) => Report::Results(r),
                    None => return Err(ReportRefused::NoSuchDocument(doc.to_string())),
                }
            }
            ReportKind::Agencies => {
                let difficulties = self.db.difficulties(None).await?;
                Report::Agencies(tiendo_reports::agencies(
                    &snap.book,
                    &snap.agencies,
                    &difficulties,
                    as_of,
                ))
            }
            ReportKind::Difficulties => {
                let all = self.db.difficulties(None).await?;
                let mut rows = tiendo_reports::visible_difficulties(
                    tiendo_reports::difficulties_as_of(all, as_of),
                    visible,
                );
                rows.retain(|d| d.task_id.is_some() || !req.foreign.raised(d));
                Report::Difficulties(DifficultyRegister::of(rows, as_of))
            }
            ReportKind::Commitments => Report::Commitments(
                self.commitments_report(&snap.book, as_of, req.answer_by, visible)
                    .await?,
            ),
            ReportKind::Indicators => {
                let book = self.indicator_book().await?;
                let mut r = self.indicators_report(&book, &snap.agencies, as_of).await?;
                if let Some(keep) = &req.indicators {
                    r.indicators
                        .retain(|i| i.id.parse::<i64>().is_ok_and(|id| keep.contains(&id)));
                }
                Report::Indicators(r, as_of)
            }
            ReportKind::Ranking => {
                let month = req.month.ok_or(ReportRefused::MonthMissing)?;
                let report = match req.formula {
                    Some(f) => {
                        std::sync::Arc::new(self.score_report(&snap.book, month, Some(f)).await?)
                    }
                    None => self.score_on(snap, month).await?,
                };
                Report::Ranking {
                    report,
                    issuer: self.issuer().await?,
                    signing: self.db.signing(None).await?,
                }
            }
            ReportKind::Committees => Report::Committees(
                self.committees_report(snap, as_of, req.only_committee)
                    .await?,
            ),
        })
    }

    /// Every committee's standing on a date (or one committee's): its tasks, late and done, its
    /// indicators by colour, its difficulties awaiting an answer, its newest report.
    pub async fn committees_report(
        &self,
        snap: &Snapshot,
        as_of: Date,
        only: Option<i64>,
    ) -> anyhow::Result<tiendo_reports::CommitteesReport> {
        let committees: Vec<_> = snap
            .committees
            .iter()
            .filter(|c| only.is_none_or(|o| o == c.id))
            .cloned()
            .collect();
        let task_committee: HashMap<i64, i64> =
            snap.tasks.iter().map(|t| (t.id, t.committee_id)).collect();
        let task_states = snap.book.task_states(as_of);
        let owner = self.db.indicator_committees().await?;
        let indicators: Vec<(i64, tiendo_domain::indicator::Colour)> = {
            let book = self.indicator_book().await?;
            self.indicators_report(&book, &snap.agencies, as_of)
                .await?
                .indicators
                .iter()
                .filter_map(|i| Some((*owner.get(&i.id.parse::<i64>().ok()?)?, i.colour)))
                .collect()
        };
        // A difficulty on a task is its task's committee's; one raised on no task, its raising
        // agency's committee's (the Government's for a national agency).
        let national = snap
            .committees
            .iter()
            .find(|c| c.code == tiendo_store::seed::DEFAULT_COMMITTEE)
            .map(|c| c.id);
        let awaiting: Vec<i64> =
            tiendo_reports::difficulties_as_of(self.db.difficulties(None).await?, as_of)
                .into_iter()
                .filter(|d| d.state != "answered")
                .filter_map(|d| match d.task_id {
                    Some(t) => task_committee.get(&t).copied(),
                    None => d
                        .agency_id
                        .and_then(|a| snap.agencies.get(&a))
                        .and_then(|a| a.committee_id)
                        .or(d.document_committee_id)
                        .or(national),
                })
                .collect();
        let last_reports = self.db.last_report_by_committee(as_of).await?;
        Ok(tiendo_reports::committees_report(
            &tiendo_reports::CommitteeFacts {
                committees: &committees,
                task_committee: &task_committee,
                task_states: &task_states,
                indicators: &indicators,
                difficulties_awaiting: &awaiting,
                last_reports: &last_reports,
            },
            as_of,
        ))
    }

    /// The name of the Government's committee, which issues the reports ("Ban Chỉ đạo" when
    /// the database does not name it).
    pub async fn issuer(&self) -> anyhow::Result<String> {
        Ok(tiendo_reports::issuer(&self.db)
            .await?
            .unwrap_or_else(|| "Ban Chỉ đạo".into()))
    }

    /// The status book as stored now (a command reads it once; a server keeps its own in
    /// memory, [`Service::snapshot`]).
    pub async fn load_status_book(&self) -> tiendo_store::Result<StatusBook> {
        self.db.load_status_book().await
    }

    /// Every indicator's figures and targets as stored now.
    pub async fn load_indicator_book(
        &self,
    ) -> tiendo_store::Result<tiendo_domain::indicator::book::IndicatorBook> {
        self.db.load_indicator_book().await
    }

    /// The tasks late on a day, with their late agencies.
    pub async fn overdue_report(
        &self,
        book: &StatusBook,
        agencies: &HashMap<i64, AgencyName>,
        as_of: Date,
        committee: Option<&str>,
        visible: Visible<'_>,
    ) -> anyhow::Result<OverdueReport> {
        tiendo_reports::overdue(&self.db, book, agencies, as_of, committee, visible).await
    }

    /// The results of the tasks of one document (by symbol or key); `None`: no such document.
    pub async fn results_report(
        &self,
        book: &StatusBook,
        document: &str,
        as_of: Date,
        visible: Visible<'_>,
    ) -> anyhow::Result<Option<ResultsReport>> {
        tiendo_reports::results(&self.db, book, document, as_of, visible).await
    }

    /// The results of some tasks under a label (a meeting's).
    pub async fn results_of(
        &self,
        book: &StatusBook,
        label: &str,
        ids: &[i64],
        as_of: Date,
        visible: Visible<'_>,
    ) -> anyhow::Result<ResultsReport> {
        tiendo_reports::results_of(&self.db, book, label, ids, as_of, visible).await
    }

    /// Late lead assignments with the agencies' commitments.
    pub async fn commitments_report(
        &self,
        book: &StatusBook,
        as_of: Date,
        answer_by: Option<Date>,
        visible: Visible<'_>,
    ) -> anyhow::Result<CommitmentsReport> {
        tiendo_reports::commitments(&self.db, book, as_of, answer_by, visible).await
    }

    /// Every indicator and where it stands on a day.
    pub async fn indicators_report(
        &self,
        book: &tiendo_domain::indicator::book::IndicatorBook,
        names: &HashMap<i64, AgencyName>,
        as_of: Date,
    ) -> anyhow::Result<IndicatorsReport> {
        tiendo_reports::indicators::indicators_report(&self.db, book, names, as_of).await
    }

    /// A month's score with the published formula, or with another one to compare.
    pub async fn score_report(
        &self,
        book: &StatusBook,
        month: Month,
        formula: Option<(Formula, String)>,
    ) -> anyhow::Result<ScoreReport> {
        tiendo_reports::score(&self.db, book, month, formula).await
    }
}
