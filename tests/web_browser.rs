//! The board in a real headless Chromium, driven over WebDriver (chromedriver): what a
//! salesperson does with a mouse — log in, open a card, accept a proposal, put a deal on hold
//! with a date, and follow an Accept link from the digest's HTML to its confirmation.
//!
//! With `DEALWATCH_SCREENSHOTS=DIR` the test also writes the board and a deal page as PNGs
//! there (the README's pictures are made so: `DEALWATCH_SCREENSHOTS=docs cargo test --test
//! web_browser`).

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::board::{Board, cli};
use common::free_port;
use fantoccini::{Client, ClientBuilder, Locator};

/// chromedriver on a free loopback port, killed on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run chromedriver: {e} (apt-get install chromium-driver; scripts/test does)")
            });
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    async fn browser(&self, profile: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1400,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        // chromedriver is plain HTTP on loopback, but the builder wants a TLS provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session from chromedriver")
    }
}

/// The text of `css` once it satisfies `ok`, polling for up to ten seconds: after a click
/// that submits a form the old page may still be there, or its elements go stale mid-read.
async fn text_when(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Ok(t) = &seen
            && ok(t)
        {
            return t.clone();
        }
        if Instant::now() > deadline {
            panic!("{css}: never as expected; last seen {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of `css`, once it is on the page.
async fn text(c: &Client, css: &str) -> String {
    text_when(c, css, |_| true).await
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn screenshot(c: &Client, name: &str) {
    let Ok(dir) = std::env::var("DEALWATCH_SCREENSHOTS") else {
        return;
    };
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(Path::new(&dir).join(name), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salesperson_decides_with_the_mouse() {
    let board = Board::start();
    let driver = Driver::start();
    let c = driver.browser(&board.dir.path().join("chromium")).await;
    let lost = board.deal_of("imprimerie");
    let paused = board.deal_of("menuiserie");
    let won = board.deal_of("fromagerie");

    // Log in through the form.
    c.goto(&format!("{}/", board.url())).await.expect("open");
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/login")
    );
    c.find(Locator::Css("#user"))
        .await
        .expect("user field")
        .send_keys("alice")
        .await
        .expect("type");
    c.find(Locator::Css("#password"))
        .await
        .expect("password field")
        .send_keys("alice-password-1")
        .await
        .expect("type");
    click(&c, "#login").await;

    // The board: columns, and the waiting proposals on the cards.
    let open = text_when(&c, "#col-open", |t| t.contains("to decide")).await;
    assert!(open.contains("proposed: lost"), "{open}");
    screenshot(&c, "web-board.png").await;

    // A card opens its deal, with the proposal's evidence highlighted.
    click(&c, &format!("#deal-{lost}")).await;
    text_when(&c, "#proposal", |t| t.contains("Proposed: lost")).await;
    assert!(!text(&c, "#proposal mark").await.is_empty());
    assert!(!text(&c, "mark.evidence").await.is_empty());
    screenshot(&c, "web-deal.png").await;

    // Accept: the deal is lost, the history says the board decided.
    click(&c, "#accept").await;
    text_when(&c, "#state", |t| t == "lost").await;
    assert!(text(&c, "#flash").await.contains("lost"));
    assert!(text(&c, "#history").await.contains("web"));
    let shown = board.show(lost);
    assert_eq!(shown["deal"]["state"], "lost");
    assert_eq!(shown["history"][0]["by"], "web");

    // On hold until a named date, whatever was proposed.
    c.goto(&format!("{}/deal/{paused}", board.url()))
        .await
        .expect("open");
    c.find(Locator::Css("#until"))
        .await
        .expect("until")
        .send_keys("2026-09-01")
        .await
        .expect("type");
    click(&c, "#hold").await;
    text_when(&c, "#state", |t| t == "on hold").await;
    let shown = board.show(paused);
    assert_eq!(shown["deal"]["state"], "on_hold");
    assert!(
        shown["deal"]["revisit_on"]
            .as_str()
            .is_some_and(|r| r.starts_with("2026-09-01")),
        "{shown}"
    );

    // The digest's own HTML: its Accept link opens a confirmation; only the click decides.
    let html = board.dir.path().join("digest.html");
    let out = cli(
        &board.config,
        &board.db,
        &[
            "digest",
            "--digest",
            "weekly",
            "--preview",
            html.to_str().expect("path"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    c.goto(&format!("file://{}", html.display()))
        .await
        .expect("open the digest");
    click(&c, &format!("a[href*='/d/{won}/accept']")).await;
    text_when(&c, "#what", |t| t.contains("won")).await;
    assert_eq!(board.show(won)["deal"]["state"], "open");
    click(&c, "#confirm").await;
    text_when(&c, "#message", |t| t.contains("won")).await;
    assert_eq!(board.show(won)["deal"]["state"], "won");

    c.close().await.expect("close the browser");
}
