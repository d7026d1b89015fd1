//! Real servers for the calendar tests: Radicale (CalDAV) and aiosmtpd (SMTP), started on
//! loopback with throwaway folders, killed on drop. A missing server or tool fails the test.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dealwatch::store::{NewMessage, NewOpportunity, OpportunityRow, Store};

/// Debian's python, which has the icalendar, radicale and aiosmtpd modules.
pub const PYTHON: &str = "/usr/bin/python3";

/// A child process killed on drop.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// Its throwaway folder.
    pub dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().expect("local addr").port()
}

fn wait_listening(child: &mut Child, port: u16, what: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} exited before listening ({status}); is it installed? (scripts/test installs it)"
            );
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not listen on 127.0.0.1:{port} within 20 s");
}

/// Radicale with one htpasswd user (`alice` / `secret`) and an empty storage folder.
pub fn radicale() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let users = dir.path().join("users");
    std::fs::write(&users, "alice:secret\n").expect("write htpasswd");
    let storage = dir.path().join("collections");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\nhtpasswd_filename = {}\n\
             htpasswd_encryption = plain\n[storage]\nfilesystem_folder = {}\n[rights]\ntype = owner_only\n\
             [logging]\nlevel = warning\n",
            users.display(),
            storage.display()
        ),
    )
    .expect("write radicale config");
    let mut child = Command::new(PYTHON)
        .args(["-m", "radicale", "--config"])
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cannot start /usr/bin/python3 -m radicale");
    wait_listening(&mut child, port, "radicale");
    Server { child, port, dir }
}

/// aiosmtpd storing every message in a Maildir (`dir/mail`).
pub fn smtp_sink() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let maildir = dir.path().join("mail");
    let mut child = Command::new(PYTHON)
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cannot start /usr/bin/python3 -m aiosmtpd");
    wait_listening(&mut child, port, "aiosmtpd");
    Server { child, port, dir }
}

impl Server {
    /// Messages received so far by the SMTP sink, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.dir.path().join("mail").join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| std::fs::read(p).expect("read message"))
            .collect()
    }
}

/// A store holding one opportunity (id returned) with one customer message.
pub fn store_with_opportunity(
    path: &Path,
    title: &str,
    customer: &str,
    contact: &str,
) -> (Store, i64) {
    let mut store = Store::open(path).expect("open store");
    let msg = NewMessage {
        key: "m1@customer.test".into(),
        message_id: "m1@customer.test".into(),
        has_message_id: true,
        date: Some("2026-01-09T10:00:00+00:00".into()),
        date_ts: 1_767_952_800,
        from_addr: contact.into(),
        from_name: "Bob \"the buyer\"\r\nX-Evil: 1".into(),
        subject: "Re: Quote Q-2026-001".into(),
        direction: "inbound".into(),
        auto_kind: "none".into(),
        new_text: Some("We accept your quote.\nThanks".into()),
        lang: "en".into(),
        ..Default::default()
    };
    let now = chrono::Utc::now();
    store
        .insert_batch("test", &[("INBOX".into(), "1".into(), msg)], None, now)
        .expect("insert message");
    let linker = store.linker().expect("linker");
    let id = linker
        .create(&NewOpportunity {
            title: title.into(),
            customer: customer.into(),
            subject_norm: "quote q-2026-001".into(),
            created_from: "quote".into(),
            anchor_message: 1,
            first_seen: "2026-01-05T09:00:00+00:00".into(),
        })
        .expect("create opportunity");
    linker.link(1, id, "test").expect("link");
    linker
        .update(
            &OpportunityRow {
                id,
                title: title.into(),
                customer: customer.into(),
                contacts: vec![contact.into()],
                quote_ref: Some("Q-2026-001".into()),
                amount: Some(12_500.0),
                currency: Some("EUR".into()),
                first_seen: "2026-01-05T09:00:00+00:00".into(),
                ..Default::default()
            },
            None,
        )
        .expect("update opportunity");
    linker.commit().expect("commit");
    (store, id)
}

/// Parses iCalendar text with Python's icalendar module; prints one JSON object per property
/// (`comp`, `name`, `value`, `params`), components included.
pub fn python_parse(ics: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.ics");
    std::fs::write(&file, ics).expect("write ics");
    let script = r#"
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for comp in cal.walk():
    if getattr(comp, 'errors', None):
        sys.exit('parse errors: %r' % comp.errors)
    for k, v in comp.property_items(recursive=False):
        if k in ('BEGIN', 'END'):
            continue
        value = str(v) if isinstance(v, (icalendar.prop.vText, icalendar.prop.vCalAddress, str)) else v.to_ical().decode()
        out.append({'comp': comp.name, 'name': k, 'value': value, 'params': dict(getattr(v, 'params', {}) or {})})
print(json.dumps(out))
"#;
    let out = Command::new(PYTHON)
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("cannot run /usr/bin/python3 (python3-icalendar)");
    assert!(
        out.status.success(),
        "python icalendar failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json from python")
}
