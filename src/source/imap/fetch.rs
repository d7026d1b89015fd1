//! What to fetch for each message: the header, size and structure come first (cheap); then the
//! whole message when it is small, its beginning when it is large (marked truncated), and nothing
//! more for bulk mail (mailing lists, newsletters), whose header is enough to classify it.

use async_imap::imap_proto::{AttributeValue, MessageSection, SectionPath};
use chrono::{DateTime, Utc};

/// A message's header and size, from the first FETCH.
#[derive(Debug, Clone)]
pub struct Meta {
    /// UID.
    pub uid: u32,
    /// RFC822.SIZE.
    pub size: u32,
    /// INTERNALDATE.
    pub internal_date: Option<DateTime<Utc>>,
    /// The header, as the server sent it.
    pub header: Vec<u8>,
    /// Whether the header marks bulk mail.
    pub bulk: bool,
}

/// How much of a message body to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPlan {
    /// Nothing beyond the header (bulk mail).
    HeaderOnly,
    /// `BODY.PEEK[]`.
    Whole,
    /// `BODY.PEEK[]<0.n>`: the first n bytes.
    Partial(usize),
}

impl BodyPlan {
    /// Bytes this plan costs, for batch sizing.
    pub fn cost(self, m: &Meta) -> usize {
        match self {
            BodyPlan::HeaderOnly => m.header.len(),
            BodyPlan::Whole => m.size as usize,
            BodyPlan::Partial(n) => n.min(m.size as usize),
        }
    }
}

/// The plan for one message, given the whole-message cap.
pub fn plan(m: &Meta, cap: usize) -> BodyPlan {
    if m.bulk {
        BodyPlan::HeaderOnly
    } else if (m.size as usize) <= cap {
        BodyPlan::Whole
    } else {
        BodyPlan::Partial(cap)
    }
}

/// Groups UIDs by fetch items: (items, sorted UIDs).
pub fn group_commands(todo: &[(u32, BodyPlan)]) -> Vec<(String, Vec<u32>)> {
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for (uid, plan) in todo {
        let items = match plan {
            BodyPlan::HeaderOnly => continue,
            BodyPlan::Whole => "BODY.PEEK[]".to_string(),
            BodyPlan::Partial(n) => format!("BODY.PEEK[]<0.{n}>"),
        };
        match out.iter_mut().find(|(i, _)| *i == items) {
            Some((_, uids)) => uids.push(*uid),
            None => out.push((items, vec![*uid])),
        }
    }
    for (_, uids) in &mut out {
        uids.sort_unstable();
    }
    out
}

/// Reads a metadata FETCH response.
pub fn meta_from(attrs: &[AttributeValue<'_>]) -> Option<Meta> {
    let mut uid = None;
    let mut size = None;
    let mut internal_date = None;
    let mut header = None;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::Rfc822Size(s) => size = Some(*s),
            AttributeValue::InternalDate(d) => internal_date = super::parse_internal_date(d),
            AttributeValue::BodySection {
                section: Some(SectionPath::Full(MessageSection::Header)),
                data,
                ..
            } => header = Some(data.as_deref().unwrap_or_default().to_vec()),
            _ => {}
        }
    }
    let header = header?;
    let bulk = is_bulk(&header);
    Some(Meta {
        uid: uid?,
        size: size?,
        internal_date,
        header,
        bulk,
    })
}

/// Reads a body FETCH response: (UID, bytes).
pub fn body_from(attrs: &[AttributeValue<'_>]) -> Option<(u32, Vec<u8>)> {
    let mut uid = None;
    let mut body = None;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::BodySection {
                section: None,
                data: Some(d),
                ..
            } => body = Some(d.to_vec()),
            AttributeValue::Rfc822(Some(d)) => body = Some(d.to_vec()),
            _ => {}
        }
    }
    Some((uid?, body?))
}

/// Whether a header marks bulk mail: `List-Id`, `List-Unsubscribe`, or `Precedence: bulk/list/junk`.
pub fn is_bulk(header: &[u8]) -> bool {
    let text = String::from_utf8_lossy(header);
    text.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("list-id:")
            || lower.starts_with("list-unsubscribe:")
            || (lower.starts_with("precedence:")
                && ["bulk", "list", "junk"]
                    .iter()
                    .any(|p| lower["precedence:".len()..].trim() == *p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_headers_are_recognised() {
        assert!(is_bulk(
            b"From: a@b\r\nList-Unsubscribe: <mailto:x>\r\n\r\n"
        ));
        assert!(is_bulk(b"Precedence: bulk\r\n\r\n"));
        assert!(!is_bulk(b"Subject: List-Id: not a header\r\n\r\n"));
        assert!(!is_bulk(b"Precedence: first-class\r\n\r\n"));
    }

    #[test]
    fn plans_follow_size_and_bulk() {
        let m = Meta {
            uid: 1,
            size: 10,
            internal_date: None,
            header: Vec::new(),
            bulk: false,
        };
        assert_eq!(plan(&m, 100), BodyPlan::Whole);
        let big = Meta {
            size: 1000,
            ..m.clone()
        };
        assert_eq!(plan(&big, 100), BodyPlan::Partial(100));
        let bulk = Meta { bulk: true, ..m };
        assert_eq!(plan(&bulk, 100), BodyPlan::HeaderOnly);
    }
}
