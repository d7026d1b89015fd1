//! Marks of a text: hashes of its runs of six words, so that a reply quoting one of our
//! messages can be told from its quoted history, whatever the client did to the lines (`> `
//! prefixes, re-wrapping, HTML turned into text, case). Only the runs whose hash falls in one
//! quarter of the hash space are kept, the same quarter on both sides, so that a few dozen marks
//! stand for a whole message.

/// Words per run.
const RUN: usize = 6;
/// One run in `KEEP` is kept.
const KEEP: u64 = 4;

/// Most marks kept for one of our messages (the start of what we wrote).
pub const OURS: usize = 32;
/// Most marks kept for a reply (the start of what it quotes: about a hundred words, where our
/// latest message begins).
pub const THEIRS: usize = 24;

/// The hash of each word of `text` (letters and digits, lowercased), one at a time: no word is
/// allocated.
fn word_hashes(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        while chars.peek().is_some_and(|c| !c.is_alphanumeric()) {
            chars.next();
        }
        chars.peek()?;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        while let Some(c) = chars.next_if(|c| c.is_alphanumeric()) {
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                for b in l.encode_utf8(&mut buf).bytes() {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        Some(h)
    })
}

/// splitmix64's finaliser: every bit of the result depends on every bit of the input.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The kept runs of `text`, lazily: a run's hash combines its words' hashes in order.
fn runs(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut ring = [0u64; RUN];
    let mut seen = 0usize;
    word_hashes(text).filter_map(move |w| {
        ring[seen % RUN] = w;
        seen += 1;
        if seen < RUN {
            return None;
        }
        let h = (0..RUN).fold(0u64, |h, i| {
            mix(h ^ ring[(seen + i) % RUN]).wrapping_add(i as u64)
        });
        (h % KEEP == 0).then_some(h)
    })
}

/// Bytes read past the new text: far more than the marks kept need, and a bound on the work
/// for a message of many megabytes.
const READ: usize = 32 * 1024;

/// The start of `s`, at most `n` bytes, cut at a character boundary.
fn head(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// At most `cap` marks of `text`, in order, none twice, leaving out the runs found in `own`
/// (the message's new text: what it quotes is the rest).
pub fn marks(text: &str, own: &str, cap: usize) -> Vec<i64> {
    let own = head(own, READ);
    let skip: std::collections::HashSet<u64> = runs(own).collect();
    let mut out: Vec<i64> = Vec::new();
    for h in runs(head(text, own.len() + READ)) {
        // The mark is stored as SQLite's 64-bit integer: the same bits.
        let m = h as i64;
        if !skip.contains(&h) && !out.contains(&m) {
            out.push(m);
            if out.len() >= cap {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS_TEXT: &str = "Bonjour Madame Weber, suite à notre visite de mardi dernier \
        veuillez trouver ci-joint notre proposition pour le remplacement des trois centrales \
        de traitement d'air du bâtiment B, pose et mise en service comprises, avec un délai \
        de six semaines après votre accord. Nous restons à votre disposition pour en parler.";

    #[test]
    fn a_reply_quoting_our_text_shares_its_marks_whatever_the_wrapping() {
        let ours = marks(OURS_TEXT, "", OURS);
        assert!(ours.len() >= 3, "{ours:?}");
        let quoted: String = OURS_TEXT
            .split(' ')
            .collect::<Vec<_>>()
            .chunks(7)
            .map(|c| format!("> {}", c.join(" ")))
            .collect::<Vec<_>>()
            .join("\n");
        let new = "OK pour nous, on signe.";
        let reply = format!(
            "{new}\n\nLe 3 mars, Claire a écrit :\n{}",
            quoted.to_uppercase()
        );
        let theirs = marks(&reply, new, THEIRS);
        let shared = ours.iter().filter(|m| theirs.contains(m)).count();
        assert!(shared * 10 >= ours.len() * 9, "{shared} of {}", ours.len());
    }

    #[test]
    fn a_huge_text_is_read_only_as_far_as_needed() {
        let huge = "zwölf Wörter über Lüftung und Absaugung in Halle vier. ".repeat(400_000);
        let m = marks(&huge, "", THEIRS);
        assert!(m.len() <= THEIRS);
        assert_eq!(head("é", 1), "");
    }

    #[test]
    fn the_reply_s_own_words_are_not_marks_and_short_texts_have_none() {
        assert!(marks("Merci, bien reçu.", "", THEIRS).is_empty());
        let own = "Nous avons bien reçu votre proposition et nous la validons telle quelle \
                   pour une mise en service dès que possible après les congés de printemps.";
        assert!(marks(own, own, THEIRS).is_empty());
    }
}
