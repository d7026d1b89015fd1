//! Quote detection for dealwatch.
//!
//! A sales opportunity starts either with a customer's request for a quote or
//! with the quote we send; its value is the quote's total. This module finds,
//! in free text written by people (mail bodies, text of attached PDF/DOCX
//! quotes) in French, English, German, Spanish and Italian:
//! sums of money and the one that is the quote's total, quote references,
//! purchase-order numbers, quote-like attachment names, and the sentences that
//! present a quote or ask for one. Everything is heuristic, cheap (regexes are
//! compiled once) and never panics.

use regex::{Captures, Regex};
use std::sync::LazyLock;

/// Whether an amount is stated before or after tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Before tax: HT, net, excl. VAT, netto, zzgl. MwSt.
    Net,
    /// Tax included: TTC, incl. VAT, brutto, inkl. MwSt.
    Gross,
    /// Not stated.
    Unknown,
}

/// A sum of money found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The value (e.g. 12400.0).
    pub value: f64,
    /// ISO 4217 code: "EUR", "USD", "GBP", "CHF", ...
    pub currency: &'static str,
    /// HT/net/excl. VAT/netto/zzgl. MwSt. → Net; TTC/incl. VAT/brutto/inkl. MwSt. → Gross.
    pub basis: Basis,
    /// Byte offset of the match in the input text (for ordering).
    pub offset: usize,
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// Compiles a static regex (the patterns are constants, tested below).
fn re(pattern: &str) -> Regex {
    regex::RegexBuilder::new(pattern)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("static regex")
}

/// `text[from..to]` with both ends moved onto char boundaries.
fn slice(text: &str, from: usize, to: usize) -> &str {
    let to = text.floor_char_boundary(to.min(text.len()));
    let from = text.floor_char_boundary(from.min(to));
    text.get(from..to).unwrap_or("")
}

/// Byte offset just after the last '\n' before `pos`, looking back at most
/// 400 bytes (so that scanning long texts stays linear).
fn line_start(text: &str, pos: usize) -> usize {
    let from = text.floor_char_boundary(pos.saturating_sub(400));
    slice(text, from, pos)
        .rfind('\n')
        .map_or(from, |i| from + i + 1)
}

/// Whether the line containing `pos` is quoted (starts with '>').
fn is_quoted_line(text: &str, pos: usize) -> bool {
    slice(text, line_start(text, pos), pos)
        .trim_start()
        .starts_with('>')
}

// ---------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------

/// A number with optional thousands separators and decimals.
const NUM: &str = r"(?:\d{1,3}(?:[ \x{A0}\x{202F}\x{2009}'’.,]\d{3})+|\d+)(?:[.,]\d{1,2})?";
/// Thin/no-break spaces allowed between a number and its currency.
const GAP: &str = r"[ \x{A0}\x{202F}\x{2009}]?";

static AMOUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    let pre = r"US\$|\$|€|£|(?-u:\b)EUR|(?-u:\b)USD|(?-u:\b)GBP|(?-u:\b)CHF|(?-u:\b)CAD|(?-u:\b)AUD|(?-u:\b)SEK|(?-u:\b)NOK|(?-u:\b)DKK|(?-u:\b)PLN";
    let post = r"€|\$|£|EUR(?-u:\b)|USD(?-u:\b)|GBP(?-u:\b)|CHF(?-u:\b)|CAD(?-u:\b)|AUD(?-u:\b)|SEK(?-u:\b)|NOK(?-u:\b)|DKK(?-u:\b)|PLN(?-u:\b)|(?i:euros?)(?-u:\b)|(?i:dollars?)(?-u:\b)|(?i:pounds?)(?-u:\b)|Fr\.";
    let bare = r"HT(?-u:\b)|H\.T\.|TTC(?-u:\b)|T\.T\.C\.";
    re(&format!(
        r"(?:(?P<pc>{pre}){GAP}(?P<pn>{NUM})(?P<pk>[kK](?-u:\b))?)|(?:(?P<sn>{NUM}){GAP}(?:(?P<sk>[kK]){GAP})?(?P<sc>{post}))|(?:(?P<bn>{NUM}){GAP}(?P<bt>{bare}))"
    ))
});

/// Maps a currency token to its ISO code.
fn currency_code(token: &str) -> &'static str {
    let lower = token.to_lowercase();
    match lower.as_str() {
        "$" | "us$" | "usd" | "dollar" | "dollars" => "USD",
        "£" | "gbp" | "pound" | "pounds" => "GBP",
        "chf" | "fr." => "CHF",
        "cad" => "CAD",
        "aud" => "AUD",
        "sek" => "SEK",
        "nok" => "NOK",
        "dkk" => "DKK",
        "pln" => "PLN",
        _ => "EUR",
    }
}

/// Parses "12 400,00", "12.400,00", "12,400.00", "12,40", "3'450.00"...
/// One separator followed by exactly three digits is a thousands separator.
fn parse_number(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\'' | '’'))
        .collect();
    let dot = cleaned.rfind('.');
    let comma = cleaned.rfind(',');
    let normalized = match (dot, comma) {
        (Some(d), Some(c)) => {
            let (dec, thou) = if d > c { ('.', ',') } else { (',', '.') };
            cleaned.replace(thou, "").replace(dec, ".")
        }
        (Some(p), None) | (None, Some(p)) => {
            let sep = if dot.is_some() { '.' } else { ',' };
            let count = cleaned.matches(sep).count();
            let after = cleaned.len().saturating_sub(p + 1);
            let int_part = cleaned.get(..p).unwrap_or("");
            if count > 1 || (after == 3 && int_part != "0") {
                cleaned.replace(sep, "")
            } else {
                cleaned.replace(sep, ".")
            }
        }
        (None, None) => cleaned,
    };
    normalized.parse::<f64>().ok().filter(|v| v.is_finite())
}

static BASIS_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,:(]*(?:(?P<net>HT(?-u:\b)|H\.T\.?|HTVA(?-u:\b)|hors[ -]taxes?|net(?-u:\b)|netto(?-u:\b)|nett(?-u:\b)|excl\.?\s*(?:of\s+)?(?:VAT|tax|TVA|taxes)?|excluding|ex\.?\s*VAT|\+\s*VAT|plus\s+VAT|\+\s*TVA|zzgl\.?|exkl\.?|ohne\s+MwSt|before\s+tax|pre-tax|sin\s+IVA|más\s+IVA|\+\s*IVA|IVA\s+esclusa|IVA\s+exclu[ií]da|\+\s*MwSt)|(?P<gross>TTC(?-u:\b)|T\.T\.C\.?|toutes\s+taxes|incl\.?\s*(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?(?:VAT|TVA|tax|MwSt)|including\s+(?:\d{1,2}(?:[.,]\d{1,2})?\s*%\s*)?VAT|inc\.?\s*VAT|brutto(?-u:\b)|inkl\.?\s*(?:MwSt|USt)|gross(?-u:\b)|con\s+IVA|IVA\s+incluida|IVA\s+inclusa|IVA\s+compresa|VAT\s+included|TVA\s+comprise))",
    )
});

static BASIS_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?P<net>(?-u:\b)HT(?-u:\b)|(?-u:\b)H\.T\.?|(?-u:\b)HTVA(?-u:\b)|(?-u:\b)hors\s+taxes?|(?-u:\b)net(?-u:\b)|(?-u:\b)netto|(?-u:\b)excl\.?\s*VAT|(?-u:\b)ex\.?\s*VAT|(?-u:\b)excluding\s+VAT|(?-u:\b)zzgl|(?-u:\b)before\s+tax)|(?P<gross>(?-u:\b)TTC(?-u:\b)|(?-u:\b)T\.T\.C|(?-u:\b)toutes\s+taxes|(?-u:\b)brutto|(?-u:\b)incl\.?\s*VAT|(?-u:\b)including\s+VAT|(?-u:\b)inkl)",
    )
});

/// Net/Gross from the words right after the amount, else from the label before it.
fn basis_at(text: &str, start: usize, end: usize, lower: usize) -> Basis {
    let after = slice(text, end, end + 48);
    if let Some(c) = BASIS_AFTER_RE.captures(after) {
        return if c.name("net").is_some() {
            Basis::Net
        } else {
            Basis::Gross
        };
    }
    let before = slice(text, lower, start);
    match BASIS_BEFORE_RE.captures_iter(before).last() {
        Some(c) if c.name("net").is_some() => Basis::Net,
        Some(_) => Basis::Gross,
        None => Basis::Unknown,
    }
}

/// Whether a number without currency (before HT/TTC) looks like a real sum.
fn bare_number_ok(raw: &str) -> bool {
    raw.chars().filter(char::is_ascii_digit).count() >= 3
}

/// One raw amount match: money plus where the match ends.
struct RawAmount {
    money: Money,
    end: usize,
}

/// Converts one regex match into an amount (currency of a bare HT/TTC number
/// is that of the previous amount, else EUR).
fn raw_amount(text: &str, c: &Captures, prev: Option<&RawAmount>) -> Option<RawAmount> {
    let whole = c.get(0)?;
    if slice(text, 0, whole.start()).ends_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    let (num, currency, kilo) = if let Some(n) = c.name("pn") {
        (
            n,
            currency_code(c.name("pc")?.as_str()),
            c.name("pk").is_some(),
        )
    } else if let Some(n) = c.name("sn") {
        (
            n,
            currency_code(c.name("sc")?.as_str()),
            c.name("sk").is_some(),
        )
    } else {
        let n = c.name("bn")?;
        if !bare_number_ok(n.as_str()) {
            return None;
        }
        (n, prev.map_or("EUR", |p| p.money.currency), false)
    };
    let mut value = parse_number(num.as_str())?;
    if kilo {
        value *= 1000.0;
    }
    let lower = prev
        .map_or(0, |p| p.end)
        .max(line_start(text, whole.start()));
    let basis = match c.name("bt").map(|m| m.as_str()) {
        Some(t) if t.starts_with('H') => Basis::Net,
        Some(_) => Basis::Gross,
        None => basis_at(text, whole.start(), whole.end(), lower),
    };
    let offset = whole.start();
    let money = Money {
        value,
        currency,
        basis,
        offset,
    };
    Some(RawAmount {
        money,
        end: whole.end(),
    })
}

/// All amounts with their match ends.
fn scan_amounts(text: &str) -> Vec<RawAmount> {
    let mut out: Vec<RawAmount> = Vec::new();
    for c in AMOUNT_RE.captures_iter(text) {
        if let Some(a) = raw_amount(text, &c, out.last()) {
            out.push(a);
        }
    }
    out
}

/// Every amount with a currency in the text, in order.
///
/// A number directly followed by HT/TTC counts as an amount too (in the
/// currency of the previous amount, else EUR): "11 860,00 EUR HT / 14 232,00 TTC".
pub fn find_amounts(text: &str) -> Vec<Money> {
    scan_amounts(text).into_iter().map(|a| a.money).collect()
}

// ---------------------------------------------------------------------------
// The quote's total
// ---------------------------------------------------------------------------

/// Keywords before an amount; the last one found decides what the amount is.
static CONTEXT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?P<unit>prix\s+unitaire|unit\s+price|price\s+per|prix\s+par|einzelpreis|stückpreis|(?-u:\b)P\.?U\.?\s*(?:HT)?\s*:|precio\s+unitario|prezzo\s+unitario|per\s+unit|l'unité|(?-u:\b)je\s+stück)|(?P<excl>(?-u:\b)primes?(?-u:\b)|subvention|(?-u:\b)aides?(?-u:\b)|förder|zuschuss|(?-u:\b)grants?(?-u:\b)|subsid|rebate|incentive|concurren|competi|another\s+(?:quote|offer|supplier|vendor)|other\s+(?:quote|offer|supplier|vendor)|their\s+(?:quote|price|offer|bid)|leur\s+(?:devis|prix|offre)|autre\s+(?:devis|offre|entreprise|prestataire)|wettbewerb|mitbewerber|andere[nr]?\s+anbieter|remise|rabais|ristourne|baisse|réduction|reduction|reduced\s+by|lower\s+by|cheaper\s+by|discount|rabatt|nachlass|skonto|acompte|arrhes|deposit|down\s+payment|anzahlung|(?-u:\b)capital(?-u:\b)|budget|plafond|enveloppe|sous\s+les|moins\s+de|(?-u:\b)under(?-u:\b)|below|less\s+than|offre\s+retenue|winning|attributaire|économie|savings|einsparung|frais\s+de\s+port|shipping|caution|pénalité|penalt|sconto|descuento|anticipo|incentivo)|(?P<split>étage|(?-u:\b)floors?(?-u:\b)|niveau|(?-u:\b)levels?(?-u:\b)|(?-u:\b)etage|geschoss|(?-u:\b)OG(?-u:\b)|(?-u:\b)EG(?-u:\b)|(?-u:\b)lots?(?-u:\b)|bâtiment|building|(?-u:\b)hall(?-u:\b)|(?-u:\b)piano(?-u:\b)|(?-u:\b)planta(?-u:\b)|(?-u:\b)option|variante|(?-u:\b)variant)|(?P<label>total|montant|gesamt|summe|betrag|amount|price|prix|tarif|(?-u:\b)soit(?-u:\b)|coût|(?-u:\b)cost|comes?\s+to|brings\s+it\s+to|festpreis|preis|importe|importo|precio|prezzo|s'élève|net\s+value|for\s+a\s+total)",
    )
});

/// A tax line ("TVA 20 % : 3 296,00 €") right before the amount.
static TAX_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?P<pre>\S+\s+)?(?-u:\b)(?:TVA|VAT|MwSt|USt|IVA)(?-u:\b)\.?\s*(?:\(?\d+(?:[.,]\d+)?\s*%\)?)?\s*[:=]?\s*$",
    )
});

static AFTER_SPLIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[^\n.;]{0,30}?(?-u:\b)(?:par|per|pro|for\s+the|pour\s+l[ea']|for|each)\s*(?:étage|floor|niveau|level|etage|geschoss|stockwerk|lot|bâtiment|building|piano|planta)",
    )
});

static AFTER_UNIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,)]*(?:(?:HT|TTC|H\.T\.|net|netto|brutto|excl\.?\s*VAT|ex\.?\s*VAT|\+\s*VAT|zzgl\.?\s*MwSt\.?)[\s,]*)?(?:/\s*(?:m²|m2|m³|m(?-u:\b)|ml(?-u:\b)|mq(?-u:\b)|u(?-u:\b)|unit|pc|pce|pi[eè]ce|stk|st(?-u:\b)|h(?-u:\b)|hr(?-u:\b)|heure|hour|jour|day|mois|month|an(?-u:\b)|year|yr(?-u:\b)|lot(?-u:\b)|point|luminaire|fixture|poste|kw|semaine|week|person|nuit|night)|par(?-u:\b)|per(?-u:\b)|pro(?-u:\b)|each(?-u:\b)|chacun|l'unité|à\s+l'unité|la\s+pièce|apiece|al(?-u:\b)|cada(?-u:\b)|cad\.|ciascuno|je(?-u:\b)|an\s+hour|a\s+month|a\s+year)",
    )
});

static AFTER_EXCL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,)]*(?:HT|TTC|net)?\s*(?:de\s+|d'|of\s+|in\s+|en\s+|an\s+)?(?:prime|remise|rabais|subvention|aide|discount|rebate|grant|subsidy|acompte|deposit|anzahlung|rabatt|nachlass|förderung|zuschuss|savings|économies|off(?-u:\b)|sconto|descuento)",
    )
});

static REVISION_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)révis|(?-u:\b)revis|(?-u:\b)rev(?-u:\b)|(?-u:\b)rev\.|(?-u:\b)v\d(?-u:\b)|new\s+total|new\s+price|nouveau\s+(?:montant|total|prix)|nouveau|updated|mis\s+à\s+jour|(?-u:\b)indice\s+[A-Z](?-u:\b)|überarbeit|neue[rs]?\s+(?:summe|preis|gesamt)|aktualisiert|actualizado|aggiornat|brings\s+it\s+to|ramène|final\s+price|prix\s+final",
    )
});

/// Labelled number without a currency, as in a quote table ("TOTAL HT .... 16 480,00").
static LABELLED_BARE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:total|montant|gesamtbetrag|gesamtsumme|summe|endbetrag|nettobetrag|amount|totale|importe|importo)(?-u:\b)[^\n\d€$£]{0,40}?(?P<n>\d{1,3}(?:[ \x{A0}\x{202F}'’.,]\d{3})+(?:[.,]\d{2})?|\d+[.,]\d{2})",
    )
});

/// How an amount is introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Label,
    Split,
    Excluded,
    Plain,
}

/// A candidate for the quote total.
struct Candidate {
    money: Money,
    role: Role,
    score: i32,
}

/// Role of an amount from its surroundings.
fn role_of(text: &str, start: usize, end: usize, lower: usize) -> Role {
    let before = slice(text, lower, start);
    let after = slice(text, end, end + 60);
    if AFTER_SPLIT_RE.is_match(after) {
        return Role::Split;
    }
    if AFTER_UNIT_RE.is_match(after) || AFTER_EXCL_RE.is_match(after) {
        return Role::Excluded;
    }
    if let Some(c) = TAX_LINE_RE.captures(before) {
        let pre = c.name("pre").map_or("", |m| m.as_str()).to_lowercase();
        let qualifier = [
            "excl",
            "ex",
            "incl",
            "including",
            "excluding",
            "plus",
            "hors",
            "zzgl",
            "inkl",
            "exkl",
            "sin",
            "con",
            "+",
            "ohne",
            "avec",
        ];
        if !qualifier
            .iter()
            .any(|q| pre.trim().trim_end_matches('.') == *q)
        {
            return Role::Excluded;
        }
    }
    match CONTEXT_RE.captures_iter(before).last() {
        Some(c) if c.name("unit").is_some() => Role::Excluded,
        Some(c) if c.name("excl").is_some() => Role::Excluded,
        Some(c) if c.name("split").is_some() => Role::Split,
        Some(_) => Role::Label,
        None => Role::Plain,
    }
}

/// Start of the window searched for labels: the previous amount, a blank
/// line, or 100 bytes back, whichever is nearest.
fn window_start(text: &str, start: usize, prev_end: usize) -> usize {
    let floor = start.saturating_sub(100).max(prev_end);
    let window = slice(text, floor, start);
    match window.rfind("\n\n") {
        Some(i) => floor + i + 2,
        None => floor,
    }
}

/// The rest of the clause after an amount (to the next line or sentence end, 60 bytes max).
fn after_clause(text: &str, end: usize) -> &str {
    let after = slice(text, end, end + 60);
    let cut = [after.find('\n'), after.find(". "), after.find("; ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(after.len());
    slice(after, 0, cut)
}

/// Scores a candidate: labels, revisions, quoting.
fn make_candidate(text: &str, money: Money, end: usize, prev_end: usize) -> Candidate {
    let lower = window_start(text, money.offset, prev_end);
    let role = role_of(text, money.offset, end, lower);
    let mut score = match role {
        Role::Label => 10,
        Role::Plain => 0,
        Role::Split => -6,
        Role::Excluded => -100,
    };
    let before = slice(text, lower, money.offset);
    // Only a revision word on the amount's own line counts: a document's title ("rev. A")
    // says nothing about which of its lines is the total.
    let same_line = before.rsplit('\n').next().unwrap_or(before);
    let revised = REVISION_RE.is_match(same_line) || REVISION_RE.is_match(after_clause(text, end));
    if revised && role != Role::Excluded {
        score += if role == Role::Plain { 14 } else { 4 };
    }
    if is_quoted_line(text, money.offset) {
        score -= 8;
    }
    Candidate { money, role, score }
}

/// Amounts in a table without a currency sign, after a total label.
fn labelled_bare(text: &str, known: &[RawAmount], currency: &'static str) -> Vec<RawAmount> {
    let mut out = Vec::new();
    for c in LABELLED_BARE_RE.captures_iter(text) {
        let Some(n) = c.name("n") else { continue };
        let idx = known.partition_point(|k| k.money.offset <= n.start());
        let covered = idx
            .checked_sub(1)
            .and_then(|i| known.get(i))
            .is_some_and(|k| n.start() < k.end);
        if covered {
            continue;
        }
        let next = slice(text, n.end(), n.end() + 4).trim_start();
        if next.starts_with(|ch: char| ch.is_ascii_digit() || ch == '%') {
            continue;
        }
        let Some(value) = parse_number(n.as_str()) else {
            continue;
        };
        let lower = c.get(0).map_or(n.start(), |m| m.start());
        let basis = basis_at(text, n.start(), n.end(), lower);
        let money = Money {
            value,
            currency,
            basis,
            offset: n.start(),
        };
        out.push(RawAmount {
            money,
            end: n.end(),
        });
    }
    out
}

/// All candidates for the total, in text order.
fn candidates(text: &str) -> Vec<Candidate> {
    let mut raw = scan_amounts(text);
    let currency = raw.first().map_or("EUR", |a| a.money.currency);
    let bare = labelled_bare(text, &raw, currency);
    raw.extend(bare);
    raw.sort_by_key(|a| a.money.offset);
    let mut out = Vec::with_capacity(raw.len());
    let mut prev_end = 0;
    for a in raw {
        let end = a.end;
        out.push(make_candidate(text, a.money, end, prev_end));
        prev_end = end;
    }
    out
}

/// When the chosen total is tax-included, the matching net figure nearby.
fn net_partner<'a>(cands: &'a [Candidate], best: &Candidate) -> Option<&'a Candidate> {
    cands.iter().find(|c| {
        c.role != Role::Excluded
            && c.money.basis == Basis::Net
            && c.money.currency == best.money.currency
            && c.money.offset.abs_diff(best.money.offset) <= 240
            && c.money.value > 0.0
            && (1.04..=1.30).contains(&(best.money.value / c.money.value))
    })
}

/// The quote's total in a quote message or quote document: prefers amounts labelled as a total ("total", "montant", "Gesamtbetrag", "Summe", "amount", "price", "prix", "soit", "for a total of") and Net over Gross when both are given for the same total (HT over TTC), the last revision when several totals appear ("révisé", "rev. A", "v2", "new total"); ignores amounts introduced as something else: subsidy/premium/grant ("prime CEE", "subvention", "Förderung"), a competitor's price ("le concurrent à 11 900 €", "their quote was EUR 11,900"), discounts ("remise de 500 €"), deposits ("acompte de 30 %"), unit prices ("€/m²", "per unit", "l'unité", "pro Stück"), per-floor or per-lot splits when a total is also stated. Returns None when no amount is stated.
pub fn quote_amount(text: &str) -> Option<Money> {
    let cands = candidates(text);
    let usable = cands
        .iter()
        .filter(|c| c.role != Role::Excluded && c.money.value > 0.0);
    let best = if cands.iter().any(|c| c.role == Role::Label) {
        usable
            .filter(|c| c.role == Role::Label || c.score >= 10)
            .max_by_key(|c| (c.score, c.money.offset))?
    } else {
        usable.max_by(|a, b| {
            (a.score, a.money.value)
                .partial_cmp(&(b.score, b.money.value))
                .unwrap_or(std::cmp::Ordering::Equal)
        })?
    };
    // A total after a net subtotal and a tax line is the gross figure even when unlabelled.
    if best.money.basis != Basis::Net
        && let Some(net) = net_partner(&cands, best)
    {
        return Some(net.money.clone());
    }
    Some(best.money.clone())
}

// ---------------------------------------------------------------------------
// References and purchase orders
// ---------------------------------------------------------------------------

/// A company-style quote number: known prefix + digits ("DEV-2026-014", "Q-10231").
static PREFIXED_REF_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?-u:\b)(?P<p>DEVIS|DEV|DV|DQ|QUOTE|QUOT|QUO|QTE|QT|Q|OFFRE|OFFER|OFF|OFR|OFE|OF|ANGEBOT|ANG|KVA|KV|PROP|COT|PRES|PREV|SQ|D)(?P<sep>[-/]|[ \x{A0}])?(?P<n>\d{2,}(?:[-/]\d{1,6}){0,2})(?-u:\b)",
    )
});

/// A number introduced by a quote word: "Angebot Nr. 2026-0117", "devis n° 2025-118".
static KEYWORD_REF_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:devis|offre|offerte|offert|quote|quotation|offer|proposal|proposition(?:\s+commerciale)?|angebot|kostenvoranschlag|presupuesto|preventivo|offerta|cotizaci[oó]n|cotation|chiffrage|estimation|soumission|estimate|num[ée]ro\s+(?:de\s+|du\s+)?devis|quote\s+number|angebotsnummer)(?:\s*[:#-]\s*|\s+)(?:(?:n[°º]|no\.?|nr\.?|num(?:[ée]ro|ber|\.)?|#|r[ée]f(?:[ée]rence)?\.?|ref\.?)\s*[:.]?\s*)?(?P<t>[A-Z0-9]+(?:[-/][A-Z0-9]+)*)",
    )
});

/// Normalizes a reference: uppercase, no inner spaces.
fn normalize_ref(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Validates a prefixed match (enough digits; spaces only after long prefixes).
fn prefixed_ok(c: &Captures) -> bool {
    let (Some(p), Some(n)) = (c.name("p"), c.name("n")) else {
        return false;
    };
    let digits = n.as_str().chars().filter(char::is_ascii_digit).count();
    let first = n.as_str().split(['-', '/']).next().map_or(0, str::len);
    match c.name("sep").map(|m| m.as_str()) {
        // "D2025-118", "Q10231", and year-first numbers glued to a prefix: "D26-0093".
        None => {
            digits >= 4
                && (first >= 4 || n.as_str().contains(['-', '/']))
                && (p.as_str() != "D" || n.as_str().contains('-'))
        }
        Some("-" | "/") => digits >= 3 && p.as_str() != "D",
        Some(_) => p.as_str().len() >= 2 && digits >= 4 && p.as_str() != "OF",
    }
}

/// Validates a keyword-introduced token: not a year, date, amount or short number.
fn keyword_token_ok(text: &str, token: &str, end: usize) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    if digits < 3 || token.len() < 4 {
        return false;
    }
    let is_year = token.len() == 4 && (token.starts_with("19") || token.starts_with("20"));
    let parts: Vec<&str> = token.split(['-', '/']).collect();
    let is_date = parts.len() == 3 && parts.iter().take(2).all(|p| p.len() <= 2);
    let next = slice(text, end, end + 6).trim_start();
    let mut chars = next.chars();
    let first = chars.next();
    let decimal =
        matches!(first, Some('.' | ',')) && chars.next().is_some_and(|c| c.is_ascii_digit());
    let amount = decimal
        || next.starts_with(['€', '$', '£', '%'])
        || next.starts_with("EUR")
        || next.starts_with("USD");
    let version = token.starts_with(['V', 'v']) && token.len() <= 3;
    !(is_year || is_date || amount || version)
}

/// Quote / offer references that look like a company's document numbers: "DEV-2026-014", "Q-10231", "OF/2025/118", "ANG-4471", "D2025-118", "QT-2025-0042", "OFF-2026-07", "Angebot Nr. 2026-0117", "devis n° 2025-118". Returned normalized (uppercased, inner spaces removed), deduplicated, in order. Must NOT return plain dates, phone numbers, postcodes, amounts, times, SIRET/VAT numbers, PO numbers ("PO 4500012345" — see po_numbers), or version marks ("v2", "rev. A").
pub fn find_quote_refs(text: &str) -> Vec<String> {
    let text = text.replace('_', " ");
    let mut found: Vec<(usize, String)> = Vec::new();
    for c in PREFIXED_REF_RE.captures_iter(&text) {
        if prefixed_ok(&c)
            && let Some(m) = c.get(0)
        {
            found.push((m.start(), normalize_ref(m.as_str())));
        }
    }
    for c in KEYWORD_REF_RE.captures_iter(&text) {
        let Some(t) = c.name("t") else { continue };
        if keyword_token_ok(&text, t.as_str(), t.end()) {
            let inside = found
                .iter()
                .any(|(o, r)| *o <= t.start() && t.start() < o + r.len());
            if !inside {
                found.push((t.start(), normalize_ref(t.as_str())));
            }
        }
    }
    found.sort_by_key(|(o, _)| *o);
    let mut out: Vec<String> = Vec::new();
    for (_, r) in found {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

static PO_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?-u:\b)P\.?O\.?|(?i:(?-u:\b)purchase\s+order|(?-u:\b)bons?\s+de\s+commande|(?-u:\b)bestellnummer|(?-u:\b)bestell-?nr\.?|(?-u:\b)bestellung|(?-u:\b)order|(?-u:\b)commande|(?-u:\b)num[ée]ro\s+de\s+commande|(?-u:\b)ordine|(?-u:\b)pedido|(?-u:\b)auftragsnummer))(?i:\s*(?:n[°º]|no\.?|nr\.?|number|num(?:[ée]ro)?\.?|#|ref\.?))?\s*[:#.]?\s*(?P<t>[A-Z0-9]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*)",
    )
});

/// Purchase-order numbers: "PO 4500012345", "PO#: 88123", "bon de commande n° 2025-0412", "Bestellnummer 4711", "order no. 55812".
pub fn po_numbers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in PO_RE.captures_iter(text) {
        let Some(t) = c.name("t") else { continue };
        let token = t.as_str();
        let digits = token.chars().filter(char::is_ascii_digit).count();
        let next = slice(text, t.end(), t.end() + 5).trim_start();
        let amount = next.starts_with(['€', '$', '£', '%']) || next.starts_with("EUR");
        if digits < 3 || amount || !c.get(0).is_some_and(|m| has_po_marker(m.as_str())) {
            continue;
        }
        let norm = normalize_ref(token);
        if !out.contains(&norm) {
            out.push(norm);
        }
    }
    out
}

/// Generic words ("order", "commande") need a number marker; PO and explicit names do not.
fn has_po_marker(m: &str) -> bool {
    let lower = m.to_lowercase();
    let generic = ["order", "commande", "ordine", "pedido", "bestellung"];
    let starts_generic = generic.iter().any(|g| lower.starts_with(g));
    if !starts_generic {
        return true;
    }
    ["n°", "nº", "no", "nr", "number", "num", "#", "ref", ":"]
        .iter()
        .any(|k| lower.contains(k))
}

// ---------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------

/// Lowercase ASCII fold of common Latin accents.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ß' => 's',
            other => other,
        })
        .collect()
}

const ATTACHMENT_WORDS: [&str; 18] = [
    "devis",
    "quote",
    "quotation",
    "offer",
    "offre",
    "angebot",
    "proposition",
    "proposal",
    "propuesta",
    "presupuesto",
    "preventivo",
    "offerta",
    "cotizacion",
    "kostenvoranschlag",
    "estimate",
    "offerte",
    "cotation",
    "chiffrage",
];

/// Whether an attachment file name looks like a quote/offer document: devis, quote, quotation, offer, offre, angebot, proposition, proposal, propuesta, presupuesto, preventivo, offerta, cotización, kostenvoranschlag, or a quote reference (see find_quote_refs), case/accent-insensitive, separators _ - . space. "Facture_123.pdf", "Invoice", "CGV.pdf", "logo.png", "image001.jpg" → false.
pub fn is_quote_attachment(name: &str) -> bool {
    let folded = fold(name);
    let word_hit = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            ATTACHMENT_WORDS.iter().any(|k| {
                w.strip_prefix(k).is_some_and(|rest| {
                    rest.is_empty() || rest == "s" || rest.chars().all(|c| c.is_ascii_digit())
                })
            })
        });
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    word_hit || !find_quote_refs(&stem.replace(['.'], " ")).is_empty()
}

// ---------------------------------------------------------------------------
// Sentences that present or ask for a quote
// ---------------------------------------------------------------------------

/// Whether `s` ends with an abbreviation that a period does not end a sentence after
/// ("M.", "Nr.", "n°", "rev.", "excl.", initials).
fn ends_with_abbrev(s: &str) -> bool {
    let original: Vec<char> = s
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .take(8)
        .collect();
    if original.len() == 1 && original.iter().all(|c| c.is_uppercase()) {
        return true;
    }
    let word: String = original
        .iter()
        .rev()
        .flat_map(|c| c.to_lowercase())
        .collect();
    const ABBREVS: [&str; 24] = [
        "m", "mm", "mme", "mlle", "dr", "nr", "no", "rev", "réf", "ref", "excl", "incl", "env",
        "ca", "approx", "tel", "tél", "art", "st", "hr", "fr", "vs", "etc", "zzgl",
    ];
    ABBREVS.contains(&word.as_str())
}

/// Byte range of the sentence around `start..end` (bounded to 300 bytes each side).
fn sentence_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let lo = text.floor_char_boundary(start.saturating_sub(300));
    let before = slice(text, lo, start);
    let mut from = lo;
    let mut prev: Option<char> = None;
    for (i, ch) in before.char_indices().rev() {
        let stop = match ch {
            '.' => !ends_with_abbrev(slice(before, 0, i)),
            '!' | '?' => true,
            _ => false,
        };
        let boundary =
            stop && prev.is_some_and(char::is_whitespace) || (ch == '\n' && prev == Some('\n'));
        if boundary {
            from = lo + i + ch.len_utf8();
            break;
        }
        prev = Some(ch);
    }
    let after = slice(text, end, end + 300);
    let mut to = end + after.len();
    let mut chars = after.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        let next = chars.peek().map(|(_, c)| *c);
        let stop = match ch {
            '.' => !ends_with_abbrev(slice(text, from, end + i)),
            '!' | '?' | ':' => true,
            _ => false,
        };
        if stop && next.is_none_or(char::is_whitespace) {
            to = end + i + ch.len_utf8();
            break;
        }
        if ch == '\n' && next == Some('\n') {
            to = end + i;
            break;
        }
    }
    (from, to)
}

/// The sentence around a match, whitespace collapsed.
fn sentence_at(text: &str, start: usize, end: usize) -> String {
    let (from, to) = sentence_bounds(text, start, end);
    slice(text, from, to)
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '>'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// First match of `pattern` on an unquoted line whose sentence passes `keep`.
/// The pattern runs over an ASCII-lowercased copy (same byte offsets), so it
/// needs no case-insensitive flag, which keeps the automaton small and fast.
/// Word stems that every phrasing of [`ASKS_RE`] and [`PRESENTS_RE`] contains (a quote noun, a
/// price word, or a request word). Text without any of them cannot match either pattern, and
/// most mail has none: this literal search is far cheaper than the patterns themselves.
static QUOTE_STEMS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"devis|offr|offer|ofert|propos|chiffr|cotation|estimat|quot|pric|prix|tarif|bid|costing|tender|suggest|fee|angebot|kostenvoranschlag|anfrage|presupuesto|cotiz|preventivo|richiesta|solicitud",
    )
});

fn first_sentence(
    text: &str,
    pattern: &Regex,
    keep: impl Fn(&str, &str) -> bool,
) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if !QUOTE_STEMS.is_match(&lower) {
        return None;
    }
    for m in pattern.find_iter(&lower) {
        if is_quoted_line(text, m.start()) {
            continue;
        }
        let sentence = sentence_at(text, m.start(), m.end());
        let (from, _) = sentence_bounds(text, m.start(), m.end());
        let lead = slice(text, from, m.start());
        if keep(&sentence, lead) {
            return Some(sentence);
        }
    }
    None
}

const QUOTE_NOUN_FR: &str = r"(?:devis|offre|proposition|chiffrage|cotation|estimation)";
const QUOTE_NOUN_EN: &str = r"(?:quote|quotation|proposal|offer|estimate|pricing|bid|tender)";

static PRESENTS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let fr = QUOTE_NOUN_FR;
    let en = QUOTE_NOUN_EN;
    let w = r"(?:\S+\s+){0,4}?";
    re(&format!(
        r"(?:(?:veuillez|vous)\s+(?:trouver(?:ez)?|recevrez)\s+(?:ci-?\s?joint[es]*|en\s+pi[èe]ce\s+jointe|ci-dessous)\s+{w}{fr}|je\s+vous\s+prie\s+de\s+trouver\s+{w}{fr}|(?:je|nous)\s+vous\s+(?:adresse|adressons|transmets|transmettons|envoie|envoyons|fais\s+parvenir|faisons\s+parvenir|joins|joignons|soumets|soumettons|propose\s+ci-joint)\s+{w}{fr}|avons\s+le\s+plaisir\s+de\s+vous\s+(?:adresser|transmettre|soumettre|faire\s+parvenir|remettre)\s+{w}{fr}|(?-u:\b)voici\s+(?:notre|le|la|mon|ma|nos)\s+(?:nouve(?:au|lle)\s+)?{fr}|(?-u:\b)ci-?\s?joint[es]*\s+(?:notre|le|la|nos|mon|ma)\s+{fr}|{fr}\s+(?:r[ée]vis[ée]e?|modifi[ée]e?|mise?\s+à\s+jour|actualis[ée]e?|corrig[ée]e?)|(?:notre|le|la)\s+{fr}\s+(?:\S+\s+){{0,3}}(?:en\s+pi[èe]ce\s+jointe|ci-?\s?jointe?)|voici\s+ce\s+que\s+(?:je|nous)\s+vous\s+propos(?:e|ons)|here(?:'s|\s+is)\s+what\s+(?:we|i)\s+(?:can\s+)?(?:propose|offer|suggest)|{en}\s+(?:\S+\s+){{0,12}}?(?:has|have)\s+been\s+(?:uploaded|submitted)|{fr}\s+(?:\S+\s+){{0,8}}?a\s+été\s+(?:déposée?|transmise?|envoyée?)|(?:notre|mon)\s+prix\s+(?:pour\s+[^.]{{1,80}}\s+)?(?:est|s'[ée]l[èe]ve)|please\s+find\s+(?:attached|enclosed|below)\s+{w}{en}|(?:attached|enclosed)\s+(?:is|are|please\s+find)\s+{w}{en}|(?:i|we)(?:'ve|\s+have)?\s+attached\s+{w}{en}|(?:i|we)(?:'m|\s+am|'re|\s+are)\s+(?:attaching|enclosing|sending\s+you)\s+{w}{en}|here\s+is\s+(?:our|the|my)\s+(?:\S+\s+)?{en}|here's\s+(?:our|the|my)\s+(?:\S+\s+)?{en}|we\s+are\s+pleased\s+to\s+(?:submit|send|enclose|present)\s+{w}{en}|(?:our|the)\s+{en}\s+(?:\S+\s+){{0,6}}(?:is|are)\s+attached|(?:revised|updated|amended|new)\s+{en}\s+(?:\S+\s+){{0,4}}?(?:attached|enclosed|below|for|is)|{en}\s+(?:\S+\s+){{0,3}}attached|our\s+(?:price|pricing|fee)\s+(?:for\s+[^.]{{1,80}}\s+)?(?:is|would\s+be|comes\s+to)|anbei\s+{w}(?:angebot|kostenvoranschlag)|(?:im\s+anhang|in\s+der\s+anlage|als\s+anlage)\s+{w}(?:angebot|kostenvoranschlag)|wie\s+besprochen\s+{w}(?:unser|das)\s+(?:\S+\s+)?angebot|hiermit\s+(?:erhalten\s+sie|unterbreiten\s+wir\s+ihnen|übersenden\s+wir\s+ihnen|senden\s+wir\s+ihnen)\s+{w}angebot|(?:[üÜ]berarbeitete|aktualisierte|korrigierte|neue)[sn]?\s+angebot|adjunt(?:o|a|amos)\s+{w}(?:presupuesto|oferta|cotizaci[oó]n|propuesta)|(?:le|les)\s+(?:enviamos|env[ií]o|remitimos)\s+{w}(?:presupuesto|oferta|cotizaci[oó]n|propuesta)|presupuesto\s+(?:revisado|actualizado)|in\s+allegato\s+{w}(?:preventivo|offerta|proposta|quotazione)|(?:vi|le)\s+(?:invio|inviamo|trasmetto|trasmettiamo|allego|alleghiamo)\s+{w}(?:preventivo|offerta|proposta|quotazione)|(?:preventivo|offerta)\s+(?:aggiornat|revisionat)[oa])"
    ))
});

static PRESENTS_VETO_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)sign[ée]|(?-u:\b)(?:signed|unterschrieben|gegengezeichnet|firmad[oa]|firmat[oa]|purchase\s+order|bon\s+de\s+commande|facture|invoice|rechnung)(?-u:\b)|(?-i:(?-u:\b)PO(?-u:\b))|(?-u:\b)(?:d'ici|dès\s+que|demain|la\s+semaine\s+prochaine|dans\s+les\s+prochains\s+jours|tomorrow|next\s+week|in\s+the\s+coming\s+days|morgen|nächste\s+woche|in\s+den\s+nächsten\s+tagen|mañana|domani)(?-u:\b)|(?-u:\b)(?:thanks?|thank\s+you|merci|danke|grazie|gracias)\s+(?:for|pour|für|per|por)\s+(?:\S+\s+){0,2}(?:quote|quotation|proposal|offer|devis|offre|proposition|angebot|preventivo|offerta|presupuesto)|(?-u:\b)(?:enverrai|enverrons|transmettrai|transmettrons|adresserai|adresserons|ferai\s+parvenir|ferons\s+parvenir|will\s+send|'ll\s+send|will\s+get\s+you|werde|werden|schicke\s+ich\s+ihnen\s+dann|enviar[ée]|enviaremos|mandar[ée]|invier[òo]|invieremo|manderò)(?-u:\b)",
    )
});

/// Whether the (new) text of an outbound message presents a quote/offer to the reader: "veuillez trouver ci-joint notre devis", "je vous adresse notre proposition", "voici notre offre", "please find attached our quote/quotation/proposal", "our price for ... is", "here is our quote", "anbei erhalten Sie unser Angebot", "wie besprochen unser Angebot", "le devis révisé", "revised quote", "adjunto nuestro presupuesto", "in allegato il nostro preventivo". Returns the sentence that shows it.
pub fn presents_quote(text: &str) -> Option<String> {
    first_sentence(text, &PRESENTS_RE, |sentence, _| {
        !PRESENTS_VETO_RE.is_match(sentence)
    })
}

static ASKS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let fr = r"(?:devis|offre|proposition|chiffrage|cotation|estimation|prix|tarifs?)";
    let en = r"(?:quote|quotation|pricing|prices?|proposal|estimate|offer|bid|costing)";
    let de = r"(?:angebot|kostenvoranschlag|preisangebot)";
    let es = r"(?:presupuesto|cotizaci[oó]n|oferta)";
    let it = r"(?:preventivo|offerta|quotazione)";
    let w = r"(?:\S+\s+){0,6}?";
    re(&format!(
        r"(?:(?:pourriez|pouvez|pourrais|pourrez|voudriez)[- ]vous\s+{w}(?:faire|[ée]tablir|envoyer|transmettre|adresser|parvenir|chiffrer|communiquer|proposer|remettre)\s+{w}{fr}|(?:serait-il|est-il)\s+possible\s+(?:de\s+)?{w}{fr}|(?:merci|je\s+vous\s+remercie|nous\s+vous\s+remercions)\s+(?:de|d')\s+{w}(?:faire|[ée]tablir|envoyer|transmettre|adresser|parvenir|communiquer|remettre)\s+{w}{fr}|(?:nous|je)\s+(?:souhaiterions|souhaitons|souhaiterais|souhaite|voudrions|voudrais|aimerions|aimerais)\s+(?:recevoir\s+|obtenir\s+|avoir\s+)?(?:un|une|votre|vos)\s+(?:\S+\s+)?{fr}|(?-u:\b)demande\s+de\s+(?:devis|prix|chiffrage|cotation|proposition)|besoin\s+d'un(?:e)?\s+(?:\S+\s+)?{fr}|(?:could|can|would)\s+you\s+(?:please\s+|kindly\s+)?(?:send|give|provide|prepare|put\s+together|share|email|let\s+(?:us|me)\s+have|submit|get)\s+{w}{en}|(?:could|can|would)\s+you\s+(?:please\s+)?(?:quote|price)\s+(?:for|on|us|me|up|the)(?-u:\b)|please\s+(?:send|provide|quote|submit|let\s+(?:us|me)\s+have|give|prepare)\s+{w}{en}|(?:we'd|we\s+would|i'd|i\s+would)\s+(?:like|appreciate|love)\s+(?:to\s+(?:get|receive|have|request|see)\s+)?(?:a|an|your|some)\s+(?:\S+\s+)?{en}|(?:we|i)(?:'re|\s+are|'m|\s+am)\s+looking\s+for\s+(?:a|an|some)\s+(?:\S+\s+)?{en}|request\s+for\s+(?:quotation|quote|proposal|pricing|tender)|(?:bitte|bitten|ersuchen)\s+(?:sie\s+)?um\s+{w}{de}|um\s+(?:ein|ihr|eine)\s+(?:\S+\s+){{0,2}}{de}\s+(?:bitten|gebeten|ersuchen)|(?:können|könnten|würden)\s+sie\s+(?:uns|mir)\s+{w}{de}|(?:wir|ich)\s+(?:bitten|bitte)\s+(?:sie\s+)?um\s+{w}{de}|(?:wir|ich)\s+(?:hätten|hätte|benötigen|brauchen)\s+(?:gerne\s+)?(?:ein|ihr)\s+(?:\S+\s+)?{de}|(?:angebots|preis)anfrage|bitte\s+(?:senden|schicken|erstellen)\s+sie\s+{w}{de}|(?:podr[ií]a[ns]?|pueden?|puede)\s+(?:\S+\s+){{0,2}}(?:enviar|mandar|hacer|preparar|facilitar)(?:nos|me)?\s+{w}{es}|(?:quisi[ée]ramos|quisiera|necesitamos|necesito|solicitamos|solicito|agradecer[ií]amos|le\s+agradecer[ií]a)\s+{w}{es}|solicitud\s+de\s+(?:presupuesto|cotizaci[oó]n|oferta)|(?:potreste|potrebbe|potete|può|vorremmo|vorrei|chiediamo|richiediamo|gradiremmo)\s+{w}{it}|richiesta\s+(?:di\s+)?(?:preventivo|offerta|quotazione))"
    ))
});

static ASKS_VETO_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:gratuit[es]?|free|gratis|kostenlos|gratuito|sans\s+engagement|no\s+obligation|unverbindlich\s+und\s+kostenlos|en\s+24\s*h|within\s+24\s*h|en\s+ligne|online|cliquez|click|unsubscribe|d[ée]sabonner)(?-u:\b)|(?-u:\b)your\s+rf[qp](?-u:\b)|(?-u:\b)(?:ce|cet|cette|this|that|diese[ns]?|questo|este)\s+(?:devis|offre|proposition|quote|quotation|proposal|angebot|preventivo|presupuesto)(?-u:\b)|(?-u:\b)votre\s+demande\s+de(?-u:\b)|(?-u:\b)(?:don't|do\s+not|doesn't|does\s+not|didn't|no\s+longer|won't|no\s+need|not\s+need|n'avons\s+(?:pas|plus)|n'ai\s+(?:pas|plus)|pas\s+besoin|plus\s+besoin|n'est\s+pas\s+n[ée]cessaire|brauchen\s+kein|benötigen\s+kein|kein\s+angebot|nicht\s+mehr|no\s+necesitamos|non\s+abbiamo\s+bisogno|non\s+serve)(?-u:\b)|(?-u:\b)(?:thanks?|thank\s+you|merci|danke|grazie|gracias)\s+(?:for|pour|für|per|por)\s+(?:\S+\s+){0,2}(?:quote|quotation|proposal|offer|devis|offre|proposition|angebot|preventivo|offerta|presupuesto)(?-u:\b)",
    )
});

static HYPOTHETICAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?-u:\b)(?:if|si|falls|wenn|in\s+case|au\s+cas\s+o[uù]|when|lorsque|quand|should)\s+(?:we|i|nous|on|je|wir|ich)(?-u:\b)",
    )
});

/// Whether the (new) text of an inbound message asks us for a quote / prices: "pourriez-vous nous faire un devis", "pouvez-vous nous faire une offre", "merci de nous faire parvenir une proposition", "nous souhaiterions un chiffrage", "demande de devis", "could you send us pricing", "can you quote for", "please send us a quote", "we'd like a proposal for", "request for quotation", "bitte um ein Angebot", "können Sie uns ein Angebot machen", "wir bitten um Ihr Angebot", "nos podrían enviar un presupuesto", "potreste inviarci un preventivo". Returns the sentence. Must NOT fire on marketing ("devis gratuit en 24h !", "get a free quote"), on a supplier's offer TO us, on "thanks for your quote", or on someone asking for OUR RFQ to them? (the caller decides direction; you detect wording only), and not on negated/hypothetical uses ("we don't need a quote").
pub fn asks_for_quote(text: &str) -> Option<String> {
    first_sentence(text, &ASKS_RE, |sentence, lead| {
        !ASKS_VETO_RE.is_match(sentence) && !HYPOTHETICAL_RE.is_match(lead)
    })
}

#[cfg(test)]
#[path = "quote_tests.rs"]
mod tests;
