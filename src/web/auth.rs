//! Who is logged in to the board: passwords checked against Argon2 hashes made when the board
//! starts (the clear text from the config's secret source is dropped at once), sessions as
//! random tokens in an `HttpOnly; SameSite=Strict` cookie (`Secure` behind TLS), and a CSRF
//! token per session that every POST must carry.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::config::WebConfig;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "dw_session";
/// The cookie a login form's token is checked against (login CSRF).
pub const LOGIN_COOKIE: &str = "dw_login";

/// Why the board cannot start.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A user's password could not be read.
    #[error("{0}")]
    Secret(#[from] crate::config::ConfigError),
    /// No user configured.
    #[error("no [web.users.NAME] in the config: nobody could log in to the board")]
    NoUsers,
    /// The system's random source failed.
    #[error("no random numbers from the system: {0}")]
    Random(String),
    /// Hashing failed.
    #[error("cannot hash the password of web user {0}")]
    Hash(String),
}

/// One user as the board knows them.
#[derive(Debug)]
pub struct User {
    /// The Argon2 hash (PHC string) of their password.
    hash: String,
    /// The accounts whose deals they see; None: all.
    pub accounts: Option<Vec<String>>,
}

/// A logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user name.
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
    expires: Instant,
}

/// Users and sessions.
#[derive(Debug)]
pub struct Auth {
    users: HashMap<String, User>,
    sessions: Mutex<HashMap<String, Session>>,
    /// One message per session, shown on the next page (what a decision did).
    flash: Mutex<HashMap<String, String>>,
    lifetime: Duration,
    /// Compared against when the user name is unknown, so the answer takes as long.
    dummy: String,
}

/// Random bytes as hex.
pub fn token() -> Result<String, AuthError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn hash(password: &str, who: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AuthError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| AuthError::Hash(who.into()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AuthError::Hash(who.into()))
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Constant-time equality of two tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Auth {
    /// Reads every user's password from its secret source and keeps only its hash.
    pub fn from_config(web: &WebConfig) -> Result<Auth, AuthError> {
        if web.users.is_empty() {
            return Err(AuthError::NoUsers);
        }
        let mut users = HashMap::new();
        for (name, u) in &web.users {
            let clear = u.password.resolve(&format!("web.users.{name}.password"))?;
            users.insert(
                name.clone(),
                User {
                    hash: hash(&clear, name)?,
                    accounts: u.accounts.clone(),
                },
            );
        }
        Ok(Auth {
            users,
            sessions: Mutex::new(HashMap::new()),
            flash: Mutex::new(HashMap::new()),
            lifetime: Duration::from_secs(u64::from(web.session_hours.max(1)) * 3600),
            dummy: hash(&token()?, "-")?,
        })
    }

    /// The user's settings.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(name)
    }

    /// Checks a login; on success opens a session and returns its token.
    pub fn login(&self, user: &str, password: &str) -> Result<Option<String>, AuthError> {
        let ok = match self.users.get(user) {
            Some(u) => verify(password, &u.hash),
            None => {
                let _ = verify(password, &self.dummy);
                false
            }
        };
        if !ok {
            return Ok(None);
        }
        let id = token()?;
        let session = Session {
            user: user.to_string(),
            csrf: token()?,
            expires: Instant::now() + self.lifetime,
        };
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, s| s.expires > Instant::now());
        sessions.insert(id.clone(), session);
        Ok(Some(id))
    }

    /// The live session of a token.
    pub fn session(&self, id: &str) -> Option<Session> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .get(id)
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    /// Keeps a message for the session's next page.
    pub fn set_flash(&self, id: &str, text: String) {
        let mut f = self.flash.lock().unwrap_or_else(|e| e.into_inner());
        f.insert(id.to_string(), text);
    }

    /// The message kept for this session, once.
    pub fn take_flash(&self, id: &str) -> Option<String> {
        let mut f = self.flash.lock().unwrap_or_else(|e| e.into_inner());
        f.remove(id)
    }

    /// Ends a session.
    pub fn logout(&self, id: &str) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.remove(id);
        let mut f = self.flash.lock().unwrap_or_else(|e| e.into_inner());
        f.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_checked_against_their_hash() {
        let h = hash("s3cret-pass", "claire").unwrap();
        assert!(h.starts_with("$argon2"), "{h}");
        assert!(!h.contains("s3cret-pass"));
        assert!(verify("s3cret-pass", &h));
        assert!(!verify("s3cret-pasS", &h));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
