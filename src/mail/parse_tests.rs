use super::*;

const REPLY: &str = "Message-ID: <abc@x.fr>\r\nIn-Reply-To: quote-1@us.fr\r\nReferences: <root@us.fr> <quote-1@us.fr>\r\nDate: Tue, 10 Feb 2026 09:14:00 +0100\r\nFrom: =?UTF-8?Q?Ren=C3=A9_Dupr=C3=A9?= <Rene@X.fr>\r\nTo: claire@us.fr\r\nSubject: RE: TR: Devis =?UTF-8?Q?=C3=A9clairage?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBon pour accord, merci.\r\n\r\nLe 9 f=C3=A9vr. 2026 =C3=A0 10:00, Claire <claire@us.fr> a =C3=A9crit :\r\n> Voici notre devis.\r\n";

#[test]
fn ids_date_addresses_and_subject() {
    let m = parse(REPLY.as_bytes(), false);
    assert_eq!(m.message_id, "abc@x.fr");
    assert!(m.has_message_id);
    assert_eq!(
        m.in_reply_to,
        ["quote-1@us.fr"],
        "missing angle brackets tolerated"
    );
    assert_eq!(m.references, ["root@us.fr", "quote-1@us.fr"]);
    assert_eq!(m.date.unwrap().to_rfc3339(), "2026-02-10T09:14:00+01:00");
    let from = m.from.unwrap();
    assert_eq!(from.email, "rene@x.fr");
    assert_eq!(from.name.as_deref(), Some("René Dupré"));
    assert_eq!(m.subject_norm, "devis éclairage");
    assert!(m.subject_is_reply);
    assert!(
        m.new_text.starts_with("Bon pour accord"),
        "{:?}",
        m.new_text
    );
    assert!(!m.new_text.contains("Voici notre devis"));
}

#[test]
fn crlf_and_lf_give_the_same_result() {
    let lf = REPLY.replace("\r\n", "\n");
    let a = parse(REPLY.as_bytes(), false);
    let b = parse(lf.as_bytes(), false);
    assert_eq!(a.message_id, b.message_id);
    assert_eq!(a.new_text, b.new_text);
    assert_eq!(a.subject, b.subject);
}

#[test]
fn missing_message_id_gets_a_content_hash() {
    let raw = b"From: a@x.fr\nSubject: hi\n\nbody\n";
    let m = parse(raw, false);
    assert!(m.message_id.starts_with("sha256:"));
    assert!(!m.has_message_id);
    assert!(m.defects.iter().any(|d| d.contains("Message-ID")));
    assert_eq!(
        parse(raw, false).message_id,
        m.message_id,
        "stable identity"
    );
}

#[test]
fn garbage_and_empty_input_never_panic() {
    for raw in [
        &b""[..],
        b"\0\0\0",
        b"\xff\xfe garbage",
        b"Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--",
    ] {
        let m = parse(raw, false);
        assert!(!m.message_id.is_empty());
    }
}

#[test]
fn deeply_nested_parts_do_not_blow_the_stack() {
    let mut raw = String::from("From: a@x.fr\nMessage-ID: <deep@x>\n");
    for i in 0..10_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\n\nhello\n");
    let m = parse(raw.as_bytes(), false);
    assert_eq!(m.message_id, "deep@x");
}

#[test]
fn html_only_mail_is_converted_and_unknown_charset_degrades() {
    let raw = "From: a@x.fr\nMessage-ID: <h@x>\nContent-Type: text/html; charset=x-unknown-42\n\n<p>On part l&agrave;-dessus.</p><blockquote>ancien devis annul&eacute;</blockquote>";
    let m = parse(raw.as_bytes(), false);
    assert!(m.new_text.contains("On part là-dessus"), "{:?}", m.new_text);
    assert!(!m.new_text.contains("annulé"));
}

#[test]
fn control_characters_are_stripped_from_headers() {
    let raw = "From: \"Evil\x1b[31m\" <e@x.fr>\nMessage-ID: <c@x>\nSubject: hi\x07 there\n\nbody";
    let m = parse(raw.as_bytes(), false);
    assert!(!m.subject.chars().any(|c| c.is_control()));
    assert!(
        !m.from
            .unwrap()
            .name
            .unwrap_or_default()
            .chars()
            .any(|c| c.is_control())
    );
}

#[test]
fn bulk_mail_skips_body_work() {
    let raw = "From: news@shop.fr\nMessage-ID: <n@x>\nList-Unsubscribe: <mailto:u@shop.fr>\nSubject: Promo devis\n\nDevis gratuit";
    let m = parse(raw.as_bytes(), false);
    assert!(m.auto.list);
    assert!(m.new_text.is_empty());
}
