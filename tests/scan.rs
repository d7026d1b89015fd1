//! End-to-end tests of the local scan: the shipped sample mailbox through the real binary,
//! idempotent rescans, mbox = Maildir, bad input, and clear errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-06-01T08:00:00Z";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dealwatch"));
    c.env_remove("DEALWATCH_CONFIG")
        .env_remove("DEALWATCH_DB")
        .env_remove("RUST_LOG");
    c
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/mailbox")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run dealwatch")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "dealwatch {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn config(dir: &Path) -> PathBuf {
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample().join("labels.json")).unwrap())
            .unwrap();
    let p = dir.join("config.toml");
    std::fs::write(
        &p,
        format!(
            "[identity]\naddresses = {}\ndomains = {}\n",
            labels["own_addresses"], labels["own_domains"]
        ),
    )
    .unwrap();
    p
}

fn opportunities(cfg: &Path, db: &Path) -> serde_json::Value {
    let text = ok(&[
        "--config",
        cfg.to_str().unwrap(),
        "opportunities",
        "--json",
        "--db",
        db.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    serde_json::from_str(&text).expect("json")
}

fn scan_maildir(cfg: &Path, db: &Path, dir: &Path) -> String {
    scan_source(cfg, db, "--maildir", dir)
}

/// Scans a source (`--maildir DIR` or `--mbox FILE`) and returns what was logged.
fn scan_source(cfg: &Path, db: &Path, flag: &str, path: &Path) -> String {
    let out = run(&[
        "--config",
        cfg.to_str().unwrap(),
        "scan",
        flag,
        path.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Every labeled thread of the sample is found with its expected state and amount.
#[test]
fn sample_mailbox_matches_its_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let db = tmp.path().join("db.sqlite");
    scan_maildir(&cfg, &db, &sample());
    let opps = opportunities(&cfg, &db);
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample().join("labels.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for t in labels["threads"].as_array().unwrap() {
        let ids: Vec<&str> = t["message_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let owner = opps.as_array().unwrap().iter().find(|o| {
            o["message_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| ids.contains(&m.as_str().unwrap()))
        });
        if t["kind"] == "distractor" {
            assert!(
                owner.is_none(),
                "distractor {} leaked into an opportunity",
                t["id"]
            );
            continue;
        }
        let o = owner.unwrap_or_else(|| panic!("thread {} not found", t["id"]));
        let state = match &o["proposal"] {
            serde_json::Value::Object(p) if o["state"] == "open" => p["state"].clone(),
            _ => o["state"].clone(),
        };
        if state != t["expected_state"] {
            wrong.push(format!(
                "thread {}: got {state}, want {} ({})",
                t["id"], t["expected_state"], t["notes"]
            ));
        }
        if !t["amount"].is_null() {
            let got = o["amount"].as_f64().unwrap_or(-1.0);
            let want = t["amount"].as_f64().unwrap();
            assert!(
                (got - want).abs() < 0.01 * want,
                "thread {} amount {got} != {want}",
                t["id"]
            );
            assert_eq!(o["currency"], t["currency"], "thread {}", t["id"]);
        }
        checked += 1;
    }
    assert!(
        checked >= 10,
        "the sample must hold labeled threads, checked {checked}"
    );
    // The states are proposed by a learned model: graded, with every miss shown.
    for w in &wrong {
        eprintln!("sample: {w}");
    }
    assert!(
        wrong.len() <= checked / 7,
        "{} of {checked} sample deals in the wrong state:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Scanning the same mailbox twice changes nothing.
#[test]
fn rescan_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let db = tmp.path().join("db.sqlite");
    scan_maildir(&cfg, &db, &sample());
    let first = opportunities(&cfg, &db);
    let log = scan_maildir(&cfg, &db, &sample());
    assert!(
        log.contains("0 new"),
        "second scan stored messages again: {log}"
    );
    assert_eq!(first, opportunities(&cfg, &db));
}

/// The same message in two folders, or in two files, is stored once.
#[test]
fn duplicate_message_is_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let mailbox = tmp.path().join("mail");
    let src = std::fs::read_dir(sample().join("Sent/cur"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for folder in ["INBOX", "Archive"] {
        std::fs::create_dir_all(mailbox.join(folder).join("cur")).unwrap();
        std::fs::copy(&src, mailbox.join(folder).join("cur").join("1.copy:2,S")).unwrap();
    }
    let db = tmp.path().join("db.sqlite");
    let log = scan_maildir(&cfg, &db, &mailbox);
    assert!(
        log.contains("scanned 2 messages") && log.contains("(1 new"),
        "{log}"
    );
}

/// An mbox export of the sample gives the same opportunities as the Maildir.
#[test]
fn mbox_equals_maildir() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let mbox = tmp.path().join("export.mbox");
    let mut text = String::new();
    for folder in ["INBOX", "Sent"] {
        let mut files: Vec<_> = std::fs::read_dir(sample().join(folder).join("cur"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let body = String::from_utf8_lossy(&std::fs::read(f).unwrap()).replace("\r\n", "\n");
            text.push_str("From MAILER-DAEMON Mon Jan  1 00:00:00 2026\n");
            for line in body.lines() {
                // mboxrd escaping
                if line.trim_start_matches('>').starts_with("From ") {
                    text.push('>');
                }
                text.push_str(line);
                text.push('\n');
            }
            text.push('\n');
        }
    }
    std::fs::write(&mbox, text).unwrap();
    let (db1, db2) = (tmp.path().join("a.sqlite"), tmp.path().join("b.sqlite"));
    scan_maildir(&cfg, &db1, &sample());
    scan_source(&cfg, &db2, "--mbox", &mbox);
    let strip = |v: serde_json::Value| -> Vec<(String, String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["title"].to_string(),
                    o["quote_ref"].to_string(),
                    o["message_ids"].to_string(),
                )
            })
            .collect()
    };
    let (mut a, mut b) = (
        strip(opportunities(&cfg, &db1)),
        strip(opportunities(&cfg, &db2)),
    );
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

/// Malformed mail is stored degraded or skipped, never a crash, and nothing stored is lost.
#[test]
fn bad_input_never_crashes_and_keeps_what_was_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path());
    let db = tmp.path().join("db.sqlite");
    scan_maildir(&cfg, &db, &sample());
    let before = opportunities(&cfg, &db);
    let bad = tmp.path().join("bad/INBOX/cur");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("empty:2,S"), b"").unwrap();
    std::fs::write(
        bad.join("garbage:2,S"),
        [0u8, 159, 146, 150, 255, 0, 13, 10],
    )
    .unwrap();
    std::fs::write(
        bad.join("noid:2,S"),
        "From: a@b.example\nSubject: x\nDate: someday\n\nhello\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("dupid1:2,S"),
        "Message-ID: <dup@x.example>\nFrom: a@b.example\n\none\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("dupid2:2,S"),
        "Message-ID: <dup@x.example>\nFrom: a@b.example\n\ntwo\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("future:2,S"),
        "Message-ID: <f@x.example>\nDate: Mon, 1 Jan 2098 00:00:00 +0000\nFrom: a@b.example\n\nx\n",
    )
    .unwrap();
    std::fs::write(bad.join("charset:2,S"), "Message-ID: <c@x.example>\nFrom: a@b.example\nContent-Type: text/plain; charset=x-klingon\n\n\u{e9}t\u{e9}\n").unwrap();
    let mut nested = String::from("Message-ID: <n@x.example>\nFrom: a@b.example\n");
    for i in 0..10_000 {
        nested.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    std::fs::write(bad.join("nested:2,S"), nested).unwrap();
    let mut big = String::from(
        "Message-ID: <big@x.example>\nFrom: a@b.example\nContent-Type: text/plain\n\n",
    );
    big.push_str(&"0123456789abcdef\n".repeat(50 * 1024 * 1024 / 17));
    std::fs::write(bad.join("big:2,S"), big).unwrap();
    let log = scan_maildir(&cfg, &db, &tmp.path().join("bad"));
    assert!(log.contains("scanned 9 messages"), "{log}");
    assert_eq!(
        before,
        opportunities(&cfg, &db),
        "stored opportunities changed"
    );
}

/// A nonexistent path or an invalid config: one clear line and a non-zero exit.
#[test]
fn clear_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db.sqlite");
    let out = run(&[
        "scan",
        "--maildir",
        "/nonexistent/mailbox",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/mailbox"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let cfg = tmp.path().join("bad.toml");
    std::fs::write(&cfg, "[identity]\nadresses = [\"x@y.example\"]\n").unwrap();
    let out = run(&[
        "--config",
        cfg.to_str().unwrap(),
        "opportunities",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("adresses") && err.contains("bad.toml"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let out = run(&[
        "opportunities",
        "--db",
        db.to_str().unwrap(),
        "--as-of",
        "next tuesday",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
}

/// Without [identity], it is inferred from the Sent folder and said.
#[test]
fn identity_is_inferred_from_sent_mail() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db.sqlite");
    let out = run(&[
        "scan",
        "--maildir",
        sample().to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("inferred") && err.contains("ventilaire.example"),
        "{err}"
    );
}

/// The demo runs on the shipped sample and prints the pipeline.
#[test]
fn demo_prints_the_pipeline() {
    let out = ok(&["demo"]);
    assert!(out.contains("opportunities found"), "{out}");
    assert!(out.contains("DEV-") || out.contains("Devis"), "{out}");
}
