//! Accounts, sessions, failed log-ins and API tokens. Secrets arrive here already hashed.

use serde_json::json;
use sqlx::FromRow;
use tiendo_domain::audit::AuditAction;

use tiendo_domain::access::UserRole;

use tiendo_domain::access::{Failures, LoginThrottle};

use crate::{Db, Result, StoreError, now, rfc3339};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub role: UserRole,
    pub agency_id: Option<i64>,
    /// The committee the account belongs to (an account without one is the Government
    /// committee's).
    pub committee_id: i64,
    pub must_change_password: bool,
}

impl User {
    /// The standing agency's powers (administrators have them too).
    pub fn is_standing(&self) -> bool {
        self.role.is_standing()
    }

    /// Whether this user may see a task ([`UserRole::sees_task`]).
    pub fn sees_task(&self, secret: bool, assigned: impl FnOnce() -> bool) -> bool {
        self.role.sees_task(secret, assigned)
    }

    /// The agency a focal point speaks for; `None` for every other role.
    pub fn own_agency(&self) -> Option<i64> {
        self.agency_id.filter(|_| self.role == UserRole::Focal)
    }
}

/// An account as the `users` table holds it.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    password_hash: String,
    #[sqlx(try_from = "String")]
    role: UserRole,
    agency_id: Option<i64>,
    committee_id: i64,
    must_change_password: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            username: r.username,
            full_name: r.full_name,
            password_hash: r.password_hash,
            role: r.role,
            agency_id: r.agency_id,
            committee_id: r.committee_id,
            must_change_password: r.must_change_password != 0,
        }
    }
}

/// An account's id by user name, enabled or not, read through a pool or inside a transaction.
pub(crate) async fn account_id_with<'e, E>(executor: E, username: &str) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username.trim().to_lowercase())
        .fetch_optional(executor)
        .await?;
    id.ok_or_else(|| StoreError::NotFound(format!("tài khoản {}", username.trim())))
}

/// Ends every session of an account (its password, role or state changed).
async fn end_sessions(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A live session: its user and its CSRF token.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf: String,
    unread: i64,
}

/// The user a live session belongs to, and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub user: User,
    pub csrf: String,
    /// The user's unread reminders (the bell's count).
    pub unread: i64,
}

/// An account's columns; one without a committee is the Government committee's.
const USER_COLUMNS: &str = "u.id, u.username, u.full_name, u.password_hash, u.role, u.agency_id,
     COALESCE(u.committee_id, (SELECT id FROM committees WHERE code = 'BCDCP'), -1) AS committee_id,
     u.must_change_password";

impl Db {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?)
    }

    /// Creates an account. A focal point is bound to one agency (by registry code).
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_user(
        &self,
        username: &str,
        full_name: &str,
        password_hash: &str,
        role: UserRole,
        agency_code: Option<&str>,
        committee_code: Option<&str>,
        must_change_password: bool,
        actor: &str,
    ) -> Result<i64> {
        let username = username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(StoreError::Invalid(
                "tên đăng nhập chỉ gồm chữ không dấu, số, \".\", \"_\", \"-\" (tối đa 64 ký tự)"
                    .into(),
            ));
        }
        let committee_id = self.account_committee(committee_code).await?;
        let agency_id = self.account_agency(role, agency_code, committee_id).await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, full_name, password_hash, role, agency_id, committee_id, must_change_password, active, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id",
        )
        .bind(&username)
        .bind(tiendo_domain::text::clean(full_name))
        .bind(password_hash)
        .bind(role.code())
        .bind(agency_id)
        .bind(committee_id)
        .bind(i64::from(must_change_password))
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.message().to_lowercase().contains("unique") => StoreError::Invalid(format!("tên đăng nhập {username} đã có")),
            e => StoreError::Database(e),
        })?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserCreated,
            "user",
            Some(id),
            None,
            Some(
                &json!({ "username": username, "role": role.code(), "agency": agency_code, "committee": committee_code }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every account's id, login and full name, those no longer active too (they acted once):
    /// pages show people by their names, never by their logins or ids.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn account_names(&self) -> Result<Vec<(i64, String, String)>> {
        Ok(
            sqlx::query_as("SELECT id, username, full_name FROM users ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1 AND u.active = 1");
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(username.trim().to_lowercase())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(User::from))
    }

    /// The password its owner chose (at the first log-in or later); ends its sessions.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_password(&self, user_id: i64, password_hash: &str, actor: &str) -> Result<()> {
        self.replace_password(user_id, password_hash, false, actor)
            .await
    }

    /// Gives an account a new one-time password (changed at its next log-in) and ends its
    /// sessions: an administrator's reset, or the demonstration accounts printed again.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn reset_password(
        &self,
        user_id: i64,
        password_hash: &str,
        actor: &str,
    ) -> Result<()> {
        self.replace_password(user_id, password_hash, true, actor)
            .await
    }

    async fn replace_password(
        &self,
        user_id: i64,
        password_hash: &str,
        one_time: bool,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(i64::from(one_time))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        end_sessions(&mut tx, user_id).await?;
        let action = if one_time {
            AuditAction::UserPasswordReset
        } else {
            AuditAction::UserPasswordChanged
        };
        Db::audit(&mut tx, actor, action, "user", Some(user_id), None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now())
            .bind(expires_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The user of a live session, with its CSRF token.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<LiveSession>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf, (SELECT COUNT(*) FROM reminders n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        );
        let row: Option<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(now())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| LiveSession {
            user: User::from(r.user),
            csrf: r.csrf,
            unread: r.unread,
        }))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired sessions and failed log-ins older than a day. Returns how many sessions.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn purge_expired(&self) -> Result<u64> {
        let t = time::OffsetDateTime::now_utc();
        let gone = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(rfc3339(t))
            .execute(self.pool())
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(rfc3339(t - time::Duration::days(1)))
            .execute(self.pool())
            .await?;
        Ok(gone)
    }

    /// Claims one log-in attempt for a user name from an address: counted as a failure until a
    /// success clears it. Refused, with the seconds to wait, while the failures already recorded
    /// ask for a wait ([`LoginThrottle`]); a refused attempt is not counted. The counts and the
    /// claim are one transaction, serialised per address and per name, so two hundred
    /// simultaneous guesses are counted one after the other, not all against the same count.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn claim_login_attempt(&self, username: &str, address: &str) -> Result<LoginClaim> {
        let name = username.trim().to_lowercase();
        let now_t = time::OffsetDateTime::now_utc();
        let since = rfc3339(now_t - time::Duration::minutes(LoginThrottle::WINDOW_MINUTES));
        let mut tx = self.begin_write().await?;
        if self.backend() == crate::Backend::Postgres {
            // Always the address first, then the name: no two claims wait for each other.
            for key in [format!("login-address:{address}"), format!("login:{name}")] {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut failures = Vec::new();
        for (sql, binds) in [
            (
                "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND address = $2 AND at > $3",
                vec![name.as_str(), address, since.as_str()],
            ),
            (
                "SELECT COUNT(*), MAX(at) FROM login_failures WHERE address = $1 AND at > $2",
                vec![address, since.as_str()],
            ),
            (
                "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND at > $2",
                vec![name.as_str(), since.as_str()],
            ),
        ] {
            let mut q = sqlx::query_as::<_, (i64, Option<String>)>(sql);
            for b in binds {
                q = q.bind(b.to_string());
            }
            let (count, last) = q.fetch_one(&mut *tx).await?;
            let seconds_since_last = last
                .and_then(|l| {
                    time::OffsetDateTime::parse(&l, &time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .map_or(i64::MAX, |l| (now_t - l).whole_seconds().max(0));
            failures.push(Failures {
                count,
                seconds_since_last,
            });
        }
        let wait = LoginThrottle::wait(failures[0], failures[1], failures[2]);
        if wait > 0 {
            tx.rollback().await?;
            return Ok(LoginClaim::Wait(wait));
        }
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)")
            .bind(&name)
            .bind(address)
            .bind(rfc3339(now_t))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(LoginClaim::Go)
    }

    /// After a successful log-in: the failures of this name from this address are forgotten
    /// (those from elsewhere still count against guessers).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn clear_login_failures(&self, username: &str, address: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
            .bind(username.trim().to_lowercase())
            .bind(address)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The agency an account of this role is bound to: a registry code that must exist, and one
    /// a focal point cannot do without.
    /// The committee an account is given by code (`None`: the Government committee's, stored
    /// as none).
    async fn account_committee(&self, committee_code: Option<&str>) -> Result<Option<i64>> {
        match committee_code.map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(code) => Ok(Some(self.committee_id(code).await?.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "không có ban chỉ đạo mã {code} (xem: tiendo committees list)"
                ))
            })?)),
        }
    }

    /// The agency an account speaks for: a focal point needs one, and it must be a national
    /// agency or one of the account's own committee (never another province's department).
    async fn account_agency(
        &self,
        role: UserRole,
        agency_code: Option<&str>,
        committee_id: Option<i64>,
    ) -> Result<Option<i64>> {
        let agency = match agency_code {
            Some(code) => {
                let row: Option<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT id, committee_id FROM agencies WHERE UPPER(code) = UPPER($1)",
                )
                .bind(code.trim())
                .fetch_optional(self.pool())
                .await?;
                Some(row.ok_or_else(|| StoreError::NotFound(format!("cơ quan mã {code}")))?)
            }
            None => None,
        };
        if let Some((_, Some(owner))) = agency {
            let own = match committee_id {
                Some(c) => c,
                None => crate::seed::default_committee_id(self).await?,
            };
            if owner != own {
                return Err(StoreError::Invalid(format!(
                    "cơ quan mã {} thuộc ban chỉ đạo khác với ban chỉ đạo của tài khoản",
                    agency_code.unwrap_or_default().trim()
                )));
            }
        }
        if role == UserRole::Focal && agency.is_none() {
            return Err(StoreError::Invalid(
                "đầu mối phải gắn với một cơ quan (--agency)".into(),
            ));
        }
        Ok(agency.map(|(id, _)| id))
    }

    /// Moves an account to another committee (`None`: the Government's); its sessions end. Its
    /// agency must be national or of the new committee.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_account_committee(
        &self,
        username: &str,
        committee_code: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let id = self.account_id(username).await?;
        let committee_id = self.account_committee(committee_code).await?;
        let (role, agency): (String, Option<String>) = sqlx::query_as(
            "SELECT u.role, a.code FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1",
        )
        .bind(id)
        .fetch_one(self.pool())
        .await?;
        let role = UserRole::try_from(role).map_err(StoreError::Invalid)?;
        self.account_agency(role, agency.as_deref(), committee_id)
            .await?;
        let mut tx = self.begin_write().await?;
        let before: Option<Option<String>> = sqlx::query_scalar(
            "SELECT c.code FROM users u LEFT JOIN committees c ON c.id = u.committee_id WHERE u.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET committee_id = $1 WHERE id = $2")
            .bind(committee_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        end_sessions(&mut tx, id).await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserCommitteeChanged,
            "user",
            Some(id),
            Some(&json!({ "committee": before.flatten() })),
            Some(&json!({ "committee": committee_code })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An account's id by user name, enabled or not.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn account_id(&self, username: &str) -> Result<i64> {
        account_id_with(self.pool(), username).await
    }

    /// Disables an account (its sessions end; its API tokens stop working with it) or enables
    /// it again.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_account_active(
        &self,
        username: &str,
        active: bool,
        actor: &str,
    ) -> Result<()> {
        let id = self.account_id(username).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if !active {
            end_sessions(&mut tx, id).await?;
        }
        let action = if active {
            AuditAction::UserEnabled
        } else {
            AuditAction::UserDisabled
        };
        Db::audit(&mut tx, actor, action, "user", Some(id), None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives an account another role (a focal point needs its agency); its sessions end, so the
    /// new role holds from the next log-in.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn set_account_role(
        &self,
        username: &str,
        role: UserRole,
        agency_code: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let id = self.account_id(username).await?;
        let committee_id: Option<i64> =
            sqlx::query_scalar("SELECT committee_id FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(self.pool())
                .await?;
        let agency_id = self.account_agency(role, agency_code, committee_id).await?;
        let mut tx = self.begin_write().await?;
        let before: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT role, agency_id FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("UPDATE users SET role = $1, agency_id = $2 WHERE id = $3")
            .bind(role.code())
            .bind(agency_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        end_sessions(&mut tx, id).await?;
        let before = before.map(|(r, a)| json!({ "role": r, "agency_id": a }));
        let after = json!({ "role": role.code(), "agency": agency_code });
        Db::audit(
            &mut tx,
            actor,
            AuditAction::UserRoleChanged,
            "user",
            Some(id),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revokes an account's API tokens of that name; says how many.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn revoke_api_tokens(&self, username: &str, name: &str, actor: &str) -> Result<u64> {
        let id = self.account_id(username).await?;
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND name = $3 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "mã truy cập \"{name}\" còn hiệu lực của {}",
                username.trim()
            )));
        }
        Db::audit(
            &mut tx,
            actor,
            AuditAction::ApiTokenRevoked,
            "user",
            Some(id),
            None,
            Some(&json!({ "name": name, "tokens": n })),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Stores a new API token (its hash) for an account, valid until `expires_at` (RFC 3339)
    /// when given, otherwise until revoked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        name: &str,
        user_id: i64,
        expires_at: Option<&str>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO api_tokens (token_hash, name, user_id, created_at, revoked_at, expires_at) VALUES ($1, $2, $3, $4, NULL, $5) RETURNING id")
            .bind(token_hash)
            .bind(name)
            .bind(user_id)
            .bind(now())
            .bind(expires_at)
            .fetch_one(&mut *tx)
            .await?;
        Db::audit(
            &mut tx,
            actor,
            AuditAction::ApiTokenCreated,
            "user",
            Some(user_id),
            None,
            Some(&json!({ "name": name, "expires_at": expires_at })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active = 1"
        );
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(now())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(User::from))
    }
}

/// The accounts with their agencies, as [`AccountRow`]s.
const ACCOUNTS: &str = "SELECT u.id, u.username, u.full_name, u.role, a.code AS agency_code, a.name AS agency_name, u.active,
        u.must_change_password, u.email, u.created_at, c.code AS committee_code, c.name AS committee_name
 FROM users u LEFT JOIN agencies a ON a.id = u.agency_id LEFT JOIN committees c ON c.id = u.committee_id";

/// An account as the administrators' list shows it.
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    #[sqlx(try_from = "String")]
    pub role: UserRole,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub active: i64,
    pub must_change_password: i64,
    pub email: Option<String>,
    pub created_at: String,
    /// The account's committee (none: the Government committee's).
    pub committee_code: Option<String>,
    pub committee_name: Option<String>,
}

/// An API token as the administrators' list shows it (never the token itself).
#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub user_id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub expires_at: Option<String>,
}

impl TokenRow {
    /// Whether it still opens the API at `now` (RFC 3339).
    pub fn in_force(&self, now: &str) -> bool {
        self.revoked_at.is_none() && self.expires_at.as_deref().is_none_or(|e| e > now)
    }
}

impl Db {
    /// Every account, by user name.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn accounts(&self) -> Result<Vec<AccountRow>> {
        let sql = format!("{ACCOUNTS} ORDER BY u.username");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?)
    }

    /// One account by its exact user name.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>> {
        let sql = format!("{ACCOUNTS} WHERE u.username = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The API tokens of one account, or of every account, newest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn api_tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, name, created_at, revoked_at, expires_at FROM api_tokens
             WHERE $1 = 0 OR user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id.unwrap_or(0))
        .fetch_all(self.pool())
        .await?)
    }
}

/// What a log-in attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginClaim {
    /// Check the password (the attempt is counted as failed until it succeeds).
    Go,
    /// Too many failures: wait this many seconds.
    Wait(i64),
}
