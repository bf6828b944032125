//! Accounts and their secrets: argon2 password hashes, one-time passwords, API tokens, session
//! tokens. The store only ever sees hashes.

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
