//! Follow-up meetings against real servers: Radicale (CalDAV), aiosmtpd (SMTP), and Python's
//! icalendar module as an independent parser. Nothing is skipped: a missing tool fails.

#[path = "calendar/harness.rs"]
mod harness;

use chrono::{DateTime, Utc};
use dealwatch::calendar::caldav::Caldav;
use dealwatch::calendar::ics::{self, EventSpec, Method, Person};
use dealwatch::calendar::slot::Interval;
use dealwatch::calendar::{self, Delivery, Outcome};
use dealwatch::config::{Config, RawConfig};
use dealwatch::pipeline::State;
use dealwatch::store::Store;
use mail_parser::{MessageParser, MimeHeaders};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Won on Monday 2026-01-12: the default slot is Monday 19 January 09:00 UTC.
const WON_AT: &str = "2026-01-12T10:00:00Z";

fn config(extra: &str) -> Config {
    let text = format!(
        "[identity]\naddresses = [\"claire@example.com\"]\ndomains = [\"example.com\"]\n\
         [followup]\ntimezone = \"UTC\"\n{extra}"
    );
    RawConfig::parse(&text, std::path::Path::new("test.toml")).expect("config")
}

fn win(store: &mut Store, id: i64) {
    store
        .set_state(id, "won", None, "won", "user", None, t(WON_AT))
        .expect("set won");
}

fn meeting(o: &Outcome) -> (Interval, i64, Delivery, Delivery) {
    match o {
        Outcome::Meeting {
            slot,
            sequence,
            mail,
            caldav,
            ..
        } => (*slot, *sequence, mail.clone(), caldav.clone()),
        other => panic!("not a meeting: {other:?}"),
    }
}

fn prop<'a>(ics_text: &'a str, name: &str) -> Vec<&'a str> {
    ics_text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter_map(|l| l.strip_prefix(name))
        .filter_map(|r| r.strip_prefix(':'))
        .collect()
}

#[tokio::test]
async fn caldav_radicale_stores_the_event_avoids_busy_time_and_deletes_on_reopen() {
    let server = harness::radicale();
    let url = format!("http://127.0.0.1:{}/alice/followups/", server.port);
    let cfg = config(&format!(
        "[calendar]\ncaldav-url = \"{url}\"\nusername = \"alice\"\npassword.command = \"printf secret\"\n"
    ));
    let dav = Caldav::from_config(cfg.calendar.as_ref().unwrap()).expect("caldav");
    dav.make_calendar("Follow-ups").await.expect("MKCALENDAR");
    // Busy on Monday 19 from 08:30 to 10:20 UTC: the follow-up must start at 10:30.
    dav.put(
        "busy-1",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:busy-1\r\n\
         DTSTAMP:20260101T000000Z\r\nDTSTART:20260119T083000Z\r\nDTEND:20260119T102000Z\r\n\
         SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .await
    .expect("PUT busy event");
    let busy = calendar::busy_times(
        &cfg,
        t("2026-01-12T00:00:00Z"),
        t("2026-02-12T00:00:00Z"),
        None,
    )
    .await
    .expect("REPORT");
    assert_eq!(
        busy,
        vec![Interval {
            start: t("2026-01-19T08:30:00Z"),
            end: t("2026-01-19T10:20:00Z")
        }]
    );

    let db = server.dir.path().join("db.sqlite");
    let (mut store, id) =
        harness::store_with_opportunity(&db, "Press line", "acme.test", "bob@acme.test");
    win(&mut store, id);
    let out = calendar::on_state_change(&store, &cfg, id, State::Open, State::Won, None, t(WON_AT))
        .await
        .expect("schedule");
    assert_eq!(out.len(), 1);
    let (slot, seq, mail, dav_state) = meeting(&out[0]);
    assert_eq!(
        slot,
        Interval {
            start: t("2026-01-19T10:30:00Z"),
            end: t("2026-01-19T11:15:00Z")
        }
    );
    assert_eq!(
        (seq, mail, dav_state),
        (0, Delivery::NotConfigured, Delivery::Done)
    );

    // Read back from the server.
    let m = store.meeting(id).unwrap().expect("meeting row");
    let stored = dav
        .get(&m.uid)
        .await
        .unwrap()
        .expect("event stored in Radicale");
    assert_eq!(prop(&stored, "UID"), vec![m.uid.as_str()]);
    assert_eq!(prop(&stored, "SEQUENCE"), vec!["0"]);
    assert_eq!(prop(&stored, "DTSTART"), vec!["20260119T103000Z"]);
    assert!(
        !stored.contains("METHOD:"),
        "a stored resource has no METHOD: {stored}"
    );
    // Our own meeting is not busy time when it is moved.
    let busy = calendar::busy_times(
        &cfg,
        t("2026-01-12T00:00:00Z"),
        t("2026-02-12T00:00:00Z"),
        Some(&m.uid),
    )
    .await
    .unwrap();
    assert_eq!(busy.len(), 1);

    // Moving it replaces the stored event (same UID, SEQUENCE 1).
    let moved = calendar::schedule(&store, &cfg, id, Some(t("2026-01-20T14:00:00Z")), t(WON_AT))
        .await
        .unwrap();
    assert_eq!(meeting(&moved).1, 1);
    let stored = dav.get(&m.uid).await.unwrap().expect("still stored");
    assert_eq!(prop(&stored, "SEQUENCE"), vec!["1"]);
    assert_eq!(prop(&stored, "DTSTART"), vec!["20260120T140000Z"]);

    // Reopening cancels: the event leaves the calendar.
    store
        .set_state(id, "open", None, "reopened", "user", None, t(WON_AT))
        .unwrap();
    let out = calendar::on_state_change(&store, &cfg, id, State::Won, State::Open, None, t(WON_AT))
        .await
        .unwrap();
    assert_eq!(meeting(&out[0]).3, Delivery::Done);
    assert_eq!(dav.get(&m.uid).await.unwrap(), None);
    assert_eq!(store.meeting(id).unwrap().unwrap().state, "cancelled");

    // On hold with a revisit date: a VTODO due that day.
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let out = calendar::on_state_change(
        &store,
        &cfg,
        id,
        State::Open,
        State::OnHold,
        Some(due),
        t(WON_AT),
    )
    .await
    .unwrap();
    assert!(
        matches!(
            &out[0],
            Outcome::Reminder {
                caldav: Delivery::Done,
                ..
            }
        ),
        "{out:?}"
    );
    let r = store.reminder(id).unwrap().expect("reminder row");
    let todo = dav.get(&r.uid).await.unwrap().expect("VTODO stored");
    assert!(
        todo.contains("BEGIN:VTODO") && todo.contains("DUE;VALUE=DATE:20260302"),
        "{todo}"
    );
}

#[tokio::test]
async fn caldav_wrong_password_is_an_error() {
    let server = harness::radicale();
    let cfg = config(&format!(
        "[calendar]\ncaldav-url = \"http://127.0.0.1:{}/alice/x/\"\nusername = \"alice\"\npassword.command = \"printf wrong\"\n",
        server.port
    ));
    let dav = Caldav::from_config(cfg.calendar.as_ref().unwrap()).unwrap();
    let err = dav.make_calendar("x").await.unwrap_err().to_string();
    assert!(err.contains("401"), "{err}");
    assert!(!err.contains("wrong"), "no secret in errors: {err}");
}

fn parts(raw: &[u8]) -> (String, Vec<(String, String)>, String) {
    let msg = MessageParser::default().parse(raw).expect("parse mail");
    let top = msg
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
        .unwrap_or_default();
    let mut leaves = Vec::new();
    let mut ics_text = String::new();
    for part in msg.parts.iter() {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""));
        let method = ct.attribute("method").unwrap_or("").to_string();
        if kind == "text/calendar" {
            ics_text = String::from_utf8_lossy(part.contents()).into_owned();
        }
        let name = part.attachment_name().unwrap_or("").to_string();
        leaves.push((kind, if name.is_empty() { method } else { name }));
    }
    (top, leaves, ics_text)
}

#[tokio::test]
async fn smtp_invitation_sent_once_then_updated_then_cancelled() {
    let sink = harness::smtp_sink();
    let cfg = config(&format!(
        "attendees = [\"claire@example.com\", \"boss@example.com\"]\ninvite-customer = true\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Claire Martin <claire@example.com>\"\n",
        sink.port
    ));
    let db = sink.dir.path().join("db.sqlite");
    let (mut store, id) =
        harness::store_with_opportunity(&db, "Press line", "acme.test", "bob@acme.test");
    win(&mut store, id);
    let out = calendar::on_state_change(&store, &cfg, id, State::Open, State::Won, None, t(WON_AT))
        .await
        .unwrap();
    let (slot, seq, mail, _) = meeting(&out[0]);
    assert_eq!(
        (slot.start, seq, mail),
        (t("2026-01-19T09:00:00Z"), 0, Delivery::Done)
    );

    // Again, and after a "restart" (a new connection to the same database): nothing is re-sent.
    let again =
        calendar::on_state_change(&store, &cfg, id, State::Open, State::Won, None, t(WON_AT))
            .await
            .unwrap();
    assert_eq!(meeting(&again[0]).2, Delivery::AlreadyDone("sent".into()));
    drop(store);
    let store = Store::open(&db).unwrap();
    let resumed = calendar::schedule(&store, &cfg, id, None, t(WON_AT))
        .await
        .unwrap();
    assert_eq!(meeting(&resumed).2, Delivery::AlreadyDone("sent".into()));
    // A send interrupted after its claim is never repeated automatically.
    let m = store.meeting(id).unwrap().unwrap();
    assert!(
        store
            .claim_delivery(&m.uid, 7, "mail", "REQUEST", t(WON_AT))
            .unwrap()
    );
    assert!(
        !store
            .claim_delivery(&m.uid, 7, "mail", "REQUEST", t(WON_AT))
            .unwrap()
    );

    let msgs = sink.messages();
    assert_eq!(msgs.len(), 1, "exactly one invitation");
    let (top, leaves, first) = parts(&msgs[0]);
    assert_eq!(top, "multipart/mixed");
    assert_eq!(
        leaves,
        vec![
            ("multipart/mixed".to_string(), String::new()),
            ("multipart/alternative".to_string(), String::new()),
            ("text/plain".to_string(), String::new()),
            ("text/calendar".to_string(), "REQUEST".to_string()),
            ("application/ics".to_string(), "invite.ics".to_string()),
        ]
    );
    assert_eq!(prop(&first, "METHOD"), vec!["REQUEST"]);
    assert_eq!(prop(&first, "SEQUENCE"), vec!["0"]);
    let uid = prop(&first, "UID")[0].to_string();
    let raw = String::from_utf8_lossy(&msgs[0]);
    for rcpt in ["claire@example.com", "boss@example.com", "bob@acme.test"] {
        assert!(raw.contains(rcpt), "{rcpt} missing from {raw}");
    }
    assert!(
        !raw.lines().any(|l| l.starts_with("X-Evil")),
        "header injection through a contact name: {raw}"
    );

    // Moving it: same UID, SEQUENCE 1.
    let moved = calendar::schedule(&store, &cfg, id, Some(t("2026-01-21T15:00:00Z")), t(WON_AT))
        .await
        .unwrap();
    assert_eq!(meeting(&moved).2, Delivery::Done);
    let msgs = sink.messages();
    assert_eq!(msgs.len(), 2);
    let (_, _, second) = parts(&msgs[1]);
    assert_eq!(prop(&second, "UID"), vec![uid.as_str()]);
    assert_eq!(prop(&second, "SEQUENCE"), vec!["1"]);
    assert_eq!(prop(&second, "DTSTART"), vec!["20260121T150000Z"]);

    // Reopening cancels: METHOD:CANCEL, SEQUENCE 2, same UID.
    let out = calendar::on_state_change(&store, &cfg, id, State::Won, State::Open, None, t(WON_AT))
        .await
        .unwrap();
    assert_eq!(meeting(&out[0]).2, Delivery::Done);
    let msgs = sink.messages();
    assert_eq!(msgs.len(), 3);
    // Every mail sent has a Message-ID of its own.
    let ids: Vec<String> = msgs
        .iter()
        .map(|m| {
            let raw = String::from_utf8_lossy(m);
            raw.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(|l| l.to_string())
                .unwrap_or_else(|| panic!("no Message-ID in {raw}"))
        })
        .collect();
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "{ids:?}");
    let (_, leaves, third) = parts(&msgs[2]);
    assert!(
        leaves.contains(&("text/calendar".to_string(), "CANCEL".to_string())),
        "{leaves:?}"
    );
    assert_eq!(prop(&third, "METHOD"), vec!["CANCEL"]);
    assert_eq!(prop(&third, "STATUS"), vec!["CANCELLED"]);
    assert_eq!(prop(&third, "UID"), vec![uid.as_str()]);
    assert_eq!(prop(&third, "SEQUENCE"), vec!["2"]);
    // A second reopen does nothing more.
    let _ = calendar::on_state_change(&store, &cfg, id, State::Won, State::Open, None, t(WON_AT))
        .await
        .unwrap();
    assert_eq!(sink.messages().len(), 3);
}

#[test]
fn ics_with_hostile_text_parses_exactly_in_python_icalendar() {
    let emoji = "🎉".repeat(200);
    let big_name = format!("Bob {}", "x".repeat(10_000));
    let hostile =
        format!("Deal\r\nATTENDEE:mailto:spy@evil.test\rBEGIN:VALARM\n\"q\";a,b\\c {emoji}");
    let spec = EventSpec {
        uid: "dealwatch-followup-1-abc@example.com".into(),
        sequence: 3,
        dtstamp: t("2026-01-12T10:00:00Z"),
        slot: Interval {
            start: t("2026-01-19T09:00:00Z"),
            end: t("2026-01-19T09:45:00Z"),
        },
        summary: hostile.clone(),
        description: hostile.clone(),
        organizer: Person {
            address: "claire@example.com".into(),
            name: Some("Claire \"C\" Martin\r\nX-A: 1".into()),
        },
        attendees: vec![
            Person {
                address: "bob@acme.test".into(),
                name: Some(big_name.clone()),
            },
            Person {
                address: "carol@acme.test".into(),
                name: Some("Carol; \"Boss\", CEO: ^n\\".into()),
            },
            Person {
                address: "evil\"@acme.test".into(),
                name: None,
            },
        ],
    };
    let text = ics::event(&spec, Some(Method::Request));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\r') && !line.contains('\n'));
    }
    assert!(text.ends_with("\r\n"));
    let props = harness::python_parse(&text);
    let names: Vec<(String, String)> = props
        .iter()
        .map(|p| {
            (
                p["comp"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect: Vec<(String, String)> = [
        ("VCALENDAR", "PRODID"),
        ("VCALENDAR", "VERSION"),
        ("VCALENDAR", "CALSCALE"),
        ("VCALENDAR", "METHOD"),
        ("VEVENT", "DESCRIPTION"),
        ("VEVENT", "DTEND"),
        ("VEVENT", "DTSTAMP"),
        ("VEVENT", "DTSTART"),
        ("VEVENT", "ORGANIZER"),
        ("VEVENT", "SEQUENCE"),
        ("VEVENT", "STATUS"),
        ("VEVENT", "SUMMARY"),
        ("VEVENT", "TRANSP"),
        ("VEVENT", "UID"),
        ("VEVENT", "ATTENDEE"),
        ("VEVENT", "ATTENDEE"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let mut got_sorted = names.clone();
    got_sorted.sort();
    let mut expect_sorted = expect.clone();
    expect_sorted.sort();
    assert_eq!(got_sorted, expect_sorted, "{text}");
    let get = |name: &str| -> Vec<&serde_json::Value> {
        props.iter().filter(|p| p["name"] == name).collect()
    };
    let summary = get("SUMMARY")[0]["value"].as_str().unwrap();
    assert_eq!(summary, ics::text_line(&hostile, ics::MAX_SUMMARY_CHARS));
    assert!(!summary.contains('\r') && !summary.contains('\n'));
    assert!(summary.contains("\"q\";a,b\\c 🎉"), "{summary}");
    let description = get("DESCRIPTION")[0]["value"].as_str().unwrap();
    assert_eq!(
        description,
        ics::text_block(&hostile, ics::MAX_DESCRIPTION_CHARS)
    );
    assert!(!description.contains('\r'));
    assert_eq!(get("METHOD")[0]["value"], "REQUEST");
    assert_eq!(
        get("UID")[0]["value"],
        "dealwatch-followup-1-abc@example.com"
    );
    assert_eq!(get("SEQUENCE")[0]["value"], "3");
    assert_eq!(get("DTSTART")[0]["value"], "20260119T090000Z");
    assert_eq!(get("DTEND")[0]["value"], "20260119T094500Z");
    assert_eq!(get("DTSTAMP")[0]["value"], "20260112T100000Z");
    let org = get("ORGANIZER")[0];
    assert_eq!(org["value"], "mailto:claire@example.com");
    assert_eq!(org["params"]["CN"], "Claire 'C' Martin X-A: 1");
    let att = get("ATTENDEE");
    assert_eq!(att[0]["value"], "mailto:bob@acme.test");
    assert_eq!(
        att[0]["params"]["CN"].as_str().unwrap(),
        ics::param_value(&big_name)
    );
    assert_eq!(
        att[0]["params"]["CN"].as_str().unwrap().chars().count(),
        ics::MAX_CN_CHARS
    );
    assert_eq!(att[0]["params"]["RSVP"], "TRUE");
    assert_eq!(att[1]["value"], "mailto:carol@acme.test");
    assert_eq!(att[1]["params"]["CN"], "Carol; 'Boss', CEO: n\\");
    assert!(
        props
            .iter()
            .all(|p| !p["name"].as_str().unwrap().starts_with("X-"))
    );
}

#[test]
fn sample_config_parses_and_its_followup_rules_are_usable() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/dealwatch.sample.toml");
    let cfg = RawConfig::load(&path).expect("sample config");
    let rules = calendar::slot_rules(&cfg.followup).expect("followup rules");
    assert_eq!(rules.tz, chrono_tz::Europe::Paris);
    assert_eq!(rules.holidays.len(), 3);
    // [calendar] is there for the user to uncomment, not live with a placeholder server.
    assert!(cfg.calendar.is_none());
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("# [calendar]\n") && text.contains("# caldav-url = "));
}

#[tokio::test]
async fn two_deals_won_together_get_two_different_slots_without_a_calendar() {
    let sink = harness::smtp_sink();
    let cfg = config(&format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Claire <claire@example.com>\"\n",
        sink.port
    ));
    let db = sink.dir.path().join("db.sqlite");
    let (mut store, first) =
        harness::store_with_opportunity(&db, "Press line", "acme.test", "bob@acme.test");
    // A second deal of another customer, won at the same moment.
    let second = {
        let linker = store.linker().expect("linker");
        let id = linker
            .create(&dealwatch::store::NewOpportunity {
                title: "Paint booth".into(),
                customer: "beta.test".into(),
                subject_norm: "quote q-2026-002".into(),
                created_from: "quote".into(),
                anchor_message: 1,
                first_seen: "2026-01-05T09:00:00+00:00".into(),
            })
            .expect("create");
        linker.commit().expect("commit");
        id
    };
    win(&mut store, first);
    win(&mut store, second);
    let mut slots = Vec::new();
    for id in [first, second] {
        let out =
            calendar::on_state_change(&store, &cfg, id, State::Open, State::Won, None, t(WON_AT))
                .await
                .unwrap();
        slots.push(meeting(&out[0]).0);
    }
    assert_eq!(slots[0].start, t("2026-01-19T09:00:00Z"));
    assert!(
        slots[1].start >= slots[0].end,
        "the second meeting overlaps the first: {slots:?}"
    );
}
