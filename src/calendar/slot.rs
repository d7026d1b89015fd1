//! The follow-up slot: pure. Given the rules (time zone, working hours and days, holidays,
//! delay, duration), when the deal was won, "now" and the busy intervals, [`find_slot`] returns
//! the first free slot. Local times are built in the configured zone, so a meeting at 09:00 stays
//! at 09:00 across a DST change; busy intervals and the result are absolute (UTC).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A half-open time interval `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    /// Start, inclusive.
    pub start: DateTime<Utc>,
    /// End, exclusive.
    pub end: DateTime<Utc>,
}

impl Interval {
    /// Whether the two intervals share any instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Where a follow-up may go.
#[derive(Debug, Clone)]
pub struct SlotRules {
    /// The salesperson's time zone.
    pub tz: Tz,
    /// Start of the working day (local).
    pub day_start: NaiveTime,
    /// End of the working day (local); a meeting ends at or before it.
    pub day_end: NaiveTime,
    /// Working week days.
    pub days: Vec<Weekday>,
    /// Days off.
    pub holidays: BTreeSet<NaiveDate>,
    /// Business days between the win and the meeting.
    pub after_business_days: u32,
    /// Meeting length.
    pub duration: Duration,
    /// How many business days to search before giving up.
    pub horizon_business_days: u32,
    /// Candidate starts are aligned on this many minutes after the start of the day.
    pub step_minutes: u32,
}

impl SlotRules {
    /// Whether `d` is a working day that is not a holiday.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.days.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// The local date `n` business days after `from` (not counting `from` itself).
    pub fn add_business_days(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = from;
        let mut counted = 0;
        // A year of consecutive days off means the rules are unusable.
        let mut guard = 0;
        while counted < n {
            d = d.succ_opt()?;
            guard += 1;
            if guard > 366 + 7 * n as usize {
                return None;
            }
            if self.is_business_day(d) {
                counted += 1;
            }
        }
        Some(d)
    }

    fn local(&self, d: NaiveDate, t: NaiveTime) -> Option<DateTime<Utc>> {
        // `earliest` picks the first of two instants in a repeated hour; a skipped hour has none.
        self.tz
            .from_local_datetime(&d.and_time(t))
            .earliest()
            .map(|x| x.with_timezone(&Utc))
    }
}

/// The first free slot: on the `after_business_days`-th business day after `won_at` (local
/// date) or later, never before `now`, inside working hours, not overlapping any busy interval.
/// None when nothing fits within the horizon.
pub fn find_slot(
    rules: &SlotRules,
    won_at: DateTime<Utc>,
    now: DateTime<Utc>,
    busy: &[Interval],
) -> Option<Interval> {
    if rules.duration <= Duration::zero() || rules.day_end <= rules.day_start {
        return None;
    }
    let won_local = won_at.with_timezone(&rules.tz).date_naive();
    let mut day = rules.add_business_days(won_local, rules.after_business_days)?;
    let mut busy: Vec<Interval> = busy.iter().copied().filter(|b| b.end > b.start).collect();
    busy.sort();
    let step = Duration::minutes(i64::from(rules.step_minutes.max(1)));
    for _ in 0..rules.horizon_business_days.max(1) {
        if let Some(slot) = first_in_day(rules, day, now, &busy, step) {
            return Some(slot);
        }
        day = rules.add_business_days(day, 1)?;
    }
    None
}

fn first_in_day(
    rules: &SlotRules,
    day: NaiveDate,
    now: DateTime<Utc>,
    busy: &[Interval],
    step: Duration,
) -> Option<Interval> {
    let open = rules.local(day, rules.day_start)?;
    let close = rules.local(day, rules.day_end)?;
    let mut start = open;
    while start + rules.duration <= close {
        let candidate = Interval {
            start,
            end: start + rules.duration,
        };
        if candidate.start < now {
            start = align_after(open, now, step);
            continue;
        }
        match busy
            .iter()
            .filter(|b| b.overlaps(&candidate))
            .map(|b| b.end)
            .max()
        {
            None => return Some(candidate),
            Some(end) => start = align_after(open, end, step),
        }
    }
    None
}

/// The first `open + k * step` at or after `t`.
fn align_after(open: DateTime<Utc>, t: DateTime<Utc>, step: Duration) -> DateTime<Utc> {
    if t <= open {
        return open;
    }
    let step_s = step.num_seconds().max(1);
    let diff = (t - open).num_seconds();
    let k = (diff + step_s - 1) / step_s;
    open + Duration::seconds(k * step_s)
}

#[cfg(test)]
#[path = "slot_tests.rs"]
mod tests;
