//! The task page: every field, each agency's assignment and status as of a date, the deadline
//! history, the reports and their evidence, the difficulties, the history of changes; and the
//! forms of whoever may act on it (an agency's focal point on its own assignments; the standing
//! agency on everything).

use crate::words::date_input;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::vn;
use tiendo_domain::model::Role;
use tiendo_domain::status::AssignmentState;

use tiendo_store::difficulties::Difficulty;
use tiendo_store::tasks::{
    AssignmentRow, Commitment, CompletionToReview, DeadlineRequest, EvidenceInfo, TaskDetail,
};
use time::Date;

use super::auth::{CurrentUser, PageUser};
use super::history;
use super::layout::page;
use super::{AppState, Snapshot};
use crate::words::{badge, date_or_today, opt_vn, status_word, today};
use tiendo_service::notices::Notice;

#[derive(Deserialize, Default)]
pub struct TaskQuery {
    ngay: Option<String>,
    /// A message code after a form ("bao-cao", "quyen", …).
    tb: Option<String>,
}

pub fn not_found(u: &CurrentUser) -> Response {
    (
        StatusCode::NOT_FOUND,
        page(
            "Không tìm thấy",
            Some(u),
            html! { h1 { "Không tìm thấy nhiệm vụ" } p { a href="/nhiem-vu" { "Về danh sách nhiệm vụ" } } },
        ),
    )
        .into_response()
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Lead => "Chủ trì",
        Role::Coordinator => "Phối hợp",
    }
}

/// Agencies for a select: (code, name), by name.
/// The agencies a picker offers: those in force today, in Vietnamese order.
pub(crate) fn agency_options(snap: &super::Snapshot) -> Vec<(&String, &String)> {
    let today = today();
    let mut v: Vec<(&String, &String)> = snap
        .agencies
        .values()
        .filter(|a| a.in_force(today))
        .map(|a| (&a.code, &a.name))
        .collect();
    v.sort_by_cached_key(|a| tiendo_domain::text::sort_key(a.1));
    v
}

/// The difficulties table of a task, with the answer and forward forms for whoever may use them.
fn difficulties_table(
    u: &CurrentUser,
    task: i64,
    list: &[Difficulty],
    agencies: &[(&String, &String)],
    typed: Option<&Typed>,
    people: &tiendo_service::people::People,
) -> Markup {
    let own = u.own_agency();
    html! {
        table {
            thead { tr { th { "Ngày" } th { "Cơ quan nêu" } th { "Nội dung" } th { "Cơ quan xử lý" } th { "Hạn trả lời" } th { "Trả lời" } } }
            tbody {
                @for d in list {
                    @let handles = own.is_some_and(|a| d.awaits(a));
                    tr {
                        td { (vn(d.raised_on)) }
                        td { (d.raised_by()) }
                        td { (d.text) }
                        td { (super::difficulties::handlers_cell(d, today())) }
                        td {
                            (opt_vn(d.next_answer_due()))
                            @if d.answer_overdue(today()) { br; span.badge.s-open_overdue { "Quá hạn trả lời" } }
                        }
                        td {
                            @if let Some(a) = &d.answer {
                                (a) br; span.muted { "Ngày " (opt_vn(d.answered_on)) @if let Some(b) = &d.answered_by { " · " (people.name(b)) } }
                            } @else if d.state == "answered" {
                                "Đã trả lời " (opt_vn(d.answered_on))
                            } @else if u.is_standing() || handles {
                                @let a = FormState::of_item("tra-loi-kho-khan", d.id, typed);
                                form method="post" action={"/kho-khan/" (d.id) "/tra-loi"} {
                                    input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(task);
                                    textarea name="answer" rows="2" required maxlength="5000" aria-label="Nội dung trả lời" aria-invalid=[a.invalid("answer")] { (a.value("answer")) }
                                    (a.error_at("answer"))
                                    button.primary type="submit" { "Trả lời" }
                                }
                                @if u.is_standing() {
                                    @let f = FormState::of_item("chuyen", d.id, typed);
                                    form method="post" action={"/kho-khan/" (d.id) "/chuyen"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(task);
                                        label { "Chuyển cho "
                                            select name="handler" required aria-invalid=[f.invalid("handler")] {
                                                option value="" { "— chọn cơ quan —" }
                                                @for (code, name) in agencies { option value=(code) selected[f.chose("handler", code)] { (name) } }
                                            }
                                        }
                                        (f.error_at("handler"))
                                        label { " hạn trả lời " (date_input("answer_due", f.value("answer_due"), true)) }
                                        (f.error_at("answer_due"))
                                        button type="submit" { "Chuyển" }
                                    }
                                }
                            } @else { span.muted { "Chờ trả lời" } }
                        }
                    }
                }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<String>,
    Query(q): Query<TaskQuery>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(&u);
    };
    let as_of = date_or_today(q.ngay.as_deref());
    render(&state, &u, id, as_of, q.tb.as_deref(), None).await
}

/// What a refused form of the task page held (`form`: the action's last segment, "bao-cao",
/// "gia-han", "kho-khan", "cam-ket"): shown again in that form, the message beside the field
/// in error.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    pub form: &'static str,
    /// The row a per-row form belongs to (the report returned, the request refused, the
    /// direction or difficulty answered); `None` for the page's own forms.
    pub item: Option<i64>,
    /// The fields as typed, by name.
    pub values: Vec<(&'static str, String)>,
    /// A file was chosen: it must be chosen again (a browser never refills a file field).
    pub had_file: bool,
    /// Why it was refused.
    pub code: Option<Notice>,
    /// The refusal in words.
    pub message: String,
}

impl Typed {
    /// The field a refusal is about.
    fn field(&self) -> &'static str {
        match (self.form, self.code) {
            ("tra-lai" | "tu-choi", _) => "note",
            ("tra-loi-chi-dao" | "tra-loi-kho-khan", _) => "answer",
            ("chuyen", Some(Notice::AnswerDueInvalid | Notice::CompletionDateInvalid)) => {
                "answer_due"
            }
            ("chuyen", _) => "handler",
            (_, Some(Notice::StatusInvalid)) => "status",
            ("bao-cao", Some(Notice::CompletionDateInvalid)) => "completed_on",
            ("cam-ket", Some(Notice::CommitmentDateInvalid)) => "committed_on",
            ("gia-han", Some(Notice::DeadlineUnreadable)) => "deadline",
            ("gia-han", Some(Notice::ReasonMissing | Notice::Markup)) => "reason",
            ("cam-ket", Some(Notice::TextMissing | Notice::Markup)) => "roadmap",
            ("kho-khan", Some(Notice::AgencyUnknown)) => "handler",
            ("giao", Some(Notice::AgencyUnknown | Notice::AlreadyAssigned)) => "agency",
            ("giao", Some(Notice::RoleInvalid)) => "role",
            ("giao", Some(Notice::AssignmentNotOfTask)) => "replacing",
            ("giao" | "ket-thuc-giao", Some(Notice::ReasonMissing | Notice::Markup)) => "reason",
            ("ket-thuc-giao", Some(Notice::AssignmentNotOfTask)) => "assignment",
            ("chi-dao", Some(Notice::AgencyUnknown)) => "agency",
            ("chi-dao", Some(Notice::DirectionKindMissing)) => "kind",
            ("chi-dao", Some(Notice::AnswerDueInvalid)) => "answer_due",
            (_, Some(Notice::TextMissing | Notice::Markup)) => "text",
            (_, Some(Notice::EvidenceFileRefused)) => "evidence",
            _ => "",
        }
    }
}

/// A form of the task page, with what was typed into it when it was refused.
struct FormState<'a> {
    /// What was typed, when this form was the one refused.
    typed: Option<&'a Typed>,
}

impl FormState<'_> {
    fn of<'t>(form: &'static str, typed: Option<&'t Typed>) -> FormState<'t> {
        FormState {
            typed: typed.filter(|t| t.form == form && t.item.is_none()),
        }
    }

    /// The form of one row (several on the page, one per report, request, direction, difficulty).
    fn of_item<'t>(form: &'static str, item: i64, typed: Option<&'t Typed>) -> FormState<'t> {
        FormState {
            typed: typed.filter(|t| t.form == form && t.item == Some(item)),
        }
    }

    /// The value typed into a field ("" when the form was not refused).
    fn value(&self, name: &str) -> &str {
        self.typed
            .and_then(|t| t.values.iter().find(|(k, _)| *k == name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Was this option the one chosen?
    fn chose(&self, name: &str, v: &str) -> bool {
        self.typed.is_some() && self.value(name) == v
    }

    fn invalid(&self, name: &str) -> Option<&'static str> {
        self.typed
            .is_some_and(|t| t.field() == name)
            .then_some("true")
    }

    /// The refusal beside its field.
    fn error_at(&self, name: &str) -> Markup {
        html! {
            @if let Some(t) = self.typed.filter(|t| t.field() == name) {
                span.field-error role="alert" { (t.message) }
            }
        }
    }
}

/// The task page (its flash message from `tb`), with a refused report's values when given
/// (then answered 422, so the browser keeps the page as the form's answer).
pub(crate) async fn render(
    state: &AppState,
    u: &CurrentUser,
    id: i64,
    as_of: Date,
    tb: Option<&str>,
    typed: Option<Typed>,
) -> Response {
    let Ok(Some((t, access))) = state.task_with_access(u, id).await else {
        return not_found(u);
    };
    // Another committee's task is read as a viewer reads it: no form to act on (the page's
    // header still names the user as they are).
    let signed_in = u;
    let reader;
    let (u, read_only) = if access.acts() {
        (u, false)
    } else {
        let mut v = u.clone();
        v.user.role = UserRole::Viewer;
        reader = v;
        (&reader, true)
    };
    let snap = state.snapshot().await;
    let mut p = TaskPage::read(state, u, &t, &snap, as_of).await;
    let flash = match &typed {
        Some(r) => Some((r.message.clone(), false)),
        None => tb
            .and_then(tiendo_service::notices::message)
            .map(|(m, ok)| (m.to_string(), ok)),
    };
    let refused = typed.is_some();
    p.typed = typed;
    let body = page(
        &format!("Nhiệm vụ {}", t.number),
        Some(signed_in),
        html! {
            p { a href="/nhiem-vu" { "‹ Danh sách nhiệm vụ" } @if u.is_standing() { " · " a href={"/nhiem-vu/" (t.id) "/sua"} { "Sửa nhiệm vụ" } } }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            @if read_only { p.flash.info role="note" { "Nhiệm vụ của " (t.committee) ": bạn chỉ được xem." } }
            h1 { (t.name) }
            (p.fields())
            (p.assignments())
            (p.periodic_reports())
            @if u.is_standing() { (p.standing_forms()) }
            (p.agency_forms())
            (p.completions())
            (p.deadline_requests())
            (p.directions())
            (p.difficulties())
            (p.deadline_history())
            (p.reports())
            (p.evidence())
            (p.history())
        },
    );
    if refused {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    } else {
        body.into_response()
    }
}

/// What the task page shows, read once: the task, what its reader may act on, what waits.
struct TaskPage<'a> {
    u: &'a CurrentUser,
    t: &'a TaskDetail,
    snap: &'a Snapshot,
    as_of: Date,
    agencies: Vec<(&'a String, &'a String)>,
    /// Assignments this user may report on: all for the standing agency, its own for a focal
    /// point.
    actable: Vec<&'a AssignmentRow>,
    /// Of those, the ones overdue on the date (a commitment may be made for them).
    late: Vec<&'a AssignmentRow>,
    pending: Vec<DeadlineRequest>,
    difficulties: Vec<Difficulty>,
    commitments: HashMap<i64, Commitment>,
    evidence: Vec<EvidenceInfo>,
    to_review: Vec<CompletionToReview>,
    /// Leaders' directions and requests for explanation, with the agencies' answers.
    directions: Vec<tiendo_store::directions::DirectionRow>,
    /// Who acted, by name.
    people: tiendo_service::people::People,
    /// A refused form, shown again.
    typed: Option<Typed>,
}

impl<'a> TaskPage<'a> {
    async fn read(
        state: &AppState,
        u: &'a CurrentUser,
        t: &'a TaskDetail,
        snap: &'a Snapshot,
        as_of: Date,
    ) -> TaskPage<'a> {
        let id = t.id;
        let actable: Vec<&AssignmentRow> = t
            .assignments
            .iter()
            .filter(|a| {
                u.is_standing() || (u.role == UserRole::Focal && Some(a.agency_id) == u.agency_id)
            })
            .collect();
        let late = actable
            .iter()
            .copied()
            .filter(|a| {
                snap.book
                    .evaluate_assignment(a.id, as_of)
                    .is_some_and(|e| e.state == AssignmentState::OpenOverdue)
            })
            .collect();
        let records = state.task_records(u, id).await;
        TaskPage {
            u,
            t,
            snap,
            as_of,
            agencies: agency_options(snap),
            actable,
            late,
            pending: records.pending,
            difficulties: records.difficulties,
            commitments: records.commitments,
            evidence: records.evidence,
            to_review: records.to_review,
            directions: records.directions,
            people: records.people,
            typed: None,
        }
    }

    /// Every field of the task as the document wrote it.
    fn fields(&self) -> Markup {
        let t = self.t;
        html! {
            dl.fields {
                dt { "Số thứ tự" } dd { (t.number) }
                dt { "Văn bản, phụ lục" } dd { (t.document.as_deref().unwrap_or("")) }
                dt { "Mục" } dd { (t.headings.join(" › ")) }
                dt { "Cơ quan chủ trì (như văn bản)" } dd { (t.lead_raw.as_deref().unwrap_or("")) }
                dt { "Cơ quan phối hợp (như văn bản)" } dd { (t.coordinators_raw.as_deref().unwrap_or("")) }
                dt { "Kết quả, sản phẩm" } dd { (t.expected_result.as_deref().unwrap_or("")) }
                dt { "Thời hạn" } dd { (t.deadline_raw) @if let Some(d) = t.due_on { " (" (vn(d)) ")" } @if let Some(n) = &t.deadline_note { br; span.muted { (n) } } }
                dt { "Căn cứ giao" } dd { (t.basis.as_deref().unwrap_or("")) }
                dt { "Lãnh đạo phụ trách" } dd { (t.overseer.as_deref().unwrap_or("")) }
                dt { "Ban chỉ đạo" } dd { (t.committee) }
                @if t.secret { dt { "Độ mật" } dd { "Mật" } }
                @for (k, v) in &t.extra { dt { (k) } dd { (v) } }
                @if !t.unresolved.is_empty() {
                    dt { "Chưa xác định được cơ quan" }
                    dd { @for u in &t.unresolved { (role_word(u.role)) ": " (u.text) br; } }
                }
        }
        }
    }

    /// Each assignment with its due date and state on the page's date; the ended ones.
    fn assignments(&self) -> Markup {
        let t = self.t;
        html! {
            h2 { "Phân công, tình trạng tính đến ngày " (vn(self.as_of)) }
            table {
                thead { tr { th { "Cơ quan" } th { "Vai trò" } th { "Hạn đang áp dụng" } th { "Tình trạng" } th { "Ghi chú" } } }
                tbody {
                    @for a in &t.assignments {
                        @let ev = self.snap.book.evaluate_assignment(a.id, self.as_of).filter(|_| self.snap.book.assignment_in_force(a.id, self.as_of));
                        tr {
                            td { (a.agency) }
                            td { (role_word(a.role)) }
                            td { @if let Some(d) = ev.and_then(|e| e.due) { (vn(d)) } }
                            td {
                                @if let Some(e) = ev {
                                    (badge(e.state)) @if e.days_late > 0 { " " span.muted { (e.days_late) " ngày" } }
                                    @if let Some(by) = e.done_by { " " span.muted { "(trước ngày " (vn(by)) ")" } }
                                }
                                @else { span.muted { "Chưa được giao vào ngày này" } }
                            }
                            td.muted {
                                @if let Some(v) = a.via_group_name.as_ref().or(a.via_group.as_ref()) { "theo nhóm “" (v) "”" } @if let Some(x) = &a.unit { " (" (x) ")" }
                                @if let Some(f) = a.assigned_on { " giao từ " (vn(f)) }
                                @if let Some(c) = self.commitments.get(&a.id) { br; "Cam kết hoàn thành " (vn(c.committed_on)) ": " (c.roadmap) }
                            }
                        }
                    }
                }
        }
        @if !t.ended.is_empty() {
            h2 { "Phân công đã kết thúc" }
            table {
                thead { tr { th { "Cơ quan" } th { "Vai trò" } th { "Từ ngày" } th { "Đến ngày" } } }
                tbody { @for a in &t.ended { tr { td { (a.agency) } td { (role_word(a.role)) } td { @if let Some(f) = a.assigned_on { (vn(f)) } @else { "từ đầu" } } td { (a.removed_on.map(vn).unwrap_or_default()) } } } }
            }
        }
        }
    }

    /// The periodic reports each recurring lead assignment owes: the latest periods up to the
    /// page's date and the next one, each with how it was reported.
    fn periodic_reports(&self) -> Markup {
        const SHOWN: usize = 12;
        let rows: Vec<_> = self
            .t
            .assignments
            .iter()
            .filter(|a| a.role == Role::Lead)
            .filter_map(|a| {
                let until = self.as_of + time::Duration::days(366);
                let (rec, occ) = self.snap.book.occurrences(a.id, self.as_of, until)?;
                let upto = occ
                    .iter()
                    .position(|o| o.due >= self.as_of)
                    .map(|p| p + 1)
                    .unwrap_or(occ.len());
                let shown = &occ[upto.saturating_sub(SHOWN + 1)..upto];
                Some((a, rec, upto - shown.len(), shown.to_vec()))
            })
            .collect();
        html! {
            @if let Some((_, rec, _, _)) = rows.first() {
                h2 { "Báo cáo định kỳ (nhiệm vụ thường xuyên)" }
                p.muted { "Lịch báo cáo: " (rec.vietnamese()) ". Mỗi kỳ tính từ kỳ đầy đủ đầu tiên sau ngày nhiệm vụ được ghi nhận; báo cáo gửi sau hạn (trong nửa kỳ tiếp theo) là báo cáo muộn của kỳ đó." }
                table.periodic {
                    thead { tr { th { "Cơ quan" } th { "Hạn kỳ báo cáo" } th { "Tình trạng" } th { "Ngày báo cáo" } } }
                    tbody {
                        @for (a, _, hidden, occ) in &rows {
                            @if occ.is_empty() {
                                tr { td { (a.agency) } td colspan="3" { span.muted { "Chưa có kỳ báo cáo nào đến hạn." } } }
                            }
                            @for (i, o) in occ.iter().enumerate() {
                                tr {
                                    td { @if i == 0 { (a.agency) @if *hidden > 0 { br; span.muted { "(" (hidden) " kỳ trước không hiển thị)" } } } }
                                    td { (vn(o.due)) }
                                    td {
                                        span class={"badge o-" (o.state.as_key())} { (o.state.vietnamese()) }
                                        @if o.days_late > 0 { " " span.muted { (o.days_late) " ngày" } }
                                    }
                                    td { (opt_vn(o.reported_on)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The standing agency's forms: assign, reassign, end an assignment.
    fn standing_forms(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        html! {
            @if u.is_standing() {
                h2 { "Giao, chuyển giao nhiệm vụ" }
                @let g = FormState::of("giao", self.typed.as_ref());
                form.box #giao method="post" action={"/nhiem-vu/" (t.id) "/giao"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Giao cho cơ quan"
                        select name="agency" required aria-invalid=[g.invalid("agency")] {
                            option value="" { "— chọn cơ quan —" }
                            @for (code, name) in &self.agencies { option value=(code) selected[g.chose("agency", code)] { (name) } }
                        }
                        (g.error_at("agency"))
                    }
                    label { "Vai trò"
                        select name="role" aria-invalid=[g.invalid("role")] { option value="lead" selected[g.chose("role", "lead")] { "Chủ trì" } option value="coordinator" selected[g.chose("role", "coordinator")] { "Phối hợp" } }
                        (g.error_at("role"))
                    }
                    label { "Thay cho (chuyển giao)"
                        select name="replacing" aria-invalid=[g.invalid("replacing")] {
                            option value="" { "— không, giao thêm —" }
                            @for a in &t.assignments { option value=(a.id) selected[g.chose("replacing", &a.id.to_string())] { (a.agency) " — " (role_word(a.role).to_lowercase()) } }
                        }
                        (g.error_at("replacing"))
                    }
                    label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" aria-invalid=[g.invalid("reason")] { (g.value("reason")) } (g.error_at("reason")) }
                    button.primary type="submit" { "Giao từ hôm nay" }
                }
                @if !t.assignments.is_empty() {
                    @let k = FormState::of("ket-thuc-giao", self.typed.as_ref());
                    form.box #ket-thuc-giao method="post" action={"/nhiem-vu/" (t.id) "/ket-thuc-giao"} {
                        input type="hidden" name="csrf" value=(u.csrf);
                        label { "Kết thúc phân công"
                            select name="assignment" aria-invalid=[k.invalid("assignment")] { @for a in &t.assignments { option value=(a.id) selected[k.chose("assignment", &a.id.to_string())] { (a.agency) " — " (role_word(a.role).to_lowercase()) } } }
                            (k.error_at("assignment"))
                        }
                        label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" aria-invalid=[k.invalid("reason")] { (k.value("reason")) } (k.error_at("reason")) }
                        button type="submit" { "Kết thúc từ hôm nay" }
                    }
                }
        }
        }
    }

    /// The forms of whoever may report on an assignment: a report, a commitment for a late one, a deadline request.
    fn agency_forms(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        html! {
            @if !self.actable.is_empty() {
                h2 { "Gửi báo cáo tiến độ" }
                @let r = FormState::of("bao-cao", self.typed.as_ref());
                form.box #bao-cao method="post" action={"/nhiem-vu/" (t.id) "/bao-cao"} enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &self.actable { option value=(a.id) selected[r.chose("assignment", &a.id.to_string())] { (a.agency) " — " (role_word(a.role).to_lowercase()) } } }
                    }
                    label { "Tình trạng"
                        select name="status" aria-invalid=[r.invalid("status")] {
                            @for (v, l) in [("in_progress", "Đang thực hiện"), ("done", "Đã hoàn thành"), ("done_late", "Đã hoàn thành quá hạn"), ("not_done", "Chưa hoàn thành"), ("", "Chỉ báo cáo nội dung")] {
                                option value=(v) selected[r.chose("status", v)] { (l) }
                            }
                        }
                        (r.error_at("status"))
                    }
                    label { "Ngày hoàn thành (nếu đã hoàn thành)" (date_input("completed_on", r.value("completed_on"), false)) (r.error_at("completed_on")) }
                    label.wide { "Kết quả thực hiện" textarea name="text" rows="3" required maxlength="5000" aria-invalid=[r.invalid("text")] { (r.value("text")) } (r.error_at("text")) }
                    label { "Tệp minh chứng (PDF, Word, Excel, JPG, PNG; tối đa 10 MB)" input type="file" name="evidence" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png";
                        @if r.typed.is_some_and(|t| t.had_file) { span.field-error role="alert" { (if r.invalid("evidence").is_some() { "Tệp này không dùng được; " } else { "" }) "hãy chọn lại tệp minh chứng (trình duyệt không giữ tệp đã chọn khi gửi lại)." } }
                        @else { (r.error_at("evidence")) }
                    }
                    button.primary type="submit" { "Gửi báo cáo" }
                }
                @if !self.late.is_empty() {
                    h2 { "Cam kết hoàn thành" }
                    @let c = FormState::of("cam-ket", self.typed.as_ref());
                    form.box #cam-ket method="post" action={"/nhiem-vu/" (t.id) "/cam-ket"} {
                        input type="hidden" name="csrf" value=(u.csrf);
                        label { "Phân công quá hạn"
                            select name="assignment" { @for a in &self.late { option value=(a.id) selected[c.chose("assignment", &a.id.to_string())] { (a.agency) } } }
                        }
                        label { "Ngày cam kết hoàn thành" (date_input("committed_on", c.value("committed_on"), true)) (c.error_at("committed_on")) }
                        label.wide { "Lộ trình thực hiện" textarea name="roadmap" rows="3" required maxlength="5000" aria-invalid=[c.invalid("roadmap")] { (c.value("roadmap")) } (c.error_at("roadmap")) }
                        button.primary type="submit" { "Gửi cam kết" }
                    }
                }
                h2 { "Đề nghị điều chỉnh thời hạn" }
                @let g = FormState::of("gia-han", self.typed.as_ref());
                form.box #gia-han method="post" action={"/nhiem-vu/" (t.id) "/gia-han"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &self.actable { option value=(a.id) selected[g.chose("assignment", &a.id.to_string())] { (a.agency) } } }
                    }
                    label { "Thời hạn đề nghị" input name="deadline" required maxlength="200" placeholder="vd: 30/9/2026 hoặc Quý III/2026" value=(g.value("deadline")) aria-invalid=[g.invalid("deadline")]; (g.error_at("deadline")) }
                    label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" aria-invalid=[g.invalid("reason")] { (g.value("reason")) } (g.error_at("reason")) }
                    button.primary type="submit" { "Gửi đề nghị" }
                }
        }
        }
    }

    /// Reported completions waiting for the standing agency.
    fn completions(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        html! {
            @if !self.to_review.is_empty() {
                h2 { "Báo cáo hoàn thành chờ xác nhận" }
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Nội dung" } th { "Xác nhận" } } }
                    tbody {
                        @for c in &self.to_review {
                            tr {
                                td { (vn(c.reported_on)) } td { (c.agency) } td { (c.text.as_deref().unwrap_or("")) }
                                td {
                                    form.inline method="post" action={"/bao-cao/" (c.id) "/xac-nhan"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Xác nhận hoàn thành" }
                                    }
                                    @let r = FormState::of_item("tra-lai", c.id, self.typed.as_ref());
                                    form method="post" action={"/bao-cao/" (c.id) "/tra-lai"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        input name="note" placeholder="Lý do trả lại" aria-label="Lý do trả lại" maxlength="5000" value=(r.value("note")) aria-invalid=[r.invalid("note")];
                                        (r.error_at("note"))
                                        button type="submit" { "Trả lại" }
                                    }
                                }
                            }
                        }
                    }
                }
        }
        }
    }

    /// Deadline requests waiting for the standing agency.
    fn deadline_requests(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        html! {
            @if u.is_standing() && !self.pending.is_empty() {
                h2 { "Đề nghị điều chỉnh thời hạn chờ duyệt" }
                table {
                    thead { tr { th { "Cơ quan" } th { "Thời hạn đề nghị" } th { "Lý do" } th { "Người gửi" } th { "Quyết định" } } }
                    tbody {
                        @for r in &self.pending {
                            tr {
                                td { (r.agency) } td { (r.deadline) } td { (r.reason) } td { (self.people.name(&r.created_by)) }
                                td {
                                    form.inline method="post" action={"/gia-han/" (r.id) "/duyet"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Duyệt" }
                                    }
                                    @let x = FormState::of_item("tu-choi", r.id, self.typed.as_ref());
                                    form.inline.refuse method="post" action={"/gia-han/" (r.id) "/tu-choi"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        label { "Lý do không chấp thuận" input type="text" name="note" required maxlength="5000" value=(x.value("note")) aria-invalid=[x.invalid("note")]; }
                                        (x.error_at("note"))
                                        button type="submit" { "Từ chối" }
                                    }
                                }
                            }
                        }
                    }
                }
        }
        }
    }

    /// Leaders' directions and requests for explanation: each with its agency's answer, the
    /// answer form for that agency, and the form a leader gives one with.
    fn directions(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        let may_give = u.role == UserRole::Leader || u.is_standing();
        let may_answer = |agency: i64| u.is_standing() || u.own_agency() == Some(agency);
        html! {
            @if !self.directions.is_empty() || may_give {
                h2 #chi-dao { "Ý kiến chỉ đạo, yêu cầu giải trình" }
            }
            @if !self.directions.is_empty() {
                table.directions {
                    thead { tr { th { "Ngày" } th { "Loại" } th { "Người cho ý kiến" } th { "Gửi cơ quan" } th { "Nội dung" } th { "Hạn trả lời" } th { "Trả lời của cơ quan" } } }
                    tbody {
                        @for d in &self.directions {
                            tr {
                                td { (opt_vn(d.given_on)) }
                                td { (d.kind.vietnamese()) }
                                td { (self.people.name(&d.given_by)) }
                                td { (d.agency) }
                                td { (d.text) }
                                td { (opt_vn(d.answer_due)) @if d.answer.is_none() && d.answer_due.is_some_and(|x| x < today()) { br; span.error { "Quá hạn trả lời" } } }
                                td {
                                    @if let Some(a) = &d.answer { (a) br; span.muted.small { (d.answered_by.as_deref().map(|b| self.people.name(b)).unwrap_or("")) ", " (opt_vn(d.answered_on)) } }
                                    @else if may_answer(d.agency_id) {
                                        @let a = FormState::of_item("tra-loi-chi-dao", d.id, self.typed.as_ref());
                                        form.answer method="post" action={"/chi-dao/" (d.id) "/tra-loi"} {
                                            input type="hidden" name="csrf" value=(u.csrf);
                                            input type="hidden" name="task" value=(t.id);
                                            label { (if d.kind == tiendo_domain::reminders::DirectionKind::Explanation { "Nội dung giải trình" } else { "Trả lời, kết quả triển khai" })
                                                textarea name="answer" rows="2" required maxlength="5000" aria-invalid=[a.invalid("answer")] { (a.value("answer")) } }
                                            (a.error_at("answer"))
                                            button.primary type="submit" { "Gửi trả lời" }
                                        }
                                    } @else { span.muted { "Chưa trả lời" } }
                                }
                            }
                        }
                    }
                }
            }
            @if may_give && !t.assignments.is_empty() {
                @let c = FormState::of("chi-dao", self.typed.as_ref());
                form.box #cho-y-kien method="post" action={"/nhiem-vu/" (t.id) "/chi-dao"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Loại"
                        select name="kind" aria-invalid=[c.invalid("kind")] {
                            option value="direction" selected[c.chose("kind", "direction")] { "Ý kiến chỉ đạo" }
                            option value="explanation" selected[c.chose("kind", "explanation")] { "Yêu cầu giải trình" }
                        }
                        (c.error_at("kind"))
                    }
                    label { "Gửi cơ quan"
                        select name="agency" aria-invalid=[c.invalid("agency")] {
                            option value="" { "Tất cả cơ quan được giao" }
                            @for a in &t.assignments {
                                @let code = self.snap.agencies.get(&a.agency_id).map(|x| x.code.as_str()).unwrap_or("");
                                option value=(code) selected[c.chose("agency", code)] { (a.agency) " — " (role_word(a.role).to_lowercase()) }
                            }
                        }
                        (c.error_at("agency"))
                    }
                    label { "Hạn trả lời (giải trình: mặc định 7 ngày)" (date_input("answer_due", c.value("answer_due"), false)) (c.error_at("answer_due")) }
                    label.wide { "Nội dung" textarea name="text" rows="3" required maxlength="5000" aria-invalid=[c.invalid("text")] { (c.value("text")) } (c.error_at("text")) }
                    button.primary type="submit" { "Gửi" }
                }
            }
        }
    }

    /// The task's difficulties, and the form an agency raises one with.
    fn difficulties(&self) -> Markup {
        let (u, t) = (self.u, self.t);
        html! {
            h2 { "Khó khăn, vướng mắc" }
            @if self.difficulties.is_empty() { p.muted { "Chưa có khó khăn, vướng mắc." } } @else {
                (difficulties_table(u, t.id, &self.difficulties, &self.agencies, self.typed.as_ref(), &self.people))
        }
        @if u.role == UserRole::Focal && !self.actable.is_empty() {
            h2 { "Báo khó khăn, vướng mắc" }
            @let k = FormState::of("kho-khan", self.typed.as_ref());
            form.box #kho-khan method="post" action={"/nhiem-vu/" (t.id) "/kho-khan"} {
                input type="hidden" name="csrf" value=(u.csrf);
                label.wide { "Nội dung" textarea name="text" rows="3" required maxlength="5000" aria-invalid=[k.invalid("text")] { (k.value("text")) } (k.error_at("text")) }
                label { "Đề nghị cơ quan xử lý"
                    select name="handler" aria-invalid=[k.invalid("handler")] {
                        option value="" { "Cơ quan thường trực" }
                        @for (code, name) in &self.agencies { option value=(code) selected[k.chose("handler", code)] { (name) } }
                    }
                    (k.error_at("handler"))
                }
                button.primary type="submit" { "Gửi" }
            }
        }
        }
    }

    /// Every deadline change.
    fn deadline_history(&self) -> Markup {
        let t = self.t;
        html! {
            h2 { "Lịch sử thời hạn" }
            @if t.changes.is_empty() { p.muted { "Chưa điều chỉnh thời hạn." } } @else {
                table {
                    thead { tr { th { "Hiệu lực từ" } th { "Áp dụng cho" } th { "Thời hạn mới" } th { "Lý do" } th { "Người duyệt" } th { "Kết quả" } } }
                    tbody { @for c in &t.changes { tr { td { (vn(c.effective_on)) } td { (c.agency.as_deref().unwrap_or("Toàn bộ nhiệm vụ")) } td { (c.deadline) } td { (c.reason) } td { (c.approved_by.as_deref().unwrap_or("")) } td { (match c.state.as_str() { "approved" => "Đã duyệt", "requested" => "Chờ duyệt", _ => "Không chấp thuận" }) @if let Some(n) = &c.decision_note { br; span.muted { "Lý do: " (n) } } } } } }
                }
        }
        }
    }

    /// The progress reports, newest first.
    fn reports(&self) -> Markup {
        let t = self.t;
        html! {
            h2 { "Báo cáo tiến độ" }
            @if t.reports.is_empty() { p.muted { "Chưa có báo cáo." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Tình trạng báo cáo" } th { "Nội dung" } th { "Cơ quan thường trực" } } }
                    tbody {
                        @for r in &t.reports {
                            tr {
                                td { (vn(r.reported_on)) } td { (r.agency) } td { (status_word(r.status.as_deref())) } td { (r.text.as_deref().unwrap_or("")) }
                                td { @match r.review.as_deref() { Some("confirmed") => { "Đã xác nhận" }, Some("returned") => { "Trả lại: " (r.review_note.as_deref().unwrap_or("")) }, _ => {} } }
                            }
                        }
                    }
                }
        }
        }
    }

    /// The evidence files.
    fn evidence(&self) -> Markup {
        html! {
            @if !self.evidence.is_empty() {
                h2 { "Tệp minh chứng" }
                ul { @for e in &self.evidence { li { a href={"/minh-chung/" (e.id)} { (e.file_name) } " " span.muted { "(" (e.size_bytes / 1024 + 1) " KB)" } } } }
        }
        }
    }

    /// The audit history of the task, in sentences.
    fn history(&self) -> Markup {
        let t = self.t;
        let agency_of = |id: i64| {
            t.assignments
                .iter()
                .chain(&t.ended)
                .find(|a| a.id == id)
                .map(|a| a.agency.clone())
        };
        html! {
            h2 { "Lịch sử thay đổi" }
            table.history {
                thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Nội dung" } } }
                tbody { @for h in &t.history { tr { td.when { (history::when(&h.at)) } td { (self.people.name(&h.actor)) } td { (history::sentence(h, &agency_of)) } } } }
            }
        }
    }
}

/// Downloads an evidence file, for whoever may see its task; never shown inline.
pub async fn evidence(
    State(state): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Không tìm thấy").into_response();
    let Ok(Some(file)) = state.evidence_file_for(&u, id).await else {
        return not_found();
    };
    let encoded = crate::words::percent_encode(&file.file_name, b".-_");
    (
        [
            (axum::http::header::CONTENT_TYPE, file.content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{encoded}"),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
        ],
        file.content,
    )
        .into_response()
}
