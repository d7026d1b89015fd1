//! The weekly digest end to end: seeded from the sample mailbox (scanned with a fixed --as-of)
//! plus rows inserted through the store API, sent to a real SMTP server on loopback, parsed
//! back; hostile strings; rendering by headless Chromium; the schedule with an injected clock.

#[path = "digest/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, Utc};
use dealwatch::digest::{self, run};
use dealwatch::store::{NewMessage, NewOpportunity, Store};
use harness::{Mode, SmtpServer, config, free_port, make_certs, t};
use mail_parser::{MessageParser, MimeHeaders};

/// The sample mailbox's as_of: Monday 2026-06-01 08:00 UTC (10:00 in Paris).
const AS_OF: &str = "2026-06-01T08:00:00Z";
const TO: &str = "camille.rouviere@ventilaire.example";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dealwatch")
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox")
}

/// Scans the sample mailbox into `db` as of [`AS_OF`], then enriches it through the store API
/// so every section has something: amounts, a win and a loss this week, an on-hold deal to
/// revisit in three days, a new request this week.
fn seed(db: &Path) -> Store {
    let out = Command::new(bin())
        .args(["--db"])
        .arg(db)
        .args(["--as-of", AS_OF, "-q", "scan", "--maildir"])
        .arg(sample())
        .output()
        .expect("run dealwatch scan");
    assert!(
        out.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut store = Store::open(db).expect("open db");
    let now = t(AS_OF);
    let opps = store.opportunities().expect("opportunities");
    assert!(
        opps.len() >= 5,
        "the sample should give opportunities, got {}",
        opps.len()
    );
    {
        let l = store.linker().expect("linker");
        for (i, o) in opps.iter().enumerate() {
            let mut o = l.opportunity(o.id).expect("opp");
            o.amount = Some(4_200.0 + 3_150.0 * i as f64);
            o.currency = Some(if i == 3 { "CHF" } else { "EUR" }.to_string());
            l.update(&o).expect("update");
        }
        l.commit().expect("commit");
    }
    store
        .set_state(
            opps[0].id,
            "won",
            None,
            "signed",
            "user",
            None,
            now - Duration::days(2),
        )
        .expect("won");
    store
        .set_state(
            opps[1].id,
            "lost",
            None,
            "competitor",
            "user",
            None,
            now - Duration::days(3),
        )
        .expect("lost");
    store
        .set_state(
            opps[2].id,
            "vanished",
            None,
            "dropped",
            "user",
            None,
            now - Duration::days(40),
        )
        .expect("vanished");
    let revisit = (now + Duration::days(3)).date_naive().to_string();
    store
        .set_state(
            opps[3].id,
            "on_hold",
            Some(&revisit),
            "budget in June",
            "user",
            None,
            now - Duration::days(20),
        )
        .expect("hold");
    insert_request(
        &mut store,
        "rfq-new@imprimerie.example",
        "Demande de prix – extraction encres",
        "imprimerie-nouvelle.example",
        "Bonjour, pourriez-vous nous faire une offre ?",
        None,
        now - Duration::days(2),
    );
    store
}

/// Inserts a customer message and an opportunity created from it, through the store API.
fn insert_request(
    store: &mut Store,
    message_id: &str,
    subject: &str,
    customer: &str,
    text: &str,
    signal: Option<String>,
    date: DateTime<Utc>,
) -> i64 {
    let m = NewMessage {
        key: message_id.to_ascii_lowercase(),
        message_id: message_id.to_string(),
        has_message_id: true,
        date: Some(date.to_rfc3339()),
        date_ts: date.timestamp(),
        from_addr: format!(
            "buyer@{}",
            customer
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        ),
        from_name: customer.to_string(),
        subject: subject.to_string(),
        subject_norm: subject.to_lowercase(),
        direction: "inbound".into(),
        auto_kind: "none".into(),
        org: Some(customer.to_string()),
        rfq: Some(text.to_string()),
        signal,
        lang: "fr".into(),
        new_text: Some(text.to_string()),
        ..NewMessage::default()
    };
    store
        .insert_batch(
            "test",
            &[("INBOX".into(), message_id.into(), m)],
            None,
            date,
        )
        .expect("insert message");
    let msg = store
        .pending_messages(1000)
        .expect("pending")
        .into_iter()
        .find(|r| r.message_id == message_id)
        .expect("inserted message");
    let l = store.linker().expect("linker");
    let id = l
        .create(&NewOpportunity {
            title: subject.to_string(),
            customer: customer.to_string(),
            subject_norm: subject.to_lowercase(),
            created_from: "rfq".into(),
            anchor_message: msg.id,
            first_seen: date.to_rfc3339(),
        })
        .expect("create");
    l.link(msg.id, id, "test").expect("link");
    let mut o = l.opportunity(id).expect("opp");
    o.amount = Some(12_000.0);
    o.currency = Some("EUR".into());
    o.last_inbound_at = Some(date.to_rfc3339());
    l.update(&o).expect("update");
    l.commit().expect("commit");
    id
}

struct Parsed {
    raw: Vec<u8>,
}

impl Parsed {
    fn msg(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(&self.raw)
            .expect("parse delivered mail")
    }
}

fn only_message(server: &SmtpServer) -> Parsed {
    let msgs = server.messages();
    assert_eq!(
        msgs.len(),
        1,
        "exactly one message expected, got {}",
        msgs.len()
    );
    Parsed {
        raw: msgs.into_iter().next().unwrap_or_default(),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Checks the structure and headers of a delivered digest and returns (text, html).
fn check_digest_mail(p: &Parsed, now: DateTime<Utc>) -> (String, String) {
    let m = p.msg();
    let root = m.root_part().content_type().expect("content type");
    assert_eq!(root.ctype(), "multipart");
    assert_eq!(root.subtype(), Some("alternative"));
    let text = m.body_text(0).expect("text part").to_string();
    let html = m.body_html(0).expect("html part").to_string();
    assert!(m.text_body_count() >= 1 && m.html_body_count() >= 1);
    for part in &m.parts {
        if let Some(ct) = part.content_type()
            && ct.ctype() == "text"
        {
            assert_eq!(
                ct.attribute("charset")
                    .map(|c| c.to_ascii_lowercase())
                    .as_deref(),
                Some("utf-8"),
                "every text part is UTF-8"
            );
        }
    }
    assert_eq!(
        m.date().map(|d| d.to_timestamp()),
        Some(now.timestamp()),
        "Date is the injected now"
    );
    let mid = m.message_id().expect("Message-ID");
    assert!(
        mid.starts_with("digest.weekly.") && mid.ends_with("@ventilaire.example"),
        "{mid}"
    );
    let from = m.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.address(), Some("dealwatch@ventilaire.example"));
    assert_eq!(from.name(), Some("dealwatch"));
    let to: Vec<_> = m
        .to()
        .expect("To")
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, vec![TO]);
    assert!(
        m.subject()
            .is_some_and(|s| s.starts_with("Pipeline digest, week of"))
    );
    assert!(!text.contains('\0') && !html.contains('\0'));
    (text, html)
}

const SECTIONS: [&str; 5] = [
    "Decisions waiting for you",
    "On hold: revisit this week",
    "New opportunities this week",
    "Closed this week",
    "Open pipeline",
];

#[test]
fn digest_over_implicit_tls_is_multipart_alternative_with_every_section() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), free_port());
    let mut store = seed(&dir.path().join("db.sqlite"));
    let cfg = config(server.port, Mode::Implicit, &certs.ca, TO, "Europe/Paris");
    let now = t(AS_OF);
    let report = runtime()
        .block_on(digest::run_due(&cfg, &mut store, now))
        .expect("run_due");
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let (text, html) = check_digest_mail(&only_message(&server), now);
    for s in SECTIONS {
        assert!(html.contains(s), "HTML lacks {s}");
        assert!(text.contains(s), "text lacks {s}");
    }
    assert!(
        html.contains("dealwatch accept "),
        "the accept command is shown"
    );
    assert!(text.contains("win rate"), "{text}");
    assert!(
        html.contains("EUR") && html.contains("CHF"),
        "pipeline by currency"
    );
    // The chart travels inline, referenced by Content-ID.
    assert!(html.contains(&format!("cid:{}", digest::CHART_CID)));
    let m = only_message(&server);
    let raw = String::from_utf8_lossy(&m.raw);
    assert!(raw.contains("multipart/related") && raw.contains("image/png"));
    assert!(raw.contains(&format!("Content-ID: <{}>", digest::CHART_CID)));
    assert!(raw.contains("Auto-Submitted: auto-generated"));
    assert_eq!(server.data_commands(), 1, "one DATA in the dialogue");
}

#[test]
fn digest_over_starttls() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let server = SmtpServer::start(Mode::Starttls, &certs, dir.path(), free_port());
    let store = seed(&dir.path().join("db.sqlite"));
    drop(store);
    let cfg = config(server.port, Mode::Starttls, &certs.ca, TO, "UTC");
    let mut store = Store::open(&dir.path().join("db.sqlite")).expect("db");
    let now = t(AS_OF);
    let id = runtime()
        .block_on(run::send_now(
            &cfg,
            &mut store,
            &digest::DigestSpec::from_config("weekly", &cfg.digests["weekly"]).expect("spec"),
            &[],
            now,
        ))
        .expect("send over STARTTLS");
    let (_, html) = check_digest_mail(&only_message(&server), now);
    assert!(html.contains("Open pipeline"));
    assert_eq!(
        store.digest(id).expect("row").map(|r| r.status),
        Some("sent".to_string())
    );
}
