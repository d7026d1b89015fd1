//! A cheap MIME pre-pass that leaves out the bodies of attachments dealwatch would not read.
//!
//! Most of a business mailbox's bytes are attachments (drawings, photos, spreadsheets, brochures)
//! and decoding their base64 is most of what parsing a message costs. dealwatch reads only the
//! text of small PDFs (quotes). So before the message is parsed, each large non-text leaf part
//! whose content would not be read keeps its MIME header, gets an empty body, and carries its
//! approximate decoded size in an [`OMITTED_HEADER`] header for the attachment list.
//!
//! The HTML alternative of a message that also has a plain-text one is left out the same way:
//! the parser reads the plain text ([`mail_parser::Message::text_bodies`]), never that HTML.
//!
//! The pass only finds boundaries; it never decodes. When the structure is not what it expects
//! (no boundary, deep nesting, a part without a header end) it leaves that part untouched, so the
//! worst case is the full parse it replaces. Parts it keeps are copied byte for byte.

use std::borrow::Cow;

use memchr::memmem;

/// The header set on a part whose body was left out; its value is the approximate decoded size.
pub const OMITTED_HEADER: &str = "X-Dealwatch-Omitted";

/// The decoded size recorded on a part whose body [`slim`] left out.
pub fn omitted_size(part: &mail_parser::MessagePart<'_>) -> Option<usize> {
    part.headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(OMITTED_HEADER))
        .and_then(|h| h.value().as_text())
        .and_then(|v| v.trim().parse().ok())
}

/// Whether a leaf part's body is left out, from its `type/subtype` (lowercase), file name,
/// encoded length and transfer encoding: `Some(approximate decoded size)` for a large non-text
/// part whose content `wanted` says is not read. Shared with the IMAP client, which decides from
/// BODYSTRUCTURE which parts to fetch.
pub fn omitted(
    ctype: &str,
    name: &str,
    encoded: usize,
    base64: bool,
    wanted: Wanted,
) -> Option<usize> {
    if encoded < KEEP_BELOW
        || ctype.starts_with("text/")
        || ctype.starts_with("message/")
        || ctype.starts_with("multipart/")
    {
        return None;
    }
    // Base64 lines carry 57 bytes in 76 characters plus a line break; the low estimate (CRLF
    // breaks, short lines) decides, so a part near a limit is kept and `parse` judges exactly.
    let (decoded, decoded_low) = if base64 {
        (encoded / 77 * 57, encoded / 78 * 54)
    } else {
        (encoded, encoded * 9 / 10)
    };
    (!wanted(ctype, name, decoded_low)).then_some(decoded)
}

/// Whether a leaf is an HTML alternative that is never read: `text/html` under a
/// `multipart/alternative` that also has a `text/plain` part (`in_plain_alternative`).
/// Shared with the IMAP client.
pub fn unread_html(ctype: &str, in_plain_alternative: bool) -> bool {
    in_plain_alternative && ctype == "text/html"
}

/// Whether a multipart (its `type/subtype`, lowercase) is an alternative whose direct children
/// (their `type/subtype`, asked only then) hold a plain text: its HTML siblings are not read
/// (see [`unread_html`]). Shared with the IMAP client.
pub fn plain_alternative(multipart_type: &str, mut children: impl Iterator<Item = String>) -> bool {
    multipart_type == "multipart/alternative" && children.any(|c| c == "text/plain")
}

/// Bodies up to this many encoded bytes are always kept: too small to be worth leaving out.
const KEEP_BELOW: usize = 16 * 1024;
/// Multipart nesting deeper than this is copied as it is.
const MAX_DEPTH: usize = 8;

/// Decides, from a part's content type, file name and decoded size, whether its content will be
/// read. Mirrors what `parse` reads: text parts always, PDFs up to a size that depends on the name.
pub type Wanted = fn(content_type: &str, name: &str, decoded_size: usize) -> bool;

/// The message with unneeded attachment bodies left out, or the bytes unchanged (borrowed) when
/// there was nothing to leave out.
pub fn slim<'a>(bytes: &'a [u8], wanted: Wanted) -> Cow<'a, [u8]> {
    let Some((head, body_start)) = split_header(bytes, 0) else {
        return Cow::Borrowed(bytes);
    };
    let ct = header_value(head, "content-type").unwrap_or_default();
    let Some(boundary) = multipart_boundary(&ct) else {
        return Cow::Borrowed(bytes);
    };
    let mut out = Vec::new();
    let mut changed = false;
    let mut cursor = 0;
    walk_multipart(
        bytes,
        (body_start, bytes.len()),
        &boundary,
        (&mime_type(&ct), false),
        0,
        wanted,
        &mut |header_end, end, size| {
            // Copy what precedes the omitted body, then the marker and an empty body.
            if !changed {
                out.reserve(bytes.len() / 4);
                changed = true;
            }
            out.extend_from_slice(&bytes[cursor..header_end]);
            out.extend_from_slice(format!("{OMITTED_HEADER}: {size}\r\n\r\n").as_bytes());
            cursor = end;
        },
    );
    if !changed {
        return Cow::Borrowed(bytes);
    }
    out.extend_from_slice(&bytes[cursor..]);
    Cow::Owned(out)
}

/// Walks the parts of a multipart body in `bytes[from..to]` and calls `omit(header_end,
/// body_end, decoded_size)` for each leaf part to leave out, in order. `header_end` is where the
/// part's header ends, before its blank line. `(multipart_type, in_plain)`: this multipart's
/// `type/subtype`; whether it lies inside an alternative with a plain-text part.
fn walk_multipart(
    bytes: &[u8],
    (from, to): (usize, usize),
    boundary: &[u8],
    (multipart_type, in_plain): (&str, bool),
    depth: usize,
    wanted: Wanted,
    omit: &mut dyn FnMut(usize, usize, usize),
) {
    if depth >= MAX_DEPTH {
        return;
    }
    let mut delim = Vec::with_capacity(boundary.len() + 3);
    delim.extend_from_slice(b"\n--");
    delim.extend_from_slice(boundary);
    let finder = memmem::Finder::new(&delim);
    // The first delimiter may open the body without a preceding newline.
    let region = &bytes[from..to];
    let first = if region.starts_with(&delim[1..]) {
        Some(0)
    } else {
        finder.find(region).map(|p| p + 1)
    };
    let Some(mut pos) = first.map(|p| from + p) else {
        return;
    };
    let mut parts = Vec::new();
    loop {
        // `pos` is at "--boundary"; what follows is "--" (the end) or the rest of the line.
        let after = pos + 2 + boundary.len();
        if bytes.get(after..after + 2) == Some(b"--") {
            break;
        }
        let Some(line_end) = memchr::memchr(b'\n', &bytes[after.min(to)..to]) else {
            break;
        };
        let part_start = after + line_end + 1;
        let next = finder
            .find(&bytes[part_start.min(to)..to])
            .map(|p| part_start + p);
        // The part's bytes end before the newline that precedes the next delimiter.
        parts.push((part_start, next.unwrap_or(to)));
        match next {
            Some(n) => pos = n + 1,
            None => break,
        }
    }
    let in_plain = in_plain
        || plain_alternative(
            multipart_type,
            parts.iter().map(|&(start, end)| {
                split_header(&bytes[..end], start)
                    .map(|(head, _)| {
                        mime_type(&header_value(head, "content-type").unwrap_or_default())
                    })
                    .unwrap_or_default()
            }),
        );
    for (start, end) in parts {
        part(bytes, start, end, in_plain, depth, wanted, omit);
    }
}

fn part(
    bytes: &[u8],
    start: usize,
    end: usize,
    in_plain: bool,
    depth: usize,
    wanted: Wanted,
    omit: &mut dyn FnMut(usize, usize, usize),
) {
    if start >= end {
        return;
    }
    let Some((head, body_start)) = split_header(&bytes[..end], start) else {
        return;
    };
    let ct = header_value(head, "content-type").unwrap_or_default();
    if let Some(inner) = multipart_boundary(&ct) {
        walk_multipart(
            bytes,
            (body_start, end),
            &inner,
            (&mime_type(&ct), in_plain),
            depth + 1,
            wanted,
            omit,
        );
        return;
    }
    let encoded = end.saturating_sub(body_start);
    let ctype = mime_type(&ct);
    if unread_html(&ctype, in_plain) && encoded > 0 {
        let header_end = body_start - blank_len(bytes, body_start);
        omit(header_end, end, encoded);
        return;
    }
    if encoded < KEEP_BELOW {
        return;
    }
    let base64 = header_value(head, "content-transfer-encoding")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("base64"));
    let name = header_value(head, "content-disposition")
        .and_then(|d| param(&d, "filename"))
        .or_else(|| param(&ct, "name"))
        .unwrap_or_default();
    let Some(decoded) = omitted(&ctype, &name, encoded, base64, wanted) else {
        return;
    };
    let header_end = body_start - blank_len(bytes, body_start);
    omit(header_end, end, decoded);
}

/// Splits the header block starting at `from`: (header bytes, body start). `None` when no blank
/// line ends it.
fn split_header(bytes: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let region = bytes.get(from..)?;
    // A part with no header at all starts with its blank line.
    if region.starts_with(b"\r\n") {
        return Some((&region[..0], from + 2));
    }
    if region.starts_with(b"\n") {
        return Some((&region[..0], from + 1));
    }
    let lf = memmem::find(region, b"\n\n").map(|p| (p, 2));
    let crlf = memmem::find(region, b"\n\r\n").map(|p| (p, 3));
    let (p, len) = match (lf, crlf) {
        (Some(a), Some(b)) => {
            if a.0 < b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    Some((&region[..p + 1], from + p + len))
}

/// Length of the blank line that ends right before `body_start` (1 for LF, 2 for CRLF).
fn blank_len(bytes: &[u8], body_start: usize) -> usize {
    if body_start >= 2 && bytes.get(body_start - 2..body_start) == Some(b"\r\n") {
        2
    } else {
        1
    }
}

/// The unfolded value of the first header named `name` (lowercase) in a header block.
pub(crate) fn header_value(head: &[u8], name: &str) -> Option<String> {
    let mut lines = head.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if !line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(name.as_bytes())
        {
            continue;
        }
        let mut value = String::from_utf8_lossy(&line[colon + 1..])
            .trim()
            .to_string();
        while let Some(next) = lines.peek() {
            if next.first().is_some_and(|&b| b == b' ' || b == b'\t') {
                value.push(' ');
                value.push_str(String::from_utf8_lossy(next).trim());
                lines.next();
            } else {
                break;
            }
        }
        return Some(value);
    }
    None
}

/// `type/subtype`, lowercased, of a Content-Type value.
fn mime_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The boundary of a `multipart/*` Content-Type value.
fn multipart_boundary(ct: &str) -> Option<Vec<u8>> {
    if !mime_type(ct).starts_with("multipart/") {
        return None;
    }
    param(ct, "boundary")
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .map(String::into_bytes)
}

/// A parameter of a header value (`; name="value"` or `; name=value`), case-insensitive name.
/// RFC 2231 continuations (`name*0=`) are joined; their encoding is left as it is.
fn param(value: &str, name: &str) -> Option<String> {
    let mut whole: Option<String> = None;
    let mut pieces: Vec<(usize, String)> = Vec::new();
    for item in value.split(';').skip(1) {
        let Some((k, v)) = item.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim().trim_matches('"').to_string();
        if k == name || k == format!("{name}*") {
            whole.get_or_insert(v);
        } else if let Some(rest) = k.strip_prefix(&format!("{name}*")) {
            let n = rest.trim_end_matches('*').parse().unwrap_or(usize::MAX);
            pieces.push((n, v));
        }
    }
    if whole.is_none() && !pieces.is_empty() {
        pieces.sort_by_key(|(n, _)| *n);
        whole = Some(pieces.into_iter().map(|(_, v)| v).collect());
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf_only_small(ct: &str, _name: &str, size: usize) -> bool {
        ct == "application/pdf" && size < 50_000
    }

    fn message(attachment_type: &str, body_len: usize, eol: &str) -> Vec<u8> {
        let blob = "QUJD".repeat(body_len / 4);
        let lines: Vec<&str> = blob
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        let text = [
            "From: a@example.com",
            "Subject: plans",
            "Content-Type: multipart/mixed; boundary=\"XX\"",
            "",
            "preamble",
            "--XX",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Hello, the plans are attached.",
            "--XX",
            &format!("Content-Type: {attachment_type}; name=\"plan.bin\""),
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"plan.bin\"",
            "",
            &lines.join(eol),
            "--XX--",
            "",
        ]
        .join(eol);
        text.into_bytes()
    }

    #[test]
    fn large_unread_attachments_lose_their_body_only() {
        for eol in ["\n", "\r\n"] {
            let raw = message("image/jpeg", 100_000, eol);
            let slimmed = slim(&raw, pdf_only_small);
            assert!(matches!(slimmed, Cow::Owned(_)), "eol {eol:?}");
            assert!(slimmed.len() < 2_000, "{} bytes left", slimmed.len());
            let msg = mail_parser::MessageParser::default()
                .parse(&slimmed[..])
                .expect("parsable");
            assert_eq!(
                msg.body_text(0).as_deref().map(str::trim),
                Some("Hello, the plans are attached.")
            );
            let att = msg.attachment(0).expect("attachment kept");
            use mail_parser::MimeHeaders;
            assert_eq!(att.attachment_name(), Some("plan.bin"));
            let omitted = omitted_size(att);
            assert!(
                omitted.is_some_and(|n| (72_000..=76_000).contains(&n)),
                "{omitted:?}"
            );
        }
    }

    #[test]
    fn wanted_and_small_parts_are_untouched() {
        let raw = message("application/pdf", 20_000, "\n");
        assert!(matches!(slim(&raw, pdf_only_small), Cow::Borrowed(_)));
        let small = message("image/jpeg", 4_000, "\n");
        assert!(matches!(slim(&small, pdf_only_small), Cow::Borrowed(_)));
    }

    #[test]
    fn single_part_and_headerless_input_is_untouched() {
        for raw in [
            &b"Subject: x\n\nbody"[..],
            b"",
            b"no header end",
            b"Content-Type: multipart/mixed\n\nno boundary",
        ] {
            assert!(matches!(slim(raw, pdf_only_small), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn nested_and_truncated_multiparts_are_handled() {
        let inner = String::from_utf8(message("application/zip", 60_000, "\n")).unwrap_or_default();
        // Nest the whole message as an alternative inside another multipart, and cut it short.
        let body = inner.replacen("From: a@example.com\nSubject: plans\n", "", 1);
        let outer = format!(
            "Subject: outer\nContent-Type: multipart/mixed; boundary=\"OUT\"\n\n--OUT\n{body}\n--OUT--\n"
        );
        let slimmed = slim(outer.as_bytes(), pdf_only_small);
        assert!(slimmed.len() < 2_000);
        let cut = &outer.as_bytes()[..outer.len() / 2];
        let slimmed = slim(cut, pdf_only_small);
        assert!(slimmed.len() < 2_000);
        assert!(String::from_utf8_lossy(&slimmed).contains(OMITTED_HEADER));
    }

    fn alternative(with_plain: bool) -> Vec<u8> {
        let plain = if with_plain {
            "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici le devis.\r\n"
        } else {
            ""
        };
        format!(
            "Subject: devis\r\nContent-Type: multipart/mixed; boundary=mix\r\n\r\n\
             --mix\r\nContent-Type: multipart/related; boundary=rel\r\n\r\n\
             --rel\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n\
             {plain}\
             --alt\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Transfer-Encoding: quoted-printable\r\n\r\n\
             <p>Bonjour, voici le devis =C3=A0 signer.</p>\r\n\
             --alt--\r\n--rel--\r\n--mix--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn the_html_alternative_of_a_plain_text_is_left_out() {
        let raw = alternative(true);
        let slimmed = slim(&raw, pdf_only_small);
        let text = String::from_utf8_lossy(&slimmed);
        assert!(!text.contains("<p>"), "{text}");
        assert!(text.contains(OMITTED_HEADER));
        let parse = |b: &[u8]| {
            mail_parser::MessageParser::default()
                .parse(b)
                .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
        };
        assert_eq!(parse(&slimmed), parse(&raw));
        assert_eq!(parse(&slimmed).as_deref(), Some("Bonjour, voici le devis."));
        // Without a plain-text alternative the HTML is the text: kept.
        let html_only = alternative(false);
        assert!(matches!(slim(&html_only, pdf_only_small), Cow::Borrowed(_)));
    }

    #[test]
    fn parameters_are_read() {
        assert_eq!(
            param("attachment; filename=\"a b.pdf\"", "filename").as_deref(),
            Some("a b.pdf")
        );
        assert_eq!(
            param(
                "attachment; filename*0=\"Devis_\"; filename*1=\"12.pdf\"",
                "filename"
            )
            .as_deref(),
            Some("Devis_12.pdf")
        );
        assert_eq!(
            multipart_boundary("Multipart/Mixed; BOUNDARY=abc").as_deref(),
            Some(&b"abc"[..])
        );
    }
}
