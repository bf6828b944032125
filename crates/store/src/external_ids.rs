//! Other systems' ids (nq57, VPCP's follow-up system) for our tasks, assignments and agencies:
//! a pair (system, id) names one record of ours, for good, so that a second push of the same id
//! finds what the first stored instead of making it again. The pair is unique in the database
//! (of two pushes at once, one stores); on PostgreSQL pushes of one pair also take turns under a
//! transaction-scoped advisory lock, as SQLite's writers always do.

use std::collections::HashMap;
use tiendo_domain::audit::AuditAction;

use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use tiendo_domain::model::Role;
use time::Date;

use crate::{Backend, Db, Result, StoreError};

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// The kind of record another system's id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExternalKind {
    Task,
    Assignment,
    Agency,
}

impl ExternalKind {
    /// From the API's path segment: "tasks", "assignments", "agencies" (or the singular).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "task" | "tasks" => Some(Self::Task),
            "assignment" | "assignments" => Some(Self::Assignment),
            "agency" | "agencies" => Some(Self::Agency),
            _ => None,
        }
    }
}

/// What linking another system's id did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Linked {
    /// The pair was new: it now names the record.
    Linked,
    /// The pair already named this record: nothing changed.
    Unchanged,
}

/// The record another system's id names, as our API knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalRecord {
    pub kind: ExternalKind,
    /// Our id (a task's or an assignment's; an agency's row id).
    pub id: i64,
    /// The task, for a task or an assignment.
    pub task_id: Option<i64>,
    /// The agency's registry code, for an agency or an assignment.
    pub agency: Option<String>,
    /// lead or coordinator, for an assignment.
    pub role: Option<String>,
}

/// One id another system gives a record of ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct ExternalId {
    pub system: String,
    pub external_id: String,
}

/// What [`Db::assign_external`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedExternal {
    /// A new assignment (or one ended before, given again), named by the pair.
    Created,
    /// The agency already held the task in that role: the pair now names that assignment.
    Linked,
    /// The pair already named an assignment: nothing changed.
    Unchanged,
}

/// Pushes of one pair take turns on PostgreSQL (SQLite's writers always do), so the second
/// finds what the first stored instead of racing it to the unique key.
pub(crate) async fn take_turns(
    db: &Db,
    tx: &mut Tx<'_>,
    kind: &str,
    system: &str,
    external_id: &str,
) -> Result<()> {
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
            .bind(format!("{kind}-external:{system}:{external_id}"))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn agency_of_pair(tx: &mut Tx<'_>, system: &str, external_id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT agency_id FROM agency_external_ids WHERE system = $1 AND external_id = $2",
    )
    .bind(system)
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await?)
}

impl Db {
    /// The record another system's id names, if it names one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn external_record(
        &self,
        kind: ExternalKind,
        system: &str,
        external_id: &str,
    ) -> Result<Option<ExternalRecord>> {
        /// Our id, its task, the agency's code, the role.
        type Row = (i64, Option<i64>, Option<String>, Option<String>);
        let row: Option<Row> = match kind {
            ExternalKind::Task => sqlx::query_as(
                "SELECT task_id, task_id, NULL, NULL FROM task_external_ids WHERE system = $1 AND external_id = $2",
            ),
            ExternalKind::Assignment => sqlx::query_as(
                "SELECT a.id, a.task_id, g.code, a.role FROM assignment_external_ids x
                 JOIN assignments a ON a.id = x.assignment_id JOIN agencies g ON g.id = a.agency_id
                 WHERE x.system = $1 AND x.external_id = $2",
            ),
            ExternalKind::Agency => sqlx::query_as(
                "SELECT g.id, NULL, g.code, NULL FROM agency_external_ids x
                 JOIN agencies g ON g.id = x.agency_id WHERE x.system = $1 AND x.external_id = $2",
            ),
        }
        .bind(system)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(id, task_id, agency, role)| ExternalRecord {
            kind,
            id,
            task_id,
            agency,
            role,
        }))
    }

    /// The registry code another system's agency id names, if it names one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_by_external_id(
        &self,
        system: &str,
        external_id: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .external_record(ExternalKind::Agency, system, external_id)
            .await?
            .and_then(|r| r.agency))
    }

    /// Every other system's ids of each agency, by registry code.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn agency_external_ids(&self) -> Result<HashMap<String, Vec<ExternalId>>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT g.code, x.system, x.external_id FROM agency_external_ids x
             JOIN agencies g ON g.id = x.agency_id ORDER BY x.system, x.external_id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: HashMap<String, Vec<ExternalId>> = HashMap::new();
        for (code, system, external_id) in rows {
            out.entry(code).or_default().push(ExternalId {
                system,
                external_id,
            });
        }
        Ok(out)
    }

    /// Other systems' ids of one task, of its assignments, or of an agency.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn external_ids_of(&self, kind: ExternalKind, id: i64) -> Result<Vec<ExternalId>> {
        let sql = match kind {
            ExternalKind::Task => {
                "SELECT system, external_id FROM task_external_ids WHERE task_id = $1 ORDER BY system, external_id"
            }
            ExternalKind::Assignment => {
                "SELECT system, external_id FROM assignment_external_ids WHERE assignment_id = $1 ORDER BY system, external_id"
            }
            ExternalKind::Agency => {
                "SELECT system, external_id FROM agency_external_ids WHERE agency_id = $1 ORDER BY system, external_id"
            }
        };
        Ok(sqlx::query_as(sql).bind(id).fetch_all(self.pool()).await?)
    }

    /// Gives an agency of the registry (by code) another system's id for it; audited. Refused
    /// when the pair already names another agency.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn link_agency(
        &self,
        code: &str,
        system: &str,
        external_id: &str,
        actor: &str,
    ) -> Result<Linked> {
        let mut tx = self.begin_write().await?;
        take_turns(self, &mut tx, "agency", system, external_id).await?;
        let agency: Option<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM agencies WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((agency, name)) = agency else {
            return Err(StoreError::UnknownAgency(format!(
                "không có cơ quan mã {code} trong danh mục"
            )));
        };
        match agency_of_pair(&mut tx, system, external_id).await? {
            Some(a) if a == agency => return Ok(Linked::Unchanged),
            Some(other) => {
                let other: String = sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1")
                    .bind(other)
                    .fetch_one(&mut *tx)
                    .await?;
                return Err(StoreError::Invalid(format!(
                    "mã {external_id} của hệ thống {system} đã gắn với {other}"
                )));
            }
            None => {}
        }
        sqlx::query(
            "INSERT INTO agency_external_ids (agency_id, system, external_id) VALUES ($1, $2, $3)",
        )
        .bind(agency)
        .bind(system)
        .bind(external_id)
        .execute(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::AgencyLinked,
            "agency",
            Some(agency),
            None,
            Some(&json!({ "agency": name, "system": system, "external_id": external_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(Linked::Linked)
    }

    /// Assigns an agency to a task under another system's id for the assignment, once: the
    /// pair already stored gives back its assignment and changes nothing; an agency already
    /// holding the task in that role has its assignment named by the pair; otherwise the
    /// agency is assigned from `on` ([`Db::assign`]). One transaction, audited.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assign_external(
        &self,
        task: i64,
        agency_code: &str,
        role: Role,
        on: Date,
        reason: &str,
        actor: &str,
        (system, external_id): (&str, &str),
    ) -> Result<(i64, AssignedExternal)> {
        let reason = tiendo_domain::text::clean_cell(reason);
        crate::edit::limit("lý do", &reason, 5000, true)?;
        let mut tx = self.begin_write().await?;
        take_turns(self, &mut tx, "assignment", system, external_id).await?;
        let known: Option<(i64, i64)> = sqlx::query_as(
            "SELECT a.id, a.task_id FROM assignment_external_ids x JOIN assignments a ON a.id = x.assignment_id
             WHERE x.system = $1 AND x.external_id = $2",
        )
        .bind(system)
        .bind(external_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id, of_task)) = known {
            if of_task != task {
                return Err(StoreError::Invalid(format!(
                    "mã {external_id} của hệ thống {system} đã gắn với một phân công của nhiệm vụ {of_task}"
                )));
            }
            return Ok((id, AssignedExternal::Unchanged));
        }
        let (agency, agency_name) = self.agency_in_force(agency_code, on).await?;
        let held: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE task_id = $1 AND agency_id = $2 AND role = $3 AND active = 1",
        )
        .bind(task)
        .bind(agency)
        .bind(role.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let (id, outcome) = match held {
            Some(id) => (id, AssignedExternal::Linked),
            None => (
                self.assign_in(
                    &mut tx,
                    task,
                    (agency, &agency_name),
                    role,
                    None,
                    on,
                    &reason,
                    actor,
                )
                .await?,
                AssignedExternal::Created,
            ),
        };
        sqlx::query(
            "INSERT INTO assignment_external_ids (assignment_id, system, external_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(system)
        .bind(external_id)
        .execute(&mut *tx)
        .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::AssignmentLinked,
            "task",
            Some(task),
            None,
            Some(&json!({ "agency": agency_name, "role": role.as_str(), "system": system, "external_id": external_id })),
        )
        .await?;
        tx.commit().await?;
        Ok((id, outcome))
    }
}
