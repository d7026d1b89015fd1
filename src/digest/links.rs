//! One-click links in the digest: "Accept" and "Reject" for each waiting decision, pointing at
//! the web board's confirmation page (`[web] public-url`). A link is signed (HMAC-SHA256 with
//! `[web] secret`) over the digest it was sent in, the deal, the action and its expiry, so a
//! link cannot be turned into one for another deal, another digest's readers or a later date.
//! Following a link never changes anything: the page it opens asks to confirm with a POST
//! (mail scanners follow links).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a digest link asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    /// Apply the proposal.
    Accept,
    /// Dismiss the proposal.
    Reject,
}

impl LinkAction {
    /// The word in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkAction::Accept => "accept",
            LinkAction::Reject => "reject",
        }
    }

    /// Parses the word in the URL.
    pub fn parse(s: &str) -> Option<LinkAction> {
        match s {
            "accept" => Some(LinkAction::Accept),
            "reject" => Some(LinkAction::Reject),
            _ => None,
        }
    }
}

/// Why a link is refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    /// The signature does not match what the link says (altered, or signed with another key).
    #[error("this link is not valid (altered, or not made by this dealwatch)")]
    BadSignature,
    /// Past its expiry.
    #[error("this link expired on {0}; open the deal on the board instead")]
    Expired(String),
}

/// Signs and checks digest links with one key.
#[derive(Clone)]
pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(..)")
    }
}

impl LinkSigner {
    /// A signer with this secret (derived into a key of its own, so the same secret can serve
    /// other purposes without its MACs being interchangeable).
    pub fn new(secret: &str) -> LinkSigner {
        let mut mac = mac_with(b"dealwatch digest links v1");
        mac.update(secret.as_bytes());
        LinkSigner {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    fn mac(&self, digest: &str, deal: i64, action: LinkAction, expires: i64) -> HmacSha256 {
        let mut mac = mac_with(&self.key);
        // Length-prefixed fields: no two different links have the same signed text.
        for field in [
            digest,
            &deal.to_string(),
            action.as_str(),
            &expires.to_string(),
        ] {
            mac.update(&(field.len() as u64).to_be_bytes());
            mac.update(field.as_bytes());
        }
        mac
    }

    /// The signature of a link, hex.
    pub fn sign(&self, digest: &str, deal: i64, action: LinkAction, expires: i64) -> String {
        hex(&self
            .mac(digest, deal, action, expires)
            .finalize()
            .into_bytes())
    }

    /// The link's path and query on the board: `/d/ID/ACTION?g=DIGEST&e=EXPIRY&s=SIG`.
    pub fn path(&self, digest: &str, deal: i64, action: LinkAction, expires: i64) -> String {
        format!(
            "/d/{deal}/{}?g={}&e={expires}&s={}",
            action.as_str(),
            url::form_urlencoded::byte_serialize(digest.as_bytes()).collect::<String>(),
            self.sign(digest, deal, action, expires)
        )
    }

    /// Checks a link at `now` (constant-time comparison of the signature).
    pub fn verify(
        &self,
        digest: &str,
        deal: i64,
        action: LinkAction,
        expires: i64,
        sig: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        let bytes = unhex(sig).ok_or(LinkError::BadSignature)?;
        self.mac(digest, deal, action, expires)
            .verify_slice(&bytes)
            .map_err(|_| LinkError::BadSignature)?;
        if now.timestamp() > expires {
            let when = DateTime::from_timestamp(expires, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| expires.to_string());
            return Err(LinkError::Expired(when));
        }
        Ok(())
    }
}

fn mac_with(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length.
        Err(_) => unreachable!("HMAC accepts any key length"),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 128 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn a_link_verifies_only_as_signed() {
        let s = LinkSigner::new("correct horse battery staple");
        let exp = now().timestamp() + 3600;
        let sig = s.sign("weekly", 4, LinkAction::Accept, exp);
        assert_eq!(
            s.verify("weekly", 4, LinkAction::Accept, exp, &sig, now()),
            Ok(())
        );
        let bad = LinkError::BadSignature;
        assert_eq!(
            s.verify("weekly", 5, LinkAction::Accept, exp, &sig, now()),
            Err(bad.clone())
        );
        assert_eq!(
            s.verify("team", 4, LinkAction::Accept, exp, &sig, now()),
            Err(bad.clone())
        );
        assert_eq!(
            s.verify("weekly", 4, LinkAction::Reject, exp, &sig, now()),
            Err(bad.clone())
        );
        assert_eq!(
            s.verify("weekly", 4, LinkAction::Accept, exp + 1, &sig, now()),
            Err(bad.clone())
        );
        let other = LinkSigner::new("another secret");
        assert_eq!(
            other.verify("weekly", 4, LinkAction::Accept, exp, &sig, now()),
            Err(bad.clone())
        );
        assert_eq!(
            s.verify("weekly", 4, LinkAction::Accept, exp, "zz", now()),
            Err(bad)
        );
        let later = now() + chrono::Duration::hours(2);
        assert!(matches!(
            s.verify("weekly", 4, LinkAction::Accept, exp, &sig, later),
            Err(LinkError::Expired(_))
        ));
    }
}
