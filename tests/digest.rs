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
            l.update(&o, None).expect("update");
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
    let l = store.linker().expect("linker");
    let msg = l
        .pending_messages(1000)
        .expect("pending")
        .into_iter()
        .find(|r| r.message_id == message_id)
        .expect("inserted message");
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
    l.update(&o, None).expect("update");
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
        // Sections that are empty are left out, so none is numbered (no "1, 4, 5" gaps).
        for n in 1..=7 {
            assert!(!text.contains(&format!("{n}. {s}")), "numbered: {s}");
            assert!(!html.contains(&format!("{n}. {s}")), "numbered: {s}");
        }
    }
    // The revisit due this week is counted in the summary, like every other section.
    assert!(
        text.contains(" to revisit,") && !text.contains(" 0 to revisit,"),
        "{text}"
    );
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

/// Every start tag of an HTML document, with its attributes, by a WHATWG tokenizer.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for token in html5gum::Tokenizer::new(html).flatten() {
        if let html5gum::Token::StartTag(tag) = token {
            let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
            let attrs = tag
                .attributes
                .iter()
                .map(|(k, v)| {
                    (
                        String::from_utf8_lossy(k).to_ascii_lowercase(),
                        String::from_utf8_lossy(&v.value).to_string(),
                    )
                })
                .collect();
            out.push((name, attrs));
        }
    }
    out
}

fn hostile() -> String {
    let mut s = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\r\nBcc: victim@evil.example\0 \
                 <a href=\"https://evil.example/\">x</a> <style>body{background:url(https://evil.example/t.png)}</style> "
        .to_string();
    while s.chars().count() < 2_000 {
        s.push_str("Ω<b onmouseover=alert(3)>");
    }
    s
}

#[test]
fn hostile_strings_are_escaped_and_never_reach_headers() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), free_port());
    let db = dir.path().join("db.sqlite");
    let mut store = Store::open(&db).expect("db");
    let now = t(AS_OF);
    let evil = hostile();
    let signal = serde_json::json!({
        "state": "won", "keep_open": false, "sentence": evil, "confidence": 0.9,
        "revisit_on": null, "rule": "test"
    });
    let id = insert_request(
        &mut store,
        "evil@evil.example",
        &evil,
        &evil,
        &evil,
        Some(signal.to_string()),
        now - Duration::days(1),
    );
    {
        let l = store.linker().expect("linker");
        let mut o = l.opportunity(id).expect("opp");
        o.currency = Some(format!("E\r\nX-Evil: 1{evil}"));
        l.update(&o, None).expect("update");
        l.commit().expect("commit");
    }
    let cfg = config(server.port, Mode::Implicit, &certs.ca, TO, "Europe/Paris");
    let spec = digest::DigestSpec::from_config("weekly", &cfg.digests["weekly"]).expect("spec");
    // A hostile display name on the command line: cleaned, never a panic or a second header.
    let to = vec![format!("\"Eve\r\nBcc: victim@evil.example\0\" <{TO}>")];
    runtime()
        .block_on(run::send_now(&cfg, &mut store, &spec, &to, now))
        .expect("send");
    let p = only_message(&server);
    assert_eq!(server.data_commands(), 1, "one message in the dialogue");
    assert_eq!(server.recipients(), vec![format!("rcpt to:<{TO}>")]);
    let raw = String::from_utf8_lossy(&p.raw).to_string();
    let head = raw
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(
        !head.contains("\nbcc:") && !head.contains("\nx-evil:"),
        "no injected header:\n{head}"
    );
    let (text, html) = check_digest_mail(&p, now);
    for (name, attrs) in start_tags(&html) {
        assert!(
            !matches!(
                name.as_str(),
                "script" | "style" | "iframe" | "object" | "embed" | "a" | "form"
            ),
            "tag {name}"
        );
        for (k, v) in attrs {
            assert!(!k.starts_with("on"), "event attribute {k} on {name}");
            let v = v.to_ascii_lowercase();
            assert!(
                !v.contains("http:") && !v.contains("https:") && !v.contains("//"),
                "remote URL {v:?}"
            );
            assert!(!v.contains("url("), "CSS url() in {k}");
            if k == "src" {
                assert!(v.starts_with("cid:"), "img src {v}");
            }
        }
    }
    let shown: String = html5gum::Tokenizer::new(html.as_str())
        .flatten()
        .filter_map(|tok| match tok {
            html5gum::Token::String(s) => Some(String::from_utf8_lossy(&s.value).to_string()),
            _ => None,
        })
        .collect();
    assert!(
        shown.contains("<script>alert(1)</script>"),
        "the hostile text is shown as text"
    );
    for body in [&text, &html] {
        assert!(!body.contains('\0'));
        assert!(!body.replace("\r\n", "\n").contains('\r'), "no bare CR");
        assert!(
            !body.contains("Bcc: victim@evil.example\n"),
            "CR/LF in a title does not break a line"
        );
    }
    // Titles are capped.
    assert!(
        text.lines().all(|l| l.chars().count() < 700),
        "long lines are capped"
    );
}

#[test]
fn chromium_renders_the_digest() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("db.sqlite");
    drop(seed(&db));
    let html = dir.path().join("digest.html");
    let out = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .args(["--as-of", AS_OF, "digest", "--preview"])
        .arg(&html)
        .arg("--text")
        .arg(dir.path().join("digest.txt"))
        .output()
        .expect("run dealwatch digest --preview");
    assert!(
        out.status.success(),
        "preview failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("digest.txt")).expect("text written");
    assert!(text.contains("Decisions waiting for you"));
    let png = dir.path().join("digest.png");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("chromium").display()
        ))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=900,1400")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run chromium: {e} (apt-get install chromium; scripts/test does)")
        });
    assert!(
        status.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&png).expect("chromium wrote no screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!((info.width, info.height), (900, 1400));
    let px = &buf[..info.buffer_size()];
    let step = info.line_size / info.width as usize;
    let distinct: std::collections::HashSet<&[u8]> = px.chunks(step).step_by(97).collect();
    assert!(
        distinct.len() > 20,
        "the page looks blank ({} colors)",
        distinct.len()
    );
    if std::env::var_os("DEALWATCH_UPDATE_EXAMPLE").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).expect("docs/");
        std::fs::copy(&png, docs.join("digest-example.png")).expect("copy example");
    }
}

// ---- schedule with an injected clock -------------------------------------------------------

struct Week {
    _dir: tempfile::TempDir,
    server: SmtpServer,
    store: Store,
    cfg: dealwatch::config::Config,
    rt: tokio::runtime::Runtime,
}

fn week(timezone: &str) -> Week {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), free_port());
    let store = seed(&dir.path().join("db.sqlite"));
    let cfg = config(server.port, Mode::Implicit, &certs.ca, TO, timezone);
    Week {
        _dir: dir,
        server,
        store,
        cfg,
        rt: runtime(),
    }
}

impl Week {
    fn run(&mut self, now: &str) -> run::RunReport {
        self.rt
            .block_on(digest::run_due(&self.cfg, &mut self.store, t(now)))
            .expect("run_due")
    }
}

#[test]
fn monday_boundary_and_restart_after_sending_send_once() {
    let mut w = week("Europe/Paris");
    // Monday 1 June 2026, 08:00 in Paris is 06:00 UTC. The previous week's slot (25 May) is
    // already over: a first start just before 08:00 sends last week's digest once...
    let r = w.run("2026-06-01T05:59:00Z");
    assert_eq!(r.sent.len(), 1);
    assert_eq!(
        w.run("2026-06-01T05:59:30Z").sent.len(),
        0,
        "same week: nothing more"
    );
    // ...and 08:00 starts a new week.
    assert_eq!(w.run("2026-06-01T06:00:00Z").sent.len(), 1);
    // A restart just after sending (same process state lost, same database): nothing again.
    let db_path = w._dir.path().join("db.sqlite");
    w.store = Store::open(&db_path).expect("reopen");
    assert_eq!(w.run("2026-06-01T06:00:05Z").sent.len(), 0);
    assert_eq!(w.run("2026-06-03T12:00:00Z").sent.len(), 0);
    assert_eq!(w.server.messages().len(), 2);
    assert_eq!(w.server.data_commands(), 2);
}

#[test]
fn paris_dst_spring_and_autumn_send_at_local_eight() {
    let mut w = week("Europe/Paris");
    // Record the week before so each check starts clean.
    w.run("2026-03-27T12:00:00Z");
    // Sunday 29 March 2026 clocks go forward: Monday 30 March 08:00 is 06:00 UTC.
    assert_eq!(
        w.run("2026-03-30T05:59:59Z").sent.len(),
        0,
        "07:59:59 local is still last week"
    );
    assert_eq!(w.run("2026-03-30T06:00:00Z").sent.len(), 1);
    let weeks: Vec<String> = w
        .store
        .recent_digests(10)
        .expect("rows")
        .into_iter()
        .filter_map(|r| r.week)
        .collect();
    assert!(weeks.contains(&"2026-03-30".to_string()));
    // Sunday 25 October 2026 clocks go back: Monday 26 October 08:00 is 07:00 UTC.
    w.run("2026-10-20T12:00:00Z");
    assert_eq!(
        w.run("2026-10-26T06:59:59Z").sent.len(),
        0,
        "07:59:59 local"
    );
    assert_eq!(w.run("2026-10-26T07:00:00Z").sent.len(), 1);
}

#[test]
fn digest_missed_while_down_is_sent_at_start_within_the_week_only() {
    let mut w = week("UTC");
    assert_eq!(w.run("2026-06-01T08:00:00Z").sent.len(), 1);
    // Down from Sunday 7 June to Wednesday 10 June: the 8 June digest goes out at start.
    let r = w.run("2026-06-10T09:00:00Z");
    assert_eq!(r.sent.len(), 1);
    let row = w.store.digest(r.sent[0]).expect("row").expect("row");
    assert_eq!(row.week.as_deref(), Some("2026-06-08"));
    // Down for two weeks: only the current week's digest, never the missed ones.
    let r = w.run("2026-06-30T09:00:00Z");
    assert_eq!(r.sent.len(), 1);
    let row = w.store.digest(r.sent[0]).expect("row").expect("row");
    assert_eq!(row.week.as_deref(), Some("2026-06-29"));
    assert_eq!(w.server.messages().len(), 3);
}

#[test]
fn smtp_down_is_retried_with_backoff_then_sent_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let port = free_port();
    let mut store = seed(&dir.path().join("db.sqlite"));
    let cfg = config(port, Mode::Implicit, &certs.ca, TO, "UTC");
    let rt = runtime();
    let r = rt
        .block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T08:00:00Z")))
        .expect("run");
    assert_eq!(
        (r.recorded.len(), r.sent.len(), r.failed.len()),
        (1, 0, 1),
        "{r:?}"
    );
    let id = r.recorded[0];
    let row = store.digest(id).expect("row").expect("row");
    assert_eq!(row.status, "retry");
    assert_eq!(row.next_attempt_at.as_deref(), Some("2026-06-01T08:01:00Z"));
    assert!(row.last_error.is_some());
    // `dealwatch status` reports it.
    let lines = run::status_lines(&store).expect("status");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("retry") && l.contains("last error")),
        "{lines:?}"
    );
    // Before the backoff has passed: no attempt, even with the server down.
    let r = rt
        .block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T08:00:30Z")))
        .expect("run");
    assert!(r.failed.is_empty() && r.sent.is_empty());
    // Second failure: backoff doubles.
    rt.block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T08:01:00Z")))
        .expect("run");
    let row = store.digest(id).expect("row").expect("row");
    assert_eq!(
        (row.attempts, row.next_attempt_at.as_deref()),
        (2, Some("2026-06-01T08:03:00Z"))
    );
    // The server comes up on that port: sent once, then never again.
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), port);
    let r = rt
        .block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T08:03:00Z")))
        .expect("run");
    assert_eq!(r.sent, vec![id]);
    rt.block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T09:00:00Z")))
        .expect("run");
    assert_eq!(server.messages().len(), 1);
    assert_eq!(store.digest(id).expect("row").expect("row").status, "sent");
}

#[test]
fn interrupted_send_is_not_retried_but_can_be_resent() {
    let mut w = week("UTC");
    // A crash between "sending" and "sent": recorded, claimed, never confirmed.
    let r = w.run("2026-06-01T08:00:00Z");
    let id = r.sent[0];
    let next_week_id = {
        // Simulate the crash on the next week's digest: record it by hand as the daemon does.
        let rendered = digest::render_mail(
            &digest::build(
                &w.store,
                &digest::DigestSpec::from_config("weekly", &w.cfg.digests["weekly"]).expect("spec"),
                dealwatch::pipeline::ProposalRules { quiet_days: 30 },
                t("2026-06-08T08:00:00Z"),
            )
            .expect("build"),
        )
        .expect("render");
        let new = dealwatch::store::digest::NewDigest {
            name: "weekly".into(),
            kind: "scheduled".into(),
            week: Some("2026-06-08".into()),
            recipients: vec![TO.into()],
            subject: rendered.subject,
            message_id: "<crash@ventilaire.example>".into(),
            html: rendered.html,
            text: rendered.text,
            chart: rendered.chart,
            as_of: t("2026-06-08T08:00:00Z"),
            ..Default::default()
        };
        let nid = w
            .store
            .insert_digest(&new, t("2026-06-08T08:00:00Z"))
            .expect("insert")
            .expect("new");
        assert!(
            w.store
                .claim_digest(nid, "pending", t("2026-06-08T08:00:00Z"))
                .expect("claim")
        );
        nid
    };
    // Restart two minutes later: the attempt may still be running elsewhere; nothing is sent.
    assert!(w.run("2026-06-08T08:02:00Z").sent.is_empty());
    // Later: marked unknown, not retried, reported.
    let r = w.run("2026-06-08T09:00:00Z");
    assert!(r.sent.is_empty() && r.recorded.is_empty(), "{r:?}");
    assert_eq!(
        w.store
            .digest(next_week_id)
            .expect("row")
            .expect("row")
            .status,
        "unknown"
    );
    let lines = run::status_lines(&w.store).expect("status");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("unknown") && l.contains("--resend")),
        "{lines:?}"
    );
    assert_eq!(w.server.messages().len(), 1);
    // The user resends it by hand: same bodies, a new Message-ID.
    let rid =
        w.rt.block_on(run::resend(
            &w.cfg,
            &mut w.store,
            next_week_id,
            &[],
            t("2026-06-08T09:05:00Z"),
        ))
        .expect("resend");
    assert_ne!(rid, next_week_id);
    assert_eq!(w.server.messages().len(), 2);
    // And the first week's digest can be resent too.
    w.rt.block_on(run::resend(
        &w.cfg,
        &mut w.store,
        id,
        &["boss@ventilaire.example".to_string()],
        t("2026-06-08T09:06:00Z"),
    ))
    .expect("resend");
    assert_eq!(w.server.messages().len(), 3);
}

/// The sample config with its commented-out sections and example keys uncommented, as a user
/// who fills them in has it.
fn sample_uncommented(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars()
                            .all(|c| c.is_ascii_lowercase() || c == '-' || c == '.')
                    }) =>
            {
                rest
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sample_config_documents_smtp_and_digests_and_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/dealwatch.sample.toml");
    let as_is = dealwatch::config::RawConfig::load(&path).expect("the sample config parses");
    // Copied as it is, it reaches no placeholder server.
    assert!(as_is.smtp.is_none() && as_is.accounts.is_empty() && as_is.calendar.is_none());
    assert!(as_is.digests.is_empty());
    let full = sample_uncommented(&std::fs::read_to_string(&path).expect("read"));
    let cfg = dealwatch::config::RawConfig::parse(&full, &path)
        .expect("the sample config parses with its sections uncommented");
    let smtp = cfg.smtp.expect("[smtp]");
    assert_eq!(smtp.from, "dealwatch <claire@example.com>");
    let d = &cfg.digests["weekly"];
    assert_eq!(
        (d.schedule.as_str(), d.timezone.as_str()),
        ("mon 08:00", "Europe/Paris")
    );
    let text = std::fs::read_to_string(&path).expect("read");
    for key in [
        "host", "port", "tls", "ca-file", "username", "password", "from", "to", "accounts",
        "schedule", "timezone",
    ] {
        assert!(text.contains(&format!("# {key}:")), "{key} undocumented");
    }
}

#[test]
fn a_digest_still_failing_when_its_week_ends_expires_unsent() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let port = free_port();
    let mut store = seed(&dir.path().join("db.sqlite"));
    let cfg = config(port, Mode::Implicit, &certs.ca, TO, "UTC");
    let rt = runtime();
    let r = rt
        .block_on(digest::run_due(&cfg, &mut store, t("2026-06-01T08:00:00Z")))
        .expect("run");
    let old = r.recorded[0];
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), port);
    let r = rt
        .block_on(digest::run_due(&cfg, &mut store, t("2026-06-08T08:00:00Z")))
        .expect("run");
    assert_eq!(r.sent.len(), 1, "{r:?}");
    assert_ne!(r.sent[0], old);
    assert_eq!(
        store.digest(old).expect("row").expect("row").status,
        "expired"
    );
    assert_eq!(
        server.messages().len(),
        1,
        "last week's digest is never sent late"
    );
}

#[test]
fn an_smtp_outage_of_a_working_day_is_outlasted_and_the_digest_sent_once() {
    // SMTP unreachable from Monday 07:30 to 16:00, the digest due at 08:00: the daemon's timer
    // keeps trying (capped backoff) and sends it once when the server is back.
    let dir = tempfile::tempdir().expect("tmp");
    let certs = make_certs(dir.path());
    let port = free_port();
    let mut store = seed(&dir.path().join("db.sqlite"));
    let cfg = config(port, Mode::Implicit, &certs.ca, TO, "UTC");
    let rt = runtime();
    let mut now = t("2026-06-01T08:00:00Z");
    let end = t("2026-06-01T16:00:00Z");
    let mut failures = 0;
    while now < end {
        let r = rt
            .block_on(digest::run_due(&cfg, &mut store, now))
            .expect("run");
        failures += r.failed.len();
        now += chrono::Duration::minutes(1);
    }
    assert!(failures > 12, "only {failures} attempts in eight hours");
    let row = store.recent_digests(1).expect("rows").remove(0);
    assert_eq!(row.status, "retry", "given up during the outage");
    let lines = run::status_lines(&store).expect("status");
    assert!(lines.iter().any(|l| l.contains("retry")), "{lines:?}");
    let server = SmtpServer::start(Mode::Implicit, &certs, dir.path(), port);
    let mut sent = 0;
    for minute in 0..120 {
        let r = rt
            .block_on(digest::run_due(
                &cfg,
                &mut store,
                now + chrono::Duration::minutes(minute),
            ))
            .expect("run");
        sent += r.sent.len();
    }
    assert_eq!(sent, 1);
    assert_eq!(server.messages().len(), 1);
    assert_eq!(server.data_commands(), 1);
}
