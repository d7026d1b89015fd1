//! The web board over HTTP, as a browser (or an attacker) reaches it: logins, refusals, CSRF,
//! GETs that change nothing, escaping of mail text, users who see only their deals, signed
//! digest links and the CSV export. The real binary serves a real database.

mod common;

use chrono::DateTime;
use common::board::{AS_OF, Board, Client, SECRET, hidden};
use dealwatch::digest::links::{LinkAction, LinkSigner};

fn as_of_ts() -> i64 {
    DateTime::parse_from_rfc3339(AS_OF)
        .expect("as of")
        .timestamp()
}

#[test]
fn without_a_login_every_page_is_refused() {
    let board = Board::start();
    let mut c = Client::new(&board);
    for path in ["/", "/deal/1", "/figures"] {
        let r = c.get(path);
        assert_eq!(r.status, 303, "GET {path}");
        assert_eq!(r.header("location"), Some("/login"), "GET {path}");
        assert!(!r.body.contains("DEV-2026"), "GET {path} leaked a deal");
    }
    for path in ["/export.csv", "/export.json"] {
        let r = c.get(path);
        assert_eq!(r.status, 401, "GET {path}");
        assert!(!r.body.contains("DEV-2026"), "GET {path} leaked a deal");
    }
    let r = c.post("/deal/2/accept", &[("csrf", "anything")]);
    assert_eq!(r.status, 401);
    assert_eq!(board.show(2)["deal"]["state"], "open");
    // A forged session cookie is no session.
    c.cookies.insert("dw_session".into(), "00".repeat(32));
    assert_eq!(c.get("/").status, 303);
}

#[test]
fn a_login_sets_a_strict_http_only_cookie_and_a_wrong_password_is_refused() {
    let board = Board::start();
    let mut c = Client::new(&board);
    let bad = c.login("alice", "not her password");
    assert_eq!(bad.status, 401);
    assert!(!c.cookies.contains_key("dw_session"));
    let unknown = c.login("mallory", "alice-password-1");
    assert_eq!(unknown.status, 401);
    // The login form's token must match its cookie (no login from another site).
    let mut other = Client::new(&board);
    let r = other.post(
        "/login",
        &[
            ("token", "forged"),
            ("user", "alice"),
            ("password", "alice-password-1"),
        ],
    );
    assert_eq!(r.status, 403);

    let ok = c.login("alice", "alice-password-1");
    assert_eq!(ok.status, 303, "{}", ok.body);
    let set = ok
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("dw_session="))
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    let page = c.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("DEV-2026-031"),
        "the board lists the deals"
    );
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "cache-control",
    ] {
        assert!(page.header(h).is_some(), "{h} missing");
    }
    // Logging out ends the session.
    let csrf = c.csrf();
    assert_eq!(c.post("/logout", &[("csrf", &csrf)]).status, 303);
    assert_eq!(c.get("/").status, 303);
}

#[test]
fn a_post_without_its_csrf_token_changes_nothing_and_a_get_never_does() {
    let board = Board::start();
    let id = board.deal_of("fromagerie");
    assert_eq!(board.show(id)["deal"]["proposal"]["state"], "won");
    let mut c = Client::new(&board);
    assert_eq!(c.login("alice", "alice-password-1").status, 303);
    let path = format!("/deal/{id}/accept");
    assert_eq!(c.post(&path, &[]).status, 403);
    assert_eq!(c.post(&path, &[("csrf", "0123")]).status, 403);
    assert_eq!(board.show(id)["deal"]["state"], "open");
    // GET on a decision's address is not a decision.
    let r = c.get(&path);
    assert_eq!(r.status, 405, "{}", r.body);
    assert_eq!(board.show(id)["deal"]["state"], "open");
    // Reading every page changes nothing either.
    for p in [
        "/".to_string(),
        format!("/deal/{id}"),
        "/figures".into(),
        "/export.csv".into(),
    ] {
        assert_eq!(c.get(&p).status, 200, "GET {p}");
    }
    assert_eq!(board.show(id)["deal"]["state"], "open");
    assert!(
        board.show(id)["history"]
            .as_array()
            .is_some_and(|h| h.is_empty())
    );

    // With the token, the same POST decides, recorded as done on the web.
    let csrf = c.csrf();
    let r = c.post(&path, &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.get(&format!("/deal/{id}"));
    assert!(page.body.contains("won"), "{}", page.body);
    let shown = board.show(id);
    assert_eq!(shown["deal"]["state"], "won");
    assert_eq!(shown["history"][0]["by"], "web", "{shown:#}");
}

#[test]
fn html_in_a_subject_a_sender_name_and_a_body_is_shown_as_text() {
    let board = Board::start();
    let id = board.deal_of("hostile");
    let mut c = Client::new(&board);
    assert_eq!(c.login("bob", "bob-password-2").status, 303);
    for page in [c.get("/"), c.get(&format!("/deal/{id}"))] {
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("<script>alert"), "a script got through");
        assert!(
            !page.body.contains("<img src=x"),
            "an image tag got through"
        );
        assert!(!page.body.contains("<b>Nous"), "a body's tag got through");
    }
    let deal = c.get(&format!("/deal/{id}"));
    assert!(
        deal.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || deal.body.contains("&#60;script&#62;"),
        "{}",
        deal.body
    );
    assert!(
        deal.body.contains("&lt;b&gt;Nous validons")
            || deal.body.contains("&#60;b&#62;Nous validons")
    );
}

#[test]
fn each_user_sees_only_the_deals_of_their_accounts() {
    let board = Board::start();
    let hostile = board.deal_of("hostile");
    let cheese = board.deal_of("fromagerie");
    let mut alice = Client::new(&board);
    let mut bob = Client::new(&board);
    assert_eq!(alice.login("alice", "alice-password-1").status, 303);
    assert_eq!(bob.login("bob", "bob-password-2").status, 303);

    let a = alice.get("/");
    assert!(a.body.contains("DEV-2026-031") && !a.body.contains("DEV-2026-099"));
    let b = bob.get("/");
    assert!(b.body.contains("DEV-2026-099") && !b.body.contains("DEV-2026-031"));
    assert_eq!(alice.get(&format!("/deal/{hostile}")).status, 404);
    assert_eq!(bob.get(&format!("/deal/{cheese}")).status, 404);
    let csrf = bob.csrf();
    let r = bob.post(&format!("/deal/{cheese}/accept"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 404);
    assert_eq!(board.show(cheese)["deal"]["state"], "open");
    let csv = bob.get("/export.csv");
    assert!(csv.body.contains("DEV-2026-099") && !csv.body.contains("fromagerie"));
}

#[test]
fn a_digest_link_opens_a_confirmation_and_only_as_signed() {
    let board = Board::start();
    let id = board.deal_of("fromagerie");
    let other = board.deal_of("imprimerie");
    let signer = LinkSigner::new(SECRET);
    let exp = as_of_ts() + 86_400;
    let mut c = Client::new(&board);
    let good = signer.path("weekly", id, LinkAction::Accept, exp);

    // Tampered: another deal, another digest (its readers), another action, a later expiry.
    let refused = [
        good.replacen(&format!("/d/{id}/"), &format!("/d/{other}/"), 1),
        good.replace("g=weekly", "g=bobs"),
        good.replace("/accept?", "/reject?"),
        good.replace(&format!("e={exp}"), &format!("e={}", exp + 1)),
        signer.path("weekly", id, LinkAction::Accept, as_of_ts() - 60),
        // Signed, but for a digest whose readers do not see this deal.
        signer.path("bobs", id, LinkAction::Accept, exp),
    ];
    for path in &refused {
        let r = c.get(path);
        assert_eq!(r.status, 403, "{path} was accepted");
        assert!(r.body.contains("refused"), "{}", r.body);
    }

    // The right link opens a page and changes nothing.
    let page = c.get(&good);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Confirm"));
    assert_eq!(board.show(id)["deal"]["state"], "open");

    // The confirmation is a POST carrying the page's token.
    let fields = |confirm: &str| {
        vec![
            ("g".to_string(), hidden(&page.body, "g").expect("g")),
            ("e".to_string(), hidden(&page.body, "e").expect("e")),
            ("s".to_string(), hidden(&page.body, "s").expect("s")),
            ("confirm".to_string(), confirm.to_string()),
        ]
    };
    let post = |c: &mut Client, f: Vec<(String, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.post(&format!("/d/{id}/accept"), &f)
    };
    assert_eq!(post(&mut c, fields("wrong")).status, 403);
    assert_eq!(board.show(id)["deal"]["state"], "open");
    let token = hidden(&page.body, "confirm").expect("confirm token");
    let done = post(&mut c, fields(&token));
    assert_eq!(done.status, 200, "{}", done.body);
    let shown = board.show(id);
    assert_eq!(shown["deal"]["state"], "won");
    assert_eq!(shown["history"][0]["by"], "web");
}

#[test]
fn the_csv_export_round_trips_through_python_with_the_documented_header() {
    let board = Board::start();
    let mut c = Client::new(&board);
    assert_eq!(c.login("alice", "alice-password-1").status, 303);
    let r = c.get("/export.csv");
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv"))
    );
    assert!(r.body.starts_with('\u{feff}'), "a BOM for spreadsheets");
    let file = board.dir.path().join("deals.csv");
    std::fs::write(&file, &r.body).expect("write");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv,json,sys\n\
             rows=list(csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline='')))\n\
             print(json.dumps({'header':rows[0],'rows':rows[1:]}))",
        )
        .arg(&file)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let header: Vec<&str> = v["header"]
        .as_array()
        .expect("header")
        .iter()
        .filter_map(|h| h.as_str())
        .collect();
    assert_eq!(header, dealwatch::export::COLUMNS);
    let rows = v["rows"].as_array().expect("rows");
    let deals = board.deals();
    assert_eq!(rows.len(), deals.len() - 1, "alice's deals: all but bob's");
    let first = &deals[0];
    let row = rows
        .iter()
        .find(|r| r[0].as_str() == first["id"].as_i64().map(|i| i.to_string()).as_deref())
        .expect("the first deal");
    assert_eq!(row[1].as_str(), first["title"].as_str());
    assert_eq!(
        row[3].as_str(),
        first["amount"]
            .as_f64()
            .map(|a| format!("{a:.2}"))
            .as_deref()
    );
    assert!(
        row[8]
            .as_str()
            .is_some_and(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
    );

    // The CLI writes the same document.
    let out = common::board::cli(
        &board.config,
        &board.db,
        &["export", "--format", "json", "--state", "open"],
    );
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(deals.len()));
}
