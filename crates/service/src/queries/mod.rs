//! What the front ends read, through the service alone (the store is the service's own): the
//! shared read models ([`dashboard`], [`tasks`]) and the records a page, the API or a command
//! shows. Where a rule decides what a user may see, it is applied here, once.

pub mod dashboard;
pub mod reports;
pub mod tasks;

use std::collections::HashMap;

use tiendo_domain::scoring::{Formula, Month};
use tiendo_store::Result;
use tiendo_store::audit::AuditEntry;
use tiendo_store::difficulties::Difficulty;
use tiendo_store::facts::AgencyName;
use tiendo_store::users::User;

use crate::{Service, Snapshot};
use tiendo_domain::access::{Access, TaskScope};

/// How far a user reaches into a task as stored now ([`tiendo_domain::access::Reader::access`]),
/// read from the task itself rather than the book in memory (a task just added on another server
/// is found).
pub fn access_to(snap: &Snapshot, u: &User, t: &tiendo_store::tasks::TaskDetail) -> Access {
    let reader = snap.reader(u);
    let assigned =
        |agencies: &dyn Fn(i64) -> bool| t.assignments.iter().any(|x| agencies(x.agency_id));
    reader.access(
        TaskScope {
            committee: t.committee_id,
            secret: t.secret,
        },
        || reader.agency.is_some_and(|a| assigned(&|x| x == a)),
        || {
            let province = snap.province_agencies(u.committee_id);
            assigned(&|x| province.contains(&x))
        },
    )
}

impl Service {
    /// A task with every field and assignment, when it exists and the user may see it.
    pub async fn task_for(
        &self,
        u: &User,
        id: i64,
    ) -> Result<Option<tiendo_store::tasks::TaskDetail>> {
        Ok(self.task_with_access(u, id).await?.map(|(t, _)| t))
    }

    /// A task the user may see, with how far the user reaches into it (read-only when it is
    /// another committee's).
    pub async fn task_with_access(
        &self,
        u: &User,
        id: i64,
    ) -> Result<Option<(tiendo_store::tasks::TaskDetail, Access)>> {
        let Some(t) = self.db.task_detail(id).await? else {
            return Ok(None);
        };
        let snap = self.snapshot().await;
        let access = access_to(&snap, u, &t);
        Ok(access.sees().then_some((t, access)))
    }

    /// Whether the user may act on a task (its own committee's, or its own agency's assignment):
    /// the check every change to a task makes before it is stored.
    pub async fn acts_on(&self, u: &User, task: i64) -> Result<bool> {
        Ok(self
            .task_with_access(u, task)
            .await?
            .is_some_and(|(_, a)| a.acts()))
    }

    /// The evidence files of a task.
    pub async fn evidence_of_task(
        &self,
        task: i64,
    ) -> Result<Vec<tiendo_store::tasks::EvidenceInfo>> {
        self.db.evidence_of_task(task).await
    }

    /// An evidence file with its bytes, when the user may see its task.
    pub async fn evidence_file_for(
        &self,
        u: &User,
        id: i64,
    ) -> Result<Option<tiendo_store::tasks::EvidenceFile>> {
        let Some(file) = self.db.evidence_file(id).await? else {
            return Ok(None);
        };
        Ok(self.task_for(u, file.task_id).await?.map(|_| file))
    }

    /// Names and numbers of some tasks.
    pub async fn task_names(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, tiendo_store::tasks::TaskName>> {
        self.db.task_names(ids).await
    }

    /// The leaders who oversee tasks (for the filters and forms).
    pub async fn overseers(&self) -> Result<Vec<String>> {
        self.db.overseers().await
    }

    /// Difficulties of one task, or all of them.
    pub async fn difficulties(&self, task: Option<i64>) -> Result<Vec<Difficulty>> {
        self.db.difficulties(task).await
    }

    /// Every agency's code and name, by id.
    pub async fn agency_names(&self) -> Result<HashMap<i64, AgencyName>> {
        self.db.agency_names().await
    }

    /// The registry as stored (agencies, aliases, groups).
    pub async fn registry(&self) -> Result<tiendo_store::registry::StoredRegistry> {
        self.db.load_registry().await
    }

    /// The registry as a user reads it: the national agencies and, for a province's officers,
    /// their own committee's departments and communes (never another province's).
    pub async fn registry_of(&self, u: &User) -> Result<tiendo_store::registry::StoredRegistry> {
        let own = self
            .snapshot()
            .await
            .committee(u.committee_id)
            .filter(|c| c.level == "province")
            .map(|c| c.code.clone());
        self.db.load_registry_for(own.as_deref()).await
    }

    /// The registry a committee reads its documents with.
    pub async fn registry_for(
        &self,
        committee: Option<&str>,
    ) -> Result<tiendo_store::registry::StoredRegistry> {
        self.db.load_registry_for(committee).await
    }

    /// The accounts named as the heads of agencies.
    pub async fn agency_heads(&self) -> Result<HashMap<i64, tiendo_store::registry::Head>> {
        self.db.agency_heads().await
    }

    /// Other systems' ids of the agencies, by code.
    pub async fn agency_external_ids(
        &self,
    ) -> Result<HashMap<String, Vec<tiendo_store::external_ids::ExternalId>>> {
        self.db.agency_external_ids().await
    }

    /// One agency of the registry with its aliases and history.
    pub async fn agency_record(
        &self,
        code: &str,
    ) -> Result<Option<tiendo_store::registry::StoredAgency>> {
        self.db.agency_record(code).await
    }

    /// The committees of this installation.
    pub async fn committees(&self) -> Result<Vec<tiendo_store::registry::Committee>> {
        self.db.committees().await
    }

    /// How a committee signs its documents.
    pub async fn signing(
        &self,
        committee: Option<&str>,
    ) -> Result<tiendo_domain::signing::Signing> {
        self.db.signing(committee).await
    }

    /// The committee's meetings.
    pub async fn meetings(&self, u: &User) -> Result<Vec<tiendo_store::meetings::Meeting>> {
        let snap = self.snapshot().await;
        // The committees as stored (a command's service holds no book in memory).
        let committees = self.db.committees().await?;
        let mut all = self.db.meetings().await?;
        all.retain(|m| {
            committees
                .iter()
                .find(|c| c.code == m.committee)
                .is_some_and(|c| {
                    snap.reader(u)
                        .access_to_record(c.id, c.level != "province")
                        .listed()
                })
        });
        Ok(all)
    }

    /// The tasks of a meeting's documents.
    pub async fn tasks_of_meeting(&self, meeting: i64) -> Result<Vec<i64>> {
        self.db.tasks_of_meeting(meeting).await
    }

    /// A page of the audit log as a user may read it, newest first: the whole log for the
    /// Government committee's administrators, a province's own for its administrators.
    pub async fn audit_page(&self, u: &User, limit: i64, offset: usize) -> Result<Vec<AuditEntry>> {
        if self.snapshot().await.reader(u).national {
            self.db.audit_page(limit, offset).await
        } else {
            self.db
                .committee_audit_page(u.committee_id, limit, offset)
                .await
        }
    }

    /// The documents an audit page's rows are about, by their names.
    pub async fn document_labels(&self, rows: &[AuditEntry]) -> HashMap<i64, String> {
        let ids: Vec<i64> = rows
            .iter()
            .filter(|r| r.entity == "document")
            .filter_map(|r| r.entity_id)
            .collect();
        self.db.document_labels(&ids).await.unwrap_or_default()
    }

    /// The user's own notifications, newest first.
    pub async fn notifications(
        &self,
        u: &User,
        limit: i64,
    ) -> Result<Vec<tiendo_store::reminders::Notification>> {
        self.db.notifications(u.id, limit).await
    }

    /// The reminder e-mails an SMTP server has not yet accepted.
    pub async fn pending_mail(&self) -> Result<Vec<tiendo_store::reminders::PendingMail>> {
        self.db.pending_mail().await
    }

    /// The key that signs the e-mails' unsubscribe links.
    pub async fn link_key(&self) -> anyhow::Result<String> {
        crate::reminders::link_key(&self.db).await
    }

    /// Every indicator.
    pub async fn indicators(
        &self,
        u: &User,
    ) -> Result<Vec<tiendo_store::indicators::IndicatorRow>> {
        let snap = self.snapshot().await;
        let mut list = self.db.indicators().await?;
        list.retain(|i| snap.record_access(u, i.committee_id).listed());
        Ok(list)
    }

    /// The ids of the indicators a user's lists hold (their committee's, and the Government
    /// committee's for a province's officers).
    pub async fn listed_indicators(&self, u: &User) -> Result<std::collections::HashSet<i64>> {
        Ok(self
            .indicators(u)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect())
    }

    /// One indicator.
    pub async fn indicator(
        &self,
        u: &User,
        id: i64,
    ) -> Result<Option<tiendo_store::indicators::IndicatorRow>> {
        let snap = self.snapshot().await;
        Ok(self
            .db
            .indicator(id)
            .await?
            .filter(|i| snap.record_access(u, i.committee_id).sees()))
    }

    /// An indicator's lead agencies.
    pub async fn indicator_leads(&self, id: i64) -> Result<Vec<i64>> {
        self.db.indicator_leads(id).await
    }

    /// The agencies an indicator is reported by.
    pub async fn indicator_coverage(&self, id: i64) -> Result<Vec<i64>> {
        self.db.indicator_coverage(id).await
    }

    /// An indicator's targets.
    pub async fn indicator_targets(
        &self,
        id: i64,
    ) -> Result<Vec<tiendo_store::indicators::TargetRow>> {
        self.db.indicator_targets(id).await
    }

    /// An indicator's figures (the nation's with `Some(None)`, one agency's, or all).
    pub async fn indicator_values(
        &self,
        id: i64,
        agency: Option<Option<i64>>,
    ) -> Result<Vec<tiendo_store::indicators::ValueRow>> {
        self.db.indicator_values(id, agency).await
    }

    /// An indicator's newest figures (at most `limit`) and how many it has in all.
    pub async fn indicator_values_recent(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<(Vec<tiendo_store::indicators::ValueRow>, i64)> {
        self.db.indicator_values_recent(id, limit).await
    }

    /// The tasks linked to an indicator.
    pub async fn indicator_task_ids(&self, id: i64) -> Result<Vec<i64>> {
        self.db.indicator_task_ids(id).await
    }

    /// The scoring formula in force for a month, with its version.
    pub async fn formula_for(
        &self,
        month: Month,
    ) -> Result<(Formula, tiendo_store::scoring::FormulaVersion)> {
        self.db.formula_for(month).await
    }

    /// Every task's number, name and place in the plans (for the reports' rows).
    pub async fn task_infos(&self) -> Result<HashMap<i64, tiendo_store::facts::TaskInfo>> {
        self.db.task_infos().await
    }

    /// The lead assignments and tasks counted, for the demonstration's first start.
    pub async fn counts(&self) -> Result<tiendo_store::tasks::Counts> {
        self.db.counts().await
    }
}

/// What a task's page shows beside its fields: deadline requests waiting, difficulties,
/// commitments by assignment, evidence files, completions waiting for review (for the standing
/// agency) and leaders' directions. A record that cannot be read is shown as none.
#[derive(Debug, Default)]
pub struct TaskRecords {
    pub pending: Vec<tiendo_store::tasks::DeadlineRequest>,
    pub difficulties: Vec<Difficulty>,
    pub commitments: HashMap<i64, tiendo_store::tasks::Commitment>,
    pub evidence: Vec<tiendo_store::tasks::EvidenceInfo>,
    pub to_review: Vec<tiendo_store::tasks::CompletionToReview>,
    pub directions: Vec<tiendo_store::directions::DirectionRow>,
    /// Who acted on them, by name.
    pub people: crate::people::People,
}

impl Service {
    /// The records of a task's page, as the user may see them (completions to review only for
    /// the standing agency).
    pub async fn task_records(&self, u: &User, task: i64) -> TaskRecords {
        let db = &self.db;
        TaskRecords {
            pending: db.pending_deadline_requests(task).await.unwrap_or_default(),
            difficulties: db.difficulties(Some(task)).await.unwrap_or_default(),
            commitments: db.commitments_of_task(task).await.unwrap_or_default(),
            evidence: db.evidence_of_task(task).await.unwrap_or_default(),
            to_review: if u.role.is_standing() {
                db.completions_to_review(task).await.unwrap_or_default()
            } else {
                Vec::new()
            },
            directions: db.directions_of(task).await.unwrap_or_default(),
            people: self.people().await,
        }
    }

    /// What waits for a user on a day ("Việc cần xử lý").
    pub async fn inbox(
        &self,
        u: &User,
        day: time::Date,
    ) -> anyhow::Result<Vec<tiendo_domain::reminders::ReminderItem>> {
        let snap = self.snapshot().await;
        crate::reminders::inbox(
            &self.db,
            &snap,
            u,
            day,
            &tiendo_domain::reminders::ReminderRules::default(),
        )
        .await
    }
}
