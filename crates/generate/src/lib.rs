//! A synthetic but realistic data set: agencies from the registry, group assignments expanded to
//! their members, every deadline form, reports spread over time, some extensions.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tiendo_domain::agency::{AgencyKind, Registry};
use tiendo_domain::deadline::{DeadlineContext, DeadlineKind, parse_deadline};
use tiendo_domain::model::{ReportedStatus, Role};
use tiendo_store::bulk::{
    GenAssignment, GenChange, GenCommitment, GenDifficulty, GenReport, GenTask, Generated,
};
use time::{Date, Duration, Month};

const SECTIONS: &[&str] = &[
    "HOÀN THIỆN THỂ CHẾ, PHÁP LUẬT, CƠ CHẾ CHÍNH SÁCH",
    "PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO",
    "CHUYỂN ĐỔI SỐ QUỐC GIA - KIẾN TRÚC, NỀN TẢNG, DỊCH VỤ SỐ",
    "PHÁT TRIỂN DỮ LIỆU, ĐỊNH DANH, TRIỂN KHAI ĐỀ ÁN 06",
    "BẢO ĐẢM AN NINH, AN TOÀN THÔNG TIN, DỮ LIỆU SỐ",
    "CẢI CÁCH HÀNH CHÍNH, THỦ TỤC HÀNH CHÍNH, DỊCH VỤ CÔNG TRỰC TUYẾN",
    "ĐÀO TẠO BỒI DƯỠNG, PHÁT TRIỂN NHÂN LỰC, KỸ NĂNG SỐ",
    "TRUYỀN THÔNG, TUYÊN TRUYỀN, TẠO ĐỒNG THUẬN XÃ HỘI",
];
const VERBS: &[&str] = &[
    "Xây dựng, trình Thủ tướng Chính phủ",
    "Hoàn thành",
    "Triển khai",
    "Nghiên cứu, đề xuất",
    "Rà soát, sửa đổi, bổ sung",
    "Đôn đốc, hướng dẫn",
    "Tổ chức đánh giá",
    "Kết nối, chia sẻ",
];
const OBJECTS: &[&str] = &[
    "Đề án",
    "Nghị định",
    "cơ sở dữ liệu quốc gia",
    "nền tảng số dùng chung",
    "hệ thống thông tin",
    "Kế hoạch",
    "bộ chỉ số",
    "quy chuẩn kỹ thuật",
    "dịch vụ công trực tuyến toàn trình",
];
const TOPICS: &[&str] = &[
    "về chuyển đổi số",
    "về đất đai",
    "về dân cư",
    "về y tế",
    "về giáo dục",
    "về an ninh mạng",
    "về dữ liệu",
    "về trí tuệ nhân tạo",
    "về thủ tục hành chính",
    "về hạ tầng số",
    "về tài sản công",
    "về VNeID",
];

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), d)
        .unwrap_or(Date::MIN)
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.random_range(0..v.len())]
}

/// A deadline as a document would write it, around 2025–2027.
fn written_deadline(rng: &mut StdRng) -> String {
    let y = rng.random_range(2025..=2027);
    let m: u8 = rng.random_range(1..=12);
    let d = rng.random_range(1..=28);
    match rng.random_range(0..100) {
        0..35 => format!("{d}/{m}/{y}"),
        35..45 => format!("Trong tháng {m}/{y}"),
        45..50 => format!("Tháng {m:02}/{y}"),
        50..68 => format!(
            "Quý {}/{y}",
            ["I", "II", "III", "IV"][rng.random_range(0..4)]
        ),
        68..76 => format!("Trong năm {y}"),
        76..88 => "Thường xuyên".to_string(),
        88..93 => "Theo tiến độ hoàn thành các cơ sở dữ liệu".to_string(),
        93..97 => format!("Trước ngày {d}/{m}/{y}"),
        _ => format!("trong tháng {m} năm {y}"),
    }
}

/// The day the generated data describes, and the first day of its plan.
const TODAY: (i32, u8, u8) = (2026, 11, 20);
const START: (i32, u8, u8) = (2025, 1, 1);

/// The agencies tasks are drawn from, by kind.
struct Pools {
    ministries: Vec<String>,
    provinces: Vec<String>,
    corporations: Vec<String>,
}

impl Pools {
    fn of(reg: &Registry, on: Date) -> Pools {
        let codes = |keep: &dyn Fn(&tiendo_domain::agency::AgencyRecord) -> bool| -> Vec<String> {
            reg.agencies()
                .iter()
                .filter(|a| keep(a))
                .map(|a| a.code.clone())
                .collect()
        };
        Pools {
            ministries: codes(&|a| {
                a.valid_on(on)
                    && matches!(
                        a.kind,
                        AgencyKind::Ministry
                            | AgencyKind::MinistryLevel
                            | AgencyKind::GovernmentAgency
                    )
            }),
            provinces: codes(&|a| a.valid_on(on) && a.kind.is_local()),
            corporations: codes(&|a| a.kind == AgencyKind::Corporation),
        }
    }
}

const GROUPS: [(&str, &str); 3] = [
    ("G_DIA_PHUONG", "Các địa phương"),
    ("G_BO_NGANH_DP", "Các bộ, ngành, địa phương"),
    ("G_BO_NGANH", "Các bộ, ngành"),
];

/// A task's lead agencies (with the group they came through) and the lead as written.
type Leads = (Vec<(String, Option<String>)>, String);

struct Generator<'a> {
    reg: &'a Registry,
    rng: StdRng,
    pools: Pools,
    on: Date,
    today: Date,
    start: Date,
    reports_per_assignment: f64,
    g: Generated,
}

pub fn generate(reg: &Registry, tasks: usize, seed: u64, reports_per_assignment: f64) -> Generated {
    let on = day(2026, 1, 1);
    let mut generator = Generator {
        reg,
        rng: StdRng::seed_from_u64(seed),
        pools: Pools::of(reg, on),
        on,
        today: day(TODAY.0, TODAY.1, TODAY.2),
        start: day(START.0, START.1, START.2),
        reports_per_assignment,
        g: Generated {
            doc_key: format!("generated-seed-{seed}-{tasks}"),
            title: format!("Dữ liệu sinh (seed {seed}, {tasks} nhiệm vụ)"),
            tasks: Vec::with_capacity(tasks),
            assignments: Vec::with_capacity(tasks * 11),
            reports: Vec::with_capacity((tasks as f64 * 11.0 * reports_per_assignment) as usize),
            changes: Vec::new(),
            difficulties: Vec::new(),
            commitments: Vec::new(),
            recorded_on: day(START.0, START.1, START.2),
        },
    };
    for i in 0..tasks {
        generator.task(i, tasks);
    }
    generator.g
}

impl Generator<'_> {
    fn name_of(&self, code: &str) -> String {
        self.reg
            .agency(code)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    }

    /// Task `i` of `tasks`, its assignments and what happened to them.
    fn task(&mut self, i: usize, tasks: usize) {
        let section = SECTIONS[(i * SECTIONS.len()) / tasks.max(1)];
        let name = format!(
            "{} {} {} (số {})",
            pick(&mut self.rng, VERBS),
            pick(&mut self.rng, OBJECTS),
            pick(&mut self.rng, TOPICS),
            i + 1
        );
        let written = written_deadline(&mut self.rng);
        let deadline = parse_deadline(&written, DeadlineContext::default());
        let span = (self.today - self.start).whole_days();
        let assigned_on = self.start + Duration::days(self.rng.random_range(0..span.max(1) / 2));
        let (leads, lead_raw) = self.leads();
        let coordinators = self.coordinators(&leads);
        self.g.tasks.push(GenTask {
            number: (i + 1).to_string(),
            name,
            headings: vec![section.to_string()],
            deadline_raw: deadline.raw.clone(),
            kind: deadline.kind,
            due: deadline.due,
            lead_raw,
            // One task in ten comes from one of fifty meeting conclusion notices.
            notice: self
                .rng
                .random_bool(0.1)
                .then(|| format!("{}/TB-VPCP", 101 + self.rng.random_range(0..50))),
        });
        let effective_due = self.maybe_extend(i, deadline.due);
        let raiser = leads.first().map(|l| l.0.clone());
        self.maybe_difficulty(i, raiser, assigned_on);
        let roles = leads
            .into_iter()
            .map(|(c, via)| (c, Role::Lead, via))
            .chain(
                coordinators
                    .into_iter()
                    .map(|c| (c, Role::Coordinator, None)),
            );
        for (code, role, via) in roles {
            let a = self.g.assignments.len();
            self.g.assignments.push(GenAssignment {
                task: i,
                agency_code: code,
                role,
                via_group: via,
            });
            self.reports(a, role, assigned_on, effective_due);
        }
    }

    /// One agency (most tasks), two ministries, or a group's members.
    fn leads(&mut self) -> Leads {
        let mut leads: Vec<(String, Option<String>)> = Vec::new();
        let lead_raw;
        match self.rng.random_range(0..100) {
            0..70 => {
                let code = match self.rng.random_range(0..10) {
                    0..6 => pick(&mut self.rng, &self.pools.ministries).clone(),
                    6..9 => pick(&mut self.rng, &self.pools.provinces).clone(),
                    _ => pick(&mut self.rng, &self.pools.corporations).clone(),
                };
                lead_raw = self.name_of(&code);
                leads.push((code, None));
            }
            70..78 => {
                let ministries = &self.pools.ministries;
                let a = pick(&mut self.rng, ministries).clone();
                let mut b = pick(&mut self.rng, ministries).clone();
                if b == a {
                    b = ministries[(ministries.iter().position(|x| *x == a).unwrap_or(0) + 1)
                        % ministries.len()]
                    .clone();
                }
                lead_raw = format!("{}, {}", self.name_of(&a), self.name_of(&b));
                leads.push((a, None));
                leads.push((b, None));
            }
            r => {
                let (code, label) = match r {
                    78..88 => GROUPS[0],
                    88..93 => GROUPS[1],
                    _ => GROUPS[2],
                };
                lead_raw = label.to_string();
                for m in self.reg.members(code, self.on) {
                    leads.push((m.code.clone(), Some(code.to_string())));
                }
            }
        }
        (leads, lead_raw)
    }

    /// Up to three coordinating ministries, none of them a lead.
    fn coordinators(&mut self, leads: &[(String, Option<String>)]) -> Vec<String> {
        let mut coordinators: Vec<String> = Vec::new();
        for _ in 0..self.rng.random_range(0..=3) {
            let c = pick(&mut self.rng, &self.pools.ministries).clone();
            if !leads.iter().any(|l| l.0 == c) && !coordinators.contains(&c) {
                coordinators.push(c);
            }
        }
        coordinators
    }

    /// Some deadlines are extended: approved shortly before (or after) the original date.
    /// Returns the deadline in force in the end.
    fn maybe_extend(&mut self, task: usize, due: Option<Date>) -> Option<Date> {
        let due = due?;
        if !self.rng.random_bool(0.05) {
            return Some(due);
        }
        let effective_on = due + Duration::days(self.rng.random_range(-20..10));
        let new_due = due + Duration::days(self.rng.random_range(30..120));
        self.g.changes.push(GenChange {
            task,
            effective_on,
            kind: DeadlineKind::Date,
            due: Some(new_due),
            raw: tiendo_domain::deadline::vn(new_due),
        });
        Some(new_due)
    }

    /// A few tasks meet a difficulty, raised by a lead agency and answered (or not) later.
    fn maybe_difficulty(&mut self, task: usize, raiser: Option<String>, assigned_on: Date) {
        let hit = self.rng.random_bool(0.03);
        let Some(raiser) = raiser.filter(|_| hit) else {
            return;
        };
        let today = self.today;
        let raised_on = assigned_on + Duration::days(self.rng.random_range(5..120));
        let answer_due = raised_on + Duration::days(15);
        let answered_on = (raised_on + Duration::days(self.rng.random_range(1..30)))
            .min(today)
            .max(raised_on);
        let handler = self
            .rng
            .random_bool(0.7)
            .then(|| pick(&mut self.rng, &self.pools.ministries).clone());
        let text = format!(
            "Vướng mắc {} (nhiệm vụ {})",
            pick(&mut self.rng, TOPICS),
            task + 1
        );
        let answered = self.rng.random_bool(0.75) && answered_on < today;
        self.g.difficulties.push(GenDifficulty {
            task,
            raiser,
            handler,
            text,
            raised_on,
            answer_due,
            answered_on: answered.then_some(answered_on),
        });
    }

    /// Reports on assignment `a`: progress along the way, and for most a completion around the
    /// due date; some late lead agencies commit to a new completion date.
    fn reports(&mut self, a: usize, role: Role, assigned_on: Date, effective_due: Option<Date>) {
        let per = self.reports_per_assignment;
        let n =
            per.floor() as usize + usize::from(self.rng.random_bool(per.fract().clamp(0.0, 1.0)));
        if n == 0 {
            return;
        }
        let completes = self.rng.random_bool(0.6);
        if role == Role::Lead
            && let Some(due) = effective_due
            && self.rng.random_bool(0.04)
        {
            let made_on = due + Duration::days(self.rng.random_range(5..40));
            if made_on < self.today {
                self.g.commitments.push(GenCommitment {
                    assignment: a,
                    committed_on: made_on + Duration::days(self.rng.random_range(15..75)),
                    made_on,
                    roadmap: "Hoàn thiện hồ sơ, trình cấp có thẩm quyền (dữ liệu sinh)".into(),
                });
            }
        }
        let finish = match effective_due {
            Some(d) => d + Duration::days(self.rng.random_range(-60..45)),
            None => assigned_on + Duration::days(self.rng.random_range(30..400)),
        };
        let last = if finish < assigned_on {
            assigned_on + Duration::days(1)
        } else {
            finish
        };
        let window = (last - assigned_on).whole_days().max(n as i64);
        for k in 0..n {
            let on_day = assigned_on + Duration::days(window * (k as i64 + 1) / n as i64);
            let is_last = k + 1 == n;
            let status = if is_last && completes {
                ReportedStatus::Done
            } else if self.rng.random_bool(0.1) {
                ReportedStatus::NotDone
            } else {
                ReportedStatus::InProgress
            };
            self.g.reports.push(GenReport {
                assignment: a,
                on: on_day,
                status,
                text: format!("Báo cáo tiến độ lần {}", k + 1),
            });
        }
    }
}

/// The coordinating agencies of each generated task, by their official names.
fn coordinator_names(reg: &Registry, g: &Generated) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new(); g.tasks.len()];
    for a in &g.assignments {
        if a.role == Role::Coordinator
            && let (Some(list), Some(agency)) = (out.get_mut(a.task), reg.agency(&a.agency_code))
        {
            list.push(agency.name.clone());
        }
    }
    out
}

/// A generated plan as the committee writes its appendices in Word: a title, the task table
/// (TT | Tên nhiệm vụ | Chủ trì | Phối hợp | Kết quả | Thời hạn | Căn cứ giao) and a section row
/// above each group of tasks. `tiendo import` reads it back like a real appendix.
pub fn appendix_docx(reg: &Registry, tasks: usize, seed: u64) -> anyhow::Result<Vec<u8>> {
    use tiendo_office::writer::{Row, table_docx};
    let g = generate(reg, tasks, seed, 0.0);
    let coordinators = coordinator_names(reg, &g);
    let mut rows = Vec::new();
    let mut section = String::new();
    let mut numeral = 0;
    for (t, coordinators) in g.tasks.iter().zip(coordinators) {
        if t.headings[0] != section {
            section = t.headings[0].clone();
            numeral += 1;
            // As in the committee's appendices: the numeral in the TT column, the section's
            // name in the next, the rest of the row empty.
            rows.push(Row::Cells(vec![roman(numeral).into(), section.clone()]));
        }
        let basis = match &t.notice {
            Some(notice) => format!("Thông báo số {notice}"),
            None => "Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ".into(),
        };
        rows.push(Row::Cells(vec![
            format!("{}.", t.number),
            t.name.clone(),
            t.lead_raw.clone(),
            coordinators.join(", "),
            "Quyết định của Thủ tướng Chính phủ".into(),
            t.deadline_raw.clone(),
            basis,
        ]));
    }
    Ok(table_docx(
        &[
            "Phụ lục".into(),
            "DANH MỤC NHIỆM VỤ (dữ liệu minh họa sinh tự động)".into(),
        ],
        &[
            "TT",
            "Tên nhiệm vụ",
            "Chủ trì",
            "Phối hợp",
            "Kết quả",
            "Thời hạn",
            "Căn cứ giao",
        ],
        &rows,
    )?)
}

/// A generated conclusion notice in prose, as the committee writes one: letterhead, sections,
/// and one bullet per task ("- Giao Bộ X chủ trì, phối hợp với Bộ Y …, hoàn thành …"), for the
/// benchmark of the prose reader at the size of a long letter.
pub fn notice_text(reg: &Registry, tasks: usize, seed: u64) -> String {
    let g = generate(reg, tasks, seed, 0.0);
    let coordinators = coordinator_names(reg, &g);
    let mut out = String::from(
        "VĂN PHÒNG CHÍNH PHỦ\nSố: 999/TB-VPCP\nHà Nội, ngày 20 tháng 11 năm 2025\nTHÔNG BÁO\nKết luận của Ban Chỉ đạo (dữ liệu sinh)\nIII. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM\n",
    );
    let mut section = String::new();
    let mut numeral = 0;
    for (t, coordinators) in g.tasks.iter().zip(coordinators) {
        if t.headings[0] != section {
            section = t.headings[0].clone();
            numeral += 1;
            out.push_str(&format!("{numeral}. Về {}\n", section.to_lowercase()));
        }
        let with = if coordinators.is_empty() {
            String::new()
        } else {
            format!(", phối hợp với {}", coordinators.join(", "))
        };
        let deadline = match t.kind {
            DeadlineKind::Recurring => "nhiệm vụ thường xuyên".to_string(),
            DeadlineKind::Conditional => String::new(),
            _ => format!("hoàn thành {}", t.deadline_raw.to_lowercase()),
        };
        let sep = if deadline.is_empty() { "" } else { ", " };
        out.push_str(&format!(
            "- Giao {} chủ trì{with} {}{sep}{deadline}.\n",
            t.lead_raw,
            t.name.to_lowercase()
        ));
    }
    out.push_str("Văn phòng Chính phủ trân trọng thông báo để các cơ quan biết, thực hiện./.\nNơi nhận:\n- Như trên;\n");
    out
}

/// A generated letter of the standing agency as its text copy gives it (tabs between cells): a
/// body asking for commitments, Phụ lục I a difficulty table (an agency's row, then its other
/// difficulties on continuation rows), Phụ lục II the overdue list of `tasks` tasks under
/// "Nhóm n - … (k nhiệm vụ)" group rows with "Đơn vị chưa hoàn thành" — for the benchmark of a
/// whole document.
pub fn letter_with_appendices(reg: &Registry, tasks: usize, seed: u64) -> String {
    let g = generate(reg, tasks, seed, 0.0);
    let name = |code: &str| {
        reg.agency(code)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = String::from(
        "BỘ CÔNG AN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 9999/BCA-VPB\tHà Nội, ngày 10 tháng 11 năm 2025\n\n\
         V/v đôn đốc thực hiện nhiệm vụ (dữ liệu sinh)\n\
         Đề nghị các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ gửi văn bản cam kết tiến độ đối với các nhiệm vụ chậm tiến độ tại Phụ lục II về Bộ Công an trước ngày 25/11/2025.\n\
         Trân trọng./.\nNơi nhận:\n- Như trên;\n\n\
         PHỤ LỤC I\nTỔNG HỢP KHÓ KHĂN, VƯỚNG MẮC\n\
         STT\tTên bộ, ngành\tKhó khăn, vướng mắc\tĐơn vị xử lý khó khăn, vướng mắc\n",
    );
    let mut by_raiser: Vec<&GenDifficulty> = g.difficulties.iter().collect();
    by_raiser.sort_by(|a, b| a.raiser.cmp(&b.raiser));
    let mut last = String::new();
    let mut n = 0;
    for d in by_raiser {
        let handler = d.handler.as_deref().map(name).unwrap_or_default();
        if d.raiser == last {
            out.push_str(&format!(
                "\t\t{} (nhiệm vụ {})\t{handler}\n",
                d.text,
                d.task + 1
            ));
        } else {
            n += 1;
            last = d.raiser.clone();
            out.push_str(&format!(
                "{n}\t{}\t{} (nhiệm vụ {})\t{handler}\n",
                name(&d.raiser),
                d.text,
                d.task + 1
            ));
        }
    }
    out.push_str(
        "\nPHỤ LỤC II\nDANH MỤC NHIỆM VỤ CHẬM TIẾN ĐỘ (Dữ liệu tính đến ngày 07/11/2025)\n\
         TT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn\tĐơn vị chưa hoàn thành\n",
    );
    let mut groups: Vec<(String, Vec<&GenTask>)> = Vec::new();
    for t in &g.tasks {
        match groups.last_mut() {
            Some((h, v)) if *h == t.headings[0] => v.push(t),
            _ => groups.push((t.headings[0].clone(), vec![t])),
        }
    }
    for (i, (heading, list)) in groups.iter().enumerate() {
        out.push_str(&format!(
            "{}\tNhóm {} - {} ({} nhiệm vụ)\t\t\t\n",
            i + 1,
            i + 1,
            heading,
            list.len()
        ));
        for t in list {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                t.number, t.name, t.lead_raw, t.deadline_raw, t.lead_raw
            ));
        }
    }
    out
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("X")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data_and_every_form() {
        let reg = Registry::default_registry().expect("registry");
        let a = generate(&reg, 300, 7, 2.0);
        let b = generate(&reg, 300, 7, 2.0);
        assert_eq!(a.tasks.len(), 300);
        assert_eq!(a.assignments.len(), b.assignments.len());
        assert_eq!(
            a.tasks
                .iter()
                .map(|t| t.deadline_raw.clone())
                .collect::<Vec<_>>(),
            b.tasks
                .iter()
                .map(|t| t.deadline_raw.clone())
                .collect::<Vec<_>>()
        );
        for k in [
            DeadlineKind::Date,
            DeadlineKind::Month,
            DeadlineKind::Quarter,
            DeadlineKind::Year,
            DeadlineKind::Recurring,
            DeadlineKind::Conditional,
        ] {
            assert!(a.tasks.iter().any(|t| t.kind == k), "{k:?} generated");
        }
        assert!(
            a.assignments.iter().any(|x| x.via_group.is_some()),
            "group assignments"
        );
        let ratio = a.assignments.len() as f64 / 300.0;
        assert!(
            (6.0..16.0).contains(&ratio),
            "about ten assignments per task, got {ratio}"
        );
        assert!(a.reports.iter().all(|r| r.assignment < a.assignments.len()));
    }
}
