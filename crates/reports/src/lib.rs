//! The committee's reports, the same for the command line and the web application's download
//! buttons: built from the status book and the tables, written by `tiendo_office::official` as
//! Word or Excel in the layout of Decree 30/2020/NĐ-CP, or serialised as JSON.
//!
//! Lists of tasks take a visibility test (secret tasks are not shown to everyone); counts and
//! scores are the committee's and are the same for every reader.
//!
//! One module per report: [`overdue`](fn@overdue), agencies' counts, a document's results,
//! difficulties, commitments, the monthly score, [`indicators`], the meeting pack; [`kinds`] is
//! the registry the command line, the pages and the API read. This root holds what they share:
//! the presentation of an official document, its columns and sub-title.

pub mod indicators;
pub mod kinds;

mod agencies;
mod commitments;
mod committees;
mod difficulties;
mod meetings;
mod overdue;
mod results;
mod score;

pub use agencies::*;
pub use commitments::*;
pub use committees::*;
pub use difficulties::*;
pub use meetings::*;
pub use overdue::*;
pub use results::*;
pub use score::*;

use tiendo_domain::deadline::iso;
use tiendo_domain::signing::Signing;
use tiendo_office::official::{Column, OfficialDoc, Signature, TableRow};
use tiendo_store::Db;
use time::Date;

/// Which tasks the reader may see, by task id.
pub type Visible<'a> = &'a (dyn Fn(i64) -> bool + Sync);

/// The name of the committee issuing the documents (the Government's steering committee), when
/// the database names it.
pub async fn issuer(db: &Db) -> anyhow::Result<Option<String>> {
    Ok(db
        .committees()
        .await?
        .into_iter()
        .find(|c| c.code == tiendo_store::seed::DEFAULT_COMMITTEE)
        .map(|c| c.name))
}

/// Everyone may see every task (the command line, the standing agency).
pub fn everything(_: i64) -> bool {
    true
}

/// How an official document is presented.
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    /// "(Kèm theo …)": the document the appendix goes with.
    pub attached_to: Option<String>,
    /// Where a document is issued ("Hà Nội"), for its date line; when `None`, the committee's
    /// own place.
    pub place: Option<String>,
    /// How the committee signs (number, signer, recipients); documents with the national heading
    /// close with it. `None`: [`Signing::usual`].
    pub signing: Option<Signing>,
}

impl Presentation {
    fn signing(&self) -> Signing {
        self.signing.clone().unwrap_or_else(Signing::usual)
    }

    /// The date line, at the place asked for or the committee's.
    fn date_line(&self, d: Date) -> String {
        let place = self
            .place
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| self.signing().place);
        place_date(&place, d)
    }

    /// Makes `doc` a document of the committee (Decree 30): national heading with the issuer and
    /// the number line, the date line, and the closing with recipients and signer.
    fn issue(&self, doc: &mut OfficialDoc, issuer: &str, today: Date) {
        let s = self.signing();
        doc.issuer = vec![issuer.to_uppercase()];
        doc.number = Some(s.number_line());
        doc.place_date = Some(self.date_line(today));
        doc.signature = Some(Signature {
            recipients: s.recipient_lines(),
            signer: s.signer_lines(),
            name: s.signer_name.clone(),
        });
    }
}

fn col(header: &str, width: u32) -> Column {
    Column {
        header: header.to_string(),
        width,
    }
}

fn subtitle(lines: Vec<String>, p: &Presentation) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = lines.into_iter();
    if let Some(first) = it.next() {
        out.push(first);
    }
    if let Some(a) = p
        .attached_to
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let a = a.trim_start_matches('(').trim_end_matches(')');
        let a = a
            .strip_prefix("Kèm theo ")
            .or_else(|| a.strip_prefix("kèm theo "))
            .unwrap_or(a);
        out.push(format!("(Kèm theo {a})"));
    }
    out.extend(it);
    out
}

/// "Hà Nội, ngày 23 tháng 11 năm 2026"
pub fn place_date(place: &str, d: Date) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

/// The heading rows a task opens: those of its headings that differ from the previous task's,
/// from the first that differs, so the table is grouped like the source plan.
fn headings(rows: &mut Vec<TableRow>, last: &mut Vec<String>, now: &[String]) {
    let first = now
        .iter()
        .zip(last.iter())
        .take_while(|(a, b)| a == b)
        .count();
    rows.extend(now[first..].iter().cloned().map(TableRow::Heading));
    *last = now.to_vec();
}

pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso(*d))
}

pub(crate) fn ser_opt_date<S: serde::Serializer>(
    d: &Option<Date>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&iso(*d)),
        None => s.serialize_none(),
    }
}
