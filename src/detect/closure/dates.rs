//! Date expressions in French, English, German, Spanish, Italian and Dutch, resolved
//! against the local date a message was written.
//!
//! Works on folded text (see `text.rs`). Every pattern yields a calendar date
//! or nothing: nothing is invented when no date is named.

use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::{Captures, Regex};

/// A date expression found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    pub start: usize,
    pub end: usize,
    pub date: NaiveDate,
}

/// Context handed to each pattern's resolver.
struct Ctx<'h> {
    today: NaiveDate,
    hay: &'h str,
    start: usize,
    end: usize,
}

type Resolver = fn(&Captures<'_>, &Ctx<'_>) -> Option<NaiveDate>;

fn alternation<'w>(words: impl Iterator<Item = &'w str>) -> String {
    let mut v: Vec<String> = words.map(regex::escape).collect();
    v.sort_by_key(|w| std::cmp::Reverse(w.len()));
    v.join("|")
}

/// The month-name alternation used in the patterns.
/// The calendar words of every language, from the lexicon files (`[time]`).
fn time() -> &'static super::lexicon::TimeWords {
    &super::lexicon::LEXICON.time
}

static MON: LazyLock<String> =
    LazyLock::new(|| alternation(time().months.iter().map(|m| m.0.as_str())));
static WD: LazyLock<String> =
    LazyLock::new(|| alternation(time().weekdays.iter().map(|w| w.0.as_str())));
static NUM: LazyLock<String> =
    LazyLock::new(|| alternation(time().numbers.iter().map(|w| w.0.as_str())));

fn month_num(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    time().months.iter().find(|m| m.0 == s).map(|m| m.1)
}

fn weekday(s: &str) -> Option<Weekday> {
    let n = time().weekdays.iter().find(|w| w.0 == s)?.1;
    Weekday::try_from(u8::try_from(n.checked_sub(1)?).ok()?).ok()
}

fn number(s: &str) -> Option<u32> {
    s.parse()
        .ok()
        .or_else(|| time().numbers.iter().find(|w| w.0 == s).map(|w| w.1))
}

/// Last day of a month.
fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// Day selector inside a month: a fixed day or the last one.
#[derive(Clone, Copy)]
enum Day {
    Nth(u32),
    Last,
}

fn ymd(y: i32, m: u32, d: Day) -> Option<NaiveDate> {
    match d {
        Day::Nth(n) => NaiveDate::from_ymd_opt(y, m, n),
        Day::Last => last_day(y, m),
    }
}

/// The date with month `m` and day `d` on or after `today` (this year or next).
fn next_on_or_after(today: NaiveDate, m: u32, d: Day) -> Option<NaiveDate> {
    let this = ymd(today.year(), m, d)?;
    if this >= today {
        Some(this)
    } else {
        ymd(today.year() + 1, m, d)
    }
}

/// A date with an optional explicit year; without one, the next occurrence.
fn with_year(today: NaiveDate, year: Option<&str>, m: u32, d: Day) -> Option<NaiveDate> {
    match year.and_then(|y| y.parse::<i32>().ok()) {
        Some(y) if y < 100 => ymd(2000 + y, m, d),
        Some(y) => ymd(y, m, d),
        None => next_on_or_after(today, m, d),
    }
}

fn next_weekday(today: NaiveDate, wd: Weekday) -> Option<NaiveDate> {
    let delta =
        (7 + wd.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64) % 7;
    let delta = if delta == 0 { 7 } else { delta };
    today.checked_add_days(Days::new(delta as u64))
}

fn cap<'c>(c: &'c Captures<'_>, name: &str) -> Option<&'c str> {
    c.name(name).map(|m| m.as_str())
}

fn r_iso(c: &Captures<'_>, _: &Ctx<'_>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        cap(c, "y")?.parse().ok()?,
        cap(c, "m")?.parse().ok()?,
        cap(c, "d")?.parse().ok()?,
    )
}

/// Numeric day/month (European order; swapped when only US order is valid).
fn r_numeric(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let tail = x.hay.get(x.end..).unwrap_or("");
    if cap(c, "y").is_none()
        && tail.starts_with(['/', '.', '-'])
        && tail
            .get(1..)
            .unwrap_or("")
            .starts_with(|ch: char| ch.is_ascii_digit())
    {
        return None;
    }
    let (mut d, mut m): (u32, u32) = (cap(c, "d")?.parse().ok()?, cap(c, "m")?.parse().ok()?);
    if m > 12 && d <= 12 {
        std::mem::swap(&mut d, &mut m);
    }
    with_year(x.today, cap(c, "y"), m, Day::Nth(d))
}

fn r_day_month(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let m = month_num(cap(c, "mon")?)?;
    with_year(
        x.today,
        cap(c, "y"),
        m,
        Day::Nth(cap(c, "d")?.parse().ok()?),
    )
}

fn r_mod_month(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let m = month_num(cap(c, "mon")?)?;
    let md = cap(c, "mod")?;
    let day = if md.starts_with("mi")
        || md.starts_with("mid")
        || md.starts_with("mitte")
        || md.starts_with("med")
        || md == "meta"
        || md == "half"
        || md == "midden"
    {
        Day::Nth(15)
    } else if md.starts_with("fin")
        || md.starts_with("end")
        || md.starts_with("the end")
        || md.starts_with("late")
        || md == "ende"
        || md == "fine"
        || md == "eind"
        || md.starts_with("finales")
    {
        Day::Last
    } else {
        Day::Nth(1)
    };
    with_year(x.today, cap(c, "y"), m, day)
}

fn r_month(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let m = month_num(cap(c, "mon")?)?;
    with_year(x.today, cap(c, "y"), m, Day::Nth(1))
}

fn r_rentree(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let m = cap(c, "mon").and_then(month_num).unwrap_or(9);
    next_on_or_after(x.today, m, Day::Nth(1))
}

fn r_september(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    next_on_or_after(x.today, 9, Day::Nth(1))
}

/// A season, by its meteorological start: spring 1 March, summer 1 June, autumn 1 September,
/// winter 1 December (the next one to come).
fn r_season(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let w = cap(c, "s")?;
    let month = if [
        "print",
        "spring",
        "fruhling",
        "fruhjahr",
        "primavera",
        "voorjaar",
        "lente",
    ]
    .iter()
    .any(|k| w.starts_with(k))
    {
        3
    } else if ["ete", "summer", "sommer", "verano", "estate"]
        .iter()
        .any(|k| w.starts_with(k))
    {
        6
    } else if [
        "autom", "autumn", "fall", "herbst", "otono", "autunno", "najaar", "herfst",
    ]
    .iter()
    .any(|k| w.starts_with(k))
    {
        9
    } else {
        12
    };
    next_on_or_after(x.today, month, Day::Nth(1))
}

/// "after the holidays": year-end holidays -> 5 January; summer holidays -> 1 September.
fn r_holidays(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let w = cap(c, "h")?;
    let year_end = [
        "noel",
        "christmas",
        "new year",
        "nouvel an",
        "fetes",
        "feiertagen",
        "weihnachten",
        "neujahr",
        "feste",
        "fiestas",
        "reyes",
        "epifania",
        "befana",
        "capodanno",
        "festivita",
        "feestdagen",
        "kerst",
        "nieuwjaar",
        "jaarwisseling",
        "ano nuevo",
        "neuen jahr",
        "nieuwe jaar",
        "nuovo anno",
        "principios de ano",
        "debut d'annee",
        "nouvel an",
    ]
    .iter()
    .any(|k| w.contains(k));
    let month = x.today.month();
    if year_end || month >= 11 || (month == 1 && x.today.day() < 5) {
        next_on_or_after(x.today, 1, Day::Nth(5))
    } else if (6..=8).contains(&month) {
        next_on_or_after(x.today, 9, Day::Nth(1))
    } else {
        None
    }
}

fn quarter_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ' ']);
    let table: &[(&str, u32)] = &[
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("4", 4),
        ("premier", 1),
        ("1er", 1),
        ("first", 1),
        ("erste", 1),
        ("ersten", 1),
        ("erstes", 1),
        ("deuxieme", 2),
        ("second", 2),
        ("zweite", 2),
        ("zweiten", 2),
        ("zweites", 2),
        ("troisieme", 3),
        ("third", 3),
        ("dritte", 3),
        ("dritten", 3),
        ("drittes", 3),
        ("quatrieme", 4),
        ("dernier", 4),
        ("fourth", 4),
        ("last", 4),
        ("vierte", 4),
        ("vierten", 4),
        ("viertes", 4),
        ("letzte", 4),
        ("letzten", 4),
        ("letztes", 4),
        ("primer", 1),
        ("primero", 1),
        ("primo", 1),
        ("eerste", 1),
        ("segundo", 2),
        ("secondo", 2),
        ("tweede", 2),
        ("tercer", 3),
        ("tercero", 3),
        ("terzo", 3),
        ("derde", 3),
        ("cuarto", 4),
        ("quarto", 4),
        ("vierde", 4),
        ("ultimo", 4),
        ("laatste", 4),
    ];
    table.iter().find(|t| t.0 == w).map(|t| t.1)
}

fn r_quarter(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let q = quarter_of(cap(c, "q")?)?;
    with_year(x.today, cap(c, "y"), 3 * q - 2, Day::Nth(1))
}

fn r_half(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    with_year(x.today, cap(c, "y"), 7, Day::Nth(1))
}

fn r_next_month(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(x.today.year(), x.today.month(), 1)?.checked_add_months(Months::new(1))
}

fn r_in_n(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let n = number(cap(c, "n")?)?;
    let unit = cap(c, "u")?;
    if unit.starts_with("mo") || unit.starts_with("mes") || unit.starts_with("maand") {
        return x.today.checked_add_months(Months::new(n));
    }
    let per = if unit.starts_with('w') || unit.starts_with("sem") || unit.starts_with("set") {
        7
    } else {
        1
    };
    x.today.checked_add_days(Days::new(u64::from(n) * per))
}

/// Easter Sunday of `year` (anonymous Gregorian algorithm).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// "after Easter": Easter Monday, the next one to come.
fn r_easter(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let monday = |y| easter(y).and_then(|d| d.checked_add_days(Days::new(1)));
    let this = monday(x.today.year())?;
    if this > x.today {
        Some(this)
    } else {
        monday(x.today.year() + 1)
    }
}

/// "next quarter": the first day of the quarter after today's.
fn r_next_quarter(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let q = (x.today.month() - 1) / 3;
    NaiveDate::from_ymd_opt(x.today.year(), 3 * q + 1, 1)?.checked_add_months(Months::new(3))
}

/// "end of the month": its last day (the next month's when today is that day).
fn r_month_end(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let end = last_day(x.today.year(), x.today.month())?;
    if end > x.today {
        Some(end)
    } else {
        let next = x.today.checked_add_months(Months::new(1))?;
        last_day(next.year(), next.month())
    }
}

fn r_fortnight(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    x.today.checked_add_days(Days::new(15))
}

fn r_next_year(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(x.today.year() + 1, 1, 1)
}

/// "début 2027", "mid-2027", "end of 2026": only when still ahead of `today`.
fn r_mod_year(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let y: i32 = cap(c, "y")?.parse().ok()?;
    let md = cap(c, "mod")?;
    let d = if md.starts_with("mi") || md.starts_with("mitte") {
        NaiveDate::from_ymd_opt(y, 7, 1)?
    } else if md.starts_with("fin")
        || md.starts_with("end")
        || md.starts_with("the end")
        || md.starts_with("late")
        || md == "ende"
        || md.starts_with("finales")
        || md == "fine"
    {
        NaiveDate::from_ymd_opt(y, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(y, 1, 1)?
    };
    (d >= x.today).then_some(d)
}

fn r_next_week(_: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    next_weekday(x.today, Weekday::Mon)
}

fn r_weekday(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let cue = cap(c, "cue");
    let suffix = cap(c, "suf");
    if suffix.is_none() && matches!(cue, None | Some("le") | Some("el")) {
        return None;
    }
    next_weekday(x.today, weekday(cap(c, "wd")?)?)
}

fn r_tomorrow(c: &Captures<'_>, x: &Ctx<'_>) -> Option<NaiveDate> {
    let w = cap(c, "t")?;
    if w == "morgen"
        && x.hay
            .get(..x.start)
            .unwrap_or("")
            .trim_end()
            .ends_with("guten")
    {
        return None;
    }
    let n = if w.contains("apres") || w.contains("after") || w.starts_with("uber") {
        2
    } else {
        1
    };
    x.today.checked_add_days(Days::new(n))
}

/// Builds the pattern table (text, resolver); `{MON}`, `{WD}`, `{NUM}` are expanded.
fn pattern_table() -> Vec<(String, Resolver)> {
    let mut raw: Vec<(&str, Resolver)> = vec![
        (r"\b(?P<y>20\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", r_iso),
        (
            r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>20\d{2}|\d{2})\b",
            r_numeric,
        ),
        (
            r"\b(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>20\d{2})\b",
            r_numeric,
        ),
        (
            r"\b(?:le|au|du|des|on|am|ab|bis|vom|zum|after|before|until|till|from|by|avant|apres|jusqu'au|partir du|el|al|il|dal|entro|through|to|for|den)\s+(?:(?:{WD}),?\s+)?(?P<d>\d{1,2})[./](?P<m>\d{1,2})\b\.?",
            r_numeric,
        ),
        (r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:\s|$)", r_numeric),
        (
            r"\b(?:(?:{WD}),?\s+(?:(?:the|le|den|el|il)\s+)?)?(?P<d>\d{1,2})(?:er|st|nd|rd|th|e|o|\.)?\s*(?:of\s+|de\s+|-)?(?P<mon>{MON})\b\.?(?:,?\s*(?P<y>20\d{2}))?",
            r_day_month,
        ),
        (
            r"\b(?:(?:{WD}),?\s+)?(?P<mon>{MON})\.?\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>20\d{2}))?",
            r_day_month,
        ),
        (
            r"\b(?P<mod>debut|fin|mi|courant|early|late|the end of|end of|mid|the beginning of|beginning of|the start of|start of|anfang|ende|mitte|principios de|finales de|mediados de|inizio|fine|meta|begin|eind|half|medio|midden)\s*-?\s*(?:de\s+|d'|di\s+|of\s+)?(?P<mon>{MON})\b\.?(?:\s+(?P<y>20\d{2}))?",
            r_mod_month,
        ),
        (
            r"\b(?:en|in|im|a|au mois de|mois de|jusqu'en|apres|after|avant|before|until|till|by|from|ab|bis|nach|vor|des|a partir de|para|hasta|despues de|per|fino a|dopo|entro|for|next|around|vers|courant|por|nel mese di|da|verso|tras|na|vanaf|tot|rond|voor)\s+(?P<mon>{MON})\b(?:\s+(?P<y>20\d{2}))?",
            r_month,
        ),
        (r"\b(?P<mon>{MON})\s+(?P<y>20\d{2})\b", r_month),
    ];
    raw.extend(relative_patterns());
    raw.into_iter()
        .map(|(p, f)| {
            let p = p
                .replace("{MON}", &MON)
                .replace("{WD}", &WD)
                .replace("{NUM}", &NUM);
            (p, f)
        })
        .collect()
}

/// Named periods and relative expressions.
fn relative_patterns() -> Vec<(&'static str, Resolver)> {
    vec![
        (
            r"\b(?:la |l')?rentree(?:\s+scolaire)?(?:\s+(?:de|d'|en)\s*(?P<mon>{MON}))?\b",
            r_rentree,
        ),
        (
            r"\b(?:after the summer|after summer|after the summer holidays|apres l'ete|apres les vacances d'ete|apres les grandes vacances|nach den sommerferien|nach dem sommer|nach der sommerpause|despues del verano|dopo l'estate|dopo le vacanze estive|dopo la pausa estiva|dopo le ferie estive|dopo le ferie d'agosto|dopo ferragosto|dopo la pausa di agosto|tras el verano|pasado el verano|a la vuelta del verano|a la vuelta de vacaciones|despues de las vacaciones de verano|na de zomer|na de zomervakantie|na het zomerreces|na de bouwvak|na het bouwverlof|na de zomerstop|na de grote vakantie)\b",
            r_september,
        ),
        (
            r"\b(?:(?:in|this|next|the|au|en|cet|cette|im|diesen|nachsten|kommenden|en el|la prossima|het|dit|komend|volgend|nel|en la|in de)\s+|a l'|l'|nell')(?P<s>printemps|spring|fruhling|fruhjahr|automne|autumn|fall|herbst|otono|autunno|hiver|winter|invierno|inverno|primavera|voorjaar|lente|najaar|herfst)\b",
            r_season,
        ),
        (
            r"\b(?P<h>after the (?:christmas |xmas |festive |winter )?holidays|after (?:christmas|xmas|new year|the new year)|apres (?:les fetes|les vacances de noel|les vacances|noel|le nouvel an|le jour de l'an)|nach (?:den feiertagen|weihnachten|neujahr|den ferien|dem jahreswechsel)|dopo (?:le feste|le vacanze|natale|le ferie|l'epifania|la befana|capodanno|le festivita)|despues de (?:las fiestas|navidad|las vacaciones|reyes|ano nuevo)|tras (?:las fiestas|reyes|navidad)|in the new year|im neuen jahr|in het nieuwe jaar|nel nuovo anno|con el ano nuevo|a principios de ano|debut d'annee|au nouvel an|pasadas las fiestas|pasado reyes|na (?:de feestdagen|de kerst|kerst|nieuwjaar|de jaarwisseling|de kerstvakantie|de vakantie))\b",
            r_holidays,
        ),
        (
            r"\bq(?P<q>[1-4])\b(?:\s*[/-]?\s*(?P<y>20\d{2}))?",
            r_quarter,
        ),
        (
            r"\b(?P<q>[1-4])(?:er|e|eme|nd|rd|st|th|o|\.)?\s*(?:trimestre|quarter|quartal|kwartaal)\b(?:\s+(?:de\s+|del\s+|of\s+|van\s+)?(?P<y>20\d{2}))?",
            r_quarter,
        ),
        (
            r"\b(?:the\s+|le\s+|im\s+|el\s+|il\s+|het\s+)?(?P<q>premier|1er|deuxieme|second|troisieme|quatrieme|dernier|first|third|fourth|last|erste[nms]?|zweite[nms]?|dritte[nms]?|vierte[nms]?|letzte[nms]?|primer|primero|segundo|tercer|tercero|cuarto|ultimo|primo|secondo|terzo|quarto|eerste|tweede|derde|vierde|laatste)\s+(?:trimestre|quarter|quartal|kwartaal)\b(?:\s+(?:de\s+|of\s+)?(?P<y>20\d{2}))?",
            r_quarter,
        ),
        (
            r"\b(?:h2|second half(?: of the year)?|2nd half|second semestre|deuxieme semestre|2e semestre|2eme semestre|zweiten? (?:halbjahr|jahreshalfte)|zweites halbjahr|2\. halbjahr)\b(?:\s+(?:of\s+|de\s+)?(?P<y>20\d{2}))?",
            r_half,
        ),
        (
            r"\b(?:next month|le mois prochain|mois prochain|nachsten monat|kommenden monat|el mes que viene|el proximo mes|il mese prossimo|il prossimo mese|el mes proximo|volgende maand|komende maand|volgende maand)\b",
            r_next_month,
        ),
        (
            r"\b(?:in|dans|within|d'ici|tra|fra|dentro de|innerhalb von|en|over|binnen|entro|for|pendant|per|fur|durante|voor|another|encore|noch|otras|otros|altre|altri|nog)\s+(?:(?:about|around|environ|etwa|unas|unos|circa|ongeveer|zo'n|some)\s+)?(?P<n>\d{1,3}|{NUM})\s+(?P<u>days?|jours?|weeks?|semaines?|months?|mois|tagen?|wochen?|monaten?|dias|semanas|meses|giorni|settimane|mesi|dagen|weken|maanden|maand|week|dag)\b",
            r_in_n,
        ),
        (
            r"\b(?:dans|d'ici) (?:une )?quinzaine\b|\b(?:in |for )?a fortnight\b|\b(?:tra|fra) una quindicina\b",
            r_fortnight,
        ),
        (
            r"\b(?:after|apres|nach|dopo|despues de|tras|na|passato|passata|pasada|pasado)\s+(?:the\s+|la\s+|le\s+|de\s+)?(?:easter|paques|ostern|den osterferien|pasqua|semana santa|pasen|de paasvakantie|paaschen|las vacaciones de semana santa|le vacanze di pasqua|les vacances de paques)\b",
            r_easter,
        ),
        (
            r"\b(?:next quarter|the following quarter|le trimestre prochain|le prochain trimestre|nachste[ns]? quartal|kommende[ns]? quartal|el proximo trimestre|el trimestre que viene|el siguiente trimestre|il prossimo trimestre|il trimestre prossimo|volgend kwartaal|volgende kwartaal|komend kwartaal)\b",
            r_next_quarter,
        ),
        (
            r"\b(?:(?:at |by |towards )?the end of (?:the|this) month|month-end|month end|(?:a |d'ici )?la fin du mois|fin du mois|(?:zum |gegen |bis )?ende des monats|(?:zum |bis )?monatsende|a finales de mes|a fin de mes|a final de mes|fine mese|a fine mese|alla fine del mese|eind van de maand|eind deze maand|aan het eind van de maand)\b",
            r_month_end,
        ),
        (
            r"\b(?:next year|l'annee prochaine|l'an prochain|annee prochaine|nachstes jahr|nachsten jahr|nachstem jahr|nachsten jahres|kommenden jahres|folgenden jahres|im kommenden jahr|el ano que viene|el proximo ano|l'anno prossimo|il prossimo anno|im kommenden jahr|volgend jaar|volgende jaar|komend jaar|het komende jaar|anno prossimo|l'anno venturo|il nuovo anno|l'anno nuovo|el nuevo ano)\b",
            r_next_year,
        ),
        (
            r"\b(?P<mod>debut|courant|fin|mi|early|late|the end of|end of|mid|start of|beginning of|anfang|ende|mitte|principios de|finales de|inizio|fine|in|en|im|for|pour|ab|from|des|a partir de)\s*-?\s*(?:de\s+|d'|of\s+)?(?P<y>20\d{2})\b",
            r_mod_year,
        ),
        (
            r"\b(?:next week|la semaine prochaine|semaine prochaine|nachste woche|nachsten woche|kommende woche|kommenden woche|la semana que viene|la proxima semana|la settimana prossima|la prossima settimana|volgende week|komende week)\b",
            r_next_week,
        ),
        (
            r"\b(?:(?P<cue>next|this|on|by|until|till|from|after|ce|des|a partir de|jusqu'a|avant|d'ici|nachsten|nachster|kommenden|am|ab|bis|diesen|el proximo|el|il prossimo|entro|le)\s+)?(?P<wd>{WD})\b(?:\s+(?P<suf>prochain|qui vient|prossimo|que viene))?",
            r_weekday,
        ),
        (
            r"\b(?P<t>apres-demain|apres demain|the day after tomorrow|ubermorgen|demain|tomorrow|domani|morgen)\b",
            r_tomorrow,
        ),
    ]
}

/// Compiles the date patterns (see [`super::build_patterns`]).
pub(super) fn build_patterns() {
    LazyLock::force(&PATTERNS);
}

static PATTERNS: LazyLock<Vec<(Regex, Resolver)>> = LazyLock::new(|| {
    pattern_table()
        .into_iter()
        .map(|(p, f)| {
            (
                Regex::new(&super::text::ascii_pattern(&p)).expect("static date regex"),
                f,
            )
        })
        .collect()
});

/// Every date expression of `hay` (folded text); overlapping expressions are
/// merged, keeping the longest (most specific) one. Sorted by position.
pub(super) fn find_all(hay: &str, today: NaiveDate) -> Vec<Found> {
    let mut raw: Vec<Found> = Vec::new();
    for (re, resolve) in PATTERNS.iter() {
        for c in re.captures_iter(hay) {
            let Some(m) = c.get(0) else { continue };
            let ctx = Ctx {
                today,
                hay,
                start: m.start(),
                end: m.end(),
            };
            if let Some(date) = resolve(&c, &ctx) {
                raw.push(Found {
                    start: m.start(),
                    end: m.end(),
                    date,
                });
            }
        }
    }
    raw.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out: Vec<Found> = Vec::new();
    for f in raw {
        match out.last_mut() {
            Some(last) if f.start < last.end => {
                if f.end - f.start > last.end - last.start {
                    *last = f;
                }
            }
            _ => out.push(f),
        }
    }
    out
}

/// The first date expression of `hay` (folded text).
pub(super) fn first(hay: &str, today: NaiveDate) -> Option<NaiveDate> {
    find_all(hay, today).first().map(|f| f.date)
}

static RETURN_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&super::text::ascii_pattern(r"\b(?:de retour|retour|reviendrai|rentrerai|reprendrai|reprise|disponible|joignable|present|presente|back|return|returning|available|wieder|zuruck|erreichbar|im buro|in the office|regreso|vuelvo|rientro|rientrero|ritorno|reachable)\b"))
        .expect("static regex")
});
static RETURN_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&super::text::ascii_pattern(r"^[^.!?\n]{0,30}?\b(?:wieder|zuruck|erreichbar|de retour|back in|disponible|available|joignable)\b")).expect("static regex")
});
static UNTIL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&super::text::ascii_pattern(
        r"\b(?:jusqu'au|jusqu'a|until|till|through|thru|bis|au|to|hasta|al|fino al)\b",
    ))
    .expect("static regex")
});
static INCLUSIVE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&super::text::ascii_pattern(r"^\W{0,3}(?:inclus|incluse|compris|inclusive|included|einschliesslich|inklusive|incluido|incluso|compreso)\b")).expect("static regex")
});

/// The return date named by an out-of-office text (folded), if any.
pub(super) fn return_date(hay: &str, today: NaiveDate) -> Option<NaiveDate> {
    let found = find_all(hay, today);
    let before = |f: &Found| &hay[f.start.saturating_sub(60)..f.start];
    let inclusive = |f: &Found| INCLUSIVE_AFTER.is_match(hay.get(f.end..).unwrap_or(""));
    let explicit = found.iter().find(|f| {
        RETURN_BEFORE.is_match(before(f)) || RETURN_AFTER.is_match(hay.get(f.end..).unwrap_or(""))
    });
    if let Some(f) = explicit {
        return Some(if inclusive(f) {
            f.date.succ_opt()?
        } else {
            f.date
        });
    }
    let until = found.iter().find(|f| UNTIL_BEFORE.is_match(before(f)))?;
    if inclusive(until) {
        until.date.succ_opt()
    } else {
        Some(until.date)
    }
}
