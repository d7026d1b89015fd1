use super::*;

fn rules(tz: &str) -> SlotRules {
    SlotRules {
        tz: tz.parse().unwrap(),
        day_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        day_end: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        days: [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .collect(),
        holidays: BTreeSet::new(),
        after_business_days: 5,
        duration: Duration::minutes(45),
        horizon_business_days: 60,
        step_minutes: 15,
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn iv(a: &str, b: &str) -> Interval {
    Interval {
        start: t(a),
        end: t(b),
    }
}

#[test]
fn win_on_friday_evening_lands_on_next_friday_morning() {
    let r = rules("Europe/Paris");
    // Friday 2026-01-16 19:30 in Paris; five business days later is Friday 2026-01-23.
    let won = t("2026-01-16T18:30:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s, iv("2026-01-23T08:00:00Z", "2026-01-23T08:45:00Z"));
}

#[test]
fn win_late_friday_utc_is_saturday_in_tokyo() {
    let r = rules("Asia/Tokyo");
    // Friday 2026-01-16 20:00 UTC is Saturday 05:00 in Tokyo: count from Saturday.
    let won = t("2026-01-16T20:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    // Mon 19 .. Fri 23 → Friday 23 09:00 JST = 00:00 UTC.
    assert_eq!(s.start, t("2026-01-23T00:00:00Z"));
}

#[test]
fn holiday_is_skipped() {
    let mut r = rules("Europe/Paris");
    // Win Monday 2026-05-04; without holidays: Monday 11. With Friday 8 May (Victoire 1945)
    // off, the fifth business day is Tuesday 12.
    r.holidays
        .insert(NaiveDate::from_ymd_opt(2026, 5, 8).unwrap());
    let won = t("2026-05-04T10:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s.start, t("2026-05-12T07:00:00Z"));
}

#[test]
fn holiday_on_target_day_moves_to_next_business_day() {
    let mut r = rules("UTC");
    r.after_business_days = 1;
    r.holidays
        .insert(NaiveDate::from_ymd_opt(2026, 1, 20).unwrap());
    let won = t("2026-01-19T10:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s.start, t("2026-01-21T09:00:00Z"));
}

#[test]
fn busy_morning_pushes_the_meeting_after_it() {
    let r = rules("UTC");
    let won = t("2026-01-12T10:00:00Z");
    let busy = [iv("2026-01-19T08:30:00Z", "2026-01-19T10:10:00Z")];
    let s = find_slot(&r, won, won, &busy).unwrap();
    // Aligned on the quarter hour after the busy block.
    assert_eq!(s, iv("2026-01-19T10:15:00Z", "2026-01-19T11:00:00Z"));
}

#[test]
fn gap_too_short_is_not_used() {
    let r = rules("UTC");
    let won = t("2026-01-12T10:00:00Z");
    let busy = [
        iv("2026-01-19T09:00:00Z", "2026-01-19T10:00:00Z"),
        iv("2026-01-19T10:30:00Z", "2026-01-19T17:30:00Z"),
    ];
    let s = find_slot(&r, won, won, &busy).unwrap();
    assert_eq!(s.start, t("2026-01-20T09:00:00Z"));
}

#[test]
fn week_full_of_busy_slots_moves_to_the_next_week() {
    let r = rules("UTC");
    let won = t("2026-01-12T10:00:00Z");
    // Target Monday 19; the whole week is taken by hour-long meetings back to back.
    let mut busy = Vec::new();
    for day in 19..=23 {
        for h in 9..18 {
            let a = format!("2026-01-{day}T{h:02}:00:00Z");
            let b = format!("2026-01-{day}T{:02}:00:00Z", h + 1);
            busy.push(iv(&a, &b));
        }
    }
    let s = find_slot(&r, won, won, &busy).unwrap();
    assert_eq!(s.start, t("2026-01-26T09:00:00Z"));
}

#[test]
fn never_before_now() {
    let r = rules("UTC");
    let won = t("2026-01-05T10:00:00Z");
    // Scheduling later than the computed day: first free quarter hour after now.
    let now = t("2026-01-14T11:07:00Z");
    let s = find_slot(&r, won, now, &[]).unwrap();
    assert_eq!(s.start, t("2026-01-14T11:15:00Z"));
}

#[test]
fn late_in_the_day_moves_to_tomorrow() {
    let r = rules("UTC");
    let won = t("2026-01-05T10:00:00Z");
    let now = t("2026-01-14T17:20:00Z");
    let s = find_slot(&r, won, now, &[]).unwrap();
    assert_eq!(s.start, t("2026-01-15T09:00:00Z"));
}

#[test]
fn dst_start_end_of_march_in_paris() {
    let r = rules("Europe/Paris");
    // Win Monday 2026-03-23 (CET, +1); clocks go forward on Sunday 29 March; the meeting on
    // Monday 30 March at 09:00 local is 07:00 UTC (CEST, +2).
    let won = t("2026-03-23T14:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s, iv("2026-03-30T07:00:00Z", "2026-03-30T07:45:00Z"));
    // A busy block given in UTC across the change is still respected.
    let busy = [iv("2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z")];
    let s = find_slot(&r, won, won, &busy).unwrap();
    assert_eq!(s.start, t("2026-03-30T08:00:00Z"));
}

#[test]
fn dst_end_end_of_october_in_paris() {
    let r = rules("Europe/Paris");
    // Win Monday 2026-10-19 (CEST); clocks go back on Sunday 25 October; Monday 26 at 09:00
    // local is 08:00 UTC (CET, +1).
    let won = t("2026-10-19T09:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s.start, t("2026-10-26T08:00:00Z"));
    // Last slot of the day ends at 18:00 local = 17:00 UTC.
    let busy = [iv("2026-10-26T08:00:00Z", "2026-10-26T16:15:00Z")];
    let s = find_slot(&r, won, won, &busy).unwrap();
    assert_eq!(s, iv("2026-10-26T16:15:00Z", "2026-10-26T17:00:00Z"));
}

#[test]
fn dst_change_on_a_working_saturday_keeps_local_hours() {
    let mut r = rules("Europe/Paris");
    r.days.push(Weekday::Sun);
    r.after_business_days = 1;
    r.day_start = NaiveTime::from_hms_opt(1, 0, 0).unwrap();
    // Sat 28 March → Sun 29 March; the day starts 01:00 CET = 00:00 UTC; 02:00-03:00 does not
    // exist that day; a 3-hour meeting from 01:00 local ends at 05:00 local (+2) = 03:00 UTC.
    r.duration = Duration::hours(3);
    let won = t("2026-03-28T10:00:00Z");
    let s = find_slot(&r, won, won, &[]).unwrap();
    assert_eq!(s, iv("2026-03-29T00:00:00Z", "2026-03-29T03:00:00Z"));
}

#[test]
fn nothing_fits_gives_none() {
    let mut r = rules("UTC");
    r.duration = Duration::hours(10);
    let won = t("2026-01-05T10:00:00Z");
    assert_eq!(find_slot(&r, won, won, &[]), None);
}
