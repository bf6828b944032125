//! Accounts and their secrets: argon2 password hashes, one-time passwords, API tokens, session
//! tokens. The store only ever sees hashes.

use sha2::{Digest, Sha256};
use tiendo_domain::access::UserRole;
use tiendo_domain::reminders::{Channel, Frequency};
use tiendo_store::users::{AccountRow, TokenRow, User};
use tiendo_store::{Db, StoreError};

/// A random secret, hex-encoded.
pub fn new_token() -> anyhow::Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("không lấy được số ngẫu nhiên: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// SHA-256 of some bytes, hex-encoded (tokens are stored by their hash; evidence files are
/// named by theirs).
pub fn sha256_bytes(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

pub fn sha256_hex(s: &str) -> String {
    sha256_bytes(s.as_bytes())
}

/// A readable one-time password.
pub fn new_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("không lấy được số ngẫu nhiên: {e}"))?;
    Ok(b.iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect())
}

/// Password hashes are computed on a few threads of their own, one per core (at most 8), each
/// with one argon2 memory of about 19 MiB allocated once and used for every hash it computes:
/// a burst of log-ins waits its turn in their queue, and the server's memory stays the same
/// however many come (hashing on the runtime's blocking threads instead left a freed 19 MiB
/// with each of them: 368 MB after 20 hashes of a 200-way flood).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    hashers::submit(hashers::Job::Hash { password, reply })?;
    answer
        .await
        .map_err(|_| anyhow::anyhow!("không tính được mã băm mật khẩu"))?
}

/// Does the password match the stored argon2 hash (PHC string)? False for a hash that cannot be
/// read or asks for more memory than a hash of ours.
pub async fn verify_password(password: String, hash: String) -> bool {
    let (reply, answer) = tokio::sync::oneshot::channel();
    if hashers::submit(hashers::Job::Verify {
        password,
        hash,
        reply,
    })
    .is_err()
    {
        return false;
    }
    answer.await.unwrap_or(false)
}

mod hashers {
    use std::sync::mpsc::{Receiver, Sender, channel};
    use std::sync::{Arc, LazyLock, Mutex};

    use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
    use argon2::{Algorithm, Argon2, Block, Params, Version};

    pub(super) enum Job {
        Hash {
            password: String,
            reply: tokio::sync::oneshot::Sender<anyhow::Result<String>>,
        },
        Verify {
            password: String,
            hash: String,
            reply: tokio::sync::oneshot::Sender<bool>,
        },
    }

    /// A stored hash asking for more memory than this (KiB) is not computed: ours ask 19 MiB.
    const MAX_MEMORY_KIB: u32 = 64 * 1024;

    static QUEUE: LazyLock<Sender<Job>> = LazyLock::new(|| {
        let (send, receive) = channel::<Job>();
        let receive = Arc::new(Mutex::new(receive));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..threads.clamp(1, 8) {
            let receive = receive.clone();
            let started = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&receive));
            if let Err(e) = started {
                tracing::error!(error = %e, "no password-hashing thread");
            }
        }
        send
    });

    pub(super) fn submit(job: Job) -> anyhow::Result<()> {
        QUEUE
            .send(job)
            .map_err(|_| anyhow::anyhow!("không còn luồng tính mã băm mật khẩu"))
    }

    fn work(jobs: &Mutex<Receiver<Job>>) {
        let mut memory: Vec<Block> = Vec::new();
        loop {
            let job = match jobs.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => return,
            };
            let Ok(job) = job else { return };
            // A panic in one computation answers its caller (the reply is dropped) and this
            // thread goes on serving the others.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
                Job::Hash { password, reply } => {
                    let _ = reply.send(hash(&password, &mut memory));
                }
                Job::Verify {
                    password,
                    hash,
                    reply,
                } => {
                    let _ = reply.send(verify(&password, &hash, &mut memory));
                }
            }));
        }
    }

    /// One argon2 computation of `password` with `salt` into `out`, in `memory` (grown, once, to
    /// what the parameters need).
    fn compute(
        algorithm: Algorithm,
        version: Version,
        params: Params,
        password: &str,
        salt: Salt<'_>,
        out: &mut [u8],
        memory: &mut Vec<Block>,
    ) -> anyhow::Result<()> {
        let mut raw_salt = [0u8; 64];
        let raw_salt = salt
            .decode_b64(&mut raw_salt)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(
                password.as_bytes(),
                raw_salt,
                out,
                &mut memory[..blocks],
            )
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// A new hash of a password, as a PHC string (argon2id, the crate's default parameters,
    /// a random 16-byte salt).
    fn hash(password: &str, memory: &mut Vec<Block>) -> anyhow::Result<String> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("{e}"))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
        let params = Params::default();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        compute(
            Algorithm::Argon2id,
            Version::V0x13,
            params.clone(),
            password,
            salt.as_salt(),
            &mut out,
            memory,
        )?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("{e}"))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))?),
        };
        Ok(phc.to_string())
    }

    fn verify(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
        let Ok(phc) = PasswordHash::new(stored) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else {
            return false;
        };
        let version = match phc.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let Ok(params) = Params::try_from(&phc) else {
            return false;
        };
        if params.m_cost() > MAX_MEMORY_KIB {
            return false;
        }
        let mut out = vec![0u8; expected.len()];
        // `Output`'s equality is constant-time.
        compute(algorithm, version, params, password, salt, &mut out, memory).is_ok()
            && Output::new(&out).is_ok_and(|computed| computed == expected)
    }

    #[cfg(test)]
    mod tests {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};

        use super::*;

        #[test]
        fn hashes_of_the_pool_and_of_the_crate_read_each_other() {
            let mut memory = Vec::new();
            let ours = hash("mật khẩu đúng 2026", &mut memory).expect("hash");
            assert!(verify("mật khẩu đúng 2026", &ours, &mut memory));
            assert!(!verify("mật khẩu sai 2026", &ours, &mut memory));
            let phc = PasswordHash::new(&ours).expect("phc");
            assert!(
                Argon2::default()
                    .verify_password("mật khẩu đúng 2026".as_bytes(), &phc)
                    .is_ok()
            );
            // A hash stored by an earlier version (the crate's own hasher) still verifies.
            let salt = SaltString::encode_b64(b"muoi-sau-byte-16").expect("salt");
            let earlier = Argon2::default()
                .hash_password(b"mat-khau-cu", &salt)
                .expect("hash")
                .to_string();
            assert!(verify("mat-khau-cu", &earlier, &mut memory));
            assert!(!verify("mat-khau-moi", &earlier, &mut memory));
            // The memory is allocated once, at the size of the first hash.
            assert_eq!(memory.len(), Params::default().block_count());
        }

        #[test]
        fn a_hash_that_cannot_be_read_or_asks_too_much_memory_is_no_match() {
            let mut memory = Vec::new();
            assert!(!verify("x", "", &mut memory));
            assert!(!verify("x", "$argon2id$v=19$m=19456,t=2,p=1$", &mut memory));
            let salt = SaltString::encode_b64(b"muoi-sau-byte-16").expect("salt");
            let greedy = Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(MAX_MEMORY_KIB + 1024, 1, 1, None).expect("params"),
            );
            let stored = greedy.hash_password(b"x", &salt).expect("hash").to_string();
            assert!(!verify("x", &stored, &mut memory));
            assert!(memory.is_empty(), "nothing computed for it");
        }
    }
}

/// Creates an account with a one-time password (changed at its first log-in); returns the
/// password, which is shown once and never stored.
pub async fn create_account(
    db: &Db,
    username: &str,
    full_name: &str,
    role: UserRole,
    agency_code: Option<&str>,
    committee_code: Option<&str>,
    actor: &str,
) -> anyhow::Result<String> {
    let password = new_password()?;
    let hash = hash_password(password.clone()).await?;
    db.create_user(
        username,
        full_name,
        &hash,
        role,
        agency_code,
        committee_code,
        true,
        actor,
    )
    .await?;
    Ok(password)
}

/// Gives an account a new one-time password and ends its sessions; returns the password.
pub async fn reset_to_one_time_password(
    db: &Db,
    user_id: i64,
    actor: &str,
) -> anyhow::Result<String> {
    let password = new_password()?;
    let hash = hash_password(password.clone()).await?;
    db.reset_password(user_id, &hash, actor).await?;
    Ok(password)
}

/// A new API token for an account, named for its holder, valid for `days` days when given
/// (otherwise until revoked); returns the token (shown once).
pub async fn create_api_token(
    db: &Db,
    username: &str,
    name: &str,
    days: Option<u32>,
    actor: &str,
) -> anyhow::Result<String> {
    let Some(user) = db.user_by_username(username).await? else {
        // A locked account is not found by name for signing in; say which it is.
        if db.account_id(username).await.is_ok() {
            return Err(StoreError::Invalid(format!(
                "tài khoản {username} đang bị khóa: mở lại trước khi cấp mã truy cập"
            ))
            .into());
        }
        return Err(StoreError::Invalid(format!("không có tài khoản {username}")).into());
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(
            StoreError::Invalid("tên mã truy cập phải có từ 1 đến 100 ký tự".into()).into(),
        );
    }
    let expires_at = match days {
        Some(0) | Some(3651..) => {
            return Err(
                StoreError::Invalid("thời hạn của mã truy cập: từ 1 đến 3650 ngày".into()).into(),
            );
        }
        Some(d) => Some(tiendo_store::rfc3339(
            time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(d)),
        )),
        None => None,
    };
    let token = new_token()?;
    db.create_api_token(
        &sha256_hex(&token),
        name,
        user.id,
        expires_at.as_deref(),
        actor,
    )
    .await?;
    Ok(token)
}

/// The first administrator's account, as made for an empty database.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub username: String,
    /// To be changed at the first log-in.
    pub one_time_password: String,
}

/// Creates the first administrator of an empty database.
pub async fn ensure_first_admin(db: &Db) -> anyhow::Result<Option<FirstAdmin>> {
    if db.user_count().await? > 0 {
        return Ok(None);
    }
    let password = create_account(
        db,
        "admin",
        "Quản trị hệ thống",
        UserRole::Admin,
        None,
        None,
        "system",
    )
    .await?;
    Ok(Some(FirstAdmin {
        username: "admin".into(),
        one_time_password: password,
    }))
}

/// The rule for a login name: 1 to 64 characters, no white space, control character or "/".
pub fn valid_username(username: &str) -> bool {
    !username.is_empty()
        && username.chars().count() <= 64
        && !username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
}

/// Refused unless the actor is an administrator, saying what only administrators manage
/// ("tài khoản", "các hệ thống nhận thông báo").
pub(crate) fn administrator(actor: &User, what: &str) -> anyhow::Result<()> {
    if actor.role == UserRole::Admin {
        Ok(())
    } else {
        Err(StoreError::NotYours(format!("chỉ quản trị hệ thống quản lý {what}")).into())
    }
}

/// An account to create: its name, its holder's name, its role, the agency a focal point speaks
/// for, its committee (by code; none: the creator's, or the Government's) and its e-mail address.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub full_name: Option<&'a str>,
    pub role: UserRole,
    pub agency: Option<&'a str>,
    pub committee: Option<&'a str>,
    pub email: Option<&'a str>,
}

impl<'a> NewAccount<'a> {
    /// An account of a role, nothing else given.
    pub fn new(username: &'a str, role: UserRole) -> NewAccount<'a> {
        NewAccount {
            username,
            full_name: None,
            role,
            agency: None,
            committee: None,
            email: None,
        }
    }
}

/// Accounts as administrators manage them, each action checked here: only an administrator
/// acts, never on their own lock or role; every change audited under the actor's name.
impl crate::Service {
    fn administrator(actor: &User) -> anyhow::Result<()> {
        administrator(actor, "tài khoản")
    }

    /// One's own settings, or anyone's as administrator.
    async fn oneself_or_administrator(&self, actor: &User, username: &str) -> anyhow::Result<()> {
        if actor.username == username {
            Ok(())
        } else {
            self.administers(actor, username).await
        }
    }

    /// The actor's committee when it is a province's (its administrators manage its own accounts
    /// only); `None` for the Government's and the command line.
    async fn provincial_committee(
        &self,
        actor: &User,
    ) -> Option<tiendo_store::registry::Committee> {
        let snap = self.snapshot().await;
        snap.committee(actor.committee_id)
            .filter(|c| c.level == "province")
            .cloned()
    }

    /// An administrator acting on an account of their own committee (the Government's
    /// administrators on any).
    async fn administers(&self, actor: &User, username: &str) -> anyhow::Result<()> {
        Self::administrator(actor)?;
        let Some(own) = self.provincial_committee(actor).await else {
            return Ok(());
        };
        match self.db.account(username).await? {
            Some(a) if a.committee_code.as_deref() != Some(own.code.as_str()) => Err(
                StoreError::NotYours(format!("tài khoản {username} không thuộc {}", own.name))
                    .into(),
            ),
            _ => Ok(()),
        }
    }

    /// Moves an account to another committee (`None`: the Government's); audited, its sessions
    /// end. Only the Government committee's administrators move accounts.
    pub async fn set_account_committee(
        &self,
        actor: &User,
        username: &str,
        committee: Option<&str>,
    ) -> anyhow::Result<()> {
        Self::administrator(actor)?;
        if self.provincial_committee(actor).await.is_some() {
            return Err(StoreError::NotYours(
                "chỉ quản trị của Ban Chỉ đạo Chính phủ chuyển tài khoản giữa các ban chỉ đạo"
                    .into(),
            )
            .into());
        }
        Self::not_oneself(actor, username)?;
        Ok(self
            .db
            .set_account_committee(username, committee, &actor.username)
            .await?)
    }

    fn not_oneself(actor: &User, username: &str) -> anyhow::Result<()> {
        if actor.username == username {
            Err(
                StoreError::Invalid("Không tự khóa hay tự đổi vai trò của chính mình được.".into())
                    .into(),
            )
        } else {
            Ok(())
        }
    }

    /// Every account and every API token (the administrators' list).
    pub async fn accounts(&self, actor: &User) -> anyhow::Result<(Vec<AccountRow>, Vec<TokenRow>)> {
        Self::administrator(actor)?;
        let mut accounts = self.db.accounts().await?;
        let mut tokens = self.db.api_tokens(None).await?;
        if let Some(own) = self.provincial_committee(actor).await {
            accounts.retain(|a| a.committee_code.as_deref() == Some(own.code.as_str()));
            let ids: std::collections::HashSet<i64> = accounts.iter().map(|a| a.id).collect();
            tokens.retain(|t| ids.contains(&t.user_id));
        }
        Ok((accounts, tokens))
    }

    /// One account with its API tokens.
    pub async fn account(
        &self,
        actor: &User,
        username: &str,
    ) -> anyhow::Result<Option<(AccountRow, Vec<TokenRow>)>> {
        self.administers(actor, username).await?;
        let Some(a) = self.db.account(username).await? else {
            return Ok(None);
        };
        let tokens = self.db.api_tokens(Some(a.id)).await?;
        Ok(Some((a, tokens)))
    }

    /// A new account with a one-time password (returned, shown once) and, when given, its
    /// e-mail address; nothing is created when the name or the address cannot stand.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn add_account(&self, actor: &User, new: NewAccount<'_>) -> anyhow::Result<String> {
        let NewAccount {
            username,
            full_name,
            role,
            agency,
            committee,
            email,
        } = new;
        Self::administrator(actor)?;
        // A province's administrator adds accounts to its own committee only.
        let own = self.provincial_committee(actor).await;
        let committee = match (&own, committee.map(str::trim).filter(|c| !c.is_empty())) {
            (Some(own), Some(c)) if !own.code.eq_ignore_ascii_case(c) => {
                return Err(StoreError::NotYours(format!(
                    "chỉ tạo được tài khoản của {} (không phải của ban chỉ đạo mã {c})",
                    own.name
                ))
                .into());
            }
            (Some(own), _) => Some(own.code.clone()),
            (None, c) => c.map(str::to_string),
        };
        let username = username.trim();
        if !valid_username(username) {
            return Err(StoreError::Invalid(
                "Tên đăng nhập: từ 1 đến 64 ký tự, không có khoảng trắng hay dấu /.".into(),
            )
            .into());
        }
        if let Some(e) = email.map(str::trim)
            && !tiendo_domain::reminders::valid_email(e)
        {
            return Err(StoreError::Invalid(format!(
                "địa chỉ thư điện tử không hợp lệ: \"{e}\"; chưa tạo tài khoản"
            ))
            .into());
        }
        let full_name = full_name.map(str::trim).filter(|n| !n.is_empty());
        let password = create_account(
            &self.db,
            username,
            full_name.unwrap_or(username),
            role,
            agency,
            committee.as_deref(),
            &actor.username,
        )
        .await?;
        if let Some(e) = email {
            self.db
                .set_user_email(username, Some(e), &actor.username)
                .await?;
        }
        Ok(password)
    }

    /// Locks an account (its sessions and tokens stop) or opens it again.
    pub async fn set_account_active(
        &self,
        actor: &User,
        username: &str,
        active: bool,
    ) -> anyhow::Result<()> {
        self.administers(actor, username).await?;
        Self::not_oneself(actor, username)?;
        Ok(self
            .db
            .set_account_active(username, active, &actor.username)
            .await?)
    }

    /// Changes an account's role and agency; its sessions end.
    pub async fn set_account_role(
        &self,
        actor: &User,
        username: &str,
        role: UserRole,
        agency: Option<&str>,
    ) -> anyhow::Result<()> {
        self.administers(actor, username).await?;
        Self::not_oneself(actor, username)?;
        Ok(self
            .db
            .set_account_role(username, role, agency, &actor.username)
            .await?)
    }

    /// A new one-time password for an account (returned, shown once); its sessions end.
    pub async fn reset_account_password(
        &self,
        actor: &User,
        username: &str,
    ) -> anyhow::Result<String> {
        self.administers(actor, username).await?;
        let id = self.db.account_id(username).await?;
        reset_to_one_time_password(&self.db, id, &actor.username).await
    }

    /// A new API token for an account (returned, shown once).
    pub async fn issue_api_token(
        &self,
        actor: &User,
        username: &str,
        name: &str,
        days: Option<u32>,
    ) -> anyhow::Result<String> {
        self.administers(actor, username).await?;
        create_api_token(&self.db, username, name, days, &actor.username).await
    }

    /// Revokes an account's tokens of that name; how many.
    pub async fn revoke_api_tokens(
        &self,
        actor: &User,
        username: &str,
        name: &str,
    ) -> anyhow::Result<u64> {
        self.administers(actor, username).await?;
        Ok(self
            .db
            .revoke_api_tokens(username, name, &actor.username)
            .await?)
    }

    /// Sets or removes the e-mail address of an account: one's own, or any as administrator.
    pub async fn set_account_email(
        &self,
        actor: &User,
        username: &str,
        email: Option<&str>,
    ) -> anyhow::Result<()> {
        self.oneself_or_administrator(actor, username).await?;
        Ok(self
            .db
            .set_user_email(username, email, &actor.username)
            .await?)
    }

    /// How an account hears of reminders: one's own, or any as administrator.
    pub async fn set_reminder_preferences(
        &self,
        actor: &User,
        username: &str,
        channel: Option<Channel>,
        frequency: Option<Frequency>,
    ) -> anyhow::Result<()> {
        self.oneself_or_administrator(actor, username).await?;
        Ok(self
            .db
            .set_reminder_preferences(username, channel, frequency, &actor.username)
            .await?)
    }

    /// Names an account as the head of an agency (or of none); the agency's name.
    pub async fn set_agency_head_account(
        &self,
        actor: &User,
        username: &str,
        agency: Option<&str>,
    ) -> anyhow::Result<Option<String>> {
        self.administers(actor, username).await?;
        Ok(self
            .db
            .set_agency_head_account(username, agency, &actor.username)
            .await?)
    }

    /// The signed-in user's own reminder settings.
    pub async fn reminder_settings(
        &self,
        user: &User,
    ) -> tiendo_store::Result<tiendo_store::reminders::ReminderSettings> {
        self.db.reminder_settings(user.id).await
    }

    /// Saves the user's own address, channel and frequency.
    pub async fn save_reminder_settings(
        &self,
        user: &User,
        email: Option<&str>,
        channel: Channel,
        frequency: Frequency,
    ) -> tiendo_store::Result<()> {
        let me = user.username.as_str();
        self.db.set_user_email(me, email, me).await?;
        self.db
            .set_reminder_preferences(me, Some(channel), Some(frequency), me)
            .await
    }

    /// Creates the first administrator of an empty database.
    pub async fn ensure_first_admin(&self) -> anyhow::Result<Option<FirstAdmin>> {
        ensure_first_admin(&self.db).await
    }
}
