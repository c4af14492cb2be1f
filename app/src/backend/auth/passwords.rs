//! Password hashing with argon2id, a bounded number at a time.

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

/// Argon2 runs at once: each takes 19 MiB and a core for tens of milliseconds, so a burst of
/// logins waits for a permit instead of asking for hundreds of them.
static ARGON2_PERMITS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        tokio::sync::Semaphore::new(2 * cores)
    });

/// How long a password check waits for a permit before the caller is told to come back.
const ARGON2_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Too many passwords are being hashed or checked at once (answered with 503).
#[derive(Debug, thiserror::Error)]
#[error("too many password checks at once")]
pub struct Busy;

/// Runs one Argon2 computation under a permit, off the async workers.
async fn with_argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let permit = tokio::time::timeout(ARGON2_WAIT, ARGON2_PERMITS.acquire())
        .await
        .map_err(|_| Busy)?
        .context("argon2 permits closed")?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .context("argon2 task failed")?;
    drop(permit);
    Ok(result)
}

/// Whether an error is [`Busy`] (the caller may try again), not a fault.
pub fn is_busy(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Busy>().is_some()
}

/// Hashes a password with argon2id (the crate's default: m = 19 MiB, t = 2, p = 1).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    with_argon2(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// A real hash of a random password, made once (at start-up: [`prepare`]), which unknown accounts
/// are checked against so that they take as long as known ones.
pub(super) static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Makes the dummy hash before the first login needs it.
pub async fn prepare() {
    // The dummy's hashing blocks for tens of milliseconds.
    let _ = tokio::task::spawn_blocking(|| DUMMY_HASH.len()).await;
}

/// Checks a password against a stored hash. With no hash (an unknown or inactive account) the
/// password is checked against [`DUMMY_HASH`], so both take the same time; the answer is `false`.
pub async fn verify_password(hash: Option<String>, password: String) -> anyhow::Result<bool> {
    let known = hash.is_some();
    with_argon2(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
            && known
    })
    .await
}
