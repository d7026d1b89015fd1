//! Words of a folded sentence: split on everything that is not a letter or a digit, with the
//! apostrophe kept on elisions (`l'`, `d'`, `n'`, `un'`) and English `n't` made a word of its own.

/// The words of folded text `s`, with their byte spans in `s`.
pub(super) fn words_with_spans(s: &str) -> Vec<(&str, usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let apostrophe = i < b.len() && b[i] == b'\'';
        let letter_after = b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic());
        if apostrophe && letter_after {
            // "don't" -> "do" + "n't"; "l'offre" -> "l'" + "offre".
            let next_is_t = b.get(i + 1) == Some(&b't')
                && !b.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric());
            if next_is_t && b[i - 1] == b'n' {
                if i - 1 > start {
                    out.push((&s[start..i - 1], start, i - 1));
                }
                out.push((&s[i - 1..i + 2], i - 1, i + 2));
                i += 2;
                continue;
            }
            out.push((&s[start..=i], start, i + 1));
            i += 1;
            continue;
        }
        out.push((&s[start..i], start, i));
    }
    out
}

/// The words of folded text `s`.
pub(super) fn split_words(s: &str) -> Vec<&str> {
    words_with_spans(s).into_iter().map(|w| w.0).collect()
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn elisions_and_contractions_are_words() {
        assert_eq!(
            split_words("l'offre n'est pas"),
            ["l'", "offre", "n'", "est", "pas"]
        );
        assert_eq!(
            split_words("we don't, can't"),
            ["we", "do", "n't", "ca", "n't"]
        );
        assert_eq!(split_words("n't"), ["n't"]);
        assert_eq!(
            split_words("go-ahead: q3/2026"),
            ["go", "ahead", "q3", "2026"]
        );
        assert_eq!(split_words("un'altra"), ["un'", "altra"]);
    }
}
