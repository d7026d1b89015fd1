//! IMAP integration tests against a real Dovecot started per test (see `common`).

mod common;
#[allow(dead_code)]
#[path = "calendar/harness.rs"]
mod sinks;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Dovecot, Fault, Proxy};
use dealwatch::clock::SystemClock;
use dealwatch::config::RawConfig;
use dealwatch::ops::Context;
use dealwatch::store::Store;

const AS_OF: &str = "2026-06-01T08:00:00Z";

fn dealwatch(config: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dealwatch"))
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .arg("--as-of")
        .arg(AS_OF)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run dealwatch")
}

fn ok(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn context(config: &Path, db: &Path) -> Context {
    Context {
        config: RawConfig::load(config).expect("config"),
        clock: Box::new(SystemClock),
        db_path: db.to_path_buf(),
        as_of_given: false,
        quiet: true,
        config_path: Some(config.to_path_buf()),
    }
}

/// The first column of a query's rows, as text.
fn strings(db: &Path, sql: &str) -> Vec<String> {
    let store = Store::open(db).expect("db");
    let mut stmt = store.conn().prepare(sql).expect("sql");
    stmt.query_map([], |r| r.get(0))
        .expect("sql")
        .map(|r| r.expect("row"))
        .collect()
}

fn attachments(db: &Path) -> Vec<String> {
    strings(
        db,
        "SELECT attachments FROM messages WHERE attachments != '[]' ORDER BY key",
    )
}

fn stored_keys(db: &Path) -> Vec<String> {
    strings(db, "SELECT key FROM messages ORDER BY key")
}

/// Priority 1: the opportunities from an IMAP scan are those from a Maildir scan of the same
/// messages.
#[test]
fn imap_scan_equals_maildir_scan() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let (db_m, db_i) = (
        tmp.path().join("maildir.sqlite"),
        tmp.path().join("imap.sqlite"),
    );
    let sample = common::sample_mailbox();
    ok(
        dealwatch(
            &config,
            &db_m,
            &["scan", "--maildir", sample.to_str().expect("path")],
        ),
        "maildir scan",
    );
    let out = dealwatch(&config, &db_i, &["scan", "--account", "sales"]);
    let summary = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "imap scan: {summary}");
    // The large site photo in the sample is never fetched (its structure says it is not read),
    // while the quote PDF after it is: the message as rebuilt from its parts is small.
    let photo_size = |db: &Path| -> i64 {
        let store = Store::open(db).expect("db");
        store
            .conn()
            .query_row(
                "SELECT size FROM messages WHERE attachments LIKE '%Telford_cell3.jpg%'",
                [],
                |r| r.get(0),
            )
            .expect("the message with the photo")
    };
    assert!(photo_size(&db_m) > 80_000);
    assert!(photo_size(&db_i) < 20_000, "{summary}");
    assert_eq!(attachments(&db_m), attachments(&db_i));
    assert!(
        attachments(&db_i)
            .iter()
            .any(|a| a.contains("Telford_cell3.jpg") && a.contains("Q-2026-044_Ventilaire.pdf")),
        "{:?}",
        attachments(&db_i)
    );
    let from_maildir = ok(
        dealwatch(&config, &db_m, &["opportunities", "--json"]),
        "list maildir",
    );
    let from_imap = ok(
        dealwatch(&config, &db_i, &["opportunities", "--json"]),
        "list imap",
    );
    let parsed: serde_json::Value = serde_json::from_str(&from_imap).expect("json");
    assert!(
        parsed.as_array().is_some_and(|a| !a.is_empty()),
        "no opportunity found: {from_imap}"
    );
    assert_eq!(from_maildir, from_imap, "IMAP and Maildir scans disagree");
    assert_eq!(stored_keys(&db_m), stored_keys(&db_i));
    // A second scan fetches nothing new.
    let again = dealwatch(&config, &db_i, &["scan", "--account", "sales"]);
    let err = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(again.status.success(), "{err}");
    assert!(
        err.contains("scanned 0 messages"),
        "rescan read messages again: {err}"
    );
    let status = ok(dealwatch(&config, &db_i, &["status"]), "status");
    assert!(
        status.contains("sales/INBOX") && status.contains("sales/Sent"),
        "{status}"
    );
}

/// Priority 2: scanning and idling change nothing in the mailbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_and_idle_leave_the_mailbox_unchanged() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    // Let Dovecot index the folders (assign UIDs) before the snapshot.
    let before = (dovecot.snapshot("INBOX"), dovecot.snapshot("Sent"));
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "imap scan",
    );
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let stopper = async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let _ = tx.send(());
    };
    let (result, ()) = tokio::join!(daemon, stopper);
    result.expect("daemon");
    let after = (dovecot.snapshot("INBOX"), dovecot.snapshot("Sent"));
    assert_eq!(before, after, "the mailbox changed");
    let audit = dovecot.audit();
    assert!(audit.is_empty(), "mutating activity: {audit:#?}");
    assert!(dovecot.sessions() >= 2, "no IMAP session was logged");
}

/// Priority 3: a message delivered while the daemon idles is stored within 2 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_delivered_while_idling_is_stored_quickly() {
    let dovecot = Dovecot::start();
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let db2 = db.clone();
    let test = async {
        // Wait for the first round (the position rows appear) and IDLE to start.
        wait_until(Duration::from_secs(10), || {
            Store::open(&db2)
                .ok()
                .and_then(|s| s.position("sales", "INBOX").ok().flatten())
                .is_some()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        dovecot.deliver(
            "INBOX",
            &common::message(
                "idle-1@customer.example",
                "Request for quote",
                "Please quote 3 units.",
            ),
        );
        let delivered = Instant::now();
        wait_until(Duration::from_secs(5), || {
            stored_keys(&db2).contains(&"idle-1@customer.example".to_string())
        })
        .await;
        let took = delivered.elapsed();
        let _ = tx.send(());
        took
    };
    let (result, took) = tokio::join!(daemon, test);
    result.expect("daemon");
    assert!(took <= Duration::from_secs(2), "stored after {took:?}");
}

async fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < limit,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn wrong_password_config(dovecot: &Dovecot) -> std::path::PathBuf {
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let text = std::fs::read_to_string(&config).expect("config");
    let bad = dovecot.dir.path().join("bad-password");
    std::fs::write(&bad, "Wr0ng-S3cret-xyz").expect("write");
    let text = text.replace("imap-password", "bad-password");
    let path = dovecot.dir.path().join("bad.toml");
    std::fs::write(&path, text).expect("write");
    path
}

/// Priority 4a: a wrong password gives a clear error, and the password appears in no output,
/// even with every log enabled.
#[test]
fn wrong_password_is_a_clear_error_without_the_password() {
    let dovecot = Dovecot::start();
    let config = wrong_password_config(&dovecot);
    let tmp = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_dealwatch"))
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(tmp.path().join("db.sqlite"))
        .args(["-vv", "scan", "--account", "sales"])
        .env("RUST_LOG", "trace")
        .output()
        .expect("run");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "scan succeeded with a wrong password: {all}"
    );
    assert!(all.contains("cannot log in"), "unclear error: {all}");
    assert!(!all.contains("Wr0ng-S3cret-xyz"), "password leaked: {all}");
    assert!(
        !all.contains("bad-password"),
        "password command arguments leaked: {all}"
    );
    let status = ok(
        dealwatch(&config, &tmp.path().join("db.sqlite"), &["status"]),
        "status",
    );
    assert!(
        status.contains("cannot log in"),
        "status does not show the error: {status}"
    );
}

async fn connect_fails(config: &Path) -> String {
    let cfg = RawConfig::load(config).expect("config");
    let acc = cfg.accounts.get("sales").expect("account");
    match dealwatch::source::imap::ImapSession::connect("sales", acc).await {
        Ok(_) => panic!("connected although it must refuse"),
        Err(e) => e.to_string(),
    }
}

/// Priority 4b: a certificate for another host name (signed by the trusted CA) and a
/// certificate from an unknown CA are refused before any credential is sent.
#[tokio::test]
async fn wrong_certificates_are_refused_before_credentials() {
    let other = Dovecot::start_with_other_host_cert();
    for tls in ["implicit", "starttls"] {
        let upstream = if tls == "implicit" {
            other.tls_port
        } else {
            other.port
        };
        let proxy = Proxy::start(upstream);
        let config = other.config(tls, proxy.port, &other.ca(), "");
        let err = connect_fails(&config).await;
        assert!(err.contains("cannot secure the connection"), "{tls}: {err}");
        let sent = proxy.client_text();
        assert!(
            !sent.contains("LOGIN") && !sent.contains(&other.password),
            "{tls}: credentials sent: {sent}"
        );
    }
    let good = Dovecot::start();
    let proxy = Proxy::start(good.tls_port);
    let config = good.config("implicit", proxy.port, &good.evil_ca(), "");
    let err = connect_fails(&config).await;
    assert!(err.contains("cannot secure the connection"), "{err}");
    assert!(!proxy.client_text().contains(&good.password));
}

/// Priority 4c: a man in the middle that strips STARTTLS from CAPABILITY gets no credential.
#[tokio::test]
async fn stripped_starttls_is_refused_before_credentials() {
    let dovecot = Dovecot::start();
    let proxy = Proxy::start(dovecot.port);
    proxy.queue(&[Fault::StripStarttls]);
    let config = dovecot.config("starttls", proxy.port, &dovecot.ca(), "");
    let err = connect_fails(&config).await;
    assert!(err.contains("STARTTLS"), "{err}");
    let sent = proxy.client_text();
    assert!(
        !sent.to_ascii_uppercase().contains("LOGIN"),
        "LOGIN sent in clear: {sent}"
    );
    assert!(!sent.contains(&dovecot.password), "password sent: {sent}");
    // Without the attacker, STARTTLS works.
    let direct = dovecot.config("starttls", dovecot.port, &dovecot.ca(), "");
    let cfg = RawConfig::load(&direct).expect("config");
    let s = dealwatch::source::imap::ImapSession::connect(
        "sales",
        cfg.accounts.get("sales").expect("acc"),
    )
    .await
    .expect("STARTTLS connection");
    s.logout().await;
}

fn maildir_keys() -> Vec<String> {
    maildir_keys_of(&common::sample_mailbox())
}

/// The keys a Maildir scan of `mailbox` stores.
fn maildir_keys_of(mailbox: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("m.sqlite");
    let dovecot_free_config = tmp.path().join("c.toml");
    std::fs::write(
        &dovecot_free_config,
        "[identity]\naddresses = [\"camille.rouviere@ventilaire.example\"]\ndomains = [\"ventilaire.example\"]\n",
    )
    .expect("config");
    ok(
        dealwatch(
            &dovecot_free_config,
            &db,
            &["scan", "--maildir", mailbox.to_str().expect("path")],
        ),
        "maildir scan",
    );
    stored_keys(&db)
}

/// Priority 5: cut mid-literal, reset, stall (read timeout), and BYE during IDLE: the daemon
/// reconnects and misses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_reconnect_and_miss_nothing() {
    let expected = maildir_keys();
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let proxy = Proxy::start(dovecot.tls_port);
    proxy.queue(&[
        Fault::CutAfter(20_000),
        Fault::ResetAfter(40_000),
        Fault::StallAfter(30_000),
        Fault::CutAfter(60_000),
    ]);
    let config = dovecot.config("implicit", proxy.port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let db2 = db.clone();
    let test = async {
        wait_until(Duration::from_secs(60), || stored_keys(&db2) == expected).await;
        assert!(
            proxy.connection_count() >= 5,
            "faults not exercised: {} connections",
            proxy.connection_count()
        );
        // BYE while idling, then a delivery: picked up after the reconnection.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = proxy.connection_count();
        dovecot.kick();
        dovecot.deliver(
            "INBOX",
            &common::message(
                "after-bye@customer.example",
                "Quote request",
                "Price for 2 fans?",
            ),
        );
        wait_until(Duration::from_secs(15), || {
            stored_keys(&db2).contains(&"after-bye@customer.example".to_string())
        })
        .await;
        assert!(
            proxy.connection_count() > before,
            "no reconnection after BYE"
        );
        let _ = tx.send(());
    };
    let (result, ()) = tokio::join!(daemon, test);
    result.expect("daemon");
    let keys = stored_keys(&db);
    assert_eq!(keys.len(), expected.len() + 1);
    let store = Store::open(&db).expect("db");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

/// Priority 6: UIDVALIDITY changes between deliveries: nothing missed, nothing duplicated, no
/// opportunity lost.
#[test]
fn uidvalidity_change_misses_and_duplicates_nothing() {
    let dovecot = Dovecot::start();
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    dovecot.deliver(
        "INBOX",
        &common::message(
            "m1@customer.example",
            "Request for quote: 4 fans",
            "Could you quote 4 fans?",
        ),
    );
    dovecot.deliver(
        "INBOX",
        &common::message("m2@customer.example", "Hello", "Just saying hello."),
    );
    // The first sync of a folder is no UIDVALIDITY change (issue: reliability, row 7).
    let first = dealwatch(&config, &db, &["scan", "--account", "sales"]);
    let first_log = String::from_utf8_lossy(&first.stderr).into_owned();
    ok(first, "first scan");
    assert!(!first_log.contains("UIDVALIDITY"), "{first_log}");
    let opps_before = Store::open(&db)
        .expect("db")
        .opportunities()
        .expect("opps")
        .len();
    dovecot.deliver(
        "INBOX",
        &common::message(
            "m3@customer.example",
            "Before",
            "Delivered before the change.",
        ),
    );
    dovecot.doveadm(&[
        "mailbox",
        "update",
        "-u",
        common::USER,
        "--uid-validity",
        "42",
        "INBOX",
    ]);
    dovecot.deliver(
        "INBOX",
        &common::message(
            "m4@customer.example",
            "After",
            "Delivered after the change.",
        ),
    );
    let second = dealwatch(&config, &db, &["scan", "--account", "sales"]);
    let second_log = String::from_utf8_lossy(&second.stderr).into_owned();
    ok(second, "second scan");
    assert!(
        second_log.contains("UIDVALIDITY changed"),
        "a real change is said: {second_log}"
    );
    let keys = stored_keys(&db);
    let want: Vec<String> = (1..=4).map(|i| format!("m{i}@customer.example")).collect();
    assert_eq!(keys, want);
    let store = Store::open(&db).expect("db");
    assert!(store.opportunities().expect("opps").len() >= opps_before);
    let pos = store
        .position("sales", "INBOX")
        .expect("pos")
        .expect("saved");
    assert_eq!(pos.uid_validity, 42);
    // And once more: nothing new, nothing duplicated.
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "third scan",
    );
    assert_eq!(stored_keys(&db), want);
}

/// Priority 7: kill -9 at random moments of a scan, restart: nothing missed or duplicated,
/// and the database is intact.
#[test]
fn kill_during_scan_then_restart_loses_nothing() {
    let expected = maildir_keys();
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .subsec_nanos();
    for i in 0..6u32 {
        let delay = 20 + (seed.wrapping_mul(2_654_435_761).wrapping_add(i * 7919) % 400) as u64;
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealwatch"))
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(&db)
            .args(["-q", "scan", "--account", "sales"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "final scan",
    );
    assert_eq!(stored_keys(&db), expected);
    let store = Store::open(&db).expect("db");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

/// Without `[identity]`, the identity is inferred from the sent folder over IMAP, and the
/// opportunities are the same as with the configured identity.
#[test]
fn identity_is_inferred_from_the_sent_folder() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let with_identity = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let text = std::fs::read_to_string(&with_identity).expect("config");
    let start = text.find("[accounts.sales]").expect("account section");
    let without = dovecot.dir.path().join("no-identity.toml");
    std::fs::write(&without, &text[start..]).expect("write");
    let tmp = tempfile::tempdir().expect("tmp");
    let (db_a, db_b) = (tmp.path().join("a.sqlite"), tmp.path().join("b.sqlite"));
    ok(
        dealwatch(&with_identity, &db_a, &["scan", "--account", "sales"]),
        "scan with identity",
    );
    let out = dealwatch(&without, &db_b, &["scan", "--account", "sales"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("camille.rouviere@ventilaire.example"),
        "identity not inferred: {err}"
    );
    assert_eq!(
        ok(
            dealwatch(&with_identity, &db_a, &["opportunities", "--json"]),
            "list a"
        ),
        ok(
            dealwatch(&without, &db_b, &["opportunities", "--json"]),
            "list b"
        )
    );
}

/// A mailbox of 700 messages: several metadata chunks and body batches in flight at once, with
/// large messages (fetched partially) and messages without a Message-ID among them. Written
/// into Dovecot's Maildir and into `copy` (INBOX and Sent folders) for a Maildir scan.
fn fill_large_mailbox(maildir: &Path, copy: &Path) {
    for (dovecot, ours) in [("cur", "INBOX/cur"), (".Sent/cur", "Sent/cur")] {
        std::fs::create_dir_all(maildir.join(dovecot)).expect("mkdir");
        for sub in ["cur", "new", "tmp"] {
            let dir = copy.join(ours).with_file_name(sub);
            std::fs::create_dir_all(dir).expect("mkdir");
        }
    }
    for i in 0..700u32 {
        let id = format!("bulk-{i:04}@customer.example");
        let body = if i % 97 == 0 {
            "Line of a long technical appendix.\r\n".repeat(9_000)
        } else {
            format!("Question {i} about the ventilation units.\r\n").repeat(1 + (i as usize % 40))
        };
        // Header fields dealwatch does not read (not fetched over IMAP) come first.
        let mut bytes = format!(
            "Received: from mx{i}.customer.example by mail.ventilaire.example; \
             Mon, 11 May 2026 09:00:0{} +0000\r\nX-Mailer: Fanmail {i}\r\n",
            i % 10
        )
        .into_bytes();
        bytes.extend(common::message(&id, &format!("Fans {i}"), &body));
        if i % 101 == 50 {
            // No Message-ID: the identity is a hash of the whole message (of a size read whole).
            let text = String::from_utf8(bytes).expect("utf-8");
            bytes = text
                .replace(&format!("Message-ID: <{id}>\r\n"), "")
                .into_bytes();
        }
        let (dovecot, ours) = if i % 3 == 0 {
            (".Sent/cur", "Sent/cur")
        } else {
            ("cur", "INBOX/cur")
        };
        let name = format!("{i}.dwtest:2,S");
        std::fs::write(maildir.join(dovecot).join(&name), &bytes).expect("write message");
        std::fs::write(copy.join(ours).join(&name), &bytes).expect("write message");
    }
}

/// Pipelined FETCHes across many chunks and batches: every message stored once, with the keys
/// a Maildir scan gives (a message without Message-ID too: its whole header is fetched), in a
/// clean run and in runs cut at several points (each rerun resumes from the committed position).
#[test]
fn a_large_mailbox_is_read_whole_through_pipelined_fetches() {
    let tmp = tempfile::tempdir().expect("tmp");
    let copy = tmp.path().join("maildir");
    let dovecot = Dovecot::start_with(|m| fill_large_mailbox(m, &copy));
    let expected = maildir_keys_of(&copy);
    assert_eq!(expected.len(), 700);
    assert_eq!(
        expected.iter().filter(|k| k.starts_with("sha256:")).count(),
        7
    );
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let db = tmp.path().join("clean.sqlite");
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "clean scan",
    );
    assert_eq!(stored_keys(&db), expected);

    let proxy = Proxy::start(dovecot.tls_port);
    proxy.queue(&[
        Fault::CutAfter(150_000),
        Fault::ResetAfter(700_000),
        Fault::CutAfter(400_000),
    ]);
    let config = dovecot.config("implicit", proxy.port, &dovecot.ca(), "");
    let db = tmp.path().join("cut.sqlite");
    let mut failures = 0;
    for _ in 0..8 {
        if dealwatch(&config, &db, &["scan", "--account", "sales"])
            .status
            .success()
        {
            break;
        }
        failures += 1;
    }
    assert!(
        failures >= 2,
        "faults not exercised: {failures} failed runs"
    );
    assert_eq!(stored_keys(&db), expected);
    let store = Store::open(&db).expect("db");
    assert_eq!(store.integrity_check().expect("check"), "ok");
}

/// One size limit for every source: a 1.4 MB message is read whole over IMAP, as from a Maildir
/// (`detect.max-message-bytes`, 16 MiB by default); above the limit it is read partially.
#[test]
fn a_large_message_is_read_whole_up_to_the_configured_limit() {
    let dovecot = Dovecot::start();
    let mut body = String::from("Bonjour,\r\n\r\nvoici le relevé complet des mesures.\r\n");
    while body.len() < 1_400_000 {
        body.push_str("ligne de mesure 0123456789 débit 1250 m3/h pression 180 Pa\r\n");
    }
    let raw = common::message("big-1@customer.example", "Relevé de mesures", &body);
    dovecot.deliver("INBOX", &raw);
    let config = dovecot.config("implicit", dovecot.tls_port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    ok(
        dealwatch(&config, &db, &["scan", "--account", "sales"]),
        "imap scan",
    );
    let size_of = |db: &Path| -> i64 {
        Store::open(db)
            .expect("db")
            .conn()
            .query_row(
                "SELECT size FROM messages WHERE key = 'big-1@customer.example'",
                [],
                |r| r.get(0),
            )
            .expect("the large message is stored")
    };
    assert!(
        size_of(&db) >= raw.len() as i64 - 64,
        "read partially: {} of {} bytes",
        size_of(&db),
        raw.len()
    );
    // With a limit below its size, the same message is read partially.
    let small = tmp.path().join("small.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let text = if text.contains("[detect]") {
        text.replace("[detect]", "[detect]\nmax-message-bytes = 300000")
    } else {
        format!("{text}\n[detect]\nmax-message-bytes = 300000\n")
    };
    std::fs::write(&small, text).expect("config");
    let db2 = tmp.path().join("db2.sqlite");
    ok(
        dealwatch(&small, &db2, &["scan", "--account", "sales"]),
        "imap scan",
    );
    assert!(size_of(&db2) <= 300_000 + 4096, "{}", size_of(&db2));
}

/// A daemon started on a fresh database with a digest due (the one missed while it was down)
/// sends it only after its first sync round: the digest holds the mailbox's deals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catch_up_digest_waits_for_the_first_sync() {
    let dovecot = Dovecot::start_with(common::copy_sample_mailbox);
    let sink = sinks::smtp_sink();
    let config = dovecot.config(
        "implicit",
        dovecot.tls_port,
        &dovecot.ca(),
        &format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n\
             from = \"dealwatch <dealwatch@ventilaire.example>\"\n\
             [digests.weekly]\nto = [\"camille.rouviere@ventilaire.example\"]\n\
             schedule = \"mon 08:00\"\ntimezone = \"UTC\"\n",
            sink.port
        ),
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let mut ctx = context(&config, &db);
    // Wednesday: Monday's digest was missed while dealwatch was down.
    ctx.clock = Box::new(dealwatch::clock::FixedClock(
        chrono::DateTime::parse_from_rfc3339("2026-06-03T10:00:00Z")
            .expect("time")
            .to_utc(),
    ));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let test = async {
        wait_until(Duration::from_secs(30), || !sink.messages().is_empty()).await;
        // Time for a second (wrong) digest to appear, if the week were sent twice.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let _ = tx.send(());
        sink.messages()
    };
    let (result, mails) = tokio::join!(daemon, test);
    result.expect("daemon");
    assert_eq!(mails.len(), 1, "one digest for the week");
    let text = String::from_utf8_lossy(&mails[0]).into_owned();
    assert!(!text.contains("\n0 decision(s) waiting"), "{text}");
    assert!(
        text.contains("DEV-2026-040"),
        "the digest misses the mailbox's deals: {text}"
    );
}

/// A proxy cuts every connection after 500 KB, less than one full batch of these messages: the
/// daemon fetches smaller batches after each connection that stored nothing, and the scan
/// completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_cut_before_a_batch_completes_still_progress() {
    let dovecot = Dovecot::start();
    let mut expected = Vec::new();
    for i in 0..40 {
        let mut body = format!("Mesures du site {i}.\r\n");
        while body.len() < 60_000 {
            body.push_str("ligne de mesure 0123456789 débit 1250 m3/h pression 180 Pa\r\n");
        }
        let id = format!("cut-{i}@customer.example");
        dovecot.deliver("INBOX", &common::message(&id, "Relevé", &body));
        expected.push(id);
    }
    expected.sort();
    let proxy = Proxy::start(dovecot.tls_port);
    proxy.queue(&vec![Fault::CutAfter(500_000); 200]);
    let config = dovecot.config("implicit", proxy.port, &dovecot.ca(), "");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("db.sqlite");
    let ctx = context(&config, &db);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let daemon = dealwatch::daemon::run(&ctx, async {
        let _ = rx.await;
    });
    let db2 = db.clone();
    let test = async {
        let start = Instant::now();
        wait_until(Duration::from_secs(120), || stored_keys(&db2) == expected).await;
        let took = start.elapsed();
        let _ = tx.send(());
        took
    };
    let (result, took) = tokio::join!(daemon, test);
    result.expect("daemon");
    assert_eq!(stored_keys(&db), expected, "not every message stored");
    assert!(
        proxy.connection_count() >= 3,
        "the cuts were not exercised: {} connections",
        proxy.connection_count()
    );
    eprintln!(
        "40 messages through connections cut at 500 KB: {} connections, {took:?}",
        proxy.connection_count()
    );
}
