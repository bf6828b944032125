//! "Báo cáo": the committee's reports to download (Word, Excel, JSON), built by
//! [`tiendo_reports`] from the data in memory; "Xếp hạng": the monthly scores; "Phiên họp": the
//! meetings and the pack for the next one. Lists show only the tasks the reader may see.

use crate::words::date_input;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::{iso, parse_user_date, vn};
use tiendo_domain::scoring::Month;
use tiendo_office::official::OfficialDoc;
use tiendo_service::notices::Notice;

use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use super::refused::Refused;
use super::{AppState, Visibility};
use crate::words::{enc, today};
use tiendo_reports::kinds::{Needs, ReportKind};
use tiendo_reports::{self as reports, Presentation};
use tiendo_service::queries::reports::{ReportRefused, ReportRequest};

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    ngay: Option<String>,
    van_ban: Option<String>,
    thang: Option<String>,
    kem_theo: Option<String>,
    han_cam_ket: Option<String>,
    tb: Option<String>,
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn bad(u: &CurrentUser, msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        page(
            "Không tạo được báo cáo",
            Some(u),
            html! { h1 { "Không tạo được báo cáo" } p.flash.error role="alert" { (msg) } p { a href="/bao-cao" { "‹ Về trang báo cáo" } } },
        ),
    )
        .into_response()
}

/// A document in the format asked for.
fn official(stem: &str, ext: &str, doc: &OfficialDoc) -> Response {
    let made = match ext {
        "docx" => doc.to_docx().map(|b| (b, DOCX)),
        _ => doc.to_xlsx().map(|b| (b, XLSX)),
    };
    match made {
        Ok((bytes, ct)) => attachment(&format!("{stem}.{ext}"), ct, bytes),
        Err(e) => crate::errors::internal(e),
    }
}

fn json<T: serde::Serialize>(stem: &str, v: &T) -> Response {
    match serde_json::to_vec_pretty(v) {
        Ok(b) => attachment(
            &format!("{stem}.json"),
            "application/json; charset=utf-8",
            b,
        ),
        Err(e) => crate::errors::internal(e),
    }
}

/// `/bao-cao/tai/{slug}.{ext}`: one report ([`ReportKind::from_slug`]), built now from the data
/// in memory, listing only the tasks the reader may see.
pub async fn download(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let Some((slug, ext)) = file.rsplit_once('.') else {
        return bad(&u, "Tên báo cáo không hợp lệ.");
    };
    if !matches!(ext, "docx" | "xlsx" | "json") {
        return bad(&u, "Định dạng phải là docx, xlsx hoặc json.");
    }
    let Some(kind) = ReportKind::from_slug(slug) else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Không tìm thấy",
                Some(&u),
                html! { h1 { "Không có báo cáo này" } },
            ),
        )
            .into_response();
    };
    let filled = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let as_of = match filled(&q.ngay) {
        None => today(),
        Some(s) => match parse_user_date(&s) {
            Some(d) => d,
            None => return bad(&u, "Ngày không hợp lệ."),
        },
    };
    let answer_by = match filled(&q.han_cam_ket) {
        None => None,
        Some(s) => match parse_user_date(&s) {
            Some(d) => Some(d),
            None => return bad(&u, "Hạn gửi cam kết không hợp lệ."),
        },
    };
    let request = ReportRequest {
        document: filled(&q.van_ban),
        month: q.thang.as_deref().and_then(Month::parse),
        answer_by,
        ..ReportRequest::on(as_of)
    };
    let snap = state.snapshot().await;
    let report = match state.report_for(&u, kind, request, &snap).await {
        Ok(r) => r,
        Err(ReportRefused::Failed(e)) => return crate::errors::internal(e),
        Err(refused) => return bad(&u, &refused.message()),
    };
    let stem = report.file_stem();
    if ext == "json" {
        return json(&stem, &report);
    }
    let p = Presentation {
        attached_to: filled(&q.kem_theo).map(|s| s.chars().take(300).collect()),
        place: None,
        signing: None,
    };
    official(&stem, ext, &report.document(&p, today()))
}

fn buttons(stem: &str) -> maud::Markup {
    html! {
        @for (ext, label) in [("docx", "Word"), ("xlsx", "Excel"), ("json", "JSON")] {
            button type="submit" formaction={"/bao-cao/tai/" (stem) "." (ext)} { "Tải " (label) }
        }
    }
}

/// The reports page: each report with its parameters and its download buttons.
pub async fn index(PageUser(u): PageUser, Query(q): Query<ReportQuery>) -> Response {
    let day = q.ngay.clone().unwrap_or_else(|| iso(today()));
    let month = q
        .thang
        .clone()
        .unwrap_or_else(|| Month::of(today()).prev().to_string());
    let flash = q.tb.as_deref().and_then(super::actions::message);
    page(
        "Báo cáo",
        Some(&u),
        html! {
            h1 { "Báo cáo" }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            p.muted { "Mỗi báo cáo được lập ngay từ dữ liệu hiện có, theo thể thức Nghị định 30/2020/NĐ-CP (Word), hoặc bảng tính Excel, hoặc JSON cho hệ thống khác." }
            @if u.role == UserRole::Focal || !u.is_standing() { p.muted { "Danh sách nhiệm vụ trong báo cáo chỉ gồm các nhiệm vụ bạn được xem." } }
            @for kind in ReportKind::ALL {
                h2 { (kind.title()) }
                form.box method="get" {
                    @match kind.needs() {
                        Needs::Month => {
                            label { "Tháng" input type="month" name="thang" value=(month); }
                        }
                        needs => {
                            @if needs == Needs::Document {
                                label { "Văn bản giao (số ký hiệu hoặc khóa tệp)" input name="van_ban" required maxlength="200" placeholder="vd: 624/TB-VPCP"; }
                            }
                            label { "Dữ liệu tính đến ngày" (date_input("ngay", &day, false)) }
                            @if needs == Needs::OptionalAnswerBy {
                                label { "Hạn gửi cam kết (tùy chọn)" (date_input("han_cam_ket", "", false)) }
                            }
                            label { "Kèm theo (tùy chọn)" input name="kem_theo" maxlength="300" placeholder="vd: Báo cáo số …/BC-BCA ngày …"; }
                        }
                    }
                    (buttons(kind.slug()))
                    @if kind == ReportKind::Ranking {
                        a href={"/xep-hang?thang=" (month)} { "Xem bảng xếp hạng" }
                    }
                }
            }
            @if u.is_standing() { p { a href="/bao-cao/the-thuc" { "Thể thức văn bản: số, nơi nhận, người ký" } } }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct RankingQuery {
    thang: Option<String>,
}

fn signed(x: Option<i64>) -> String {
    match x {
        Some(0) => "=".into(),
        Some(v) if v > 0 => format!("↑ {v}"),
        Some(v) => format!("↓ {}", -v),
        None => String::new(),
    }
}

fn frac(n: u64, d: u64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{n}/{d}")
    }
}

fn pts(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.2}").replace('.', ","))
        .unwrap_or_else(|| "—".into())
}

/// A weight or a number of days as written: "35", "2,5".
fn amount(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}").replace('.', ",")
    }
}

/// The published formula for people: each criterion with its weight, its share when every
/// criterion applies, what counts for it and over what; how the points are made and what is
/// taken off; then the first ranked agency's score worked out from its own figures.
fn formula_in_words(r: &tiendo_reports::ScoreReport) -> maud::Markup {
    let Ok(f) = tiendo_domain::scoring::Formula::from_toml(&r.formula) else {
        return html! { p.muted { "Không đọc được cách tính đã công bố; xem tệp tải về." } };
    };
    let w = &f.weights;
    let report_rule = format!(
        "báo cáo tiến độ hằng tháng gửi đến hết ngày {}",
        f.report_day
    );
    let criteria: [(&str, f64, &str, &str); 7] = [
        (
            "Hoàn thành đúng hạn",
            w.on_time,
            "phân công chủ trì hoàn thành đúng hạn",
            "phân công đến hạn trong tháng và phân công còn quá hạn từ trước",
        ),
        (
            "Không quá hạn cuối tháng",
            w.not_overdue,
            "phân công không còn quá hạn vào ngày cuối tháng",
            "phân công đã đến hạn tính đến cuối tháng",
        ),
        (
            "Báo cáo tiến độ đúng hạn",
            w.reports,
            &report_rule,
            "báo cáo phải gửi trong tháng",
        ),
        (
            "Trả lời khó khăn đúng hạn",
            w.difficulties,
            "khó khăn, vướng mắc được trả lời trong hạn",
            "khó khăn đến hạn trả lời",
        ),
        (
            "Giữ cam kết",
            w.commitments,
            "cam kết hoàn thành đúng ngày đã cam kết",
            "cam kết đến ngày",
        ),
        (
            "Báo cáo định kỳ đúng hạn",
            w.periodic,
            "báo cáo định kỳ của nhiệm vụ thường xuyên gửi đúng hạn",
            "báo cáo định kỳ đến hạn",
        ),
        (
            "Chỉ tiêu đạt hoặc đúng tiến độ",
            w.indicators,
            "chỉ tiêu đạt mục tiêu hoặc đúng tiến độ",
            "chỉ tiêu có mục tiêu đang áp dụng",
        ),
    ];
    let total: f64 = criteria.iter().map(|c| c.1).sum();
    let example = r
        .rows
        .iter()
        .find(|s| s.score.is_some() && s.rank.is_some());
    html! {
        table.formula-table {
            thead { tr { th { "Tiêu chí" } th { "Trọng số" } th { "Tỷ trọng khi mọi tiêu chí có phát sinh" } th { "Được tính" } th { "Trên tổng số" } } }
            tbody {
                @for (name, weight, counts, over) in &criteria {
                    @if *weight > 0.0 {
                        tr {
                            th scope="row" { (name) }
                            td.num { (amount(*weight)) }
                            td.num { (pts(Some(100.0 * weight / total))) " điểm" }
                            td { (counts) }
                            td { (over) }
                        }
                    }
                }
            }
        }
        p {
            "Điểm của mỗi tiêu chí = 100 × trọng số × (số được tính ÷ tổng số) ÷ tổng trọng số của các tiêu chí có phát sinh trong tháng. "
            "Tiêu chí không phát sinh với cơ quan (tổng số bằng 0) không được tính và không làm mất điểm: trọng số của nó chia cho các tiêu chí còn lại."
        }
        p {
            "Điểm trừ: số ngày quá hạn bình quân (tổng số ngày quá hạn ÷ số phân công đã đến hạn) chia cho " (amount(f.days_late.days_per_point))
            ", tối đa " (amount(f.days_late.max_points)) " điểm. Điểm = tổng điểm các tiêu chí − điểm trừ, không dưới 0."
        }
        @if let Some(s) = example {
            @let c = &s.components;
            @let p = &s.points;
            p #vi-du-tinh-diem {
                strong { "Ví dụ — " (s.name) ": " }
                "hoàn thành đúng hạn " (frac(c.done_on_time, c.due_in_month + c.overdue_from_before)) " → " (pts(p.on_time))
                "; không quá hạn cuối tháng " (frac(c.due_by_end - c.overdue_at_end.min(c.due_by_end), c.due_by_end)) " → " (pts(p.not_overdue))
                "; báo cáo " (frac(c.reports_on_time, c.reports_required)) " → " (pts(p.reports))
                "; khó khăn " (frac(c.difficulties_answered, c.difficulties_due)) " → " (pts(p.difficulties))
                "; cam kết " (frac(c.commitments_kept, c.commitments_due)) " → " (pts(p.commitments))
                "; báo cáo định kỳ " (frac(c.periodic_on_time, c.periodic_due)) " → " (pts(p.periodic))
                "; chỉ tiêu " (frac(c.indicators_green, c.indicators_assessed)) " → " (pts(p.indicators))
                "; " (c.days_late) " ngày quá hạn trên " (c.due_by_end) " phân công → trừ " (pts(Some(p.days_late_deduction)))
                ". Điểm: " strong { (pts(s.score)) } " (— : tiêu chí không phát sinh)."
            }
        }
    }
}

/// The month a ranking page asks for (none: last month); `None` when it is not YYYY-MM.
fn month_asked(q: &RankingQuery) -> Option<Month> {
    match q.thang.as_deref().filter(|s| !s.is_empty()) {
        None => Some(Month::of(today()).prev()),
        Some(s) => Month::parse(s),
    }
}

const BAD_MONTH: &str = "Tháng không hợp lệ (YYYY-MM).";

/// The published formula of a month, as a file (the version in force for it, not the month's
/// scores): anyone can recompute the ranking with it.
pub async fn formula_file(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<RankingQuery>,
) -> Response {
    let Some(month) = month_asked(&q) else {
        return bad(&u, BAD_MONTH);
    };
    match state.formula_for(month).await {
        Ok((_, version)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/plain; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"cach-tinh-diem-{month}.toml\""),
                ),
            ],
            version.content,
        )
            .into_response(),
        Err(e) => crate::errors::internal(e),
    }
}

/// "Xếp hạng": the month's scores, each with its components, and the change from last month.
pub async fn ranking(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<RankingQuery>,
) -> Response {
    let Some(month) = month_asked(&q) else {
        return bad(&u, BAD_MONTH);
    };
    let r = match state.score(month).await {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(e),
    };
    page(
        "Xếp hạng",
        Some(&u),
        html! {
            h1 { "Điểm và xếp hạng " (month.vietnamese()) }
            form.filters method="get" action="/xep-hang" {
                label { "Tháng" input type="month" name="thang" value=(month.to_string()); }
                button.primary type="submit" { "Xem" }
                a href={"/bao-cao/tai/xep-hang.docx?thang=" (month)} { "Tải Word" }
                a href={"/bao-cao/tai/xep-hang.xlsx?thang=" (month)} { "Tải Excel" }
                a href={"/bao-cao/tai/xep-hang.json?thang=" (month)} { "Tải JSON" }
            }
            p.muted {
                "Tính theo \"" (r.formula_name) "\""
                @if let Some(f) = &r.formula_from { " (áp dụng từ " (f) ")" }
                ", dữ liệu tính đến ngày " (vn(month.last())) "; báo cáo tiến độ tính từ " (vn(r.report_window_from)) " đến " (vn(r.report_window_to)) ". So sánh với " (r.previous_month.vietnamese()) "."
            }
            @if r.nothing_due {
                p.flash.error role="status" { "Trong " (month.vietnamese()) " không có phân công nào đến hạn (và không còn phân công quá hạn từ trước): không xếp hạng theo tiến độ. Điểm dưới đây chỉ gồm các tiêu chí có phát sinh." }
            }
            p.muted.small { (r.tie_break) " Hạng trong nhóm: so với các cơ quan cùng loại (bộ, ngành; tỉnh, thành phố; tập đoàn …)." }
            table.ranking {
                thead { tr {
                    th { "Hạng" } th { "Hạng trong nhóm" } th { "Cơ quan, người đứng đầu" }
                    th { "Hoàn thành đúng hạn / đến hạn (kể cả quá hạn từ trước)" } th { "Quá hạn cuối tháng" } th { "Số ngày quá hạn" }
                    th { "Báo cáo đúng hạn" } th { "Khó khăn trả lời đúng hạn" } th { "Giữ cam kết" } th { "Báo cáo định kỳ đúng hạn" } th { "Chỉ tiêu đạt / đúng tiến độ" }
                    th { "Điểm từng tiêu chí" } th { "Điểm trừ" } th { "Điểm" } th { "Tháng trước" } th { "Thay đổi" }
                } }
                tbody {
                    @for s in &r.rows {
                        @let c = &s.components;
                        tr {
                            td.num { @if let Some(x) = s.rank { (x) @if s.tied { "=" } } }
                            td.num title=(s.kind.vietnamese()) { @if let Some(x) = s.kind_rank { (x) } }
                            td { strong { (s.name) } br; span.muted { (s.head) } br; span.muted.small { (s.kind.vietnamese()) } }
                            td.num { (frac(c.done_on_time, c.due_in_month + c.overdue_from_before)) }
                            td.num { (frac(c.overdue_at_end, c.due_by_end)) }
                            td.num { (c.days_late) }
                            td.num { (frac(c.reports_on_time, c.reports_required)) }
                            td.num { (frac(c.difficulties_answered, c.difficulties_due)) }
                            td.num { (frac(c.commitments_kept, c.commitments_due)) }
                            td.num { (frac(c.periodic_on_time, c.periodic_due)) }
                            td.num { (frac(c.indicators_green, c.indicators_assessed)) }
                            td.small.points { "đúng hạn " (pts(s.points.on_time)) "; không quá hạn " (pts(s.points.not_overdue)) "; báo cáo " (pts(s.points.reports)) "; khó khăn " (pts(s.points.difficulties)) "; cam kết " (pts(s.points.commitments)) "; báo cáo định kỳ " (pts(s.points.periodic)) "; chỉ tiêu " (pts(s.points.indicators)) }
                            td.num { (pts(Some(s.points.days_late_deduction))) }
                            td.num { strong { (pts(s.score)) } }
                            td.num { @if let (Some(pr), Some(ps)) = (s.previous_rank, s.previous_score) { (pr) " (" (pts(Some(ps))) ")" } }
                            td.num { (signed(s.rank_change)) }
                        }
                    }
                }
            }
            h2 { "Điểm của lãnh đạo phụ trách" }
            @if r.leaders.is_empty() { p.muted { "Chưa có nhiệm vụ nào ghi lãnh đạo theo dõi, chỉ đạo." } } @else {
                p.muted.small { "Mỗi lãnh đạo được tính theo cùng cách tính, trên các phân công chủ trì của những nhiệm vụ mình theo dõi, chỉ đạo." }
                table.ranking {
                    thead { tr { th { "Hạng" } th { "Lãnh đạo phụ trách" } th { "Hoàn thành đúng hạn / đến hạn" } th { "Quá hạn cuối tháng" } th { "Báo cáo đúng hạn" } th { "Điểm" } } }
                    tbody {
                        @for (k, l) in r.leaders.iter().enumerate() {
                            @let c = &l.components;
                            tr {
                                td.num { @if l.score.is_some() && !r.nothing_due { (r.leaders.iter().position(|x| x.score == l.score).unwrap_or(k) + 1) } }
                                td { (l.leader) }
                                td.num { (frac(c.done_on_time, c.due_in_month + c.overdue_from_before)) }
                                td.num { (frac(c.overdue_at_end, c.due_by_end)) }
                                td.num { (frac(c.reports_on_time, c.reports_required)) }
                                td.num { strong { (pts(l.score)) } }
                            }
                        }
                    }
                }
            }
            h2 { "Cách tính điểm (công khai)" }
            (formula_in_words(&r))
            p { a href={"/xep-hang/cach-tinh.toml?thang=" (month)} { "Tải tệp cách tính (TOML)" } " — để tự tính lại: " code { "tiendo score --formula TỆP" } }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct MeetingsQuery {
    tb: Option<String>,
}

/// "Phiên họp": the meetings, their documents and tasks; the pack for the next meeting.
pub async fn meetings(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<MeetingsQuery>,
) -> Response {
    meetings_page(&state, &u, q.tb.as_deref(), None).await
}

/// The meetings page; with a refused new meeting, its form holds what was typed (422).
async fn meetings_page(
    state: &AppState,
    u: &CurrentUser,
    tb: Option<&str>,
    refused: Option<&Refused>,
) -> Response {
    let all = state.meetings(u).await.unwrap_or_default();
    let mut counts = Vec::with_capacity(all.len());
    for m in &all {
        counts.push(
            state
                .tasks_of_meeting(m.id)
                .await
                .map(|t| t.len())
                .unwrap_or(0),
        );
    }
    let flash = tb.and_then(tiendo_service::notices::message);
    let page_of = page(
        "Phiên họp",
        Some(u),
        html! {
            h1 { "Phiên họp của Ban Chỉ đạo" }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            @if all.is_empty() { p.muted { "Chưa ghi phiên họp nào." } } @else {
                table {
                    thead { tr { th { "Ngày họp" } th { "Phiên họp" } th { "Văn bản kết luận" } th { "Nhiệm vụ giao" } th { "Chuẩn bị phiên họp tiếp theo" } } }
                    tbody {
                        @for (m, n) in all.iter().zip(&counts) {
                            tr {
                                td { (vn(m.held_on)) }
                                td { (m.name) }
                                td { @for (i, d) in m.documents.iter().enumerate() { @if i > 0 { ", " } a href={"/nhiem-vu?van_ban=" (enc(&d.reference))} { (d.label) } } }
                                td.num { (n) }
                                td {
                                    form.inline method="get" action={"/phien-hop/" (m.id) "/tai-lieu"} {
                                        label { "Tính đến " (date_input("ngay", &iso(today()), false)) }
                                        input name="tiep_theo" maxlength="200" placeholder="Tên phiên họp tiếp theo" aria-label="Tên phiên họp tiếp theo";
                                        button.primary type="submit" { "Tải tài liệu (Word)" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if u.is_standing() {
                h2 { "Ghi phiên họp" }
                form.box method="post" action="/phien-hop" {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Tên phiên họp" input name="name" required maxlength="300" placeholder="vd: Phiên họp lần thứ năm" value=(Refused::value(refused, "name", "")) aria-invalid=[Refused::invalid(refused, "name")]; }
                    (Refused::error_at(refused, "name"))
                    label { "Ngày họp" (date_input("held_on", Refused::value(refused, "held_on", ""), true)) }
                    (Refused::error_at(refused, "held_on"))
                    label { "Văn bản kết luận (số ký hiệu hoặc khóa tệp; nhiều văn bản cách nhau bởi dấu phẩy)" input name="documents" maxlength="600" placeholder="vd: 624/TB-VPCP" value=(Refused::value(refused, "documents", "")) aria-invalid=[Refused::invalid(refused, "documents")]; }
                    (Refused::error_at(refused, "documents"))
                    button.primary type="submit" { "Ghi" }
                }
            }
        },
    );
    match refused {
        Some(_) => (StatusCode::UNPROCESSABLE_ENTITY, page_of).into_response(),
        None => page_of.into_response(),
    }
}

#[derive(Deserialize)]
pub struct MeetingForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    documents: String,
}

pub async fn add_meeting(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Form(f): Form<MeetingForm>,
) -> Response {
    let to = |c: Notice| Redirect::to(&format!("/phien-hop?tb={c}")).into_response();
    if !u.check_csrf(&f.csrf) {
        return to(Notice::FormExpired);
    }
    let docs: Vec<String> = f
        .documents
        .split([',', ';'])
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    match tiendo_service::operations::add_meeting(&state, &u, None, &f.name, &f.held_on, &docs)
        .await
    {
        Ok(_) => to(Notice::MeetingRecorded),
        Err(e) if e.kind == tiendo_service::operations::RefusalKind::Invalid => {
            let field = match e.code {
                Notice::MeetingDateInvalid => "held_on",
                Notice::DocumentUnknown => "documents",
                Notice::Markup if tiendo_domain::text::has_markup(&f.documents) => "documents",
                _ => "name",
            };
            let refused = Refused::typed([
                ("name", f.name.as_str()),
                ("held_on", f.held_on.as_str()),
                ("documents", f.documents.as_str()),
            ])
            .problem(field, e.text());
            meetings_page(&state, &u, None, Some(&refused)).await
        }
        Err(e) => to(e.code),
    }
}

#[derive(Deserialize, Default)]
pub struct PackQuery {
    ngay: Option<String>,
    tiep_theo: Option<String>,
}

/// The Word pack for the next meeting: results of this meeting's tasks, and the overdue list.
pub async fn meeting_pack(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<PackQuery>,
) -> Response {
    let as_of = match q.ngay.as_deref().filter(|s| !s.is_empty()) {
        None => today(),
        Some(s) => match parse_user_date(s) {
            Some(d) => d,
            None => return bad(&u, "Ngày không hợp lệ."),
        },
    };
    let Some(m) = state
        .meetings(&u)
        .await
        .ok()
        .and_then(|all| all.into_iter().find(|m| m.id == id))
    else {
        return (
            StatusCode::NOT_FOUND,
            page(
                "Không tìm thấy",
                Some(&u),
                html! { h1 { "Không có phiên họp này" } },
            ),
        )
            .into_response();
    };
    let snap = state.snapshot().await;
    let vis = Visibility::of(&u, &snap);
    let visible = |t: i64| vis.sees(t);
    let Ok(ids) = state.tasks_of_meeting(id).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let label = m.label();
    let results = match state
        .results_of(&snap.book, &label, &ids, as_of, &visible)
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(e),
    };
    let overdue = match state
        .overdue_report(&snap.book, &snap.agencies, as_of, None, &visible)
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::errors::internal(e),
    };
    let next: Option<String> = q
        .tiep_theo
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect());
    let signing = match state.signing(None).await {
        Ok(s) => s,
        Err(e) => return crate::errors::internal(e),
    };
    let issuer = match state.issuer().await {
        Ok(s) => s,
        Err(e) => return crate::errors::internal(e),
    };
    let pack = reports::meeting_pack(
        &m,
        next.as_deref(),
        &results,
        &overdue,
        &issuer,
        today(),
        &Presentation {
            signing: Some(signing),
            ..Default::default()
        },
    );
    match pack.to_docx() {
        Ok(b) => attachment(
            &format!("tai-lieu-phien-hop-{id}-{}.docx", iso(as_of)),
            DOCX,
            b,
        ),
        Err(e) => crate::errors::internal(e),
    }
}

#[derive(Deserialize, Default)]
pub struct CommitteesQuery {
    ngay: Option<String>,
    /// The column sorted on, largest first: tasks, open_overdue, done_on_time, done_late,
    /// difficulties (default: the committees in the order they were added).
    sap_xep: Option<String>,
}

/// "Các ban chỉ đạo": every committee's standing on a day, as the Government's officers see it
/// (a province's officers see their own line), sortable, each figure leading to that
/// committee's own list.
pub async fn committees(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Query(q): Query<CommitteesQuery>,
) -> Response {
    let as_of = match q.ngay.as_deref().filter(|s| !s.trim().is_empty()) {
        None => today(),
        Some(s) => match parse_user_date(s) {
            Some(d) => d,
            None => return bad(&u, "Ngày không hợp lệ."),
        },
    };
    let snap = state.snapshot().await;
    let report = match state
        .report_for(&u, ReportKind::Committees, ReportRequest::on(as_of), &snap)
        .await
    {
        Ok(tiendo_reports::kinds::Report::Committees(r)) => r,
        Ok(_) => return crate::errors::internal(anyhow::anyhow!("not the committees' report")),
        Err(ReportRefused::Failed(e)) => return crate::errors::internal(e),
        Err(refused) => return bad(&u, &refused.message()),
    };
    let mut lines = report.committees.clone();
    let sort = q.sap_xep.as_deref().unwrap_or("");
    let key = |c: &reports::CommitteeStanding| match sort {
        "tasks" => c.tasks,
        "open_overdue" => c.open_overdue,
        "done_on_time" => c.done_on_time,
        "done_late" => c.done_late,
        "difficulties" => c.difficulties_awaiting,
        _ => 0,
    };
    lines.sort_by_key(|c| std::cmp::Reverse(key(c)));
    let day = iso(as_of);
    let heading = |label: &str, code: &str| {
        html! { th aria-sort=[(sort == code).then_some("descending")] { a href={"/ban-chi-dao?ngay=" (day) "&sap_xep=" (code)} { (label) } } }
    };
    let list = |code: &str, status: Option<&str>| {
        let mut href = format!("/nhiem-vu?ban_chi_dao={}&ngay={}", enc(code), day);
        if let Some(s) = status {
            href.push_str("&trang_thai=");
            href.push_str(s);
        }
        href
    };
    page(
        "Các ban chỉ đạo",
        Some(&u),
        html! {
            h1 { "Tình hình của các ban chỉ đạo" }
            form.filters method="get" action="/ban-chi-dao" {
                label { "Tính đến ngày" (date_input("ngay", &day, false)) }
                button.primary type="submit" { "Xem" }
                a href={"/bao-cao/tai/cac-ban-chi-dao.docx?ngay=" (day)} { "Tải Word" }
                a href={"/bao-cao/tai/cac-ban-chi-dao.xlsx?ngay=" (day)} { "Tải Excel" }
                a href={"/bao-cao/tai/cac-ban-chi-dao.json?ngay=" (day)} { "Tải JSON" }
            }
            p.muted { "Mỗi ban chỉ đạo tính các nhiệm vụ do mình giao. Bấm tên cột để xếp theo cột đó (lớn trước); bấm một số để xem các nhiệm vụ." }
            div.table-wrap {
                table {
                    thead { tr {
                        th { "Ban chỉ đạo" }
                        (heading("Số nhiệm vụ", "tasks"))
                        (heading("Quá hạn chưa hoàn thành", "open_overdue"))
                        (heading("Hoàn thành đúng hạn", "done_on_time"))
                        (heading("Hoàn thành quá hạn", "done_late"))
                        th { "Chỉ tiêu xanh / vàng / đỏ" }
                        (heading("Khó khăn chờ trả lời", "difficulties"))
                        th { "Báo cáo gần nhất" }
                    } }
                    tbody {
                        @for c in &lines {
                            tr {
                                td { (c.name) }
                                td.num { a href=(list(&c.code, None)) { (c.tasks) } }
                                td.num { a href=(list(&c.code, Some("qua_han"))) { (c.open_overdue) } }
                                td.num { a href=(list(&c.code, Some("dung_han"))) { (c.done_on_time) } }
                                td.num { a href=(list(&c.code, Some("tre_han"))) { (c.done_late) } }
                                td.num { (c.indicators.green) " / " (c.indicators.amber) " / " (c.indicators.red) }
                                td.num { (c.difficulties_awaiting) }
                                td { (c.last_activity.map(vn).unwrap_or_else(|| "Chưa có".into())) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}
