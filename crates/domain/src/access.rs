//! Who a user is to the committee, and the one rule of which tasks each role sees.

use std::fmt;

/// A user's role. Stored and typed on the command line by its code (`admin`, `standing`,
/// `leader`, `focal`, `viewer`); shown to people by its Vietnamese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserRole {
    /// Administers accounts and the registry; sees and does everything the standing agency does.
    Admin,
    /// The committee's standing agency: confirms, decides, imports, edits.
    Standing,
    /// A leader of the committee: reads everything but secret tasks.
    Leader,
    /// An assigned agency's focal point: reports on its own agency's assignments.
    Focal,
    /// Reads everything but secret tasks.
    Viewer,
}

impl UserRole {
    pub const ALL: [UserRole; 5] = [
        UserRole::Admin,
        UserRole::Standing,
        UserRole::Leader,
        UserRole::Focal,
        UserRole::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Standing => "standing",
            UserRole::Leader => "leader",
            UserRole::Focal => "focal",
            UserRole::Viewer => "viewer",
        }
    }

    /// The role a code names; `None` for anything else.
    pub fn parse(code: &str) -> Option<UserRole> {
        UserRole::ALL.into_iter().find(|r| r.code() == code.trim())
    }

    /// The role's name in the application's words.
    pub fn name(self) -> &'static str {
        match self {
            UserRole::Admin => "Quản trị",
            UserRole::Standing => "Cơ quan thường trực",
            UserRole::Leader => "Lãnh đạo",
            UserRole::Focal => "Đầu mối cơ quan",
            UserRole::Viewer => "Người xem",
        }
    }

    /// The standing agency's powers: administrators have them too.
    pub fn is_standing(self) -> bool {
        matches!(self, UserRole::Admin | UserRole::Standing)
    }

    /// The one rule of who sees a task: the standing agency and administrators every task; an
    /// agency's focal point the tasks its agency is assigned; leaders and viewers all but secret
    /// ones. `assigned` tells whether the user's own agency is assigned the task.
    pub fn sees_task(self, secret: bool, assigned: impl FnOnce() -> bool) -> bool {
        match self {
            UserRole::Admin | UserRole::Standing => true,
            UserRole::Focal => assigned(),
            UserRole::Leader | UserRole::Viewer => !secret,
        }
    }
}

/// How far a user reaches into one task: the one rule of visibility across committees, applied
/// by every list, page, report, inbox and e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Not shown anywhere, not even by id.
    Hidden,
    /// Another committee's task, read by the Government committee's officers (the national view,
    /// a drill-down): shown when asked for that committee, never in their own lists.
    Overseen,
    /// Another committee's task assigned to the user's province or one of its agencies: in the
    /// user's lists, read-only.
    Received,
    /// The user's own committee's task (or its own agency's assignment): acted on as the role
    /// allows.
    Own,
}

impl Access {
    /// Shown by id (its page, the API).
    pub fn sees(self) -> bool {
        self != Access::Hidden
    }

    /// In the user's own lists, counts and reminders.
    pub fn listed(self) -> bool {
        matches!(self, Access::Received | Access::Own)
    }

    /// Acted on (reports, decisions, edits), as far as the role allows.
    pub fn acts(self) -> bool {
        self == Access::Own
    }
}

/// A user as the visibility rule reads them: role, committee, and the agency a focal point
/// speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub role: UserRole,
    pub committee: i64,
    /// The user's committee is the Government's (the national view reads every committee).
    pub national: bool,
    /// The agency a focal point speaks for.
    pub agency: Option<i64>,
}

/// What the rule needs of one task: whose committee's it is and whether it is secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskScope {
    pub committee: i64,
    pub secret: bool,
}

impl Reader {
    /// The committee of whoever runs the installation (the command line): every committee's
    /// work is its own. No stored account has it.
    pub const EVERY_COMMITTEE: i64 = 0;

    /// The one rule of who sees a task, across committees:
    /// - the user's own committee's task: by role ([`UserRole::sees_task`]), acted on;
    /// - another committee's task assigned to a focal point's own agency: acted on (the agency
    ///   reports on its assignment wherever it came from);
    /// - another committee's task, not secret, assigned to the user's province or one of its
    ///   agencies: read-only, in the user's lists;
    /// - another committee's task, not secret, read by the Government committee's officers (not
    ///   its focal points): read-only, only when that committee is asked for;
    /// - anything else: hidden.
    ///
    /// `own_agency_assigned`: the focal point's agency is assigned the task;
    /// `province_assigned`: the user's province, or an agency of the user's committee, is.
    pub fn access(
        &self,
        task: TaskScope,
        own_agency_assigned: impl FnOnce() -> bool,
        province_assigned: impl FnOnce() -> bool,
    ) -> Access {
        if task.committee == self.committee || self.committee == Reader::EVERY_COMMITTEE {
            return if self.role.sees_task(task.secret, own_agency_assigned) {
                Access::Own
            } else {
                Access::Hidden
            };
        }
        if self.role == UserRole::Focal {
            return if self.agency.is_some() && own_agency_assigned() {
                Access::Own
            } else {
                Access::Hidden
            };
        }
        if task.secret {
            Access::Hidden
        } else if province_assigned() {
            Access::Received
        } else if self.national {
            Access::Overseen
        } else {
            Access::Hidden
        }
    }
}

impl Reader {
    /// The same rule for what belongs to a committee without being a task (an indicator, a
    /// meeting, a difficulty raised on no task): the user's own committee's is theirs; the
    /// Government committee's is read by the provinces' officers (its figures and meetings
    /// concern them); a province's is read by the Government committee's officers (the national
    /// view, outside their own lists) and hidden from every other province.
    pub fn access_to_record(&self, committee: i64, national_record: bool) -> Access {
        if committee == self.committee || self.committee == Reader::EVERY_COMMITTEE {
            Access::Own
        } else if national_record {
            Access::Received
        } else if self.national && self.role != UserRole::Focal {
            Access::Overseen
        } else {
            Access::Hidden
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for UserRole {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        UserRole::parse(&code).ok_or_else(|| {
            format!("vai trò không hợp lệ: {code} (admin, standing, leader, focal, viewer)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_its_role() {
        for r in UserRole::ALL {
            assert_eq!(UserRole::parse(r.code()), Some(r));
            assert_eq!(UserRole::try_from(r.code().to_string()), Ok(r));
        }
        assert_eq!(UserRole::parse("Admin"), None);
        assert!(UserRole::try_from("root".to_string()).is_err());
    }

    #[test]
    fn committees_see_their_own_work_what_they_received_and_the_nation_oversees() {
        const GOV: i64 = 1;
        const HANOI: i64 = 2;
        const HUE: i64 = 3;
        let reader = |role, committee, agency| Reader {
            role,
            committee,
            national: committee == GOV,
            agency,
        };
        let task = |committee, secret| TaskScope { committee, secret };
        let yes = || true;
        let no = || false;
        // A Hà Nội officer: Hà Nội's tasks are its own; Huế's are hidden, unless assigned to Hà
        // Nội (then read-only and secret ones still hidden).
        let hn = reader(UserRole::Standing, HANOI, None);
        assert_eq!(hn.access(task(HANOI, true), no, no), Access::Own);
        assert_eq!(hn.access(task(HUE, false), no, no), Access::Hidden);
        assert_eq!(hn.access(task(GOV, false), no, yes), Access::Received);
        assert_eq!(hn.access(task(GOV, true), no, yes), Access::Hidden);
        // The Government's standing agency oversees every province, outside its own lists.
        let gov = reader(UserRole::Standing, GOV, None);
        assert_eq!(gov.access(task(HUE, false), no, no), Access::Overseen);
        assert_eq!(gov.access(task(HUE, true), no, no), Access::Hidden);
        assert_eq!(gov.access(task(GOV, true), no, no), Access::Own);
        // A focal point acts on its own agency's assignment from any committee, nothing else.
        let focal = reader(UserRole::Focal, HANOI, Some(7));
        assert_eq!(focal.access(task(GOV, true), yes, yes), Access::Own);
        assert_eq!(focal.access(task(GOV, false), no, yes), Access::Hidden);
        let gov_focal = reader(UserRole::Focal, GOV, Some(8));
        assert_eq!(gov_focal.access(task(HUE, false), no, no), Access::Hidden);
        // Leaders and viewers: their committee's tasks but secret ones.
        let leader = reader(UserRole::Leader, HANOI, None);
        assert_eq!(leader.access(task(HANOI, true), no, no), Access::Hidden);
        assert_eq!(leader.access(task(HANOI, false), no, no), Access::Own);
        assert_eq!(leader.access(task(HUE, false), no, no), Access::Hidden);
        for a in [
            Access::Hidden,
            Access::Overseen,
            Access::Received,
            Access::Own,
        ] {
            assert_eq!(a.sees(), a != Access::Hidden);
            assert_eq!(a.acts(), a == Access::Own);
            assert!(!a.listed() || a.sees());
        }
    }

    #[test]
    fn records_of_a_committee_follow_the_same_rule() {
        let reader = |role, committee, national| Reader {
            role,
            committee,
            national,
            agency: None,
        };
        let hn = reader(UserRole::Standing, 2, false);
        assert_eq!(hn.access_to_record(2, false), Access::Own);
        assert_eq!(hn.access_to_record(1, true), Access::Received);
        assert_eq!(hn.access_to_record(3, false), Access::Hidden);
        let gov = reader(UserRole::Leader, 1, true);
        assert_eq!(gov.access_to_record(1, true), Access::Own);
        assert_eq!(gov.access_to_record(3, false), Access::Overseen);
        let cli = reader(UserRole::Admin, Reader::EVERY_COMMITTEE, true);
        assert_eq!(cli.access_to_record(3, false), Access::Own);
    }

    #[test]
    fn who_sees_a_secret_task() {
        let seen: Vec<bool> = UserRole::ALL
            .into_iter()
            .map(|r| r.sees_task(true, || false))
            .collect();
        assert_eq!(seen, [true, true, false, false, false]);
        assert!(UserRole::Focal.sees_task(false, || true));
        assert!(!UserRole::Focal.sees_task(false, || false));
        assert!(UserRole::Viewer.sees_task(false, || false));
    }
}

/// How failed log-ins slow the next attempt: never a lock-out that someone else can trigger,
/// a wait that grows with each failure past a free allowance, counted three ways over the last
/// [`LoginThrottle::WINDOW_MINUTES`]:
/// - one name from one address: 5 free failures (a person mistyping);
/// - one address across names: 20 (one machine guessing many accounts);
/// - one name from every address: 50 (many machines guessing one account). The account's owner
///   then waits seconds, not a quarter of an hour.
///
/// Past its allowance each further failure doubles the wait after the group's last failure,
/// from 1 second up to [`LoginThrottle::MAX_WAIT_SECONDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle;

/// Failed log-ins of one group (name and address, address, or name) in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    /// Seconds since the newest of them.
    pub seconds_since_last: i64,
}

impl LoginThrottle {
    pub const WINDOW_MINUTES: i64 = 15;
    pub const MAX_WAIT_SECONDS: i64 = 300;
    pub const FREE_PER_NAME_AND_ADDRESS: i64 = 5;
    pub const FREE_PER_ADDRESS: i64 = 20;
    pub const FREE_PER_NAME: i64 = 50;

    /// Seconds to wait before the next attempt may be checked (0: now).
    pub fn wait(pair: Failures, address: Failures, name: Failures) -> i64 {
        [
            (pair, Self::FREE_PER_NAME_AND_ADDRESS),
            (address, Self::FREE_PER_ADDRESS),
            (name, Self::FREE_PER_NAME),
        ]
        .into_iter()
        .map(|(f, free)| {
            if f.count < free {
                return 0;
            }
            let doublings = (f.count - free).min(20) as u32;
            let wait = (1i64 << doublings).min(Self::MAX_WAIT_SECONDS);
            (wait - f.seconds_since_last).max(0)
        })
        .max()
        .unwrap_or(0)
    }
}

#[cfg(test)]
mod throttle_tests {
    use super::*;

    fn f(count: i64, ago: i64) -> Failures {
        Failures {
            count,
            seconds_since_last: ago,
        }
    }

    #[test]
    fn mistakes_within_the_allowance_never_wait() {
        assert_eq!(LoginThrottle::wait(f(4, 0), f(19, 0), f(49, 0)), 0);
    }

    #[test]
    fn each_failure_past_the_allowance_doubles_the_wait_up_to_five_minutes() {
        assert_eq!(LoginThrottle::wait(f(5, 0), f(5, 0), f(5, 0)), 1);
        assert_eq!(LoginThrottle::wait(f(8, 0), f(8, 0), f(8, 0)), 8);
        assert_eq!(LoginThrottle::wait(f(8, 3), f(8, 3), f(8, 3)), 5);
        assert_eq!(LoginThrottle::wait(f(8, 9), f(8, 9), f(8, 9)), 0);
        assert_eq!(LoginThrottle::wait(f(40, 0), f(40, 0), f(40, 0)), 300);
    }

    #[test]
    fn guessing_across_names_or_from_many_addresses_is_slowed_too() {
        assert_eq!(LoginThrottle::wait(f(1, 0), f(22, 0), f(1, 0)), 4);
        assert_eq!(LoginThrottle::wait(f(0, 0), f(0, 0), f(51, 0)), 2);
    }
}
