//! Accounts and their secrets: argon2 password hashes, one-time passwords, API tokens, session
//! tokens. The store only ever sees hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use tiendo_domain::access::UserRole;
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

/// Argon2 computations at a time: each takes about 19 MiB and a core, so a burst of log-ins waits
/// its turn instead of taking gigabytes.
static ARGON2_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores.clamp(1, 8))
});

pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _slot = ARGON2_SLOTS.acquire().await?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("{e}"))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_string())
    })
    .await?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_slot) = ARGON2_SLOTS.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Creates an account with a one-time password (changed at its first log-in); returns the
/// password, which is shown once and never stored.
pub async fn create_account(
    db: &Db,
    username: &str,
    full_name: &str,
    role: UserRole,
    agency_code: Option<&str>,
    actor: &str,
) -> anyhow::Result<String> {
    let password = new_password()?;
    let hash = hash_password(password.clone()).await?;
    db.create_user(username, full_name, &hash, role, agency_code, true, actor)
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
        Some(d) => Some(
            (time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(d)))
                .format(&time::format_description::well_known::Rfc3339)?,
        ),
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
        "system",
    )
    .await?;
    Ok(Some(FirstAdmin {
        username: "admin".into(),
        one_time_password: password,
    }))
}
