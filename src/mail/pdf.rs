//! PDF text (interim version; replaced by the full extractor).

/// Text shown by Tj operators in uncompressed content.
pub fn pdf_text(bytes: &[u8], max_chars: usize) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for piece in s.split(") Tj").take(1000) {
        if let Some(start) = piece.rfind('(') {
            out.push_str(&piece[start + 1..]);
            out.push('\n');
        }
        if out.len() > max_chars {
            break;
        }
    }
    out
}
