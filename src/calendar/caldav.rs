//! CalDAV (RFC 4791) over [`super::http`]: create a calendar (MKCALENDAR), store, read and
//! delete a resource (PUT, GET, DELETE), and read busy times with a calendar-query REPORT with a
//! time range, expanded by the server so recurring events count.

use std::time::Duration;

use chrono::{DateTime, Utc};
use url::Url;

use super::http::{self, Client, HttpError, Response};
use super::ics;
use super::slot::Interval;
use crate::config::CalendarConfig;

/// Why a CalDAV exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum CaldavError {
    /// Settings or secrets are unusable.
    #[error("caldav: {0}")]
    Config(String),
    /// The exchange failed.
    #[error("caldav: {0}")]
    Http(#[from] HttpError),
    /// The server answered with an error status.
    #[error("caldav: {method} {url} answered {status}")]
    Status {
        /// The request method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// The status code.
        status: u16,
    },
}

/// A calendar collection.
#[derive(Debug, Clone)]
pub struct Caldav {
    client: Client,
    collection: Url,
}

impl Caldav {
    /// Connects the configured calendar; the password is resolved now.
    pub fn from_config(cfg: &CalendarConfig) -> Result<Caldav, CaldavError> {
        let mut url = Url::parse(&cfg.caldav_url)
            .map_err(|e| CaldavError::Config(format!("calendar.caldav-url: {e}")))?;
        if !url.path().ends_with('/') {
            let p = format!("{}/", url.path());
            url.set_path(&p);
        }
        let password = match (&cfg.username, &cfg.password) {
            (Some(_), Some(secret)) => Some(
                secret
                    .resolve("calendar password")
                    .map_err(|e| CaldavError::Config(e.to_string()))?,
            ),
            (Some(_), None) => {
                return Err(CaldavError::Config(
                    "calendar.username is set but no password.env/password.command".into(),
                ));
            }
            _ => None,
        };
        let ca = match &cfg.ca_file {
            Some(p) => Some(std::fs::read(p).map_err(|e| {
                CaldavError::Config(format!("cannot read calendar.ca-file {}: {e}", p.display()))
            })?),
            None => None,
        };
        let basic = cfg.username.as_deref().zip(password.as_deref());
        let client = Client::new(ca.as_deref(), basic, Duration::from_secs(30))?;
        Ok(Caldav {
            client,
            collection: url,
        })
    }

    /// The collection URL.
    pub fn collection(&self) -> &Url {
        &self.collection
    }

    fn resource(&self, uid: &str) -> Result<Url, CaldavError> {
        // The UID is ours (letters, digits, `-`, `.`, `@`); percent-encode to be safe anyway.
        let name: String = uid
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        self.collection
            .join(&format!("{name}.ics"))
            .map_err(|e| CaldavError::Config(format!("resource URL: {e}")))
    }

    async fn call(
        &self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: &[u8],
        ok: &[u16],
    ) -> Result<Response, CaldavError> {
        let r = self.client.request(method, url, headers, body).await?;
        tracing::debug!(method, url = %http::redact(url), status = r.status, "caldav");
        if r.is_success() || ok.contains(&r.status) {
            Ok(r)
        } else {
            Err(CaldavError::Status {
                method: method.to_string(),
                url: http::redact(url),
                status: r.status,
            })
        }
    }

    /// Creates the calendar collection (MKCALENDAR); an existing one is fine.
    pub async fn make_calendar(&self, display_name: &str) -> Result<(), CaldavError> {
        let name = xml_escape(&crate::smtp::header_safe(display_name, 100));
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<C:mkcalendar xmlns:D=\"DAV:\" \
             xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:set><D:prop><D:displayname>{name}\
             </D:displayname><C:supported-calendar-component-set><C:comp name=\"VEVENT\"/>\
             <C:comp name=\"VTODO\"/></C:supported-calendar-component-set></D:prop></D:set>\
             </C:mkcalendar>"
        );
        // 405: the collection exists already.
        self.call(
            "MKCALENDAR",
            &self.collection,
            &[("Content-Type", "application/xml; charset=utf-8")],
            body.as_bytes(),
            &[405],
        )
        .await?;
        Ok(())
    }

    /// Stores (creates or replaces) the resource of `uid`.
    pub async fn put(&self, uid: &str, ics_text: &str) -> Result<(), CaldavError> {
        let url = self.resource(uid)?;
        self.call(
            "PUT",
            &url,
            &[("Content-Type", "text/calendar; charset=utf-8")],
            ics_text.as_bytes(),
            &[],
        )
        .await?;
        Ok(())
    }

    /// Reads the resource of `uid`; None when absent.
    pub async fn get(&self, uid: &str) -> Result<Option<String>, CaldavError> {
        let url = self.resource(uid)?;
        let r = self.call("GET", &url, &[], b"", &[404]).await?;
        Ok((r.status != 404).then(|| r.text()))
    }

    /// Deletes the resource of `uid`; absent is fine.
    pub async fn delete(&self, uid: &str) -> Result<(), CaldavError> {
        let url = self.resource(uid)?;
        self.call("DELETE", &url, &[], b"", &[404]).await?;
        Ok(())
    }

    /// Busy intervals between `from` and `to`: every opaque, not-cancelled event, with
    /// recurrences expanded by the server. `skip_uid` (our own meeting, when moving it) does not
    /// count.
    pub async fn busy(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        skip_uid: Option<&str>,
    ) -> Result<Vec<Interval>, CaldavError> {
        let (s, e) = (from.format("%Y%m%dT%H%M%SZ"), to.format("%Y%m%dT%H%M%SZ"));
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<C:calendar-query xmlns:D=\"DAV:\" \
             xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:calendar-data>\
             <C:expand start=\"{s}\" end=\"{e}\"/></C:calendar-data></D:prop><C:filter>\
             <C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">\
             <C:time-range start=\"{s}\" end=\"{e}\"/></C:comp-filter></C:comp-filter>\
             </C:filter></C:calendar-query>"
        );
        let r = self
            .call(
                "REPORT",
                &self.collection,
                &[
                    ("Content-Type", "application/xml; charset=utf-8"),
                    ("Depth", "1"),
                ],
                body.as_bytes(),
                &[],
            )
            .await?;
        let text = r.text();
        let mut out = Vec::new();
        for data in calendar_data(&text) {
            if let Some(uid) = skip_uid
                && data.lines().any(|l| l.trim_end() == format!("UID:{uid}"))
            {
                continue;
            }
            out.extend(ics::busy_intervals(&data, chrono_tz::UTC));
        }
        Ok(out)
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The contents of every `calendar-data` element of a multistatus answer, whatever the prefix.
fn calendar_data(xml: &str) -> Vec<String> {
    // A fixed, valid pattern.
    let Ok(re) = regex::Regex::new(
        r"(?s)<(?:[A-Za-z][\w.-]*:)?calendar-data(?:\s[^>]*)?>(.*?)</(?:[A-Za-z][\w.-]*:)?calendar-data\s*>",
    ) else {
        return Vec::new();
    };
    re.captures_iter(xml)
        .filter_map(|c| c.get(1))
        .map(|m| {
            let inner = m.as_str().trim();
            match inner
                .strip_prefix("<![CDATA[")
                .and_then(|r| r.strip_suffix("]]>"))
            {
                Some(cdata) => cdata.to_string(),
                None => xml_unescape(inner),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_calendar_data_with_any_prefix() {
        let xml = "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:propstat><d:prop>\
            <cal:calendar-data xmlns:cal=\"x\">BEGIN:VCALENDAR&#13;\nA&amp;B&lt;&#x41;\
            </cal:calendar-data></d:prop></d:propstat></d:response><d:response><C:calendar-data>\
            <![CDATA[X<Y]]></C:calendar-data></d:response></d:multistatus>";
        assert_eq!(
            calendar_data(xml),
            vec!["BEGIN:VCALENDAR\r\nA&B<A".to_string(), "X<Y".to_string()]
        );
    }
}
