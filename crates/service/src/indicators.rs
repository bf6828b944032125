//! Indicators, as users act on them: the book of every figure in memory (read once, then kept
//! up to date: a new value is added, anything else reads the book again), and the actions —
//! an agency reports its figure, the standing agency confirms or returns it, sets a target,
//! links an indicator to a task — each checked here for the pages, the API and the command line.

use crate::notices::Notice;
use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::parse_user_date;
use tiendo_domain::indicator::book::IndicatorBook;
use tiendo_domain::indicator::{Period, parse_value};
use tiendo_store::indicators::{IndicatorMarks, IndicatorRow, NewValue, value_refusal};
use tiendo_store::users::User;

use tokio::sync::{RwLock, RwLockReadGuard};

use crate::Service;
use crate::operations::{Outcome, Refusal, today};

/// The book in memory and the marks of the data it reflects; views computed from it (the
/// scorecard's order, the list's summaries), kept until the book changes.
#[derive(Default)]
pub struct IndicatorCache {
    state: RwLock<(Option<IndicatorMarks>, IndicatorBook)>,
    /// Bumped (under the write lock) each time the book changes.
    generation: AtomicU64,
    views: Mutex<HashMap<String, (u64, View)>>,
}

/// A view computed from the book, of any type.
type View = Arc<dyn Any + Send + Sync>;

/// Views kept at most (each day and kind asked for is one).
const VIEWS_KEPT: usize = 64;

impl Service {
    /// Every indicator's figures and targets as the store holds them now.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_book(&self) -> anyhow::Result<RwLockReadGuard<'_, IndicatorBook>> {
        let marks = self.db.indicator_marks().await?;
        {
            let guard = self.indicators.state.read().await;
            if guard.0.as_ref() == Some(&marks) {
                return Ok(RwLockReadGuard::map(guard, |s| &s.1));
            }
        }
        let mut guard = self.indicators.state.write().await;
        let current = guard.0.clone();
        match current {
            Some(old) if old == marks => {}
            // Only new values, or new targets: added to the book as it is.
            Some(old)
                if old.indicators == marks.indicators
                    && old.indicators_changed == marks.indicators_changed
                    && old.returned == marks.returned =>
            {
                let added = self.db.indicator_values_after(old.values_max).await?;
                guard.1.append(
                    added
                        .into_iter()
                        .map(|v| (v.indicator_id, v.agency_id, v.obs()))
                        .collect(),
                );
                if old.targets != marks.targets || old.targets_changed != marks.targets_changed {
                    guard
                        .1
                        .replace_targets(self.db.indicator_target_defs().await?);
                }
            }
            _ => guard.1 = self.db.load_indicator_book().await?,
        }
        guard.0 = Some(marks);
        self.indicators.generation.fetch_add(1, Ordering::SeqCst);
        Ok(RwLockReadGuard::map(guard.downgrade(), |s| &s.1))
    }

    /// A view of the book under `key` (which must name everything else it depends on: the day,
    /// the kind of agency, the agencies listed): computed once per state of the book, then
    /// shared until a figure, a target or an indicator changes. Given with the book it was
    /// computed from.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn indicator_view<T: Any + Send + Sync>(
        &self,
        key: String,
        compute: impl FnOnce(&IndicatorBook) -> T,
    ) -> anyhow::Result<(Arc<T>, RwLockReadGuard<'_, IndicatorBook>)> {
        let book = self.indicator_book().await?;
        // Read while the book is held: it cannot change meanwhile.
        let generation = self.indicators.generation.load(Ordering::SeqCst);
        let kept = self
            .indicators
            .views
            .lock()
            .ok()
            .and_then(|v| v.get(&key).cloned())
            .filter(|(g, _)| *g == generation)
            .and_then(|(_, view)| view.downcast::<T>().ok());
        if let Some(view) = kept {
            return Ok((view, book));
        }
        let view = Arc::new(compute(&book));
        if let Ok(mut views) = self.indicators.views.lock() {
            views.retain(|_, (g, _)| *g == generation);
            if views.len() >= VIEWS_KEPT {
                views.clear();
            }
            views.insert(key, (generation, view.clone() as View));
        }
        Ok((view, book))
    }
}

/// An indicator the user may act on: one it may not see is not found; the standing agency
/// changes its own committee's only (a province's focal point reports its figures on the
/// Government's indicators too).
async fn indicator(state: &Service, u: &User, id: i64) -> Outcome<IndicatorRow> {
    let row = state
        .db
        .indicator(id)
        .await
        .map_err(Refusal::from_store)?
        .ok_or_else(Refusal::not_found)?;
    let access = state.snapshot().await.record_access(u, row.committee_id);
    if !access.sees() {
        return Err(Refusal::not_found());
    }
    if u.is_standing() && !access.acts() {
        return Err(Refusal::other_committee());
    }
    Ok(row)
}

/// What an agency (or the standing agency, or another system) reports for an indicator.
#[derive(Debug, Clone, Default)]
pub struct ValueReport {
    /// The agency's code; empty: the national figure (or the reporter's own agency).
    pub agency: String,
    /// The day the figure describes (dd/mm/yyyy or yyyy-mm-dd).
    pub as_of: String,
    /// The figure as written: "58/76", "85,3%", "12,7 nghìn tỷ đồng", "Đạt".
    pub value: String,
    pub evidence: String,
}

/// An agency's focal point reports its agency's figure (a national indicator: its lead's figure);
/// the standing agency any figure. A focal point's figure waits for the standing agency.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn report_value(
    state: &Service,
    u: &User,
    indicator_id: i64,
    r: &ValueReport,
) -> Outcome<i64> {
    let ind = indicator(state, u, indicator_id).await?;
    let leads = state
        .db
        .indicator_leads(ind.id)
        .await
        .map_err(Refusal::from_store)?;
    let coverage = state
        .db
        .indicator_coverage(ind.id)
        .await
        .map_err(Refusal::from_store)?;
    // Who may report which figure, before any value is read.
    let agency: Option<i64> = match u.role {
        UserRole::Admin | UserRole::Standing => match r.agency.trim() {
            "" => None,
            code => Some(
                state
                    .db
                    .agency_id(code)
                    .await
                    .map_err(Refusal::from_store)?
                    .ok_or(Refusal::bad(Notice::AgencyUnknown))?,
            ),
        },
        UserRole::Focal => {
            let own = u.agency_id.ok_or_else(Refusal::forbidden)?;
            if ind.by_agency.0 {
                Some(own)
            } else if leads.contains(&own) {
                None
            } else {
                return Err(Refusal::forbidden());
            }
        }
        _ => return Err(Refusal::forbidden()),
    };
    let as_of = tiendo_domain::deadline::past_user_date(&r.as_of, today()).map_err(|why| {
        Refusal::bad(Notice::CompletionDateInvalid)
            .with(format!("ngày của số liệu: {}", why.words(&r.as_of)))
    })?;
    for t in [&r.value, &r.evidence] {
        if tiendo_domain::text::has_markup(t) {
            return Err(Refusal::bad(Notice::Markup));
        }
    }
    let value = match tiendo_domain::indicator::value::parse_typed_value(&r.value) {
        Some(v) if r.value.chars().count() <= 200 => v,
        _ => {
            return Err(Refusal::bad(Notice::FigureInvalid).with(format!(
                "«{}» không phải là một số (ví dụ đúng: 58/76, 85,3%, 1.250, 12,7 nghìn tỷ đồng, Đạt)",
                r.value.trim()
            )));
        }
    };
    let targets = state
        .db
        .indicator_targets(ind.id)
        .await
        .map_err(Refusal::from_store)?;
    if let Some(why) = value_refusal(&ind, &coverage, &targets, agency, as_of, &value) {
        return Err(Refusal::bad(Notice::FigureInvalid).with(why));
    }
    let evidence = r.evidence.trim();
    let id = state
        .db
        .record_indicator_value(NewValue {
            indicator: ind.id,
            agency,
            as_of,
            value: &value,
            evidence: (!evidence.is_empty()).then_some(evidence),
            source: "user",
            source_key: None,
            state: if u.is_standing() {
                "confirmed"
            } else {
                "reported"
            },
            actor: &u.username,
        })
        .await
        .map_err(Refusal::from_store)?;
    Ok(id)
}

/// The standing agency confirms a reported figure, or returns it with its reason.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn review_value(
    state: &Service,
    u: &User,
    value_id: i64,
    confirm: bool,
    note: &str,
) -> Outcome<i64> {
    if !u.is_standing() {
        return Err(Refusal::forbidden());
    }
    let note = note.trim();
    if tiendo_domain::text::has_markup(note) {
        return Err(Refusal::bad(Notice::Markup));
    }
    if !confirm && note.is_empty() {
        return Err(Refusal::bad(Notice::ReturnReasonMissing));
    }
    state
        .db
        .review_indicator_value(
            value_id,
            confirm,
            (!note.is_empty()).then_some(note),
            &u.username,
        )
        .await
        .map_err(|e| match e {
            tiendo_store::StoreError::NotFound(_) => Refusal::not_found(),
            tiendo_store::StoreError::Invalid(m) => Refusal::bad(Notice::AlreadyHandled).with(m),
            e => Refusal::from_store(e),
        })
}

/// A target the standing agency sets.
#[derive(Debug, Clone, Default)]
pub struct TargetSetting {
    /// The agency's code; empty: for the nation and every agency without its own.
    pub agency: String,
    /// "2026", "2026-Q2", "Quý II/2026", "tháng 6/2026" …
    pub period: String,
    pub value: String,
}

/// The standing agency sets a target: a figure of the indicator's unit, for a period within its
/// life, for the nation (and every agency) or one covered agency.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn set_target(
    state: &Service,
    u: &User,
    indicator_id: i64,
    t: &TargetSetting,
) -> Outcome<()> {
    if !u.is_standing() {
        return Err(Refusal::forbidden());
    }
    let ind = indicator(state, u, indicator_id).await?;
    let period = Period::parse(&t.period).ok_or(Refusal::bad(Notice::PeriodUnreadable))?;
    if !ind.life().touches(period) {
        return Err(Refusal::bad(Notice::PeriodUnreadable).with(format!(
            "{} nằm ngoài thời gian theo dõi chỉ tiêu",
            period.vietnamese()
        )));
    }
    if tiendo_domain::text::has_markup(&t.value) {
        return Err(Refusal::bad(Notice::Markup));
    }
    let value = parse_value(&t.value);
    if !value.has_figure() {
        return Err(Refusal::bad(Notice::FigureInvalid)
            .with(format!("không đọc được mục tiêu \"{}\"", t.value.trim())));
    }
    let agency = match t.agency.trim() {
        "" => None,
        code => {
            let id = state
                .db
                .agency_id(code)
                .await
                .map_err(Refusal::from_store)?
                .ok_or(Refusal::bad(Notice::AgencyUnknown))?;
            let coverage = state
                .db
                .indicator_coverage(ind.id)
                .await
                .map_err(Refusal::from_store)?;
            if !ind.by_agency.0 || (!coverage.is_empty() && !coverage.contains(&id)) {
                return Err(Refusal::bad(Notice::AgencyUnknown)
                    .with("cơ quan này không thuộc phạm vi báo cáo chỉ tiêu".to_string()));
            }
            Some(id)
        }
    };
    // A target in another unit than the figures already recorded is refused.
    let values = state
        .db
        .indicator_values(ind.id, None)
        .await
        .map_err(Refusal::from_store)?;
    if let Some(v) = values
        .iter()
        .map(|v| v.parsed())
        .find(|v| v.has_figure() && tiendo_domain::indicator::comparable(v, &value).is_none())
    {
        return Err(Refusal::bad(Notice::FigureInvalid).with(format!(
            "mục tiêu \"{}\" khác đơn vị với số liệu \"{}\" đã có",
            value.raw, v.raw
        )));
    }
    state
        .db
        .set_indicator_target(ind.id, agency, period, &value, &u.username)
        .await
        .map_err(Refusal::from_store)
}

/// An indicator's life and direction as the standing agency sets them.
#[derive(Debug, Clone, Default)]
pub struct LifeSetting {
    /// The first day followed ("1/1/2025", "2025-01-01"); empty: from the start.
    pub valid_from: String,
    /// The last day followed; empty: without end.
    pub valid_to: String,
    /// "higher" or "lower" (is better); empty: unchanged.
    pub direction: String,
}

/// The standing agency sets the days an indicator is followed and whether higher or lower is
/// better. Figures and targets already recorded must stay within the new life.
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn set_life(
    state: &Service,
    u: &User,
    indicator_id: i64,
    l: &LifeSetting,
) -> Outcome<()> {
    if !u.is_standing() {
        return Err(Refusal::forbidden());
    }
    let ind = indicator(state, u, indicator_id).await?;
    let day = |s: &str| -> Outcome<Option<time::Date>> {
        match s.trim() {
            "" => Ok(None),
            x => parse_user_date(x)
                .map(Some)
                .ok_or(Refusal::bad(Notice::IndicatorLifeInvalid)),
        }
    };
    let (from, to) = (day(&l.valid_from)?, day(&l.valid_to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(Refusal::bad(Notice::IndicatorLifeInvalid));
    }
    let direction = match l.direction.trim() {
        "" => ind.direction(),
        d => tiendo_domain::indicator::Direction::parse(d)
            .ok_or(Refusal::bad(Notice::DirectionOfGoodInvalid))?,
    };
    state
        .db
        .set_indicator_life(
            ind.id,
            tiendo_domain::indicator::Life { from, to },
            direction,
            &u.username,
        )
        .await
        .map_err(|e| match e {
            tiendo_store::StoreError::Invalid(m) => {
                Refusal::bad(Notice::FiguresOutsideLife).with(m)
            }
            e => Refusal::from_store(e),
        })
}

/// The standing agency links an indicator to a task (or unlinks it).
#[tracing::instrument(level = "debug", skip_all, fields(user = %u.username))]
pub async fn link_task(
    state: &Service,
    u: &User,
    indicator_id: i64,
    task: &str,
    link: bool,
) -> Outcome<()> {
    if !u.is_standing() {
        return Err(Refusal::forbidden());
    }
    indicator(state, u, indicator_id).await?;
    let task: i64 = task
        .trim()
        .parse()
        .map_err(|_| Refusal::bad(Notice::TaskNumberUnknown))?;
    state
        .db
        .link_indicator_task(indicator_id, task, link, &u.username)
        .await
        .map_err(|e| match e {
            tiendo_store::StoreError::NotFound(_) => Refusal::bad(Notice::TaskNumberUnknown),
            e => Refusal::from_store(e),
        })
}
