//! Signing in and out, changing one's password, and who a session or an API token belongs to:
//! the throttle, the password rules and the session's secrets, behind the service so that every
//! front end signs people in the same way. Only hashes of sessions and tokens reach the store.

use tiendo_store::StoreError;
use tiendo_store::users::{LiveSession, LoginClaim, User};

use crate::Service;
use crate::accounts::{hash_password, new_token, sha256_hex, verify_password};

/// How long a session lasts after signing in.
pub const SESSION_HOURS: i64 = 12;
/// The shortest password an account may set.
pub const MIN_PASSWORD: usize = 10;
/// The longest.
pub const MAX_PASSWORD: usize = 200;

/// A session just opened: the token for the cookie (never stored) and its user. The session's
/// CSRF token is stored with it and read with the session on each request.
pub struct SignedIn {
    pub token: String,
    pub user: User,
}

/// Why signing in did not open a session.
#[derive(Debug)]
pub enum SignInRefused {
    /// Too many failures: wait this many seconds.
    Wait(i64),
    /// No such active account, or not its password (which of the two is never said).
    Wrong,
    /// The database could not count the attempt: come back rather than check unthrottled.
    Unavailable(StoreError),
    /// The session could not be made.
    Failed(anyhow::Error),
}

/// Why a new password was not set; each says what to do in the user's words.
#[derive(Debug)]
pub enum PasswordRefused {
    WrongCurrent,
    Length,
    Mismatch,
    Failed(anyhow::Error),
}

impl PasswordRefused {
    /// What the form says, or `None` for a failure (an incident, not the user's doing).
    pub fn message(&self) -> Option<&'static str> {
        Some(match self {
            PasswordRefused::WrongCurrent => "Mật khẩu hiện tại không đúng.",
            PasswordRefused::Length => "Mật khẩu mới phải có từ 10 đến 200 ký tự.",
            PasswordRefused::Mismatch => "Hai lần nhập mật khẩu mới không khớp.",
            PasswordRefused::Failed(_) => return None,
        })
    }
}

fn now_plus(hours: i64) -> String {
    tiendo_store::rfc3339(time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
}

impl Service {
    /// Signs a person in from an address: the attempt is claimed (and counted as failed)
    /// before any password is checked, the same work is done whether or not the name exists,
    /// and a success clears the failures and opens a session of [`SESSION_HOURS`].
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, SignInRefused> {
        match self.db.claim_login_attempt(username, address).await {
            Ok(LoginClaim::Go) => {}
            Ok(LoginClaim::Wait(seconds)) => return Err(SignInRefused::Wait(seconds)),
            Err(e) => return Err(SignInRefused::Unavailable(e)),
        }
        let user = self.db.user_by_username(username).await.ok().flatten();
        let ok = match &user {
            Some(u) => verify_password(password.to_string(), u.password_hash.clone()).await,
            None => {
                let _ = hash_password(password.to_string()).await;
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            return Err(SignInRefused::Wrong);
        };
        if let Err(e) = self.db.clear_login_failures(username, address).await {
            tracing::warn!(error = %e, "log-in: the failures could not be cleared");
        }
        let (token, csrf) = match (new_token(), new_token()) {
            (Ok(t), Ok(c)) => (t, c),
            (Err(e), _) | (_, Err(e)) => return Err(SignInRefused::Failed(e)),
        };
        self.db
            .create_session(
                &sha256_hex(&token),
                user.id,
                &csrf,
                &now_plus(SESSION_HOURS),
            )
            .await
            .map_err(|e| SignInRefused::Failed(e.into()))?;
        Ok(SignedIn { token, user })
    }

    /// Ends a session (named by its hash); one already gone is no error.
    pub async fn sign_out(&self, session_hash: &str) {
        if let Err(e) = self.db.delete_session(session_hash).await {
            tracing::warn!(error = %e, "log-out: the session could not be deleted");
        }
    }

    /// The live session a cookie's token opens, with the token's hash (how the session is
    /// named from then on).
    pub async fn session(
        &self,
        token: &str,
    ) -> tiendo_store::Result<Option<(LiveSession, String)>> {
        let hash = sha256_hex(token);
        Ok(self.db.session_user(&hash).await?.map(|s| (s, hash)))
    }

    /// The account an API token (as sent, never stored) belongs to, when it is live.
    pub async fn token_user(&self, token: &str) -> tiendo_store::Result<Option<User>> {
        self.db.api_token_user(&sha256_hex(token)).await
    }

    /// Changes the user's own password: the current one must be right, the new one between
    /// [`MIN_PASSWORD`] and [`MAX_PASSWORD`] characters and typed twice the same. Every session
    /// of the account ends with the change.
    #[tracing::instrument(level = "debug", skip_all, fields(user = user.id))]
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        again: &str,
    ) -> Result<(), PasswordRefused> {
        if !verify_password(current.to_string(), user.password_hash.clone()).await {
            return Err(PasswordRefused::WrongCurrent);
        }
        let n = new.chars().count();
        if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
            return Err(PasswordRefused::Length);
        }
        if new != again {
            return Err(PasswordRefused::Mismatch);
        }
        let hash = hash_password(new.to_string())
            .await
            .map_err(PasswordRefused::Failed)?;
        self.db
            .set_password(user.id, &hash, &user.username)
            .await
            .map_err(|e| PasswordRefused::Failed(e.into()))
    }
}
