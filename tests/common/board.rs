//! A real board for the tests: the sample mailbox scanned (as `maildir`) and a small mbox with
//! HTML in its subject, sender name and body (as `mbox`), then `dealwatch serve` on a free
//! loopback port, with two users: alice sees the maildir deals, bob the mbox one. And a small
//! HTTP/1.1 client that keeps cookies, so the tests see exactly what a browser gets.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, sample_mailbox};

pub const BIN: &str = env!("CARGO_BIN_EXE_dealwatch");
/// "Now" for everything the board decides.
pub const AS_OF: &str = "2026-06-01T08:00:00Z";
/// The digest links' secret.
pub const SECRET: &str = "a test secret that signs digest links";

/// A running board.
pub struct Board {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db: PathBuf,
    pub port: u16,
    child: Child,
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the CLI on the board's config and database.
pub fn cli(config: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(["--as-of", AS_OF])
        .args(args)
        .env("DW_ALICE", "alice-password-1")
        .env("DW_BOB", "bob-password-2")
        .env("DW_SECRET", SECRET)
        .output()
        .expect("run dealwatch")
}

impl Board {
    pub fn start() -> Board {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                r#"[identity]
addresses = ["camille.rouviere@ventilaire.example"]
domains = ["ventilaire.example"]

[digests.weekly]
to = ["camille.rouviere@ventilaire.example"]

[digests.bobs]
to = ["bob@ventilaire.example"]
accounts = ["mbox"]

[web]
listen = "127.0.0.1:{port}"
public-url = "http://127.0.0.1:{port}"
secret.env = "DW_SECRET"

[web.users.alice]
password.env = "DW_ALICE"
accounts = ["maildir"]

[web.users.bob]
password.env = "DW_BOB"
accounts = ["mbox"]
"#
            ),
        )
        .expect("config");
        let mut perms = std::fs::metadata(&config).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
        std::fs::set_permissions(&config, perms).expect("chmod");
        let db = dir.path().join("deals.sqlite");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile.mbox");
        for args in [
            vec![
                "scan",
                "--maildir",
                sample_mailbox().to_str().expect("path"),
            ],
            vec!["scan", "--mbox", fixture.to_str().expect("path")],
        ] {
            let out = cli(&config, &db, &args);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let child = Command::new(BIN)
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(&db)
            .args(["--as-of", AS_OF, "serve"])
            .env("DW_ALICE", "alice-password-1")
            .env("DW_BOB", "bob-password-2")
            .env("DW_SECRET", SECRET)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dealwatch serve");
        let board = Board {
            dir,
            config,
            db,
            port,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the board did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        board
    }

    /// The board's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A deal as `show --json` prints it, from the database itself.
    pub fn show(&self, id: i64) -> serde_json::Value {
        let out = cli(&self.config, &self.db, &["show", &id.to_string(), "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// Every deal as `opportunities --json` prints it.
    pub fn deals(&self) -> Vec<serde_json::Value> {
        let out = cli(&self.config, &self.db, &["opportunities", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// The id of the deal whose customer contains `part`.
    pub fn deal_of(&self, part: &str) -> i64 {
        self.deals()
            .iter()
            .find(|d| d["customer"].as_str().is_some_and(|c| c.contains(part)))
            .and_then(|d| d["id"].as_i64())
            .unwrap_or_else(|| panic!("no deal of {part}"))
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A browser-like client: keeps the cookies it is given.
pub struct Client {
    port: u16,
    pub cookies: HashMap<String, String>,
}

/// `application/x-www-form-urlencoded`.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    pub fn new(board: &Board) -> Client {
        Client {
            port: board.port,
            cookies: HashMap::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.request("GET", path, None)
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.request("POST", path, Some(form(fields)))
    }

    pub fn request(&mut self, method: &str, path: &str, body: Option<String>) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the board");
        s.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {}\r\n", cookie.join("; ")));
        }
        let body = body.unwrap_or_default();
        if method == "POST" {
            req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        s.write_all(req.as_bytes()).expect("send");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let rest = &raw[split + 4..];
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .expect("status");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        let body = if chunked {
            String::from_utf8_lossy(&dechunk(rest)).into_owned()
        } else {
            String::from_utf8_lossy(rest).into_owned()
        };
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap_or("");
                if let Some((name, value)) = pair.split_once('=') {
                    if value.is_empty() || v.contains("Max-Age=0") {
                        self.cookies.remove(name);
                    } else {
                        self.cookies.insert(name.to_string(), value.to_string());
                    }
                }
            }
        }
        Response {
            status,
            headers,
            body,
        }
    }

    /// Logs in through the form, as a browser does.
    pub fn login(&mut self, user: &str, password: &str) -> Response {
        let page = self.get("/login");
        let token = hidden(&page.body, "token").expect("login form token");
        self.post(
            "/login",
            &[("token", &token), ("user", user), ("password", password)],
        )
    }

    /// The CSRF token of a logged-in page.
    pub fn csrf(&mut self) -> String {
        let page = self.get("/");
        hidden(&page.body, "csrf").expect("csrf token on the board")
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..eol]).trim().to_string();
        let n = usize::from_str_radix(&size, 16).unwrap_or(0);
        let after = &rest[eol + 2..];
        if n == 0 || after.len() < n {
            break;
        }
        out.extend_from_slice(&after[..n]);
        rest = after[n..].strip_prefix(b"\r\n").unwrap_or(&after[n..]);
    }
    out
}

/// The value of a hidden input in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}
