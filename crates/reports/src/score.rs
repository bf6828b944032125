//! A month's score and ranking of the agencies, by the published formula.

use crate::{Presentation, col, subtitle};
use serde::Serialize;
use std::collections::HashMap;
use tiendo_domain::agency::AgencyKind;
use tiendo_domain::deadline::vn;
use tiendo_domain::indicator::book::IndicatorBook;
use tiendo_domain::scoring::{self, Components, Formula, Month, MonthFacts, Points};
use tiendo_domain::status::StatusBook;
use tiendo_office::official::{OfficialDoc, TableRow, Value};
use tiendo_store::Db;
use tiendo_store::facts::AgencyName;
use time::Date;

/// One agency's line of the monthly ranking.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub rank: Option<u32>,
    /// The kind of body, and the rank among those of its kind.
    pub kind: tiendo_domain::agency::KindGroup,
    pub kind_rank: Option<u32>,
    /// Another agency has the same score (they share the rank; [`scoring::TIE_BREAK`] orders them).
    pub tied: bool,
    pub code: String,
    pub name: String,
    /// The head answerable for the score: "Bộ trưởng Bộ Công an (Nguyễn Văn A)".
    pub head: String,
    pub score: Option<f64>,
    pub components: Components,
    pub points: Points,
    pub previous_score: Option<f64>,
    pub previous_rank: Option<u32>,
    /// Places gained since the previous month (negative: lost).
    pub rank_change: Option<i64>,
    pub score_change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    pub month: Month,
    pub previous_month: Month,
    pub formula_name: String,
    /// The month the formula applies from (`None`: the shipped formula).
    pub formula_from: Option<String>,
    /// The formula as published (TOML), so anyone can recompute.
    pub formula: String,
    #[serde(serialize_with = "crate::ser_date")]
    pub report_window_from: Date,
    #[serde(serialize_with = "crate::ser_date")]
    pub report_window_to: Date,
    pub rows: Vec<ScoreRow>,
    /// The leaders overseeing tasks (Phó Thủ tướng phụ trách), each scored on those tasks.
    pub leaders: Vec<scoring::LeaderScore>,
    /// Nothing fell due in the month (nor stayed overdue from before): no ranking is given.
    pub nothing_due: bool,
    pub tie_break: &'static str,
}

/// The scores of one month from the data as it stood then: the reports dated in its window are
/// read for it; the difficulties and commitments (read once for both months) are taken as they
/// stood on its last day.
async fn month_scores(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: &Formula,
    shared: &SharedFacts<'_>,
) -> anyhow::Result<(Vec<scoring::AgencyScore>, Vec<scoring::LeaderScore>)> {
    let (from, to) = formula.report_window(month);
    let reported = db.reported_between(from, to).await?;
    let facts = MonthFacts {
        book,
        reported: &reported,
        difficulties: &shared.difficulties,
        commitments: &shared.commitments,
        indicators: Some((shared.indicators, &shared.duties)),
    };
    Ok((
        scoring::score_month(month, formula, &facts),
        scoring::score_leaders(month, formula, &facts, &shared.overseer, &shared.leaders),
    ))
}

/// What both months of a ranking are scored from, read once.
struct SharedFacts<'a> {
    difficulties: Vec<scoring::DifficultyFacts>,
    commitments: Vec<scoring::CommitmentFacts>,
    indicators: &'a IndicatorBook,
    duties: Vec<scoring::IndicatorDuty>,
    /// Task → index of its overseeing leader in `leaders`.
    overseer: HashMap<i64, Vec<usize>>,
    leaders: Vec<String>,
}

/// Who answers for which indicator: each covered agency for its own figure; the lead agencies
/// for a national one.
pub async fn indicator_duties(db: &Db) -> anyhow::Result<Vec<scoring::IndicatorDuty>> {
    Ok(db
        .indicator_answerers()
        .await?
        .into_iter()
        .map(|(indicator, agency, own)| scoring::IndicatorDuty {
            indicator,
            figure_of: own.then_some(agency),
            agency,
        })
        .collect())
}

/// The ranking of `month` with the change from the previous month. `formula` overrides the
/// published one (to see what another formula would give).
pub async fn score(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: Option<(Formula, String)>,
) -> anyhow::Result<ScoreReport> {
    let indicators = db.load_indicator_book().await?;
    score_with(db, book, month, formula, &indicators).await
}

/// [`score`] with the indicators' book already in memory (the server's).
pub async fn score_with(
    db: &Db,
    book: &StatusBook,
    month: Month,
    formula: Option<(Formula, String)>,
    indicators: &IndicatorBook,
) -> anyhow::Result<ScoreReport> {
    let (formula, content, from) = match formula {
        Some((f, text)) => (f, text, None),
        None => {
            let (f, v) = db.formula_for(month).await?;
            (f, v.content, v.effective_from)
        }
    };
    let previous_formula = db.formula_for(month.prev()).await?.0;
    let names = db.agency_names().await?;
    let heads = db.agency_heads().await?;
    let kinds: HashMap<i64, String> = db.agency_kinds().await?;
    let (leaders, overseer) = overseers(db).await?;
    let shared = SharedFacts {
        difficulties: db.difficulty_facts().await?,
        commitments: db.commitment_facts().await?,
        indicators,
        duties: indicator_duties(db).await?,
        overseer,
        leaders,
    };
    let (current, leader_scores) = month_scores(db, book, month, &formula, &shared).await?;
    let (previous, _) = month_scores(db, book, month.prev(), &previous_formula, &shared).await?;
    // A month in which nothing fell due is not ranked: everyone would share the first place.
    let nothing_due = current
        .iter()
        .all(|s| s.components.due_in_month == 0 && s.components.overdue_from_before == 0);
    let name = |a: i64| names.get(&a).map(|x| x.name.clone()).unwrap_or_default();
    let before: HashMap<i64, (Option<u32>, Option<f64>)> = scoring::rank(&previous, &name)
        .into_iter()
        .map(|(r, s)| (s.agency, (r, s.score)))
        .collect();
    let group_of = |a: i64| {
        kinds
            .get(&a)
            .and_then(|k| AgencyKind::parse(k))
            .unwrap_or(AgencyKind::Other)
            .group()
    };
    // The rank within each kind of body (ministries, provinces, corporations …).
    let mut kind_rank: HashMap<i64, Option<u32>> = HashMap::new();
    for g in tiendo_domain::agency::KindGroup::ALL {
        let of_kind: Vec<scoring::AgencyScore> = current
            .iter()
            .filter(|s| group_of(s.agency) == g)
            .cloned()
            .collect();
        for (r, s) in scoring::rank(&of_kind, &name) {
            kind_rank.insert(s.agency, r);
        }
    }
    let ranked = scoring::rank(&current, &name);
    // Ranked rows sharing their rank with another (equal scores, side by side in `ranked`).
    let mut per_rank: HashMap<u32, usize> = HashMap::new();
    for r in ranked.iter().filter_map(|(r, _)| *r) {
        *per_rank.entry(r).or_default() += 1;
    }
    let tied = |rank: Option<u32>| rank.is_some_and(|r| per_rank.get(&r).is_some_and(|n| *n > 1));
    let rows = ranked
        .into_iter()
        .map(|(rank, s)| {
            let shares_rank = tied(rank);
            let rank = rank.filter(|_| !nothing_due);
            let AgencyName {
                code,
                name: agency_name,
                ..
            } = names.get(&s.agency).cloned().unwrap_or_default();
            let head = head_of(
                heads.get(&s.agency),
                kinds.get(&s.agency).map(String::as_str),
                &agency_name,
            );
            let (previous_rank, previous_score) =
                before.get(&s.agency).copied().unwrap_or_default();
            ScoreRow {
                rank,
                kind: group_of(s.agency),
                kind_rank: kind_rank
                    .get(&s.agency)
                    .copied()
                    .flatten()
                    .filter(|_| !nothing_due),
                tied: shares_rank,
                code,
                name: agency_name,
                head,
                score: s.score,
                components: s.components,
                points: s.points,
                previous_score,
                previous_rank,
                rank_change: match (rank, previous_rank) {
                    (Some(now), Some(then)) => Some(i64::from(then) - i64::from(now)),
                    _ => None,
                },
                score_change: match (s.score, previous_score) {
                    (Some(a), Some(b)) => Some(((a - b) * 100.0).round() / 100.0),
                    _ => None,
                },
            }
        })
        .collect();
    let (wf, wt) = formula.report_window(month);
    Ok(ScoreReport {
        month,
        previous_month: month.prev(),
        formula_name: formula.name.clone(),
        formula_from: from,
        formula: content,
        report_window_from: wf,
        report_window_to: wt,
        rows,
        leaders: leader_scores,
        nothing_due,
        tie_break: scoring::TIE_BREAK,
    })
}

/// The leaders named as overseeing tasks, in the order first named, and each task's leaders (by
/// their place in that list).
async fn overseers(db: &Db) -> anyhow::Result<(Vec<String>, HashMap<i64, Vec<usize>>)> {
    let mut leaders: Vec<String> = Vec::new();
    let mut overseer: HashMap<i64, Vec<usize>> = HashMap::new();
    for (task, text) in db.task_overseers().await? {
        for who in scoring::leaders_named(&text) {
            let i = match leaders.iter().position(|l| *l == who) {
                Some(i) => i,
                None => {
                    leaders.push(who);
                    leaders.len() - 1
                }
            };
            overseer.entry(task).or_default().push(i);
        }
    }
    Ok((leaders, overseer))
}

/// The head answerable for an agency's score: "Bộ trưởng Bộ Y tế (Nguyễn Văn A)", the title as
/// recorded or the usual one for its kind of body.
fn head_of(
    head: Option<&tiendo_store::registry::Head>,
    kind: Option<&str>,
    agency: &str,
) -> String {
    let tiendo_store::registry::Head {
        title,
        name: person,
        ..
    } = head.cloned().unwrap_or_default();
    let title = title.unwrap_or_else(|| {
        kind.and_then(AgencyKind::parse)
            .unwrap_or(AgencyKind::Other)
            .head_title()
            .to_string()
    });
    match person {
        Some(p) => format!("{title} {agency} ({p})"),
        None => format!("{title} {agency}"),
    }
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.2}").replace('.', ","))
        .unwrap_or_default()
}

fn fraction(n: u64, d: u64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{n}/{d}")
    }
}

/// The monthly ranking as a document of the committee (national heading, its date), with each
/// agency's components so that anyone can recompute its score.
pub fn score_doc(r: &ScoreReport, issuer: &str, today: Date, p: &Presentation) -> OfficialDoc {
    let mut rows = Vec::new();
    let score_cells = |c: &Components, pts: &Points, score: Option<f64>| {
        vec![
            Value::Text(fraction(
                c.done_on_time,
                c.due_in_month + c.overdue_from_before,
            )),
            Value::Text(format!(
                "{}\n{} ngày",
                fraction(c.overdue_at_end, c.due_by_end),
                c.days_late
            )),
            Value::Text(fraction(c.reports_on_time, c.reports_required)),
            Value::Text(fraction(c.difficulties_answered, c.difficulties_due)),
            Value::Text(fraction(c.commitments_kept, c.commitments_due)),
            Value::Text(fraction(c.periodic_on_time, c.periodic_due)),
            Value::Text(fraction(c.indicators_green, c.indicators_assessed)),
            Value::Text(num(Some(pts.days_late_deduction))),
            Value::Text(num(score)),
        ]
    };
    for s in &r.rows {
        let change = match s.rank_change {
            Some(0) => "=".to_string(),
            Some(x) if x > 0 => format!("↑{x}"),
            Some(x) => format!("↓{}", -x),
            None if s.rank.is_some() => "mới".to_string(),
            None => String::new(),
        };
        let rank = |r: Option<u32>| {
            r.map(|x| Value::Number(i64::from(x)))
                .unwrap_or(Value::Empty)
        };
        let mut cells = vec![
            rank(s.rank),
            rank(s.kind_rank),
            Value::Text(format!("{}\n{}", s.name, s.head)),
        ];
        cells.extend(score_cells(&s.components, &s.points, s.score));
        cells.push(Value::Text(match (s.previous_rank, s.previous_score) {
            (Some(pr), Some(ps)) => format!("{pr} ({})", num(Some(ps))),
            _ => String::new(),
        }));
        cells.push(Value::Text(change));
        rows.push(TableRow::Cells(cells));
    }
    if !r.leaders.is_empty() {
        rows.push(TableRow::Heading(
            "LÃNH ĐẠO PHỤ TRÁCH (điểm trên các nhiệm vụ được phân công theo dõi, chỉ đạo)".into(),
        ));
        for l in &r.leaders {
            let mut cells = vec![Value::Empty, Value::Empty, Value::Text(l.leader.clone())];
            cells.extend(score_cells(&l.components, &l.points, l.score));
            cells.push(Value::Empty);
            cells.push(Value::Empty);
            rows.push(TableRow::Cells(cells));
        }
    }
    let f = &r.formula;
    let weights = Formula::from_toml(f).ok().map(|f| f.weights);
    let mut intro = vec![format!(
        "Điểm {} của các cơ quan được giao nhiệm vụ, tính theo \"{}\"{}, trên dữ liệu tính đến ngày {}; báo cáo tiến độ tính trong khoảng từ {} đến {}.",
        r.month.vietnamese(),
        r.formula_name,
        r.formula_from
            .as_deref()
            .map(|m| format!(" (áp dụng từ {m})"))
            .unwrap_or_default(),
        vn(r.month.last()),
        vn(r.report_window_from),
        vn(r.report_window_to)
    )];
    if let Some(w) = weights {
        intro.push(format!(
            "Điểm = 100 × (trọng số × tỷ lệ của các tiêu chí có phát sinh) / tổng trọng số các tiêu chí đó − điểm trừ số ngày quá hạn. Trọng số: hoàn thành đúng hạn {}, không quá hạn {}, báo cáo đúng hạn {}, trả lời khó khăn đúng hạn {}, giữ cam kết {}, báo cáo định kỳ của nhiệm vụ thường xuyên {}, chỉ tiêu đạt hoặc đúng lộ trình {}. Tỷ lệ hoàn thành đúng hạn = số hoàn thành đúng hạn / (số đến hạn trong tháng + số quá hạn từ trước chưa hoàn thành).",
            w.on_time, w.not_overdue, w.reports, w.difficulties, w.commitments, w.periodic, w.indicators
        ));
    }
    if r.nothing_due {
        intro.push(format!(
            "Trong {} không có nhiệm vụ nào đến hạn hoặc còn quá hạn: không xếp hạng.",
            r.month.vietnamese()
        ));
    }
    intro.push(
        "Người đứng đầu cơ quan chịu trách nhiệm trước Ban Chỉ đạo về kết quả của cơ quan mình."
            .into(),
    );
    let mut doc = OfficialDoc {
        title: "BẢNG ĐIỂM VÀ XẾP HẠNG".into(),
        subtitle: subtitle(
            vec![format!(
                "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC CƠ QUAN {}",
                r.month.vietnamese().to_uppercase()
            )],
            p,
        ),
        intro,
        columns: vec![
            col("Hạng", 5),
            col("Hạng trong nhóm", 6),
            col("Cơ quan, người đứng đầu", 19),
            col("Hoàn thành đúng hạn / đến hạn", 9),
            col("Quá hạn cuối tháng; số ngày", 9),
            col("Báo cáo đúng hạn", 7),
            col("Khó khăn trả lời đúng hạn", 7),
            col("Cam kết thực hiện đúng", 7),
            col("Báo cáo định kỳ đúng hạn", 7),
            col("Chỉ tiêu đạt, đúng lộ trình", 7),
            col("Điểm trừ", 6),
            col("Điểm", 7),
            col("Tháng trước: hạng (điểm)", 9),
            col("Thay đổi", 6),
        ],
        rows,
        notes: vec![
            format!(
                "Số cơ quan được xếp hạng: {}; không xếp hạng (không phát sinh tiêu chí nào{}): {}.",
                r.rows.iter().filter(|s| s.rank.is_some()).count(),
                if r.nothing_due {
                    ", hoặc tháng không có nhiệm vụ đến hạn"
                } else {
                    ""
                },
                r.rows.iter().filter(|s| s.rank.is_none()).count()
            ),
            format!(
                "Hạng trong nhóm: trong các cơ quan cùng loại (bộ, ngành; tỉnh, thành phố; tập đoàn, tổng công ty). {}",
                r.tie_break
            ),
        ],
        landscape: true,
        sheet: "Xếp hạng".into(),
        ..Default::default()
    };
    p.issue(&mut doc, issuer, today);
    doc
}
