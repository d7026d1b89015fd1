//! IMAP modified UTF-7 (RFC 3501 5.1.3) mailbox names: `Envoy&AOk-s` is `Envoyés`.

/// Decodes a modified UTF-7 mailbox name; `None` when it is malformed.
pub fn decode(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find('-')?;
        let chunk = &after[..end];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let units = decode_b64(chunk)?;
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn decode_b64(chunk: &str) -> Option<Vec<u16>> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut bytes = Vec::new();
    for c in chunk.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b',' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            bytes.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    if bytes.len() % 2 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_accents_and_ampersand() {
        assert_eq!(decode("Envoy&AOk-s").as_deref(), Some("Envoyés"));
        assert_eq!(
            decode("&AMk-l&AOk-ments envoy&AOk-s").as_deref(),
            Some("Éléments envoyés")
        );
        assert_eq!(decode("A&-B").as_deref(), Some("A&B"));
        assert_eq!(decode("INBOX").as_deref(), Some("INBOX"));
        assert_eq!(decode("bad&AOk").as_deref(), None);
    }
}
