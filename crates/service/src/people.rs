//! People by their names. The records keep who acted by login (`created_by`, `given_by`, the
//! audit log's actor) and accounts by id; pages show the person's full name instead.

use std::collections::HashMap;

use crate::Service;

/// Accounts' full names, by login and by id.
#[derive(Debug, Clone, Default)]
pub struct People {
    by_login: HashMap<String, String>,
    by_id: HashMap<i64, String>,
}

impl People {
    /// The accounts as (id, login, full name).
    pub fn of(accounts: Vec<(i64, String, String)>) -> People {
        let mut people = People::default();
        for (id, login, name) in accounts {
            people.by_id.insert(id, name.clone());
            people.by_login.insert(login, name);
        }
        people
    }

    /// Who acted, as people read it: the account's full name; the command line and the system
    /// in words; a login no account holds any more, as recorded.
    pub fn name<'a>(&'a self, login: &'a str) -> &'a str {
        match login {
            "cli" => "Dòng lệnh (quản trị)",
            "system" => "Hệ thống",
            "demo" => "Dữ liệu trình diễn",
            other => self.by_login.get(other).map_or(other, String::as_str),
        }
    }

    /// An account's full name by its id.
    pub fn of_id(&self, id: i64) -> Option<&str> {
        self.by_id.get(&id).map(String::as_str)
    }
}

impl Service {
    /// Every account's name (a short read: one row per account).
    pub async fn people(&self) -> People {
        match self.db.account_names().await {
            Ok(accounts) => People::of(accounts),
            Err(e) => {
                tracing::warn!(error = %e, "account names not read; logins shown");
                People::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_reads_as_its_owners_name() {
        let p = People::of(vec![(5, "dm.byt".into(), "Nguyễn Văn An".into())]);
        assert_eq!(p.name("dm.byt"), "Nguyễn Văn An");
        assert_eq!(p.of_id(5), Some("Nguyễn Văn An"));
        assert_eq!(p.name("cli"), "Dòng lệnh (quản trị)");
        assert_eq!(p.name("demo"), "Dữ liệu trình diễn");
        assert_eq!(
            p.name("da-xoa"),
            "da-xoa",
            "a login no account holds stays as recorded"
        );
        assert_eq!(p.of_id(6), None);
    }
}
