//! When a weekly digest is due. Pure: a [`Schedule`] (`mon 08:00`) in an IANA time zone and an
//! instant give the latest schedule slot at or before that instant; the slot's local date names
//! the digest's week. Wall-clock times are resolved in the zone on each date, so a digest at
//! 08:00 stays at 08:00 local across daylight-saving changes; a time that does not exist on a
//! spring-forward day moves to the first minute that does, and a repeated time on a fall-back
//! day takes its first occurrence.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// A weekly slot: a weekday and a local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The day.
    pub weekday: Weekday,
    /// The local time.
    pub time: NaiveTime,
}

/// Why a schedule could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule {0:?}: expected a weekday and a time, e.g. \"mon 08:00\"")]
pub struct ScheduleError(pub String);

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ScheduleError(s.chars().take(60).collect());
        let mut parts = s.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        let weekday = day.parse::<Weekday>().map_err(|_| err())?;
        let time = NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| err())?;
        Ok(Schedule { weekday, time })
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = format!("{:?}", self.weekday).to_ascii_lowercase();
        write!(f, "{day} {}", self.time.format("%H:%M"))
    }
}

/// One occurrence of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The instant it fires.
    pub at: DateTime<Utc>,
    /// Its local date: the key of the digest's week.
    pub week: NaiveDate,
}

/// The instant of a local date and time in `tz`: a skipped time moves to the first minute that
/// exists after it, a repeated time takes its first occurrence.
pub fn resolve_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = NaiveDateTime::new(date, time);
    // A gap is at most a few hours (usually one); walk forward minute by minute.
    for _ in 0..=(24 * 60) {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    // Unreachable for real zones; fall back to reading the time as UTC.
    NaiveDateTime::new(date, time).and_utc()
}

/// The latest slot at or before `now`.
pub fn slot_at(schedule: Schedule, tz: Tz, now: DateTime<Utc>) -> Slot {
    let today = now.with_timezone(&tz).date_naive();
    let back = (i64::from(today.weekday().num_days_from_monday())
        - i64::from(schedule.weekday.num_days_from_monday()))
    .rem_euclid(7);
    let mut date = today - Duration::days(back);
    let mut at = resolve_local(tz, date, schedule.time);
    if at > now {
        date -= Duration::days(7);
        at = resolve_local(tz, date, schedule.time);
    }
    Slot { at, week: date }
}

/// The slot after `slot`.
pub fn next_slot(schedule: Schedule, tz: Tz, slot: Slot) -> Slot {
    let week = slot.week + Duration::days(7);
    Slot {
        at: resolve_local(tz, week, schedule.time),
        week,
    }
}

/// Whether a digest is due at `now`: the latest slot at or before `now`, unless the week it
/// names was already recorded (`last_week`, the latest week recorded for this digest). A slot
/// missed while the daemon was down is still due until the next slot; older weeks never are.
pub fn due(
    schedule: Schedule,
    tz: Tz,
    now: DateTime<Utc>,
    last_week: Option<NaiveDate>,
) -> Option<Slot> {
    let slot = slot_at(schedule, tz, now);
    match last_week {
        Some(w) if w >= slot.week => None,
        _ => Some(slot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn mon8() -> Schedule {
        Schedule {
            weekday: Weekday::Mon,
            time: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!("Mon 08:00".parse::<Schedule>(), Ok(mon8()));
        assert_eq!("monday 08:00".parse::<Schedule>(), Ok(mon8()));
        assert_eq!(mon8().to_string(), "mon 08:00");
        assert!("mon".parse::<Schedule>().is_err());
        assert!("mon 25:00".parse::<Schedule>().is_err());
        assert!("funday 08:00".parse::<Schedule>().is_err());
    }

    #[test]
    fn monday_boundary() {
        let tz: Tz = "Europe/Paris".parse().unwrap_or(Tz::UTC);
        // 2026-03-02 is a Monday; Paris is UTC+1 in winter.
        let before = slot_at(mon8(), tz, utc("2026-03-02T06:59:59Z"));
        assert_eq!(before.week.to_string(), "2026-02-23");
        let at = slot_at(mon8(), tz, utc("2026-03-02T07:00:00Z"));
        assert_eq!(at.week.to_string(), "2026-03-02");
        assert_eq!(at.at, utc("2026-03-02T07:00:00Z"));
        assert_eq!(
            due(mon8(), tz, utc("2026-03-02T07:00:00Z"), Some(before.week)),
            Some(at)
        );
        assert_eq!(
            due(mon8(), tz, utc("2026-03-04T12:00:00Z"), Some(at.week)),
            None
        );
    }

    #[test]
    fn paris_dst_both_ways() {
        let tz: Tz = "Europe/Paris".parse().unwrap_or(Tz::UTC);
        // Clocks go forward on Sunday 2026-03-29: Monday 30 March 08:00 is 06:00 UTC.
        let spring = slot_at(mon8(), tz, utc("2026-03-30T06:00:00Z"));
        assert_eq!(spring.week.to_string(), "2026-03-30");
        assert_eq!(
            slot_at(mon8(), tz, utc("2026-03-30T05:59:00Z"))
                .week
                .to_string(),
            "2026-03-23"
        );
        // Clocks go back on Sunday 2026-10-25: Monday 26 October 08:00 is 07:00 UTC.
        let autumn = slot_at(mon8(), tz, utc("2026-10-26T07:00:00Z"));
        assert_eq!(autumn.at, utc("2026-10-26T07:00:00Z"));
        assert_eq!(
            slot_at(mon8(), tz, utc("2026-10-26T06:30:00Z"))
                .week
                .to_string(),
            "2026-10-19"
        );
        assert_eq!(
            next_slot(mon8(), tz, slot_at(mon8(), tz, utc("2026-10-20T00:00:00Z"))).at,
            autumn.at
        );
    }

    #[test]
    fn skipped_and_repeated_local_times() {
        let tz: Tz = "Europe/Paris".parse().unwrap_or(Tz::UTC);
        let sun = |h, m| Schedule {
            weekday: Weekday::Sun,
            time: NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default(),
        };
        // 02:30 does not exist on 2026-03-29: the slot is 03:00 local (01:00 UTC).
        assert_eq!(
            slot_at(sun(2, 30), tz, utc("2026-03-29T12:00:00Z")).at,
            utc("2026-03-29T01:00:00Z")
        );
        // 02:30 happens twice on 2026-10-25: the first (00:30 UTC).
        assert_eq!(
            slot_at(sun(2, 30), tz, utc("2026-10-25T12:00:00Z")).at,
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn missed_week_is_due_until_the_next_slot() {
        let tz = Tz::UTC;
        let last = Some(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default());
        // Down from Sunday 8 March to Thursday 12 March: the Monday 9 March digest is due.
        let s = due(mon8(), tz, utc("2026-03-12T10:00:00Z"), last);
        assert_eq!(
            s.map(|s| s.week.to_string()),
            Some("2026-03-09".to_string())
        );
    }
}
