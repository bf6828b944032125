//! The task page: every field, each agency's assignment and status as of a date, the deadline
//! history, the reports and their evidence, the difficulties, the history of changes; and the
//! forms of whoever may act on it (an agency's focal point on its own assignments; the standing
//! agency on everything).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use tiendo_domain::access::UserRole;
use tiendo_domain::deadline::{iso, vn};
use tiendo_domain::status::AssignmentState;
use tiendo_store::difficulties::Difficulty;
use tiendo_store::tasks::TaskDetail;

use super::AppState;
use super::auth::{CurrentUser, PageUser};
use super::layout::page;
use super::pages::{action_words, badge, date_or_today, show_iso, status_word, today};

#[derive(Deserialize, Default)]
pub struct TaskQuery {
    ngay: Option<String>,
    /// A message code after a form ("bao-cao", "quyen", …).
    tb: Option<String>,
}

/// May this user see the task? Otherwise it does not exist for them.
pub fn may_see(u: &CurrentUser, t: &TaskDetail) -> bool {
    u.sees_task(t.secret, || {
        u.user
            .agency_id
            .is_some_and(|a| t.assignments.iter().any(|x| x.agency_id == a))
    })
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

/// An audit value (JSON) as "key: value; …", for reading, escaped like everything else.
pub(crate) fn readable(v: Option<&str>) -> String {
    let Some(v) = v else { return String::new() };
    match serde_json::from_str::<serde_json::Value>(v) {
        Ok(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => v.to_string(),
    }
}

fn role_word(role: &str) -> &'static str {
    if role == "lead" {
        "Chủ trì"
    } else {
        "Phối hợp"
    }
}

/// Agencies for a select: (code, name), by name.
pub(crate) fn agency_options(snap: &super::Snapshot) -> Vec<(&String, &String)> {
    let mut v: Vec<(&String, &String)> = snap.agencies.values().map(|(c, n)| (c, n)).collect();
    v.sort_by_cached_key(|a| tiendo_domain::text::sort_key(a.1));
    v
}

/// The difficulties table of a task, with the answer and forward forms for whoever may use them.
fn difficulties_table(
    u: &CurrentUser,
    task: i64,
    list: &[Difficulty],
    agencies: &[(&String, &String)],
) -> Markup {
    let own = u.own_agency();
    html! {
        table {
            thead { tr { th { "Ngày" } th { "Cơ quan nêu" } th { "Nội dung" } th { "Cơ quan xử lý" } th { "Hạn trả lời" } th { "Trả lời" } } }
            tbody {
                @for d in list {
                    @let handles = own.is_some_and(|a| d.handlers.iter().any(|h| h.0 == a));
                    tr {
                        td { (show_iso(Some(&d.raised_on))) }
                        td { (d.agency) }
                        td { (d.text) }
                        td { @if d.handlers.is_empty() { "Cơ quan thường trực" } @else { (d.handler_names().join("; ")) } }
                        td {
                            (show_iso(d.answer_due.as_deref()))
                            @if d.answer_overdue(today()) { br; span.badge.s-open_overdue { "Quá hạn trả lời" } }
                        }
                        td {
                            @if let Some(a) = &d.answer {
                                (a) br; span.muted { "Ngày " (show_iso(d.answered_on.as_deref())) @if let Some(b) = &d.answered_by { " · " (b) } }
                            } @else if u.is_standing() || handles {
                                form method="post" action={"/kho-khan/" (d.id) "/tra-loi"} {
                                    input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(task);
                                    textarea name="answer" rows="2" required maxlength="5000" aria-label="Nội dung trả lời" {}
                                    button.primary type="submit" { "Trả lời" }
                                }
                                @if u.is_standing() {
                                    form method="post" action={"/kho-khan/" (d.id) "/chuyen"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(task);
                                        label { "Chuyển cho "
                                            select name="handler" required {
                                                option value="" { "— chọn cơ quan —" }
                                                @for (code, name) in agencies { option value=(code) { (name) } }
                                            }
                                        }
                                        label { " hạn trả lời " input type="date" name="answer_due" required; }
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
    let Ok(Some(t)) = state.db.task_detail(id).await else {
        return not_found(&u);
    };
    if !may_see(&u, &t) {
        return not_found(&u);
    }
    let as_of = date_or_today(q.ngay.as_deref());
    let snap = state.snapshot().await;
    // Assignments this user may report on: all for the standing agency, its own for a focal point.
    let actable: Vec<_> = t
        .assignments
        .iter()
        .filter(|a| {
            u.is_standing() || (u.role == UserRole::Focal && Some(a.agency_id) == u.user.agency_id)
        })
        .collect();
    let pending = state
        .db
        .pending_deadline_requests(id)
        .await
        .unwrap_or_default();
    let difficulties = state.db.difficulties(Some(id)).await.unwrap_or_default();
    let commitments = state.db.commitments_of_task(id).await.unwrap_or_default();
    let evidence = state.db.evidence_of_task(id).await.unwrap_or_default();
    let to_review = if u.is_standing() {
        state.db.completions_to_review(id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let flash = q.tb.as_deref().and_then(super::actions::message);
    let all_agencies = agency_options(&snap);
    let late: Vec<_> = actable
        .iter()
        .filter(|a| {
            snap.book
                .evaluate_assignment(a.id, as_of)
                .is_some_and(|e| e.state == AssignmentState::OpenOverdue)
        })
        .collect();
    page(
        &format!("Nhiệm vụ {}", t.number),
        Some(&u),
        html! {
            p { a href="/nhiem-vu" { "‹ Danh sách nhiệm vụ" } @if u.is_standing() { " · " a href={"/nhiem-vu/" (t.id) "/sua"} { "Sửa nhiệm vụ" } } }
            @if let Some((msg, ok)) = flash { p class=(if ok { "flash ok" } else { "flash error" }) role="status" { (msg) } }
            h1 { (t.name) }
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
                    dd { @for u in &t.unresolved { (if u.role == "lead" { "Chủ trì: " } else { "Phối hợp: " }) (u.text) br; } }
                }
            }
            h2 { "Phân công, tình trạng tính đến ngày " (vn(as_of)) }
            table {
                thead { tr { th { "Cơ quan" } th { "Vai trò" } th { "Hạn đang áp dụng" } th { "Tình trạng" } th { "Ghi chú" } } }
                tbody {
                    @for a in &t.assignments {
                        @let ev = snap.book.evaluate_assignment(a.id, as_of).filter(|_| snap.book.assignment_in_force(a.id, as_of));
                        tr {
                            td { (a.agency) }
                            td { (role_word(&a.role)) }
                            td { @if let Some(d) = ev.and_then(|e| e.due) { (vn(d)) } }
                            td {
                                @if let Some(e) = ev { (badge(e.state)) @if e.days_late > 0 { " " span.muted { (e.days_late) " ngày" } } }
                                @else { span.muted { "Chưa được giao vào ngày này" } }
                            }
                            td.muted {
                                @if let Some(v) = &a.via_group { "theo nhóm " (v) } @if let Some(x) = &a.unit { " (" (x) ")" }
                                @if let Some(f) = a.assigned_on { " giao từ " (vn(f)) }
                                @if let Some((on, roadmap, _)) = commitments.get(&a.id) { br; "Cam kết hoàn thành " (show_iso(Some(on))) ": " (roadmap) }
                            }
                        }
                    }
                }
            }
            @if !t.ended.is_empty() {
                h2 { "Phân công đã kết thúc" }
                table {
                    thead { tr { th { "Cơ quan" } th { "Vai trò" } th { "Từ ngày" } th { "Đến ngày" } } }
                    tbody { @for a in &t.ended { tr { td { (a.agency) } td { (role_word(&a.role)) } td { @if let Some(f) = a.assigned_on { (vn(f)) } @else { "từ đầu" } } td { (a.removed_on.map(vn).unwrap_or_default()) } } } }
                }
            }
            @if u.is_standing() {
                h2 { "Giao, chuyển giao nhiệm vụ" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/giao"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Giao cho cơ quan"
                        select name="agency" required {
                            option value="" { "— chọn cơ quan —" }
                            @for (code, name) in &all_agencies { option value=(code) { (name) } }
                        }
                    }
                    label { "Vai trò"
                        select name="role" { option value="lead" { "Chủ trì" } option value="coordinator" { "Phối hợp" } }
                    }
                    label { "Thay cho (chuyển giao)"
                        select name="replacing" {
                            option value="" { "— không, giao thêm —" }
                            @for a in &t.assignments { option value=(a.id) { (a.agency) " — " (role_word(&a.role).to_lowercase()) } }
                        }
                    }
                    label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" {} }
                    button.primary type="submit" { "Giao từ hôm nay" }
                }
                @if !t.assignments.is_empty() {
                    form.box method="post" action={"/nhiem-vu/" (t.id) "/ket-thuc-giao"} {
                        input type="hidden" name="csrf" value=(u.csrf);
                        label { "Kết thúc phân công"
                            select name="assignment" { @for a in &t.assignments { option value=(a.id) { (a.agency) " — " (role_word(&a.role).to_lowercase()) } } }
                        }
                        label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" {} }
                        button type="submit" { "Kết thúc từ hôm nay" }
                    }
                }
            }
            @if !actable.is_empty() {
                h2 { "Gửi báo cáo tiến độ" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/bao-cao"} enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &actable { option value=(a.id) { (a.agency) " — " (role_word(&a.role).to_lowercase()) } } }
                    }
                    label { "Tình trạng"
                        select name="status" {
                            option value="in_progress" { "Đang thực hiện" }
                            option value="done" { "Đã hoàn thành" }
                            option value="done_late" { "Đã hoàn thành quá hạn" }
                            option value="not_done" { "Chưa hoàn thành" }
                            option value="" { "Chỉ báo cáo nội dung" }
                        }
                    }
                    label { "Ngày hoàn thành (nếu đã hoàn thành)" input type="date" name="completed_on"; }
                    label.wide { "Kết quả thực hiện" textarea name="text" rows="3" required maxlength="5000" {} }
                    label { "Tệp minh chứng (PDF, Word, Excel, JPG, PNG; tối đa 10 MB)" input type="file" name="evidence" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png"; }
                    button.primary type="submit" { "Gửi báo cáo" }
                }
                @if !late.is_empty() {
                    h2 { "Cam kết hoàn thành" }
                    form.box method="post" action={"/nhiem-vu/" (t.id) "/cam-ket"} {
                        input type="hidden" name="csrf" value=(u.csrf);
                        label { "Phân công quá hạn"
                            select name="assignment" { @for a in &late { option value=(a.id) { (a.agency) } } }
                        }
                        label { "Ngày cam kết hoàn thành" input type="date" name="committed_on" required min=(iso(today())); }
                        label.wide { "Lộ trình thực hiện" textarea name="roadmap" rows="3" required maxlength="5000" {} }
                        button.primary type="submit" { "Gửi cam kết" }
                    }
                }
                h2 { "Đề nghị điều chỉnh thời hạn" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/gia-han"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label { "Phân công"
                        select name="assignment" { @for a in &actable { option value=(a.id) { (a.agency) } } }
                    }
                    label { "Thời hạn đề nghị" input name="deadline" required maxlength="200" placeholder="vd: 30/9/2026 hoặc Quý III/2026"; }
                    label.wide { "Lý do" textarea name="reason" rows="2" required maxlength="5000" {} }
                    button.primary type="submit" { "Gửi đề nghị" }
                }
            }
            @if !to_review.is_empty() {
                h2 { "Báo cáo hoàn thành chờ xác nhận" }
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Nội dung" } th { "Xác nhận" } } }
                    tbody {
                        @for (rid, on, agency, text) in &to_review {
                            tr {
                                td { (show_iso(Some(on))) } td { (agency) } td { (text.as_deref().unwrap_or("")) }
                                td {
                                    form.inline method="post" action={"/bao-cao/" (rid) "/xac-nhan"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Xác nhận hoàn thành" }
                                    }
                                    form method="post" action={"/bao-cao/" (rid) "/tra-lai"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        input name="note" placeholder="Lý do trả lại" aria-label="Lý do trả lại" maxlength="5000";
                                        button type="submit" { "Trả lại" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if u.is_standing() && !pending.is_empty() {
                h2 { "Đề nghị điều chỉnh thời hạn chờ duyệt" }
                table {
                    thead { tr { th { "Cơ quan" } th { "Thời hạn đề nghị" } th { "Lý do" } th { "Người gửi" } th { "Quyết định" } } }
                    tbody {
                        @for (cid, agency, raw, reason, by) in &pending {
                            tr {
                                td { (agency) } td { (raw) } td { (reason) } td { (by) }
                                td {
                                    form.inline method="post" action={"/gia-han/" (cid) "/duyet"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button.primary type="submit" { "Duyệt" }
                                    }
                                    form.inline method="post" action={"/gia-han/" (cid) "/tu-choi"} {
                                        input type="hidden" name="csrf" value=(u.csrf); input type="hidden" name="task" value=(t.id);
                                        button type="submit" { "Từ chối" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Khó khăn, vướng mắc" }
            @if difficulties.is_empty() { p.muted { "Chưa có khó khăn, vướng mắc." } } @else {
                (difficulties_table(&u, t.id, &difficulties, &all_agencies))
            }
            @if u.role == UserRole::Focal && !actable.is_empty() {
                h2 { "Báo khó khăn, vướng mắc" }
                form.box method="post" action={"/nhiem-vu/" (t.id) "/kho-khan"} {
                    input type="hidden" name="csrf" value=(u.csrf);
                    label.wide { "Nội dung" textarea name="text" rows="3" required maxlength="5000" {} }
                    label { "Đề nghị cơ quan xử lý"
                        select name="handler" {
                            option value="" { "Cơ quan thường trực" }
                            @for (code, name) in &all_agencies { option value=(code) { (name) } }
                        }
                    }
                    button.primary type="submit" { "Gửi" }
                }
            }
            h2 { "Lịch sử thời hạn" }
            @if t.changes.is_empty() { p.muted { "Chưa điều chỉnh thời hạn." } } @else {
                table {
                    thead { tr { th { "Hiệu lực từ" } th { "Áp dụng cho" } th { "Thời hạn mới" } th { "Lý do" } th { "Người duyệt" } th { "Kết quả" } } }
                    tbody { @for c in &t.changes { tr { td { (show_iso(Some(&c.effective_on))) } td { (c.agency.as_deref().unwrap_or("Toàn bộ nhiệm vụ")) } td { (c.deadline) } td { (c.reason) } td { (c.approved_by.as_deref().unwrap_or("")) } td { (match c.state.as_str() { "approved" => "Đã duyệt", "requested" => "Chờ duyệt", _ => "Từ chối" }) } } } }
                }
            }
            h2 { "Báo cáo tiến độ" }
            @if t.reports.is_empty() { p.muted { "Chưa có báo cáo." } } @else {
                table {
                    thead { tr { th { "Ngày" } th { "Cơ quan" } th { "Tình trạng báo cáo" } th { "Nội dung" } th { "Cơ quan thường trực" } } }
                    tbody {
                        @for r in &t.reports {
                            tr {
                                td { (show_iso(Some(&r.reported_on))) } td { (r.agency) } td { (status_word(r.status.as_deref())) } td { (r.text.as_deref().unwrap_or("")) }
                                td { @match r.review.as_deref() { Some("confirmed") => { "Đã xác nhận" }, Some("returned") => { "Trả lại: " (r.review_note.as_deref().unwrap_or("")) }, _ => {} } }
                            }
                        }
                    }
                }
            }
            @if !evidence.is_empty() {
                h2 { "Tệp minh chứng" }
                ul { @for (eid, _, name, size) in &evidence { li { a href={"/minh-chung/" (eid)} { (name) } " " span.muted { "(" (size / 1024 + 1) " KB)" } } } }
            }
            h2 { "Lịch sử thay đổi" }
            table {
                thead { tr { th { "Thời điểm" } th { "Người thực hiện" } th { "Việc" } th { "Trước" } th { "Sau" } } }
                tbody { @for h in &t.history { tr { td { (h.at.replace('T', " ").chars().take(19).collect::<String>()) } td { (h.actor) } td { (action_words(&h.action)) } td.muted.small { (readable(h.before.as_deref())) } td.muted.small { (readable(h.after.as_deref())) } } } }
            }
        },
    )
    .into_response()
}
