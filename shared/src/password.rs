//! Passwords: generation from a caller-supplied CSPRNG, and SCRAM-SHA-256 verifiers computed on
//! the client exactly as libpq's `PQencryptPasswordConn` does, so that a plaintext password never
//! reaches the server (nor its log, even with `log_statement = all`).
//!
//! Nothing here prints a password: [`Password`] and [`Verifier`] implement `Debug` by hand and
//! print `<redacted>`.

use std::collections::HashSet;
use std::fmt;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha2::{Digest, Sha256};

/// Length of generated passwords (the reference operator uses 64 as well).
pub const PASSWORD_LENGTH: usize = 64;
/// Shortest password [`generate_with_length`] accepts.
pub const MIN_PASSWORD_LENGTH: usize = 32;
/// PBKDF2 iterations of the verifiers we compute (PostgreSQL's default `scram_iterations`).
pub const SCRAM_ITERATIONS: u32 = 4096;
/// Salt length in bytes (PostgreSQL's `SCRAM_DEFAULT_SALT_LEN`).
pub const SCRAM_SALT_LEN: usize = 16;
/// Highest iteration count [`verifier_matches`] is willing to recompute; a stored verifier with
/// more iterations is treated as not matching (and is then replaced by one with
/// [`SCRAM_ITERATIONS`]), which bounds the CPU one sync can spend.
pub const MAX_VERIFY_ITERATIONS: u32 = 1 << 20;

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Errors of this module. None of them carries a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password length {requested} is below the minimum of {min}")]
    TooShort { requested: usize, min: usize },
    #[error("SCRAM salt must not be empty")]
    EmptySalt,
    #[error("SCRAM iteration count must be at least 1")]
    ZeroIterations,
}

/// A plaintext password. `Debug` prints `<redacted>`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps a password read from a Secret (or generated).
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plaintext. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the password is empty (an empty password is never sent to the server).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<String> for Password {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// A SCRAM-SHA-256 verifier as stored in `pg_authid.rolpassword`. `Debug` prints `<redacted>`:
/// a verifier allows offline guessing, so it is kept out of logs too.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier(String);

impl Verifier {
    /// Wraps a stored value read from `pg_authid.rolpassword` (any format).
    pub fn from_stored(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The verifier text, to be embedded in `PASSWORD '…'`. Callers must not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a SCRAM-SHA-256 verifier (as opposed to md5 or plain text).
    pub fn is_scram(&self) -> bool {
        parse_verifier(&self.0).is_some()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

/// Generates a password of [`PASSWORD_LENGTH`] characters of `[A-Za-z0-9]`.
pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Password {
    let mut out = String::with_capacity(PASSWORD_LENGTH);
    fill_alphanumeric(rng, PASSWORD_LENGTH, &mut out);
    Password(out)
}

/// Generates a password of `length` (at least [`MIN_PASSWORD_LENGTH`]) characters of
/// `[A-Za-z0-9]`, each drawn uniformly (rejection sampling, no modulo bias).
pub fn generate_with_length<R: CryptoRng + ?Sized>(
    rng: &mut R,
    length: usize,
) -> Result<Password, PasswordError> {
    if length < MIN_PASSWORD_LENGTH {
        return Err(PasswordError::TooShort {
            requested: length,
            min: MIN_PASSWORD_LENGTH,
        });
    }
    let mut out = String::with_capacity(length);
    fill_alphanumeric(rng, length, &mut out);
    Ok(Password(out))
}

fn fill_alphanumeric<R: CryptoRng + ?Sized>(rng: &mut R, length: usize, out: &mut String) {
    // 248 = 4 * 62: bytes at or above it are rejected so that every character is equally likely.
    const LIMIT: u8 = 248;
    let mut buf = [0u8; 64];
    while out.len() < length {
        rng.fill_bytes(&mut buf);
        for &b in &buf {
            if b < LIMIT {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
                if out.len() == length {
                    break;
                }
            }
        }
    }
}

/// Draws a fresh salt of [`SCRAM_SALT_LEN`] bytes.
pub fn generate_salt<R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; SCRAM_SALT_LEN] {
    let mut salt = [0u8; SCRAM_SALT_LEN];
    rng.fill_bytes(&mut salt);
    salt
}

/// Computes the verifier `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` of
/// `password` with the given salt and [`SCRAM_ITERATIONS`].
pub fn scram_verifier(password: &str, salt: &[u8]) -> Result<Verifier, PasswordError> {
    scram_verifier_with_iterations(password, salt, SCRAM_ITERATIONS)
}

/// [`scram_verifier`] with an explicit iteration count.
pub fn scram_verifier_with_iterations(
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<Verifier, PasswordError> {
    if salt.is_empty() {
        return Err(PasswordError::EmptySalt);
    }
    if iterations == 0 {
        return Err(PasswordError::ZeroIterations);
    }
    let (stored_key, server_key) = scram_keys(password, salt, iterations);
    Ok(Verifier(format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        B64.encode(salt),
        B64.encode(stored_key),
        B64.encode(server_key)
    )))
}

/// Whether `password` is the password that `stored` (the content of `pg_authid.rolpassword`)
/// verifies. Anything that is not a well-formed SCRAM-SHA-256 verifier (md5 hashes, plain text,
/// garbage, absurd iteration counts) does not match, so the caller replaces it.
pub fn verifier_matches(password: &str, stored: &str) -> bool {
    let Some(parsed) = parse_verifier(stored) else {
        return false;
    };
    if parsed.iterations > MAX_VERIFY_ITERATIONS {
        return false;
    }
    let (stored_key, server_key) = scram_keys(password, &parsed.salt, parsed.iterations);
    constant_time_eq(&stored_key, &parsed.stored_key)
        & constant_time_eq(&server_key, &parsed.server_key)
}

/// Remembers (password, stored verifier) pairs that matched, so that a re-sync does not redo
/// 4096 PBKDF2 iterations per role. Entries are SHA-256 digests of the pair (the verifier's
/// random salt makes them salted); they live only in the process's memory. Bounded: the set is
/// cleared when it reaches its capacity.
pub struct VerifierCache {
    known: Mutex<HashSet<[u8; 32]>>,
    capacity: usize,
}

impl Default for VerifierCache {
    fn default() -> Self {
        Self::with_capacity(100_000)
    }
}

impl fmt::Debug for VerifierCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierCache")
            .field("entries", &self.len())
            .finish()
    }
}

impl VerifierCache {
    /// A cache holding at most `capacity` pairs.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            known: Mutex::new(HashSet::new()),
            capacity: capacity.max(1),
        }
    }

    fn key(password: &str, stored: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"pgctl verifier cache v1\0");
        h.update((stored.len() as u64).to_le_bytes());
        h.update(stored.as_bytes());
        h.update(password.as_bytes());
        h.finalize().into()
    }

    /// [`verifier_matches`], answered from the cache when the pair matched before.
    pub fn matches(&self, password: &str, stored: &str) -> bool {
        let key = Self::key(password, stored);
        if self.known.lock().is_ok_and(|k| k.contains(&key)) {
            return true;
        }
        let ok = verifier_matches(password, stored);
        if ok {
            self.remember_key(key);
        }
        ok
    }

    /// Records that `stored` is a verifier of `password` (for verifiers just computed).
    pub fn remember(&self, password: &str, stored: &str) {
        self.remember_key(Self::key(password, stored));
    }

    fn remember_key(&self, key: [u8; 32]) {
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= self.capacity {
                known.clear();
            }
            known.insert(key);
        }
    }

    /// Number of remembered pairs.
    pub fn len(&self) -> usize {
        self.known.lock().map(|k| k.len()).unwrap_or(0)
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

struct ParsedVerifier {
    iterations: u32,
    salt: Vec<u8>,
    stored_key: Vec<u8>,
    server_key: Vec<u8>,
}

fn parse_verifier(stored: &str) -> Option<ParsedVerifier> {
    let rest = stored.strip_prefix("SCRAM-SHA-256$")?;
    let (iter_salt, keys) = rest.split_once('$')?;
    let (iterations, salt) = iter_salt.split_once(':')?;
    let (stored_key, server_key) = keys.split_once(':')?;
    let iterations: u32 = iterations.parse().ok()?;
    let salt = B64.decode(salt).ok()?;
    let stored_key = B64.decode(stored_key).ok()?;
    let server_key = B64.decode(server_key).ok()?;
    if iterations == 0 || salt.is_empty() || stored_key.len() != 32 || server_key.len() != 32 {
        return None;
    }
    Some(ParsedVerifier {
        iterations,
        salt,
        stored_key,
        server_key,
    })
}

/// StoredKey and ServerKey of RFC 5802 / RFC 7677.
fn scram_keys(password: &str, salt: &[u8], iterations: u32) -> ([u8; 32], [u8; 32]) {
    // libpq normalises the password with SASLprep and falls back to the raw bytes when the
    // password is not valid for SASLprep (the server does the same on its side).
    let prepared = stringprep::saslprep(password);
    let bytes: &[u8] = match &prepared {
        Ok(p) => p.as_bytes(),
        Err(_) => password.as_bytes(),
    };
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(bytes, salt, iterations, &mut salted);
    let client_key = hmac_sha256(&salted, b"Client Key");
    let stored_key: [u8; 32] = Sha256::digest(client_key).into();
    let server_key = hmac_sha256(&salted, b"Server Key");
    (stored_key, server_key)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here; the fallback keeps
    // the function total without an unwrap.
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0u8; 32],
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Counter;

    #[test]
    fn generated_passwords_are_long_alphanumeric_and_differ() {
        let mut rng = Counter(0);
        let a = generate(&mut rng);
        let b = generate(&mut rng);
        assert_eq!(a.expose().len(), PASSWORD_LENGTH);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        assert!(matches!(
            generate_with_length(&mut rng, 31),
            Err(PasswordError::TooShort { .. })
        ));
        assert_eq!(
            generate_with_length(&mut rng, 40)
                .map(|p| p.expose().len())
                .ok(),
            Some(40)
        );
    }

    #[test]
    fn debug_is_redacted() {
        let p = Password::new("hunter2hunter2");
        let v = scram_verifier("hunter2hunter2", b"0123456789abcdef");
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
        let v = v.map(|v| format!("{v:?}")).unwrap_or_default();
        assert_eq!(v, "Verifier(<redacted>)");
    }

    #[test]
    fn the_cache_answers_like_verifier_matches() {
        let cache = VerifierCache::with_capacity(2);
        let Ok(v) = scram_verifier("pw", b"saltsaltsaltsalt") else {
            panic!("verifier")
        };
        assert!(cache.is_empty());
        assert!(!cache.matches("other", v.expose()));
        assert!(cache.is_empty(), "mismatches are not remembered");
        assert!(cache.matches("pw", v.expose()));
        assert_eq!(cache.len(), 1);
        assert!(cache.matches("pw", v.expose()));
        assert!(!cache.matches("pw", "md5x"));
        cache.remember("a", "b");
        cache.remember("c", "d");
        assert_eq!(cache.len(), 1, "cleared at capacity");
    }

    #[test]
    fn verifier_round_trip_and_mismatch() {
        let Ok(v) = scram_verifier("secret", b"saltsaltsaltsalt") else {
            panic!("verifier")
        };
        assert!(
            v.expose()
                .starts_with("SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$")
        );
        assert!(verifier_matches("secret", v.expose()));
        assert!(!verifier_matches("Secret", v.expose()));
        assert!(!verifier_matches("secret", "md5abcdef"));
        assert!(!verifier_matches("secret", "SCRAM-SHA-256$x:y$z:w"));
        assert_eq!(scram_verifier("secret", b""), Err(PasswordError::EmptySalt));
    }
}
