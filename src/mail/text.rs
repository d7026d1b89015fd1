//! Plain-text helpers for mail bodies.
//!
//! dealwatch only wants to reason about what a correspondent actually wrote in a
//! given message: quoted history, signatures, legal footers and forwarded copies
//! would otherwise make old facts ("annulé", a competitor's price, ...) look new.
//! This module turns HTML into text, strips control characters, normalises
//! subjects for thread matching, separates new text from history/forwards, and
//! splits text into sentences for evidence quoting. Every function is total
//! (never panics) and works in (near) linear time on arbitrary input.

use regex::Regex;
use std::sync::LazyLock;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex must compile")
}

/// Declares lazily compiled, case-insensitive static regexes (compiled once per process).
macro_rules! regexes {
    ($($(#[$doc:meta])* $name:ident = $pattern:literal;)*) => {
        $($(#[$doc])* static $name: LazyLock<Regex> = LazyLock::new(|| re($pattern));)*
    };
}

regexes! {
    /// Reply/forward prefix or external-sender tag at the start of a subject.
    SUBJECT_PREFIX = r"(?i)^\s*(?:\[(?:external|ext|extern|externe|externo|externa)\]\s*:?\s*|(?:re|ré|réf|ref|rép|rep|réponse|reponse|res|tr|fwd|fw|wg|aw|sv|vs|vb|vl|rv|r|rif|i|antw|antwort|odp|ynt|enc|doorst)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]\s*|r[ée]f\.\s+)";
    /// Subject whose outermost prefix marks a forward.
    FORWARD_PREFIX = r"(?i)^\s*(?:\[[^\]]{0,20}\]\s*)?(?:tr|fwd|fw|wg|rv|i|enc|doorst|vb|vl)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]";
    /// Explicit forward separators (Gmail, Thunderbird, Apple Mail, ...).
    FORWARD_SEP = r"(?i)^(?:-{2,}\s*(?:forwarded message|message transféré|message transfere|weitergeleitete nachricht|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|mensagem encaminhada)\s*-{2,}|(?:begin forwarded message|début du message réexpédié|debut du message reexpedie|anfang der weitergeleiteten nachricht|inizio messaggio inoltrato|comienzo del mensaje reenviado)\s*:)$";
    /// "-----Original Message-----" style separators (Outlook, Android): reply or forward.
    ORIGINAL_SEP = r"(?i)^-{2,}\s*(?:original message|message d'origine|message d’origine|ursprüngliche nachricht|originalnachricht|mensaje original|messaggio originale|oorspronkelijk bericht|mensagem original)\s*-{2,}$";
    /// First line of an Outlook-style header block.
    FROM_LINE = r"(?i)^\*{0,2}(?:from|de|von|da|van|fra|från)\*{0,2}\s*:\s*\S";
    /// The subject line of such a block.
    SUBJECT_LINE = r"(?i)^\*{0,2}(?:subject|objet|sujet|betreff|oggetto|asunto|onderwerp|assunto)\*{0,2}\s*:";
    /// Other header lines of such a block.
    HEADER_LINE = r"(?i)^\*{0,2}(?:sent|envoyé|gesendet|inviato|enviado(?: el)?|verzonden|date|datum|data|fecha|to|à|a|an|aan|para|cc|cci|bcc|subject|objet|sujet|pour|copie à|betreff|oggetto|asunto|onderwerp|assunto|reply-to|répondre à)\*{0,2}\s*:";
    /// Attribution line with a date: "Le ... a écrit :", "On ... wrote:", "Am ... schrieb ...:".
    ATTRIB_INTRO = r"(?i)^(?:le|on|am|el|il|op|em|den)\s.{0,300}\d.{0,300}\b(?:a\s+écrit|wrote|schrieb|escribió|ha\s+scritto|schreef|escreveu|skrev)\b[^:]{0,200}:$";
    /// Attribution without date ("John wrote:"), only trusted right above quoted lines.
    ATTRIB_BARE = r"(?i)^.{1,200}\b(?:a\s+écrit|wrote|schrieb|escribió|ha\s+scritto|schreef|escreveu|skrev)\s*:$";
    /// Mobile client footers.
    MOBILE_FOOTER = r"(?i)^(?:sent from my|sent from outlook|sent from mail for|envoyé de mon|envoyé depuis mon|envoyé à partir de|von meinem .{1,40} gesendet|gesendet von meinem|enviado desde mi|inviato da|get outlook for|obtenir outlook pour|télécharger outlook pour|outlook für (?:ios|android) herunterladen)\b.{0,60}$";
    /// Confidentiality footer starting a line.
    LEGAL_FOOTER = r"(?i)^(?:ce (?:message|courriel|mail|e-mail|email)\b.{0,80}\b(?:confidenti|destiné|strictement)|this (?:e-?mail|message|communication)\b.{0,80}\b(?:confidential|privileged|intended)|diese (?:e-?mail|nachricht)\b.{0,80}\b(?:vertraulich|rechtlich geschützt)|(?:este|el presente) (?:mensaje|correo)\b.{0,80}\bconfidencial|(?:questo messaggio|le informazioni contenute)\b.{0,80}\b(?:riservat|confidenzial)|if you are not the intended recipient|si vous n'êtes pas (?:le )?destinataire|disclaimer\s*:|avertissement\s*:)";
    /// Confidentiality sentence anywhere in a line (after a company name).
    LEGAL_INLINE = r"(?i)\b(?:this (?:e-?mail|message)(?: and any attachments?)? (?:is|are|may be|may contain)\b.{0,30}\b(?:confidential|privileged)|ce (?:message|courriel|mail) (?:est|peut être|et ses pièces jointes sont) (?:strictement )?confidentiel|diese (?:e-?mail|nachricht) (?:ist|enthält) vertraulich)";
    /// Closing formulas that usually precede the signature block.
    CLOSING = r"(?i)^(?:bien cordialement|très cordialement|cordialement|bien à vous|bien à toi|salutations(?: distinguées)?|sincères salutations|meilleures salutations|bonne journée|bonne soirée|bonne fin de journée|à bientôt|a bientôt|amicalement|merci d'avance|merci par avance|merci beaucoup|merci|best regards|kind regards|warm regards|regards|best wishes|best|many thanks|thanks in advance|thanks again|thanks|thank you|cheers|sincerely|yours sincerely|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|schöne grüße|grüße|vielen dank|danke|mfg|saludos cordiales|un saludo|saludos|atentamente|gracias|cordiali saluti|distinti saluti|saluti|grazie|met vriendelijke groet(?:en)?|cdlt|bàv|slts|lg|vg)\b";
    /// French formal closing sentence ("Je vous prie d'agréer ...").
    FORMAL_CLOSING = r"(?i)^(?:je vous prie|nous vous prions|veuillez|recevez|agréez)\b.{0,120}\b(?:salutations|sentiments|considération|respectueuses)\b.{0,40}$";
    /// Words typical of signature/legal lines, whatever their length.
    SIG_MARKERS = r"(?i)confidenti|vertraulich|riservat|privileg|intended recipient|destinataire|registered|\bRCS\b|SIRE[NT]|capital|\bHR[AB]\b|geschäftsführ|gericht|\bUSt|\bTVA\b|\bVAT\b|\bSitz\b|disclaimer|unsubscribe|désinscri";
    /// Words by which a forwarder introduces forwarded content.
    FORWARD_CUE = r"(?i)\b(?:transf[eéè]r\w*|forward\w*|fwd|fyi|pour info\w*|pour toi|pour vous|weitergeleitet|weiterleit\w*|zur info\w*|reenv\w*|inoltr\w*|doorgestuurd)\b";
}

/// Removes control characters (C0, C1, DEL, bidi overrides) except '\n' and '\t'; normalises CR/CRLF to '\n'.
pub fn strip_controls(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Clean runs are copied whole; only what is dropped or rewritten is looked at closely.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
            i += 1;
            continue;
        }
        if b >= 0x80 {
            let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            let len = c.len_utf8();
            if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') || c.is_control() {
                out.push_str(&s[start..i]);
                start = i + len;
            }
            i += len;
            continue;
        }
        out.push_str(&s[start..i]);
        if b == b'\r' {
            out.push('\n');
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        }
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out
}

// ───────────────────────────── HTML ─────────────────────────────

/// Accumulates rendered lines, remembering the blockquote depth of each line.
#[derive(Default)]
struct HtmlOut {
    lines: Vec<(usize, String)>,
    cur: String,
    cur_depth: usize,
    depth: usize,
    pre: usize,
    space: bool,
}

impl HtmlOut {
    fn push_text(&mut self, s: &str) {
        for c in s.chars() {
            if self.pre > 0 && c == '\n' {
                self.hard_break();
            } else if self.pre == 0 && c.is_whitespace() && c != '\u{a0}' {
                self.space = !self.cur.is_empty();
            } else {
                if self.cur.is_empty() {
                    self.cur_depth = self.depth;
                } else if self.space {
                    self.cur.push(' ');
                }
                self.space = false;
                self.cur.push(c);
            }
        }
    }

    fn hard_break(&mut self) {
        let depth = if self.cur.is_empty() {
            self.depth
        } else {
            self.cur_depth
        };
        let line = std::mem::take(&mut self.cur).replace('\u{a0}', " ");
        self.lines.push((depth, line.trim().to_string()));
        self.space = false;
    }

    fn soft_break(&mut self) {
        if !self.cur.is_empty() {
            self.hard_break();
        }
    }

    fn finish(mut self) -> String {
        self.soft_break();
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len());
        let mut prev_blank = true;
        for (depth, line) in self.lines {
            let blank = line.is_empty();
            if blank && prev_blank {
                continue;
            }
            prev_blank = blank;
            let prefix = "> ".repeat(depth);
            out.push(format!("{prefix}{line}").trim_end().to_string());
        }
        while out
            .last()
            .is_some_and(|l| l.trim_start_matches(['>', ' ']).is_empty())
        {
            out.pop();
        }
        strip_controls(&out.join("\n"))
    }

    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "br" => self.hard_break(),
            "blockquote" => {
                self.soft_break();
                self.depth = if closing {
                    self.depth.saturating_sub(1)
                } else {
                    self.depth + 1
                };
            }
            "pre" => {
                self.soft_break();
                self.pre = if closing {
                    self.pre.saturating_sub(1)
                } else {
                    self.pre + 1
                };
            }
            "li" if !closing => {
                self.soft_break();
                self.push_text("- ");
            }
            "td" | "th" if !closing && !self.cur.is_empty() => {
                self.cur.push('\t');
                self.space = false;
            }
            "p" | "div" | "tr" | "li" | "table" | "ul" | "ol" | "hr" | "dl" | "dt" | "dd"
            | "section" | "article" | "header" | "footer" | "center" | "address" | "h1" | "h2"
            | "h3" | "h4" | "h5" | "h6" => self.soft_break(),
            _ => {}
        }
    }
}

/// Named entities we decode; anything else is kept literally.
#[rustfmt::skip]
const ENTITIES: &[(&str, &str)] = &[
    ("nbsp", "\u{a0}"), ("amp", "&"), ("lt", "<"), ("gt", ">"), ("quot", "\""), ("apos", "'"),
    ("eacute", "é"), ("egrave", "è"), ("ecirc", "ê"), ("euml", "ë"), ("agrave", "à"),
    ("aacute", "á"), ("acirc", "â"), ("auml", "ä"), ("ccedil", "ç"), ("icirc", "î"),
    ("iuml", "ï"), ("iacute", "í"), ("ocirc", "ô"), ("ouml", "ö"), ("oacute", "ó"),
    ("ograve", "ò"), ("ucirc", "û"), ("ugrave", "ù"), ("uuml", "ü"), ("uacute", "ú"),
    ("ntilde", "ñ"), ("szlig", "ß"), ("oelig", "œ"), ("aelig", "æ"), ("Eacute", "É"),
    ("Egrave", "È"), ("Ecirc", "Ê"), ("Agrave", "À"), ("Acirc", "Â"), ("Ccedil", "Ç"),
    ("Auml", "Ä"), ("Ouml", "Ö"), ("Uuml", "Ü"), ("Ntilde", "Ñ"), ("OElig", "Œ"), ("euro", "€"),
    ("pound", "£"), ("yen", "¥"), ("copy", "©"), ("reg", "®"), ("trade", "™"), ("hellip", "…"),
    ("ndash", "–"), ("mdash", "—"), ("lsquo", "‘"), ("rsquo", "’"), ("ldquo", "“"),
    ("rdquo", "”"), ("laquo", "«"), ("raquo", "»"), ("bull", "•"), ("middot", "·"), ("deg", "°"),
    ("times", "×"), ("divide", "÷"), ("sup2", "²"), ("sup3", "³"), ("frac12", "½"), ("sect", "§"),
    ("ordm", "º"), ("ordf", "ª"), ("iexcl", "¡"), ("iquest", "¿"), ("shy", ""), ("zwnj", ""),
    ("zwj", ""), ("thinsp", " "), ("ensp", " "), ("emsp", " "), ("ne", "≠"), ("le", "≤"),
    ("ge", "≥"),
];

/// Decodes the entity at the start of `s` (which begins with '&'); returns text and bytes used.
fn decode_entity(s: &str) -> (String, usize) {
    let literal = ("&".to_string(), 1);
    let Some(semi) = s
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)
    else {
        return literal;
    };
    let name = &s[1..semi];
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        let Some(code) = code else { return literal };
        return (numeric_char(code), semi + 1);
    }
    match ENTITIES.iter().find(|(n, _)| *n == name) {
        Some((_, v)) => (v.to_string(), semi + 1),
        None => literal,
    }
}

/// Maps a numeric character reference, fixing the common windows-1252 misuse of 128-159.
fn numeric_char(code: u32) -> String {
    const CP1252: &[(u32, char)] = &[
        (0x80, '€'),
        (0x85, '…'),
        (0x91, '‘'),
        (0x92, '’'),
        (0x93, '“'),
        (0x94, '”'),
        (0x96, '–'),
        (0x97, '—'),
    ];
    if let Some(&(_, c)) = CP1252.iter().find(|(k, _)| *k == code) {
        return c.to_string();
    }
    let mapped = match char::from_u32(code) {
        Some(c) if !c.is_control() || c == '\n' || c == '\t' => c,
        _ => return String::new(),
    };
    mapped.to_string()
}

/// Scanner state: remembers failed searches so broken HTML stays linear.
struct HtmlScan<'a> {
    html: &'a str,
    lower: String,
    no_gt: bool,
    no_head_end: bool,
}

impl HtmlScan<'_> {
    /// Handles markup starting at byte `i` (a '<'); returns the next byte position.
    fn markup(&mut self, i: usize, out: &mut HtmlOut) -> usize {
        let rest = &self.html[i..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            return comment
                .find("-->")
                .map_or(self.html.len(), |p| i + 4 + p + 3);
        }
        let after = rest[1..].trim_start_matches('/');
        let tag_like = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '!' || c == '?');
        let end = if tag_like && !self.no_gt {
            rest.find('>')
        } else {
            None
        };
        let Some(end) = end else {
            self.no_gt |= tag_like;
            out.push_text("<");
            return i + 1;
        };
        let inner = &rest[1..end];
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let next = i + end + 1;
        if !closing && matches!(name.as_str(), "script" | "style" | "head" | "title") {
            return self.skip_element(&name, next);
        }
        out.tag(&name, closing);
        next
    }

    /// Skips to after `</name ...>`; unclosed head is ignored, other unclosed elements drop the rest.
    fn skip_element(&mut self, name: &str, from: usize) -> usize {
        if name == "head" && self.no_head_end {
            return from;
        }
        let close = format!("</{name}");
        match self.lower[from..].find(&close) {
            Some(p) => {
                let at = from + p;
                self.lower[at..]
                    .find('>')
                    .map_or(self.html.len(), |q| at + q + 1)
            }
            None if name == "head" => {
                self.no_head_end = true;
                from
            }
            None => self.html.len(),
        }
    }
}

/// Converts an HTML body to readable plain text (blockquotes become "> " lines).
pub fn html_to_text(html: &str) -> String {
    let mut scan = HtmlScan {
        html,
        lower: html.to_ascii_lowercase(),
        no_gt: false,
        no_head_end: false,
    };
    let mut out = HtmlOut::default();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let Some(k) = rest.find(['<', '&']) else {
            out.push_text(rest);
            break;
        };
        out.push_text(&rest[..k]);
        i += k;
        if html[i..].starts_with('&') {
            let (text, used) = decode_entity(&html[i..]);
            out.push_text(&text);
            i += used;
        } else {
            i = scan.markup(i, &mut out);
        }
    }
    out.finish()
}

// ───────────────────────────── Subjects ─────────────────────────────

/// Strips reply/forward prefixes and tags, collapses whitespace and lowercases a subject.
pub fn normalize_subject(subject: &str) -> String {
    let clean = strip_controls(subject).replace(['\u{a0}', '\u{202f}'], " ");
    let mut rest = clean.as_str();
    while let Some(m) = SUBJECT_PREFIX.find(rest) {
        if m.is_empty() {
            break;
        }
        rest = &rest[m.end()..];
    }
    rest.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

// ───────────────────────────── Quote splitting ─────────────────────────────

/// The parts of a message body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Segmented {
    /// What the sender wrote in this message (no quoted history, no signature).
    pub new_text: String,
    /// Text of a forwarded message included in this one, without its headers, history and signature.
    pub forwarded: Option<String>,
    /// The forwarded message's sender address (lowercased), from its header block.
    pub forwarded_from: Option<String>,
    /// The forwarded message's subject, from its header block.
    pub forwarded_subject: Option<String>,
    /// Whether any quoted history was found and removed.
    pub had_quote: bool,
}

/// Whether a line belongs to quoted history ("> ...", ">> ...", "> > ...").
fn is_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Lines spanned by an attribution line ("Le ... a écrit :") starting at `i`, possibly wrapped.
fn attribution_len(lines: &[&str], i: usize, bare_ok: bool) -> Option<usize> {
    // Attributions end with a colon: the window is only built and matched when its last line
    // ends with one, which keeps the regexes off nearly every line.
    let colon = |s: &str| s.trim_end().ends_with(':');
    let mut parts: Vec<&str> = Vec::with_capacity(3);
    for n in 1..=3 {
        let line = lines.get(i + n - 1)?.trim();
        if line.is_empty() || is_quote(line) || line.len() > 400 {
            return None;
        }
        if n > 1
            && (parts.last().is_some_and(|p| p.ends_with(['.', '!', '?']))
                || (colon(line) && ATTRIB_INTRO.is_match(line)))
        {
            return None;
        }
        parts.push(line);
        if colon(line) {
            let window = parts.join(" ").replace(['\u{a0}', '\u{202f}'], " ");
            if ATTRIB_INTRO.is_match(&window) || (bare_ok && ATTRIB_BARE.is_match(&window)) {
                return Some(n);
            }
        }
    }
    None
}

/// Whether the next non-blank line at or after `i` is a quote line.
fn quote_follows(lines: &[&str], i: usize) -> bool {
    lines
        .iter()
        .skip(i)
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_quote(l))
}

/// An Outlook-style header block ("From:" followed within 5 lines by Sent/To/Subject...).
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    line.len() < 1000
        && FROM_LINE.is_match(line)
        && lines
            .iter()
            .skip(i + 1)
            .take(5)
            .any(|l| HEADER_LINE.is_match(l.trim()))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Signature, mobile footer or legal footer: drop the rest.
    Cut,
    /// Explicit forward separator.
    Forward,
    /// Reply history (Outlook header block, "Original Message", attribution without quotes).
    Reply,
}

#[derive(Clone, Copy, Debug)]
struct Boundary {
    start: usize,
    content: usize,
    kind: Kind,
}

/// Classifies unquoted line `i` as the start of a boundary, if it is one.
fn boundary_at(lines: &[&str], i: usize) -> Option<Boundary> {
    let line = lines[i].trim();
    let at = |content, kind| {
        Some(Boundary {
            start: i,
            content,
            kind,
        })
    };
    if lines[i].trim_end() == "--" {
        return at(i + 1, Kind::Cut);
    }
    if FORWARD_SEP.is_match(line) {
        return at(i + 1, Kind::Forward);
    }
    if ORIGINAL_SEP.is_match(line) {
        return at(i + 1, Kind::Reply);
    }
    if line.len() >= 8 && line.chars().all(|c| c == '_' || c == '—' || c == '-') {
        let next = (i + 1..lines.len().min(i + 3)).find(|&j| !lines[j].trim().is_empty());
        return next
            .filter(|&j| is_header_block(lines, j))
            .and_then(|j| at(j, Kind::Reply));
    }
    if is_header_block(lines, i) {
        return at(i, Kind::Reply);
    }
    if let Some(n) = attribution_len(lines, i, false) {
        return (!quote_follows(lines, i + n)).then_some(Boundary {
            start: i,
            content: i + n,
            kind: Kind::Reply,
        });
    }
    if MOBILE_FOOTER.is_match(line) || LEGAL_FOOTER.is_match(line) || legal_inline(line) {
        return at(i + 1, Kind::Cut);
    }
    None
}

/// A confidentiality sentence inside a line; the substring test spares the regex on the lines
/// (nearly all) that cannot hold one.
fn legal_inline(line: &str) -> bool {
    (line.contains("onfidenti") || line.contains("rivileg") || line.contains("ertraulich"))
        && LEGAL_INLINE.is_match(line)
}

/// First boundary at or after `from`; with `history_only`, signature cuts are skipped.
fn find_boundary(lines: &[&str], from: usize, history_only: bool) -> Option<Boundary> {
    (from..lines.len())
        .filter(|&i| !is_quote(lines[i]))
        .filter_map(|i| boundary_at(lines, i))
        .find(|b| !history_only || b.kind != Kind::Cut)
}

/// Removes quote lines and the attribution lines introducing them; reports whether any were found.
fn drop_quotes<'a>(lines: &[&'a str]) -> (Vec<&'a str>, bool) {
    let mut kept = Vec::with_capacity(lines.len());
    let mut had = false;
    let mut i = 0;
    while i < lines.len() {
        if is_quote(lines[i]) {
            had = true;
            i += 1;
            continue;
        }
        if let Some(n) = attribution_len(lines, i, true).filter(|&n| quote_follows(lines, i + n)) {
            i += n;
            continue;
        }
        kept.push(lines[i]);
        i += 1;
    }
    (kept, had)
}

/// Whether a line after a closing formula looks like signature material (name, title, phone, legal).
fn is_signature_line(line: &str) -> bool {
    let line = line.trim();
    if SIG_MARKERS.is_match(line) || CLOSING.is_match(line) {
        return true;
    }
    let words = line.split_whitespace().count();
    let sentence = line.ends_with(['.', '!', '?', ':']) && words >= 3;
    line.chars().count() <= 100 && !sentence
}

/// Whether `line` is a closing formula, optionally followed by a short capitalised name.
fn is_closing(line: &str) -> bool {
    let line = line.trim();
    if FORMAL_CLOSING.is_match(line) {
        return true;
    }
    let Some(m) = CLOSING.find(line) else {
        return false;
    };
    let rest = line[m.end()..]
        .trim_start_matches([',', '.', '!', ' ', '\u{a0}'])
        .trim();
    let words: Vec<&str> = rest.split_whitespace().collect();
    words.len() <= 3
        && words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase()))
}

/// Cuts at the first closing formula followed only by a short signature block.
fn cut_signature(lines: &mut Vec<&str>) {
    let first_content = lines.iter().position(|l| !l.trim().is_empty());
    for c in 0..lines.len() {
        if first_content.is_none_or(|f| c <= f) || !is_closing(lines[c]) {
            continue;
        }
        let tail = lines[c + 1..].iter().filter(|l| !l.trim().is_empty());
        let mut count = 0;
        let mut ok = true;
        for l in tail {
            count += 1;
            if count > 15 || (count > 12 && !SIG_MARKERS.is_match(l)) || !is_signature_line(l) {
                ok = false;
                break;
            }
        }
        if ok {
            lines.truncate(c);
            return;
        }
    }
}

/// Joins lines, trimming line ends, collapsing blank runs and trimming blank edges.
fn join_clean(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_pending = false;
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        out.push_str(line);
    }
    out
}

/// A forwarded message read from the body: its text, and its sender and subject when its
/// header block names them.
struct Forward {
    text: String,
    from: Option<String>,
    subject: Option<String>,
}

/// The address of a header line's value: inside `<…>`, else the word holding an `@`.
fn address_in(value: &str) -> Option<String> {
    let inner = value
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a)
        .filter(|a| a.contains('@'));
    let word = inner.or_else(|| value.split_whitespace().find(|w| w.contains('@')))?;
    let email = word
        .trim_matches(|c: char| {
            !(c.is_alphanumeric() || c == '@' || c == '.' || c == '-' || c == '_' || c == '+')
        })
        .trim_start_matches("mailto:")
        .to_lowercase();
    let (local, domain) = email.split_once('@')?;
    (!local.is_empty() && domain.contains('.')).then_some(email)
}

/// The value of a header-block line (`Objet : …` → `…`).
fn header_value(line: &str) -> &str {
    line.split_once(':').map_or("", |(_, v)| v).trim()
}

/// Extracts the forwarded message body: unquotes, drops its header block, history and signature.
fn extract_forward(lines: &[&str], depth: u8) -> Option<Forward> {
    let quoted = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .all(|l| is_quote(l));
    let unquoted: Vec<String> = if quoted {
        lines.iter().map(|l| unquote_once(l).to_string()).collect()
    } else {
        lines.iter().map(|l| l.to_string()).collect()
    };
    let refs: Vec<&str> = unquoted.iter().map(String::as_str).collect();
    let mut i = 0;
    let mut in_headers = false;
    let (mut from, mut subject) = (None, None);
    while let Some(line) = refs.get(i) {
        let t = line.trim();
        let continuation = in_headers && line.starts_with([' ', '\t']) && !t.is_empty();
        if t.is_empty() || (FROM_LINE.is_match(t) || HEADER_LINE.is_match(t)) || continuation {
            if FROM_LINE.is_match(t) && from.is_none() {
                from = address_in(header_value(t));
            } else if SUBJECT_LINE.is_match(t) && subject.is_none() {
                subject = Some(header_value(t).to_string()).filter(|v| !v.is_empty());
            }
            in_headers = !t.is_empty();
            i += 1;
        } else {
            break;
        }
    }
    let body = &refs[i..];
    let text = if depth >= 3 {
        join_clean(body)
    } else {
        let inner = segment(body, false, depth + 1);
        if inner.new_text.is_empty() {
            // A forward of a forward: the innermost message is the one that speaks.
            from = inner.forwarded_from.or(from);
            subject = inner.forwarded_subject.or(subject);
            inner.forwarded.unwrap_or_default()
        } else {
            inner.new_text
        }
    };
    (!text.is_empty()).then_some(Forward {
        text,
        from,
        subject,
    })
}

/// Removes one level of "> " quoting.
fn unquote_once(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.strip_prefix('>').unwrap_or(t);
    t.strip_prefix(' ').unwrap_or(t)
}

/// Whether a reply-style boundary actually introduces a forward.
fn looks_forwarded(new_text: &str, forward_subject: bool) -> bool {
    forward_subject
        || new_text.is_empty()
        || (new_text.chars().count() <= 600 && FORWARD_CUE.is_match(new_text))
}

/// Core segmentation over already-normalised lines.
fn segment(lines: &[&str], forward_subject: bool, depth: u8) -> Segmented {
    let first = find_boundary(lines, 0, false);
    let head_end = first.map_or(lines.len(), |b| b.start);
    let (mut body, mut had_quote) = drop_quotes(&lines[..head_end]);
    cut_signature(&mut body);
    let new_text = join_clean(&body);
    let history = match first {
        Some(b) if b.kind == Kind::Cut => find_boundary(lines, b.content, true),
        other => other,
    };
    let mut forwarded: Option<Forward> = None;
    if let Some(b) = history {
        let forward = b.kind == Kind::Forward
            || (b.kind == Kind::Reply
                && first.is_some_and(|f| f.start == b.start)
                && looks_forwarded(&new_text, forward_subject));
        if forward {
            forwarded = extract_forward(&lines[b.content..], depth);
            had_quote |= lines[b.content..].iter().any(|l| is_quote(l)) && forwarded.is_none();
        } else {
            had_quote = true;
        }
    }
    if let Some(b) = first {
        had_quote |= forwarded.is_none() && lines[b.start..].iter().any(|l| is_quote(l));
    }
    let (forwarded, forwarded_from, forwarded_subject) = match forwarded {
        Some(f) => (Some(f.text), f.from, f.subject),
        None => (None, None, None),
    };
    Segmented {
        new_text,
        forwarded,
        forwarded_from,
        forwarded_subject,
        had_quote,
    }
}

/// Separates the new text from quoted history, signature and forwarded content.
pub fn split_quoted(text: &str) -> Segmented {
    split_quoted_with_subject(text, "")
}

/// Like [`split_quoted`], but a forward subject ("TR:", "Fwd:", "WG:") marks an Outlook header block as a forward.
pub fn split_quoted_with_subject(text: &str, subject: &str) -> Segmented {
    let clean = strip_controls(text);
    let lines: Vec<&str> = clean.split('\n').collect();
    segment(&lines, FORWARD_PREFIX.is_match(subject), 0)
}

// ───────────────────────────── Sentences ─────────────────────────────

/// Tokens that end with a period without ending a sentence (compared lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "m", "mr", "mrs", "ms", "mme", "mlle", "mm", "dr", "pr", "prof", "me", "st", "ste", "sr", "jr",
    "réf", "ref", "n", "no", "nr", "nº", "n°", "tel", "tél", "fax", "p", "pp", "ca", "bzw", "usw",
    "ggf", "evtl", "inkl", "zzgl", "vs", "cf", "env", "approx", "art", "abs", "vol", "fig", "av",
    "bd", "str", "hr", "fr", "sig", "max", "min", "etc", "ex", "cie", "ltd", "inc", "co", "excl",
    "incl", "exkl",
];

/// Whether the period at `chars[k]` (a run ending before `j`) really ends a sentence.
fn period_ends_sentence(chars: &[(usize, char)], k: usize, j: usize) -> bool {
    let next = chars[j..].iter().find(|(_, c)| !c.is_whitespace());
    if next.is_some_and(|&(_, c)| c.is_lowercase() || c.is_ascii_digit()) {
        return false;
    }
    if j - k > 1 {
        return true;
    }
    let start = chars[..k]
        .iter()
        .rposition(|(_, c)| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let token: String = chars[start..k].iter().map(|&(_, c)| c).collect();
    let token = token
        .trim_start_matches(['(', '"', '«', '\'', '['])
        .to_lowercase();
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    let dotted = token.contains('.') && token.split('.').all(|p| p.chars().count() <= 2);
    let ordinal = !token.is_empty()
        && token.len() <= 2
        && token.chars().all(|c| c.is_ascii_digit())
        && month_follows(&chars[j..]);
    !(ABBREVIATIONS.contains(&token.as_str())
        || (letters == 1 && token.chars().count() == 1)
        || dotted
        || ordinal)
}

/// Whether the next word is a month name (German-style ordinal dates: "17. November").
fn month_follows(rest: &[(usize, char)]) -> bool {
    const MONTHS: &[&str] = &[
        "jan", "feb", "fév", "mär", "mar", "apr", "avr", "mai", "may", "jun", "jui", "jul", "aug",
        "aoû", "sep", "okt", "oct", "nov", "dez", "déc", "dec",
    ];
    let word: String = rest
        .iter()
        .map(|&(_, c)| c)
        .skip_while(|c| c.is_whitespace())
        .take(3)
        .collect::<String>()
        .to_lowercase();
    MONTHS.contains(&word.as_str())
}

/// Splits one line into sentences, appending trimmed non-empty ones to `out`.
fn split_line(line: &str, out: &mut Vec<String>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut start = 0;
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if !matches!(c, '.' | '!' | '?' | '…') {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while j < chars.len()
            && matches!(
                chars[j].1,
                '.' | '!' | '?' | '…' | '"' | '»' | ')' | '”' | '’'
            )
        {
            j += 1;
        }
        // French typography: a closing guillemet after a space belongs to the sentence.
        if chars.get(j).is_some_and(|&(_, c)| c.is_whitespace())
            && chars.get(j + 1).is_some_and(|&(_, c)| c == '»')
        {
            j += 2;
        }
        let at_space = j == chars.len() || chars[j].1.is_whitespace();
        if at_space && (c != '.' || period_ends_sentence(&chars, k, j)) {
            let end = chars.get(j).map_or(line.len(), |&(b, _)| b);
            push_sentence(&line[start..end], out);
            start = end;
        }
        k = j;
    }
    push_sentence(&line[start..], out);
}

fn push_sentence(s: &str, out: &mut Vec<String>) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
}

/// Splits text into trimmed sentences, keeping abbreviations, decimals and dates intact.
pub fn sentences(text: &str) -> Vec<String> {
    let clean = strip_controls(text);
    let mut out = Vec::new();
    for line in clean.lines() {
        split_line(line, &mut out);
    }
    out
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
