//! Board benchmark (issue: the web board): latency and throughput of `dealwatch serve` on a
//! database of 20,000 deals, with a bounded load generator of its own on loopback.
//!
//! ```sh
//! cargo bench --bench board                          # 20,000 deals, 4 connections, 2,000 requests per page
//! cargo bench --bench board -- 20000 --connections 8 --requests 4000
//! ```
//! A Maildir is written in a temporary directory: N quotes from us to N / 10 customers, then
//! replies to a quarter of them in several languages (acceptances, other suppliers, dropped
//! projects, pauses, questions), so the board has proposals to show. It is scanned with the
//! release binary, `dealwatch serve` is started on a free loopback port, the benchmark logs in
//! through the form like a browser, then times a cold first request (the snapshot of every deal
//! is built) and, per page, a fixed number of requests over C keep-alive connections: p50, p90,
//! p99, max and requests/s.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "common/mailgen.rs"]
mod mailgen;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dealwatch");
const AS_OF: &str = "2026-06-01T08:00:00Z";
const PASSWORD: &str = "bench-password-1";

/// Replies of several kinds, in several languages: the board gets proposals of every state.
const ANSWERS: &[&str] = &[
    "Bonjour,\n\nbon pour accord, vous pouvez lancer la commande.\n\nCordialement",
    "Hello,\n\nwe have decided to go with another supplier this time.\n\nRegards",
    "Guten Tag,\n\ndas Projekt wurde leider gestrichen, es gibt kein Budget mehr.\n\nGruß",
    "Buongiorno,\n\nci risentiamo a settembre, per ora mettiamo tutto in pausa.\n\nSaluti",
    "Hola,\n\n¿podrían enviarnos la ficha técnica antes de decidir?\n\nSaludos",
    "Goedemiddag,\n\nwij hebben gekozen voor een andere leverancier.\n\nMet vriendelijke groet",
];

fn reply(i: usize) -> String {
    let c = i / 10;
    format!(
        "Message-ID: <r{i}@client{c}.example>\nDate: Tue, 10 Mar 2026 09:00:00 +0100\n\
         From: Buyer {c} <buyer@client{c}.example>\nTo: marie@lumen.example\n\
         Subject: RE: Devis DEV-2026-{i:05} - lot {i} eclairage hall {c}\n\
         In-Reply-To: <q{i}@lumen.example>\nReferences: <q{i}@lumen.example>\n\n{}\n",
        ANSWERS[i % ANSWERS.len()]
    )
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One keep-alive HTTP/1.1 connection with the session cookie.
struct Conn {
    reader: BufReader<TcpStream>,
    port: u16,
    cookie: String,
}

/// A response: status, `Set-Cookie` values, body.
struct Response {
    status: u16,
    cookies: Vec<String>,
    body: Vec<u8>,
}

impl Conn {
    fn open(port: u16, cookie: &str) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the board");
        s.set_nodelay(true).expect("nodelay");
        s.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        Conn {
            reader: BufReader::new(s),
            port,
            cookie: cookie.to_string(),
        }
    }

    fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> Response {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        if !self.cookie.is_empty() {
            req.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            ));
        } else {
            req.push_str("\r\n");
        }
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .expect("send a request");
        self.read_response()
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read a line");
        line.trim_end().to_string()
    }

    fn read_response(&mut self) -> Response {
        let status_line = self.line();
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let (mut length, mut chunked, mut cookies) = (None, false, Vec::new());
        loop {
            let h = self.line();
            if h.is_empty() {
                break;
            }
            let Some((k, v)) = h.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "content-length" => length = v.parse::<usize>().ok(),
                "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                "set-cookie" => cookies.push(v.split(';').next().unwrap_or("").to_string()),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let size = usize::from_str_radix(self.line().split(';').next().unwrap_or(""), 16)
                    .expect("chunk size");
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).expect("a chunk");
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).expect("a body");
        }
        Response {
            status,
            cookies,
            body,
        }
    }
}

/// Logs in through the form and returns the session cookie.
fn login(port: u16) -> String {
    let mut c = Conn::open(port, "");
    let form = c.request("GET", "/login", None);
    let token =
        common::board::hidden(&String::from_utf8_lossy(&form.body), "token").expect("login token");
    let login_cookie = form.cookies.first().cloned().expect("login cookie");
    c.cookie = login_cookie;
    let done = c.request(
        "POST",
        "/login",
        Some(&format!("token={token}&user=bench&password={PASSWORD}")),
    );
    assert_eq!(done.status, 303, "login refused");
    done.cookies
        .into_iter()
        .find(|c| c.starts_with("dw_session="))
        .expect("session cookie")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// `requests` GETs of `path` spread over `conns` keep-alive connections, each on its thread.
fn load(port: u16, cookie: &str, path: &str, conns: usize, requests: usize) {
    let start = Instant::now();
    let per = requests.div_ceil(conns);
    let threads: Vec<_> = (0..conns)
        .map(|_| {
            let (cookie, path) = (cookie.to_string(), path.to_string());
            std::thread::spawn(move || {
                let mut c = Conn::open(port, &cookie);
                let mut times = Vec::with_capacity(per);
                let mut bytes = 0;
                for _ in 0..per {
                    let t = Instant::now();
                    let r = c.request("GET", &path, None);
                    times.push(t.elapsed());
                    assert_eq!(r.status, 200, "{path}");
                    bytes = r.body.len();
                }
                (times, bytes)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut bytes = 0;
    for t in threads {
        let (mut ts, b) = t.join().expect("a load thread");
        times.append(&mut ts);
        bytes = b;
    }
    let wall = start.elapsed().as_secs_f64();
    times.sort();
    println!(
        "{path:<22} {:>6} req  p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  \
         {:>7.0} req/s  {:>4} KiB",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.90),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        times.len() as f64 / wall,
        bytes / 1024
    );
}

fn dealwatch(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--quiet")
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--db")
        .arg(dir.join("deals.sqlite"))
        .args(["--as-of", AS_OF])
        .env("DW_BENCH_PASSWORD", PASSWORD)
        .env(
            "DW_BENCH_SECRET",
            "a secret that signs the bench's digest links",
        );
    cmd
}

/// Peak resident memory of a process, from /proc (`VmHWM`), in MiB.
fn peak_rss(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn run(deals: usize, conns: usize, requests: usize) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let mail = dir.join("mail");
    for sub in ["quotes/cur", "replies/cur"] {
        std::fs::create_dir_all(mail.join(sub)).expect("mkdir");
    }
    for i in 0..deals {
        mailgen::write(
            &mail.join("quotes/cur"),
            &format!("q{i}"),
            &mailgen::quote(i, 1000 + (i * 37) % 90_000),
        );
    }
    let replies: Vec<usize> = (0..deals).step_by(4).collect();
    for &i in &replies {
        mailgen::write(&mail.join("replies/cur"), &format!("r{i}"), &reply(i));
    }
    let port = common::free_port();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[identity]\naddresses = [\"marie@lumen.example\"]\ndomains = [\"lumen.example\"]\n\n\
             [web]\nlisten = \"127.0.0.1:{port}\"\npublic-url = \"http://127.0.0.1:{port}\"\n\
             secret.env = \"DW_BENCH_SECRET\"\n\n[web.users.bench]\npassword.env = \"DW_BENCH_PASSWORD\"\n"
        ),
    )
    .expect("config");
    let mut perms = std::fs::metadata(&config).expect("meta").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
    std::fs::set_permissions(&config, perms).expect("chmod");

    let start = Instant::now();
    let out = dealwatch(dir)
        .args(["scan", "--maildir"])
        .arg(&mail)
        .output()
        .expect("run dealwatch scan");
    assert!(
        out.status.success(),
        "scan: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "{deals} deals, {} replies: scanned in {:.1} s",
        replies.len(),
        start.elapsed().as_secs_f64()
    );

    let child = dealwatch(dir)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dealwatch serve");
    let serve = Serve(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the board did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let cookie = login(port);
    let mut c = Conn::open(port, &cookie);
    let t = Instant::now();
    let first = c.request("GET", "/", None);
    assert_eq!(first.status, 200);
    println!(
        "first pipeline page (snapshot of every deal built): {:.1} ms, {} KiB",
        t.elapsed().as_secs_f64() * 1e3,
        first.body.len() / 1024
    );
    let page = String::from_utf8_lossy(&first.body);
    let deal = page
        .split("href=\"/deal/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("1")
        .to_string();
    println!("{conns} keep-alive connections, {requests} requests per page:");
    for path in [
        "/".to_string(),
        "/?q=hall+42".to_string(),
        "/?sort=amount".to_string(),
        "/?min=50000".to_string(),
        format!("/deal/{deal}"),
        "/figures".to_string(),
    ] {
        load(port, &cookie, &path, conns, requests);
    }
    if let Some(mib) = peak_rss(serve.0.id()) {
        println!("serve peak RSS: {mib:.0} MiB");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("board bench: run it with `cargo bench --bench board`");
        return;
    }
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let conns = flag("--connections", 4);
    let requests = flag("--requests", 2000);
    let deals = args
        .iter()
        .enumerate()
        .find(|(i, a)| {
            a.parse::<usize>().is_ok()
                && !matches!(
                    args.get(i.wrapping_sub(1)).map(String::as_str),
                    Some("--connections" | "--requests")
                )
        })
        .and_then(|(_, a)| a.parse().ok())
        .unwrap_or(20_000);
    println!("dealwatch board bench: `dealwatch serve` on {deals} deals");
    run(deals, conns, requests);
}
