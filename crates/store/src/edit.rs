//! The standing agency edits a task and reassigns it. A new deadline is a deadline change in force
//! from the day it is made; a reassignment ends one assignment and starts another on that day, so
//! the task's past (who was late when) stays as it was. Every change is audited with before → after.

use serde_json::{Value, json};
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, iso, parse_deadline};
use tiendo_domain::model::Role;
use tiendo_domain::text::{clean, clean_cell, name_key};
use time::Date;

use crate::{Db, Result, StoreError, now};

/// What the edit form sends. Text is kept as typed (markup removed), never rendered as HTML.
#[derive(Debug, Clone, Default)]
pub struct TaskEdit {
    pub name: String,
    pub expected_result: String,
    pub basis: String,
    /// The leader who oversees it ("Phó Thủ tướng …"); empty for none.
    pub overseer: String,
    pub secret: bool,
    /// A new deadline as written ("30/9/2026", "Quý III/2026"); empty keeps the deadline.
    pub new_deadline: String,
    /// Why the deadline changes (required with a new deadline).
    pub reason: String,
}

pub(crate) fn limit(field: &str, value: &str, max: usize, required: bool) -> Result<()> {
    let n = value.chars().count();
    if (required && n == 0) || n > max {
        return Err(StoreError::Invalid(format!(
            "{field}: {}tối đa {max} ký tự",
            if required { "bắt buộc, " } else { "" }
        )));
    }
    Ok(())
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Db {
    /// A task's editable fields as stored (no new deadline), with its deadline as its source
    /// last stated it (the original, or the last one a push or a later file stated).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn editable_fields(&self, id: i64) -> Result<Option<(TaskEdit, String)>> {
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            String,
        );
        let row: Option<Row> = sqlx::query_as(
                "SELECT name, expected_result, basis, overseer, secret, COALESCE(stated_deadline_raw, deadline_raw) FROM tasks WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(
            row.map(|(name, expected, basis, overseer, secret, deadline)| {
                (
                    TaskEdit {
                        name,
                        expected_result: expected.unwrap_or_default(),
                        basis: basis.unwrap_or_default(),
                        overseer: overseer.unwrap_or_default(),
                        secret: secret != 0,
                        new_deadline: String::new(),
                        reason: String::new(),
                    },
                    deadline,
                )
            }),
        )
    }

    /// The task another system knows by this id, if it pushed one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn task_by_external_id(
        &self,
        system: &str,
        external_id: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT task_id FROM task_external_ids WHERE system = $1 AND external_id = $2",
        )
        .bind(system)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Edits a task's fields; a new deadline becomes a task-wide deadline change in force from
    /// `on`. Nothing is stored when any value is refused.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn edit_task(&self, id: i64, e: &TaskEdit, on: Date, actor: &str) -> Result<()> {
        self.edit_task_with(id, e, on, actor, false).await
    }

    /// [`Db::edit_task`] of a task pushed again by the system it came from: its new deadline is
    /// also what the source now states ([`Db::editable_fields`]), so the same push again
    /// changes nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn edit_task_as_stated(
        &self,
        id: i64,
        e: &TaskEdit,
        on: Date,
        actor: &str,
    ) -> Result<()> {
        self.edit_task_with(id, e, on, actor, true).await
    }

    async fn edit_task_with(
        &self,
        id: i64,
        e: &TaskEdit,
        on: Date,
        actor: &str,
        stated: bool,
    ) -> Result<()> {
        let name = clean_cell(&e.name);
        let expected = clean_cell(&e.expected_result);
        let basis = clean_cell(&e.basis);
        let overseer = clean(&e.overseer);
        let reason = clean_cell(&e.reason);
        limit("tên nhiệm vụ", &name, 5000, true)?;
        limit("kết quả, sản phẩm", &expected, 5000, false)?;
        limit("căn cứ giao", &basis, 2000, false)?;
        limit("lãnh đạo phụ trách", &overseer, 300, false)?;
        let new_deadline = clean(&e.new_deadline);
        let deadline = if new_deadline.is_empty() {
            None
        } else {
            let d = parse_deadline(
                &new_deadline,
                DeadlineContext {
                    document_year: Some(on.year()),
                },
            );
            if d.kind == DeadlineKind::Unknown {
                return Err(StoreError::Invalid(format!(
                    "thời hạn mới không đọc được: \"{new_deadline}\" (ví dụ: 30/9/2026, Quý III/2026, Thường xuyên)"
                )));
            }
            limit("lý do điều chỉnh thời hạn", &reason, 5000, true)?;
            Some(d)
        };
        let mut tx = self.begin_write().await?;
        let row: Option<EditableFields> = sqlx::query_as(
            "SELECT name, expected_result, basis, overseer, secret FROM tasks WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = row else {
            return Err(StoreError::NotFound(format!("nhiệm vụ {id}")));
        };
        let before = json!({ "name": old.name, "expected_result": old.expected_result, "basis": old.basis, "overseer": old.overseer, "secret": old.secret != 0 });
        let after = json!({ "name": name, "expected_result": opt(&expected), "basis": opt(&basis), "overseer": opt(&overseer), "secret": e.secret });
        let changed: Vec<&String> = before
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, v)| after.get(k.as_str()) != Some(v))
            .map(|(k, _)| k)
            .collect();
        if !changed.is_empty() {
            sqlx::query(
                "UPDATE tasks SET name = $1, name_key = $2, expected_result = $3, basis = $4, overseer = $5, secret = $6, updated_at = $7, updated_by = $8 WHERE id = $9",
            )
            .bind(&name)
            .bind(name_key(&name))
            .bind(opt(&expected))
            .bind(opt(&basis))
            .bind(opt(&overseer))
            .bind(i64::from(e.secret))
            .bind(now())
            .bind(actor)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if old.basis.as_deref().unwrap_or("") != basis {
                self.link_basis(&mut tx, id, &basis).await?;
            }
            let pick = |v: &Value| -> Value {
                changed
                    .iter()
                    .map(|k| {
                        (
                            k.to_string(),
                            v.get(k.as_str()).cloned().unwrap_or(Value::Null),
                        )
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            Db::audit(
                &mut tx,
                actor,
                AuditAction::TaskEdited,
                "task",
                Some(id),
                Some(&pick(&before)),
                Some(&pick(&after)),
            )
            .await?;
        }
        if let Some(d) = deadline {
            sqlx::query(
                "INSERT INTO deadline_changes (task_id, assignment_id, effective_on, kind, due_on, raw, reason, approved_by, state, created_at, created_by)
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, 'approved', $8, $7)",
            )
            .bind(id)
            .bind(iso(on))
            .bind(d.kind.as_str())
            .bind(d.due.map(iso))
            .bind(&d.raw)
            .bind(&reason)
            .bind(actor)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            if stated {
                sqlx::query(
                    "UPDATE tasks SET stated_deadline_raw = $1, stated_due_on = $2 WHERE id = $3",
                )
                .bind(&d.raw)
                .bind(d.due.map(iso))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Db::audit(
                &mut tx,
                actor,
                AuditAction::DeadlineChanged,
                "task",
                Some(id),
                None,
                Some(&json!({ "deadline": d.raw, "effective_on": iso(on), "reason": reason })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The documents named in a task's basis, linked again after it changed.
    async fn link_basis(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        task: i64,
        basis: &str,
    ) -> Result<()> {
        let committee: i64 = sqlx::query_scalar("SELECT committee_id FROM tasks WHERE id = $1")
            .bind(task)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM task_documents WHERE task_id = $1")
            .bind(task)
            .execute(&mut **tx)
            .await?;
        crate::import::link_basis_documents(tx, committee, task, basis, &now()).await?;
        Ok(())
    }

    /// Assigns an agency (by registry code) to a task from `on`; with `replacing`, that
    /// assignment of the same task ends the same day (a reassignment). Returns the new
    /// assignment's id.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn assign(
        &self,
        task: i64,
        agency_code: &str,
        role: Role,
        replacing: Option<i64>,
        on: Date,
        reason: &str,
        actor: &str,
    ) -> Result<i64> {
        let reason = clean_cell(reason);
        limit("lý do", &reason, 5000, true)?;
        let (agency, agency_name) = self.agency_in_force(agency_code, on).await?;
        let mut tx = self.begin_write().await?;
        let id = self
            .assign_in(
                &mut tx,
                task,
                (agency, &agency_name),
                role,
                replacing,
                on,
                &reason,
                actor,
            )
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Db::assign`] inside a writing transaction, the agency already found (id, name).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn assign_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        task: i64,
        (agency, agency_name): (i64, &str),
        role: Role,
        replacing: Option<i64>,
        on: Date,
        reason: &str,
        actor: &str,
    ) -> Result<i64> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
            .bind(task)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("nhiệm vụ {task}")));
        }
        if let Some(old) = replacing {
            self.end_assignment(tx, task, old, on, reason, actor)
                .await?;
        }
        let current: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, active FROM assignments WHERE task_id = $1 AND agency_id = $2 AND role = $3",
        )
        .bind(task)
        .bind(agency)
        .bind(role.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        let id = match current {
            Some((_, 1)) => {
                return Err(StoreError::AlreadyAssigned(format!(
                    "{agency_name} đã được giao nhiệm vụ này với vai trò {}",
                    if role == Role::Lead {
                        "chủ trì"
                    } else {
                        "phối hợp"
                    }
                )));
            }
            Some((id, _)) => {
                sqlx::query("UPDATE assignments SET active = 1, assigned_on = $1, removed_on = NULL, updated_at = $2 WHERE id = $3")
                    .bind(iso(on))
                    .bind(now())
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO assignments (task_id, agency_id, role, via_group, unit, raw, active, created_at, updated_at, assigned_on)
                     VALUES ($1, $2, $3, NULL, NULL, NULL, 1, $4, $4, $5) RETURNING id",
                )
                .bind(task)
                .bind(agency)
                .bind(role.as_str())
                .bind(now())
                .bind(iso(on))
                .fetch_one(&mut **tx)
                .await?
            }
        };
        Db::audit(
            tx,
            actor,
            AuditAction::AssignmentAdded,
            "task",
            Some(task),
            None,
            Some(&json!({ "agency": agency_name, "role": role.as_str(), "from": iso(on), "reason": reason })),
        )
        .await?;
        Ok(id)
    }

    /// Ends an assignment on `on` (the agency is no longer assigned from that day).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn unassign(
        &self,
        task: i64,
        assignment: i64,
        on: Date,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        let reason = clean_cell(reason);
        limit("lý do", &reason, 5000, true)?;
        let mut tx = self.begin_write().await?;
        self.end_assignment(&mut tx, task, assignment, on, &reason, actor)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_assignment(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        task: i64,
        assignment: i64,
        on: Date,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        let row: Option<AssignmentToEnd> = sqlx::query_as(
            "SELECT g.name, a.role, a.assigned_on FROM assignments a JOIN agencies g ON g.id = a.agency_id
             WHERE a.id = $1 AND a.task_id = $2 AND a.active = 1",
        )
        .bind(assignment)
        .bind(task)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(AssignmentToEnd {
            name,
            role,
            assigned_on,
        }) = row
        else {
            return Err(StoreError::Invalid(
                "phân công không thuộc nhiệm vụ này hoặc đã kết thúc".into(),
            ));
        };
        if assigned_on.is_some_and(|a| a > on) {
            return Err(StoreError::Invalid(
                "phân công chưa bắt đầu vào ngày kết thúc".into(),
            ));
        }
        sqlx::query(
            "UPDATE assignments SET active = 0, removed_on = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(iso(on))
        .bind(now())
        .bind(assignment)
        .execute(&mut **tx)
        .await?;
        Db::audit(
            tx,
            actor,
            AuditAction::AssignmentRemoved,
            "task",
            Some(task),
            Some(&json!({ "agency": name, "role": role })),
            Some(&json!({ "removed_on": iso(on), "reason": reason })),
        )
        .await?;
        Ok(())
    }

    /// The distinct overseers named on tasks, for the task list's filter.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn overseers(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT overseer FROM tasks WHERE overseer IS NOT NULL ORDER BY overseer",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// What the standing agency may edit of a task, as stored.
#[derive(sqlx::FromRow)]
struct EditableFields {
    name: String,
    expected_result: Option<String>,
    basis: Option<String>,
    overseer: Option<String>,
    secret: i64,
}

/// An active assignment about to end.
#[derive(sqlx::FromRow)]
struct AssignmentToEnd {
    name: String,
    #[sqlx(try_from = "String")]
    role: Role,
    #[sqlx(try_from = "crate::columns::MaybeIsoDay")]
    assigned_on: Option<Date>,
}
