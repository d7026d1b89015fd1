//! Follow-up meetings for won deals (and reminders for deals on hold).
//!
//! When a deal becomes won, [`on_state_change`] picks a slot ([`slot::find_slot`], avoiding the
//! busy times of the CalDAV calendar or of `followup.busy-ics`), records the meeting in the
//! store, mails an iTIP `METHOD:REQUEST` invitation ([`mail`]) and, with `[calendar]`, stores the
//! event in the CalDAV calendar. [`schedule`] moves it (same UID, SEQUENCE + 1); reopening a won
//! deal cancels it (`METHOD:CANCEL`). Putting a deal on hold with a revisit date stores a VTODO
//! reminder due that day in the CalDAV calendar.
//!
//! Every send is claimed in the store first, so a restart never mails a second invitation for
//! the same version (see [`crate::store::calendar`]).

pub mod caldav;
pub mod http;
pub mod ics;
pub mod mail;
pub mod slot;

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use sha2::{Digest as _, Sha256};

use crate::config::{Config, FollowupConfig};
use crate::pipeline::State;
use crate::smtp::SmtpError;
use crate::store::calendar::{MeetingRow, ReminderRow};
use crate::store::{OpportunityRow, Store, StoreError};
use caldav::{Caldav, CaldavError};
use ics::{EventSpec, Method, Person};
use slot::{Interval, SlotRules};

/// Why a follow-up could not be handled.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// A `[followup]` or `[calendar]` setting is unusable.
    #[error("invalid config: {0}")]
    Config(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The CalDAV server failed.
    #[error(transparent)]
    Caldav(#[from] CaldavError),
    /// Busy times could not be read.
    #[error("cannot read busy times from {source_name}: {message}")]
    Busy {
        /// The file or URL (without credentials).
        source_name: String,
        /// Why.
        message: String,
    },
    /// The opportunity is not won.
    #[error("opportunity {0} is not won (state {1}): only won deals get a follow-up meeting")]
    NotWon(i64, String),
    /// No meeting to act on.
    #[error("opportunity {0} has no follow-up meeting")]
    NoMeeting(i64),
    /// No free slot in the horizon.
    #[error("no free {0}-minute slot in working hours within {1} business days")]
    NoSlot(u32, u32),
    /// Nobody to send as.
    #[error("no organizer: set [identity] addresses or [smtp] from")]
    NoOrganizer,
    /// The message could not be built.
    #[error("cannot build the invitation: {0}")]
    Build(String),
}

/// Shorthand for calendar results.
pub type Result<T> = std::result::Result<T, CalendarError>;

/// Slot rules from `[followup]`.
pub fn slot_rules(cfg: &FollowupConfig) -> Result<SlotRules> {
    let bad = |m: String| CalendarError::Config(m);
    let tz = cfg.timezone.parse::<chrono_tz::Tz>().map_err(|_| {
        bad(format!(
            "followup.timezone: unknown time zone {:?}",
            cfg.timezone
        ))
    })?;
    let (a, b) = cfg.working_hours.split_once('-').ok_or_else(|| {
        bad(format!(
            "followup.working-hours {:?}: expected HH:MM-HH:MM",
            cfg.working_hours
        ))
    })?;
    let time = |s: &str| {
        NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
            bad(format!(
                "followup.working-hours {:?}: expected HH:MM-HH:MM",
                cfg.working_hours
            ))
        })
    };
    let (day_start, day_end) = (time(a)?, time(b)?);
    if day_end <= day_start {
        return Err(bad(
            "followup.working-hours: the end must be after the start".into(),
        ));
    }
    let mut days = Vec::new();
    for d in &cfg.working_days {
        let w = d.trim().parse::<Weekday>().map_err(|_| {
            bad(format!(
                "followup.working-days: {d:?} is not a day (mon..sun)"
            ))
        })?;
        if !days.contains(&w) {
            days.push(w);
        }
    }
    if days.is_empty() {
        return Err(bad("followup.working-days is empty".into()));
    }
    let mut holidays = BTreeSet::new();
    for h in &cfg.holidays {
        let d = NaiveDate::parse_from_str(h.trim(), "%Y-%m-%d")
            .map_err(|_| bad(format!("followup.holidays: {h:?} is not YYYY-MM-DD")))?;
        holidays.insert(d);
    }
    if cfg.duration_minutes == 0 || cfg.duration_minutes > 24 * 60 {
        return Err(bad(
            "followup.duration-minutes must be between 1 and 1440".into()
        ));
    }
    Ok(SlotRules {
        tz,
        day_start,
        day_end,
        days,
        holidays,
        after_business_days: cfg.after_business_days,
        duration: Duration::minutes(i64::from(cfg.duration_minutes)),
        horizon_business_days: 60,
        step_minutes: 15,
    })
}

/// How one delivery channel went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Done now.
    Done,
    /// Done before (or started before and its outcome is unknown): not repeated.
    AlreadyDone(String),
    /// The channel is not configured.
    NotConfigured,
    /// Failed; it is retried by the next `dealwatch schedule ID`.
    Failed(String),
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delivery::Done => write!(f, "done"),
            Delivery::AlreadyDone(s) if s == "sending" => {
                write!(
                    f,
                    "started before and interrupted: not repeated (outcome unknown)"
                )
            }
            Delivery::AlreadyDone(s) => write!(f, "already {s}"),
            Delivery::NotConfigured => write!(f, "not configured"),
            Delivery::Failed(e) => write!(f, "FAILED: {e}"),
        }
    }
}

/// What a calendar action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A meeting version was recorded and delivered.
    Meeting {
        /// The opportunity.
        opportunity: i64,
        /// `scheduled` or `cancelled`.
        state: String,
        /// The version.
        sequence: i64,
        /// The slot.
        slot: Interval,
        /// The time zone the slot is shown in (`followup.timezone`).
        tz: chrono_tz::Tz,
        /// The invitation mail.
        mail: Delivery,
        /// The CalDAV calendar.
        caldav: Delivery,
    },
    /// An on-hold reminder was recorded.
    Reminder {
        /// The opportunity.
        opportunity: i64,
        /// The revisit date.
        due: NaiveDate,
        /// The CalDAV calendar.
        caldav: Delivery,
    },
    /// An on-hold reminder was removed.
    ReminderRemoved {
        /// The opportunity.
        opportunity: i64,
        /// The CalDAV calendar.
        caldav: Delivery,
    },
}

impl Outcome {
    /// Whether a delivery failed.
    pub fn failed(&self) -> bool {
        let f = |d: &Delivery| matches!(d, Delivery::Failed(_));
        match self {
            Outcome::Meeting { mail, caldav, .. } => f(mail) || f(caldav),
            Outcome::Reminder { caldav, .. } | Outcome::ReminderRemoved { caldav, .. } => f(caldav),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Meeting {
                opportunity,
                state,
                sequence,
                slot,
                tz,
                mail,
                caldav,
            } => write!(
                f,
                "#{opportunity}: follow-up meeting {state} {} - {} {} ({tz}; sequence {sequence}); invitation mail: {mail}; calendar: {caldav}",
                slot.start.with_timezone(tz).format("%a %Y-%m-%d %H:%M"),
                slot.end.with_timezone(tz).format("%H:%M"),
                slot.start.with_timezone(tz).format("%Z"),
            ),
            Outcome::Reminder {
                opportunity,
                due,
                caldav,
            } => {
                write!(
                    f,
                    "#{opportunity}: revisit reminder on {due}; calendar: {caldav}"
                )
            }
            Outcome::ReminderRemoved {
                opportunity,
                caldav,
            } => {
                write!(
                    f,
                    "#{opportunity}: revisit reminder removed; calendar: {caldav}"
                )
            }
        }
    }
}

/// Reacts to a state change decided by the salesperson (or applied by the daemon): a new win
/// schedules the follow-up, leaving `won` cancels it, `on_hold` with a revisit date sets a
/// reminder, leaving `on_hold` removes it. Call it after the state is stored.
pub async fn on_state_change(
    store: &Store,
    config: &Config,
    opportunity: i64,
    from: State,
    to: State,
    revisit_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>> {
    let mut out = Vec::new();
    if from == State::OnHold
        && (to != State::OnHold || revisit_on.is_none())
        && let Some(o) = remove_reminder(store, config, opportunity, now).await?
    {
        out.push(o);
    }
    if from == State::Won
        && to != State::Won
        && let Some(o) = cancel(store, config, opportunity, now).await?
    {
        out.push(o);
    }
    if to == State::Won && from != State::Won {
        out.push(schedule(store, config, opportunity, None, now).await?);
    }
    if to == State::OnHold
        && let Some(due) = revisit_on
    {
        out.push(remind(store, config, opportunity, due, now).await?);
    }
    Ok(out)
}

fn stable_uid(kind: &str, opp: &OpportunityRow, domain: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("{}\n{}\n{}", opp.id, opp.first_seen, opp.customer));
    let hex: String = h
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("dealwatch-{kind}-{}-{hex}@{domain}", opp.id)
}

fn organizer(config: &Config) -> Result<Person> {
    let from = config
        .smtp
        .as_ref()
        .and_then(|s| s.from.parse::<lettre::message::Mailbox>().ok());
    let address = config
        .identity
        .addresses
        .first()
        .cloned()
        .or_else(|| from.as_ref().map(|m| m.email.to_string()))
        .and_then(|a| ics::checked_address(&a))
        .ok_or(CalendarError::NoOrganizer)?;
    let name = from.and_then(|m| m.name).filter(|n| !n.is_empty());
    Ok(Person { address, name })
}

fn attendees(
    config: &Config,
    store: &Store,
    opp: &OpportunityRow,
    organizer: &Person,
) -> Result<Vec<Person>> {
    let mut out: Vec<Person> = config
        .followup
        .attendees
        .iter()
        .filter_map(|a| ics::checked_address(a))
        .map(|address| Person {
            address,
            name: None,
        })
        .collect();
    if out.is_empty() {
        out.push(Person {
            address: organizer.address.clone(),
            name: organizer.name.clone(),
        });
    }
    if config.followup.invite_customer
        && let Some(contact) = opp.contacts.iter().find_map(|c| ics::checked_address(c))
    {
        let name = store
            .opportunity_messages(opp.id)?
            .iter()
            .rev()
            .find(|m| m.from_addr.eq_ignore_ascii_case(&contact) && !m.from_name.is_empty())
            .map(|m| m.from_name.clone());
        out.push(Person {
            address: contact,
            name,
        });
    }
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(p.address.to_ascii_lowercase()));
    Ok(out)
}

fn summary(opp: &OpportunityRow) -> String {
    format!("Follow-up: {} ({})", opp.title, opp.customer)
}

fn description(store: &Store, opp: &OpportunityRow) -> Result<String> {
    let mut d = String::from("Follow-up meeting for a won deal.\n");
    d.push_str(&format!("Customer: {}\n", opp.customer));
    if let Some(q) = &opp.quote_ref {
        d.push_str(&format!("Quote: {q}\n"));
    }
    if let Some(a) = opp.amount {
        d.push_str(&format!(
            "Amount: {a:.2} {}\n",
            opp.currency.as_deref().unwrap_or("")
        ));
    }
    let msgs = store.opportunity_messages(opp.id)?;
    if !msgs.is_empty() {
        d.push_str("Thread:\n");
        for m in msgs.iter().rev().take(5).rev() {
            let date = m.date.as_deref().and_then(|s| s.get(..10)).unwrap_or("?");
            let who = if m.from_name.is_empty() {
                &m.from_addr
            } else {
                &m.from_name
            };
            let who = crate::smtp::header_safe(who, 60);
            let subject = crate::smtp::header_safe(&m.subject, 120);
            d.push_str(&format!("- {date} {who}: {subject}"));
            if let Some(line) = m
                .new_text
                .as_deref()
                .and_then(|t| t.lines().find(|l| !l.trim().is_empty()))
            {
                d.push_str(&format!(" — {}", crate::smtp::header_safe(line, 160)));
            }
            d.push('\n');
        }
    }
    d.push_str(&format!("(dealwatch opportunity #{})", opp.id));
    Ok(d)
}

fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn caldav(config: &Config) -> Result<Option<Caldav>> {
    config
        .calendar
        .as_ref()
        .map(Caldav::from_config)
        .transpose()
        .map_err(Into::into)
}

/// Busy intervals from the CalDAV calendar if configured, else from `followup.busy-ics`, else
/// none. Our own meeting (`skip_uid`) does not count.
pub async fn busy_times(
    config: &Config,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    skip_uid: Option<&str>,
) -> Result<Vec<Interval>> {
    if let Some(dav) = caldav(config)? {
        return Ok(dav.busy(from, to, skip_uid).await?);
    }
    let Some(src) = config.followup.busy_ics.as_deref() else {
        return Ok(Vec::new());
    };
    let tz = slot_rules(&config.followup)?.tz;
    let busy_err = |name: String, message: String| CalendarError::Busy {
        source_name: name,
        message,
    };
    let text = if src.starts_with("http://") || src.starts_with("https://") {
        let url = url::Url::parse(src)
            .map_err(|e| busy_err("followup.busy-ics".into(), e.to_string()))?;
        let name = http::redact(&url);
        let client = http::Client::new(None, None, std::time::Duration::from_secs(30))
            .map_err(|e| busy_err(name.clone(), e.to_string()))?;
        let r = client
            .request("GET", &url, &[], b"")
            .await
            .map_err(|e| busy_err(name.clone(), e.to_string()))?;
        if !r.is_success() {
            return Err(busy_err(name, format!("HTTP status {}", r.status)));
        }
        r.text()
    } else {
        std::fs::read_to_string(src).map_err(|e| busy_err(src.to_string(), e.to_string()))?
    };
    Ok(ics::busy_intervals(&text, tz)
        .into_iter()
        .filter(|b| b.end > from && b.start < to)
        .collect())
}

/// The follow-up meetings dealwatch booked for other deals and did not cancel: busy too, even
/// when no calendar is configured to say so.
fn own_meetings(store: &Store, skip_uid: &str) -> Result<Vec<Interval>> {
    Ok(store
        .meetings()?
        .into_iter()
        .map(|m| m.meeting)
        .filter(|m| m.state == "scheduled" && m.uid != skip_uid)
        .filter_map(|m| {
            Some(Interval {
                start: parse_utc(&m.start_at)?,
                end: parse_utc(&m.end_at)?,
            })
        })
        .collect())
}

/// Schedules the follow-up of a won opportunity: at `at` (moving an existing meeting: same UID,
/// SEQUENCE + 1), or at the first free slot. Without `at`, an already scheduled meeting is not
/// moved: only deliveries that failed are retried.
pub async fn schedule(
    store: &Store,
    config: &Config,
    opportunity: i64,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let opp = store.opportunity(opportunity)?;
    if State::parse(&opp.state) != Some(State::Won) {
        return Err(CalendarError::NotWon(opportunity, opp.state.clone()));
    }
    let rules = slot_rules(&config.followup)?;
    let existing = store.meeting(opportunity)?;
    if let (Some(m), None) = (&existing, at)
        && m.state == "scheduled"
    {
        return deliver(store, config, m, Method::Request, now).await;
    }
    let org = organizer(config)?;
    let domain = org
        .address
        .rsplit_once('@')
        .map(|x| x.1)
        .unwrap_or("localhost")
        .to_string();
    let uid = existing
        .as_ref()
        .map(|m| m.uid.clone())
        .unwrap_or_else(|| stable_uid("followup", &opp, &domain));
    let slot = match at {
        Some(start) => Interval {
            start,
            end: start + rules.duration,
        },
        None => {
            let won_at = opp
                .state_changed_at
                .as_deref()
                .and_then(parse_utc)
                .unwrap_or(now);
            let from = won_at.min(now);
            let to = won_at.max(now) + Duration::days(120);
            let mut busy = busy_times(config, from, to, Some(&uid)).await?;
            busy.extend(own_meetings(store, &uid)?);
            slot::find_slot(&rules, won_at, now, &busy).ok_or(CalendarError::NoSlot(
                config.followup.duration_minutes,
                rules.horizon_business_days,
            ))?
        }
    };
    let sequence = existing.as_ref().map(|m| m.sequence + 1).unwrap_or(0);
    let row = version(
        store,
        config,
        &opp,
        org,
        uid,
        sequence,
        slot,
        Method::Request,
        now,
        existing.as_ref(),
    )?;
    deliver(store, config, &row, Method::Request, now).await
}

/// Cancels the follow-up of an opportunity (SEQUENCE + 1, `METHOD:CANCEL`), if one is
/// scheduled.
pub async fn cancel(
    store: &Store,
    config: &Config,
    opportunity: i64,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>> {
    let Some(m) = store.meeting(opportunity)? else {
        return Ok(None);
    };
    if m.state != "scheduled" {
        // Resume an interrupted cancellation's failed deliveries.
        return deliver(store, config, &m, Method::Cancel, now)
            .await
            .map(Some);
    }
    let opp = store.opportunity(opportunity)?;
    let slot = match (parse_utc(&m.start_at), parse_utc(&m.end_at)) {
        (Some(start), Some(end)) => Interval { start, end },
        _ => {
            return Err(CalendarError::Build(format!(
                "meeting of #{opportunity} has unreadable times"
            )));
        }
    };
    let org = organizer(config)?;
    let row = version(
        store,
        config,
        &opp,
        org,
        m.uid.clone(),
        m.sequence + 1,
        slot,
        Method::Cancel,
        now,
        Some(&m),
    )?;
    deliver(store, config, &row, Method::Cancel, now)
        .await
        .map(Some)
}

/// Builds and records a new version of a meeting.
#[allow(clippy::too_many_arguments)]
fn version(
    store: &Store,
    config: &Config,
    opp: &OpportunityRow,
    organizer: Person,
    uid: String,
    sequence: i64,
    slot: Interval,
    method: Method,
    now: DateTime<Utc>,
    existing: Option<&MeetingRow>,
) -> Result<MeetingRow> {
    let attendees = attendees(config, store, opp, &organizer)?;
    let spec = EventSpec {
        uid: uid.clone(),
        sequence: u32::try_from(sequence)
            .map_err(|_| CalendarError::Build("sequence out of range".into()))?,
        dtstamp: now,
        slot,
        summary: summary(opp),
        description: description(store, opp)?,
        organizer,
        attendees,
    };
    let row = MeetingRow {
        opportunity: opp.id,
        uid,
        sequence,
        start_at: slot.start.to_rfc3339(),
        end_at: slot.end.to_rfc3339(),
        state: if method == Method::Cancel {
            "cancelled"
        } else {
            "scheduled"
        }
        .to_string(),
        dtstamp: now.to_rfc3339(),
        ics: ics::event(&spec, Some(method)),
        created_at: existing
            .map(|m| m.created_at.clone())
            .unwrap_or_else(|| now.to_rfc3339()),
        updated_at: now.to_rfc3339(),
    };
    if !store.save_meeting(&row)? {
        return Err(CalendarError::Build(format!(
            "meeting of #{} changed meanwhile (a newer sequence is stored)",
            opp.id
        )));
    }
    tracing::info!(
        opportunity = opp.id,
        sequence,
        method = method.as_str(),
        "follow-up meeting recorded"
    );
    Ok(row)
}

/// The stored version without METHOD: what a CalDAV calendar stores (RFC 4791 §4.1).
fn without_method(ics_text: &str) -> String {
    ics_text
        .split_inclusive("\r\n")
        .filter(|l| !l.starts_with("METHOD:"))
        .collect()
}

/// Delivers the current version of a meeting on every configured channel, each at most once.
async fn deliver(
    store: &Store,
    config: &Config,
    m: &MeetingRow,
    method: Method,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let slot = match (parse_utc(&m.start_at), parse_utc(&m.end_at)) {
        (Some(start), Some(end)) => Interval { start, end },
        _ => {
            return Err(CalendarError::Build(format!(
                "meeting of #{} has unreadable times",
                m.opportunity
            )));
        }
    };
    let mail = match &config.smtp {
        None => Delivery::NotConfigured,
        Some(smtp) => {
            once(store, m, "mail", method, now, async {
                let msg =
                    mail::invitation(smtp, config, m, method, slot).map_err(|e| e.to_string())?;
                crate::smtp::send(smtp, msg)
                    .await
                    .map_err(|e: SmtpError| e.to_string())
            })
            .await?
        }
    };
    let caldav = match caldav(config)? {
        None => Delivery::NotConfigured,
        Some(dav) => {
            once(store, m, "caldav", method, now, async {
                match method {
                    Method::Request => dav.put(&m.uid, &without_method(&m.ics)).await,
                    Method::Cancel => dav.delete(&m.uid).await,
                }
                .map_err(|e| e.to_string())
            })
            .await?
        }
    };
    Ok(Outcome::Meeting {
        opportunity: m.opportunity,
        state: m.state.clone(),
        sequence: m.sequence,
        slot,
        tz: slot_rules(&config.followup)
            .map(|r| r.tz)
            .unwrap_or(chrono_tz::UTC),
        mail,
        caldav,
    })
}

async fn once(
    store: &Store,
    m: &MeetingRow,
    channel: &str,
    method: Method,
    now: DateTime<Utc>,
    action: impl std::future::Future<Output = std::result::Result<(), String>>,
) -> Result<Delivery> {
    if !store.claim_delivery(&m.uid, m.sequence, channel, method.as_str(), now)? {
        let state = store
            .delivery_state(&m.uid, m.sequence, channel)?
            .unwrap_or_else(|| "sent".to_string());
        return Ok(Delivery::AlreadyDone(state));
    }
    let result = action.await;
    store.finish_delivery(
        &m.uid,
        m.sequence,
        channel,
        result.as_ref().map(|_| ()).map_err(|e| e.as_str()),
        now,
    )?;
    Ok(match result {
        Ok(()) => {
            tracing::info!(
                opportunity = m.opportunity,
                sequence = m.sequence,
                channel,
                "delivered"
            );
            Delivery::Done
        }
        Err(e) => {
            tracing::warn!(opportunity = m.opportunity, sequence = m.sequence, channel, error = %e, "delivery failed");
            Delivery::Failed(e)
        }
    })
}

/// Records an on-hold reminder due on `due` and, with `[calendar]`, stores it as a VTODO.
pub async fn remind(
    store: &Store,
    config: &Config,
    opportunity: i64,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let opp = store.opportunity(opportunity)?;
    let domain = organizer(config)
        .ok()
        .and_then(|o| o.address.rsplit_once('@').map(|x| x.1.to_string()))
        .unwrap_or_else(|| "localhost".to_string());
    let uid = store
        .reminder(opportunity)?
        .map(|r| r.uid)
        .unwrap_or_else(|| stable_uid("revisit", &opp, &domain));
    let text = ics::reminder(&ics::ReminderSpec {
        uid: uid.clone(),
        dtstamp: now,
        due,
        summary: format!("Revisit: {} ({})", opp.title, opp.customer),
        description: format!(
            "The customer asked to pause until {due}: time to contact them again.\nCustomer: {}\n(dealwatch opportunity #{})",
            opp.customer, opp.id
        ),
    });
    let (caldav_result, state) = match caldav(config)? {
        None => (Delivery::NotConfigured, "pending"),
        Some(dav) => match dav.put(&uid, &text).await {
            Ok(()) => (Delivery::Done, "stored"),
            Err(e) => (Delivery::Failed(e.to_string()), "pending"),
        },
    };
    store.save_reminder(&ReminderRow {
        opportunity,
        uid,
        due_on: due.to_string(),
        state: state.to_string(),
        updated_at: now.to_rfc3339(),
    })?;
    Ok(Outcome::Reminder {
        opportunity,
        due,
        caldav: caldav_result,
    })
}

async fn remove_reminder(
    store: &Store,
    config: &Config,
    opportunity: i64,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>> {
    let Some(mut r) = store
        .reminder(opportunity)?
        .filter(|r| r.state != "removed")
    else {
        return Ok(None);
    };
    let caldav_result = match caldav(config)? {
        None => Delivery::NotConfigured,
        Some(dav) => match dav.delete(&r.uid).await {
            Ok(()) => Delivery::Done,
            Err(e) => Delivery::Failed(e.to_string()),
        },
    };
    if !matches!(caldav_result, Delivery::Failed(_)) {
        r.state = "removed".to_string();
        r.updated_at = now.to_rfc3339();
        store.save_reminder(&r)?;
    }
    Ok(Some(Outcome::ReminderRemoved {
        opportunity,
        caldav: caldav_result,
    }))
}
