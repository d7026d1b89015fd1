//! Scenario tests for the opportunity state machine, written as small scripts in
//! `tests/scenarios/*.scn` and run against the real binary:
//!
//! ```text
//! # comment
//! > config                      (TOML lines until "> end"; [identity] is provided)
//! > mail FOLDER                 (an RFC 5322 message until "> end", stored in the Maildir)
//! > at 2026-02-01T09:00:00Z     (the --as-of of every following command)
//! > scan                        (dealwatch scan --maildir of everything written so far)
//! > run accept 1                (any dealwatch command; must succeed)
//! > fail accept 1               (must fail)
//! > expect 1 won                (effective state: the proposal for an open opportunity)
//! > expect 1 state on_hold      (the recorded state)
//! > expect 1 proposal open      (the proposal's state)
//! > expect 1 amount 980.00 EUR  (the amount, two decimals, and its currency)
//! > expect 1 title Some words   (the title)
//! > expect 1 revisit 2026-09-01 (the proposal's or the recorded revisit date)
//! > expect count 2              (number of opportunities)
//! > expect 1 messages <a@x> <b@y> (exactly these messages, in any order, are linked to 1)
//! > expect unlinked <a@x>       (the message is linked to no opportunity)
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

const IDENTITY: &str =
    "[identity]\naddresses = [\"claire@ventilaire.example\"]\ndomains = [\"ventilaire.example\"]\n";

struct World {
    dir: tempfile::TempDir,
    now: String,
    config: String,
    mails: usize,
    expectations: usize,
}

impl World {
    fn new() -> World {
        World {
            dir: tempfile::tempdir().expect("tempdir"),
            now: "2026-01-01T00:00:00Z".into(),
            config: IDENTITY.into(),
            mails: 0,
            expectations: 0,
        }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn dealwatch(&self, args: &[&str]) -> std::process::Output {
        std::fs::write(self.path("config.toml"), &self.config).expect("config");
        let cfg = self.path("config.toml");
        let db = self.path("db.sqlite");
        Command::new(env!("CARGO_BIN_EXE_dealwatch"))
            .env_remove("DEALWATCH_CONFIG")
            .env_remove("DEALWATCH_DB")
            .args([
                "--config",
                cfg.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
                "--as-of",
                &self.now,
            ])
            .args(args)
            .output()
            .expect("run dealwatch")
    }

    fn opportunities(&self) -> Vec<serde_json::Value> {
        let out = self.dealwatch(&["opportunities", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .expect("json")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn opportunity(&self, id: &str, ctx: &str) -> serde_json::Value {
        let id: i64 = id.parse().unwrap_or_else(|_| panic!("{ctx}: bad id {id}"));
        self.opportunities()
            .into_iter()
            .find(|o| o["id"] == id)
            .unwrap_or_else(|| panic!("{ctx}: no opportunity {id}"))
    }

    fn expect(&mut self, words: &[&str], ctx: &str) {
        self.expectations += 1;
        match words {
            ["count", n] => {
                let got = self.opportunities().len();
                assert_eq!(got.to_string(), *n, "{ctx}");
            }
            [id, "state", s] => {
                let o = self.opportunity(id, ctx);
                assert_eq!(o["state"], *s, "{ctx}: {o:#}");
            }
            [id, "revisit", d] => {
                let o = self.opportunity(id, ctx);
                let got = o["proposal"]["revisit_on"]
                    .as_str()
                    .or(o["revisit_on"].as_str());
                assert_eq!(got, Some(*d), "{ctx}: {o:#}");
            }
            [id, "amount", amount, currency] => {
                let o = self.opportunity(id, ctx);
                let got = o["amount"].as_f64().map(|a| format!("{a:.2}"));
                assert_eq!(got.as_deref(), Some(*amount), "{ctx}: {o:#}");
                assert_eq!(o["currency"], *currency, "{ctx}: {o:#}");
            }
            [id, "title", words @ ..] => {
                let o = self.opportunity(id, ctx);
                assert_eq!(o["title"], words.join(" "), "{ctx}: {o:#}");
            }
            [id, "proposal", st] => {
                let o = self.opportunity(id, ctx);
                assert_eq!(o["proposal"]["state"], *st, "{ctx}: {o:#}");
            }
            [id, "messages", ids @ ..] => {
                let o = self.opportunity(id, ctx);
                let mut got: Vec<String> = o["message_ids"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut want: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
                got.sort();
                want.sort();
                assert_eq!(got, want, "{ctx}: {o:#}");
            }
            ["unlinked", msgid] => {
                let holder = self.opportunities().into_iter().find(|o| {
                    o["message_ids"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|v| v == *msgid))
                });
                assert!(holder.is_none(), "{ctx}: {msgid} linked to {holder:#?}");
            }
            [id, "no-proposal"] => {
                let o = self.opportunity(id, ctx);
                assert!(o["proposal"].is_null(), "{ctx}: {o:#}");
            }
            [id, s] => {
                let o = self.opportunity(id, ctx);
                let effective = match (&o["state"], &o["proposal"]) {
                    (st, serde_json::Value::Object(p)) if st == "open" => p["state"].clone(),
                    (st, _) => st.clone(),
                };
                assert_eq!(effective, *s, "{ctx}: {o:#}");
            }
            _ => panic!("{ctx}: bad expect"),
        }
    }
}

fn run_script(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("read scenario");
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let mut w = World::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let ctx = format!("{name}:{}", n + 1);
        let Some(cmd) = line.strip_prefix("> ") else {
            assert!(
                line.trim().is_empty() || line.starts_with('#'),
                "{ctx}: stray line {line:?}"
            );
            continue;
        };
        let words: Vec<&str> = cmd.split_whitespace().collect();
        match words.as_slice() {
            ["config"] | ["mail", _] => {
                let mut block = String::new();
                for (_, l) in lines.by_ref() {
                    if l == "> end" {
                        break;
                    }
                    block.push_str(l);
                    block.push('\n');
                }
                if words[0] == "config" {
                    w.config = format!("{IDENTITY}{block}");
                } else {
                    w.mails += 1;
                    let dir = w.path(&format!("mail/{}/cur", words[1]));
                    std::fs::create_dir_all(&dir).expect("maildir");
                    std::fs::write(dir.join(format!("{:04}.scenario:2,S", w.mails)), block)
                        .expect("mail");
                }
            }
            ["at", t] => w.now = t.to_string(),
            ["scan"] => {
                let dir = w.path("mail");
                let out = w.dealwatch(&["scan", "--maildir", dir.to_str().unwrap()]);
                assert!(
                    out.status.success(),
                    "{ctx}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            ["run", args @ ..] => {
                let out = w.dealwatch(args);
                assert!(
                    out.status.success(),
                    "{ctx}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            ["fail", args @ ..] => {
                let out = w.dealwatch(args);
                assert!(!out.status.success(), "{ctx}: expected a failure");
            }
            ["expect", rest @ ..] => w.expect(rest, &ctx),
            _ => panic!("{ctx}: unknown command {cmd:?}"),
        }
    }
    assert!(
        w.expectations > 0,
        "{name}: a scenario must expect something"
    );
    w.expectations
}

#[test]
fn scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "scn"))
        .collect();
    files.sort();
    // While working on one scenario: `SCENARIO=link_ cargo test --test scenarios`.
    let only = std::env::var("SCENARIO").unwrap_or_default();
    files.retain(|f| f.to_string_lossy().contains(&only));
    assert!(
        files.len() >= 4 || !only.is_empty(),
        "scenario files missing in {}",
        dir.display()
    );
    let mut total = 0;
    for f in &files {
        total += run_script(f);
    }
    eprintln!("{} scenarios, {total} expectations", files.len());
}
