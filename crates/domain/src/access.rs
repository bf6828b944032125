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
