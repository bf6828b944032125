//! The status book saved in the database, so that neither a command-line report nor a restarted
//! server rebuilds it from two million reports. A save records where the book stands in the
//! audit log's feed: a restarted server reads the newest save, then only the changes after it.
//! A save made from the tables at one data version also records that version (the newest
//! audit row and the number of audit rows — every change is audited in its own transaction,
//! and on PostgreSQL one may commit below the newest id: the count still grows — and the newest
//! row of each table the book is made from); a command uses such a save only when the data's
//! version is still the same. A save is written in parts, each in a transaction of its own, and
//! used once complete: saving a national book never holds the writer for long.

use tiendo_domain::deadline::DeadlineKind;
use tiendo_domain::model::{ReportedStatus, Role};
use tiendo_domain::recurrence::{Period, Recurrence};
use tiendo_domain::status::{AssignmentInput, DeadlineChange, Schedule, StatusBook, StatusEvent};
use time::Date;

use crate::audit::FeedPosition;
use crate::{Db, Result, now};

/// Bumped whenever the encoding below changes: older snapshots are then ignored.
/// v3: a completion without its date is kept as such (migration 11 dated users' completions).
const FORMAT: &str = "book-v3";

const KINDS: [DeadlineKind; 7] = [
    DeadlineKind::Date,
    DeadlineKind::Month,
    DeadlineKind::Quarter,
    DeadlineKind::Year,
    DeadlineKind::Recurring,
    DeadlineKind::Conditional,
    DeadlineKind::Unknown,
];
const STATUSES: [ReportedStatus; 4] = [
    ReportedStatus::Done,
    ReportedStatus::DoneLate,
    ReportedStatus::InProgress,
    ReportedStatus::NotDone,
];
const PERIODS: [Period; 5] = [
    Period::Weekly,
    Period::Monthly,
    Period::Quarterly,
    Period::HalfYearly,
    Period::Yearly,
];
const NO_DATE: i32 = i32::MIN;
/// A saved book is written in parts of this size, each in a transaction of its own.
const PART_BYTES: usize = 256 * 1024;

impl Db {
    /// The version of the data the status book is made from.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn data_fingerprint(&self) -> Result<String> {
        let (audit, audited, tasks, assignments, reports, changes): (i64, i64, i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log), (SELECT COUNT(*) FROM audit_log), (SELECT COALESCE(MAX(id), 0) FROM tasks),
                        (SELECT COALESCE(MAX(id), 0) FROM assignments), (SELECT COALESCE(MAX(id), 0) FROM progress_reports),
                        (SELECT COALESCE(MAX(id), 0) FROM deadline_changes)",
            )
            .fetch_one(self.pool())
            .await?;
        Ok(format!(
            "{FORMAT}:{audit}:{audited}:{tasks}:{assignments}:{reports}:{changes}"
        ))
    }

    /// The saved book for this data version, if there is one and it reads back whole.
    pub(crate) async fn saved_status_book(&self, fingerprint: &str) -> Result<Option<StatusBook>> {
        let save: Option<(i64, i32)> = sqlx::query_as(
            "SELECT id, parts FROM status_book_saves WHERE complete = 1 AND format = $1 AND fingerprint = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(FORMAT)
        .bind(fingerprint)
        .fetch_optional(self.pool())
        .await?;
        match save {
            Some((id, parts)) => self.saved_parts(id, parts).await,
            None => Ok(None),
        }
    }

    /// The newest saved book with the place in the change feed it reflects (a restarted server
    /// reads it, then the changes after it), if one reads back whole.
    pub async fn saved_status_book_in_feed(&self) -> Result<Option<(FeedPosition, StatusBook)>> {
        let save: Option<(i64, i32, String)> = sqlx::query_as(
            "SELECT id, parts, feed_position FROM status_book_saves WHERE complete = 1 AND format = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(FORMAT)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, parts, position)) = save else {
            return Ok(None);
        };
        let Some(position) = FeedPosition::decode(&position) else {
            return Ok(None);
        };
        Ok(self.saved_parts(id, parts).await?.map(|b| (position, b)))
    }

    /// A save's parts put together and read; None when one is missing (a newer save removed
    /// it meanwhile) or the whole does not read.
    async fn saved_parts(&self, id: i64, parts: i32) -> Result<Option<StatusBook>> {
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT content FROM status_book_parts WHERE save_id = $1 ORDER BY part",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        if rows.len() != parts as usize {
            return Ok(None);
        }
        Ok(decode(&rows.concat()))
    }

    /// Saves the book as of `position` in the change feed (and, for a book read from the tables
    /// at one data version, that version), then removes the older saves. Each part, and each
    /// removal, is a transaction of its own: a save never holds the writer for long.
    pub async fn save_status_book(
        &self,
        book: &StatusBook,
        position: &FeedPosition,
        fingerprint: Option<&str>,
    ) -> Result<()> {
        self.save_encoded_status_book(&encode(book), position, fingerprint)
            .await
    }

    /// [`Db::save_status_book`] of a book already encoded ([`encode_status_book`], which a
    /// server runs off its request threads).
    pub async fn save_encoded_status_book(
        &self,
        bytes: &[u8],
        position: &FeedPosition,
        fingerprint: Option<&str>,
    ) -> Result<()> {
        let parts: Vec<&[u8]> = bytes.chunks(PART_BYTES).collect();
        let id: i64 = {
            let mut tx = self.begin_write().await?;
            let id = sqlx::query_scalar(
                "INSERT INTO status_book_saves (created_at, format, fingerprint, feed_position, parts, complete) VALUES ($1, $2, $3, $4, $5, 0) RETURNING id",
            )
            .bind(now())
            .bind(FORMAT)
            .bind(fingerprint)
            .bind(position.encode())
            .bind(parts.len() as i32)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        };
        for (i, part) in parts.iter().enumerate() {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO status_book_parts (save_id, part, content) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i32)
            .bind(part.to_vec())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE status_book_saves SET complete = 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.remove_saves_before(id).await
    }

    /// Removes the saves older than `id`, part by part.
    async fn remove_saves_before(&self, id: i64) -> Result<()> {
        let old: Vec<i64> = sqlx::query_scalar("SELECT id FROM status_book_saves WHERE id < $1")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        for save in old {
            // Unusable first, so that no reader starts on it while its parts go.
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE status_book_saves SET complete = 0 WHERE id = $1")
                .bind(save)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            let parts: Vec<i32> =
                sqlx::query_scalar("SELECT part FROM status_book_parts WHERE save_id = $1")
                    .bind(save)
                    .fetch_all(self.pool())
                    .await?;
            for part in parts {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM status_book_parts WHERE save_id = $1 AND part = $2")
                    .bind(save)
                    .bind(part)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            let mut tx = self.begin_write().await?;
            sqlx::query("DELETE FROM status_book_saves WHERE id = $1")
                .bind(save)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

fn day(d: Option<Date>) -> i32 {
    d.map(|d| d.to_julian_day()).unwrap_or(NO_DATE)
}

fn undate(n: i32) -> Option<Option<Date>> {
    if n == NO_DATE {
        Some(None)
    } else {
        Date::from_julian_day(n).ok().map(Some)
    }
}

/// Little-endian, one record per assignment: id, task, agency, role, kind, due, from, until,
/// its reporting schedule (a flag, then period, day, month, stated, since), then its deadline
/// changes and its reports.
/// The book in the saved form.
pub fn encode_status_book(book: &StatusBook) -> Vec<u8> {
    encode(book)
}

pub(crate) fn encode(book: &StatusBook) -> Vec<u8> {
    let mut out = Vec::with_capacity(book.len() * 96);
    out.extend_from_slice(&(book.len() as u64).to_le_bytes());
    for a in book.assignments() {
        out.extend_from_slice(&a.id.to_le_bytes());
        out.extend_from_slice(&a.task.to_le_bytes());
        out.extend_from_slice(&a.agency.to_le_bytes());
        out.push(u8::from(a.role == Role::Lead));
        out.push(KINDS.iter().position(|k| *k == a.kind).unwrap_or(6) as u8);
        for d in [a.due, a.from, a.until] {
            out.extend_from_slice(&day(d).to_le_bytes());
        }
        match a.schedule {
            None => out.push(0),
            Some(sc) => {
                let r = sc.recurrence;
                out.push(1);
                out.push(PERIODS.iter().position(|p| *p == r.period).unwrap_or(1) as u8);
                out.push(r.day.unwrap_or(0));
                out.push(r.month.unwrap_or(0));
                out.push(u8::from(r.stated));
                out.extend_from_slice(&day(Some(sc.since)).to_le_bytes());
            }
        }
        out.extend_from_slice(&(a.changes.len() as u32).to_le_bytes());
        for c in a.changes {
            out.extend_from_slice(&day(Some(c.effective_on)).to_le_bytes());
            out.push(KINDS.iter().position(|k| *k == c.kind).unwrap_or(6) as u8);
            out.extend_from_slice(&day(c.due).to_le_bytes());
        }
        out.extend_from_slice(&(a.events.len() as u32).to_le_bytes());
        for e in a.events {
            out.extend_from_slice(&day(Some(e.on)).to_le_bytes());
            out.push(STATUSES.iter().position(|s| *s == e.status).unwrap_or(3) as u8);
            out.extend_from_slice(&day(e.completed_on).to_le_bytes());
            out.extend_from_slice(&day(e.void_from).to_le_bytes());
        }
    }
    out
}

struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.b.split_at_checked(N)?;
        self.b = rest;
        head.try_into().ok()
    }
    fn i64(&mut self) -> Option<i64> {
        self.take::<8>().map(i64::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
    fn date(&mut self) -> Option<Option<Date>> {
        undate(self.take::<4>().map(i32::from_le_bytes)?)
    }
    fn kind(&mut self) -> Option<DeadlineKind> {
        KINDS.get(self.u8()? as usize).copied()
    }
}

/// The book back from [`encode`]; `None` when the bytes are not a whole snapshot.
pub(crate) fn decode(bytes: &[u8]) -> Option<StatusBook> {
    let mut r = Reader { b: bytes };
    let n = r.i64()?;
    let mut book = StatusBook::new();
    for _ in 0..n {
        let id = r.i64()?;
        let task = r.i64()?;
        let agency = r.i64()?;
        let role = if r.u8()? == 1 {
            Role::Lead
        } else {
            Role::Coordinator
        };
        let kind = r.kind()?;
        let (due, from, until) = (r.date()?, r.date()?, r.date()?);
        let schedule = match r.u8()? {
            0 => None,
            1 => {
                let period = *PERIODS.get(r.u8()? as usize)?;
                let some = |n: u8| (n > 0).then_some(n);
                let (day, month, stated) = (some(r.u8()?), some(r.u8()?), r.u8()? == 1);
                Some(Schedule {
                    recurrence: Recurrence {
                        period,
                        day,
                        month,
                        stated,
                    },
                    since: r.date()??,
                })
            }
            _ => return None,
        };
        let nc = r.u32()? as usize;
        let mut changes = Vec::with_capacity(nc.min(1024));
        for _ in 0..nc {
            changes.push(DeadlineChange {
                effective_on: r.date()??,
                kind: r.kind()?,
                due: r.date()?,
            });
        }
        let ne = r.u32()? as usize;
        let mut events = Vec::with_capacity(ne.min(1024));
        for _ in 0..ne {
            events.push(StatusEvent {
                on: r.date()??,
                status: *STATUSES.get(r.u8()? as usize)?,
                completed_on: r.date()?,
                void_from: r.date()?,
            });
        }
        book.upsert(AssignmentInput {
            id,
            task,
            agency,
            role,
            kind,
            due,
            changes,
            events,
            from,
            until,
            schedule,
        });
    }
    r.b.is_empty().then_some(book)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_book_reads_back_the_same_and_a_cut_one_does_not() {
        let mut b = StatusBook::new();
        b.upsert(AssignmentInput {
            id: 7,
            task: 3,
            agency: 11,
            role: Role::Lead,
            kind: DeadlineKind::Quarter,
            due: Some(date!(2026 - 03 - 31)),
            changes: vec![DeadlineChange {
                effective_on: date!(2026 - 03 - 01),
                kind: DeadlineKind::Date,
                due: Some(date!(2026 - 06 - 30)),
            }],
            events: vec![StatusEvent {
                on: date!(2026 - 05 - 02),
                status: ReportedStatus::Done,
                completed_on: Some(date!(2026 - 05 - 01)),
                void_from: Some(date!(2026 - 05 - 09)),
            }],
            from: None,
            until: Some(date!(2026 - 07 - 01)),
            schedule: None,
        });
        b.upsert(AssignmentInput {
            id: 8,
            task: 3,
            agency: 12,
            role: Role::Coordinator,
            kind: DeadlineKind::Recurring,
            due: None,
            changes: vec![],
            events: vec![],
            from: Some(date!(2026 - 02 - 01)),
            until: None,
            schedule: Some(Schedule {
                recurrence: Recurrence::read("Trước ngày 20 hằng quý"),
                since: date!(2026 - 01 - 15),
            }),
        });
        let bytes = encode(&b);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(encode(&back), bytes);
        for d in [
            date!(2026 - 05 - 05),
            date!(2026 - 05 - 10),
            date!(2026 - 07 - 02),
        ] {
            assert_eq!(back.evaluate_assignment(7, d), b.evaluate_assignment(7, d));
            assert_eq!(back.overdue(d), b.overdue(d));
        }
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(decode(&[bytes.clone(), vec![0]].concat()).is_none());
    }
}
