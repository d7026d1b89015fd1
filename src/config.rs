//! Configuration: a TOML file in kebab-case, read in two stages — [`RawConfig`] as written
//! (unknown keys rejected) and [`Config`], validated, with defaults applied. Secrets are
//! [`Secret`] references (an environment variable or a command), resolved only when used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for dealwatch.
    #[error("invalid config {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said, first line only.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("invalid config: {0}")]
    Invalid(String),
    /// A secret could not be resolved.
    #[error("cannot resolve secret {what}: {why}")]
    Secret {
        /// Which secret (never its value).
        what: String,
        /// Why.
        why: String,
    },
}

/// A secret reference: where to get a password or token when it is needed.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Secret {
    /// Read from this environment variable.
    Env(String),
    /// Run this command (through `sh -c`) and take the first line of its output.
    Command(String),
}

impl Secret {
    /// Resolves the secret now. `what` names it in errors; the value and the command's
    /// arguments never appear in an error or a log.
    pub fn resolve(&self, what: &str) -> Result<String, ConfigError> {
        let err = |why: String| ConfigError::Secret {
            what: what.to_string(),
            why,
        };
        match self {
            Secret::Env(var) => std::env::var(var)
                .map_err(|_| err(format!("environment variable {var} is not set"))),
            Secret::Command(cmd) => {
                let program = cmd.split_whitespace().next().unwrap_or("").to_string();
                let out = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|e| err(format!("cannot run password command {program}: {e}")))?;
                if out.status.code() == Some(127) {
                    return Err(err(format!("password command `{program}` not found")));
                }
                if !out.status.success() {
                    return Err(err(format!(
                        "password command `{program}` failed ({})",
                        out.status
                    )));
                }
                let text = String::from_utf8_lossy(&out.stdout);
                let line = text.lines().next().unwrap_or("").trim_end().to_string();
                if line.is_empty() {
                    return Err(err(format!("password command `{program}` printed nothing")));
                }
                Ok(line)
            }
        }
    }
}

/// Refuses a config file that others may write, warns about one that others may read.
fn check_mode(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o002 != 0 {
        return Err(ConfigError::Parse {
            path: path.to_path_buf(),
            message: format!(
                "the file is writable by any user (mode {mode:03o}) and names commands \
                 dealwatch runs; fix it with: chmod 600 {}",
                path.display()
            ),
        });
    }
    // Readable by others matters where the file names secret sources (accounts, SMTP, CalDAV).
    let names_secrets = std::fs::read_to_string(path)
        .is_ok_and(|t| ["password", "token"].iter().any(|k| t.contains(k)));
    if mode & 0o020 != 0 || (mode & 0o044 != 0 && names_secrets) {
        tracing::warn!(
            config = %path.display(),
            "config is readable or writable by other users (mode {mode:03o}); chmod 600 it"
        );
    }
    Ok(())
}

/// A TOML error said in one line, without the offending text: the line may hold a secret
/// (`password = "…"` written in clear), which must not reach a terminal or a journal.
fn parse_message(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().lines().collect::<Vec<_>>().join(" ");
    };
    let before = text.get(..span.start).unwrap_or("");
    let line_no = before.matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    let key = line.split('=').next().unwrap_or("").trim();
    let secret = ["password", "token", "secret", "passphrase"]
        .iter()
        .any(|w| key.to_lowercase().contains(w));
    if secret {
        return format!(
            "line {line_no}: `{key}` is not written in the config; use {key} = {{ env = \"VAR\" }} \
             or {key} = {{ command = \"pass show dealwatch\" }} (the value is not shown)"
        );
    }
    let mut message = e.message().lines().collect::<Vec<_>>().join(" ");
    // A rejected value is never repeated, whatever the key (a rejected key is named).
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let is_value = text
        .get(line_start..span.start)
        .is_some_and(|head| head.contains('='));
    if is_value
        && let Some(value) = text
            .get(span.start..span.end)
            .map(|v| v.trim().trim_matches('"'))
        && !value.is_empty()
    {
        for quoted in [format!("\"{value}\""), format!("`{value}`")] {
            message = message.replace(&quoted, "…");
        }
    }
    format!("line {line_no}: {message}")
}

/// How a connection is secured.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    #[default]
    Implicit,
    /// STARTTLS, mandatory: never falls back to plaintext.
    Starttls,
    /// No TLS: accepted for loopback hosts only.
    None,
}

/// How to authenticate to IMAP.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// LOGIN with a password.
    #[default]
    Login,
    /// SASL XOAUTH2 with an access token printed by `token.command`.
    Xoauth2,
}

/// The whole file, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawConfig {
    /// Who "we" are.
    #[serde(default)]
    pub identity: Identity,
    /// Where the database lives.
    #[serde(default)]
    pub database: DatabaseConfig,
    /// Detector and proposal settings.
    #[serde(default)]
    pub detect: DetectConfig,
    /// IMAP accounts by name.
    #[serde(default)]
    pub accounts: BTreeMap<String, AccountConfig>,
    /// Outgoing mail for digests and invitations.
    pub smtp: Option<SmtpConfig>,
    /// Weekly digests by name.
    #[serde(default)]
    pub digests: BTreeMap<String, DigestConfig>,
    /// Follow-up meetings for won deals.
    #[serde(default)]
    pub followup: FollowupConfig,
    /// The CalDAV calendar, if any.
    pub calendar: Option<CalendarConfig>,
    /// The web board (`dealwatch serve`; also served by `daemon` when present).
    pub web: Option<WebConfig>,
}

/// The web board: where it listens, who may log in, how digest links are signed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WebConfig {
    /// Address and port; loopback by default (`127.0.0.1:8425`).
    #[serde(default = "default_web_listen")]
    pub listen: String,
    /// The board's address as the digest's readers reach it (`https://…`); digests carry
    /// one-click links only when it is set.
    pub public_url: Option<String>,
    /// Signs digest links (a long random string from an env var or command); required with
    /// `public-url`.
    pub secret: Option<Secret>,
    /// Days a digest link stays valid.
    #[serde(default = "default_link_days")]
    pub link_days: u32,
    /// Hours a login lasts.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
    /// `Secure` cookies; default: when `public-url` is https.
    pub secure_cookies: Option<bool>,
    /// Who may log in, by user name.
    #[serde(default)]
    pub users: BTreeMap<String, WebUser>,
}

/// One person who may log in to the board.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WebUser {
    /// Their password (or a long token), from an env var or a command; hashed (Argon2) when the
    /// board starts, the clear text is not kept.
    pub password: Secret,
    /// The accounts whose deals they see; default all of them.
    pub accounts: Option<Vec<String>>,
}

fn default_web_listen() -> String {
    "127.0.0.1:8425".to_string()
}
fn default_link_days() -> u32 {
    14
}
fn default_session_hours() -> u32 {
    12
}

/// Our own addresses and domains: mail from them is outbound, between them internal.
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Identity {
    /// Our addresses (the salesperson's, colleagues').
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Our domains; their subdomains count as ours too.
    #[serde(default)]
    pub domains: Vec<String>,
}

impl Identity {
    /// Whether nothing identifies us yet.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty() && self.domains.is_empty()
    }

    /// Whether `addr` (any case) is one of ours, by address or by (sub)domain.
    pub fn is_ours(&self, addr: &str) -> bool {
        let addr = addr.trim().to_ascii_lowercase();
        if self.addresses.iter().any(|a| a.eq_ignore_ascii_case(&addr)) {
            return true;
        }
        let Some((_, domain)) = addr.rsplit_once('@') else {
            return false;
        };
        self.domains.iter().any(|d| {
            let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
            domain == d || domain.ends_with(&format!(".{d}"))
        })
    }
}

/// Database settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DatabaseConfig {
    /// SQLite file; default `dealwatch.sqlite` in the XDG data directory.
    pub path: Option<PathBuf>,
}

/// Detector and proposal settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DetectConfig {
    /// Days without a customer answer to our last message before proposing `vanished`.
    #[serde(default = "default_quiet_days")]
    pub quiet_days: u32,
    /// Apply proposals at or above `auto-close-confidence` without asking.
    #[serde(default)]
    pub auto_close: bool,
    /// Confidence threshold for `auto-close`.
    #[serde(default = "default_auto_close_confidence")]
    pub auto_close_confidence: f64,
    /// Extra free-mail domains, where the customer is the address, not the domain.
    #[serde(default)]
    pub free_mail_domains: Vec<String>,
    /// Messages larger than this many bytes are read partially and marked truncated.
    #[serde(default = "default_max_message_bytes")]
    pub max_message_bytes: usize,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            quiet_days: default_quiet_days(),
            auto_close: false,
            auto_close_confidence: default_auto_close_confidence(),
            free_mail_domains: Vec::new(),
            max_message_bytes: default_max_message_bytes(),
        }
    }
}

fn default_quiet_days() -> u32 {
    30
}
fn default_auto_close_confidence() -> f64 {
    0.9
}
fn default_max_message_bytes() -> usize {
    16 * 1024 * 1024
}

/// One IMAP account.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AccountConfig {
    /// Server host name.
    pub host: String,
    /// Server port; default 993 (implicit TLS) or 143.
    pub port: Option<u16>,
    /// TLS mode.
    #[serde(default)]
    pub tls: TlsMode,
    /// An extra trust root (PEM); certificates are always verified.
    pub ca_file: Option<PathBuf>,
    /// Login name.
    pub username: String,
    /// Password reference (LOGIN).
    pub password: Option<Secret>,
    /// Authentication method.
    #[serde(default)]
    pub auth: AuthMethod,
    /// Access-token reference (XOAUTH2).
    pub token: Option<Secret>,
    /// Folders to watch; default INBOX and the sent folder.
    pub folders: Option<Vec<String>>,
    /// Polling interval where IDLE is missing.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
    /// IDLE is renewed after this many minutes at most.
    #[serde(default = "default_idle_minutes")]
    pub idle_renew_minutes: u64,
    /// Read timeout on every command, in seconds.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_poll_seconds() -> u64 {
    300
}
fn default_idle_minutes() -> u64 {
    25
}
fn default_timeout_seconds() -> u64 {
    60
}

/// Outgoing mail server.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Server port; default 465 (implicit) or 587 (STARTTLS).
    pub port: Option<u16>,
    /// TLS mode.
    #[serde(default)]
    pub tls: TlsMode,
    /// An extra trust root (PEM).
    pub ca_file: Option<PathBuf>,
    /// Login name; no AUTH when absent.
    pub username: Option<String>,
    /// Password reference.
    pub password: Option<Secret>,
    /// The From header, e.g. `dealwatch <claire@example.com>`.
    pub from: String,
}

/// One weekly digest.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DigestConfig {
    /// Recipients.
    pub to: Vec<String>,
    /// Accounts covered; default every account.
    pub accounts: Option<Vec<String>>,
    /// When, e.g. `mon 08:00`.
    #[serde(default = "default_schedule")]
    pub schedule: String,
    /// IANA time zone of the schedule.
    #[serde(default = "default_timezone")]
    pub timezone: String,
}

fn default_schedule() -> String {
    "mon 08:00".to_string()
}
fn default_timezone() -> String {
    "UTC".to_string()
}

/// Follow-up meeting settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FollowupConfig {
    /// Business days after the win.
    #[serde(default = "default_after_days")]
    pub after_business_days: u32,
    /// Working hours, `HH:MM-HH:MM`.
    #[serde(default = "default_working_hours")]
    pub working_hours: String,
    /// Working days, `mon`..`sun`.
    #[serde(default = "default_working_days")]
    pub working_days: Vec<String>,
    /// Meeting length in minutes.
    #[serde(default = "default_duration")]
    pub duration_minutes: u32,
    /// IANA time zone.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Invite the customer's contact too.
    #[serde(default)]
    pub invite_customer: bool,
    /// Public holidays, `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Busy times as an ICS file or URL, used when no CalDAV calendar is configured.
    pub busy_ics: Option<String>,
    /// Internal attendees (addresses); default the identity's first address.
    #[serde(default)]
    pub attendees: Vec<String>,
}

impl Default for FollowupConfig {
    fn default() -> Self {
        FollowupConfig {
            after_business_days: default_after_days(),
            working_hours: default_working_hours(),
            working_days: default_working_days(),
            duration_minutes: default_duration(),
            timezone: default_timezone(),
            invite_customer: false,
            holidays: Vec::new(),
            busy_ics: None,
            attendees: Vec::new(),
        }
    }
}

fn default_after_days() -> u32 {
    5
}
fn default_working_hours() -> String {
    "09:00-18:00".to_string()
}
fn default_working_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| d.to_string())
        .collect()
}
fn default_duration() -> u32 {
    45
}

/// A CalDAV calendar.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CalendarConfig {
    /// The calendar collection URL.
    pub caldav_url: String,
    /// Login name.
    pub username: Option<String>,
    /// Password reference.
    pub password: Option<Secret>,
    /// An extra trust root (PEM).
    pub ca_file: Option<PathBuf>,
}

/// The validated configuration.
pub type Config = RawConfig;

impl RawConfig {
    /// Reads and validates a config file.
    ///
    /// A config writable by others is refused (it names commands dealwatch runs, and where
    /// secrets come from); one readable by others is read with a warning.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        check_mode(path)?;
        Self::parse(&text, path)
    }

    /// Parses and validates config text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: parse_message(text, &e),
        })?;
        raw.validate()?;
        Ok(raw)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        for a in &self.identity.addresses {
            if !a.contains('@') {
                return Err(ConfigError::Invalid(format!(
                    "identity.addresses: {a:?} is not an email address"
                )));
            }
        }
        if !(0.0..=1.0).contains(&self.detect.auto_close_confidence) {
            return Err(ConfigError::Invalid(
                "detect.auto-close-confidence must be between 0 and 1".into(),
            ));
        }
        if self.detect.quiet_days == 0 {
            return Err(ConfigError::Invalid(
                "detect.quiet-days must be at least 1".into(),
            ));
        }
        for (name, acc) in &self.accounts {
            if acc.tls == TlsMode::None && !is_loopback_host(&acc.host) {
                return Err(ConfigError::Invalid(format!(
                    "accounts.{name}: tls = \"none\" is accepted for loopback hosts only"
                )));
            }
            match acc.auth {
                AuthMethod::Login if acc.password.is_none() => {
                    return Err(ConfigError::Invalid(format!(
                        "accounts.{name}: password.env or password.command is required"
                    )));
                }
                AuthMethod::Xoauth2 if acc.token.is_none() => {
                    return Err(ConfigError::Invalid(format!(
                        "accounts.{name}: auth = \"xoauth2\" needs token.command or token.env"
                    )));
                }
                _ => {}
            }
        }
        if let Some(smtp) = &self.smtp
            && smtp.tls == TlsMode::None
            && !is_loopback_host(&smtp.host)
        {
            return Err(ConfigError::Invalid(
                "smtp: tls = \"none\" is accepted for loopback hosts only".into(),
            ));
        }
        for (name, d) in &self.digests {
            if d.to.is_empty() {
                return Err(ConfigError::Invalid(format!("digests.{name}.to is empty")));
            }
            if d.timezone.parse::<chrono_tz::Tz>().is_err() {
                return Err(ConfigError::Invalid(format!(
                    "digests.{name}.timezone: unknown time zone {:?}",
                    d.timezone
                )));
            }
        }
        if let Some(w) = &self.web {
            if w.listen.parse::<std::net::SocketAddr>().is_err() {
                return Err(ConfigError::Invalid(format!(
                    "web.listen: {:?} is not an address and port (127.0.0.1:8425)",
                    w.listen
                )));
            }
            if let Some(u) = &w.public_url
                && !(u.starts_with("https://") || u.starts_with("http://"))
            {
                return Err(ConfigError::Invalid(format!(
                    "web.public-url: {u:?} must start with https:// or http://"
                )));
            }
            if w.public_url.is_some() && w.secret.is_none() {
                return Err(ConfigError::Invalid(
                    "web: public-url needs secret.env or secret.command to sign digest links"
                        .into(),
                ));
            }
            for (name, u) in &w.users {
                for a in u.accounts.iter().flatten() {
                    if !self.accounts.contains_key(a) && !["maildir", "mbox"].contains(&a.as_str())
                    {
                        return Err(ConfigError::Invalid(format!(
                            "web.users.{name}.accounts: no account {a:?} (accounts: {})",
                            self.accounts.keys().cloned().collect::<Vec<_>>().join(", ")
                        )));
                    }
                }
            }
        }
        if self.followup.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "followup.timezone: unknown time zone {:?}",
                self.followup.timezone
            )));
        }
        Ok(())
    }
}

/// Whether a host name or address is on the loopback interface.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
