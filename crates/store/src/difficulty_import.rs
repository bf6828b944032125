//! Difficulties read from a document's difficulty table, stored in the register in the import's
//! transaction. Each row is found again when the document is imported again (by the raising
//! agency and the text of the difficulty), so a later version of the table records the new
//! answers instead of a second difficulty. Each handling agency keeps its own answer, answer
//! deadline and state; one the registry does not know is kept as the document wrote it.

use serde_json::json;
use tiendo_domain::agency::RefKind;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::{Deadline, iso};
use tiendo_domain::import_plan::expand;
use tiendo_domain::model::{HandlerState, ParsedDifficulty, Role};
use tiendo_domain::text::name_key;
use time::Date;

use crate::difficulties::{ANSWER_DAYS, UnresolvedHandler, close_when_all_answered};
use crate::registry::StoredRegistry;
use crate::{Db, Result, StoreError};

type Tx<'t> = sqlx::Transaction<'t, sqlx::Any>;

/// What storing a document's difficulties did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct DifficultyCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// One handling agency of a row, resolved to a registry record.
struct WantedHandler {
    agency_id: i64,
    state: HandlerState,
    answer: Option<String>,
    answer_due: Date,
}

/// Who raised a row's difficulty.
enum Raiser {
    /// A registry agency.
    Known(i64),
    /// The "Cơ quan nêu" cell as written, when it is not one registry agency.
    AsWritten(String),
}

impl Raiser {
    fn id(&self) -> Option<i64> {
        match self {
            Raiser::Known(id) => Some(*id),
            Raiser::AsWritten(_) => None,
        }
    }

    fn as_written(&self) -> Option<&str> {
        match self {
            Raiser::Known(_) => None,
            Raiser::AsWritten(raw) => Some(raw),
        }
    }
}

/// A row's "Cơ quan nêu" cell as the document wrote it.
fn cell_as_written(d: &ParsedDifficulty) -> String {
    d.agency
        .iter()
        .map(|a| a.raw.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The key that finds a row again: the raising agency (or its cell as written) and the
/// difficulty's text, folded.
fn source_key(raiser: &Raiser, text: &str) -> String {
    match raiser {
        Raiser::Known(agency) => format!("{agency}:{}", name_key(text)),
        Raiser::AsWritten(raw) => format!("?{}:{}", name_key(raw), name_key(text)),
    }
}

/// The answer deadline a row gives, else the register's rule (15 days from the day the
/// document describes).
fn answer_due(d: Option<&Deadline>, on: Date) -> Date {
    d.and_then(|d| d.due)
        .unwrap_or(on + time::Duration::days(ANSWER_DAYS))
}

pub(crate) struct DifficultyImport<'a> {
    pub reg: &'a StoredRegistry,
    pub doc_id: i64,
    pub reported_on: Date,
    pub actor: &'a str,
    pub ts: &'a str,
}

impl DifficultyImport<'_> {
    /// The agency that raised a row's difficulty: one registry agency, else the cell as the
    /// document wrote it (a group, a list, a name the registry does not know, or nothing), kept
    /// with no agency and shown as not yet identified.
    fn raising_agency(&self, d: &ParsedDifficulty) -> Result<Raiser> {
        let agencies: Vec<_> = d
            .agency
            .iter()
            .filter(|a| a.kind == RefKind::Agency)
            .collect();
        let wanted = expand(&self.reg.registry, &d.agency, Role::Lead, self.reported_on);
        match (agencies.len(), wanted.as_slice()) {
            (1, [one]) if d.agency.len() == 1 => Ok(Raiser::Known(self.id_of(&one.code)?)),
            _ => Ok(Raiser::AsWritten(cell_as_written(d))),
        }
    }

    fn id_of(&self, code: &str) -> Result<i64> {
        self.reg
            .ids
            .get(code)
            .copied()
            .ok_or_else(|| StoreError::UnknownAgency(format!("không có cơ quan mã {code}")))
    }

    /// The handling agencies a row names, resolved (groups expanded to their members), and the
    /// ones the registry does not know, as written.
    fn handlers(
        &self,
        d: &ParsedDifficulty,
    ) -> Result<(Vec<WantedHandler>, Vec<UnresolvedHandler>)> {
        let mut resolved: Vec<WantedHandler> = Vec::new();
        let mut unresolved = Vec::new();
        for h in &d.handlers {
            let due = answer_due(h.answer_due.as_ref(), self.reported_on);
            if h.agency.kind == RefKind::Unresolved {
                unresolved.push(UnresolvedHandler {
                    name: h.agency.name.clone(),
                    state: h.state.as_str().to_string(),
                    answer: h.answer.clone(),
                    answer_due: Some(iso(due)),
                });
                continue;
            }
            for w in expand(
                &self.reg.registry,
                std::slice::from_ref(&h.agency),
                Role::Lead,
                self.reported_on,
            ) {
                let id = self.id_of(&w.code)?;
                if resolved.iter().any(|r| r.agency_id == id) {
                    continue;
                }
                resolved.push(WantedHandler {
                    agency_id: id,
                    state: h.state,
                    answer: h.answer.clone(),
                    answer_due: due,
                });
            }
        }
        Ok((resolved, unresolved))
    }

    /// The difficulty of this document stored under a key.
    async fn find(&self, tx: &mut Tx<'_>, key: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM difficulties WHERE document_id = $1 AND source_key = $2",
        )
        .bind(self.doc_id)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?)
    }

    /// Stores every difficulty of the document (all or nothing with the rest of the import).
    pub(crate) async fn store(
        &self,
        tx: &mut Tx<'_>,
        rows: &[ParsedDifficulty],
    ) -> Result<DifficultyCounts> {
        let mut counts = DifficultyCounts::default();
        let mut seen: std::collections::HashSet<String> = Default::default();
        for d in rows {
            let raiser = self.raising_agency(d)?;
            let mut key = source_key(&raiser, &d.text);
            // The same text twice for one agency: the second is its own row.
            let mut n = 1;
            while !seen.insert(key.clone()) {
                n += 1;
                key = format!("{}#{n}", source_key(&raiser, &d.text));
            }
            let (handlers, unresolved) = self.handlers(d)?;
            let mut existing = self.find(tx, &key).await?;
            // Kept as written by an earlier import, and now its raiser is known (an alias was
            // added, the cell corrected): the same difficulty gets its agency, not a twin.
            if existing.is_none()
                && let Raiser::Known(agency) = &raiser
            {
                let before = Raiser::AsWritten(cell_as_written(d));
                let mut old_key = source_key(&before, &d.text);
                if n > 1 {
                    old_key = format!("{old_key}#{n}");
                }
                if let Some(id) = self.find(tx, &old_key).await? {
                    sqlx::query("UPDATE difficulties SET raising_agency_id = $1, raising_agency_raw = NULL, source_key = $2 WHERE id = $3")
                        .bind(*agency)
                        .bind(&key)
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    existing = Some(id);
                }
            }
            let unresolved_json = (!unresolved.is_empty())
                .then(|| serde_json::to_string(&unresolved))
                .transpose()
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            match existing {
                None => {
                    self.insert(tx, d, &raiser, &key, &handlers, unresolved_json)
                        .await?;
                    counts.created += 1;
                }
                Some(id) => {
                    if self.update(tx, id, &handlers, unresolved_json).await? {
                        counts.updated += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                }
            }
        }
        Ok(counts)
    }

    async fn insert(
        &self,
        tx: &mut Tx<'_>,
        d: &ParsedDifficulty,
        raiser: &Raiser,
        key: &str,
        handlers: &[WantedHandler],
        unresolved: Option<String>,
    ) -> Result<i64> {
        let on = self.reported_on;
        let task: Option<i64> = match &d.task {
            Some(t) => sqlx::query_scalar(
                "SELECT id FROM tasks WHERE document_id = $1 AND name_key = $2 ORDER BY id LIMIT 1",
            )
            .bind(self.doc_id)
            .bind(name_key(t))
            .fetch_optional(&mut **tx)
            .await?,
            None => None,
        };
        let own_due = handlers
            .iter()
            .map(|h| h.answer_due)
            .min()
            .unwrap_or(on + time::Duration::days(ANSWER_DAYS));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO difficulties (task_id, raising_agency_id, text, state, answer, answer_due, answered_on, created_at, created_by, raised_on,
                                       document_id, source_key, proposal, unresolved_handlers, headings, raising_agency_raw)
             VALUES ($1, $2, $3, 'open', NULL, $4, NULL, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(task)
        .bind(raiser.id())
        .bind(&d.text)
        .bind(iso(own_due))
        .bind(self.ts)
        .bind(self.actor)
        .bind(iso(on))
        .bind(self.doc_id)
        .bind(key)
        .bind(&d.proposal)
        .bind(unresolved)
        .bind(serde_json::to_string(&d.headings).unwrap_or_else(|_| "[]".into()))
        .bind(raiser.as_written())
        .fetch_one(&mut **tx)
        .await?;
        for h in handlers {
            self.insert_handler(tx, id, h).await?;
        }
        close_when_all_answered(tx, id, on, None, self.actor).await?;
        Db::audit(
            tx,
            self.actor,
            AuditAction::DifficultyImported,
            "difficulty",
            Some(id),
            None,
            Some(
                &json!({ "text": d.text, "handlers": handlers.len(), "source": d.source, "raised_by_as_written": raiser.as_written() }),
            ),
        )
        .await?;
        Ok(id)
    }

    async fn insert_handler(&self, tx: &mut Tx<'_>, id: i64, h: &WantedHandler) -> Result<()> {
        let answered = h.state == HandlerState::Answered;
        sqlx::query(
            "INSERT INTO difficulty_handlers (difficulty_id, agency_id, answer_due, state, answer, answered_on, answered_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(h.agency_id)
        .bind(iso(h.answer_due))
        .bind(h.state.as_str())
        .bind(&h.answer)
        .bind(answered.then(|| iso(self.reported_on)))
        .bind(answered.then_some(self.actor))
        .execute(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO difficulty_routing (difficulty_id, handler_agency_id, answer_due, set_on, created_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(h.agency_id)
            .bind(iso(h.answer_due))
            .bind(iso(self.reported_on))
            .bind(self.actor)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// A row imported before: new handling agencies are added, a handler the document now says
    /// answered is answered (on the day the document describes). Nothing is taken away. Says
    /// whether anything changed.
    async fn update(
        &self,
        tx: &mut Tx<'_>,
        id: i64,
        handlers: &[WantedHandler],
        unresolved: Option<String>,
    ) -> Result<bool> {
        let mut changed = false;
        for h in handlers {
            let state: Option<String> = sqlx::query_scalar(
                "SELECT state FROM difficulty_handlers WHERE difficulty_id = $1 AND agency_id = $2",
            )
            .bind(id)
            .bind(h.agency_id)
            .fetch_optional(&mut **tx)
            .await?;
            match state.as_deref() {
                None => {
                    self.insert_handler(tx, id, h).await?;
                    changed = true;
                }
                Some("open") if h.state == HandlerState::Answered => {
                    sqlx::query("UPDATE difficulty_handlers SET state = 'answered', answer = $1, answered_on = $2, answered_by = $3 WHERE difficulty_id = $4 AND agency_id = $5")
                        .bind(&h.answer)
                        .bind(iso(self.reported_on))
                        .bind(self.actor)
                        .bind(id)
                        .bind(h.agency_id)
                        .execute(&mut **tx)
                        .await?;
                    changed = true;
                }
                _ => {}
            }
        }
        if unresolved.is_some() {
            let before: Option<String> =
                sqlx::query_scalar("SELECT unresolved_handlers FROM difficulties WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
            if before != unresolved {
                sqlx::query("UPDATE difficulties SET unresolved_handlers = $1 WHERE id = $2")
                    .bind(&unresolved)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                changed = true;
            }
        }
        if changed {
            close_when_all_answered(tx, id, self.reported_on, None, self.actor).await?;
            Db::audit(
                tx,
                self.actor,
                AuditAction::DifficultyImported,
                "difficulty",
                Some(id),
                None,
                Some(&json!({ "updated": true })),
            )
            .await?;
        }
        Ok(changed)
    }
}
