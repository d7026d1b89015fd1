//! What to fetch for each message: the header, size and structure come first (cheap); then
//! - nothing more for bulk mail (mailing lists, newsletters), whose header is enough;
//! - only the parts that are read when BODYSTRUCTURE shows large attachments whose content is
//!   not (the same rule as the local pre-pass, [`crate::mail::slim`]): the message is rebuilt
//!   from the fetched parts and part headers made from the structure, with the left-out bodies
//!   empty and their size recorded;
//! - else the whole text after the header when it is small, its beginning when it is large
//!   (marked truncated).

use std::collections::HashMap;

use async_imap::imap_proto::{
    AttributeValue, BodyStructure, ContentEncoding, MessageSection, SectionPath,
};
use chrono::{DateTime, Utc};

use crate::mail::slim;

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
    /// The MIME structure, when the server sent one we can rebuild the message from.
    pub structure: Option<Node>,
    /// The From address, lowercased, read from the raw header.
    pub from: Option<String>,
    /// Whether the header has a Message-ID. Without one a message's identity is a hash of all
    /// its bytes, so its whole header is fetched (see [`Want`]).
    pub has_id: bool,
}

/// The address of the first From header of a raw header block (`<a@b>` or a bare `a@b`).
pub fn from_address(header: &[u8]) -> Option<String> {
    let value = slim::header_value(header, "from")?;
    let addr = match (value.find('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => value[a + 1..b].to_string(),
        _ => value
            .split(|c: char| c.is_whitespace() || c == ',')
            .find(|w| w.contains('@'))?
            .to_string(),
    };
    let addr = addr.trim().trim_matches('"').to_ascii_lowercase();
    addr.contains('@').then_some(addr)
}

/// A node of a message's MIME structure, from BODYSTRUCTURE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A multipart with its boundary and children.
    Multipart {
        /// `mixed`, `alternative`, ...
        subtype: String,
        /// The boundary parameter.
        boundary: String,
        /// The children, in order.
        parts: Vec<Node>,
    },
    /// A leaf part (a message/rfc822 part is a leaf here: fetched whole).
    Leaf {
        /// The IMAP part path (`1.2` is `[1, 2]`).
        path: Vec<u32>,
        /// The part's MIME header, made from the structure (ends with CRLF, no blank line).
        header: String,
        /// Encoded size.
        octets: u32,
        /// `Some(decoded size)` when the body is not fetched.
        omitted: Option<usize>,
    },
}

impl Node {
    fn leaves<'a>(&'a self, out: &mut Vec<&'a Node>) {
        match self {
            Node::Multipart { parts, .. } => parts.iter().for_each(|p| p.leaves(out)),
            leaf => out.push(leaf),
        }
    }

    /// The paths and sizes of the leaves whose body is fetched.
    pub fn kept(&self) -> Vec<(Vec<u32>, u32)> {
        let mut leaves = Vec::new();
        self.leaves(&mut leaves);
        leaves
            .into_iter()
            .filter_map(|l| match l {
                Node::Leaf {
                    path,
                    octets,
                    omitted: None,
                    ..
                } => Some((path.clone(), *octets)),
                _ => None,
            })
            .collect()
    }

    fn any_omitted(&self) -> bool {
        match self {
            Node::Multipart { parts, .. } => parts.iter().any(Node::any_omitted),
            Node::Leaf { omitted, .. } => omitted.is_some(),
        }
    }
}

/// Converts a BODYSTRUCTURE into a [`Node`] tree. `None` when a multipart has no boundary (the
/// message could not be rebuilt faithfully) or the nesting is unreasonably deep. `documents`
/// says whether attached documents are read (our own mail); when not, every large attachment is
/// left out.
pub fn node_from(bs: &BodyStructure<'_>, documents: bool) -> Option<Node> {
    /// `in_plain`: inside an alternative with a plain-text part (its HTML is not read).
    fn walk(
        bs: &BodyStructure<'_>,
        path: Vec<u32>,
        depth: usize,
        documents: bool,
        in_plain: bool,
    ) -> Option<Node> {
        if depth > 16 {
            return None;
        }
        match bs {
            BodyStructure::Multipart { common, bodies, .. } => {
                let boundary = param(&common.ty.params, "boundary")?;
                let in_plain = in_plain
                    || slim::plain_alternative(&mime_type(bs), bodies.iter().map(mime_type));
                let mut parts = Vec::with_capacity(bodies.len());
                for (i, b) in bodies.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(u32::try_from(i + 1).ok()?);
                    parts.push(walk(b, p, depth + 1, documents, in_plain)?);
                }
                Some(Node::Multipart {
                    subtype: common.ty.subtype.to_ascii_lowercase(),
                    boundary,
                    parts,
                })
            }
            BodyStructure::Basic { common, other, .. }
            | BodyStructure::Text { common, other, .. }
            | BodyStructure::Message { common, other, .. } => {
                let ctype = mime_type(bs);
                let name = common
                    .disposition
                    .as_ref()
                    .and_then(|d| param(&d.params, "filename"))
                    .or_else(|| param(&common.ty.params, "name"))
                    .unwrap_or_default();
                let base64 = matches!(other.transfer_encoding, ContentEncoding::Base64);
                let html = slim::unread_html(&ctype, in_plain) && other.octets > 0;
                let omitted = html.then_some(other.octets as usize).or_else(|| {
                    slim::omitted(
                        &ctype,
                        &name,
                        other.octets as usize,
                        base64,
                        if documents {
                            crate::mail::parse::attachment_text_wanted
                        } else {
                            |_, _, _| false
                        },
                    )
                });
                let mut header = format!("Content-Type: {ctype}");
                push_params(&mut header, &common.ty.params);
                header.push_str("\r\n");
                let cte = match &other.transfer_encoding {
                    ContentEncoding::SevenBit => "7bit",
                    ContentEncoding::EightBit => "8bit",
                    ContentEncoding::Binary => "binary",
                    ContentEncoding::Base64 => "base64",
                    ContentEncoding::QuotedPrintable => "quoted-printable",
                    ContentEncoding::Other(o) => o.as_ref(),
                };
                header.push_str(&format!("Content-Transfer-Encoding: {}\r\n", clean(cte)));
                if let Some(d) = &common.disposition {
                    header.push_str(&format!("Content-Disposition: {}", clean(&d.ty)));
                    push_params(&mut header, &d.params);
                    header.push_str("\r\n");
                }
                if let Some(size) = omitted {
                    header.push_str(&format!("{}: {size}\r\n", slim::OMITTED_HEADER));
                }
                Some(Node::Leaf {
                    path: if path.is_empty() { vec![1] } else { path },
                    header,
                    octets: other.octets,
                    omitted,
                })
            }
        }
    }
    walk(bs, Vec::new(), 0, documents, false)
}

/// The `type/subtype` of a structure node, lowercase.
fn mime_type(bs: &BodyStructure<'_>) -> String {
    let ty = match bs {
        BodyStructure::Multipart { common, .. }
        | BodyStructure::Basic { common, .. }
        | BodyStructure::Text { common, .. }
        | BodyStructure::Message { common, .. } => &common.ty,
    };
    format!("{}/{}", ty.ty, ty.subtype).to_ascii_lowercase()
}

fn param(params: &async_imap::imap_proto::BodyParams<'_>, name: &str) -> Option<String> {
    params.as_ref().and_then(|ps| {
        ps.iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case(name)
                    || k.strip_suffix('*')
                        .is_some_and(|k| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.to_string())
    })
}

/// Header text from the server, without line breaks or control characters.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn push_params(header: &mut String, params: &async_imap::imap_proto::BodyParams<'_>) {
    for (k, v) in params.iter().flatten() {
        let v = clean(v).replace('\\', "\\\\").replace('"', "\\\"");
        header.push_str(&format!(";\r\n\t{}=\"{v}\"", clean(k)));
    }
}

/// Rebuilds a message from its header, its structure and the fetched bodies of the kept parts
/// (keyed by path). A kept part missing from `bodies` comes out empty.
pub fn assemble(header: &[u8], root: &Node, bodies: &HashMap<Vec<u32>, Vec<u8>>) -> Vec<u8> {
    fn body(node: &Node, bodies: &HashMap<Vec<u32>, Vec<u8>>, out: &mut Vec<u8>) {
        match node {
            Node::Multipart {
                boundary, parts, ..
            } => {
                for p in parts {
                    out.extend_from_slice(b"--");
                    out.extend_from_slice(boundary.as_bytes());
                    out.extend_from_slice(b"\r\n");
                    entity(p, bodies, out);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"--");
                out.extend_from_slice(boundary.as_bytes());
                out.extend_from_slice(b"--\r\n");
            }
            Node::Leaf { path, .. } => {
                if let Some(b) = bodies.get(path) {
                    out.extend_from_slice(b);
                }
            }
        }
    }
    fn entity(node: &Node, bodies: &HashMap<Vec<u32>, Vec<u8>>, out: &mut Vec<u8>) {
        match node {
            Node::Multipart {
                subtype, boundary, ..
            } => {
                let b = boundary.replace('"', "");
                out.extend_from_slice(
                    format!("Content-Type: multipart/{subtype}; boundary=\"{b}\"\r\n\r\n")
                        .as_bytes(),
                );
            }
            Node::Leaf { header, .. } => {
                out.extend_from_slice(header.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        body(node, bodies, out);
    }
    let mut out = Vec::with_capacity(header.len() + 4096);
    out.extend_from_slice(header);
    if !out.ends_with(b"\r\n\r\n") && !out.ends_with(b"\n\n") {
        out.extend_from_slice(b"\r\n");
    }
    body(root, bodies, &mut out);
    out
}

/// How much of a message body to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyPlan {
    /// Nothing beyond the header (bulk mail).
    HeaderOnly,
    /// `BODY.PEEK[TEXT]`, after the header already fetched.
    Whole,
    /// `BODY.PEEK[TEXT]<0.n>`: the first n bytes of the text.
    Partial(usize),
    /// The parts that are read: `BODY.PEEK[path]`, or `BODY.PEEK[path]<0.n>` for a part cut at
    /// n bytes (the cap).
    Parts(Vec<(Vec<u32>, Option<usize>)>),
}

impl BodyPlan {
    /// Bytes this plan costs, for batch sizing.
    pub fn cost(&self, m: &Meta) -> usize {
        match self {
            BodyPlan::HeaderOnly => m.header.len(),
            BodyPlan::Whole => m.size as usize,
            BodyPlan::Partial(n) => (*n).min(m.size as usize),
            BodyPlan::Parts(_) => {
                m.header.len()
                    + m.structure.as_ref().map_or(0, |s| {
                        s.kept()
                            .iter()
                            .map(|(_, octets)| *octets as usize)
                            .sum::<usize>()
                    })
            }
        }
    }

    /// Whether what this plan fetches stops short of what is read (a part or the message cut).
    pub fn truncates(&self, m: &Meta) -> bool {
        match self {
            BodyPlan::HeaderOnly | BodyPlan::Whole => false,
            BodyPlan::Partial(n) => *n < m.size as usize,
            BodyPlan::Parts(parts) => parts.iter().any(|(_, n)| n.is_some()),
        }
    }

    /// Whether a body FETCH is needed at all.
    pub fn fetches_anything(&self) -> bool {
        match self {
            BodyPlan::HeaderOnly => false,
            BodyPlan::Parts(p) => !p.is_empty(),
            BodyPlan::Whole | BodyPlan::Partial(_) => true,
        }
    }
}

/// What to fetch of one message after its metadata: its body plan, and its whole header when
/// the fields fetched with the metadata are not enough (no Message-ID: the identity is a hash
/// of the message's bytes, which must then include the whole header, as on disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want {
    /// The body.
    pub plan: BodyPlan,
    /// `BODY.PEEK[HEADER]` too.
    pub header: bool,
}

impl Want {
    /// What to fetch of `m`, given the per-message (or per-part) cap.
    pub fn of(m: &Meta, cap: usize) -> Want {
        Want {
            plan: plan(m, cap),
            header: !m.has_id,
        }
    }

    /// Whether a body FETCH is needed at all.
    pub fn fetches_anything(&self) -> bool {
        self.header || self.plan.fetches_anything()
    }
}

/// The plan for one message, given the per-message (or per-part) cap.
pub fn plan(m: &Meta, cap: usize) -> BodyPlan {
    if m.bulk {
        return BodyPlan::HeaderOnly;
    }
    if let Some(s) = &m.structure
        && s.any_omitted()
    {
        return BodyPlan::Parts(
            s.kept()
                .into_iter()
                .map(|(p, octets)| (p, (octets as usize > cap).then_some(cap)))
                .collect(),
        );
    }
    if (m.size as usize) <= cap {
        BodyPlan::Whole
    } else {
        BodyPlan::Partial(cap)
    }
}

/// The section name of a part path (`1.2`).
pub fn section(path: &[u32]) -> String {
    path.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Groups UIDs by fetch items: (items, sorted UIDs).
pub fn group_commands<'a>(
    todo: impl IntoIterator<Item = (u32, &'a Want)>,
) -> Vec<(String, Vec<u32>)> {
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for (uid, want) in todo {
        let mut items: Vec<String> = match &want.plan {
            BodyPlan::HeaderOnly => Vec::new(),
            // The header came with the metadata: only the text after it is fetched.
            BodyPlan::Whole => vec!["BODY.PEEK[TEXT]".to_string()],
            BodyPlan::Partial(n) => vec![format!("BODY.PEEK[TEXT]<0.{n}>")],
            // Whole parts need no range, so messages of the same shape share one command.
            BodyPlan::Parts(parts) => parts
                .iter()
                .map(|(p, n)| match n {
                    Some(n) => format!("BODY.PEEK[{}]<0.{n}>", section(p)),
                    None => format!("BODY.PEEK[{}]", section(p)),
                })
                .collect(),
        };
        if want.header {
            items.push("BODY.PEEK[HEADER]".to_string());
        }
        if items.is_empty() {
            continue;
        }
        let items = items.join(" ");
        match out.iter_mut().find(|(i, _)| *i == items) {
            Some((_, uids)) => uids.push(uid),
            None => out.push((items, vec![uid])),
        }
    }
    for (_, uids) in &mut out {
        uids.sort_unstable();
    }
    out
}

/// The header fields fetched with the metadata: those dealwatch reads
/// ([`crate::mail::parse::READ_HEADERS`]), not Received chains or signatures.
pub fn header_fields() -> String {
    crate::mail::parse::READ_HEADERS.join(" ")
}

/// Whether a FETCH response is a metadata one (it carries the size), not a body one.
pub fn is_meta_response(attrs: &[AttributeValue<'_>]) -> bool {
    attrs
        .iter()
        .any(|a| matches!(a, AttributeValue::Rfc822Size(_)))
}

/// Reads a metadata FETCH response. `ours` says whether a From address is ours: attached
/// documents are fetched only for our own mail (they serve our quotes).
pub fn meta_from(attrs: &[AttributeValue<'_>], ours: &dyn Fn(&str) -> bool) -> Option<Meta> {
    let mut uid = None;
    let mut size = None;
    let mut internal_date = None;
    let mut structure = None;
    let header = attrs.iter().find_map(|a| match a {
        AttributeValue::BodySection {
            section: Some(SectionPath::Full(MessageSection::Header)),
            data,
            ..
        } => Some(data.as_deref().unwrap_or_default().to_vec()),
        _ => None,
    });
    let from = header.as_deref().and_then(from_address);
    let documents = from.as_deref().is_none_or(ours);
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::Rfc822Size(s) => size = Some(*s),
            AttributeValue::InternalDate(d) => internal_date = super::parse_internal_date(d),
            AttributeValue::BodyStructure(bs) => structure = node_from(bs, documents),
            _ => {}
        }
    }
    let header = header?;
    let bulk = is_bulk(&header);
    let has_id = slim::header_value(&header, "message-id").is_some_and(|v| !v.trim().is_empty());
    Some(Meta {
        uid: uid?,
        size: size?,
        internal_date,
        header,
        bulk,
        structure,
        from,
        has_id,
    })
}

/// What a body FETCH response carried for one message.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The message text after the header (or its beginning).
    pub text: Option<Vec<u8>>,
    /// Part bodies, by path.
    pub parts: HashMap<Vec<u32>, Vec<u8>>,
    /// The whole header, when it was asked for.
    pub header: Option<Vec<u8>>,
}

impl Fetched {
    /// Whether everything asked for is here.
    pub fn complete(&self, want: &Want) -> bool {
        let body = match &want.plan {
            BodyPlan::HeaderOnly => true,
            BodyPlan::Whole | BodyPlan::Partial(_) => self.text.is_some(),
            BodyPlan::Parts(p) => p.iter().all(|(path, _)| self.parts.contains_key(path)),
        };
        body && (!want.header || self.header.is_some())
    }
}

/// Reads a body FETCH response into `into` (keyed by UID); returns the bytes it carried.
pub fn body_from(attrs: &[AttributeValue<'_>], into: &mut HashMap<u32, Fetched>) -> usize {
    let Some(uid) = attrs.iter().find_map(|a| match a {
        AttributeValue::Uid(u) => Some(*u),
        _ => None,
    }) else {
        return 0;
    };
    let mut bytes = 0;
    for a in attrs {
        let AttributeValue::BodySection {
            section: Some(section),
            data,
            ..
        } = a
        else {
            continue;
        };
        if !matches!(
            section,
            SectionPath::Full(MessageSection::Text | MessageSection::Header)
                | SectionPath::Part(_, None)
        ) {
            continue;
        }
        let d = data.as_deref().unwrap_or_default().to_vec();
        bytes += d.len();
        let f = into.entry(uid).or_default();
        match section {
            SectionPath::Full(MessageSection::Header) => f.header = Some(d),
            SectionPath::Part(path, _) => {
                f.parts.insert(path.clone(), d);
            }
            _ => f.text = Some(d),
        }
    }
    bytes
}

/// Whether a header marks bulk mail, whose body is not fetched: the same rule as the parser's
/// ([`crate::mail::parse::looks_bulk`]).
pub fn is_bulk(header: &[u8]) -> bool {
    crate::mail::parse::looks_bulk(header)
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
        // Portals mark their notices bulk but auto-generated: those carry decisions.
        assert!(!is_bulk(
            b"Precedence: bulk\r\nAuto-Submitted: auto-generated\r\n\r\n"
        ));
    }

    /// A Dovecot-style FETCH response: text and HTML alternatives, a large photo, a small PDF.
    const STRUCTURE: &[u8] = b"* 1 FETCH (UID 7 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 40 2 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 60 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"alt\") NIL NIL NIL)(\"image\" \"jpeg\" (\"name\" \"site.jpg\") NIL NIL \"base64\" 80000 NIL (\"attachment\" (\"filename\" \"site.jpg\")) NIL NIL)(\"application\" \"pdf\" (\"name\" \"Devis_DEV-1.pdf\") NIL NIL \"base64\" 30000 NIL (\"attachment\" (\"filename*\" \"Devis_DEV-1.pdf\")) NIL NIL) \"mixed\" (\"boundary\" \"mix\") NIL NIL NIL))\r\n";

    fn structure() -> Node {
        let (_, resp) =
            async_imap::imap_proto::parser::parse_response(STRUCTURE).expect("parsable response");
        let async_imap::imap_proto::Response::Fetch(_, attrs) = resp else {
            panic!("not a FETCH response");
        };
        attrs
            .iter()
            .find_map(|a| match a {
                AttributeValue::BodyStructure(bs) => node_from(bs, true),
                _ => None,
            })
            .expect("a structure")
    }

    #[test]
    fn only_parts_that_are_read_are_fetched_and_the_message_is_rebuilt() {
        let root = structure();
        let m = Meta {
            uid: 7,
            size: 120_000,
            internal_date: None,
            header: b"From: a@example.com\r\nSubject: devis\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n".to_vec(),
            bulk: false,
            structure: Some(root.clone()),
            from: None,
            has_id: true,
        };
        let plan = plan(&m, 256 * 1024);
        // The HTML alternative of the plain text (1.2) is not read: not fetched.
        assert_eq!(
            plan,
            BodyPlan::Parts(vec![(vec![1, 1], None), (vec![3], None)])
        );
        assert!(!plan.truncates(&m));
        assert_eq!(
            group_commands([(
                7,
                &Want {
                    plan,
                    header: false
                }
            )])[0]
                .0,
            "BODY.PEEK[1.1] BODY.PEEK[3]"
        );
        let mut bodies = HashMap::new();
        bodies.insert(vec![1, 1], b"Bonjour, voici le devis.".to_vec());
        bodies.insert(vec![3], b"JVBERi0xLjQK".to_vec());
        let raw = assemble(&m.header, &root, &bodies);
        let msg = mail_parser::MessageParser::default()
            .parse(&raw[..])
            .expect("parsable");
        assert_eq!(
            msg.body_text(0).as_deref(),
            Some("Bonjour, voici le devis.")
        );
        use mail_parser::MimeHeaders;
        let names: Vec<_> = msg
            .attachments()
            .filter_map(|a| a.attachment_name())
            .collect();
        assert_eq!(names, ["site.jpg", "Devis_DEV-1.pdf"]);
        let photo = msg.attachment(0).expect("photo");
        assert!(slim::omitted_size(photo).is_some_and(|n| n > 50_000));
        assert_eq!(
            msg.attachment(1).map(|a| a.contents()),
            Some(&b"%PDF-1.4\n"[..])
        );
    }

    #[test]
    fn documents_of_others_are_not_fetched() {
        let (_, resp) =
            async_imap::imap_proto::parser::parse_response(STRUCTURE).expect("parsable response");
        let async_imap::imap_proto::Response::Fetch(_, attrs) = resp else {
            panic!("not a FETCH response");
        };
        let Some(AttributeValue::BodyStructure(bs)) = attrs
            .iter()
            .find(|a| matches!(a, AttributeValue::BodyStructure(_)))
        else {
            panic!("no structure");
        };
        let theirs = node_from(bs, false).expect("structure");
        let kept: Vec<Vec<u32>> = theirs.kept().into_iter().map(|(p, _)| p).collect();
        assert_eq!(kept, [vec![1, 1]]);
    }

    #[test]
    fn from_addresses_are_read_from_raw_headers() {
        let h = b"Subject: x\r\nFrom: =?utf-8?q?Ren=C3=A9?= <Rene@Example.COM>\r\nTo: b@c\r\n\r\n";
        assert_eq!(from_address(h).as_deref(), Some("rene@example.com"));
        assert_eq!(
            from_address(b"From: bare@example.com\n\n").as_deref(),
            Some("bare@example.com")
        );
        assert_eq!(from_address(b"From: undisclosed\n\n"), None);
        assert_eq!(from_address(b"To: a@b\n\n"), None);
    }

    #[test]
    fn parts_over_the_cap_are_cut_and_marked() {
        let root = structure();
        let m = Meta {
            uid: 7,
            size: 120_000,
            internal_date: None,
            header: Vec::new(),
            bulk: false,
            structure: Some(root),
            from: None,
            has_id: true,
        };
        let p = plan(&m, 1000);
        assert!(matches!(&p, BodyPlan::Parts(v) if v[1] == (vec![3], Some(1000))));
        assert!(p.truncates(&m));
    }

    #[test]
    fn plans_follow_size_and_bulk() {
        let m = Meta {
            uid: 1,
            size: 10,
            internal_date: None,
            header: Vec::new(),
            bulk: false,
            structure: None,
            from: None,
            has_id: true,
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
