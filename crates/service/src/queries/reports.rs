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

use crate::Service;

impl Service {
    /// The name of the Government's committee, which issues the reports.
    pub async fn issuer(&self) -> anyhow::Result<Option<String>> {
        tiendo_reports::issuer(&self.db).await
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
