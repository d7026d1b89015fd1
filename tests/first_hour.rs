//! A salesperson's first hour, as the README tells it, with the real binary in a temporary
//! HOME: the demo, the sample config copied to its default place with only `[identity]`
//! changed, a scan of the sample mailbox, the pipeline, one deal, accept, hold with a date in
//! words, a digest preview, `eval` on a labeled copy with one wrong label, `config check`,
//! completions and the man page. Every command must succeed (or fail with its one-line
//! reason), and no output may name a placeholder of the sample config.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_dealwatch");

/// Placeholders of `config/dealwatch.sample.toml` that must never reach a user's screen once
/// they copied it and set `[identity]`.
const PLACEHOLDERS: &[&str] = &[
    "imap.example.com",
    "smtp.example.com",
    "dav.example.com",
    "DEALWATCH_IMAP_PASSWORD",
    "DEALWATCH_SMTP_PASSWORD",
    "pass show",
    "sales-lead@example.com",
];

struct User {
    home: tempfile::TempDir,
    db: PathBuf,
}

impl User {
    fn new() -> User {
        let home = tempfile::tempdir().expect("home");
        let db = home.path().join("deals.sqlite");
        User { home, db }
    }

    /// Runs dealwatch as this user: their HOME, no DEALWATCH_* from the test's environment.
    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .args(args)
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("DEALWATCH_CONFIG")
            .env_remove("DEALWATCH_DB")
            .env("DEALWATCH_DB", &self.db)
            .current_dir(self.home.path())
            .output()
            .expect("run dealwatch");
        let all = text(&out);
        for p in PLACEHOLDERS {
            assert!(
                !all.contains(p),
                "`dealwatch {}` shows the sample's placeholder {p}:\n{all}",
                args.join(" ")
            );
        }
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`dealwatch {}` failed:\n{}",
            args.join(" "),
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The sample config with only its `[identity]` changed, as the README says.
fn copy_sample_config(home: &Path) -> PathBuf {
    let sample = std::fs::read_to_string(repo("config/dealwatch.sample.toml")).expect("sample");
    let mine = sample
        .replace(
            "addresses = [\"claire@example.com\"]",
            "addresses = [\"camille.rouviere@ventilaire.example\"]",
        )
        .replace(
            "domains = [\"example.com\"]",
            "domains = [\"ventilaire.example\"]",
        );
    assert_ne!(mine, sample, "the sample's [identity] lines moved");
    let dir = home.join(".config");
    std::fs::create_dir_all(&dir).expect("config dir");
    let path = dir.join("dealwatch.toml");
    std::fs::write(&path, mine).expect("write config");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path
}

#[test]
fn the_readme_walked_as_a_new_user() {
    let u = User::new();
    let as_of = "2026-06-01T08:00:00Z";

    // The demo needs no config and no database.
    let demo = u.ok(&["demo"]);
    assert!(demo.contains("opportunities found"), "{demo}");

    // The sample config copied to ~/.config/dealwatch.toml is read without being named.
    let config = copy_sample_config(u.home.path());
    let path = u.ok(&["config", "path"]);
    assert_eq!(path.trim(), config.display().to_string());
    let check = u.ok(&["config", "check"]);
    assert!(check.contains("config ok"), "{check}");

    let mailbox = repo("samples/mailbox");
    let mailbox = mailbox.to_str().expect("utf-8 path");
    u.ok(&["--as-of", as_of, "scan", "--maildir", mailbox]);
    // -q: errors only.
    let quiet = u.run(&["-q", "--as-of", as_of, "scan", "--maildir", mailbox]);
    assert!(
        quiet.status.success() && quiet.stderr.is_empty(),
        "{}",
        text(&quiet)
    );

    let list = u.ok(&["--as-of", as_of, "opportunities"]);
    assert!(list.lines().count() > 10, "{list}");
    let json = u.ok(&["--as-of", as_of, "opportunities", "--json"]);
    let deals: serde_json::Value = serde_json::from_str(&json).expect("json");
    let deals = deals.as_array().expect("array");
    let proposed = deals
        .iter()
        .find(|d| d["proposal"]["state"] == "won")
        .expect("a deal proposed won");
    let id = proposed["id"].to_string();
    let top = u.ok(&[
        "--as-of",
        as_of,
        "opportunities",
        "--sort",
        "amount",
        "--limit",
        "2",
    ]);
    assert_eq!(
        top.lines().filter(|l| l.contains(" EUR")).count(),
        2,
        "{top}"
    );

    let show = u.ok(&["--as-of", as_of, "show", &id]);
    // Times in the sample config's time zone (Europe/Paris), labelled.
    assert!(
        show.contains("timeline:") && (show.contains(" CET ") || show.contains(" CEST ")),
        "{show}"
    );
    let one: serde_json::Value =
        serde_json::from_str(&u.ok(&["--as-of", as_of, "show", &id, "--json"])).expect("json");
    assert_eq!(one["deal"]["id"].to_string(), id);
    assert_eq!(one["deal"]["proposal"]["state"], "won");
    assert!(one["messages"].as_array().is_some_and(|m| !m.is_empty()));
    let accepted = u.ok(&["--as-of", as_of, "accept", &id]);
    assert!(accepted.contains("won"), "{accepted}");

    // Hold with a date in words; a wrong one names the accepted formats.
    let open = deals
        .iter()
        .find(|d| d["proposal"].is_null() && d["state"] == "open")
        .expect("an open deal")["id"]
        .to_string();
    let held = u.ok(&["--as-of", as_of, "hold", &open, "--until", "september"]);
    assert!(held.contains("until 2026-09-01"), "{held}");
    let bad = u.run(&["--as-of", as_of, "hold", &open, "--until", "someday"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.lines().count() == 1 && err.contains("YYYY-MM-DD"),
        "{err}"
    );

    // Correcting a deal by hand, kept in its history.
    u.ok(&["--as-of", as_of, "edit", &open, "--amount", "9 990,00"]);
    u.ok(&["--as-of", as_of, "note", &open, "called the buyer"]);
    let history = u.ok(&["--as-of", as_of, "show", &open]);
    assert!(
        history.contains("edited amount") && history.contains("note: called the buyer"),
        "{history}"
    );

    // The digest preview renders without any SMTP.
    let preview = u.home.path().join("digest.html");
    u.ok(&[
        "--as-of",
        as_of,
        "digest",
        "--preview",
        preview.to_str().expect("utf-8"),
    ]);
    assert!(std::fs::read_to_string(&preview).is_ok_and(|h| h.contains("<html")));

    // eval on a labeled copy with one wrong label lists that thread.
    let copy = u.home.path().join("labeled");
    copy_dir(&repo("samples/mailbox"), &copy);
    let labels_path = copy.join("labels.json");
    let mut labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&labels_path).expect("labels"))
            .expect("json");
    let threads = labels["threads"].as_array_mut().expect("threads");
    let wrong = threads
        .iter_mut()
        .find(|t| t["kind"] == "opportunity" && t["expected_state"] == "won")
        .expect("a won thread");
    wrong["expected_state"] = "lost".into();
    let wrong_id = wrong["id"].as_str().expect("id").to_string();
    std::fs::write(&labels_path, labels.to_string()).expect("write labels");
    let eval = u.ok(&["eval", "--corpus", copy.to_str().expect("utf-8")]);
    assert!(
        eval.lines()
            .any(|l| l.contains(&wrong_id) && l.contains("expected lost, got won")),
        "{eval}"
    );

    // A database the user may only read can still be listed.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&u.db, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    u.ok(&["--as-of", as_of, "opportunities"]);
    std::fs::set_permissions(&u.db, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    // Completions and the man page come from the same definition as --help.
    assert!(u.ok(&["completions", "bash"]).contains("dealwatch"));
    assert!(u.ok(&["man"]).contains(".TH dealwatch"));
}

#[test]
fn a_maildir_without_identity_or_sent_mail_is_refused_with_the_fix() {
    let u = User::new();
    let inbox = u.home.path().join("mail/INBOX/cur");
    std::fs::create_dir_all(&inbox).expect("inbox");
    std::fs::write(
        inbox.join("1:2,S"),
        "From: a@customer.example\r\nTo: me@us.example\r\nSubject: hello\r\nMessage-ID: <a@c>\r\n\r\nHi\r\n",
    )
    .expect("mail");
    let out = u.run(&[
        "scan",
        "--maildir",
        u.home.path().join("mail").to_str().expect("utf-8"),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines().count() == 1 && err.contains("[identity] addresses ="),
        "{err}"
    );
}

#[test]
fn a_wrong_path_is_said_once() {
    let u = User::new();
    let out = u.run(&["scan", "--maildir", "/nonexistent/Mail"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("/nonexistent/Mail").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let dst = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).expect("copy");
        }
    }
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `dealwatch completions bash | head -1`: the reader is gone before the first write.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(BIN)
        .args(["completions", "bash"])
        .stdout(writer)
        .output()
        .expect("run dealwatch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "a closed pipe made noise: {err}");
}
