use super::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn spec(summary: &str, name: &str) -> EventSpec {
    EventSpec {
        uid: "u1@example.com".into(),
        sequence: 2,
        dtstamp: t("2026-01-12T10:00:00Z"),
        slot: Interval {
            start: t("2026-01-19T09:00:00Z"),
            end: t("2026-01-19T09:45:00Z"),
        },
        summary: summary.into(),
        description: format!("line1\r\nline2\rline3 {summary}"),
        organizer: Person {
            address: "claire@example.com".into(),
            name: Some(name.into()),
        },
        attendees: vec![Person {
            address: "bob@example.com".into(),
            name: Some(name.into()),
        }],
    }
}

#[test]
fn hostile_name_cannot_inject_a_property() {
    let text = event(
        &spec("x", "Evil\"\r\nATTENDEE:mailto:spy@evil.test\r\nX-A:"),
        Some(Method::Request),
    );
    for line in text.split("\r\n") {
        assert!(!line.starts_with("ATTENDEE:mailto:spy"), "{text}");
        assert!(!line.starts_with("X-"), "{text}");
    }
    assert!(!text.replace("\r\n", "").contains('\r'));
    assert!(text.contains("METHOD:REQUEST"));
}

#[test]
fn bare_cr_never_reaches_the_output() {
    let text = event(&spec("a\rb", "n"), None);
    let without_crlf = text.replace("\r\n", "");
    assert!(!without_crlf.contains('\r'));
    assert!(!without_crlf.contains('\n'));
    assert!(!text.contains("METHOD"));
}

#[test]
fn lines_are_at_most_75_octets() {
    let long = "é🎉".repeat(300);
    let text = event(&spec(&long, &long), Some(Method::Request));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
}

#[test]
fn unusable_addresses_are_refused() {
    assert_eq!(checked_address(" a@b.fr "), Some("a@b.fr".into()));
    for bad in [
        "a\"@b.fr",
        "a@b.fr\r\nX",
        "a b@c.fr",
        "nobody",
        "a@b",
        "a;x=y@b.fr",
        "é@b.fr",
    ] {
        assert_eq!(checked_address(bad), None, "{bad}");
    }
}

#[test]
fn busy_from_events_and_freebusy() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Paris:20260119T1000\r\n 00\r\nDTEND;TZID=Europe/Paris:20260119T110000\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\nDTSTART:20260120T090000Z\nDURATION:PT30M\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART:20260121T090000Z\nDTEND:20260121T100000Z\nTRANSP:TRANSPARENT\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260122\nEND:VEVENT\n\
BEGIN:VFREEBUSY\nFREEBUSY;FBTYPE=BUSY:20260123T090000Z/20260123T100000Z,20260123T120000Z/PT1H\nFREEBUSY;FBTYPE=FREE:20260124T090000Z/PT1H\nEND:VFREEBUSY\nEND:VCALENDAR\n";
    let busy = busy_intervals(text, chrono_tz::UTC);
    assert_eq!(
        busy,
        vec![
            Interval {
                start: t("2026-01-19T09:00:00Z"),
                end: t("2026-01-19T10:00:00Z")
            },
            Interval {
                start: t("2026-01-20T09:00:00Z"),
                end: t("2026-01-20T09:30:00Z")
            },
            Interval {
                start: t("2026-01-22T00:00:00Z"),
                end: t("2026-01-23T00:00:00Z")
            },
            Interval {
                start: t("2026-01-23T09:00:00Z"),
                end: t("2026-01-23T10:00:00Z")
            },
            Interval {
                start: t("2026-01-23T12:00:00Z"),
                end: t("2026-01-23T13:00:00Z")
            },
        ]
    );
}

#[test]
fn reminder_is_a_vtodo_due_on_the_date() {
    let text = reminder(&ReminderSpec {
        uid: "r1@example.com".into(),
        dtstamp: t("2026-01-12T10:00:00Z"),
        due: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        summary: "Revisit\r\nX-EVIL:1".into(),
        description: "d".into(),
    });
    assert!(text.contains("BEGIN:VTODO"));
    assert!(text.contains("DUE;VALUE=DATE:20260302"), "{text}");
    assert!(!text.contains("\r\nX-EVIL"));
}
