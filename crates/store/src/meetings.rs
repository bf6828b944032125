//! Meetings (sessions) of a committee and the documents they issued: the conclusion notice, and
//! any appendix imported for it. The tasks a meeting assigned are the tasks of those documents.

use serde_json::json;
use tiendo_domain::audit::AuditAction;
use tiendo_domain::deadline::iso;
use time::Date;

use crate::seed::DEFAULT_COMMITTEE;
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Meeting {
    pub id: i64,
    pub committee: String,
    pub name: String,
    #[serde(with = "tiendo_domain::deadline::iso_day")]
    pub held_on: Date,
    /// The documents it issued.
    pub documents: Vec<MeetingDocument>,
}

/// A document a meeting issued.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeetingDocument {
    pub id: i64,
    /// As people name it: "624/TB-VPCP", an appendix's title, or the file it was read from.
    pub label: String,
    /// What finds its tasks in the task list's document filter: its symbol, else its key.
    pub reference: String,
}

impl Meeting {
    /// The documents as people name them: "624/TB-VPCP", an appendix's title or file.
    pub fn document_labels(&self) -> Vec<&str> {
        self.documents.iter().map(|d| d.label.as_str()).collect()
    }

    /// How reports name it: its documents, or its own name when it issued none.
    pub fn label(&self) -> String {
        if self.documents.is_empty() {
            self.name.clone()
        } else {
            self.document_labels().join(", ")
        }
    }
}

/// A meeting as stored.
#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    committee: String,
    name: String,
    #[sqlx(try_from = "crate::columns::IsoDay")]
    held_on: Date,
}

/// A document of a meeting as stored.
#[derive(sqlx::FromRow)]
struct MeetingDocumentRow {
    meeting_id: i64,
    id: i64,
    symbol: Option<String>,
    title: Option<String>,
    file_name: Option<String>,
    doc_key: String,
}

impl Db {
    /// The document a symbol or a key names in a committee; a symbol not seen yet ("624/TB-VPCP")
    /// becomes a document, so that tasks naming it later are linked.
    async fn document_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        committee: i64,
        symbol_or_key: &str,
    ) -> Result<i64> {
        let s = tiendo_domain::text::clean(symbol_or_key);
        if s.is_empty() || s.chars().count() > 200 {
            return Err(StoreError::UnknownDocument(
                "cần số ký hiệu văn bản (vd: 624/TB-VPCP) hoặc khóa tệp đã nhập".into(),
            ));
        }
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM documents WHERE committee_id = $1 AND (doc_key = $2 OR symbol = $2 OR doc_key = $3) ORDER BY id LIMIT 1",
        )
        .bind(committee)
        .bind(&s)
        .bind(format!("symbol:{s}"))
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = found {
            return Ok(id);
        }
        let symbol = tiendo_domain::reference::referenced_documents(&format!("số {s}"))
            .into_iter()
            .next()
            .map(|x| x.symbol)
            .filter(|sym| *sym == s)
            .ok_or_else(|| {
                StoreError::UnknownDocument(format!(
                    "không có văn bản \"{s}\": cần số ký hiệu (vd: 624/TB-VPCP) hoặc khóa của một tệp đã nhập"
                ))
            })?;
        let ts = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO documents (committee_id, doc_key, symbol, kind, issued_on, issuer, title, file_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, NULL, NULL, NULL, NULL, $5, $5) RETURNING id",
        )
        .bind(committee)
        .bind(format!("symbol:{symbol}"))
        .bind(&symbol)
        .bind(if symbol.contains("/TB") { "Thông báo" } else { "văn bản" })
        .bind(&ts)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Links a meeting to the document a symbol or key names.
    async fn link(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        meeting: i64,
        committee: i64,
        document: &str,
    ) -> Result<()> {
        let doc = self.document_for(tx, committee, document).await?;
        sqlx::query("INSERT INTO meeting_documents (meeting_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(meeting)
            .bind(doc)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Records a meeting held on `held_on` and the documents it issued.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_meeting(
        &self,
        committee: Option<&str>,
        name: &str,
        held_on: Date,
        documents: &[String],
        actor: &str,
    ) -> Result<i64> {
        let name = tiendo_domain::text::clean(name);
        if name.is_empty() || name.chars().count() > 300 {
            return Err(StoreError::Invalid(
                "cần tên phiên họp (tối đa 300 ký tự)".into(),
            ));
        }
        if !(2000..=2100).contains(&held_on.year()) {
            return Err(StoreError::Invalid("ngày họp không hợp lý".into()));
        }
        let code = committee.unwrap_or(DEFAULT_COMMITTEE);
        let committee_id = self
            .committee_id(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("ban chỉ đạo mã {code}")))?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (committee_id, name, held_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(committee_id)
        .bind(&name)
        .bind(iso(held_on))
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await?;
        for d in documents.iter().filter(|d| !d.trim().is_empty()) {
            self.link(&mut tx, id, committee_id, d).await?;
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::MeetingAdded,
            "meeting",
            Some(id),
            None,
            Some(&json!({ "name": name, "held_on": iso(held_on), "documents": documents })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Links another document (an appendix imported for the meeting, say) to a meeting.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn link_meeting_document(
        &self,
        meeting: i64,
        document: &str,
        actor: &str,
    ) -> Result<()> {
        let committee: Option<i64> =
            sqlx::query_scalar("SELECT committee_id FROM meetings WHERE id = $1")
                .bind(meeting)
                .fetch_optional(self.pool())
                .await?;
        let Some(committee) = committee else {
            return Err(StoreError::NotFound(format!("phiên họp {meeting}")));
        };
        let mut tx = self.begin_write().await?;
        self.link(&mut tx, meeting, committee, document).await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::MeetingDocumentLinked,
            "meeting",
            Some(meeting),
            None,
            Some(&json!({ "document": document })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Meetings, latest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn meetings(&self) -> Result<Vec<Meeting>> {
        let rows: Vec<MeetingRow> = sqlx::query_as(
            "SELECT m.id, c.code AS committee, m.name, m.held_on FROM meetings m JOIN committees c ON c.id = m.committee_id ORDER BY m.held_on DESC, m.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let docs: Vec<MeetingDocumentRow> = sqlx::query_as(
            "SELECT md.meeting_id, d.id, d.symbol, d.title, d.file_name, d.doc_key FROM meeting_documents md JOIN documents d ON d.id = md.document_id ORDER BY d.id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|m| Meeting {
                documents: docs
                    .iter()
                    .filter(|d| d.meeting_id == m.id)
                    .map(|d| MeetingDocument {
                        id: d.id,
                        reference: d.symbol.clone().unwrap_or_else(|| d.doc_key.clone()),
                        // Its symbol, else its title, else the file it came from; the store's
                        // key only when none is known.
                        label: [&d.symbol, &d.title, &d.file_name]
                            .into_iter()
                            .flatten()
                            .map(|s| s.trim())
                            .find(|s| !s.is_empty())
                            .unwrap_or(&d.doc_key)
                            .to_string(),
                    })
                    .collect(),
                id: m.id,
                committee: m.committee,
                name: m.name,
                held_on: m.held_on,
            })
            .collect())
    }

    /// The tasks a meeting assigned (of its documents), in plan order.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn tasks_of_meeting(&self, meeting: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT x.id FROM (
                SELECT t.id, t.document_id, t.position FROM tasks t JOIN meeting_documents md ON md.document_id = t.document_id WHERE md.meeting_id = $1
                UNION
                SELECT t.id, t.document_id, t.position FROM tasks t JOIN task_documents td ON td.task_id = t.id
                JOIN meeting_documents md ON md.document_id = td.document_id WHERE md.meeting_id = $1
             ) x ORDER BY x.document_id, x.position, x.id",
        )
        .bind(meeting)
        .fetch_all(self.pool())
        .await?)
    }
}
