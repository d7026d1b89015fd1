//! Outgoing mail (digests, invitations) through the configured SMTP server with lettre:
//! implicit TLS or mandatory STARTTLS (plaintext only to loopback), certificates always
//! verified (plus an optional extra trust root), credentials resolved when used.

use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpConfig, TlsMode};

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// Settings or secrets are unusable.
    #[error("smtp: {0}")]
    Config(String),
    /// The server or the connection failed.
    #[error("smtp: cannot send through {host}:{port}: {message}")]
    Send {
        /// Server.
        host: String,
        /// Port.
        port: u16,
        /// What went wrong.
        message: String,
    },
}

/// The port used when the config names none.
pub fn default_port(tls: TlsMode) -> u16 {
    match tls {
        TlsMode::Implicit => 465,
        TlsMode::Starttls => 587,
        TlsMode::None => 25,
    }
}

fn transport(cfg: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, SmtpError> {
    let port = cfg.port.unwrap_or_else(|| default_port(cfg.tls));
    let mut params = TlsParameters::builder(cfg.host.clone());
    if let Some(ca) = &cfg.ca_file {
        let pem = std::fs::read(ca)
            .map_err(|e| SmtpError::Config(format!("cannot read ca-file {}: {e}", ca.display())))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| SmtpError::Config(format!("ca-file {}: {e}", ca.display())))?;
        params = params.add_root_certificate(cert);
    }
    let tls = match cfg.tls {
        TlsMode::None => Tls::None,
        mode => {
            let p = params
                .build_rustls()
                .map_err(|e| SmtpError::Config(format!("tls setup: {e}")))?;
            if mode == TlsMode::Implicit {
                Tls::Wrapper(p)
            } else {
                Tls::Required(p)
            }
        }
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
        .port(port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if let Some(user) = &cfg.username {
        let secret = cfg
            .password
            .as_ref()
            .ok_or_else(|| {
                SmtpError::Config(
                    "smtp.username is set but no password.env/password.command".into(),
                )
            })?
            .resolve("smtp password")
            .map_err(|e| SmtpError::Config(e.to_string()))?;
        builder = builder.credentials(Credentials::new(user.clone(), secret));
    }
    Ok(builder.build())
}

/// Sends one message.
pub async fn send(cfg: &SmtpConfig, message: Message) -> Result<(), SmtpError> {
    let t = transport(cfg)?;
    t.send(message).await.map_err(|e| SmtpError::Send {
        host: cfg.host.clone(),
        port: cfg.port.unwrap_or_else(|| default_port(cfg.tls)),
        message: error_chain(&e),
    })?;
    Ok(())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Makes untrusted text safe for a header or a display name: control characters (CR, LF, NUL,
/// ...) become spaces, whitespace runs collapse, and the length is capped.
pub fn header_safe(s: &str, max_chars: usize) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max_chars)
        .collect()
}

/// Makes untrusted text safe for a text body: CRLF and bare CR become LF, other control
/// characters but tab are removed.
pub fn body_safe(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_safe_removes_line_breaks_and_nul() {
        assert_eq!(header_safe("Evil\r\nBcc: x@y\0z", 100), "Evil Bcc: x@y z");
        assert_eq!(header_safe(&"é".repeat(500), 10).chars().count(), 10);
    }

    #[test]
    fn body_safe_has_no_bare_cr() {
        let b = body_safe("a\rb\r\nc\0d");
        assert!(!b.contains('\r'));
        assert_eq!(b, "a\nb\ncd");
    }
}
