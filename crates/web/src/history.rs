//! The audit log in Vietnamese sentences: "Bộ Y tế báo cáo: Đang thực hiện, kèm tệp bc.pdf",
//! at "29/11/2026 14:05" (Vietnam's time), instead of the stored codes and JSON. Every value the
//! log holds is still shown: what has no sentence of its own is listed field by field under
//! Vietnamese names, dates written dd/mm/yyyy.

use serde_json::{Map, Value};
use tiendo_domain::deadline::{parse_user_date, vn};
use tiendo_store::audit::AuditEntry;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use tiendo_domain::audit::AuditAction;

use crate::words::status_word;

/// Vietnam's offset from UTC (no summer time).
const VIETNAM: i8 = 7;

/// When a change was made, in Vietnam's time: `29/11/2026 14:05`. The stored text when it cannot
/// be read.
pub fn when(at: &str) -> String {
    let Ok(t) = OffsetDateTime::parse(at, &Rfc3339) else {
        return at.to_string();
    };
    let Ok(offset) = UtcOffset::from_hms(VIETNAM, 0, 0) else {
        return at.to_string();
    };
    let t = t.to_offset(offset);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// Who made a change: the account's name, or the command line, or the system itself.
/// What one audit row recorded, read for its sentence.
struct Recorded<'a> {
    before: Map<String, Value>,
    after: Map<String, Value>,
    agency_of: &'a dyn Fn(i64) -> Option<String>,
}

impl Recorded<'_> {
    /// A text value after the change, trimmed; `None` when absent or empty.
    fn text(&self, k: &str) -> Option<String> {
        text_of(&self.after, k)
    }

    /// A text value after the change, or nothing.
    fn said(&self, k: &str) -> String {
        self.text(k).unwrap_or_default()
    }

    /// A date after the change, as people write it.
    fn date(&self, k: &str) -> Option<String> {
        self.text(k).map(|d| shown_date(&d))
    }

    /// `prefix` and the date under `k`, or nothing.
    fn dated(&self, prefix: &str, k: &str) -> String {
        self.date(k)
            .map(|d| format!("{prefix}{d}"))
            .unwrap_or_default()
    }

    /// The agency of the assignment the change names.
    fn agency(&self) -> Option<String> {
        self.after
            .get("assignment")
            .and_then(Value::as_i64)
            .map(|id| (self.agency_of)(id).unwrap_or_else(|| format!("Phân công số {id}")))
    }

    fn agency_or_any(&self) -> String {
        self.agency().unwrap_or_else(|| "Cơ quan".into())
    }

    /// ". Lý do: …" when a reason was given.
    fn reason(&self) -> String {
        self.text("reason")
            .map(|r| format!(". Lý do: {r}"))
            .unwrap_or_default()
    }
}

fn text_of(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The change as one sentence. `agency_of` names the agency of an assignment id (the log keeps
/// the id only).
pub fn sentence(e: &AuditEntry, agency_of: &dyn Fn(i64) -> Option<String>) -> String {
    let r = Recorded {
        before: object(e.before.as_deref()),
        after: object(e.after.as_deref()),
        agency_of,
    };
    let Some(action) = e.kind() else {
        // A code this version does not know (written by a later one): shown as stored.
        return fields_after(&e.action, &r.after);
    };
    use AuditAction::*;
    match action {
        ReportAdded => report_added(&r),
        ReportConfirmed => "Cơ quan thường trực xác nhận báo cáo hoàn thành".into(),
        ReportReturned => match r.text("note") {
            Some(n) => format!("Cơ quan thường trực trả lại báo cáo hoàn thành. Lý do: {n}"),
            None => "Cơ quan thường trực trả lại báo cáo hoàn thành".into(),
        },
        CommitmentAdded => commitment_added(&r),
        DeadlineRequested => format!(
            "{} đề nghị điều chỉnh thời hạn thành “{}”{}",
            r.agency_or_any(),
            r.said("deadline"),
            r.reason()
        ),
        DeadlineApproved => "Đồng ý đề nghị điều chỉnh thời hạn".into(),
        DeadlineRefused => format!("Không đồng ý đề nghị điều chỉnh thời hạn{}", r.reason()),
        DeadlineChanged => deadline_changed(&r),
        DirectionGiven => direction_given("Ý kiến chỉ đạo gửi", &r),
        ExplanationRequested => direction_given("Yêu cầu giải trình gửi", &r),
        DirectionAnswered => direction_answered("trả lời ý kiến chỉ đạo", &r),
        ExplanationGiven => direction_answered("giải trình", &r),
        DifficultyRaised => format!("Nêu khó khăn, vướng mắc: “{}”", r.said("text")),
        DifficultyAnswered => format!("Trả lời khó khăn, vướng mắc: “{}”", r.said("answer")),
        DifficultyForwarded => format!(
            "Chuyển khó khăn, vướng mắc đến {}{}",
            r.after.get("handlers").map(shown).unwrap_or_default(),
            r.dated(", hạn trả lời ", "answer_due")
        ),
        AssignmentAdded => format!(
            "Giao {} ({}){}{}",
            r.said("agency"),
            role_word(r.text("role").as_deref()),
            r.dated(" từ ngày ", "from"),
            r.reason()
        ),
        AssignmentRemoved => format!(
            "Kết thúc phân công {} ({}){}{}",
            text_of(&r.before, "agency").unwrap_or_default(),
            role_word(text_of(&r.before, "role").as_deref()),
            r.dated(" từ ngày ", "removed_on"),
            r.reason()
        ),
        TaskCreated => task_created(&r),
        TaskUpdated => edited("Cập nhật từ tệp", &r),
        TaskEdited | AgencyEdited | UserRoleChanged | UserCommitteeChanged | SigningSet => {
            edited(action.words(), &r)
        }
        AssignmentLinked
        | DifficultyImported
        | AgencyAdded
        | AgencyAliasAdded
        | AgencyLinked
        | DocumentImported
        | DocumentGenerated
        | UserCreated
        | UserPasswordChanged
        | UserPasswordReset
        | UserDisabled
        | UserEnabled
        | UserEmail
        | UserHeadsAgency
        | UserReminders
        | ApiTokenCreated
        | ApiTokenRevoked
        | CommitteeAdded
        | MeetingAdded
        | MeetingDocumentLinked
        | FormulaPublished
        | IndicatorCreated
        | IndicatorValue
        | IndicatorConfirmed
        | IndicatorReturned
        | IndicatorTarget
        | IndicatorLife
        | IndicatorLinked
        | IndicatorUnlinked
        | WebhookSubscribed
        | WebhookUnsubscribed => fields_after(action.words(), &r.after),
    }
}

fn report_added(r: &Recorded<'_>) -> String {
    let who = r.agency_or_any();
    let status = status_word(r.after.get("status").and_then(Value::as_str));
    let mut s = if status.is_empty() {
        format!("{who} báo cáo tiến độ")
    } else {
        format!("{who} báo cáo: {status}")
    };
    if let Some(f) = r.text("evidence") {
        s.push_str(&format!(", kèm tệp {f}"));
    }
    if let Some(d) = r.date("reported_on") {
        s.push_str(&format!(" (ngày báo cáo {d})"));
    }
    s
}

fn commitment_added(r: &Recorded<'_>) -> String {
    let mut s = format!(
        "{} cam kết hoàn thành trước ngày {}",
        r.agency_or_any(),
        r.date("committed_on").unwrap_or_default()
    );
    if let Some(roadmap) = r.text("roadmap") {
        s.push_str(&format!(". Lộ trình: {roadmap}"));
    }
    s
}

fn deadline_changed(r: &Recorded<'_>) -> String {
    let whose = r.agency().map(|a| format!(" của {a}")).unwrap_or_default();
    format!(
        "Điều chỉnh thời hạn{whose} thành “{}”{}{}",
        r.said("deadline"),
        r.dated(" từ ngày ", "effective_on"),
        r.reason()
    )
}

/// A leader's direction or request (`what` says which) to the agencies it names.
fn direction_given(what: &str, r: &Recorded<'_>) -> String {
    format!(
        "{what} {}{}: “{}”",
        r.after.get("agencies").map(shown).unwrap_or_default(),
        r.dated(", hạn trả lời ", "answer_due"),
        r.said("text")
    )
}

/// The agency's answer to a direction or request (`verb` says which).
fn direction_answered(verb: &str, r: &Recorded<'_>) -> String {
    format!(
        "{} {verb}: “{}”",
        r.text("agency").unwrap_or_else(|| "Cơ quan".into()),
        r.said("answer")
    )
}

fn task_created(r: &Recorded<'_>) -> String {
    let mut s = String::from("Tạo nhiệm vụ");
    if let Some(n) = r.text("number") {
        s.push_str(&format!(" số {n}"));
    }
    if let Some(f) = r.text("file") {
        s.push_str(&format!(" từ tệp {f}"));
    }
    s
}

/// An edit: each changed field, under its name.
fn edited(head: &str, r: &Recorded<'_>) -> String {
    let changes = differences(&r.before, &r.after);
    if changes.is_empty() {
        format!("{head}: không thay đổi nội dung")
    } else {
        format!("{head}: {}", changes.join("; "))
    }
}

/// The change's name, then every value it recorded, field by field.
fn fields_after(head: &str, after: &Map<String, Value>) -> String {
    let mut s = head.to_string();
    let fields = listed(after);
    if !fields.is_empty() {
        s.push_str(": ");
        s.push_str(&fields.join("; "));
    }
    s
}

fn object(v: Option<&str>) -> Map<String, Value> {
    match v.map(serde_json::from_str::<Value>) {
        Some(Ok(Value::Object(m))) => m,
        Some(Ok(other)) => Map::from_iter([("value".to_string(), other)]),
        Some(Err(_)) => {
            Map::from_iter([("value".to_string(), Value::String(v.unwrap_or("").into()))])
        }
        None => Map::new(),
    }
}

fn role_word(role: Option<&str>) -> &'static str {
    match role {
        Some("lead") => "chủ trì",
        Some("coordinator") => "phối hợp",
        _ => "vai trò không ghi",
    }
}

/// A stored value as read: dates dd/mm/yyyy, yes/no, lists joined; nothing dropped.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "(trống)".into(),
        Value::Bool(true) => "có".into(),
        Value::Bool(false) => "không".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => "(trống)".into(),
        Value::String(s) => shown_date(s),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(m) => listed(m).join("; "),
    }
}

/// `2026-03-31` as `31/03/2026`, the log's codes in words; any other text as it is.
fn shown_date(s: &str) -> String {
    let t = s.trim();
    if t.len() == 10
        && t.as_bytes().get(4) == Some(&b'-')
        && let Some(d) = parse_user_date(t)
    {
        return vn(d);
    }
    match t {
        "lead" => "chủ trì".into(),
        "coordinator" => "phối hợp".into(),
        "higher" => "càng cao càng tốt".into(),
        "lower" => "càng thấp càng tốt".into(),
        "requested" => "chờ xử lý".into(),
        "approved" => "đã đồng ý".into(),
        "refused" => "không đồng ý".into(),
        other => match tiendo_domain::access::UserRole::parse(other) {
            Some(role) => role.name().to_string(),
            None => s.to_string(),
        },
    }
}

/// The Vietnamese name of a field the log stores.
fn field_name(k: &str) -> &str {
    match k {
        "name" => "Tên",
        "number" => "Số thứ tự",
        "place" => "Địa danh",
        "symbol" => "Ký hiệu văn bản",
        "authority" => "Quyền hạn ký",
        "signer_title" => "Chức vụ người ký",
        "signer_name" => "Người ký",
        "recipients" => "Nơi nhận",
        "expected_result" => "Kết quả, sản phẩm",
        "basis" => "Căn cứ giao",
        "overseer" => "Lãnh đạo phụ trách",
        "secret" => "Mật",
        "deadline" => "Thời hạn",
        "headings" => "Mục",
        "lead" => "Cơ quan chủ trì",
        "coordinators" => "Cơ quan phối hợp",
        "file" => "Tệp",
        "tasks" => "Số nhiệm vụ",
        "agency" => "Cơ quan",
        "agency_id" => "Mã số cơ quan",
        "role" => "Vai trò",
        "short" => "Tên viết tắt",
        "kind" => "Loại",
        "valid_from" => "Hiệu lực từ",
        "valid_to" => "Hiệu lực đến",
        "head_title" => "Chức danh người đứng đầu",
        "head_name" => "Người đứng đầu",
        "code" => "Mã",
        "alias" => "Tên gọi khác",
        "username" => "Tài khoản",
        "email" => "Thư điện tử",
        "channel" => "Kênh nhận",
        "frequency" => "Tần suất",
        "via" => "Qua",
        "tokens" => "Số mã truy cập",
        "held_on" => "Ngày họp",
        "documents" | "document" => "Văn bản",
        "from" => "Từ",
        "text" => "Nội dung",
        "handlers" => "Cơ quan xử lý",
        "raised_by_as_written" => "Cơ quan nêu (chưa xác định trong danh mục)",
        "committee" => "Ban chỉ đạo",
        "source" => "Nguồn",
        "answer" => "Trả lời",
        "answer_due" => "Hạn trả lời",
        "agencies" => "Các cơ quan",
        "note" => "Ghi chú",
        "reason" => "Lý do",
        "as_of" => "Số liệu ngày",
        "raw" => "Giá trị (như văn bản)",
        "period" => "Kỳ",
        "direction" => "Chiều đánh giá",
        "indicator" => "Chỉ tiêu",
        "value" => "Giá trị",
        "updated" => "Cập nhật",
        "difficulty" => "Khó khăn số",
        "report" => "Báo cáo số",
        "change" => "Đề nghị số",
        "state" => "Trạng thái",
        "assignment" => "Phân công số",
        other => other,
    }
}

/// Every field of an object: "Tên: giá trị".
fn listed(m: &Map<String, Value>) -> Vec<String> {
    m.iter()
        .map(|(k, v)| format!("{}: {}", field_name(k), shown(v)))
        .collect()
}

/// The fields that changed: "Thời hạn: “Quý I/2026” → “30/6/2026”".
fn differences(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<String> {
    let mut keys: Vec<&String> = after.keys().collect();
    keys.extend(before.keys().filter(|k| !after.contains_key(*k)));
    keys.into_iter()
        .filter_map(|k| {
            let old = before.get(k).unwrap_or(&Value::Null);
            let new = after.get(k).unwrap_or(&Value::Null);
            (old != new).then(|| format!("{}: “{}” → “{}”", field_name(k), shown(old), shown(new)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, before: Option<&str>, after: Option<&str>) -> AuditEntry {
        AuditEntry {
            at: "2026-11-29T07:05:12Z".into(),
            actor: "dm.byt".into(),
            action: action.into(),
            entity: "task".into(),
            entity_id: Some(1),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        }
    }

    fn agencies(id: i64) -> Option<String> {
        (id == 328).then(|| "Bộ Y tế".to_string())
    }

    #[test]
    fn a_report_reads_as_the_agency_saying_what_it_did() {
        let e = entry(
            "report.added",
            None,
            Some(
                r#"{"assignment":328,"status":"in_progress","reported_on":"2026-11-29","evidence":"bc.pdf"}"#,
            ),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Bộ Y tế báo cáo: Đang thực hiện, kèm tệp bc.pdf (ngày báo cáo 29/11/2026)"
        );
        assert_eq!(when(&e.at), "29/11/2026 14:05", "Vietnam's time, UTC+7");
        let unknown = entry(
            "report.added",
            None,
            Some(r#"{"assignment":9,"status":null,"reported_on":"2026-11-29","evidence":null}"#),
        );
        assert_eq!(
            sentence(&unknown, &agencies),
            "Phân công số 9 báo cáo tiến độ (ngày báo cáo 29/11/2026)"
        );
    }

    #[test]
    fn edits_list_each_changed_field_under_its_name() {
        let e = entry(
            "task.updated",
            Some(r#"{"name":"A","deadline":"Quý I/2026","secret":false,"headings":["I"]}"#),
            Some(r#"{"name":"A","deadline":"30/6/2026","secret":true,"headings":["I","1"]}"#),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Cập nhật từ tệp: Thời hạn: “Quý I/2026” → “30/6/2026”; Mục: “I” → “I, 1”; Mật: “không” → “có”"
        );
    }

    #[test]
    fn the_other_changes_keep_every_value_with_vietnamese_names_and_dates() {
        let e = entry(
            "assignment.removed",
            Some(r#"{"agency":"Bộ Tài chính","role":"lead"}"#),
            Some(r#"{"removed_on":"2026-04-01","reason":"Chuyển giao"}"#),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Kết thúc phân công Bộ Tài chính (chủ trì) từ ngày 01/04/2026. Lý do: Chuyển giao"
        );
        let e = entry(
            "indicator.life",
            None,
            Some(r#"{"valid_from":"2026-01-01","valid_to":null,"direction":"higher"}"#),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Đặt thời gian áp dụng chỉ tiêu: Chiều đánh giá: càng cao càng tốt; Hiệu lực từ: 01/01/2026; Hiệu lực đến: (trống)"
        );
        let e = entry(
            "deadline.requested",
            None,
            Some(r#"{"assignment":328,"deadline":"Quý III/2026","reason":"Chờ thẩm định"}"#),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Bộ Y tế đề nghị điều chỉnh thời hạn thành “Quý III/2026”. Lý do: Chờ thẩm định"
        );
        let e = entry(
            "user.created",
            None,
            Some(r#"{"agency":"BTP","role":"focal","username":"dau-moi-btp"}"#),
        );
        assert_eq!(
            sentence(&e, &agencies),
            "Tạo tài khoản: Cơ quan: BTP; Vai trò: Đầu mối cơ quan; Tài khoản: dau-moi-btp"
        );
        let broken = entry("user.created", None, Some("not json"));
        assert!(
            sentence(&broken, &agencies).ends_with("Giá trị: not json"),
            "text that is not JSON is shown as it is"
        );
    }

    #[test]
    fn every_kind_of_change_reads_in_words_and_an_unknown_one_as_stored() {
        for action in AuditAction::ALL {
            let e = entry(action.code(), None, Some(r#"{"agency":"Bộ Y tế"}"#));
            let said = sentence(&e, &agencies);
            assert!(
                !said.contains(action.code()) && !said.is_empty(),
                "{action}: {said}"
            );
        }
        let later = entry("report.withdrawn", None, Some(r#"{"agency":"Bộ Y tế"}"#));
        assert_eq!(
            sentence(&later, &agencies),
            "report.withdrawn: Cơ quan: Bộ Y tế"
        );
    }
}
