//! Language guess for dealwatch.
//!
//! The detectors pick their phrase lists and date conventions by language,
//! and opportunities carry the customer's language. Mail is short and mixed
//! (signatures, quoted replies), so this is a cheap stop-word vote over the
//! first few kilobytes: no dictionaries, no allocation beyond lowercasing words.

#[cfg(test)]
#[path = "lang_tests.rs"]
mod tests;

/// Maximum number of bytes examined.
const SCAN_BYTES: usize = 4096;
/// Minimum number of stop-word hits for a verdict.
const MIN_HITS: u32 = 3;

/// Languages in vote order.
const LANGS: [&str; 5] = ["fr", "en", "de", "es", "it"];

/// Stop words voting for one language (index into `LANGS`), or None.
fn vote(word: &str) -> Option<usize> {
    // Words common to two of the languages carry no vote.
    if matches!(
        word,
        "il" | "es" | "un" | "nos" | "per" | "con" | "que" | "lo" | "de" | "la" | "en" | "a"
    ) {
        return None;
    }
    let lang = match word {
        "le" | "les" | "des" | "du" | "et" | "est" | "une" | "pour" | "qui" | "dans" | "pas"
        | "nous" | "vous" | "avec" | "sur" | "ce" | "cette" | "au" | "aux" | "sont" | "je"
        | "il" | "elle" | "ne" | "mais" | "par" | "plus" | "votre" | "notre" | "bonjour"
        | "merci" | "cordialement" | "être" | "été" | "très" | "ou" | "où" | "ça" | "leur"
        | "vos" | "madame" | "monsieur" | "c'est" | "j'ai" | "d'un" | "d'une" | "l'" | "qu'il" => 0,
        "the" | "and" | "is" | "are" | "of" | "to" | "for" | "with" | "that" | "this" | "you"
        | "we" | "our" | "your" | "it" | "be" | "have" | "has" | "not" | "on" | "at" | "from"
        | "will" | "would" | "please" | "thanks" | "regards" | "hi" | "can" | "could" | "i'm"
        | "we're" | "i" | "was" | "were" | "thank" | "best" | "if" | "as" | "an" | "by" => 1,
        "der" | "die" | "das" | "und" | "ist" | "nicht" | "ich" | "wir" | "sie" | "mit" | "für"
        | "auf" | "den" | "dem" | "ein" | "eine" | "zu" | "von" | "im" | "bitte" | "vielen"
        | "dank" | "grüße" | "gerne" | "unser" | "ihr" | "ihnen" | "auch" | "sind" | "wird"
        | "sehr" | "geehrte" | "geehrter" | "freundlichen" | "haben" | "wie" | "oder" | "uns" => 2,
        "el" | "los" | "las" | "y" | "del" | "por" | "para" | "con" | "una" | "su" | "sus"
        | "muy" | "gracias" | "saludos" | "estimado" | "estimada" | "nuestro" | "nuestra"
        | "usted" | "pero" | "como" | "está" | "podría" => 3,
        "gli" | "della" | "di" | "che" | "è" | "per" | "non" | "sono" | "siamo" | "vostro"
        | "nostro" | "grazie" | "cordiali" | "saluti" | "buongiorno" | "anche" | "questo"
        | "alla" | "sul" | "nel" | "delle" | "degli" | "ci" | "vi" | "gentile" => 4,
        _ => return None,
    };
    Some(lang)
}

/// Guesses the language of a text: "fr", "en", "de", "es", "it", or "und" when too short or unclear; by stop-word counts over at most the first ~4 KB; fast.
pub fn detect_language(text: &str) -> &'static str {
    let head = text
        .get(..text.floor_char_boundary(SCAN_BYTES))
        .unwrap_or("");
    let mut counts = [0u32; 5];
    let mut word = String::with_capacity(16);
    for ch in head.chars().chain(std::iter::once(' ')) {
        if ch.is_alphabetic() || ch == '\'' || ch == '’' {
            word.extend(ch.to_lowercase().map(|c| if c == '’' { '\'' } else { c }));
            continue;
        }
        if !word.is_empty() {
            count_word(&word, &mut counts);
            word.clear();
        }
    }
    verdict(&counts)
}

/// Adds one word's vote; for elided French forms ("l'offre") votes on the prefix.
fn count_word(word: &str, counts: &mut [u32; 5]) {
    let key = match word.split_once('\'') {
        Some(("l" | "d" | "j" | "qu" | "n" | "c" | "s", _)) => "l'",
        _ => word,
    };
    if let Some(i) = vote(key)
        && let Some(c) = counts.get_mut(i)
    {
        *c += 1;
    }
}

/// The winning language, if clear enough.
fn verdict(counts: &[u32; 5]) -> &'static str {
    let mut best = 0;
    for (i, c) in counts.iter().enumerate() {
        if *c > counts.get(best).copied().unwrap_or(0) {
            best = i;
        }
    }
    let top = counts.get(best).copied().unwrap_or(0);
    let second = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, c)| *c)
        .max()
        .unwrap_or(0);
    if top < MIN_HITS || top * 2 < second * 3 {
        return "und";
    }
    LANGS.get(best).copied().unwrap_or("und")
}
