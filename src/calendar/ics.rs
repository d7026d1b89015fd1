//! iCalendar text: the invitation (VEVENT, iTIP REQUEST or CANCEL, or without METHOD for a
//! CalDAV store), the on-hold reminder (VTODO), and reading busy times back from iCalendar
//! text (a CalDAV REPORT answer or a `busy-ics` file).
//!
//! Untrusted text (subjects, names, company names, thread excerpts) is cleaned here before it
//! reaches the icalendar crate: that crate escapes TEXT values and folds lines, but lets a bare
//! CR through and writes parameter values (such as `CN=`) nearly verbatim, so a `"` or a line
//! break there could start a new property. Mail text only goes into SUMMARY, DESCRIPTION and
//! CN; never into an `X-` property.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use icalendar::{Component, EventLike, EventStatus, Property, Todo, TodoStatus};

use super::slot::Interval;
use crate::smtp::{body_safe, header_safe};

/// The PRODID of everything dealwatch writes.
pub const PRODID: &str = "-//dealwatch//dealwatch follow-up//EN";

/// Longest SUMMARY, in characters.
pub const MAX_SUMMARY_CHARS: usize = 200;
/// Longest DESCRIPTION, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Longest CN, in characters.
pub const MAX_CN_CHARS: usize = 80;

/// The iTIP method of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An invitation or an update.
    Request,
    /// A cancellation.
    Cancel,
}

impl Method {
    /// The METHOD value.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A calendar user: an address and an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// A plain address (`local@domain`), checked by [`checked_address`].
    pub address: String,
    /// The display name, untrusted.
    pub name: Option<String>,
}

/// Everything a follow-up event says.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// Stable per opportunity.
    pub uid: String,
    /// Raised on every change.
    pub sequence: u32,
    /// When this version was made.
    pub dtstamp: DateTime<Utc>,
    /// The slot.
    pub slot: Interval,
    /// Untrusted.
    pub summary: String,
    /// Untrusted.
    pub description: String,
    /// The salesperson.
    pub organizer: Person,
    /// Invitees.
    pub attendees: Vec<Person>,
}

/// An address usable in `mailto:` and in a mail header, or None: one `@`, no spaces, quotes,
/// control characters or iCalendar/URI delimiters.
pub fn checked_address(s: &str) -> Option<String> {
    let s = s.trim();
    let (local, domain) = s.split_once('@')?;
    let bad = |c: char| {
        c.is_control() || c.is_whitespace() || "\"\\;:,<>()[]@^`'".contains(c) || !c.is_ascii()
    };
    if local.is_empty()
        || domain.is_empty()
        || s.len() > 254
        || local.chars().any(bad)
        || domain.chars().any(bad)
        || !domain.contains('.') && !domain.eq_ignore_ascii_case("localhost")
    {
        return None;
    }
    Some(s.to_string())
}

/// Cleans a one-line TEXT value (SUMMARY): no control characters, whitespace collapsed, length
/// capped.
pub fn text_line(s: &str, max_chars: usize) -> String {
    header_safe(s, max_chars)
}

/// Cleans a multi-line TEXT value (DESCRIPTION): line breaks become LF (the crate writes `\n`),
/// no other control characters but tab, length capped.
pub fn text_block(s: &str, max_chars: usize) -> String {
    body_safe(s).chars().take(max_chars).collect()
}

/// Cleans a parameter value (CN): one line, no `"` (a parameter value cannot escape it), no
/// `^` (RFC 6868 escapes), length capped; the crate quotes it when it holds `:`, `;` or `,`.
pub fn param_value(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '^' => ' ',
            c => c,
        })
        .collect();
    header_safe(&s, MAX_CN_CHARS)
}

fn cal_address(p: &Person, key: &str) -> Option<Property> {
    let addr = checked_address(&p.address)?;
    let mut prop = Property::new(key, format!("mailto:{addr}"));
    if let Some(name) = p.name.as_deref().map(param_value).filter(|n| !n.is_empty()) {
        prop.add_parameter("CN", &name);
    }
    Some(prop)
}

fn calendar_with(method: Option<Method>) -> icalendar::Calendar {
    let mut cal = icalendar::Calendar::empty();
    cal.append_property(Property::new("PRODID", PRODID));
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    if let Some(m) = method {
        cal.append_property(Property::new("METHOD", m.as_str()));
    }
    cal
}

/// The event as iCalendar text: with `METHOD` for mail (iTIP), without for a CalDAV store.
/// Times are UTC. Attendees whose address is unusable are left out.
pub fn event(spec: &EventSpec, method: Option<Method>) -> String {
    let mut ev = icalendar::Event::new();
    ev.uid(&spec.uid)
        .sequence(spec.sequence)
        .timestamp(spec.dtstamp)
        .starts(spec.slot.start)
        .ends(spec.slot.end)
        .summary(&text_line(&spec.summary, MAX_SUMMARY_CHARS))
        .description(&text_block(&spec.description, MAX_DESCRIPTION_CHARS));
    ev.status(if method == Some(Method::Cancel) {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    ev.add_property("TRANSP", "OPAQUE");
    if let Some(org) = cal_address(&spec.organizer, "ORGANIZER") {
        ev.append_property(org);
    }
    for a in &spec.attendees {
        if let Some(mut prop) = cal_address(a, "ATTENDEE") {
            prop.add_parameter("ROLE", "REQ-PARTICIPANT");
            prop.add_parameter("PARTSTAT", "NEEDS-ACTION");
            prop.add_parameter("RSVP", "TRUE");
            ev.append_multi_property(prop);
        }
    }
    let mut cal = calendar_with(method);
    cal.push(ev.done());
    cal.to_string()
}

/// What an on-hold reminder says.
#[derive(Debug, Clone)]
pub struct ReminderSpec {
    /// Stable per opportunity.
    pub uid: String,
    /// When this version was made.
    pub dtstamp: DateTime<Utc>,
    /// The revisit date.
    pub due: NaiveDate,
    /// Untrusted.
    pub summary: String,
    /// Untrusted.
    pub description: String,
}

/// The reminder as a VTODO due on the revisit date, for a CalDAV store.
pub fn reminder(spec: &ReminderSpec) -> String {
    let mut todo = Todo::new();
    todo.uid(&spec.uid)
        .timestamp(spec.dtstamp)
        .summary(&text_line(&spec.summary, MAX_SUMMARY_CHARS))
        .description(&text_block(&spec.description, MAX_DESCRIPTION_CHARS))
        .status(TodoStatus::NeedsAction);
    todo.starts(spec.due);
    todo.due(spec.due);
    let mut cal = calendar_with(None);
    cal.push(todo.done());
    cal.to_string()
}

/// Unfolds content lines (RFC 5545 §3.1), accepting LF or CRLF.
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.push_str(rest);
        } else if !raw.is_empty() {
            lines.push(raw.to_string());
        }
    }
    lines
}

/// A content line's parameters, names uppercased.
type Params = Vec<(String, String)>;

/// A content line split into name, parameters and value.
fn split_line(line: &str) -> Option<(String, Params, &str)> {
    // The value starts at the first ':' outside a quoted parameter value.
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_uppercase(),
                v.trim_matches('"').to_string(),
            )
        })
        .collect();
    Some((name, params, value))
}

/// A DATE or DATE-TIME value as an instant: `...Z` is UTC, a `TZID` is looked up, a floating
/// time is read in `default_tz`, a DATE is local midnight there.
fn instant(
    value: &str,
    params: &[(String, String)],
    default_tz: chrono_tz::Tz,
) -> Option<(DateTime<Utc>, bool)> {
    let value = value.trim();
    let tz = params
        .iter()
        .find(|(k, _)| k == "TZID")
        .and_then(|(_, v)| v.trim_start_matches('/').parse::<chrono_tz::Tz>().ok())
        .unwrap_or(default_tz);
    if let Some(utc) = value.strip_suffix('Z') {
        let n = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok()?;
        return Some((n.and_utc(), false));
    }
    if value.len() == 8 {
        let d = NaiveDate::parse_from_str(value, "%Y%m%d").ok()?;
        let t = tz
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .earliest()?;
        return Some((t.with_timezone(&Utc), true));
    }
    let n = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").ok()?;
    let t = tz.from_local_datetime(&n).earliest()?;
    Some((t.with_timezone(&Utc), false))
}

/// An RFC 5545 DURATION (`P1D`, `PT45M`, `-PT1H`, `P1W`).
fn duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    let (neg, v) = match v.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let v = v.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut num = String::new();
    let mut in_time = false;
    for c in v.chars() {
        match c {
            '0'..='9' => num.push(c),
            'T' => in_time = true,
            _ => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                total += match (c, in_time) {
                    ('W', _) => Duration::weeks(n),
                    ('D', _) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    Some(if neg { -total } else { total })
}

/// Busy intervals in iCalendar text: every VEVENT that is not transparent or cancelled
/// (DTSTART with DTEND or DURATION; a DATE start lasts a day), and every FREEBUSY period of a
/// VFREEBUSY that is not FREE. Recurrence rules are not expanded here (a CalDAV REPORT asks the
/// server to expand them). Malformed entries are skipped.
pub fn busy_intervals(text: &str, default_tz: chrono_tz::Tz) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut depth_event = false;
    let mut start: Option<(DateTime<Utc>, bool)> = None;
    let mut end: Option<DateTime<Utc>> = None;
    let mut dur: Option<Duration> = None;
    let mut free = false;
    for line in unfold(text) {
        let Some((name, params, value)) = split_line(&line) else {
            continue;
        };
        match (name.as_str(), value.trim().to_ascii_uppercase().as_str()) {
            ("BEGIN", "VEVENT") => {
                depth_event = true;
                start = None;
                end = None;
                dur = None;
                free = false;
            }
            ("END", "VEVENT") if depth_event => {
                depth_event = false;
                if let Some((s, all_day)) = start.filter(|_| !free) {
                    let e = end.or_else(|| dur.map(|d| s + d)).unwrap_or(if all_day {
                        s + Duration::days(1)
                    } else {
                        s
                    });
                    if e > s {
                        out.push(Interval { start: s, end: e });
                    }
                }
            }
            ("TRANSP", "TRANSPARENT") | ("STATUS", "CANCELLED") if depth_event => free = true,
            ("DTSTART", _) if depth_event => start = instant(value, &params, default_tz),
            ("DTEND", _) if depth_event => end = instant(value, &params, default_tz).map(|x| x.0),
            ("DURATION", _) if depth_event => dur = duration(value),
            ("FREEBUSY", _) => {
                let fbtype = params
                    .iter()
                    .find(|(k, _)| k == "FBTYPE")
                    .map(|(_, v)| v.as_str());
                if fbtype.is_some_and(|t| t.eq_ignore_ascii_case("FREE")) {
                    continue;
                }
                for period in value.split(',') {
                    let Some((a, b)) = period.split_once('/') else {
                        continue;
                    };
                    let Some((s, _)) = instant(a, &[], default_tz) else {
                        continue;
                    };
                    let e = instant(b, &[], default_tz)
                        .map(|x| x.0)
                        .or_else(|| duration(b).map(|d| s + d));
                    if let Some(e) = e.filter(|e| *e > s) {
                        out.push(Interval { start: s, end: e });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
