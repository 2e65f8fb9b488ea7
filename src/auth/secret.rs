//! Secrets: Argon2id password hashes, random session and token secrets, and the digests under
//! which those are stored. Secrets are never logged; `Secret`'s Debug prints nothing of them.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::error::{Error, FieldError};

/// API tokens start with this, so leaked ones are easy to recognize and scan for.
pub const TOKEN_PREFIX: &str = "pim_";
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_BYTES: usize = 1024;

/// A secret string whose Debug and Display never show it (configuration files may hold one; it
/// is never serialized).
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Refuses passwords that are too short to resist guessing or too long to hash cheaply.
pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::invalid(
            field,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(FieldError::invalid(
            field,
            format!("a password may have at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Argon2id with its recommended parameters (19 MiB, 2 passes), salted; PHC string format.
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so the answer takes as long as
/// for a real account and reveals nothing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
}

fn random_text(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new API token: `pim_` and 256 random bits.
pub fn new_token() -> Secret {
    Secret(format!("{TOKEN_PREFIX}{}", random_text(32)))
}

/// A new session secret for the session cookie: 256 random bits.
pub fn new_session() -> Secret {
    Secret(random_text(32))
}

/// A generated password for first start and demo users.
pub fn new_password() -> Secret {
    Secret(random_text(15))
}

/// How session and token secrets are stored: SHA-256, hex. The secrets carry 256 random bits,
/// so a fast digest is enough (unlike passwords, they cannot be guessed from a dictionary).
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session: derived from the session secret, which scripts on other sites
/// cannot read (the cookie is HttpOnly), so they cannot produce it either.
pub fn csrf_token(session: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf\0{session}").as_bytes()))
}

/// Constant-time comparison of two strings of public length.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
        assert!(check_password("password", "short").is_err());
    }

    #[test]
    fn secrets_are_random_and_never_printed() {
        let a = new_token();
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_ne!(a, new_token());
        assert_eq!(format!("{a:?}"), "Secret(<redacted>)");
        assert_eq!(digest("x").len(), 64);
        assert_ne!(csrf_token("s"), digest("s"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("ab", "abc"));
    }
}
